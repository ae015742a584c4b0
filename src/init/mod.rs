//! `kblint init`: a starter KB that lints clean at once. It never overwrites a file unless
//! asked to.
//!
//! Besides the starter files, it looks for Markdown notes with frontmatter already in the
//! folder. Those it adopts: one collection per top-level folder (and one for the notes at the
//! top of the folder), with include globs that match them and exclude globs for the Markdown
//! files beside them that have no usable frontmatter, and a JSON Schema derived from the keys
//! and types the notes hold, strict enough to refuse a misspelt key (`derive.rs`). The collections are written as
//! live collections, not as comments: pointing kblint at one's own notes is the point of the
//! first run. What the notes still break (a `related` that names nothing, two notes with one
//! id) the closing lint run reports. Over existing notes it writes no example entry, source or
//! vocabulary (nothing to delete afterwards), and names the keys that look like misspellings
//! of more common ones (`alternative_urls` in 2 notes beside `alternate_urls` in 206).

mod adopt;
mod derive;

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::tree::Tree;
use adopt::{Adopted, Notes};

/// Writes the starter files into `dir`, and collections for the notes it finds there; returns
/// what was done, for the user. Fails, writing nothing, when a file would be overwritten and
/// `force` is not set.
pub fn run(dir: &Path, force: bool) -> Result<String> {
    let notes = Notes::scan(dir);
    let adopted = notes.collections();
    let files = starter_files(&adopted);
    let existing: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        // A link counts as there even when it points nowhere: writing through a dangling one
        // would create a file wherever it points.
        .filter(|p| dir.join(p).symlink_metadata().is_ok())
        .collect();
    if !existing.is_empty() && !force {
        let list: String = files
            .iter()
            .map(|(p, _)| {
                format!(
                    "\n  {p}{}",
                    if existing.contains(&p.as_str()) {
                        " (exists)"
                    } else {
                        ""
                    }
                )
            })
            .collect();
        bail!(
            "nothing written: {} of the files `kblint init` writes already exist{}\nrun `kblint init --force` to overwrite them",
            existing.len(),
            list
        );
    }
    let mut said = String::new();
    for (path, text) in &files {
        let full = dir.join(path);
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create `{}`", parent.display()))?;
        }
        // With `--force`, a link is replaced by the file, never written through.
        if full
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            std::fs::remove_file(&full)
                .with_context(|| format!("cannot replace the link `{}`", full.display()))?;
        }
        std::fs::write(&full, text)
            .with_context(|| format!("cannot write `{}`", full.display()))?;
        let verb = if existing.contains(&path.as_str()) {
            "overwrote"
        } else {
            "wrote"
        };
        said.push_str(&format!("{verb} {path}\n"));
    }
    said.push_str(&notes.describe(&adopted));
    said.push_str(&first_lint(dir, !adopted.is_empty()));
    Ok(said)
}
/// The starter `kblint.toml`, before the adopted collections.
const CONFIG: &str = include_str!("templates/kblint.toml");
/// The `[rules]` table that ends the starter `kblint.toml`.
const RULES: &str = include_str!("templates/rules.toml");
/// The JSON Schema of the starter entries.
const ENTRY_SCHEMA: &str = include_str!("templates/entry.schema.json");
/// The JSON Schema of the starter sources.
const SOURCE_SCHEMA: &str = include_str!("templates/source.schema.json");
/// The starter vocabulary of claim properties.
const VOCABULARY: &str = include_str!("templates/vocabulary.yaml");
/// The body of the example source, below its frontmatter (which holds its digest).
const SOURCE_BODY: &str = include_str!("templates/example-handbook.md");
/// The example entry.
const ENTRY: &str = include_str!("templates/editor.md");

/// The folders of the starter collections: notes found there are theirs, not adopted.
pub(super) const STARTER_FOLDERS: [&str; 2] = ["kb/entries/", "kb/sources/"];
/// Markdown files that `init` writes itself.
pub(super) const STARTER_NOTES: [&str; 2] =
    ["kb/entries/editor.md", "kb/sources/example-handbook.md"];
/// Names the starter config and schemas already use.
pub(super) const TAKEN_NAMES: [&str; 4] = ["entries", "sources", "entry", "source"];

/// What a config over existing notes says about the collections it does not write.
const ADOPTED_HINTS: &str = "
# A collection of sources (snapshots of cited documents, `sources = true`) and a vocabulary of
# claim properties (the `vocabulary` key) can come later: see docs/config.md.
# With findings to fix over time, `kblint baseline` parks them and `check` reports only new ones.
";

/// Every file `init` writes, in order, with its text. Over existing notes, only the config
/// and the notes' schemas: no example entry, source or vocabulary to delete afterwards.
fn starter_files(adopted: &[Adopted]) -> Vec<(String, String)> {
    let mut config = if adopted.is_empty() {
        CONFIG.to_string()
    } else {
        let header_end = CONFIG.find("vocabulary =").unwrap_or(CONFIG.len());
        let mut config = CONFIG[..header_end].to_string() + ADOPTED_HINTS;
        for a in adopted {
            config.push_str(&a.config());
        }
        config
    };
    config.push_str(RULES);
    let mut files = vec![
        ("kblint.toml".to_string(), config),
        (
            "kblint.schema.json".to_string(),
            crate::config::json_schema(),
        ),
    ];
    if !adopted.is_empty() {
        files.extend(adopted.iter().map(|a| (a.schema_path(), a.schema.clone())));
        return files;
    }
    let digest = crate::digest::sha256_hex(SOURCE_BODY.as_bytes());
    let source = format!(
        "---\nid: example-handbook\ntitle: Example Handbook\nretrieved: 2026-01-01\nsha256: {digest}\n---\n{SOURCE_BODY}"
    );
    files.extend([
        (
            "schema/entry.schema.json".to_string(),
            ENTRY_SCHEMA.to_string(),
        ),
        (
            "schema/source.schema.json".to_string(),
            SOURCE_SCHEMA.to_string(),
        ),
        ("schema/vocabulary.yaml".to_string(), VOCABULARY.to_string()),
        ("kb/sources/example-handbook.md".to_string(), source),
        ("kb/entries/editor.md".to_string(), ENTRY.to_string()),
    ]);
    files
}

/// Lints what was just written, so that the user learns at once whether it is clean.
fn first_lint(dir: &Path, adopted: bool) -> String {
    match crate::lint(dir, crate::config::FILE_NAME, &Tree::work_tree(dir), &[]) {
        Err(e) => format!("kblint check cannot run yet: {e:#}\n"),
        Ok(report) if report.diagnostics.is_empty() && adopted => {
            "kblint check: no findings\nnext: tighten the derived schemas, then run `kblint check`\n".into()
        }
        Ok(report) if report.diagnostics.is_empty() => {
            "kblint check: no findings\nnext: edit the example entry and source, or write your own, then run `kblint check`\n".into()
        }
        Ok(report) => {
            let s = &report.summary;
            format!(
                "kblint check: {} error{}, {} warning{} in the files that were already here\nnext: run `kblint check` to see them (`kblint explain RULE` says how to fix each), or `kblint baseline` to park them and fix them over time\n",
                s.errors,
                plural(s.errors),
                s.warnings,
                plural(s.warnings),
            )
        }
    }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}
