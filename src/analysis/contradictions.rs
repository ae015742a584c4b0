//! Contradictions between structured claims (spec §6), computed once for the rules
//! `conflicting-values`, `negation-conflict`, `order-cycle`, `acknowledged-dispute` and
//! `stale-dispute`.
//!
//! Claims are grouped by subject and property in hash maps, and the "ranks above" graph of each
//! order property is split into strongly connected components with Tarjan's algorithm (written
//! without recursion), so the work grows with the number of claims plus the number of findings.
//! A group whose conflicting pairs exceed [`PAIR_LIMIT`] is one contradiction with a tally of its
//! values instead of one per pair, so the findings too grow at most with the number of claims.

use std::collections::{BTreeMap, HashMap, HashSet};

/// The most pairs of conflicting claims of one subject and property (or of one claim and its
/// negations) reported one finding per pair; a larger group is one finding that tallies its
/// values.
pub const PAIR_LIMIT: usize = 50;

use crate::index::{ClaimId, EntryId, Kb};
use crate::vocabulary::Kind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Conflict {
    /// Two non-negated claims give a single property of one subject different values.
    Values,
    /// Two claims differ only in `negated`.
    Negation,
    /// Non-negated rankings of an order property form a circle.
    Cycle,
}

#[derive(Debug)]
pub struct Contradiction {
    pub conflict: Conflict,
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

#[derive(Debug, Default)]
pub struct Contradictions {
    pub found: Vec<Contradiction>,
    /// For every claim in a contradiction: which ones (index in `found`), and on which side of
    /// it the claim stands. Two claims contradict when they are on different sides of one.
    sides: HashMap<ClaimId, Vec<(usize, usize)>>,
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
        let (Some(x), Some(y)) = (self.sides.get(&a), self.sides.get(&b)) else {
            return false;
        };
        x.iter()
            .any(|&(c, side)| y.iter().any(|&(d, other)| c == d && side != other))
    }

    /// Every `disputes` link whose two claims do not contradict (a link to the claim itself
    /// included), in claim order: the `stale-dispute` findings, and the stale disputes of the
    /// HTML report.
    pub fn stale_links<'k>(&self, kb: &'k Kb) -> Vec<StaleLink<'k>> {
        let mut out = Vec::new();
        for (id, claim) in kb.all_claims() {
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

/// What a structured claim asserts, with its subject resolved.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Assertion<'a> {
    /// `subject` has `value`.
    Value(&'a str),
    /// `subject` ranks above `entry` (a `below` is turned around).
    Above(EntryId, EntryId),
}

/// A claim, what it asserts, and whether it is negated.
type Asserted<'a> = (ClaimId, Assertion<'a>, bool);

pub fn analyse(kb: &Kb) -> Contradictions {
    let Some(vocabulary) = &kb.vocabulary else {
        return Contradictions::default();
    };
    // Every claim that the vocabulary accepts, with its (subject, property), grouped below by
    // sorting: one list for the whole KB rather than one per subject and property.
    let with_property = kb
        .all_claims()
        .filter(|(_, c)| c.property.is_some())
        .count();
    let mut by_subject: Vec<((EntryId, &str), Asserted<'_>)> = Vec::with_capacity(with_property);
    let mut edges: BTreeMap<&str, Vec<(EntryId, EntryId, ClaimId)>> = BTreeMap::new();
    for (id, claim) in kb.all_claims() {
        let (Some(property), Some(subject)) = (&claim.property, kb.subject(id)) else {
            continue;
        };
        let Some(def) = vocabulary.properties.get(&property.value) else {
            continue;
        };
        let assertion = match (def.kind, &claim.value, &claim.above, &claim.below) {
            (Kind::Single | Kind::Multi, Some(v), None, None) if def.has(&v.value) => {
                Assertion::Value(&v.value)
            }
            (Kind::Order, None, Some(t), None) => match kb.entry(&t.value) {
                Some(t) => Assertion::Above(subject, t),
                None => continue,
            },
            (Kind::Order, None, None, Some(t)) => match kb.entry(&t.value) {
                Some(t) => Assertion::Above(t, subject),
                None => continue,
            },
            _ => continue,
        };
        if let (Assertion::Above(a, b), false) = (&assertion, claim.negated) {
            edges.entry(&property.value).or_default().push((*a, *b, id));
        }
        let key_subject = match assertion {
            Assertion::Above(a, _) => a,
            Assertion::Value(_) => subject,
        };
        by_subject.push((
            (key_subject, &property.value),
            (id, assertion, claim.negated),
        ));
    }

    let mut out = Contradictions::default();
    // A stable sort: within a group, the claims stay in path order.
    by_subject.sort_by(|a, b| a.0.cmp(&b.0));
    // A claim alone on its subject and property contradicts nothing.
    for group in by_subject
        .chunk_by(|a, b| a.0 == b.0)
        .filter(|g| g.len() > 1)
    {
        let property = group[0].0.1;
        let claims = group.iter().map(|(_, asserted)| asserted);
        let single = vocabulary
            .properties
            .get(property)
            .is_some_and(|p| p.kind == Kind::Single);
        // Same assertion, different `negated`.
        let mut by_assertion: HashMap<&Assertion<'_>, (Vec<ClaimId>, Vec<ClaimId>)> =
            HashMap::new();
        for (id, assertion, negated) in claims {
            let slot = by_assertion.entry(assertion).or_default();
            if *negated {
                slot.1.push(*id)
            } else {
                slot.0.push(*id)
            }
        }
        let mut by_assertion: Vec<_> = by_assertion.into_iter().collect();
        by_assertion.sort_by_key(|(_, (yes, no))| (yes.first().copied(), no.first().copied()));
        for (_, (yes, no)) in &by_assertion {
            if yes.len().saturating_mul(no.len()) > PAIR_LIMIT {
                let tally = vec![(String::new(), yes.len()), ("not".to_string(), no.len())];
                out.add_group(kb, Conflict::Negation, property, &[yes, no], tally);
                continue;
            }
            for &a in yes {
                for &b in no {
                    out.add(kb, Conflict::Negation, property, vec![a, b]);
                }
            }
        }
        // A single property: two non-negated claims with different values.
        if single {
            let values: Vec<&Vec<ClaimId>> = by_assertion
                .iter()
                .map(|(_, (yes, _))| yes)
                .filter(|v| !v.is_empty())
                .collect();
            let total: usize = values.iter().map(|v| v.len()).sum();
            let same: usize = values.iter().map(|v| v.len() * (v.len() - 1) / 2).sum();
            if values.len() > 1 && total * (total - 1) / 2 - same > PAIR_LIMIT {
                let tally = by_assertion
                    .iter()
                    .filter(|(_, (yes, _))| !yes.is_empty())
                    .map(|(a, (yes, _))| match a {
                        Assertion::Value(v) => (v.to_string(), yes.len()),
                        Assertion::Above(..) => (String::new(), yes.len()),
                    })
                    .collect();
                out.add_group(kb, Conflict::Values, property, &values, tally);
                continue;
            }
            for (i, left) in values.iter().enumerate() {
                for right in &values[i + 1..] {
                    for &a in left.iter() {
                        for &b in right.iter() {
                            out.add(kb, Conflict::Values, property, vec![a, b]);
                        }
                    }
                }
            }
        }
    }
    for (property, edges) in edges {
        for cycle in cycles(&edges) {
            out.add(kb, Conflict::Cycle, property, cycle);
        }
    }
    out
}

impl Contradictions {
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
        // Every claim of a circle (or of a pair) on a side of its own.
        let index = self.found.len();
        for (side, &c) in claims.iter().enumerate() {
            self.sides.entry(c).or_default().push((index, side));
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

    /// A group of claims where any two on different sides conflict, as one contradiction.
    fn add_group(
        &mut self,
        kb: &Kb,
        conflict: Conflict,
        property: &str,
        sides: &[&Vec<ClaimId>],
        tally: Vec<(String, usize)>,
    ) {
        let index = self.found.len();
        let mut side_of: HashMap<ClaimId, usize> = HashMap::new();
        for (side, claims) in sides.iter().enumerate() {
            for &c in claims.iter() {
                side_of.insert(c, side);
                self.sides.entry(c).or_default().push((index, side));
            }
        }
        let total: usize = sides.iter().map(|s| s.len()).sum();
        let same: usize = sides.iter().map(|s| s.len() * (s.len() - 1) / 2).sum();
        let pairs = total * (total.saturating_sub(1)) / 2 - same;
        let mut acknowledged: HashSet<(ClaimId, ClaimId)> = HashSet::new();
        for (&c, &side) in &side_of {
            for d in &kb.claim(c).disputes {
                if let Some(t) = kb.claim_ref(c.entry, &d.target.value)
                    && side_of.get(&t).is_some_and(|&other| other != side)
                {
                    acknowledged.insert((c.min(t), c.max(t)));
                }
            }
        }
        let mut claims: Vec<ClaimId> = side_of.into_keys().collect();
        claims.sort();
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
