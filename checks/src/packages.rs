//! The distribution's package database, read without running anything: the
//! version of the package that installed a binary, where dpkg knows it
//! (Debian, Ubuntu). Starting a Go binary for its `--version` costs tens of
//! milliseconds and most of the doctor's memory; this costs a file read.
//!
//! A binary is taken to belong to the package of its own name (`podman` to
//! `podman`) only when that package's file list names the exact path and
//! dpkg's status says the package is installed; anything else is `None`, and
//! the caller asks the binary itself.

use crate::host::HostFs;
use std::path::Path;

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
    let (status, _) = host.read_text_up_to(STATUS, STATUS_CAP).ok()?;
    installed_version(&status, name)
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
    let (status, _) = host.read_text_up_to(STATUS, STATUS_CAP).ok()?;
    installed_version(&status, package)
}

/// The upstream part of a dpkg version: no epoch, no `+dfsg`-style suffix,
/// no Debian revision (`5:20.10.24+dfsg1-1+b6` -> `20.10.24`).
pub fn upstream_version(version: &str) -> String {
    let v = version.split_once(':').map_or(version, |(_, v)| v);
    v.split(['+', '~', '-']).next().unwrap_or(v).to_string()
}

/// The `Version:` of the stanza `Package: name` whose status is installed.
fn installed_version(status: &str, name: &str) -> Option<String> {
    status.split("\n\n").find_map(|stanza| {
        let field = |key: &str| {
            stanza
                .lines()
                .find_map(|line| line.strip_prefix(key))
                .map(str::trim)
        };
        (field("Package:") == Some(name)
            && field("Status:").is_some_and(|s| s.ends_with(" installed")))
        .then(|| field("Version:").map(str::to_string))
        .flatten()
    })
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
}
