//! The `engines` entries of the bare runtimes agree with the real runtimes,
//! as the throwaway test user, on this host.
//!
//! For each state, the test runs the real `runc run` and `crun run` of a
//! busybox bundle made with `runc spec --rootless` (process `/bin/true`, no
//! terminal) and `bwrap --unshare-user --ro-bind / / true`, each as the test
//! user with the runtime's default state directory, then the doctor as the
//! same user in the same environment, and compares each runtime's exit with
//! the verdict of its `engines` entry: `works` exactly when the runtime ran.
//! On a failure, the first check of `blocked_by` must be the one the
//! runtime's own error names (see [`expected_check`]).
//!
//! States:
//!
//! - `healthy`: XDG_RUNTIME_DIR is a private directory of the user's (runc
//!   keeps its state in `$XDG_RUNTIME_DIR/runc`, crun in `.../crun`);
//! - `xdg-unset`: no XDG_RUNTIME_DIR; runc 1.1.5 then uses `/run/runc`
//!   (`mkdir /run/runc: permission denied`) and crun 1.8.1 `/run/crun`
//!   (`cannot create state directory`);
//! - `no-userns`: a seccomp filter (loaded as root without `no_new_privs`,
//!   before dropping to the user, as a container engine's profile would be)
//!   refuses `unshare` and `clone` with `CLONE_NEWUSER` (EPERM) and `clone3`
//!   (ENOSYS, so callers fall back to `clone`): no user namespace for the
//!   user, and the host itself untouched (a `user.max_user_namespaces=0`
//!   would break every other user's containers while it lasts);
//! - `unreadable`: first on the user's PATH, a copy of runc owned by root
//!   with mode 0711: runc 1.1.5 must read its own binary to clone it ("you
//!   have no read access to runc binary file"), so it fails, while crun and
//!   bwrap are as healthy;
//! - `bwrap-caps`: first on the user's PATH, a copy of bwrap (never
//!   /usr/bin/bwrap itself) given `setcap cap_net_admin+ep`: not setuid but
//!   holding a capability, bwrap 0.8.0 refuses to start ("Unexpected
//!   capabilities but not setuid, old file caps config?"), so the doctor
//!   must fail bwrap on `runtime.bwrap` and leave runc and crun as they were;
//! - `bwrap-copy`: the same copy without capabilities, which works.
//!
//! The copies live in the test's scratch directory, removed with it when
//! the test ends, failed or not.
//!
//! An agreement table is printed (`--nocapture` shows it). Skipped with a
//! reason when not root, without `ROOTLESS_DOCTOR_TEST_USER`, for a runtime
//! that is not installed, and for `no-userns` without python3's seccomp
//! module (python3-seccomp), and for `bwrap-caps` without `setcap`
//! (libcap2-bin).

use crate::harness::assert_valid_report;
use crate::live::{live, parse_report, Live, PATH};
use serde_json::Value;
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The python with Debian's seccomp module.
const PYTHON: &str = "/usr/bin/python3";

/// Loads the `no-userns` filter as root, drops to `uid:gid`, execs argv:
/// `python3 -c LOADER uid:gid argv...`.
const LOADER: &str = r#"
import errno, os, sys
import seccomp
ids, argv = sys.argv[1], sys.argv[2:]
CLONE_NEWUSER = 0x10000000
f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
f.set_attr(seccomp.Attr.CTL_NNP, 0)
f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
for call in ("unshare", "clone"):
    f.add_rule(seccomp.ERRNO(errno.EPERM), call,
               seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER))
f.load()
uid, gid = (int(n) for n in ids.split(":"))
os.setgroups([])
os.setgid(gid)
os.setuid(uid)
os.execv(argv[0], argv)
"#;

/// One host state the runtimes and the doctor are run in.
#[derive(Clone, Copy)]
struct State {
    name: &'static str,
    /// XDG_RUNTIME_DIR is set (to the user's private directory).
    xdg: bool,
    /// Under the `no-userns` seccomp filter.
    no_userns: bool,
    /// A copy of runc the user may execute but not read comes first on PATH.
    unreadable_runc: bool,
    /// A copy of bwrap comes first on PATH: `Some(true)` with
    /// `cap_net_admin+ep`, `Some(false)` without capabilities.
    bwrap_copy: Option<bool>,
}

impl State {
    const HEALTHY: State = State {
        name: "healthy",
        xdg: true,
        no_userns: false,
        unreadable_runc: false,
        bwrap_copy: None,
    };
}

/// The directory with the unreadable copy of runc.
fn unreadable_dir(live: &Live) -> PathBuf {
    live.dir.path().join("unreadable-bin")
}

/// The directory with the copy of bwrap.
fn bwrap_dir(live: &Live) -> PathBuf {
    live.dir.path().join("bwrap-bin")
}

/// The PATH of the user's runs in `state`.
fn path_of(live: &Live, state: State) -> String {
    if state.unreadable_runc {
        format!("{}:{PATH}", unreadable_dir(live).display())
    } else if state.bwrap_copy.is_some() {
        format!("{}:{PATH}", bwrap_dir(live).display())
    } else {
        PATH.to_string()
    }
}

/// Runs `argv` as the test user in `state`, with a clean environment.
fn as_user(live: &Live, state: State, argv: &[&str]) -> Output {
    let mut env = vec![format!("PATH={}", path_of(live, state))];
    if state.xdg {
        env.push(format!("XDG_RUNTIME_DIR={}", live.xdg.display()));
    }
    env.push(format!("HOME={}", live.dir.path().display()));
    let mut command = if state.no_userns {
        let mut c = Command::new(PYTHON);
        c.args(["-c", LOADER, &format!("{}:{}", live.uid, live.gid)])
            .arg("/usr/bin/env");
        c
    } else {
        let mut c = Command::new("runuser");
        c.args(["-u", &live.user, "--", "/usr/bin/env"]);
        c
    };
    command
        .arg("-i")
        .args(&env)
        .args(argv)
        .env_clear()
        .env("PATH", PATH)
        .output()
        .expect("start the user's command")
}

/// The check a runtime's error names, by its own wording (runc 1.1.5,
/// crun 1.8.1, bwrap 0.8.0); `None` for an error this table does not know.
fn expected_check(stderr: &str) -> Option<&'static str> {
    if stderr.contains("Unexpected capabilities but not setuid") {
        Some("runtime.bwrap")
    } else if stderr.contains("cgroups in hybrid mode not supported")
        || stderr.contains("no read access to runc binary")
    {
        Some("runtime.oci-runtime")
    } else if stderr.contains("/run/runc")
        || stderr.contains("/run/crun")
        || stderr.contains("cannot create state directory")
        || stderr.contains("XDG_RUNTIME_DIR")
    {
        Some("runtime.xdg-runtime-dir")
    } else if stderr.contains("namespace")
        || stderr.contains("newuidmap")
        // crun's clone of the container process, with CLONE_NEWUSER.
        || stderr.contains("clone: Operation not permitted")
    {
        Some("userns.create")
    } else {
        None
    }
}

/// What the real runtime did: `Ok(())` when it ran, else the line of its
/// error that names the cause (runc's message without its log prefix) and
/// its whole stderr.
fn real_run(
    live: &Live,
    state: State,
    runtime: &str,
    bundle: &Path,
) -> Result<(), (String, String)> {
    let output = if runtime == "bwrap" {
        as_user(
            live,
            state,
            &["bwrap", "--unshare-user", "--ro-bind", "/", "/", "true"],
        )
    } else {
        let id = format!("rd-engines-{}-{runtime}", state.name);
        let bundle = bundle.to_str().unwrap();
        let output = as_user(live, state, &[runtime, "run", "--bundle", bundle, &id]);
        let _ = as_user(live, state, &[runtime, "delete", "-f", &id]);
        output
    };
    if output.status.success() {
        Ok(())
    } else {
        let stderr = String::from_utf8_lossy(&output.stderr);
        // The line that names the cause (runc logs it before its summary),
        // else the last; runc's `time=... level=... msg="..."` shows its msg.
        let lines: Vec<&str> = stderr.trim().lines().collect();
        let line = lines
            .iter()
            .find(|l| expected_check(l).is_some())
            .or(lines.last())
            .copied()
            .unwrap_or("(no error)");
        let error = match line.split_once("msg=\"") {
            Some((_, msg)) => msg.trim_end_matches('"'),
            None => line,
        };
        Err((error.to_string(), stderr.to_string()))
    }
}

/// The doctor's entry for `name`, or `None` when it lists none.
fn entry<'a>(report: &'a Value, name: &str) -> Option<&'a Value> {
    report["engines"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
}

/// An entry's verdict as the table shows it.
fn shown(entry: Option<&Value>) -> String {
    let Some(e) = entry else {
        return "(no entry)".into();
    };
    let blocked: Vec<&str> = e["blocked_by"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    match e["verdict"].as_str().unwrap_or("?") {
        "fails" => format!("fails: {}", blocked.join(", ")),
        other => other.to_string(),
    }
}

/// Where the runtime is installed, if it is.
fn installed(runtime: &str) -> Option<PathBuf> {
    ["/usr/sbin", "/usr/bin", "/usr/local/bin", "/usr/local/sbin"]
        .iter()
        .map(|d| Path::new(d).join(runtime))
        .find(|p| p.exists())
}

/// Runs every installed runtime and the doctor in `state`; prints the table
/// and returns the disagreements.
fn compare(live: &Live, state: State, bundle: &Path) -> Vec<String> {
    let output = as_user(
        live,
        state,
        &[live.exe().to_str().unwrap(), "--format", "json"],
    );
    let report = parse_report(&output);
    assert_valid_report(&report);
    let mut rows = Vec::new();
    let mut disagreements = Vec::new();
    for runtime in ["runc", "crun", "bwrap"] {
        if installed(runtime).is_none() {
            eprintln!("skipped {runtime} in {}: not installed", state.name);
            continue;
        }
        let real = real_run(live, state, runtime, bundle);
        let entry = entry(&report, runtime);
        let verdict = entry.and_then(|e| e["verdict"].as_str());
        let first = entry.and_then(|e| e["blocked_by"][0].as_str());
        // A failure must name first the check the runtime's error names; an
        // error the table does not know is a disagreement too.
        let agrees = match &real {
            Ok(()) => verdict == Some("works"),
            Err((_, stderr)) => {
                verdict == Some("fails") && expected_check(stderr).is_some_and(|e| first == Some(e))
            }
        };
        let real_text = match &real {
            Ok(()) => "works".to_string(),
            Err((error, _)) => format!("fails: {error}"),
        };
        if runtime == "bwrap" && state.bwrap_copy.is_some() {
            // The doctor judged the copy the user ran, not /usr/bin/bwrap.
            let copy = bwrap_dir(live).join("bwrap");
            let path = entry.and_then(|e| e["path"].as_str());
            assert_eq!(path, copy.to_str(), "{}: {report:#}", state.name);
        }
        rows.push(format!(
            "{:<10} {:<6} {:<3} {:<100} {}",
            state.name,
            runtime,
            if agrees { "ok" } else { "NO" },
            real_text.chars().take(100).collect::<String>(),
            shown(entry)
        ));
        if !agrees {
            disagreements.push(format!(
                "{} {runtime}: the runtime {real_text}, the doctor says {}",
                state.name,
                shown(entry)
            ));
        }
    }
    eprintln!(
        "\n{:<10} {:<6} {:<3} {:<100} doctor\n{}",
        "state",
        "engine",
        "",
        "real runtime",
        rows.join("\n")
    );
    if !disagreements.is_empty() {
        eprintln!("{report:#}");
    }
    disagreements
}

fn run_state(test: &str, state: State) {
    let Some(live) = live(test) else {
        return;
    };
    if installed("runc").is_none() {
        eprintln!("skipped {test}: runc (for `runc spec --rootless`) is not installed");
        return;
    }
    if state.no_userns {
        let loads = Command::new(PYTHON)
            .args(["-c", "import seccomp"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !loads {
            eprintln!(
                "skipped {test}: {PYTHON} cannot import seccomp (apt-get install python3-seccomp)"
            );
            return;
        }
    }
    if state.unreadable_runc {
        let dir = unreadable_dir(&live);
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let copy = dir.join("runc");
        fs::copy(installed("runc").unwrap(), &copy).unwrap();
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o711)).unwrap();
    }
    if let Some(caps) = state.bwrap_copy {
        let dir = bwrap_dir(&live);
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
        let copy = dir.join("bwrap");
        fs::copy(installed("bwrap").unwrap(), &copy).unwrap();
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
        if caps {
            let set = Command::new("setcap")
                .arg("cap_net_admin+ep")
                .arg(&copy)
                .status();
            if !set.is_ok_and(|s| s.success()) {
                eprintln!("skipped {test}: setcap failed (apt-get install libcap2-bin)");
                return;
            }
        }
    }
    let bundle = live.bundle(&format!("engines-{}", state.name), false);
    let disagreements = compare(&live, state, &bundle);
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

#[test]
fn bare_runtimes_agree_on_a_healthy_host() {
    run_state("bare_runtimes_agree_on_a_healthy_host", State::HEALTHY);
}

#[test]
fn bare_runtimes_agree_without_xdg_runtime_dir() {
    run_state(
        "bare_runtimes_agree_without_xdg_runtime_dir",
        State {
            name: "xdg-unset",
            xdg: false,
            no_userns: false,
            unreadable_runc: false,
            ..State::HEALTHY
        },
    );
}

#[test]
fn bare_runtimes_agree_without_user_namespaces() {
    run_state(
        "bare_runtimes_agree_without_user_namespaces",
        State {
            name: "no-userns",
            xdg: true,
            no_userns: true,
            unreadable_runc: false,
            ..State::HEALTHY
        },
    );
}

#[test]
fn bare_runtimes_agree_with_an_unreadable_runc() {
    run_state(
        "bare_runtimes_agree_with_an_unreadable_runc",
        State {
            name: "unreadable",
            xdg: true,
            no_userns: false,
            unreadable_runc: true,
            ..State::HEALTHY
        },
    );
}

/// The healthy host with a copy of bwrap first on the PATH, given
/// `cap_net_admin+ep` when `caps`; skipped without bwrap.
fn run_bwrap_copy(test: &str, name: &'static str, caps: bool) {
    if installed("bwrap").is_none() {
        eprintln!("skipped {test}: bwrap is not installed");
        return;
    }
    run_state(
        test,
        State {
            name,
            bwrap_copy: Some(caps),
            ..State::HEALTHY
        },
    );
}

#[test]
fn bwrap_with_file_capabilities_fails_bwrap_alone() {
    run_bwrap_copy(
        "bwrap_with_file_capabilities_fails_bwrap_alone",
        "bwrap-caps",
        true,
    );
}

#[test]
fn a_bwrap_copy_without_capabilities_works() {
    run_bwrap_copy(
        "a_bwrap_copy_without_capabilities_works",
        "bwrap-copy",
        false,
    );
}

/// `(major, minor, patch)` of `runc --version`'s first line
/// (`runc version 1.1.5+ds1`), and the version word itself.
fn runc_version(stdout: &str) -> Option<((u64, u64, u64), String)> {
    let word = stdout.lines().next()?.strip_prefix("runc version ")?.trim();
    let core = word.split(['+', '~', '-']).next()?;
    let mut parts = core.split('.').map(|p| p.parse::<u64>().ok());
    let version = (
        parts.next()??,
        parts.next()??,
        parts.next().flatten().unwrap_or(0),
    );
    Some((version, word.to_string()))
}

#[test]
fn the_live_runc_version_is_read_and_below_the_procfs_hardening() {
    let test = "the_live_runc_version_is_read_and_below_the_procfs_hardening";
    let Some(live) = live(test) else {
        return;
    };
    if installed("runc").is_none() {
        eprintln!("skipped {test}: runc is not installed");
        return;
    }
    let state = State::HEALTHY;
    let real = as_user(&live, state, &["runc", "--version"]);
    let stdout = String::from_utf8_lossy(&real.stdout);
    let (version, word) = runc_version(&stdout).expect("runc --version prints its version");
    let exe = live.exe();
    let output = as_user(
        &live,
        state,
        &[
            exe.to_str().unwrap(),
            "--format",
            "json",
            "--only",
            "runtime.oci-runtime",
        ],
    );
    let report = parse_report(&output);
    assert_valid_report(&report);
    let check = &report["checks"][0];
    // The version the doctor read is the one the installed runc prints.
    let evidence = check["evidence"].to_string();
    assert!(
        evidence.contains(&format!("version {word}")),
        "{word}: {check:#}"
    );
    let shown = format!("{}.{}.{}", version.0, version.1, version.2);
    assert_eq!(
        entry(&report, "runc").unwrap()["version"],
        shown.as_str(),
        "{report:#}"
    );
    // Its procfs hardening came with 1.2.8, 1.3.3 and 1.4.0-rc.3.
    let hardened = match (version.0, version.1) {
        (1, 0 | 1) | (0, _) => false,
        (1, 2) => version.2 >= 8,
        (1, 3) => version.2 >= 3,
        _ => true,
    };
    let codes: Vec<&str> = std::iter::once(&check["code"])
        .chain(check["also"].as_array().into_iter().flatten())
        .filter_map(Value::as_str)
        .collect();
    eprintln!(
        "runc --version: {word}; hardened: {hardened}; /proc/self/setgroups: {}; doctor: {} {codes:?}",
        Path::new("/proc/self/setgroups").exists(),
        check["status"]
    );
    if hardened {
        eprintln!("{test}: runc {word} has the hardening; the no-code half is not checked");
        return;
    }
    assert!(
        !codes.iter().any(|c| c.starts_with("runc-procfs-")),
        "runc {word} predates the hardening: {check:#}"
    );
}
