//! Fingerprints that identify a finding across two versions of the KB, for `--changed-since`
//! and SARIF's `partialFingerprints` (key `kblint/v1`).
//!
//! A fingerprint is the first 16 bytes, in hex, of a SHA-256 over:
//!
//! 1. the rule's name (`quote-not-found`);
//! 2. the path of the file the finding points at, relative to the KB root;
//! 3. the text at the finding's primary location, every run of white space made one space (the
//!    quote, the offending value, the claim id); when that text is blank, the whole line;
//! 4. the message with the ASCII digits that do not name anything removed: every digit outside
//!    backticks, so that "line 40" and "87% similar" do not count, and inside backticks only an
//!    index (`claims/2`, `methods[2]`, which change when an item is added above); the names in backticks keep theirs, so that a finding about
//!    `report-2023` is not one about `report-2019`;
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
//! scanning would otherwise close every alert and open it again. (Keeping the digits of names,
//! step 4, changed only the fingerprints of findings whose message names something with a
//! digit, which the earlier form, [`legacy_fingerprints`], gave one fingerprint for several
//! things; baselines written with it still match, see `baseline`.)

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
    compute(files, diagnostics, renames, message_part)
}

/// The fingerprints of an earlier kblint, which removed every digit of the message: what the
/// entries of a baseline written then hold.
pub fn legacy_fingerprints(files: &Files, diagnostics: &[Diagnostic]) -> Vec<String> {
    compute(files, diagnostics, &BTreeMap::new(), |m| {
        m.chars().filter(|c| !c.is_ascii_digit()).collect()
    })
}

/// The message as it takes part in a fingerprint (step 4): without the digits that name
/// nothing.
pub fn message_part(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut quoted = false;
    let chars: Vec<char> = message.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '`' {
            quoted = !quoted;
        }
        if !c.is_ascii_digit() {
            out.push(c);
            i += 1;
            continue;
        }
        let end = chars[i..]
            .iter()
            .position(|c| !c.is_ascii_digit())
            .map_or(chars.len(), |n| i + n);
        // An index: `claims/2/cites` or `claims[2].cites`.
        let segment = i > 0
            && matches!(chars[i - 1], '/' | '[')
            && matches!(chars.get(end), None | Some('/' | ']' | '`' | '.'));
        if quoted && !segment {
            out.extend(&chars[i..end]);
        }
        i = end;
    }
    out
}

fn compute(
    files: &Files,
    diagnostics: &[Diagnostic],
    renames: &BTreeMap<String, String>,
    message_part: impl Fn(&str) -> String,
) -> Vec<String> {
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let file = files.get(d.primary.file);
            let path = renames.get(&file.path).unwrap_or(&file.path);
            let span = d.primary.span.start.min(file.text().len())
                ..d.primary.span.end.min(file.text().len());
            let mut text = file.text().get(span).unwrap_or("");
            if text.trim().is_empty() {
                text = file
                    .text()
                    .get(file.line_range(file.position(d.primary.span.start).line))
                    .unwrap_or("");
            }
            let text: Vec<&str> = text.split_whitespace().collect();
            let message = message_part(&d.message);
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
    use crate::diagnostic::{File, FileId, Label};

    fn finding(file: FileId, needle: &str, files: &Files) -> Diagnostic {
        let at = files.get(file).text().find(needle).unwrap();
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
        let c = renamed.add(File::new(
            "kb/sub/a.md".into(),
            before.get(a).text().to_string(),
        ));
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
    fn the_digits_of_names_count_and_other_digits_do_not() {
        assert_eq!(
            message_part("quote not found in source `report-2019` (line 40, 87% similar)"),
            "quote not found in source `report-2019` (line , % similar)"
        );
        assert_ne!(
            message_part("source `report-2019`"),
            message_part("source `report-2023`")
        );
        // An index in a path moves with the lines; a number that is a name does not.
        assert_eq!(
            message_part("`claims/2/cites/10` is missing `quote`"),
            message_part("`claims/3/cites/0` is missing `quote`")
        );
        assert_eq!(
            message_part("`auto.methods[1]`: not valid"),
            message_part("`auto.methods[12]`: not valid")
        );
        assert_ne!(
            message_part("`year` is `2019`"),
            message_part("`year` is `2020`")
        );
        // Without digits in names, the message takes part as it did before.
        let m = "`subtitle`: 8 is not of type \"string\" (claims 12)";
        let legacy: String = m.chars().filter(|c| !c.is_ascii_digit()).collect();
        assert_eq!(message_part(m), legacy);
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
