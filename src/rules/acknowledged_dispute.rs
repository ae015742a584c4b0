use super::declare_rule;
use super::support;
use crate::analysis::Context;
use crate::analysis::contradictions::Conflict;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Lists every contradiction that a `disputes` link acknowledges: a pair of conflicting
    /// values, a claim and its negation, or a circle of rankings, where one claim lists another
    /// in its `disputes`. Off by default; `kblint disputes` (or `--rule
    /// acknowledged-dispute=info`) shows them, with the reason recorded in the link.
    ///
    /// ## Why
    ///
    /// A KB built from sources that disagree should show its readers where they disagree. This
    /// rule turns the recorded disputes into a list, without failing the run.
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
    ///     disputes: [{ref: tactical, reason: "the guide says both"}]
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
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Nothing to fix: it is a list. Turn it on to read it.
    id: AcknowledgedDispute,
    default: Off,
    summary: "a contradiction that a `disputes` link acknowledges (turn it on to list them)",
    needs: [Contradictions],
    reach: Kb,
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for c in cx.contradictions().found.iter().filter(|c| c.acknowledged) {
        let what = match c.conflict {
            Conflict::Values => "conflicting values",
            Conflict::Negation => "a claim and its negation",
            Conflict::Cycle => "a circle of rankings",
        };
        let message = format!("acknowledged dispute on `{}`: {what}", c.property);
        let Some(mut d) = support::finding(kb, RULE.id, c, message) else {
            continue;
        };
        // The claims shown (a circle or a tallied group can hold thousands).
        for &id in c.claims.iter().take(support::SHOWN + 1) {
            let claim = kb.claim(id);
            for cite in &claim.cites {
                if let (Some(s), Some(q)) = (&cite.source, &cite.quote) {
                    d = d.note(format!(
                        "`{}` cites `{}`: \"{}\"",
                        kb.claim_name(id),
                        s.value,
                        q.value
                    ));
                }
            }
            for dispute in &claim.disputes {
                if let Some(reason) = &dispute.reason {
                    d = d.note(format!("reason given by `{}`: {reason}", kb.claim_name(id)));
                }
            }
        }
        out.push(d);
    }
}
