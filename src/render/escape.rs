//! Control characters never reach the terminal raw: a file name, a quote or a source line that
//! holds ESC (`\u{1b}`), an OSC sequence or a carriage return is printed with each control
//! character written as `\u{..}`, so a KB cannot recolour, retitle or rewrite the terminal.

use std::borrow::Cow;
use std::io::{self, Write};

use codespan_reporting::term::termcolor;

fn is_control(c: char) -> bool {
    c.is_control()
}

/// `s` with every control character (line breaks and tabs included) written as `\u{..}`: for
/// text that must stay on one line.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if is_control(c) {
                    format!("\\u{{{:x}}}", c as u32)
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A writer that passes line breaks (`\n`, `\r\n`) and tabs through and writes every other
/// control character as `\u{..}`; the colours of a `termcolor` writer beneath it still work,
/// since they are set through [`termcolor::WriteColor`], not written as text.
pub struct Escaping<W> {
    inner: W,
    /// A `\r` or the first byte of a two-byte character, held until the next write.
    held: Vec<u8>,
}

impl<W> Escaping<W> {
    pub fn new(inner: W) -> Self {
        Escaping {
            inner,
            held: Vec::new(),
        }
    }
}

impl<W: Write> Escaping<W> {
    fn escape(&mut self, buf: &[u8], last: bool) -> io::Result<()> {
        let mut bytes = std::mem::take(&mut self.held);
        bytes.extend_from_slice(buf);
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            match b {
                b'\n' | b'\t' => out.push(b),
                b'\r' if i + 1 == bytes.len() && !last => {
                    self.held.push(b);
                }
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => out.push(b),
                0x00..=0x1f | 0x7f => out.extend_from_slice(format!("\\u{{{b:x}}}").as_bytes()),
                // C1 controls, U+0080..U+009F, are 0xC2 0x80..0x9F in UTF-8.
                0xc2 if i + 1 == bytes.len() && !last => self.held.push(b),
                0xc2 if bytes.get(i + 1).is_some_and(|n| (0x80..=0x9f).contains(n)) => {
                    out.extend_from_slice(format!("\\u{{{:x}}}", bytes[i + 1]).as_bytes());
                    i += 1;
                }
                _ => out.push(b),
            }
            i += 1;
        }
        self.inner.write_all(&out)
    }
}

impl<W: Write> Write for Escaping<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.escape(buf, false)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.escape(&[], true)?;
        self.inner.flush()
    }
}

impl<W: termcolor::WriteColor> termcolor::WriteColor for Escaping<W> {
    fn supports_color(&self) -> bool {
        self.inner.supports_color()
    }

    fn set_color(&mut self, spec: &termcolor::ColorSpec) -> io::Result<()> {
        self.escape(&[], true)?;
        self.inner.set_color(spec)
    }

    fn reset(&mut self) -> io::Result<()> {
        self.escape(&[], true)?;
        self.inner.reset()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_escapes_every_control_character() {
        assert_eq!(line("a\u{1b}]0;x\u{7}b\nc"), "a\\u{1b}]0;x\\u{7}b\\u{a}c");
        assert_eq!(line("plain é"), "plain é");
        assert_eq!(line("\u{9b}31m"), "\\u{9b}31m");
    }

    #[test]
    fn the_writer_keeps_line_breaks_and_escapes_the_rest() {
        let mut w = Escaping::new(Vec::new());
        w.write_all(b"a\x1b[31mred\r").unwrap();
        w.write_all(b"\nnext\r").unwrap();
        w.write_all("x\u{85}é\t\u{7f}".as_bytes()).unwrap();
        w.flush().unwrap();
        assert_eq!(
            String::from_utf8(w.inner).unwrap(),
            "a\\u{1b}[31mred\r\nnext\\u{d}x\\u{85}é\t\\u{7f}"
        );
    }
}
