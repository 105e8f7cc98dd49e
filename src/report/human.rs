//! The default output: miette's graphical report per finding, then a summary line.

use std::fmt;
use std::io::{self, Write};

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Counts, Style, plural};
use crate::check::Outcome;
use crate::diagnostic::{Diagnostic, FileReport, Severity, SourceFile, Span};

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
        for d in file.diagnostics.iter().filter(|d| d.is_active()) {
            let mut text = String::new();
            let shown = Shown {
                diagnostic: d,
                source: Named(&file.source),
            };
            if self.handler.render_report(&mut text, &shown).is_err() {
                text = format!("{}: {}: {}\n", file.source.name, d.severity, d.message);
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
    baseline: Option<crate::suppress::baseline::Stats>,
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

/// A source file as miette reads it, named so the snippet header shows the path.
struct Named<'a>(&'a SourceFile);

impl SourceCode for Named<'_> {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.0.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.0.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// One diagnostic with its source, in the shape miette renders.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: Named<'a>,
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.diagnostic.fmt(f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
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
        let controls =
            (!d.controls.is_empty()).then(|| format!("controls: {}", d.controls.join(", ")));
        match (&d.help, controls) {
            (Some(help), Some(controls)) => Some(Box::new(format!("{help}\n{controls}"))),
            (Some(help), None) => Some(Box::new(help)),
            (None, Some(controls)) => Some(Box::new(controls)),
            (None, None) => None,
        }
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let d = self.diagnostic;
        let primary = LabeledSpan::new_primary_with_span(d.label.clone(), source_span(d.span));
        let related = d
            .related
            .iter()
            .map(|r| LabeledSpan::new_with_span(Some(r.label.clone()), source_span(r.span)));
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}
