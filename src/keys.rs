//! The frontmatter keys that carry kblint's built-in meaning (spec §2), per collection:
//! `keys = { id = "slug", aliases = false, related = false }` renames a key or gives it up, for
//! a site whose frontmatter already uses these names for something else.

use serde::Deserialize;

use crate::frontmatter::{Node, Value};

/// One built-in key as written in `keys`: a new name, or `false` to give the key up (`true`
/// keeps the usual name).
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum KeySetting {
    /// The frontmatter key that carries this meaning in the collection.
    Name(String),
    /// `false`: the collection gives the meaning up, the key is an ordinary one; `true`: the
    /// usual name.
    Enabled(bool),
}

/// `keys = { … }` as written.
#[derive(Debug, Clone, Default, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawKeys {
    /// The key that names the entry (default `id`); `false`: the id is always the default one.
    pub id: Option<KeySetting>,
    /// The key of the entry's other names (default `aliases`).
    pub aliases: Option<KeySetting>,
    /// The key of the entry's references to other entries (default `related`).
    pub related: Option<KeySetting>,
    /// The key of the entry's claims (default `claims`).
    pub claims: Option<KeySetting>,
}

/// The resolved names: `None` where the collection gave the meaning up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    pub id: Option<String>,
    pub aliases: Option<String>,
    pub related: Option<String>,
    pub claims: Option<String>,
}

impl Default for Keys {
    fn default() -> Self {
        Keys {
            id: Some("id".into()),
            aliases: Some("aliases".into()),
            related: Some("related".into()),
            claims: Some("claims".into()),
        }
    }
}

impl Keys {
    /// Resolves `keys`; an empty name is an error (returned as its message).
    pub fn resolve(raw: Option<&RawKeys>) -> Result<Keys, String> {
        let Some(raw) = raw else {
            return Ok(Keys::default());
        };
        let one = |setting: &Option<KeySetting>, default: &str| match setting {
            None | Some(KeySetting::Enabled(true)) => Ok(Some(default.to_string())),
            Some(KeySetting::Enabled(false)) => Ok(None),
            Some(KeySetting::Name(n)) if n.trim().is_empty() => Err(format!(
                "`keys.{default}` is empty: give the frontmatter key's name, or `false`"
            )),
            Some(KeySetting::Name(n)) => Ok(Some(n.clone())),
        };
        let keys = Keys {
            id: one(&raw.id, "id")?,
            aliases: one(&raw.aliases, "aliases")?,
            related: one(&raw.related, "related")?,
            claims: one(&raw.claims, "claims")?,
        };
        let names: Vec<&str> = [&keys.id, &keys.aliases, &keys.related, &keys.claims]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect();
        for (i, n) in names.iter().enumerate() {
            if names[..i].contains(n) {
                return Err(format!(
                    "`keys` gives two built-in meanings the same frontmatter key `{n}`"
                ));
            }
        }
        Ok(keys)
    }
}

/// For `kblint init` over an existing site: the built-in keys whose values in `notes` do not
/// fit kblint's meaning, each with the reason, to be given up with `keys = { key = false }`.
pub fn misfits(notes: &[&Node]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    // How many notes give `key` a value that `bad` refuses; `None` when none does.
    let first = |key: &str, bad: &dyn Fn(&Node) -> bool| {
        let n = notes
            .iter()
            .filter_map(|n| n.get(key))
            .filter(|v| bad(v))
            .count();
        (n > 0).then_some(n)
    };
    let strings = |v: &Node| -> Vec<String> {
        match &v.value {
            Value::Str(s) => vec![s.clone()],
            Value::Seq(items) => items
                .iter()
                .map(|i| {
                    i.as_str()
                        .map_or_else(|| "\u{0}".to_string(), str::to_string)
                })
                .collect(),
            Value::Null => Vec::new(),
            _ => vec!["\u{0}".to_string()],
        }
    };
    let not_a_name = |s: &str| s == "\u{0}" || s.contains("://") || s.starts_with('/');
    if let Some(n) = first("id", &|v| !matches!(v.value, Value::Str(_) | Value::Int(_))) {
        out.push((
            "id",
            format!("{n} note(s) give `id` a value that is not a name"),
        ));
    }
    if let Some(n) = first("aliases", &|v| strings(v).iter().any(|s| not_a_name(s))) {
        out.push((
            "aliases",
            format!("{n} note(s) give `aliases` URLs or paths (redirects), not other names"),
        ));
    }
    if let Some(n) = first("related", &|v| {
        strings(v)
            .iter()
            .any(|s| not_a_name(s) || (matches!(v.value, Value::Str(_)) && s.contains(',')))
    }) {
        out.push((
            "related",
            format!("{n} note(s) give `related` something other than a list of entry names"),
        ));
    }
    if let Some(n) = first("claims", &|v| match &v.value {
        Value::Seq(items) => items
            .iter()
            .any(|i| i.get("id").and_then(Node::as_str).is_none()),
        Value::Null => false,
        _ => true,
    }) {
        out.push((
            "claims",
            format!("{n} note(s) give `claims` something other than a list of claims with an `id`"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_renames_and_give_ups() {
        let raw: RawKeys =
            toml::from_str("id = \"slug\"\naliases = false\nrelated = true\n").unwrap();
        let k = Keys::resolve(Some(&raw)).unwrap();
        assert_eq!(k.id.as_deref(), Some("slug"));
        assert_eq!(k.aliases, None);
        assert_eq!(k.related.as_deref(), Some("related"));
        assert_eq!(k.claims.as_deref(), Some("claims"));
        let raw: RawKeys = toml::from_str("id = \"claims\"\n").unwrap();
        assert!(Keys::resolve(Some(&raw)).unwrap_err().contains("same"));
        assert!(toml::from_str::<RawKeys>("title = false\n").is_err());
    }

    #[test]
    fn misfits_are_the_keys_a_site_uses_otherwise() {
        let load = |s: &str| crate::frontmatter::yaml::parse(s, 0..s.len()).unwrap().0;
        let a = load("id: a\naliases: [/old/url/]\nrelated: x, y\n");
        let b = load("id: 12\naliases: [PO]\nrelated: [a]\nclaims: [{text: no id}]\n");
        let keys: Vec<&str> = misfits(&[&a, &b]).into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["aliases", "related", "claims"]);
        let c = load("id: c\naliases: [PO]\nrelated: [a]\n");
        assert!(misfits(&[&c]).is_empty());
    }
}
