//! JSON Schemas of the collections: loaded once, compiled once, offline.
//!
//! Every `.json` file in the folders of the configured schemas is registered up front under
//! `https://kblint.invalid/<path>`, so a relative `$ref` between them resolves without any I/O
//! during validation, and a `$ref` to a URL or to a file outside the KB fails when the schema
//! is compiled (a configuration error), never fetching anything.

pub mod findings;

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use jsonschema::{Draft, Validator};
use serde_json::Value;

use crate::config::Settings;
use crate::tree::Tree;

const BASE: &str = "https://kblint.invalid/";

/// One compiled validator per collection that has a schema.
pub struct Schemas {
    validators: Vec<Option<Validator>>,
    /// Each collection's schema document, to name the branches of a failed union.
    documents: Vec<Option<Value>>,
}

impl Schemas {
    /// Compiles the schema of every collection that has one. `listing` is every file of the
    /// tree (`tree.list()`): listing a large working tree walks every folder, so the pipeline
    /// does it once.
    pub fn load(settings: &Settings, tree: &Tree, listing: &[String]) -> Result<Schemas> {
        let wanted: Vec<(usize, &toml::Spanned<String>)> = settings
            .collections
            .iter()
            .enumerate()
            .filter_map(|(i, c)| c.schema.as_ref().map(|s| (i, s)))
            .collect();
        if wanted.is_empty() {
            return Ok(Schemas {
                validators: settings.collections.iter().map(|_| None).collect(),
                documents: settings.collections.iter().map(|_| None).collect(),
            });
        }
        // Every JSON file in the schemas' folders, so that `$ref`s between them resolve.
        let folders: Vec<String> = wanted
            .iter()
            .map(|(_, s)| crate::config::glob_base(s.get_ref()))
            .collect();
        for (_, s) in &wanted {
            if let Err(why) = crate::tree::inside(&settings.root, s.get_ref()) {
                let line = settings.line_of(s.span().start);
                bail!("{}:{line}: schema file {why}", settings.config_path);
            }
            if !tree.contains(s.get_ref()) {
                let line = settings.line_of(s.span().start);
                bail!(
                    "{}:{line}: schema file `{}` does not exist",
                    settings.config_path,
                    s.get_ref()
                );
            }
        }
        let paths: Vec<String> = listing
            .iter()
            .filter(|p| {
                p.ends_with(".json")
                    && folders
                        .iter()
                        .any(|f| p.starts_with(f.as_str()) && !p[f.len()..].contains('/'))
            })
            .cloned()
            .collect();
        let mut documents = BTreeMap::new();
        let mut texts = BTreeMap::new();
        for (path, bytes) in paths.iter().zip(tree.read(&paths)?) {
            let Ok(bytes) = bytes else { continue };
            texts.insert(path.clone(), String::from_utf8_lossy(&bytes).into_owned());
            let mut json: Value = match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(e) if wanted.iter().any(|(_, s)| s.get_ref() == path) => {
                    bail!("{path}:{}:{}: not valid JSON: {e}", e.line(), e.column())
                }
                Err(_) => continue, // a JSON file nobody refers to
            };
            normalise_draft(&mut json);
            documents.insert(path.clone(), json);
        }
        let registry = jsonschema::Registry::new()
            .extend(documents.iter().map(|(p, v)| (format!("{BASE}{p}"), v)))
            .and_then(|r| r.prepare())
            .map_err(|e| {
                unresolvable(&e.to_string(), &texts).unwrap_or_else(|| {
                    anyhow::anyhow!("cannot load the schemas in `{}`: {e}", folders.join("`, `"))
                })
            })?;
        let mut compiled: BTreeMap<&str, Validator> = BTreeMap::new();
        let mut validators: Vec<Option<Validator>> =
            settings.collections.iter().map(|_| None).collect();
        let mut docs: Vec<Option<Value>> = settings.collections.iter().map(|_| None).collect();
        for (i, spanned) in wanted {
            let path = spanned.get_ref().as_str();
            docs[i] = documents.get(path).cloned();
            if let Some(v) = compiled.get(path) {
                validators[i] = Some(v.clone());
                continue;
            }
            let Some(schema) = documents.get(path) else {
                bail!("{path}: cannot read the schema");
            };
            let draft = draft_of(schema);
            let validator = jsonschema::options()
                .with_draft(draft)
                .with_registry(&registry)
                .with_base_uri(format!("{BASE}{path}"))
                .should_validate_formats(true)
                .build(schema)
                .map_err(|e| schema_error(path, &e))?;
            compiled.insert(path, validator.clone());
            validators[i] = Some(validator);
        }
        Ok(Schemas {
            validators,
            documents: docs,
        })
    }

    pub fn get(&self, collection: usize) -> Option<&Validator> {
        self.validators.get(collection).and_then(Option::as_ref)
    }

    /// The schema document of a collection, as loaded.
    pub fn document(&self, collection: usize) -> Option<&Value> {
        self.documents.get(collection).and_then(Option::as_ref)
    }
}

/// The draft a schema declares; none, or the generic `http://json-schema.org/schema#`, is 2020-12.
fn draft_of(schema: &Value) -> Draft {
    match schema.get("$schema").and_then(Value::as_str).unwrap_or("") {
        s if s.contains("draft-04") => Draft::Draft4,
        s if s.contains("draft-06") => Draft::Draft6,
        s if s.contains("draft-07") => Draft::Draft7,
        s if s.contains("2019-09") => Draft::Draft201909,
        _ => Draft::Draft202012,
    }
}

/// Replaces a missing or generic `$schema` with draft 2020-12's, so that nothing tries to fetch
/// an unknown meta-schema.
fn normalise_draft(schema: &mut Value) {
    let known = ["draft-04", "draft-06", "draft-07", "2019-09", "2020-12"];
    if let Some(obj) = schema.as_object_mut() {
        let declared = obj.get("$schema").and_then(Value::as_str).unwrap_or("");
        if !known.iter().any(|k| declared.contains(k)) {
            obj.insert(
                "$schema".into(),
                Value::String("https://json-schema.org/draft/2020-12/schema".into()),
            );
        }
    }
}

/// A `$ref` that names no loaded schema, located in the schema file that holds it.
fn unresolvable(message: &str, texts: &BTreeMap<String, String>) -> Option<anyhow::Error> {
    let uri = message.split('\'').nth(1)?;
    let shown = uri.strip_prefix(BASE).unwrap_or(uri);
    let tail = uri.rsplit('/').next().filter(|t| !t.is_empty())?;
    for (path, text) in texts {
        if let Some(line) = text
            .lines()
            .position(|l| l.contains("$ref") && l.contains(tail))
        {
            return Some(anyhow::anyhow!(
                "{path}:{}: `$ref` to `{shown}` cannot be resolved: a `$ref` may only name another schema file in the same folder (kblint never fetches URLs or reads files outside the KB)",
                line + 1
            ));
        }
    }
    Some(anyhow::anyhow!(
        "`$ref` to `{shown}` cannot be resolved: a `$ref` may only name another schema file in the same folder (kblint never fetches URLs or reads files outside the KB)"
    ))
}

fn schema_error(path: &str, e: &jsonschema::ValidationError<'_>) -> anyhow::Error {
    let message = e.to_string();
    let location = e.instance_path().as_str();
    if message.contains("kblint.invalid") || message.to_lowercase().contains("resolve") {
        anyhow::anyhow!(
            "{path}: {} (a `$ref` may only name another schema file in the same folder; kblint never fetches URLs or reads files outside the KB)",
            message.replace(BASE, "")
        )
    } else if location.is_empty() {
        anyhow::anyhow!("{path}: not a valid JSON Schema: {message}")
    } else {
        anyhow::anyhow!("{path}: not a valid JSON Schema at `{location}`: {message}")
    }
}
