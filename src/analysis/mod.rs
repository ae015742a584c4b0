//! The analyses that several rules share, each computed at most once per run, on first use.
//! Rules receive them, with the indexed KB, in a [`Context`]; a rule's `needs: [Citations]`
//! only lets the check stage compute the analyses side by side before the rules start, so that
//! each gets every thread. A rule that reads one it did not declare still gets it, complete.

pub mod citations;
pub mod contradictions;
pub mod wording;

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::index::Kb;
use citations::Citations;
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
}

impl Analyses {
    /// How many quotes have been matched against their sources so far.
    pub fn quotes_matched(&self) -> usize {
        self.quotes_matched.load(Ordering::Relaxed)
    }
}

/// What a rule checks: the indexed KB and its analyses.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub kb: &'a Kb,
    analyses: &'a Analyses,
}

impl<'a> Context<'a> {
    /// The KB `kb` with `analyses`, which must be of this very KB (empty, or computed from it).
    pub fn new(kb: &'a Kb, analyses: &'a Analyses) -> Context<'a> {
        Context { kb, analyses }
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
            citations::analyse(self.kb)
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
