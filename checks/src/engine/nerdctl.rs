//! `engine.nerdctl`: whether rootless containerd is running for the subject,
//! as nerdctl looks for it before anything else.
//!
//! nerdctl (`pkg/rootlessutil`), run by a user other than root, re-executes
//! itself inside RootlessKit's namespaces: the state dir is
//! `$ROOTLESSKIT_STATE_DIR`, else `$XDG_RUNTIME_DIR/containerd-rootless`
//! (hard-coded in containerd-rootless.sh; "environment variable
//! XDG_RUNTIME_DIR is not set" without it). When the dir is missing it stops
//! with "rootless containerd not running? (hint: use
//! `containerd-rootless-setuptool.sh install` to start rootless containerd):
//! stat …: no such file or directory"; then it reads `child_pid` (RootlessKit's
//! child, which holds the namespaces) and runs `nsenter -t PID`, which fails
//! when that process is gone ("nsenter: cannot open /proc/PID/ns/user").
//!
//! Read-only: a stat of the dir, the pid file opened as the subject's own
//! file ([`crate::engines::state::open_subject_file`]), and /proc/PID/status;
//! nothing is started or signalled. The verdict is the first need of the
//! `nerdctl` entry of the report's engines section (`crate::verdicts`).
//! Decisions: docs/checks/engine.md, section `engine.nerdctl`.

use super::Code;
use crate::check::{CheckDef, Context, Outcome};
use crate::engines::state::open_subject_file;
use crate::host::HostFs;
use crate::model::{Evidence, Remediation};
use crate::proc_status::ProcStatus;
use crate::subject::Subject;
use std::io::Read;
use std::path::PathBuf;

pub static NERDCTL: CheckDef = CheckDef {
    id: "engine.nerdctl",
    title: "rootless containerd for nerdctl",
    description: "When nerdctl is installed and the subject is not root: whether rootless \
                  containerd is running for the subject, as nerdctl finds it (RootlessKit's \
                  state dir $XDG_RUNTIME_DIR/containerd-rootless and the child process named \
                  by its child_pid); never starts anything.",
    codes: &[
        Code::NerdctlNotInstalled.code(),
        Code::NerdctlRootSubject.code(),
        Code::ContainerdNotRunning.code(),
        Code::ContainerdStale.code(),
    ],
    probes: &[],
    run,
};

/// Where nerdctl is looked for after the subject's PATH, as
/// `runtime.oci-runtime` looks for the container tools.
const SYSTEM_DIRS: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// What RootlessKit's child pid names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Child {
    /// `child_pid` is missing, unreadable or not the subject's own file.
    NoPidFile,
    /// It does not hold a decimal pid (its text).
    BadPid(String),
    /// No such process, or a zombie.
    Gone(u32),
    /// A live process of another user (the pid was reused).
    Other { pid: u32, uid: Option<u32> },
    /// A live process of the subject.
    Running(u32),
}

/// Everything the judge reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub user: String,
    /// nerdctl's path, when installed.
    pub nerdctl: Option<PathBuf>,
    pub is_root: bool,
    /// The state dir nerdctl looks at (`None`: XDG_RUNTIME_DIR unknown).
    pub state_dir: Option<PathBuf>,
    /// The dir exists (os.Stat succeeds).
    pub state_dir_exists: bool,
    pub child: Child,
    /// systemd is the init system (`containerd-rootless-setuptool.sh install`
    /// needs `systemctl --user`).
    pub systemd: bool,
}

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx.host, ctx.subject))
}

/// Gathers the facts from the host.
pub fn gather(host: &HostFs, subject: &Subject) -> Facts {
    let nerdctl = host
        .look_path("nerdctl", &subject.path)
        .or_else(|| host.look_path("nerdctl", SYSTEM_DIRS));
    let systemd = host.exists("/run/systemd/system");
    if nerdctl.is_none() || subject.is_root() {
        // Not judged: nothing of the user's is read.
        return Facts {
            user: subject.name.clone(),
            nerdctl,
            is_root: subject.is_root(),
            state_dir: None,
            state_dir_exists: false,
            child: Child::NoPidFile,
            systemd,
        };
    }
    // $ROOTLESSKIT_STATE_DIR is known for the doctor's own user only.
    let from_env = (subject.is_invoker && host.is_real())
        .then(|| std::env::var("ROOTLESSKIT_STATE_DIR").ok())
        .flatten()
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let state_dir = from_env.or_else(|| {
        subject
            .xdg_runtime_dir
            .as_ref()
            .map(|x| x.join("containerd-rootless"))
    });
    // nerdctl's os.Stat follows links; root acting for another user only
    // lstats the user's directory (docs/privileges.md).
    let state_dir_exists = state_dir.as_ref().is_some_and(|d| {
        if subject.is_invoker {
            host.metadata(d).is_ok()
        } else {
            host.symlink_metadata(d).is_ok()
        }
    });
    let child = match &state_dir {
        Some(dir) if state_dir_exists => child(host, subject, dir.join("child_pid")),
        _ => Child::NoPidFile,
    };
    Facts {
        user: subject.name.clone(),
        nerdctl,
        is_root: subject.is_root(),
        state_dir,
        state_dir_exists,
        child,
        systemd,
    }
}

fn child(host: &HostFs, subject: &Subject, path: PathBuf) -> Child {
    let Some(file) = open_subject_file(host, subject, &path) else {
        return Child::NoPidFile;
    };
    let mut bytes = Vec::new();
    let _ = file.take(64).read_to_end(&mut bytes);
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // nerdctl: strconv.Atoi(strings.TrimSpace(text)).
    let Some(pid) = text.trim().parse::<u32>().ok().filter(|p| *p > 0) else {
        return Child::BadPid(text.trim().chars().take(32).collect());
    };
    let Some(status) = ProcStatus::read(host, pid).filter(ProcStatus::running) else {
        return Child::Gone(pid);
    };
    let uid = status.first("Uid:");
    if uid == Some(subject.uid) {
        Child::Running(pid)
    } else {
        Child::Other { pid, uid }
    }
}

/// The way to start rootless containerd for the user.
fn start_fixes(facts: &Facts) -> Vec<Remediation> {
    if facts.systemd {
        vec![Remediation::root(
            "install and start rootless containerd as a systemd user service",
            vec!["containerd-rootless-setuptool.sh install".into()],
        )
        .as_user()]
    } else {
        vec![Remediation::root(
            "start rootless containerd by hand (containerd-rootless-setuptool.sh install \
             needs systemd, which is not the init system here); it runs until it is stopped \
             or the machine reboots",
            vec!["nohup containerd-rootless.sh >\"$HOME/.containerd-rootless.log\" 2>&1 &".into()],
        )
        .as_user()
        .until_reboot()]
    }
}

/// Judges the facts.
pub fn judge(facts: &Facts) -> Outcome {
    let user = &facts.user;
    let Some(nerdctl) = &facts.nerdctl else {
        return Outcome::skip(
            Code::NerdctlNotInstalled,
            "nerdctl is not on the subject's PATH or in the system directories",
        );
    };
    if facts.is_root {
        return Outcome::skip(
            Code::NerdctlRootSubject,
            "run as root, nerdctl uses the system containerd (/run/containerd/containerd.sock), \
             not rootless containerd; diagnose the user who runs nerdctl (--user NAME)",
        );
    }
    let mut evidence = vec![Evidence::fact("nerdctl", nerdctl.display().to_string())];
    let Some(dir) = &facts.state_dir else {
        return Outcome::fail(
            Code::ContainerdNotRunning,
            format!(
                "nerdctl finds no rootless containerd for {user}: XDG_RUNTIME_DIR is not set, \
                 so nerdctl stops with \"environment variable XDG_RUNTIME_DIR is not set\""
            ),
        )
        .with_all(evidence)
        .fix(
            Remediation::root(
                "log in through a session that sets XDG_RUNTIME_DIR (ssh, machinectl shell), \
                 or export it",
                vec!["export XDG_RUNTIME_DIR=/run/user/$(id -u)".into()],
            )
            .as_user()
            .until_reboot(),
        );
    };
    let shown = dir.display();
    evidence.push(Evidence::setting(
        "RootlessKit state dir",
        format!(
            "{shown} ({})",
            if facts.state_dir_exists {
                "exists"
            } else {
                "missing"
            }
        ),
    ));
    if !facts.state_dir_exists {
        return Outcome::fail(
            Code::ContainerdNotRunning,
            format!(
                "rootless containerd is not running for {user}: {shown} does not exist, so \
                 nerdctl stops with \"rootless containerd not running? (hint: use \
                 `containerd-rootless-setuptool.sh install` to start rootless containerd): \
                 stat {shown}: no such file or directory\""
            ),
        )
        .with_all(evidence)
        .fixes(start_fixes(facts));
    }
    let pid_file = dir.join("child_pid");
    let pid_shown = pid_file.display();
    let stale = match &facts.child {
        Child::Running(pid) => {
            evidence.push(Evidence::fact("RootlessKit child", pid.to_string()));
            return Outcome::pass(format!(
                "rootless containerd is running for {user}: RootlessKit's child {pid} \
                 ({pid_shown}) is alive"
            ))
            .with_all(evidence);
        }
        Child::NoPidFile => format!(
            "{pid_shown} is missing (or not {user}'s own file), so nerdctl stops with \"stat \
             {pid_shown}: no such file or directory\""
        ),
        Child::BadPid(text) => {
            format!("{pid_shown} holds no pid ({text:?}), so nerdctl cannot enter its namespaces")
        }
        Child::Gone(pid) => format!(
            "{pid_shown} names pid {pid}, which is not running, so nerdctl's nsenter fails \
             (\"nsenter: cannot open /proc/{pid}/ns/user: No such file or directory\")"
        ),
        Child::Other { pid, uid } => format!(
            "{pid_shown} names pid {pid}, a process of {} (the pid was reused), so nerdctl's \
             nsenter cannot enter it",
            uid.map_or("another user".to_string(), |u| format!("uid {u}"))
        ),
    };
    Outcome::fail(
        Code::ContainerdStale,
        format!("rootless containerd is not running for {user}: {shown} was left behind; {stale}"),
    )
    .with_all(evidence)
    .fixes(start_fixes(facts))
}

#[cfg(test)]
#[path = "nerdctl_tests.rs"]
mod tests;
