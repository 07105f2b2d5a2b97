//! Which cgroup hierarchy the host runs: unified v2, a v1/v2 hybrid, or v1.
//!
//! Decided from the mount table, as the runtimes decide it from `statfs`:
//! `/sys/fs/cgroup` mounted as `cgroup2` is unified; v1 `cgroup` mounts with a
//! `cgroup2` mount at `/sys/fs/cgroup/unified` is the hybrid layout (systemd's
//! default before v2), whose v2 controllers are read because crun refuses to
//! run when that list is not empty; v1 mounts alone are legacy.
//! [`unified_hierarchy_fix`] is the way out of the last two, offered by both
//! `cgroup.delegation` and `runtime.oci-runtime`.

use crate::distro::{Distro, Family};
use crate::host::HostFs;
use crate::model::Remediation;
use crate::mountinfo::{self, Mount};
use std::path::Path;

/// Where cgroups are mounted.
pub const CGROUP_ROOT: &str = "/sys/fs/cgroup";
/// The v2 hierarchy of the hybrid layout.
pub const HYBRID_UNIFIED: &str = "/sys/fs/cgroup/unified";
/// The kernel command-line switch to the unified hierarchy.
pub const UNIFIED_SWITCH: &str = "systemd.unified_cgroup_hierarchy=1";

/// The cgroup hierarchy of the host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Hierarchy {
    /// cgroup v2 only, mounted at /sys/fs/cgroup.
    Unified,
    /// v1 controllers plus a v2 hierarchy at /sys/fs/cgroup/unified.
    Hybrid {
        /// `cgroup.controllers` of the v2 hierarchy (`None` when unreadable).
        unified_controllers: Option<Vec<String>>,
    },
    /// cgroup v1 only.
    Legacy,
    /// No cgroup filesystem is mounted (or the mount table is unreadable).
    Unmounted,
}

impl Hierarchy {
    /// A short name for messages and evidence: `v2`, `hybrid`, `v1`, `none`.
    pub fn name(&self) -> &'static str {
        match self {
            Hierarchy::Unified => "v2",
            Hierarchy::Hybrid { .. } => "hybrid",
            Hierarchy::Legacy => "v1",
            Hierarchy::Unmounted => "none",
        }
    }

    /// True for the hybrid layout with controllers attached to its v2 side,
    /// which crun refuses ("cgroups in hybrid mode not supported, drop all
    /// controllers from cgroupv2").
    pub fn hybrid_with_v2_controllers(&self) -> bool {
        matches!(self, Hierarchy::Hybrid { unified_controllers: Some(c) } if !c.is_empty())
    }

    /// The hybrid v2 controllers, space-separated, for evidence.
    pub fn unified_controllers_text(&self) -> Option<String> {
        match self {
            Hierarchy::Hybrid {
                unified_controllers: Some(c),
            } => Some(c.join(" ")),
            _ => None,
        }
    }
}

/// Classifies a mount table; `read_controllers` reads the hybrid v2 controllers.
pub fn classify(mounts: &[Mount], read_controllers: impl FnOnce() -> Option<String>) -> Hierarchy {
    let root = Path::new(CGROUP_ROOT);
    let unified = Path::new(HYBRID_UNIFIED);
    let top = mounts.iter().rev().find(|m| m.mount_point == root);
    if top.is_some_and(|m| m.fs_type == "cgroup2") {
        return Hierarchy::Unified;
    }
    let has_v1 = mounts.iter().any(|m| m.fs_type == "cgroup");
    let has_hybrid_v2 = mounts
        .iter()
        .any(|m| m.fs_type == "cgroup2" && m.mount_point == unified);
    match (has_v1, has_hybrid_v2) {
        (_, true) => Hierarchy::Hybrid {
            unified_controllers: read_controllers().map(|text| split_controllers(&text)),
        },
        (true, false) => Hierarchy::Legacy,
        (false, false) => Hierarchy::Unmounted,
    }
}

/// Reads the host's hierarchy through the mount table of the doctor's process.
pub fn gather(host: &HostFs) -> Hierarchy {
    let mounts = mountinfo::read(host);
    classify(&mounts, || {
        host.read_text(format!("{HYBRID_UNIFIED}/cgroup.controllers"))
            .ok()
    })
}

/// Splits a `cgroup.controllers` value into names, capped at 64 entries.
pub fn split_controllers(text: &str) -> Vec<String> {
    text.split_whitespace()
        .take(64)
        .map(|name| name.chars().take(64).collect())
        .collect()
}

/// What the capabilities call the cgroup situation of a subject: how much of
/// the hierarchy is delegated to them (`cgroup.delegation` states it as a
/// [`Fact`](crate::check::Fact)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// v2, at least memory and pids delegated.
    Delegated,
    /// v2, some of cpu, io, memory, pids delegated.
    Partial,
    /// v2 with none of them (or no user manager), or no cgroups mounted.
    Undelegated,
    /// v1 or hybrid.
    V1,
}

impl Mode {
    /// The wire value: `delegated`, `partial`, `undelegated`, `v1`.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Delegated => "delegated",
            Mode::Partial => "partial",
            Mode::Undelegated => "undelegated",
            Mode::V1 => "v1",
        }
    }
}

/// Boots the host into the unified (v2) hierarchy, for its boot loader.
pub fn unified_hierarchy_fix(distro: &Distro) -> Remediation {
    let strip = "s/systemd\\.unified_cgroup_hierarchy=[^ \"]* *//g";
    let add = format!("s/^GRUB_CMDLINE_LINUX=\"/&{UNIFIED_SWITCH} /");
    let grub = |mkconfig: &str| {
        vec![
            "grep -q '^GRUB_CMDLINE_LINUX=' /etc/default/grub || echo 'GRUB_CMDLINE_LINUX=\"\"' >> /etc/default/grub".to_string(),
            format!("sed -i -e '{strip}' -e '{add}' /etc/default/grub"),
            mkconfig.to_string(),
        ]
    };
    let (summary, commands) = match distro.family {
        Family::Debian => (
            "boot with cgroup v2 (the kernel command line gets systemd.unified_cgroup_hierarchy=1), then reboot",
            grub("update-grub"),
        ),
        Family::Fedora => (
            "boot with cgroup v2 (every kernel gets systemd.unified_cgroup_hierarchy=1), then reboot",
            vec![format!("grubby --update-kernel=ALL --args={UNIFIED_SWITCH}")],
        ),
        Family::Rhel7 => (
            "cgroup v2 needs a newer kernel and systemd than RHEL/CentOS 7 has: upgrade to 8 or later",
            Vec::new(),
        ),
        Family::Arch | Family::Unknown => (
            "boot with cgroup v2 (the kernel command line gets systemd.unified_cgroup_hierarchy=1; \
             with another boot loader, add it there), then reboot",
            grub("grub-mkconfig -o /boot/grub/grub.cfg"),
        ),
        Family::Suse => (
            "boot with cgroup v2 (the kernel command line gets systemd.unified_cgroup_hierarchy=1), then reboot",
            grub("grub2-mkconfig -o /boot/grub2/grub.cfg"),
        ),
        Family::Alpine => (
            "have OpenRC mount only cgroup v2, then reboot",
            vec![
                "sed -i '/^#*rc_cgroup_mode=/d' /etc/rc.conf".to_string(),
                "echo 'rc_cgroup_mode=\"unified\"' >> /etc/rc.conf".to_string(),
            ],
        ),
    };
    Remediation::root(summary, commands)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mount table of the CI machine (Debian 12, hybrid layout).
    const HYBRID: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
";

    const UNIFIED: &str = "\
22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw
26 22 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:9 - cgroup2 cgroup2 rw,nsdelegate
";

    const LEGACY: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
";

    fn classify_text(text: &str, controllers: Option<&str>) -> Hierarchy {
        classify(&mountinfo::parse(text), || controllers.map(str::to_string))
    }

    #[test]
    fn recognises_each_layout() {
        assert_eq!(classify_text(UNIFIED, None), Hierarchy::Unified);
        assert_eq!(classify_text(LEGACY, None), Hierarchy::Legacy);
        assert_eq!(classify_text("", None), Hierarchy::Unmounted);
        let hybrid = classify_text(HYBRID, Some("hugetlb\n"));
        assert_eq!(
            hybrid,
            Hierarchy::Hybrid {
                unified_controllers: Some(vec!["hugetlb".into()])
            }
        );
        assert!(hybrid.hybrid_with_v2_controllers());
        assert_eq!(hybrid.name(), "hybrid");
    }

    #[test]
    fn an_empty_hybrid_v2_side_is_tolerated_by_crun() {
        let hybrid = classify_text(HYBRID, Some("\n"));
        assert!(!hybrid.hybrid_with_v2_controllers());
        let unreadable = classify_text(HYBRID, None);
        assert!(!unreadable.hybrid_with_v2_controllers());
    }

    #[test]
    fn a_v2_mount_over_a_tmpfs_wins() {
        let text = format!("{LEGACY}50 31 0:40 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n");
        assert_eq!(classify_text(&text, None), Hierarchy::Unified);
    }
}
