//! Field weights: how often each cause is behind a shared wording in the field.
//!
//! Contract: [`FIELD_WEIGHTS`] holds, per (pattern text, cause id), a weight
//! from 0 to 100, roughly the share of public issue threads with that wording
//! whose diagnosis was that cause. A pair not listed weighs [`DEFAULT`]
//! (`shared` and `follow-up` patterns) or [`OWN_WORDING`] (`named` and
//! `specific`, which point at one cause anyway). Weights only order candidates
//! of the same strength; evidence decoded from the text ([`super::evidence`])
//! adds to them. Every entry names a pattern the cause really lists (a test
//! checks it), and the threads behind each wording are cited in
//! `docs/explain.md` ("Field weights").

use super::Strength;

/// A pair not listed, for shared and follow-up patterns.
pub const DEFAULT: i32 = 10;
/// A pair not listed, for named and specific patterns.
pub const OWN_WORDING: i32 = 50;

/// One (pattern, cause) weight.
#[derive(Debug)]
pub struct FieldWeight {
    /// The pattern text exactly as the catalogue writes it.
    pub pattern: &'static str,
    /// The cause id.
    pub cause: &'static str,
    /// 0..=100: how often this cause is behind the wording.
    pub weight: i32,
}

const fn w(pattern: &'static str, cause: &'static str, weight: i32) -> FieldWeight {
    FieldWeight {
        pattern,
        cause,
        weight,
    }
}

const CLONE_OFF: &str = "userns-clone-sysctl-disabled";
const APPARMOR: &str = "ubuntu-apparmor-userns-restriction";
const PROFILE_PATH: &str = "ubuntu-apparmor-profile-path-mismatch";
const SANDBOX: &str = "userns-blocked-in-container-sandbox";
const CHROOT: &str = "userns-in-chroot";
const UNPRIV: &str = "newuidmap-unprivileged";
const RANGE: &str = "subuid-range-invalid";
const LXC: &str = "lxc-unprivileged-setup";
const NO_SUBUID: &str = "subuid-no-entry";
const SMALL: &str = "subuid-range-insufficient";
const STALE: &str = "subuid-stale-pause-process";
const CGROUP_V1: &str = "cgroup-v1-rootless-no-limits";
const NOT_DELEGATED: &str = "cgroup-controller-not-delegated";
const CGROUPFS: &str = "cgroup-no-systemd-cgroupfs-denied";

/// The weights, grouped by wording.
pub static FIELD_WEIGHTS: &[FieldWeight] = &[
    // rootlesskit, k3s, nerdctl: Ubuntu 24.04 hosts first, then outer
    // containers; the Debian sysctl is rare since Debian 11 turned it on.
    w(
        "fork/exec /proc/self/exe: operation not permitted",
        APPARMOR,
        45,
    ),
    w(
        "fork/exec /proc/self/exe: operation not permitted",
        SANDBOX,
        35,
    ),
    w(
        "fork/exec /proc/self/exe: operation not permitted",
        CLONE_OFF,
        15,
    ),
    w(
        "fork/exec /proc/self/exe: operation not permitted",
        CHROOT,
        5,
    ),
    w("fork/exec /proc/self/exe: permission denied", APPARMOR, 50),
    w("fork/exec /proc/self/exe: permission denied", SANDBOX, 35),
    w(
        "fork/exec /proc/self/exe: permission denied",
        PROFILE_PATH,
        15,
    ),
    // podman's clone: mostly podman in a container (CI runners, Kubernetes),
    // then Ubuntu 24.04 with a podman the profile does not cover.
    w("cannot clone: operation not permitted", SANDBOX, 45),
    w("cannot clone: operation not permitted", APPARMOR, 30),
    w("cannot clone: operation not permitted", CLONE_OFF, 20),
    w("cannot clone: operation not permitted", CHROOT, 5),
    w("cannot clone: permission denied", APPARMOR, 50),
    w("cannot clone: permission denied", PROFILE_PATH, 30),
    w("cannot clone: permission denied", SANDBOX, 20),
    // containers/storage and skopeo's unshare: inside containers, Ubuntu 24.
    w(
        "error during unshare(clone_newuser): operation not permitted",
        SANDBOX,
        45,
    ),
    w(
        "error during unshare(clone_newuser): operation not permitted",
        APPARMOR,
        30,
    ),
    w(
        "error during unshare(clone_newuser): operation not permitted",
        CLONE_OFF,
        20,
    ),
    w(
        "error during unshare(clone_newuser): operation not permitted",
        CHROOT,
        5,
    ),
    // util-linux unshare: default seccomp of an outer container, then the
    // Debian/Arch sysctl (AppArmor lets the unshare itself through).
    w("unshare failed: operation not permitted", SANDBOX, 45),
    w("unshare failed: operation not permitted", CLONE_OFF, 35),
    w("unshare failed: operation not permitted", CHROOT, 10),
    w("unshare failed: operation not permitted", APPARMOR, 10),
    // runc's nsexec: the sysctl on Arch/Debian hosts, runc inside containers.
    w(
        "failed to unshare namespaces: operation not permitted",
        CLONE_OFF,
        40,
    ),
    w(
        "failed to unshare namespaces: operation not permitted",
        SANDBOX,
        35,
    ),
    w(
        "failed to unshare namespaces: operation not permitted",
        APPARMOR,
        20,
    ),
    w(
        "failed to unshare namespaces: operation not permitted",
        CHROOT,
        5,
    ),
    w(
        "failed to unshare user namespace: operation not permitted",
        CLONE_OFF,
        40,
    ),
    w(
        "failed to unshare user namespace: operation not permitted",
        SANDBOX,
        35,
    ),
    w(
        "failed to unshare user namespace: operation not permitted",
        APPARMOR,
        20,
    ),
    w(
        "failed to unshare user namespace: operation not permitted",
        CHROOT,
        5,
    ),
    // bwrap (flatpak, Steam): in containers, then the sysctl.
    w(
        "creating new namespace failed: operation not permitted",
        SANDBOX,
        45,
    ),
    w(
        "creating new namespace failed: operation not permitted",
        CLONE_OFF,
        30,
    ),
    w(
        "creating new namespace failed: operation not permitted",
        APPARMOR,
        20,
    ),
    w(
        "creating new namespace failed: operation not permitted",
        CHROOT,
        5,
    ),
    // newuidmap's EPERM: a helper without setuid or file capabilities first,
    // then a container host (LXD, an outer container's 65536 ids), then a
    // range the kernel refuses; AppArmor and LXC setups last.
    w(
        "write to uid_map failed: operation not permitted",
        UNPRIV,
        45,
    ),
    w(
        "write to uid_map failed: operation not permitted",
        SANDBOX,
        25,
    ),
    w(
        "write to uid_map failed: operation not permitted",
        RANGE,
        15,
    ),
    w(
        "write to uid_map failed: operation not permitted",
        APPARMOR,
        10,
    ),
    w("write to uid_map failed: operation not permitted", LXC, 5),
    w(
        "write to gid_map failed: operation not permitted",
        UNPRIV,
        45,
    ),
    w(
        "write to gid_map failed: operation not permitted",
        SANDBOX,
        25,
    ),
    w(
        "write to gid_map failed: operation not permitted",
        RANGE,
        15,
    ),
    w(
        "write to gid_map failed: operation not permitted",
        APPARMOR,
        10,
    ),
    w("cannot set up namespace using", UNPRIV, 40),
    w("cannot set up namespace using", RANGE, 25),
    w("cannot set up namespace using", SANDBOX, 20),
    w("cannot set up namespace using", APPARMOR, 10),
    w("cannot setup namespace using", UNPRIV, 40),
    w("cannot setup namespace using", RANGE, 25),
    w("cannot setup namespace using", SANDBOX, 20),
    w("cannot setup namespace using", APPARMOR, 10),
    // mkdir in the cgroup tree: on cgroup v2 hosts (most today) the
    // controllers are not delegated or the cgroupfs manager is used without
    // a delegated cgroup; cgroup v1 hosts refuse it outright. The path decides.
    w("mkdir /sys/fs/cgroup/…permission denied", NOT_DELEGATED, 40),
    w("mkdir /sys/fs/cgroup/…permission denied", CGROUPFS, 35),
    w("mkdir /sys/fs/cgroup/…permission denied", CGROUP_V1, 25),
    // containers/storage's chown error: no range at all is the commonest
    // reading without numbers; the numbers decide (see evidence).
    w(
        "potentially insufficient uids or gids available in user namespace",
        NO_SUBUID,
        40,
    ),
    w(
        "potentially insufficient uids or gids available in user namespace",
        SMALL,
        35,
    ),
    w(
        "potentially insufficient uids or gids available in user namespace",
        STALE,
        25,
    ),
    w(
        "there might not be enough ids available in the namespace",
        NO_SUBUID,
        40,
    ),
    w(
        "there might not be enough ids available in the namespace",
        SMALL,
        35,
    ),
    w(
        "there might not be enough ids available in the namespace",
        STALE,
        25,
    ),
    // docker-library images and compose setups: a shell entrypoint "not
    // found in $PATH" was, in the threads, the script without its x bit.
    w(
        ".sh\": executable file not found in $path",
        "exec-permission-denied",
        70,
    ),
];

/// The field weight of `cause` for the pattern `text` of that strength.
pub fn weight(text: &str, cause: &str, strength: Strength) -> i32 {
    FIELD_WEIGHTS
        .iter()
        .find(|f| f.pattern == text && f.cause == cause)
        .map(|f| f.weight)
        .unwrap_or(match strength {
            Strength::Named | Strength::Specific => OWN_WORDING,
            Strength::Shared | Strength::FollowUp => DEFAULT,
        })
}
