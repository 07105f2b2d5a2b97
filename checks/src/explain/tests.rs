//! Tests of the explain module: real messages, normalisation, ranking,
//! follow-up lines, confirmation, bounds and hostile input.

use super::matcher::{compile_fragments, fragments_match};
use super::*;
use crate::check::{CheckDef, Outcome};
use crate::model::{CommonCode, Evidence, Status};
use crate::registry::{BUNDLE_CHECKS, HOST_CHECKS};
use crate::{cgroup, idmap, subid, userns};

mod evidence;
mod field;
mod messages;

fn ids(e: &Explanation) -> Vec<&'static str> {
    e.matches.iter().map(|m| m.cause.id).collect()
}

// ------------------------------------------------------------ catalogue

#[test]
fn cause_ids_are_unique_kebab_case() {
    let mut seen = std::collections::BTreeSet::new();
    for c in CAUSES {
        assert!(seen.insert(c.id), "duplicate cause id {}", c.id);
        assert!(
            c.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{} is not kebab-case",
            c.id
        );
        assert!(!c.patterns.is_empty(), "{} has no pattern", c.id);
        assert!(!c.remediation.is_empty(), "{} has no remediation", c.id);
        assert!(!c.title.is_empty() && !c.explanation.is_empty());
        for y in c.yields_to {
            assert!(find(y).is_some(), "{} yields to unknown {y}", c.id);
        }
    }
}

/// Every check there is, host and bundle.
fn known_checks() -> impl Iterator<Item = &'static CheckDef> {
    HOST_CHECKS.iter().chain(BUNDLE_CHECKS).copied()
}

#[test]
fn catalogue_fits_the_co_occurrence_bitset() {
    assert!(CAUSES.len() <= 128);
}

#[test]
fn a_named_line_keeps_unrelated_candidates() {
    let e = explain("nsenter: failed to unshare namespaces: Operation not permitted\ncrun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2");
    assert_eq!(
        ids(&e),
        [
            "crun-cgroup-hybrid-unsupported",
            "userns-clone-sysctl-disabled",
            "userns-blocked-in-container-sandbox",
            "ubuntu-apparmor-userns-restriction",
            "userns-in-chroot"
        ]
    );
}

#[test]
fn causes_name_only_known_checks_and_their_codes() {
    for c in CAUSES {
        for check in c.checks {
            assert!(
                known_checks().any(|def| std::ptr::eq(def, check.check)),
                "{} names {}, which is in neither HOST_CHECKS nor BUNDLE_CHECKS",
                c.id,
                check.id()
            );
            for code in check.codes {
                assert!(
                    check.check.codes.contains(code),
                    "{}: {} does not declare the code {code}",
                    c.id,
                    check.id()
                );
                assert!(check.check.gives(*code));
            }
        }
    }
}

#[test]
fn no_code_is_listed_twice_for_a_check() {
    for c in CAUSES {
        for check in c.checks {
            for (i, code) in check.codes.iter().enumerate() {
                assert!(
                    !check.codes[..i].contains(code),
                    "{}: {} lists {code} twice",
                    c.id,
                    check.id()
                );
            }
        }
    }
}

#[test]
fn no_cause_names_a_check_twice() {
    for c in CAUSES {
        for (i, check) in c.checks.iter().enumerate() {
            assert!(
                !c.checks[..i].iter().any(|o| o.check == check.check),
                "{} names {} twice",
                c.id,
                check.id()
            );
        }
    }
}

#[test]
fn every_pattern_compiles_and_matches_its_own_text() {
    for c in CAUSES {
        for p in c.patterns {
            let text = p.text.strip_prefix('^').unwrap_or(p.text);
            let fragments = compile_fragments(text);
            assert!(
                !fragments.is_empty(),
                "{}: empty pattern {:?}",
                c.id,
                p.text
            );
            let sample = normalize(&text.replace('…', " x "));
            assert!(
                fragments_match(sample.as_bytes(), &fragments, p.text.starts_with('^')),
                "{}: pattern {:?} does not match its own text ({sample:?})",
                c.id,
                p.text
            );
            // Through the whole pipeline too.
            let e = explain(&text.replace('…', " x "));
            assert!(
                ids(&e).contains(&c.id) || !e.matches.is_empty(),
                "{}: {:?}",
                c.id,
                p.text
            );
        }
    }
}

// ------------------------------------------------------------ normalisation

#[test]
fn normalise_logrus_line() {
    assert_eq!(
        normalize(
            r#"time="2026-11-29T03:28:54Z" level=error msg="runc run failed: unable to start container process: exec: \"true\": executable file not found in $PATH""#
        ),
        r#"runc run failed: unable to start container process: exec: "true": executable file not found in $path""#
    );
}

#[test]
fn normalise_level_prefixes_and_error_words() {
    assert_eq!(
        normalize("ERRO[0000] cannot find UID/GID for user alice"),
        "cannot find uid/gid for user alice"
    );
    assert_eq!(
        normalize("FATA[0000] failed to start the child"),
        "failed to start the child"
    );
    assert_eq!(
        normalize("Error: cannot re-exec process"),
        "cannot re-exec process"
    );
    assert_eq!(
        normalize("Error:cannot re-exec process"),
        "cannot re-exec process"
    );
    assert_eq!(
        normalize("error: ldconfig failed, exit status 256"),
        "ldconfig failed, exit status #"
    );
    assert_eq!(normalize("WARN[0000] Error: x"), "x");
    assert_eq!(
        normalize("ERROR  : Failed to create user namespace"),
        "failed to create user namespace"
    );
    assert_eq!(
        normalize("[ERROR] newuidmap binary not found."),
        "newuidmap binary not found."
    );
    // Not at the start: kept.
    assert_eq!(normalize("podman: Error: x"), "podman: error: x");
}

#[test]
fn normalise_nested_escapes_to_a_fixed_point() {
    let old_runc = r#"container_linux.go:349: starting container process caused "process_linux.go:449: container init caused \"rootfs_linux.go:58: mounting \\\"proc\\\" to rootfs \\\"/x\\\" at \\\"/proc\\\" caused \\\"operation not permitted\\\"\"""#;
    assert_eq!(
        normalize(old_runc),
        r#"starting container process caused "container init caused "mounting "proc" to rootfs "/x" at "/proc" caused "operation not permitted""""#
    );
    assert_eq!(normalize(r#"out="a\n  b\tc""#), r#"out="a b c""#);
    assert_eq!(normalize(r"\u003cnil\u003e"), "<nil>");
}

#[test]
fn normalise_drops_go_markers_and_masks_varying_tokens() {
    assert_eq!(
        normalize(
            "standard_init_linux.go:219: exec user process caused: no such file or directory"
        ),
        "exec user process caused: no such file or directory"
    );
    assert_eq!(
        normalize("nsexec-0[5344]: failed to use newuid map on 5346: Operation not permitted"),
        "nsexec-0[#]: failed to use newuid map on #: operation not permitted"
    );
    assert_eq!(
        normalize("chown /run/user/1000/runc/0123456789abcdef0123/exec.fifo"),
        "chown /run/user/#/runc/<id>/exec.fifo"
    );
    // Short numbers keep their meaning.
    assert_eq!(
        normalize("/run/user/0/libpod exit status 39 cgroupv2"),
        "/run/user/0/libpod exit status 39 cgroupv2"
    );
    assert_eq!(
        normalize("/tmp/rootlesskit123456/netns"),
        "/tmp/rootlesskit#/netns"
    );
}

#[test]
fn normalise_quotes_case_space_and_ansi() {
    assert_eq!(
        normalize("crun: executable file `nope` not found"),
        "crun: executable file \"nope\" not found"
    );
    assert_eq!(
        normalize("\u{201c}A\u{201d}  \u{2018}B\u{2019}"),
        "\"a\" 'b'"
    );
    assert_eq!(normalize("\x1b[31mERRO\x1b[0m[0000] Boom\r"), "boom");
    assert_eq!(normalize("  \t "), "");
}

// ------------------------------------------------------------ ranking and lines

#[test]
fn shared_text_returns_every_candidate() {
    let e = explain("[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: operation not permitted");
    assert_eq!(
        ids(&e),
        [
            "ubuntu-apparmor-userns-restriction",
            "userns-blocked-in-container-sandbox",
            "userns-clone-sysctl-disabled",
            "userns-in-chroot"
        ]
    );
    assert!(e.matches.iter().all(|m| m.strength == Strength::Shared));
    assert!(!e.follow_up_only);
}

#[test]
fn the_line_naming_the_cause_wins_over_follow_up_lines() {
    let paste = "time=\"x\" level=fatal msg=\"nsexec-0[5397]: mapping tool not present: Operation not permitted\"\n\
                 time=\"x\" level=fatal msg=\"nsexec-1[5399]: failed to sync with parent: read(SYNC_USERMAP_ACK): Success\"\n\
                 time=\"x\" level=error msg=\"runc run failed: unable to start container process: can't get final child's PID from pipe: EOF\"\n";
    let e = explain(paste);
    assert_eq!(ids(&e), ["newuidmap-missing"]);
    assert_eq!(e.matches[0].line, 1);
    assert!(e.matches[0].excerpt.contains("mapping tool not present"));
    assert!(!e.needs_more());
}

#[test]
fn only_follow_up_lines_ask_for_more_and_offer_likely_causes() {
    let e = explain("runc run failed: unable to start container process: can't get final child's PID from pipe: EOF");
    assert!(e.follow_up_only && e.needs_more());
    let got = ids(&e);
    for id in [
        "userns-clone-sysctl-disabled",
        "newuidmap-missing",
        "newuidmap-unprivileged",
        "subuid-range-invalid",
    ] {
        assert!(got.contains(&id), "{id} missing from {got:?}");
    }
    assert!(e.matches.iter().all(|m| m.strength == Strength::FollowUp));

    let e = explain("error: ldconfig failed, exit status 256");
    assert!(e.follow_up_only);
    assert_eq!(
        ids(&e),
        [
            "userns-clone-sysctl-disabled",
            "ubuntu-apparmor-userns-restriction",
            "userns-blocked-in-container-sandbox"
        ]
    );
}

#[test]
fn named_lines_drop_shared_candidates() {
    let paste = "[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: permission denied\n\
                 WARN[0000] [rootlesskit:parent] This error might have happened because /proc/sys/kernel/apparmor_restrict_unprivileged_userns is set to 1  error=\"fork/exec /proc/self/exe: permission denied\"\n";
    let e = explain(paste);
    assert_eq!(
        ids(&e),
        [
            "ubuntu-apparmor-userns-restriction",
            "ubuntu-apparmor-profile-path-mismatch"
        ]
    );
    assert_eq!(e.matches[0].line, 2);
    assert_eq!(e.matches[0].strength, Strength::Named);
}

#[test]
fn unknown_text_has_no_causes() {
    for text in [
        "",
        "hello world",
        "everything is fine\nreally",
        "Error: something else went wrong",
        "exit status 1",
        "permission denied",
    ] {
        let e = explain(text);
        assert!(e.is_unknown(), "{text:?} matched {:?}", ids(&e));
        assert!(!e.needs_more());
    }
}

#[test]
fn line_numbers_are_one_based_and_excerpts_clean() {
    let e = explain("noise\n\n\x1b[31mERRO[0000]\x1b[0m no subuid ranges found for user \"bob\" in /etc/subuid\r\n");
    assert_eq!(e.matches[0].line, 3);
    assert!(!e.matches[0].excerpt.contains('\x1b'));
    assert!(e.matches[0].excerpt.starts_with("[31mERRO"));
    let long = format!("{} no subuid ranges found", "x".repeat(2000));
    let e = explain(&long);
    assert!(e.matches[0].excerpt.len() <= EXCERPT_MAX + '…'.len_utf8());
}

#[test]
fn yields_to_prefers_the_specific_cause() {
    let e = explain("Error: kernel does not support overlay fs: unable to create kernel-style whiteout: permission denied");
    assert_eq!(ids(&e), ["overlay-whiteout-nested"]);
    let e = explain("Error: kernel does not support overlay fs: 'overlay' is not supported over btrfs at \"/home/u/.local/share/containers/storage/overlay\": backing file system is unsupported for this graph driver");
    assert_eq!(ids(&e), ["overlay-backing-fs-unsupported"]);
    let e = explain("Error: command required for rootless mode with multiple IDs: exec: \"newuidmap\": executable file not found in $PATH");
    assert_eq!(ids(&e), ["newuidmap-missing"]);
}

// ------------------------------------------------------------ bounds and hostile input

fn noise(len: usize) -> String {
    let words = [
        "INFO[0001] pulling layer sha256:0123456789abcdef0123456789abcdef",
        "time=\"2026-01-01T00:00:00Z\" level=info msg=\"container started\"",
        "Jan 01 00:00:00 host systemd[1]: Started Session 42 of user alice.",
        "GET /healthz 200 1.2ms",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9",
    ];
    let mut s = String::with_capacity(len + 100);
    let mut i = 0;
    while s.len() < len {
        s.push_str(words[i % words.len()]);
        s.push('\n');
        i += 1;
    }
    s
}

#[test]
fn ten_megabytes_of_noise_with_one_real_line() {
    let mut log = noise(5 * 1024 * 1024);
    let line_no = log.lines().count() + 1;
    log.push_str("nsenter: failed to unshare namespaces: Operation not permitted\n");
    log.push_str(&noise(5 * 1024 * 1024));
    let start = std::time::Instant::now();
    let e = explain(&log);
    let took = start.elapsed();
    assert!(took.as_secs() < 10, "took {took:?}");
    assert_eq!(e.matches[0].cause.id, "userns-clone-sysctl-disabled");
    assert_eq!(e.matches[0].line, line_no);
    // The streaming reader agrees.
    let r = explain_reader(log.as_bytes()).unwrap();
    assert_eq!(ids(&r), ids(&e));
    assert_eq!(r.matches[0].line, line_no);
}

#[test]
fn one_huge_line_is_read_in_windows() {
    let mut line = "x ".repeat(3 * WINDOW);
    line.push_str("newuidmap: Could not set caps ");
    line.push_str(&"y ".repeat(3 * WINDOW));
    let e = explain(&line);
    assert_eq!(ids(&e), ["newuidmap-unprivileged"]);
    assert_eq!(e.matches[0].line, 1);
    let r = explain_reader(line.as_bytes()).unwrap();
    assert_eq!(ids(&r), ["newuidmap-unprivileged"]);
    // A match straddling a window edge is still found thanks to the overlap.
    for shift in [WINDOW - 20, WINDOW - 5, 2 * WINDOW - OVERLAP_PROBE] {
        let mut l = "z".repeat(shift);
        l.push_str(" could not set caps");
        assert_eq!(
            ids(&explain(&l)),
            ["newuidmap-unprivileged"],
            "shift {shift}"
        );
        assert_eq!(
            ids(&explain_reader(l.as_bytes()).unwrap()),
            ["newuidmap-unprivileged"],
            "reader, shift {shift}"
        );
    }
}

const OVERLAP_PROBE: usize = 900;

#[test]
fn binary_noise_never_panics() {
    // A deterministic xorshift stream of bytes, including NUL, ESC, backslashes
    // and partial UTF-8 sequences.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut bytes = Vec::with_capacity(2 * 1024 * 1024);
    for _ in 0..2 * 1024 * 1024 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        bytes.push((x >> 24) as u8);
    }
    let _ = explain_bytes(&bytes);
    let _ = explain_reader(&bytes[..]).unwrap();
    let _ = explain(&String::from_utf8_lossy(&bytes));
    for special in [
        &b"\\\\\\\\\\"[..],
        b"\x1b[",
        b"\x1b",
        b"\\u00",
        b"\\u00zz",
        b"\xe2\x80",
        b".go:",
        b"a.go:12",
        b"time=\"",
        b"level=",
        b"erro[",
        b"\xff\xfe\x00",
    ] {
        let _ = explain_bytes(special);
        let mut out = Vec::new();
        normalize::normalize_into(special, &mut out);
    }
}

// ------------------------------------------------------------ confirmation

#[test]
fn same_text_two_hosts_two_confirmed_causes() {
    let text = "[rootlesskit:parent] error: failed to start the child: fork/exec /proc/self/exe: operation not permitted";
    let e = explain(text);

    // Host 1: Debian 10 with the sysctl at 0, no AppArmor knob.
    let sysctl = Outcome::fail(
        userns::Code::CloneSysctlOff,
        "kernel.unprivileged_userns_clone is 0",
    )
    .with(Evidence::setting("kernel.unprivileged_userns_clone", "0"));
    let apparmor_absent = Outcome::skip(
        userns::Code::KnobAbsent,
        "kernel.apparmor_restrict_unprivileged_userns does not exist",
    );
    let create = Outcome::fail(
        userns::Code::CloneSysctlOff,
        "cannot create a user namespace: EPERM because kernel.unprivileged_userns_clone is 0",
    );
    let host1 = [
        (&userns::CLONE_SYSCTL, &sysctl),
        (&userns::APPARMOR, &apparmor_absent),
        (&userns::CREATE, &create),
    ];
    let c1 = confirm_outcomes(&e, &host1);
    let verdict =
        |c: &[Confirmed], id: &str| c.iter().find(|x| x.cause().id == id).unwrap().confirmed;
    assert_eq!(c1[0].cause().id, "userns-clone-sysctl-disabled");
    assert_eq!(verdict(&c1, "userns-clone-sysctl-disabled"), Some(true));
    assert_eq!(
        verdict(&c1, "ubuntu-apparmor-userns-restriction"),
        Some(false)
    );
    assert_eq!(
        verdict(&c1, "userns-blocked-in-container-sandbox"),
        Some(false)
    );
    assert_eq!(verdict(&c1, "userns-in-chroot"), Some(false));

    // Host 2: Ubuntu 24.04, no clone sysctl file, AppArmor restriction on.
    let sysctl_absent = Outcome::skip(
        userns::Code::KnobAbsent,
        "kernel.unprivileged_userns_clone does not exist on this kernel",
    );
    let apparmor = Outcome::warn(
        userns::Code::RestrictionUnconfirmed,
        "kernel.apparmor_restrict_unprivileged_userns is 1",
    )
    .with(Evidence::setting(
        "kernel.apparmor_restrict_unprivileged_userns",
        "1",
    ));
    let create = Outcome::fail(
        userns::Code::ApparmorRestriction,
        "user namespace created but capability-less: AppArmor unprivileged_userns profile",
    );
    let host2 = [
        (&userns::CLONE_SYSCTL, &sysctl_absent),
        (&userns::APPARMOR, &apparmor),
        (&userns::CREATE, &create),
    ];
    let c2 = confirm_outcomes(&e, &host2);
    assert_eq!(c2[0].cause().id, "ubuntu-apparmor-userns-restriction");
    assert_eq!(
        verdict(&c2, "ubuntu-apparmor-userns-restriction"),
        Some(true)
    );
    assert_eq!(verdict(&c2, "userns-clone-sysctl-disabled"), Some(false));

    // Host 3: inside a container with a seccomp filter.
    let pass = Outcome::pass("fine");
    let create = Outcome::fail(
        userns::Code::SeccompFilter,
        "unshare(CLONE_NEWUSER) failed with EPERM: a seccomp filter (running in a container)",
    );
    let host3 = [
        (&userns::CLONE_SYSCTL, &sysctl_absent),
        (&userns::APPARMOR, &apparmor_absent),
        (&userns::CREATE, &create),
        (&userns::MAX_NAMESPACES, &pass),
    ];
    let c3 = confirm_outcomes(&e, &host3);
    assert_eq!(c3[0].cause().id, "userns-blocked-in-container-sandbox");
    assert_eq!(
        verdict(&c3, "userns-blocked-in-container-sandbox"),
        Some(true)
    );
    assert_eq!(verdict(&c3, "userns-clone-sysctl-disabled"), Some(false));
    assert_eq!(
        verdict(&c3, "ubuntu-apparmor-userns-restriction"),
        Some(false)
    );
}

#[test]
fn undecided_when_checks_did_not_run_or_were_blocked() {
    let e = explain("nsexec-0[1]: mapping tool not present");
    let none = confirm_outcomes(&e, &[]);
    assert_eq!(none[0].confirmed, None);
    // Generic remediation is still offered.
    assert!(!none[0].remediation.is_empty());

    let blocked = Outcome::blocked(&userns::CREATE);
    let err = Outcome::error(CommonCode::ProbeTimedOut, "probe timed out after 5 s");
    let c = confirm_outcomes(
        &e,
        &[(&idmap::NEWUIDMAP, &blocked), (&idmap::NEWGIDMAP, &err)],
    );
    assert_eq!(c[0].confirmed, None);

    // One passes, the other did not run: still undecided.
    let pass = Outcome::pass("newuidmap is setuid root");
    let c = confirm_outcomes(&e, &[(&idmap::NEWUIDMAP, &pass)]);
    assert_eq!(c[0].confirmed, None);
    // Both pass: ruled out.
    let c = confirm_outcomes(
        &e,
        &[(&idmap::NEWUIDMAP, &pass), (&idmap::NEWGIDMAP, &pass)],
    );
    assert_eq!(c[0].confirmed, Some(false));
}

#[test]
fn a_skip_is_blocked_by_its_field_not_its_wording() {
    let e = explain("nsexec-0[1]: mapping tool not present");
    // Says "blocked by", but no check blocked it: the feature is absent.
    let absent = Outcome::skip(
        crate::model::Code::new("not-needed"),
        "blocked by userns.create",
    );
    let c = confirm_outcomes(
        &e,
        &[(&idmap::NEWUIDMAP, &absent), (&idmap::NEWGIDMAP, &absent)],
    );
    assert_eq!(c[0].confirmed, Some(false));
    // Blocked, whatever it says.
    let mut blocked = Outcome::blocked(&userns::CREATE);
    blocked.message = "not applicable".into();
    blocked.skip_reason = Some("not applicable".into());
    let c = confirm_outcomes(
        &e,
        &[(&idmap::NEWUIDMAP, &blocked), (&idmap::NEWGIDMAP, &absent)],
    );
    assert_eq!(c[0].confirmed, None);
    // A probe that was not run learnt nothing, whatever it says.
    let not_run = Outcome::skip(CommonCode::ProbeNotRun, "not applicable here");
    let c = confirm_outcomes(
        &e,
        &[(&idmap::NEWUIDMAP, &not_run), (&idmap::NEWGIDMAP, &absent)],
    );
    assert_eq!(c[0].confirmed, None);
}

#[test]
fn rootful_auto_userns_is_undecided_for_a_non_root_subject() {
    let e = explain(
        "ERRO[0000] Cannot find mappings for user \"containers\": no subuid ranges found\n\
         Error: creating container storage: could not find enough available IDs",
    );
    assert_eq!(e.matches[0].cause.id, "userns-auto-no-ids");
    let cause = |outcome: &Outcome| {
        confirm_outcomes(&e, &[(&subid::AUTO_USERNS, outcome)])
            .into_iter()
            .find(|c| c.cause().id == "userns-auto-no-ids")
            .unwrap()
            .confirmed
    };
    let root_only = Outcome::skip(CommonCode::RootOnly, "alice is not root");
    assert_eq!(cause(&root_only), None);
    let missing = Outcome::warn(subid::Code::ContainersNoEntry, "containers has no range");
    assert_eq!(cause(&missing), Some(true));
    assert_eq!(
        cause(&Outcome::pass("65536 uids and 65536 gids free")),
        Some(false)
    );
}

#[test]
fn a_failure_of_another_kind_does_not_confirm() {
    let e = explain("nsexec-0[1]: mapping tool not present");
    let not_setuid = Outcome::fail(
        idmap::Code::NotPrivileged,
        "/usr/bin/newuidmap is neither setuid root nor has cap_setuid",
    );
    let missing = Outcome::fail(
        idmap::Code::NotFound,
        "newgidmap not found on PATH /usr/bin:/bin",
    );
    let c = confirm_outcomes(
        &e,
        &[
            (&idmap::NEWUIDMAP, &not_setuid),
            (&idmap::NEWGIDMAP, &missing),
        ],
    );
    assert_eq!(c[0].confirmed, Some(true));
    assert_eq!(c[0].supported_by, ["idmap.newgidmap"]);
    let c = confirm_outcomes(
        &e,
        &[
            (&idmap::NEWUIDMAP, &not_setuid),
            (&idmap::NEWGIDMAP, &not_setuid),
        ],
    );
    assert_eq!(c[0].confirmed, Some(false));
}

#[test]
fn check_remediation_comes_before_the_generic_one() {
    let e = explain("Error: cannot set up namespace using \"/usr/bin/newuidmap\": should have setuid or have filecaps setuid: exit status 1");
    assert_eq!(ids(&e), ["newuidmap-unprivileged"]);
    let fix = crate::model::Remediation::root(
        "reinstall uidmap",
        vec!["apt-get install --reinstall uidmap".into()],
    );
    let o = Outcome::fail(
        idmap::Code::NotPrivileged,
        "/usr/bin/newuidmap is not setuid root",
    )
    .fix(fix.clone());
    let c = confirm_outcomes(&e, &[(&idmap::NEWUIDMAP, &o)]);
    assert_eq!(c[0].confirmed, Some(true));
    assert_eq!(c[0].remediation[0], fix);
    assert!(c[0].remediation.len() > 1);
}

/// Every cause of the catalogue as a candidate, in catalogue order.
fn every_cause() -> Explanation {
    Explanation {
        matches: CAUSES
            .iter()
            .map(|cause| Match {
                cause,
                line: 1,
                excerpt: String::new(),
                strength: Strength::Shared,
                weight: 0,
                score: 0,
                evidence: Vec::new(),
                warning_only: false,
            })
            .collect(),
        follow_up_only: false,
        decoded: Default::default(),
    }
}

/// Results for every check: for each, every outcome it may end in (each of
/// its codes as a fail and as a warn, a pass, an error, a plain skip and a
/// blocked skip), one per set, with a message made of every word a cause
/// could once have looked for.
fn result_sets() -> Vec<Vec<(&'static CheckDef, Outcome)>> {
    const WORDY: &str = "blocked by userns.create: not found, missing, setuid, cap, nosuid, \
        no_new_privs, eacces, apparmor, seccomp, container, chroot, enospc, limit, einval, \
        not supported, 65536, overlap, invalid, subordinate, not allowed, hybrid, v1, \
        delegat, controller, systemd, bus, session, unset, proc, sysfs, netns, noexec, \
        executable, permission, mode, interpreter, loader, #!, elf, machine, procfs, \
        readable, /dev/fuse, device, fusermount, additional, groups, path";
    let mut sets = Vec::new();
    for def in known_checks() {
        let mut outcomes = vec![
            Outcome::pass(WORDY),
            Outcome::error(CommonCode::ProbeBroken, WORDY),
            Outcome::blocked(&userns::CREATE),
        ];
        for &code in def.codes {
            for status in [Status::Fail, Status::Warn, Status::Skip] {
                outcomes.push(Outcome::judged(status, code, WORDY));
            }
        }
        for outcome in outcomes {
            sets.push(vec![(def, outcome)]);
        }
    }
    // And whole hosts: every check failing with its first code, then its last.
    sets.push(
        known_checks()
            .filter_map(|def| Some((def, Outcome::fail(*def.codes.first()?, WORDY))))
            .collect(),
    );
    sets.push(
        known_checks()
            .filter_map(|def| Some((def, Outcome::warn(*def.codes.last()?, WORDY))))
            .collect(),
    );
    sets
}

fn verdicts(
    results: &[(&'static CheckDef, Outcome)],
) -> Vec<(&'static str, Option<bool>, Vec<&'static str>)> {
    let pairs: Vec<(&'static CheckDef, &Outcome)> = results.iter().map(|(d, o)| (*d, o)).collect();
    confirm_outcomes(&every_cause(), &pairs)
        .into_iter()
        .map(|c| (c.cause().id, c.confirmed, c.supported_by))
        .collect()
}

#[test]
fn verdicts_ignore_messages_and_skip_reasons() {
    let mut decided = 0;
    for mut results in result_sets() {
        let before = verdicts(&results);
        for (_, outcome) in &mut results {
            outcome.message = "reworded".into();
            if outcome.skip_reason.is_some() {
                outcome.skip_reason = Some("reworded".into());
            }
        }
        assert_eq!(verdicts(&results), before, "{results:?}");
        decided += before.iter().filter(|v| v.1.is_some()).count();
    }
    assert!(decided > 0);
}

#[test]
fn a_code_confirms_only_the_causes_that_name_it() {
    // Each (check, code) a cause names confirms that cause; a code no
    // reference of the cause names, for a check that lists codes, does not.
    for cause in CAUSES {
        for check in cause.checks {
            for &code in check.check.codes {
                let outcome = Outcome::fail(code, "x");
                let got = confirm_outcomes(&every_cause(), &[(check.check, &outcome)]);
                let mine = got.iter().find(|c| c.cause().id == cause.id).unwrap();
                let named = cause
                    .checks
                    .iter()
                    .filter(|r| r.check == check.check)
                    .any(|r| r.codes.is_empty() || r.codes.contains(&code));
                assert_eq!(
                    mine.confirmed == Some(true),
                    named,
                    "{} with {} {code}",
                    cause.id,
                    check.id()
                );
            }
        }
    }
}

// ------------------------------------------------------------ wire

#[test]
fn wire_document_shape() {
    let e =
        explain("crun: cgroups in hybrid mode not supported, drop all controllers from cgroupv2");
    let doc = wire::ExplainDoc::from_text(&e);
    let v = serde_json::to_value(&doc).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["needs_more"], false);
    assert_eq!(v["checks"], serde_json::json!([]));
    let c = &v["causes"][0];
    assert_eq!(c["id"], "crun-cgroup-hybrid-unsupported");
    assert_eq!(c["confirmed"], serde_json::Value::Null);
    assert_eq!(
        c["checks"],
        serde_json::json!(["runtime.oci-runtime", "cgroup.delegation", "engine.podman"])
    );
    assert_eq!(c["strength"], "named");
    assert_eq!(c["line"], 1);
    for key in ["summary", "commands", "requires_root", "persistent"] {
        assert!(c["remediation"][0].get(key).is_some(), "{key}");
    }

    let hybrid = Outcome::warn(
        cgroup::Code::V1OrHybrid,
        "cgroup v1/v2 hybrid: resource limits unavailable",
    );
    let confirmed = confirm_outcomes(&e, &[(&cgroup::DELEGATION, &hybrid)]);
    let doc = wire::ExplainDoc::from_confirmed(
        &e,
        &confirmed,
        vec![serde_json::json!({"id": "cgroup.delegation"})],
    );
    let v = serde_json::to_value(&doc).unwrap();
    assert_eq!(v["causes"][0]["confirmed"], true);
    assert_eq!(
        v["causes"][0]["supported_by"],
        serde_json::json!(["cgroup.delegation"])
    );
    assert_eq!(v["checks"][0]["id"], "cgroup.delegation");
}

// ------------------------------------------------------------ docs stay in sync

const SCHEMA: &str = include_str!("../../../docs/explain.schema.json");
const DOC: &str = include_str!("../../../docs/explain.md");

fn keys(v: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
    k.sort();
    k
}

fn required(schema: &serde_json::Value) -> Vec<String> {
    let mut k: Vec<String> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect();
    k.sort();
    k
}

#[test]
fn wire_document_matches_the_schema() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
    let e = explain("nsenter: failed to unshare namespaces: Operation not permitted");
    let doc = serde_json::to_value(wire::ExplainDoc::from_text(&e)).unwrap();
    assert_eq!(keys(&doc), required(&schema));
    assert_eq!(keys(&doc), keys(&schema["properties"]));
    let cause_schema = &schema["$defs"]["cause"];
    for c in doc["causes"].as_array().unwrap() {
        assert_eq!(keys(c), required(cause_schema));
        assert_eq!(keys(c), keys(&cause_schema["properties"]));
        let strength = c["strength"].as_str().unwrap();
        assert!(cause_schema["properties"]["strength"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s == strength));
        for r in c["remediation"].as_array().unwrap() {
            assert_eq!(keys(r), required(&schema["$defs"]["remediation"]));
        }
    }
}

#[test]
fn docs_list_every_cause() {
    for c in CAUSES {
        assert!(
            DOC.contains(&format!("| `{}` |", c.id)),
            "docs/explain.md lacks {}",
            c.id
        );
    }
}

#[test]
fn docs_list_the_causes_in_catalogue_order() {
    // The catalogue order is the ranking among equals; the table keeps it.
    let listed: Vec<&str> = section("\n## Causes\n")
        .lines()
        .filter_map(|l| l.strip_prefix("| `")?.split('`').next())
        .collect();
    let ids: Vec<&str> = CAUSES.iter().map(|c| c.id).collect();
    assert_eq!(listed, ids);
}

#[test]
fn docs_name_the_confirming_checks_and_codes() {
    let table = &DOC[DOC.find("\n## Causes").expect("a Causes section")..];
    for c in CAUSES {
        let row = table
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", c.id)))
            .unwrap();
        let checks = row.rsplit('|').nth(1).unwrap().trim();
        let want = if c.checks.is_empty() {
            "—".to_string()
        } else {
            c.checks
                .iter()
                .map(|r| {
                    let codes: Vec<String> = r.codes.iter().map(|c| format!("`{c}`")).collect();
                    if codes.is_empty() {
                        format!("`{}`", r.id())
                    } else {
                        format!("`{}` ({})", r.id(), codes.join(", "))
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        assert_eq!(checks, want, "docs/explain.md, row of {}", c.id);
    }
}

/// The text of a docs/explain.md section, from its heading to the next one
/// of the same level.
fn section(heading: &str) -> &'static str {
    let start = DOC
        .find(heading)
        .unwrap_or_else(|| panic!("no {heading:?}"));
    let level = heading.trim_start().split(' ').next().unwrap();
    let rest = &DOC[start + heading.len()..];
    let end = rest.find(&format!("\n{level} ")).unwrap_or(rest.len());
    &rest[..end]
}

/// The first two cells of each table row of a section.
fn table_rows(text: &str) -> Vec<(&str, &str)> {
    text.lines()
        .filter_map(|l| {
            let mut cells = l.strip_prefix("| `")?.split('|');
            let id = cells.next()?.trim().trim_end_matches('`');
            Some((id, cells.next()?.trim()))
        })
        .collect()
}

#[test]
fn every_cause_names_a_check_or_says_why_not() {
    let hidden = table_rows(section("\n### Not observable from the host\n"));
    let awaiting = table_rows(section("\n### Awaiting a check\n"));
    for c in CAUSES {
        let listed: Vec<&str> = hidden
            .iter()
            .chain(&awaiting)
            .filter(|(id, _)| *id == c.id)
            .map(|(_, why)| *why)
            .collect();
        if c.checks.is_empty() {
            assert_eq!(
                listed.len(),
                1,
                "{} has no check: docs/explain.md must list it once, as not observable (with the reason) or awaiting a check",
                c.id
            );
            assert!(
                listed[0].len() > 12,
                "{}: give the reason or the check",
                c.id
            );
        } else {
            assert!(
                listed.is_empty(),
                "{} has checks but is listed as having none",
                c.id
            );
        }
    }
    for (id, _) in hidden.iter().chain(&awaiting) {
        assert!(
            find(id).is_some(),
            "docs/explain.md lists unknown cause {id}"
        );
    }
    // An awaited check is one of the checks being added, or says none exists yet.
    const COMING: &[&str] = &[
        "session.user-manager",
        "session.linger",
        "state.pause-process",
        "limits.nofile",
        "engine.podman",
        "engine.docker",
    ];
    for (id, check) in &awaiting {
        assert!(
            check.starts_with("none yet: ")
                || COMING.iter().any(|k| check.starts_with(&format!("`{k}`"))),
            "{id}: {check}"
        );
    }
}

#[test]
fn runc_procfs_hardening_is_confirmed_by_its_triggers_and_never_ruled_out() {
    use crate::check::{Fact, OciRuntime};
    use crate::runtime;
    let e = explain(
        "runc create failed: unable to start container process: error during container init: \
         unable to setup user: unsafe procfs detected: openat2 fsmount:fscontext:proc/self/\
         setgroups: no such file or directory",
    );
    let id = "runc-procfs-hardening-regression";
    let runc = |version: Option<(u64, u64, u64)>, runs_here: bool| {
        Fact::OciRuntime(OciRuntime {
            name: "runc",
            path: "/usr/sbin/runc".into(),
            version,
            runs_here,
        })
    };
    let verdict_on = |outcome: &Outcome| {
        confirm_outcomes(&e, &[(&runtime::OCI_RUNTIME, outcome)])
            .into_iter()
            .find(|c| c.cause().id == id)
            .unwrap()
            .confirmed
    };
    // The hardened runc and no setgroups: confirmed.
    let fail = Outcome::fail(runtime::Code::RuncProcfsNoSetgroups, "x")
        .stating(runc(Some((1, 3, 3)), false));
    assert_eq!(verdict_on(&fail), Some(true));
    let lxc =
        Outcome::warn(runtime::Code::RuncProcfsInLxc, "x").stating(runc(Some((1, 2, 8)), true));
    assert_eq!(verdict_on(&lxc), Some(true));
    // runc 1.1.5 (this host: a distribution may have backported the
    // hardening), no runc on the PATH (k3s bundles its own), a hardened
    // runc with none of the triggers the check reads (a seccomp or LSM
    // denial it cannot see), or a version unknown: undecided, never ruled out.
    let old = Outcome::pass("x").stating(runc(Some((1, 1, 5)), true));
    assert_eq!(verdict_on(&old), None);
    let crun_only = Outcome::warn(runtime::Code::CrunRefusesHybrid, "x");
    assert_eq!(verdict_on(&crun_only), None);
    let hardened = Outcome::pass("x").stating(runc(Some((1, 3, 3)), true));
    assert_eq!(verdict_on(&hardened), None);
    let unknown = Outcome::warn(runtime::Code::CrunRefusesHybrid, "x").stating(runc(None, true));
    assert_eq!(verdict_on(&unknown), None);
    let rc = Outcome::pass("x").stating(runc(Some((1, 4, 0)), true));
    assert_eq!(verdict_on(&rc), None);
}

#[test]
fn bwrap_capabilities_and_rootless_containerd_are_not_ruled_out_by_what_was_not_seen() {
    use crate::{engine, runtime};
    let verdict_on = |text: &str, id: &str, def: &'static CheckDef, outcome: &Outcome| {
        confirm_outcomes(&explain(text), &[(def, outcome)])
            .into_iter()
            .find(|c| c.cause().id == id)
            .unwrap()
            .confirmed
    };
    // bwrap's own file capabilities confirm; a pass says nothing of the
    // capabilities of the program that started bwrap in the field.
    let bwrap = "bwrap: Unexpected capabilities but not setuid, old file caps config?";
    let id = "bwrap-unexpected-capabilities";
    let caps = Outcome::fail(runtime::Code::BwrapFileCaps, "x");
    assert_eq!(verdict_on(bwrap, id, &runtime::BWRAP, &caps), Some(true));
    let clean = Outcome::pass("x");
    assert_eq!(verdict_on(bwrap, id, &runtime::BWRAP, &clean), None);
    // engine.nerdctl's skip for root is no verdict on rootless containerd;
    // its pass for a user rules it out.
    let nerdctl = "rootless containerd not running? (hint: use `containerd-rootless-setuptool.sh install` to start rootless containerd)";
    let id = "nerdctl-rootless-not-running";
    let root = Outcome::skip(engine::Code::NerdctlRootSubject, "root");
    assert_eq!(verdict_on(nerdctl, id, &engine::NERDCTL, &root), None);
    let running = Outcome::pass("running");
    assert_eq!(
        verdict_on(nerdctl, id, &engine::NERDCTL, &running),
        Some(false)
    );
}
