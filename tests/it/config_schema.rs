//! `kblint.schema.json`, the JSON Schema of `kblint.toml` that editors use (taplo, Even Better
//! TOML), is committed; it must stay what `kblint config-schema` generates from the config
//! types, and it must accept the configs kblint accepts.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

const REGENERATE: &str = "cargo run -- config-schema > kblint.schema.json";

#[test]
fn committed_schema_is_the_generated_one() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = config_schema();
    let committed = std::fs::read_to_string(root.join("kblint.schema.json"))
        .unwrap_or_else(|e| panic!("kblint.schema.json: {e}; generate it with\n  {REGENERATE}"));
    assert!(
        committed == generated,
        "kblint.schema.json differs from what `kblint config-schema` generates from the config types; regenerate it with\n  {REGENERATE}"
    );
}

#[test]
fn the_schema_accepts_the_repository_config_and_the_starter_config() {
    let schema = validator();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let repo = std::fs::read_to_string(root.join("kblint.toml")).unwrap();
    assert!(
        repo.starts_with("#:schema ./kblint.schema.json\n"),
        "kblint.toml lacks the `#:schema` line for editors"
    );
    assert_valid(&schema, "kblint.toml", &repo);

    let dir = tempfile::tempdir().unwrap();
    let init = Command::new(env!("CARGO_BIN_EXE_kblint"))
        .arg("init")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        init.status.success(),
        "{}",
        String::from_utf8_lossy(&init.stderr)
    );
    let starter = std::fs::read_to_string(dir.path().join("kblint.toml")).unwrap();
    assert!(
        starter.starts_with("#:schema ./kblint.schema.json\n"),
        "the starter config lacks the `#:schema` line"
    );
    assert_valid(&schema, "the starter kblint.toml", &starter);
    // The starter's copy of the schema is the same schema.
    assert_eq!(
        std::fs::read_to_string(dir.path().join("kblint.schema.json")).unwrap(),
        config_schema()
    );

    let full = "vocabulary = \"v.yaml\"\n[collections.a]\ninclude = [\"a/**/*.md\"]\nexclude = [\"a/drafts/**\"]\nschema = \"s.json\"\nsources = true\n[rules]\nunused-source = \"off\"\nschema = \"warn\"\n";
    assert_valid(&schema, "a config with every key", full);
}

#[test]
fn the_schema_rejects_what_kblint_rejects() {
    let schema = validator();
    for (what, toml) in [
        ("an unknown top-level key", "vocabluary = \"v.yaml\"\n"),
        (
            "an unknown collection key",
            "[collections.a]\ninclude = [\"a/*.md\"]\nschemas = \"x.json\"\n",
        ),
        (
            "a collection without include",
            "[collections.a]\nschema = \"x.json\"\n",
        ),
        (
            "a level that is not one",
            "[rules]\nunused-source = \"loud\"\n",
        ),
        (
            "sources that is not a boolean",
            "[collections.a]\ninclude = [\"a/*.md\"]\nsources = \"yes\"\n",
        ),
    ] {
        let value: Value = toml::from_str(toml).unwrap();
        assert!(
            !schema.is_valid(&value),
            "the schema accepts {what}:\n{toml}"
        );
    }
}

fn config_schema() -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_kblint"))
        .arg("config-schema")
        .output()
        .expect("cannot run kblint");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(&config_schema()).unwrap();
    jsonschema::validator_for(&schema).expect("the generated schema is not a valid JSON Schema")
}

fn assert_valid(schema: &jsonschema::Validator, what: &str, toml: &str) {
    let value: Value = toml::from_str(toml).unwrap_or_else(|e| panic!("{what} is not TOML: {e}"));
    let errors: Vec<String> = schema
        .iter_errors(&value)
        .map(|e| format!("{} at `{}`", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "the schema rejects {what}:\n{}\n{toml}",
        errors.join("\n")
    );
}
