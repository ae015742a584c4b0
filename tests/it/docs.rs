//! Every command shown in README.md and docs/*.md is run, so the docs cannot drift from what
//! kblint does.
//!
//! # The convention
//!
//! Commands are shown in fenced blocks whose info string starts with `console`:
//!
//! ````markdown
//! ```console
//! $ kblint check kb/roles/scrum.md
//! 0 errors, 0 warnings ([..])
//! $ kblint rules
//! ...
//! $ kblint explain no-such-rule  # exits 2
//! error: unknown rule `no-such-rule`; the rules are: [..]
//! ```
//! ````
//!
//! - A line `$ COMMAND` is a command; the lines after it, up to the next `$ ` line or the end
//!   of the block, are its expected output (standard output and standard error, as on a terminal).
//! - A command is expected to exit with 0, unless the line ends with a shell comment
//!   `# exits N` (or `# exit N`).
//! - When a command shows no output lines, only its exit status is checked. When it does,
//!   the output must match line for line (trailing white space ignored), where `[..]` in a
//!   line matches any text and a line `...` matches any number of lines.
//! - Where it runs:
//!   - ```` ```console ```` runs in the repository root, on the real `kb/`. Only `$ kblint …`
//!     commands run there (a `$ cargo install …` in the README is shown, not run), and they
//!     must not change files (no `--fix`, no `init`, no redirection into the repository).
//!   - ```` ```console tmp ```` runs in the document's scratch folder: one empty temporary
//!     folder per Markdown file, shared by its `tmp` blocks in the order they appear, so a
//!     document can read as a session (`git init`, `kblint init`, edit, `kblint check`). Every
//!     command runs there (through `sh -c`, with the kblint under test first on `PATH`, git
//!     given an author, and `NO_COLOR` set).
//!   - A block whose info string has a word `file=PATH` (```` ```yaml file=kb/entries/x.md ````)
//!     is written to PATH in the scratch folder when the test reaches it: that is how a
//!     document shows a file and then lints it.
//! - A block whose info string has a word `excerpt=PATH` (```` ```yaml excerpt=kb/roles/scrum.md ````)
//!   quotes a file of the repository: its lines must appear in PATH, one after another, where
//!   a line `...` stands for any number of lines left out (and `[..]` for any text in a line).
//!   That keeps the worked examples taken from `kb/` true to it.
//!
//! Standard error goes to the same pipe as standard output (`exec 2>&1`), so the output reads
//! as it would on a terminal.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn every_command_in_the_docs_does_what_the_docs_say() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut documents = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .expect("no docs/ folder")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    docs.sort();
    documents.extend(docs);

    let mut failures = Vec::new();
    let mut ran = 0;
    let mut checked = 0;
    for doc in documents.iter().filter(|d| d.is_file()) {
        let name = doc.strip_prefix(root).unwrap_or(doc).display().to_string();
        let text = std::fs::read_to_string(doc).unwrap();
        let mut scratch: Option<tempfile::TempDir> = None;
        for block in blocks(&text) {
            let dir = match block.place {
                Place::Root => root.to_path_buf(),
                Place::Scratch => scratch
                    .get_or_insert_with(|| tempfile::tempdir().unwrap())
                    .path()
                    .to_path_buf(),
            };
            if let Some(path) = &block.excerpt {
                checked += 1;
                if let Err(why) = excerpt(root, path, &block.body) {
                    failures.push(format!("{name}: the excerpt of `{path}`\n{why}"));
                }
                continue;
            }
            if let Some(path) = &block.file {
                let full = scratch
                    .get_or_insert_with(|| tempfile::tempdir().unwrap())
                    .path()
                    .join(path);
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(&full, &block.body).unwrap();
                continue;
            }
            for cmd in &block.commands {
                if block.place == Place::Root
                    && !cmd.line.starts_with("kblint ")
                    && cmd.line != "kblint"
                {
                    continue;
                }
                ran += 1;
                if let Err(why) = run(cmd, &dir) {
                    failures.push(format!("{name}:{}: `$ {}`\n{why}", cmd.at, cmd.line));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} command(s) in the docs do not do what the docs say:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
    assert!(
        ran >= 20,
        "only {ran} commands found in the docs: is the `console` convention of tests/it/docs.rs still followed?"
    );
    assert!(checked >= 3, "only {checked} excerpts found in the docs");
}

/// Whether the lines of `body` appear in the repository file `path`, one after another.
fn excerpt(root: &Path, path: &str, body: &str) -> Result<(), String> {
    let text =
        std::fs::read_to_string(root.join(path)).map_err(|e| format!("cannot read it: {e}"))?;
    let file: Vec<String> = text.lines().map(|l| l.trim_end().to_string()).collect();
    let mut wanted = vec!["...".to_string()];
    wanted.extend(body.lines().map(|l| l.trim_end().to_string()));
    wanted.push("...".into());
    if matches(&wanted, &file) {
        return Ok(());
    }
    // Name the first line that is not in the file, to help.
    let missing = body
        .lines()
        .find(|l| *l != "..." && !file.iter().any(|f| line_matches(l.trim_end(), f)));
    Err(match missing {
        Some(line) => format!("`{path}` has no line `{line}`"),
        None => format!("the lines are in `{path}`, but not one after another as shown"),
    })
}

#[test]
fn the_matcher_understands_the_wildcards() {
    let lines = |s: &str| s.lines().map(str::to_string).collect::<Vec<_>>();
    assert!(matches(&lines("a\n...\nz"), &lines("a\nb\nc\nz")));
    assert!(matches(&lines("a\n...\nz"), &lines("a\nz")));
    assert!(matches(&lines("x [..] y"), &lines("x 1, 2 y")));
    assert!(matches(&lines("[..]:3:[..]"), &lines("kb/a.md:3:5")));
    assert!(!matches(&lines("a\nb"), &lines("a\nb\nc")));
    assert!(!matches(&lines("x [..] y"), &lines("x 1 z")));
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Scratch,
}

struct Block {
    place: Place,
    /// `Some(path)`: a file to write, holding `body`.
    file: Option<String>,
    /// `Some(path)`: a file of the repository that `body` quotes.
    excerpt: Option<String>,
    body: String,
    commands: Vec<Cmd>,
}

struct Cmd {
    /// Line number in the document.
    at: usize,
    line: String,
    output: Vec<String>,
    status: i32,
}

/// The `console` blocks and the `file=` blocks of a Markdown document.
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut lines = text.lines().enumerate();
    while let Some((_, line)) = lines.next() {
        let trimmed = line.trim_start();
        let fence: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        if fence.len() < 3 {
            continue;
        }
        let info: Vec<&str> = trimmed[fence.len()..].split_whitespace().collect();
        let mut body = Vec::new();
        for (n, line) in lines.by_ref() {
            if line.trim_start().starts_with(&fence)
                && line
                    .trim()
                    .chars()
                    .all(|c| c == fence.chars().next().unwrap())
            {
                break;
            }
            body.push((n + 1, line));
        }
        let file = info
            .iter()
            .find_map(|w| w.strip_prefix("file="))
            .map(str::to_string);
        let excerpt = info
            .iter()
            .find_map(|w| w.strip_prefix("excerpt="))
            .map(str::to_string);
        let console = info.first() == Some(&"console");
        if file.is_none() && excerpt.is_none() && !console {
            continue;
        }
        let place = if info.contains(&"tmp") || file.is_some() {
            Place::Scratch
        } else {
            Place::Root
        };
        let mut commands: Vec<Cmd> = Vec::new();
        if console && file.is_none() && excerpt.is_none() {
            for &(n, line) in &body {
                match line.strip_prefix("$ ") {
                    Some(command) => commands.push(Cmd {
                        at: n,
                        line: command.trim().to_string(),
                        output: Vec::new(),
                        status: status_of(command),
                    }),
                    None => {
                        if let Some(cmd) = commands.last_mut() {
                            cmd.output.push(line.trim_end().to_string());
                        }
                    }
                }
            }
        }
        let body = body.iter().map(|(_, l)| format!("{l}\n")).collect();
        out.push(Block {
            place,
            file,
            excerpt,
            body,
            commands,
        });
    }
    out
}

/// The exit status a command line announces with `# exits N`; 0 without one.
fn status_of(command: &str) -> i32 {
    let Some((_, comment)) = command.rsplit_once(" #") else {
        return 0;
    };
    let words: Vec<&str> = comment.split_whitespace().collect();
    match words.as_slice() {
        ["exits" | "exit", n] => n.parse().unwrap_or(0),
        _ => 0,
    }
}

fn run(cmd: &Cmd, dir: &Path) -> Result<(), String> {
    let bin = Path::new(env!("CARGO_BIN_EXE_kblint"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = std::env::join_paths(std::iter::once(bin).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .map_err(|e| e.to_string())?;
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("exec 2>&1\n{}", cmd.line))
        .current_dir(dir)
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .env("GIT_AUTHOR_NAME", "Docs Test")
        .env("GIT_AUTHOR_EMAIL", "docs@example.invalid")
        .env("GIT_COMMITTER_NAME", "Docs Test")
        .env("GIT_COMMITTER_EMAIL", "docs@example.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .output()
        .map_err(|e| format!("cannot run it: {e}"))?;
    let mut actual: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_end().to_string())
        .collect();
    while actual.last().is_some_and(String::is_empty) {
        actual.pop();
    }
    let mut expected = cmd.output.clone();
    while expected.last().is_some_and(String::is_empty) {
        expected.pop();
    }
    let status = out.status.code().unwrap_or(-1);
    let shown = || format!("it printed:\n  {}", actual.join("\n  "));
    if status != cmd.status {
        return Err(format!(
            "it exited with {status}, the docs say {}; {}",
            cmd.status,
            shown()
        ));
    }
    if !expected.is_empty() && !matches(&expected, &actual) {
        return Err(format!(
            "the docs show:\n  {}\n{}",
            expected.join("\n  "),
            shown()
        ));
    }
    Ok(())
}

/// Whether `actual` lines match `expected` ones, with `...` lines and `[..]` wildcards.
fn matches(expected: &[String], actual: &[String]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((first, rest)) if first == "..." => {
            (0..=actual.len()).any(|skip| matches(rest, &actual[skip..]))
        }
        Some((first, rest)) => actual
            .split_first()
            .is_some_and(|(line, more)| line_matches(first, line) && matches(rest, more)),
    }
}

fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !line.starts_with(first)
        || !line[first.len()..].ends_with(last)
        || line.len() < first.len() + last.len()
    {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for part in &parts[1..parts.len() - 1] {
        match rest.find(part) {
            Some(i) => rest = &rest[i + part.len()..],
            None => return false,
        }
    }
    true
}

/// The README's install section names only what works from a clone of this repository, and
/// keeps what needs a published release (PyPI, binstall, release archives, a `vX.Y.Z` tag, the
/// `kblint` hook that pip-installs the released wheel) under a heading that says so.
#[test]
fn the_readme_install_section_offers_only_what_works_from_a_clone_until_a_release() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let start = readme
        .find("\n## Install\n")
        .expect("README has `## Install`");
    let section = &readme[start + 1..];
    let section = &section[..section[1..].find("\n## ").map_or(section.len(), |i| i + 1)];
    let release_heading = "\n### After a release is published\n";
    let at = section
        .find(release_heading)
        .expect("the install section has `### After a release is published`");
    let (today, after) = section.split_at(at);

    // What needs a release, and so must not be offered before the heading that says so.
    let needs_a_release = [
        "pip install kblint",
        "pipx install kblint",
        "cargo binstall",
        "cargo install kblint",
        "releases/download",
        "rev: v",
        "- id: kblint\n",
    ];
    for phrase in needs_a_release {
        assert!(
            !today.contains(phrase),
            "`{phrase}` needs a published release, but the README offers it as working today"
        );
    }
    for phrase in [
        "pipx install kblint",
        "cargo binstall kblint",
        "rev: vX.Y.Z",
    ] {
        assert!(
            after.contains(phrase),
            "`{phrase}` is missing after a release"
        );
    }

    // What works today, checked against the repository.
    assert!(today.contains("cargo install --locked --path ."), "{today}");
    let hooks = std::fs::read_to_string(root.join(".pre-commit-hooks.yaml")).unwrap();
    let mut ids = 0;
    for line in today.lines() {
        if let Some(id) = line.trim().strip_prefix("- id: ") {
            let id = id.split_whitespace().next().unwrap();
            assert!(
                ["kblint-source", "kblint-system"].contains(&id),
                "hook `{id}` needs a release or does not exist"
            );
            assert!(hooks.contains(&format!("- id: {id}\n")), "no hook `{id}`");
            ids += 1;
        }
    }
    assert_eq!(ids, 1, "one pre-commit example that works from a clone");
    for word in today.split(|c: char| c.is_whitespace() || "`\"()$".contains(c)) {
        if word.starts_with("scripts/") {
            let script = root.join(word);
            assert!(script.is_file(), "`{word}` does not exist");
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = script.metadata().unwrap().permissions().mode();
                assert!(mode & 0o111 != 0, "`{word}` is not executable");
            }
        }
    }
    assert!(
        today.contains("scripts/build-wheel.sh"),
        "the wheel built from a clone is offered"
    );
}
