use super::declare_rule;
use crate::analysis::Context;
use crate::analysis::citations::Verdict;
use crate::diagnostic::{Diagnostic, Label};

declare_rule! {
    /// ## What it checks
    ///
    /// A quote that is not in the source it cites, but appears verbatim (after normalisation)
    /// in another source. The finding names that source and points at the passage.
    ///
    /// ## Why
    ///
    /// Crediting words to the wrong author misrepresents both: the claim seems backed by a
    /// document that never said it.
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
    ///         quote: "Roles overlap in small teams"
    /// ---
    /// ==> kb/sources/other.md <==
    /// ---
    /// id: other
    /// ---
    /// Roles overlap in small teams.
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
    ///       - source: other
    ///         quote: "Roles overlap in small teams"
    /// ---
    /// ==> kb/sources/other.md <==
    /// ---
    /// id: other
    /// ---
    /// Roles overlap in small teams.
    /// ```
    ///
    /// ## How to fix
    ///
    /// Cite the source that holds the quote.
    id: MisattributedQuote,
    default: Error,
    summary: "a quote does not match its source but matches another one",
    needs: [Citations],
    reach: Kb,
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for c in &cx.citations().checked {
        let Verdict::Elsewhere {
            source: other,
            range,
        } = &c.verdict
        else {
            continue;
        };
        let entry = &kb.entries[c.claim.entry];
        let Some(quote) = &kb.claim(c.claim).cites[c.cite].quote else {
            continue;
        };
        let (cited, other) = (&kb.entries[c.source], &kb.entries[*other]);
        let line = kb.files.get(other.file).position(range.start).line;
        let message = format!(
            "quote is not in `{}` but in source `{}` (line {line})",
            cited.id.value, other.id.value
        );
        out.push(
            Diagnostic::new(
                RULE.id,
                message,
                Label::new(
                    entry.file,
                    quote.span(),
                    format!("credited to `{}`", cited.id.value),
                ),
            )
            .related(Label::new(
                other.file,
                range.clone(),
                format!("the quote stands here, in `{}`", other.id.value),
            ))
            .help(format!(
                "cite `{}` instead of `{}`",
                other.id.value, cited.id.value
            )),
        );
    }
}
