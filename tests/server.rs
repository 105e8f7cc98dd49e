//! `entralint server` over stdio with frames written by hand: what a well-behaved client never
//! sends (invalid UTF-8, a frame that is not JSON-RPC), a half-typed document, a document closed
//! while it is being checked, a configuration and a baseline found upward from the document.
//! The end-to-end test with a real client is tests/lsp/test_server.py (pytest-lsp).

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    messages: Receiver<Value>,
    next_id: i64,
    /// What the server wrote on stderr, shown when it stops answering.
    stderr: tempfile::NamedTempFile,
}

impl Client {
    fn start(root: &std::path::Path) -> Client {
        let stderr = tempfile::NamedTempFile::new().unwrap();
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("entralint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr.reopen().unwrap())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (send, messages) = channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            loop {
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length:") {
                        length = n.trim().parse().unwrap();
                    }
                }
                let mut body = vec![0; length];
                out.read_exact(&mut body).unwrap();
                if send.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            messages,
            next_id: 0,
            stderr,
        };
        let uri = format!("file://{}", root.display());
        let reply = client.request("initialize", json!({"capabilities": {}, "rootUri": uri}));
        assert!(reply["result"]["capabilities"]["hoverProvider"] == json!(true));
        client.notify("initialized", json!({}));
        client
    }

    fn frame(&mut self, body: &[u8]) {
        write!(self.stdin, "Content-Length: {}\r\n\r\n", body.len()).unwrap();
        self.stdin.write_all(body).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        let body = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.frame(body.to_string().as_bytes());
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.frame(body.to_string().as_bytes());
        self.wait(|m| m["id"] == json!(id))
    }

    fn wait(&mut self, wanted: impl Fn(&Value) -> bool) -> Value {
        loop {
            let message = match self.messages.recv_timeout(Duration::from_secs(60)) {
                Ok(message) => message,
                Err(err) => panic!("the server did not answer ({err}):\n{}", self.stalled()),
            };
            if wanted(&message) {
                return message;
            }
        }
    }

    /// What there is to know of a server that stopped answering: what it wrote on stderr, where
    /// each of its threads waits (Linux), and their stacks when gdb is there to read them.
    fn stalled(&self) -> String {
        let pid = self.child.id().to_string();
        let mut out = format!(
            "stderr: {}\n",
            std::fs::read_to_string(self.stderr.path()).unwrap_or_default()
        );
        for task in std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let read = |file: &str| std::fs::read_to_string(task.path().join(file));
            out += &format!(
                "thread {} ({}) waits in {}\n",
                task.file_name().to_string_lossy(),
                read("comm").unwrap_or_default().trim(),
                read("wchan").unwrap_or_default(),
            );
        }
        let gdb = Command::new("gdb")
            .args(["-p", &pid, "-batch", "-ex", "thread apply all bt"])
            .stdin(Stdio::null())
            .output();
        if let Ok(gdb) = gdb {
            out += &String::from_utf8_lossy(&gdb.stdout);
        }
        out
    }

    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let message = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    /// Shuts the server down and returns its exit code and every message it sent meanwhile.
    fn finish(mut self) -> (i32, Vec<Value>) {
        let reply = self.request("shutdown", Value::Null);
        assert_eq!(reply["result"], Value::Null);
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        std::thread::sleep(Duration::from_millis(100));
        (
            status.code().unwrap_or(-1),
            self.messages.try_iter().collect(),
        )
    }
}

fn codes(diagnostics: &[Value]) -> Vec<String> {
    diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn hostile_frames_are_skipped_and_the_server_keeps_answering() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    client.frame(b"{ this is not json");
    // Invalid UTF-8 inside a document's text: read with replacement characters.
    let uri = format!("file://{}/bytes.yaml", dir.path().display());
    let mut body =
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1,
        "text": "authorizationPolicy:\n  allowInvitesFrom: XX\n"}}})
        .to_string()
        .into_bytes();
    // Found by what precedes it: the temporary folder's name in the URI may hold `XX` too.
    let marker = b"allowInvitesFrom: XX";
    let at = body
        .windows(marker.len())
        .position(|w| w == marker)
        .unwrap()
        + marker.len()
        - 2;
    body[at] = 0xff;
    body[at + 1] = 0xfe;
    client.frame(&body);
    let found = client.diagnostics(&uri);
    let invalid: Vec<&Value> = found
        .iter()
        .filter(|d| d["code"] == "invalid-value")
        .collect();
    assert_eq!(invalid.len(), 1, "{:?}", codes(&found));
    // Two replacement characters, one UTF-16 unit each.
    assert_eq!(
        invalid[0]["range"],
        json!({"start": {"line": 1, "character": 20}, "end": {"line": 1, "character": 22}})
    );
    // A request for a document that is not open is answered, with nothing.
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "file:///nowhere.yaml"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(hover["result"], Value::Null);
    let unknown = client.request("workspace/symbol", json!({"query": ""}));
    assert_eq!(unknown["error"]["code"], json!(-32601));
    // A notification whose parameters do not read has no reply to carry the error: it is said
    // in the log, and the server goes on.
    client.open("not a URI", "tenant:\n  name: x\n");
    let hover = client.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 1, "character": 4}}),
    );
    assert!(hover.get("error").is_none(), "{hover}");
    // Written before the hover was answered: messages are handled in order.
    let log = std::fs::read_to_string(client.stderr.path()).unwrap();
    assert!(log.contains("ignored textDocument/didOpen"), "{log}");
    let (code, _) = client.finish();
    assert_eq!(code, 0);
}

#[test]
fn half_typed_documents_and_documents_closed_while_checked() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    let half = format!("file://{}/half.yaml", dir.path().display());
    client.open(
        &half,
        "authorizationPolicy:\n  allowInvitesFrom: \"every\n  bl",
    );
    assert_eq!(codes(&client.diagnostics(&half)), ["syntax-error"]);
    for (line, character) in [(0, 0), (1, 25), (2, 4), (9, 9)] {
        let position = json!({"line": line, "character": character});
        for method in ["textDocument/hover", "textDocument/completion"] {
            let reply = client.request(
                method,
                json!({"textDocument": {"uri": half}, "position": position}),
            );
            assert!(reply.get("error").is_none(), "{method}: {reply}");
        }
    }
    // A large document closed at once: its diagnostics are cleared and never come back.
    let big = format!("file://{}/big.yaml", dir.path().display());
    let users = "  - id: someone@contoso.com\n    userType: Member\n".repeat(40_000);
    client.open(&big, &format!("tenant:\n  name: big\nusers:\n{users}"));
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": big}}),
    );
    assert_eq!(client.diagnostics(&big), Vec::<Value>::new());
    let (code, rest) = client.finish();
    assert_eq!(code, 0);
    assert!(
        !rest.iter().any(|m| m["params"]["uri"] == big),
        "a closed document got diagnostics"
    );
}

#[test]
fn configuration_and_baseline_are_found_upward_from_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("tenants/prod")).unwrap();
    let tenant =
        "authorizationPolicy:\n  allowInvitesFrom: everyone\n  blockMsolPowerShell: false\n";
    std::fs::write(root.join("tenants/prod/tenant.yaml"), tenant).unwrap();
    // The baseline is recorded by `check` run from the root, as a team would.
    let recorded = Command::new(assert_cmd::cargo::cargo_bin("entralint"))
        .current_dir(&root)
        .args([
            "check",
            "--no-config",
            "--select",
            "msol-powershell-not-blocked",
        ])
        .args([
            "--write-baseline",
            "baseline.json",
            "tenants/prod/tenant.yaml",
        ])
        .output()
        .unwrap();
    assert!(recorded.status.success(), "{recorded:?}");
    std::fs::write(
        root.join(".entralint.yaml"),
        "baseline: baseline.json\nrules:\n  guest-invites-by-everyone: { severity: error }\n",
    )
    .unwrap();
    let mut client = Client::start(&root);
    let uri = format!("file://{}/tenants/prod/tenant.yaml", root.display());
    client.open(&uri, tenant);
    let found = client.diagnostics(&uri);
    let invites: Vec<&Value> = found
        .iter()
        .filter(|d| d["code"] == "guest-invites-by-everyone")
        .collect();
    assert_eq!(invites.len(), 1, "{found:?}");
    assert_eq!(
        invites[0]["severity"],
        json!(1),
        "the configuration's severity"
    );
    assert!(
        !codes(&found).contains(&"msol-powershell-not-blocked".to_string()),
        "the baselined finding is left out: {found:?}"
    );
    // A broken configuration is reported on the document, which is still checked.
    std::fs::write(root.join(".entralint.yaml"), "profle: cisa\n").unwrap();
    client.notify(
        "textDocument/didSave",
        json!({"textDocument": {"uri": format!("file://{}/.entralint.yaml", root.display())}}),
    );
    let found = client.diagnostics(&uri);
    assert!(
        codes(&found).contains(&"configuration".to_string()),
        "{found:?}"
    );
    assert!(codes(&found).contains(&"guest-invites-by-everyone".to_string()));
    let (code, _) = client.finish();
    assert_eq!(code, 0);
}

#[test]
fn json_documents_get_quick_fixes_but_no_suppression_comment() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = Client::start(dir.path());
    let uri = format!("file://{}/tenant.json", dir.path().display());
    let text = "{\n  \"authorizationPolicy\": {\n    \"allowInvitesFrom\": \"everyone\"\n  }\n}\n";
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
    );
    let found = client.diagnostics(&uri);
    let finding = found
        .iter()
        .find(|d| d["code"] == "guest-invites-by-everyone")
        .cloned()
        .expect("the finding");
    assert_eq!(
        finding["range"],
        json!({"start": {"line": 2, "character": 24}, "end": {"line": 2, "character": 34}})
    );
    let reply = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": finding["range"], "context": {"diagnostics": [finding]}}),
    );
    let titles: Vec<&str> = reply["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert!(
        titles.contains(&"Set `authorizationPolicy.allowInvitesFrom` to `adminsAndGuestInviters` (guest-invites-by-everyone)"),
        "{titles:?}"
    );
    assert!(
        !titles.iter().any(|t| t.starts_with("Suppress")),
        "{titles:?}"
    );
    let fix = &reply["result"][0]["edit"]["changes"][&uri][0];
    assert_eq!(fix["newText"], "\"adminsAndGuestInviters\"");
    assert_eq!(fix["range"], finding["range"]);
    // Every safe fix at once.
    let reply = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
               "context": {"diagnostics": [], "only": ["source.fixAll"]}}),
    );
    let actions = reply["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.entralint");
    let fixed = actions[0]["edit"]["changes"][&uri][0]["newText"]
        .as_str()
        .unwrap();
    assert!(serde_json::from_str::<Value>(fixed).is_ok(), "{fixed}");
    let (code, _) = client.finish();
    assert_eq!(code, 0);
}

#[test]
fn an_inherited_finding_is_shown_at_extends_and_linked_to_the_file_that_sets_it() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join("prod")).unwrap();
    std::fs::write(
        root.join("baseline.yaml"),
        "tenant: {}\nauthorizationPolicy:\n  allowInvitesFrom: everyone\n",
    )
    .unwrap();
    let tenant = "tenant:\n  name: prod\n  extends: ../baseline.yaml\n";
    std::fs::write(root.join("prod/tenant.yaml"), tenant).unwrap();
    let mut client = Client::start(&root);
    let uri = format!("file://{}/prod/tenant.yaml", root.display());
    client.open(&uri, tenant);
    let found = client.diagnostics(&uri);
    let invites: Vec<&Value> = found
        .iter()
        .filter(|d| d["code"] == "guest-invites-by-everyone")
        .collect();
    assert_eq!(invites.len(), 1, "{found:?}");
    let d = invites[0];
    // At the path after `extends:` (line 3, from column 11), in the tenant's own document.
    assert_eq!(
        d["range"]["start"],
        json!({"line": 2, "character": 11}),
        "{d}"
    );
    assert!(
        d["message"]
            .as_str()
            .unwrap()
            .starts_with("inherited from "),
        "{d}"
    );
    let related = &d["relatedInformation"][0]["location"];
    assert_eq!(
        related["uri"],
        json!(format!("file://{}/baseline.yaml", root.display()))
    );
    assert_eq!(
        related["range"]["start"],
        json!({"line": 2, "character": 20}),
        "the value in the baseline: {d}"
    );
    let (code, _) = client.finish();
    assert_eq!(code, 0);
}
