//! Imports flow one way (ARCHITECTURE.md): a module may use modules of its own layer or of the
//! layers below, never one above, and no modules import each other in a circle: not the
//! top-level modules of one layer, and not the submodules of one module (`render::html::page`
//! and `render::html::svg`). Read from the `crate::`, `super::` and `self::` paths of every file
//! under `src/`.

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
            "frontmatter",
            "quote",
            "suggest",
            "time",
            "tree",
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
        &["baseline", "changed", "check", "lib", "report", "suppress"],
    ),
    (
        "outputs and commands",
        &["claims", "fix", "hook", "init", "lsp", "render", "source"],
    ),
    ("command line", &["cli", "main"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// A module's path from the crate root: `src/render/html/page.rs` is `render::html::page`,
/// `src/parse/mod.rs` is `parse`. `lib.rs`'s own items are the module `lib`.
fn module_of(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" {
        parts.push(stem.to_string());
    }
    parts
}

/// One file's code cut into the module each part belongs to: the file's own module, and each
/// inline `mod NAME { ... }` at the start of a line (a test module) as a submodule of it.
/// Comment lines are left out: a link in the docs is not an import.
fn sections(module: &[String], text: &str) -> Vec<Section> {
    let mut own = String::new();
    let mut inline: Vec<Section> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        if !inside {
            let name = line
                .strip_prefix("mod ")
                .or_else(|| line.strip_prefix("pub mod "))
                .and_then(|l| l.strip_suffix(" {"));
            if let Some(name) = name {
                let mut path = module.to_vec();
                path.push(name.to_string());
                inline.push((path, String::new()));
                inside = true;
                continue;
            }
            own.push_str(line);
            own.push('\n');
        } else if line == "}" {
            inside = false;
        } else {
            let last = inline.last_mut().unwrap();
            last.1.push_str(line);
            last.1.push('\n');
        }
    }
    inline.insert(0, (module.to_vec(), own));
    inline
}

/// The paths that `text` names from the crate root or relative to its module `here`, as
/// segments from the crate root: `crate::a::b`, `super::c`, `self::d`, and each path of a
/// group (`use crate::{a::b, c::{d, e}}`).
fn paths(text: &str, here: &[String]) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let prefix = ["crate::", "super::", "self::"]
            .into_iter()
            .find(|p| rest.starts_with(p));
        let starts_path = at == 0 || {
            let b = bytes[at - 1];
            !(b.is_ascii_alphanumeric() || b == b'_' || b == b':')
        };
        let (Some(prefix), true) = (prefix, starts_path) else {
            at += rest.chars().next().map_or(1, char::len_utf8);
            continue;
        };
        let mut base: Vec<String> = match prefix {
            "crate::" => Vec::new(),
            _ => here.to_vec(),
        };
        let mut tail = &rest[prefix.len() - 2..];
        if prefix == "super::" {
            base.pop();
            tail = &rest["super".len()..];
            while let Some(more) = tail.strip_prefix("::super") {
                base.pop();
                tail = more;
            }
        }
        let used = use_tree(tail, &base, &mut out);
        at += rest.len() - tail.len() + used.max(1);
    }
    out
}

/// Reads `::a::b`, `::{a, b::c}` or `::*` after `base`; pushes each full path to `out` and
/// returns how many bytes of `text` it read.
fn use_tree(text: &str, base: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let Some(after) = text.strip_prefix("::") else {
        out.push(base.to_vec());
        return 0;
    };
    if let Some(group) = after.strip_prefix('{') {
        let mut rest = group;
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
            let read = text.len() - rest.len();
            if rest.is_empty() || rest.starts_with('}') {
                return read + usize::from(!rest.is_empty());
            }
            // One member of the group: `name`, `name::...` or `self`.
            let name_len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            if name_len == 0 {
                // `*` or something this reader does not know: skip one character.
                rest = &rest[rest.chars().next().map_or(1, char::len_utf8)..];
                continue;
            }
            let name = &rest[..name_len];
            let mut path = base.to_vec();
            if name != "self" {
                path.push(name.to_string());
            }
            let member = &rest[name_len..];
            let used = use_tree(member, &path, out);
            rest = &member[used..];
        }
    }
    let name_len = after
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(after.len());
    if name_len == 0 {
        out.push(base.to_vec());
        return 2;
    }
    let mut path = base.to_vec();
    path.push(after[..name_len].to_string());
    2 + name_len + use_tree(&after[name_len..], &path, out)
}

/// The module that `path` names: its longest prefix that is a module (an item of `lib.rs`
/// belongs to the module `lib`).
fn resolve(path: &[String], modules: &BTreeSet<Vec<String>>) -> Vec<String> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
        .unwrap_or_else(|| vec!["lib".to_string()])
}

/// The edge between the two children of one module that an import from `from` to `to` makes:
/// below their closest common module, the child that holds `from` uses the child that holds
/// `to`. None when one holds the other (a module and its own submodules, or a submodule and
/// the module around it).
fn sibling_edge(from: &[String], to: &[String]) -> Option<(String, String)> {
    let common = from.iter().zip(to).take_while(|(a, b)| a == b).count();
    if common == from.len() || common == to.len() {
        return None;
    }
    Some((from[..=common].join("::"), to[..=common].join("::")))
}

/// Every circle in `graph`, each once, as the path around it.
fn circles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    fn visit(
        node: &str,
        graph: &BTreeMap<String, BTreeSet<String>>,
        state: &mut BTreeMap<String, u8>,
        path: &mut Vec<String>,
        found: &mut Vec<String>,
    ) {
        match state.get(node) {
            Some(1) => {
                let start = path.iter().position(|n| n == node).unwrap_or(0);
                found.push(format!(
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
            visit(next, graph, state, path, found);
        }
        path.pop();
        state.insert(node.to_string(), 2);
    }
    let mut state = BTreeMap::new();
    let mut found = Vec::new();
    for node in graph.keys() {
        visit(node, graph, &mut state, &mut Vec::new(), &mut found);
    }
    found
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

/// A module's path from the crate root, and the code that is in it.
type Section = (Vec<String>, String);

/// A file's path under the repository root, and its sections.
type SourceFile = (String, Vec<Section>);

/// What `src/` holds: each file with its code cut into sections, and every module.
fn read_src(src: &Path) -> (Vec<SourceFile>, BTreeSet<Vec<String>>) {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files.sort();
    let mut modules = BTreeSet::new();
    let mut read = Vec::new();
    for path in &files {
        let rel = path.strip_prefix(src).unwrap();
        let text = std::fs::read_to_string(path).unwrap();
        let parts = sections(&module_of(rel), &text);
        modules.extend(parts.iter().map(|(m, _)| m.clone()));
        read.push((format!("src/{}", rel.display()), parts));
    }
    (read, modules)
}

/// The problems with the imports of `src`: each import from a higher layer, each module
/// without a layer, and each circle.
fn problems(src: &Path) -> Vec<String> {
    let (files, modules) = read_src(src);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut problems = Vec::new();
    for (file, parts) in &files {
        for (here, text) in parts {
            let top = &here[0];
            let Some(layer) = layer_of(top) else {
                problems.push(format!(
                    "{file}: module `{top}` has no layer (add it to ARCHITECTURE.md and this test)"
                ));
                break;
            };
            for path in paths(text, here) {
                let target = resolve(&path, &modules);
                match layer_of(&target[0]) {
                    None => problems.push(format!(
                        "{file}: `crate::{}` is not a known module",
                        target.join("::")
                    )),
                    Some(t) if t > layer => problems.push(format!(
                        "{file}: `{top}` ({}) imports `{}` from a higher layer ({})",
                        LAYERS[layer].0, target[0], LAYERS[t].0
                    )),
                    Some(_) => {
                        // `lib.rs`'s own items, the module `lib`, sit beside the top-level
                        // modules it declares, as one of them.
                        if let Some((a, b)) = sibling_edge(here, &target) {
                            graph.entry(a).or_default().insert(b);
                        }
                    }
                }
            }
        }
    }
    problems.extend(circles(&graph));
    problems
}

#[test]
fn imports_flow_down_the_layers_without_a_circle() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let problems = problems(&src);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_import_reader_sees_grouped_relative_and_inline_paths() {
    let here: Vec<String> = ["render", "html", "page"].map(String::from).to_vec();
    let found = paths(
        "use crate::{config::Level, rules};\nlet x = crate::tree::git();\n\
         use super::{escape::escape, model::{Cell, Map}};\nuse self::inner::X;\n\
         let y = super::super::dot::render(); // not_crate::x\n",
        &here,
    );
    let shown: Vec<String> = found.iter().map(|p| p.join("::")).collect();
    assert_eq!(
        shown,
        [
            "config::Level",
            "rules",
            "tree::git",
            "render::html::escape::escape",
            "render::html::model::Cell",
            "render::html::model::Map",
            "render::html::page::inner::X",
            "render::dot::render",
        ]
    );
}

#[test]
fn a_circle_between_submodules_is_found() {
    // A copy of `src/` with one planted import back from `svg` to `page`, which uses it.
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let copy = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&src, copy.path());
    let svg = copy.path().join("render/html/svg.rs");
    let text = std::fs::read_to_string(&svg).unwrap();
    std::fs::write(&svg, format!("use super::page::render;\n{text}")).unwrap();
    let problems = problems(copy.path());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("render::html::page -> render::html::svg -> render::html::page")),
        "{problems:?}"
    );
}
