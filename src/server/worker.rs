//! Checks run on worker threads, never on the thread that reads the editor's messages. Changes
//! to one document are debounced and coalesced: a change waits as long as the document's last
//! check took (so a burst of keystrokes on a large document is checked once, and a small one is
//! checked at once), and only the newest version waiting is checked. A result is published only
//! if its version is still the document's, so a slow check never overwrites a newer one, and a
//! document closed meanwhile gets nothing.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use crossbeam_channel::Sender;
use lsp_server::{Message, Notification};
use lsp_types::Uri;

use super::diagnostics;
use super::documents::{Checked, Contexts, Documents, Encoding, LineIndex};
use crate::check::{self, Checker};

/// The longest a change waits for more changes before it is checked.
const MAX_DEBOUNCE: Duration = Duration::from_millis(250);

/// One version of a document to check.
#[derive(Debug, Clone)]
pub struct Job {
    pub uri: Uri,
    pub version: i32,
    pub text: Arc<str>,
    pub name: String,
    pub path: Option<PathBuf>,
}

#[derive(Default)]
struct Queue {
    pending: HashMap<Uri, (Job, Instant)>,
    running: HashSet<Uri>,
    /// How long each document's last check took.
    cost: HashMap<Uri, Duration>,
    stopped: bool,
}

/// The queue of checks and what the workers need to publish their results.
pub struct Scheduler {
    queue: Mutex<Queue>,
    wake: Condvar,
    documents: Documents,
    contexts: Arc<Contexts>,
    sender: Sender<Message>,
    encoding: Encoding,
    /// Whether the user was told that a check failed.
    told: std::sync::atomic::AtomicBool,
}

impl Scheduler {
    pub fn start(
        documents: Documents,
        contexts: Arc<Contexts>,
        sender: Sender<Message>,
        encoding: Encoding,
    ) -> Arc<Scheduler> {
        let scheduler = Arc::new(Scheduler {
            queue: Mutex::new(Queue::default()),
            wake: Condvar::new(),
            documents,
            contexts,
            sender,
            encoding,
            told: Default::default(),
        });
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4));
        for n in 0..workers {
            let scheduler = scheduler.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("entralint-check-{n}"))
                .spawn(move || scheduler.work());
            if let Err(err) = spawned {
                eprintln!("entralint server: cannot start a worker thread: {err}");
            }
        }
        scheduler
    }

    /// Queues a check of this version, replacing any older version still waiting.
    pub fn submit(&self, job: Job) {
        let Ok(mut queue) = self.queue.lock() else {
            return;
        };
        let wait = queue
            .cost
            .get(&job.uri)
            .copied()
            .unwrap_or_default()
            .min(MAX_DEBOUNCE);
        queue
            .pending
            .insert(job.uri.clone(), (job, Instant::now() + wait));
        self.wake.notify_all();
    }

    /// Forgets a closed document: a check waiting for it is dropped.
    pub fn forget(&self, uri: &Uri) {
        if let Ok(mut queue) = self.queue.lock() {
            queue.pending.remove(uri);
            queue.cost.remove(uri);
        }
    }

    pub fn stop(&self) {
        if let Ok(mut queue) = self.queue.lock() {
            queue.stopped = true;
            self.wake.notify_all();
        }
    }

    fn work(&self) {
        while let Some(job) = self.next() {
            let started = Instant::now();
            let uri = job.uri.clone();
            // A defect in a rule must cost one result, not the worker.
            let checked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                run(&job, &self.contexts, self.encoding)
            }));
            if let Ok(mut queue) = self.queue.lock() {
                queue.running.remove(&uri);
                if queue.pending.contains_key(&uri) || self.has_document(&uri) {
                    queue.cost.insert(uri.clone(), started.elapsed());
                }
                self.wake.notify_all();
            }
            match checked {
                Ok(checked) => self.publish(&job, checked),
                Err(panic) => {
                    // Said on stderr (the editor's log), and once to the user, who would
                    // otherwise wait for diagnostics that never come.
                    let why = panic
                        .downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    let failed = format!("could not check {}: {why}", job.name);
                    eprintln!("entralint server: {failed}");
                    if !self.told.swap(true, std::sync::atomic::Ordering::Relaxed) {
                        let _ = self.sender.send(show_error(format!("entralint {failed}")));
                    }
                }
            }
        }
    }

    fn has_document(&self, uri: &Uri) -> bool {
        self.documents.lock().is_ok_and(|d| d.contains_key(uri))
    }

    /// The next job whose wait is over and whose document is not being checked; None to stop.
    fn next(&self) -> Option<Job> {
        let mut queue = self.queue.lock().ok()?;
        loop {
            if queue.stopped {
                return None;
            }
            let now = Instant::now();
            let ready = queue
                .pending
                .iter()
                .filter(|(uri, _)| !queue.running.contains(*uri))
                .min_by_key(|(_, (_, at))| *at)
                .map(|(uri, (_, at))| (uri.clone(), *at));
            match ready {
                Some((uri, at)) if at <= now => {
                    let (job, _) = queue.pending.remove(&uri)?;
                    queue.running.insert(uri);
                    return Some(job);
                }
                Some((_, at)) => {
                    queue = self.wake.wait_timeout(queue, at - now).ok()?.0;
                }
                None => queue = self.wake.wait(queue).ok()?,
            }
        }
    }

    /// Sends the diagnostics of a check when its version is still the document's.
    fn publish(&self, job: &Job, checked: Checked) {
        // Converted before taking the lock, which the reading thread also needs.
        let diagnostics = diagnostics::to_lsp(&checked, &job.uri);
        let Ok(mut documents) = self.documents.lock() else {
            return;
        };
        let Some(document) = documents.get_mut(&job.uri) else {
            return;
        };
        // A document closed and opened again may reuse a version number: the text decides.
        let same = document
            .text
            .as_ref()
            .is_some_and(|text| Arc::ptr_eq(text, &job.text));
        if document.version != job.version || !same {
            return;
        }
        document.checked = Some(Arc::new(checked));
        // Sent while the documents are locked, so a close or a newer result cannot overtake it.
        let _ = self
            .sender
            .send(publish(&job.uri, diagnostics, Some(job.version)));
    }
}

/// A `window/showMessage` notification of an error.
fn show_error(message: String) -> Message {
    let params = lsp_types::ShowMessageParams {
        typ: lsp_types::MessageType::ERROR,
        message,
    };
    Message::Notification(Notification::new("window/showMessage".to_string(), params))
}

pub fn publish(
    uri: &Uri,
    diagnostics: Vec<lsp_types::Diagnostic>,
    version: Option<i32>,
) -> Message {
    let params = lsp_types::PublishDiagnosticsParams {
        uri: uri.clone(),
        diagnostics,
        version,
    };
    Message::Notification(Notification::new(
        "textDocument/publishDiagnostics".to_string(),
        params,
    ))
}

/// Checks one version of a document as `check` would: its configuration, rules, inline
/// suppressions and baseline.
pub fn run(job: &Job, contexts: &Contexts, encoding: Encoding) -> Checked {
    let context = contexts.for_document(job.path.as_deref());
    let mut inherited = Vec::new();
    let mut extends_at = None;
    let report = if job.path.is_none() || context.config.discovers(&job.name) {
        let checker = Checker {
            rules: context.rules.as_ref(),
            config: &context.config,
        };
        let path = job
            .path
            .clone()
            .unwrap_or_else(|| crate::escape::to_path(&job.name));
        let checked =
            check::family::check_text_at(&job.name, &path, job.text.as_bytes(), &checker, None);
        let mut report = checked.and_then(|(reports, at)| {
            extends_at = at;
            let mut reports = reports.into_iter();
            let own = reports.next();
            inherited = reports
                .filter(|r| r.diagnostics.iter().any(|d| d.is_active()))
                .filter_map(|r| inherited_file(r, encoding))
                .collect();
            own
        });
        if let (Some(report), Some(baseline)) = (report.as_mut(), context.baseline.as_ref()) {
            baseline.apply(std::slice::from_mut(report), checker.rules);
        }
        report
    } else {
        None
    };
    let decoded = report
        .as_ref()
        .map_or(job.text.len(), |r| r.source.text.len());
    Checked {
        version: job.version,
        report,
        context,
        index: LineIndex::new(job.text.clone(), decoded, encoding),
        inherited,
        extends_at,
    }
}

/// A file the document extends, as the editor addresses it and counts its lines.
fn inherited_file(
    report: crate::diagnostic::FileReport,
    encoding: Encoding,
) -> Option<(Uri, LineIndex, crate::diagnostic::FileReport)> {
    let path = crate::escape::to_path(&report.source.name);
    let path = path.canonicalize().unwrap_or(path);
    let uri = super::documents::path_to_uri(&path)?;
    let text: Arc<str> = report.source.text.as_str().into();
    let index = LineIndex::new(text, report.source.text.len(), encoding);
    Some((uri, index, report))
}
