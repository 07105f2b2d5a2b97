//! The distribution's package database, read without running anything: the
//! version of the package that installed a binary, where dpkg knows it
//! (Debian, Ubuntu). Starting a Go binary for its `--version` costs tens of
//! milliseconds and most of the doctor's memory; this costs a file read.
//!
//! A binary is taken to belong to the package of its own name (`podman` to
//! `podman`) only when that package's file list names the exact path and
//! dpkg's status says the package is installed; anything else is `None`, and
//! the caller asks the binary itself.
//!
//! [`unchanged`] is the stricter form the doctor uses where a version decides
//! a verdict (the OCI runtimes, podman, the network helpers): the file that
//! would be executed (symlinks resolved) must be one dpkg keeps a checksum of
//! (`/var/lib/dpkg/info/PKG.md5sums`, PKG the name of the path looked up or
//! of the resolved file), and its inode must not have changed since dpkg
//! installed that checksum list: the file's ctime is not later than the
//! ctime of `PKG.md5sums`. dpkg renames every file of a package into place
//! before it installs the package's md5sums; any later write, rename over,
//! hard link, chmod or chown of the file moves its ctime past that, and no
//! system call sets a ctime back (only moving the clock back does). This
//! costs a few `stat`s instead of hashing a binary of several MiB (runc is
//! 8 MiB) as `dpkg --verify` would; a file that fails the test is not
//! judged modified, its version is just asked of the binary itself.

use crate::host::HostFs;
use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// dpkg's status file.
const STATUS: &str = "/var/lib/dpkg/status";
/// The largest status file read (real ones are a few MiB).
const STATUS_CAP: u64 = 32 * 1024 * 1024;

/// The dpkg version (`4.3.1+ds1-8+deb12u1`) of the installed package named
/// like `binary`'s file, when that package installed exactly `binary`.
pub fn dpkg_version(host: &HostFs, binary: &Path) -> Option<String> {
    let name = binary.file_name()?.to_str()?;
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let list = host
        .read_text(format!("/var/lib/dpkg/info/{name}.list"))
        .ok()?;
    let path = binary.to_str()?;
    if !list.lines().any(|line| line == path) {
        return None;
    }
    installed_versions(host)?.get(name).cloned()
}

/// An installed package's file, unchanged since dpkg installed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packaged {
    /// The package (`runc`).
    pub package: String,
    /// Its dpkg version (`1.1.5+ds1-1+deb12u1`).
    pub version: String,
    /// The file that would be executed, symlinks resolved.
    pub file: PathBuf,
}

impl Packaged {
    /// The upstream part of the version: no epoch (`1:`), no Debian
    /// revision (`-1+deb12u1`): `1.1.5+ds1`.
    pub fn upstream(&self) -> &str {
        upstream(&self.version)
    }

    /// How the version was learnt, for evidence: `dpkg package runc
    /// 1.1.5+ds1-1+deb12u1, /usr/sbin/runc unchanged since installed`.
    pub fn describe(&self) -> String {
        format!(
            "dpkg package {} {}, {} unchanged since installed",
            self.package,
            self.version,
            self.file.display()
        )
    }
}

/// The upstream part of a dpkg version (`1:1.0.0~rc92+dfsg1-5` gives
/// `1.0.0~rc92+dfsg1`).
pub fn upstream(version: &str) -> &str {
    let no_epoch = version.split_once(':').map_or(version, |(_, v)| v);
    no_epoch.rsplit_once('-').map_or(no_epoch, |(v, _)| v)
}

/// The installed package that put `binary` (an absolute host path) on this
/// host, when the file it resolves to is unchanged since (see the module
/// documentation); `None` otherwise, and the caller asks the binary.
pub fn unchanged(host: &HostFs, binary: &Path) -> Option<Packaged> {
    let file = host.canonicalize(binary).ok()?;
    let meta = host.metadata(&file).ok()?;
    if !meta.is_file() {
        return None;
    }
    let listed = file.to_str()?.strip_prefix('/')?;
    let mut names: Vec<&str> = Vec::new();
    for path in [binary, file.as_path()] {
        if let Some(name) = path.file_name().and_then(|n| n.to_str()) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
    }
    names
        .into_iter()
        .filter(|n| package_name(n))
        .find_map(|name| {
            let sums = format!("/var/lib/dpkg/info/{name}.md5sums");
            let sums_meta = host.metadata(&sums).ok()?;
            let file_changed = (meta.ctime(), meta.ctime_nsec());
            if file_changed > (sums_meta.ctime(), sums_meta.ctime_nsec()) {
                return None;
            }
            let (text, _) = host.read_text_up_to(&sums, STATUS_CAP).ok()?;
            // `<md5>  <path without the leading slash>`.
            let has = text
                .lines()
                .any(|line| line.split_once("  ").is_some_and(|(_, p)| p == listed));
            if !has {
                return None;
            }
            Some(Packaged {
                package: name.to_string(),
                version: installed_versions(host)?.get(name)?.clone(),
                file: file.clone(),
            })
        })
}

/// A name dpkg could have given a package (no path characters).
fn package_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        && !name.starts_with('.')
}

/// The dpkg version of the installed package `package` when its file list
/// names exactly `path` (a package named otherwise than the binary:
/// docker.io's `dockerd-rootless.sh`).
pub fn dpkg_package_version(host: &HostFs, package: &str, path: &Path) -> Option<String> {
    if package.is_empty()
        || !package
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        return None;
    }
    let list = host
        .read_text(format!("/var/lib/dpkg/info/{package}.list"))
        .ok()?;
    let wanted = path.to_str()?;
    if !list.lines().any(|line| line == wanted) {
        return None;
    }
    installed_versions(host)?.get(package).cloned()
}

/// The upstream part of a dpkg version: no epoch, no `+dfsg`-style suffix,
/// no Debian revision (`5:20.10.24+dfsg1-1+b6` -> `20.10.24`).
pub fn upstream_version(version: &str) -> String {
    let v = version.split_once(':').map_or(version, |(_, v)| v);
    v.split(['+', '~', '-']).next().unwrap_or(v).to_string()
}

/// The `Version:` of the stanza `Package: name` whose status is installed.
#[cfg(test)]
fn installed_version(status: &str, name: &str) -> Option<String> {
    parse_installed(status).remove(name)
}

/// Every installed package's version, by name, from the text of dpkg's
/// status file (about a MiB): stanza by stanza, each read only up to its
/// `Package:`, `Status:` and `Version:` fields, which dpkg writes before the
/// long ones (`Depends:`, `Description:`, `Conffiles:`).
fn parse_installed(status: &str) -> BTreeMap<String, String> {
    let mut found = BTreeMap::new();
    let mut rest = status;
    while !rest.is_empty() {
        let (stanza, next) = match rest.find("\n\n") {
            Some(end) => (&rest[..end], &rest[end + 2..]),
            None => (rest, ""),
        };
        rest = next;
        let (mut name, mut installed, mut version) = (None, None, None);
        for line in stanza.lines() {
            if let Some(value) = line.strip_prefix("Package:") {
                name = Some(value.trim());
            } else if let Some(value) = line.strip_prefix("Status:") {
                installed = Some(value.trim_end().ends_with(" installed"));
            } else if let Some(value) = line.strip_prefix("Version:") {
                version = Some(value.trim());
            }
            if name.is_some() && installed.is_some() && version.is_some() {
                break;
            }
        }
        if let (Some(name), Some(true), Some(version)) = (name, installed, version) {
            found
                .entry(name.to_string())
                .or_insert_with(|| version.to_string());
        }
    }
    found
}

/// The installed versions of [`parse_installed`] for `host`'s status file.
/// A run asks for several packages (the runtimes, podman, the network
/// helpers, from several checks), so the parsed file is kept for as long as
/// the file is the same one: the same inode, size, mtime and ctime (dpkg
/// replaces it by renaming a new file over it). Nothing else is kept.
fn installed_versions(host: &HostFs) -> Option<Arc<BTreeMap<String, String>>> {
    type Memo = Option<(StatusKey, Arc<BTreeMap<String, String>>)>;
    static MEMO: Mutex<Memo> = Mutex::new(None);
    let meta = host.metadata(STATUS).ok()?;
    let key = StatusKey {
        file: host.resolve(STATUS),
        dev: meta.dev(),
        ino: meta.ino(),
        size: meta.size(),
        mtime: (meta.mtime(), meta.mtime_nsec()),
        ctime: (meta.ctime(), meta.ctime_nsec()),
    };
    if let Ok(memo) = MEMO.lock() {
        if let Some((known, versions)) = memo.as_ref() {
            if *known == key {
                return Some(Arc::clone(versions));
            }
        }
    }
    let mut bytes = Vec::new();
    std::fs::File::open(host.resolve(STATUS))
        .ok()?
        .take(STATUS_CAP)
        .read_to_end(&mut bytes)
        .ok()?;
    // Validating is much cheaper than replacing; a file that is not UTF-8
    // is read the lenient way.
    let versions = Arc::new(match std::str::from_utf8(&bytes) {
        Ok(text) => parse_installed(text),
        Err(_) => parse_installed(&String::from_utf8_lossy(&bytes)),
    });
    if let Ok(mut memo) = MEMO.lock() {
        *memo = Some((key, Arc::clone(&versions)));
    }
    Some(versions)
}

/// Which status file, and which version of it.
#[derive(Debug, PartialEq, Eq)]
struct StatusKey {
    file: PathBuf,
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS_TEXT: &str =
        "Package: podman-docker\nStatus: install ok installed\nVersion: 9.9\n\n\
        Package: podman\nStatus: install ok installed\nArchitecture: amd64\n\
        Version: 4.3.1+ds1-8+deb12u1+b3\nDescription: x\n\n\
        Package: pasta\nStatus: deinstall ok config-files\nVersion: 1.0\n";

    #[test]
    fn the_installed_stanza_of_that_name_gives_the_version() {
        assert_eq!(
            installed_version(STATUS_TEXT, "podman").as_deref(),
            Some("4.3.1+ds1-8+deb12u1+b3")
        );
        assert_eq!(installed_version(STATUS_TEXT, "pasta"), None);
        assert_eq!(installed_version(STATUS_TEXT, "runc"), None);
    }

    #[test]
    fn only_a_binary_the_package_installed_counts() {
        let dir = tempfile::tempdir().unwrap();
        let put = |path: &str, text: &str| {
            let real = dir.path().join(path.trim_start_matches('/'));
            std::fs::create_dir_all(real.parent().unwrap()).unwrap();
            std::fs::write(real, text).unwrap();
        };
        put("/var/lib/dpkg/status", STATUS_TEXT);
        put(
            "/var/lib/dpkg/info/podman.list",
            "/.\n/usr\n/usr/bin/podman\n",
        );
        let host = HostFs::rooted(dir.path());
        assert_eq!(
            dpkg_version(&host, Path::new("/usr/bin/podman")).as_deref(),
            Some("4.3.1+ds1-8+deb12u1+b3")
        );
        assert_eq!(
            dpkg_version(&host, Path::new("/usr/local/bin/podman")),
            None
        );
        assert_eq!(dpkg_version(&host, Path::new("/usr/bin/../podman")), None);
        assert_eq!(dpkg_version(&host, Path::new("/usr/bin/runc")), None);
    }

    fn put(root: &Path, path: &str, text: &str) {
        let real = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(real.parent().unwrap()).unwrap();
        std::fs::write(real, text).unwrap();
    }

    /// A host with runc installed the way Debian installs it: the binary in
    /// /usr/sbin, a symlink in /usr/bin, then dpkg's md5sums.
    fn runc_host() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        put(root, "/usr/sbin/runc", "\x7fELF");
        put(root, "/usr/bin/passt", "\x7fELF");
        std::os::unix::fs::symlink("../sbin/runc", root.join("usr/bin/runc")).unwrap();
        std::os::unix::fs::symlink("passt", root.join("usr/bin/pasta")).unwrap();
        put(
            root,
            "/var/lib/dpkg/status",
            "Package: runc\nStatus: install ok installed\nVersion: 1.1.5+ds1-1+deb12u1\n\n\
             Package: passt\nStatus: install ok installed\nVersion: 0.0~git20230309.7c7625d-1\n",
        );
        put(
            root,
            "/var/lib/dpkg/info/runc.md5sums",
            "e872f70025b7c779aeaa512ca9dee2b1  usr/sbin/runc\n",
        );
        put(
            root,
            "/var/lib/dpkg/info/passt.md5sums",
            "8e1c79a8352fdca9867c44f43d37581e  usr/bin/passt\n",
        );
        dir
    }

    #[test]
    fn an_unchanged_packaged_binary_gives_its_package_version() {
        let dir = runc_host();
        let host = HostFs::rooted(dir.path());
        let found = unchanged(&host, Path::new("/usr/bin/runc")).unwrap();
        assert_eq!(found.package, "runc");
        assert_eq!(found.version, "1.1.5+ds1-1+deb12u1");
        assert_eq!(found.upstream(), "1.1.5+ds1");
        assert_eq!(found.file, PathBuf::from("/usr/sbin/runc"));
        assert_eq!(
            found.describe(),
            "dpkg package runc 1.1.5+ds1-1+deb12u1, /usr/sbin/runc unchanged since installed"
        );
        assert_eq!(
            unchanged(&host, Path::new("/usr/sbin/runc"))
                .unwrap()
                .package,
            "runc"
        );
        // pasta is a symlink to passt, of the package passt.
        let pasta = unchanged(&host, Path::new("/usr/bin/pasta")).unwrap();
        assert_eq!(
            (pasta.package.as_str(), pasta.upstream()),
            ("passt", "0.0~git20230309.7c7625d")
        );
    }

    #[test]
    fn a_binary_changed_after_dpkg_installed_it_is_not_vouched_for() {
        let dir = runc_host();
        let host = HostFs::rooted(dir.path());
        // ctime has the kernel's coarse clock: let it move on, then chmod.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let runc = dir.path().join("usr/sbin/runc");
        std::fs::set_permissions(&runc, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .unwrap();
        assert_eq!(unchanged(&host, Path::new("/usr/bin/runc")), None);
        // Replaced by another file (a new inode).
        std::fs::write(dir.path().join("usr/bin/passt.new"), "other").unwrap();
        std::fs::rename(
            dir.path().join("usr/bin/passt.new"),
            dir.path().join("usr/bin/passt"),
        )
        .unwrap();
        assert_eq!(unchanged(&host, Path::new("/usr/bin/pasta")), None);
    }

    #[test]
    fn unlisted_uninstalled_or_odd_files_are_not_vouched_for() {
        let dir = runc_host();
        let root = dir.path();
        put(root, "/usr/local/sbin/runc", "mine");
        put(root, "/usr/bin/crun", "\x7fELF");
        put(root, "/var/lib/dpkg/info/crun.md5sums", "0  usr/bin/crun\n");
        let host = HostFs::rooted(root);
        // Not in runc's md5sums.
        assert_eq!(unchanged(&host, Path::new("/usr/local/sbin/runc")), None);
        // Listed, but no installed stanza.
        assert_eq!(unchanged(&host, Path::new("/usr/bin/crun")), None);
        assert_eq!(unchanged(&host, Path::new("/usr/bin/missing")), None);
        assert_eq!(unchanged(&host, Path::new("/usr/bin")), None);
    }

    #[test]
    fn upstream_versions_drop_the_epoch_and_the_revision() {
        assert_eq!(upstream("1:1.0.0~rc92+dfsg1-5"), "1.0.0~rc92+dfsg1");
        assert_eq!(upstream("1.8.1-1+deb12u1"), "1.8.1");
        assert_eq!(upstream("4.3.1"), "4.3.1");
    }

    #[test]
    fn a_changed_status_file_is_read_again() {
        let dir = runc_host();
        let host = HostFs::rooted(dir.path());
        assert!(unchanged(&host, Path::new("/usr/bin/runc")).is_some());
        // dpkg renames a new status file into place.
        let status = dir.path().join("var/lib/dpkg/status");
        std::fs::write(
            status.with_extension("new"),
            "Package: runc\nStatus: deinstall ok config-files\nVersion: 1.1.5+ds1-1+deb12u1\n",
        )
        .unwrap();
        std::fs::rename(status.with_extension("new"), &status).unwrap();
        assert_eq!(unchanged(&host, Path::new("/usr/bin/runc")), None);
    }

    #[test]
    fn the_stanza_is_found_by_its_package_line_only() {
        let status = "Package: runc-dev\nStatus: install ok installed\nVersion: 9\n\n\
                      Description: x\n Package: runc\n\n\
                      Package: runc\nStatus: install ok installed\nVersion: 1.1.5\n";
        assert_eq!(installed_version(status, "runc").as_deref(), Some("1.1.5"));
        assert_eq!(installed_version(status, "run"), None);
    }
}
