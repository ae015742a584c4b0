//! Between kblint's byte offsets and paths and LSP's positions (UTF-16 code units) and URIs.

use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location, NumberOrString,
    Position, Range, Uri,
};

use crate::diagnostic::{Diagnostic, File, Files, Severity};

/// The LSP position of byte `offset` of `text`: a line from 0 and a column in UTF-16 code units.
/// An offset past the end or inside a character is moved back to a character boundary.
pub fn position(text: &str, offset: usize) -> Position {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = memchr::memchr_iter(b'\n', before.as_bytes()).count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let column: usize = before[start..].chars().map(char::len_utf16).sum();
    Position::new(to_u32(line), to_u32(column))
}

/// The LSP range of a byte span of `text`.
pub fn range(text: &str, span: &std::ops::Range<usize>) -> Range {
    Range::new(
        position(text, span.start),
        position(text, span.end.max(span.start)),
    )
}

/// The byte offset of an LSP position in `text`; a position past the end of its line is the
/// end of that line, one past the last line is the end of the text.
pub fn offset(text: &str, pos: Position) -> usize {
    let mut start = 0;
    for _ in 0..pos.line {
        match text[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return text.len(),
        }
    }
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let mut units = 0;
    for (i, c) in text[start..line_end].char_indices() {
        if units >= pos.character as usize {
            return start + i;
        }
        units += c.len_utf16();
    }
    line_end
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The path of a `file:` URI; `None` for another scheme. The path is decoded, then its `.` and
/// `..` segments are resolved as RFC 3986 resolves a URI's (so `%2e%2e` climbs like `..`): what
/// comes back has neither, and a KB path made from it cannot leave the KB.
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let rest = uri.as_str().strip_prefix("file://")?;
    // `file:///home/...`, or `file://localhost/home/...`.
    let rest = rest.strip_prefix("localhost").unwrap_or(rest);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    let bytes = percent_decode(rest);
    let text = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` on Windows.
    let text = match text.as_bytes() {
        [b'/', drive, b':', ..] if drive.is_ascii_alphabetic() && cfg!(windows) => {
            text[1..].to_string()
        }
        _ => text,
    };
    Some(without_dots(Path::new(&text)))
}

/// `path` with its `.` segments dropped and each `..` taking away the segment before it (at
/// the root, `..` stays at the root).
fn without_dots(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The `file:` URI of a path on disk.
pub fn path_to_uri(path: &Path) -> Uri {
    let text = path.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) || (b == b':' && cfg!(windows)) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Uri::from_str(&out).unwrap_or_else(|_| {
        // Every byte outside the unreserved set is escaped, so this does not happen.
        Uri::from_str("file:///").expect("a constant URI parses")
    })
}

fn percent_decode(s: &str) -> Vec<u8> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(hex) = s.get(i + 1..i + 3)
            && let Ok(b) = u8::from_str_radix(hex, 16)
        {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    out
}

/// A kblint finding as an LSP diagnostic. `uri_of` gives the URI of a file of the KB.
pub fn diagnostic(
    d: &Diagnostic,
    files: &Files,
    uri_of: &dyn Fn(&File) -> Uri,
) -> lsp_types::Diagnostic {
    let file = files.get(d.primary.file);
    let mut message = d.message.clone();
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .related
        .iter()
        .map(|l| {
            let f = files.get(l.file);
            DiagnosticRelatedInformation {
                location: Location::new(uri_of(f), range(f.text(), &l.span)),
                message: l.message.clone(),
            }
        })
        .collect();
    let tags = d
        .rule
        .unnecessary()
        .then(|| vec![DiagnosticTag::UNNECESSARY]);
    lsp_types::Diagnostic {
        range: range(file.text(), &d.primary.span),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: None,
        source: Some("kblint".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags,
        data: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_utf16_code_units() {
        let text = "a: 😀 漢字 x\nb";
        let x = text.find('x').unwrap();
        // `a: ` is 3 units, the emoji 2, a space, two CJK characters of one unit each, a space.
        assert_eq!(position(text, x), Position::new(0, 9));
        assert_eq!(offset(text, Position::new(0, 9)), x);
        assert_eq!(position(text, text.len()), Position::new(1, 1));
        assert_eq!(offset(text, Position::new(1, 1)), text.len());
        assert_eq!(offset(text, Position::new(0, 99)), text.find('\n').unwrap());
        assert_eq!(offset(text, Position::new(7, 0)), text.len());
        // Inside the emoji: back to its start.
        assert_eq!(position(text, 4), Position::new(0, 3));
    }

    #[test]
    fn file_uris_round_trip() {
        let path = Path::new("/tmp/a b/é#1.md");
        let uri = path_to_uri(path);
        assert_eq!(uri.as_str(), "file:///tmp/a%20b/%C3%A9%231.md");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
    }

    #[test]
    fn encoded_dots_are_resolved_like_dots() {
        let uri = Uri::from_str("file:///kb/a/%2e%2e/%2E%2e/./%2e/x/%2e%2e/y.md").unwrap();
        assert_eq!(uri_to_path(&uri).as_deref(), Some(Path::new("/y.md")));
        let uri = Uri::from_str("file:///%2e%2e/%2e%2e/etc/passwd").unwrap();
        assert_eq!(uri_to_path(&uri).as_deref(), Some(Path::new("/etc/passwd")));
    }
}
