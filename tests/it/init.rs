//! The first five minutes: `kblint init` in an empty folder, in a git repository, over files
//! that exist, and beside notes that exist; `kblint --version`; `kblint completions`.

use std::path::Path;
use std::process::{Command, Output};

#[test]
fn init_in_an_empty_folder_lints_clean_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let init = kblint(&["init"], dir.path());
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let said = stdout(&init);
    for path in [
        "kblint.toml",
        "kblint.schema.json",
        "schema/entry.schema.json",
        "schema/source.schema.json",
        "schema/vocabulary.yaml",
    ] {
        assert!(dir.path().join(path).is_file(), "`{path}` was not written");
        assert!(said.contains(&format!("wrote {path}")), "{said}");
    }
    assert!(said.contains("kblint check: no findings"), "{said}");
    let config = read(dir.path(), "kblint.toml");
    assert!(
        config.starts_with("#:schema ./kblint.schema.json\n"),
        "{config}"
    );

    let check = kblint(&["check", "--format", "json"], dir.path());
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json}");
    // The example entry and source are read, and the entry's claim cites the source.
    assert_eq!(json["summary"]["entries"], 2, "{json}");
    assert_eq!(json["summary"]["citations"], 1, "{json}");
}

#[test]
fn init_in_a_git_repository_lints_clean_staged_too() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    let init = kblint(&["init"], dir.path());
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    assert_eq!(kblint(&["check"], dir.path()).status.code(), Some(0));
    git(dir.path(), &["add", "-A"]);
    let staged = kblint(&["check", "--staged", "--format", "short"], dir.path());
    assert_eq!(
        staged.status.code(),
        Some(0),
        "{}{}",
        stdout(&staged),
        stderr(&staged)
    );
    assert_eq!(stdout(&staged), "");
}

#[test]
fn init_never_overwrites_and_lists_what_it_would_have_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("kblint.toml"), "# mine\n").unwrap();
    let init = kblint(&["init"], dir.path());
    assert_eq!(init.status.code(), Some(2));
    let err = stderr(&init);
    assert!(err.contains("kblint.toml (exists)"), "{err}");
    assert!(
        err.contains("schema/entry.schema.json") && err.contains("kb/entries/editor.md"),
        "{err}"
    );
    assert!(err.contains("kblint init --force"), "{err}");
    assert_eq!(read(dir.path(), "kblint.toml"), "# mine\n");
    assert!(
        !dir.path().join("schema").exists(),
        "init wrote files although one existed"
    );

    let forced = kblint(&["init", "--force"], dir.path());
    assert_eq!(forced.status.code(), Some(0), "{}", stderr(&forced));
    assert!(
        stdout(&forced).contains("overwrote kblint.toml"),
        "{}",
        stdout(&forced)
    );
    assert!(read(dir.path(), "kblint.toml").starts_with("#:schema"));
    assert_eq!(kblint(&["check"], dir.path()).status.code(), Some(0));
}

#[test]
fn init_twice_writes_nothing_the_second_time() {
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(kblint(&["init"], dir.path()).status.code(), Some(0));
    std::fs::write(dir.path().join("kb/entries/editor.md"), "edited\n").unwrap();
    let again = kblint(&["init"], dir.path());
    assert_eq!(again.status.code(), Some(2));
    assert!(
        stderr(&again).contains("kb/entries/editor.md (exists)"),
        "{}",
        stderr(&again)
    );
    assert_eq!(read(dir.path(), "kb/entries/editor.md"), "edited\n");
}

#[test]
fn init_adopts_existing_notes_with_globs_and_a_schema_they_pass() {
    let dir = tempfile::tempdir().unwrap();
    let notes = [
        (
            "notes/alpha.md",
            "---\ntitle: Alpha\ndate: 2024-02-29\ntags: [a, b]\n---\nBody.\n",
        ),
        (
            "notes/deep/beta.md",
            "---\ntitle: Beta\ndate: 2025-01-31\ntags: []\ndraft: true\nrating: 4\n---\n",
        ),
        (
            "notes/gamma.md",
            "---\ntitle: Gamma\ntags: [c]\nrating: 4.5\n---\n",
        ),
        (
            "notes/README.md",
            "# About these notes\n\nNo frontmatter here.\n",
        ),
        ("notes/templates/daily.md", "# {{date}}\n"),
        ("notes/broken.md", "---\ntitle: never closed\n"),
        ("journal/2024/day-one.md", "---\nmood: fine\n---\nA day.\n"),
        ("top.md", "---\ntitle: At the top\n---\n"),
        ("README.md", "# My notes\n"),
    ];
    for (path, text) in notes {
        let full = dir.path().join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let init = kblint(&["init"], dir.path());
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let said = stdout(&init);
    assert!(
        said.contains("collection `notes` includes notes/**/*.md"),
        "{said}"
    );
    assert!(
        said.contains("collection `journal` includes journal/**/*.md"),
        "{said}"
    );
    assert!(
        said.contains("collection `top` includes *.md except README.md"),
        "{said}"
    );
    assert!(
        said.contains("left out notes/broken.md: its frontmatter is never closed"),
        "{said}"
    );
    assert!(said.contains("wrote schema/notes.schema.json"), "{said}");
    assert!(said.contains("kblint check: no findings"), "{said}");

    let config = read(dir.path(), "kblint.toml");
    assert!(
        config.contains("[collections.notes]\ninclude = [\"notes/**/*.md\"]\n"),
        "{config}"
    );
    assert!(
        config.contains(
            "exclude = [\"notes/README.md\", \"notes/broken.md\", \"notes/templates/**\"]"
        ),
        "{config}"
    );
    assert!(
        config.contains("schema = \"schema/notes.schema.json\""),
        "{config}"
    );
    // The notes at the top of the folder get a collection of their own, kept to the top.
    assert!(
        config.contains("include = [\"*.md\"]\nexclude = [\"README.md\"]"),
        "{config}"
    );

    let schema: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "schema/notes.schema.json")).unwrap();
    assert_eq!(
        schema["required"],
        serde_json::json!(["tags", "title"]),
        "{schema}"
    );
    assert_eq!(
        schema["properties"]["date"],
        serde_json::json!({ "type": "string", "format": "date" }),
        "{schema}"
    );
    assert_eq!(
        schema["properties"]["tags"],
        serde_json::json!({ "type": "array", "items": { "type": "string" } }),
        "{schema}"
    );
    assert_eq!(
        schema["properties"]["rating"],
        serde_json::json!({ "type": "number" }),
        "{schema}"
    );
    assert_eq!(
        schema["properties"]["draft"],
        serde_json::json!({ "type": "boolean" }),
        "{schema}"
    );

    let check = kblint(&["check", "--format", "json"], dir.path());
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
    let json: serde_json::Value = serde_json::from_slice(&check.stdout).unwrap();
    assert_eq!(json["diagnostics"], serde_json::json!([]), "{json}");
    // alpha, beta, gamma, day-one and top: no example entry or source beside them.
    assert_eq!(json["summary"]["entries"], 5, "{json}");
    for path in [
        "kb/entries/editor.md",
        "kb/sources/example-handbook.md",
        "schema/vocabulary.yaml",
        "schema/entry.schema.json",
    ] {
        assert!(!dir.path().join(path).exists(), "`{path}` was written");
    }
    assert!(!config.contains("vocabulary ="), "{config}");

    // The schema is live: a note that breaks it is a finding.
    std::fs::write(
        dir.path().join("notes/gamma.md"),
        "---\ntitle: 12\ntags: [c]\n---\n",
    )
    .unwrap();
    let check = kblint(&["check", "--format", "short"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).contains("notes/gamma.md:2:8: error[schema]"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn init_notes_keys_that_look_like_misspellings_of_common_ones() {
    let dir = tempfile::tempdir().unwrap();
    for n in 0..6 {
        let path = dir.path().join(format!("products/p{n}.md"));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        let key = if n == 0 {
            "alternative_urls"
        } else {
            "alternate_urls"
        };
        std::fs::write(path, format!("---\ntitle: P{n}\n{key}: [/p{n}]\n---\n")).unwrap();
    }
    let init = kblint(&["init"], dir.path());
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let said = stdout(&init);
    assert!(
        said.contains("note: in collection `products`, `alternative_urls` (1 note) looks like a misspelling of `alternate_urls` (5 notes)"),
        "{said}"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "schema/products.schema.json")).unwrap();
    let description = schema["properties"]["alternative_urls"]["description"]
        .as_str()
        .unwrap_or_default();
    assert!(
        description.starts_with("Only in 1 note, beside `alternate_urls` in 5"),
        "{schema}"
    );
    assert!(schema["properties"]["alternate_urls"]["description"].is_null());
}

#[test]
fn init_reports_what_existing_notes_break_beyond_their_schema() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("wiki")).unwrap();
    std::fs::write(
        dir.path().join("wiki/home.md"),
        "---\ntitle: Home\nrelated: [no-such-page]\n---\n",
    )
    .unwrap();
    let init = kblint(&["init"], dir.path());
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let said = stdout(&init);
    assert!(
        said.contains("kblint check: 1 error, 0 warnings in the files that were already here"),
        "{said}"
    );
    let check = kblint(&["check", "--format", "short"], dir.path());
    assert_eq!(check.status.code(), Some(1));
    assert!(
        stdout(&check).starts_with("wiki/home.md:3:11: error[unresolved-reference]"),
        "{}",
        stdout(&check)
    );
}

#[test]
fn init_over_a_hugo_site_gives_up_the_built_in_keys_it_uses_otherwise() {
    // Hugo's `aliases` are redirect URLs; github/explore's `related` is a comma-separated string;
    // the pages mix TOML and JSON frontmatter.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("content")).unwrap();
    std::fs::write(
        dir.path().join("content/types.md"),
        "+++\ntitle = \"Types\"\naliases = [\"/templates/types/\"]\nrelated = \"lookup, base\"\n+++\nBody.\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("content/lookup.md"),
        "{\n  \"title\": \"Lookup\",\n  \"aliases\": [\"/templates/lookup/\"]\n}\nBody.\n",
    )
    .unwrap();
    let init = kblint(&["init"], dir.path());
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let config = read(dir.path(), "kblint.toml");
    assert!(
        config.contains("keys = { aliases = false, related = false }\n"),
        "{config}"
    );
    assert!(
        stdout(&init).contains("kblint check: no findings"),
        "{}",
        stdout(&init)
    );
    let check = kblint(&["check", "--format", "short"], dir.path());
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
}

/// A key that all notes but one in twenty have is required: the one without it is reported as
/// an omission, and init says why it decided so. Free text gets no `enum`; a list of tags none.
#[test]
fn init_requires_a_key_nearly_every_note_has_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("wiki")).unwrap();
    for n in 0..20 {
        let summary = if n == 7 {
            String::new()
        } else {
            format!("summary: Page {n} in short\n")
        };
        let status = ["draft", "published"][n % 2];
        std::fs::write(
            dir.path().join(format!("wiki/p{n:02}.md")),
            format!("---\ntitle: Page {n}\n{summary}status: {status}\ntags: [a, b]\n---\n"),
        )
        .unwrap();
    }
    let init = kblint(&["init"], dir.path());
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let said = stdout(&init);
    assert!(
        said.contains("required: `status`, `tags`, `title` (in every note)"),
        "{said}"
    );
    assert!(
        said.contains("required: `summary`, in 19 of 20 notes: the note without it looks like an omission, and `kblint check` reports it"),
        "{said}"
    );
    assert!(
        said.contains("kblint check: 1 error, 0 warnings in the files that were already here"),
        "{said}"
    );
    let schema: serde_json::Value =
        serde_json::from_str(&read(dir.path(), "schema/wiki.schema.json")).unwrap();
    assert_eq!(
        schema["properties"]["status"]["enum"],
        serde_json::json!(["draft", "published"])
    );
    assert!(schema["properties"]["title"]["enum"].is_null(), "{schema}");
    assert!(
        schema["properties"]["tags"]["items"]["enum"].is_null(),
        "{schema}"
    );
    let check = kblint(&["check", "--format", "short"], dir.path());
    assert_eq!(
        stdout(&check).lines().collect::<Vec<_>>(),
        ["wiki/p07.md:1:1: error[schema] missing required property `summary`"],
        "{}",
        stdout(&check)
    );
}

/// A small Zola site: TOML frontmatter, some pages opening with a blank line before `+++`, a
/// `[extra]` table, dates and date-times, a `template` with two values. `kblint init` adopts
/// every page with a schema strict enough that the pre-commit hook rejects a commit that adds
/// `titel`, with one finding that suggests `title`.
#[test]
fn init_over_a_zola_site_derives_a_schema_whose_hook_catches_a_misspelt_key() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    git(root, &["init", "-q"]);
    let pages = [
        ("content/_index.md", "section", ""),
        ("content/docs/getting-started.md", "page", "\n"),
        ("content/docs/pagination.md", "page", "\n"),
        ("content/docs/templates.md", "page", "\n\n"),
        ("content/docs/sass.md", "page", ""),
        ("content/docs/_index.md", "section", "\n"),
    ];
    for (n, (path, template, blank)) in pages.iter().enumerate() {
        let title = path.rsplit('/').next().unwrap().trim_end_matches(".md");
        let text = format!(
            "{blank}+++\ntitle = \"{title}\"\ndate = 2024-0{}-15\nupdated = 2024-0{}-16T09:30:00Z\ntemplate = \"{template}.html\"\nweight = {n}\n\n[extra]\nauthor = \"Zola docs\"\n+++\n\nBody of {title}.\n",
            n + 1,
            n + 1,
        );
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().unwrap()).unwrap();
        std::fs::write(full, text).unwrap();
    }
    let init = kblint(&["init"], root);
    assert_eq!(init.status.code(), Some(0), "{}", stderr(&init));
    let said = stdout(&init);
    assert!(
        said.contains("found 6 notes with frontmatter: collection `content` includes content/**/*.md, checked by schema/content.schema.json (required: date, extra, template, title, updated, weight)"),
        "{said}"
    );
    assert!(!said.contains("left out"), "{said}");
    for decision in [
        "any other key is refused (`additionalProperties: false`)",
        "formats: `date` a date, `updated` a date-time",
        "enum: `template` is one of the 2 values seen",
        "nested objects described key by key, the same way: `extra`",
    ] {
        assert!(said.contains(decision), "{said}");
    }
    assert!(said.contains("kblint check: no findings"), "{said}");
    let schema: serde_json::Value =
        serde_json::from_str(&read(root, "schema/content.schema.json")).unwrap();
    assert_eq!(schema["additionalProperties"], false, "{schema}");
    assert_eq!(
        schema["properties"]["extra"],
        serde_json::json!({
            "type": "object",
            "required": ["author"],
            "properties": { "author": { "type": "string" } },
            "additionalProperties": false
        }),
        "{schema}"
    );
    assert_eq!(
        schema["properties"]["updated"],
        serde_json::json!({ "type": "string", "format": "date-time" })
    );
    assert_eq!(
        schema["properties"]["template"]["enum"],
        serde_json::json!(["page.html", "section.html"])
    );

    let install = Command::new(env!("CARGO_BIN_EXE_kblint"))
        .args(["hook", "install"])
        .current_dir(root)
        .output()
        .unwrap();
    assert_eq!(install.status.code(), Some(0), "{}", stderr(&install));
    git(root, &["add", "-A"]);
    commit(root, "Adopt kblint").expect("the adopted site commits clean");

    let page = root.join("content/docs/pagination.md");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(
        &page,
        text.replacen("+++\ntitle", "+++\ntitel = \"Pagination\"\ntitle", 1),
    )
    .unwrap();
    git(root, &["add", "-A"]);
    let rejected = commit(root, "A misspelt key").expect_err("the hook lets `titel` through");
    assert_eq!(
        rejected.matches("error[").count(),
        1,
        "one finding: {rejected}"
    );
    assert!(
        rejected.contains("error[schema]: unexpected property `titel`")
            && rejected.contains("content/docs/pagination.md:3:1")
            && rejected.contains("did you mean `title`?"),
        "{rejected}"
    );
}

/// `git commit` with the kblint under test first on `PATH` (the hook runs it from there):
/// `Err` holds what a rejected commit printed.
fn commit(dir: &Path, message: &str) -> Result<(), String> {
    let bin = Path::new(env!("CARGO_BIN_EXE_kblint")).parent().unwrap();
    let path = std::env::join_paths(std::iter::once(bin.to_path_buf()).chain(
        std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default()),
    ))
    .unwrap();
    let out = Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.org"])
        .args(["commit", "-q", "-m", message])
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .expect("cannot run git");
    if out.status.success() {
        Ok(())
    } else {
        Err(format!("{}{}", stdout(&out), stderr(&out)))
    }
}

#[test]
fn version_prints_the_crate_version_and_the_commit_built() {
    let out = kblint(&["--version"], Path::new("."));
    assert_eq!(out.status.code(), Some(0));
    // Built from a git checkout (as these tests are), the commit and its date follow.
    let commit = std::process::Command::new("git")
        .args(["log", "-1", "--format=%h %cs", "--abbrev=9"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|out| out.status.success())
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string());
    let expected = match commit {
        Some(commit) => format!("kblint {} ({commit})\n", env!("CARGO_PKG_VERSION")),
        None => format!("kblint {}\n", env!("CARGO_PKG_VERSION")),
    };
    assert_eq!(stdout(&out), expected);
}

#[test]
fn completions_are_printed_for_bash_zsh_and_fish() {
    for (shell, marker) in [
        ("bash", "_kblint()"),
        ("zsh", "#compdef kblint"),
        ("fish", "complete -c kblint"),
    ] {
        let out = kblint(&["completions", shell], Path::new("."));
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        let script = stdout(&out);
        assert!(
            script.contains(marker),
            "{shell}: no `{marker}` in the script"
        );
        // Subcommands and flags are completed.
        assert!(
            script.contains("explain")
                && script.contains("format")
                && script.contains("unsafe-fixes"),
            "{shell}: the script lacks subcommands or flags"
        );
    }
    // The bash script is valid bash.
    let script = stdout(&kblint(&["completions", "bash"], Path::new(".")));
    if let Ok(out) = Command::new("bash").args(["-n", "-c", &script]).output() {
        assert!(
            out.status.success(),
            "bash -n: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        kblint(&["completions", "tcsh-or-so"], Path::new("."))
            .status
            .code(),
        Some(2)
    );
}

fn kblint(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kblint"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("cannot run kblint")
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("cannot run git");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("`{path}`: {e}"))
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
