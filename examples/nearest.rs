//! A figure of `bench/run.sh`: the time to find the nearest passage for a quote that is not in
//! its source, against a source of about 100 KB (the slow path of `quote-not-found`, taken only
//! by quotes found in no source).
//!
//! ```sh
//! cargo build --release --example nearest
//! target/release/examples/nearest
//! ```
//!
//! Builds a deterministic 100 KB source of English-like words, takes a 25-word passage from
//! its last third, changes two words, and times `kblint::quote::nearest` (median of 21 runs),
//! next to the time to normalise the source and to look for a quote that is there.

use std::time::Instant;

use kblint::quote::{self, Normalized};

const WORDS: &str = "the a product team owner manager market customer vision strategy backlog \
roadmap story sprint value release feature user stakeholder business goal plan scope budget \
research persona launch feedback delivery quality risk priority decision outcome output metric \
growth revenue cost design engineering developer tester analyst sales marketing support team’s \
long–term it’s is are was were be been has have had can could should would must may in on at \
by for with from to of about between through during before after above below under over";

fn main() {
    let words: Vec<&str> = WORDS.split_whitespace().collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut source = String::new();
    let mut line = 0;
    while source.len() < 100_000 {
        let w = words[(next() % words.len() as u64) as usize];
        source.push_str(w);
        line += w.len() + 1;
        if line > 72 {
            source.push('\n');
            line = 0;
        } else {
            source.push(' ');
        }
    }
    let all: Vec<&str> = source.split_whitespace().collect();
    let at = all.len() * 2 / 3;
    let passage: Vec<&str> = all[at..at + 25].to_vec();
    let found = passage.join(" ").replace('’', "'").replace('–', "-");
    let mut changed = passage.clone();
    changed[5] = "zebra";
    changed[17] = "quasar";
    let missing = changed.join(" ");

    let t = Instant::now();
    let normalized = Normalized::new(&source);
    let normalise = t.elapsed();
    assert!(matches!(
        quote::find(&normalized, &found),
        quote::Match::Found(_)
    ));
    assert!(matches!(
        quote::find(&normalized, &missing),
        quote::Match::NotFound
    ));
    let exact = median(|| {
        std::hint::black_box(quote::find(&normalized, &found));
    });
    let mut similarity = 0;
    let nearest = median(|| {
        let n = quote::nearest(&normalized, &missing).expect("a nearest passage");
        similarity = n.similarity;
    });
    println!(
        "source {} bytes; normalise {:.3} ms; exact search (found) {:.3} ms; nearest passage (not found, {}% similar) {:.3} ms",
        source.len(),
        normalise.as_secs_f64() * 1e3,
        exact * 1e3,
        similarity,
        nearest * 1e3,
    );
}

/// Median wall time of 21 runs, in seconds, after one warm-up run.
fn median(mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..21)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}
