//! `kblint claims suggest`: the property and value that a free-text claim states.
//!
//! For each claim without `property`, the words of its `text` are compared with every value of
//! every `single` and `multi` property of the vocabulary, and with the value's `synonyms`: a
//! value is named when all of its words occur in a row (a plural `s` allowed). When the claim
//! has quotes, what its text names must also be named by one of them (the text says it and the
//! evidence backs it). A suggestion is made only when exactly one property and value are left;
//! a claim that names several is left alone and listed as ambiguous. A value that is the name of an entry of the KB (`owner: product-owner`) is
//! named only by its synonyms, since a text that mentions an entry does not say that the
//! property has it as its value. A value preceded within three words by `not`, `no`, `never` (or a
//! `n't` contraction) is suggested with `negated: true`. The claim's subject is never taken as
//! its value (a claim about the product owner that says "product owner" does not name the
//! value `product-owner`). A claim that already has a `property` is never touched.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;

use super::edit::{self, Addition, Insertion};
use crate::diagnostic::FileId;
use crate::fix::{self, Plan, PlannedFile};
use crate::index::{ClaimId, Kb};
use crate::model::Claim;
use crate::vocabulary::{Kind, Vocabulary};

/// A property and value that a claim's words name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub property: String,
    pub value: String,
    pub negated: bool,
    /// The words that named it: the value itself or one of its synonyms.
    pub term: String,
}

/// A claim and what to add to it.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub path: String,
    pub line: usize,
    /// `entry#claim`.
    pub claim: String,
    pub candidate: Candidate,
}

/// A claim without property that gets no suggestion, and why.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub path: String,
    pub line: usize,
    pub claim: String,
    pub why: String,
}

/// What `claims suggest` found.
#[derive(Debug, Default)]
pub struct Outcome {
    /// Every claim of the KB.
    pub claims: usize,
    /// The claims that have a `property` already.
    pub structured: usize,
    pub suggestions: Vec<Suggestion>,
    /// Claims whose words name several values, or whose layout cannot take the new keys.
    pub skipped: Vec<Skipped>,
    /// Claims whose words name no value at all.
    pub unmatched: usize,
    /// The files as they would be written.
    pub plan: Plan,
}

/// The suggestions for every claim of `kb` without `property`, and the edited files.
pub fn suggest(kb: &Kb) -> Outcome {
    let mut out = Outcome::default();
    let Some(vocabulary) = &kb.vocabulary else {
        out.claims = kb.all_claims().count();
        out.structured = kb
            .all_claims()
            .filter(|(_, c)| c.property.is_some())
            .count();
        return out;
    };
    let terms = Terms::new(vocabulary, kb);
    let mut edits: BTreeMap<FileId, Vec<(Insertion, usize)>> = BTreeMap::new();
    for (id, claim) in kb.all_claims() {
        out.claims += 1;
        if claim.property.is_some() {
            out.structured += 1;
            continue;
        }
        let entry = &kb.entries[id.entry];
        let file = kb.files.get(entry.file);
        let at = At {
            path: file.path.clone(),
            line: file.position(claim.id.span().start).line,
            claim: kb.claim_name(id),
        };
        let candidate = match named(&terms, kb, id, claim).and_then(choose) {
            Ok(Some(candidate)) => candidate,
            Ok(None) => {
                out.unmatched += 1;
                continue;
            }
            Err(why) => {
                out.skipped.push(at.skip(why));
                continue;
            }
        };
        let add = Addition {
            property: &candidate.property,
            value: &candidate.value,
            negated: candidate.negated,
        };
        match edit::insertion(file.text(), entry.format, claim.id.span(), &add) {
            Ok(ins) => {
                edits
                    .entry(entry.file)
                    .or_default()
                    .push((ins, out.suggestions.len()));
                out.suggestions.push(Suggestion {
                    path: at.path,
                    line: at.line,
                    claim: at.claim,
                    candidate,
                });
            }
            Err(why) => {
                let why = format!(
                    "names `{}: {}`, but {why}; add it by hand",
                    candidate.property, candidate.value
                );
                out.skipped.push(at.skip(why));
            }
        }
    }
    let (plan, refused) = plan(kb, edits);
    for (file, why) in refused {
        unsuggest(&mut out, &file, &why);
    }
    out.skipped
        .sort_by(|a, b| (&a.path, a.line).cmp(&(&b.path, b.line)));
    out.plan = plan;
    out
}

/// Where a claim is, for what is said about it.
struct At {
    path: String,
    line: usize,
    /// `entry#claim`.
    claim: String,
}

impl At {
    fn skip(&self, why: String) -> Skipped {
        Skipped {
            path: self.path.clone(),
            line: self.line,
            claim: self.claim.clone(),
            why,
        }
    }
}

/// What the text of claim `id` names, confirmed by a quote when the claim has quotes; `Err`
/// with the reason when no quote names what the text does.
fn named(
    terms: &Terms,
    kb: &Kb,
    id: ClaimId,
    claim: &Claim,
) -> Result<BTreeSet<Candidate>, String> {
    let subject = subject_words(kb, id);
    let in_text = claim
        .text
        .as_deref()
        .map(|t| terms.named(t, &subject))
        .unwrap_or_default();
    let quotes: Vec<&str> = claim
        .cites
        .iter()
        .filter_map(|c| c.quote.as_ref().map(|q| q.value.as_str()))
        .collect();
    if quotes.is_empty() || in_text.is_empty() {
        return Ok(in_text);
    }
    let mut quoted = BTreeSet::new();
    for q in &quotes {
        quoted.extend(terms.named(q, &subject));
    }
    let confirmed: BTreeSet<Candidate> = in_text
        .iter()
        .filter(|c| {
            quoted
                .iter()
                .any(|q| q.property == c.property && q.value == c.value)
        })
        .cloned()
        .collect();
    if confirmed.is_empty() {
        let named: BTreeSet<String> = in_text
            .iter()
            .map(|c| format!("`{}: {}`", c.property, c.value))
            .collect();
        return Err(format!(
            "its text names {}, but none of its quotes does",
            named.into_iter().collect::<Vec<_>>().join(", ")
        ));
    }
    Ok(confirmed)
}

/// The one property and value among `found`; `None` when there is none, `Err` with the
/// reason when there are several, or one named both with and without a negation.
fn choose(found: BTreeSet<Candidate>) -> Result<Option<Candidate>, String> {
    let named: BTreeSet<(&str, &str)> = found
        .iter()
        .map(|c| (c.property.as_str(), c.value.as_str()))
        .collect();
    match named.len() {
        0 => Ok(None),
        1 => {
            let negations: BTreeSet<bool> = found.iter().map(|c| c.negated).collect();
            if negations.len() > 1 {
                return Err(format!(
                    "names `{}` both with and without a negation",
                    found.iter().next().map_or("", |c| c.value.as_str())
                ));
            }
            Ok(found.into_iter().next())
        }
        _ => Err(format!(
            "names several values: {}",
            named
                .iter()
                .map(|(p, v)| format!("`{p}: {v}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Every suggestion in `file`, whose edit would not load, goes back to being skipped.
fn unsuggest(out: &mut Outcome, file: &str, why: &str) {
    let (kept, dropped): (Vec<_>, Vec<_>) = std::mem::take(&mut out.suggestions)
        .into_iter()
        .partition(|s| s.path != file);
    out.suggestions = kept;
    out.skipped.extend(dropped.into_iter().map(|s| Skipped {
        why: format!(
            "names `{}: {}`, but {why}; add it by hand",
            s.candidate.property, s.candidate.value
        ),
        path: s.path,
        line: s.line,
        claim: s.claim,
    }));
}

/// Writes the planned files with `--fix`'s lock and atomic writer: all of them or none. Returns
/// the files left alone because they changed since they were read.
pub fn write(root: &Path, plan: Plan) -> Result<Vec<String>> {
    fix::write_files(root, plan.files)
}

/// The edited files, and the files whose edit is refused (with the reason): one whose
/// frontmatter would no longer load cleanly (a key the claim already has, say `negated`).
fn plan(
    kb: &Kb,
    edits: BTreeMap<FileId, Vec<(Insertion, usize)>>,
) -> (Plan, Vec<(String, String)>) {
    let mut plan = Plan::default();
    let mut refused = Vec::new();
    for (file, mut insertions) in edits {
        let file = kb.files.get(file);
        insertions.sort_by_key(|(ins, _)| std::cmp::Reverse(ins.at));
        let mut new = file.text().to_string();
        for (ins, _) in &insertions {
            new.insert_str(ins.at, &ins.text);
        }
        if let Err(why) = loads_cleanly(&new) {
            refused.push((file.path.clone(), why));
            continue;
        }
        plan.files.push(PlannedFile {
            path: file.path.clone(),
            old: file.text().to_string(),
            new,
            applied: Vec::new(),
            digests: 0,
        });
    }
    (plan, refused)
}

/// Whether `text`'s frontmatter splits and loads with no error and no repeated key.
fn loads_cleanly(text: &str) -> Result<(), String> {
    let split = crate::frontmatter::split(text)
        .map_err(|_| "the edited file would have no frontmatter".to_string())?;
    match crate::frontmatter::load(text, &split) {
        Ok((_, duplicates)) if duplicates.is_empty() => Ok(()),
        Ok((_, duplicates)) => Err(format!(
            "the claim would have a key twice ({})",
            duplicates[0].message
        )),
        Err(e) => Err(format!(
            "the edited frontmatter would not load ({})",
            e.message
        )),
    }
}

/// The plan as a unified diff with one hunk per group of nearby insertions (three lines of
/// context), built from the insertions themselves rather than by comparing the texts.
pub fn diff(plan: &Plan) -> String {
    let mut out = String::new();
    for f in &plan.files {
        let old: Vec<&str> = f.old.split_inclusive('\n').collect();
        let new: Vec<&str> = f.new.split_inclusive('\n').collect();
        // The lines the two texts share, in order: insertions only add lines or lengthen one.
        let changes = changed_lines(&old, &new);
        if changes.is_empty() {
            continue;
        }
        out.push_str(&format!("--- a/{}\n+++ b/{}\n", f.path, f.path));
        for hunk in hunks(&changes) {
            render_hunk(&old, &new, &changes, hunk, &mut out);
        }
    }
    out
}

/// A change: old lines `old` became new lines `new` (either may be empty).
#[derive(Debug, Clone)]
struct Change {
    old: std::ops::Range<usize>,
    new: std::ops::Range<usize>,
}

/// Walks both line lists, pairing equal lines; where they differ, the new lines up to the next
/// line equal to the old one are the change (an insertion never removes an old line, so an old
/// line that differs is one that was lengthened: it and the new lines up to its successor).
fn changed_lines(old: &[&str], new: &[&str]) -> Vec<Change> {
    let mut changes = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            i += 1;
            j += 1;
            continue;
        }
        let start = (i, j);
        // Inserted lines: the new ones before the next old line.
        let next = old
            .get(i)
            .and_then(|l| new[j..].iter().position(|n| n == l));
        match next {
            Some(k) => j += k,
            None => {
                // The old line itself changed: it and what follows, up to the old line after it.
                i = (i + 1).min(old.len());
                let after = old
                    .get(i)
                    .and_then(|l| new[j..].iter().position(|n| n == l));
                j = after.map_or(new.len(), |k| j + k);
            }
        }
        changes.push(Change {
            old: start.0..i,
            new: start.1..j,
        });
    }
    changes
}

/// Groups changes whose contexts touch; each group is the index range of its changes.
fn hunks(changes: &[Change]) -> Vec<std::ops::Range<usize>> {
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    for (n, c) in changes.iter().enumerate() {
        match groups.last_mut() {
            Some(g) if changes[g.end - 1].old.end + 6 >= c.old.start => g.end = n + 1,
            _ => groups.push(n..n + 1),
        }
    }
    groups
}

fn render_hunk(
    old: &[&str],
    new: &[&str],
    changes: &[Change],
    group: std::ops::Range<usize>,
    out: &mut String,
) {
    let first = &changes[group.start];
    let last = &changes[group.end - 1];
    let from = first.old.start.saturating_sub(3);
    let to = (last.old.end + 3).min(old.len());
    // The new text's line for old line `from`: old lines before the first change map 1:1.
    let offset = first.new.start as isize - first.old.start as isize;
    let new_from = (from as isize + offset) as usize;
    let added: usize = changes[group.clone()].iter().map(|c| c.new.len()).sum();
    let removed: usize = changes[group.clone()].iter().map(|c| c.old.len()).sum();
    let old_count = to - from;
    let new_count = old_count + added - removed;
    out.push_str(&format!(
        "@@ -{},{old_count} +{},{new_count} @@\n",
        from + 1,
        new_from + 1
    ));
    let mut line = |prefix: char, l: &str| {
        out.push(prefix);
        out.push_str(l);
        if !l.ends_with('\n') {
            out.push_str("\n\\ No newline at end of file\n");
        }
    };
    let mut at = from;
    for c in &changes[group] {
        for l in &old[at..c.old.start] {
            line(' ', l);
        }
        for l in &old[c.old.clone()] {
            line('-', l);
        }
        for l in &new[c.new.clone()] {
            line('+', l);
        }
        at = c.old.end;
    }
    for l in &old[at..to] {
        line(' ', l);
    }
}

/// The words that name a claim's subject (its id and aliases), which are never its value.
fn subject_words(kb: &Kb, id: ClaimId) -> Vec<Vec<String>> {
    let Some(subject) = kb.subject(id) else {
        return Vec::new();
    };
    let entry = &kb.entries[subject];
    std::iter::once(&entry.id)
        .chain(&entry.aliases)
        .map(|t| words(&t.value))
        .collect()
}

/// Every value of the vocabulary's `single` and `multi` properties, with the words that name it.
struct Terms<'v> {
    /// (property, value, words of the value or of a synonym, the term as written).
    terms: Vec<(&'v str, &'v str, Vec<String>, &'v str)>,
}

impl<'v> Terms<'v> {
    fn new(vocabulary: &'v Vocabulary, kb: &Kb) -> Terms<'v> {
        let mut terms = Vec::new();
        for (name, property) in &vocabulary.properties {
            if !matches!(property.kind, Kind::Single | Kind::Multi) {
                continue;
            }
            for value in &property.values {
                // A value that names an entry (`owner: product-owner`) is not stated by a text
                // that mentions the entry: only its synonyms count.
                if kb.entry(value).is_none() {
                    terms.push((name.as_str(), value.as_str(), words(value), value.as_str()));
                }
                for synonym in property.synonyms.get(value).into_iter().flatten() {
                    terms.push((
                        name.as_str(),
                        value.as_str(),
                        words(synonym),
                        synonym.as_str(),
                    ));
                }
            }
        }
        Terms { terms }
    }

    /// The values that `text` names, the subject's own names excepted.
    fn named(&self, text: &str, subject: &[Vec<String>]) -> BTreeSet<Candidate> {
        let text = words(text);
        let mut found = BTreeSet::new();
        for (property, value, term, written) in &self.terms {
            if term.is_empty() || subject.iter().any(|s| s == term) {
                continue;
            }
            for at in occurrences(&text, term) {
                let negated = text[at.saturating_sub(3)..at]
                    .iter()
                    .any(|w| matches!(w.as_str(), "not" | "no" | "never" | "nor" | "neither"));
                found.insert(Candidate {
                    property: property.to_string(),
                    value: value.to_string(),
                    negated,
                    term: written.to_string(),
                });
            }
        }
        found
    }
}

/// Where `term` occurs in `text` as whole words in a row (a word of the text may add a plural
/// `s` or `es`).
fn occurrences(text: &[String], term: &[String]) -> Vec<usize> {
    if term.len() > text.len() {
        return Vec::new();
    }
    (0..=text.len() - term.len())
        .filter(|&i| {
            term.iter().zip(&text[i..]).all(|(t, w)| {
                w == t
                    || w.strip_suffix('s') == Some(t.as_str())
                    || w.strip_suffix("es") == Some(t.as_str())
            })
        })
        .collect()
}

/// Lowercase words, with `n't` read as `not` and `cannot` as `can not`.
fn words(text: &str) -> Vec<String> {
    let text = text
        .to_lowercase()
        .replace(['\u{2019}', '\u{2018}'], "'")
        .replace("n't", " not")
        .replace("cannot", "can not");
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(s: &str) -> Vec<String> {
        words(s)
    }

    #[test]
    fn terms_match_whole_words_in_a_row() {
        let text = w("Product owners are detail-oriented and tactical.");
        assert_eq!(occurrences(&text, &w("detail-oriented")), vec![3]);
        assert_eq!(occurrences(&text, &w("tactical")), vec![6]);
        assert_eq!(occurrences(&text, &w("product owner")), vec![0]);
        assert!(occurrences(&text, &w("tact")).is_empty());
    }

    #[test]
    fn contractions_read_as_not() {
        assert_eq!(w("doesn't own"), vec!["does", "not", "own"]);
        assert_eq!(w("cannot"), vec!["can", "not"]);
    }
}
