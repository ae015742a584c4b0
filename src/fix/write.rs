//! Writing fixed files without losing a byte: one writer per KB (a lock file at its root), each
//! file compared with what was linted just before it is replaced, and every replacement atomic
//! (a temporary file in the same folder, synced, then renamed over the old one).

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime};

use anyhow::{Context, Result, bail};

/// The lock file while a `--fix` run writes (it holds the writer's process id): in the git
/// folder of the repository that holds the KB (`.git/kblint-fix.lock`), where no commit can put
/// one, or at the KB root outside a repository.
pub const LOCK_FILE: &str = ".kblint-fix.lock";
/// The lock's name inside the git folder.
const GIT_LOCK_FILE: &str = "kblint-fix.lock";
/// How long a run waits for another one to finish writing.
const WAIT: Duration = Duration::from_secs(20);
/// A lock file whose process cannot be looked up (no `/proc`) is stale after this long; writing
/// the fixes of even a large KB takes seconds.
const STALE_AFTER: Duration = Duration::from_secs(600);
/// A lock file still without a process id (its writer died between creating and filling it)
/// is stale after this long.
const EMPTY_STALE_AFTER: Duration = Duration::from_secs(10);
/// The most of a lock file that is read: a process id and its line break.
const LOCK_BYTES: u64 = 32;

/// The KB's write lock, removed when dropped.
pub struct Lock {
    path: PathBuf,
}

impl Lock {
    /// Takes the lock of the KB at `root`, waiting up to [`WAIT`] for another run to finish. A
    /// lock left by a process that no longer runs is stale and taken over.
    pub fn take(root: &Path) -> Result<Lock> {
        let path = lock_path(root);
        let deadline = Instant::now() + WAIT;
        loop {
            // `create_new` is O_EXCL: it never opens an existing file, nor follows a link.
            match OpenOptions::new().write(true).create_new(true).open(&path) {
                Ok(mut file) => {
                    let written =
                        writeln!(file, "{}", std::process::id()).and_then(|()| file.sync_all());
                    let lock = Lock { path };
                    written.with_context(|| {
                        format!("cannot write the lock file `{}`", lock.path.display())
                    })?;
                    return Ok(lock);
                }
                Err(e) if e.kind() == ErrorKind::AlreadyExists => {
                    let holder = match read_lock(&path) {
                        Ok(holder) => holder,
                        Err(None) => continue, // removed meanwhile
                        Err(Some(what)) => bail!(
                            "the lock file `{}` is {what}, not a lock that kblint made; no file was changed (remove it, then run again)",
                            path.display()
                        ),
                    };
                    if is_stale(&path, &holder) {
                        take_over(&path, &holder);
                        continue;
                    }
                    if Instant::now() >= deadline {
                        bail!(
                            "another `kblint check --fix` (process {}) is writing to this KB: the lock file `{}` exists; no file was changed (delete the lock file if no such run is going on)",
                            crate::render::escape::line(holder.trim()),
                            path.display()
                        );
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Err(e) => {
                    return Err(e).with_context(|| {
                        format!("cannot create the lock file `{}`", path.display())
                    });
                }
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Where the lock of the KB at `root` is: in the git folder of its repository (which no commit
/// can reach: a committed lock file, or a committed link in its place, is no lock), else at
/// the root.
fn lock_path(root: &Path) -> PathBuf {
    crate::tree::git(root, &["rev-parse", "--absolute-git-dir"])
        .ok()
        .map(|out| String::from_utf8_lossy(&out).trim().to_string())
        .filter(|dir| !dir.is_empty() && Path::new(dir).is_dir())
        .map_or_else(
            || root.join(LOCK_FILE),
            |dir| Path::new(&dir).join(GIT_LOCK_FILE),
        )
}

/// The first bytes of the lock file at `path`: never through a link, and never more than
/// [`LOCK_BYTES`] (a link to `/dev/zero` would never end). `Err(None)` when it is gone,
/// `Err(Some(what))` when it is no regular file.
fn read_lock(path: &Path) -> Result<String, Option<&'static str>> {
    use std::io::Read;
    let meta = fs::symlink_metadata(path).map_err(|_| None)?;
    if meta.file_type().is_symlink() {
        return Err(Some("a symbolic link"));
    }
    if !meta.is_file() {
        return Err(Some("not a regular file"));
    }
    let file = fs::File::open(path).map_err(|_| None)?;
    // The file opened must be the one looked at (not a link put in its place meanwhile).
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let opened = file.metadata().map_err(|_| None)?;
        if (opened.dev(), opened.ino()) != (meta.dev(), meta.ino()) {
            return Err(None);
        }
    }
    let mut bytes = Vec::new();
    file.take(LOCK_BYTES)
        .read_to_end(&mut bytes)
        .map_err(|_| None)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A lock is stale when the process it names no longer runs (looked up in `/proc`), or, where
/// processes cannot be looked up, when it is older than [`STALE_AFTER`].
fn is_stale(path: &Path, holder: &str) -> bool {
    let age = fs::symlink_metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
        .unwrap_or_default();
    let Ok(pid) = holder.trim().parse::<u32>() else {
        return age > EMPTY_STALE_AFTER;
    };
    if pid == std::process::id() {
        return true; // left by an earlier process with the same id: this one holds no lock
    }
    if Path::new("/proc/self").exists() {
        !Path::new(&format!("/proc/{pid}")).exists()
    } else {
        age > STALE_AFTER
    }
}

/// Removes a stale lock. It is first renamed aside, so that of two runs that both found it
/// stale only one removes it; when what was renamed is not the stale lock that was read (the
/// other run has already replaced it), it is put back.
fn take_over(path: &Path, stale: &str) {
    let aside = path.with_extension(format!("stale-{}", std::process::id()));
    if fs::rename(path, &aside).is_err() {
        return;
    }
    if read_lock(&aside).ok().as_deref() != Some(stale) {
        let _ = fs::hard_link(&aside, path);
    }
    let _ = fs::remove_file(&aside);
}

/// A file with its fixes applied, waiting to be written.
pub struct Planned {
    pub path: PathBuf,
    /// The KB-relative path used in messages.
    pub shown: String,
    /// The bytes that were linted.
    pub read: Vec<u8>,
    pub new: Vec<u8>,
}

/// What became of one planned file.
pub enum Written {
    Yes,
    /// Its bytes are no longer those that were linted: left alone.
    Changed,
}

/// Writes every planned file, or none: each one's new content goes to a temporary file next to
/// it first (a full disk, a read-only file or folder fails here, before any file is replaced),
/// then the temporary files are renamed over the originals. A file whose bytes changed since
/// they were linted is left alone.
pub fn all(files: Vec<Planned>) -> Result<Vec<(String, Written)>> {
    let mut staged: Vec<(Planned, Option<PathBuf>)> = Vec::new();
    for file in files {
        match stage(&file) {
            Ok(temp) => staged.push((file, temp)),
            Err(e) => {
                remove_temps(&staged);
                return Err(e.context(format!(
                    "cannot write the fixes of `{}`; no file was changed",
                    file.shown
                )));
            }
        }
    }
    let mut done: Vec<(String, Written)> = Vec::new();
    for i in 0..staged.len() {
        let (file, temp) = &staged[i];
        let Some(temp) = temp else {
            done.push((file.shown.clone(), Written::Changed));
            continue;
        };
        // Once more just before the rename: an editor does not take kblint's lock.
        if fs::read(&file.path).ok().as_deref() != Some(&file.read[..]) {
            let _ = fs::remove_file(temp);
            done.push((file.shown.clone(), Written::Changed));
            continue;
        }
        if let Err(e) = fs::rename(temp, &file.path) {
            remove_temps(&staged[i..]);
            let fixed: Vec<&str> = done
                .iter()
                .filter(|(_, w)| matches!(w, Written::Yes))
                .map(|(p, _)| p.as_str())
                .collect();
            let left: Vec<&str> = staged[i..].iter().map(|(f, _)| f.shown.as_str()).collect();
            bail!(
                "cannot replace `{}`: {e}; fixed and written: {}; left as they were: {}",
                file.shown,
                list(&fixed),
                list(&left)
            );
        }
        sync_folder(&file.path);
        done.push((file.shown.clone(), Written::Yes));
    }
    Ok(done)
}

fn list(paths: &[&str]) -> String {
    if paths.is_empty() {
        "none".into()
    } else {
        paths
            .iter()
            .map(|p| format!("`{p}`"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Compares the file with what was linted and writes its new content to a synced temporary
/// file beside it, with its permissions. `None` when the file changed since it was linted.
fn stage(file: &Planned) -> Result<Option<PathBuf>> {
    let meta = fs::symlink_metadata(&file.path)
        .with_context(|| format!("cannot read `{}`", file.path.display()))?;
    if meta.file_type().is_symlink() {
        bail!(
            "`{}` is a symbolic link; kblint does not write through links",
            file.shown
        );
    }
    if meta.permissions().readonly() {
        bail!("`{}` is read-only", file.shown);
    }
    let now = fs::read(&file.path).with_context(|| format!("cannot read `{}`", file.shown))?;
    if now != file.read {
        return Ok(None);
    }
    let folder = file.path.parent().unwrap_or(Path::new("."));
    let name = file
        .path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut n = 0;
    let (temp, mut out) = loop {
        let temp = folder.join(format!(".{name}.kblint-{}-{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&temp) {
            Ok(out) => break (temp, out),
            Err(e) if e.kind() == ErrorKind::AlreadyExists && n < 100 => n += 1,
            Err(e) => {
                return Err(e).with_context(|| {
                    format!("cannot create a temporary file in `{}`", folder.display())
                });
            }
        }
    };
    let written = out
        .write_all(&file.new)
        .and_then(|()| out.sync_all())
        .and_then(|()| fs::set_permissions(&temp, meta.permissions()));
    if let Err(e) = written {
        let _ = fs::remove_file(&temp);
        return Err(e).with_context(|| format!("cannot write `{}`", temp.display()));
    }
    Ok(Some(temp))
}

fn remove_temps(staged: &[(Planned, Option<PathBuf>)]) {
    for temp in staged.iter().filter_map(|(_, t)| t.as_ref()) {
        let _ = fs::remove_file(temp);
    }
}

/// Makes a rename durable (best effort: not every system can sync a folder).
fn sync_folder(path: &Path) {
    if let Some(folder) = path.parent()
        && let Ok(dir) = fs::File::open(folder)
    {
        let _ = dir.sync_all();
    }
}
