//! `engine.podman` through the binary on fixture hosts: no podman (skipped,
//! no `engines` entry), a containers.conf naming a runtime that is not
//! installed (fails without any probe, blocked by `runtime.oci-runtime`), a
//! containers.conf that is not TOML (fails, blocked by itself), and a healthy
//! setup whose probes did not run (verdict `unknown`).

use crate::harness::{check, Test};
use serde_json::Value;

fn root() -> bool {
    nix::unistd::geteuid().is_root()
}

/// podman, runc, slirp4netns and setuid newuidmap/newgidmap installed, and
/// alice's /run/user/1000 (hers, and the helpers root's, only when the tests
/// run as root: alice has subordinate ranges, so without working helpers
/// podman stops).
fn podman_host() -> Test {
    let test = Test::new();
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
    test.file("usr/bin/podman", "")
        .mode("usr/bin/podman", 0o755)
        .file("usr/sbin/runc", "")
        .mode("usr/sbin/runc", 0o755)
        .file("usr/bin/slirp4netns", "")
        .mode("usr/bin/slirp4netns", 0o755)
        .file("usr/bin/newuidmap", "")
        .mode("usr/bin/newuidmap", 0o4755)
        .file("usr/bin/newgidmap", "")
        .mode("usr/bin/newgidmap", 0o4755)
}

fn podman_entry(report: &Value) -> Option<&Value> {
    report["engines"]
        .as_array()
        .and_then(|a| a.iter().find(|e| e["name"] == "podman"))
}

#[test]
fn without_podman_the_check_skips_and_no_entry_is_stated() {
    let (_, report) = Test::new().args(&["--only", "engine.podman"]).json();
    let c = check(&report, "engine.podman");
    assert_eq!(
        (c["status"].as_str(), c["code"].as_str()),
        (Some("skip"), Some("not-installed"))
    );
    assert!(podman_entry(&report).is_none(), "{report:#}");
}

#[test]
fn a_runtime_that_is_not_installed_fails_without_probes() {
    let (_, report) = podman_host()
        .file(
            "home/alice/.config/containers/containers.conf",
            "[engine]\nruntime = \"youki\"\n",
        )
        .args(&["--only", "engine.podman"])
        .json();
    let c = check(&report, "engine.podman");
    let e = podman_entry(&report).expect("a podman entry");
    assert_eq!(e["verdict"], "fails");
    assert_eq!(e["runtime"], "youki");
    let blocked = e["blocked_by"].as_array().unwrap();
    assert!(blocked.contains(&"runtime.oci-runtime".into()), "{e:#}");
    if root() {
        assert_eq!(c["code"], "runtime-missing", "{c:#}");
    } else {
        // The helpers and alice's runtime dir are the runner's: the helpers
        // fail first (podman meets the mapping first), then the runtime dir.
        assert_eq!(c["code"], "userns-fails", "{c:#}");
        assert_eq!(
            c["also"],
            serde_json::json!(["runtime-dir-fails", "runtime-missing"])
        );
    }
    assert_eq!(e["network"], "slirp4netns");
    assert_eq!(e["storage_driver"], "vfs");
}

#[test]
fn a_containers_conf_that_is_not_toml_fails() {
    let (_, report) = podman_host()
        .file("etc/containers/containers.conf.d/10-x.conf", "[engine\n")
        .args(&["--only", "engine.podman"])
        .json();
    assert_eq!(check(&report, "engine.podman")["code"], "config-invalid");
    let e = podman_entry(&report).expect("a podman entry");
    assert_eq!(e["verdict"], "fails");
    assert_eq!(e["blocked_by"], serde_json::json!(["engine.podman"]));
}

#[test]
fn probes_not_run_leave_the_verdict_unknown() {
    let (_, report) = podman_host().args(&["--only", "engine.podman"]).json();
    let c = check(&report, "engine.podman");
    if !root() {
        // A known failure (the helpers are the runner's) outranks it.
        assert_eq!(c["code"], "userns-fails", "{c:#}");
        eprintln!("a runtime dir owned by alice needs root to make: verdict unknown not tested");
        return;
    }
    assert_eq!(c["code"], "undecided", "{c:#}");
    let e = podman_entry(&report).expect("a podman entry");
    assert_eq!(e["verdict"], "unknown");
    assert_eq!(e["runtime"], "runc");
    assert_eq!(e["blocked_by"], serde_json::json!([]));
}
