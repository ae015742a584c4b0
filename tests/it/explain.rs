//! Every rule's documentation holds an example that fires it and one that does not, and both
//! are true: each example is written into a small KB and linted by the real binary.
//!
//! An example is a fenced block with the info string `md fires` or `md passes`, holding one or
//! more files, each introduced by a line `==> path <==`. It is added to [`BASE`], a KB with the
//! collections `entries` and `sources`, a vocabulary and the source `guide`, and linted with
//! `--rule <rule>=error` (so that rules off by default run too).
//!
//! The test also keeps `docs/rules.md` equal to what `kblint explain` prints for every rule;
//! `UPDATE_DOCS=1 cargo test --test it explain::` rewrites it.

use std::path::Path;
use std::process::Command;

/// The KB every example is added to: path and text of each file.
const BASE: &[(&str, &str)] = &[
    (
        "kblint.toml",
        r#"vocabulary = "schema/vocabulary.yaml"

[collections.entries]
include = ["kb/entries/**/*.md"]
schema = "schema/entry.schema.json"

[collections.sources]
include = ["kb/sources/**/*.md"]
sources = true
"#,
    ),
    (
        "schema/entry.schema.json",
        r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["id"],
  "properties": { "title": { "type": "string" } }
}
"#,
    ),
    (
        "schema/vocabulary.yaml",
        r#"properties:
  orientation:
    kind: single
    values: [strategic, tactical]
  stakeholders:
    kind: multi
    values: [internal, external]
  focus:
    kind: multi
    values: [strategic, tactical, technical]
    contrary: [[strategic, tactical]]
  seniority:
    kind: order
  team-size:
    kind: quantity
    unit: people
    tolerance: 1
"#,
    ),
    (
        "kb/sources/guide.md",
        r#"---
id: guide
---
A short guide to product roles.

Product owners are more tactical. Product managers are more strategic.
"#,
    ),
];

#[test]
fn every_rule_has_examples_that_fire_and_pass_as_they_say() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for rule in kblint::rules::RULES {
        let examples = examples(rule.docs);
        for kind in [Kind::Fires, Kind::Passes] {
            if !examples.iter().any(|e| e.kind == kind) {
                problems.push(format!(
                    "`{}`: its docs have no ```md {} example",
                    rule.name,
                    kind.word()
                ));
            }
        }
        for example in &examples {
            checked += 1;
            let found = match findings(rule.name, &example.files) {
                Ok(found) => found,
                Err(e) => {
                    problems.push(format!(
                        "`{}`, example that {}: {e}",
                        rule.name,
                        example.kind.word()
                    ));
                    continue;
                }
            };
            let (own, others): (Vec<&Finding>, Vec<&Finding>) =
                found.iter().partition(|f| f.rule == rule.name);
            let other_errors: Vec<String> = others
                .iter()
                .filter(|f| f.severity == "error")
                .map(|f| f.to_string())
                .collect();
            let own: Vec<String> = own.iter().map(|f| f.to_string()).collect();
            match example.kind {
                Kind::Fires if own.is_empty() => problems.push(format!(
                    "`{}`: the example that fires gives no finding of the rule",
                    rule.name
                )),
                Kind::Passes if !own.is_empty() => problems.push(format!(
                    "`{}`: the example that passes gives findings:\n  {}",
                    rule.name,
                    own.join("\n  ")
                )),
                _ => {}
            }
            // An example shows one rule at work: nothing else in it is an error.
            if !other_errors.is_empty() {
                problems.push(format!(
                    "`{}`: the example that {} gives errors of other rules:\n  {}",
                    rule.name,
                    example.kind.word(),
                    other_errors.join("\n  ")
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s) with the rules' examples:\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(checked >= 2 * kblint::rules::RULES.len());
}

#[test]
fn explain_prints_both_examples_of_every_rule() {
    for rule in kblint::rules::RULES {
        let out = kblint(
            &["explain", rule.name],
            Path::new(env!("CARGO_MANIFEST_DIR")),
        );
        assert!(
            out.status.success(),
            "`kblint explain {}` failed: {}",
            rule.name,
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout);
        let examples = examples(rule.docs);
        assert!(
            examples.len() >= 2,
            "`{}` has fewer than two examples",
            rule.name
        );
        for example in &examples {
            let shown = example.block.lines().all(|line| {
                text.lines()
                    .any(|l| l == line || l.strip_prefix(' ') == Some(line))
            });
            assert!(
                shown,
                "`kblint explain {}` does not show the example that {}",
                rule.name,
                example.kind.word()
            );
            let fence = format!("```md {}", example.kind.word());
            assert!(
                text.contains(&fence),
                "`kblint explain {}` does not show the fence `{fence}`",
                rule.name
            );
        }
    }
}

#[test]
fn explain_names_the_rules_when_the_rule_is_unknown() {
    let out = kblint(
        &["explain", "no-such-rule"],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown rule `no-such-rule`") && err.contains("quote-not-found"),
        "{err}"
    );
}

/// `docs/rules.md` is generated from the registry: what `kblint rules` and `kblint explain`
/// print, with headings moved one level down.
#[test]
fn docs_rules_md_matches_kblint_explain() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("docs/rules.md");
    let expected = rules_md(root);
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).unwrap();
        return;
    }
    let actual = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md differs from what `kblint explain` prints; regenerate it with\n  UPDATE_DOCS=1 cargo test --test it explain::\n{}",
        first_difference(&actual, &expected)
    );
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Fires,
    Passes,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Fires => "fires",
            Kind::Passes => "passes",
        }
    }
}

struct Example {
    kind: Kind,
    /// The block's lines, between the fences.
    block: String,
    files: Vec<(String, String)>,
}

/// The ```` ```md fires ```` and ```` ```md passes ```` blocks of a rule's docs.
fn examples(docs: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let docs = unindent(docs);
    let mut lines = docs.lines();
    while let Some(line) = lines.next() {
        let kind = match line
            .trim()
            .strip_prefix("```")
            .map(str::split_whitespace)
            .map(|w| w.collect::<Vec<_>>())
        {
            Some(words) if words == ["md", "fires"] => Kind::Fires,
            Some(words) if words == ["md", "passes"] => Kind::Passes,
            _ => continue,
        };
        let mut block = String::new();
        let mut files: Vec<(String, String)> = Vec::new();
        for line in lines.by_ref() {
            if line.trim() == "```" {
                break;
            }
            block.push_str(line);
            block.push('\n');
            match line
                .strip_prefix("==> ")
                .and_then(|l| l.strip_suffix(" <=="))
            {
                Some(path) => files.push((path.to_string(), String::new())),
                None => match files.last_mut() {
                    Some((_, text)) => {
                        text.push_str(line);
                        text.push('\n');
                    }
                    None => files.push((String::new(), format!("{line}\n"))),
                },
            }
        }
        out.push(Example { kind, block, files });
    }
    out
}

/// A finding of the JSON output.
struct Finding {
    rule: String,
    severity: String,
    at: String,
    message: String,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {}[{}] {}",
            self.at, self.severity, self.rule, self.message
        )
    }
}

/// Every finding when `files` are added to the base KB and `rule` is an error.
fn findings(rule: &str, files: &[(String, String)]) -> Result<Vec<Finding>, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    for (path, text) in BASE
        .iter()
        .map(|(p, t)| (p.to_string(), t.to_string()))
        .chain(files.iter().cloned())
    {
        if path.is_empty() {
            return Err("the block does not start with a `==> path <==` line".into());
        }
        let full = dir.path().join(&path);
        std::fs::create_dir_all(full.parent().unwrap()).map_err(|e| e.to_string())?;
        std::fs::write(&full, text).map_err(|e| e.to_string())?;
    }
    let level = format!("{rule}=error");
    let out = kblint(&["check", "--format", "json", "--rule", &level], dir.path());
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(format!(
            "kblint exited with {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("the JSON output does not parse: {e}"))?;
    let diagnostics = json["diagnostics"]
        .as_array()
        .ok_or("the JSON output has no `diagnostics`")?;
    let text = |v: &serde_json::Value| v.as_str().unwrap_or("?").to_string();
    Ok(diagnostics
        .iter()
        .map(|d| Finding {
            rule: text(&d["rule"]),
            severity: text(&d["severity"]),
            at: format!("{}:{}", text(&d["path"]), d["line"]),
            message: text(&d["message"]),
        })
        .collect())
}

fn kblint(args: &[&str], dir: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kblint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("cannot run kblint")
}

/// The text of `docs/rules.md`.
fn rules_md(root: &Path) -> String {
    let mut out = String::from(
        "<!-- Generated from the rules' doc comments by tests/it/explain.rs; do not edit by hand.\n     Regenerate: UPDATE_DOCS=1 cargo test --test it explain:: -->\n\n# Rules\n\n",
    );
    out.push_str(
        "Each rule below is what `kblint explain RULE` prints. `kblint rules` lists them with their\n\
         default severity; `[rules]` in `kblint.toml` or `--rule RULE=LEVEL` changes it (see\n\
         [config.md](config.md)).\n\n",
    );
    out.push_str("| rule | default | fires when |\n|---|---|---|\n");
    for rule in kblint::rules::RULES {
        // GitHub's anchor for the heading `## name (default: level)`.
        let (name, level) = (rule.name, rule.default.as_str());
        out.push_str(&format!(
            "| [`{name}`](#{name}-default-{level}) | {level} | {} |\n",
            rule.summary.replace('|', "\\|")
        ));
    }
    out.push_str(
        "\n## The examples\n\nEvery rule shows an example that fires it and one that does not, as the files to add to a\n\
         small KB (`==> path <==` starts each file). tests/it/explain.rs adds each example to the KB\n\
         below, runs `kblint check --rule RULE=error` on it, and fails unless the example does what\n\
         it says. The source `guide` is the one most examples cite.\n\n",
    );
    out.push_str("```md\n");
    for (path, text) in BASE {
        out.push_str(&format!("==> {path} <==\n{text}"));
    }
    out.push_str("```\n");
    for rule in kblint::rules::RULES {
        let explained = kblint(&["explain", rule.name], root);
        assert!(
            explained.status.success(),
            "`kblint explain {}` failed",
            rule.name
        );
        out.push('\n');
        let text = String::from_utf8_lossy(&explained.stdout)
            .replacen(rule.docs, &unindent(rule.docs), 1)
            .replace(kblint::rules::EXAMPLES_NOTE, "");
        out.push_str(&demote_headings(&text));
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// A rule's docs without the space that doc comments keep after `///` (when every line has it).
fn unindent(docs: &str) -> String {
    if docs
        .lines()
        .filter(|l| !l.is_empty())
        .all(|l| l.starts_with(' '))
    {
        docs.lines()
            .map(|l| format!("{}\n", l.strip_prefix(' ').unwrap_or(l)))
            .collect()
    } else {
        docs.to_string()
    }
}

/// `# x` becomes `## x`, outside fenced code.
fn demote_headings(text: &str) -> String {
    let mut out = String::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        }
        if !fenced && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn first_difference(actual: &str, expected: &str) -> String {
    let (a, e): (Vec<&str>, Vec<&str>) = (actual.lines().collect(), expected.lines().collect());
    let n = a.iter().zip(&e).take_while(|(x, y)| x == y).count();
    format!(
        "first difference at line {}:\n  file:      {:?}\n  generated: {:?}",
        n + 1,
        a.get(n).copied().unwrap_or("<end of file>"),
        e.get(n).copied().unwrap_or("<end of file>")
    )
}
