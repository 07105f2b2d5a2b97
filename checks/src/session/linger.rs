//! `session.linger`: whether the subject's user manager outlives their last
//! login.
//!
//! Without lingering, systemd-logind stops the user manager at the last
//! logout, and with it rootless dockerd, podman's user units and the
//! containers they run, and removes /run/user/UID. That only matters for
//! containers meant to outlive the login, so it is a warning. [`gather`]
//! reads `/run/systemd/system` and `/var/lib/systemd/linger/NAME` (what
//! `loginctl enable-linger` creates); [`judge`] is pure.
//!
//! Decisions: docs/checks/session.md, section `session.linger`.

use super::Code;
use crate::check::{CheckDef, Context, Outcome};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation};
use crate::shell::quote;
use crate::subject::Subject;
use crate::systemd;

pub static LINGER: CheckDef = CheckDef {
    id: "session.linger",
    title: "lingering",
    description: "Lingering is on for the subject (/var/lib/systemd/linger/NAME), so their \
                  systemd user manager, rootless dockerd, podman's user units and their \
                  containers keep running after the last logout. Skipped without systemd.",
    codes: &[Code::NoSystemd.code(), Code::LingerOff.code()],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx.host, ctx.subject))
}

/// Everything the judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub name: String,
    pub uid: u32,
    pub is_root: bool,
    pub systemd: bool,
    /// /var/lib/systemd/linger/NAME exists.
    pub lingering: bool,
}

/// Reads the facts through the host seam.
pub fn gather(host: &HostFs, subject: &Subject) -> Facts {
    Facts {
        name: subject.name.clone(),
        uid: subject.uid,
        is_root: subject.is_root(),
        systemd: systemd::booted(host),
        lingering: host
            .symlink_metadata(systemd::linger_file(&subject.name))
            .is_ok(),
    }
}

/// Decides the outcome.
pub fn judge(facts: &Facts) -> Outcome {
    let name = &facts.name;
    let file = systemd::linger_file(name).display().to_string();
    if !facts.systemd {
        return Outcome::skip(
            Code::NoSystemd,
            format!(
                "systemd is not the init system here ({} is missing): there is no lingering; \
                 nothing stops {name}'s processes at logout except the terminal's hangup, so \
                 start containers detached (podman run -d) and rootless dockerd with nohup or \
                 from the init system",
                systemd::BOOTED_DIR
            ),
        )
        .with(Evidence::fact(systemd::BOOTED_DIR, "missing"));
    }
    if facts.is_root {
        return Outcome::pass(
            "root's containers run under the system manager, which no logout stops",
        );
    }
    let state = Evidence::fact(
        file.clone(),
        if facts.lingering { "exists" } else { "missing" },
    );
    if facts.lingering {
        return Outcome::pass(format!(
            "lingering is on for {name}: its user manager and containers outlive its logins"
        ))
        .with(state);
    }
    Outcome::warn(
        Code::LingerOff,
        format!(
            "lingering is off for {name} ({file} is missing): at {name}'s last logout systemd \
             stops its user manager, rootless dockerd, podman's user units and their \
             containers, and removes /run/user/{}",
            facts.uid
        ),
    )
    .with(state)
    .fix(
        Remediation::root(
            format!("keep {name}'s user manager and containers running after logout"),
            vec![format!("loginctl enable-linger {}", quote(name))],
        )
        .unless(format!("test -e {}", quote(&file))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    fn facts(systemd: bool, lingering: bool) -> Facts {
        Facts {
            name: "alice".into(),
            uid: 1000,
            is_root: false,
            systemd,
            lingering,
        }
    }

    #[test]
    fn without_systemd_it_skips_with_the_reason() {
        let out = judge(&facts(false, false));
        assert_eq!(out.status, Status::Skip);
        assert!(out.is(Code::NoSystemd));
        assert!(out.skip_reason.unwrap().contains("/run/systemd/system"));
    }

    #[test]
    fn lingering_off_warns_with_enable_linger() {
        let out = judge(&facts(true, false));
        assert_eq!(out.status, Status::Warn);
        assert!(out.is(Code::LingerOff));
        assert!(out
            .message
            .contains("/var/lib/systemd/linger/alice is missing"));
        assert_eq!(
            out.remediation[0].commands,
            vec!["loginctl enable-linger alice"]
        );
        assert_eq!(
            out.remediation[0].unless.as_deref(),
            Some("test -e /var/lib/systemd/linger/alice")
        );
    }

    #[test]
    fn lingering_on_and_root_pass() {
        assert_eq!(judge(&facts(true, true)).status, Status::Pass);
        let mut root = facts(true, false);
        root.is_root = true;
        assert_eq!(judge(&root).status, Status::Pass);
    }

    #[test]
    fn every_outcome_carries_a_declared_code() {
        for (s, l) in [(false, false), (true, false), (true, true), (false, true)] {
            let out = judge(&facts(s, l));
            assert!(crate::check::coded_as_declared(&LINGER, &out), "{out:?}");
        }
    }

    #[test]
    fn judged_through_a_fixture_tree() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let run = || crate::testing::run_with(root, "", &crate::probe::NoProbes, &LINGER);
        assert!(run().is(Code::NoSystemd));
        std::fs::create_dir_all(root.join("run/systemd/system")).unwrap();
        assert!(run().is(Code::LingerOff));
        crate::testing::put(root, "/var/lib/systemd/linger/alice", "");
        assert_eq!(run().status, Status::Pass);
    }
}
