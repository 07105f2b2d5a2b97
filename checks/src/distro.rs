//! How to fix things on this distribution: one place for package names,
//! package-manager commands and persistent sysctls.
//!
//! The family is chosen from os-release `ID` first, then `ID_LIKE`. Both the
//! remediation in `check`'s report and `setup`'s script come from here.
//! Commands are printed without `sudo`; [`crate::Remediation::requires_root`]
//! says who runs them.

use crate::os_release::OsRelease;

/// A distribution family that shares packaging.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// Debian, Ubuntu and their derivatives (apt).
    Debian,
    /// Fedora, RHEL 8+, CentOS Stream, Rocky, Alma (dnf).
    Fedora,
    /// RHEL and CentOS 7 (yum).
    Rhel7,
    /// Arch and its derivatives (pacman).
    Arch,
    /// openSUSE and SLES (zypper).
    Suse,
    /// Alpine (apk, doas, OpenRC).
    Alpine,
    /// Anything else: commands are given for the tool names only.
    Unknown,
}

/// Something the doctor may ask the user to install.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Component {
    /// newuidmap and newgidmap.
    Uidmap,
    /// usermod with `--add-subuids`.
    Usermod,
    FuseOverlayfs,
    Runc,
    Crun,
    /// The user's D-Bus session bus (systemd user instance).
    DbusUserSession,
}

/// The distribution as far as fixing things goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distro {
    pub family: Family,
    /// `ID`, kept for messages.
    pub id: String,
}

impl Distro {
    /// Classifies an os-release.
    pub fn from_os_release(release: &OsRelease) -> Self {
        let family = std::iter::once(release.id.as_str())
            .chain(release.id_like.iter().map(String::as_str))
            .find_map(|id| family_of(id, release.version_id.as_deref()))
            .unwrap_or(Family::Unknown);
        Distro {
            family,
            id: release.id.clone(),
        }
    }

    /// The package that provides a component here.
    pub fn package(&self, component: Component) -> &'static str {
        use Component::*;
        use Family::*;
        match (component, self.family) {
            (Uidmap, Debian | Unknown) => "uidmap",
            (Uidmap, Fedora | Rhel7) => "shadow-utils",
            (Uidmap, Arch | Suse) => "shadow",
            (Uidmap, Alpine) => "shadow-uidmap",
            (Usermod, Debian | Unknown) => "passwd",
            (Usermod, Fedora | Rhel7) => "shadow-utils",
            (Usermod, Arch | Suse | Alpine) => "shadow",
            (FuseOverlayfs, _) => "fuse-overlayfs",
            (Runc, _) => "runc",
            (Crun, _) => "crun",
            (DbusUserSession, Debian | Unknown) => "dbus-user-session",
            (DbusUserSession, Fedora | Rhel7) => "dbus-daemon",
            (DbusUserSession, Arch | Alpine) => "dbus",
            (DbusUserSession, Suse) => "dbus-1",
        }
    }

    /// The command that installs packages.
    pub fn install(&self, packages: &[&str]) -> String {
        let list = packages.join(" ");
        match self.family {
            Family::Debian => format!("apt-get install -y {list}"),
            Family::Fedora => format!("dnf install -y {list}"),
            Family::Rhel7 => format!("yum install -y {list}"),
            Family::Arch => format!("pacman -S --needed --noconfirm {list}"),
            Family::Suse => format!("zypper --non-interactive install {list}"),
            Family::Alpine => format!("apk add {list}"),
            Family::Unknown => format!("install {list} with this system's package manager"),
        }
    }

    /// The command that restores a package's files and their privileges.
    pub fn reinstall(&self, package: &str) -> String {
        match self.family {
            Family::Debian => format!("apt-get install --reinstall -y {package}"),
            Family::Fedora => format!("dnf reinstall -y {package}"),
            Family::Rhel7 => format!("yum reinstall -y {package}"),
            Family::Arch => format!("pacman -S --noconfirm {package}"),
            Family::Suse => format!("zypper --non-interactive install -f {package}"),
            Family::Alpine => format!("apk fix {package}"),
            Family::Unknown => format!("reinstall {package} with this system's package manager"),
        }
    }

    /// Commands that set a sysctl now, until reboot.
    pub fn sysctl_now(&self, key: &str, value: &str) -> Vec<String> {
        vec![format!("sysctl -w {key}={value}")]
    }

    /// Commands that persist a sysctl in /etc/sysctl.d and load it.
    pub fn sysctl_persist(&self, key: &str, value: &str, file: &str) -> Vec<String> {
        let path = format!("/etc/sysctl.d/{file}");
        let load = match self.family {
            Family::Alpine => format!("sysctl -p {path}"),
            _ => "sysctl --system".to_string(),
        };
        vec![format!("echo '{key} = {value}' > {path}"), load]
    }
}

fn family_of(id: &str, version_id: Option<&str>) -> Option<Family> {
    let major = version_id.and_then(|v| v.split('.').next());
    Some(match id {
        "debian" | "ubuntu" | "linuxmint" | "pop" | "raspbian" | "kali" | "elementary" => {
            Family::Debian
        }
        "rhel" | "centos" | "ol" if major == Some("7") => Family::Rhel7,
        "fedora" | "rhel" | "centos" | "rocky" | "almalinux" | "ol" | "amzn" => Family::Fedora,
        "arch" | "manjaro" | "endeavouros" | "artix" => Family::Arch,
        "opensuse" | "opensuse-leap" | "opensuse-tumbleweed" | "sles" | "suse" => Family::Suse,
        "alpine" | "postmarketos" => Family::Alpine,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn distro(text: &str) -> Distro {
        Distro::from_os_release(&OsRelease::parse(text))
    }

    #[test]
    fn id_like_chooses_the_family() {
        assert_eq!(distro("ID=ubuntu\nID_LIKE=debian\n").family, Family::Debian);
        assert_eq!(
            distro("ID=weird\nID_LIKE=\"rhel centos fedora\"\n").family,
            Family::Fedora
        );
        assert_eq!(
            distro("ID=centos\nVERSION_ID=\"7\"\n").family,
            Family::Rhel7
        );
        assert_eq!(
            distro("ID=opensuse-tumbleweed\nID_LIKE=\"opensuse suse\"\n").family,
            Family::Suse
        );
        assert_eq!(distro("ID=nothing\n").family, Family::Unknown);
    }

    #[test]
    fn newuidmap_comes_from_the_right_package() {
        let cases = [
            ("ID=debian\n", "uidmap", "apt-get install -y uidmap"),
            ("ID=fedora\n", "shadow-utils", "dnf install -y shadow-utils"),
            (
                "ID=centos\nVERSION_ID=7\n",
                "shadow-utils",
                "yum install -y shadow-utils",
            ),
            (
                "ID=arch\n",
                "shadow",
                "pacman -S --needed --noconfirm shadow",
            ),
            (
                "ID=opensuse-leap\n",
                "shadow",
                "zypper --non-interactive install shadow",
            ),
            ("ID=alpine\n", "shadow-uidmap", "apk add shadow-uidmap"),
        ];
        for (release, package, install) in cases {
            let d = distro(release);
            assert_eq!(d.package(Component::Uidmap), package, "{release}");
            assert_eq!(d.install(&[package]), install, "{release}");
        }
    }

    #[test]
    fn alpine_loads_sysctls_without_system() {
        let persist = distro("ID=alpine\n").sysctl_persist(
            "user.max_user_namespaces",
            "28633",
            "99-rootless.conf",
        );
        assert_eq!(persist[1], "sysctl -p /etc/sysctl.d/99-rootless.conf");
    }
}
