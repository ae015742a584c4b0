//! The page: one self-contained HTML string from a [`Map`]. Inline CSS and SVG, a few lines of
//! script that only help (opening the parts a link points into, and every part before printing),
//! and a Content-Security-Policy that allows exactly that style and that script and nothing
//! else, so the page makes no request of any kind. Everything the KB wrote is escaped.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::escape::escape;
use super::model::{Cell, Dispute, Map, Matrix, Row, RowStatus, SideClaim, Status};
use crate::diagnostic::Severity;

const STYLE: &str = include_str!("report.css");

/// The most disputes drawn as cards (with a diagram and every quote); the others are listed one
/// line each. Thousands of cards make a page of tens of megabytes that a browser takes half a
/// minute to open.
pub const MAX_CARDS: usize = 100;

/// Printing opens every part, whatever happens after; a fragment that is not valid percent-encoding
/// (`#%E0%A4%A`) is looked up as it is written.
const SCRIPT: &str = "addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true})});\
function openTarget(){var id=location.hash.slice(1);try{id=decodeURIComponent(id)}catch(e){}var t=id&&document.getElementById(id);for(;t;t=t.parentElement){if(t.tagName==='DETAILS'){t.open=true}}}\
addEventListener('hashchange',openTarget);openTarget();";

/// The whole page.
pub fn render(map: &Map) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let csp = format!(
        "default-src 'none'; style-src 'sha256-{}'; script-src 'sha256-{}'; img-src data:; \
         base-uri 'none'; form-action 'none'",
        digest(STYLE),
        digest(SCRIPT)
    );
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"kblint\">\n\
         <title>{} \u{2014} kblint report</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n",
        title(map)
    );
    header(&mut out, map);
    out.push_str("<main>\n");
    summary(&mut out, map);
    if has_claims(map) {
        matrix(&mut out, map);
        disputes(&mut out, map);
        sources(&mut out, map);
        findings(&mut out, map);
        out.push_str("</main>\n<footer><p>Written by <code>kblint report --html</code> from the claims, citations and <code>disputes</code> links of the knowledge base.</p></footer>\n");
    } else {
        // Nothing to compare: the findings are what the page is for.
        findings(&mut out, map);
        if !map.sources.is_empty() {
            sources(&mut out, map);
        }
        out.push_str("</main>\n<footer><p>Written by <code>kblint report --html</code> from the findings of the knowledge base.</p></footer>\n");
    }
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    out
}

/// Whether the KB makes claims: without any, there is nothing to compare, and the page is a
/// page of findings.
fn has_claims(map: &Map) -> bool {
    map.summary.claims > 0
}

fn title(map: &Map) -> &'static str {
    if has_claims(map) {
        "What the sources agree and disagree on"
    } else {
        "Findings of the knowledge base"
    }
}

/// `3 errors, 1 warning, no notes`.
fn finding_counts(s: &super::model::Summary) -> String {
    let count = |n: usize, one: &str, many: &str| match n {
        0 => format!("no {many}"),
        n => plural(n, one, many),
    };
    format!(
        "{}, {}, {}",
        count(s.errors, "error", "errors"),
        count(s.warnings, "warning", "warnings"),
        count(s.infos, "note", "notes")
    )
}

fn header(out: &mut String, map: &Map) {
    let s = &map.summary;
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", title(map));
    if !has_claims(map) {
        let _ = writeln!(
            out,
            "<p class=\"lead\">{}{}: {}.</p>\n<p class=\"hint\">No entry makes a claim, so there is nothing to compare: this page lists what <code>kblint check</code> finds. Claims that cite sources add an agreement matrix and the disputes.</p>",
            plural(s.entries, "entry", "entries"),
            match s.sources {
                0 => String::new(),
                n => format!(" (of them {})", plural(n, "source", "sources")),
            },
            finding_counts(s)
        );
        out.push_str("<nav aria-label=\"Contents\"><ul><li><a href=\"#summary\">Summary</a></li><li><a href=\"#findings\">Findings</a></li>");
        if !map.sources.is_empty() {
            out.push_str("<li><a href=\"#sources\">Sources</a></li>");
        }
        out.push_str("</ul></nav>\n</header>\n");
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"lead\">{} entries, {} sources, {} claims. {}</p>",
        s.entries,
        s.sources,
        s.claims,
        match (s.unacknowledged, s.acknowledged + s.stale) {
            (0, 0) => "No two claims contradict each other.".to_string(),
            (0, n) => format!("{} recorded.", plural(n, "dispute", "disputes")),
            (u, n) => format!(
                "{} not acknowledged, {} recorded.",
                plural(u, "contradiction", "contradictions"),
                plural(n, "dispute", "disputes")
            ),
        }
    );
    out.push_str(
        "<nav aria-label=\"Contents\"><ul>\
         <li><a href=\"#summary\">Summary</a></li>\
         <li><a href=\"#matrix\">Agreement matrix</a></li>\
         <li><a href=\"#disputes\">Disputes</a></li>\
         <li><a href=\"#sources\">Sources</a></li>\
         <li><a href=\"#findings\">Findings</a></li></ul></nav>\n</header>\n",
    );
}

fn summary(out: &mut String, map: &Map) {
    let s = &map.summary;
    out.push_str("<section id=\"summary\" aria-labelledby=\"summary-h\">\n<h2 id=\"summary-h\">Summary</h2>\n<dl class=\"stats\">\n");
    let mut stat = |name: &str, value: String, class: &str| {
        let _ = writeln!(
            out,
            "<div class=\"stat{class}\"><dt>{name}</dt><dd>{value}</dd></div>"
        );
    };
    let claims = s.claims > 0;
    stat("Entries", s.entries.to_string(), "");
    stat("Sources", s.sources.to_string(), "");
    if claims {
        stat("Claims", s.claims.to_string(), "");
        stat("Citations", s.citations.to_string(), "");
    }
    stat(
        "Errors",
        format!(
            "{}{}",
            if s.errors > 0 { "\u{2716} " } else { "" },
            s.errors
        ),
        if s.errors > 0 { " bad" } else { "" },
    );
    stat("Warnings", s.warnings.to_string(), "");
    stat("Notes", s.infos.to_string(), "");
    if !claims {
        out.push_str("</dl>\n</section>\n");
        return;
    }
    stat(
        "Unacknowledged contradictions",
        format!(
            "{}{}",
            if s.unacknowledged > 0 {
                "\u{26a0} "
            } else {
                ""
            },
            s.unacknowledged
        ),
        if s.unacknowledged > 0 { " bad" } else { "" },
    );
    stat("Acknowledged disputes", s.acknowledged.to_string(), "");
    stat("Stale disputes", s.stale.to_string(), "");
    out.push_str("</dl>\n");
    let _ = writeln!(
        out,
        "<p class=\"coverage\"><label for=\"coverage\">Coverage: {pct}% of the claims ({structured} of {claims}) are structured</label> \
         <meter id=\"coverage\" min=\"0\" max=\"100\" value=\"{pct}\">{pct}%</meter><br>\
         <span class=\"hint\">A structured claim names a <code>property</code> of the vocabulary, so kblint can compare it with the others and find contradictions; the rest are checked only against their quotes.</span></p>\n</section>",
        pct = s.coverage(),
        structured = s.structured,
        claims = s.claims,
    );
}

fn disputes(out: &mut String, map: &Map) {
    out.push_str("<section id=\"disputes\" aria-labelledby=\"disputes-h\">\n<h2 id=\"disputes-h\">Disputes</h2>\n");
    if map.disputes.is_empty() {
        out.push_str("<p>No disputes: no two claims contradict, and no <code>disputes</code> link is stale.</p>\n</section>\n");
        return;
    }
    out.push_str("<p>One card per contradiction between two claims (or per circle of rankings), and per <code>disputes</code> link that no longer joins a contradiction. Contradictions that no <code>disputes</code> link acknowledges come first: they are errors of the knowledge base.</p>\n");
    let (cards, rest) = map.disputes.split_at(map.disputes.len().min(MAX_CARDS));
    for d in cards {
        card(out, map, d);
    }
    if !rest.is_empty() {
        let _ = writeln!(
            out,
            "<details class=\"more\" id=\"more-disputes\"><summary>{} more {}, listed without their diagrams and quotes</summary>\n\
             <p class=\"hint\">The page draws the first {MAX_CARDS} disputes as cards and lists the other {} here, each with its claims, so that it stays quick to open. <code>kblint disputes</code> shows every acknowledged dispute with both sides\u{2019} quotes.</p>\n<ol class=\"disputes\" start=\"{}\">",
            rest.len(),
            if rest.len() == 1 {
                "dispute"
            } else {
                "disputes"
            },
            rest.len(),
            cards.len() + 1
        );
        for d in rest {
            line(out, map, d);
        }
        out.push_str("</ol>\n</details>\n");
    }
    out.push_str("</section>\n");
}

/// A dispute beyond the cards: one line with its status, subject and property, and each side
/// with its claims.
fn line(out: &mut String, map: &Map, d: &Dispute) {
    let class = match d.status {
        Status::Unacknowledged => "unack",
        Status::Stale => "stale",
        Status::Acknowledged => "ack",
    };
    let _ = write!(
        out,
        "<li id=\"{a}\" data-dispute=\"{a}\"><span class=\"badge {class}\">{status}</span> {subject} <span class=\"sep\">\u{b7}</span> {property}:",
        a = escape(&d.anchor),
        status = escape(d.status.as_str()),
        subject = escape(&d.subject),
        property = escape(&d.property),
    );
    for (n, side) in d.sides.iter().enumerate() {
        if n > 0 {
            out.push_str(if d.status == Status::Stale {
                " and"
            } else {
                " <span class=\"vs\">\u{2260}</span>"
            });
        }
        let claims: Vec<String> = side
            .claims
            .iter()
            .map(|c| {
                format!(
                    "<a href=\"{}\">{}</a>",
                    escape(&map.links.to(&c.claim.path, c.claim.line)),
                    escape(&c.claim.name)
                )
            })
            .collect();
        let _ = write!(
            out,
            " <strong>{}</strong> ({})",
            escape(&side.label),
            claims.join(", ")
        );
    }
    out.push_str("</li>\n");
}

/// The card of one dispute: its heading, its diagram, each side with its claims and quotes,
/// and the reason recorded (or what to do).
fn card(out: &mut String, map: &Map, d: &Dispute) {
    let (class, mark) = match d.status {
        Status::Unacknowledged => ("unack", "\u{26a0}"),
        Status::Stale => ("stale", "\u{21bb}"),
        Status::Acknowledged => ("ack", "\u{2713}"),
    };
    let _ = writeln!(
        out,
        "<article class=\"card {class}\" id=\"{a}\" data-dispute=\"{a}\" aria-labelledby=\"{a}-h\">\n\
         <h3 id=\"{a}-h\"><span class=\"badge {class}\">{mark} {status}</span> {subject} <span class=\"sep\">\u{b7}</span> {property}</h3>",
        a = escape(&d.anchor),
        status = escape(d.status.as_str()),
        subject = escape(&d.subject),
        property = escape(&d.property),
    );
    let labels: Vec<String> = d
        .sides
        .iter()
        .map(|s| format!("<strong>{}</strong>", escape(&s.label)))
        .collect();
    let join = match d.status {
        Status::Stale => " and ",
        _ => " <span class=\"vs\">\u{2260} versus</span> ",
    };
    let _ = writeln!(
        out,
        "<p class=\"kind\">{}: {}</p>",
        escape(d.kind),
        labels.join(join)
    );
    let _ = writeln!(
        out,
        "<figure class=\"diagram\">{}</figure>",
        super::svg::diagram(d, &format!("{}-svg", d.anchor))
    );
    out.push_str("<div class=\"sides\">\n");
    for side in &d.sides {
        let _ = writeln!(
            out,
            "<section class=\"side\"><h4>{}</h4>",
            escape(&side.label)
        );
        for c in &side.claims {
            side_claim(out, map, c);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</div>\n");
    reasons(out, d);
    out.push_str("</article>\n");
}

/// A claim on one side of a dispute card, with its quotes.
fn side_claim(out: &mut String, map: &Map, c: &SideClaim) {
    let _ = writeln!(
        out,
        "<div class=\"claim\"><p class=\"claim-name\"><a href=\"{}\">{}</a> <span class=\"where\">{}:{}</span></p>",
        escape(&map.links.to(&c.claim.path, c.claim.line)),
        escape(&c.claim.name),
        escape(&c.claim.path),
        c.claim.line
    );
    if !c.claim.text.is_empty() {
        let _ = writeln!(out, "<p class=\"claim-text\">{}</p>", escape(&c.claim.text));
    }
    if c.cites.is_empty() {
        out.push_str("<p class=\"none\">No citation.</p>\n");
    }
    for q in &c.cites {
        let source = match q.source_index {
            Some(i) => format!(
                "<a href=\"#{}\">{}</a>",
                escape(&map.sources[i].anchor),
                escape(&q.source)
            ),
            None => escape(&q.source),
        };
        match &q.quote {
            Some(quote) => {
                let _ = writeln!(
                    out,
                    "<figure class=\"quote\"><blockquote>{}</blockquote><figcaption>\u{2014} {source}</figcaption></figure>",
                    escape(quote)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "<p class=\"none\">Cites {source}, without a quote.</p>"
                );
            }
        }
    }
    out.push_str("</div>\n");
}

/// The reasons that the `disputes` links of a card record; for a dispute that none
/// acknowledges, what to do.
fn reasons(out: &mut String, d: &Dispute) {
    if !d.reasons.is_empty() {
        out.push_str("<div class=\"reasons\"><h4>Reason recorded</h4>\n");
        for r in &d.reasons {
            let _ = writeln!(
                out,
                "<p>{} <span class=\"by\">(in the <code>disputes</code> link of {})</span></p>",
                match &r.text {
                    Some(t) => escape(t),
                    None => "<em>No reason given.</em>".to_string(),
                },
                escape(&r.by)
            );
        }
        out.push_str("</div>\n");
    } else if d.status == Status::Unacknowledged {
        out.push_str("<p class=\"todo\"><strong>Not acknowledged.</strong> Correct the claim that misreads its source, or list the other claim under <code>disputes</code> with the reason the sources disagree.</p>\n");
    }
}

fn matrix(out: &mut String, map: &Map) {
    out.push_str("<section id=\"matrix\" aria-labelledby=\"matrix-h\">\n<h2 id=\"matrix-h\">Agreement matrix</h2>\n");
    if map.matrices.is_empty() {
        out.push_str("<p>No structured claim cites a source.</p>\n</section>\n");
        return;
    }
    out.push_str("<p>Each row is a subject and a property; each column a source; each cell the value that the source backs, with its quote one click away. <span class=\"legend\"><span class=\"mark-disputed\">\u{2260} disputed</span> <span class=\"mark-agree\">\u{2713} agree</span> <span class=\"mark-several\">\u{2295} several values</span> <span class=\"mark-single\">\u{2022} one source</span></span></p>\n");
    if map.rows_omitted > 0 {
        let _ = writeln!(
            out,
            "<p class=\"note\"><strong>{} of {} rows shown:</strong> the disputed rows first, then the rows that two or more sources back. The {} left out go beyond the limit (every dispute is listed under Disputes all the same); <code>kblint report --max-rows 0</code> shows them all.</p>",
            map.rows_total - map.rows_omitted,
            map.rows_total,
            map.rows_omitted
        );
    }
    let split = map.matrices.len() > 1;
    for (n, m) in map.matrices.iter().enumerate() {
        if split {
            let s = &m.subjects[0];
            let disputed = s.rows.iter().any(|r| r.status == RowStatus::Disputed);
            let _ = writeln!(
                out,
                "<details class=\"subject\"{}><summary>{}{} <span class=\"hint\">({})</span></summary>",
                if disputed { " open" } else { "" },
                if disputed { "\u{2260} " } else { "" },
                escape(&s.id),
                plural(s.rows.len(), "property", "properties")
            );
        }
        table(out, map, m, n);
        if split {
            out.push_str("</details>\n");
        }
    }
    out.push_str("</section>\n");
}

fn table(out: &mut String, map: &Map, m: &Matrix, n: usize) {
    let _ = write!(
        out,
        "<div class=\"scroll\" role=\"region\" aria-labelledby=\"matrix-{n}-caption\" tabindex=\"0\">\n<table class=\"matrix\">\n<caption id=\"matrix-{n}-caption\">{}</caption>\n<thead><tr><th scope=\"col\">Subject</th><th scope=\"col\">Property</th><th scope=\"col\">Status</th>",
        if m.subjects.len() == 1 {
            format!("What the sources say about {}", escape(&m.subjects[0].id))
        } else {
            "What each source says, by subject and property".to_string()
        }
    );
    for &c in &m.columns {
        let s = &map.sources[c];
        let _ = write!(
            out,
            "<th scope=\"col\"><a href=\"#{}\">{}</a></th>",
            escape(&s.anchor),
            escape(&s.id)
        );
    }
    out.push_str("</tr></thead>\n");
    for subject in &m.subjects {
        out.push_str("<tbody>\n");
        for (r, row) in subject.rows.iter().enumerate() {
            let class = match row.status {
                RowStatus::Disputed => "disputed",
                RowStatus::Agree => "agree",
                RowStatus::Several => "several",
                RowStatus::Single => "single",
            };
            let _ = write!(out, "<tr id=\"{}\" class=\"{class}\">", escape(&row.anchor));
            if r == 0 {
                let _ = write!(
                    out,
                    "<th scope=\"rowgroup\" rowspan=\"{}\" class=\"subject\">{}</th>",
                    subject.rows.len(),
                    escape(&subject.id)
                );
            }
            let status = status_html(row);
            let _ = write!(
                out,
                "<th scope=\"row\">{}</th><td class=\"status\">{status}</td>",
                escape(&row.property)
            );
            let consensus = consensus(row);
            let dissents = |cell: &Cell| cell.disputed && Some(cell.value.as_str()) != consensus;
            for c in &m.columns {
                match row.cells.get(c) {
                    None => out.push_str("<td class=\"empty\"></td>"),
                    Some(cells) => {
                        out.push_str(if cells.iter().any(dissents) {
                            "<td class=\"dissent\">"
                        } else {
                            "<td>"
                        });
                        for cell in cells {
                            cell_html(out, map, cell, dissents(cell));
                        }
                        out.push_str("</td>");
                    }
                }
            }
            out.push_str("</tr>\n");
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n</div>\n");
}

/// A row's status cell: disputed (with links to its disputes), agreed, several values or one
/// source.
fn status_html(row: &Row) -> String {
    let sources = row.cells.len();
    match row.status {
        RowStatus::Disputed => {
            let links: Vec<String> = row
                .disputes
                .iter()
                .map(|a| {
                    format!(
                        "<a href=\"#{}\">{}</a>",
                        escape(a),
                        escape(&a.replace("dispute-", "#"))
                    )
                })
                .collect();
            format!(
                "<span class=\"mark-disputed\">\u{2260} disputed</span> {}",
                links.join(" ")
            )
        }
        RowStatus::Agree => {
            format!("<span class=\"mark-agree\">\u{2713} agree</span> ({sources} sources)")
        }
        RowStatus::Several => format!(
            "<span class=\"mark-several\">\u{2295} several values</span> ({sources} sources)"
        ),
        RowStatus::Single => "<span class=\"mark-single\">\u{2022} one source</span>".into(),
    }
}

/// In a disputed row, the value that more sources back than any other: its cells agree with
/// the row, and only the others are marked as dissenting. `None` when no value leads (then every
/// cell that takes part in a contradiction is marked).
fn consensus(row: &super::model::Row) -> Option<&str> {
    if row.status != RowStatus::Disputed {
        return None;
    }
    let mut sources: std::collections::BTreeMap<&str, std::collections::BTreeSet<usize>> =
        std::collections::BTreeMap::new();
    for (source, cells) in &row.cells {
        for cell in cells {
            sources.entry(&cell.value).or_default().insert(*source);
        }
    }
    let most = sources.values().map(|s| s.len()).max()?;
    let mut leaders = sources.iter().filter(|(_, s)| s.len() == most);
    match (leaders.next(), leaders.next()) {
        (Some((value, _)), None) => Some(value),
        _ => None,
    }
}

fn cell_html(out: &mut String, map: &Map, cell: &Cell, dissents: bool) {
    let _ = write!(
        out,
        "<details class=\"cell{}\"><summary>{}{}</summary>",
        if dissents { " disputed" } else { "" },
        if dissents { "\u{2260} " } else { "" },
        escape(&cell.value)
    );
    for q in &cell.quotes {
        let _ = write!(out, "<blockquote>{}</blockquote>", escape(q));
    }
    if cell.quotes.is_empty() {
        out.push_str("<p class=\"none\">No quote.</p>");
    }
    let _ = write!(
        out,
        "<p class=\"claim-name\"><a href=\"{}\">{}</a></p></details>",
        escape(&map.links.to(&cell.claim.path, cell.claim.line)),
        escape(&cell.claim.name)
    );
}

fn sources(out: &mut String, map: &Map) {
    out.push_str("<section id=\"sources\" aria-labelledby=\"sources-h\">\n<h2 id=\"sources-h\">Sources</h2>\n");
    if map.sources.is_empty() {
        out.push_str("<p>The knowledge base has no source.</p>\n</section>\n");
        return;
    }
    out.push_str("<ul class=\"sources\">\n");
    for s in &map.sources {
        let _ = writeln!(
            out,
            "<li id=\"{}\"><a href=\"{}\">{}</a> <span class=\"where\">{}</span> \u{2014} {}</li>",
            escape(&s.anchor),
            escape(&map.links.to(&s.path, 1)),
            escape(&s.id),
            escape(&s.path),
            if s.uses == 0 {
                "<span class=\"warn\">cited by no claim</span>".to_string()
            } else {
                plural(s.uses, "citation", "citations")
            }
        );
    }
    out.push_str("</ul>\n</section>\n");
}

fn findings(out: &mut String, map: &Map) {
    out.push_str("<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings</h2>\n");
    if map.findings.is_empty() {
        out.push_str("<p>No findings: every check passes.</p>\n</section>\n");
        return;
    }
    let open = map.findings.len() <= 20;
    by_rule(out, map);
    let _ = writeln!(
        out,
        "<h3>By file</h3>\n<p class=\"hint\">{} with findings.</p>",
        plural(map.findings.len(), "file", "files")
    );
    for file in &map.findings {
        let count = |s: Severity| file.findings.iter().filter(|f| f.severity == s).count();
        let counts: Vec<String> = [
            (Severity::Error, "error", "errors"),
            (Severity::Warning, "warning", "warnings"),
            (Severity::Info, "note", "notes"),
        ]
        .into_iter()
        .filter(|(s, _, _)| count(*s) > 0)
        .map(|(s, one, many)| plural(count(s), one, many))
        .collect();
        let _ = writeln!(
            out,
            "<details class=\"file\" id=\"{}\"{}><summary><code>{}</code> <span class=\"hint\">({})</span></summary>\n<ul class=\"findings\">",
            escape(&file.anchor),
            if open { " open" } else { "" },
            escape(&file.path),
            counts.join(", ")
        );
        for f in &file.findings {
            let (class, mark) = match f.severity {
                Severity::Error => ("error", "\u{2716}"),
                Severity::Warning => ("warning", "\u{26a0}"),
                Severity::Info => ("info", "\u{2139}"),
            };
            let _ = writeln!(
                out,
                "<li><span class=\"sev {class}\">{mark} {}</span> <a href=\"{}\">{}:{}:{}</a> <code>{}</code> {}</li>",
                severity_word(f.severity),
                escape(&map.links.to(&file.path, f.line)),
                escape(&file.path),
                f.line,
                f.column,
                escape(f.rule.name()),
                escape(&f.message)
            );
        }
        out.push_str("</ul>\n</details>\n");
    }
    out.push_str("</section>\n");
}

/// The findings counted by rule, each rule with the files it fires in (links to their lists).
fn by_rule(out: &mut String, map: &Map) {
    struct Rule<'m> {
        counts: [usize; 3],
        files: Vec<(&'m str, &'m str, usize)>,
    }
    let mut rules: std::collections::BTreeMap<&str, Rule> = std::collections::BTreeMap::new();
    for file in &map.findings {
        for f in &file.findings {
            let rule = rules.entry(f.rule.name()).or_insert(Rule {
                counts: [0; 3],
                files: Vec::new(),
            });
            rule.counts[severity_rank(f.severity)] += 1;
            match rule.files.last_mut() {
                Some((path, _, n)) if *path == file.path => *n += 1,
                _ => rule.files.push((&file.path, &file.anchor, 1)),
            }
        }
    }
    let mut order: Vec<(&str, Rule)> = rules.into_iter().collect();
    // The rules with the most serious findings first, then the most findings.
    order.sort_by_key(|(name, r)| {
        (
            std::cmp::Reverse(r.counts),
            std::cmp::Reverse(r.counts.iter().sum::<usize>()),
            *name,
        )
    });
    let _ = writeln!(
        out,
        "<h3>By rule</h3>\n<p class=\"hint\">{} ({}) from {}. <code>kblint explain RULE</code> says what a rule checks and how to fix what it finds.</p>",
        plural(
            map.findings.iter().map(|f| f.findings.len()).sum(),
            "finding",
            "findings"
        ),
        finding_counts(&map.summary),
        plural(order.len(), "rule", "rules")
    );
    for (name, rule) in &order {
        let counts: Vec<String> = [
            ("error", "errors"),
            ("warning", "warnings"),
            ("note", "notes"),
        ]
        .iter()
        .zip(rule.counts)
        .filter(|(_, n)| *n > 0)
        .map(|((one, many), n)| plural(n, one, many))
        .collect();
        let _ = writeln!(
            out,
            "<details class=\"rule\"><summary><code>{}</code> <span class=\"hint\">({} in {})</span></summary>\n<ul class=\"files\">",
            escape(name),
            counts.join(", "),
            plural(rule.files.len(), "file", "files")
        );
        for (path, anchor, n) in &rule.files {
            let _ = writeln!(
                out,
                "<li><a href=\"#{}\"><code>{}</code></a>{}</li>",
                escape(anchor),
                escape(path),
                if *n > 1 {
                    format!(" <span class=\"hint\">({n})</span>")
                } else {
                    String::new()
                }
            );
        }
        out.push_str("</ul>\n</details>\n");
    }
}

/// 0 for errors, 1 for warnings, 2 for notes.
fn severity_rank(s: Severity) -> usize {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}

/// The page's word for a severity: `note` for what other outputs call `info`, as the summary
/// counts them.
fn severity_word(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The base64 SHA-256 of `text`, as a Content-Security-Policy hash source wants it.
fn digest(text: &str) -> String {
    base64(&Sha256::digest(text.as_bytes()))
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }
}
