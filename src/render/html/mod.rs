//! `kblint report --html`: one self-contained page that maps what the sources of the KB agree
//! and disagree on. [`model`] builds a plain [`Map`] from the index, the contradiction analysis
//! and the findings; [`page`] writes it as HTML, with a diagram per dispute drawn by [`svg`].
//! The same map feeds `kblint disputes --format dot` ([`super::dot`]). The view needs the index
//! and the analyses as well as the findings, so [`map`] lints with [`crate::lint_keeping_kb`]
//! and builds the map before the index is dropped.

mod escape;
pub mod model;
pub mod page;
pub mod svg;

use std::path::{Component, Path};

use anyhow::Result;

pub use model::{Links, MAX_ROWS, Map, build};
pub use page::render;

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
    let (kb, diagnostics) = crate::lint_keeping_kb(&root, &config, &tree, &[])?;
    Ok(build(&kb, &diagnostics, links, max_rows))
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
        return Ok(Links {
            base: format!("file://{}/", root.display()),
            lines: false,
        });
    }
    let mut base = "../".repeat(from.len() - common);
    for c in &to[common..] {
        base.push_str(&c.as_os_str().to_string_lossy());
        base.push('/');
    }
    Ok(Links { base, lines: false })
}
