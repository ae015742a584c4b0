//! The index stage: the read-only KB that rules check. Entries by id and alias, sources, and
//! claims by entry and id.

use std::collections::HashMap;
use std::ops::Range;

use compact_str::CompactString;

use crate::diagnostic::{Diagnostic, Files};
use crate::model::{Claim, Entry};
use crate::vocabulary::Vocabulary;

/// An entry's place in [`Kb::entries`] (which are in path order, so the ids are too). A type of
/// its own, so that an entry's id is never taken for a file's or a claim's; `kb.entries[id]`
/// reads the entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(usize);

impl EntryId {
    /// The least and the greatest id, as the ends of a range of ids.
    pub const MIN: EntryId = EntryId(0);
    pub const MAX: EntryId = EntryId(usize::MAX);

    /// The id of the entry at `index` in [`Kb::entries`].
    pub fn new(index: usize) -> EntryId {
        EntryId(index)
    }

    /// The entry's place in [`Kb::entries`], for tables kept beside them.
    pub fn index(self) -> usize {
        self.0
    }
}

impl std::ops::Index<EntryId> for Vec<Entry> {
    type Output = Entry;

    fn index(&self, id: EntryId) -> &Entry {
        &self[id.0]
    }
}

impl std::ops::IndexMut<EntryId> for Vec<Entry> {
    fn index_mut(&mut self, id: EntryId) -> &mut Entry {
        &mut self[id.0]
    }
}

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
    /// Every file of the KB, in path order: entry `n` need not be in file `n`, since a file
    /// that does not parse has no entry.
    pub files: Files,
    /// Entries in path order.
    pub entries: Vec<Entry>,
    /// Findings of the parse stage (`frontmatter`, `schema`).
    pub parse_findings: Vec<Diagnostic>,
    pub vocabulary: Option<Vocabulary>,
    names: HashMap<CompactString, EntryId>,
    /// The part of `names` that names sources.
    sources: HashMap<CompactString, EntryId>,
    /// The claims of the entries with more than [`FEW_CLAIMS`], by entry and claim id.
    claims: HashMap<(EntryId, CompactString), usize>,
    /// The entries that declare each id declared more than once, in path order.
    shared: HashMap<CompactString, Vec<EntryId>>,
    /// The entries that declare each name (id or alias) that more than one entry declares, in
    /// path order: the `duplicate-id` findings of one entry, found without a pass over the KB.
    declarers: HashMap<CompactString, Vec<EntryId>>,
}

impl Kb {
    pub fn new(
        files: Files,
        entries: Vec<Entry>,
        parse_findings: Vec<Diagnostic>,
        vocabulary: Option<Vocabulary>,
    ) -> Kb {
        let mut names = HashMap::with_capacity(entries.len() * 2);
        // Ids first, so that an alias never shadows another entry's id.
        // Ids declared by more than one entry (a `duplicate-id` finding): the first in path
        // order owns the name, and the others are still searched for a claim reference.
        let mut shared: HashMap<CompactString, Vec<EntryId>> = HashMap::new();
        for (n, e) in entries.iter().enumerate().map(|(n, e)| (EntryId(n), e)) {
            if let Some(&first) = names.get(&e.id.value) {
                shared
                    .entry(e.id.value.clone())
                    .or_insert_with(|| vec![first])
                    .push(n);
            } else {
                names.insert(e.id.value.clone(), n);
            }
        }
        for (n, e) in entries.iter().enumerate().map(|(n, e)| (EntryId(n), e)) {
            for a in &e.aliases {
                names.entry(a.value.clone()).or_insert(n);
            }
        }
        // The names that resolve to a source: a small table, looked up once per citation.
        let mut sources = HashMap::new();
        for (n, e) in entries
            .iter()
            .enumerate()
            .map(|(n, e)| (EntryId(n), e))
            .filter(|(_, e)| e.is_source)
        {
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
            .map(|(n, e)| (EntryId(n), e))
            .filter(|(_, e)| e.claims.len() > FEW_CLAIMS)
        {
            for (c, claim) in e.claims.iter().enumerate() {
                claims.entry((n, claim.id.value.clone())).or_insert(c);
            }
        }
        let declarers = declarers(&entries);
        Kb {
            files,
            entries,
            parse_findings,
            vocabulary,
            names,
            sources,
            claims,
            shared,
            declarers,
        }
    }

    /// Puts `entry` in the place of entry `id` and returns the one it replaces, keeping the
    /// index as it is: the caller knows that both declare the same names (their [`Names`] are
    /// equal), so that nothing the index holds changes.
    pub fn replace_entry(&mut self, id: EntryId, entry: Entry) -> Entry {
        debug_assert!(Names::of(&self.entries[id]) == Names::of(&entry));
        std::mem::replace(&mut self.entries[id], entry)
    }

    /// The entry that file `file` holds, if it holds one.
    pub fn entry_of_file(&self, file: crate::diagnostic::FileId) -> Option<EntryId> {
        let at = self.entries.partition_point(|e| e.file < file);
        self.entries
            .get(at)
            .is_some_and(|e| e.file == file)
            .then_some(EntryId(at))
    }

    /// The entries that declare `name` (as id or alias), in path order, when more than one
    /// does.
    pub fn declarers(&self, name: &str) -> Option<&[EntryId]> {
        self.declarers.get(name).map(Vec::as_slice)
    }

    /// The files, entries, parse findings and vocabulary it was made of, to make another `Kb`
    /// after a change (the language server replaces one file and indexes again).
    pub fn into_parts(self) -> (Files, Vec<Entry>, Vec<Diagnostic>, Option<Vocabulary>) {
        (
            self.files,
            self.entries,
            self.parse_findings,
            self.vocabulary,
        )
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
    /// When two entries declare the id (a `duplicate-id` finding), the claim is looked for in
    /// both, so that the reference does not break for want of the right file.
    pub fn claim_ref(&self, from: EntryId, reference: &str) -> Option<ClaimId> {
        let Some((entry, claim)) = reference.rsplit_once('#') else {
            return self.claim_in(from, reference);
        };
        let first = self.entry(entry)?;
        self.claim_in(first, claim).or_else(|| {
            let others = self.shared.get(entry)?;
            others.iter().find_map(|&e| self.claim_in(e, claim))
        })
    }

    fn claim_in(&self, entry: EntryId, claim: &str) -> Option<ClaimId> {
        let claims = &self.entries.get(entry.0)?.claims;
        let found = if claims.len() > FEW_CLAIMS {
            self.claims
                .get(&(entry, CompactString::from(claim)))
                .copied()
        } else {
            claims.iter().position(|c| c.id.value == claim)
        };
        found.map(|claim| ClaimId { entry, claim })
    }

    /// Every entry with its id, in path order.
    pub fn entries_with_ids(&self) -> impl Iterator<Item = (EntryId, &Entry)> {
        self.entries
            .iter()
            .enumerate()
            .map(|(n, e)| (EntryId(n), e))
    }

    /// The id of every entry, in path order.
    pub fn entry_ids(&self) -> impl Iterator<Item = EntryId> + use<> {
        (0..self.entries.len()).map(EntryId)
    }

    pub fn claim(&self, id: ClaimId) -> &Claim {
        &self.entries[id.entry].claims[id.claim]
    }

    /// Every claim with its id, in path order.
    pub fn all_claims(&self) -> impl Iterator<Item = (ClaimId, &Claim)> {
        self.entries_with_ids().flat_map(|(e, entry)| {
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
        match self.claim(id).subject() {
            Some(s) => self.entry(&s.value),
            None => Some(id.entry),
        }
    }

    /// The byte range of a source's body in its file.
    pub fn body(&self, source: EntryId) -> Range<usize> {
        self.entries[source].body.clone()
    }

    /// The lowercase hex SHA-256 of a source's body: what its `sha256` must record (spec §3).
    pub fn body_digest(&self, source: EntryId) -> String {
        let entry = &self.entries[source];
        let body = self.files.get(entry.file).text().get(entry.body.clone());
        crate::digest::sha256_hex(body.unwrap_or("").as_bytes())
    }

    /// The source that each citation of `entry` names, when it names one, in order.
    pub fn cited<'k>(&'k self, entry: &'k Entry) -> impl Iterator<Item = EntryId> + 'k {
        entry
            .claims
            .iter()
            .flat_map(|c| &c.cites)
            .filter_map(|c| c.source.as_ref().and_then(|s| self.source(&s.value)))
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

/// The names (ids and aliases) declared by more than one entry, with their declarers.
fn declarers(entries: &[Entry]) -> HashMap<CompactString, Vec<EntryId>> {
    let mut first: HashMap<&str, EntryId> = HashMap::with_capacity(entries.len() * 2);
    let mut out: HashMap<CompactString, Vec<EntryId>> = HashMap::new();
    for (n, e) in entries.iter().enumerate() {
        let n = EntryId(n);
        for name in std::iter::once(&e.id).chain(&e.aliases) {
            match first.get(name.value.as_str()) {
                None => {
                    first.insert(&name.value, n);
                }
                Some(&m) if m == n => {}
                Some(&m) => {
                    let list = out.entry(name.value.clone()).or_insert_with(|| vec![m]);
                    if list.last() != Some(&n) {
                        list.push(n);
                    }
                }
            }
        }
    }
    out
}

/// What an entry declares that the index and the other entries' findings read: its ids and
/// aliases (with where they are written), whether it is a source or unreadable, and its claim
/// ids in order. Two versions of an entry with equal `Names` can replace each other in the
/// index ([`Kb::replace_entry`]) without any other entry's finding about names changing.
#[derive(Debug, PartialEq, Eq)]
pub struct Names<'e> {
    id: &'e crate::model::Text,
    aliases: &'e [crate::model::Text],
    is_source: bool,
    unreadable: bool,
    collection: usize,
    claim_ids: Vec<&'e str>,
}

impl<'e> Names<'e> {
    pub fn of(entry: &'e Entry) -> Names<'e> {
        Names {
            id: &entry.id,
            aliases: &entry.aliases,
            is_source: entry.is_source,
            unreadable: entry.unreadable,
            collection: entry.collection,
            claim_ids: entry.claims.iter().map(|c| c.id.value.as_str()).collect(),
        }
    }
}
