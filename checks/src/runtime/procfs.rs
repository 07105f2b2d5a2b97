//! runc's hardened /proc access (the November 2025 security releases 1.2.8,
//! 1.3.3 and 1.4.0-rc.3, CVE-2025-31133/52565/52881) and the host conditions
//! known to break it, for `runtime.oci-runtime`.
//!
//! From those releases on, runc reaches /proc through a private detached
//! procfs (`fsopen("proc")`/`fsmount`, else an `open_tree` clone, else the
//! host's /proc) and opens every file in it with `openat2(RESOLVE_NO_XDEV)`
//! (the vendored filepath-securejoin `pathrs-lite`), wrapping any failure as
//! "unsafe procfs detected". Two conditions are read here:
//!
//! - `/proc/self/setgroups` missing (kernels before 3.19, vendor kernels
//!   such as Synology's): container init opens it through that API and
//!   tolerates its absence with `os.IsNotExist`, which does not see through
//!   the wrapping, so every container fails ("unable to setup user: unsafe
//!   procfs detected: ... proc/self/setgroups: no such file or directory")
//!   in 1.2.8 to 1.2.9, 1.3.3 to 1.3.6 and 1.4.0-rc.3 to 1.4.0; 1.4.1
//!   switched to `errors.Is` (runc commit 323a54ef). A stopping note.
//! - the doctor runs inside an LXC/Incus/LXD container (its AppArmor label,
//!   systemd's /run/systemd/container, or lxcfs over /proc): those
//!   containers' AppArmor abstractions refused the detached procfs (runc
//!   issues 4968, 4972: sysctl writes "reopen fd N: permission denied";
//!   fsmount denials) until LXC/Incus relaxed them, so it depends on the
//!   host's LXC version: a limit (warn).
//!
//! Seccomp or LSM denials elsewhere (CI sandboxes) and distribution patches
//! cannot be read from files; see docs/checks/runtime.md.

use super::version::Version;
use crate::host::HostFs;
use crate::model::Evidence;
use crate::mountinfo;

/// The procfs facts runc's hardening depends on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProcfsFacts {
    /// `/proc/self/setgroups` exists; `None` when that could not be told.
    pub setgroups: Option<bool>,
    /// Why the doctor believes it runs inside an LXC/Incus/LXD container.
    pub lxc: Option<String>,
}

/// AppArmor label prefixes of LXC (Proxmox too), LXD and Incus containers.
const LXC_LABELS: [&str; 3] = ["lxc-", "lxd-", "incus-"];

impl ProcfsFacts {
    /// Reads them through `host`.
    pub fn gather(host: &HostFs) -> Self {
        let setgroups = match host.symlink_metadata("/proc/self/setgroups") {
            Ok(_) => Some(true),
            Err(e) if e.is_not_found() => Some(false),
            Err(_) => None,
        };
        ProcfsFacts {
            setgroups,
            lxc: lxc_hint(host),
        }
    }

    /// The evidence of what was found.
    pub fn evidence(&self) -> Vec<Evidence> {
        let mut out = Vec::new();
        if self.setgroups == Some(false) {
            out.push(Evidence::fact("/proc/self/setgroups", "missing"));
        }
        if let Some(lxc) = &self.lxc {
            out.push(Evidence::fact("LXC container", lxc.clone()));
        }
        out
    }
}

/// Why the doctor believes it runs in an LXC-family container, if it does.
fn lxc_hint(host: &HostFs) -> Option<String> {
    for path in [
        "/proc/self/attr/apparmor/current",
        "/proc/self/attr/current",
    ] {
        if let Ok(label) = host.read_text(path) {
            let label = label.trim_end_matches(['\0', '\n']).trim();
            if LXC_LABELS.iter().any(|p| label.starts_with(p)) {
                return Some(format!("AppArmor label {label} ({path})"));
            }
        }
    }
    if let Ok(Some(kind)) = host.read_value("/run/systemd/container") {
        if kind == "lxc" || kind == "lxc-libvirt" {
            return Some(format!("/run/systemd/container is {kind}"));
        }
    }
    let mounts = mountinfo::read(host);
    mounts
        .iter()
        .find(|m| m.fs_type == "fuse.lxcfs" && m.mount_point.starts_with("/proc"))
        .map(|m| format!("lxcfs is mounted on {}", m.mount_point.display()))
}

/// The first runc of a hardened line: 1.2.8, 1.3.3, 1.4.0-rc.3.
pub fn hardened(v: &Version) -> bool {
    match (v.major, v.minor) {
        (1, 0 | 1) | (0, _) => false,
        (1, 2) => v.patch >= 8,
        (1, 3) => v.patch >= 3,
        (1, 4) if v.patch == 0 => v.pre.is_none() || v.rc().is_some_and(|rc| rc >= 3),
        _ => true,
    }
}

/// runc fails every container when /proc/self/setgroups is missing: the
/// hardened releases up to 1.4.0 (1.2.x and 1.3.x were read up to 1.2.9 and
/// 1.3.6, still affected; 1.4.1 is fixed).
pub fn setgroups_fatal(v: &Version) -> bool {
    hardened(v) && ((v.major, v.minor) < (1, 4) || (v.major, v.minor, v.patch) == (1, 4, 0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn the_hardened_lines() {
        for old in [
            "1.1.5",
            "1.1.15",
            "1.2.7",
            "1.3.2",
            "1.4.0-rc.1",
            "1.4.0-rc.2",
            "1.0.0-rc92",
        ] {
            assert!(!hardened(&v(old)), "{old}");
        }
        for new in [
            "1.2.8",
            "1.2.9",
            "1.3.3",
            "1.3.6",
            "1.4.0-rc.3",
            "1.4.0",
            "1.4.3",
            "1.5.0",
        ] {
            assert!(hardened(&v(new)), "{new}");
        }
        for fatal in ["1.2.8", "1.2.9", "1.3.3", "1.3.6", "1.4.0-rc.3", "1.4.0"] {
            assert!(setgroups_fatal(&v(fatal)), "{fatal}");
        }
        for fixed in ["1.1.5", "1.3.2", "1.4.0-rc.2", "1.4.1", "1.5.0"] {
            assert!(!setgroups_fatal(&v(fixed)), "{fixed}");
        }
    }

    #[test]
    fn gathers_setgroups_and_lxc_signs() {
        let dir = tempfile::tempdir().unwrap();
        let host = HostFs::rooted(dir.path());
        crate::testing::put(dir.path(), "/proc/self/status", "Name:\tx\n");
        let facts = ProcfsFacts::gather(&host);
        assert_eq!(facts.setgroups, Some(false));
        assert_eq!(facts.lxc, None);
        crate::testing::put(dir.path(), "/proc/self/setgroups", "allow\n");
        crate::testing::put(
            dir.path(),
            "/proc/self/attr/current",
            "lxc-container-default-cgns (enforce)\n",
        );
        let facts = ProcfsFacts::gather(&host);
        assert_eq!(facts.setgroups, Some(true));
        assert!(facts.lxc.unwrap().contains("lxc-container-default-cgns"));
        // Docker's own label is no LXC container.
        crate::testing::put(
            dir.path(),
            "/proc/self/attr/current",
            "docker-default (enforce)\n",
        );
        assert_eq!(ProcfsFacts::gather(&host).lxc, None);
        crate::testing::put(
            dir.path(),
            "/proc/self/mountinfo",
            "1 0 0:1 / / rw - ext4 /dev/vda1 rw\n\
             9 1 0:9 / /proc/cpuinfo rw - fuse.lxcfs lxcfs rw\n",
        );
        assert_eq!(
            ProcfsFacts::gather(&host).lxc.as_deref(),
            Some("lxcfs is mounted on /proc/cpuinfo")
        );
        crate::testing::put(dir.path(), "/run/systemd/container", "lxc\n");
        assert_eq!(
            ProcfsFacts::gather(&host).lxc.as_deref(),
            Some("/run/systemd/container is lxc")
        );
    }
}
