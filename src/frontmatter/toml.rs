//! TOML frontmatter (Hugo's and Zola's `+++` form) with a byte span on every key and value, as
//! the same [`Node`] tree that the YAML loader builds.
//!
//! The `toml` crate's `DeTable` keeps the span of every key and value. Its tables are sorted by
//! key, so each mapping is put back in the order of the file. Dates and times, which JSON has
//! no type for, become their RFC 3339 text (`1979-05-27T07:32:00Z`, `1979-05-27`, `07:32:00`),
//! the strings that JSON Schema's `date-time`, `date` and `time` formats check.

use std::ops::Range;

use ::toml::Spanned;
use ::toml::de::{DeTable, DeValue};

use super::{Key, MAX_DEPTH, Node, Value, YamlError};

/// Parses the TOML in `file[range]`. TOML forbids a key twice, so there are no duplicates to
/// return beside the document: a repeated key is an error.
pub fn parse(file: &str, range: Range<usize>) -> Result<(Node, Vec<YamlError>), YamlError> {
    let text = &file[range.clone()];
    let base = range.start;
    let table = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        let start = base + span.start.min(text.len());
        let end = base + span.end.min(text.len());
        YamlError {
            message: e.message().trim_end().to_string(),
            span: start..end.max(start),
            related: None,
        }
    })?;
    let span = table.span();
    let root = node(
        DeValue::Table(table.into_inner()),
        base + span.start..base + span.end,
        base,
        0,
    )?;
    Ok((root, Vec::new()))
}

fn node(
    value: DeValue<'_>,
    span: Range<usize>,
    base: usize,
    depth: usize,
) -> Result<Node, YamlError> {
    let shift = |s: Range<usize>| base + s.start..base + s.end;
    let too_deep = || YamlError {
        message: format!("TOML nested deeper than {MAX_DEPTH} levels"),
        span: span.clone(),
        related: None,
    };
    let value = match value {
        DeValue::String(s) => Value::Str(s.into_owned()),
        DeValue::Integer(i) => match i64::from_str_radix(i.as_str(), i.radix()) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::Float(i.as_str().parse().unwrap_or(f64::NAN)),
        },
        DeValue::Float(f) => Value::Float(f.as_str().parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::Str(d.to_string()),
        DeValue::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(too_deep());
            }
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                let s = shift(item.span());
                out.push(node(item.into_inner(), s, base, depth + 1)?);
            }
            Value::Seq(out)
        }
        DeValue::Table(table) => {
            if depth >= MAX_DEPTH {
                return Err(too_deep());
            }
            let mut entries = Vec::with_capacity(table.len());
            for (k, v) in table {
                let key = Key {
                    span: shift(k.span()),
                    text: k.into_inner().into_owned(),
                };
                let s = shift(Spanned::span(&v));
                entries.push((key, node(v.into_inner(), s, base, depth + 1)?));
            }
            // The file's order, not the table's sorted one.
            entries.sort_by_key(|(k, _)| k.span.start);
            Value::Map(entries)
        }
    };
    Ok(Node { span, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_spans_and_order() {
        let file = "+++\ntitle = \"Zola\"\ndate = 2026-11-22\nupdated = 1979-05-27T07:32:00Z\nn = 0x1F\naliases = [\"a\", 'b']\n\n[extra]\nauthor = \"é\"\n+++\n";
        let end = file.rfind("+++").unwrap();
        let (n, _) = parse(file, 4..end).unwrap();
        let keys: Vec<&str> = match &n.value {
            Value::Map(e) => e.iter().map(|(k, _)| k.text.as_str()).collect(),
            _ => panic!(),
        };
        assert_eq!(keys, ["title", "date", "updated", "n", "aliases", "extra"]);
        assert_eq!(n.get("date").unwrap().as_str(), Some("2026-11-22"));
        assert_eq!(
            n.get("updated").unwrap().as_str(),
            Some("1979-05-27T07:32:00Z")
        );
        assert_eq!(n.get("n").unwrap().value, Value::Int(31));
        let (b, _) = n.pointer("/aliases/1").unwrap();
        assert_eq!(&file[b.span.clone()], "'b'");
        let (author, key) = n.pointer("/extra/author").unwrap();
        assert_eq!(&file[author.span.clone()], "\"é\"");
        assert_eq!(&file[key.unwrap().span.clone()], "author");
    }

    #[test]
    fn errors_name_the_place() {
        let file = "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n";
        let e = parse(file, 4..file.len() - 4).unwrap_err();
        assert!(e.span.start >= 16, "{e:?}");
        let file = "+++\ntitle = \n+++\n";
        assert!(parse(file, 4..file.len() - 4).is_err());
    }
}
