//! Deriving a JSON Schema from the frontmatter of existing notes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value as Json, json};

use crate::frontmatter;

use super::plural;

/// At most this many distinct strings make an `enum`.
const ENUM_MAX: usize = 5;
/// Fewer values than this make no `enum`: too few to tell a category from chance.
const ENUM_MIN_VALUES: usize = 4;
/// A key that at most one in this many objects lacks is still required, once there are this
/// many objects: the few that lack it are likely omissions, reported by the first lint.
const NEARLY_ALL: usize = 20;

/// What `kblint init` derived from the frontmatter of a collection's notes.
pub(super) struct Derived {
    /// The JSON Schema, as pretty JSON.
    pub schema: String,
    /// The top-level keys the schema requires.
    pub required: Vec<String>,
    /// A sentence for each key that looks like a misspelling of a more common one (noted in the
    /// schema too, as the rare key's `description`).
    pub near: Vec<String>,
    /// What else was decided, and why, in words: one line each.
    pub decisions: Vec<String>,
}

/// A JSON Schema derived from `notes`, strict enough to catch a misspelt key: every key typed
/// by the values seen; required when (nearly) every note has it; no other key allowed
/// (`additionalProperties: false`, so that `titel` is refused with "did you mean `title`?");
/// nested objects described the same way; dates and date-times with their `format`; an `enum`
/// for a key with few distinct values, each seen more than once. Every note passes it but
/// those that lack a key nearly all others have.
pub(super) fn derive_schema(name: &str, notes: &[&frontmatter::Node]) -> Derived {
    let mut shape = Shape::default();
    for note in notes {
        shape.add(&note.value, false);
    }
    let counts: BTreeMap<&str, usize> = shape
        .properties
        .iter()
        .map(|(k, s)| (*k, s.count))
        .collect();
    let near = near_duplicates(&counts);
    let mut decisions = Decisions::default();
    let mut schema = shape.schema("", &mut decisions);
    if let Json::Object(properties) = &mut schema["properties"] {
        for (rare, (common, n)) in &near {
            let seen = counts[rare];
            if let Some(Json::Object(property)) = properties.get_mut(*rare) {
                let described = json!(format!(
                    "Only in {seen} note{}, beside `{common}` in {n}: a misspelling of `{common}`? Rename it in those notes and remove this property, or keep both on purpose.",
                    plural(seen)
                ));
                let mut with = serde_json::Map::from_iter([("description".to_string(), described)]);
                with.append(property);
                *property = with;
            }
        }
    }
    let required: Vec<String> = schema["required"]
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|k| k.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let mut root = serde_json::Map::new();
    root.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    root.insert("title".into(), json!(format!("{name} note")));
    root.insert(
        "description".into(),
        json!(format!(
            "Derived by `kblint init` from {} note{}: every key typed by the values seen, required when (nearly) every note has it, and no other key allowed.",
            notes.len(),
            plural(notes.len())
        )),
    );
    if let Json::Object(derived) = schema {
        root.extend(derived);
    }
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
    Derived {
        schema: serde_json::to_string_pretty(&Json::Object(root)).unwrap_or_default() + "\n",
        required,
        near: said,
        decisions: decisions.lines(notes.len()),
    }
}

/// Everything seen at one place of the frontmatter (the top, `extra`, `claims[]`): how many
/// values, of which types, and what they hold.
#[derive(Default)]
struct Shape<'a> {
    /// How many values were seen here.
    count: usize,
    types: BTreeSet<&'static str>,
    strings: usize,
    dates: usize,
    date_times: usize,
    /// The distinct strings, while there are at most `ENUM_MAX` of them.
    values: BTreeMap<&'a str, usize>,
    too_many_values: bool,
    /// Whether the place is inside a list: no `enum` there (a list of ids or tags grows).
    in_list: bool,
    /// How many of the values were objects, and what their keys held.
    objects: usize,
    properties: BTreeMap<&'a str, Shape<'a>>,
    /// What the items of the lists held.
    items: Option<Box<Shape<'a>>>,
}

impl<'a> Shape<'a> {
    fn add(&mut self, value: &'a frontmatter::Value, in_list: bool) {
        self.count += 1;
        self.in_list |= in_list;
        self.types.insert(json_type(value));
        match value {
            frontmatter::Value::Str(s) => {
                self.strings += 1;
                self.dates += usize::from(is_date(s));
                self.date_times += usize::from(is_date_time(s));
                if !self.too_many_values {
                    *self.values.entry(s.as_str()).or_default() += 1;
                    if self.values.len() > ENUM_MAX {
                        self.too_many_values = true;
                        self.values.clear();
                    }
                }
            }
            frontmatter::Value::Map(entries) => {
                self.objects += 1;
                for (key, v) in entries {
                    let inner = self.properties.entry(key.text.as_str()).or_default();
                    inner.add(&v.value, self.in_list);
                }
            }
            frontmatter::Value::Seq(items) => {
                let shape = self.items.get_or_insert_with(Box::default);
                for item in items {
                    shape.add(&item.value, true);
                }
            }
            _ => {}
        }
    }

    /// The schema of this place; `at` names it in the decisions (`extra.author`).
    fn schema(&self, at: &str, decisions: &mut Decisions) -> Json {
        let mut schema = serde_json::Map::new();
        schema.insert("type".into(), type_value(&self.types));
        let only_strings = self.types.len() == 1 && self.strings > 0;
        if self.strings > 0 && self.dates == self.strings {
            schema.insert("format".into(), json!("date"));
            decisions.formats.push((at.to_string(), "date"));
        } else if self.strings > 0 && self.date_times == self.strings {
            schema.insert("format".into(), json!("date-time"));
            decisions.formats.push((at.to_string(), "date-time"));
        } else if only_strings && self.is_category() {
            let values: Vec<&str> = self.values.keys().copied().collect();
            schema.insert("enum".into(), json!(values));
            decisions
                .enums
                .push((at.to_string(), values.len(), self.strings));
        }
        if let Some(items) = &self.items
            && items.count > 0
        {
            schema.insert("items".into(), items.schema(&format!("{at}[]"), decisions));
        }
        if self.objects > 0 {
            let lacking = self.objects / NEARLY_ALL;
            let mut required = Vec::new();
            let mut properties = serde_json::Map::new();
            for (key, inner) in &self.properties {
                let here = if at.is_empty() {
                    key.to_string()
                } else {
                    format!("{at}.{key}")
                };
                if inner.count + lacking >= self.objects {
                    required.push(key.to_string());
                    decisions
                        .required
                        .push((here.clone(), inner.count, self.objects));
                }
                properties.insert(key.to_string(), inner.schema(&here, decisions));
            }
            if !at.is_empty() {
                decisions.nested.push(at.to_string());
            }
            schema.insert("required".into(), json!(required));
            schema.insert("properties".into(), Json::Object(properties));
            schema.insert("additionalProperties".into(), json!(false));
        }
        Json::Object(schema)
    }

    /// A few distinct strings, each seen more than once: a category (`status`, `template`),
    /// not free text. One value seen everywhere is no category: the next note may differ.
    fn is_category(&self) -> bool {
        !self.too_many_values
            && !self.in_list
            && self.strings >= ENUM_MIN_VALUES
            && self.values.len() >= 2
            && self.values.len() * 2 <= self.strings
            && self.values.values().all(|n| *n >= 2)
    }
}

/// What the derivation decided, gathered while the schema is built.
#[derive(Default)]
struct Decisions {
    /// Where, how many objects there have it, how many objects there are.
    required: Vec<(String, usize, usize)>,
    formats: Vec<(String, &'static str)>,
    /// Where, how many values allowed, how many strings seen.
    enums: Vec<(String, usize, usize)>,
    /// The objects described key by key below the top.
    nested: Vec<String>,
}

impl Decisions {
    /// One line per kind of decision, each saying why.
    fn lines(&self, notes: usize) -> Vec<String> {
        let mut out = Vec::new();
        let top: Vec<&(String, usize, usize)> = self
            .required
            .iter()
            .filter(|(at, _, _)| !at.contains(['.', '[']))
            .collect();
        let all: Vec<String> = top
            .iter()
            .filter(|(_, n, of)| n == of)
            .map(|(at, _, _)| format!("`{at}`"))
            .collect();
        if !all.is_empty() {
            out.push(format!("required: {} (in every note)", all.join(", ")));
        }
        for (at, n, of) in top.iter().filter(|(_, n, of)| n != of) {
            let why = match of - n {
                1 => "the note without it looks like an omission, and `kblint check` reports it"
                    .to_string(),
                m => format!(
                    "the {m} without it look like omissions, and `kblint check` reports them"
                ),
            };
            out.push(format!("required: `{at}`, in {n} of {of} notes: {why}"));
        }
        out.push(String::from(
            "any other key is refused (`additionalProperties: false`), with the nearest known key suggested: a misspelt `titel` is caught (add a property to the schema to allow a new key)"
        ));
        if !self.formats.is_empty() {
            let list: Vec<String> = self
                .formats
                .iter()
                .map(|(at, f)| format!("`{at}` a {f}"))
                .collect();
            out.push(format!("formats: {} (every value is one)", list.join(", ")));
        }
        for (at, n, seen) in &self.enums {
            out.push(format!(
                "enum: `{at}` is one of the {n} values seen ({seen} values in {notes} note{}, each value more than once)",
                plural(notes)
            ));
        }
        if !self.nested.is_empty() {
            let list: Vec<String> = self.nested.iter().map(|at| format!("`{at}`")).collect();
            out.push(format!(
                "nested objects described key by key, the same way: {}",
                list.join(", ")
            ));
        }
        out
    }
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

/// Whether `s` is an RFC 3339 date-time with an offset (`2026-11-22T10:30:00Z`,
/// `2026-11-22T10:30:00.5+01:00`), as JSON Schema's `date-time` format asks. A TOML local
/// date-time, without offset, is not one.
fn is_date_time(s: &str) -> bool {
    let Some((date, time)) = s.split_once(['T', 't']) else {
        return false;
    };
    if !is_date(date) || time.len() < 9 {
        return false;
    }
    let two = |t: &str, max: u32| {
        t.len() == 2
            && t.bytes().all(|b| b.is_ascii_digit())
            && t.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let b = time.as_bytes();
    if b[2] != b':'
        || b[5] != b':'
        || !two(&time[..2], 23)
        || !two(&time[3..5], 59)
        || !two(&time[6..8], 59)
    {
        return false;
    }
    let mut rest = &time[8..];
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return false;
        }
        rest = &fraction[digits..];
    }
    match rest {
        "Z" | "z" => true,
        offset => {
            let o = offset.as_bytes();
            o.len() == 6
                && (o[0] == b'+' || o[0] == b'-')
                && o[3] == b':'
                && two(&offset[1..3], 23)
                && two(&offset[4..6], 59)
        }
    }
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

    #[test]
    fn date_times_have_an_offset() {
        assert!(is_date_time("1979-05-27T07:32:00Z"));
        assert!(is_date_time("1979-05-27T07:32:00.999-07:00"));
        assert!(!is_date_time("1979-05-27T07:32:00"), "a local date-time");
        assert!(!is_date_time("1979-05-27 07:32:00Z"));
        assert!(!is_date_time("1979-05-27T24:00:00Z"));
        assert!(!is_date_time("1979-05-27"));
    }
}
