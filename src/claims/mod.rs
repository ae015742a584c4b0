//! `kblint claims`: help with the claims themselves. `claims suggest` finds, for each claim
//! without `property`, the property and value of the vocabulary that its text (or, failing
//! that, its quotes) states, and proposes them where exactly one is clear (spec §11).

mod edit;
mod suggest;

pub use suggest::{Candidate, Outcome, Skipped, Suggestion, diff, suggest};

use std::path::Path;

use anyhow::Result;

use crate::config;
use crate::tree::Tree;

/// What `kblint claims suggest` did: the outcome, and with `--write` the files left alone
/// because they changed while it ran.
pub struct Run {
    pub outcome: Outcome,
    pub wrote: bool,
    pub not_written: Vec<String>,
}

/// `kblint claims suggest [--write]` on the KB whose config is `config` (or the nearest
/// `kblint.toml` at or above `cwd`).
pub fn run(config: Option<&Path>, cwd: &Path, write: bool) -> Result<Run> {
    let (root, config) = config::locate(config, cwd)?;
    let tree = Tree::work_tree(&root);
    let (kb, _) = crate::lint_keeping_kb(&root, &config, &tree, &[])?;
    if kb.vocabulary.is_none() {
        anyhow::bail!(
            "{config} names no `vocabulary`: there are no properties to suggest (docs/claims-and-quotes.md)"
        );
    }
    let mut outcome = suggest(&kb);
    let mut not_written = Vec::new();
    let wrote = write && !outcome.plan.files.is_empty();
    if wrote {
        not_written = suggest::write(&root, std::mem::take(&mut outcome.plan))?;
    }
    Ok(Run {
        outcome,
        wrote,
        not_written,
    })
}

/// The lines for standard error: each suggestion and each claim left alone, then the counts.
pub fn summary(run: &Run) -> String {
    let o = &run.outcome;
    let mut out = String::new();
    for s in &o.suggestions {
        let c = &s.candidate;
        let negated = if c.negated { ", negated" } else { "" };
        out.push_str(&format!(
            "{}:{}: `{}`: `{}: {}`{negated} (its text says \"{}\")\n",
            s.path, s.line, s.claim, c.property, c.value, c.term
        ));
    }
    for s in &o.skipped {
        out.push_str(&format!(
            "{}:{}: `{}`: left alone: {}\n",
            s.path, s.line, s.claim, s.why
        ));
    }
    for line in &run.not_written {
        out.push_str(line);
        out.push('\n');
    }
    let free = o.claims - o.structured;
    let verb = if run.wrote { "wrote" } else { "suggested" };
    out.push_str(&format!(
        "{} of {} claims have a property; of the {free} without: {verb} {}, {} named several values or could not be edited, {} named none",
        o.structured,
        o.claims,
        o.suggestions.len(),
        o.skipped.len(),
        o.unmatched,
    ));
    if !run.wrote && !o.suggestions.is_empty() {
        out.push_str(" (`kblint claims suggest --write` applies them)");
    }
    out.push('\n');
    out
}
