//! A document's readable text: for a web page the article (without navigation, ads and
//! footers) and the whole page's text; for plain text and Markdown the text as it is.
//!
//! The article is found by dom_smoothie (a port of Mozilla's Readability), and its HTML is then
//! turned into text here, one paragraph per block element, paragraphs separated by blank lines.
//! Recall matters more than precision: a sentence dropped can never be quoted, so the cleaning
//! here only removes what is never article text: the title repeated as a heading, figures
//! (pictures, captions, credits), short paragraphs made of links that are not sentences (related
//! stories, tags), and lines of sharing buttons. [`Extracted::page`] keeps the whole page, for
//! quotes found outside the article. Measured on the article extraction benchmark (181 pages,
//! `bench/extraction.py`), each of these removals raised precision without losing a quoted
//! sentence; docs/sources.md has the numbers.

use dom_query::{Document, NodeRef};

/// The name and version written as a snapshot's `extractor` for HTML.
pub const HTML_EXTRACTOR: &str =
    concat!("kblint ", env!("CARGO_PKG_VERSION"), " (dom_smoothie 0.19)");
/// The `extractor` of a plain text or Markdown document, kept as it is.
pub const TEXT_EXTRACTOR: &str = concat!("kblint ", env!("CARGO_PKG_VERSION"), " (text)");

/// What kind of document some bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Html,
    Text,
    Markdown,
    Pdf,
}

impl Kind {
    /// The extension the raw bytes are kept under.
    pub fn extension(self) -> &'static str {
        match self {
            Kind::Html => "html",
            Kind::Text => "txt",
            Kind::Markdown => "markdown",
            Kind::Pdf => "pdf",
        }
    }

    /// The kind named by a file's extension, if it names one.
    pub fn from_extension(ext: &str) -> Option<Kind> {
        match ext.to_ascii_lowercase().as_str() {
            "html" | "htm" | "xhtml" => Some(Kind::Html),
            "txt" | "text" => Some(Kind::Text),
            "md" | "markdown" => Some(Kind::Markdown),
            "pdf" => Some(Kind::Pdf),
            _ => None,
        }
    }

    /// The kind named by a `Content-Type` header's media type.
    pub fn from_media_type(content_type: &str) -> Option<Kind> {
        let media = content_type.split(';').next().unwrap_or("").trim();
        match media.to_ascii_lowercase().as_str() {
            "text/html" | "application/xhtml+xml" => Some(Kind::Html),
            "text/plain" => Some(Kind::Text),
            "text/markdown" | "text/x-markdown" => Some(Kind::Markdown),
            "application/pdf" => Some(Kind::Pdf),
            _ => None,
        }
    }

    /// The kind that the first bytes show, for a document whose name and type say nothing.
    pub fn sniff(bytes: &[u8]) -> Kind {
        if bytes.starts_with(b"%PDF-") {
            return Kind::Pdf;
        }
        let head = String::from_utf8_lossy(&bytes[..bytes.len().min(1024)]).to_ascii_lowercase();
        let head = head.trim_start_matches('\u{feff}').trim_start();
        if head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<body")
        {
            Kind::Html
        } else {
            Kind::Text
        }
    }
}

/// The text of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The document's title, when it names one.
    pub title: Option<String>,
    /// The readable text: paragraphs separated by blank lines, ending with a newline.
    pub article: String,
    /// All the text of the page (for HTML; the same as `article` otherwise).
    pub page: String,
    /// The `extractor` that made `article`.
    pub extractor: &'static str,
}

/// The text of an HTML page: its article and its whole text.
pub fn html(source: &str) -> Extracted {
    let page_doc = Document::from(source);
    let page = page_text(&page_doc);
    let head_title = page_doc
        .select("head title")
        .nodes()
        .first()
        .map(|n| collapse(&n.text()))
        .filter(|t| !t.is_empty());
    let mut title = None;
    let mut article = String::new();
    let config = dom_smoothie::Config {
        // Keep every candidate's siblings that read like text: recall over precision.
        n_top_candidates: 10,
        ..dom_smoothie::Config::default()
    };
    if let Ok(mut readability) = dom_smoothie::Readability::new(source, None, Some(config))
        && let Ok(found) = readability.parse()
    {
        let t = collapse(&found.title);
        if !t.is_empty() {
            title = Some(t);
        }
        let doc = Document::from(found.content.as_ref());
        article = render(&doc.root(), title.as_deref(), true);
    }
    if article.trim().is_empty() {
        article = page.clone();
    }
    Extracted {
        title: title.or(head_title),
        article,
        page,
        extractor: HTML_EXTRACTOR,
    }
}

/// The text of a plain text or Markdown document: as it is, with line ends made `\n` and the
/// first heading (Markdown) or first line (text) as its title.
pub fn text(source: &str, kind: Kind) -> Extracted {
    let body = source.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let body = format!("{}\n", body.trim_end());
    let title = body
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(|l| {
            if kind == Kind::Markdown {
                l.trim_start_matches('#').trim().to_string()
            } else {
                l.to_string()
            }
        })
        .filter(|t| !t.is_empty());
    Extracted {
        title,
        article: body.clone(),
        page: body,
        extractor: TEXT_EXTRACTOR,
    }
}

/// The whole page's visible text, in the same paragraphs as the article's.
fn page_text(doc: &Document) -> String {
    let body = doc.select("body");
    match body.nodes().first() {
        Some(node) => render(node, None, false),
        None => render(&doc.root(), None, false),
    }
}

/// Elements whose text is never read.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "svg", "button", "select", "option",
    "iframe", "object", "canvas", "input", "textarea",
];

/// Elements that start and end a paragraph.
const BLOCKS: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "body",
    "caption",
    "center",
    "dd",
    "details",
    "dialog",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "form",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hgroup",
    "hr",
    "html",
    "legend",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "table",
    "tbody",
    "thead",
    "tfoot",
    "tr",
    "ul",
];

/// Turns a tree into paragraphs of text separated by blank lines. A first heading equal to the
/// `title` is left out: it is the snapshot's `title`, not its text.
fn render(root: &NodeRef, title: Option<&str>, article: bool) -> String {
    let mut out = Paragraphs {
        article,
        ..Paragraphs::default()
    };
    walk(root, &mut out);
    out.flush();
    let mut paragraphs = out.done;
    if let (Some(title), Some(first)) = (title, paragraphs.first())
        && same_words(&first.0, title)
    {
        paragraphs.remove(0);
    }
    let paragraphs: Vec<String> = paragraphs
        .into_iter()
        .filter(|(p, links)| !article || !(is_furniture(p) || is_link_list(p, *links)))
        .map(|(p, _)| p)
        .collect();
    let mut text = paragraphs.join("\n\n");
    text.push('\n');
    if text.trim().is_empty() {
        return String::new();
    }
    text
}

#[derive(Default)]
struct Paragraphs {
    /// Each paragraph, and how many of its characters are link text.
    done: Vec<(String, usize)>,
    line: String,
    links: usize,
    in_link: usize,
    article: bool,
}

impl Paragraphs {
    fn push_text(&mut self, text: &str) {
        if self.in_link > 0 {
            self.links += text
                .split_whitespace()
                .map(|w| w.chars().count() + 1)
                .sum::<usize>();
        }
        for (n, word) in text.split(is_space).enumerate() {
            if n > 0 && !self.line.ends_with(' ') && !self.line.ends_with('\n') {
                self.line.push(' ');
            }
            self.line.push_str(word);
        }
    }

    fn line_break(&mut self) {
        let trimmed = self.line.trim_end_matches(' ').len();
        self.line.truncate(trimmed);
        if !self.line.is_empty() && !self.line.ends_with('\n') {
            self.line.push('\n');
        }
    }

    fn flush(&mut self) {
        let paragraph = self
            .line
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("\n");
        if !paragraph.is_empty() {
            self.done.push((paragraph, self.links));
        }
        self.line.clear();
        self.links = 0;
    }
}

fn walk(node: &NodeRef, out: &mut Paragraphs) {
    if node.is_text() {
        out.push_text(&node.text());
        return;
    }
    if !(node.is_element() || node.is_document() || node.is_fragment()) {
        return;
    }
    let name = node
        .node_name()
        .map(|n| n.to_ascii_lowercase())
        .unwrap_or_default();
    if SKIPPED.contains(&name.as_str()) || node.has_attr("hidden") {
        return;
    }
    // Figures are pictures with their captions and credits: not the article's text (the
    // whole page keeps them).
    if out.article && matches!(name.as_str(), "figure" | "figcaption") {
        return;
    }
    match name.as_str() {
        "br" => {
            out.line_break();
            return;
        }
        "pre" => {
            out.flush();
            let text = node.text().replace("\r\n", "\n");
            out.line = text.trim_matches('\n').to_string();
            out.flush();
            return;
        }
        "td" | "th"
            if !out.line.is_empty() && !out.line.ends_with(' ') && !out.line.ends_with('\n') =>
        {
            out.line.push(' ');
        }
        _ => {}
    }
    let block = BLOCKS.contains(&name.as_str());
    if block {
        out.flush();
    }
    let link = name == "a";
    if link {
        out.in_link += 1;
    }
    for child in node.children_it(false) {
        walk(&child, out);
    }
    if link {
        out.in_link -= 1;
    }
    if block {
        out.flush();
    } else if matches!(name.as_str(), "td" | "th") {
        out.line.push(' ');
    }
}

/// A short paragraph that is nearly all link text and not a sentence: a list of related
/// stories, tags, "read more" links.
fn is_link_list(paragraph: &str, link_chars: usize) -> bool {
    let words = paragraph.split_whitespace().count();
    let chars = paragraph.chars().count().max(1);
    words < 25 && link_chars as f64 / chars as f64 > 0.8 && !paragraph.ends_with(['.', '!', '?'])
}

/// Short paragraphs that are page furniture wherever they stand.
fn is_furniture(paragraph: &str) -> bool {
    let lower = paragraph.to_lowercase();
    let words = lower.split_whitespace().count();
    if words > 6 {
        return false;
    }
    const FURNITURE: &[&str] = &[
        "advertisement",
        "share this article",
        "share this",
        "share",
        "tweet",
        "print",
        "email",
        "comments",
        "read more",
        "skip to content",
    ];
    FURNITURE.contains(&lower.trim_end_matches([':', '.']).trim())
}

fn same_words(a: &str, b: &str) -> bool {
    let words = |s: &str| {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    };
    let (a, b) = (words(a), words(b));
    !a.is_empty() && a == b
}

fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// White space runs made one space, trimmed.
pub fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_become_paragraphs_and_inline_text_stays_on_its_line() {
        let page = "<html><head><title>T</title></head><body><p>One <b>two</b>\n three.</p><ul><li>a</li><li>b</li></ul><p>x<br>y</p></body></html>";
        let doc = Document::from(page);
        assert_eq!(page_text(&doc), "One two three.\n\na\n\nb\n\nx\ny\n");
    }

    #[test]
    fn figures_and_link_lists_are_not_article_text() {
        let article = "<div><p>The council met on Monday and voted for the plan.</p>\
            <figure><img src=x><figcaption>The council. Photo: A. Person</figcaption></figure>\
            <p><a href=/a>Related: council votes</a> <a href=/b>More news</a></p>\
            <p>It passed <a href=/c>by a wide margin</a>.</p></div>";
        let doc = Document::from(article);
        assert_eq!(
            render(&doc.root(), None, true),
            "The council met on Monday and voted for the plan.\n\nIt passed by a wide margin.\n"
        );
        // The whole page keeps them.
        assert!(render(&doc.root(), None, false).contains("Related: council votes"));
    }

    #[test]
    fn scripts_and_styles_are_not_text() {
        let page = "<body><script>var a = 1;</script><style>p{}</style><p>kept</p></body>";
        assert_eq!(page_text(&Document::from(page)), "kept\n");
    }

    #[test]
    fn markdown_title_is_its_first_heading() {
        let e = text("\u{feff}# A title\r\n\r\nBody.\r\n", Kind::Markdown);
        assert_eq!(e.title.as_deref(), Some("A title"));
        assert_eq!(e.article, "# A title\n\nBody.\n");
    }

    #[test]
    fn kinds_are_sniffed_from_the_first_bytes() {
        assert_eq!(Kind::sniff(b"%PDF-1.7"), Kind::Pdf);
        assert_eq!(Kind::sniff(b"  <!DOCTYPE html><html>"), Kind::Html);
        assert_eq!(Kind::sniff(b"plain words"), Kind::Text);
    }
}
