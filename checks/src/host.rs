//! The one seam through which checks read the host's files.
//!
//! [`HostFs`] is rooted at `/` in production and at a fixture directory in tests.
//! Every read of /proc, /sys and /etc, every stat, xattr, readlink and PATH
//! lookup goes through it, with absolute host paths (`/etc/subuid`) that it
//! re-roots. Reads are size-capped and decoded leniently: hostile files are
//! normal input here.

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The most bytes any single read returns; the rest of a file is ignored.
pub const READ_LIMIT: u64 = 4 * 1024 * 1024;

/// A failure to read something on the host, naming the host path.
#[derive(Debug, thiserror::Error)]
#[error("cannot read {path}: {source}")]
pub struct HostError {
    /// The host path (as the user knows it, not the fixture path).
    pub path: String,
    #[source]
    pub source: io::Error,
}

impl HostError {
    /// The underlying errno, if any.
    pub fn kind(&self) -> io::ErrorKind {
        self.source.kind()
    }

    /// True when the file does not exist.
    pub fn is_not_found(&self) -> bool {
        self.source.kind() == io::ErrorKind::NotFound
    }
}

/// File access rooted at a prefix.
#[derive(Clone, Debug)]
pub struct HostFs {
    root: PathBuf,
}

impl HostFs {
    /// The real host, rooted at `/`.
    pub fn real() -> Self {
        HostFs {
            root: PathBuf::from("/"),
        }
    }

    /// A fixture host rooted at `root`.
    pub fn rooted(root: impl Into<PathBuf>) -> Self {
        HostFs { root: root.into() }
    }

    /// True when this is the real host (live probes only make sense there).
    pub fn is_real(&self) -> bool {
        self.root == Path::new("/")
    }

    /// The prefix everything is read under.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where a host path lives under the root.
    pub fn resolve(&self, host_path: impl AsRef<Path>) -> PathBuf {
        let host_path = host_path.as_ref();
        let relative = host_path.strip_prefix("/").unwrap_or(host_path);
        self.root.join(relative)
    }

    fn err(host_path: &Path, source: io::Error) -> HostError {
        HostError {
            path: host_path.display().to_string(),
            source,
        }
    }

    /// Reads at most [`READ_LIMIT`] bytes of a file.
    pub fn read(&self, host_path: impl AsRef<Path>) -> Result<Vec<u8>, HostError> {
        let host_path = host_path.as_ref();
        let file = fs::File::open(self.resolve(host_path)).map_err(|e| Self::err(host_path, e))?;
        let mut bytes = Vec::new();
        file.take(READ_LIMIT)
            .read_to_end(&mut bytes)
            .map_err(|e| Self::err(host_path, e))?;
        Ok(bytes)
    }

    /// Reads at most `limit` bytes of a file as text (invalid UTF-8 replaced);
    /// the flag says whether the file had more.
    pub fn read_text_up_to(
        &self,
        host_path: impl AsRef<Path>,
        limit: u64,
    ) -> Result<(String, bool), HostError> {
        let host_path = host_path.as_ref();
        let file = fs::File::open(self.resolve(host_path)).map_err(|e| Self::err(host_path, e))?;
        let mut bytes = Vec::new();
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Self::err(host_path, e))?;
        let truncated = bytes.len() as u64 > limit;
        bytes.truncate(limit as usize);
        Ok((String::from_utf8_lossy(&bytes).into_owned(), truncated))
    }

    /// Reads a file as text, replacing invalid UTF-8.
    pub fn read_text(&self, host_path: impl AsRef<Path>) -> Result<String, HostError> {
        self.read(host_path)
            .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
    }

    /// Reads a one-value file such as a sysctl, trimmed; `None` when it does not exist.
    pub fn read_value(&self, host_path: impl AsRef<Path>) -> Result<Option<String>, HostError> {
        match self.read_text(host_path) {
            Ok(text) => Ok(Some(text.trim().to_string())),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `stat`, following symlinks.
    pub fn metadata(&self, host_path: impl AsRef<Path>) -> Result<fs::Metadata, HostError> {
        let host_path = host_path.as_ref();
        fs::metadata(self.resolve(host_path)).map_err(|e| Self::err(host_path, e))
    }

    /// `lstat`, not following symlinks.
    pub fn symlink_metadata(&self, host_path: impl AsRef<Path>) -> Result<fs::Metadata, HostError> {
        let host_path = host_path.as_ref();
        fs::symlink_metadata(self.resolve(host_path)).map_err(|e| Self::err(host_path, e))
    }

    /// True when the path exists (following symlinks).
    pub fn exists(&self, host_path: impl AsRef<Path>) -> bool {
        self.resolve(host_path).exists()
    }

    /// The target of a symlink, as stored.
    pub fn read_link(&self, host_path: impl AsRef<Path>) -> Result<PathBuf, HostError> {
        let host_path = host_path.as_ref();
        fs::read_link(self.resolve(host_path)).map_err(|e| Self::err(host_path, e))
    }

    /// The host path with every symlink resolved, re-rooted symlinks included.
    ///
    /// Symlinks are followed inside the root (an absolute target is taken
    /// relative to the root, not to the real `/`), at most 40 of them.
    pub fn canonicalize(&self, host_path: impl AsRef<Path>) -> Result<PathBuf, HostError> {
        let host_path = host_path.as_ref();
        let mut resolved = PathBuf::from("/");
        let mut pending: Vec<std::ffi::OsString> = host_path
            .components()
            .rev()
            .filter_map(|c| match c {
                std::path::Component::Normal(n) => Some(n.to_os_string()),
                std::path::Component::ParentDir => Some("..".into()),
                _ => None,
            })
            .collect();
        let mut links = 0;
        while let Some(part) = pending.pop() {
            if part == ".." {
                resolved.pop();
                continue;
            }
            let candidate = resolved.join(&part);
            let meta = self.symlink_metadata(&candidate)?;
            if meta.file_type().is_symlink() {
                links += 1;
                if links > 40 {
                    return Err(Self::err(
                        host_path,
                        io::Error::other("too many levels of symbolic links"),
                    ));
                }
                let target = self.read_link(&candidate)?;
                if target.is_absolute() {
                    resolved = PathBuf::from("/");
                }
                pending.extend(target.components().rev().filter_map(|c| match c {
                    std::path::Component::Normal(n) => Some(n.to_os_string()),
                    std::path::Component::ParentDir => Some("..".into()),
                    _ => None,
                }));
            } else {
                resolved = candidate;
            }
        }
        Ok(resolved)
    }

    /// An extended attribute; `None` when the file has no such attribute.
    pub fn xattr(
        &self,
        host_path: impl AsRef<Path>,
        name: &str,
    ) -> Result<Option<Vec<u8>>, HostError> {
        let host_path = host_path.as_ref();
        xattr::get(self.resolve(host_path), name).map_err(|e| Self::err(host_path, e))
    }

    /// Entries of a directory, by name; sorted for deterministic output.
    pub fn read_dir_names(&self, host_path: impl AsRef<Path>) -> Result<Vec<String>, HostError> {
        let host_path = host_path.as_ref();
        let entries = fs::read_dir(self.resolve(host_path)).map_err(|e| Self::err(host_path, e))?;
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        Ok(names)
    }

    /// Looks a command up along a PATH value the way Go's `exec.LookPath` does
    /// (runc finds newuidmap this way): the first entry that is not a directory
    /// and has an execute bit wins. Relative entries (empty, `.`, `bin`) name
    /// the current directory, which the doctor does not share with the
    /// runtime, and Go refuses a hit there (`ErrDot`): they are skipped, so
    /// every path found is absolute.
    pub fn look_path(&self, name: &str, path_var: &str) -> Option<PathBuf> {
        if name.contains('/') {
            let path = PathBuf::from(name);
            return (path.is_absolute() && self.is_executable_file(&path)).then_some(path);
        }
        path_var
            .split(':')
            .filter(|dir| dir.starts_with('/'))
            .map(|dir| Path::new(dir).join(name))
            .find(|candidate| self.is_executable_file(candidate))
    }

    fn is_executable_file(&self, host_path: &Path) -> bool {
        self.metadata(host_path)
            .map(|m| !m.is_dir() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    fn fixture() -> (tempfile::TempDir, HostFs) {
        let dir = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(dir.path());
        (dir, host)
    }

    #[test]
    fn reads_are_rerooted_and_capped() {
        let (dir, host) = fixture();
        fs::create_dir_all(dir.path().join("etc")).unwrap();
        fs::write(dir.path().join("etc/subuid"), "alice:100000:65536\n").unwrap();
        assert_eq!(
            host.read_text("/etc/subuid").unwrap(),
            "alice:100000:65536\n"
        );
        let err = host.read_text("/etc/missing").unwrap_err();
        assert!(err.is_not_found());
        assert_eq!(
            err.to_string().split(':').next().unwrap(),
            "cannot read /etc/missing"
        );
    }

    #[test]
    fn read_value_trims_and_reports_absence() {
        let (dir, host) = fixture();
        fs::create_dir_all(dir.path().join("proc/sys/user")).unwrap();
        fs::write(dir.path().join("proc/sys/user/max_user_namespaces"), "0\n").unwrap();
        assert_eq!(
            host.read_value("/proc/sys/user/max_user_namespaces")
                .unwrap()
                .as_deref(),
            Some("0")
        );
        assert_eq!(host.read_value("/proc/sys/kernel/nothing").unwrap(), None);
    }

    #[test]
    fn canonicalize_stays_inside_the_root_and_ends_loops() {
        let (dir, host) = fixture();
        fs::create_dir_all(dir.path().join("usr/bin")).unwrap();
        fs::write(dir.path().join("usr/bin/newuidmap"), "").unwrap();
        symlink("/usr/bin", dir.path().join("bin")).unwrap();
        assert_eq!(
            host.canonicalize("/bin/newuidmap").unwrap(),
            PathBuf::from("/usr/bin/newuidmap")
        );
        symlink("loop", dir.path().join("loop")).unwrap();
        assert!(host.canonicalize("/loop").is_err());
    }

    #[test]
    fn look_path_skips_non_executables() {
        let (dir, host) = fixture();
        for d in ["a", "b"] {
            fs::create_dir_all(dir.path().join(d)).unwrap();
            fs::write(dir.path().join(d).join("tool"), "").unwrap();
        }
        fs::set_permissions(dir.path().join("b/tool"), fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(
            host.look_path("tool", "/a::/b"),
            Some(PathBuf::from("/b/tool"))
        );
        assert_eq!(host.look_path("tool", "/a"), None);
    }

    #[test]
    fn look_path_finds_only_absolute_paths() {
        let (dir, host) = fixture();
        fs::create_dir_all(dir.path().join("b")).unwrap();
        fs::write(dir.path().join("b/tool"), "").unwrap();
        fs::set_permissions(dir.path().join("b/tool"), fs::Permissions::from_mode(0o755)).unwrap();
        assert_eq!(host.look_path("tool", "b:.:"), None);
        assert_eq!(host.look_path("b/tool", "/b"), None);
        assert_eq!(
            host.look_path("tool", "b:/b"),
            Some(PathBuf::from("/b/tool"))
        );
    }
}
