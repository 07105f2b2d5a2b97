//! Path resolution inside a rootfs, as the container will see it.
//!
//! [`resolve`] walks a container path component by component on the real
//! filesystem under the rootfs, like a `chroot`ed kernel lookup (or
//! securejoin): an absolute symlink target restarts at the rootfs root, `..`
//! never climbs above it, and nothing outside the rootfs is ever consulted, so
//! a symlink to a file that exists only on the host resolves to "missing".
//! More than [`MAX_LINKS`] symlinks end in `ELOOP`; a path or link target
//! longer than [`PATH_MAX`] bytes ends in `ENAMETOOLONG`; a walk that meets
//! more than [`MAX_STEPS`] components in all stops too. Nothing here can hang
//! or recurse.

use std::ffi::{OsStr, OsString};
use std::fs;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// The kernel's limit on symlinks followed in one lookup.
pub const MAX_LINKS: u32 = 40;
/// The kernel's limit on a path's length, in bytes (including the NUL).
pub const PATH_MAX: usize = 4096;
/// A backstop on the components one walk may visit.
pub const MAX_STEPS: usize = 65_536;

/// A path found inside the rootfs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The final path as the container sees it, symlinks resolved.
    pub container_path: PathBuf,
    /// The same file on the host.
    pub host_path: PathBuf,
    /// Symlinks followed on the way, `link -> target`.
    pub links: Vec<String>,
}

/// Why a path could not be resolved; each maps to the errno the kernel gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolveError {
    /// A component does not exist (ENOENT); `at` is the missing container path.
    NotFound { at: PathBuf, links: Vec<String> },
    /// A non-directory is used as a directory (ENOTDIR).
    NotADirectory { at: PathBuf },
    /// More than [`MAX_LINKS`] symlinks (ELOOP).
    Loop { at: PathBuf },
    /// The path or a link target is too long (ENAMETOOLONG).
    TooLong,
    /// Some other error reading the rootfs (EACCES, EIO, ...).
    Io { at: PathBuf, reason: String },
}

impl ResolveError {
    /// The kernel's text for this errno, as Go prints it.
    pub fn errno_text(&self) -> &'static str {
        match self {
            ResolveError::NotFound { .. } => "no such file or directory",
            ResolveError::NotADirectory { .. } => "not a directory",
            ResolveError::Loop { .. } => "too many levels of symbolic links",
            ResolveError::TooLong => "file name too long",
            ResolveError::Io { .. } => "input/output error",
        }
    }

    /// A lower-case account of what went wrong.
    pub fn describe(&self) -> String {
        match self {
            ResolveError::NotFound { at, links } if links.is_empty() => {
                format!("{} does not exist in the rootfs", at.display())
            }
            ResolveError::NotFound { at, links } => format!(
                "{} does not exist in the rootfs (after following {})",
                at.display(),
                links.join(", ")
            ),
            ResolveError::NotADirectory { at } => {
                format!("{} is not a directory in the rootfs", at.display())
            }
            ResolveError::Loop { at } => format!(
                "more than {MAX_LINKS} symlinks while resolving {} (a loop?)",
                at.display()
            ),
            ResolveError::TooLong => format!("path longer than {PATH_MAX} bytes"),
            ResolveError::Io { at, reason } => {
                format!("cannot read {} in the rootfs: {reason}", at.display())
            }
        }
    }
}

/// The components of `path` as the kernel walks them: `..` kept, empty ones
/// dropped, and `.` kept where written or where the path ends in `/`, since
/// both make the kernel require a directory there (`file/` is ENOTDIR).
fn components(path: &Path) -> Vec<OsString> {
    let bytes = path.as_os_str().as_bytes();
    let mut out: Vec<OsString> = bytes
        .split(|&b| b == b'/')
        .filter(|part| !part.is_empty())
        .map(|part| OsStr::from_bytes(part).to_os_string())
        .collect();
    if bytes.ends_with(b"/") && !out.is_empty() {
        out.push(".".into());
    }
    out
}

/// Resolves the container path `path` (relative paths against the container
/// directory `cwd`) inside the rootfs at `rootfs` (a host path).
pub fn resolve(rootfs: &Path, cwd: &Path, path: &Path) -> Result<Resolved, ResolveError> {
    if path.as_os_str().len() >= PATH_MAX {
        return Err(ResolveError::TooLong);
    }
    let start = if path.is_absolute() {
        path.to_path_buf()
    } else {
        Path::new("/").join(cwd).join(path)
    };
    let mut pending: Vec<OsString> = components(&start);
    pending.reverse();
    let mut resolved = PathBuf::from("/");
    let mut links = Vec::new();
    let mut steps = 0usize;
    while let Some(part) = pending.pop() {
        steps += 1;
        if steps > MAX_STEPS {
            return Err(ResolveError::TooLong);
        }
        if part == "." {
            continue;
        }
        if part == ".." {
            resolved.pop();
            continue;
        }
        let candidate = resolved.join(&part);
        let on_host = rootfs.join(candidate.strip_prefix("/").unwrap_or(&candidate));
        let meta = match fs::symlink_metadata(&on_host) {
            Ok(meta) => meta,
            Err(e) => {
                return Err(match e.raw_os_error() {
                    Some(code) if code == nix::libc::ENOENT => ResolveError::NotFound {
                        at: candidate,
                        links,
                    },
                    Some(code) if code == nix::libc::ENOTDIR => {
                        ResolveError::NotADirectory { at: candidate }
                    }
                    Some(code) if code == nix::libc::ENAMETOOLONG => ResolveError::TooLong,
                    _ => ResolveError::Io {
                        at: candidate,
                        reason: e.to_string(),
                    },
                })
            }
        };
        if meta.file_type().is_symlink() {
            if links.len() as u32 >= MAX_LINKS {
                return Err(ResolveError::Loop { at: start });
            }
            let target = fs::read_link(&on_host).map_err(|e| ResolveError::Io {
                at: candidate.clone(),
                reason: e.to_string(),
            })?;
            if target.as_os_str().as_bytes().len() >= PATH_MAX {
                return Err(ResolveError::TooLong);
            }
            links.push(format!("{} -> {}", candidate.display(), target.display()));
            if target.is_absolute() {
                resolved = PathBuf::from("/");
            }
            let mut more = components(&target);
            more.reverse();
            pending.extend(more);
        } else {
            if !meta.is_dir() && !pending.is_empty() {
                // A file used as a directory; `..` after it still fails in the kernel.
                return Err(ResolveError::NotADirectory { at: candidate });
            }
            resolved = candidate;
        }
    }
    let host_path = rootfs.join(resolved.strip_prefix("/").unwrap_or(&resolved));
    Ok(Resolved {
        container_path: resolved,
        host_path,
        links,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn rootfs() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("usr/bin")).unwrap();
        fs::write(dir.path().join("usr/bin/tool"), "x").unwrap();
        symlink("usr/bin", dir.path().join("bin")).unwrap();
        dir
    }

    #[test]
    fn absolute_and_relative_links_stay_inside() {
        let root = rootfs();
        symlink("/usr/bin/tool", root.path().join("usr/bin/abs")).unwrap();
        symlink(
            "../../../../../usr/bin/tool",
            root.path().join("usr/bin/up"),
        )
        .unwrap();
        for name in ["/bin/tool", "/bin/abs", "/bin/up", "/../../bin/tool"] {
            let r = resolve(root.path(), Path::new("/"), Path::new(name)).unwrap();
            assert_eq!(r.container_path, PathBuf::from("/usr/bin/tool"), "{name}");
            assert_eq!(r.host_path, root.path().join("usr/bin/tool"));
        }
        let r = resolve(root.path(), Path::new("/usr"), Path::new("bin/tool")).unwrap();
        assert_eq!(r.container_path, PathBuf::from("/usr/bin/tool"));
    }

    #[test]
    fn a_link_to_a_host_only_file_is_missing() {
        let root = rootfs();
        // /etc/passwd exists on every host, never in this rootfs.
        symlink("/etc/passwd", root.path().join("usr/bin/hosty")).unwrap();
        let err = resolve(root.path(), Path::new("/"), Path::new("/bin/hosty")).unwrap_err();
        assert!(
            matches!(&err, ResolveError::NotFound { at, .. } if at == Path::new("/etc")),
            "{err:?}"
        );
    }

    #[test]
    fn loops_and_absurd_paths_end_in_errors() {
        let root = rootfs();
        symlink("b", root.path().join("a")).unwrap();
        symlink("a", root.path().join("b")).unwrap();
        let err = resolve(root.path(), Path::new("/"), Path::new("/a")).unwrap_err();
        assert!(matches!(err, ResolveError::Loop { .. }));
        let long = "/x".repeat(3000);
        assert_eq!(
            resolve(root.path(), Path::new("/"), Path::new(&long)).unwrap_err(),
            ResolveError::TooLong
        );
        let err = resolve(root.path(), Path::new("/"), Path::new("/usr/bin/tool/x")).unwrap_err();
        assert!(matches!(err, ResolveError::NotADirectory { .. }));
    }

    #[test]
    fn a_trailing_slash_or_dot_wants_a_directory() {
        // Found by the process_resolution fuzz target: the kernel says ENOTDIR.
        let root = rootfs();
        for name in ["/usr/bin/tool/", "/usr/bin/tool/.", "/bin/tool//"] {
            let err = resolve(root.path(), Path::new("/"), Path::new(name)).unwrap_err();
            assert!(
                matches!(err, ResolveError::NotADirectory { .. }),
                "{name}: {err:?}"
            );
        }
        for name in ["/bin/", "/usr/./bin/.", "/bin//tool"] {
            assert!(
                resolve(root.path(), Path::new("/"), Path::new(name)).is_ok(),
                "{name}"
            );
        }
    }
}
