//! The baseline stage (spec §10): the findings a KB had when it adopted kblint, parked in
//! `kblint-baseline.json` so that only new ones fail a run.
//!
//! Each entry names a finding by its fingerprint (the one SARIF's `partialFingerprints` carry:
//! rule, path, the text at the finding, the message without the digits that name nothing, and
//! an ordinal among equal findings of the file), and hides exactly one finding. So fixing one baselined finding and
//! adding another of the same rule in the same file gives one new finding and one stale entry,
//! where a count per file and rule would see no change. An entry that hides nothing is a
//! `stale-baseline-entry` at its line in the baseline file.
//!
//! The file holds no line numbers and no timestamps, and its entries are sorted by path, rule
//! and fingerprint, one per line: an unchanged KB gives byte-identical files, and two branches
//! that touch different files change different lines of it.

use std::collections::HashMap;
use std::ops::Range;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, File, FileId, Files, Label, RuleId, Severity};
use crate::fingerprint;
use crate::report::{self, Report, Suppressed};
use crate::tree::Tree;

/// The rule of baseline entries that match no finding.
pub const STALE: RuleId = RuleId::StaleBaselineEntry;

/// One finding of the baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    /// The finding's message when the baseline was written, for people; not matched.
    #[serde(default)]
    pub message: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    version: u32,
    findings: Vec<Entry>,
}

/// A baseline file as read.
pub struct Baseline {
    /// Its path relative to the KB root.
    pub path: String,
    pub text: String,
    pub entries: Vec<Entry>,
}

impl Baseline {
    /// Reads the baseline file that `settings` names from `tree`: `None` when there is none.
    /// A file that is not a baseline is an error naming its line and column.
    pub fn load(settings: &Settings, tree: &Tree) -> Result<Option<Baseline>> {
        let path = settings.baseline.clone();
        if !tree.contains(&path) {
            return Ok(None);
        }
        let text = tree.read_text(&path)?;
        let raw: RawFile = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{path}:{}:{}: not a kblint baseline: {e}",
                e.line(),
                e.column()
            )
        })?;
        if raw.version != 1 {
            bail!(
                "{path}: baseline version {} is not one this kblint reads (1); run `kblint baseline` to write it again",
                raw.version
            );
        }
        Ok(Some(Baseline {
            path,
            text,
            entries: raw.findings,
        }))
    }
}

/// Which of `diagnostics` (sorted, in `files`) the entries hide, and which finding each entry
/// matched (`None` for one that hides nothing).
///
/// An entry matches a finding by its fingerprint. An entry written by an earlier kblint may
/// hold the earlier form ([`fingerprint::legacy_fingerprints`], without the digits of names);
/// it still matches when the names of its message are the finding's (or it has no message),
/// so that such a baseline keeps working and `report-2019`'s entry does not hide a finding
/// about `report-2023`. `kblint baseline --prune` rewrites the entries it keeps in the
/// current form.
fn matching(
    files: &Files,
    diagnostics: &[Diagnostic],
    entries: &[Entry],
) -> (Vec<bool>, Vec<Option<usize>>) {
    let fingerprints = fingerprint::fingerprints(files, diagnostics);
    let legacy = fingerprint::legacy_fingerprints(files, diagnostics);
    let mut by_fingerprint: HashMap<&str, Vec<usize>> = HashMap::with_capacity(entries.len());
    for (n, e) in entries.iter().enumerate().rev() {
        by_fingerprint.entry(&e.fingerprint).or_default().push(n);
    }
    let mut matched = vec![None; entries.len()];
    let hidden = diagnostics
        .iter()
        .zip(fingerprints.iter().zip(&legacy))
        .enumerate()
        .map(|(i, (d, (fp, old)))| {
            if !baselinable(d) {
                return false;
            }
            let path = &files.get(d.primary.file).path;
            let mut take = |fp: &str, names_too: bool| {
                let candidates = by_fingerprint.get_mut(fp)?;
                let at = candidates.iter().rposition(|&n| {
                    let e = &entries[n];
                    e.rule == d.rule.name()
                        && &e.path == path
                        && (!names_too
                            || e.message.is_empty()
                            || fingerprint::message_part(&e.message)
                                == fingerprint::message_part(&d.message))
                })?;
                matched[candidates.remove(at)] = Some(i);
                Some(())
            };
            take(fp, false).is_some() || (old != fp && take(old, true).is_some())
        })
        .collect();
    (hidden, matched)
}

/// Which of `diagnostics` (sorted as the report sorts them) the baseline entries `entries`
/// hide: what [`apply`] hides, for the findings of one file and the entries of its path.
pub fn hidden(files: &Files, diagnostics: &[Diagnostic], entries: &[Entry]) -> Vec<bool> {
    matching(files, diagnostics, entries).0
}

/// Whether a finding goes into a baseline: errors and warnings, but not the findings about
/// suppressions and the baseline itself, which are to be fixed at once.
fn baselinable(d: &Diagnostic) -> bool {
    d.severity != Severity::Info && d.rule.baselinable()
}

/// The `stale-baseline-entry` findings of a run: they point into the baseline file, which is
/// not a file of the KB.
pub struct Stale {
    /// The baseline file, to be added to the run's files under the id the findings name.
    pub file: File,
    pub findings: Vec<Diagnostic>,
}

/// Moves the findings of `kept` (sorted, in `files`) that the baseline's entries match into
/// `suppressed` (which stays sorted). With a `severity` (the rule is not off), returns a
/// `stale-baseline-entry` finding for each entry that matches none, in the baseline file, which
/// gets the id after the last of `files`.
pub fn apply(
    files: &Files,
    kept: &mut Vec<Diagnostic>,
    suppressed: &mut Vec<Suppressed>,
    baseline: &Baseline,
    severity: Option<Severity>,
) -> Option<Stale> {
    let (hidden, matched) = matching(files, kept, &baseline.entries);
    let used: Vec<bool> = matched.iter().map(Option::is_some).collect();
    if hidden.iter().any(|h| *h) {
        let reason = format!("in the baseline ({})", baseline.path);
        let mut still = Vec::with_capacity(kept.len());
        for (d, hide) in std::mem::take(kept).into_iter().zip(hidden) {
            match hide {
                true => suppressed.push(Suppressed {
                    diagnostic: d,
                    reason: reason.clone(),
                }),
                false => still.push(d),
            }
        }
        *kept = still;
        report::sort_suppressed(files, suppressed);
    }
    let severity = severity?;
    if used.iter().all(|u| *u) {
        return None;
    }
    let spans = entry_spans(&baseline.text, &baseline.entries);
    let file = FileId::new(files.len());
    let findings = baseline
        .entries
        .iter()
        .zip(spans)
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|((e, span), _)| {
            let mut d = Diagnostic::new(
                STALE,
                format!(
                    "baseline entry for a `{}` finding in `{}` matches no finding",
                    e.rule, e.path
                ),
                Label::new(file, span, "no such finding any more"),
            )
            .help("the finding was fixed, or its text changed: `kblint baseline --prune` removes the entries that match nothing");
            if !e.message.is_empty() {
                d = d.note(format!("it was: {}", e.message));
            }
            d.severity = severity;
            d
        })
        .collect();
    Some(Stale {
        file: File::new(baseline.path.clone(), baseline.text.clone()),
        findings,
    })
}

/// Where each entry's fingerprint is in the file's text: the n-th entry with a fingerprint is
/// at the n-th JSON string of the file that is exactly that fingerprint (the start of the file
/// when there is none). One pass over the text, so a large baseline costs no more than its size.
fn entry_spans(text: &str, entries: &[Entry]) -> Vec<Range<usize>> {
    let mut found: HashMap<&str, std::collections::VecDeque<usize>> = HashMap::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'"', &bytes[at..]).map(|i| at + i) {
        let start = open + 1;
        let mut end = start;
        let mut escaped = false;
        while end < bytes.len() && bytes[end] != b'"' {
            escaped |= bytes[end] == b'\\';
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let end = end.min(bytes.len());
        if !escaped && let Some(s) = text.get(start..end) {
            found.entry(s).or_default().push_back(start);
        }
        at = end + 1;
        if at >= bytes.len() {
            break;
        }
    }
    entries
        .iter()
        .map(|e| {
            match found
                .get_mut(e.fingerprint.as_str())
                .and_then(|starts| starts.pop_front())
            {
                Some(start) => start..start + e.fingerprint.len(),
                None => 0..0,
            }
        })
        .collect()
}

/// The baseline entries of every error and warning of `report` (a run without a baseline).
pub fn entries_of(report: &Report) -> Vec<Entry> {
    let fingerprints = fingerprint::fingerprints(&report.files, &report.diagnostics);
    report
        .diagnostics
        .iter()
        .zip(fingerprints)
        .filter(|(d, _)| baselinable(d))
        .map(|(d, fingerprint)| Entry {
            rule: d.rule.to_string(),
            path: report.files.get(d.primary.file).path.clone(),
            fingerprint,
            message: d.message.clone(),
        })
        .collect()
}

/// The entries of `baseline` that match a finding of `report` (a run without a baseline):
/// what `kblint baseline --prune` keeps.
pub fn pruned(report: &Report, baseline: &Baseline) -> Vec<Entry> {
    let (_, matched) = matching(&report.files, &report.diagnostics, &baseline.entries);
    let fingerprints = fingerprint::fingerprints(&report.files, &report.diagnostics);
    baseline
        .entries
        .iter()
        .zip(matched)
        .filter_map(|(e, finding)| {
            // In the current form, whichever form matched.
            let fingerprint = fingerprints.get(finding?)?.clone();
            Some(Entry {
                fingerprint,
                ..e.clone()
            })
        })
        .collect()
}

/// The baseline file's text: entries sorted by path, rule and fingerprint, one per line.
pub fn to_text(mut entries: Vec<Entry>) -> String {
    entries.sort_by(|a, b| {
        (&a.path, &a.rule, &a.fingerprint, &a.message).cmp(&(
            &b.path,
            &b.rule,
            &b.fingerprint,
            &b.message,
        ))
    });
    let string = |s: &str| serde_json::to_string(s).unwrap_or_default();
    let mut out = String::from("{\n  \"version\": 1,\n  \"findings\": [");
    for (n, e) in entries.iter().enumerate() {
        out.push_str(if n == 0 { "\n" } else { ",\n" });
        out.push_str(&format!(
            "    {{ \"rule\": {}, \"path\": {}, \"fingerprint\": {}, \"message\": {} }}",
            string(&e.rule),
            string(&e.path),
            string(&e.fingerprint),
            string(&e.message)
        ));
    }
    out.push_str(if entries.is_empty() {
        "]\n}\n"
    } else {
        "\n  ]\n}\n"
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(path: &str, fp: &str) -> Entry {
        Entry {
            rule: "schema".into(),
            path: path.into(),
            fingerprint: fp.into(),
            message: "a \"quoted\" word".into(),
        }
    }

    #[test]
    fn the_file_is_sorted_and_reads_back() {
        let text = to_text(vec![
            entry("b.md", "2"),
            entry("a.md", "9"),
            entry("a.md", "1"),
        ]);
        let raw: RawFile = serde_json::from_str(&text).unwrap();
        let order: Vec<(&str, &str)> = raw
            .findings
            .iter()
            .map(|e| (e.path.as_str(), e.fingerprint.as_str()))
            .collect();
        assert_eq!(order, [("a.md", "1"), ("a.md", "9"), ("b.md", "2")]);
        assert_eq!(text.lines().count(), 8, "{text}");
        let empty: RawFile = serde_json::from_str(&to_text(Vec::new())).unwrap();
        assert!(empty.findings.is_empty());
    }

    #[test]
    fn each_entry_is_found_at_its_own_line() {
        let entries = vec![
            entry("a.md", "ab"),
            entry("a.md", "ab"),
            entry("b.md", "cd"),
        ];
        let text = to_text(entries.clone());
        let spans = entry_spans(&text, &entries);
        let lines: Vec<usize> = spans
            .iter()
            .map(|s| text[..s.start].matches('\n').count() + 1)
            .collect();
        assert_eq!(lines, [4, 5, 6]);
    }

    #[test]
    fn finding_the_entries_of_a_large_baseline_takes_one_pass() {
        // Searched for from the start of the file, one by one, these 100,000 entries took
        // minutes; one pass over the text takes a fraction of a second.
        let entries: Vec<Entry> = (0..100_000)
            .map(|n| entry("a.md", &format!("{n:032x}")))
            .collect();
        let text = to_text(entries.clone());
        let spans = entry_spans(&text, &entries);
        for (e, span) in entries.iter().zip(&spans).step_by(997) {
            assert_eq!(&text[span.clone()], e.fingerprint);
        }
        let unknown = entry_spans(&text, &[entry("a.md", "not there")]);
        assert_eq!(unknown, vec![Range { start: 0, end: 0 }]);
    }
}
