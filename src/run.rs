//! One run of the pipeline, as a value: the settings, the tree's listing (with what could not be
//! listed), the indexed KB, the baseline, and the analyses, computed on first use. Every
//! front-end drives it: `kblint check` and `--changed-since` (one run per side), `kblint
//! baseline`, `kblint report --html` and `kblint disputes`, and the language server, which keeps
//! its run and re-parses only the files that change. The stages are listed here and nowhere else:
//!
//! ```text
//! settings → discover → schemas, vocabulary → parse → index → check → suppress → baseline → report
//! ```

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use anyhow::Result;

use crate::analysis::citations::Memo;
use crate::analysis::{Analyses, Context, contradictions};
use crate::baseline::{self, Baseline, Stale};
use crate::config::{Level, Settings};
use crate::diagnostic::{Diagnostic, File, FileId};
use crate::discover::{self, Found};
use crate::index::{EntryId, Kb, Names};
use crate::model::Entry;
use crate::parse::{Parsed, Texts};
use crate::report::{self, Report, Suppressed};
use crate::rules::Reach;
use crate::schema::Schemas;
use crate::tree::Tree;
use crate::vocabulary::Vocabulary;
use crate::{check, parse, rules, suppress};

/// Whether a run reads the baseline file and hides what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UseBaseline {
    /// As `kblint check` and the language server do.
    Apply,
    /// As `kblint baseline` (which writes it) and the views of the whole KB do.
    Ignore,
}

/// One run of the pipeline over one tree.
pub struct Run {
    pub settings: Settings,
    /// What the listing of the tree could not list (`cannot list …`), and the symbolic links
    /// that a collection includes (never read through), each as a warning.
    pub unlisted: Vec<String>,
    schemas: Schemas,
    /// The collection of each file, by file id (its path is in the files' table, and its
    /// default id follows from both).
    collections: Vec<usize>,
    /// The indexed KB.
    pub kb: Kb,
    analyses: Analyses,
    baseline: Option<Baseline>,
}

/// What [`Run::update`] changed: what must be checked again.
#[derive(Debug)]
pub enum Edit {
    /// Names changed, or an entry appeared or went: everything.
    Whole,
    /// The files `files` changed, and the entries of `scope` (theirs, and the ones whose
    /// findings may depend on them) need their findings made again; the rest of the KB, and
    /// the analyses where the edit leaves them true, are as they were.
    Entries {
        files: Vec<FileId>,
        scope: Vec<EntryId>,
    },
}

/// What the language server shows: the findings of a run by file, kept up to date after
/// each edit by making again only the findings that the edit may change ([`Run::reshow`]).
#[derive(Default)]
pub struct Shown {
    /// The findings of the rules that reach one entry ([`Reach::Entry`]), by file.
    entry: HashMap<FileId, Vec<Diagnostic>>,
    /// The findings of the rules that run on the whole KB ([`Reach::Kb`]), by file.
    whole: HashMap<FileId, Vec<Diagnostic>>,
    /// The baseline's entries by path, in the file's order.
    baseline: HashMap<String, Vec<baseline::Entry>>,
    /// Every finding that `kblint check` shows, by file: the two above, less what a
    /// suppression comment or the baseline hides, with the findings about the comments; each
    /// list in the order of the places in the file.
    pub kept: BTreeMap<FileId, Vec<Diagnostic>>,
}

/// The findings of a run, after the suppress and baseline stages: what the report is made of.
pub struct Findings {
    /// Every finding shown, sorted as the report sorts them.
    pub kept: Vec<Diagnostic>,
    /// What a suppression comment or the baseline hides, with its reason, sorted.
    pub suppressed: Vec<Suppressed>,
    /// The baseline entries that match no finding.
    pub stale: Option<Stale>,
}

impl Run {
    /// The stages up to the index: the settings of `config` (relative to `root`, with the
    /// command line's `overrides` on top), the files of `tree` that the collections include,
    /// the schemas and the vocabulary, the baseline (if `baseline` says so), every file parsed,
    /// and the index.
    pub fn load(
        root: &Path,
        config: &str,
        tree: &Tree,
        overrides: &[(String, Level)],
        baseline: UseBaseline,
    ) -> Result<Run> {
        Run::load_keeping(root, config, tree, overrides, baseline, Texts::All)
    }

    /// [`Run::load`], keeping in memory only the texts that `texts` says (the language
    /// server keeps only the ones it may need at once).
    pub fn load_keeping(
        root: &Path,
        config: &str,
        tree: &Tree,
        overrides: &[(String, Level)],
        baseline: UseBaseline,
        texts: Texts,
    ) -> Result<Run> {
        let settings = settings(root, config, tree, overrides)?;
        let (listing, listed, links) = tree.list_with_links();
        let found = discover::discover(&settings, &listing)?;
        // Collections that include no file first, then what the listing could not read.
        let mut unlisted = discover::empty_collections(&settings, &listing, &found);
        unlisted.extend(listed);
        unlisted.extend(discover::links(&settings, &links));
        let schemas = Schemas::load(&settings, tree, &listing)?;
        let vocabulary = Vocabulary::load(&settings, tree)?;
        let baseline = match baseline {
            UseBaseline::Apply => Baseline::load(&settings, tree)?,
            UseBaseline::Ignore => None,
        };
        let collections = found.iter().map(|f| f.collection).collect();
        let parsed = parse::read_all(&settings, &schemas, tree, found, texts)?;
        let kb = Kb::new(parsed.files, parsed.entries, parsed.findings, vocabulary);
        Ok(Run {
            settings,
            unlisted,
            schemas,
            collections,
            kb,
            analyses: Analyses::default(),
            baseline,
        })
    }

    /// The files `ids` read from `tree` and parsed again (the language server, after an
    /// edit).
    fn parse_again(&self, tree: &Tree, ids: &[FileId]) -> Vec<(FileId, File, Parsed)> {
        // Texts released at the load are released again (unless now open in an editor).
        let disk = self.kb.files.disk();
        ids.iter()
            .filter_map(|&id| {
                let found = self.found(id)?;
                let bytes = read(tree, &found.path);
                let release = disk.filter(|_| tree.on_disk(&found.path));
                let (file, parsed) =
                    parse::read_one(&self.settings, &self.schemas, id, found, bytes, release);
                Some((id, file, parsed))
            })
            .collect()
    }

    /// The index stage again, with the files `parsed` in their places. The analyses are
    /// computed again on their next use.
    fn index_again(&mut self, parsed: Vec<(FileId, File, Parsed)>) {
        let kb = std::mem::replace(
            &mut self.kb,
            Kb::new(Default::default(), Vec::new(), Vec::new(), None),
        );
        let (mut files, mut entries, mut findings, vocabulary) = kb.into_parts();
        for (id, file, parsed) in parsed {
            files.replace(id, file);
            // Entries are in file order; a file holds at most one entry.
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
            splice_findings(&mut findings, id, parsed.findings);
        }
        self.kb = Kb::new(files, entries, findings, vocabulary);
        let (memo, _, _) = std::mem::take(&mut self.analyses).into_parts();
        self.analyses = Analyses::carried(memo, None, None);
    }

    /// Keeps what the citation checks find from one update to the next, so that a quote or a
    /// source seen before is not searched again (the language server).
    pub fn remember(&mut self) {
        let memo = Arc::new(Memo::default());
        self.analyses = Analyses::remembering(memo);
    }

    /// The parse and index stages again for the files `ids`, read from `tree`, keeping what
    /// stays true: when every file keeps the entry it had, declaring the same names, the index
    /// stays, the citation checks are updated for the entries concerned, and the
    /// contradictions stay unless a claim changed what it asserts. Otherwise the index is
    /// made again and the analyses computed again on their next use.
    pub fn update(&mut self, tree: &Tree, ids: &[FileId]) -> Edit {
        let parsed = self.parse_again(tree, ids);
        let keeps_names =
            |(id, _, p): &(FileId, File, Parsed)| match (self.kb.entry_of_file(*id), &p.entry) {
                (Some(e), Some(new)) => Names::of(&self.kb.entries[e]) == Names::of(new),
                (None, None) => true,
                _ => false,
            };
        if !parsed.iter().all(keeps_names) {
            self.index_again(parsed);
            return Edit::Whole;
        }
        let mut replaced: Vec<(EntryId, Entry)> = Vec::new();
        let mut files = Vec::with_capacity(parsed.len());
        for (id, file, p) in parsed {
            self.kb.files.replace(id, file);
            splice_findings(&mut self.kb.parse_findings, id, p.findings);
            if let (Some(e), Some(entry)) = (self.kb.entry_of_file(id), p.entry) {
                replaced.push((e, self.kb.replace_entry(e, entry)));
            }
            files.push(id);
        }
        let kb = &self.kb;
        let (memo, citations, contradictions) = std::mem::take(&mut self.analyses).into_parts();
        let mut scope: Vec<EntryId> = Vec::new();
        for (e, old) in &replaced {
            scope.push(*e);
            // A source's `unused-source` and `source-hash-mismatch` read its citations.
            scope.extend(kb.cited(old));
            scope.extend(kb.cited(&kb.entries[*e]));
        }
        let citations = match (citations, &memo) {
            (Some(mut c), Some(memo)) => {
                let changed: Vec<(EntryId, &Entry)> =
                    replaced.iter().map(|(e, old)| (*e, old)).collect();
                scope.extend(c.update(kb, &changed, memo));
                Some(c)
            }
            _ => None,
        };
        let same = replaced
            .iter()
            .all(|(e, old)| contradictions::same_reading(old, &kb.entries[*e]));
        // When a claim changed what it asserts, its entry's claims are read again and the
        // contradictions searched again; the other claims' readings are kept.
        let contradictions = match contradictions {
            Some(c) if !same => {
                let changed: Vec<EntryId> = replaced.iter().map(|(e, _)| *e).collect();
                Some(contradictions::update(c, kb, &changed))
            }
            other => other,
        };
        self.analyses = Analyses::carried(memo, citations, contradictions);
        scope.sort_unstable();
        scope.dedup();
        Edit::Entries { files, scope }
    }

    /// Searches the nearest passage of one quote that an update left for later, one in a file
    /// that `first` picks if there is one (the open documents), else (unless `only`) any:
    /// what must be checked again, or `None` when nothing is left.
    pub fn settle(&mut self, first: impl Fn(FileId) -> bool, only: bool) -> Option<Edit> {
        let (memo, citations, contradictions) = std::mem::take(&mut self.analyses).into_parts();
        let mut settled = None;
        let citations = citations.map(|mut c| {
            if let Some(memo) = &memo {
                let kb = &self.kb;
                settled = c.settle(kb, memo, |e| first(kb.entries[e].file), only);
            }
            c
        });
        self.analyses = Analyses::carried(memo, citations, contradictions);
        let entry = settled?;
        Some(Edit::Entries {
            files: Vec::new(),
            scope: vec![entry],
        })
    }

    /// Every finding that `kblint check` shows, by file, kept so that [`Run::reshow`] can bring
    /// it up to date.
    pub fn shown(&self) -> Shown {
        let collections = self.collections();
        let cx = self.context();
        let mut shown = Shown {
            entry: by_file(self.check_reach(cx, &collections, Reach::Entry)),
            whole: by_file(self.check_reach(cx, &collections, Reach::Kb)),
            ..Shown::default()
        };
        for e in self.baseline.iter().flat_map(|b| &b.entries) {
            shown
                .baseline
                .entry(e.path.clone())
                .or_default()
                .push(e.clone());
        }
        let all: Vec<FileId> = self.kb.files.iter().map(|(id, _)| id).collect();
        self.refresh(&mut shown, &all, &collections);
        shown
    }

    /// Brings `shown` up to date after `edit`: the findings of the entries in its scope, and
    /// of the rules that run on the whole KB; then what suppression comments and the baseline
    /// hide, in the files whose findings changed.
    pub fn reshow(&self, shown: &mut Shown, edit: &Edit) {
        let Edit::Entries { files, scope } = edit else {
            *shown = self.shown();
            return;
        };
        let collections = self.collections();
        let cx = self.context();
        let mut again: BTreeSet<FileId> = files.iter().copied().collect();
        again.extend(
            scope
                .iter()
                .filter_map(|&e| Some(self.kb.entries.get(e.index())?.file)),
        );
        for f in &again {
            shown.entry.remove(f);
        }
        let found = self.check_reach(cx.scoped(scope), &collections, Reach::Entry);
        for (f, list) in by_file(found) {
            if again.contains(&f) {
                shown.entry.insert(f, list);
            }
        }
        let whole = by_file(self.check_reach(cx, &collections, Reach::Kb));
        for (f, list) in &whole {
            if shown.whole.get(f) != Some(list) {
                again.insert(*f);
            }
        }
        again.extend(shown.whole.keys().filter(|f| !whole.contains_key(f)));
        shown.whole = whole;
        let again: Vec<FileId> = again.into_iter().collect();
        self.refresh(shown, &again, &collections);
    }

    /// The rules of reach `reach`, on `cx`.
    fn check_reach(
        &self,
        cx: Context<'_>,
        collections: &[Option<usize>],
        reach: Reach,
    ) -> Vec<Diagnostic> {
        check::check_some(cx, &self.settings, collections, |r| r.reach == reach)
    }

    /// The suppress and baseline stages for the files `files`, each on its own: what
    /// `kblint check` shows of them.
    fn refresh(&self, shown: &mut Shown, files: &[FileId], collections: &[Option<usize>]) {
        let kb = &self.kb;
        for &f in files {
            let mut found: Vec<Diagnostic> = Vec::new();
            found.extend(shown.entry.get(&f).into_iter().flatten().cloned());
            found.extend(shown.whole.get(&f).into_iter().flatten().cloned());
            let suppress::Outcome {
                mut kept, findings, ..
            } = suppress::suppress_in(&kb.files, &[f], found);
            kept.extend(
                findings
                    .into_iter()
                    .filter_map(|d| check::with_severity(d, &self.settings, collections)),
            );
            report::sort(&kb.files, &mut kept);
            if let Some(entries) = shown.baseline.get(&kb.files.get(f).path) {
                let hidden = baseline::hidden(&kb.files, &kept, entries);
                let mut hidden = hidden.into_iter();
                kept.retain(|_| !hidden.next().unwrap_or(false));
            }
            // In the order of their places in the file.
            kept.sort_by(|a, b| {
                let key = |d: &Diagnostic| (d.primary.span.start, d.rule, d.primary.span.end);
                key(a).cmp(&key(b)).then_with(|| a.message.cmp(&b.message))
            });
            if kept.is_empty() {
                shown.kept.remove(&f);
            } else {
                shown.kept.insert(f, kept);
            }
        }
    }

    /// The KB with its analyses, as the rules and the views read them.
    pub fn context(&self) -> Context<'_> {
        Context::new(&self.kb, &self.analyses)
    }

    /// The analyses of the KB, as computed so far.
    pub fn analyses(&self) -> &Analyses {
        &self.analyses
    }

    /// The collection of each file of the KB, by file id.
    pub fn collections(&self) -> Vec<Option<usize>> {
        self.collections.iter().map(|&c| Some(c)).collect()
    }

    /// The file id of the KB path `path`.
    pub fn file_of(&self, path: &str) -> Option<FileId> {
        self.kb.files.find(path)
    }

    /// What discovery found of file `id`: its path, collection and default id.
    fn found(&self, id: FileId) -> Option<Found> {
        let collection = *self.collections.get(id.index())?;
        let path = self.kb.files.get(id).path.clone();
        let default_id = self.settings.collections[collection].default_id(&path)?;
        Some(Found {
            path,
            collection,
            default_id,
        })
    }

    /// The paths whose change changes how every file is read: the config, the schemas, the
    /// vocabulary and the baseline.
    pub fn inputs(&self, config: &str) -> BTreeSet<String> {
        let settings = &self.settings;
        let mut inputs = BTreeSet::from([config.to_string(), settings.baseline.clone()]);
        inputs.extend(settings.vocabulary.as_ref().map(|v| v.get_ref().clone()));
        inputs.extend(
            settings
                .collections
                .iter()
                .filter_map(|c| c.schema.as_ref().map(|s| s.get_ref().clone())),
        );
        inputs
    }

    /// The check stage: every enabled rule's findings, with the severity the configuration
    /// gives each, unsorted.
    pub fn check(&self, collections: &[Option<usize>]) -> Vec<Diagnostic> {
        check::check(self.context(), &self.settings, collections)
    }

    /// The suppress stage: the findings that no `# kblint-allow` comment covers, the ones that
    /// one does (with its reason), and the findings about the comments themselves.
    pub fn suppress(
        &self,
        diagnostics: Vec<Diagnostic>,
        collections: &[Option<usize>],
    ) -> (Vec<Diagnostic>, Vec<Suppressed>) {
        let suppress::Outcome {
            mut kept,
            suppressed,
            findings,
        } = suppress::suppress(&self.kb.files, diagnostics);
        kept.extend(
            findings
                .into_iter()
                .filter_map(|d| check::with_severity(d, &self.settings, collections)),
        );
        (kept, suppressed)
    }

    /// The baseline stage: hides what the baseline holds (when the run reads it) from `kept`,
    /// and makes the findings of the entries that match nothing.
    pub fn baseline(
        &self,
        kept: &mut Vec<Diagnostic>,
        suppressed: &mut Vec<Suppressed>,
    ) -> Option<Stale> {
        let baseline = self.baseline.as_ref()?;
        let stale = self
            .settings
            .level_in(baseline::STALE.name(), Level::Warn, None);
        baseline::apply(&self.kb.files, kept, suppressed, baseline, stale.severity())
    }

    /// The check, suppress and baseline stages: every finding of the run, sorted.
    pub fn findings(&self) -> Findings {
        let collections = self.collections();
        let diagnostics = self.check(&collections);
        let (mut kept, mut suppressed) = self.suppress(diagnostics, &collections);
        report::sort(&self.kb.files, &mut kept);
        report::sort_suppressed(&self.kb.files, &mut suppressed);
        let stale = self.baseline(&mut kept, &mut suppressed);
        Findings {
            kept,
            suppressed,
            stale,
        }
    }

    /// The report stage: the run's findings as a [`Report`], with the warnings of the listing.
    pub fn into_report(self, findings: Findings) -> Report {
        let file_collections = self.collections();
        let Run {
            settings,
            unlisted,
            kb,
            analyses,
            ..
        } = self;
        // The analyses (large in a large KB) are freed while the report is rendered.
        rayon::spawn(move || drop(analyses));
        let mut report = Report::new(
            kb,
            settings.root.clone(),
            findings.kept,
            findings.suppressed,
        );
        if let Some(stale) = findings.stale {
            report.files.add(stale.file);
            report.add(stale.findings);
        }
        report.collections = settings
            .collections
            .iter()
            .map(|c| c.name.clone())
            .collect();
        report.file_collections = file_collections;
        report.notices.extend(unlisted);
        report
    }
}

/// The bytes of the file at `path` in `tree`, or why they could not be read.
fn read(tree: &Tree, path: &str) -> Result<Vec<u8>, String> {
    tree.read(&[path.to_string()])
        .ok()
        .and_then(|mut one| one.pop())
        .unwrap_or_else(|| Err("nothing read".into()))
}

/// `findings` (in file order) with those of file `id` replaced by `new`.
fn splice_findings(findings: &mut Vec<Diagnostic>, id: FileId, new: Vec<Diagnostic>) {
    let from = findings.partition_point(|d| d.primary.file < id);
    let to = findings.partition_point(|d| d.primary.file <= id);
    findings.splice(from..to, new);
}

/// Findings grouped by the file they point at, each list in the order found.
fn by_file(findings: Vec<Diagnostic>) -> HashMap<FileId, Vec<Diagnostic>> {
    let mut out: HashMap<FileId, Vec<Diagnostic>> = HashMap::new();
    for d in findings {
        out.entry(d.primary.file).or_default().push(d);
    }
    out
}

/// The settings stage: `kblint.toml`, read from the tree being linted, with the command line's
/// levels on top.
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
