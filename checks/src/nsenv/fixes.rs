//! Remediations shared by the user namespace and mount checks: a sysctl set
//! now and persistently, relaxing the container the doctor runs in, and an
//! AppArmor profile that grants `userns` to one runtime binary.
//!
//! Commands come from [`Distro`] where the distribution matters; all are
//! printed without `sudo`.

use crate::distro::Distro;
use crate::model::Remediation;
use crate::shell::quote;

/// The limit RHEL 7's documentation and rootlesscontaine.rs use for
/// `user.max_user_namespaces`.
pub const MAX_NAMESPACES_FIX: &str = "28633";

/// The two fixes for a sysctl: now (until reboot) and persistent.
pub fn sysctl(distro: &Distro, key: &str, value: &str, file: &str) -> [Remediation; 2] {
    [
        Remediation::root(
            format!("set {key} to {value} now"),
            distro.sysctl_now(key, value),
        )
        .until_reboot(),
        Remediation::root(
            format!("set {key} to {value} at every boot (/etc/sysctl.d/{file})"),
            distro.sysctl_persist(key, value, file),
        ),
    ]
}

/// `kernel.unprivileged_userns_clone = 1`, now and persistently.
pub fn clone_sysctl(distro: &Distro) -> [Remediation; 2] {
    sysctl(
        distro,
        "kernel.unprivileged_userns_clone",
        "1",
        "99-rootless-userns-clone.conf",
    )
}

/// A namespace limit raised to [`MAX_NAMESPACES_FIX`], now and persistently.
pub fn max_namespaces(distro: &Distro, key: &str) -> [Remediation; 2] {
    let file = format!("99-rootless-{}.conf", key.rsplit('.').next().unwrap_or(key));
    sysctl(distro, key, MAX_NAMESPACES_FIX, &file.replace('_', "-"))
}

/// `kernel.apparmor_restrict_unprivileged_userns = 0`, now and persistently.
pub fn apparmor_sysctl(distro: &Distro) -> [Remediation; 2] {
    sysctl(
        distro,
        "kernel.apparmor_restrict_unprivileged_userns",
        "0",
        "99-rootless-apparmor-userns.conf",
    )
}

/// The file name AppArmor's convention gives a profile for `path`:
/// `/usr/sbin/runc` is `usr.sbin.runc`.
pub fn profile_file_name(path: &str) -> String {
    path.trim_start_matches('/').replace('/', ".")
}

/// Directories whose programs only root can replace: a profile is offered
/// only for a runtime in one of them, since an unconfined, userns-allowed
/// profile for a copy the user can replace (`~/bin/runc`) would lift the
/// restriction for whatever the user puts there.
pub const PROFILE_DIRS: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
    "/usr/libexec",
];

/// True when `path` (canonical) sits directly in one of [`PROFILE_DIRS`].
pub fn in_profile_dir(path: &str) -> bool {
    std::path::Path::new(path)
        .parent()
        .and_then(|dir| dir.to_str())
        .is_some_and(|dir| PROFILE_DIRS.contains(&dir))
}

/// A profile that lets `path` create user namespaces, loaded at once.
///
/// `profile_name` is the tool's name unless /etc/apparmor.d already declares
/// a profile of that name (then the file name is used, so that loading the
/// new profile does not replace the shipped one).
pub fn apparmor_profile(tool: &str, path: &str, profile_name: &str) -> Remediation {
    let file = quote(&format!("/etc/apparmor.d/{}", profile_file_name(path))).into_owned();
    let header = format!("profile {profile_name} {path} flags=(unconfined) {{");
    Remediation::root(
        format!("give {tool} ({path}) an AppArmor profile that allows user namespaces"),
        vec![
            format!(
                "printf '%s\\n' 'abi <abi/4.0>,' 'include <tunables/global>' '' {} '  userns,' '}}' \
                 > {file}",
                quote(&header)
            ),
            format!("apparmor_parser -r {file}"),
        ],
    )
}

/// Relaxing the sandbox of the container the doctor (and the runtimes) run in.
pub fn relax_container() -> Remediation {
    Remediation::root(
        "start the outer container without the seccomp and AppArmor filters that forbid \
         user namespaces (or with --privileged)",
        vec![
            "docker run --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
             --security-opt systempaths=unconfined --device /dev/fuse IMAGE"
                .to_string(),
        ],
    )
}

/// The distribution's stock kernel package, for "boot a newer or complete kernel".
pub fn kernel_package(distro: &Distro) -> &'static str {
    use crate::distro::Family::*;
    match distro.family {
        Debian if distro.id == "ubuntu" => "linux-generic",
        Debian => "linux-image-$(dpkg --print-architecture)",
        Fedora | Rhel7 => "kernel",
        Arch => "linux",
        Suse => "kernel-default",
        Alpine => "linux-lts",
        Unknown => "a kernel",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::os_release::OsRelease;

    #[test]
    fn sysctl_fixes_come_in_pairs() {
        let distro = Distro::from_os_release(&OsRelease::parse("ID=debian\n"));
        let [now, persist] = max_namespaces(&distro, "user.max_user_namespaces");
        assert!(!now.persistent && now.requires_root);
        assert_eq!(now.commands, ["sysctl -w user.max_user_namespaces=28633"]);
        assert!(persist.persistent);
        assert_eq!(
            persist.commands[0],
            "echo 'user.max_user_namespaces = 28633' > \
             /etc/sysctl.d/99-rootless-max-user-namespaces.conf"
        );
    }

    #[test]
    fn a_hostile_runtime_path_stays_data_for_the_shell() {
        let fix = apparmor_profile("runc", "/opt/x'$(id>&2)'/runc", "runc");
        let dir = tempfile::tempdir().expect("temp dir");
        let script =
            fix.commands[0].replace("/etc/apparmor.d/", &format!("{}/", dir.path().display()));
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .output()
            .expect("sh runs");
        assert!(
            out.status.success() && out.stderr.is_empty(),
            "{script}: {out:?}"
        );
        let written = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("read"))
            .collect::<Vec<_>>();
        assert_eq!(written.len(), 1, "{written:?}");
        assert!(
            written[0].contains(
                "profile runc /opt/x'$(id>&2)'/runc flags=(unconfined) {\n  userns,\n}\n"
            ),
            "{}",
            written[0]
        );
    }

    #[test]
    fn profiles_are_offered_only_where_root_alone_can_replace_the_runtime() {
        assert!(in_profile_dir("/usr/sbin/runc"));
        assert!(!in_profile_dir("/home/alice/bin/runc"));
        assert!(!in_profile_dir("/usr/sbin/sub/runc"));
    }

    #[test]
    fn profiles_are_named_after_the_path() {
        let fix = apparmor_profile("runc", "/usr/sbin/runc", "runc");
        assert_eq!(
            fix.commands[0],
            "printf '%s\\n' 'abi <abi/4.0>,' 'include <tunables/global>' '' \
             'profile runc /usr/sbin/runc flags=(unconfined) {' '  userns,' '}' \
             > /etc/apparmor.d/usr.sbin.runc"
        );
        assert_eq!(
            fix.commands[1],
            "apparmor_parser -r /etc/apparmor.d/usr.sbin.runc"
        );
    }
}
