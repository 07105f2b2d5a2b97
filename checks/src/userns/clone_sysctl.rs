//! `userns.clone-sysctl`: `kernel.unprivileged_userns_clone`, a Debian and
//! Arch kernel patch. With 0, only CAP_SYS_ADMIN may create a user namespace
//! and every rootless runtime fails with EPERM. The judge is pure over the
//! knob as read; the fix sets the sysctl now and persistently.
//!
//! Decisions: docs/checks/userns.md, section `userns.clone-sysctl`.

use super::Code;
use crate::check::{CheckDef, Context, Outcome};
use crate::distro::{Distro, Family};
use crate::model::{Evidence, Remediation};
use crate::nsenv::fixes;
use crate::nsenv::{Knob, CLONE};

pub static CLONE_SYSCTL: CheckDef = CheckDef {
    id: "userns.clone-sysctl",
    title: "unprivileged user namespace sysctl",
    description: "kernel.unprivileged_userns_clone (a Debian and Arch kernel patch) is 1; \
                  skipped where the kernel has no such knob.",
    codes: &[
        Code::KnobAbsent.code(),
        Code::KnobUnreadable.code(),
        Code::KnobNotInteger.code(),
        Code::CloneSysctlOff.code(),
    ],
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&Knob::read(ctx.host, CLONE), &ctx.distro)
}

/// Decides the outcome from the knob as read.
pub fn judge(knob: &Knob, distro: &Distro) -> Outcome {
    let value = match knob {
        Knob::Absent => {
            return Outcome::skip(
                Code::KnobAbsent,
                "kernel has no kernel.unprivileged_userns_clone",
            )
        }
        Knob::Unreadable(e) => return Outcome::error(Code::KnobUnreadable, e.clone()),
        Knob::Value(value) => value,
    };
    let setting = Evidence::setting("kernel.unprivileged_userns_clone", value.clone());
    match knob.int() {
        None => Outcome::error(
            Code::KnobNotInteger,
            format!(
                "{CLONE} reads '{}', not an integer",
                crate::live::cap(value, 80)
            ),
        )
        .with(setting),
        Some(0) => {
            let mut outcome = Outcome::fail(
                Code::CloneSysctlOff,
                "kernel.unprivileged_userns_clone is 0: only root may create user namespaces, \
                 so every rootless runtime fails with EPERM",
            )
            .with(setting)
            .fixes(fixes::clone_sysctl(distro));
            if distro.family == Family::Arch {
                outcome = outcome
                    .with(Evidence::fact(
                        "note",
                        "Arch's linux-hardened kernel sets this to 0 by design; the stock \
                         linux kernel allows unprivileged user namespaces",
                    ))
                    .fix(
                        Remediation::root(
                            "or boot Arch's stock kernel instead of linux-hardened",
                            vec![distro.install(&["linux"])],
                        )
                        .alternative(),
                    );
            }
            outcome
        }
        Some(_) => Outcome::pass(format!(
            "kernel.unprivileged_userns_clone is {value}: unprivileged user namespaces are allowed"
        ))
        .with(setting),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::os_release::OsRelease;

    fn distro(text: &str) -> Distro {
        Distro::from_os_release(&OsRelease::parse(text))
    }

    #[test]
    fn absent_skips() {
        let outcome = judge(&Knob::Absent, &distro("ID=fedora\n"));
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(Code::KnobAbsent));
        assert_eq!(
            outcome.skip_reason.as_deref(),
            Some("kernel has no kernel.unprivileged_userns_clone")
        );
    }

    #[test]
    fn one_passes() {
        let outcome = judge(&Knob::of("1"), &distro("ID=debian\n"));
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(outcome.code, None);
        assert_eq!(
            outcome.evidence,
            [Evidence::setting("kernel.unprivileged_userns_clone", "1")]
        );
    }

    #[test]
    fn zero_fails_with_now_and_persistent_fixes() {
        let outcome = judge(&Knob::of("0"), &distro("ID=debian\n"));
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::CloneSysctlOff));
        assert_eq!(outcome.remediation.len(), 2);
        assert_eq!(
            outcome.remediation[0].commands,
            ["sysctl -w kernel.unprivileged_userns_clone=1"]
        );
        assert!(!outcome.remediation[0].persistent);
        assert!(outcome.remediation[1].persistent);
        assert!(outcome.remediation[1].commands[0].contains("/etc/sysctl.d/"));
    }

    #[test]
    fn arch_hears_about_linux_hardened() {
        let outcome = judge(&Knob::of("0"), &distro("ID=arch\n"));
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.evidence.iter().any(
            |e| matches!(e, Evidence::Fact { value, .. } if value.contains("linux-hardened"))
        ));
        assert_eq!(outcome.remediation.len(), 3);
    }

    #[test]
    fn garbage_and_unreadable_are_errors() {
        let outcome = judge(&Knob::of("yes please"), &distro("ID=debian\n"));
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::KnobNotInteger));
        assert!(outcome.message.contains("'yes please'"));
        let outcome = judge(
            &Knob::Unreadable("cannot read x: denied".into()),
            &distro("ID=debian\n"),
        );
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::KnobUnreadable));
    }
}
