//! `mount.bind`: judge the `bind-mount` probe, which bind mounts one private
//! directory onto another inside a new user and mount namespace (what every
//! runtime does for /etc/resolv.conf, volumes and the rootfs itself).
//!
//! Ok: pass. Not run: skip. Timed out or broken: error. Failed before the
//! mount: the namespace causes of [`super::common::before_mount`]. EPERM or
//! EACCES at the mount: the sandbox the doctor runs in (AppArmor's
//! docker-default denies mount), else a security module; verify failed:
//! fail. Anything else: error.

use super::common::{before_mount, sandbox_fix, Verdict};
use super::env::MountEnv;
use crate::distro::Distro;
use crate::model::{Outcome, Status};
use crate::probe::ProbeKind;
use crate::userns::live::{self, Live};

/// Decides the outcome.
pub fn judge(probe: &Live, env: &MountEnv, distro: &Distro) -> Outcome {
    let kind = ProbeKind::BindMount;
    if let Some(outcome) = live::unreported(kind, probe) {
        return outcome;
    }
    let Some(report) = probe.report() else {
        return Outcome::error("the bind-mount probe reported nothing");
    };
    if report.ok {
        return Verdict::new(
            Status::Pass,
            "bind mounted a directory inside a new user and mount namespace",
        )
        .outcome(kind, report);
    }
    if let Some(verdict) = before_mount(report, env, distro) {
        return verdict.outcome(kind, report);
    }
    let errno = report.errno.as_deref().unwrap_or("");
    let verdict = match (report.step.as_deref().unwrap_or(""), errno) {
        ("mount", "EPERM" | "EACCES") => Verdict::new(
            Status::Fail,
            format!(
                "a bind mount inside the user namespace failed with {errno}: {}",
                env.sandbox.where_clause().map_or(
                    "a security module or filter forbids mounts here".to_string(),
                    |w| format!("{w} whose profile forbids mounts")
                )
            ),
        )
        .fixes([sandbox_fix(env)])
        .with(env.sandbox.evidence()),
        ("verify", _) => Verdict::new(
            Status::Fail,
            "the bind mount succeeded but the file written in its source is not visible at \
             its target",
        )
        .fixes([sandbox_fix(env)]),
        _ => Verdict::new(
            Status::Error,
            format!(
                "the bind-mount probe failed with an unexpected {}",
                live::failure_text(report)
            ),
        ),
    };
    verdict.outcome(kind, report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Evidence;
    use crate::probe::ProbeReport;
    use crate::testing::{debian, failed_probe as failed};

    #[test]
    fn ok_passes_with_probe_evidence() {
        let probe = Live::Report(ProbeReport {
            ok: true,
            detail: "bind mount visible".into(),
            ..Default::default()
        });
        let outcome = judge(&probe, &MountEnv::unknown(), &debian());
        assert_eq!(outcome.status, Status::Pass);
        assert!(
            matches!(&outcome.evidence[0], Evidence::Probe { ok: true, name, .. } if name == "bind-mount")
        );
    }

    #[test]
    fn not_run_skips_and_timeouts_error() {
        let env = MountEnv::unknown();
        assert_eq!(
            judge(&Live::NotRun("live probes not run".into()), &env, &debian()).status,
            Status::Skip
        );
        assert_eq!(
            judge(&Live::TimedOut(5.0), &env, &debian()).status,
            Status::Error
        );
        assert_eq!(
            judge(&Live::Broken("x".into()), &env, &debian()).status,
            Status::Error
        );
    }

    #[test]
    fn eperm_at_mount_blames_the_sandbox() {
        let mut env = MountEnv::unknown();
        let outcome = judge(&failed("mount", "EPERM"), &env, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.message.contains("security module"));
        env.sandbox.dockerenv = true;
        let outcome = judge(&failed("mount", "EPERM"), &env, &debian());
        assert!(outcome.message.contains("inside a container whose profile"));
        assert!(outcome.remediation[0].commands[0].contains("apparmor=unconfined"));
    }

    #[test]
    fn early_steps_verify_and_unknowns() {
        let env = MountEnv::unknown();
        assert_eq!(
            judge(&failed("unshare", "ENOSPC"), &env, &debian()).status,
            Status::Fail
        );
        assert_eq!(
            judge(&failed("verify", ""), &env, &debian()).status,
            Status::Fail
        );
        assert_eq!(
            judge(&failed("mkdtemp", "ENOSPC"), &env, &debian()).status,
            Status::Error
        );
        let outcome = judge(&failed("mount", "ENODEV"), &env, &debian());
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.message.contains("ENODEV at mount"));
    }
}
