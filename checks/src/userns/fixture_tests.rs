//! Fixture tests: the userns checks gathered and judged through a rooted
//! [`HostFs`] and canned probe results, as `check` runs them.

use super::Code;
use crate::model::{CommonCode, Evidence, Status};
use crate::probe::{CannedProbes, NoProbes};
use crate::testing::{put, run_with};
use std::fs;
use std::os::unix::fs::PermissionsExt;

fn canned(json: &str) -> CannedProbes {
    CannedProbes::from_json(json).unwrap()
}

#[test]
fn debian_with_the_clone_sysctl_off() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(root, "/proc/sys/kernel/unprivileged_userns_clone", "0\n");
    put(root, "/proc/sys/user/max_user_namespaces", "63000\n");
    put(root, "/proc/sys/user/max_mnt_namespaces", "63000\n");
    put(root, "/proc/self/status", "Seccomp:\t0\nNoNewPrivs:\t0\n");
    let probes = canned(
        r#"{"userns-create": {"report": {"ok": false, "step": "unshare", "errno": "EPERM",
            "detail": "unshare: operation not permitted", "facts": {"seccomp": "0"}}}}"#,
    );
    let clone = run_with(root, "ID=debian\n", &probes, &super::CLONE_SYSCTL);
    assert_eq!(clone.status, Status::Fail);
    assert!(clone.is(Code::CloneSysctlOff));
    let max = run_with(root, "ID=debian\n", &probes, &super::MAX_NAMESPACES);
    assert_eq!(max.status, Status::Pass);
    let apparmor = run_with(root, "ID=debian\n", &probes, &super::APPARMOR);
    assert_eq!(apparmor.status, Status::Skip);
    assert!(apparmor.is(Code::KnobAbsent));
    let create = run_with(root, "ID=debian\n", &probes, &super::CREATE);
    assert_eq!(create.status, Status::Fail);
    assert!(create.is(Code::CloneSysctlOff));
    assert!(create
        .message
        .starts_with("kernel.unprivileged_userns_clone is 0"));
    assert!(create
        .evidence
        .contains(&Evidence::setting("kernel.unprivileged_userns_clone", "0")));
}

#[test]
fn ubuntu_with_the_apparmor_restriction() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(
        root,
        "/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
        "1\n",
    );
    put(root, "/proc/sys/kernel/unprivileged_userns_clone", "1\n");
    put(
        root,
        "/etc/apparmor.d/podman",
        "abi <abi/4.0>,\ninclude <tunables/global>\nprofile podman /usr/bin/podman flags=(unconfined) {\n  userns,\n}\n",
    );
    for bin in ["/usr/sbin/runc", "/usr/bin/podman"] {
        put(root, bin, "");
        fs::set_permissions(
            root.join(bin.trim_start_matches('/')),
            fs::Permissions::from_mode(0o755),
        )
        .unwrap();
    }
    let probes = canned(
        r#"{"userns-create": {"report": {"ok": false, "step": "uid_map", "errno": "EPERM",
            "detail": "write /proc/self/uid_map: operation not permitted",
            "facts": {"cap_sys_admin": "no", "seccomp": "0"}}}}"#,
    );
    let os = "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\n";
    let apparmor = run_with(root, os, &probes, &super::APPARMOR);
    assert_eq!(apparmor.status, Status::Fail, "{apparmor:?}");
    assert!(apparmor.is(Code::ApparmorRestriction));
    assert!(apparmor
        .message
        .contains("runc (/usr/sbin/runc) has no AppArmor profile"));
    assert!(apparmor.remediation[0].commands[0].contains("profile runc /usr/sbin/runc"));
    let create = run_with(root, os, &probes, &super::CREATE);
    assert_eq!(create.status, Status::Fail);
    assert!(create.is(Code::ApparmorRestriction));
    assert!(create.message.contains("podman is covered"));
    // Without probes the restriction is only a warning.
    let apparmor = run_with(root, os, &NoProbes, &super::APPARMOR);
    assert_eq!(apparmor.status, Status::Warn);
    assert!(apparmor.is(Code::RestrictionUnconfirmed));
    assert!(apparmor.message.contains("live probes not run"));
}

#[test]
fn a_healthy_host_passes_and_no_probes_skip() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(root, "/proc/sys/user/max_user_namespaces", "63000\n");
    put(root, "/proc/sys/user/max_mnt_namespaces", "63000\n");
    let probes = canned(
        r#"{"userns-create": {"report": {"ok": true, "detail": "mapped",
            "facts": {"uid_map": "0 1000 1", "cap_sys_admin": "yes"}}}}"#,
    );
    let create = run_with(root, "ID=fedora\n", &probes, &super::CREATE);
    assert_eq!(create.status, Status::Pass);
    let clone = run_with(root, "ID=fedora\n", &probes, &super::CLONE_SYSCTL);
    assert_eq!(clone.status, Status::Skip);
    assert!(clone.is(Code::KnobAbsent));
    let create = run_with(root, "ID=fedora\n", &NoProbes, &super::CREATE);
    assert_eq!(create.status, Status::Skip);
    assert!(create.is(CommonCode::ProbeNotRun));
    assert!(create.message.contains("fixture host"));
}

#[test]
fn a_ci_container_with_seccomp() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    put(root, "/proc/sys/user/max_user_namespaces", "63000\n");
    put(root, "/run/.containerenv", "");
    put(root, "/proc/self/status", "Seccomp:\t2\nNoNewPrivs:\t1\n");
    let probes = canned(
        r#"{"userns-create": {"report": {"ok": false, "step": "unshare", "errno": "EPERM",
            "facts": {"seccomp": "2", "nonewprivs": "1"}}}}"#,
    );
    let create = run_with(root, "ID=debian\n", &probes, &super::CREATE);
    assert_eq!(create.status, Status::Fail);
    assert!(create.is(Code::SeccompFilter));
    assert!(create.message.contains("seccomp filter"));
    assert!(create.message.contains("inside a container"));
    assert!(create
        .evidence
        .contains(&Evidence::fact("nonewprivs", "NoNewPrivs: 1")));
}
