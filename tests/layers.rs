//! Imports flow one way (ARCHITECTURE.md): a module may use modules of its own layer or of the
//! layers below, never one above, and the modules of one layer never import each other in a
//! circle. Read from the `crate::` paths of every file under `src/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The layers, bottom first, with their top-level modules (`lib` is `lib.rs`'s own items:
/// `lint`, `check_kb`, `Report`, ...). Keep in step with ARCHITECTURE.md.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundation",
        &[
            "diagnostic",
            "digest",
            "quote",
            "rule_id",
            "suggest",
            "tree",
            "yaml",
        ],
    ),
    (
        "configuration and data",
        &[
            "config",
            "fingerprint",
            "keys",
            "model",
            "schema",
            "vocabulary",
        ],
    ),
    ("discover, parse, index", &["discover", "index", "parse"]),
    ("analyses", &["analysis"]),
    ("rules", &["rules"]),
    (
        "pipeline",
        &[
            "baseline", "changed", "check", "lib", "report", "run", "suppress",
        ],
    ),
    (
        "outputs and commands",
        &["claims", "fix", "hook", "init", "lsp", "render"],
    ),
    ("command line", &["cli", "main"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// The top-level module a file under `src/` belongs to.
fn module_of(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_string()
}

/// The top-level modules that `text` names with `crate::` (including `use crate::{a, b}`).
fn imports(text: &str, items_of_lib: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        // `kblint::crate::` never occurs; skip identifiers that merely end in `crate`.
        if text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let rest = &text[at + "crate::".len()..];
        let names: Vec<&str> = if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end]
                .split(',')
                .map(|s| s.trim().split("::").next().unwrap_or("").trim())
                .collect()
        } else {
            vec![
                rest.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or(""),
            ]
        };
        for name in names.into_iter().filter(|n| !n.is_empty() && *n != "self") {
            if items_of_lib.contains(name) {
                out.insert("lib".to_string());
            } else {
                out.insert(name.to_string());
            }
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn imports_flow_down_the_layers_without_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    // What lib.rs itself defines, as opposed to the modules it declares.
    let lib = std::fs::read_to_string(src.join("lib.rs")).unwrap();
    let items_of_lib: BTreeSet<String> = lib
        .lines()
        .filter_map(|l| {
            let l = l.trim_start().strip_prefix("pub ")?;
            let l = l
                .strip_prefix("fn ")
                .or_else(|| l.strip_prefix("struct "))
                .or_else(|| l.strip_prefix("enum "))
                .or_else(|| l.strip_prefix("use crate::report::{"))?;
            Some(
                l.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ','))
                    .next()?
                    .split(',')
                    .map(str::trim)
                    .collect::<Vec<_>>(),
            )
        })
        .flatten()
        .map(str::to_string)
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(&src).unwrap();
        let module = module_of(rel);
        let Some(layer) = layer_of(&module) else {
            problems.push(format!(
                "src/{}: module `{module}` has no layer (add it to ARCHITECTURE.md and this test)",
                rel.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        for target in imports(&text, &items_of_lib) {
            if target == module {
                continue;
            }
            match layer_of(&target) {
                None => problems.push(format!(
                    "src/{}: `crate::{target}` is not a known module",
                    rel.display()
                )),
                Some(t) if t > layer => problems.push(format!(
                    "src/{}: `{module}` ({}) imports `{target}` from a higher layer ({})",
                    rel.display(),
                    LAYERS[layer].0,
                    LAYERS[t].0
                )),
                Some(_) => {
                    graph.entry(module.clone()).or_default().insert(target);
                }
            }
        }
    }
    // A circle among modules of one layer: a depth-first search for a back edge.
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
        problems: &mut Vec<String>,
    ) {
        match state.get(node) {
            Some(1) => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                problems.push(format!(
                    "import circle: {} -> {node}",
                    path[start..].join(" -> ")
                ));
                return;
            }
            Some(_) => return,
            None => {}
        }
        state.insert(node.to_string(), 1);
        path.push(node.to_string());
        for next in graph.get(node).into_iter().flatten() {
            visit(next, graph, state, path, problems);
        }
        path.pop();
        state.insert(node.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    for node in graph.keys() {
        visit(node, &graph, &mut state, &mut Vec::new(), &mut problems);
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_import_reader_sees_grouped_and_inline_paths() {
    let lib: BTreeSet<String> = ["Report".to_string()].into();
    let found = imports(
        "use crate::{config::Level, rules};\nlet x = crate::tree::git();\nuse crate::Report;\n",
        &lib,
    );
    let expected: BTreeSet<String> = ["config", "rules", "tree", "lib"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(found, expected);
}
