use super::declare_rule;
use super::support;
use crate::analysis::Context;
use crate::analysis::contradictions::Conflict;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Two claims on the same subject, property and value (or ranking) differ only in
    /// `negated`: one says the subject is `internal`, the other that it is not. Works for every
    /// kind of property; `below` is read as the reverse `above`.
    ///
    /// ## Why
    ///
    /// A claim and its negation cannot both hold.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: internal
    ///     text: The role serves internal stakeholders.
    ///     property: stakeholders
    ///     value: internal
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: not-internal
    ///     text: The role does not serve internal stakeholders.
    ///     property: stakeholders
    ///     value: internal
    ///     negated: true
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: internal
    ///     text: The role serves internal stakeholders.
    ///     property: stakeholders
    ///     value: internal
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: not-external
    ///     text: The role does not serve external stakeholders.
    ///     property: stakeholders
    ///     value: external
    ///     negated: true
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Correct one claim, or acknowledge the disagreement with `disputes`.
    id: NegationConflict,
    default: Error,
    summary: "two claims on the same subject, property and value (or rank) differ only in `negated`",
    needs: [Contradictions],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for c in cx.contradictions().unacknowledged(Conflict::Negation) {
        let message = match c.tally.as_slice() {
            [(_, yes), (_, no)] => format!(
                "a claim and its negation on `{}`: {yes} claims and {no} negations of them ({} pairs)",
                c.property, c.pairs
            ),
            _ => format!("a claim and its negation on `{}`", c.property),
        };
        out.extend(support::finding(kb, RULE.id, c, message).map(|d| {
            d.help("correct one of the claims, or acknowledge the disagreement with `disputes`")
        }));
    }
}
