//! `kblint init`: a starter KB that lints clean at once. It never overwrites a file unless
//! asked to.
//!
//! Besides the starter files, it looks for Markdown notes with frontmatter already in the
//! folder. Those it adopts: one collection per top-level folder (and one for the notes at the
//! top of the folder), with include globs that match them and exclude globs for the Markdown
//! files beside them that have no usable frontmatter, and a JSON Schema derived from the keys
//! and types the notes hold, which every one of them passes. The collections are written as
//! live collections, not as comments: pointing kblint at one's own notes is the point of the
//! first run. What the notes still break (a `related` that names nothing, two notes with one
//! id) the closing lint run reports.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Value as Json, json};

use crate::parse::frontmatter;
use crate::tree::Tree;
use crate::yaml;

/// Writes the starter files into `dir`, and collections for the notes it finds there; returns
/// what was done, for the user. Fails, writing nothing, when a file would be overwritten and
/// `force` is not set.
pub fn run(dir: &Path, force: bool) -> Result<String> {
    let notes = Notes::scan(dir);
    let adopted = notes.collections();
    let files = starter_files(&adopted);
    let existing: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| dir.join(p).exists())
        .collect();
    if !existing.is_empty() && !force {
        let list: String = files
            .iter()
            .map(|(p, _)| {
                format!(
                    "\n  {p}{}",
                    if existing.contains(&p.as_str()) {
                        " (exists)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        bail!(
            "nothing written: {} of the files `kblint init` writes already exist{}\nrun `kblint init --force` to overwrite them",
            existing.len(),
            list
        );
    }
    let mut said = String::new();
    for (path, text) in &files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        std::fs::write(&full, text)
            .with_context(|| format!("cannot write `{}`", full.display()))?;
        let verb = if existing.contains(&path.as_str()) {
            "overwrote"
        } else {
            "wrote"
        };
        said.push_str(&format!("{verb} {path}\n"));
    }
    said.push_str(&notes.describe(&adopted));
    said.push_str(&first_lint(dir));
    Ok(said)
}

const CONFIG: &str = r#"#:schema ./kblint.schema.json
# kblint configuration. `kblint config-schema` prints the JSON Schema of this file
# (kblint.schema.json, next to it), which editors with taplo use for completion and checks.
vocabulary = "schema/vocabulary.yaml"

[collections.entries]
include = ["kb/entries/**/*.md"]
schema = "schema/entry.schema.json"

[collections.sources]
include = ["kb/sources/**/*.md"]
schema = "schema/source.schema.json"
sources = true
"#;

const RULES: &str = r#"
[rules]
# Severity per rule: error, warn, info or off (`kblint rules` lists them all).
# unused-source = "warn"
# acknowledged-dispute = "info"   # list the disputes the KB acknowledges
"#;

const ENTRY_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["id", "title"],
  "properties": {
    "id": { "type": "string", "pattern": "^[a-z0-9][a-z0-9-]*$" },
    "title": { "type": "string", "minLength": 3 },
    "aliases": { "type": "array", "items": { "type": "string" } },
    "related": { "type": "array", "items": { "type": "string" } },
    "claims": {
      "type": "array",
      "items": {
        "type": "object",
        "required": ["id", "text"],
        "properties": {
          "id": { "type": "string" },
          "text": { "type": "string" },
          "subject": { "type": "string" },
          "property": { "type": "string" },
          "value": { "type": "string" },
          "above": { "type": "string" },
          "below": { "type": "string" },
          "negated": { "type": "boolean" },
          "cites": {
            "type": "array",
            "items": {
              "type": "object",
              "required": ["source"],
              "properties": { "source": { "type": "string" }, "quote": { "type": "string" } },
              "additionalProperties": false
            }
          },
          "disputes": {
            "type": "array",
            "items": {
              "oneOf": [
                { "type": "string" },
                {
                  "type": "object",
                  "required": ["ref"],
                  "properties": { "ref": { "type": "string" }, "reason": { "type": "string" } },
                  "additionalProperties": false
                }
              ]
            }
          }
        },
        "additionalProperties": false
      }
    }
  }
}
"#;

const SOURCE_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "required": ["id", "title", "retrieved"],
  "properties": {
    "id": { "type": "string" },
    "aliases": { "type": "array", "items": { "type": "string" } },
    "title": { "type": "string" },
    "author": { "type": "string" },
    "url": { "type": "string", "format": "uri" },
    "retrieved": { "type": "string", "format": "date" },
    "sha256": { "type": "string", "pattern": "^[0-9a-f]{64}$" }
  },
  "additionalProperties": false
}
"#;

const VOCABULARY: &str = "# The properties that claims may use.\nproperties:\n  orientation:\n    kind: single      # one value per subject: two different values contradict\n    values: [strategic, tactical]\n  stakeholders:\n    kind: multi       # several values may hold: only a negation contradicts\n    values: [internal, external]\n  seniority:\n    kind: order       # claims rank subjects with above/below: a circle contradicts\n";

const SOURCE_BODY: &str = "Example Handbook\n\nThe editor owns the style guide and reviews every article before it is published.\n";

const ENTRY: &str = r#"---
id: editor
title: Editor
aliases: [ed]
claims:
  - id: owns-style-guide
    text: The editor is responsible for the style guide.
    cites:
      - source: example-handbook
        quote: "The editor owns the style guide"
---

# Editor

An example entry: each claim restates a source in the KB's own words and cites a verbatim quote.
"#;

/// The folders of the starter collections: notes found there are theirs, not adopted.
const STARTER_FOLDERS: [&str; 2] = ["kb/entries/", "kb/sources/"];
/// Markdown files that `init` writes itself.
const STARTER_NOTES: [&str; 2] = ["kb/entries/editor.md", "kb/sources/example-handbook.md"];
/// Names the starter config and schemas already use.
const TAKEN_NAMES: [&str; 4] = ["entries", "sources", "entry", "source"];

/// Every file `init` writes, in order, with its text.
fn starter_files(adopted: &[Adopted]) -> Vec<(String, String)> {
    let digest = crate::digest::sha256_hex(SOURCE_BODY.as_bytes());
    let source = format!(
        "---\nid: example-handbook\ntitle: Example Handbook\nretrieved: 2026-01-01\nsha256: {digest}\n---\n{SOURCE_BODY}"
    );
    let mut config = CONFIG.to_string();
    for a in adopted {
        config.push_str(&a.config());
    }
    config.push_str(RULES);
    let mut files = vec![
        ("kblint.toml".to_string(), config),
        (
            "kblint.schema.json".to_string(),
            crate::config::json_schema(),
        ),
        (
            "schema/entry.schema.json".to_string(),
            ENTRY_SCHEMA.to_string(),
        ),
        (
            "schema/source.schema.json".to_string(),
            SOURCE_SCHEMA.to_string(),
        ),
        ("schema/vocabulary.yaml".to_string(), VOCABULARY.to_string()),
    ];
    files.extend(adopted.iter().map(|a| (a.schema_path(), a.schema.clone())));
    files.push(("kb/sources/example-handbook.md".to_string(), source));
    files.push(("kb/entries/editor.md".to_string(), ENTRY.to_string()));
    files
}

/// Lints what was just written, so that the user learns at once whether it is clean.
fn first_lint(dir: &Path) -> String {
    match crate::lint(dir, crate::config::FILE_NAME, &Tree::work_tree(dir), &[]) {
        Err(e) => format!("kblint check cannot run yet: {e:#}\n"),
        Ok(report) if report.diagnostics.is_empty() => {
            "kblint check: no findings\nnext: edit the example entry and source, or write your own, then run `kblint check`\n".into()
        }
        Ok(report) => {
            let s = &report.summary;
            format!(
                "kblint check: {} error{}, {} warning{} in the files that were already here\nnext: run `kblint check` to see them; `kblint explain RULE` says how to fix each\n",
                s.errors,
                plural(s.errors),
                s.warnings,
                plural(s.warnings),
            )
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The Markdown files already in the folder.
struct Notes {
    /// Notes with readable frontmatter, outside the starter folders: path → frontmatter.
    adoptable: BTreeMap<String, yaml::Node>,
    /// Every other Markdown file that a glob could match, each with why it is left out
    /// (`None`: it simply has no frontmatter).
    foreign: BTreeMap<String, Option<String>>,
}

/// A collection proposed for existing notes.
struct Adopted {
    name: String,
    include: String,
    exclude: Vec<String>,
    notes: Vec<String>,
    required: Vec<String>,
    schema: String,
}

impl Adopted {
    fn schema_path(&self) -> String {
        format!("schema/{}.schema.json", self.name)
    }

    fn config(&self) -> String {
        let list = |globs: &[String]| {
            globs
                .iter()
                .map(|g| toml_string(g))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut text = format!(
            "\n# Found by `kblint init`: {} note{} with frontmatter. The schema was derived from\n# their keys and types; tighten it as you see fit.\n[collections.{}]\ninclude = [{}]\n",
            self.notes.len(),
            plural(self.notes.len()),
            self.name,
            toml_string(&self.include)
        );
        if !self.exclude.is_empty() {
            text.push_str(&format!("exclude = [{}]\n", list(&self.exclude)));
        }
        text.push_str(&format!("schema = {}\n", toml_string(&self.schema_path())));
        text
    }
}

impl Notes {
    /// Reads every Markdown file of the folder that git does not ignore.
    fn scan(dir: &Path) -> Notes {
        let mut adoptable = BTreeMap::new();
        let mut foreign = BTreeMap::new();
        for path in Tree::work_tree(dir)
            .list()
            .into_iter()
            .filter(|p| p.ends_with(".md"))
        {
            let hidden = path
                .split('/')
                .any(|c| c.starts_with('.') || c == "node_modules");
            if hidden || STARTER_FOLDERS.iter().any(|f| path.starts_with(f)) {
                foreign.insert(path, None);
                continue;
            }
            match read_frontmatter(&dir.join(&path)) {
                Ok(Some(node)) => {
                    adoptable.insert(path, node);
                }
                Ok(None) => {
                    foreign.insert(path, None);
                }
                Err(why) => {
                    foreign.insert(path, Some(why));
                }
            }
        }
        for path in STARTER_NOTES {
            foreign.entry(path.to_string()).or_insert(None);
        }
        Notes { adoptable, foreign }
    }

    /// One collection per top-level folder that holds notes, and one for the notes at the top.
    fn collections(&self) -> Vec<Adopted> {
        let mut groups: BTreeMap<Option<&str>, Vec<&str>> = BTreeMap::new();
        for path in self.adoptable.keys() {
            let top = path.split_once('/').map(|(top, _)| top);
            groups.entry(top).or_default().push(path);
        }
        let mut taken: BTreeSet<String> = TAKEN_NAMES.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        // Folders first, so that a folder called `notes` gets the name `notes`.
        let top_notes = groups.remove(&None).map(|notes| (None, notes));
        for (top, notes) in groups.into_iter().chain(top_notes) {
            let name = match top {
                Some(top) => unique_name(&slug(top), &mut taken),
                None if taken.contains("notes") => unique_name("top", &mut taken),
                None => unique_name("notes", &mut taken),
            };
            let (include, exclude) = match top {
                // `*` stays within one folder: `*.md` is the top folder's notes only.
                None => ("*.md".to_string(), self.foreign_at_top()),
                Some(top) => (
                    format!("{}/**/*.md", escape(top)),
                    self.foreign_under(&format!("{top}/")),
                ),
            };
            let frontmatters: Vec<&yaml::Node> =
                notes.iter().map(|p| &self.adoptable[*p]).collect();
            let (schema, required) = derive_schema(&name, &frontmatters);
            out.push(Adopted {
                name,
                include,
                exclude,
                notes: notes.iter().map(|s| s.to_string()).collect(),
                required,
                schema,
            });
        }
        out
    }

    /// Exclude globs for the Markdown files at the top of the folder that are not notes.
    fn foreign_at_top(&self) -> Vec<String> {
        self.foreign
            .keys()
            .filter(|p| !p.contains('/'))
            .map(|p| escape(p))
            .collect()
    }

    /// Exclude globs for the Markdown files under `folder` that are not notes: a whole
    /// subfolder when it holds no note, the single file otherwise.
    fn foreign_under(&self, folder: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut covered: Option<String> = None;
        for path in self.foreign.keys().filter(|p| p.starts_with(folder)) {
            if covered
                .as_ref()
                .is_some_and(|c| path.starts_with(c.as_str()))
            {
                continue;
            }
            // The highest subfolder of `folder` on the way to `path` that holds no note.
            let rest = &path[folder.len()..];
            let mut sub = folder.to_string();
            let mut glob = escape(path);
            for part in rest
                .split('/')
                .collect::<Vec<_>>()
                .split_last()
                .map_or(&[][..], |(_, dirs)| dirs)
            {
                sub.push_str(part);
                sub.push('/');
                if !self.adoptable.keys().any(|n| n.starts_with(&sub)) {
                    glob = format!("{}**", escape(&sub));
                    covered = Some(sub.clone());
                    break;
                }
            }
            out.push(glob);
        }
        out
    }

    /// What was found, in words.
    fn describe(&self, adopted: &[Adopted]) -> String {
        let mut out = String::new();
        for a in adopted {
            out.push_str(&format!(
                "found {} note{} with frontmatter: collection `{}` includes {}{}, checked by {} (required: {})\n",
                a.notes.len(),
                plural(a.notes.len()),
                a.name,
                a.include,
                if a.exclude.is_empty() { String::new() } else { format!(" except {}", a.exclude.join(", ")) },
                a.schema_path(),
                if a.required.is_empty() { "nothing".to_string() } else { a.required.join(", ") },
            ));
        }
        for (path, why) in &self.foreign {
            if let Some(why) = why {
                out.push_str(&format!("left out {path}: {why}\n"));
            }
        }
        out
    }
}

/// The frontmatter of a Markdown file: `None` when it has none, `Err` when it cannot be read.
fn read_frontmatter(path: &Path) -> Result<Option<yaml::Node>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read it as UTF-8 text ({e})"))?;
    let split = match frontmatter::split(&text) {
        Ok(split) => split,
        Err(frontmatter::SplitError::Unterminated(_)) => {
            return Err("its frontmatter is never closed".into());
        }
        Err(_) => return Ok(None),
    };
    let (root, duplicates) = yaml::parse(&text, split.yaml)
        .map_err(|e| format!("its frontmatter is not valid YAML ({})", e.message))?;
    if let Some(d) = duplicates.first() {
        return Err(format!("its frontmatter {}", d.message));
    }
    match root.value {
        yaml::Value::Map(_) => Ok(Some(root)),
        yaml::Value::Null => Ok(Some(yaml::Node {
            span: root.span,
            value: yaml::Value::Map(Vec::new()),
        })),
        _ => Err("its frontmatter is not a mapping of keys".into()),
    }
}

/// A JSON Schema that every one of `notes` passes: each key typed by the values seen,
/// `required` the keys that every note has. Returns the schema's text and the required keys.
fn derive_schema(name: &str, notes: &[&yaml::Node]) -> (String, Vec<String>) {
    #[derive(Default)]
    struct Seen {
        count: usize,
        types: BTreeSet<&'static str>,
        items: BTreeSet<&'static str>,
        strings: usize,
        dates: usize,
    }
    let mut keys: BTreeMap<&str, Seen> = BTreeMap::new();
    for note in notes {
        let yaml::Value::Map(entries) = &note.value else {
            continue;
        };
        for (key, value) in entries {
            let seen = keys.entry(key.text.as_str()).or_default();
            seen.count += 1;
            seen.types.insert(json_type(&value.value));
            if let yaml::Value::Str(s) = &value.value {
                seen.strings += 1;
                seen.dates += usize::from(is_date(s));
            }
            if let yaml::Value::Seq(items) = &value.value {
                seen.items.extend(items.iter().map(|i| json_type(&i.value)));
            }
        }
    }
    let mut properties = serde_json::Map::new();
    for (key, seen) in &keys {
        let mut property = serde_json::Map::new();
        property.insert("type".into(), type_value(&seen.types));
        if seen.strings > 0 && seen.dates == seen.strings {
            property.insert("format".into(), json!("date"));
        }
        if !seen.items.is_empty() {
            property.insert("items".into(), json!({ "type": type_value(&seen.items) }));
        }
        properties.insert(key.to_string(), Json::Object(property));
    }
    let required: Vec<String> = keys
        .iter()
        .filter(|(_, s)| s.count == notes.len())
        .map(|(k, _)| k.to_string())
        .collect();
    let schema = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": format!("{name} note"),
        "description": format!("Derived by `kblint init` from {} note{}: every key typed by the values seen, required when every note has it.", notes.len(), plural(notes.len())),
        "type": "object",
        "required": required,
        "properties": properties,
    });
    (
        serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n",
        required,
    )
}

fn json_type(value: &yaml::Value) -> &'static str {
    match value {
        yaml::Value::Null => "null",
        yaml::Value::Bool(_) => "boolean",
        yaml::Value::Int(_) => "integer",
        yaml::Value::Float(_) => "number",
        yaml::Value::Str(_) => "string",
        yaml::Value::Seq(_) => "array",
        yaml::Value::Map(_) => "object",
    }
}

/// One type name, or a list of them; `integer` folds into `number` when both were seen.
fn type_value(types: &BTreeSet<&'static str>) -> Json {
    let mut types: Vec<&str> = types.iter().copied().collect();
    if types.contains(&"number") {
        types.retain(|t| *t != "integer");
    }
    match types.as_slice() {
        [one] => json!(one),
        many => json!(many),
    }
}

/// Whether `s` is an RFC 3339 full-date (`2026-11-22`), as JSON Schema's `date` format asks.
fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10
        || b[4] != b'-'
        || b[7] != b'-'
        || !s
            .chars()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
        return false;
    }
    let (Ok(year), Ok(month), Ok(day)) = (
        s[..4].parse::<u32>(),
        s[5..7].parse::<u32>(),
        s[8..].parse::<u32>(),
    ) else {
        return false;
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&day)
}

/// A collection name that TOML takes as a bare key: lowercase letters, digits and `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "notes".into() } else { out }
}

fn unique_name(base: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.to_string();
    if taken.contains(&name) {
        name = format!("{base}-notes");
    }
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}-notes-{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// A path as a glob that matches exactly it: wildcard characters made literal.
fn escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '*' | '?' | '[' | ']' | '{' | '}' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_rfc3339_full_dates() {
        assert!(is_date("2026-11-22"));
        assert!(is_date("2024-02-29"));
        assert!(!is_date("2023-02-29"));
        assert!(!is_date("2026-13-01"));
        assert!(!is_date("2026-1-01"));
        assert!(!is_date("22.11.2026"));
    }

    #[test]
    fn names_are_bare_toml_keys_and_unique() {
        let mut taken: BTreeSet<String> = TAKEN_NAMES.iter().map(|s| s.to_string()).collect();
        assert_eq!(unique_name(&slug("My Notes"), &mut taken), "my-notes");
        assert_eq!(unique_name(&slug("entries"), &mut taken), "entries-notes");
        assert_eq!(unique_name(&slug("Entries"), &mut taken), "entries-notes-2");
        assert_eq!(slug("_"), "notes");
    }

    #[test]
    fn escaped_paths_match_only_themselves() {
        let glob = globset::Glob::new(&escape("a[1]/b*.md"))
            .unwrap()
            .compile_matcher();
        assert!(glob.is_match("a[1]/b*.md"));
        assert!(!glob.is_match("a1/bx.md"));
    }
}
