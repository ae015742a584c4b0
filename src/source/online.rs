//! `kblint source check --online`: every source with a `url` fetched again, its text extracted
//! the same way as `source add` does, and each quote that cites it looked for in the live text
//! (spec §12). Never part of `kblint check`, which reads only the KB.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Result, bail};
use serde::Serialize;

use super::extract::{self, Kind};
use super::fetch::{self, Failure, Limits};
use super::{charset, snapshot};
use crate::index::EntryId;
use crate::quote::Normalized;
use crate::run::{Run, UseBaseline};
use crate::tree::Tree;

/// Each host is asked at most once per this long.
pub const PER_HOST: Duration = Duration::from_secs(1);

/// What `kblint source check --online` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct OnlineOptions {
    /// The sources to check (ids or aliases); all those with a `url` when empty.
    pub ids: Vec<String>,
    pub limits: Limits,
    pub config: Option<PathBuf>,
    pub cwd: PathBuf,
}

/// The verdict on a source or a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The live page still contains the quote.
    Ok,
    /// The page is there but no longer contains the quote.
    QuoteGone,
    /// The page answered 404 or 410.
    Gone,
    /// The page redirects to another host.
    Moved,
    /// No answer, a timeout, a 5xx or another error status: not a failure.
    Unreachable,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::QuoteGone => "quote-gone",
            Verdict::Gone => "gone",
            Verdict::Moved => "moved",
            Verdict::Unreachable => "unreachable",
        }
    }
}

/// One source's result.
#[derive(Debug, Serialize)]
pub struct SourceResult {
    pub id: String,
    pub path: String,
    pub url: String,
    pub verdict: Verdict,
    /// The HTTP status of the last answer, when there was one.
    pub status: Option<u16>,
    /// Where the page is now, when it redirected.
    pub final_url: Option<String>,
    /// Why, in words.
    pub message: String,
    pub quotes: Vec<QuoteResult>,
}

/// One quote's result.
#[derive(Debug, Serialize)]
pub struct QuoteResult {
    /// The citing entry, and where its quote stands.
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub quote: String,
    pub verdict: Verdict,
    /// Found in the page, but not in its article text.
    pub outside_article: bool,
}

/// Every result, and the counts.
#[derive(Debug, Serialize)]
pub struct OnlineReport {
    pub version: u32,
    pub sources: Vec<SourceResult>,
    pub summary: Summary,
}

#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub sources: usize,
    pub quotes: usize,
    pub ok: usize,
    pub quote_gone: usize,
    pub gone: usize,
    pub moved: usize,
    pub unreachable: usize,
    /// Sources without a `url`, not checked.
    pub without_url: usize,
}

impl OnlineReport {
    /// A quote is gone or a source is gone: exit 1.
    pub fn failed(&self) -> bool {
        self.summary.quote_gone > 0 || self.summary.gone > 0
    }
}

/// A source to fetch, and the quotes that cite it.
struct Target {
    id: String,
    path: String,
    url: String,
    retrieved: Option<String>,
    /// The snapshot's body, for an answer `304 Not Modified`.
    body: String,
    quotes: Vec<(String, usize, usize, String)>,
}

/// Fetches the sources again and judges every quote (spec §12).
pub fn check(options: &OnlineOptions, progress: fetch::Progress) -> Result<OnlineReport> {
    let (root, config_path) = crate::config::locate(options.config.as_deref(), &options.cwd)?;
    // The index is all it reads: the run stops there, before the checks.
    let tree = Tree::work_tree(&root);
    let kb = Run::load(&root, &config_path, &tree, &[], UseBaseline::Ignore)?.kb;
    let mut targets: BTreeMap<EntryId, Target> = BTreeMap::new();
    let mut no_url = Vec::new();
    for (n, entry) in kb.entries_with_ids().filter(|(_, e)| e.is_source) {
        let file = kb.files.get(entry.file);
        let keys = frontmatter_strings(file.text(), &["url", "retrieved"]);
        let Some(url) = keys.first().cloned().flatten() else {
            no_url.push(entry.id.value.clone());
            continue;
        };
        targets.insert(
            n,
            Target {
                id: entry.id.value.to_string(),
                path: file.path.clone(),
                url,
                retrieved: keys.get(1).cloned().flatten(),
                body: file.text()[entry.body.clone()].to_string(),
                quotes: Vec::new(),
            },
        );
    }
    if !options.ids.is_empty() {
        let mut wanted = Vec::new();
        for name in &options.ids {
            let Some(n) = kb.source(name) else {
                bail!("no source `{name}` in the KB");
            };
            if !targets.contains_key(&n) {
                bail!("source `{name}` has no `url` to check");
            }
            wanted.push(n);
        }
        targets.retain(|n, _| wanted.contains(n));
    }
    for (id, claim) in kb.all_claims() {
        let file = kb.files.get(kb.entries[id.entry].file);
        for cite in &claim.cites {
            let (Some(source), Some(quote)) = (&cite.source, &cite.quote) else {
                continue;
            };
            if let Some(target) = kb.source(&source.value).and_then(|n| targets.get_mut(&n)) {
                let pos = file.position(quote.span().start);
                target.quotes.push((
                    file.path.clone(),
                    pos.line,
                    pos.column,
                    quote.value.to_string(),
                ));
            }
        }
    }
    let mut limiter = Limiter::default();
    let mut sources: Vec<SourceResult> = targets
        .into_values()
        .map(|t| judge(t, &options.limits, &mut limiter, progress))
        .collect();
    sources.sort_by(|a, b| a.id.cmp(&b.id));
    let mut summary = Summary {
        sources: sources.len(),
        ..Summary::default()
    };
    for s in &sources {
        match s.verdict {
            Verdict::Gone => summary.gone += 1,
            Verdict::Moved => summary.moved += 1,
            Verdict::Unreachable => summary.unreachable += 1,
            Verdict::Ok | Verdict::QuoteGone => {}
        }
        for q in &s.quotes {
            summary.quotes += 1;
            match q.verdict {
                Verdict::Ok => summary.ok += 1,
                Verdict::QuoteGone => summary.quote_gone += 1,
                _ => {}
            }
        }
    }
    if options.ids.is_empty() {
        summary.without_url = no_url.len();
    }
    Ok(OnlineReport {
        version: 1,
        sources,
        summary,
    })
}

/// Fetches one source and judges its quotes.
fn judge(
    mut target: Target,
    limits: &Limits,
    limiter: &mut Limiter,
    progress: fetch::Progress,
) -> SourceResult {
    target.quotes.sort();
    let since = target.retrieved.as_deref().and_then(snapshot::http_date);
    let host = fetch::host(&target.url).unwrap_or_default();
    limiter.wait(&host);
    let ask = fetch::Ask {
        if_modified_since: since.as_deref(),
        same_host: true,
    };
    let result = fetch::get(&target.url, limits, ask, progress);
    let page = match result {
        Err(Failure::Unreachable(m) | Failure::Refused(m)) => {
            return for_every_quote(&target, Verdict::Unreachable, None, None, m);
        }
        Ok(page) => page,
    };
    // Later requests to the hosts of the redirects wait too.
    for h in &page.hosts {
        limiter.mark(h);
    }
    let final_url = (page.final_url != target.url).then(|| page.final_url.clone());
    let final_host = fetch::host(&page.final_url).unwrap_or_default();
    if final_host != host {
        return for_every_quote(
            &target,
            Verdict::Moved,
            Some(page.status),
            final_url,
            format!("redirects to another host: `{}`", page.final_url),
        );
    }
    let status = page.status;
    if status == 404 || status == 410 {
        return for_every_quote(
            &target,
            Verdict::Gone,
            Some(status),
            final_url,
            format!("answered {status} {}", super::reason(status)),
        );
    }
    let (article, whole, message) = match read(&target, &page) {
        Ok(read) => read,
        Err(message) => {
            return for_every_quote(
                &target,
                Verdict::Unreachable,
                Some(status),
                final_url,
                message,
            );
        }
    };
    let quotes = judge_quotes(&target, &article, whole.as_ref());
    let verdict = if quotes.iter().any(|q| q.verdict == Verdict::QuoteGone) {
        Verdict::QuoteGone
    } else {
        Verdict::Ok
    };
    SourceResult {
        id: target.id,
        path: target.path,
        url: target.url,
        verdict,
        status: Some(status),
        final_url,
        message,
        quotes,
    }
}

/// The result of a source whose every quote gets the source's verdict.
fn for_every_quote(
    target: &Target,
    verdict: Verdict,
    status: Option<u16>,
    final_url: Option<String>,
    message: String,
) -> SourceResult {
    SourceResult {
        id: target.id.clone(),
        path: target.path.clone(),
        url: target.url.clone(),
        verdict,
        status,
        final_url,
        message,
        quotes: target
            .quotes
            .iter()
            .map(|(path, line, column, quote)| QuoteResult {
                path: path.clone(),
                line: *line,
                column: *column,
                quote: quote.clone(),
                verdict,
                outside_article: false,
            })
            .collect(),
    }
}

/// The text that an answer holds: its article, the whole page's text when it has more than the
/// article, and what to say of the answer; a 304 keeps the snapshot's body. `Err` with the
/// message for an answer whose text kblint cannot read (a PDF, an error status).
fn read(
    target: &Target,
    page: &fetch::Page,
) -> Result<(Normalized, Option<Normalized>, String), String> {
    let status = page.status;
    if status == 304 {
        return Ok((
            Normalized::new(&target.body),
            None,
            "not modified since it was retrieved (304): the snapshot still holds".to_string(),
        ));
    }
    if !(200..300).contains(&status) {
        return Err(format!("answered {status} {}", super::reason(status))
            .trim_end()
            .to_string());
    }
    let kind = page
        .content_type
        .as_deref()
        .and_then(Kind::from_media_type)
        .unwrap_or_else(|| Kind::sniff(&page.bytes));
    let extracted = match kind {
        Kind::Html => {
            let (text, _) = charset::decode(&page.bytes, page.content_type.as_deref(), true);
            extract::html(&text)
        }
        Kind::Text | Kind::Markdown => {
            let (text, _) = charset::decode(&page.bytes, page.content_type.as_deref(), false);
            extract::text(&text, kind)
        }
        Kind::Pdf => return Err("is a PDF, whose text kblint does not extract".to_string()),
    };
    Ok((
        Normalized::new(&extracted.article),
        Some(Normalized::new(&extracted.page)),
        format!("answered {status}"),
    ))
}

/// Each quote of `target` judged against the article, or else the whole page.
fn judge_quotes(
    target: &Target,
    article: &Normalized,
    whole: Option<&Normalized>,
) -> Vec<QuoteResult> {
    target
        .quotes
        .iter()
        .map(|(path, line, column, quote)| {
            let in_article = crate::quote::contains(article, quote).unwrap_or(true);
            let in_page = !in_article
                && whole.is_some_and(|w| crate::quote::contains(w, quote).unwrap_or(false));
            QuoteResult {
                path: path.clone(),
                line: *line,
                column: *column,
                quote: quote.clone(),
                verdict: if in_article || in_page {
                    Verdict::Ok
                } else {
                    Verdict::QuoteGone
                },
                outside_article: in_page,
            }
        })
        .collect()
}

/// At most one request per host per [`PER_HOST`].
#[derive(Default)]
struct Limiter {
    last: BTreeMap<String, Instant>,
}

impl Limiter {
    fn wait(&mut self, host: &str) {
        if let Some(last) = self.last.get(host) {
            let since = last.elapsed();
            if since < PER_HOST {
                std::thread::sleep(PER_HOST - since);
            }
        }
        self.mark(host);
    }

    fn mark(&mut self, host: &str) {
        self.last.insert(host.to_string(), Instant::now());
    }
}

/// The string values of some top-level frontmatter keys (`None` where absent or not a string).
fn frontmatter_strings(text: &str, keys: &[&str]) -> Vec<Option<String>> {
    let node = crate::frontmatter::split(text)
        .ok()
        .and_then(|split| crate::frontmatter::load(text, &split).ok())
        .map(|(node, _)| node);
    keys.iter()
        .map(|k| {
            node.as_ref()
                .and_then(|n| n.get(k))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        })
        .collect()
}

/// The report as text: one line per source, one indented line per quote, and a summary.
/// Everything taken from the KB or the web is printed with its control characters escaped.
pub fn render_human(report: &OnlineReport) -> String {
    use crate::render::escape::line as esc;
    let mut out = String::new();
    for s in &report.sources {
        out.push_str(&format!(
            "{:<11} {}  {}  ({})\n",
            s.verdict.as_str(),
            esc(&s.id),
            esc(&s.url),
            esc(&s.message)
        ));
        if let Some(to) = &s.final_url {
            out.push_str(&format!("            now at {}\n", esc(to)));
        }
        for q in &s.quotes {
            let mut quote: String = q.quote.split_whitespace().collect::<Vec<_>>().join(" ");
            if quote.chars().count() > 60 {
                quote = quote.chars().take(57).collect::<String>() + "...";
            }
            let note = if q.outside_article {
                " (found outside the article text)"
            } else {
                ""
            };
            out.push_str(&format!(
                "  {:<11} {}:{}:{} \"{}\"{}\n",
                q.verdict.as_str(),
                esc(&q.path),
                q.line,
                q.column,
                esc(&quote),
                note
            ));
        }
    }
    let s = &report.summary;
    out.push_str(&format!(
        "{} sources, {} quotes: {} ok, {} quote-gone; sources: {} gone, {} moved, {} unreachable\n",
        s.sources, s.quotes, s.ok, s.quote_gone, s.gone, s.moved, s.unreachable
    ));
    match s.without_url {
        0 => {}
        1 => out.push_str("1 source without a `url` was not checked\n"),
        n => out.push_str(&format!("{n} sources without a `url` were not checked\n")),
    }
    out
}
