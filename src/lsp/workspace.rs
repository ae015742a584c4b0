//! The KB as the editor sees it: the files on disk with the open documents' unsaved texts in
//! their place, parsed once and kept in memory. A change re-parses only the file that changed
//! and makes again only the findings it may change ([`Run::update`], [`Run::reshow`]): an
//! edit that keeps the names the entry declares keeps the index, checks again only the
//! citations concerned, and keeps the contradictions unless a claim changed what it asserts.
//! A change to the config, a schema or the vocabulary, or a file that appears or goes, loads
//! everything again.
//!
//! Only the texts that may be needed at once stay in memory: the open documents' and the
//! sources'. The others are read again from disk when a finding or a navigation needs them,
//! and let go of again after each change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, FileId};
use crate::index::Kb;
use crate::parse::Texts;
use crate::run::{Edit, Run, Shown, UseBaseline};
use crate::tree::Tree;

/// A document open in the editor.
pub struct Doc {
    pub uri: lsp_types::Uri,
    pub version: i32,
    pub text: String,
}

/// The KB at a root, with the editor's open documents over it.
pub struct Workspace {
    pub root: PathBuf,
    /// The config's path relative to the root.
    pub config: String,
    /// Open documents by KB path.
    pub open: BTreeMap<String, Doc>,
    /// The last load: `Err` holds a configuration error (shown on the config file).
    pub state: Result<Loaded, String>,
    /// How the edits were checked.
    pub updates: Updates,
}

/// Everything a load gave, kept for the next change and for navigation.
pub struct Loaded {
    /// The run of the pipeline, as `kblint check` makes it: the same stages, the baseline read.
    pub run: Run,
    /// The config, schema, vocabulary and baseline paths: a change to one loads everything
    /// again.
    inputs: BTreeSet<String>,
    /// Every finding that `kblint check` would show, by file.
    pub shown: Shown,
}

/// About how long [`Workspace::settle`] searches nearest passages before the findings are
/// brought up to date and the server looks for new messages.
const SETTLE_SLICE: std::time::Duration = std::time::Duration::from_millis(50);

/// How many edits were checked incrementally, how many needed the whole KB checked again, and
/// how many loaded everything again.
#[derive(Debug, Default)]
pub struct Updates {
    pub incremental: usize,
    pub whole: usize,
    pub reloads: usize,
    /// How many nearest passages were searched after the update that needed them.
    pub settled: usize,
}

impl Loaded {
    /// The indexed KB.
    pub fn kb(&self) -> &Kb {
        &self.run.kb
    }

    /// Lets go again of the released texts that were read again since the last time: a
    /// finding or a navigation needed them once, and they are on disk.
    fn forget(&mut self) {
        self.run.kb.files.forget();
    }

    /// Whether a collection includes `path`.
    pub fn includes(&self, path: &str) -> bool {
        self.run.settings.collection_of(path).is_some()
    }

    pub fn file_of(&self, path: &str) -> Option<FileId> {
        self.run.file_of(path)
    }

    /// The findings on file `file` that `kblint check` would show, in the order of their
    /// places in the file.
    pub fn findings(&self, file: FileId) -> &[Diagnostic] {
        self.shown.kept.get(&file).map_or(&[][..], Vec::as_slice)
    }
}

impl Workspace {
    pub fn new(root: PathBuf, config: String) -> Workspace {
        Workspace {
            root,
            config,
            open: BTreeMap::new(),
            state: Err(String::new()),
            updates: Updates::default(),
        }
    }

    /// The tree the pipeline reads: the work tree with the open documents in their files' place.
    fn tree(&self) -> Tree {
        let texts = self
            .open
            .iter()
            .map(|(path, doc)| (path.clone(), doc.text.clone()))
            .collect();
        Tree::overlay(Tree::work_tree(&self.root), texts)
    }

    /// Brings the KB up to date after the files `changed` (KB paths) changed: re-parses them,
    /// or loads everything when a change needs it, then checks the KB again.
    pub fn update(&mut self, changed: &BTreeSet<String>) {
        let mut ids = Vec::new();
        if let Ok(loaded) = &self.state {
            // The files found changed on disk when their released texts were read again:
            // changed too, whether or not the editor said so.
            let files = &loaded.kb().files;
            let stale: BTreeSet<String> = files
                .changed_on_disk()
                .into_iter()
                .map(|id| files.get(id).path.clone())
                .collect();
            for path in changed.iter().chain(&stale) {
                if loaded.inputs.contains(path) {
                    return self.reload();
                }
                match loaded.file_of(path) {
                    Some(id) if self.still_there(path) => ids.push(id),
                    // A file of the KB that went away, or a new one that a collection includes.
                    Some(_) => return self.reload(),
                    None if loaded.includes(path) => return self.reload(),
                    None => {}
                }
            }
        } else {
            return self.reload();
        }
        if !ids.is_empty() {
            let tree = self.tree();
            if let Ok(loaded) = &mut self.state {
                let edit = loaded.run.update(&tree, &ids);
                match edit {
                    Edit::Whole => self.updates.whole += 1,
                    Edit::Entries { .. } => self.updates.incremental += 1,
                }
                loaded.run.reshow(&mut loaded.shown, &edit);
                loaded.forget();
            }
        }
    }

    /// Searches the nearest passages of the quotes that an update left for later, in the open
    /// documents first (only there, with `open_only`), for about [`SETTLE_SLICE`] or until
    /// `stop` says to, and brings the findings up to date. Whether one was searched.
    pub fn settle(&mut self, open_only: bool, mut stop: impl FnMut() -> bool) -> bool {
        let Ok(loaded) = &mut self.state else {
            return false;
        };
        let open: BTreeSet<FileId> = self
            .open
            .keys()
            .filter_map(|p| loaded.run.file_of(p))
            .collect();
        let started = std::time::Instant::now();
        let mut scope = Vec::new();
        while started.elapsed() < SETTLE_SLICE
            && !stop()
            && let Some(Edit::Entries { scope: more, .. }) =
                loaded.run.settle(|f| open.contains(&f), open_only)
        {
            self.updates.settled += 1;
            scope.extend(more);
        }
        if scope.is_empty() {
            return false;
        }
        scope.sort_unstable();
        scope.dedup();
        let edit = Edit::Entries {
            files: Vec::new(),
            scope,
        };
        loaded.run.reshow(&mut loaded.shown, &edit);
        loaded.forget();
        true
    }

    /// Whether the file at KB path `path` can still be read (it is open, or on disk).
    fn still_there(&self, path: &str) -> bool {
        self.open.contains_key(path) || self.root.join(path).is_file()
    }

    /// Loads and checks the whole KB.
    pub fn reload(&mut self) {
        self.updates.reloads += 1;
        let tree = self.tree();
        let run = Run::load_keeping(
            &self.root,
            &self.config,
            &tree,
            &[],
            UseBaseline::Apply,
            Texts::Needed,
        );
        self.state = run
            .map(|mut run| {
                run.remember();
                let mut loaded = Loaded {
                    inputs: run.inputs(&self.config),
                    shown: run.shown(),
                    run,
                };
                loaded.forget();
                loaded
            })
            .map_err(|e| format!("{e:#}"));
    }
}
