//! kblint: a linter for Git-backed knowledge bases.
//!
//! The pipeline is **discover → parse → index → check → report**, in [`lint`]. The library
//! never prints: it returns a [`Report`] that a renderer in [`render`] turns into text.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod citations;
pub mod cli;
pub mod config;
pub mod contradictions;
pub mod diagnostic;
pub mod discover;
pub mod fingerprint;
pub mod fix;
pub mod hook;
pub mod index;
pub mod init;
pub mod model;
pub mod parse;
pub mod quote;
pub mod render;
pub mod rules;
pub mod schema;
pub mod vocabulary;

use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, File, Files, Severity};
use crate::discover::Tree;
use crate::index::Kb;
use crate::rules::Level;

/// Lints the KB whose config is `config` (relative to `root`), reading every file from `tree`.
pub fn lint(
    root: &Path,
    config: &str,
    tree: &Tree,
    overrides: &[(String, Level)],
) -> Result<Report> {
    let settings = load_settings(root, config, tree, overrides)?;
    let listing = tree.list();
    let paths = discover(&settings, &listing)?;
    let kb = parse_and_index(settings, tree, &listing, paths)?;
    let diagnostics = check(&kb);
    Ok(Report::new(kb, diagnostics))
}

/// Where the files are read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// The working tree, minus what git ignores.
    WorkTree,
    /// The git index (`--staged`).
    Staged,
    /// The working tree, reporting only what is new since the merge base of REV and HEAD.
    ChangedSince(String),
}

/// What `kblint check` was asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub config: Option<std::path::PathBuf>,
    /// Where the command runs: the config is searched from here, PATHs are relative to it.
    pub cwd: std::path::PathBuf,
    pub mode: Mode,
    pub paths: Vec<std::path::PathBuf>,
    pub rules: Vec<(String, Level)>,
}

/// Lints the KB as the options say: finds the config, picks the tree, and narrows the report
/// to the PATHs and, with `--changed-since`, to the findings the changes introduced.
pub fn check_kb(options: &CheckOptions) -> Result<Report> {
    let (root, config) = config::locate(options.config.as_deref(), &options.cwd)?;
    let mut report = match &options.mode {
        Mode::WorkTree => lint(&root, &config, &Tree::work_tree(&root), &options.rules)?,
        Mode::Staged => lint(&root, &config, &Tree::index(&root)?, &options.rules)?,
        Mode::ChangedSince(rev) => {
            let base = discover::merge_base(&root, rev)?;
            let now = lint(&root, &config, &Tree::work_tree(&root), &options.rules)?;
            let before_tree = Tree::revision(&root, &base)?;
            // A base without a (valid) config had nothing to report: everything is new.
            match before_tree
                .contains(&config)
                .then(|| lint(&root, &config, &before_tree, &options.rules))
            {
                Some(Ok(before)) => only_new(now, &before, &discover::renames(&root, &base)?),
                _ => now,
            }
        }
    };
    if !options.paths.is_empty() {
        let wanted = options
            .paths
            .iter()
            .map(|p| relative_to(&root, &options.cwd.join(p)))
            .collect::<Result<Vec<_>>>()?;
        let files = &report.files;
        let keep: Vec<bool> = report
            .diagnostics
            .iter()
            .map(|d| {
                let path = &files.get(d.primary.file).path;
                wanted
                    .iter()
                    .any(|w| w.is_empty() || path == w || path.starts_with(&format!("{w}/")))
            })
            .collect();
        let mut keep = keep.into_iter();
        report.retain(|_| keep.next().unwrap_or(true));
    }
    Ok(report)
}

/// The findings of `now` that `before` does not have, matched by fingerprint; a file that git
/// saw renamed (`renames`: old path → new) brings its findings along.
fn only_new(
    mut now: Report,
    before: &Report,
    renames: &std::collections::BTreeMap<String, String>,
) -> Report {
    let mut old: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for fp in fingerprint::fingerprints_renamed(&before.files, &before.diagnostics, renames) {
        *old.entry(fp).or_default() += 1;
    }
    let fresh: Vec<bool> = fingerprint::fingerprints(&now.files, &now.diagnostics)
        .into_iter()
        .map(|fp| match old.get_mut(&fp) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .collect();
    let mut fresh = fresh.into_iter();
    now.retain(|_| fresh.next().unwrap_or(true));
    now
}

/// `path` relative to the KB root, with `/` separators (`""` for the root itself).
fn relative_to(root: &Path, path: &Path) -> Result<String> {
    let path = path
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("`{}`: {e}", path.display()))?;
    let rel = path.strip_prefix(root).map_err(|_| {
        anyhow::anyhow!(
            "`{}` is outside the KB at `{}`",
            path.display(),
            root.display()
        )
    })?;
    Ok(rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/"))
}

/// The outcome of a run: every finding, sorted, and the files they point into.
pub struct Report {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
    pub summary: Summary,
    /// Fixes that belong to no finding: a `sha256` for each source that has none.
    pub extra_fixes: Vec<diagnostic::Fix>,
    /// The KB root on disk.
    pub root: std::path::PathBuf,
    /// Put before every path by the renderers whose readers resolve paths from the top of the
    /// repository (SARIF, GitHub annotations): the KB root's folder inside it, like `docs/`.
    pub repo_prefix: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub entries: usize,
    pub claims: usize,
    pub citations: usize,
    pub errors: usize,
    pub warnings: usize,
}

impl Report {
    fn new(mut kb: Kb, mut diagnostics: Vec<Diagnostic>) -> Report {
        let claims = kb.entries.iter().map(|e| e.claims.len()).sum();
        let citations = kb
            .entries
            .iter()
            .flat_map(|e| &e.claims)
            .map(|c| c.cites.len())
            .sum();
        let summary = Summary {
            files: kb.file_count,
            entries: kb.entries.len(),
            claims,
            citations,
            errors: 0,
            warnings: 0,
        };
        let extra_fixes = fix::missing_digests(&kb);
        let root = kb.settings.root.clone();
        let files = std::mem::take(&mut kb.files);
        // The rest of the KB (entries, indexes, analyses: millions of small allocations in a
        // large KB) is freed off the critical path, while the report is rendered.
        rayon::spawn(move || drop(kb));
        sort(&files, &mut diagnostics);
        let mut report = Report {
            files,
            diagnostics,
            summary,
            extra_fixes,
            root,
            repo_prefix: String::new(),
        };
        report.recount();
        report
    }

    /// Keeps only the findings that `keep` accepts, and recounts.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.diagnostics.retain(keep);
        self.recount();
    }

    fn recount(&mut self) {
        self.summary.errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        self.summary.warnings = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// Config stage: `kblint.toml`, read from the tree being linted.
fn load_settings(
    root: &Path,
    config: &str,
    tree: &Tree,
    overrides: &[(String, Level)],
) -> Result<Settings> {
    let text = tree.read_text(config)?;
    let mut settings = Settings::parse(root, config, text)?;
    for (name, level) in overrides {
        let rule = rules::find(name)
            .ok_or_else(|| anyhow::anyhow!("unknown rule `{name}` (see `kblint rules`)"))?;
        settings.set_level(rule, *level);
    }
    Ok(settings)
}

/// A file of the KB and the collection that holds it.
struct Found {
    path: String,
    collection: usize,
    default_id: String,
}

/// Discover stage: every file of the tree that a collection includes. A file included by two
/// collections is a configuration error.
fn discover(settings: &Settings, listing: &[String]) -> Result<Vec<Found>> {
    let mut found = Vec::new();
    for path in listing {
        let mut owners = settings
            .collections
            .iter()
            .enumerate()
            .filter_map(|(n, c)| c.default_id(path).map(|id| (n, id)));
        let Some((collection, default_id)) = owners.next() else {
            continue;
        };
        if let Some((other, _)) = owners.next() {
            let (a, b) = (
                &settings.collections[collection],
                &settings.collections[other],
            );
            anyhow::bail!(
                "{}:{}: `{path}` is included by both collection `{}` and collection `{}`",
                settings.config_path,
                settings.line_of(b.include_span.start),
                a.name,
                b.name
            );
        }
        found.push(Found {
            path: path.clone(),
            collection,
            default_id,
        });
    }
    Ok(found)
}

/// Parse and index stages: read every file (in parallel), split, parse, validate, and index.
/// `listing` is every file of the tree.
fn parse_and_index(
    settings: Settings,
    tree: &Tree,
    listing: &[String],
    found: Vec<Found>,
) -> Result<Kb> {
    let schemas = schema::Schemas::load_listed(&settings, tree, listing)?;
    let vocabulary = match &settings.vocabulary {
        None => None,
        Some(path) => {
            if !tree.contains(path.get_ref()) {
                let line = settings.line_of(path.span().start);
                anyhow::bail!(
                    "{}:{line}: vocabulary file `{}` does not exist",
                    settings.config_path,
                    path.get_ref()
                );
            }
            let file = File::new(path.get_ref().clone(), tree.read_text(path.get_ref())?);
            Some(vocabulary::Vocabulary::parse(&file)?)
        }
    };
    // A file of the working tree is read where it is parsed, while its bytes are in the cache
    // (and never all at once before parsing); git objects come in one batch from one process.
    let contents: Vec<Option<Result<Vec<u8>, String>>> = match tree {
        Tree::WorkTree(_) => found.iter().map(|_| None).collect(),
        _ => {
            let paths: Vec<String> = found.iter().map(|f| f.path.clone()).collect();
            tree.read(&paths)?.into_iter().map(Some).collect()
        }
    };
    let parsed: Vec<(File, parse::Parsed)> = found
        .into_par_iter()
        .zip(contents)
        .enumerate()
        .map(|(id, (f, bytes))| {
            let bytes = bytes.unwrap_or_else(|| {
                let read = tree.read(std::slice::from_ref(&f.path));
                read.ok()
                    .and_then(|mut one| one.pop())
                    .unwrap_or_else(|| Err("nothing read".into()))
            });
            let (text, readable) = decode(bytes);
            let file = File::new(f.path, text);
            let collection = &settings.collections[f.collection];
            let cx = parse::Context {
                file: id,
                collection: f.collection,
                is_source: collection.sources,
                default_id: f.default_id,
                schema: schemas.get(f.collection),
            };
            let parsed = parse::parse(cx, &file, readable);
            (file, parsed)
        })
        .collect();
    let file_count = parsed.len();
    let mut files = Files::with_capacity(file_count);
    let mut entries = Vec::with_capacity(parsed.iter().filter(|(_, p)| p.entry.is_some()).count());
    let mut findings = Vec::new();
    for (file, p) in parsed {
        files.add(file);
        entries.extend(p.entry);
        findings.extend(p.findings);
    }
    Ok(Kb::new(
        settings, files, entries, findings, vocabulary, file_count,
    ))
}

/// A file's bytes as text; a file that is not UTF-8 text keeps a lossy copy for display.
fn decode(bytes: Result<Vec<u8>, String>) -> (String, Result<(), (String, usize)>) {
    match bytes {
        Err(e) => (
            String::new(),
            Err((format!("cannot read the file: {e}"), 0)),
        ),
        Ok(bytes) if bytes.contains(&0) => (
            String::new(),
            Err(("the file is binary, not Markdown text".into(), 0)),
        ),
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => (text, Ok(())),
            Err(e) => {
                // The lossy copy keeps every byte before the first invalid one, so the offset holds.
                let at = e.utf8_error().valid_up_to();
                (
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    Err(("the file is not valid UTF-8".into(), at)),
                )
            }
        },
    }
}

/// Check stage: every rule that is not off, with its configured severity.
fn check(kb: &Kb) -> Vec<Diagnostic> {
    let enabled: Vec<(&'static rules::Rule, Severity)> = rules::RULES
        .iter()
        .filter_map(|r| kb.settings.level(r).severity().map(|s| (*r, s)))
        .collect();
    kb.prepare(&enabled.iter().map(|(r, _)| r.name).collect::<Vec<_>>());
    enabled
        .par_iter()
        .flat_map_iter(|(rule, severity)| {
            let mut out = Vec::new();
            (rule.check)(kb, &mut out);
            out.into_iter().map(move |mut d| {
                d.severity = *severity;
                d
            })
        })
        .collect()
}

/// Sorts by path, line, column, rule, then message: the same KB always gives the same output.
fn sort(files: &Files, diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_cached_key(|d| {
        let f = files.get(d.primary.file);
        let p = f.position(d.primary.span.start);
        (
            f.path.clone(),
            p.line,
            p.column,
            d.rule.name,
            d.message.clone(),
            d.primary.span.end,
        )
    });
}
