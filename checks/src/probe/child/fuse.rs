//! `fuse-overlayfs`: a real fuse-overlayfs mount inside a user namespace.
//!
//! Steps: `find` (the plan has no binary), `open-dev-fuse` (opening /dev/fuse
//! read-write as the subject, before any namespace, failed), `unshare`, `map`,
//! `mkdtemp`, `spawn` (no process could be created to run fuse-overlayfs),
//! `mount` (fuse-overlayfs could not be executed, exited, or no fuse mount
//! appeared within [`MOUNT_WAIT`]), `verify`, `unmount`. Facts: `binary`,
//! `dev-fuse` (`openable` or the errno name), `stderr`, `exit`.
//!
//! fuse-overlayfs daemonises by default, which would take it out of the
//! probe's process group; it runs with `-f` (foreground) as a child of the
//! probe, inheriting its user and mount namespaces. Its stderr goes to a file
//! in the scratch directory (no pipe to drain). After the check the probe
//! unmounts (it is root in its own user namespace, which owns the mount
//! namespace), waits briefly for fuse-overlayfs to end on its own, and the
//! cleanup kills and reaps it if it has not.

use super::super::plan::ProbePlan;
use super::mounts::{verify_overlay, write_file};
use super::{
    enter_user_and_mount_ns, fact_text, is_fuse_mounted, make_scratch, Cleanup, Failure, Step,
};
use crate::spawn;
use nix::errno::Errno;
use nix::mount::{umount2, MntFlags};
use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// How long the mount may take to appear.
const MOUNT_WAIT: Duration = Duration::from_secs(2);
/// How long fuse-overlayfs may take to end after the unmount.
const EXIT_WAIT: Duration = Duration::from_secs(1);

/// Runs the probe.
pub(super) fn probe(
    plan: &ProbePlan,
    facts: &mut BTreeMap<String, String>,
    cleanup: &mut Cleanup,
) -> Step {
    let Some(binary) = plan.fuse_overlayfs.as_deref() else {
        facts.insert("binary".into(), "none".into());
        return Err(Failure {
            step: "find",
            errno: Some(Errno::ENOENT),
            detail: "no fuse-overlayfs binary was found".into(),
        });
    };
    facts.insert("binary".into(), binary.display().to_string());
    match std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/fuse")
    {
        Ok(_) => {
            facts.insert("dev-fuse".into(), "openable".into());
        }
        Err(e) => {
            let failure = Failure::io("open-dev-fuse", &e, "opening /dev/fuse read-write");
            let name = failure
                .errno
                .map_or_else(|| e.to_string(), |n| format!("{n:?}"));
            facts.insert("dev-fuse".into(), name);
            return Err(failure);
        }
    }
    enter_user_and_mount_ns(facts)?;
    let scratch = make_scratch(plan, &["lower", "upper", "work", "merged"], cleanup)?;
    write_file(
        &scratch.join("lower/from-lower"),
        "mkdtemp",
        "preparing the lower dir",
    )?;
    let stderr_path = scratch.join("fuse-overlayfs.stderr");
    let stderr = File::create(&stderr_path)
        .map_err(|e| Failure::io("mkdtemp", &e, "creating the stderr file"))?;
    let result = mount_and_verify(binary, &scratch, stderr, facts, cleanup);
    if let Ok(text) = std::fs::read_to_string(&stderr_path) {
        facts.insert("stderr".into(), fact_text(&text));
    }
    result
}

fn mount_and_verify(
    binary: &Path,
    scratch: &Path,
    stderr: File,
    facts: &mut BTreeMap<String, String>,
    cleanup: &mut Cleanup,
) -> Step {
    let child = Command::new(binary)
        .args([
            "-f",
            "-o",
            "lowerdir=lower,upperdir=upper,workdir=work",
            "merged",
        ])
        .current_dir(scratch)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .map_err(|e| {
            // No process at all is the probe's own trouble, not fuse-overlayfs's.
            let step = if spawn::no_process(&e) {
                "spawn"
            } else {
                "mount"
            };
            Failure::io(step, &e, &format!("starting {}", binary.display()))
        })?;
    let daemon = cleanup.daemon.insert(child);
    let merged: PathBuf = scratch.join("merged");
    let deadline = Instant::now() + MOUNT_WAIT;
    let mut backoff = crate::spawn::Backoff::default();
    while !is_fuse_mounted(&merged) {
        if let Ok(Some(status)) = daemon.try_wait() {
            let exit = describe_exit(status);
            facts.insert("exit".into(), exit.clone());
            return Err(Failure::plain(
                "mount",
                format!("fuse-overlayfs exited with {exit} without mounting"),
            ));
        }
        if Instant::now() >= deadline {
            return Err(Failure::plain(
                "mount",
                format!(
                    "no fuse mount appeared at {} within {} s",
                    merged.display(),
                    MOUNT_WAIT.as_secs()
                ),
            ));
        }
        backoff.pause(&[], deadline);
    }
    cleanup.mounts.push(merged.clone());
    verify_overlay(scratch)?;
    umount2(&merged, MntFlags::empty())
        .map_err(|e| Failure::errno("unmount", e, "umount2 of the fuse-overlayfs mount"))?;
    if let Some(daemon) = cleanup.daemon.as_mut() {
        facts.insert("exit".into(), await_exit(daemon));
    }
    Ok("mounted fuse-overlayfs inside a user namespace and wrote through it".into())
}

/// Waits up to [`EXIT_WAIT`] for fuse-overlayfs to end after its unmount.
fn await_exit(daemon: &mut Child) -> String {
    let deadline = Instant::now() + EXIT_WAIT;
    let mut backoff = crate::spawn::Backoff::default();
    loop {
        match daemon.try_wait() {
            Ok(Some(status)) => return describe_exit(status),
            Ok(None) if Instant::now() < deadline => backoff.pause(&[], deadline),
            _ => return "still running after the unmount (killed)".into(),
        }
    }
}

/// The exit code, or `signal N`.
fn describe_exit(status: ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => code.to_string(),
        (None, Some(signal)) => format!("signal {signal}"),
        _ => "unknown".into(),
    }
}
