use super::declare_rule;
use crate::analysis::Context;
use crate::analysis::citations::Verdict;
use crate::diagnostic::{Diagnostic, Label};

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
    id: MissingQuote,
    default: Warn,
    summary: "a citation has no `quote`",
    needs: [Citations],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for (id, claim) in cx.claims() {
        let file = kb.entries[id.entry].file;
        for cite in &claim.cites {
            if cite.quote.is_none() {
                let source = cite
                    .source
                    .as_ref()
                    .map_or(String::new(), |s| format!(" of `{}`", s.value));
                out.push(
                    Diagnostic::new(
                        RULE.id,
                        format!("citation{source} has no quote"),
                        Label::new(file, cite.span(), "no `quote` here"),
                    )
                    .help("add `quote:` with the words of the source that support the claim"),
                );
            }
        }
    }
    for c in &cx.citations().checked {
        if let Verdict::Empty = c.verdict
            && cx.wants(c.claim.entry)
        {
            let file = kb.entries[c.claim.entry].file;
            let Some(q) = &kb.claim(c.claim).cites[c.cite].quote else {
                continue;
            };
            out.push(
                Diagnostic::new(
                    RULE.id,
                    "the quote is empty",
                    Label::new(file, q.span(), "no words to look for"),
                )
                .help("put the words of the source that support the claim in `quote`"),
            );
        }
    }
}
