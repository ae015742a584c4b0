use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::Diagnostic;

declare_rule! {
    /// ## What it checks
    ///
    /// Every `# kblint-allow` comment suppresses at least one finding of each rule it names.
    /// A comment covers what starts on its line (a key and its value, or a list item, with
    /// everything nested under it), or, standing alone on a line, what starts on the next line
    /// that is not blank or a comment.
    ///
    /// ## Why
    ///
    /// A suppression that hides nothing is left over from a finding that was fixed, or sits on
    /// the wrong line. Left in place, it would silently hide the next finding of its rule there.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// title: A fine title   # kblint-allow schema -- imported as a number
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// title: 7   # kblint-allow schema -- imported as a number
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Remove the comment: `kblint check --fix` does, byte for byte (the comment and the white
    /// space before it, or its whole line when it stands alone). Or move it to the line where
    /// the finding starts.
    id: UnusedSuppression,
    default: Warn,
    summary: "a suppression comment suppresses no finding",
    reach: Kb,
    check: check,
}

/// The suppress stage makes these findings, once every other rule has run.
fn check(_: &Context<'_>, _: &mut Vec<Diagnostic>) {}
