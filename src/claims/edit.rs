//! Adding `property`, `value` (and `negated`) to a claim in place, in the frontmatter's own
//! language and layout, touching no other byte. Claims written in a layout that an insertion
//! could break (flow style, several keys on the `id` line) are left alone with the reason.

use std::ops::Range;

use crate::model::Format;

/// What to add to one claim.
pub struct Addition<'a> {
    pub property: &'a str,
    pub value: &'a str,
    pub negated: bool,
}

/// An insertion into a file: `text` goes in at byte `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Insertion {
    pub at: usize,
    pub text: String,
}

/// Where and what to insert so that the claim whose `id` value spans `id` gains `add`, or why
/// it cannot be done safely.
pub fn insertion(
    text: &str,
    format: Format,
    id: Range<usize>,
    add: &Addition<'_>,
) -> Result<Insertion, String> {
    if text.get(id.clone()).is_none_or(|v| v.contains('\n')) {
        return Err("its `id` is not written on one line".into());
    }
    // The span of a quoted id may be its text alone: take the quotes in.
    let mut id = id;
    for q in ['"', '\''] {
        if text[..id.start].ends_with(q) && text[id.end..].starts_with(q) {
            id = id.start - 1..id.end + 1;
            break;
        }
    }
    let line_start = text[..id.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[id.end..].find('\n').map_or(text.len(), |i| id.end + i);
    let before = &text[line_start..id.start];
    let after = &text[id.end..line_end];
    let key = key_column(before, format).ok_or_else(|| {
        "its `id` shares a line with other keys or is written in flow style".to_string()
    })?;
    let indent = " ".repeat(before[..key].chars().count());
    let mut pairs = vec![("property", add.property), ("value", add.value)];
    if add.negated {
        pairs.push(("negated", "true"));
    }
    let next_line = (line_end + 1).min(text.len());
    match format {
        Format::Yaml => {
            if !is_blank_or_comment(after, '#') {
                return Err("its `id` line goes on after the value".into());
            }
            let mut out = String::new();
            for (k, v) in pairs {
                let v = if k == "negated" {
                    v.into()
                } else {
                    yaml_scalar(v)
                };
                out.push_str(&format!("{indent}{k}: {v}\n"));
            }
            Ok(at_line(text, next_line, line_end, out))
        }
        Format::Toml => {
            if !is_blank_or_comment(after, '#') {
                return Err("its `id` line goes on after the value".into());
            }
            let mut out = String::new();
            for (k, v) in pairs {
                let v = if k == "negated" { v.into() } else { quoted(v) };
                out.push_str(&format!("{indent}{k} = {v}\n"));
            }
            Ok(at_line(text, next_line, line_end, out))
        }
        Format::Json => {
            let rest = after.trim();
            let members: Vec<String> = pairs
                .iter()
                .map(|(k, v)| {
                    let v = if *k == "negated" {
                        v.to_string()
                    } else {
                        quoted(v)
                    };
                    format!("{indent}\"{k}\": {v}")
                })
                .collect();
            if rest == "," {
                Ok(at_line(
                    text,
                    next_line,
                    line_end,
                    format!("{},\n", members.join(",\n")),
                ))
            } else if rest.is_empty() {
                // The last member of its object: a comma after it, then the new members.
                Ok(Insertion {
                    at: id.end,
                    text: format!(",\n{}", members.join(",\n")),
                })
            } else {
                Err("its `id` line goes on after the value".into())
            }
        }
    }
}

/// The column (in bytes) where the `id` key starts on a line whose text before the value is
/// `before`, when the line holds nothing else but block-sequence dashes and white space.
fn key_column(before: &str, format: Format) -> Option<usize> {
    let trimmed = before.trim_end();
    let (sep, quoted_key) = match format {
        Format::Yaml => (':', false),
        Format::Toml => ('=', false),
        Format::Json => (':', true),
    };
    let head = trimmed.strip_suffix(sep)?.trim_end();
    let key = match (quoted_key, format) {
        (true, _) => "\"id\"",
        (false, Format::Yaml) if head.ends_with("\"id\"") || head.ends_with("'id'") => {
            &head[head.len() - 4..]
        }
        (false, Format::Toml) if head.ends_with("\"id\"") => "\"id\"",
        _ => "id",
    };
    let lead = head.strip_suffix(key)?;
    let allowed = |c: char| c == ' ' || (format == Format::Yaml && c == '-');
    if !lead.chars().all(allowed) {
        return None;
    }
    if format == Format::Yaml && !lead.is_empty() && !lead.ends_with(' ') {
        return None;
    }
    Some(lead.len())
}

fn is_blank_or_comment(rest: &str, comment: char) -> bool {
    let rest = rest.trim();
    rest.is_empty() || rest.starts_with(comment)
}

/// The insertion at the start of the next line, or after a final line without a line break.
fn at_line(text: &str, next_line: usize, line_end: usize, lines: String) -> Insertion {
    if line_end == text.len() {
        Insertion {
            at: line_end,
            text: format!("\n{}", lines.trim_end_matches('\n')),
        }
    } else {
        Insertion {
            at: next_line,
            text: lines,
        }
    }
}

/// A string as a YAML scalar that reads back as that string: plain when it is safely plain,
/// double-quoted otherwise.
fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/' | ' '))
        && s.chars().next().is_some_and(char::is_alphanumeric)
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "~" | ".nan" | ".inf"
        )
        && s.parse::<f64>().is_err();
    if plain { s.to_string() } else { quoted(s) }
}

/// A double-quoted string in the escapes that YAML, TOML and JSON share.
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add<'a>() -> Addition<'a> {
        Addition {
            property: "orientation",
            value: "tactical",
            negated: false,
        }
    }

    fn apply(text: &str, format: Format, id: &str) -> Result<String, String> {
        let start = text.find(id).unwrap();
        let ins = insertion(text, format, start..start + id.len(), &add())?;
        let mut out = text.to_string();
        out.insert_str(ins.at, &ins.text);
        Ok(out)
    }

    #[test]
    fn yaml_lines_follow_the_id_at_its_indent() {
        let text = "---\nclaims:\n  - id: c1\n    text: x\n---\n";
        assert_eq!(
            apply(text, Format::Yaml, "c1").unwrap(),
            "---\nclaims:\n  - id: c1\n    property: orientation\n    value: tactical\n    text: x\n---\n"
        );
        let text = "---\nclaims:\n  - text: x\n    id: c1 # first\n---\n";
        assert!(
            apply(text, Format::Yaml, "c1")
                .unwrap()
                .contains("    id: c1 # first\n    property: orientation\n")
        );
    }

    #[test]
    fn flow_style_and_crowded_lines_are_left_alone() {
        let text = "---\nclaims:\n  - {id: c1, text: x}\n---\n";
        assert!(apply(text, Format::Yaml, "c1").is_err());
        let text = "+++\nclaims = [{ id = \"c1\", text = \"x\" }]\n+++\n";
        assert!(apply(text, Format::Toml, "c1").is_err());
    }

    #[test]
    fn toml_and_json_get_their_own_syntax() {
        let text = "+++\n[[claims]]\nid = \"c1\"\ntext = \"x\"\n+++\n";
        assert!(
            apply(text, Format::Toml, "c1")
                .unwrap()
                .contains("id = \"c1\"\nproperty = \"orientation\"\nvalue = \"tactical\"\ntext")
        );
        let text = "{\n  \"claims\": [\n    {\n      \"text\": \"x\",\n      \"id\": \"c1\"\n    }\n  ]\n}\n";
        let out = apply(text, Format::Json, "c1").unwrap();
        assert!(
            out.contains("\"id\": \"c1\",\n      \"property\": \"orientation\",\n      \"value\": \"tactical\"\n    }"),
            "{out}"
        );
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
    }

    #[test]
    fn yaml_values_that_would_read_as_other_types_are_quoted() {
        assert_eq!(yaml_scalar("tactical"), "tactical");
        assert_eq!(yaml_scalar("whole-lifecycle"), "whole-lifecycle");
        assert_eq!(yaml_scalar("true"), "\"true\"");
        assert_eq!(yaml_scalar("7"), "\"7\"");
        assert_eq!(yaml_scalar("a: b"), "\"a: b\"");
    }
}
