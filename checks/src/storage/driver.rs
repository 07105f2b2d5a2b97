//! `storage.driver`: the driver each engine will use, judged from the
//! `storage-driver` probe, which repeats containers/storage's overlay test
//! on the engine's storage filesystem (d_type, a whiteout, an overlay mount
//! with `userxattr`, a whiteout left by a delete, an opaque directory) and
//! tries the mount program (configured, or fuse-overlayfs as the fallback).
//!
//! Only the first engine's storage (podman's, when installed) is probed; the
//! others are judged from their configuration alone.
//!
//! Decisions: docs/checks/storage.md, section `storage.driver`.

use super::Code;
use crate::check::{CheckDef, Context, EngineFinding, Fact, Finding, Outcome};
use crate::engines::storage::{self, Driver, EngineEnv, Storage};
use crate::live::{self, Live};
use crate::model::{Evidence, Remediation, Status};
use crate::probe::{ProbeKind, ProbeReport};
use crate::shell::quote;

pub static DRIVER: CheckDef = CheckDef {
    id: "storage.driver",
    title: "storage driver on the storage filesystem",
    description: "Live: the driver each engine will use works on its storage filesystem \
                  (native overlay with whiteouts and opaque directories, or the mount program); \
                  vfs is a warning.",
    codes: &[
        Code::NoEngine.code(),
        Code::VfsFallback.code(),
        Code::FuseFallback.code(),
        Code::NoDType.code(),
        Code::WhiteoutRefused.code(),
        Code::OverlayRefused.code(),
        Code::OverlayBroken.code(),
        Code::MountProgramFailed.code(),
        Code::ProbeFailed.code(),
        Code::NowhereToProbe.code(),
        Code::ConfigUnreadable.code(),
        Code::StoreDriverMismatch.code(),
    ],
    probes: &[ProbeKind::StorageDriver, ProbeKind::UsernsCreate],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    let storages = storage::resolve(ctx.host, ctx.subject, &EngineEnv::of(ctx.host, ctx.subject));
    if storages.is_empty() {
        return judge(&storages, &Live::NotRun(String::new()));
    }
    if ctx.outcome_of(&crate::userns::CREATE).status == Status::Fail {
        return Outcome::blocked(&crate::userns::CREATE);
    }
    let outcome = judge(&storages, &Live::get(ctx, ProbeKind::StorageDriver));
    let store = store_drivers(ctx.host, &storages[0].graphroot);
    match store_mismatch(&storages[0], &store) {
        Some(finding) => with_mismatch(outcome, finding),
        None => outcome,
    }
}

/// The drivers the store under `graphroot` was made with: containers/storage
/// keeps each driver's layers in `<driver>-layers`, so the names of those
/// directories.
pub fn store_drivers(host: &crate::host::HostFs, graphroot: &std::path::Path) -> Vec<String> {
    let mut out: Vec<String> = host
        .read_dir_names(graphroot)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|name| name.strip_suffix("-layers").map(str::to_string))
        .filter(|d| !d.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The driver name as the store records it (`overlay2` is containers/storage's
/// alias of `overlay`).
fn canonical(driver: &str) -> &str {
    match driver {
        "overlay2" => "overlay",
        other => other,
    }
}

/// A warning when podman's store was made with another driver than the one
/// its configuration now gives. Podman records the store's driver in its
/// database: with the other driver in storage.conf it keeps the recorded one
/// and logs "User-selected graph driver … overwritten by graph driver … from
/// database" on every command; with `--storage-driver` or `$STORAGE_DRIVER`
/// it refuses ("database storage graph driver … does not match our storage
/// graph driver …", podman 4.3.1).
/// `Auto` takes whatever the store holds.
pub fn store_mismatch(s: &Storage, store: &[String]) -> Option<Finding> {
    if s.engine != storage::Engine::Podman {
        return None;
    }
    let wanted = match &s.driver {
        Driver::Named(name) => canonical(name).to_string(),
        Driver::DefaultVfs => "vfs".to_string(),
        Driver::Auto => return None,
    };
    let first = store.first()?;
    if store.iter().any(|d| canonical(d) == wanted) {
        return None;
    }
    let found = store.join(", ");
    let fix = Remediation::root(
        format!(
            "keep one driver: name {first} in ~/.config/containers/storage.conf, or reset the \
             store to {wanted} (removes local images and containers)"
        ),
        vec!["podman system reset".into()],
    )
    .as_user();
    Some(
        Finding::warn(
            Code::StoreDriverMismatch,
            format!(
                "podman's store {} was made with the {found} driver, but its configuration now \
                 gives {wanted}: podman keeps using {first} and logs `User-selected graph driver \
                 \"{wanted}\" overwritten by graph driver \"{first}\" from database`, and with \
                 --storage-driver {wanted} refuses: `database storage graph driver \"{first}\" \
                 does not match our storage graph driver \"{wanted}\"`",
                s.graphroot.display()
            ),
        )
        .fixes([fix]),
    )
}

/// The worse finding leads: the probe's fail or error, else the mismatch;
/// the other follows as `also`.
fn with_mismatch(outcome: Outcome, finding: Finding) -> Outcome {
    if outcome.blocked_by.is_some() {
        return outcome;
    }
    if matches!(outcome.status, Status::Fail | Status::Error) {
        let mut outcome = outcome;
        outcome.message = format!("{}; also: {}", outcome.message, finding.message);
        outcome.also.push(finding.code);
        outcome.remediation.extend(finding.fixes);
        return outcome;
    }
    let mut finding = finding;
    let mut also = Vec::new();
    if outcome.status == Status::Warn {
        finding.message = format!("{}; also: {}", finding.message, outcome.message);
        also.extend(outcome.code);
        also.extend(outcome.also.iter().copied());
    }
    let mut lead = finding.outcome_after(outcome.evidence);
    lead.also.extend(also);
    lead.remediation.extend(outcome.remediation);
    lead
}

/// What the native part of the probe found, as a cause.
struct Native {
    code: Code,
    clause: String,
}

/// Decides the outcome for the first engine's storage from the probe.
pub fn judge(storages: &[Storage], probe: &Live) -> Outcome {
    let Some(s) = storages.first() else {
        return Outcome::skip(
            Code::NoEngine,
            "no container engine with rootless storage is installed (neither podman nor \
             dockerd-rootless.sh is on PATH)",
        );
    };
    let kind = ProbeKind::StorageDriver;
    let report = match live::reported(kind, probe) {
        Ok(report) => report,
        Err(outcome) => return outcome,
    };
    let engine = s.engine.name();
    if report.step.as_deref() == Some("find") {
        return Outcome::skip(
            Code::NowhereToProbe,
            format!(
                "{engine}'s storage {} lies under a directory the subject does not own: the \
                 probe has nowhere to test the driver",
                s.graphroot.display()
            ),
        );
    }
    let mut evidence = vec![
        live::probe_evidence(kind, report),
        Evidence::fact(format!("{engine} driver"), s.driver_text()),
    ];
    if let Some(config) = &s.config {
        evidence.push(Evidence::fact(
            format!("{engine} configuration"),
            config.display().to_string(),
        ));
    }
    if let Some(program) = &s.mount_program {
        evidence.push(Evidence::fact(
            format!("{engine} mount_program"),
            program.display().to_string(),
        ));
    }
    for (name, label) in [
        ("dir", "probed in"),
        ("fs", "filesystem"),
        ("fuse.dev-fuse", "/dev/fuse"),
    ] {
        if let Some(value) = live::fact(report, name) {
            evidence.push(Evidence::fact(label, value));
        }
    }
    for other in &storages[1..] {
        evidence.push(Evidence::fact(
            format!("{} driver", other.engine.name()),
            format!("{} (not probed)", other.driver_text()),
        ));
    }
    let finding = match judge_one(s, report) {
        Ok(message) => {
            return Outcome::pass(message)
                .with_all(evidence)
                .stating(for_engine(s, Status::Pass, None))
        }
        Err(finding) => finding,
    };
    let finding = match &s.config_problem {
        Some(problem) => {
            let mut f = finding;
            f.message.push_str(&format!("; {problem}"));
            f
        }
        None => finding,
    };
    let judged = for_engine(s, finding.status, Some(finding.code));
    finding.outcome_after(evidence).stating(judged)
}

/// What the probe showed for the one engine it tested (the others' drivers
/// are not judged).
fn for_engine(s: &Storage, status: Status, code: Option<crate::model::Code>) -> Fact {
    Fact::ForEngine(EngineFinding {
        engine: s.engine.entry(),
        status,
        code,
    })
}

fn judge_one(s: &Storage, report: &ProbeReport) -> Result<String, Finding> {
    let engine = s.engine.name();
    let dir = live::fact(report, "dir").unwrap_or("?").to_string();
    let fs = live::fact(report, "fs")
        .unwrap_or("its filesystem")
        .to_string();
    let native = native_cause(report, &fs)?;
    let native_ok = native.is_none();
    let fuse = fuse_result(report);
    match &s.driver {
        Driver::DefaultVfs => Err(vfs(
            s,
            report,
            native_ok,
            &fuse,
            format!(
                "no storage.conf names a driver, and containers/storage then gives a rootless \
             store vfs ({})",
                s.config
                    .as_ref()
                    .map_or("no storage.conf at all".to_string(), |c| format!(
                        "{} names none a rootless store may use",
                        c.display()
                    ))
            ),
        )),
        Driver::Named(name) if name == "vfs" => Err(vfs(
            s,
            report,
            native_ok,
            &fuse,
            format!(
                "{} names driver vfs",
                s.config
                    .as_ref()
                    .map_or("$STORAGE_DRIVER".to_string(), |c| c.display().to_string())
            ),
        )),
        Driver::Named(name) if name == "fuse-overlayfs" => match fuse {
            Some(Ok(())) => Ok(format!(
                "{engine} uses fuse-overlayfs, which works on {fs} in {dir}"
            )),
            Some(Err(why)) => Err(mount_program_failed(s, &why, &fs)),
            None => Ok(format!("{engine} uses fuse-overlayfs (not probed)")),
        },
        Driver::Named(name) if name != "overlay" => {
            Ok(format!("{engine} uses the {name} driver (not probed)"))
        }
        _ if s.mount_program.is_some() => match fuse {
            Some(Ok(())) => Ok(format!(
                "{engine} uses overlay with fuse-overlayfs as mount_program, which works on {fs} \
                 in {dir}"
            )),
            Some(Err(why)) => Err(mount_program_failed(s, &why, &fs)),
            None => Ok(format!(
                "{engine} uses overlay with a mount_program (not probed)"
            )),
        },
        _ => match (native, fuse) {
            (None, _) => Ok(format!(
                "{engine} uses native overlay, which works on {fs} in {dir} (userxattr, a \
                 whiteout, an opaque directory)"
            )),
            (Some(cause), Some(Ok(()))) => Err(Finding::warn(
                Code::FuseFallback,
                format!(
                    "native overlay does not work on {engine}'s storage filesystem ({}); \
                     {engine} uses fuse-overlayfs instead, which works, more slowly",
                    cause.clause
                ),
            )),
            (Some(cause), Some(Err(why))) => {
                let mut f = mount_program_failed(s, &why, &fs);
                f.message = format!(
                    "native overlay does not work on {engine}'s storage filesystem ({}), and \
                     fuse-overlayfs, which {engine} then uses, does not work either: {}",
                    cause.clause, why.text
                );
                Err(f.also([cause.code]))
            }
            (Some(cause), None) if s.driver == Driver::Auto => Err(vfs(
                s,
                report,
                false,
                &None,
                format!(
                    "overlay does not work on its storage filesystem ({}), and no \
                     fuse-overlayfs is installed",
                    cause.clause
                ),
            )
            .also([cause.code])),
            (Some(cause), None) => Err(Finding::fail(
                cause.code,
                format!(
                    "{engine}'s storage driver overlay does not work on its storage \
                     filesystem ({}), and no fuse-overlayfs is installed",
                    cause.clause
                ),
            )
            .fixes([install_fuse(), use_vfs().alternative()])),
        },
    }
}

/// `None` when native overlay worked; the cause otherwise; `Err` when the
/// probe failed before its test.
fn native_cause(report: &ProbeReport, fs: &str) -> Result<Option<Native>, Finding> {
    if report.ok {
        return Ok(None);
    }
    let errno = report.errno.as_deref().unwrap_or("no errno");
    let step = report.step.as_deref().unwrap_or("?");
    let (code, clause) = match step {
        "d-type" => (
            Code::NoDType,
            format!(
                "overlay: the backing {fs} filesystem is formatted without d_type support \
                 (xfs: ftype=0)"
            ),
        ),
        "whiteout" => (
            Code::WhiteoutRefused,
            format!("unable to create kernel-style whiteout: {errno}"),
        ),
        "mount" => (
            Code::OverlayRefused,
            format!("'overlay' is not supported over {fs}: mount failed with {errno}"),
        ),
        "verify" | "delete" | "opaque" => (
            Code::OverlayBroken,
            format!("overlay mounted but failed at {step}: {}", report.detail),
        ),
        _ => {
            return Err(Finding::error(
                Code::ProbeFailed,
                format!(
                    "the storage probe failed before its test, with {}: {}",
                    live::failure_text(report),
                    report.detail
                ),
            ))
        }
    };
    Ok(Some(Native { code, clause }))
}

/// Why the fuse part failed: its words, and whether /dev/fuse could not be
/// opened (the probe's `open-dev-fuse` step).
struct FuseFailure {
    text: String,
    dev_fuse: bool,
}

/// The fuse part: `None` when it did not run, else ok or why not.
fn fuse_result(report: &ProbeReport) -> Option<Result<(), FuseFailure>> {
    match live::fact(report, "fuse.ok")? {
        "true" => Some(Ok(())),
        _ => {
            let step = live::fact(report, "fuse.step").unwrap_or("?");
            let detail = live::fact(report, "fuse.detail").unwrap_or("");
            let dev_fuse = step == "open-dev-fuse";
            let text = if dev_fuse {
                format!(
                    "/dev/fuse cannot be opened ({})",
                    live::fact(report, "fuse.dev-fuse").unwrap_or(detail)
                )
            } else {
                format!("failed at {step}: {detail}")
            };
            Some(Err(FuseFailure { text, dev_fuse }))
        }
    }
}

fn vfs(
    s: &Storage,
    report: &ProbeReport,
    native_ok: bool,
    fuse: &Option<Result<(), FuseFailure>>,
    why: String,
) -> Finding {
    let engine = s.engine.name();
    let _ = report;
    let mut message = format!(
        "{engine} stores images with vfs: {why}; vfs works, but copies every layer in full \
         (slow, and large on disk)"
    );
    let mut fixes = Vec::new();
    if native_ok {
        message.push_str("; native overlay works on its storage filesystem");
        fixes.push(use_overlay(s, None));
    } else if let Some(Ok(())) = fuse {
        message.push_str("; fuse-overlayfs works on its storage filesystem");
        fixes.push(use_overlay(s, Some("/usr/bin/fuse-overlayfs")));
    }
    Finding::warn(Code::VfsFallback, message).fixes(fixes)
}

fn mount_program_failed(s: &Storage, why: &FuseFailure, fs: &str) -> Finding {
    let engine = s.engine.name();
    let mut fixes = Vec::new();
    // Decided by the probe's step, not by the words of its detail.
    if why.dev_fuse {
        fixes.push(Remediation::root(
            "let users open /dev/fuse (mode 0666, as the fuse package's udev rule sets it)",
            vec!["chmod 0666 /dev/fuse".into()],
        ));
    }
    fixes.push(use_vfs().alternative());
    Finding::fail(
        Code::MountProgramFailed,
        format!(
            "{engine}'s mount program fuse-overlayfs does not work on {fs}: {}",
            why.text
        ),
    )
    .fixes(fixes)
}

fn install_fuse() -> Remediation {
    Remediation::root(
        "install fuse-overlayfs, which containers/storage uses when native overlay fails",
        vec!["apt-get install -y fuse-overlayfs".into()],
    )
}

fn use_overlay(s: &Storage, program: Option<&str>) -> Remediation {
    let mut lines = vec!["[storage]".to_string(), "driver = \"overlay\"".to_string()];
    if let Some(program) = program {
        lines.push("[storage.options.overlay]".into());
        lines.push(format!("mount_program = \"{program}\""));
    }
    let words: Vec<String> = lines.iter().map(|l| quote(l).into_owned()).collect();
    super::user_storage_conf(
        s,
        "store with overlay",
        &lines.join("; "),
        &words,
        "then reset the store, which was made with another driver (removes local images \
         and containers)",
        &["podman system reset --force"],
    )
}

fn use_vfs() -> Remediation {
    Remediation::root(
        "or store with vfs (slow and large, but needs no overlay): driver = \"vfs\" in \
         ~/.config/containers/storage.conf",
        vec![],
    )
    .as_user()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::storage::Engine;

    fn podman(driver: Driver, program: Option<&str>) -> Storage {
        Storage {
            engine: Engine::Podman,
            graphroot: "/home/alice/.local/share/containers/storage".into(),
            driver,
            mount_program: program.map(Into::into),
            config: None,
            config_problem: None,
        }
    }

    fn report(ok: bool, step: Option<&str>, errno: Option<&str>, facts: &[(&str, &str)]) -> Live {
        let mut r = ProbeReport {
            ok,
            step: step.map(Into::into),
            errno: errno.map(Into::into),
            ..Default::default()
        };
        r.facts.insert("dir".into(), "/home/alice".into());
        r.facts.insert("fs".into(), "ext4".into());
        for (k, v) in facts {
            r.facts.insert((*k).into(), (*v).into());
        }
        Live::Report(r)
    }

    #[test]
    fn default_vfs_warns_and_offers_overlay_when_it_works() {
        let outcome = judge(
            &[podman(Driver::DefaultVfs, None)],
            &report(true, None, None, &[]),
        );
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::VfsFallback));
        assert!(outcome.message.contains("no storage.conf at all"));
        assert!(outcome.message.contains("native overlay works"));
        assert!(outcome.remediation[0].commands[1].contains("driver = \"overlay\""));
    }

    #[test]
    fn overlay_passes_when_native_works() {
        let outcome = judge(
            &[podman(Driver::Named("overlay".into()), None)],
            &report(true, None, None, &[]),
        );
        assert_eq!(outcome.status, Status::Pass, "{}", outcome.message);
        assert!(outcome.message.contains("native overlay"));
    }

    #[test]
    fn no_d_type_fails_without_fuse_and_warns_with_it() {
        let s = [podman(Driver::Named("overlay".into()), None)];
        let outcome = judge(&s, &report(false, Some("d-type"), None, &[("fs", "xfs")]));
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::NoDType));
        assert!(outcome
            .message
            .contains("xfs filesystem is formatted without d_type"));
        let outcome = judge(
            &s,
            &report(
                false,
                Some("d-type"),
                None,
                &[("fs", "xfs"), ("fuse.ok", "true")],
            ),
        );
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::FuseFallback));
        let outcome = judge(
            &s,
            &report(
                false,
                Some("d-type"),
                None,
                &[
                    ("fuse.ok", "false"),
                    ("fuse.step", "open-dev-fuse"),
                    ("fuse.dev-fuse", "EACCES"),
                ],
            ),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::MountProgramFailed));
        assert!(outcome.names(Code::NoDType));
        assert_eq!(outcome.remediation[0].commands, ["chmod 0666 /dev/fuse"]);
        // Automatic choice without fuse-overlayfs: vfs.
        let outcome = judge(
            &[podman(Driver::Auto, None)],
            &report(false, Some("mount"), Some("EINVAL"), &[]),
        );
        assert!(outcome.is(Code::VfsFallback));
        assert!(outcome.names(Code::OverlayRefused));
    }

    #[test]
    fn whiteouts_and_mount_programs() {
        let s = [podman(Driver::Named("overlay".into()), None)];
        let outcome = judge(&s, &report(false, Some("whiteout"), Some("EPERM"), &[]));
        assert!(outcome.is(Code::WhiteoutRefused));
        assert!(outcome
            .message
            .contains("unable to create kernel-style whiteout: EPERM"));
        let s = [podman(
            Driver::Named("overlay".into()),
            Some("/usr/bin/fuse-overlayfs"),
        )];
        let outcome = judge(&s, &report(true, None, None, &[("fuse.ok", "true")]));
        assert_eq!(outcome.status, Status::Pass);
        assert!(outcome.message.contains("mount_program"));
        let outcome = judge(
            &s,
            &report(
                true,
                None,
                None,
                &[
                    ("fuse.ok", "false"),
                    ("fuse.step", "mount"),
                    ("fuse.detail", "x"),
                ],
            ),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::MountProgramFailed));
    }

    #[test]
    fn the_dev_fuse_fix_follows_the_step_not_the_detail() {
        let s = [podman(
            Driver::Named("overlay".into()),
            Some("/usr/bin/fuse-overlayfs"),
        )];
        // fuse-overlayfs itself failed, its stderr naming /dev/fuse: opening
        // /dev/fuse worked, so chmod is no fix.
        let outcome = judge(
            &s,
            &report(
                true,
                None,
                None,
                &[
                    ("fuse.ok", "false"),
                    ("fuse.step", "mount"),
                    ("fuse.dev-fuse", "openable"),
                    ("fuse.detail", "fuse: device not found (/dev/fuse)"),
                ],
            ),
        );
        assert!(outcome.is(Code::MountProgramFailed));
        assert!(outcome
            .remediation
            .iter()
            .all(|r| !r.commands.iter().any(|c| c.contains("/dev/fuse"))));
    }

    #[test]
    fn early_failures_and_no_engine() {
        let s = [podman(Driver::Named("overlay".into()), None)];
        let outcome = judge(&s, &report(false, Some("unshare"), Some("EPERM"), &[]));
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::ProbeFailed));
        let outcome = judge(&s, &report(false, Some("find"), None, &[]));
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(Code::NowhereToProbe));
        assert!(judge(&[], &Live::NotRun(String::new())).is(Code::NoEngine));
        assert_eq!(judge(&s, &Live::TimedOut(3.0)).status, Status::Error);
    }

    #[test]
    fn a_store_made_with_another_driver_warns_and_leads_unless_worse() {
        let names = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let overlay = podman(Driver::Named("overlay".into()), None);
        let f = store_mismatch(&overlay, &names(&["vfs"])).expect("mismatch");
        assert_eq!(f.code, Code::StoreDriverMismatch.code());
        assert_eq!(f.status, Status::Warn);
        assert!(f
            .message
            .contains("graph driver \"vfs\" does not match our storage graph driver \"overlay\""));
        assert!(store_mismatch(&overlay, &names(&["overlay"])).is_none());
        assert!(store_mismatch(&overlay, &names(&["overlay", "vfs"])).is_none());
        assert!(store_mismatch(&overlay, &[]).is_none());
        let overlay2 = podman(Driver::Named("overlay2".into()), None);
        assert!(store_mismatch(&overlay2, &names(&["overlay"])).is_none());
        let default = podman(Driver::DefaultVfs, None);
        assert!(store_mismatch(&default, &names(&["overlay"])).is_some());
        assert!(store_mismatch(&podman(Driver::Auto, None), &names(&["vfs"])).is_none());

        // A passing probe: the mismatch leads.
        let pass = judge(
            std::slice::from_ref(&overlay),
            &report(true, None, None, &[]),
        );
        let out = with_mismatch(pass, f.clone());
        assert!(out.is(Code::StoreDriverMismatch));
        // A failing probe leads; the mismatch follows.
        let fail = judge(
            std::slice::from_ref(&overlay),
            &report(false, Some("mount"), Some("EPERM"), &[]),
        );
        assert_eq!(fail.status, Status::Fail);
        let out = with_mismatch(fail, f);
        assert!(out.is(Code::OverlayRefused));
        assert!(out.names(Code::StoreDriverMismatch));
    }
}
