//! The contradictions kept up to date after an edit (the language server): only the claims of
//! the edited entries are read again, and only the groups those claims leave or join are
//! searched again. Every other group keeps what the search found in it, and the findings are
//! made again from what every group found, as [`super::analyse`] makes them, so the two
//! always agree.

use std::collections::BTreeSet;

use rayon::slice::ParallelSliceMut;

use super::{Contradictions, Fact, Facts, Found, Group, Reading, read};
use crate::index::{ClaimId, EntryId, Kb};

const FIRST: ClaimId = ClaimId {
    entry: EntryId::MIN,
    claim: 0,
};
const LAST: ClaimId = ClaimId {
    entry: EntryId::MAX,
    claim: usize::MAX,
};

/// The claims of every group, sorted so that a group's claims are one range.
#[derive(Debug, Default)]
pub(super) struct Groups {
    /// The vocabulary's properties, sorted: a property is named by its place here.
    properties: Vec<String>,
    /// Claims with a property, by subject and property.
    by_property: BTreeSet<(EntryId, usize, ClaimId)>,
    /// Claims without property, by subject and their words...
    said: BTreeSet<(EntryId, String, ClaimId)>,
    /// ...and by subject and each wording they have with one negation taken out.
    unsaid: BTreeSet<(EntryId, String, ClaimId)>,
    /// Rankings that are not negated, by property.
    rankings: BTreeSet<(usize, ClaimId)>,
}

/// Where one claim goes in [`Groups`]: an item of each set.
#[derive(Default)]
struct Items {
    by_property: Option<(EntryId, usize, ClaimId)>,
    said: Option<(EntryId, String, ClaimId)>,
    unsaid: Vec<(EntryId, String, ClaimId)>,
    ranking: Option<(usize, ClaimId)>,
}

impl Groups {
    fn new(kb: &Kb, facts: &Facts) -> Groups {
        let empty = Groups {
            properties: kb
                .vocabulary
                .iter()
                .flat_map(|v| v.properties.keys().cloned())
                .collect(),
            ..Groups::default()
        };
        // Collected first and then made into sets, which builds each set in one pass.
        let (mut by_property, mut said, mut unsaid, mut rankings) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for (id, fact) in facts.iter() {
            let items = empty.items(id, fact);
            by_property.extend(items.by_property);
            said.extend(items.said);
            unsaid.extend(items.unsaid);
            rankings.extend(items.ranking);
        }
        by_property.par_sort_unstable();
        Groups {
            by_property: by_property.into_iter().collect(),
            said: said.into_iter().collect(),
            unsaid: unsaid.into_iter().collect(),
            rankings: rankings.into_iter().collect(),
            ..empty
        }
    }

    /// The items that put the claim `id`, asserting `fact`, in its groups.
    fn items(&self, id: ClaimId, fact: &Fact) -> Items {
        if let Reading::Words(w) = &fact.reading {
            return Items {
                said: Some((fact.subject, w.key.clone(), id)),
                unsaid: (w.without.iter())
                    .map(|u| (fact.subject, u.clone(), id))
                    .collect(),
                ..Items::default()
            };
        }
        let Some(p) = self.property(&fact.property) else {
            return Items::default();
        };
        let ranks = matches!(fact.reading, Reading::Above(..)) && !fact.negated;
        Items {
            by_property: Some((fact.subject, p, id)),
            ranking: ranks.then_some((p, id)),
            ..Items::default()
        }
    }

    fn property(&self, name: &str) -> Option<usize> {
        self.properties
            .binary_search_by(|p| p.as_str().cmp(name))
            .ok()
    }

    fn insert(&mut self, id: ClaimId, fact: &Fact) {
        self.place(id, fact, true);
    }

    fn remove(&mut self, id: ClaimId, fact: &Fact) {
        self.place(id, fact, false);
    }

    /// Puts the claim `id` in the groups of `fact` (`add`), or takes it out of them.
    fn place(&mut self, id: ClaimId, fact: &Fact, add: bool) {
        fn set<T: Ord>(set: &mut BTreeSet<T>, item: T, add: bool) {
            if add {
                set.insert(item);
            } else {
                set.remove(&item);
            }
        }
        let items = self.items(id, fact);
        if let Some(item) = items.by_property {
            set(&mut self.by_property, item, add);
        }
        if let Some(item) = items.said {
            set(&mut self.said, item, add);
        }
        for item in items.unsaid {
            set(&mut self.unsaid, item, add);
        }
        if let Some(item) = items.ranking {
            set(&mut self.rankings, item, add);
        }
    }

    /// The groups a claim asserting `fact` belongs to.
    fn of(fact: &Fact) -> Vec<Group> {
        match &fact.reading {
            Reading::Words(w) => std::iter::once(&w.key)
                .chain(&w.without)
                .map(|k| Group::Words(fact.subject, k.clone()))
                .collect(),
            Reading::Above(..) => vec![
                Group::Property(fact.subject, fact.property.to_string()),
                Group::Order(fact.property.to_string()),
            ],
            _ => vec![Group::Property(fact.subject, fact.property.to_string())],
        }
    }
}

impl Contradictions {
    /// What the search finds in one group, from its claims as `groups` holds them.
    fn search_group(&self, groups: &Groups, group: &Group) -> Found {
        let ids = |set: &BTreeSet<(EntryId, String, ClaimId)>, s: EntryId, k: &str| {
            set.range((s, k.to_string(), FIRST)..=(s, k.to_string(), LAST))
                .map(|&(_, _, id)| id)
                .collect::<Vec<ClaimId>>()
        };
        match group {
            Group::Property(subject, property) => {
                let Some(p) = groups.property(property) else {
                    return Found::default();
                };
                let claims: Vec<(ClaimId, &Fact)> = groups
                    .by_property
                    .range((*subject, p, FIRST)..=(*subject, p, LAST))
                    .filter_map(|&(_, _, id)| Some((id, self.facts.get(&id)?)))
                    .collect();
                self.property_group(&claims)
            }
            Group::Words(subject, key) => {
                let yes = ids(&groups.said, *subject, key);
                let no = ids(&groups.unsaid, *subject, key);
                if yes.is_empty() || no.is_empty() {
                    return Found::default();
                }
                self.wording(&yes, &no)
            }
            Group::Order(property) => {
                let Some(p) = groups.property(property) else {
                    return Found::default();
                };
                let edges: Vec<(EntryId, EntryId, ClaimId)> = groups
                    .rankings
                    .range((p, FIRST)..=(p, LAST))
                    .filter_map(|&(_, id)| match self.facts.get(&id)?.reading {
                        Reading::Above(a, b) => Some((a, b, id)),
                        _ => None,
                    })
                    .collect();
                self.circle(property, &edges)
            }
        }
    }
}

/// The contradictions of `kb` after the entries `changed` were replaced (keeping their names
/// and so the number of their claims, [`Kb::replace_entry`]), from the analysis `before` of
/// the KB as it was: only the claims of those entries are read again, and only the groups
/// they were in or are now in are searched again.
pub fn update(mut c: Contradictions, kb: &Kb, changed: &[EntryId]) -> Contradictions {
    let vocabulary = kb.vocabulary.as_ref();
    let mut groups = match c.groups.take() {
        Some(groups) => groups,
        None => Groups::new(kb, &c.facts),
    };
    let mut again: BTreeSet<Group> = BTreeSet::new();
    for &e in changed {
        // The entry's claims with `disputes` links, in their place.
        let from = c.linked.partition_point(|id| id.entry < e);
        let to = c.linked.partition_point(|id| id.entry <= e);
        let linked = (kb.entries[e].claims.iter().enumerate())
            .filter(|(_, claim)| !claim.disputes.is_empty())
            .map(|(claim, _)| ClaimId { entry: e, claim });
        c.linked.splice(from..to, linked);
        for claim in 0..kb.entries[e].claims.len() {
            let id = ClaimId { entry: e, claim };
            let new = read(kb, vocabulary, &c.names, id);
            if new.as_ref() == c.facts.get(&id) {
                continue;
            }
            // Out of the old groups first: the new ones may be the same.
            if let Some(old) = c.facts.set(id, None) {
                groups.remove(id, &old);
                again.extend(Groups::of(&old));
            }
            if let Some(new) = new {
                groups.insert(id, &new);
                again.extend(Groups::of(&new));
                c.facts.set(id, Some(new));
            }
        }
    }
    for group in again {
        let found = c.search_group(&groups, &group);
        if found.0.is_empty() {
            c.by_group.remove(&group);
        } else {
            c.by_group.insert(group, found.0);
        }
    }
    c.groups = Some(groups);
    c.assemble(kb);
    c
}
