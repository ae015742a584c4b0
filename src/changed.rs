//! `--changed-since`: the findings that the changes since a revision introduced.

use std::collections::{BTreeMap, HashMap};

use crate::fingerprint;
use crate::report::Report;

/// The findings of `now` that `before` does not have, matched by fingerprint; a file that git
/// saw renamed (`renames`: old path → new) brings its findings along.
pub fn only_new(mut now: Report, before: &Report, renames: &BTreeMap<String, String>) -> Report {
    let mut old: HashMap<String, usize> = HashMap::new();
    for fp in fingerprint::fingerprints_renamed(&before.files, &before.diagnostics, renames) {
        *old.entry(fp).or_default() += 1;
    }
    let fresh: Vec<bool> = fingerprint::fingerprints(&now.files, &now.diagnostics)
        .into_iter()
        .map(|fp| match old.get_mut(&fp) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect();
    let mut fresh = fresh.into_iter();
    now.retain(|_| fresh.next().unwrap_or(true));
    now
}
