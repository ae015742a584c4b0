use std::collections::HashMap;
use std::ops::Range;

use super::declare_rule;
use super::support::Closest;
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, FileId, Label};
use crate::model::{Bounds, Claim, Text};
use crate::vocabulary::{Kind, Property, Quantity, Vocabulary};

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
    let mut candidates: HashMap<&str, Closest<'_>> = HashMap::new();
    for (_, entry) in cx.entries() {
        let mut found = Found {
            file: entry.file,
            out: &mut *out,
        };
        for claim in &entry.claims {
            let Some(property) = &claim.property else {
                found.without_property(claim);
                continue;
            };
            let Some(def) = kb
                .vocabulary
                .as_ref()
                .and_then(|v| v.properties.get(property.value.as_str()))
            else {
                found.not_in_vocabulary(kb.vocabulary.as_ref(), property);
                continue;
            };
            match def.kind {
                Kind::Single | Kind::Multi => {
                    found.category(def, property, claim, &mut candidates);
                }
                Kind::Quantity => found.quantity(def, property, claim),
                Kind::Order => found.order(property, claim),
            }
        }
    }
}

/// Where the findings about the claims of one file go.
struct Found<'o> {
    file: FileId,
    out: &'o mut Vec<Diagnostic>,
}

impl Found<'_> {
    fn fire(&mut self, span: &Range<usize>, message: String, label: &str, help: String) {
        self.out.push(
            Diagnostic::new(RULE.id, message, Label::new(self.file, span.clone(), label))
                .help(help),
        );
    }

    /// A claim that compares a value with nothing: it has no `property`.
    fn without_property(&mut self, claim: &Claim) {
        for (key, t) in [
            ("value", claim.value.as_ref()),
            ("above", claim.above()),
            ("below", claim.below()),
        ] {
            if let Some(t) = t {
                self.fire(
                    &t.span(),
                    format!("`{key}` without a `property`"),
                    "compared with nothing",
                    "add the `property` this claim is about".into(),
                );
            }
        }
        if let Some(range) = claim.range() {
            self.fire(
                &range.span,
                "`value` without a `property`".into(),
                "compared with nothing",
                "add the `property` this claim is about".into(),
            );
        }
    }

    /// A property that the vocabulary (if there is one) does not declare.
    fn not_in_vocabulary(&mut self, vocabulary: Option<&Vocabulary>, property: &Text) {
        let help = match vocabulary.and_then(|v| {
            super::support::closest(v.properties.keys().map(String::as_str), &property.value)
        }) {
            Some(best) => format!("did you mean `{best}`?"),
            None if vocabulary.is_none() => {
                "declare the property in a vocabulary file, named by `vocabulary` in kblint.toml"
                    .into()
            }
            None => "declare the property in the vocabulary, or use one it declares".into(),
        };
        self.fire(
            &property.span(),
            format!("property `{}` is not in the vocabulary", property.value),
            "unknown property",
            help,
        );
    }

    /// A claim about a `single` or `multi` property: one of its values, and no ranking or
    /// range.
    fn category<'v>(
        &mut self,
        def: &'v Property,
        property: &'v Text,
        claim: &Claim,
        candidates: &mut HashMap<&'v str, Closest<'v>>,
    ) {
        for (key, t) in [("above", claim.above()), ("below", claim.below())] {
            if let Some(t) = t {
                self.fire(
                    &t.span(),
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
        if let Some(range) = claim.range() {
            self.fire(
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
                let closest = candidates
                    .entry(property.value.as_str())
                    .or_insert_with(|| Closest::new(def.values.iter().map(String::as_str)));
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
                self.fire(
                    &v.span(),
                    format!("`{}` is not a value of `{}`", v.value, property.value),
                    "unknown value",
                    help,
                );
            }
            Some(_) => {}
            None if claim.above().is_none()
                && claim.below().is_none()
                && claim.range().is_none() =>
            {
                self.fire(
                    &property.span(),
                    format!("property `{}` needs a `value`", property.value),
                    "no value given",
                    format!("the values are: {}", listed(&def.values)),
                );
            }
            None => {}
        }
    }

    /// A claim about a quantity property: a number or a range in its unit, and no ranking.
    fn quantity(&mut self, def: &Property, property: &Text, claim: &Claim) {
        for (key, t) in [("above", claim.above()), ("below", claim.below())] {
            if let Some(t) = t {
                self.fire(
                    &t.span(),
                    format!(
                        "`{key}` does not fit `{}`, a quantity property",
                        property.value
                    ),
                    "rankings are for order properties",
                    "give a `value` instead: a number or a range `{min: …, max: …}`".into(),
                );
            }
        }
        if let Some(v) = &claim.value
            && let Err(why) = def.quantity(&Quantity::Number(&v.value))
        {
            self.fire(
                &v.span(),
                why,
                "not a quantity of this property",
                quantity_help(def),
            );
        }
        if let Some(range) = claim.range() {
            self.range(def, range);
        }
        if claim.value.is_none()
            && claim.range().is_none()
            && claim.above().is_none()
            && claim.below().is_none()
        {
            self.fire(
                &property.span(),
                format!("quantity `{}` needs a `value`", property.value),
                "no value given",
                quantity_help(def),
            );
        }
    }

    /// A `{min, max}` value of a quantity property: each end a quantity of it, and the range
    /// not empty.
    fn range(&mut self, def: &Property, range: &Bounds) {
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
                self.fire(
                    &t.span(),
                    why,
                    "not a quantity of this property",
                    quantity_help(def),
                );
            }
        }
        if ends_read
            && let Err(why) = def.quantity(&Quantity::Range(
                range.min.as_ref().map(|t| t.value.as_str()),
                range.max.as_ref().map(|t| t.value.as_str()),
            ))
        {
            self.fire(
                &range.span,
                why,
                "an empty range",
                "swap `min` and `max`".into(),
            );
        }
    }

    /// A claim about an order property: `above` or `below` (one of them), and no value.
    fn order(&mut self, property: &Text, claim: &Claim) {
        let value_span = claim
            .value
            .as_ref()
            .map(|v| v.span())
            .or(claim.range().map(|r| r.span.clone()));
        if let Some(span) = value_span {
            self.fire(
                &span,
                format!(
                    "`value` does not fit `{}`, an order property",
                    property.value
                ),
                "orders rank entries",
                "write `above: ENTRY` or `below: ENTRY` instead".into(),
            );
        }
        match (claim.above(), claim.below()) {
            (Some(_), Some(b)) => self.fire(
                &b.span(),
                "a claim ranks with `above` or with `below`, not both".into(),
                "second ranking",
                "split it into two claims".into(),
            ),
            (None, None) if claim.value.is_none() && claim.range().is_none() => self.fire(
                &property.span(),
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

/// How to write a quantity of the property `def`.
fn quantity_help(def: &Property) -> String {
    match &def.unit {
        Some(u) => format!(
            "write a number (`7`), a number of {u} (`7 {u}`) or a range (`{{min: 5, max: 9}}`)"
        ),
        None => "write a number (`7`) or a range (`{min: 5, max: 9}`)".into(),
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
