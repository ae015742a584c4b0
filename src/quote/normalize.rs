//! Normalisation (spec §5) with a map from every normalised byte back to the original text.

use std::ops::Range;

use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick, is_nfkc_quick};

use crate::diagnostic::offset32;

/// A stretch of the normalised text and where it came from. It covers the normalised bytes from
/// `norm` to the next segment's `norm` (or the end of the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
/// Offsets in 32 bits (a source has millions of segments; the parse stage refuses a file of
/// 4 GiB or more, and offsets past that are held at the largest).
struct Segment {
    norm: u32,
    orig: u32,
    orig_end: u32,
    /// Each normalised byte comes from the original byte at the same offset in `orig..orig_end`
    /// (the same byte, or a space for a one-byte white space character). Otherwise every byte
    /// of the segment comes from the whole original range.
    identity: bool,
}

/// Text after the spec's §5 normalisation, with a map from every byte of the normalised text back
/// to the byte offset in the original where it came from.
#[derive(Debug, Clone, Default)]
pub struct Normalized {
    pub text: String,
    segments: Vec<Segment>,
    /// The end of the last original byte that produced normalised text.
    end: usize,
}

impl Normalized {
    pub fn new(original: &str) -> Self {
        let bytes = original.as_bytes();
        let mut b = Builder {
            original,
            text: String::with_capacity(original.len()),
            segments: Vec::new(),
            space: None,
            end: 0,
        };
        let mut cluster = Cluster::default();
        let mut i = 0;
        while i < bytes.len() {
            let byte = bytes[i];
            // ASCII fast path: an ASCII character not followed by a possible combining mark.
            if byte < 0x80 && bytes.get(i + 1).is_none_or(|n| *n < 0x80) {
                b.flush(&mut cluster);
                if is_ascii_white(byte) {
                    b.white(i..i + 1);
                    i += 1;
                } else {
                    // The whole run of such characters at once: they are kept as they are.
                    let mut end = i + 1;
                    while let Some(&next) = bytes.get(end) {
                        if next >= 0x80
                            || is_ascii_white(next)
                            || bytes.get(end + 1).is_some_and(|n| *n >= 0x80)
                        {
                            break;
                        }
                        end += 1;
                    }
                    b.flush_space();
                    b.identity(i, end);
                    i = end;
                }
                continue;
            }
            let Some(c) = original.get(i..).and_then(|s| s.chars().next()) else {
                break;
            };
            let range = i..i + c.len_utf8();
            i = range.end;
            let Some(c) = fold(c) else { continue };
            if c.is_whitespace() {
                b.flush(&mut cluster);
                b.white(range);
            } else if cluster.buf.is_empty() || starts_cluster(c) {
                b.flush(&mut cluster);
                cluster.buf.push(c);
                cluster.range = range;
            } else {
                cluster.buf.push(c);
                cluster.range.end = range.end;
            }
        }
        b.flush(&mut cluster);
        Normalized {
            text: b.text,
            segments: {
                let mut segments = b.segments;
                segments.shrink_to_fit();
                segments
            },
            end: b.end,
        }
    }

    /// The byte range in the original text that produced `norm` (a range of `self.text`).
    /// Always on char boundaries of the original; end is the end of the last original char used.
    /// An empty range maps to the empty range at [`Normalized::original_offset`]. Out-of-range or
    /// reversed input is clamped, never a panic.
    pub fn original_range(&self, norm: Range<usize>) -> Range<usize> {
        let len = self.text.len();
        let mut a = norm.start.min(len);
        let mut z = norm.end.min(len).max(a);
        while !self.text.is_char_boundary(a) {
            a -= 1;
        }
        while !self.text.is_char_boundary(z) {
            z += 1;
        }
        if a == z {
            let at = self.original_offset(a);
            return at..at;
        }
        let start = self.original_offset(a);
        let last = z - 1;
        let seg = self.segment(last);
        let end = if seg.identity {
            let mut next = last + 1;
            while !self.text.is_char_boundary(next) {
                next += 1;
            }
            seg.orig as usize + (next - seg.norm as usize)
        } else {
            seg.orig_end as usize
        };
        start..end.max(start)
    }

    /// The original byte offset where the normalised character at `norm` starts; at or past the
    /// end of the normalised text, the end of the last original character used.
    pub fn original_offset(&self, norm: usize) -> usize {
        if norm >= self.text.len() {
            return self.end;
        }
        let mut n = norm;
        while !self.text.is_char_boundary(n) {
            n -= 1;
        }
        let seg = self.segment(n);
        if seg.identity {
            seg.orig as usize + (n - seg.norm as usize)
        } else {
            seg.orig as usize
        }
    }

    /// The segment that holds normalised byte `n` (`n < text.len()`, so there is one).
    fn segment(&self, n: usize) -> Segment {
        let i = self.segments.partition_point(|s| s.norm as usize <= n);
        self.segments
            .get(i.saturating_sub(1))
            .copied()
            .unwrap_or(Segment {
                norm: 0,
                orig: 0,
                orig_end: 0,
                identity: false,
            })
    }
}

/// The characters gathered for one NFKC call, and the original bytes they came from.
#[derive(Default)]
struct Cluster {
    buf: String,
    range: Range<usize>,
}

struct Builder<'a> {
    original: &'a str,
    text: String,
    segments: Vec<Segment>,
    /// A pending run of white space (original bytes): one space, unless it ends the text.
    space: Option<Range<usize>>,
    end: usize,
}

impl Builder<'_> {
    fn white(&mut self, r: Range<usize>) {
        self.space = Some(match self.space.take() {
            Some(s) => s.start.min(r.start)..s.end.max(r.end),
            None => r,
        });
    }

    fn flush_space(&mut self) {
        if let Some(r) = self.space.take() {
            if self.text.is_empty() {
                return;
            }
            if r.len() == 1 {
                // One byte of white space (` `, a line break, a tab) for one space: mapped byte
                // for byte, so a text's lines do not each need a segment of their own.
                self.byte_for_byte(r.start, r.end, " ");
            } else {
                self.atomic(r, ' ');
            }
        }
    }

    /// Appends the original bytes `from..to` unchanged.
    fn identity(&mut self, from: usize, to: usize) {
        let Some(s) = self.original.get(from..to) else {
            return;
        };
        self.byte_for_byte(from, to, s);
    }

    /// Appends `s`, which has as many bytes as the original bytes `from..to` and maps to them
    /// one for one.
    fn byte_for_byte(&mut self, from: usize, to: usize, s: &str) {
        match self.segments.last_mut() {
            Some(seg) if seg.identity && seg.orig_end as usize == from => {
                seg.orig_end = offset32(to)
            }
            _ => self.segments.push(Segment {
                norm: offset32(self.text.len()),
                orig: offset32(from),
                orig_end: offset32(to),
                identity: true,
            }),
        }
        self.text.push_str(s);
        self.end = to;
    }

    /// Appends `c`, which came from the original bytes `r` as a whole.
    fn atomic(&mut self, r: Range<usize>, c: char) {
        match self.segments.last() {
            Some(seg)
                if !seg.identity
                    && seg.orig as usize == r.start
                    && seg.orig_end as usize == r.end => {}
            _ => self.segments.push(Segment {
                norm: offset32(self.text.len()),
                orig: offset32(r.start),
                orig_end: offset32(r.end),
                identity: false,
            }),
        }
        self.text.push(c);
        self.end = r.end;
    }

    fn flush(&mut self, cluster: &mut Cluster) {
        if cluster.buf.is_empty() {
            return;
        }
        let r = cluster.range.clone();
        let original = self.original.get(r.clone()).unwrap_or("");
        if cluster.buf == original && is_nfkc_quick(cluster.buf.chars()) == IsNormalized::Yes {
            self.flush_space();
            self.identity(r.start, r.end);
        } else {
            let out: Vec<char> = cluster.buf.chars().nfkc().filter_map(fold).collect();
            let unchanged =
                out.iter().copied().eq(original.chars()) && !out.iter().any(|c| c.is_whitespace());
            if unchanged {
                self.flush_space();
                self.identity(r.start, r.end);
            } else {
                for c in out {
                    if c.is_whitespace() {
                        self.white(r.clone());
                    } else {
                        self.flush_space();
                        self.atomic(r.clone(), c);
                    }
                }
            }
        }
        cluster.buf.clear();
    }
}

/// ASCII white space, as the fast path of [`Normalized::new`] sees it.
pub(super) fn is_ascii_white(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// The per-character mappings of §5: `None` for a character that is removed.
fn fold(c: char) -> Option<char> {
    match c {
        '\u{AD}' | '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' => None,
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{2035}'
        | '\u{2039}' | '\u{203A}' | '\u{2BC}' => Some('\''),
        '\u{201C}'..='\u{201F}'
        | '\u{2033}'
        | '\u{2036}'
        | '\u{AB}'
        | '\u{BB}'
        | '\u{301D}'..='\u{301F}' => Some('"'),
        '\u{2010}'..='\u{2015}'
        | '\u{2043}'
        | '\u{2212}'
        | '\u{2E3A}'
        | '\u{2E3B}'
        | '\u{FE31}'
        | '\u{FE32}'
        | '\u{FE58}'
        | '\u{FE63}'
        | '\u{FF0D}' => Some('-'),
        _ => Some(c),
    }
}

/// Whether NFKC can never join `c` with what precedes it, so a new cluster may start at `c`.
fn starts_cluster(c: char) -> bool {
    if c.is_ascii() {
        return true;
    }
    if canonical_combining_class(c) != 0 {
        return false;
    }
    let mut first = None;
    decompose_compatible(c, |d| {
        if first.is_none() {
            first = Some(d);
        }
    });
    let d = first.unwrap_or(c);
    canonical_combining_class(d) == 0 && is_nfc_quick(std::iter::once(d)) != IsNormalized::Maybe
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_map(original: &str) -> Normalized {
        let n = Normalized::new(original);
        let chars: Vec<usize> = n.text.char_indices().map(|(i, _)| i).collect();
        for (k, &i) in chars.iter().enumerate() {
            let end = chars.get(k + 1).copied().unwrap_or(n.text.len());
            let r = n.original_range(i..end);
            assert!(
                original.is_char_boundary(r.start) && original.is_char_boundary(r.end),
                "{original:?} {r:?}"
            );
            assert!(
                r.start < r.end && r.end <= original.len(),
                "{original:?} {i} {r:?}"
            );
            // Every byte of the normalised text maps into the range of its character.
            for b in i..end {
                let rb = n.original_range(b..b + 1);
                assert_eq!(rb, r, "{original:?} byte {b}");
            }
        }
        // Arbitrary (even non-boundary, reversed or out-of-range) input never panics.
        for a in 0..=n.text.len() + 2 {
            for b in 0..=n.text.len() + 2 {
                let r = n.original_range(a..b);
                assert!(original.is_char_boundary(r.start) && original.is_char_boundary(r.end));
                assert!(r.start <= r.end);
            }
        }
        n
    }

    fn slice(n: &Normalized, original: &str, needle: &str) -> String {
        let at = n.text.find(needle).expect("needle in normalised text");
        original[n.original_range(at..at + needle.len())].to_string()
    }

    #[test]
    fn normalises_as_the_spec_says() {
        let cases = [
            ("  a\u{a0}\t b\n\n", "a b"),
            ("“quoted” ‘single’ don’t", "\"quoted\" 'single' don't"),
            ("a‐b‑c‒d–e—f―g−h﹘i﹣j－k", "a-b-c-d-e-f-g-h-i-j-k"),
            (
                "soft\u{ad}ware zero\u{200b}width\u{feff}",
                "software zerowidth",
            ),
            ("ﬁne…", "fine..."),
            ("cafe\u{301} café", "café café"),
            ("ＡＢＣ", "ABC"),
            ("x ″ y", "x \" y"),
            ("\u{200b} \u{200b}", ""),
            ("", ""),
        ];
        for (input, want) in cases {
            assert_eq!(check_map(input).text, want, "{input:?}");
        }
    }

    #[test]
    fn map_is_exact_across_nfkc_expansions() {
        let original = "a ﬁne day… then “x”";
        let n = check_map(original);
        assert_eq!(n.text, "a fine day... then \"x\"");
        assert_eq!(slice(&n, original, "fi"), "ﬁ");
        assert_eq!(slice(&n, original, "f"), "ﬁ");
        assert_eq!(slice(&n, original, "fine"), "ﬁne");
        assert_eq!(slice(&n, original, "..."), "…");
        assert_eq!(slice(&n, original, "."), "…");
        assert_eq!(slice(&n, original, "day..."), "day…");
        assert_eq!(slice(&n, original, "\"x\""), "“x”");
        assert_eq!(n.original_offset(n.text.len()), original.len());
    }

    #[test]
    fn map_covers_white_space_removed_and_combining_characters() {
        let original = "\u{feff}  one\r\n\u{a0} two\u{ad}three e\u{301}x 漢字 👍🏽 ok  ";
        let n = check_map(original);
        assert_eq!(n.text, "one twothree éx 漢字 👍🏽 ok");
        assert_eq!(slice(&n, original, "one two"), "one\r\n\u{a0} two");
        assert_eq!(slice(&n, original, "twothree"), "two\u{ad}three");
        assert_eq!(slice(&n, original, "é"), "e\u{301}");
        assert_eq!(slice(&n, original, "éx"), "e\u{301}x");
        assert_eq!(slice(&n, original, "字"), "字");
        assert_eq!(slice(&n, original, "👍🏽"), "👍🏽");
        assert_eq!(n.original_offset(n.text.len()), original.trim_end().len());
        assert_eq!(n.original_range(3..3), 8..8);
    }

    #[test]
    fn map_holds_across_ascii_runs() {
        // Runs of ASCII (taken whole by the fast path) next to white space, marks that combine
        // with the last ASCII letter of a run, and characters that normalisation changes.
        let pieces = [
            "ab", "x", " ", "  ", "\n", "\r\n", "\t", "\u{301}", "é", "“", "”", "—", "ﬁ", "…",
            "\u{ad}", "\u{a0}", "漢", ".", "'",
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..400 {
            let mut original = String::new();
            for _ in 0..12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                original.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            check_map(&original);
        }
        let n = check_map("word e\u{301}nd  two\nlines");
        assert_eq!(n.text, "word énd two lines");
    }

    #[test]
    fn map_survives_odd_unicode() {
        for s in [
            "\u{301}\u{301}a",
            "ｶﾞ ﾊﾟ",
            "\u{1100}\u{1161}\u{11a8} 각",
            "¨x",
            "a\u{200d}\u{301}",
            "\u{fdfa}",
            "x\u{2028}y\u{3000}z",
            "⑴ ㎏ ½",
            "İstanbul ß",
        ] {
            check_map(s);
        }
        assert_eq!(Normalized::new("ｶﾞ").text, "ガ");
        assert_eq!(Normalized::new("\u{1100}\u{1161}\u{11a8}").text, "각");
    }
}
