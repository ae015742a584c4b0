//! The report stage: the outcome of a run, every finding sorted, with the files they point into
//! and the counts of the summary. Renderers turn it into text; `--fix` applies its fixes.

use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Files, Fix, Severity};
use crate::index::Kb;
use crate::model::Format;

/// The outcome of a run: every finding, sorted, and the files they point into.
pub struct Report {
    pub files: Files,
    pub diagnostics: Vec<Diagnostic>,
    /// The findings that a suppression comment or the baseline hides, sorted like the others.
    pub suppressed: Vec<Suppressed>,
    /// The collections' names, and the collection of each file of the KB (by file id).
    pub collections: Vec<String>,
    pub file_collections: Vec<Option<usize>>,
    /// Paths asked for on the command line that are not part of the KB, each with why.
    pub notices: Vec<String>,
    pub summary: Summary,
    /// Fixes that belong to no finding: a `sha256` for each source that has none.
    pub extra_fixes: Vec<Fix>,
    /// The KB root on disk.
    pub root: PathBuf,
    /// Put before every path by the renderers whose readers resolve paths from the top of the
    /// repository (SARIF, GitHub annotations): the KB root's folder inside it, like `docs/`.
    pub repo_prefix: String,
    /// Whether the renderers list the suppressed findings too (`--show-suppressed`).
    pub show_suppressed: bool,
}

/// A finding that a suppression or the baseline hides, with the reason it gives.
#[derive(Debug, Clone)]
pub struct Suppressed {
    pub diagnostic: Diagnostic,
    pub reason: String,
}

#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Summary {
    pub files: usize,
    pub entries: usize,
    pub claims: usize,
    pub citations: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    /// Findings hidden by a suppression comment or the baseline.
    pub suppressed: usize,
}

impl Report {
    /// The report of the KB at `root`, whose checks found `diagnostics`.
    pub fn new(
        mut kb: Kb,
        root: PathBuf,
        mut diagnostics: Vec<Diagnostic>,
        mut suppressed: Vec<Suppressed>,
    ) -> Report {
        let claims = kb.entries.iter().map(|e| e.claims.len()).sum();
        let citations = kb
            .entries
            .iter()
            .flat_map(|e| &e.claims)
            .map(|c| c.cites.len())
            .sum();
        let summary = Summary {
            files: kb.files.len(),
            entries: kb.entries.len(),
            claims,
            citations,
            ..Summary::default()
        };
        let extra_fixes = missing_digests(&kb);
        let files = std::mem::take(&mut kb.files);
        // The rest of the KB (entries, indexes: millions of small allocations in a large KB)
        // is freed off the critical path, while the report is rendered.
        rayon::spawn(move || drop(kb));
        sort(&files, &mut diagnostics);
        sort_suppressed(&files, &mut suppressed);
        let mut report = Report {
            files,
            diagnostics,
            suppressed,
            collections: Vec::new(),
            file_collections: Vec::new(),
            notices: Vec::new(),
            summary,
            extra_fixes,
            root,
            repo_prefix: String::new(),
            show_suppressed: false,
        };
        report.recount();
        report
    }

    /// Keeps only the findings that `keep` accepts, and recounts.
    pub fn retain(&mut self, keep: impl FnMut(&Diagnostic) -> bool) {
        self.diagnostics.retain(keep);
        self.recount();
    }

    /// Keeps only the findings in the files under `paths` (KB paths; `""` is the whole KB).
    pub fn narrow(&mut self, paths: &[String]) {
        let files = &self.files;
        let wanted = |d: &Diagnostic| {
            let path = &files.get(d.primary.file).path;
            paths
                .iter()
                .any(|w| w.is_empty() || path == w || path.starts_with(&format!("{w}/")))
        };
        let keep: Vec<bool> = self.diagnostics.iter().map(wanted).collect();
        self.suppressed.retain(|s| wanted(&s.diagnostic));
        let mut keep = keep.into_iter();
        self.retain(|_| keep.next().unwrap_or(true));
    }

    /// Moves the findings that `hide` gives a reason for into `suppressed`, and recounts.
    pub fn hide(&mut self, mut hide: impl FnMut(usize, &Diagnostic) -> Option<String>) {
        let mut kept = Vec::with_capacity(self.diagnostics.len());
        for (n, d) in std::mem::take(&mut self.diagnostics)
            .into_iter()
            .enumerate()
        {
            match hide(n, &d) {
                Some(reason) => self.suppressed.push(Suppressed {
                    diagnostic: d,
                    reason,
                }),
                None => kept.push(d),
            }
        }
        self.diagnostics = kept;
        sort_suppressed(&self.files, &mut self.suppressed);
        self.recount();
    }

    /// Adds findings (of the baseline file, say) and sorts again.
    pub fn add(&mut self, diagnostics: Vec<Diagnostic>) {
        self.diagnostics.extend(diagnostics);
        sort(&self.files, &mut self.diagnostics);
        self.recount();
    }

    pub fn recount(&mut self) {
        let count = |s: Severity| self.diagnostics.iter().filter(|d| d.severity == s).count();
        self.summary.errors = count(Severity::Error);
        self.summary.warnings = count(Severity::Warning);
        self.summary.infos = count(Severity::Info);
        self.summary.suppressed = self.suppressed.len();
    }

    pub fn has_errors(&self) -> bool {
        self.summary.errors > 0
    }
}

/// A `sha256` fix for every source that has none: a line inserted before the closing `---`
/// (for TOML, right after the opening `+++`; a JSON source gets none).
pub fn missing_digests(kb: &Kb) -> Vec<Fix> {
    let mut fixes = Vec::new();
    for (n, entry) in kb.entries_with_ids() {
        // A JSON object has no place to add a key without touching its other lines.
        // Nor is an unreadable frontmatter edited: its syntax error comes first.
        if !entry.is_source
            || entry.sha256.is_some()
            || entry.format == Format::Json
            || entry.unreadable
        {
            continue;
        }
        let file = kb.files.get(entry.file);
        let eol = if file.text()[..entry.yaml_end].ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let digest = kb.body_digest(n);
        let (at, replacement) = match entry.format {
            // In TOML, a key after a `[table]` header would belong to the table: the digest
            // goes right after the opening `+++` line.
            Format::Toml => (
                file.text()[..entry.yaml_end]
                    .find('\n')
                    .map_or(entry.yaml_end, |i| i + 1),
                format!("sha256 = \"{digest}\"{eol}"),
            ),
            _ => (entry.yaml_end, format!("sha256: {digest}{eol}")),
        };
        fixes.push(Fix {
            file: entry.file,
            span: at..at,
            replacement,
            safe: true,
            description: "record the body's digest".into(),
        });
    }
    fixes
}

/// Sorts by path, line, column, rule, then message: the same KB always gives the same output.
pub(crate) fn sort(files: &Files, diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_cached_key(|d| sort_key(files, d));
}

/// Sorts hidden findings as [`sort`] sorts the others.
pub(crate) fn sort_suppressed(files: &Files, suppressed: &mut [Suppressed]) {
    suppressed.sort_by_cached_key(|s| sort_key(files, &s.diagnostic));
}

fn sort_key(files: &Files, d: &Diagnostic) -> (String, usize, usize, &'static str, String, usize) {
    let f = files.get(d.primary.file);
    let p = f.position(d.primary.span.start);
    (
        f.path.clone(),
        p.line,
        p.column,
        d.rule.name(),
        d.message.clone(),
        d.primary.span.end,
    )
}
