//! `kblint check --fix`: applies the fixes that findings carry, byte for byte, leaving the rest
//! of each file untouched (comments and key order included).

use std::collections::BTreeMap;

use anyhow::{Context, Result};

use crate::diagnostic::Fix;
use crate::report::Report;

/// Applies the fixes of `report` to the files on disk; unsafe ones only when asked. Returns how
/// many were applied.
pub fn apply(report: &Report, unsafe_fixes: bool) -> Result<usize> {
    let mut by_file: BTreeMap<usize, Vec<&Fix>> = BTreeMap::new();
    let fixes = report
        .diagnostics
        .iter()
        .filter_map(|d| d.fix.as_ref())
        .chain(&report.extra_fixes);
    for fix in fixes.filter(|f| f.safe || unsafe_fixes) {
        by_file.entry(fix.file).or_default().push(fix);
    }
    let mut applied = 0;
    for (file, fixes) in by_file {
        let file = report.files.get(file);
        let (text, n) = fixed_text(&file.text, fixes);
        applied += n;
        let path = report.root.join(&file.path);
        std::fs::write(&path, text)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    Ok(applied)
}

/// `text` with `fixes` applied, in order of position; a fix that overlaps one already taken is
/// left out. Returns the new text and how many fixes were applied. The language server builds
/// its edits with this too, so that an editor's fix writes what `--fix` writes.
pub fn fixed_text(text: &str, mut fixes: Vec<&Fix>) -> (String, usize) {
    fixes.sort_by_key(|f| (f.span.start, f.span.end));
    let mut out = String::with_capacity(text.len());
    let (mut at, mut applied) = (0, 0);
    for fix in fixes {
        if fix.span.start < at
            || fix.span.end > text.len()
            || !text.is_char_boundary(fix.span.start)
            || !text.is_char_boundary(fix.span.end)
        {
            continue; // overlaps a fix already taken
        }
        out.push_str(&text[at..fix.span.start]);
        out.push_str(&fix.replacement);
        at = fix.span.end;
        applied += 1;
    }
    out.push_str(&text[at..]);
    (out, applied)
}
