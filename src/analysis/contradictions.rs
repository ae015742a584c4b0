//! Contradictions between claims (spec §4, §6), computed once for the rules
//! `conflicting-values`, `negation-conflict`, `order-cycle`, `acknowledged-dispute` and
//! `stale-dispute`.
//!
//! Every claim is read once into a [`Fact`]: its subject, property, what it asserts (a value, a
//! ranking, a range, or for a claim without property its normalised words), whether it is
//! negated, and when it holds. [`Contradictions::conflict`] says whether two facts contradict;
//! it is the one definition, and the search below only finds the candidate pairs quickly.
//!
//! Claims are grouped by subject and property (one sort of every claim), and the "ranks
//! above" graph of each order property is split into strongly connected components with
//! Tarjan's algorithm (written without recursion), so the work grows with the number of claims
//! (times its logarithm) plus the number of findings.
//! Two kinds of group are searched pair by pair instead, since what they assert is not a value
//! to group by: quantities, and groups where some claim says when it holds (`valid_from`,
//! `valid_to`); their cost grows with the square of the group, which in a KB is a handful of
//! claims. A group whose conflicting pairs exceed [`PAIR_LIMIT`] is one contradiction with a
//! tally of its values instead of one per pair, so the findings too grow at most with the
//! number of claims.
//!
//! What the search finds is kept per [`Group`], and the findings are made from that. After an
//! edit, [`update`] searches again only the groups that the edited claims left or joined.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::Arc;

/// The most pairs of conflicting claims of one subject and property (or of one claim and its
/// negations) reported one finding per pair; a larger group is one finding that tallies its
/// values.
pub const PAIR_LIMIT: usize = 50;

mod incremental;

pub use incremental::update;

use super::wording;
use crate::index::{ClaimId, EntryId, Kb};
use crate::model::{Claim, Entry, Text};
use crate::time::Instant;
use crate::vocabulary::{Kind, Quantity, Vocabulary};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// Two non-negated claims give a single property of one subject different values, a multi
    /// property contrary values, or a quantity ranges that do not overlap.
    Values,
    /// Two claims differ only in `negated`, or two claims without property only by one
    /// negation in their text.
    Negation,
    /// Non-negated rankings of an order property form a circle.
    Cycle,
}

#[derive(Debug)]
pub struct Contradiction {
    pub conflict: Conflict,
    /// The property; empty for two claims without property.
    pub property: String,
    /// Every claim involved, sorted; the last one is where the finding points.
    pub claims: Vec<ClaimId>,
    /// One of the claims lists another in `disputes` (for a tallied group: every pair does).
    pub acknowledged: bool,
    /// For a group over [`PAIR_LIMIT`] pairs, reported as one: each value (or `not` for the
    /// negations) with how many claims hold it, in the order of their first claim. Empty for a
    /// pair or a circle.
    pub tally: Vec<(String, usize)>,
    /// For a tallied group: how many pairs of its claims conflict, and how many of those a
    /// `disputes` link acknowledges.
    pub pairs: usize,
    pub acknowledged_pairs: usize,
}

impl Contradiction {
    /// Whether it joins claims without property, by their words.
    pub fn in_words(&self) -> bool {
        self.property.is_empty()
    }
}

#[derive(Debug, Default)]
pub struct Contradictions {
    pub found: Vec<Contradiction>,
    /// Every claim that can contradict another, read.
    facts: Facts,
    /// For every claim in a circle of rankings: which ones (index in `found`).
    circles: HashMap<ClaimId, Vec<usize>>,
    /// The contrary values of each multi property: (property, value, value), both orders.
    contrary: HashSet<(Arc<str>, Arc<str>, Arc<str>)>,
    /// The vocabulary's property names and values, each held once and shared by the facts.
    names: HashMap<String, Arc<str>>,
    /// The claims with `disputes` links, in claim order.
    linked: Vec<ClaimId>,
    /// What the search found in each group of claims, for the groups where it found something:
    /// `found` is made from these, in this order.
    by_group: BTreeMap<Group, Vec<Candidate>>,
    /// The claims of each group, kept after a first [`update`] so that the next ones search
    /// only the groups whose claims changed.
    groups: Option<incremental::Groups>,
}

/// A group of claims that the search compares with each other, in the order the findings are
/// made: claims of one subject and property, claims without property of one subject saying the
/// same words (with or without a negation), and the rankings of one order property.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Property(EntryId, String),
    Words(EntryId, String),
    Order(String),
}

impl Contradictions {
    /// The contradictions of one kind that no `disputes` link acknowledges.
    pub fn unacknowledged(&self, conflict: Conflict) -> impl Iterator<Item = &Contradiction> {
        self.found
            .iter()
            .filter(move |c| c.conflict == conflict && !c.acknowledged)
    }

    /// Whether claims `a` and `b` contradict each other (in a circle: take part in it).
    pub fn contradict(&self, a: ClaimId, b: ClaimId) -> bool {
        if let (Some(x), Some(y)) = (self.circles.get(&a), self.circles.get(&b))
            && x.iter().any(|c| y.contains(c))
        {
            return true;
        }
        match (self.facts.get(&a), self.facts.get(&b)) {
            (Some(x), Some(y)) => self.conflict(x, y).is_some(),
            _ => false,
        }
    }

    /// How two facts contradict, if they do: the definition of a pairwise contradiction.
    fn conflict(&self, a: &Fact, b: &Fact) -> Option<Conflict> {
        if a.subject != b.subject || a.property != b.property || !a.overlaps(b) {
            return None;
        }
        let negation = a.negated != b.negated;
        match (&a.reading, &b.reading) {
            (Reading::Words(x), Reading::Words(y)) => (x.without.contains(&y.key)
                || y.without.contains(&x.key))
            .then_some(Conflict::Negation),
            (Reading::Value { value: x, single }, Reading::Value { value: y, .. }) => {
                if x == y {
                    negation.then_some(Conflict::Negation)
                } else if !a.negated
                    && !b.negated
                    && (*single
                        || self
                            .contrary
                            .contains(&(a.property.clone(), x.clone(), y.clone())))
                {
                    Some(Conflict::Values)
                } else {
                    None
                }
            }
            (Reading::Above(p, q), Reading::Above(r, t)) => {
                ((p, q) == (r, t) && negation).then_some(Conflict::Negation)
            }
            (Reading::Quantity(x), Reading::Quantity(y)) => {
                if negation {
                    // "not 5 to 9" against a range inside it.
                    let (no, yes) = if a.negated { (x, y) } else { (y, x) };
                    (no.lo <= yes.lo && yes.hi <= no.hi).then_some(Conflict::Negation)
                } else if a.negated {
                    None
                } else {
                    let t = x.tolerance;
                    (x.hi + t < y.lo - t || y.hi + t < x.lo - t).then_some(Conflict::Values)
                }
            }
            _ => None,
        }
    }

    /// Every `disputes` link whose two claims do not contradict (a link to the claim itself
    /// included), in claim order: the `stale-dispute` findings, and the stale disputes of the
    /// HTML report.
    pub fn stale_links<'k>(&self, kb: &'k Kb) -> Vec<StaleLink<'k>> {
        let mut out = Vec::new();
        for &id in &self.linked {
            let claim = kb.claim(id);
            for link in &claim.disputes {
                let Some(target) = kb.claim_ref(id.entry, &link.target.value) else {
                    continue;
                };
                if target != id && self.contradict(id, target) {
                    continue;
                }
                out.push(StaleLink {
                    claim: id,
                    target,
                    link,
                });
            }
        }
        out
    }
}

/// A `disputes` link between two claims that do not contradict.
#[derive(Debug, Clone, Copy)]
pub struct StaleLink<'k> {
    /// The claim that holds the link.
    pub claim: ClaimId,
    /// The claim it names.
    pub target: ClaimId,
    pub link: &'k crate::model::Dispute,
}

/// What a claim asserts, read once.
#[derive(Debug, Clone, PartialEq)]
struct Fact {
    /// The subject (for a ranking, the entry ranked above).
    subject: EntryId,
    /// Empty for a claim without property.
    property: Arc<str>,
    reading: Reading,
    negated: bool,
    /// When the claim holds, if it says (boxed: most claims hold at all times).
    period: Option<Box<Period>>,
}

/// A claim's `valid_from` and `valid_to`, either left out.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Period {
    from: Option<Instant>,
    to: Option<Instant>,
}

impl Fact {
    fn from(&self) -> Option<Instant> {
        self.period.as_ref().and_then(|p| p.from)
    }

    fn to(&self) -> Option<Instant> {
        self.period.as_ref().and_then(|p| p.to)
    }

    /// Whether the times in which the two hold overlap (`valid_to` is left out of its claim's
    /// time).
    fn overlaps(&self, other: &Fact) -> bool {
        let before = |from: Option<Instant>, to: Option<Instant>| match (from, to) {
            (Some(f), Some(t)) => f < t,
            _ => true,
        };
        before(self.from(), other.to()) && before(other.from(), self.to())
    }

    fn is_timed(&self) -> bool {
        self.period.is_some()
    }

    /// Whether it holds at `at` (`None`: before every moment).
    fn holds_at(&self, at: Option<Instant>) -> bool {
        let started = match (self.from(), at) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(f), Some(at)) => f <= at,
        };
        let ended = match (self.to(), at) {
            (None, _) => false,
            (Some(_), None) => false,
            (Some(t), Some(at)) => t <= at,
        };
        started && !ended
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Reading {
    /// A value of a single (`single: true`) or multi property.
    Value { value: Arc<str>, single: bool },
    /// The first entry ranks above the second (a `below` is turned around).
    Above(EntryId, EntryId),
    /// A quantity's range.
    Quantity(Box<Span>),
    /// A claim without property: its normalised words, and its words with one negation taken
    /// out (boxed: most claims have a property, and facts are many).
    Words(Box<Words>),
}

#[derive(Debug, Clone, PartialEq)]
struct Words {
    key: String,
    without: Vec<String>,
}

/// The fact of every claim that has one, in one table with the claims of each entry side by
/// side (the KB's claims do not move while the facts are kept: [`update`] is called only when
/// the names, claim ids included, stay the same).
#[derive(Debug, Default)]
struct Facts {
    /// Where the claims of each entry start in `facts`, and one more: where they end.
    start: Vec<usize>,
    facts: Vec<Option<Fact>>,
}

impl Facts {
    /// A table with room for every claim of `kb`, and no fact.
    fn new(kb: &Kb) -> Facts {
        let mut start = Vec::with_capacity(kb.entries.len() + 1);
        let mut n = 0;
        for e in &kb.entries {
            start.push(n);
            n += e.claims.len();
        }
        start.push(n);
        let mut facts = Vec::new();
        facts.resize_with(n, || None);
        Facts { start, facts }
    }

    fn slot(&self, id: ClaimId) -> Option<usize> {
        let e = id.entry.index();
        let (from, to) = (*self.start.get(e)?, *self.start.get(e + 1)?);
        (id.claim < to - from).then_some(from + id.claim)
    }

    fn get(&self, id: &ClaimId) -> Option<&Fact> {
        self.facts.get(self.slot(*id)?)?.as_ref()
    }

    /// Sets the fact of claim `id` and returns the one it had.
    fn set(&mut self, id: ClaimId, fact: Option<Fact>) -> Option<Fact> {
        let slot = self.slot(id)?;
        std::mem::replace(&mut self.facts[slot], fact)
    }

    /// Every fact, in claim order.
    fn iter(&self) -> impl Iterator<Item = (ClaimId, &Fact)> {
        self.start.windows(2).enumerate().flat_map(move |(e, w)| {
            self.facts[w[0]..w[1]]
                .iter()
                .enumerate()
                .filter_map(move |(claim, f)| {
                    let id = ClaimId {
                        entry: EntryId::new(e),
                        claim,
                    };
                    Some((id, f.as_ref()?))
                })
        })
    }
}

impl std::ops::Index<&ClaimId> for Facts {
    type Output = Fact;

    fn index(&self, id: &ClaimId) -> &Fact {
        match self.get(id) {
            Some(f) => f,
            None => panic!("claim {id:?} has no fact"),
        }
    }
}

/// A closed range of numbers and the property's tolerance.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Span {
    lo: f64,
    hi: f64,
    tolerance: f64,
}

impl Span {
    /// The range as the finding shows it: `7`, `5 to 9`, `at least 5`, `at most 9`.
    fn shown(&self) -> String {
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) if self.lo == self.hi => format!("{}", self.lo),
            (true, true) => format!("{} to {}", self.lo, self.hi),
            (true, false) => format!("at least {}", self.lo),
            (false, true) => format!("at most {}", self.hi),
            (false, false) => "any number".into(),
        }
    }
}

/// A claim's range on a quantity property, as the findings show it (`5 to 9 people`), when the
/// vocabulary can read it.
pub fn range_shown(kb: &Kb, id: ClaimId) -> Option<String> {
    let claim = kb.claim(id);
    let def = kb
        .vocabulary
        .as_ref()?
        .properties
        .get(claim.property.as_ref()?.value.as_str())?;
    let span = quantity(def, claim)?;
    Some(match &def.unit {
        Some(u) => format!("{} {u}", span.shown()),
        None => span.shown(),
    })
}

fn quantity(def: &crate::vocabulary::Property, claim: &crate::model::Claim) -> Option<Span> {
    if def.kind != Kind::Quantity {
        return None;
    }
    let q = match (&claim.value, claim.range()) {
        (Some(v), None) => Quantity::Number(&v.value),
        (None, Some(r)) => Quantity::Range(
            r.min.as_ref().map(|t| t.value.as_str()),
            r.max.as_ref().map(|t| t.value.as_str()),
        ),
        _ => return None,
    };
    let (lo, hi) = def.quantity(&q).ok()?;
    Some(Span {
        lo,
        hi,
        tolerance: def.tolerance,
    })
}

/// `s` as the vocabulary's shared copy, when it is one of its names or values.
fn shared(names: &HashMap<String, Arc<str>>, s: &str) -> Arc<str> {
    names.get(s).cloned().unwrap_or_else(|| Arc::from(s))
}

/// Every claim read into a fact, with its (subject, property) for grouping; `None` for a claim
/// that the vocabulary does not accept or whose subject names no entry.
fn read(
    kb: &Kb,
    vocabulary: Option<&Vocabulary>,
    names: &HashMap<String, Arc<str>>,
    id: ClaimId,
) -> Option<Fact> {
    let shared = |s: &str| shared(names, s);
    let claim = kb.claim(id);
    let subject = kb.subject(id)?;
    let period = claim.is_timed().then(|| {
        Box::new(Period {
            from: claim.valid_from().map(|m| m.at),
            to: claim.valid_to().map(|m| m.at),
        })
    });
    let Some(property) = &claim.property else {
        if claim.value.is_some()
            || claim.range().is_some()
            || claim.above().is_some()
            || claim.below().is_some()
        {
            return None;
        }
        let words = wording::words(claim.text.as_deref()?);
        if words.is_empty() {
            return None;
        }
        return Some(Fact {
            subject,
            property: shared(""),
            reading: Reading::Words(Box::new(Words {
                key: wording::key(&words),
                without: wording::without_one_negation(&words),
            })),
            negated: claim.negated,
            period,
        });
    };
    let def = vocabulary?.properties.get(property.value.as_str())?;
    let (subject, reading) = match (def.kind, &claim.value, claim.above(), claim.below()) {
        (Kind::Single | Kind::Multi, Some(v), None, None)
            if claim.range().is_none() && def.has(&v.value) =>
        {
            (
                subject,
                Reading::Value {
                    value: shared(&v.value),
                    single: def.kind == Kind::Single,
                },
            )
        }
        (Kind::Order, None, Some(t), None) if claim.range().is_none() => {
            let t = kb.entry(&t.value)?;
            (subject, Reading::Above(subject, t))
        }
        (Kind::Order, None, None, Some(t)) if claim.range().is_none() => {
            let t = kb.entry(&t.value)?;
            (t, Reading::Above(t, subject))
        }
        (Kind::Quantity, _, None, None) => {
            (subject, Reading::Quantity(Box::new(quantity(def, claim)?)))
        }
        _ => return None,
    };
    Some(Fact {
        subject,
        property: shared(&property.value),
        reading,
        negated: claim.negated,
        period,
    })
}

pub fn analyse(kb: &Kb) -> Contradictions {
    let vocabulary = kb.vocabulary.as_ref();
    let mut out = Contradictions::default();
    let mut names: HashMap<String, Arc<str>> = HashMap::from([(String::new(), Arc::from(""))]);
    for (name, def) in vocabulary.iter().flat_map(|v| &v.properties) {
        for word in std::iter::once(name).chain(&def.values) {
            names
                .entry(word.clone())
                .or_insert_with(|| Arc::from(word.as_str()));
        }
    }
    for (name, def) in vocabulary.iter().flat_map(|v| &v.properties) {
        for a in &def.values {
            for b in def.contraries(a) {
                let key = (shared(&names, name), shared(&names, a), shared(&names, b));
                out.contrary.insert(key);
            }
        }
    }
    out.facts = Facts::new(kb);
    for (id, claim) in kb.all_claims() {
        let fact = read(kb, vocabulary, &names, id);
        out.facts.set(id, fact);
        if !claim.disputes.is_empty() {
            out.linked.push(id);
        }
    }
    out.names = names;
    out.search(kb);
    out
}

impl Contradictions {
    /// Finds the contradictions between the facts read, searching every group.
    fn search(&mut self, kb: &Kb) {
        // Claims with a property, grouped by sorting on (subject, property): one list for the
        // whole KB rather than one per subject and property. A stable sort keeps path order.
        let mut by_subject: Vec<(ClaimId, &Fact)> = self
            .facts
            .iter()
            .filter(|(_, f)| !f.property.is_empty())
            .collect();
        by_subject.sort_by(|a, b| {
            (a.1.subject, &a.1.property, a.0).cmp(&(b.1.subject, &b.1.property, b.0))
        });
        let mut by_group = BTreeMap::new();
        for group in
            by_subject.chunk_by(|a, b| a.1.subject == b.1.subject && a.1.property == b.1.property)
        {
            let found = self.property_group(group);
            if !found.0.is_empty() {
                let fact = group[0].1;
                by_group.insert(
                    Group::Property(fact.subject, fact.property.to_string()),
                    found.0,
                );
            }
        }
        self.in_words(&mut by_group);
        self.circles(&mut by_group);
        self.by_group = by_group;
        self.assemble(kb);
    }

    /// The contradictions among the claims of one subject and property, sorted.
    fn property_group(&self, group: &[(ClaimId, &Fact)]) -> Found {
        let mut found = Found::default();
        if group.len() < 2 {
            return found;
        }
        let quantities = matches!(group[0].1.reading, Reading::Quantity(_));
        let timed = group.iter().any(|(_, f)| f.is_timed());
        let negated = group.iter().any(|(_, f)| f.negated);
        if quantities && !timed && !negated {
            self.quantities(group, &mut found);
        } else if quantities || timed {
            self.pair_by_pair(group, &mut found);
        } else {
            self.by_value(group, &mut found);
        }
        found
    }

    /// `found` made from what each group found: every candidate checked against the
    /// `disputes` links.
    fn assemble(&mut self, kb: &Kb) {
        self.found.clear();
        self.circles.clear();
        let by_group = std::mem::take(&mut self.by_group);
        for c in by_group.values().flatten() {
            if c.tally.is_empty() {
                self.add(kb, c.conflict, &c.property, c.claims.clone());
            } else {
                let tally = c.tally.clone();
                self.add_group(
                    kb,
                    c.conflict,
                    &c.property,
                    c.claims.clone(),
                    tally,
                    c.pairs,
                );
            }
        }
        self.by_group = by_group;
    }
}

/// A contradiction found, before it is checked against the `disputes` links.
#[derive(Debug)]
struct Candidate {
    conflict: Conflict,
    property: String,
    claims: Vec<ClaimId>,
    /// Empty for a pair or a circle.
    tally: Vec<(String, usize)>,
    /// How many pairs of a tallied group conflict.
    pairs: usize,
}

/// The contradictions found so far.
#[derive(Default)]
struct Found(Vec<Candidate>);

impl Found {
    fn pair(&mut self, conflict: Conflict, property: &str, a: ClaimId, b: ClaimId) {
        self.one(conflict, property, vec![a, b]);
    }

    /// A pair or a circle.
    fn one(&mut self, conflict: Conflict, property: &str, claims: Vec<ClaimId>) {
        self.0.push(Candidate {
            conflict,
            property: property.to_string(),
            claims,
            tally: Vec::new(),
            pairs: 0,
        });
    }

    fn group(
        &mut self,
        conflict: Conflict,
        property: &str,
        claims: Vec<ClaimId>,
        tally: Vec<(String, usize)>,
        pairs: usize,
    ) {
        self.0.push(Candidate {
            conflict,
            property: property.to_string(),
            claims,
            tally,
            pairs,
        });
    }
}

impl Contradictions {
    /// A group of one subject and property whose claims all hold at all times and assert
    /// values or rankings: claims grouped by what they assert.
    fn by_value(&self, group: &[(ClaimId, &Fact)], found: &mut Found) {
        let property: &str = &group[0].1.property;
        // Same assertion, different `negated`; in the order of each assertion's first claim.
        let mut order: Vec<&Reading> = Vec::new();
        let mut by_reading: Vec<(Vec<ClaimId>, Vec<ClaimId>)> = Vec::new();
        for &(id, fact) in group {
            let slot = match order.iter().position(|r| **r == fact.reading) {
                Some(n) => n,
                None => {
                    order.push(&fact.reading);
                    by_reading.push((Vec::new(), Vec::new()));
                    order.len() - 1
                }
            };
            if fact.negated {
                by_reading[slot].1.push(id)
            } else {
                by_reading[slot].0.push(id)
            }
        }
        for (yes, no) in &by_reading {
            if yes.len().saturating_mul(no.len()) > PAIR_LIMIT {
                let tally = vec![(String::new(), yes.len()), ("not".to_string(), no.len())];
                let claims = yes.iter().chain(no).copied().collect();
                found.group(
                    Conflict::Negation,
                    property,
                    claims,
                    tally,
                    yes.len() * no.len(),
                );
                continue;
            }
            for &a in yes {
                for &b in no {
                    found.pair(Conflict::Negation, property, a, b);
                }
            }
        }
        // Non-negated claims with values that cannot hold together: any two different values
        // of a single property, the contrary values of a multi one.
        let values: Vec<(&str, &Vec<ClaimId>)> = order
            .iter()
            .zip(&by_reading)
            .filter_map(|(r, (yes, _))| match r {
                Reading::Value { value, .. } if !yes.is_empty() => Some((&**value, yes)),
                _ => None,
            })
            .collect();
        let single = matches!(group[0].1.reading, Reading::Value { single: true, .. });
        let mut pairs_of_values: Vec<(usize, usize)> = Vec::new();
        if single {
            for i in 0..values.len() {
                for j in i + 1..values.len() {
                    pairs_of_values.push((i, j));
                }
            }
        } else if self.contrary.iter().any(|(p, _, _)| **p == *property) {
            for (i, (x, _)) in values.iter().enumerate() {
                for (j, (y, _)) in values.iter().enumerate().skip(i + 1) {
                    if self.contrary.contains(&(
                        group[0].1.property.clone(),
                        Arc::from(*x),
                        Arc::from(*y),
                    )) {
                        pairs_of_values.push((i, j));
                    }
                }
            }
        }
        let pairs: usize = pairs_of_values
            .iter()
            .map(|&(i, j)| values[i].1.len() * values[j].1.len())
            .sum();
        if pairs > PAIR_LIMIT {
            let involved: BTreeSet<usize> =
                pairs_of_values.iter().flat_map(|&(i, j)| [i, j]).collect();
            let tally = involved
                .iter()
                .map(|&i| (values[i].0.to_string(), values[i].1.len()))
                .collect();
            let claims = involved
                .iter()
                .flat_map(|&i| values[i].1.iter().copied())
                .collect();
            found.group(Conflict::Values, property, claims, tally, pairs);
            return;
        }
        for (i, j) in pairs_of_values {
            for &a in values[i].1 {
                for &b in values[j].1 {
                    found.pair(Conflict::Values, property, a, b);
                }
            }
        }
    }

    /// A group of one subject and property searched pair by pair: quantities, and claims that
    /// say when they hold.
    fn pair_by_pair(&self, group: &[(ClaimId, &Fact)], found: &mut Found) {
        // Per kind of conflict: the first pairs (one more than are reported one by one), how
        // many there are, and the claims they join; memory grows with the group, not its pairs.
        struct Pairs {
            first: Vec<(ClaimId, ClaimId)>,
            count: usize,
            involved: HashSet<ClaimId>,
        }
        let mut by_conflict = [Conflict::Values, Conflict::Negation].map(|_| Pairs {
            first: Vec::new(),
            count: 0,
            involved: HashSet::new(),
        });
        for (i, &(a, fa)) in group.iter().enumerate() {
            for &(b, fb) in &group[i + 1..] {
                let slot = match self.conflict(fa, fb) {
                    Some(Conflict::Values) => &mut by_conflict[0],
                    Some(_) => &mut by_conflict[1],
                    None => continue,
                };
                slot.count += 1;
                if slot.first.len() <= PAIR_LIMIT {
                    slot.first.push((a, b));
                }
                slot.involved.insert(a);
                slot.involved.insert(b);
            }
        }
        for (conflict, pairs) in [Conflict::Values, Conflict::Negation]
            .into_iter()
            .zip(by_conflict)
        {
            self.report_pairs(
                group,
                conflict,
                pairs.first,
                pairs.count,
                pairs.involved,
                found,
            );
        }
    }

    /// A group of one subject and a quantity property whose claims all hold at all times and
    /// none is negated: its ranges sorted by their upper end, so that for each range the ones
    /// entirely below it are counted by binary search rather than by comparing every pair.
    fn quantities(&self, group: &[(ClaimId, &Fact)], found: &mut Found) {
        let widened = |f: &Fact| match &f.reading {
            Reading::Quantity(s) => (s.lo - s.tolerance, s.hi + s.tolerance),
            _ => (f64::NAN, f64::NAN),
        };
        let mut by_top: Vec<(f64, ClaimId)> =
            group.iter().map(|&(id, f)| (widened(f).1, id)).collect();
        by_top.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let below = |lo: f64| by_top.partition_point(|&(top, _)| top < lo);
        let count: usize = group.iter().map(|&(_, f)| below(widened(f).0)).sum();
        let mut first = Vec::new();
        let mut involved = HashSet::new();
        if count <= PAIR_LIMIT {
            for &(b, f) in group {
                for &(_, a) in &by_top[..below(widened(f).0)] {
                    first.push((a.min(b), a.max(b)));
                    involved.extend([a, b]);
                }
            }
        } else {
            // A claim is in some conflicting pair when a range lies entirely below it, or when
            // its range lies entirely below the one that starts highest.
            let highest = group
                .iter()
                .map(|&(_, f)| widened(f).0)
                .fold(f64::NEG_INFINITY, f64::max);
            involved.extend(by_top[..below(highest)].iter().map(|&(_, a)| a));
            involved.extend(
                group
                    .iter()
                    .filter(|&&(_, f)| below(widened(f).0) > 0)
                    .map(|&(b, _)| b),
            );
        }
        first.sort();
        self.report_pairs(group, Conflict::Values, first, count, involved, found);
    }

    /// The pairs of one kind of conflict in a group: one by one up to [`PAIR_LIMIT`], else one
    /// tallied contradiction of the claims `involved`.
    fn report_pairs(
        &self,
        group: &[(ClaimId, &Fact)],
        conflict: Conflict,
        first: Vec<(ClaimId, ClaimId)>,
        count: usize,
        involved: HashSet<ClaimId>,
        found: &mut Found,
    ) {
        let property: &str = &group[0].1.property;
        if count <= PAIR_LIMIT {
            for (a, b) in first {
                found.pair(conflict, property, a, b);
            }
            return;
        }
        let mut claims: Vec<ClaimId> = involved.into_iter().collect();
        claims.sort();
        let mut tally: Vec<(String, usize)> = Vec::new();
        for &(_, fact) in group
            .iter()
            .filter(|(id, _)| claims.binary_search(id).is_ok())
        {
            let name = match (&fact.reading, conflict) {
                (_, Conflict::Negation) if fact.negated => "not".to_string(),
                (_, Conflict::Negation) => String::new(),
                (Reading::Value { value, .. }, _) => value.to_string(),
                (Reading::Quantity(s), _) => s.shown(),
                _ => String::new(),
            };
            match tally.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => tally.push((name, 1)),
            }
        }
        found.group(conflict, property, claims, tally, count);
    }

    /// Claims without property on one subject whose words are the same once one negation is
    /// taken out.
    fn in_words(&self, by_group: &mut BTreeMap<Group, Vec<Candidate>>) {
        let mut by_key: HashMap<(EntryId, &str), Vec<ClaimId>> = HashMap::new();
        let mut words: Vec<(ClaimId, &Fact)> = Vec::new();
        // In claim order, so each list is sorted.
        for (id, fact) in self.facts.iter() {
            if let Reading::Words(w) = &fact.reading {
                by_key
                    .entry((fact.subject, w.key.as_str()))
                    .or_default()
                    .push(id);
                words.push((id, fact));
            }
        }
        // For each wording, the claims that say it and those that say it with one negation.
        let mut negations: BTreeMap<(EntryId, &str), Vec<ClaimId>> = BTreeMap::new();
        for &(id, fact) in &words {
            let Reading::Words(said) = &fact.reading else {
                continue;
            };
            for w in &said.without {
                if by_key.contains_key(&(fact.subject, w.as_str())) {
                    negations
                        .entry((fact.subject, w.as_str()))
                        .or_default()
                        .push(id);
                }
            }
        }
        for ((subject, key), no) in negations {
            let found = self.wording(&by_key[&(subject, key)], &no);
            if !found.0.is_empty() {
                by_group.insert(Group::Words(subject, key.to_string()), found.0);
            }
        }
    }

    /// The contradictions between the claims `yes` that say some words and the claims `no`
    /// that say them with one negation (each list sorted).
    fn wording(&self, yes: &[ClaimId], no: &[ClaimId]) -> Found {
        let mut found = Found::default();
        let timed = yes.iter().chain(no).any(|id| self.facts[id].is_timed());
        if !timed && yes.len().saturating_mul(no.len()) > PAIR_LIMIT {
            let tally = vec![(String::new(), yes.len()), ("not".to_string(), no.len())];
            let claims = yes.iter().chain(no).copied().collect();
            found.group(Conflict::Negation, "", claims, tally, yes.len() * no.len());
            return found;
        }
        let mut pairs: Vec<(ClaimId, ClaimId)> = Vec::new();
        for &a in yes {
            for &b in no {
                if self.facts[&a].overlaps(&self.facts[&b]) {
                    pairs.push((a, b));
                }
            }
        }
        if pairs.len() > PAIR_LIMIT {
            let mut claims: Vec<ClaimId> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
            claims.sort();
            claims.dedup();
            let tally = vec![(String::new(), yes.len()), ("not".to_string(), no.len())];
            let n = pairs.len();
            found.group(Conflict::Negation, "", claims, tally, n);
            return found;
        }
        for (a, b) in pairs {
            found.pair(Conflict::Negation, "", a, b);
        }
        found
    }

    /// Circles of non-negated rankings, per order property.
    fn circles(&self, by_group: &mut BTreeMap<Group, Vec<Candidate>>) {
        let mut edges: BTreeMap<&str, Vec<(EntryId, EntryId, ClaimId)>> = BTreeMap::new();
        for (id, fact) in self.facts.iter() {
            if let (Reading::Above(a, b), false) = (&fact.reading, fact.negated) {
                edges.entry(&fact.property).or_default().push((*a, *b, id));
            }
        }
        for (property, edges) in edges {
            let found = self.circle(property, &edges);
            if !found.0.is_empty() {
                by_group.insert(Group::Order(property.to_string()), found.0);
            }
        }
    }

    /// The circles of the rankings `edges` of one order property (in claim order). Where
    /// rankings say when they hold, a circle counts only when all its rankings hold at one
    /// moment: the graph is searched once per stretch of time between the moments where some
    /// ranking starts or ends.
    fn circle(&self, property: &str, edges: &[(EntryId, EntryId, ClaimId)]) -> Found {
        let mut found = Found::default();
        let mut moments: Vec<Instant> = edges
            .iter()
            .flat_map(|(_, _, id)| {
                let f = &self.facts[id];
                [f.from(), f.to()]
            })
            .flatten()
            .collect();
        if moments.is_empty() {
            for cycle in cycles(edges) {
                found.one(Conflict::Cycle, property, cycle);
            }
            return found;
        }
        moments.sort_unstable();
        moments.dedup();
        let mut seen: BTreeSet<Vec<ClaimId>> = BTreeSet::new();
        for at in std::iter::once(None).chain(moments.into_iter().map(Some)) {
            let now: Vec<(EntryId, EntryId, ClaimId)> = edges
                .iter()
                .copied()
                .filter(|(_, _, id)| self.facts[id].holds_at(at))
                .collect();
            for mut cycle in cycles(&now) {
                cycle.sort();
                if seen.insert(cycle.clone()) {
                    found.one(Conflict::Cycle, property, cycle);
                }
            }
        }
        found
    }

    fn add(&mut self, kb: &Kb, conflict: Conflict, property: &str, mut claims: Vec<ClaimId>) {
        claims.sort();
        claims.dedup();
        let members: HashSet<ClaimId> = claims.iter().copied().collect();
        let acknowledged = claims.iter().any(|&c| {
            kb.claim(c)
                .disputes
                .iter()
                .filter_map(|d| kb.claim_ref(c.entry, &d.target.value))
                .any(|t| t != c && members.contains(&t))
        });
        if conflict == Conflict::Cycle {
            let index = self.found.len();
            for &c in &claims {
                self.circles.entry(c).or_default().push(index);
            }
        }
        self.found.push(Contradiction {
            conflict,
            property: property.to_string(),
            claims,
            acknowledged,
            tally: Vec::new(),
            pairs: 0,
            acknowledged_pairs: 0,
        });
    }

    /// A group of claims with `pairs` conflicting pairs, as one contradiction.
    fn add_group(
        &mut self,
        kb: &Kb,
        conflict: Conflict,
        property: &str,
        mut claims: Vec<ClaimId>,
        tally: Vec<(String, usize)>,
        pairs: usize,
    ) {
        claims.sort();
        claims.dedup();
        let mut acknowledged: HashSet<(ClaimId, ClaimId)> = HashSet::new();
        for &c in &claims {
            for d in &kb.claim(c).disputes {
                if let Some(t) = kb.claim_ref(c.entry, &d.target.value)
                    && claims.binary_search(&t).is_ok()
                    && let (Some(x), Some(y)) = (self.facts.get(&c), self.facts.get(&t))
                    && self.conflict(x, y) == Some(conflict)
                {
                    acknowledged.insert((c.min(t), c.max(t)));
                }
            }
        }
        self.found.push(Contradiction {
            conflict,
            property: property.to_string(),
            claims,
            acknowledged: acknowledged.len() == pairs,
            tally,
            pairs,
            acknowledged_pairs: acknowledged.len(),
        });
    }
}

/// Strongly connected components of the "ranks above" graph that form a circle (more than one
/// subject, or one subject ranked above itself), each as the claims whose ranking lies inside it.
fn cycles(edges: &[(EntryId, EntryId, ClaimId)]) -> Vec<Vec<ClaimId>> {
    let mut nodes: Vec<EntryId> = edges.iter().flat_map(|&(a, b, _)| [a, b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let index_of = |e: EntryId| nodes.binary_search(&e).unwrap_or(0);
    let mut adjacency: Vec<Vec<usize>> = vec![Vec::new(); nodes.len()];
    for &(a, b, _) in edges {
        adjacency[index_of(a)].push(index_of(b));
    }
    let component = tarjan(&adjacency);
    let mut by_component: BTreeMap<usize, Vec<ClaimId>> = BTreeMap::new();
    let mut size: HashMap<usize, usize> = HashMap::new();
    for &c in &component {
        *size.entry(c).or_default() += 1;
    }
    for &(a, b, claim) in edges {
        let (ca, cb) = (component[index_of(a)], component[index_of(b)]);
        if ca == cb && (size[&ca] > 1 || a == b) {
            by_component.entry(ca).or_default().push(claim);
        }
    }
    by_component.into_values().collect()
}

/// Tarjan's strongly connected components, iteratively: the component number of every node.
fn tarjan(adjacency: &[Vec<usize>]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = adjacency.len();
    let (mut index, mut low, mut component) = (vec![NONE; n], vec![0; n], vec![NONE; n]);
    let mut on_stack = vec![false; n];
    let (mut stack, mut next_index, mut next_component) = (Vec::new(), 0, 0);
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(top) = work.last_mut() {
            let (v, child) = (top.0, top.1);
            if child == 0 && index[v] == NONE {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = adjacency[v].get(child) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if index[w] == NONE {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component[w] = next_component;
                    if w == v {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}

/// Whether two versions of an entry give the analysis the same claims to read: the same
/// claims in the same order, asserting the same things at the same times, with the same
/// `disputes` links (where they are written, and what they cite, do not count). An edit that
/// keeps them leaves the contradictions of the KB as they are.
pub fn same_reading(a: &Entry, b: &Entry) -> bool {
    fn value(t: Option<&Text>) -> Option<&str> {
        t.map(|t| t.value.as_str())
    }
    fn bounds(r: Option<&crate::model::Bounds>) -> Option<(Option<&str>, Option<&str>)> {
        r.map(|r| (value(r.min.as_ref()), value(r.max.as_ref())))
    }
    let moment = |m: Option<&crate::model::Moment>| m.map(|m| m.at);
    let same = |x: &Claim, y: &Claim| {
        x.id.value == y.id.value
            && x.text == y.text
            && value(x.subject()) == value(y.subject())
            && value(x.property.as_ref()) == value(y.property.as_ref())
            && value(x.value.as_ref()) == value(y.value.as_ref())
            && bounds(x.range()) == bounds(y.range())
            && value(x.above()) == value(y.above())
            && value(x.below()) == value(y.below())
            && x.negated == y.negated
            && moment(x.valid_from()) == moment(y.valid_from())
            && moment(x.valid_to()) == moment(y.valid_to())
            && x.disputes.len() == y.disputes.len()
            && x.disputes
                .iter()
                .zip(&y.disputes)
                .all(|(p, q)| p.target.value == q.target.value)
    };
    a.claims.len() == b.claims.len() && a.claims.iter().zip(&b.claims).all(|(x, y)| same(x, y))
}

#[cfg(test)]
mod tests {
    use super::tarjan;

    #[test]
    fn components_of_a_small_graph() {
        // 0 -> 1 -> 2 -> 0 is a circle, 3 stands alone, 4 -> 4 loops.
        let c = tarjan(&[vec![1], vec![2], vec![0, 3], vec![], vec![4]]);
        assert_eq!(c[0], c[1]);
        assert_eq!(c[1], c[2]);
        assert_ne!(c[2], c[3]);
        assert_ne!(c[3], c[4]);
    }
}
