use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Every entry of the baseline file (`kblint-baseline.json`, or the config's `baseline`)
    /// matches a finding of the KB. Each entry hides exactly one finding, named by its
    /// fingerprint (rule, file, the text the finding points at, its message), not by a count.
    ///
    /// ## Why
    ///
    /// An entry whose finding was fixed is clean-up done: pruning it keeps the baseline an
    /// honest list of what is left. And since entries are matched one by one, fixing one
    /// baselined finding while adding another of the same rule in the same file shows the new
    /// one, and this stale entry, instead of hiding the swap.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kblint-baseline.json <==
    /// {
    ///   "version": 1,
    ///   "findings": [
    ///     { "rule": "schema", "path": "kb/entries/example.md", "fingerprint": "0123456789abcdef0123456789abcdef", "message": "`title`: 7 is not of type \"string\"" }
    ///   ]
    /// }
    /// ```
    ///
    /// ```md passes
    /// ==> kblint-baseline.json <==
    /// {
    ///   "version": 1,
    ///   "findings": [
    ///     { "rule": "schema", "path": "kb/entries/example.md", "fingerprint": "831e6e046e8e674aa0ba56e1b86afea3", "message": "`title`: 7 is not of type \"string\"" }
    ///   ]
    /// }
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// title: 7
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Run `kblint baseline --prune`: it removes the entries that match no finding and adds
    /// nothing.
    id: StaleBaselineEntry,
    default: Warn,
    summary: "an entry of the baseline file matches no finding",
    reach: Kb,
    check: check,
}

/// The baseline stage makes these findings, when it matches the baseline to the findings.
fn check(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}
