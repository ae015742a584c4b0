use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, Label};

declare_rule! {
    /// ## What it checks
    ///
    /// Every claim has `cites`: at least one citation of a source.
    ///
    /// ## Why
    ///
    /// A claim is worth only what its evidence proves. Without a citation nobody can check it,
    /// and it cannot be told apart from an opinion.
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
    ///     cites:
    ///       - source: guide
    ///         quote: "Product owners are more tactical"
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Add `cites` with the source and a verbatim quote that supports the claim.
    id: UncitedClaim,
    default: Error,
    summary: "a claim has no `cites`",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for (id, claim) in cx.claims() {
        if claim.cites.is_empty() {
            let file = kb.entries[id.entry].file;
            out.push(
                Diagnostic::new(RULE.id, format!("claim `{}` cites no source", claim.id.value), Label::new(file, claim.id.span(), "this claim has no `cites`"))
                    .help("add `cites: [{source: SOURCE, quote: \"…\"}]` with a verbatim quote that supports the claim"),
            );
        }
    }
}
