//! The language server's incremental checks give what `kblint check` gives. A generated KB
//! (entries with claims of every kind, sources, a vocabulary, a baseline, suppression
//! comments) goes through a few hundred scripted edits (quotes, values, negations, times,
//! disputes, source bodies and digests, renames, aliases, deletions and new files, broken
//! frontmatter, the vocabulary, undo), each written to disk; after each, the server's
//! workspace brings its findings up to date, and they must equal, file by file, those of a
//! fresh run of the pipeline on the same files, which is what `kblint check` prints.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::Path;

use kblint::diagnostic::{Diagnostic, FileId};
use kblint::lsp::workspace::Workspace;
use kblint::run::{Run, UseBaseline};
use kblint::tree::Tree;

use crate::common::{Rng, kblint};

const WORDS: &[&str] = &[
    "vision",
    "backlog",
    "roadmap",
    "customer",
    "value",
    "team",
    "market",
    "strategy",
    "owner",
    "manager",
    "delivery",
    "outcome",
    "quarter",
    "budget",
    "research",
    "feedback",
    "priority",
    "stakeholder",
    "release",
    "scope",
    "goal",
    "metric",
    "insight",
    "risk",
    "plan",
];
/// Claims without property that say, or deny, the same thing (`negation-conflict` by their
/// words).
const SAYINGS: &[&str] = &[
    "the owner sets the vision",
    "the owner does not set the vision",
    "the owner never sets the vision",
    "the team owns the backlog",
    "the team doesn't own the backlog",
    "the team no longer owns the backlog",
];
const SOURCES: usize = 9;
const ENTRIES: usize = 24;

/// A sentence of `n` words from `rng`.
fn words(rng: &mut Rng, n: usize) -> String {
    (0..n)
        .map(|_| rng.pick(WORDS))
        .collect::<Vec<_>>()
        .join(" ")
}

fn source_text(rng: &mut Rng, n: usize) -> String {
    let body: String = (0..8).map(|_| words(rng, 12) + ".\n").collect();
    let digest = kblint::digest::sha256_hex(body.as_bytes());
    format!(
        "---\nid: src-{n}\ntitle: \"Article {n}\"\nurl: https://example.org/{n}\nretrieved: 2026-11-01\nsha256: {digest}\n---\n{body}"
    )
}

/// A quote: a run of words of source `s` (so that it holds), as it stands in `sources`.
fn quote_of(rng: &mut Rng, sources: &[String], s: usize) -> String {
    let body = sources[s].rsplit("---\n").next().unwrap_or("");
    let all: Vec<&str> = body.split_whitespace().collect();
    let len = 3 + rng.below(4);
    let at = rng.below(all.len().saturating_sub(len).max(1));
    all[at..(at + len).min(all.len())]
        .join(" ")
        .trim_end_matches('.')
        .to_string()
}

fn claim(rng: &mut Rng, sources: &[String], c: usize) -> String {
    let mut out = format!("  - id: c{c}\n    text: \"{}\"\n", words(rng, 6));
    match rng.below(6) {
        0 => {
            let v = rng.pick(&["strategic", "tactical"]);
            let _ = writeln!(
                out,
                "    subject: e-{}\n    property: orientation\n    value: {v}",
                rng.below(4)
            );
        }
        1 => {
            let v = rng.pick(&["internal", "external", "customers"]);
            let _ = writeln!(
                out,
                "    subject: e-{}\n    property: stakeholders\n    value: {v}",
                rng.below(4)
            );
        }
        2 => {
            // Among a few entries, so that the rankings make circles.
            let (s, t) = (rng.below(4), rng.below(4));
            let _ = writeln!(
                out,
                "    subject: e-{s}\n    property: seniority\n    above: e-{t}"
            );
        }
        3 => {
            let (lo, hi) = (rng.below(6), 6 + rng.below(6));
            let _ = writeln!(
                out,
                "    subject: e-{}\n    property: team-size\n    value: {{min: {lo}, max: {hi}}}",
                rng.below(4)
            );
        }
        4 => {
            let _ = writeln!(
                out,
                "    subject: e-{}\n    property: orientation\n    value: strategic\n    valid_from: 2024-01-01",
                rng.below(4)
            );
        }
        _ => {
            if rng.below(2) == 0 {
                let said = rng.pick(SAYINGS);
                let subject = rng.below(4);
                out = format!("  - id: c{c}\n    text: \"{said}\"\n    subject: e-{subject}\n");
            }
        }
    }
    if rng.below(5) == 0 {
        out.push_str("    negated: true\n");
    }
    if rng.below(6) == 0 {
        let _ = writeln!(out, "    disputes: [e-{}#c0]", rng.below(ENTRIES));
    }
    out.push_str("    cites:\n");
    for _ in 0..1 + rng.below(2) {
        // The later sources are cited less: some by one citation, some by none.
        let upto = rng.below(SOURCES) + 1;
        let s = rng.below(upto);
        let q = quote_of(rng, sources, s);
        let _ = writeln!(out, "      - source: src-{s}\n        quote: \"{q}\"");
    }
    out
}

fn entry_text(rng: &mut Rng, sources: &[String], e: usize) -> String {
    let mut out = format!(
        "---\nid: e-{e}\ntitle: \"Entry {e}\"\nsummary: \"{}\"\n",
        words(rng, 5)
    );
    if rng.below(4) == 0 {
        let _ = writeln!(out, "aliases: [alias-{}]", rng.below(ENTRIES));
    }
    if rng.below(3) == 0 {
        let _ = writeln!(out, "related: [e-{}]", rng.below(ENTRIES + 3));
    }
    out.push_str("claims:\n");
    for c in 0..1 + rng.below(3) {
        out.push_str(&claim(rng, sources, c));
    }
    let _ = write!(out, "---\n\n# Entry {e}\n\n{}.\n", words(rng, 10));
    out
}

const CONFIG: &str = "vocabulary = \"vocabulary.yaml\"\n\n[rules]\nacknowledged-dispute = \"warn\"\n\n[collections.entries]\ninclude = [\"entries/**/*.md\"]\n\n[collections.sources]\ninclude = [\"sources/**/*.md\"]\nsources = true\n";

const VOCABULARY: &str = "properties:\n  orientation:\n    kind: single\n    values: [strategic, tactical]\n  stakeholders:\n    kind: multi\n    values: [internal, external, customers]\n    contrary: [[internal, external]]\n  seniority:\n    kind: order\n  team-size:\n    kind: quantity\n    unit: people\n";

fn write(root: &Path, path: &str, text: &str) {
    let p = root.join(path);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// What a fresh run shows, by file path, each list in the order the workspace keeps it.
fn fresh(root: &Path) -> Result<BTreeMap<String, Vec<Diagnostic>>, String> {
    let tree = Tree::work_tree(root);
    let run = Run::load(root, "kblint.toml", &tree, &[], UseBaseline::Apply)
        .map_err(|e| format!("{e:#}"))?;
    let mut out: BTreeMap<String, Vec<Diagnostic>> = BTreeMap::new();
    for d in run.findings().kept {
        if d.primary.file.index() < run.kb.files.len() {
            let path = run.kb.files.get(d.primary.file).path.clone();
            out.entry(path).or_default().push(d);
        }
    }
    for list in out.values_mut() {
        list.sort_by(|a, b| {
            let key = |d: &Diagnostic| (d.primary.span.start, d.rule, d.primary.span.end);
            key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
        });
    }
    Ok(out)
}

/// What the workspace shows, by file path.
fn shown(ws: &Workspace) -> Result<BTreeMap<String, Vec<Diagnostic>>, String> {
    let loaded = ws.state.as_ref().map_err(Clone::clone)?;
    let files = &loaded.kb().files;
    Ok(loaded
        .shown
        .kept
        .iter()
        .map(|(&f, list): (&FileId, _)| (files.get(f).path.clone(), list.clone()))
        .collect())
}

/// One scripted edit: which file, and its new text (`None`: deleted; an edit that finds
/// nothing to change gives the text as it was).
fn edit(
    rng: &mut Rng,
    texts: &BTreeMap<String, String>,
    sources: &mut [String],
) -> (String, Option<String>, &'static str) {
    let entries: Vec<&String> = texts.keys().filter(|p| p.starts_with("entries/")).collect();
    let path = entries[rng.below(entries.len())].clone();
    let text = texts[&path].clone();
    let lines: Vec<&str> = text.lines().collect();
    let replace_line =
        |pred: &dyn Fn(&str) -> bool, new: &dyn Fn(&str) -> String, rng: &mut Rng| {
            let at: Vec<usize> = (0..lines.len()).filter(|&i| pred(lines[i])).collect();
            if at.is_empty() {
                return Some(text.clone());
            }
            let i = at[rng.below(at.len())];
            let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            out[i] = new(lines[i]);
            Some(out.join("\n") + "\n")
        };
    match rng.below(24) {
        0 | 1 => {
            let s = rng.below(SOURCES);
            let q = quote_of(rng, sources, s);
            let new = replace_line(
                &|l| l.contains("quote:"),
                &|_| format!("        quote: \"{q}\""),
                rng,
            );
            (path, new, "a quote replaced by one that holds")
        }
        2 | 3 => {
            let w = rng.pick(WORDS).to_string();
            let new = replace_line(
                &|l| l.contains("quote:"),
                &|l| l.replacen("quote: \"", &format!("quote: \"newly {w} "), 1),
                rng,
            );
            (path, new, "a word typed into a quote")
        }
        4..=6 => {
            let v = rng
                .pick(&["strategic", "tactical", "internal", "external", "customers"])
                .to_string();
            let new = replace_line(
                &|l| l.trim_start().starts_with("value: ") && !l.contains('{'),
                &|_| format!("    value: {v}"),
                rng,
            );
            (path, new, "a value changed")
        }
        7 => {
            let new = replace_line(
                &|l| l.contains("    text:"),
                &|l| format!("{l}\n    negated: true"),
                rng,
            );
            (path, new, "a claim negated")
        }
        8 => {
            let t = rng.below(ENTRIES);
            let new = replace_line(
                &|l| l.contains("    text:"),
                &|l| format!("{l}\n    disputes: [e-{t}#c0, c1]"),
                rng,
            );
            (path, new, "a dispute added")
        }
        9 => {
            let id = format!("e-{}", rng.below(ENTRIES + 2));
            let new = replace_line(&|l| l.starts_with("id: "), &|_| format!("id: {id}"), rng);
            (path, new, "an entry renamed")
        }
        10 => {
            let a = format!("alias-{}", rng.below(ENTRIES));
            let new = replace_line(
                &|l| l.starts_with("title: "),
                &|l| format!("{l}\naliases: [{a}]"),
                rng,
            );
            (path, new, "an alias added")
        }
        11 => {
            let new = replace_line(
                &|l| l.contains("quote:"),
                &|l| {
                    l.replacen("quote: \"", "quote: \"unterminated ", 1)
                        .trim_end_matches('"')
                        .to_string()
                },
                rng,
            );
            (path, new, "the frontmatter broken")
        }
        12 => {
            let r = rng.below(2);
            let new = replace_line(
                &|l| l.contains("    text:"),
                &|l| {
                    format!(
                        "{l}  # kblint-allow {} -- under review",
                        ["quote-not-found", "conflicting-values"][r]
                    )
                },
                rng,
            );
            (path, new, "a suppression comment")
        }
        13 => {
            let new = format!("{text}\nMore prose, {}.\n", words(rng, 4));
            (path, Some(new), "prose typed in the body")
        }
        14 | 15 => {
            // A source's body edited: some quotes of it break or start to hold.
            let s = rng.below(SOURCES);
            let old = sources[s].clone();
            let w = rng.pick(WORDS);
            let at = old.rfind("---\n").unwrap() + 4 + rng.below(40);
            let at = (at..old.len())
                .find(|&i| old.is_char_boundary(i) && old.as_bytes()[i] == b' ')
                .unwrap_or(old.len() - 1);
            let new = format!("{} {w}{}", &old[..at], &old[at..]);
            sources[s] = new.clone();
            (
                format!("sources/s{s}.md"),
                Some(new),
                "a source's body edited",
            )
        }
        16 => {
            let s = rng.below(SOURCES);
            let old = &texts[&format!("sources/s{s}.md")];
            let new = old.replacen("sha256: ", "sha256: 0", 1);
            (
                format!("sources/s{s}.md"),
                Some(new),
                "a source's digest edited",
            )
        }
        17 => (path, None, "an entry deleted"),
        19 => {
            // A passage that an entry quotes (maybe from another source, maybe misquoted)
            // written into a source: quotes found in no source, or in another, may be found
            // in this one now.
            let quotes: Vec<&str> = texts
                .values()
                .flat_map(|t| t.lines())
                .filter_map(|l| l.split("quote: \"newly ").nth(1))
                .collect();
            let s = rng.below(SOURCES);
            let old = texts[&format!("sources/s{s}.md")].clone();
            let Some(q) = quotes.get(rng.below(quotes.len().max(1))) else {
                return (
                    path.clone(),
                    Some(text.clone()),
                    "a quoted passage written into a source",
                );
            };
            let new = format!("{old}newly {}.\n", q.trim_end_matches('"'));
            sources[s] = new.clone();
            (
                format!("sources/s{s}.md"),
                Some(new),
                "a quoted passage written into a source",
            )
        }
        18 => {
            let s = rng.below(SOURCES);
            let new = replace_line(
                &|l| l.contains("source:"),
                &|_| format!("      - source: src-{s}"),
                rng,
            );
            (path, new, "a citation given another source")
        }
        21 => {
            let said = rng.pick(SAYINGS);
            let new = replace_line(
                &|l| l.contains("    text:"),
                &|_| format!("    text: \"{said}\""),
                rng,
            );
            (path, new, "a claim's words said or denied")
        }
        22 => {
            let t = rng.below(4);
            let new = replace_line(
                &|l| l.contains("    above:"),
                &|_| format!("    above: e-{t}"),
                rng,
            );
            (path, new, "a ranking changed")
        }
        23 => {
            let new = acknowledged(&text, texts).unwrap_or(text.clone());
            (path, Some(new), "a contradiction acknowledged")
        }
        _ => {
            let n = ENTRIES + rng.below(6);
            let new = entry_text(rng, sources, n);
            (format!("entries/new-{n}.md"), Some(new), "an entry added")
        }
    }
}

/// The orientation each claim of an entry's text gives a subject: (claim id, subject, value),
/// for the claims that are not negated.
fn orientations(text: &str) -> Vec<(String, String, String)> {
    text.split("  - id: ")
        .skip(1)
        .filter(|c| !c.contains("negated: true"))
        .filter_map(|c| {
            let id = c.lines().next()?.to_string();
            let subject = c.split("subject: ").nth(1)?.lines().next()?.to_string();
            let value = c
                .split("property: orientation\n    value: ")
                .nth(1)?
                .lines()
                .next()?
                .to_string();
            Some((id, subject, value))
        })
        .collect()
}

/// `text` with a `disputes` link from one of its claims to a claim of another entry that
/// gives the same subject another orientation: the contradiction acknowledged.
fn acknowledged(text: &str, texts: &BTreeMap<String, String>) -> Option<String> {
    for (claim, subject, value) in orientations(text) {
        for other in texts.values().filter(|t| *t != text) {
            let entry = other.split("id: ").nth(1)?.lines().next()?;
            if let Some((target, ..)) = orientations(other)
                .into_iter()
                .find(|(_, s, v)| *s == subject && *v != value)
            {
                let at = format!("  - id: {claim}\n");
                return Some(text.replacen(
                    &at,
                    &format!("{at}    disputes: [{entry}#{target}]\n"),
                    1,
                ));
            }
        }
    }
    None
}

#[test]
fn every_edit_leaves_the_server_showing_what_check_shows() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut rng = Rng(0x5eed_2026);
    let mut sources: Vec<String> = (0..SOURCES).map(|n| source_text(&mut rng, n)).collect();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for (n, s) in sources.iter().enumerate() {
        texts.insert(format!("sources/s{n}.md"), s.clone());
    }
    for e in 0..ENTRIES {
        texts.insert(
            format!("entries/e{e}.md"),
            entry_text(&mut rng, &sources, e),
        );
    }
    // A few mistakes parked in a baseline, as a team adopting kblint has.
    texts.insert(
        "entries/e0.md".into(),
        texts["entries/e0.md"].replacen("quote: \"", "quote: \"parked ", 1),
    );
    write(root, "kblint.toml", CONFIG);
    write(root, "vocabulary.yaml", VOCABULARY);
    for (p, t) in &texts {
        write(root, p, t);
    }
    let out = kblint(root, &["baseline"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(root.join("kblint-baseline.json").is_file());

    let root = root.canonicalize().unwrap();
    let mut ws = Workspace::new(root.clone(), "kblint.toml".into());
    ws.reload();
    assert_eq!(shown(&ws), fresh(&root), "after the first load");
    let mut history: Vec<(String, Option<String>)> = Vec::new();
    let mut kinds: BTreeSet<&str> = BTreeSet::new();
    let mut nonempty = 0;
    let mut rules: BTreeSet<&str> = BTreeSet::new();
    let vocabularies = [
        VOCABULARY.replace("tactical]", "tactical, operational]"),
        VOCABULARY.to_string(),
    ];
    for step in 0..240 {
        let (path, new, what) = if step % 40 == 39 {
            let v = vocabularies[step / 40 % 2].clone();
            (
                "vocabulary.yaml".to_string(),
                Some(v),
                "the vocabulary edited",
            )
        } else if step % 10 == 9 && !history.is_empty() {
            // Undo: the last edit taken back.
            let (path, old) = history.pop().unwrap();
            (path, old, "undo")
        } else {
            edit(&mut rng, &texts, &mut sources)
        };
        if path != "vocabulary.yaml" {
            history.push((path.clone(), texts.get(&path).cloned()));
        }
        match new {
            None => {
                let _ = std::fs::remove_file(root.join(&path));
                texts.remove(&path);
            }
            Some(new) => {
                write(&root, &path, &new);
                if path != "vocabulary.yaml" {
                    texts.insert(path.clone(), new);
                }
            }
        }
        kinds.insert(what);
        ws.update(&BTreeSet::from([path.clone()]));
        // The nearest passages left for later, searched as the server does when idle.
        while ws.settle(false, || false) {}
        let expected = fresh(&root);
        let got = shown(&ws);
        if got != expected {
            panic!(
                "step {step} ({what} in {path}): the server shows\n{got:#?}\nbut check shows\n{expected:#?}"
            );
        }
        nonempty += expected
            .as_ref()
            .map_or(0, |m| m.values().map(Vec::len).sum::<usize>());
        for d in expected.iter().flat_map(|m| m.values().flatten()) {
            rules.insert(d.rule.name());
        }
    }
    // Every kind of contradiction came and went at some point.
    for rule in [
        "conflicting-values",
        "negation-conflict",
        "order-cycle",
        "acknowledged-dispute",
        "stale-dispute",
    ] {
        assert!(rules.contains(rule), "no `{rule}` finding: {rules:?}");
    }
    assert!(kinds.len() >= 18, "too few kinds of edit: {kinds:?}");
    assert!(
        ws.updates.incremental > 120,
        "most edits should be checked incrementally: {:?}",
        ws.updates
    );
    assert!(
        ws.updates.settled > 10,
        "some nearest passages should be left for later: {:?}",
        ws.updates
    );
    assert!(
        nonempty > 240,
        "the edits should leave findings to compare: {nonempty}"
    );
}

#[test]
fn a_file_changed_on_disk_unannounced_is_parsed_again_at_the_next_update() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut rng = Rng(0xd15c);
    let sources: Vec<String> = (0..SOURCES).map(|n| source_text(&mut rng, n)).collect();
    write(root, "kblint.toml", CONFIG);
    write(root, "vocabulary.yaml", VOCABULARY);
    for (n, s) in sources.iter().enumerate() {
        write(root, &format!("sources/s{n}.md"), s);
    }
    let mut texts = Vec::new();
    for e in 0..4 {
        let text = entry_text(&mut rng, &sources, e);
        write(root, &format!("entries/e{e}.md"), &text);
        texts.push(text);
    }
    let root = root.canonicalize().unwrap();
    let mut ws = Workspace::new(root.clone(), "kblint.toml".into());
    ws.reload();
    assert_eq!(shown(&ws), fresh(&root));

    // The entry's text was released after the load; the file changes on disk with no word
    // from the editor, and a navigation reads the text again.
    let misquoted = texts[1].replacen("quote: \"", "quote: \"never said ", 1);
    write(&root, "entries/e1.md", &misquoted);
    let loaded = ws.state.as_ref().unwrap();
    let id = loaded.file_of("entries/e1.md").unwrap();
    let read = loaded.kb().files.get(id).text().to_string();
    assert_eq!(
        read,
        " ".repeat(texts[1].len()),
        "what was parsed is no longer there"
    );
    assert!(loaded.kb().files.get(id).changed_on_disk());

    // The next update, for whatever file, parses it again.
    ws.update(&BTreeSet::new());
    while ws.settle(false, || false) {}
    let now = shown(&ws);
    assert_eq!(now, fresh(&root));
    let list = &now.as_ref().unwrap()["entries/e1.md"];
    assert!(
        list.iter().any(|d| d.rule.name() == "quote-not-found"),
        "{list:?}"
    );
    let loaded = ws.state.as_ref().unwrap();
    assert!(loaded.kb().files.changed_on_disk().is_empty());
}
