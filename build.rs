//! Records the git commit kblint is built from, for `kblint --version`.
//!
//! Sets `KBLINT_VERSION` to "<version> (<short hash> <commit date>)" when the crate is built from a git
//! checkout of kblint itself, or from a package that cargo made from one (its
//! `.cargo_vcs_info.json` names the commit). Anywhere else (an sdist, a tarball, a crate unpacked
//! inside some other repository) it stays unset and `--version` prints the version alone. A
//! missing git or a failing git command is never a build error. A release build may name its
//! commit through the `KBLINT_COMMIT` environment variable instead (used as given).

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=KBLINT_COMMIT");
    let commit = std::env::var("KBLINT_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| from_git(&dir))
        .or_else(|| from_vcs_info(&dir));
    let version = std::env::var("CARGO_PKG_VERSION").expect("set by cargo");
    match commit {
        Some(commit) => println!(
            "cargo:rustc-env=KBLINT_VERSION={version} ({})",
            commit.trim()
        ),
        None => println!("cargo:rustc-env=KBLINT_VERSION={version}"),
    }
}

/// The commit checked out, if `dir` is the top of a git work tree. Asks cargo to rebuild when
/// HEAD moves (a commit, a checkout, a rebase).
fn from_git(dir: &Path) -> Option<String> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if !same_dir(Path::new(&top), dir) {
        return None; // a crate inside another project's repository: that commit is not ours
    }
    let branch = git(dir, &["symbolic-ref", "--quiet", "HEAD"]);
    for file in ["HEAD", "packed-refs"].into_iter().chain(branch.as_deref()) {
        // Only files that exist: cargo would run this script again on every build for a missing
        // one (a repository without packed refs). A branch that moves into packed-refs deletes
        // its loose file, which is a change too.
        if let Some(path) = git(dir, &["rev-parse", "--git-path", file])
            && dir.join(&path).is_file()
        {
            println!("cargo:rerun-if-changed={}", dir.join(path).display());
        }
    }
    let line = git(dir, &["log", "-1", "--format=%h %cs", "--abbrev=9"])?;
    Some(line)
}

/// The commit recorded by `cargo package` (crates.io builds): the short hash alone.
fn from_vcs_info(dir: &Path) -> Option<String> {
    let info = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let at = info.find("\"sha1\"")?;
    let hash: String = info[at + 6..]
        .chars()
        .skip_while(|c| !c.is_ascii_hexdigit())
        .take_while(char::is_ascii_hexdigit)
        .take(9)
        .collect();
    (hash.len() == 9).then_some(hash)
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env_remove("GIT_DIR")
        .env_remove("GIT_WORK_TREE")
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
