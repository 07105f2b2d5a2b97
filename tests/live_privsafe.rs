//! Live privilege safety: root acting for the test user (`--user`) gets the
//! user's own verdicts, runs every child as the user with a clean
//! environment, and never follows a symlink the user planted into a file only
//! root may read.
//!
//! The user's runtime dir (/run/user/UID), home and bundles get symlinks into
//! a root-only temp dir. The doctor runs as root under `strace -ff -y -v`,
//! with supplementary groups and a hostile environment (LD_PRELOAD,
//! LD_LIBRARY_PATH, GCONV_PATH, BASH_ENV, ENV), and the trace is checked: no
//! successful call of a process still holding root mentions the root-only
//! dir (`-y` prints the real path of every opened descriptor, so opening a
//! symlink to it shows), every process that drops to the user clears its
//! supplementary groups first, and every program started after the doctor
//! itself is started by a dropped process, by absolute path, with only the
//! variables the doctor chose. Everything planted is removed by guards.

use crate::live::{live, parse_report, Live};
use crate::trace::Trace;
use serde_json::Value;
use std::fs;
use std::os::unix::fs::{chown, lchown, symlink, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Variables a dropped child may be started with.
const ALLOWED_ENV: [&str; 3] = ["PATH=", "LANG=", "LC_ALL="];
/// Variables the doctor is started with that must not reach its children.
const HOSTILE_ENV: [(&str, &str); 5] = [
    ("LD_PRELOAD", "/nonexistent/rd-marker-preload.so"),
    ("LD_LIBRARY_PATH", "/nonexistent/rd-marker-lib"),
    ("GCONV_PATH", "/nonexistent/rd-marker-gconv"),
    ("BASH_ENV", "/nonexistent/rd-marker-bashenv"),
    ("ENV", "/nonexistent/rd-marker-env"),
];

/// Removes what a test planted, even when it fails.
struct Planted(Vec<PathBuf>);

impl Drop for Planted {
    fn drop(&mut self) {
        for path in self.0.iter().rev() {
            match fs::symlink_metadata(path) {
                Ok(m) if m.is_dir() => {
                    let _ = fs::remove_dir_all(path);
                }
                Ok(_) => {
                    let _ = fs::remove_file(path);
                }
                Err(_) => {}
            }
        }
    }
}

/// A symlink owned by the user, as the user would plant it, at a path only
/// this test uses (a leftover of an interrupted run is replaced).
fn plant(link: &Path, target: &Path, live: &Live, planted: &mut Planted) {
    let _ = fs::remove_file(link);
    symlink(target, link).unwrap();
    lchown(link, Some(live.uid), Some(live.gid)).unwrap();
    planted.0.push(link.to_path_buf());
}

/// The root-only dir: a valid config.json, a rootfs and a secret file.
fn secret_dir(live: &Live) -> tempfile::TempDir {
    let secret = tempfile::Builder::new()
        .prefix("rd-secret-")
        .permissions(fs::Permissions::from_mode(0o700))
        .tempdir_in("/tmp")
        .unwrap();
    let mode = fs::metadata(secret.path()).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "tempdir is not private");
    let model = live.bundle("privsafe-model", false);
    let status = Command::new("cp")
        .arg("-a")
        .arg(model.join("config.json"))
        .arg(model.join("rootfs"))
        .arg(secret.path())
        .status()
        .unwrap();
    assert!(status.success());
    Command::new("chown")
        .args(["-R", "0:0"])
        .arg(secret.path())
        .status()
        .unwrap();
    fs::write(secret.path().join("secret"), "root only\n").unwrap();
    secret
}

/// Runs the doctor as root for the user under strace; the report and the trace.
fn traced_root_run(live: &Live, args: &[&str]) -> (Value, Trace) {
    let dir = tempfile::Builder::new()
        .permissions(fs::Permissions::from_mode(0o700))
        .tempdir()
        .unwrap();
    let mut command = Command::new("setpriv");
    command
        .args(["--groups", "4,6,42", "--"])
        .args(["strace", "-ff", "-y", "-v", "-qq", "-s", "4096"])
        .args(["-e", "trace=%file,%process,%creds", "-o"])
        .arg(dir.path().join("t"))
        .arg(live.exe())
        .args(["--format", "json", "--user", &live.user])
        .args(args)
        .env_remove("SUDO_UID");
    for (name, value) in HOSTILE_ENV {
        command.env(name, value);
    }
    let output = command.output().unwrap();
    (parse_report(&output), Trace::read(dir.path()))
}

/// The user's own run, with the runtime dir root's run derives.
fn own_run(live: &Live, run_dir: &Path, args: &[&str]) -> Value {
    let output = Command::new("runuser")
        .args(["-u", &live.user, "--", "env", "-i"])
        .arg(format!("PATH={}", checks::subject::LOGIN_PATH))
        .arg(format!("XDG_RUNTIME_DIR={}", run_dir.display()))
        .arg(live.exe())
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    parse_report(&output)
}

/// limits.nofile is left out: root estimates what a fresh login gets (init's
/// limits, then limits.conf), while the user's run here inherits the test
/// runner's own limits, which no login would (tests/session_truth.rs compares
/// each with the limits really in force).
fn verdicts(report: &Value, with_message: bool) -> Vec<String> {
    report["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("no checks in {report:#}"))
        .iter()
        .filter(|c| c["id"] != "limits.nofile")
        .map(|c| {
            let mut v = format!("{} {}", c["id"], c["status"]);
            if with_message {
                v.push_str(&format!(" {}", c["message"]));
            }
            v
        })
        .collect()
}

/// Everything the trace must show, described when it does not.
fn trace_problems(trace: &Trace, secret: &Path, uid: u32) -> Vec<String> {
    let secret = secret.to_string_lossy();
    let mut problems = Vec::new();
    let mut execs = 0;
    for (pid, calls) in &trace.calls {
        let mut groups_cleared = false;
        for call in calls {
            if !call.dropped && call.succeeded() && call.line.contains(secret.as_ref()) {
                problems.push(format!("root touched the secret: {pid}: {}", call.line));
            }
            if call.name == "setgroups" && call.succeeded() && call.line.starts_with("setgroups(0,")
            {
                groups_cleared = true;
            }
            if call.line.starts_with(&format!("setuid({uid})")) && !groups_cleared {
                problems.push(format!("{pid} dropped to {uid} keeping its groups"));
            }
            if call.name != "execve" || !call.succeeded() {
                continue;
            }
            execs += 1;
            if execs == 1 {
                continue; // the doctor itself (strace's own exec)
            }
            if !call.dropped {
                problems.push(format!("root executed: {pid}: {}", call.line));
            }
            if !call.line.starts_with("execve(\"/") {
                problems.push(format!("not an absolute path: {pid}: {}", call.line));
            }
            // `execve("/path", ["argv", ...], ["VAR=value", ...]) = 0`
            let env = call.line.rsplit_once("], [").map_or("", |(_, env)| env);
            let env = env.rsplit_once("])").map_or(env, |(env, _)| env);
            for var in env.split("\", \"") {
                let var = var.trim_matches('"');
                if !var.is_empty() && !ALLOWED_ENV.iter().any(|a| var.starts_with(a)) {
                    problems.push(format!("{pid} started with {var}: {}", call.line));
                }
            }
        }
    }
    if execs < 2 {
        problems.push("the trace shows no child at all".to_string());
    }
    problems
}

#[test]
fn root_for_a_user_follows_no_planted_symlink_and_agrees_with_the_user() {
    let Some(live) = live("root_for_a_user_follows_no_planted_symlink_and_agrees_with_the_user")
    else {
        return;
    };
    let secret = secret_dir(&live);
    let mut planted = Planted(Vec::new());
    // The runtime dir root derives for --user: make it real, as a login would.
    let run_dir = PathBuf::from(format!("/run/user/{}", live.uid));
    if !run_dir.exists() {
        fs::create_dir_all(&run_dir).unwrap();
        fs::set_permissions(&run_dir, fs::Permissions::from_mode(0o700)).unwrap();
        chown(&run_dir, Some(live.uid), Some(live.gid)).unwrap();
        planted.0.push(run_dir.clone());
    }
    // The runtimes' own state dirs are planted only where the user has none:
    // a real /run/user/UID/runc is live container state, left as it is.
    for name in ["runc", "crun", "containers"] {
        let path = run_dir.join(name);
        if fs::symlink_metadata(&path).is_ok() {
            eprintln!("{}: the user's own; not planted", path.display());
        } else {
            plant(&path, secret.path(), &live, &mut planted);
        }
    }
    plant(
        &run_dir.join("rootless-doctor-probe.1.planted"),
        secret.path(),
        &live,
        &mut planted,
    );
    let home = nix::unistd::User::from_uid(live.uid.into())
        .unwrap()
        .unwrap()
        .dir;
    for name in [".rd-privsafe-config", ".rd-privsafe-secret"] {
        plant(&home.join(name), secret.path(), &live, &mut planted);
    }
    // Bundles: config.json, the rootfs, and args[0] lead into the secret dir.
    let b_config = live.bundle("privsafe-config", false);
    fs::remove_file(b_config.join("config.json")).unwrap();
    plant(
        &b_config.join("config.json"),
        &secret.path().join("config.json"),
        &live,
        &mut planted,
    );
    let b_rootfs = live.bundle("privsafe-rootfs", false);
    fs::remove_dir_all(b_rootfs.join("rootfs")).unwrap();
    plant(
        &b_rootfs.join("rootfs"),
        &secret.path().join("rootfs"),
        &live,
        &mut planted,
    );
    let b_home = live.bundle("privsafe-home", false);
    fs::remove_dir_all(b_home.join("rootfs")).unwrap();
    plant(
        &b_home.join("rootfs"),
        &home.join(".rd-privsafe-secret/rootfs"),
        &live,
        &mut planted,
    );

    // A runtime no dpkg package vouches for, first on the login PATH, so
    // that runtime.oci-runtime runs its --version as the user (packaged
    // runtimes take their version from dpkg and start nothing).
    let local_crun = Path::new("/usr/local/bin/crun");
    if fs::symlink_metadata(local_crun).is_err() && Path::new("/usr/bin/crun").is_file() {
        fs::copy("/usr/bin/crun", local_crun).unwrap();
        fs::set_permissions(local_crun, fs::Permissions::from_mode(0o755)).unwrap();
        planted.0.push(local_crun.to_path_buf());
    }
    let runs: Vec<(Vec<&str>, bool)> = vec![
        (vec!["check"], false),
        (vec!["--only", "runtime.oci-runtime"], false),
        (vec!["bundle", b_config.to_str().unwrap()], true),
        (vec!["bundle", b_rootfs.to_str().unwrap()], true),
        (vec!["bundle", b_home.to_str().unwrap()], true),
    ];
    let mut problems = Vec::new();
    for (args, with_message) in runs {
        let own = own_run(&live, &run_dir, &args);
        let (by_root, trace) = traced_root_run(&live, &args);
        if verdicts(&own, with_message) != verdicts(&by_root, with_message) {
            problems.push(format!(
                "{args:?}: root's verdicts differ from the user's\nown: {:#?}\nroot: {:#?}",
                verdicts(&own, with_message),
                verdicts(&by_root, with_message)
            ));
        }
        for problem in trace_problems(&trace, secret.path(), live.uid) {
            problems.push(format!("{args:?}: {problem}"));
        }
    }
    // The planted links are still there: nothing was removed through them.
    for link in &planted.0 {
        assert!(
            fs::symlink_metadata(link).is_ok(),
            "{} vanished",
            link.display()
        );
    }
    assert!(secret.path().join("secret").exists());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
