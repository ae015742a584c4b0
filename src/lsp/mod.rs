//! `kblint lsp`: a Language Server Protocol 3.17 server on standard input and output (spec §11).
//!
//! A thin layer over the pipeline: the [`workspace`] holds the KB parsed once, with the editor's
//! unsaved texts over the files on disk, and re-parses only the file that changed; the checks are
//! the ones `kblint check` runs. This module reads the messages, keeps the open documents, and
//! publishes each open document's findings, converted by [`convert`]. The server is synchronous:
//! changes that arrive while the KB is checked are all applied before it is checked again, and a
//! result is published only when no newer change is waiting, so the editor never receives
//! findings for an older version of a document.
//!
//! Diagnostics are published for open documents only (and for the config file, when it has an
//! error): a KB has thousands of files, and an editor's problem list is for what the author is
//! working on; `kblint check` reports the whole KB.

mod actions;
mod convert;
mod navigate;
mod transport;
pub mod workspace;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender};

use anyhow::Result;
use lsp_server::{Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidChangeWatchedFiles, DidCloseTextDocument, DidOpenTextDocument, Exit,
    Initialized, Notification as _,
};
use lsp_types::request::{
    CodeActionRequest, Completion, GotoDefinition, HoverRequest, Initialize, References,
    RegisterCapability, Request as _, Shutdown,
};
use lsp_types::{
    CodeActionKind, CodeActionOptions, CodeActionProviderCapability, CompletionItem,
    CompletionItemKind, CompletionOptions, CompletionResponse, Hover, HoverContents,
    HoverProviderCapability, InitializeResult, Location, MarkupContent, MarkupKind, OneOf,
    PublishDiagnosticsParams, ServerCapabilities, ServerInfo, TextDocumentSyncCapability,
    TextDocumentSyncKind, TextDocumentSyncOptions, Uri,
};
use lsp_types::{CodeActionOrCommand, CodeActionResponse, GotoDefinitionResponse};
use serde_json::Value;

use crate::diagnostic::{File, FileId};
use workspace::{Doc, Workspace};

/// JSON-RPC and LSP error codes.
const INVALID_REQUEST: i32 = -32600;
const METHOD_NOT_FOUND: i32 = -32601;
const INVALID_PARAMS: i32 = -32602;
const INTERNAL_ERROR: i32 = -32603;
const SERVER_NOT_INITIALIZED: i32 = -32002;

/// Runs the server until the client sends `exit` or closes the connection. An `exit` that does
/// not follow a `shutdown` request is an error (exit status 2), as LSP asks for a nonzero status.
pub fn run() -> Result<()> {
    serve(std::io::stdin(), std::io::stdout())
}

/// The server on any byte streams (`run` gives it standard input and output; the fuzz tests,
/// bytes in memory).
pub fn serve(
    input: impl std::io::Read + Send + 'static,
    output: impl std::io::Write + Send + 'static,
) -> Result<()> {
    let (out, writer) = transport::writer(output);
    let (input, _reader) = transport::reader(input, out.clone());
    let result = Server::new(out).serve(&input);
    // Everything queued is written before the server returns: the reader ends at the end of
    // the input or after `exit`, and with it the last sender.
    let _ = writer.join();
    result
}

/// Where the server is in its life (LSP's lifecycle).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Waiting for `initialize`: every other request is an error, notifications are dropped.
    Uninitialized,
    /// Serving.
    Running,
    /// After `shutdown`: only `exit` is expected.
    ShuttingDown,
}

struct Server {
    out: Sender<Vec<u8>>,
    phase: Phase,
    /// Where the server was started (the workspace folder), to look for the config from.
    start: Option<PathBuf>,
    /// A config named in the initialization options (`{"config": "path/to/kblint.toml"}`).
    config: Option<PathBuf>,
    workspace: Option<Workspace>,
    /// KB paths changed since the last check.
    dirty: BTreeSet<String>,
    /// Every change waits until all the messages already received are read.
    reload: bool,
    /// What was last published, by URI, so that unchanged lists are not sent again.
    published: BTreeMap<String, Vec<lsp_types::Diagnostic>>,
    /// Documents whose findings must be published after the next check even if unchanged
    /// (they were just opened or edited, and the editor waits for their version).
    touched: BTreeSet<String>,
    backlog: VecDeque<Message>,
    /// Whether the client lets the server ask to be told of changed files.
    watch: bool,
}

impl Server {
    fn new(out: Sender<Vec<u8>>) -> Server {
        Server {
            out,
            phase: Phase::Uninitialized,
            start: None,
            config: None,
            workspace: None,
            dirty: BTreeSet::new(),
            reload: false,
            published: BTreeMap::new(),
            touched: BTreeSet::new(),
            backlog: VecDeque::new(),
            watch: false,
        }
    }

    fn serve(&mut self, input: &Receiver<Message>) -> Result<()> {
        loop {
            let msg = match self.backlog.pop_front() {
                Some(msg) => msg,
                None => match input.recv() {
                    Ok(msg) => msg,
                    // The client went away: nothing more to do.
                    Err(_) => return Ok(()),
                },
            };
            match msg {
                Message::Request(req) => {
                    if self.needs_check(&req) {
                        self.check_now();
                    }
                    if self.phase == Phase::Running && req.method == CodeActionRequest::METHOD {
                        // The fixes it offers come from complete findings (hover and the
                        // rest do not read them, and completion must not wait).
                        self.settle_open();
                    }
                    let id = req.id.clone();
                    let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.request(req)
                    }))
                    .unwrap_or_else(|_| {
                        Err((INTERNAL_ERROR, "kblint failed on this request".into()))
                    });
                    let response = match reply {
                        Ok(value) => Response::new_ok(id, value),
                        Err((code, message)) => Response::new_err(id, code, message),
                    };
                    self.send(Message::Response(response));
                }
                Message::Notification(n) if n.method == Exit::METHOD => {
                    return if self.phase == Phase::ShuttingDown {
                        Ok(())
                    } else {
                        Err(anyhow::anyhow!("`exit` came before `shutdown`"))
                    };
                }
                Message::Notification(n) => {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        self.notification(n)
                    }));
                }
                Message::Response(_) => {}
            }
            if (self.reload || !self.dirty.is_empty()) && !self.changes_waiting(input) {
                self.check_now();
            }
            self.settle(input);
        }
    }

    /// Searches every nearest passage left for later in the open documents, and publishes.
    fn settle_open(&mut self) {
        let Some(ws) = &mut self.workspace else {
            return;
        };
        let settled = guarded(ws, |ws| {
            let mut any = false;
            while ws.settle(true, || false) {
                any = true;
            }
            any
        });
        if settled != Some(false) {
            self.publish_all();
        }
    }

    /// Searches the nearest passages that the last check left for later, one at a time (those
    /// of open documents first), publishing as each is found, while no message waits: a newer
    /// change or a request goes first, and a change makes its own check.
    fn settle(&mut self, input: &Receiver<Message>) {
        while self.dirty.is_empty() && !self.reload {
            self.changes_waiting(input);
            if !self.backlog.is_empty() {
                return;
            }
            let Some(ws) = &mut self.workspace else {
                return;
            };
            // A message that arrives stops the search after the passage being searched.
            let backlog = &mut self.backlog;
            let waiting = || {
                receive(input, backlog);
                !backlog.is_empty()
            };
            let settled = guarded(ws, |ws| ws.settle(false, waiting));
            if settled == Some(false) {
                return;
            }
            self.publish_all();
            if settled.is_none() {
                return;
            }
        }
    }

    /// Reads every message already received into the backlog; whether one of them changes a
    /// document (then the check waits for it).
    fn changes_waiting(&mut self, input: &Receiver<Message>) -> bool {
        receive(input, &mut self.backlog);
        self.backlog.iter().any(|m| {
            matches!(m, Message::Notification(n) if n.method.starts_with("textDocument/did")
                || n.method == "workspace/didChangeWatchedFiles")
        })
    }

    /// Whether a request reads the checked KB (so pending changes are checked first).
    fn needs_check(&self, req: &Request) -> bool {
        self.phase == Phase::Running
            && req.method.starts_with("textDocument/")
            && (self.reload || !self.dirty.is_empty())
    }

    fn send(&self, msg: Message) {
        let _ = self.out.send(transport::encode(&msg));
    }

    /// Answers a request, by its type; what the phase does not allow is an error.
    fn request(&mut self, req: Request) -> Result<Value, (i32, String)> {
        let Request { method, params, .. } = req;
        match (self.phase, method.as_str()) {
            (Phase::Uninitialized, Initialize::METHOD) => self.initialize(params),
            (_, Initialize::METHOD) => {
                Err((INVALID_REQUEST, "the server is already initialized".into()))
            }
            (Phase::Uninitialized, _) => {
                Err((SERVER_NOT_INITIALIZED, "send `initialize` first".into()))
            }
            (_, Shutdown::METHOD) => {
                self.phase = Phase::ShuttingDown;
                Ok(Value::Null)
            }
            (Phase::ShuttingDown, _) => {
                Err((INVALID_REQUEST, "the server is shutting down".into()))
            }
            (Phase::Running, GotoDefinition::METHOD) => {
                self.answer::<GotoDefinition>(params, Self::definition)
            }
            (Phase::Running, References::METHOD) => {
                self.answer::<References>(params, Self::references)
            }
            (Phase::Running, HoverRequest::METHOD) => {
                self.answer::<HoverRequest>(params, Self::hover)
            }
            (Phase::Running, Completion::METHOD) => {
                self.answer::<Completion>(params, Self::completion)
            }
            (Phase::Running, CodeActionRequest::METHOD) => {
                self.answer::<CodeActionRequest>(params, Self::code_action)
            }
            (Phase::Running, other) => Err((METHOD_NOT_FOUND, format!("unknown method `{other}`"))),
        }
    }

    /// Request `R`'s parameters read from `params`, answered by `handler`.
    fn answer<R: lsp_types::request::Request>(
        &self,
        params: Value,
        handler: fn(&Self, R::Params) -> R::Result,
    ) -> Result<Value, (i32, String)> {
        to_value(handler(self, parse(params)?))
    }

    fn initialize(&mut self, params: Value) -> Result<Value, (i32, String)> {
        let params: lsp_types::InitializeParams = parse(params)?;
        #[allow(deprecated)] // `root_uri` and `root_path`, for clients that send nothing else
        let start = params
            .workspace_folders
            .as_ref()
            .and_then(|f| f.first())
            .map(|f| f.uri.clone())
            .or(params.root_uri.clone())
            .and_then(|u| convert::uri_to_path(&u))
            .or(params.root_path.clone().map(PathBuf::from));
        self.start = start;
        self.config = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("config"))
            .and_then(Value::as_str)
            .map(|c| match &self.start {
                Some(dir) => dir.join(c),
                None => PathBuf::from(c),
            });
        self.watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.phase = Phase::Running;
        let sync = TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::FULL),
            ..TextDocumentSyncOptions::default()
        };
        let capabilities = ServerCapabilities {
            text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
            definition_provider: Some(OneOf::Left(true)),
            references_provider: Some(OneOf::Left(true)),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            completion_provider: Some(CompletionOptions {
                trigger_characters: Some(vec![":".into(), " ".into(), "#".into()]),
                ..CompletionOptions::default()
            }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![
                    CodeActionKind::QUICKFIX,
                    CodeActionKind::new("source.fixAll.kblint"),
                ]),
                ..CodeActionOptions::default()
            })),
            ..ServerCapabilities::default()
        };
        let result = InitializeResult {
            capabilities,
            server_info: Some(ServerInfo {
                name: "kblint".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        };
        serde_json::to_value(result).map_err(|e| (INTERNAL_ERROR, e.to_string()))
    }

    /// Handles a notification, by its type. Before `initialize` and after `shutdown`, and when
    /// the parameters cannot be read, a notification is dropped (it has no answer to carry an
    /// error).
    fn notification(&mut self, n: Notification) {
        if self.phase != Phase::Running {
            return;
        }
        let Notification { method, params } = n;
        match method.as_str() {
            DidOpenTextDocument::METHOD => {
                self.on::<DidOpenTextDocument>(params, Self::did_open);
            }
            DidChangeTextDocument::METHOD => {
                self.on::<DidChangeTextDocument>(params, Self::did_change);
            }
            DidCloseTextDocument::METHOD => {
                self.on::<DidCloseTextDocument>(params, Self::did_close);
            }
            DidChangeWatchedFiles::METHOD => self.reload = true,
            Initialized::METHOD if self.watch => self.watch_files(),
            _ => {} // `initialized`, `$/cancelRequest`, `didSave`, ...: nothing to do
        }
    }

    /// Notification `N`'s parameters read from `params`, handled by `handler`.
    fn on<N: lsp_types::notification::Notification>(
        &mut self,
        params: Value,
        handler: fn(&mut Self, N::Params),
    ) {
        if let Ok(params) = serde_json::from_value::<N::Params>(params) {
            handler(self, params);
        }
    }

    fn did_open(&mut self, p: lsp_types::DidOpenTextDocumentParams) {
        let doc = p.text_document;
        self.edit(doc.uri, doc.version, Some(doc.text));
    }

    fn did_change(&mut self, p: lsp_types::DidChangeTextDocumentParams) {
        // Full sync: the last change holds the whole text.
        let Some(change) = p.content_changes.into_iter().last() else {
            return;
        };
        let doc = p.text_document;
        if change.range.is_some() {
            return; // not announced: the server asks for whole texts
        }
        self.edit(doc.uri, doc.version, Some(change.text));
    }

    fn did_close(&mut self, p: lsp_types::DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.edit(uri.clone(), 0, None);
        // A closed document shows no findings.
        self.publish(&uri, None, Vec::new());
    }

    /// Asks to be told of files saved or deleted outside the editor: every such change loads
    /// the KB again.
    fn watch_files(&mut self) {
        let registration = serde_json::json!({"registrations": [{
            "id": "kblint-watch",
            "method": DidChangeWatchedFiles::METHOD,
            "registerOptions": {"watchers": [{"globPattern": "**/*"}]},
        }]});
        self.send(Message::Request(Request::new(
            "kblint-watch".to_string().into(),
            RegisterCapability::METHOD.into(),
            registration,
        )));
    }

    /// Records the text of a document (`None`: closed, the file on disk counts again).
    fn edit(&mut self, uri: Uri, version: i32, text: Option<String>) {
        let Some(path) = convert::uri_to_path(&uri) else {
            return;
        };
        if self.workspace.is_none() {
            self.workspace = self.find_workspace(&path);
            self.reload = true;
        }
        let Some(ws) = &mut self.workspace else {
            return;
        };
        let Some(rel) = kb_path(&ws.root, &path) else {
            return; // a file outside the KB
        };
        match text {
            Some(text) => {
                ws.open.insert(
                    rel.clone(),
                    Doc {
                        uri: uri.clone(),
                        version,
                        text,
                    },
                );
                self.touched.insert(uri.as_str().to_string());
            }
            None => {
                ws.open.remove(&rel);
                self.touched.remove(uri.as_str());
            }
        }
        self.dirty.insert(rel);
    }

    /// The KB that holds `path`: the configured one, or the nearest `kblint.toml` above the
    /// workspace folder or the file.
    fn find_workspace(&self, path: &Path) -> Option<Workspace> {
        let from_file = path.parent().map(Path::to_path_buf);
        let starts = [self.start.clone(), from_file];
        for start in starts.iter().flatten() {
            let start = start.canonicalize().unwrap_or_else(|_| start.clone());
            if let Ok((root, config)) = crate::config::locate(self.config.as_deref(), &start) {
                let root = root.canonicalize().unwrap_or(root);
                return Some(Workspace::new(root, config));
            }
        }
        None
    }

    /// Checks the KB with every change received so far, and publishes.
    fn check_now(&mut self) {
        let dirty = std::mem::take(&mut self.dirty);
        let reload = std::mem::take(&mut self.reload);
        let Some(ws) = &mut self.workspace else {
            return;
        };
        guarded(ws, |ws| {
            if reload {
                ws.reload();
            } else {
                ws.update(&dirty);
            }
        });
        self.publish_all();
    }

    /// Publishes the findings of every open document, and the config error if there is one.
    fn publish_all(&mut self) {
        let Some(ws) = &self.workspace else {
            return;
        };
        let mut lists: Vec<(Uri, Option<i32>, Vec<lsp_types::Diagnostic>)> = Vec::new();
        match &ws.state {
            Ok(loaded) => {
                let kb = loaded.kb();
                let uri_of = |f: &File| uri_for(ws, &f.path);
                for (path, doc) in &ws.open {
                    let list = loaded
                        .file_of(path)
                        .map(|id| {
                            loaded
                                .findings(id)
                                .iter()
                                .map(|d| convert::diagnostic(d, &kb.files, &uri_of))
                                .collect()
                        })
                        .unwrap_or_default();
                    lists.push((doc.uri.clone(), Some(doc.version), list));
                }
            }
            Err(message) => {
                // The error is shown on the file and line it names (the config, a schema, the
                // vocabulary, the baseline), or on the config's first line.
                let (path, line) = error_place(message, |p| {
                    ws.open.contains_key(p) || ws.root.join(p).is_file()
                })
                .unwrap_or((ws.config.as_str(), 1));
                for (open, doc) in &ws.open {
                    if open != path {
                        lists.push((doc.uri.clone(), Some(doc.version), Vec::new()));
                    }
                }
                let (uri, version, text) = match ws.open.get(path) {
                    Some(doc) => (doc.uri.clone(), Some(doc.version), Some(doc.text.clone())),
                    None => (
                        uri_for(ws, path),
                        None,
                        std::fs::read_to_string(ws.root.join(path)).ok(),
                    ),
                };
                lists.push((uri, version, vec![config_error(message, line, text)]));
            }
        }
        // A file that showed an error and is neither open nor named now is cleared.
        let listed: BTreeSet<String> = lists.iter().map(|l| l.0.as_str().to_string()).collect();
        let cleared: Vec<Uri> = self
            .published
            .keys()
            .filter(|k| !listed.contains(*k))
            .filter_map(|k| k.parse().ok())
            .collect();
        lists.extend(cleared.into_iter().map(|uri| (uri, None, Vec::new())));
        for (uri, version, list) in lists {
            self.publish(&uri, version, list);
        }
    }

    /// Sends `list` for `uri` unless it is what the editor already shows (a document just
    /// opened or edited always gets its list, with its version).
    fn publish(&mut self, uri: &Uri, version: Option<i32>, list: Vec<lsp_types::Diagnostic>) {
        let key = uri.as_str().to_string();
        let touched = self.touched.remove(&key);
        let same = self.published.get(&key) == Some(&list);
        if same && !touched {
            return;
        }
        if list.is_empty() && !self.published.contains_key(&key) && !touched {
            return;
        }
        if list.is_empty() {
            self.published.remove(&key);
        } else {
            self.published.insert(key, list.clone());
        }
        let params = PublishDiagnosticsParams::new(uri.clone(), list, version);
        self.send(Message::Notification(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        )));
    }

    /// The loaded KB, its index and the file at `uri`, for a request about a position in it.
    fn file_at(
        &self,
        uri: &Uri,
    ) -> Option<(
        &workspace::Loaded,
        &crate::index::Kb,
        crate::diagnostic::FileId,
    )> {
        let ws = self.workspace.as_ref()?;
        let path = convert::uri_to_path(uri)?;
        let rel = kb_path(&ws.root, &path)?;
        let loaded = ws.state.as_ref().ok()?;
        Some((loaded, loaded.kb(), loaded.file_of(&rel)?))
    }

    fn uri_of(&self, file: &File) -> Uri {
        match &self.workspace {
            Some(ws) => uri_for(ws, &file.path),
            None => convert::path_to_uri(Path::new(&file.path)),
        }
    }

    fn location(
        &self,
        kb: &crate::index::Kb,
        file: FileId,
        span: &std::ops::Range<usize>,
    ) -> Location {
        let f = kb.files.get(file);
        Location::new(self.uri_of(f), convert::range(f.text(), span))
    }

    fn definition(&self, p: lsp_types::GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
        let at = p.text_document_position_params;
        let (_, kb, file) = self.file_at(&at.text_document.uri)?;
        let offset = convert::offset(kb.files.get(file).text(), at.position);
        let target = navigate::name_at(kb, file, offset).and_then(|n| n.target)?;
        let (f, span) = navigate::declaration(kb, target);
        Some(GotoDefinitionResponse::Scalar(self.location(kb, f, &span)))
    }

    fn references(&self, p: lsp_types::ReferenceParams) -> Option<Vec<Location>> {
        let at = p.text_document_position;
        let (_, kb, file) = self.file_at(&at.text_document.uri)?;
        let offset = convert::offset(kb.files.get(file).text(), at.position);
        let target = navigate::name_at(kb, file, offset).and_then(|n| n.target)?;
        let found: Vec<Location> = navigate::references(kb, target, p.context.include_declaration)
            .into_iter()
            .map(|(f, span)| self.location(kb, f, &span))
            .collect();
        Some(found)
    }

    fn hover(&self, p: lsp_types::HoverParams) -> Option<Hover> {
        let at = p.text_document_position_params;
        let (_, kb, file) = self.file_at(&at.text_document.uri)?;
        let text = &kb.files.get(file).text();
        let offset = convert::offset(text, at.position);
        let shown = navigate::hover_quote(kb, file, offset).or_else(|| {
            let name = navigate::name_at(kb, file, offset)?;
            let target = name.target?;
            Some((name.text.span(), navigate::hover_name(kb, target)))
        });
        let (span, markdown) = shown?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: markdown,
            }),
            range: Some(convert::range(text, &span)),
        })
    }

    fn completion(&self, p: lsp_types::CompletionParams) -> Option<CompletionResponse> {
        let at = p.text_document_position;
        let (_, kb, file) = self.file_at(&at.text_document.uri)?;
        let text = &kb.files.get(file).text();
        let offset = convert::offset(text, at.position);
        let Some(slot) = navigate::slot(text, offset) else {
            return Some(CompletionResponse::Array(Vec::new()));
        };
        let kind = match slot {
            navigate::Slot::Property => CompletionItemKind::PROPERTY,
            navigate::Slot::Value => CompletionItemKind::ENUM_MEMBER,
            _ => CompletionItemKind::REFERENCE,
        };
        let items: Vec<CompletionItem> = navigate::candidates(kb, &slot, file, offset)
            .into_iter()
            .map(|(label, detail)| CompletionItem {
                label,
                kind: Some(kind),
                detail: (!detail.is_empty()).then_some(detail),
                ..CompletionItem::default()
            })
            .collect();
        Some(CompletionResponse::Array(items))
    }

    fn code_action(&self, p: lsp_types::CodeActionParams) -> Option<CodeActionResponse> {
        let (loaded, kb, file) = self.file_at(&p.text_document.uri)?;
        let f = kb.files.get(file);
        let start = convert::offset(f.text(), p.range.start);
        let end = convert::offset(f.text(), p.range.end);
        let all = loaded.findings(file);
        let here: Vec<_> = all
            .iter()
            .filter(|d| d.primary.span.start <= end && start <= d.primary.span.end)
            .collect();
        let extra = crate::report::missing_digests(kb);
        let uri_of = |f: &File| self.uri_of(f);
        let mut found = actions::actions(kb, file, &here, all, &extra, &uri_of);
        if let Some(only) = &p.context.only {
            found.retain(|a| {
                a.kind.as_ref().is_some_and(|k| {
                    only.iter().any(|o| {
                        k.as_str() == o.as_str()
                            || k.as_str().starts_with(&format!("{}.", o.as_str()))
                    })
                })
            });
        }
        Some(
            found
                .into_iter()
                .map(CodeActionOrCommand::CodeAction)
                .collect(),
        )
    }
}

/// `path` relative to the KB root, with `/` separators; `None` outside it.
/// Moves every message already received to the end of `backlog`.
fn receive(input: &Receiver<Message>, backlog: &mut VecDeque<Message>) {
    while let Ok(msg) = input.try_recv() {
        backlog.push_back(msg);
    }
}

/// Runs `check` on the workspace. If it panics, the workspace is left in an error state that
/// the editor shows, and the result is `None`.
fn guarded<T>(ws: &mut Workspace, check: impl FnOnce(&mut Workspace) -> T) -> Option<T> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&mut *ws)));
    if outcome.is_err() {
        ws.state = Err("kblint failed while checking the KB".into());
    }
    outcome.ok()
}

fn kb_path(root: &Path, path: &Path) -> Option<String> {
    // Only plain names below the root: `..` must not climb out of the KB.
    let inside = |rel: &Path| {
        let plain = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        (plain && rel.components().next().is_some()).then(|| crate::tree::slash_path(rel))
    };
    if let Ok(rel) = path.strip_prefix(root) {
        return inside(rel);
    }
    // The editor's path may go through a symbolic link: compare the real folders.
    let dir = path.parent()?.canonicalize().ok()?;
    let rel = dir.join(path.file_name()?);
    inside(rel.strip_prefix(root).ok()?)
}

/// The URI of KB path `path`: the open document's own URI, or one made from the root.
fn uri_for(ws: &Workspace, path: &str) -> Uri {
    match ws.open.get(path) {
        Some(doc) => doc.uri.clone(),
        None => convert::path_to_uri(&ws.root.join(path)),
    }
}

/// The KB file and the line (from 1) that an error message names at its start, as kblint
/// writes them (`schema/vocabulary.yaml:3:5: …`, `kblint.toml:7: …`, `schema/a.json: …`),
/// when `exists` says there is such a file.
fn error_place(message: &str, exists: impl Fn(&str) -> bool) -> Option<(&str, u32)> {
    let head = &message[..message.find(": ")?];
    let mut path = head;
    let mut numbers = Vec::new();
    while let Some((rest, last)) = path.rsplit_once(':') {
        match last.parse::<u32>() {
            Ok(n) if numbers.len() < 2 => {
                numbers.push(n);
                path = rest;
            }
            _ => break,
        }
    }
    let line = numbers.last().copied().unwrap_or(1).max(1);
    (!path.is_empty() && exists(path)).then_some((path, line))
}

/// A configuration error as a diagnostic over line `line` (from 1) of the file `text`.
fn config_error(message: &str, line: u32, text: Option<String>) -> lsp_types::Diagnostic {
    let text = text.unwrap_or_default();
    let length = text
        .lines()
        .nth(line.saturating_sub(1) as usize)
        .map_or(0, |l| l.encode_utf16().count());
    let line = line.saturating_sub(1);
    lsp_types::Diagnostic {
        range: lsp_types::Range::new(
            lsp_types::Position::new(line, 0),
            lsp_types::Position::new(line, u32::try_from(length).unwrap_or(0)),
        ),
        severity: Some(lsp_types::DiagnosticSeverity::ERROR),
        code: Some(lsp_types::NumberOrString::String("config".into())),
        source: Some("kblint".into()),
        message: message.to_string(),
        ..lsp_types::Diagnostic::default()
    }
}

fn parse<T: serde::de::DeserializeOwned>(params: Value) -> Result<T, (i32, String)> {
    serde_json::from_value(params).map_err(|e| (INVALID_PARAMS, format!("invalid params: {e}")))
}

fn to_value(v: impl serde::Serialize) -> Result<Value, (i32, String)> {
    serde_json::to_value(v).map_err(|e| (INTERNAL_ERROR, e.to_string()))
}
