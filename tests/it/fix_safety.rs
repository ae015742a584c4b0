//! `kblint check --fix` never loses a byte: a lock between runs, files compared before they are
//! replaced, atomic all-or-nothing writes, and fixes declined where the YAML around the value
//! (a block scalar, an anchor, an alias) would make the edit unsafe.

use std::path::Path;
use std::process::{Command as Process, Stdio};
use std::time::Duration;

use crate::common::{copy_fixture, kblint};
use sha2::Digest;

const QUOTE_FAILS: &str =
    r#"A product manager "owns the vision" - for the entire lifecycle of the product"#;

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn hex(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The near-miss fixture with its entry's quote written as `value` (after `quote:`).
fn near_miss_with(quote: &str) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let dir = copy_fixture("quote-not-found/near-miss");
    let path = dir.path().join("kb/entries/e.md");
    let content = format!(
        "---\nid: e\nclaims:\n  - id: c1\n    text: A claim.\n    cites:\n      - source: guide\n        quote: {quote}---\n"
    );
    std::fs::write(&path, &content).unwrap();
    (dir, path, content)
}

#[test]
fn a_block_scalar_quote_is_left_alone_with_a_reason() {
    for header in ["|-", ">-", "|", ">"] {
        let (dir, path, before) = near_miss_with(&format!("{header}\n          {QUOTE_FAILS}\n"));
        let out = kblint(
            dir.path(),
            &["check", "--fix", "--unsafe-fixes", "--color", "never"],
        );
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert_eq!(std::fs::read_to_string(&path).unwrap(), before, "{header}");
        // The rule offers no fix for a block scalar, or `--fix` declines it: either way the
        // user is told why.
        assert!(
            stderr.contains(&format!("the value is a block scalar (`{header}`)"))
                || stdout.contains("`--fix` does not rewrite block scalars"),
            "{header}: {stderr}{stdout}"
        );
        assert!(!stderr.contains("fixed"), "{header}: {stderr}");
        assert!(stdout.contains("quote-not-found"));
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn a_block_scalar_quote_in_the_middle_of_the_frontmatter_is_left_alone() {
    let dir = copy_fixture("quote-not-found/near-miss");
    let path = dir.path().join("kb/entries/e.md");
    let before = format!(
        "---\nid: e\nclaims:\n  - id: c1\n    cites:\n      - source: guide\n        quote: >-\n          {QUOTE_FAILS}\n    text: A claim.\n---\nBody.\n"
    );
    std::fs::write(&path, &before).unwrap();
    let out = kblint(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    assert!(
        !text(&out.stderr).contains("fixed"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_quote_reached_through_an_alias_is_left_alone() {
    let dir = copy_fixture("quote-not-found/near-miss");
    let path = dir.path().join("kb/entries/e.md");
    let before = format!(
        "---\nid: e\nclaims:\n  - id: c1\n    text: A claim.\n    cites:\n      - source: guide\n        quote: &q \"{}\"\n  - id: c2\n    text: B.\n    cites:\n      - source: guide\n        quote: *q\n---\n",
        QUOTE_FAILS.replace('"', "\\\"")
    );
    std::fs::write(&path, &before).unwrap();
    let out = kblint(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "--format", "short"],
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("the anchor `&q`"), "{stderr}");
    assert!(!text(&out.stdout).contains("frontmatter"));
}

#[test]
fn a_digest_written_as_an_alias_is_left_alone() {
    let dir = copy_fixture("source-hash-mismatch/edited-body");
    let path = dir.path().join("kb/sources/guide.md");
    let old = std::fs::read_to_string(&path).unwrap();
    let digest_line = old.lines().find(|l| l.starts_with("sha256: ")).unwrap();
    let digest = digest_line.trim_start_matches("sha256: ");
    let before = old.replacen(
        digest_line,
        &format!("retrieved_digest: &h {digest}\nsha256: *h"),
        1,
    );
    std::fs::write(&path, &before).unwrap();
    let out = kblint(dir.path(), &["check", "--fix", "--format", "short"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), before);
    let stdout = text(&out.stdout);
    assert!(!stdout.contains("unknown-source"), "{stdout}");
    assert!(!stdout.contains("frontmatter"), "{stdout}");
    assert!(stdout.contains("source-hash-mismatch"), "{stdout}");
}

#[test]
fn a_read_only_file_stops_every_write_and_the_report_is_still_printed() {
    let dir = copy_fixture("clean");
    let sources = dir.path().join("kb/sources");
    // Two sources without `sha256`: the first one is writable, the second read-only.
    let mut paths: Vec<_> = std::fs::read_dir(&sources)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    assert!(paths.len() >= 2);
    let mut before = Vec::new();
    for path in &paths[..2] {
        let t = std::fs::read_to_string(path).unwrap();
        let stripped: String = t
            .lines()
            .filter(|l| !l.starts_with("sha256:"))
            .map(|l| format!("{l}\n"))
            .collect();
        std::fs::write(path, &stripped).unwrap();
        before.push(stripped);
    }
    let mut perms = std::fs::metadata(&paths[1]).unwrap().permissions();
    perms.set_readonly(true);
    std::fs::set_permissions(&paths[1], perms).unwrap();
    let out = kblint(dir.path(), &["check", "--fix", "--format", "short"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    for (path, before) in paths[..2].iter().zip(&before) {
        assert_eq!(&std::fs::read_to_string(path).unwrap(), before);
    }
    let stderr = text(&out.stderr);
    let name = paths[1].file_name().unwrap().to_string_lossy();
    assert!(
        stderr.contains(&*name) && stderr.contains("read-only"),
        "{stderr}"
    );
    assert!(stderr.contains("no file was changed"), "{stderr}");
    // The report is printed all the same (the clean fixture has no finding to show).
    assert!(text(&out.stdout).is_empty() || out.stdout.ends_with(b"\n"));
    // No temporary file is left behind.
    let left: Vec<_> = std::fs::read_dir(&sources)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

/// A big source without `sha256` in the `clean` fixture.
fn big_source(dir: &Path, size: usize) -> (std::path::PathBuf, String) {
    let path = dir.join("kb/sources/big.md");
    let mut body = String::with_capacity(size + 100);
    let mut n = 0u64;
    while body.len() < size {
        n += 1;
        body.push_str(&format!("Line {n} of a long retrieved document.\n"));
    }
    std::fs::write(&path, format!("---\nid: big\ntitle: Big\n---\n{body}")).unwrap();
    (path, body)
}

#[test]
fn a_full_disk_leaves_the_file_whole() {
    let dir = copy_fixture("clean");
    let (path, _) = big_source(dir.path(), 64 * 1024);
    let before = std::fs::read(&path).unwrap();
    // A file size limit of 32 KiB stands in for a full disk (the signal it raises is ignored,
    // so that the write fails with an error as it does on a full disk).
    let bin = assert_cmd::cargo::cargo_bin("kblint");
    let out = Process::new("sh")
        .current_dir(dir.path())
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 64; exec '{}' check --fix --format short",
            bin.display()
        ))
        .output()
        .unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("no file was changed"));
}

#[test]
fn a_lock_held_by_a_running_process_makes_a_second_run_wait() {
    let dir = copy_fixture("clean");
    let (path, body) = big_source(dir.path(), 1000);
    let lock = dir.path().join(".kblint-fix.lock");
    // This test's own process holds the lock.
    std::fs::write(&lock, format!("{}\n", std::process::id())).unwrap();
    let bin = assert_cmd::cargo::cargo_bin("kblint");
    let child = Process::new(bin)
        .current_dir(dir.path())
        .args(["check", "--fix", "--format", "short"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(
        !std::fs::read_to_string(&path).unwrap().contains("sha256"),
        "written while another run held the lock"
    );
    std::fs::remove_file(&lock).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.contains(&format!("sha256: {}", hex(body.as_bytes()))));
    assert!(!lock.exists(), "the lock is removed after the run");
}

#[test]
fn a_stale_lock_is_taken_over() {
    let dir = copy_fixture("clean");
    let (path, body) = big_source(dir.path(), 1000);
    let lock = dir.path().join(".kblint-fix.lock");
    // No process has this id (above Linux's largest, 2^22).
    std::fs::write(&lock, "4999999\n").unwrap();
    let out = kblint(dir.path(), &["check", "--fix"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(fixed.contains(&format!("sha256: {}", hex(body.as_bytes()))));
    assert!(!lock.exists());
}

fn git(dir: &Path, args: &[&str]) {
    let out = Process::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {}", text(&out.stderr));
}

/// `kblint check --fix` in `dir` with its memory bounded (2 GB), so that a run that reads
/// without end fails instead of filling the machine.
fn fix_bounded(dir: &Path) -> std::process::Output {
    let bin = assert_cmd::cargo::cargo_bin("kblint");
    Process::new("sh")
        .current_dir(dir)
        .arg("-c")
        .arg(format!(
            "ulimit -v 2000000; exec '{}' check --fix --format short",
            bin.display()
        ))
        .output()
        .unwrap()
}

#[test]
fn a_lock_file_that_a_repository_commits_is_not_the_lock() {
    let dir = copy_fixture("clean");
    let (path, body) = big_source(dir.path(), 1000);
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("pid"), "1\n").unwrap();
    git(dir.path(), &["init", "--quiet"]);
    // A committed lock naming a live process (1), and links to a process id and to /dev/zero.
    for (name, lock) in [
        ("held", None),
        ("linked", Some(outside.path().join("pid"))),
        ("endless", Some(Path::new("/dev/zero").to_path_buf())),
    ] {
        let at = dir.path().join(".kblint-fix.lock");
        let _ = std::fs::remove_file(&at);
        match &lock {
            None => std::fs::write(&at, "1\n").unwrap(),
            Some(target) => std::os::unix::fs::symlink(target, &at).unwrap(),
        }
        git(dir.path(), &["add", "--all"]);
        git(
            dir.path(),
            &["commit", "--quiet", "--allow-empty", "-m", name],
        );
        big_source(dir.path(), 1000);
        let out = fix_bounded(dir.path());
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        let fixed = std::fs::read_to_string(&path).unwrap();
        assert!(
            fixed.contains(&format!("sha256: {}", hex(body.as_bytes()))),
            "{name}: {fixed}"
        );
        assert!(!dir.path().join(".git/kblint-fix.lock").exists());
    }
}

#[test]
fn a_lock_file_that_is_a_link_is_never_followed() {
    // Outside a repository the lock is at the KB root: a link there is refused at once.
    let dir = copy_fixture("clean");
    let (path, _) = big_source(dir.path(), 1000);
    let before = std::fs::read(&path).unwrap();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join(".kblint-fix.lock")).unwrap();
    let out = fix_bounded(dir.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("symbolic link"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn two_runs_at_once_never_cut_a_file() {
    let dir = copy_fixture("clean");
    let (path, body) = big_source(dir.path(), 4 * 1024 * 1024);
    let bin = assert_cmd::cargo::cargo_bin("kblint");
    let spawn = || {
        Process::new(&bin)
            .current_dir(dir.path())
            .args(["check", "--fix", "--format", "short"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let first = spawn();
    std::thread::sleep(Duration::from_millis(100));
    let second = spawn();
    let a = first.wait_with_output().unwrap();
    let b = second.wait_with_output().unwrap();
    let fixed = std::fs::read_to_string(&path).unwrap();
    let (_, after_body) = fixed.split_once("\n---\n").unwrap();
    assert_eq!(after_body.len(), body.len(), "the body was cut");
    assert!(
        fixed.contains(&format!("sha256: {}\n", hex(body.as_bytes()))),
        "{}{}",
        text(&a.stderr),
        text(&b.stderr)
    );
    assert_eq!(fixed.matches("sha256:").count(), 1);
}

#[test]
fn a_file_edited_after_it_was_read_is_not_overwritten() {
    let dir = copy_fixture("clean");
    let (path, _) = big_source(dir.path(), 1000);
    let opts = kblint::CheckOptions {
        config: None,
        cwd: dir.path().to_path_buf(),
        mode: kblint::Mode::WorkTree,
        paths: Vec::new(),
        rules: Vec::new(),
    };
    let report = kblint::check_kb(&opts).unwrap();
    // Someone saves the file between the lint and the fix.
    let edited = "---\nid: big\ntitle: Big, edited\n---\nNew words.\n";
    std::fs::write(&path, edited).unwrap();
    let outcome = kblint::fix::apply(&report, false).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
    assert!(
        outcome
            .declined
            .iter()
            .any(|l| l.contains("kb/sources/big.md") && l.contains("changed since kblint read it")),
        "{:?}",
        outcome.declined
    );
    assert!(outcome.applied.is_empty());
}

#[test]
fn fixed_counts_only_findings_that_now_pass() {
    let dir = copy_fixture("quote-not-found/near-miss");
    let out = kblint(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stderr).contains("fixed 1 finding"),
        "{}",
        text(&out.stderr)
    );
    assert!(!dir.path().join(".kblint-fix.lock").exists());
}

#[test]
fn permissions_are_kept() {
    use std::os::unix::fs::PermissionsExt;
    let dir = copy_fixture("clean");
    let (path, _) = big_source(dir.path(), 1000);
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = kblint(dir.path(), &["check", "--fix"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&path).unwrap().contains("sha256: "));
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
}

#[test]
fn a_toml_source_gets_its_digest() {
    let dir = copy_fixture("clean");
    let path = dir.path().join("kb/sources/big.md");
    let body = "Some retrieved words.\n";
    std::fs::write(
        &path,
        format!("+++\nid = \"big\"\ntitle = \"Big\"\n+++\n{body}"),
    )
    .unwrap();
    let out = kblint(dir.path(), &["check", "--fix"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert!(
        fixed.contains(&format!("sha256 = \"{}\"", hex(body.as_bytes()))),
        "{fixed}"
    );
    assert!(text(&out.stderr).contains("recorded 1 digest"));
}
