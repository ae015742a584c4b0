//! The one finding type that every rule returns and every renderer prints.
//!
//! Locations are byte spans into files of the [`Files`] table; they become line:column only when
//! rendered. Severity is not the rule's to choose: the pipeline sets it from the configuration.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

pub use crate::rule_id::RuleId;

/// A file's place in the [`Files`] table of a run: the files are in path order, so the ids are
/// too. A type of its own, so that a file's id is never taken for an entry's, a claim's or a
/// byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(usize);

impl FileId {
    /// The id of the file at `index` in the table.
    pub fn new(index: usize) -> FileId {
        FileId(index)
    }

    /// The file's place in the table, for tables kept beside it (one item per file).
    pub fn index(self) -> usize {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A place in a file, with what it says about the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label {
    pub file: FileId,
    pub span: Range<usize>,
    pub message: String,
}

impl Label {
    pub fn new(file: FileId, span: Range<usize>, message: impl Into<String>) -> Self {
        Label {
            file,
            span,
            message: message.into(),
        }
    }
}

/// A replacement of bytes in one file that would resolve the finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub file: FileId,
    pub span: Range<usize>,
    pub replacement: String,
    /// Safe fixes cannot change what a citation proves; unsafe ones need `--unsafe-fixes`.
    pub safe: bool,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule that found it (`quote-not-found`).
    pub rule: RuleId,
    pub severity: Severity,
    pub message: String,
    pub primary: Label,
    pub related: Vec<Label>,
    /// Extra lines printed under the snippet (`= note: …`).
    pub notes: Vec<String>,
    pub help: Option<String>,
    pub fix: Option<Fix>,
    /// For a violation of a collection's JSON Schema: where the offending value is and which
    /// keyword it breaks, as JSON Schema validators report them.
    pub schema: Option<SchemaViolation>,
    /// Why `--fix` holds back the fix this kind of finding usually has (a `sha256` left alone
    /// while a quote citing the source is broken), with the places that block it: `--fix` and
    /// `--diff` print it.
    pub held_back: Option<String>,
}

/// Where a value breaks a JSON Schema, in the schema's own terms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaViolation {
    /// The JSON Pointer of the offending value in the frontmatter (`/claims/0/cites`); for a
    /// missing or unexpected property, of the mapping that lacks or has it; `""` for the whole
    /// frontmatter.
    pub instance_path: String,
    /// The schema keyword (`required`, `type`, `anyOf`, `dependentRequired`).
    pub keyword: String,
}

impl Diagnostic {
    /// A finding of the rule named `rule`; its severity is set by the check stage, from the
    /// configuration.
    pub fn new(rule: RuleId, message: impl Into<String>, primary: Label) -> Self {
        Diagnostic {
            rule,
            severity: Severity::Error,
            message: message.into(),
            primary,
            related: Vec::new(),
            notes: Vec::new(),
            help: None,
            fix: None,
            schema: None,
            held_back: None,
        }
    }

    pub fn related(mut self, label: Label) -> Self {
        self.related.push(label);
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn schema(mut self, instance_path: impl Into<String>, keyword: impl Into<String>) -> Self {
        self.schema = Some(SchemaViolation {
            instance_path: instance_path.into(),
            keyword: keyword.into(),
        });
        self
    }

    pub fn fix(mut self, fix: Fix) -> Self {
        self.fix = Some(fix);
        self
    }
}

/// One file of the KB as read: its path relative to the KB root and its text.
#[derive(Debug)]
pub struct File {
    pub path: String,
    text: Held,
    /// The `# kblint-allow` comments of its frontmatter, read by the parse stage (where the
    /// frontmatter's tree is at hand) for the suppress stage; `None` when it has none (most
    /// files).
    suppressions: Option<Box<Suppressions>>,
    /// Where each line starts, worked out on first use: only the files that a finding points
    /// into need it, and a KB has many lines.
    line_starts: OnceLock<Vec<usize>>,
}

/// Where a file's text is.
#[derive(Debug)]
enum Held {
    /// In memory.
    Here(String),
    /// On disk only (the language server, for the entries no editor has open): read again
    /// when something needs it.
    Away(Box<Away>),
}

/// A released text: what is needed to read it again and to tell whether it is still the text
/// that was parsed.
#[derive(Debug)]
struct Away {
    disk: Arc<OnDisk>,
    /// The file's own id, to be named in `disk`'s lists.
    id: FileId,
    len: usize,
    hash: u64,
    /// The text read again, until [`File::forget`].
    read: OnceLock<String>,
}

/// Where the released texts of a KB are read again from, and which ones were: the files'
/// table lets go of those, and parses again those found changed, without a pass over every
/// file.
#[derive(Debug)]
pub struct OnDisk {
    /// The KB root: a released text is the file at `root/path`.
    root: PathBuf,
    /// The files whose text was read again since the last [`Files::forget`].
    read: Mutex<Vec<FileId>>,
    /// The files found changed on disk when their text was read again, until they are parsed
    /// again ([`Files::replace`]).
    changed: Mutex<BTreeSet<FileId>>,
}

impl OnDisk {
    pub fn new(root: &Path) -> Arc<OnDisk> {
        Arc::new(OnDisk {
            root: root.to_path_buf(),
            read: Mutex::default(),
            changed: Mutex::default(),
        })
    }
}

/// A lock that a panic elsewhere does not make unusable (the lists stay valid).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The `# kblint-allow` comments of a file's frontmatter (spec §9), in the order of their lines.
#[derive(Debug, Default)]
pub struct Suppressions {
    /// The comments that suppress.
    pub comments: Vec<Suppression>,
    /// What is wrong with the comments that cannot suppress anything.
    pub problems: Vec<BadSuppression>,
}

/// One `# kblint-allow RULE[, RULE...] -- REASON` comment.
#[derive(Debug)]
pub struct Suppression {
    /// From the `#` to the end of the comment's text.
    pub comment: Range<usize>,
    /// What removing the comment removes: the white space before it, or its whole line.
    pub removal: Range<usize>,
    /// The rules it names, with where each name is.
    pub rules: Vec<(RuleId, Range<usize>)>,
    pub reason: String,
    /// What it covers: byte ranges of the file; the whole file for `kblint-allow-file`.
    pub covers: Vec<Range<usize>>,
}

/// A `# kblint-allow` comment that cannot suppress anything, and why; a comment may have
/// several (one for each name it gets wrong).
#[derive(Debug)]
pub enum BadSuppression {
    /// Not of the form `# kblint-allow RULE[, RULE...] -- REASON` (at the comment).
    Malformed(Range<usize>),
    /// No reason after `--` (at the comment).
    NoReason(Range<usize>),
    /// No rule before `--` (at the comment).
    NoRule(Range<usize>),
    /// A rule whose findings no comment can suppress (at its name).
    Unsuppressible(String, Range<usize>),
    /// A name that is no rule's (at the name).
    UnknownRule(String, Range<usize>),
}

/// A line and a column, both counted from 1; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl File {
    pub fn new(path: String, text: String) -> Self {
        File {
            path,
            text: Held::Here(text),
            suppressions: None,
            line_starts: OnceLock::new(),
        }
    }

    /// The `# kblint-allow` comments of its frontmatter.
    pub fn suppressions(&self) -> &Suppressions {
        static NONE: Suppressions = Suppressions {
            comments: Vec::new(),
            problems: Vec::new(),
        };
        self.suppressions.as_deref().unwrap_or(&NONE)
    }

    pub fn set_suppressions(&mut self, suppressions: Suppressions) {
        let none = suppressions.comments.is_empty() && suppressions.problems.is_empty();
        self.suppressions = (!none).then(|| Box::new(suppressions));
    }

    /// The file's text, as it was parsed.
    ///
    /// A released text is read again from disk (and kept until [`File::forget`]). If the file
    /// no longer holds what was parsed, the text is blank, as long as the parsed one, so that
    /// every place the findings name stays inside it, and [`File::changed_on_disk`] says so:
    /// the file must be parsed again.
    pub fn text(&self) -> &str {
        match &self.text {
            Held::Here(text) => text,
            Held::Away(away) => away.read.get_or_init(|| {
                lock(&away.disk.read).push(away.id);
                let read = std::fs::read(away.disk.root.join(&self.path)).ok();
                match read {
                    Some(bytes)
                        if bytes.len() == away.len
                            && crate::digest::digest64(&bytes) == away.hash =>
                    {
                        String::from_utf8(bytes).unwrap_or_else(|_| " ".repeat(away.len))
                    }
                    _ => {
                        lock(&away.disk.changed).insert(away.id);
                        " ".repeat(away.len)
                    }
                }
            }),
        }
    }

    /// Lets go of the text (of file `id`): it is read again from `disk` when needed. The
    /// language server keeps in memory only the texts that it may need at once.
    pub fn release(&mut self, disk: &Arc<OnDisk>, id: FileId) {
        if let Held::Here(text) = &self.text {
            let away = Away {
                disk: Arc::clone(disk),
                id,
                len: text.len(),
                hash: crate::digest::digest64(text.as_bytes()),
                read: OnceLock::new(),
            };
            self.text = Held::Away(Box::new(away));
            self.line_starts = OnceLock::new();
        }
    }

    /// Lets go again of a released text that was read again, and of its line starts.
    pub fn forget(&mut self) {
        if let Held::Away(away) = &mut self.text
            && away.read.take().is_some()
        {
            self.line_starts = OnceLock::new();
        }
    }

    /// Whether the text was released and the file on disk was found changed since it was
    /// parsed.
    pub fn changed_on_disk(&self) -> bool {
        matches!(&self.text, Held::Away(away) if lock(&away.disk.changed).contains(&away.id))
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text().as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// The line and column of a byte offset (clamped to the text, moved back to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let text = self.text();
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[line];
        Position {
            line: line + 1,
            column: text[start..offset].chars().count() + 1,
        }
    }

    /// The byte range of line `line` (from 1), without its terminator.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let text = self.text();
        let start = self
            .line_starts()
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = self.line_starts().get(line).map_or(text.len(), |&e| e - 1);
        let end = end.max(start);
        let text = &text[start..end];
        start..start + text.strip_suffix('\r').unwrap_or(text).len()
    }
}

/// A byte offset in 32 bits, as the model and the normalised texts keep them (held at the
/// largest past it; the parse stage refuses a file of 4 GiB or more).
pub fn offset32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Every file that a diagnostic may point into.
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<File>,
    /// Where the released texts are read again from, when some are.
    disk: Option<Arc<OnDisk>>,
}

impl Files {
    /// An empty table with room for `n` files.
    pub fn with_capacity(n: usize) -> Self {
        Files {
            files: Vec::with_capacity(n),
            disk: None,
        }
    }

    pub fn add(&mut self, file: File) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }
    /// Puts `file` in the place of file `id` (which must exist): parsed again, it is no longer
    /// changed on disk.
    pub fn replace(&mut self, id: FileId, file: File) {
        self.files[id.0] = file;
        if let Some(disk) = &self.disk {
            lock(&disk.changed).remove(&id);
        }
    }
    pub fn get(&self, id: FileId) -> &File {
        &self.files[id.0]
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &File)> {
        self.files.iter().enumerate().map(|(n, f)| (FileId(n), f))
    }

    /// The file at `path`, in a table in path order (as the KB's is).
    pub fn find(&self, path: &str) -> Option<FileId> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(FileId)
    }

    /// Where the texts that the files released are read again from.
    pub fn disk(&self) -> Option<&Arc<OnDisk>> {
        self.disk.as_ref()
    }

    pub fn set_disk(&mut self, disk: Option<Arc<OnDisk>>) {
        self.disk = disk;
    }

    /// Lets go again of every released text that was read again ([`File::forget`]).
    pub fn forget(&mut self) {
        let Some(disk) = &self.disk else { return };
        for id in std::mem::take(&mut *lock(&disk.read)) {
            if let Some(f) = self.files.get_mut(id.0) {
                f.forget();
            }
        }
    }

    /// The files whose text was released and that were found changed on disk since they
    /// were parsed: they must be parsed again.
    pub fn changed_on_disk(&self) -> Vec<FileId> {
        self.disk
            .as_ref()
            .map(|disk| lock(&disk.changed).iter().copied().collect())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_from_one() {
        let f = File::new("a.md".into(), "ab\né😀x\r\nlast".into());
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        let x = f.text().find('x').unwrap();
        assert_eq!(f.position(x), Position { line: 2, column: 3 });
        assert_eq!(f.position(x - 1), Position { line: 2, column: 2 }); // inside the emoji
        assert_eq!(&f.text()[f.line_range(2)], "é😀x");
        assert_eq!(&f.text()[f.line_range(3)], "last");
    }

    #[test]
    fn a_released_text_is_read_again_and_a_changed_file_leaves_a_blank_of_its_length() {
        let dir = tempfile::tempdir().unwrap();
        let disk = OnDisk::new(dir.path());
        let text = "---\nid: a\n---\nbody é\n";
        std::fs::write(dir.path().join("a.md"), text).unwrap();
        let mut f = File::new("a.md".into(), text.into());
        f.release(&disk, FileId(0));
        assert_eq!(f.text(), text);
        assert_eq!(f.position(8), Position { line: 2, column: 5 });
        assert!(!f.changed_on_disk());

        // Changed on disk: the text read again is kept until `forget`, then the change shows.
        std::fs::write(dir.path().join("a.md"), "---\nid: b\n---\n").unwrap();
        assert_eq!(f.text(), text);
        f.forget();
        assert_eq!(f.text(), " ".repeat(text.len()));
        assert!(f.changed_on_disk());

        // Gone from disk: the same.
        let mut g = File::new("gone.md".into(), "x\ny".into());
        g.release(&disk, FileId(1));
        assert_eq!(g.text(), "   ");
        assert!(g.changed_on_disk());
        assert_eq!(g.position(2), Position { line: 1, column: 3 });
    }
}
