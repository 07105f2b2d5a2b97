//! `--report FORMAT=PATH`: writing a report file atomically.
//!
//! Contract: a reader of PATH sees the old file or the whole new one, never
//! a part. The text goes to a temp file created exclusively (`O_EXCL`,
//! `O_NOFOLLOW`: never through a symlink, never over an existing file) in
//! PATH's directory, named `.rootless-doctor.PID.N.tmp` (whatever the
//! length of PATH's name, and never `*.prom`, so collectors reading `*.prom`
//! never pick it up); it is written, made mode 0644, fsynced, and renamed over
//! PATH (a symlink at PATH is replaced, not followed); then the directory is
//! fsynced. PATH must be absent, a regular file, or a symlink to one: a
//! device, FIFO, socket or directory (`/dev/null`, `/dev/stdout`) is refused
//! rather than replaced. On failure the temp file is removed and the error
//! names PATH.

use anyhow::Context as _;
use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Write as _};
use std::os::unix::fs::{FileTypeExt as _, OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};

/// How many temp names to try before giving up.
const ATTEMPTS: u32 = 100;

/// Writes `contents` to `path` atomically, mode 0644.
pub(crate) fn write_atomic(path: &Path, contents: &str) -> anyhow::Result<()> {
    if path.file_name().is_none() {
        anyhow::bail!("cannot write {}: it names no file", path.display());
    }
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if let Some(kind) = not_a_regular_file(path) {
        anyhow::bail!(
            "cannot write {}: it is {kind}, not a regular file (a report file is replaced \
             by a rename)",
            path.display()
        );
    }
    let (temp, mut file) =
        create_temp(&dir).with_context(|| format!("cannot write {}", path.display()))?;
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
fn create_temp(dir: &Path) -> std::io::Result<(PathBuf, fs::File)> {
    let pid = std::process::id();
    let mut last = None;
    for n in 0..ATTEMPTS {
        let temp = dir.join(format!(".rootless-doctor.{pid}.{n}.tmp"));
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

/// What is at `path` when it is something a rename must not replace: not a
/// regular file, nor a symlink to one (a dangling symlink is replaced).
fn not_a_regular_file(path: &Path) -> Option<&'static str> {
    let kind = |meta: &fs::Metadata| {
        let t = meta.file_type();
        if t.is_file() {
            None
        } else if t.is_dir() {
            Some("a directory")
        } else if t.is_char_device() || t.is_block_device() {
            Some("a device")
        } else if t.is_fifo() {
            Some("a FIFO")
        } else if t.is_socket() {
            Some("a socket")
        } else {
            Some("not a regular file")
        }
    };
    let own = fs::symlink_metadata(path).ok()?;
    if own.file_type().is_symlink() {
        return fs::metadata(path).ok().as_ref().and_then(kind);
    }
    kind(&own)
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

    #[test]
    fn devices_fifos_and_links_to_them_are_refused_not_replaced() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fifo = dir.path().join("fifo");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600))
            .expect("mkfifo");
        let to_null = dir.path().join("null");
        symlink("/dev/null", &to_null).expect("symlink");
        for (path, kind) in [
            (fifo.as_path(), "a FIFO"),
            (to_null.as_path(), "a device"),
            (dir.path(), "a directory"),
        ] {
            let err = write_atomic(path, "x").expect_err("refused");
            let text = format!("{err:#}");
            assert!(
                text.contains(kind) && text.contains(&*path.to_string_lossy()),
                "{text}"
            );
        }
        assert!(fs::symlink_metadata(&fifo)
            .expect("fifo")
            .file_type()
            .is_fifo());
        assert!(fs::symlink_metadata(&to_null)
            .expect("link")
            .file_type()
            .is_symlink());
    }

    #[test]
    fn a_name_at_the_length_limit_is_written() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a".repeat(255));
        write_atomic(&path, "long\n").expect("written");
        assert_eq!(fs::read_to_string(&path).expect("read"), "long\n");
    }
}
