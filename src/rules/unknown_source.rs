use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, Label};

declare_rule! {
    /// ## What it checks
    ///
    /// A citation's `source` names a source: an entry (by id or alias) of a collection with
    /// `sources = true`. A citation without `source` fires too.
    ///
    /// ## Why
    ///
    /// A quote can only be verified against a snapshot of the document it comes from.
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
    ///       - source: giude
    ///         quote: "Product owners are more tactical"
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
    /// Correct the id, or add the document as a source snapshot.
    id: UnknownSource,
    default: Error,
    summary: "a citation's `source` names no source",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    let sources = || {
        kb.entries
            .iter()
            .filter(|e| e.is_source)
            .map(|e| e.id.value.as_str())
    };
    // The source ids, indexed for suggestions on first need.
    let index = std::cell::OnceCell::new();
    for (id, claim) in cx.claims() {
        let file = kb.entries[id.entry].file;
        for cite in &claim.cites {
            let Some(name) = &cite.source else {
                out.push(
                    Diagnostic::new(
                        RULE.id,
                        "citation has no `source`",
                        Label::new(file, cite.span(), "no `source` here"),
                    )
                    .help("add `source:` with the id of the source the quote comes from"),
                );
                continue;
            };
            if kb.source(&name.value).is_some() {
                continue;
            }
            let (message, help) = match kb.entry(&name.value) {
                Some(e) => (
                    format!("`{}` is an entry, not a source", name.value),
                    format!(
                        "`{}` is not in a collection with `sources = true`; cite the source snapshot instead",
                        kb.files.get(kb.entries[e].file).path
                    ),
                ),
                None => (
                    format!("unknown source `{}`", name.value),
                    match index
                        .get_or_init(|| super::support::Closest::new(sources()))
                        .find(&name.value)
                    {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => "add the document as a source snapshot, or cite an existing source"
                            .into(),
                    },
                ),
            };
            out.push(
                Diagnostic::new(
                    RULE.id,
                    message,
                    Label::new(file, name.span(), "no source has this id"),
                )
                .help(help),
            );
        }
    }
}
