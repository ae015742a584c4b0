//! The suppress stage (spec §9): `# kblint-allow RULE[, RULE] -- REASON` comments in a file's
//! frontmatter take the findings they cover out of the run, with their reason.
//!
//! A comment covers what starts on its line, with everything nested under it: a key and its
//! value, or a list item (a whole claim, a whole citation); where several start on the line,
//! the outermost. Standing alone on its line, it covers what starts on the next line that is
//! neither blank nor a comment. `# kblint-allow-file …` covers the whole file. The parsers drop
//! comments, so the comment lines are read here from the frontmatter's text, line by line (a
//! `#` is a comment where it starts a line or follows white space, outside every key and
//! value); what a comment covers comes from the spans of the frontmatter's tree.
//!
//! The stage makes the findings of two rules that no comment can suppress:
//! `invalid-suppression` (no reason, an unknown rule) and `unused-suppression` (covers no
//! finding), whose fix removes the comment byte for byte.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use crate::diagnostic::{Diagnostic, File, FileId, Files, Fix, Label, RuleId};
use crate::frontmatter::{self, Node, Value};
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

/// One `# kblint-allow` comment.
struct Directive {
    file: FileId,
    /// From the `#` to the end of the comment's text.
    comment: Range<usize>,
    /// What removing the comment removes: the white space before it, or its whole line.
    removal: Range<usize>,
    /// The rules it names, with where each name is.
    rules: Vec<(RuleId, Range<usize>)>,
    reason: String,
    /// What it covers: byte ranges of the file; the whole file for `kblint-allow-file`.
    covers: Vec<Range<usize>>,
    /// How many findings of each of `rules` it suppressed.
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
    let finder = memchr::memmem::Finder::new("kblint-allow");
    for (id, file) in only.iter().map(|&id| (id, files.get(id))) {
        if finder.find(file.text.as_bytes()).is_some() {
            scan(id, file, &mut directives, &mut findings);
        }
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
                reason: directives[n].reason.clone(),
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
        for (rule, _) in &d.rules {
            let list = covers.entry((d.file, *rule)).or_default();
            list.extend(d.covers.iter().map(|c| (c.start, c.end, n)));
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
                if let Some(r) = d.rules.iter().position(|(name, _)| *name == key.1) {
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
    let idle: Vec<usize> = (0..d.rules.len()).filter(|&r| d.used[r] == 0).collect();
    if idle.is_empty() {
        return;
    }
    let names = |which: &[usize]| {
        which
            .iter()
            .map(|&r| format!("`{}`", d.rules[r].0))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if idle.len() == d.rules.len() {
        out.push(
            Diagnostic::new(
                UNUSED,
                format!("this suppression of {} suppresses nothing", names(&idle)),
                Label::new(d.file, d.comment.clone(), "covers no finding of its rules"),
            )
            .help("remove the comment (`kblint check --fix` does), or move it to the line where the finding starts")
            .fix(Fix {
                file: d.file,
                span: d.removal.clone(),
                replacement: String::new(),
                safe: true,
                description: "remove the unused suppression".into(),
            }),
        );
        return;
    }
    // Some of its rules are used: the fix keeps those names and drops the others.
    let list = d.rules[0].1.start..d.rules[d.rules.len() - 1].1.end;
    let keep: Vec<&str> = (0..d.rules.len())
        .filter(|r| !idle.contains(r))
        .map(|r| d.rules[r].0.name())
        .collect();
    for &r in &idle {
        out.push(
            Diagnostic::new(
                UNUSED,
                format!(
                    "`{}` in this suppression suppresses nothing (the comment's other rules do)",
                    d.rules[r].0
                ),
                Label::new(d.file, d.rules[r].1.clone(), "no finding of this rule here"),
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

/// Reads the `# kblint-allow` comments of one file's frontmatter.
fn scan(id: FileId, file: &File, out: &mut Vec<Directive>, findings: &mut Vec<Diagnostic>) {
    let text = file.text.as_str();
    let Ok(split) = frontmatter::split(text) else {
        return;
    };
    // A frontmatter that does not load has a `frontmatter` finding already, and no tree to say
    // what a comment covers.
    let Some(tree) = load(text, &split) else {
        return;
    };
    let mut scalars = Vec::new();
    let toml = split.format == frontmatter::Format::Toml;
    scalar_spans(&tree, &mut scalars);
    scalars.sort_by_key(|r| r.start);
    let lines = lines(text, split.yaml.clone());
    // For each line, the first line at or after it that is neither blank nor a comment.
    let mut content = vec![None; lines.len() + 1];
    for (n, l) in lines.iter().enumerate().rev() {
        let t = text[l.clone()].trim();
        content[n] = if !t.is_empty() && !t.starts_with('#') {
            Some(n)
        } else {
            content[n + 1]
        };
    }
    // The directives of this file, each with the line whose nodes it covers (all found in one
    // walk of the tree below, however many comments there are).
    let mut targets: Vec<(usize, Range<usize>)> = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let Some(hash) = comment_start(text, line.clone(), &scalars) else {
            continue;
        };
        let comment_text = &text[hash + 1..line.end];
        let body = comment_text.trim_start();
        let Some(rest) = body.strip_prefix("kblint-allow") else {
            continue;
        };
        let comment = hash..line.end;
        let standalone = text[line.start..hash].trim().is_empty();
        let removal = if standalone {
            // The whole line, with its terminator.
            line.start..lines.get(n + 1).map_or(split.yaml.end, |l| l.start)
        } else {
            text[line.start..hash].trim_end().len() + line.start..line.end
        };
        let rest_at = line.end - rest.len();
        let (whole_file, rest, rest_at) = match rest.strip_prefix("-file") {
            Some(r) => (true, r, rest_at + 5),
            None => (false, rest, rest_at),
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            findings.push(invalid(
                id,
                comment.clone(),
                "malformed suppression: expected `# kblint-allow RULE[, RULE...] -- REASON`".into(),
            ));
            continue;
        }
        let Some(dashes) = rest.find("--") else {
            findings.push(no_reason(id, comment.clone()));
            continue;
        };
        let reason = rest[dashes + 2..].trim();
        if reason.is_empty() {
            findings.push(no_reason(id, comment.clone()));
            continue;
        }
        let mut rules = Vec::new();
        let mut bad = false;
        let mut at = rest_at;
        for part in rest[..dashes].split(',') {
            let name = part.trim();
            let start = at + (part.len() - part.trim_start().len());
            at += part.len() + 1;
            let span = start..start + name.len();
            if name.is_empty() {
                continue;
            }
            match RuleId::from_name(name) {
                Some(rule) if !rule.suppressible() => {
                    findings.push(invalid(id, span, format!("`{name}` cannot be suppressed")));
                    bad = true;
                }
                Some(rule) => rules.push((rule, span)),
                None => {
                    findings.push(
                        invalid(id, span, format!("suppression of unknown rule `{name}`")).help(
                            match crate::suggest::closest(crate::rules::names().into_iter(), name) {
                                Some(rule) => format!("did you mean `{rule}`?"),
                                None => "name a rule that `kblint rules` lists".to_string(),
                            },
                        ),
                    );
                    bad = true;
                }
            }
        }
        if bad {
            continue;
        }
        if rules.is_empty() {
            findings.push(invalid(
                id,
                comment.clone(),
                "the suppression names no rule".into(),
            ));
            continue;
        }
        let mut covers = Vec::new();
        if whole_file {
            covers.push(0..text.len());
        } else {
            // Where the covered nodes start: this line, or the next one with content.
            let target = if standalone {
                content[n + 1].map(|t| lines[t].clone())
            } else {
                Some(line.clone())
            };
            if let Some(target) = target {
                targets.push((out.len(), target));
            }
        }
        let used = vec![0; rules.len()];
        out.push(Directive {
            file: id,
            comment,
            removal,
            rules,
            reason: reason.to_string(),
            covers,
            used,
        });
    }
    if targets.is_empty() {
        return;
    }
    // On a TOML `[[claims]]` line, the item that the header opens is what starts there.
    let toml_header = |t: &Range<usize>| toml && text[t.clone()].trim_start().starts_with("[[");
    let mut unique: Vec<(Range<usize>, bool)> = targets
        .iter()
        .map(|(_, t)| (t.clone(), toml_header(t)))
        .collect();
    unique.sort_by_key(|(t, _)| t.start);
    unique.dedup_by_key(|(t, _)| t.start);
    let covered = outermost_on_lines(&tree, &unique);
    for (d, target) in targets {
        let at = unique.partition_point(|(t, _)| t.start < target.start);
        out[d].covers = covered[at].clone();
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

/// The frontmatter's tree, YAML or TOML, with a span on every key and value (the comment scan
/// above is line-based, and reads `#` comments the same way in both). JSON has no comments.
fn load(text: &str, split: &frontmatter::Split) -> Option<Node> {
    if split.format == frontmatter::Format::Json {
        return None;
    }
    frontmatter::load(text, split).ok().map(|(root, _)| root)
}

/// The spans of every key and scalar value: a `#` inside one starts no comment. (The loader's
/// span of a quoted scalar ends at its closing quote, so a comment after it is not inside it,
/// and a TOML multi-line string's span covers every line of its text.)
fn scalar_spans(node: &Node, out: &mut Vec<Range<usize>>) {
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|i| scalar_spans(i, out)),
        Value::Map(entries) => {
            for (k, v) in entries {
                out.push(k.span.clone());
                scalar_spans(v, out);
            }
        }
        _ => out.push(node.span.clone()),
    }
}

/// The lines of `range`, without their terminators (`\n`, `\r\n`).
fn lines(text: &str, range: Range<usize>) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = range.start;
    while at < range.end {
        let end =
            memchr::memchr(b'\n', &text.as_bytes()[at..range.end]).map_or(range.end, |i| at + i);
        let content = if text[at..end].ends_with('\r') {
            end - 1
        } else {
            end
        };
        out.push(at..content);
        at = end + 1;
    }
    out
}

/// Where the comment of a line starts: the first `#` at the start of the line or after white
/// space that no key or value holds.
fn comment_start(text: &str, line: Range<usize>, scalars: &[Range<usize>]) -> Option<usize> {
    let bytes = text.as_bytes();
    (line.start..line.end).find(|&i| {
        bytes[i] == b'#'
            && (i == line.start || matches!(bytes[i - 1], b' ' | b'\t'))
            && !inside(scalars, i)
    })
}

/// Whether `at` lies inside one of `spans` (sorted by start).
fn inside(spans: &[Range<usize>], at: usize) -> bool {
    // Keys and values never overlap: only the last one that starts before `at` can hold it.
    let n = spans.partition_point(|s| s.start <= at);
    n > 0 && at < spans[n - 1].end
}

/// For each of `lines` (sorted, each with whether it is a TOML `[[name]]` header): the
/// outermost keys (with their values) and list items that start on it, each with everything
/// nested under it. On a header line, the list item rather than the whole list. One walk of the
/// tree serves every line, so that many comments cost no more than one each.
fn outermost_on_lines(tree: &Node, lines: &[(Range<usize>, bool)]) -> Vec<Vec<Range<usize>>> {
    let mut extents = HashMap::new();
    extent(tree, &mut extents);
    let mut out = vec![Vec::new(); lines.len()];
    let all: Vec<usize> = (0..lines.len()).collect();
    outermost(tree, &extents, lines, &all, &mut out);
    out
}

/// The nodes' extents, by address (see [`extent`]).
type Extents = HashMap<*const Node, Range<usize>>;

/// The walk of [`outermost_on_lines`] below `node`, for the lines `active` (indices into
/// `lines`, in order) that no node above has covered.
fn outermost(
    node: &Node,
    extents: &Extents,
    lines: &[(Range<usize>, bool)],
    active: &[usize],
    out: &mut [Vec<Range<usize>>],
) {
    let extent_of = |n: &Node| {
        extents
            .get(&(n as *const Node))
            .cloned()
            .unwrap_or(n.span.clone())
    };
    // What starts at `start` and spans `whole`, with the list it holds when it is a key's.
    let mut visit = |start: usize, whole: Range<usize>, child: &Node, items: Option<&[Node]>| {
        // The lines that the child starts on or overlaps: a run of the sorted lines.
        let (from, to) = (whole.start.min(start), whole.end.max(start + 1));
        let lo = active.partition_point(|&l| lines[l].0.end < from);
        let hi = active.partition_point(|&l| lines[l].0.start < to);
        let mut below = Vec::new();
        for &l in active.get(lo..hi).unwrap_or(&[]) {
            let (line, header) = &lines[l];
            let on_line = |at: usize| line.start <= at && at <= line.end;
            let item_here = items.is_some_and(|items| items.iter().any(|i| on_line(i.span.start)));
            if on_line(start) && !(*header && item_here) {
                out[l].push(whole.clone());
            } else if whole.start <= line.end && line.start < whole.end {
                below.push(l);
            }
        }
        if !below.is_empty() {
            outermost(child, extents, lines, &below, out);
        }
    };
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let e = extent_of(v);
                let whole = k.span.start.min(e.start)..k.span.end.max(e.end);
                let items = match &v.value {
                    Value::Seq(items) => Some(items.as_slice()),
                    _ => None,
                };
                visit(k.span.start, whole, v, items);
            }
        }
        Value::Seq(items) => {
            for item in items {
                visit(item.span.start, extent_of(item), item, None);
            }
        }
        _ => {}
    }
}

/// A node's span, stretched over every key and value nested under it (a TOML table's own
/// span may hold only its header); recorded in `out` for the node and every node below it.
fn extent(node: &Node, out: &mut Extents) -> Range<usize> {
    let mut r = node.span.clone();
    match &node.value {
        Value::Map(entries) => {
            for (k, v) in entries {
                let e = extent(v, out);
                r = r.start.min(k.span.start).min(e.start)..r.end.max(k.span.end).max(e.end);
            }
        }
        Value::Seq(items) => {
            for i in items {
                let e = extent(i, out);
                r = r.start.min(e.start)..r.end.max(e.end);
            }
        }
        _ => {}
    }
    out.insert(node as *const Node, r.clone());
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str, at: &[&str]) -> (Vec<String>, Vec<String>) {
        let mut files = Files::default();
        let id = files.add(File::new("a.md".into(), text.into()));
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
        let id = files.add(File::new("a.md".into(), text));
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
        let id = files.add(File::new("a.md".into(), text.into()));
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
