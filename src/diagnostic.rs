//! The one finding type that every rule returns and every renderer prints.
//!
//! Locations are byte spans into files of the [`Files`] table; they become line:column only when
//! rendered. Severity is not the rule's to choose: the pipeline sets it from the configuration.

use std::ops::Range;

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
    pub text: String,
    /// The `# kblint-allow` comments of its frontmatter, read by the parse stage (where the
    /// frontmatter's tree is at hand) for the suppress stage.
    pub suppressions: Suppressions,
    /// Where each line starts, worked out on first use: only the files that a finding points
    /// into need it, and a KB has many lines.
    line_starts: std::sync::OnceLock<Vec<usize>>,
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
            text,
            suppressions: Suppressions::default(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            std::iter::once(0)
                .chain(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1))
                .collect()
        })
    }

    /// The line and column of a byte offset (clamped to the text, moved back to a char boundary).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset) - 1;
        let start = line_starts[line];
        Position {
            line: line + 1,
            column: self.text[start..offset].chars().count() + 1,
        }
    }

    /// The byte range of line `line` (from 1), without its terminator.
    pub fn line_range(&self, line: usize) -> Range<usize> {
        let start = self
            .line_starts()
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(self.text.len());
        let end = self
            .line_starts()
            .get(line)
            .map_or(self.text.len(), |&e| e - 1);
        let end = end.max(start);
        let text = &self.text[start..end];
        start..start + text.strip_suffix('\r').unwrap_or(text).len()
    }
}

/// Every file that a diagnostic may point into.
#[derive(Debug, Default)]
pub struct Files {
    files: Vec<File>,
}

impl Files {
    /// An empty table with room for `n` files.
    pub fn with_capacity(n: usize) -> Self {
        Files {
            files: Vec::with_capacity(n),
        }
    }

    pub fn add(&mut self, file: File) -> FileId {
        self.files.push(file);
        FileId(self.files.len() - 1)
    }
    /// Puts `file` in the place of file `id` (which must exist).
    pub fn replace(&mut self, id: FileId, file: File) {
        self.files[id.0] = file;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_chars_from_one() {
        let f = File::new("a.md".into(), "ab\né😀x\r\nlast".into());
        assert_eq!(f.position(0), Position { line: 1, column: 1 });
        assert_eq!(f.position(3), Position { line: 2, column: 1 });
        let x = f.text.find('x').unwrap();
        assert_eq!(f.position(x), Position { line: 2, column: 3 });
        assert_eq!(f.position(x - 1), Position { line: 2, column: 2 }); // inside the emoji
        assert_eq!(&f.text[f.line_range(2)], "é😀x");
        assert_eq!(&f.text[f.line_range(3)], "last");
    }
}
