//! The rules: one file each, one static registry.
//!
//! A rule is declared with [`declare_rule!`]: its doc comment is its documentation (served by
//! `kblint explain`, SARIF's rule help and the docs test), followed by its name, its default
//! level, a one-line summary, the shared analyses it reads (`needs`) and the function that
//! checks the KB. Every file directly under `src/rules/` is one rule, named like it; what
//! several rules share is in [`support`]. See ARCHITECTURE.md, "Adding a rule".

use crate::analysis::{Analysis, Context};
pub use crate::config::Level;
use crate::diagnostic::Diagnostic;
pub use crate::rule_id::RuleId;

pub mod support;

mod acknowledged_dispute;
mod conflicting_values;
mod duplicate_id;
mod frontmatter;
mod invalid_suppression;
mod misattributed_quote;
mod missing_quote;
mod negation_conflict;
mod order_cycle;
mod quote_not_found;
mod schema;
mod source_hash_mismatch;
mod stale_baseline_entry;
mod stale_dispute;
mod uncited_claim;
mod unknown_property;
mod unknown_source;
mod unresolved_reference;
mod unused_source;
mod unused_suppression;

/// A check of the KB, with its documentation.
#[derive(Debug)]
pub struct Rule {
    pub id: RuleId,
    /// The public name, `id`'s.
    pub name: &'static str,
    pub default: Level,
    pub summary: &'static str,
    /// Markdown: what it checks, why, an example that fires and one that does not, how to fix.
    pub docs: &'static str,
    /// The shared analyses that `check` reads from its [`Context`].
    pub needs: &'static [Analysis],
    /// What its findings on an entry depend on, for checking again after an edit.
    pub reach: Reach,
    pub check: fn(&Context<'_>, &mut Vec<Diagnostic>),
}

/// What a rule's findings on an entry depend on: how much must be checked again when a file
/// changes (the language server after an edit; `kblint check` always checks everything).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A finding on an entry depends on that entry, the names the KB declares (ids, aliases,
    /// claim ids), the vocabulary, and the citations of that entry or, for a source, the
    /// citations that name it. The rule reads [`Context::entries`] (or [`Context::wants`]), so
    /// it can be asked for the findings of a few entries only.
    Entry,
    /// Its findings are read off an analysis of the whole KB (contradictions, quotes found
    /// elsewhere) or off the parse stage, one per fact found, and are cheap to make again
    /// in full: the rule always runs on the whole KB.
    Kb,
}

impl Rule {
    /// The documentation as Markdown: the doc comment without the space each `///` line keeps.
    pub fn documentation(&self) -> String {
        self.docs
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

impl PartialEq for Rule {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

/// Declares `pub static RULE` in a rule's file, taking the doc comment as its documentation.
/// `needs` lists the shared analyses the rule reads (none when left out); `reach: Kb` marks a
/// rule that always runs on the whole KB (see [`Reach`]).
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        id: $id:ident,
        default: $level:ident,
        summary: $summary:literal,
        $(needs: [$($need:ident),* $(,)?],)?
        $(reach: $reach:ident,)?
        check: $check:path $(,)?
    ) => {
        pub static RULE: crate::rules::Rule = crate::rules::Rule {
            id: crate::rule_id::RuleId::$id,
            name: crate::rule_id::RuleId::$id.name(),
            default: crate::rules::Level::$level,
            summary: $summary,
            docs: concat!($($doc, "\n"),+),
            needs: &[$($(crate::analysis::Analysis::$need),*)?],
            reach: crate::rules::reach!($($reach)?),
            check: $check,
        };
    };
}
pub(crate) use declare_rule;

/// A rule's [`Reach`]: `Entry` unless it says otherwise.
macro_rules! reach {
    () => {
        crate::rules::Reach::Entry
    };
    ($reach:ident) => {
        crate::rules::Reach::$reach
    };
}
pub(crate) use reach;

/// Every rule, in the order of the spec's table.
pub static RULES: &[&Rule] = &[
    &frontmatter::RULE,
    &schema::RULE,
    &duplicate_id::RULE,
    &unresolved_reference::RULE,
    &unknown_property::RULE,
    &uncited_claim::RULE,
    &missing_quote::RULE,
    &unknown_source::RULE,
    &quote_not_found::RULE,
    &misattributed_quote::RULE,
    &source_hash_mismatch::RULE,
    &unused_source::RULE,
    &conflicting_values::RULE,
    &negation_conflict::RULE,
    &order_cycle::RULE,
    &stale_dispute::RULE,
    &acknowledged_dispute::RULE,
    &invalid_suppression::RULE,
    &unused_suppression::RULE,
    &stale_baseline_entry::RULE,
];

/// What the examples of `kblint explain` take for granted.
pub const EXAMPLES_NOTE: &str = "\nThe examples are files added to a small KB: collections `entries` (kb/entries/**/*.md) and \
`sources` (kb/sources/**/*.md, sources = true), a source `guide` whose body reads \"Product owners are more \
tactical. Product managers are more strategic.\", and a vocabulary with `orientation` (single: strategic, \
tactical), `stakeholders` (multi: internal, external), `focus` (multi: strategic, tactical, technical; \
strategic and tactical contrary), `seniority` (order) and `team-size` (quantity in people, tolerance 1).\n";

/// The rule called `name`.
pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.name == name)
}

/// The rule `id`.
pub fn get(id: RuleId) -> &'static Rule {
    RULES
        .iter()
        .copied()
        .find(|r| r.id == id)
        .unwrap_or_else(|| unreachable!("every rule is in the registry"))
}

/// Every rule's name, in the order of the spec's table.
pub fn names() -> Vec<&'static str> {
    RULES.iter().map(|r| r.name).collect()
}
