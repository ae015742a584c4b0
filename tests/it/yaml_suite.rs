//! The official YAML test suite, through kblint's frontmatter splitter and YAML loader.
//!
//! `tests/yaml-test-suite/` holds the suite's cases that fit a frontmatter: one document, no
//! `---`/`...` marker line and no `%` directive (see its README). Each case is wrapped in `---`
//! lines as a Markdown file's frontmatter would be. A valid case must load as the value in its
//! `in.json`; a case with an `error` file must be rejected.

use std::fs;
use std::path::{Path, PathBuf};

use kblint::frontmatter::{self, yaml};
use serde_json::Value;

fn cases() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/yaml-test-suite");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("tests/yaml-test-suite")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("in.yaml").is_file())
        .collect();
    cases.sort();
    cases
}

/// The case's YAML as a Markdown file's frontmatter, loaded as kblint loads it.
fn load(yaml_text: &str) -> Result<Value, String> {
    let mut file = String::from("---\n");
    file.push_str(yaml_text);
    if !yaml_text.is_empty() && !yaml_text.ends_with('\n') {
        file.push('\n');
    }
    file.push_str("---\nbody\n");
    let split = frontmatter::split(&file).map_err(|e| format!("split: {e:?}"))?;
    match yaml::parse(&file, split.yaml) {
        Ok((node, duplicates)) if duplicates.is_empty() => Ok(node.into_json()),
        Ok((_, duplicates)) => Err(duplicates[0].message.clone()),
        Err(e) => Err(e.message),
    }
}

/// JSON equality where numbers compare by value (`1.0` in one file is `1` in the other).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

#[test]
fn every_single_document_case_loads_as_the_suite_says() {
    let (mut valid, mut rejected) = (0, 0);
    let mut failures = Vec::new();
    for case in cases() {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let title = fs::read_to_string(case.join("===")).unwrap_or_default();
        let title = title.trim();
        let input = fs::read_to_string(case.join("in.yaml")).unwrap();
        let got = load(&input);
        if case.join("error").is_file() {
            match got {
                Err(_) => rejected += 1,
                Ok(v) => failures.push(format!("{name} ({title}): accepted, as {v}")),
            }
            continue;
        }
        let want: Value =
            serde_json::from_str(&fs::read_to_string(case.join("in.json")).unwrap()).unwrap();
        match got {
            Ok(v) if same(&v, &want) => valid += 1,
            Ok(v) => failures.push(format!("{name} ({title}): gave {v}, want {want}")),
            Err(e) => failures.push(format!("{name} ({title}): rejected: {e}")),
        }
    }
    eprintln!(
        "yaml-test-suite: {valid} valid cases load as their in.json, {rejected} error cases are rejected"
    );
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        valid + rejected + failures.len(),
        failures.join("\n")
    );
    // The copy in tests/ holds 176 valid and 51 error cases; a smaller count means it was lost.
    assert_eq!((valid, rejected), (176, 51));
}

/// The flow lists of gohugoio/hugoDocs that saphyr-parser 0.3.4 rejected: quoted items on their
/// own lines, the closing `]` at column 0.
#[test]
fn flow_lists_with_quoted_items_and_a_closing_bracket_at_column_0() {
    let cases = [
        ("aliases: [\n  'a',\n]\n", r#"{"aliases": ["a"]}"#),
        ("list: [\n  \"a\",\n  'b'\n]\n", r#"{"list": ["a", "b"]}"#),
        ("list: ['a',\n]\n", r#"{"list": ["a"]}"#),
        ("list: [\n  a,\n]\n", r#"{"list": ["a"]}"#),
        ("m: {\n  \"k\": 'v',\n}\n", r#"{"m": {"k": "v"}}"#),
        (
            "outer:\n  inner: [\n    \"a\",\n  ]\n",
            r#"{"outer": {"inner": ["a"]}}"#,
        ),
    ];
    for (input, want) in cases {
        let want: Value = serde_json::from_str(want).unwrap();
        assert_eq!(load(input).as_ref(), Ok(&want), "{input:?}");
    }
    // An item (not a bracket) left of the indentation is still wrong (the suite's 9C9N).
    assert!(load("flow: [a,\nb,\nc]\n").is_err());
    assert!(load("flow: ['a',\n'b']\n").is_err());
}
