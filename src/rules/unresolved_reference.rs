use super::{declare_rule, support};
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, Label};
use crate::index::EntryId;
use crate::model::Text;

declare_rule! {
    /// ## What it checks
    ///
    /// Every reference names something that exists: `related`, a claim's `subject`, `above`
    /// and `below` name an entry (by id or alias), and `disputes` names a claim, as
    /// `entry#claim` or as the bare id of a claim of the same entry.
    ///
    /// ## Why
    ///
    /// A broken reference is a dead link for readers, and a claim whose subject names no entry
    /// cannot be compared with the others, so its contradictions would go unseen.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// related: [no-such-entry]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// related: [guide]
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Correct the name, or create the entry (or claim) it means.
    id: UnresolvedReference,
    default: Error,
    summary: "a `subject`, `related`, `above`, `below` or `disputes` reference names no entry or claim",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    // Every entry id, indexed for suggestions on first need.
    let ids = std::cell::OnceCell::new();
    let ids = || {
        ids.get_or_init(|| support::Closest::new(kb.entries.iter().map(|e| e.id.value.as_str())))
    };
    let suggest = |name: &str| suggest(ids(), name);
    for (n, entry) in cx.entries() {
        let missing_entry = |key: &str, t: &Text, out: &mut Vec<Diagnostic>| {
            if kb.entry(&t.value).is_none() {
                out.push(
                    Diagnostic::new(
                        RULE.id,
                        format!("`{key}` names no entry: `{}`", t.value),
                        Label::new(entry.file, t.span(), "no entry has this id or alias"),
                    )
                    .help(suggest(&t.value)),
                );
            }
        };
        for r in &entry.related {
            missing_entry("related", r, out);
        }
        for claim in &entry.claims {
            for (key, t) in [
                ("subject", claim.subject()),
                ("above", claim.above()),
                ("below", claim.below()),
            ] {
                if let Some(t) = t {
                    missing_entry(key, t, out);
                }
            }
            for d in &claim.disputes {
                // The claims of an entry whose frontmatter cannot be read are unknown: its
                // syntax error is the finding.
                let in_unreadable = d
                    .target
                    .value
                    .rsplit_once('#')
                    .and_then(|(e, _)| kb.entry(e))
                    .is_some_and(|e| kb.entries[e].unreadable);
                if !in_unreadable && kb.claim_ref(n, &d.target.value).is_none() {
                    out.push(
                        Diagnostic::new(
                            RULE.id,
                            format!("`disputes` names no claim: `{}`", d.target.value),
                            Label::new(entry.file, d.target.span(), "no claim has this name"),
                        )
                        .help(suggest_claim(kb, n, &d.target.value, ids())),
                    );
                }
            }
        }
    }
}

/// Help for a `disputes` reference that names no claim: the nearest `entry#claim` (or bare claim
/// id) when there is a likely typo in either part.
fn suggest_claim(
    kb: &crate::index::Kb,
    from: EntryId,
    reference: &str,
    ids: &support::Closest<'_>,
) -> String {
    const HOW: &str = "write `entry#claim`, or the bare id of a claim of this entry";
    let (entry, claim) = match reference.rsplit_once('#') {
        Some((entry, claim)) => match kb.entry(entry).map(|e| (e, entry)).or_else(|| {
            let near = ids.find(entry)?;
            Some((kb.entry(near)?, near))
        }) {
            Some(found) => (Some(found), claim),
            None => return format!("no entry is called `{entry}`; {HOW}"),
        },
        None => (None, reference),
    };
    let target = entry.map_or(from, |(e, _)| e);
    let claims = support::Closest::new(
        kb.entries[target]
            .claims
            .iter()
            .map(|c| c.id.value.as_str()),
    );
    let exact = |c: &str| kb.entries[target].claims.iter().any(|x| x.id.value == c);
    let best = if exact(claim) {
        Some(claim)
    } else {
        claims.find(claim)
    };
    match (best, entry) {
        (Some(best), Some((_, name))) => format!("did you mean `{name}#{best}`?"),
        (Some(best), None) => format!("did you mean `{best}`?"),
        (None, Some((_, name))) => format!("entry `{name}` has no claim `{claim}`; {HOW}"),
        (None, None) => HOW.to_string(),
    }
}

fn suggest(ids: &support::Closest<'_>, name: &str) -> String {
    match ids.find(name) {
        Some(best) => format!("did you mean `{best}`?"),
        None => "name an existing entry by its id or one of its aliases".into(),
    }
}
