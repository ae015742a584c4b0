//! The finding of a contradiction (spec §6): at one claim, the others as related locations,
//! each labelled with what it asserts.

use crate::analysis::contradictions::{self, Contradiction};
use crate::diagnostic::{Diagnostic, Label, RuleId};
use crate::index::{ClaimId, Kb};

/// What a claim asserts, in a few words, for labels: "`po` has `orientation` `tactical`".
/// The most related claims one contradiction's finding shows (a circle or a tallied group can
/// hold thousands).
pub const SHOWN: usize = 20;

pub fn describe(kb: &Kb, id: ClaimId) -> String {
    described(kb, id, false)
}

/// [`describe`], and for a claim without property (`words`) its text.
fn described(kb: &Kb, id: ClaimId, words: bool) -> String {
    let claim = kb.claim(id);
    let subject = kb
        .subject(id)
        .map_or("?", |e| kb.entries[e].id.value.as_str());
    let property = claim.property.as_ref().map_or("", |p| p.value.as_str());
    let not = if claim.negated { "not " } else { "" };
    let name = kb.claim_name(id);
    let said = if let Some(range) = contradictions::range_shown(kb, id) {
        format!("`{name}` says `{subject}` has {not}{range} on `{property}`")
    } else if let Some(v) = &claim.value {
        format!(
            "`{name}` says `{subject}` is {not}`{v}` on `{property}`",
            v = v.value
        )
    } else if let Some(t) = claim.above() {
        format!(
            "`{name}` says `{subject}` is {not}above `{t}` on `{property}`",
            t = t.value
        )
    } else if let Some(t) = claim.below() {
        format!(
            "`{name}` says `{subject}` is {not}below `{t}` on `{property}`",
            t = t.value
        )
    } else if words && let Some(text) = &claim.text {
        format!("`{name}` says \"{}\"", shortened(text))
    } else {
        format!("`{name}`")
    };
    if claim.is_timed() {
        format!("{said}, {}", claim.period())
    } else {
        said
    }
}

/// The periods of a pair's claims for its message, ` (from 2024-01-01, and at all times)`; empty
/// when neither says when it holds.
pub fn periods(kb: &Kb, c: &Contradiction) -> String {
    if c.claims.len() != 2 || !c.claims.iter().any(|&id| kb.claim(id).is_timed()) {
        return String::new();
    }
    let periods: Vec<String> = c.claims.iter().map(|&id| kb.claim(id).period()).collect();
    format!(" ({})", periods.join(" and "))
}

/// A claim's text for a message: at most 80 characters.
pub fn shortened(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(80) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// The id of the entry a contradiction is about (`?` when its subject names no entry).
pub fn subject_of<'a>(kb: &'a Kb, c: &Contradiction) -> &'a str {
    c.claims
        .first()
        .and_then(|&id| kb.subject(id))
        .map_or("?", |e| kb.entries[e].id.value.as_str())
}

/// The finding of rule `rule` for a contradiction: at its last claim, with the others related.
pub fn finding(kb: &Kb, rule: RuleId, c: &Contradiction, message: String) -> Option<Diagnostic> {
    let label = |id: ClaimId| {
        let entry = &kb.entries[id.entry];
        Label::new(
            entry.file,
            kb.claim(id).id.span(),
            described(kb, id, c.in_words()),
        )
    };
    let (last, others) = c.claims.split_last()?;
    let mut d = Diagnostic::new(rule, message, label(*last));
    for &o in others.iter().take(SHOWN) {
        d = d.related(label(o));
    }
    if others.len() > SHOWN {
        d = d.note(format!(
            "and {} more claims, not shown",
            others.len() - SHOWN
        ));
    }
    Some(d)
}

/// The most values a tallied group's message lists.
const TALLIED: usize = 10;

/// `a` (3 claims), `b` (1 claim) and 2 more values (4 claims)
pub fn tally(tally: &[(String, usize)], show: impl Fn(&str) -> String) -> String {
    let claims = |n: usize| format!("{n} claim{}", if n == 1 { "" } else { "s" });
    let mut parts: Vec<String> = tally
        .iter()
        .take(TALLIED)
        .map(|(v, n)| format!("{} ({})", show(v), claims(*n)))
        .collect();
    if tally.len() > TALLIED {
        let rest: usize = tally[TALLIED..].iter().map(|(_, n)| n).sum();
        parts.push(format!(
            "{} more values ({})",
            tally.len() - TALLIED,
            claims(rest)
        ));
    }
    parts.join(", ")
}
