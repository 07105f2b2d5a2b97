//! `mount.overlay`: judge the `overlay` probe, a native overlayfs mount
//! (lowerdir, upperdir, workdir in a private scratch directory) inside a new
//! user and mount namespace, in the light of the `fuse-overlayfs` probe,
//! which turns a failure into a warning when it worked. A failure names its
//! likely cause from the kernel release, SELinux and the scratch filesystem.
//!
//! Decisions: docs/checks/mount.md, section `mount.overlay`.

use super::common::{self, before_mount};
use super::env::MountEnv;
use super::Code;
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::distro::{Component, Distro};
use crate::live::{self, Live};
use crate::model::{Evidence, Remediation};
use crate::nsenv::fixes;
use crate::probe::{ProbeKind, ProbeReport};
use crate::shell::quote;

pub static OVERLAY: CheckDef = CheckDef {
    id: "mount.overlay",
    title: "native overlayfs in a user namespace",
    description: "Live: a native overlayfs mount succeeds inside a user namespace \
                  (kernel 5.11 or later, or a distribution patch).",
    codes: &[
        Code::NamespaceLimit.code(),
        Code::NamespaceCreationFailed.code(),
        Code::MappingFailed.code(),
        Code::ScratchDirFailed.code(),
        Code::UnexpectedStep.code(),
        Code::NativeUnavailableFuseWorks.code(),
        Code::KernelTooOld.code(),
        Code::SelinuxKernelTooOld.code(),
        Code::BadUpperFilesystem.code(),
        Code::NoOverlayInKernel.code(),
        Code::OptionsRejected.code(),
        Code::MountRefused.code(),
        Code::WriteNotInUpper.code(),
    ],
    probes: &[
        ProbeKind::Overlay,
        ProbeKind::FuseOverlayfs,
        ProbeKind::UsernsCreate,
    ],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    if let Some(outcome) = common::blocked(ctx, ProbeKind::Overlay) {
        return outcome;
    }
    let env = MountEnv::gather(ctx.host, ctx.subject);
    judge(
        &Live::get(ctx, ProbeKind::Overlay),
        &Live::get(ctx, ProbeKind::FuseOverlayfs),
        &env,
        &ctx.distro,
    )
}

/// Filesystems overlayfs refuses (or mishandles) as its upper layer.
const BAD_UPPER: &[&str] = &[
    "overlay", "nfs", "nfs4", "cifs", "smb3", "ecryptfs", "aufs", "zfs", "9p",
];

/// Decides the outcome; `fuse` is the fuse-overlayfs probe, which turns a
/// failure into a warning when it worked.
pub fn judge(probe: &Live, fuse: &Live, env: &MountEnv, distro: &Distro) -> Outcome {
    let kind = ProbeKind::Overlay;
    let report = match live::reported(kind, probe) {
        Ok(report) => report,
        Err(outcome) => return outcome,
    };
    let options = live::fact(report, "options")
        .filter(|o| !o.is_empty())
        .map(|o| Evidence::fact("overlay options", live::cap(o, 500)));
    if report.ok {
        return common::pass(
            "mounted native overlayfs inside a new user and mount namespace",
            kind,
            report,
            options,
        );
    }
    if let Some(finding) = before_mount(report, env, distro) {
        return common::outcome(finding, kind, report);
    }
    if !matches!(report.step.as_deref(), Some("mount" | "verify")) {
        let finding = Finding::error(
            Code::UnexpectedStep,
            format!(
                "the overlay probe failed with an unexpected {}",
                live::failure_text(report)
            ),
        );
        return common::outcome(finding, kind, report);
    }
    let (code, cause) = cause(report, env);
    let mut evidence: Vec<Evidence> = env.kernel_evidence();
    evidence.extend(env.scratch_evidence());
    evidence.extend(options);
    let fuse_report = fuse.report().filter(|r| r.ok);
    let finding = match fuse_report {
        Some(fuse_report) => {
            let binary = live::fact(fuse_report, "binary")
                .filter(|b| !b.is_empty())
                .unwrap_or("/usr/bin/fuse-overlayfs");
            Finding::warn(
                Code::NativeUnavailableFuseWorks,
                format!("native overlayfs does not work in a user namespace ({cause}); fuse-overlayfs works instead, more slowly"),
            )
            .fixes([use_fuse_overlayfs(binary)])
        }
        None => {
            let mut fixes = vec![Remediation::root(
                "install fuse-overlayfs, which the runtimes' storage uses when native overlay \
                 does not work",
                vec![distro.install(&[distro.package(Component::FuseOverlayfs)])],
            )];
            if kernel_too_old(env) {
                fixes.push(
                    Remediation::root(
                        "or upgrade to a kernel of 5.11 or later (5.13 with SELinux enforcing)",
                        vec![distro.install(&[fixes::kernel_package(distro)])],
                    )
                    .alternative(),
                );
            }
            Finding::fail(
                code,
                format!(
                    "native overlayfs does not work in a user namespace ({cause}), and \
                     fuse-overlayfs does not work either"
                ),
            )
            .fixes(fixes)
        }
    };
    common::outcome(finding.with(evidence), kind, report)
}

fn kernel_too_old(env: &MountEnv) -> bool {
    match env.kernel_version() {
        Some(v) if v < (5, 11) => !env.ubuntu_kernel,
        Some(v) if v < (5, 13) => env.selinux_enforcing,
        _ => false,
    }
}

/// The likely cause of a failed native overlay mount: its code, and a clause.
fn cause(report: &ProbeReport, env: &MountEnv) -> (Code, String) {
    let errno = report.errno.as_deref().unwrap_or("no errno");
    let release = env.kernel_release.as_deref().unwrap_or("?");
    if report.step.as_deref() == Some("verify") {
        return (
            Code::WriteNotInUpper,
            "it mounted, but a write through the merged directory did not land in the \
             upper directory"
                .into(),
        );
    }
    if kernel_too_old(env) {
        return if env.kernel_version().is_some_and(|v| v >= (5, 11)) {
            (
                Code::SelinuxKernelTooOld,
                format!(
                "{errno}: kernel {release} with SELinux enforcing; unprivileged overlayfs needs \
                 5.13 there"
                ),
            )
        } else {
            (
                Code::KernelTooOld,
                format!(
                    "{errno}: kernel {release} is older than 5.11, the first to allow overlayfs \
                     in a user namespace"
                ),
            )
        };
    }
    if let Some((path, fs)) = &env.scratch {
        if BAD_UPPER.contains(&fs.as_str()) || fs.starts_with("fuse") {
            return (
                Code::BadUpperFilesystem,
                format!(
                    "{errno}: the scratch directory {path} is on {fs}, which overlayfs does not \
                     accept as its upper layer"
                ),
            );
        }
    }
    match errno {
        "ENODEV" => (
            Code::NoOverlayInKernel,
            "ENODEV: the kernel has no overlay filesystem (CONFIG_OVERLAY_FS, or the \
             overlay module is not loaded)"
                .into(),
        ),
        "EINVAL" => (
            Code::OptionsRejected,
            "EINVAL: overlayfs rejected the mount options".into(),
        ),
        _ => (Code::MountRefused, format!("{errno} from the kernel")),
    }
}

/// Pointing podman's storage at fuse-overlayfs (recent podman does it by itself).
fn use_fuse_overlayfs(binary: &str) -> Remediation {
    Remediation::root(
        "let podman's storage use fuse-overlayfs (recent podman picks it by itself when \
         native overlay fails; older versions need it in ~/.config/containers/storage.conf \
         when that file has no [storage] section yet)",
        vec![
            "mkdir -p ~/.config/containers".into(),
            format!(
                "printf '%s\\n' '[storage]' 'driver = \"overlay\"' '' '[storage.options.overlay]' \
                 {} >> ~/.config/containers/storage.conf",
                quote(&format!("mount_program = \"{binary}\""))
            ),
        ],
    )
    .as_user()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::testing::{debian, failed_probe as failed};

    fn fuse_ok() -> Live {
        let mut report = ProbeReport {
            ok: true,
            ..Default::default()
        };
        report
            .facts
            .insert("binary".into(), "/usr/bin/fuse-overlayfs".into());
        Live::Report(report)
    }

    fn env(release: &str) -> MountEnv {
        let mut env = MountEnv::unknown();
        env.kernel_release = Some(release.into());
        env
    }

    #[test]
    fn ok_passes_with_the_options() {
        let mut report = ProbeReport {
            ok: true,
            ..Default::default()
        };
        report
            .facts
            .insert("options".into(), "lowerdir=l,upperdir=u,workdir=w".into());
        let outcome = judge(
            &Live::Report(report),
            &Live::NotRun("x".into()),
            &env("6.1.0"),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(outcome.code, None);
        assert!(outcome.evidence.contains(&Evidence::fact(
            "overlay options",
            "lowerdir=l,upperdir=u,workdir=w"
        )));
    }

    #[test]
    fn an_old_kernel_fails_when_fuse_fails_too() {
        let outcome = judge(
            &failed("mount", "EPERM"),
            &failed("find", ""),
            &env("5.10.0-18-amd64"),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::KernelTooOld));
        assert!(outcome
            .message
            .contains("kernel 5.10.0-18-amd64 is older than 5.11"));
        assert_eq!(
            outcome.remediation[0].commands,
            ["apt-get install -y fuse-overlayfs"]
        );
        assert_eq!(outcome.remediation.len(), 2);
        assert!(outcome
            .evidence
            .contains(&Evidence::setting("kernel.osrelease", "5.10.0-18-amd64")));
    }

    #[test]
    fn a_failure_with_working_fuse_only_warns() {
        let outcome = judge(
            &failed("mount", "EPERM"),
            &fuse_ok(),
            &env("5.10.0-18-amd64"),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::NativeUnavailableFuseWorks));
        assert!(outcome.message.contains("fuse-overlayfs works instead"));
        assert!(!outcome.remediation[0].requires_root);
        assert!(outcome.remediation[0].commands[1].contains("/usr/bin/fuse-overlayfs"));
    }

    #[test]
    fn ubuntu_and_selinux_kernels() {
        let mut e = env("5.4.0-42-generic");
        e.ubuntu_kernel = true;
        let outcome = judge(
            &failed("mount", "EINVAL"),
            &failed("find", ""),
            &e,
            &debian(),
        );
        assert!(outcome.is(Code::OptionsRejected));
        assert!(outcome
            .message
            .contains("EINVAL: overlayfs rejected the mount options"));
        let mut e = env("5.12.0");
        e.selinux_enforcing = true;
        let outcome = judge(
            &failed("mount", "EPERM"),
            &failed("find", ""),
            &e,
            &debian(),
        );
        assert!(outcome.is(Code::SelinuxKernelTooOld));
        assert!(outcome.message.contains("SELinux enforcing"));
        assert!(outcome
            .evidence
            .contains(&Evidence::file("/sys/fs/selinux/enforce", "1")));
    }

    #[test]
    fn a_bad_backing_filesystem_is_named() {
        let mut e = env("6.1.0");
        e.scratch = Some(("/run/user/1000".into(), "overlay".into()));
        let outcome = judge(
            &failed("mount", "EINVAL"),
            &failed("find", ""),
            &e,
            &debian(),
        );
        assert!(outcome.is(Code::BadUpperFilesystem));
        assert!(outcome
            .message
            .contains("the scratch directory /run/user/1000 is on overlay"));
        e.scratch = Some(("/tmp".into(), "fuse.sshfs".into()));
        let outcome = judge(
            &failed("mount", "EINVAL"),
            &failed("find", ""),
            &e,
            &debian(),
        );
        assert!(outcome.is(Code::BadUpperFilesystem));
        assert!(outcome.message.contains("fuse.sshfs"));
        // tmpfs and xfs are fine upper layers: the errno is reported instead.
        e.scratch = Some(("/tmp".into(), "tmpfs".into()));
        let outcome = judge(
            &failed("mount", "ENODEV"),
            &failed("find", ""),
            &e,
            &debian(),
        );
        assert!(outcome.is(Code::NoOverlayInKernel));
        assert!(outcome.message.contains("no overlay filesystem"));
        let outcome = judge(
            &failed("mount", "EPERM"),
            &failed("find", ""),
            &e,
            &debian(),
        );
        assert!(outcome.is(Code::MountRefused));
        assert!(outcome.message.contains("EPERM from the kernel"));
    }

    #[test]
    fn verify_failures_and_unknown_steps() {
        let outcome = judge(
            &failed("verify", ""),
            &failed("find", ""),
            &env("6.1"),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::WriteNotInUpper));
        assert!(outcome
            .message
            .contains("did not land in the upper directory"));
        let outcome = judge(
            &failed("teleport", "EIO"),
            &failed("find", ""),
            &env("6.1"),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::UnexpectedStep));
        let outcome = judge(
            &failed("unshare", "ENOSPC"),
            &failed("find", ""),
            &env("6.1"),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::NamespaceLimit));
    }

    #[test]
    fn not_run_and_timeouts() {
        let e = env("6.1");
        assert_eq!(
            judge(&Live::NotRun("x".into()), &fuse_ok(), &e, &debian()).status,
            Status::Skip
        );
        assert_eq!(
            judge(&Live::TimedOut(1.0), &fuse_ok(), &e, &debian()).status,
            Status::Error
        );
    }
}
