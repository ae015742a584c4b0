//! `kblint check --fix`: applies the fixes that findings carry, byte for byte, leaving the rest
//! of each file untouched (comments and key order included).
//!
//! A fix never loses a byte of the KB:
//!
//! - every fix is checked against the YAML it edits first ([`guard`]): one that would edit a
//!   block scalar, an anchored value or a value reached through an alias is declined, and the
//!   edited frontmatter must still parse with nothing changed outside the fixed values;
//! - only one `--fix` run writes to a KB at a time (a lock file at the KB root, [`write`]);
//! - each file is read again just before it is written and left alone, with a message, when
//!   its bytes are no longer the ones that were linted;
//! - every new file is written to a temporary file in its folder, synced and renamed over the
//!   old one (permissions kept), and all of them are written before the first rename, so a full
//!   disk or a read-only file leaves every file as it was.

mod guard;
mod write;

use std::collections::BTreeMap;

use anyhow::Result;

use crate::diagnostic::Fix;
use crate::report::Report;

pub use write::LOCK_FILE;

/// What `--fix` did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The fixes written, as the places of the findings they resolve.
    pub applied: Vec<Applied>,
    /// One line per fix or file left alone, with the reason (`path:line: ...`).
    pub declined: Vec<String>,
}

/// A fix that was written: the finding it was meant to resolve, by rule, file and line (fixes
/// never add or remove a line before their own, so the line stays the finding's).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Applied {
    pub rule: &'static str,
    pub path: String,
    pub line: usize,
}

impl Outcome {
    /// How many of the applied fixes resolved their finding: those whose rule no longer fires
    /// at the same file and line in `after`, the report of a new lint of the fixed KB.
    pub fn resolved(&self, after: &Report) -> usize {
        self.applied
            .iter()
            .filter(|a| {
                !after.diagnostics.iter().any(|d| {
                    let file = after.files.get(d.primary.file);
                    d.rule == a.rule
                        && file.path == a.path
                        && file.position(d.primary.span.start).line == a.line
                })
            })
            .count()
    }
}

/// Applies the fixes of `report` to the files on disk; unsafe ones only when asked.
///
/// Returns an error, with no file changed, when a fixed file cannot be written (the message
/// names it); a file that changed since it was linted, or a fix that would not be safe for the
/// YAML around it, is left alone and named in [`Outcome::declined`].
pub fn apply(report: &Report, unsafe_fixes: bool) -> Result<Outcome> {
    let mut by_file: BTreeMap<usize, Vec<(&'static str, &Fix)>> = BTreeMap::new();
    let fixes = report
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref().map(|f| (d.rule, f)))
        // A source without `sha256` has no finding: its fix belongs to that rule's subject.
        .chain(
            report
                .extra_fixes
                .iter()
                .map(|f| ("source-hash-mismatch", f)),
        );
    for (rule, fix) in fixes.filter(|(_, f)| f.safe || unsafe_fixes) {
        by_file.entry(fix.file).or_default().push((rule, fix));
    }
    let mut outcome = Outcome::default();
    let mut planned = Vec::new();
    for (file, mut fixes) in by_file {
        let file = report.files.get(file);
        fixes.sort_by_key(|(_, f)| (f.span.start, f.span.end));
        let mut taken: Vec<(&'static str, &Fix)> = Vec::new();
        let mut at = 0;
        for (rule, fix) in fixes {
            let line = file.position(fix.span.start.min(file.text.len())).line;
            if fix.span.start < at {
                continue; // overlaps a fix already taken
            }
            match guard::check_one(&file.text, fix) {
                Ok(()) => {
                    at = fix.span.end;
                    taken.push((rule, fix));
                }
                Err(why) => outcome
                    .declined
                    .push(format!("{}:{line}: fix not applied: {why}", file.path)),
            }
        }
        if taken.is_empty() {
            continue;
        }
        let only: Vec<&Fix> = taken.iter().map(|(_, f)| *f).collect();
        let text = splice(&file.text, &only);
        if let Err(why) = guard::check_file(&file.text, &text, &only) {
            outcome.declined.push(format!(
                "{}: fixes not applied: {why}; the file is left as it was",
                file.path
            ));
            continue;
        }
        let applied = taken
            .iter()
            .map(|(rule, f)| Applied {
                rule,
                path: file.path.clone(),
                line: file.position(f.span.start).line,
            })
            .collect::<Vec<_>>();
        planned.push((
            write::Planned {
                path: report.root.join(&file.path),
                shown: file.path.clone(),
                read: file.text.clone().into_bytes(),
                new: text.into_bytes(),
            },
            applied,
        ));
    }
    outcome.declined.dedup(); // a value reached through an alias has one finding per path
    if planned.is_empty() {
        return Ok(outcome);
    }
    let _lock = write::Lock::take(&report.root)?;
    let (files, applied): (Vec<_>, Vec<_>) = planned.into_iter().unzip();
    let written = write::all(files)?;
    for ((shown, result), applied) in written.into_iter().zip(applied) {
        match result {
            write::Written::Yes => outcome.applied.extend(applied),
            write::Written::Changed => outcome.declined.push(format!(
                "{shown}: fixes not applied: the file changed since kblint read it; run `kblint check --fix` again"
            )),
        }
    }
    outcome.applied.sort();
    Ok(outcome)
}

/// `text` with `fixes` applied, in order of position; a fix that overlaps one already taken,
/// or that [`guard`] declines, is left out, and when the edited file would not pass the guard's
/// check none is applied. Returns the new text and how many fixes were applied. The language
/// server builds its edits with this too, so that an editor's fix writes what `--fix` writes.
pub fn fixed_text(text: &str, mut fixes: Vec<&Fix>) -> (String, usize) {
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    let mut taken: Vec<&Fix> = Vec::new();
    let mut at = 0;
    for fix in fixes {
        if fix.span.start < at || guard::check_one(text, fix).is_err() {
            continue;
        }
        at = fix.span.end;
        taken.push(fix);
    }
    let out = splice(text, &taken);
    if taken.is_empty() || guard::check_file(text, &out, &taken).is_err() {
        return (text.to_string(), 0);
    }
    (out, taken.len())
}

/// `text` with the (sorted, disjoint) fixes applied.
fn splice(text: &str, fixes: &[&Fix]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for fix in fixes {
        out.push_str(&text[at..fix.span.start]);
        out.push_str(&fix.replacement);
        at = fix.span.end;
    }
    out.push_str(&text[at..]);
    out
}
