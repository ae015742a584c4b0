//! The suppress stage (spec §9): `# kblint-allow RULE[, RULE] -- REASON` comments in a file's
//! frontmatter take the findings they cover out of the run, with their reason.
//!
//! The parse stage reads each file's comments and what each covers (`parse/suppressions.rs`,
//! where the frontmatter's tree is at hand) and keeps them with the file
//! ([`File::suppressions`](crate::diagnostic::File)); this stage matches them with the
//! findings.
//!
//! The stage makes the findings of two rules that no comment can suppress:
//! `invalid-suppression` (no reason, an unknown rule) and `unused-suppression` (covers no
//! finding), whose fix removes the comment byte for byte.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use crate::diagnostic::{
    BadSuppression, Diagnostic, FileId, Files, Fix, Label, RuleId, Suppression,
};
use crate::report::Suppressed;

/// The rule of malformed suppressions.
pub const INVALID: RuleId = RuleId::InvalidSuppression;
/// The rule of suppressions that suppress nothing.
pub const UNUSED: RuleId = RuleId::UnusedSuppression;

/// What the stage did to a run's findings.
pub struct Outcome {
    /// The findings no comment covers.
    pub kept: Vec<Diagnostic>,
    /// The findings a comment covers, with its reason.
    pub suppressed: Vec<Suppressed>,
    /// `invalid-suppression` and `unused-suppression` findings (their severity not yet set).
    pub findings: Vec<Diagnostic>,
}

/// One `# kblint-allow` comment of a file, as the suppress stage uses it.
struct Directive<'f> {
    file: FileId,
    /// The comment, as the parse stage read it.
    read: &'f Suppression,
    /// How many findings of each of its rules it suppressed.
    used: Vec<usize>,
}

/// Takes the findings that a suppression covers out of `diagnostics`.
pub fn suppress(files: &Files, diagnostics: Vec<Diagnostic>) -> Outcome {
    let all: Vec<FileId> = files.iter().map(|(id, _)| id).collect();
    suppress_in(files, &all, diagnostics)
}

/// The same, for the comments of the files `only`: the findings given are all on those files
/// (the language server, after an edit, for the files whose findings changed).
pub fn suppress_in(files: &Files, only: &[FileId], diagnostics: Vec<Diagnostic>) -> Outcome {
    let mut findings = Vec::new();
    let mut directives: Vec<Directive> = Vec::new();
    for (id, file) in only.iter().map(|&id| (id, files.get(id))) {
        let read = file.suppressions();
        findings.extend(read.problems.iter().map(|p| problem(id, p)));
        directives.extend(read.comments.iter().map(|c| Directive {
            file: id,
            read: c,
            used: vec![0; c.rules.len()],
        }));
    }
    if directives.is_empty() {
        return Outcome {
            kept: diagnostics,
            suppressed: Vec::new(),
            findings,
        };
    }
    let reasons = covering(
        &directives_by_rule(&directives),
        &diagnostics,
        &mut directives,
    );
    let mut kept = Vec::with_capacity(diagnostics.len());
    let mut suppressed = Vec::new();
    for (d, reason) in diagnostics.into_iter().zip(reasons) {
        match reason {
            Some(n) => suppressed.push(Suppressed {
                diagnostic: d,
                reason: directives[n].read.reason.clone(),
            }),
            None => kept.push(d),
        }
    }
    for d in &directives {
        unused(d, &mut findings);
    }
    Outcome {
        kept,
        suppressed,
        findings,
    }
}

/// The ranges that the directives cover, by file and rule: `(start, end, directive)`, sorted.
type Covers = HashMap<(FileId, RuleId), Vec<(usize, usize, usize)>>;

fn directives_by_rule(directives: &[Directive]) -> Covers {
    let mut covers: Covers = HashMap::new();
    for (n, d) in directives.iter().enumerate() {
        for (rule, _) in &d.read.rules {
            let list = covers.entry((d.file, *rule)).or_default();
            list.extend(d.read.covers.iter().map(|c| (c.start, c.end, n)));
        }
    }
    covers.values_mut().for_each(|list| list.sort_unstable());
    covers
}

/// For each finding, the first directive (in the order of the files' lines) that covers it,
/// counting in `directives` every directive that covers one. The findings of each file and
/// rule are swept in order of position with the covers open at that point, by their ends: a
/// run costs the findings and the covers (times a logarithm), not their product.
fn covering(
    covers: &Covers,
    diagnostics: &[Diagnostic],
    directives: &mut [Directive],
) -> Vec<Option<usize>> {
    let mut reasons = vec![None; diagnostics.len()];
    let mut groups: HashMap<(FileId, RuleId), Vec<usize>> = HashMap::new();
    for (i, d) in diagnostics.iter().enumerate() {
        let key = (d.primary.file, d.rule);
        if d.rule.suppressible() && covers.contains_key(&key) {
            groups.entry(key).or_default().push(i);
        }
    }
    for (key, mut found) in groups {
        let list = &covers[&key];
        found.sort_by_key(|&i| diagnostics[i].primary.span.start);
        let mut open: BTreeSet<(usize, usize)> = BTreeSet::new();
        let mut next = 0;
        let mut matches = Vec::new();
        for i in found {
            let span = &diagnostics[i].primary.span;
            while let Some(&(start, end, n)) = list.get(next)
                && start <= span.start
            {
                open.insert((end, n));
                next += 1;
            }
            // Open covers that end before the finding does cannot hold it.
            matches.clear();
            matches.extend(open.range((span.end, 0)..).map(|&(_, n)| n));
            matches.sort_unstable();
            matches.dedup();
            for &n in &matches {
                let d = &mut directives[n];
                if let Some(r) = d.read.rules.iter().position(|(name, _)| *name == key.1) {
                    d.used[r] += 1;
                }
            }
            reasons[i] = matches.first().copied();
        }
    }
    reasons
}

/// The `unused-suppression` findings of a directive: one for the whole comment when it
/// suppressed nothing, else one for each rule it names in vain.
fn unused(d: &Directive, out: &mut Vec<Diagnostic>) {
    let idle: Vec<usize> = (0..d.read.rules.len())
        .filter(|&r| d.used[r] == 0)
        .collect();
    if idle.is_empty() {
        return;
    }
    let names = |which: &[usize]| {
        which
            .iter()
            .map(|&r| format!("`{}`", d.read.rules[r].0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if idle.len() == d.read.rules.len() {
        out.push(
            Diagnostic::new(
                UNUSED,
                format!("this suppression of {} suppresses nothing", names(&idle)),
                Label::new(d.file, d.read.comment.clone(), "covers no finding of its rules"),
            )
            .help("remove the comment (`kblint check --fix` does), or move it to the line where the finding starts")
            .fix(Fix {
                file: d.file,
                span: d.read.removal.clone(),
                replacement: String::new(),
                safe: true,
                description: "remove the unused suppression".into(),
            }),
        );
        return;
    }
    // Some of its rules are used: the fix keeps those names and drops the others.
    let list = d.read.rules[0].1.start..d.read.rules[d.read.rules.len() - 1].1.end;
    let keep: Vec<&str> = (0..d.read.rules.len())
        .filter(|r| !idle.contains(r))
        .map(|r| d.read.rules[r].0.name())
        .collect();
    for &r in &idle {
        out.push(
            Diagnostic::new(
                UNUSED,
                format!(
                    "`{}` in this suppression suppresses nothing (the comment's other rules do)",
                    d.read.rules[r].0
                ),
                Label::new(
                    d.file,
                    d.read.rules[r].1.clone(),
                    "no finding of this rule here",
                ),
            )
            .help("remove the rule from the comment (`kblint check --fix` does)")
            .fix(Fix {
                file: d.file,
                span: list.clone(),
                replacement: keep.join(", "),
                safe: true,
                description: "remove the unused rule from the suppression".into(),
            }),
        );
    }
}

/// The `invalid-suppression` finding of a comment of file `file` that cannot suppress anything.
fn problem(file: FileId, p: &BadSuppression) -> Diagnostic {
    match p {
        BadSuppression::Malformed(comment) => invalid(
            file,
            comment.clone(),
            "malformed suppression: expected `# kblint-allow RULE[, RULE...] -- REASON`".into(),
        ),
        BadSuppression::NoReason(comment) => no_reason(file, comment.clone()),
        BadSuppression::NoRule(comment) => invalid(
            file,
            comment.clone(),
            "the suppression names no rule".into(),
        ),
        BadSuppression::Unsuppressible(name, span) => {
            invalid(file, span.clone(), format!("`{name}` cannot be suppressed"))
        }
        BadSuppression::UnknownRule(name, span) => invalid(
            file,
            span.clone(),
            format!("suppression of unknown rule `{name}`"),
        )
        .help(
            match crate::suggest::closest(crate::rules::names().into_iter(), name) {
                Some(rule) => format!("did you mean `{rule}`?"),
                None => "name a rule that `kblint rules` lists".to_string(),
            },
        ),
    }
}

fn invalid(file: FileId, span: Range<usize>, message: String) -> Diagnostic {
    Diagnostic::new(
        INVALID,
        message,
        Label::new(file, span, "this suppression suppresses nothing"),
    )
}

fn no_reason(file: FileId, span: Range<usize>) -> Diagnostic {
    invalid(file, span, "the suppression gives no reason".into())
        .help("say why after two dashes: `# kblint-allow RULE -- REASON`")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::File;

    /// A file with the comments that the parse stage reads in it.
    fn file(text: &str) -> File {
        let mut file = File::new("a.md".into(), text.into());
        file.set_suppressions(crate::parse::suppressions::of_text(text));
        file
    }

    fn run(text: &str, at: &[&str]) -> (Vec<String>, Vec<String>) {
        let mut files = Files::default();
        let id = files.add(file(text));
        let diagnostics = at
            .iter()
            .map(|needle| {
                let start = text.find(needle).unwrap();
                Diagnostic::new(
                    RuleId::Schema,
                    *needle,
                    Label::new(id, start..start + needle.len(), ""),
                )
            })
            .collect();
        let outcome = suppress(&files, diagnostics);
        (
            outcome.kept.iter().map(|d| d.message.clone()).collect(),
            outcome
                .findings
                .iter()
                .map(|d| format!("{}: {}", d.rule, d.message))
                .collect(),
        )
    }

    #[test]
    fn a_trailing_comment_covers_its_node_and_what_is_nested_under_it() {
        let text = "---\nid: a\nclaims:\n  - id: x   # kblint-allow schema -- why\n    text: t\n  - id: y\n    text: u\n---\n";
        let (kept, meta) = run(text, &["text: t", "u"]);
        assert_eq!(kept, ["u"]);
        assert!(meta.is_empty(), "{meta:?}");
    }

    #[test]
    fn a_standalone_comment_covers_the_next_line_with_content() {
        let text = "---\n# kblint-allow schema -- why\n\n# another comment\nid: a\ntitle: b\n---\n";
        let (kept, meta) = run(text, &["id: a", "title: b"]);
        assert_eq!(kept, ["title: b"]);
        assert!(meta.is_empty(), "{meta:?}");
    }

    #[test]
    fn a_hash_inside_a_value_is_no_comment() {
        let text = "---\ntitle: \"x # kblint-allow schema -- no\"\nbody: |\n  # kblint-allow schema -- no\nyear: \"2024\"  # kblint-allow schema -- yes\n---\n";
        let (kept, meta) = run(text, &["x #", "2024"]);
        assert_eq!(kept, ["x #"]);
        assert!(meta.is_empty(), "{meta:?}");
    }

    #[test]
    fn the_text_of_a_toml_multi_line_string_is_no_comment() {
        for (open, close) in [
            ("\"\"\"", "\"\"\""),
            ("'''", "'''"),
            ("\"\"\"", "\\\"\"\"\""),
            ("'''", "''''"),
        ] {
            let text = format!(
                "+++\nid = \"a\"\nnotes = {open}\n# kblint-allow-file schema -- hidden\n\\\" # kblint-allow schema -- hidden\n{close}\ntitle = 1\n+++\n"
            );
            let (kept, meta) = run(&text, &["title = 1"]);
            assert_eq!(kept, ["title = 1"], "{text}");
            assert!(meta.is_empty(), "{meta:?}");
        }
    }

    #[test]
    fn many_comments_cost_no_more_than_one_each() {
        // 10,000 claims, each with a comment; every other one covers a finding. Each comment
        // walked the whole list (and every finding every comment of its file): minutes. One
        // walk and one sweep take a fraction of a second.
        let n = 10_000;
        let mut text = String::from("---\nid: a\nclaims:\n");
        let mut at = Vec::new();
        for i in 0..n {
            text.push_str(&format!("  - id: c{i}   # kblint-allow schema -- why\n"));
            at.push(text.len() + 4);
            text.push_str(&format!("    text: t{i}\n"));
        }
        text.push_str("---\n");
        let mut files = Files::default();
        let id = files.add(file(&text));
        let diagnostics = at
            .iter()
            .step_by(2)
            .map(|&start| {
                Diagnostic::new(RuleId::Schema, "m", Label::new(id, start..start + 7, ""))
            })
            .collect();
        let outcome = suppress(&files, diagnostics);
        assert!(outcome.kept.is_empty());
        assert_eq!(outcome.suppressed.len(), n / 2);
        assert_eq!(outcome.findings.len(), n / 2, "the idle half is unused");
    }

    #[test]
    fn bad_suppressions_are_findings() {
        let text = "---\nid: a # kblint-allow schema\ntitle: b # kblint-allow nope -- why\nx: 1 # kblint-allow unused-suppression -- why\ny: 2 # kblint-allow: schema -- why\n---\n";
        let (kept, meta) = run(text, &["id: a", "title: b"]);
        assert_eq!(kept, ["id: a", "title: b"]);
        assert_eq!(
            meta,
            [
                "invalid-suppression: the suppression gives no reason",
                "invalid-suppression: suppression of unknown rule `nope`",
                "invalid-suppression: `unused-suppression` cannot be suppressed",
                "invalid-suppression: malformed suppression: expected `# kblint-allow RULE[, RULE...] -- REASON`",
            ]
        );
    }

    #[test]
    fn an_unused_suppression_is_removed_byte_for_byte() {
        let text = "---\nid: a   # kblint-allow schema -- why\n# kblint-allow-file schema, frontmatter -- why\ntitle: b\n---\n";
        let mut files = Files::default();
        let id = files.add(file(text));
        let outcome = suppress(&files, Vec::new());
        assert_eq!(outcome.findings.len(), 2);
        let mut fixed = text.to_string();
        let mut fixes: Vec<&Fix> = outcome
            .findings
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .collect();
        fixes.sort_by_key(|f| std::cmp::Reverse(f.span.start));
        for f in fixes {
            assert_eq!(f.file, id);
            fixed.replace_range(f.span.clone(), &f.replacement);
        }
        assert_eq!(fixed, "---\nid: a\ntitle: b\n---\n");
    }
}
