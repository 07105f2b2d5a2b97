//! User namespace causes: the knobs that forbid creating one
//! (`kernel.unprivileged_userns_clone`, `user.max_user_namespaces`), a kernel
//! without them, the AppArmor restriction, an outer sandbox, a chroot, and
//! exhausted limits. They come first: a user namespace failure explains every
//! later line.

use super::{
    confirmed_by_codes, follow_up, named, root, root_now, shared, specific, Cause, Fix, Pattern,
    FINAL_CHILD_PID, INIT_P, LDCONFIG, MOUNT_PROC_BWRAP, MOUNT_PROC_CRUN, MOUNT_PROC_RUNC,
    MOUNT_PROC_RUNC12, NEWGIDMAP_EPERM, NEWUIDMAP_EPERM, REEXEC, ROOTLESSKIT_FAILED,
    SETUP_NAMESPACE_USING, SETUP_NAMESPACE_USING_OLD,
};
use crate::userns;

// Errno wording of the user namespace causes: the same errno means the
// sysctl on one host, AppArmor or a sandbox on another; the checks decide.
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
/// Newer containers/storage prints the flags as `unshare(...)`.
const STORAGE_UNSHARE_FLAGS_EPERM: Pattern =
    shared("error during unshare(...): operation not permitted");
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

const SYSCTL_CLONE_NOW: Fix = root_now(
    "allow unprivileged user namespaces until the next reboot",
    &["sysctl -w kernel.unprivileged_userns_clone=1"],
);
const SYSCTL_CLONE_PERSIST: Fix = root(
    "allow unprivileged user namespaces for good",
    &[
        "echo 'kernel.unprivileged_userns_clone=1' > /etc/sysctl.d/99-rootless-userns-clone.conf",
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
        "echo 'user.max_user_namespaces=28633' > /etc/sysctl.d/99-rootless-max_user_namespaces.conf",
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

pub(super) const CAUSES: &[Cause] = &[
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
            STORAGE_UNSHARE_FLAGS_EPERM,
            LXC_CLONE_EPERM,
            // Singularity 3.x: any failed clone of the container namespaces
            shared("failed to create container namespaces"),
            FINAL_CHILD_PID,
            LDCONFIG,
            ROOTLESSKIT_FAILED,
            REEXEC,
            INIT_P,
        ],
        checks: &[
            confirmed_by_codes(&userns::CLONE_SYSCTL, &[userns::Code::CloneSysctlOff.code()]),
            confirmed_by_codes(&userns::CREATE, &[userns::Code::CloneSysctlOff.code()]),
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
        checks: &[confirmed_by_codes(
            &userns::MAX_NAMESPACES,
            &[userns::Code::MaxNamespacesZero.code()],
        )],
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
        checks: &[confirmed_by_codes(&userns::CREATE, &[userns::Code::NoUsernsSupport.code(), userns::Code::Rhel7Disabled.code()])],
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
            // bwrap --unshare-net in the capability-less unprivileged_userns profile
            specific("bwrap: loopback: failed rtm_newaddr: operation not permitted"),
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
            STORAGE_UNSHARE_FLAGS_EPERM,
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
            confirmed_by_codes(
                &userns::APPARMOR,
                &[
                    userns::Code::ApparmorRestriction.code(),
                    userns::Code::RuntimesUncovered.code(),
                    userns::Code::RestrictionUnconfirmed.code(),
                ],
            ),
            confirmed_by_codes(&userns::CREATE, &[userns::Code::ApparmorRestriction.code()]),
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
        checks: &[confirmed_by_codes(&userns::APPARMOR, &[userns::Code::ApparmorRestriction.code(), userns::Code::RuntimesCovered.code(), userns::Code::RuntimesUncovered.code()])],
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
        checks: &[confirmed_by_codes(
            &userns::APPARMOR,
            &[
                userns::Code::ApparmorRestriction.code(),
                userns::Code::RuntimesCovered.code(),
                userns::Code::RuntimesUncovered.code(),
                userns::Code::RestrictionUnconfirmed.code(),
            ],
        )],
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
            STORAGE_UNSHARE_FLAGS_EPERM,
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
        checks: &[confirmed_by_codes(&userns::CREATE, &[userns::Code::SeccompFilter.code(), userns::Code::ContainerSandbox.code(), userns::Code::SandboxConfinesMapping.code()])],
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
            STORAGE_UNSHARE_FLAGS_EPERM,
        ],
        checks: &[confirmed_by_codes(&userns::CREATE, &[userns::Code::UnexplainedEperm.code()])],
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
            confirmed_by_codes(&userns::MAX_NAMESPACES, &[userns::Code::MaxNamespacesLow.code()]),
            confirmed_by_codes(&userns::CREATE, &[userns::Code::MaxNamespacesZero.code(), userns::Code::LimitReached.code(), userns::Code::NestingTooDeep.code()]),
        ],
        remediation: &[SYSCTL_MAX_NOW, SYSCTL_MAX_PERSIST],
        yields_to: &[],
    },
];
