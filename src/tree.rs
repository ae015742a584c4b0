//! Where the KB's files are read from: the working tree (respecting `.gitignore`), the git
//! index (`--staged`), or a git revision (the base of `--changed-since`).
//!
//! The git variants shell out to the `git` CLI, which is right by definition about
//! `GIT_INDEX_FILE` (set by `git commit -a` and partial commits), worktrees and sparse
//! checkouts: `ls-files -s -z` or `ls-tree -r -z`, then one `cat-file --batch` for every blob.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The empty blob's object id (SHA-1 and SHA-256 repositories): what the index holds for a
/// file added with `git add -N`.
const EMPTY_BLOBS: [&str; 2] = [
    "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391",
    "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813",
];

/// A set of files under the KB root, by path relative to it (with `/` separators).
pub enum Tree {
    /// Files on disk, minus those git ignores.
    WorkTree(PathBuf),
    /// Blobs recorded in git: path → object id.
    Git {
        repo: PathBuf,
        blobs: BTreeMap<String, String>,
        what: String,
        /// The symbolic links recorded there, which are not read.
        links: Vec<String>,
    },
    /// Another tree with some files' texts replaced or added: an editor's unsaved buffers.
    Overlay {
        base: Box<Tree>,
        /// Path relative to the KB root → the text that stands for the file's bytes.
        texts: BTreeMap<String, String>,
    },
}

impl Tree {
    /// Every file of the working tree under `root` that git does not ignore. Hidden files are
    /// included, `.git` is not.
    pub fn work_tree(root: &Path) -> Tree {
        Tree::WorkTree(root.to_path_buf())
    }

    /// The files recorded in the git index (honouring `GIT_INDEX_FILE`).
    pub fn index(root: &Path) -> Result<Tree> {
        let (top, prefix) = repo_of(root, "`--staged` reads the git index")?;
        let out = git(&top, &["ls-files", "-s", "-z", "--full-name"])?;
        // `<mode> <oid> <stage>`: regular files only (no symlinks, no submodules), and no
        // unresolved conflicts.
        let mut blobs = listing(&out, &prefix, |meta| match meta {
            [mode, oid, "0"] if mode.starts_with("100") => Some(oid),
            _ => None,
        });
        // A file added with `git add -N` (intent to add) stands in the index as an empty blob,
        // but the commit will not hold it: it is not part of what is staged.
        if blobs
            .values()
            .any(|oid| EMPTY_BLOBS.contains(&oid.as_str()))
        {
            let added = git(
                &top,
                &["diff-files", "-z", "--name-only", "--diff-filter=A"],
            )?;
            for path in added.split(|&b| b == 0).filter(|p| !p.is_empty()) {
                let path = String::from_utf8_lossy(path);
                if let Some(rel) = path.strip_prefix(prefix.as_str())
                    && blobs
                        .get(rel)
                        .is_some_and(|oid| EMPTY_BLOBS.contains(&oid.as_str()))
                {
                    blobs.remove(rel);
                }
            }
        }
        // A file in conflict (stages 1 to 3) has no one content to lint: say so rather than
        // leave it out of the KB.
        let conflicted = listing(&out, &prefix, |meta| match meta {
            [_, oid, "1" | "2" | "3"] => Some(oid),
            _ => None,
        });
        if !conflicted.is_empty() {
            let names: Vec<String> = conflicted.keys().map(|p| format!("`{p}`")).collect();
            bail!(
                "the git index has unresolved conflicts in {}: resolve them and `git add` the result before `kblint check --staged`",
                names.join(", ")
            );
        }
        let links = listing(&out, &prefix, |meta| match meta {
            [mode, oid, "0"] if *mode == "120000" => Some(oid),
            _ => None,
        });
        Ok(Tree::Git {
            repo: top,
            blobs,
            what: "the git index".into(),
            links: links.into_keys().collect(),
        })
    }

    /// The files of revision `rev`.
    pub fn revision(root: &Path, rev: &str) -> Result<Tree> {
        let (top, prefix) = repo_of(root, "`--changed-since` reads git revisions")?;
        let out = git(&top, &["ls-tree", "-r", "-z", "--full-tree", rev])?;
        // `<mode> <type> <oid>`: regular files only.
        let blobs = listing(&out, &prefix, |meta| match meta {
            [mode, "blob", oid] if mode.starts_with("100") => Some(oid),
            _ => None,
        });
        let links = listing(&out, &prefix, |meta| match meta {
            [mode, "blob", oid] if *mode == "120000" => Some(oid),
            _ => None,
        });
        Ok(Tree::Git {
            repo: top,
            blobs,
            what: format!("revision `{rev}`"),
            links: links.into_keys().collect(),
        })
    }

    /// `base` with the files of `texts` (path → text) read from there first.
    pub fn overlay(base: Tree, texts: BTreeMap<String, String>) -> Tree {
        Tree::Overlay {
            base: Box::new(base),
            texts,
        }
    }

    /// Every file path, sorted.
    pub fn list(&self) -> Vec<String> {
        self.list_reporting().0
    }

    /// [`Tree::list`], with what could not be listed: a folder that cannot be read or a path
    /// too long to open is named (as `cannot list …`), never skipped silently.
    pub fn list_reporting(&self) -> (Vec<String>, Vec<String>) {
        let (paths, problems, _) = self.list_with_links();
        (paths, problems)
    }

    /// [`Tree::list_reporting`], with the symbolic links of the tree (sorted), which kblint
    /// never reads through (a link could lead out of the KB): to be named, not left out
    /// without a word.
    pub fn list_with_links(&self) -> (Vec<String>, Vec<String>, Vec<String>) {
        let mut problems = Vec::new();
        let mut links = Vec::new();
        let paths = self.list_into(&mut problems, &mut links);
        links.sort();
        (paths, problems, links)
    }

    fn list_into(&self, problems: &mut Vec<String>, links: &mut Vec<String>) -> Vec<String> {
        match self {
            Tree::Overlay { base, texts } => {
                let mut paths = base.list_into(problems, links);
                links.retain(|l| !texts.contains_key(l));
                paths.extend(texts.keys().cloned());
                paths.sort();
                paths.dedup();
                paths
            }
            Tree::Git {
                blobs,
                links: git_links,
                ..
            } => {
                links.extend(git_links.iter().cloned());
                blobs.keys().cloned().collect()
            }
            Tree::WorkTree(root) => {
                let mut paths = Vec::new();
                // git's view: what `.gitignore` lists is left out, but a plain `.ignore` file
                // (a convention of ripgrep and other tools, not of git) hides nothing.
                let walker = ignore::WalkBuilder::new(root)
                    .hidden(false)
                    .ignore(false)
                    .parents(true)
                    .filter_entry(|e| e.file_name() != ".git")
                    .build();
                for entry in walker {
                    let entry = match entry {
                        Ok(entry) => entry,
                        Err(e) => {
                            problems.push(format!("cannot list part of the KB: {e}"));
                            continue;
                        }
                    };
                    if entry.path_is_symlink() {
                        if let Ok(rel) = entry.path().strip_prefix(root) {
                            links.push(slash_path(rel));
                        }
                        continue;
                    }
                    if !entry.file_type().is_some_and(|t| t.is_file()) {
                        continue;
                    }
                    if let Ok(rel) = entry.path().strip_prefix(root) {
                        paths.push(slash_path(rel));
                    }
                }
                // A file git tracks counts even when it matches `.gitignore`, as it does for
                // `--staged`.
                if let Ok(out) = git(root, &["ls-files", "-z", "--cached"]) {
                    for path in out.split(|&b| b == 0).filter(|p| !p.is_empty()) {
                        let path = String::from_utf8_lossy(path).into_owned();
                        if root
                            .join(&path)
                            .symlink_metadata()
                            .is_ok_and(|m| m.is_file())
                        {
                            paths.push(path);
                        }
                    }
                }
                paths.sort();
                paths.dedup();
                paths
            }
        }
    }

    /// The root of the working tree that the tree reads its files from, if it reads them
    /// from disk.
    pub fn work_root(&self) -> Option<&Path> {
        match self {
            Tree::WorkTree(root) => Some(root),
            Tree::Overlay { base, .. } => base.work_root(),
            Tree::Git { .. } => None,
        }
    }

    /// Whether the bytes of `path` are read from the file on disk (not from git, and not from
    /// a text put in its place).
    pub fn on_disk(&self, path: &str) -> bool {
        match self {
            Tree::WorkTree(_) => true,
            Tree::Overlay { base, texts } => !texts.contains_key(path) && base.on_disk(path),
            Tree::Git { .. } => false,
        }
    }

    /// Whether the tree holds `path`.
    pub fn contains(&self, path: &str) -> bool {
        match self {
            Tree::Git { blobs, .. } => blobs.contains_key(path),
            Tree::WorkTree(root) => {
                inside(root, path).is_ok()
                    && root
                        .join(path)
                        .symlink_metadata()
                        .is_ok_and(|m| m.is_file())
            }
            Tree::Overlay { base, texts } => texts.contains_key(path) || base.contains(path),
        }
    }

    /// The bytes of each path, in order; a file that cannot be read gives its error message.
    pub fn read(&self, paths: &[String]) -> Result<Vec<Result<Vec<u8>, String>>> {
        match self {
            Tree::Overlay { base, texts } => {
                let below: Vec<String> = paths
                    .iter()
                    .filter(|p| !texts.contains_key(*p))
                    .cloned()
                    .collect();
                let mut below = base.read(&below)?.into_iter();
                Ok(paths
                    .iter()
                    .map(|p| match texts.get(p) {
                        Some(text) => Ok(text.as_bytes().to_vec()),
                        None => below.next().unwrap_or_else(|| Err("nothing read".into())),
                    })
                    .collect())
            }
            Tree::WorkTree(root) => {
                use rayon::prelude::*;
                Ok(paths
                    .par_iter()
                    .map(|p| {
                        inside(root, p)?;
                        std::fs::read(root.join(p)).map_err(|e| e.to_string())
                    })
                    .collect())
            }
            Tree::Git {
                repo, blobs, what, ..
            } => {
                let oids: Vec<Option<&String>> = paths.iter().map(|p| blobs.get(p)).collect();
                let wanted: Vec<String> = oids.iter().flatten().map(|s| s.to_string()).collect();
                let mut contents = cat_file(repo, &wanted)?.into_iter();
                Ok(oids
                    .into_iter()
                    .map(|oid| match oid {
                        Some(_) => contents
                            .next()
                            .ok_or_else(|| "git cat-file gave no content".to_string()),
                        None => Err(format!("not in {what}")),
                    })
                    .collect())
            }
        }
    }

    /// Reads one file as text (config, schema, vocabulary).
    pub fn read_text(&self, path: &str) -> Result<String> {
        let mut all = self.read(&[path.to_string()])?;
        let bytes = all
            .pop()
            .unwrap_or_else(|| Err("nothing read".into()))
            .map_err(|e| anyhow::anyhow!("cannot read `{path}`: {e}"))?;
        String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("`{path}` is not UTF-8"))
    }
}

/// The blobs of a NUL-separated `<meta>\t<path>` listing under `prefix`, by path relative to it;
/// `pick` gives the object id of a record whose meta fields it accepts.
fn listing(
    out: &[u8],
    prefix: &str,
    pick: impl for<'a> Fn(&[&'a str]) -> Option<&'a str>,
) -> BTreeMap<String, String> {
    let mut blobs = BTreeMap::new();
    for record in out.split(|&b| b == 0).filter(|r| !r.is_empty()) {
        let record = String::from_utf8_lossy(record);
        let Some((meta, path)) = record.split_once('\t') else {
            continue;
        };
        let meta: Vec<&str> = meta.split(' ').collect();
        if let (Some(oid), Some(rel)) = (pick(&meta), path.strip_prefix(prefix)) {
            blobs.insert(rel.to_string(), oid.to_string());
        }
    }
    blobs
}

/// The top of the git repository holding `root`, and `root`'s path inside it (`""` or `kb/`).
/// `why` says what needs the repository, for the message when there is none.
fn repo_of(root: &Path, why: &str) -> Result<(PathBuf, String)> {
    let out = command(root)
        .args(["rev-parse", "--show-toplevel", "--show-prefix"])
        .stderr(Stdio::piped())
        .output()
        .context("cannot run `git`: is it installed?")?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stderr = stderr.trim();
        // git's own words only when they say more than "not a git repository" (for instance the
        // `safe.directory` advice for a repository owned by another user).
        if stderr.contains("not a git repository") {
            bail!(
                "{why}, but `{}` is not inside a git repository",
                root.display()
            );
        }
        bail!(
            "{why}, but git cannot open the repository at `{}`: {stderr}",
            root.display()
        );
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let top = PathBuf::from(lines.next().unwrap_or_default());
    let prefix = lines.next().unwrap_or_default().to_string();
    Ok((top, prefix))
}

/// A relative path with `/` between its parts, as kblint prints and compares paths.
pub fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// Runs a read-only git command in `dir` and returns its standard output.
pub fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>> {
    let out = command(dir)
        .arg("--no-optional-locks")
        .args(args)
        .stderr(Stdio::piped())
        .output()
        .context("cannot run `git`: is it installed?")?;
    if !out.status.success() {
        bail!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}

/// The merge base of `rev` and HEAD in the repository holding `root`.
pub fn merge_base(root: &Path, rev: &str) -> Result<String> {
    let (top, _) = repo_of(root, "`--changed-since` compares git revisions")?;
    let unknown = || {
        anyhow::anyhow!(
            "unknown revision `{rev}`: no commit has that name here (in a CI checkout, fetch it first)"
        )
    };
    if rev.starts_with('-') {
        return Err(unknown());
    }
    let verify = format!("{rev}^{{commit}}");
    let commit =
        git(&top, &["rev-parse", "--verify", "--quiet", &verify]).map_err(|_| unknown())?;
    let commit = String::from_utf8_lossy(&commit).trim().to_string();
    let out = git(&top, &["merge-base", &commit, "HEAD"]).map_err(|_| {
        anyhow::anyhow!(
            "`{rev}` and HEAD have no common ancestor here; in a shallow clone, fetch more history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout)"
        )
    })?;
    Ok(String::from_utf8_lossy(&out).trim().to_string())
}

/// The files renamed between revision `rev` and the working tree, as KB paths: old → new.
/// git decides what a rename is (`-M`: at least 50% similar content).
pub fn renames(root: &Path, rev: &str) -> Result<BTreeMap<String, String>> {
    let (top, prefix) = repo_of(root, "`--changed-since` compares git revisions")?;
    let out = git(
        &top,
        &[
            "diff",
            "--no-ext-diff",
            "--no-textconv",
            "-z",
            "--name-status",
            "-M",
            rev,
            "--",
        ],
    )?;
    let mut fields = out
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned());
    let mut renames = BTreeMap::new();
    while let Some(status) = fields.next() {
        if status.is_empty() {
            continue;
        }
        let Some(from) = fields.next() else { break };
        // `R<score>` and `C<score>` name two paths, every other status one.
        if !status.starts_with(['R', 'C']) {
            continue;
        }
        let Some(to) = fields.next() else { break };
        if let (true, Some(from), Some(to)) = (
            status.starts_with('R'),
            from.strip_prefix(prefix.as_str()),
            to.strip_prefix(prefix.as_str()),
        ) {
            renames.insert(from.to_string(), to.to_string());
        }
    }
    Ok(renames)
}

/// `git -C dir`, with the repository variables that git hands a hook made absolute.
///
/// A hook runs at the top of the work tree, and may get `GIT_DIR=.git` and `GIT_WORK_TREE=.`
/// (from `git --git-dir=.git --work-tree=. commit`, or tools that set them) and
/// `GIT_INDEX_FILE=.git/index`, all relative to that folder. With `-C`, git would read them
/// relative to `dir`, which is another folder when the KB is not at the top.
fn command(dir: &Path) -> Command {
    let mut cmd = Command::new("git");
    if let Ok(cwd) = std::env::current_dir() {
        for var in [
            "GIT_DIR",
            "GIT_INDEX_FILE",
            "GIT_WORK_TREE",
            "GIT_OBJECT_DIRECTORY",
            "GIT_COMMON_DIR",
        ] {
            if let Some(value) =
                std::env::var_os(var).filter(|v| !v.is_empty() && Path::new(v).is_relative())
            {
                cmd.env(var, cwd.join(value));
            }
        }
    }
    cmd.arg("-C").arg(dir);
    cmd
}

/// The contents of the blobs `oids`, in order, from one `git cat-file --batch`.
fn cat_file(repo: &Path, oids: &[String]) -> Result<Vec<Vec<u8>>> {
    if oids.is_empty() {
        return Ok(Vec::new());
    }
    let mut child = command(repo)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run `git cat-file`")?;
    let mut stdin = child.stdin.take().context("no stdin for git cat-file")?;
    let request: String = oids.iter().map(|o| format!("{o}\n")).collect();
    // Write from another thread: git answers while we still write, and a full pipe would block.
    let writer = std::thread::spawn(move || stdin.write_all(request.as_bytes()));
    let mut out = BufReader::new(child.stdout.take().context("no stdout for git cat-file")?);
    let mut contents = Vec::with_capacity(oids.len());
    for oid in oids {
        let mut header = String::new();
        out.read_line(&mut header)?;
        let size: usize = header
            .trim_end()
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .with_context(|| {
                format!(
                    "git cat-file: unexpected answer for {oid}: `{}`",
                    header.trim_end()
                )
            })?;
        let mut buf = vec![0; size + 1];
        out.read_exact(&mut buf)?;
        buf.pop();
        contents.push(buf);
    }
    let _ = writer.join();
    let _ = child.wait();
    Ok(contents)
}

/// Whether `path` (relative, with `/`) names a file inside `root` that kblint may read: not
/// absolute, no `..`, and no symbolic link on the way (a link could lead out of the KB).
pub fn inside(root: &Path, path: &str) -> Result<(), String> {
    let p = Path::new(path);
    if p.is_absolute() || path.starts_with(['/', '\\']) || p.has_root() {
        return Err(format!(
            "`{path}` is an absolute path: kblint reads only files inside the KB, named relative to its root"
        ));
    }
    let mut at = root.to_path_buf();
    for part in p.components() {
        match part {
            std::path::Component::Normal(name) => {
                at.push(name);
                if at
                    .symlink_metadata()
                    .is_ok_and(|m| m.file_type().is_symlink())
                {
                    return Err(format!(
                        "`{path}` goes through a symbolic link: kblint reads only files inside the KB"
                    ));
                }
            }
            std::path::Component::CurDir => {}
            _ => {
                return Err(format!(
                    "`{path}` leaves the KB (`..`): kblint reads only files inside the KB"
                ));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlay_is_read_before_the_files_below_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "on disk").unwrap();
        std::fs::write(dir.path().join("b.md"), "b on disk").unwrap();
        let texts = BTreeMap::from([
            ("a.md".to_string(), "unsaved".to_string()),
            ("new.md".to_string(), "new".to_string()),
        ]);
        let tree = Tree::overlay(Tree::work_tree(dir.path()), texts);
        assert_eq!(tree.list(), ["a.md", "b.md", "new.md"]);
        assert!(tree.contains("new.md") && tree.contains("b.md") && !tree.contains("c.md"));
        let paths = ["b.md", "a.md", "c.md", "new.md"].map(String::from);
        let read = tree.read(&paths).unwrap();
        assert_eq!(read[0].as_deref(), Ok(&b"b on disk"[..]));
        assert_eq!(read[1].as_deref(), Ok(&b"unsaved"[..]));
        assert!(read[2].is_err());
        assert_eq!(read[3].as_deref(), Ok(&b"new"[..]));
    }
}
