//! The rules: one file each, one static registry.
//!
//! A rule is declared with [`declare_rule!`]: its doc comment is its documentation (served by
//! `kblint explain`, SARIF's rule help and the docs test), followed by its name, its default
//! level, a one-line summary and the function that checks the indexed KB.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::index::Kb;

mod acknowledged_dispute;
mod conflicting_values;
mod duplicate_id;
mod frontmatter;
mod misattributed_quote;
mod missing_quote;
mod negation_conflict;
mod order_cycle;
mod quote_not_found;
mod schema;
mod source_hash_mismatch;
mod stale_dispute;
mod uncited_claim;
mod unknown_property;
mod unknown_source;
mod unresolved_reference;
mod unused_source;

/// How much a rule's findings matter, as written in `kblint.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warn,
    Info,
    Off,
}

impl Level {
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warn => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Off => "off",
        }
    }
}

/// A check of the KB, with its documentation.
#[derive(Debug)]
pub struct Rule {
    pub name: &'static str,
    pub default: Level,
    pub summary: &'static str,
    /// Markdown: what it checks, why, an example that fires and one that does not, how to fix.
    pub docs: &'static str,
    pub check: fn(&Kb, &mut Vec<Diagnostic>),
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
macro_rules! declare_rule {
    ($(#[doc = $doc:literal])+ name: $name:literal, default: $level:ident, summary: $summary:literal, check: $check:path $(,)?) => {
        pub static RULE: crate::rules::Rule = crate::rules::Rule {
            name: $name,
            default: crate::rules::Level::$level,
            summary: $summary,
            docs: concat!($($doc, "\n"),+),
            check: $check,
        };
    };
}
pub(crate) use declare_rule;

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
];

/// What the examples of `kblint explain` take for granted.
pub const EXAMPLES_NOTE: &str = "\nThe examples are files added to a small KB: collections `entries` (kb/entries/**/*.md) and \
`sources` (kb/sources/**/*.md, sources = true), a source `guide` whose body reads \"Product owners are more \
tactical. Product managers are more strategic.\", and a vocabulary with `orientation` (single: strategic, \
tactical), `stakeholders` (multi: internal, external) and `seniority` (order).\n";

/// The rule called `name`.
pub fn find(name: &str) -> Option<&'static Rule> {
    RULES.iter().copied().find(|r| r.name == name)
}

/// The rule behind the finding `frontmatter`, for the parse stage.
pub fn frontmatter() -> &'static Rule {
    &frontmatter::RULE
}

/// The rule behind schema findings, for the parse stage.
pub fn schema() -> &'static Rule {
    &schema::RULE
}

/// The candidate closest to `name` by edit distance, when it is close enough to be a likely typo.
pub fn closest<'a>(candidates: impl Iterator<Item = &'a str>, name: &str) -> Option<&'a str> {
    let limit = (name.chars().count() / 3).max(2) as u32;
    candidates
        .map(|c| {
            (
                triple_accel::levenshtein::levenshtein_exp(c.as_bytes(), name.as_bytes()),
                c,
            )
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// The lowercase hex SHA-256 of a source's body.
pub fn source_digest(kb: &Kb, source: usize) -> String {
    source_hash_mismatch::digest(kb, source)
}
