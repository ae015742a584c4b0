//! `kblint report --html`: one self-contained page that maps what the sources of the KB agree
//! and disagree on. [`model`] builds a plain [`Map`] from the index, the contradiction analysis
//! and the findings; [`page`] writes it as HTML, with a diagram per dispute drawn by [`svg`].
//! The same map feeds `kblint disputes --format dot` ([`super::dot`]). The view needs the index
//! and the analyses as well as the findings, so [`map`] builds the map from the [`Run`] that
//! found them, with the analyses its rules used.

mod escape;
pub mod model;
pub mod page;
pub mod svg;

use std::path::{Component, Path};

use anyhow::Result;

pub use model::{Links, MAX_ROWS, Map, build, encode_path};
pub use page::render;

use crate::run::{Run, UseBaseline};
use crate::tree::Tree;
use crate::{CheckOptions, Mode};

/// Lints the KB as `options` say (the working tree or, with `Mode::Staged`, the index) and maps
/// it, with at most `max_rows` rows in the agreement matrix (0: all). PATHs, rule overrides and
/// `--changed-since` do not apply: the map is of the whole KB.
pub fn map(options: &CheckOptions, links: Links, max_rows: usize) -> Result<Map> {
    let (root, config) = crate::config::locate(options.config.as_deref(), &options.cwd)?;
    let tree = match options.mode {
        Mode::Staged => Tree::index(&root)?,
        _ => Tree::work_tree(&root),
    };
    let run = Run::load(&root, &config, &tree, &[], UseBaseline::Ignore)?;
    Ok(map_of(&run, links, max_rows))
}

/// The map of the KB of `run` (loaded without the baseline: the map is of the whole KB as it
/// stands). What suppression comments cover is left out, as in `kblint check`. The map reads
/// the analyses that the run's rules computed: every quote is matched once.
pub fn map_of(run: &Run, links: Links, max_rows: usize) -> Map {
    let findings = run.findings();
    let mut map = build(run.context(), &findings.kept, links, max_rows);
    map.notices = run.unlisted.clone();
    map
}

/// Links from a page written at `page` to the files of the KB: the relative path from the
/// page's folder to the KB root (`../` for `docs/report.html` in a KB at the repository root).
pub fn relative_links(options: &CheckOptions, page: &Path) -> Result<Links> {
    let (root, _) = crate::config::locate(options.config.as_deref(), &options.cwd)?;
    let folder = page.parent().unwrap_or(Path::new("."));
    let folder = folder
        .canonicalize()
        .map_err(|e| anyhow::anyhow!("cannot write the page into `{}`: {e}", folder.display()))?;
    let root = root.canonicalize().unwrap_or(root);
    let from: Vec<Component> = folder.components().collect();
    let to: Vec<Component> = root.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    if common == 0 {
        // Different drives: an absolute link is the only one that works.
        let root = root.to_string_lossy().replace('\\', "/");
        return Ok(Links {
            // A colon is harmless after `file:///` and a drive letter needs it.
            base: format!(
                "file:///{}/",
                encode_path(root.trim_start_matches('/')).replace("%3A", ":")
            ),
            lines: false,
        });
    }
    let mut base = "../".repeat(from.len() - common);
    for c in &to[common..] {
        // A folder's name is a path segment of the link: `#`, `?`, `%`, `:` and the rest are
        // percent-encoded like the KB's own paths.
        base.push_str(&encode_path(&c.as_os_str().to_string_lossy()).replace('/', "%2F"));
        base.push('/');
    }
    Ok(Links { base, lines: false })
}

/// Links to a repository browser at `url` (`--base-url`): URL + path + `#L<line>`. Only an
/// `http:` or `https:` URL, or a relative one, is accepted: the page puts it in front of every
/// file link, and a `javascript:` or `data:` URL would run when a reader clicks one in a viewer
/// that drops the page's Content-Security-Policy (a mail client, an HTML-to-PDF tool).
pub fn base_url_links(url: &str) -> Result<Links> {
    // Browsers drop white space and control characters from a URL before they read its scheme
    // (`java\tscript:` is `javascript:`): none is accepted.
    if let Some(c) = url.chars().find(|c| c.is_whitespace() || c.is_control()) {
        anyhow::bail!(
            "the base URL `{}` contains {c:?}; give an http or https URL, or a relative one",
            url.escape_debug()
        );
    }
    let scheme = url
        .split_once(':')
        .map(|(before, _)| before)
        .filter(|before| !before.contains(['/', '?', '#']));
    if let Some(scheme) = scheme
        && !scheme.eq_ignore_ascii_case("http")
        && !scheme.eq_ignore_ascii_case("https")
    {
        anyhow::bail!(
            "the base URL `{url}` is a `{scheme}:` URL; give an http or https URL (a repository \
             browser, e.g. `https://github.com/OWNER/REPO/blob/main/`) or a relative one"
        );
    }
    Ok(Links {
        base: if url.is_empty() || url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        },
        lines: true,
    })
}
