//! Scenarios on real git repositories, made by each test with the `git` CLI: `--staged` (also
//! through a real pre-commit hook and a partial commit), `--changed-since`, and the `sarif` and
//! `github` formats that CI consumes.
//!
//! Every repository is a small KB written by [`Kb::new`]: one source with its `sha256`, and one
//! entry whose claim cites it with a verbatim quote. Git runs with no global or system config, so
//! the tests behave the same on a fresh machine as on a developer's.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tempfile::TempDir;

const BODY: &str = "The product owner maximises the value of the product and the work of the team.\n\
The team decides how to turn the backlog into a working increment.\n";
const GOOD_QUOTE: &str = "The product owner maximises the value of the product";
const FABRICATED_QUOTE: &str = "The product owner decides how the team works";

/// A git repository holding a small KB, committed on `main`.
struct Kb {
    dir: TempDir,
}

impl Kb {
    fn new() -> Kb {
        let kb = Kb {
            dir: tempfile::tempdir().unwrap(),
        };
        kb.git(&["init", "--quiet", "--initial-branch=main"]);
        kb.write(
            "kblint.toml",
            "[collections.entries]\ninclude = [\"kb/entries/**/*.md\"]\nschema = \"schema/entry.schema.json\"\n\n\
             [collections.sources]\ninclude = [\"kb/sources/**/*.md\"]\nsources = true\n",
        );
        kb.write("schema/entry.schema.json", &entry_schema(&[]));
        kb.write("kb/sources/guide.md", &source("guide", BODY));
        kb.write(
            "kb/entries/po.md",
            &entry("po", "Product owner", GOOD_QUOTE),
        );
        kb.commit_all("a clean KB");
        kb
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    /// Runs git in the repository and returns its output, whatever the exit status.
    fn git_output(&self, args: &[&str]) -> Output {
        git_command(self.path()).args(args).output().unwrap()
    }

    /// Runs git in the repository; it must succeed.
    fn git(&self, args: &[&str]) -> String {
        let out = self.git_output(args);
        assert!(
            out.status.success(),
            "git {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn commit_all(&self, message: &str) {
        self.git(&["add", "--all"]);
        self.git(&["commit", "--quiet", "-m", message]);
    }

    fn commit_count(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"])
            .trim()
            .parse()
            .unwrap()
    }

    /// `kblint ARGS` in the repository; returns the exit code, standard output and standard error.
    fn kblint(&self, args: &[&str]) -> (i32, String, String) {
        let out = kblint_command(self.path()).args(args).output().unwrap();
        let code = out.status.code().expect("kblint was killed by a signal");
        (
            code,
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// The diagnostics of `kblint check ARGS --format json`, as (rule, path) pairs, and the exit code.
    fn findings(&self, args: &[&str]) -> (i32, Vec<(String, String)>) {
        let mut all = vec!["check", "--format", "json"];
        all.extend_from_slice(args);
        let (code, stdout, stderr) = self.kblint(&all);
        assert!(
            code == 0 || code == 1,
            "kblint {} exited {code}:\n{stderr}",
            all.join(" ")
        );
        let json: Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}):\n{stdout}"));
        let found = json["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                (
                    d["rule"].as_str().unwrap().to_string(),
                    d["path"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        (code, found)
    }
}

fn entry(id: &str, title: &str, quote: &str) -> String {
    format!(
        "---\nid: {id}\ntitle: {title}\nclaims:\n  - id: value\n    text: The {title} is accountable for value.\n    cites:\n      - source: guide\n        quote: \"{quote}\"\n---\n\n# {title}\n"
    )
}

fn source(id: &str, body: &str) -> String {
    let digest: String = Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("---\nid: {id}\nsha256: {digest}\n---\n{body}")
}

fn entry_schema(required: &[&str]) -> String {
    let required: Vec<String> = required.iter().map(|r| format!("\"{r}\"")).collect();
    format!(
        "{{\n  \"type\": \"object\",\n  \"required\": [{}],\n  \"properties\": {{ \"title\": {{ \"type\": \"string\" }}, \"summary\": {{ \"type\": \"string\" }} }}\n}}\n",
        required.join(", ")
    )
}

/// git with a clean, predictable environment: no user or system config, a fixed identity, and
/// none of the variables that a hook running these tests would have set.
fn git_command(dir: &Path) -> std::process::Command {
    let mut git = std::process::Command::new("git");
    git.current_dir(dir);
    clean_env(&mut git);
    git
}

fn kblint_command(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("kblint").unwrap();
    cmd.current_dir(dir);
    for (key, value) in git_env() {
        cmd.env(key, value);
    }
    for key in GIT_LOCAL_VARS {
        cmd.env_remove(key);
    }
    cmd.env("NO_COLOR", "1");
    cmd
}

const GIT_LOCAL_VARS: &[&str] = &[
    "GIT_DIR",
    "GIT_INDEX_FILE",
    "GIT_WORK_TREE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_PREFIX",
];

fn git_env() -> Vec<(&'static str, &'static str)> {
    vec![
        ("GIT_CONFIG_GLOBAL", "/dev/null"),
        ("GIT_CONFIG_NOSYSTEM", "1"),
        ("GIT_AUTHOR_NAME", "Test Author"),
        ("GIT_AUTHOR_EMAIL", "author@example.com"),
        ("GIT_COMMITTER_NAME", "Test Committer"),
        ("GIT_COMMITTER_EMAIL", "committer@example.com"),
        ("GIT_TERMINAL_PROMPT", "0"),
    ]
}

fn clean_env(cmd: &mut std::process::Command) {
    for (key, value) in git_env() {
        cmd.env(key, value);
    }
    for key in GIT_LOCAL_VARS {
        cmd.env_remove(key);
    }
}

fn kblint_bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("kblint")
}

// ── --staged ────────────────────────────────────────────────────────────────────────────────

#[test]
fn staged_fabricated_quote_fails_while_the_work_tree_is_good() {
    let kb = Kb::new();
    let good = entry("po", "Product owner", GOOD_QUOTE);
    kb.write(
        "kb/entries/po.md",
        &entry("po", "Product owner", FABRICATED_QUOTE),
    );
    kb.git(&["add", "kb/entries/po.md"]);
    kb.write("kb/entries/po.md", &good);

    let (code, found) = kb.findings(&["--staged"]);
    assert_eq!(code, 1, "the staged quote is fabricated");
    assert_eq!(
        found,
        [(
            "quote-not-found".to_string(),
            "kb/entries/po.md".to_string()
        )]
    );

    let (code, found) = kb.findings(&[]);
    assert_eq!((code, found), (0, vec![]), "the working tree is good");
}

#[test]
fn a_rejected_commit_says_when_the_fix_is_not_staged() {
    let kb = Kb::new();
    kb.write(
        "kb/entries/po.md",
        &entry("po", "Product owner", FABRICATED_QUOTE),
    );
    kb.git(&["add", "kb/entries/po.md"]);
    let (code, _, stderr) = kb.kblint(&["check", "--staged", "--format", "short"]);
    assert_eq!(code, 1);
    assert!(
        !stderr.contains("not staged"),
        "nothing unstaged yet: {stderr}"
    );
    // The author fixes the quote in the editor but does not `git add` it.
    kb.write(
        "kb/entries/po.md",
        &entry("po", "Product owner", GOOD_QUOTE),
    );
    let (code, _, stderr) = kb.kblint(&["check", "--staged", "--format", "short"]);
    assert_eq!(code, 1, "the index still holds the fabricated quote");
    assert!(
        stderr.contains("`kb/entries/po.md` has changes that are not staged")
            && stderr.contains("`git add kb/entries/po.md`"),
        "{stderr}"
    );
}

#[test]
fn staged_good_quote_passes_while_the_work_tree_is_bad() {
    let kb = Kb::new();
    kb.write(
        "kb/entries/po.md",
        &entry("po", "Product owner", FABRICATED_QUOTE),
    );

    let (code, found) = kb.findings(&["--staged"]);
    assert_eq!(
        (code, found),
        (0, vec![]),
        "the index still holds the committed, good entry"
    );

    let (code, found) = kb.findings(&[]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [(
            "quote-not-found".to_string(),
            "kb/entries/po.md".to_string()
        )]
    );
}

#[test]
fn staged_reads_sources_schemas_and_config_from_the_index() {
    let kb = Kb::new();
    // Staged: a source whose body no longer holds the quote, and a schema that wants a summary.
    kb.write(
        "kb/sources/guide.md",
        &source("guide", "The team owns the backlog.\n"),
    );
    kb.write("schema/entry.schema.json", &entry_schema(&["summary"]));
    kb.git(&["add", "--all"]);
    // The working tree gets the committed, good files back.
    kb.write("kb/sources/guide.md", &source("guide", BODY));
    kb.write("schema/entry.schema.json", &entry_schema(&[]));
    assert_eq!(
        kb.git(&["diff", "--cached", "--name-only"]),
        "kb/sources/guide.md\nschema/entry.schema.json\n"
    );
    assert_eq!(
        kb.git(&["diff", "--name-only"]),
        "kb/sources/guide.md\nschema/entry.schema.json\n"
    );

    let (code, mut found) = kb.findings(&["--staged"]);
    found.sort();
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [
            (
                "quote-not-found".to_string(),
                "kb/entries/po.md".to_string()
            ),
            ("schema".to_string(), "kb/entries/po.md".to_string())
        ]
    );
    assert_eq!(kb.findings(&[]), (0, vec![]));

    // A config that exists only in the working tree is not used by --staged.
    kb.git(&["rm", "--cached", "--quiet", "kblint.toml"]);
    let (code, _, stderr) = kb.kblint(&["check", "--staged"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("kblint.toml") && stderr.contains("index"),
        "{stderr}"
    );
}

#[test]
fn staged_outside_a_git_repository_is_a_usage_error() {
    let outer = tempfile::tempdir().unwrap();
    let dir = outer.path().join("kb");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(
        dir.join("kblint.toml"),
        "[collections.entries]\ninclude = [\"kb/**/*.md\"]\n",
    )
    .unwrap();
    let out = kblint_command(&dir)
        // Stop git from finding a repository above the temporary folder.
        .env("GIT_CEILING_DIRECTORIES", outer.path())
        .args(["check", "--staged"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--staged") && stderr.contains("not inside a git repository"),
        "unclear message: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");
}

// ── the pre-commit hook ─────────────────────────────────────────────────────────────────────

/// `git commit` with the built kblint first on PATH, as an installed kblint would be.
fn commit_through_hook(kb: &Kb, args: &[&str]) -> Output {
    git_command(kb.path())
        .env("PATH", path_with_kblint())
        .arg("commit")
        .args(args)
        .output()
        .unwrap()
}

/// PATH with the folder of the built kblint first.
fn path_with_kblint() -> std::ffi::OsString {
    let bin_dir = kblint_bin().parent().unwrap().to_path_buf();
    std::env::join_paths(std::iter::once(bin_dir).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap()
}

#[test]
fn hook_install_writes_a_pre_commit_hook_and_refuses_to_overwrite_it() {
    let kb = Kb::new();
    let (code, stdout, stderr) = kb.kblint(&["hook", "install"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("pre-commit"), "{stdout}");
    let hook = std::fs::read_to_string(kb.path().join(".git/hooks/pre-commit")).unwrap();
    assert!(hook.contains("kblint check --staged"), "{hook}");
    let (code, _, stderr) = kb.kblint(&["hook", "install"]);
    assert_eq!(
        code, 2,
        "a second install must not silently replace the hook"
    );
    assert!(stderr.contains("--force"), "{stderr}");
    assert_eq!(kb.kblint(&["hook", "install", "--force"]).0, 0);
}

#[test]
fn hook_install_never_writes_through_a_link_in_a_tracked_hooks_folder() {
    use std::os::unix::fs::PermissionsExt;
    let kb = Kb::new();
    let outside = tempfile::tempdir().unwrap();
    let victim = outside.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").unwrap();
    std::fs::set_permissions(&victim, std::fs::Permissions::from_mode(0o600)).unwrap();
    let created = outside.path().join("created-by-kblint");
    // A tracked hooks folder, as husky sets up, whose committed `pre-commit` is a link.
    kb.git(&["config", "core.hooksPath", ".githooks"]);
    std::fs::create_dir_all(kb.path().join(".githooks")).unwrap();
    for target in [&created, &victim] {
        let link = kb.path().join(".githooks/pre-commit");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(target, &link).unwrap();
        let (code, _, stderr) = kb.kblint(&["hook", "install"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains("already exists"), "{stderr}");
        assert!(!created.exists());
        // `--force` replaces the link by the hook and leaves what it named alone.
        let (code, _, stderr) = kb.kblint(&["hook", "install", "--force"]);
        assert_eq!(code, 0, "{stderr}");
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(meta.is_file() && meta.permissions().mode() & 0o111 != 0);
        assert!(!created.exists());
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious\n");
        assert_eq!(
            std::fs::metadata(&victim).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A hooks folder that is itself a link to somewhere else: nothing is written there.
    std::fs::remove_dir_all(kb.path().join(".githooks")).unwrap();
    std::os::unix::fs::symlink(outside.path(), kb.path().join(".githooks")).unwrap();
    std::fs::remove_file(&victim).unwrap();
    let (code, _, stderr) = kb.kblint(&["hook", "install", "--force"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(!outside.path().join("pre-commit").exists());
}

#[test]
fn a_file_added_with_intent_to_add_is_not_in_what_is_staged() {
    let kb = Kb::new();
    // `git add -N`: the index holds an empty blob that the commit will not hold.
    kb.write("kb/entries/draft.md", "---\nid: draft\ntitle: 7\n---\n");
    kb.git(&["add", "-N", "kb/entries/draft.md"]);
    let (code, stdout, stderr) = kb.kblint(&["check", "--staged", "--format", "short"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(!stdout.contains("draft.md"), "{stdout}");
    // The commit goes through the hook; once really staged, the file is linted.
    assert_eq!(kb.kblint(&["hook", "install"]).0, 0);
    kb.write("kb/entries/other.md", "---\nid: other\ntitle: Other\n---\n");
    kb.git(&["add", "kb/entries/other.md"]);
    let commit = commit_through_hook(&kb, &["-m", "other"]);
    assert!(
        commit.status.success(),
        "{}",
        String::from_utf8_lossy(&commit.stderr)
    );
    kb.git(&["add", "kb/entries/draft.md"]);
    let (code, stdout, _) = kb.kblint(&["check", "--staged", "--format", "short"]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("kb/entries/draft.md"), "{stdout}");
    // An empty file that is really staged is still linted as empty.
    kb.write("kb/entries/empty.md", "");
    kb.git(&["add", "kb/entries/empty.md"]);
    let (_, stdout, _) = kb.kblint(&["check", "--staged", "--format", "short"]);
    assert!(stdout.contains("kb/entries/empty.md"), "{stdout}");
}

#[test]
fn an_entry_that_is_a_symbolic_link_is_named_not_dropped() {
    let kb = Kb::new();
    kb.write("notes/real.md", "---\nid: linked\ntitle: Linked\n---\n");
    std::os::unix::fs::symlink(
        "../../notes/real.md",
        kb.path().join("kb/entries/linked.md"),
    )
    .unwrap();
    std::os::unix::fs::symlink("notes/real.md", kb.path().join("readme-link.md")).unwrap();
    kb.git(&["add", "--all"]);
    for args in [&["check"][..], &["check", "--staged"]] {
        let (code, _, stderr) = kb.kblint(args);
        assert_eq!(code, 0, "{args:?}: {stderr}");
        assert!(
            stderr.contains("`kb/entries/linked.md` is a symbolic link; not read"),
            "{args:?}: {stderr}"
        );
        // A link outside every collection is nobody's business.
        assert!(!stderr.contains("readme-link.md"), "{args:?}: {stderr}");
    }
}

#[test]
fn partial_commit_is_checked_through_the_real_hook() {
    let kb = Kb::new();
    kb.write(
        "kb/entries/sm.md",
        &entry(
            "sm",
            "Scrum master",
            "The team decides how to turn the backlog into a working increment",
        ),
    );
    kb.commit_all("a second entry");
    assert_eq!(kb.kblint(&["hook", "install"]).0, 0);

    // 1. `.git/index` holds a fabricated quote in po.md, but the partial commit takes only sm.md
    //    (a good edit): git runs the hook on a temporary index (GIT_INDEX_FILE) without po.md's
    //    staged change, so the commit goes through.
    kb.write(
        "kb/entries/po.md",
        &entry("po", "Product owner", FABRICATED_QUOTE),
    );
    kb.git(&["add", "kb/entries/po.md"]);
    kb.write(
        "kb/entries/sm.md",
        &entry(
            "sm",
            "Scrum master",
            "The team decides how to turn the backlog",
        ),
    );
    let before = kb.commit_count();
    let out = commit_through_hook(&kb, &["-m", "shorter quote", "kb/entries/sm.md"]);
    assert!(
        out.status.success(),
        "the hook must check the partial commit, not .git/index:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(kb.commit_count(), before + 1);

    // 2. The reverse: `.git/index` is good again, but the file committed by name is bad in the
    //    working tree; the hook must reject it and show the finding.
    kb.git(&["reset", "--quiet", "--", "kb/entries/po.md"]);
    kb.git(&["checkout", "--", "kb/entries/po.md"]);
    kb.write(
        "kb/entries/sm.md",
        &entry("sm", "Scrum master", FABRICATED_QUOTE),
    );
    let out = commit_through_hook(&kb, &["-m", "fabricated", "kb/entries/sm.md"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "the hook let a fabricated quote through"
    );
    assert!(
        stderr.contains("quote-not-found") && stderr.contains("kb/entries/sm.md"),
        "the hook did not show the finding:\n{stderr}"
    );
    assert_eq!(kb.commit_count(), before + 1, "nothing was committed");

    // 3. `git commit -a` also runs the hook on a temporary index.
    let out = commit_through_hook(&kb, &["-a", "-m", "all"]);
    assert!(
        !out.status.success(),
        "`git commit -a` let a fabricated quote through"
    );
    kb.write(
        "kb/entries/sm.md",
        &entry("sm", "Scrum master", "The team decides"),
    );
    let out = commit_through_hook(&kb, &["-a", "-m", "all"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(kb.commit_count(), before + 2);
}

#[test]
fn hook_checks_a_kb_in_a_subfolder_of_the_repository() {
    // The KB lives in `docs/`; git runs hooks at the top of the work tree with a relative
    // `GIT_INDEX_FILE=.git/index`, which kblint must not read relative to `docs/`.
    let kb = Kb::new();
    for path in ["kblint.toml", "schema", "kb"] {
        std::fs::create_dir_all(kb.path().join("docs")).unwrap();
        std::fs::rename(kb.path().join(path), kb.path().join("docs").join(path)).unwrap();
    }
    kb.commit_all("move the KB to docs/");
    let docs = kb.path().join("docs");
    let out = kblint_command(&docs)
        .args(["hook", "install"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let hook = std::fs::read_to_string(kb.path().join(".git/hooks/pre-commit")).unwrap();
    assert!(
        hook.contains("kblint check --staged --quiet --config 'docs/kblint.toml'"),
        "{hook}"
    );

    kb.write(
        "docs/kb/entries/po.md",
        &entry("po", "Product owner", FABRICATED_QUOTE),
    );
    kb.git(&["add", "--all"]);
    let out = commit_through_hook(&kb, &["-m", "fabricated"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "a fabricated quote got through");
    assert!(stderr.contains("quote-not-found"), "{stderr}");

    kb.write(
        "docs/kb/entries/po.md",
        &entry("po", "Product owner", "The team decides"),
    );
    kb.git(&["add", "--all"]);
    let before = kb.commit_count();
    let out = commit_through_hook(&kb, &["-m", "good"]);
    assert!(
        out.status.success(),
        "a good commit was rejected:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(kb.commit_count(), before + 1);

    // `git --git-dir=.git --work-tree=. commit` hands the hook GIT_DIR=.git and GIT_WORK_TREE=.,
    // both relative to the top.
    kb.write(
        "docs/kb/entries/po.md",
        &entry("po", "Product owner", FABRICATED_QUOTE),
    );
    let out = commit_through_hook(&kb, &["-a", "-m", "fabricated"]);
    assert!(
        !out.status.success(),
        "a fabricated quote got through `commit -a`"
    );
    kb.write(
        "docs/kb/entries/po.md",
        &entry("po", "Product owner", "The team decides how"),
    );
    let out = git_command(kb.path())
        .env("PATH", path_with_kblint())
        .args([
            "--git-dir=.git",
            "--work-tree=.",
            "commit",
            "-a",
            "-m",
            "good",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "a good commit was rejected:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(kb.commit_count(), before + 2);
}

#[test]
fn hook_without_kblint_on_path_says_so() {
    let kb = Kb::new();
    assert_eq!(kb.kblint(&["hook", "install"]).0, 0);
    kb.write(
        "kb/entries/po.md",
        &entry("po", "Product owner", "The team decides"),
    );
    // PATH as it is, less any folder that holds a kblint.
    let path = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .filter(|dir| !dir.join("kblint").exists())
        .collect::<Vec<_>>();
    let path = std::env::join_paths(path).unwrap();
    let out = git_command(kb.path())
        .env("PATH", path)
        .args(["commit", "-a", "-m", "x"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("kblint is not on PATH"), "{stderr}");
}

// ── --changed-since ─────────────────────────────────────────────────────────────────────────

fn pair(rule: &str, path: &str) -> (String, String) {
    (rule.to_string(), path.to_string())
}

#[test]
fn changed_since_reports_exactly_what_a_two_commit_branch_introduced() {
    let kb = Kb::new();
    // Pre-existing on main: an uncited claim and a fabricated quote in old.md.
    let old = |prefix: &str, cited: bool| {
        let cites = if cited {
            "    cites:\n      - source: guide\n        quote: \"The team decides\"\n"
        } else {
            ""
        };
        format!(
            "---\nid: old\n{prefix}title: Old\nclaims:\n  - id: a\n    text: An old claim.\n{cites}  - id: b\n    text: Another old claim.\n    cites:\n      - source: guide\n        quote: \"{FABRICATED_QUOTE}\"\n---\n"
        )
    };
    kb.write("kb/entries/old.md", &old("", false));
    kb.commit_all("pre-existing findings");
    kb.git(&["checkout", "--quiet", "-b", "feature"]);

    // Commit 1: a new entry with a fabricated quote.
    kb.write(
        "kb/entries/new.md",
        &entry("new", "New", "The product owner writes every story alone"),
    );
    kb.commit_all("new entry");
    // Commit 2: lines added above the old findings (they move), and an uncited claim.
    kb.write(
        "kb/entries/old.md",
        &old(
            "aliases: [ancient]\nsummary: |\n  Three lines\n  added above\n",
            false,
        ),
    );
    let mut new = entry("new", "New", "The product owner writes every story alone");
    new = new.replace(
        "---\n\n# New",
        "  - id: bare\n    text: A claim with no evidence.\n---\n\n# New",
    );
    kb.write("kb/entries/new.md", &new);
    kb.commit_all("more");

    // Meanwhile main fixes one of the old findings: only the merge base is the branch's starting
    // point, so that fix must not make the old finding look new on the branch.
    kb.git(&["checkout", "--quiet", "main"]);
    kb.write("kb/entries/old.md", &old("", true));
    kb.commit_all("fix on main");
    kb.git(&["checkout", "--quiet", "feature"]);

    let (code, mut all) = kb.findings(&[]);
    all.sort();
    assert_eq!(code, 1);
    assert_eq!(
        all,
        [
            pair("quote-not-found", "kb/entries/new.md"),
            pair("quote-not-found", "kb/entries/old.md"),
            pair("uncited-claim", "kb/entries/new.md"),
            pair("uncited-claim", "kb/entries/old.md"),
        ]
    );

    let (code, mut new_only) = kb.findings(&["--changed-since", "main"]);
    new_only.sort();
    assert_eq!(code, 1);
    assert_eq!(
        new_only,
        [
            pair("quote-not-found", "kb/entries/new.md"),
            pair("uncited-claim", "kb/entries/new.md")
        ]
    );

    // Against the branch's own parent only the second commit's finding is new.
    let (_, since_parent) = kb.findings(&["--changed-since", "HEAD~1"]);
    assert_eq!(since_parent, [pair("uncited-claim", "kb/entries/new.md")]);

    // Nothing changed since HEAD: nothing to report, and a clean exit.
    assert_eq!(kb.findings(&["--changed-since", "HEAD"]), (0, vec![]));

    // The base was read from git objects: nothing checked out, no worktree added.
    assert_eq!(kb.git(&["status", "--porcelain"]), "");
    assert_eq!(
        kb.git(&["worktree", "list", "--porcelain"])
            .matches("worktree ")
            .count(),
        1
    );
    assert_eq!(kb.git(&["branch", "--show-current"]).trim(), "feature");
}

#[test]
fn changed_since_a_base_without_a_kb_reports_everything() {
    let dir = tempfile::tempdir().unwrap();
    git_command(dir.path())
        .args(["init", "--quiet", "--initial-branch=main"])
        .output()
        .unwrap();
    std::fs::write(dir.path().join("README.md"), "# notes\n").unwrap();
    let kb = Kb { dir };
    kb.commit_all("no KB yet");
    kb.git(&["checkout", "--quiet", "-b", "add-kb"]);
    let clean = Kb::new();
    for file in [
        "kblint.toml",
        "schema/entry.schema.json",
        "kb/sources/guide.md",
    ] {
        kb.write(
            file,
            &std::fs::read_to_string(clean.path().join(file)).unwrap(),
        );
    }
    kb.write(
        "kb/entries/po.md",
        &entry("po", "Product owner", FABRICATED_QUOTE),
    );
    kb.commit_all("a KB");
    let (code, found) = kb.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1);
    assert_eq!(found, [pair("quote-not-found", "kb/entries/po.md")]);
}

#[test]
fn changed_since_reports_a_deleted_source_in_an_untouched_entry() {
    let kb = Kb::new();
    kb.git(&["checkout", "--quiet", "-b", "drop-source"]);
    kb.git(&["rm", "--quiet", "kb/sources/guide.md"]);
    kb.commit_all("drop the guide");

    let (code, found) = kb.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1);
    assert_eq!(
        found,
        [pair("unknown-source", "kb/entries/po.md")],
        "po.md was not touched, yet its citation broke"
    );
}

#[test]
fn changed_since_reports_an_edited_source_in_an_untouched_entry() {
    let kb = Kb::new();
    kb.git(&["checkout", "--quiet", "-b", "edit-source"]);
    // The snapshot is replaced (with a matching sha256): po.md's quote no longer verifies.
    kb.write(
        "kb/sources/guide.md",
        &source("guide", "The product owner orders the backlog.\n"),
    );
    kb.commit_all("new snapshot");

    let (code, found) = kb.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1);
    assert_eq!(found, [pair("quote-not-found", "kb/entries/po.md")]);
}

#[test]
fn changed_since_follows_a_renamed_entry() {
    let kb = Kb::new();
    // An entry with no `id:` (its id is its path) that has a pre-existing finding, and another
    // entry that refers to it by that id.
    let sm = "---\ntitle: Scrum master\nclaims:\n  - id: c\n    text: The scrum master decides.\n    cites:\n      - source: guide\n        quote: \"The scrum master decides everything\"\n---\n\nA long enough body for git to see the rename.\n";
    kb.write("kb/entries/scrum-master.md", sm);
    kb.write(
        "kb/entries/team.md",
        "---\nid: team\ntitle: Team\nrelated: [scrum-master]\n---\n",
    );
    kb.commit_all("scrum master");
    assert_eq!(
        kb.findings(&[]).1,
        [pair("quote-not-found", "kb/entries/scrum-master.md")]
    );

    kb.git(&["checkout", "--quiet", "-b", "rename"]);
    std::fs::create_dir(kb.path().join("kb/entries/roles")).unwrap();
    kb.git(&[
        "mv",
        "kb/entries/scrum-master.md",
        "kb/entries/roles/scrum-master.md",
    ]);
    // --staged sees the rename before it is committed.
    let (_, staged) = kb.findings(&["--staged"]);
    assert!(
        staged.contains(&pair("quote-not-found", "kb/entries/roles/scrum-master.md")),
        "{staged:?}"
    );
    kb.commit_all("move to roles/");

    // The old finding moved with its file and is not new; the reference that the rename broke
    // (the id is now `roles/scrum-master`) is new, in a file the branch did not touch.
    let (code, found) = kb.findings(&["--changed-since", "main"]);
    assert_eq!(code, 1);
    assert_eq!(found, [pair("unresolved-reference", "kb/entries/team.md")]);
}

#[test]
fn changed_since_an_unknown_revision_is_a_usage_error() {
    let kb = Kb::new();
    let (code, stdout, stderr) = kb.kblint(&["check", "--changed-since", "no-such-branch"]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("no-such-branch"), "{stderr}");
    assert!(stdout.is_empty(), "no report on a usage error: {stdout}");
}

#[test]
fn changed_since_outside_a_git_repository_is_a_usage_error() {
    let outer = tempfile::tempdir().unwrap();
    std::fs::write(
        outer.path().join("kblint.toml"),
        "[collections.entries]\ninclude = [\"kb/**/*.md\"]\n",
    )
    .unwrap();
    let out = kblint_command(outer.path())
        .env("GIT_CEILING_DIRECTORIES", outer.path())
        .args(["check", "--changed-since", "main"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("not inside a git repository"), "{stderr}");
}

// ── output for CI ───────────────────────────────────────────────────────────────────────────

#[test]
fn github_annotations_escape_messages_and_properties() {
    let kb = Kb::new();
    // A path with `:` and `,`, which a property must escape; the nearest-passage note says `%`,
    // and the help goes on a second line, which the message must escape.
    kb.write(
        "kb/entries/a:b,c.md",
        &entry(
            "abc",
            "Odd name",
            "The product owner maximises the price of the product",
        ),
    );
    let (code, stdout, stderr) = kb.kblint(&["check", "--format", "github"]);
    assert_eq!(code, 1, "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "one workflow command per finding, each on one line:\n{stdout}"
    );
    let line = lines[0];
    assert!(
        line.starts_with("::error file=kb/entries/a%3Ab%2Cc.md,line=9,col="),
        "{line}"
    );
    assert!(line.contains(",endLine=9,endColumn="), "{line}");
    assert!(
        line.contains(",title=kblint(quote-not-found)::quote not found in source `guide`%0A"),
        "{line}"
    );
    assert!(
        !line.contains("% similar") && line.contains("%25 similar"),
        "`%` must be escaped: {line}"
    );
    assert!(
        !stderr.contains("GitHub shows"),
        "no overflow note for one finding: {stderr}"
    );
}

#[test]
fn github_format_notes_the_annotation_limit_on_stderr() {
    let kb = Kb::new();
    for n in 0..11 {
        kb.write(
            &format!("kb/entries/e{n:02}.md"),
            &entry(&format!("e{n:02}"), "Fabricated", FABRICATED_QUOTE),
        );
    }
    let (code, stdout, stderr) = kb.kblint(&["check", "--format", "github"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout.lines().filter(|l| l.starts_with("::error ")).count(),
        11,
        "every finding is printed:\n{stdout}"
    );
    assert!(
        stderr.contains("11 errors") && stderr.contains("at most 10"),
        "{stderr}"
    );
}

#[test]
fn sarif_has_rules_results_related_locations_and_fingerprints() {
    let kb = Kb::new();
    kb.write(
        "kb/entries/po.md",
        &entry(
            "po",
            "Product owner",
            "The product owner maximises the price of the product",
        ),
    );
    kb.write(
        "kb/entries/odd name.md",
        &entry("odd", "Odd", FABRICATED_QUOTE),
    );
    let (code, stdout, stderr) = kb.kblint(&["check", "--format", "sarif"]);
    assert_eq!(code, 1, "{stderr}");
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "kblint");
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), kblint::rules::RULES.len());
    for rule in rules {
        assert!(
            rule["shortDescription"]["text"]
                .as_str()
                .is_some_and(|t| !t.is_empty()),
            "{rule}"
        );
        assert!(
            rule["help"]["text"]
                .as_str()
                .is_some_and(|t| t.contains("## What it checks")),
            "help from the rule docs: {rule}"
        );
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2, "{results:#?}");
    let mut uris = Vec::new();
    let mut fingerprints = Vec::new();
    for result in results {
        let rule = &rules[result["ruleIndex"].as_u64().unwrap() as usize];
        assert_eq!(rule["id"], result["ruleId"]);
        assert_eq!(result["ruleId"], "quote-not-found");
        assert_eq!(result["level"], "error");
        let location = &result["locations"][0]["physicalLocation"];
        uris.push(
            location["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
                .to_string(),
        );
        assert_eq!(location["region"]["startLine"], 9);
        fingerprints.push(
            result["partialFingerprints"]["kblint/v1"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    // URIs are relative references, so a space is percent-encoded.
    uris.sort();
    assert_eq!(uris, ["kb/entries/odd%20name.md", "kb/entries/po.md"]);
    assert_ne!(fingerprints[0], fingerprints[1]);
    let near = results
        .iter()
        .find(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "kb/entries/po.md"
        })
        .unwrap();
    let related = near["relatedLocations"]
        .as_array()
        .expect("the nearest passage is a related location");
    // the passage and the differing words in the source, and the same words in the quote
    assert!(
        related.iter().all(|r| {
            let uri = &r["physicalLocation"]["artifactLocation"]["uri"];
            uri == "kb/sources/guide.md" || uri == "kb/entries/po.md"
        }),
        "{related:#?}"
    );
    assert_eq!(
        related[0]["physicalLocation"]["artifactLocation"]["uri"],
        "kb/sources/guide.md"
    );
    assert!(
        related[0]["message"]["text"]
            .as_str()
            .unwrap()
            .contains("% similar")
    );
}

#[test]
fn sarif_fingerprints_survive_moved_lines() {
    let kb = Kb::new();
    kb.write(
        "kb/entries/po.md",
        &entry("po", "Product owner", FABRICATED_QUOTE),
    );
    let fingerprint = |kb: &Kb| {
        let (_, stdout, _) = kb.kblint(&["check", "--format", "sarif"]);
        let sarif: Value = serde_json::from_str(&stdout).unwrap();
        let result = &sarif["runs"][0]["results"][0];
        (
            result["partialFingerprints"]["kblint/v1"]
                .as_str()
                .unwrap()
                .to_string(),
            result["locations"][0]["physicalLocation"]["region"]["startLine"].clone(),
        )
    };
    let (before, line_before) = fingerprint(&kb);
    let moved = entry("po", "Product owner", FABRICATED_QUOTE).replacen(
        "title:",
        "aliases: [PO]\nsummary: two lines\ntitle:",
        1,
    );
    kb.write("kb/entries/po.md", &moved);
    let (after, line_after) = fingerprint(&kb);
    assert_ne!(line_before, line_after, "the finding moved");
    assert_eq!(before, after, "the fingerprint did not follow it");
}

#[test]
fn annotations_and_sarif_name_paths_from_the_top_of_the_repository() {
    // GitHub resolves annotation and SARIF paths from the repository's top; a KB in `docs/`
    // gets its folder in front of every path (other formats stay relative to the KB root).
    let kb = Kb::new();
    std::fs::create_dir_all(kb.path().join("docs")).unwrap();
    for path in ["kblint.toml", "schema", "kb"] {
        std::fs::rename(kb.path().join(path), kb.path().join("docs").join(path)).unwrap();
    }
    kb.write(
        "docs/kb/entries/po.md",
        &entry("po", "Product owner", "a fabricated quote nobody wrote"),
    );
    let docs = kb.path().join("docs");
    let github = kblint_command(&docs)
        .args(["check", "--format", "github"])
        .output()
        .unwrap();
    let github = String::from_utf8_lossy(&github.stdout);
    assert!(
        github.starts_with("::error file=docs/kb/entries/po.md,"),
        "{github}"
    );
    let sarif = kblint_command(&docs)
        .args(["check", "--format", "sarif"])
        .output()
        .unwrap();
    let sarif: serde_json::Value = serde_json::from_slice(&sarif.stdout).unwrap();
    let uri = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "docs/kb/entries/po.md");
    let short = kblint_command(&docs)
        .args(["check", "--format", "short"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&short.stdout).starts_with("kb/entries/po.md:"));
}
