//! Fuzz targets that run on stable Rust: the frontmatter splitter, the YAML loader, quote
//! normalisation and matching (exact and nearest), and the config. Each target takes inputs
//! mutated from a corpus (every Markdown, YAML, TOML and JSON file of `kb/`, `tests/fixtures/`
//! and, when present, `../shared/realworld/`) and must neither panic nor hang.
//!
//! CI runs `KBLINT_FUZZ_EXECS` inputs per target (2,000 by default: seconds). On demand:
//!
//! ```text
//! KBLINT_FUZZ_EXECS=1000000 cargo test --release --test it fuzz:: -- --skip fix_fuzz --nocapture
//! ```
//!
//! A failure prints the target, the seed and the input; `KBLINT_FUZZ_SEED=N` changes where
//! the mutations start.

use crate::common::Rng;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use kblint::frontmatter;
use kblint::quote::{self, Normalized};

/// Bytes that matter to the parsers, spliced in by the mutator.
const TOKENS: &[&str] = &[
    "---\n",
    "...\n",
    "\r\n",
    "\n",
    ": ",
    "- ",
    "&a ",
    "*a",
    "<<: *a\n",
    "|-\n",
    ">+\n",
    "!!str ",
    "\"",
    "'",
    "\\u0000",
    "{",
    "}",
    "[",
    "]",
    "#",
    "\t",
    "\u{feff}",
    "\u{1b}[31m",
    "…",
    "[...]",
    "“",
    "”",
    "—",
    "\u{ad}",
    "\u{200b}",
    "é",
    "e\u{301}",
    "ﬁ",
    "😀",
    "= ",
    "[collections.x]\n",
    "include = [\"**\"]\n",
    "vocabulary = \"v.yaml\"\n",
    "\"\"\"",
    "\u{0}",
    "\u{85}",
];

fn corpus() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    let mut folders: Vec<PathBuf> = vec![
        root.join("kb"),
        root.join("tests/fixtures"),
        root.join("../shared/realworld"),
    ];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| {
                ["md", "yaml", "yml", "toml", "json"].contains(&&*e.to_string_lossy())
            }) && let Ok(bytes) = std::fs::read(&path)
                && bytes.len() <= 64 * 1024
            {
                files.push(bytes);
            }
        }
    }
    files.sort();
    files.dedup();
    assert!(files.len() > 20, "the corpus is nearly empty");
    files
}

/// One input: a corpus file with a few random mutations (byte flips, spliced tokens, cut or
/// repeated ranges, a piece of another file).
fn mutate(rng: &mut Rng, corpus: &[Vec<u8>]) -> Vec<u8> {
    let mut data = corpus[rng.below(corpus.len())].clone();
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = TOKENS[rng.below(TOKENS.len())].as_bytes();
                data.splice(at..at, t.iter().copied());
            }
            2 if !data.is_empty() => {
                let end = (at + rng.below(64)).min(data.len());
                data.drain(at.min(end)..end);
            }
            3 if !data.is_empty() => {
                let start = rng.below(data.len());
                let end = (start + rng.below(32)).min(data.len());
                let piece: Vec<u8> = data[start..end].repeat(1 + rng.below(8));
                data.splice(at..at, piece);
            }
            4 => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let start = rng.below(other.len());
                    let end = (start + rng.below(256)).min(other.len());
                    data.splice(at..at, other[start..end].iter().copied());
                }
            }
            _ => {}
        }
    }
    data
}

fn execs() -> u64 {
    std::env::var("KBLINT_FUZZ_EXECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

/// Runs `target` on `execs()` mutated inputs; fails on a panic or an input slower than five
/// seconds (a hang; the debug build on a busy machine is slow, so the limit is generous).
fn fuzz(name: &str, target: impl Fn(&[u8])) {
    let corpus = corpus();
    let seed: u64 = std::env::var("KBLINT_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(17);
    let mut rng = Rng(seed ^ name.len() as u64);
    let n = execs();
    let started = Instant::now();
    for i in 0..n {
        let input = mutate(&mut rng, &corpus);
        let t = Instant::now();
        let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| target(&input)));
        let took = t.elapsed();
        if run.is_err() || took > Duration::from_secs(5) {
            panic!(
                "fuzz target `{name}`, input {i} (seed {seed}) {}: {:?}",
                if run.is_err() {
                    "panicked"
                } else {
                    "took over five seconds"
                },
                String::from_utf8_lossy(&input)
            );
        }
    }
    eprintln!(
        "fuzz target `{name}`: {n} inputs in {:.1} s",
        started.elapsed().as_secs_f64()
    );
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fuzz_frontmatter_splitter() {
    fuzz("frontmatter", |bytes| {
        let text = text(bytes);
        if let Ok(split) = frontmatter::split(&text) {
            // The ranges are real, in order, and on character boundaries.
            assert!(split.open.start <= split.yaml.start); // JSON: the `{` is in the object
            assert!(split.yaml.end <= split.body.start && split.body.end == text.len());
            let _ = &text[split.yaml.clone()];
            let _ = &text[split.body.clone()];
        }
    });
}

#[test]
fn fuzz_yaml_loader() {
    fuzz("yaml", |bytes| {
        let text = text(bytes);
        let range = match frontmatter::split(&text) {
            Ok(split) => split.yaml,
            Err(_) => 0..text.len(),
        };
        if let Ok((node, _)) = kblint::frontmatter::yaml::parse(&text, range.clone()) {
            // Every span is a range of the file.
            fn check(node: &kblint::frontmatter::Node, text: &str) {
                assert!(text.get(node.span.clone()).is_some(), "{:?}", node.span);
                match &node.value {
                    kblint::frontmatter::Value::Seq(items) => {
                        items.iter().for_each(|n| check(n, text))
                    }
                    kblint::frontmatter::Value::Map(entries) => {
                        entries.iter().for_each(|(k, n)| {
                            assert!(text.get(k.span.clone()).is_some());
                            check(n, text)
                        })
                    }
                    _ => {}
                }
            }
            check(&node, &text);
            let _ = node.into_json();
        }
    });
}

#[test]
fn fuzz_quote_normalisation_and_matching() {
    fuzz("quote", |bytes| {
        let text = text(bytes);
        // The input's first line (up to 300 characters) is the quote, the rest the source.
        let (quote, source) = text.split_once('\n').unwrap_or((&text, ""));
        let quote: String = quote.chars().take(300).collect();
        let normalized = Normalized::new(source);
        for i in (0..normalized.text.len()).step_by(7) {
            if normalized.text.is_char_boundary(i) {
                let r = normalized.original_range(i..i);
                assert!(r.start <= source.len() && r.end <= source.len());
            }
        }
        if let quote::Match::Found(ranges) = quote::find(&normalized, &quote) {
            for r in ranges {
                assert!(source.get(r).is_some());
            }
        } else if let Some(n) = quote::nearest(&normalized, &quote) {
            assert!(source.get(n.range.clone()).is_some(), "{:?}", n.range);
            assert!(n.similarity <= 100);
            for d in &n.differences {
                assert!(quote.get(d.quote.clone()).is_some(), "{:?}", d.quote);
            }
        }
    });
}

#[test]
fn fuzz_config() {
    let rules: Vec<&str> = kblint::rules::RULES.iter().map(|r| r.name).collect();
    fuzz("config", |bytes| {
        let _ = kblint::config::Settings::parse(
            Path::new("/nonexistent"),
            "kblint.toml",
            text(bytes),
            &rules,
        );
    });
}
