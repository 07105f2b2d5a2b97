//! Judge and fixture tests of `engine.nerdctl`.

use super::*;
use crate::check::coded_as_declared;
use crate::model::Status;
use crate::testing::{alice, put};
use std::os::unix::fs::PermissionsExt;

fn facts(child: Child, exists: bool) -> Facts {
    Facts {
        user: "alice".into(),
        nerdctl: Some("/usr/local/bin/nerdctl".into()),
        is_root: false,
        state_dir: Some("/run/user/1000/containerd-rootless".into()),
        state_dir_exists: exists,
        child,
        systemd: false,
    }
}

fn judged(facts: &Facts) -> Outcome {
    let outcome = judge(facts);
    assert!(coded_as_declared(&NERDCTL, &outcome), "{outcome:?}");
    outcome
}

#[test]
fn a_live_child_of_the_subject_passes() {
    let outcome = judged(&facts(Child::Running(4242), true));
    assert_eq!(outcome.status, Status::Pass);
    assert!(outcome.message.contains("4242"), "{}", outcome.message);
}

#[test]
fn no_state_dir_fails_with_nerdctls_words_and_a_start_by_hand_without_systemd() {
    let outcome = judged(&facts(Child::NoPidFile, false));
    assert_eq!(outcome.status, Status::Fail);
    assert!(outcome.is(Code::ContainerdNotRunning));
    assert!(outcome.message.contains(
        "rootless containerd not running? (hint: use `containerd-rootless-setuptool.sh install`"
    ));
    assert!(outcome
        .message
        .contains("stat /run/user/1000/containerd-rootless: no such file or directory"));
    let fixes = format!("{:?}", outcome.remediation);
    assert!(fixes.contains("nohup containerd-rootless.sh"), "{fixes}");
    assert!(!fixes.contains("setuptool.sh install\""), "{fixes}");
    let mut with_systemd = facts(Child::NoPidFile, false);
    with_systemd.systemd = true;
    let fixes = format!("{:?}", judged(&with_systemd).remediation);
    assert!(
        fixes.contains("\"containerd-rootless-setuptool.sh install\""),
        "{fixes}"
    );
}

#[test]
fn a_left_behind_state_dir_is_stale_whatever_the_pid_file_says() {
    for (child, words) in [
        (Child::NoPidFile, "child_pid: no such file or directory"),
        (Child::BadPid("x".into()), "holds no pid"),
        (Child::Gone(77), "nsenter: cannot open /proc/77/ns/user"),
        (
            Child::Other {
                pid: 1,
                uid: Some(0),
            },
            "a process of uid 0",
        ),
    ] {
        let outcome = judged(&facts(child, true));
        assert!(outcome.is(Code::ContainerdStale), "{outcome:?}");
        assert!(outcome.message.contains(words), "{}", outcome.message);
    }
}

#[test]
fn no_runtime_dir_not_installed_and_root_are_told_apart() {
    let mut f = facts(Child::NoPidFile, false);
    f.state_dir = None;
    let outcome = judged(&f);
    assert!(outcome.is(Code::ContainerdNotRunning));
    assert!(outcome.message.contains("XDG_RUNTIME_DIR is not set"));
    let mut f = facts(Child::NoPidFile, false);
    f.nerdctl = None;
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Skip);
    assert!(outcome.is(Code::NerdctlNotInstalled));
    let mut f = facts(Child::NoPidFile, false);
    f.is_root = true;
    let outcome = judged(&f);
    assert_eq!(outcome.status, Status::Skip);
    assert!(outcome.is(Code::NerdctlRootSubject));
}

fn fixture(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "/usr/local/bin/nerdctl", "#!/bin/sh\n");
    std::fs::set_permissions(
        dir.path().join("usr/local/bin/nerdctl"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    for (path, text) in files {
        put(dir.path(), path, text);
    }
    dir
}

const STATE: &str = "/run/user/1000/containerd-rootless";

#[test]
fn fixture_gather_reads_the_state_dir_the_pid_and_its_process() {
    let subject = alice();
    let gathered = |dir: &tempfile::TempDir| gather(&HostFs::rooted(dir.path()), &subject);

    let dir = fixture(&[]);
    let f = gathered(&dir);
    assert_eq!(
        f.nerdctl.as_deref(),
        Some(std::path::Path::new("/usr/local/bin/nerdctl"))
    );
    assert!(!f.state_dir_exists);
    assert_eq!(judge(&f).code, Some(Code::ContainerdNotRunning.code()));

    let dir = fixture(&[(&format!("{STATE}/api.sock"), "")]);
    assert_eq!(gathered(&dir).child, Child::NoPidFile);

    let dir = fixture(&[(&format!("{STATE}/child_pid"), "4242")]);
    assert_eq!(gathered(&dir).child, Child::Gone(4242));

    let dir = fixture(&[
        (&format!("{STATE}/child_pid"), "4242\n"),
        (
            "/proc/4242/status",
            "Name:\trootlesskit\nState:\tZ (zombie)\nUid:\t1000\t1000\t1000\t1000\n",
        ),
    ]);
    assert_eq!(gathered(&dir).child, Child::Gone(4242));

    let dir = fixture(&[
        (&format!("{STATE}/child_pid"), "4242"),
        (
            "/proc/4242/status",
            "Name:\tsh\nState:\tS (sleeping)\nUid:\t0\t0\t0\t0\n",
        ),
    ]);
    assert_eq!(
        gathered(&dir).child,
        Child::Other {
            pid: 4242,
            uid: Some(0)
        }
    );

    let dir = fixture(&[
        (&format!("{STATE}/child_pid"), "4242"),
        (
            "/proc/4242/status",
            "Name:\tcontainerd-rootl\nState:\tS (sleeping)\nUid:\t1000\t1000\t1000\t1000\n",
        ),
    ]);
    let f = gathered(&dir);
    assert_eq!(f.child, Child::Running(4242));
    assert_eq!(judge(&f).status, Status::Pass);

    let dir = tempfile::tempdir().unwrap();
    let f = gathered(&dir);
    assert_eq!(judge(&f).code, Some(Code::NerdctlNotInstalled.code()));
}
