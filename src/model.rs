//! The built-in meaning of an entry's frontmatter (spec §2–§4): id, aliases, related, claims,
//! and for sources the sha256. Every string keeps its byte span in the file.

use std::ops::Range;

use compact_str::{CompactString, ToCompactString};

use crate::diagnostic::{FileId, offset32};
pub use crate::frontmatter::Format;
use crate::frontmatter::{Node, Value};
use crate::keys::Keys;
use crate::time::{self, Instant};

/// A string from the frontmatter and where it stands in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text {
    /// Held in place when short (ids, properties, values, source names): a KB has millions
    /// of them, and one allocation each would cost more than the strings.
    pub value: CompactString,
    /// Where it stands, in 32 bits: the parse stage refuses a file of 4 GiB or more.
    start: u32,
    end: u32,
}

impl Text {
    pub fn new(value: impl Into<CompactString>, span: Range<usize>) -> Text {
        Text {
            value: value.into(),
            start: offset32(span.start),
            end: offset32(span.end),
        }
    }

    /// Where it stands in the file.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

#[derive(Debug)]
pub struct Entry {
    pub file: FileId,
    pub collection: usize,
    pub is_source: bool,
    /// The `id` value, or the default id pointing at the opening `---`.
    pub id: Text,
    pub aliases: Box<[Text]>,
    pub related: Box<[Text]>,
    pub claims: Vec<Claim>,
    pub sha256: Option<Box<Text>>,
    /// Every byte after the line that closes the frontmatter.
    pub body: Range<usize>,
    /// Where the line that closes the frontmatter starts.
    pub yaml_end: usize,
    /// The frontmatter's language.
    pub format: Format,
    /// The frontmatter is there but could not be read (a syntax error, or not a mapping): the
    /// entry has its default id and its body, and nothing else. Its syntax error is its one
    /// finding; references to it resolve, and nothing is said about what it would declare.
    pub unreadable: bool,
}

#[derive(Debug)]
pub struct Claim {
    pub id: Text,
    /// The KB's own words (`text`), when it is a string; the schema checks its presence.
    pub text: Option<Box<str>>,
    pub property: Option<Text>,
    /// A string value, or a number (`7`, `7.5`) as its decimal text.
    pub value: Option<Text>,
    pub negated: bool,
    /// Empty when the claim has no `cites` key (or an empty list).
    pub cites: Box<[Cite]>,
    pub disputes: Box<[Dispute]>,
    /// The keys that few claims have, boxed together: a KB holds many claims.
    rare: Option<Box<Rare>>,
}

/// A claim's keys that most claims leave out.
#[derive(Debug, Default)]
pub struct Rare {
    pub subject: Option<Text>,
    /// A `{min, max}` value (for a quantity property). This and the times are boxed again:
    /// a ranking (`above`, `below`) is a rare key that many claims of a KB may have.
    pub range: Option<Box<Bounds>>,
    pub above: Option<Text>,
    pub below: Option<Text>,
    /// When the claim starts to hold (`valid_from`); `None`: it always did.
    pub valid_from: Option<Box<Moment>>,
    /// The first moment it no longer holds (`valid_to`, the end left out); `None`: it still does.
    pub valid_to: Option<Box<Moment>>,
}

impl Rare {
    fn is_empty(&self) -> bool {
        self.subject.is_none()
            && self.range.is_none()
            && self.above.is_none()
            && self.below.is_none()
            && self.valid_from.is_none()
            && self.valid_to.is_none()
    }
}

/// A `{min, max}` value: either end may be left out, and each is a number or a number with a
/// unit, as written (the vocabulary reads them).
#[derive(Debug)]
pub struct Bounds {
    /// The whole mapping.
    pub span: Range<usize>,
    pub min: Option<Text>,
    pub max: Option<Text>,
}

/// A `valid_from` or `valid_to`: the text as written and the moment it names.
#[derive(Debug, Clone)]
pub struct Moment {
    pub text: Text,
    pub at: Instant,
}

impl Claim {
    fn rare(&self) -> Option<&Rare> {
        self.rare.as_deref()
    }

    /// The entry the claim is about, when it names one (`subject`); else its own entry.
    pub fn subject(&self) -> Option<&Text> {
        self.rare()?.subject.as_ref()
    }

    /// A `{min, max}` value (for a quantity property).
    pub fn range(&self) -> Option<&Bounds> {
        self.rare()?.range.as_deref()
    }

    pub fn above(&self) -> Option<&Text> {
        self.rare()?.above.as_ref()
    }

    pub fn below(&self) -> Option<&Text> {
        self.rare()?.below.as_ref()
    }

    /// When the claim starts to hold (`valid_from`); `None`: it always did.
    pub fn valid_from(&self) -> Option<&Moment> {
        self.rare()?.valid_from.as_deref()
    }

    /// The first moment it no longer holds (`valid_to`, the end left out); `None`: it still
    /// does.
    pub fn valid_to(&self) -> Option<&Moment> {
        self.rare()?.valid_to.as_deref()
    }

    /// Whether the times in which the two claims hold overlap. A claim holds from `valid_from`
    /// (included) to `valid_to` (left out), so a claim that ends when another starts does not
    /// overlap it.
    pub fn overlaps(&self, other: &Claim) -> bool {
        let starts_before_end = |from: Option<&Moment>, to: Option<&Moment>| match (from, to) {
            (Some(f), Some(t)) => f.at < t.at,
            _ => true,
        };
        starts_before_end(self.valid_from(), other.valid_to())
            && starts_before_end(other.valid_from(), self.valid_to())
    }

    /// Whether the claim says when it holds.
    pub fn is_timed(&self) -> bool {
        self.valid_from().is_some() || self.valid_to().is_some()
    }

    /// When the claim holds, in words: `from 2024-01-01 until 2025-01-01`, `at all times`.
    pub fn period(&self) -> String {
        match (self.valid_from(), self.valid_to()) {
            (None, None) => "at all times".into(),
            (Some(f), None) => format!("from {}", f.text.value),
            (None, Some(t)) => format!("until {}", t.text.value),
            (Some(f), Some(t)) => format!("from {} until {}", f.text.value, t.text.value),
        }
    }
}

#[derive(Debug)]
pub struct Cite {
    /// The whole citation mapping, in 32 bits as a [`Text`]'s place.
    start: u32,
    end: u32,
    pub source: Option<Text>,
    pub quote: Option<Text>,
}

impl Cite {
    /// The whole citation mapping.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A `disputes` item: `entry#claim` or a bare claim id, with an optional reason
/// (written as `{ref: entry#claim, reason: "…"}`).
#[derive(Debug)]
pub struct Dispute {
    pub target: Text,
    pub reason: Option<String>,
}

/// A built-in key with the wrong shape: reported under the `schema` rule.
#[derive(Debug)]
pub struct ShapeError {
    pub span: Range<usize>,
    pub message: String,
}

/// An entry's file and what the parse stage knows of it before reading its keys: where the
/// frontmatter opens and ends, where the body is, and the entry's default id.
pub struct EntryFile {
    pub file: FileId,
    pub collection: usize,
    pub is_source: bool,
    /// The id of an entry whose frontmatter declares none.
    pub default_id: String,
    /// The opening `---` or `+++` (or the `{` of a JSON object): where the default id points.
    pub open: Range<usize>,
    /// Where the line that closes the frontmatter starts.
    pub yaml_end: usize,
    /// Every byte after the line that closes the frontmatter.
    pub body: Range<usize>,
    pub format: Format,
}

impl Entry {
    /// Reads the built-in keys of a frontmatter mapping, under the names that `keys` gives them
    /// (a key given up is not read). Keys with the wrong shape are left out of the entry and
    /// described in the returned errors. With a schema (`has_schema`), an integer id is read
    /// as its decimal text: the schema says whether an integer is allowed.
    pub fn from_yaml(
        at: EntryFile,
        root: &Node,
        keys: &Keys,
        has_schema: bool,
    ) -> (Entry, Vec<ShapeError>) {
        let mut errors = Vec::new();
        let id = read_id(root, keys, has_schema, &mut errors)
            .unwrap_or(Text::new(at.default_id, at.open));
        let aliases = match get(root, &keys.aliases) {
            Some((name, node)) => texts(Some(node), name, &mut errors),
            None => Vec::new(),
        };
        let related = match get(root, &keys.related) {
            Some((name, node)) => texts(Some(node), name, &mut errors),
            None => Vec::new(),
        };
        let sha256 = if at.is_source {
            text(root.get("sha256"), format_args!("sha256"), &mut errors)
        } else {
            None
        };
        let claims = match get(root, &keys.claims) {
            Some((name, node)) => read_claims(node, name, &mut errors),
            None => Vec::new(),
        };
        (
            Entry {
                file: at.file,
                collection: at.collection,
                is_source: at.is_source,
                id,
                aliases: aliases.into_boxed_slice(),
                related: related.into_boxed_slice(),
                claims,
                sha256: sha256.map(Box::new),
                body: at.body,
                yaml_end: at.yaml_end,
                format: at.format,
                unreadable: false,
            },
            errors,
        )
    }
}

/// The built-in key named `key` (when the collection keeps it) and its node.
fn get<'a>(root: &'a Node, key: &'a Option<String>) -> Option<(&'a str, &'a Node)> {
    let k = key.as_deref()?;
    Some((k, root.get(k)?))
}

/// The entry's declared id; an integer is read as its decimal text when a schema says whether
/// one is allowed.
fn read_id(
    root: &Node,
    keys: &Keys,
    has_schema: bool,
    errors: &mut Vec<ShapeError>,
) -> Option<Text> {
    let (name, node) = get(root, &keys.id)?;
    match node.value {
        Value::Int(n) if has_schema => Some(Text::new(n.to_compact_string(), node.span.clone())),
        _ => text(Some(node), format_args!("{name}"), errors),
    }
}

/// The claims of the list under the key `name`.
fn read_claims(node: &Node, name: &str, errors: &mut Vec<ShapeError>) -> Vec<Claim> {
    let mut claims = Vec::new();
    match &node.value {
        Value::Seq(items) => {
            // Exactly as many as there are: a claim is large, and a KB has many.
            claims.reserve_exact(items.len());
            for (n, item) in items.iter().enumerate() {
                if let Some(claim) = Claim::from_yaml(item, name, n, errors) {
                    claims.push(claim);
                }
            }
        }
        Value::Null => {}
        _ => errors.push(shape(node, name, "a list of claims")),
    }
    claims
}

impl Claim {
    /// The claim `key[n]`; `None` when it is not a mapping or has no readable id.
    fn from_yaml(node: &Node, key: &str, n: usize, errors: &mut Vec<ShapeError>) -> Option<Claim> {
        if !matches!(node.value, Value::Map(_)) {
            errors.push(shape(node, format_args!("{key}[{n}]"), "a mapping"));
            return None;
        }
        let Some(id) = text(node.get("id"), format_args!("{key}[{n}].id"), errors) else {
            if node.get("id").is_none() {
                // Where a schema's `required` points too, so that a schema that requires
                // the id does not report the same missing key a second time.
                errors.push(ShapeError {
                    span: node.span.start..node.span.start,
                    message: format!("`{key}[{n}]` has no `id`"),
                });
            }
            return None;
        };
        let negated = negated(node, key, n, errors);
        let cites = cites(node, key, n, errors);
        let disputes = disputes(node, key, n, errors);
        let (valid_from, valid_to) = period(node, key, n, errors);
        // Read in the order of the keys' errors.
        let subject = text(
            node.get("subject"),
            format_args!("{key}[{n}].subject"),
            errors,
        );
        let property = text(
            node.get("property"),
            format_args!("{key}[{n}].property"),
            errors,
        );
        let value = claim_value(node.get("value"), key, n, errors);
        let range = node
            .get("value")
            .and_then(|v| bounds(v, format_args!("{key}[{n}].value"), errors));
        let above = text(node.get("above"), format_args!("{key}[{n}].above"), errors);
        let below = text(node.get("below"), format_args!("{key}[{n}].below"), errors);
        let rare = Rare {
            subject,
            range: range.map(Box::new),
            above,
            below,
            valid_from: valid_from.map(Box::new),
            valid_to: valid_to.map(Box::new),
        };
        Some(Claim {
            id,
            text: match node.get("text").map(|n| &n.value) {
                Some(Value::Str(s)) => Some(s.as_str().into()),
                _ => None,
            },
            property,
            value,
            negated,
            cites: cites.into_boxed_slice(),
            disputes: disputes.into_boxed_slice(),
            rare: (!rare.is_empty()).then(|| Box::new(rare)),
        })
    }
}

/// The claim's `negated`: false when it is left out.
fn negated(node: &Node, key: &str, n: usize, errors: &mut Vec<ShapeError>) -> bool {
    match node.get("negated") {
        None => false,
        Some(Node {
            value: Value::Bool(b),
            ..
        }) => *b,
        Some(other) => {
            errors.push(shape(
                other,
                format_args!("{key}[{n}].negated"),
                "true or false",
            ));
            false
        }
    }
}

/// The claim's `cites`: each mapping with its `source` and `quote`.
fn cites(node: &Node, key: &str, n: usize, errors: &mut Vec<ShapeError>) -> Vec<Cite> {
    let mut cites = Vec::new();
    let Some(list) = node.get("cites") else {
        return cites;
    };
    match &list.value {
        Value::Seq(items) => {
            cites.reserve_exact(items.len());
            for (c, item) in items.iter().enumerate() {
                if matches!(item.value, Value::Map(_)) {
                    cites.push(Cite {
                        start: offset32(item.span.start),
                        end: offset32(item.span.end),
                        source: text(
                            item.get("source"),
                            format_args!("{key}[{n}].cites[{c}].source"),
                            errors,
                        ),
                        quote: text(
                            item.get("quote"),
                            format_args!("{key}[{n}].cites[{c}].quote"),
                            errors,
                        ),
                    });
                } else {
                    errors.push(shape(
                        item,
                        format_args!("{key}[{n}].cites[{c}]"),
                        "a mapping with `source` and `quote`",
                    ));
                }
            }
        }
        Value::Null => {}
        _ => errors.push(shape(
            list,
            format_args!("{key}[{n}].cites"),
            "a list of citations",
        )),
    }
    cites
}

/// The claim's `disputes`: one reference, or a list of references and `{ref, reason}` mappings.
fn disputes(node: &Node, key: &str, n: usize, errors: &mut Vec<ShapeError>) -> Vec<Dispute> {
    let mut disputes = Vec::new();
    let Some(list) = node.get("disputes") else {
        return disputes;
    };
    let items = match &list.value {
        Value::Seq(items) => items.as_slice(),
        Value::Str(_) => std::slice::from_ref(list),
        _ => {
            errors.push(shape(
                list,
                format_args!("{key}[{n}].disputes"),
                "a list of claim references",
            ));
            &[]
        }
    };
    disputes.reserve_exact(items.len());
    for (d, item) in items.iter().enumerate() {
        let here = || format!("{key}[{n}].disputes[{d}]");
        match &item.value {
            Value::Str(s) => disputes.push(Dispute {
                target: Text::new(s.as_str(), item.span.clone()),
                reason: None,
            }),
            Value::Map(_) => {
                let target = text(item.get("ref"), format_args!("{}.ref", here()), errors);
                let reason = text(
                    item.get("reason"),
                    format_args!("{}.reason", here()),
                    errors,
                )
                .map(|t| t.value.into_string());
                match target {
                    Some(target) => disputes.push(Dispute { target, reason }),
                    None if item.get("ref").is_none() => errors.push(ShapeError {
                        span: item.span.clone(),
                        message: format!("`{}` has no `ref`", here()),
                    }),
                    None => {}
                }
            }
            _ => errors.push(shape(
                item,
                format_args!("{}", here()),
                "`entry#claim` or `{ref: entry#claim, reason: …}`",
            )),
        }
    }
    disputes
}

/// The claim's `valid_from` and `valid_to`; a `valid_to` that does not come after
/// `valid_from` is an error and left out.
fn period(
    node: &Node,
    key: &str,
    n: usize,
    errors: &mut Vec<ShapeError>,
) -> (Option<Moment>, Option<Moment>) {
    let valid_from = moment(
        node.get("valid_from"),
        format_args!("{key}[{n}].valid_from"),
        errors,
    );
    let mut valid_to = moment(
        node.get("valid_to"),
        format_args!("{key}[{n}].valid_to"),
        errors,
    );
    if let (Some(from), Some(to)) = (&valid_from, &valid_to)
        && to.at <= from.at
    {
        errors.push(ShapeError {
            span: to.text.span(),
            message: format!(
                "`{key}[{n}].valid_to` ({}) must come after `valid_from` ({}): the claim would never hold",
                to.text.value, from.text.value
            ),
        });
        valid_to = None;
    }
    (valid_from, valid_to)
}

/// The claim's `value` as text: a string, or a number as its decimal text; `None` for a
/// `{min, max}` mapping (read by [`bounds`]).
fn claim_value(
    value: Option<&Node>,
    key: &str,
    n: usize,
    errors: &mut Vec<ShapeError>,
) -> Option<Text> {
    match value {
        Some(Node {
            value: Value::Int(i),
            span,
        }) => Some(Text::new(i.to_compact_string(), span.clone())),
        Some(Node {
            value: Value::Float(f),
            span,
        }) if f.is_finite() => Some(Text::new(f.to_compact_string(), span.clone())),
        Some(Node {
            value: Value::Map(_),
            ..
        }) => None,
        other => text(other, format_args!("{key}[{n}].value"), errors),
    }
}

/// A `{min, max}` mapping; `None` (and no error) for any other node.
fn bounds(
    node: &Node,
    key: std::fmt::Arguments<'_>,
    errors: &mut Vec<ShapeError>,
) -> Option<Bounds> {
    let Value::Map(fields) = &node.value else {
        return None;
    };
    if let Some((k, _)) = fields
        .iter()
        .find(|(k, _)| !matches!(k.text.as_str(), "min" | "max"))
    {
        errors.push(ShapeError {
            span: k.span.clone(),
            message: format!("`{key}` is a range with `min` and `max`, not `{}`", k.text),
        });
        return None;
    }
    let end = |name: &str, errors: &mut Vec<ShapeError>| -> Option<Text> {
        let node = node.get(name)?;
        match &node.value {
            Value::Int(i) => Some(Text::new(i.to_compact_string(), node.span.clone())),
            Value::Float(f) if f.is_finite() => {
                Some(Text::new(f.to_compact_string(), node.span.clone()))
            }
            Value::Str(s) => Some(Text::new(s.as_str(), node.span.clone())),
            _ => {
                errors.push(shape(node, format_args!("{key}.{name}"), "a number"));
                None
            }
        }
    };
    let (min, max) = (end("min", errors), end("max", errors));
    if min.is_none() && max.is_none() {
        if node.get("min").is_none() && node.get("max").is_none() {
            errors.push(ShapeError {
                span: node.span.clone(),
                message: format!("the range `{key}` needs `min`, `max` or both"),
            });
        }
        return None;
    }
    Some(Bounds {
        span: node.span.clone(),
        min,
        max,
    })
}

/// `valid_from` or `valid_to`: a date or an RFC 3339 date-time.
fn moment(
    node: Option<&Node>,
    key: std::fmt::Arguments<'_>,
    errors: &mut Vec<ShapeError>,
) -> Option<Moment> {
    let node = node?;
    let Value::Str(s) = &node.value else {
        errors.push(shape(
            node,
            key,
            "a date (`YYYY-MM-DD`) or an RFC 3339 date-time",
        ));
        return None;
    };
    match time::parse(s) {
        Ok(at) => Some(Moment {
            text: Text::new(s.as_str(), node.span.clone()),
            at,
        }),
        Err(why) => {
            errors.push(ShapeError {
                span: node.span.clone(),
                message: format!("`{key}`: {why}"),
            });
            None
        }
    }
}

/// `key` is formatted only when there is an error to describe.
fn shape(node: &Node, key: impl std::fmt::Display, expected: &str) -> ShapeError {
    ShapeError {
        span: node.span.clone(),
        message: format!("`{key}` must be {expected}, not {}", node.type_name()),
    }
}

fn text(
    node: Option<&Node>,
    key: std::fmt::Arguments<'_>,
    errors: &mut Vec<ShapeError>,
) -> Option<Text> {
    let node = node?;
    match &node.value {
        Value::Str(s) => Some(Text::new(s.as_str(), node.span.clone())),
        _ => {
            errors.push(shape(node, key, "a string"));
            None
        }
    }
}

fn texts(node: Option<&Node>, key: &str, errors: &mut Vec<ShapeError>) -> Vec<Text> {
    let Some(node) = node else { return Vec::new() };
    match &node.value {
        Value::Seq(items) => items
            .iter()
            .enumerate()
            .filter_map(|(n, item)| text(Some(item), format_args!("{key}[{n}]"), errors))
            .collect(),
        Value::Str(s) => vec![Text::new(s.as_str(), node.span.clone())],
        Value::Null => Vec::new(),
        _ => {
            errors.push(shape(node, key, "a list of strings"));
            Vec::new()
        }
    }
}
