//! The discover stage: which files of the tree make up the KB, and the collection of each.

use anyhow::Result;

use crate::config::Settings;

/// A file of the KB and the collection that holds it.
#[derive(Debug, Clone)]
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
