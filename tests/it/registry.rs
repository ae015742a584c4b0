//! The rule registry keeps its conventions: one file per rule, named like the rule; a fixture
//! that fires every rule; every analysis a rule reads declared in its `needs`; and a rule that
//! can be asked about a few entries walking only those.

use std::path::{Path, PathBuf};

use kblint::rules::{RULES, Reach};

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn each_rule_is_one_file_named_like_the_rule() {
    let dir = manifest().join("src/rules");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "rs"))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "mod.rs")
        .collect();
    files.sort();
    let mut expected: Vec<String> = RULES
        .iter()
        .map(|r| format!("{}.rs", r.name.replace('-', "_")))
        .collect();
    expected.sort();
    assert_eq!(
        files, expected,
        "every file directly under src/rules/ is one rule, named like it (helpers go in src/rules/support/)"
    );
    for rule in RULES {
        let path = dir.join(format!("{}.rs", rule.name.replace('-', "_")));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(&format!("id: {:?},", rule.id)),
            "{} does not declare the rule `{}`",
            path.display(),
            rule.name
        );
    }
}

#[test]
fn the_registry_holds_every_rule_once_in_the_order_of_the_rule_ids() {
    let ids: Vec<_> = RULES.iter().map(|r| r.id).collect();
    assert_eq!(ids, kblint::rule_id::RuleId::ALL);
    for rule in RULES {
        assert_eq!(rule.name, rule.id.name());
    }
}

/// Every fixture KB under `tests/fixtures/RULE/`.
fn fixtures_of(rule: &str) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let dir = manifest().join("tests/fixtures").join(rule);
    for case in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
        if case.path().join("kblint.toml").is_file() {
            out.push(case.path());
        }
    }
    out.sort();
    out
}

#[test]
fn every_rule_has_a_fixture_that_fires_it() {
    let mut missing = Vec::new();
    for rule in RULES {
        let fires = fixtures_of(rule.name).iter().any(|case| {
            std::fs::read_to_string(case.join("expected.txt"))
                .unwrap_or_default()
                .contains(&format!("[{}]", rule.name))
        });
        if !fires {
            missing.push(rule.name);
        }
    }
    assert!(
        missing.is_empty(),
        "no fixture under tests/fixtures/RULE/ fires these rules: {missing:?}"
    );
}

/// What a rule's file reads, it declares in `needs`, so that the check stage computes it, side
/// by side with the others, before the rules start. (A rule that does not declare an analysis
/// still gets it complete, on first use; only the speed suffers.)
#[test]
fn every_rule_declares_the_analyses_it_reads() {
    for rule in RULES {
        let text = std::fs::read_to_string(
            manifest()
                .join("src/rules")
                .join(format!("{}.rs", rule.name.replace('-', "_"))),
        )
        .unwrap();
        for (call, analysis) in [
            ("cx.citations()", "Citations"),
            ("cx.contradictions()", "Contradictions"),
        ] {
            if text.contains(call) {
                assert!(
                    text.lines()
                        .any(|l| l.trim_start().starts_with("needs:") && l.contains(analysis)),
                    "rule `{}` calls `{call}` but does not declare `needs: [{analysis}]`",
                    rule.name
                );
            }
        }
    }
}

/// A rule that runs on a few entries after an edit (`Reach::Entry`) walks the entries its
/// context asks for, never every entry of the KB: otherwise it would either do the whole KB's
/// work on every keystroke or, filtered afterwards, hide the mistake of a rule whose findings
/// depend on more than it says.
#[test]
fn every_rule_of_entry_reach_walks_the_entries_its_context_asks_for() {
    let mut entry_rules = 0;
    for rule in RULES.iter().filter(|r| r.reach == Reach::Entry) {
        entry_rules += 1;
        let text = std::fs::read_to_string(
            manifest()
                .join("src/rules")
                .join(format!("{}.rs", rule.name.replace('-', "_"))),
        )
        .unwrap();
        // (Reading every entry to suggest a name, as `unresolved-reference` does, is no walk:
        // the suggestions depend on the names alone.)
        for walk in [
            "in kb.all_claims()",
            "in kb.entries_with_ids()",
            "in kb.entry_ids()",
            "in kb.entries.iter()",
            "in &kb.entries",
        ] {
            assert!(
                !text.contains(walk),
                "rule `{}` has reach `Entry` but walks every entry with `{walk}`: use `cx.entries()` or `cx.claims()`, or declare `reach: Kb`",
                rule.name
            );
        }
        assert!(
            text.contains("cx.entries()")
                || text.contains("cx.claims()")
                || text.contains("cx.wants("),
            "rule `{}` has reach `Entry` but never asks its context which entries are wanted",
            rule.name
        );
    }
    assert!(entry_rules >= 8, "only {entry_rules} rules of entry reach");
}
