//! Fixture tests: the mount checks run through a [`Context`] with canned
//! probes, including the statuses overlay and fuse-overlayfs give each other
//! and the block on a failed `userns.create`.

use super::Code;
use crate::check::Outcome;
use crate::model::{CommonCode, Evidence, Status};
use crate::probe::CannedProbes;
use crate::testing::{put, run_with};

const USERNS_OK: &str =
    r#""userns-create": {"report": {"ok": true, "facts": {"cap_sys_admin": "yes"}}}"#;
const NATIVE_OK: &str = r#""overlay": {"report": {"ok": true, "facts": {"options": "lowerdir=l,upperdir=u,workdir=w"}}}"#;
const NATIVE_FAILS: &str =
    r#""overlay": {"report": {"ok": false, "step": "mount", "errno": "EPERM"}}"#;
const FUSE_OK: &str =
    r#""fuse-overlayfs": {"report": {"ok": true, "facts": {"binary": "/usr/bin/fuse-overlayfs"}}}"#;
const FUSE_ABSENT: &str = r#""fuse-overlayfs": {"report": {"ok": false, "step": "find", "detail": "no fuse-overlayfs on PATH"}}"#;
const FUSE_CLOSED: &str = r#""fuse-overlayfs": {"report": {"ok": false, "step": "open-dev-fuse", "errno": "EACCES", "facts": {"dev-fuse": "EACCES"}}}"#;

fn outcomes(parts: &[&str]) -> (Outcome, Outcome, Outcome) {
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "/proc/sys/kernel/osrelease",
        "5.10.0-18-amd64\n",
    );
    let probes = CannedProbes::from_json(&format!("{{{}}}", parts.join(","))).unwrap();
    let os = "ID=debian\n";
    (
        run_with(dir.path(), os, &probes, &super::BIND),
        run_with(dir.path(), os, &probes, &super::OVERLAY),
        run_with(dir.path(), os, &probes, &super::FUSE_OVERLAYFS),
    )
}

fn statuses(parts: &[&str]) -> (Status, Status, Status) {
    let (bind, overlay, fuse) = outcomes(parts);
    (bind.status, overlay.status, fuse.status)
}

const BIND_OK: &str = r#""bind-mount": {"report": {"ok": true}}"#;

#[test]
fn overlay_and_fuse_overlayfs_statuses() {
    use Status::*;
    // native works; fuse absent or /dev/fuse closed: fuse not needed.
    assert_eq!(
        statuses(&[USERNS_OK, BIND_OK, NATIVE_OK, FUSE_ABSENT]),
        (Pass, Pass, Skip)
    );
    assert_eq!(
        statuses(&[USERNS_OK, BIND_OK, NATIVE_OK, FUSE_CLOSED]),
        (Pass, Pass, Skip)
    );
    // native works and fuse works: both pass.
    assert_eq!(
        statuses(&[USERNS_OK, BIND_OK, NATIVE_OK, FUSE_OK]),
        (Pass, Pass, Pass)
    );
    // native fails, fuse works: overlay warns, fuse passes.
    assert_eq!(
        statuses(&[USERNS_OK, BIND_OK, NATIVE_FAILS, FUSE_OK]),
        (Pass, Warn, Pass)
    );
    // both fail.
    assert_eq!(
        statuses(&[USERNS_OK, BIND_OK, NATIVE_FAILS, FUSE_ABSENT]),
        (Pass, Fail, Fail)
    );
    assert_eq!(
        statuses(&[USERNS_OK, BIND_OK, NATIVE_FAILS, FUSE_CLOSED]),
        (Pass, Fail, Fail)
    );
}

#[test]
fn a_failed_userns_create_blocks_every_mount_check() {
    let dir = tempfile::tempdir().unwrap();
    put(dir.path(), "/proc/sys/user/max_user_namespaces", "0\n");
    let probes = CannedProbes::from_json(
        r#"{"userns-create": {"report": {"ok": false, "step": "unshare", "errno": "ENOSPC"}},
            "bind-mount": {"report": {"ok": false, "step": "unshare", "errno": "ENOSPC"}},
            "overlay": {"report": {"ok": false, "step": "unshare", "errno": "ENOSPC"}}}"#,
    )
    .unwrap();
    for def in [&super::BIND, &super::OVERLAY, &super::FUSE_OVERLAYFS] {
        let outcome = run_with(dir.path(), "ID=debian\n", &probes, def);
        assert_eq!(outcome.status, Status::Skip, "{}", def.id);
        assert_eq!(
            outcome.skip_reason.as_deref(),
            Some("blocked by userns.create")
        );
        assert!(outcome.is(CommonCode::Blocked));
        assert_eq!(outcome.blocked_by, Some(&crate::userns::CREATE));
    }
    let bind = run_with(dir.path(), "ID=debian\n", &probes, &super::BIND);
    assert!(matches!(
        &bind.evidence[0],
        Evidence::Probe { ok: false, .. }
    ));
}

#[test]
fn a_timed_out_userns_create_does_not_block() {
    let dir = tempfile::tempdir().unwrap();
    let probes = CannedProbes::from_json(
        r#"{"userns-create": {"timed-out": {"seconds": 5.0}},
            "bind-mount": {"report": {"ok": true}}}"#,
    )
    .unwrap();
    let outcome = run_with(dir.path(), "ID=debian\n", &probes, &super::BIND);
    assert_eq!(outcome.status, Status::Pass);
}

#[test]
fn no_probes_skip() {
    let dir = tempfile::tempdir().unwrap();
    let outcome = run_with(
        dir.path(),
        "ID=debian\n",
        &crate::probe::NoProbes,
        &super::OVERLAY,
    );
    assert_eq!(outcome.status, Status::Skip);
    assert!(outcome.is(CommonCode::ProbeNotRun));
    assert!(outcome.message.starts_with("live probes not run"));
}

#[test]
fn an_old_kernel_is_named_from_the_fixture() {
    let dir = tempfile::tempdir().unwrap();
    put(
        dir.path(),
        "/proc/sys/kernel/osrelease",
        "5.10.0-18-amd64\n",
    );
    let probes =
        CannedProbes::from_json(&format!("{{{USERNS_OK},{NATIVE_FAILS},{FUSE_ABSENT}}}")).unwrap();
    let outcome = run_with(dir.path(), "ID=debian\n", &probes, &super::OVERLAY);
    assert!(outcome.is(Code::KernelTooOld));
    assert!(outcome
        .message
        .contains("kernel 5.10.0-18-amd64 is older than 5.11"));
}

#[test]
fn codes_tell_the_overlay_statuses_apart() {
    let (_, overlay, fuse) = outcomes(&[USERNS_OK, BIND_OK, NATIVE_FAILS, FUSE_OK]);
    assert!(overlay.is(Code::NativeUnavailableFuseWorks));
    assert_eq!(fuse.code, None);
    let (_, overlay, fuse) = outcomes(&[USERNS_OK, BIND_OK, NATIVE_OK, FUSE_CLOSED]);
    assert_eq!(overlay.code, None);
    assert!(fuse.is(Code::NotNeeded));
    let (_, overlay, fuse) = outcomes(&[USERNS_OK, BIND_OK, NATIVE_FAILS, FUSE_CLOSED]);
    assert!(overlay.is(Code::KernelTooOld));
    // The fixture host has no /dev/fuse: an EACCES there reads as missing.
    assert!(fuse.is(Code::DevFuseMissing));
    let (_, _, fuse) = outcomes(&[USERNS_OK, BIND_OK, NATIVE_FAILS, FUSE_ABSENT]);
    assert!(fuse.is(Code::NotInstalled));
}
