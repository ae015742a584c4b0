//! Offset mapping: where each byte of a scalar's value stands in the file, through quotes,
//! escapes and block scalars, so that a place inside a value can be shown in the file.

use std::ops::Range;

/// For a scalar written on one line, the file offset of every byte of its value (plus one past
/// the end), so that a place inside a quoted string can be shown in the file. `None` for block
/// and multi-line scalars, whose folding this does not retrace.
pub fn value_offsets(file: &str, span: Range<usize>, value: &str) -> Option<Vec<usize>> {
    let raw = file.get(span.clone())?;
    if let Some(folded) = block_header(file, span.start) {
        return block_offsets(file, span, value, folded);
    }
    if raw.contains('\n') {
        return None;
    }
    let mut offsets = Vec::with_capacity(value.len() + 1);
    let mut decoded = String::with_capacity(value.len());
    let mut push = |c: char, at: usize, decoded: &mut String| {
        for _ in 0..c.len_utf8() {
            offsets.push(at);
        }
        decoded.push(c);
    };
    let mut chars = raw.char_indices().peekable();
    match raw.chars().next()? {
        '"' => {
            chars.next();
            while let Some((i, c)) = chars.next() {
                let at = span.start + i;
                match c {
                    '"' => break,
                    '\\' => {
                        let (_, e) = chars.next()?;
                        let hex = |n: usize, chars: &mut std::iter::Peekable<std::str::CharIndices<'_>>| {
                            let digits: String = (0..n).filter_map(|_| chars.next().map(|(_, c)| c)).collect();
                            u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32)
                        };
                        let c = match e {
                            'n' => '\n',
                            't' | '\t' => '\t',
                            'r' => '\r',
                            '0' => '\0',
                            'a' => '\u{7}',
                            'b' => '\u{8}',
                            'e' => '\u{1b}',
                            'f' => '\u{c}',
                            'v' => '\u{b}',
                            'N' => '\u{85}',
                            '_' => '\u{a0}',
                            'L' => '\u{2028}',
                            'P' => '\u{2029}',
                            'x' => hex(2, &mut chars)?,
                            'u' => hex(4, &mut chars)?,
                            'U' => hex(8, &mut chars)?,
                            other => other,
                        };
                        push(c, at, &mut decoded);
                    }
                    c => push(c, at, &mut decoded),
                }
            }
        }
        '\'' => {
            chars.next();
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if chars.peek().is_some_and(|&(_, n)| n == '\'') {
                        chars.next();
                    } else {
                        break;
                    }
                }
                push(c, span.start + i, &mut decoded);
            }
        }
        _ => {
            for (i, c) in raw.char_indices() {
                push(c, span.start + i, &mut decoded);
            }
            decoded.truncate(decoded.trim_end().len());
            offsets.truncate(decoded.len());
        }
    }
    if decoded != value {
        return None;
    }
    let end = offsets.last().map_or(span.start, |&last| {
        last + file[last..].chars().next().map_or(1, char::len_utf8)
    });
    offsets.push(end);
    Some(offsets)
}

/// Whether the scalar whose text starts at `start` is a block scalar (`|` or `>`).
pub fn is_block_scalar(file: &str, start: usize) -> bool {
    block_header(file, start).is_some()
}

/// Whether the scalar whose text starts at `start` is a block scalar (its line is only
/// indentation, and the line before ends with a `|` or `>` header): `Some(folded)`.
fn block_header(file: &str, start: usize) -> Option<bool> {
    let line_start = file.get(..start)?.rfind('\n')?;
    if !file[line_start + 1..start].bytes().all(|b| b == b' ') {
        return None;
    }
    let header = file[..line_start].rsplit('\n').next()?;
    let header = header.split(" #").next()?.trim_end();
    let token = header.rsplit([' ', '\t']).next()?;
    let mut chars = token.chars();
    let folded = match chars.next()? {
        '|' => false,
        '>' => true,
        _ => return None,
    };
    chars
        .all(|c| c == '-' || c == '+' || c.is_ascii_digit())
        .then_some(folded)
}

/// [`value_offsets`] for a block scalar: each content character maps to its place, each line
/// break to the end of its line.
fn block_offsets(file: &str, span: Range<usize>, value: &str, folded: bool) -> Option<Vec<usize>> {
    let first = file.get(..span.start)?.rfind('\n')? + 1;
    let raw = file.get(first..span.end)?;
    let mut lines: Vec<(usize, &str)> = Vec::new(); // (offset in file, line without its break)
    let mut at = first;
    for line in raw.split('\n') {
        lines.push((at, line.strip_suffix('\r').unwrap_or(line)));
        at += line.len() + 1;
    }
    let indent = lines
        .iter()
        .find(|(_, l)| !l.trim().is_empty())
        .map_or(0, |(_, l)| l.len() - l.trim_start_matches(' ').len());
    let mut offsets = Vec::with_capacity(value.len() + 1);
    let mut decoded = String::with_capacity(value.len());
    let push = |c: char, at: usize, decoded: &mut String, offsets: &mut Vec<usize>| {
        offsets.extend(std::iter::repeat_n(at, c.len_utf8()));
        decoded.push(c);
    };
    // Breaks waiting to be written: (the place of each, whether the line after is "normal").
    let mut pending: Vec<usize> = Vec::new();
    let mut previous_normal = false;
    for (n, (start, line)) in lines.iter().enumerate() {
        let content = line.get(indent..).unwrap_or("");
        let blank = line.trim().is_empty();
        if !blank {
            let normal = !content.starts_with([' ', '\t']);
            if !pending.is_empty() {
                // Folding turns a single break between two normal lines into a space and drops
                // the first of several; a literal scalar keeps every break.
                let fold = folded && previous_normal && normal;
                for (k, &b) in pending.iter().enumerate() {
                    match (fold, k) {
                        (true, 0) if pending.len() == 1 => push(' ', b, &mut decoded, &mut offsets),
                        (true, 0) => {}
                        _ => push('\n', b, &mut decoded, &mut offsets),
                    }
                }
                pending.clear();
            }
            for (i, c) in content.char_indices() {
                push(
                    c,
                    start + indent.min(line.len()) + i,
                    &mut decoded,
                    &mut offsets,
                );
            }
            previous_normal = normal;
        } else if n == 0 && decoded.is_empty() {
            // Leading blank lines are breaks of their own.
            pending.push(start + line.len());
            continue;
        }
        pending.push(start + line.len());
    }
    // The final breaks, as chomping kept them.
    let kept = value.len().checked_sub(decoded.len())?;
    if value.get(..decoded.len())? != decoded || !value[decoded.len()..].bytes().all(|b| b == b'\n')
    {
        return None;
    }
    let end = span.end.min(file.len());
    offsets.extend(std::iter::repeat_n(end, kept));
    offsets.push(end);
    Some(offsets)
}

#[cfg(test)]
mod tests {
    use super::value_offsets;

    #[test]
    fn maps_quoted_and_plain_scalars_back_to_the_file() {
        let file = r#"quote: "say \"hi\" – ok" and 'it''s' plain text"#;
        let (s, e) = (7, file.find(" and").unwrap());
        let offsets = value_offsets(file, s..e, "say \"hi\" – ok").unwrap();
        let at = |i: usize| offsets[i];
        assert_eq!(&file[at(4)..at(4) + 2], "\\\""); // the escaped quote
        assert_eq!(&file[at(9)..at(9) + 3], "–");
        let start = file.find('\'').unwrap();
        let offsets = value_offsets(file, start..start + 7, "it's").unwrap();
        assert_eq!(offsets[3], start + 5);
        let p = file.find("plain").unwrap();
        assert_eq!(
            value_offsets(file, p..file.len(), "plain text").unwrap()[6],
            p + 6
        );
        assert_eq!(value_offsets(file, s..e, "something else"), None);
    }

    #[test]
    fn block_scalars_end_with_their_text_and_map_back_to_the_file() {
        let docs = [
            "a:\n  quote: >-\n    one two\n    three\n\n  next: x\n",
            "a:\n  quote: |\n    one two\n    three\n\n\n  next: x\n",
            "quote: >\n  para one\n  goes on\n\n  para two\n",
            "quote: |+\n  kept\n\nnext: 1\n",
            "- quote: >- # a comment\n    folded\n    text\n",
            "quote: >\n  normal\n    more indented\n  normal again\n",
        ];
        for doc in docs {
            let (root, _) = crate::frontmatter::yaml::parse(doc, 0..doc.len()).unwrap();
            let mut quotes = Vec::new();
            fn find<'a>(
                n: &'a crate::frontmatter::Node,
                out: &mut Vec<&'a crate::frontmatter::Node>,
            ) {
                match &n.value {
                    crate::frontmatter::Value::Map(entries) => {
                        for (k, v) in entries {
                            if k.text == "quote" {
                                out.push(v);
                            }
                            find(v, out);
                        }
                    }
                    crate::frontmatter::Value::Seq(items) => {
                        items.iter().for_each(|i| find(i, out))
                    }
                    _ => {}
                }
            }
            find(&root, &mut quotes);
            let node = quotes[0];
            let value = node.as_str().unwrap();
            let raw = &doc[node.span.clone()];
            assert_eq!(raw, raw.trim_end(), "{doc:?}: the span ends with the text");
            let offsets = value_offsets(doc, node.span.clone(), value)
                .unwrap_or_else(|| panic!("{doc:?}: {value:?} not traced"));
            assert_eq!(offsets.len(), value.len() + 1);
            for (i, c) in value.char_indices() {
                if c != '\n' && c != ' ' {
                    assert!(doc[offsets[i]..].starts_with(c), "{doc:?} at {i}: {c:?}");
                }
            }
        }
    }
}
