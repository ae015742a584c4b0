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
//! any case (`The` matches `the`, but `3 ways` does not match `3 Ways`). A fragment never begins
//! or ends inside a word: where its first (last) character is a letter, digit or mark of a script
//! written with spaces, so is not the source character before (after) it; punctuation is a
//! boundary, and scripts written without spaces are exempt. An occurrence that cuts a word is
//! skipped for the next one. There is no limit on the size of an elided gap. When there are several ways to place the
//! fragments, the reported one ends earliest, and among those is the tightest window.
//!
//! # Nearest passage
//!
//! Only for a quote that is not found. A quote found only by cutting words is shown with those
//! words whole, and the cut words are named ([`Cut`]). Otherwise fragments are placed in order: a
//! fragment found exactly (after the previous one) keeps that place; one that is not is searched
//! approximately (least Levenshtein distance in characters, bit-parallel Myers/Hyyrö) in the rest
//! of the source, then aligned word by word with a window of words around that place (affine
//! gaps: a substitution is cheaper than a word dropped plus one added, one long gap cheaper than
//! two short ones, a word the quote adds dearer than one it drops); its passage runs from the
//! first source word aligned to the last, without punctuation the quote does not have there. The
//! exact fragments before it are moved to their last occurrences before it. The passage runs
//! from the first placed fragment to the last, elided text included. Similarity counts only the
//! fragments: `100 × (1 − edits / max(quote chars, passage chars))`, rounded, and at most 99 when
//! there is any edit. Differences are the runs of words the alignment does not pair as equal,
//! within each fragment, never over the elided gaps; a word that differs only in punctuation at
//! its ends is a difference of its own. A word is a run of non-space characters, except that CJK,
//! Thai-like scripts and emoji count each character (with its combining marks) as a word.
//!
//! # Layout
//!
//! This module is the bottom layer: it imports nothing from the rest of the crate.
//! `normalize` (the text and its map back to the original), `fragments` (ellipsis splitting and
//! exact search), `words` (where words start and end), `elsewhere` (many quotes in many sources,
//! Aho-Corasick), `nearest` (nearest passage and word diff), `bitparallel` (Myers' search).

mod bitparallel;
mod budget;
mod elsewhere;
mod fragments;
mod nearest;
mod normalize;
mod words;

use std::ops::Range;

pub use budget::{NEAREST_BUDGET, over_budget};
pub use elsewhere::find_elsewhere;
pub use nearest::{Cut, Difference, Edge, Nearest, nearest};
pub use normalize::Normalized;

use fragments::{Quote, first_plain, is_plain, split};

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
