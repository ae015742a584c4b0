//! The nearest passage to a quote that is not found, and the word-by-word differences.

use std::ops::Range;

use super::bitparallel::Pattern;
use super::fragments::{Fragment, Quote, same_letter};
use super::normalize::Normalized;
use super::words::{inside_word, words};

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
