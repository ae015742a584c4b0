//! Schema unions (`anyOf`, `oneOf`) that say what failed.
//!
//! A validator reports a failed union as "not valid under any of the schemas listed", spanning
//! the whole value. Instead, the finding comes from the branch that came closest: the fewest
//! errors (a branch whose very type is wrong at the union's place counts only when every branch
//! is of the wrong type), then the deepest failing place; it is reported at that branch's
//! deepest failing place and names the branch (its `title`, the name its `$ref` points at, or
//! its number). Where every branch fails at one and the same place, the finding is there and
//! lists what each branch wanted.

use std::ops::Range;

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::diagnostic::{Diagnostic, FileId};

use super::{advice, display_path, schema_findings};
use crate::frontmatter::Node;

/// The finding for a failed `anyOf` or `oneOf`; `None` for any other error.
pub fn finding(
    file: FileId,
    root: &Node,
    open: Range<usize>,
    error: &ValidationError<'_>,
    schema: Option<&Value>,
) -> Option<Diagnostic> {
    let (keyword, branches) = match error.kind() {
        ValidationErrorKind::AnyOf { context } => ("anyOf", context),
        ValidationErrorKind::OneOfNotValid { context } => ("oneOf", context),
        _ => return None,
    };
    if branches.is_empty() || branches.iter().any(Vec::is_empty) {
        return None;
    }
    let here = error.instance_path().as_str();
    let all_wrong_type = branches.iter().all(|b| wrong_type(b, here));
    let (best, errors) = closest(branches, here, all_wrong_type)?;
    // The branch's deepest failing place (the first one, among equals).
    let deepest = errors.iter().map(depth).max().unwrap_or(0);
    let target = errors.iter().find(|e| depth(e) == deepest)?;
    let mut inner = Vec::new();
    schema_findings(file, root, open, target, schema, &mut inner);
    let mut d = inner.into_iter().next()?;
    let names = branch_names(schema, error.schema_path().as_str(), branches.len());
    let place = target.instance_path().as_str();
    let same_place = place != here
        && branches
            .iter()
            .all(|b| b.iter().all(|e| e.instance_path().as_str() == place));
    let same_value = branches
        .iter()
        .all(|b| b.iter().all(|e| e.instance_path().as_str() == here));
    let every_branch_fails_here = (same_place || same_value) && branches.len() > 1;
    if every_branch_fails_here && (all_wrong_type || same_place) {
        d.message = match display_path(root, place) {
            Some(p) => format!(
                "`{p}` is valid under none of the {} branches of `{keyword}`",
                branches.len()
            ),
            None => format!(
                "the frontmatter is valid under none of the {} branches of `{keyword}`",
                branches.len()
            ),
        };
        d.notes.push(format!(
            "every branch fails here: {}",
            wanted(branches, &names)
        ));
        d = d.schema(place, keyword);
    } else {
        d.message = format!(
            "{} (in {}, the closest of the {} branches of `{keyword}`)",
            d.message,
            names[best],
            branches.len()
        );
        if every_branch_fails_here {
            d.notes.push(format!(
                "every branch fails here: {}",
                wanted(branches, &names)
            ));
        } else if errors.len() > 1 {
            d.notes.push(also_fails(root, &names[best], errors, target));
        }
    }
    Some(d)
}

/// How deep an error's place is in the frontmatter.
fn depth(e: &ValidationError<'_>) -> usize {
    e.instance_path().as_str().matches('/').count()
}

/// Whether a branch's errors say the value at the union's place `here` is of the wrong kind.
fn wrong_type(errors: &[ValidationError<'static>], here: &str) -> bool {
    errors
        .iter()
        .any(|e| e.instance_path().as_str() == here && wrong_kind(e))
}

/// The branch that came closest, with its number and its errors: the fewest errors (a branch
/// of the wrong type counts only when every branch is, `all_wrong_type`), then the deepest
/// failing place, then the first.
fn closest<'b>(
    branches: &'b [Vec<ValidationError<'static>>],
    here: &str,
    all_wrong_type: bool,
) -> Option<(usize, &'b Vec<ValidationError<'static>>)> {
    // A branch that only wants other values (`const`, `enum`) of the right type says less
    // than one that takes values of this kind and finds a flaw in this one.
    let only_other_values = |errors: &[ValidationError<'static>]| {
        errors.iter().all(|e| {
            e.instance_path().as_str() == here
                && matches!(
                    e.kind(),
                    ValidationErrorKind::Constant { .. } | ValidationErrorKind::Enum { .. }
                )
        })
    };
    branches.iter().enumerate().min_by_key(|(i, b)| {
        let deepest = b.iter().map(depth).max().unwrap_or(0);
        (
            !all_wrong_type && wrong_type(b, here),
            only_other_values(b),
            b.len(),
            std::cmp::Reverse(deepest),
            *i,
        )
    })
}

/// What each branch wanted, for a value where every branch fails. (The first three: a union
/// of many branches would fill the screen.)
fn wanted(branches: &[Vec<ValidationError<'static>>], names: &[String]) -> String {
    let mut listed: Vec<String> = branches
        .iter()
        .zip(names)
        .take(3)
        .map(|(b, name)| {
            let details: Vec<String> = b.iter().map(advice::detail).collect();
            format!("{name}: {}", details.join("; "))
        })
        .collect();
    if branches.len() > 3 {
        listed.push(format!("{} more", branches.len() - 3));
    }
    listed.join(" | ")
}

/// The note that lists the closest branch's other errors than `target`.
fn also_fails(
    root: &Node,
    name: &str,
    errors: &[ValidationError<'static>],
    target: &ValidationError<'static>,
) -> String {
    format!(
        "{name} also fails with {} more error{}: {}",
        errors.len() - 1,
        if errors.len() == 2 { "" } else { "s" },
        errors
            .iter()
            .filter(|e| !std::ptr::eq(*e, target))
            .map(|e| {
                let at = display_path(root, e.instance_path().as_str())
                    .map_or(String::new(), |p| format!("`{p}`: "));
                format!("{at}{}", advice::detail(e))
            })
            .collect::<Vec<_>>()
            .join("; ")
    )
}

/// Whether an error says the value is of the wrong kind for its branch: a `type` violation, or
/// a `const` or `enum` none of whose values has the value's type.
fn wrong_kind(e: &ValidationError<'_>) -> bool {
    let kind = |v: &Value| std::mem::discriminant(v);
    let instance = e.instance();
    let same = |v: &Value| kind(v) == kind(instance) || (v.is_number() && instance.is_number());
    match e.kind() {
        ValidationErrorKind::Type { .. } => true,
        ValidationErrorKind::Constant { expected_value } => !same(expected_value),
        ValidationErrorKind::Enum { options } => options
            .as_array()
            .is_some_and(|list| !list.iter().any(same)),
        _ => false,
    }
}

/// A name for each branch of the union at `schema_path` in the collection's schema: its
/// `title` (or that of the schema its local `$ref` points at), the last part of its `$ref`, or
/// "branch N" with the keys that an object branch requires (or its one key).
fn branch_names(schema: Option<&Value>, schema_path: &str, n: usize) -> Vec<String> {
    let list = schema
        .and_then(|s| s.pointer(schema_path))
        .and_then(Value::as_array);
    (0..n)
        .map(|i| {
            let branch = list.and_then(|l| l.get(i));
            if let Some(title) = branch.and_then(|b| b.get("title")).and_then(Value::as_str) {
                return format!("branch `{title}`");
            }
            if let Some(r) = branch.and_then(|b| b.get("$ref")).and_then(Value::as_str) {
                // A `$ref` within the schema names its target's title, if it has one.
                let target = r
                    .strip_prefix('#')
                    .and_then(|p| schema?.pointer(p))
                    .and_then(|t| t.get("title"))
                    .and_then(Value::as_str);
                let name = r.rsplit(['/', '#']).find(|s| !s.is_empty()).unwrap_or(r);
                return format!("branch `{}`", target.unwrap_or(name));
            }
            // An object branch without a name: the keys it requires, or its one key.
            let keys: Vec<&str> = match branch
                .and_then(|b| b.get("required"))
                .and_then(Value::as_array)
            {
                Some(required) => required.iter().filter_map(Value::as_str).collect(),
                None => branch
                    .and_then(|b| b.get("properties"))
                    .and_then(Value::as_object)
                    .filter(|p| p.len() == 1)
                    .map_or(Vec::new(), |p| p.keys().map(String::as_str).collect()),
            };
            if keys.is_empty() {
                format!("branch {}", i + 1)
            } else {
                format!("branch {} (`{}`)", i + 1, keys.join("`, `"))
            }
        })
        .collect()
}
