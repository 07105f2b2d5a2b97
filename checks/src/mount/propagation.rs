//! The propagation of `/`, which `mount.bind` reports beside its probe:
//! podman 4 warns "\"/\" is not a shared mount" at its rootless start-up,
//! and RootlessKit cannot make the child's mounts `rslave` of the host's
//! (Docker's `--propagation=rslave`), when the first mountinfo line for `/`
//! has no `shared:` peer group.
//!
//! Decisions: docs/checks/mount.md, section `mount.bind`, code
//! `root-not-shared`.

use super::Code;
use crate::check::Finding;
use crate::distro::{Distro, Family};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation};
use crate::mountinfo;

/// The first mountinfo line for `/`, as far as propagation goes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RootPropagation {
    /// Its optional fields (`shared:1`, `master:363`), empty when private.
    pub optional: Vec<String>,
    /// systemd runs the host (it makes `/` shared at boot).
    pub systemd: bool,
}

impl RootPropagation {
    /// Reads `/proc/self/mountinfo` through `host`; `None` when it cannot be
    /// read or has no line for `/`.
    pub fn gather(host: &HostFs) -> Option<Self> {
        let mounts = mountinfo::read(host);
        Some(RootPropagation {
            optional: mountinfo::root(&mounts)?.optional.clone(),
            systemd: crate::systemd::booted(host),
        })
    }

    /// True when `/` is in a shared peer group.
    pub fn is_shared(&self) -> bool {
        self.optional.iter().any(|o| o.starts_with("shared:"))
    }

    /// How findmnt would name it: `private`, or the optional fields.
    pub fn describe(&self) -> String {
        if self.optional.is_empty() {
            "private".into()
        } else {
            self.optional.join(" ")
        }
    }

    /// The evidence: the propagation fields of `/`.
    pub fn evidence(&self) -> Evidence {
        Evidence::fact("propagation of /", self.describe())
    }

    /// The warning when `/` is not shared; `None` when it is.
    pub fn finding(&self, distro: &Distro) -> Option<Finding> {
        if self.is_shared() {
            return None;
        }
        Some(
            Finding::warn(
                Code::RootNotShared,
                format!(
                    "/ is not a shared mount (/proc/self/mountinfo: {}): podman warns '\"/\" is \
                     not a shared mount, this could cause issues or missing mounts with \
                     rootless containers' and RootlessKit cannot set the child's propagation \
                     to rslave; mounts made on the host later do not reach running containers",
                    self.describe()
                ),
            )
            .fixes(fixes(self.systemd, distro))
            .with([self.evidence()]),
        )
    }
}

/// `mount --make-rshared /` now, and what keeps it after a reboot.
pub fn fixes(systemd: bool, distro: &Distro) -> [Remediation; 2] {
    let now = Remediation::root("make / shared now", vec![MAKE_SHARED.into()])
        .unless(UNLESS)
        .until_reboot();
    let persistent = if systemd {
        // systemd makes / shared at boot; something marked it private later.
        Remediation::root(
            "systemd makes / shared at boot: remove what marks it private again (a \
             `private`/`rprivate` option for / in /etc/fstab, a unit or script running \
             `mount --make-private /` or `--make-rprivate /`)",
            vec![],
        )
    } else if distro.family == Family::Alpine {
        Remediation::root(
            "make / shared at every boot (an OpenRC local.d script)",
            vec![
                format!("printf '#!/bin/sh\\n{MAKE_SHARED}\\n' > /etc/local.d/rshared-root.start"),
                "chmod +x /etc/local.d/rshared-root.start".into(),
                "rc-update add local default".into(),
            ],
        )
        .unless("test -x /etc/local.d/rshared-root.start")
    } else {
        Remediation::root(
            format!(
                "make / shared at every boot: without systemd nothing does; add \
                 `{MAKE_SHARED}` to the init system's local start script (/etc/rc.local \
                 on sysvinit, before any `exit 0`)"
            ),
            vec![],
        )
    };
    [now, persistent]
}

const MAKE_SHARED: &str = "mount --make-rshared /";
const UNLESS: &str = "findmnt -no PROPAGATION / | grep -q shared";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::testing::debian;

    fn root(optional: &[&str], systemd: bool) -> RootPropagation {
        RootPropagation {
            optional: optional.iter().map(|o| o.to_string()).collect(),
            systemd,
        }
    }

    #[test]
    fn shared_is_fine_private_and_slave_warn() {
        assert!(root(&["shared:1"], true).finding(&debian()).is_none());
        assert!(root(&["shared:1", "master:2"], false)
            .finding(&debian())
            .is_none());
        let f = root(&[], false).finding(&debian()).unwrap();
        assert_eq!(f.status, Status::Warn);
        assert_eq!(f.code, Code::RootNotShared.code());
        assert!(f.message.contains("(/proc/self/mountinfo: private)"));
        assert!(f.message.contains("is not a shared mount"));
        assert_eq!(f.fixes[0].commands, ["mount --make-rshared /"]);
        assert!(!f.fixes[0].persistent);
        assert!(f.fixes[1].summary.contains("without systemd"));
        let f = root(&["master:363"], true).finding(&debian()).unwrap();
        assert!(f.message.contains("master:363"));
        assert!(f.fixes[1].summary.starts_with("systemd makes / shared"));
    }

    #[test]
    fn alpine_gets_a_local_d_script() {
        let alpine = Distro {
            family: Family::Alpine,
            id: "alpine".into(),
        };
        let f = root(&[], false).finding(&alpine).unwrap();
        assert!(f.fixes[1].commands[0].contains("/etc/local.d/rshared-root.start"));
        assert!(f.fixes[1].persistent);
    }

    #[test]
    fn gathers_the_first_root_line_through_the_host() {
        let dir = tempfile::tempdir().unwrap();
        crate::testing::put(
            dir.path(),
            "/proc/self/mountinfo",
            "1 0 0:1 / / rw - ext4 /dev/vda1 rw\n2 1 0:2 / /tmp rw shared:2 - tmpfs t rw\n",
        );
        let host = HostFs::rooted(dir.path());
        let root = RootPropagation::gather(&host).unwrap();
        assert!(!root.is_shared());
        assert!(!root.systemd);
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(RootPropagation::gather(&HostFs::rooted(empty.path())), None);
    }
}
