//! The `schema` findings of a frontmatter that breaks its collection's JSON Schema: one per
//! violation, at the offending value, with advice read from the schema document ([`advice`]).
//! A failed union is reported from the branch that came closest ([`union`]), which reads that
//! branch's own violations with [`schema_findings`] again.

use std::ops::Range;

use jsonschema::{ValidationError, error::ValidationErrorKind};

mod advice;
mod union;

use crate::diagnostic::{Diagnostic, FileId, Label, RuleId};
use crate::frontmatter::{Key, Node, Value};

/// The rule of findings about frontmatter that breaks its schema.
const SCHEMA: RuleId = RuleId::Schema;

/// One finding per violation, at the offending value (for a missing property: at the key of
/// the object that lacks it, or at the key that requires it; for an unexpected property: at
/// that key).
pub fn schema_findings(
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
    let v = Violation {
        file,
        open,
        schema,
        pointer,
        schema_path: error.schema_path().as_str(),
        keyword: error.kind().keyword(),
        node,
        key,
        place: display_path(root, pointer),
    };
    let undeclared = v.undeclared(error);
    match (error.kind(), undeclared.as_ref()) {
        (_, Some(unexpected))
        | (
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected },
            _,
        ) => v.unexpected(unexpected, out),
        (ValidationErrorKind::Required { property }, _) => out.push(v.missing(property)),
        _ => out.push(v.broken(error)),
    }
}

/// A violation of the schema, and where it stands in the frontmatter.
struct Violation<'a> {
    file: FileId,
    /// The frontmatter's opening line: where a finding about the whole frontmatter points.
    open: Range<usize>,
    /// The collection's schema document, for advice.
    schema: Option<&'a serde_json::Value>,
    /// Where the violating value is (a JSON pointer).
    pointer: &'a str,
    /// Where the violated keyword is in the schema.
    schema_path: &'a str,
    keyword: &'a str,
    /// The violating value, and its key when it has one.
    node: &'a Node,
    key: Option<&'a Key>,
    /// The value's path as a finding names it; `None` for the whole frontmatter.
    place: Option<String>,
}

impl Violation<'_> {
    /// The keys that the schema does not declare, when `additionalProperties: false` checked
    /// inside a union comes back as a `false` schema that names one value of the mapping.
    fn undeclared(&self, error: &ValidationError<'_>) -> Option<Vec<String>> {
        let (ValidationErrorKind::FalseSchema, Value::Map(entries)) =
            (error.kind(), &self.node.value)
        else {
            return None;
        };
        if !self.schema_path.ends_with("/additionalProperties") {
            return None;
        }
        let declared = self.declared_keys();
        let names: Vec<String> = entries
            .iter()
            .map(|(k, _)| k.text.clone())
            .filter(|k| !declared.contains(&k.as_str()))
            .collect();
        (!names.is_empty()).then_some(names)
    }

    /// The keys that the schema declares where the violation is.
    fn declared_keys(&self) -> Vec<&str> {
        self.schema
            .map(|doc| advice::declared_keys(doc, self.schema_path))
            .unwrap_or_default()
    }

    /// One finding per key that the schema does not allow, at the key.
    fn unexpected(&self, unexpected: &[String], out: &mut Vec<Diagnostic>) {
        let keyword = if self.keyword == "falseSchema" {
            "additionalProperties"
        } else {
            self.keyword
        };
        let declared = self.declared_keys();
        for name in unexpected {
            let span = self
                .node
                .key(name)
                .map_or(self.node.span.clone(), |k| k.span.clone());
            let message = match &self.place {
                Some(p) => format!("`{p}` has unexpected property `{name}`"),
                None => format!("unexpected property `{name}`"),
            };
            let help = match advice::nearest_key(&declared, name) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "remove the key, or add it to the schema's `properties`".into(),
            };
            out.push(
                Diagnostic::new(
                    SCHEMA,
                    message,
                    Label::new(self.file, span, "not allowed by the schema"),
                )
                .help(help)
                .schema(self.pointer, keyword),
            );
        }
    }

    /// The finding of a missing required property: at the key that requires it, or at the key
    /// of the object that lacks it (with a key that may be it misspelt).
    fn missing(&self, property: &serde_json::Value) -> Diagnostic {
        let (file, node) = (self.file, self.node);
        let name = property
            .as_str()
            .map_or_else(|| property.to_string(), str::to_string);
        let requiring = self
            .schema
            .map(|doc| advice::requiring_keys(doc, self.schema_path, node, &name))
            .unwrap_or_default();
        if let Some(first) = requiring.first() {
            return dependency(
                file,
                &self.place,
                &name,
                first,
                self.pointer,
                self.schema_path,
            );
        }
        let span = match self.key {
            Some(k) => k.span.clone(),
            None if self.pointer.is_empty() => self.open.clone(),
            None => node.span.start..node.span.start,
        };
        let message = match &self.place {
            Some(p) => format!("`{p}` is missing required property `{name}`"),
            None => format!("missing required property `{name}`"),
        };
        let mut d = Diagnostic::new(
            SCHEMA,
            message,
            Label::new(file, span, format!("`{name}` is required here")),
        )
        .schema(self.pointer, self.keyword);
        if let Some(typo) = advice::misspelt_key(node, &name, &self.declared_keys()) {
            d = d
                .related(Label::new(
                    file,
                    typo.span.clone(),
                    format!("`{}` may be `{name}` misspelt", typo.text),
                ))
                .help(format!("rename `{}` to `{name}`", typo.text));
        }
        d
    }

    /// The finding of any other violation, at the value, worded from the error.
    fn broken(&self, error: &ValidationError<'_>) -> Diagnostic {
        let (file, place) = (self.file, &self.place);
        let detail = advice::detail(error);
        let message = match place {
            Some(p) => format!("`{p}`: {detail}"),
            None => detail.clone(),
        };
        let span = if self.node.span.is_empty() {
            self.key.map_or(self.open.clone(), |k| k.span.clone())
        } else {
            self.node.span.clone()
        };
        let mut d = Diagnostic::new(
            SCHEMA,
            message,
            Label::new(file, span, format!("breaks `{}`", self.keyword)),
        )
        .schema(self.pointer, self.keyword);
        // `not: {required: [draft]}` forbids keys: the finding is at the forbidden key.
        if let ValidationErrorKind::Not { schema } = error.kind()
            && let Some(forbidden) = advice::forbidden_key(schema, self.node)
        {
            let name = &forbidden.text;
            d.message = match place {
                Some(p) => {
                    format!("`{p}` must not have `{name}` (the schema under `not` refuses it)")
                }
                None => format!(
                    "the frontmatter must not have `{name}` (the schema under `not` refuses it)"
                ),
            };
            d.primary = Label::new(file, forbidden.span.clone(), "refused by `not`");
            d = d.help(format!("remove `{name}`"));
        }
        if let ValidationErrorKind::BacktrackLimitExceeded { .. } = error.kind() {
            // Not a verdict on the value: the pattern could not be run to the end on it.
            d.message = match place {
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
        d
    }
}

/// A property that `dependentRequired` (draft 7: `dependencies`) requires because `by` is
/// present: reported at `by`.
fn dependency(
    file: FileId,
    place: &Option<String>,
    name: &str,
    by: &Key,
    pointer: &str,
    schema_path: &str,
) -> Diagnostic {
    let requirer = &by.text;
    let message = match place {
        Some(p) => format!("`{p}` is missing property `{name}`, which `{requirer}` requires"),
        None => format!("missing property `{name}`, which `{requirer}` requires"),
    };
    let keyword = if schema_path.split('/').any(|t| t == "dependentRequired") {
        "dependentRequired"
    } else {
        "dependencies"
    };
    Diagnostic::new(
        SCHEMA,
        message,
        Label::new(
            file,
            by.span.clone(),
            format!("`{requirer}` requires `{name}`"),
        ),
    )
    .help(format!("add `{name}`, or remove `{requirer}`"))
    .schema(pointer, keyword)
}

/// `/claims/2/cites/0/quote` → `claims[2].cites[0].quote`; the root has no name. A key that
/// is not a plain name (`b.c`, `404`, `two words`) is quoted, so that it reads neither as
/// nested keys nor as a list index: `m["b.c"]`, or `"b.c"` at the top.
pub fn display_path(root: &Node, pointer: &str) -> Option<String> {
    if pointer.is_empty() {
        return None;
    }
    let mut out = String::new();
    let mut at = Some(root);
    for token in pointer.trim_start_matches('/').split('/') {
        let token = token.replace("~1", "/").replace("~0", "~");
        let (next, is_index) = match at.map(|n| &n.value) {
            Some(Value::Seq(items)) => {
                (token.parse::<usize>().ok().and_then(|i| items.get(i)), true)
            }
            Some(Value::Map(_)) => (at.and_then(|n| n.get(&token)), false),
            _ => (None, token.bytes().all(|b| b.is_ascii_digit())),
        };
        at = next;
        if is_index {
            out.push_str(&format!("[{token}]"));
        } else if is_plain_name(&token) {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&token);
        } else {
            let quoted = serde_json::Value::String(token).to_string();
            if out.is_empty() {
                out.push_str(&quoted);
            } else {
                out.push_str(&format!("[{quoted}]"));
            }
        }
    }
    Some(out)
}

/// A key that can be shown bare in a path: letters, digits, `_` and `-`, not only digits.
fn is_plain_name(key: &str) -> bool {
    !key.is_empty()
        && !key.bytes().all(|b| b.is_ascii_digit())
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}
