//! Renderers: one per output format, all fed the same [`Report`].

pub mod dot;
pub mod escape;
pub mod github;
pub mod html;
pub mod human;
pub mod json;
pub mod sarif;
pub mod short;
pub mod statistics;

use std::io::{self, Write};

use crate::report::Report;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// rustc-style, with source snippets
    #[default]
    Human,
    /// `path:line:column: severity[rule] message`, one line per finding
    Short,
    /// one JSON object (the spec's shape)
    Json,
    /// SARIF 2.1.0, for code scanning
    Sarif,
    /// GitHub Actions workflow commands that annotate a pull request's diff
    Github,
}

pub fn render(format: Format, report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, out, color),
        Format::Short => short::render(report, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Github => github::render(report, out),
    }
}

/// 1-based line and column (in chars) of the start and end of a label.
pub(crate) fn region(
    report: &Report,
    label: &crate::diagnostic::Label,
) -> (usize, usize, usize, usize) {
    span_region(report, label.file, &label.span)
}

/// 1-based line and column (in chars) of the start and end of the bytes a fix replaces.
pub(crate) fn fix_region(
    report: &Report,
    fix: &crate::diagnostic::Fix,
) -> (usize, usize, usize, usize) {
    span_region(report, fix.file, &fix.span)
}

fn span_region(
    report: &Report,
    file: crate::diagnostic::FileId,
    span: &std::ops::Range<usize>,
) -> (usize, usize, usize, usize) {
    let file = report.files.get(file);
    let s = file.position(span.start);
    let e = file.position(span.end);
    (s.line, s.column, e.line, e.column)
}
