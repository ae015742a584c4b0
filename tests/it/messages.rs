//! Messages that say what to do: the JSON and SARIF outputs carry each finding's help and fix,
//! and a fix's edit, applied to the file, gives exactly what `check --fix` writes.

use crate::common::{copy_fixture, kblint};

use std::path::Path;

use serde_json::Value;

fn json(dir: &Path, format: &str) -> Value {
    let out = kblint(dir, &["check", "--format", format]);
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn json_fix_edits_equal_what_fix_writes() {
    for (fixture, file, flags) in [
        (
            "quote-not-found/near-miss",
            "kb/entries/e.md",
            &["--fix", "--unsafe-fixes"][..],
        ),
        (
            "source-hash-mismatch/edited-body",
            "kb/sources/guide.md",
            &["--fix"][..],
        ),
    ] {
        let dir = copy_fixture(fixture);
        let report = json(dir.path(), "json");
        let with_fix: Vec<&Value> = report["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| !d["fix"].is_null())
            .collect();
        assert_eq!(with_fix.len(), 1, "{fixture}: {report:#}");
        let d = with_fix[0];
        assert!(
            d["help"].as_str().is_some_and(|h| !h.is_empty()),
            "{fixture}: a finding with a fix says what to do"
        );
        let edit = &d["fix"]["edits"][0];
        assert_eq!(edit["path"], file);
        let before = std::fs::read(dir.path().join(file)).unwrap();
        let (start, end) = (
            edit["start_byte"].as_u64().unwrap() as usize,
            edit["end_byte"].as_u64().unwrap() as usize,
        );
        let mut expected = before[..start].to_vec();
        expected.extend_from_slice(edit["replacement"].as_str().unwrap().as_bytes());
        expected.extend_from_slice(&before[end..]);
        // The line and column agree with the byte offset.
        let text = String::from_utf8(before.clone()).unwrap();
        let line = text[..start].matches('\n').count() + 1;
        let column = text[..start].rsplit('\n').next().unwrap().chars().count() + 1;
        assert_eq!(
            (edit["line"].as_u64(), edit["column"].as_u64()),
            (Some(line as u64), Some(column as u64))
        );
        kblint(dir.path(), &[&["check"][..], flags].concat());
        assert_eq!(
            String::from_utf8(std::fs::read(dir.path().join(file)).unwrap()).unwrap(),
            String::from_utf8(expected).unwrap(),
            "{fixture}"
        );
    }
}

#[test]
fn json_help_is_null_only_without_advice_and_sarif_carries_fixes() {
    let dir = copy_fixture("quote-not-found/near-miss");
    let report = json(dir.path(), "json");
    for d in report["diagnostics"].as_array().unwrap() {
        assert!(d.get("help").is_some() && d.get("fix").is_some(), "{d:#}");
    }
    let sarif = json(dir.path(), "sarif");
    let result = &sarif["runs"][0]["results"][0];
    let fix = &result["fixes"][0];
    assert_eq!(fix["properties"]["safe"], false);
    let replacement = &fix["artifactChanges"][0]["replacements"][0];
    assert_eq!(
        fix["artifactChanges"][0]["artifactLocation"]["uri"],
        "kb/entries/e.md"
    );
    assert_eq!(replacement["deletedRegion"]["startLine"], 8);
    assert_eq!(replacement["deletedRegion"]["startColumn"], 16);
    assert!(
        replacement["insertedContent"]["text"]
            .as_str()
            .unwrap()
            .contains("the whole lifecycle")
    );
}

#[test]
fn diff_shows_what_fix_would_write_and_writes_nothing() {
    let dir = copy_fixture("quote-not-found/near-miss");
    let entry = dir.path().join("kb/entries/e.md");
    let before = std::fs::read_to_string(&entry).unwrap();
    let out = kblint(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(out.status.code(), Some(1), "the finding is still there");
    assert_eq!(
        std::fs::read_to_string(&entry).unwrap(),
        before,
        "nothing written"
    );
    let diff = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("would fix 1 finding"), "{stderr}");
    assert!(
        diff.starts_with("--- a/kb/entries/e.md\n+++ b/kb/entries/e.md\n@@ -"),
        "{diff}"
    );
    // The diff, applied by hand, is what --fix writes.
    let removed: Vec<&str> = diff
        .lines()
        .filter_map(|l| l.strip_prefix('-'))
        .filter(|l| !l.starts_with("--"))
        .collect();
    let added: Vec<&str> = diff
        .lines()
        .filter_map(|l| l.strip_prefix('+'))
        .filter(|l| !l.starts_with("++"))
        .collect();
    let mut expected = before.clone();
    expected = expected.replace(&removed.join("\n"), &added.join("\n"));
    kblint(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(std::fs::read_to_string(&entry).unwrap(), expected);
    // Without --unsafe-fixes there is nothing to show.
    let dir = copy_fixture("quote-not-found/near-miss");
    let out = kblint(dir.path(), &["check", "--diff"]);
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("would fix 0 findings"));
}

#[test]
fn fix_counts_findings_and_digests_apart() {
    let dir = copy_fixture("quote-not-found/near-miss");
    // A source without `sha256` gets one recorded: a fix that belongs to no finding.
    let source = dir.path().join("kb/sources/guide.md");
    let text = std::fs::read_to_string(&source).unwrap();
    let without: String = text
        .lines()
        .filter(|l| !l.starts_with("sha256:"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&source, without).unwrap();
    let out = kblint(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("fixed 1 finding, recorded 1 digest"),
        "{stderr}"
    );
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
