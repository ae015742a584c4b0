//! Deriving a JSON Schema from the frontmatter of existing notes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value as Json, json};

use crate::yaml;

use super::plural;

/// A JSON Schema that every one of `notes` passes: each key typed by the values seen,
/// `required` the keys that every note has. Returns the schema's text and the required keys.
pub(super) fn derive_schema(name: &str, notes: &[&yaml::Node]) -> (String, Vec<String>) {
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
}
