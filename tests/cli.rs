//! The command line: usage errors, `list`, selection and exit codes.

use crate::harness::{binary, status, Test};
use std::process::{Command, Stdio};

/// The check ids in report order (host, then bundle), as docs/checks lists them: a contract.
const ALL_IDS: &[&str] = &[
    "userns.clone-sysctl",
    "userns.max-namespaces",
    "userns.apparmor",
    "userns.create",
    "idmap.newuidmap",
    "idmap.newgidmap",
    "idmap.multi-map",
    "subid.subuid",
    "subid.subgid",
    "subid.auto-userns",
    "mount.bind",
    "mount.overlay",
    "mount.fuse-overlayfs",
    "runtime.xdg-runtime-dir",
    "runtime.oci-runtime",
    "runtime.bwrap",
    "cgroup.delegation",
    "network.helper",
    "network.tun",
    "network.ports",
    "network.ping",
    "storage.graphroot",
    "storage.driver",
    "mount.idmapped",
    "session.user-manager",
    "session.linger",
    "state.pause-process",
    "limits.nofile",
    "engine.podman",
    "engine.docker",
    "engine.nerdctl",
    "bundle.config",
    "bundle.rootfs",
    "bundle.process",
    "bundle.process-settings",
    "bundle.user",
    "bundle.uid-mappings",
    "bundle.gid-mappings",
    "bundle.mounts",
    "bundle.namespaces",
    "bundle.resources",
    "bundle.seccomp",
    "bundle.devices",
];

#[test]
fn list_prints_every_check_id_first_in_report_order() {
    let output = Command::new(binary()).arg("list").output().unwrap();
    assert!(output.status.success());
    let ids: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.split_whitespace().next().unwrap_or("").to_string())
        .collect();
    assert_eq!(ids, ALL_IDS);
}

#[test]
fn unknown_check_ids_are_usage_errors() {
    Test::new()
        .args(&["--only", "subid.subuid,subid.nope"])
        .run()
        .code(2)
        .stderr_has("unknown check id 'subid.nope'");
    Test::new().args(&["--skip", "x"]).run().code(2);
}

#[test]
fn unknown_users_and_bad_values_are_usage_errors() {
    Test::new()
        .user("mallory")
        .run()
        .code(2)
        .stderr_has("unknown user 'mallory'");
    Test::new().args(&["--timeout", "-1"]).run().code(2);
    Test::new().args(&["--format", "yaml"]).run().code(2);
    Test::new().args(&["--fail-on", "sometimes"]).run().code(2);
}

#[test]
fn only_and_skip_leave_unselected_checks_out_entirely() {
    let (_, report) = Test::new()
        .args(&["--only", "subid.subuid,subid.subgid,userns.max-namespaces"])
        .args(&["--skip", "subid.subgid"])
        .json();
    let ids: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["userns.max-namespaces", "subid.subuid"]);
    let summary = &report["summary"];
    let counted: u64 = ["pass", "warn", "fail", "skip", "error"]
        .iter()
        .map(|k| summary[k].as_u64().unwrap())
        .sum();
    assert_eq!(counted, 2);
}

#[test]
fn global_options_work_after_the_subcommand() {
    let run = Test::new()
        .args(&["check", "--only", "subid.subuid", "--format", "json"])
        .run()
        .code(0);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(status(&report, "subid.subuid"), "pass");
}

#[test]
fn fail_on_sets_the_gate() {
    // 1000 ids: a warning, not a failure.
    let small = || {
        Test::new()
            .file("etc/subuid", "alice:100000:1000\n")
            .args(&["--only", "subid.subuid"])
    };
    small().run().code(0);
    small().args(&["--fail-on", "warn"]).run().code(1);
    small()
        .remove("etc/subuid")
        .args(&["--fail-on", "never"])
        .run()
        .code(0);
    small().remove("etc/subuid").run().code(1);
}

#[test]
fn a_closed_stdout_ends_quietly_with_the_same_code() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("etc")).unwrap();
    std::fs::write(dir.path().join("etc/passwd"), "root:x:0:0::/root:/bin/sh\n").unwrap();
    let mut child = Command::new(binary())
        .args(["--test-root"])
        .arg(dir.path())
        .args(["--user", "0", "-v"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    // An empty fixture has no /etc/subuid: the gate trips.
    assert_eq!(output.status.code(), Some(1));
    assert!(
        output.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn list_takes_only_the_human_format() {
    Test::new()
        .args(&["list", "--format", "junit"])
        .run()
        .code(2)
        .stderr_has("`list` does not take --format junit");
}
