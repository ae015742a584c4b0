//! Quote matching (spec §5): a corpus of tricky quotes, the nearest passage, and the search of
//! a quote in other sources.

use kblint::quote::{Difference, Edge, Match, Nearest, Normalized, find, find_elsewhere, nearest};

/// What a case expects: the original source text at every returned range, or no match.
#[derive(Debug)]
enum Want {
    Found(&'static [&'static str]),
    NotFound,
    Empty,
}
use Want::{Empty, Found, NotFound};

#[rustfmt::skip]
const CASES: &[(&str, &str, &str, Want)] = &[
    // (what,                                 source,                                         quote,                                 expected)
    ("curly quotes in the source",            "He said “don’t panic” twice.",                 "\"don't panic\"",                     Found(&["“don’t panic”"])),
    ("curly quotes in the quote",             "it's 'fine' and \"good\"",                     "it’s ‘fine’ and “good”",              Found(&["it's 'fine' and \"good\""])),
    ("low-9 and reversed quotes",             "„Hallo‟ ‚welt‛",                               "\"Hallo\" 'welt'",                    Found(&["„Hallo‟ ‚welt‛"])),
    ("prime as apostrophe",                   "rock ′n′ roll",                                "rock 'n' roll",                       Found(&["rock ′n′ roll"])),
    ("guillemets",                            "il dit « oui » enfin",                         "\" oui \"",                           Found(&["« oui »"])),
    ("hyphen U+2010",                         "a well‐known fact",                            "well-known fact",                     Found(&["well‐known fact"])),
    ("non-breaking hyphen U+2011",            "a well‑known fact",                            "well-known fact",                     Found(&["well‑known fact"])),
    ("figure dash",                           "call 555‒0100 now",                            "555-0100",                            Found(&["555‒0100"])),
    ("en dash",                               "pages 10–20 only",                             "pages 10-20",                         Found(&["pages 10–20"])),
    ("em dash",                               "tactics—not strategy",                         "tactics-not strategy",                Found(&["tactics—not strategy"])),
    ("horizontal bar",                        "― so it goes",                                 "- so it goes",                        Found(&["― so it goes"])),
    ("minus sign",                            "it was −5 °C",                                 "it was -5 °C",                        Found(&["it was −5 °C"])),
    ("em dash in the quote",                  "tactics - not strategy",                       "tactics — not strategy",              Found(&["tactics - not strategy"])),
    ("no-break space",                        "walk 100\u{a0}km away",                        "100 km away",                         Found(&["100\u{a0}km away"])),
    ("narrow no-break space",                 "pay 50\u{202f}€ now",                          "50 € now",                            Found(&["50\u{202f}€ now"])),
    ("soft hyphen inside a word",             "an extra\u{ad}ordinary claim",                 "extraordinary claim",                 Found(&["extra\u{ad}ordinary claim"])),
    ("zero-width space in the quote",         "zerowidth joins",                              "zero\u{200b}width joins",             Found(&["zerowidth joins"])),
    ("quote spans a line break",              "the product\n   owner decides",                "product owner decides",               Found(&["product\n   owner decides"])),
    ("CRLF line break",                       "line one\r\nline two",                         "one line two",                        Found(&["one\r\nline two"])),
    ("leading indentation of the source",     "    Indented text here.\n",                    "Indented text here.",                 Found(&["Indented text here."])),
    ("tabs and runs of spaces in the quote",  "the product owner decides",                    "  product   owner\tdecides \n",       Found(&["product owner decides"])),
    ("combining accent in the quote",         "un café au lait",                              "cafe\u{301} au lait",                 Found(&["café au lait"])),
    ("combining accent in the source",        "un cafe\u{301} au lait",                       "café au lait",                        Found(&["cafe\u{301} au lait"])),
    ("accent is not optional",                "un café au lait",                              "cafe au lait",                        NotFound),
    ("ligature in the source",                "the ﬁnancial year",                            "financial year",                      Found(&["ﬁnancial year"])),
    ("full-width letters",                    "ＡＢＣ company",                               "ABC company",                         Found(&["ＡＢＣ company"])),
    ("CJK",                                   "我们今天去公园散步，然后吃饭。",               "去公园散步",                          Found(&["去公园散步"])),
    ("CJK with full-width comma",             "我们今天去公园散步，然后吃饭。",               "散步,然后",                           Found(&["散步，然后"])),
    ("emoji",                                 "we ❤️ pizza 🍕 and 👍🏽 too",                  "🍕 and 👍🏽",                         Found(&["🍕 and 👍🏽"])),
    ("emoji is not any emoji",                "we ❤️ pizza 🍕 and 👍🏽 too",                  "🍕 and 👍🏿",                         NotFound),
    ("first letter case",                     "the product owner decides",                    "The product owner",                   Found(&["the product owner"])),
    ("first letter case, other way",          "The product owner decides",                    "the product owner",                   Found(&["The product owner"])),
    ("first letter after a quote mark",       "he said \"yes we can\" loudly",                "\"Yes we can\"",                      Found(&["\"yes we can\""])),
    ("case differs in the middle",            "the product owner decides",                    "the Product owner",                   NotFound),
    ("case differs in the second letter",     "the product owner decides",                    "tHe product owner",                   NotFound),
    ("first alphanumeric is a digit",         "3 ways to win",                                "3 Ways to win",                       NotFound),
    ("each fragment's first letter",          "owners plan; managers decide.",                "Owners plan ... Managers decide",     Found(&["owners plan", "managers decide"])),
    ("elision with ...",                      "Owners focus on tactics, while managers focus on strategy.", "Owners focus on tactics ... on strategy", Found(&["Owners focus on tactics", "on strategy"])),
    ("elision with …",                        "Owners focus on tactics, while managers focus on strategy.", "focus on tactics…managers",    Found(&["focus on tactics", "managers"])),
    ("elision with [...]",                    "Owners focus on tactics, while managers focus on strategy.", "Owners focus [...] on strategy", Found(&["Owners focus", "on strategy"])),
    ("elision with […]",                      "Owners focus on tactics, while managers focus on strategy.", "Owners […] managers",          Found(&["Owners", "managers"])),
    ("elision with [ ... ] and four dots",    "Owners focus on tactics, while managers focus on strategy.", "Owners [ ... ] tactics.... strategy", Found(&["Owners", "tactics", "strategy"])),
    ("leading and trailing ellipsis",         "Owners focus on tactics, while managers focus on strategy.", "... focus on tactics ...",     Found(&["focus on tactics"])),
    ("first fragment occurs several times",   "Owners plan. Managers review. Owners ship the product.", "Owners ... ship the product",      Found(&["Owners", "ship the product"])),
    ("fragments in the wrong order",          "alpha beta gamma",                             "gamma ... alpha",                     NotFound),
    ("fragments may not overlap",             "the cat sat down",                             "the cat ... cat sat",                 NotFound),
    ("repeated fragment needs two places",    "yes and no",                                   "yes ... yes",                         NotFound),
    ("repeated fragment found twice",         "yes and no, yes",                              "yes ... yes",                         Found(&["yes", "yes"])),
    ("a source ellipsis matches dots",        "and so on… forever",                           "and so on... forever",                Found(&["and so on", "forever"])),
    ("two dots are not an ellipsis",          "wait.. what",                                  "wait.. what",                         Found(&["wait.. what"])),
    ("a word inside a longer word",           "the owners decide",                            "owner",                               NotFound),
    // Word boundaries (spec §5): a fragment never begins or ends inside a word of the source.
    ("starts inside a word",                  "The editor owns the style guide",              "he editor owns",                      NotFound),
    ("ends inside a word",                    "The editor owns the style guide",              "owns the sty",                        NotFound),
    ("starts and ends inside words",          "The editor owns the style guide",              "he editor owns the sty",              NotFound),
    ("one word inside another",               "The editor owns the style guide",              "dito",                                NotFound),
    ("case of the first letter and a cut",    "the editors decide",                           "Editor",                              NotFound),
    ("whole words are found",                 "The editor owns the style guide",              "editor owns the style",               Found(&["editor owns the style"])),
    ("a later occurrence on word boundaries", "breathe end, then the end",                    "the end",                             Found(&["the end"])),
    ("a later occurrence, first letter case", "breathe end, then The end",                    "the end",                             Found(&["The end"])),
    ("digits: a number inside a number",      "61 acres of land",                             "1 acre",                              NotFound),
    ("digits: the whole number",              "61 acres of land",                             "61 acres",                            Found(&["61 acres"])),
    ("digits: a decimal cut",                 "it grew 31.5 m",                               "1.5 m",                               NotFound),
    ("digits next to letters",                "a 10km walk",                                  "km walk",                             NotFound),
    ("digits: the point is a boundary",       "it grew 31.5 m",                               "5 m",                                 Found(&["5 m"])),
    ("negation prefix",                       "a not unreasonable, though at an unusual, depth", "reasonable, though at an unusual, depth", NotFound),
    ("accented letter before the start",      "le café crème",                                "fé crème",                            NotFound),
    ("accented letter after the end",         "les cafés crème",                              "le café",                             NotFound),
    ("accented letters, whole words",         "gegenüber dem Ärger",                          "dem Ärger",                           Found(&["dem Ärger"])),
    ("accented letter inside a word",         "gegenüber dem Ärger",                          "über dem",                            NotFound),
    ("combining accent after the end",        "a tax\u{301} b",                               "a tax",                               NotFound),
    ("apostrophe is a boundary",              "we don't stop",                                "t stop",                              Found(&["t stop"])),
    ("curly apostrophe is a boundary",        "we don’t stop",                                "we don",                              Found(&["we don"])),
    ("hyphen is a boundary",                  "a long-term plan",                             "term plan",                           Found(&["term plan"])),
    ("dash is a boundary",                    "a long—term plan",                             "long",                                Found(&["long"])),
    ("cut after a hyphen",                    "a long-term plan",                             "erm plan",                            NotFound),
    ("CJK inside a run of ideographs",        "我们今天去公园散步",                           "公园",                                Found(&["公园"])),
    ("Latin next to Han",                     "使用Rust语言",                                 "Rust",                                Found(&["Rust"])),
    ("kana inside a run",                     "これはひらがなです",                           "ひらがな",                            Found(&["ひらがな"])),
    ("Thai inside a run",                     "ภาษาไทยง่าย",                                  "ไทย",                                 Found(&["ไทย"])),
    ("Hangul is written with spaces",         "한국어 문법",                                  "국어 문법",                           NotFound),
    ("elided fragment ends inside a word",    "The editor owns the style guide",              "The editor ... sty",                  NotFound),
    ("elided fragment starts inside a word",  "The editor owns the style guide",              "The editor ... tyle guide",           NotFound),
    ("elided fragments on word boundaries",   "The editor owns the style guide",              "editor ... style guide",              Found(&["editor", "style guide"])),
    ("elided fragment skips a cut occurrence", "Art is start and art",                        "Art ... art",                         Found(&["Art", "art"])),
    ("a different word",                      "the product owner decides",                    "the product manager decides",         NotFound),
    ("quote longer than its source",          "Short text.",                                  "Short text. And a lot more that the source never said.", NotFound),
    ("empty source",                          "",                                             "anything",                            NotFound),
    ("empty quote",                           "some source",                                  "",                                    Empty),
    ("blank quote",                           "some source",                                  "  \n\t\u{a0} ",                       Empty),
    ("only an ellipsis",                      "some source",                                  "...",                                 Empty),
    ("only a … ",                             "some source",                                  " … ",                                 Empty),
    ("only ellipses of every kind",           "some source",                                  "[...] … [ … ] ....",                  Empty),
    ("only invisible characters",             "some source",                                  "\u{200b}\u{feff}\u{ad}",              Empty),
];

#[test]
fn corpus_of_tricky_quotes() {
    let mut failures = Vec::new();
    for (what, source, quote, want) in CASES {
        let got = find(&Normalized::new(source), quote);
        let ok = match (want, &got) {
            (Found(texts), Match::Found(ranges)) => {
                let slices: Vec<Option<&str>> =
                    ranges.iter().map(|r| source.get(r.clone())).collect();
                slices == texts.iter().map(|t| Some(*t)).collect::<Vec<_>>()
            }
            (NotFound, Match::NotFound) | (Empty, Match::Empty) => true,
            _ => false,
        };
        if !ok {
            let shown = match &got {
                Match::Found(ranges) => format!(
                    "Found({:?})",
                    ranges
                        .iter()
                        .map(|r| source.get(r.clone()))
                        .collect::<Vec<_>>()
                ),
                other => format!("{other:?}"),
            };
            failures.push(format!(
                "{what}: {quote:?} in {source:?}: want {want:?}, got {shown}"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn later_occurrence_of_the_first_fragment_is_reported() {
    let source = "Owners plan. Managers review. Owners ship the product.";
    let Match::Found(ranges) = find(&Normalized::new(source), "owners ... ship") else {
        panic!("not found")
    };
    assert_eq!(ranges, vec![30..36, 37..41]);
}

// ---------------------------------------------------------------------------------------------
// Nearest passage
// ---------------------------------------------------------------------------------------------

const PARAGRAPH: &str = "In most companies the product manager owns the vision.\n\
    The product owner, on the other hand, manages the entire lifecycle of the product backlog,\n\
    from refinement to acceptance. Owners are detail-oriented; managers look ahead.";

fn near(source: &str, quote: &str) -> Nearest {
    let n = nearest(&Normalized::new(source), quote).expect("a nearest passage");
    check_ranges(source, &n);
    n
}

/// Every range is on char boundaries of the source and inside the passage.
fn check_ranges(source: &str, n: &Nearest) {
    assert!(
        source.get(n.range.clone()).is_some(),
        "passage {:?}",
        n.range
    );
    for d in &n.differences {
        assert!(source.get(d.source.clone()).is_some(), "difference {d:?}");
        assert!(
            n.range.start <= d.source.start && d.source.end <= n.range.end,
            "{d:?} outside {:?}",
            n.range
        );
    }
}

fn diff<'a>(source: &'a str, d: &'a Difference) -> (&'a str, &'a str, &'a str) {
    (
        &source[d.source.clone()],
        d.source_text.as_str(),
        d.quote_text.as_str(),
    )
}

#[test]
fn nearest_with_one_word_changed() {
    let quote = "manages the whole lifecycle of the product backlog, from refinement to acceptance";
    let n = near(PARAGRAPH, quote);
    assert_eq!(
        &PARAGRAPH[n.range.clone()],
        "manages the entire lifecycle of the product backlog,\nfrom refinement to acceptance"
    );
    assert_eq!(n.differences.len(), 1, "{:?}", n.differences);
    assert_eq!(
        diff(PARAGRAPH, &n.differences[0]),
        ("entire", "entire", "whole")
    );
    assert_eq!(&quote[n.differences[0].quote.clone()], "whole");
    assert!(n.similarity >= 90, "{}", n.similarity);
    assert!(n.similarity < 100);
}

#[test]
fn nearest_with_the_example_of_the_brief() {
    let source = "It covers the entire lifecycle of it, start to end.";
    let n = near(source, "the whole lifecycle of it");
    assert_eq!(&source[n.range.clone()], "the entire lifecycle of it");
    assert_eq!(n.differences.len(), 1);
    assert_eq!(
        diff(source, &n.differences[0]),
        ("entire", "entire", "whole")
    );
}

#[test]
fn nearest_with_one_word_missing_only() {
    let source =
        "Our guide says that the product owner manages the entire lifecycle of the backlog. Next.";
    let n = near(
        source,
        "the product owner manages entire lifecycle of the backlog",
    );
    assert_eq!(
        &source[n.range.clone()],
        "the product owner manages the entire lifecycle of the backlog"
    );
    assert_eq!(n.differences.len(), 1, "{:?}", n.differences);
    let d = &n.differences[0];
    assert_eq!(diff(source, d), ("the", "the", ""));
    assert!(d.quote.is_empty());
    assert!(n.similarity >= 90, "{}", n.similarity);
}

#[test]
fn nearest_with_an_extra_word_in_the_quote() {
    let source =
        "Our guide says that the product owner manages the lifecycle of the backlog today.";
    let quote = "the product owner manages the very lifecycle of the backlog";
    let n = near(source, quote);
    assert_eq!(n.differences.len(), 1, "{:?}", n.differences);
    let d = &n.differences[0];
    assert_eq!(
        (d.source_text.as_str(), d.quote_text.as_str()),
        ("", "very")
    );
    assert!(d.source.is_empty());
    assert_eq!(
        &source[..d.source.start],
        "Our guide says that the product owner manages the"
    );
    assert_eq!(&quote[d.quote.clone()], "very");
    assert!(n.similarity >= 90, "{}", n.similarity);
}

#[test]
fn nearest_with_punctuation_differences() {
    let quote = "The product owner on the other hand manages the entire lifecycle";
    let n = near(PARAGRAPH, quote);
    assert_eq!(
        &PARAGRAPH[n.range.clone()],
        "The product owner, on the other hand, manages the entire lifecycle"
    );
    let pairs: Vec<(&str, &str, &str)> = n.differences.iter().map(|d| diff(PARAGRAPH, d)).collect();
    assert_eq!(
        pairs,
        [("owner,", "owner,", "owner"), ("hand,", "hand,", "hand")]
    );
    assert!(n.similarity >= 90, "{}", n.similarity);
}

#[test]
fn nearest_maps_back_to_the_original_text() {
    let source = "Intro.\n\nHe said “don’t\n   panic” — and then\u{a0}left the ﬁeld… quickly.";
    let n = near(source, "He said \"do not panic\" - and then left the field");
    assert_eq!(
        &source[n.range.clone()],
        "He said “don’t\n   panic” — and then\u{a0}left the ﬁeld"
    );
    assert_eq!(n.differences.len(), 1, "{:?}", n.differences);
    assert_eq!(
        diff(source, &n.differences[0]),
        ("“don’t", "\"don't", "\"do not")
    );
}

#[test]
fn nearest_with_a_different_first_letter_case_only_elsewhere() {
    let source = "intro. the product owner decides what gets build.";
    let n = near(source, "The product owner decides what gets built");
    assert_eq!(
        &source[n.range.clone()],
        "the product owner decides what gets build"
    );
    let pairs: Vec<(&str, &str, &str)> = n.differences.iter().map(|d| diff(source, d)).collect();
    assert_eq!(
        pairs,
        [("build", "build", "built")],
        "the first letter's case is no difference"
    );
}

#[test]
fn nearest_for_a_quote_longer_than_its_source() {
    let source = "Short text.";
    let n = near(
        source,
        "Short text. And a lot more that the source never said.",
    );
    assert_eq!(&source[n.range.clone()], "Short text.");
    assert!(n.similarity < 30, "{}", n.similarity);
    assert_eq!(n.differences.len(), 1, "{:?}", n.differences);
    assert_eq!(n.differences[0].source_text, "");
    assert_eq!(
        n.differences[0].quote_text,
        "And a lot more that the source never said."
    );
    assert_eq!(n.differences[0].source, 11..11);
}

#[test]
fn nearest_with_an_elision() {
    let source = "Owners focus on tactics, while managers focus on strategy. The end.";
    let n = near(source, "Owners focus on tactics ... focus on strategi");
    assert_eq!(
        &source[n.range.clone()],
        "Owners focus on tactics, while managers focus on strategy"
    );
    let pairs: Vec<(&str, &str, &str)> = n.differences.iter().map(|d| diff(source, d)).collect();
    assert_eq!(
        pairs,
        [("strategy", "strategy", "strategi")],
        "the elided words are no difference"
    );
    assert!(n.similarity >= 90, "{}", n.similarity);
}

#[test]
fn nearest_with_fragments_in_the_wrong_order() {
    let source = "alpha beta gamma delta";
    let n = near(source, "gamma delta ... alpha beta");
    assert!(n.similarity < 100);
    assert!(!n.differences.is_empty());
}

#[test]
fn nearest_in_cjk_and_emoji() {
    let source = "前言。我们今天去公园散步，然后吃饭🍕。结束";
    let n = near(source, "我们明天去公园散步，然后吃饭🍕");
    assert_eq!(&source[n.range.clone()], "我们今天去公园散步，然后吃饭🍕");
    let pairs: Vec<(&str, &str, &str)> = n.differences.iter().map(|d| diff(source, d)).collect();
    assert_eq!(pairs, [("今", "今", "明")]);
    assert!(n.similarity >= 90, "{}", n.similarity);

    let n = near("we ❤️ pizza 🍕 and 👍🏽 too", "pizza 🍕 and 👍🏿 too");
    let pairs: Vec<(&str, &str)> = n
        .differences
        .iter()
        .map(|d| (d.source_text.as_str(), d.quote_text.as_str()))
        .collect();
    assert_eq!(pairs, [("👍🏽", "👍🏿")]);
}

#[test]
fn nearest_of_nothing_is_none() {
    let src = Normalized::new(PARAGRAPH);
    assert_eq!(nearest(&Normalized::new(""), "a quote"), None);
    assert_eq!(nearest(&Normalized::new(" \n "), "a quote"), None);
    assert_eq!(nearest(&src, ""), None);
    assert_eq!(nearest(&src, " ... "), None);
    assert_eq!(nearest(&Normalized::new("abc"), "漢字"), None);
}

#[test]
fn nearest_never_panics_on_odd_input() {
    let sources = [
        "a",
        "é",
        "漢",
        "👍🏽",
        "a\u{301}\u{301}",
        "…",
        " x ",
        "ﬁ",
        "\u{ad}",
        PARAGRAPH,
    ];
    let quotes = [
        "a",
        "b",
        "漢字",
        "👍",
        "e\u{301}",
        "...a...",
        "x y z w",
        "fi",
        "ﬂ",
        "A",
        PARAGRAPH,
        "[...] b [...]",
    ];
    for s in sources {
        for q in quotes {
            if let Some(n) = nearest(&Normalized::new(s), q) {
                check_ranges(s, &n);
                assert!(n.similarity <= 100);
                for d in &n.differences {
                    assert!(q.get(d.quote.clone()).is_some(), "{d:?} in {q:?}");
                }
            }
            let _ = find(&Normalized::new(s), q);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Search in other sources
// ---------------------------------------------------------------------------------------------

#[test]
fn find_elsewhere_names_the_first_source_that_has_the_quote() {
    let texts = [
        "Nothing to see here, I said.",
        "Managers look ahead, owners look at details.",
        "The product owner works on tactics more than on strategy.",
        "Another text entirely.",
        "the product owner works on tactics, says another one.",
    ];
    let sources: Vec<Normalized> = texts.iter().map(|t| Normalized::new(t)).collect();
    let refs: Vec<&Normalized> = sources.iter().collect();
    let quotes = [
        "the product owner works on tactics more than on strategy", // third source only
        "The product owner works on tactics", // third and fifth: the first of them
        "owners look at details",             // second
        "a quote that is nowhere",            // none
        "",                                   // empty
        "...",                                // only an ellipsis
        "Managers ... details",               // elision, second
        "details ... Managers",               // wrong order: none
        "product Owner",                      // case in the middle: none
        "works on tactics",                   // piece in third and fifth
        "I",                                  // no piece to prefilter with
    ];
    let got = find_elsewhere(&refs, &quotes);
    assert_eq!(
        got,
        vec![
            Some(2),
            Some(2),
            Some(1),
            None,
            None,
            None,
            Some(1),
            None,
            None,
            Some(2),
            Some(0)
        ]
    );
    // The same answer as asking `find` for every pair.
    for (q, g) in quotes.iter().zip(&got) {
        let brute = refs
            .iter()
            .position(|s| matches!(find(s, q), Match::Found(_)));
        assert_eq!(*g, brute, "{q:?}");
    }
}

#[test]
fn find_elsewhere_with_no_sources_or_no_quotes() {
    assert_eq!(find_elsewhere(&[], &["x"]), vec![None]);
    let s = Normalized::new("x");
    assert_eq!(find_elsewhere(&[&s], &[]), Vec::<Option<usize>>::new());
}

#[test]
fn find_elsewhere_agrees_with_find_on_many_sources() {
    let words = [
        "owner", "manager", "tactics", "strategy", "the", "on", "works", "vision", "Product",
        "plans",
    ];
    let mut seed = 7u64;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as usize
    };
    let texts: Vec<String> = (0..300)
        .map(|_| {
            (0..40)
                .map(|_| words[next() % words.len()])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let sources: Vec<Normalized> = texts.iter().map(|t| Normalized::new(t)).collect();
    let refs: Vec<&Normalized> = sources.iter().collect();
    let quotes: Vec<String> = (0..100usize)
        .map(|i| {
            let n = 2 + i % 3;
            let mut q: Vec<&str> = (0..n).map(|_| words[next() % words.len()]).collect();
            if i.is_multiple_of(4) {
                q.insert(1, "...");
            }
            q.join(" ")
        })
        .collect();
    let qrefs: Vec<&str> = quotes.iter().map(String::as_str).collect();
    let got = find_elsewhere(&refs, &qrefs);
    for (q, g) in qrefs.iter().zip(&got) {
        let brute = refs
            .iter()
            .position(|s| matches!(find(s, q), Match::Found(_)));
        assert_eq!(*g, brute, "{q:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Timing (release): cargo test --release --test it quotes:: -- --ignored --nocapture
// ---------------------------------------------------------------------------------------------

#[test]
#[ignore]
fn timing() {
    use std::time::Instant;
    let mut text = String::new();
    let mut i = 0u64;
    while text.len() < 100_000 {
        i += 1;
        text.push_str(&format!(
            "Paragraph {i}: the “product owner” — unlike the manager — works on tactics, not strategy; it’s {} work.\n",
            ["detailed", "careful", "daily", "hands-on"][(i % 4) as usize]
        ));
        if i.is_multiple_of(7) {
            text.push_str("Le café\u{a0}noir coûte 2 €. 我们今天去公园散步。\n\n");
        }
    }
    let t = Instant::now();
    let src = Normalized::new(&text);
    let normalise = t.elapsed();
    let found = "Paragraph 500: the \"product owner\" - unlike the manager - works on tactics";
    let t = Instant::now();
    assert!(matches!(find(&src, found), Match::Found(_)));
    let find_time = t.elapsed();
    let failing = "The product owner, unlike the manager, works on tactical matters and not strategy; it's careful work";
    assert_eq!(failing.chars().count(), 100);
    let t = Instant::now();
    let n = nearest(&src, failing).expect("nearest");
    let nearest_time = t.elapsed();
    let long: String = text
        .chars()
        .skip(50_000)
        .take(1_000)
        .collect::<String>()
        .replace("tactics", "tactical");
    let t = Instant::now();
    let _ = nearest(&src, &long);
    let nearest_long = t.elapsed();
    eprintln!("source {} bytes", text.len());
    eprintln!("normalise: {normalise:?}");
    eprintln!("find (matching quote): {find_time:?}");
    eprintln!(
        "nearest (100-char quote): {nearest_time:?}, {}% {:?}",
        n.similarity,
        &text[n.range.clone()]
    );
    eprintln!("nearest (1000-char quote): {nearest_long:?}");
    let huge: String = text
        .chars()
        .skip(20_000)
        .take(10_000)
        .collect::<String>()
        .replace("daily", "weekly");
    let t = Instant::now();
    let _ = nearest(&src, &huge);
    eprintln!("nearest (10000-char quote): {:?}", t.elapsed());
    let elided = format!(
        "{} ... {} ... {}",
        &failing[..30],
        "works on tactical",
        "it's carefull work"
    );
    let t = Instant::now();
    let n = nearest(&src, &elided).expect("nearest");
    eprintln!(
        "nearest (elided quote): {:?}, {}%",
        t.elapsed(),
        n.similarity
    );
    let cjk = "我们今天去公园散步，然后吃饭。“引号”—破折号 …\n".repeat(1_700);
    let t = Instant::now();
    let cjk_norm = Normalized::new(&cjk);
    eprintln!("normalise {} bytes of CJK: {:?}", cjk.len(), t.elapsed());
    let t = Instant::now();
    let _ = nearest(&cjk_norm, "我们明天去公园散步，然后吃饭。\"引号\"-破折号");
    eprintln!("nearest in CJK: {:?}", t.elapsed());
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let sources: Vec<Normalized> = (0..2000)
        .map(|k| Normalized::new(&text[floor(k * 40)..floor(k * 40 + 5_000)]))
        .collect();
    let refs: Vec<&Normalized> = sources.iter().collect();
    let quotes: Vec<String> = (0..300)
        .map(|k| format!("Paragraph {}: the \"product owner\" - unlike", k * 3 + 1))
        .collect();
    let qrefs: Vec<&str> = quotes.iter().map(String::as_str).collect();
    let t = Instant::now();
    let got = find_elsewhere(&refs, &qrefs);
    eprintln!(
        "find_elsewhere: 300 quotes x 2000 sources of 5 KB: {:?} ({} found)",
        t.elapsed(),
        got.iter().flatten().count()
    );
}

// ---------------------------------------------------------------------------------------------
// Properties on random text
// ---------------------------------------------------------------------------------------------

struct Rng(u64);
impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

/// Pieces that random sources are made of: plain words and every kind of trouble.
const PIECES: &[&str] = &[
    "the",
    "owner",
    "Product",
    "tactics",
    " ",
    " ",
    "  ",
    "\n",
    "\r\n",
    "\t",
    "\u{a0}",
    "\u{202f}",
    "“",
    "”",
    "’",
    "‘",
    "„",
    "—",
    "–",
    "−",
    "-",
    "\u{ad}",
    "\u{200b}",
    "\u{feff}",
    "…",
    "...",
    ".",
    ",",
    "ﬁ",
    "ﬂ",
    "é",
    "e\u{301}",
    "\u{301}",
    "漢",
    "字",
    "，",
    "。",
    "👍",
    "🏽",
    "❤\u{fe0f}",
    "ＡＢ",
    "½",
    "[",
    "]",
    "ß",
    "İ",
    "ǅ",
    "\u{1100}\u{1161}",
    "각",
    "ｶﾞ",
];

/// Letters, digits and marks of scripts written with spaces, among the characters of `PIECES`.
fn joins(c: char) -> bool {
    let cjk = matches!(c, '\u{3000}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}');
    let mark =
        matches!(c, '\u{300}'..='\u{36F}' | '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}');
    (c.is_alphanumeric() && !cjk) || mark
}

fn random_text(rng: &mut Rng, pieces: usize) -> String {
    (0..pieces)
        .map(|_| PIECES[rng.below(PIECES.len())])
        .collect()
}

#[test]
fn any_piece_of_a_normalised_source_is_found_where_it_is() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..3000 {
        let len = 1 + rng.below(60);
        let source = random_text(&mut rng, len);
        let norm = Normalized::new(&source);
        let bounds: Vec<usize> = norm
            .text
            .char_indices()
            .map(|(i, _)| i)
            .chain([norm.text.len()])
            .collect();
        let a = bounds[rng.below(bounds.len())];
        let b = bounds[rng.below(bounds.len())];
        let (a, b) = (a.min(b), a.max(b));
        let quote = &norm.text[a..b];
        // A piece that cuts a word of the source need not be found (spec §5).
        let before = norm.text[..a].chars().next_back();
        let after = norm.text[b..].chars().next();
        let (first, last) = (quote.chars().next(), quote.chars().next_back());
        let cuts = |x: Option<char>, y: Option<char>| x.is_some_and(joins) && y.is_some_and(joins);
        let cut = cuts(before, first) || cuts(last, after);
        match find(&norm, quote) {
            Match::Found(ranges) => {
                let mut last = 0;
                for r in &ranges {
                    let slice = source
                        .get(r.clone())
                        .unwrap_or_else(|| panic!("{r:?} not on char boundaries of {source:?}"));
                    assert!(r.start >= last, "overlapping ranges {ranges:?}");
                    last = r.end;
                    assert!(!slice.is_empty());
                }
            }
            Match::Empty => {
                let blank = quote
                    .replace("[...]", "")
                    .replace("...", "")
                    .replace(['.', ' '], "");
                assert!(
                    blank.is_empty() || quote.contains('['),
                    "{quote:?} is not empty"
                );
            }
            Match::NotFound if cut => {}
            Match::NotFound => panic!(
                "{quote:?} not found in {source:?} (normalised {:?})",
                norm.text
            ),
        }
        // A random quote near nothing in particular: never a panic, ranges always real.
        let len = 1 + rng.below(20);
        let other = random_text(&mut rng, len);
        if let Some(n) = nearest(&norm, &other) {
            check_ranges(&source, &n);
            for d in &n.differences {
                assert!(other.get(d.quote.clone()).is_some(), "{d:?} in {other:?}");
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Quotes that cut words (spec §5)
// ---------------------------------------------------------------------------------------------

/// The cut words of the nearest passage, as (edge, word) pairs.
fn cuts(n: &Nearest) -> Vec<(Edge, &str)> {
    n.cuts.iter().map(|c| (c.edge, c.word.as_str())).collect()
}

/// The quote with every difference replaced by what the source reads.
fn corrected(quote: &str, n: &Nearest) -> String {
    let mut out = quote.to_string();
    let mut diffs: Vec<&Difference> = n.differences.iter().collect();
    diffs.sort_by_key(|d| std::cmp::Reverse(d.quote.start));
    for d in diffs {
        out.replace_range(d.quote.clone(), &d.source_text);
    }
    out
}

#[test]
fn nearest_names_the_words_a_quote_cuts() {
    let source = "The editor owns the style guide and reviews every article.";
    let quote = "he editor owns the sty";
    let n = near(source, quote);
    assert_eq!(&source[n.range.clone()], "The editor owns the style");
    assert_eq!(
        cuts(&n),
        [(Edge::QuoteStart, "The"), (Edge::QuoteEnd, "style")]
    );
    assert_eq!(&source[n.cuts[1].source.clone()], "style");
    let pairs: Vec<_> = n.differences.iter().map(|d| diff(source, d)).collect();
    assert_eq!(pairs, [("The", "The", "he"), ("style", "style", "sty")]);
    assert!(n.whole_words);
    assert!(n.similarity < 100);
    assert_eq!(corrected(quote, &n), "The editor owns the style");
}

#[test]
fn a_cut_number_is_named_and_extended() {
    let source = "The farm had 61 acres of land.";
    let n = near(source, "1 acre");
    assert_eq!(
        cuts(&n),
        [(Edge::QuoteStart, "61"), (Edge::QuoteEnd, "acres")]
    );
    assert!(n.whole_words);
    assert_eq!(corrected("1 acre", &n), "61 acres");
}

#[test]
fn a_word_cut_at_both_ends_is_named_once_for_each() {
    let source = "The editor owns the style guide.";
    let n = near(source, "dito");
    assert_eq!(
        cuts(&n),
        [(Edge::QuoteStart, "editor"), (Edge::QuoteEnd, "editor")]
    );
    assert_eq!(n.differences.len(), 1, "{:?}", n.differences);
    assert_eq!(corrected("dito", &n), "editor");
    assert!(n.whole_words);
}

#[test]
fn cuts_of_elided_fragments_are_named_by_their_ellipsis() {
    let source = "The editor owns the style guide and reviews every article.";
    let quote = "The edit ... tyle guide";
    let n = near(source, quote);
    assert_eq!(
        cuts(&n),
        [
            (Edge::BeforeEllipsis, "editor"),
            (Edge::AfterEllipsis, "style")
        ]
    );
    assert_eq!(corrected(quote, &n), "The editor ... style guide");
    assert!(n.whole_words);
    // The elided quote keeps its typography where nothing is cut.
    let quote = "The editor … tyle guide";
    let n = near(source, quote);
    assert_eq!(corrected(quote, &n), "The editor … style guide");
}

#[test]
fn a_cut_quote_that_also_differs_gets_no_whole_word_correction() {
    let source = "The editor owns the style guide and reviews every article.";
    let n = near(source, "he editor own the sty");
    assert!(!n.whole_words);
    assert_eq!(
        cuts(&n),
        [(Edge::QuoteStart, "The"), (Edge::QuoteEnd, "style")]
    );
}

#[test]
fn a_negation_cut_off_is_not_verified() {
    let source = "It was written at a not unreasonable, though at an unusual, depth.";
    let quote = "reasonable, though at an unusual, depth";
    assert_eq!(find(&Normalized::new(source), quote), Match::NotFound);
    let n = near(source, quote);
    assert_eq!(cuts(&n), [(Edge::QuoteStart, "unreasonable")]);
}

#[test]
fn find_elsewhere_needs_whole_words_too() {
    let texts = [
        "The editor owns the style guide.",
        "Ask the editor.",
        "he editor owns the sty",
    ];
    let sources: Vec<Normalized> = texts.iter().map(|t| Normalized::new(t)).collect();
    let refs: Vec<&Normalized> = sources.iter().collect();
    let got = find_elsewhere(
        &refs,
        &[
            "he editor owns the sty",
            "editor owns",
            "dito",
            "the editor",
        ],
    );
    assert_eq!(got, [Some(2), Some(0), None, Some(0)]);
    // Without the third source, no source holds them as whole words.
    let got = find_elsewhere(&refs[..2], &["he editor owns the sty", "he editor"]);
    assert_eq!(got, [None, None]);
}
