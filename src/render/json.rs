//! The spec's JSON object (§8): version, diagnostics, summary.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::report::{Report, Summary};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<Item<'a>>,
    /// With `--show-suppressed`: the hidden findings, each with its `reason`.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<Vec<Item<'a>>>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Item<'a> {
    rule: &'a str,
    severity: &'a str,
    message: &'a str,
    path: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    related: Vec<Related<'a>>,
    /// What to do about it: the text of the human output's `help:` line.
    help: Option<&'a str>,
    /// The edits that `--fix` (or, when not `safe`, `--fix --unsafe-fixes`) would make.
    fix: Option<FixOut<'a>>,
    /// With `--show-suppressed`: why the finding is hidden.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    /// For a violation of a collection's JSON Schema: the JSON Pointer of the offending value.
    #[serde(skip_serializing_if = "Option::is_none")]
    instance_path: Option<&'a str>,
    /// For a violation of a collection's JSON Schema: the keyword it breaks.
    #[serde(skip_serializing_if = "Option::is_none")]
    keyword: Option<&'a str>,
}

#[derive(Serialize)]
struct FixOut<'a> {
    description: &'a str,
    safe: bool,
    edits: Vec<Edit<'a>>,
}

/// A replacement of the bytes `start_byte..end_byte` of a file (also given as lines and
/// columns, the end exclusive) by `replacement`.
#[derive(Serialize)]
struct Edit<'a> {
    path: &'a str,
    start_byte: usize,
    end_byte: usize,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    replacement: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    path: &'a str,
    line: usize,
    column: usize,
    message: &'a str,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics = report
        .diagnostics
        .iter()
        .map(|d| item(report, d, None))
        .collect();
    let suppressed = report.show_suppressed.then(|| {
        report
            .suppressed
            .iter()
            .map(|s| item(report, &s.diagnostic, Some(&s.reason)))
            .collect()
    });
    let output = Output {
        version: 1,
        diagnostics,
        suppressed,
        summary: &report.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}

fn item<'a>(report: &'a Report, d: &'a Diagnostic, reason: Option<&'a str>) -> Item<'a> {
    let (line, column, end_line, end_column) = super::region(report, &d.primary);
    Item {
        rule: d.rule.name(),
        severity: d.severity.as_str(),
        message: &d.message,
        path: &report.files.get(d.primary.file).path,
        line,
        column,
        end_line,
        end_column,
        related: d
            .related
            .iter()
            .map(|r| {
                let (line, column, _, _) = super::region(report, r);
                Related {
                    path: &report.files.get(r.file).path,
                    line,
                    column,
                    message: &r.message,
                }
            })
            .collect(),
        help: d.help.as_deref(),
        fix: d.fix.as_ref().map(|f| {
            let (line, column, end_line, end_column) = super::fix_region(report, f);
            FixOut {
                description: &f.description,
                safe: f.safe,
                edits: vec![Edit {
                    path: &report.files.get(f.file).path,
                    start_byte: f.span.start,
                    end_byte: f.span.end,
                    line,
                    column,
                    end_line,
                    end_column,
                    replacement: &f.replacement,
                }],
            }
        }),
        reason,
        instance_path: d.schema.as_ref().map(|s| s.instance_path.as_str()),
        keyword: d.schema.as_ref().map(|s| s.keyword.as_str()),
    }
}
