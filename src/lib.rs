//! kblint: a linter for Git-backed knowledge bases.
//!
//! The pipeline is **discover → parse → index → check → report**, in [`lint`]. The library
//! never prints: it returns a [`Report`] that a renderer in [`render`] turns into text.
//! `ARCHITECTURE.md` describes the layers below; a module uses only the layers under its own.

#![warn(clippy::print_stdout, clippy::print_stderr)]

// Foundation: no knowledge of the KB's meaning.
pub mod diagnostic; // the one finding type, files and positions
pub mod digest; // SHA-256 in hex
pub mod frontmatter; // split, and load as one spanned tree: YAML, TOML, JSON
pub mod quote; // quote normalisation and matching
pub mod suggest; // "did you mean": the nearest of some names
pub mod time; // dates and RFC 3339 date-times as comparable instants
pub mod tree; // where files are read from: work tree, git index, revision

// Configuration and data.
pub mod config; // kblint.toml → settings; rule levels
pub mod fingerprint; // a finding's line-independent identity
pub mod keys; // the frontmatter keys with built-in meaning, per collection
pub mod model; // the built-in meaning of frontmatter: entries, claims, citations
pub mod schema; // the collections' JSON Schemas, compiled
pub mod vocabulary; // the claim properties

// Stages: discover, parse, index.
pub mod discover; // which files make up the KB
pub mod index; // the read-only KB: entries, sources, claims by name
pub mod parse; // one file → its entry and its own findings

// Analyses shared by rules, and the rules.
pub mod analysis; // citations and contradictions, computed once, behind a context
pub mod rules; // one file per rule, one registry

// Stages: check, suppress, report, baseline.
pub mod baseline; // `kblint-baseline.json`: the findings parked when the KB adopted kblint
pub mod changed; // `--changed-since`: only the findings that changes introduced
pub mod check; // every enabled rule, with its severity
pub mod report; // the sorted findings and the summary
pub mod suppress; // `# kblint-allow RULE -- REASON` comments

// Outputs and commands.
pub mod claims; // `kblint claims suggest`: structure for free-text claims
pub mod fix; // `--fix`: the findings' edits, applied
pub mod hook; // `kblint hook install`
pub mod init; // `kblint init`
pub mod lsp; // `kblint lsp`: the language server
pub mod render; // human, short, json, sarif, github
pub mod source; // `kblint source add` and `source check --online`: snapshots from the web

// Command line.
pub mod cli; // clap definitions

use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::baseline::Baseline;
use crate::config::{Level, Settings};
use crate::index::Kb;
pub use crate::report::{Report, Summary};
use crate::schema::Schemas;
use crate::tree::Tree;
use crate::vocabulary::Vocabulary;

/// Lints the KB whose config is `config` (relative to `root`), reading every file from `tree`
/// (the baseline file too). `overrides` are rule levels given on the command line.
pub fn lint(
    root: &Path,
    config: &str,
    tree: &Tree,
    overrides: &[(String, Level)],
) -> Result<Report> {
    run(root, config, tree, overrides, true)
}

/// Lints as [`lint`] does, but hides nothing that the baseline holds: what `kblint baseline`
/// writes from.
pub fn lint_without_baseline(root: &Path, config: &str, tree: &Tree) -> Result<Report> {
    run(root, config, tree, &[], false)
}

fn run(
    root: &Path,
    config: &str,
    tree: &Tree,
    overrides: &[(String, Level)],
    with_baseline: bool,
) -> Result<Report> {
    let settings = settings(root, config, tree, overrides)?;
    let (listing, mut unlisted, links) = tree.list_with_links();
    let found = discover::discover(&settings, &listing)?;
    let empty = discover::empty_collections(&settings, &listing, &found);
    unlisted.extend(discover::links(&settings, &links));
    let collections: Vec<Option<usize>> = found.iter().map(|f| Some(f.collection)).collect();
    let schemas = Schemas::load(&settings, tree, &listing)?;
    let vocabulary = Vocabulary::load(&settings, tree)?;
    let baseline = match with_baseline {
        true => Baseline::load(&settings, tree)?,
        false => None,
    };
    let parsed = parse::read_all(&settings, &schemas, tree, found)?;
    let kb = Kb::new(parsed.files, parsed.entries, parsed.findings, vocabulary);
    let diagnostics = check::check(&kb, &settings, &collections);
    let suppress::Outcome {
        mut kept,
        suppressed,
        findings,
    } = suppress::suppress(&kb.files, diagnostics);
    kept.extend(
        findings
            .into_iter()
            .filter_map(|d| check::with_severity(d, &settings, &collections)),
    );
    let mut report = Report::new(kb, settings.root.clone(), kept, suppressed);
    if let Some(baseline) = baseline {
        let stale = settings.level_in(baseline::STALE, Level::Warn, None);
        baseline::apply(&mut report, baseline, stale.severity());
    }
    report.collections = settings
        .collections
        .iter()
        .map(|c| c.name.clone())
        .collect();
    report.file_collections = collections;
    report.notices.extend(empty);
    report.notices.extend(unlisted);
    Ok(report)
}

/// `kblint baseline`: writes every current error and warning of the KB to its baseline file;
/// with `prune`, only removes the entries that match no finding. Returns what was done.
pub fn write_baseline(config: Option<&Path>, cwd: &Path, prune: bool) -> Result<String> {
    let (root, config) = config::locate(config, cwd)?;
    let tree = Tree::work_tree(&root);
    let settings = settings(&root, &config, &tree, &[])?;
    let report = lint_without_baseline(&root, &config, &tree)?;
    let path = settings.baseline.clone();
    let (entries, said) = if prune {
        let Some(old) = Baseline::load(&settings, &tree)? else {
            anyhow::bail!(
                "there is no baseline to prune: `{path}` does not exist (`kblint baseline` writes it)"
            );
        };
        let kept = baseline::pruned(&report, &old);
        let removed = old.entries.len() - kept.len();
        let said = format!(
            "pruned {path}: removed {removed} entr{} that matched no finding, kept {}\n",
            if removed == 1 { "y" } else { "ies" },
            kept.len()
        );
        (kept, said)
    } else {
        let entries = baseline::entries_of(&report);
        let said = format!(
            "wrote {path}: {} finding{} ({} error{}, {} warning{}); `kblint check` now reports only new ones\n",
            entries.len(),
            plural(entries.len()),
            report.summary.errors,
            plural(report.summary.errors),
            report.summary.warnings,
            plural(report.summary.warnings),
        );
        (entries, said)
    };
    // Never through a link: a committed `kblint-baseline.json` (or a folder on its way) that
    // is a symbolic link would have the file it names overwritten, inside the KB or not.
    let mut at = root.clone();
    for part in Path::new(&path).components() {
        at.push(part);
        if at
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            anyhow::bail!(
                "nothing written: `{}` is a symbolic link, and kblint does not write through links; remove it first",
                at.strip_prefix(&root).unwrap_or(&at).display()
            );
        }
    }
    let full = root.join(&path);
    if let Some(parent) = full.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(&full, baseline::to_text(entries))
        .map_err(|e| anyhow::anyhow!("cannot write `{}`: {e}", full.display()))?;
    Ok(said)
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Lints like [`lint`], but keeps the index for the views that show more than the findings
/// (`kblint report --html`, `kblint disputes --format dot`). The findings come sorted as in a
/// [`Report`].
pub fn lint_keeping_kb(
    root: &Path,
    config: &str,
    tree: &Tree,
    overrides: &[(String, Level)],
) -> Result<(Kb, Vec<diagnostic::Diagnostic>)> {
    let settings = settings(root, config, tree, overrides)?;
    let listing = tree.list();
    let found = discover::discover(&settings, &listing)?;
    let collections: Vec<Option<usize>> = found.iter().map(|f| Some(f.collection)).collect();
    let schemas = Schemas::load(&settings, tree, &listing)?;
    let vocabulary = Vocabulary::load(&settings, tree)?;
    let parsed = parse::read_all(&settings, &schemas, tree, found)?;
    let kb = Kb::new(parsed.files, parsed.entries, parsed.findings, vocabulary);
    let diagnostics = check::check(&kb, &settings, &collections);
    // What suppression comments cover is left out here too (the baseline is not read).
    let outcome = suppress::suppress(&kb.files, diagnostics);
    let mut diagnostics = outcome.kept;
    diagnostics.extend(
        outcome
            .findings
            .into_iter()
            .filter_map(|d| check::with_severity(d, &settings, &collections)),
    );
    report::sort(&kb.files, &mut diagnostics);
    Ok((kb, diagnostics))
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
    pub config: Option<PathBuf>,
    /// Where the command runs: the config is searched from here, PATHs are relative to it.
    pub cwd: PathBuf,
    pub mode: Mode,
    pub paths: Vec<PathBuf>,
    pub rules: Vec<(String, Level)>,
}

/// Lints the KB as the options say: finds the config, picks the tree, and narrows the report
/// to the PATHs and, with `--changed-since`, to the findings the changes introduced.
pub fn check_kb(options: &CheckOptions) -> Result<Report> {
    let (root, config) = config::locate(options.config.as_deref(), &options.cwd)?;
    let rules = &options.rules;
    let mut report = match &options.mode {
        Mode::WorkTree => lint(&root, &config, &Tree::work_tree(&root), rules)?,
        Mode::Staged => lint(&root, &config, &Tree::index(&root)?, rules)?,
        Mode::ChangedSince(rev) => {
            let base = tree::merge_base(&root, rev)?;
            let now = lint(&root, &config, &Tree::work_tree(&root), rules)?;
            let before_tree = Tree::revision(&root, &base)?;
            // A base without a (valid) config had nothing to report: everything is new.
            match before_tree
                .contains(&config)
                .then(|| lint(&root, &config, &before_tree, rules))
            {
                Some(Ok(before)) => changed::only_new(now, &before, &tree::renames(&root, &base)?),
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
        let outside = outside_the_kb(&report, &root, &wanted);
        report.notices.extend(outside);
        report.narrow(&wanted);
    }
    Ok(report)
}

/// A notice for each PATH that holds no file of the KB, saying why: git ignores it, or no
/// collection includes it. (Otherwise `kblint check stray.md` would say "0 errors", which
/// reads as "clean".)
fn outside_the_kb(report: &Report, root: &Path, wanted: &[String]) -> Vec<String> {
    let mut notices = Vec::new();
    for w in wanted {
        let inside = report.files.iter().any(|(id, f)| {
            report.file_collections.get(id).is_some_and(Option::is_some)
                && (w.is_empty() || f.path == *w || f.path.starts_with(&format!("{w}/")))
        });
        if inside {
            continue;
        }
        let ignored = tree::git(root, &["check-ignore", "--quiet", "--", w]).is_ok();
        let why = if ignored {
            "git ignores it, and kblint reads no file that git ignores"
        } else if root.join(w).is_dir() {
            "no collection of the config includes a file in it"
        } else {
            "no collection of the config includes it"
        };
        let shown = if w.is_empty() { "." } else { w.as_str() };
        notices.push(format!("`{shown}` is not part of the KB: {why}"));
    }
    notices
}

/// Config stage: `kblint.toml`, read from the tree being linted, with the command line's levels.
fn settings(
    root: &Path,
    config: &str,
    tree: &Tree,
    overrides: &[(String, Level)],
) -> Result<Settings> {
    let names = rules::names();
    let mut settings = Settings::load(root, config, tree, &names)?;
    for (name, level) in overrides {
        if !names.contains(&name.as_str()) {
            anyhow::bail!("unknown rule `{name}` (see `kblint rules`)");
        }
        settings.set_level(name, *level);
    }
    Ok(settings)
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
    Ok(tree::slash_path(rel))
}
