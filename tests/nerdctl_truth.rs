//! Live: `engine.nerdctl` against a real RootlessKit state dir. nerdctl is
//! not packaged in Debian 12, so a stand-in `nerdctl` script (never run by
//! the doctor, which only finds it) sits on the test user's PATH, and
//! RootlessKit 1.1 itself (what containerd-rootless.sh runs containerd
//! under) is started as the test user with
//! `--state-dir=$XDG_RUNTIME_DIR/containerd-rootless`, the dir nerdctl looks
//! at. In each state the test asks what nerdctl would meet (the dir, its
//! `child_pid`, and the `nsenter --preserve-credentials -U -m -t PID` nerdctl
//! runs, without `-n` because RootlessKit runs with `--net=host` here:
//! /dev/net/tun is 0600 on this machine, so slirp4netns cannot start, and
//! the test does not change it) and runs the doctor as the same user:
//!
//! - never started: no dir; the doctor fails `containerd-not-running`;
//! - running: nsenter enters the child; the doctor passes;
//! - RootlessKit killed (SIGKILL): the dir stays, its child is gone, nsenter
//!   fails; the doctor fails `containerd-stale`;
//! - the child exits: RootlessKit exits normally and removes the dir; the
//!   doctor fails `containerd-not-running`.
//!
//! Processes are killed by pid and the dir removed by a guard, even on
//! failure.

use crate::live::{live, Live, PATH};
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// RootlessKit started as the test user; killed by pid when dropped.
struct Kit {
    runuser: Child,
    state: PathBuf,
    pids: Vec<i32>,
}

impl Kit {
    fn start(live: &Live, state: &Path) -> Kit {
        let runuser = Command::new("runuser")
            .args(["-u", &live.user, "--", "env", "-i"])
            .arg(format!("PATH={PATH}"))
            .arg(format!("XDG_RUNTIME_DIR={}", live.xdg.display()))
            .arg("rootlesskit")
            .arg(format!("--state-dir={}", state.display()))
            .args(["--net=host", "sleep", "600"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("runuser rootlesskit");
        let mut kit = Kit {
            runuser,
            state: state.to_path_buf(),
            pids: Vec::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while kit.child().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(50));
        }
        let child = kit.child().expect("rootlesskit wrote no child_pid");
        let parent = ppid(child).expect("rootlesskit's child has a parent");
        kit.pids = vec![child, parent];
        kit
    }

    /// The pid in child_pid.
    fn child(&self) -> Option<i32> {
        fs::read_to_string(self.state.join("child_pid"))
            .ok()?
            .trim()
            .parse()
            .ok()
    }

    fn kill(&self, pid: i32) {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(pid),
            nix::sys::signal::Signal::SIGKILL,
        );
    }

    /// Waits for RootlessKit (and runuser) to end.
    fn wait(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.runuser.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Kit {
    fn drop(&mut self) {
        for pid in self.pids.clone() {
            self.kill(pid);
        }
        let _ = self.runuser.kill();
        let _ = self.runuser.wait();
        let _ = fs::remove_dir_all(&self.state);
    }
}

fn ppid(pid: i32) -> Option<i32> {
    fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("PPid:"))?
        .trim()
        .parse()
        .ok()
}

/// `nsenter` into RootlessKit's child as the test user, as nerdctl does.
fn nsenter(live: &Live, pid: i32) -> (bool, String) {
    let out = live.as_user(
        &[
            "nsenter",
            "--preserve-credentials",
            "-U",
            "-m",
            "-t",
            &pid.to_string(),
            "true",
        ],
        PATH,
    );
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).trim().to_string(),
    )
}

fn check(report: &Value) -> (String, String) {
    let c = report["checks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == "engine.nerdctl"))
        .cloned()
        .unwrap_or_default();
    (
        c["status"].as_str().unwrap_or("").to_string(),
        c["code"].as_str().unwrap_or("").to_string(),
    )
}

fn nerdctl_entry(report: &Value) -> (String, Vec<String>) {
    let e = crate::harness::engine(report, "nerdctl")
        .cloned()
        .unwrap_or_default();
    let blocked = crate::harness::blocked_by(&e);
    (e["verdict"].as_str().unwrap_or("").to_string(), blocked)
}

#[test]
fn engine_nerdctl_agrees_with_a_real_rootlesskit_state_dir() {
    let Some(live) = live("engine_nerdctl_agrees_with_a_real_rootlesskit_state_dir") else {
        return;
    };
    if !Path::new("/usr/bin/rootlesskit").exists() || !Path::new("/usr/bin/nsenter").exists() {
        eprintln!("skipped engine_nerdctl_agrees_with_a_real_rootlesskit_state_dir: rootlesskit or nsenter is not installed");
        return;
    }
    let bin = live.dir.path().join("nerdctl-bin");
    fs::create_dir_all(&bin).unwrap();
    fs::write(bin.join("nerdctl"), "#!/bin/sh\nexit 1\n").unwrap();
    fs::set_permissions(bin.join("nerdctl"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::set_permissions(&bin, fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{PATH}", bin.display());
    let state = live.xdg.join("containerd-rootless");
    let doctor = || {
        live.doctor(
            &path,
            &[
                "check",
                "--no-probe",
                "--fail-on",
                "never",
                "--only",
                "engine.nerdctl,runtime.oci-runtime",
            ],
        )
    };
    let mut table = vec![format!(
        "{:<28} {:<34} doctor",
        "state", "nerdctl would meet"
    )];
    let mut failures = Vec::new();
    let mut expect = |name: &str, met: String, report: &Value, status: &str, code: &str| {
        let (got, got_code) = check(report);
        let (verdict, blocked) = nerdctl_entry(report);
        table.push(format!(
            "{name:<28} {met:<34} {got} {got_code}; engine {verdict} {blocked:?}"
        ));
        if got != status || got_code != code {
            failures.push(format!(
                "{name}: doctor {got} {got_code}, expected {status} {code}: {report:#}"
            ));
        }
        let first = blocked.first().map(String::as_str);
        if status == "fail" && (verdict != "fails" || first != Some("engine.nerdctl")) {
            failures.push(format!("{name}: nerdctl entry {verdict} {blocked:?}"));
        }
        if status == "pass" && blocked.iter().any(|b| b == "engine.nerdctl") {
            failures.push(format!(
                "{name}: nerdctl entry still blocked by engine.nerdctl"
            ));
        }
    };

    // Never started.
    assert!(!state.exists());
    expect(
        "never started",
        "no state dir".into(),
        &doctor(),
        "fail",
        "containerd-not-running",
    );

    // Running.
    let mut kit = Kit::start(&live, &state);
    let child = kit.child().unwrap();
    let (entered, err) = nsenter(&live, child);
    assert!(entered, "nsenter into the running child: {err}");
    expect(
        "running",
        format!("nsenter -t {child}: ok"),
        &doctor(),
        "pass",
        "",
    );

    // RootlessKit killed: the dir and child_pid stay, the child dies with it.
    let parent = kit.pids[1];
    kit.kill(parent);
    kit.wait();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Path::new(&format!("/proc/{child}")).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        state.join("child_pid").exists(),
        "a killed rootlesskit left no child_pid"
    );
    let (entered, err) = nsenter(&live, child);
    assert!(!entered, "nsenter entered a dead child");
    expect(
        "rootlesskit killed",
        format!(
            "nsenter fails: {}",
            err.chars().take(40).collect::<String>()
        ),
        &doctor(),
        "fail",
        "containerd-stale",
    );
    drop(kit);

    // The child exits: rootlesskit exits normally and removes its state dir.
    let mut kit = Kit::start(&live, &state);
    let child = kit.child().unwrap();
    kit.kill(child);
    kit.wait();
    assert!(
        !state.exists(),
        "rootlesskit left its state dir after a normal exit"
    );
    expect(
        "child exited",
        "state dir removed".into(),
        &doctor(),
        "fail",
        "containerd-not-running",
    );
    drop(kit);

    eprintln!("{}", table.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
