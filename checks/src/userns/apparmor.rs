//! `userns.apparmor`: `kernel.apparmor_restrict_unprivileged_userns`
//! (Ubuntu 23.10+, on by default since 24.04) and whether it bites.
//!
//! With the knob at 1, an unconfined process either gets EACCES from
//! unshare(CLONE_NEWUSER) or is moved into the `unprivileged_userns` profile,
//! whose namespace has no capabilities, so the next step (setgroups, uid_map,
//! a mount) fails. Only binaries attached to a profile with a `userns` rule
//! escape it. The `userns-create` probe shows whether it bit for an unconfined
//! process; /etc/apparmor.d shows which runtimes are covered. The probe and
//! the profiles are consulted only when the knob is on. [`bite`],
//! [`coverage_evidence`] and [`restriction_fixes`] are shared with
//! `userns.create`.
//!
//! Decisions: docs/checks/userns.md, section `userns.apparmor`.

use super::profiles::Profiles;
use super::Code;
use crate::check::{CheckDef, Context, Outcome};
use crate::distro::Distro;
use crate::live::{self, Live};
use crate::model::{Evidence, Remediation};
use crate::nsenv::fixes;
use crate::nsenv::{self, Knob, APPARMOR_UNCONFINED};
use crate::probe::{ProbeKind, ProbeReport};

pub static APPARMOR: CheckDef = CheckDef {
    id: "userns.apparmor",
    title: "AppArmor user namespace restriction",
    description: "kernel.apparmor_restrict_unprivileged_userns (Ubuntu 23.10+) and what it \
                  does to the runtimes; skipped where the knob is absent.",
    codes: &[
        Code::KnobAbsent.code(),
        Code::KnobUnreadable.code(),
        Code::KnobNotInteger.code(),
        Code::ApparmorRestriction.code(),
        Code::RuntimesCovered.code(),
        Code::RuntimesUncovered.code(),
        Code::RestrictionUnconfirmed.code(),
    ],
    probes: &[ProbeKind::UsernsCreate],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    let knob = Knob::read(ctx.host, nsenv::APPARMOR);
    // Only consult the probe and the profiles when the knob is on.
    let on = knob.int().is_some_and(|v| v != 0);
    let facts = Facts {
        unconfined: Knob::read(ctx.host, APPARMOR_UNCONFINED),
        probe: if on {
            Live::get(ctx, ProbeKind::UsernsCreate)
        } else {
            Live::NotRun("not needed".into())
        },
        profiles: if on {
            Profiles::gather(ctx.host, &ctx.subject.path)
        } else {
            Profiles::default()
        },
        knob,
    };
    judge(&facts, &ctx.distro)
}

/// The facts the judge needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Facts {
    pub knob: Knob,
    pub unconfined: Knob,
    pub probe: Live,
    pub profiles: Profiles,
}

/// How the restriction showed in a `userns-create` report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bite {
    /// unshare was denied (EACCES, or EPERM on some kernels).
    Denied,
    /// The namespace was created but without capabilities (a map write
    /// refused, or `cap_sys_admin` = no).
    Capless,
    /// The namespace had its capabilities: no restriction for this process.
    NotBitten,
    /// The report does not tell (it failed for another reason).
    Unclear,
}

/// Reads a `userns-create` report for the restriction's two shapes.
pub fn bite(report: &ProbeReport) -> Bite {
    let denied = matches!(report.errno.as_deref(), Some("EACCES" | "EPERM"));
    match report.step.as_deref() {
        _ if report.ok && live::fact(report, "cap_sys_admin") == Some("no") => Bite::Capless,
        _ if report.ok => Bite::NotBitten,
        Some("unshare") if denied => Bite::Denied,
        Some("setgroups" | "uid_map" | "gid_map") if denied => Bite::Capless,
        _ => Bite::Unclear,
    }
}

/// A fact per installed runtime: its real path and the profile covering it.
pub fn coverage_evidence(profiles: &Profiles) -> Vec<Evidence> {
    profiles
        .runtimes
        .iter()
        .map(|c| {
            Evidence::fact(
                format!("{} apparmor profile", c.tool),
                match &c.profile {
                    Some(file) => format!("{}: {file} allows userns", c.path),
                    None => format!("{}: no profile in /etc/apparmor.d allows userns", c.path),
                },
            )
        })
        .collect()
}

/// Profiles for every uncovered runtime that only root can replace (runc at
/// /usr/sbin/runc when none is installed), then the system-wide sysctl as
/// the weaker alternative.
pub fn restriction_fixes(profiles: &Profiles, distro: &Distro) -> Vec<Remediation> {
    let mut out: Vec<Remediation> = profiles
        .uncovered()
        .filter(|c| fixes::in_profile_dir(&c.path))
        .map(|c| fixes::apparmor_profile(&c.tool, &c.path, &profiles.free_name(&c.tool, &c.path)))
        .collect();
    if profiles.runtimes.is_empty() {
        out.push(fixes::apparmor_profile(
            "runc",
            "/usr/sbin/runc",
            &profiles.free_name("runc", "/usr/sbin/runc"),
        ));
    }
    let [now, persist] = fixes::apparmor_sysctl(distro);
    out.push(Remediation {
        summary: format!("{} (lifts the restriction for every program)", now.summary),
        ..now
    });
    out.push(persist);
    out
}

/// Names of the runtimes without a covering profile, for messages.
fn uncovered_names(profiles: &Profiles) -> String {
    let names: Vec<String> = profiles
        .uncovered()
        .filter(|c| fixes::in_profile_dir(&c.path))
        .map(|c| format!("{} ({})", c.tool, c.path))
        .collect();
    if names.is_empty() {
        "runc".to_string()
    } else {
        names.join(", ")
    }
}

/// Decides the outcome.
pub fn judge(facts: &Facts, distro: &Distro) -> Outcome {
    let value = match &facts.knob {
        Knob::Absent => {
            return Outcome::skip(
                Code::KnobAbsent,
                "kernel has no kernel.apparmor_restrict_unprivileged_userns \
                 (no AppArmor user namespace mediation)",
            )
        }
        Knob::Unreadable(e) => return Outcome::error(Code::KnobUnreadable, e.clone()),
        Knob::Value(v) => v,
    };
    let setting = Evidence::setting(
        "kernel.apparmor_restrict_unprivileged_userns",
        value.clone(),
    );
    let Some(n) = facts.knob.int() else {
        return Outcome::error(
            Code::KnobNotInteger,
            format!(
                "{} reads '{}', not an integer",
                nsenv::APPARMOR,
                live::cap(value, 80)
            ),
        )
        .with(setting);
    };
    if n == 0 {
        return Outcome::pass(
            "kernel.apparmor_restrict_unprivileged_userns is 0: AppArmor does not restrict \
             user namespaces",
        )
        .with(setting);
    }
    let mut evidence = vec![setting];
    evidence.extend(facts.unconfined.evidence(APPARMOR_UNCONFINED));
    if let Some(report) = facts.probe.report() {
        evidence.push(live::probe_evidence(ProbeKind::UsernsCreate, report));
    }
    evidence.extend(coverage_evidence(&facts.profiles));
    let all_covered =
        !facts.profiles.runtimes.is_empty() && facts.profiles.uncovered().next().is_none();
    let fixes = restriction_fixes(&facts.profiles, distro);
    let covered: Vec<&str> = facts
        .profiles
        .runtimes
        .iter()
        .filter(|c| c.profile.is_some())
        .map(|c| c.tool.as_str())
        .collect();
    let bite = facts.probe.report().map(bite).unwrap_or(Bite::Unclear);
    let uncovered_verb = if facts.profiles.uncovered().count() > 1 {
        "have"
    } else {
        "has"
    };
    let outcome = match bite {
        Bite::Denied | Bite::Capless => {
            let shape = if bite == Bite::Denied {
                "unshare(CLONE_NEWUSER) was denied"
            } else {
                "the new user namespace had no capabilities"
            };
            if all_covered {
                Outcome::warn(
                    Code::RuntimesCovered,
                    format!(
                        "kernel.apparmor_restrict_unprivileged_userns is 1 and it bit the doctor \
                         ({shape}); {} are covered by AppArmor profiles that allow userns, \
                         other unconfined tools are restricted",
                        covered.join(", ")
                    ),
                )
            } else {
                Outcome::fail(
                    Code::ApparmorRestriction,
                    format!(
                        "kernel.apparmor_restrict_unprivileged_userns is 1 and it bit: {shape}; \
                         {} {uncovered_verb} no AppArmor profile with userns, so rootless \
                         containers fail",
                        uncovered_names(&facts.profiles),
                    ),
                )
            }
        }
        Bite::NotBitten if all_covered => {
            return Outcome::pass(format!(
                "kernel.apparmor_restrict_unprivileged_userns is 1, and {} are covered by \
                 AppArmor profiles that allow userns",
                covered.join(", ")
            ))
            .with_all(evidence)
        }
        Bite::NotBitten => Outcome::warn(
            Code::RuntimesUncovered,
            format!(
                "kernel.apparmor_restrict_unprivileged_userns is 1; the doctor's probe was not \
                 restricted (it runs under a profile that allows userns, or AppArmor is not \
                 enforcing), but unconfined runtimes are: {} {uncovered_verb} no AppArmor \
                 profile with userns",
                uncovered_names(&facts.profiles),
            ),
        ),
        Bite::Unclear => {
            let why = match &facts.probe {
                Live::Report(report) => {
                    format!("the probe failed with {}", live::failure_text(report))
                }
                Live::NotRun(_) => "live probes not run".to_string(),
                Live::TimedOut(s) => {
                    format!("the probe timed out after {} s", live::seconds_text(*s))
                }
                Live::Broken(reason) => format!("the probe could not run: {reason}"),
            };
            Outcome::warn(
                Code::RestrictionUnconfirmed,
                format!(
                    "kernel.apparmor_restrict_unprivileged_userns is 1: unconfined programs \
                     cannot use user namespaces; could not confirm that it bites ({why})"
                ),
            )
        }
    };
    outcome.with_all(evidence).fixes(fixes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::os_release::OsRelease;
    use crate::userns::profiles::Coverage;

    fn ubuntu() -> Distro {
        Distro::from_os_release(&OsRelease::parse("ID=ubuntu\nID_LIKE=debian\n"))
    }

    fn report(ok: bool, step: Option<&str>, errno: Option<&str>, caps: &str) -> Live {
        let mut report = ProbeReport {
            ok,
            step: step.map(Into::into),
            errno: errno.map(Into::into),
            ..Default::default()
        };
        report.facts.insert("cap_sys_admin".into(), caps.into());
        Live::Report(report)
    }

    fn runc_podman(runc_covered: bool) -> Profiles {
        Profiles {
            runtimes: vec![
                Coverage {
                    tool: "runc".into(),
                    path: "/usr/sbin/runc".into(),
                    profile: runc_covered.then(|| "/etc/apparmor.d/usr.sbin.runc".into()),
                },
                Coverage {
                    tool: "podman".into(),
                    path: "/usr/bin/podman".into(),
                    profile: Some("/etc/apparmor.d/podman".into()),
                },
            ],
            names: ["podman".to_string()].into(),
        }
    }

    fn facts(knob: Knob, probe: Live, profiles: Profiles) -> Facts {
        Facts {
            knob,
            unconfined: Knob::Absent,
            probe,
            profiles,
        }
    }

    #[test]
    fn absent_skips_and_zero_passes() {
        let f = facts(Knob::Absent, Live::NotRun("x".into()), Profiles::default());
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(Code::KnobAbsent));
        let f = facts(Knob::of("0"), Live::NotRun("x".into()), Profiles::default());
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(outcome.code, None);
    }

    #[test]
    fn garbage_is_an_error() {
        let f = facts(
            Knob::of("on"),
            Live::NotRun("x".into()),
            Profiles::default(),
        );
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::KnobNotInteger));
        let f = facts(
            Knob::Unreadable("cannot read x: denied".into()),
            Live::NotRun("x".into()),
            Profiles::default(),
        );
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::KnobUnreadable));
    }

    #[test]
    fn a_capless_namespace_fails_and_profiles_runc() {
        let f = facts(
            Knob::of("1"),
            report(false, Some("uid_map"), Some("EPERM"), "no"),
            runc_podman(false),
        );
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::ApparmorRestriction));
        assert!(outcome.message.contains("no capabilities"));
        assert!(outcome
            .message
            .contains("runc (/usr/sbin/runc) has no AppArmor profile"));
        assert!(outcome.remediation[0].commands[0].contains("profile runc /usr/sbin/runc"));
        assert!(outcome.remediation[0].commands[0].contains("/etc/apparmor.d/usr.sbin.runc"));
        assert_eq!(
            outcome.remediation[0].commands[1],
            "apparmor_parser -r /etc/apparmor.d/usr.sbin.runc"
        );
        let sysctl = &outcome.remediation[1];
        assert_eq!(
            sysctl.commands,
            ["sysctl -w kernel.apparmor_restrict_unprivileged_userns=0"]
        );
        assert!(outcome.remediation[2].persistent);
        assert!(outcome.evidence.iter().any(|e| matches!(e,
            Evidence::Fact { name, value } if name == "podman apparmor profile"
                && value.contains("/etc/apparmor.d/podman allows userns"))));
    }

    #[test]
    fn a_denied_unshare_fails() {
        let f = facts(
            Knob::of("1"),
            report(false, Some("unshare"), Some("EACCES"), ""),
            Profiles::default(),
        );
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::ApparmorRestriction));
        assert!(outcome.message.contains("was denied"));
        // No runtime installed: the profile is offered for runc's usual path.
        assert!(outcome.remediation[0].commands[0].contains("/usr/sbin/runc"));
    }

    #[test]
    fn capless_success_counts_as_bitten() {
        let f = facts(
            Knob::of("1"),
            report(true, None, None, "no"),
            runc_podman(false),
        );
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::ApparmorRestriction));
    }

    #[test]
    fn bitten_but_every_runtime_covered_warns() {
        let f = facts(
            Knob::of("1"),
            report(false, Some("unshare"), Some("EACCES"), ""),
            runc_podman(true),
        );
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::RuntimesCovered));
        assert!(outcome.message.contains("runc, podman are covered"));
    }

    #[test]
    fn not_bitten_warns_unless_covered() {
        let f = facts(
            Knob::of("1"),
            report(true, None, None, "yes"),
            runc_podman(false),
        );
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::RuntimesUncovered));
        assert!(outcome.message.contains("was not restricted"));
        let f = facts(
            Knob::of("1"),
            report(true, None, None, "yes"),
            runc_podman(true),
        );
        let outcome = judge(&f, &ubuntu());
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(outcome.code, None);
    }

    #[test]
    fn an_unconfirmed_restriction_warns() {
        for probe in [
            Live::NotRun("x".into()),
            Live::TimedOut(5.0),
            Live::Broken("garbage".into()),
            report(false, Some("unshare"), Some("ENOSPC"), ""),
        ] {
            let f = facts(Knob::of("1"), probe, runc_podman(false));
            let outcome = judge(&f, &ubuntu());
            assert_eq!(outcome.status, Status::Warn, "{outcome:?}");
            assert!(outcome.is(Code::RestrictionUnconfirmed));
            assert!(outcome.message.contains("could not confirm"));
            assert!(!outcome.remediation.is_empty());
        }
    }
}
