//! The network checks against the host states they judge, as the throwaway
//! test user, and against real podman (with slirp4netns and runc) where it
//! exercises the same thing: /dev/net/tun at 0600, 0666 and moved aside;
//! net.ipv4.ip_unprivileged_port_start at 1024 and 80;
//! net.ipv4.ping_group_range at `1 0` and `0 2147483647`. Every state is
//! restored by a guard, and processes podman leaves (its pause process) are
//! killed by pid.

use crate::live::{live, Live, RestoreMode, PATH};
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

const TUN: &str = "/dev/net/tun";
const ASIDE: &str = "/dev/net/tun.rootless-doctor-test";
const PORT_START: &str = "/proc/sys/net/ipv4/ip_unprivileged_port_start";
const PING_RANGE: &str = "/proc/sys/net/ipv4/ping_group_range";

fn result<'a>(report: &'a Value, id: &str) -> (&'a str, &'a str) {
    let check = report["checks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no {id} in {report:#}"));
    (
        check["status"].as_str().unwrap_or(""),
        check["code"].as_str().unwrap_or(""),
    )
}

/// Writes a sysctl back when dropped.
struct RestoreSysctl {
    path: &'static str,
    value: String,
}

impl RestoreSysctl {
    fn save(path: &'static str) -> Self {
        let value = fs::read_to_string(path).unwrap().trim().to_string();
        RestoreSysctl { path, value }
    }
}

impl Drop for RestoreSysctl {
    fn drop(&mut self) {
        let _ = fs::write(self.path, &self.value);
    }
}

/// Moves /dev/net/tun back when dropped.
struct RestoreTun;

impl Drop for RestoreTun {
    fn drop(&mut self) {
        if !Path::new(TUN).exists() && Path::new(ASIDE).exists() {
            let _ = fs::rename(ASIDE, TUN);
        }
    }
}

/// Kills, by pid, the test user's processes that were not there before.
struct KillNew<'a> {
    live: &'a Live,
    before: Vec<String>,
}

impl Drop for KillNew<'_> {
    fn drop(&mut self) {
        // conmon and podman's cleanup may start after `podman run` returned:
        // sweep until two scans a while apart find nothing new.
        let mut quiet = 0;
        for _ in 0..50 {
            let fresh = self.live.new_processes(&self.before);
            quiet = if fresh.is_empty() { quiet + 1 } else { 0 };
            if quiet >= 3 {
                break;
            }
            for line in fresh {
                if let Some(Ok(pid)) = line.split_whitespace().next().map(str::parse::<i32>) {
                    let _ = nix::sys::signal::kill(
                        nix::unistd::Pid::from_raw(pid),
                        nix::sys::signal::Signal::SIGKILL,
                    );
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
}

/// Podman as the test user: runc, cgroupfs (the CI host is hybrid),
/// slirp4netns; its storage in the live dir. `None` when podman is missing.
struct Podman<'a> {
    live: &'a Live,
    image: String,
    /// The user's storage, run and tmp dirs for these runs (0700).
    store: PathBuf,
}

impl<'a> Podman<'a> {
    fn new(live: &'a Live) -> Option<Self> {
        if !Path::new("/usr/bin/podman").exists() || !Path::new("/bin/busybox").exists() {
            eprintln!("podman or busybox missing: the engine comparison is skipped");
            return None;
        }
        let store = live.dir.path().join("podman");
        fs::create_dir(&store).unwrap();
        fs::set_permissions(&store, fs::Permissions::from_mode(0o700)).unwrap();
        std::os::unix::fs::chown(&store, Some(live.uid), Some(live.gid)).unwrap();
        let tar = crate::live::busybox_tar(live.dir.path(), "bb");
        let podman = Podman {
            live,
            image: "localhost/rootless-doctor-busybox".into(),
            store,
        };
        let out = podman.run(&["import", tar.to_str().unwrap(), &podman.image]);
        assert!(out.0, "podman import: {}", out.1);
        Some(podman)
    }

    fn run(&self, args: &[&str]) -> (bool, String) {
        let dir = |name: &str| self.store.join(name).display().to_string();
        let (root, runroot, tmp) = (dir("storage"), dir("run"), dir("tmp"));
        let mut argv = vec![
            "podman",
            "--root",
            &root,
            "--runroot",
            &runroot,
            "--tmpdir",
            &tmp,
            "--runtime",
            "/usr/sbin/runc",
            "--cgroup-manager=cgroupfs",
        ];
        argv.extend(args);
        let out = Command::new("runuser")
            .args(["-u", &self.live.user, "--", "env", "-i"])
            .arg(format!("PATH={PATH}"))
            .arg(format!("XDG_RUNTIME_DIR={}", self.live.xdg.display()))
            .arg(format!("HOME={}", self.store.display()))
            .args(&argv)
            .output()
            .expect("runuser");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// `podman run --rm --network slirp4netns IMAGE true`, plus `extra` options.
    fn container(&self, extra: &[&str]) -> (bool, String) {
        let mut args = vec!["run", "--rm", "--network", "slirp4netns"];
        args.extend(extra);
        args.extend([self.image.as_str(), "/bin/true"]);
        self.run(&args)
    }
}

#[test]
fn tun_states_agree_with_podman() {
    let Some(live) = live("tun_states_agree_with_podman") else {
        return;
    };
    let _kill = KillNew {
        before: live.processes(),
        live: &live,
    };
    let _mode = RestoreMode::save(TUN);
    let _aside = RestoreTun;
    let podman = Podman::new(&live);
    let only = ["--only", "network.helper,network.tun"];
    let cases: [(&str, Option<u32>, &str); 3] = [
        ("0600", Some(0o600), "tun-mode"),
        ("0666", Some(0o666), ""),
        ("absent", None, "tun-missing"),
    ];
    let mut table = Vec::new();
    for (name, mode, code) in cases {
        match mode {
            Some(mode) => fs::set_permissions(TUN, fs::Permissions::from_mode(mode)).unwrap(),
            None => fs::rename(TUN, ASIDE).unwrap(),
        }
        let report = live.doctor(PATH, &only);
        let tun = result(&report, "network.tun");
        let helper = result(&report, "network.helper");
        if code.is_empty() {
            assert_eq!(tun, ("pass", ""), "{name}: {report:#}");
            assert_eq!(helper.0, "pass", "{name}: {report:#}");
        } else {
            assert_eq!(tun, ("fail", code), "{name}: {report:#}");
            assert_eq!(
                helper,
                ("fail", "helper-start-failed"),
                "{name}: {report:#}"
            );
        }
        if let Some(podman) = &podman {
            let (ok, err) = podman.container(&[]);
            assert_eq!(
                ok,
                tun.0 == "pass",
                "{name}: podman {} but network.tun is {tun:?}: {err}",
                if ok { "runs" } else { "fails" }
            );
            table.push(format!(
                "{name}: tun {tun:?}, helper {helper:?}, podman ok={ok}"
            ));
        }
        if mode.is_none() {
            fs::rename(ASIDE, TUN).unwrap();
        }
    }
    eprintln!("{}", table.join("\n"));
}

#[test]
fn port_start_1024_and_80_agree_with_podman() {
    let Some(live) = live("port_start_1024_and_80_agree_with_podman") else {
        return;
    };
    let _kill = KillNew {
        before: live.processes(),
        live: &live,
    };
    let _start = RestoreSysctl::save(PORT_START);
    let _mode = RestoreMode::save(TUN);
    // Podman needs the tap device to publish anything.
    fs::set_permissions(TUN, fs::Permissions::from_mode(0o666)).unwrap();
    let podman = Podman::new(&live);
    for (value, expected) in [("1024", ("warn", "privileged-ports")), ("80", ("pass", ""))] {
        fs::write(PORT_START, value).unwrap();
        let report = live.doctor(PATH, &["--only", "network.ports"]);
        assert_eq!(
            result(&report, "network.ports"),
            expected,
            "{value}: {report:#}"
        );
        if let Some(podman) = &podman {
            let (ok, err) = podman.container(&["-p", "80:80"]);
            assert_eq!(ok, expected.0 == "pass", "{value}: podman -p 80:80: {err}");
            if !ok {
                assert!(err.contains("cannot expose privileged port 80"), "{err}");
            }
            eprintln!("ip_unprivileged_port_start {value}: network.ports {expected:?}, podman -p 80:80 ok={ok}");
        }
    }
}

#[test]
fn ping_group_range_states_change_the_verdict() {
    let Some(live) = live("ping_group_range_states_change_the_verdict") else {
        return;
    };
    let _range = RestoreSysctl::save(PING_RANGE);
    for (value, expected) in [
        ("1 0", ("warn", "ping-range")),
        ("0 2147483647", ("pass", "")),
    ] {
        fs::write(PING_RANGE, value).unwrap();
        let report = live.doctor(PATH, &["--only", "network.ping"]);
        assert_eq!(
            result(&report, "network.ping"),
            expected,
            "{value}: {report:#}"
        );
    }
}
