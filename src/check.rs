//! The check stage: every rule that is not off, with its configured severity, on the indexed KB
//! and the analyses that the enabled rules declare they need.

use rayon::prelude::*;

use crate::analysis::{Analysis, Context};
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::index::Kb;
use crate::rules::{RULES, Rule};

/// Every finding of the enabled rules, unsorted.
pub fn check(kb: &Kb, settings: &Settings) -> Vec<Diagnostic> {
    let enabled: Vec<(&'static Rule, Severity)> = RULES
        .iter()
        .filter_map(|r| {
            settings
                .level(r.name, r.default)
                .severity()
                .map(|s| (*r, s))
        })
        .collect();
    let mut needs: Vec<Analysis> = Vec::new();
    for need in enabled.iter().flat_map(|(r, _)| r.needs) {
        if !needs.contains(need) {
            needs.push(*need);
        }
    }
    let cx = Context::new(kb, &needs);
    enabled
        .par_iter()
        .flat_map_iter(|(rule, severity)| {
            let mut out = Vec::new();
            (rule.check)(&cx, &mut out);
            debug_assert!(
                out.iter().all(|d| d.rule == rule.name),
                "rule `{}` made a finding under another name",
                rule.name
            );
            out.into_iter().map(move |mut d| {
                d.severity = *severity;
                d
            })
        })
        .collect()
}
