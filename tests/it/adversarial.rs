//! Inputs built to make kblint's costs grow faster than the KB: many claims conflicting with
//! each other, long rings, disputes among many claims, long quotes against long sources. Their
//! findings stay one per group, with a bounded number of related claims; the speed itself is
//! measured by `bench/adversarial.sh`, never in a test.

use std::path::Path;

use assert_cmd::Command;

fn kb(files: &[(&str, String)]) -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&from, dir.path());
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn short(dir: &Path) -> (Option<i32>, String) {
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "short"])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into(),
    )
}

fn human(dir: &Path) -> String {
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--color", "never"])
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into()
}

fn json(dir: &Path) -> serde_json::Value {
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap()
}

const CITE: &str = "    cites: [{source: guide, quote: \"Product owners are more tactical\"}]\n";

/// `n` claims on `orientation`, alternating `tactical` and `strategic`; `extra(i)` adds lines.
fn alternating(n: usize, extra: impl Fn(usize) -> String) -> String {
    let mut s = String::from("---\nid: many\nclaims:\n");
    for i in 0..n {
        let value = if i % 2 == 0 { "tactical" } else { "strategic" };
        s.push_str(&format!(
            "  - id: c{i}\n    text: Claim {i}.\n    property: orientation\n    value: {value}\n{}{CITE}",
            extra(i)
        ));
    }
    s + "---\n"
}

#[test]
fn a_large_group_of_conflicting_claims_is_one_finding_with_a_tally() {
    // 15 × 15 = 225 conflicting pairs: over the limit of 50, so one finding.
    let dir = kb(&[("kb/entries/many.md", alternating(30, |_| String::new()))]);
    let (code, out) = short(dir.path());
    assert_eq!(code, Some(1));
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("conflicting-values"))
        .collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].contains(
            "`many` has conflicting values for `orientation`: `tactical` (15 claims), `strategic` (15 claims) (225 pairs of claims)"
        ),
        "{out}"
    );
    assert!(human(dir.path()).contains("and 9 more claims, not shown"));
    let report = json(dir.path());
    let finding = &report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["rule"] == "conflicting-values")
        .unwrap()
        .clone();
    let related = finding["related"].as_array().map_or(0, Vec::len);
    assert_eq!(related, 20, "{finding}");
}

#[test]
fn a_small_group_is_still_one_finding_per_pair() {
    // 3 × 3 = 9 pairs: the spec's one finding per pair.
    let dir = kb(&[("kb/entries/many.md", alternating(6, |_| String::new()))]);
    let (_, out) = short(dir.path());
    assert_eq!(out.matches("conflicting-values").count(), 9, "{out}");
}

/// `n` claims on a quantity `size`, alternating 1 and 10 (and a vocabulary that declares it);
/// `timed` gives every claim a `valid_from`, so the group is searched pair by pair.
fn quantities(n: usize, timed: bool) -> tempfile::TempDir {
    let mut text = String::from("---\nid: many\nclaims:\n");
    for i in 0..n {
        let value = if i % 2 == 0 { 1 } else { 10 };
        let from = if timed {
            "    valid_from: 2020-01-01\n"
        } else {
            ""
        };
        text.push_str(&format!(
            "  - id: c{i}\n    text: Claim {i}.\n    property: size\n    value: {value}\n{from}{CITE}"
        ));
    }
    text.push_str("---\n");
    let dir = kb(&[("kb/entries/many.md", text)]);
    let vocabulary = dir.path().join("schema/vocabulary.yaml");
    let mut v = std::fs::read_to_string(&vocabulary).unwrap();
    v.push_str("  size:\n    kind: quantity\n    unit: people\n    tolerance: 1\n");
    std::fs::write(vocabulary, v).unwrap();
    dir
}

#[test]
fn a_large_group_of_conflicting_quantities_is_one_finding_whether_timed_or_not() {
    for timed in [false, true] {
        let dir = quantities(400, timed);
        let (code, out) = short(dir.path());
        assert_eq!(code, Some(1));
        let lines: Vec<&str> = out
            .lines()
            .filter(|l| l.contains("conflicting-values"))
            .collect();
        assert_eq!(lines.len(), 1, "timed: {timed}\n{out}");
        assert!(
            lines[0].ends_with(
                "`many` has conflicting values for `size`: `1` (200 claims), `10` (200 claims) (40000 pairs of claims)"
            ),
            "timed: {timed}\n{}",
            lines[0]
        );
    }
    // Small groups: one finding per pair, the same either way.
    for timed in [false, true] {
        let (_, out) = short(quantities(6, timed).path());
        assert_eq!(out.matches("conflicting-values").count(), 9, "{out}");
    }
}

#[test]
fn a_tallied_group_knows_which_pairs_disputes_acknowledge() {
    // c0 (tactical) disputes c1 (strategic): they contradict. c0 disputes c2 (tactical too):
    // no contradiction, a stale dispute.
    let dir = kb(&[(
        "kb/entries/many.md",
        alternating(18, |i| {
            if i == 0 {
                "    disputes: [c1, c2]\n".into()
            } else {
                String::new()
            }
        }),
    )]);
    let (_, out) = short(dir.path());
    let stale: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("stale-dispute"))
        .collect();
    assert_eq!(stale.len(), 1, "{out}");
    assert!(stale[0].contains("`many#c0` disputes `many#c2`"), "{out}");
    assert_eq!(out.matches("conflicting-values").count(), 1, "{out}");
    let text = human(dir.path());
    assert!(text.contains("1 of the pairs are acknowledged"), "{text}");
}

#[test]
fn many_negations_of_one_claim_are_one_finding() {
    let mut s = String::from("---\nid: many\nclaims:\n");
    for i in 0..16 {
        let negated = if i % 2 == 1 {
            "    negated: true\n"
        } else {
            ""
        };
        s.push_str(&format!(
            "  - id: c{i}\n    text: Claim {i}.\n    property: orientation\n    value: tactical\n{negated}{CITE}"
        ));
    }
    s.push_str("---\n");
    let dir = kb(&[("kb/entries/many.md", s)]);
    let (_, out) = short(dir.path());
    let lines: Vec<&str> = out
        .lines()
        .filter(|l| l.contains("negation-conflict"))
        .collect();
    assert_eq!(lines.len(), 1, "{out}");
    assert!(
        lines[0].contains("8 claims and 8 negations of them (64 pairs)"),
        "{out}"
    );
}

#[test]
fn a_long_ring_is_one_finding_showing_some_of_its_claims() {
    let n = 40;
    let mut files: Vec<(String, String)> = (0..n)
        .map(|i| {
            (
                format!("kb/entries/s{i}.md"),
                format!("---\nid: s{i}\n---\n"),
            )
        })
        .collect();
    let mut ring = String::from("---\nid: ring\nclaims:\n");
    for i in 0..n {
        ring.push_str(&format!(
            "  - id: c{i}\n    text: Ranked.\n    subject: s{i}\n    property: seniority\n    above: s{}\n{CITE}",
            (i + 1) % n
        ));
    }
    ring.push_str("---\n");
    files.push(("kb/entries/ring.md".into(), ring));
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let dir = kb(&files);
    let report = json(dir.path());
    let cycles: Vec<_> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "order-cycle")
        .collect();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0]["related"].as_array().unwrap().len(), 20);
    assert!(
        cycles[0]["message"]
            .as_str()
            .unwrap()
            .ends_with("`s25`, `s26`, 20 more subjects"),
        "{}",
        cycles[0]
    );
    assert!(human(dir.path()).contains("and 19 more claims, not shown"));
}

#[test]
fn a_quote_too_long_for_its_source_gets_no_nearest_passage_and_says_why() {
    // 1,000 characters of quote against 1 MB of source: over the budget of 500,000,000.
    let mut body = String::new();
    let mut n = 0;
    while body.len() < 1_000_000 {
        body.push_str(&format!("word{} ", n % 997));
        n += 1;
    }
    let quote: String = body[5000..6000].replace('w', "v");
    let dir = kb(&[
        ("kb/sources/big.md", format!("---\nid: big\n---\n{body}\n")),
        (
            "kb/entries/long.md",
            format!(
                "---\nid: long\nclaims:\n  - id: c1\n    text: A claim.\n    cites: [{{source: big, quote: \"{}\"}}]\n---\n",
                quote.trim()
            ),
        ),
    ]);
    let text = human(dir.path());
    assert!(
        text.contains("no passage close enough was searched for"),
        "{text}"
    );
    assert!(!text.contains("nearest passage"), "{text}");
}

#[test]
fn a_long_failing_quote_that_repeats_a_short_unit_is_reported_at_once() {
    // 120 KB of "ha ha ha ...": the prefilter's automaton for it took minutes to build; a
    // bounded piece of the quote takes a fraction of a second.
    let quote = "ha ".repeat(40_000);
    let dir = kb(&[(
        "kb/entries/laugh.md",
        format!(
            "---\nid: laugh\nclaims:\n  - id: c1\n    text: A claim.\n    cites: [{{source: guide, quote: \"{}\"}}]\n---\n",
            quote.trim()
        ),
    )]);
    let (code, out) = short(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("kb/entries/laugh.md:6:") && out.contains("quote-not-found"),
        "{out}"
    );
}

#[test]
fn a_vocabulary_value_typo_names_the_closest_value_among_many() {
    let values: Vec<String> = (0..5000).map(|i| format!("value{i}")).collect();
    let vocabulary = format!(
        "properties:\n  orientation:\n    kind: single\n    values: [strategic, tactical]\n  seniority:\n    kind: order\n  big:\n    kind: multi\n    values: [{}]\n",
        values.join(", ")
    );
    let entry = format!(
        "---\nid: e\nclaims:\n  - id: c1\n    text: A claim.\n    property: big\n    value: valeu1234\n{CITE}---\n"
    );
    let dir = kb(&[
        ("schema/vocabulary.yaml", vocabulary),
        ("kb/entries/e.md", entry),
    ]);
    let text = human(dir.path());
    assert!(text.contains("did you mean `value1234`?"), "{text}");
    // The help lists the first values and how many more, not all 5,000.
    assert!(text.contains("and 4970 more"), "{text}");
    assert!(text.len() < 2000, "{}", text.len());
}
