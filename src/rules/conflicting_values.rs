use super::declare_rule;
use super::support;
use crate::analysis::Context;
use crate::analysis::contradictions::{Conflict, Contradiction};
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Two non-negated claims give a `single` property of the same subject different values
    /// (subjects compared after aliases are resolved), in one entry or across entries. One
    /// finding per pair of claims, at one claim, with the other as a related location; when one
    /// subject and property has more than 50 conflicting pairs, one finding for all of them,
    /// listing each value with how many claims hold it.
    ///
    /// ## Why
    ///
    /// A `single` property holds one value per subject. When two claims disagree, a reader
    /// cannot tell which one the KB stands behind. Either one is wrong, or the sources really
    /// disagree, and then the KB should say so with `disputes`.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: tactical
    ///     text: The role is tactical.
    ///     property: orientation
    ///     value: tactical
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: strategic
    ///     text: The role is strategic.
    ///     property: orientation
    ///     value: strategic
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: tactical
    ///     text: The role is tactical.
    ///     property: orientation
    ///     value: tactical
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: strategic
    ///     text: The role is strategic.
    ///     property: orientation
    ///     value: strategic
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    ///     disputes: [tactical]
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Correct the claim that misreads its source; or, when the sources disagree, list one
    /// claim in the other's `disputes` (`{ref: entry#claim, reason: "…"}` records why).
    id: ConflictingValues,
    default: Error,
    summary: "two non-negated claims give a `single` property of the same subject different values",
    needs: [Contradictions],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for c in cx.contradictions().unacknowledged(Conflict::Values) {
        if !c.tally.is_empty() {
            out.extend(tallied(cx, c));
            continue;
        }
        let values: Vec<String> = c
            .claims
            .iter()
            .filter_map(|&id| {
                kb.claim(id)
                    .value
                    .as_ref()
                    .map(|v| format!("`{}`", v.value))
            })
            .collect();
        let subject = support::subject_of(kb, c);
        let message = format!(
            "`{subject}` has conflicting values for `{}`: {}",
            c.property,
            values.join(" and ")
        );
        out.extend(support::finding(kb, RULE.id, c, message).map(|d| {
            d.help("correct one of the claims, or acknowledge the disagreement with `disputes`")
        }));
    }
}

/// A group of more than `PAIR_LIMIT` conflicting pairs: one finding with each value and how many
/// claims hold it.
fn tallied(cx: &Context<'_>, c: &Contradiction) -> Option<Diagnostic> {
    let kb = cx.kb;
    let subject = support::subject_of(kb, c);
    let message = format!(
        "`{subject}` has conflicting values for `{}`: {} ({} pairs of claims)",
        c.property,
        support::tally(&c.tally, |v| format!("`{v}`")),
        c.pairs
    );
    let mut d = support::finding(kb, RULE.id, c, message)?;
    if c.acknowledged_pairs > 0 {
        d = d.note(format!(
            "{} of the pairs are acknowledged with `disputes`",
            c.acknowledged_pairs
        ));
    }
    Some(d.help(
        "correct the claims that misread their sources, or acknowledge the disagreement with `disputes`",
    ))
}
