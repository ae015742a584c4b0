//! `kblint source add` and `kblint source check --online`: sources from the web (spec §12).
//!
//! `add` fetches a page ([`fetch`]) or reads a file, decodes it ([`charset`]), extracts its
//! readable text ([`extract`]), and writes a snapshot with its frontmatter, and the raw bytes
//! beside it ([`snapshot`]), after checking that the new file lints clean. `check --online`
//! ([`online`]) fetches every source again and looks for each quote in the live text.

pub mod charset;
pub mod extract;
pub mod fetch;
pub mod online;
pub mod snapshot;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::config::{self, Settings};
use crate::diagnostic::Severity;
use crate::tree::Tree;
use extract::Kind;
use fetch::Limits;

/// What `kblint source add` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    /// A URL (`http`/`https`) or a file path (relative to `cwd`).
    pub target: String,
    pub id: Option<String>,
    pub collection: Option<String>,
    pub title: Option<String>,
    pub no_raw: bool,
    pub limits: Limits,
    pub config: Option<PathBuf>,
    pub cwd: PathBuf,
}

/// What `source add` wrote.
#[derive(Debug)]
pub struct Added {
    pub id: String,
    /// The snapshot, relative to the KB root.
    pub path: String,
    /// The raw bytes' file, relative to the KB root, unless `--no-raw`.
    pub raw: Option<String>,
    pub title: String,
}

/// A document as read: its bytes and what they are.
struct Document {
    bytes: Vec<u8>,
    kind: Kind,
    content_type: Option<String>,
    url: Option<String>,
    final_url: Option<String>,
    /// For a file: its name without extension, the title of last resort.
    stem: Option<String>,
}

/// Adds a source to the KB (spec §12). Writes nothing unless everything succeeded.
pub fn add(options: &AddOptions, progress: fetch::Progress) -> Result<Added> {
    let (root, config_path) = config::locate(options.config.as_deref(), &options.cwd)?;
    let work_tree = Tree::work_tree(&root);
    let settings = Settings::load(&root, &config_path, &work_tree, &crate::rules::names())?;
    let collection = sources_collection(&settings, options.collection.as_deref())?;
    let folder = settings.collections[collection]
        .folder()
        .unwrap_or("")
        .to_string();

    let document = read(options, progress)?;
    let extracted = match document.kind {
        Kind::Html => {
            let (text, _) =
                charset::decode(&document.bytes, document.content_type.as_deref(), true);
            extract::html(&text)
        }
        Kind::Text | Kind::Markdown => {
            let (text, _) =
                charset::decode(&document.bytes, document.content_type.as_deref(), false);
            extract::text(&text, document.kind)
        }
        Kind::Pdf => bail!(
            "`{}` is a PDF: kblint does not extract PDF text yet (save the text as a .txt file and add that)",
            options.target
        ),
    };
    if extracted.article.trim().is_empty() {
        bail!("no readable text found in `{}`", options.target);
    }
    let title = options
        .title
        .clone()
        .or(extracted.title.clone())
        .or(document.stem.clone())
        .or(document.url.clone())
        .unwrap_or_else(|| "untitled".to_string());

    let (kb, _) = crate::lint_keeping_kb(&root, &config_path, &work_tree, &[])?;
    let path_of = |id: &str| format!("{folder}{id}.md");
    let raw_of = |id: &str| format!("{folder}{id}.{}", document.kind.extension());
    let taken = |id: &str| {
        kb.entry(id).is_some()
            || root.join(path_of(id)).symlink_metadata().is_ok()
            || (!options.no_raw && root.join(raw_of(id)).symlink_metadata().is_ok())
    };
    let id = match &options.id {
        Some(id) => {
            check_id(id)?;
            if kb.entry(id).is_some() {
                bail!("the KB already has an entry `{id}`; choose another `--id`");
            }
            if taken(id) {
                bail!(
                    "`{}` exists already; kblint never overwrites it (choose another `--id`)",
                    path_of(id)
                );
            }
            id.clone()
        }
        None => snapshot::unique(&snapshot::id_from_title(&title), taken),
    };
    let path = path_of(&id);
    let raw = (!options.no_raw).then(|| raw_of(&id));
    let front = snapshot::Frontmatter {
        id: id.clone(),
        title: title.clone(),
        url: document.url.clone(),
        final_url: document.final_url.clone(),
        retrieved: snapshot::now_rfc3339(),
        extractor: extracted.extractor.to_string(),
        raw_sha256: raw
            .as_ref()
            .map(|_| crate::digest::sha256_hex(&document.bytes)),
    };
    let text = snapshot::file_text(&front, &extracted.article);
    lints_clean(&root, &config_path, &path, &text)?;
    let mut files = Vec::new();
    if let Some(raw) = &raw {
        files.push((root.join(raw), document.bytes.clone()));
    }
    files.push((root.join(&path), text.into_bytes()));
    snapshot::write_all(&files)?;
    Ok(Added {
        id,
        path,
        raw,
        title,
    })
}

/// The collection that new sources go to: `--collection`, or the only one with `sources = true`.
fn sources_collection(settings: &Settings, asked: Option<&str>) -> Result<usize> {
    let sources: Vec<usize> = (0..settings.collections.len())
        .filter(|&c| settings.collections[c].sources)
        .collect();
    let names = || {
        sources
            .iter()
            .map(|&c| format!("`{}`", settings.collections[c].name))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match asked {
        Some(name) => match settings.collections.iter().position(|c| c.name == name) {
            Some(c) if settings.collections[c].sources => Ok(c),
            Some(_) => bail!(
                "collection `{name}` does not hold sources (it has no `sources = true`); the source collections are: {}",
                names()
            ),
            None => bail!(
                "no collection `{name}` in the config{}; the source collections are: {}",
                crate::suggest::closest(settings.collections.iter().map(|c| c.name.as_str()), name)
                    .map_or(String::new(), |c| format!(" (did you mean `{c}`?)")),
                names()
            ),
        },
        None => match sources.as_slice() {
            [c] => Ok(*c),
            [] => bail!(
                "no collection of the config has `sources = true`, so there is nowhere to add a source"
            ),
            _ => bail!(
                "several collections hold sources ({}); name one with `--collection`",
                names()
            ),
        },
    }
}

/// An id given with `--id`: a file name, so no path separators and nothing hidden.
fn check_id(id: &str) -> Result<()> {
    if id.is_empty()
        || id.starts_with('.')
        || id.contains(['/', '\\', '\0'])
        || id.chars().any(char::is_control)
    {
        bail!(
            "`{id}` cannot be an id here: it names the snapshot's file, so it must be a file name"
        );
    }
    Ok(())
}

/// Reads the document: fetched for a URL, from disk for a file.
fn read(options: &AddOptions, progress: fetch::Progress) -> Result<Document> {
    let target = &options.target;
    let lower = target.to_ascii_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") {
        let page = fetch::get(target, &options.limits, fetch::Ask::default(), progress)
            .map_err(fetch::into_error)?;
        if !(200..300).contains(&page.status) {
            bail!(
                "`{}` answered {} {}; nothing was written",
                page.final_url,
                page.status,
                reason(page.status)
            );
        }
        let kind = page
            .content_type
            .as_deref()
            .and_then(Kind::from_media_type)
            .unwrap_or_else(|| Kind::sniff(&page.bytes));
        let final_url = (page.final_url != *target).then(|| page.final_url.clone());
        return Ok(Document {
            bytes: page.bytes,
            kind,
            content_type: page.content_type,
            url: Some(target.clone()),
            final_url,
            stem: None,
        });
    }
    if lower.contains("://") {
        bail!("`{target}` is neither an http(s) address nor a file");
    }
    let path = options.cwd.join(target);
    let meta = std::fs::metadata(&path).with_context(|| format!("cannot read `{target}`"))?;
    if meta.len() > options.limits.max_bytes {
        bail!(
            "`{target}` is larger than the size limit of {} (raise it with `--max-size`)",
            fetch::size(options.limits.max_bytes)
        );
    }
    let bytes = std::fs::read(&path).with_context(|| format!("cannot read `{target}`"))?;
    let kind = Path::new(target)
        .extension()
        .and_then(|e| e.to_str())
        .and_then(Kind::from_extension)
        .unwrap_or_else(|| Kind::sniff(&bytes));
    let stem = Path::new(target)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned());
    Ok(Document {
        bytes,
        kind,
        content_type: None,
        url: None,
        final_url: None,
        stem,
    })
}

/// Fails, naming each finding, when the new snapshot would not lint clean: an error in it
/// (its schema, say) means the config and the snapshot disagree, and nothing is written.
fn lints_clean(root: &Path, config: &str, path: &str, text: &str) -> Result<()> {
    let tree = Tree::overlay(
        Tree::work_tree(root),
        BTreeMap::from([(path.to_string(), text.to_string())]),
    );
    let (kb, diagnostics) = crate::lint_keeping_kb(root, config, &tree, &[])?;
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error && kb.files.get(d.primary.file).path == path)
        .map(|d| format!("  {}: {}", d.rule, d.message))
        .collect();
    if !kb.files.iter().any(|(_, f)| f.path == path) {
        bail!("`{path}` would not be part of the KB: no collection includes it");
    }
    if !errors.is_empty() {
        bail!(
            "the new source `{path}` would not lint clean, so nothing was written:\n{}\n(does the collection's schema allow the keys of a snapshot: id, title, url, final_url, retrieved, extractor, raw_sha256, sha256? `kblint init` writes one that does)",
            errors.join("\n")
        );
    }
    Ok(())
}

/// The reason phrase of the statuses worth naming.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
