//! The discover stage: which files of the tree make up the KB, and the collection of each.

use std::collections::BTreeSet;

use anyhow::Result;

use crate::config::Settings;

/// A file of the KB and the collection that holds it.
pub struct Found {
    pub path: String,
    /// Index in the settings' collections.
    pub collection: usize,
    pub default_id: String,
}

/// Every file of `listing` (the tree's files, sorted) that a collection includes. A file
/// included by two collections is a configuration error.
pub fn discover(settings: &Settings, listing: &[String]) -> Result<Vec<Found>> {
    let mut found = Vec::new();
    for path in listing {
        let mut owners = settings
            .collections
            .iter()
            .enumerate()
            .filter_map(|(n, c)| c.default_id(path).map(|id| (n, id)));
        let Some((collection, default_id)) = owners.next() else {
            continue;
        };
        if let Some((other, _)) = owners.next() {
            let (a, b) = (
                &settings.collections[collection],
                &settings.collections[other],
            );
            anyhow::bail!(
                "{}:{}: `{path}` is included by both collection `{}` and collection `{}`",
                settings.config_path,
                settings.line_of(b.include_span.start),
                a.name,
                b.name
            );
        }
        found.push(Found {
            path: path.clone(),
            collection,
            default_id,
        });
    }
    Ok(found)
}

/// A warning for each collection that includes no file of `listing` (`found` being what
/// [`discover`] found there): its globs are likely misspelt (`kb/entry/**` for
/// `kb/entries/**`), and its files would otherwise go unchecked in silence. A warning, not an
/// error: a KB may hold sources before its first entry, or lose its last source.
pub fn empty_collections(settings: &Settings, listing: &[String], found: &[Found]) -> Vec<String> {
    let mut used = vec![false; settings.collections.len()];
    for f in found {
        used[f.collection] = true;
    }
    (0..used.len())
        .filter(|n| !used[*n])
        .map(|n| includes_nothing(settings, n, listing))
        .collect()
}

/// The warning for collection `n`, which includes no file of `listing`: its globs, why nothing
/// is left (every match excluded, or no match), and the folder nearest to a glob's base folder
/// when that folder holds no file.
fn includes_nothing(settings: &Settings, n: usize, listing: &[String]) -> String {
    let c = &settings.collections[n];
    let globs: Vec<String> = c.include_globs().map(|(g, _)| format!("`{g}`")).collect();
    let mut message = format!(
        "{}:{}: collection `{}` includes no file: ",
        settings.config_path,
        settings.line_of(c.include_span.start),
        c.name
    );
    if listing.iter().any(|p| c.includes(p)) {
        message.push_str(&format!(
            "`exclude` leaves out every file that {} match{}",
            globs.join(", "),
            if globs.len() == 1 { "es" } else { "" }
        ));
        return message;
    }
    message.push_str(&format!(
        "no file of the KB matches {} (files that git ignores are not read)",
        globs.join(" or ")
    ));
    let folders: BTreeSet<&str> = listing
        .iter()
        .flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i]))
        .collect();
    let nearest = c.include_globs().find_map(|(glob, base)| {
        let base = base.strip_suffix('/')?;
        if base.is_empty() || folders.contains(base) {
            return None;
        }
        let folder = nearest_folder(&folders, base)?;
        Some(format!("{folder}/{}", &glob[base.len() + 1..]))
    });
    if let Some(glob) = nearest {
        message.push_str(&format!("; did you mean `{glob}`?"));
    }
    message
}

/// The existing folder that `missing` most likely misspells: the closest by edit distance, or
/// else a sibling whose name starts like it (`kb/entries` for `kb/entry`).
fn nearest_folder<'a>(folders: &BTreeSet<&'a str>, missing: &str) -> Option<&'a str> {
    if let Some(folder) = crate::suggest::closest(folders.iter().copied(), missing) {
        return Some(folder);
    }
    let (parent, name) = missing.rsplit_once('/').unwrap_or(("", missing));
    let least = (name.chars().count() / 2).max(3);
    folders
        .iter()
        .filter_map(|f| {
            let (p, n) = f.rsplit_once('/').unwrap_or(("", f));
            let shared = n
                .chars()
                .zip(name.chars())
                .take_while(|(a, b)| a == b)
                .count();
            (p == parent && shared >= least).then_some((std::cmp::Reverse(shared), n.len(), *f))
        })
        .min()
        .map(|(_, _, f)| f)
}

/// A warning for each symbolic link of `links` that a collection includes: kblint reads no
/// file through a link, and says so rather than leave the file out of the KB without a word.
pub fn links(settings: &Settings, links: &[String]) -> Vec<String> {
    links
        .iter()
        .filter(|path| settings.collections.iter().any(|c| c.default_id(path).is_some()))
        .map(|path| {
            format!(
                "`{path}` is a symbolic link; not read (kblint reads only regular files inside the KB)"
            )
        })
        .collect()
}
