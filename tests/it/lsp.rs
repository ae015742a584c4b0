//! `kblint lsp`: scripted JSON-RPC sessions with the real binary over standard input and
//! output, on KBs written to temporary folders.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(60);

/// A running `kblint lsp` and what it has sent that no one has read yet.
struct Session {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    pending: Vec<Value>,
    next_id: i64,
    root: PathBuf,
}

impl Session {
    /// Starts the server in `root` and initializes it with `root` as the workspace folder.
    fn start(root: &Path) -> Session {
        let mut s = Session::spawn(root);
        let result = s.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(root),
                "capabilities": {},
            }),
        );
        assert_eq!(result["serverInfo"]["name"], "kblint", "{result}");
        s.notify("initialized", json!({}));
        s
    }

    fn spawn(root: &Path) -> Session {
        let mut child = Command::new(env!("CARGO_BIN_EXE_kblint"))
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut out = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if out.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    let (name, value) = line.split_once(": ").expect("a header");
                    assert_eq!(name, "Content-Length", "only Content-Length is sent");
                    length = Some(value.parse::<usize>().unwrap());
                }
                let mut body = vec![0; length.expect("Content-Length")];
                out.read_exact(&mut body).unwrap();
                let value: Value = serde_json::from_slice(&body).expect("the server sends JSON");
                assert_eq!(value["jsonrpc"], "2.0");
                if tx.send(value).is_err() {
                    return;
                }
            }
        });
        Session {
            child,
            stdin,
            messages: rx,
            pending: Vec::new(),
            next_id: 1,
            root: root.canonicalize().unwrap(),
        }
    }

    fn write_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    fn send(&mut self, value: Value) {
        let body = value.to_string();
        self.write_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response.
    fn call(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.wait_for(|m| m["id"] == id && m.get("method").is_none())
    }

    /// Sends a request and returns its result (the test fails on an error).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The first message, read or still to come, that `want` accepts.
    fn wait_for(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&want) {
            return self.pending.remove(i);
        }
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.messages.recv_timeout(left) {
                Ok(m) if want(&m) => return m,
                Ok(m) => self.pending.push(m),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no such message came; these did: {:#?}", self.pending)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed its output; it sent: {:#?}", self.pending)
                }
            }
        }
    }

    /// The next diagnostics published for `path` (relative to the root).
    /// The next diagnostics published for `path` once complete: a list that still waits for
    /// a nearest passage (the server searches it after publishing) is passed over.
    fn diagnostics(&mut self, path: &str) -> Value {
        let uri = self.uri(path);
        let m = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && !m.to_string().contains(SEARCHING)
        });
        m["params"].clone()
    }

    /// The next diagnostics published for `path`, complete or not.
    fn first_diagnostics(&mut self, path: &str) -> Value {
        let uri = self.uri(path);
        let m = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        m["params"].clone()
    }

    fn uri(&self, path: &str) -> String {
        uri(&self.root.join(path))
    }

    fn open(&mut self, path: &str, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &str, version: i64, text: &str) {
        let uri = self.uri(path);
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// `shutdown`, `exit`, and the exit status.
    fn finish(mut self) -> i32 {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.wait()
    }

    fn wait(&mut self) -> i32 {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code().unwrap_or(-1);
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn uri(path: &Path) -> String {
    let path = path.canonicalize().unwrap_or(path.to_path_buf());
    let mut out = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

const CONFIG: &str = r#"vocabulary = "schema/vocabulary.yaml"

[collections.entries]
include = ["kb/entries/**/*.md"]

[collections.sources]
include = ["kb/sources/**/*.md"]
sources = true
"#;

const VOCABULARY: &str = "properties:
  orientation:
    kind: single
    values: [strategic, tactical]
";

const SOURCE: &str = "---
id: 漢字-guide
---
Product owners are more tactical 😀 than product managers, who own the vision.
";

/// The entry `po` citing `quote` from the source, in a flow mapping after the source's CJK id,
/// so that UTF-16 columns differ from bytes and from characters.
fn po(quote: &str) -> String {
    format!(
        "---
id: po
claims:
  - id: tactical
    text: The role is tactical.
    property: orientation
    value: tactical
    cites:
      - {{source: 漢字-guide, quote: \"{quote}\"}}
---
"
    )
}

/// What a `quote-not-found` finding says while its nearest passage is searched for.
const SEARCHING: &str = "the nearest passage of the source is being searched for";

const MISQUOTE: &str = "Product owners are more tactical 😀 than product managerz";
const QUOTE: &str = "Product owners are more tactical 😀 than product managers";

fn pm(value: &str) -> String {
    format!(
        "---
id: pm
claims:
  - id: {value}
    subject: po
    property: orientation
    value: {value}
    cites:
      - source: 漢字-guide
        quote: \"who own the vision\"
---
"
    )
}

/// A KB with one source and the entries `po` (citing `quote`) and `pm` (saying `pm_value`).
fn kb(quote: &str, pm_value: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write("kblint.toml", CONFIG);
    write("schema/vocabulary.yaml", VOCABULARY);
    write("kb/sources/漢字-guide.md", SOURCE);
    write("kb/entries/po.md", &po(quote));
    write("kb/entries/pm.md", &pm(pm_value));
    dir
}

/// The LSP position (line from 0, UTF-16 column) of byte `offset` of `text`.
fn lsp_position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({"line": line, "character": before[start..].encode_utf16().count()})
}

fn with_rule<'a>(params: &'a Value, rule: &str) -> Vec<&'a Value> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == rule)
        .collect()
}

#[test]
fn a_misquote_is_shown_at_its_utf16_range_and_cleared_when_corrected() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    let text = po(MISQUOTE);
    s.open("kb/entries/po.md", &text);
    let params = s.diagnostics("kb/entries/po.md");
    assert_eq!(params["version"], 1);
    let found = with_rule(&params, "quote-not-found");
    assert_eq!(found.len(), 1, "{params:#}");
    let d = found[0];
    // The quoted scalar, quotes included: after `漢字-guide` on its line, and with an emoji in it.
    let start = text.find("\"Product").unwrap();
    let end = text.find("managerz\"").unwrap() + "managerz\"".len();
    assert_eq!(d["range"]["start"], lsp_position(&text, start), "{d:#}");
    assert_eq!(d["range"]["end"], lsp_position(&text, end), "{d:#}");
    // Both are UTF-16 columns: the CJK characters are one unit each, the emoji two.
    assert_eq!(d["range"]["start"]["character"], 34);
    assert_eq!(d["range"]["end"]["character"], 93);
    assert_eq!(d["severity"], 1);
    assert_eq!(d["source"], "kblint");
    let related = d["relatedInformation"].as_array().unwrap();
    assert!(
        related.iter().any(
            |r| r["location"]["uri"] == s.uri("kb/sources/漢字-guide.md")
                && r["message"]
                    .as_str()
                    .unwrap()
                    .starts_with("nearest passage")
        ),
        "{d:#}"
    );

    s.change("kb/entries/po.md", 2, &po(QUOTE));
    let params = s.diagnostics("kb/entries/po.md");
    assert_eq!(params["version"], 2);
    assert!(
        with_rule(&params, "quote-not-found").is_empty(),
        "{params:#}"
    );
    assert_eq!(s.finish(), 0);
}

#[test]
fn editing_a_source_breaks_a_quote_in_another_open_entry() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    s.open("kb/entries/pm.md", &pm("tactical"));
    let params = s.diagnostics("kb/entries/pm.md");
    assert!(
        with_rule(&params, "quote-not-found").is_empty(),
        "{params:#}"
    );
    s.open("kb/sources/漢字-guide.md", SOURCE);
    s.diagnostics("kb/sources/漢字-guide.md");
    // The source no longer says "who own the vision": the entry that quotes it, untouched and
    // not saved, gets the finding.
    let edited = SOURCE.replace("own the vision", "set the direction");
    s.change("kb/sources/漢字-guide.md", 2, &edited);
    let params = s.first_diagnostics("kb/entries/pm.md");
    assert_eq!(with_rule(&params, "quote-not-found").len(), 1, "{params:#}");
    assert_eq!(params["version"], 1, "the entry's own version");
    // The nearest passage comes after, once nothing else waits.
    let nearest = |params: &serde_json::Value| {
        with_rule(params, "quote-not-found").iter().any(|d| {
            d["relatedInformation"].as_array().is_some_and(|r| {
                r.iter().any(|r| {
                    r["message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("nearest passage"))
                })
            })
        })
    };
    assert!(!nearest(&params), "{params:#}");
    assert!(params.to_string().contains(SEARCHING), "{params:#}");
    let params = s.diagnostics("kb/entries/pm.md");
    assert!(nearest(&params), "{params:#}");
    // And back: the finding goes.
    s.change("kb/sources/漢字-guide.md", 3, SOURCE);
    let params = s.diagnostics("kb/entries/pm.md");
    assert!(
        with_rule(&params, "quote-not-found").is_empty(),
        "{params:#}"
    );
    assert_eq!(s.finish(), 0);
}

#[test]
fn editing_one_claim_updates_the_contradiction_shown_on_another_file() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    s.open("kb/entries/po.md", &po(QUOTE));
    let params = s.diagnostics("kb/entries/po.md");
    assert!(
        with_rule(&params, "conflicting-values").is_empty(),
        "{params:#}"
    );
    s.open("kb/entries/pm.md", &pm("tactical"));
    s.diagnostics("kb/entries/pm.md");
    s.change("kb/entries/pm.md", 2, &pm("strategic"));
    // The finding points at one claim of the two; whichever it is, it names the other.
    let mut shown = Vec::new();
    for path in ["kb/entries/po.md", "kb/entries/pm.md"] {
        let uri = s.uri(path);
        if let Some(i) = s.pending.iter().position(|m| m["params"]["uri"] == uri) {
            shown.push(s.pending.remove(i)["params"].clone());
        }
    }
    if shown.is_empty() {
        shown.push(s.diagnostics("kb/entries/po.md"));
    }
    let conflicts: Vec<&Value> = shown
        .iter()
        .flat_map(|p| with_rule(p, "conflicting-values"))
        .collect();
    assert_eq!(conflicts.len(), 1, "{shown:#?}");
    assert!(conflicts[0]["relatedInformation"].as_array().unwrap().len() == 1);
    assert_eq!(s.finish(), 0);
}

#[test]
fn definition_from_a_citation_source_lands_on_the_source() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    let text = po(QUOTE);
    s.open("kb/entries/po.md", &text);
    s.diagnostics("kb/entries/po.md");
    let at = text.find("漢字-guide").unwrap() + "漢字".len();
    let found = s.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": s.uri("kb/entries/po.md")}, "position": lsp_position(&text, at)}),
    );
    assert_eq!(found["uri"], s.uri("kb/sources/漢字-guide.md"), "{found:#}");
    let id = SOURCE.find("漢字-guide").unwrap();
    assert_eq!(found["range"]["start"], lsp_position(SOURCE, id));
    // From `subject: po` in pm.md to po's id; from a place that names nothing, nothing.
    let pm_text = pm("tactical");
    s.open("kb/entries/pm.md", &pm_text);
    let at = pm_text.find("subject: po").unwrap() + "subject: p".len();
    let found = s.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": s.uri("kb/entries/pm.md")}, "position": lsp_position(&pm_text, at)}),
    );
    assert_eq!(found["uri"], s.uri("kb/entries/po.md"), "{found:#}");
    assert_eq!(found["range"]["start"], json!({"line": 1, "character": 4}));
    let nothing = s.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": s.uri("kb/entries/pm.md")}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(nothing, Value::Null);
    // References of the source: both citations.
    let refs = s.request(
        "textDocument/references",
        json!({"textDocument": {"uri": s.uri("kb/sources/漢字-guide.md")}, "position": lsp_position(SOURCE, id + "漢".len()),
               "context": {"includeDeclaration": false}}),
    );
    let mut uris: Vec<&str> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["uri"].as_str().unwrap())
        .collect();
    uris.sort();
    let (a, b) = (s.uri("kb/entries/pm.md"), s.uri("kb/entries/po.md"));
    assert_eq!(uris, [a.as_str(), b.as_str()]);
    assert_eq!(s.finish(), 0);
}

/// Applies LSP text edits (non-overlapping) to `text`.
fn apply(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| {
        let (line, col) = (
            p["line"].as_u64().unwrap() as usize,
            p["character"].as_u64().unwrap() as usize,
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units == col {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort();
    let mut out = String::new();
    let mut at = 0;
    for (start, end, new) in spans {
        out.push_str(&text[at..start]);
        out.push_str(new);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn a_code_action_edits_as_check_fix_unsafe_fixes_writes() {
    let dir = kb(MISQUOTE, "tactical");
    // The same KB, fixed by the command line.
    let fixed = tempfile::tempdir().unwrap();
    copy_dir(dir.path(), fixed.path());
    let status = Command::new(env!("CARGO_BIN_EXE_kblint"))
        .args(["check", "--fix", "--unsafe-fixes", "--format", "short"])
        .current_dir(fixed.path())
        .output()
        .unwrap();
    assert!(status.status.code().is_some(), "{status:?}");
    let want = std::fs::read_to_string(fixed.path().join("kb/entries/po.md")).unwrap();
    let text = po(MISQUOTE);
    assert_ne!(want, text, "--unsafe-fixes corrects the near miss");

    let mut s = Session::start(dir.path());
    s.open("kb/entries/po.md", &text);
    let params = s.diagnostics("kb/entries/po.md");
    let d = with_rule(&params, "quote-not-found")[0].clone();
    let uri = s.uri("kb/entries/po.md");
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let actions = actions.as_array().unwrap();
    let titled = |kind: &str| {
        actions
            .iter()
            .find(|a| a["kind"] == kind && a["title"].as_str().unwrap().contains("unsafe"))
            .unwrap_or_else(|| panic!("no {kind} action in {actions:#?}"))
    };
    // The quick fix for this finding, not preferred since it changes a quote.
    let quick = titled("quickfix");
    assert_eq!(quick["isPreferred"], false);
    let edits = quick["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(apply(&text, edits), want);
    // Every fix of the file at once.
    let all = titled("source.fixAll.kblint.unsafe");
    let edits = all["edit"]["changes"][&uri].as_array().unwrap();
    assert_eq!(apply(&text, edits), want);
    // Allowing it inserts a suppression comment above the citation, reason to be written.
    let allow = actions
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Allow `quote-not-found`")
        })
        .unwrap();
    let edits = allow["edit"]["changes"][&uri].as_array().unwrap();
    assert!(
        apply(&text, edits)
            .contains("    cites:\n      # kblint-allow quote-not-found --\n      - {source"),
        "{}",
        apply(&text, edits)
    );
    assert_eq!(s.finish(), 0);
}

#[test]
fn a_code_action_right_after_an_edit_offers_the_correction() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    s.open("kb/entries/po.md", &po(QUOTE));
    s.diagnostics("kb/entries/po.md");
    // The misquote is new to the server: its nearest passage is searched after the check,
    // and the code action asked for at once must wait for it.
    let text = po(MISQUOTE);
    s.change("kb/entries/po.md", 2, &text);
    let uri = s.uri("kb/entries/po.md");
    let at = text.find(MISQUOTE).unwrap();
    let range = json!({
        "start": lsp_position(&text, at),
        "end": lsp_position(&text, at + MISQUOTE.len()),
    });
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": []}}),
    );
    let fix = actions.as_array().unwrap().iter().find(|a| {
        a["kind"] == "quickfix" && a["title"].as_str().is_some_and(|t| t.contains("unsafe"))
    });
    let edits = fix.unwrap_or_else(|| panic!("{actions:#}"))["edit"]["changes"][&uri]
        .as_array()
        .unwrap();
    assert!(
        apply(&text, edits).contains(QUOTE),
        "{}",
        apply(&text, edits)
    );
    assert_eq!(s.finish(), 0);
}

#[test]
fn a_contradiction_can_be_recorded_as_a_dispute() {
    let dir = kb(QUOTE, "strategic");
    let mut s = Session::start(dir.path());
    let text = po(QUOTE);
    s.open("kb/entries/po.md", &text);
    s.open("kb/entries/pm.md", &pm("strategic"));
    let mut params = s.diagnostics("kb/entries/po.md");
    let (mut path, mut text) = ("kb/entries/po.md", text);
    if with_rule(&params, "conflicting-values").is_empty() {
        params = s.diagnostics("kb/entries/pm.md");
        (path, text) = ("kb/entries/pm.md", pm("strategic"));
    }
    let d = with_rule(&params, "conflicting-values")[0].clone();
    let uri = s.uri(path);
    let actions = s.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": d["range"], "context": {"diagnostics": [d]}}),
    );
    let dispute = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["title"]
                .as_str()
                .unwrap()
                .starts_with("Record as a dispute")
        })
        .unwrap_or_else(|| panic!("{actions:#}"));
    let edited = apply(&text, dispute["edit"]["changes"][&uri].as_array().unwrap());
    assert!(edited.contains("\n    disputes: ["), "{edited}");
    // With the link written, the contradiction is acknowledged: no longer an error.
    s.change(path, 2, &edited);
    let params = s.diagnostics(path);
    assert!(
        with_rule(&params, "conflicting-values").is_empty(),
        "{params:#}"
    );
    assert_eq!(s.finish(), 0);
}

#[test]
fn hover_shows_the_passage_and_completion_offers_names() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    let text = po(MISQUOTE);
    s.open("kb/entries/po.md", &text);
    s.diagnostics("kb/entries/po.md");
    let uri = s.uri("kb/entries/po.md");
    let at = text.find("tactical 😀").unwrap();
    let hover = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": lsp_position(&text, at)}),
    );
    let shown = hover["contents"]["value"].as_str().unwrap();
    assert!(shown.contains("Not in `漢字-guide`"), "{shown}");
    assert!(
        shown.contains("the source reads `managers,`") || shown.contains("`managers"),
        "{shown}"
    );
    // Completion after `source: ` offers the source; after `value: ` the property's values.
    let typing = text.replace("value: tactical", "value: ");
    s.change("kb/entries/po.md", 2, &typing);
    let at = typing.find("value: ").unwrap() + "value: ".len();
    let items = s.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": lsp_position(&typing, at)}),
    );
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["strategic", "tactical"]);
    let at = typing.find("source: ").unwrap() + "source: ".len();
    let items = s.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": lsp_position(&typing, at)}),
    );
    assert_eq!(items[0]["label"], "漢字-guide", "{items:#}");
    assert_eq!(s.finish(), 0);
}

#[test]
fn a_config_error_is_shown_on_the_config_and_the_server_keeps_running() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    s.open("kb/entries/po.md", &po(MISQUOTE));
    let params = s.diagnostics("kb/entries/po.md");
    assert_eq!(with_rule(&params, "quote-not-found").len(), 1);
    let broken = CONFIG.replace("sources = true", "sources = maybe");
    s.open("kblint.toml", &broken);
    let params = s.diagnostics("kblint.toml");
    let d = &params["diagnostics"][0];
    assert_eq!(d["code"], "config", "{params:#}");
    assert_eq!(d["range"]["start"]["line"], 7, "{params:#}");
    // Nothing can be checked meanwhile: the entry's findings are withdrawn.
    let params = s.diagnostics("kb/entries/po.md");
    assert_eq!(params["diagnostics"], json!([]));
    s.change("kblint.toml", 2, CONFIG);
    let params = s.diagnostics("kblint.toml");
    assert_eq!(params["diagnostics"], json!([]));
    let params = s.diagnostics("kb/entries/po.md");
    assert_eq!(with_rule(&params, "quote-not-found").len(), 1);
    // The vocabulary loses `tactical`: the claim's value is now unknown.
    s.open(
        "schema/vocabulary.yaml",
        &VOCABULARY.replace(", tactical", ""),
    );
    let params = s.diagnostics("kb/entries/po.md");
    assert_eq!(
        with_rule(&params, "unknown-property").len(),
        1,
        "{params:#}"
    );
    assert_eq!(s.finish(), 0);
}

#[test]
fn bad_messages_get_errors_and_the_server_goes_on() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::spawn(dir.path());
    // Before `initialize`.
    let r = s.call("textDocument/hover", json!({}));
    assert_eq!(r["error"]["code"], -32002, "{r}");
    let r = s.call(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir.path()), "capabilities": {}}),
    );
    assert!(r["result"]["capabilities"].is_object(), "{r}");
    // Not JSON.
    s.write_raw(b"Content-Length: 9\r\n\r\n{not json");
    let r = s.wait_for(|m| m["error"]["code"] == -32700);
    assert_eq!(r["id"], Value::Null);
    // JSON, but not a message.
    s.send(json!({"jsonrpc": "2.0", "id": 99, "params": 3}));
    let r = s.wait_for(|m| m["error"]["code"] == -32600);
    assert_eq!(r["id"], 99);
    // An unknown method; bad params.
    let r = s.call("kblint/nothing", json!({}));
    assert_eq!(r["error"]["code"], -32601, "{r}");
    let r = s.call("textDocument/definition", json!({"textDocument": 1}));
    assert_eq!(r["error"]["code"], -32602, "{r}");
    // A file outside the KB, and one that does not exist.
    let outside = tempfile::tempdir().unwrap();
    let path = outside.path().join("x.md");
    let r = s.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": uri(&path)}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r, Value::Null);
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&path), "languageId": "markdown", "version": 1, "text": "x"}}),
    );
    // A deleted file that was open: still answered, from its unsaved text.
    s.open("kb/entries/po.md", &po(MISQUOTE));
    s.diagnostics("kb/entries/po.md");
    std::fs::remove_file(dir.path().join("kb/entries/po.md")).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": s.uri("kb/entries/po.md"), "type": 3}]}),
    );
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": s.uri("kb/entries/po.md")}, "position": {"line": 1, "character": 5}}),
    );
    assert!(r.is_object() || r.is_null());
    // Closed: the file is gone from the KB, and its findings from the editor.
    s.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": s.uri("kb/entries/po.md")}}),
    );
    let params = s.diagnostics("kb/entries/po.md");
    assert_eq!(params["diagnostics"], json!([]));
    assert_eq!(s.finish(), 0);
}

#[test]
fn exit_without_shutdown_or_a_closed_input_ends_the_process() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    s.notify("exit", Value::Null);
    assert_ne!(s.wait(), 0, "`exit` before `shutdown` is an error");
    let mut s = Session::start(dir.path());
    s.open("kb/entries/po.md", &po(MISQUOTE));
    drop(s.stdin.take());
    assert_eq!(s.wait(), 0, "a client that goes away ends the server");
}

#[test]
fn findings_are_published_for_the_newest_version_only() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    s.open("kb/entries/po.md", &po(QUOTE));
    s.diagnostics("kb/entries/po.md");
    // Twenty changes in a row, without waiting; the last one has the misquote.
    for version in 2..=21 {
        let quote = if version == 21 { MISQUOTE } else { QUOTE };
        s.change("kb/entries/po.md", version, &po(quote));
    }
    let uri = s.uri("kb/entries/po.md");
    let last = s.wait_for(|m| m["params"]["uri"] == uri && m["params"]["version"] == 21);
    assert_eq!(
        with_rule(&last["params"], "quote-not-found").len(),
        1,
        "{last:#}"
    );
    // Whatever was published before it came in order, each for the newest version received.
    let versions: Vec<i64> = s
        .pending
        .iter()
        .filter(|m| m["params"]["uri"] == uri)
        .map(|m| m["params"]["version"].as_i64().unwrap())
        .collect();
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    // Nothing older comes after it.
    let before = s.pending.len();
    let r = s.request("shutdown", Value::Null);
    assert_eq!(r, Value::Null);
    let later: Vec<&Value> = s.pending[before..]
        .iter()
        .filter(|m| m["params"]["uri"] == uri)
        .collect();
    assert!(
        later.iter().all(|m| m["params"]["version"] == 21),
        "{later:#?}"
    );
    s.notify("exit", Value::Null);
    assert_eq!(s.wait(), 0);
}

#[test]
fn the_server_asks_to_watch_files_when_the_client_allows_it() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::spawn(dir.path());
    s.request(
        "initialize",
        json!({"processId": null, "rootUri": uri(dir.path()),
               "capabilities": {"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}}}),
    );
    s.notify("initialized", json!({}));
    let r = s.wait_for(|m| m["method"] == "client/registerCapability");
    assert_eq!(
        r["params"]["registrations"][0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    s.send(json!({"jsonrpc": "2.0", "id": r["id"], "result": null}));
    // A source saved outside the editor: the open entry is checked again.
    s.open("kb/entries/pm.md", &pm("tactical"));
    let params = s.diagnostics("kb/entries/pm.md");
    assert!(
        with_rule(&params, "quote-not-found").is_empty(),
        "{params:#}"
    );
    let path = dir.path().join("kb/sources/漢字-guide.md");
    std::fs::write(&path, SOURCE.replace("own the vision", "set the direction")).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&path), "type": 2}]}),
    );
    let params = s.diagnostics("kb/entries/pm.md");
    assert_eq!(with_rule(&params, "quote-not-found").len(), 1, "{params:#}");
    assert_eq!(s.finish(), 0);
}

#[test]
fn a_uri_that_climbs_out_of_the_kb_with_encoded_dots_is_not_a_kb_file() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    // `kb/entries/%2e%2e/%2e%2e/%2e%2e/elsewhere/po.md`: `/elsewhere/po.md` beside the KB, which
    // the entries' glob `kb/entries/**/*.md` would match if the dots were not resolved.
    let escaping = format!(
        "{}/%2e%2e/%2E%2e/%2e%2E/elsewhere/po.md",
        s.uri("kb/entries")
    );
    let text = po(MISQUOTE);
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": escaping, "languageId": "markdown", "version": 1, "text": text}}),
    );
    s.open("kb/entries/pm.md", &pm("tactical"));
    let params = s.diagnostics("kb/entries/pm.md");
    assert_eq!(params["diagnostics"], json!([]), "{params:#}");
    // A request is answered after every publication of the check before it.
    let r = s.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": escaping}, "position": {"line": 1, "character": 5}}),
    );
    assert_eq!(r, Value::Null);
    let published: Vec<&Value> = s
        .pending
        .iter()
        .filter(|m| m["params"]["uri"] == escaping.as_str())
        .collect();
    assert!(published.is_empty(), "{published:#?}");
    assert_eq!(s.finish(), 0);
}

/// The `error` of the next reply whose id is `id`.
fn error_for(s: &mut Session, id: Value) -> Value {
    let r = s.wait_for(|m| m["id"] == id && m.get("error").is_some());
    r["error"].clone()
}

#[test]
fn bad_framing_and_ids_get_errors_and_the_server_goes_on() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    let hover = |s: &mut Session| {
        let r = s.call(
            "textDocument/hover",
            json!({"textDocument": {"uri": s.uri("kb/entries/po.md")}, "position": {"line": 0, "character": 0}}),
        );
        assert!(r.get("error").is_none(), "{r}");
    };
    // A byte that is not UTF-8 in a header: a parse error, and the body is skipped.
    s.write_raw(b"Content-Length: 2\r\nX-Note: caf\xe9\r\n\r\n{}");
    let r = s.wait_for(|m| m["error"]["code"] == -32700);
    assert!(
        r["error"]["message"].as_str().unwrap().contains("UTF-8"),
        "{r}"
    );
    hover(&mut s);
    // Ids that `lsp-server` cannot hold: answered with an error that echoes them.
    for id in [
        json!(1_u64 << 40),
        json!(-3_000_000_000_i64),
        json!(1.5),
        json!(null),
    ] {
        s.send(json!({"jsonrpc": "2.0", "id": id, "method": "textDocument/hover", "params": {}}));
        let error = error_for(&mut s, id.clone());
        assert_eq!(error["code"], -32600, "{id}: {error}");
    }
    hover(&mut s);
    // A header line of a megabyte, and a header of a thousand lines: refused as they are read.
    let mut long = b"Content-Length: 2\r\nX-Long: ".to_vec();
    long.extend(std::iter::repeat_n(b'a', 1 << 20));
    long.extend(b"\r\n\r\n{}");
    s.write_raw(&long);
    let r = s.wait_for(|m| m["error"]["code"] == -32700);
    assert!(
        r["error"]["message"].as_str().unwrap().contains("longer"),
        "{r}"
    );
    hover(&mut s);
    let mut many = b"Content-Length: 2\r\n".to_vec();
    many.extend(b"X-A: b\r\n".repeat(1000));
    many.extend(b"\r\n{}");
    s.write_raw(&many);
    let r = s.wait_for(|m| m["error"]["code"] == -32700);
    assert!(
        r["error"]["message"].as_str().unwrap().contains("lines"),
        "{r}"
    );
    hover(&mut s);
    assert_eq!(s.finish(), 0);
}

/// The findings `kblint check --format json` shows for `path`, as (rule, line from 0) pairs.
fn check_findings(root: &Path, path: &str) -> Vec<(String, u64)> {
    let out = Command::new(env!("CARGO_BIN_EXE_kblint"))
        .args(["check", "--format", "json"])
        .current_dir(root)
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut found: Vec<(String, u64)> = json["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["path"] == path)
        .map(|d| {
            (
                d["rule"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap() - 1,
            )
        })
        .collect();
    found.sort();
    found
}

/// The findings of a publication, as (rule, line from 0) pairs.
fn published(params: &Value) -> Vec<(String, u64)> {
    let mut found: Vec<(String, u64)> = params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn the_editor_shows_what_check_shows_on_a_kb_with_a_baseline() {
    // The misquote and a contradiction are parked in the baseline; a suppression hides one more.
    let dir = kb(MISQUOTE, "strategic");
    let root = dir.path();
    let baseline = Command::new(env!("CARGO_BIN_EXE_kblint"))
        .arg("baseline")
        .current_dir(root)
        .output()
        .unwrap();
    assert!(baseline.status.success(), "{baseline:?}");
    let po_path = root.join("kb/entries/po.md");
    let text = std::fs::read_to_string(&po_path).unwrap().replace(
        "claims:\n",
        "claims:
  - id: odd # kblint-allow unknown-property -- kept for the test
    text: An odd claim.
    property: colour
    value: red
    cites: [{source: 漢字-guide, quote: \"who own the vision\"}]\n",
    );
    std::fs::write(&po_path, &text).unwrap();
    assert_eq!(check_findings(root, "kb/entries/po.md"), Vec::new());
    assert_eq!(check_findings(root, "kb/entries/pm.md"), Vec::new());

    let mut s = Session::start(root);
    s.open("kb/entries/po.md", &text);
    let params = s.diagnostics("kb/entries/po.md");
    assert_eq!(published(&params), Vec::new(), "{params:#}");
    s.open("kb/entries/pm.md", &pm("strategic"));
    let params = s.diagnostics("kb/entries/pm.md");
    assert_eq!(published(&params), Vec::new(), "{params:#}");

    // A new finding is not in the baseline: the editor shows it, as `check` does.
    let edited = text.replace(MISQUOTE, "Product owners are nothing like this");
    s.change("kb/entries/po.md", 2, &edited);
    let params = s.diagnostics("kb/entries/po.md");
    std::fs::write(&po_path, &edited).unwrap();
    let expected = check_findings(root, "kb/entries/po.md");
    assert!(
        expected.iter().any(|(rule, _)| rule == "quote-not-found"),
        "{expected:?}"
    );
    assert_eq!(published(&params), expected, "{params:#}");
    assert_eq!(s.finish(), 0);
}

#[test]
fn a_vocabulary_error_is_shown_at_its_line_in_the_vocabulary() {
    let dir = kb(QUOTE, "tactical");
    let mut s = Session::start(dir.path());
    s.open("kb/entries/po.md", &po(QUOTE));
    s.diagnostics("kb/entries/po.md");
    // Line 3 (2 from 0) is `    kind: single`.
    let broken = VOCABULARY.replace("kind: single", "kind: sometimes");
    s.open("schema/vocabulary.yaml", &broken);
    let params = s.diagnostics("schema/vocabulary.yaml");
    let d = &params["diagnostics"][0];
    assert_eq!(d["code"], "config", "{params:#}");
    assert_eq!(d["range"]["start"]["line"], 2, "{params:#}");
    assert_eq!(params["version"], 1, "{params:#}");
    s.change("schema/vocabulary.yaml", 2, VOCABULARY);
    let params = s.diagnostics("schema/vocabulary.yaml");
    assert_eq!(params["diagnostics"], json!([]), "{params:#}");
    assert_eq!(s.finish(), 0);
}
