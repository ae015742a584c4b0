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
    assert!(page.contains("Coverage: 97% of the claims (39 of 40) are structured"));
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
fn the_matrix_keeps_every_disputed_row_within_its_limit() {
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
    let few = kblint(repo(), &["report", "--html", "-", "--max-rows", "1"]);
    let few = String::from_utf8(few.stdout).unwrap();
    assert_eq!(
        rows(&few),
        disputed,
        "every disputed row, even beyond the limit"
    );
    assert!(few.contains(&format!(
        "<strong>{disputed} of {total} rows shown:</strong>"
    )));
    assert!(!few.contains("<tr id=\"row-product-owner.stakeholders\" class=\"agree\">"));
    assert!(all.contains("<tr id=\"row-product-owner.stakeholders\" class=\"agree\">"));
}
