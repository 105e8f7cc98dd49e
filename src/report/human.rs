//! The default output: miette's graphical report per finding, then a summary line.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Counts, Style, plural};
use crate::diagnostic::{Diagnostic, FileReport, Severity, SourceFile, Span};
use crate::escape;
use crate::outcome::Outcome;

pub fn render(outcome: &Outcome, style: Style, out: &mut dyn Write) -> io::Result<()> {
    let renderer = Renderer::new(style);
    outcome
        .files
        .iter()
        .try_for_each(|file| renderer.file(file, out))
}

/// Renders files one at a time, with one handler for the run.
pub struct Renderer {
    handler: GraphicalReportHandler,
}

impl Renderer {
    pub fn new(style: Style) -> Renderer {
        let theme = if style.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        Renderer {
            handler: GraphicalReportHandler::new_themed(theme)
                .with_width(style.width)
                .with_links(false),
        }
    }

    /// One file's findings.
    pub fn file(&self, file: &FileReport, out: &mut dyn Write) -> io::Result<()> {
        let mut active: Vec<&Diagnostic> =
            file.diagnostics.iter().filter(|d| d.is_active()).collect();
        if active.is_empty() {
            return Ok(());
        }
        // Problems in the file come first: until they are fixed, rule findings may be wrong.
        active.sort_by_key(|d| !crate::diagnostic::is_load_check(&d.code));
        let source = Named::new(&file.source);
        for d in active {
            let mut text = String::new();
            let shown = Shown {
                diagnostic: d,
                source: &source,
                too_long: source.too_long(d).then(|| {
                    let at = file.source.line_col(d.span.start);
                    format!("{}:{}:{}", source.name, at.line, at.column)
                }),
            };
            if self.handler.render_report(&mut text, &shown).is_err() {
                text = format!(
                    "{}: {}: {}\n",
                    source.name,
                    d.severity,
                    escape::text(&d.message)
                );
            }
            writeln!(out, "{text}")?;
        }
        Ok(())
    }
}

/// The closing line: how many problems of each severity, in how many files.
pub fn summary(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let counts = Counts::of(outcome);
    summary_of(&counts, outcome.files.len(), outcome.baseline, out)
}

/// [`summary`] from counts gathered as files went by.
pub fn summary_of(
    counts: &Counts,
    files: usize,
    baseline: Option<crate::outcome::Stats>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut line = if counts.total() == 0 {
        format!("No problems found in {}", plural(files, "tenant file"))
    } else {
        format!(
            "Found {} ({}, {}, {} info) in {} of {}",
            plural(counts.total(), "problem"),
            plural(counts.error, "error"),
            plural(counts.warning, "warning"),
            counts.info,
            counts.files_with_findings,
            plural(files, "tenant file"),
        )
    };
    let mut notes = Vec::new();
    if counts.suppressed > 0 {
        notes.push(format!("{} suppressed", counts.suppressed));
    }
    if let Some(stats) = baseline {
        let stale = if stats.stale > 0 {
            format!(
                "; {} no longer {} anything",
                plural(stats.stale, "baseline entry").replace("entrys", "entries"),
                if stats.stale == 1 { "matches" } else { "match" }
            )
        } else {
            String::new()
        };
        notes.push(format!("{} baselined{stale}", counts.baselined));
    }
    if !notes.is_empty() {
        line.push_str(&format!(" ({})", notes.join(", ")));
    }
    writeln!(out, "{line}.")
}

/// A source file as miette reads it, named so the snippet header shows the path. The text is
/// the file's as [`escape::snippet`] shows it: control characters and secrets hidden, every
/// byte where it was.
struct Named<'a> {
    name: String,
    text: std::borrow::Cow<'a, str>,
    /// Where each line starts, ending lines as miette does (`\n`, `\r\n` or a lone `\r`).
    lines: Vec<usize>,
}

/// Longest line shown in a snippet: miette formats columns as widths, which panics past 65,535,
/// and a line of thousands of characters is no help to read anyway.
const MAX_SNIPPET_LINE: usize = 1024;

impl<'a> Named<'a> {
    fn new(file: &'a SourceFile) -> Named<'a> {
        let text = escape::snippet(&file.text);
        let bytes = text.as_bytes();
        let mut lines = vec![0];
        for (i, &b) in bytes.iter().enumerate() {
            if b == b'\n' || b == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
                lines.push(i + 1);
            }
        }
        Named {
            name: escape::text(&crate::paths::display(&file.name)).into_owned(),
            text,
            lines,
        }
    }

    /// The line an offset is on.
    fn line_of(&self, offset: usize) -> usize {
        self.lines
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    fn line_len(&self, line: usize) -> usize {
        let end = self.lines.get(line + 1).copied().unwrap_or(self.text.len());
        end.saturating_sub(self.lines[line])
    }

    /// Whether a snippet of the diagnostic, with a line of context around each label, would
    /// hold a line too long to show.
    fn too_long(&self, d: &Diagnostic) -> bool {
        std::iter::once(d.span)
            .chain(d.related.iter().map(|r| r.span))
            .any(|span| {
                let first = self.line_of(span.start as usize).saturating_sub(1);
                let last = (self.line_of(span.end as usize) + 1).min(self.lines.len() - 1);
                (first..=last).any(|line| self.line_len(line) > MAX_SNIPPET_LINE)
            })
    }
}

impl SourceCode for Named<'_> {
    /// miette reads a snippet by scanning the text from its start; for many findings in one file
    /// that is quadratic. It is read instead from a line start a line before the context lines,
    /// which gives the same snippet, with offsets and line numbers moved back into the file.
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let line = self.line_of(span.offset());
        let first = line.saturating_sub(before + 1);
        let base = self.lines[first].min(self.text.len());
        let local = SourceSpan::new((span.offset() - base).into(), span.len());
        let inner = self.text[base..].read_span(&local, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::new((inner.span().offset() + base).into(), inner.span().len()),
            inner.line() + first,
            inner.column(),
            inner.line_count() + first,
        )))
    }
}

/// One diagnostic with its source, in the shape miette renders.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a Named<'a>,
    /// Where the finding is, when its lines are too long to show as a snippet.
    too_long: Option<String>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.fmt(f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The word as well as the symbol: not every terminal or log shows the symbol's color.
        write!(
            f,
            "{}: {}",
            self.diagnostic.severity, self.diagnostic.message
        )
    }
}

impl std::error::Error for Shown<'_> {}

fn source_span(span: Span) -> SourceSpan {
    SourceSpan::new((span.start as usize).into(), span.len())
}

impl miette::Diagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        let d = self.diagnostic;
        let mut controls =
            (!d.controls.is_empty()).then(|| format!("controls: {}", d.controls.join(", ")));
        if let Some(at) = &self.too_long {
            let note = format!("at {at} (the line is too long to show)");
            controls = Some(match controls {
                Some(c) => format!("{note}\n{c}"),
                None => note,
            });
        }
        match (&d.help, controls) {
            (Some(help), Some(controls)) => Some(Box::new(format!("{help}\n{controls}"))),
            (Some(help), None) => Some(Box::new(help)),
            (None, Some(controls)) => Some(Box::new(controls)),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        match self.too_long {
            Some(_) => None,
            None => Some(self.source),
        }
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.too_long.is_some() {
            return None;
        }
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(d.label.clone(), source_span(d.span));
        let related = d
            .related
            .iter()
            .map(|r| LabeledSpan::new_with_span(Some(r.label.clone()), source_span(r.span)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    /// Reading a snippet from a nearby line start gives what miette's scan from the file's start
    /// gives, whatever the line endings, for every span and context size.
    fn snippets_read_from_a_nearby_line_match_miettes_own() {
        let texts = [
            "a: 1\nbb: 2\nccc: 3\n\ndd: 4\ne: 5",
            "a: 1\r\nbb: 2\r\n\r\nccc: 3\r\ndd: 4\r\n",
            "a: 1\rbb: 2\r\rccc: 3\rdd: 4",
            "x\n\r\ny\r\rz\n\nw",
            "",
        ];
        for text in texts {
            let file = SourceFile::new("t.yaml", text.to_string());
            let named = Named::new(&file);
            for offset in 0..=text.len() {
                for len in [0, 1, 3] {
                    for context in 0..3 {
                        let span = SourceSpan::new(offset.into(), len);
                        let ours = named.read_span(&span, context, context);
                        let shown = escape::snippet(text);
                        let theirs = shown.read_span(&span, context, context);
                        let (ours, theirs) = match (ours, theirs) {
                            (Ok(o), Ok(t)) => (o, t),
                            (Err(_), Err(_)) => continue,
                            (o, t) => panic!(
                                "{text:?} {offset} {len}: {:?} vs {:?}",
                                o.is_ok(),
                                t.is_ok()
                            ),
                        };
                        let at = format!("{text:?} at {offset}+{len}, context {context}");
                        assert_eq!(ours.data(), theirs.data(), "{at}");
                        assert_eq!(ours.span(), theirs.span(), "{at}");
                        assert_eq!(ours.line(), theirs.line(), "{at}");
                        assert_eq!(ours.column(), theirs.column(), "{at}");
                        assert_eq!(ours.line_count(), theirs.line_count(), "{at}");
                    }
                }
            }
        }
    }
}
