//! Every citation checked against its source once, in parallel, for the rules
//! `quote-not-found`, `misattributed-quote`, `missing-quote` and `unused-source`.
//!
//! Each source body is normalised once. Quotes are searched exactly first; only the quotes
//! that fail are searched in every other source (one multi-pattern pass), and only those found
//! nowhere get the slower nearest-passage search.

use std::collections::HashMap;
use std::ops::Range;

use rayon::prelude::*;

use crate::index::{ClaimId, EntryId, Kb};
use crate::quote::{self, Nearest, Normalized};

/// One citation whose source and quote are both given, and whose quote is not in that source
/// as it stands. (Citations whose quote is in their source need no finding and are not kept.)
pub struct Checked {
    pub claim: ClaimId,
    pub cite: usize,
    pub source: EntryId,
    pub verdict: Verdict,
}

/// Why a citation's quote is not in its source.
pub enum Verdict {
    /// The quote has no text (empty, or only an ellipsis).
    Empty,
    /// Not in the cited source, but verbatim in another one, at `range` of its file.
    Elsewhere {
        source: EntryId,
        range: Range<usize>,
    },
    /// In no source; the nearest passage of the cited source, offsets in its file.
    NotFound { nearest: Option<Nearest> },
}

#[derive(Default)]
pub struct Citations {
    /// Every citation with a known source and a quote, in path order, except those whose quote
    /// is in its source (nearly all of them, in a healthy KB).
    pub checked: Vec<Checked>,
    /// How many citations name each source.
    pub uses: HashMap<EntryId, usize>,
    /// The citations (indexes in `checked`) whose nearest passage was not searched: the quote
    /// and its source are too long together for the search's budget.
    pub unsearched: Vec<usize>,
}

/// Checks every citation of the KB.
pub fn analyse(kb: &Kb) -> Citations {
    let sources: Vec<EntryId> = kb
        .entry_ids()
        .filter(|&e| kb.entries[e].is_source)
        .collect();
    let normalized: HashMap<EntryId, Normalized> = sources
        .par_iter()
        .map(|&s| {
            (
                s,
                Normalized::new(&kb.files.get(kb.entries[s].file).text[kb.body(s)]),
            )
        })
        .collect();
    // Where each source stands in `sources`, for counting its uses.
    let mut slot = vec![usize::MAX; kb.entries.len()];
    for (k, &s) in sources.iter().enumerate() {
        slot[s.index()] = k;
    }
    let by_slot: Vec<&Normalized> = sources.iter().map(|s| &normalized[s]).collect();
    // Entry by entry, in parallel: how many citations name each source, and the citations whose
    // quote is not in its source as it stands (a KB has many citations, and nearly all hold).
    let (counts, mut checked) = kb
        .entries
        .par_iter()
        .enumerate()
        .fold(
            || (vec![0usize; sources.len()], Vec::new()),
            |(mut counts, mut out), (e, entry)| {
                for (c, claim) in entry.claims.iter().enumerate() {
                    for (n, cite) in claim.cites.iter().enumerate() {
                        let Some(source) = cite.source.as_ref().and_then(|s| kb.source(&s.value))
                        else {
                            continue;
                        };
                        counts[slot[source.index()]] += 1;
                        let Some(q) = &cite.quote else { continue };
                        let verdict = match quote::contains(by_slot[slot[source.index()]], &q.value)
                        {
                            Some(true) => continue,
                            None => Verdict::Empty,
                            Some(false) => Verdict::NotFound { nearest: None },
                        };
                        let claim = ClaimId {
                            entry: EntryId::new(e),
                            claim: c,
                        };
                        out.push(Checked {
                            claim,
                            cite: n,
                            source,
                            verdict,
                        });
                    }
                }
                (counts, out)
            },
        )
        .reduce(
            || (vec![0usize; sources.len()], Vec::new()),
            |(mut counts, mut out), (more, rest)| {
                counts.iter_mut().zip(more).for_each(|(a, b)| *a += b);
                out.extend(rest);
                (counts, out)
            },
        );
    let uses: HashMap<EntryId, usize> = sources
        .iter()
        .zip(counts)
        .filter(|&(_, n)| n > 0)
        .map(|(&s, n)| (s, n))
        .collect();
    let quote_of = |c: &Checked| {
        kb.claim(c.claim).cites[c.cite]
            .quote
            .as_ref()
            .map_or("", |q| q.value.as_str())
    };
    // The quotes not found in their source: are they verbatim in another source?
    let failed: Vec<usize> = (0..checked.len())
        .filter(|&i| matches!(checked[i].verdict, Verdict::NotFound { .. }))
        .collect();
    if failed.is_empty() {
        return Citations {
            checked,
            uses,
            unsearched: Vec::new(),
        };
    }
    let all: Vec<&Normalized> = sources.iter().map(|s| &normalized[s]).collect();
    let quotes: Vec<&str> = failed.iter().map(|&i| quote_of(&checked[i])).collect();
    let elsewhere = quote::find_elsewhere(&all, &quotes);
    let verdicts: Vec<Verdict> = failed
        .par_iter()
        .zip(elsewhere)
        .map(|(&i, found)| {
            let (source, q) = (checked[i].source, quote_of(&checked[i]));
            if let Some(other) = found.map(|k| sources[k]).filter(|&o| o != source)
                && let quote::Match::Found(ranges) = quote::find(&normalized[&other], q)
            {
                let base = kb.body(other).start;
                let range = ranges
                    .first()
                    .map_or(base..base, |r| base + r.start..base + r.end);
                return Verdict::Elsewhere {
                    source: other,
                    range,
                };
            }
            let base = kb.body(source).start;
            let nearest = quote::nearest(&normalized[&source], q).map(|mut n| {
                n.range = base + n.range.start..base + n.range.end;
                for d in &mut n.differences {
                    d.source = base + d.source.start..base + d.source.end;
                }
                n
            });
            Verdict::NotFound { nearest }
        })
        .collect();
    let unsearched = failed
        .iter()
        .copied()
        .filter(|&i| {
            let (source, q) = (checked[i].source, quote_of(&checked[i]));
            quote::over_budget(normalized[&source].text.len(), q.chars().count())
        })
        .collect();
    for (i, verdict) in failed.into_iter().zip(verdicts) {
        checked[i].verdict = verdict;
    }
    Citations {
        checked,
        uses,
        unsearched,
    }
}
