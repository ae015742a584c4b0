//! kblint reads nothing outside the KB, `kblint init` writes nothing outside its folder, and no
//! control character of a file name or a file reaches the terminal raw.

use std::path::Path;

use crate::common::kblint;

/// The `clean` fixture, in a folder of its own inside a scratch folder (so that `..` has
/// somewhere to go).
fn kb() -> (tempfile::TempDir, std::path::PathBuf) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clean");
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path().join("kb-root");
    std::fs::create_dir(&root).unwrap();
    crate::common::copy_dir(&from, &root);
    (scratch, root)
}

fn set_vocabulary(root: &Path, path: &str) {
    let config = root.join("kblint.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    let (first, rest) = text.split_once('\n').unwrap();
    assert!(first.starts_with("vocabulary = "));
    std::fs::write(config, format!("vocabulary = \"{path}\"\n{rest}")).unwrap();
}

#[test]
fn a_vocabulary_outside_the_kb_is_refused() {
    let (scratch, root) = kb();
    // A valid vocabulary one folder up.
    std::fs::copy(
        root.join("schema/vocabulary.yaml"),
        scratch.path().join("outside.yaml"),
    )
    .unwrap();
    let absolute = scratch.path().join("outside.yaml");
    for (path, why) in [
        ("../outside.yaml", "leaves the KB"),
        ("schema/../../outside.yaml", "leaves the KB"),
        (absolute.to_str().unwrap(), "absolute path"),
        ("/etc/passwd", "absolute path"),
    ] {
        set_vocabulary(&root, path);
        let out = kblint(&root, &["check", "--format", "short"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(
            err.contains(why) && err.contains("inside the KB") && err.contains("kblint.toml:1"),
            "{path}: {err}"
        );
    }
}

#[test]
fn a_vocabulary_behind_a_symbolic_link_is_refused() {
    let (scratch, root) = kb();
    let outside = scratch.path().join("outside.yaml");
    std::fs::copy(root.join("schema/vocabulary.yaml"), &outside).unwrap();
    std::fs::remove_file(root.join("schema/vocabulary.yaml")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("schema/vocabulary.yaml")).unwrap();
    let out = kblint(&root, &["check", "--format", "short"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("symbolic link"), "{err}");
}

#[test]
fn a_schema_outside_the_kb_is_refused() {
    let (scratch, root) = kb();
    std::fs::copy(
        root.join("schema/entry.schema.json"),
        scratch.path().join("outside.json"),
    )
    .unwrap();
    let config = root.join("kblint.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("schema/entry.schema.json", "../outside.json");
    std::fs::write(config, text).unwrap();
    let out = kblint(&root, &["check", "--format", "short"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("leaves the KB"), "{err}");
}

#[test]
fn init_never_writes_through_a_dangling_link() {
    let scratch = tempfile::tempdir().unwrap();
    let dir = scratch.path().join("new-kb");
    std::fs::create_dir(&dir).unwrap();
    let target = scratch.path().join("elsewhere.toml");
    std::os::unix::fs::symlink(&target, dir.join("kblint.toml")).unwrap();
    let out = kblint(&dir, &["init"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("kblint.toml (exists)"), "{err}");
    assert!(!target.exists(), "the link's target was created");
    // With --force the link itself is replaced by the file.
    let out = kblint(&dir, &["init", "--force"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(!target.exists());
    assert!(
        std::fs::symlink_metadata(dir.join("kblint.toml"))
            .unwrap()
            .is_file()
    );
}

#[test]
fn control_characters_never_reach_the_terminal() {
    let (_scratch, root) = kb();
    // A file name with ESC, an OSC title sequence and a newline, and a line with a raw ESC.
    let name = "kb/entries/bad\u{1b}]0;owned\u{7}\nname.md";
    std::fs::write(
        root.join(name),
        "---\nid: bad\ntitle: 1\nclaims:\n  - id: c1\n    text: \"red \u{1b}[31m text\"\n---\n",
    )
    .unwrap();
    for format in ["short", "human", "github"] {
        let out = kblint(&root, &["check", "--format", format, "--color", "never"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.is_empty(), "{format}");
        assert!(
            !stdout.contains('\u{1b}') && !stdout.contains('\u{7}'),
            "{format}: {stdout:?}"
        );
        assert!(
            stdout.contains("bad\\u{1b}]0;owned\\u{7}"),
            "{format}: {stdout}"
        );
        if format == "short" {
            // One line per finding, each starting with the (escaped) path.
            for line in stdout.lines() {
                assert!(line.starts_with("kb/"), "{stdout}");
            }
            assert!(stdout.contains("\\u{a}name.md"), "{stdout}");
        }
    }
    // With colours on, kblint's own colour codes are still there, the file's are not.
    let out = kblint(&root, &["check", "--color", "always"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\u{1b}["), "colours are kept");
    assert!(!stdout.contains("\u{1b}]0;owned"), "{stdout:?}");
}

#[test]
fn control_characters_of_file_names_never_reach_standard_error_raw() {
    let from =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/quote-not-found/near-miss");
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    crate::common::copy_dir(&from, root);
    // A fix declined for this file names it on standard error: `--diff` and `--fix`.
    let bad = "bad\u{1b}]0;owned\u{7}\n::error::name";
    std::fs::remove_file(root.join("kb/entries/e.md")).unwrap();
    std::fs::write(
        root.join(format!("kb/entries/{bad}.md")),
        "---\nid: e\nclaims:\n  - id: c1\n    text: A claim.\n    cites:\n      - source: guide\n        quote: !!str \"A product manager \\\"owns the vision\\\" - for the entire lifecycle of the product\"\n---\n",
    )
    .unwrap();
    // A folder below it too deep to list is named in a warning.
    std::fs::create_dir(root.join(format!("kb/entries/{bad}"))).unwrap();
    let long = "d".repeat(200);
    let script = format!(
        "cd kb/entries/bad*name && for i in $(seq 25); do mkdir {long} && cd {long} || exit 1; done && printf -- '---\\nid: deep\\n---\\n' > deep.md"
    );
    let made = std::process::Command::new("bash")
        .current_dir(root)
        .args(["-c", &script])
        .status()
        .unwrap();
    assert!(made.success());
    for args in [
        &["check", "--diff", "--unsafe-fixes"][..],
        &["check", "--fix", "--unsafe-fixes"],
    ] {
        let out = kblint(root, args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("not applied"), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot list part of the KB"),
            "{args:?}: {stderr}"
        );
        assert!(
            !stderr.contains('\u{1b}') && !stderr.contains('\u{7}'),
            "{args:?}: {stderr:?}"
        );
        assert!(
            !stderr.lines().any(|l| l.starts_with("::")),
            "{args:?}: {stderr}"
        );
        assert!(
            stderr.contains("bad\\u{1b}]0;owned\\u{7}\\u{a}::error::name"),
            "{args:?}: {stderr}"
        );
    }
}

#[test]
fn the_baseline_is_never_written_through_a_link_or_outside_the_kb() {
    let (scratch, root) = kb();
    let outside = scratch.path().join("outside.txt");
    std::fs::write(&outside, "precious\n").unwrap();
    // A committed link in place of the baseline, to a file or to nowhere yet.
    let missing = scratch.path().join("made/by/kblint.json");
    for target in [&outside, &missing] {
        let link = root.join("kblint-baseline.json");
        let _ = std::fs::remove_file(&link);
        std::os::unix::fs::symlink(target, &link).unwrap();
        let out = kblint(&root, &["baseline"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("symbolic link"), "{err}");
        assert!(
            std::fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }
    std::fs::remove_file(root.join("kblint-baseline.json")).unwrap();
    // A folder on the way that is a link.
    std::os::unix::fs::symlink(scratch.path(), root.join("parked")).unwrap();
    let config = root.join("kblint.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("baseline = \"parked/b.json\"\n{text}")).unwrap();
    let out = kblint(&root, &["baseline"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!scratch.path().join("b.json").exists());
    // A config that names a path outside the KB.
    for path in [
        "../x.json",
        "/tmp/kblint-baseline-outside.json",
        "a/../../x.json",
    ] {
        std::fs::write(&config, format!("baseline = \"{path}\"\n{text}")).unwrap();
        let out = kblint(&root, &["baseline"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {err}");
        assert!(
            err.contains("kblint.toml:1") && err.contains("inside the KB"),
            "{path}: {err}"
        );
    }
    assert!(!scratch.path().join("x.json").exists());
    assert!(!Path::new("/tmp/kblint-baseline-outside.json").exists());
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious\n");
    assert!(!missing.exists());
}
