//! Whether a fix is safe for the YAML it edits: fixes replace one single-line scalar (or insert
//! one line before the closing `---`), so anything else around the span declines the fix.

use crate::diagnostic::Fix;
use crate::frontmatter::{self, Node, Value, yaml};

/// Declines a fix that points outside the frontmatter, or that would rewrite a block scalar,
/// an anchored or tagged value, an alias, or a value written on several lines.
pub fn check_one(text: &str, fix: &Fix) -> Result<(), String> {
    let span = fix.span.clone();
    if text.get(span.clone()).is_none() {
        return Err("it points outside the file as it was read".into());
    }
    let Ok(split) = frontmatter::split(text) else {
        return Err("the file has no frontmatter to edit".into());
    };
    if span.start < split.yaml.start || span.end > split.yaml.end {
        return Err("it points outside the frontmatter".into());
    }
    if removes_comment(text, fix) {
        return Ok(()); // the data must come out the same: `check_file` compares it
    }
    if span.is_empty() {
        // An inserted line: whole lines only, and one of them.
        let at_line_start = span.start == 0 || text.as_bytes()[span.start - 1] == b'\n';
        let one_line = fix.replacement.ends_with('\n')
            && !fix
                .replacement
                .trim_end_matches(['\r', '\n'])
                .contains('\n');
        if !at_line_start || !one_line {
            return Err("it would insert more than one whole line".into());
        }
        return Ok(());
    }
    if fix.replacement.contains(['\n', '\r']) {
        return Err("the new value would span several lines".into());
    }
    let old = &text[span.clone()];
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let before = text[line_start..span.start].trim_end();
    let lead = before.rsplit([' ', '\t']).next().unwrap_or("");
    match old.trim_start().chars().next() {
        Some('*') => {
            return Err(format!(
                "the value is the alias `{}`; fix the value it refers to by hand",
                first_word(old)
            ));
        }
        Some('&') => {
            return Err(format!(
                "the value carries the anchor `{}` that other values may refer to; fix it by hand",
                first_word(old)
            ));
        }
        Some('!') => return Err(format!("the value has the tag `{}`", first_word(old))),
        Some(c @ ('|' | '>')) => {
            return Err(format!(
                "the value is a block scalar (`{c}`{}); kblint rewrites only single-line values, so edit it by hand",
                old.trim_start()[1..]
                    .chars()
                    .take_while(|c| matches!(c, '-' | '+' | '0'..='9'))
                    .collect::<String>()
            ));
        }
        _ => {}
    }
    if before.is_empty() {
        // The value starts its own line: what introduces it ends the line above.
        let above = text[..line_start].trim_end();
        let header = above.rsplit([' ', '\t', '\n']).next().unwrap_or("");
        if header.starts_with(['|', '>'])
            && header[1..]
                .chars()
                .all(|c| matches!(c, '-' | '+' | '0'..='9'))
        {
            return Err(format!(
                "the value is a block scalar (`{header}`); kblint rewrites only single-line values, so edit it by hand"
            ));
        }
        return Err("the value starts on a line of its own; edit it by hand".into());
    }
    if lead.starts_with('&') || lead.starts_with('!') {
        return Err(format!(
            "the value follows `{lead}`; fix it by hand so that no anchor or tag is lost"
        ));
    }
    if old.trim_end().contains('\n') {
        return Err("the value is written on several lines; edit it by hand".into());
    }
    Ok(())
}

fn first_word(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

/// Checks the whole edited file: its frontmatter still closes where it did and parses without
/// a problem, its body is unchanged, every replaced value was reached by one path only (not
/// shared through an alias), and nothing but the fixed values changed.
pub fn check_file(old: &str, new: &str, fixes: &[&Fix]) -> Result<(), String> {
    let (Ok(a), Ok(b)) = (frontmatter::split(old), frontmatter::split(new)) else {
        return Err("the edited frontmatter would no longer close".into());
    };
    if old[a.body.clone()] != new[b.body.clone()] {
        return Err("the edit would reach into the body".into());
    }
    if a.format != frontmatter::Format::Yaml || b.format != a.format {
        return same_data(a.format, &old[a.yaml], &new[b.yaml]);
    }
    let Ok((before, _)) = yaml::parse(old, a.yaml) else {
        return Err("its frontmatter does not parse".into());
    };
    let after = match yaml::parse(new, b.yaml) {
        Ok((node, dups)) if dups.is_empty() => node,
        _ => return Err("the edited frontmatter would no longer parse".into()),
    };
    let mut expected = before.clone().into_json();
    let actual = after.clone().into_json();
    for fix in fixes {
        if fix.span.is_empty() || removes_comment(old, fix) {
            continue;
        }
        let mut paths = Vec::new();
        find(&before, &fix.span, String::new(), &mut paths);
        match paths.as_slice() {
            [] => return Err("the fixed value is not a value of the frontmatter".into()),
            [path] => {
                let Some(value) = actual.pointer(path).filter(|v| v.is_string()) else {
                    return Err("the fixed value would not be a string".into());
                };
                if let Some(slot) = expected.pointer_mut(path) {
                    *slot = value.clone();
                }
            }
            _ => {
                return Err(
                    "the value is shared through a YAML alias; fix the anchored value by hand"
                        .into(),
                );
            }
        }
    }
    // Inserted lines add top-level keys that were not there.
    if let (Some(exp), Some(act)) = (expected.as_object_mut(), actual.as_object()) {
        for (key, value) in act {
            if !exp.contains_key(key) && fixes.iter().any(|f| f.span.is_empty()) {
                exp.insert(key.clone(), value.clone());
            }
        }
    }
    if expected != actual {
        return Err("the edit would change other values of the frontmatter".into());
    }
    Ok(())
}

/// The JSON pointers of every node spanning exactly `span` (more than one: an alias).
fn find(node: &Node, span: &std::ops::Range<usize>, at: String, out: &mut Vec<String>) {
    if node.span == *span && !matches!(node.value, Value::Seq(_) | Value::Map(_)) {
        out.push(at.clone());
    }
    match &node.value {
        Value::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                find(item, span, format!("{at}/{i}"), out);
            }
        }
        Value::Map(entries) => {
            for (key, value) in entries {
                let key = key.text.replace('~', "~0").replace('/', "~1");
                find(value, span, format!("{at}/{key}"), out);
            }
        }
        _ => {}
    }
}

/// For TOML and JSON frontmatter: the edited text still parses, and only `sha256` and `quote`
/// values differ (a fix touches no other key).
fn same_data(format: frontmatter::Format, old: &str, new: &str) -> Result<(), String> {
    let parse = |text: &str| -> Option<serde_json::Value> {
        match format {
            frontmatter::Format::Toml => toml::from_str(text).ok(),
            _ => serde_json::from_str(text).ok(),
        }
    };
    let Some(mut before) = parse(old) else {
        return Err("its frontmatter does not parse".into());
    };
    let Some(mut after) = parse(new) else {
        return Err("the edited frontmatter would no longer parse".into());
    };
    strip(&mut before);
    strip(&mut after);
    if before != after {
        return Err("the edit would change other values of the frontmatter".into());
    }
    Ok(())
}

/// The value without the values fixes change (`sha256`, every `quote`).
fn strip(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("sha256");
            if let Some(q) = map.get_mut("quote") {
                *q = serde_json::Value::Null;
            }
            map.values_mut().for_each(strip);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

/// A fix that deletes a comment (an unused suppression), leaving the data as it was.
fn removes_comment(text: &str, fix: &Fix) -> bool {
    text.get(fix.span.clone())
        .is_some_and(|old| old.trim_start().starts_with('#'))
        && fix.replacement.trim().is_empty()
}
