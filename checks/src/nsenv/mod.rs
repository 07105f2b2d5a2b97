//! The host facts that explain a user namespace failure, gathered once
//! through [`HostFs`]: the sysctls that gate it ([`Knobs`]) and the signs that
//! the doctor itself runs inside a container or a nested user namespace
//! ([`Sandbox`]).
//!
//! Values are kept as read (trimmed); judges parse them. A file that does not
//! exist is [`Knob::Absent`], one that cannot be read [`Knob::Unreadable`].

pub mod fixes;

use crate::host::HostFs;
use crate::model::Evidence;

/// `kernel.unprivileged_userns_clone` (Debian and Arch kernel patch).
pub const CLONE: &str = "/proc/sys/kernel/unprivileged_userns_clone";
/// `user.max_user_namespaces`.
pub const MAX_USER: &str = "/proc/sys/user/max_user_namespaces";
/// `user.max_mnt_namespaces`.
pub const MAX_MNT: &str = "/proc/sys/user/max_mnt_namespaces";
/// `kernel.apparmor_restrict_unprivileged_userns` (Ubuntu 23.10+).
pub const APPARMOR: &str = "/proc/sys/kernel/apparmor_restrict_unprivileged_userns";
/// `kernel.apparmor_restrict_unprivileged_unconfined` (Ubuntu 23.10+).
pub const APPARMOR_UNCONFINED: &str = "/proc/sys/kernel/apparmor_restrict_unprivileged_unconfined";
/// The RHEL/CentOS 7 module switch for user namespaces.
pub const RHEL7_ENABLE: &str = "/sys/module/user_namespace/parameters/enable";
/// Present when the kernel supports user namespaces at all.
pub const SELF_NS_USER: &str = "/proc/self/ns/user";
/// The kernel release, `uname -r`.
pub const OSRELEASE: &str = "/proc/sys/kernel/osrelease";

/// The sysctl name of a /proc/sys path: `/proc/sys/user/max_user_namespaces`
/// is `user.max_user_namespaces`.
pub fn sysctl_name(path: &str) -> String {
    path.trim_start_matches("/proc/sys/").replace('/', ".")
}

/// One value file as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Knob {
    /// The file does not exist on this kernel.
    Absent,
    /// The file exists but could not be read.
    Unreadable(String),
    /// The trimmed contents.
    Value(String),
}

impl Knob {
    /// Reads a value file.
    pub fn read(host: &HostFs, path: &str) -> Self {
        match host.read_value(path) {
            Ok(None) => Knob::Absent,
            Ok(Some(value)) => Knob::Value(value),
            Err(e) => Knob::Unreadable(e.to_string()),
        }
    }

    /// A value for tests and hand-built facts.
    pub fn of(value: &str) -> Self {
        Knob::Value(value.into())
    }

    /// The value as an integer, when it is one.
    pub fn int(&self) -> Option<i64> {
        match self {
            Knob::Value(v) => v.parse().ok(),
            _ => None,
        }
    }

    /// The raw value, when read.
    pub fn value(&self) -> Option<&str> {
        match self {
            Knob::Value(v) => Some(v),
            _ => None,
        }
    }

    /// Setting evidence named after the sysctl; `None` when absent or unreadable.
    pub fn evidence(&self, path: &str) -> Option<Evidence> {
        self.value()
            .map(|v| Evidence::setting(sysctl_name(path), v.to_string()))
    }
}

/// The sysctls and kernel facts that gate user namespaces.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Knobs {
    pub clone: Knob,
    pub max_user: Knob,
    pub max_mnt: Knob,
    pub apparmor: Knob,
    pub apparmor_unconfined: Knob,
    /// `/sys/module/user_namespace/parameters/enable` (RHEL 7 kernels only).
    pub rhel7_enable: Knob,
    /// Whether `/proc/self/ns/user` exists.
    pub ns_user_exists: bool,
    /// `uname -r`, when readable.
    pub kernel_release: Option<String>,
}

impl Knobs {
    /// Reads every knob.
    pub fn gather(host: &HostFs) -> Self {
        Knobs {
            clone: Knob::read(host, CLONE),
            max_user: Knob::read(host, MAX_USER),
            max_mnt: Knob::read(host, MAX_MNT),
            apparmor: Knob::read(host, APPARMOR),
            apparmor_unconfined: Knob::read(host, APPARMOR_UNCONFINED),
            rhel7_enable: Knob::read(host, RHEL7_ENABLE),
            ns_user_exists: host.symlink_metadata(SELF_NS_USER).is_ok(),
            kernel_release: host.read_value(OSRELEASE).ok().flatten(),
        }
    }

    /// A host where nothing is known (for tests): every knob absent.
    pub fn unknown() -> Self {
        Knobs {
            clone: Knob::Absent,
            max_user: Knob::Absent,
            max_mnt: Knob::Absent,
            apparmor: Knob::Absent,
            apparmor_unconfined: Knob::Absent,
            rhel7_enable: Knob::Absent,
            ns_user_exists: true,
            kernel_release: None,
        }
    }

    /// True when the AppArmor restriction is on.
    pub fn apparmor_restricts(&self) -> bool {
        self.apparmor.int().is_some_and(|v| v != 0)
    }

    /// True when the Debian/Arch clone sysctl forbids unprivileged user namespaces.
    pub fn clone_disabled(&self) -> bool {
        self.clone.int() == Some(0)
    }

    /// True for a RHEL/CentOS 7 kernel (`3.10.0-*.el7*`).
    pub fn is_rhel7_kernel(&self) -> bool {
        self.kernel_release
            .as_deref()
            .is_some_and(|r| r.starts_with("3.10.0-") && r.contains(".el7"))
    }

    /// Settings evidence for every knob that exists.
    pub fn evidence(&self) -> Vec<Evidence> {
        [
            (&self.clone, CLONE),
            (&self.max_user, MAX_USER),
            (&self.max_mnt, MAX_MNT),
            (&self.apparmor, APPARMOR),
        ]
        .into_iter()
        .filter_map(|(knob, path)| knob.evidence(path))
        .collect()
    }
}

/// Signs that the doctor runs inside a container or a nested user namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sandbox {
    /// `/.dockerenv` exists.
    pub dockerenv: bool,
    /// `/run/.containerenv` exists (podman).
    pub containerenv: bool,
    /// A line of `/proc/1/cgroup` naming a container manager.
    pub pid1_cgroup: Option<String>,
    /// `container=` from `/proc/1/environ`, when readable.
    pub container_env: Option<String>,
    /// `/proc/self/uid_map` when it is not the identity map of the initial namespace.
    pub uid_map: Option<String>,
    /// `Seccomp:` of the doctor's own `/proc/self/status`.
    pub seccomp: Option<String>,
    /// `NoNewPrivs:` of the doctor's own `/proc/self/status`.
    pub no_new_privs: Option<String>,
}

const CONTAINER_MARKERS: &[&str] = &[
    "docker",
    "kubepods",
    "libpod",
    "containerd",
    "lxc",
    "crio",
    "actions_job",
    "garden",
];

impl Sandbox {
    /// Reads the signs through the host seam.
    pub fn gather(host: &HostFs) -> Self {
        let status = host.read_text("/proc/self/status").unwrap_or_default();
        let status_field = |name: &str| {
            status.lines().find_map(|line| {
                line.strip_prefix(name)
                    .and_then(|rest| rest.strip_prefix(':'))
                    .map(|v| v.trim().to_string())
            })
        };
        let pid1_cgroup = host.read_text("/proc/1/cgroup").ok().and_then(|text| {
            text.lines()
                .find(|line| CONTAINER_MARKERS.iter().any(|m| line.contains(m)))
                .map(|line| crate::model::cap(line.trim(), 200))
        });
        let container_env = host.read("/proc/1/environ").ok().and_then(|bytes| {
            bytes.split(|b| *b == 0).find_map(|var| {
                var.strip_prefix(b"container=")
                    .map(|v| crate::model::cap(&String::from_utf8_lossy(v), 100))
            })
        });
        let uid_map = host.read_text("/proc/self/uid_map").ok().and_then(|text| {
            let normal: Vec<&str> = text.split_whitespace().collect();
            (!text.trim().is_empty() && normal != ["0", "0", "4294967295"])
                .then(|| crate::model::cap(&normal.join(" "), 300))
        });
        Sandbox {
            dockerenv: host.exists("/.dockerenv"),
            containerenv: host.exists("/run/.containerenv"),
            pid1_cgroup,
            container_env,
            uid_map,
            seccomp: status_field("Seccomp"),
            no_new_privs: status_field("NoNewPrivs"),
        }
    }

    /// True when the doctor evidently runs inside a container.
    pub fn in_container(&self) -> bool {
        self.dockerenv
            || self.containerenv
            || self.pid1_cgroup.is_some()
            || self.container_env.is_some()
    }

    /// True when the doctor runs inside a user namespace other than the initial one.
    pub fn nested_userns(&self) -> bool {
        self.uid_map.is_some()
    }

    /// The clause naming where the doctor runs, for messages: "the doctor runs
    /// inside a container", or `None` when nothing says so.
    pub fn where_clause(&self) -> Option<&'static str> {
        match (self.in_container(), self.nested_userns()) {
            (true, _) => Some("the doctor runs inside a container"),
            (false, true) => Some("the doctor runs inside a nested user namespace"),
            (false, false) => None,
        }
    }

    /// Facts for every sign found.
    pub fn evidence(&self) -> Vec<Evidence> {
        let mut out = Vec::new();
        if self.dockerenv {
            out.push(Evidence::fact("container", "/.dockerenv exists"));
        }
        if self.containerenv {
            out.push(Evidence::fact("container", "/run/.containerenv exists"));
        }
        if let Some(line) = &self.pid1_cgroup {
            out.push(Evidence::file("/proc/1/cgroup", line.clone()));
        }
        if let Some(value) = &self.container_env {
            out.push(Evidence::fact("container", format!("container={value}")));
        }
        if let Some(map) = &self.uid_map {
            out.push(Evidence::file("/proc/self/uid_map", map.clone()));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn put(root: &std::path::Path, path: &str, text: &str) {
        let real = root.join(path.trim_start_matches('/'));
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(real, text).unwrap();
    }

    #[test]
    fn sysctl_names_follow_the_path() {
        assert_eq!(sysctl_name(MAX_USER), "user.max_user_namespaces");
        assert_eq!(sysctl_name(CLONE), "kernel.unprivileged_userns_clone");
    }

    #[test]
    fn knobs_read_values_and_absence() {
        let dir = tempfile::tempdir().unwrap();
        put(dir.path(), MAX_USER, "15000\n");
        put(dir.path(), APPARMOR, "1\n");
        put(dir.path(), OSRELEASE, "3.10.0-1160.el7.x86_64\n");
        let knobs = Knobs::gather(&HostFs::rooted(dir.path()));
        assert_eq!(knobs.max_user.int(), Some(15000));
        assert_eq!(knobs.clone, Knob::Absent);
        assert!(knobs.apparmor_restricts());
        assert!(!knobs.clone_disabled());
        assert!(!knobs.ns_user_exists);
        assert!(knobs.is_rhel7_kernel());
        assert_eq!(knobs.evidence().len(), 2);
    }

    #[test]
    fn sandbox_signs_are_found() {
        let dir = tempfile::tempdir().unwrap();
        put(dir.path(), "/.dockerenv", "");
        put(
            dir.path(),
            "/proc/1/cgroup",
            "12:pids:/docker/0123abc\n0::/\n",
        );
        put(
            dir.path(),
            "/proc/self/status",
            "Name:\tx\nNoNewPrivs:\t1\nSeccomp:\t2\n",
        );
        put(
            dir.path(),
            "/proc/self/uid_map",
            "         0       1000          1\n",
        );
        let sandbox = Sandbox::gather(&HostFs::rooted(dir.path()));
        assert!(sandbox.in_container());
        assert!(sandbox.nested_userns());
        assert_eq!(sandbox.seccomp.as_deref(), Some("2"));
        assert_eq!(sandbox.no_new_privs.as_deref(), Some("1"));
        assert_eq!(sandbox.uid_map.as_deref(), Some("0 1000 1"));
        assert_eq!(
            sandbox.where_clause(),
            Some("the doctor runs inside a container")
        );
        assert_eq!(sandbox.evidence().len(), 3);
    }

    #[test]
    fn the_initial_namespace_is_not_a_sandbox() {
        let dir = tempfile::tempdir().unwrap();
        put(
            dir.path(),
            "/proc/self/uid_map",
            "         0          0 4294967295\n",
        );
        put(dir.path(), "/proc/1/cgroup", "0::/init.scope\n");
        let sandbox = Sandbox::gather(&HostFs::rooted(dir.path()));
        assert!(!sandbox.in_container());
        assert!(!sandbox.nested_userns());
        assert_eq!(sandbox.where_clause(), None);
    }
}
