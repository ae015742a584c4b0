use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Every `# kblint-allow RULE[, RULE...] -- REASON` comment in a frontmatter (and every
    /// `# kblint-allow-file …`) names rules that exist and can be suppressed, and gives a reason
    /// after `--`. A suppression that breaks this suppresses nothing.
    ///
    /// ## Why
    ///
    /// A suppression hides a finding from everyone who reads the KB after its writer. The
    /// reason is what lets them judge it, and a misspelt rule name would otherwise hide nothing
    /// while looking as if it did. The findings about suppressions and the baseline
    /// (`invalid-suppression`, `unused-suppression`, `stale-baseline-entry`) cannot be
    /// suppressed: they are fixed where they are.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// title: A title   # kblint-allow schemas -- no rule has this name
    /// # kblint-allow missing-quote
    /// aliases: [ex]
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// title: 7   # kblint-allow schema -- the release number, kept as the importer wrote it
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Write the reason after two dashes, and name the rule as `kblint rules` lists it.
    id: InvalidSuppression,
    default: Error,
    summary: "a suppression comment names an unknown rule, or gives no reason",
    reach: Kb,
    check: check,
}

/// The suppress stage makes these findings, from the comments that the rules never see.
fn check(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}
