//! Splitting a Markdown file into its frontmatter and its body, by byte offsets into the
//! original text (so every later position is a real line and column of the file).
//!
//! Three forms (spec §2): YAML between `---` lines, TOML between `+++` lines, and a JSON object
//! that starts on the first line with `{` and ends with a line `}`. Blank lines before the
//! opening line are allowed, as Zola allows them.

use std::ops::Range;

pub use super::Format;

/// Where the frontmatter and the body of a file lie, as byte ranges of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    pub format: Format,
    /// The opening `---` or `+++` (or the `{` of a JSON object), without its line break.
    pub open: Range<usize>,
    /// The frontmatter's text: between the two delimiter lines for YAML and TOML; the whole
    /// object, braces included, for JSON.
    pub yaml: Range<usize>,
    /// Every byte after the line that closes the frontmatter.
    pub body: Range<usize>,
}

/// Why a file has no usable frontmatter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file is empty (or holds only a byte order mark and white space).
    Empty,
    /// The first line that is not blank is not `---`, `+++` or `{`.
    Missing,
    /// The opening line (its range given) has no closing line.
    Unterminated(Format, Range<usize>),
}

/// Splits `text` into frontmatter and body. A UTF-8 byte order mark and blank lines before the
/// opening line, and CRLF line endings, are accepted. YAML closes with a line `---` (or YAML's `...`), TOML with a
/// line `+++`, JSON with a line that is `}`.
pub fn split(text: &str) -> Result<Split, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if text[start..].trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let mut lines = Lines { text, pos: start };
    let first = lines
        .find(|line| !content(text, line).trim().is_empty())
        .ok_or(SplitError::Empty)?;
    let head = content(text, &first).trim_end();
    let format = match head {
        "---" => Format::Yaml,
        "+++" => Format::Toml,
        _ if head.starts_with('{') => Format::Json,
        _ => return Err(SplitError::Missing),
    };
    let open = match format {
        Format::Json => first.start..first.start + 1,
        _ => first.start..first.start + 3,
    };
    if format == Format::Json && json_closes_on_first_line(head) {
        return Ok(Split {
            format,
            open,
            yaml: first.start..first.start + head.len(),
            body: first.end..text.len(),
        });
    }
    for line in lines {
        let t = content(text, &line).trim_end();
        let closes = match format {
            Format::Yaml => t == "---" || t == "...",
            Format::Toml => t == "+++",
            Format::Json => t == "}",
        };
        if closes {
            let yaml = match format {
                Format::Json => first.start..line.start + t.len(),
                _ => first.end..line.start,
            };
            return Ok(Split {
                format,
                open,
                yaml,
                body: line.end..text.len(),
            });
        }
    }
    Err(SplitError::Unterminated(format, open))
}

/// `{ "title": "x" }` on one line: the object closes where it opened.
fn json_closes_on_first_line(line: &str) -> bool {
    line.len() > 1 && line.ends_with('}') && {
        let (mut depth, mut in_string, mut escaped) = (0i32, false, false);
        let mut closed_at_end = false;
        for (i, b) in line.bytes().enumerate() {
            if in_string {
                match b {
                    _ if escaped => escaped = false,
                    b'\\' => escaped = true,
                    b'"' => in_string = false,
                    _ => {}
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        closed_at_end = i == line.len() - 1;
                        if !closed_at_end {
                            return false;
                        }
                    }
                }
                _ => {}
            }
        }
        closed_at_end
    }
}

/// A line's text without its terminator (`\n` or `\r\n`).
fn content<'a>(text: &'a str, line: &Range<usize>) -> &'a str {
    let s = &text[line.clone()];
    let s = s.strip_suffix('\n').unwrap_or(s);
    s.strip_suffix('\r').unwrap_or(s)
}

/// Byte ranges of lines, terminators included.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
}

impl Iterator for Lines<'_> {
    type Item = Range<usize>;
    fn next(&mut self) -> Option<Range<usize>> {
        if self.pos >= self.text.len() {
            return None;
        }
        let start = self.pos;
        let end = memchr::memchr(b'\n', &self.text.as_bytes()[start..])
            .map_or(self.text.len(), |i| start + i + 1);
        self.pos = end;
        Some(start..end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_plain_bom_and_crlf() {
        let s = split("---\nid: a\n---\nbody\n").unwrap();
        assert_eq!((s.yaml, s.body), (4..10, 14..19));
        let t = "\u{feff}---\r\nid: a\r\n---\r\nbody";
        let s = split(t).unwrap();
        assert_eq!(&t[s.yaml.clone()], "id: a\r\n");
        assert_eq!(&t[s.body], "body");
        assert_eq!(s.open, 3..6);
    }

    #[test]
    fn reports_missing_empty_and_unterminated() {
        assert_eq!(split(""), Err(SplitError::Empty));
        assert_eq!(split("\u{feff}\n \n"), Err(SplitError::Empty));
        assert_eq!(split("# title\n"), Err(SplitError::Missing));
        assert_eq!(
            split("---\nid: a\n"),
            Err(SplitError::Unterminated(Format::Yaml, 0..3))
        );
        assert_eq!(
            split("+++\nid = 1\n"),
            Err(SplitError::Unterminated(Format::Toml, 0..3))
        );
    }

    #[test]
    fn splits_toml_and_json() {
        let t = "+++\ntitle = \"a\"\n+++\nbody\n";
        let s = split(t).unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(&t[s.yaml.clone()], "title = \"a\"\n");
        assert_eq!(&t[s.body], "body\n");
        let t = "{\n  \"title\": \"a\"\n}\n\nbody\n";
        let s = split(t).unwrap();
        assert_eq!(s.format, Format::Json);
        assert_eq!(&t[s.yaml.clone()], "{\n  \"title\": \"a\"\n}");
        assert_eq!(&t[s.body], "\nbody\n");
        let t = "{ \"title\": \"}\" }\nbody\n";
        let s = split(t).unwrap();
        assert_eq!(&t[s.yaml.clone()], "{ \"title\": \"}\" }");
        assert_eq!(
            split("{\n\"a\": 1\n"),
            Err(SplitError::Unterminated(Format::Json, 0..1))
        );
    }

    #[test]
    fn skips_blank_lines_before_the_opening_line() {
        let t = "\n  \r\n+++\ntitle = \"a\"\n+++\nbody\n";
        let s = split(t).unwrap();
        assert_eq!(s.format, Format::Toml);
        assert_eq!(s.open, 5..8);
        assert_eq!(&t[s.yaml.clone()], "title = \"a\"\n");
        assert_eq!(&t[s.body], "body\n");
        let t = "\u{feff}\n---\nid: a\n---\n";
        let s = split(t).unwrap();
        assert_eq!((s.open, &t[s.yaml.clone()]), (4..7, "id: a\n"));
        let t = "\n\n{\n\"a\": 1\n}\n";
        let s = split(t).unwrap();
        assert_eq!(&t[s.yaml.clone()], "{\n\"a\": 1\n}");
        assert_eq!(split("\n# title\n---\n"), Err(SplitError::Missing));
        assert_eq!(
            split("\n\n+++\nid = 1\n"),
            Err(SplitError::Unterminated(Format::Toml, 2..5))
        );
    }
}
