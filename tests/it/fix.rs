//! `kblint check --fix`: safe fixes always, unsafe ones only when asked, the rest of each file
//! untouched byte for byte.

use crate::common::{copy_fixture, kblint};

use sha2::Digest;

fn body_digest(text: &str) -> String {
    let body = text.splitn(3, "---\n").nth(2).unwrap();
    sha2::Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn fix_rewrites_a_stale_digest_when_every_quote_still_holds() {
    let dir = copy_fixture("source-hash-mismatch/edited-body");
    let path = dir.path().join("kb/sources/guide.md");
    let before = std::fs::read_to_string(&path).unwrap();
    let out = kblint(dir.path(), &["check", "--fix"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let after = std::fs::read_to_string(&path).unwrap();
    assert!(after.contains(&format!("sha256: {}", body_digest(&after))));
    // only the digest changed
    let changed: Vec<(&str, &str)> = before
        .lines()
        .zip(after.lines())
        .filter(|(a, b)| a != b)
        .collect();
    assert_eq!(changed.len(), 1);
    assert!(changed[0].0.starts_with("sha256: ") && changed[0].1.starts_with("sha256: "));
}

#[test]
fn fix_leaves_the_digest_alone_when_a_quote_no_longer_matches() {
    let dir = copy_fixture("source-hash-mismatch/edited-body");
    let entry = dir.path().join("kb/entries/cites-both.md");
    let text = std::fs::read_to_string(&entry).unwrap().replace(
        "Product owners are more tactical",
        "Product owners are more tactical.",
    );
    std::fs::write(&entry, text).unwrap(); // the edited body reads `tactical!`: the quote now fails
    let source = dir.path().join("kb/sources/guide.md");
    let before = std::fs::read_to_string(&source).unwrap();
    let out = kblint(dir.path(), &["check", "--fix", "--format", "short"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read_to_string(&source).unwrap(), before);
    assert!(String::from_utf8_lossy(&out.stdout).contains("source-hash-mismatch"));
}

#[test]
fn fix_adds_a_missing_digest_keeping_comments_and_key_order() {
    let dir = copy_fixture("clean");
    let path = dir.path().join("kb/sources/other.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let body = text.splitn(3, "---\n").nth(2).unwrap().to_string();
    let without =
        format!("---\n# a comment kblint must keep\nid: other\ntitle: Other\n---\n{body}");
    std::fs::write(&path, &without).unwrap();
    let out = kblint(dir.path(), &["check", "--fix"]);
    assert_eq!(out.status.code(), Some(0));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        fixed,
        format!(
            "---\n# a comment kblint must keep\nid: other\ntitle: Other\nsha256: {}\n---\n{body}",
            body_digest(&without)
        )
    );
}

#[test]
fn a_near_miss_quote_is_replaced_only_with_unsafe_fixes() {
    let dir = copy_fixture("quote-not-found/near-miss");
    let path = dir.path().join("kb/entries/e.md");
    let before = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        kblint(dir.path(), &["check", "--fix"]).status.code(),
        Some(1)
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        before,
        "a quote is never changed by a safe fix"
    );
    let out = kblint(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let after = std::fs::read_to_string(&path).unwrap();
    // only the differing word changes: the author's straight quotes and hyphen stay
    assert!(after.contains(r#"quote: "A product manager \"owns the vision\" - for the whole lifecycle of the product""#), "{after}");
    assert_eq!(before.lines().count(), after.lines().count());
}

#[test]
fn a_cut_word_is_extended_only_when_nothing_else_differs() {
    let dir = copy_fixture("quote-not-found/cut-word");
    let path = dir.path().join("kb/entries/e.md");
    let before = std::fs::read_to_string(&path).unwrap();
    kblint(dir.path(), &["check", "--fix"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let out = kblint(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(out.status.code(), Some(1));
    let after = std::fs::read_to_string(&path).unwrap();
    for fixed in [
        r#"quote: "The editor owns the style""#,
        r#"quote: "61 acres""#,
        r#"quote: "unreasonable, though at an unusual, depth""#,
        r#"quote: "The editor ... style guide""#,
        // A quote that differs in more than its cut words is left for the author.
        r#"quote: "he editor own the sty""#,
    ] {
        assert!(after.contains(fixed), "{fixed} not in:\n{after}");
    }
    let out = kblint(dir.path(), &["check", "--format", "short"]);
    let short = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        short.lines().filter(|l| l.contains("error[")).count(),
        1,
        "{short}"
    );
}
