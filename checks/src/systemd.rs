//! Whether systemd runs this host, and where it keeps a user's manager.
//!
//! A host fact shared by the `session` and `limits` families. systemd is the
//! init system when `/run/systemd/system` is a directory: the test of
//! `sd_booted(3)`, which podman and the systemd tools use too. All reads go
//! through [`HostFs`], so fixture hosts can lay the paths out.

use crate::host::HostFs;
use std::os::unix::fs::FileTypeExt;
use std::path::PathBuf;

/// The directory whose presence says systemd is the init system.
pub const BOOTED_DIR: &str = "/run/systemd/system";

/// True when systemd runs this host (`sd_booted`).
pub fn booted(host: &HostFs) -> bool {
    host.metadata(BOOTED_DIR).is_ok_and(|m| m.is_dir())
}

/// `/run/user/UID`: the runtime directory logind makes for a session.
pub fn runtime_dir(uid: u32) -> PathBuf {
    PathBuf::from(format!("/run/user/{uid}"))
}

/// `/run/user/UID/systemd/private`: the socket a running user manager
/// listens on (what `systemctl --user` talks to without a bus).
pub fn manager_socket(uid: u32) -> PathBuf {
    runtime_dir(uid).join("systemd/private")
}

/// `/run/user/UID/bus`: the user's D-Bus socket (dbus-user-session or
/// dbus-broker started by the user manager).
pub fn bus_socket(uid: u32) -> PathBuf {
    runtime_dir(uid).join("bus")
}

/// `/var/lib/systemd/linger/NAME`: present when lingering is on.
pub fn linger_file(name: &str) -> PathBuf {
    PathBuf::from("/var/lib/systemd/linger").join(name)
}

/// True when `path` is a socket on the host (following symlinks).
pub fn is_socket(host: &HostFs, path: impl AsRef<std::path::Path>) -> bool {
    host.metadata(path).is_ok_and(|m| m.file_type().is_socket())
}

/// The system bus socket.
pub const SYSTEM_BUS: &str = "/run/dbus/system_bus_socket";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booted_needs_the_directory() {
        let tmp = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(tmp.path());
        assert!(!booted(&host));
        std::fs::create_dir_all(tmp.path().join("run/systemd")).unwrap();
        std::fs::write(tmp.path().join("run/systemd/system"), "").unwrap();
        assert!(!booted(&host), "a file is not the directory");
        std::fs::remove_file(tmp.path().join("run/systemd/system")).unwrap();
        std::fs::create_dir(tmp.path().join("run/systemd/system")).unwrap();
        assert!(booted(&host));
    }

    #[test]
    fn sockets_are_told_from_files() {
        let tmp = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(tmp.path());
        let dir = tmp.path().join("run/user/1000");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("bus"), "").unwrap();
        assert!(!is_socket(&host, bus_socket(1000)));
        std::fs::remove_file(dir.join("bus")).unwrap();
        let _listener = std::os::unix::net::UnixListener::bind(dir.join("bus")).unwrap();
        assert!(is_socket(&host, bus_socket(1000)));
        assert_eq!(
            manager_socket(7),
            PathBuf::from("/run/user/7/systemd/private")
        );
        assert_eq!(
            linger_file("alice"),
            PathBuf::from("/var/lib/systemd/linger/alice")
        );
    }
}
