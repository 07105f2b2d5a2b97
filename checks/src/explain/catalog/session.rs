//! Login session causes: XDG_RUNTIME_DIR, the user's systemd and D-Bus,
//! lingering, and mount propagation of `/`.

use super::{
    confirmed_by, confirmed_by_codes, named, root, root_now, shared, specific, user, Cause, Fix,
    Pattern, DOCKER_SERVICE, DOCKER_SERVICE_JOB,
};
use crate::{cgroup, mount, runtime, session, state};

// Session wording shared by xdg-runtime-dir-invalid and
// no-user-systemd-or-dbus.
const BUS_CONNECT: Pattern = shared("failed to connect to bus");
const BUS_DIAL: Pattern = shared("dial unix /run/user/…/bus");
const SANDBOX_CGROUP: Pattern = shared("failed to add podman to systemd sandbox cgroup");
const SYSTEMD_NOT_DETECTED: Pattern =
    shared("systemd not detected, dockerd-rootless.sh needs to be started manually");

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

pub(super) const CAUSES: &[Cause] = &[
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
            // without XDG_RUNTIME_DIR podman falls back to /tmp/storage-run-<uid>, which
            // survives a reboot when /tmp is not a tmpfs
            specific("the path in $xdg_runtime_dir must be writable by the user"),
            specific("mkdir /run/runc"),
            specific("lstat /run/runc/"),
            specific("/run/user/0/libpod"),
            specific("mkdir /run/user/0/containers: permission denied"),
            // `su - user`: no session, so podman's fallback /run/user/<uid> does not exist
            specific("creating tmpdir: mkdir /run/user/…permission denied"),
            specific("unable to make temp dir /run/user/"),
            // `sudo -E podman`: root podman joins the user's namespace through the
            // leaked XDG_RUNTIME_DIR and cannot write the system store
            specific("creating runtime static files directory /var/lib/containers/storage/libpod: mkdir /var/lib/containers/storage: permission denied"),
            specific("creating tmpdir: mkdir /run/user/"),
            specific("mkdir /run/user/…: permission denied"),
            specific("directory set by $xdg_runtime_dir does not exist"),
            specific("$dbus_session_bus_address and $xdg_runtime_dir not defined"),
            shared("/run/user/0/"),
            shared("xdg_runtime_dir isn't set in the environment"),
            SYSTEMD_NOT_DETECTED,
            BUS_CONNECT,
            BUS_DIAL,
            SANDBOX_CGROUP,
            DOCKER_SERVICE,
            DOCKER_SERVICE_JOB,
        ],
        checks: &[
            confirmed_by(&runtime::XDG_RUNTIME_DIR),
            confirmed_by_codes(&session::USER_MANAGER, &[session::Code::NoLoginSession.code()]),
        ],
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
            // systemctl --user with no user manager to talk to (CentOS 7, no login session)
            specific("failed to get d-bus connection: no such file or directory"),
            // podman 5 without dbus-user-session (no DBUS_SESSION_BUS_ADDRESS to find)
            specific("systemd sandbox cgroup: dbus: couldn't determine address of session bus"),
            shared("interactive authentication required"),
            BUS_CONNECT,
            BUS_DIAL,
            SANDBOX_CGROUP,
            SYSTEMD_NOT_DETECTED,
            DOCKER_SERVICE,
            DOCKER_SERVICE_JOB,
        ],
        checks: &[
            confirmed_by_codes(&cgroup::DELEGATION, &[cgroup::Code::NoUserManager.code(), cgroup::Code::NotSystemdManaged.code()]),
            confirmed_by_codes(&runtime::XDG_RUNTIME_DIR, &[runtime::Code::Unset.code()]),
            confirmed_by_codes(
                &session::USER_MANAGER,
                &[
                    session::Code::NoUserManager.code(),
                    session::Code::NoUserBus.code(),
                    session::Code::BusElsewhere.code(),
                    session::Code::NoLoginSession.code(),
                ],
            ),
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
        checks: &[confirmed_by_codes(&session::LINGER, &[session::Code::LingerOff.code()])],
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
        checks: &[confirmed_by_codes(&mount::BIND, &[mount::Code::RootNotShared.code()])],
        remediation: &[root_now("make / shared", &["mount --make-rshared /"])],
        yields_to: &[],
    },
    Cause {
        id: "podman-run-dir-survived-reboot",
        title: "podman's run directory survived a reboot (not on tmpfs)",
        explanation: "Podman keeps per-boot state in its run and tmp directories, which must \
            be on a tmpfs such as /run/user/<uid>. Without a login session (su, sudo, no \
            lingering) it falls back to /tmp/storage-run-<uid> or a configured path that \
            persists; after a reboot the cached boot id no longer matches and podman refuses \
            to start until those directories are removed.",
        patterns: &[
            named("current system boot id differs from cached boot id"),
            specific("an unhandled reboot has occurred"),
            // podman 4 has no boot id: it finds the old boot's containers gone
            specific("could not find any running process"),
        ],
        checks: &[
            confirmed_by_codes(&state::PAUSE_PROCESS, &[state::Code::StaleBoot.code()]),
            confirmed_by_codes(
                &runtime::XDG_RUNTIME_DIR,
                &[runtime::Code::Unset.code(), runtime::Code::Missing.code()],
            ),
        ],
        remediation: &[
            user(
                "remove the stale directories the message names (podman recreates them), \
                 then run podman from a real login so its state lives under /run/user/<uid>",
                &["podman system migrate"],
            ),
            LOGIN_FIX,
            LINGER_FIX,
        ],
        yields_to: &[],
    },
];
