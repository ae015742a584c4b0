//! Adopting the notes already in the folder: a collection per top-level folder, with globs
//! that match them and a schema derived from them.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::frontmatter;
use crate::tree::Tree;

use super::derive::derive_schema;
use super::{STARTER_FOLDERS, STARTER_NOTES, TAKEN_NAMES, plural};

/// The Markdown files already in the folder.
pub(super) struct Notes {
    /// Notes with readable frontmatter, outside the starter folders: path → frontmatter.
    adoptable: BTreeMap<String, frontmatter::Node>,
    /// Every other Markdown file that a glob could match, each with why it is left out
    /// (`None`: it simply has no frontmatter).
    foreign: BTreeMap<String, Option<String>>,
}

/// A collection proposed for existing notes.
pub(super) struct Adopted {
    name: String,
    include: String,
    exclude: Vec<String>,
    notes: Vec<String>,
    required: Vec<String>,
    /// Keys that look like misspellings of more common ones, in words.
    near: Vec<String>,
    /// What the derived schema decided, and why, in words.
    decisions: Vec<String>,
    pub(super) schema: String,
    /// Built-in keys whose values do not fit kblint's meaning here, with the reason.
    misfits: Vec<(&'static str, String)>,
}

impl Adopted {
    pub(super) fn schema_path(&self) -> String {
        format!("schema/{}.schema.json", self.name)
    }

    pub(super) fn config(&self) -> String {
        let list = |globs: &[String]| {
            globs
                .iter()
                .map(|g| toml_string(g))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut text = format!(
            "\n# Found by `kblint init`: {} note{} with frontmatter. The schema was derived from\n# their keys and types; tighten it as you see fit.\n[collections.{}]\ninclude = [{}]\n",
            self.notes.len(),
            plural(self.notes.len()),
            self.name,
            toml_string(&self.include)
        );
        if !self.exclude.is_empty() {
            text.push_str(&format!("exclude = [{}]\n", list(&self.exclude)));
        }
        text.push_str(&format!("schema = {}\n", toml_string(&self.schema_path())));
        if !self.misfits.is_empty() {
            for (_, why) in &self.misfits {
                text.push_str(&format!("# {why}: given up, the schema alone checks it.\n"));
            }
            let keys: Vec<String> = self
                .misfits
                .iter()
                .map(|(k, _)| format!("{k} = false"))
                .collect();
            text.push_str(&format!("keys = {{ {} }}\n", keys.join(", ")));
        }
        text
    }
}

impl Notes {
    /// Reads every Markdown file of the folder that git does not ignore.
    pub(super) fn scan(dir: &Path) -> Notes {
        let mut adoptable = BTreeMap::new();
        let mut foreign = BTreeMap::new();
        for path in Tree::work_tree(dir)
            .list()
            .into_iter()
            .filter(|p| p.ends_with(".md"))
        {
            let hidden = path
                .split('/')
                .any(|c| c.starts_with('.') || c == "node_modules");
            if hidden || STARTER_FOLDERS.iter().any(|f| path.starts_with(f)) {
                foreign.insert(path, None);
                continue;
            }
            match read_frontmatter(&dir.join(&path)) {
                Ok(Some(node)) => {
                    adoptable.insert(path, node);
                }
                Ok(None) => {
                    foreign.insert(path, None);
                }
                Err(why) => {
                    foreign.insert(path, Some(why));
                }
            }
        }
        for path in STARTER_NOTES {
            foreign.entry(path.to_string()).or_insert(None);
        }
        Notes { adoptable, foreign }
    }

    /// One collection per top-level folder that holds notes, and one for the notes at the top.
    pub(super) fn collections(&self) -> Vec<Adopted> {
        let mut groups: BTreeMap<Option<&str>, Vec<&str>> = BTreeMap::new();
        for path in self.adoptable.keys() {
            let top = path.split_once('/').map(|(top, _)| top);
            groups.entry(top).or_default().push(path);
        }
        let mut taken: BTreeSet<String> = TAKEN_NAMES.iter().map(|s| s.to_string()).collect();
        let mut out = Vec::new();
        // Folders first, so that a folder called `notes` gets the name `notes`.
        let top_notes = groups.remove(&None).map(|notes| (None, notes));
        for (top, notes) in groups.into_iter().chain(top_notes) {
            let name = match top {
                Some(top) => unique_name(&slug(top), &mut taken),
                None if taken.contains("notes") => unique_name("top", &mut taken),
                None => unique_name("notes", &mut taken),
            };
            let (include, exclude) = match top {
                // `*` stays within one folder: `*.md` is the top folder's notes only.
                None => ("*.md".to_string(), self.foreign_at_top()),
                Some(top) => (
                    format!("{}/**/*.md", escape(top)),
                    self.foreign_under(&format!("{top}/")),
                ),
            };
            let frontmatters: Vec<&frontmatter::Node> =
                notes.iter().map(|p| &self.adoptable[*p]).collect();
            let derived = derive_schema(&name, &frontmatters);
            let misfits = crate::keys::misfits(&frontmatters);
            out.push(Adopted {
                misfits,
                name,
                include,
                exclude,
                notes: notes.iter().map(|s| s.to_string()).collect(),
                required: derived.required,
                near: derived.near,
                decisions: derived.decisions,
                schema: derived.schema,
            });
        }
        out
    }

    /// Exclude globs for the Markdown files at the top of the folder that are not notes.
    fn foreign_at_top(&self) -> Vec<String> {
        self.foreign
            .keys()
            .filter(|p| !p.contains('/'))
            .map(|p| escape(p))
            .collect()
    }

    /// Exclude globs for the Markdown files under `folder` that are not notes: a whole
    /// subfolder when it holds no note, the single file otherwise.
    fn foreign_under(&self, folder: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut covered: Option<String> = None;
        for path in self.foreign.keys().filter(|p| p.starts_with(folder)) {
            if covered
                .as_ref()
                .is_some_and(|c| path.starts_with(c.as_str()))
            {
                continue;
            }
            // The highest subfolder of `folder` on the way to `path` that holds no note.
            let rest = &path[folder.len()..];
            let mut sub = folder.to_string();
            let mut glob = escape(path);
            for part in rest
                .split('/')
                .collect::<Vec<_>>()
                .split_last()
                .map_or(&[][..], |(_, dirs)| dirs)
            {
                sub.push_str(part);
                sub.push('/');
                if !self.adoptable.keys().any(|n| n.starts_with(&sub)) {
                    glob = format!("{}**", escape(&sub));
                    covered = Some(sub.clone());
                    break;
                }
            }
            out.push(glob);
        }
        out
    }

    /// What was found, in words.
    pub(super) fn describe(&self, adopted: &[Adopted]) -> String {
        let mut out = String::new();
        for a in adopted {
            out.push_str(&format!(
                "found {} note{} with frontmatter: collection `{}` includes {}{}, checked by {} (required: {})\n",
                a.notes.len(),
                plural(a.notes.len()),
                a.name,
                a.include,
                if a.exclude.is_empty() { String::new() } else { format!(" except {}", a.exclude.join(", ")) },
                a.schema_path(),
                if a.required.is_empty() { "nothing".to_string() } else { a.required.join(", ") },
            ));
            for decision in &a.decisions {
                out.push_str(&format!("  {decision}\n"));
            }
            for near in &a.near {
                out.push_str(&format!("note: in collection `{}`, {near}\n", a.name));
            }
        }
        for (path, why) in &self.foreign {
            if let Some(why) = why {
                out.push_str(&format!("left out {path}: {why}\n"));
            }
        }
        out
    }
}

/// The frontmatter of a Markdown file: `None` when it has none, `Err` when it cannot be read.
fn read_frontmatter(path: &Path) -> Result<Option<frontmatter::Node>, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read it as UTF-8 text ({e})"))?;
    let split = match frontmatter::split(&text) {
        Ok(split) => split,
        Err(frontmatter::SplitError::Unterminated(..)) => {
            return Err("its frontmatter is never closed".into());
        }
        Err(_) => return Ok(None),
    };
    let (root, duplicates) = frontmatter::load(&text, &split).map_err(|e| {
        format!(
            "its frontmatter is not valid {} ({})",
            split.format.name(),
            e.message
        )
    })?;
    if let Some(d) = duplicates.first() {
        return Err(format!("its frontmatter {}", d.message));
    }
    match root.value {
        frontmatter::Value::Map(_) => Ok(Some(root)),
        frontmatter::Value::Null => Ok(Some(frontmatter::Node {
            span: root.span,
            value: frontmatter::Value::Map(Vec::new()),
        })),
        _ => Err("its frontmatter is not a mapping of keys".into()),
    }
}

/// A collection name that TOML takes as a bare key: lowercase letters, digits and `-`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "notes".into() } else { out }
}

fn unique_name(base: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = base.to_string();
    if taken.contains(&name) {
        name = format!("{base}-notes");
    }
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}-notes-{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// A path as a glob that matches exactly it: wildcard characters made literal.
fn escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '*' | '?' | '[' | ']' | '{' | '}' => {
                out.push('[');
                out.push(c);
                out.push(']');
            }
            c => out.push(c),
        }
    }
    out
}

fn toml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bare_toml_keys_and_unique() {
        let mut taken: BTreeSet<String> = TAKEN_NAMES.iter().map(|s| s.to_string()).collect();
        assert_eq!(unique_name(&slug("My Notes"), &mut taken), "my-notes");
        assert_eq!(unique_name(&slug("entries"), &mut taken), "entries-notes");
        assert_eq!(unique_name(&slug("Entries"), &mut taken), "entries-notes-2");
        assert_eq!(slug("_"), "notes");
    }

    #[test]
    fn escaped_paths_match_only_themselves() {
        let glob = globset::Glob::new(&escape("a[1]/b*.md"))
            .unwrap()
            .compile_matcher();
        assert!(glob.is_match("a[1]/b*.md"));
        assert!(!glob.is_match("a1/bx.md"));
    }
}
