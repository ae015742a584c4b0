//! The second floor of `bench/run.sh`: the least work any frontmatter linter must do. It lists
//! the Markdown files under a folder, then reads each one and parses its YAML frontmatter with
//! kblint's own parser, in parallel (rayon), and nothing else: no schema, no index, no rules.
//!
//! ```sh
//! cargo build --release --example floor
//! target/release/examples/floor bench/out/kb10000
//! ```
//!
//! Prints the number of files, of frontmatters parsed and of bytes read.

use std::path::{Path, PathBuf};
use std::time::Instant;

use kblint::frontmatter::{self, yaml};
use rayon::prelude::*;

fn main() {
    let root = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    let start = Instant::now();
    let mut paths = Vec::new();
    walk(Path::new(&root), &mut paths);
    let (parsed, bytes) = paths
        .par_iter()
        .map(|path| {
            let Ok(text) = std::fs::read_to_string(path) else {
                return (0, 0);
            };
            let ok = frontmatter::split(&text)
                .ok()
                .and_then(|s| yaml::parse(&text, s.yaml).ok())
                .is_some();
            (usize::from(ok), text.len())
        })
        .reduce(|| (0, 0), |a, b| (a.0 + b.0, a.1 + b.1));
    println!(
        "{} files, {parsed} frontmatters parsed, {bytes} bytes, {:.3} s",
        paths.len(),
        start.elapsed().as_secs_f64()
    );
}

/// Every `.md` file under `dir`, skipping hidden folders.
fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        match entry.file_type() {
            Ok(t) if t.is_dir() && !hidden => walk(&path, out),
            Ok(t) if t.is_file() && path.extension().is_some_and(|e| e == "md") => out.push(path),
            _ => {}
        }
    }
}
