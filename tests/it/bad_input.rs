//! Input that is hostile by size: kblint carries on, reports, and never panics.

use assert_cmd::Command;

fn kb(entry: &[u8]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("kb")).unwrap();
    std::fs::write(
        root.join("kblint.toml"),
        "[collections.entries]\ninclude = [\"kb/**/*.md\"]\n",
    )
    .unwrap();
    std::fs::write(root.join("kb/big.md"), entry).unwrap();
    std::fs::write(
        root.join("kb/fine.md"),
        "---\nid: fine\nrelated: [nowhere]\n---\n",
    )
    .unwrap();
    dir
}

fn check(dir: &tempfile::TempDir) -> (Option<i32>, String, String) {
    let out = Command::cargo_bin("kblint")
        .unwrap()
        .current_dir(dir.path())
        .args(["check", "--format", "short"])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_20_mb_file_is_linted_and_the_rest_of_the_kb_too() {
    let mut text = String::from("---\nid: big\ntitle: A very large entry\n---\n");
    let line = "All work and no play makes a knowledge base a dull knowledge base.\n";
    while text.len() < 20 * 1024 * 1024 {
        text.push_str(line);
    }
    let dir = kb(text.as_bytes());
    let (code, stdout, stderr) = check(&dir);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stdout,
        "kb/fine.md:3:11: error[unresolved-reference] `related` names no entry: `nowhere`\n"
    );
}

#[test]
fn a_20_mb_frontmatter_is_parsed() {
    let mut text = String::from("---\nid: big\nitems:\n");
    while text.len() < 20 * 1024 * 1024 {
        text.push_str("  - \"an item of a very long list\"\n");
    }
    text.push_str("related: [nowhere-either]\n---\n");
    let dir = kb(text.as_bytes());
    let (code, stdout, _) = check(&dir);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("kb/big.md:") && stdout.contains("`nowhere-either`"),
        "{stdout}"
    );
    assert!(stdout.contains("kb/fine.md:3:11"), "{stdout}");
}
