//! kblint: a linter for Git-backed knowledge bases.
//!
//! The pipeline is **discover → parse → index → check → suppress → baseline → report**, one
//! method per stage of a [`run::Run`], which every command drives. The library
//! never prints: it returns a [`Report`] that a renderer in [`render`] turns into text.
//! `ARCHITECTURE.md` describes the layers below; a module uses only the layers under its own.

#![warn(clippy::print_stdout, clippy::print_stderr)]

// Foundation: no knowledge of the KB's meaning.
pub mod diagnostic; // the one finding type, files and positions
pub mod digest; // SHA-256 in hex
pub mod frontmatter; // split, and load as one spanned tree: YAML, TOML, JSON
pub mod quote; // quote normalisation and matching
pub mod rule_id; // every rule as a value: its name and properties
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
pub mod run; // one run of the pipeline: every stage, driven by every command
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
use crate::config::Level;
pub use crate::report::{Report, Summary};
use crate::run::{Run, UseBaseline};
use crate::tree::Tree;

/// Lints the KB whose config is `config` (relative to `root`), reading every file from `tree`
/// (the baseline file too). `overrides` are rule levels given on the command line.
pub fn lint(
    root: &Path,
    config: &str,
    tree: &Tree,
    overrides: &[(String, Level)],
) -> Result<Report> {
    let run = Run::load(root, config, tree, overrides, UseBaseline::Apply)?;
    let findings = run.findings();
    Ok(run.into_report(findings))
}

/// Lints as [`lint`] does, but hides nothing that the baseline holds: what `kblint baseline`
/// writes from.
pub fn lint_without_baseline(root: &Path, config: &str, tree: &Tree) -> Result<Report> {
    let run = Run::load(root, config, tree, &[], UseBaseline::Ignore)?;
    let findings = run.findings();
    Ok(run.into_report(findings))
}

/// `kblint baseline`: writes every current error and warning of the KB to its baseline file;
/// with `prune`, only removes the entries that match no finding. Returns what was done.
pub fn write_baseline(config: Option<&Path>, cwd: &Path, prune: bool) -> Result<String> {
    let (root, config) = config::locate(config, cwd)?;
    let tree = Tree::work_tree(&root);
    let run = Run::load(&root, &config, &tree, &[], UseBaseline::Ignore)?;
    let path = run.settings.baseline.clone();
    // Only pruning reads the old file: writing replaces it, even when it is not a baseline.
    let old = match prune {
        true => Baseline::load(&run.settings, &tree)?,
        false => None,
    };
    let findings = run.findings();
    let report = run.into_report(findings);
    let (entries, said) = if prune {
        let Some(old) = old else {
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
            report
                .file_collections
                .get(id.index())
                .is_some_and(Option::is_some)
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
