//! `entralint server`: a language server over standard input and output. A thin layer over the
//! library: documents are checked with the same configuration, rules, suppressions and baseline
//! as `check`, findings become diagnostics, rule fixes become quick fixes, and the model answers
//! hover and completion. Nothing here knows how a tenant file is read or judged.

mod actions;
mod completion;
mod diagnostics;
mod documents;
mod hover;
mod keys;
mod requests;
mod transport;
mod worker;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionParams, CodeActionProviderCapability,
    CompletionOptions, CompletionParams, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DidSaveTextDocumentParams, HoverParams, HoverProviderCapability,
    InitializeParams, InitializeResult, PositionEncodingKind, SaveOptions, ServerCapabilities,
    ServerInfo, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri,
};

use crate::read::MAX_TENANT_BYTES;
use documents::{Contexts, Document, Documents, Encoding, LineIndex};
use requests::Snapshot;
use worker::{Job, Scheduler};

/// Runs the server until the client says `exit`; the exit code follows the protocol (0 after
/// `shutdown`, 1 otherwise).
pub fn run() -> u8 {
    let transport = match transport::stdio() {
        Ok(transport) => transport,
        Err(err) => {
            eprintln!("error: cannot start the language server: {err}");
            return 2;
        }
    };
    let connection = Connection {
        sender: transport.sender.clone(),
        receiver: transport.receiver.clone(),
    };
    let code = match serve(&connection) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("entralint server: {err}");
            1
        }
    };
    drop(connection);
    drop(transport.sender);
    // The last replies go out before the process ends; workers still holding the channel stop
    // after their current check.
    let _ = transport.writer.join();
    code
}

fn serve(connection: &Connection) -> Result<u8, String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let params: InitializeParams = serde_json::from_value(params).unwrap_or_default();
    let encoding = negotiate(&params);
    // Documents are named as `check` run from the workspace root names them, so that the
    // configuration's globs and the baseline's fingerprints match.
    if let Some(root) = workspace_root(&params) {
        let _ = std::env::set_current_dir(root);
    }
    let result = InitializeResult {
        capabilities: capabilities(encoding),
        server_info: Some(ServerInfo {
            name: "entralint".to_string(),
            version: Some(env!("CARGO_PKG_VERSION").to_string()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    // The `initialized` notification that should follow is not waited for: a client that
    // leaves it out still gets answers.
    connection
        .sender
        .send(Response::new_ok(id, result).into())
        .map_err(|e| e.to_string())?;
    let documents: Documents = Arc::new(Mutex::new(HashMap::new()));
    let contexts = Arc::new(Contexts::default());
    let scheduler = Scheduler::start(
        documents.clone(),
        contexts.clone(),
        connection.sender.clone(),
        encoding,
    );
    let server = Server {
        sender: connection.sender.clone(),
        documents,
        contexts,
        scheduler,
        encoding,
    };
    let code = server.main_loop(connection);
    server.scheduler.stop();
    Ok(code)
}

/// A notification's parameters; ones that do not read (a URI that is not one) are said on stderr,
/// the editor's log, since a notification has no reply to carry the error.
fn read_params<P: serde::de::DeserializeOwned>(
    method: &str,
    params: serde_json::Value,
) -> Option<P> {
    serde_json::from_value(params)
        .map_err(|err| eprintln!("entralint server: ignored {method}: {err}"))
        .ok()
}

fn negotiate(params: &InitializeParams) -> Encoding {
    let offered = params
        .capabilities
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    // UTF-8 columns are what entralint counts in; UTF-16 is the protocol's default.
    if offered.is_some_and(|e| e.contains(&PositionEncodingKind::UTF8)) {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

#[allow(deprecated)] // root_uri: older clients send only that
fn workspace_root(params: &InitializeParams) -> Option<std::path::PathBuf> {
    let uri = params
        .workspace_folders
        .as_ref()
        .and_then(|f| f.first())
        .map(|f| f.uri.clone())
        .or_else(|| params.root_uri.clone())?;
    documents::uri_to_path(&uri).filter(|p| p.is_dir())
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(false),
                })),
                ..Default::default()
            },
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![":".to_string(), "\"".to_string()]),
            ..Default::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(actions::FIX_ALL),
            ]),
            ..Default::default()
        })),
        ..Default::default()
    }
}

struct Server {
    sender: crossbeam_channel::Sender<Message>,
    documents: Documents,
    contexts: Arc<Contexts>,
    scheduler: Arc<Scheduler>,
    encoding: Encoding,
}

impl Server {
    fn main_loop(&self, connection: &Connection) -> u8 {
        let mut shut_down = false;
        for message in &connection.receiver {
            match message {
                Message::Request(request) if request.method == "shutdown" => {
                    shut_down = true;
                    self.scheduler.stop();
                    let _ = self
                        .sender
                        .send(Response::new_ok(request.id, serde_json::Value::Null).into());
                }
                Message::Request(request) if shut_down => {
                    let _ = self.sender.send(
                        Response::new_err(
                            request.id,
                            ErrorCode::InvalidRequest as i32,
                            "the server is shutting down".to_string(),
                        )
                        .into(),
                    );
                }
                Message::Request(request) => self.request(request),
                Message::Notification(n) if n.method == "exit" => {
                    return if shut_down { 0 } else { 1 };
                }
                Message::Notification(notification) => self.notify(notification),
                Message::Response(_) => {}
            }
        }
        1
    }

    fn snapshot(&self, uri: &Uri) -> Option<Document> {
        self.documents.lock().ok()?.get(uri).cloned()
    }

    fn request(&self, request: Request) {
        let sender = self.sender.clone();
        let contexts = self.contexts.clone();
        let encoding = self.encoding;
        match request.method.as_str() {
            "textDocument/hover" => {
                let document = serde_json::from_value::<HoverParams>(request.params.clone())
                    .ok()
                    .and_then(|p| {
                        self.snapshot(&p.text_document_position_params.text_document.uri)
                    });
                requests::spawn(request, sender, move |params: HoverParams| {
                    let snapshot = Snapshot::new(document?, &contexts, encoding)?;
                    hover::hover(&snapshot, params.text_document_position_params.position)
                });
            }
            "textDocument/completion" => {
                let document = serde_json::from_value::<CompletionParams>(request.params.clone())
                    .ok()
                    .and_then(|p| self.snapshot(&p.text_document_position.text_document.uri));
                requests::spawn(request, sender, move |params: CompletionParams| {
                    let snapshot = Snapshot::new(document?, &contexts, encoding)?;
                    completion::complete(&snapshot, params.text_document_position.position)
                });
            }
            "textDocument/codeAction" => {
                let document = serde_json::from_value::<CodeActionParams>(request.params.clone())
                    .ok()
                    .and_then(|p| self.snapshot(&p.text_document.uri));
                requests::spawn(request, sender, move |params: CodeActionParams| {
                    let snapshot = Snapshot::new(document?, &contexts, encoding)?;
                    Some(actions::code_actions(
                        &snapshot,
                        params.range,
                        params.context.only.as_deref(),
                    ))
                });
            }
            _ => {
                let _ = self.sender.send(
                    Response::new_err(
                        request.id,
                        ErrorCode::MethodNotFound as i32,
                        format!("entralint does not answer {}", request.method),
                    )
                    .into(),
                );
            }
        }
    }

    fn notify(&self, notification: Notification) {
        let method = notification.method.as_str();
        let params = notification.params;
        match method {
            "textDocument/didOpen" => {
                if let Some(p) = read_params::<DidOpenTextDocumentParams>(method, params) {
                    let item = p.text_document;
                    self.update(item.uri, item.version, item.text, &item.language_id);
                }
            }
            "textDocument/didChange" => {
                if let Some(p) = read_params::<DidChangeTextDocumentParams>(method, params) {
                    self.change(p);
                }
            }
            "textDocument/didSave" => {
                if let Some(p) = read_params::<DidSaveTextDocumentParams>(method, params) {
                    let uri = p.text_document.uri;
                    let configuration = uri.as_str().ends_with(crate::config::FILE_NAME);
                    self.recheck(|u| configuration || *u == uri);
                }
            }
            "workspace/didChangeWatchedFiles" | "workspace/didChangeConfiguration" => {
                self.recheck(|_| true);
            }
            "textDocument/didClose" => {
                if let Some(p) = read_params::<DidCloseTextDocumentParams>(method, params) {
                    self.close(&p.text_document.uri);
                }
            }
            _ => {}
        }
    }

    fn update(&self, uri: Uri, version: i32, text: String, language: &str) {
        let path = documents::uri_to_path(&uri);
        let name = documents::name_for(&uri, path.as_deref(), language);
        let size = text.len();
        let too_large = size as u64 > MAX_TENANT_BYTES;
        // A document larger than entralint reads is refused, and not kept in memory.
        let text: Option<Arc<str>> = (!too_large).then(|| Arc::from(text));
        let Ok(mut documents) = self.documents.lock() else {
            return;
        };
        documents.insert(
            uri.clone(),
            Document {
                uri: uri.clone(),
                version,
                text: text.clone(),
                name: name.clone(),
                path: path.clone(),
                language: language.to_string(),
                checked: None,
            },
        );
        match text {
            Some(text) => {
                drop(documents);
                self.scheduler.submit(Job {
                    uri,
                    version,
                    text,
                    name,
                    path,
                });
            }
            None => {
                let loaded = crate::load::too_large(&name, size as u64);
                let index = LineIndex::new(Arc::from(""), 0, self.encoding);
                let diagnostics = loaded
                    .diagnostics
                    .iter()
                    .map(|d| diagnostics::one(d, &index, &uri, None))
                    .collect();
                let _ = self
                    .sender
                    .send(worker::publish(&uri, diagnostics, Some(version)));
            }
        }
    }

    fn change(&self, params: DidChangeTextDocumentParams) {
        let uri = params.text_document.uri;
        let Some(document) = self.snapshot(&uri) else {
            return;
        };
        let mut text: String = document.text.as_deref().unwrap_or_default().to_string();
        for change in params.content_changes {
            match change.range {
                None => text = change.text,
                // Full sync is what the server asks for; ranged changes are applied all the same.
                Some(range) => {
                    let index = LineIndex::new(Arc::from(text.as_str()), text.len(), self.encoding);
                    let start = index.editor_offset(range.start);
                    let end = index.editor_offset(range.end).max(start);
                    text.replace_range(start..end, &change.text);
                }
            }
        }
        self.update(uri, params.text_document.version, text, &document.language);
    }

    /// Checks again the open documents `which` selects (a configuration changed, or a save).
    fn recheck(&self, which: impl Fn(&Uri) -> bool) {
        let jobs: Vec<Job> = match self.documents.lock() {
            Ok(documents) => documents
                .values()
                .filter(|d| which(&d.uri))
                .filter_map(|d| {
                    Some(Job {
                        uri: d.uri.clone(),
                        version: d.version,
                        text: d.text.clone()?,
                        name: d.name.clone(),
                        path: d.path.clone(),
                    })
                })
                .collect(),
            Err(_) => return,
        };
        jobs.into_iter().for_each(|job| self.scheduler.submit(job));
    }

    fn close(&self, uri: &Uri) {
        self.scheduler.forget(uri);
        if let Ok(mut documents) = self.documents.lock() {
            documents.remove(uri);
            // Under the lock, so a check finishing now cannot publish after this.
            let _ = self.sender.send(worker::publish(uri, Vec::new(), None));
        }
    }
}
