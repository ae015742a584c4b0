//! A source snapshot as a file: its id, its frontmatter, and writing it (and the raw bytes
//! beside it) so that an existing file is never replaced and a failure leaves nothing behind.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use unicode_normalization::UnicodeNormalization;

/// The longest id derived from a title, in bytes (cut at a hyphen).
const MAX_ID: usize = 60;

/// An id from a title: lowercase ASCII letters and digits, words joined by hyphens, accents
/// dropped (`Café Society: Notes` → `cafe-society-notes`); `source` when nothing is left.
pub fn id_from_title(title: &str) -> String {
    let mut id = String::new();
    for c in title.nfkd() {
        if c.is_ascii_alphanumeric() {
            id.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() || c.is_whitespace() || c.is_ascii_punctuation() {
            // Letters of other scripts, white space and punctuation separate words; combining
            // marks (the accents NFKD split off) are dropped.
            if !c.is_alphanumeric() && !id.is_empty() && !id.ends_with('-') {
                id.push('-');
            }
        }
    }
    let mut id = id.trim_matches('-').to_string();
    if id.len() > MAX_ID {
        let cut = id[..MAX_ID].rfind('-').unwrap_or(MAX_ID);
        id.truncate(cut);
    }
    if id.is_empty() {
        "source".to_string()
    } else {
        id
    }
}

/// The first of `base`, `base-2`, `base-3`, … that `taken` refuses.
pub fn unique(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .expect("some suffix is free")
}

/// The frontmatter keys of a snapshot, in the order written.
#[derive(Debug, Default)]
pub struct Frontmatter {
    pub id: String,
    pub title: String,
    pub url: Option<String>,
    pub final_url: Option<String>,
    pub retrieved: String,
    pub extractor: String,
    pub raw_sha256: Option<String>,
}

/// The snapshot file: YAML frontmatter, then `body` (whose SHA-256 becomes `sha256`).
pub fn file_text(front: &Frontmatter, body: &str) -> String {
    let mut out = String::from("---\n");
    let mut key = |k: &str, v: &str| {
        out.push_str(&format!("{k}: {}\n", yaml_string(v)));
    };
    key("id", &front.id);
    key("title", &front.title);
    if let Some(url) = &front.url {
        key("url", url);
    }
    if let Some(final_url) = &front.final_url {
        key("final_url", final_url);
    }
    key("retrieved", &front.retrieved);
    key("extractor", &front.extractor);
    if let Some(raw) = &front.raw_sha256 {
        key("raw_sha256", raw);
    }
    key("sha256", &crate::digest::sha256_hex(body.as_bytes()));
    out.push_str("---\n");
    out.push_str(body);
    out
}

/// A YAML scalar for `s`: plain when that reads back as the same string, else double-quoted
/// (a JSON string is a valid YAML double-quoted scalar).
fn yaml_string(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || " -_./:+".contains(c))
        && s.chars().next().is_some_and(char::is_alphabetic)
        && !s.contains(": ")
        && !s.ends_with(':')
        && !s.ends_with(' ')
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n"
        );
    if plain {
        s.to_string()
    } else {
        serde_json::to_string(s).expect("a string serialises")
    }
}

/// Now (or `SOURCE_DATE_EPOCH`, for reproducible snapshots) as RFC 3339 in UTC.
pub fn now_rfc3339() -> String {
    let secs = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs() as i64)
        });
    rfc3339(secs)
}

/// Seconds since 1970 as `2026-12-03T08:20:00Z`.
pub fn rfc3339(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// An RFC 3339 time (or a bare date) as an HTTP date, for `If-Modified-Since`.
pub fn http_date(rfc3339: &str) -> Option<String> {
    let date = rfc3339.get(..10)?;
    let mut parts = date.split('-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    let (hh, mm, ss) = match rfc3339.get(11..19) {
        Some(t) if rfc3339.ends_with('Z') => {
            let mut t = t.split(':').map(|p| p.parse::<i64>().ok());
            (t.next()??, t.next()??, t.next()??)
        }
        Some(_) => return None, // an offset other than Z: not worth guessing
        None => (0, 0, 0),
    };
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let days = days_from_civil(y, m, d);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    Some(format!(
        "{}, {d:02} {} {y:04} {hh:02}:{mm:02}:{ss:02} GMT",
        WEEKDAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize]
    ))
}

// Howard Hinnant's civil-date algorithms.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Writes every file or none: each is written to a temporary file in its folder, then linked
/// to its name, which fails if the name exists (so nothing is ever replaced, even by a run
/// going on at the same time). When one cannot be written, those already written are removed.
pub fn write_all(files: &[(PathBuf, Vec<u8>)]) -> Result<()> {
    let mut done: Vec<&Path> = Vec::new();
    for (path, bytes) in files {
        if let Err(e) = write_new(path, bytes) {
            for written in done {
                let _ = fs::remove_file(written);
            }
            return Err(e);
        }
        done.push(path);
    }
    Ok(())
}

fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    if path.symlink_metadata().is_ok() {
        bail!(
            "`{}` exists already; kblint never overwrites it",
            path.display()
        );
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).with_context(|| format!("cannot create `{}`", dir.display()))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.kblint-{}.tmp", std::process::id()));
    let result = (|| -> std::io::Result<()> {
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::hard_link(&tmp, path)
    })();
    let _ = fs::remove_file(&tmp);
    result.with_context(|| format!("cannot write `{}`", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_lowercase_words_joined_by_hyphens() {
        assert_eq!(id_from_title("Café Society: Notes!"), "cafe-society-notes");
        assert_eq!(id_from_title("  PO vs. PM (2024)  "), "po-vs-pm-2024");
        assert_eq!(id_from_title("日本語"), "source");
        let long = id_from_title(&"word ".repeat(40));
        assert!(long.len() <= MAX_ID && !long.ends_with('-'), "{long}");
    }

    #[test]
    fn taken_ids_get_a_number() {
        let taken = ["a", "a-2"];
        assert_eq!(unique("a", |id| taken.contains(&id)), "a-3");
        assert_eq!(unique("b", |id| taken.contains(&id)), "b");
    }

    #[test]
    fn dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_796_286_000), "2026-12-03T08:20:00Z");
        assert_eq!(
            http_date("2026-12-03T09:00:00Z").as_deref(),
            Some("Thu, 03 Dec 2026 09:00:00 GMT")
        );
        assert_eq!(
            http_date("1994-11-06").as_deref(),
            Some("Sun, 06 Nov 1994 00:00:00 GMT")
        );
    }

    #[test]
    fn strings_that_yaml_would_misread_are_quoted() {
        assert_eq!(yaml_string("plain title"), "plain title");
        assert_eq!(yaml_string("yes"), "\"yes\"");
        assert_eq!(yaml_string("a: b"), "\"a: b\"");
        assert_eq!(yaml_string("#x"), "\"#x\"");
        assert_eq!(
            yaml_string("2026-12-03T09:00:00Z"),
            "\"2026-12-03T09:00:00Z\""
        );
    }
}
