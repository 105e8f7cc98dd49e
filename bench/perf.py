#!/usr/bin/env python3
"""The performance benchmark, in one run with interleaved rounds (a noisy machine slows every
measurement alike): entralint against the granit-parser event floor on the generated 10,000-file
corpus (the whole catalogue and the ten rules the peer linters implement), one file's wall time,
and large single tenants (wall time and peak memory by number of users).

    python3 bench/perf.py [--rounds N] [--files N] [--users 1000,10000,50000,100000]
                          [--bin target/release/entralint] [--shared ../shared/bench]
                          [--large-only] [--baseline OTHER-BUILD]

Builds nothing but the floor: run `cargo build --release` (or `--profile dist`) first. The corpus
generator and the floor come from the shared harness (`--shared`, default ../shared/bench); without
it the floor ratios are left out and said to be. Corpora and the floor's build go to
target/bench (or `--work`). `--baseline` times another build (the one before a change) in the
same rounds, so that before and after are compared under the same load.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Marks the lanes and rows of `--baseline`.
BASELINE = " (baseline)"
ROOT = HERE.parent

# The ten rules of the peer harness (shared/bench/RULES.md, R1 to R10), by entralint's names.
TEN_RULES = [
    "guests-have-member-access",
    "guest-invites-by-everyone",
    "users-can-register-apps",
    "security-group-creation-by-users",
    "tenant-creation-by-users",
    "bitlocker-key-self-service",
    "m365-group-creation-by-users",
    "global-admin-too-many",
    "guest-in-privileged-role",
    "role-assignment-unknown-principal",
]


def run(cmd, **kw):
    """Runs `cmd` with its output discarded; returns (wall seconds, peak resident KiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return wall, usage.ru_maxrss, proc.returncode


def build_floor(shared, work):
    floor = shared / "floor"
    if not (floor / "Cargo.toml").exists() or shutil.which("cargo") is None:
        return None
    target = work / "floor-target"
    subprocess.run(
        ["cargo", "build", "--quiet", "--release", "--manifest-path", str(floor / "Cargo.toml")],
        check=True,
        env={**os.environ, "CARGO_TARGET_DIR": str(target)},
    )
    return target / "release" / "parse-floor"


def corpus(shared, work, files):
    out = work / f"corpus-{files}"
    if not out.exists():
        generator = shared / "gen_corpus.py"
        if not generator.exists():
            sys.exit(f"the corpus generator {generator} is missing; pass --shared")
        subprocess.run([sys.executable, str(generator), str(files), str(out), "7"], check=True,
                       stdout=subprocess.DEVNULL)
    return out


def large(work, users):
    out = work / f"large-{users}.yaml"
    if not out.exists():
        subprocess.run([sys.executable, str(HERE / "large_tenant.py"), str(users), str(out)],
                       check=True)
    return out


def findings(binary, args):
    out = subprocess.run([str(binary), "check", *args, "--no-config", "--format", "json"],
                         capture_output=True, text=True)
    import json
    try:
        return json.loads(out.stdout)["summary"]["findings"]
    except (ValueError, KeyError):
        return "?"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--files", type=int, default=10000)
    p.add_argument("--single", type=int, default=21, help="one-file runs a round")
    p.add_argument("--users", default="1000,10000,50000,100000")
    p.add_argument("--large-only", action="store_true",
                   help="only the large tenants: no corpus, no floor, no one-file runs")
    p.add_argument("--bin", default=str(ROOT / "target" / "release" / "entralint"))
    p.add_argument("--baseline", help="another build, timed in the same rounds")
    p.add_argument("--shared", default=str(ROOT.parent / "shared" / "bench"))
    p.add_argument("--work", default=str(ROOT / "target" / "bench"))
    a = p.parse_args()
    binary, shared, work = Path(a.bin), Path(a.shared), Path(a.work)
    work.mkdir(parents=True, exist_ok=True)
    if not binary.exists():
        sys.exit(f"{binary} is missing: cargo build --release first")
    baseline = Path(a.baseline) if a.baseline else None
    if baseline and not baseline.exists():
        sys.exit(f"{baseline} is missing")
    have_shared = (shared / "gen_corpus.py").exists() and not a.large_only
    floor = build_floor(shared, work) if have_shared else None
    users = [int(u) for u in a.users.split(",") if u]
    tenants = {u: large(work, u) for u in users}

    lanes = {}
    dir_ = None
    if have_shared:
        dir_ = corpus(shared, work, a.files)
        one = sorted(dir_.iterdir())[0]
        if floor:
            lanes["floor"] = [str(floor), str(dir_), "--events", "--threads", "2"]
        check = [str(binary), "check", str(dir_), "--no-config", "--format", "short"]
        lanes["catalogue"] = check
        lanes["ten rules"] = check + ["--select", ",".join(TEN_RULES)]
    elif a.large_only:
        one = ROOT / "examples" / "tenant.yaml"
        a.single = 0
    else:
        one = ROOT / "examples" / "tenant.yaml"
        print(f"note: {shared} is missing, so no corpus and no floor: only one file and large tenants")
    single = [str(binary), "check", str(one), "--no-config", "--format", "short"]
    for u, path in tenants.items():
        lanes[f"{u} users"] = [str(binary), "check", str(path), "--no-config", "--format", "short"]

    # The baseline's lanes follow each of the build's, in the same rounds.
    builds = {binary: ""}
    if baseline:
        builds[baseline] = BASELINE
        lanes = {lane: cmd for name, cmd in lanes.items()
                 for lane, cmd in [(name, cmd)] + ([] if name == "floor" else
                                                   [(name + BASELINE, [str(baseline), *cmd[1:]])])}

    # One unmeasured run of each fills the page cache.
    for cmd in lanes.values():
        run(cmd)
    wall = {name: [] for name in lanes}
    peak = {name: [] for name in lanes}
    one_file = {suffix: [] for suffix in builds.values()}
    for _ in range(a.rounds):
        for name, cmd in lanes.items():
            w, m, _ = run(cmd)
            wall[name].append(w)
            peak[name].append(m)
        for _ in range(a.single):
            for build, suffix in builds.items():
                one_file[suffix].append(run([str(build), *single[1:]])[0])

    med = {name: statistics.median(times) for name, times in wall.items()}
    print(f"entralint {subprocess.run([str(binary), '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{os.cpu_count()} cores, {a.rounds} interleaved rounds, medians")
    if baseline:
        print(f"rows marked{BASELINE} are {baseline}, timed in the same rounds")
    if have_shared:
        print(f"\ncorpus: {a.files} generated files (gen_corpus.py {a.files} DIR 7)")
        print(f"{'run':<22} {'wall (ms)':>10} {'× floor':>8} {'peak (MB)':>10} {'findings':>9}")
        base = med.get("floor")
        for name in ("floor", "catalogue", "ten rules"):
            for build, suffix in builds.items():
                lane = name + suffix
                if lane not in med:
                    continue
                ratio = f"{med[lane] / base:.2f}" if base else "-"
                select = ["--select", ",".join(TEN_RULES)] if name == "ten rules" else []
                count = "" if name == "floor" else findings(build, [str(dir_), *select])
                print(f"{lane:<22} {med[lane] * 1000:>10.0f} {ratio:>8} "
                      f"{max(peak[lane]) / 1024:>10.1f} {count:>9}")
    if a.single:
        print()
    for suffix, times in one_file.items():
        if times:
            print(f"one file{suffix} ({one.name}): median {statistics.median(times) * 1000:.2f} ms "
                  f"wall of {len(times)} (min {min(times) * 1000:.2f}, max {max(times) * 1000:.2f})")
    if users:
        print("\nlarge tenants (one file, twice as many role assignments as users)")
        print(f"{'users':>20} {'size (MB)':>10} {'wall (ms)':>10} {'ms / 1k users':>14} "
              f"{'peak (MB)':>10} {'findings':>9}")
        for u, path in tenants.items():
            for build, suffix in builds.items():
                name = f"{u} users{suffix}"
                print(f"{str(u) + suffix:>20} {path.stat().st_size / 1048576:>10.1f} "
                      f"{med[name] * 1000:>10.0f} {med[name] * 1e6 / u:>14.2f} "
                      f"{max(peak[name]) / 1024:>10.1f} {findings(build, [str(path)]):>9}")


if __name__ == "__main__":
    main()
