//! The words of a claim without `property`, and the same words with one negation taken out, so
//! that "The PO does not own the backlog." and "The PO owns the backlog." meet (spec §4).
//!
//! Normalisation: lower case; curly apostrophes read as `'`; every run of characters other than
//! letters, digits and apostrophes (punctuation, hyphens, white space) is one word break; an
//! apostrophe at either end of a word is dropped. The negations that count, each taken out once:
//!
//! - `not`, `never`, `no`, `no longer`, and `cannot` (read as `can`);
//! - the contractions `isn't`, `aren't`, `wasn't`, `weren't`, `hasn't`, `haven't`, `hadn't`,
//!   `can't`, `couldn't`, `won't` (read as `will`), `wouldn't`, `shouldn't`, `mustn't`,
//!   `mightn't`, `needn't`, `shan't`;
//! - `do`-support: `does not own` / `doesn't own` against `owns` (and `does own`), `do not
//!   write` / `don't write` against `write` (and `do write`), `did not own` / `didn't own`
//!   against `did own` and the regular past `owned`. Adverbs between the negation and the verb
//!   stay where they are: `does not always attend` meets `always attends`.
//!
//! A prefix such as `un-`, `in-` or `dis-` is not a negation ("unaccountable" never meets
//! "accountable"), nor are `none`, `nobody`, `nothing`, `neither` or `without`: taking them out
//! rarely leaves the opposite claim.

/// The normalised words of `text`.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut flush = |word: &mut String| {
        let w = word.trim_matches('\'');
        if !w.is_empty() {
            out.push(w.to_string());
        }
        word.clear();
    };
    for c in text.chars() {
        let c = match c {
            '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{2032}' | '`' => '\'',
            c => c,
        };
        if c.is_alphanumeric() || c == '\'' {
            word.extend(c.to_lowercase());
        } else {
            flush(&mut word);
        }
    }
    flush(&mut word);
    out
}

/// `words` joined by single spaces: what two claims' texts are compared by.
pub fn key(words: &[String]) -> String {
    words.join(" ")
}

/// Every wording of `words` with one negation taken out (as [`key`]s), without repeats.
pub fn without_one_negation(words: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut push = |w: Vec<String>| {
        let k = key(&w);
        if !out.contains(&k) {
            out.push(k);
        }
    };
    for (i, word) in words.iter().enumerate() {
        let w = word.as_str();
        let next = words.get(i + 1).map(String::as_str);
        let previous = i.checked_sub(1).map(|p| words[p].as_str());
        match w {
            "not" => {
                if let Some(d) = previous.and_then(do_form) {
                    push(do_support(words, i - 1, i + 1, d));
                }
                push(replaced(words, i, i + 1, None));
            }
            "never" => push(replaced(words, i, i + 1, None)),
            "no" if next == Some("longer") => push(replaced(words, i, i + 2, None)),
            "no" => push(replaced(words, i, i + 1, None)),
            "cannot" => push(replaced(words, i, i + 1, Some("can"))),
            _ => {
                if let Some(d) = w.strip_suffix("n't").and_then(do_form) {
                    push(do_support(words, i, i + 1, d));
                    push(replaced(words, i, i + 1, Some(do_word(d))));
                } else if let Some(plain) = contraction(w) {
                    push(replaced(words, i, i + 1, Some(plain)));
                }
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Do {
    /// `do`: the plain verb follows.
    Plain,
    /// `does`: the third person.
    Third,
    /// `did`: the past.
    Past,
}

fn do_form(w: &str) -> Option<Do> {
    match w {
        "do" => Some(Do::Plain),
        "does" => Some(Do::Third),
        "did" => Some(Do::Past),
        _ => None,
    }
}

fn do_word(d: Do) -> &'static str {
    match d {
        Do::Plain => "do",
        Do::Third => "does",
        Do::Past => "did",
    }
}

/// The plain form of a negated contraction other than `don't`, `doesn't` and `didn't`.
fn contraction(w: &str) -> Option<&'static str> {
    Some(match w {
        "isn't" => "is",
        "aren't" => "are",
        "wasn't" => "was",
        "weren't" => "were",
        "hasn't" => "has",
        "haven't" => "have",
        "hadn't" => "had",
        "can't" => "can",
        "couldn't" => "could",
        "won't" => "will",
        "wouldn't" => "would",
        "shouldn't" => "should",
        "mustn't" => "must",
        "mightn't" => "might",
        "needn't" => "need",
        "shan't" => "shall",
        _ => return None,
    })
}

/// `words` with `words[from..to]` replaced by `with` (or removed).
fn replaced(words: &[String], from: usize, to: usize, with: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = words[..from].to_vec();
    out.extend(with.map(str::to_string));
    out.extend_from_slice(&words[to..]);
    out
}

/// `words` with the `do`-negation at `from..to` taken out and the verb after it (past any
/// adverbs) in the form it takes without `do`.
fn do_support(words: &[String], from: usize, to: usize, d: Do) -> Vec<String> {
    let mut out: Vec<String> = words[..from].to_vec();
    let mut rest = words[to..].iter();
    for w in rest.by_ref() {
        if is_adverb(w) {
            out.push(w.clone());
            continue;
        }
        out.push(match d {
            Do::Plain => w.clone(),
            Do::Third => third_person(w),
            Do::Past => past(w),
        });
        break;
    }
    out.extend(rest.cloned());
    out
}

fn is_adverb(w: &str) -> bool {
    matches!(
        w,
        "always" | "often" | "even" | "ever" | "also" | "just" | "yet" | "still" | "much"
    ) || (w.len() > 4 && w.ends_with("ly") && w != "apply" && w != "reply" && w != "supply")
}

/// `own` → `owns`, `push` → `pushes`, `carry` → `carries`, `have` → `has`.
fn third_person(verb: &str) -> String {
    match verb {
        "have" => return "has".into(),
        "be" => return "is".into(),
        "do" => return "does".into(),
        "go" => return "goes".into(),
        _ => {}
    }
    let consonant_y = verb.len() > 1
        && verb.ends_with('y')
        && !matches!(
            verb.as_bytes()[verb.len() - 2],
            b'a' | b'e' | b'i' | b'o' | b'u'
        );
    if consonant_y {
        format!("{}ies", &verb[..verb.len() - 1])
    } else if ["s", "x", "z", "ch", "sh", "o"]
        .iter()
        .any(|e| verb.ends_with(e))
    {
        format!("{verb}es")
    } else {
        format!("{verb}s")
    }
}

/// The regular past: `own` → `owned`, `decide` → `decided`, `carry` → `carried`.
fn past(verb: &str) -> String {
    if verb.ends_with('e') {
        format!("{verb}d")
    } else if verb.len() > 1
        && verb.ends_with('y')
        && !matches!(
            verb.as_bytes()[verb.len() - 2],
            b'a' | b'e' | b'i' | b'o' | b'u'
        )
    {
        format!("{}ied", &verb[..verb.len() - 1])
    } else {
        format!("{verb}ed")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether the two texts differ by one negation.
    fn meet(a: &str, b: &str) -> bool {
        let (a, b) = (words(a), words(b));
        without_one_negation(&a).contains(&key(&b)) || without_one_negation(&b).contains(&key(&a))
    }

    #[test]
    fn each_negation_meets_its_plain_form() {
        for (negated, plain) in [
            (
                "The PO does not own the backlog.",
                "The PO owns the backlog.",
            ),
            ("The PO doesn't own the backlog", "the po owns the backlog"),
            ("POs don't write code.", "POs write code."),
            ("POs do not write code.", "POs write code."),
            ("The PO is not strategic.", "The PO is strategic."),
            ("The PO isn’t strategic.", "The PO is strategic."),
            ("The PO never writes code.", "The PO writes code."),
            ("The PO no longer writes code.", "The PO writes code."),
            ("The PO has no budget.", "The PO has budget."),
            ("The PO can't veto a release.", "The PO can veto a release."),
            (
                "The PO cannot veto a release.",
                "The PO can veto a release.",
            ),
            ("The PO won't attend.", "The PO will attend."),
            ("The PO did not decide it.", "The PO decided it."),
            ("The PO does not always attend.", "The PO always attends."),
            (
                "The PO does not carry the budget.",
                "The PO carries the budget.",
            ),
            ("The PO does not push back.", "The PO pushes back."),
            (
                "The PO does not own the backlog.",
                "The PO does own the backlog.",
            ),
        ] {
            assert!(meet(negated, plain), "{negated} / {plain}");
        }
    }

    #[test]
    fn other_differences_do_not_meet() {
        for (a, b) in [
            ("The PO is unaccountable.", "The PO is accountable."),
            ("The PO is not strategic.", "The PO is tactical."),
            (
                "The PO does not own the backlog.",
                "The PM owns the backlog.",
            ),
            (
                "The PO does not own the backlog alone.",
                "The PO owns the backlog.",
            ),
            ("The PO is not not strategic.", "The PO is strategic."),
            ("The PO owns the backlog.", "The PO owns the backlog."),
            ("Nobody owns the backlog.", "Everybody owns the backlog."),
        ] {
            assert!(!meet(a, b), "{a} / {b}");
        }
    }
}
