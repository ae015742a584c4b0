//! The nearest passage to a quote that is not found, and the word-by-word differences.

use std::ops::Range;

use super::bitparallel::Pattern;
use super::budget::{MAX_CELLS, WORD_REACH};
use super::fragments::{Fragment, Quote, same_letter};
use super::normalize::Normalized;
use super::words::{inside_word, joins, whole_words, words};

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
    /// The words of the source that the quote starts or ends inside of (spec §5), in order.
    pub cuts: Vec<Cut>,
    /// The differences only extend the words the quote cuts to whole words, and the quote so
    /// extended is in the source: replacing each difference's `quote` range with its
    /// `source_text` is a correction that changes nothing else.
    pub whole_words: bool,
}

/// A word of the source that a quote (or a fragment of it) starts or ends inside of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// The whole word, normalised.
    pub word: String,
    /// Byte range of the whole word in the ORIGINAL source.
    pub source: Range<usize>,
    pub edge: Edge,
}

/// Which end of the quote, or of a fragment of it, cuts a word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// The quote starts inside the word.
    QuoteStart,
    /// The quote ends inside the word.
    QuoteEnd,
    /// The text after an ellipsis starts inside the word.
    AfterEllipsis,
    /// The text before an ellipsis ends inside the word.
    BeforeEllipsis,
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
    /// The word alignment of an inexact fragment with its passage, when there is one.
    ops: Option<Vec<Op>>,
}

/// The passage of `source` most similar to `quote`; `None` for an empty quote or source, or
/// when nothing of the quote is in the source.
pub fn nearest(source: &Normalized, quote: &str) -> Option<Nearest> {
    if super::budget::over_budget(source.text.len(), quote.chars().count()) {
        return None;
    }
    let q = Quote::new(quote);
    let text = source.text.as_str();
    if q.fragments.is_empty() || text.is_empty() {
        return None;
    }
    if let Some(n) = cut_words(source, &q, quote) {
        return Some(n);
    }
    let mut placed = place(text, &q);
    anchor_empty(&mut placed);
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
    let (similarity, mut differences, cuts) = compare(source, &q, &placed);
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
        cuts,
        whole_words: false,
    })
}

/// Where each fragment of `q` goes in `text`, in order: the first exact occurrence after the
/// fragment before it, else the nearest passage there, aligned word by word. The exact
/// fragments just before an inexact one move as close to it as they can.
fn place(text: &str, q: &Quote) -> Vec<Placed> {
    let mut placed: Vec<Placed> = Vec::with_capacity(q.fragments.len());
    let mut pos = 0;
    for (k, f) in q.fragments.iter().enumerate() {
        if let Some(r) = f.first(text, pos) {
            pos = r.end;
            placed.push(Placed {
                range: r,
                exact: true,
                ops: None,
            });
            continue;
        }
        let r = approximate(text, pos, f);
        let (r, ops) = match align(text, pos, r.clone(), f) {
            Some((passage, ops)) => (passage, Some(ops)),
            None => (r, None),
        };
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
            ops,
        });
    }
    placed
}

/// A fragment with no passage at all sits right after the one before it (or before the next).
fn anchor_empty(placed: &mut [Placed]) {
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
}

/// How similar the placed fragments are to their passages (percent, below 100 when any
/// differs), with the word differences of the inexact ones and the words they cut.
fn compare(source: &Normalized, q: &Quote, placed: &[Placed]) -> (u8, Vec<Difference>, Vec<Cut>) {
    let text = source.text.as_str();
    let (mut edits, mut quote_chars, mut passage_chars) = (0usize, 0usize, 0usize);
    let mut differences = Vec::new();
    let mut cuts = Vec::new();
    for (k, (f, p)) in q.fragments.iter().zip(placed).enumerate() {
        let passage = text.get(p.range.clone()).unwrap_or("");
        quote_chars += f.text.chars().count();
        passage_chars += passage.chars().count();
        if !p.exact {
            edits += Pattern::new(&f.classes()).distance(passage);
            let diffs = word_diff(source, p.range.clone(), &q.norm, f, p.ops.as_deref());
            cuts.extend(cuts_of(&diffs, q, k));
            differences.extend(diffs);
        }
    }
    let most = quote_chars.max(passage_chars).max(1);
    let kept = most - edits.min(most);
    let mut similarity = ((kept as u128 * 200 + most as u128) / (2 * most as u128)) as u8;
    if edits > 0 {
        similarity = similarity.min(99);
    }
    (similarity, differences, cuts)
}

/// The nearest passage of a quote that is in the source only if it may cut words: each fragment
/// extended to the words it cuts. `None` when the quote is not in the source even so.
fn cut_words(source: &Normalized, q: &Quote, quote: &str) -> Option<Nearest> {
    let text = source.text.as_str();
    let mut pos = 0;
    let mut differences = Vec::new();
    let mut cuts = Vec::new();
    let (mut start, mut end) = (usize::MAX, 0);
    let (mut quote_chars, mut passage_chars) = (0usize, 0usize);
    for (k, f) in q.fragments.iter().enumerate() {
        let r = f.first_where(text, pos, false)?;
        // The match has the fragment's bytes (but for the case of its first letter): offsets in
        // one are offsets in the other.
        if r.len() != f.text.len() {
            return None;
        }
        pos = r.end;
        let w = whole_words(text, r.start, r.end, WORD_REACH);
        start = start.min(w.start);
        end = end.max(w.end);
        quote_chars += f.text.chars().count();
        passage_chars += text.get(w.clone()).unwrap_or("").chars().count();
        // The stretches of the fragment that lie in a cut word: its first word when the start
        // is cut, its last when the end is.
        let mut pieces: Vec<(Range<usize>, Range<usize>)> = Vec::new();
        if w.start < r.start {
            let mut e = r.start;
            while let Some(c) = text.get(e..r.end).and_then(|t| t.chars().next()) {
                if !joins(c) {
                    break;
                }
                e += c.len_utf8();
            }
            pieces.push((r.start..e, w.start..if e == r.end { w.end } else { e }));
        }
        if w.end > r.end && pieces.last().is_none_or(|(p, _)| p.end < r.end) {
            let mut s = r.end;
            while let Some(c) = text.get(r.start..s).and_then(|t| t.chars().next_back()) {
                if !joins(c) {
                    break;
                }
                s -= c.len_utf8();
            }
            pieces.push((s..r.end, s..w.end));
        }
        let mut diffs = Vec::new();
        for (piece, word) in pieces {
            let in_quote = f.at + (piece.start - r.start)..f.at + (piece.end - r.start);
            diffs.push(Difference {
                source: source.original_range(word.clone()),
                source_text: text.get(word).unwrap_or("").to_string(),
                quote_text: q.norm.text.get(in_quote.clone()).unwrap_or("").to_string(),
                quote: q.norm.original_range(in_quote),
            });
        }
        cuts.extend(cuts_of(&diffs, q, k));
        differences.extend(diffs);
    }
    if differences.is_empty() || start >= end {
        return None;
    }
    let most = quote_chars.max(passage_chars).max(1);
    let edits = passage_chars.abs_diff(quote_chars).max(1);
    let kept = most - edits.min(most);
    let similarity = (((kept as u128 * 200 + most as u128) / (2 * most as u128)) as u8).min(99);
    // The correction is offered only when the quote it makes is in the source.
    let mut by_start: Vec<&Difference> = differences.iter().collect();
    by_start.sort_by_key(|d| std::cmp::Reverse(d.quote.start));
    let mut fixed = quote.to_string();
    for d in by_start {
        if fixed.get(d.quote.clone()).is_some() {
            fixed.replace_range(d.quote.clone(), &d.source_text);
        }
    }
    let whole_words = super::contains(source, &fixed) == Some(true);
    Some(Nearest {
        range: source.original_range(start..end),
        similarity,
        differences,
        cuts,
        whole_words,
    })
}

/// The words that fragment `k` of `q` cuts, from its differences with the passage: a first
/// difference at the fragment's start whose source word holds the quote's words but does not
/// begin with them, or a last one at its end whose source word holds them but does not end with
/// them.
fn cuts_of(diffs: &[Difference], q: &Quote, k: usize) -> Vec<Cut> {
    let Some(f) = q.fragments.get(k) else {
        return Vec::new();
    };
    let span = q.norm.original_range(f.at..f.at + f.text.len());
    let last = q.fragments.len() - 1;
    // The source word and the quote's piece of it, in lower case, when the piece is part of it.
    let inside = |d: &Difference| {
        let (w, p) = (d.source_text.to_lowercase(), d.quote_text.to_lowercase());
        (!p.is_empty()
            && !w.contains(' ')
            && !p.contains(' ')
            && w.len() > p.len()
            && w.contains(&p))
        .then_some((w, p))
    };
    let cut = |d: &Difference, edge: Edge| Cut {
        word: d.source_text.clone(),
        source: d.source.clone(),
        edge,
    };
    let mut out = Vec::new();
    if let Some(d) = diffs.first()
        && d.quote.start == span.start
        && let Some((w, p)) = inside(d)
        && !w.starts_with(&p)
    {
        out.push(cut(
            d,
            if k == 0 {
                Edge::QuoteStart
            } else {
                Edge::AfterEllipsis
            },
        ));
    }
    if let Some(d) = diffs.last()
        && d.quote.end == span.end
        && let Some((w, p)) = inside(d)
        && !w.ends_with(&p)
    {
        out.push(cut(
            d,
            if k == last {
                Edge::QuoteEnd
            } else {
                Edge::BeforeEllipsis
            },
        ));
    }
    out
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

/// `s..e` widened to whole words (at most [`WORD_REACH`] characters each way, never before
/// `lo`), without spaces at either end.
fn widen(text: &str, mut s: usize, mut e: usize, lo: usize) -> Range<usize> {
    for _ in 0..WORD_REACH {
        if s <= lo || !inside_word(text, s) {
            break;
        }
        s = text
            .get(..s)
            .and_then(|t| t.char_indices().next_back())
            .map_or(lo, |(i, _)| i);
    }
    for _ in 0..WORD_REACH {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Same,
    /// A word of the quote only.
    Quote,
    /// A word of the source only.
    Source,
    /// A word of each that differ only in punctuation at their ends: a difference of its own.
    Punctuation,
}

/// Word-level differences between fragment `f` and the passage `passage` (normalised range).
fn word_diff(
    source: &Normalized,
    passage: Range<usize>,
    quote: &Normalized,
    f: &Fragment,
    aligned: Option<&[Op]>,
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
    let ops = match aligned {
        Some(ops) => ops.to_vec(),
        None => lcs_ops(&a, &b, eq),
    };
    let words = Words {
        source,
        passage,
        quote,
        f,
        a: &a,
        b: &b,
        q_text,
        p_text,
    };
    group(&words, &ops)
}

/// The alignment of quote words `a` with passage words `b` by their longest common subsequence.
fn lcs_ops(a: &[Range<usize>], b: &[Range<usize>], eq: impl Fn(usize, usize) -> bool) -> Vec<Op> {
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
    if n.saturating_mul(m) <= MAX_CELLS {
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
    ops
}

/// A fragment's words and its passage's, which an alignment pairs.
struct Words<'a> {
    source: &'a Normalized,
    /// The passage, a normalised range of `source`.
    passage: Range<usize>,
    quote: &'a Normalized,
    f: &'a Fragment,
    /// The fragment's words, byte ranges of its text.
    a: &'a [Range<usize>],
    /// The passage's words, byte ranges of its text.
    b: &'a [Range<usize>],
    /// The fragment's text.
    q_text: &'a str,
    /// The passage's text.
    p_text: &'a str,
}

/// The differences that the alignment `ops` of the words makes: each run of words that are not
/// the same, in order.
fn group(w: &Words<'_>, ops: &[Op]) -> Vec<Difference> {
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut group: Option<(usize, usize)> = None;
    let mut punct = false;
    for op in ops {
        match op {
            Op::Same => {
                if let Some(g) = group.take() {
                    out.push(w.difference(g, i, j));
                }
                punct = false;
                i += 1;
                j += 1;
            }
            Op::Quote => {
                if punct && let Some(g) = group.take() {
                    out.push(w.difference(g, i, j));
                }
                punct = false;
                group.get_or_insert((i, j));
                i += 1;
            }
            Op::Source => {
                group.get_or_insert((i, j));
                j += 1;
            }
            Op::Punctuation => {
                if let Some(g) = group.take() {
                    out.push(w.difference(g, i, j));
                }
                // A difference of its own, unless source words dropped right after it join it
                // (the quote's punctuation may be where the dropped words end).
                group = Some((i, j));
                punct = true;
                i += 1;
                j += 1;
            }
        }
    }
    if let Some(g) = group {
        out.push(w.difference(g, i, j));
    }
    out
}

impl Words<'_> {
    /// The difference of the quote words `qi..i` with the source words `sj..j`.
    fn difference(&self, (qi, sj): (usize, usize), i: usize, j: usize) -> Difference {
        if let Some(d) = self.moved_punctuation(qi, sj, i, j) {
            return d;
        }
        let (source, source_text) = self.source_side(sj, j);
        let (quote, quote_text) = self.quote_side(qi, i);
        Difference {
            source,
            source_text,
            quote_text,
            quote,
        }
    }

    /// One quote word, `word` plus punctuation, against source words from `word` to one that
    /// ends with that punctuation: the words in between are dropped, and the punctuation
    /// stands where the source has it ("increased," for "increased and ... customers,").
    fn moved_punctuation(&self, qi: usize, sj: usize, i: usize, j: usize) -> Option<Difference> {
        let (a, b, f) = (self.a, self.b, self.f);
        if i != qi + 1 || j < sj + 2 {
            return None;
        }
        let (qw, first, last) = (
            &self.q_text[a[qi].clone()],
            &self.p_text[b[sj].clone()],
            &self.p_text[b[j - 1].clone()],
        );
        let tail = qw.strip_prefix(first)?;
        if tail.is_empty()
            || tail.chars().any(char::is_alphanumeric)
            || last.len() <= tail.len()
            || !last.ends_with(tail)
        {
            return None;
        }
        let start = self.passage.start;
        let r = start + b[sj + 1].start..start + b[j - 1].end - tail.len();
        let at = self
            .quote
            .original_range(f.at + a[qi].start..f.at + a[qi].start + first.len())
            .end;
        Some(Difference {
            source: self.source.original_range(r.clone()),
            source_text: self.source.text.get(r).unwrap_or("").to_string(),
            quote_text: String::new(),
            quote: at..at,
        })
    }

    /// The source words `sj..j` (original range and normalised text); where there are none,
    /// the insertion point: after the word before, before the word after, or right after what
    /// precedes a fragment with no passage.
    fn source_side(&self, sj: usize, j: usize) -> (Range<usize>, String) {
        let (source, b, start) = (self.source, self.b, self.passage.start);
        if j > sj {
            let r = start + b[sj].start..start + b[j - 1].end;
            let text = self.p_text[b[sj].start..b[j - 1].end].to_string();
            return (source.original_range(r), text);
        }
        let at = if sj > 0 {
            source
                .original_range(start + b[sj - 1].start..start + b[sj - 1].end)
                .end
        } else if sj < b.len() {
            source.original_offset(start + b[sj].start)
        } else {
            // No passage for this fragment: right after what precedes it.
            let before = source
                .text
                .get(..start)
                .and_then(|t| t.char_indices().next_back());
            match before {
                Some((i, _)) => source.original_range(i..start).end,
                None => source.original_offset(0),
            }
        };
        (at..at, String::new())
    }

    /// The quote words `qi..i` (original range and normalised text); where there are none,
    /// the insertion point after the word before (or at the fragment's start).
    fn quote_side(&self, qi: usize, i: usize) -> (Range<usize>, String) {
        let (quote, a, at) = (self.quote, self.a, self.f.at);
        if i > qi {
            return (
                quote.original_range(at + a[qi].start..at + a[i - 1].end),
                self.q_text[a[qi].start..a[i - 1].end].to_string(),
            );
        }
        let at = if qi > 0 {
            quote
                .original_range(at + a[qi - 1].start..at + a[qi - 1].end)
                .end
        } else {
            quote.original_offset(at)
        };
        (at..at, String::new())
    }
}

/// Costs of the word alignment: a word of the source left out of the quote (`DROPPED`), a word of
/// the quote not in the source (`ADDED`), either of punctuation only (`GAP_PUNCT`), opening a
/// gap, replacing one word by another, and a word that differs only in punctuation at its ends.
/// A substitution costs less than a word left out plus one put in, but more than a word left
/// out; one long gap costs less than two short ones; a word the quote adds costs more than one
/// it drops, so that the passage covers the quote rather than skipping its first words. So a
/// dropped clause is one difference, and two swapped words are two substitutions.
const DROPPED: u32 = 4;
const ADDED: u32 = 7;
const GAP_PUNCT: u32 = 1;
const GAP_OPEN: u32 = 3;
const SUBSTITUTE: u32 = 8;
const PUNCTUATION: u32 = 1;
/// Never replace a word by punctuation or the other way round.
const MISMATCH: u32 = 20;
const INF: u32 = u32::MAX / 4;

/// The passage nearest to fragment `f` around `near` (normalised byte range of `text`, not
/// before `lo`), aligned word by word: the quote's words all aligned, the source's free to start
/// and end anywhere in a window of whole words around `near` (affine gaps, Gotoh 1982). Returns
/// the passage (from the first source word aligned to the last) and the alignment; `None` when
/// there is nothing to align.
fn align(
    text: &str,
    lo: usize,
    near: Range<usize>,
    f: &Fragment,
) -> Option<(Range<usize>, Vec<Op>)> {
    let a = words(&f.text);
    let n = a.len();
    if n == 0 || near.is_empty() {
        return None;
    }
    let (start, end) = window(text, lo, near, n + 8);
    let window = text.get(start..end)?;
    let b: Vec<Range<usize>> = words(window)
        .into_iter()
        .map(|r| start + r.start..start + r.end)
        .collect();
    let m = b.len();
    if m == 0 || n.saturating_mul(m) > MAX_CELLS {
        return None;
    }
    let costs = Costs {
        q: f.text.as_str(),
        text,
        a: &a,
        b: &b,
        letter: f.letter.map(|(i, _)| i),
    };
    let tables = Tables::fill(&costs);
    let (last, state) = tables.end();
    let (first, ops) = tables.trace(&costs, last, state);
    if first >= last {
        return None;
    }
    Some((costs.trim(first, last, &ops), ops))
}

/// A window of whole words of `text` around `near`, never before `lo`: `spread` words more at
/// each end.
fn window(text: &str, lo: usize, near: Range<usize>, spread: usize) -> (usize, usize) {
    let b_all = text.as_bytes();
    let mut start = near.start;
    let mut spaces = 0;
    while start > lo && spaces <= spread {
        start -= 1;
        if b_all[start] == b' ' {
            spaces += 1;
        }
    }
    while start > lo && !text.is_char_boundary(start) {
        start -= 1;
    }
    if start > lo || spaces > spread {
        // Start just after the space found.
        while start < near.start && b_all.get(start) != Some(&b' ') {
            start += 1;
        }
    }
    let mut end = near.end;
    let mut spaces = 0;
    while end < text.len() && spaces <= spread {
        if b_all[end] == b' ' {
            spaces += 1;
        }
        end += 1;
    }
    while end < text.len() && !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

/// The words of a fragment (`a`, in `q`) and of a window of the source (`b`, in `text`), and
/// what each step of aligning them costs.
struct Costs<'a> {
    q: &'a str,
    text: &'a str,
    a: &'a [Range<usize>],
    b: &'a [Range<usize>],
    /// The byte offset in `q` of the fragment's first letter, which may differ in case.
    letter: Option<usize>,
}

/// A word of punctuation only.
fn is_punct(w: &str) -> bool {
    !w.chars().any(char::is_alphanumeric)
}

/// A word without the punctuation at its ends.
fn core(w: &str) -> String {
    w.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

impl Costs<'_> {
    /// Leaving source word `j` out of the quote.
    fn dropped(&self, j: usize) -> u32 {
        if is_punct(&self.text[self.b[j].clone()]) {
            GAP_PUNCT
        } else {
            DROPPED
        }
    }

    /// Quote word `i` not in the source.
    fn added(&self, i: usize) -> u32 {
        if is_punct(&self.q[self.a[i].clone()]) {
            GAP_PUNCT
        } else {
            ADDED
        }
    }

    /// The quote may stop before punctuation that ends its last source word, or start after
    /// punctuation that begins its first.
    fn edge(&self, i: usize, qw: &str, sw: &str) -> bool {
        let rest_punct = |r: Option<&str>| r.is_some_and(|r| !r.is_empty() && is_punct(r));
        (i + 1 == self.a.len() && rest_punct(sw.strip_prefix(qw)))
            || (i == 0 && rest_punct(sw.strip_suffix(qw)))
    }

    /// Aligning quote word `i` with source word `j`.
    fn sub(&self, i: usize, j: usize) -> u32 {
        let (a, b) = (self.a, self.b);
        let (qw, sw) = (&self.q[a[i].clone()], &self.text[b[j].clone()]);
        let rel = self
            .letter
            .filter(|l| a[i].contains(l))
            .map(|l| l - a[i].start);
        if same_word(qw, sw, rel) || self.edge(i, qw, sw) {
            0
        } else if is_punct(qw) != is_punct(sw) {
            MISMATCH
        } else if core(qw) == core(sw)
            || (i == 0 && core(qw).to_lowercase() == core(sw).to_lowercase())
        {
            PUNCTUATION
        } else {
            SUBSTITUTE
        }
    }

    /// The passage that the alignment `ops` of the quote's words with source words
    /// `first..last` covers. A first or last word matched without the punctuation around it
    /// leaves that out; so does a first or last word that differs, when the quote's word has no
    /// punctuation there.
    fn trim(&self, first: usize, last: usize, ops: &[Op]) -> Range<usize> {
        let (q, text, a, b) = (self.q, self.text, self.a, self.b);
        let (first_q, last_q) = (&q[a[0].clone()], &q[a[a.len() - 1].clone()]);
        let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let j = first;
        let mut s = b[j].start;
        if ops.first() == Some(&Op::Same) && text[b[j].clone()].ends_with(first_q) {
            s = b[j].end - first_q.len();
        } else if ops.starts_with(&[Op::Quote, Op::Source]) && alnum(first_q.chars().next()) {
            let w = &text[b[j].clone()];
            let core = w.trim_start_matches(|c: char| !c.is_alphanumeric());
            if !core.is_empty() {
                s = b[j].end - core.len();
            }
        }
        let mut e = b[last - 1].end;
        if ops.last() == Some(&Op::Same) && text[b[last - 1].clone()].starts_with(last_q) {
            e = b[last - 1].start + last_q.len();
        } else if ops.last() == Some(&Op::Source) && alnum(last_q.chars().next_back()) {
            let w = &text[b[last - 1].clone()];
            let core = w.trim_end_matches(|c: char| !c.is_alphanumeric());
            if !core.is_empty() {
                e = b[last - 1].start + core.len();
            }
        }
        s..e.max(s)
    }
}

/// The three tables of the affine-gap alignment, row `i` for the first `i` quote words and
/// column `j` for the first `j` source words of the window. `mm`: ends with a quote word
/// aligned with a source word; `del`: with a source word left out of the quote; `ins`: with a
/// quote word not in the source. Row 0 of `mm` is the free start.
struct Tables {
    n: usize,
    m: usize,
    mm: Vec<u32>,
    del: Vec<u32>,
    ins: Vec<u32>,
}

/// The state an alignment ends in: `mm`, `ins` or `del`.
const MM: u8 = 0;
const INS: u8 = 1;
const DEL: u8 = 2;

impl Tables {
    fn at(&self, i: usize, j: usize) -> usize {
        i * (self.m + 1) + j
    }

    /// The tables, filled.
    fn fill(costs: &Costs<'_>) -> Tables {
        let (n, m) = (costs.a.len(), costs.b.len());
        let cells = (n + 1) * (m + 1);
        let mut t = Tables {
            n,
            m,
            mm: vec![INF; cells],
            del: vec![INF; cells],
            ins: vec![INF; cells],
        };
        for j in 0..=m {
            let c = t.at(0, j);
            t.mm[c] = 0;
        }
        for i in 1..=n {
            let gq = costs.added(i - 1);
            for j in 0..=m {
                let c = t.at(i, j);
                if j > 0 {
                    let d = t.at(i - 1, j - 1);
                    let best = t.mm[d].min(t.del[d]).min(t.ins[d]);
                    t.mm[c] = best + costs.sub(i - 1, j - 1);
                    let gs = costs.dropped(j - 1);
                    let l = t.at(i, j - 1);
                    t.del[c] = (t.mm[l] + GAP_OPEN).min(t.del[l]).min(t.ins[l] + GAP_OPEN) + gs;
                }
                let u = t.at(i - 1, j);
                t.ins[c] = (t.mm[u] + GAP_OPEN).min(t.ins[u]).min(t.del[u] + GAP_OPEN) + gq;
            }
        }
        t
    }

    /// Where the alignment ends (the source column after its last word, and the state): the
    /// least cost, the latest among equals (a changed last word is a substitution, not a word
    /// added), ending on an aligned word rather than an added one.
    fn end(&self) -> (usize, u8) {
        let n = self.n;
        let mut best = (INF, 0, MM);
        for j in 0..=self.m {
            for (state, cost) in [(MM, self.mm[self.at(n, j)]), (INS, self.ins[self.at(n, j)])] {
                if cost <= best.0 && (cost < best.0 || state == MM || best.2 == INS) {
                    best = (cost, j, state);
                }
            }
        }
        (best.1, best.2)
    }

    /// The alignment that ends at source column `j` in `state`, traced back: the source column
    /// where it starts, and its steps in order.
    fn trace(&self, costs: &Costs<'_>, mut j: usize, mut state: u8) -> (usize, Vec<Op>) {
        let mut i = self.n;
        let mut ops = Vec::with_capacity(self.n + self.m);
        while i > 0 {
            match state {
                MM => {
                    let cost = costs.sub(i - 1, j - 1);
                    let c = self.mm[self.at(i, j)] - cost;
                    match cost {
                        0 => ops.push(Op::Same),
                        PUNCTUATION => ops.push(Op::Punctuation),
                        _ => ops.extend([Op::Source, Op::Quote]),
                    }
                    let p = self.at(i - 1, j - 1);
                    // Among equals, a word of the source left out before one the quote adds.
                    state = if self.mm[p] == c {
                        MM
                    } else if self.del[p] == c {
                        DEL
                    } else {
                        INS
                    };
                    i -= 1;
                    j -= 1;
                }
                INS => {
                    ops.push(Op::Quote);
                    let c = self.ins[self.at(i, j)] - costs.added(i - 1);
                    let p = self.at(i - 1, j);
                    state = if self.ins[p] == c {
                        INS
                    } else if self.mm[p] + GAP_OPEN == c {
                        MM
                    } else {
                        DEL
                    };
                    i -= 1;
                }
                _ => {
                    ops.push(Op::Source);
                    let c = self.del[self.at(i, j)] - costs.dropped(j - 1);
                    let p = self.at(i, j - 1);
                    state = if self.del[p] == c {
                        DEL
                    } else if self.mm[p] + GAP_OPEN == c {
                        MM
                    } else {
                        INS
                    };
                    j -= 1;
                }
            }
        }
        ops.reverse();
        (j, ops)
    }
}
