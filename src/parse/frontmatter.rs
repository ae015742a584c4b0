//! Splitting a Markdown file into its YAML frontmatter and its body, by byte offsets into the
//! original text (so every later position is a real line and column of the file).

use std::ops::Range;

/// Where the frontmatter and the body of a file lie, as byte ranges of the original text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// The opening `---` line, without its line break.
    pub open: Range<usize>,
    /// The YAML text between the two delimiter lines.
    pub yaml: Range<usize>,
    /// Every byte after the line that closes the frontmatter.
    pub body: Range<usize>,
}

/// Why a file has no usable frontmatter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SplitError {
    /// The file is empty (or holds only a byte order mark and white space).
    Empty,
    /// The first line is not `---`.
    Missing,
    /// The opening `---` (its range given) has no closing line.
    Unterminated(Range<usize>),
}

/// Splits `text` into frontmatter and body. A UTF-8 byte order mark before the opening line and
/// CRLF line endings are accepted; the closing line is `---` (or YAML's `...`).
pub fn split(text: &str) -> Result<Split, SplitError> {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if text[start..].trim().is_empty() {
        return Err(SplitError::Empty);
    }
    let mut lines = Lines { text, pos: start };
    let first = lines.next().ok_or(SplitError::Empty)?;
    if content(text, &first).trim_end() != "---" {
        return Err(SplitError::Missing);
    }
    let open = first.start..first.start + 3;
    for line in lines {
        let t = content(text, &line).trim_end();
        if t == "---" || t == "..." {
            return Ok(Split {
                open,
                yaml: first.end..line.start,
                body: line.end..text.len(),
            });
        }
    }
    Err(SplitError::Unterminated(open))
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
        assert_eq!(split("---\nid: a\n"), Err(SplitError::Unterminated(0..3)));
    }
}
