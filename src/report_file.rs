//! `--report FORMAT=PATH`: writing a report file atomically.
//!
//! Contract: a reader of PATH sees the old file or the whole new one, never
//! a part. The text goes to a temp file created exclusively (`O_EXCL`,
//! `O_NOFOLLOW`: never through a symlink, never over an existing file) in
//! PATH's directory, named `.NAME.PID.N.tmp` so that collectors reading
//! `*.prom` never pick it up; it is written, made mode 0644, fsynced, and
//! renamed over PATH (a symlink at PATH is replaced, not followed); then the
//! directory is fsynced. On failure the temp file is removed and the error
//! names PATH.

use anyhow::Context as _;
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

/// How many temp names to try before giving up.
const ATTEMPTS: u32 = 100;

/// Writes `contents` to `path` atomically, mode 0644.
pub(crate) fn write_atomic(path: &Path, contents: &str) -> anyhow::Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("cannot write {}: it names no file", path.display()))?;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let (temp, mut file) = create_temp(&dir, &name.to_string_lossy())
        .with_context(|| format!("cannot write {}", path.display()))?;
    let written = file
        .write_all(contents.as_bytes())
        .and_then(|()| file.set_permissions(fs::Permissions::from_mode(0o644)))
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&temp, path));
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(err).with_context(|| format!("cannot write {}", path.display()));
    }
    // The rename is durable once the directory is; a failure here loses nothing.
    if let Ok(dir) = fs::File::open(&dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Creates a new, empty temp file beside the target.
fn create_temp(dir: &Path, name: &str) -> std::io::Result<(PathBuf, fs::File)> {
    let pid = std::process::id();
    let mut last = None;
    for n in 0..ATTEMPTS {
        let temp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        let opened = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(nix::libc::O_NOFOLLOW | nix::libc::O_CLOEXEC)
            .open(&temp);
        match opened {
            Ok(file) => return Ok((temp, file)),
            Err(err) if err.kind() == ErrorKind::AlreadyExists => last = Some(err),
            Err(err) => return Err(err),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no free temp file name")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn replaces_a_symlink_instead_of_following_it() {
        let dir = tempfile::tempdir().expect("temp dir");
        let victim = dir.path().join("victim");
        fs::write(&victim, "keep").expect("write victim");
        let path = dir.path().join("out.prom");
        symlink(&victim, &path).expect("symlink");
        write_atomic(&path, "new\n").expect("written");
        assert_eq!(fs::read_to_string(&victim).expect("victim"), "keep");
        assert_eq!(fs::read_to_string(&path).expect("out"), "new\n");
        let meta = fs::symlink_metadata(&path).expect("meta");
        assert!(meta.is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o644);
        let names: Vec<_> = fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names.len(), 2, "no temp file is left: {names:?}");
    }

    #[test]
    fn a_missing_directory_is_named() {
        let err = write_atomic(Path::new("/nonexistent/dir/r.xml"), "x").expect_err("fails");
        assert!(
            format!("{err:#}").contains("/nonexistent/dir/r.xml"),
            "{err:#}"
        );
    }
}
