//! Bit-parallel edit distance (Myers 1999, Hyyrö's blocks), over characters.

use std::collections::HashMap;

/// A pattern for the bit-parallel algorithm: for each character, the positions it matches.
pub(super) struct Pattern {
    /// Length in characters.
    pub(super) len: usize,
    blocks: usize,
    /// The bit of the last pattern position in the last block.
    last_bit: u64,
    /// `ascii[c * blocks + b]`: the match bits of ASCII character `c` in block `b`.
    ascii: Vec<u64>,
    /// Other characters: their offset in `pool`.
    other: HashMap<char, usize>,
    pool: Vec<u64>,
    zero: Vec<u64>,
}

impl Pattern {
    /// `classes[i]`: the characters that match pattern position `i`.
    pub(super) fn new(classes: &[Vec<char>]) -> Pattern {
        let len = classes.len();
        let blocks = len.div_ceil(64).max(1);
        let last_bit = 1u64 << ((len.max(1) - 1) % 64);
        let mut p = Pattern {
            len,
            blocks,
            last_bit,
            ascii: vec![0; 128 * blocks],
            other: HashMap::new(),
            pool: Vec::new(),
            zero: vec![0; blocks],
        };
        for (i, class) in classes.iter().enumerate() {
            let (block, bit) = (i / 64, 1u64 << (i % 64));
            for &c in class {
                if c.is_ascii() {
                    p.ascii[c as usize * blocks + block] |= bit;
                } else {
                    let next = p.pool.len();
                    let base = *p.other.entry(c).or_insert(next);
                    if base == next {
                        p.pool.extend(std::iter::repeat_n(0, blocks));
                    }
                    p.pool[base + block] |= bit;
                }
            }
        }
        p
    }

    fn peq(&self, c: char) -> &[u64] {
        if c.is_ascii() {
            let at = c as usize * self.blocks;
            &self.ascii[at..at + self.blocks]
        } else {
            match self.other.get(&c) {
                Some(&at) => &self.pool[at..at + self.blocks],
                None => &self.zero,
            }
        }
    }

    /// The least edit distance between the pattern and a substring of `hay`, and the byte offset
    /// where the first such substring ends (distance = len and offset 0 for no better match
    /// than the empty string).
    pub(super) fn search(&self, hay: &str) -> (usize, usize) {
        let mut run = Run::new(self, false);
        let mut best = (self.len, 0);
        for (i, c) in hay.char_indices() {
            run.step(c);
            if run.score < best.0 {
                best = (run.score, i + c.len_utf8());
                if run.score == 0 {
                    break;
                }
            }
        }
        best
    }

    /// For a pattern built reversed: the start (byte offset in `window`) of the suffix of
    /// `window` nearest to the pattern, looking at most `limit` characters back; the longest
    /// among equals.
    pub(super) fn best_start(&self, window: &str, limit: usize) -> usize {
        let mut run = Run::new(self, true);
        let mut best = (self.len, window.len());
        for (i, c) in window.char_indices().rev().take(limit) {
            run.step(c);
            if run.score <= best.0 {
                best = (run.score, i);
            }
        }
        best.1
    }

    /// The Levenshtein distance between the pattern and `s`, in characters.
    pub(super) fn distance(&self, s: &str) -> usize {
        let mut run = Run::new(self, true);
        for c in s.chars() {
            run.step(c);
        }
        run.score
    }
}

/// The state of one pass over a text: vertical deltas of the current column, and the score in
/// the last row.
struct Run<'p> {
    p: &'p Pattern,
    pv: Vec<u64>,
    mv: Vec<u64>,
    score: usize,
    /// Global alignment (the whole text counts) rather than search (any substring).
    global: bool,
}

impl<'p> Run<'p> {
    pub(super) fn new(p: &'p Pattern, global: bool) -> Run<'p> {
        Run {
            p,
            pv: vec![u64::MAX; p.blocks],
            mv: vec![0; p.blocks],
            score: p.len,
            global,
        }
    }

    fn step(&mut self, c: char) {
        let eq = self.p.peq(c);
        let mut h: i32 = if self.global { 1 } else { 0 };
        let last = self.p.blocks - 1;
        for (b, ((pv, mv), &eq)) in self
            .pv
            .iter_mut()
            .zip(self.mv.iter_mut())
            .zip(eq)
            .enumerate()
        {
            let high = if b == last { self.p.last_bit } else { 1 << 63 };
            h = advance(pv, mv, eq, h, high);
        }
        match h {
            1 => self.score += 1,
            -1 => self.score = self.score.saturating_sub(1),
            _ => {}
        }
    }
}

/// One block of one column (edlib's `calculateBlock`): updates the vertical deltas and returns
/// the horizontal delta out of the row marked by `high`.
fn advance(pv: &mut u64, mv: &mut u64, eq: u64, hin: i32, high: u64) -> i32 {
    let (p, m) = (*pv, *mv);
    let neg = u64::from(hin < 0);
    let xv = eq | m;
    let eq = eq | neg;
    let xh = ((eq & p).wrapping_add(p) ^ p) | eq;
    let mut ph = m | !(xh | p);
    let mut mh = p & xh;
    let hout = if ph & high != 0 {
        1
    } else if mh & high != 0 {
        -1
    } else {
        0
    };
    ph <<= 1;
    mh <<= 1;
    mh |= neg;
    ph |= u64::from(hin > 0);
    *pv = mh | !(xv | ph);
    *mv = ph & xv;
    hout
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sellers' dynamic programme: the oracle for the bit-parallel code.
    fn sellers(p: &[char], t: &[char], global: bool) -> Vec<usize> {
        let mut col: Vec<usize> = (0..=p.len()).collect();
        let mut out = vec![p.len()];
        for (j, &c) in t.iter().enumerate() {
            let mut next = vec![if global { j + 1 } else { 0 }; p.len() + 1];
            for i in 1..=p.len() {
                let sub = col[i - 1] + usize::from(p[i - 1] != c);
                next[i] = sub.min(col[i] + 1).min(next[i - 1] + 1);
            }
            out.push(next[p.len()]);
            col = next;
        }
        out
    }

    #[test]
    fn bit_parallel_agrees_with_the_dynamic_programme() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut rnd = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n) as usize
        };
        let alphabet: Vec<char> = "ab cé字".chars().collect();
        for round in 0..300 {
            let m = 1 + rnd(if round % 3 == 0 { 200 } else { 70 } as u64);
            let n = rnd(250);
            let p: Vec<char> = (0..m)
                .map(|_| alphabet[rnd(alphabet.len() as u64)])
                .collect();
            let t: Vec<char> = (0..n)
                .map(|_| alphabet[rnd(alphabet.len() as u64)])
                .collect();
            let classes: Vec<Vec<char>> = p.iter().map(|&c| vec![c]).collect();
            let pat = Pattern::new(&classes);
            for global in [false, true] {
                let want = sellers(&p, &t, global);
                let mut run = Run::new(&pat, global);
                let mut got = vec![run.score];
                for &c in &t {
                    run.step(c);
                    got.push(run.score);
                }
                assert_eq!(got, want, "m={m} n={n} global={global}");
            }
            let text: String = t.iter().collect();
            assert_eq!(
                pat.distance(&text),
                *sellers(&p, &t, true).last().unwrap_or(&m)
            );
            let best = *sellers(&p, &t, false).iter().min().unwrap_or(&m);
            assert_eq!(pat.search(&text).0, best);
        }
    }
}
