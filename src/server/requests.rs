//! Requests are answered off the thread that reads messages, each from a snapshot of its
//! document: the text the editor has now, parsed, and the newest check of that same text.

use std::sync::Arc;

use crossbeam_channel::Sender;
use lsp_server::{ErrorCode, Message, Request, Response};
use lsp_types::Uri;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::documents::{Checked, Context, Contexts, Document, Encoding, LineIndex};
use crate::diagnostic::{Diagnostic, FileReport};
use crate::load::{self, Loaded};

/// One document as a request sees it.
pub struct Snapshot {
    pub uri: Uri,
    pub name: String,
    pub loaded: Loaded,
    pub index: LineIndex,
    pub context: Arc<Context>,
    /// The check of exactly this text, when it is done.
    pub checked: Option<Arc<Checked>>,
}

impl Snapshot {
    /// None when the document is not open or too large to read.
    pub fn new(document: Document, contexts: &Contexts, encoding: Encoding) -> Option<Snapshot> {
        let text = document.text?;
        let loaded = load::load(&document.name, text.as_bytes());
        let index = LineIndex::new(text, loaded.source.text.len(), encoding);
        let checked = document
            .checked
            .filter(|checked| checked.version == document.version);
        let context = match &checked {
            Some(checked) => checked.context.clone(),
            None => contexts.for_document(document.path.as_deref()),
        };
        Some(Snapshot {
            uri: document.uri,
            name: document.name,
            loaded,
            index,
            context,
            checked,
        })
    }

    pub fn report(&self) -> Option<&FileReport> {
        self.checked.as_ref()?.report.as_ref()
    }

    /// The findings that count (not suppressed, excepted or baselined).
    pub fn findings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.report()
            .into_iter()
            .flat_map(|r| &r.diagnostics)
            .filter(|d| d.is_active())
    }
}

/// Answers a request on the thread pool: parameters in, a result or an error out. A panic in
/// a handler becomes an error response, never a dead server.
pub fn spawn<P, R>(
    request: Request,
    sender: Sender<Message>,
    handle: impl FnOnce(P) -> R + Send + 'static,
) where
    P: DeserializeOwned + Send + 'static,
    R: Serialize,
{
    rayon::spawn(move || {
        let id = request.id.clone();
        let response = match serde_json::from_value::<P>(request.params) {
            Err(err) => Response::new_err(
                id,
                ErrorCode::InvalidParams as i32,
                format!("invalid parameters for {}: {err}", request.method),
            ),
            Ok(params) => {
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| handle(params))) {
                    Ok(result) => Response::new_ok(id, result),
                    Err(_) => Response::new_err(
                        id,
                        ErrorCode::InternalError as i32,
                        format!("entralint could not answer {}", request.method),
                    ),
                }
            }
        };
        let _ = sender.send(Message::Response(response));
    });
}
