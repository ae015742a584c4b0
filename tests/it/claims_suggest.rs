//! `kblint claims suggest` on the fixture KB `tests/fixtures/claims-suggest/mixed`: the diff and
//! the summary it prints (`suggest.diff`, `suggest.txt` beside the fixture; rewrite them with
//! `KBLINT_BLESS=1`), that the diff is a patch `git apply` accepts and that `--write` writes
//! exactly what it shows, in YAML, TOML and JSON frontmatter.

use std::path::Path;
use std::process::Command;

const FIXTURE: &str = "claims-suggest/mixed";

fn fixture_file(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(FIXTURE)
        .join(name)
}

fn compare(name: &str, actual: &str) {
    let path = fixture_file(name);
    if std::env::var_os("KBLINT_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        expected,
        actual,
        "{} differs (KBLINT_BLESS=1 rewrites it)",
        path.display()
    );
}

fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walk(dir) {
        let rel = entry
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        if !rel.starts_with(".git") {
            out.push((rel, std::fs::read(&entry).unwrap()));
        }
    }
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        if e.path().is_dir() {
            out.extend(walk(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

#[test]
fn suggest_prints_a_diff_and_what_it_left_alone() {
    let kb = crate::common::copy_fixture(FIXTURE);
    let before = snapshot(kb.path());
    let out = crate::common::kblint(kb.path(), &["claims", "suggest"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    compare("suggest.diff", &String::from_utf8(out.stdout).unwrap());
    compare("suggest.txt", &String::from_utf8(out.stderr).unwrap());
    assert_eq!(
        before,
        snapshot(kb.path()),
        "without --write no file changes"
    );
}

#[test]
fn write_writes_exactly_the_diff_and_structures_the_claims() {
    let shown = crate::common::copy_fixture(FIXTURE);
    let diff = crate::common::kblint(shown.path(), &["claims", "suggest"]).stdout;
    let git = |args: &[&str]| {
        let out = Command::new("git")
            .current_dir(shown.path())
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "--quiet"]);
    std::fs::write(shown.path().join(".git/suggest.diff"), &diff).unwrap();
    git(&["apply", ".git/suggest.diff"]);

    let written = crate::common::copy_fixture(FIXTURE);
    let out = crate::common::kblint(written.path(), &["claims", "suggest", "--write"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("wrote 4,"), "{stderr}");
    assert!(out.stdout.is_empty(), "--write prints no diff");
    assert_eq!(
        snapshot(shown.path()),
        snapshot(written.path()),
        "--write must write what the diff shows"
    );

    // The KB still lints clean, and a second run has nothing more to suggest; the claims it
    // could not settle are still listed.
    let check = crate::common::kblint(written.path(), &["check"]);
    assert_eq!(check.status.code(), Some(0), "{check:?}");
    let again = crate::common::kblint(written.path(), &["claims", "suggest"]);
    let stderr = String::from_utf8(again.stderr).unwrap();
    assert!(again.stdout.is_empty(), "{stderr}");
    assert!(stderr.contains("5 of 9 claims have a property"), "{stderr}");
    assert!(
        stderr.contains("`owner#both-sides`: left alone"),
        "{stderr}"
    );
}

#[test]
fn a_kb_without_vocabulary_is_told_so() {
    let kb = crate::common::copy_fixture(FIXTURE);
    let config = kb.path().join("kblint.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("vocabulary = \"schema/vocabulary.yaml\"\n", ""),
    )
    .unwrap();
    let out = crate::common::kblint(kb.path(), &["claims", "suggest", "--write"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("names no `vocabulary`"), "{stderr}");
}
