//! The spawn paths, run for real with a stand-in doctor that records who it
//! is: as root they drop to `nobody` (65534), otherwise they keep the
//! caller's ids; either way the environment is only what the doctor chose.

use super::*;
use crate::probe::{LiveProbes, ProbeKind, ProbeOutcome, ProbePlan};
use crate::runtime::version::run_capped;
use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

/// The stand-in: prints a probe report whose facts are its identity.
const RECORDER: &str = "#!/bin/sh\n\
printf '{\"ok\":true,\"detail\":\"%s\",\"facts\":{\"uid\":\"%s\",\"gid\":\"%s\",\"groups\":\"%s\",\"env\":\"%s\"}}' \
\"$0\" \"$(id -u)\" \"$(id -g)\" \"$(id -G)\" \"$(env | grep -v '^PWD=' | sort | tr '\\n' ' ')\"\n";

const NOBODY: Creds = Creds {
    uid: 65534,
    gid: 65534,
};

/// A private dir the dropped user may traverse (0711) with the recorder in it.
fn recorder() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::Builder::new()
        .permissions(std::fs::Permissions::from_mode(0o711))
        .tempdir()
        .unwrap();
    let exe = dir.path().join("fake-doctor");
    std::fs::write(&exe, RECORDER).unwrap();
    std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
    (dir, exe)
}

/// Who the test expects a dropped child to be: nobody as root, else itself.
fn expected() -> (Option<Creds>, String, String) {
    if nix::unistd::geteuid().is_root() {
        (Some(NOBODY), "65534".into(), "65534".into())
    } else {
        let (uid, gid) = (nix::unistd::getuid(), nix::unistd::getgid());
        (None, uid.to_string(), gid.to_string())
    }
}

#[test]
fn a_probe_child_is_the_subject_with_a_clean_environment() {
    let (_dir, exe) = recorder();
    let (creds, uid, gid) = expected();
    let plan = ProbePlan {
        drop_privileges: creds.is_some(),
        ..ProbePlan::new(uid.parse().unwrap(), gid.parse().unwrap())
    };
    let probes = LiveProbes::run(
        &exe,
        &[ProbeKind::UsernsCreate],
        &plan,
        Duration::from_secs(10),
    );
    let Some(ProbeOutcome::Report(report)) = probes.outcomes().get(&ProbeKind::UsernsCreate) else {
        panic!("{:?}", probes.outcomes());
    };
    assert_eq!(report.detail, exe.display().to_string(), "$0 is absolute");
    assert_eq!(report.facts["uid"], uid);
    assert_eq!(report.facts["gid"], gid);
    if creds.is_some() {
        // root's supplementary groups are gone: only the primary group is left
        assert_eq!(report.facts["groups"], gid);
    }
    let env: Vec<&str> = report.facts["env"].split_whitespace().collect();
    let names: Vec<&str> = env.iter().filter_map(|v| v.split('=').next()).collect();
    // sh itself adds PWD (filtered above); nothing else may appear
    assert_eq!(names, ["LANG", "PATH"], "{env:?}");
}

#[test]
fn a_runtime_version_run_is_the_subject_with_a_clean_environment() {
    let (_dir, exe) = recorder();
    let (creds, uid, gid) = expected();
    let run = run_capped(&exe, &[], "/usr/bin:/bin", creds, Duration::from_secs(10));
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let facts = &report["facts"];
    assert_eq!(report["detail"], exe.display().to_string());
    assert_eq!(facts["uid"], uid.as_str());
    assert_eq!(facts["gid"], gid.as_str());
    if creds.is_some() {
        assert_eq!(facts["groups"], gid.as_str());
    }
    assert_eq!(
        facts["env"].as_str().unwrap().trim(),
        "LC_ALL=C PATH=/usr/bin:/bin"
    );
}

#[test]
fn relative_programs_are_refused() {
    let err = command(Path::new("bin/runc"), None).unwrap_err();
    assert_eq!(err.to_string(), "not an absolute path: bin/runc");
    assert!(command(Path::new("/bin/true"), None).is_ok());
}

#[test]
fn only_root_acting_for_another_user_drops() {
    let account = crate::accounts::Account {
        name: "alice".into(),
        uid: 4242,
        gid: 4243,
        home: "/home/alice".into(),
    };
    let other = Subject::other(account.clone());
    let itself = Subject::invoker(account, None, None);
    let root = nix::unistd::geteuid().is_root();
    assert_eq!(
        Creds::for_subject(&other),
        root.then_some(Creds {
            uid: 4242,
            gid: 4243
        })
    );
    assert_eq!(Creds::for_subject(&itself), None);
}
