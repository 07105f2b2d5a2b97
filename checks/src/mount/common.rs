//! What the three mount judges share: the skip when `userns.create` failed,
//! and the causes of a probe that failed before its mount (creating the user
//! and mount namespaces, mapping the own id, making the scratch directory).

use super::env::MountEnv;
use super::Code;
use crate::check::{Context, Finding, Outcome};
use crate::distro::Distro;
use crate::live::{self, Live};
use crate::model::{Evidence, Remediation, Status};
use crate::nsenv::fixes;
use crate::probe::{ProbeKind, ProbeReport};

/// The blocked outcome when `userns.create` failed (a mount namespace needs a
/// user namespace first), with this check's own probe evidence when it ran;
/// `None` otherwise, a `userns.create` that timed out or errored included.
pub fn blocked(ctx: &Context<'_>, kind: ProbeKind) -> Option<Outcome> {
    if ctx.outcome_of(&crate::userns::CREATE).status != Status::Fail {
        return None;
    }
    let outcome = Outcome::blocked(&crate::userns::CREATE);
    Some(match Live::get(ctx, kind).report() {
        Some(report) => outcome.with(live::probe_evidence(kind, report)),
        None => outcome,
    })
}

/// The outcome of a judged finding, with the probe's evidence first.
pub fn outcome(finding: Finding, kind: ProbeKind, report: &ProbeReport) -> Outcome {
    finding.outcome_after([live::probe_evidence(kind, report)])
}

/// A pass, with the probe's evidence first and then `evidence`.
pub fn pass(
    message: &str,
    kind: ProbeKind,
    report: &ProbeReport,
    evidence: impl IntoIterator<Item = Evidence>,
) -> Outcome {
    Outcome::pass(message)
        .with(live::probe_evidence(kind, report))
        .with_all(evidence)
}

/// The fix for a sandbox that forbids something: relax the container, or
/// the service's filters.
pub fn sandbox_fix(env: &MountEnv) -> Remediation {
    if env.sandbox.in_container() {
        fixes::relax_container()
    } else {
        Remediation::root(
            "lift the security policy of the service or sandbox that starts the runtimes \
             (systemd: RestrictNamespaces=no, no SystemCallFilter= on mount)",
            vec!["systemctl show -p RestrictNamespaces -p SystemCallFilter UNIT".into()],
        )
    }
}

/// The cause of a failure before the mount step; `None` for the mount step
/// and later ones, which each judge explains itself.
pub fn before_mount(report: &ProbeReport, env: &MountEnv, distro: &Distro) -> Option<Finding> {
    let errno = report.errno.as_deref().unwrap_or("no errno");
    let detail = if report.detail.is_empty() {
        String::new()
    } else {
        format!(": {}", report.detail)
    };
    Some(match report.step.as_deref()? {
        "unshare" if errno == "ENOSPC" => {
            let key = "user.max_mnt_namespaces";
            let message = match env.knobs.max_mnt.int() {
                Some(0) => format!("{key} is 0: no mount namespace can be created"),
                Some(n) => format!(
                    "creating a user and mount namespace failed with ENOSPC: a namespace limit \
                     is used up ({key} is {n})"
                ),
                None => "creating a user and mount namespace failed with ENOSPC: a namespace \
                         limit is used up"
                    .into(),
            };
            Finding::fail(Code::NamespaceLimit, message)
                .fixes(fixes::max_namespaces(distro, key))
                .with(env.knobs.evidence())
        }
        "unshare" => Finding::fail(
            Code::NamespaceCreationFailed,
            format!(
                "creating a user and mount namespace failed with {errno}{}{}",
                env.sandbox
                    .where_clause()
                    .map(|w| format!("; {w}"))
                    .unwrap_or_default(),
                if errno == "EPERM" && env.knobs.is_rhel7_kernel() {
                    " (RHEL/CentOS 7.4-7.5 kernels forbid mount namespaces inside user \
                     namespaces; 7.6 allows them)"
                } else {
                    ""
                }
            ),
        )
        .fixes([sandbox_fix(env)])
        .with(env.sandbox.evidence()),
        "map" => Finding::fail(
            Code::MappingFailed,
            format!("mapping the own id in the new user namespace failed with {errno}{detail}"),
        )
        .fixes([sandbox_fix(env)])
        .with(env.sandbox.evidence()),
        "mkdtemp" => Finding::error(
            Code::ScratchDirFailed,
            format!("the probe could not make its scratch directory ({errno}){detail}"),
        )
        .with(env.scratch_evidence()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nsenv::Knob;
    use crate::testing::debian;

    fn failed(step: &str, errno: &str) -> ProbeReport {
        ProbeReport {
            ok: false,
            step: Some(step.into()),
            errno: Some(errno.into()),
            ..Default::default()
        }
    }

    #[test]
    fn enospc_names_the_mount_namespace_limit() {
        let mut env = MountEnv::unknown();
        env.knobs.max_mnt = Knob::of("0");
        let v = before_mount(&failed("unshare", "ENOSPC"), &env, &debian()).unwrap();
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.code, Code::NamespaceLimit.code());
        assert_eq!(
            v.message,
            "user.max_mnt_namespaces is 0: no mount namespace can be created"
        );
        assert_eq!(
            v.fixes[0].commands,
            ["sysctl -w user.max_mnt_namespaces=28633"]
        );
        env.knobs.max_mnt = Knob::of("3");
        let v = before_mount(&failed("unshare", "ENOSPC"), &env, &debian()).unwrap();
        assert!(v.message.contains("is 3"));
        assert_eq!(v.code, Code::NamespaceLimit.code());
    }

    #[test]
    fn other_early_steps() {
        let mut env = MountEnv::unknown();
        env.sandbox.dockerenv = true;
        let v = before_mount(&failed("unshare", "EPERM"), &env, &debian()).unwrap();
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.code, Code::NamespaceCreationFailed.code());
        assert!(v.message.contains("inside a container"));
        assert!(v.fixes[0].commands[0].contains("seccomp=unconfined"));
        let v = before_mount(&failed("map", "EPERM"), &env, &debian()).unwrap();
        assert_eq!(v.status, Status::Fail);
        assert_eq!(v.code, Code::MappingFailed.code());
        let v = before_mount(&failed("mkdtemp", "EACCES"), &env, &debian()).unwrap();
        assert_eq!(v.status, Status::Error);
        assert_eq!(v.code, Code::ScratchDirFailed.code());
        assert!(before_mount(&failed("mount", "EPERM"), &env, &debian()).is_none());
    }
}
