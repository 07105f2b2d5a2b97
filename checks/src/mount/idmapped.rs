//! `mount.idmapped`: judge the `idmapped-mount` probe, an idmapped mount
//! (`open_tree`, `mount_setattr(MOUNT_ATTR_IDMAP)`, `move_mount`) of a
//! directory on the engine's storage filesystem, from a user namespace with
//! the subject's mapping. Kubernetes `hostUsers: false`, podman's idmapped
//! `--userns=auto` and runc 1.2 need it; its absence is a warning naming the
//! kernel and the filesystems that would support it.
//!
//! Decisions: docs/checks/mount.md, section `mount.idmapped`.

use super::Code;
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::live::{self, Live};
use crate::model::{Evidence, Status};
use crate::probe::ProbeKind;

pub static IDMAPPED: CheckDef = CheckDef {
    id: "mount.idmapped",
    title: "idmapped mounts on the storage filesystem",
    description: "Live: an idmapped mount of a directory on the storage filesystem, from a \
                  user namespace with the subject's mapping (Kubernetes hostUsers: false, \
                  podman --userns=auto, runc 1.2).",
    codes: &[
        Code::IdmapKernelTooOld.code(),
        Code::IdmapFilesystemUnsupported.code(),
        Code::IdmapNotPermitted.code(),
        Code::IdmapFailed.code(),
    ],
    probes: &[ProbeKind::IdmappedMount, ProbeKind::UsernsCreate],
    run,
};

/// Filesystems with idmapped mount support, and the kernel that added it.
pub const SUPPORT: &[(&str, &str)] = &[
    ("ext4", "5.12"),
    ("xfs", "5.12"),
    ("vfat", "5.12"),
    ("btrfs", "5.15"),
    ("f2fs", "5.18"),
    ("tmpfs", "6.3"),
    ("ceph", "6.7"),
];

fn run(ctx: &Context<'_>) -> Outcome {
    if ctx.outcome_of(&crate::userns::CREATE).status == Status::Fail {
        return Outcome::blocked(&crate::userns::CREATE);
    }
    let release = ctx
        .host
        .read_value("/proc/sys/kernel/osrelease")
        .ok()
        .flatten();
    judge(
        &Live::get(ctx, ProbeKind::IdmappedMount),
        release.as_deref(),
    )
}

fn support_text() -> String {
    SUPPORT
        .iter()
        .map(|(fs, v)| format!("{fs} {v}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Decides the outcome from the probe and the kernel release.
pub fn judge(probe: &Live, release: Option<&str>) -> Outcome {
    let kind = ProbeKind::IdmappedMount;
    let report = match live::reported(kind, probe) {
        Ok(report) => report,
        Err(outcome) => return outcome,
    };
    let fs = live::fact(report, "fs").unwrap_or("its filesystem");
    let dir = live::fact(report, "dir").unwrap_or("?");
    let kernel = release.unwrap_or("?");
    let mut evidence = vec![live::probe_evidence(kind, report)];
    evidence.push(Evidence::setting("kernel.osrelease", kernel));
    if let Some(dir) = live::fact(report, "dir") {
        evidence.push(Evidence::fact("probed in", dir));
    }
    if let (Some(a), Some(b)) = (
        live::fact(report, "owner-direct"),
        live::fact(report, "owner-idmapped"),
    ) {
        evidence.push(Evidence::fact(
            "owner direct / idmapped",
            format!("{a} / {b}"),
        ));
    }
    if report.ok {
        return Outcome::pass(format!(
            "made an idmapped mount of a directory on {fs} ({dir}) from a user namespace"
        ))
        .with_all(evidence);
    }
    let errno = report.errno.as_deref().unwrap_or("");
    let finding = match (report.step.as_deref(), errno) {
        (Some("open-tree" | "setattr" | "move-mount"), "ENOSYS") => Finding::warn(
            Code::IdmapKernelTooOld,
            format!(
                "kernel {kernel} has no idmapped mounts (the mount API needs Linux 5.12): \
                 containers with their own id ranges fall back to chowned copies of their \
                 layers; idmapped mounts need Linux 5.12 or later"
            ),
        ),
        (Some("setattr"), "EINVAL") => Finding::warn(
            Code::IdmapFilesystemUnsupported,
            format!(
                "{fs} ({dir}) does not support idmapped mounts on kernel {kernel}: \
                 mount_setattr(MOUNT_ATTR_IDMAP) fails with EINVAL; filesystems that do, \
                 with the kernel that added it: {}",
                support_text()
            ),
        ),
        (Some("setattr" | "open-tree"), "EPERM") => Finding::warn(
            Code::IdmapNotPermitted,
            format!(
                "an idmapped mount of {fs} ({dir}) needs CAP_SYS_ADMIN over the filesystem, \
                 which the subject does not have (EPERM): only engines running as root can \
                 use them here (Kubernetes hostUsers: false, podman --userns=auto as root, \
                 runc 1.2); rootless engines chown copies instead. Kernel {kernel}; \
                 filesystems that support idmapped mounts: {}",
                support_text()
            ),
        ),
        _ => Finding::warn(
            Code::IdmapFailed,
            format!(
                "an idmapped mount of {fs} ({dir}) failed with {}: {}",
                live::failure_text(report),
                report.detail
            ),
        ),
    };
    finding.outcome_after(evidence)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::probe::ProbeReport;

    fn failed(step: &str, errno: &str) -> Live {
        let mut r = ProbeReport {
            ok: false,
            step: Some(step.into()),
            errno: Some(errno.into()),
            ..Default::default()
        };
        r.facts.insert("fs".into(), "ext4".into());
        r.facts.insert("dir".into(), "/home/alice".into());
        Live::Report(r)
    }

    #[test]
    fn outcomes_by_errno() {
        let o = judge(&failed("setattr", "EPERM"), Some("6.1.0"));
        assert_eq!(o.status, Status::Warn);
        assert!(o.is(Code::IdmapNotPermitted));
        assert!(o.message.contains("ext4 5.12"));
        let o = judge(&failed("setattr", "EINVAL"), Some("6.1.0"));
        assert!(o.is(Code::IdmapFilesystemUnsupported));
        let o = judge(&failed("open-tree", "ENOSYS"), Some("5.4.0"));
        assert!(o.is(Code::IdmapKernelTooOld));
        assert!(o.message.contains("kernel 5.4.0"));
        let o = judge(&failed("verify", ""), Some("6.1.0"));
        assert!(o.is(Code::IdmapFailed));
        let ok = Live::Report(ProbeReport {
            ok: true,
            ..Default::default()
        });
        assert_eq!(judge(&ok, None).status, Status::Pass);
        assert_eq!(judge(&Live::NotRun("x".into()), None).status, Status::Skip);
    }
}
