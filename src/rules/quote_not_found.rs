use super::declare_rule;
use crate::analysis::Context;
use crate::analysis::citations::Verdict;
use crate::diagnostic::{Diagnostic, FileId, Fix, Label};
use crate::frontmatter::offsets;
use crate::model::Text;
use crate::quote::Nearest;

declare_rule! {
    /// ## What it checks
    ///
    /// Every quote appears in its source, after both are normalised: Unicode NFKC, curly quotes
    /// and apostrophes made straight, every dash made `-`, soft hyphens and zero-width characters
    /// dropped, every run of white space made one space. The first letter of each fragment may
    /// differ in case; an ellipsis (`...`, `…`, `[...]`) splits the quote into fragments that
    /// must appear in that order. A quote never starts or ends inside a word of the source
    /// (punctuation is a boundary; Han, kana, Thai, Lao, Khmer and Myanmar text is exempt), so
    /// `he editor` is not found in "The editor", nor `1 acre` in "61 acres".
    ///
    /// When the quote is not found, the finding shows the nearest passage of the source (file,
    /// line, similarity) and the words that differ. In the editor, right after an edit, the
    /// finding may say that the nearest passage is being searched for: the language server
    /// publishes first and searches when no message waits. A quote that appears verbatim in
    /// another source is `misattributed-quote` instead.
    ///
    /// ## Why
    ///
    /// A misquote makes a claim look better supported than it is. Sources change, quotes get
    /// paraphrased while editing: only a check on every commit keeps quotes verbatim.
    ///
    /// ## Example
    ///
    /// ```md fires
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: tactical
    ///     text: The role is tactical.
    ///     cites:
    ///       - source: guide
    ///         quote: "Product owners are mostly tactical"
    /// ---
    /// ```
    ///
    /// ```md passes
    /// ==> kb/entries/example.md <==
    /// ---
    /// id: example
    /// claims:
    ///   - id: tactical
    ///     text: The role is tactical.
    ///     cites:
    ///       - source: guide
    ///         quote: "product owners are more tactical"
    /// ---
    /// ```
    ///
    /// ## How to fix
    ///
    /// Copy the words from the source as they stand; mark left-out words with `...`. For a
    /// near miss (90% similar or more, differing only in punctuation, case or one word),
    /// `kblint check --fix --unsafe-fixes` replaces the quote with the source's text; for a quote
    /// that only cuts words, it extends them to whole words.
    id: QuoteNotFound,
    default: Error,
    summary: "a quote matches neither its source nor any other source",
    needs: [Citations],
    reach: Kb,
    check: check,
}

fn check(cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
    let kb = cx.kb;
    let citations = cx.citations();
    for c in &citations.checked {
        let Verdict::NotFound { nearest } = &c.verdict else {
            continue;
        };
        let entry = &kb.entries[c.claim.entry];
        let Some(quote) = &kb.claim(c.claim).cites[c.cite].quote else {
            continue;
        };
        let source = &kb.entries[c.source];
        let message = format!("quote not found in source `{}`", source.id.value);
        let mut d = Diagnostic::new(
            RULE.id,
            message,
            Label::new(entry.file, quote.span(), "not in the source"),
        );
        match nearest {
            None => {
                if c.pending {
                    d = d.note("the nearest passage of the source is being searched for");
                } else if c.unsearched {
                    d = d.note(format!(
                        "no passage close enough was searched for: the quote ({} characters) is too long for a source of {} bytes (the search's budget is {} characters times bytes)",
                        quote.value.chars().count(),
                        kb.body(c.source).len(),
                        crate::quote::NEAREST_BUDGET
                    ));
                }
                d = d.help(COPY);
            }
            Some(n) => {
                let quoted = Quoted {
                    file: entry.file,
                    text: kb.files.get(entry.file).text(),
                    quote,
                };
                d = quoted.differences(d, n, source.file);
                d = quoted.correction(d, n);
            }
        }
        out.push(d);
    }
}

/// The advice for a quote with no correction to offer.
const COPY: &str = "copy the words from the source as they stand; mark left-out words with `...`";

/// A quote that is not found, in the entry that cites it.
struct Quoted<'a> {
    file: FileId,
    /// The entry file's text.
    text: &'a str,
    quote: &'a Text,
}

impl Quoted<'_> {
    /// The nearest passage of the source (file `source`) and the first differences from it,
    /// each at its place in the source and in the quote, and the words the quote cuts.
    fn differences(&self, mut d: Diagnostic, n: &Nearest, source: FileId) -> Diagnostic {
        let quote = self.quote;
        let in_entry = offsets::value_offsets(self.text, quote.span(), &quote.value);
        d = d.related(Label::new(
            source,
            n.range.clone(),
            format!("nearest passage, {}% similar", n.similarity),
        ));
        for diff in n.differences.iter().take(3) {
            let reads = if diff.source_text.is_empty() {
                "nothing".to_string()
            } else {
                format!("`{}`", diff.source_text)
            };
            let has = if diff.quote_text.is_empty() {
                "nothing".to_string()
            } else {
                format!("`{}`", diff.quote_text)
            };
            d = d.note(format!("the source reads {reads}, the quote has {has}"));
            d = d.related(Label::new(
                source,
                diff.source.clone(),
                format!("the source reads {reads} here"),
            ));
            // The same place in the quote, when the scalar can be traced back to the file.
            if let Some(offsets) = &in_entry
                && !diff.quote.is_empty()
                && let (Some(&start), Some(&end)) =
                    (offsets.get(diff.quote.start), offsets.get(diff.quote.end))
            {
                d = d.related(Label::new(
                    self.file,
                    start..end,
                    format!("the quote has {has} here"),
                ));
            }
        }
        if n.differences.len() > 3 {
            d = d.note(format!("and {} more differences", n.differences.len() - 3));
        }
        for (k, cut) in n.cuts.iter().enumerate() {
            d = d.note(cut_note(cut, k == 0));
        }
        d
    }

    /// The corrected quote, as a fix (or as advice, for a block scalar), when the quote only
    /// cuts words or nearly matches; else the advice to copy the source's words.
    fn correction(&self, d: Diagnostic, n: &Nearest) -> Diagnostic {
        if !n.whole_words && !near_miss(n) {
            return d.help(COPY);
        }
        let quote = self.quote;
        // The quote with each differing stretch replaced by what the source reads: elisions
        // and the author's typography elsewhere are kept.
        let mut corrected = quote.value.to_string();
        let mut diffs: Vec<_> = n.differences.iter().collect();
        diffs.sort_by_key(|d| std::cmp::Reverse(d.quote.start));
        for diff in diffs {
            if corrected.get(diff.quote.clone()).is_some() {
                corrected.replace_range(diff.quote.clone(), &diff.source_text);
            }
        }
        let replacement = serde_json::to_string(&corrected).unwrap_or_default();
        // The fix writes a double-quoted scalar: in place of a block scalar's text it would
        // land inside the block, so a block scalar is corrected by hand.
        if offsets::is_block_scalar(self.text, quote.span().start) {
            d.help(format!("the quote would read {replacement}; edit the block scalar to match (`--fix` does not rewrite block scalars)"))
        } else {
            d.help(format!("the quote would read {replacement}; `kblint check --fix --unsafe-fixes` makes the change"))
                .fix(Fix {
                    file: self.file,
                    span: quote.span(),
                    replacement,
                    safe: false,
                    description: "correct the quote to the source's words".into(),
                })
        }
    }
}

/// What a cut word note says: "the quote ends inside `style`".
fn cut_note(cut: &crate::quote::Cut, first: bool) -> String {
    use crate::quote::Edge;
    let what = match cut.edge {
        Edge::QuoteStart => "the quote starts",
        Edge::QuoteEnd => "the quote ends",
        Edge::AfterEllipsis => "the text after an ellipsis starts",
        Edge::BeforeEllipsis => "the text before an ellipsis ends",
    };
    let why = if first {
        ": a quote may not start or end inside a word"
    } else {
        ""
    };
    format!("{what} inside `{}`{why}", cut.word)
}

/// At least 90% similar, and differing only in punctuation, case or a single word.
fn near_miss(n: &Nearest) -> bool {
    if n.similarity < 90 {
        return false;
    }
    let letters = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect::<String>()
    };
    let words_changed = n
        .differences
        .iter()
        .filter(|d| letters(&d.source_text) != letters(&d.quote_text))
        .count();
    let one_word = |s: &str| s.split_whitespace().count() <= 1;
    words_changed == 0
        || (words_changed == 1
            && n.differences
                .iter()
                .all(|d| one_word(&d.source_text) && one_word(&d.quote_text)))
}
