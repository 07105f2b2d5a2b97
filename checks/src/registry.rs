//! The ordered lists of checks: [`HOST_CHECKS`] and [`BUNDLE_CHECKS`], in
//! report order, and lookup by id. What a check is lives in [`crate::check`];
//! nothing below this module imports it.

use crate::check::CheckDef;
use crate::{
    bundle, cgroup, engine, idmap, limits, mount, network, runtime, session, state, storage, subid,
    userns,
};

/// Every host check, in report order.
pub static HOST_CHECKS: &[&CheckDef] = &[
    &userns::CLONE_SYSCTL,
    &userns::MAX_NAMESPACES,
    &userns::APPARMOR,
    &userns::CREATE,
    &idmap::NEWUIDMAP,
    &idmap::NEWGIDMAP,
    &idmap::MULTI_MAP,
    &subid::SUBUID,
    &subid::SUBGID,
    &subid::AUTO_USERNS,
    &mount::BIND,
    &mount::OVERLAY,
    &mount::FUSE_OVERLAYFS,
    &runtime::XDG_RUNTIME_DIR,
    &runtime::OCI_RUNTIME,
    &runtime::BWRAP,
    &cgroup::DELEGATION,
    &network::HELPER,
    &network::TUN,
    &network::PORTS,
    &network::PING,
    &storage::GRAPHROOT,
    &storage::DRIVER,
    &mount::IDMAPPED,
    &session::USER_MANAGER,
    &session::LINGER,
    &state::PAUSE_PROCESS,
    &limits::NOFILE,
    &engine::PODMAN,
    &engine::DOCKER,
    &engine::NERDCTL,
];

/// Every bundle check, in report order.
pub static BUNDLE_CHECKS: &[&CheckDef] = &[
    &bundle::CONFIG,
    &bundle::ROOTFS,
    &bundle::PROCESS,
    &bundle::PROCESS_SETTINGS,
    &bundle::USER,
    &bundle::UID_MAPPINGS,
    &bundle::GID_MAPPINGS,
    &bundle::MOUNTS,
    &bundle::NAMESPACES,
    &bundle::RESOURCES,
    &bundle::SECCOMP,
    &bundle::DEVICES,
];

/// The host check with this id.
pub fn find(id: &str) -> Option<&'static CheckDef> {
    HOST_CHECKS.iter().copied().find(|def| def.id == id)
}

/// The bundle check with this id.
pub fn find_bundle(id: &str) -> Option<&'static CheckDef> {
    BUNDLE_CHECKS.iter().copied().find(|def| def.id == id)
}

/// The checks of `list` that `--only` and `--skip` leave, in report order;
/// `Err` names the first id that `list` does not hold.
pub fn select<'a>(
    list: &[&'static CheckDef],
    only: &'a [String],
    skip: &'a [String],
) -> Result<Vec<&'static CheckDef>, &'a str> {
    if let Some(unknown) = only
        .iter()
        .chain(skip)
        .find(|id| !list.iter().any(|def| def.id == id.as_str()))
    {
        return Err(unknown);
    }
    Ok(list
        .iter()
        .copied()
        .filter(|def| only.is_empty() || only.iter().any(|id| id == def.id))
        .filter(|def| !skip.iter().any(|id| id == def.id))
        .collect())
}

#[cfg(test)]
mod tests;
