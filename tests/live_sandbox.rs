//! The real binary in a hostile sandbox: a seccomp filter that refuses the
//! system calls which start threads and processes.
//!
//! Docker before 20.10.10 refused `clone3` with EPERM; glibc 2.34 and later
//! then cannot start a thread, nor a `posix_spawn` child (std's `Command`
//! uses it unless the child changes its ids). A doctor is run exactly where
//! things are broken, so in such a sandbox it must still print its whole
//! report and exit by the contract: no panic (exit 101), the checks that
//! needed a thread do their work inline, the checks that needed a child that
//! could not be started end in `error` naming the errno, and the exit code
//! is 3 unless a gate tripped (1).
//!
//! A small Python program (python3-seccomp, installed by tests/run.sh) loads
//! the filter as root (without `no_new_privs`, as Docker does), drops to the
//! test user where a run is the user's own, and execs the doctor. Variants:
//!
//! - `clone3`: `clone3` fails with EPERM (Docker before 20.10.10): no thread,
//!   no `posix_spawn` child; `fork` (the `clone` system call) still works,
//!   which std uses when root's child takes the subject's ids.
//! - `clone-thread`: `clone3` fails with ENOSYS (glibc falls back to `clone`)
//!   and `clone` with `CLONE_THREAD` fails with EPERM: no thread, every child.
//! - `no-process`: `clone3`, `clone`, `fork` and `vfork` fail with EPERM.
//! - `none`: no filter, the same ids and environment: the baseline.
//!
//! Each filtered run is compared with the baseline run of the same command,
//! so the assertions hold on any host: the checks that need no thread nor
//! child keep their baseline status exactly. They need root and
//! `ROOTLESS_DOCTOR_TEST_USER` (tests/run.sh sets both up) and python3 with
//! the seccomp module; otherwise each says why it is skipped and returns.

use crate::harness::assert_valid_report;
use crate::live::{live, Live, PATH};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

/// The Python that loads a filter and execs the doctor:
/// `python3 -c LOADER <variant> <uid:gid or -> <argv...>`.
const LOADER: &str = r#"
import errno, os, sys
import seccomp
variant, ids, argv = sys.argv[1], sys.argv[2], sys.argv[3:]
CLONE_THREAD = 0x10000
if variant != "none":
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    if os.geteuid() == 0:
        f.set_attr(seccomp.Attr.CTL_NNP, 0)
    if variant == "clone3":
        f.add_rule(seccomp.ERRNO(errno.EPERM), "clone3")
    elif variant == "clone-thread":
        f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
        f.add_rule(seccomp.ERRNO(errno.EPERM), "clone",
                   seccomp.Arg(0, seccomp.MASKED_EQ, CLONE_THREAD, CLONE_THREAD))
    elif variant == "no-process":
        for call in ("clone3", "clone", "fork", "vfork"):
            f.add_rule(seccomp.ERRNO(errno.EPERM), call)
    else:
        sys.exit("unknown variant " + variant)
    f.load()
if ids != "-":
    uid, gid = (int(n) for n in ids.split(":"))
    os.setgroups([])
    os.setgid(gid)
    os.setuid(uid)
os.execv(argv[0], argv)
"#;

/// The Python with the seccomp module (Debian's python3-seccomp).
const PYTHON: &str = "/usr/bin/python3";

/// The errno every refusal of these filters names.
const EPERM: &str = "EPERM (operation not permitted)";

/// The checks that consult a live probe.
fn probe_checks() -> Vec<&'static str> {
    checks::HOST_CHECKS
        .iter()
        .filter(|def| !def.probes.is_empty())
        .map(|def| def.id)
        .collect()
}

/// The live environment, or `None` after saying why these tests cannot run.
fn sandbox(test: &str) -> Option<Live> {
    let live = live(test)?;
    let loads = Command::new(PYTHON)
        .args(["-c", "import seccomp"])
        .output()
        .is_ok_and(|out| out.status.success());
    if !loads {
        eprintln!(
            "skipped {test}: {PYTHON} cannot import seccomp (apt-get install python3-seccomp)"
        );
        return None;
    }
    Some(live)
}

/// Who runs the doctor.
#[derive(Clone, Copy)]
enum As {
    /// The test user, for itself.
    User,
    /// Root, diagnosing the test user (`--user`).
    RootForUser,
}

/// Runs the doctor under `variant` with a clean environment.
fn run(live: &Live, variant: &str, who: As, args: &[&str]) -> Output {
    run_on(live, variant, who, args, PATH)
}

/// [`run`] with `path` as the PATH of the run.
fn run_on(live: &Live, variant: &str, who: As, args: &[&str], path: &str) -> Output {
    let ids = match who {
        As::User => format!("{}:{}", live.uid, live.gid),
        As::RootForUser => "-".to_string(),
    };
    let mut command = Command::new(PYTHON);
    command
        .args(["-c", LOADER, variant, &ids])
        .arg(live.exe())
        .args(args)
        .env_clear()
        .env("PATH", path)
        .env("HOME", live.dir.path())
        .env("XDG_RUNTIME_DIR", &live.xdg);
    if let As::RootForUser = who {
        command.args(["--user", &live.user]);
    }
    command.output().expect("run python3")
}

/// The JSON report of a run, checked against the schema, after asserting
/// that the run did not panic.
fn report(output: &Output, what: &str) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_ne!(
        output.status.code(),
        Some(101),
        "{what} panicked:\n{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{what} panicked:\n{stderr}");
    let report = crate::live::parse_report(output);
    assert_valid_report(&report);
    report
}

/// Status, code and message of every check, by id.
fn verdicts(report: &Value) -> BTreeMap<String, (String, String, String)> {
    report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| {
            let text = |key: &str| c[key].as_str().unwrap_or_default().to_string();
            (text("id"), (text("status"), text("code"), text("message")))
        })
        .collect()
}

/// The exit code the contract gives these statuses under `--fail-on fail`.
fn contract_exit(report: &Value) -> i32 {
    let statuses: Vec<&str> = report["checks"]
        .as_array()
        .expect("checks")
        .iter()
        .map(|c| c["status"].as_str().unwrap_or_default())
        .collect();
    if statuses.contains(&"fail") {
        1
    } else if statuses.contains(&"error") {
        3
    } else {
        0
    }
}

/// Asserts that `id` ended in error with `code` and the errno in its message.
fn assert_refused(verdicts: &BTreeMap<String, (String, String, String)>, id: &str, code: &str) {
    let (status, got, message) = &verdicts[id];
    assert_eq!(
        (status.as_str(), got.as_str()),
        ("error", code),
        "{id}: {message}"
    );
    assert!(
        message.contains(EPERM),
        "{id} does not name the errno: {message}"
    );
}

/// Asserts that every check but `affected` kept its baseline status and code.
fn assert_unaffected(
    base: &BTreeMap<String, (String, String, String)>,
    got: &BTreeMap<String, (String, String, String)>,
    affected: &[&str],
    what: &str,
) {
    assert_eq!(
        base.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>(),
        "{what}: the report lacks checks"
    );
    for (id, (status, code, _)) in base {
        if affected.contains(&id.as_str()) {
            continue;
        }
        let (got_status, got_code, message) = &got[id];
        assert_eq!(
            (status, code),
            (got_status, got_code),
            "{what}: {id} changed: {message}"
        );
    }
}

/// A PATH whose first directory holds a root-owned copy of crun (0755, in a
/// 0755 directory): a runtime no dpkg package vouches for, so the doctor
/// must run its `--version` (Debian's own runc and crun are read from their
/// packages, not run). `None` when crun is not installed.
fn path_with_unpackaged_crun(live: &Live) -> Option<String> {
    use std::os::unix::fs::PermissionsExt;
    let crun = ["/usr/bin/crun", "/usr/local/bin/crun"]
        .into_iter()
        .find(|p| Path::new(p).is_file())?;
    let dir = live.dir.path().join("rt");
    std::fs::create_dir_all(&dir).ok()?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).ok()?;
    let copy = dir.join("crun");
    std::fs::copy(crun, &copy).ok()?;
    std::fs::set_permissions(&copy, std::fs::Permissions::from_mode(0o755)).ok()?;
    Some(format!("{}:{PATH}", dir.display()))
}

#[test]
fn clone3_refused_the_users_own_check_is_complete_and_inconclusive() {
    let Some(live) = sandbox("clone3_refused_the_users_own_check_is_complete_and_inconclusive")
    else {
        return;
    };
    // A crun that must be asked its version: its --version cannot start.
    let Some(path) = path_with_unpackaged_crun(&live) else {
        eprintln!("skipped clone3_refused_the_users_own_check_is_complete_and_inconclusive: no crun to copy");
        return;
    };
    let args = ["check", "--format", "json"];
    let base = run_on(&live, "none", As::User, &args, &path);
    let base = verdicts(&report(&base, "the baseline check"));
    let output = run_on(&live, "clone3", As::User, &args, &path);
    let filtered = report(&output, "check under clone3 EPERM");
    let got = verdicts(&filtered);
    // The user's own probes and --version children are posix_spawn children:
    // none starts. Everything else is judged as without the filter.
    // A probe check that needed no probe here (no engine installed) keeps
    // its verdict; every other one could not run its probe.
    let probe_checks = probe_checks();
    // Verdicts, not wording: a message may drop an `also:` that a refused
    // probe no longer supports.
    let verdict = |v: &BTreeMap<String, (String, String, String)>, id: &str| {
        let (status, code, _) = &v[id];
        (status.clone(), code.clone())
    };
    for &id in &probe_checks {
        if verdict(&got, id) == verdict(&base, id) {
            continue;
        }
        // The engine checks judge other checks' outcomes: a refused probe
        // leaves their verdict undecided, never a guess.
        if id.starts_with("engine.") {
            assert_eq!(
                verdict(&got, id),
                ("skip".to_string(), "undecided".to_string()),
                "{id}: {}",
                got[id].2
            );
        } else {
            assert_refused(&got, id, "probe-broken");
        }
    }
    for id in [
        "userns.create",
        "idmap.multi-map",
        "mount.bind",
        "mount.overlay",
    ] {
        assert_refused(&got, id, "probe-broken");
    }
    assert_refused(&got, "runtime.oci-runtime", "version-not-started");
    assert!(
        got["runtime.oci-runtime"].2.contains("/rt/crun --version"),
        "{}",
        got["runtime.oci-runtime"].2
    );
    let mut affected = probe_checks;
    affected.push("runtime.oci-runtime");
    assert_unaffected(&base, &got, &affected, "check under clone3 EPERM");
    // Errors and no fail (none on this host for the user, whose own
    // XDG_RUNTIME_DIR is set): 3; a host where some other check fails gives 1.
    assert_eq!(output.status.code(), Some(contract_exit(&filtered)));
    if !got.values().any(|(status, _, _)| status == "fail") {
        assert_eq!(output.status.code(), Some(3));
    }
    // The human report, too, is printed whole.
    let human = run_on(&live, "clone3", As::User, &["check"], &path);
    let stdout = String::from_utf8_lossy(&human.stdout);
    assert_eq!(human.status.code(), output.status.code(), "{stdout}");
    assert!(stdout.contains("What works here"), "{stdout}");
    let errors = got
        .values()
        .filter(|(status, _, _)| status == "error")
        .count();
    assert!(
        stdout.contains(&format!(" {errors} error\n")),
        "no summary with {errors} errors:\n{stdout}"
    );
}

#[test]
fn clone3_refused_root_for_the_user_forks_its_children() {
    let Some(live) = sandbox("clone3_refused_root_for_the_user_forks_its_children") else {
        return;
    };
    let args = ["check", "--format", "json"];
    let base = run(&live, "none", As::RootForUser, &args);
    let base = verdicts(&report(&base, "the baseline check --user"));
    let before = live.processes();
    let output = run(&live, "clone3", As::RootForUser, &args);
    let left = live.new_processes(&before);
    assert!(left.is_empty(), "left behind: {left:?}");
    let filtered = report(&output, "check --user under clone3 EPERM");
    let got = verdicts(&filtered);
    // Root's children take the subject's ids, so std forks them (`clone`,
    // which the filter allows): the probes run. Inside, the multi-map probe's
    // holder is a posix_spawn child again, and cannot start.
    assert_refused(&got, "idmap.multi-map", "probe-broken");
    // fuse-overlayfs, the network helpers and ip, too, are started by
    // posix_spawn where their probes get so far; runc's --version is forked
    // (and runc itself then aborts: "runtime/cgo: pthread_create failed").
    let maybe = [
        "mount.fuse-overlayfs",
        "runtime.oci-runtime",
        "network.helper",
        "network.tun",
        "storage.driver",
        "mount.idmapped",
    ];
    for id in maybe {
        if got[id] != base[id] && got[id].0 == "error" {
            assert!(got[id].2.contains(EPERM), "{id}: {}", got[id].2);
        }
    }
    let mut affected = vec!["idmap.multi-map"];
    affected.extend(maybe);
    assert_unaffected(&base, &got, &affected, "check --user under clone3 EPERM");
    // Root acting for the test user: on this host its XDG_RUNTIME_DIR
    // (/run/user/UID) does not exist, a fail, so the gate trips: 1.
    let code = contract_exit(&filtered);
    assert_eq!(output.status.code(), Some(code));
    assert!(code == 1 || code == 3, "no error reported");
}

#[test]
fn threads_refused_children_allowed_the_report_is_the_same() {
    let Some(live) = sandbox("threads_refused_children_allowed_the_report_is_the_same") else {
        return;
    };
    for who in [As::User, As::RootForUser] {
        let args = ["check", "--format", "json"];
        let base = run(&live, "none", who, &args);
        let base_code = base.status.code();
        let base = verdicts(&report(&base, "the baseline check"));
        let output = run(&live, "clone-thread", who, &args);
        let got = verdicts(&report(&output, "check without threads"));
        // The probes and the --version lookups run inline, one after another:
        // every verdict is the baseline's.
        assert_unaffected(&base, &got, &[], "check without threads");
        assert_eq!(output.status.code(), base_code);
    }
}

#[test]
fn no_process_at_all_root_for_the_user_is_all_errors_and_exits_3() {
    let Some(live) = sandbox("no_process_at_all_root_for_the_user_is_all_errors_and_exits_3")
    else {
        return;
    };
    let args = [
        "check",
        "--format",
        "json",
        "--only",
        "userns.create,idmap.multi-map,mount.bind,mount.overlay,runtime.oci-runtime",
    ];
    let base = run(&live, "none", As::RootForUser, &args);
    let base = verdicts(&report(&base, "the baseline check --user"));
    let output = run(&live, "no-process", As::RootForUser, &args);
    let got = verdicts(&report(&output, "check --user without processes"));
    for id in [
        "userns.create",
        "idmap.multi-map",
        "mount.bind",
        "mount.overlay",
    ] {
        assert_refused(&got, id, "probe-broken");
    }
    // Root for a user searches the login PATH: where every runtime's version
    // comes from its dpkg package (Debian's runc and crun), nothing is run and
    // the verdict is the baseline's; a runtime that must be asked cannot be.
    let oci = "runtime.oci-runtime";
    if got[oci] != base[oci] {
        assert_refused(&got, oci, "version-not-started");
    }
    assert_eq!(output.status.code(), Some(3));
}

#[test]
fn bundle_and_explain_in_hostile_sandboxes_do_not_panic() {
    let Some(live) = sandbox("bundle_and_explain_in_hostile_sandboxes_do_not_panic") else {
        return;
    };
    let bundle = live.bundle("sandboxed", true);
    let dir = bundle.to_str().expect("utf-8 path");
    let args = ["bundle", dir, "--format", "json"];
    // The user reads its bundle in-process, root for the user in a forked
    // child: the filters change nothing.
    for who in [As::User, As::RootForUser] {
        let base = run(&live, "none", who, &args);
        let base_code = base.status.code();
        let base = verdicts(&report(&base, "the baseline bundle"));
        for variant in ["clone3", "clone-thread"] {
            let what = format!("bundle under {variant}");
            let output = run(&live, variant, who, &args);
            let got = verdicts(&report(&output, &what));
            assert_unaffected(&base, &got, &[], &what);
            assert_eq!(output.status.code(), base_code, "{what}");
        }
    }
    // Without processes, root cannot start the child that reads the bundle
    // as the user: every bundle check is an error naming the errno.
    let output = run(&live, "no-process", As::RootForUser, &args);
    let got = verdicts(&report(&output, "bundle without processes"));
    assert!(!got.is_empty());
    for id in got.keys() {
        assert_refused(&got, id, "child-failed");
    }
    assert_eq!(output.status.code(), Some(3));

    // explain runs the checks the message points at, with their probes.
    let text = "newuidmap: write to uid_map failed: Operation not permitted";
    for variant in ["clone3", "no-process"] {
        let output = run(
            &live,
            variant,
            As::User,
            &["explain", text, "--format", "json"],
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(0),
            "explain under {variant}:\n{stderr}"
        );
        let doc: Value = serde_json::from_slice(&output.stdout).expect("one JSON document");
        assert_valid_explain(&doc);
        let create = doc["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .find(|c| c["id"] == "userns.create")
            .expect("explain ran userns.create");
        assert_eq!(create["status"], "error", "{create}");
        assert!(
            create["message"]
                .as_str()
                .unwrap_or_default()
                .contains(EPERM),
            "{create}"
        );
    }
}

fn assert_valid_explain(doc: &Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/explain.schema.json");
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("read schema")).expect("json");
    let validator = jsonschema::validator_for(&schema).expect("schema compiles");
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{doc:#}");
}
