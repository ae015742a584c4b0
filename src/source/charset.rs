//! Bytes to text: the character encoding from a byte order mark, then the `Content-Type`
//! header's `charset`, then an HTML `<meta>` declaration, else UTF-8 (and Windows-1252, the
//! web's default, when the bytes are not UTF-8).

use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};

/// Decodes `bytes`; `header` is the `Content-Type` header, if any. Returns the text and the
/// name of the encoding used.
pub fn decode(bytes: &[u8], header: Option<&str>, html: bool) -> (String, &'static str) {
    let encoding = Encoding::for_bom(bytes)
        .map(|(e, _)| e)
        .or_else(|| header.and_then(charset_param).and_then(label))
        .or_else(|| html.then(|| meta_charset(bytes)).flatten());
    let encoding = match encoding {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => WINDOWS_1252,
    };
    // `decode` removes a BOM of any encoding and follows it over the label, as browsers do.
    let (text, used, _) = encoding.decode(bytes);
    (text.into_owned(), used.name())
}

fn label(name: &str) -> Option<&'static Encoding> {
    Encoding::for_label(name.trim().trim_matches(['"', '\'']).as_bytes())
}

/// The `charset` parameter of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| value.trim())
    })
}

/// `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">` in the
/// first 4 KiB, as HTML's prescan looks for them.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = head.as_str();
    while let Some(at) = rest.find("<meta") {
        rest = &rest[at + 5..];
        let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
        if let Some(pos) = tag.find("charset") {
            let value = tag[pos + 7..].trim_start();
            if let Some(value) = value.strip_prefix('=') {
                let value = value.trim_start().trim_start_matches(['"', '\'']);
                let end = value
                    .find(|c: char| {
                        c == '"' || c == '\'' || c == ';' || c.is_whitespace() || c == '/'
                    })
                    .unwrap_or(value.len());
                if let Some(e) = label(&value[..end]) {
                    // A page that says UTF-16 in ASCII is not UTF-16 (HTML's rule).
                    return Some(if e.name().starts_with("UTF-16") {
                        UTF_8
                    } else {
                        e
                    });
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_wins_over_guessing() {
        let (text, name) = decode(b"caf\xe9", Some("text/html; charset=ISO-8859-1"), true);
        assert_eq!(text, "café");
        assert_eq!(name, "windows-1252");
    }

    #[test]
    fn meta_charset_is_read() {
        let page = b"<html><head><meta charset=\"iso-8859-15\"></head><body>\xa4</body></html>";
        let (text, name) = decode(page, None, true);
        assert!(text.contains('€'), "{text}");
        assert_eq!(name, "ISO-8859-15");
        let page = b"<meta http-equiv=Content-Type content='text/html; charset=windows-1251'>\xc0";
        assert!(decode(page, None, true).0.ends_with('А'));
    }

    #[test]
    fn a_bom_decides() {
        let mut utf16 = vec![0xff, 0xfe];
        for unit in "héllo".encode_utf16() {
            utf16.extend(unit.to_le_bytes());
        }
        assert_eq!(
            decode(&utf16, Some("text/html; charset=utf-8"), true),
            ("héllo".to_string(), "UTF-16LE")
        );
    }

    #[test]
    fn bytes_that_are_not_utf8_fall_back_to_windows_1252() {
        assert_eq!(decode(b"na\xefve", None, false).0, "naïve");
    }
}
