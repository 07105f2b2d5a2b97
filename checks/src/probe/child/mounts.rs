//! `bind-mount` and `overlay`: mounts inside a fresh user + mount namespace.
//!
//! Both enter the namespaces (steps `unshare`, `map`), make the private
//! scratch directory (`mkdtemp`), mount (`mount`) and check the mount really
//! works (`verify`). Mount points are detached and the scratch directory
//! removed by the cleanup, whatever happened; the mounts exist only in the
//! probe's mount namespace, which dies with it.
//!
//! Overlay options use paths relative to the scratch directory (the probe
//! changes into it), so no scratch path can break the comma-separated option
//! string. `userxattr` is asked for first, as container storage does in a
//! user namespace; a kernel that rejects it (EINVAL, before 5.11) gets a
//! second try without it, and the fact `options.userxattr` keeps that errno.
//!
//! Each overlay mount is first asked with `volatile` added ([`mount_overlay`]),
//! and again without it when the kernel rejects that (EINVAL: before 5.10):
//! `volatile` only skips overlay's sync of the upper filesystem, which every
//! unmount does otherwise: a sync of that whole filesystem's dirty data (20
//! to 50 ms of a check run on a busy ext4, the probe's only wait). Whether
//! the mount is allowed does not depend on it. The fact `options` is what
//! was mounted.

use super::super::plan::ProbePlan;
use super::{describe, enter_user_and_mount_ns, make_scratch, Cleanup, Failure, Step};
use nix::errno::Errno;
use nix::mount::{mount, MsFlags};
use std::collections::BTreeMap;
use std::path::Path;

const CONTENT: &str = "rootless-doctor probe\n";

/// Bind mounts one private directory onto another.
pub(super) fn bind(
    plan: &ProbePlan,
    facts: &mut BTreeMap<String, String>,
    cleanup: &mut Cleanup,
) -> Step {
    enter_user_and_mount_ns(facts)?;
    let scratch = make_scratch(plan, &["source", "target"], cleanup)?;
    let (source, target) = (scratch.join("source"), scratch.join("target"));
    mount(
        Some(&source),
        &target,
        None::<&str>,
        MsFlags::MS_BIND,
        None::<&str>,
    )
    .map_err(|e| Failure::errno("mount", e, "mount(MS_BIND)"))?;
    cleanup.mounts.push(target.clone());
    write_file(&source.join("probe"), "verify", "writing in the source")?;
    match std::fs::read_to_string(target.join("probe")) {
        Ok(text) if text == CONTENT => {
            Ok("bind mounted a directory inside a user namespace".into())
        }
        Ok(_) => Err(Failure::plain(
            "verify",
            "a file written in the source reads differently at the target",
        )),
        Err(e) => Err(Failure::io(
            "verify",
            &e,
            "reading at the target a file written in the source",
        )),
    }
}

/// Mounts a native overlayfs and writes through it.
pub(super) fn overlay(
    plan: &ProbePlan,
    facts: &mut BTreeMap<String, String>,
    cleanup: &mut Cleanup,
) -> Step {
    enter_user_and_mount_ns(facts)?;
    let scratch = make_scratch(plan, &["lower", "upper", "work", "merged"], cleanup)?;
    write_file(
        &scratch.join("lower/from-lower"),
        "mkdtemp",
        "preparing the lower dir",
    )?;
    std::env::set_current_dir(&scratch)
        .map_err(|e| Failure::io("mkdtemp", &e, "changing into the scratch directory"))?;
    cleanup.moved_cwd = true;
    let base = "lowerdir=lower,upperdir=upper,workdir=work";
    let with_userxattr = format!("{base},userxattr");
    let (mut result, mut options) = mount_overlay(&with_userxattr);
    if result == Err(Errno::EINVAL) {
        facts.insert("options.userxattr".into(), describe(Errno::EINVAL));
        (result, options) = mount_overlay(base);
    }
    facts.insert("options".into(), options.clone());
    result.map_err(|e| Failure::errno("mount", e, &format!("mount(overlay, \"{options}\")")))?;
    cleanup.mounts.push(scratch.join("merged"));
    verify_overlay(&scratch)?;
    Ok("mounted overlayfs inside a user namespace and wrote through it".into())
}

/// Mounts overlay on `merged` with `options` and `volatile`, or with
/// `options` alone when the kernel does not know `volatile` (EINVAL); the
/// result and the options of the last attempt.
pub(super) fn mount_overlay(options: &str) -> (Result<(), Errno>, String) {
    let attempt = |options: &str| {
        mount(
            Some("overlay"),
            "merged",
            Some("overlay"),
            MsFlags::empty(),
            Some(options),
        )
    };
    let volatile = format!("{options},volatile");
    match attempt(&volatile) {
        Err(Errno::EINVAL) => (attempt(options), options.to_string()),
        result => (result, volatile),
    }
}

/// Reads the lower file through the merged dir, writes a new one through it
/// and checks that it landed in upper and not in lower. Shared with fuse.
pub(super) fn verify_overlay(scratch: &Path) -> Result<(), Failure> {
    let merged = scratch.join("merged");
    match std::fs::read_to_string(merged.join("from-lower")) {
        Ok(text) if text == CONTENT => {}
        Ok(_) => {
            return Err(Failure::plain(
                "verify",
                "the lower file reads differently through the merged dir",
            ))
        }
        Err(e) => {
            return Err(Failure::io(
                "verify",
                &e,
                "reading the lower file through the merged dir",
            ))
        }
    }
    write_file(
        &merged.join("from-merged"),
        "verify",
        "writing through the merged dir",
    )?;
    let in_upper = std::fs::read_to_string(scratch.join("upper/from-merged"));
    let in_lower = scratch.join("lower/from-merged").exists();
    match in_upper {
        Ok(text) if text == CONTENT && !in_lower => Ok(()),
        _ => Err(Failure::plain(
            "verify",
            "a file written through the merged dir did not land in the upper dir",
        )),
    }
}

/// Writes the probe's marker file; a failure is `step`.
pub(super) fn write_file(path: &Path, step: &'static str, what: &str) -> Result<(), Failure> {
    std::fs::write(path, CONTENT).map_err(|e| Failure::io(step, &e, what))
}
