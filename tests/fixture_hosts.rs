//! Fake hosts end to end: files under --test-root, probe outcomes replayed,
//! the JSON report and the exit code checked from the built binary.

use crate::harness::{check, status, Test};
use std::time::{Duration, Instant};

/// Whether the tests run as root (fixture files are then root-owned, and
/// setuid bits and file capabilities can be set on them).
fn root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// A fixture with newuidmap and newgidmap installed as Debian installs them.
fn with_helpers(test: Test, mode: u32) -> Test {
    let test = test
        .file("usr/bin/newuidmap", "#!/bin/sh\n")
        .file("usr/bin/newgidmap", "#!/bin/sh\n");
    test.mode("usr/bin/newuidmap", mode)
        .mode("usr/bin/newgidmap", mode)
}

const LIVE_OK: &str = r#"{
  "userns-create": {"report": {"ok": true, "facts": {"uid_map": "0 1000 1", "cap_sys_admin": "yes"}}},
  "multi-map": {"report": {"ok": true, "facts": {"ids": "65536"}}},
  "bind-mount": {"report": {"ok": true}},
  "overlay": {"report": {"ok": true}},
  "fuse-overlayfs": {"report": {"ok": false, "step": "open-dev-fuse", "errno": "EACCES"}}
}"#;

#[test]
fn a_healthy_host_passes_and_says_what_works() {
    let test = with_helpers(Test::new(), 0o4755).probes(LIVE_OK);
    let run_dir = test.root().join("run/user/1000");
    std::fs::create_dir_all(&run_dir).unwrap();
    std::fs::set_permissions(
        &run_dir,
        std::os::unix::fs::PermissionsExt::from_mode(0o700),
    )
    .unwrap();
    if root() {
        std::os::unix::fs::chown(&run_dir, Some(1000), Some(1000)).unwrap();
    }
    let (run, report) = test.json();
    for id in [
        "userns.max-namespaces",
        "userns.create",
        "idmap.multi-map",
        "subid.subuid",
        "subid.subgid",
        "mount.bind",
        "mount.overlay",
    ] {
        assert_eq!(status(&report, id), "pass", "{id}\n{report:#}");
    }
    assert_eq!(status(&report, "userns.clone-sysctl"), "skip");
    assert_eq!(status(&report, "mount.fuse-overlayfs"), "skip");
    if !root() {
        eprintln!("setuid root helpers and a runtime dir owned by alice need root to make");
        return;
    }
    assert_eq!(status(&report, "idmap.newuidmap"), "pass", "{report:#}");
    assert_eq!(
        status(&report, "runtime.xdg-runtime-dir"),
        "pass",
        "{report:#}"
    );
    assert_eq!(report["capabilities"]["multi_id"], true);
    assert_eq!(report["capabilities"]["userns"], true);
    assert_eq!(report["capabilities"]["single_id"], true);
    assert_eq!(report["capabilities"]["overlay"], "native");
    assert_eq!(report["summary"]["fail"], 0, "{report:#}");
    assert_eq!(run.code, 0, "{report:#}");
}

#[test]
fn newuidmap_missing_fails_with_the_package_to_install() {
    let (run, report) = Test::new().args(&["--only", "idmap.newuidmap"]).json();
    assert_eq!(run.code, 1);
    assert_eq!(status(&report, "idmap.newuidmap"), "fail");
    let commands = check(&report, "idmap.newuidmap")["remediation"].to_string();
    assert!(commands.contains("apt-get install -y uidmap"), "{commands}");
    // The same host as Fedora names Fedora's package.
    let (_, report) = Test::new()
        .file("etc/os-release", "ID=fedora\nVERSION_ID=40\n")
        .args(&["--only", "idmap.newuidmap"])
        .json();
    let commands = check(&report, "idmap.newuidmap")["remediation"].to_string();
    assert!(
        commands.contains("dnf install -y shadow-utils"),
        "{commands}"
    );
}

#[test]
fn newuidmap_without_privilege_fails_and_file_capabilities_pass() {
    let (_, report) = with_helpers(Test::new(), 0o755)
        .args(&["--only", "idmap.newuidmap"])
        .json();
    assert_eq!(status(&report, "idmap.newuidmap"), "fail", "{report:#}");
    if !root() {
        eprintln!("file capabilities need root to set: the judge's unit tests cover them");
        return;
    }
    let test = with_helpers(Test::new(), 0o755);
    let tool = test.root().join("usr/bin/newuidmap");
    // cap_setuid+ep, revision 2, as setcap writes it.
    let caps = [
        1u8, 0, 0, 2, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
    xattr::set(&tool, "security.capability", &caps).expect("set file capability");
    let (_, report) = test.args(&["--only", "idmap.newuidmap"]).json();
    assert_eq!(status(&report, "idmap.newuidmap"), "pass", "{report:#}");
}

#[test]
fn subuid_entries_by_name_number_size_and_overlap() {
    let only = ["--only", "subid.subuid"];
    let (_, report) = Test::new()
        .file("etc/subuid", "bob:165536:65536\n")
        .args(&only)
        .json();
    assert_eq!(
        status(&report, "subid.subuid"),
        "fail",
        "no entry for alice"
    );
    let (_, report) = Test::new()
        .file("etc/subuid", "1000:100000:65536\n")
        .args(&only)
        .json();
    assert_eq!(status(&report, "subid.subuid"), "pass", "numeric uid entry");
    let (_, report) = Test::new()
        .file("etc/subuid", "alice:100000:1000\n")
        .args(&only)
        .json();
    assert_eq!(status(&report, "subid.subuid"), "warn", "1000 ids");
    let (_, report) = Test::new()
        .file("etc/subuid", "alice:100000:65536\nbob:130000:65536\n")
        .args(&only)
        .json();
    assert_eq!(status(&report, "subid.subuid"), "warn", "overlap with bob");
    assert!(check(&report, "subid.subuid").to_string().contains("bob"));
}

#[test]
fn garbage_around_one_valid_line_still_counts_and_names_the_lines() {
    let garbage = "# a comment\nalice:1:2:3\n\nalice:100000:65536\nbob:x:y\n\u{1}\u{2}\u{3}\n";
    let (_, report) = Test::new()
        .file("etc/subuid", garbage)
        .args(&["--only", "subid.subuid"])
        .json();
    assert_eq!(status(&report, "subid.subuid"), "warn", "{report:#}");
    let lines: Vec<u64> = check(&report, "subid.subuid")["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["line"].as_u64())
        .collect();
    assert!(lines.contains(&4), "the valid line is evidence: {lines:?}");
    assert!(
        lines.contains(&2) && lines.contains(&5),
        "malformed lines by number: {lines:?}"
    );
}

#[test]
fn a_huge_subuid_file_and_binary_noise_give_findings_not_hangs() {
    let mut big: String = (0..200_000u64)
        .map(|i| format!("user{i}:{}:65536\n", 1_000_000 + (i % 60_000) * 65536))
        .collect();
    big.push_str("alice:100000:65536\n");
    let started = Instant::now();
    let (run, report) = Test::new()
        .file("etc/subuid", &big)
        .args(&["--only", "subid.subuid"])
        .json();
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "took {:?}",
        started.elapsed()
    );
    assert_ne!(run.code, 101);
    assert!(
        ["pass", "warn"].contains(&status(&report, "subid.subuid")),
        "{}",
        check(&report, "subid.subuid")
    );
    let noise: String = (0..50_000u32)
        .map(|i| char::from_u32(i % 0xD000).unwrap_or('?'))
        .collect();
    let (run, report) = Test::new()
        .file("etc/subuid", &noise)
        .args(&["--only", "subid.subuid"])
        .json();
    assert_eq!(run.code, 1);
    assert_eq!(status(&report, "subid.subuid"), "fail");
}

#[test]
fn a_missing_subuid_file_fails_with_a_fix() {
    let (run, report) = Test::new()
        .remove("etc/subuid")
        .args(&["--only", "subid.subuid"])
        .json();
    assert_eq!(run.code, 1);
    assert_eq!(status(&report, "subid.subuid"), "fail");
    let fix = &check(&report, "subid.subuid")["remediation"][0];
    let commands: Vec<&str> = fix["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        commands.contains(&"usermod --add-subuids 231072-296607 alice"),
        "{commands:?}"
    );
}

#[test]
fn sysctls_that_disable_user_namespaces_fail_with_now_and_persistent_fixes() {
    let (_, report) = Test::new()
        .file("proc/sys/user/max_user_namespaces", "0\n")
        .args(&["--only", "userns.max-namespaces"])
        .json();
    assert_eq!(status(&report, "userns.max-namespaces"), "fail");
    let fixes = check(&report, "userns.max-namespaces")["remediation"]
        .as_array()
        .unwrap()
        .clone();
    assert!(fixes.iter().any(|f| f["persistent"] == false
        && f["commands"]
            .to_string()
            .contains("sysctl -w user.max_user_namespaces=")));
    assert!(fixes
        .iter()
        .any(|f| f["persistent"] == true && f["commands"].to_string().contains("/etc/sysctl.d/")));

    let (_, report) = Test::new()
        .file("proc/sys/kernel/unprivileged_userns_clone", "0\n")
        .args(&["--only", "userns.clone-sysctl"])
        .json();
    assert_eq!(status(&report, "userns.clone-sysctl"), "fail");
    assert!(check(&report, "userns.clone-sysctl")["remediation"]
        .to_string()
        .contains("kernel.unprivileged_userns_clone=1"));
}

#[test]
fn ubuntus_apparmor_knob_that_bit_fails() {
    let restricted = r#"{"userns-create": {"report": {"ok": false, "step": "uid_map", "errno": "EPERM",
        "facts": {"cap_sys_admin": "no"}}}}"#;
    let (_, report) = Test::new()
        .file(
            "etc/os-release",
            "ID=ubuntu\nID_LIKE=debian\nVERSION_ID=\"24.04\"\nPRETTY_NAME=\"Ubuntu 24.04\"\n",
        )
        .file(
            "proc/sys/kernel/apparmor_restrict_unprivileged_userns",
            "1\n",
        )
        .probes(restricted)
        .args(&["--only", "userns.apparmor"])
        .json();
    assert_eq!(status(&report, "userns.apparmor"), "fail", "{report:#}");
    assert!(check(&report, "userns.apparmor")["remediation"]
        .to_string()
        .contains("apparmor_restrict_unprivileged_userns"));
}

#[test]
fn a_timed_out_probe_is_an_error_and_the_run_inconclusive() {
    let (run, report) = Test::new()
        .probes(r#"{"userns-create": {"timed-out": {"seconds": 5.0}}}"#)
        .args(&["--only", "userns.create"])
        .json();
    assert_eq!(status(&report, "userns.create"), "error");
    assert_eq!(run.code, 3);
    assert_eq!(report["capabilities"]["userns"], serde_json::Value::Null);
}

#[test]
fn the_human_report_names_problems_with_fixes_and_respects_no_color() {
    let run = Test::new()
        .remove("etc/subuid")
        .env("NO_COLOR", "1")
        .args(&["--color", "auto"])
        .run()
        .code(1)
        .stdout_has("FAIL  subid.subuid")
        .stdout_has("fix (as root)")
        .stdout_has("usermod --add-subuids")
        .stdout_has("subject: alice (uid 1000, gid 1000, named with --user)");
    assert!(
        !run.stdout.contains('\u{1b}'),
        "NO_COLOR output has escapes"
    );
    let coloured = Test::new().args(&["--color", "always"]).run();
    assert!(coloured.stdout.contains('\u{1b}'));
}
