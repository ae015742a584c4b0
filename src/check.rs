//! The check stage: every rule that is on somewhere, on the indexed KB and its analyses (the
//! ones the enabled rules declare they need are computed first, side by side); each finding gets the severity that the configuration gives
//! its rule in the collection of the file it points at (`[collections.NAME.rules]` over
//! `[rules]`), and is dropped where the rule is off.

use rayon::prelude::*;

use crate::analysis::{Analysis, Context};
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::rules::{RULES, Rule};

/// Every finding of the enabled rules on the KB of `cx`, unsorted. `collections` gives the
/// collection of each file of the KB (by file id).
pub fn check(
    cx: Context<'_>,
    settings: &Settings,
    collections: &[Option<usize>],
) -> Vec<Diagnostic> {
    check_some(cx, settings, collections, |_| true)
}

/// The same, for the rules that `which` picks.
pub fn check_some(
    cx: Context<'_>,
    settings: &Settings,
    collections: &[Option<usize>],
    which: impl Fn(&Rule) -> bool,
) -> Vec<Diagnostic> {
    let enabled: Vec<&'static Rule> = RULES
        .iter()
        .copied()
        .filter(|r| which(r) && settings.enabled_anywhere(r.name, r.default))
        .collect();
    let mut needs: Vec<Analysis> = Vec::new();
    for need in enabled.iter().flat_map(|r| r.needs) {
        if !needs.contains(need) {
            needs.push(*need);
        }
    }
    cx.prepare(&needs);
    enabled
        .par_iter()
        .flat_map_iter(|rule| {
            let mut out = Vec::new();
            (rule.check)(&cx, &mut out);
            debug_assert!(
                out.iter().all(|d| d.rule == rule.id),
                "rule `{}` made a finding under another name",
                rule.name
            );
            out.into_iter()
                .filter_map(move |d| with_severity(d, settings, collections))
        })
        .collect()
}

/// The finding with the severity its rule has in the collection of the file it points at;
/// `None` when the rule is off there.
pub fn with_severity(
    mut d: Diagnostic,
    settings: &Settings,
    collections: &[Option<usize>],
) -> Option<Diagnostic> {
    let default = crate::rules::get(d.rule).default;
    let collection = collections.get(d.primary.file.index()).copied().flatten();
    d.severity = settings
        .level_in(d.rule.name(), default, collection)
        .severity()?;
    Some(d)
}
