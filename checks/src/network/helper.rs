//! `network.helper`: for each installed rootless engine, the user-mode
//! network helper it will use ([`crate::engines::network`]), present, new
//! enough, and started for real: the `net-helper` probe runs each helper's
//! `--version` as the subject, and starts slirp4netns with its sandbox and
//! seccomp filter in a fresh user + network namespace, as podman 4 does.
//!
//! Decisions: docs/checks/network.md, section `network.helper`.

use super::Code;
use crate::check::{CheckDef, Context, EngineFinding, Fact, Finding, Outcome};
use crate::distro::Distro;
use crate::engines::network::{self as engines, Found, Helper, Resolved};
use crate::host::HostFs;
use crate::live::{self, fact, probe_evidence, Live};
use crate::model::{Evidence, Remediation, Status};
use crate::probe::{ProbeKind, ProbeReport};

pub static HELPER: CheckDef = CheckDef {
    id: "network.helper",
    title: "rootless network helper",
    description: "For each rootless engine on the subject's PATH, the network helper it uses \
                  (slirp4netns, pasta, RootlessKit's driver): installed, new enough, and \
                  started for real as the subject; skipped when no engine is installed.",
    codes: &[
        Code::NoEngine.code(),
        Code::HelperMissing.code(),
        Code::HelperTooOld.code(),
        Code::HelperUnknown.code(),
        Code::HelperCannotRun.code(),
        Code::HelperStartFailed.code(),
        Code::HelperNoSeccomp.code(),
        Code::PastaApparmor.code(),
    ],
    probes: &[ProbeKind::NetHelper],
    run,
};

/// The loaded AppArmor profiles.
const APPARMOR_PROFILES: &str = "/sys/kernel/security/apparmor/profiles";

fn run(ctx: &Context<'_>) -> Outcome {
    let found = engines::gather(ctx.host, ctx.subject);
    let live = Live::get(ctx, ProbeKind::NetHelper);
    if let Some(report) = live.report() {
        if !found.engines.is_empty()
            && matches!(report.step.as_deref(), Some("unshare" | "map"))
            && ctx.outcome_of(&crate::userns::CREATE).status != Status::Pass
        {
            return Outcome::blocked(&crate::userns::CREATE);
        }
    }
    let passt_enforced = passt_profile(ctx.host);
    judge(&found, &live, passt_enforced, &ctx.distro)
}

/// True when AppArmor enforces a profile named `passt` or `pasta`.
fn passt_profile(host: &HostFs) -> bool {
    host.read_text(APPARMOR_PROFILES).is_ok_and(|text| {
        text.lines().any(|l| {
            (l.starts_with("passt ") || l.starts_with("pasta ")) && l.ends_with("(enforce)")
        })
    })
}

/// `(major, minor, patch)` after the word `version` in `--version` output.
pub fn version_in(text: &str) -> Option<(u64, u64, u64)> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let at = words
        .iter()
        .position(|w| w.eq_ignore_ascii_case("version"))?;
    let token = words.get(at + 1)?;
    let core = token.split(['+', '~', '-']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    Some((
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    ))
}

/// Decides the outcome.
pub fn judge(found: &Found, live: &Live, passt_enforced: bool, distro: &Distro) -> Outcome {
    if found.engines.is_empty() {
        return Outcome::skip(
            Code::NoEngine,
            "no rootless engine (podman, dockerd-rootless.sh, containerd-rootless.sh) on the \
             subject's PATH",
        );
    }
    let report = match live::reported(ProbeKind::NetHelper, live) {
        Ok(report) => report,
        Err(outcome) => return outcome,
    };
    // Its package's version when dpkg knows it, else what `--version` said.
    let podman_version = found
        .engines
        .iter()
        .find(|e| e.engine == engines::Engine::Podman)
        .and_then(|e| match &e.packaged {
            // Without the dpkg epoch (`1:4.3.1-1`).
            Some(packaged) => {
                let upstream = packaged
                    .split_once(':')
                    .map_or(packaged.as_str(), |(_, v)| v);
                version_in(&format!("version {upstream}"))
            }
            None => fact(report, &format!("version:{}", e.path.display())).and_then(version_in),
        });
    let resolved = engines::resolve(found, podman_version.map(|v| v.0));
    let mut evidence = vec![probe_evidence(ProbeKind::NetHelper, report)];
    let mut findings = Vec::new();
    let mut fine = Vec::new();
    let mut per_engine = Vec::new();
    for r in &resolved {
        evidence.push(Evidence::fact(
            format!("{} network helper", r.engine.name()),
            format!("{} ({})", r.name, r.source.text()),
        ));
        let packaged = r
            .helper
            .and_then(|h| found.helper_path(h))
            .and_then(|path| found.packaged(path).map(|p| (path, p)));
        if let Some((path, packaged)) = packaged {
            let fact = Evidence::fact(
                format!("{} version", path.display()),
                format!("{} ({})", packaged.upstream(), packaged.describe()),
            );
            if !evidence.contains(&fact) {
                evidence.push(fact);
            }
        }
        let (status, code) = match assess(r, found, report, passt_enforced, distro) {
            Ok(text) => {
                fine.push(text);
                (Status::Pass, None)
            }
            Err(finding) => {
                let judged = (finding.status, Some(finding.code));
                findings.push(finding);
                judged
            }
        };
        per_engine.push(Fact::ForEngine(EngineFinding {
            engine: r.engine.entry(),
            status,
            code,
        }));
    }
    findings.sort_by_key(|f| std::cmp::Reverse(f.status));
    let mut findings = findings.into_iter();
    let Some(first) = findings.next() else {
        return per_engine.into_iter().fold(
            Outcome::pass(fine.join("; ")).with_all(evidence),
            Outcome::stating,
        );
    };
    let rest: Vec<Finding> = findings.collect();
    let mut message = first.message.clone();
    for f in &rest {
        message.push_str("; also: ");
        message.push_str(&f.message);
    }
    let also: Vec<_> = rest.iter().map(|f| f.code).collect();
    let fixes: Vec<Remediation> = std::iter::once(&first)
        .chain(&rest)
        .flat_map(|f| f.fixes.clone())
        .collect();
    let outcome = Outcome::judged(first.status, first.code, message)
        .also(also)
        .with_all(evidence)
        .with_all(first.evidence)
        .fixes(fixes);
    per_engine.into_iter().fold(outcome, Outcome::stating)
}

fn assess(
    r: &Resolved,
    found: &Found,
    report: &ProbeReport,
    passt_enforced: bool,
    distro: &Distro,
) -> Result<String, Finding> {
    let engine = r.engine.name();
    let Some(helper) = r.helper else {
        return Err(Finding::warn(
            Code::HelperUnknown,
            format!(
                "{engine} is configured to use '{}' ({}), a network helper the doctor does \
                 not know",
                crate::live::cap(&r.name, 40),
                r.source.text()
            ),
        ));
    };
    if matches!(helper, Helper::Host | Helper::LxcUserNic) {
        return Ok(format!("{engine} uses {}", helper.name()));
    }
    let Some(path) = found.helper_path(helper) else {
        let package = match helper {
            Helper::Pasta => "passt",
            other => other.name(),
        };
        return Err(Finding::fail(
            Code::HelperMissing,
            format!(
                "{engine} uses {} ({}) but it is not installed: containers fail with \
                 \"could not find {}\"",
                helper.name(),
                r.source.text(),
                helper.name()
            ),
        )
        .fixes([Remediation::root(
            format!("install {package}"),
            vec![distro.install(&[package])],
        )]));
    };
    let key = path.display().to_string();
    let exit = fact(report, &format!("exit:{key}"));
    let version_text = fact(report, &format!("version:{key}")).unwrap_or("");
    // A helper whose package gave its version was not asked (see
    // `Found::tools`): slirp4netns, whose live start below shows it runs.
    let packaged = found.packaged(path).filter(|_| exit.is_none());
    if exit != Some("0") && packaged.is_none() {
        let stderr = fact(report, &format!("stderr:{key}")).unwrap_or("");
        return Err(Finding::fail(
            Code::HelperCannotRun,
            format!(
                "{key} --version does not run as the subject (exit {}): {}",
                exit.unwrap_or("unknown"),
                crate::live::cap(stderr, 200)
            ),
        )
        .fixes([Remediation::root(
            format!("reinstall {}", helper.name()),
            vec![distro.reinstall(if helper == Helper::Pasta {
                "passt"
            } else {
                helper.name()
            })],
        )]));
    }
    let version = match packaged {
        Some(packaged) => version_in(&format!("version {}", packaged.upstream())),
        None => version_in(version_text),
    };
    if let (Some(min), Some(v)) = (helper.minimum(), version) {
        if v < min {
            return Err(Finding::fail(
                Code::HelperTooOld,
                format!(
                    "{key} is version {}.{}.{}, older than {}.{}.{} which {engine} needs \
                     (\"slirp4netns seems older than v0.4.0\")",
                    v.0, v.1, v.2, min.0, min.1, min.2
                ),
            )
            .fixes([Remediation::root(
                format!("upgrade {}", helper.name()),
                vec![distro.install(&[helper.name()])],
            )]));
        }
    }
    let shown = version.map_or("version unknown".into(), |v| {
        format!("{}.{}.{}", v.0, v.1, v.2)
    });
    if helper == Helper::Slirp4netns {
        if report.step.as_deref() == Some("start-slirp4netns") {
            let stderr = fact(report, "slirp4netns-stderr").unwrap_or(&report.detail);
            let tun = if stderr.contains("/dev/net/tun") {
                " (see network.tun)"
            } else {
                ""
            };
            return Err(Finding::fail(
                Code::HelperStartFailed,
                format!(
                    "{key} {shown} could not start with its sandbox and seccomp filter: {}{tun}; \
                     {engine} fails with \"{key} failed: ...\"",
                    crate::live::cap(&report.detail, 240)
                ),
            ));
        }
        if !report.ok {
            // The namespace it would join could not be made (`unshare`,
            // `map`): it was never started, so it is not shown to work.
            return Err(Finding::fail(
                Code::HelperStartFailed,
                format!(
                    "{key} {shown} could not be started: the probe's user + network namespace \
                     failed ({}: {}); {engine} cannot connect its containers either",
                    live::failure_text(report),
                    crate::live::cap(&report.detail, 200)
                ),
            ));
        }
        // Without --version, readiness is the evidence: slirp4netns 0.4.0 and
        // later writes to its ready pipe only after --enable-seccomp loaded
        // its filter (and every build of them links libseccomp).
        if packaged.is_none() && !version_text.contains("libseccomp") {
            return Err(Finding::warn(
                Code::HelperNoSeccomp,
                format!(
                    "{key} {shown} was built without libseccomp: {engine} runs it without \
                     its seccomp filter"
                ),
            ));
        }
        return Ok(format!(
            "{engine} uses {key} {shown}, which started with its sandbox and seccomp filter"
        ));
    }
    if helper == Helper::Pasta && passt_enforced {
        return Err(Finding::warn(
            Code::PastaApparmor,
            format!(
                "{engine} uses {key} {shown}, confined by the passt AppArmor profile: when the \
                 profile is older than {engine}, pasta cannot open {engine}'s network namespace \
                 (\"pasta: ... Permission denied\"); keep passt and {engine} at matching versions"
            ),
        )
        .fixes([Remediation::root(
            "upgrade passt to the version that matches podman",
            vec![distro.install(&["passt"])],
        )]));
    }
    Ok(format!("{engine} uses {key} {shown}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::network::{Engine, Installed};

    fn debian() -> Distro {
        Distro::from_os_release(&crate::os_release::OsRelease::parse("ID=debian\n"))
    }

    fn podman_found() -> Found {
        Found {
            engines: vec![Installed {
                engine: Engine::Podman,
                path: "/usr/bin/podman".into(),
                configured: None,
                packaged: None,
            }],
            slirp4netns: Some("/usr/bin/slirp4netns".into()),
            ..Found::default()
        }
    }

    fn report(ok: bool, slirp_version: &str) -> ProbeReport {
        let mut report = ProbeReport {
            ok,
            ..ProbeReport::default()
        };
        for (k, v) in [
            ("version:/usr/bin/podman", "podman version 4.3.1"),
            ("exit:/usr/bin/podman", "0"),
            ("version:/usr/bin/slirp4netns", slirp_version),
            ("exit:/usr/bin/slirp4netns", "0"),
        ] {
            report.facts.insert(k.into(), v.into());
        }
        report
    }

    const SLIRP: &str = "slirp4netns version 1.2.0\ncommit: x\nlibslirp: 4.7.0\nlibseccomp: 2.5.4";

    #[test]
    fn no_engine_skips() {
        let outcome = judge(
            &Found::default(),
            &Live::NotRun("x".into()),
            false,
            &debian(),
        );
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(Code::NoEngine));
    }

    #[test]
    fn a_started_slirp4netns_passes() {
        let live = Live::Report(report(true, SLIRP));
        let outcome = judge(&podman_found(), &live, false, &debian());
        assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
        assert!(outcome.message.contains("slirp4netns 1.2.0"));
    }

    #[test]
    fn a_failed_start_names_the_tun_check() {
        let mut r = report(false, SLIRP);
        r.step = Some("start-slirp4netns".into());
        r.detail = "/usr/bin/slirp4netns exited with status 1: open(\"/dev/net/tun\"): \
                    Permission denied"
            .into();
        r.facts
            .insert("slirp4netns-stderr".into(), r.detail.clone());
        let outcome = judge(&podman_found(), &Live::Report(r), false, &debian());
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::HelperStartFailed));
        assert!(outcome.message.contains("(see network.tun)"));
    }

    #[test]
    fn missing_old_and_seccompless_helpers() {
        let mut found = podman_found();
        found.slirp4netns = None;
        let live = Live::Report(report(true, SLIRP));
        let missing = judge(&found, &live, false, &debian());
        assert!(missing.is(Code::HelperMissing));
        assert_eq!(
            missing.remediation[0].commands,
            ["apt-get install -y slirp4netns"]
        );
        let old = judge(
            &podman_found(),
            &Live::Report(report(true, "slirp4netns version 0.3.0")),
            false,
            &debian(),
        );
        assert!(old.is(Code::HelperTooOld));
        let bare = judge(
            &podman_found(),
            &Live::Report(report(true, "slirp4netns version 1.2.0")),
            false,
            &debian(),
        );
        assert!(bare.is(Code::HelperNoSeccomp));
        assert_eq!(version_in("podman version 5.0.2"), Some((5, 0, 2)));
        assert_eq!(version_in("nothing"), None);
    }

    #[test]
    fn podman_5_uses_pasta_and_hears_about_apparmor() {
        let mut r = report(true, SLIRP);
        r.facts.insert(
            "version:/usr/bin/podman".into(),
            "podman version 5.0.0".into(),
        );
        r.facts.insert(
            "version:/usr/bin/pasta".into(),
            "pasta 2024_03_26.d03c4e2".into(),
        );
        r.facts.insert("exit:/usr/bin/pasta".into(), "0".into());
        let mut found = podman_found();
        found.pasta = Some("/usr/bin/pasta".into());
        let outcome = judge(&found, &Live::Report(r.clone()), true, &debian());
        assert!(outcome.is(Code::PastaApparmor), "{outcome:?}");
        assert_eq!(
            judge(&found, &Live::Report(r), false, &debian()).status,
            Status::Pass
        );
    }

    #[test]
    fn a_probe_that_never_started_slirp4netns_does_not_pass() {
        let mut r = report(false, SLIRP);
        r.step = Some("unshare".into());
        r.errno = Some("EPERM".into());
        let outcome = judge(&podman_found(), &Live::Report(r), false, &debian());
        assert_eq!(outcome.status, Status::Fail, "{outcome:?}");
        assert!(outcome.is(Code::HelperStartFailed));
    }

    #[test]
    fn rootless_docker_with_vpnkit_is_probed_and_passes() {
        let found = Found {
            engines: vec![Installed {
                engine: Engine::Docker,
                path: "/usr/bin/dockerd-rootless.sh".into(),
                configured: None,
                packaged: None,
            }],
            vpnkit: Some("/usr/bin/vpnkit".into()),
            ..Found::default()
        };
        assert!(found.tools().contains(&"/usr/bin/vpnkit".into()));
        let mut r = ProbeReport {
            ok: true,
            ..ProbeReport::default()
        };
        r.facts
            .insert("version:/usr/bin/vpnkit".into(), "v0.5.0".into());
        r.facts.insert("exit:/usr/bin/vpnkit".into(), "0".into());
        let outcome = judge(&found, &Live::Report(r), false, &debian());
        assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
    }

    #[test]
    fn each_engine_gets_its_own_finding() {
        let mut found = podman_found();
        found.engines.push(Installed {
            engine: Engine::Docker,
            path: "/usr/bin/dockerd-rootless.sh".into(),
            configured: Some((
                "vpnkit".into(),
                crate::engines::containers_conf::Source::Config {
                    file: "~/.config/systemd/user/docker.service".into(),
                    setting: "DOCKERD_ROOTLESS_ROOTLESSKIT_NET".into(),
                },
            )),
            packaged: None,
        });
        let outcome = judge(&found, &Live::Report(report(true, SLIRP)), false, &debian());
        assert_eq!(outcome.status, Status::Fail, "{outcome:?}");
        assert!(outcome.is(Code::HelperMissing), "{outcome:?}");
        assert_eq!(
            outcome.for_engine("docker"),
            Some((Status::Fail, Some(Code::HelperMissing.code())))
        );
        assert_eq!(outcome.for_engine("podman"), Some((Status::Pass, None)));
    }

    #[test]
    fn a_packaged_version_with_an_epoch_is_read() {
        let mut found = podman_found();
        found.engines[0].packaged = Some("1:5.0.2+ds1-1".into());
        found.pasta = Some("/usr/bin/pasta".into());
        let mut r = report(true, SLIRP);
        r.facts.insert("exit:/usr/bin/pasta".into(), "0".into());
        let outcome = judge(&found, &Live::Report(r), false, &debian());
        assert!(
            outcome.message.contains("/usr/bin/pasta"),
            "podman 5 uses pasta: {outcome:?}"
        );
    }

    fn packaged(package: &str, version: &str, file: &str) -> crate::packages::Packaged {
        crate::packages::Packaged {
            package: package.into(),
            version: version.into(),
            file: file.into(),
        }
    }

    /// Debian's podman 4.3.1 and slirp4netns 1.2.0, both vouched for by dpkg.
    fn packaged_found() -> Found {
        let mut found = podman_found();
        found.engines[0].packaged = Some("4.3.1+ds1-8+deb12u1".into());
        found.packages.push((
            "/usr/bin/slirp4netns".into(),
            packaged("slirp4netns", "1.2.0-1", "/usr/bin/slirp4netns"),
        ));
        found.pasta = Some("/usr/bin/pasta".into());
        found.rootlesskit = Some("/usr/bin/rootlesskit".into());
        found
    }

    #[test]
    fn packaged_versions_leave_nothing_to_ask_but_the_live_start() {
        let found = packaged_found();
        // podman 4 uses slirp4netns, whose package tells its version: pasta is
        // not in use and rootlesskit is never judged.
        assert_eq!(found.tools(), Vec::<std::path::PathBuf>::new());
        let started = ProbeReport {
            ok: true,
            detail: "started /usr/bin/slirp4netns".into(),
            ..ProbeReport::default()
        };
        let outcome = judge(&found, &Live::Report(started), false, &debian());
        assert_eq!(outcome.status, Status::Pass, "{outcome:?}");
        assert_eq!(
            outcome.message,
            "podman uses /usr/bin/slirp4netns 1.2.0, which started with its sandbox and seccomp \
             filter"
        );
        assert!(outcome.evidence.contains(&Evidence::fact(
            "/usr/bin/slirp4netns version",
            "1.2.0 (dpkg package slirp4netns 1.2.0-1, /usr/bin/slirp4netns unchanged since \
             installed)"
        )));
        // Not started: the package's version does not make it pass.
        let mut failed = ProbeReport {
            ok: false,
            step: Some("start-slirp4netns".into()),
            detail: "/usr/bin/slirp4netns exited with status 1: open(\"/dev/net/tun\"): \
                     Permission denied"
                .into(),
            ..ProbeReport::default()
        };
        failed.errno = Some("EACCES".into());
        let outcome = judge(&found, &Live::Report(failed), false, &debian());
        assert!(outcome.is(Code::HelperStartFailed), "{outcome:?}");
        assert!(outcome
            .message
            .contains("slirp4netns 1.2.0 could not start"));
    }

    #[test]
    fn a_packaged_slirp4netns_too_old_is_failed_without_asking_it() {
        let mut found = packaged_found();
        found.packages[0].1 = packaged("slirp4netns", "0.3.0-1", "/usr/bin/slirp4netns");
        let started = ProbeReport {
            ok: true,
            ..ProbeReport::default()
        };
        let outcome = judge(&found, &Live::Report(started), false, &debian());
        assert!(outcome.is(Code::HelperTooOld), "{outcome:?}");
    }

    #[test]
    fn what_is_asked_follows_the_helper_in_use() {
        // podman 5 uses pasta: pasta is run (its only evidence), slirp4netns not.
        let mut found = packaged_found();
        found.engines[0].packaged = Some("5.0.2+ds1-1".into());
        assert_eq!(
            found.tools(),
            vec![std::path::PathBuf::from("/usr/bin/pasta")]
        );
        // Nothing uses slirp4netns: it is not started either.
        assert_eq!(found.slirp4netns_to_start(), None);
        assert_eq!(
            packaged_found().slirp4netns_to_start(),
            Some("/usr/bin/slirp4netns".into())
        );
        let no_engine = Found {
            engines: Vec::new(),
            ..packaged_found()
        };
        assert_eq!(no_engine.slirp4netns_to_start(), None);
        // podman without a package: its version decides, so every helper it
        // may use is asked, slirp4netns only when its package does not tell.
        let mut found = packaged_found();
        found.engines[0].packaged = None;
        assert_eq!(
            found.tools(),
            vec![
                std::path::PathBuf::from("/usr/bin/podman"),
                "/usr/bin/pasta".into()
            ]
        );
        found.packages.clear();
        assert_eq!(
            found.tools(),
            vec![
                std::path::PathBuf::from("/usr/bin/podman"),
                "/usr/bin/slirp4netns".into(),
                "/usr/bin/pasta".into()
            ]
        );
        // Without a package, slirp4netns's --version is asked and judged.
        let mut found = packaged_found();
        found.packages.clear();
        assert_eq!(
            found.tools(),
            vec![std::path::PathBuf::from("/usr/bin/slirp4netns")]
        );
    }
}
