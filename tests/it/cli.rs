//! The command line: every output format, every exit code, colour, broken pipes, determinism.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn kblint(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn exit_codes_are_0_1_and_2() {
    assert_eq!(kblint(&fixture("clean"), &["check"]).status.code(), Some(0));
    // warnings alone do not fail the run
    assert_eq!(
        kblint(&fixture("unused-source/never-cited"), &["check"])
            .status
            .code(),
        Some(0)
    );
    assert_eq!(
        kblint(&fixture("schema/violations"), &["check"])
            .status
            .code(),
        Some(1)
    );
    assert_eq!(
        kblint(&fixture("config/unknown-key"), &["check"])
            .status
            .code(),
        Some(2)
    );
    let empty = tempfile::tempdir().unwrap();
    let out = kblint(empty.path(), &["check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no `kblint.toml` found"));
    let out = kblint(
        &fixture("clean"),
        &["check", "--config", "does-not-exist.toml"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        kblint(&fixture("clean"), &["explain", "no-such-rule"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        kblint(&fixture("clean"), &["check", "--rule", "no-such-rule=off"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn json_has_the_spec_shape() {
    let out = kblint(
        &fixture("misattributed-quote/other-source"),
        &["check", "--format", "json"],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["version"], 1);
    let d = &json["diagnostics"][0];
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "column",
            "end_column",
            "end_line",
            "fix",
            "help",
            "line",
            "message",
            "path",
            "related",
            "rule",
            "severity"
        ]
    );
    assert_eq!(d["rule"], "misattributed-quote");
    assert_eq!(d["severity"], "error");
    assert_eq!(
        (d["path"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("kb/entries/e.md"), Some(8), Some(16))
    );
    assert_eq!(d["related"][0]["path"], "kb/sources/other.md");
    assert_eq!(d["related"][0]["line"], 5);
    let summary = &json["summary"];
    assert_eq!(summary["errors"], 1);
    assert_eq!(summary["warnings"], 0);
    assert_eq!(summary["files"], 4);
    assert_eq!(summary["entries"], 4);
    assert_eq!(summary["claims"], 2);
    assert_eq!(summary["citations"], 3);
}

#[test]
fn short_human_sarif_and_github_formats() {
    let dir = fixture("quote-not-found/near-miss");
    let short = String::from_utf8(kblint(&dir, &["check", "--format", "short"]).stdout).unwrap();
    assert_eq!(
        short,
        "kb/entries/e.md:8:16: error[quote-not-found] quote not found in source `guide`\n"
    );
    let human = String::from_utf8(kblint(&dir, &["check", "--color", "never"]).stdout).unwrap();
    assert!(human.contains("nearest passage, 94% similar"), "{human}");
    assert!(
        human.contains("the source reads `whole`, the quote has `entire`"),
        "{human}"
    );
    assert!(!human.contains('\u{1b}'), "no colour when asked for none");
    let sarif: Value =
        serde_json::from_slice(&kblint(&dir, &["check", "--format", "sarif"]).stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "quote-not-found");
    assert!(
        result["partialFingerprints"]
            .as_object()
            .is_some_and(|f| !f.is_empty())
    );
    assert!(!result["relatedLocations"].as_array().unwrap().is_empty());
    let github = String::from_utf8(kblint(&dir, &["check", "--format", "github"]).stdout).unwrap();
    // paths are given from the top of the repository holding the KB (here: this one)
    assert!(
        github.starts_with("::error file=")
            && github.contains("kb/entries/e.md,line=8,col=16,endLine=8,endColumn="),
        "{github}"
    );
    assert!(
        github.contains("title=kblint(quote-not-found)::quote not found"),
        "{github}"
    );
    assert_eq!(
        github.lines().count(),
        1,
        "a message's line breaks are escaped: {github}"
    );
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let dir = fixture("schema/violations");
    let always = kblint(&dir, &["check", "--color", "always"]).stdout;
    assert!(
        always.contains(&0x1b),
        "--color always colours even into a pipe"
    );
    let auto = kblint(&dir, &["check"]).stdout;
    assert!(!auto.contains(&0x1b), "auto gives no colour into a pipe");
    let no_color = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .args(["check"])
        .output()
        .unwrap();
    assert!(!no_color.stdout.contains(&0x1b));
}

#[test]
fn paths_narrow_the_findings_shown() {
    let dir = fixture("duplicate-id/ids-and-aliases");
    let all = String::from_utf8(kblint(&dir, &["check", "--format", "short"]).stdout).unwrap();
    assert_eq!(all.lines().count(), 2);
    let one =
        String::from_utf8(kblint(&dir, &["check", "--format", "short", "kb/entries/c.md"]).stdout)
            .unwrap();
    assert_eq!(
        one,
        "kb/entries/c.md:3:11: error[duplicate-id] alias `PO` is already the alias of `kb/entries/a.md`\n"
    );
    let folder = kblint(&dir, &["check", "--format", "short", "kb"]);
    assert_eq!(String::from_utf8(folder.stdout).unwrap(), all);
}

#[test]
fn output_is_byte_identical_from_run_to_run() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld/endoflife");
    let first = kblint(&dir, &["check", "--format", "json"]).stdout;
    for _ in 0..3 {
        assert!(first == kblint(&dir, &["check", "--format", "json"]).stdout);
    }
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let bin = assert_cmd::cargo::cargo_bin("kblint");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld/endoflife");
    let out = std::process::Command::new("sh")
        .current_dir(&dir)
        .arg("-c")
        .arg(format!(
            "'{}' check --color never | head -n 1; echo \"status=${{PIPESTATUS:-}}\"",
            bin.display()
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("panicked") && !stderr.contains("Broken pipe"),
        "{stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 2);
}

#[test]
fn rules_and_explain() {
    let out = String::from_utf8(kblint(&fixture("clean"), &["rules"]).stdout).unwrap();
    assert_eq!(out.lines().count(), kblint::rules::RULES.len());
    assert!(
        out.lines()
            .any(|l| l.starts_with("acknowledged-dispute") && l.contains(" off "))
    );
    let explain =
        String::from_utf8(kblint(&fixture("clean"), &["explain", "quote-not-found"]).stdout)
            .unwrap();
    assert!(
        explain.contains("## What it checks") && explain.contains("md fires"),
        "{explain}"
    );
}

/// A misspelt command, rule or collection name is answered with the nearest real one, and exit 2.
#[test]
fn misspelt_names_get_did_you_mean() {
    let clean = fixture("clean");
    let cases: [(&[&str], &str); 4] = [
        (
            &["chek"],
            "`chek` is neither a command nor a file or folder; did you mean `check`?",
        ),
        (
            &["explain", "quote-notfound"],
            "unknown rule `quote-notfound`; did you mean `quote-not-found`?",
        ),
        (
            &["check", "--rule", "unused-sorce=off"],
            "unknown rule `unused-sorce`; did you mean `unused-source`?",
        ),
        (
            &["--rule", "quote-not-fond=warn"],
            "did you mean `quote-not-found`?",
        ),
    ];
    for (args, said) in cases {
        let out = kblint(&clean, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(said), "{args:?}: {err}");
    }
    // A word far from every command is still read as a path that does not exist.
    let out = kblint(&clean, &["zzzzzzzz"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(!err.contains("did you mean"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kblint.toml"),
        "[collections.notes]\ninclude = [\"*.md\"]\n\n[rules]\nunused-sorce = \"off\"\n",
    )
    .unwrap();
    let out = kblint(dir.path(), &["check"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "kblint.toml:5: unknown rule `unused-sorce` in [rules]; did you mean `unused-source`?"
        ),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("kblint.toml"),
        "[collections.sources]\ninclude = [\"sources/*.md\"]\nsources = true\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("doc.txt"), "Some text to cite.\n").unwrap();
    let out = kblint(
        dir.path(),
        &["source", "add", "doc.txt", "--collection", "sorces"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no collection `sorces` in the config (did you mean `sources`?)"),
        "{err}"
    );
}
