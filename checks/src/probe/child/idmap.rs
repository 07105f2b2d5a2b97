//! `idmapped-mount`: an idmapped mount of a directory on the storage
//! filesystem, made with the new mount API from a user namespace that maps
//! the subject's own id to 0 (the mapping a rootless container's root has).
//!
//! Steps: `unshare`, `map`, `mkdtemp` (in the plan's `storage_dir`, else its
//! `scratch_parent`), `userns` (opening /proc/self/ns/user), `open-tree`
//! (`open_tree(OPEN_TREE_CLONE)` of the `source` directory), `setattr`
//! (`mount_setattr(MOUNT_ATTR_IDMAP)`: ENOSYS before Linux 5.12, EINVAL when
//! the filesystem does not support idmapped mounts, EPERM when the caller
//! has no CAP_SYS_ADMIN over the filesystem's owning user namespace, i.e. is
//! not root on the host for a disk filesystem), `move-mount` (attaching it
//! at `target`) and `verify` (the owner of a file seen through the idmapped
//! mount differs from its owner seen directly). Facts: `dir`, `fs-magic`,
//! `fs`, `owner-direct`, `owner-idmapped`.

use super::super::plan::ProbePlan;
use super::mounts::write_file;
use super::{enter_user_and_mount_ns, make_scratch, sys, Cleanup, Failure, Step};
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;

/// Runs the probe.
pub(super) fn probe(
    plan: &ProbePlan,
    facts: &mut BTreeMap<String, String>,
    cleanup: &mut Cleanup,
) -> Step {
    let dir = plan
        .storage_dir
        .clone()
        .unwrap_or_else(|| plan.scratch_parent.clone());
    super::storage::record_filesystem(&dir, facts);
    let here = ProbePlan {
        scratch_parent: dir,
        ..plan.clone()
    };
    enter_user_and_mount_ns(facts)?;
    let scratch = make_scratch(&here, &["source", "target"], cleanup)?;
    let (source, target) = (scratch.join("source"), scratch.join("target"));
    write_file(&source.join("probe"), "mkdtemp", "writing in the source")?;
    let userns = std::fs::File::open("/proc/self/ns/user")
        .map_err(|e| Failure::io("userns", &e, "opening /proc/self/ns/user"))?;
    let userns = std::os::fd::OwnedFd::from(userns);
    let tree = sys::open_tree_clone(&source)
        .map_err(|e| Failure::errno("open-tree", e, "open_tree(OPEN_TREE_CLONE)"))?;
    sys::set_idmap(&tree, &userns)
        .map_err(|e| Failure::errno("setattr", e, "mount_setattr(MOUNT_ATTR_IDMAP)"))?;
    sys::move_mount(&tree, &target)
        .map_err(|e| Failure::errno("move-mount", e, "move_mount of the idmapped tree"))?;
    cleanup.mounts.push(target.clone());
    let direct = std::fs::metadata(source.join("probe"))
        .map_err(|e| Failure::io("verify", &e, "stat of the file in the source"))?;
    let mapped = std::fs::metadata(target.join("probe"))
        .map_err(|e| Failure::io("verify", &e, "stat of the file through the idmapped mount"))?;
    facts.insert("owner-direct".into(), direct.uid().to_string());
    facts.insert("owner-idmapped".into(), mapped.uid().to_string());
    if direct.uid() == mapped.uid() {
        return Err(Failure::plain(
            "verify",
            "the idmapped mount shows files with their unmapped owner",
        ));
    }
    Ok("made an idmapped mount of a directory on the storage filesystem".into())
}
