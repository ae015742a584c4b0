//! YAML with a byte span on every key and value, built from saphyr-parser's events.
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

/// Nesting deeper than this is refused.
pub const MAX_DEPTH: usize = 128;
/// How many nodes alias expansion may create in one document.
pub const ALIAS_BUDGET: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte range of the node in the file.
    pub span: Range<usize>,
    pub value: Value,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(Key, Node)>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    pub text: String,
    pub span: Range<usize>,
}

/// A problem in the YAML; `span` is a byte range in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub message: String,
    pub span: Range<usize>,
    /// Another place the message refers to (the first occurrence of a duplicate key).
    pub related: Option<(Range<usize>, String)>,
}

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

impl Node {
    /// The node at an RFC 6901 JSON pointer, with the span of the last mapping key on the way.
    pub fn pointer(&self, pointer: &str) -> Option<(&Node, Option<&Key>)> {
        let mut node = self;
        let mut key = None;
        if pointer.is_empty() {
            return Some((node, None));
        }
        for raw in pointer.strip_prefix('/')?.split('/') {
            let token = raw.replace("~1", "/").replace("~0", "~");
            match &node.value {
                Value::Map(entries) => {
                    let (k, v) = entries.iter().find(|(k, _)| k.text == token)?;
                    key = Some(k);
                    node = v;
                }
                Value::Seq(items) => {
                    node = items.get(token.parse::<usize>().ok()?)?;
                    key = None;
                }
                _ => return None,
            }
        }
        Some((node, key))
    }

    /// The value of `key` when this node is a mapping.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn key(&self, key: &str) -> Option<&Key> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(k, _)| k),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The YAML type name, for messages.
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::Seq(_) => "a list",
            Value::Map(_) => "a mapping",
        }
    }
}

impl Node {
    /// The JSON value that JSON Schema validates, taking the tree's strings rather than copying
    /// them. NaN and infinities have no JSON form and become null (the conversion is only ever
    /// called on documents that passed [`parse`]).
    pub fn into_json(self) -> serde_json::Value {
        use serde_json::Value as J;
        match self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(b),
            Value::Int(i) => J::Number(i.into()),
            Value::Float(f) => serde_json::Number::from_f64(f).map_or(J::Null, J::Number),
            Value::Str(s) => J::String(s),
            Value::Seq(items) => J::Array(items.into_iter().map(Node::into_json).collect()),
            Value::Map(entries) => {
                // Inserted one by one: for the few keys of a frontmatter mapping, cheaper than
                // collecting, sorting and building the map in bulk.
                let mut map = serde_json::Map::new();
                for (k, v) in entries {
                    map.insert(k.text, v.into_json());
                }
                J::Object(map)
            }
        }
    }
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
                }
                let value = scalar(text, style, tag.as_ref());
                self.push(Node { span: range, value }, anchor)
            }
            Event::SequenceStart(anchor, _) => self.open(
                Frame::Seq {
                    start: self.sequence_start(range.start),
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

    /// Where a sequence starts. A block sequence written without indentation under its key
    /// (`key:` then `- x` at the key's column) is reported by the parser at its first item's
    /// text; it starts at its first `-`.
    fn sequence_start(&self, start: usize) -> usize {
        let is_value = matches!(self.stack.last(), Some(Frame::Map { key: Some(_), .. }));
        let before = self.file.get(..start).unwrap_or("");
        let blank = before.len() - before.trim_end_matches([' ', '\t']).len();
        let dash = start - blank;
        if is_value
            && blank > 0
            && before[..dash].ends_with('-')
            && before[..dash - 1]
                .chars()
                .next_back()
                .is_none_or(|c| c == ' ' || c == '\n' || c == '\r')
        {
            dash - 1
        } else {
            start
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
    fn a_list_without_indentation_starts_at_its_dash() {
        let s = "a:\n- x\nb:\n  - y\nc:\n- - z\nd: [w]\n";
        let n = p(s);
        let start = |key: &str| n.get(key).unwrap().span.start;
        assert_eq!(&s[start("a")..], "- x\nb:\n  - y\nc:\n- - z\nd: [w]\n");
        assert_eq!(&s[start("b")..start("b") + 3], "- y");
        assert_eq!(&s[start("c")..start("c") + 5], "- - z");
        let (inner, _) = n.pointer("/c/0").unwrap();
        assert_eq!(&s[inner.span.clone()], "- z");
        assert_eq!(&s[start("d")..start("d") + 3], "[w]");
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
    fn small_aliases_resolve() {
        let n = p("a: &x {k: v}\nb: *x\n");
        assert_eq!(n.get("b").unwrap().get("k").unwrap().as_str(), Some("v"));
    }
}

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
mod offset_tests {
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
            let (root, _) = super::parse(doc, 0..doc.len()).unwrap();
            let mut quotes = Vec::new();
            fn find<'a>(n: &'a super::Node, out: &mut Vec<&'a super::Node>) {
                match &n.value {
                    super::Value::Map(entries) => {
                        for (k, v) in entries {
                            if k.text == "quote" {
                                out.push(v);
                            }
                            find(v, out);
                        }
                    }
                    super::Value::Seq(items) => items.iter().for_each(|i| find(i, out)),
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
