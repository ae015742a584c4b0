//! The spec's JSON object (§8): version, diagnostics, summary.

use std::io::{self, Write};

use serde::Serialize;

use crate::report::{Report, Summary};

#[derive(Serialize)]
struct Output<'a> {
    version: u32,
    diagnostics: Vec<Item<'a>>,
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
        .map(|d| {
            let (line, column, end_line, end_column) = super::region(report, &d.primary);
            Item {
                rule: d.rule,
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
            }
        })
        .collect();
    let output = Output {
        version: 1,
        diagnostics,
        summary: &report.summary,
    };
    serde_json::to_writer_pretty(&mut *out, &output)?;
    writeln!(out)
}
