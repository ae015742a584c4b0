//! `kblint hook install`: a plain git pre-commit hook, for teams without the pre-commit
//! framework.
//!
//! The hook runs `kblint check --staged`, which reads every file of the KB from the index that
//! git is about to commit (the temporary one of `git commit FILE` and `git commit -a` included).
//! git runs hooks at the top of the work tree, so for a KB in a subfolder the hook names its
//! config with `--config`.

use std::path::Path;

use anyhow::{Context, Result, bail};

/// Writes the pre-commit hook of the repository that holds `dir` (`.git/hooks/pre-commit`, or
/// the folder that `core.hooksPath` names). The hook lints the KB whose config is the nearest
/// `kblint.toml` at or above `dir`; without one yet, the nearest at or above the top of the
/// repository when the hook runs.
pub fn install(dir: &Path, force: bool) -> Result<String> {
    let out = crate::tree::git(
        dir,
        &["rev-parse", "--git-path", "hooks", "--show-toplevel"],
    )
    .context("`kblint hook install` must run inside a git repository with a work tree")?;
    let text = String::from_utf8_lossy(&out);
    let mut lines = text.lines();
    // As git says it: relative to `dir` (`.git/hooks`), or absolute (`core.hooksPath`, worktrees).
    let shown = Path::new(lines.next().unwrap_or(".git/hooks")).join("pre-commit");
    let hooks = dir.join(shown.parent().unwrap_or(Path::new(".git/hooks")));
    let top = Path::new(lines.next().unwrap_or_default());
    let config = config_from_top(dir, top);
    let path = hooks.join("pre-commit");
    // A hooks folder that the repository tracks (`core.hooksPath`) may hold links: the hook is
    // never written through one, nor into a folder reached through one.
    if let Some(link) = link_on_the_way(dir, top, shown.parent().unwrap_or(Path::new(""))) {
        bail!(
            "`{}` is a symbolic link; kblint does not write a hook through a link (nothing written)",
            link.display()
        );
    }
    // A link counts as there even when it points nowhere.
    let is_link = path
        .symlink_metadata()
        .is_ok_and(|m| m.file_type().is_symlink());
    if path.symlink_metadata().is_ok() && !force {
        bail!(
            "`{}` already exists; remove it, or run `kblint hook install --force` to replace it",
            path.display()
        );
    }
    std::fs::create_dir_all(&hooks)
        .with_context(|| format!("cannot create `{}`", hooks.display()))?;
    if is_link || path.symlink_metadata().is_ok() {
        // With `--force`, the old hook (or link) is replaced, never written through.
        std::fs::remove_file(&path)
            .with_context(|| format!("cannot replace `{}`", path.display()))?;
    }
    let mut file =
        new_executable(&path).with_context(|| format!("cannot write `{}`", path.display()))?;
    std::io::Write::write_all(&mut file, script(config.as_deref()).as_bytes())
        .with_context(|| format!("cannot write `{}`", path.display()))?;
    Ok(format!(
        "installed `{}`: every commit now runs `kblint check --staged`\n",
        shown.display()
    ))
}

/// Creates `path` as a new executable file: never an existing one, never through a link.
fn new_executable(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o755);
    }
    let file = options.open(path)?;
    #[cfg(unix)]
    {
        // The mode given at creation is reduced by the umask; a hook must be executable.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(std::fs::Permissions::from_mode(0o755))?;
    }
    Ok(file)
}

/// The first symbolic link among the folders from the top of the work tree `top` down to
/// `hooks` (a path git gave relative to `dir`, or absolute); `None` when there is none or the
/// folder is not in the work tree.
fn link_on_the_way(dir: &Path, top: &Path, hooks: &Path) -> Option<std::path::PathBuf> {
    let mut full = dir.canonicalize().ok()?;
    for part in hooks.components() {
        match part {
            std::path::Component::ParentDir => {
                full.pop();
            }
            std::path::Component::CurDir => {}
            other => full.push(other),
        }
    }
    let hooks = full;
    let top = top.canonicalize().ok()?;
    let rel = hooks.strip_prefix(&top).ok()?;
    let mut at = top.clone();
    for part in rel.components() {
        at.push(part);
        if at
            .symlink_metadata()
            .is_ok_and(|m| m.file_type().is_symlink())
        {
            return Some(at);
        }
    }
    None
}

/// The hook's text: lint exactly what is staged, with `--config CONFIG` when the KB's config
/// is not at the top of the repository (a path relative to the top, where git runs hooks).
pub fn script(config: Option<&str>) -> String {
    let config = config.map_or(String::new(), |c| {
        format!(" --config '{}'", c.replace('\'', r"'\''"))
    });
    format!(
        r#"#!/bin/sh
# Installed by `kblint hook install`: lints the KB exactly as it will be committed.
# To commit once without the check: git commit --no-verify
if ! command -v kblint >/dev/null 2>&1; then
  echo "pre-commit: kblint is not on PATH; install it, or commit with --no-verify to skip the check" >&2
  exit 1
fi
exec kblint check --staged --quiet{config}
"#
    )
}

/// The config that `kblint check` would use from `dir`, relative to the repository top `top`;
/// `None` when it is the top's own `kblint.toml` or there is none yet.
fn config_from_top(dir: &Path, top: &Path) -> Option<String> {
    let dir = dir.canonicalize().ok()?;
    let (root, name) = crate::config::locate(None, &dir).ok()?;
    let rel = root.strip_prefix(top.canonicalize().ok()?).ok()?;
    if rel.as_os_str().is_empty() {
        return None;
    }
    Some(format!("{}/{name}", crate::tree::slash_path(rel)))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_script_quotes_the_config() {
        assert!(super::script(None).ends_with("exec kblint check --staged --quiet\n"));
        assert!(
            super::script(Some("docs/it's/kblint.toml"))
                .ends_with("--quiet --config 'docs/it'\\''s/kblint.toml'\n")
        );
    }
}
