//! The analyses that several rules share, each computed at most once per run, on first use.
//! Rules receive them, with the indexed KB, in a [`Context`]; a rule's `needs: [Citations]`
//! only lets the check stage compute the analyses side by side before the rules start, so that
//! each gets every thread. A rule that reads one it did not declare still gets it, complete.

pub mod citations;
pub mod contradictions;
pub mod wording;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use crate::index::{ClaimId, EntryId, Kb};
use crate::model::{Claim, Entry};
use citations::{Citations, Memo};
use contradictions::Contradictions;

/// An analysis that a rule may declare it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Analysis {
    /// Every citation checked against its source ([`citations`]).
    Citations,
    /// The contradictions between structured claims ([`contradictions`]).
    Contradictions,
}

/// The analyses of one indexed KB, each computed on first use and kept.
#[derive(Default)]
pub struct Analyses {
    citations: OnceLock<Citations>,
    contradictions: OnceLock<Contradictions>,
    /// How many quotes were matched against their sources, over every computation of the
    /// citation checks (each quote once, when the analyses are shared as they should be).
    quotes_matched: AtomicUsize,
    /// What the citation checks found, kept across runs (the language server's).
    memo: Option<Arc<Memo>>,
}

impl Analyses {
    /// Analyses that keep what the citation checks found in `memo`, from one run to the next
    /// (the language server).
    pub fn remembering(memo: Arc<Memo>) -> Analyses {
        Analyses {
            memo: Some(memo),
            ..Analyses::default()
        }
    }

    /// The same analyses, with the ones given already computed (carried over an edit that
    /// leaves them true).
    pub fn carried(
        memo: Option<Arc<Memo>>,
        citations: Option<Citations>,
        contradictions: Option<Contradictions>,
    ) -> Analyses {
        let out = Analyses {
            memo,
            ..Analyses::default()
        };
        if let Some(c) = citations {
            let _ = out.citations.set(c);
        }
        if let Some(c) = contradictions {
            let _ = out.contradictions.set(c);
        }
        out
    }

    /// The memo, and the analyses computed so far.
    pub fn into_parts(self) -> (Option<Arc<Memo>>, Option<Citations>, Option<Contradictions>) {
        (
            self.memo,
            self.citations.into_inner(),
            self.contradictions.into_inner(),
        )
    }

    /// How many quotes have been matched against their sources so far.
    pub fn quotes_matched(&self) -> usize {
        self.quotes_matched.load(Ordering::Relaxed)
    }
}

/// What a rule checks: the indexed KB and its analyses, and the entries whose findings are
/// wanted (all of them, except when the language server checks again after an edit).
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub kb: &'a Kb,
    analyses: &'a Analyses,
    /// The entries whose findings are wanted, sorted; `None`: every entry.
    scope: Option<&'a [EntryId]>,
}

impl<'a> Context<'a> {
    /// The KB `kb` with `analyses`, which must be of this very KB (empty, or computed from it).
    pub fn new(kb: &'a Kb, analyses: &'a Analyses) -> Context<'a> {
        Context {
            kb,
            analyses,
            scope: None,
        }
    }

    /// The same, wanting only the findings on the entries `scope` (sorted): what a rule whose
    /// [`Reach`](crate::rules::Reach) is `Entry` must then find is every finding it would
    /// find on those entries, and it may leave out the others.
    pub fn scoped(self, scope: &'a [EntryId]) -> Context<'a> {
        Context {
            scope: Some(scope),
            ..self
        }
    }

    /// The entries whose findings are wanted, with their ids, in path order.
    pub fn entries(&self) -> impl Iterator<Item = (EntryId, &'a Entry)> + 'a {
        let kb = self.kb;
        let all = self.scope.is_none().then(|| kb.entries_with_ids());
        let some = self.scope.map(|s| {
            s.iter()
                .filter_map(move |&e| Some((e, kb.entries.get(e.index())?)))
        });
        all.into_iter().flatten().chain(some.into_iter().flatten())
    }

    /// The claims of [`Context::entries`], with their ids, in path order.
    pub fn claims(&self) -> impl Iterator<Item = (ClaimId, &'a Claim)> + 'a {
        self.entries().flat_map(|(e, entry)| {
            entry
                .claims
                .iter()
                .enumerate()
                .map(move |(c, claim)| (ClaimId { entry: e, claim: c }, claim))
        })
    }

    /// Whether the findings on entry `entry` are wanted.
    pub fn wants(&self, entry: EntryId) -> bool {
        self.scope.is_none_or(|s| s.binary_search(&entry).is_ok())
    }

    /// Computes, side by side, the analyses in `needs` that are not computed yet.
    pub fn prepare(&self, needs: &[Analysis]) {
        rayon::join(
            || {
                if needs.contains(&Analysis::Citations) {
                    self.citations();
                }
            },
            || {
                if needs.contains(&Analysis::Contradictions) {
                    self.contradictions();
                }
            },
        );
    }

    /// The citation checks, computed on first use.
    pub fn citations(&self) -> &'a Citations {
        first_use(&self.analyses.citations, || {
            let quotes = self
                .kb
                .all_claims()
                .flat_map(|(_, c)| &c.cites)
                .filter(|c| c.source.is_some() && c.quote.is_some())
                .count();
            self.analyses
                .quotes_matched
                .fetch_add(quotes, Ordering::Relaxed);
            citations::analyse(self.kb, self.analyses.memo.as_deref())
        })
    }

    /// The contradictions, computed on first use.
    pub fn contradictions(&self) -> &'a Contradictions {
        first_use(&self.analyses.contradictions, || {
            contradictions::analyse(self.kb)
        })
    }
}

/// The value of `cell`, computed by `compute` if it has none. Unlike `OnceLock::get_or_init`,
/// a thread never waits for another to finish: the analyses run on rayon's threads, where a
/// thread waiting on a lock may itself be the one that must finish the computation (it can
/// pick up another rule's work while it waits for its own). Two first uses at the same moment
/// may both compute it; only one result is kept.
fn first_use<T>(cell: &OnceLock<T>, compute: impl FnOnce() -> T) -> &T {
    if let Some(value) = cell.get() {
        return value;
    }
    let _ = cell.set(compute());
    cell.get()
        .unwrap_or_else(|| unreachable!("the cell was just set"))
}
