//! The catalogue of causes, in causal order (A → I): a user namespace failure
//! explains every later line, so earlier entries rank first among equals.
//!
//! Ids come from `failure-modes.md` (A1 … I6) where an entry fits; the bundle
//! causes (`runc-exec-fifo-chown`, `bundle-*`, `runc-tty-console-socket`) and
//! `crun-cgroup-hybrid-unsupported` are added from the runtimes' own messages.
//! Messages were copied from that file, from `runtime-internals.md`, and from
//! real runs of runc 1.1.5 and crun 1.8.1 (Debian 12); each pattern is written
//! as the tool prints it and normalised at first use (see `normalize`).
//! Fragments joined by `…` must appear in order; a leading `^` anchors the
//! first fragment at the start of the normalised line.
//!
//! One exception to the causal order: `storage-noexec` sits after
//! `exec-permission-denied`, since the shared exec wording most often means
//! missing mode bits and only the checks can tell a noexec mount.

use super::{Cause, CheckRef, Fix, Pattern, Strength};

const fn named(text: &'static str) -> Pattern {
    Pattern {
        text,
        strength: Strength::Named,
    }
}
const fn specific(text: &'static str) -> Pattern {
    Pattern {
        text,
        strength: Strength::Specific,
    }
}
const fn shared(text: &'static str) -> Pattern {
    Pattern {
        text,
        strength: Strength::Shared,
    }
}
const fn follow_up(text: &'static str) -> Pattern {
    Pattern {
        text,
        strength: Strength::FollowUp,
    }
}
const fn check(id: &'static str) -> CheckRef {
    CheckRef { id, when: &[] }
}
const fn check_when(id: &'static str, when: &'static [&'static str]) -> CheckRef {
    CheckRef { id, when }
}
const fn root(summary: &'static str, commands: &'static [&'static str]) -> Fix {
    Fix {
        summary,
        commands,
        requires_root: true,
        persistent: true,
    }
}
const fn root_now(summary: &'static str, commands: &'static [&'static str]) -> Fix {
    Fix {
        summary,
        commands,
        requires_root: true,
        persistent: false,
    }
}
const fn user(summary: &'static str, commands: &'static [&'static str]) -> Fix {
    Fix {
        summary,
        commands,
        requires_root: false,
        persistent: true,
    }
}

// Follow-up lines shared by several causes (tier 3 in failure-modes.md J.2).
const FINAL_CHILD_PID: Pattern = follow_up("final child's pid from pipe…eof");
const SYNC_USERMAP: Pattern = follow_up("failed to sync with parent: read(sync_usermap_ack)");
const LDCONFIG: Pattern = follow_up("ldconfig failed, exit status 256");
const ROOTLESSKIT_FAILED: Pattern = follow_up("rootlesskit failed, see the error messages");
const REEXEC: Pattern = follow_up("cannot re-exec process");
const INIT_P: Pattern = follow_up("write init-p: broken pipe");
const DOCKER_SERVICE: Pattern = follow_up("failed to start docker.service");
const DOCKER_SERVICE_JOB: Pattern = follow_up("job for docker.service failed");

// Errno wording shared by the user namespace causes (J.3).
const FORK_EXEC_EPERM: Pattern = shared("fork/exec /proc/self/exe: operation not permitted");
const FORK_EXEC_EACCES: Pattern = shared("fork/exec /proc/self/exe: permission denied");
const FORK_EXEC_ENOSPC: Pattern = shared("fork/exec /proc/self/exe: no space left on device");
const FORK_EXEC_EINVAL: Pattern = shared("fork/exec /proc/self/exe: invalid argument");
const CLONE_EPERM: Pattern = shared("cannot clone: operation not permitted");
const CLONE_EACCES: Pattern = shared("cannot clone: permission denied");
const CLONE_EINVAL: Pattern = shared("cannot clone: invalid argument");
const UNSHARE_EPERM: Pattern = shared("unshare failed: operation not permitted");
const UNSHARE_EINVAL: Pattern = shared("unshare failed: invalid argument");
const UNSHARE_ENOSPC: Pattern = shared("unshare failed: no space left on device");
const NSENTER_EPERM: Pattern = shared("failed to unshare namespaces: operation not permitted");
const NSEXEC_EPERM: Pattern = shared("failed to unshare user namespace: operation not permitted");
const NSEXEC_ENOSPC: Pattern = shared("failed to unshare user namespace: no space left on device");
const NSEXEC_EINVAL: Pattern = shared("failed to unshare user namespace: invalid argument");
const BWRAP_EPERM: Pattern = shared("creating new namespace failed: operation not permitted");
const BWRAP_NO_PERMS: Pattern = shared("no permissions to creat…new namespace");
const BWRAP_DEBIAN: Pattern = shared("deb.li/bubblewrap");
const BWRAP_NOT_SUPPORTED: Pattern = shared(
    "creating new namespace failed, likely because the kernel does not support user namespaces",
);
const BWRAP_ENOSPC: Pattern =
    shared("creating new namespace failed: nesting depth or /proc/sys/user/max_");
const STORAGE_UNSHARE_EPERM: Pattern =
    shared("error during unshare(clone_newuser): operation not permitted");
const LXC_CLONE_EPERM: Pattern =
    shared("operation not permitted - failed to clone a new set of namespaces");
const LXC_CLONE_EINVAL: Pattern =
    shared("invalid argument - failed to clone a new set of namespaces");
const UID_MAP_EPERM_BWRAP: Pattern = shared("setting up uid map: permission denied");
const UID_MAP_EPERM_UNSHARE: Pattern =
    shared("write failed /proc/self/uid_map: operation not permitted");
const GID_MAP_EPERM_UNSHARE: Pattern =
    shared("write failed /proc/self/gid_map: operation not permitted");
const SETGROUPS_EPERM_UNSHARE: Pattern = shared("write failed /proc/self/setgroups");
const OPEN_UID_MAP_EACCES: Pattern = shared("cannot open /proc/self/uid_map: permission denied");
const SETGROUPS_DENIED: Pattern = shared("write /proc/self/setgroups…permission denied");
const APPARMOR_RESTRICT: Pattern = named("apparmor_restrict_unprivileged_userns");
const APPARMOR_UNUSABLE_SANDBOX: Pattern =
    named("unusable sandbox! if you are running on ubuntu 23.10+");
const APPARMOR_PROFILE: Pattern = named("profile=\"unprivileged_userns\"");
const APPARMOR_RESTRICTED: Pattern = named("user namespace creation restricted");
const APPTAINER_EACCES: Pattern = specific("failed to create user namespace: permission denied");
const BWRAP_EACCES: Pattern = specific("creating new namespace failed: permission denied");
const REEXEC_EACCES: Pattern = shared("failed to reexec: permission denied");
const FAILED_CHILD_CLONE: Pattern =
    shared("can't init user+mount namespaces: operation not permitted");

// newuidmap wording shared by B2, B6, A4, A7, I2.
const NEWUIDMAP_EPERM: Pattern = shared("write to uid_map failed: operation not permitted");
const NEWGIDMAP_EPERM: Pattern = shared("write to gid_map failed: operation not permitted");
const CRUN_UID_MAP_EPERM: Pattern = shared("write to \"uid_map\": operation not permitted");
const CRUN_GID_MAP_EPERM: Pattern = shared("write to \"gid_map\": operation not permitted");
const SETUP_NAMESPACE_USING: Pattern = shared("cannot set up namespace using");
const SETUP_NAMESPACE_USING_OLD: Pattern = shared("cannot setup namespace using");
const FAILED_NEWUID_MAP: Pattern = shared("failed to use newuid map on");
const FAILED_NEWGID_MAP: Pattern = shared("failed to use newgid map on");

// ID shortage wording shared by B3, B4, B5.
const INSUFFICIENT_IDS: Pattern =
    shared("potentially insufficient uids or gids available in user namespace");
const NOT_ENOUGH_IDS: Pattern = shared("there might not be enough ids available in the namespace");
const LCHOWN_EINVAL: Pattern = shared("lchown…: invalid argument");
const SETUP_USER_EINVAL: Pattern = shared("setup user: invalid argument");

// Exec wording shared by G4 and E7.
const EXEC_EACCES_OLD: Pattern = shared("exec user process caused…permission denied");
const EXEC_EACCES_LOOKPATH: Pattern = shared("exec: \"…\": permission denied");
const EXEC_EACCES: Pattern = shared("^exec /…: permission denied");
const EXEC_EACCES_CRUN: Pattern = shared("exec container process…permission denied");
const EACCESS_GO119: Pattern = shared("eaccess /…: permission denied");

// /proc mount wording shared by H1 and A7.
const MOUNT_PROC_CRUN: Pattern = shared("mount \"…proc\" to \"");
const MOUNT_PROC_BWRAP: Pattern = shared("can't mount proc on");
const MOUNT_PROC_RUNC: Pattern = shared("mounting \"proc\" to rootfs");
const MOUNT_PROC_RUNC12: Pattern = shared("mount src=proc,");
const MOUNT_PROC_SHELL: Pattern = shared("mount: /proc: permission denied");

// cgroup permission wording shared by D1, D2, D3.
const CGROUP_MKDIR_EACCES: Pattern = shared("mkdir /sys/fs/cgroup/…permission denied");
const CGROUP_SUBTREE_EACCES: Pattern = shared("cgroup.subtree_control…permission denied");
const CGROUP_PROCS_EACCES: Pattern = shared("cgroup.procs…permission denied");
const CGROUP_NO_PERMISSION: Pattern =
    shared("rootless needs no limits + no cgrouppath when no permission is granted for cgroups");

// Session wording shared by C1 and C2.
const BUS_CONNECT: Pattern = shared("failed to connect to bus");
const BUS_DIAL: Pattern = shared("dial unix /run/user/…/bus");
const SANDBOX_CGROUP: Pattern = shared("failed to add podman to systemd sandbox cgroup");
const SYSTEMD_NOT_DETECTED: Pattern =
    shared("systemd not detected, dockerd-rootless.sh needs to be started manually");

// Storage wording shared by E5 and H4.
const LSETXATTR_ENOTSUP: Pattern = shared("lsetxattr…operation not supported");

const SYSCTL_CLONE_NOW: Fix = root_now(
    "allow unprivileged user namespaces until the next reboot",
    &["sysctl -w kernel.unprivileged_userns_clone=1"],
);
const SYSCTL_CLONE_PERSIST: Fix = root(
    "allow unprivileged user namespaces for good",
    &[
        "echo 'kernel.unprivileged_userns_clone=1' > /etc/sysctl.d/99-rootless.conf",
        "sysctl --system",
    ],
);
const SYSCTL_MAX_NOW: Fix = root_now(
    "raise the user namespace limit until the next reboot",
    &["sysctl -w user.max_user_namespaces=28633"],
);
const SYSCTL_MAX_PERSIST: Fix = root(
    "raise the user namespace limit for good",
    &[
        "echo 'user.max_user_namespaces=28633' > /etc/sysctl.d/99-rootless.conf",
        "sysctl --system",
    ],
);
const APPARMOR_PROFILE_FIX: Fix = root(
    "give the failing program an AppArmor profile with the userns rule: create \
     /etc/apparmor.d/<path with / as .> containing `abi <abi/4.0>, include <tunables/global> \
     <binary path> flags=(unconfined) { userns, }`, then reload AppArmor",
    &["systemctl reload apparmor.service"],
);
const APPARMOR_SYSCTL_FIX: Fix = root(
    "or lift the restriction for every program (weakest option)",
    &[
        "echo 'kernel.apparmor_restrict_unprivileged_userns=0' > /etc/sysctl.d/60-apparmor-userns.conf",
        "sysctl --system",
    ],
);
const SANDBOX_FIX: Fix = root(
    "relax the outer sandbox: run the outer container with --privileged, or with \
     --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
     --security-opt systempaths=unconfined and --device /dev/fuse",
    &[],
);
const INSTALL_UIDMAP_FIX: Fix = root(
    "install newuidmap and newgidmap (Debian/Ubuntu: uidmap; Fedora/RHEL: shadow-utils; \
     Arch, openSUSE: shadow; Alpine: shadow-uidmap) and make sure they are on the PATH the \
     runtime sees",
    &[],
);
const REINSTALL_UIDMAP_FIX: Fix = root(
    "make newuidmap and newgidmap setuid root (or give them cap_setuid/cap_setgid file \
     capabilities) on a filesystem mounted without nosuid; reinstalling the package restores it",
    &[
        "chown root:root /usr/bin/newuidmap /usr/bin/newgidmap",
        "chmod u+s /usr/bin/newuidmap /usr/bin/newgidmap",
    ],
);
const ADD_SUBIDS_FIX: Fix = root(
    "give the user a subordinate id range that overlaps no one else's, then reset podman's \
     user namespace with `podman system migrate` (as the user)",
    &["usermod --add-subuids 100000-165535 --add-subgids 100000-165535 <user>"],
);
const MIGRATE_FIX: Fix = user(
    "stop podman's pause process so the next command builds a new user namespace",
    &["podman system migrate"],
);
const LOGIN_FIX: Fix = user(
    "log in as the user through a real session (ssh, a graphical login, or \
     `machinectl shell <user>@` as root) so /run/user/<uid> exists and \
     XDG_RUNTIME_DIR points at it; su and sudo do not create one",
    &[],
);
const LINGER_FIX: Fix = root(
    "keep the user's systemd instance (and /run/user/<uid>) alive without a login",
    &["loginctl enable-linger <user>"],
);
const DELEGATE_FIX: Fix = root(
    "delegate cpu, cpuset, io, memory and pids to user sessions, then log in again",
    &[
        "mkdir -p /etc/systemd/system/user@.service.d",
        "printf '[Service]\\nDelegate=cpu cpuset io memory pids\\n' > /etc/systemd/system/user@.service.d/delegate.conf",
        "systemctl daemon-reload",
    ],
);
const CGROUP_V2_FIX: Fix = root(
    "boot with the unified cgroup v2 hierarchy: add systemd.unified_cgroup_hierarchy=1 to the \
     kernel command line (GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub or grubby) \
     and reboot",
    &[],
);
const FUSE_OVERLAYFS_FIX: Fix = root(
    "install fuse-overlayfs (and fuse3) and point the storage at it: \
     mount_program = \"/usr/bin/fuse-overlayfs\" under [storage.options.overlay] in \
     ~/.config/containers/storage.conf, or use a kernel >= 5.11",
    &[],
);
const FIX_ENTRYPOINT: Fix = user(
    "fix the image or bundle: check process.args[0] (CMD/ENTRYPOINT), the PATH in \
     process.env, and the file inside the rootfs",
    &[],
);

/// Every known cause, in causal order.
pub static CAUSES: &[Cause] = &[
    // ---------------------------------------------------------------- A. userns
    Cause {
        id: "userns-clone-sysctl-disabled",
        title: "unprivileged user namespaces disabled by kernel.unprivileged_userns_clone",
        explanation: "Debian and Arch kernels (and linux-hardened) carry a patch adding \
            kernel.unprivileged_userns_clone. When it is 0, only processes with CAP_SYS_ADMIN \
            may create a user namespace, so every rootless runtime fails at its first clone \
            or unshare with EPERM.",
        patterns: &[
            named("user namespaces are not enabled in /proc/sys/kernel/unprivileged_userns_clone"),
            named("/proc/sys/kernel/unprivileged_userns_clone needs to be set to 1"),
            named("requires to set /proc/sys/kernel/unprivileged_userns_clone to 1"),
            named("user enabled (root only)"),
            specific("exec setns process for init caused \"exit status 39\""),
            FORK_EXEC_EPERM,
            CLONE_EPERM,
            UNSHARE_EPERM,
            NSENTER_EPERM,
            NSEXEC_EPERM,
            BWRAP_EPERM,
            BWRAP_NO_PERMS,
            BWRAP_DEBIAN,
            STORAGE_UNSHARE_EPERM,
            LXC_CLONE_EPERM,
            FINAL_CHILD_PID,
            LDCONFIG,
            ROOTLESSKIT_FAILED,
            REEXEC,
            INIT_P,
        ],
        checks: &[
            check("userns.clone-sysctl"),
            check_when(
                "userns.create",
                &["unprivileged_userns_clone", "clone-sysctl", "userns_clone"],
            ),
        ],
        remediation: &[SYSCTL_CLONE_NOW, SYSCTL_CLONE_PERSIST],
        yields_to: &[],
    },
    Cause {
        id: "userns-max-zero",
        title: "user namespaces capped at zero by user.max_user_namespaces",
        explanation: "user.max_user_namespaces limits how many user namespaces may exist; \
            RHEL/CentOS 7 and hardened images set it to 0. Mainline kernels then answer \
            ENOSPC (\"no space left on device\"), RHEL 7 answers EINVAL, so the same cause \
            reads differently per kernel.",
        patterns: &[
            named("user namespaces are not enabled in /proc/sys/user/max_user_namespaces"),
            named("/proc/sys/user/max_user_namespaces needs to be set to non-zero"),
            named("failed to create user namespace: user namespace disabled"),
            specific("maximum number of user namespaces exceeded, check /proc/sys/user/max_user_namespaces"),
            specific("exec setns process for init caused \"exit status 40\""),
            shared("failed invoking the newuser namespace runtime: invalid argument"),
            FAILED_CHILD_CLONE,
            FORK_EXEC_ENOSPC,
            FORK_EXEC_EINVAL,
            CLONE_EINVAL,
            UNSHARE_EINVAL,
            UNSHARE_ENOSPC,
            NSEXEC_ENOSPC,
            BWRAP_NOT_SUPPORTED,
            BWRAP_ENOSPC,
            LXC_CLONE_EINVAL,
            shared("failed to create container process: no space left on device"),
            FINAL_CHILD_PID,
            ROOTLESSKIT_FAILED,
            REEXEC,
        ],
        checks: &[check("userns.max-namespaces")],
        remediation: &[SYSCTL_MAX_NOW, SYSCTL_MAX_PERSIST],
        yields_to: &[],
    },
    Cause {
        id: "userns-kernel-unsupported",
        title: "kernel built without user namespace support",
        explanation: "A kernel compiled without CONFIG_USER_NS does not know CLONE_NEWUSER \
            and answers EINVAL (sometimes ENOSYS). Custom, embedded, OpenVZ and old Arch \
            kernels are the usual suspects; no setting fixes it, only another kernel.",
        patterns: &[
            named("user namespace not supported by your system"),
            specific("user namespaces aren't enabled in the kernel"),
            specific("creating new namespace failed: function not implemented"),
            specific("unshare failed: sys(einval)"),
            specific("failed to clone (0x…): invalid argument (includes clone_newuser)"),
            FORK_EXEC_EINVAL,
            CLONE_EINVAL,
            UNSHARE_EINVAL,
            NSEXEC_EINVAL,
            BWRAP_NOT_SUPPORTED,
            LXC_CLONE_EINVAL,
            shared("failed invoking the newuser namespace runtime: invalid argument"),
        ],
        checks: &[check_when(
            "userns.create",
            &["einval", "enosys", "not supported", "config_user_ns", "/proc/self/ns/user"],
        )],
        remediation: &[root(
            "boot a kernel built with CONFIG_USER_NS=y (and the other namespace options)",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "ubuntu-apparmor-userns-restriction",
        title: "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+)",
        explanation: "With kernel.apparmor_restrict_unprivileged_userns=1 (the default on \
            Ubuntu 24.04 and later) only programs whose AppArmor profile has the `userns` rule \
            get a usable user namespace. Others are refused outright (EACCES) or moved into the \
            capability-less unprivileged_userns profile, so the next step (uid_map, setgroups, \
            mount) fails.",
        patterns: &[
            APPARMOR_RESTRICT,
            APPARMOR_UNUSABLE_SANDBOX,
            APPARMOR_PROFILE,
            APPARMOR_RESTRICTED,
            APPTAINER_EACCES,
            BWRAP_EACCES,
            specific("credentials.cc(…permission denied (13)"),
            REEXEC_EACCES,
            FORK_EXEC_EACCES,
            FORK_EXEC_EPERM,
            CLONE_EACCES,
            CLONE_EPERM,
            UNSHARE_EPERM,
            NSENTER_EPERM,
            NSEXEC_EPERM,
            BWRAP_EPERM,
            STORAGE_UNSHARE_EPERM,
            LXC_CLONE_EPERM,
            UID_MAP_EPERM_BWRAP,
            UID_MAP_EPERM_UNSHARE,
            GID_MAP_EPERM_UNSHARE,
            SETGROUPS_EPERM_UNSHARE,
            SETGROUPS_DENIED,
            OPEN_UID_MAP_EACCES,
            NEWUIDMAP_EPERM,
            NEWGIDMAP_EPERM,
            SETUP_NAMESPACE_USING,
            SETUP_NAMESPACE_USING_OLD,
            FINAL_CHILD_PID,
            LDCONFIG,
            ROOTLESSKIT_FAILED,
            REEXEC,
            INIT_P,
        ],
        checks: &[
            check("userns.apparmor"),
            check_when("userns.create", &["eacces", "apparmor"]),
        ],
        remediation: &[APPARMOR_PROFILE_FIX, APPARMOR_SYSCTL_FIX],
        yields_to: &["runc-binary-not-readable", "ubuntu-2504-unshare-userns-restrict"],
    },
    Cause {
        id: "ubuntu-apparmor-profile-path-mismatch",
        title: "AppArmor profile exists, but for another path of the binary",
        explanation: "Ubuntu ships profiles with the userns rule for some tools (podman, \
            rootlesskit) attached by path, e.g. /usr/bin/podman. A copy run from \
            /usr/local/bin, ~/bin, a static tarball or an AppImage is not covered and meets \
            the restriction as if it had no profile.",
        patterns: &[
            APPARMOR_RESTRICT,
            APPTAINER_EACCES,
            BWRAP_EACCES,
            REEXEC_EACCES,
            FORK_EXEC_EACCES,
            CLONE_EACCES,
        ],
        checks: &[check_when(
            "userns.apparmor",
            &["path", "profile", "/usr/local", "attach"],
        )],
        remediation: &[
            root(
                "attach the shipped profile to the path you run too (podman example; reload \
                 AppArmor afterwards), or install the distribution package so the binary lives \
                 at the profiled path",
                &[
                    "sed -Ei 's!^profile podman /usr/bin/podman !profile podman /usr/{bin,local/bin}/podman !' /etc/apparmor.d/podman",
                    "systemctl reload apparmor.service",
                ],
            ),
            APPARMOR_PROFILE_FIX,
        ],
        yields_to: &["runc-binary-not-readable"],
    },
    Cause {
        id: "ubuntu-2504-unshare-userns-restrict",
        title: "Ubuntu 25.04 confines the unshare binary (RootlessKit netns)",
        explanation: "Ubuntu 25.04 adds the unshare-userns-restrict AppArmor profile, which \
            confines /usr/bin/unshare and forbids mounts from it. Older RootlessKit creates \
            its detached network namespace with `unshare -n mount --bind`, which now fails.",
        patterns: &[
            specific("failed to create a detached netns"),
            specific("unshare -n mount --bind /proc/self/ns/net"),
        ],
        checks: &[check("userns.apparmor")],
        remediation: &[root(
            "upgrade RootlessKit (docker-ce-rootless-extras, nerdctl-full) to a release that \
             re-executes itself instead of /usr/bin/unshare",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "userns-blocked-in-container-sandbox",
        title: "running inside a container or sandbox that filters user namespaces",
        explanation: "Inside Docker, Kubernetes pods, CI runners and devcontainers the default \
            seccomp profile allows unshare(CLONE_NEWUSER) only with CAP_SYS_ADMIN, AppArmor's \
            docker-default denies mount, and /proc is partly masked. The host's sysctls may be \
            fine; the outer sandbox refuses.",
        patterns: &[
            shared("pivot_root: operation not permitted"),
            follow_up("error parsing pid \"\": strconv.atoi"),
            FORK_EXEC_EPERM,
            FORK_EXEC_EACCES,
            CLONE_EPERM,
            CLONE_EACCES,
            UNSHARE_EPERM,
            NSENTER_EPERM,
            NSEXEC_EPERM,
            BWRAP_EPERM,
            BWRAP_NO_PERMS,
            BWRAP_DEBIAN,
            STORAGE_UNSHARE_EPERM,
            LXC_CLONE_EPERM,
            UID_MAP_EPERM_BWRAP,
            UID_MAP_EPERM_UNSHARE,
            GID_MAP_EPERM_UNSHARE,
            SETGROUPS_EPERM_UNSHARE,
            SETGROUPS_DENIED,
            OPEN_UID_MAP_EACCES,
            NEWUIDMAP_EPERM,
            NEWGIDMAP_EPERM,
            SETUP_NAMESPACE_USING,
            SETUP_NAMESPACE_USING_OLD,
            MOUNT_PROC_CRUN,
            MOUNT_PROC_BWRAP,
            MOUNT_PROC_RUNC,
            MOUNT_PROC_RUNC12,
            shared("mkdir /sys/fs/cgroup/…read-only file system"),
            FINAL_CHILD_PID,
            LDCONFIG,
            ROOTLESSKIT_FAILED,
            REEXEC,
            INIT_P,
        ],
        checks: &[check_when(
            "userns.create",
            &["seccomp", "container", "sandbox", "no_new_privs", "nonewprivs"],
        )],
        remediation: &[SANDBOX_FIX],
        yields_to: &[],
    },
    Cause {
        id: "userns-in-chroot",
        title: "user namespace creation from inside a chroot",
        explanation: "The kernel refuses CLONE_NEWUSER with EPERM when the caller's root \
            directory is not the root of its mount namespace, i.e. inside a chroot (or a \
            Bedrock Linux stratum), even when every sysctl allows it.",
        patterns: &[
            FORK_EXEC_EPERM,
            CLONE_EPERM,
            UNSHARE_EPERM,
            NSENTER_EPERM,
            NSEXEC_EPERM,
            BWRAP_EPERM,
            BWRAP_NO_PERMS,
            BWRAP_DEBIAN,
            STORAGE_UNSHARE_EPERM,
        ],
        checks: &[check_when("userns.create", &["chroot"])],
        remediation: &[root(
            "run the tool from the real root (not a chroot); use bwrap or systemd-nspawn \
             instead of chroot",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "userns-limit-or-nesting-exhausted",
        title: "user namespace limit reached or nesting too deep",
        explanation: "A small user.max_user_namespaces (or max_mnt_namespaces) is used up, or \
            the namespaces are nested deeper than the kernel's 32 levels. The kernel answers \
            ENOSPC (or EUSERS for nesting), which tools print as \"no space left on device\".",
        patterns: &[
            named("max_user_namespaces=…may be low"),
            specific("limit on the nesting depth of user namespaces was exceeded"),
            specific("maximum number of user namespaces exceeded, check /proc/sys/user/max_user_namespaces"),
            FORK_EXEC_ENOSPC,
            UNSHARE_ENOSPC,
            NSEXEC_ENOSPC,
            BWRAP_ENOSPC,
        ],
        checks: &[
            check("userns.max-namespaces"),
            check_when("userns.create", &["enospc", "eusers", "nesting", "limit"]),
        ],
        remediation: &[SYSCTL_MAX_NOW, SYSCTL_MAX_PERSIST],
        yields_to: &[],
    },
    // ---------------------------------------------------------------- B. id mapping
    Cause {
        id: "newuidmap-missing",
        title: "newuidmap/newgidmap not installed or not on PATH",
        explanation: "Mapping more than the own id into a user namespace needs the privileged \
            helpers newuidmap and newgidmap from shadow. Without them the runtime can map only \
            `0 <uid> 1`; runc then stops with \"mapping tool not present\", podman asks for \
            the command, crun falls back to a single mapping.",
        patterns: &[
            specific("mapping tool not present"),
            specific("\"newuidmap\": executable file not found"),
            specific("\"newgidmap\": executable file not found"),
            specific("finding newuidmap"),
            specific("finding newgidmap"),
            specific("newuidmap binary not found"),
            specific("newuidmap/newgidmap binaries could not be found in path"),
            specific("command required for rootless mode with multiple ids"),
            shared("unable to invoke \"newuidmap\""),
            shared("unable to invoke \"newgidmap\""),
            shared("using rootless single mapping into the namespace"),
            FINAL_CHILD_PID,
            SYNC_USERMAP,
            ROOTLESSKIT_FAILED,
        ],
        checks: &[
            check_when(
                "idmap.newuidmap",
                &["not found", "missing", "not installed", "no such file", "not on path"],
            ),
            check_when(
                "idmap.newgidmap",
                &["not found", "missing", "not installed", "no such file", "not on path"],
            ),
        ],
        remediation: &[INSTALL_UIDMAP_FIX],
        yields_to: &[],
    },
    Cause {
        id: "newuidmap-unprivileged",
        title: "newuidmap/newgidmap present but not privileged",
        explanation: "The helpers must be setuid root or carry cap_setuid/cap_setgid file \
            capabilities, on a filesystem mounted without nosuid, and NoNewPrivs must be off. \
            Otherwise the kernel lets them write only the caller's own id and the write to \
            uid_map fails with EPERM.",
        patterns: &[
            named("should have setuid or have filecaps"),
            specific("could not set caps"),
            shared("unable to invoke \"newuidmap\""),
            shared("unable to invoke \"newgidmap\""),
            shared("error from newuidmap"),
            shared("gid_map': operation not permitted"),
            NEWUIDMAP_EPERM,
            NEWGIDMAP_EPERM,
            CRUN_UID_MAP_EPERM,
            CRUN_GID_MAP_EPERM,
            SETUP_NAMESPACE_USING,
            SETUP_NAMESPACE_USING_OLD,
            FAILED_NEWUID_MAP,
            FAILED_NEWGID_MAP,
            FINAL_CHILD_PID,
            SYNC_USERMAP,
        ],
        checks: &[
            check_when(
                "idmap.newuidmap",
                &["setuid", "cap", "nosuid", "no_new_privs", "nonewprivs", "privileg"],
            ),
            check_when(
                "idmap.newgidmap",
                &["setuid", "cap", "nosuid", "no_new_privs", "nonewprivs", "privileg"],
            ),
            check_when("idmap.multi-map", &["operation not permitted", "eperm", "setuid", "cap"]),
        ],
        remediation: &[REINSTALL_UIDMAP_FIX],
        yields_to: &["subuid-range-invalid", "newuidmap-target-owner-mismatch"],
    },
    Cause {
        id: "subuid-no-entry",
        title: "no subordinate id range for the user",
        explanation: "The user has no line in /etc/subuid or /etc/subgid (created before \
            automatic allocation, by busybox adduser, useradd -r, or an LDAP/SSSD account). \
            Without a range only the user's own id can be mapped, so images with other owners \
            fail to unpack.",
        patterns: &[
            named("no subuid ranges found"),
            named("no subgid ranges found"),
            specific("cannot find uid/gid for user"),
            specific("has no subuids"),
            specific("could not find records for the current user"),
            shared("user not listed in /etc/subuid"),
            shared("using rootless single mapping into the namespace"),
            INSUFFICIENT_IDS,
            NOT_ENOUGH_IDS,
            LCHOWN_EINVAL,
            SETUP_USER_EINVAL,
            ROOTLESSKIT_FAILED,
            DOCKER_SERVICE,
            DOCKER_SERVICE_JOB,
        ],
        checks: &[
            check_when(
                "subid.subuid",
                &["no entry", "no range", "no subordinate", "missing", "not found", "has no", "no line"],
            ),
            check_when(
                "subid.subgid",
                &["no entry", "no range", "no subordinate", "missing", "not found", "has no", "no line"],
            ),
        ],
        remediation: &[ADD_SUBIDS_FIX, MIGRATE_FIX],
        yields_to: &["userns-auto-no-ids"],
    },
    Cause {
        id: "subuid-range-insufficient",
        title: "subordinate id range too small for the image",
        explanation: "A range exists but holds fewer ids than the image or --user needs \
            (65536 covers ordinary images). Files owned by an id outside the mapping cannot \
            be created: lchown answers EINVAL and podman reports insufficient ids.",
        patterns: &[
            INSUFFICIENT_IDS,
            NOT_ENOUGH_IDS,
            shared("not enough unused ids in user namespace"),
            shared("user not listed in /etc/subuid"),
            LCHOWN_EINVAL,
            SETUP_USER_EINVAL,
            shared("chown…: invalid argument"),
        ],
        checks: &[
            check_when(
                "subid.subuid",
                &["65536", "recommended", "fewer", "too small", "insufficient", "only"],
            ),
            check_when(
                "subid.subgid",
                &["65536", "recommended", "fewer", "too small", "insufficient", "only"],
            ),
        ],
        remediation: &[
            root(
                "enlarge the user's range (65536 ids or more, reaching the highest id the \
                 image uses), then run `podman system migrate` as the user",
                &["usermod --add-subuids 100000-165535 --add-subgids 100000-165535 <user>"],
            ),
            user(
                "or collapse all file owners to the user: ignore_chown_errors = \"true\" under \
                 [storage.options.overlay] in ~/.config/containers/storage.conf",
                &[],
            ),
        ],
        yields_to: &[],
    },
    Cause {
        id: "subuid-stale-pause-process",
        title: "podman still uses a user namespace made before /etc/subuid was fixed",
        explanation: "Podman keeps its user namespace alive in a pause process. After \
            /etc/subuid or /etc/subgid change, podman keeps reusing the old, smaller mapping \
            until the pause process is stopped.",
        patterns: &[
            specific("invalid internal status, try resetting the pause process"),
            specific("unable to create a new pause process"),
            specific("failed to join existing conmon namespace"),
            INSUFFICIENT_IDS,
            NOT_ENOUGH_IDS,
            LCHOWN_EINVAL,
        ],
        checks: &[],
        remediation: &[MIGRATE_FIX],
        yields_to: &[],
    },
    Cause {
        id: "subuid-range-invalid",
        title: "subordinate range unusable, or the mapping asked for is not allowed",
        explanation: "newuidmap accepts a mapping only when every host range lies inside the \
            user's own /etc/subuid ranges (or is the single own id). A range that contains the \
            user's own uid, overlapping lines, or a config asking for ids outside the ranges \
            is refused (`not allowed`, or EINVAL from the kernel).",
        patterns: &[
            specific("uid range […) -> […) not allowed"),
            specific("gid range […) -> […) not allowed"),
            specific("write to uid_map failed: invalid argument"),
            specific("write to gid_map failed: invalid argument"),
            specific("includes the user uid"),
            specific("host id is in the range of subids"),
            specific("can't get unique subordinate uid range"),
            NEWUIDMAP_EPERM,
            NEWGIDMAP_EPERM,
            CRUN_UID_MAP_EPERM,
            CRUN_GID_MAP_EPERM,
            SETUP_NAMESPACE_USING,
            SETUP_NAMESPACE_USING_OLD,
            FAILED_NEWUID_MAP,
            FAILED_NEWGID_MAP,
            FINAL_CHILD_PID,
            SYNC_USERMAP,
        ],
        checks: &[
            check_when(
                "subid.subuid",
                &["own", "overlap", "exceed", "contains", "includes", "invalid", "malformed"],
            ),
            check_when(
                "subid.subgid",
                &["own", "overlap", "exceed", "contains", "includes", "invalid", "malformed"],
            ),
            check_when(
                "idmap.multi-map",
                &["not allowed", "invalid argument", "einval", "range"],
            ),
            check_when(
                "bundle.uid-mappings",
                &["subordinate", "not allowed", "outside", "subuid"],
            ),
            check_when(
                "bundle.gid-mappings",
                &["subordinate", "not allowed", "outside", "subgid"],
            ),
        ],
        remediation: &[
            root(
                "rewrite the user's lines as one clean block outside the login id range \
                 (delete the old range first), then `podman system migrate` or restart \
                 rootless Docker",
                &[
                    "usermod --del-subuids <old-range> --del-subgids <old-range> <user>",
                    "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 <user>",
                ],
            ),
            user(
                "or map only host ids inside the user's ranges in config.json \
                 (`rootless-doctor mappings` prints mappings that fit)",
                &["rootless-doctor mappings"],
            ),
        ],
        yields_to: &[],
    },
    Cause {
        id: "newuidmap-target-owner-mismatch",
        title: "newuidmap refuses: the target process looks owned by another user",
        explanation: "newuidmap checks that /proc/<pid> of the target belongs to the caller \
            and that the caller's real gid is its passwd primary group. /proc mounted with \
            hidepid=/gid=, grsecurity, or running under newgrp/sg breaks that check.",
        patterns: &[
            specific("is owned by a different user"),
            specific("newuidmap: target"),
            FAILED_NEWUID_MAP,
            FAILED_NEWGID_MAP,
        ],
        checks: &[check_when(
            "idmap.multi-map",
            &["different user", "target process", "hidepid"],
        )],
        remediation: &[root(
            "remount /proc without a group override (drop gid=/hidepid= from the proc line of \
             /etc/fstab), or run the runtime with the user's primary group",
            &["mount -o remount,hidepid=0 /proc"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "runc-rootless-config",
        title: "bundle not prepared for rootless use (no user namespace or no mappings)",
        explanation: "Run as a normal user, runc needs a user namespace in \
            linux.namespaces and uid and gid mappings in config.json. A bundle made by a \
            plain `runc spec` has neither; youki refuses the same way and crun warns and adds \
            one.",
        patterns: &[
            specific("rootless container requires user namespaces"),
            specific("rootless containers require user namespaces"),
            specific("rootless containers requires at least one uid mapping"),
            specific("rootless containers requires at least one gid mapping"),
            specific("user namespaces enabled, but no uid mappings found"),
            specific("user namespaces enabled, but no gid mappings found"),
            specific("rootless container requires valid user namespace definition"),
            specific("new user namespace requires valid uid mappings"),
            specific("new user namespace requires valid gid mappings"),
            specific("non root user need to have an 'user' namespace"),
            specific("user namespaces enabled, but no namespace path to join nor mappings to apply specified"),
        ],
        checks: &[check("bundle.uid-mappings"), check("bundle.gid-mappings")],
        remediation: &[user(
            "generate the bundle's config for rootless use, or add a user namespace and map \
             your own id to 0",
            &["runc spec --rootless"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-root-unmapped",
        title: "container uid 0 or gid 0 not mapped in config.json",
        explanation: "runc (and youki) need container root to be mapped: runc looks up the host \
            ids of container 0 to own device nodes and the exec fifo before anything starts. \
            Mappings that start at another container id fail with \"no user mapping found\".",
        patterns: &[
            specific("user namespaces enabled, but no user mapping found"),
            specific("user namespaces enabled, but no group mapping found"),
            specific("no mapping found for uid 0"),
            specific("no mapping found for gid 0"),
            shared("failed to become root in user namespace"),
        ],
        checks: &[check("bundle.uid-mappings"), check("bundle.gid-mappings")],
        remediation: &[user(
            "map container id 0 in linux.uidMappings and linux.gidMappings (for runc: to your \
             own uid and gid)",
            &["rootless-doctor mappings"],
        )],
        yields_to: &["bundle-mount-option-unmapped"],
    },
    Cause {
        id: "runc-exec-fifo-chown",
        title: "runc: container root is not mapped to the calling user",
        explanation: "Rootless runc creates its exec fifo (and, in the foreground without a \
            terminal, the stdio pipes) as the caller and then chowns them to the host ids of \
            container root. An unprivileged chown works only to one's own uid and groups, so \
            any mapping of container 0 to another host id (a subordinate id) fails with EPERM, \
            even one newuidmap would accept.",
        patterns: &[
            specific("exec.fifo: operation not permitted"),
            specific("fchown fd…operation not permitted"),
        ],
        checks: &[check("bundle.uid-mappings"), check("bundle.gid-mappings")],
        remediation: &[
            user(
                "map container 0 to your own uid and gid (subordinate ids after it), as \
                 `runc spec --rootless` does",
                &["rootless-doctor mappings"],
            ),
            user(
                "or run runc inside a prepared user namespace (`podman unshare runc …`, \
                 `rootlesskit runc …`), or use crun, which never chowns the fifo",
                &[],
            ),
        ],
        yields_to: &[],
    },
    Cause {
        id: "bundle-id-map-invalid",
        title: "uid/gid mappings in config.json are malformed",
        explanation: "The kernel rejects a map with overlapping ranges, a zero size, too many \
            lines or ids beyond 32 bits with EINVAL, before any permission check; youki also \
            refuses a single-line map that is not your own id.",
        patterns: &[
            specific("failed to update /proc/…uid_map: invalid argument"),
            specific("failed to update /proc/…gid_map: invalid argument"),
            specific("failed to write id mapping"),
            FINAL_CHILD_PID,
            SYNC_USERMAP,
        ],
        checks: &[
            check_when(
                "bundle.uid-mappings",
                &["overlap", "size", "invalid", "too many", "exceed"],
            ),
            check_when(
                "bundle.gid-mappings",
                &["overlap", "size", "invalid", "too many", "exceed"],
            ),
        ],
        remediation: &[user(
            "rewrite linux.uidMappings/gidMappings as non-overlapping ranges with sizes above 0",
            &["rootless-doctor mappings"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-user-unmapped",
        title: "process.user uid or gid not mapped",
        explanation: "The container process switches to process.user.uid and gid inside the \
            user namespace; an id without a mapping cannot be set (EINVAL).",
        patterns: &[
            specific("cannot set uid to unmapped user in user namespace"),
            specific("cannot set gid to unmapped user in user namespace"),
            specific("cannot setuid to unmapped uid"),
            specific("cannot setgid to unmapped gid"),
            SETUP_USER_EINVAL,
        ],
        checks: &[check("bundle.user")],
        remediation: &[user(
            "use a process.user that the mappings cover, or extend the mappings to it",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-additional-gids",
        title: "additional groups requested in a rootless container",
        explanation: "A rootless runtime cannot call setgroups (the kernel denies it after \
            mapping without newgidmap, and runc never does it rootless), so \
            process.user.additionalGids cannot be honoured: runc and youki refuse, crun ignores \
            them.",
        patterns: &[
            specific("cannot set any additional groups in a rootless container"),
            specific("unprivileged user can't set supplementary groups"),
            specific("supplementary group needs to be mapped in the gid mappings"),
        ],
        checks: &[check_when("bundle.user", &["additional", "supplementary", "groups"])],
        remediation: &[user("remove process.user.additionalGids from config.json", &[])],
        yields_to: &[],
    },
    Cause {
        id: "bundle-mount-option-unmapped",
        title: "a mount's uid=/gid= option names an unmapped id",
        explanation: "Options like devpts gid=5 or tmpfs uid=N refer to container ids; in a \
            rootless container they must be mapped. A single-id mapping does not map gid 5, so \
            the default devpts mount of a plain `runc spec` fails.",
        patterns: &[
            specific("mount options for unmapped"),
            specific("mount option for rootless container"),
            specific("mount options require mapping valid"),
            specific("mount \"devpts\" to \"dev/pts\": invalid argument"),
        ],
        checks: &[check("bundle.mounts")],
        remediation: &[user(
            "drop the uid=/gid= options from the mounts (runc spec --rootless does), or map \
             those ids",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bundle-mount-rootless-unsupported",
        title: "a mount or device a rootless container cannot have",
        explanation: "Some config.json features need real root: id-mapped mounts and network \
            devices are refused by runc and youki when rootless.",
        patterns: &[
            specific("id-mapped mounts are not supported for rootless containers"),
            specific("idmapped mounts are not supported in rootless containers"),
            specific("network devices are not supported for rootless containers"),
            specific("network devices are not supported in rootless containers"),
        ],
        checks: &[check("bundle.mounts")],
        remediation: &[user("remove those mounts or linux.netDevices from config.json", &[])],
        yields_to: &[],
    },
    Cause {
        id: "userns-auto-no-ids",
        title: "rootful podman --userns=auto has no ids to hand out",
        explanation: "With --userns=auto, root podman takes ranges from the subordinate ids of \
            the user `containers`. Without that user and its ranges, or once earlier \
            containers used them up, it cannot allocate a namespace.",
        patterns: &[
            specific("cannot find mappings for user \"containers\""),
            specific("not enough unused ids in user namespace"),
        ],
        checks: &[],
        remediation: &[root(
            "create the helper user, which also allocates its range, and enlarge the range",
            &["useradd --comment 'Helper user to reserve subuids and subgids for Podman' --no-create-home --shell /usr/sbin/nologin containers"],
        )],
        yields_to: &[],
    },
    // ---------------------------------------------------------------- C. session
    Cause {
        id: "xdg-runtime-dir-invalid",
        title: "XDG_RUNTIME_DIR unset, someone else's, or not writable",
        explanation: "Rootless runtimes keep their state under $XDG_RUNTIME_DIR \
            (/run/user/<uid>), which a real login creates. After su or sudo the variable is \
            unset or still points at root's /run/user/0; runc then falls back to /run/runc, \
            which a normal user cannot write.",
        patterns: &[
            named("xdg_runtime_dir needs to be set"),
            named("environment variable xdg_runtime_dir is not set"),
            specific("is not owned by the current user"),
            specific("xdg_runtime_dir is pointing to a path which is not writable"),
            specific("could not get xdg_runtime_dir"),
            specific("is not set, does not exist, or is not writable"),
            specific("the path in $xdg_runtime_dir must be writable by the user"),
            specific("mkdir /run/runc"),
            specific("lstat /run/runc/"),
            specific("/run/user/0/libpod"),
            specific("mkdir /run/user/0/containers: permission denied"),
            shared("/run/user/0/"),
            shared("xdg_runtime_dir isn't set in the environment"),
            SYSTEMD_NOT_DETECTED,
            BUS_CONNECT,
            BUS_DIAL,
            SANDBOX_CGROUP,
            DOCKER_SERVICE,
            DOCKER_SERVICE_JOB,
        ],
        checks: &[check("runtime.xdg-runtime-dir")],
        remediation: &[LOGIN_FIX, LINGER_FIX],
        yields_to: &[],
    },
    Cause {
        id: "no-user-systemd-or-dbus",
        title: "no systemd user session or user D-Bus for the systemd cgroup manager",
        explanation: "With the systemd cgroup manager the runtime asks the user's systemd, over \
            the user bus, for a scope. Without a login session, without dbus-user-session, or \
            when it reaches the system bus instead, that fails (often as \"interactive \
            authentication required\").",
        patterns: &[
            specific("no systemd user session available"),
            specific("sd-bus call…interactive authentication required"),
            specific("sd-bus call: permission denied"),
            specific("cannot open sd-bus"),
            specific("/run/systemd/private"),
            specific("systemd cgroup flag passed, but systemd support for managing cgroups is not available"),
            specific("failed to connect to dbus (hint: for rootless containers, maybe you need to install dbus-user-session"),
            specific("systemd session not available"),
            shared("interactive authentication required"),
            BUS_CONNECT,
            BUS_DIAL,
            SANDBOX_CGROUP,
            SYSTEMD_NOT_DETECTED,
            DOCKER_SERVICE,
            DOCKER_SERVICE_JOB,
        ],
        checks: &[
            check_when("cgroup.delegation", &["systemd", "bus", "session", "user@"]),
            check_when("runtime.xdg-runtime-dir", &["bus", "session"]),
        ],
        remediation: &[
            root(
                "install the user D-Bus (Debian/Ubuntu: dbus-user-session; Fedora/RHEL: \
                 dbus-daemon) and log in again",
                &[],
            ),
            user(
                "or, without systemd, use cgroup_manager = \"cgroupfs\" under [engine] in \
                 ~/.config/containers/containers.conf",
                &[],
            ),
        ],
        yields_to: &[],
    },
    Cause {
        id: "linger-disabled",
        title: "the rootless daemon stops at logout (lingering off)",
        explanation: "Without lingering, systemd stops the user's services (rootless dockerd, \
            podman units) when the last session ends, so clients find no daemon behind \
            /run/user/<uid>.",
        patterns: &[shared("cannot connect to the docker daemon at unix:///run/user/")],
        checks: &[],
        remediation: &[
            LINGER_FIX,
            user("start the daemon again", &["systemctl --user start docker"]),
        ],
        yields_to: &[],
    },
    Cause {
        id: "root-mount-not-shared",
        title: "/ is not a shared mount",
        explanation: "With private propagation on /, mounts made on the host after the \
            rootless namespace started do not appear inside it. Usual on WSL2, minimal images \
            and inside containers; harmless unless you bind-mount such paths.",
        patterns: &[
            named("is not a shared mount"),
            specific("setting child propagation to \"rslave\" is not supported"),
        ],
        checks: &[],
        remediation: &[root_now("make / shared", &["mount --make-rshared /"])],
        yields_to: &[],
    },
    // ---------------------------------------------------------------- D. cgroups
    Cause {
        id: "cgroup-v1-rootless-no-limits",
        title: "cgroup v1 (or hybrid): no resource limits for rootless containers",
        explanation: "A normal user cannot create cgroups on a v1 or hybrid hierarchy, so \
            rootless runtimes run without limits and fail when --memory, --cpus or \
            linux.resources ask for them. Rootless limits need cgroup v2 with delegation.",
        patterns: &[
            named("resource limits are not supported and ignored on cgroups v1 rootless systems"),
            named("running in rootless-mode without cgroups. to enable cgroups in rootless-mode, you need to boot the system in cgroup v2 mode"),
            specific("cannot specify resource limits without cgroups v2"),
            specific("is not supported in rootless mode without cgroups v2"),
            specific("cannot set limits without cgroups"),
            specific("container could not join or create cgroup"),
            specific("mountpoint for…not found"),
            specific("cgroup mountpoint does not exist"),
            specific("cannot use rootless systemd cgroups manager on cgroup v1"),
            specific("unknown filesystem type 'cgroup2'"),
            CGROUP_SUBTREE_EACCES,
            CGROUP_NO_PERMISSION,
        ],
        checks: &[check_when("cgroup.delegation", &["v1", "hybrid"])],
        remediation: &[CGROUP_V2_FIX],
        yields_to: &[],
    },
    Cause {
        id: "cgroup-controller-not-delegated",
        title: "cgroup controller not delegated to the user",
        explanation: "On cgroup v2 systemd delegates only memory and pids to user@<uid>.service \
            by default. Limits on cpu, cpuset or io then fail because the controller is not \
            available in the user's subtree.",
        patterns: &[
            named("is not delegated for the current user"),
            named("cpu controller needs to be delegated"),
            specific("the requested cgroup controller…is not available"),
            specific("controller…is not available under"),
            specific("\"cpu.max\" for writing: permission denied"),
            specific("requires setting systemd property \"delegate=yes\""),
            specific("cgroup.subtree_control\": invalid argument"),
            CGROUP_MKDIR_EACCES,
            CGROUP_SUBTREE_EACCES,
            CGROUP_PROCS_EACCES,
            CGROUP_NO_PERMISSION,
        ],
        checks: &[check_when(
            "cgroup.delegation",
            &["delegat", "partial", "controller"],
        )],
        remediation: &[DELEGATE_FIX],
        yields_to: &[],
    },
    Cause {
        id: "cgroup-no-systemd-cgroupfs-denied",
        title: "cgroupfs manager without a delegated cgroup",
        explanation: "Without a systemd user manager (OpenRC, WSL without systemd, containers) \
            or with cgroup_manager=cgroupfs, the runtime tries to mkdir in /sys/fs/cgroup, which \
            belongs to root.",
        patterns: &[
            specific("using the cgroupfs manager"),
            CGROUP_MKDIR_EACCES,
            CGROUP_SUBTREE_EACCES,
            CGROUP_PROCS_EACCES,
            CGROUP_NO_PERMISSION,
            shared("mkdir /sys/fs/cgroup/…read-only file system"),
        ],
        checks: &[check("cgroup.delegation")],
        remediation: &[
            user(
                "on systemd hosts use cgroup_manager = \"systemd\" with a real login session",
                &[],
            ),
            user(
                "without systemd, run without limits (--cgroup-manager=cgroupfs, or \
                 --cgroup-manager=disabled with crun)",
                &[],
            ),
        ],
        yields_to: &[],
    },
    Cause {
        id: "crun-cgroup-hybrid-unsupported",
        title: "crun refuses a cgroup v1/v2 hybrid host",
        explanation: "crun (1.8 and others) does not support the hybrid layout when the v2 \
            hierarchy has controllers attached, and refuses to run any container, rootless or \
            not. runc runs on the same host.",
        patterns: &[named("cgroups in hybrid mode not supported")],
        checks: &[
            check_when("runtime.oci-runtime", &["hybrid"]),
            check_when("cgroup.delegation", &["hybrid", "v1"]),
        ],
        remediation: &[
            CGROUP_V2_FIX,
            user("or use runc on this host", &[]),
        ],
        yields_to: &[],
    },
    // ---------------------------------------------------------------- E. storage
    Cause {
        id: "overlay-rootless-kernel-unsupported",
        title: "kernel cannot mount overlayfs in a user namespace",
        explanation: "Native overlayfs inside a user namespace needs Linux 5.11 (5.13 with \
            SELinux enforcing) or an Ubuntu kernel. Older kernels need fuse-overlayfs as the \
            mount program.",
        patterns: &[
            specific("kernel does not support overlay fs"),
            specific("error creating overlay mount to…operation not permitted"),
            specific("createdirwithoverlayopaque"),
            specific("overlayfs is not enabled"),
            shared("error processing tar file(exit status 1): operation not permitted"),
        ],
        checks: &[check("mount.overlay")],
        remediation: &[FUSE_OVERLAYFS_FIX],
        yields_to: &[
            "overlay-whiteout-nested",
            "overlay-backing-fs-unsupported",
            "fuse-device-unavailable",
            "fuse-overlayfs-or-fusermount-missing",
            "storage-on-network-fs",
        ],
    },
    Cause {
        id: "overlay-backing-fs-unsupported",
        title: "storage on a filesystem overlayfs cannot use",
        explanation: "The graph root sits on btrfs, ZFS, ecryptfs, aufs, another overlay or XFS \
            without d_type, which native overlay refuses as upper or lower layer.",
        patterns: &[
            specific("is not supported over"),
            specific("backing file system is unsupported for this graph driver"),
            specific("a mount_program is required"),
            shared("driver not supported"),
        ],
        checks: &[],
        remediation: &[
            FUSE_OVERLAYFS_FIX,
            user(
                "or move graphroot in ~/.config/containers/storage.conf to ext4 or xfs \
                 (ftype=1), then `podman system reset`",
                &[],
            ),
        ],
        yields_to: &["storage-on-network-fs"],
    },
    Cause {
        id: "fuse-device-unavailable",
        title: "/dev/fuse missing or not usable",
        explanation: "fuse-overlayfs needs /dev/fuse: the fuse module must be loaded and, in a \
            container, the device passed in.",
        patterns: &[
            specific("fuse: device not found"),
            specific("fuse-overlayfs: cannot mount"),
            specific("fuse-overlayfs not functional"),
            specific("module fuse not found"),
        ],
        checks: &[check_when(
            "mount.fuse-overlayfs",
            &["/dev/fuse", "fuse device", "modprobe", "device"],
        )],
        remediation: &[root(
            "load the fuse module now and at boot (in a container: --device /dev/fuse)",
            &["modprobe fuse", "echo fuse > /etc/modules-load.d/fuse.conf"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "fuse-overlayfs-or-fusermount-missing",
        title: "fuse-overlayfs or fusermount3 not installed",
        explanation: "storage.conf names a mount_program that is not installed, or fuse3's \
            fusermount3 is missing.",
        patterns: &[
            specific("can't stat program"),
            specific("failed to exec fusermount"),
            specific("fuse-overlayfs…needs to be present under $path"),
            specific("\"fuse-overlayfs\": executable file not found"),
        ],
        checks: &[check_when(
            "mount.fuse-overlayfs",
            &["not found", "missing", "not installed", "fusermount"],
        )],
        remediation: &[root(
            "install fuse-overlayfs and fuse3, or remove mount_program from storage.conf on \
             kernels >= 5.11",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "storage-on-network-fs",
        title: "container storage on NFS or another network filesystem",
        explanation: "NFS, Lustre, GPFS and CIFS servers check file ownership by real uid and \
            often lack xattrs, so files owned by subordinate ids cannot be created.",
        patterns: &[
            specific("network file system detected as backing store"),
            specific("a network file system with user namespaces is not supported"),
            shared("lchown…: operation not permitted"),
            shared("applylayer exit status 1…permission denied"),
            LSETXATTR_ENOTSUP,
        ],
        checks: &[],
        remediation: &[user(
            "put the storage on a local disk: graphroot = \"/var/tmp/<user>/containers/storage\" \
             in ~/.config/containers/storage.conf (Docker: data-root in \
             ~/.config/docker/daemon.json)",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "storage-driver-config-mismatch",
        title: "storage driver differs from the one the store was created with",
        explanation: "The store was initialised with one graph driver and the configuration \
            now names another (or none).",
        patterns: &[
            specific("does not match our…graph driver"),
            specific("overwritten by graph driver"),
            specific("storage 'driver' option"),
            specific("delete libpod local files"),
            specific("does not support overlay.mount_program"),
        ],
        checks: &[],
        remediation: &[user(
            "pick one driver in ~/.config/containers/storage.conf, then reset the store \
             (removes local images and containers)",
            &["podman system reset"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "overlay-whiteout-nested",
        title: "overlay whiteouts impossible inside a container",
        explanation: "Podman or Buildah inside a container without CAP_MKNOD cannot create the \
            device nodes overlayfs uses as whiteouts.",
        patterns: &[specific("unable to create kernel-style whiteout")],
        checks: &[],
        remediation: &[user(
            "give the inner storage a volume (-v ./storage:/var/lib/containers/storage), run \
             the outer container --privileged or with --device /dev/fuse, or use driver = \"vfs\" \
             inside",
            &[],
        )],
        yields_to: &[],
    },
    // ---------------------------------------------------------------- F. network
    Cause {
        id: "privileged-port-bind-denied",
        title: "publishing a port below net.ipv4.ip_unprivileged_port_start",
        explanation: "Ports below net.ipv4.ip_unprivileged_port_start (1024 by default) need \
            CAP_NET_BIND_SERVICE on the host, which a rootless port forwarder lacks.",
        patterns: &[
            named("cannot expose privileged port"),
            specific("listen failed for host tcp port"),
            shared("couldn't listen on requested tcp ports"),
        ],
        checks: &[],
        remediation: &[
            root(
                "allow binding from port 80 up",
                &[
                    "echo 'net.ipv4.ip_unprivileged_port_start=80' > /etc/sysctl.d/99-rootless.conf",
                    "sysctl --system",
                ],
            ),
            user("or publish a port >= 1024 (-p 8080:80)", &[]),
        ],
        yields_to: &[],
    },
    Cause {
        id: "ping-group-range",
        title: "unprivileged ICMP sockets disabled",
        explanation: "net.ipv4.ping_group_range decides which groups may open ICMP sockets; \
            the kernel default `1 0` allows none, so ping fails in rootless containers.",
        patterns: &[
            specific("ping: socket: operation not permitted"),
            specific("ping: permission denied (are you root?)"),
            specific("ping: socket: permission denied, attempting raw socket"),
            specific("missing cap_net_raw+p capability or setuid"),
            specific("ping_group_range"),
        ],
        checks: &[],
        remediation: &[root(
            "allow ICMP sockets for all groups",
            &[
                "echo 'net.ipv4.ping_group_range = 0 2147483647' > /etc/sysctl.d/99-rootless.conf",
                "sysctl --system",
            ],
        )],
        yields_to: &[],
    },
    Cause {
        id: "rootless-net-helper-missing",
        title: "slirp4netns or pasta missing",
        explanation: "Rootless networking runs in user space through slirp4netns or pasta \
            (passt); without the helper the network namespace cannot be connected.",
        patterns: &[
            specific("could not find slirp4netns"),
            specific("could not find pasta"),
            specific("slirp4netns support has been removed"),
            specific("slirp4netns seems older than v0.4.0"),
            specific("\"slirp4netns\": executable file not found"),
            specific("\"pasta\": executable file not found"),
            shared("binary…is not installed"),
            shared("failed to setup network"),
        ],
        checks: &[],
        remediation: &[root("install passt and slirp4netns with the package manager", &[])],
        yields_to: &["tun-device-missing"],
    },
    Cause {
        id: "tun-device-missing",
        title: "/dev/net/tun missing or not usable",
        explanation: "slirp4netns, pasta and RootlessKit's tap driver need /dev/net/tun.",
        patterns: &[specific("/dev/net/tun"), specific("setting up tap tap0")],
        checks: &[],
        remediation: &[root(
            "load the tun module now and at boot (in a container: --device /dev/net/tun)",
            &["modprobe tun", "echo tun > /etc/modules-load.d/tun.conf"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "pasta-apparmor-denied",
        title: "AppArmor profile of pasta older than podman",
        explanation: "The distribution's passt AppArmor profile does not allow the network \
            namespace path newer podman uses, so pasta cannot open it.",
        patterns: &[
            specific("couldn't open network namespace"),
            specific("profile=\"passt\""),
            shared("pasta failed with exit code"),
        ],
        checks: &[],
        remediation: &[root(
            "upgrade passt to the version matching podman, or use --network=slirp4netns meanwhile",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "docker-rootless-iptables",
        title: "iptables unusable for rootless Docker",
        explanation: "Rootless dockerd needs iptables inside RootlessKit: the ip_tables or \
            nf_tables modules must be loaded, and on SELinux hosts iptables may be denied its \
            lock file.",
        patterns: &[
            named("moby/moby/issues/41230"),
            specific("iptables failed"),
            specific("can't initialize iptables table"),
            specific("module ip_tables not found"),
            specific("/run/xtables.lock: permission denied"),
            specific("--skip-iptables"),
            DOCKER_SERVICE,
            DOCKER_SERVICE_JOB,
        ],
        checks: &[],
        remediation: &[root(
            "load the netfilter modules now and at boot, or install with --skip-iptables",
            &["modprobe nf_tables", "echo nf_tables > /etc/modules-load.d/nf_tables.conf"],
        )],
        yields_to: &[],
    },
    // ---------------------------------------------------------------- G. exec
    Cause {
        id: "exec-format-error",
        title: "binary for another CPU architecture, or a script without #!",
        explanation: "execve answers ENOEXEC when the file is an ELF for another machine (and \
            no binfmt_misc emulation is registered), or neither ELF nor a #! script.",
        patterns: &[
            specific("exec format error"),
            specific("does not match the detected host platform"),
            specific("accessing a corrupted shared library"),
        ],
        checks: &[check_when(
            "bundle.process",
            &["machine", "architecture", "exec format", "elf", "shebang", "#!"],
        )],
        remediation: &[user(
            "use an image for this architecture (--platform linux/$(uname -m)), install \
             qemu-user-static for emulation, or add a #! line to the script",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "exec-enoent-interpreter-or-crlf",
        title: "the entrypoint exists but its interpreter or loader does not",
        explanation: "execve answers ENOENT for an existing file when its #! interpreter or \
            ELF loader is missing in the rootfs: a script saved with CRLF (#!/bin/sh\\r), \
            #!/bin/bash on a busybox image, or a glibc binary on musl.",
        patterns: &[
            specific("exec user process caused…no such file or directory"),
            specific("^exec /…: no such file or directory"),
            specific("missing dynamic library"),
            specific("error while loading shared libraries"),
        ],
        checks: &[check_when(
            "bundle.process",
            &["interpreter", "crlf", "loader", "pt_interp", "\\r", "#!", "shebang"],
        )],
        remediation: &[user(
            "convert the script to LF (sed -i 's/\\r$//' FILE), use an interpreter present in \
             the image, or build the binary static",
            &[],
        )],
        yields_to: &["exec-not-found-in-path"],
    },
    Cause {
        id: "exec-not-found-in-path",
        title: "process.args[0] not found in the container",
        explanation: "The runtime looks args[0] up inside the rootfs with the PATH of \
            process.env (none there means bare names are never found). `stat X: no such \
            file` means X itself is missing, often hidden by a volume mounted over its \
            directory.",
        patterns: &[
            specific("executable file not found in $path"),
            specific("executable file \"…\" not found"),
            specific("exec: \"…\": stat…no such file or directory"),
            specific("exec: \"…\": stat…not a directory"),
            specific("oci runtime attempted to invoke a command that was not found"),
            specific("oci runtime command not found error"),
            specific("path environment variable is not set"),
            specific("executable '…' not found in $path"),
            specific("the path \"…\" is not a regular file"),
            specific("cannot run executable found relative to current directory"),
        ],
        checks: &[check_when(
            "bundle.process",
            &["not found", "does not exist", "missing", "no such", "path"],
        )],
        remediation: &[FIX_ENTRYPOINT],
        yields_to: &[
            "newuidmap-missing",
            "rootless-net-helper-missing",
            "fuse-overlayfs-or-fusermount-missing",
        ],
    },
    Cause {
        id: "exec-permission-denied",
        title: "the entrypoint is not executable for the container user",
        explanation: "The file lacks an x bit the container user can use, sits on a noexec \
            mount, is owned by an unmapped id with a restrictive mode, or an LSM denies it.",
        patterns: &[
            specific("the path \"…\" exists but it is not executable"),
            specific("does not have correct permissions"),
            EXEC_EACCES_OLD,
            EXEC_EACCES_LOOKPATH,
            EXEC_EACCES,
            EXEC_EACCES_CRUN,
            EACCESS_GO119,
        ],
        checks: &[check_when(
            "bundle.process",
            &["executable", "permission", "mode", "x bit"],
        )],
        remediation: &[user(
            "make the file executable in the image (chmod +x, COPY --chmod=755) and readable by \
             the container user",
            &[],
        )],
        yields_to: &[
            "runc-binary-not-readable",
            "rootless-privileged-device-limits",
            "ubuntu-apparmor-userns-restriction",
        ],
    },
    Cause {
        id: "storage-noexec",
        title: "container storage or a volume on a noexec mount",
        explanation: "When the graph root or a bind-mounted volume is mounted noexec, the \
            kernel refuses to execute anything from it and the runtime reports permission \
            denied at exec.",
        patterns: &[
            EXEC_EACCES_OLD,
            EXEC_EACCES_LOOKPATH,
            EXEC_EACCES,
            EXEC_EACCES_CRUN,
            EACCESS_GO119,
        ],
        checks: &[check_when("bundle.process", &["noexec"])],
        remediation: &[user(
            "move graphroot (storage.conf) or the volume to a filesystem mounted without \
             noexec",
            &[],
        )],
        yields_to: &[
            "runc-binary-not-readable",
            "rootless-privileged-device-limits",
            "ubuntu-apparmor-userns-restriction",
        ],
    },
    Cause {
        id: "runc-binary-not-readable",
        title: "runc binary not readable by the user",
        explanation: "Rootless runc copies itself through /proc/self/exe before starting the \
            container (a CVE-2019-5736 mitigation); a runc installed mode 0111 cannot be read \
            back.",
        patterns: &[
            specific("create safe /proc/self/exe clone"),
            specific("open /proc/self/exe: permission denied"),
            specific("could not ensure we are a cloned binary"),
            INIT_P,
        ],
        checks: &[check_when(
            "runtime.oci-runtime",
            &["readable", "0111", "mode", "permission"],
        )],
        remediation: &[root("make runc readable", &["chmod 755 \"$(command -v runc)\""])],
        yields_to: &[],
    },
    Cause {
        id: "bundle-config-invalid",
        title: "config.json missing or incomplete",
        explanation: "The runtime validates config.json before anything else: it must exist in \
            the bundle directory and have a process with args and an absolute cwd.",
        patterns: &[
            specific("json specification file…not found"),
            specific("process property must not be empty"),
            specific("cwd property must not be empty"),
            specific("cwd must be an absolute path"),
            specific("args must not be empty"),
            specific("no mount in spec"),
        ],
        checks: &[check("bundle.config"), check("bundle.process")],
        remediation: &[user("create or complete config.json", &["runc spec --rootless"])],
        yields_to: &[],
    },
    Cause {
        id: "bundle-rootfs-invalid",
        title: "root.path missing, not a directory, or behind a symlink",
        explanation: "runc compares root.path with its resolved form and refuses a missing \
            directory or any symlink on the way (e.g. /home -> /var/home).",
        patterns: &[
            specific("invalid rootfs"),
            specific("must be mounted on ordinary directory"),
        ],
        checks: &[check("bundle.rootfs")],
        remediation: &[user(
            "point root.path at an existing directory through a path without symlinks",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "runc-tty-console-socket",
        title: "terminal requested for a detached container without a console socket",
        explanation: "With process.terminal true, a detached runc (create, run -d) must hand \
            the terminal to someone through --console-socket.",
        patterns: &[specific(
            "cannot allocate tty if runc will detach without setting console socket",
        )],
        checks: &[],
        remediation: &[user(
            "set \"terminal\": false in config.json, or pass --console-socket",
            &[],
        )],
        yields_to: &[],
    },
    // ---------------------------------------------------------------- H. nested
    Cause {
        id: "nested-proc-masked",
        title: "a fresh /proc cannot be mounted (over-mounted /proc)",
        explanation: "The kernel lets a user namespace mount procfs only when the visible /proc \
            has nothing mounted over its entries. Masked paths of an outer container, lxcfs \
            (ChromeOS, LXD) or /proc/fs/nfsd break it.",
        patterns: &[
            MOUNT_PROC_CRUN,
            MOUNT_PROC_BWRAP,
            MOUNT_PROC_RUNC,
            MOUNT_PROC_RUNC12,
            MOUNT_PROC_SHELL,
        ],
        checks: &[check_when("bundle.mounts", &["proc"])],
        remediation: &[root(
            "unmask /proc for the outer container (podman: --security-opt unmask=/proc/*; \
             docker: --security-opt systempaths=unconfined), or unmount what covers /proc",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "sysfs-mount-denied",
        title: "sysfs mount without a network namespace of its own",
        explanation: "A user namespace may mount sysfs only when it owns the current network \
            namespace. With the host network runc fails; crun falls back to a bind mount.",
        patterns: &[
            specific("mounting \"sysfs\" to rootfs"),
            specific("mounting \"/sys\" to rootfs"),
            specific("failed to mount sysfs, falling back to read-only mount"),
            specific("mount sysfs:/sys (via"),
        ],
        checks: &[check_when(
            "bundle.mounts",
            &["sysfs", "/sys", "network namespace", "netns"],
        )],
        remediation: &[user(
            "bind-mount /sys instead (type none, options rbind,nosuid,noexec,nodev,ro), give \
             the container its own network namespace, or use crun",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "bwrap-unexpected-capabilities",
        title: "bwrap started with capabilities but not setuid",
        explanation: "A non-setuid bwrap refuses to run when its caller already holds \
            capabilities (systemd services, compositors with ambient caps, nested sandboxes).",
        patterns: &[
            specific("unexpected capabilities but not setuid"),
            specific("dropping capability…from bounds"),
            shared("capset failed: operation not permitted"),
        ],
        checks: &[],
        remediation: &[root(
            "start the caller without capabilities (empty CapabilityBoundingSet= and \
             AmbientCapabilities= in its unit)",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "selinux-relabel-denied",
        title: "SELinux relabel of a volume refused",
        explanation: "`:z`/`:Z` relabels the volume's files; that fails for directories the user \
            does not own or filesystems without xattrs.",
        patterns: &[
            specific("lsetxattr(label="),
            LSETXATTR_ENOTSUP,
            shared("failed to mount tmpfs: permission denied"),
        ],
        checks: &[],
        remediation: &[user(
            "drop :z/:Z and use --security-opt label=disable for that container, or relabel once \
             as root (chcon -Rt container_file_t DIR)",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "rootless-privileged-device-limits",
        title: "--privileged and devices are limited rootless",
        explanation: "A rootless container can only expose devices the user can already open; \
            some, like the host's /dev/console, stay out of reach.",
        patterns: &[specific("open /dev/console: permission denied")],
        checks: &[],
        remediation: &[user(
            "pass the specific devices with --device and --group-add keep-groups; avoid \
             -v /dev:/dev with -t",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "runc-procfs-hardening-regression",
        title: "runc's hardened /proc access refused (runc 1.2.8/1.3.3 and later)",
        explanation: "Since the November 2025 security releases runc reaches /proc through a \
            private detached procfs and refuses anything that looks over-mounted. LXC/Incus \
            AppArmor rules, seccomp filters, a Ubuntu 22.04 runc patch or vendor kernels \
            without /proc/self/setgroups make container init fail.",
        patterns: &[
            named("unsafe procfs detected"),
            specific("fsmount:fscontext:proc/"),
            specific("reopen fd…permission denied"),
            specific("error closing exec fds"),
            specific("can't mask dir \"/proc/acpi\""),
        ],
        checks: &[check_when(
            "runtime.oci-runtime",
            &["procfs", "1.2.8", "1.3.3", "unsafe"],
        )],
        remediation: &[root(
            "update runc (or containerd.io) to a fixed package; inside LXC/Incus update the \
             host's LXC/Incus AppArmor abstractions; on vendor kernels switch to crun",
            &[],
        )],
        yields_to: &[],
    },
    // ---------------------------------------------------------------- I. tools
    Cause {
        id: "apptainer-fakeroot",
        title: "Apptainer fakeroot setup incomplete",
        explanation: "--fakeroot needs a subordinate id range for the user and a working user \
            namespace; without them Apptainer falls back to a root-mapped namespace or fails.",
        patterns: &[
            specific("trying root-mapped namespace"),
            specific("fakeroot command not found"),
            specific("no user namespace available for fakeroot"),
            specific("error while starting the…faked"),
            specific("fakeroot mapping has been disabled"),
            shared("failed to create container process: no space left on device"),
        ],
        checks: &[check("subid.subuid"), check("userns.create")],
        remediation: &[root(
            "give the user a range for fakeroot",
            &["apptainer config fakeroot --add <user>"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "lxc-unprivileged-setup",
        title: "unprivileged LXC setup incomplete",
        explanation: "Unprivileged LXC needs lxc.idmap lines matching /etc/subuid and \
            /etc/subgid, a veth quota in /etc/lxc/lxc-usernet, and working newuidmap.",
        patterns: &[
            specific("lxc-user-nic failed"),
            specific("failed to create the configured network"),
            specific("but not clone_newuser"),
            specific("lxc-usernsexec failed"),
            shared("quota reached"),
            NEWUIDMAP_EPERM,
        ],
        checks: &[check("subid.subuid"), check("subid.subgid"), check("idmap.newuidmap")],
        remediation: &[root(
            "allow the user veth devices and match lxc.idmap to /etc/subuid",
            &["echo '<user> veth lxcbr0 10' >> /etc/lxc/lxc-usernet"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "docker-rootless-setuptool",
        title: "dockerd-rootless-setuptool.sh refused to install",
        explanation: "The setup tool checks its preconditions and stops with an [ERROR] line; \
            the lines before it name the missing part.",
        patterns: &[
            specific("refusing to install rootless docker as the root user"),
            specific("rootful docker (/var/run/docker.sock) is running"),
            specific("conflicts with containerd-rootless.sh"),
            specific("rootlesskit needs to be installed"),
            specific("missing system requirements"),
        ],
        checks: &[],
        remediation: &[user(
            "run the tool as the target user after fixing what it lists",
            &["dockerd-rootless-setuptool.sh check"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "nerdctl-rootless-not-running",
        title: "rootless containerd not running",
        explanation: "nerdctl found no rootless containerd for the user, usually because its \
            setup failed earlier (AppArmor on Ubuntu 24.04, no login session, subuid).",
        patterns: &[
            specific("rootless containerd not running?"),
            specific("containerd-rootless: no such file or directory"),
            specific("needs systemd (systemctl --user)"),
            specific("refusing to install rootless containerd as the root user"),
        ],
        checks: &[],
        remediation: &[user(
            "install and start it",
            &["containerd-rootless-setuptool.sh install"],
        )],
        yields_to: &[],
    },
    Cause {
        id: "rootless-client-endpoint",
        title: "client talks to the wrong daemon socket",
        explanation: "The daemon is rootless, but the client, an SDK or an IDE uses \
            /var/run/docker.sock, or DOCKER_HOST was expanded with an empty XDG_RUNTIME_DIR, \
            or the rootless daemon is not running.",
        patterns: &[
            shared("cannot connect to the docker daemon at unix://"),
            specific("docker daemon doesn't seem to be responding"),
            specific("cannot connect to podman"),
        ],
        checks: &[check_when("runtime.xdg-runtime-dir", &["unset", "not set"])],
        remediation: &[user(
            "select the rootless daemon",
            &[
                "docker context use rootless",
                "export DOCKER_HOST=unix://$XDG_RUNTIME_DIR/docker.sock",
            ],
        )],
        yields_to: &[],
    },
];
