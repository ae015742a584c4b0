//! The `schema` findings of a frontmatter that breaks its collection's JSON Schema: one per
//! violation, at the offending value, with advice read from the schema document ([`advice`]).
//! A failed union is reported from the branch that came closest ([`union`]), which reads that
//! branch's own violations with [`schema_findings`] again.

use std::ops::Range;

use jsonschema::{ValidationError, error::ValidationErrorKind};

mod advice;
mod union;

use crate::diagnostic::{Diagnostic, FileId, Label};
use crate::frontmatter::Node;

/// The rule of findings about frontmatter that breaks its schema.
const SCHEMA: &str = "schema";

/// One finding per violation, at the offending value (for a missing property: at the key of
/// the object that lacks it; for an unexpected property: at that key).
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
pub fn display_path(pointer: &str) -> Option<String> {
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
