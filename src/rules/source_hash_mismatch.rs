use std::ops::Range;

use super::declare_rule;
use crate::analysis::Context;
use crate::diagnostic::{Diagnostic, FileId, Fix, Label};

/// The broken quotes a finding shows as related places (all of them are counted).
const MAX_SHOWN: usize = 5;

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
    /// matches the new body. Otherwise the finding points at the quotes that no longer match,
    /// and `--fix` and `--diff` say which quote (`path:line:column`) holds the digest back.
    id: SourceHashMismatch,
    default: Error,
    summary: "a source's `sha256` differs from its body's",
    needs: [Citations],
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    for (n, entry) in cx.entries() {
        let Some(declared) = &entry.sha256 else {
            continue;
        };
        let actual = kb.body_digest(n);
        if declared.value == actual {
            continue;
        }
        // Only the citations whose quote fails are kept in the analysis.
        let broken: Vec<(FileId, Range<usize>)> = cx
            .citations()
            .checked
            .iter()
            .filter(|c| c.source == n)
            .filter_map(|c| {
                let quote = kb.claim(c.claim).cites[c.cite].quote.as_ref()?;
                Some((kb.entries[c.claim.entry].file, quote.span()))
            })
            .collect();
        let all_quotes_hold = broken.is_empty();
        let mut d = Diagnostic::new(
            RULE.id,
            format!(
                "`sha256` of source `{}` does not match its body",
                entry.id.value
            ),
            Label::new(entry.file, declared.span(), "recorded digest"),
        )
        .note(format!("the body's digest is {actual}"));
        if all_quotes_hold {
            // A quoted digest (TOML and JSON always quote) keeps its quotes.
            let written = kb
                .files
                .get(entry.file)
                .text()
                .get(declared.span())
                .unwrap_or("");
            let actual = match written.chars().next() {
                Some(q @ ('"' | '\'')) => format!("{q}{actual}{q}"),
                _ => actual,
            };
            d = d
                .help("if the document really changed, `kblint check --fix` records the new digest (every quote citing it still matches)")
                .fix(Fix { file: entry.file, span: declared.span(), replacement: actual, safe: true, description: "record the body's digest".into() });
        } else {
            let places: Vec<String> = broken
                .iter()
                .map(|(file, span)| {
                    let f = kb.files.get(*file);
                    let at = f.position(span.start);
                    format!("{}:{}:{}", f.path, at.line, at.column)
                })
                .collect();
            let (first, more) = match places.len() {
                1 => (places[0].clone(), String::new()),
                n => (places[0].clone(), format!(" (and {} more)", n - 1)),
            };
            d.held_back = Some(format!(
                "`sha256` of source `{}` not rewritten: the quote at {first}{more} does not match its body; fix {} first",
                entry.id.value,
                if places.len() == 1 {
                    "that quote"
                } else {
                    "those quotes"
                }
            ));
            for (file, span) in broken.iter().take(MAX_SHOWN) {
                d = d.related(Label::new(
                    *file,
                    span.clone(),
                    "this quote does not match the body",
                ));
            }
            d = d.help(format!(
                "restore the body as retrieved; {} citing it {} not match it, so `--fix` leaves the digest alone until {} fixed",
                if broken.len() == 1 { "a quote".to_string() } else { format!("{} quotes", broken.len()) },
                if broken.len() == 1 { "does" } else { "do" },
                if broken.len() == 1 { "it is" } else { "they are" },
            ));
        }
        out.push(d);
    }
}
