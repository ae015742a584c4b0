//! Which files make up the KB follows git's own view: a tracked file counts even when it
//! matches `.gitignore` (in a normal run as with `--staged`), a plain `.ignore` file hides
//! nothing, and a conflicted index under `--staged` is said, not silently dropped.

use std::path::Path;
use std::process::Command as Process;

use assert_cmd::Command;

use crate::common::copy_fixture;

fn git(dir: &Path, args: &[&str]) -> String {
    let out = Process::new("git")
        .current_dir(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
}

fn short(dir: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "short"])
        .args(extra)
        .env_remove("GIT_DIR")
        .env_remove("GIT_INDEX_FILE")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const FAILING: &str = "---\nid: bad\nclaims:\n  - id: c1\n    text: A claim.\n    cites:\n      - source: guide\n        quote: \"Words nobody wrote\"\n---\n";

#[test]
fn a_tracked_file_that_matches_gitignore_counts_as_with_staged() {
    let dir = copy_fixture("clean");
    std::fs::write(dir.path().join("kb/entries/bad.md"), FAILING).unwrap();
    git(dir.path(), &["init", "--quiet"]);
    git(dir.path(), &["add", "--all"]);
    git(dir.path(), &["commit", "--quiet", "-m", "kb"]);
    std::fs::write(dir.path().join(".gitignore"), "kb/entries/bad.md\n").unwrap();
    let (_, staged, _) = short(dir.path(), &["--staged"]);
    let (code, work, _) = short(dir.path(), &[]);
    assert!(staged.contains("kb/entries/bad.md"), "{staged}");
    assert!(work.contains("kb/entries/bad.md"), "{work}");
    assert_eq!(code, Some(1));
    // An untracked file that matches `.gitignore` stays out.
    std::fs::write(dir.path().join(".gitignore"), "kb/entries/new.md\n").unwrap();
    std::fs::write(
        dir.path().join("kb/entries/new.md"),
        FAILING.replace("bad", "new"),
    )
    .unwrap();
    let (_, work, _) = short(dir.path(), &[]);
    assert!(!work.contains("kb/entries/new.md"), "{work}");
}

#[test]
fn a_plain_ignore_file_hides_nothing() {
    let dir = copy_fixture("clean");
    std::fs::write(dir.path().join("kb/entries/bad.md"), FAILING).unwrap();
    std::fs::write(dir.path().join(".ignore"), "kb/entries/bad.md\n").unwrap();
    let (code, out, _) = short(dir.path(), &[]);
    assert_eq!(code, Some(1));
    assert!(out.contains("kb/entries/bad.md"), "{out}");
}

#[test]
fn a_conflicted_index_is_said_under_staged() {
    let dir = copy_fixture("clean");
    let path = dir.path().join("kb/entries/cites-both.md");
    git(dir.path(), &["init", "--quiet", "--initial-branch=main"]);
    git(dir.path(), &["add", "--all"]);
    git(dir.path(), &["commit", "--quiet", "-m", "kb"]);
    git(dir.path(), &["checkout", "--quiet", "-b", "other"]);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("Both sources", "Other branch")).unwrap();
    git(dir.path(), &["commit", "--quiet", "-am", "other"]);
    git(dir.path(), &["checkout", "--quiet", "main"]);
    std::fs::write(&path, text.replace("Both sources", "Main branch")).unwrap();
    git(dir.path(), &["commit", "--quiet", "-am", "main"]);
    git(dir.path(), &["merge", "--quiet", "other"]);
    assert!(git(dir.path(), &["ls-files", "-u"]).contains("cites-both.md"));
    let (code, _, err) = short(dir.path(), &["--staged"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("unresolved conflicts in `kb/entries/cites-both.md`"),
        "{err}"
    );
}

/// A path longer than the system allows to open (PATH_MAX) cannot be listed: the run says so
/// instead of leaving the files below it out without a word.
#[test]
fn a_path_too_long_to_list_is_named() {
    let dir = copy_fixture("clean");
    let long = "d".repeat(200);
    let script = format!(
        "cd kb/entries && for i in $(seq 25); do mkdir {long} && cd {long} || exit 1; done && printf -- '---\\nid: deep\\n---\\n' > deep.md"
    );
    // bash, not sh: dash refuses to `cd` once the path is longer than PATH_MAX.
    let made = Process::new("bash")
        .current_dir(dir.path())
        .args(["-c", &script])
        .status()
        .unwrap();
    assert!(made.success());
    let (_, _, stderr) = short(dir.path(), &[]);
    assert!(
        stderr.contains("warning: cannot list part of the KB"),
        "{stderr}"
    );
}
