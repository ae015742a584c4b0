//! A quote split at its ellipses into fragments, and where each fragment occurs exactly.

use std::ops::Range;

use memchr::memmem;

use super::normalize::{Normalized, is_ascii_white};
use super::words::at_boundaries;

/// Whether normalisation leaves `quote` as it is: ASCII, with single spaces between words and
/// none at either end.
pub(super) fn is_plain(quote: &str) -> bool {
    quote.is_ascii()
        && !quote.starts_with(' ')
        && !quote.ends_with(' ')
        && !quote.contains("  ")
        && !quote.bytes().any(|b| b != b' ' && is_ascii_white(b))
}

/// [`Fragment::first`] for fragment `text` (normalised and trimmed), without building the
/// fragment when its first letter is ASCII: where the occurrence at or after `from` that ends
/// first ends.
pub(super) fn first_plain(text: &str, hay: &str, from: usize) -> Option<usize> {
    let letter = text.char_indices().find(|(_, c)| c.is_alphanumeric());
    let (i, c) = match letter {
        Some((i, c)) if c.is_ascii() => (i, c as u8),
        // A letter that is not ASCII: its case variants, as the fragment knows them.
        Some(_) => return Fragment::new(text, 0).first(hay, from).map(|r| r.end),
        None => return find_whole(hay, text.as_bytes(), from, true).map(|r| r.end),
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
        return find_whole(hay, t, from, true).map(|r| r.end);
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
        if b[p..].starts_with(head)
            && (b[r - 1] == c || b[r - 1] == other)
            && at_boundaries(hay, p, r + rest.len())
        {
            return Some(r + rest.len());
        }
        pos = r + 1;
    }
}

/// The first occurrence of `needle` in `hay` at or after `from` that neither begins nor ends
/// inside a word (any occurrence, when not `whole`).
fn find_whole(hay: &str, needle: &[u8], from: usize, whole: bool) -> Option<Range<usize>> {
    let b = hay.as_bytes();
    let finder = memmem::Finder::new(needle);
    let mut pos = from;
    loop {
        let at = pos + finder.find(b.get(pos..)?)?;
        let end = at + needle.len();
        if !whole || at_boundaries(hay, at, end) {
            return Some(at..end);
        }
        pos = at + 1;
    }
}

/// The last occurrence of `needle` inside `lo..hi` of `hay` that neither begins nor ends inside a
/// word (of `hay`: the window does not hide what stands around it).
fn rfind_whole(hay: &str, needle: &[u8], lo: usize, mut hi: usize) -> Option<Range<usize>> {
    let b = hay.as_bytes();
    let finder = memmem::FinderRev::new(needle);
    loop {
        let at = lo + finder.rfind(b.get(lo..hi)?)?;
        let end = at + needle.len();
        if at_boundaries(hay, at, end) {
            return Some(at..end);
        }
        if end == lo || needle.is_empty() {
            return None;
        }
        hi = end - 1;
    }
}

/// One fragment of a quote, between ellipses.
pub(super) struct Fragment {
    /// Normalised and trimmed.
    pub(super) text: String,
    /// Where it is in the normalised quote.
    pub(super) at: usize,
    /// The first alphanumeric character, when it is a cased letter: its byte offset in `text`.
    pub(super) letter: Option<(usize, char)>,
    /// The ways to write the first letter (`[""]` when there is none): every way to write the
    /// fragment is `text[..head]`, one of these, then `text[rest..]`.
    variants: Vec<String>,
    head: usize,
    rest: usize,
    /// Finds `text[rest..]`, which every occurrence ends with (when it is not empty).
    finder: memmem::Finder<'static>,
}

impl Fragment {
    pub(super) fn new(text: &str, at: usize) -> Fragment {
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
    pub(super) fn first(&self, hay: &str, from: usize) -> Option<Range<usize>> {
        self.first_where(hay, from, true)
    }

    /// [`Fragment::first`], cutting words or not (`whole`).
    pub(super) fn first_where(&self, hay: &str, from: usize, whole: bool) -> Option<Range<usize>> {
        let b = hay.as_bytes();
        let (head, rest) = (
            &self.text.as_bytes()[..self.head],
            &self.text.as_bytes()[self.rest..],
        );
        if rest.is_empty() {
            return self
                .spellings()
                .filter_map(|s| find_whole(hay, s.as_bytes(), from, whole))
                .min_by_key(|r| (r.end, r.start));
        }
        let shortest = self.variants.iter().map(String::len).min().unwrap_or(0);
        let mut pos = from + head.len() + shortest;
        loop {
            let r = pos + self.finder.find(b.get(pos..)?)?;
            let end = r + rest.len();
            let start = self
                .variants
                .iter()
                .filter_map(|v| {
                    let p = r.checked_sub(head.len() + v.len()).filter(|&p| p >= from)?;
                    (b[p..r].starts_with(head)
                        && &b[p + head.len()..r] == v.as_bytes()
                        && (!whole || at_boundaries(hay, p, end)))
                    .then_some(p)
                })
                .min();
            if let Some(p) = start {
                return Some(p..end);
            }
            pos = r + 1;
        }
    }

    /// The occurrence inside `lo..hi` that starts last.
    pub(super) fn last(&self, hay: &str, lo: usize, hi: usize) -> Option<Range<usize>> {
        self.spellings()
            .filter_map(|s| rfind_whole(hay, s.as_bytes(), lo, hi))
            .max_by_key(|r| (r.start, std::cmp::Reverse(r.end)))
    }

    /// A piece that any occurrence contains byte for byte (the case of the first letter aside).
    pub(super) fn piece(&self) -> &str {
        match self.letter {
            None => &self.text,
            Some((i, c)) => match self.text.get(i + c.len_utf8()..) {
                Some(rest) if !rest.is_empty() => rest,
                _ => self.text.get(..i).unwrap_or(""),
            },
        }
    }

    /// The characters of the fragment as pattern positions (the first letter in any case).
    pub(super) fn classes(&self) -> Vec<Vec<char>> {
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
pub(super) fn same_letter(letter: char, s: char) -> bool {
    s == letter
        || case_variants(letter).iter().any(|v| {
            let mut chars = v.chars();
            chars.next() == Some(s) && chars.next().is_none()
        })
}

/// A quote, normalised and split at its ellipses.
pub(super) struct Quote {
    pub(super) norm: Normalized,
    pub(super) fragments: Vec<Fragment>,
}

impl Quote {
    pub(super) fn new(quote: &str) -> Quote {
        let norm = Normalized::new(quote);
        let fragments = split(&norm.text)
            .into_iter()
            .filter_map(|r| Some(Fragment::new(norm.text.get(r.clone())?, r.start)))
            .collect();
        Quote { norm, fragments }
    }

    /// Whether the fragments are in `hay`, in order and not overlapping: [`Quote::place`]
    /// without the tightest window.
    pub(super) fn is_in(&self, hay: &str) -> bool {
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
    pub(super) fn place(&self, hay: &str) -> Option<Vec<Range<usize>>> {
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
pub(super) fn split(q: &str) -> Vec<Range<usize>> {
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

#[cfg(test)]
mod tests {
    use super::super::bitparallel::Pattern;
    use super::*;

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
    #[test]
    fn classes_let_the_first_letter_change_case() {
        let f = Fragment::new("The end", 0);
        let p = Pattern::new(&f.classes());
        assert_eq!(p.distance("the end"), 0);
        assert_eq!(p.distance("the End"), 1);
    }
}
