//! `storage-driver`: the overlay test containers/storage 1.43 makes
//! (`supportsOverlay` in drivers/overlay/overlay.go), made ON the engine's
//! storage filesystem: the scratch directory is created in the plan's
//! `storage_dir` (the graph root, or its nearest existing ancestor the
//! subject owns), never elsewhere.
//!
//! Steps of the native part, in a new user and mount namespace: `unshare`,
//! `map`, `mkdtemp`, `d-type` (a file's directory entry must carry its type:
//! xfs made with `ftype=0` and some network filesystems do not), `whiteout`
//! (mknod of a 0/0 character device in the upper directory, as
//! containers/storage does before its test mount: `unable to create
//! kernel-style whiteout`), `mount` (overlay with two lower directories and
//! `userxattr`), `verify` (a write lands in upper), `delete` (removing a lower
//! file through the merged directory must leave a 0/0 character device in
//! upper) and `opaque` (a lower directory removed and made again through the
//! merged directory must be marked `user.overlay.opaque=y` in upper).
//!
//! When the plan names a mount program (configured, or fuse-overlayfs as the
//! fallback containers/storage takes when native overlay fails), the
//! fuse-overlayfs probe runs as well, in the same directory, after the native
//! part is undone; its report goes into facts prefixed `fuse.` (`fuse.ok`,
//! `fuse.step`, `fuse.errno`, `fuse.detail`, `fuse.dev-fuse`, `fuse.stderr`).
//! Facts: `dir`, `fs-magic` (statfs f_type in hex), `fs` (its name when
//! known), `options`, `native` (`ok` or the failed step).

use super::super::plan::ProbePlan;
use super::mounts::{verify_overlay, write_file};
use super::{enter_user_and_mount_ns, fuse, make_scratch, Cleanup, Failure, Step};
use nix::sys::stat::{makedev, mknod, Mode, SFlag};
use std::collections::BTreeMap;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::Path;

/// Runs the probe.
pub(super) fn probe(
    plan: &ProbePlan,
    facts: &mut BTreeMap<String, String>,
    cleanup: &mut Cleanup,
) -> Step {
    let Some(dir) = plan.storage_dir.clone() else {
        return Err(Failure::plain(
            "find",
            "no engine storage directory the subject owns was found",
        ));
    };
    record_filesystem(&dir, facts);
    let in_storage = ProbePlan {
        scratch_parent: dir.clone(),
        fuse_overlayfs: plan.storage_mount_program.clone(),
        ..plan.clone()
    };
    let mut native_cleanup = Cleanup::default();
    let native = native(&in_storage, facts, &mut native_cleanup);
    native_cleanup.run(facts);
    facts.insert(
        "native".into(),
        match &native {
            Ok(_) => "ok".into(),
            Err(f) => f.step.into(),
        },
    );
    let want_fuse = plan.storage_mount_program.is_some()
        && (plan.storage_mount_program_configured || native.is_err());
    if want_fuse {
        let mut fuse_facts = BTreeMap::new();
        let result = fuse::probe(&in_storage, &mut fuse_facts, cleanup);
        // The fuse probe's own cleanup runs in the caller; its facts are kept
        // under `fuse.`.
        for (key, value) in fuse_facts {
            facts.insert(format!("fuse.{key}"), value);
        }
        match result {
            Ok(_) => {
                facts.insert("fuse.ok".into(), "true".into());
            }
            Err(failure) => {
                facts.insert("fuse.ok".into(), "false".into());
                facts.insert("fuse.step".into(), failure.step.into());
                if let Some(errno) = failure.errno {
                    facts.insert("fuse.errno".into(), format!("{errno:?}"));
                }
                facts.insert("fuse.detail".into(), failure.detail);
            }
        }
    }
    native
}

fn native(plan: &ProbePlan, facts: &mut BTreeMap<String, String>, cleanup: &mut Cleanup) -> Step {
    enter_user_and_mount_ns(facts)?;
    let scratch = make_scratch(
        plan,
        &["lower1", "lower2", "upper", "work", "merged"],
        cleanup,
    )?;
    write_file(
        &scratch.join("lower1/from-lower"),
        "mkdtemp",
        "preparing the lower dir",
    )?;
    std::fs::create_dir(scratch.join("lower1/dir"))
        .and_then(|()| std::fs::write(scratch.join("lower1/dir/old"), "old\n"))
        .map_err(|e| Failure::io("mkdtemp", &e, "preparing a lower directory"))?;
    check_d_type(&scratch.join("lower1"))?;
    mknod(
        &scratch.join("upper/whiteout"),
        SFlag::S_IFCHR,
        Mode::from_bits_truncate(0o600),
        makedev(0, 0),
    )
    .map_err(|e| {
        Failure::errno(
            "whiteout",
            e,
            "mknod of a 0/0 character device (a whiteout)",
        )
    })?;
    std::env::set_current_dir(&scratch)
        .map_err(|e| Failure::io("mkdtemp", &e, "changing into the scratch directory"))?;
    cleanup.moved_cwd = true;
    // With `volatile` when the kernel knows it (see `mounts::mount_overlay`).
    let (result, options) = super::mounts::mount_overlay(
        "lowerdir=lower1:lower2,upperdir=upper,workdir=work,userxattr",
    );
    facts.insert("options".into(), options.clone());
    result.map_err(|e| Failure::errno("mount", e, &format!("mount(overlay, \"{options}\")")))?;
    cleanup.mounts.push(scratch.join("merged"));
    verify_overlay_lower1(&scratch)?;
    std::fs::remove_file(scratch.join("merged/from-lower"))
        .map_err(|e| Failure::io("delete", &e, "removing a lower file through the merged dir"))?;
    match std::fs::symlink_metadata(scratch.join("upper/from-lower")) {
        Ok(meta) if meta.file_type().is_char_device() && meta.rdev() == 0 => {}
        Ok(_) => {
            return Err(Failure::plain(
                "delete",
                "removing a lower file left something other than a 0/0 character device in upper",
            ))
        }
        Err(e) => {
            return Err(Failure::io(
                "delete",
                &e,
                "looking for the whiteout of a removed lower file in upper",
            ))
        }
    }
    std::fs::remove_dir_all(scratch.join("merged/dir"))
        .and_then(|()| std::fs::create_dir(scratch.join("merged/dir")))
        .map_err(|e| Failure::io("opaque", &e, "replacing a lower directory through merged"))?;
    let opaque = xattr::get(scratch.join("upper/dir"), "user.overlay.opaque")
        .map_err(|e| Failure::io("opaque", &e, "reading user.overlay.opaque in upper"))?;
    if opaque.as_deref() != Some(b"y".as_slice()) {
        return Err(Failure::plain(
            "opaque",
            "a directory made again over a removed lower one is not marked opaque \
             (user.overlay.opaque) in upper",
        ));
    }
    if scratch.join("merged/dir/old").exists() {
        return Err(Failure::plain(
            "opaque",
            "a file of the removed lower directory shows through the new one",
        ));
    }
    Ok(format!(
        "mounted overlay with userxattr in {}, with a whiteout and an opaque directory",
        plan.scratch_parent.display()
    ))
}

/// [`verify_overlay`] reads `lower/from-lower`; this overlay's first lower is
/// `lower1`, so it is linked under the name the shared check expects.
fn verify_overlay_lower1(scratch: &Path) -> Result<(), Failure> {
    std::os::unix::fs::symlink("lower1", scratch.join("lower"))
        .map_err(|e| Failure::io("verify", &e, "naming the lower dir"))?;
    verify_overlay(scratch)
}

/// Reads the directory with `readdir` and requires the entry of a regular
/// file to carry its type (DT_REG), as containers/storage's SupportsDType.
fn check_d_type(dir: &Path) -> Result<(), Failure> {
    use nix::dir::{Dir, Type};
    use nix::fcntl::OFlag;
    let mut handle = Dir::open(dir, OFlag::O_RDONLY | OFlag::O_DIRECTORY, Mode::empty())
        .map_err(|e| Failure::errno("d-type", e, "opening the lower dir"))?;
    for entry in handle.iter() {
        let entry = entry.map_err(|e| Failure::errno("d-type", e, "reading the lower dir"))?;
        if entry.file_name().to_bytes() == b"from-lower" {
            return match entry.file_type() {
                Some(Type::File) => Ok(()),
                other => Err(Failure::plain(
                    "d-type",
                    format!(
                        "readdir gives no file type (d_type {}) on this filesystem",
                        match other {
                            None => "DT_UNKNOWN".to_string(),
                            Some(t) => format!("{t:?}"),
                        }
                    ),
                )),
            };
        }
    }
    Err(Failure::plain("d-type", "the file written is not listed"))
}
/// Facts `dir`, `fs-magic` and `fs` (its filesystem, by statfs) of the
/// directory a storage probe works in.
pub(super) fn record_filesystem(dir: &Path, facts: &mut BTreeMap<String, String>) {
    facts.insert("dir".into(), dir.display().to_string());
    if let Ok(stat) = nix::sys::statfs::statfs(dir) {
        let magic = stat.filesystem_type().0 as u64;
        facts.insert("fs-magic".into(), format!("{magic:#x}"));
        if let Some(name) = crate::engines::storage::fs_magic_name(magic) {
            facts.insert("fs".into(), name.into());
        }
    }
}
