//! The KB as the editor sees it: the files on disk with the open documents' unsaved texts in
//! their place, parsed once and kept in memory. A change re-parses only the file that changed;
//! the index and the checks (citations, contradictions: they cross files) run again on the whole
//! KB. A change to the config, a schema or the vocabulary, or a file that appears or goes,
//! loads everything again.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::Result;

use crate::config::Settings;
use crate::diagnostic::{Diagnostic, FileId, Files};
use crate::discover::{self, Found};
use crate::index::Kb;
use crate::model::Entry;
use crate::parse;
use crate::schema::Schemas;
use crate::tree::Tree;
use crate::vocabulary::Vocabulary;
use crate::{check, rules};

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
}

/// Everything a load gave, kept for the next change and for navigation.
pub struct Loaded {
    pub settings: Settings,
    schemas: Schemas,
    /// The files of the KB, in [`FileId`] order: path, collection, default id.
    found: Vec<(String, usize, String)>,
    by_path: BTreeMap<String, FileId>,
    /// The config, schema and vocabulary paths: a change to one loads everything again.
    inputs: BTreeSet<String>,
    /// The `frontmatter` and `schema` findings of each file.
    parse_findings: Vec<Vec<Diagnostic>>,
    /// `None` only while it is being rebuilt.
    kb: Option<Kb>,
    /// Every finding of the last check, by file.
    pub diagnostics: BTreeMap<FileId, Vec<Diagnostic>>,
}

impl Loaded {
    /// The indexed KB (`None` only if a check was cut short).
    pub fn kb(&self) -> Option<&Kb> {
        self.kb.as_ref()
    }

    /// Whether a collection includes `path`.
    pub fn includes(&self, path: &str) -> bool {
        self.settings
            .collections
            .iter()
            .any(|c| c.default_id(path).is_some())
    }

    pub fn file_of(&self, path: &str) -> Option<FileId> {
        self.by_path.get(path).copied()
    }
}

impl Workspace {
    pub fn new(root: PathBuf, config: String) -> Workspace {
        Workspace {
            root,
            config,
            open: BTreeMap::new(),
            state: Err(String::new()),
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
            for path in changed {
                if loaded.inputs.contains(path) {
                    return self.reload();
                }
                match loaded.file_of(path) {
                    Some(id) if self.still_there(id) => ids.push(id),
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
            self.reparse(&ids);
        }
    }

    /// Whether file `id` can still be read (it is open, or on disk).
    fn still_there(&self, id: FileId) -> bool {
        let Ok(loaded) = &self.state else {
            return false;
        };
        let path = &loaded.found[id].0;
        self.open.contains_key(path) || self.root.join(path).is_file()
    }

    /// Loads and checks the whole KB.
    pub fn reload(&mut self) {
        self.state = self.load().map_err(|e| format!("{e:#}"));
    }

    fn load(&self) -> Result<Loaded> {
        let tree = self.tree();
        let settings = Settings::load(&self.root, &self.config, &tree, &rules::names())?;
        let listing = tree.list();
        let found = discover::discover(&settings, &listing)?;
        let schemas = Schemas::load(&settings, &tree, &listing)?;
        let vocabulary = Vocabulary::load(&settings, &tree)?;
        let mut inputs = BTreeSet::from([self.config.clone()]);
        inputs.extend(settings.vocabulary.as_ref().map(|v| v.get_ref().clone()));
        inputs.extend(
            settings
                .collections
                .iter()
                .filter_map(|c| c.schema.as_ref().map(|s| s.get_ref().clone())),
        );
        let kept: Vec<(String, usize, String)> = found
            .iter()
            .map(|f| (f.path.clone(), f.collection, f.default_id.clone()))
            .collect();
        let parsed = parse::read_all(&settings, &schemas, &tree, found)?;
        let mut parse_findings = vec![Vec::new(); kept.len()];
        for d in parsed.findings {
            if let Some(slot) = parse_findings.get_mut(d.primary.file) {
                slot.push(d);
            }
        }
        let by_path = kept
            .iter()
            .enumerate()
            .map(|(id, f)| (f.0.clone(), id))
            .collect();
        let mut loaded = Loaded {
            settings,
            schemas,
            found: kept,
            by_path,
            inputs,
            parse_findings,
            kb: None,
            diagnostics: BTreeMap::new(),
        };
        loaded.check(parsed.files, parsed.entries, vocabulary);
        Ok(loaded)
    }

    /// Re-parses the files `ids` from the tree and checks the KB again.
    fn reparse(&mut self, ids: &[FileId]) {
        let tree = self.tree();
        let Ok(loaded) = &mut self.state else {
            return;
        };
        let Some(kb) = loaded.kb.take() else {
            return;
        };
        let (mut files, mut entries, _, vocabulary) = kb.into_parts();
        for &id in ids {
            let (path, collection, default_id) = loaded.found[id].clone();
            let bytes = tree
                .read(std::slice::from_ref(&path))
                .ok()
                .and_then(|mut one| one.pop())
                .unwrap_or_else(|| Err("nothing read".into()));
            let found = Found {
                path,
                collection,
                default_id,
            };
            let (file, parsed) =
                parse::read_one(&loaded.settings, &loaded.schemas, id, found, bytes);
            files.replace(id, file);
            // Entries are in file order; a file holds at most one.
            let at = entries.partition_point(|e| e.file < id);
            let had = entries.get(at).is_some_and(|e| e.file == id);
            match (had, parsed.entry) {
                (true, Some(entry)) => entries[at] = entry,
                (true, None) => {
                    entries.remove(at);
                }
                (false, Some(entry)) => entries.insert(at, entry),
                (false, None) => {}
            }
            loaded.parse_findings[id] = parsed.findings;
        }
        loaded.check(files, entries, vocabulary);
    }
}

impl Loaded {
    /// Runs every enabled rule on the KB as it stands, and sorts the findings by file.
    fn check(&mut self, files: Files, entries: Vec<Entry>, vocabulary: Option<Vocabulary>) {
        // The parse stage's findings go into the index, where the `frontmatter` and `schema`
        // rules read them, as in `lint`.
        let findings = self.parse_findings.iter().flatten().cloned().collect();
        let kb = Kb::new(files, entries, findings, vocabulary);
        let mut by_file: BTreeMap<FileId, Vec<Diagnostic>> = BTreeMap::new();
        let collections: Vec<Option<usize>> = kb
            .files
            .iter()
            .map(|(_, f)| self.settings.collection_of(&f.path))
            .collect();
        let found = check::check(&kb, &self.settings, &collections);
        // What `# kblint-allow` comments cover is not published, as in `lint`; the findings
        // about the comments themselves are.
        let outcome = crate::suppress::suppress(&kb.files, found);
        let meta = outcome
            .findings
            .into_iter()
            .filter_map(|d| check::with_severity(d, &self.settings, &collections));
        for d in outcome.kept.into_iter().chain(meta) {
            by_file.entry(d.primary.file).or_default().push(d);
        }
        for list in by_file.values_mut() {
            list.sort_by(|a, b| {
                (a.primary.span.start, a.rule, &a.message, a.primary.span.end).cmp(&(
                    b.primary.span.start,
                    b.rule,
                    &b.message,
                    b.primary.span.end,
                ))
            });
        }
        self.diagnostics = by_file;
        self.kb = Some(kb);
    }
}
