//! `session.user-manager`: a systemd user manager and user bus for the
//! subject, and whether the doctor's own session leads to them.
//!
//! Podman's systemd cgroup manager asks the user manager for a scope over the
//! user bus, and falls back to cgroupfs with a warning when
//! DBUS_SESSION_BUS_ADDRESS names no socket (containers/common
//! `CheckCgroupsAndAdjustConfig`); rootless Docker's unit
//! (`dockerd-rootless-setuptool.sh install`) needs the user manager. [`gather`]
//! reads `/run/systemd/system`, `/run/user/UID/systemd/private`,
//! `/run/user/UID/bus` and, when the subject runs the doctor, how its session
//! was entered ([`super::entry`]); [`judge`] is pure over those facts.
//!
//! Decisions: docs/checks/session.md, section `session.user-manager`.

use super::entry::{self, Entry};
use super::Code;
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::distro::{Component, Distro};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation, Status};
use crate::shell::quote;
use crate::subject::Subject;
use crate::systemd;
use std::path::Path;

pub static USER_MANAGER: CheckDef = CheckDef {
    id: "session.user-manager",
    title: "systemd user manager and user bus",
    description: "A systemd user manager runs for the subject (/run/user/UID/systemd/private), \
                  its user bus exists (/run/user/UID/bus), DBUS_SESSION_BUS_ADDRESS leads to \
                  it, and the shell was entered through a login rather than su, sudo or \
                  runuser: podman's systemd cgroup manager and rootless Docker's user unit \
                  need them. Skipped without systemd.",
    codes: &[
        Code::NoSystemd.code(),
        Code::NoUserManager.code(),
        Code::NoUserBus.code(),
        Code::BusElsewhere.code(),
        Code::NoLoginSession.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx.host, ctx.subject), &ctx.distro)
}

/// Everything the judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub name: String,
    pub uid: u32,
    pub is_root: bool,
    /// systemd is the init system.
    pub systemd: bool,
    /// /run/user/UID/systemd/private is a socket.
    pub manager: bool,
    /// /run/user/UID/bus is a socket.
    pub bus: bool,
    /// How the doctor's session was entered; `None` when root diagnoses
    /// another user (a login's defaults are assumed).
    pub entry: Option<Entry>,
    /// The socket DBUS_SESSION_BUS_ADDRESS names exists (the subject can
    /// reach it, when the subject runs the doctor).
    pub named_bus_reachable: bool,
}

/// Reads the facts through the host seam.
pub fn gather(host: &HostFs, subject: &Subject) -> Facts {
    let entry = subject.is_invoker.then(|| entry::gather(host));
    let named_bus_reachable = entry
        .as_ref()
        .and_then(Entry::bus_path)
        .is_some_and(|path| host.metadata(path).is_ok());
    Facts {
        name: subject.name.clone(),
        uid: subject.uid,
        is_root: subject.is_root(),
        systemd: systemd::booted(host),
        manager: systemd::is_socket(host, systemd::manager_socket(subject.uid)),
        bus: systemd::is_socket(host, systemd::bus_socket(subject.uid)),
        entry,
        named_bus_reachable,
    }
}

/// The reason of the skip without systemd, shared with `session.linger`.
pub(super) fn no_systemd_reason() -> String {
    format!(
        "systemd is not the init system here ({} is missing): no user manager, user bus or \
         lingering; podman uses the cgroupfs cgroup manager and no user units (quadlet and \
         `podman generate systemd` need systemd), and rootless Docker's user unit cannot be \
         installed: start dockerd-rootless.sh by hand",
        systemd::BOOTED_DIR
    )
}

/// Decides the outcome.
pub fn judge(facts: &Facts, distro: &Distro) -> Outcome {
    let evidence = evidence(facts);
    if !facts.systemd {
        return Outcome::skip(Code::NoSystemd, no_systemd_reason()).with_all(evidence);
    }
    if facts.is_root {
        return Outcome::pass(
            "root's engines use the system manager and the system bus, not a user manager",
        )
        .with_all(evidence);
    }
    match finding(facts, distro) {
        Some(finding) => finding.outcome_after(evidence),
        None => {
            let mut outcome = Outcome::pass(format!(
                "a systemd user manager and the user bus {} run for {}",
                systemd::bus_socket(facts.uid).display(),
                facts.name
            ))
            .with_all(evidence);
            if facts
                .entry
                .as_ref()
                .is_some_and(|e| e.without_login(facts.uid))
            {
                outcome = outcome.with(Evidence::fact(
                    "note",
                    "entered without a login session, but the environment leads to the user bus",
                ));
            }
            outcome
        }
    }
}

fn finding(facts: &Facts, distro: &Distro) -> Option<Finding> {
    let name = &facts.name;
    let uid = facts.uid;
    let manager = systemd::manager_socket(uid).display().to_string();
    let bus = systemd::bus_socket(uid).display().to_string();
    let switched = facts
        .entry
        .as_ref()
        .filter(|e| e.without_login(uid))
        .map(entered_by);
    if !facts.manager {
        let effect = "podman's systemd cgroup manager falls back to cgroupfs (\"no systemd \
                      user session available\") and rootless Docker's user unit cannot start";
        return Some(match switched {
            Some(how) => Finding::warn(
                Code::NoLoginSession,
                format!(
                    "{how}, without a login session: no systemd user manager runs for {name} \
                     ({manager} is missing); {effect}"
                ),
            )
            .also([Code::NoUserManager])
            .fixes(login_fixes(name)),
            None => Finding::warn(
                Code::NoUserManager,
                format!("no systemd user manager runs for {name} ({manager} is missing): {effect}"),
            )
            .fixes(login_fixes(name)),
        });
    }
    if !facts.bus {
        let package = distro.package(Component::DbusUserSession);
        return Some(
            Finding::warn(
                Code::NoUserBus,
                format!(
                    "{name}'s systemd user manager runs, but there is no user bus {bus}: podman's \
                     systemd cgroup manager falls back to cgroupfs, and `systemctl --user` works \
                     only through {manager}"
                ),
            )
            .fixes([Remediation::root(
                format!("install the user D-Bus ({package}), then log in again as {name}"),
                vec![distro.install(&[package])],
            )]),
        );
    }
    let entry = facts.entry.as_ref()?;
    // /var/run is a link to /run: /var/run/user/UID/bus is the user's own.
    let same_as_own = |p: &str| {
        let p = p
            .strip_prefix("/var")
            .filter(|r| r.starts_with("/run/"))
            .unwrap_or(p);
        systemd::bus_socket(uid) == Path::new(p)
    };
    if let Some(path) = entry.bus_path().filter(|p| !same_as_own(p)) {
        let whose = if path == systemd::SYSTEM_BUS || path.starts_with("/var/run/dbus/") {
            "the system bus".to_string()
        } else {
            format!("not {name}'s bus {bus}")
        };
        let (status, effect) = if facts.named_bus_reachable {
            (
                Status::Fail,
                "podman asks that bus for its cgroup scopes and is refused (\"interactive \
                 authentication required\")",
            )
        } else {
            (
                Status::Warn,
                "it is unreachable, so podman falls back to the cgroupfs cgroup manager",
            )
        };
        return Some(
            Finding::new(
                status,
                Code::BusElsewhere,
                format!("DBUS_SESSION_BUS_ADDRESS points at {path}, {whose}: {effect}"),
            )
            .fixes([Remediation::root(
                format!("point DBUS_SESSION_BUS_ADDRESS at {name}'s own bus"),
                vec![format!("export DBUS_SESSION_BUS_ADDRESS=unix:path={bus}")],
            )
            .as_user()
            .until_reboot()])
            .fixes(
                switched
                    .is_some()
                    .then(|| login_fixes(name))
                    .into_iter()
                    .flatten(),
            ),
        );
    }
    let how = switched?;
    // Without a bus address or a runtime directory, `systemctl --user` and
    // rootless Docker's tools find no bus (podman finds /run/user/UID itself).
    let leads_to_bus = entry.bus_path().is_some()
        || entry
            .xdg_runtime_dir
            .as_deref()
            .is_some_and(|d| systemd::runtime_dir(uid) == Path::new(d));
    if leads_to_bus {
        return None;
    }
    Some(
        Finding::warn(
            Code::NoLoginSession,
            format!(
                "{how}, without a login session: neither DBUS_SESSION_BUS_ADDRESS nor \
                 XDG_RUNTIME_DIR leads to {bus}, so `systemctl --user` and rootless Docker's \
                 tools fail (\"failed to connect to bus\")"
            ),
        )
        .fixes(login_fixes(name))
        .fixes([Remediation::root(
            format!("or, in this shell, point the environment at {name}'s session"),
            vec![
                format!(
                    "export XDG_RUNTIME_DIR={}",
                    systemd::runtime_dir(uid).display()
                ),
                format!("export DBUS_SESSION_BUS_ADDRESS=unix:path={bus}"),
            ],
        )
        .as_user()
        .until_reboot()
        .alternative()]),
    )
}

/// "this shell was entered with runuser" (or the login uid's account).
fn entered_by(entry: &Entry) -> String {
    match (&entry.switched_by, entry.loginuid) {
        (Some(program), _) => format!("this shell was entered with {program}"),
        (None, Some(login)) => format!("this shell belongs to the login of uid {login}"),
        (None, None) => "this shell was entered with another user's identity".to_string(),
    }
}

/// The ways into a real session of `name` (interactive, so no command the
/// setup script would run), and lingering.
fn login_fixes(name: &str) -> Vec<Remediation> {
    let user = quote(name);
    vec![
        Remediation::root(
            format!(
                "enter a login session of {name}, which starts its user manager and sets \
                 XDG_RUNTIME_DIR and DBUS_SESSION_BUS_ADDRESS: `machinectl shell {user}@` \
                 (as root), `ssh {user}@localhost`, or for one command \
                 `systemd-run --user -M {user}@ --pty podman info`; not su, sudo or runuser"
            ),
            Vec::new(),
        )
        .until_reboot(),
        Remediation::root(
            format!("keep {name}'s user manager running without a login (lingering)"),
            vec![format!("loginctl enable-linger {user}")],
        )
        .unless(format!("test -e /var/lib/systemd/linger/{user}")),
    ]
}

fn evidence(facts: &Facts) -> Vec<Evidence> {
    let found = |yes: bool| if yes { "socket" } else { "missing" };
    let mut evidence = vec![Evidence::fact(
        systemd::BOOTED_DIR,
        if facts.systemd {
            "directory"
        } else {
            "missing"
        },
    )];
    if facts.systemd {
        evidence.push(Evidence::fact(
            systemd::manager_socket(facts.uid).display().to_string(),
            found(facts.manager),
        ));
        evidence.push(Evidence::fact(
            systemd::bus_socket(facts.uid).display().to_string(),
            found(facts.bus),
        ));
    }
    if let Some(entry) = &facts.entry {
        let unset = |v: &Option<String>| v.clone().unwrap_or_else(|| "(unset)".into());
        evidence.push(Evidence::setting(
            "DBUS_SESSION_BUS_ADDRESS",
            unset(&entry.bus_address),
        ));
        evidence.push(Evidence::setting(
            "XDG_RUNTIME_DIR",
            unset(&entry.xdg_runtime_dir),
        ));
        evidence.push(Evidence::setting(
            "XDG_SESSION_ID",
            unset(&entry.session_id),
        ));
        evidence.push(Evidence::fact(
            "/proc/self/loginuid",
            match entry.loginuid {
                Some(entry::LOGINUID_UNSET) => "unset (no login)".to_string(),
                Some(uid) => uid.to_string(),
                None => "unreadable".to_string(),
            },
        ));
        if !entry.ancestors.is_empty() {
            evidence.push(Evidence::fact("parents", entry.ancestors.join(" < ")));
        }
    }
    evidence
}

#[cfg(test)]
#[path = "user_manager_tests.rs"]
mod tests;
