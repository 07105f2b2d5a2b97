//! `network.tun`: as the subject, in a new user + network namespace, open
//! /dev/net/tun and create a tap device (the `net-tun` probe), as
//! slirp4netns, pasta and RootlessKit do. The judge tells apart a missing
//! node, a mode that refuses the subject, a cgroup device rule or sandbox,
//! an absent driver and a refused tap device.
//!
//! Decisions: docs/checks/network.md, section `network.tun` (probed always;
//! a failure when an installed engine's helper needs the device, else a
//! warning).

use super::Code;
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::distro::Distro;
use crate::engines::network::{self as engines, Resolved};
use crate::live::{self, fact, probe_evidence, Live};
use crate::model::{Evidence, Remediation, Status};
use crate::probe::{ProbeKind, ProbeReport};

pub static TUN: CheckDef = CheckDef {
    id: "network.tun",
    title: "/dev/net/tun",
    description: "As the subject, in a new user and network namespace: open /dev/net/tun and \
                  create a tap device; a failure when an installed engine's network helper \
                  needs it, a warning otherwise.",
    codes: &[
        Code::TunMissing.code(),
        Code::TunMode.code(),
        Code::TunRefused.code(),
        Code::TunModuleAbsent.code(),
        Code::TapRefused.code(),
        Code::TunUnexplained.code(),
    ],
    probes: &[ProbeKind::NetTun],
    run,
};

/// The device.
pub const DEVICE: &str = "/dev/net/tun";

fn run(ctx: &Context<'_>) -> Outcome {
    let live = Live::get(ctx, ProbeKind::NetTun);
    if let Some(report) = live.report() {
        if matches!(report.step.as_deref(), Some("unshare" | "map"))
            && ctx.outcome_of(&crate::userns::CREATE).status != Status::Pass
        {
            return Outcome::blocked(&crate::userns::CREATE);
        }
    }
    let found = engines::gather(ctx.host, ctx.subject);
    let needing: Vec<Resolved> = engines::resolve(&found, None)
        .into_iter()
        .filter(|r| r.helper.is_some_and(|h| h.needs_tun()))
        .collect();
    judge(
        &live,
        &needing,
        ctx.subject.uid,
        ctx.subject.gid,
        &ctx.distro,
    )
}

/// `char 10:200 mode 0600 uid 0 gid 0` -> (mode, uid, gid).
pub fn parse_node(text: &str) -> Option<(u32, u32, u32)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let after = |key: &str| {
        words
            .iter()
            .position(|w| *w == key)
            .and_then(|i| words.get(i + 1))
    };
    let mode = u32::from_str_radix(after("mode")?, 8).ok()?;
    Some((
        mode,
        after("uid")?.parse().ok()?,
        after("gid")?.parse().ok()?,
    ))
}

/// Whether the mode lets `uid`/`gid` open the node read-write.
pub fn mode_allows(mode: u32, owner: u32, group: u32, uid: u32, gid: u32) -> bool {
    let bits = if owner == uid {
        mode >> 6
    } else if group == gid {
        mode >> 3
    } else {
        mode
    };
    bits & 0o6 == 0o6
}

/// Decides the outcome; `needing` are the engines whose helper opens the device.
pub fn judge(live: &Live, needing: &[Resolved], uid: u32, gid: u32, distro: &Distro) -> Outcome {
    let report = match live::reported(ProbeKind::NetTun, live) {
        Ok(report) => report,
        Err(outcome) => return outcome,
    };
    let evidence = probe_evidence(ProbeKind::NetTun, report);
    let node = fact(report, "dev-net-tun").map(|n| Evidence::file(DEVICE, n));
    if report.ok {
        // Without an ip binary the probe only opened the device.
        let message = if fact(report, "ip") == Some("none") {
            format!(
                "opened {DEVICE} in a user + network namespace; no ip binary, so creating a \
                 tap device was not tried"
            )
        } else {
            format!("opened {DEVICE} and created a tap device in a user + network namespace")
        };
        return Outcome::pass(message).with(evidence).with_all(node);
    }
    let status = if needing.is_empty() {
        Status::Warn
    } else {
        Status::Fail
    };
    let who = if needing.is_empty() {
        "no installed engine's helper needs it, but a rootless network helper would fail"
            .to_string()
    } else {
        let names: Vec<String> = needing
            .iter()
            .map(|r| format!("{} ({})", r.engine.name(), r.name))
            .collect();
        format!("{} cannot start networking", names.join(", "))
    };
    cause(report, status, &who, uid, gid, distro)
        .outcome_after([evidence])
        .with_all(node)
}

fn cause(
    report: &ProbeReport,
    status: Status,
    who: &str,
    uid: u32,
    gid: u32,
    distro: &Distro,
) -> Finding {
    let errno = report.errno.as_deref().unwrap_or("");
    let node = fact(report, "dev-net-tun").unwrap_or("");
    let driver_listed = fact(report, "misc-tun") == Some("listed")
        || fact(report, "sys-module-tun") == Some("present");
    match (report.step.as_deref(), errno) {
        (Some("open"), "ENOENT") => Finding::new(
            status,
            Code::TunMissing,
            format!(
                "{DEVICE} does not exist: {who} (slirp4netns: \"open(\\\"/dev/net/tun\\\"): \
                 No such file or directory\")"
            ),
        )
        .fixes(if driver_listed {
            vec![mknod_fix(), udev_fix()]
        } else {
            vec![modprobe_fix()]
        }),
        (Some("open"), "ENODEV" | "ENXIO") => Finding::new(
            status,
            Code::TunModuleAbsent,
            format!(
                "{DEVICE} exists but the kernel has no tun driver (open fails with {errno}): {who}"
            ),
        )
        .fixes([
            modprobe_fix(),
            Remediation::root(
                "or install the kernel's modules package if tun.ko is missing",
                vec![distro.install(&[crate::nsenv::fixes::kernel_package(distro)])],
            )
            .alternative(),
        ]),
        (Some("open"), "EACCES")
            if parse_node(node).is_some_and(|(m, o, g)| !mode_allows(m, o, g, uid, gid)) =>
        {
            let mode = parse_node(node).map_or(0, |(m, _, _)| m);
            Finding::new(
                status,
                Code::TunMode,
                format!(
                    "{DEVICE} is mode {mode:04o} ({node}), which refuses uid {uid}: {who} \
                     (slirp4netns: \"open(\\\"/dev/net/tun\\\"): Permission denied\")"
                ),
            )
            .fixes([
                Remediation::root(
                    format!("make {DEVICE} usable by everyone now (its usual mode, 0666)"),
                    vec![format!("chmod 0666 {DEVICE}")],
                )
                .until_reboot(),
                udev_fix(),
            ])
        }
        (Some("open"), "EACCES" | "EPERM") => {
            let rules = fact(report, "devices-list");
            let sandbox = match rules {
                Some(r) if !r.contains("a *:* rwm") && !r.contains("c 10:200") => {
                    "a cgroup device rule (devices.list lacks c 10:200)"
                }
                _ => "a cgroup device rule, seccomp or an LSM policy",
            };
            Finding::new(
                status,
                Code::TunRefused,
                format!(
                    "{DEVICE} ({node}) is refused with {errno} although its mode allows \
                     uid {uid}: {sandbox} denies it; {who}"
                ),
            )
            .fixes([Remediation::root(
                "in a container: start it with --device /dev/net/tun (and without a \
                 seccomp or AppArmor profile that forbids it)",
                vec![],
            )])
            .with(rules.map(|r| Evidence::fact("devices.list", r)))
        }
        (Some("tap"), _) => Finding::new(
            status,
            Code::TapRefused,
            format!(
                "{DEVICE} opens but creating a tap device in a user + network namespace \
                 fails ({}): {who}",
                crate::live::cap(&report.detail, 200)
            ),
        )
        .fixes([Remediation::root(
            "allow TUNSETIFF in the sandbox the doctor runs in (seccomp, LSM)",
            vec![],
        )]),
        _ => Finding::new(
            Status::Error,
            Code::TunUnexplained,
            format!(
                "the net-tun probe failed with {}: {}",
                live::failure_text(report),
                crate::live::cap(&report.detail, 200)
            ),
        ),
    }
}

fn modprobe_fix() -> Remediation {
    Remediation::root(
        "load the tun driver now and at every boot (it creates /dev/net/tun)",
        vec![
            "modprobe tun".into(),
            "echo tun > /etc/modules-load.d/tun.conf".into(),
        ],
    )
}

fn mknod_fix() -> Remediation {
    Remediation::root(
        format!("create {DEVICE} now"),
        vec![
            "mkdir -p /dev/net".into(),
            format!("mknod -m 0666 {DEVICE} c 10 200"),
        ],
    )
    .until_reboot()
    .unless(format!("test -c {DEVICE}"))
}

fn udev_fix() -> Remediation {
    Remediation::root(
        format!("keep {DEVICE} at mode 0666 at every boot (udev rule)"),
        vec![
            "printf '%s\\n' 'KERNEL==\"tun\", MODE=\"0666\", OPTIONS+=\"static_node=tun\"' \
             > /etc/udev/rules.d/99-rootless-tun.rules"
                .into(),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::network::{Engine, Helper, Source};

    fn debian() -> Distro {
        Distro::from_os_release(&crate::os_release::OsRelease::parse("ID=debian\n"))
    }

    fn failed(step: &str, errno: &str, node: &str) -> Live {
        let mut report = ProbeReport {
            ok: false,
            step: Some(step.into()),
            errno: Some(errno.into()),
            detail: "x".into(),
            ..ProbeReport::default()
        };
        report.facts.insert("dev-net-tun".into(), node.into());
        report.facts.insert("misc-tun".into(), "listed".into());
        Live::Report(report)
    }

    fn podman() -> Vec<Resolved> {
        vec![Resolved {
            engine: Engine::Podman,
            helper: Some(Helper::Slirp4netns),
            name: "slirp4netns".into(),
            source: Source::Default("podman 4's default".into()),
        }]
    }

    #[test]
    fn mode_0600_fails_for_podman_and_warns_without_an_engine() {
        let live = failed("open", "EACCES", "char 10:200 mode 0600 uid 0 gid 0");
        let outcome = judge(&live, &podman(), 1001, 1001, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::TunMode));
        assert!(outcome.message.contains("mode 0600"), "{}", outcome.message);
        assert!(outcome.message.contains("podman (slirp4netns)"));
        assert_eq!(outcome.remediation[0].commands, ["chmod 0666 /dev/net/tun"]);
        let quiet = judge(&live, &[], 1001, 1001, &debian());
        assert_eq!(quiet.status, Status::Warn);
        assert!(quiet.is(Code::TunMode));
    }

    #[test]
    fn each_cause_has_its_code() {
        let cases = [
            (failed("open", "ENOENT", "missing"), Code::TunMissing),
            (
                failed("open", "ENODEV", "char 10:200 mode 0666 uid 0 gid 0"),
                Code::TunModuleAbsent,
            ),
            (
                failed("open", "EPERM", "char 10:200 mode 0666 uid 0 gid 0"),
                Code::TunRefused,
            ),
            (
                failed("open", "EACCES", "char 10:200 mode 0666 uid 0 gid 0"),
                Code::TunRefused,
            ),
            (
                failed("tap", "EPERM", "char 10:200 mode 0666 uid 0 gid 0"),
                Code::TapRefused,
            ),
            (
                failed("open", "EIO", "char 10:200 mode 0666 uid 0 gid 0"),
                Code::TunUnexplained,
            ),
        ];
        for (live, code) in cases {
            let outcome = judge(&live, &podman(), 1001, 1001, &debian());
            assert!(outcome.is(code), "{code:?}: {outcome:?}");
        }
    }

    #[test]
    fn success_passes_and_modes_are_read() {
        let live = Live::Report(ProbeReport {
            ok: true,
            ..ProbeReport::default()
        });
        assert_eq!(
            judge(&live, &podman(), 1, 1, &debian()).status,
            Status::Pass
        );
        assert_eq!(
            parse_node("char 10:200 mode 0660 uid 0 gid 108"),
            Some((0o660, 0, 108))
        );
        assert!(mode_allows(0o660, 0, 108, 1001, 108));
        assert!(!mode_allows(0o600, 0, 0, 1001, 1001));
        assert!(mode_allows(0o666, 0, 0, 1001, 1001));
    }
}
