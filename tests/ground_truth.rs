//! The doctor agrees with real runc, as the throwaway test user, on this host.
//!
//! Each scenario builds the state (a PATH, a copy of newuidmap, /etc/subuid,
//! the mode of /dev/fuse), asks runc whether a single-id and a 65536-id
//! container start, asks the doctor, and compares. State is restored by guards.

use crate::live::{live, parse_report, Live, Restore, RestoreMode, PATH};
use serde_json::Value;
use std::fs;
use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::Command;

fn capability(report: &Value, key: &str) -> Value {
    report["capabilities"][key].clone()
}

fn status<'a>(report: &'a Value, id: &str) -> &'a str {
    crate::harness::status(report, id)
}

/// Asserts that the doctor's single-id and multi-id capabilities say what runc does.
fn assert_agrees_with_runc(live: &Live, path: &str, report: &Value, scenario: &str) {
    let single = live.bundle(&format!("{scenario}-single"), false);
    let multi = live.bundle(&format!("{scenario}-multi"), true);
    let (single_ok, single_err) = live.runc_starts(&single, path);
    let (multi_ok, multi_err) = live.runc_starts(&multi, path);
    assert_eq!(
        capability(report, "single_id"),
        Value::Bool(single_ok),
        "{scenario}: single-id disagrees with runc ({single_err})\n{report:#}"
    );
    assert_eq!(
        capability(report, "multi_id"),
        Value::Bool(multi_ok),
        "{scenario}: multi-id disagrees with runc ({multi_err})\n{report:#}"
    );
}

/// A directory that holds runc and newgidmap but no newuidmap, for a PATH.
fn path_dir(live: &Live, name: &str) -> std::path::PathBuf {
    let dir = live.dir.path().join(name);
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    for tool in ["/usr/sbin/runc", "/usr/bin/newgidmap", "/usr/bin/crun"] {
        symlink(tool, dir.join(Path::new(tool).file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn healthy_host_agrees_with_runc_and_with_stat() {
    let Some(live) = live("healthy_host_agrees_with_runc_and_with_stat") else {
        return;
    };
    let report = live.doctor(PATH, &[]);
    assert_eq!(
        capability(&report, "userns"),
        Value::Bool(true),
        "{report:#}"
    );
    assert_agrees_with_runc(&live, PATH, &report, "healthy");
    // What stat says of newuidmap is what the doctor says.
    let meta = fs::metadata("/usr/bin/newuidmap").unwrap();
    let setuid_root = meta.uid() == 0 && meta.mode() & 0o4000 != 0;
    let expected = if setuid_root { "pass" } else { "fail" };
    assert_eq!(status(&report, "idmap.newuidmap"), expected, "{report:#}");
    assert_eq!(status(&report, "subid.subuid"), "pass", "{report:#}");
}

#[test]
fn newuidmap_missing_from_path() {
    let Some(live) = live("newuidmap_missing_from_path") else {
        return;
    };
    let dir = path_dir(&live, "no-newuidmap");
    let path = dir.to_str().unwrap().to_string();
    let report = live.doctor(&path, &[]);
    assert_eq!(status(&report, "idmap.newuidmap"), "fail", "{report:#}");
    assert_agrees_with_runc(&live, &path, &report, "no-newuidmap");
}

#[test]
fn newuidmap_without_setuid_and_with_file_capabilities() {
    let Some(live) = live("newuidmap_without_setuid_and_with_file_capabilities") else {
        return;
    };
    let dir = path_dir(&live, "copy");
    let copy = dir.join("newuidmap");
    fs::copy("/usr/bin/newuidmap", &copy).unwrap();
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{PATH}", dir.display());

    let report = live.doctor(&path, &[]);
    assert_eq!(status(&report, "idmap.newuidmap"), "fail", "{report:#}");
    assert_agrees_with_runc(&live, &path, &report, "unprivileged");

    let setcap = Command::new("setcap")
        .arg("cap_setuid+ep")
        .arg(&copy)
        .status()
        .unwrap();
    assert!(setcap.success());
    let report = live.doctor(&path, &[]);
    assert_eq!(status(&report, "idmap.newuidmap"), "pass", "{report:#}");
    assert_agrees_with_runc(&live, &path, &report, "filecaps");

    // Setuid root as well: the kernel grants only the file capabilities.
    fs::set_permissions(&copy, fs::Permissions::from_mode(0o4755)).unwrap();
    let report = live.doctor(&path, &[]);
    assert_eq!(status(&report, "idmap.newuidmap"), "fail", "{report:#}");
    assert_agrees_with_runc(&live, &path, &report, "setuid-and-filecaps");
}

#[test]
fn no_subuid_entry_and_a_too_small_range() {
    let Some(live) = live("no_subuid_entry_and_a_too_small_range") else {
        return;
    };
    let _subuid = Restore::save("/etc/subuid");
    let original = fs::read_to_string("/etc/subuid").unwrap();
    let others: String = original
        .lines()
        .filter(|l| !l.starts_with(&format!("{}:", live.user)))
        .map(|l| format!("{l}\n"))
        .collect();
    // Bundles read the ranges before we change them.
    let single = live.bundle("nosub-single", false);
    let multi = live.bundle("nosub-multi", true);

    fs::write("/etc/subuid", &others).unwrap();
    let report = live.doctor(PATH, &[]);
    assert_eq!(status(&report, "subid.subuid"), "fail", "{report:#}");
    assert_eq!(
        capability(&report, "multi_id"),
        Value::Bool(live.runc_starts(&multi, PATH).0)
    );
    assert_eq!(
        capability(&report, "single_id"),
        Value::Bool(live.runc_starts(&single, PATH).0)
    );

    let (start, _) = live_range(&original, &live.user);
    fs::write(
        "/etc/subuid",
        format!("{others}{}:{start}:1000\n", live.user),
    )
    .unwrap();
    let report = live.doctor(PATH, &[]);
    assert_eq!(status(&report, "subid.subuid"), "warn", "{report:#}");
    assert_eq!(
        capability(&report, "multi_id"),
        Value::Bool(live.runc_starts(&multi, PATH).0),
        "{report:#}"
    );
}

fn live_range(subuid: &str, user: &str) -> (u32, u32) {
    subuid
        .lines()
        .find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() == 3 && f[0] == user).then(|| (f[1].parse().unwrap(), f[2].parse().unwrap()))
        })
        .expect("the test user has a subuid range")
}

/// Whether fuse-overlayfs really mounts for the user, tried by hand.
fn fuse_mounts_for_real(live: &Live) -> bool {
    let base = live.dir.path().join(format!(
        "fuse-{}",
        fs::read_dir(live.dir.path()).unwrap().count()
    ));
    for d in ["lower", "upper", "work", "merged"] {
        fs::create_dir_all(base.join(d)).unwrap();
    }
    Command::new("chown")
        .args(["-R", &format!("{}:{}", live.uid, live.gid)])
        .arg(&base)
        .status()
        .unwrap();
    let b = base.display();
    let script = format!(
        "fuse-overlayfs -o lowerdir={b}/lower,upperdir={b}/upper,workdir={b}/work {b}/merged \
         && touch {b}/merged/x && umount {b}/merged"
    );
    live.as_user(
        &[
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            &script,
        ],
        PATH,
    )
    .status
    .success()
}

fn fuse_probe_ok(report: &Value) -> Option<bool> {
    crate::harness::check(report, "mount.fuse-overlayfs")["evidence"]
        .as_array()?
        .iter()
        .find(|e| e["kind"] == "probe")
        .and_then(|e| e["ok"].as_bool())
}

#[test]
fn dev_fuse_closed_and_open() {
    let Some(live) = live("dev_fuse_closed_and_open") else {
        return;
    };
    let _mode = RestoreMode::save("/dev/fuse");
    for mode in [0o600, 0o666] {
        fs::set_permissions("/dev/fuse", fs::Permissions::from_mode(mode)).unwrap();
        let report = live.doctor(PATH, &[]);
        let real = fuse_mounts_for_real(&live);
        assert_eq!(
            fuse_probe_ok(&report),
            Some(real),
            "/dev/fuse mode {mode:o}\n{report:#}"
        );
    }
}

#[test]
fn a_hanging_fuse_overlayfs_costs_the_timeout_and_leaves_nothing() {
    let Some(live) = live("a_hanging_fuse_overlayfs_costs_the_timeout_and_leaves_nothing") else {
        return;
    };
    let _mode = RestoreMode::save("/dev/fuse");
    fs::set_permissions("/dev/fuse", fs::Permissions::from_mode(0o666)).unwrap();
    let dir = live.dir.path().join("hang");
    fs::create_dir(&dir).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let fake = dir.join("fuse-overlayfs");
    fs::write(&fake, "#!/bin/sh\nexec sleep 1000\n").unwrap();
    fs::set_permissions(&fake, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{PATH}", dir.display());
    let before_processes = live.processes();
    let started = std::time::Instant::now();
    let report = live.doctor(&path, &["--timeout", "1"]);
    assert!(
        started.elapsed().as_secs_f64() < 20.0,
        "a hung probe held the doctor"
    );
    assert_eq!(
        status(&report, "mount.fuse-overlayfs"),
        "error",
        "{report:#}"
    );
    let survivors = live.new_processes(&before_processes);
    assert!(survivors.is_empty(), "processes survived: {survivors:?}");
}

#[test]
fn repeated_runs_leave_no_mounts_files_or_processes() {
    let Some(live) = live("repeated_runs_leave_no_mounts_files_or_processes") else {
        return;
    };
    let snapshot = || {
        let mounts = fs::read_to_string("/proc/self/mountinfo").unwrap();
        let tmp: Vec<String> = fs::read_dir("/tmp")
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        let xdg: Vec<String> = fs::read_dir(&live.xdg)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        (mounts, tmp.len(), xdg)
    };
    let before = snapshot();
    let before_processes = live.processes();
    for _ in 0..3 {
        live.doctor(PATH, &[]);
    }
    assert_eq!(snapshot(), before);
    let survivors = live.new_processes(&before_processes);
    assert!(survivors.is_empty(), "processes survived: {survivors:?}");
}

#[test]
fn root_with_user_gives_the_users_own_verdicts() {
    let Some(live) = live("root_with_user_gives_the_users_own_verdicts") else {
        return;
    };
    // root --user derives XDG_RUNTIME_DIR as /run/user/UID: make it real for both runs.
    let run_dir = std::path::PathBuf::from(format!("/run/user/{}", live.uid));
    let created = !run_dir.exists();
    if created {
        fs::create_dir_all(&run_dir).unwrap();
        fs::set_permissions(&run_dir, fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::chown(&run_dir, Some(live.uid), Some(live.gid)).unwrap();
    }
    struct RemoveDir(std::path::PathBuf, bool);
    impl Drop for RemoveDir {
        fn drop(&mut self) {
            if self.1 {
                let _ = fs::remove_dir_all(&self.0);
            }
        }
    }
    let _guard = RemoveDir(run_dir.clone(), created);
    let own = Command::new("runuser")
        .args(["-u", &live.user, "--", "env", "-i"])
        .arg(format!("PATH={}", checks::subject::LOGIN_PATH))
        .arg(format!("XDG_RUNTIME_DIR={}", run_dir.display()))
        .arg(live.exe())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let by_root = Command::new(live.exe())
        .args(["--format", "json", "--user", &live.user])
        .env_remove("SUDO_UID")
        .output()
        .unwrap();
    let (own, by_root) = (parse_report(&own), parse_report(&by_root));
    // limits.nofile is left out: root estimates what a fresh login gets
    // (init's limits, then limits.conf), while the user's run here inherits
    // the test runner's own limits, which no login would (tests/session_truth.rs
    // compares each with the limits really in force).
    let verdicts = |r: &Value| -> Vec<(String, String)> {
        r["checks"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["id"] != "limits.nofile")
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_string(),
                    c["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        verdicts(&own),
        verdicts(&by_root),
        "own:\n{own:#}\nby root:\n{by_root:#}"
    );
    assert_eq!(own["capabilities"], by_root["capabilities"]);
    assert_eq!(by_root["subject"]["uid"], live.uid);
}

/// Runs the rest of the command line under a seccomp filter that answers
/// EPERM to unshare and clone with CLONE_NEWUSER (ENOSYS to clone3), like a
/// container engine's default profile.
const NO_USERNS_FILTER: &str = r#"import errno, os, sys, seccomp
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
NEWUSER = 0x10000000
for call in ("unshare", "clone"):
    f.add_rule(seccomp.ERRNO(errno.EPERM), call, seccomp.Arg(0, seccomp.MASKED_EQ, NEWUSER, NEWUSER))
f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
f.load()
os.execvp(sys.argv[1], sys.argv[1:])
"#;

#[test]
fn a_seccomp_filter_against_user_namespaces_is_named_and_agrees_with_runc() {
    let Some(live) = live("a_seccomp_filter_against_user_namespaces_is_named_and_agrees_with_runc")
    else {
        return;
    };
    if Command::new("/usr/bin/python3")
        .args(["-c", "import seccomp"])
        .status()
        .map(|s| !s.success())
        .unwrap_or(true)
    {
        panic!("python3-seccomp is needed (tests/run.sh installs it)");
    }
    let filter = live.dir.path().join("no-userns.py");
    fs::write(&filter, NO_USERNS_FILTER).unwrap();
    let filter = filter.to_str().unwrap().to_string();
    let exe = live.exe();
    let output = live.as_user(
        &[
            "/usr/bin/python3",
            &filter,
            exe.to_str().unwrap(),
            "--format",
            "json",
        ],
        PATH,
    );
    let report = parse_report(&output);
    assert_eq!(status(&report, "userns.create"), "fail", "{report:#}");
    let message = crate::harness::check(&report, "userns.create")["message"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert!(message.contains("seccomp"), "the cause is named: {message}");
    let bundle = live.bundle("seccomp", false);
    let root = live.xdg.join("runc");
    let runc = live.as_user(
        &[
            "/usr/bin/python3",
            &filter,
            "runc",
            "--root",
            root.to_str().unwrap(),
            "run",
            "--bundle",
            bundle.to_str().unwrap(),
            "rd-seccomp",
        ],
        PATH,
    );
    assert_eq!(
        capability(&report, "single_id"),
        Value::Bool(runc.status.success()),
        "{}",
        String::from_utf8_lossy(&runc.stderr)
    );
    assert_eq!(capability(&report, "userns"), Value::Bool(false));
}

#[test]
fn another_user_without_root_is_a_usage_error() {
    let Some(live) = live("another_user_without_root_is_a_usage_error") else {
        return;
    };
    let exe = live.exe();
    let output = live.as_user(&[exe.to_str().unwrap(), "--user", "root"], PATH);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("diagnosing another user needs root"),
        "{stderr}"
    );
    assert!(output.stdout.is_empty());
}
