//! `engine.docker` against real rootless Docker (docker.io 20.10 with
//! rootlesskit), as the throwaway test user: for each host state,
//! `dockerd-rootless.sh` is started directly (no systemd here) with a
//! scratch HOME, XDG_RUNTIME_DIR and XDG_CONFIG_HOME made by the test, a
//! busybox image is imported from a tarball (nothing reaches a registry),
//! `docker run --rm IMAGE true` runs, and the doctor, run as the same user
//! with the same environment, must give the same verdict; its storage
//! driver must be what `docker info -f '{{.Driver}}'` reports, its network
//! driver what rootlesskit was started with (also in `network.helper`'s
//! evidence), and dockerd's NAT chain `DOCKER` must exist in RootlessKit's
//! network namespace exactly when iptables is not disabled (its iptables
//! runs there as the user namespace's root). States: /dev/net/tun 0600 and
//! 0666; default daemon.json and `{"storage-driver": "vfs"}`;
//! `{"storage-driver": "fuse-overlayfs"}` with /dev/fuse 0600 and 0666;
//! iptables off the daemon's PATH, without and
//! with `{"iptables": false}`. The daemon is stopped by signalling its
//! process group (rootlesskit's) and every process it left is killed by
//! pid; /dev/net/tun's and /dev/fuse's modes are restored by guards; the
//! scratch dirs (holding files of subordinate ids) are removed as root with
//! the test dir.
//!
//! Run: `ROOTLESS_DOCTOR_TEST_USER=rdcmp cargo test --test integration
//! engine_docker_truth -- --test-threads=1 --nocapture` as root.

use crate::live::{live, parse_report, Live};
use nix::sys::signal::{kill, killpg, Signal};
use nix::unistd::Pid;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::{chown, symlink, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const CONTRIB: &str = "/usr/share/docker.io/contrib";
const TUN: &str = "/dev/net/tun";
const FUSE: &str = "/dev/fuse";
const PATH: &str = "/usr/share/docker.io/contrib:/usr/sbin:/usr/bin:/sbin:/bin";
const IMAGE: &str = "rootless-doctor-busybox:1";

/// Sets a device's mode back when dropped.
struct RestoreMode(&'static str, u32);

impl RestoreMode {
    fn save(path: &'static str) -> Option<Self> {
        let mode = fs::metadata(path).ok()?.permissions().mode() & 0o7777;
        Some(RestoreMode(path, mode))
    }
}

impl Drop for RestoreMode {
    fn drop(&mut self) {
        let _ = fs::set_permissions(self.0, fs::Permissions::from_mode(self.1));
    }
}

fn set_mode(path: &str, mode: u32) {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
}

/// A host state: its name, /dev/net/tun's mode, /dev/fuse's mode,
/// daemon.json, and the PATH (`BIN` for the scratch bin dir).
type State<'a> = (&'a str, u32, u32, Option<&'a str>, Option<&'a str>);

/// One state's scratch: HOME, XDG_RUNTIME_DIR, XDG_CONFIG_HOME and a bin
/// dir, all the test user's.
struct Scratch {
    root: PathBuf,
    path: String,
}

impl Scratch {
    fn new(live: &Live, name: &str, daemon_json: Option<&str>, path: Option<&str>) -> Self {
        let root = live.dir.path().join(name);
        for dir in ["home", "run", "cfg/docker", "bin"] {
            fs::create_dir_all(root.join(dir)).unwrap();
        }
        fs::set_permissions(root.join("run"), fs::Permissions::from_mode(0o700)).unwrap();
        if let Some(text) = daemon_json {
            fs::write(root.join("cfg/docker/daemon.json"), text).unwrap();
        }
        // What the daemon needs from /usr/sbin, without iptables.
        for tool in ["dockerd", "runc", "docker-proxy"] {
            symlink(format!("/usr/sbin/{tool}"), root.join("bin").join(tool)).unwrap();
        }
        let status = Command::new("chown")
            .args(["-hR", &format!("{}:{}", live.uid, live.gid)])
            .arg(&root)
            .status()
            .unwrap();
        assert!(status.success());
        let path = path
            .map(|p| p.replace("BIN", &root.join("bin").display().to_string()))
            .unwrap_or_else(|| PATH.to_string());
        Scratch { root, path }
    }

    fn env(&self) -> Vec<String> {
        vec![
            format!("PATH={}", self.path),
            format!("HOME={}", self.root.join("home").display()),
            format!("XDG_RUNTIME_DIR={}", self.root.join("run").display()),
            format!("XDG_CONFIG_HOME={}", self.root.join("cfg").display()),
            format!(
                "DOCKER_HOST=unix://{}",
                self.root.join("run/docker.sock").display()
            ),
        ]
    }

    fn command(&self, live: &Live, argv: &[&str]) -> Command {
        let mut cmd = Command::new("runuser");
        cmd.args(["-u", &live.user, "--", "env", "-i"])
            .args(self.env())
            .args(argv);
        cmd
    }

    fn run(&self, live: &Live, argv: &[&str]) -> Output {
        self.command(live, argv).output().expect("runuser")
    }
}

/// The daemon: its process group, stopped and reaped when dropped, and every
/// process of the user it left killed by pid.
struct Daemon<'a> {
    live: &'a Live,
    child: Child,
    before: Vec<String>,
}

impl Daemon<'_> {
    fn pids(&self) -> Vec<i32> {
        self.live
            .new_processes(&self.before)
            .iter()
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect()
    }
}

impl Drop for Daemon<'_> {
    fn drop(&mut self) {
        let pgid = Pid::from_raw(self.child.id() as i32);
        let _ = killpg(pgid, Signal::SIGTERM);
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline && !self.pids().is_empty() {
            std::thread::sleep(Duration::from_millis(200));
        }
        for _ in 0..20 {
            let left = self.pids();
            if left.is_empty() {
                break;
            }
            for pid in left {
                let _ = kill(Pid::from_raw(pid), Signal::SIGKILL);
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What really happened.
struct Real {
    ran: bool,
    why: String,
    driver: Option<String>,
    net: Option<String>,
    /// Whether dockerd's NAT chain DOCKER exists in RootlessKit's network
    /// namespace (its iptables ran there as the namespace's root).
    nat_chain: Option<bool>,
}

fn really(live: &Live, scratch: &Scratch, tar: &Path) -> Real {
    let log = fs::File::create(scratch.root.join("dockerd.log")).unwrap();
    let before = live.processes();
    let child = scratch
        .command(live, &[&format!("{CONTRIB}/dockerd-rootless.sh")])
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .process_group(0)
        .spawn()
        .expect("dockerd-rootless.sh");
    let mut daemon = Daemon {
        live,
        child,
        before,
    };
    let socket = scratch.root.join("run/docker.sock");
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut exited = None;
    while Instant::now() < deadline && !socket.exists() {
        if let Ok(Some(status)) = daemon.child.try_wait() {
            exited = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let net = live.new_processes(&daemon.before).iter().find_map(|l| {
        l.split_whitespace()
            .find_map(|w| w.strip_prefix("--net="))
            .map(str::to_string)
    });
    let log_tail = || {
        let text = fs::read_to_string(scratch.root.join("dockerd.log")).unwrap_or_default();
        // The daemon's own refusal first, then rootlesskit's.
        [
            "failed to start daemon",
            "setting up tap",
            "error:",
            "level=error",
        ]
        .iter()
        .find_map(|key| text.lines().find(|l| l.contains(key)))
        .unwrap_or("")
        .chars()
        .take(200)
        .collect::<String>()
    };
    if !socket.exists() {
        return Real {
            ran: false,
            why: format!("daemon did not start ({exited:?}): {}", log_tail()),
            driver: None,
            net,
            nat_chain: None,
        };
    }
    // The socket appears before the daemon answers: wait for `docker info`.
    let mut driver = None;
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let out = scratch.run(live, &["docker", "info", "-f", "{{.Driver}}"]);
        if out.status.success() {
            driver = Some(String::from_utf8_lossy(&out.stdout).trim().to_string());
            break;
        }
        if let Ok(Some(_)) = daemon.child.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
    if driver.is_none() {
        return Real {
            ran: false,
            why: format!("daemon did not answer: {}", log_tail()),
            driver,
            net,
            nat_chain: None,
        };
    }
    let import = scratch.run(live, &["docker", "import", tar.to_str().unwrap(), IMAGE]);
    assert!(
        import.status.success(),
        "docker import: {}",
        String::from_utf8_lossy(&import.stderr)
    );
    let run = scratch.run(live, &["docker", "run", "--rm", IMAGE, "true"]);
    // RootlessKit's child holds the namespaces dockerd runs in.
    let nat_chain = live
        .new_processes(&daemon.before)
        .iter()
        .find(|l| l.contains("/proc/self/exe"))
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .map(|pid| {
            Command::new("nsenter")
                .args(["-t", &pid, "-U", "-n", "--preserve-credentials"])
                .args(["-S", "0", "-G", "0"])
                .args(["/usr/sbin/iptables", "-t", "nat", "-S", "DOCKER"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        });
    let why = String::from_utf8_lossy(&run.stderr)
        .trim()
        .chars()
        .take(200)
        .collect();
    drop(daemon);
    Real {
        ran: run.status.success(),
        why,
        driver,
        net,
        nat_chain,
    }
}

/// The doctor's `engines` entry for docker and its whole report.
fn doctor(live: &Live, scratch: &Scratch) -> (Value, Value) {
    let exe = live.exe();
    let out = scratch.run(live, &[exe.to_str().unwrap(), "--format", "json"]);
    let report = parse_report(&out);
    let engine = crate::harness::engine(&report, "docker")
        .cloned()
        .unwrap_or_else(|| panic!("no docker in engines: {report:#}"));
    (engine, report)
}

fn check<'r>(report: &'r Value, id: &str) -> &'r Value {
    report["checks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no {id}"))
}

/// A fact of a check's evidence whose name starts with `name`.
fn evidence<'r>(report: &'r Value, id: &str, name: &str) -> Option<&'r str> {
    check(report, id)["evidence"]
        .as_array()?
        .iter()
        .find(|e| e["name"].as_str().is_some_and(|n| n.starts_with(name)))?["value"]
        .as_str()
}

#[test]
fn engine_docker_agrees_with_rootless_docker() {
    let Some(live) = live("engine_docker_agrees_with_rootless_docker") else {
        return;
    };
    for needed in [
        format!("{CONTRIB}/dockerd-rootless.sh"),
        "/usr/sbin/dockerd".into(),
        "/usr/bin/docker".into(),
        "/usr/bin/rootlesskit".into(),
        "/usr/bin/slirp4netns".into(),
        "/bin/busybox".into(),
    ] {
        if !Path::new(&needed).exists() {
            eprintln!("skipped: {needed} is missing (docker.io, rootlesskit, slirp4netns, busybox-static)");
            return;
        }
    }
    let (Some(_tun), Some(_fuse)) = (RestoreMode::save(TUN), RestoreMode::save(FUSE)) else {
        eprintln!("skipped: no {TUN} or no {FUSE}");
        return;
    };
    let tar = crate::live::busybox_tar(live.dir.path(), "bb");
    chown(&tar, Some(live.uid), Some(live.gid)).unwrap();
    // (name, /dev/net/tun's mode, /dev/fuse's mode, daemon.json, PATH with
    // BIN for the scratch bin dir)
    let no_iptables = "/usr/share/docker.io/contrib:BIN:/usr/bin:/bin";
    let fuse_json = Some(r#"{"storage-driver": "fuse-overlayfs"}"#);
    let states: &[State] = &[
        ("tun-0600", 0o600, 0o600, None, None),
        ("tun-0666", 0o666, 0o600, None, None),
        (
            "vfs",
            0o666,
            0o600,
            Some(r#"{"storage-driver": "vfs"}"#),
            None,
        ),
        ("fuse-0600", 0o666, 0o600, fuse_json, None),
        ("fuse-0666", 0o666, 0o666, fuse_json, None),
        ("no-iptables", 0o666, 0o600, None, Some(no_iptables)),
        (
            "iptables-false",
            0o666,
            0o600,
            Some(r#"{"iptables": false}"#),
            Some(no_iptables),
        ),
    ];
    let mut rows = Vec::new();
    let mut wrong = Vec::new();
    for (name, tun, fuse, json, path) in states {
        set_mode(TUN, *tun);
        set_mode(FUSE, *fuse);
        let scratch = Scratch::new(&live, name, *json, *path);
        let (engine, report) = doctor(&live, &scratch);
        let real = really(&live, &scratch, &tar);
        let verdict = engine["verdict"].as_str().unwrap_or("?").to_string();
        let blocked = crate::harness::blocked_by(&engine);
        let code = check(&report, "engine.docker")["code"]
            .as_str()
            .unwrap_or("-")
            .to_string();
        let doc_driver = engine["storage_driver"].as_str().map(String::from);
        let doc_net = engine["network"].as_str().map(String::from);
        let helper_ev = evidence(&report, "network.helper", "rootless docker network helper")
            .map(|v| v.split_whitespace().next().unwrap_or("").to_string());
        let storage_ev = evidence(&report, "storage.driver", "rootless docker driver")
            .map(|v| v.split(" (").next().unwrap_or("").to_string());
        let expect = if real.ran { "works" } else { "fails" };
        let mut problems = Vec::new();
        if verdict != expect {
            problems.push(format!("verdict {verdict}, docker {expect}"));
        }
        if verdict == "fails" && blocked.is_empty() {
            problems.push("fails without blocked_by".into());
        }
        // The cause docker's own words name: a blocking check or the code.
        let cause = match *name {
            "tun-0600" => Some("network.tun"),
            "fuse-0600" => Some("storage-driver-unusable"),
            "no-iptables" => Some("iptables-missing"),
            _ => None,
        };
        if let Some(cause) = cause.filter(|_| !real.ran) {
            if code != cause && !blocked.iter().any(|b| b == cause) {
                problems.push(format!("the doctor does not name {cause}"));
            }
        }
        if real.driver.is_some() && real.driver != doc_driver {
            problems.push(format!("driver {doc_driver:?} vs {:?}", real.driver));
        }
        if real.net.is_some() && real.net != doc_net {
            problems.push(format!("network {doc_net:?} vs {:?}", real.net));
        }
        if real.net.is_some() && helper_ev.is_some() && helper_ev != real.net {
            problems.push(format!("network.helper {helper_ev:?} vs {:?}", real.net));
        }
        // dockerd's iptables runs as root of RootlessKit's user namespace
        // and makes its NAT chain in RootlessKit's network namespace.
        if real.driver.is_some() {
            let disabled = json.is_some_and(|j| j.contains(r#""iptables": false"#));
            if real.nat_chain != Some(!disabled) {
                problems.push(format!(
                    "NAT chain {:?} with iptables disabled: {disabled}",
                    real.nat_chain
                ));
            }
        }
        // storage.driver names docker's driver only when daemon.json does.
        if let (Some(named), Some(real)) = (&storage_ev, &real.driver) {
            if !named.starts_with("automatic") && named != real {
                problems.push(format!("storage.driver {named} vs {real}"));
            }
        }
        if !problems.is_empty() {
            wrong.push(format!("{name}: {}", problems.join(", ")));
        }
        rows.push(format!(
            "| {name} | {} | {} | {verdict} ({code}) | {} | {} / {} | {} | {} / {} | {} |",
            if real.ran { "runs" } else { "fails" },
            real.why.replace('|', "/").replace('\n', " "),
            blocked.join(" "),
            real.driver.as_deref().unwrap_or("-"),
            doc_driver.as_deref().unwrap_or("-"),
            storage_ev.as_deref().unwrap_or("-"),
            real.net.as_deref().unwrap_or("-"),
            doc_net.as_deref().unwrap_or("-"),
            match real.nat_chain {
                Some(true) => "yes",
                Some(false) => "no",
                None => "-",
            },
        ));
    }
    eprintln!(
        "\n| state | docker run | docker's words | doctor | blocked_by | docker info driver / doctor | storage.driver | rootlesskit --net / doctor | NAT chain DOCKER in RootlessKit's netns |\n|---|---|---|---|---|---|---|---|---|"
    );
    for row in &rows {
        eprintln!("{row}");
    }
    assert!(wrong.is_empty(), "disagreements:\n{}", wrong.join("\n"));
}
