//! rustc-style output with source snippets, through codespan-reporting: the primary label and
//! related labels, in as many files as the finding joins, then notes and help.

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as Snippet, Label, LabelStyle, Severity as Level};
use codespan_reporting::files::{Error, Files as CodespanFiles};
use codespan_reporting::term::{self, Config, termcolor};

use crate::diagnostic::{Diagnostic, FileId, Files, Severity};
use crate::report::Report;

pub fn render(report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let config = Config::default();
    let files = Adapter(&report.files);
    let mut ansi;
    let mut plain;
    let writer: &mut dyn termcolor::WriteColor = if color {
        ansi = termcolor::Ansi::new(&mut *out);
        &mut ansi
    } else {
        plain = termcolor::NoColor::new(&mut *out);
        &mut plain
    };
    // Control characters in a name, a message or a source line are printed escaped.
    let mut escaping = super::escape::Escaping::new(writer);
    let writer = &mut escaping;
    for d in &report.diagnostics {
        emit(writer, &config, &files, report, d, None)?;
    }
    if report.show_suppressed {
        for hidden in &report.suppressed {
            let note = format!("suppressed: {}", hidden.reason);
            emit(
                writer,
                &config,
                &files,
                report,
                &hidden.diagnostic,
                Some(note),
            )?;
        }
    }
    let s = &report.summary;
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let notes = report.diagnostics.len() - s.errors - s.warnings;
    let mut notes = if notes > 0 {
        format!(", {}", plural(notes, "note", "notes"))
    } else {
        String::new()
    };
    if s.suppressed > 0 {
        notes.push_str(&format!(", {} suppressed", s.suppressed));
    }
    let summary = writeln!(
        writer,
        "{}, {}{notes} ({}, {}, {}, {})",
        plural(s.errors, "error", "errors"),
        plural(s.warnings, "warning", "warnings"),
        plural(s.files, "file", "files"),
        plural(s.entries, "entry", "entries"),
        plural(s.claims, "claim", "claims"),
        plural(s.citations, "citation", "citations"),
    );
    summary.and_then(|()| writer.flush())
}

/// One finding as a snippet; `extra` is a note printed first (why it is suppressed).
fn emit(
    writer: &mut dyn termcolor::WriteColor,
    config: &Config,
    files: &Adapter<'_>,
    report: &Report,
    d: &Diagnostic,
    extra: Option<String>,
) -> io::Result<()> {
    let level = match d.severity {
        Severity::Error => Level::Error,
        Severity::Warning => Level::Warning,
        Severity::Info => Level::Note,
    };
    let mut labels = vec![
        Label::new(
            LabelStyle::Primary,
            d.primary.file,
            clamp(report, d.primary.file, &d.primary.span),
        )
        .with_message(&d.primary.message),
    ];
    labels.extend(d.related.iter().map(|r| {
        Label::new(
            LabelStyle::Secondary,
            r.file,
            clamp(report, r.file, &r.span),
        )
        .with_message(&r.message)
    }));
    let mut notes: Vec<String> = extra.into_iter().collect();
    notes.extend(d.notes.iter().cloned());
    let explain = format!("for more, run `kblint explain {}`", d.rule);
    notes.push(match &d.help {
        Some(help) => format!("help: {help}\n{explain}"),
        None => format!("help: {explain}"),
    });
    let snippet = Snippet::new(level)
        .with_code(d.rule)
        .with_message(super::escape::line(&d.message))
        .with_labels(labels)
        .with_notes(notes);
    term::emit_to_write_style(writer, config, files, &snippet).map_err(|e| match e {
        Error::Io(e) => e,
        other => io::Error::other(other.to_string()),
    })
}

/// Keeps a span inside its file and on char boundaries, so that no label can make the renderer fail.
fn clamp(report: &Report, file: FileId, span: &Range<usize>) -> Range<usize> {
    let text = &report.files.get(file).text();
    let mut start = span.start.min(text.len());
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = span.end.clamp(start, text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    start..end
}

/// Our file table, as codespan-reporting sees files.
struct Adapter<'a>(&'a Files);

impl<'a> CodespanFiles<'a> for Adapter<'a> {
    type FileId = FileId;
    type Name = std::borrow::Cow<'a, str>;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<Self::Name, Error> {
        Ok(super::escape::line(&self.0.get(id).path))
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, Error> {
        Ok(self.0.get(id).text())
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, Error> {
        Ok(self.0.get(id).position(byte_index).line - 1)
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, Error> {
        let file = self.0.get(id);
        let range = file.line_range(line_index + 1);
        // Include the line terminator, as codespan-reporting expects.
        let end = file.text()[range.end..]
            .find('\n')
            .map_or(file.text().len(), |i| range.end + i + 1);
        Ok(range.start..end)
    }
}
