//! One run of the pipeline, as a value: the settings, the tree's listing (with what could not be
//! listed), the indexed KB, the baseline, and the analyses, computed on first use. Every
//! front-end drives it: `kblint check` and `--changed-since` (one run per side), `kblint
//! baseline`, `kblint report --html` and `kblint disputes`, and the language server, which keeps
//! its run and re-parses only the files that change. The stages are listed here and nowhere else:
//!
//! ```text
//! settings → discover → schemas, vocabulary → parse → index → check → suppress → baseline → report
//! ```

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Result;

use crate::analysis::{Analyses, Context};
use crate::baseline::{self, Baseline, Stale};
use crate::config::{Level, Settings};
use crate::diagnostic::{Diagnostic, FileId};
use crate::discover::{self, Found};
use crate::index::Kb;
use crate::report::{self, Report, Suppressed};
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
    /// What discovery found, by file id: the file's path, collection and default id.
    found: Vec<Found>,
    /// The indexed KB.
    pub kb: Kb,
    analyses: Analyses,
    baseline: Option<Baseline>,
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
        let parsed = parse::read_all(&settings, &schemas, tree, found.clone())?;
        let kb = Kb::new(parsed.files, parsed.entries, parsed.findings, vocabulary);
        Ok(Run {
            settings,
            unlisted,
            schemas,
            found,
            kb,
            analyses: Analyses::default(),
            baseline,
        })
    }

    /// The parse and index stages again for the files `ids` only, read from `tree` (the
    /// language server, after an edit). The analyses are computed again on their next use.
    pub fn reparse(&mut self, tree: &Tree, ids: &[FileId]) {
        let kb = std::mem::replace(
            &mut self.kb,
            Kb::new(Default::default(), Vec::new(), Vec::new(), None),
        );
        let (mut files, mut entries, mut findings, vocabulary) = kb.into_parts();
        for &id in ids {
            let Some(found) = self.found.get(id.index()).cloned() else {
                continue;
            };
            let bytes = tree
                .read(std::slice::from_ref(&found.path))
                .ok()
                .and_then(|mut one| one.pop())
                .unwrap_or_else(|| Err("nothing read".into()));
            let (file, parsed) = parse::read_one(&self.settings, &self.schemas, id, found, bytes);
            files.replace(id, file);
            // Entries and the parse stage's findings are in file order; a file holds at most
            // one entry.
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
            let from = findings.partition_point(|d| d.primary.file < id);
            let to = findings.partition_point(|d| d.primary.file <= id);
            findings.splice(from..to, parsed.findings);
        }
        self.kb = Kb::new(files, entries, findings, vocabulary);
        self.analyses = Analyses::default();
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
        self.found.iter().map(|f| Some(f.collection)).collect()
    }

    /// The file id of the KB path `path`.
    pub fn file_of(&self, path: &str) -> Option<FileId> {
        self.found
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(FileId::new)
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
