//! The parse stage over the whole KB: every file read and parsed in parallel, in path order.

use std::sync::Arc;

use anyhow::Result;
use rayon::prelude::*;

use super::{Context, Parsed};
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, File, FileId, Files, OnDisk};
use crate::discover::Found;
use crate::model::Entry;
use crate::schema::Schemas;
use crate::tree::Tree;

/// Every file of the KB, the entries they hold, and the findings only a file itself can show
/// (`frontmatter`, `schema`).
pub struct ParsedKb {
    pub files: Files,
    pub entries: Vec<Entry>,
    pub findings: Vec<Diagnostic>,
}

/// Which texts the parse stage keeps in memory once a file is parsed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Texts {
    /// Every file's: the commands, which show the lines their findings point at.
    All,
    /// The sources' (the citations are searched in them) and those that do not stand on disk
    /// as they are read (an editor's unsaved documents). The others are released
    /// ([`File::release`]) and read again from disk when needed: the language server, which
    /// keeps the KB in memory for as long as the editor is open.
    Needed,
}

/// Reads and parses every file that discovery found.
pub fn read_all(
    settings: &Settings,
    schemas: &Schemas,
    tree: &Tree,
    found: Vec<Found>,
    texts: Texts,
) -> Result<ParsedKb> {
    // A file of the working tree is read where it is parsed, while its bytes are in the cache
    // (and never all at once before parsing); git objects come in one batch from one process.
    let contents: Vec<Option<Result<Vec<u8>, String>>> = match tree {
        Tree::WorkTree(_) => found.iter().map(|_| None).collect(),
        _ => {
            let paths: Vec<String> = found.iter().map(|f| f.path.clone()).collect();
            tree.read(&paths)?.into_iter().map(Some).collect()
        }
    };
    let disk = released_under(tree, texts);
    let parsed: Vec<(File, Parsed)> = found
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
            let release = disk.as_ref().filter(|_| tree.on_disk(&f.path));
            read_one(settings, schemas, FileId::new(id), f, bytes, release)
        })
        .collect();
    let mut files = Files::with_capacity(parsed.len());
    files.set_disk(disk);
    let mut entries = Vec::with_capacity(parsed.iter().filter(|(_, p)| p.entry.is_some()).count());
    let mut findings = Vec::new();
    for (file, p) in parsed {
        files.add(file);
        entries.extend(p.entry);
        findings.extend(p.findings);
    }
    Ok(ParsedKb {
        files,
        entries,
        findings,
    })
}

/// Where the texts that `texts` lets go of are read again: the working tree that `tree`
/// reads, if it reads one.
fn released_under(tree: &Tree, texts: Texts) -> Option<Arc<OnDisk>> {
    match texts {
        Texts::All => None,
        Texts::Needed => tree.work_root().map(OnDisk::new),
    }
}

/// Parses one file of the KB, `id` in its table, from its bytes (or why they could not be read).
/// The language server re-parses only the file that changed with it. With `release` (where
/// the bytes were read from on disk), the text of a file that is not a source is released once
/// parsed.
pub fn read_one(
    settings: &Settings,
    schemas: &Schemas,
    id: FileId,
    f: Found,
    bytes: Result<Vec<u8>, String>,
    release: Option<&Arc<OnDisk>>,
) -> (File, Parsed) {
    let (text, readable) = decode(bytes);
    let is_text = readable.is_ok();
    let mut file = File::new(f.path, text);
    let collection = &settings.collections[f.collection];
    let cx = Context {
        file: id,
        collection: f.collection,
        is_source: collection.sources,
        default_id: f.default_id,
        schema: schemas.get(f.collection),
        keys: &collection.keys,
        schema_doc: schemas.document(f.collection),
    };
    let mut parsed = super::parse(cx, &file, readable);
    file.set_suppressions(std::mem::take(&mut parsed.suppressions));
    if let Some(root) = release
        && is_text
        && !collection.sources
    {
        file.release(root, id);
    }
    (file, parsed)
}

/// A file's bytes as text; a file that is not UTF-8 text keeps a lossy copy for display.
fn decode(bytes: Result<Vec<u8>, String>) -> (String, Result<(), (String, usize)>) {
    match bytes {
        Err(e) => (
            String::new(),
            Err((format!("cannot read the file: {e}"), 0)),
        ),
        // Places in a file are kept in 32 bits.
        Ok(bytes) if u32::try_from(bytes.len()).is_err() => (
            String::new(),
            Err((
                "the file is 4 GiB or larger, more than kblint reads".into(),
                0,
            )),
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
