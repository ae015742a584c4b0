//! The budgets and caps of quote matching, in one place.
//!
//! The nearest passage's search compares the quote with the whole source, so its cost grows
//! with the product of their lengths. A quote whose product is over the budget gets no nearest
//! passage ("no passage close enough"), and the finding says why. The word alignments that
//! describe a near miss are quadratic too, and capped by [`MAX_CELLS`].

/// Characters of quote times bytes of source the nearest-passage search may cost for one quote:
/// a 250-character quote against 2 MB of source, or a 500-character one against 1 MB (about a
/// tenth of a second).
pub const NEAREST_BUDGET: u64 = 500_000_000;

/// The most cells a quadratic table may have (words of a quote times words of the passage it is
/// aligned with): beyond it the diff shows the differing middle as removed and added whole, and
/// the word alignment gives up, so a long quote against a long source costs bounded memory and
/// time.
pub const MAX_CELLS: usize = 4_000_000;

/// The most characters a passage is widened by, at each end, to reach the edge of a word it
/// cuts.
pub const WORD_REACH: usize = 64;

/// Whether searching `source` (normalised bytes) for the passage nearest to a quote of
/// `quote_chars` characters is over [`NEAREST_BUDGET`].
pub fn over_budget(source_bytes: usize, quote_chars: usize) -> bool {
    (source_bytes as u64).saturating_mul(quote_chars as u64) > NEAREST_BUDGET
}
