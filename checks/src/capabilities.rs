//! What works here: the capabilities matrix, derived from check results by one
//! pure function.
//!
//! A value whose evidence was not gathered (its check deselected, timed out or
//! in error) is `None`, never a guess.

use crate::model::{Evidence, Status};
use crate::registry::CheckResult;

/// The evidence fact through which `cgroup.delegation` states the cgroup mode.
pub const CGROUP_MODE_FACT: &str = "cgroup mode";

/// Which overlay filesystem a rootless container can use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Overlay {
    Native,
    FuseOverlayfs,
    None,
}

impl Overlay {
    pub fn as_str(self) -> &'static str {
        match self {
            Overlay::Native => "native",
            Overlay::FuseOverlayfs => "fuse-overlayfs",
            Overlay::None => "none",
        }
    }
}

/// What container modes work on this host.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Capabilities {
    /// Unprivileged user namespaces can be created.
    pub userns: Option<bool>,
    /// A container with only the subject's own id mapped starts.
    pub single_id: Option<bool>,
    /// A container with 65536 ids starts.
    pub multi_id: Option<bool>,
    pub bind_mount: Option<bool>,
    pub overlay: Option<Overlay>,
    /// `delegated`, `partial`, `undelegated` or `v1`.
    pub cgroup: Option<String>,
}

/// A check's verdict as a capability: pass or warn is true, fail false, and
/// anything else (skip for reasons of its own, error, deselected) unknown.
fn works(results: &[CheckResult], id: &str) -> Option<bool> {
    let result = results.iter().find(|r| r.def.id == id)?;
    match result.outcome.status {
        Status::Pass | Status::Warn => Some(true),
        Status::Fail => Some(false),
        Status::Skip if is_blocked(result) => Some(false),
        Status::Skip | Status::Error => None,
    }
}

/// A skip because a dependency failed means the thing does not work.
fn is_blocked(result: &CheckResult) -> bool {
    result
        .outcome
        .skip_reason
        .as_deref()
        .is_some_and(|reason| reason.starts_with("blocked by"))
}

/// All of `parts` must hold; false as soon as one is known false.
fn all(parts: &[Option<bool>]) -> Option<bool> {
    if parts.contains(&Some(false)) {
        Some(false)
    } else if parts.iter().all(Option::is_some) {
        Some(true)
    } else {
        None
    }
}

/// Derives the capabilities from a host report's results.
pub fn derive(results: &[CheckResult]) -> Capabilities {
    let userns = works(results, "userns.create");
    let bind_mount = works(results, "mount.bind");
    // Like runc with XDG_RUNTIME_DIR set: the runtime directory is judged by
    // its own check, not folded into what the kernel and helpers allow.
    let single_id = all(&[userns, bind_mount]);
    let multi_id = all(&[single_id, full_multi_map(results)]);
    Capabilities {
        userns,
        single_id,
        multi_id,
        bind_mount,
        overlay: overlay(results),
        cgroup: cgroup_mode(results),
    }
}

/// A multi-id container needs the whole 65536-id map: a multi-map that
/// worked with fewer ids (a warning) does not make one.
fn full_multi_map(results: &[CheckResult]) -> Option<bool> {
    match status_of(results, "idmap.multi-map") {
        Some(Status::Pass) => Some(true),
        Some(Status::Warn) => Some(false),
        _ => works(results, "idmap.multi-map"),
    }
}

fn overlay(results: &[CheckResult]) -> Option<Overlay> {
    match works(results, "mount.overlay") {
        Some(true) if status_of(results, "mount.overlay") == Some(Status::Pass) => {
            Some(Overlay::Native)
        }
        native => match (native, works(results, "mount.fuse-overlayfs")) {
            (_, Some(true)) => Some(Overlay::FuseOverlayfs),
            (Some(_), Some(false)) => Some(Overlay::None),
            _ => None,
        },
    }
}

fn status_of(results: &[CheckResult], id: &str) -> Option<Status> {
    results
        .iter()
        .find(|r| r.def.id == id)
        .map(|r| r.outcome.status)
}

fn cgroup_mode(results: &[CheckResult]) -> Option<String> {
    let result = results.iter().find(|r| r.def.id == "cgroup.delegation")?;
    result.outcome.evidence.iter().find_map(|e| match e {
        Evidence::Fact { name, value } if name == CGROUP_MODE_FACT => Some(value.clone()),
        _ => None,
    })
}
