//! What the three mount judges share: a verdict value, and the causes of a
//! probe that failed before its mount (creating the user and mount
//! namespaces, mapping the own id, making the scratch directory).

use super::env::MountEnv;
use crate::distro::Distro;
use crate::model::{Evidence, Outcome, Remediation, Status};
use crate::probe::{ProbeKind, ProbeReport};
use crate::userns::{fixes, live};

/// A judged failure: status, message, fixes and evidence of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub status: Status,
    pub message: String,
    pub fixes: Vec<Remediation>,
    pub evidence: Vec<Evidence>,
}

impl Verdict {
    /// A verdict with its status.
    pub fn new(status: Status, message: impl Into<String>) -> Self {
        Verdict {
            status,
            message: message.into(),
            fixes: Vec::new(),
            evidence: Vec::new(),
        }
    }

    /// Adds fixes.
    pub fn fixes(mut self, fixes: impl IntoIterator<Item = Remediation>) -> Self {
        self.fixes.extend(fixes);
        self
    }

    /// Adds evidence.
    pub fn with(mut self, evidence: impl IntoIterator<Item = Evidence>) -> Self {
        self.evidence.extend(evidence);
        self
    }

    /// The outcome, with the probe's evidence first.
    pub fn outcome(self, kind: ProbeKind, report: &ProbeReport) -> Outcome {
        let outcome = match self.status {
            Status::Pass => Outcome::pass(self.message),
            Status::Warn => Outcome::warn(self.message),
            Status::Fail => Outcome::fail(self.message),
            Status::Skip => Outcome::skip(self.message),
            Status::Error => Outcome::error(self.message),
        };
        outcome
            .with(live::probe_evidence(kind, report))
            .with_all(self.evidence)
            .fixes(self.fixes)
    }
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
pub fn before_mount(report: &ProbeReport, env: &MountEnv, distro: &Distro) -> Option<Verdict> {
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
            Verdict::new(Status::Fail, message)
                .fixes(fixes::max_namespaces(distro, key))
                .with(env.knobs.evidence())
        }
        "unshare" => Verdict::new(
            Status::Fail,
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
        "map" => Verdict::new(
            Status::Fail,
            format!("mapping the own id in the new user namespace failed with {errno}{detail}"),
        )
        .fixes([sandbox_fix(env)])
        .with(env.sandbox.evidence()),
        "mkdtemp" => Verdict::new(
            Status::Error,
            format!("the probe could not make its scratch directory ({errno}){detail}"),
        )
        .with(env.scratch_evidence()),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::debian;
    use crate::userns::env::Knob;

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
    }

    #[test]
    fn other_early_steps() {
        let mut env = MountEnv::unknown();
        env.sandbox.dockerenv = true;
        let v = before_mount(&failed("unshare", "EPERM"), &env, &debian()).unwrap();
        assert_eq!(v.status, Status::Fail);
        assert!(v.message.contains("inside a container"));
        assert!(v.fixes[0].commands[0].contains("seccomp=unconfined"));
        let v = before_mount(&failed("map", "EPERM"), &env, &debian()).unwrap();
        assert_eq!(v.status, Status::Fail);
        let v = before_mount(&failed("mkdtemp", "EACCES"), &env, &debian()).unwrap();
        assert_eq!(v.status, Status::Error);
        assert!(before_mount(&failed("mount", "EPERM"), &env, &debian()).is_none());
    }
}
