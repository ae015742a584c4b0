//! The analyses that several rules share, each computed once per run, side by side, and only
//! when an enabled rule declares that it needs it (`needs: [Citations]` in its declaration).
//! Rules receive them, with the indexed KB, in a [`Context`].

pub mod citations;
pub mod contradictions;
pub mod wording;

use std::sync::LazyLock;

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

/// What a rule checks: the indexed KB and the analyses that the enabled rules declared.
pub struct Context<'a> {
    pub kb: &'a Kb,
    citations: Option<Citations>,
    contradictions: Option<Contradictions>,
}

impl<'a> Context<'a> {
    /// Computes, side by side, the analyses in `needs`. Computed before the rules run, each
    /// analysis gets every thread, rather than one rule waiting for another to finish it.
    pub fn new(kb: &'a Kb, needs: &[Analysis]) -> Context<'a> {
        let (citations, contradictions) = rayon::join(
            || {
                needs
                    .contains(&Analysis::Citations)
                    .then(|| citations::analyse(kb))
            },
            || {
                needs
                    .contains(&Analysis::Contradictions)
                    .then(|| contradictions::analyse(kb))
            },
        );
        Context {
            kb,
            citations,
            contradictions,
        }
    }

    /// The citation checks. Only for a rule that declares `Citations` in its `needs`.
    pub fn citations(&self) -> &Citations {
        static NONE: LazyLock<Citations> = LazyLock::new(Citations::default);
        debug_assert!(
            self.citations.is_some(),
            "a rule did not declare `Citations`"
        );
        self.citations.as_ref().unwrap_or(&NONE)
    }

    /// The contradictions. Only for a rule that declares `Contradictions` in its `needs`.
    pub fn contradictions(&self) -> &Contradictions {
        static NONE: LazyLock<Contradictions> = LazyLock::new(Contradictions::default);
        debug_assert!(
            self.contradictions.is_some(),
            "a rule did not declare `Contradictions`"
        );
        self.contradictions.as_ref().unwrap_or(&NONE)
    }
}
