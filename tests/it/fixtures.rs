//! Fixture KBs: every folder under `tests/fixtures/` that holds a `kblint.toml` is a small KB,
//! and its `expected.txt` is what `kblint check` prints for it: the exit code, the `short`
//! output, the `human` output and standard error. Paths to the fixture on this machine appear
//! as `<KB>`.
//!
//! To accept new output after a deliberate change:
//! `KBLINT_BLESS=1 cargo test --test it fixtures::`, then review the diff of the `expected.txt`
//! files.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

use crate::common::line_diff;

#[test]
fn every_fixture_gives_its_expected_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases = Vec::new();
    collect(&root, &mut cases);
    cases.sort();
    assert!(
        cases.len() >= 40,
        "expected the fixture KBs under {}, found {}",
        root.display(),
        cases.len()
    );
    let bless = std::env::var_os("KBLINT_BLESS").is_some();
    let mut failures = Vec::new();
    for case in &cases {
        let actual = run(case);
        let expected_path = case.join("expected.txt");
        if bless {
            std::fs::write(&expected_path, &actual).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!(
                "── {} ──\n{}",
                case.strip_prefix(&root).unwrap().display(),
                line_diff(&expected, &actual)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ (KBLINT_BLESS=1 to accept):\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    if dir.join("kblint.toml").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        if entry.path().is_dir() {
            collect(&entry.path(), out);
        }
    }
}

fn run(case: &Path) -> String {
    let kblint = |format: &str| {
        let out = Command::cargo_bin("kblint")
            .unwrap()
            .current_dir(case)
            .env_remove("NO_COLOR")
            .args(["check", "--color", "never", "--format", format])
            .output()
            .unwrap();
        let clean =
            |b: &[u8]| String::from_utf8_lossy(b).replace(&case.display().to_string(), "<KB>");
        (out.status.code(), clean(&out.stdout), clean(&out.stderr))
    };
    let (code, short, stderr) = kblint("short");
    let (human_code, human, _) = kblint("human");
    assert_eq!(
        code,
        human_code,
        "{}: the exit code depends on the format",
        case.display()
    );
    format!(
        "exit: {}\n--- short\n{short}--- human\n{human}--- stderr\n{stderr}",
        code.map_or("signal".into(), |c| c.to_string())
    )
}
