//! `kblint report --html` and `kblint disputes --format dot`, run as the real binary: the page of
//! `kb/` is committed as `docs/report.html` and must be what kblint writes now, byte for byte;
//! two runs give the same bytes; every dispute that `kblint disputes` lists is on the page with
//! both sides' quotes; unacknowledged contradictions come first; KB text is escaped.
//! (The browser checks are in `scripts/test-html-report.sh`.)

use std::path::Path;

use assert_cmd::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn kblint(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// A copy of the reference KB (config, schemas, `kb/`) with an empty `docs/` folder.
fn reference_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(repo().join("kblint.toml"), dir.path().join("kblint.toml")).unwrap();
    crate::common::copy_dir(&repo().join("kb"), &dir.path().join("kb"));
    crate::common::copy_dir(&repo().join("schema"), &dir.path().join("schema"));
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    dir
}

#[test]
fn the_committed_report_is_what_kblint_writes_and_writes_again() {
    let dir = reference_copy();
    let out = kblint(dir.path(), &["report", "--html", "docs/report.html"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let first = std::fs::read(dir.path().join("docs/report.html")).unwrap();
    let out = kblint(dir.path(), &["report", "--html", "docs/report.html"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let second = std::fs::read(dir.path().join("docs/report.html")).unwrap();
    assert!(first == second, "two runs gave different pages");
    let committed = std::fs::read(repo().join("docs/report.html")).unwrap_or_default();
    assert!(
        committed == first,
        "docs/report.html is out of date: run `kblint report --html docs/report.html` at the \
         repository root and commit it"
    );
}

/// `&`, `<`, `>`, `"` and `'` as the page writes them.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[test]
fn every_dispute_of_the_reference_kb_is_on_the_page_with_both_sides_quotes() {
    let out = kblint(repo(), &["report", "--html", "-"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    let listed = kblint(repo(), &["disputes"]);
    let listed = String::from_utf8(listed.stdout).unwrap();
    // One block per dispute; its notes name each claim and its quotes:
    //   = `product-owner#orientation-strategic` cites `nagy-po-vs-pm`: "This is a more …"
    let blocks: Vec<&str> = listed.split("note[acknowledged-dispute]").skip(1).collect();
    assert_eq!(blocks.len(), 10, "{listed}");
    let cards: Vec<&str> = page.split("<article ").skip(1).collect();
    for block in &blocks {
        let mut claims = Vec::new();
        let mut quotes = Vec::new();
        for line in block.lines() {
            let Some(rest) = line.trim().strip_prefix("= `") else {
                continue;
            };
            let Some((claim, rest)) = rest.split_once("` cites `") else {
                continue;
            };
            let (_, quote) = rest.split_once("`: \"").unwrap();
            claims.push(claim.to_string());
            quotes.push(quote.strip_suffix('"').unwrap().to_string());
        }
        assert!(quotes.len() >= 2, "{block}");
        let card = cards.iter().find(|card| {
            quotes
                .iter()
                .all(|q| card.contains(&format!("<blockquote>{}</blockquote>", escaped(q))))
        });
        let card = card.unwrap_or_else(|| panic!("no card with every quote of{block}"));
        for claim in &claims {
            assert!(card.contains(&escaped(claim)), "{claim} missing in {card}");
        }
        assert!(card.contains("acknowledged dispute"), "{card}");
        assert!(
            card.matches("<section class=\"side\">").count() >= 2,
            "{card}"
        );
        assert!(card.contains("<svg "), "{card}");
    }
    // The summary counts what the KB holds.
    assert!(page.contains("<dt>Claims</dt><dd>40</dd>"), "{page}");
    assert!(page.contains("<dt>Acknowledged disputes</dt><dd>10</dd>"));
    assert!(page.contains("Coverage: 98% of the claims (39 of 40) are structured"));
}

const VOCABULARY: &str = "properties:
  orientation:
    kind: single
    values: [strategic, tactical]
  seniority:
    kind: order
";

const SOURCE: &str = "---
id: guide
---
Product owners are more tactical. Product managers are <b>more</b> strategic & \"visionary\".
";

const ENTRY: &str = r#"---
id: po
claims:
  - id: tactical
    text: The PO is <script>alert(1)</script> tactical.
    property: orientation
    value: tactical
    cites: [{source: guide, quote: "Product owners are more tactical"}]
  - id: strategic
    text: The PO is strategic.
    property: orientation
    value: strategic
    cites: [{source: guide, quote: "Product managers are <b>more</b> strategic & \"visionary\""}]
  - id: also-tactical
    text: The PO is tactical, again.
    property: orientation
    value: tactical
    cites: [{source: guide, quote: "Product owners are more tactical"}]
    disputes: [{ref: tactical, reason: "an old link"}]
  - id: above-pm
    text: The PO ranks above the PM.
    property: seniority
    above: pm
    cites: [{source: guide, quote: "Product owners"}]
---
"#;

const PM: &str = "---
id: pm
claims:
  - id: above-po
    text: The PM ranks above the PO.
    property: seniority
    above: po
    cites: [{source: guide, quote: \"Product managers\"}]
    disputes: [po#above-pm]
---
";

fn small_kb() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let write = |path: &str, text: &str| {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        "kblint.toml",
        "vocabulary = \"vocabulary.yaml\"\n[collections.entries]\ninclude = [\"kb/entries/*.md\"]\n\
         [collections.sources]\ninclude = [\"kb/sources/*.md\"]\nsources = true\n",
    );
    write("vocabulary.yaml", VOCABULARY);
    write("kb/sources/guide.md", SOURCE);
    write("kb/entries/po.md", ENTRY);
    write("kb/entries/pm.md", PM);
    dir
}

#[test]
fn unacknowledged_contradictions_come_first_and_kb_text_is_escaped() {
    let dir = small_kb();
    let out = kblint(dir.path(), &["report", "--html", "-"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(!page.contains("<script>alert"), "unescaped KB text");
    assert!(page.contains("The PO is &lt;script&gt;alert(1)&lt;/script&gt; tactical."));
    assert!(page.contains(
        "<blockquote>Product managers are &lt;b&gt;more&lt;/b&gt; strategic &amp; &quot;visionary&quot;</blockquote>"
    ));
    // Two unacknowledged pairs (tactical/strategic, also-tactical/strategic), then the stale
    // link (also-tactical → tactical), then the acknowledged circle (po above pm above po).
    let statuses: Vec<&str> = page
        .split("<span class=\"badge ")
        .skip(1)
        .map(|s| s.split_once('"').unwrap().0)
        .collect();
    assert_eq!(statuses, ["unack", "unack", "stale", "ack"], "{page}");
    assert!(page.contains("a circle of rankings: <strong>pm above po</strong>"));
    assert!(page.contains("<dt>Unacknowledged contradictions</dt><dd>\u{26a0} 2</dd>"));
    // The findings link to the files, relative to the KB root for a page on standard output.
    assert!(
        page.contains("<a href=\"kb/entries/po.md\">kb/entries/po.md:"),
        "{page}"
    );
}

#[test]
fn a_base_url_links_to_lines() {
    let dir = small_kb();
    let out = kblint(
        dir.path(),
        &[
            "report",
            "--html",
            "-",
            "--base-url",
            "https://example.org/kb/blob/main",
        ],
    );
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.contains("href=\"https://example.org/kb/blob/main/kb/entries/po.md#L4\""),
        "{page}"
    );
}

#[test]
fn a_page_in_a_missing_folder_is_a_usage_error() {
    let dir = small_kb();
    let out = kblint(dir.path(), &["report", "--html", "no/such/folder/r.html"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no/such/folder"), "{stderr}");
}

#[test]
fn disputes_as_dot_has_one_cluster_per_dispute() {
    let dir = small_kb();
    let out = kblint(dir.path(), &["disputes", "--format", "dot"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let dot = String::from_utf8(out.stdout).unwrap();
    assert!(dot.starts_with("digraph disputes {\n"), "{dot}");
    assert_eq!(dot.matches("subgraph cluster_").count(), 4, "{dot}");
    assert!(dot.contains("label=\"po · orientation (unacknowledged contradiction)\""));
    assert!(dot.contains("-> d0_side1 [dir=none, constraint=false, color=\"#a4001d\""));
    assert!(dot.contains("label=\"guide\""));
    let again = kblint(dir.path(), &["disputes", "--format", "dot"]);
    assert_eq!(again.stdout, dot.as_bytes());
}

#[test]
fn the_matrix_shows_the_disputed_rows_first_within_its_limit() {
    let rows = |page: &str| page.matches("<tr id=\"row-").count();
    let all = kblint(repo(), &["report", "--html", "-", "--max-rows", "0"]);
    let all = String::from_utf8(all.stdout).unwrap();
    assert!(!all.contains("<p class=\"note\">"));
    let total = rows(&all);
    let disputed = all.matches("<tr id=\"row-").count()
        - all.matches("class=\"single\"").count()
        - all.matches("class=\"agree\"").count()
        - all.matches("class=\"several\"").count();
    assert!(
        disputed >= 1 && disputed < total,
        "{total} rows, {disputed} disputed"
    );
    let few = kblint(
        repo(),
        &["report", "--html", "-", "--max-rows", &disputed.to_string()],
    );
    let few = String::from_utf8(few.stdout).unwrap();
    assert_eq!(rows(&few), disputed, "the disputed rows first");
    assert_eq!(
        few.matches("<tr id=\"row-").count() - few.matches("class=\"disputed\"").count(),
        0,
        "only disputed rows"
    );
    assert!(few.contains(&format!(
        "<strong>{disputed} of {total} rows shown:</strong>"
    )));
    // The limit holds for disputed rows too; their disputes are still all on the page.
    let one = kblint(repo(), &["report", "--html", "-", "--max-rows", "1"]);
    let one = String::from_utf8(one.stdout).unwrap();
    assert_eq!(rows(&one), 1);
    assert_eq!(
        one.matches("data-dispute=").count(),
        all.matches("data-dispute=").count()
    );
    assert!(!few.contains("<tr id=\"row-product-owner.stakeholders\" class=\"agree\">"));
    assert!(all.contains("<tr id=\"row-product-owner.stakeholders\" class=\"agree\">"));
}

#[test]
fn only_an_http_https_or_relative_base_url_is_accepted() {
    let dir = small_kb();
    for bad in [
        "javascript:alert(1)//",
        "JavaScript:alert(1)//",
        " javascript:alert(1)//",
        "java\tscript:alert(1)//",
        "data:text/html,<script>alert(1)</script>",
        "vbscript:x",
    ] {
        let out = kblint(
            dir.path(),
            &["report", "--html", "page.html", "--base-url", bad],
        );
        assert_eq!(out.status.code(), Some(2), "{bad}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("http or https"), "{bad}: {stderr}");
        assert!(!dir.path().join("page.html").exists(), "{bad}: a page");
    }
    for good in [
        "https://example.org/b/",
        "HTTP://example.org",
        "../src",
        "/kb/",
    ] {
        let out = kblint(dir.path(), &["report", "--html", "-", "--base-url", good]);
        assert_eq!(out.status.code(), Some(0), "{good}: {out:?}");
    }
}

#[test]
fn folder_names_in_relative_links_are_percent_encoded() {
    // The page is written beside a KB whose folder is named like markup and a URL's parts.
    let outer = tempfile::tempdir().unwrap();
    let kb = outer.path().join("k#b?x=1 \"a\"");
    crate::common::copy_dir(small_kb().path(), &kb);
    std::fs::create_dir(outer.path().join("site")).unwrap();
    let out = kblint(&kb, &["report", "--html", "../site/report.html"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = std::fs::read_to_string(outer.path().join("site/report.html")).unwrap();
    assert!(
        page.contains("href=\"../k%23b%3Fx%3D1%20%22a%22/kb/entries/po.md\""),
        "{}",
        &page[page.find("href=\"../").unwrap_or(0)..][..200.min(page.len())]
    );
}

/// Writes `files` (path, text) into a new temporary KB.
fn kb_of(files: &[(&str, String)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

const CONFIG: &str = "vocabulary = \"vocabulary.yaml\"\n[collections.entries]\ninclude = [\"kb/entries/*.md\"]\n\
     [collections.sources]\ninclude = [\"kb/sources/*.md\"]\nsources = true\n";

#[test]
fn thousands_of_disputes_make_a_page_of_a_few_megabytes_that_lists_them_all() {
    // 5,000 entries, each with a tactical and a strategic claim that acknowledges the other.
    let n = 5000;
    let mut files = vec![
        ("kblint.toml".to_string(), CONFIG.to_string()),
        ("vocabulary.yaml".to_string(), VOCABULARY.to_string()),
        ("kb/sources/guide.md".to_string(), SOURCE.to_string()),
    ];
    for i in 0..n {
        files.push((
            format!("kb/entries/e{i}.md"),
            format!(
                "---\nid: e{i}\nclaims:\n  - id: tactical\n    text: Role {i} is tactical.\n    \
                 property: orientation\n    value: tactical\n    \
                 cites: [{{source: guide, quote: \"Product owners are more tactical\"}}]\n  \
                 - id: strategic\n    text: Role {i} is strategic.\n    property: orientation\n    \
                 value: strategic\n    cites: [{{source: guide, quote: \"Product managers\"}}]\n    \
                 disputes: [{{ref: tactical, reason: \"The guide says both.\"}}]\n---\n"
            ),
        ));
    }
    let files: Vec<(&str, String)> = files.iter().map(|(p, t)| (p.as_str(), t.clone())).collect();
    let dir = kb_of(&files);
    let out = kblint(dir.path(), &["report", "--html", "-"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("<dt>Acknowledged disputes</dt><dd>5000</dd>"));
    assert!(page.len() < 8 << 20, "the page weighs {} bytes", page.len());
    // The matrix keeps to its limit, disputed rows included.
    assert_eq!(page.matches("<tr id=\"row-").count(), 1000);
    // The first disputes are cards; every other one is listed, and each keeps its anchor.
    assert_eq!(page.matches("<article class=\"card").count(), 100);
    assert!(page.contains("4900 more disputes, listed without their diagrams and quotes"));
    for k in 1..=n {
        assert!(
            page.contains(&format!("id=\"dispute-{k}\" data-dispute=\"dispute-{k}\"")),
            "dispute-{k}"
        );
    }
}

#[test]
fn a_kb_without_claims_gets_a_page_of_findings_by_rule_and_by_file() {
    let source = |id: &str| format!("---\nid: {id}\n---\nText.\n");
    let dir = kb_of(&[
        ("kblint.toml", CONFIG.to_string()),
        ("vocabulary.yaml", VOCABULARY.to_string()),
        ("kb/sources/a.md", source("a")),
        ("kb/sources/b.md", source("b")),
        ("kb/sources/c.md", source("c")),
        ("kb/entries/e.md", "---\nid: e\ntitle: [\n---\n".to_string()),
        ("kb/entries/f.md", "---\nid: f\n---\n".to_string()),
    ]);
    let out = kblint(dir.path(), &["report", "--html", "-"]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains("<title>Findings of the knowledge base \u{2014} kblint report</title>"));
    assert!(page.contains("<h1>Findings of the knowledge base</h1>"));
    assert!(!page.contains("agree and disagree"), "{page}");
    assert!(!page.contains("id=\"matrix\"") && !page.contains("id=\"disputes\""));
    assert!(
        page.contains(
            "<p class=\"lead\">5 entries (of them 3 sources): 1 error, 3 warnings, no notes.</p>"
        ),
        "{page}"
    );
    // Findings first, grouped by rule (with counts and the files) and by file.
    let findings = page.find("id=\"findings\"").unwrap();
    assert!(findings < page.find("id=\"sources\"").unwrap());
    assert!(
        page.contains(
            "<code>unused-source</code> <span class=\"hint\">(3 warnings in 3 files)</span>"
        ),
        "{page}"
    );
    assert!(
        page.contains(
            "<li><a href=\"#file-kb/sources/a.md\"><code>kb/sources/a.md</code></a></li>"
        )
    );
    assert!(page.contains("<h3>By file</h3>"));
}

#[test]
fn the_matrix_marks_only_the_cells_that_dissent_and_says_note_for_infos() {
    let source = |id: &str| {
        format!("---\nid: {id}\n---\nProduct owners are more tactical than strategic.\n")
    };
    let claim = |id: &str, value: &str, source: &str| {
        format!(
            "  - id: {id}\n    property: orientation\n    value: {value}\n    \
             cites: [{{source: {source}, quote: \"more tactical\"}}]\n"
        )
    };
    let entry = format!(
        "---\nid: po\nclaims:\n{}{}{}---\n",
        claim("t1", "tactical", "a"),
        claim("t2", "tactical", "b"),
        claim("s", "strategic", "c"),
    );
    let dir = kb_of(&[
        ("kblint.toml", CONFIG.to_string()),
        ("vocabulary.yaml", VOCABULARY.to_string()),
        ("kb/sources/a.md", source("a")),
        ("kb/sources/b.md", source("b")),
        ("kb/sources/c.md", source("c")),
        ("kb/entries/po.md", entry),
    ]);
    let out = kblint(dir.path(), &["report", "--html", "-"]);
    let page = String::from_utf8(out.stdout).unwrap();
    // Two sources say tactical, one strategic: only the strategic cell dissents.
    assert_eq!(page.matches("<td class=\"dissent\">").count(), 1, "{page}");
    assert!(page.contains(
        "<td class=\"dissent\"><details class=\"cell disputed\"><summary>\u{2260} strategic</summary>"
    ));
    assert_eq!(page.matches("<summary>tactical</summary>").count(), 2);
}

#[test]
fn the_page_matches_each_quote_once() {
    use kblint::render::html::{Links, map_of};
    use kblint::run::{Run, UseBaseline};
    let root = repo();
    let tree = kblint::tree::Tree::work_tree(root);
    let run = Run::load(root, "kblint.toml", &tree, &[], UseBaseline::Ignore).unwrap();
    let quotes = run
        .kb
        .all_claims()
        .flat_map(|(_, c)| &c.cites)
        .filter(|c| c.source.is_some() && c.quote.is_some())
        .count();
    assert!(quotes > 50, "the reference KB has {quotes} quotes");
    let map = map_of(&run, Links::default(), 0);
    assert!(!map.disputes.is_empty());
    // The rules and the page share one citation analysis: each quote was matched once.
    assert_eq!(run.analyses().quotes_matched(), quotes);
}
