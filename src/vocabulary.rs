//! The vocabulary file: the properties that claims may use (spec §4). A malformed vocabulary
//! is a configuration error, reported with its file and line.

use std::collections::{BTreeMap, HashMap, HashSet};

use anyhow::{Result, bail};

use crate::config::Settings;
use crate::diagnostic::File;
use crate::frontmatter::{Node, Value, yaml};
use crate::tree::Tree;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One value per subject: two different values contradict.
    Single,
    /// Several values may hold at once: only a negation contradicts.
    Multi,
    /// Claims rank subjects with `above`/`below`: a cycle contradicts.
    Order,
    /// A number or a range, with an optional unit: ranges that do not overlap contradict.
    Quantity,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multi => "multi",
            Kind::Order => "order",
            Kind::Quantity => "quantity",
        }
    }
}

#[derive(Debug)]
pub struct Property {
    pub kind: Kind,
    /// In the order the vocabulary lists them.
    pub values: Vec<String>,
    /// The same values, to look one up in constant time (a vocabulary can list 100,000s).
    known: HashSet<String>,
    /// A `quantity`'s unit (`people`), which a value may name after its number.
    pub unit: Option<String>,
    /// A `quantity`'s tolerance: how far each value's range is widened before two are compared.
    pub tolerance: f64,
    /// A `multi` property's values that cannot hold together: each value's contraries.
    contrary: HashMap<String, HashSet<String>>,
    /// Other words for a value (`synonyms: {tactical: [detail-oriented]}`), which
    /// `kblint claims suggest` looks for in free-text claims.
    pub synonyms: BTreeMap<String, Vec<String>>,
}

impl Property {
    /// Whether `value` is one of the property's values.
    pub fn has(&self, value: &str) -> bool {
        self.known.contains(value)
    }

    /// Whether the vocabulary lists `a` and `b` as values that cannot hold together.
    pub fn contrary(&self, a: &str, b: &str) -> bool {
        self.contrary.get(a).is_some_and(|c| c.contains(b))
    }

    /// The values that cannot hold together with `value`.
    pub fn contraries(&self, value: &str) -> impl Iterator<Item = &str> {
        self.contrary
            .get(value)
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// A quantity's value read as a closed range `[min, max]` (a number is the range of one
    /// number; an end left out is infinite), or why it cannot be read.
    pub fn quantity(&self, value: &Quantity<'_>) -> Result<(f64, f64), String> {
        match value {
            Quantity::Number(text) => {
                let n = self.number(text)?;
                Ok((n, n))
            }
            Quantity::Range(min, max) => {
                let lo = min.map_or(Ok(f64::NEG_INFINITY), |t| self.number(t))?;
                let hi = max.map_or(Ok(f64::INFINITY), |t| self.number(t))?;
                if lo > hi {
                    return Err(format!(
                        "the range's `min` ({lo}) is above its `max` ({hi})"
                    ));
                }
                Ok((lo, hi))
            }
        }
    }

    /// `7`, `7.5`, `-2` or, with the property's unit, `7 people`.
    fn number(&self, text: &str) -> Result<f64, String> {
        let text = text.trim();
        let end = text
            .find(|c: char| {
                c.is_whitespace()
                    || !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E'))
            })
            .unwrap_or(text.len());
        let (number, unit) = (&text[..end], text[end..].trim());
        let n: f64 = match number.parse() {
            Ok(n) if f64::is_finite(n) && !number.is_empty() => n,
            _ => {
                return Err(match &self.unit {
                    Some(u) => format!("`{text}` is not a number, nor a number of {u}"),
                    None => format!("`{text}` is not a number"),
                });
            }
        };
        match (&self.unit, unit) {
            (_, "") => Ok(n),
            (Some(u), unit) if unit == u => Ok(n),
            (Some(u), unit) => Err(format!(
                "`{text}` is in `{unit}`, not in the property's unit `{u}`"
            )),
            (None, unit) => Err(format!(
                "`{text}` names the unit `{unit}`, but the property has none"
            )),
        }
    }
}

/// A quantity value as a claim writes it: a number (with or without the unit), or the two ends
/// of a range, either one left out.
#[derive(Debug, Clone, Copy)]
pub enum Quantity<'a> {
    Number(&'a str),
    Range(Option<&'a str>, Option<&'a str>),
}

#[derive(Debug, Default)]
pub struct Vocabulary {
    pub properties: BTreeMap<String, Property>,
}

impl Vocabulary {
    /// The vocabulary that the config names, read from `tree`; `None` when it names none.
    pub fn load(settings: &Settings, tree: &Tree) -> Result<Option<Vocabulary>> {
        let Some(path) = &settings.vocabulary else {
            return Ok(None);
        };
        if let Err(why) = crate::tree::inside(&settings.root, path.get_ref()) {
            let line = settings.line_of(path.span().start);
            bail!("{}:{line}: vocabulary file {why}", settings.config_path);
        }
        if !tree.contains(path.get_ref()) {
            let line = settings.line_of(path.span().start);
            bail!(
                "{}:{line}: vocabulary file `{}` does not exist",
                settings.config_path,
                path.get_ref()
            );
        }
        let file = File::new(path.get_ref().clone(), tree.read_text(path.get_ref())?);
        Vocabulary::parse(&file).map(Some)
    }

    pub fn parse(file: &File) -> Result<Vocabulary> {
        let path = &file.path;
        let at = |span: &std::ops::Range<usize>| {
            let p = file.position(span.start);
            format!("{path}:{}:{}", p.line, p.column)
        };
        let (root, duplicates) = yaml::parse(file.text(), 0..file.text().len())
            .map_err(|e| anyhow::anyhow!("{}: {}", at(&e.span), e.message))?;
        if let Some(d) = duplicates.first() {
            bail!("{}: {}", at(&d.span), d.message);
        }
        let Some(props) = root.get("properties") else {
            bail!("{path}:1:1: the vocabulary has no `properties` mapping");
        };
        let Value::Map(entries) = &props.value else {
            bail!(
                "{}: `properties` must be a mapping of property names",
                at(&props.span)
            );
        };
        if let Value::Map(top) = &root.value
            && let Some((k, _)) = top.iter().find(|(k, _)| k.text != "properties")
        {
            bail!(
                "{}: unknown key `{}` (the vocabulary holds only `properties`)",
                at(&k.span),
                k.text
            );
        }
        let mut properties = BTreeMap::new();
        for (name, def) in entries {
            let Value::Map(fields) = &def.value else {
                bail!(
                    "{}: property `{}` must be a mapping with `kind`",
                    at(&def.span),
                    name.text
                );
            };
            if let Some((k, _)) = fields.iter().find(|(k, _)| {
                !matches!(
                    k.text.as_str(),
                    "kind"
                        | "values"
                        | "description"
                        | "synonyms"
                        | "unit"
                        | "tolerance"
                        | "contrary"
                )
            }) {
                bail!(
                    "{}: unknown key `{}` in property `{}` (expected `kind`, `values`, `description`, `synonyms`, `contrary`, `unit`, `tolerance`)",
                    at(&k.span),
                    k.text,
                    name.text
                );
            }
            let kind = match def.get("kind").map(|k| (k, k.as_str())) {
                Some((_, Some("single"))) => Kind::Single,
                Some((_, Some("multi"))) => Kind::Multi,
                Some((_, Some("order"))) => Kind::Order,
                Some((_, Some("quantity"))) => Kind::Quantity,
                Some((node, _)) => bail!(
                    "{}: unknown kind for property `{}` (expected single, multi, order or quantity)",
                    at(&node.span),
                    name.text
                ),
                None => bail!("{}: property `{}` has no `kind`", at(&name.span), name.text),
            };
            let values = values(def, kind, &name.text, &at)?;
            let known: HashSet<String> = values.iter().cloned().collect();
            let (unit, tolerance) = measure(def, kind, &name.text, &at)?;
            let contrary = contrary(def, kind, &name.text, &known, &at)?;
            let synonyms = synonyms(def, &known, &name.text, &at)?;
            properties.insert(
                name.text.clone(),
                Property {
                    kind,
                    values,
                    known,
                    unit,
                    tolerance,
                    contrary,
                    synonyms,
                },
            );
        }
        Ok(Vocabulary { properties })
    }
}

fn values(
    def: &Node,
    kind: Kind,
    name: &str,
    at: &dyn Fn(&std::ops::Range<usize>) -> String,
) -> Result<Vec<String>> {
    let node = def.get("values");
    if matches!(kind, Kind::Order | Kind::Quantity) {
        if let Some(node) = node {
            bail!(
                "{}: property `{name}` is {}: it takes no `values`",
                at(&node.span),
                if kind == Kind::Order {
                    "an order"
                } else {
                    "a quantity"
                }
            );
        }
        return Ok(Vec::new());
    }
    let Some(node) = node else {
        bail!(
            "{}: property `{name}` of kind {} needs `values`",
            at(&def.span),
            kind.as_str()
        );
    };
    let Value::Seq(items) = &node.value else {
        bail!("{}: `values` of `{name}` must be a list", at(&node.span));
    };
    if items.is_empty() {
        bail!(
            "{}: property `{name}` of kind {} needs at least one value",
            at(&node.span),
            kind.as_str()
        );
    }
    let mut out: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::with_capacity(items.len());
    for item in items {
        let Some(v) = item.as_str() else {
            bail!("{}: values of `{name}` must be strings", at(&item.span));
        };
        if !seen.insert(v) {
            bail!(
                "{}: duplicate value `{v}` in property `{name}`",
                at(&item.span)
            );
        }
        out.push(v.to_string());
    }
    Ok(out)
}

/// A quantity's `unit` and `tolerance` (0 when left out); other kinds take neither.
fn measure(
    def: &Node,
    kind: Kind,
    name: &str,
    at: &dyn Fn(&std::ops::Range<usize>) -> String,
) -> Result<(Option<String>, f64)> {
    if kind != Kind::Quantity {
        for key in ["unit", "tolerance"] {
            if let Some(node) = def.get(key) {
                bail!(
                    "{}: `{key}` is for quantity properties, and `{name}` is {} property",
                    at(&node.span),
                    article(kind)
                );
            }
        }
        return Ok((None, 0.0));
    }
    let unit = match def.get("unit") {
        None => None,
        Some(node) => match node.as_str().map(str::trim) {
            Some(u)
                if !u.is_empty()
                    && !u.starts_with(|c: char| {
                        c.is_ascii_digit() || matches!(c, '-' | '+' | '.')
                    }) =>
            {
                Some(u.to_string())
            }
            _ => bail!(
                "{}: the `unit` of `{name}` must be a word such as `people` or `days`",
                at(&node.span)
            ),
        },
    };
    let tolerance = match def.get("tolerance").map(|n| (n, &n.value)) {
        None => 0.0,
        Some((_, Value::Int(i))) if *i >= 0 => *i as f64,
        Some((_, Value::Float(f))) if f.is_finite() && *f >= 0.0 => *f,
        Some((node, _)) => bail!(
            "{}: the `tolerance` of `{name}` must be a number, 0 or more",
            at(&node.span)
        ),
    };
    Ok((unit, tolerance))
}

/// A `multi` property's `contrary`: a list of lists of its values, each list a set of values no
/// two of which hold together.
fn contrary(
    def: &Node,
    kind: Kind,
    name: &str,
    known: &HashSet<String>,
    at: &dyn Fn(&std::ops::Range<usize>) -> String,
) -> Result<HashMap<String, HashSet<String>>> {
    let mut out: HashMap<String, HashSet<String>> = HashMap::new();
    let Some(node) = def.get("contrary") else {
        return Ok(out);
    };
    if kind != Kind::Multi {
        let why = if kind == Kind::Single {
            "on a single property any two values contradict already"
        } else {
            "it lists values that cannot hold together"
        };
        bail!(
            "{}: `contrary` is for multi properties, and `{name}` is {} property ({why})",
            at(&node.span),
            article(kind)
        );
    }
    let Value::Seq(groups) = &node.value else {
        bail!(
            "{}: `contrary` of `{name}` must be a list of lists of values, as `[[strategic, tactical]]`",
            at(&node.span)
        );
    };
    for group in groups {
        let Value::Seq(items) = &group.value else {
            bail!(
                "{}: each item of `contrary` of `{name}` must be a list of values, as `[strategic, tactical]`",
                at(&group.span)
            );
        };
        if items.len() < 2 {
            bail!(
                "{}: a list of `contrary` values of `{name}` needs at least two values",
                at(&group.span)
            );
        }
        let mut seen: Vec<&str> = Vec::with_capacity(items.len());
        for item in items {
            let Some(v) = item.as_str() else {
                bail!(
                    "{}: contrary values of `{name}` must be strings",
                    at(&item.span)
                );
            };
            if !known.contains(v) {
                bail!(
                    "{}: contrary value `{v}` is not a value of `{name}`",
                    at(&item.span)
                );
            }
            if seen.contains(&v) {
                bail!(
                    "{}: `{v}` is listed twice in one list of `contrary` values of `{name}`",
                    at(&item.span)
                );
            }
            seen.push(v);
        }
        for a in &seen {
            for b in &seen {
                if a != b {
                    out.entry(a.to_string()).or_default().insert(b.to_string());
                }
            }
        }
    }
    Ok(out)
}

/// The property's `synonyms`: a mapping from each of some of its values to a list of other words
/// for it.
fn synonyms(
    def: &Node,
    known: &HashSet<String>,
    name: &str,
    at: &dyn Fn(&std::ops::Range<usize>) -> String,
) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out = BTreeMap::new();
    let Some(node) = def.get("synonyms") else {
        return Ok(out);
    };
    let Value::Map(entries) = &node.value else {
        bail!(
            "{}: `synonyms` of `{name}` must be a mapping from values to lists of words",
            at(&node.span)
        );
    };
    for (value, list) in entries {
        if !known.contains(&value.text) {
            bail!(
                "{}: `{}` is not a value of property `{name}`: synonyms belong to one of its values",
                at(&value.span),
                value.text
            );
        }
        let Value::Seq(items) = &list.value else {
            bail!(
                "{}: the synonyms of `{}` must be a list of strings",
                at(&list.span),
                value.text
            );
        };
        let mut words = Vec::with_capacity(items.len());
        for item in items {
            match item.as_str() {
                Some(s) if !s.trim().is_empty() => words.push(s.to_string()),
                _ => bail!(
                    "{}: a synonym of `{}` must be a non-empty string",
                    at(&item.span),
                    value.text
                ),
            }
        }
        out.insert(value.text.clone(), words);
    }
    Ok(out)
}

/// `a single`, `an order`, ...
fn article(kind: Kind) -> &'static str {
    match kind {
        Kind::Single => "a single",
        Kind::Multi => "a multi",
        Kind::Order => "an order",
        Kind::Quantity => "a quantity",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Vocabulary> {
        Vocabulary::parse(&File::new("schema/vocabulary.yaml".into(), text.into()))
    }

    #[test]
    fn reads_the_three_kinds() {
        let v = parse(
            "properties:\n  a:\n    kind: single\n    values: [x, y]\n  b:\n    kind: order\n",
        )
        .unwrap();
        assert_eq!(v.properties["a"].kind, Kind::Single);
        assert_eq!(v.properties["b"].kind, Kind::Order);
    }

    #[test]
    fn synonyms_belong_to_a_value() {
        let v = parse(
            "properties:\n  a:\n    kind: single\n    values: [x, y]\n    synonyms:\n      x: [ex, the x]\n",
        )
        .unwrap();
        assert_eq!(v.properties["a"].synonyms["x"], vec!["ex", "the x"]);
        let e = parse(
            "properties:\n  a:\n    kind: single\n    values: [x]\n    synonyms:\n      z: [zed]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("schema/vocabulary.yaml:6:7: `z` is not a value"),
            "{e}"
        );
    }

    #[test]
    fn malformed_vocabularies_name_the_line() {
        let e = parse("properties:\n  a:\n    kind: lots\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("schema/vocabulary.yaml:3:11: unknown kind"),
            "{e}"
        );
        let e = parse("properties:\n  a:\n    kind: multi\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("needs `values`"), "{e}");
        let e = parse("properties:\n  a:\n    kind: single\n    values: [x, x]\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("schema/vocabulary.yaml:4:17: duplicate value `x`"),
            "{e}"
        );
    }

    #[test]
    fn quantities_read_numbers_units_and_ranges() {
        let v = parse(
            "properties:\n  size:\n    kind: quantity\n    unit: people\n    tolerance: 0.5\n",
        )
        .unwrap();
        let p = &v.properties["size"];
        assert_eq!(p.kind, Kind::Quantity);
        assert_eq!(p.tolerance, 0.5);
        assert_eq!(p.quantity(&Quantity::Number("7")), Ok((7.0, 7.0)));
        assert_eq!(p.quantity(&Quantity::Number(" 7 people")), Ok((7.0, 7.0)));
        assert_eq!(p.quantity(&Quantity::Number("2.5people")), Ok((2.5, 2.5)));
        assert_eq!(
            p.quantity(&Quantity::Range(Some("5"), None)),
            Ok((5.0, f64::INFINITY))
        );
        for bad in ["7 days", "seven", "", "7 people people", "inf", "NaN"] {
            assert!(p.quantity(&Quantity::Number(bad)).is_err(), "{bad}");
        }
        assert!(
            p.quantity(&Quantity::Range(Some("9"), Some("3")))
                .unwrap_err()
                .contains("above its `max`")
        );
        let e = parse("properties:\n  size:\n    kind: quantity\n    values: [a]\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("it takes no `values`"), "{e}");
        let e = parse("properties:\n  size:\n    kind: quantity\n    tolerance: -1\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("schema/vocabulary.yaml:4:16: the `tolerance`"),
            "{e}"
        );
        let e = parse("properties:\n  a:\n    kind: single\n    values: [x]\n    unit: people\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("`unit` is for quantity properties"), "{e}");
    }

    #[test]
    fn contrary_values_are_values_of_a_multi_property() {
        let v = parse(
            "properties:\n  a:\n    kind: multi\n    values: [x, y, z]\n    contrary: [[x, y]]\n",
        )
        .unwrap();
        let a = &v.properties["a"];
        assert!(a.contrary("x", "y") && a.contrary("y", "x"));
        assert!(!a.contrary("x", "z") && !a.contrary("x", "x"));
        let e = parse(
            "properties:\n  a:\n    kind: multi\n    values: [x, y]\n    contrary: [[x, w]]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("schema/vocabulary.yaml:5:20: contrary value `w` is not a value of `a`"),
            "{e}"
        );
        let e = parse(
            "properties:\n  a:\n    kind: single\n    values: [x, y]\n    contrary: [[x, y]]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("`contrary` is for multi properties"), "{e}");
        for bad in ["[x, y]", "[[x]]", "[[x, x]]", "[[1, 2]]"] {
            let text = format!(
                "properties:\n  a:\n    kind: multi\n    values: [x, y]\n    contrary: {bad}\n"
            );
            assert!(parse(&text).is_err(), "{bad}");
        }
    }
}
