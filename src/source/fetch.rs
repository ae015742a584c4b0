//! Fetching a web page: one blocking HTTP(S) client (ureq, with rustls and the webpki roots,
//! so no system TLS library is needed), redirects followed here (at most [`MAX_REDIRECTS`],
//! loops caught), a timeout, a size limit on the decoded body, gzip, deflate and brotli
//! decoded, and a `User-Agent` that names kblint and its version.

use std::collections::BTreeSet;
use std::io::Read;
use std::time::{Duration, Instant};

use anyhow::{Result, anyhow, bail};

/// At most this many redirects are followed.
pub const MAX_REDIRECTS: usize = 10;
/// How long a request may take, from connecting to the last byte (`--timeout`).
pub const DEFAULT_TIMEOUT_SECS: u64 = 30;
/// The largest body read, decoded, in MiB (`--max-size`).
pub const DEFAULT_MAX_SIZE_MIB: u64 = 50;
/// What kblint says it is.
pub const USER_AGENT: &str = concat!(
    "kblint/",
    env!("CARGO_PKG_VERSION"),
    " (source snapshots for a knowledge base)"
);

/// How a page is fetched.
#[derive(Debug, Clone)]
pub struct Limits {
    pub timeout: Duration,
    pub max_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout: Duration::from_secs(DEFAULT_TIMEOUT_SECS),
            max_bytes: DEFAULT_MAX_SIZE_MIB * 1024 * 1024,
        }
    }
}

/// A response after redirects.
#[derive(Debug)]
pub struct Page {
    /// The address that answered (after redirects).
    pub final_url: String,
    pub status: u16,
    /// The decoded (not decompressed) body; empty for a 304.
    pub bytes: Vec<u8>,
    pub content_type: Option<String>,
    /// The hosts of every address asked, in order.
    pub hosts: Vec<String>,
}

/// Why a fetch gave no page.
#[derive(Debug)]
pub enum Failure {
    /// No answer: the host could not be resolved or reached, or the time ran out.
    Unreachable(String),
    /// An answer that cannot be used: a redirect loop, too many redirects, a body too large.
    Refused(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Unreachable(m) | Failure::Refused(m) => f.write_str(m),
        }
    }
}

/// Reports a download's progress: bytes read so far, and the length the server announced.
pub type Progress<'a> = &'a dyn Fn(u64, Option<u64>);

/// How a request is made.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ask<'a> {
    /// An HTTP date: the request is conditional, and a `304` comes back as a page with that
    /// status and no body.
    pub if_modified_since: Option<&'a str>,
    /// A redirect to another host is not followed: the redirect comes back as the page, its
    /// `final_url` the address it points to.
    pub same_host: bool,
}

/// Fetches `url`, following redirects. Statuses other than redirects are returned as they
/// are, errors included.
pub fn get(url: &str, limits: &Limits, ask: Ask, progress: Progress) -> Result<Page, Failure> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .user_agent(USER_AGENT)
        .accept_encoding("gzip, deflate, br")
        .timeout_global(Some(limits.timeout))
        .build()
        .into();
    let started = Instant::now();
    let mut current = url.to_string();
    let mut seen = BTreeSet::new();
    let mut hosts = Vec::new();
    for _ in 0..=MAX_REDIRECTS {
        if !seen.insert(current.clone()) {
            return Err(Failure::Refused(format!(
                "redirect loop: `{current}` redirects back to itself"
            )));
        }
        hosts.push(host(&current).unwrap_or_default());
        let mut request = agent.get(&current);
        if let Some(since) = ask.if_modified_since {
            request = request.header("If-Modified-Since", since);
        }
        let response = request.call().map_err(|e| failure(&current, e))?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        if (300..400).contains(&status) && status != 304 {
            let Some(location) = header("location") else {
                return Err(Failure::Refused(format!(
                    "`{current}` answered {status} without a `Location`"
                )));
            };
            let next = join(&current, location.trim());
            if ask.same_host && host(&next) != host(url) {
                return Ok(Page {
                    final_url: next,
                    status,
                    bytes: Vec::new(),
                    content_type: None,
                    hosts,
                });
            }
            current = next;
            continue;
        }
        let content_type = header("content-type");
        let encoding = header("content-encoding");
        let length = header("content-length").and_then(|l| l.trim().parse().ok());
        let reader = response.into_body().into_reader();
        let reader = Counting {
            inner: reader,
            read: 0,
            length,
            started,
            progress,
        };
        let bytes = read_decoded(reader, encoding.as_deref(), limits.max_bytes)
            .map_err(|e| classify_read(&current, e, limits))?;
        return Ok(Page {
            final_url: current,
            status,
            bytes,
            content_type,
            hosts,
        });
    }
    Err(Failure::Refused(format!(
        "more than {MAX_REDIRECTS} redirects from `{url}`"
    )))
}

/// The host (and port) of an `http(s)` URL.
pub fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    Some(authority.to_ascii_lowercase())
}

/// `location` resolved against `base` (RFC 3986, for the forms servers send).
pub fn join(base: &str, location: &str) -> String {
    if location.contains("://") {
        return location.to_string();
    }
    let (scheme, rest) = base.split_once("://").unwrap_or(("http", base));
    if let Some(net) = location.strip_prefix("//") {
        return format!("{scheme}://{net}");
    }
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let origin = format!("{scheme}://{}", &rest[..authority_end]);
    if location.starts_with('/') {
        return format!("{origin}{location}");
    }
    let path = &rest[authority_end..];
    let path = path.split(['?', '#']).next().unwrap_or("");
    if location.starts_with('?') {
        return format!("{origin}{path}{location}");
    }
    let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
    let dir = if dir.is_empty() { "/" } else { dir };
    format!("{origin}{dir}{location}")
}

fn failure(url: &str, error: ureq::Error) -> Failure {
    match error {
        ureq::Error::Timeout(_) => Failure::Unreachable(format!("`{url}` did not answer in time")),
        ureq::Error::Io(e) => Failure::Unreachable(format!("`{url}`: {e}")),
        ureq::Error::HostNotFound => Failure::Unreachable(format!("`{url}`: host not found")),
        ureq::Error::ConnectionFailed => {
            Failure::Unreachable(format!("`{url}`: connection failed"))
        }
        ureq::Error::BadUri(e) => Failure::Refused(format!("`{url}` is not a valid address: {e}")),
        other => Failure::Unreachable(format!("`{url}`: {other}")),
    }
}

fn classify_read(url: &str, error: std::io::Error, limits: &Limits) -> Failure {
    if error.kind() == std::io::ErrorKind::FileTooLarge {
        return Failure::Refused(format!(
            "`{url}` is larger than the size limit of {} (raise it with `--max-size`)",
            size(limits.max_bytes)
        ));
    }
    let text = error.to_string();
    if text.to_ascii_lowercase().contains("timeout") || text.contains("timed out") {
        return Failure::Unreachable(format!(
            "`{url}` did not send its page within {} s (raise the limit with `--timeout`)",
            limits.timeout.as_secs()
        ));
    }
    Failure::Unreachable(format!("`{url}`: {text}"))
}

/// Reads the body, undoing its `Content-Encoding`, and fails past `max` decoded bytes (so a
/// small compressed body cannot unpack into gigabytes).
fn read_decoded<'r>(
    mut reader: impl Read + 'r,
    encoding: Option<&str>,
    max: u64,
) -> std::io::Result<Vec<u8>> {
    let encoding = encoding.unwrap_or("").trim().to_ascii_lowercase();
    let mut decoded: Box<dyn Read + 'r> = match encoding.as_str() {
        "" | "identity" => Box::new(reader),
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(reader)),
        "deflate" => {
            // Zlib-wrapped as the standard says, or raw as some servers send it.
            let mut first = [0u8; 2];
            let mut got = 0;
            while got < 2 {
                match reader.read(&mut first[got..])? {
                    0 => break,
                    n => got += n,
                }
            }
            // A zlib header: CM = 8 and the two bytes a multiple of 31.
            let zlib = got == 2
                && first[0] & 0x0f == 8
                && ((u16::from(first[0]) << 8) | u16::from(first[1])) % 31 == 0;
            let head = std::io::Cursor::new(first[..got].to_vec()).chain(reader);
            if zlib {
                Box::new(flate2::read::ZlibDecoder::new(head))
            } else {
                Box::new(flate2::read::DeflateDecoder::new(head))
            }
        }
        "br" => Box::new(brotli_decompressor::Decompressor::new(reader, 64 * 1024)),
        other => {
            return Err(std::io::Error::other(format!(
                "unknown content encoding `{other}`"
            )));
        }
    };
    let mut out = Vec::new();
    let read = (&mut decoded).take(max + 1).read_to_end(&mut out)?;
    if read as u64 > max {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            "too large",
        ));
    }
    Ok(out)
}

struct Counting<'a, R> {
    inner: R,
    read: u64,
    length: Option<u64>,
    started: Instant,
    progress: Progress<'a>,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        if self.started.elapsed() > Duration::from_secs(1) {
            (self.progress)(self.read, self.length);
        }
        Ok(n)
    }
}

/// `52428800` → `50 MiB`.
pub fn size(bytes: u64) -> String {
    if bytes >= 1024 * 1024 && bytes.is_multiple_of(1024 * 1024) {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{bytes} bytes")
    }
}

/// A fetch failure as an error for `source add`.
pub fn into_error(failure: Failure) -> anyhow::Error {
    anyhow!("{failure}")
}

/// Fails unless `url` is an `http`/`https` address.
pub fn check_scheme(url: &str) -> Result<()> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("http://") || lower.starts_with("https://")) {
        bail!("`{url}` is not an http or https address");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_resolved_against_the_page() {
        let base = "http://a.example:8080/x/y?q=1";
        assert_eq!(join(base, "/z"), "http://a.example:8080/z");
        assert_eq!(join(base, "z"), "http://a.example:8080/x/z");
        assert_eq!(join(base, "?r=2"), "http://a.example:8080/x/y?r=2");
        assert_eq!(join(base, "//b.example/p"), "http://b.example/p");
        assert_eq!(join(base, "https://c.example/"), "https://c.example/");
        assert_eq!(join("http://a.example", "p"), "http://a.example/p");
    }

    #[test]
    fn hosts_keep_their_port() {
        assert_eq!(
            host("http://User@Example.com:81/p").as_deref(),
            Some("example.com:81")
        );
    }

    #[test]
    fn deflate_is_read_with_or_without_its_zlib_wrapper() {
        use std::io::Write;
        let text = b"the same words, compressed".repeat(20);
        let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        zlib.write_all(&text).unwrap();
        let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        raw.write_all(&text).unwrap();
        for body in [zlib.finish().unwrap(), raw.finish().unwrap()] {
            let out = read_decoded(std::io::Cursor::new(body), Some("deflate"), 1 << 20).unwrap();
            assert_eq!(out, text);
        }
    }

    #[test]
    fn the_size_limit_counts_decoded_bytes() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(&vec![b'a'; 100_000]).unwrap();
        let body = gz.finish().unwrap();
        assert!(body.len() < 1000);
        let err = read_decoded(std::io::Cursor::new(body), Some("gzip"), 50_000).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::FileTooLarge);
    }
}
