//! `kblint.toml`: the strict file format, and the resolved settings the pipeline runs with.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use globset::{GlobBuilder, GlobMatcher};
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::tree::Tree;

pub const FILE_NAME: &str = "kblint.toml";

/// How much a rule's findings matter, as written in `kblint.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warn,
    Info,
    Off,
}

impl Level {
    /// The severity of the findings at this level; `None` when the rule is off.
    pub fn severity(self) -> Option<Severity> {
        match self {
            Level::Error => Some(Severity::Error),
            Level::Warn => Some(Severity::Warning),
            Level::Info => Some(Severity::Info),
            Level::Off => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Off => "off",
        }
    }
}

/// The file as written. Unknown keys are errors.
#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "kblint.toml",
    description = "Configuration of kblint, the knowledge-base linter"
)]
pub struct RawConfig {
    /// Path of the vocabulary file that declares the claim properties (relative to the KB root).
    #[schemars(with = "Option<String>")]
    pub vocabulary: Option<Spanned<String>>,
    /// Named collections of entries: which files they hold and how to check them.
    #[serde(default)]
    pub collections: BTreeMap<String, RawCollection>,
    /// Severity per rule: `error`, `warn`, `info` or `off`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Level>")]
    pub rules: BTreeMap<String, Spanned<Level>>,
    /// Path of the baseline file, whose findings `kblint check` does not report (default
    /// `kblint-baseline.json`; `kblint baseline` writes it).
    #[schemars(with = "Option<String>")]
    pub baseline: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCollection {
    /// Globs of the files in the collection, relative to the KB root (`kb/roles/**/*.md`).
    #[schemars(with = "Vec<String>")]
    pub include: Spanned<Vec<String>>,
    /// Globs of files to leave out even though `include` matches them.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// JSON Schema (draft 2020-12 or 7) for the frontmatter of the collection's entries.
    #[schemars(with = "Option<String>")]
    pub schema: Option<Spanned<String>>,
    /// Whether the entries are citable sources, whose body is the verbatim cited document.
    #[serde(default)]
    pub sources: bool,
    /// Renames or gives up kblint's built-in frontmatter keys in this collection:
    /// `{ id = "slug", aliases = false, related = false }` (any of `id`, `aliases`, `related`,
    /// `claims`). A key given up is an ordinary key, checked by the schema alone.
    #[schemars(with = "Option<crate::keys::RawKeys>")]
    pub keys: Option<Spanned<crate::keys::RawKeys>>,
    /// Severity per rule for this collection's files, over the top-level `[rules]`.
    #[serde(default)]
    #[schemars(with = "BTreeMap<String, Level>")]
    pub rules: BTreeMap<String, Spanned<Level>>,
}

/// Settings resolved from the file: nothing optional left that the pipeline must guess.
#[derive(Debug)]
pub struct Settings {
    /// The KB root on disk: the folder that holds the config.
    pub root: PathBuf,
    /// The config's path relative to the root (`kblint.toml`).
    pub config_path: String,
    pub config_text: String,
    pub vocabulary: Option<Spanned<String>>,
    pub collections: Vec<Collection>,
    /// The levels set in `[rules]` and on the command line, by rule name.
    levels: BTreeMap<String, Level>,
    /// The baseline file's path relative to the root (`kblint-baseline.json`).
    pub baseline: String,
}

/// The baseline file when the config names none.
pub const BASELINE: &str = "kblint-baseline.json";

#[derive(Debug)]
pub struct Collection {
    pub name: String,
    include: Vec<(GlobMatcher, String)>,
    exclude: Vec<GlobMatcher>,
    pub include_span: std::ops::Range<usize>,
    pub schema: Option<Spanned<String>>,
    pub sources: bool,
    /// The frontmatter keys that carry kblint's built-in meanings here.
    pub keys: crate::keys::Keys,
    /// The levels of `[collections.NAME.rules]`, over the top-level ones.
    levels: BTreeMap<String, Level>,
}

impl Collection {
    /// The `include` globs as written, each with its base folder (the part before its first
    /// wildcard, `kb/roles/` for `kb/roles/**/*.md`).
    pub fn include_globs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.include
            .iter()
            .map(|(g, base)| (g.glob().glob(), base.as_str()))
    }

    /// Whether an `include` glob matches `path`, whatever `exclude` says.
    pub fn includes(&self, path: &str) -> bool {
        self.include.iter().any(|(g, _)| g.is_match(path))
    }

    /// The folder of the collection's first include glob (the part before its first
    /// wildcard, `kb/sources/` for `kb/sources/**/*.md`): where new entries are written.
    pub fn folder(&self) -> Option<&str> {
        self.include.first().map(|(_, base)| base.as_str())
    }

    /// When the collection holds `path`: the entry's default id (spec §2).
    pub fn default_id(&self, path: &str) -> Option<String> {
        if self.exclude.iter().any(|g| g.is_match(path)) {
            return None;
        }
        let (_, base) = self.include.iter().find(|(g, _)| g.is_match(path))?;
        let rel = path.strip_prefix(base.as_str()).unwrap_or(path);
        let rel = rel.strip_suffix(".md").unwrap_or(rel);
        Some(rel.strip_suffix("/index").unwrap_or(rel).to_string())
    }
}

impl Settings {
    /// The level of the rule `name` in this configuration, `default` when it sets none.
    pub fn level(&self, name: &str, default: Level) -> Level {
        self.levels.get(name).copied().unwrap_or(default)
    }

    /// The level of the rule `name` for the files of collection `collection` (an index in
    /// `collections`; `None` for a file of no collection): `[collections.NAME.rules]`, then
    /// `[rules]`, then `default`.
    pub fn level_in(&self, name: &str, default: Level, collection: Option<usize>) -> Level {
        collection
            .and_then(|c| self.collections.get(c))
            .and_then(|c| c.levels.get(name))
            .copied()
            .unwrap_or_else(|| self.level(name, default))
    }

    /// Whether the rule `name` is on for the files of some collection, or for the KB as a whole.
    pub fn enabled_anywhere(&self, name: &str, default: Level) -> bool {
        self.level(name, default) != Level::Off
            || self
                .collections
                .iter()
                .any(|c| c.levels.get(name).is_some_and(|l| *l != Level::Off))
    }

    /// Overrides a rule's level everywhere (from the command line).
    pub fn set_level(&mut self, name: &str, level: Level) {
        self.levels.insert(name.to_string(), level);
        for c in &mut self.collections {
            c.levels.remove(name);
        }
    }

    /// The collection that includes `path`, as an index in `collections`.
    pub fn collection_of(&self, path: &str) -> Option<usize> {
        self.collections
            .iter()
            .position(|c| c.default_id(path).is_some())
    }

    /// 1-based line of a byte offset in the config, for messages.
    pub fn line_of(&self, offset: usize) -> usize {
        line_of(&self.config_text, offset)
    }

    /// Reads the config `config_path` from `tree`; see [`Settings::parse`].
    pub fn load(root: &Path, config_path: &str, tree: &Tree, rules: &[&str]) -> Result<Settings> {
        Settings::parse(root, config_path, tree.read_text(config_path)?, rules)
    }

    /// Parses the config text; `root` is the folder that holds it, and `rules` the names of
    /// every rule (a name in `[rules]` that is not one of them is an error).
    pub fn parse(root: &Path, config_path: &str, text: String, rules: &[&str]) -> Result<Settings> {
        let raw: RawConfig = toml::from_str(&text).map_err(|e| {
            let line = e.span().map_or(1, |s| line_of(&text, s.start));
            anyhow::anyhow!("{config_path}:{line}: {}", e.message())
        })?;
        let levels = levels_of(&raw.rules, "[rules]", config_path, &text, rules)?;
        let mut collections = Vec::new();
        for (name, c) in raw.collections {
            let line = line_of(&text, c.include.span().start);
            if c.include.get_ref().is_empty() {
                bail!("{config_path}:{line}: collection `{name}` has no `include` glob");
            }
            // `*` stays within one folder; `**` crosses folders, as in .gitignore.
            let compile = |pattern: &str| {
                GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .build()
                    .map(|g| g.compile_matcher())
                    .with_context(|| {
                        format!(
                            "{config_path}:{line}: invalid glob `{pattern}` in collection `{name}`"
                        )
                    })
            };
            let include = c
                .include
                .get_ref()
                .iter()
                .map(|p| Ok((compile(p)?, glob_base(p))))
                .collect::<Result<_>>()?;
            let exclude = c
                .exclude
                .iter()
                .map(|p| compile(p))
                .collect::<Result<_>>()?;
            let keys = match &c.keys {
                None => crate::keys::Keys::default(),
                Some(k) => crate::keys::Keys::resolve(Some(k.get_ref())).map_err(|e| {
                    let line = line_of(&text, k.span().start);
                    anyhow::anyhow!("{config_path}:{line}: collection `{name}`: {e}")
                })?,
            };
            let table = format!("[collections.{name}.rules]");
            let levels = levels_of(&c.rules, &table, config_path, &text, rules)?;
            collections.push(Collection {
                name,
                include,
                exclude,
                include_span: c.include.span(),
                schema: c.schema,
                sources: c.sources,
                keys,
                levels,
            });
        }
        let baseline = match raw.baseline {
            None => BASELINE.to_string(),
            Some(b) => {
                let line = line_of(&text, b.span().start);
                let path = b.into_inner();
                // `kblint baseline` writes this file: it must stay inside the KB.
                let leaves = Path::new(&path).components().any(|c| {
                    !matches!(
                        c,
                        std::path::Component::Normal(_) | std::path::Component::CurDir
                    )
                });
                if leaves || path.starts_with(['/', '\\']) || path.trim().is_empty() {
                    bail!(
                        "{config_path}:{line}: `baseline = \"{path}\"` must be a path inside the KB, relative to its root (no `..`, not absolute)"
                    );
                }
                path
            }
        };
        Ok(Settings {
            root: root.to_path_buf(),
            config_path: config_path.to_string(),
            config_text: text,
            vocabulary: raw.vocabulary,
            collections,
            levels,
            baseline,
        })
    }
}

/// The levels of a `[rules]` table; a name that is not a rule's is an error naming its line.
fn levels_of(
    table: &BTreeMap<String, Spanned<Level>>,
    what: &str,
    config_path: &str,
    text: &str,
    rules: &[&str],
) -> Result<BTreeMap<String, Level>> {
    let mut levels = BTreeMap::new();
    for (name, level) in table {
        if !rules.contains(&name.as_str()) {
            let line = line_of(text, level.span().start);
            let hint = crate::suggest::did_you_mean(rules.iter().copied(), name);
            bail!(
                "{config_path}:{line}: unknown rule `{name}` in {what}{hint} (the rules are: {})",
                rules.join(", ")
            );
        }
        levels.insert(name.clone(), *level.get_ref());
    }
    Ok(levels)
}

/// Finds the config: `explicit`, or the nearest `kblint.toml` walking up from `start`.
/// Returns the KB root and the config's file name relative to it.
pub fn locate(explicit: Option<&Path>, start: &Path) -> Result<(PathBuf, String)> {
    if let Some(path) = explicit {
        if !path.is_file() {
            bail!("config file `{}` does not exist", path.display());
        }
        let path = path
            .canonicalize()
            .with_context(|| format!("cannot resolve `{}`", path.display()))?;
        let root = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        return Ok((root, name));
    }
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join(FILE_NAME).is_file() {
            return Ok((d.to_path_buf(), FILE_NAME.to_string()));
        }
        dir = d.parent();
    }
    bail!(
        "no `{FILE_NAME}` found in `{}` or any folder above it (run `kblint init` to create one)",
        start.display()
    )
}

/// The literal folder part of a glob, before its first wildcard: the collection's base folder.
pub fn glob_base(pattern: &str) -> String {
    let literal = pattern
        .find(['*', '?', '[', '{'])
        .map_or(pattern, |i| &pattern[..i]);
    literal
        .rfind('/')
        .map_or(String::new(), |i| literal[..=i].to_string())
}

fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The JSON Schema of `kblint.toml`, generated from [`RawConfig`].
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(RawConfig);
    serde_json::to_string_pretty(&schema).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ids_follow_the_glob_base() {
        let s = Settings::parse(
            Path::new("/kb"),
            "kblint.toml",
            "[collections.roles]\ninclude = [\"kb/roles/**/*.md\"]\n[collections.docs]\ninclude = [\"files/**/index.md\"]\n".into(),
            &[],
        )
        .unwrap();
        let roles = s.collections.iter().find(|c| c.name == "roles").unwrap();
        assert_eq!(
            roles.default_id("kb/roles/product-owner.md").as_deref(),
            Some("product-owner")
        );
        let docs = s.collections.iter().find(|c| c.name == "docs").unwrap();
        assert_eq!(
            docs.default_id("files/web/api/index.md").as_deref(),
            Some("web/api")
        );
        assert_eq!(docs.default_id("kb/roles/x.md"), None);
    }

    #[test]
    fn unknown_keys_and_rules_name_the_line() {
        let e = Settings::parse(
            Path::new("/"),
            "kblint.toml",
            "\n[collections.a]\ninclude = []\nschemas = \"x\"\n".into(),
            &[],
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("kblint.toml:4:"), "{e}");
        let e = Settings::parse(
            Path::new("/"),
            "kblint.toml",
            "[rules]\n\nno-such-rule = \"off\"\n".into(),
            &["schema"],
        )
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("kblint.toml:3: unknown rule `no-such-rule`"),
            "{e}"
        );
    }
}
