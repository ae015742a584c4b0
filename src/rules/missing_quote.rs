use super::declare_rule;
use crate::citations::Outcome;
use crate::diagnostic::{Diagnostic, Label};
use crate::index::Kb;

declare_rule! {
    /// ## What it checks
    ///
    /// Every citation has a `quote`: the words of the source that support the claim. A quote
    /// that is empty, or holds only an ellipsis, counts as missing.
    ///
    /// ## Why
    ///
    /// Without a quote the citation cannot be verified: kblint cannot tell whether the source
    /// says what the claim says.
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
    ///     cites:
    ///       - source: guide
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
    /// Copy the sentence that supports the claim from the source into `quote`.
    name: "missing-quote",
    default: Warn,
    summary: "a citation has no `quote`",
    check: check,
}

fn check(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for (id, claim) in kb.all_claims() {
        let file = kb.entries[id.entry].file;
        for cite in &claim.cites {
            if cite.quote.is_none() {
                let source = cite
                    .source
                    .as_ref()
                    .map_or(String::new(), |s| format!(" of `{}`", s.value));
                out.push(
                    Diagnostic::new(
                        &RULE,
                        format!("citation{source} has no quote"),
                        Label::new(file, cite.span.clone(), "no `quote` here"),
                    )
                    .help("add `quote:` with the words of the source that support the claim"),
                );
            }
        }
    }
    for c in &kb.citations().checked {
        if let Outcome::Empty = c.outcome {
            let file = kb.entries[c.claim.entry].file;
            let Some(q) = &kb.claim(c.claim).cites[c.cite].quote else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    &RULE,
                    "the quote is empty",
                    Label::new(file, q.span.clone(), "no words to look for"),
                )
                .help("put the words of the source that support the claim in `quote`"),
            );
        }
    }
}
