use super::declare_rule;
use super::support;
use crate::analysis::Context;
use crate::analysis::contradictions::{self, Conflict, Contradiction};
use crate::diagnostic::Diagnostic;
use crate::vocabulary::Kind;

declare_rule! {
    /// ## What it checks
    ///
    /// Two non-negated claims on the same subject (compared after aliases are resolved) and
    /// property, in one entry or across entries, that cannot both hold:
    ///
    /// - a `single` property with two different values;
    /// - a `multi` property with two values that its `contrary` lists in one group
    ///   (`contrary: [[strategic, tactical]]`); other values of a `multi` property may hold
    ///   together;
    /// - a `quantity` property with two ranges that do not overlap once each is widened by the
    ///   property's `tolerance` on both sides. A number `7` is the range 7 to 7, `{min: 5}` is 5
    ///   or more, and the ends are included: with tolerance 1, `7` and `9` agree (6–8 and 8–10
    ///   touch), `7` and `10` do not.
    ///
    /// Only claims whose times overlap are compared: a claim holds from its `valid_from`
    /// (included) until its `valid_to` (left out), each a date or an RFC 3339 date-time, and a
    /// claim without them holds at all times. So a claim that ends on the day another starts
    /// does not conflict with it. The message names both values (for a quantity, both ranges)
    /// and, when either claim is timed, both periods.
    ///
    /// One finding per pair of claims, at one claim, with the other as a related location; when
    /// one subject and property has more than 50 conflicting pairs, one finding for all of them,
    /// listing each value with how many claims hold it.
    ///
    /// ## Why
    ///
    /// When two claims disagree, a reader cannot tell which one the KB stands behind. Either one
    /// is wrong, or the sources really disagree, and then the KB should say so with `disputes`.
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
    ///     property: orientation
    ///     value: tactical
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: strategic
    ///     text: The role is strategic.
    ///     property: orientation
    ///     value: strategic
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
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
    ///     property: orientation
    ///     value: tactical
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: strategic
    ///     text: The role is strategic.
    ///     property: orientation
    ///     value: strategic
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    ///     disputes: [tactical]
    /// ---
    /// ```
    ///
    /// Claims of different times do not conflict: the first holds until 2024-03-01, the second
    /// from that day on.
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: tactical-until-2024
    ///     text: Until March 2024 the role was tactical.
    ///     property: orientation
    ///     value: tactical
    ///     valid_to: 2024-03-01
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: strategic-since-2024
    ///     text: Since March 2024 the role is strategic.
    ///     property: orientation
    ///     value: strategic
    ///     valid_from: 2024-03-01
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// Contrary values of a `multi` property (`focus` lists `contrary: [[strategic,
    /// tactical]]`):
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: tactical
    ///     text: The role's focus is tactical.
    ///     property: focus
    ///     value: tactical
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: strategic
    ///     text: The role's focus is strategic.
    ///     property: focus
    ///     value: strategic
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// Quantities whose ranges do not overlap (`team-size`, in `people`, tolerance 1):
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: small-team
    ///     text: The role works with a team of three or four.
    ///     property: team-size
    ///     value: {min: 3, max: 4}
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: large-team
    ///     text: The role works with a team of seven.
    ///     property: team-size
    ///     value: 7 people
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: small-team
    ///     text: The role works with a team of five to seven.
    ///     property: team-size
    ///     value: {min: 5, max: 7}
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    ///   - id: large-team
    ///     text: The role works with a team of nine.
    ///     property: team-size
    ///     value: 9
    ///     cites: [{source: guide, quote: "Product managers are more strategic"}]
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Correct the claim that misreads its source; give the claims the times in which they hold
    /// (`valid_from`, `valid_to`) when each was true once; or, when the sources disagree, list
    /// one claim in the other's `disputes` (`{ref: entry#claim, reason: "…"}` records why).
    id: ConflictingValues,
    default: Error,
    summary: "two non-negated claims that hold at overlapping times give a `single` property of the same subject different values, a `multi` property contrary values, or a `quantity` ranges that do not overlap",
    needs: [Contradictions],
    reach: Kb,
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for c in cx.contradictions().unacknowledged(Conflict::Values) {
        if !c.tally.is_empty() {
            out.extend(tallied(cx, c));
            continue;
        }
        let subject = support::subject_of(kb, c);
        let kind = kb
            .vocabulary
            .as_ref()
            .and_then(|v| v.properties.get(&c.property));
        let shown = |id| match (kind.map(|p| p.kind), kb.claim(id).value.as_ref()) {
            (Some(Kind::Quantity), _) => contradictions::range_shown(kb, id),
            (_, Some(v)) => Some(format!("`{}`", v.value)),
            _ => None,
        };
        let with_periods = |id| {
            let claim = kb.claim(id);
            let value = shown(id).unwrap_or_default();
            if c.claims.iter().any(|&o| kb.claim(o).is_timed()) {
                format!("{value} ({})", claim.period())
            } else {
                value
            }
        };
        let values: Vec<String> = c.claims.iter().map(|&id| with_periods(id)).collect();
        let message = match kind {
            Some(p) if p.kind == Kind::Quantity => {
                let tolerance = if p.tolerance > 0.0 {
                    format!(", even widened by the tolerance {}", p.tolerance)
                } else {
                    String::new()
                };
                format!(
                    "`{subject}` has conflicting values for `{}`: {}, ranges that do not overlap{tolerance}",
                    c.property,
                    values.join(" and ")
                )
            }
            Some(p) if p.kind == Kind::Multi => format!(
                "`{subject}` has contrary values for `{}`: {}",
                c.property,
                values.join(" and ")
            ),
            _ => format!(
                "`{subject}` has conflicting values for `{}`: {}",
                c.property,
                values.join(" and ")
            ),
        };
        out.extend(support::finding(kb, RULE.id, c, message).map(|d| {
            d.help("correct one of the claims, or acknowledge the disagreement with `disputes`")
        }));
    }
}

/// A group of more than `PAIR_LIMIT` conflicting pairs: one finding with each value and how many
/// claims hold it.
fn tallied(cx: &Context<'_>, c: &Contradiction) -> Option<Diagnostic> {
    let kb = cx.kb;
    let subject = support::subject_of(kb, c);
    let message = format!(
        "`{subject}` has conflicting values for `{}`: {} ({} pairs of claims)",
        c.property,
        support::tally(&c.tally, |v| format!("`{v}`")),
        c.pairs
    );
    let mut d = support::finding(kb, RULE.id, c, message)?;
    if c.acknowledged_pairs > 0 {
        d = d.note(format!(
            "{} of the pairs are acknowledged with `disputes`",
            c.acknowledged_pairs
        ));
    }
    Some(d.help(
        "correct the claims that misread their sources, or acknowledge the disagreement with `disputes`",
    ))
}
