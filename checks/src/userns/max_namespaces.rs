//! `userns.max-namespaces`: `user.max_user_namespaces` and
//! `user.max_mnt_namespaces`, the per-user limits on user and mount
//! namespaces (a container needs one of each, podman a few more). Each limit
//! is judged alone and the worse verdict wins; the judge is pure over the
//! [`Facts`].
//!
//! Decisions: docs/checks/userns.md, section `userns.max-namespaces`.

use super::Code;
use crate::check::{CheckDef, Context, Outcome};
use crate::distro::{Distro, Family};
use crate::model::{Evidence, Remediation, Status};
use crate::nsenv::fixes;
use crate::nsenv::{sysctl_name, Knob, Knobs, MAX_MNT, MAX_USER, RHEL7_ENABLE};

pub static MAX_NAMESPACES: CheckDef = CheckDef {
    id: "userns.max-namespaces",
    title: "user namespace limit",
    description: "user.max_user_namespaces and user.max_mnt_namespaces are above 0 \
                  (below 1024 is a warning).",
    codes: &[
        Code::KnobAbsent.code(),
        Code::NoUsernsSupport.code(),
        Code::KnobUnreadable.code(),
        Code::KnobNotInteger.code(),
        Code::MaxNamespacesZero.code(),
        Code::MaxNamespacesLow.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&Facts::from_knobs(&Knobs::gather(ctx.host)), &ctx.distro)
}

/// Below this, the limit is a warning.
pub const LOW: i64 = 1024;

/// The facts the judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub max_user: Knob,
    pub max_mnt: Knob,
    /// Whether `/proc/self/ns/user` exists.
    pub ns_user_exists: bool,
    /// `/sys/module/user_namespace/parameters/enable` (RHEL 7 only).
    pub rhel7_enable: Knob,
}

impl Facts {
    /// Picks the facts out of the gathered knobs.
    pub fn from_knobs(knobs: &Knobs) -> Self {
        Facts {
            max_user: knobs.max_user.clone(),
            max_mnt: knobs.max_mnt.clone(),
            ns_user_exists: knobs.ns_user_exists,
            rhel7_enable: knobs.rhel7_enable.clone(),
        }
    }
}

/// One limit's verdict.
struct Verdict {
    status: Status,
    text: String,
    key: String,
}

/// `None` when the knob is absent; the error's code and message when it
/// cannot be judged.
fn verdict(knob: &Knob, path: &str) -> Option<Result<Verdict, (Code, String)>> {
    let key = sysctl_name(path);
    let value = match knob {
        Knob::Absent => return None,
        Knob::Unreadable(e) => return Some(Err((Code::KnobUnreadable, e.clone()))),
        Knob::Value(v) => v,
    };
    let Some(n) = knob.int() else {
        return Some(Err((
            Code::KnobNotInteger,
            format!(
                "{path} reads '{}', not an integer",
                crate::live::cap(value, 80)
            ),
        )));
    };
    let (status, text) = if n <= 0 {
        (
            Status::Fail,
            format!("{key} is {n}: no user may create one"),
        )
    } else if n < LOW {
        (
            Status::Warn,
            format!("{key} is {n}, below {LOW}: a few containers can exhaust it"),
        )
    } else {
        (Status::Pass, format!("{key} is {n}"))
    };
    Some(Ok(Verdict { status, text, key }))
}

/// Decides the outcome.
pub fn judge(facts: &Facts, distro: &Distro) -> Outcome {
    let parts = [
        verdict(&facts.max_user, MAX_USER),
        verdict(&facts.max_mnt, MAX_MNT),
    ];
    if parts.iter().all(Option::is_none) {
        return if facts.ns_user_exists {
            Outcome::skip(
                Code::KnobAbsent,
                "kernel has no user.max_user_namespaces (a kernel older than 4.9)",
            )
        } else {
            Outcome::skip(
                Code::NoUsernsSupport,
                "kernel has no user.max_user_namespaces and no /proc/self/ns/user: it was built \
                 without user namespace support (see userns.create)",
            )
        };
    }
    let evidence: Vec<Evidence> = [(&facts.max_user, MAX_USER), (&facts.max_mnt, MAX_MNT)]
        .into_iter()
        .filter_map(|(knob, path)| knob.evidence(path))
        .collect();
    let mut verdicts = Vec::new();
    for part in parts.into_iter().flatten() {
        match part {
            Ok(v) => verdicts.push(v),
            Err((code, e)) => return Outcome::error(code, e).with_all(evidence),
        }
    }
    let worst = verdicts
        .iter()
        .map(|v| v.status)
        .max()
        .unwrap_or(Status::Pass);
    let message = verdicts
        .iter()
        .filter(|v| v.status == worst)
        .map(|v| v.text.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let mut outcome = match worst {
        Status::Pass => {
            return Outcome::pass(
                verdicts
                    .iter()
                    .map(|v| v.text.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
            .with_all(evidence)
        }
        Status::Warn => Outcome::warn(Code::MaxNamespacesLow, message),
        _ => Outcome::fail(Code::MaxNamespacesZero, message),
    }
    .with_all(evidence);
    for v in verdicts.iter().filter(|v| v.status != Status::Pass) {
        outcome = outcome.fixes(fixes::max_namespaces(distro, &v.key));
    }
    let user_zero = facts.max_user.int().is_some_and(|n| n <= 0);
    if user_zero && distro.family == Family::Rhel7 {
        if let Some(value) = facts.rhel7_enable.value() {
            outcome = outcome.with(Evidence::file(RHEL7_ENABLE, value));
        }
        outcome = outcome.fix(Remediation::root(
            "on RHEL/CentOS 7.2-7.5 kernels, also enable user namespaces at boot \
             (7.6 and later only need the sysctl)",
            vec![
                "grubby --args=user_namespace.enable=1 --update-kernel=ALL".to_string(),
                "reboot".to_string(),
            ],
        ));
    }
    outcome
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::os_release::OsRelease;

    fn distro(text: &str) -> Distro {
        Distro::from_os_release(&OsRelease::parse(text))
    }

    fn facts(user: Knob, mnt: Knob) -> Facts {
        Facts {
            max_user: user,
            max_mnt: mnt,
            ns_user_exists: true,
            rhel7_enable: Knob::Absent,
        }
    }

    #[test]
    fn large_limits_pass() {
        let outcome = judge(
            &facts(Knob::of("63362"), Knob::of("63362")),
            &distro("ID=debian\n"),
        );
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(
            outcome.message,
            "user.max_user_namespaces is 63362, user.max_mnt_namespaces is 63362"
        );
        assert_eq!(outcome.evidence.len(), 2);
    }

    #[test]
    fn zero_fails_with_28633_now_and_persistently() {
        let outcome = judge(
            &facts(Knob::of("0"), Knob::of("63362")),
            &distro("ID=debian\n"),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::MaxNamespacesZero));
        assert_eq!(
            outcome.message,
            "user.max_user_namespaces is 0: no user may create one"
        );
        assert_eq!(outcome.remediation.len(), 2);
        assert_eq!(
            outcome.remediation[0].commands,
            ["sysctl -w user.max_user_namespaces=28633"]
        );
        assert!(outcome.remediation[1].persistent);
    }

    #[test]
    fn low_warns_and_zero_mnt_fails() {
        let outcome = judge(
            &facts(Knob::of("100"), Knob::of("63362")),
            &distro("ID=debian\n"),
        );
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::MaxNamespacesLow));
        assert!(outcome.message.contains("below 1024"));
        let outcome = judge(
            &facts(Knob::of("100"), Knob::of("0")),
            &distro("ID=debian\n"),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::MaxNamespacesZero));
        assert!(outcome.message.starts_with("user.max_mnt_namespaces is 0"));
        // Both low keys get their fixes.
        assert_eq!(outcome.remediation.len(), 4);
    }

    #[test]
    fn rhel7_mentions_the_boot_argument() {
        let mut f = facts(Knob::of("0"), Knob::of("0"));
        f.rhel7_enable = Knob::of("N");
        let outcome = judge(&f, &distro("ID=centos\nVERSION_ID=7\n"));
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome
            .remediation
            .iter()
            .any(|r| r.commands[0].contains("user_namespace.enable=1")));
        assert!(outcome
            .evidence
            .contains(&Evidence::file(RHEL7_ENABLE, "N")));
    }

    #[test]
    fn absent_skips_and_says_why() {
        let outcome = judge(&facts(Knob::Absent, Knob::Absent), &distro("ID=debian\n"));
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(Code::KnobAbsent));
        assert!(outcome.message.contains("older than 4.9"));
        let mut f = facts(Knob::Absent, Knob::Absent);
        f.ns_user_exists = false;
        let outcome = judge(&f, &distro("ID=debian\n"));
        assert!(outcome.is(Code::NoUsernsSupport));
        assert!(outcome.message.contains("without user namespace support"));
    }

    #[test]
    fn one_absent_judges_the_other() {
        let outcome = judge(
            &facts(Knob::of("5000"), Knob::Absent),
            &distro("ID=debian\n"),
        );
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(outcome.code, None);
        assert_eq!(outcome.message, "user.max_user_namespaces is 5000");
    }

    #[test]
    fn garbage_is_an_error() {
        let outcome = judge(
            &facts(Knob::of("lots"), Knob::of("5000")),
            &distro("ID=debian\n"),
        );
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::KnobNotInteger));
        assert!(outcome.message.contains("'lots'"));
        let outcome = judge(
            &facts(
                Knob::of("5000"),
                Knob::Unreadable("cannot read x: denied".into()),
            ),
            &distro("ID=debian\n"),
        );
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::KnobUnreadable));
        assert_eq!(outcome.message, "cannot read x: denied");
    }
}
