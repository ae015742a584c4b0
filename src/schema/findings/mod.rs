//! The `schema` findings of a frontmatter that breaks its collection's JSON Schema: one per
//! violation, at the offending value, with advice read from the schema document ([`advice`]).
//! A failed union is reported from the branch that came closest ([`union`]), which reads that
//! branch's own violations with [`schema_findings`] again.

use std::ops::Range;

use jsonschema::{ValidationError, error::ValidationErrorKind};

mod advice;
mod union;

use crate::diagnostic::{Diagnostic, FileId, Label, RuleId};
use crate::frontmatter::{Node, Value};

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
    let schema_path = error.schema_path().as_str();
    let keyword = error.kind().keyword();
    let (node, key) = root.pointer(pointer).unwrap_or((root, None));
    let place = display_path(root, pointer);
    let rule = SCHEMA;
    // `additionalProperties: false` checked inside a union comes back as a `false` schema that
    // names one value of the mapping: the keys that the schema does not declare are the
    // unexpected ones.
    let undeclared = match (error.kind(), &node.value) {
        (ValidationErrorKind::FalseSchema, Value::Map(entries))
            if schema_path.ends_with("/additionalProperties") =>
        {
            let declared = schema
                .map(|doc| advice::declared_keys(doc, schema_path))
                .unwrap_or_default();
            let names: Vec<String> = entries
                .iter()
                .map(|(k, _)| k.text.clone())
                .filter(|k| !declared.contains(&k.as_str()))
                .collect();
            (!names.is_empty()).then_some(names)
        }
        _ => None,
    };
    match (error.kind(), undeclared.as_ref()) {
        (_, Some(unexpected))
        | (
            ValidationErrorKind::AdditionalProperties { unexpected }
            | ValidationErrorKind::UnevaluatedProperties { unexpected },
            _,
        ) => {
            let keyword = if keyword == "falseSchema" {
                "additionalProperties"
            } else {
                keyword
            };
            let declared = schema
                .map(|doc| advice::declared_keys(doc, schema_path))
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
                    .help(help)
                    .schema(pointer, keyword),
                );
            }
        }
        (ValidationErrorKind::Required { property }, _) => {
            let name = property
                .as_str()
                .map_or_else(|| property.to_string(), str::to_string);
            let requiring = schema
                .map(|doc| advice::requiring_keys(doc, schema_path, node, &name))
                .unwrap_or_default();
            if let Some(first) = requiring.first() {
                out.push(dependency(file, &place, &name, first, pointer, schema_path));
                return;
            }
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
            )
            .schema(pointer, keyword);
            let declared = schema
                .map(|doc| advice::declared_keys(doc, schema_path))
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
            let detail = advice::detail(error);
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
                Label::new(file, span, format!("breaks `{keyword}`")),
            )
            .schema(pointer, keyword);
            // `not: {required: [draft]}` forbids keys: the finding is at the forbidden key.
            if let ValidationErrorKind::Not { schema } = error.kind()
                && let Some(forbidden) = advice::forbidden_key(schema, node)
            {
                let name = &forbidden.text;
                d.message = match &place {
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

/// A property that `dependentRequired` (draft 7: `dependencies`) requires because `by` is
/// present: reported at `by`.
fn dependency(
    file: FileId,
    place: &Option<String>,
    name: &str,
    by: &crate::frontmatter::Key,
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
