//! The reference knowledge base in `kb/`: clean as committed, and every contradiction between
//! its articles is either acknowledged with `disputes` or reported.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn check(dir: &Path, extra: &[&str]) -> (Option<i32>, Value) {
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("not JSON: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), json)
}

/// Every claim a finding joins, as `path: text of the line` (its own location and the related
/// ones point at the claims' `id` lines), so that lines moved by the edit do not matter.
fn places(root: &Path, d: &Value) -> BTreeSet<String> {
    let at = |v: &Value| {
        let path = v["path"].as_str().unwrap();
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        let line = text
            .lines()
            .nth(v["line"].as_u64().unwrap() as usize - 1)
            .unwrap_or_default();
        format!("{path}: {}", line.trim())
    };
    std::iter::once(at(d))
        .chain(d["related"].as_array().unwrap().iter().map(at))
        .collect()
}

#[test]
fn the_reference_kb_is_clean() {
    let (code, json) = check(repo(), &[]);
    assert_eq!(json["diagnostics"], Value::Array(vec![]), "{json:#}");
    assert_eq!(code, Some(0));
    assert_eq!(json["summary"]["entries"], 13);
}

#[test]
fn without_its_disputes_links_every_contradiction_is_reported_with_both_places() {
    let (_, acknowledged) = check(repo(), &["--rule", "acknowledged-dispute=info"]);
    let disputes: Vec<&Value> = acknowledged["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert!(
        disputes.len() >= 5,
        "the KB records at least five disputes, found {}",
        disputes.len()
    );
    assert!(disputes.iter().all(|d| d["rule"] == "acknowledged-dispute"));

    let dir = tempfile::tempdir().unwrap();
    for sub in ["kb", "schema"] {
        crate::common::copy_dir(&repo().join(sub), &dir.path().join(sub));
    }
    std::fs::copy(repo().join("kblint.toml"), dir.path().join("kblint.toml")).unwrap();
    let mut removed = 0;
    for entry in std::fs::read_dir(dir.path().join("kb/roles"))
        .unwrap()
        .flatten()
    {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        let stripped = strip_disputes(&text);
        removed += text.lines().count() - stripped.lines().count();
        std::fs::write(entry.path(), stripped).unwrap();
    }
    assert!(removed > 0);

    let (code, json) = check(dir.path(), &[]);
    assert_eq!(code, Some(1));
    let found: Vec<&Value> = json["diagnostics"].as_array().unwrap().iter().collect();
    assert!(
        found.iter().all(
            |d| ["conflicting-values", "negation-conflict", "order-cycle"]
                .contains(&d["rule"].as_str().unwrap())
        ),
        "only contradictions are expected once the links are gone: {json:#}"
    );
    assert_eq!(
        found.len(),
        disputes.len(),
        "one finding per acknowledged dispute: {json:#}"
    );
    for d in &disputes {
        let want = places(repo(), d);
        assert_eq!(want.len(), 2, "a dispute joins two claims: {d}");
        assert!(
            found.iter().any(|f| places(dir.path(), f) == want),
            "the dispute at {want:?} is not reported once its link is gone"
        );
    }
}

/// Removes every `disputes:` key of a claim, with the lines indented under it.
fn strip_disputes(text: &str) -> String {
    let mut out = String::new();
    let mut skip_deeper_than: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if let Some(level) = skip_deeper_than {
            if indent > level && !line.trim().is_empty() {
                continue;
            }
            skip_deeper_than = None;
        }
        if line.trim_start().starts_with("disputes:") {
            skip_deeper_than = Some(indent);
            continue;
        }
        out.push_str(line);
    }
    out
}
