//! `idmap.multi-map`: judge the live `multi-map` probe. A holder child
//! unshares a user namespace and waits; newuidmap and newgidmap, run as the
//! subject, map its own id to 0 and the subordinate range to 1.. (at most
//! 65535 ids), exactly as runc and podman do; the maps are read back.
//!
//! Blocked when one of [`BLOCKERS`] failed. A helper's failure is a fail
//! with the tool's argv, exit code and stderr as command evidence, and
//! shadow's message mapped to its cause and code. Decisions:
//! docs/checks/idmap-multi-map.md, section `idmap.multi-map`.

use super::codes::Code;
use super::{NEWGIDMAP, NEWUIDMAP};
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::distro::{Component, Distro};
use crate::live::{self, Live};
use crate::model::{Evidence, Remediation, Status};
use crate::probe::{ProbeKind, ProbeReport};
use crate::shell::quote;

pub static MULTI_MAP: CheckDef = CheckDef {
    id: "idmap.multi-map",
    title: "multi-id mapping",
    description: "Live: a child in a new user namespace gets a multi-range map (own id -> 0, \
                  subordinate range -> 1..65535) written by newuidmap and newgidmap, as runc \
                  and podman do.",
    codes: &[
        Code::TooFewIds.code(),
        Code::MapsIncomplete.code(),
        Code::RangeNotAllowed.code(),
        Code::HelperUnprivileged.code(),
        Code::TargetOwnerMismatch.code(),
        Code::SubidUnreadable.code(),
        Code::UserUnresolvable.code(),
        Code::MapWriteRefused.code(),
        Code::HelperNotRun.code(),
        Code::HelperFailed.code(),
        Code::ArgumentsRejected.code(),
        Code::UnexpectedFailure.code(),
    ],
    probes: &[ProbeKind::MultiMap],
    run,
};

/// The checks whose failure blocks this one, in the order they are
/// consulted; only a fail blocks.
static BLOCKERS: [&CheckDef; 5] = [
    &crate::userns::CREATE,
    &NEWUIDMAP,
    &NEWGIDMAP,
    &crate::subid::SUBUID,
    &crate::subid::SUBGID,
];

/// The ids of a full container map: the own id and 65535 subordinate ids.
const FULL_MAP: u64 = 65536;

fn run(ctx: &Context<'_>) -> Outcome {
    let probe = Live::get(ctx, ProbeKind::MultiMap);
    if let Some(&blocker) = BLOCKERS
        .iter()
        .find(|&&def| ctx.outcome_of(def).status == Status::Fail)
    {
        let outcome = Outcome::blocked(blocker);
        return match probe.report() {
            Some(report) => outcome.with(live::probe_evidence(ProbeKind::MultiMap, report)),
            None => outcome,
        };
    }
    judge(&probe, &ctx.subject.name, &ctx.distro)
}

/// Decides the outcome for subject `name`.
fn judge(probe: &Live, name: &str, distro: &Distro) -> Outcome {
    let kind = ProbeKind::MultiMap;
    let report = match live::reported(kind, probe) {
        Ok(report) => report,
        Err(outcome) => return outcome,
    };
    let maps: Vec<Evidence> = ["uid_map", "gid_map"]
        .into_iter()
        .filter_map(|m| {
            live::fact(report, m)
                .filter(|v| !v.trim().is_empty())
                .map(|v| Evidence::fact(m, live::cap(v.trim(), 500)))
        })
        .collect();
    let evidence = live::probe_evidence(kind, report);
    if report.ok {
        let ids = live::fact(report, "ids").and_then(|v| v.trim().parse::<u64>().ok());
        let message = match ids {
            Some(n) => format!(
                "newuidmap and newgidmap mapped {n} ids into a new user namespace (own id -> \
                 0, subordinate range -> 1..)"
            ),
            None => "newuidmap and newgidmap mapped the subordinate ranges into a new user \
                     namespace"
                .to_string(),
        };
        let outcome = match ids {
            Some(n) if n < FULL_MAP => Outcome::warn(Code::TooFewIds, format!(
                "newuidmap and newgidmap mapped only {n} ids into a new user namespace; \
                 images with files owned by ids up to 65535 need {FULL_MAP}"
            ))
            .fix(Remediation::root(
                format!("give {name} at least 65536 subordinate ids (see subid.subuid and subid.subgid)"),
                vec!["rootless-doctor check --only subid.subuid,subid.subgid".to_string()],
            )
            .alternative()),
            _ => Outcome::pass(message),
        };
        return outcome
            .with(evidence)
            .with_all(ids.map(|n| Evidence::fact("ids", n.to_string())))
            .with_all(maps);
    }
    let uidmap = distro.package(Component::Uidmap);
    match report.step.as_deref().unwrap_or("") {
        tool @ ("newuidmap" | "newgidmap") => tool_failure(tool, report, name, distro)
            .outcome()
            .with(evidence)
            .with_all(maps),
        "verify" => Outcome::fail(
            Code::MapsIncomplete,
            "newuidmap and newgidmap succeeded, but the maps read back lack the requested \
             ranges",
        )
        .with(evidence)
        .with_all(maps)
        .fix(Remediation::root(
            format!("reinstall {uidmap}"),
            vec![distro.reinstall(uidmap)],
        )),
        _ => Outcome::error(
            Code::UnexpectedFailure,
            format!(
                "the multi-map probe failed with an unexpected {}{}",
                live::failure_text(report),
                if report.detail.is_empty() {
                    String::new()
                } else {
                    format!(": {}", report.detail)
                }
            ),
        )
        .with(evidence),
    }
}

/// The tool's argv as the probe recorded it: a JSON array, or words.
fn argv(report: &ProbeReport, tool: &str) -> Vec<String> {
    let raw = live::fact(report, &format!("{tool}.argv"))
        .unwrap_or("")
        .trim();
    if raw.starts_with('[') {
        if let Ok(list) = serde_json::from_str::<Vec<String>>(raw) {
            return list;
        }
    }
    let words: Vec<String> = raw.split_whitespace().map(str::to_string).collect();
    if words.is_empty() {
        vec![tool.to_string()]
    } else {
        words
    }
}

/// The subordinate (host start, count) of a `newuidmap PID c h n c h n` argv:
/// the triple whose container id is not 0.
fn subordinate_range(argv: &[String]) -> Option<(u64, u64)> {
    let numbers: Vec<u64> = argv.iter().skip(2).filter_map(|a| a.parse().ok()).collect();
    numbers
        .chunks_exact(3)
        .find(|t| t[0] != 0)
        .map(|t| (t[1], t[2]))
}

/// What a failed newuidmap or newgidmap said, mapped to its cause.
fn tool_failure(tool: &str, report: &ProbeReport, name: &str, distro: &Distro) -> Finding {
    let (file, ids, flag) = if tool == "newuidmap" {
        ("/etc/subuid", "uid", "--add-subuids")
    } else {
        ("/etc/subgid", "gid", "--add-subgids")
    };
    let argv = argv(report, tool);
    let exit_code = live::fact(report, &format!("{tool}.exit")).and_then(|e| e.trim().parse().ok());
    let stderr = live::fact(report, &format!("{tool}.stderr"))
        .unwrap_or("")
        .trim()
        .to_string();
    let command = Evidence::Command {
        argv: argv.clone(),
        exit_code,
        stderr: live::cap(&stderr, 2000),
    };
    let said = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .map(|l| live::cap(l.trim(), 300))
        .unwrap_or_else(|| match exit_code {
            Some(code) => format!("exited {code} without a message"),
            None => report.detail.clone(),
        });
    let lower = stderr.to_ascii_lowercase();
    let uidmap = distro.package(Component::Uidmap);
    let reinstall = Remediation::root(
        format!("reinstall {uidmap} to restore {tool} and its privilege"),
        vec![distro.reinstall(uidmap)],
    );
    let finding = if lower.contains("not allowed") {
        let fix = match subordinate_range(&argv) {
            Some((start, count)) if count > 0 => Remediation::root(
                format!("give {name} the {ids} range {tool} was asked to map, as shadow parses it"),
                vec![format!(
                    "usermod {flag} {start}-{} {}",
                    start.saturating_add(count - 1),
                    quote(name)
                )],
            ),
            _ => Remediation::root(
                format!("give {name} a subordinate {ids} range in {file} (see subid.sub{ids})"),
                vec![format!("usermod {flag} 100000-165535 {}", quote(name))],
            ),
        };
        Finding::fail(
            Code::RangeNotAllowed,
            format!(
                "{tool} refused the range: {said}; {file} does not give {name} that range as \
                 shadow reads it (missing, mismatched, or a line shadow cannot parse)"
            ),
        )
        .fixes([fix])
    } else if lower.contains("could not set caps") {
        Finding::fail(
            Code::HelperUnprivileged,
            format!(
                "{tool} is not privileged: {said} (it is neither setuid root nor file-capable \
                 here, sits on a nosuid mount, or NoNewPrivs is set; see idmap.{tool})"
            ),
        )
        .fixes([reinstall])
    } else if lower.contains("owned by a different user") {
        Finding::fail(
            Code::TargetOwnerMismatch,
            format!(
                "{tool} refused the target process: {said} (/proc is mounted with hidepid= or \
                 gid=, or the subject's primary group differs from the process's)"
            ),
        )
        .fixes([Remediation::root(
            "remount /proc without hidepid= and gid= (and drop them from /etc/fstab)",
            vec!["mount -o remount,hidepid=0 /proc".to_string()],
        )
        .until_reboot()])
    } else if lower.contains("cannot open") || lower.contains("non-text file") {
        Finding::fail(
            Code::SubidUnreadable,
            format!("{tool} cannot read {file}: {said}"),
        )
        .fixes([Remediation::root(
            format!("make {file} a readable regular file (see subid.sub{ids} for the range)"),
            vec![format!("touch {file}"), format!("chmod 0644 {file}")],
        )])
    } else if lower.contains("cannot determine your user name") {
        Finding::fail(
            Code::UserUnresolvable,
            format!("{tool} cannot find {name} in the passwd database: {said}"),
        )
        .fixes([Remediation::root(
            format!("make {name} resolvable through NSS (getent passwd {name} must answer)"),
            vec![format!("getent passwd {}", quote(name))],
        )])
    } else if lower.contains("write to") && lower.contains("failed") {
        Finding::fail(
            Code::MapWriteRefused,
            format!(
                "the kernel refused {tool}'s write: {said} (EPERM: the helper lost its \
                 privilege to NoNewPrivs, a nosuid mount or a container; EINVAL: overlapping \
                 ranges)"
            ),
        )
        .fixes([reinstall])
    } else if exit_code == Some(127)
        || exit_code.is_none()
        || lower.contains("no such file or directory")
    {
        Finding::fail(
            Code::HelperNotRun,
            format!("{tool} could not be run: {said}"),
        )
        .fixes([Remediation::root(
            format!("install {uidmap}"),
            vec![distro.install(&[uidmap])],
        )])
    } else if lower.contains("usage:") {
        Finding::error(
            Code::ArgumentsRejected,
            format!("{tool} rejected the probe's arguments: {said}"),
        )
    } else {
        Finding::fail(Code::HelperFailed, format!("{tool} failed: {said}")).fixes([reinstall])
    };
    finding.with([command])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CommonCode;
    use crate::testing::debian;

    fn failed(step: &str, facts: &[(&str, &str)]) -> Live {
        Live::Report(ProbeReport {
            ok: false,
            step: Some(step.into()),
            detail: format!("{step} failed"),
            facts: facts
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Default::default()
        })
    }

    fn newuidmap(stderr: &str, exit: &str) -> Live {
        failed(
            "newuidmap",
            &[
                (
                    "newuidmap.argv",
                    "/usr/bin/newuidmap 4242 0 1000 1 1 100000 65535",
                ),
                ("newuidmap.exit", exit),
                ("newuidmap.stderr", stderr),
            ],
        )
    }

    fn command(outcome: &Outcome) -> (&Vec<String>, Option<i32>, &str) {
        outcome
            .evidence
            .iter()
            .find_map(|e| match e {
                Evidence::Command {
                    argv,
                    exit_code,
                    stderr,
                } => Some((argv, *exit_code, stderr.as_str())),
                _ => None,
            })
            .expect("command evidence")
    }

    #[test]
    fn ok_passes_with_the_count() {
        let mut report = ProbeReport {
            ok: true,
            ..Default::default()
        };
        report.facts.insert("ids".into(), "65536".into());
        report
            .facts
            .insert("uid_map".into(), "0 1000 1\n1 100000 65535\n".into());
        let outcome = judge(&Live::Report(report), "alice", &debian());
        assert_eq!(outcome.status, Status::Pass);
        assert_eq!(outcome.code, None);
        assert!(outcome.message.contains("mapped 65536 ids"));
        assert!(outcome.evidence.contains(&Evidence::fact("ids", "65536")));
        assert!(outcome
            .evidence
            .contains(&Evidence::fact("uid_map", "0 1000 1\n1 100000 65535")));
    }

    #[test]
    fn fewer_than_65536_ids_warn() {
        let mut report = ProbeReport {
            ok: true,
            ..Default::default()
        };
        report.facts.insert("ids".into(), "1001".into());
        let outcome = judge(&Live::Report(report), "alice", &debian());
        assert_eq!(outcome.status, Status::Warn);
        assert!(outcome.is(Code::TooFewIds));
        assert_eq!(
            outcome.message,
            "newuidmap and newgidmap mapped only 1001 ids into a new user namespace; \
             images with files owned by ids up to 65535 need 65536"
        );
        assert_eq!(
            outcome.remediation[0].commands,
            ["rootless-doctor check --only subid.subuid,subid.subgid"]
        );
    }

    #[test]
    fn not_run_skips_and_timeouts_error() {
        let outcome = judge(
            &Live::NotRun("live probes not run".into()),
            "alice",
            &debian(),
        );
        assert_eq!(outcome.status, Status::Skip);
        assert!(outcome.is(CommonCode::ProbeNotRun));
        let outcome = judge(&Live::TimedOut(5.0), "alice", &debian());
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(CommonCode::ProbeTimedOut));
        assert_eq!(outcome.message, "the multi-map probe timed out after 5 s");
    }

    #[test]
    fn a_range_not_allowed_names_subuid_and_gives_the_range() {
        let outcome = judge(
            &newuidmap(
                "newuidmap: uid range [1-65536) -> [100000-165535) not allowed\n",
                "1",
            ),
            "alice",
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::RangeNotAllowed));
        assert!(outcome.message.starts_with(
            "newuidmap refused the range: newuidmap: uid range [1-65536) -> [100000-165535) not allowed"
        ));
        assert!(outcome.message.contains("/etc/subuid"));
        let (argv, exit, stderr) = command(&outcome);
        assert_eq!(argv[0], "/usr/bin/newuidmap");
        assert_eq!(argv.len(), 8);
        assert_eq!(exit, Some(1));
        assert!(stderr.contains("not allowed"));
        assert_eq!(
            outcome.remediation[0].commands,
            ["usermod --add-subuids 100000-165534 alice"]
        );
    }

    #[test]
    fn newgidmap_uses_subgid() {
        let outcome = judge(
            &failed(
                "newgidmap",
                &[
                    (
                        "newgidmap.argv",
                        r#"["/usr/bin/newgidmap","4242","0","1000","1","1","200000","65535"]"#,
                    ),
                    ("newgidmap.exit", "1"),
                    (
                        "newgidmap.stderr",
                        "newgidmap: gid range [1-65536) -> [200000-265535) not allowed",
                    ),
                ],
            ),
            "alice",
            &debian(),
        );
        assert!(outcome.message.contains("/etc/subgid"));
        assert!(outcome.is(Code::RangeNotAllowed));
        assert_eq!(
            outcome.remediation[0].commands,
            ["usermod --add-subgids 200000-265534 alice"]
        );
        assert_eq!(command(&outcome).0[1], "4242");
    }

    #[test]
    fn shadows_other_messages() {
        let cases = [
            ("newuidmap: Could not set caps", "1", Code::HelperUnprivileged, "is not privileged", "apt-get install --reinstall -y uidmap"),
            (
                "newuidmap: Target process 4242 is owned by a different user: uid:1000 pw_uid:1000 st_uid:1000, gid:1000 pw_gid:1000 st_gid:402",
                "1",
                Code::TargetOwnerMismatch,
                "refused the target process",
                "mount -o remount,hidepid=0 /proc",
            ),
            ("newuidmap: cannot open /etc/subuid: Permission denied", "1", Code::SubidUnreadable, "cannot read /etc/subuid", "touch /etc/subuid"),
            ("newuidmap: write to uid_map failed: Operation not permitted", "1", Code::MapWriteRefused, "the kernel refused", "apt-get install --reinstall -y uidmap"),
            ("newuidmap: Cannot determine your user name.", "1", Code::UserUnresolvable, "passwd database", "getent passwd alice"),
            ("", "127", Code::HelperNotRun, "could not be run", "apt-get install -y uidmap"),
            ("something odd", "3", Code::HelperFailed, "newuidmap failed: something odd", "apt-get install --reinstall -y uidmap"),
        ];
        for (stderr, exit, code, message, fix) in cases {
            let outcome = judge(&newuidmap(stderr, exit), "alice", &debian());
            assert_eq!(outcome.status, Status::Fail, "{stderr}");
            assert!(outcome.is(code), "{stderr}: {:?}", outcome.code);
            assert!(outcome.message.contains(message), "{}", outcome.message);
            assert_eq!(outcome.remediation[0].commands[0], fix, "{stderr}");
            assert!(!outcome.evidence.is_empty());
        }
    }

    #[test]
    fn a_usage_message_is_the_probes_error() {
        let outcome = judge(
            &newuidmap(
                "usage: newuidmap <pid> <uid> <loweruid> <count> [ <uid> <loweruid> <count> ] ...",
                "1",
            ),
            "alice",
            &debian(),
        );
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(Code::ArgumentsRejected));
        // The command comes first, then the probe.
        assert!(matches!(outcome.evidence[0], Evidence::Command { .. }));
        assert!(matches!(outcome.evidence[1], Evidence::Probe { .. }));
    }

    #[test]
    fn verify_fails_and_probe_trouble_is_an_error() {
        let outcome = judge(
            &failed("verify", &[("uid_map", "0 1000 1")]),
            "alice",
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome.is(Code::MapsIncomplete));
        assert!(outcome
            .evidence
            .contains(&Evidence::fact("uid_map", "0 1000 1")));
        for step in ["unshare", "read-map", "elsewhere"] {
            let outcome = judge(&failed(step, &[]), "alice", &debian());
            assert_eq!(outcome.status, Status::Error, "{step}");
            assert!(outcome.is(Code::UnexpectedFailure), "{step}");
        }
        // A process the probe needed could not be started: it learnt nothing.
        let outcome = judge(&failed("spawn", &[]), "alice", &debian());
        assert_eq!(outcome.status, Status::Error);
        assert!(outcome.is(crate::model::CommonCode::ProbeBroken));
    }

    #[test]
    fn ranges_come_from_the_argv() {
        let argv: Vec<String> = "newuidmap 1 0 1000 1 1 100000 65535"
            .split(' ')
            .map(String::from)
            .collect();
        assert_eq!(subordinate_range(&argv), Some((100000, 65535)));
        assert_eq!(subordinate_range(&argv[..5]), None);
    }

    mod fixtures {
        use crate::check::Context;
        use crate::host::HostFs;
        use crate::model::{CommonCode, Evidence, Status};
        use crate::os_release::OsRelease;
        use crate::probe::CannedProbes;
        use crate::subject::Subject;

        fn run(json: &str) -> crate::check::Outcome {
            let dir = tempfile::tempdir().unwrap();
            let host = HostFs::rooted(dir.path());
            let subject = Subject {
                name: "alice".into(),
                uid: 1000,
                gid: 1000,
                home: "/home/alice".into(),
                xdg_runtime_dir: None,
                path: "/usr/bin:/bin".into(),
                is_invoker: true,
            };
            let os = OsRelease::parse("ID=debian\n");
            let probes = CannedProbes::from_json(json).unwrap();
            let ctx = Context::new(&host, &subject, &os, &probes);
            // Through the context, which asserts the outcome's code is declared.
            ctx.outcome_of(&crate::idmap::MULTI_MAP)
        }

        #[test]
        fn blocked_by_a_failed_userns_create() {
            let outcome = run(
                r#"{"userns-create": {"report": {"ok": false, "step": "unshare", "errno": "ENOSPC"}},
                    "multi-map": {"report": {"ok": false, "step": "unshare", "errno": "ENOSPC"}}}"#,
            );
            assert_eq!(outcome.status, Status::Skip);
            assert_eq!(
                outcome.skip_reason.as_deref(),
                Some("blocked by userns.create")
            );
            assert!(outcome.is(CommonCode::Blocked));
            assert_eq!(outcome.blocked_by, Some(&crate::userns::CREATE));
            // The probe's result is kept as evidence.
            assert!(matches!(outcome.evidence[..], [Evidence::Probe { .. }]));
        }

        #[test]
        fn judged_when_nothing_blocks() {
            let outcome = run(r#"{"userns-create": {"report": {"ok": true}},
                    "multi-map": {"report": {"ok": true, "facts": {"ids": "65536"}}}}"#);
            // The other blockers are judged on an empty fixture host; whatever
            // they say, only a failure blocks.
            assert!(
                outcome.status == Status::Pass || outcome.blocked_by.is_some(),
                "{outcome:?}"
            );
        }
    }
}
