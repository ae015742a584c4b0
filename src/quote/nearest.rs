//! The nearest passage to a quote that is not found, and the word-by-word differences.

use std::ops::Range;

use super::bitparallel::Pattern;
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
    let mut cuts = Vec::new();
    for (k, (f, p)) in q.fragments.iter().zip(&placed).enumerate() {
        let passage = text.get(p.range.clone()).unwrap_or("");
        quote_chars += f.text.chars().count();
        passage_chars += passage.chars().count();
        if !p.exact {
            edits += Pattern::new(&f.classes()).distance(passage);
            let diffs = word_diff(source, p.range.clone(), &q.norm, f, p.ops.as_deref());
            cuts.extend(cuts_of(&diffs, &q, k));
            differences.extend(diffs);
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
        cuts,
        whole_words: false,
    })
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
        let w = whole_words(text, r.start, r.end, 64);
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
    group(source, passage, quote, f, &a, &b, &ops)
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

/// The differences that the alignment `ops` of quote words `a` with passage words `b` makes:
/// each run of words that are not the same, in order.
fn group(
    source: &Normalized,
    passage: Range<usize>,
    quote: &Normalized,
    f: &Fragment,
    a: &[Range<usize>],
    b: &[Range<usize>],
    ops: &[Op],
) -> Vec<Difference> {
    let p_text = source.text.get(passage.clone()).unwrap_or("");
    let q_text = f.text.as_str();

    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut group: Option<(usize, usize)> = None;
    let close = |g: (usize, usize), i: usize, j: usize, out: &mut Vec<Difference>| {
        let (qi, sj) = g;
        // One quote word, `word` plus punctuation, against source words from `word` to one that
        // ends with that punctuation: the words in between are dropped, and the punctuation
        // stands where the source has it ("increased," for "increased and ... customers,").
        if i == qi + 1 && j >= sj + 2 {
            let (qw, first, last) = (
                &q_text[a[qi].clone()],
                &p_text[b[sj].clone()],
                &p_text[b[j - 1].clone()],
            );
            if let Some(tail) = qw.strip_prefix(first)
                && !tail.is_empty()
                && !tail.chars().any(char::is_alphanumeric)
                && last.len() > tail.len()
                && last.ends_with(tail)
            {
                let r = passage.start + b[sj + 1].start..passage.start + b[j - 1].end - tail.len();
                let at = quote
                    .original_range(f.at + a[qi].start..f.at + a[qi].start + first.len())
                    .end;
                out.push(Difference {
                    source: source.original_range(r.clone()),
                    source_text: source.text.get(r).unwrap_or("").to_string(),
                    quote_text: String::new(),
                    quote: at..at,
                });
                return;
            }
        }
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
    let mut punct = false;
    for op in ops {
        match op {
            Op::Same => {
                if let Some(g) = group.take() {
                    close(g, i, j, &mut out);
                }
                punct = false;
                i += 1;
                j += 1;
            }
            Op::Quote => {
                if punct && let Some(g) = group.take() {
                    close(g, i, j, &mut out);
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
                    close(g, i, j, &mut out);
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
        close(g, i, j, &mut out);
    }
    out
}

/// The most cells a quadratic table may have (words of a quote times words of the passage it is
/// aligned with): beyond it the diff shows the differing middle as removed and added whole, and
/// the word alignment gives up, so a long quote against a long source costs bounded memory and
/// time.
const MAX_CELLS: usize = 4_000_000;

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
    // A window of whole words around `near`: as many words again as the quote has, and some.
    let spread = n + 8;
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
    let window = text.get(start..end)?;
    let b: Vec<Range<usize>> = words(window)
        .into_iter()
        .map(|r| start + r.start..start + r.end)
        .collect();
    let m = b.len();
    if m == 0 || n.saturating_mul(m) > MAX_CELLS {
        return None;
    }
    let q = f.text.as_str();
    let letter = f.letter.map(|(i, _)| i);
    let core = |w: &str| w.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
    let punct = |w: &str| !w.chars().any(char::is_alphanumeric);
    let dropped = |w: &str| if punct(w) { GAP_PUNCT } else { DROPPED };
    let added = |w: &str| if punct(w) { GAP_PUNCT } else { ADDED };
    // The quote may stop before punctuation that ends its last source word, or start after
    // punctuation that begins its first.
    let edge = |i: usize, qw: &str, sw: &str| {
        let rest_punct = |r: Option<&str>| r.is_some_and(|r| !r.is_empty() && punct(r));
        (i + 1 == n && rest_punct(sw.strip_prefix(qw)))
            || (i == 0 && rest_punct(sw.strip_suffix(qw)))
    };
    let sub = |i: usize, j: usize| {
        let (qw, sw) = (&q[a[i].clone()], &text[b[j].clone()]);
        let rel = letter.filter(|l| a[i].contains(l)).map(|l| l - a[i].start);
        if same_word(qw, sw, rel) || edge(i, qw, sw) {
            0
        } else if punct(qw) != punct(sw) {
            MISMATCH
        } else if core(qw) == core(sw)
            || (i == 0 && core(qw).to_lowercase() == core(sw).to_lowercase())
        {
            PUNCTUATION
        } else {
            SUBSTITUTE
        }
    };
    // mm: ends with a quote word aligned with a source word; del: with a source word left out
    // of the quote; ins: with a quote word not in the source. Row 0 of `mm` is the free start.
    let w = m + 1;
    let at = |i: usize, j: usize| i * w + j;
    let (mut mm, mut del, mut ins) = (
        vec![INF; (n + 1) * w],
        vec![INF; (n + 1) * w],
        vec![INF; (n + 1) * w],
    );
    for j in 0..=m {
        mm[at(0, j)] = 0;
    }
    for i in 1..=n {
        let gq = added(&q[a[i - 1].clone()]);
        for j in 0..=m {
            if j > 0 {
                let best = mm[at(i - 1, j - 1)]
                    .min(del[at(i - 1, j - 1)])
                    .min(ins[at(i - 1, j - 1)]);
                mm[at(i, j)] = best + sub(i - 1, j - 1);
                let gs = dropped(&text[b[j - 1].clone()]);
                del[at(i, j)] = (mm[at(i, j - 1)] + GAP_OPEN)
                    .min(del[at(i, j - 1)])
                    .min(ins[at(i, j - 1)] + GAP_OPEN)
                    + gs;
            }
            ins[at(i, j)] = (mm[at(i - 1, j)] + GAP_OPEN)
                .min(ins[at(i - 1, j)])
                .min(del[at(i - 1, j)] + GAP_OPEN)
                + gq;
        }
    }
    // The end: the least cost, the latest among equals (a changed last word is a substitution,
    // not a word added), ending on an aligned word rather than an added one.
    let mut best = (INF, 0, 0u8);
    for j in 0..=m {
        for (state, cost) in [(0u8, mm[at(n, j)]), (1u8, ins[at(n, j)])] {
            if cost <= best.0 && (cost < best.0 || state == 0 || best.2 == 1) {
                best = (cost, j, state);
            }
        }
    }
    let (_, mut j, mut state) = best;
    let mut i = n;
    let mut ops = Vec::with_capacity(n + m);
    let last = j;
    while i > 0 {
        match state {
            0 => {
                let cost = sub(i - 1, j - 1);
                let c = mm[at(i, j)] - cost;
                match cost {
                    0 => ops.push(Op::Same),
                    PUNCTUATION => ops.push(Op::Punctuation),
                    _ => ops.extend([Op::Source, Op::Quote]),
                }
                let (pi, pj) = (i - 1, j - 1);
                // Among equals, a word of the source left out before one the quote adds.
                state = if mm[at(pi, pj)] == c {
                    0
                } else if del[at(pi, pj)] == c {
                    2
                } else {
                    1
                };
                i = pi;
                j = pj;
            }
            1 => {
                ops.push(Op::Quote);
                let c = ins[at(i, j)] - added(&q[a[i - 1].clone()]);
                let pi = i - 1;
                state = if ins[at(pi, j)] == c {
                    1
                } else if mm[at(pi, j)] + GAP_OPEN == c {
                    0
                } else {
                    2
                };
                i = pi;
            }
            _ => {
                ops.push(Op::Source);
                let c = del[at(i, j)] - dropped(&text[b[j - 1].clone()]);
                let pj = j - 1;
                state = if del[at(i, pj)] == c {
                    2
                } else if mm[at(i, pj)] + GAP_OPEN == c {
                    0
                } else {
                    1
                };
                j = pj;
            }
        }
    }
    ops.reverse();
    if j >= last {
        return None;
    }
    // A first or last word matched without the punctuation around it leaves that out.
    let (first_q, last_q) = (&q[a[0].clone()], &q[a[n - 1].clone()]);
    // So does a first or last word that differs, when the quote's word has no punctuation there.
    let alnum = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
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
    Some((s..e.max(s), ops))
}
