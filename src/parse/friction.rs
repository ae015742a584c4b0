//! The `frontmatter` findings for a file that has no readable frontmatter, worded for what a
//! docs team meets on day one: a README in an included folder, a tab used for indentation, a
//! frontmatter that is a template rather than data.

use std::ops::Range;

use crate::diagnostic::{Diagnostic, FileId, Label};

use crate::frontmatter::{Format, Split, SplitError, YamlError};

const START: &str = "start the file with a `---` line, the YAML frontmatter, and a closing `---` line (or TOML between `+++` lines, or a JSON object)";

/// Files that sit in documentation folders without being entries.
const NOT_ENTRIES: [&str; 8] = [
    "readme",
    "license",
    "licence",
    "changelog",
    "contributing",
    "code_of_conduct",
    "security",
    "authors",
];

/// The finding for a file whose frontmatter cannot be split off.
pub fn split_error(file: FileId, path: &str, text: &str, e: SplitError) -> Diagnostic {
    let fm = super::FRONTMATTER;
    let exclude = format!(
        "if it is not an entry, list it in its collection's `exclude` in kblint.toml (`exclude = [\"{path}\"]`)"
    );
    let stem = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .split('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    let (message, span, help) = match e {
        SplitError::Empty => (
            "the file is empty".to_string(),
            0..0,
            format!("{START}; {exclude}"),
        ),
        SplitError::Missing if NOT_ENTRIES.contains(&stem.as_str()) => (
            "the file has no frontmatter".to_string(),
            first_line(text),
            format!(
                "a {} is rarely an entry: list it in its collection's `exclude` in kblint.toml (`exclude = [\"{path}\"]`); if it is one, {START}",
                stem.to_uppercase()
            ),
        ),
        SplitError::Missing => (
            "the file has no frontmatter".to_string(),
            first_line(text),
            format!("{START}; {exclude}"),
        ),
        SplitError::Unterminated(format, open) => (
            "the frontmatter is never closed".to_string(),
            open,
            match format {
                Format::Yaml => "add a `---` line after the last line of the YAML".to_string(),
                Format::Toml => "add a `+++` line after the last line of the TOML".to_string(),
                Format::Json => "end the JSON object with a line that is just `}`".to_string(),
            },
        ),
    };
    Diagnostic::new(
        fm,
        message,
        Label::new(file, span, "expected frontmatter here"),
    )
    .help(help)
}

/// The finding for a frontmatter that does not parse: at a tab used for indentation when there
/// is one, and saying so when the frontmatter looks like a template.
pub fn load_error(file: FileId, text: &str, split: &Split, e: YamlError) -> Diagnostic {
    let fm = super::FRONTMATTER;
    let language = split.format.name();
    let data = &text[split.yaml.clone()];
    if split.format == Format::Yaml
        && let Some(tab) = indenting_tab(text, split.yaml.start, e.span.start)
    {
        return Diagnostic::new(
            fm,
            "invalid YAML: a tab is used for indentation",
            Label::new(file, tab..tab + 1, "tab"),
        )
        .note(format!("the YAML parser says: {}", e.message))
        .help("YAML indents with spaces only: replace the tab with spaces");
    }
    // A quote left open swallows the lines after it; the parser stops at the opening quote.
    let opening = text.get(e.span.start..).and_then(|t| t.chars().next());
    if split.format == Format::Yaml
        && e.message.contains("quoted scalar")
        && let Some(q @ ('"' | '\'')) = opening
    {
        return Diagnostic::new(
            fm,
            "invalid YAML: a quoted value is never closed",
            Label::new(
                file,
                e.span.start..e.span.start + 1,
                "this quote has no closing quote",
            ),
        )
        .note(format!("the YAML parser says: {}", e.message))
        .help(format!("close the value with `{q}`"));
    }
    let Some(tag) = template_tag(data) else {
        return Diagnostic::new(
            fm,
            format!("invalid {language}: {}", e.message),
            Label::new(file, e.span.clone(), e.message),
        );
    };
    let at = split.yaml.start + tag;
    let shown = if data[tag..].starts_with("{{") {
        "`{{ … }}`"
    } else {
        "`{% … %}`"
    };
    let mut d = Diagnostic::new(
        fm,
        format!("invalid {language}: the frontmatter looks like a template ({shown})"),
        Label::new(file, e.span.clone(), e.message),
    )
    .help(
        "kblint reads frontmatter as data, before any template runs: quote the value (`title: \"{{ .Title }}\"`) if it is text, or leave the file out with its collection's `exclude` if it is a template",
    );
    // The tag is shown apart only when it is not on the line the parser stopped at.
    let line = |o: usize| text[..o.min(text.len())].matches('\n').count();
    if line(at) != line(e.span.start) {
        d = d.related(Label::new(file, at..at + 2, "template tag"));
    }
    d
}

/// Where the first template tag (`{{` or `{%`) of the frontmatter starts.
fn template_tag(data: &str) -> Option<usize> {
    let a = data.find("{{");
    let b = data.find("{%");
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The first tab in the indentation of a non-blank line, from `from` up to the end of the line
/// that holds `error`.
fn indenting_tab(text: &str, from: usize, error: usize) -> Option<usize> {
    let until = text[error.min(text.len())..]
        .find('\n')
        .map_or(text.len(), |i| error + i);
    let mut at = from;
    for line in text[from..until].split_inclusive('\n') {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let rest = line[indent..].trim();
        if !rest.is_empty()
            && !rest.starts_with('#')
            && let Some(i) = line[..indent].find('\t')
        {
            return Some(at + i);
        }
        at += line.len();
    }
    None
}

/// The first line of the file that is not blank (after a byte order mark), without its line
/// break and surrounding white space.
pub fn first_line(text: &str) -> Range<usize> {
    let mut start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    for line in text[start..].split_inclusive('\n') {
        if !line.trim().is_empty() {
            let leading = line.len() - line.trim_start().len();
            return start + leading..start + line.trim_end().len();
        }
        start += line.len();
    }
    start..start
}

/// The id that a frontmatter which cannot be parsed declares on a line of its own at the top
/// level (`id: roles-guide`, `id: "roles-guide"`, TOML's `id = "roles-guide"`), with its span:
/// references to the entry then resolve as they would once the syntax error is fixed. A value
/// that is not a plain word (quotes left open, flow syntax) is not guessed at.
pub fn declared_id(text: &str, split: &Split, key: &str) -> Option<(String, Range<usize>)> {
    let separator = match split.format {
        Format::Yaml => ':',
        Format::Toml => '=',
        Format::Json => return None,
    };
    let mut at = split.yaml.start;
    for line in text.get(split.yaml.clone())?.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let Some(rest) = line.strip_prefix(key) else {
            continue;
        };
        let after_key = rest.trim_start_matches([' ', '\t']);
        let Some(value) = after_key.strip_prefix(separator) else {
            continue;
        };
        let trimmed = value.trim_start_matches([' ', '\t']);
        let offset = start + key.len() + (rest.len() - trimmed.len());
        let raw = trimmed.trim_end();
        let (inner, skip) = match raw.chars().next()? {
            q @ ('"' | '\'') if raw.len() >= 2 && raw.ends_with(q) => (&raw[1..raw.len() - 1], 1),
            _ if split.format == Format::Toml => return None,
            _ => (raw, 0),
        };
        let plain = !inner.is_empty()
            && inner
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
        return plain.then(|| {
            (
                inner.to_string(),
                offset + skip..offset + skip + inner.len(),
            )
        });
    }
    None
}
