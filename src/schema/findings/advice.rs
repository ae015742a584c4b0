//! Advice for schema findings: the allowed key nearest to an unexpected one, and the allowed
//! value nearest to one that is not in an `enum`. Read from the collection's schema document,
//! at the error's keyword location.

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::frontmatter::{Key, Node, Value as YamlValue};
use crate::suggest::Closest;

/// The subschema at a keyword location (`/properties/claims/items/$ref/additionalProperties`),
/// following local `$ref`s (`#/$defs/claim`) on the way.
pub fn schema_at<'a>(doc: &'a Value, location: &str) -> Option<&'a Value> {
    let mut at = doc;
    for token in location.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
        if token == "$ref" {
            let target = at.get("$ref")?.as_str()?;
            let pointer = target.strip_prefix('#')?;
            at = doc.pointer(pointer)?;
            continue;
        }
        at = match at {
            Value::Object(map) => map.get(&token)?,
            Value::Array(items) => items.get(token.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(at)
}

/// The property names that the object schema holding the keyword at `location` declares
/// (`location` ends with `/additionalProperties`, `/required` or the like).
pub fn declared_keys<'a>(doc: &'a Value, location: &str) -> Vec<&'a str> {
    let parent = location.rsplit_once('/').map_or("", |(p, _)| p);
    schema_at(doc, parent)
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .map(|m| m.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

/// "did you mean `title`?" for an unexpected key close to a declared one.
pub fn nearest_key<'a>(declared: &[&'a str], unexpected: &str) -> Option<&'a str> {
    Closest::new(declared.iter().copied()).find(unexpected)
}

/// The key of `object` that is likely a misspelling of the missing `wanted` (and is not itself
/// a declared key): where a `required` finding should point the author.
pub fn misspelt_key<'a>(object: &'a Node, wanted: &str, declared: &[&str]) -> Option<&'a Key> {
    let YamlValue::Map(entries) = &object.value else {
        return None;
    };
    let candidates = entries
        .iter()
        .map(|(k, _)| k.text.as_str())
        .filter(|k| *k != wanted && !declared.contains(k));
    let found = Closest::new(candidates).find(wanted)?;
    entries.iter().map(|(k, _)| k).find(|k| k.text == found)
}

/// The allowed value nearest to `value`, among an `enum`'s string options.
pub fn nearest_value<'a>(options: &'a Value, value: &Value) -> Option<&'a str> {
    let value = value.as_str()?;
    let options = options.as_array()?;
    Closest::new(options.iter().filter_map(Value::as_str)).find(value)
}

/// What a violation says, with the offending value shown short: a long string by its start and
/// its length, a mapping or a list by its kind (the snippet shows it). The reason is never cut.
pub fn detail(e: &ValidationError<'_>) -> String {
    let instance = e.instance();
    let value = shown(instance);
    match e.kind() {
        ValidationErrorKind::Not { schema } => match compact(schema) {
            Some(s) => format!("{value} must not match the schema under `not`: `{s}`"),
            None => format!("{value} must not match the schema under `not`"),
        },
        ValidationErrorKind::Enum { options } => match options.as_array() {
            Some(list) => format!("{value} is not one of {}", choices(list)),
            None => format!("{value} is not one of the `enum` values"),
        },
        ValidationErrorKind::Constant { expected_value } => {
            format!("{} was expected, not {value}", shown(expected_value))
        }
        _ => {
            let text = e.to_string();
            let raw = instance.to_string();
            match text.find(&raw) {
                // The validator's wording, with the value shown short.
                Some(at) if raw != value => {
                    format!("{}{value}{}", &text[..at], &text[at + raw.len()..])
                }
                _ => text,
            }
        }
    }
}

/// A value as a message shows it: a string of at most [`SHOWN`] characters or a number as JSON,
/// a longer string by its start and its length, a mapping or a list by its kind.
pub fn shown(value: &Value) -> String {
    match value {
        Value::Object(_) => "the mapping".to_string(),
        Value::Array(_) => "the list".to_string(),
        Value::String(s) if s.chars().count() > SHOWN => {
            let start: String = s.chars().take(SHOWN / 2).collect();
            let start = Value::String(format!("{start}…")).to_string();
            format!("{start} ({} characters)", s.chars().count())
        }
        other => other.to_string(),
    }
}

/// Strings longer than this are shown by their start.
const SHOWN: usize = 60;

/// A subschema as compact JSON, when it is short enough to read in a message.
fn compact(schema: &Value) -> Option<String> {
    let text = schema.to_string();
    (text.chars().count() <= SHOWN).then_some(text)
}

/// `"a", "b" or "c"`; past ten options, the first ten and how many more.
fn choices(options: &[Value]) -> String {
    const LISTED: usize = 10;
    let mut listed: Vec<String> = options.iter().take(LISTED).map(shown).collect();
    if options.len() > LISTED {
        listed.push(format!("{} more", options.len() - LISTED));
    }
    match listed.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => listed.concat(),
    }
}

/// The key of `object` that a `not` schema of the form `{"required": [...]}` forbids (the
/// first present one of its names).
pub fn forbidden_key<'a>(not: &Value, object: &'a Node) -> Option<&'a Key> {
    let map = not.as_object().filter(|m| m.len() == 1)?;
    let names = map.get("required")?.as_array()?;
    let YamlValue::Map(entries) = &object.value else {
        return None;
    };
    entries
        .iter()
        .map(|(k, _)| k)
        .find(|k| names.iter().any(|n| n.as_str() == Some(k.text.as_str())))
}

/// For a property that `dependentRequired` (or draft 7's `dependencies`) requires: the keys of
/// `object` whose presence requires `missing`, read from the schema document at the error's
/// keyword location (`/properties/a/dependentRequired`, with or without the requiring key).
pub fn requiring_keys<'a>(
    doc: &Value,
    location: &str,
    object: &'a Node,
    missing: &str,
) -> Vec<&'a Key> {
    let YamlValue::Map(entries) = &object.value else {
        return Vec::new();
    };
    let tokens: Vec<&str> = location.split('/').collect();
    let Some(at) = tokens
        .iter()
        .rposition(|t| *t == "dependentRequired" || *t == "dependencies")
    else {
        return Vec::new();
    };
    let Some(map) = schema_at(doc, &tokens[..=at].join("/")).and_then(Value::as_object) else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|(k, _)| k)
        .filter(|k| {
            map.get(&k.text)
                .and_then(Value::as_array)
                .is_some_and(|needs| needs.iter().any(|n| n.as_str() == Some(missing)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyword_locations_follow_local_refs() {
        let doc: Value = serde_json::json!({
            "properties": { "claims": { "items": { "$ref": "#/$defs/claim" } } },
            "$defs": { "claim": { "properties": { "cites": {}, "id": {} }, "additionalProperties": false } }
        });
        let mut keys = declared_keys(&doc, "/properties/claims/items/$ref/additionalProperties");
        keys.sort();
        assert_eq!(keys, ["cites", "id"]);
        assert_eq!(nearest_key(&keys, "cite"), Some("cites"));
        assert_eq!(nearest_key(&keys, "zzzzzz"), None);
        let options = serde_json::json!(["app", "db", "framework", "lang"]);
        assert_eq!(
            nearest_value(&options, &serde_json::json!("frameworkk")),
            Some("framework")
        );
    }
}
