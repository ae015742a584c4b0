//! Deriving a JSON Schema from the frontmatter of existing notes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value as Json, json};

use crate::frontmatter;

use super::plural;

/// A JSON Schema that every one of `notes` passes: each key typed by the values seen,
/// `required` the keys that every note has. Returns the schema's text, the required keys, and
/// a sentence for each key that looks like a misspelling of a more common one (noted in the
/// schema too, as the rare key's `description`).
pub(super) fn derive_schema(
    name: &str,
    notes: &[&frontmatter::Node],
) -> (String, Vec<String>, Vec<String>) {
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
        let frontmatter::Value::Map(entries) = &note.value else {
            continue;
        };
        for (key, value) in entries {
            let seen = keys.entry(key.text.as_str()).or_default();
            seen.count += 1;
            seen.types.insert(json_type(&value.value));
            if let frontmatter::Value::Str(s) = &value.value {
                seen.strings += 1;
                seen.dates += usize::from(is_date(s));
            }
            if let frontmatter::Value::Seq(items) = &value.value {
                seen.items.extend(items.iter().map(|i| json_type(&i.value)));
            }
        }
    }
    let counts: BTreeMap<&str, usize> = keys.iter().map(|(k, s)| (*k, s.count)).collect();
    let near = near_duplicates(&counts);
    let mut properties = serde_json::Map::new();
    for (key, seen) in &keys {
        let mut property = serde_json::Map::new();
        if let Some((common, n)) = near.get(key) {
            property.insert(
                "description".into(),
                json!(format!(
                    "Only in {} note{}, beside `{common}` in {n}: a misspelling of `{common}`? Rename it in those notes and remove this property, or keep both on purpose.",
                    seen.count,
                    plural(seen.count)
                )),
            );
        }
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
    let said = near
        .iter()
        .map(|(rare, (common, n))| {
            format!(
                "`{rare}` ({} note{}) looks like a misspelling of `{common}` ({n} note{}): noted in the schema",
                counts[rare],
                plural(counts[rare]),
                plural(*n)
            )
        })
        .collect();
    (
        serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n",
        required,
        said,
    )
}

/// The keys that look like a misspelling of a key that more notes have: rare key → (common
/// key, how many notes have it). Two keys look alike when they are equal but for case, `_` and
/// `-`, or at most two edits apart (one for short keys).
fn near_duplicates<'a>(counts: &BTreeMap<&'a str, usize>) -> BTreeMap<&'a str, (&'a str, usize)> {
    let mut out = BTreeMap::new();
    for (&rare, &n) in counts {
        let best = counts
            .iter()
            .filter(|(k, m)| **k != rare && **m > n && alike(rare, k))
            .max_by_key(|(k, m)| (**m, std::cmp::Reverse(**k)));
        if let Some((&common, &m)) = best {
            out.insert(rare, (common, m));
        }
    }
    out
}

fn alike(a: &str, b: &str) -> bool {
    let plain = |s: &str| -> String {
        s.chars()
            .filter(|c| *c != '_' && *c != '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    if plain(a) == plain(b) {
        return true;
    }
    let shortest = a.chars().count().min(b.chars().count());
    let allowed = match shortest {
        0..=3 => return false,
        4..=7 => 1,
        _ => 2,
    };
    edits(a, b) <= allowed
}

/// The Levenshtein distance between two strings, in chars.
fn edits(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let here = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb))
                .min(row[j] + 1)
                .min(here + 1);
            prev = here;
        }
    }
    row[b.len()]
}

fn json_type(value: &frontmatter::Value) -> &'static str {
    match value {
        frontmatter::Value::Null => "null",
        frontmatter::Value::Bool(_) => "boolean",
        frontmatter::Value::Int(_) => "integer",
        frontmatter::Value::Float(_) => "number",
        frontmatter::Value::Str(_) => "string",
        frontmatter::Value::Seq(_) => "array",
        frontmatter::Value::Map(_) => "object",
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
    fn rare_keys_that_look_like_common_ones_are_noted() {
        let counts = BTreeMap::from([
            ("alternate_urls", 206),
            ("alternative_urls", 2),
            ("title", 208),
            ("tile", 1),
            ("tags", 5),
            ("tag", 5),
            ("id", 9),
            ("ids", 1),
            ("releaseDate", 3),
            ("release_date", 1),
        ]);
        let near = near_duplicates(&counts);
        assert_eq!(near.get("alternative_urls"), Some(&("alternate_urls", 206)));
        assert_eq!(near.get("tile"), Some(&("title", 208)));
        assert_eq!(near.get("release_date"), Some(&("releaseDate", 3)));
        assert_eq!(
            near.get("tag"),
            None,
            "as many notes: no telling which is right"
        );
        assert_eq!(
            near.get("ids"),
            None,
            "short keys differ by one letter on purpose"
        );
        assert_eq!(near.len(), 3, "{near:?}");
    }

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
