//! `setup` really fixes the host, and `mappings` really starts a container.
//!
//! As root, for broken states of this machine (no subordinate ranges for the
//! test user; newuidmap and newgidmap without setuid; newuidmap deleted while
//! its package stays installed; all at once), the printed script runs twice;
//! then the doctor, as the test user, passes those checks and real runc starts
//! a 65536-id container. Every change is undone by guards, even on failure.

use crate::live::{live, parse_report, Live, Restore, RestoreExactly, PATH};
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::process::Command;

const FIXED: &[&str] = &[
    "subid.subuid",
    "subid.subgid",
    "idmap.newuidmap",
    "idmap.newgidmap",
];

fn remove_user_lines(file: &str, user: &str) {
    let kept: String = fs::read_to_string(file)
        .unwrap()
        .lines()
        .filter(|l| !l.starts_with(&format!("{user}:")))
        .map(|l| format!("{l}\n"))
        .collect();
    fs::write(file, kept).unwrap();
}

/// Prints the setup script for the test user and runs it with sh, twice.
fn run_setup_twice(live: &Live) -> String {
    let only = FIXED.join(",");
    let script = Command::new(live.exe())
        .args(["setup", "--user", &live.user, "--only", &only])
        .env("PATH", PATH)
        .output()
        .unwrap();
    assert!(
        script.status.success(),
        "setup: {}",
        String::from_utf8_lossy(&script.stderr)
    );
    let script = String::from_utf8(script.stdout).unwrap();
    let path = live.dir.path().join("setup.sh");
    fs::write(&path, &script).unwrap();
    let mut after_first = None;
    for round in 1..=2 {
        let run = Command::new("sh")
            .arg(&path)
            .env("PATH", PATH)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "round {round} of the script failed:\n{script}\nstderr:\n{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let state = (
            fs::read_to_string("/etc/subuid").unwrap(),
            fs::read_to_string("/etc/subgid").unwrap(),
        );
        match &after_first {
            None => after_first = Some(state),
            Some(first) => assert_eq!(first, &state, "the second run changed the subordinate ids"),
        }
    }
    script
}

fn assert_fixed(live: &Live, scenario: &str, script: &str) {
    let report = live.doctor(PATH, &["--only", &FIXED.join(",")]);
    for id in FIXED {
        assert_eq!(
            crate::harness::status(&report, id),
            "pass",
            "{scenario}: {id} after setup\nscript:\n{script}\nreport:\n{report:#}"
        );
    }
    let bundle = live.bundle(&format!("setup-{scenario}"), true);
    let (ok, err) = live.runc_starts(&bundle, PATH);
    assert!(
        ok,
        "{scenario}: runc cannot start a 65536-id container after setup: {err}\nscript:\n{script}"
    );
}

fn break_subids(live: &Live) {
    remove_user_lines("/etc/subuid", &live.user);
    remove_user_lines("/etc/subgid", &live.user);
}

fn break_setuid() {
    for tool in ["/usr/bin/newuidmap", "/usr/bin/newgidmap"] {
        fs::set_permissions(tool, fs::Permissions::from_mode(0o755)).unwrap();
    }
}

#[test]
fn setup_fixes_each_broken_state_and_is_harmless_twice() {
    let Some(live) = live("setup_fixes_each_broken_state_and_is_harmless_twice") else {
        return;
    };
    let _subuid = Restore::save("/etc/subuid");
    let _subgid = Restore::save("/etc/subgid");
    let _newuidmap = RestoreExactly::save("/usr/bin/newuidmap");
    let _newgidmap = RestoreExactly::save("/usr/bin/newgidmap");
    let original_subuid = fs::read_to_string("/etc/subuid").unwrap();
    let original_subgid = fs::read_to_string("/etc/subgid").unwrap();
    let restore_subids = || {
        fs::write("/etc/subuid", &original_subuid).unwrap();
        fs::write("/etc/subgid", &original_subgid).unwrap();
    };

    break_subids(&live);
    let script = run_setup_twice(&live);
    assert_fixed(&live, "no-subids", &script);
    restore_subids();

    break_setuid();
    let script = run_setup_twice(&live);
    assert_fixed(&live, "no-setuid", &script);

    fs::remove_file("/usr/bin/newuidmap").unwrap();
    let script = run_setup_twice(&live);
    assert_fixed(&live, "deleted", &script);

    break_subids(&live);
    break_setuid();
    fs::remove_file("/usr/bin/newuidmap").unwrap();
    let script = run_setup_twice(&live);
    assert_fixed(&live, "all-at-once", &script);
}

#[test]
fn mappings_merged_into_a_config_start_a_container() {
    let Some(live) = live("mappings_merged_into_a_config_start_a_container") else {
        return;
    };
    let exe = live.exe();
    let output = live.as_user(
        &[exe.to_str().unwrap(), "mappings", "--format", "json"],
        PATH,
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mappings = parse_report(&output);
    let bundle = live.bundle("mappings", false);
    let config_path = bundle.join("config.json");
    let mut config: Value =
        serde_json::from_str(&fs::read_to_string(&config_path).unwrap()).unwrap();
    config["linux"]["uidMappings"] = mappings["uidMappings"].clone();
    config["linux"]["gidMappings"] = mappings["gidMappings"].clone();
    fs::write(&config_path, config.to_string()).unwrap();
    let (ok, err) = live.runc_starts(&bundle, PATH);
    assert!(ok, "runc with the doctor's mappings: {err}\n{mappings:#}");
    let ids: u64 = mappings["uidMappings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["size"].as_u64().unwrap())
        .sum();
    assert!(ids >= 65536, "{mappings:#}");
}
