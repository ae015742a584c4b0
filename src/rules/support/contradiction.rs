//! The finding of a contradiction (spec §6): at one claim, the others as related locations,
//! each labelled with what it asserts.

use crate::analysis::contradictions::Contradiction;
use crate::diagnostic::{Diagnostic, Label};
use crate::index::{ClaimId, Kb};

/// What a claim asserts, in a few words, for labels: "`po` has `orientation` `tactical`".
pub fn describe(kb: &Kb, id: ClaimId) -> String {
    let claim = kb.claim(id);
    let subject = kb
        .subject(id)
        .map_or("?", |e| kb.entries[e].id.value.as_str());
    let property = claim.property.as_ref().map_or("", |p| p.value.as_str());
    let not = if claim.negated { "not " } else { "" };
    let name = kb.claim_name(id);
    if let Some(v) = &claim.value {
        format!(
            "`{name}` says `{subject}` is {not}`{v}` on `{property}`",
            v = v.value
        )
    } else if let Some(t) = &claim.above {
        format!(
            "`{name}` says `{subject}` is {not}above `{t}` on `{property}`",
            t = t.value
        )
    } else if let Some(t) = &claim.below {
        format!(
            "`{name}` says `{subject}` is {not}below `{t}` on `{property}`",
            t = t.value
        )
    } else {
        format!("`{name}`")
    }
}

/// The finding of rule `rule` for a contradiction: at its last claim, with the others related.
pub fn finding(
    kb: &Kb,
    rule: &'static str,
    c: &Contradiction,
    message: String,
) -> Option<Diagnostic> {
    let label = |id: ClaimId| {
        let entry = &kb.entries[id.entry];
        Label::new(entry.file, kb.claim(id).id.span.clone(), describe(kb, id))
    };
    let (last, others) = c.claims.split_last()?;
    let mut d = Diagnostic::new(rule, message, label(*last));
    for &o in others {
        d = d.related(label(o));
    }
    Some(d)
}
