use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, Label};

declare_rule! {
    /// ## What it checks
    ///
    /// Every source is cited by at least one citation (by id or alias).
    ///
    /// ## Why
    ///
    /// A snapshot nobody cites is dead weight, or a sign that the citations meant it but name
    /// another id.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/sources/other.md <==
    /// ---
    /// id: other
    /// ---
    /// Roles overlap in small teams.
    /// ```
    ///
    /// ```md passes
    /// ==> kb/sources/other.md <==
    /// ---
    /// id: other
    /// ---
    /// Roles overlap in small teams.
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: overlap
    ///     text: Roles overlap in small teams.
    ///     cites:
    ///       - source: other
    ///         quote: "Roles overlap in small teams"
    ///   - id: tactical
    ///     text: The product owner is tactical.
    ///     cites:
    ///       - source: guide
    ///         quote: "Product owners are more tactical"
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Cite the source where it supports a claim, or remove it.
    id: UnusedSource,
    default: Warn,
    summary: "no citation names the source",
    needs: [Citations],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let uses = &cx.citations().uses;
    for (n, entry) in cx.entries() {
        // A source whose frontmatter cannot be read has its syntax error as its one finding.
        if entry.is_source && !entry.unreadable && !uses.contains_key(&n) {
            out.push(
                Diagnostic::new(
                    RULE.id,
                    format!("source `{}` is never cited", entry.id.value),
                    Label::new(entry.file, entry.id.span(), "no citation names this source"),
                )
                .help("cite it where it supports a claim, or remove it"),
            );
        }
    }
}
