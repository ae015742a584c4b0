//! Matching many quotes against many sources at once (misattribution).

use std::collections::HashMap;

use aho_corasick::AhoCorasick;
use rayon::prelude::*;

use super::fragments::{Fragment, Quote};
use super::normalize::Normalized;

/// The longest a prefilter piece is, in bytes: a prefix of a piece is in every source that the
/// whole piece is in, and a bounded piece keeps the automaton small whatever the quotes are (one
/// long quote that repeats a short unit, "ha ha ha ...", made a DFA whose construction followed
/// the long failure chains of the periodic pattern: minutes for 120 KB).
const PIECE_BYTES: usize = 64;

/// For each quote, the index (into `sources`) of the first source in which `find` gives Found,
/// or None. One Aho-Corasick pass over every source looks for a piece of each quote that any
/// match must contain (the first [`PIECE_BYTES`] bytes of its longest fragment after its first
/// letter); only the sources that
/// contain it are checked with the full search.
pub fn find_elsewhere(sources: &[&Normalized], quotes: &[&str]) -> Vec<Option<usize>> {
    let parsed: Vec<Quote> = quotes.par_iter().map(|q| Quote::new(q)).collect();
    let mut ids: HashMap<&str, usize> = HashMap::new();
    let mut pieces: Vec<&str> = Vec::new();
    let piece_of: Vec<Option<usize>> = parsed
        .iter()
        .map(|q| {
            let piece = q
                .fragments
                .iter()
                .map(Fragment::piece)
                .filter(|p| !p.is_empty())
                .max_by_key(|p| p.len())?;
            let piece = bounded(piece);
            Some(*ids.entry(piece).or_insert_with(|| {
                pieces.push(piece);
                pieces.len() - 1
            }))
        })
        .collect();
    // For each piece, the sources that contain it, in order; `None` when the prefilter failed.
    let candidates: Option<Vec<Vec<usize>>> = if pieces.is_empty() {
        Some(Vec::new())
    } else {
        AhoCorasick::new(&pieces).ok().map(|ac| {
            let present: Vec<Vec<usize>> = sources
                .par_iter()
                .map(|s| {
                    let mut seen = vec![false; pieces.len()];
                    let mut count = 0;
                    if let Ok(iter) = ac.try_find_overlapping_iter(s.text.as_str()) {
                        for m in iter {
                            let p = m.pattern().as_usize();
                            if let Some(slot) = seen.get_mut(p)
                                && !*slot
                            {
                                *slot = true;
                                count += 1;
                                if count == pieces.len() {
                                    break;
                                }
                            }
                        }
                    } else {
                        seen.iter_mut().for_each(|s| *s = true);
                    }
                    (0..pieces.len()).filter(|&p| seen[p]).collect()
                })
                .collect();
            let mut by_piece = vec![Vec::new(); pieces.len()];
            for (s, ps) in present.into_iter().enumerate() {
                for p in ps {
                    by_piece[p].push(s);
                }
            }
            by_piece
        })
    };
    parsed
        .par_iter()
        .zip(piece_of)
        .map(|(q, piece)| {
            if q.fragments.is_empty() {
                return None;
            }
            let found = |&s: &usize| sources.get(s).is_some_and(|src| q.is_in(&src.text));
            match (piece, &candidates) {
                (Some(p), Some(c)) => c.get(p).and_then(|list| list.iter().copied().find(found)),
                _ => (0..sources.len()).find(found),
            }
        })
        .collect()
}

/// `piece` cut to at most [`PIECE_BYTES`] bytes, at a character boundary.
fn bounded(piece: &str) -> &str {
    let mut end = piece.len().min(PIECE_BYTES);
    while !piece.is_char_boundary(end) {
        end -= 1;
    }
    &piece[..end]
}
