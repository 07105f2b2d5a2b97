//! Causes met when nesting or hardening: a masked /proc, sysfs without a
//! network namespace, bwrap with capabilities, SELinux relabelling, devices,
//! and runc's hardened /proc access.

use super::{
    confirmed_by_codes, confirmed_by_codes_ruling_out_if, named, root, shared, specific, user,
    Cause, LSETXATTR_ENOTSUP, MOUNT_PROC_BWRAP, MOUNT_PROC_CRUN, MOUNT_PROC_RUNC,
    MOUNT_PROC_RUNC12, MOUNT_PROC_SHELL,
};
use crate::check::Outcome;
use crate::{bundle, runtime};

/// A pass of the referenced check never rules the cause out: the check
/// sees some of its triggers only (runc's procfs hardening may sit in a runc
/// off the PATH, such as k3s's, or be backported by a distribution under an
/// older version; bwrap may be started by a program whose capabilities the
/// doctor never sees).
fn never(_: &Outcome) -> bool {
    false
}

pub(super) const CAUSES: &[Cause] = &[
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
        checks: &[confirmed_by_codes(
            &bundle::MOUNTS,
            &[bundle::Code::ProcWithoutPidns.code()],
        )],
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
        checks: &[confirmed_by_codes(
            &bundle::MOUNTS,
            &[bundle::Code::SysfsWithoutNetns.code()],
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
        explanation: "A non-setuid bwrap refuses to run when it starts with capabilities: \
            file capabilities on the bwrap binary (an old file-caps install), or a caller \
            that holds ambient capabilities (systemd services, compositors, nested sandboxes).",
        patterns: &[
            specific("unexpected capabilities but not setuid"),
            specific("dropping capability…from bounds"),
            shared("capset failed: operation not permitted"),
        ],
        checks: &[confirmed_by_codes_ruling_out_if(
            &runtime::BWRAP,
            &[
                runtime::Code::BwrapFileCaps.code(),
                runtime::Code::BwrapAmbientCaps.code(),
            ],
            never,
        )],
        remediation: &[
            root(
                "remove bwrap's file capabilities (setuid root or none are supported)",
                &["setcap -r /usr/bin/bwrap"],
            ),
            root(
                "start the caller without capabilities (empty CapabilityBoundingSet= and \
                 AmbientCapabilities= in its unit)",
                &[],
            ),
        ],
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
        // runtime.oci-runtime sees two of the triggers (no
        // /proc/self/setgroups, an LXC/Incus container); seccomp and LSM
        // denials elsewhere it cannot, so its other outcomes rule the cause
        // out only where runc predates the hardening or is absent.
        checks: &[confirmed_by_codes_ruling_out_if(
            &runtime::OCI_RUNTIME,
            &[
                runtime::Code::RuncProcfsNoSetgroups.code(),
                runtime::Code::RuncProcfsInLxc.code(),
            ],
            never,
        )],
        remediation: &[root(
            "update runc (or containerd.io) to a fixed package; inside LXC/Incus update the \
             host's LXC/Incus AppArmor abstractions; on vendor kernels switch to crun",
            &[],
        )],
        yields_to: &[],
    },
];
