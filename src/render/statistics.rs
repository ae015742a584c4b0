//! `--statistics`: how many findings each rule has, and each collection, like
//! `ruff --statistics`: the plan of a clean-up rather than its items.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Format;
use crate::report::{Report, Summary};

#[derive(Serialize)]
struct Statistics<'a> {
    version: u32,
    statistics: Counts<'a>,
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Counts<'a> {
    /// Per rule, most findings first.
    rules: Vec<RuleCount<'a>>,
    /// Per collection (`null`: files of no collection, such as the baseline file).
    collections: Vec<CollectionCount<'a>>,
}

#[derive(Serialize)]
struct RuleCount<'a> {
    rule: &'a str,
    severity: &'a str,
    count: usize,
    /// How many of them `kblint check --fix` can fix.
    fixable: usize,
}

#[derive(Serialize)]
struct CollectionCount<'a> {
    collection: Option<&'a str>,
    count: usize,
}

fn counts(report: &Report) -> Counts<'_> {
    let mut rules: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    let mut collections: BTreeMap<Option<&str>, usize> = BTreeMap::new();
    for d in &report.diagnostics {
        let n = rules
            .entry((d.rule.name(), d.severity.as_str()))
            .or_default();
        n.0 += 1;
        n.1 += usize::from(d.fix.as_ref().is_some_and(|f| f.safe));
        let collection = report
            .file_collections
            .get(d.primary.file.index())
            .copied()
            .flatten()
            .and_then(|c| report.collections.get(c))
            .map(String::as_str);
        *collections.entry(collection).or_default() += 1;
    }
    let mut rules: Vec<RuleCount> = rules
        .into_iter()
        .map(|((rule, severity), (count, fixable))| RuleCount {
            rule,
            severity,
            count,
            fixable,
        })
        .collect();
    rules.sort_by(|a, b| b.count.cmp(&a.count).then(a.rule.cmp(b.rule)));
    let mut collections: Vec<CollectionCount> = collections
        .into_iter()
        .map(|(collection, count)| CollectionCount { collection, count })
        .collect();
    collections.sort_by(|a, b| b.count.cmp(&a.count).then(a.collection.cmp(&b.collection)));
    Counts { rules, collections }
}

/// The counts in `format`: JSON for `json` (and `sarif`, which has no place for them), a table
/// otherwise.
pub fn render(format: Format, report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let counts = counts(report);
    if matches!(format, Format::Json | Format::Sarif) {
        let output = Statistics {
            version: 1,
            statistics: counts,
            summary: &report.summary,
        };
        serde_json::to_writer_pretty(&mut *out, &output)?;
        return writeln!(out);
    }
    let width = counts
        .rules
        .iter()
        .map(|r| r.count.to_string().len())
        .max()
        .unwrap_or(1);
    let name_width = counts.rules.iter().map(|r| r.rule.len()).max().unwrap_or(0);
    for r in &counts.rules {
        let fixable = if r.fixable > 0 {
            format!("  ({} fixable)", r.fixable)
        } else {
            String::new()
        };
        writeln!(
            out,
            "{:>width$}  {:name_width$}  {}{fixable}",
            r.count, r.rule, r.severity
        )?;
    }
    if counts.collections.len() > 1 || counts.collections.iter().any(|c| c.collection.is_none()) {
        writeln!(out, "by collection:")?;
        for c in &counts.collections {
            writeln!(
                out,
                "{:>width$}  {}",
                c.count,
                c.collection.unwrap_or("(no collection)")
            )?;
        }
    }
    let s = &report.summary;
    let suppressed = if s.suppressed > 0 {
        format!(", {} suppressed", s.suppressed)
    } else {
        String::new()
    };
    writeln!(
        out,
        "{} errors, {} warnings, {} infos{suppressed} ({} files)",
        s.errors, s.warnings, s.infos, s.files
    )
}
