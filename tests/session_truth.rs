//! The session and limits checks against the host truth, as the throwaway
//! test user, each case changing only the state it targets:
//!
//! - a login without XDG_RUNTIME_DIR (runuser with an empty environment): the
//!   verdict of `session.user-manager` and `session.linger` follows from
//!   whether systemd runs here and the user's sockets (without systemd: skip
//!   naming cgroupfs), and `runtime.xdg-runtime-dir` warns `unset`;
//! - `limits.nofile` with the limits runuser gives by default, and under
//!   `prlimit --nofile=4096:4096` and `--nofile=1048576:1048576`: the verdict
//!   and the evidence follow from the limits a process started the same way
//!   really has (its /proc/self/limits), not from constants.
//!
//! Nothing on the host changes: prlimit only sets the limits of the process
//! it starts. The systemd states are covered by fixture hosts
//! (tests/fixture_hosts.rs, checks/src/session).

use crate::live::{live, parse_report, Live, PATH};
use serde_json::Value;
use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::{Command, Output};

/// `prefix` then runuser as the test user with nothing but PATH.
fn started_as_user(live: &Live, prefix: &[&str], argv: &[&str]) -> Output {
    let (program, before) = match prefix.split_first() {
        Some((program, rest)) => (*program, rest.to_vec()),
        None => ("runuser", Vec::new()),
    };
    let mut command = Command::new(program);
    command.args(before);
    if !prefix.is_empty() {
        command.arg("runuser");
    }
    command
        .args(["-u", &live.user, "--", "env", "-i"])
        .arg(format!("PATH={PATH}"))
        .args(argv)
        .output()
        .expect("runuser")
}

fn doctor(live: &Live, prefix: &[&str], only: &str) -> Value {
    let exe = live.exe();
    let output = started_as_user(
        live,
        prefix,
        &[exe.to_str().unwrap(), "--format", "json", "--only", only],
    );
    parse_report(&output)
}

fn check<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["id"] == id))
        .unwrap_or_else(|| panic!("no {id} in {report:#}"))
}

fn verdict(report: &Value, id: &str) -> (String, String) {
    let c = check(report, id);
    (
        c["status"].as_str().unwrap_or("").to_string(),
        c["code"].as_str().unwrap_or("").to_string(),
    )
}

fn evidence<'a>(report: &'a Value, id: &str, name: &str) -> Option<&'a str> {
    check(report, id)["evidence"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
        .and_then(|e| e["value"].as_str())
}

fn is_socket(path: &str) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.file_type().is_socket())
}

#[test]
fn a_login_without_xdg_runtime_dir_agrees_with_the_host() {
    let Some(live) = live("a_login_without_xdg_runtime_dir_agrees_with_the_host") else {
        return;
    };
    let report = doctor(
        &live,
        &[],
        "session.user-manager,session.linger,runtime.xdg-runtime-dir",
    );
    // The truth of this host, read the way sd_booted and systemctl read it.
    let systemd = Path::new("/run/systemd/system").is_dir();
    let manager = is_socket(&format!("/run/user/{}/systemd/private", live.uid));
    let bus = is_socket(&format!("/run/user/{}/bus", live.uid));
    let lingering = Path::new("/var/lib/systemd/linger")
        .join(&live.user)
        .exists();
    let (want_manager, want_linger) = if !systemd {
        (("skip", "no-systemd"), ("skip", "no-systemd"))
    } else {
        let manager_verdict = match (manager, bus) {
            // runuser from root's session with an empty environment: no
            // login session, and nothing leads to the bus.
            (false, _) | (true, true) => ("warn", "no-login-session"),
            (true, false) => ("warn", "no-user-bus"),
        };
        let linger_verdict = if lingering {
            ("pass", "")
        } else {
            ("warn", "linger-off")
        };
        (manager_verdict, linger_verdict)
    };
    let got = verdict(&report, "session.user-manager");
    assert_eq!((got.0.as_str(), got.1.as_str()), want_manager, "{report:#}");
    let got = verdict(&report, "session.linger");
    assert_eq!((got.0.as_str(), got.1.as_str()), want_linger, "{report:#}");
    if !systemd {
        let reason = check(&report, "session.user-manager")["skip_reason"]
            .as_str()
            .unwrap_or_default();
        assert!(reason.contains("cgroupfs"), "{reason}");
    }
    // How the session was entered, as the doctor saw it: runuser, no
    // XDG_RUNTIME_DIR.
    let parents = evidence(&report, "session.user-manager", "parents").unwrap_or_default();
    assert!(parents.starts_with("runuser"), "{report:#}");
    assert_eq!(
        evidence(&report, "session.user-manager", "XDG_RUNTIME_DIR"),
        Some("(unset)")
    );
    let got = verdict(&report, "runtime.xdg-runtime-dir");
    assert_eq!((got.0.as_str(), got.1.as_str()), ("warn", "unset"));
}

/// The (soft, hard) open-file and process limits of a process started the
/// way the doctor is, read from its /proc/self/limits.
/// `None` when `prefix` cannot start it (prlimit may not raise a hard limit
/// without CAP_SYS_RESOURCE, as in a container).
fn limits_in_force(live: &Live, prefix: &[&str]) -> Option<((String, String), (String, String))> {
    let output = started_as_user(live, prefix, &["cat", "/proc/self/limits"]);
    if !output.status.success() {
        eprintln!(
            "{prefix:?} cannot start a process here: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
        return None;
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    let row = |name: &str| {
        let line = text
            .lines()
            .find(|l| l.starts_with(name))
            .unwrap_or_else(|| panic!("no {name} in {text}"));
        let fields: Vec<&str> = line[name.len()..].split_whitespace().collect();
        (fields[0].to_string(), fields[1].to_string())
    };
    Some((row("Max open files"), row("Max processes")))
}

fn at_least(value: &str, floor: u64) -> bool {
    value == "unlimited" || value.parse::<u64>().is_ok_and(|v| v >= floor)
}

/// Runs limits.nofile started behind `prefix` and compares it with the
/// truth; `None` when no process can be started that way here.
fn limits_case(live: &Live, prefix: &[&str]) -> Option<(String, String)> {
    let (nofile, nproc) = limits_in_force(live, prefix)?;
    let report = doctor(live, prefix, "limits.nofile");
    let (status, code) = verdict(&report, "limits.nofile");
    assert_eq!(
        evidence(&report, "limits.nofile", "RLIMIT_NOFILE"),
        Some(format!("{}:{}", nofile.0, nofile.1).as_str()),
        "{prefix:?}: {report:#}"
    );
    assert_eq!(
        evidence(&report, "limits.nofile", "RLIMIT_NPROC"),
        Some(format!("{}:{}", nproc.0, nproc.1).as_str()),
        "{prefix:?}: {report:#}"
    );
    let nofile_ok = at_least(&nofile.1, 65_536);
    let nproc_ok = at_least(&nproc.0, 4_096);
    let want = match (nofile_ok, nproc_ok) {
        (true, true) => ("pass", ""),
        (false, _) => ("warn", "nofile-low"),
        (true, false) => ("warn", "nproc-low"),
    };
    assert_eq!(
        (status.as_str(), code.as_str()),
        want,
        "{prefix:?}: hard nofile {}, soft nproc {}: {report:#}",
        nofile.1,
        nproc.0
    );
    let also: Vec<&str> = check(&report, "limits.nofile")["also"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let want_also: &[&str] = if !nofile_ok && !nproc_ok {
        &["nproc-low"]
    } else {
        &[]
    };
    assert_eq!(also, want_also, "{prefix:?}: {report:#}");
    if !nofile_ok {
        let message = check(&report, "limits.nofile")["message"]
            .as_str()
            .unwrap_or_default();
        assert!(
            message.contains(&format!("is {} (below 65536)", nofile.1)),
            "{message}"
        );
    }
    Some((status, code))
}

#[test]
fn limits_agree_with_the_limits_in_force() {
    let Some(live) = live("limits_agree_with_the_limits_in_force") else {
        return;
    };
    // As runuser gives them by default.
    limits_case(&live, &[]).expect("runuser starts a process");
    // A hard limit of 4096 (lowering needs no privilege): the warning,
    // whatever the default is.
    let low = limits_case(&live, &["prlimit", "--nofile=4096:4096"]).expect("prlimit lowers");
    assert_eq!((low.0.as_str(), low.1.as_str()), ("warn", "nofile-low"));
    // A process limit of 1000 as well: both named.
    let both = limits_case(
        &live,
        &["prlimit", "--nofile=4096:4096", "--nproc=1000:1000"],
    )
    .expect("prlimit lowers");
    assert_eq!((both.0.as_str(), both.1.as_str()), ("warn", "nofile-low"));
    // 65536, the threshold, and what podman asks for: no open-file warning.
    // Raising may be refused here (no CAP_SYS_RESOURCE in a container); then
    // the case says so and is left out.
    for limit in ["--nofile=65536:65536", "--nofile=1048576:1048576"] {
        if let Some(high) = limits_case(&live, &["prlimit", limit]) {
            assert_ne!(high.1, "nofile-low", "{limit}");
        }
    }
}
