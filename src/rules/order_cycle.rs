use super::declare_rule;
use super::support;
use crate::analysis::Context;
use crate::analysis::contradictions::Conflict;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// The non-negated `above`/`below` claims of an `order` property rank subjects in a circle:
    /// A above B above … above A (a subject ranked above itself included). One finding per
    /// circle (a strongly connected component of the "ranks above" graph), listing every claim
    /// that ranks one of its subjects above another. Rankings that say when they hold
    /// (`valid_from` included, `valid_to` left out) form a circle only when all of them hold at
    /// one moment: "A above B until 2020" and "B above A from 2020" do not.
    ///
    /// ## Why
    ///
    /// An order cannot loop: at least one of the rankings is wrong, or the sources disagree.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: above
    ///     text: The example ranks above the other in seniority.
    ///     property: seniority
    ///     above: other
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    /// ---
    /// ==> kb/entries/other.md <==
    /// ---
    /// id: other
    /// claims:
    ///   - id: above
    ///     text: The other ranks above the example in seniority.
    ///     property: seniority
    ///     above: example
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: above
    ///     text: The example ranks above the other in seniority.
    ///     property: seniority
    ///     above: other
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    /// ---
    /// ==> kb/entries/other.md <==
    /// ---
    /// id: other
    /// claims:
    ///   - id: below
    ///     text: The other ranks below the example in seniority.
    ///     property: seniority
    ///     below: example
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Correct the ranking that misreads its source, or acknowledge the disagreement by listing
    /// one claim of the circle in another's `disputes`.
    id: OrderCycle,
    default: Error,
    summary: "the non-negated above/below claims of an `order` property rank subjects in a circle",
    needs: [Contradictions],
    reach: Kb,
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for c in cx.contradictions().unacknowledged(Conflict::Cycle) {
        let mut subjects: Vec<&str> = c
            .claims
            .iter()
            .flat_map(|&id| {
                let claim = kb.claim(id);
                let subject = kb.subject(id).map(|e| kb.entries[e].id.value.as_str());
                let target = claim
                    .above()
                    .or(claim.below())
                    .and_then(|t| kb.entry(&t.value))
                    .map(|e| kb.entries[e].id.value.as_str());
                [subject, target]
            })
            .flatten()
            .collect();
        subjects.sort_unstable();
        subjects.dedup();
        // A circle of thousands of subjects names the first few of them.
        let mut names: Vec<String> = subjects
            .iter()
            .take(support::SHOWN)
            .map(|s| format!("`{s}`"))
            .collect();
        if subjects.len() > support::SHOWN {
            names.push(format!("{} more subjects", subjects.len() - support::SHOWN));
        }
        let message = format!(
            "the rankings on `{}` form a circle through {}",
            c.property,
            names.join(", ")
        );
        out.extend(
            support::finding(kb, RULE.id, c, message)
                .map(|d| d.help("an order cannot loop: correct one ranking, or acknowledge the disagreement with `disputes`")),
        );
    }
}
