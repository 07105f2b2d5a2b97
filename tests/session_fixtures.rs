//! Fixture hosts for the session and limits checks, end to end through the
//! built binary with `--test-root`: the systemd states this machine cannot
//! show live (systemd running, the user manager's and the user bus's
//! sockets, lingering) and the limits a login of alice would get (init's
//! limits, systemd's default, limits.conf and limits.d). Root diagnoses alice
//! (`--user alice`), so a login's environment is assumed.

use crate::harness::{check, status, Test};
use std::os::unix::net::UnixListener;

const SESSION: &str = "session.user-manager,session.linger";

/// A socket at `path` of the fixture host, listening while the guard lives.
fn socket(test: &Test, path: &str) -> UnixListener {
    let full = test.root().join(path);
    std::fs::create_dir_all(full.parent().unwrap()).unwrap();
    UnixListener::bind(full).unwrap()
}

fn code<'a>(report: &'a serde_json::Value, id: &str) -> &'a str {
    check(report, id)["code"].as_str().unwrap_or("")
}

fn systemd_host() -> Test {
    let test = Test::new().args(&["--only", SESSION]);
    std::fs::create_dir_all(test.root().join("run/systemd/system")).unwrap();
    test
}

#[test]
fn without_systemd_both_skip_naming_cgroupfs() {
    let (_, report) = Test::new().args(&["--only", SESSION]).json();
    for id in ["session.user-manager", "session.linger"] {
        assert_eq!(status(&report, id), "skip");
        assert_eq!(code(&report, id), "no-systemd");
    }
    let reason = check(&report, "session.user-manager")["skip_reason"]
        .as_str()
        .unwrap();
    assert!(reason.contains("cgroupfs"), "{reason}");
}

#[test]
fn systemd_without_a_user_manager_warns_with_the_ways_in() {
    let (_, report) = systemd_host().json();
    assert_eq!(status(&report, "session.user-manager"), "warn");
    assert_eq!(code(&report, "session.user-manager"), "no-user-manager");
    let fixes = check(&report, "session.user-manager")["remediation"].to_string();
    assert!(fixes.contains("machinectl shell alice@"), "{fixes}");
    assert!(fixes.contains("systemd-run --user -M alice@"), "{fixes}");
    assert!(fixes.contains("loginctl enable-linger alice"), "{fixes}");
    assert_eq!(status(&report, "session.linger"), "warn");
    assert_eq!(code(&report, "session.linger"), "linger-off");
}

#[test]
fn a_user_manager_without_a_bus_then_with_one_and_lingering() {
    let test = systemd_host();
    let _manager = socket(&test, "run/user/1000/systemd/private");
    let (_, report) = test.json();
    assert_eq!(code(&report, "session.user-manager"), "no-user-bus");
    let fixes = check(&report, "session.user-manager")["remediation"].to_string();
    assert!(
        fixes.contains("apt-get install -y dbus-user-session"),
        "{fixes}"
    );

    let test = systemd_host().file("var/lib/systemd/linger/alice", "");
    let _manager = socket(&test, "run/user/1000/systemd/private");
    let _bus = socket(&test, "run/user/1000/bus");
    let (run, report) = test.json();
    assert_eq!(
        status(&report, "session.user-manager"),
        "pass",
        "{}",
        run.stdout
    );
    assert_eq!(status(&report, "session.linger"), "pass");
}

#[test]
fn files_where_the_sockets_belong_are_no_manager() {
    let (_, report) = systemd_host()
        .file("run/user/1000/systemd/private", "")
        .file("run/user/1000/bus", "")
        .json();
    assert_eq!(code(&report, "session.user-manager"), "no-user-manager");
}

const INIT_LIMITS: &str = "\
Limit                     Soft Limit           Hard Limit           Units     
Max processes             63704                63704                processes 
Max open files            1024                 4096                 files     
";

#[test]
fn a_login_of_alice_gets_inits_limits_then_limits_conf() {
    let limits = || {
        Test::new()
            .args(&["--only", "limits.nofile"])
            .file("proc/1/limits", INIT_LIMITS)
            .file("proc/sys/fs/nr_open", "1048576\n")
    };
    let (_, report) = limits().json();
    assert_eq!(status(&report, "limits.nofile"), "warn");
    assert_eq!(code(&report, "limits.nofile"), "nofile-low");
    let message = check(&report, "limits.nofile")["message"].as_str().unwrap();
    assert!(message.contains("at login is 4096"), "{message}");
    let fixes = check(&report, "limits.nofile")["remediation"].to_string();
    assert!(
        fixes.contains(
            "alice - nofile 1048576' > /etc/security/limits.d/90-rootless-alice-nofile.conf"
        ),
        "{fixes}"
    );

    let (_, report) = limits()
        .file(
            "etc/security/limits.conf",
            "*  hard nofile 8192\nalice hard nofile 1048576\n",
        )
        .json();
    assert_eq!(status(&report, "limits.nofile"), "pass");

    let (_, report) = limits()
        .file(
            "etc/security/limits.d/20-nproc.conf",
            "*  soft nproc 1024\n",
        )
        .file(
            "etc/security/limits.d/30-nofile.conf",
            "@alice - nofile unlimited\n",
        )
        .json();
    assert_eq!(status(&report, "limits.nofile"), "warn");
    assert_eq!(code(&report, "limits.nofile"), "nproc-low");
}

#[test]
fn with_systemd_the_login_starts_from_default_limit_nofile() {
    let test = Test::new()
        .args(&["--only", "limits.nofile"])
        .file("proc/1/limits", INIT_LIMITS)
        .file(
            "etc/systemd/system.conf.d/10-limits.conf",
            "[Manager]\nDefaultLimitNOFILE=1024:16384\n",
        );
    std::fs::create_dir_all(test.root().join("run/systemd/system")).unwrap();
    let (_, report) = test.json();
    assert_eq!(code(&report, "limits.nofile"), "nofile-low");
    let evidence = check(&report, "limits.nofile")["evidence"].to_string();
    assert!(evidence.contains("1024:16384"), "{evidence}");
    let fixes = check(&report, "limits.nofile")["remediation"].to_string();
    assert!(fixes.contains("user@1000.service.d"), "{fixes}");
}
