//! Live: `engine.podman`'s entry of the `engines` section against real
//! podman, as the throwaway test user, in a scratch HOME, XDG_CONFIG_HOME,
//! XDG_DATA_HOME and XDG_RUNTIME_DIR made for each state (so the user's own
//! podman state is never touched, and each storage driver gets a fresh
//! store). In each state a busybox image is imported from a tarball
//! (nothing reaches a registry), `podman run --rm IMAGE true` runs with the
//! default network, and the doctor runs as the same user with the same
//! environment: its verdict must be podman's result, its `blocked_by` must
//! name the check that explains podman's stderr, and its runtime and storage
//! driver must be what `podman info` reports. States: podman's default
//! runtime (crun) and `runtime = "runc"`, each with /dev/net/tun 0666 and
//! 0600; no storage.conf, `driver = "overlay"`, and overlay with
//! fuse-overlayfs as mount_program with /dev/fuse 0600 and 0666; runc named
//! by a user drop-in over a user file naming crun; `CONTAINERS_CONF` naming
//! crun over a user file naming runc (it replaces every file); a
//! storage.conf naming no driver (containers/storage picks one); an empty
//! `runtime` (libpod's own choice, not containers/common's search). Device
//! modes are restored by guards; podman's pause process (its pid file is
//! `$XDG_RUNTIME_DIR/libpod/tmp/pause.pid`) and any process running from a
//! scratch directory are killed by pid, and the scratch directories
//! removed, even when an assertion fails.

use crate::live::{live, parse_report, Live, RestoreMode, PATH};
use serde_json::Value;
use std::fs;
use std::os::unix::fs::{chown, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const TUN: &str = "/dev/net/tun";
const FUSE: &str = "/dev/fuse";
const IMAGE: &str = "localhost/rd-engine-bb";

/// One state's private HOME and XDG directories, removed when dropped
/// (after the processes running from them are killed).
pub(crate) struct Scratch {
    root: PathBuf,
    /// `CONTAINERS_CONF` for every run, when the state sets it.
    containers_conf: Option<PathBuf>,
}

impl Scratch {
    pub(crate) fn new(live: &Live, name: &str) -> Scratch {
        let root = live.dir.path().join(format!("podman-{name}"));
        for dir in ["home", "config/containers", "data", "run"] {
            fs::create_dir_all(root.join(dir)).unwrap();
        }
        fs::set_permissions(root.join("run"), fs::Permissions::from_mode(0o700)).unwrap();
        for dir in ["", "home", "config", "config/containers", "data", "run"] {
            chown(root.join(dir), Some(live.uid), Some(live.gid)).unwrap();
        }
        Scratch {
            root,
            containers_conf: None,
        }
    }

    fn conf(&self, live: &Live, file: &str, text: &str) {
        let path = self.root.join("config/containers").join(file);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).unwrap();
            chown(dir, Some(live.uid), Some(live.gid)).unwrap();
        }
        fs::write(&path, text).unwrap();
        chown(&path, Some(live.uid), Some(live.gid)).unwrap();
    }

    /// Runs `argv` as the test user with this state's environment.
    fn run(&self, live: &Live, argv: &[&str]) -> Output {
        self.run_in(live, &[], argv)
    }

    /// Like [`Scratch::run`], with root's `wrapper` (e.g. `unshare --mount
    /// ...`) around runuser.
    pub(crate) fn run_in(&self, live: &Live, wrapper: &[&str], argv: &[&str]) -> Output {
        let (program, before) = match wrapper.split_first() {
            Some((program, rest)) => (*program, rest),
            None => ("runuser", &[][..]),
        };
        let mut command = Command::new(program);
        command.args(before);
        if !wrapper.is_empty() {
            command.arg("runuser");
        }
        command
            .current_dir("/")
            .args(["-u", &live.user, "--", "env", "-i"])
            .arg(format!("PATH={PATH}"))
            .arg(format!("HOME={}", self.root.join("home").display()))
            .arg(format!(
                "XDG_CONFIG_HOME={}",
                self.root.join("config").display()
            ))
            .arg(format!(
                "XDG_DATA_HOME={}",
                self.root.join("data").display()
            ))
            .arg(format!(
                "XDG_RUNTIME_DIR={}",
                self.root.join("run").display()
            ))
            .args(
                self.containers_conf
                    .iter()
                    .map(|p| format!("CONTAINERS_CONF={}", p.display())),
            )
            .args(["timeout", "180"])
            .args(argv)
            .output()
            .expect("runuser")
    }

    /// Imports the image and runs `true` in it; whether it ran, and what
    /// podman printed on stderr.
    fn podman_runs(&self, live: &Live, tar: &Path) -> (bool, String) {
        let import = self.run(
            live,
            &["podman", "import", "-q", tar.to_str().unwrap(), IMAGE],
        );
        let run = self.run(live, &["podman", "run", "--rm", IMAGE, "true"]);
        let stderr = format!(
            "{}{}",
            String::from_utf8_lossy(&import.stderr),
            String::from_utf8_lossy(&run.stderr)
        );
        (run.status.success(), stderr)
    }

    fn podman_info(&self, live: &Live, format: &str) -> String {
        let out = self.run(live, &["podman", "info", "--format", format]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    fn doctor(&self, live: &Live) -> Value {
        let exe = live.exe();
        let out = self.run(
            live,
            &[
                exe.to_str().unwrap(),
                "--format",
                "json",
                "--only",
                "engine.podman",
            ],
        );
        parse_report(&out)
    }

    /// Kills podman's pause process and whatever still runs from the
    /// scratch directories (fuse-overlayfs, conmon), by pid.
    fn kill_leftovers(&self) {
        let mut pids = Vec::new();
        let pause = self.root.join("run/libpod/tmp/pause.pid");
        if let Some(pid) = fs::read_to_string(pause)
            .ok()
            .and_then(|t| t.trim().parse::<i32>().ok())
        {
            pids.push(pid);
        }
        let needle = self.root.to_string_lossy().into_owned();
        for entry in fs::read_dir("/proc").into_iter().flatten().flatten() {
            let Some(pid) = entry
                .file_name()
                .to_str()
                .and_then(|n| n.parse::<i32>().ok())
            else {
                continue;
            };
            let cmdline = fs::read(entry.path().join("cmdline")).unwrap_or_default();
            if String::from_utf8_lossy(&cmdline).contains(&needle)
                && pid != std::process::id() as i32
            {
                pids.push(pid);
            }
        }
        for pid in pids.into_iter().filter(|p| *p > 1) {
            let _ = nix::sys::signal::kill(
                nix::unistd::Pid::from_raw(pid),
                nix::sys::signal::Signal::SIGKILL,
            );
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        self.kill_leftovers();
        // Root removes the files the subordinate ids own as well.
        let _ = fs::remove_dir_all(&self.root);
    }
}

/// The check whose failure explains podman's stderr.
fn explaining_check(stderr: &str) -> &'static str {
    if stderr.contains("hybrid mode") {
        "runtime.oci-runtime"
    } else if stderr.contains("/dev/net/tun") {
        "network.tun"
    } else if stderr.contains("fuse") {
        "storage.driver"
    } else {
        panic!("no check known to explain podman's stderr:\n{stderr}")
    }
}

struct State {
    name: &'static str,
    /// Files under the scratch `$XDG_CONFIG_HOME/containers`.
    files: &'static [(&'static str, &'static str)],
    /// One of them named by `CONTAINERS_CONF`.
    containers_conf_env: Option<&'static str>,
    containers_conf: Option<&'static str>,
    storage_conf: Option<&'static str>,
    tun: u32,
    fuse: u32,
}

const RUNC: &str = "[engine]\nruntime = \"runc\"\n";
const CRUN: &str = "[engine]\nruntime = \"crun\"\n";
const OVERLAY: &str = "[storage]\ndriver = \"overlay\"\n";
const FUSE_OVERLAY: &str = "[storage]\ndriver = \"overlay\"\n[storage.options.overlay]\n\
                            mount_program = \"/usr/bin/fuse-overlayfs\"\n";

const STATES: &[State] = &[
    State {
        files: &[],
        containers_conf_env: None,
        name: "crun, tun 0666",
        containers_conf: None,
        storage_conf: None,
        tun: 0o666,
        fuse: 0o666,
    },
    State {
        files: &[],
        containers_conf_env: None,
        name: "crun, tun 0600",
        containers_conf: None,
        storage_conf: None,
        tun: 0o600,
        fuse: 0o666,
    },
    State {
        files: &[],
        containers_conf_env: None,
        name: "runc, tun 0666",
        containers_conf: Some(RUNC),
        storage_conf: None,
        tun: 0o666,
        fuse: 0o666,
    },
    State {
        files: &[],
        containers_conf_env: None,
        name: "runc, tun 0600",
        containers_conf: Some(RUNC),
        storage_conf: None,
        tun: 0o600,
        fuse: 0o666,
    },
    State {
        files: &[],
        containers_conf_env: None,
        name: "runc, overlay",
        containers_conf: Some(RUNC),
        storage_conf: Some(OVERLAY),
        tun: 0o666,
        fuse: 0o666,
    },
    State {
        files: &[],
        containers_conf_env: None,
        name: "runc, fuse-overlayfs, fuse 0600",
        containers_conf: Some(RUNC),
        storage_conf: Some(FUSE_OVERLAY),
        tun: 0o666,
        fuse: 0o600,
    },
    State {
        files: &[],
        containers_conf_env: None,
        name: "runc, fuse-overlayfs, fuse 0666",
        containers_conf: Some(RUNC),
        storage_conf: Some(FUSE_OVERLAY),
        tun: 0o666,
        fuse: 0o666,
    },
    State {
        files: &[("containers.conf.d/50-runc.conf", RUNC)],
        containers_conf_env: None,
        name: "runc in a user drop-in",
        containers_conf: Some(CRUN),
        storage_conf: None,
        tun: 0o666,
        fuse: 0o666,
    },
    State {
        files: &[("only.conf", CRUN)],
        containers_conf_env: Some("only.conf"),
        name: "CONTAINERS_CONF crun, user file runc",
        containers_conf: Some(RUNC),
        storage_conf: None,
        tun: 0o666,
        fuse: 0o666,
    },
    State {
        files: &[],
        containers_conf_env: None,
        name: "runc, storage.conf without driver",
        containers_conf: Some(RUNC),
        storage_conf: Some("[storage]\n"),
        tun: 0o666,
        fuse: 0o666,
    },
    State {
        files: &[],
        containers_conf_env: None,
        name: "runtime = \"\" (libpod's choice)",
        containers_conf: Some("[engine]\nruntime = \"\"\n"),
        storage_conf: None,
        tun: 0o666,
        fuse: 0o666,
    },
];

fn podman_installed() -> bool {
    Path::new("/usr/bin/podman").exists() && Path::new("/bin/busybox").exists()
}

#[test]
fn engine_podman_agrees_with_podman_run() {
    let Some(live) = live("engine_podman_agrees_with_podman_run") else {
        return;
    };
    if !podman_installed() {
        eprintln!("skipped engine_podman_agrees_with_podman_run: podman or busybox-static is not installed");
        return;
    }
    let _tun = RestoreMode::save(TUN);
    let _fuse = RestoreMode::save(FUSE);
    let tar = crate::live::busybox_tar(live.dir.path(), "engine-bb");
    let mut table = vec![format!(
        "{:<34} {:<8} {:<8} {:<44} {}",
        "state", "podman", "doctor", "blocked_by", "driver (podman/doctor), runtime"
    )];
    let mut failures = Vec::new();
    for (i, state) in STATES.iter().enumerate() {
        let mut scratch = Scratch::new(&live, &i.to_string());
        for (file, text) in state.files {
            scratch.conf(&live, file, text);
        }
        scratch.containers_conf = state
            .containers_conf_env
            .map(|f| scratch.root.join("config/containers").join(f));
        if let Some(text) = state.containers_conf {
            scratch.conf(&live, "containers.conf", text);
        }
        if let Some(text) = state.storage_conf {
            scratch.conf(&live, "storage.conf", text);
        }
        fs::set_permissions(TUN, fs::Permissions::from_mode(state.tun)).unwrap();
        fs::set_permissions(FUSE, fs::Permissions::from_mode(state.fuse)).unwrap();

        let (ran, stderr) = scratch.podman_runs(&live, &tar);
        let report = scratch.doctor(&live);
        let driver = scratch.podman_info(&live, "{{.Store.GraphDriverName}}");
        let runtime = scratch.podman_info(&live, "{{.Host.OCIRuntime.Name}}");
        scratch.kill_leftovers();

        let entry = crate::harness::engine(&report, "podman")
            .unwrap_or_else(|| panic!("{}: no podman in engines: {report:#}", state.name))
            .clone();
        let verdict = entry["verdict"].as_str().unwrap_or("").to_string();
        let blocked = crate::harness::blocked_by(&entry);
        let doctor_driver = entry["storage_driver"].as_str().unwrap_or("").to_string();
        let doctor_runtime = entry["runtime"].as_str().unwrap_or("").to_string();
        table.push(format!(
            "{:<34} {:<8} {:<8} {:<44} {driver}/{doctor_driver}, {runtime}/{doctor_runtime}",
            state.name,
            if ran { "works" } else { "fails" },
            verdict,
            blocked.join(",")
        ));

        let expected = if ran { "works" } else { "fails" };
        if verdict != expected {
            failures.push(format!(
                "{}: podman {expected}, doctor {verdict} (blocked_by {blocked:?}); podman said:\n{stderr}",
                state.name
            ));
        }
        if !ran {
            let explains = explaining_check(&stderr);
            if !blocked.iter().any(|b| b == explains) {
                failures.push(format!(
                    "{}: blocked_by {blocked:?} lacks {explains}; podman said:\n{stderr}",
                    state.name
                ));
            }
        }
        if driver != doctor_driver {
            failures.push(format!(
                "{}: podman info says driver {driver:?}, the doctor {doctor_driver:?}",
                state.name
            ));
        }
        if runtime != doctor_runtime {
            failures.push(format!(
                "{}: podman info says runtime {runtime:?}, the doctor {doctor_runtime:?}",
                state.name
            ));
        }
    }
    eprintln!("{}", table.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
