//! kblint on real frontmatter nobody here wrote: the 464 product pages of endoflife.date with
//! the project's own JSON Schema (whose `$schema` is the generic draft URI), copied with its
//! licence into `tests/realworld/endoflife/`.

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

/// How many product pages have at least one schema finding. Established independently with the
/// Python `jsonschema` package (4.26, draft 2020-12, formats asserted with `rfc3987` installed so
/// that `format: uri` is checked) by `tests/realworld/crosscheck.py`, which printed
/// "239 files with schema findings". The schema has drifted from the data: most findings are a
/// missing `eolColumn`-style required key, or URL templates such as `{{'__LATEST__'|…}}` that
/// are not valid URIs.
const FILES_WITH_SCHEMA_FINDINGS: usize = 239;

#[test]
fn endoflife_pages_lint_without_crashing_and_every_finding_points_at_a_real_line() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld/endoflife");
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(&root)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(json["summary"]["files"], 464);
    let mut files = std::collections::BTreeSet::new();
    for d in diagnostics {
        assert_eq!(
            d["rule"], "schema",
            "only schema findings are expected: {d}"
        );
        let path = d["path"].as_str().unwrap();
        let text = std::fs::read_to_string(root.join(path)).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let line = d["line"].as_u64().unwrap() as usize;
        let column = d["column"].as_u64().unwrap() as usize;
        assert!(
            line >= 1 && line <= lines.len(),
            "{path}:{line} is past the end of the file"
        );
        let closing = lines.iter().skip(1).position(|l| *l == "---").unwrap() + 2;
        assert!(
            line <= closing,
            "{path}:{line} is outside the frontmatter (which ends on line {closing})"
        );
        assert!(
            column >= 1 && column <= lines[line - 1].chars().count().max(1),
            "{path}:{line}:{column} is past the end of the line"
        );
        files.insert(path.to_string());
    }
    assert_eq!(files.len(), FILES_WITH_SCHEMA_FINDINGS);
}

#[test]
fn a_value_in_a_finding_is_at_its_own_line_and_column() {
    // products/apache-activemq.md line 53 is `    link: https://…{{'__LATEST__'|split:'.'|last}}`.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld/endoflife");
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(&root)
        .args(["check", "--format", "short", "products/apache-activemq.md"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text
        .lines()
        .find(|l| l.contains("releases[3].link"))
        .unwrap_or_default();
    assert!(
        line.starts_with("products/apache-activemq.md:53:11: error[schema]"),
        "{text}"
    );
}

#[test]
fn mdn_frontmatter_schema_draft_7_with_if_then_else() {
    // The schema MDN Web Docs uses for ~14,000 pages (copied from its repository), with two pages
    // written here: one that passes, one with three mistakes.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld/mdn");
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(&root)
        .args(["check", "--format", "short"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "files/en-us/web/css/index.md:4:12: error[schema] `page-type`: \"css-property\" is not one of \"guide\", \"landing-page\" or 4 other candidates (in branch 26, the closest of the 29 branches of `anyOf`)\n\
         files/en-us/web/css/index.md:5:24: error[schema] `status[1]`: \"obsolete\" is not one of \"deprecated\", \"experimental\" or \"non-standard\"\n\
         files/en-us/web/css/index.md:7:1: error[schema] unexpected property `foo`\n"
    );
}

#[test]
fn endoflife_unions_point_at_the_value_and_name_the_closest_branch() {
    // 282 of the 533 findings on endoflife once read "not valid under any of the schemas listed
    // in the 'oneOf' keyword", spanning a whole value. Now none does: each is at the closest
    // branch's failing value, and names the branch.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/realworld/endoflife");
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(&root)
        .args(["check", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    let unions: Vec<&Value> = diagnostics
        .iter()
        .filter(|d| {
            let m = d["message"].as_str().unwrap();
            m.contains("branches of `oneOf`") || m.contains("branches of `anyOf`")
        })
        .collect();
    assert!(unions.len() > 100, "{} union findings", unions.len());
    for d in diagnostics {
        let m = d["message"].as_str().unwrap();
        assert!(!m.contains("not valid under any of the schemas"), "{d}");
    }
    // products/apache-activemq.md line 53: a URL template in `link` (`oneOf` a URI or null).
    let link = unions
        .iter()
        .find(|d| d["path"] == "products/apache-activemq.md" && d["line"] == 53)
        .expect("the finding on apache-activemq.md line 53");
    assert_eq!(link["column"], 11, "{link}");
    let m = link["message"].as_str().unwrap();
    assert!(
        m.starts_with("`releases[3].link`: ")
            && m.contains("is not a \"uri\"")
            && m.contains("branch 1, the closest of the 2 branches of `oneOf`"),
        "{m}"
    );
}
