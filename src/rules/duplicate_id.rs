use std::collections::HashMap;

use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, Label};
use crate::model::Text;

declare_rule! {
    /// ## What it checks
    ///
    /// Entry ids are unique across the whole KB, and an alias never collides with another
    /// entry's id or alias. The finding points at the second name (in path order) and shows the
    /// first. An entry without an `id` key has the id given by its path. Claim ids are unique
    /// within their entry: a second claim with the same id is reported the same way.
    ///
    /// While the clash stands, a reference to the name resolves to the entry whose id it is (an
    /// id wins over an alias), the first in path order; the finding says which. A claim
    /// reference `id#claim` is looked for in every entry that declares the id, so it does not
    /// break because the claim is in the other file.
    ///
    /// ## Why
    ///
    /// References name entries by id or alias; a name held twice makes them ambiguous.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/a.md <==
    /// ---
    /// id: example
    /// ---
    /// ==> kb/entries/b.md <==
    /// ---
    /// id: example
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/a.md <==
    /// ---
    /// id: example
    /// ---
    /// ==> kb/entries/b.md <==
    /// ---
    /// id: another-example
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Rename one of the two, and update the references that meant it.
    id: DuplicateId,
    default: Error,
    summary: "two entries share an id, or an alias collides with another entry's id or alias",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    claim_ids(cx, out);
    for (n, entry) in cx.entries() {
        let names =
            std::iter::once((&entry.id, false)).chain(entry.aliases.iter().map(|a| (a, true)));
        for (name, is_alias) in names {
            // The entry that declares the name first, in path order, and where it does.
            let first = kb
                .declarers(&name.value)
                .and_then(|d| d.first())
                .and_then(|&m| {
                    let e = &kb.entries[m];
                    std::iter::once((&e.id, false))
                        .chain(e.aliases.iter().map(|a| (a, true)))
                        .find(|(t, _)| t.value == name.value)
                        .map(|(t, alias)| (m, t, alias))
                });
            match first {
                None => {}
                Some((m, _, _)) if m == n => {} // an entry may repeat its own id as an alias
                Some((m, earlier, earlier_alias)) => {
                    let kind = |alias: bool| if alias { "alias" } else { "id" };
                    let other = &kb.entries[m];
                    let message = format!(
                        "{} `{}` is already the {} of `{}`",
                        kind(is_alias),
                        name.value,
                        kind(earlier_alias),
                        kb.files.get(other.file).path
                    );
                    // Ids before aliases, then path order: which entry the name stands for.
                    let owner = kb.entry(&name.value).map_or(m, |e| e);
                    let note = format!(
                        "references to `{}` resolve to `{}`{}",
                        name.value,
                        kb.files.get(kb.entries[owner].file).path,
                        if owner == n {
                            ""
                        } else {
                            ", not to this entry"
                        }
                    );
                    out.push(
                        Diagnostic::new(RULE.id, message, Label::new(entry.file, name.span(), format!("{} declared again here", kind(is_alias))))
                            .related(Label::new(other.file, earlier.span(), format!("first declared here, as {}", kind(earlier_alias))))
                            .note(note)
                            .help("give each entry its own id; aliases must not repeat another entry's id or alias"),
                    );
                }
            }
        }
    }
}

/// Claim ids are unique within their entry: a second claim with an id already used there.
fn claim_ids(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    for (_, entry) in cx.entries() {
        let mut first: HashMap<&str, &Text> = HashMap::with_capacity(entry.claims.len());
        for claim in &entry.claims {
            match first.get(claim.id.value.as_str()) {
                None => {
                    first.insert(&claim.id.value, &claim.id);
                }
                Some(earlier) => out.push(
                    Diagnostic::new(
                        RULE.id,
                        format!(
                            "claim id `{}` is already used in entry `{}`",
                            claim.id.value, entry.id.value
                        ),
                        Label::new(entry.file, claim.id.span(), "claim id declared again here"),
                    )
                    .related(Label::new(entry.file, earlier.span(), "first declared here"))
                    .help("give each claim of an entry its own id: `disputes` and `entry#claim` references name claims by it"),
                ),
            }
        }
    }
}
