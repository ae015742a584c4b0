use super::{declare_rule, support};
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, Label};

declare_rule! {
    /// ## What it checks
    ///
    /// A `disputes` link joins two claims that do not contradict each other (any more): they
    /// are not conflicting values (nor contrary values, nor quantities whose ranges do not
    /// overlap), not a claim and its negation (in `negated` or in words), and not in one circle
    /// of rankings. Claims whose times do not overlap (`valid_from`, `valid_to`) never
    /// contradict, so a dispute between them is stale too.
    ///
    /// ## Why
    ///
    /// A dispute that no longer holds misleads readers, and hides the claims from the
    /// contradiction checks should they change again.
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
    ///   - id: also-tactical
    ///     text: The role is tactical, again.
    ///     property: orientation
    ///     value: tactical
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///     disputes: [tactical]
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
    ///   - id: also-tactical
    ///     text: The role is tactical, again.
    ///     property: orientation
    ///     value: tactical
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    /// ---
    /// ```
    ///
    /// A dispute between claims that no longer hold at the same time:
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: tactical
    ///     text: Until 2024 the role was tactical.
    ///     property: orientation
    ///     value: tactical
    ///     valid_to: 2024-01-01
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: strategic
    ///     text: Since 2024 the role is strategic.
    ///     property: orientation
    ///     value: strategic
    ///     valid_from: 2024-01-01
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    ///     disputes: [tactical]
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Remove the link.
    id: StaleDispute,
    default: Warn,
    summary: "a `disputes` link joins two claims that do not contradict",
    needs: [Contradictions],
    reach: Kb,
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for stale in cx.contradictions().stale_links(kb) {
        let (id, other) = (stale.claim, stale.target);
        let file = kb.entries[id.entry].file;
        let message = format!(
            "`{}` disputes `{}`, but the two claims do not contradict",
            kb.claim_name(id),
            kb.claim_name(other)
        );
        out.push(
            Diagnostic::new(
                RULE.id,
                message,
                Label::new(
                    file,
                    kb.claim(id).id.span(),
                    "this claim lists the other in `disputes`",
                ),
            )
            .related(Label::new(
                kb.entries[other.entry].file,
                kb.claim(other).id.span(),
                support::describe(kb, other),
            ))
            .related(Label::new(file, stale.link.target.span(), "the link"))
            .help("remove the `disputes` link"),
        );
    }
}
