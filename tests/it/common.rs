//! Helpers shared by the integration tests.

use std::path::Path;

/// Copies the folder `from` into `to`, recursively.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the fixture KB `tests/fixtures/NAME` in a temporary folder.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let from = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&from, dir.path());
    dir
}

/// Runs the kblint under test in `dir`.
pub fn kblint(dir: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// SplitMix64: a small deterministic generator, so that a failing case is reproduced by its
/// seed.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// A line diff of `expected` against `actual`, for a failing comparison: lines only in
/// `expected` start with `-`, lines only in `actual` with `+`, and each group of changes shows
/// the two unchanged lines around it under a `@@ line N @@` head (N counts lines of
/// `expected`).
pub fn line_diff(expected: &str, actual: &str) -> String {
    const CONTEXT: usize = 2;
    let e: Vec<&str> = expected.lines().collect();
    let a: Vec<&str> = actual.lines().collect();
    // lcs[i][j]: the length of the longest common subsequence of e[i..] and a[j..].
    let mut lcs = vec![vec![0u32; a.len() + 1]; e.len() + 1];
    for i in (0..e.len()).rev() {
        for j in (0..a.len()).rev() {
            lcs[i][j] = if e[i] == a[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, usize, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < e.len() || j < a.len() {
        if i < e.len() && j < a.len() && e[i] == a[j] {
            ops.push((' ', i, e[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < e.len() && (j == a.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', i, e[i]));
            i += 1;
        } else {
            ops.push(('+', i, a[j]));
            j += 1;
        }
    }
    let mut shown = vec![false; ops.len()];
    for (k, op) in ops.iter().enumerate() {
        if op.0 != ' ' {
            let end = (k + CONTEXT + 1).min(ops.len());
            shown[k.saturating_sub(CONTEXT)..end].fill(true);
        }
    }
    let mut out = String::new();
    for (k, &(tag, line, text)) in ops.iter().enumerate() {
        if !shown[k] {
            continue;
        }
        if k == 0 || !shown[k - 1] {
            out.push_str(&format!("@@ line {} @@\n", line + 1));
        }
        out.push_str(&format!("{tag} {text}\n"));
    }
    if out.is_empty() && expected != actual {
        out.push_str("(the texts differ only in line endings or a final newline)\n");
    }
    out
}

#[test]
fn line_diff_shows_an_inserted_line_once_with_its_context() {
    let expected = "a\nb\nc\nd\ne\nf\ng\n";
    let actual = "a\nb\nc\nnew\nd\ne\nf\ng\n";
    assert_eq!(
        line_diff(expected, actual),
        "@@ line 2 @@\n  b\n  c\n+ new\n  d\n  e\n"
    );
    assert_eq!(line_diff("x\n", "x\n"), "");
    assert_eq!(
        line_diff("x\n", "x"),
        "(the texts differ only in line endings or a final newline)\n"
    );
    assert_eq!(
        line_diff("x\ny\n", "x\nz\n"),
        "@@ line 1 @@\n  x\n- y\n+ z\n"
    );
}

/// Runs the kblint under test in `dir`, with git's system and global configuration out of the
/// way, and returns its exit code, standard output and standard error.
pub fn kblint_isolated(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_kblint"))
        .current_dir(dir)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().expect("killed by a signal"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
