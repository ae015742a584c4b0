//! A structure-aware fuzzer for `--fix`: KBs whose quotes and digests (the values fixes touch)
//! are written in every YAML form (plain, single- and double-quoted, block scalars, anchors,
//! aliases, flow mappings, comments, CRLF), fixed with `--unsafe-fixes`. After the fix every
//! file still parses, its body is unchanged, and nothing but `quote` and `sha256` values
//! changed in its frontmatter.
//!
//! CI runs `KBLINT_FIX_FUZZ_CASES` cases (200 by default, a few seconds); run more on demand:
//! `KBLINT_FIX_FUZZ_CASES=100000 cargo test --release --test it fix_fuzz::`. A failing case prints
//! its seed; `KBLINT_FIX_FUZZ_SEED=N` runs from that seed.

use crate::common::Rng;

use std::path::Path;

use kblint::frontmatter;

const QUOTES: &[&str] = &[
    // found
    "Product owners are more tactical",
    "A product manager \"owns the vision\" - for the whole lifecycle of the product",
    // near misses: fixable with --unsafe-fixes
    "A product manager \"owns the vision\" - for the entire lifecycle of the product",
    "Product owners are more practical",
    "Product managers are more strategic!",
    "product managers are more strategical",
    // not found at all
    "Nothing like this is in the source",
];

/// `value` (one line of text) written as a YAML value in a random form, at `indent` spaces for
/// continuation lines. `anchors` collects the anchors defined so far for later aliases.
fn yaml_value(rng: &mut Rng, value: &str, indent: usize, anchor: Option<&str>) -> String {
    let pad = " ".repeat(indent + 2);
    let double = serde_json::to_string(value).unwrap();
    let single = format!("'{}'", value.replace('\'', "''"));
    let plain_ok = !value.contains(": ")
        && !value.contains(" #")
        && !value.starts_with(|c: char| "\"'!&*|>%@`{[-?:,#".contains(c));
    let form = match rng.below(if plain_ok { 9 } else { 8 }) {
        0 | 1 => double,
        2 => single,
        3 => format!("|-\n{pad}{value}"),
        4 => format!(">-\n{pad}{value}"),
        5 => format!("|\n{pad}{value}"),
        6 => format!(">\n{pad}{value}"),
        7 => format!("{double} # a comment"),
        _ => value.to_string(),
    };
    match anchor {
        // A block scalar's header comes after the anchor.
        Some(a) => format!("&{a} {form}"),
        None => form,
    }
}

struct Case {
    files: Vec<(String, String)>,
}

fn generate(rng: &mut Rng, guide_body: &str, guide_digest: &str) -> Case {
    let mut files = Vec::new();
    let crlf = rng.below(6) == 0;
    // The source: its digest missing, right, stale, or written through an anchor and alias.
    let stale = "0".repeat(64);
    let digest = if rng.below(2) == 0 {
        guide_digest
    } else {
        &stale
    };
    let sha = match rng.below(6) {
        0 => String::new(),
        1 => format!(
            "note: {}\nsha256: *h\n",
            yaml_value(rng, digest, 0, Some("h"))
        ),
        _ => format!("sha256: {}\n", yaml_value(rng, digest, 0, None)),
    };
    let title = if rng.below(2) == 0 {
        "title: Roles guide # the title\n"
    } else {
        ""
    };
    files.push((
        "kb/sources/guide.md".to_string(),
        format!("---\nid: guide\n{sha}{title}---\n{guide_body}"),
    ));
    for n in 0..1 + rng.below(3) {
        let mut yaml = format!("id: e{n}\n");
        if rng.below(3) == 0 {
            yaml.push_str("# claims below\n");
        }
        yaml.push_str("claims:\n");
        let mut anchors = 0;
        for c in 0..1 + rng.below(3) {
            yaml.push_str(&format!("  - id: c{c}\n    text: Claim {c}.\n    cites:\n"));
            for _ in 0..1 + rng.below(2) {
                let quote = rng.pick(QUOTES);
                match rng.below(8) {
                    0 if anchors > 0 => {
                        let a = rng.below(anchors);
                        yaml.push_str(&format!("      - source: guide\n        quote: *q{a}\n"));
                    }
                    1 => {
                        let v = yaml_value(rng, quote, 8, Some(&format!("q{anchors}")));
                        anchors += 1;
                        yaml.push_str(&format!("      - source: guide\n        quote: {v}\n"));
                    }
                    2 => {
                        let v = serde_json::to_string(quote).unwrap();
                        yaml.push_str(&format!("      - {{source: guide, quote: {v}}}\n"));
                    }
                    3 => {
                        let v = yaml_value(rng, quote, 8, None);
                        yaml.push_str(&format!("      - quote: {v}\n        source: guide\n"));
                    }
                    _ => {
                        let v = yaml_value(rng, quote, 8, None);
                        yaml.push_str(&format!("      - source: guide\n        quote: {v}\n"));
                    }
                }
            }
        }
        let end = if rng.below(8) == 0 { "..." } else { "---" };
        let body = if rng.below(2) == 0 {
            "Body text.\n"
        } else {
            ""
        };
        files.push((
            format!("kb/entries/e{n}.md"),
            format!("---\n{yaml}{end}\n{body}"),
        ));
    }
    if crlf {
        for (_, text) in &mut files {
            *text = text.replace('\n', "\r\n");
        }
    }
    Case { files }
}

/// The frontmatter as JSON without the values fixes may change, and the body.
fn shape(text: &str) -> Result<(serde_json::Value, String), String> {
    let split = frontmatter::split(text).map_err(|e| format!("{e:?}"))?;
    let (node, dups) = kblint::frontmatter::yaml::parse(text, split.yaml).map_err(|e| e.message)?;
    if !dups.is_empty() {
        return Err("duplicate keys".into());
    }
    let mut json = node.into_json();
    strip(&mut json);
    Ok((json, text[split.body].to_string()))
}

fn strip(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("sha256");
            if let Some(q) = map.get_mut("quote") {
                *q = serde_json::Value::Null;
            }
            map.values_mut().for_each(strip);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

fn run_case(seed: u64, template: &Path) -> Result<usize, String> {
    let mut rng = Rng(seed);
    let guide = std::fs::read_to_string(template.join("kb/sources/guide.md")).unwrap();
    let guide_body = guide.splitn(3, "---\n").nth(2).unwrap().to_string();
    let digest = kblint::digest::sha256_hex(guide_body.as_bytes());
    let case = generate(&mut rng, &guide_body, &digest);
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(template, dir.path());
    for (path, text) in &case.files {
        std::fs::write(dir.path().join(path), text).unwrap();
    }
    let opts = kblint::CheckOptions {
        config: None,
        cwd: dir.path().to_path_buf(),
        mode: kblint::Mode::WorkTree,
        paths: Vec::new(),
        rules: Vec::new(),
    };
    let report = kblint::check_kb(&opts).map_err(|e| e.to_string())?;
    if let Some(d) = report.diagnostics.iter().find(|d| d.rule == "frontmatter") {
        return Err(format!("the generated KB does not parse: {}", d.message));
    }
    let outcome = kblint::fix::apply(&report, true).map_err(|e| format!("{e:#}"))?;
    let after = kblint::check_kb(&opts).map_err(|e| e.to_string())?;
    if let Some(d) = after.diagnostics.iter().find(|d| d.rule == "frontmatter") {
        return Err(format!("a fixed file no longer parses: {}", d.message));
    }
    for (path, before) in &case.files {
        let now = std::fs::read_to_string(dir.path().join(path)).unwrap();
        if &now == before {
            continue;
        }
        let (a, b) = (
            shape(before)?,
            shape(&now).map_err(|e| format!("{path}: {e}"))?,
        );
        if a != b {
            return Err(format!(
                "{path}: more than the fixed values changed\n--- before\n{before}\n--- after\n{now}"
            ));
        }
    }
    if outcome.resolved(&after) > outcome.applied.len() {
        return Err("more findings resolved than fixes applied".into());
    }
    // No lock or temporary file is left behind.
    for (path, _) in &case.files {
        let folder = dir.path().join(path);
        let folder = folder.parent().unwrap();
        for e in std::fs::read_dir(folder).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".tmp") {
                return Err(format!("left behind: {name}"));
            }
        }
    }
    if dir.path().join(kblint::fix::LOCK_FILE).exists() {
        return Err("the lock file was left behind".into());
    }
    Ok(outcome.applied.len())
}

#[test]
fn fixes_change_nothing_but_the_fixed_values() {
    let cases: u64 = std::env::var("KBLINT_FIX_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let first: u64 = std::env::var("KBLINT_FIX_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let template =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quote-not-found/near-miss");
    let mut applied = 0;
    for seed in first..first + cases {
        match run_case(seed, &template) {
            Ok(n) => applied += n,
            Err(e) => panic!("case with seed {seed} (KBLINT_FIX_FUZZ_SEED={seed}): {e}"),
        }
    }
    // The cases must reach the writing code, not only the guards that decline.
    assert!(
        cases < 20 || applied as u64 > cases / 4,
        "only {applied} fixes written in {cases} cases"
    );
    eprintln!("{cases} cases, {applied} fixes written");
}
