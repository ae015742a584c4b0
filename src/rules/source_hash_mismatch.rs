use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, Fix, Label};

declare_rule! {
    /// ## What it checks
    ///
    /// A source's `sha256` equals the lowercase hex SHA-256 of its body: every byte after the
    /// line that closes the frontmatter.
    ///
    /// ## Why
    ///
    /// A snapshot must stay what was retrieved. An edit after the fact, even a well-meant
    /// typo fix, could make a misquote verify. The digest makes every change visible in review.
    ///
    /// ## Example
    ///
    /// The digest was recorded for "Roles overlap in small teams.", then the body was edited:
    ///
    /// ```md fires
    /// ==> kb/sources/other.md <==
    /// ---
    /// id: other
    /// sha256: 3800f029d4be7bc4fd52a3a33d44b0003e16eef0ded51da78b606db64679be2c
    /// ---
    /// Roles overlap in large teams.
    /// ```
    ///
    /// ```md passes
    /// ==> kb/sources/other.md <==
    /// ---
    /// id: other
    /// sha256: 3800f029d4be7bc4fd52a3a33d44b0003e16eef0ded51da78b606db64679be2c
    /// ---
    /// Roles overlap in small teams.
    /// ```
    ///
    /// ## How to fix
    ///
    /// Restore the body as retrieved. When the document really changed, re-snapshot it and run
    /// `kblint check --fix`: it rewrites `sha256` when every quote citing the source still
    /// matches the new body.
    id: SourceHashMismatch,
    default: Error,
    summary: "a source's `sha256` differs from its body's",
    needs: [Citations],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for (n, entry) in kb.entries.iter().enumerate() {
        let Some(declared) = &entry.sha256 else {
            continue;
        };
        let actual = kb.body_digest(n);
        if declared.value == actual {
            continue;
        }
        // Only the citations whose quote fails are kept in the analysis.
        let all_quotes_hold = !cx.citations().checked.iter().any(|c| c.source == n);
        let mut d = Diagnostic::new(
            RULE.id,
            format!(
                "`sha256` of source `{}` does not match its body",
                entry.id.value
            ),
            Label::new(entry.file, declared.span.clone(), "recorded digest"),
        )
        .note(format!("the body's digest is {actual}"));
        if all_quotes_hold {
            // A quoted digest (TOML and JSON always quote) keeps its quotes.
            let written = kb
                .files
                .get(entry.file)
                .text
                .get(declared.span.clone())
                .unwrap_or("");
            let actual = match written.chars().next() {
                Some(q @ ('"' | '\'')) => format!("{q}{actual}{q}"),
                _ => actual,
            };
            d = d
                .help("if the document really changed, `kblint check --fix` records the new digest (every quote citing it still matches)")
                .fix(Fix { file: entry.file, span: declared.span.clone(), replacement: actual, safe: true, description: "record the body's digest".into() });
        } else {
            d = d.help("restore the body as retrieved; some quotes citing it no longer match, so `--fix` leaves the digest alone");
        }
        out.push(d);
    }
}
