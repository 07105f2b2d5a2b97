//! Causes specific to one engine's setup: Apptainer fakeroot, unprivileged
//! LXC, Docker's and nerdctl's rootless setup tools, and a client talking to
//! the wrong daemon.

use super::{
    confirmed_by, confirmed_by_codes, confirmed_by_codes_ruling_out_if, root, shared, specific,
    user, Cause, NEWUIDMAP_EPERM,
};
use crate::{engine, idmap, runtime, subid, userns};

/// engine.nerdctl rules rootless containerd out only when it judged a user:
/// its skip for a root subject (root's nerdctl uses the system containerd,
/// and "refusing to install rootless containerd as the root user" is what
/// root meets) says nothing about the cause.
fn judged_for_a_user(outcome: &crate::check::Outcome) -> bool {
    !outcome.is(engine::Code::NerdctlRootSubject)
}

pub(super) const CAUSES: &[Cause] = &[
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
        checks: &[confirmed_by(&subid::SUBUID), confirmed_by(&userns::CREATE)],
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
        checks: &[
            confirmed_by(&subid::SUBUID),
            confirmed_by(&subid::SUBGID),
            confirmed_by(&idmap::NEWUIDMAP),
        ],
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
        checks: &[confirmed_by_codes(
            &engine::DOCKER,
            &[
                engine::Code::RootlesskitMissing.code(),
                engine::Code::IptablesMissing.code(),
                engine::Code::IptablesModuleMissing.code(),
                engine::Code::DockerHostCheckFailed.code(),
            ],
        )],
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
            // RootlessKit's state dir left behind without its child_pid.
            specific("containerd-rootless/child_pid: no such file or directory"),
        ],
        checks: &[confirmed_by_codes_ruling_out_if(
            &engine::NERDCTL,
            &[
                engine::Code::ContainerdNotRunning.code(),
                engine::Code::ContainerdStale.code(),
            ],
            judged_for_a_user,
        )],
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
            // `docker info` words it without the article
            shared("cannot connect to docker daemon at unix://"),
            specific("docker daemon doesn't seem to be responding"),
            specific("cannot connect to podman"),
        ],
        checks: &[
            confirmed_by_codes(&runtime::XDG_RUNTIME_DIR, &[runtime::Code::Unset.code()]),
            confirmed_by_codes(&engine::DOCKER, &[engine::Code::ClientEndpoint.code()]),
        ],
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
