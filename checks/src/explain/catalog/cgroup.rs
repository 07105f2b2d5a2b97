//! cgroup causes: v1 or hybrid hierarchies, controllers not delegated, the
//! cgroupfs manager without a delegated cgroup, and crun on a hybrid host.

use super::{
    confirmed_by, confirmed_by_codes, named, root, shared, specific, user, Cause, Fix, Pattern,
};
use crate::{cgroup, runtime};

// cgroup permission wording shared by the v1, controller and cgroupfs causes.
const CGROUP_MKDIR_EACCES: Pattern = shared("mkdir /sys/fs/cgroup/…permission denied");
const CGROUP_SUBTREE_EACCES: Pattern = shared("cgroup.subtree_control…permission denied");
const CGROUP_PROCS_EACCES: Pattern = shared("cgroup.procs…permission denied");
const CGROUP_NO_PERMISSION: Pattern =
    shared("rootless needs no limits + no cgrouppath when no permission is granted for cgroups");

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

pub(super) const CAUSES: &[Cause] = &[
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
            // dockerd-rootless with native.cgroupdriver=systemd on cgroup v1
            specific("requires cgroup v2 for rootless mode"),
            specific("unknown filesystem type 'cgroup2'"),
            CGROUP_SUBTREE_EACCES,
            CGROUP_NO_PERMISSION,
            CGROUP_MKDIR_EACCES,
        ],
        checks: &[confirmed_by_codes(&cgroup::DELEGATION, &[cgroup::Code::V1OrHybrid.code()])],
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
            specific("failed to find cpu cgroup (v2)"),
            CGROUP_MKDIR_EACCES,
            CGROUP_SUBTREE_EACCES,
            CGROUP_PROCS_EACCES,
            CGROUP_NO_PERMISSION,
        ],
        checks: &[confirmed_by_codes(&cgroup::DELEGATION, &[cgroup::Code::PartlyDelegated.code(), cgroup::Code::NothingDelegated.code(), cgroup::Code::NoUserManager.code(), cgroup::Code::NotSystemdManaged.code(), cgroup::Code::Unreadable.code()])],
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
        checks: &[confirmed_by(&cgroup::DELEGATION)],
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
            confirmed_by_codes(&runtime::OCI_RUNTIME, &[runtime::Code::CrunRefusesHybrid.code()]),
            confirmed_by_codes(&cgroup::DELEGATION, &[cgroup::Code::V1OrHybrid.code()]),
            confirmed_by_codes(&crate::engine::PODMAN, &[crate::engine::Code::RuntimeRefused.code()]),
        ],
        remediation: &[
            CGROUP_V2_FIX,
            user("or use runc on this host", &[]),
        ],
        yields_to: &[],
    },
];
