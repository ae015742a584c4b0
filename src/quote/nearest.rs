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
}

/// The passage of `source` most similar to `quote`; `None` for an empty quote or source, or
/// when nothing of the quote is in the source.
pub fn nearest(source: &Normalized, quote: &str) -> Option<Nearest> {
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
    let mut cuts = Vec::new();
    for (k, (f, p)) in q.fragments.iter().zip(&placed).enumerate() {
        let passage = text.get(p.range.clone()).unwrap_or("");
        quote_chars += f.text.chars().count();
        passage_chars += passage.chars().count();
        if !p.exact {
            edits += Pattern::new(&f.classes()).distance(passage);
            let diffs = word_diff(source, p.range.clone(), &q.norm, f);
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
