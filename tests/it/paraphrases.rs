//! The word diff of the nearest passage on real paraphrases (issue 11, part 2): every case of
//! `tests/data/paraphrases.txt` must name exactly the differences a careful reader would.

use std::path::Path;

use kblint::quote::{Normalized, nearest};

struct Case {
    line: usize,
    what: String,
    source: String,
    quote: String,
    differ: Vec<(String, String)>,
}

fn cases() -> Vec<Case> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("tests/data/paraphrases.txt")).unwrap();
    let mut out: Vec<Case> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (key, value) = line
            .split_once(':')
            .unwrap_or_else(|| panic!("line {}", i + 1));
        let value = value.trim().to_string();
        match key {
            "case" => out.push(Case {
                line: i + 1,
                what: value,
                source: String::new(),
                quote: String::new(),
                differ: Vec::new(),
            }),
            "source" => out.last_mut().unwrap().source = value,
            "quote" => out.last_mut().unwrap().quote = value,
            "differ" => {
                let (s, q) = value
                    .split_once('|')
                    .unwrap_or_else(|| panic!("line {}", i + 1));
                out.last_mut().unwrap().differ.push((words(s), words(q)));
            }
            _ => panic!("line {}: unknown key `{key}`", i + 1),
        }
    }
    out
}

/// The words of one side of a difference, punctuation at either end left out.
fn words(s: &str) -> String {
    s.trim_matches(|c: char| !c.is_alphanumeric()).to_string()
}

/// The body of a source file of the reference KB: what follows its frontmatter.
fn body(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("kb/sources")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    text.splitn(3, "---\n").nth(2).unwrap().to_string()
}

#[test]
fn the_word_diff_names_what_a_careful_reader_would() {
    let cases = cases();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    let mut wrong = Vec::new();
    for case in &cases {
        let source = body(&case.source);
        let n = nearest(&Normalized::new(&source), &case.quote)
            .unwrap_or_else(|| panic!("line {}: no nearest passage", case.line));
        let got: Vec<(String, String)> = n
            .differences
            .iter()
            .map(|d| (words(&d.source_text), words(&d.quote_text)))
            .collect();
        // The passage starts and ends on word boundaries.
        let passage = &source[n.range.clone()];
        let edge = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric());
        let whole = edge(source[..n.range.start].chars().next_back())
            && edge(source[n.range.end..].chars().next());
        if got != case.differ || !whole {
            wrong.push(format!(
                "line {} ({}):\n  passage {passage:?}\n  want {:?}\n  got  {got:?}",
                case.line, case.what, case.differ
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases name the right words; these do not:\n{}",
        cases.len() - wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
}
