//! Navigation over the indexed KB: what a reference names (definition), who names an entry or a
//! claim (references), what a quote matches (hover), and the names that fit where the cursor is
//! (completion). Everything is read from the `Kb` and the quote matcher; nothing here decides
//! what is a finding.

use std::ops::Range;

use crate::diagnostic::FileId;
use crate::index::{ClaimId, EntryId, Kb};
use crate::model::{Claim, Text};
use crate::quote::{self, Normalized};

/// What a name in the frontmatter refers to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Entry(EntryId),
    Claim(ClaimId),
}

/// A name written in a file, and what it names (if anything).
pub struct Name<'a> {
    pub text: &'a Text,
    pub target: Option<Target>,
    /// The entry's own `id`/alias or the claim's own `id`, rather than a reference to it.
    pub declaration: bool,
}

/// The entry held by file `file`.
pub fn entry_of(kb: &Kb, file: FileId) -> Option<EntryId> {
    let at = kb.entries.partition_point(|e| e.file < file);
    kb.entries
        .get(at)
        .filter(|e| e.file == file)
        .map(|_| EntryId::new(at))
}

/// Every name written in entry `e`: its id and aliases, `related`, and in each claim its id,
/// `subject`, `above`, `below`, `disputes` and each citation's `source`.
pub fn names(kb: &Kb, e: EntryId) -> Vec<Name<'_>> {
    let entry = &kb.entries[e];
    let mut out = Vec::new();
    let to_entry = |t: &Text| kb.entry(&t.value).map(Target::Entry);
    for t in std::iter::once(&entry.id).chain(&entry.aliases) {
        out.push(Name {
            text: t,
            target: Some(Target::Entry(e)),
            declaration: true,
        });
    }
    for t in &entry.related {
        out.push(Name {
            text: t,
            target: to_entry(t),
            declaration: false,
        });
    }
    for (c, claim) in entry.claims.iter().enumerate() {
        out.push(Name {
            text: &claim.id,
            target: Some(Target::Claim(ClaimId { entry: e, claim: c })),
            declaration: true,
        });
        for t in [claim.subject(), claim.above(), claim.below()]
            .into_iter()
            .flatten()
        {
            out.push(Name {
                text: t,
                target: to_entry(t),
                declaration: false,
            });
        }
        for d in &claim.disputes {
            out.push(Name {
                text: &d.target,
                target: kb.claim_ref(e, &d.target.value).map(Target::Claim),
                declaration: false,
            });
        }
        for cite in &claim.cites {
            if let Some(t) = &cite.source {
                out.push(Name {
                    text: t,
                    target: kb
                        .source(&t.value)
                        .or_else(|| kb.entry(&t.value))
                        .map(Target::Entry),
                    declaration: false,
                });
            }
        }
    }
    out
}

/// The name at byte `offset` of file `file` (the cursor may stand just after it).
pub fn name_at(kb: &Kb, file: FileId, offset: usize) -> Option<Name<'_>> {
    let e = entry_of(kb, file)?;
    names(kb, e)
        .into_iter()
        // A default id points at the opening `---`: not a name written there.
        .filter(|n| !n.text.span().is_empty())
        .find(|n| n.text.span().start <= offset && offset <= n.text.span().end)
}

/// Where a target is declared: its file and the span of its `id` (an entry without an `id`
/// key: the opening `---`).
pub fn declaration(kb: &Kb, target: Target) -> (FileId, Range<usize>) {
    match target {
        Target::Entry(e) => (kb.entries[e].file, kb.entries[e].id.span()),
        Target::Claim(c) => (kb.entries[c.entry].file, kb.claim(c).id.span()),
    }
}

/// Every place that names `target`, in path order; its declarations too when `declarations`.
pub fn references(kb: &Kb, target: Target, declarations: bool) -> Vec<(FileId, Range<usize>)> {
    let mut out = Vec::new();
    for e in kb.entry_ids() {
        for n in names(kb, e) {
            if n.target == Some(target)
                && (declarations || !n.declaration)
                && !n.text.span().is_empty()
            {
                out.push((kb.entries[e].file, n.text.span()));
            }
        }
    }
    out
}

/// The claim of entry `e` that the byte `offset` falls in: the last one starting at or before it.
pub fn claim_at(kb: &Kb, e: EntryId, offset: usize) -> Option<ClaimId> {
    let claims = &kb.entries[e].claims;
    claims
        .iter()
        .enumerate()
        .filter(|(_, c)| claim_start(c) <= offset)
        .max_by_key(|(_, c)| claim_start(c))
        .map(|(claim, _)| ClaimId { entry: e, claim })
}

/// Where a claim's first known value starts.
pub fn claim_start(c: &Claim) -> usize {
    let texts = [
        c.subject(),
        c.property.as_ref(),
        c.value.as_ref(),
        c.above(),
        c.below(),
    ]
    .into_iter()
    .flatten()
    .chain(std::iter::once(&c.id))
    .chain(c.disputes.iter().map(|d| &d.target))
    .map(|t| t.span().start);
    texts
        .chain(c.cites.iter().map(|cite| cite.span().start))
        .min()
        .unwrap_or(c.id.span().start)
}

/// What hovering the quote at `offset` of file `file` shows, as Markdown: where the quote stands
/// in its source, or the nearest passage and what differs.
pub fn hover_quote(kb: &Kb, file: FileId, offset: usize) -> Option<(Range<usize>, String)> {
    let e = entry_of(kb, file)?;
    let cite = kb.entries[e]
        .claims
        .iter()
        .flat_map(|c| &c.cites)
        .find(|c| {
            c.quote
                .as_ref()
                .is_some_and(|q| q.span().start <= offset && offset <= q.span().end)
        })?;
    let quote = cite.quote.as_ref()?;
    let name = cite.source.as_ref()?;
    let Some(source) = kb.source(&name.value) else {
        return Some((quote.span(), format!("`{}` names no source", name.value)));
    };
    let entry = &kb.entries[source];
    let src = kb.files.get(entry.file);
    let body = kb.body(source);
    let normalized = Normalized::new(src.text().get(body.clone()).unwrap_or(""));
    let line = |at: usize| src.position(at).line;
    let text = match quote::find(&normalized, &quote.value) {
        quote::Match::Empty => "the quote is empty".to_string(),
        quote::Match::Found(ranges) => {
            let first = ranges.first().map_or(0, |r| r.start) + body.start;
            let last = ranges.last().map_or(0, |r| r.end) + body.start;
            format!(
                "**In `{}`** ({}:{}):\n\n{}",
                entry.id.value,
                src.path,
                line(first),
                block_quote(src.text(), first..last)
            )
        }
        quote::Match::NotFound => match quote::nearest(&normalized, &quote.value) {
            None => format!("**Not in `{}`**, nor anything like it", entry.id.value),
            Some(n) => {
                let range = n.range.start + body.start..n.range.end + body.start;
                let mut text = format!(
                    "**Not in `{}`.** The nearest passage, {}% similar ({}:{}):\n\n{}",
                    entry.id.value,
                    n.similarity,
                    src.path,
                    line(range.start),
                    block_quote(src.text(), range)
                );
                if !n.differences.is_empty() {
                    text.push_str("\n\nWhat differs:\n");
                    for d in &n.differences {
                        let show = |s: &str| {
                            if s.is_empty() {
                                "nothing".to_string()
                            } else {
                                format!("`{s}`")
                            }
                        };
                        text.push_str(&format!(
                            "\n- the source reads {}, the quote has {}",
                            show(&d.source_text),
                            show(&d.quote_text)
                        ));
                    }
                }
                text
            }
        },
    };
    Some((quote.span(), text))
}

/// The lines of `text` that hold `range`, as a Markdown block quote.
fn block_quote(text: &str, range: Range<usize>) -> String {
    let start = text
        .get(..range.start)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let end = text
        .get(range.end..)
        .and_then(|t| t.find('\n'))
        .map_or(text.len(), |i| range.end + i);
    text.get(start..end)
        .unwrap_or("")
        .lines()
        .map(|l| format!("> {}", l.trim_end()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What hovering a name shows: the entry or claim it names.
pub fn hover_name(kb: &Kb, target: Target) -> String {
    match target {
        Target::Entry(e) => {
            let entry = &kb.entries[e];
            let kind = if entry.is_source { "source" } else { "entry" };
            format!(
                "{kind} `{}` ({})",
                entry.id.value,
                kb.files.get(entry.file).path
            )
        }
        Target::Claim(c) => {
            let text = kb.claim(c);
            format!("claim `{}`", kb.claim_name(c))
                + &text
                    .property
                    .as_ref()
                    .map(|p| format!(" on `{}`", p.value))
                    .unwrap_or_default()
        }
    }
}

/// What kind of name fits where the cursor is.
#[derive(Debug, PartialEq, Eq)]
pub enum Slot {
    Source,
    Entry,
    ClaimRef,
    Property,
    /// A value of the property of the claim being written.
    Value,
}

/// The slot of the cursor at `offset` of `text`, from the key written before it on its line
/// (`source: `), or for a list item (`- `) from the key of the list.
pub fn slot(text: &str, offset: usize) -> Option<Slot> {
    let offset = offset.min(text.len());
    let start = text.get(..offset)?.rfind('\n').map_or(0, |i| i + 1);
    let line = text.get(start..offset)?;
    // The last `key:` before the cursor (`source: `, `{source: x, quote: `, `related: [a, `).
    let colon = line
        .char_indices()
        .rev()
        .find(|&(i, c)| c == ':' && (i + 1 == line.len() || line[i + 1..].starts_with(' ')))
        .map(|(i, _)| i);
    let key_before = |i: usize| {
        let before = line[..i].trim_end();
        let start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| c.is_alphanumeric() || *c == '-' || *c == '_')
            .last()
            .map_or(before.len(), |(i, _)| i);
        before[start..].to_string()
    };
    let key = match colon {
        Some(i) => key_before(i),
        None if line.trim_start().starts_with('-') => {
            // `  - name` under `related:` or `disputes:`.
            let indent = line.len() - line.trim_start().len();
            let parent = text[..start].lines().rev().find(|l| {
                let t = l.trim_start();
                !(t.is_empty() || (t.starts_with('-') && l.len() - t.len() == indent))
            })?;
            let (key, _) = parent.trim().trim_start_matches("- ").split_once(':')?;
            key.trim().to_string()
        }
        None => return None,
    };
    match key.as_str() {
        "source" => Some(Slot::Source),
        "subject" | "related" | "above" | "below" => Some(Slot::Entry),
        "disputes" | "ref" => Some(Slot::ClaimRef),
        "property" => Some(Slot::Property),
        "value" => Some(Slot::Value),
        _ => None,
    }
}

/// The names that fit `slot`, each with a detail (its file, or what it is).
pub fn candidates(kb: &Kb, slot: &Slot, file: FileId, offset: usize) -> Vec<(String, String)> {
    let path = |e: EntryId| kb.files.get(kb.entries[e].file).path.clone();
    match slot {
        Slot::Source => kb
            .entry_ids()
            .filter(|&e| kb.entries[e].is_source)
            .map(|e| (kb.entries[e].id.value.to_string(), path(e)))
            .collect(),
        Slot::Entry => kb
            .entry_ids()
            .flat_map(|e| {
                let entry = &kb.entries[e];
                std::iter::once(&entry.id)
                    .chain(&entry.aliases)
                    .map(move |t| (t.value.to_string(), path(e)))
            })
            .collect(),
        Slot::ClaimRef => kb
            .all_claims()
            .map(|(id, _)| (kb.claim_name(id), "claim".to_string()))
            .collect(),
        Slot::Property => kb
            .vocabulary
            .iter()
            .flat_map(|v| &v.properties)
            .map(|(name, p)| (name.clone(), p.kind.as_str().to_string()))
            .collect(),
        Slot::Value => {
            let property = entry_of(kb, file)
                .and_then(|e| claim_at(kb, e, offset))
                .and_then(|c| kb.claim(c).property.as_ref());
            let values = property.and_then(|p| {
                kb.vocabulary
                    .as_ref()
                    .and_then(|v| v.properties.get(p.value.as_str()))
            });
            values
                .map(|p| {
                    p.values
                        .iter()
                        .map(|v| (v.clone(), String::new()))
                        .collect()
                })
                .unwrap_or_default()
        }
    }
}
