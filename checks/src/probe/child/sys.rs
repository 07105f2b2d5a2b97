//! The new mount API calls nix 0.32 lacks: open_tree, mount_setattr and
//! move_mount, through `libc::syscall` with libc's numbers and `mount_attr`.
//! This is the crate's only unsafe code: each call passes pointers to
//! NUL-terminated strings and a struct that live across the call, and its
//! result is checked; nothing else is done here.
#![allow(unsafe_code)]

use nix::errno::Errno;
use std::ffi::CString;
use std::os::fd::{FromRawFd, OwnedFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

fn c_path(path: &Path) -> Result<CString, Errno> {
    CString::new(path.as_os_str().as_bytes()).map_err(|_| Errno::EINVAL)
}

/// `open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC)`: a
/// detached copy of the mount at `path`.
pub(super) fn open_tree_clone(path: &Path) -> Result<OwnedFd, Errno> {
    let path = c_path(path)?;
    let flags = libc::OPEN_TREE_CLONE | libc::OPEN_TREE_CLOEXEC;
    // SAFETY: `path` is a valid C string for the duration of the call.
    let fd = unsafe { libc::syscall(libc::SYS_open_tree, libc::AT_FDCWD, path.as_ptr(), flags) };
    if fd < 0 {
        return Err(Errno::last());
    }
    // SAFETY: the kernel returned a new file descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// `mount_setattr(tree, "", AT_EMPTY_PATH, {MOUNT_ATTR_IDMAP, userns_fd})`.
pub(super) fn set_idmap(tree: &OwnedFd, userns: &OwnedFd) -> Result<(), Errno> {
    use std::os::fd::AsRawFd;
    let attr = libc::mount_attr {
        attr_set: libc::MOUNT_ATTR_IDMAP,
        attr_clr: 0,
        propagation: 0,
        userns_fd: userns.as_raw_fd() as u64,
    };
    let empty = c"";
    // SAFETY: `empty` and `attr` outlive the call; the size is attr's.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            tree.as_raw_fd(),
            empty.as_ptr(),
            libc::AT_EMPTY_PATH,
            &attr as *const libc::mount_attr,
            std::mem::size_of::<libc::mount_attr>(),
        )
    };
    if rc < 0 {
        return Err(Errno::last());
    }
    Ok(())
}

/// `move_mount(tree, "", AT_FDCWD, target, MOVE_MOUNT_F_EMPTY_PATH)`.
pub(super) fn move_mount(tree: &OwnedFd, target: &Path) -> Result<(), Errno> {
    use std::os::fd::AsRawFd;
    let target = c_path(target)?;
    let empty = c"";
    // SAFETY: both strings outlive the call.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_move_mount,
            tree.as_raw_fd(),
            empty.as_ptr(),
            libc::AT_FDCWD,
            target.as_ptr(),
            libc::MOVE_MOUNT_F_EMPTY_PATH,
        )
    };
    if rc < 0 {
        return Err(Errno::last());
    }
    Ok(())
}
