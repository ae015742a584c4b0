//! Advice for schema findings: the allowed key nearest to an unexpected one, and the allowed
//! value nearest to one that is not in an `enum`. Read from the collection's schema document,
//! at the error's keyword location.

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
