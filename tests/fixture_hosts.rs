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

// ---------------- storage: the graph root's filesystem and the driver

/// alice with podman installed, her home on a mount of `fs_type` with these
/// options (and `/` on ext4); no storage.conf unless the test writes one.
fn podman_home_on(fs_type: &str, source: &str, options: &str) -> Test {
    let test = Test::new()
        .file("usr/bin/podman", "#!/bin/sh\n")
        .mode("usr/bin/podman", 0o755)
        .file("home/alice/.keep", "")
        .file(
            "proc/self/mountinfo",
            &format!(
                "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n\
                 40 22 0:50 / /home rw,relatime shared:20 - {fs_type} {source} {options}\n"
            ),
        );
    // Every directory on the way must let alice through, as on a real host.
    for dir in ["", "home", "home/alice", "usr", "usr/bin"] {
        std::fs::set_permissions(
            test.root().join(dir),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .unwrap();
    }
    test
}

/// The graph root's verdict and code, as docs/checks/storage.md documents them.
fn graphroot_verdict(test: Test) -> (String, String, serde_json::Value) {
    let (_, report) = test.args(&["--only", "storage.graphroot"]).json();
    let c = check(&report, "storage.graphroot").clone();
    (
        c["status"].as_str().unwrap_or_default().to_string(),
        c["code"].as_str().unwrap_or_default().to_string(),
        c,
    )
}

#[test]
fn a_graphroot_on_nfs4_cifs_gpfs_or_lustre_fails_as_a_network_filesystem() {
    for (fs, source, options) in [
        (
            "nfs4",
            "192.168.1.16:/mnt/storage",
            "rw,vers=4.2,rsize=1048576,wsize=1048576,hard,proto=tcp,sec=sys",
        ),
        (
            "cifs",
            "//fileserver/home",
            "rw,vers=3.1.1,cache=strict,username=alice,uid=1000,noforceuid",
        ),
        ("gpfs", "gpfs0", "rw"),
        ("lustre", "10.0.0.1@tcp:/scratch", "rw,flock,lazystatfs"),
    ] {
        let (status, code, c) = graphroot_verdict(podman_home_on(fs, source, options));
        assert_eq!(status, "fail", "{fs}: {c:#}");
        assert_eq!(code, "network-filesystem", "{fs}: {c:#}");
        let message = c["message"].as_str().unwrap_or_default();
        assert!(message.contains(&format!("is on {fs}")), "{fs}: {message}");
        assert!(
            message.contains("/home/alice/.local/share/containers/storage"),
            "{message}"
        );
        assert!(
            message.contains("not created yet; judged at /home/alice"),
            "{message}"
        );
        assert!(
            c["remediation"].to_string().contains("graphroot"),
            "{fs}: the fix moves the graph root: {c:#}"
        );
    }
}

#[test]
fn a_graphroot_on_tmpfs_warns_volatile_and_on_overlay_needs_a_mount_program() {
    let (status, code, c) =
        graphroot_verdict(podman_home_on("tmpfs", "tmpfs", "rw,size=4194304k,inode64"));
    assert_eq!(
        (status.as_str(), code.as_str()),
        ("warn", "volatile-filesystem"),
        "{c:#}"
    );
    let (status, code, c) = graphroot_verdict(podman_home_on(
        "overlay",
        "overlay",
        "rw,lowerdir=/l,upperdir=/u,workdir=/w",
    ));
    assert_eq!(
        (status.as_str(), code.as_str()),
        ("warn", "needs-mount-program"),
        "{c:#}"
    );
    assert!(c["message"]
        .as_str()
        .unwrap_or_default()
        .contains("'overlay' is not supported over overlay"));
    // noexec on top of NFS: both named, the network filesystem leads.
    let test = podman_home_on("nfs", "srv:/home", "rw,vers=3").file(
        "proc/self/mountinfo",
        "22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw\n\
         40 22 0:50 / /home rw,nosuid,noexec,relatime shared:20 - nfs srv:/home rw,vers=3\n",
    );
    let (status, code, c) = graphroot_verdict(test);
    assert_eq!(
        (status.as_str(), code.as_str()),
        ("fail", "network-filesystem"),
        "{c:#}"
    );
    assert!(c["also"].to_string().contains("noexec"), "{c:#}");
}

/// Canned probes for storage.driver: a user namespace works, and the
/// storage-driver probe reports `report` (the probe's JSON report).
fn driver_probes(report: &str) -> String {
    format!(
        r#"{{
  "userns-create": {{"report": {{"ok": true, "facts": {{"uid_map": "0 1000 1", "cap_sys_admin": "yes"}}}}}},
  "storage-driver": {{"report": {report}}}
}}"#
    )
}

fn overlay_configured(test: Test) -> Test {
    test.file(
        "home/alice/.config/containers/storage.conf",
        "[storage]\ndriver = \"overlay\"\n",
    )
}

#[test]
fn storage_driver_fails_when_the_probe_finds_whiteouts_or_overlay_refused() {
    let cases = [
        (
            r#"{"ok": false, "step": "whiteout", "errno": "EPERM", "detail": "mknod upper/.wh: Operation not permitted", "facts": {"dir": "/home/alice/.local/share", "fs": "ext4"}}"#,
            "whiteout-refused",
            "unable to create kernel-style whiteout",
        ),
        (
            r#"{"ok": false, "step": "mount", "errno": "EINVAL", "detail": "mount overlay: Invalid argument", "facts": {"dir": "/home/alice/.local/share", "fs": "overlay"}}"#,
            "overlay-refused",
            "'overlay' is not supported over overlay",
        ),
    ];
    for (report, code, words) in cases {
        let (run, json) = overlay_configured(podman_home_on("ext4", "/dev/vdb1", "rw"))
            .probes(&driver_probes(report))
            .args(&["--only", "storage.driver"])
            .json();
        let c = check(&json, "storage.driver");
        assert_eq!(c["status"], "fail", "{code}: {c:#}");
        assert_eq!(c["code"], code, "{c:#}");
        let message = c["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{code}: {message}");
        assert!(
            message.contains("no fuse-overlayfs is installed"),
            "{code}: {message}"
        );
        assert_eq!(run.code, 1, "{c:#}");
    }
    // The same refusal with fuse-overlayfs working: a warning, the fallback named.
    let (_, json) = overlay_configured(podman_home_on("ext4", "/dev/vdb1", "rw"))
        .probes(&driver_probes(
            r#"{"ok": false, "step": "whiteout", "errno": "EPERM", "facts": {"dir": "/home/alice/.local/share", "fs": "ext4", "fuse.ok": "true"}}"#,
        ))
        .args(&["--only", "storage.driver"])
        .json();
    let c = check(&json, "storage.driver");
    assert_eq!(
        (c["status"].as_str(), c["code"].as_str()),
        (Some("warn"), Some("fuse-fallback")),
        "{c:#}"
    );
}

#[test]
fn storage_driver_warns_when_the_store_was_made_with_another_driver() {
    let test = overlay_configured(podman_home_on("ext4", "/dev/vdb1", "rw"))
        .file(
            "home/alice/.local/share/containers/storage/vfs-layers/layers.json",
            "[]",
        )
        .file(
            "home/alice/.local/share/containers/storage/vfs-images/images.json",
            "[]",
        );
    let (_, json) = test
        .probes(&driver_probes(
            r#"{"ok": true, "facts": {"dir": "/home/alice/.local/share/containers", "fs": "ext4"}}"#,
        ))
        .args(&["--only", "storage.driver"])
        .json();
    let c = check(&json, "storage.driver");
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(c["code"], "store-driver-mismatch", "{c:#}");
    assert!(c["message"].as_str().unwrap_or_default().contains(
        r#"database storage graph driver "vfs" does not match our storage graph driver "overlay""#
    ));
}

/// A fixture host where podman's pause process (pid 4242) of alice runs with
/// `range` as its second uid_map and gid_map line.
fn pause_process(range: &str) -> Test {
    let map = format!("         0       1000          1\n         1 {range}\n");
    Test::new()
        .file("run/user/1000/libpod/tmp/pause.pid", "4242")
        .file("run/user/1000/libpod/tmp/alive", "")
        .file(
            "proc/4242/status",
            "Name:\tpodman pause\nState:\tS (sleeping)\nPPid:\t1\nUid:\t1000\t1000\t1000\t1000\n",
        )
        .file("proc/4242/comm", "podman pause\n")
        .file("proc/4242/uid_map", &map)
        .file("proc/4242/gid_map", &map)
        .file("proc/stat", "cpu  1 2 3\nbtime 1000\nprocesses 5\n")
}

fn pause_verdict(test: Test) -> serde_json::Value {
    let (_, report) = test.args(&["--only", "state.pause-process"]).json();
    check(&report, "state.pause-process").clone()
}

#[test]
fn a_pause_process_with_todays_range_passes_and_a_changed_range_is_stale() {
    let c = pause_verdict(pause_process("100000 65536"));
    assert_eq!(c["status"], "pass", "{c:#}");
    let c = pause_verdict(pause_process("300000 65536"));
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["code"], "stale-mappings", "{c:#}");
    let message = c["message"].as_str().unwrap_or_default();
    assert!(message.contains("pid 4242"), "{message}");
    assert!(
        message.contains("100000-165535 are not mapped"),
        "{message}"
    );
    assert!(
        message.contains("300000-365535 are mapped but no longer"),
        "{message}"
    );
    assert_eq!(c["remediation"][0]["commands"][0], "podman system migrate");
    assert_eq!(c["remediation"][0]["requires_root"], false);
    // No pause process at all: nothing can be stale.
    let c = pause_verdict(Test::new());
    assert_eq!(c["status"], "pass", "{c:#}");
}

#[test]
fn a_reused_pause_pid_and_a_tmp_dir_from_an_earlier_boot_are_named() {
    let test = pause_process("100000 65536")
        .file("proc/4242/comm", "bash\n")
        .file("proc/4242/uid_map", "0 0 4294967295\n");
    let c = pause_verdict(test);
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(c["code"], "pid-reused", "{c:#}");
    assert!(c["remediation"][0]["commands"][0]
        .as_str()
        .unwrap_or_default()
        .starts_with("rm -f /run/user/1000/libpod/tmp/pause.pid"));
    // A boot time after the files were written: they survived a reboot.
    let c = pause_verdict(
        pause_process("100000 65536").file("proc/stat", "cpu  1 2 3\nbtime 99999999999\n"),
    );
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(c["code"], "stale-boot", "{c:#}");
    // A zombie is not running.
    let c = pause_verdict(pause_process("300000 65536").file(
        "proc/4242/status",
        "Name:\tpodman pause\nState:\tZ (zombie)\nUid:\t1000\t1000\t1000\t1000\n",
    ));
    assert_eq!(c["status"], "pass", "{c:#}");
}

#[test]
fn auto_userns_judges_the_containers_user_for_a_root_subject_only() {
    let only = ["--only", "subid.auto-userns,subid.subuid"];
    let podman = |test: Test| {
        test.file("usr/bin/podman", "#!/bin/sh\n")
            .mode("usr/bin/podman", 0o755)
    };
    let (_, report) = Test::new().user("root").args(&only).json();
    assert_eq!(check(&report, "subid.auto-userns")["code"], "no-engine");
    let (_, report) = podman(Test::new()).user("root").args(&only).json();
    assert_eq!(status(&report, "subid.auto-userns"), "warn");
    assert_eq!(
        check(&report, "subid.auto-userns")["code"],
        "containers-no-entry"
    );
    // root's own missing ranges are still subid.subuid's finding.
    assert_eq!(check(&report, "subid.subuid")["code"], "no-entry");

    let (_, report) = podman(Test::new())
        .user("root")
        .file(
            "etc/passwd",
            "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000:Alice:/home/alice:/bin/bash\n\
             containers:x:999:999::/nonexistent:/usr/sbin/nologin\n",
        )
        .file(
            "etc/subuid",
            "alice:100000:65536\ncontainers:165536:65536\n",
        )
        .file(
            "etc/subgid",
            "alice:100000:65536\ncontainers:165536:65536\n",
        )
        .args(&only)
        .json();
    assert_eq!(status(&report, "subid.auto-userns"), "pass");

    let (_, report) = podman(Test::new()).args(&only).json();
    assert_eq!(status(&report, "subid.auto-userns"), "skip");
    assert_eq!(check(&report, "subid.auto-userns")["code"], "root-only");
}

#[test]
fn nerdctl_without_rootless_containerd_fails_its_engine_entry_first() {
    let only = ["--only", "engine.nerdctl,runtime.oci-runtime"];
    let host = || {
        Test::new()
            .file("usr/local/bin/nerdctl", "#!/bin/sh\n")
            .mode("usr/local/bin/nerdctl", 0o755)
            .args(&only)
    };
    let nerdctl = |report: &serde_json::Value| {
        crate::harness::engine(report, "nerdctl")
            .cloned()
            .unwrap_or_default()
    };
    let (_, report) = host().json();
    assert_eq!(status(&report, "engine.nerdctl"), "fail");
    assert_eq!(
        check(&report, "engine.nerdctl")["code"],
        "containerd-not-running"
    );
    assert_eq!(nerdctl(&report)["verdict"], "fails");
    assert_eq!(nerdctl(&report)["blocked_by"][0], "engine.nerdctl");

    let state = "run/user/1000/containerd-rootless";
    let (_, report) = host().file(&format!("{state}/child_pid"), "4242\n").json();
    assert_eq!(check(&report, "engine.nerdctl")["code"], "containerd-stale");

    let (_, report) = host()
        .file(&format!("{state}/child_pid"), "4242\n")
        .file(
            "proc/4242/status",
            "Name:\trootlesskit\nState:\tS (sleeping)\nUid:\t1000\t1000\t1000\t1000\n",
        )
        .json();
    assert_eq!(status(&report, "engine.nerdctl"), "pass");
    let blocked = nerdctl(&report)["blocked_by"].to_string();
    assert!(!blocked.contains("engine.nerdctl"), "{blocked}");

    let (_, report) = Test::new().args(&only).json();
    assert_eq!(check(&report, "engine.nerdctl")["code"], "not-installed");
    assert!(nerdctl(&report).is_null());
}

#[test]
fn a_private_root_warns_on_mount_bind_and_bind_mounts_still_work() {
    let private = Test::new()
        .probes(LIVE_OK)
        .file(
            "proc/self/mountinfo",
            "22 1 254:1 / / rw,relatime master:3 - ext4 /dev/vda1 rw\n",
        )
        .args(&["--only", "userns.create,mount.bind"]);
    let (_, report) = private.json();
    assert_eq!(status(&report, "mount.bind"), "warn", "{report:#}");
    let c = check(&report, "mount.bind");
    assert_eq!(c["code"], "root-not-shared", "{c:#}");
    assert!(c["remediation"]
        .to_string()
        .contains("mount --make-rshared /"));
    assert_eq!(report["capabilities"]["bind_mount"], true, "{report:#}");
    // setup offers `mount --make-rshared /` commented out only: it changes
    // every mount of the machine.
    let script = Test::new()
        .probes(LIVE_OK)
        .file(
            "proc/self/mountinfo",
            "22 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n",
        )
        .args(&["setup", "--only", "userns.create,mount.bind"])
        .run()
        .code(0)
        .stdout;
    assert!(
        script.contains("#     { mount --make-rshared /; } &&"),
        "{script}"
    );
    assert!(
        !script.contains("\n    { mount --make-rshared /"),
        "{script}"
    );
    // The healthy fixture's / is shared: a pass.
    let (_, report) = Test::new()
        .probes(LIVE_OK)
        .args(&["--only", "userns.create,mount.bind"])
        .json();
    assert_eq!(status(&report, "mount.bind"), "pass", "{report:#}");
}

// ---------------- runtime.oci-runtime: runc's hardened /proc access

/// A fixture with Debian's runc package at `version`, vouched for by dpkg.
fn packaged_runc(version: &str) -> Test {
    Test::new()
        .file("usr/sbin/runc", "")
        .mode("usr/sbin/runc", 0o755)
        .file(
            "var/lib/dpkg/status",
            &format!("Package: runc\nStatus: install ok installed\nVersion: {version}-1\n"),
        )
        .file("var/lib/dpkg/info/runc.md5sums", "0123  usr/sbin/runc\n")
        .args(&["--only", "runtime.oci-runtime"])
}

/// `runtime.oci-runtime`'s status and code, and runc's engine verdict.
fn runc_verdict(test: Test) -> (String, String, String) {
    let (_, report) = test.json();
    let c = check(&report, "runtime.oci-runtime");
    let runc = report["engines"]
        .as_array()
        .and_then(|e| e.iter().find(|e| e["name"] == "runc"))
        .map(|e| e["verdict"].as_str().unwrap_or("?").to_string())
        .unwrap_or_default();
    (
        c["status"].as_str().unwrap_or("?").to_string(),
        c["code"].as_str().unwrap_or("-").to_string(),
        runc,
    )
}

#[test]
fn runc_procfs_hardening_matrix_on_fixture_hosts() {
    let v = |s: &str, c: &str, r: &str| (s.to_string(), c.to_string(), r.to_string());
    // The fixture has no /proc/self/setgroups unless a case writes it.
    let setgroups = |t: Test| t.file("proc/self/setgroups", "allow\n");
    let lxc = |t: Test| {
        t.file(
            "proc/self/attr/current",
            "lxc-container-default-cgns (enforce)\n",
        )
    };
    // Hardened runc, no setgroups: every container fails, and runc fails
    // on runtime.oci-runtime whatever else is unknown.
    for version in ["1.2.8", "1.3.3", "1.4.0~rc.3"] {
        assert_eq!(
            runc_verdict(packaged_runc(version)),
            v("fail", "runc-procfs-no-setgroups", "fails"),
            "{version}"
        );
    }
    // Fixed (1.4.1), older (Debian 12's 1.1.5, 1.3.2) or setgroups present: a pass.
    for version in ["1.1.5+ds1", "1.3.2", "1.4.1"] {
        let (status, _, _) = runc_verdict(packaged_runc(version));
        assert_eq!(status, "pass", "{version}");
    }
    assert_eq!(runc_verdict(setgroups(packaged_runc("1.3.3"))).0, "pass");
    // Inside an LXC container: a warning, runc still counted as running.
    let (status, code, _) = runc_verdict(lxc(setgroups(packaged_runc("1.3.3"))));
    assert_eq!(
        (status.as_str(), code.as_str()),
        ("warn", "runc-procfs-in-lxc")
    );
    let (status, _, _) = runc_verdict(lxc(setgroups(packaged_runc("1.1.5+ds1"))));
    assert_eq!(status, "pass");
}
