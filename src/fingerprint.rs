//! Fingerprints that identify a finding across two versions of the KB, for `--changed-since`
//! and SARIF's `partialFingerprints` (key `kblint/v1`).
//!
//! A fingerprint is the first 16 bytes, in hex, of a SHA-256 over:
//!
//! 1. the rule's name (`quote-not-found`);
//! 2. the path of the file the finding points at, relative to the KB root;
//! 3. the text at the finding's primary location, every run of white space made one space (the
//!    quote, the offending value, the claim id); when that text is blank, the whole line;
//! 4. the message with every ASCII digit removed, so that "line 40" and "87% similar" do not
//!    count;
//! 5. an ordinal: the first, second, … finding with the same four parts, in the report's order
//!    (path, line, column, rule), so that two identical mistakes in one file stay two findings.
//!
//! Line and column numbers take no part: a finding keeps its fingerprint when lines above it
//! are added, removed or moved. What changes it: editing the text it points at, a message
//! that names something else, or moving the finding to another file. For `--changed-since`,
//! files that git sees as renamed since the base (`git diff -M`) are fingerprinted under their
//! new path on the base side, so a renamed entry brings its old findings along instead of
//! reporting them as new.
//!
//! Changing any of this changes every fingerprint, so the key is versioned (`kblint/v1`): code
//! scanning would otherwise close every alert and open it again.

use std::collections::{BTreeMap, HashMap};

use sha2::{Digest, Sha256};

use crate::diagnostic::{Diagnostic, Files};
use crate::digest::hex;

/// The fingerprint of each diagnostic, in order (diagnostics must be sorted).
pub fn fingerprints(files: &Files, diagnostics: &[Diagnostic]) -> Vec<String> {
    fingerprints_renamed(files, diagnostics, &BTreeMap::new())
}

/// Like [`fingerprints`], as if each file `old` of `renames` were at its new path: how the base
/// of `--changed-since` is fingerprinted, so that findings follow a renamed file.
pub fn fingerprints_renamed(
    files: &Files,
    diagnostics: &[Diagnostic],
    renames: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let file = files.get(d.primary.file);
            let path = renames.get(&file.path).unwrap_or(&file.path);
            let span =
                d.primary.span.start.min(file.text.len())..d.primary.span.end.min(file.text.len());
            let mut text = file.text.get(span).unwrap_or("");
            if text.trim().is_empty() {
                text = file
                    .text
                    .get(file.line_range(file.position(d.primary.span.start).line))
                    .unwrap_or("");
            }
            let text: Vec<&str> = text.split_whitespace().collect();
            let message: String = d.message.chars().filter(|c| !c.is_ascii_digit()).collect();
            let mut h = Sha256::new();
            for part in [d.rule.name(), path.as_str(), &text.join(" "), &message] {
                h.update(part.as_bytes());
                h.update([0]);
            }
            let base: [u8; 32] = h.finalize().into();
            let n = seen.entry(base).or_insert(0);
            *n += 1;
            let mut h = Sha256::new();
            h.update(base);
            h.update((*n as u64).to_le_bytes());
            hex(&h.finalize()[..16])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::diagnostic::{File, Label};

    fn finding(file: usize, needle: &str, files: &Files) -> Diagnostic {
        let at = files.get(file).text.find(needle).unwrap();
        Diagnostic::new(
            crate::diagnostic::RuleId::QuoteNotFound,
            "quote not found in source `guide`",
            Label::new(file, at..at + needle.len(), ""),
        )
    }

    #[test]
    fn moved_lines_keep_the_fingerprint_and_edits_or_renames_change_it() {
        let mut before = Files::default();
        let a = before.add(File::new(
            "kb/a.md".into(),
            "---\nquote: \"made up\"\n---\n".into(),
        ));
        let mut after = Files::default();
        let b = after.add(File::new(
            "kb/a.md".into(),
            "---\ntitle: x\nnote: y\nquote:   \"made   up\"\n---\n".into(),
        ));
        let old = fingerprints(&before, &[finding(a, "\"made up\"", &before)]);
        let moved = fingerprints(&after, &[finding(b, "\"made   up\"", &after)]);
        assert_eq!(
            old, moved,
            "moved lines and re-spaced text keep the fingerprint"
        );

        let mut renamed = Files::default();
        let c = renamed.add(File::new("kb/sub/a.md".into(), before.get(a).text.clone()));
        let new_path = fingerprints(&renamed, &[finding(c, "\"made up\"", &renamed)]);
        assert_ne!(old, new_path, "another file, another finding");
        let map = BTreeMap::from([("kb/a.md".to_string(), "kb/sub/a.md".to_string())]);
        assert_eq!(
            fingerprints_renamed(&before, &[finding(a, "\"made up\"", &before)], &map),
            new_path,
            "unless git saw a rename"
        );
    }

    #[test]
    fn identical_findings_in_one_file_are_told_apart() {
        let mut files = Files::default();
        let a = files.add(File::new("kb/a.md".into(), "x: \"q\"\ny: \"q\"\n".into()));
        let d = finding(a, "\"q\"", &files);
        let fps = fingerprints(&files, &[d.clone(), d]);
        assert_eq!(fps.len(), 2);
        assert_ne!(fps[0], fps[1]);
        assert_eq!(fps[0].len(), 32);
    }
}
