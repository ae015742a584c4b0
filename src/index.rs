//! The index stage: the read-only KB that rules check. Entries by id and alias, sources,
//! claims, and the analyses that several rules share (citations, contradictions), each
//! computed once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Files};
use crate::model::{Claim, Entry};
use crate::vocabulary::Vocabulary;

/// Index of an entry in [`Kb::entries`].
pub type EntryId = usize;

/// A claim: its entry and its place in the entry's `claims`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClaimId {
    pub entry: EntryId,
    pub claim: usize,
}

/// An entry with at most this many claims is searched claim by claim; only larger ones are
/// indexed in [`Kb`]'s map (most entries have a handful, and a KB has many entries).
const FEW_CLAIMS: usize = 16;

pub struct Kb {
    pub settings: Settings,
    pub files: Files,
    /// Entries in path order.
    pub entries: Vec<Entry>,
    /// Findings of the parse stage (`frontmatter`, `schema`).
    pub parse_findings: Vec<Diagnostic>,
    pub vocabulary: Option<Vocabulary>,
    /// Number of files matched by the collections.
    pub file_count: usize,
    names: HashMap<String, EntryId>,
    /// The part of `names` that names sources.
    sources: HashMap<String, EntryId>,
    /// The claims of the entries with more than [`FEW_CLAIMS`], by entry and claim id.
    claims: HashMap<(EntryId, String), usize>,
    pub(crate) citations: OnceLock<crate::citations::Citations>,
    pub(crate) contradictions: OnceLock<crate::contradictions::Contradictions>,
}

impl Kb {
    pub fn new(
        settings: Settings,
        files: Files,
        entries: Vec<Entry>,
        parse_findings: Vec<Diagnostic>,
        vocabulary: Option<Vocabulary>,
        file_count: usize,
    ) -> Kb {
        let mut names = HashMap::with_capacity(entries.len() * 2);
        // Ids first, so that an alias never shadows another entry's id.
        for (n, e) in entries.iter().enumerate() {
            names.entry(e.id.value.clone()).or_insert(n);
        }
        for (n, e) in entries.iter().enumerate() {
            for a in &e.aliases {
                names.entry(a.value.clone()).or_insert(n);
            }
        }
        // The names that resolve to a source: a small table, looked up once per citation.
        let mut sources = HashMap::new();
        for (n, e) in entries.iter().enumerate().filter(|(_, e)| e.is_source) {
            for name in std::iter::once(&e.id).chain(&e.aliases) {
                if names.get(&name.value) == Some(&n) {
                    sources.insert(name.value.clone(), n);
                }
            }
        }
        let mut claims = HashMap::new();
        for (n, e) in entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.claims.len() > FEW_CLAIMS)
        {
            for (c, claim) in e.claims.iter().enumerate() {
                claims.entry((n, claim.id.value.clone())).or_insert(c);
            }
        }
        Kb {
            settings,
            files,
            entries,
            parse_findings,
            vocabulary,
            file_count,
            names,
            sources,
            claims,
            citations: OnceLock::new(),
            contradictions: OnceLock::new(),
        }
    }

    /// The entry that `name` (an id or an alias) refers to.
    pub fn entry(&self, name: &str) -> Option<EntryId> {
        self.names.get(name).copied()
    }

    /// The source that `name` refers to (an entry of a `sources = true` collection).
    pub fn source(&self, name: &str) -> Option<EntryId> {
        // The same as `self.entry(name)` when that is a source.
        self.sources.get(name).copied()
    }

    /// The claim that a `disputes` reference made in entry `from` names: `entry#claim`, or a
    /// bare claim id of `from` itself.
    pub fn claim_ref(&self, from: EntryId, reference: &str) -> Option<ClaimId> {
        let (entry, claim) = match reference.rsplit_once('#') {
            Some((entry, claim)) => (self.entry(entry)?, claim),
            None => (from, reference),
        };
        let claims = &self.entries.get(entry)?.claims;
        let found = if claims.len() > FEW_CLAIMS {
            self.claims.get(&(entry, claim.to_string())).copied()
        } else {
            claims.iter().position(|c| c.id.value == claim)
        };
        found.map(|claim| ClaimId { entry, claim })
    }

    pub fn claim(&self, id: ClaimId) -> &Claim {
        &self.entries[id.entry].claims[id.claim]
    }

    /// Every claim with its id, in path order.
    pub fn all_claims(&self) -> impl Iterator<Item = (ClaimId, &Claim)> {
        self.entries.iter().enumerate().flat_map(|(e, entry)| {
            entry
                .claims
                .iter()
                .enumerate()
                .map(move |(c, claim)| (ClaimId { entry: e, claim: c }, claim))
        })
    }

    /// The entry a claim is about: its `subject` resolved, or the entry that holds it.
    /// `None` when the subject names no entry.
    pub fn subject(&self, id: ClaimId) -> Option<EntryId> {
        match &self.claim(id).subject {
            Some(s) => self.entry(&s.value),
            None => Some(id.entry),
        }
    }

    /// `entry#claim`, for messages.
    pub fn claim_name(&self, id: ClaimId) -> String {
        format!(
            "{}#{}",
            self.entries[id.entry].id.value,
            self.claim(id).id.value
        )
    }
}

impl Kb {
    /// Computes, side by side, the analyses that the rules named in `rules` share: the
    /// citation checks and the contradictions. A rule that found one still being computed by
    /// another would wait for it and hold its thread idle; computed first, each analysis gets
    /// every thread.
    pub fn prepare(&self, rules: &[&str]) {
        let any = |names: &[&str]| rules.iter().any(|r| names.contains(r));
        let citations = any(&[
            "quote-not-found",
            "misattributed-quote",
            "missing-quote",
            "unused-source",
        ]);
        let contradictions = any(&[
            "conflicting-values",
            "negation-conflict",
            "order-cycle",
            "acknowledged-dispute",
            "stale-dispute",
        ]);
        rayon::join(
            || citations.then(|| self.citations()),
            || contradictions.then(|| self.contradictions()),
        );
    }

    /// The contradictions between claims, computed on first use.
    pub fn contradictions(&self) -> &crate::contradictions::Contradictions {
        self.contradictions
            .get_or_init(|| crate::contradictions::analyse(self))
    }
}
