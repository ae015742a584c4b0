//! Quotes: normalisation, exact matching with elisions, and the nearest passage (spec §5).
//!
//! # Normalisation
//!
//! [`Normalized::new`] applies the same steps to a source body and to a quote:
//!
//! * soft hyphen (U+00AD) and the zero-width characters U+200B..U+200D, U+2060, U+FEFF are removed
//!   (they are transparent: `e`, soft hyphen, U+0301 still composes to `é`);
//! * curly single quotes, primes and their kin (`‘ ’ ‚ ‛ ′ ‵ ‹ › ʼ`) become `'`;
//! * curly double quotes and their kin (`“ ” „ ‟ ″ ‶ « » 〝 〞 〟`) become `"` (guillemets included:
//!   they are quotation marks, and a quote typed with `"` should match a source set with `« »`);
//! * hyphens, dashes and minus signs (U+2010..U+2015, U+2043, U+2212, U+2E3A, U+2E3B, U+FE31,
//!   U+FE32, U+FE58, U+FE63, U+FF0D) become `-`;
//! * Unicode NFKC (so `…` is `...`, `ﬁ` is `fi`, full-width letters are ASCII, and a combining
//!   sequence matches its precomposed form);
//! * every run of white space (Unicode `White_Space`: newlines, tabs, no-break spaces, ...) becomes
//!   one ASCII space; leading and trailing space is dropped.
//!
//! The quote and dash mappings are applied both before NFKC (so `″` is one `"`, not the two primes
//! NFKC would make of it) and after it (so `﹘`, which NFKC turns into an em dash, is `-`).
//!
//! NFKC is computed per *cluster*: a character that starts a stable boundary (a starter that never
//! composes with what precedes it) plus everything up to the next such character. Every byte of
//! the normalised text maps back to the original bytes of its cluster, so a range of the
//! normalised text always maps back to whole original characters ([`Normalized::original_range`]).
//!
//! # Matching
//!
//! An ellipsis in a quote (`...` or more dots, `…`, `[...]`, `[…]`, with or without spaces inside
//! the brackets) splits it into fragments; each is trimmed and empty ones are skipped. Fragments
//! must occur in the source in order without overlapping, case-sensitively except for the first
//! letter of each fragment: the first alphanumeric character, when it is a cased letter, may be in
//! any case (`The` matches `the`, but `3 ways` does not match `3 Ways`). There is no word-boundary
//! requirement and no limit on the size of an elided gap. When there are several ways to place the
//! fragments, the reported one ends earliest, and among those is the tightest window.
//!
//! # Nearest passage
//!
//! Only for a quote that is not found. Fragments are placed in order: a fragment found exactly
//! (after the previous one) keeps that place; one that is not is searched approximately (least
//! Levenshtein distance in characters, bit-parallel Myers/Hyyrö) in the rest of the source, and
//! the exact fragments before it are moved to their last occurrences before it. The passage runs
//! from the first placed fragment to the last, elided text included; it is widened to whole words
//! (at most 64 characters each side) and trimmed of spaces. Similarity counts only the fragments:
//! `100 × (1 − edits / max(quote chars, passage chars))`, rounded, and at most 99 when there is
//! any edit. Differences are word by word (LCS over words) within each fragment, never over the
//! elided gaps; a word is a run of non-space characters, except that CJK, Thai-like scripts and
//! emoji count each character (with its combining marks) as a word.

use std::collections::HashMap;
use std::ops::Range;

use aho_corasick::AhoCorasick;
use memchr::memmem;
use rayon::prelude::*;
use unicode_normalization::char::{canonical_combining_class, decompose_compatible};
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick, is_nfkc_quick};

// ---------------------------------------------------------------------------------------------
// Normalisation
// ---------------------------------------------------------------------------------------------

/// A stretch of the normalised text and where it came from. It covers the normalised bytes from
/// `norm` to the next segment's `norm` (or the end of the text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    norm: usize,
    orig: usize,
    orig_end: usize,
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
            segments: b.segments,
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
            seg.orig + (next - seg.norm)
        } else {
            seg.orig_end
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
            seg.orig + (n - seg.norm)
        } else {
            seg.orig
        }
    }

    /// The segment that holds normalised byte `n` (`n < text.len()`, so there is one).
    fn segment(&self, n: usize) -> Segment {
        let i = self.segments.partition_point(|s| s.norm <= n);
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
            Some(seg) if seg.identity && seg.orig_end == from => seg.orig_end = to,
            _ => self.segments.push(Segment {
                norm: self.text.len(),
                orig: from,
                orig_end: to,
                identity: true,
            }),
        }
        self.text.push_str(s);
        self.end = to;
    }

    /// Appends `c`, which came from the original bytes `r` as a whole.
    fn atomic(&mut self, r: Range<usize>, c: char) {
        match self.segments.last() {
            Some(seg) if !seg.identity && seg.orig == r.start && seg.orig_end == r.end => {}
            _ => self.segments.push(Segment {
                norm: self.text.len(),
                orig: r.start,
                orig_end: r.end,
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
fn is_ascii_white(byte: u8) -> bool {
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

// ---------------------------------------------------------------------------------------------
// Quotes and exact matching
// ---------------------------------------------------------------------------------------------

/// What searching a quote in one source gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    /// Every fragment was found, in order, not overlapping: their byte ranges in the ORIGINAL
    /// source text.
    Found(Vec<Range<usize>>),
    /// The quote has no text to look for (empty, blank, or only ellipses).
    Empty,
    NotFound,
}

/// Searches `quote` in `source` (spec §5).
pub fn find(source: &Normalized, quote: &str) -> Match {
    let q = Quote::new(quote);
    if q.fragments.is_empty() {
        return Match::Empty;
    }
    match q.place(&source.text) {
        Some(ranges) => Match::Found(
            ranges
                .into_iter()
                .map(|r| source.original_range(r))
                .collect(),
        ),
        None => Match::NotFound,
    }
}

/// Whether `quote` is in `source`: [`find`] for a caller that needs only the verdict, not
/// where. `None` when the quote has no text to look for ([`Match::Empty`]).
pub fn contains(source: &Normalized, quote: &str) -> Option<bool> {
    // Most quotes are plain ASCII text that normalisation leaves as it is, and most are found:
    // they are searched as they stand, fragment by fragment, with nothing built or copied.
    let owned;
    let q = if is_plain(quote) {
        quote
    } else {
        owned = Normalized::new(quote).text;
        owned.as_str()
    };
    let fragments = split(q);
    if fragments.is_empty() {
        return None;
    }
    let hay = source.text.as_str();
    let mut pos = 0;
    for r in fragments {
        let Some(text) = q.get(r) else {
            continue;
        };
        match first_plain(text, hay, pos) {
            Some(end) => pos = end,
            None => return Some(false),
        }
    }
    Some(true)
}

/// Whether normalisation leaves `quote` as it is: ASCII, with single spaces between words and
/// none at either end.
fn is_plain(quote: &str) -> bool {
    quote.is_ascii()
        && !quote.starts_with(' ')
        && !quote.ends_with(' ')
        && !quote.contains("  ")
        && !quote.bytes().any(|b| b != b' ' && is_ascii_white(b))
}

/// [`Fragment::first`] for fragment `text` (normalised and trimmed), without building the
/// fragment when its first letter is ASCII: where the occurrence at or after `from` that ends
/// first ends.
fn first_plain(text: &str, hay: &str, from: usize) -> Option<usize> {
    let letter = text.char_indices().find(|(_, c)| c.is_alphanumeric());
    let (i, c) = match letter {
        Some((i, c)) if c.is_ascii() => (i, c as u8),
        // A letter that is not ASCII: its case variants, as the fragment knows them.
        Some(_) => return Fragment::new(text, 0).first(hay, from).map(|r| r.end),
        None => {
            return memmem::find(hay.as_bytes().get(from..)?, text.as_bytes())
                .map(|at| from + at + text.len());
        }
    };
    let other = if c.is_ascii_lowercase() {
        c.to_ascii_uppercase()
    } else {
        c.to_ascii_lowercase()
    };
    let (b, t) = (hay.as_bytes(), text.as_bytes());
    let (head, rest) = (&t[..i], &t[i + 1..]);
    if c == other {
        // A digit: no other case, the whole fragment is looked for.
        return memmem::find(b.get(from..)?, t).map(|at| from + at + t.len());
    }
    if rest.is_empty() {
        return Fragment::new(text, 0).first(hay, from).map(|r| r.end);
    }
    // Every occurrence ends with `rest`, and has `head` and the letter in either case before it.
    let finder = memmem::Finder::new(rest);
    let mut pos = from + head.len() + 1;
    loop {
        let r = pos + finder.find(b.get(pos..)?)?;
        let p = r - head.len() - 1;
        if b[p..].starts_with(head) && (b[r - 1] == c || b[r - 1] == other) {
            return Some(r + rest.len());
        }
        pos = r + 1;
    }
}

/// One fragment of a quote, between ellipses.
struct Fragment {
    /// Normalised and trimmed.
    text: String,
    /// Where it is in the normalised quote.
    at: usize,
    /// The first alphanumeric character, when it is a cased letter: its byte offset in `text`.
    letter: Option<(usize, char)>,
    /// The ways to write the first letter (`[""]` when there is none): every way to write the
    /// fragment is `text[..head]`, one of these, then `text[rest..]`.
    variants: Vec<String>,
    head: usize,
    rest: usize,
    /// Finds `text[rest..]`, which every occurrence ends with (when it is not empty).
    finder: memmem::Finder<'static>,
}

impl Fragment {
    fn new(text: &str, at: usize) -> Fragment {
        let cased = text
            .char_indices()
            .find(|(_, c)| c.is_alphanumeric())
            .map(|(i, c)| (i, c, case_variants(c)))
            .filter(|(_, _, variants)| variants.len() > 1);
        let letter = cased.as_ref().map(|&(i, c, _)| (i, c));
        let (variants, head, rest) = match cased {
            None => (vec![String::new()], 0, 0),
            Some((i, c, variants)) => (variants, i, i + c.len_utf8()),
        };
        Fragment {
            text: text.to_string(),
            at,
            letter,
            variants,
            head,
            rest,
            finder: memmem::Finder::new(text.get(rest..).unwrap_or("").as_bytes()).into_owned(),
        }
    }

    /// Every way to write the fragment (the first letter in each case).
    fn spellings(&self) -> impl Iterator<Item = String> + '_ {
        let (head, rest) = (&self.text[..self.head], &self.text[self.rest..]);
        self.variants
            .iter()
            .map(move |v| format!("{head}{v}{rest}"))
    }

    /// The occurrence at or after `from` that ends first (among those, the one that starts
    /// first). Found by searching the text after the first letter, which every spelling shares,
    /// and checking what stands before it.
    fn first(&self, hay: &str, from: usize) -> Option<Range<usize>> {
        let b = hay.as_bytes();
        let (head, rest) = (
            &self.text.as_bytes()[..self.head],
            &self.text.as_bytes()[self.rest..],
        );
        if rest.is_empty() {
            return self
                .spellings()
                .filter_map(|s| {
                    memmem::find(b.get(from..)?, s.as_bytes())
                        .map(|at| from + at..from + at + s.len())
                })
                .min_by_key(|r| (r.end, r.start));
        }
        let shortest = self.variants.iter().map(String::len).min().unwrap_or(0);
        let mut pos = from + head.len() + shortest;
        loop {
            let r = pos + self.finder.find(b.get(pos..)?)?;
            let start = self
                .variants
                .iter()
                .filter_map(|v| {
                    let p = r.checked_sub(head.len() + v.len()).filter(|&p| p >= from)?;
                    (b[p..r].starts_with(head) && &b[p + head.len()..r] == v.as_bytes())
                        .then_some(p)
                })
                .min();
            if let Some(p) = start {
                return Some(p..r + rest.len());
            }
            pos = r + 1;
        }
    }

    /// The occurrence inside `lo..hi` that starts last.
    fn last(&self, hay: &str, lo: usize, hi: usize) -> Option<Range<usize>> {
        let window = hay.as_bytes().get(lo..hi)?;
        self.spellings()
            .filter_map(|s| {
                memmem::rfind(window, s.as_bytes()).map(|at| lo + at..lo + at + s.len())
            })
            .max_by_key(|r| (r.start, std::cmp::Reverse(r.end)))
    }

    /// A piece that any occurrence contains byte for byte (the case of the first letter aside).
    fn piece(&self) -> &str {
        match self.letter {
            None => &self.text,
            Some((i, c)) => match self.text.get(i + c.len_utf8()..) {
                Some(rest) if !rest.is_empty() => rest,
                _ => self.text.get(..i).unwrap_or(""),
            },
        }
    }

    /// The characters of the fragment as pattern positions (the first letter in any case).
    fn classes(&self) -> Vec<Vec<char>> {
        self.text
            .char_indices()
            .map(|(i, c)| match self.letter {
                Some((at, _)) if at == i => {
                    let mut class = vec![c];
                    for v in case_variants(c) {
                        let mut chars = v.chars();
                        if let (Some(x), None) = (chars.next(), chars.next())
                            && !class.contains(&x)
                        {
                            class.push(x);
                        }
                    }
                    class
                }
                _ => vec![c],
            })
            .collect()
    }
}

/// `c`, its lowercase and its uppercase, without repeats.
fn case_variants(c: char) -> Vec<String> {
    let mut out = vec![c.to_string()];
    for v in [
        c.to_lowercase().collect::<String>(),
        c.to_uppercase().collect::<String>(),
    ] {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// Whether `s` is the character `letter` in some case.
fn same_letter(letter: char, s: char) -> bool {
    s == letter
        || case_variants(letter).iter().any(|v| {
            let mut chars = v.chars();
            chars.next() == Some(s) && chars.next().is_none()
        })
}

/// A quote, normalised and split at its ellipses.
struct Quote {
    norm: Normalized,
    fragments: Vec<Fragment>,
}

impl Quote {
    fn new(quote: &str) -> Quote {
        let norm = Normalized::new(quote);
        let fragments = split(&norm.text)
            .into_iter()
            .filter_map(|r| Some(Fragment::new(norm.text.get(r.clone())?, r.start)))
            .collect();
        Quote { norm, fragments }
    }

    /// Whether the fragments are in `hay`, in order and not overlapping: [`Quote::place`]
    /// without the tightest window.
    fn is_in(&self, hay: &str) -> bool {
        let mut pos = 0;
        for f in &self.fragments {
            match f.first(hay, pos) {
                Some(r) => pos = r.end,
                None => return false,
            }
        }
        true
    }

    /// Where the fragments are in `hay`, in order and not overlapping, or `None`. Fragments are
    /// placed greedily (each ends as early as possible), then pulled back toward the last one so
    /// that the window is as tight as it can be.
    fn place(&self, hay: &str) -> Option<Vec<Range<usize>>> {
        let mut out: Vec<Range<usize>> = Vec::with_capacity(self.fragments.len());
        let mut pos = 0;
        for f in &self.fragments {
            let r = f.first(hay, pos)?;
            pos = r.end;
            out.push(r);
        }
        for j in (0..out.len().saturating_sub(1)).rev() {
            if let Some(r) = self.fragments[j].last(hay, out[j].start, out[j + 1].start) {
                out[j] = r;
            }
        }
        Some(out)
    }
}

/// The fragments of a normalised quote: its text between ellipses (`...` or more dots, `[...]`
/// with optional spaces inside the brackets), trimmed, empty ones left out.
fn split(q: &str) -> Vec<Range<usize>> {
    let b = q.as_bytes();
    let mut cuts: Vec<Range<usize>> = Vec::new();
    let dots = |mut i: usize| {
        let start = i;
        while b.get(i) == Some(&b'.') {
            i += 1;
        }
        i - start
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'.' {
            let n = dots(i);
            if n >= 3 {
                cuts.push(i..i + n);
            }
            i += n;
        } else if b[i] == b'[' {
            let mut j = i + 1;
            if b.get(j) == Some(&b' ') {
                j += 1;
            }
            let n = dots(j);
            j += n;
            if b.get(j) == Some(&b' ') {
                j += 1;
            }
            if n >= 3 && b.get(j) == Some(&b']') {
                cuts.push(i..j + 1);
                i = j + 1;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    let mut start = 0;
    for cut in cuts.into_iter().chain(std::iter::once(b.len()..b.len())) {
        let (mut s, mut e) = (start, cut.start);
        while s < e && b[s] == b' ' {
            s += 1;
        }
        while e > s && b[e - 1] == b' ' {
            e -= 1;
        }
        if s < e {
            out.push(s..e);
        }
        start = cut.end;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Search in many sources
// ---------------------------------------------------------------------------------------------

/// For each quote, the index (into `sources`) of the first source in which `find` gives Found,
/// or None. One Aho-Corasick pass over every source looks for a piece of each quote that any
/// match must contain (the longest fragment after its first letter); only the sources that
/// contain it are checked with the full search.
pub fn find_elsewhere(sources: &[&Normalized], quotes: &[&str]) -> Vec<Option<usize>> {
    let parsed: Vec<Quote> = quotes.par_iter().map(|q| Quote::new(q)).collect();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut pieces: Vec<&str> = Vec::new();
    let piece_of: Vec<Option<usize>> = parsed
        .iter()
        .map(|q| {
            let piece = q
                .fragments
                .iter()
                .map(Fragment::piece)
                .filter(|p| !p.is_empty())
                .max_by_key(|p| p.len())?;
            Some(*ids.entry(piece).or_insert_with(|| {
                pieces.push(piece);
                pieces.len() - 1
            }))
        })
        .collect();
    // For each piece, the sources that contain it, in order; `None` when the prefilter failed.
    let candidates: Option<Vec<Vec<usize>>> = if pieces.is_empty() {
        Some(Vec::new())
    } else {
        AhoCorasick::new(&pieces).ok().map(|ac| {
            let present: Vec<Vec<usize>> = sources
                .par_iter()
                .map(|s| {
                    let mut seen = vec![false; pieces.len()];
                    let mut count = 0;
                    if let Ok(iter) = ac.try_find_overlapping_iter(s.text.as_str()) {
                        for m in iter {
                            let p = m.pattern().as_usize();
                            if let Some(slot) = seen.get_mut(p)
                                && !*slot
                            {
                                *slot = true;
                                count += 1;
                                if count == pieces.len() {
                                    break;
                                }
                            }
                        }
                    } else {
                        seen.iter_mut().for_each(|s| *s = true);
                    }
                    (0..pieces.len()).filter(|&p| seen[p]).collect()
                })
                .collect();
            let mut by_piece = vec![Vec::new(); pieces.len()];
            for (s, ps) in present.into_iter().enumerate() {
                for p in ps {
                    by_piece[p].push(s);
                }
            }
            by_piece
        })
    };
    parsed
        .par_iter()
        .zip(piece_of)
        .map(|(q, piece)| {
            if q.fragments.is_empty() {
                return None;
            }
            let found = |&s: &usize| sources.get(s).is_some_and(|src| q.is_in(&src.text));
            match (piece, &candidates) {
                (Some(p), Some(c)) => c.get(p).and_then(|list| list.iter().copied().find(found)),
                _ => (0..sources.len()).find(found),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Nearest passage
// ---------------------------------------------------------------------------------------------

/// The passage of a source most similar to a quote that was not found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nearest {
    /// Byte range in the ORIGINAL source, trimmed to word boundaries. With elisions, it runs from
    /// the first fragment to the last, elided text included.
    pub range: Range<usize>,
    /// Percent, 0..=100 (never 100 when there is a difference).
    pub similarity: u8,
    /// Word by word, in order.
    pub differences: Vec<Difference>,
}

/// Words that differ between the quote and the nearest passage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Byte range in the ORIGINAL source (an empty range at the insertion point, right after the
    /// previous word, when the quote has extra words).
    pub source: Range<usize>,
    /// What the source reads there, normalised ("" when the quote adds words).
    pub source_text: String,
    /// What the quote has there, normalised ("" when the quote drops words).
    pub quote_text: String,
    /// Byte range in the ORIGINAL quote string (empty at the insertion point when the quote drops
    /// words): replacing each of these with `source_text` makes the quote match.
    pub quote: Range<usize>,
}

/// Where a fragment went in the nearest passage.
struct Placed {
    range: Range<usize>,
    exact: bool,
}

/// The passage of `source` most similar to `quote`; `None` for an empty quote or source, or
/// when nothing of the quote is in the source.
pub fn nearest(source: &Normalized, quote: &str) -> Option<Nearest> {
    let q = Quote::new(quote);
    let text = source.text.as_str();
    if q.fragments.is_empty() || text.is_empty() {
        return None;
    }
    let mut placed: Vec<Placed> = Vec::with_capacity(q.fragments.len());
    let mut pos = 0;
    for (k, f) in q.fragments.iter().enumerate() {
        if let Some(r) = f.first(text, pos) {
            pos = r.end;
            placed.push(Placed {
                range: r,
                exact: true,
            });
            continue;
        }
        let r = approximate(text, pos, f);
        let mut hi = r.start;
        for j in (0..k).rev() {
            if !placed[j].exact {
                break;
            }
            if let Some(t) = q.fragments[j].last(text, placed[j].range.start, hi) {
                placed[j].range = t;
            }
            hi = placed[j].range.start;
        }
        pos = pos.max(r.end);
        placed.push(Placed {
            range: r,
            exact: false,
        });
    }
    // A fragment with no passage at all sits right after the one before it (or before the next).
    for k in 0..placed.len() {
        if placed[k].range.is_empty() {
            let at = match (
                k.checked_sub(1).map(|j| &placed[j]),
                placed[k + 1..].iter().find(|p| !p.range.is_empty()),
            ) {
                (Some(prev), _) => prev.range.end,
                (None, Some(next)) => next.range.start,
                (None, None) => placed[k].range.start,
            };
            placed[k].range = at..at;
        }
    }
    let start = placed
        .iter()
        .filter(|p| !p.range.is_empty())
        .map(|p| p.range.start)
        .min()?;
    let end = placed
        .iter()
        .filter(|p| !p.range.is_empty())
        .map(|p| p.range.end)
        .max()?;

    let (mut edits, mut quote_chars, mut passage_chars) = (0usize, 0usize, 0usize);
    let mut differences = Vec::new();
    for (f, p) in q.fragments.iter().zip(&placed) {
        let passage = text.get(p.range.clone()).unwrap_or("");
        quote_chars += f.text.chars().count();
        passage_chars += passage.chars().count();
        if !p.exact {
            edits += Pattern::new(&f.classes()).distance(passage);
            differences.extend(word_diff(source, p.range.clone(), &q.norm, f));
        }
    }
    let most = quote_chars.max(passage_chars).max(1);
    let kept = most - edits.min(most);
    let mut similarity = ((kept as u128 * 200 + most as u128) / (2 * most as u128)) as u8;
    if edits > 0 {
        similarity = similarity.min(99);
    }
    let range = source.original_range(start..end);
    // Insertion points of fragments with no passage stay inside the passage.
    for d in &mut differences {
        if d.source.is_empty() {
            let at = d.source.start.clamp(range.start, range.end);
            d.source = at..at;
        }
    }
    Some(Nearest {
        range,
        similarity,
        differences,
    })
}

/// The passage of `text[from..]` nearest to the fragment (normalised byte range, whole words),
/// or an empty range at `from` when nothing is nearer than nothing.
fn approximate(text: &str, from: usize, f: &Fragment) -> Range<usize> {
    let Some(hay) = text.get(from..) else {
        return from..from;
    };
    let classes = f.classes();
    let forward = Pattern::new(&classes);
    let (score, end) = forward.search(hay);
    if score >= forward.len {
        return from..from;
    }
    let reversed: Vec<Vec<char>> = classes.into_iter().rev().collect();
    let start = Pattern::new(&reversed).best_start(
        hay.get(..end).unwrap_or(""),
        forward.len.saturating_add(score),
    );
    widen(text, from + start, from + end, from)
}

/// `s..e` widened to whole words (at most 64 characters each way, never before `lo`), without
/// spaces at either end.
fn widen(text: &str, mut s: usize, mut e: usize, lo: usize) -> Range<usize> {
    for _ in 0..64 {
        if s <= lo || !inside_word(text, s) {
            break;
        }
        s = text
            .get(..s)
            .and_then(|t| t.char_indices().next_back())
            .map_or(lo, |(i, _)| i);
    }
    for _ in 0..64 {
        if e >= text.len() || !inside_word(text, e) {
            break;
        }
        e += text
            .get(e..)
            .and_then(|t| t.chars().next())
            .map_or(1, char::len_utf8);
    }
    let b = text.as_bytes();
    while s < e && b.get(s) == Some(&b' ') {
        s += 1;
    }
    while e > s && b.get(e - 1) == Some(&b' ') {
        e -= 1;
    }
    s..e
}

/// Whether byte `i` of `text` (a char boundary) is inside a word, where a passage should not
/// start or end: between letters, digits or marks (of a script written with spaces), or at a `'`
/// or `-` between two of them.
fn inside_word(text: &str, i: usize) -> bool {
    let mut back = text.get(..i).into_iter().flat_map(|t| t.chars().rev());
    let mut ahead = text.get(i..).into_iter().flat_map(str::chars);
    let (Some(b), Some(a)) = (back.next(), ahead.next()) else {
        return false;
    };
    if extends(a) {
        return true;
    }
    let word = |c: char| (c.is_alphanumeric() && !standalone(c)) || extends(c);
    let joiner = |c: char| c == '\'' || c == '-';
    (word(b) && word(a))
        || (joiner(b) && word(a) && back.next().is_some_and(word))
        || (word(b) && joiner(a) && ahead.next().is_some_and(word))
}

/// Whether a word (for the word diff) starts or ends at byte `i` of `text` (a char boundary).
fn boundary(text: &str, i: usize) -> bool {
    let before = text.get(..i).and_then(|t| t.chars().next_back());
    let after = text.get(i..).and_then(|t| t.chars().next());
    match (before, after) {
        (Some(b), Some(a)) => {
            b == ' ' || a == ' ' || (standalone(b) && !extends(a)) || (standalone(a) && !extends(a))
        }
        _ => true,
    }
}

/// Characters that are words by themselves: scripts written without spaces, and emoji.
fn standalone(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'     // Thai, Lao
        | '\u{1000}'..='\u{109F}'   // Myanmar
        | '\u{1780}'..='\u{17FF}'   // Khmer
        | '\u{2E80}'..='\u{2FDF}'   // CJK radicals
        | '\u{3000}'..='\u{30FF}'   // CJK punctuation, kana
        | '\u{31C0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF61}'..='\u{FF9F}'
        | '\u{2600}'..='\u{27BF}'   // symbols, dingbats
        | '\u{1F000}'..='\u{1FAFF}' // emoji
        | '\u{20000}'..='\u{3FFFF}')
}

/// Characters that belong to the character before them (marks, variation selectors, emoji
/// modifiers and tags).
fn extends(c: char) -> bool {
    canonical_combining_class(c) != 0
        || unicode_normalization::char::is_combining_mark(c)
        || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// The words of a normalised text, as byte ranges.
fn words(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if c == ' ' {
            if let Some(st) = start.take() {
                out.push(st..i);
            }
        } else if let Some(st) = start {
            if boundary(s, i) {
                out.push(st..i);
                start = Some(i);
            }
        } else {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

/// Whether quote word `q` equals passage word `p`; `letter` is the byte offset in `q` of the
/// fragment's first letter, which may differ in case.
fn same_word(q: &str, p: &str, letter: Option<usize>) -> bool {
    if q == p {
        return true;
    }
    let Some(i) = letter else { return false };
    let (Some(qa), Some(pa), Some(qb), Some(pb)) = (q.get(..i), p.get(..i), q.get(i..), p.get(i..))
    else {
        return false;
    };
    let (mut qc, mut pc) = (qb.chars(), pb.chars());
    match (qc.next(), pc.next()) {
        (Some(x), Some(y)) => qa == pa && same_letter(x, y) && qc.as_str() == pc.as_str(),
        _ => false,
    }
}

enum Op {
    Same,
    /// A word of the quote only.
    Quote,
    /// A word of the source only.
    Source,
}

/// Word-level differences between fragment `f` and the passage `passage` (normalised range).
fn word_diff(
    source: &Normalized,
    passage: Range<usize>,
    quote: &Normalized,
    f: &Fragment,
) -> Vec<Difference> {
    let p_text = source.text.get(passage.clone()).unwrap_or("");
    let q_text = f.text.as_str();
    let a = words(q_text);
    let b = words(p_text);
    let letter = f.letter.map(|(i, _)| i);
    let eq = |i: usize, j: usize| {
        let rel = letter.filter(|l| a[i].contains(l)).map(|l| l - a[i].start);
        same_word(&q_text[a[i].clone()], &p_text[b[j].clone()], rel)
    };
    let mut pre = 0;
    while pre < a.len() && pre < b.len() && eq(pre, pre) {
        pre += 1;
    }
    let mut suf = 0;
    while suf < a.len() - pre && suf < b.len() - pre && eq(a.len() - 1 - suf, b.len() - 1 - suf) {
        suf += 1;
    }
    let (n, m) = (a.len() - pre - suf, b.len() - pre - suf);
    let mut ops: Vec<Op> = Vec::with_capacity(a.len() + b.len());
    ops.extend((0..pre).map(|_| Op::Same));
    if n.saturating_mul(m) <= 4_000_000 {
        // lcs[i][j]: the longest common subsequence of a[pre+i..] and b[pre+j..] (middle only).
        let w = m + 1;
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if eq(pre + i, pre + j) {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && eq(pre + i, pre + j) {
                ops.push(Op::Same);
                i += 1;
                j += 1;
            } else if j >= m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                ops.push(Op::Quote);
                i += 1;
            } else {
                ops.push(Op::Source);
                j += 1;
            }
        }
    } else {
        ops.extend((0..n).map(|_| Op::Quote));
        ops.extend((0..m).map(|_| Op::Source));
    }
    ops.extend((0..suf).map(|_| Op::Same));

    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut group: Option<(usize, usize)> = None;
    let close = |g: (usize, usize), i: usize, j: usize, out: &mut Vec<Difference>| {
        let (qi, sj) = g;
        let (src_norm, source_text) = if j > sj {
            let r = passage.start + b[sj].start..passage.start + b[j - 1].end;
            (
                Some(r.clone()),
                p_text[b[sj].start..b[j - 1].end].to_string(),
            )
        } else {
            (None, String::new())
        };
        let source_range = match src_norm {
            Some(r) => source.original_range(r),
            None if sj > 0 => {
                let at = source
                    .original_range(passage.start + b[sj - 1].start..passage.start + b[sj - 1].end)
                    .end;
                at..at
            }
            None if sj < b.len() => {
                let at = source.original_offset(passage.start + b[sj].start);
                at..at
            }
            None => {
                // No passage for this fragment: right after what precedes it.
                let before = source
                    .text
                    .get(..passage.start)
                    .and_then(|t| t.char_indices().next_back());
                let at = match before {
                    Some((i, _)) => source.original_range(i..passage.start).end,
                    None => source.original_offset(0),
                };
                at..at
            }
        };
        let (quote_range, quote_text) = if i > qi {
            (
                quote.original_range(f.at + a[qi].start..f.at + a[i - 1].end),
                q_text[a[qi].start..a[i - 1].end].to_string(),
            )
        } else {
            let at = if qi > 0 {
                quote
                    .original_range(f.at + a[qi - 1].start..f.at + a[qi - 1].end)
                    .end
            } else {
                quote.original_offset(f.at)
            };
            (at..at, String::new())
        };
        out.push(Difference {
            source: source_range,
            source_text,
            quote_text,
            quote: quote_range,
        });
    };
    for op in ops {
        match op {
            Op::Same => {
                if let Some(g) = group.take() {
                    close(g, i, j, &mut out);
                }
                i += 1;
                j += 1;
            }
            Op::Quote => {
                group.get_or_insert((i, j));
                i += 1;
            }
            Op::Source => {
                group.get_or_insert((i, j));
                j += 1;
            }
        }
    }
    if let Some(g) = group {
        close(g, i, j, &mut out);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Bit-parallel edit distance (Myers 1999, Hyyrö's blocks), over characters
// ---------------------------------------------------------------------------------------------

/// A pattern for the bit-parallel algorithm: for each character, the positions it matches.
struct Pattern {
    /// Length in characters.
    len: usize,
    blocks: usize,
    /// The bit of the last pattern position in the last block.
    last_bit: u64,
    /// `ascii[c * blocks + b]`: the match bits of ASCII character `c` in block `b`.
    ascii: Vec<u64>,
    /// Other characters: their offset in `pool`.
    other: HashMap<char, usize>,
    pool: Vec<u64>,
    zero: Vec<u64>,
}

impl Pattern {
    /// `classes[i]`: the characters that match pattern position `i`.
    fn new(classes: &[Vec<char>]) -> Pattern {
        let len = classes.len();
        let blocks = len.div_ceil(64).max(1);
        let last_bit = 1u64 << ((len.max(1) - 1) % 64);
        let mut p = Pattern {
            len,
            blocks,
            last_bit,
            ascii: vec![0; 128 * blocks],
            other: HashMap::new(),
            pool: Vec::new(),
            zero: vec![0; blocks],
        };
        for (i, class) in classes.iter().enumerate() {
            let (block, bit) = (i / 64, 1u64 << (i % 64));
            for &c in class {
                if c.is_ascii() {
                    p.ascii[c as usize * blocks + block] |= bit;
                } else {
                    let next = p.pool.len();
                    let base = *p.other.entry(c).or_insert(next);
                    if base == next {
                        p.pool.extend(std::iter::repeat_n(0, blocks));
                    }
                    p.pool[base + block] |= bit;
                }
            }
        }
        p
    }

    fn peq(&self, c: char) -> &[u64] {
        if c.is_ascii() {
            let at = c as usize * self.blocks;
            &self.ascii[at..at + self.blocks]
        } else {
            match self.other.get(&c) {
                Some(&at) => &self.pool[at..at + self.blocks],
                None => &self.zero,
            }
        }
    }

    /// The least edit distance between the pattern and a substring of `hay`, and the byte offset
    /// where the first such substring ends (distance = len and offset 0 for no better match
    /// than the empty string).
    fn search(&self, hay: &str) -> (usize, usize) {
        let mut run = Run::new(self, false);
        let mut best = (self.len, 0);
        for (i, c) in hay.char_indices() {
            run.step(c);
            if run.score < best.0 {
                best = (run.score, i + c.len_utf8());
                if run.score == 0 {
                    break;
                }
            }
        }
        best
    }

    /// For a pattern built reversed: the start (byte offset in `window`) of the suffix of
    /// `window` nearest to the pattern, looking at most `limit` characters back; the longest
    /// among equals.
    fn best_start(&self, window: &str, limit: usize) -> usize {
        let mut run = Run::new(self, true);
        let mut best = (self.len, window.len());
        for (i, c) in window.char_indices().rev().take(limit) {
            run.step(c);
            if run.score <= best.0 {
                best = (run.score, i);
            }
        }
        best.1
    }

    /// The Levenshtein distance between the pattern and `s`, in characters.
    fn distance(&self, s: &str) -> usize {
        let mut run = Run::new(self, true);
        for c in s.chars() {
            run.step(c);
        }
        run.score
    }
}

/// The state of one pass over a text: vertical deltas of the current column, and the score in
/// the last row.
struct Run<'p> {
    p: &'p Pattern,
    pv: Vec<u64>,
    mv: Vec<u64>,
    score: usize,
    /// Global alignment (the whole text counts) rather than search (any substring).
    global: bool,
}

impl<'p> Run<'p> {
    fn new(p: &'p Pattern, global: bool) -> Run<'p> {
        Run {
            p,
            pv: vec![u64::MAX; p.blocks],
            mv: vec![0; p.blocks],
            score: p.len,
            global,
        }
    }

    fn step(&mut self, c: char) {
        let eq = self.p.peq(c);
        let mut h: i32 = if self.global { 1 } else { 0 };
        let last = self.p.blocks - 1;
        for (b, ((pv, mv), &eq)) in self
            .pv
            .iter_mut()
            .zip(self.mv.iter_mut())
            .zip(eq)
            .enumerate()
        {
            let high = if b == last { self.p.last_bit } else { 1 << 63 };
            h = advance(pv, mv, eq, h, high);
        }
        match h {
            1 => self.score += 1,
            -1 => self.score = self.score.saturating_sub(1),
            _ => {}
        }
    }
}

/// One block of one column (edlib's `calculateBlock`): updates the vertical deltas and returns
/// the horizontal delta out of the row marked by `high`.
fn advance(pv: &mut u64, mv: &mut u64, eq: u64, hin: i32, high: u64) -> i32 {
    let (p, m) = (*pv, *mv);
    let neg = u64::from(hin < 0);
    let xv = eq | m;
    let eq = eq | neg;
    let xh = ((eq & p).wrapping_add(p) ^ p) | eq;
    let mut ph = m | !(xh | p);
    let mut mh = p & xh;
    let hout = if ph & high != 0 {
        1
    } else if mh & high != 0 {
        -1
    } else {
        0
    };
    ph <<= 1;
    mh <<= 1;
    mh |= neg;
    ph |= u64::from(hin > 0);
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    hout
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

    #[test]
    fn splits_at_ellipses() {
        let frags = |q: &str| {
            split(q)
                .into_iter()
                .map(|r| q[r].to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(frags("a ... b"), ["a", "b"]);
        assert_eq!(frags("...a [...] b[ ... ]c.... d"), ["a", "b", "c", "d"]);
        assert_eq!(frags("a.. b"), ["a.. b"]);
        assert_eq!(frags("[..] x [a]"), ["[..] x [a]"]);
        assert!(frags(" ... [...] ").is_empty());
        assert!(frags("").is_empty());
    }

    /// Sellers' dynamic programme: the oracle for the bit-parallel code.
    fn sellers(p: &[char], t: &[char], global: bool) -> Vec<usize> {
        let mut col: Vec<usize> = (0..=p.len()).collect();
        let mut out = vec![p.len()];
        for (j, &c) in t.iter().enumerate() {
            let mut next = vec![if global { j + 1 } else { 0 }; p.len() + 1];
            for i in 1..=p.len() {
                let sub = col[i - 1] + usize::from(p[i - 1] != c);
                next[i] = sub.min(col[i] + 1).min(next[i - 1] + 1);
            }
            out.push(next[p.len()]);
            col = next;
        }
        out
    }

    #[test]
    fn bit_parallel_agrees_with_the_dynamic_programme() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        let alphabet: Vec<char> = "ab cé字".chars().collect();
        for round in 0..300 {
            let m = 1 + rnd(if round % 3 == 0 { 200 } else { 70 } as u64);
            let n = rnd(250);
            let p: Vec<char> = (0..m)
                .map(|_| alphabet[rnd(alphabet.len() as u64)])
                .collect();
            let t: Vec<char> = (0..n)
                .map(|_| alphabet[rnd(alphabet.len() as u64)])
                .collect();
            let classes: Vec<Vec<char>> = p.iter().map(|&c| vec![c]).collect();
            let pat = Pattern::new(&classes);
            for global in [false, true] {
                let want = sellers(&p, &t, global);
                let mut run = Run::new(&pat, global);
                let mut got = vec![run.score];
                for &c in &t {
                    run.step(c);
                    got.push(run.score);
                }
                assert_eq!(got, want, "m={m} n={n} global={global}");
            }
            let text: String = t.iter().collect();
            assert_eq!(
                pat.distance(&text),
                *sellers(&p, &t, true).last().unwrap_or(&m)
            );
            let best = *sellers(&p, &t, false).iter().min().unwrap_or(&m);
            assert_eq!(pat.search(&text).0, best);
        }
    }

    #[test]
    fn classes_let_the_first_letter_change_case() {
        let f = Fragment::new("The end", 0);
        let p = Pattern::new(&f.classes());
        assert_eq!(p.distance("the end"), 0);
        assert_eq!(p.distance("the End"), 1);
    }

    #[test]
    fn words_split_on_spaces_and_cjk() {
        let s = "the cat's 漢字 ok👍🏽!";
        let w: Vec<&str> = words(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(w, ["the", "cat's", "漢", "字", "ok", "👍🏽", "!"]);
    }
}
