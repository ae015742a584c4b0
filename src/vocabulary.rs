//! The vocabulary file: the properties that claims may use (spec §4). A malformed vocabulary
//! is a configuration error, reported with its file and line.

use std::collections::{BTreeMap, HashSet};

use anyhow::{Result, bail};

use crate::config::Settings;
use crate::diagnostic::File;
use crate::tree::Tree;
use crate::yaml::{self, Node, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One value per subject: two different values contradict.
    Single,
    /// Several values may hold at once: only a negation contradicts.
    Multi,
    /// Claims rank subjects with `above`/`below`: a cycle contradicts.
    Order,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Single => "single",
            Kind::Multi => "multi",
            Kind::Order => "order",
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
    /// Other words for a value (`synonyms: {tactical: [detail-oriented]}`), which
    /// `kblint claims suggest` looks for in free-text claims.
    pub synonyms: BTreeMap<String, Vec<String>>,
}

impl Property {
    /// Whether `value` is one of the property's values.
    pub fn has(&self, value: &str) -> bool {
        self.known.contains(value)
    }
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
        let (root, duplicates) = yaml::parse(&file.text, 0..file.text.len())
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
                    "kind" | "values" | "description" | "synonyms"
                )
            }) {
                bail!(
                    "{}: unknown key `{}` in property `{}` (expected `kind`, `values`, `description`, `synonyms`)",
                    at(&k.span),
                    k.text,
                    name.text
                );
            }
            let kind = match def.get("kind").map(|k| (k, k.as_str())) {
                Some((_, Some("single"))) => Kind::Single,
                Some((_, Some("multi"))) => Kind::Multi,
                Some((_, Some("order"))) => Kind::Order,
                Some((node, _)) => bail!(
                    "{}: unknown kind for property `{}` (expected single, multi or order)",
                    at(&node.span),
                    name.text
                ),
                None => bail!("{}: property `{}` has no `kind`", at(&name.span), name.text),
            };
            let values = values(def, kind, &name.text, &at)?;
            let known: HashSet<String> = values.iter().cloned().collect();
            let synonyms = synonyms(def, &known, &name.text, &at)?;
            properties.insert(
                name.text.clone(),
                Property {
                    kind,
                    values,
                    known,
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
    if kind == Kind::Order {
        if let Some(node) = node {
            bail!(
                "{}: property `{name}` is an order: it takes no `values`",
                at(&node.span)
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
}
