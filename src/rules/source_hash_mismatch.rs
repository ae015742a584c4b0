use sha2::{Digest, Sha256};

use super::declare_rule;
use crate::citations::Outcome;
use crate::diagnostic::{Diagnostic, Fix, Label};
use crate::index::Kb;

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
    name: "source-hash-mismatch",
    default: Error,
    summary: "a source's `sha256` differs from its body's",
    check: check,
}

fn check(kb: &Kb, out: &mut Vec<Diagnostic>) {
    for (n, entry) in kb.entries.iter().enumerate() {
        let Some(declared) = &entry.sha256 else {
            continue;
        };
        let actual = digest(kb, n);
        if declared.value == actual {
            continue;
        }
        let all_quotes_hold = kb
            .citations()
            .checked
            .iter()
            .filter(|c| c.source == n)
            .all(|c| matches!(c.outcome, Outcome::Found));
        let mut d = Diagnostic::new(
            &RULE,
            format!(
                "`sha256` of source `{}` does not match its body",
                entry.id.value
            ),
            Label::new(entry.file, declared.span.clone(), "recorded digest"),
        )
        .note(format!("the body's digest is {actual}"));
        if all_quotes_hold {
            d = d
                .help("if the document really changed, `kblint check --fix` records the new digest (every quote citing it still matches)")
                .fix(Fix { file: entry.file, span: declared.span.clone(), replacement: actual, safe: true, description: "record the body's digest".into() });
        } else {
            d = d.help("restore the body as retrieved; some quotes citing it no longer match, so `--fix` leaves the digest alone");
        }
        out.push(d);
    }
}

/// The lowercase hex SHA-256 of a source's body.
pub fn digest(kb: &Kb, source: usize) -> String {
    let entry = &kb.entries[source];
    let body = kb
        .files
        .get(entry.file)
        .text
        .get(entry.body.clone())
        .unwrap_or("");
    crate::fingerprint::hex(&Sha256::digest(body.as_bytes()))
}
