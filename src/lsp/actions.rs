//! Code actions: the fixes that `check --fix` applies, an "allow" comment (spec §9) and a
//! `disputes` link for a contradiction. Every edit is computed from the findings of the last
//! check; the fixes go through [`crate::fix::fixed_text`], the function `--fix` writes with.

use std::collections::HashMap;
use std::ops::Range;

use lsp_types::{CodeAction, CodeActionKind, TextEdit, Uri, WorkspaceEdit};

use crate::diagnostic::{Diagnostic, File, FileId, Fix};
use crate::fix::fixed_text;
use crate::frontmatter;
use crate::index::Kb;

use super::convert;
use super::navigate::entry_of;

/// The actions for the findings `here` (those of file `file` under the cursor or selection),
/// then the file-wide fixes. `extra` are the fixes that belong to no finding (a missing
/// `sha256`); `uri_of` names a file for the edits.
pub fn actions(
    kb: &Kb,
    file: FileId,
    here: &[&Diagnostic],
    all: &[Diagnostic],
    extra: &[Fix],
    uri_of: &dyn Fn(&File) -> Uri,
) -> Vec<CodeAction> {
    let mut out = Vec::new();
    let lsp = |d: &Diagnostic| convert::diagnostic(d, &kb.files, uri_of);
    for d in here {
        if let Some(fix) = &d.fix {
            let f = kb.files.get(fix.file);
            let (text, _) = fixed_text(f.text(), vec![fix]);
            out.push(CodeAction {
                title: if fix.safe {
                    format!("Fix: {}", fix.description)
                } else {
                    format!("Fix (unsafe): {}", fix.description)
                },
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp(d)]),
                edit: Some(whole(uri_of(f), f, text)),
                is_preferred: Some(fix.safe),
                ..CodeAction::default()
            });
        }
        if d.rule.contradiction() {
            for (title, edit) in disputes(kb, d) {
                let f = kb.files.get(d.primary.file);
                out.push(CodeAction {
                    title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![lsp(d)]),
                    edit: Some(insert(uri_of(f), f, edit)),
                    is_preferred: Some(false),
                    ..CodeAction::default()
                });
            }
        }
        if d.rule.suppressible()
            && let Some(edit) = allow(kb, d)
        {
            let f = kb.files.get(d.primary.file);
            out.push(CodeAction {
                title: format!("Allow `{}` here (then write the reason after `--`)", d.rule),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![lsp(d)]),
                edit: Some(insert(uri_of(f), f, edit)),
                is_preferred: Some(false),
                ..CodeAction::default()
            });
        }
    }
    // Every fix of the file at once: what `check --fix` (and with `--unsafe-fixes`) writes.
    let f = kb.files.get(file);
    let fixes = |unsafe_too: bool| -> Vec<&Fix> {
        all.iter()
            .filter_map(|d| d.fix.as_ref())
            .chain(extra)
            .filter(|x| x.file == file && (x.safe || unsafe_too))
            .collect()
    };
    let safe = fixes(false);
    if !safe.is_empty() {
        let (text, n) = fixed_text(f.text(), safe);
        out.push(CodeAction {
            title: format!("Fix all in this file ({n}), as `kblint check --fix` does"),
            kind: Some(CodeActionKind::new("source.fixAll.kblint")),
            edit: Some(whole(uri_of(f), f, text)),
            ..CodeAction::default()
        });
    }
    let every = fixes(true);
    if every.iter().any(|x| !x.safe) {
        let (text, n) = fixed_text(f.text(), every);
        out.push(CodeAction {
            title: format!(
                "Fix all in this file ({n}), unsafe fixes included, as `kblint check --fix --unsafe-fixes` does"
            ),
            kind: Some(CodeActionKind::new("source.fixAll.kblint.unsafe")),
            edit: Some(whole(uri_of(f), f, text)),
            is_preferred: Some(false),
            ..CodeAction::default()
        });
    }
    out
}

/// An edit that makes `file` read `text`: one replacement, from the first byte that differs to
/// the last, so that the editor keeps the cursor and the rest of the buffer as they are.
fn whole(uri: Uri, file: &File, text: String) -> WorkspaceEdit {
    let old = file.text().as_bytes();
    let new = text.as_bytes();
    let mut start = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let mut end = old[start..]
        .iter()
        .rev()
        .zip(new[start..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    // Whole characters on both sides.
    while !file.text().is_char_boundary(start) || !text.is_char_boundary(start) {
        start -= 1;
    }
    while !file.text().is_char_boundary(old.len() - end) || !text.is_char_boundary(new.len() - end)
    {
        end -= 1;
    }
    let edit = TextEdit::new(
        convert::range(file.text(), &(start..old.len() - end)),
        text[start..new.len() - end].to_string(),
    );
    WorkspaceEdit::new(HashMap::from([(uri, vec![edit])]))
}

/// An edit that inserts `(offset, text)` into `file`.
fn insert(uri: Uri, file: &File, (at, text): (usize, String)) -> WorkspaceEdit {
    let edit = TextEdit::new(convert::range(file.text(), &(at..at)), text);
    WorkspaceEdit::new(HashMap::from([(uri, vec![edit])]))
}

/// Where and what to insert to allow finding `d` (spec §9): a comment line above the line it
/// points at, with that line's indentation, when that line is in the frontmatter; otherwise a
/// file-wide `kblint-allow-file` after the opening line. The reason is left for the author to
/// write: until they do, the comment is itself reported (`invalid-suppression`).
fn allow(kb: &Kb, d: &Diagnostic) -> Option<(usize, String)> {
    let file = kb.files.get(d.primary.file);
    let text = &file.text();
    // JSON frontmatter has no comments, and a file without any has no place.
    let split = frontmatter::split(text)
        .ok()
        .filter(|s| s.format != frontmatter::Format::Json)?;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let closing = entry_of(kb, d.primary.file).map(|e| kb.entries[e].yaml_end);
    let at = d.primary.span.start.min(text.len());
    let first_line_end = split.yaml.start;
    match closing {
        Some(end) if at >= first_line_end && at < end => {
            let start = line_start(text, at);
            let line = &text[start..];
            let indent: String = line
                .chars()
                .take_while(|c| *c == ' ' || *c == '\t')
                .collect();
            Some((start, format!("{indent}# kblint-allow {} --{eol}", d.rule)))
        }
        _ => Some((
            first_line_end,
            format!("# kblint-allow-file {} --{eol}", d.rule),
        )),
    }
}

/// The `disputes` links that would acknowledge contradiction `d`: one per other claim, each a
/// title and an insertion into the file of the claim that `d` points at.
fn disputes(kb: &Kb, d: &Diagnostic) -> Vec<(String, (usize, String))> {
    let Some(here) = claim_by_id_span(kb, d.primary.file, &d.primary.span) else {
        return Vec::new();
    };
    let file = kb.files.get(d.primary.file);
    let text = &file.text();
    if frontmatter::split(text).map(|s| s.format) != Ok(frontmatter::Format::Yaml) {
        return Vec::new(); // only YAML frontmatter is edited
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let claim = kb.claim(here);
    let mut out = Vec::new();
    for label in &d.related {
        let Some(other) = claim_by_id_span(kb, label.file, &label.span) else {
            continue;
        };
        if other == here {
            continue;
        }
        let name = kb.claim_name(other);
        let insertion = match claim.disputes.last() {
            Some(last) => {
                let end = last.target.span().end.min(text.len());
                let after = text[end..].trim_start_matches([' ', '\t']);
                let start = line_start(text, last.target.span().start);
                let line = &text[start..last.target.span().start.min(text.len())];
                if after.starts_with(']') {
                    Some((end, format!(", {name}")))
                } else if line.trim_start().starts_with("- ") && line.trim_start().len() == 2 {
                    // A block list: another item below the last one.
                    let next = text[end..].find('\n').map_or(text.len(), |i| end + i + 1);
                    let newline = if next == text.len() && !text.ends_with('\n') {
                        eol
                    } else {
                        ""
                    };
                    Some((next, format!("{newline}{line}{name}{eol}")))
                } else {
                    None
                }
            }
            None => {
                // A new key under the claim's `id`, at the same indentation.
                let start = line_start(text, claim.id.span().start);
                let before = &text[start..claim.id.span().start.min(text.len())];
                let Some(key) = before.rfind("id") else {
                    continue;
                };
                let prefix = &before[..key];
                let plain = prefix.trim_end_matches(' ').trim_end_matches('-').trim();
                if !plain.is_empty() || !before[key..].starts_with("id") {
                    continue; // a flow mapping or another layout: not edited
                }
                let next = text[claim.id.span().end.min(text.len())..]
                    .find('\n')
                    .map_or(text.len(), |i| claim.id.span().end + i + 1);
                let indent = " ".repeat(prefix.chars().count());
                Some((next, format!("{indent}disputes: [{name}]{eol}")))
            }
        };
        if let Some(insertion) = insertion {
            out.push((format!("Record as a dispute with `{name}`"), insertion));
        }
    }
    out
}

/// The claim whose `id` value stands at `span` of file `file`.
fn claim_by_id_span(kb: &Kb, file: FileId, span: &Range<usize>) -> Option<crate::index::ClaimId> {
    let e = entry_of(kb, file)?;
    let claim = kb.entries[e]
        .claims
        .iter()
        .position(|c| c.id.span() == *span)?;
    Some(crate::index::ClaimId { entry: e, claim })
}

fn line_start(text: &str, at: usize) -> usize {
    text.get(..at.min(text.len()))
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}
