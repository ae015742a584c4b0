//! Suppressions and the baseline through the real binary: `--fix` on unused suppressions,
//! `--show-suppressed`, `--statistics`, the summary's counts, SARIF, PATHs outside the KB, and
//! the baseline with `--changed-since`.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn kblint(dir: &Path, args: &[&str]) -> (i32, String, String) {
    crate::common::kblint_isolated(dir, args)
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A KB with a notes collection whose schema wants `year` to be an integer.
fn kb() -> tempfile::TempDir {
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
        r#"{"type": "object", "properties": {"year": {"type": "integer"}}}"#,
    )
    .unwrap();
    tmp
}

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[test]
fn fix_removes_unused_suppressions_and_not_one_byte_more() {
    let tmp = kb();
    let dir = tmp.path();
    let clean = "---\r\nid: a\r\ntitle: \"A # title\"\r\nyear: 2024\r\ntags:\r\n  - x\r\n---\r\nBody # kblint-allow schema -- not frontmatter\r\n";
    let commented = "---\r\nid: a   # kblint-allow schema -- was a number once\r\n# kblint-allow-file schema -- imported\r\ntitle: \"A # title\"\r\n  # kblint-allow schema -- standalone, indented\r\nyear: 2024\t# kblint-allow schema -- tab before\r\ntags:\r\n  - x # kblint-allow schema -- list item\r\n---\r\nBody # kblint-allow schema -- not frontmatter\r\n";
    write(dir, "notes/a.md", commented);
    let (code, stdout, _) = kblint(dir, &["check", "--format", "short"]);
    assert_eq!(code, 0, "{stdout}");
    assert_eq!(
        stdout.matches("warning[unused-suppression]").count(),
        5,
        "{stdout}"
    );
    let (code, _, stderr) = kblint(dir, &["check", "--fix"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("fixed 5 findings"), "{stderr}");
    let fixed = std::fs::read_to_string(dir.join("notes/a.md")).unwrap();
    assert_eq!(fixed, clean);
}

#[test]
fn suppressed_findings_are_counted_listed_with_reasons_and_left_out_of_sarif() {
    let tmp = kb();
    let dir = tmp.path();
    write(
        dir,
        "notes/a.md",
        "---\nyear: \"2024\"   # kblint-allow schema -- the importer writes strings\n---\n",
    );
    write(dir, "notes/b.md", "---\nyear: \"2025\"\n---\n");
    let (code, stdout, _) = kblint(dir, &["check", "--format", "json"]);
    assert_eq!(code, 1);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["summary"]["errors"], 1);
    assert_eq!(json["summary"]["infos"], 0);
    assert_eq!(json["summary"]["suppressed"], 1);
    assert!(json.get("suppressed").is_none(), "listed only when asked");

    let (_, stdout, _) = kblint(dir, &["check", "--format", "json", "--show-suppressed"]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    let hidden = json["suppressed"].as_array().unwrap();
    assert_eq!(hidden.len(), 1);
    assert_eq!(hidden[0]["path"], "notes/a.md");
    assert_eq!(hidden[0]["reason"], "the importer writes strings");

    let (_, stdout, _) = kblint(dir, &["check", "--show-suppressed", "--color", "never"]);
    assert!(
        stdout.contains("= suppressed: the importer writes strings"),
        "{stdout}"
    );
    assert!(
        stdout.contains("1 error, 0 warnings, 1 suppressed"),
        "{stdout}"
    );

    let (_, stdout, _) = kblint(dir, &["check", "--format", "sarif"]);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1);
    assert_eq!(
        results[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "notes/b.md"
    );
}

#[test]
fn statistics_count_findings_per_rule_and_collection() {
    let tmp = kb();
    let dir = tmp.path();
    let config = std::fs::read_to_string(dir.join("kblint.toml")).unwrap();
    write(
        dir,
        "kblint.toml",
        &format!(
            "{config}\n[collections.drafts]\ninclude = [\"drafts/*.md\"]\n\n[rules]\nuncited-claim = \"warn\"\n"
        ),
    );
    write(dir, "notes/a.md", "---\nyear: x\n---\n");
    write(dir, "notes/b.md", "---\nyear: y\n---\n");
    write(
        dir,
        "drafts/c.md",
        "---\nclaims:\n  - id: c\n    text: t\n---\n",
    );
    let (code, stdout, _) = kblint(dir, &["check", "--statistics"]);
    assert_eq!(code, 1);
    assert_eq!(
        stdout,
        "2  schema         error\n1  uncited-claim  warning\nby collection:\n2  notes\n1  drafts\n2 errors, 1 warnings, 0 infos (3 files)\n"
    );
    let (_, stdout, _) = kblint(dir, &["check", "--statistics", "--format", "json"]);
    let json: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["statistics"]["rules"][0]["rule"], "schema");
    assert_eq!(json["statistics"]["rules"][0]["count"], 2);
    assert_eq!(json["statistics"]["collections"][1]["collection"], "drafts");
    assert_eq!(json["summary"]["errors"], 2);
}

#[test]
fn a_path_outside_the_kb_is_said_so() {
    let tmp = kb();
    let dir = tmp.path();
    git(dir, &["init", "--quiet"]);
    write(dir, ".gitignore", "build/\n");
    write(dir, "notes/a.md", "---\nyear: 1\n---\n");
    write(dir, "stray.md", "---\nyear: x\n---\n");
    write(dir, "build/out.md", "---\nyear: x\n---\n");
    let (code, stdout, stderr) = kblint(dir, &["check", "stray.md"]);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stderr
            .contains("`stray.md` is not part of the KB: no collection of the config includes it"),
        "{stderr}"
    );
    let (_, _, stderr) = kblint(dir, &["check", "build/out.md"]);
    assert!(
        stderr.contains("`build/out.md` is not part of the KB: git ignores it"),
        "{stderr}"
    );
    let (_, _, stderr) = kblint(dir, &["check", "notes/a.md"]);
    assert!(!stderr.contains("not part of the KB"), "{stderr}");
}

#[test]
fn changed_since_reads_the_baseline_on_both_sides() {
    let tmp = kb();
    let dir = tmp.path();
    git(dir, &["init", "--quiet", "--initial-branch=main"]);
    write(dir, "notes/a.md", "---\nyear: x\n---\n");
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "-m", "one finding"]);
    // A branch adopts kblint: the baseline is new on this side only.
    git(dir, &["checkout", "--quiet", "-b", "adopt"]);
    assert_eq!(kblint(dir, &["baseline"]).0, 0);
    write(dir, "notes/b.md", "---\nyear: y\n---\n");
    let (code, stdout, _) = kblint(
        dir,
        &["check", "--changed-since", "main", "--format", "short"],
    );
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("notes/b.md:2:7: error[schema]"),
        "{stdout}"
    );
    git(dir, &["add", "--all"]);
    git(dir, &["commit", "--quiet", "-m", "baseline"]);
    // The base has the baseline too: emptying it brings back the finding it parked (new
    // here), while `b.md`'s finding was already reported at the base (not new).
    git(dir, &["checkout", "--quiet", "-b", "later"]);
    write(
        dir,
        "kblint-baseline.json",
        "{\"version\": 1, \"findings\": []}\n",
    );
    let (code, stdout, _) = kblint(
        dir,
        &["check", "--changed-since", "adopt", "--format", "short"],
    );
    assert_eq!(code, 1);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        stdout.starts_with("notes/a.md:2:7: error[schema]"),
        "{stdout}"
    );
}

#[test]
fn a_broken_baseline_is_a_usage_error_naming_its_line() {
    let tmp = kb();
    let dir = tmp.path();
    write(dir, "notes/a.md", "---\nyear: 1\n---\n");
    write(
        dir,
        "kblint-baseline.json",
        "{\n  \"version\": 1,\n  \"findings\": [oops]\n}\n",
    );
    let (code, _, stderr) = kblint(dir, &["check"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("kblint-baseline.json:3:"), "{stderr}");
    write(
        dir,
        "kblint.toml",
        "baseline = \"lint/parked.json\"\n[collections.notes]\ninclude = [\"notes/*.md\"]\n",
    );
    let (code, said, _) = kblint(dir, &["baseline"]);
    assert_eq!(code, 0);
    assert!(
        said.contains("wrote lint/parked.json: 0 findings"),
        "{said}"
    );
    assert!(dir.join("lint/parked.json").is_file());
}
