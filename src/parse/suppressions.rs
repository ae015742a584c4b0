//! The `# kblint-allow` comments of a frontmatter (spec §9), read where the parse stage has the
//! frontmatter's tree at hand, for the suppress stage.
//!
//! A comment covers what starts on its line, with everything nested under it: a key and its
//! value, or a list item (a whole claim, a whole citation); where several start on the line,
//! the outermost. Standing alone on its line, it covers what starts on the next line that is
//! neither blank nor a comment. `# kblint-allow-file …` covers the whole file. The parsers drop
//! comments, so the comment lines are read here from the frontmatter's text, line by line (a
//! `#` is a comment where it starts a line or follows white space, outside every key and
//! value); what a comment covers comes from the spans of the frontmatter's tree. JSON has no
//! comments.

use std::collections::HashMap;
use std::ops::Range;

use crate::diagnostic::{BadSuppression, RuleId, Suppression, Suppressions};
use crate::frontmatter::{self, Format, Node, Split, Value};

/// The comments of a frontmatter whose tree is `tree`.
pub fn read(text: &str, split: &Split, tree: &Node) -> Suppressions {
    let mut out = Suppressions::default();
    if split.format == Format::Json || memchr::memmem::find(text.as_bytes(), MARK).is_none() {
        return out;
    }
    let lines = lines(text, split.yaml.clone());
    let mut scalars = Vec::new();
    scalar_spans(tree, &mut scalars);
    scalars.sort_by_key(|r| r.start);
    let content = next_content(text, &lines);
    // The comments of this file, each with the line whose nodes it covers (all found in one
    // walk of the tree below, however many comments there are).
    let mut targets: Vec<(usize, Range<usize>)> = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let Some(hash) = comment_start(text, line.clone(), &scalars) else {
            continue;
        };
        let at = Comment {
            text,
            lines: &lines,
            n,
            hash,
            end: split.yaml.end,
        };
        let Some(written) = at.read(&mut out.problems) else {
            continue;
        };
        if !written.whole_file {
            // Where the covered nodes start: this line, or the next one with content.
            let target = if written.standalone {
                content[n + 1].map(|t| lines[t].clone())
            } else {
                Some(line.clone())
            };
            if let Some(target) = target {
                targets.push((out.comments.len(), target));
            }
        }
        out.comments.push(written.suppression);
    }
    if !targets.is_empty() {
        cover(text, split.format, tree, &targets, &mut out.comments);
    }
    out
}

/// The comments of a file's text, which the parse stage could not read as an entry (it is not
/// valid UTF-8, say) but whose frontmatter may still load.
pub fn of_text(text: &str) -> Suppressions {
    if memchr::memmem::find(text.as_bytes(), MARK).is_none() {
        return Suppressions::default();
    }
    let Ok(split) = frontmatter::split(text) else {
        return Suppressions::default();
    };
    match frontmatter::load(text, &split) {
        Ok((tree, _)) => read(text, &split, &tree),
        Err(_) => Suppressions::default(),
    }
}

/// What every suppression comment holds.
const MARK: &[u8] = b"kblint-allow";

/// A `#` comment: on line `n` of `lines`, starting at `hash`, in a frontmatter that ends at
/// `end`.
struct Comment<'a> {
    text: &'a str,
    lines: &'a [Range<usize>],
    n: usize,
    hash: usize,
    end: usize,
}

/// A well-formed suppression comment, before what it covers is known.
struct Written {
    suppression: Suppression,
    /// It stands alone on its line (and covers the next line with content).
    standalone: bool,
    /// `kblint-allow-file`.
    whole_file: bool,
}

impl Comment<'_> {
    /// The suppression that the comment writes; `None` for a comment that is no suppression,
    /// or a malformed one (whose problems go to `problems`).
    fn read(&self, problems: &mut Vec<BadSuppression>) -> Option<Written> {
        let (text, line) = (self.text, self.lines[self.n].clone());
        let hash = self.hash;
        let rest = text[hash + 1..line.end]
            .trim_start()
            .strip_prefix("kblint-allow")?;
        let comment = hash..line.end;
        let standalone = text[line.start..hash].trim().is_empty();
        let removal = if standalone {
            // The whole line, with its terminator.
            line.start..self.lines.get(self.n + 1).map_or(self.end, |l| l.start)
        } else {
            text[line.start..hash].trim_end().len() + line.start..line.end
        };
        let rest_at = line.end - rest.len();
        let (whole_file, rest, rest_at) = match rest.strip_prefix("-file") {
            Some(r) => (true, r, rest_at + 5),
            None => (false, rest, rest_at),
        };
        if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
            problems.push(BadSuppression::Malformed(comment));
            return None;
        }
        let Some(dashes) = rest.find("--") else {
            problems.push(BadSuppression::NoReason(comment));
            return None;
        };
        let reason = rest[dashes + 2..].trim();
        if reason.is_empty() {
            problems.push(BadSuppression::NoReason(comment));
            return None;
        }
        let rules = rule_names(&rest[..dashes], rest_at, problems)?;
        if rules.is_empty() {
            problems.push(BadSuppression::NoRule(comment));
            return None;
        }
        let mut covers = Vec::new();
        if whole_file {
            covers.push(0..text.len());
        }
        Some(Written {
            suppression: Suppression {
                comment,
                removal,
                rules,
                reason: reason.to_string(),
                covers,
            },
            standalone,
            whole_file,
        })
    }
}

/// The rules that the comma-separated `list` (which starts at byte `at`) names, each with where
/// its name is; `None` when a name is no rule's or names a rule no comment can suppress (each
/// such name a problem in `problems`).
fn rule_names(
    list: &str,
    mut at: usize,
    problems: &mut Vec<BadSuppression>,
) -> Option<Vec<(RuleId, Range<usize>)>> {
    let mut rules = Vec::new();
    let mut bad = false;
    for part in list.split(',') {
        let name = part.trim();
        let start = at + (part.len() - part.trim_start().len());
        at += part.len() + 1;
        let span = start..start + name.len();
        if name.is_empty() {
            continue;
        }
        match RuleId::from_name(name) {
            Some(rule) if !rule.suppressible() => {
                problems.push(BadSuppression::Unsuppressible(name.to_string(), span));
                bad = true;
            }
            Some(rule) => rules.push((rule, span)),
            None => {
                problems.push(BadSuppression::UnknownRule(name.to_string(), span));
                bad = true;
            }
        }
    }
    (!bad).then_some(rules)
}

/// Sets what each comment of `targets` covers: the outermost nodes that start on its target
/// line. On a TOML `[[claims]]` line, the item that the header opens is what starts there.
fn cover(
    text: &str,
    format: Format,
    tree: &Node,
    targets: &[(usize, Range<usize>)],
    comments: &mut [Suppression],
) {
    let toml_header =
        |t: &Range<usize>| format == Format::Toml && text[t.clone()].trim_start().starts_with("[[");
    let mut unique: Vec<(Range<usize>, bool)> = targets
        .iter()
        .map(|(_, t)| (t.clone(), toml_header(t)))
        .collect();
    unique.sort_by_key(|(t, _)| t.start);
    unique.dedup_by_key(|(t, _)| t.start);
    let covered = outermost_on_lines(tree, &unique);
    for (d, target) in targets {
        let at = unique.partition_point(|(t, _)| t.start < target.start);
        comments[*d].covers = covered[at].clone();
    }
}

/// For each of `lines`, the first line at or after it that is neither blank nor a comment (one
/// more entry, `None`, for the end).
fn next_content(text: &str, lines: &[Range<usize>]) -> Vec<Option<usize>> {
    let mut content = vec![None; lines.len() + 1];
    for (n, l) in lines.iter().enumerate().rev() {
        let t = text[l.clone()].trim();
        content[n] = if !t.is_empty() && !t.starts_with('#') {
            Some(n)
        } else {
            content[n + 1]
        };
    }
    content
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

    #[test]
    fn a_comment_is_read_with_what_it_covers_and_a_bad_one_as_a_problem() {
        let text =
            "---\nid: a   # kblint-allow schema -- why\ntitle: b # kblint-allow schema\n---\n";
        let read = of_text(text);
        assert_eq!(read.comments.len(), 1);
        let c = &read.comments[0];
        assert_eq!(&text[c.comment.clone()], "# kblint-allow schema -- why");
        assert_eq!(c.rules.len(), 1);
        assert_eq!(c.reason, "why");
        assert_eq!(
            c.covers
                .iter()
                .map(|r| &text[r.clone()])
                .collect::<Vec<_>>(),
            ["id: a"]
        );
        assert!(
            matches!(&read.problems[..], [BadSuppression::NoReason(r)] if &text[r.clone()] == "# kblint-allow schema"),
            "{:?}",
            read.problems
        );
    }

    #[test]
    fn json_has_no_comments() {
        let text = "{\"id\": \"a\", \"note\": \"# kblint-allow schema -- why\"}\n";
        let read = of_text(text);
        assert!(read.comments.is_empty() && read.problems.is_empty());
    }
}
