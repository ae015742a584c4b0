use std::collections::HashMap;

use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, Label};
use crate::vocabulary::{Kind, Quantity};

declare_rule! {
    /// ## What it checks
    ///
    /// A claim's `property` is declared in the vocabulary, its `value` is one of the property's
    /// values, and the claim's form fits the property's kind: `single` and `multi` properties
    /// take a `value`; `order` properties take `above` or `below` (an entry), never a `value`.
    /// A `value`, `above` or `below` without a `property` fires too.
    ///
    /// A `quantity` property takes a `value` that is a number (`7`, `2.5`), a number with the
    /// property's `unit` (`7 people`), or a range `{min: 5, max: 9}` (either end may be left
    /// out, each end a number or a number with the unit). A value in another unit (`7 days`
    /// for a property in `people`), a unit where the property declares none, anything else that
    /// is not a number, and a range whose `min` is above its `max` fire, at the value.
    ///
    /// ## Why
    ///
    /// Contradictions are found by comparing claims on the same property. A misspelt property
    /// or value is never compared with anything, so a real disagreement would go unseen.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: salary
    ///     text: The role is well paid.
    ///     property: salary-band
    ///     value: high
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: orientation
    ///     text: The role is tactical.
    ///     property: orientation
    ///     value: tactical
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    /// ---
    /// ```
    ///
    /// A quantity in another unit than its property's (`team-size` is in `people`):
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: team
    ///     text: The role works with a team of seven.
    ///     property: team-size
    ///     value: 7 teams
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: team
    ///     text: The role works with a team of five to nine.
    ///     property: team-size
    ///     value: {min: 5 people, max: 9}
    ///     cites: [{source: guide, quote: "Product owners are more tactical"}]
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Use a property and value that the vocabulary declares, or declare them there. Write a
    /// quantity in its property's unit.
    id: UnknownProperty,
    default: Error,
    summary: "a claim's property or value is not in the vocabulary, or does not fit the property's kind",
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    // "Did you mean" candidates, built once per property (a vocabulary can be large).
    let mut candidates: HashMap<&str, super::support::Closest<'_>> = HashMap::new();
    for (_, entry) in cx.entries() {
        let file = entry.file;
        for claim in &entry.claims {
            let mut fire =
                |span: &std::ops::Range<usize>, message: String, label: &str, help: String| {
                    out.push(
                        Diagnostic::new(RULE.id, message, Label::new(file, span.clone(), label))
                            .help(help),
                    );
                };
            let Some(property) = &claim.property else {
                for (key, t) in [
                    ("value", &claim.value),
                    ("above", &claim.above),
                    ("below", &claim.below),
                ] {
                    if let Some(t) = t {
                        fire(
                            &t.span,
                            format!("`{key}` without a `property`"),
                            "compared with nothing",
                            "add the `property` this claim is about".into(),
                        );
                    }
                }
                if let Some(range) = &claim.range {
                    fire(
                        &range.span,
                        "`value` without a `property`".into(),
                        "compared with nothing",
                        "add the `property` this claim is about".into(),
                    );
                }
                continue;
            };
            let Some(def) = kb
                .vocabulary
                .as_ref()
                .and_then(|v| v.properties.get(&property.value))
            else {
                let help = match kb.vocabulary.as_ref().and_then(|v| super::support::closest(v.properties.keys().map(String::as_str), &property.value)) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None if kb.vocabulary.is_none() => "declare the property in a vocabulary file, named by `vocabulary` in kblint.toml".into(),
                    None => "declare the property in the vocabulary, or use one it declares".into(),
                };
                fire(
                    &property.span,
                    format!("property `{}` is not in the vocabulary", property.value),
                    "unknown property",
                    help,
                );
                continue;
            };
            match def.kind {
                Kind::Single | Kind::Multi => {
                    for (key, t) in [("above", &claim.above), ("below", &claim.below)] {
                        if let Some(t) = t {
                            fire(
                                &t.span,
                                format!(
                                    "`{key}` does not fit `{}`, a {} property",
                                    property.value,
                                    def.kind.as_str()
                                ),
                                "rankings are for order properties",
                                "give a `value` instead".into(),
                            );
                        }
                    }
                    if let Some(range) = &claim.range {
                        fire(
                            &range.span,
                            format!(
                                "a range does not fit `{}`, a {} property",
                                property.value,
                                def.kind.as_str()
                            ),
                            "ranges are for quantity properties",
                            format!("the values are: {}", listed(&def.values)),
                        );
                    }
                    match &claim.value {
                        Some(v) if !def.has(&v.value) => {
                            let closest =
                                candidates
                                    .entry(property.value.as_str())
                                    .or_insert_with(|| {
                                        super::support::Closest::new(
                                            def.values.iter().map(String::as_str),
                                        )
                                    });
                            let help = match closest.find(&v.value) {
                                Some(best) => format!(
                                    "did you mean `{best}`? the values are: {}",
                                    listed(&def.values)
                                ),
                                None => format!(
                                    "the values of `{}` are: {}",
                                    property.value,
                                    listed(&def.values)
                                ),
                            };
                            fire(
                                &v.span,
                                format!("`{}` is not a value of `{}`", v.value, property.value),
                                "unknown value",
                                help,
                            );
                        }
                        Some(_) => {}
                        None if claim.above.is_none()
                            && claim.below.is_none()
                            && claim.range.is_none() =>
                        {
                            fire(
                                &property.span,
                                format!("property `{}` needs a `value`", property.value),
                                "no value given",
                                format!("the values are: {}", listed(&def.values)),
                            );
                        }
                        None => {}
                    }
                }
                Kind::Quantity => {
                    for (key, t) in [("above", &claim.above), ("below", &claim.below)] {
                        if let Some(t) = t {
                            fire(
                                &t.span,
                                format!(
                                    "`{key}` does not fit `{}`, a quantity property",
                                    property.value
                                ),
                                "rankings are for order properties",
                                "give a `value` instead: a number or a range `{min: …, max: …}`"
                                    .into(),
                            );
                        }
                    }
                    let help = || match &def.unit {
                        Some(u) => format!(
                            "write a number (`7`), a number of {u} (`7 {u}`) or a range (`{{min: 5, max: 9}}`)"
                        ),
                        None => "write a number (`7`) or a range (`{min: 5, max: 9}`)".into(),
                    };
                    if let Some(v) = &claim.value
                        && let Err(why) = def.quantity(&Quantity::Number(&v.value))
                    {
                        fire(&v.span, why, "not a quantity of this property", help());
                    }
                    if let Some(range) = &claim.range {
                        let mut ends_read = true;
                        for (end, quantity) in [
                            (
                                &range.min,
                                range
                                    .min
                                    .as_ref()
                                    .map(|t| Quantity::Range(Some(&t.value), None)),
                            ),
                            (
                                &range.max,
                                range
                                    .max
                                    .as_ref()
                                    .map(|t| Quantity::Range(None, Some(&t.value))),
                            ),
                        ] {
                            if let (Some(t), Some(q)) = (end, quantity)
                                && let Err(why) = def.quantity(&q)
                            {
                                ends_read = false;
                                fire(&t.span, why, "not a quantity of this property", help());
                            }
                        }
                        if ends_read
                            && let Err(why) = def.quantity(&Quantity::Range(
                                range.min.as_ref().map(|t| t.value.as_str()),
                                range.max.as_ref().map(|t| t.value.as_str()),
                            ))
                        {
                            fire(
                                &range.span,
                                why,
                                "an empty range",
                                "swap `min` and `max`".into(),
                            );
                        }
                    }
                    if claim.value.is_none()
                        && claim.range.is_none()
                        && claim.above.is_none()
                        && claim.below.is_none()
                    {
                        fire(
                            &property.span,
                            format!("quantity `{}` needs a `value`", property.value),
                            "no value given",
                            help(),
                        );
                    }
                }
                Kind::Order => {
                    let value_span = claim
                        .value
                        .as_ref()
                        .map(|v| &v.span)
                        .or(claim.range.as_ref().map(|r| &r.span));
                    if let Some(span) = value_span {
                        fire(
                            span,
                            format!(
                                "`value` does not fit `{}`, an order property",
                                property.value
                            ),
                            "orders rank entries",
                            "write `above: ENTRY` or `below: ENTRY` instead".into(),
                        );
                    }
                    match (&claim.above, &claim.below) {
                        (Some(_), Some(b)) => fire(
                            &b.span,
                            "a claim ranks with `above` or with `below`, not both".into(),
                            "second ranking",
                            "split it into two claims".into(),
                        ),
                        (None, None) if claim.value.is_none() && claim.range.is_none() => fire(
                            &property.span,
                            format!(
                                "order property `{}` needs `above` or `below`",
                                property.value
                            ),
                            "no ranking given",
                            "write `above: ENTRY` or `below: ENTRY`".into(),
                        ),
                        _ => {}
                    }
                }
            }
        }
    }
}

/// The most values a help line lists.
const LISTED: usize = 30;

/// The property's values for a help line: `a, b, c`, or the first [`LISTED`] and how many more.
fn listed(values: &[String]) -> String {
    let shown = values[..values.len().min(LISTED)].join(", ");
    if values.len() > LISTED {
        format!("{shown} and {} more", values.len() - LISTED)
    } else {
        shown
    }
}
