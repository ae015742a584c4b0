//! The contradiction checks measured on labelled pairs of claims.
//!
//! Each file of `tests/data/contradiction-pairs/` holds pairs of claims of one kind (time,
//! quantities, contrary values, negations in words, the disputes of `kb/`, the seed articles),
//! each labelled `contradicts` or `compatible` by hand and saying where it comes from, and the
//! vocabulary they need. The test writes one small KB per file, each pair in an entry of its
//! own, runs the real `kblint check` on it, and counts a pair as flagged when a contradiction
//! finding (`conflicting-values`, `negation-conflict`, `order-cycle`) joins its two claims.
//!
//! It prints precision and recall per kind (`bench/contradiction-pairs.sh` shows them), and
//! fails when a kind that is on by default flags pairs with a precision under 0.9: a check
//! that cries wolf is worse than none. Contrary values are not on by default: they are checked
//! only where a vocabulary declares `contrary` values, kblint ships no list of contraries, and
//! the starter vocabulary of `kblint init` declares none (a test below holds that).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use kblint::frontmatter::{Node, Value, yaml};
use serde_json::{Map, Value as Json, json};

/// The kinds that kblint checks by default: each must flag pairs with a precision of 0.9 or
/// more. (`contrary` is measured too, but runs only where a vocabulary declares contraries.)
const ON_BY_DEFAULT: &[&str] = &[
    "kb-disputes",
    "seeds",
    "time",
    "quantity",
    "negation-in-words",
];

/// The least pairs each new kind is measured on.
const LEAST_PAIRS: usize = 50;

/// The rules whose findings are contradictions.
const CONTRADICTIONS: &[&str] = &["conflicting-values", "negation-conflict", "order-cycle"];

#[test]
fn every_kind_on_by_default_is_precise() {
    let files = pair_files();
    assert!(!files.is_empty(), "no pair files");
    let mut table = String::new();
    let _ = writeln!(
        table,
        "{:<18} {:>5} {:>4} {:>4} {:>4} {:>4} {:>9} {:>15} {:>7}",
        "kind", "pairs", "tp", "fp", "fn", "tn", "precision", "95% interval", "recall"
    );
    let mut problems = Vec::new();
    let mut totals = Score::default();
    for file in &files {
        let set = read(file);
        let score = measure(&set);
        let (lo, hi) = wilson(score.tp, score.tp + score.fp);
        let _ = writeln!(
            table,
            "{:<18} {:>5} {:>4} {:>4} {:>4} {:>4} {:>9} {:>15} {:>7}",
            set.kind,
            set.pairs.len(),
            score.tp,
            score.fp,
            score.fn_,
            score.tn,
            ratio(score.tp, score.tp + score.fp),
            format!("{lo:.2}–{hi:.2}"),
            ratio(score.tp, score.tp + score.fn_),
        );
        for miss in &score.wrong {
            let _ = writeln!(table, "    {miss}");
        }
        if ON_BY_DEFAULT.contains(&set.kind.as_str())
            && score.tp + score.fp > 0
            && (score.tp as f64) < 0.9 * (score.tp + score.fp) as f64
        {
            problems.push(format!(
                "`{}` is on by default with a precision of {}",
                set.kind,
                ratio(score.tp, score.tp + score.fp)
            ));
        }
        if !matches!(set.kind.as_str(), "kb-disputes" | "seeds") && set.pairs.len() < LEAST_PAIRS {
            problems.push(format!(
                "`{}` has {} pairs, fewer than {LEAST_PAIRS}",
                set.kind,
                set.pairs.len()
            ));
        }
        totals.add(&score);
    }
    let _ = writeln!(
        table,
        "{:<18} {:>5} {:>4} {:>4} {:>4} {:>4} {:>9} {:>15} {:>7}",
        "all",
        totals.tp + totals.fp + totals.fn_ + totals.tn,
        totals.tp,
        totals.fp,
        totals.fn_,
        totals.tn,
        ratio(totals.tp, totals.tp + totals.fp),
        "",
        ratio(totals.tp, totals.tp + totals.fn_),
    );
    println!("{table}");
    assert!(problems.is_empty(), "{}\n{table}", problems.join("\n"));
}

/// Contrary values stay opt-in: the starter vocabulary that `kblint init` writes declares
/// none, so that a KB checks contraries only once its authors have declared them.
#[test]
fn the_starter_vocabulary_declares_no_contrary_values() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/init/templates/vocabulary.yaml"),
    )
    .unwrap();
    let (root, _) = yaml::parse(&text, 0..text.len()).unwrap();
    let Some(Node {
        value: Value::Map(properties),
        ..
    }) = root.get("properties")
    else {
        panic!("the starter vocabulary has no properties");
    };
    for (name, property) in properties {
        assert!(
            property.get("contrary").is_none(),
            "the starter vocabulary declares contrary values for `{}`",
            name.text
        );
    }
}

/// A file of pairs: its kind, the vocabulary its pairs use, and the pairs.
struct PairSet {
    kind: String,
    vocabulary: Json,
    pairs: Vec<Pair>,
}

struct Pair {
    contradicts: bool,
    origin: String,
    /// The two claims, as JSON objects (without `id`).
    claims: [Json; 2],
    line: usize,
}

#[derive(Default)]
struct Score {
    tp: usize,
    fp: usize,
    fn_: usize,
    tn: usize,
    /// The pairs the check gets wrong, described.
    wrong: Vec<String>,
}

impl Score {
    fn add(&mut self, other: &Score) {
        self.tp += other.tp;
        self.fp += other.fp;
        self.fn_ += other.fn_;
        self.tn += other.tn;
    }
}

fn pair_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/contradiction-pairs");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    files
}

fn read(path: &Path) -> PairSet {
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let (root, duplicates) =
        yaml::parse(&text, 0..text.len()).unwrap_or_else(|e| panic!("{name}: {}", e.message));
    assert!(duplicates.is_empty(), "{name}: duplicate keys");
    let line = |offset: usize| text[..offset].matches('\n').count() + 1;
    let kind = root
        .get("kind")
        .and_then(Node::as_str)
        .unwrap_or_else(|| panic!("{name}: no `kind`"))
        .to_string();
    let vocabulary = root.get("vocabulary").map_or(json!({}), to_json);
    let Some(Node {
        value: Value::Seq(items),
        ..
    }) = root.get("pairs")
    else {
        panic!("{name}: no `pairs` list");
    };
    let pairs = items
        .iter()
        .map(|item| {
            let at = line(item.span.start);
            let field = |key: &str| {
                item.get(key)
                    .unwrap_or_else(|| panic!("{name}:{at}: the pair has no `{key}`"))
            };
            let contradicts = match field("label").as_str() {
                Some("contradicts") => true,
                Some("compatible") => false,
                _ => panic!("{name}:{at}: `label` is `contradicts` or `compatible`"),
            };
            let origin = field("origin").as_str().unwrap_or_default().to_string();
            assert!(!origin.is_empty(), "{name}:{at}: the pair has no `origin`");
            Pair {
                contradicts,
                origin,
                claims: [to_json(field("a")), to_json(field("b"))],
                line: at,
            }
        })
        .collect();
    PairSet {
        kind,
        vocabulary,
        pairs,
    }
}

/// Runs kblint on a KB that holds every pair of `set`, one entry per pair.
fn measure(set: &PairSet) -> Score {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "kblint.toml",
        "vocabulary = \"vocabulary.yaml\"\n\n[collections.pairs]\ninclude = [\"pairs/*.md\"]\n",
    );
    write(
        root,
        "vocabulary.yaml",
        &json!({ "properties": set.vocabulary }).to_string(),
    );
    for (n, pair) in set.pairs.iter().enumerate() {
        let claims: Vec<Json> = pair
            .claims
            .iter()
            .zip(["a", "b"])
            .map(|(claim, id)| {
                let mut claim = claim.as_object().cloned().unwrap_or_default();
                claim.insert("id".into(), json!(id));
                claim.entry("text").or_insert(json!("A claim."));
                Json::Object(claim)
            })
            .collect();
        let mut front = Map::new();
        front.insert("id".into(), json!(format!("p{n}")));
        front.insert("claims".into(), Json::Array(claims));
        write(
            root,
            &format!("pairs/p{n}.md"),
            &format!("---\n{}\n---\n", Json::Object(front)),
        );
    }
    let out = crate::common::kblint(root, &["check", "--format", "json"]);
    let report: Json = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "{}: kblint did not answer JSON: {}",
            set.kind,
            String::from_utf8_lossy(&out.stderr)
        )
    });
    // Which pairs a contradiction joins, and the other errors, per pair.
    let mut flagged = vec![false; set.pairs.len()];
    let mut others: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for d in report["diagnostics"].as_array().unwrap() {
        let path = d["path"].as_str().unwrap_or_default();
        let Some(n) = path
            .strip_prefix("pairs/p")
            .and_then(|p| p.strip_suffix(".md"))
            .and_then(|n| n.parse::<usize>().ok())
        else {
            continue;
        };
        let rule = d["rule"].as_str().unwrap_or_default();
        if CONTRADICTIONS.contains(&rule) {
            flagged[n] = true;
        } else if rule != "uncited-claim" {
            others.entry(n).or_default().push(format!(
                "{rule}: {}",
                d["message"].as_str().unwrap_or_default()
            ));
        }
    }
    let mut score = Score::default();
    for (n, pair) in set.pairs.iter().enumerate() {
        // A pair the checker cannot read is a mistake in the benchmark, not a measurement
        // (a value in another unit is `unknown-property`, and is measured as not flagged).
        let broken: Vec<&String> = others
            .get(&n)
            .into_iter()
            .flatten()
            .filter(|m| m.starts_with("frontmatter") || m.starts_with("schema"))
            .collect();
        assert!(
            broken.is_empty(),
            "{} line {}: {broken:?}",
            set.kind,
            pair.line
        );
        match (pair.contradicts, flagged[n]) {
            (true, true) => score.tp += 1,
            (false, false) => score.tn += 1,
            (true, false) => {
                score.fn_ += 1;
                score
                    .wrong
                    .push(format!("missed (line {}): {}", pair.line, pair.origin));
            }
            (false, true) => {
                score.fp += 1;
                score
                    .wrong
                    .push(format!("false alarm (line {}): {}", pair.line, pair.origin));
            }
        }
    }
    score
}

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A YAML node as JSON, which is YAML too: what the pairs' KB is written in.
fn to_json(node: &Node) -> Json {
    match &node.value {
        Value::Null => Json::Null,
        Value::Bool(b) => json!(b),
        Value::Int(i) => json!(i),
        Value::Float(f) => json!(f),
        Value::Str(s) => json!(s),
        Value::Seq(items) => Json::Array(items.iter().map(to_json).collect()),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| (k.text.clone(), to_json(v)))
                .collect(),
        ),
    }
}

fn ratio(part: usize, whole: usize) -> String {
    if whole == 0 {
        "–".into()
    } else {
        format!("{:.3}", part as f64 / whole as f64)
    }
}

/// The Wilson score interval (95%) of `successes` out of `n`.
fn wilson(successes: usize, n: usize) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (z, n, p) = (1.96_f64, n as f64, successes as f64 / n as f64);
    let centre = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let half = z * ((p * (1.0 - p) + z * z / (4.0 * n)) / n).sqrt() / (1.0 + z * z / n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}
