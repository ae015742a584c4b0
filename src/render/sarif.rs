//! SARIF 2.1.0 for GitHub code scanning: the tool's rules with their docs, results with related
//! locations and partial fingerprints.
//!
//! `scripts/validate-sarif.sh` checks this output with the official validator
//! (`sarif-multitool validate`, with its SARIF and GitHub rule sets). Paths are relative to the
//! KB root, as URI references (percent-encoded); code scanning resolves them against the
//! repository root, so the KB root should be the repository's top folder.

use std::io::{self, Write};

use serde_json::{Value, json};

use crate::config::Level;
use crate::diagnostic::{Label, Severity};
use crate::report::Report;
use crate::rules::RULES;

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                // No `name`: SARIF wants it to differ from `id`, and the id is already readable.
                "id": r.name,
                "shortDescription": { "text": r.summary },
                "fullDescription": { "text": what_it_checks(r.docs).unwrap_or_else(|| r.summary.to_string()) },
                "help": { "text": r.documentation(), "markdown": r.documentation() },
                "defaultConfiguration": {
                    "enabled": r.default != Level::Off,
                    "level": match r.default { Level::Error => "error", Level::Warn => "warning", Level::Info | Level::Off => "note" },
                },
            })
        })
        .collect();
    let fingerprints = crate::fingerprint::fingerprints(&report.files, &report.diagnostics);
    let results: Vec<Value> = report
        .diagnostics
        .iter()
        .zip(&fingerprints)
        .map(|(d, fp)| {
            let index = RULES.iter().position(|r| r.id == d.rule).unwrap_or(0);
            let related: Vec<Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(n, r)| {
                    let mut loc = location(report, r);
                    loc["id"] = json!(n + 1);
                    loc["message"] = json!({ "text": if r.message.is_empty() { "related" } else { &r.message } });
                    loc
                })
                .collect();
            let mut text = d.message.clone();
            if let Some(help) = &d.help {
                text.push_str(&format!("\nhelp: {help}"));
            }
            let mut result = json!({
                "ruleId": d.rule,
                "ruleIndex": index,
                "level": match d.severity { Severity::Error => "error", Severity::Warning => "warning", Severity::Info => "note" },
                "message": { "text": text },
                "locations": [location(report, &d.primary)],
                "partialFingerprints": { "kblint/v1": fp },
            });
            if !related.is_empty() {
                result["relatedLocations"] = json!(related);
            }
            if let Some(schema) = &d.schema {
                result["properties"] = json!({
                    "instance_path": schema.instance_path,
                    "keyword": schema.keyword,
                });
            }
            if let Some(fix) = &d.fix {
                let (start_line, start_column, end_line, end_column) = super::fix_region(report, fix);
                let path = format!("{}{}", report.repo_prefix, report.files.get(fix.file).path);
                result["fixes"] = json!([{
                    "description": { "text": fix.description },
                    "artifactChanges": [{
                        "artifactLocation": { "uri": uri(&path) },
                        "replacements": [{
                            "deletedRegion": { "startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column },
                            "insertedContent": { "text": fix.replacement },
                        }],
                    }],
                    "properties": { "safe": fix.safe },
                }]);
            }
            result
        })
        .collect();
    let sarif = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": driver(rules) },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

fn location(report: &Report, label: &Label) -> Value {
    let (start_line, start_column, end_line, end_column) = super::region(report, label);
    let mut region = json!({ "startLine": start_line, "startColumn": start_column, "endLine": end_line, "endColumn": end_column });
    if (end_line, end_column) <= (start_line, start_column) {
        region = json!({ "startLine": start_line, "startColumn": start_column });
    }
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(&format!("{}{}", report.repo_prefix, report.files.get(label.file).path)) },
            "region": region,
        }
    })
}

fn driver(rules: Vec<Value>) -> Value {
    let mut driver = json!({
        "name": "kblint",
        "version": env!("CARGO_PKG_VERSION"),
        "semanticVersion": env!("CARGO_PKG_VERSION"),
        "rules": rules,
    });
    // Only an address the package itself declares: none is made up.
    let home = [env!("CARGO_PKG_HOMEPAGE"), env!("CARGO_PKG_REPOSITORY")]
        .into_iter()
        .find(|u| !u.is_empty());
    if let Some(home) = home {
        driver["informationUri"] = json!(home);
    }
    driver
}

/// The "What it checks" section of a rule's docs, as plain paragraphs.
fn what_it_checks(docs: &str) -> Option<String> {
    let start = docs.find("## What it checks")? + "## What it checks".len();
    let section = &docs[start..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let paragraphs: Vec<String> = section
        .split("\n\n")
        .map(|p| p.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|p| !p.is_empty())
        .collect();
    (!paragraphs.is_empty()).then(|| paragraphs.join("\n\n"))
}

/// A KB path as a relative URI reference: every byte but the unreserved characters and `/` is
/// percent-encoded (a space, `%`, `#`, `?`, a `:` that would read as a scheme, non-ASCII).
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn paths_become_uri_references() {
        assert_eq!(super::uri("kb/entries/po.md"), "kb/entries/po.md");
        assert_eq!(
            super::uri("kb/a b:c#d%é.md"),
            "kb/a%20b%3Ac%23d%25%C3%A9.md"
        );
    }

    #[test]
    fn full_description_is_the_what_it_checks_section() {
        let docs = "## What it checks\n\nEvery quote\nappears.\n\nSecond.\n\n## Why\n\nBecause.\n";
        assert_eq!(
            super::what_it_checks(docs).as_deref(),
            Some("Every quote appears.\n\nSecond.")
        );
        assert_eq!(super::what_it_checks("no sections"), None);
    }
}
