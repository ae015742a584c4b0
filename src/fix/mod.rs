//! `kblint check --fix`: applies the fixes that findings carry, byte for byte, leaving the rest
//! of each file untouched (comments and key order included).
//!
//! A fix never loses a byte of the KB:
//!
//! - every fix is checked against the YAML it edits first ([`guard`]): one that would edit a
//!   block scalar, an anchored value or a value reached through an alias is declined, and the
//!   edited frontmatter must still parse with nothing changed outside the fixed values;
//! - only one `--fix` run writes to a KB at a time (a lock file in the repository's git folder, [`write`]);
//! - each file is read again just before it is written and left alone, with a message, when
//!   its bytes are no longer the ones that were linted;
//! - every new file is written to a temporary file in its folder, synced and renamed over the
//!   old one (permissions kept), and all of them are written before the first rename, so a full
//!   disk or a read-only file leaves every file as it was.

mod guard;
mod write;

use std::collections::BTreeMap;

use anyhow::Result;

use crate::diagnostic::{FileId, Fix, RuleId};
use crate::report::Report;

pub use write::LOCK_FILE;

/// What `--fix` did.
#[derive(Debug, Default)]
pub struct Outcome {
    /// The fixes written, as the places of the findings they resolve.
    pub applied: Vec<Applied>,
    /// How many `sha256` digests were recorded for sources that had none (fixes that belong
    /// to no finding, counted apart from the findings fixed).
    pub digests: usize,
    /// One line per fix or file left alone, with the reason (`path:line: ...`).
    pub declined: Vec<String>,
}

/// What `--fix` would write: each file's new text, with the fixes it applies.
#[derive(Debug, Default)]
pub struct Plan {
    pub files: Vec<PlannedFile>,
    /// One line per fix or file left alone, with the reason (`path:line: ...`).
    pub declined: Vec<String>,
}

/// One file that `--fix` would rewrite.
#[derive(Debug)]
pub struct PlannedFile {
    /// The KB path.
    pub path: String,
    pub old: String,
    pub new: String,
    /// The findings its fixes resolve (digests recorded for sources that had none excluded).
    pub applied: Vec<Applied>,
    /// How many of its fixes record a missing `sha256`.
    pub digests: usize,
}

/// A fix that was written: the finding it was meant to resolve, by rule, file and line (fixes
/// never add or remove a line before their own, so the line stays the finding's).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Applied {
    pub rule: RuleId,
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

/// What applying the fixes of `report` would write; unsafe ones only when asked. A fix that
/// would not be safe for the frontmatter around it is left out and named in
/// [`Plan::declined`]. Nothing is written: [`apply`] writes the plan, `--diff` shows it.
pub fn plan(report: &Report, unsafe_fixes: bool) -> Plan {
    // The rule of the finding a fix resolves; `None` for a digest recorded for a source that
    // had none (it belongs to no finding).
    let mut by_file: BTreeMap<FileId, Vec<(Option<RuleId>, &Fix)>> = BTreeMap::new();
    let fixes = report
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref().map(|f| (Some(d.rule), f)))
        .chain(report.extra_fixes.iter().map(|f| (None, f)));
    for (rule, fix) in fixes.filter(|(_, f)| f.safe || unsafe_fixes) {
        by_file.entry(fix.file).or_default().push((rule, fix));
    }
    let mut plan = Plan::default();
    // Findings whose usual fix is held back, and why (`--fix` would otherwise fix 0 findings
    // without saying why).
    for d in &report.diagnostics {
        if let Some(why) = &d.held_back {
            let file = report.files.get(d.primary.file);
            let line = file
                .position(d.primary.span.start.min(file.text().len()))
                .line;
            plan.declined.push(format!("{}:{line}: {why}", file.path));
        }
    }
    for (file, mut fixes) in by_file {
        let file = report.files.get(file);
        fixes.sort_by_key(|(_, f)| (f.span.start, f.span.end));
        let mut taken: Vec<(Option<RuleId>, &Fix)> = Vec::new();
        let mut at = 0;
        for (rule, fix) in fixes {
            let line = file.position(fix.span.start.min(file.text().len())).line;
            if fix.span.start < at {
                continue; // overlaps a fix already taken
            }
            match guard::check_one(file.text(), fix) {
                Ok(()) => {
                    at = fix.span.end;
                    taken.push((rule, fix));
                }
                Err(why) => plan
                    .declined
                    .push(format!("{}:{line}: fix not applied: {why}", file.path)),
            }
        }
        if taken.is_empty() {
            continue;
        }
        let only: Vec<&Fix> = taken.iter().map(|(_, f)| *f).collect();
        let text = splice(file.text(), &only);
        if let Err(why) = guard::check_file(file.text(), &text, &only) {
            plan.declined.push(format!(
                "{}: fixes not applied: {why}; the file is left as it was",
                file.path
            ));
            continue;
        }
        let applied = taken
            .iter()
            .filter_map(|(rule, f)| {
                Some(Applied {
                    rule: (*rule)?,
                    path: file.path.clone(),
                    line: file.position(f.span.start).line,
                })
            })
            .collect::<Vec<_>>();
        plan.files.push(PlannedFile {
            path: file.path.clone(),
            old: file.text().to_string(),
            new: text,
            digests: taken.iter().filter(|(rule, _)| rule.is_none()).count(),
            applied,
        });
    }
    plan.declined.dedup(); // a value reached through an alias has one finding per path
    plan
}

/// Applies the fixes of `report` to the files on disk; unsafe ones only when asked.
///
/// Returns an error, with no file changed, when a fixed file cannot be written (the message
/// names it); a file that changed since it was linted, or a fix that would not be safe for the
/// YAML around it, is left alone and named in [`Outcome::declined`].
pub fn apply(report: &Report, unsafe_fixes: bool) -> Result<Outcome> {
    let plan = plan(report, unsafe_fixes);
    let mut outcome = Outcome {
        declined: plan.declined,
        ..Outcome::default()
    };
    if plan.files.is_empty() {
        return Ok(outcome);
    }
    let _lock = write::Lock::take(&report.root)?;
    let (files, applied): (Vec<_>, Vec<_>) = plan
        .files
        .into_iter()
        .map(|f| {
            (
                write::Planned {
                    path: report.root.join(&f.path),
                    shown: f.path,
                    read: f.old.into_bytes(),
                    new: f.new.into_bytes(),
                },
                (f.applied, f.digests),
            )
        })
        .unzip();
    let written = write::all(files)?;
    for ((shown, result), (applied, digests)) in written.into_iter().zip(applied) {
        match result {
            write::Written::Yes => {
                outcome.applied.extend(applied);
                outcome.digests += digests;
            }
            write::Written::Changed => outcome.declined.push(format!(
                "{shown}: fixes not applied: the file changed since kblint read it; run `kblint check --fix` again"
            )),
        }
    }
    outcome.applied.sort();
    Ok(outcome)
}

/// Writes files edited outside `--fix` (`kblint claims suggest --write`) under the same lock
/// and with the same atomic writer: all of them or none. Returns one line per file left alone
/// because its bytes changed since they were read.
pub fn write_files(root: &std::path::Path, files: Vec<PlannedFile>) -> Result<Vec<String>> {
    if files.is_empty() {
        return Ok(Vec::new());
    }
    let _lock = write::Lock::take(root)?;
    let planned = files
        .into_iter()
        .map(|f| write::Planned {
            path: root.join(&f.path),
            shown: f.path,
            read: f.old.into_bytes(),
            new: f.new.into_bytes(),
        })
        .collect();
    Ok(write::all(planned)?
        .into_iter()
        .filter_map(|(shown, result)| match result {
            write::Written::Yes => None,
            write::Written::Changed => Some(format!(
                "{shown}: not written: the file changed since kblint read it; run the command again"
            )),
        })
        .collect())
}

/// The plan as a unified diff (`--diff`): one hunk per file, from its first changed line to
/// its last, with three lines of context.
pub fn unified_diff(plan: &Plan) -> String {
    let mut out = String::new();
    for f in &plan.files {
        let old: Vec<&str> = f.old.split_inclusive('\n').collect();
        let new: Vec<&str> = f.new.split_inclusive('\n').collect();
        let head = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
        let tail = old[head..]
            .iter()
            .rev()
            .zip(new[head..].iter().rev())
            .take_while(|(a, b)| a == b)
            .count();
        let from = head.saturating_sub(3);
        let (old_end, new_end) = (
            (old.len() - tail + 3).min(old.len()),
            (new.len() - tail + 3).min(new.len()),
        );
        out.push_str(&format!("--- a/{}\n+++ b/{}\n", f.path, f.path));
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            from + 1,
            old_end - from,
            from + 1,
            new_end - from
        ));
        let line = |prefix: char, l: &str, out: &mut String| {
            out.push(prefix);
            out.push_str(l);
            if !l.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        };
        for l in &old[from..head] {
            line(' ', l, &mut out);
        }
        for l in &old[head..old.len() - tail] {
            line('-', l, &mut out);
        }
        for l in &new[head..new.len() - tail] {
            line('+', l, &mut out);
        }
        for l in &old[old.len() - tail..old_end] {
            line(' ', l, &mut out);
        }
    }
    out
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
