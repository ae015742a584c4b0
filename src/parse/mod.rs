//! The parse stage: one file's bytes → its entry, plus the `frontmatter` and `schema` findings
//! that only the file itself can show. Runs in parallel, one file at a time.

mod friction;
mod read;
pub mod suppressions;

use jsonschema::Validator;

use crate::diagnostic::{Diagnostic, File, FileId, Label, RuleId, Suppressions};
use crate::frontmatter::{self, Node, Split, Value, YamlError, load};
use crate::model::{Entry, EntryFile, ShapeError, Text};
use crate::schema::findings::schema_findings;

pub use read::{ParsedKb, Texts, read_all, read_one};

/// The rule of findings about a file that cannot be read as an entry.
const FRONTMATTER: RuleId = RuleId::Frontmatter;
/// The rule of findings about frontmatter that breaks its schema.
const SCHEMA: RuleId = RuleId::Schema;

/// What one file gave.
pub struct Parsed {
    pub entry: Option<Entry>,
    pub findings: Vec<Diagnostic>,
    /// The `# kblint-allow` comments of its frontmatter, which the file keeps
    /// ([`File::suppressions`]).
    pub suppressions: Suppressions,
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
    let id = cx.file;
    if let Err((why, at)) = readable {
        let d = Diagnostic::new(
            FRONTMATTER,
            why,
            Label::new(id, at..at, "cannot read this file as UTF-8 text"),
        );
        // The lossy copy of a file that is not UTF-8 text may still hold comments.
        return Parsed {
            entry: None,
            findings: vec![d],
            suppressions: suppressions::of_text(file.text()),
        };
    }
    let text = file.text();
    let split = match frontmatter::split(text) {
        Ok(split) => split,
        Err(e) => {
            return Parsed {
                entry: None,
                findings: vec![friction::split_error(id, &file.path, text, e)],
                suppressions: Suppressions::default(),
            };
        }
    };
    let (root, duplicates) = match load(text, &split) {
        Ok(ok) => ok,
        Err(e) => {
            let d = friction::load_error(id, text, &split, e);
            return unreadable(cx, text, &split, vec![d], Suppressions::default());
        }
    };
    let suppressions = suppressions::read(text, &split, &root);
    let mut findings = duplicate_findings(id, split.format.name(), duplicates);
    let root = match root.value {
        Value::Null => empty_mapping(&split),
        Value::Map(_) => root,
        _ => {
            findings.push(Diagnostic::new(
                FRONTMATTER,
                format!(
                    "the frontmatter must be a mapping of keys, not {}",
                    root.type_name()
                ),
                Label::new(id, root.span.clone(), "expected `key: value` lines"),
            ));
            return unreadable(cx, text, &split, findings, suppressions);
        }
    };
    let has_schema = cx.schema.is_some();
    let (entry, shape) = Entry::from_yaml(entry_file(&cx, &split), &root, cx.keys, has_schema);
    if let Some(validator) = cx.schema {
        schema_check(&cx, validator, text, &split, root, &mut findings);
    }
    shape_findings(id, shape, &mut findings);
    Parsed {
        entry: Some(entry),
        findings,
        suppressions,
    }
}

/// What the parse stage knows of an entry's file before reading its keys.
fn entry_file(cx: &Context<'_>, split: &Split) -> EntryFile {
    EntryFile {
        file: cx.file,
        collection: cx.collection,
        is_source: cx.is_source,
        default_id: cx.default_id.clone(),
        open: split.open.clone(),
        yaml_end: split.yaml.end,
        body: split.body.clone(),
        format: split.format,
    }
}

/// The tree of an empty frontmatter: a mapping without keys, at the opening line.
fn empty_mapping(split: &Split) -> Node {
    Node {
        span: split.open.clone(),
        value: Value::Map(Vec::new()),
    }
}

/// A frontmatter that cannot be read still makes an entry, with its default id (or the id it
/// plainly declares) and its body: one syntax error must not turn every reference to the file
/// into a finding.
fn unreadable(
    cx: Context<'_>,
    text: &str,
    split: &Split,
    findings: Vec<Diagnostic>,
    suppressions: Suppressions,
) -> Parsed {
    let (mut entry, _) = Entry::from_yaml(
        entry_file(&cx, split),
        &empty_mapping(split),
        cx.keys,
        cx.schema.is_some(),
    );
    entry.unreadable = true;
    if let Some(key) = cx.keys.id.as_deref()
        && let Some((value, span)) = friction::declared_id(text, split, key)
    {
        entry.id = Text::new(value, span);
    }
    Parsed {
        entry: Some(entry),
        findings,
        suppressions,
    }
}

/// The `frontmatter` findings of keys defined twice in one mapping.
fn duplicate_findings(id: FileId, language: &str, duplicates: Vec<YamlError>) -> Vec<Diagnostic> {
    let mut findings = Vec::with_capacity(duplicates.len());
    for dup in duplicates {
        let mut d = Diagnostic::new(
            FRONTMATTER,
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
    findings
}

/// The `schema` findings of a frontmatter that breaks its collection's schema.
fn schema_check(
    cx: &Context<'_>,
    validator: &Validator,
    text: &str,
    split: &Split,
    root: Node,
    findings: &mut Vec<Diagnostic>,
) {
    // The JSON takes the YAML tree's strings rather than copies of them. The tree, whose
    // spans place each violation, is built again only for a file that breaks its schema.
    let json = root.into_json();
    if validator.is_valid(&json) {
        return;
    }
    let root = match load(text, split) {
        Ok((root, _)) if matches!(root.value, Value::Map(_)) => root,
        _ => empty_mapping(split),
    };
    for error in validator.iter_errors(&json) {
        schema_findings(
            cx.file,
            &root,
            split.open.clone(),
            &error,
            cx.schema_doc,
            findings,
        );
    }
}

/// The `schema` findings of built-in keys with the wrong shape, but for the values that the
/// collection's schema already flagged.
fn shape_findings(id: FileId, shape: Vec<ShapeError>, findings: &mut Vec<Diagnostic>) {
    for e in shape {
        if !findings.iter().any(|d| d.primary.span == e.span) {
            findings.push(Diagnostic::new(
                SCHEMA,
                e.message,
                Label::new(id, e.span, "built-in key of kblint"),
            ));
        }
    }
}
