//! Network causes: privileged ports, ICMP sockets, the user-space network
//! helpers, /dev/net/tun, pasta's AppArmor profile, iptables for rootless
//! Docker.

use super::{
    confirmed_by_codes, named, root, shared, specific, user, Cause, DOCKER_SERVICE,
    DOCKER_SERVICE_JOB,
};
use crate::engine;
use crate::network::{self, Code};

pub(super) const CAUSES: &[Cause] = &[
    Cause {
        id: "privileged-port-bind-denied",
        title: "publishing a port below net.ipv4.ip_unprivileged_port_start",
        explanation: "Ports below net.ipv4.ip_unprivileged_port_start (1024 by default) need \
            CAP_NET_BIND_SERVICE on the host, which a rootless port forwarder lacks.",
        patterns: &[
            named("cannot expose privileged port"),
            specific("rootlessport…bind: permission denied"),
            specific("listen failed for host tcp port"),
            shared("couldn't listen on requested tcp ports"),
        ],
        checks: &[confirmed_by_codes(&network::PORTS, &[Code::PrivilegedPorts.code()])],
        remediation: &[
            root(
                "allow binding from port 80 up",
                &[
                    "echo 'net.ipv4.ip_unprivileged_port_start=80' > /etc/sysctl.d/99-rootless-unprivileged-port-start.conf",
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
        checks: &[confirmed_by_codes(&network::PING, &[Code::PingRange.code()])],
        remediation: &[root(
            "allow ICMP sockets for all groups",
            &[
                "echo 'net.ipv4.ping_group_range = 0 2147483647' > /etc/sysctl.d/99-rootless-ping-group-range.conf",
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
            // dockerd-rootless.sh without slirp4netns or vpnkit (Ubuntu 18.04 has no package)
            specific("either slirp4netns (>= v0.4.0) or vpnkit needs to be installed"),
            shared("binary…is not installed"),
            shared("failed to setup network"),
        ],
        checks: &[confirmed_by_codes(
            &network::HELPER,
            &[Code::HelperMissing.code(), Code::HelperTooOld.code(), Code::HelperCannotRun.code()],
        )],
        remediation: &[root("install passt and slirp4netns with the package manager", &[])],
        yields_to: &["tun-device-missing"],
    },
    Cause {
        id: "tun-device-missing",
        title: "/dev/net/tun missing or not usable",
        explanation: "slirp4netns, pasta and RootlessKit's tap driver need /dev/net/tun.",
        patterns: &[specific("/dev/net/tun"), specific("setting up tap tap0")],
        checks: &[confirmed_by_codes(
            &network::TUN,
            &[
                Code::TunMissing.code(),
                Code::TunMode.code(),
                Code::TunRefused.code(),
                Code::TunModuleAbsent.code(),
                Code::TapRefused.code(),
            ],
        ), confirmed_by_codes(&crate::engine::PODMAN, &[crate::engine::Code::TunFails.code()])],
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
            specific("netns dir open: permission denied"),
            shared("pasta failed with exit code"),
        ],
        checks: &[confirmed_by_codes(&network::HELPER, &[Code::PastaApparmor.code()])],
        remediation: &[root(
            "upgrade passt to the version matching podman, or use --network=slirp4netns meanwhile",
            &[],
        )],
        yields_to: &[],
    },
    Cause {
        id: "slirp4netns-sandbox-denied",
        title: "slirp4netns cannot set up its sandbox",
        explanation: "With --enable-sandbox, slirp4netns mounts a tmpfs on /tmp and pivot_roots \
            into it; on a root filesystem without pivot_root (initramfs, some LXD containers) \
            or where an LSM forbids it, slirp4netns exits before the container starts.",
        patterns: &[
            specific("cannot pivot_root to /tmp"),
            specific("cannot mount tmpfs on /tmp"),
            specific("create_sandbox failed"),
        ],
        checks: &[confirmed_by_codes(&network::HELPER, &[Code::HelperStartFailed.code()])],
        remediation: &[user(
            "use pasta instead (--network=pasta, or default_rootless_network_cmd = \"pasta\" \
             in containers.conf), or run from a root filesystem that allows pivot_root",
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
            specific("iptables checks can be disabled with skip_iptables=1"),
            specific("failed to create nat chain docker: iptables not found"),
            DOCKER_SERVICE,
            DOCKER_SERVICE_JOB,
        ],
        checks: &[confirmed_by_codes(
            &engine::DOCKER,
            &[
                engine::Code::IptablesMissing.code(),
                engine::Code::IptablesModuleMissing.code(),
            ],
        )],
        remediation: &[root(
            "load the netfilter modules now and at boot, or install with --skip-iptables",
            &["modprobe nf_tables", "echo nf_tables > /etc/modules-load.d/nf_tables.conf"],
        )],
        yields_to: &[],
    },
];
