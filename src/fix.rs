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
    for (file, mut fixes) in by_file {
        let file = report.files.get(file);
        fixes.sort_by_key(|f| (f.span.start, f.span.end));
        let mut text = String::with_capacity(file.text.len());
        let mut at = 0;
        for fix in fixes {
            if fix.span.start < at || fix.span.end > file.text.len() {
                continue; // overlaps a fix already taken
            }
            text.push_str(&file.text[at..fix.span.start]);
            text.push_str(&fix.replacement);
            at = fix.span.end;
            applied += 1;
        }
        text.push_str(&file.text[at..]);
        let path = report.root.join(&file.path);
        std::fs::write(&path, text)
            .with_context(|| format!("cannot write `{}`", path.display()))?;
    }
    Ok(applied)
}
