//! The parse stage: one file's bytes → its entry, plus the `frontmatter` and `schema` findings
//! that only the file itself can show. Runs in parallel, one file at a time.

mod advice;
mod friction;
pub mod frontmatter;
pub mod jsonfm;
mod read;
pub mod tomlfm;
mod union;

use std::ops::Range;

use jsonschema::{ValidationError, Validator, error::ValidationErrorKind};

use crate::diagnostic::{Diagnostic, File, FileId, Label, RuleId};
use crate::model::Entry;
use crate::yaml::{self, Node, Value};

pub use read::{ParsedKb, read_all, read_one};

/// The rule of findings about a file that cannot be read as an entry.
const FRONTMATTER: RuleId = RuleId::Frontmatter;
/// The rule of findings about frontmatter that breaks its schema.
const SCHEMA: RuleId = RuleId::Schema;

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

/// Loads a split frontmatter in its language, as the one spanned tree that the rest reads.
/// Duplicate keys do not stop the load: they come back beside the document.
pub fn load(
    text: &str,
    split: &frontmatter::Split,
) -> Result<(Node, Vec<yaml::YamlError>), yaml::YamlError> {
    match split.format {
        frontmatter::Format::Yaml => yaml::parse(text, split.yaml.clone()),
        frontmatter::Format::Toml => tomlfm::parse(text, split.yaml.clone()),
        frontmatter::Format::Json => jsonfm::parse(text, split.yaml.clone()),
    }
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

/// One finding per violation, at the offending value (for a missing property: at the key of
/// the object that lacks it; for an unexpected property: at that key).
fn schema_findings(
    file: FileId,
    root: &Node,
    open: Range<usize>,
    error: &ValidationError<'_>,
    schema: Option<&serde_json::Value>,
    out: &mut Vec<Diagnostic>,
) {
    if let Some(d) = union::finding(file, root, open.clone(), error, schema) {
        out.push(d);
        return;
    }
    let pointer = error.instance_path().as_str();
    let (node, key) = root.pointer(pointer).unwrap_or((root, None));
    let place = display_path(pointer);
    let rule = SCHEMA;
    match error.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            let declared = schema
                .map(|doc| advice::declared_keys(doc, error.schema_path().as_str()))
                .unwrap_or_default();
            for name in unexpected {
                let span = node.key(name).map_or(node.span.clone(), |k| k.span.clone());
                let message = match &place {
                    Some(p) => format!("`{p}` has unexpected property `{name}`"),
                    None => format!("unexpected property `{name}`"),
                };
                let help = match advice::nearest_key(&declared, name) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => "remove the key, or add it to the schema's `properties`".into(),
                };
                out.push(
                    Diagnostic::new(
                        rule,
                        message,
                        Label::new(file, span, "not allowed by the schema"),
                    )
                    .help(help),
                );
            }
        }
        ValidationErrorKind::Required { property } => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            let span = match key {
                Some(k) => k.span.clone(),
                None if pointer.is_empty() => open,
                None => node.span.start..node.span.start,
            };
            let message = match &place {
                Some(p) => format!("`{p}` is missing required property `{name}`"),
                None => format!("missing required property `{name}`"),
            };
            let mut d = Diagnostic::new(
                rule,
                message,
                Label::new(file, span, format!("`{name}` is required here")),
            );
            let declared = schema
                .map(|doc| advice::declared_keys(doc, error.schema_path().as_str()))
                .unwrap_or_default();
            if let Some(typo) = advice::misspelt_key(node, &name, &declared) {
                d = d
                    .related(Label::new(
                        file,
                        typo.span.clone(),
                        format!("`{}` may be `{name}` misspelt", typo.text),
                    ))
                    .help(format!("rename `{}` to `{name}`", typo.text));
            }
            out.push(d);
        }
        _ => {
            let mut detail = error.to_string();
            // Messages start with the offending value; a whole mapping or list is shown by the
            // snippet instead of being printed in JSON.
            let instance = error.instance();
            if (instance.is_object() || instance.is_array())
                && let Some(rest) = detail.strip_prefix(&instance.to_string())
            {
                detail = format!(
                    "the {}{rest}",
                    if instance.is_object() {
                        "mapping"
                    } else {
                        "list"
                    }
                );
            }
            if detail.chars().count() > 200 {
                detail = detail.chars().take(200).collect::<String>() + "…";
            }
            let message = match &place {
                Some(p) => format!("`{p}`: {detail}"),
                None => detail.clone(),
            };
            let span = if node.span.is_empty() {
                key.map_or(open, |k| k.span.clone())
            } else {
                node.span.clone()
            };
            let mut d = Diagnostic::new(
                rule,
                message,
                Label::new(file, span, format!("breaks `{}`", error.kind().keyword())),
            );
            if let ValidationErrorKind::BacktrackLimitExceeded { .. } = error.kind() {
                // Not a verdict on the value: the pattern could not be run to the end on it.
                d.message = match &place {
                    Some(p) => format!("`{p}` could not be checked against its `pattern`: the match needs more backtracking than the limit allows"),
                    None => "the value could not be checked against its `pattern`: the match needs more backtracking than the limit allows".into(),
                };
                d = d.help("simplify the schema's pattern: nested repetition with look-around or backreferences backtracks without end on some values");
            }
            if let ValidationErrorKind::Enum { options } = error.kind()
                && let Some(near) = advice::nearest_value(options, error.instance())
            {
                d = d.help(format!("did you mean `{near}`?"));
            }
            out.push(d);
        }
    }
}

/// `/claims/2/cites/0/quote` → `claims[2].cites[0].quote`; the root has no name.
fn display_path(pointer: &str) -> Option<String> {
    if pointer.is_empty() {
        return None;
    }
    let mut out = String::new();
    for token in pointer.trim_start_matches('/').split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token.bytes().all(|b| b.is_ascii_digit()) && !token.is_empty() {
            out.push_str(&format!("[{token}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        }
    }
    Some(out)
}
