//! Live: `state.pause-process` against podman's real pause process. The test
//! makes its own user (it changes the user's subordinate ranges, which the
//! shared test user must keep), with a scratch HOME and XDG_RUNTIME_DIR:
//!
//! 1. range A: `podman unshare` starts the pause process, which maps A; the
//!    doctor passes;
//! 2. /etc/subuid and /etc/subgid changed to range B: `podman unshare` still
//!    runs in the pause process's namespace with A (ground truth read from
//!    /proc/<pid>/uid_map and from inside), and the doctor fails with
//!    `stale-mappings`, its fix `podman system migrate`;
//! 3. `podman system migrate` as the user: the pause process is gone and the
//!    doctor passes; the next `podman unshare` maps B and the doctor passes.
//!
//! Also: a pause process made before the user had a range (single mapping,
//! then a range added: `podman import` fails with insufficient ids, explain
//! confirms the stale pause process); a tmp dir from an earlier boot (every
//! process killed, `alive` dated before the boot: `podman ps` fails, the
//! doctor warns, its printed fix works); rootlesskit's child with an old range
//! (fails until rootlesskit stops). Each doctor run is made by the user and
//! by root with `--user`, which must agree.
//!
//! Runs as root when `ROOTLESS_DOCTOR_TEST_USER` is set (a live run); the
//! user, its processes and its subordinate lines are removed in a guard that
//! runs even when the test fails. Only processes of that user are killed.

use crate::live::ONE_AT_A_TIME;
use std::fs;
use std::os::unix::fs::{chown, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const PATH: &str = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
const SUBID_FILES: [&str; 2] = ["/etc/subuid", "/etc/subgid"];

/// The test's own user; dropping it kills its processes, deletes it and
/// removes its subordinate lines.
struct User {
    name: String,
    uid: u32,
    gid: u32,
    dir: tempfile::TempDir,
    /// Whether the test made /run/user itself (then the guard removes it).
    made_run_user: bool,
}

impl User {
    fn create() -> Option<User> {
        let name = format!("rdst{}", std::process::id() % 100_000);
        let dir = tempfile::Builder::new()
            .prefix("rd-state-")
            .tempdir_in("/tmp")
            .ok()?;
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).ok()?;
        let home = dir.path().join("home");
        let ok = Command::new("useradd")
            .args(["-M", "-s", "/bin/sh", "-d"])
            .arg(&home)
            .arg(&name)
            .status()
            .ok()?
            .success();
        if !ok {
            eprintln!("skipped: useradd {name} failed");
            return None;
        }
        let account = nix::unistd::User::from_name(&name).ok().flatten()?;
        let user = User {
            name,
            uid: account.uid.as_raw(),
            gid: account.gid.as_raw(),
            dir,
            made_run_user: !Path::new("/run/user").exists(),
        };
        let xdg = user.xdg();
        if xdg.exists() {
            eprintln!("skipped: {} exists already", xdg.display());
            return None;
        }
        for (path, mode) in [(&home, 0o755), (&xdg, 0o700)] {
            fs::create_dir_all(path).ok()?;
            fs::set_permissions(path, fs::Permissions::from_mode(mode)).ok()?;
            chown(path, Some(user.uid), Some(user.gid)).ok()?;
        }
        Some(user)
    }

    fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    /// The runtime dir a login would give the new user, which root's
    /// `--user` run assumes too; made by the test, removed by the guard.
    fn xdg(&self) -> PathBuf {
        PathBuf::from(format!("/run/user/{}", self.uid))
    }

    /// Runs `argv` as the user, with a clean environment.
    fn run(&self, argv: &[&str]) -> Output {
        Command::new("runuser")
            .args(["-u", &self.name, "--", "env", "-i"])
            .arg(format!("PATH={PATH}"))
            .arg(format!("HOME={}", self.home().display()))
            .arg(format!("XDG_RUNTIME_DIR={}", self.xdg().display()))
            .args(argv)
            .current_dir(self.dir.path())
            .output()
            .expect("runuser")
    }

    /// Gives the user exactly one range in both files (other lines untouched).
    fn set_range(&self, start: u64) {
        self.rewrite(Some(start));
    }

    /// Takes the user's lines out of both files (other lines untouched).
    fn clear_range(&self) {
        self.rewrite(None);
    }

    fn rewrite(&self, start: Option<u64>) {
        for file in SUBID_FILES {
            let text = fs::read_to_string(file).unwrap_or_default();
            let mut lines: Vec<String> = text
                .lines()
                .filter(|l| !self.owns(l))
                .map(str::to_string)
                .collect();
            if let Some(start) = start {
                lines.push(format!("{}:{start}:65536", self.name));
            }
            fs::write(file, lines.join("\n") + "\n").expect("write subordinate ids");
        }
    }

    fn owns(&self, line: &str) -> bool {
        let owner = line.split(':').next().unwrap_or("");
        owner == self.name || owner == self.uid.to_string()
    }

    /// The pids of the user's processes.
    fn pids(&self) -> Vec<i32> {
        let mut out = Vec::new();
        for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
                continue;
            };
            let status = fs::read_to_string(entry.path().join("status")).unwrap_or_default();
            let uid = status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u32>().ok());
            if uid == Some(self.uid) {
                out.push(pid);
            }
        }
        out
    }

    /// The pause process's pid, as podman wrote it.
    fn pause_pid(&self) -> Option<u32> {
        fs::read_to_string(self.xdg().join("libpod/tmp/pause.pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    /// The doctor's verdict on state.pause-process, run as the user; root's
    /// `--user` run must give the same status and code.
    fn doctor(&self, exe: &Path) -> serde_json::Value {
        let args = ["--format", "json", "--only", "state.pause-process"];
        let mut argv = vec![exe.to_str().unwrap()];
        argv.extend(args);
        let own = crate::live::parse_report(&self.run(&argv));
        let own = crate::harness::check(&own, "state.pause-process").clone();
        let root = Command::new(exe)
            .args(args)
            .args(["--user", &self.name])
            .current_dir("/")
            .output()
            .expect("run the doctor as root");
        let root = crate::live::parse_report(&root);
        let root = crate::harness::check(&root, "state.pause-process");
        assert_eq!(
            (&root["status"], &root["code"]),
            (&own["status"], &own["code"]),
            "root --user {} disagrees with the user's own run:\n{root:#}\n{own:#}",
            self.name
        );
        own
    }
}

impl Drop for User {
    fn drop(&mut self) {
        // Only this user's processes, by pid.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let pids = self.pids();
            if pids.is_empty() || Instant::now() > deadline {
                break;
            }
            for pid in pids {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = fs::remove_dir_all(self.xdg());
        // A rootlesskit killed before it could remove its state dir.
        for entry in fs::read_dir("/tmp").into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let theirs = fs::symlink_metadata(entry.path())
                .is_ok_and(|m| m.is_dir() && std::os::unix::fs::MetadataExt::uid(&m) == self.uid);
            if name.starts_with("rootlesskit") && theirs {
                let _ = fs::remove_dir_all(entry.path());
            }
        }
        if self.made_run_user {
            let _ = fs::remove_dir("/run/user");
        }
        let _ = Command::new("userdel").arg(&self.name).status();
        for file in SUBID_FILES {
            if let Ok(text) = fs::read_to_string(file) {
                let kept: Vec<&str> = text.lines().filter(|l| !self.owns(l)).collect();
                let mut out = kept.join("\n");
                if !out.is_empty() {
                    out.push('\n');
                }
                if out != text {
                    let _ = fs::write(file, out);
                }
            }
        }
    }
}

/// Parses a uid_map as the kernel prints it.
fn map_of(text: &str) -> Vec<(u64, u64, u64)> {
    text.lines()
        .filter_map(|l| {
            let v: Vec<u64> = l
                .split_whitespace()
                .filter_map(|f| f.parse().ok())
                .collect();
            (v.len() == 3).then(|| (v[0], v[1], v[2]))
        })
        .collect()
}

/// The map podman writes from today's file: own id -> 0, the ranges -> 1..
fn todays_map(file: &str, user: &User, own: u32) -> Vec<(u64, u64, u64)> {
    let mut out = vec![(0, u64::from(own), 1)];
    let mut inside = 1;
    for line in fs::read_to_string(file).unwrap().lines() {
        if !user.owns(line) {
            continue;
        }
        let f: Vec<u64> = line
            .split(':')
            .skip(1)
            .filter_map(|v| v.parse().ok())
            .collect();
        if f.len() == 2 {
            out.push((inside, f[0], f[1]));
            inside += f[1];
        }
    }
    out
}

/// A start for two fresh 65536-id ranges past every range in both files.
fn free_start() -> u64 {
    let end = SUBID_FILES
        .iter()
        .flat_map(|f| {
            fs::read_to_string(f)
                .unwrap_or_default()
                .lines()
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter_map(|l| {
            let f: Vec<u64> = l
                .split(':')
                .skip(1)
                .filter_map(|v| v.parse().ok())
                .collect();
            (f.len() == 2).then(|| f[0] + f[1])
        })
        .max()
        .unwrap_or(100_000);
    end.div_ceil(65536) * 65536 + 65536
}

fn wait_gone(pid: u32) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Path::new(&format!("/proc/{pid}")).exists() {
        if Instant::now() > deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    true
}

/// Whether this run may create a user and run podman (a live run as root).
fn live_podman(test: &str) -> bool {
    if std::env::var("ROOTLESS_DOCTOR_TEST_USER").is_err() {
        eprintln!("skipped {test}: ROOTLESS_DOCTOR_TEST_USER is not set (a live run only)");
        return false;
    }
    if !nix::unistd::geteuid().is_root() {
        eprintln!("skipped {test}: needs root to create its own user");
        return false;
    }
    if !Path::new("/usr/bin/podman").exists() {
        eprintln!("skipped {test}: podman is not installed");
        return false;
    }
    true
}

/// The doctor's binary, executable by the user.
fn doctor_exe(user: &User) -> PathBuf {
    let exe = user.dir.path().join("rootless-doctor");
    fs::copy(crate::harness::binary(), &exe).unwrap();
    fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
    exe
}

/// The commands of a check's fixes.
fn commands(c: &serde_json::Value) -> Vec<String> {
    c["remediation"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|r| r["commands"].as_array().into_iter().flatten())
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect()
}

#[test]
fn a_stale_pause_process_fails_until_podman_system_migrate() {
    let _lock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !live_podman("a_stale_pause_process_fails_until_podman_system_migrate") {
        return;
    }
    let Some(user) = User::create() else {
        return;
    };
    let exe = doctor_exe(&user);
    let a = free_start();
    let b = a + 65536;

    // 1. Range A: the pause process maps A, the doctor passes.
    user.set_range(a);
    let inside = user.run(&["podman", "unshare", "cat", "/proc/self/uid_map"]);
    assert!(
        inside.status.success(),
        "podman unshare: {}",
        String::from_utf8_lossy(&inside.stderr)
    );
    let pid = user.pause_pid().expect("podman wrote pause.pid");
    let real = map_of(&fs::read_to_string(format!("/proc/{pid}/uid_map")).unwrap());
    assert_eq!(real, todays_map("/etc/subuid", &user, user.uid));
    assert_eq!(map_of(&String::from_utf8_lossy(&inside.stdout)), real);
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "pass", "range A, pause process {pid}: {c:#}");

    // 2. Range B: podman still joins the namespace with A.
    user.set_range(b);
    let real = map_of(&fs::read_to_string(format!("/proc/{pid}/uid_map")).unwrap());
    let today = todays_map("/etc/subuid", &user, user.uid);
    assert_ne!(real, today, "the pause process maps what /etc/subuid gives");
    let inside = user.run(&["podman", "unshare", "cat", "/proc/self/uid_map"]);
    assert_eq!(
        map_of(&String::from_utf8_lossy(&inside.stdout)),
        real,
        "podman unshare after the change runs in the old namespace: {}",
        String::from_utf8_lossy(&inside.stderr)
    );
    assert_eq!(user.pause_pid(), Some(pid));
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "fail", "range B, stale pause process: {c:#}");
    assert_eq!(c["code"], "stale-mappings", "{c:#}");
    assert!(
        commands(&c).contains(&"podman system migrate".to_string()),
        "{c:#}"
    );

    // 3. `podman system migrate`: the pause process stops, the doctor passes.
    let migrate = user.run(&["podman", "system", "migrate"]);
    assert!(
        migrate.status.success(),
        "podman system migrate: {}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(wait_gone(pid), "podman system migrate left pid {pid}");
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "pass", "after migrate: {c:#}");
    let inside = user.run(&["podman", "unshare", "cat", "/proc/self/uid_map"]);
    let today = todays_map("/etc/subuid", &user, user.uid);
    assert_eq!(map_of(&String::from_utf8_lossy(&inside.stdout)), today);
    let pid = user.pause_pid().expect("a new pause process");
    let real = map_of(&fs::read_to_string(format!("/proc/{pid}/uid_map")).unwrap());
    assert_eq!(real, today);
    let c = user.doctor(&exe);
    assert_eq!(
        c["status"], "pass",
        "new pause process {pid} with range B: {c:#}"
    );
}

/// A tar whose one file belongs to gid 42 (shadow's group in many images).
fn gid42_tar(user: &User) -> PathBuf {
    let tree = user.dir.path().join("tree/etc");
    fs::create_dir_all(&tree).unwrap();
    fs::write(tree.join("gshadow"), "root:*::\n").unwrap();
    let tar = user.dir.path().join("gid42.tar");
    let ok = Command::new("tar")
        .arg("-C")
        .arg(user.dir.path().join("tree"))
        .args(["--owner=0", "--group=42", "-cf"])
        .arg(&tar)
        .arg(".")
        .status()
        .unwrap()
        .success();
    assert!(ok, "tar");
    fs::set_permissions(&tar, fs::Permissions::from_mode(0o644)).unwrap();
    tar
}

#[test]
fn a_single_mapping_made_before_the_range_was_added_is_stale() {
    let _lock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !live_podman("a_single_mapping_made_before_the_range_was_added_is_stale") {
        return;
    }
    let Some(user) = User::create() else {
        return;
    };
    let exe = doctor_exe(&user);
    let tar = gid42_tar(&user);
    let tar = tar.to_str().unwrap();

    // No range: podman maps the own id alone, and that is all there is.
    user.clear_range();
    let inside = user.run(&["podman", "unshare", "cat", "/proc/self/uid_map"]);
    assert_eq!(
        map_of(&String::from_utf8_lossy(&inside.stdout)),
        [(0, u64::from(user.uid), 1)],
        "{}",
        String::from_utf8_lossy(&inside.stderr)
    );
    let pid = user.pause_pid().expect("podman wrote pause.pid");
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "pass", "no range, single mapping: {c:#}");

    // A range added: podman keeps the single mapping, an image with a file
    // of gid 42 cannot be stored, and the doctor fails.
    user.set_range(free_start());
    let real = map_of(&fs::read_to_string(format!("/proc/{pid}/uid_map")).unwrap());
    assert_eq!(real, [(0, u64::from(user.uid), 1)]);
    assert_ne!(real, todays_map("/etc/subuid", &user, user.uid));
    let import = user.run(&["podman", "import", "-q", tar, "localhost/gid42"]);
    let stderr = String::from_utf8_lossy(&import.stderr).into_owned();
    assert!(!import.status.success(), "podman import worked: {stderr}");
    assert!(
        stderr.contains("potentially insufficient UIDs or GIDs available in user namespace"),
        "{stderr}"
    );
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["code"], "stale-mappings", "{c:#}");
    assert!(
        commands(&c).contains(&"podman system migrate".to_string()),
        "{c:#}"
    );
    // explain, as the user, on podman's own words: the stale pause process is
    // confirmed by this check.
    let error_line = stderr
        .lines()
        .find(|l| l.starts_with("Error:"))
        .unwrap_or(&stderr)
        .to_string();
    let explained = user.run(&[
        exe.to_str().unwrap(),
        "explain",
        "--format",
        "json",
        &error_line,
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&explained.stdout).unwrap_or_else(|e| {
        panic!(
            "explain JSON ({e}): {}",
            String::from_utf8_lossy(&explained.stderr)
        )
    });
    let stale = doc["causes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["id"] == "subuid-stale-pause-process")
        .unwrap_or_else(|| panic!("no stale pause cause: {doc:#}"));
    assert_eq!(stale["confirmed"], true, "{doc:#}");
    assert!(
        stale["supported_by"]
            .as_array()
            .is_some_and(|s| s.iter().any(|c| c == "state.pause-process")),
        "{doc:#}"
    );

    // After `podman system migrate` the same image is stored.
    let migrate = user.run(&["podman", "system", "migrate"]);
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(wait_gone(pid), "podman system migrate left pid {pid}");
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "pass", "after migrate: {c:#}");
    let import = user.run(&["podman", "import", "-q", tar, "localhost/gid42"]);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
}

/// Kills every process of the user (as a reboot would) and waits for them.
fn kill_all(user: &User) {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let pids = user.pids();
        if pids.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "processes of {} left", user.name);
        for pid in pids {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_tmp_dir_from_an_earlier_boot_warns_and_its_fix_works() {
    let _lock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !live_podman("a_tmp_dir_from_an_earlier_boot_warns_and_its_fix_works")
        || !Path::new("/bin/busybox").exists()
        || !Path::new("/usr/sbin/runc").exists()
    {
        return;
    }
    let Some(user) = User::create() else {
        return;
    };
    let exe = doctor_exe(&user);
    user.set_range(free_start());
    let tar = crate::live::busybox_tar(user.dir.path(), "bb");
    let run = [
        "podman",
        "run",
        "--net=none",
        "--runtime",
        "/usr/sbin/runc",
        "localhost/bb",
        "/bin/busybox",
    ];
    let import = user.run(&[
        "podman",
        "import",
        "-q",
        tar.to_str().unwrap(),
        "localhost/bb",
    ]);
    assert!(
        import.status.success(),
        "{}",
        String::from_utf8_lossy(&import.stderr)
    );
    let mut detached = run.to_vec();
    detached.insert(2, "-d");
    detached.push("sleep");
    detached.push("1000");
    let started = user.run(&detached);
    assert!(
        started.status.success(),
        "{}",
        String::from_utf8_lossy(&started.stderr)
    );
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "pass", "{c:#}");

    // A reboot that leaves the tmp dir: every process gone, the files stay,
    // written before the boot (podman looks at whether `alive` exists, the
    // doctor at when it was written).
    kill_all(&user);
    let btime: i64 = fs::read_to_string("/proc/stat")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse().ok())
        .expect("btime");
    let tmp = user.xdg().join("libpod/tmp");
    for name in ["alive", "pause.pid"] {
        let ok = Command::new("touch")
            .args(["-h", "-d", &format!("@{}", btime - 60)])
            .arg(tmp.join(name))
            .status()
            .unwrap()
            .success();
        assert!(ok, "touch {name}");
    }
    // Ground truth: podman believes the container runs and cannot start.
    let ps = user.run(&["podman", "ps"]);
    let stderr = String::from_utf8_lossy(&ps.stderr);
    assert!(!ps.status.success(), "podman ps worked after the reboot");
    assert!(
        stderr.contains("invalid internal status, try resetting the pause process"),
        "{stderr}"
    );
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "warn", "{c:#}");
    assert_eq!(c["code"], "stale-boot", "{c:#}");

    // The printed fix, run as the user, and podman works again.
    let fix: Vec<String> = c["remediation"][0]["commands"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    assert!(fix.contains(&"podman system migrate".to_string()), "{c:#}");
    for command in &fix {
        let out = user.run(&["sh", "-c", command]);
        assert!(
            out.status.success(),
            "{command}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut once = run.to_vec();
    once.insert(2, "--rm");
    once.push("true");
    let out = user.run(&once);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "pass", "after the fix: {c:#}");
}

/// rootlesskit's state dir of the user (under /tmp, as rootlesskit 1.1 makes
/// it when dockerd-rootless.sh passes no --state-dir) and the child's pid.
fn rootlesskit_child(user: &User) -> Option<(PathBuf, u32)> {
    // Entries of /tmp come and go while other programs run, and a dir of
    // the user's may not have its child_pid yet: look at every one.
    fs::read_dir("/tmp").ok()?.flatten().find_map(|entry| {
        let name = entry.file_name().to_string_lossy().into_owned();
        let meta = fs::symlink_metadata(entry.path()).ok()?;
        if !name.starts_with("rootlesskit")
            || std::os::unix::fs::MetadataExt::uid(&meta) != user.uid
        {
            return None;
        }
        let pid = fs::read_to_string(entry.path().join("child_pid"))
            .ok()?
            .trim()
            .parse()
            .ok()?;
        Some((entry.path(), pid))
    })
}

#[test]
fn a_rootlesskit_child_with_an_old_range_is_stale_until_restarted() {
    let _lock = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !live_podman("a_rootlesskit_child_with_an_old_range_is_stale_until_restarted") {
        return;
    }
    if !Path::new("/usr/bin/rootlesskit").exists() {
        eprintln!("skipped: rootlesskit is not installed");
        return;
    }
    let Some(user) = User::create() else {
        return;
    };
    let exe = doctor_exe(&user);
    let a = free_start();
    user.set_range(a);
    // rootlesskit as dockerd-rootless.sh starts it, holding `sleep`.
    let mut kit = Command::new("runuser")
        .args(["-u", &user.name, "--", "env", "-i"])
        .arg(format!("PATH={PATH}"))
        .arg(format!("HOME={}", user.home().display()))
        .arg(format!("XDG_RUNTIME_DIR={}", user.xdg().display()))
        .args(["rootlesskit", "--net=host", "sleep", "600"])
        .current_dir(user.dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("rootlesskit");
    let deadline = Instant::now() + Duration::from_secs(20);
    let (state, child) = loop {
        if let Some(found) = rootlesskit_child(&user) {
            if Path::new(&format!("/proc/{}/uid_map", found.1)).exists() {
                break found;
            }
        }
        // rootlesskit ended before writing its child's pid: say why.
        if let Ok(Some(status)) = kit.try_wait() {
            let mut err = String::new();
            if let Some(mut stderr) = kit.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
            }
            panic!("rootlesskit exited ({status}) before writing child_pid: {err}");
        }
        assert!(Instant::now() < deadline, "rootlesskit wrote no child_pid");
        std::thread::sleep(Duration::from_millis(50));
    };
    let real = map_of(&fs::read_to_string(format!("/proc/{child}/uid_map")).unwrap());
    assert_eq!(real, todays_map("/etc/subuid", &user, user.uid));
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "pass", "rootlesskit with today's range: {c:#}");

    user.set_range(a + 65536);
    let real = map_of(&fs::read_to_string(format!("/proc/{child}/uid_map")).unwrap());
    assert_ne!(real, todays_map("/etc/subuid", &user, user.uid));
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "fail", "{c:#}");
    assert_eq!(c["code"], "stale-mappings", "{c:#}");
    assert!(
        commands(&c).contains(&"systemctl --user restart docker".to_string()),
        "{c:#}"
    );
    assert!(c["message"]
        .as_str()
        .unwrap_or("")
        .contains(&format!("pid {child}")));

    // Stopped (SIGTERM to rootlesskit, the child's parent): it removes its
    // state dir, and nothing holds the old namespace.
    let parent = fs::read_to_string(format!("/proc/{child}/status"))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_prefix("PPid:")
                .map(|v| v.trim().parse::<i32>().unwrap())
        })
        .unwrap();
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(parent),
        nix::sys::signal::Signal::SIGTERM,
    )
    .unwrap();
    let _ = kit.wait();
    assert!(
        wait_gone(child),
        "rootlesskit's child {child} is still running"
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    while state.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let c = user.doctor(&exe);
    assert_eq!(c["status"], "pass", "after rootlesskit stopped: {c:#}");
}
