use super::declare_rule;
use super::support;
use crate::analysis::Context;
use crate::analysis::contradictions::Conflict;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Two non-negated claims give a `single` property of the same subject different values
    /// (subjects compared after aliases are resolved), in one entry or across entries. One
    /// finding per pair of claims, at one claim, with the other as a related location.
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
    name: "conflicting-values",
    default: Error,
    summary: "two non-negated claims give a `single` property of the same subject different values",
    needs: [Contradictions],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for c in cx.contradictions().unacknowledged(Conflict::Values) {
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
        let subject = c
            .claims
            .first()
            .and_then(|&id| kb.subject(id))
            .map_or("?", |e| kb.entries[e].id.value.as_str());
        let message = format!(
            "`{subject}` has conflicting values for `{}`: {}",
            c.property,
            values.join(" and ")
        );
        out.extend(support::finding(kb, RULE.name, c, message).map(|d| {
            d.help("correct one of the claims, or acknowledge the disagreement with `disputes`")
        }));
    }
}
