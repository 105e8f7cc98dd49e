#!/usr/bin/env python3
"""Latency and memory of `entralint server` (a benchmark, not a test).

Drives the server over stdio with plain JSON-RPC and reports:
- the time from sending a change of a 5 KB tenant file to receiving its diagnostics (median
  and 95th percentile over many changes; measured at the client, so it includes the pipe both
  ways and is an upper bound of the server-side time);
- the server's resident memory after opening the file and after 1,000 edits.

Usage: python3 bench/lsp.py [path/to/entralint]   (default: target/release/entralint)
"""

import json
import os
import statistics
import subprocess
import sys
import time

BIN = sys.argv[1] if len(sys.argv) > 1 else "target/release/entralint"


def tenant(invites: str) -> str:
    """A workforce tenant of about 5 KB: every policy section and a few dozen users."""
    head = f"""\
tenant:
  name: contoso
  kind: workforce
authorizationPolicy:
  allowInvitesFrom: {invites}
  allowedToSignUpEmailBasedSubscriptions: true
  allowEmailVerifiedUsersToJoinOrganization: true
  allowUserConsentForRiskyApps: false
  blockMsolPowerShell: false
  guestUserRoleId: 10dae51f-b6af-4016-8d66-8c2a99b929b3
  defaultUserRolePermissions:
    allowedToCreateApps: true
    allowedToCreateSecurityGroups: true
    allowedToCreateTenants: true
    allowedToReadBitlockerKeysForOwnedDevice: true
    allowedToReadOtherUsers: true
    permissionGrantPoliciesAssigned: [ManagePermissionGrantsForSelf.microsoft-user-default-legacy]
groupSettings:
  EnableGroupCreation: true
  AllowGuestsToBeGroupOwner: false
consentPolicySettings:
  EnableAdminConsentRequests: false
portalSettings:
  restrictNonAdminAccess: false
roleAssignments:
  - principal: alice@contoso.com
    role: Global Administrator
    type: active
users:
"""
    users = []
    n = 0
    while len(head) + sum(map(len, users)) < 5 * 1024:
        users.append(f"  - id: user{n}@contoso.com\n    userType: Member\n    accountEnabled: true\n")
        n += 1
    return head + "".join(users)


class Server:
    def __init__(self):
        self.proc = subprocess.Popen(
            [BIN, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=sys.stderr
        )
        self.next_id = 0

    def send(self, message):
        body = json.dumps({"jsonrpc": "2.0", **message}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def receive(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        self.next_id += 1
        self.send({"id": self.next_id, "method": method, "params": params})
        while True:
            message = self.receive()
            if message.get("id") == self.next_id:
                return message

    def diagnostics(self, uri, version):
        while True:
            message = self.receive()
            params = message.get("params", {})
            if message.get("method") == "textDocument/publishDiagnostics" and \
                    params.get("uri") == uri and params.get("version") == version:
                return params["diagnostics"]

    def rss_kib(self):
        with open(f"/proc/{self.proc.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0


def main():
    server = Server()
    root = os.path.abspath("target/bench-lsp")
    os.makedirs(root, exist_ok=True)
    uri = "file://" + root + "/tenant.yaml"
    server.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + root,
                                  "capabilities": {}})
    server.send({"method": "initialized", "params": {}})
    texts = [tenant("everyone"), tenant("none")]
    print(f"tenant file: {len(texts[0])} bytes")
    started = time.perf_counter()
    server.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": texts[0]}}})
    found = server.diagnostics(uri, 1)
    print(f"first diagnostics (rules compiled on first use): "
          f"{(time.perf_counter() - started) * 1000:.1f} ms, {len(found)} findings")
    # Warm up, then measure start memory once the server is in its steady state.
    version = 1
    for _ in range(20):
        version += 1
        server.send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": texts[version % 2]}]}})
        server.diagnostics(uri, version)
    start_rss = server.rss_kib()
    latencies = []
    for _ in range(1000):
        version += 1
        sent = time.perf_counter()
        server.send({"method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"text": texts[version % 2]}]}})
        server.diagnostics(uri, version)
        latencies.append((time.perf_counter() - sent) * 1000)
    end_rss = server.rss_kib()
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95)]
    print(f"change to diagnostics, 1,000 edits: median {statistics.median(latencies):.2f} ms, "
          f"p95 {p95:.2f} ms, max {latencies[-1]:.2f} ms (target: under 20 ms)")
    print(f"server memory: {start_rss / 1024:.1f} MiB at start, {end_rss / 1024:.1f} MiB after "
          f"1,000 edits ({end_rss / start_rss:.2f}x; target: under 2x)")
    server.request("shutdown", None)
    server.send({"method": "exit"})
    server.proc.wait(timeout=10)


if __name__ == "__main__":
    main()
