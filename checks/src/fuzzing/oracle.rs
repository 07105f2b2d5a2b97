//! The kernel as the oracle for [`resolve`]: `openat2(2)` with
//! `RESOLVE_IN_ROOT` resolves a path with the rootfs as `/`, exactly the
//! chroot-like lookup the resolver imitates.
//!
//! [`check_resolution`] asserts that a resolution stays in the rootfs
//! (canonicalising the host path gives it back unchanged, so no symlink is
//! left and nothing is outside) and that the kernel agrees: the same inode on
//! success, the matching errno on failure. The kernel is only consulted for
//! paths it is given whole (shorter than `PATH_MAX`, without NUL); where the resolver gives
//! up with `TooLong` (its host paths are longer than the container's), any
//! answer is accepted.

use crate::bundle::resolve::{resolve, ResolveError, Resolved, PATH_MAX};
use nix::errno::Errno;
use nix::fcntl::{openat2, OFlag, OpenHow, ResolveFlag};
use nix::sys::stat::{fstat, stat};
use std::fs;
use std::path::{Component, Path};

/// Asserts that `r`, a resolution inside `rootfs` (canonical), stays there.
pub fn assert_inside(rootfs: &Path, r: &Resolved) {
    assert!(
        r.host_path.starts_with(rootfs),
        "{} escapes {}",
        r.host_path.display(),
        rootfs.display()
    );
    assert!(r.container_path.is_absolute());
    assert!(
        r.container_path
            .components()
            .all(|c| matches!(c, Component::RootDir | Component::Normal(_))),
        "{} is not normal",
        r.container_path.display()
    );
    let inside = r
        .container_path
        .strip_prefix("/")
        .unwrap_or(&r.container_path);
    assert_eq!(r.host_path, rootfs.join(inside));
    if let Ok(real) = fs::canonicalize(&r.host_path) {
        assert_eq!(real, r.host_path, "a symlink is left in the resolved path");
    }
}

/// Resolves `path` from `cwd` in `rootfs` (canonical) and asserts the
/// invariants and the kernel's agreement.
pub fn check_resolution(rootfs: &Path, cwd: &Path, path: &Path) {
    let got = resolve(rootfs, cwd, path);
    if let Ok(r) = &got {
        assert_inside(rootfs, r);
    }
    let whole = if path.is_absolute() {
        path.to_path_buf()
    } else {
        Path::new("/").join(cwd).join(path)
    };
    // The kernel never sees a path with a NUL byte (Go's exec refuses it first).
    let bytes = whole.as_os_str().as_encoded_bytes();
    if path.as_os_str().is_empty() || bytes.len() >= PATH_MAX || bytes.contains(&0) {
        return;
    }
    let Ok(root) = fs::File::open(rootfs) else {
        return;
    };
    let how = OpenHow::new()
        .flags(OFlag::O_PATH | OFlag::O_CLOEXEC)
        .resolve(ResolveFlag::RESOLVE_IN_ROOT | ResolveFlag::RESOLVE_NO_MAGICLINKS);
    let kernel = openat2(&root, &whole, how);
    match (&got, kernel) {
        (_, Err(Errno::ENOSYS)) | (Err(ResolveError::TooLong), _) => {}
        (Ok(r), Ok(fd)) => {
            let (mine, theirs) = (stat(&r.host_path), fstat(&fd));
            if let (Ok(mine), Ok(theirs)) = (mine, theirs) {
                assert_eq!(
                    (mine.st_dev, mine.st_ino),
                    (theirs.st_dev, theirs.st_ino),
                    "{} resolved to {}, the kernel found another file",
                    whole.display(),
                    r.container_path.display()
                );
            }
        }
        (Err(e), Err(errno)) => {
            let expected = match e {
                ResolveError::NotFound { .. } => Errno::ENOENT,
                ResolveError::NotADirectory { .. } => Errno::ENOTDIR,
                ResolveError::Loop { .. } => Errno::ELOOP,
                ResolveError::TooLong => Errno::ENAMETOOLONG,
                ResolveError::Io { .. } => errno,
            };
            assert_eq!(expected, errno, "{}: {e:?}", whole.display());
        }
        (got, kernel) => panic!("{}: resolver {got:?}, kernel {kernel:?}", whole.display()),
    }
}
