//! `idmap.multi-map`: judge the live `multi-map` probe. A holder child
//! unshares a user namespace and waits; newuidmap and newgidmap, run as the
//! subject, map its own id to 0 and the subordinate range to 1.. (at most
//! 65535 ids), exactly as runc and podman do; the maps are read back.
//!
//! Blocked (skip) when `userns.create`, `idmap.newuidmap`,
//! `idmap.newgidmap`, `subid.subuid` or `subid.subgid` failed, in that order.
//! Ok: pass with the number of ids mapped. Not run: skip. Timed out or
//! broken: error. newuidmap or newgidmap failed: fail, with the tool's argv,
//! exit code and stderr as command evidence, and shadow's message mapped to
//! its cause (range not allowed by /etc/subuid, the helper without its
//! privilege, a target owned by another user, the file unreadable, the
//! kernel refusing the write, the tool missing). Maps that lack the ranges
//! after success: fail. The probe's own trouble (spawn, unshare, read-map,
//! an unknown step): error.

use crate::distro::{Component, Distro};
use crate::model::{Evidence, Outcome, Remediation, Status};
use crate::probe::{ProbeKind, ProbeReport};
use crate::registry::Context;
use crate::shell::quote;
use crate::userns::live::{self, Live};

/// The checks whose failure blocks this one, in the order they are consulted.
const BLOCKERS: &[&str] = &[
    "userns.create",
    "idmap.newuidmap",
    "idmap.newgidmap",
    "subid.subuid",
    "subid.subgid",
];

/// The ids of a full container map: the own id and 65535 subordinate ids.
const FULL_MAP: u64 = 65536;

pub(super) fn run(ctx: &Context<'_>) -> Outcome {
    let probe = Live::get(ctx, ProbeKind::MultiMap);
    if let Some(id) = BLOCKERS
        .iter()
        .find(|id| ctx.outcome_of(id).status == Status::Fail)
    {
        let outcome = Outcome::blocked_by(id);
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
    if let Some(outcome) = live::unreported(kind, probe) {
        return outcome;
    }
    let Some(report) = probe.report() else {
        return Outcome::error("the multi-map probe reported nothing");
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
            Some(n) if n < FULL_MAP => Outcome::warn(format!(
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
            .with(evidence)
            .with_all(maps),
        "verify" => Outcome::fail(
            "newuidmap and newgidmap succeeded, but the maps read back lack the requested \
             ranges",
        )
        .with(evidence)
        .with_all(maps)
        .fix(Remediation::root(
            format!("reinstall {uidmap}"),
            vec![distro.reinstall(uidmap)],
        )),
        _ => Outcome::error(format!(
            "the multi-map probe failed with an unexpected {}{}",
            live::failure_text(report),
            if report.detail.is_empty() {
                String::new()
            } else {
                format!(": {}", report.detail)
            }
        ))
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

fn tool_failure(tool: &str, report: &ProbeReport, name: &str, distro: &Distro) -> Outcome {
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
    let (message, fixes) = if lower.contains("not allowed") {
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
        (
            format!(
                "{tool} refused the range: {said}; {file} does not give {name} that range as \
                 shadow reads it (missing, mismatched, or a line shadow cannot parse)"
            ),
            vec![fix],
        )
    } else if lower.contains("could not set caps") {
        (
            format!(
                "{tool} is not privileged: {said} (it is neither setuid root nor file-capable \
                 here, sits on a nosuid mount, or NoNewPrivs is set; see idmap.{tool})"
            ),
            vec![reinstall],
        )
    } else if lower.contains("owned by a different user") {
        (
            format!(
                "{tool} refused the target process: {said} (/proc is mounted with hidepid= or \
                 gid=, or the subject's primary group differs from the process's)"
            ),
            vec![Remediation::root(
                "remount /proc without hidepid= and gid= (and drop them from /etc/fstab)",
                vec!["mount -o remount,hidepid=0 /proc".to_string()],
            )
            .until_reboot()],
        )
    } else if lower.contains("cannot open") || lower.contains("non-text file") {
        (
            format!("{tool} cannot read {file}: {said}"),
            vec![Remediation::root(
                format!("make {file} a readable regular file (see subid.sub{ids} for the range)"),
                vec![format!("touch {file}"), format!("chmod 0644 {file}")],
            )],
        )
    } else if lower.contains("cannot determine your user name") {
        (
            format!("{tool} cannot find {name} in the passwd database: {said}"),
            vec![Remediation::root(
                format!("make {name} resolvable through NSS (getent passwd {name} must answer)"),
                vec![format!("getent passwd {}", quote(name))],
            )],
        )
    } else if lower.contains("write to") && lower.contains("failed") {
        (
            format!(
                "the kernel refused {tool}'s write: {said} (EPERM: the helper lost its \
                 privilege to NoNewPrivs, a nosuid mount or a container; EINVAL: overlapping \
                 ranges)"
            ),
            vec![reinstall],
        )
    } else if exit_code == Some(127)
        || exit_code.is_none()
        || lower.contains("no such file or directory")
    {
        (
            format!("{tool} could not be run: {said}"),
            vec![Remediation::root(
                format!("install {uidmap}"),
                vec![distro.install(&[uidmap])],
            )],
        )
    } else if lower.contains("usage:") {
        return Outcome::error(format!("{tool} rejected the probe's arguments: {said}"))
            .with(command);
    } else {
        (format!("{tool} failed: {said}"), vec![reinstall])
    };
    Outcome::fail(message).with(command).fixes(fixes)
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert!(outcome.message.contains("mapped 65536 ids"));
        assert!(outcome.evidence.contains(&Evidence::fact("ids", "65536")));
        assert!(outcome
            .evidence
            .contains(&Evidence::fact("uid_map", "0 1000 1\n1 100000 65535")));
    }

    #[test]
    fn not_run_skips_and_timeouts_error() {
        assert_eq!(
            judge(
                &Live::NotRun("live probes not run".into()),
                "alice",
                &debian()
            )
            .status,
            Status::Skip
        );
        let outcome = judge(&Live::TimedOut(5.0), "alice", &debian());
        assert_eq!(outcome.status, Status::Error);
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
        assert_eq!(
            outcome.remediation[0].commands,
            ["usermod --add-subgids 200000-265534 alice"]
        );
        assert_eq!(command(&outcome).0[1], "4242");
    }

    #[test]
    fn shadows_other_messages() {
        let cases = [
            ("newuidmap: Could not set caps", "1", "is not privileged", "apt-get install --reinstall -y uidmap"),
            (
                "newuidmap: Target process 4242 is owned by a different user: uid:1000 pw_uid:1000 st_uid:1000, gid:1000 pw_gid:1000 st_gid:402",
                "1",
                "refused the target process",
                "mount -o remount,hidepid=0 /proc",
            ),
            ("newuidmap: cannot open /etc/subuid: Permission denied", "1", "cannot read /etc/subuid", "touch /etc/subuid"),
            ("newuidmap: write to uid_map failed: Operation not permitted", "1", "the kernel refused", "apt-get install --reinstall -y uidmap"),
            ("newuidmap: Cannot determine your user name.", "1", "passwd database", "getent passwd alice"),
            ("", "127", "could not be run", "apt-get install -y uidmap"),
            ("something odd", "3", "newuidmap failed: something odd", "apt-get install --reinstall -y uidmap"),
        ];
        for (stderr, exit, message, fix) in cases {
            let outcome = judge(&newuidmap(stderr, exit), "alice", &debian());
            assert_eq!(outcome.status, Status::Fail, "{stderr}");
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
    }

    #[test]
    fn verify_fails_and_probe_trouble_is_an_error() {
        let outcome = judge(
            &failed("verify", &[("uid_map", "0 1000 1")]),
            "alice",
            &debian(),
        );
        assert_eq!(outcome.status, Status::Fail);
        assert!(outcome
            .evidence
            .contains(&Evidence::fact("uid_map", "0 1000 1")));
        for step in ["spawn", "unshare", "read-map", "elsewhere"] {
            let outcome = judge(&failed(step, &[]), "alice", &debian());
            assert_eq!(outcome.status, Status::Error, "{step}");
        }
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
        use crate::host::HostFs;
        use crate::model::Status;
        use crate::os_release::OsRelease;
        use crate::probe::CannedProbes;
        use crate::registry::Context;
        use crate::subject::Subject;

        fn run(json: &str) -> crate::model::Outcome {
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
            (crate::idmap::MULTI_MAP.run)(&ctx)
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
        }

        #[test]
        fn judged_when_nothing_blocks() {
            let outcome = run(r#"{"userns-create": {"report": {"ok": true}},
                    "multi-map": {"report": {"ok": true, "facts": {"ids": "65536"}}}}"#);
            // The other blockers are judged on an empty fixture host; whatever
            // they say, only a failure blocks.
            assert!(
                outcome.status == Status::Pass
                    || outcome
                        .skip_reason
                        .as_deref()
                        .is_some_and(|r| r.starts_with("blocked by")),
                "{outcome:?}"
            );
        }
    }
}
