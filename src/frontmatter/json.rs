//! JSON frontmatter (Hugo's `{ … }` form) with a byte span on every key and value, as the same
//! [`Node`] tree that the YAML loader builds.
//!
//! A small recursive-descent reader of RFC 8259 JSON rather than serde_json, which keeps no
//! positions. Duplicate keys are reported as in YAML (first occurrence kept), nesting deeper
//! than [`MAX_DEPTH`] is refused, and every error names the byte where it was found.

use std::ops::Range;

use super::{Key, MAX_DEPTH, Node, Value, YamlError};

/// Parses the JSON in `file[range]`.
pub fn parse(file: &str, range: Range<usize>) -> Result<(Node, Vec<YamlError>), YamlError> {
    let mut r = Reader {
        text: file.as_bytes(),
        file,
        pos: range.start,
        end: range.end,
        duplicates: Vec::new(),
    };
    r.space();
    let root = r.value(0)?;
    r.space();
    if r.pos < r.end {
        return Err(r.error("unexpected text after the JSON object"));
    }
    Ok((root, r.duplicates))
}

struct Reader<'a> {
    text: &'a [u8],
    file: &'a str,
    pos: usize,
    end: usize,
    duplicates: Vec<YamlError>,
}

impl Reader<'_> {
    fn error(&self, message: impl Into<String>) -> YamlError {
        let at = self.pos.min(self.end);
        let len = self.file[at..self.end]
            .chars()
            .next()
            .map_or(0, char::len_utf8);
        YamlError {
            message: message.into(),
            span: at..at + len,
            related: None,
        }
    }

    fn peek(&self) -> Option<u8> {
        (self.pos < self.end).then(|| self.text[self.pos])
    }

    fn space(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> Result<(), YamlError> {
        if self.peek() == Some(b) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.error(format!("expected {what}")))
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, YamlError> {
        let start = self.pos;
        let value = match self.peek() {
            Some(b'{') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error(format!("JSON nested deeper than {MAX_DEPTH} levels")));
                }
                self.pos += 1;
                self.object(depth)?
            }
            Some(b'[') => {
                if depth >= MAX_DEPTH {
                    return Err(self.error(format!("JSON nested deeper than {MAX_DEPTH} levels")));
                }
                self.pos += 1;
                self.array(depth)?
            }
            Some(b'"') => Value::Str(self.string()?),
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            None => return Err(self.error("unexpected end of the JSON frontmatter")),
            Some(_) => {
                return Err(self.error(
                    "expected a JSON value (a string in double quotes, a number, true, false, null, an object or a list)",
                ));
            }
        };
        Ok(Node {
            span: start..self.pos,
            value,
        })
    }

    fn word(&mut self, word: &str, value: Value) -> Result<Value, YamlError> {
        if self.text[self.pos..self.end].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.error(
                "expected a JSON value (a string in double quotes, a number, true, false, null, an object or a list)",
            ))
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, YamlError> {
        let mut entries: Vec<(Key, Node)> = Vec::new();
        self.space();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Map(entries));
        }
        loop {
            self.space();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a key in double quotes"));
            }
            let start = self.pos;
            let text = self.string()?;
            let key = Key {
                text,
                span: start..self.pos,
            };
            self.space();
            self.expect(b':', "`:` after the key")?;
            self.space();
            let node = self.value(depth + 1)?;
            if let Some((first, _)) = entries.iter().find(|(k, _)| k.text == key.text) {
                self.duplicates.push(YamlError {
                    message: format!("duplicate key `{}`", key.text),
                    span: key.span,
                    related: Some((first.span.clone(), "first defined here".into())),
                });
            } else {
                entries.push((key, node));
            }
            self.space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Map(entries));
                }
                _ => return Err(self.error("expected `,` or `}`")),
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Value, YamlError> {
        let mut items = Vec::new();
        self.space();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::Seq(items));
        }
        loop {
            self.space();
            items.push(self.value(depth + 1)?);
            self.space();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Seq(items));
                }
                _ => return Err(self.error("expected `,` or `]`")),
            }
        }
    }

    fn string(&mut self) -> Result<String, YamlError> {
        self.pos += 1; // the opening quote
        let mut out = String::new();
        loop {
            let run = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            out.push_str(&self.file[run..self.pos]);
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let c = match self.peek() {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            self.pos += 1;
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.text[self.pos..self.end].starts_with(b"\\u")
                            {
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(
                                        self.error("invalid surrogate pair in `\\u` escape")
                                    );
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            let Some(c) = char::from_u32(code) else {
                                return Err(self.error("a `\\u` escape that is not a character"));
                            };
                            out.push(c);
                            continue;
                        }
                        _ => return Err(self.error("invalid escape in a JSON string")),
                    };
                    self.pos += 1;
                    out.push(c);
                }
                Some(_) => {
                    return Err(self.error(
                        "a control character (a line break or a tab) inside a JSON string: write it as `\\n` or `\\t`",
                    ));
                }
                None => return Err(self.error("a JSON string is never closed")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, YamlError> {
        let digits = self
            .file
            .get(self.pos..(self.pos + 4).min(self.end))
            .unwrap_or("");
        match u32::from_str_radix(digits, 16) {
            Ok(v) if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_hexdigit()) => {
                self.pos += 4;
                Ok(v)
            }
            _ => Err(self.error("expected four hexadecimal digits after `\\u`")),
        }
    }

    fn number(&mut self) -> Result<Value, YamlError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = |r: &mut Self| {
            let s = r.pos;
            while let Some(b'0'..=b'9') = r.peek() {
                r.pos += 1;
            }
            r.pos - s
        };
        let int_start = self.pos;
        let n = digits(self);
        if n == 0 || (n > 1 && self.text[int_start] == b'0') {
            self.pos = start;
            return Err(self.error("invalid JSON number"));
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            float = true;
            if digits(self) == 0 {
                return Err(self.error("expected digits after the decimal point"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            float = true;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.error("expected digits in the exponent"));
            }
        }
        let text = &self.file[start..self.pos];
        if !float && let Ok(i) = text.parse::<i64>() {
            return Ok(Value::Int(i));
        }
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                self.pos = start;
                Err(self.error("a JSON number too large to read"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> Result<Node, YamlError> {
        parse(s, 0..s.len()).map(|(n, _)| n)
    }

    #[test]
    fn values_and_spans() {
        let s = "{\n  \"title\": \"é \\\"x\\\" \\u00e9\\ud83d\\ude00\",\n  \"n\": [1, -2.5e1, true, null],\n  \"id\": 12\n}";
        let n = p(s).unwrap();
        assert_eq!(n.get("title").unwrap().as_str(), Some("é \"x\" é😀"));
        let list = n.get("n").unwrap();
        assert_eq!(&s[list.span.clone()], "[1, -2.5e1, true, null]");
        let (item, _) = n.pointer("/n/1").unwrap();
        assert_eq!(item.value, Value::Float(-25.0));
        assert_eq!(&s[item.span.clone()], "-2.5e1");
        assert_eq!(n.get("id").unwrap().value, Value::Int(12));
        assert_eq!(&s[n.key("id").unwrap().span.clone()], "\"id\"");
    }

    #[test]
    fn errors_name_the_byte() {
        let s = "{\n  \"a\": 1,\n  b: 2\n}";
        let e = p(s).unwrap_err();
        assert_eq!(&s[e.span.clone()], "b");
        assert!(e.message.contains("key in double quotes"), "{}", e.message);
        let s = "{\"a\": [1, 2}";
        assert_eq!(&s[p(s).unwrap_err().span], "}");
        for bad in [
            "{\"a\": 01}",
            "{\"a\": tru}",
            "{\"a\": \"x",
            "{\"a\": 1e999}",
            "{",
            "{\"a\": 1} x",
        ] {
            assert!(p(bad).is_err(), "{bad}");
        }
        let deep = format!("{{\"a\": {}{}}}", "[".repeat(500), "]".repeat(500));
        assert!(p(&deep).unwrap_err().message.contains("nested deeper"));
    }

    #[test]
    fn duplicates_keep_the_first() {
        let s = "{\"a\": 1, \"a\": 2}";
        let (n, dups) = parse(s, 0..s.len()).unwrap();
        assert_eq!(n.get("a").unwrap().value, Value::Int(1));
        assert_eq!(dups[0].span, 9..12);
    }
}
