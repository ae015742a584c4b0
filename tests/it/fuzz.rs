//! Fuzz targets that run on stable Rust: the frontmatter splitter, the YAML loader, quote
//! normalisation and matching (exact and nearest), the config, and the language server. Each
//! target takes inputs mutated from a corpus (every Markdown, YAML, TOML and JSON file of `kb/`,
//! `tests/fixtures/` and, when present, `../shared/realworld/`; for the language server,
//! sessions of LSP messages) and must neither panic nor hang.
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
    mutate_bytes(rng, &mut data, corpus, TOKENS);
    data
}

/// A few random mutations of `data`, splicing in `tokens` and pieces of `corpus`.
fn mutate_bytes(rng: &mut Rng, data: &mut Vec<u8>, corpus: &[Vec<u8>], tokens: &[&str]) {
    for _ in 0..1 + rng.below(6) {
        let at = rng.below(data.len() + 1);
        match rng.below(6) {
            0 if !data.is_empty() => {
                let i = rng.below(data.len());
                data[i] ^= 1 << rng.below(8);
            }
            1 => {
                let t = tokens[rng.below(tokens.len())].as_bytes();
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
    fuzz_inputs(name, |rng| mutate(rng, &corpus), target);
}

/// Runs `target` on `execs()` inputs that `generate` makes, as [`fuzz`] does.
fn fuzz_inputs(name: &str, mut generate: impl FnMut(&mut Rng) -> Vec<u8>, target: impl Fn(&[u8])) {
    let seed: u64 = std::env::var("KBLINT_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(17);
    let mut rng = Rng(seed ^ name.len() as u64);
    let n = execs();
    let started = Instant::now();
    for i in 0..n {
        let input = generate(&mut rng);
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

/// Bytes that matter to the language server's framing and messages.
const LSP_TOKENS: &[&str] = &[
    "Content-Length: ",
    "Content-Length: 99999999999\r\n",
    "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n",
    "\r\n\r\n",
    "\r\n",
    ":",
    "\"id\":2147483648,",
    "\"id\":-2147483649,",
    "\"id\":1.5,",
    "\"id\":null,",
    "\"id\":\"x\",",
    "\"method\":\"exit\",",
    "\"method\":\"shutdown\",",
    "\"method\":\"initialize\",",
    "\"params\":null,",
    "%2e%2e/",
    "../",
    "%00",
    "%ff",
    "\"line\":4294967295",
    "\"character\":-1",
    "\"version\":-1",
    "\"text\":\"---\\nid: [\\n\"",
    "\\ud800",
    "null",
    "[]",
    "{}",
    "😀",
    "\u{0}",
];

/// The messages of a session on the KB at `root`, as JSON bodies: `initialize` first, then
/// every kind of message the server handles.
fn lsp_messages(root: &Path) -> Vec<Vec<u8>> {
    use serde_json::json;
    let uri = |path: &str| format!("file://{}/{path}", root.display());
    let po = uri("kb/entries/po.md");
    let at = json!({"textDocument": {"uri": po}, "position": {"line": 8, "character": 20}});
    let range = json!({"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}});
    let messages = [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": null,
            "rootUri": uri(""), "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
            {"uri": po, "languageId": "markdown", "version": 1, "text": LSP_ENTRY}}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument":
            {"uri": po, "version": 2}, "contentChanges": [{"text": LSP_ENTRY.replace("managerz", "managers")}]}}),
        json!({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": at}),
        json!({"jsonrpc": "2.0", "id": 3, "method": "textDocument/definition", "params": at}),
        json!({"jsonrpc": "2.0", "id": 4, "method": "textDocument/references", "params":
            {"textDocument": {"uri": po}, "position": {"line": 1, "character": 5}, "context": {"includeDeclaration": true}}}),
        json!({"jsonrpc": "2.0", "id": 5, "method": "textDocument/completion", "params": at}),
        json!({"jsonrpc": "2.0", "id": 6, "method": "textDocument/codeAction", "params":
            {"textDocument": {"uri": po}, "range": range, "context": {"diagnostics": []}}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument":
            {"uri": uri("kb/entries/pm.md"), "languageId": "markdown", "version": 1, "text": LSP_OTHER}}}),
        json!({"jsonrpc": "2.0", "method": "workspace/didChangeWatchedFiles", "params":
            {"changes": [{"uri": uri("kb/sources/guide.md"), "type": 2}]}}),
        json!({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": po}}}),
        json!({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 2}}),
        json!({"jsonrpc": "2.0", "id": "kblint-watch", "result": null}),
        json!({"jsonrpc": "2.0", "id": 7, "method": "shutdown"}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ];
    messages
        .iter()
        .map(|m| m.to_string().into_bytes())
        .collect()
}

const LSP_CONFIG: &str = "vocabulary = \"vocabulary.yaml\"\n\n[collections.entries]\ninclude = [\"kb/entries/*.md\"]\n\n[collections.sources]\ninclude = [\"kb/sources/*.md\"]\nsources = true\n";
const LSP_VOCABULARY: &str =
    "properties:\n  orientation:\n    kind: single\n    values: [strategic, tactical]\n";
const LSP_SOURCE: &str = "---\nid: guide\n---\nProduct owners are more tactical than product managers, who own the vision.\n";
const LSP_ENTRY: &str = "---\nid: po\nclaims:\n  - id: tactical\n    text: The role is tactical.\n    property: orientation\n    value: tactical\n    cites:\n      - {source: guide, quote: \"more tactical than product managerz\"}\n---\n";
const LSP_OTHER: &str = "---\nid: pm\nclaims:\n  - id: strategic\n    subject: po\n    property: orientation\n    value: strategic\n    cites: [{source: guide, quote: \"who own the vision\"}]\n---\n";

/// A session: `initialize` (usually unchanged) and a random run of the other messages, some of
/// them mutated, each framed with its length; sometimes the framed stream is mutated as well.
fn lsp_session(rng: &mut Rng, messages: &[Vec<u8>]) -> Vec<u8> {
    let mut bodies = vec![messages[0].clone()];
    for _ in 0..1 + rng.below(8) {
        bodies.push(messages[1 + rng.below(messages.len() - 1)].clone());
    }
    for body in &mut bodies {
        if rng.below(4) == 0 {
            mutate_bytes(rng, body, messages, LSP_TOKENS);
        }
    }
    let mut stream = Vec::new();
    for body in &bodies {
        stream.extend(format!("Content-Length: {}\r\n\r\n", body.len()).bytes());
        stream.extend(body);
    }
    if rng.below(3) == 0 {
        mutate_bytes(rng, &mut stream, messages, LSP_TOKENS);
    }
    stream
}

/// What the server writes, kept to be checked.
#[derive(Clone, Default)]
struct Output(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for Output {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The language server in memory: each input is a whole session (framed messages) on a small
/// KB. The server must end at the end of the input, write only well-framed JSON-RPC, and never
/// panic, not even in a part it guards with `catch_unwind` (a panic hook counts them).
#[test]
fn fuzz_language_server() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    for (path, text) in [
        ("kblint.toml", LSP_CONFIG),
        ("vocabulary.yaml", LSP_VOCABULARY),
        ("kb/sources/guide.md", LSP_SOURCE),
        ("kb/entries/po.md", LSP_ENTRY),
        ("kb/entries/pm.md", LSP_OTHER),
    ] {
        std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
        std::fs::write(root.join(path), text).unwrap();
    }
    let messages = lsp_messages(&root);
    // How many sessions reached a check (findings published) and a framing error, so that a
    // target that never gets past the framing shows.
    let (checked, refused) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let previous = std::panic::take_hook();
    // Only the server's threads count: the one that runs it, and the reader and writer it
    // starts (unnamed). The other tests of this binary run in threads named after them.
    std::panic::set_hook(Box::new(move |info| {
        if matches!(std::thread::current().name(), None | Some("lsp-fuzz")) {
            PANICS.fetch_add(1, Ordering::SeqCst);
        }
        previous(info);
    }));
    fuzz_inputs(
        "language server",
        |rng| lsp_session(rng, &messages),
        |input| {
            let before = PANICS.load(Ordering::SeqCst);
            let output = Output::default();
            let (done, ended) = std::sync::mpsc::channel();
            let (stream, out) = (input.to_vec(), output.clone());
            std::thread::Builder::new()
                .name("lsp-fuzz".into())
                .spawn(move || {
                    let _ = kblint::lsp::serve(std::io::Cursor::new(stream), out);
                    let _ = done.send(());
                })
                .unwrap();
            ended
                .recv_timeout(Duration::from_secs(20))
                .expect("the server ends at the end of its input");
            assert_eq!(PANICS.load(Ordering::SeqCst), before, "the server panicked");
            let written = output.0.lock().unwrap().clone();
            check_frames(&written);
            let has = |what: &[u8]| written.windows(what.len()).any(|w| w == what);
            if has(b"publishDiagnostics") {
                checked.fetch_add(1, Ordering::Relaxed);
            }
            if has(b"-32700") {
                refused.fetch_add(1, Ordering::Relaxed);
            }
        },
    );
    let _ = std::panic::take_hook();
    let (checked, refused) = (checked.into_inner(), refused.into_inner());
    eprintln!(
        "fuzz target `language server`: {checked} sessions reached a check, {refused} had a frame refused"
    );
    assert!(
        checked > 0 && refused > 0,
        "the sessions do not reach the server's handling"
    );
    if let Ok(status) = std::fs::read_to_string("/proc/self/status")
        && let Some(peak) = status.lines().find(|l| l.starts_with("VmHWM"))
    {
        eprintln!("fuzz target `language server`: peak memory of the test process {peak}");
    }
}

/// `bytes` is a run of `Content-Length` frames, each holding a JSON-RPC 2.0 object.
fn check_frames(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        let end = bytes
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header ends");
        let header = std::str::from_utf8(&bytes[..end]).expect("an ASCII header");
        let length: usize = header
            .strip_prefix("Content-Length: ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a bad header {header:?}"));
        let body = &bytes[end + 4..end + 4 + length];
        let value: serde_json::Value = serde_json::from_slice(body).expect("a JSON body");
        assert_eq!(value["jsonrpc"], "2.0", "{value}");
        bytes = &bytes[end + 4 + length..];
    }
}
