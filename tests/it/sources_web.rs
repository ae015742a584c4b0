//! `kblint source add` and `kblint source check --online` against a real HTTP server that each
//! test starts on 127.0.0.1 (port 0). No test touches the internet.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ARTICLE: &str = r#"<!DOCTYPE html>
<html><head><title>Product owners and product managers</title></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About us</a> <a href="/shop">Shop</a></nav>
<article>
<h1>Product owners and product managers</h1>
<p>The product owner orders the backlog and decides what the team builds next, sprint after sprint.</p>
<p>A product manager looks further ahead: the market, the pricing, and the roadmap for the year.</p>
<p>In small companies one person often holds both roles, and the difference matters less than the work.</p>
</article>
<footer>Copyright 2026 Example Media. All rights reserved. Subscribe to our newsletter.</footer>
</body></html>"#;

/// What the server answers to one request.
#[derive(Clone, Default)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// Wait this long before sending the body.
    delay: Duration,
}

impl Reply {
    fn html(body: &str) -> Reply {
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
        }
    }

    fn status(status: u16) -> Reply {
        Reply {
            status,
            body: format!("status {status}").into_bytes(),
            ..Reply::default()
        }
    }

    fn redirect(to: &str) -> Reply {
        Reply {
            status: 301,
            headers: vec![("Location".into(), to.into())],
            ..Reply::default()
        }
    }

    fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request the server received: its path, its headers, and when.
#[derive(Clone)]
struct Request {
    path: String,
    headers: BTreeMap<String, String>,
    at: Instant,
}

type Route = dyn Fn(&str, usize, &BTreeMap<String, String>) -> Reply + Send + Sync;

/// An HTTP/1.1 server on 127.0.0.1: `route(path, nth request of that path, headers)`.
struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl Server {
    fn start(
        route: impl Fn(&str, usize, &BTreeMap<String, String>) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let seen = Arc::clone(&requests);
        let route: Arc<Route> = Arc::new(route);
        let counts = Arc::new(Mutex::new(BTreeMap::<String, usize>::new()));
        let served = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                // Bounded: a test never needs more than a few dozen requests.
                if served.fetch_add(1, Ordering::SeqCst) > 200 {
                    break;
                }
                let (route, seen, counts) =
                    (Arc::clone(&route), Arc::clone(&seen), Arc::clone(&counts));
                std::thread::spawn(move || serve(stream, &*route, &seen, &counts));
            }
        });
        Server { port, requests }
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }
}

fn serve(
    stream: TcpStream,
    route: &Route,
    seen: &Mutex<Vec<Request>>,
    counts: &Mutex<BTreeMap<String, usize>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let path = line.split_whitespace().nth(1).unwrap_or("/").to_string();
    let mut headers = BTreeMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).unwrap_or(0) == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    seen.lock().unwrap().push(Request {
        path: path.clone(),
        headers: headers.clone(),
        at: Instant::now(),
    });
    let nth = {
        let mut counts = counts.lock().unwrap();
        let n = counts.entry(path.clone()).or_insert(0);
        *n += 1;
        *n
    };
    let reply = route(&path, nth, &headers);
    let mut out = stream;
    let mut head = format!("HTTP/1.1 {} X\r\nConnection: close\r\n", reply.status);
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
    let _ = out.write_all(head.as_bytes());
    let _ = out.flush();
    if !reply.delay.is_zero() {
        std::thread::sleep(reply.delay);
    }
    let _ = out.write_all(&reply.body);
    let _ = out.flush();
    // Drain what the client still sends, so that closing does not reset the connection.
    let _ = out.set_read_timeout(Some(Duration::from_millis(50)));
    let _ = reader.read(&mut [0u8; 64]);
}

/// A KB made by `kblint init`, in a temporary folder.
fn kb() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), &["init"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir)
        .env("SOURCE_DATE_EPOCH", "1796286000")
        .args(args)
        .output()
        .unwrap()
}

/// Every file under `dir` with its bytes.
fn listing(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                out.insert(
                    e.path()
                        .strip_prefix(dir)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned(),
                    std::fs::read(e.path()).unwrap(),
                );
            }
        }
    }
    out
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Adding `url` fails with exit 2, a message containing `expected`, and no file changed.
fn add_fails(url: &str, extra: &[&str], expected: &str) {
    let dir = kb();
    let before = listing(dir.path());
    let mut args = vec!["source", "add", url];
    args.extend(extra);
    let out = run(dir.path(), &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    assert_eq!(listing(dir.path()), before, "a failed add changed the KB");
}

#[test]
fn an_article_becomes_a_source_that_lints_clean() {
    let server = Server::start(|_, _, _| Reply::html(ARTICLE));
    let dir = kb();
    let url = server.url("/po-vs-pm");
    let out = run(dir.path(), &["source", "add", &url]);
    assert!(out.status.success(), "{}", stderr(&out));
    let id = "product-owners-and-product-managers";
    let text = std::fs::read_to_string(dir.path().join(format!("kb/sources/{id}.md"))).unwrap();
    let raw = std::fs::read(dir.path().join(format!("kb/sources/{id}.html"))).unwrap();
    assert_eq!(raw, ARTICLE.as_bytes());
    let body = "The product owner orders the backlog and decides what the team builds next, sprint after sprint.\n\nA product manager looks further ahead: the market, the pricing, and the roadmap for the year.\n\nIn small companies one person often holds both roles, and the difference matters less than the work.\n";
    let expected = format!(
        "---\nid: {id}\ntitle: Product owners and product managers\nurl: {url}\nretrieved: \"2026-12-03T08:20:00Z\"\nextractor: \"kblint {} (dom_smoothie 0.19)\"\nraw_sha256: {}\nsha256: {}\n---\n{body}",
        env!("CARGO_PKG_VERSION"),
        sha256(ARTICLE.as_bytes()),
        sha256(body.as_bytes()),
    );
    assert_eq!(text, expected);
    let requests = server.requests();
    let agent = &requests[0].headers["user-agent"];
    assert!(
        agent.starts_with(&format!("kblint/{}", env!("CARGO_PKG_VERSION"))),
        "{agent}"
    );
    assert!(requests[0].headers["accept-encoding"].contains("gzip"));
    // The snapshot lints clean against the schema that `kblint init` wrote.
    let check = run(dir.path(), &["check", "--format", "short"]);
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    // A second add of the same page gets a new id: nothing is overwritten.
    let again = run(dir.path(), &["source", "add", &url, "--no-raw"]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(dir.path().join(format!("kb/sources/{id}-2.md")).exists());
    assert!(!dir.path().join(format!("kb/sources/{id}-2.html")).exists());
    // An id that is taken is refused, and nothing is written.
    add_fails_in(dir.path(), &url, &["--id", id], "already has an entry");
}

fn add_fails_in(dir: &Path, url: &str, extra: &[&str], expected: &str) {
    let before = listing(dir);
    let mut args = vec!["source", "add", url];
    args.extend(extra);
    let out = run(dir, &args);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains(expected), "{}", stderr(&out));
    assert_eq!(listing(dir), before, "a failed add changed the KB");
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn a_redirect_chain_is_followed_and_its_end_recorded() {
    let server = Server::start(|path, _, _| match path {
        "/a" => Reply::redirect("/b"),
        "/b" => Reply::redirect("c"),
        "/c" => Reply::html(ARTICLE),
        _ => Reply::status(404),
    });
    let dir = kb();
    let out = run(
        dir.path(),
        &["source", "add", &server.url("/a"), "--id", "po"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("kb/sources/po.md")).unwrap();
    assert!(
        text.contains(&format!("url: {}\n", server.url("/a"))),
        "{text}"
    );
    assert!(
        text.contains(&format!("final_url: {}\n", server.url("/c"))),
        "{text}"
    );
}

#[test]
fn a_redirect_loop_and_too_many_redirects_fail_writing_nothing() {
    let server = Server::start(|path, _, _| match path {
        "/x" => Reply::redirect("/y"),
        "/y" => Reply::redirect("/x"),
        p => {
            // /r0 → /r1 → … → /r20
            let n: usize = p.trim_start_matches("/r").parse().unwrap_or(0);
            Reply::redirect(&format!("/r{}", n + 1))
        }
    });
    add_fails(&server.url("/x"), &[], "redirect loop");
    add_fails(&server.url("/r0"), &[], "more than 10 redirects");
}

#[test]
fn not_found_and_gone_fail_writing_nothing() {
    let server = Server::start(|path, _, _| match path {
        "/gone" => Reply::status(410),
        _ => Reply::status(404),
    });
    add_fails(&server.url("/missing"), &[], "answered 404 Not Found");
    add_fails(&server.url("/gone"), &[], "answered 410 Gone");
}

#[test]
fn a_slow_page_times_out() {
    let server = Server::start(|_, _, _| Reply {
        delay: Duration::from_secs(4),
        ..Reply::html(ARTICLE)
    });
    add_fails(&server.url("/slow"), &["--timeout", "1"], "within 1 s");
}

#[test]
fn a_page_past_the_size_limit_is_refused() {
    let big = format!(
        "<html><body><p>{}</p></body></html>",
        "word ".repeat(300_000)
    );
    let server = Server::start(move |_, _, _| Reply::html(&big));
    add_fails(
        &server.url("/big"),
        &["--max-size", "1"],
        "larger than the size limit of 1 MiB",
    );
}

#[test]
fn latin1_and_utf16_pages_are_decoded() {
    let latin1: Vec<u8> = b"<html><head><title>Caf\xe9</title></head><body><article><p>Le caf\xe9 na\xeff est servi \xe0 la terrasse depuis le matin jusqu'au soir, tous les jours de l'ann\xe9e sans exception aucune.</p></article></body></html>".to_vec();
    let mut utf16 = vec![0xff, 0xfe];
    for unit in "<html><head><title>Über</title></head><body><article><p>Größere Änderungen kommen später, sagte die Redaktion am Montag über die neuen Regeln für alle Beiträge.</p></article></body></html>".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    let server = Server::start(move |path, _, _| {
        let (body, ty) = match path {
            "/latin1" => (latin1.clone(), "text/html; charset=ISO-8859-1"),
            _ => (utf16.clone(), "text/html"),
        };
        Reply {
            status: 200,
            headers: vec![("Content-Type".into(), ty.into())],
            body,
            delay: Duration::ZERO,
        }
    });
    let dir = kb();
    for (path, id, expected) in [
        ("/latin1", "latin1", "Le café naïf est servi à la terrasse"),
        ("/utf16", "utf16", "Größere Änderungen kommen später"),
    ] {
        let out = run(
            dir.path(),
            &["source", "add", &server.url(path), "--id", id],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let text = std::fs::read_to_string(dir.path().join(format!("kb/sources/{id}.md"))).unwrap();
        assert!(text.contains(expected), "{text}");
    }
    let text = std::fs::read_to_string(dir.path().join("kb/sources/latin1.md")).unwrap();
    assert!(text.contains("title: Café\n"), "{text}");
}

#[test]
fn compressed_pages_are_decoded() {
    use flate2::write::{GzEncoder, ZlibEncoder};
    let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(ARTICLE.as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let mut zlib = ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    zlib.write_all(ARTICLE.as_bytes()).unwrap();
    let zlib = zlib.finish().unwrap();
    let server = Server::start(move |path, _, _| {
        let (body, encoding) = match path {
            "/gzip" => (gz.clone(), "gzip"),
            _ => (zlib.clone(), "deflate"),
        };
        Reply {
            body,
            ..Reply::html("").header("Content-Encoding", encoding)
        }
    });
    let dir = kb();
    for id in ["gzip", "deflate"] {
        let out = run(
            dir.path(),
            &["source", "add", &server.url(&format!("/{id}")), "--id", id],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        let text = std::fs::read_to_string(dir.path().join(format!("kb/sources/{id}.md"))).unwrap();
        assert!(
            text.contains("The product owner orders the backlog"),
            "{text}"
        );
        // The raw bytes kept are the page's, decompressed.
        let raw = std::fs::read(dir.path().join(format!("kb/sources/{id}.html"))).unwrap();
        assert_eq!(raw, ARTICLE.as_bytes());
    }
}

#[test]
fn a_schema_that_refuses_the_keys_fails_writing_nothing() {
    let server = Server::start(|_, _, _| Reply::html(ARTICLE));
    let dir = kb();
    std::fs::write(
        dir.path().join("schema/source.schema.json"),
        r#"{"type": "object", "properties": {"id": {}, "title": {}, "retrieved": {}, "sha256": {}}, "additionalProperties": false}"#,
    )
    .unwrap();
    add_fails_in(dir.path(), &server.url("/"), &[], "would not lint clean");
}

#[test]
fn local_files_are_added_without_a_url() {
    let dir = kb();
    std::fs::write(
        dir.path().join("notes.md"),
        "# Meeting notes\r\n\r\nWe agreed on the plan.\r\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("page.htm"), ARTICLE).unwrap();
    let out = run(dir.path(), &["source", "add", "notes.md"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("kb/sources/meeting-notes.md")).unwrap();
    assert!(
        text.starts_with("---\nid: meeting-notes\ntitle: Meeting notes\nretrieved:"),
        "{text}"
    );
    assert!(!text.contains("url:"), "{text}");
    assert!(
        text.ends_with("---\n# Meeting notes\n\nWe agreed on the plan.\n"),
        "{text}"
    );
    assert!(
        dir.path()
            .join("kb/sources/meeting-notes.markdown")
            .exists()
    );
    let out = run(
        dir.path(),
        &[
            "source",
            "add",
            "page.htm",
            "--title",
            "PO and PM",
            "--no-raw",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = std::fs::read_to_string(dir.path().join("kb/sources/po-and-pm.md")).unwrap();
    assert!(
        text.contains("The product owner orders the backlog"),
        "{text}"
    );
    assert!(!text.contains("About us"), "{text}");
    assert!(!dir.path().join("kb/sources/po-and-pm.html").exists());
    assert_eq!(run(dir.path(), &["check"]).status.code(), Some(0));
}

/// A KB whose sources are the server's pages, each cited by one quote.
fn cited_kb(server: &Server, pages: &[(&str, &str, &str)]) -> tempfile::TempDir {
    let dir = kb();
    let mut claims = String::new();
    for (id, path, quote) in pages {
        let out = run(
            dir.path(),
            &["source", "add", &server.url(path), "--id", id, "--no-raw"],
        );
        assert!(out.status.success(), "{}", stderr(&out));
        claims.push_str(&format!(
            "  - id: c-{id}\n    text: A claim.\n    cites:\n      - source: {id}\n        quote: \"{quote}\"\n"
        ));
    }
    std::fs::write(
        dir.path().join("kb/entries/notes.md"),
        format!("---\nid: notes\ntitle: Notes\nclaims:\n{claims}---\n"),
    )
    .unwrap();
    dir
}

#[test]
fn online_check_tells_every_verdict_apart() {
    let edited = ARTICLE.replace("sprint after sprint", "every week");
    // A paragraph of the article at first, moved to a sidebar later.
    let note = "<p>Editor's note: this article was updated in March and again in April.</p>";
    let first = ARTICLE.replace("</article>", &format!("{note}</article>"));
    let with_sidebar = ARTICLE.replace("<footer>", &format!("<aside>{note}</aside><footer>"));
    let server = Arc::new(Mutex::new(0u16));
    let port = Arc::clone(&server);
    let srv = Server::start(move |path, nth, _| {
        let port = *port.lock().unwrap();
        match (path, nth) {
            (_, 1) => Reply::html(if path == "/side" { &first } else { ARTICLE }),
            ("/same", _) => Reply::html(ARTICLE),
            ("/side", _) => Reply::html(&with_sidebar),
            ("/edited", _) => Reply::html(&edited),
            ("/deleted", _) => Reply::status(404),
            ("/removed", _) => Reply::status(410),
            ("/moved", _) => Reply::redirect(&format!("http://localhost:{port}/elsewhere")),
            ("/broken", _) => Reply::status(503),
            _ => Reply::status(404),
        }
    });
    *server.lock().unwrap() = srv.port;
    let owner = "The product owner orders the backlog and decides what the team builds next, sprint after sprint.";
    let dir = cited_kb(
        &srv,
        &[
            ("same", "/same", owner),
            (
                "side",
                "/side",
                "Editor's note: this article was updated in March and again in April.",
            ),
            ("edited", "/edited", owner),
            ("deleted", "/deleted", owner),
            ("removed", "/removed", owner),
            ("moved", "/moved", owner),
            ("broken", "/broken", owner),
        ],
    );
    // The snapshots are clean offline, whatever the live pages do.
    let offline = run(dir.path(), &["check", "--format", "short"]);
    let requests = srv.requests().len();
    assert_eq!(offline.status.code(), Some(0), "{}", stdout(&offline));
    assert_eq!(
        srv.requests().len(),
        requests,
        "`kblint check` made a request"
    );

    let out = run(
        dir.path(),
        &["source", "check", "--online", "--format", "json"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let verdicts: BTreeMap<String, (String, String, bool)> = report["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let q = &s["quotes"][0];
            (
                s["id"].as_str().unwrap().to_string(),
                (
                    s["verdict"].as_str().unwrap().to_string(),
                    q["verdict"].as_str().unwrap().to_string(),
                    q["outside_article"].as_bool().unwrap(),
                ),
            )
        })
        .collect();
    let v = |s: &str, q: &str, outside: bool| (s.to_string(), q.to_string(), outside);
    assert_eq!(verdicts["same"], v("ok", "ok", false));
    assert_eq!(verdicts["edited"], v("quote-gone", "quote-gone", false));
    assert_eq!(verdicts["deleted"], v("gone", "gone", false));
    assert_eq!(verdicts["removed"], v("gone", "gone", false));
    assert_eq!(verdicts["moved"], v("moved", "moved", false));
    assert_eq!(verdicts["broken"], v("unreachable", "unreachable", false));
    assert_eq!(report["summary"]["sources"], 7);
    assert_eq!(report["summary"]["quote_gone"], 1);
    assert_eq!(report["summary"]["gone"], 2);
    assert_eq!(report["summary"]["moved"], 1);
    assert_eq!(report["summary"]["unreachable"], 1);
    // A quote that moved out of the article is still on the page.
    assert_eq!(verdicts["side"], v("ok", "ok", true));

    // Named sources only; the human format; exit 0 when nothing is gone.
    let out = run(
        dir.path(),
        &["source", "check", "--online", "same", "moved", "broken"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("ok          same  "), "{text}");
    assert!(text.contains("moved       moved  "), "{text}");
    assert!(text.contains("unreachable broken  "), "{text}");
    assert!(
        text.contains("3 sources, 3 quotes: 1 ok, 0 quote-gone"),
        "{text}"
    );
    let out = run(dir.path(), &["source", "check", "--online", "deleted"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let out = run(dir.path(), &["source", "check", "--online", "nosuch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no source `nosuch`"),
        "{}",
        stderr(&out)
    );
    // Without --online, nothing is fetched.
    let out = run(dir.path(), &["source", "check"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn online_check_asks_conditionally_and_once_a_second_per_host() {
    let srv = Server::start(|path, nth, headers| {
        if nth > 1 && path == "/cached" && headers.contains_key("if-modified-since") {
            return Reply::status(304);
        }
        Reply::html(ARTICLE)
    });
    let quote = "A product manager looks further ahead";
    let dir = cited_kb(
        &srv,
        &[("cached", "/cached", quote), ("fresh", "/fresh", quote)],
    );
    let before = srv.requests().len();
    let out = run(dir.path(), &["source", "check", "--online"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains("ok          cached"), "{text}");
    assert!(text.contains("not modified"), "{text}");
    let requests = srv.requests();
    let online = &requests[before..];
    assert_eq!(online.len(), 2);
    assert_eq!(
        online[0]
            .headers
            .get("if-modified-since")
            .map(String::as_str),
        Some("Thu, 03 Dec 2026 08:20:00 GMT")
    );
    let gap = online[1].at.duration_since(online[0].at);
    assert!(
        gap >= Duration::from_millis(900),
        "two requests to one host {gap:?} apart"
    );
    let paths: Vec<&str> = online.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(paths, ["/cached", "/fresh"]);
}

#[test]
fn online_check_prints_no_control_character_from_the_kb() {
    let dir = kb();
    // Port 1 on the loopback answers nothing: the source is unreachable, at once.
    std::fs::write(
        dir.path().join("kb/sources/closed.md"),
        "---\nid: closed\ntitle: Closed\nurl: \"http://127.0.0.1:1/\\e[31mred\"\nretrieved: 2026-12-01\n---\nText.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("kb/entries/notes.md"),
        "---\nid: notes\ntitle: Notes\nclaims:\n  - id: c\n    text: A claim.\n    cites:\n      - source: closed\n        quote: \"Text.\\e[0m\"\n---\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["source", "check", "--online", "--timeout", "5"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("unreachable closed"), "{text}");
    assert!(
        text.contains("1 source without a `url` was not checked"),
        "{text}"
    );
}
