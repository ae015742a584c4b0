//! A frontmatter, in any of its three languages, as one tree with a byte span on every key and
//! value: [`split`] finds the frontmatter and the body of a file, [`load`] reads the
//! frontmatter as a [`Node`] tree ([`yaml`], [`toml`] or [`json`] by its language), and
//! [`offsets`] maps a place inside a scalar's value back to the file.

pub mod json;
pub mod offsets;
pub mod split;
pub mod toml;
mod tree;
pub mod yaml;

pub use split::{Split, SplitError, split};
pub use tree::{Key, MAX_DEPTH, Node, Value, YamlError};

/// The language of a frontmatter (spec §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Between `---` lines.
    Yaml,
    /// Between `+++` lines.
    Toml,
    /// A JSON object from a first line `{` to a line `}`.
    Json,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Yaml => "YAML",
            Format::Toml => "TOML",
            Format::Json => "JSON",
        }
    }
}

/// Loads a split frontmatter in its language, as the one spanned tree that the rest reads.
/// Duplicate keys do not stop the load: they come back beside the document.
pub fn load(text: &str, split: &Split) -> Result<(Node, Vec<YamlError>), YamlError> {
    match split.format {
        Format::Yaml => yaml::parse(text, split.yaml.clone()),
        Format::Toml => toml::parse(text, split.yaml.clone()),
        Format::Json => json::parse(text, split.yaml.clone()),
    }
}
