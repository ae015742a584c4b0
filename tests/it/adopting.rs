//! Adopting kblint on a knowledge base that already has findings, end to end: the 464 product
//! pages of endoflife.date (`tests/realworld/endoflife/`, 533 schema errors with their own
//! schema) copied into a new git repository, then `kblint baseline`, `check`, `check --staged`,
//! the real pre-commit hook that `kblint hook install` writes, a stale entry and `--prune`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn kblint_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_kblint"))
}

/// `PATH` with the folder of the kblint under test first, for the hook.
fn path_with_kblint() -> std::ffi::OsString {
    let dir = kblint_bin().parent().unwrap().to_path_buf();
    let mut paths = vec![dir];
    paths.extend(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    ));
    std::env::join_paths(paths).unwrap()
}

fn git(dir: &Path, args: &[&str]) -> Output {
    Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .env("PATH", path_with_kblint())
        .args(args)
        .output()
        .unwrap()
}

fn git_ok(dir: &Path, args: &[&str]) {
    let out = git(dir, args);
    assert!(
        out.status.success(),
        "git {} failed:\n{}{}",
        args.join(" "),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn kblint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    crate::common::kblint_isolated(dir, args)
}

/// `kblint check ARGS --format json`: the exit code and the JSON.
fn check_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let (code, stdout, stderr) = kblint(dir, &all);
    let json = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, json)
}

/// (rule, path, message) of each finding.
fn findings(json: &Value) -> Vec<(String, String, String)> {
    json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["path"].as_str().unwrap().to_string(),
                d["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn baseline_entries(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("kblint-baseline.json")).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    json["findings"].as_array().unwrap().clone()
}

#[test]
fn the_endoflife_pages_adopt_kblint_with_a_baseline() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let pages = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld/endoflife");
    crate::common::copy_dir(&pages, dir);
    git_ok(dir, &["init", "--quiet", "--initial-branch=main"]);
    git_ok(dir, &["add", "--all"]);
    git_ok(dir, &["commit", "--quiet", "-m", "the pages as they are"]);

    // Before: every commit would fail.
    let (code, json) = check_json(dir, &[]);
    assert_eq!(code, 1);
    let before = json["summary"]["errors"].as_u64().unwrap();
    assert!(before > 500, "{}", json["summary"]);

    // The baseline parks them all, and is the same bytes when written again.
    let (code, said, stderr) = kblint(dir, &["baseline"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(said.contains("wrote kblint-baseline.json"), "{said}");
    let first = std::fs::read(dir.join("kblint-baseline.json")).unwrap();
    assert_eq!(kblint(dir, &["baseline"]).0, 0);
    let second = std::fs::read(dir.join("kblint-baseline.json")).unwrap();
    assert!(first == second, "two runs of `kblint baseline` differ");
    let entries = baseline_entries(dir);
    assert_eq!(entries.len() as u64, before);
    let text = String::from_utf8(first).unwrap();
    assert!(
        !text.contains("\"line\"") && !text.contains("\"column\""),
        "the baseline holds no positions"
    );

    let (code, json) = check_json(dir, &[]);
    assert_eq!(code, 0, "{}", json["summary"]);
    assert_eq!(findings(&json), []);
    assert_eq!(json["summary"]["suppressed"].as_u64(), Some(before));
    git_ok(dir, &["add", "kblint-baseline.json"]);
    git_ok(
        dir,
        &["commit", "--quiet", "-m", "adopt kblint with a baseline"],
    );

    // The hook, as a team installs it.
    let (code, _, stderr) = kblint(dir, &["hook", "install"]);
    assert_eq!(code, 0, "{stderr}");

    // A new typo in one page: exactly that one error, in the work tree, staged, and in the hook.
    let page = dir.join("products/nodejs.md");
    let original = std::fs::read_to_string(&page).unwrap();
    assert!(original.contains("\ncategory: framework\n"));
    std::fs::write(
        &page,
        original.replace("\ncategory: framework\n", "\ncategory: framewrk\n"),
    )
    .unwrap();
    let (code, json) = check_json(dir, &[]);
    assert_eq!(code, 1);
    let new = findings(&json);
    assert_eq!(new.len(), 1, "{new:?}");
    assert_eq!(
        (new[0].0.as_str(), new[0].1.as_str()),
        ("schema", "products/nodejs.md")
    );
    assert!(new[0].2.contains("framewrk"), "{new:?}");
    assert_eq!(json["summary"]["errors"], 1);

    git_ok(dir, &["add", "products/nodejs.md"]);
    let (code, json) = check_json(dir, &["--staged"]);
    assert_eq!(code, 1);
    assert_eq!(findings(&json), new, "--staged sees the same one error");

    let commit = git(dir, &["commit", "--quiet", "-m", "a typo"]);
    assert!(!commit.status.success(), "the hook let the typo through");
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&commit.stdout),
        String::from_utf8_lossy(&commit.stderr)
    );
    assert_eq!(said.matches("error[").count(), 1, "{said}");
    assert!(
        said.contains("error[schema]") && said.contains("framewrk"),
        "{said}"
    );
    assert!(said.contains("1 error, 0 warnings"), "{said}");

    // Without the typo, the hook lets a commit through.
    std::fs::write(&page, &original).unwrap();
    git_ok(dir, &["add", "products/nodejs.md"]);
    let page2 = dir.join("products/python.md");
    let text = std::fs::read_to_string(&page2).unwrap();
    std::fs::write(&page2, format!("{text}\nOne more line of prose.\n")).unwrap();
    git_ok(dir, &["add", "products/python.md"]);
    git_ok(dir, &["commit", "--quiet", "-m", "prose only"]);

    // Fixing a baselined finding leaves one stale entry, which `--prune` removes, alone.
    let akeneo = dir.join("products/akeneo-pim.md");
    let text = std::fs::read_to_string(&akeneo).unwrap();
    let (code, json) = check_json(dir, &["--show-suppressed", "products/akeneo-pim.md"]);
    assert_eq!(code, 0);
    let hidden = json["suppressed"].as_array().unwrap();
    assert_eq!(hidden.len(), 1, "akeneo-pim.md has one baselined finding");
    assert!(
        hidden[0]["message"]
            .as_str()
            .unwrap()
            .starts_with("`auto.methods[1]`")
    );
    // Remove the `auto:` block that holds it: up to the next top-level line.
    let start = text.find("\nauto:\n").unwrap() + 1;
    let end = start
        + text[start..]
            .match_indices('\n')
            .map(|(i, _)| i + 1)
            .find(|&i| {
                text[start + i..]
                    .chars()
                    .next()
                    .is_some_and(|c| !c.is_whitespace())
            })
            .unwrap();
    std::fs::write(&akeneo, format!("{}{}", &text[..start], &text[end..])).unwrap();
    let (code, json) = check_json(dir, &[]);
    assert_eq!(code, 0, "a stale entry is a warning");
    let stale = findings(&json);
    assert_eq!(stale.len(), 1, "{stale:?}");
    assert_eq!(stale[0].0, "stale-baseline-entry");
    assert_eq!(stale[0].1, "kblint-baseline.json");
    assert!(stale[0].2.contains("products/akeneo-pim.md"), "{stale:?}");

    let before_prune = baseline_entries(dir);
    let (code, said, stderr) = kblint(dir, &["baseline", "--prune"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(said.contains("removed 1 entry"), "{said}");
    let after_prune = baseline_entries(dir);
    let removed: Vec<&Value> = before_prune
        .iter()
        .filter(|e| !after_prune.contains(e))
        .collect();
    assert_eq!(after_prune.len() + 1, before_prune.len());
    assert_eq!(removed.len(), 1);
    assert_eq!(removed[0]["path"], "products/akeneo-pim.md");
    let (code, json) = check_json(dir, &[]);
    assert_eq!((code, findings(&json)), (0, vec![]));
}

#[test]
fn fixing_one_baselined_finding_and_adding_one_alike_is_one_new_finding_and_one_stale_entry() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("notes")).unwrap();
    std::fs::write(
        dir.join("kblint.toml"),
        "[collections.notes]\ninclude = [\"notes/*.md\"]\nschema = \"note.schema.json\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("note.schema.json"),
        r#"{"type": "object", "properties": {"tags": {"type": "array", "items": {"enum": ["a", "b"]}}}}"#,
    )
    .unwrap();
    let note = dir.join("notes/n.md");
    std::fs::write(&note, "---\ntags: [x, y]\n---\n").unwrap();
    assert_eq!(check_json(dir, &[]).1["summary"]["errors"], 2);
    assert_eq!(kblint(dir, &["baseline"]).0, 0);
    assert_eq!(check_json(dir, &[]).0, 0);
    // `x` fixed, `z` new: the count per file and rule is still 2.
    std::fs::write(&note, "---\ntags: [a, y, z]\n---\n").unwrap();
    let (code, json) = check_json(dir, &[]);
    assert_eq!(code, 1);
    let found = findings(&json);
    let rules: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, ["stale-baseline-entry", "schema"], "{found:?}");
    assert!(found[1].2.contains("\"z\""), "{found:?}");
    assert_eq!(json["summary"]["suppressed"], 1);
}

/// A baseline written before the digits of names counted in fingerprints still hides the
/// finding it was written for, not one about another name; `--prune` rewrites it.
#[test]
fn an_earlier_baseline_entry_hides_only_the_finding_it_names() {
    let dir = crate::common::copy_fixture("stale-baseline-entry/digits-in-names");
    let entry = dir.path().join("kb/entries/cites-both.md");
    let text = std::fs::read_to_string(&entry).unwrap();
    std::fs::write(&entry, text.replace("report-2023", "report-2019")).unwrap();
    let short = |dir: &Path| {
        let out = crate::common::kblint(dir, &["check", "--format", "short"]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let out = short(dir.path());
    assert!(!out.contains("quote-not-found"), "{out}");
    assert!(!out.contains("stale-baseline-entry"), "{out}");
    let before = std::fs::read_to_string(dir.path().join("kblint-baseline.json")).unwrap();
    let pruned = crate::common::kblint(dir.path(), &["baseline", "--prune"]);
    assert_eq!(pruned.status.code(), Some(0));
    let after = std::fs::read_to_string(dir.path().join("kblint-baseline.json")).unwrap();
    assert_ne!(before, after, "the entry is rewritten in the current form");
    assert!(after.contains("report-2019"));
    assert!(!short(dir.path()).contains("quote-not-found"));
    // The current form no longer matches a finding about another report.
    std::fs::write(&entry, text).unwrap();
    let out = short(dir.path());
    assert!(
        out.contains("`report-2023`") && out.contains("stale-baseline-entry"),
        "{out}"
    );
}
