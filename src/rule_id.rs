//! Every rule as a value: its public kebab-case name and the properties that the pipeline and
//! the outputs ask of it. A `match` on [`RuleId`] is exhaustive, so a new rule cannot be left
//! out of a list it belongs in. The rules' checks and documentation are in `rules`, above.

use std::fmt;

/// A rule of kblint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RuleId {
    Frontmatter,
    Schema,
    DuplicateId,
    UnresolvedReference,
    UnknownProperty,
    UncitedClaim,
    MissingQuote,
    UnknownSource,
    QuoteNotFound,
    MisattributedQuote,
    SourceHashMismatch,
    UnusedSource,
    ConflictingValues,
    NegationConflict,
    OrderCycle,
    StaleDispute,
    AcknowledgedDispute,
    InvalidSuppression,
    UnusedSuppression,
    StaleBaselineEntry,
}

/// Which stage makes a rule's findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The parse stage, one file at a time (the rule's check passes them on).
    Parse,
    /// The rule's own check, on the indexed KB.
    Check,
    /// The suppress stage, about the `# kblint-allow` comments.
    Suppress,
    /// The baseline stage, about the baseline file's entries.
    Baseline,
}

impl RuleId {
    /// Every rule, in the order of the spec's table.
    pub const ALL: [RuleId; 20] = [
        RuleId::Frontmatter,
        RuleId::Schema,
        RuleId::DuplicateId,
        RuleId::UnresolvedReference,
        RuleId::UnknownProperty,
        RuleId::UncitedClaim,
        RuleId::MissingQuote,
        RuleId::UnknownSource,
        RuleId::QuoteNotFound,
        RuleId::MisattributedQuote,
        RuleId::SourceHashMismatch,
        RuleId::UnusedSource,
        RuleId::ConflictingValues,
        RuleId::NegationConflict,
        RuleId::OrderCycle,
        RuleId::StaleDispute,
        RuleId::AcknowledgedDispute,
        RuleId::InvalidSuppression,
        RuleId::UnusedSuppression,
        RuleId::StaleBaselineEntry,
    ];

    /// The rule's public name, in every output and in the config: `quote-not-found`.
    pub const fn name(self) -> &'static str {
        match self {
            RuleId::Frontmatter => "frontmatter",
            RuleId::Schema => "schema",
            RuleId::DuplicateId => "duplicate-id",
            RuleId::UnresolvedReference => "unresolved-reference",
            RuleId::UnknownProperty => "unknown-property",
            RuleId::UncitedClaim => "uncited-claim",
            RuleId::MissingQuote => "missing-quote",
            RuleId::UnknownSource => "unknown-source",
            RuleId::QuoteNotFound => "quote-not-found",
            RuleId::MisattributedQuote => "misattributed-quote",
            RuleId::SourceHashMismatch => "source-hash-mismatch",
            RuleId::UnusedSource => "unused-source",
            RuleId::ConflictingValues => "conflicting-values",
            RuleId::NegationConflict => "negation-conflict",
            RuleId::OrderCycle => "order-cycle",
            RuleId::StaleDispute => "stale-dispute",
            RuleId::AcknowledgedDispute => "acknowledged-dispute",
            RuleId::InvalidSuppression => "invalid-suppression",
            RuleId::UnusedSuppression => "unused-suppression",
            RuleId::StaleBaselineEntry => "stale-baseline-entry",
        }
    }

    /// The rule called `name`.
    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.into_iter().find(|r| r.name() == name)
    }

    /// Which stage makes its findings.
    pub const fn origin(self) -> Origin {
        match self {
            RuleId::Frontmatter | RuleId::Schema => Origin::Parse,
            RuleId::InvalidSuppression | RuleId::UnusedSuppression => Origin::Suppress,
            RuleId::StaleBaselineEntry => Origin::Baseline,
            RuleId::DuplicateId
            | RuleId::UnresolvedReference
            | RuleId::UnknownProperty
            | RuleId::UncitedClaim
            | RuleId::MissingQuote
            | RuleId::UnknownSource
            | RuleId::QuoteNotFound
            | RuleId::MisattributedQuote
            | RuleId::SourceHashMismatch
            | RuleId::UnusedSource
            | RuleId::ConflictingValues
            | RuleId::NegationConflict
            | RuleId::OrderCycle
            | RuleId::StaleDispute
            | RuleId::AcknowledgedDispute => Origin::Check,
        }
    }

    /// Whether a `# kblint-allow` comment can hide its findings. The findings about the
    /// comments and the baseline themselves are to be fixed, not hidden (spec §9).
    pub const fn suppressible(self) -> bool {
        match self.origin() {
            Origin::Parse | Origin::Check => true,
            Origin::Suppress | Origin::Baseline => false,
        }
    }

    /// Whether `kblint baseline` can park its findings (of the levels it parks), for the same
    /// reason as [`RuleId::suppressible`] (spec §10).
    pub const fn baselinable(self) -> bool {
        self.suppressible()
    }

    /// Whether an editor shows its findings as unnecessary code (faded): what they point at can
    /// go.
    pub const fn unnecessary(self) -> bool {
        match self {
            RuleId::UnusedSource
            | RuleId::StaleDispute
            | RuleId::UnusedSuppression
            | RuleId::StaleBaselineEntry => true,
            RuleId::Frontmatter
            | RuleId::Schema
            | RuleId::DuplicateId
            | RuleId::UnresolvedReference
            | RuleId::UnknownProperty
            | RuleId::UncitedClaim
            | RuleId::MissingQuote
            | RuleId::UnknownSource
            | RuleId::QuoteNotFound
            | RuleId::MisattributedQuote
            | RuleId::SourceHashMismatch
            | RuleId::ConflictingValues
            | RuleId::NegationConflict
            | RuleId::OrderCycle
            | RuleId::AcknowledgedDispute
            | RuleId::InvalidSuppression => false,
        }
    }

    /// Whether its findings are contradictions between claims, which a `disputes` link can
    /// acknowledge.
    pub const fn contradiction(self) -> bool {
        matches!(
            self,
            RuleId::ConflictingValues | RuleId::NegationConflict | RuleId::OrderCycle
        )
    }
}

/// Rules sort by name, as every output sorts them.
impl Ord for RuleId {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.name().cmp(other.name())
    }
}

impl PartialOrd for RuleId {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl serde::Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_read_back() {
        for rule in RuleId::ALL {
            assert_eq!(RuleId::from_name(rule.name()), Some(rule));
        }
        assert_eq!(RuleId::from_name("no-such-rule"), None);
    }
}
