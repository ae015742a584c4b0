//! The parse stage: one file's bytes → its entry, plus the `frontmatter` and `schema` findings
//! that only the file itself can show. Runs in parallel, one file at a time.

mod friction;
mod read;

use jsonschema::Validator;

use crate::diagnostic::{Diagnostic, File, FileId, Label};
use crate::frontmatter::{self, Node, Value, load};
use crate::model::Entry;
use crate::schema::findings::schema_findings;

pub use read::{ParsedKb, read_all, read_one};

/// The rule of findings about a file that cannot be read as an entry.
const FRONTMATTER: &str = "frontmatter";
/// The rule of findings about frontmatter that breaks its schema.
const SCHEMA: &str = "schema";

/// What one file gave.
pub struct Parsed {
    pub entry: Option<Entry>,
    pub findings: Vec<Diagnostic>,
}

/// How a file of a collection is read.
pub struct Context<'a> {
    pub file: FileId,
    pub collection: usize,
    pub is_source: bool,
    pub default_id: String,
    pub schema: Option<&'a Validator>,
    /// The frontmatter keys with built-in meaning in this collection.
    pub keys: &'a crate::keys::Keys,
    /// The collection's schema document, to name the branches of a failed union.
    pub schema_doc: Option<&'a serde_json::Value>,
}

/// Parses `file`: frontmatter split, YAML with spans, schema validation, built-in keys.
pub fn parse(cx: Context<'_>, file: &File, readable: Result<(), (String, usize)>) -> Parsed {
    let fm = FRONTMATTER;
    let id = cx.file;
    let mut findings = Vec::new();
    if let Err((why, at)) = readable {
        let d = Diagnostic::new(
            fm,
            why,
            Label::new(id, at..at, "cannot read this file as UTF-8 text"),
        );
        return Parsed {
            entry: None,
            findings: vec![d],
        };
    }
    let text = file.text.as_str();
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err(e) => {
            findings.push(friction::split_error(id, &file.path, text, e));
            return Parsed {
                entry: None,
                findings,
            };
        }
    };
    let language = split.format.name();
    let (root, duplicates) = match load(text, &split) {
        Ok(ok) => ok,
        Err(e) => {
            let d = friction::load_error(id, text, &split, e);
            return Parsed {
                entry: None,
                findings: vec![d],
            };
        }
    };
    for dup in duplicates {
        let mut d = Diagnostic::new(
            fm,
            dup.message.clone(),
            Label::new(id, dup.span, "defined again here"),
        )
        .help(format!(
            "remove one of the two keys: {language} does not allow a key twice in one mapping"
        ));
        if let Some((span, message)) = dup.related {
            d = d.related(Label::new(id, span, message));
        }
        findings.push(d);
    }
    let root = match root.value {
        Value::Null => Node {
            span: split.open.clone(),
            value: Value::Map(Vec::new()),
        },
        Value::Map(_) => root,
        _ => {
            let d = Diagnostic::new(
                fm,
                format!(
                    "the frontmatter must be a mapping of keys, not {}",
                    root.type_name()
                ),
                Label::new(id, root.span.clone(), "expected `key: value` lines"),
            );
            findings.push(d);
            return Parsed {
                entry: None,
                findings,
            };
        }
    };
    let (entry, shape) = Entry::from_yaml(
        id,
        cx.collection,
        cx.is_source,
        cx.default_id,
        split.open.clone(),
        split.yaml.end,
        split.body.clone(),
        &root,
        cx.keys,
        cx.schema.is_some(),
        split.format,
    );
    if let Some(validator) = cx.schema {
        // The JSON takes the YAML tree's strings rather than copies of them. The tree, whose
        // spans place each violation, is built again only for a file that breaks its schema.
        let json = root.into_json();
        if !validator.is_valid(&json) {
            let root = match load(text, &split) {
                Ok((root, _)) if matches!(root.value, Value::Map(_)) => root,
                _ => Node {
                    span: split.open.clone(),
                    value: Value::Map(Vec::new()),
                },
            };
            for error in validator.iter_errors(&json) {
                schema_findings(
                    id,
                    &root,
                    split.open.clone(),
                    &error,
                    cx.schema_doc,
                    &mut findings,
                );
            }
        }
    }
    for e in shape {
        // A collection schema that already flagged this value said it first.
        if !findings.iter().any(|d| d.primary.span == e.span) {
            findings.push(Diagnostic::new(
                SCHEMA,
                e.message,
                Label::new(id, e.span, "built-in key of kblint"),
            ));
        }
    }
    Parsed {
        entry: Some(entry),
        findings,
    }
}
