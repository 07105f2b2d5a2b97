//! `mount.fuse-overlayfs`: judge the `fuse-overlayfs` probe (the binary
//! found, /dev/fuse opened as the subject, a real mount in a user and mount
//! namespace, unmounted again), in the light of the native `overlay` probe:
//! a fuse-overlayfs that is absent or cannot open /dev/fuse is not needed
//! where native overlay works, and its other failures only warn there.
//!
//! Decisions: docs/checks/mount.md, section `mount.fuse-overlayfs`.

use super::common::{self, before_mount};
use super::env::{DevFuse, MountEnv};
use super::Code;
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::distro::{Component, Distro, Family};
use crate::live::{self, Live};
use crate::model::{Evidence, Remediation, Status};
use crate::probe::{ProbeKind, ProbeReport};

pub static FUSE_OVERLAYFS: CheckDef = CheckDef {
    id: "mount.fuse-overlayfs",
    title: "fuse-overlayfs",
    description: "fuse-overlayfs is found, /dev/fuse is openable by the subject and a live \
                  mount works; only a warning, or a skip, when native overlay already works.",
    codes: &[
        Code::NamespaceLimit.code(),
        Code::NamespaceCreationFailed.code(),
        Code::MappingFailed.code(),
        Code::ScratchDirFailed.code(),
        Code::UnexpectedStep.code(),
        Code::NotNeeded.code(),
        Code::NotInstalled.code(),
        Code::DevFuseMissing.code(),
        Code::DevFuseNotOpenable.code(),
        Code::MountFailed.code(),
        Code::WriteFailed.code(),
        Code::UnmountFailed.code(),
    ],
    probes: &[
        ProbeKind::FuseOverlayfs,
        ProbeKind::Overlay,
        ProbeKind::UsernsCreate,
    ],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    if let Some(outcome) = common::blocked(ctx, ProbeKind::FuseOverlayfs) {
        return outcome;
    }
    let env = MountEnv::gather(ctx.host, ctx.subject);
    judge(
        &Live::get(ctx, ProbeKind::FuseOverlayfs),
        &Live::get(ctx, ProbeKind::Overlay),
        &env,
        &ctx.distro,
    )
}

/// The udev rule that opens /dev/fuse to every user at each boot.
pub const UDEV_RULE: &str = r#"KERNEL=="fuse", MODE="0666""#;
/// Where that rule goes.
pub const UDEV_FILE: &str = "/etc/udev/rules.d/99-fuse.rules";

/// Decides the outcome; `native` is the overlay probe.
pub fn judge(probe: &Live, native: &Live, env: &MountEnv, distro: &Distro) -> Outcome {
    let kind = ProbeKind::FuseOverlayfs;
    let report = match live::reported(kind, probe) {
        Ok(report) => report,
        Err(outcome) => return outcome,
    };
    let mut facts = Vec::new();
    if let Some(binary) = live::fact(report, "binary").filter(|b| !b.is_empty()) {
        facts.push(Evidence::fact("fuse-overlayfs", binary.to_string()));
    }
    if report.ok {
        return common::pass(
            "fuse-overlayfs mounted inside a new user and mount namespace",
            kind,
            report,
            facts,
        );
    }
    facts.extend(dev_fuse_evidence(report, env));
    let native_works = native.report().is_some_and(|r| r.ok);
    let step = report.step.as_deref().unwrap_or("");
    if native_works && matches!(step, "find" | "open-dev-fuse") {
        let (why, state) = if step == "find" {
            (
                "fuse-overlayfs is not installed".to_string(),
                Code::NotInstalled,
            )
        } else {
            (
                format!(
                    "/dev/fuse cannot be opened ({})",
                    report.errno.as_deref().unwrap_or("no errno")
                ),
                Code::DevFuseNotOpenable,
            )
        };
        // The state behind the skip, for programs (rootless Docker picks
        // fuse-overlayfs when installed, whether or not /dev/fuse opens).
        return Outcome::skip(Code::NotNeeded, "not needed: native overlay works")
            .also([state])
            .with(live::probe_evidence(kind, report))
            .with(Evidence::fact("fuse-overlayfs state", why))
            .with_all(facts);
    }
    let finding = match before_mount(report, env, distro) {
        Some(finding) => finding,
        None => cause(report, env, distro),
    };
    let finding = match (finding.status, native_works) {
        (Status::Fail, true) => Finding {
            status: Status::Warn,
            message: format!("{} (native overlay works, so this only matters where fuse-overlayfs is configured)", finding.message),
            ..finding
        },
        _ => finding,
    };
    common::outcome(finding.with(facts), kind, report)
}

/// What /dev/fuse looks like, from the probe and from stat.
fn dev_fuse_evidence(report: &ProbeReport, env: &MountEnv) -> Vec<Evidence> {
    let mut out = Vec::new();
    if let Some(state) = live::fact(report, "dev-fuse").filter(|s| !s.is_empty()) {
        out.push(Evidence::fact(
            "/dev/fuse for the subject",
            state.to_string(),
        ));
    }
    match &env.dev_fuse {
        DevFuse::Present { char_device, mode } => out.push(Evidence::fact(
            "/dev/fuse",
            format!(
                "{}mode {mode:04o}",
                if *char_device {
                    ""
                } else {
                    "not a character device, "
                }
            ),
        )),
        DevFuse::Missing => out.push(Evidence::fact("/dev/fuse", "missing")),
        DevFuse::Unknown(_) => {}
    }
    out
}

fn cause(report: &ProbeReport, env: &MountEnv, distro: &Distro) -> Finding {
    let errno = report.errno.as_deref().unwrap_or("no errno");
    let stderr = live::fact(report, "stderr")
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match report.step.as_deref().unwrap_or("") {
        "find" => Finding::fail(Code::NotInstalled, "fuse-overlayfs is not installed")
            .fixes([install(distro)]),
        "open-dev-fuse" => open_dev_fuse(errno, env, distro),
        "mount" => {
            let mut finding = Finding::fail(
                Code::MountFailed,
                format!(
                    "fuse-overlayfs could not mount inside a user namespace{}",
                    stderr
                        .map(|s| format!(": {}", live::cap(s.lines().last().unwrap_or(s), 300)))
                        .unwrap_or_else(|| format!(" ({errno})"))
                ),
            )
            .fixes([Remediation::root(
                "reinstall fuse-overlayfs and the FUSE 3 tools it needs (fusermount3)",
                vec![distro.reinstall(distro.package(Component::FuseOverlayfs))],
            )]);
            if let Some(s) = stderr {
                finding = finding.with([Evidence::Command {
                    argv: vec![live::fact(report, "binary")
                        .filter(|b| !b.is_empty())
                        .unwrap_or("fuse-overlayfs")
                        .to_string()],
                    exit_code: live::fact(report, "exit").and_then(|e| e.trim().parse().ok()),
                    stderr: live::cap(s, 2000),
                }]);
            }
            finding
        }
        step @ ("verify" | "unmount") => Finding::fail(
            if step == "verify" {
                Code::WriteFailed
            } else {
                Code::UnmountFailed
            },
            format!(
                "fuse-overlayfs mounted but {} failed{}",
                if report.step.as_deref() == Some("verify") {
                    "writing through it"
                } else {
                    "unmounting it"
                },
                if report.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", report.detail)
                }
            ),
        )
        .fixes([install(distro)]),
        _ => Finding::error(
            Code::UnexpectedStep,
            format!(
                "the fuse-overlayfs probe failed with an unexpected {}",
                live::failure_text(report)
            ),
        ),
    }
}

fn install(distro: &Distro) -> Remediation {
    Remediation::root(
        "install fuse-overlayfs",
        vec![distro.install(&[distro.package(Component::FuseOverlayfs)])],
    )
}

fn open_dev_fuse(errno: &str, env: &MountEnv, distro: &Distro) -> Finding {
    let missing = errno == "ENOENT" || errno == "ENODEV" || env.dev_fuse == DevFuse::Missing;
    if missing {
        let persist = match distro.family {
            Family::Alpine => "echo fuse >> /etc/modules",
            _ => "echo fuse > /etc/modules-load.d/fuse.conf",
        };
        let mut fixes = vec![
            Remediation::root("load the fuse module now", vec!["modprobe fuse".into()])
                .until_reboot(),
            Remediation::root("load the fuse module at every boot", vec![persist.into()]),
        ];
        if env.sandbox.in_container() {
            fixes.push(Remediation::root(
                "pass /dev/fuse into the container the runtimes run in",
                vec!["docker run --device /dev/fuse IMAGE".into()],
            ));
        }
        return Finding::fail(
            Code::DevFuseMissing,
            format!("/dev/fuse does not exist ({errno}): the fuse module is not loaded"),
        )
        .fixes(fixes);
    }
    let mode = match env.dev_fuse {
        DevFuse::Present { mode, .. } => format!(" (mode {mode:04o})"),
        _ => String::new(),
    };
    let mut fixes = vec![
        Remediation::root(
            "open /dev/fuse to every user now",
            vec!["chmod 0666 /dev/fuse".into()],
        )
        .until_reboot(),
        Remediation::root(
            "open /dev/fuse to every user at each boot (a udev rule)",
            vec![
                format!("echo '{UDEV_RULE}' > {UDEV_FILE}"),
                "udevadm control --reload-rules".into(),
                "udevadm trigger --sysname-match=fuse".into(),
            ],
        ),
    ];
    if env.sandbox.in_container() {
        fixes.push(Remediation::root(
            "allow /dev/fuse in the container the runtimes run in",
            vec!["docker run --device /dev/fuse IMAGE".into()],
        ));
    }
    Finding::fail(
        Code::DevFuseNotOpenable,
        format!("/dev/fuse cannot be opened by the subject ({errno}){mode}"),
    )
    .fixes(fixes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CommonCode;
    use crate::testing::debian;

    fn report(ok: bool, step: Option<&str>, errno: Option<&str>, facts: &[(&str, &str)]) -> Live {
        Live::Report(ProbeReport {
            ok,
            step: step.map(Into::into),
            errno: errno.map(Into::into),
            facts: facts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        })
    }

    fn native(ok: bool) -> Live {
        if ok {
            report(true, None, None, &[])
        } else {
            report(false, Some("mount"), Some("EPERM"), &[])
        }
    }

    fn env_with_fuse(mode: u32) -> MountEnv {
        let mut env = MountEnv::unknown();
        env.dev_fuse = DevFuse::Present {
            char_device: true,
            mode,
        };
        env
    }

    fn probe_ok(outcome: &Outcome) -> Option<bool> {
        outcome.evidence.iter().find_map(|e| match e {
            Evidence::Probe { ok, .. } => Some(*ok),
            _ => None,
        })
    }

    #[test]
    fn works_passes_whatever_native_does() {
        for n in [true, false] {
            let outcome = judge(
                &report(true, None, None, &[("binary", "/usr/bin/fuse-overlayfs")]),
                &native(n),
                &env_with_fuse(0o666),
                &debian(),
            );
            assert_eq!(outcome.status, Status::Pass);
            assert_eq!(probe_ok(&outcome), Some(true));
        }
    }

    #[test]
    fn not_needed_when_native_works_and_fuse_is_absent_or_closed() {
        let outcome = judge(
            &report(false, Some("find"), None, &[]),
            &native(true),
            &env_with_fuse(0o666),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(Code::NotNeeded));
        assert_eq!(
            outcome.skip_reason.as_deref(),
            Some("not needed: native overlay works")
        );
        assert!(outcome.evidence.contains(&Evidence::fact(
            "fuse-overlayfs state",
            "fuse-overlayfs is not installed"
        )));
        let outcome = judge(
            &report(
                false,
                Some("open-dev-fuse"),
                Some("EACCES"),
                &[("dev-fuse", "EACCES")],
            ),
            &native(true),
            &env_with_fuse(0o600),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(Code::NotNeeded));
        assert_eq!(probe_ok(&outcome), Some(false));
        assert!(outcome
            .evidence
            .contains(&Evidence::fact("/dev/fuse", "mode 0600")));
    }

    #[test]
    fn absent_when_native_fails_is_a_failure_with_an_install() {
        let outcome = judge(
            &report(false, Some("find"), None, &[]),
            &native(false),
            &env_with_fuse(0o666),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::NotInstalled));
        assert_eq!(outcome.message, "fuse-overlayfs is not installed");
        assert_eq!(
            outcome.remediation[0].commands,
            ["apt-get install -y fuse-overlayfs"]
        );
    }

    #[test]
    fn a_closed_dev_fuse_gets_chmod_and_a_udev_rule() {
        let outcome = judge(
            &report(false, Some("open-dev-fuse"), Some("EACCES"), &[]),
            &native(false),
            &env_with_fuse(0o600),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::DevFuseNotOpenable));
        assert_eq!(
            outcome.message,
            "/dev/fuse cannot be opened by the subject (EACCES) (mode 0600)"
        );
        assert_eq!(outcome.remediation[0].commands, ["chmod 0666 /dev/fuse"]);
        assert!(!outcome.remediation[0].persistent);
        assert_eq!(
            outcome.remediation[1].commands[0],
            r#"echo 'KERNEL=="fuse", MODE="0666"' > /etc/udev/rules.d/99-fuse.rules"#
        );
    }

    #[test]
    fn a_missing_dev_fuse_gets_modprobe() {
        let mut env = MountEnv::unknown();
        env.dev_fuse = DevFuse::Missing;
        env.sandbox.dockerenv = true;
        let outcome = judge(
            &report(false, Some("open-dev-fuse"), Some("ENOENT"), &[]),
            &native(false),
            &env,
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::DevFuseMissing));
        assert_eq!(outcome.remediation[0].commands, ["modprobe fuse"]);
        assert_eq!(
            outcome.remediation[1].commands,
            ["echo fuse > /etc/modules-load.d/fuse.conf"]
        );
        assert!(outcome.remediation[2].commands[0].contains("--device /dev/fuse"));
        assert!(outcome
            .evidence
            .contains(&Evidence::fact("/dev/fuse", "missing")));
    }

    #[test]
    fn a_failed_mount_carries_stderr_and_warns_when_native_works() {
        let fuse = report(
            false,
            Some("mount"),
            Some("EIO"),
            &[
                ("binary", "/usr/bin/fuse-overlayfs"),
                (
                    "stderr",
                    "fuse: failed to exec fusermount3: No such file or directory\n",
                ),
                ("exit", "1"),
            ],
        );
        let outcome = judge(&fuse, &native(false), &env_with_fuse(0o666), &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::MountFailed));
        assert!(outcome
            .message
            .ends_with("failed to exec fusermount3: No such file or directory"));
        assert!(outcome.evidence.iter().any(|e| matches!(e,
            Evidence::Command { argv, exit_code: Some(1), stderr }
                if argv[0] == "/usr/bin/fuse-overlayfs" && stderr.contains("fusermount3"))));
        let outcome = judge(&fuse, &native(true), &env_with_fuse(0o666), &debian());
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::MountFailed));
    }

    #[test]
    fn timeouts_are_errors_even_when_native_works() {
        let outcome = judge(
            &Live::TimedOut(1.0),
            &native(true),
            &env_with_fuse(0o666),
            &debian(),
        );
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(CommonCode::ProbeTimedOut));
        assert_eq!(
            judge(
                &Live::NotRun("x".into()),
                &native(true),
                &env_with_fuse(0o666),
                &debian()
            )
            .status,
            Status::Skip
        );
    }

    #[test]
    fn verify_unmount_and_unknown_steps() {
        let env = env_with_fuse(0o666);
        let outcome = judge(
            &report(false, Some("unmount"), Some("EBUSY"), &[]),
            &native(false),
            &env,
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::UnmountFailed));
        assert!(outcome.message.contains("unmounting it"));
        let outcome = judge(
            &report(false, Some("verify"), None, &[]),
            &native(false),
            &env,
            &debian(),
        );
        assert!(outcome.is(Code::WriteFailed));
        assert!(outcome.message.contains("writing through it"));
        let outcome = judge(
            &report(false, Some("weird"), Some("EIO"), &[]),
            &native(false),
            &env,
            &debian(),
        );
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::UnexpectedStep));
        // No process for fuse-overlayfs: the probe's trouble, even where native
        // overlay works.
        let mut spawn = report(false, Some("spawn"), Some("EPERM"), &[]);
        if let Live::Report(r) = &mut spawn {
            r.detail = "starting /usr/bin/fuse-overlayfs failed with EPERM (operation not \
                        permitted)"
                .into();
        }
        let outcome = judge(&spawn, &native(true), &env, &debian());
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(CommonCode::ProbeBroken));
        assert_eq!(
            outcome.message,
            "the fuse-overlayfs probe could not run: starting /usr/bin/fuse-overlayfs failed \
             with EPERM (operation not permitted)"
        );
        let outcome = judge(
            &report(false, Some("unshare"), Some("ENOSPC"), &[]),
            &native(true),
            &env,
            &debian(),
        );
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::NamespaceLimit));
    }
}
