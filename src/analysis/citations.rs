//! Every citation checked against its source once, in parallel, for the rules
//! `quote-not-found`, `misattributed-quote`, `missing-quote` and `unused-source`.
//!
//! Each source body is normalised once. Quotes are searched exactly first; only the quotes
//! that fail are searched in every other source (one multi-pattern pass), and only those found
//! nowhere get the slower nearest-passage search.
//!
//! The language server keeps the analysis from one edit to the next ([`Citations::update`]):
//! an edited entry has only its own citations checked again, an edited source only the
//! citations that name it (and the few quotes found nowhere, which it may now hold). What a
//! search found is kept in a [`Memo`] by the digests of the source's body and of the quote, so
//! an undo, or a quote typed back to what it was, is not searched again.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::ops::Range;
use std::sync::{Arc, Mutex};

use rayon::prelude::*;

use crate::digest::digest64;
use crate::index::{ClaimId, EntryId, Kb};
use crate::model::Entry;
use crate::quote::{self, Nearest, Normalized};

/// One citation whose source and quote are both given, and whose quote is not in that source
/// as it stands. (Citations whose quote is in their source need no finding and are not kept.)
pub struct Checked {
    pub claim: ClaimId,
    pub cite: usize,
    pub source: EntryId,
    pub verdict: Verdict,
    /// The nearest passage was not searched: the quote and its source are too long together
    /// for the search's budget.
    pub unsearched: bool,
    /// The nearest passage is not searched yet: an update of the language server leaves it
    /// for later ([`Citations::settle`]), so that typing never waits for it.
    pub pending: bool,
}

/// Why a citation's quote is not in its source.
#[derive(Clone)]
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
    /// The sources, in path order.
    sources: Vec<EntryId>,
    /// Each source's body, normalised, with the digest of the body (the memo's key).
    normalized: Bodies,
    /// The entries whose citations name each source, in path order (kept only when the
    /// analysis is to be updated: the language server's).
    citers: HashMap<EntryId, Vec<EntryId>>,
}

/// The sources' normalised bodies, by entry id.
#[derive(Default)]
struct Bodies(Vec<Option<Source>>);

impl Bodies {
    fn get(&self, e: &EntryId) -> Option<&Source> {
        self.0.get(e.index())?.as_ref()
    }

    /// Puts `body` as entry `e`'s, returning the one it had.
    fn insert(&mut self, e: EntryId, body: Source) -> Option<Source> {
        if self.0.len() <= e.index() {
            self.0.resize(e.index() + 1, None);
        }
        self.0[e.index()].replace(body)
    }
}

impl std::ops::Index<&EntryId> for Bodies {
    type Output = Source;

    fn index(&self, e: &EntryId) -> &Source {
        self.get(e)
            .unwrap_or_else(|| unreachable!("every source's body is normalised"))
    }
}

/// A source's body, normalised, and the digest of its text.
#[derive(Clone)]
struct Source {
    digest: u64,
    text: Arc<Normalized>,
}

/// What the citation checks found, kept across runs by content: a source's normalised body
/// by the digest of its text, whether a quote is in it and its nearest passage by the digests
/// of both, and where a quote found in no cited source was found instead (while the sources
/// stay as they are).
#[derive(Default)]
pub struct Memo {
    normalized: Mutex<Texts>,
    contains: Mutex<Verdicts>,
    nearest: Mutex<HashMap<(u64, u64), Option<Nearest>>>,
    /// Keyed by the quote: the source (and where in its body) that holds it verbatim.
    elsewhere: Mutex<HashMap<u64, Option<Place>>>,
}

/// Normalised source bodies by the digest of their text, and how many bytes they hold.
#[derive(Default)]
struct Texts {
    by_digest: HashMap<u64, Arc<Normalized>>,
    bytes: usize,
}

/// The most bytes of normalised text a [`Memo`] keeps; past it, it starts again empty (the
/// texts of the sources as they stand are kept by the analysis itself). Every version of a
/// source being typed in is remembered, so that undo is free; this bounds what that costs.
const MEMO_TEXT_BYTES: usize = 256 << 20;

/// Whether each quote is in each source, by the digests of both: a set of the quotes found
/// (nearly all of them: 16 bytes each), and a map of the rest.
#[derive(Default)]
struct Verdicts {
    found: HashSet<(u64, u64)>,
    /// `Some(false)`: not there; `None`: the quote is empty.
    other: HashMap<(u64, u64), Option<bool>>,
}

impl Verdicts {
    fn get(&self, key: (u64, u64)) -> Option<Option<bool>> {
        if self.found.contains(&key) {
            return Some(Some(true));
        }
        self.other.get(&key).copied()
    }

    /// Keeps at most [`MEMO_LIMIT`] verdicts: past it, starts again empty.
    fn insert(&mut self, key: (u64, u64), verdict: Option<bool>) {
        if self.found.len() + self.other.len() >= MEMO_LIMIT {
            self.found.clear();
            self.other.clear();
        }
        match verdict {
            Some(true) => self.found.insert(key),
            _ => self.other.insert(key, verdict).is_none(),
        };
    }

    /// Room for `n` verdicts in all: a set grown step by step leaves its earlier tables
    /// behind as holes in the server's memory.
    fn reserve(&mut self, n: usize) {
        self.found.reserve(n.saturating_sub(self.found.len()));
    }
}

/// A source, and a range of its body.
type Place = (EntryId, Range<usize>);

/// The most results a [`Memo`] map keeps; past it, the map starts again empty.
const MEMO_LIMIT: usize = 1 << 20;

impl Memo {
    /// Forgets where quotes were found instead: the sources changed.
    pub fn sources_changed(&self) {
        lock(&self.elsewhere).clear();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn remember<K: Hash + Eq, V>(map: &Mutex<HashMap<K, V>>, key: K, value: V) {
    let mut map = lock(map);
    if map.len() >= MEMO_LIMIT {
        map.clear();
    }
    map.insert(key, value);
}

/// The text of source `s`'s body.
fn body(kb: &Kb, s: EntryId) -> &str {
    kb.files
        .get(kb.entries[s].file)
        .text()
        .get(kb.body(s))
        .unwrap_or("")
}

/// Checks every citation of the KB. With a `memo` (the language server), what it holds is
/// reused, what is found is added to it, and the analysis can be [updated](Citations::update).
pub fn analyse(kb: &Kb, memo: Option<&Memo>) -> Citations {
    let sources: Vec<EntryId> = kb
        .entry_ids()
        .filter(|&e| kb.entries[e].is_source)
        .collect();
    if let Some(memo) = memo {
        // Entries may have moved: where a quote was found instead is found again.
        memo.sources_changed();
        // Room for every quote's verdict at once.
        let quotes: usize = kb
            .entries
            .iter()
            .flat_map(|e| e.claims.iter())
            .map(|c| c.cites.len())
            .sum();
        lock(&memo.contains).reserve(quotes.min(MEMO_LIMIT));
    }
    let bodies: Vec<(EntryId, Source)> = sources
        .par_iter()
        .map(|&s| (s, normalize(body(kb, s), memo)))
        .collect();
    let mut normalized = Bodies(vec![None; kb.entries.len()]);
    for (s, b) in bodies {
        normalized.insert(s, b);
    }
    let mut out = Citations {
        sources,
        normalized,
        ..Citations::default()
    };
    // Entry by entry, in parallel: the citations whose quote is not in its source as it stands
    // (a KB has many citations, and nearly all hold).
    let (checked, counts) = (0..kb.entries.len())
        .into_par_iter()
        .fold(
            || (Vec::new(), vec![0usize; kb.entries.len()]),
            |(mut checked, mut counts), e| {
                let e = EntryId::new(e);
                checked.extend(out.quick(kb, e, memo));
                for s in kb.cited(&kb.entries[e]) {
                    counts[s.index()] += 1;
                }
                (checked, counts)
            },
        )
        .reduce(
            || (Vec::new(), vec![0usize; kb.entries.len()]),
            |(mut checked, mut counts), (more, others)| {
                checked.extend(more);
                counts.iter_mut().zip(others).for_each(|(a, b)| *a += b);
                (checked, counts)
            },
        );
    out.uses = counts
        .into_iter()
        .enumerate()
        .filter(|&(_, n)| n > 0)
        .map(|(s, n)| (EntryId::new(s), n))
        .collect();
    if memo.is_some() {
        for (e, entry) in kb.entries_with_ids() {
            for s in kb.cited(entry) {
                let list = out.citers.entry(s).or_default();
                if list.last() != Some(&e) {
                    list.push(e);
                }
            }
        }
    }
    out.checked = checked;
    let failed: Vec<usize> = (0..out.checked.len()).collect();
    out.resolve(kb, &failed, memo, Nearness::Now);
    out
}

/// When [`Citations::resolve`] searches the nearest passage of a quote found nowhere.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Nearness {
    Now,
    /// Later, unless the memo holds it: the citation is left pending.
    Later,
}

/// Source `text` normalised, from the memo when it holds it.
fn normalize(text: &str, memo: Option<&Memo>) -> Source {
    let Some(memo) = memo else {
        return Source {
            digest: 0,
            text: Arc::new(Normalized::new(text)),
        };
    };
    let digest = digest64(text.as_bytes());
    if let Some(n) = lock(&memo.normalized).by_digest.get(&digest) {
        return Source {
            digest,
            text: n.clone(),
        };
    }
    let n = Arc::new(Normalized::new(text));
    let mut texts = lock(&memo.normalized);
    if texts.bytes + n.text.len() > MEMO_TEXT_BYTES {
        *texts = Texts::default();
    }
    texts.bytes += n.text.len();
    texts.by_digest.insert(digest, n.clone());
    Source { digest, text: n }
}

impl Citations {
    /// The citations of entry `e` whose quote is not in their source as it stands, with the
    /// first verdict: `Empty`, or `NotFound` without a nearest passage.
    fn quick(&self, kb: &Kb, e: EntryId, memo: Option<&Memo>) -> Vec<Checked> {
        let mut out = Vec::new();
        for (c, claim) in kb.entries[e].claims.iter().enumerate() {
            for (n, cite) in claim.cites.iter().enumerate() {
                let Some(source) = cite.source.as_ref().and_then(|s| kb.source(&s.value)) else {
                    continue;
                };
                let Some(q) = &cite.quote else { continue };
                let Some(body) = self.normalized.get(&source) else {
                    continue;
                };
                let found = match memo {
                    None => quote::contains(&body.text, &q.value),
                    Some(memo) => {
                        let key = (body.digest, digest64(q.value.as_bytes()));
                        let known = lock(&memo.contains).get(key);
                        known.unwrap_or_else(|| {
                            let found = quote::contains(&body.text, &q.value);
                            lock(&memo.contains).insert(key, found);
                            found
                        })
                    }
                };
                let verdict = match found {
                    Some(true) => continue,
                    None => Verdict::Empty,
                    Some(false) => Verdict::NotFound { nearest: None },
                };
                out.push(Checked {
                    claim: ClaimId { entry: e, claim: c },
                    cite: n,
                    source,
                    verdict,
                    unsearched: false,
                    pending: false,
                });
            }
        }
        out
    }

    /// The quote of a checked citation.
    fn quote<'k>(kb: &'k Kb, c: &Checked) -> &'k str {
        kb.claim(c.claim).cites[c.cite]
            .quote
            .as_ref()
            .map_or("", |q| q.value.as_str())
    }

    /// For the citations `at` (indexes in `checked`) whose quote is not in their source: is it
    /// verbatim in another source (`Elsewhere`), and if not, the nearest passage of the cited
    /// source (`NotFound`), now or later (`when`).
    fn resolve(&mut self, kb: &Kb, at: &[usize], memo: Option<&Memo>, when: Nearness) {
        let failed: Vec<usize> = at
            .iter()
            .copied()
            .filter(|&i| matches!(self.checked[i].verdict, Verdict::NotFound { .. }))
            .collect();
        if failed.is_empty() {
            return;
        }
        let quotes: Vec<&str> = failed
            .iter()
            .map(|&i| Self::quote(kb, &self.checked[i]))
            .collect();
        let elsewhere = self.elsewhere(&quotes, memo);
        let this = &*self;
        let verdicts: Vec<(Verdict, bool, bool)> = failed
            .par_iter()
            .zip(elsewhere)
            .map(|(&i, found)| {
                let (source, q) = (this.checked[i].source, Self::quote(kb, &this.checked[i]));
                let body = &this.normalized[&source];
                let unsearched = quote::over_budget(body.text.text.len(), q.chars().count());
                if let Some((other, range)) = found.filter(|(o, _)| *o != source) {
                    let base = kb.body(other).start;
                    let range = base + range.start..base + range.end;
                    return (
                        Verdict::Elsewhere {
                            source: other,
                            range,
                        },
                        unsearched,
                        false,
                    );
                }
                let found = match memo {
                    // Later: what the memo holds, or nothing yet.
                    Some(memo) if when == Nearness::Later && !unsearched => {
                        match remembered(body, q, memo) {
                            Some(n) => n,
                            None => return (Verdict::NotFound { nearest: None }, unsearched, true),
                        }
                    }
                    _ => nearest(body, q, memo),
                };
                let nearest = in_file(kb, source, found);
                (Verdict::NotFound { nearest }, unsearched, false)
            })
            .collect();
        for (i, (verdict, unsearched, pending)) in failed.into_iter().zip(verdicts) {
            self.checked[i].verdict = verdict;
            self.checked[i].unsearched = unsearched;
            self.checked[i].pending = pending;
        }
    }

    /// Searches the nearest passage of one pending citation: the first of an entry that
    /// `first` picks, or else (unless `only`) the first. Returns the entry whose finding it
    /// changes.
    pub fn settle(
        &mut self,
        kb: &Kb,
        memo: &Memo,
        first: impl Fn(EntryId) -> bool,
        only: bool,
    ) -> Option<EntryId> {
        let i = (self.checked.iter())
            .position(|c| c.pending && first(c.claim.entry))
            .or_else(|| {
                let any = self.checked.iter().position(|c| c.pending);
                any.filter(|_| !only)
            })?;
        let c = &self.checked[i];
        let (source, entry) = (c.source, c.claim.entry);
        let body = &self.normalized[&source];
        let n = nearest(body, Self::quote(kb, c), Some(memo));
        let c = &mut self.checked[i];
        c.pending = false;
        c.verdict = Verdict::NotFound {
            nearest: in_file(kb, source, n),
        };
        Some(entry)
    }

    /// For each quote, the source that holds it verbatim (the first, in path order) and
    /// where in that source's body.
    fn elsewhere(&self, quotes: &[&str], memo: Option<&Memo>) -> Vec<Option<Place>> {
        let sources = &self.sources;
        let known: Vec<Option<Option<Place>>> = match memo {
            Some(memo) => {
                let map = lock(&memo.elsewhere);
                quotes
                    .iter()
                    .map(|q| map.get(&digest64(q.as_bytes())).cloned())
                    .collect()
            }
            None => vec![None; quotes.len()],
        };
        let unknown: Vec<&str> = quotes
            .iter()
            .zip(&known)
            .filter(|(_, k)| k.is_none())
            .map(|(q, _)| *q)
            .collect();
        let all: Vec<&Normalized> = sources.iter().map(|s| &*self.normalized[s].text).collect();
        let found = if unknown.is_empty() {
            Vec::new()
        } else {
            quote::find_elsewhere(&all, &unknown)
        };
        let mut found = found.into_iter().zip(&unknown).map(|(k, q)| {
            let place = k.and_then(|k| {
                let other = sources[k];
                match quote::find(&self.normalized[&other].text, q) {
                    quote::Match::Found(ranges) => {
                        let r = ranges.first().map_or(0..0, |r| r.clone());
                        Some((other, r))
                    }
                    _ => None,
                }
            });
            if let Some(memo) = memo {
                remember(&memo.elsewhere, digest64(q.as_bytes()), place.clone());
            }
            place
        });
        known
            .into_iter()
            .map(|k| k.unwrap_or_else(|| found.next().flatten()))
            .collect()
    }

    /// Brings the analysis up to date after the entries `changed` were replaced in `kb`, each
    /// given with the entry it replaced (which declared the same names: the sources are the
    /// same entries). Returns the entries whose citations were checked again, sorted. The
    /// analysis must have been made with `memo`.
    pub fn update(&mut self, kb: &Kb, changed: &[(EntryId, &Entry)], memo: &Memo) -> Vec<EntryId> {
        let mut again: Vec<EntryId> = Vec::new();
        // The sources whose body changed, and those whose body only moved in its file.
        let (mut edited, mut moved) = (Vec::new(), Vec::new());
        for &(e, old) in changed {
            for s in kb.cited(old) {
                if let Some(n) = self.uses.get_mut(&s) {
                    *n -= 1;
                    if *n == 0 {
                        self.uses.remove(&s);
                    }
                }
                if let Some(list) = self.citers.get_mut(&s) {
                    list.retain(|&x| x != e);
                }
            }
            for s in kb.cited(&kb.entries[e]) {
                *self.uses.entry(s).or_insert(0) += 1;
                let list = self.citers.entry(s).or_default();
                if let Err(at) = list.binary_search(&e) {
                    list.insert(at, e);
                }
            }
            again.push(e);
            if kb.entries[e].is_source {
                let text = normalize(body(kb, e), Some(memo));
                let digest = text.digest;
                let before = self.normalized.insert(e, text);
                // Where the body starts in the file: the offsets of what was found in it.
                if before.is_none_or(|b| b.digest != digest) {
                    edited.push(e);
                } else if old.body.start != kb.entries[e].body.start {
                    moved.push(e);
                }
            }
        }
        for s in edited.iter().chain(&moved) {
            again.extend(self.citers.get(s).into_iter().flatten());
        }
        if !edited.is_empty() {
            memo.sources_changed();
        }
        again.sort_unstable();
        again.dedup();
        self.look_again(kb, &edited, &moved, &mut again);
        let mut checked = Vec::with_capacity(self.checked.len());
        let mut fresh = Vec::new();
        let mut old = std::mem::take(&mut self.checked).into_iter().peekable();
        for &e in &again {
            while let Some(c) = old.next_if(|c| c.claim.entry < e) {
                checked.push(c);
            }
            while old.next_if(|c| c.claim.entry == e).is_some() {}
            for c in self.quick(kb, e, Some(memo)) {
                fresh.push(checked.len());
                checked.push(c);
            }
        }
        checked.extend(old);
        self.checked = checked;
        self.resolve(kb, &fresh, Some(memo), Nearness::Later);
        again
    }
}

impl Citations {
    /// After the sources `edited` changed and `moved` moved in their files: the quotes found
    /// in no cited source (outside the entries `again`, checked again anyway) are looked for in
    /// the edited sources only, since a quote found in a source stays found there and only
    /// one of these can hold it now. A quote found in an edited or moved source is checked
    /// again in full (its entry joins `again`, which stays sorted).
    fn look_again(
        &mut self,
        kb: &Kb,
        edited: &[EntryId],
        moved: &[EntryId],
        again: &mut Vec<EntryId>,
    ) {
        let mut candidates = Vec::new();
        let mut more = Vec::new();
        for (i, c) in self.checked.iter().enumerate() {
            if again.binary_search(&c.claim.entry).is_ok() {
                continue;
            }
            match &c.verdict {
                Verdict::Empty => {}
                Verdict::Elsewhere { source, .. }
                    if edited.contains(source) || moved.contains(source) =>
                {
                    more.push(c.claim.entry)
                }
                _ => candidates.push(i),
            }
        }
        again.extend(more);
        again.sort_unstable();
        again.dedup();
        if edited.is_empty() || candidates.is_empty() {
            return;
        }
        let texts: Vec<&Normalized> = edited.iter().map(|s| &*self.normalized[s].text).collect();
        let quotes: Vec<&str> = candidates
            .iter()
            .map(|&i| Self::quote(kb, &self.checked[i]))
            .collect();
        let hits = quote::find_elsewhere(&texts, &quotes);
        for ((&i, hit), q) in candidates.iter().zip(hits).zip(quotes) {
            let Some(e) = hit.map(|k| edited[k]) else {
                continue;
            };
            let c = &self.checked[i];
            // The first source that holds it, in path order, is the one it names.
            let earlier = match &c.verdict {
                Verdict::Elsewhere { source, .. } => *source < e,
                _ => false,
            };
            if earlier || e == c.source || again.binary_search(&c.claim.entry).is_ok() {
                continue;
            }
            if let quote::Match::Found(ranges) = quote::find(&self.normalized[&e].text, q) {
                let base = kb.body(e).start;
                let range = ranges
                    .first()
                    .map_or(base..base, |r| base + r.start..base + r.end);
                self.checked[i].verdict = Verdict::Elsewhere { source: e, range };
                self.checked[i].pending = false;
            }
        }
    }
}

/// A nearest passage of source `source` found with offsets in its body, with offsets in its
/// file.
fn in_file(kb: &Kb, source: EntryId, nearest: Option<Nearest>) -> Option<Nearest> {
    let base = kb.body(source).start;
    nearest.map(|mut n| {
        n.range = base + n.range.start..base + n.range.end;
        for d in &mut n.differences {
            d.source = base + d.source.start..base + d.source.end;
        }
        n
    })
}

/// The nearest passage of `quote` in `source` (offsets in the body), from the memo when it
/// holds it.
fn nearest(source: &Source, quote: &str, memo: Option<&Memo>) -> Option<Nearest> {
    let Some(memo) = memo else {
        return quote::nearest(&source.text, quote);
    };
    if let Some(n) = remembered(source, quote, memo) {
        return n;
    }
    let n = quote::nearest(&source.text, quote);
    remember(
        &memo.nearest,
        (source.digest, digest64(quote.as_bytes())),
        n.clone(),
    );
    n
}

/// The nearest passage of `quote` in `source`, if the memo holds it.
fn remembered(source: &Source, quote: &str, memo: &Memo) -> Option<Option<Nearest>> {
    lock(&memo.nearest)
        .get(&(source.digest, digest64(quote.as_bytes())))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_tell_found_from_missing_from_empty_and_start_again_past_the_limit() {
        let mut v = Verdicts::default();
        v.reserve(3);
        v.insert((1, 1), Some(true));
        v.insert((1, 2), Some(false));
        v.insert((1, 3), None);
        assert_eq!(v.get((1, 1)), Some(Some(true)));
        assert_eq!(v.get((1, 2)), Some(Some(false)));
        assert_eq!(v.get((1, 3)), Some(None));
        assert_eq!(v.get((2, 1)), None);
        for n in 0..MEMO_LIMIT as u64 {
            v.insert((9, n), Some(n % 2 == 0));
        }
        assert_eq!(
            v.get((1, 1)),
            None,
            "the first verdicts went when the limit was reached"
        );
        assert!(v.found.len() + v.other.len() <= MEMO_LIMIT);
    }
}
