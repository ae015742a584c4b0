//! The YAML loader: a frontmatter's YAML as the [`Node`] tree, built from saphyr-parser's events.
//!
//! Our own small loader instead of saphyr's: it keeps byte offsets into the original file
//! (saphyr's markers count characters), reports duplicate keys with both places, expands
//! aliases under a node budget (so an alias bomb is a finding, not an out-of-memory), and
//! refuses nesting deeper than [`MAX_DEPTH`] (so no later recursive step can overflow).
//! Scalars resolve with YAML 1.2 core schema rules: `2026-11-22`, `yes` and `on` stay strings.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use saphyr::Scalar;
use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use super::tree::{Key, MAX_DEPTH, Node, Value, YamlError};

/// How many nodes alias expansion may create in one document.
pub const ALIAS_BUDGET: usize = 10_000;

/// Parses the YAML in `file[range]`. Duplicate keys do not stop the parse: they come back as
/// `Ok` with the document (first occurrence kept) and the list of duplicates.
pub fn parse(file: &str, range: Range<usize>) -> Result<(Node, Vec<YamlError>), YamlError> {
    let text = &file[range.clone()];
    let offsets = CharOffsets::new(text, range.start);
    let mut loader = Loader {
        file,
        offsets: &offsets,
        stack: Vec::new(),
        anchors: HashMap::new(),
        budget: ALIAS_BUDGET,
        root: None,
        duplicates: Vec::new(),
    };
    // Read to the end of the stream even after the document: an error after its last node
    // (`this\n is\n  invalid: x`) makes the whole frontmatter invalid.
    for event in Parser::new_from_str(text) {
        match event {
            Ok((event, span)) if loader.root.is_none() => loader.event(event, span)?,
            Ok(_) => {}
            Err(e) => {
                let at = offsets.byte(e.marker().index());
                return Err(YamlError {
                    message: e.info().to_string(),
                    span: at..at,
                    related: None,
                });
            }
        }
    }
    let root = loader.root.take().unwrap_or(Node {
        span: range.start..range.start,
        value: Value::Null,
    });
    Ok((root, loader.duplicates))
}

/// Character index (saphyr's markers) to byte offset in the file.
struct CharOffsets {
    base: usize,
    len: usize,
    /// `None` when the text is ASCII and characters are bytes.
    table: Option<Vec<usize>>,
}

impl CharOffsets {
    fn new(text: &str, base: usize) -> Self {
        let table = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(b, _)| b)
                .chain([text.len()])
                .collect()
        });
        CharOffsets {
            base,
            len: text.len(),
            table,
        }
    }
    fn byte(&self, index: usize) -> usize {
        let b = match &self.table {
            None => index.min(self.len),
            Some(t) => t.get(index).copied().unwrap_or(self.len),
        };
        self.base + b
    }
    fn span(&self, span: Span) -> Range<usize> {
        let start = self.byte(span.start.index());
        start..self.byte(span.end.index()).max(start)
    }
}

enum Frame {
    Seq {
        start: usize,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        anchor: usize,
        entries: Vec<(Key, Node)>,
        key: Option<Key>,
        /// The keys of a large mapping, to find a duplicate without comparing with every key.
        index: Option<HashMap<String, usize>>,
    },
}

/// A mapping with more keys than this looks duplicates up in an index.
const INDEXED_KEYS: usize = 16;

struct Loader<'a> {
    file: &'a str,
    offsets: &'a CharOffsets,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Node>,
    budget: usize,
    root: Option<Node>,
    duplicates: Vec<YamlError>,
}

impl Loader<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let range = self.offsets.span(span);
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let mut range = range;
                if matches!(style, ScalarStyle::Literal | ScalarStyle::Folded) {
                    // A block scalar's span runs to the next node; it ends where its text does.
                    let raw = self.file.get(range.clone()).unwrap_or("");
                    range.end = range.start + raw.trim_end().len();
                } else if let Some(end) = closing_quote(self.file, range.clone()) {
                    // A quoted scalar's span runs on over the white space and comment after
                    // it; it ends at its closing quote.
                    range.end = end;
                }
                let value = scalar(text, style, tag.as_ref());
                self.push(Node { span: range, value }, anchor)
            }
            Event::SequenceStart(anchor, _) => self.open(
                Frame::Seq {
                    start: range.start,
                    anchor,
                    items: Vec::new(),
                },
                range,
            ),
            Event::MappingStart(anchor, _) => self.open(
                Frame::Map {
                    start: range.start,
                    anchor,
                    entries: Vec::new(),
                    key: None,
                    index: None,
                },
                range,
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return Ok(());
                };
                let (start, anchor, value, last) = match frame {
                    Frame::Seq {
                        start,
                        anchor,
                        items,
                    } => {
                        let last = items.last().map(|n| n.span.end);
                        (start, anchor, Value::Seq(items), last)
                    }
                    Frame::Map {
                        start,
                        anchor,
                        entries,
                        ..
                    } => {
                        let last = entries.last().map(|(_, n)| n.span.end);
                        (start, anchor, Value::Map(entries), last)
                    }
                };
                // A flow collection ends at its closing bracket; a block one at its last item.
                let end = if range.end > range.start {
                    range.end
                } else {
                    last.unwrap_or(range.end).max(start)
                };
                self.push(
                    Node {
                        span: start..end,
                        value,
                    },
                    anchor,
                )
            }
            Event::Alias(id) => {
                let Some(node) = self.anchors.get(&id) else {
                    return Err(YamlError {
                        message: "unknown YAML alias".into(),
                        span: range,
                        related: None,
                    });
                };
                let size = count(node);
                if size > self.budget {
                    return Err(YamlError {
                        message: format!("YAML aliases expand to more than {ALIAS_BUDGET} nodes"),
                        span: range,
                        related: None,
                    });
                }
                self.budget -= size;
                let node = node.clone();
                self.push(node, 0)
            }
            _ => Ok(()),
        }
    }

    fn open(&mut self, frame: Frame, range: Range<usize>) -> Result<(), YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError {
                message: format!("YAML nested deeper than {MAX_DEPTH} levels"),
                span: range,
                related: None,
            });
        }
        self.stack.push(frame);
        Ok(())
    }

    fn push(&mut self, node: Node, anchor: usize) -> Result<(), YamlError> {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map {
                entries,
                key,
                index,
                ..
            }) => match key.take() {
                None => {
                    let text = match node.value {
                        Value::Str(s) => s,
                        Value::Null => "null".into(),
                        Value::Bool(b) => b.to_string(),
                        Value::Int(i) => i.to_string(),
                        Value::Float(f) => f.to_string(),
                        Value::Seq(_) | Value::Map(_) => {
                            return Err(YamlError {
                                message: "a mapping key must be a scalar".into(),
                                span: node.span,
                                related: None,
                            });
                        }
                    };
                    *key = Some(Key {
                        text,
                        span: node.span,
                    });
                }
                Some(k) => {
                    if entries.len() >= INDEXED_KEYS && index.is_none() {
                        let keys = entries
                            .iter()
                            .enumerate()
                            .map(|(n, (e, _))| (e.text.clone(), n));
                        *index = Some(keys.collect());
                    }
                    let first = match index {
                        Some(index) => index.get(&k.text).map(|&n| &entries[n].0),
                        None => entries.iter().map(|(e, _)| e).find(|e| e.text == k.text),
                    };
                    if let Some(first) = first {
                        self.duplicates.push(YamlError {
                            message: format!("duplicate key `{}`", k.text),
                            span: k.span.clone(),
                            related: Some((first.span.clone(), "first defined here".into())),
                        });
                    } else {
                        if let Some(index) = index {
                            index.insert(k.text.clone(), entries.len());
                        }
                        entries.push((k, node));
                    }
                }
            },
        }
        Ok(())
    }
}

/// Where the quoted scalar that starts `span` ends: one past its closing quote. `None` when
/// the span does not start with a quote.
fn closing_quote(file: &str, span: Range<usize>) -> Option<usize> {
    let bytes = file.get(span.clone())?.as_bytes();
    let quote = *bytes.first().filter(|b| matches!(b, b'\'' | b'"'))?;
    let mut i = 1;
    while let Some(&b) = bytes.get(i) {
        match b {
            // `''` is a quote inside a single-quoted scalar; `\` escapes in a double-quoted one.
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b'\\' if quote == b'"' => i += 2,
            b if b == quote => return Some(span.start + i + 1),
            _ => i += 1,
        }
    }
    None
}

fn count(node: &Node) -> usize {
    let mut n = 0;
    let mut todo = vec![node];
    while let Some(node) = todo.pop() {
        n += 1;
        match &node.value {
            Value::Seq(items) => todo.extend(items),
            Value::Map(entries) => todo.extend(entries.iter().map(|(_, v)| v)),
            _ => {}
        }
    }
    n
}

fn scalar(
    text: Cow<'_, str>,
    style: ScalarStyle,
    tag: Option<&Cow<'_, saphyr_parser::Tag>>,
) -> Value {
    // The non-specific tag `!` makes a plain scalar a string (`! 12` is "12").
    if tag.is_some_and(|t| {
        (t.handle.is_empty() && t.suffix == "!") || (t.handle == "!" && t.suffix.is_empty())
    }) {
        return Value::Str(text.into_owned());
    }
    // Only a tagged scalar can fail to resolve and fall back to its text: an untagged one
    // (nearly all) needs no copy of it.
    let (resolved, fallback) = match tag {
        None => (Scalar::parse_from_cow_and_metadata(text, style, None), None),
        Some(_) => (
            Scalar::parse_from_cow_and_metadata(text.clone(), style, tag),
            Some(text),
        ),
    };
    match resolved {
        Some(Scalar::Null) => Value::Null,
        Some(Scalar::Boolean(b)) => Value::Bool(b),
        Some(Scalar::Integer(i)) => Value::Int(i),
        Some(Scalar::FloatingPoint(f)) => Value::Float(f.into_inner()),
        Some(Scalar::String(s)) => Value::Str(s.into_owned()),
        None => Value::Str(fallback.map(Cow::into_owned).unwrap_or_default()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Node {
        parse(s, 0..s.len()).unwrap().0
    }

    #[test]
    fn core_schema_keeps_dates_and_yes_as_strings() {
        let n = p("a: 2026-11-22\nb: yes\nc: on\nd: true\ne: 12\nf: ~\n");
        assert_eq!(n.get("a").unwrap().value, Value::Str("2026-11-22".into()));
        assert_eq!(n.get("b").unwrap().value, Value::Str("yes".into()));
        assert_eq!(n.get("c").unwrap().value, Value::Str("on".into()));
        assert_eq!(n.get("d").unwrap().value, Value::Bool(true));
        assert_eq!(n.get("e").unwrap().value, Value::Int(12));
        assert_eq!(n.get("f").unwrap().value, Value::Null);
    }

    #[test]
    fn spans_are_bytes_in_the_file() {
        let file = "---\ntitle: é😀x\nn: [1, 2]\n---\n";
        let end = file[4..].find("---").unwrap() + 4;
        let (node, _) = parse(file, 4..end).unwrap();
        let v = node.get("n").unwrap();
        assert_eq!(&file[v.span.clone()], "[1, 2]");
        let (item, _) = node.pointer("/n/1").unwrap();
        assert_eq!(&file[item.span.clone()], "2");
        let t = node.get("title").unwrap();
        assert_eq!(&file[t.span.clone()], "é😀x");
    }

    #[test]
    fn duplicate_keys_are_reported_with_both_places() {
        let s = "a: 1\nb: 2\na: 3\n";
        let (node, dups) = parse(s, 0..s.len()).unwrap();
        assert_eq!(node.get("a").unwrap().value, Value::Int(1));
        assert_eq!(dups.len(), 1);
        assert_eq!(dups[0].span, 10..11);
        assert_eq!(dups[0].related.as_ref().unwrap().0, 0..1);
    }

    #[test]
    fn duplicate_keys_of_a_large_mapping_are_reported() {
        let mut s: String = (0..40).map(|i| format!("k{i}: {i}\n")).collect();
        s.push_str("k3: again\nk30: again\n");
        let (node, dups) = parse(&s, 0..s.len()).unwrap();
        assert_eq!(node.get("k3").unwrap().value, Value::Int(3));
        let at = |needle: &str| s.find(needle).unwrap();
        let spans: Vec<_> = dups
            .iter()
            .map(|d| (d.span.start, d.related.as_ref().unwrap().0.start))
            .collect();
        assert_eq!(
            spans,
            [
                (at("k3: again"), at("k3: 3")),
                (at("k30: again"), at("k30: 30"))
            ]
        );
    }

    #[test]
    fn alias_bomb_and_deep_nesting_are_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..9 {
            let prev = if i == 0 {
                "a".to_string()
            } else {
                format!("l{}", i - 1)
            };
            bomb.push_str(&format!("l{i}: &l{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
        }
        let e = parse(&bomb, 0..bomb.len()).unwrap_err();
        assert!(e.message.contains("aliases expand"), "{}", e.message);
        let deep = format!("a: {}{}", "[".repeat(10_000), "]".repeat(10_000));
        let e = parse(&deep, 0..deep.len()).unwrap_err();
        assert!(
            e.message.contains("nested deeper") || e.message.contains("recursion limit"),
            "{}",
            e.message
        );
    }

    #[test]
    fn a_quoted_scalar_ends_at_its_closing_quote_before_a_comment() {
        let doc = "a: \"x # y\"  # c\nb: 'it''s' # d\nc: \"q\\\"\"   \nd: [\"e\" , 'f'  ]\n";
        let n = p(doc);
        let text = |key: &str| &doc[n.get(key).unwrap().span.clone()];
        assert_eq!(text("a"), "\"x # y\"");
        assert_eq!(text("b"), "'it''s'");
        assert_eq!(text("c"), "\"q\\\"\"");
        let Value::Seq(items) = &n.get("d").unwrap().value else {
            panic!("not a list");
        };
        assert_eq!(&doc[items[0].span.clone()], "\"e\"");
        assert_eq!(&doc[items[1].span.clone()], "'f'");
        // A quoted scalar over two lines ends at its quote on the second.
        let doc = "a: \"x\n  y\"  # c\n";
        assert_eq!(&doc[p(doc).get("a").unwrap().span.clone()], "\"x\n  y\"");
    }

    #[test]
    fn small_aliases_resolve() {
        let n = p("a: &x {k: v}\nb: *x\n");
        assert_eq!(n.get("b").unwrap().get("k").unwrap().as_str(), Some("v"));
    }
}
