//! Several files checked as one document: their texts laid end to end, every span moved by its
//! file's offset, and each finding handed back to the file its span falls in. A Graph tenant
//! folder and a tenant file with the files it extends are both laid out this way.

use std::sync::Arc;

use crate::diagnostic::{Diagnostic, FileReport, SourceFile, Span};
use crate::tree::{Node, Value};

/// Where each file sits in the combined document: its source and the offset its text starts at.
#[derive(Debug, Clone)]
pub struct Layout {
    files: Vec<(Arc<SourceFile>, usize)>,
}

pub fn shift(span: Span, base: usize) -> Span {
    Span::new(span.start as usize + base, span.end as usize + base)
}

pub fn shift_node(node: &mut Node, base: usize) {
    node.span = shift(node.span, base);
    match &mut node.value {
        Value::Seq(items) => items.iter_mut().for_each(|n| shift_node(n, base)),
        Value::Map(entries) => {
            for e in entries {
                shift_node(&mut e.key, base);
                shift_node(&mut e.value, base);
            }
        }
        _ => {}
    }
}

pub fn shift_diagnostic(d: &mut Diagnostic, base: usize) {
    d.span = shift(d.span, base);
    for r in &mut d.related {
        r.span = shift(r.span, base);
    }
}

impl Layout {
    pub fn new(files: Vec<(Arc<SourceFile>, usize)>) -> Layout {
        Layout { files }
    }

    /// One file on its own.
    pub fn single(source: Arc<SourceFile>) -> Layout {
        Layout {
            files: vec![(source, 0)],
        }
    }

    /// The file an offset of the combined document falls in, the offset within that file, and
    /// whether that file is the first (the tenant's own).
    pub fn place(&self, offset: u32) -> (&SourceFile, u32, bool) {
        let at = offset as usize;
        let index = self.index_of(at);
        let (source, base) = &self.files[index];
        let local = u32::try_from(at - base.min(&at)).unwrap_or(u32::MAX);
        (source, local, index == 0)
    }

    /// Which file an offset of the combined document falls in.
    fn index_of(&self, at: usize) -> usize {
        self.files
            .iter()
            .rposition(|(_, base)| *base <= at)
            .unwrap_or(0)
    }

    /// Where the file of this report name starts in the combined document.
    pub fn base_of(&self, name: &str) -> Option<usize> {
        self.files
            .iter()
            .find(|(source, _)| source.name == name)
            .map(|(_, base)| *base)
    }

    /// The files, in the order they are laid out.
    pub fn files(&self) -> impl Iterator<Item = &Arc<SourceFile>> {
        self.files.iter().map(|(source, _)| source)
    }

    /// The member file an offset of the combined document falls in, and its 1-based line there.
    pub fn locate(&self, offset: u32) -> Option<(&str, usize)> {
        let (source, local, _) = self.place(offset);
        Some((&source.name, source.line_col(local).line))
    }

    /// Hands each diagnostic of the tenant's report back to the file it points into; every member
    /// gets a report, so a clean file counts as checked.
    pub fn split(&self, report: FileReport) -> Vec<FileReport> {
        let mut reports: Vec<FileReport> = self
            .files
            .iter()
            .map(|(source, _)| FileReport {
                source: source.clone(),
                diagnostics: Vec::new(),
            })
            .collect();
        for mut d in report.diagnostics {
            let index = self.index_of(d.span.start as usize);
            let (source, base) = &self.files[index];
            let end = base + source.text.len();
            let back = |s: Span| {
                Span::new(
                    (s.start as usize)
                        .saturating_sub(*base)
                        .min(source.text.len()),
                    (s.end as usize)
                        .saturating_sub(*base)
                        .min(source.text.len()),
                )
            };
            d.span = back(d.span);
            d.related.retain(|r| {
                let start = r.span.start as usize;
                start >= *base && start <= end
            });
            for r in &mut d.related {
                r.span = back(r.span);
            }
            reports[index].diagnostics.push(d);
        }
        for r in &mut reports {
            r.sort();
        }
        reports
    }
}
