//! `mount.bind`: judge the `bind-mount` probe, which bind mounts one private
//! directory onto another inside a new user and mount namespace (what every
//! runtime does for /etc/resolv.conf, volumes and the rootfs itself).
//!
//! Beside the probe it reads the propagation of `/` ([`RootPropagation`]):
//! a working bind mount on a `/` without a shared peer group warns
//! (`root-not-shared`), and a failed one names it among its further problems.
//! A warn still counts as a working bind mount (capabilities, engines).
//!
//! Decisions: docs/checks/mount.md, section `mount.bind`.

use super::common::{self, before_mount, sandbox_fix};
use super::env::MountEnv;
use super::propagation::RootPropagation;
use super::Code;
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::distro::Distro;
use crate::live::{self, Live};
use crate::probe::ProbeKind;

pub static BIND: CheckDef = CheckDef {
    id: "mount.bind",
    title: "bind mount in a user namespace",
    description: "Live: a bind mount succeeds inside a new user and mount namespace.",
    codes: &[
        Code::NamespaceLimit.code(),
        Code::NamespaceCreationFailed.code(),
        Code::MappingFailed.code(),
        Code::ScratchDirFailed.code(),
        Code::MountDenied.code(),
        Code::BindNotVisible.code(),
        Code::UnexpectedFailure.code(),
        Code::RootNotShared.code(),
    ],
    probes: &[ProbeKind::BindMount, ProbeKind::UsernsCreate],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    if let Some(outcome) = common::blocked(ctx, ProbeKind::BindMount) {
        return outcome;
    }
    let env = MountEnv::gather(ctx.host, ctx.subject);
    let root = RootPropagation::gather(ctx.host);
    judge(
        &Live::get(ctx, ProbeKind::BindMount),
        &env,
        root.as_ref(),
        &ctx.distro,
    )
}

/// Decides the outcome; `root` is the propagation of `/`, `None` when
/// mountinfo could not be read.
pub fn judge(
    probe: &Live,
    env: &MountEnv,
    root: Option<&RootPropagation>,
    distro: &Distro,
) -> Outcome {
    let kind = ProbeKind::BindMount;
    let report = match live::reported(kind, probe) {
        Ok(report) => report,
        Err(outcome) => return outcome,
    };
    let not_shared = root.and_then(|r| r.finding(distro));
    if report.ok {
        if let Some(finding) = not_shared {
            return common::outcome(finding, kind, report);
        }
        return common::pass(
            "bind mounted a directory inside a new user and mount namespace",
            kind,
            report,
            root.map(RootPropagation::evidence),
        );
    }
    let also = not_shared.map(|_| Code::RootNotShared);
    if let Some(finding) = before_mount(report, env, distro) {
        return common::outcome(finding.also(also), kind, report);
    }
    let errno = report.errno.as_deref().unwrap_or("");
    let finding = match (report.step.as_deref().unwrap_or(""), errno) {
        ("mount", "EPERM" | "EACCES") => Finding::fail(
            Code::MountDenied,
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
        ("verify", _) => Finding::fail(
            Code::BindNotVisible,
            "the bind mount succeeded but the file written in its source is not visible at \
             its target",
        )
        .fixes([sandbox_fix(env)]),
        _ => Finding::error(
            Code::UnexpectedFailure,
            format!(
                "the bind-mount probe failed with an unexpected {}",
                live::failure_text(report)
            ),
        ),
    };
    common::outcome(finding.also(also), kind, report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CommonCode;
    use crate::model::{Evidence, Status};
    use crate::probe::ProbeReport;
    use crate::testing::{debian, failed_probe as failed};

    #[test]
    fn ok_passes_with_probe_evidence() {
        let probe = Live::Report(ProbeReport {
            ok: true,
            detail: "bind mount visible".into(),
            ..Default::default()
        });
        let outcome = judge(&probe, &MountEnv::unknown(), None, &debian());
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(outcome.code, None);
        assert!(
            matches!(&outcome.evidence[0], Evidence::Probe { ok: true, name, .. } if name == "bind-mount")
        );
    }

    #[test]
    fn not_run_skips_and_timeouts_error() {
        let env = MountEnv::unknown();
        let outcome = judge(
            &Live::NotRun("live probes not run".into()),
            &env,
            None,
            &debian(),
        );
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(CommonCode::ProbeNotRun));
        assert_eq!(
            judge(&Live::TimedOut(5.0), &env, None, &debian()).status,
            Status::Error
        );
        assert_eq!(
            judge(&Live::Broken("x".into()), &env, None, &debian()).status,
            Status::Error
        );
    }

    #[test]
    fn eperm_at_mount_blames_the_sandbox() {
        let mut env = MountEnv::unknown();
        let outcome = judge(&failed("mount", "EPERM"), &env, None, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::MountDenied));
        assert!(outcome.message.contains("security module"));
        env.sandbox.dockerenv = true;
        let outcome = judge(&failed("mount", "EPERM"), &env, None, &debian());
        assert!(outcome.message.contains("inside a container whose profile"));
        assert!(outcome.remediation[0].commands[0].contains("apparmor=unconfined"));
    }

    fn root(optional: &[&str]) -> RootPropagation {
        RootPropagation {
            optional: optional.iter().map(|o| o.to_string()).collect(),
            systemd: false,
        }
    }

    #[test]
    fn a_private_root_warns_on_a_working_bind_mount_and_rides_along_a_failure() {
        let ok = Live::Report(ProbeReport {
            ok: true,
            ..Default::default()
        });
        let env = MountEnv::unknown();
        let shared = root(&["shared:1"]);
        let outcome = judge(&ok, &env, Some(&shared), &debian());
        assert_eq!(outcome.status, Status::Pass);
        assert!(outcome
            .evidence
            .iter()
            .any(|e| matches!(e, Evidence::Fact { value, .. } if value == "shared:1")));
        let private = root(&[]);
        let outcome = judge(&ok, &env, Some(&private), &debian());
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::RootNotShared));
        assert!(matches!(
            &outcome.evidence[0],
            Evidence::Probe { ok: true, .. }
        ));
        assert_eq!(outcome.remediation[0].commands, ["mount --make-rshared /"]);
        // Unknown propagation: the probe alone decides.
        assert_eq!(judge(&ok, &env, None, &debian()).status, Status::Pass);
        // A failed bind mount keeps its own cause and names / among the others.
        let outcome = judge(&failed("mount", "EPERM"), &env, Some(&private), &debian());
        assert!(outcome.is(Code::MountDenied));
        assert!(outcome.names(Code::RootNotShared));
        let outcome = judge(
            &failed("unshare", "ENOSPC"),
            &env,
            Some(&private),
            &debian(),
        );
        assert!(outcome.is(Code::NamespaceLimit));
        assert!(outcome.names(Code::RootNotShared));
        let outcome = judge(&failed("mount", "EPERM"), &env, Some(&shared), &debian());
        assert!(!outcome.names(Code::RootNotShared));
    }

    #[test]
    fn early_steps_verify_and_unknowns() {
        let env = MountEnv::unknown();
        let outcome = judge(&failed("unshare", "ENOSPC"), &env, None, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::NamespaceLimit));
        let outcome = judge(&failed("map", "EPERM"), &env, None, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::MappingFailed));
        let outcome = judge(&failed("verify", ""), &env, None, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::BindNotVisible));
        let outcome = judge(&failed("mkdtemp", "ENOSPC"), &env, None, &debian());
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::ScratchDirFailed));
        let outcome = judge(&failed("mount", "ENODEV"), &env, None, &debian());
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::UnexpectedFailure));
        assert!(outcome.message.contains("ENODEV at mount"));
    }
}
