//! The rule registry keeps its conventions: one file per rule, named like the rule; a fixture
//! that fires every rule; and every analysis a rule reads declared in its `needs`.

use std::path::{Path, PathBuf};

use kblint::config::Level;
use kblint::rules::RULES;
use kblint::tree::Tree;

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
            text.contains(&format!("name: \"{}\",", rule.name)),
            "{} does not declare the rule `{}`",
            path.display(),
            rule.name
        );
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

/// Each rule runs alone on every fixture and on `kb/`, so the check stage computes only the
/// analyses it declares; reading another one trips a debug assertion (tests build with them).
#[test]
fn every_rule_declares_the_analyses_it_reads() {
    let mut kbs: Vec<PathBuf> = vec![manifest().to_path_buf()];
    for rule in RULES {
        kbs.extend(fixtures_of(rule.name));
    }
    for rule in RULES {
        let alone: Vec<(String, Level)> = RULES
            .iter()
            .map(|r| {
                let level = if r.name == rule.name {
                    Level::Info
                } else {
                    Level::Off
                };
                (r.name.to_string(), level)
            })
            .collect();
        for kb in &kbs {
            let run = std::panic::catch_unwind(|| {
                kblint::lint(kb, "kblint.toml", &Tree::work_tree(kb), &alone)
            });
            assert!(
                run.is_ok(),
                "rule `{}` alone on {} panicked: it reads an analysis it does not declare in `needs`",
                rule.name,
                kb.display()
            );
        }
        // The same, read from the source: what the rule's file reads, it declares.
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
