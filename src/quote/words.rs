//! Where words start and end: the word diff's words, and where a passage may start or end.

use std::ops::Range;

use unicode_normalization::char::canonical_combining_class;

/// Whether a fragment may not stop between `c` and a character next to it that is also one of
/// these: a letter, digit or mark of a script written with spaces (spec §5). Punctuation and
/// white space are boundaries; scripts written without spaces (Han, kana, Thai, Lao, Khmer,
/// Myanmar) and emoji are exempt.
pub(super) fn joins(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        (c.is_alphanumeric() && !standalone(c)) || extends(c)
    }
}

/// Whether a match at `s..e` of `hay` begins inside a word of `hay` (spec §5).
pub(super) fn cuts_start(hay: &str, s: usize, e: usize) -> bool {
    let first = hay.get(s..e).and_then(|t| t.chars().next());
    let before = hay.get(..s).and_then(|t| t.chars().next_back());
    matches!((before, first), (Some(b), Some(f)) if joins(b) && joins(f))
}

/// Whether a match at `s..e` of `hay` ends inside a word of `hay` (spec §5).
pub(super) fn cuts_end(hay: &str, s: usize, e: usize) -> bool {
    let last = hay.get(s..e).and_then(|t| t.chars().next_back());
    let after = hay.get(e..).and_then(|t| t.chars().next());
    matches!((last, after), (Some(l), Some(a)) if joins(l) && joins(a))
}

/// Whether a match at `s..e` of `hay` neither begins nor ends inside a word (spec §5).
pub(super) fn at_boundaries(hay: &str, s: usize, e: usize) -> bool {
    !cuts_start(hay, s, e) && !cuts_end(hay, s, e)
}

/// `s..e` extended to the whole words it cuts, at most `limit` characters each way: the start
/// moved back while it begins inside a word, the end moved on while it ends inside one.
pub(super) fn whole_words(hay: &str, mut s: usize, mut e: usize, limit: usize) -> Range<usize> {
    for _ in 0..limit {
        if !cuts_start(hay, s, e) {
            break;
        }
        s = hay
            .get(..s)
            .and_then(|t| t.char_indices().next_back())
            .map_or(s, |(i, _)| i);
    }
    for _ in 0..limit {
        if !cuts_end(hay, s, e) {
            break;
        }
        e += hay
            .get(e..)
            .and_then(|t| t.chars().next())
            .map_or(0, char::len_utf8);
    }
    s..e
}

/// Whether byte `i` of `text` (a char boundary) is inside a word, where a passage should not
/// start or end: between letters, digits or marks (of a script written with spaces), or at a `'`
/// or `-` between two of them.
pub(super) fn inside_word(text: &str, i: usize) -> bool {
    let mut back = text.get(..i).into_iter().flat_map(|t| t.chars().rev());
    let mut ahead = text.get(i..).into_iter().flat_map(str::chars);
    let (Some(b), Some(a)) = (back.next(), ahead.next()) else {
        return false;
    };
    if extends(a) {
        return true;
    }
    let word = |c: char| (c.is_alphanumeric() && !standalone(c)) || extends(c);
    let joiner = |c: char| c == '\'' || c == '-';
    (word(b) && word(a))
        || (joiner(b) && word(a) && back.next().is_some_and(word))
        || (word(b) && joiner(a) && ahead.next().is_some_and(word))
}

/// Whether a word (for the word diff) starts or ends at byte `i` of `text` (a char boundary).
fn boundary(text: &str, i: usize) -> bool {
    let before = text.get(..i).and_then(|t| t.chars().next_back());
    let after = text.get(i..).and_then(|t| t.chars().next());
    match (before, after) {
        (Some(b), Some(a)) => {
            b == ' ' || a == ' ' || (standalone(b) && !extends(a)) || (standalone(a) && !extends(a))
        }
        _ => true,
    }
}

/// Characters that are words by themselves: scripts written without spaces, and emoji.
fn standalone(c: char) -> bool {
    matches!(c,
        '\u{0E00}'..='\u{0EFF}'     // Thai, Lao
        | '\u{1000}'..='\u{109F}'   // Myanmar
        | '\u{1780}'..='\u{17FF}'   // Khmer
        | '\u{2E80}'..='\u{2FDF}'   // CJK radicals
        | '\u{3000}'..='\u{30FF}'   // CJK punctuation, kana
        | '\u{31C0}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF61}'..='\u{FF9F}'
        | '\u{2600}'..='\u{27BF}'   // symbols, dingbats
        | '\u{1F000}'..='\u{1FAFF}' // emoji
        | '\u{20000}'..='\u{3FFFF}')
}

/// Characters that belong to the character before them (marks, variation selectors, emoji
/// modifiers and tags).
fn extends(c: char) -> bool {
    canonical_combining_class(c) != 0
        || unicode_normalization::char::is_combining_mark(c)
        || matches!(c, '\u{FE00}'..='\u{FE0F}' | '\u{1F3FB}'..='\u{1F3FF}' | '\u{E0020}'..='\u{E007F}' | '\u{E0100}'..='\u{E01EF}')
}

/// The words of a normalised text, as byte ranges.
pub(super) fn words(s: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in s.char_indices() {
        if c == ' ' {
            if let Some(st) = start.take() {
                out.push(st..i);
            }
        } else if let Some(st) = start {
            if boundary(s, i) {
                out.push(st..i);
                start = Some(i);
            }
        } else {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push(st..s.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_on_spaces_and_cjk() {
        let s = "the cat's 漢字 ok👍🏽!";
        let w: Vec<&str> = words(s).into_iter().map(|r| &s[r]).collect();
        assert_eq!(w, ["the", "cat's", "漢", "字", "ok", "👍🏽", "!"]);
    }
}
