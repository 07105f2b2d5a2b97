//! What works here: the capabilities matrix, derived from check results by one
//! pure function.
//!
//! A value whose evidence was not gathered (its check deselected, timed out or
//! in error) is `None`, never a guess. Results are read by their check
//! ([`CheckDef`] statics), status, `blocked_by` and typed facts, never by
//! message text.

use crate::cgroupfs::Mode;
use crate::check::{CheckDef, CheckResult};
use crate::model::Status;
use crate::{cgroup, idmap, mount, userns};

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
    /// How much of the cgroup hierarchy is delegated to the subject.
    pub cgroup: Option<Mode>,
}

/// A check's verdict as a capability: pass or warn is true, fail false, and
/// anything else (skip for reasons of its own, error, deselected) unknown.
fn works(results: &[CheckResult], check: &CheckDef) -> Option<bool> {
    let result = results.iter().find(|r| r.def == check)?;
    match result.outcome.status {
        Status::Pass | Status::Warn => Some(true),
        Status::Fail => Some(false),
        // A skip because a dependency failed means the thing does not work.
        Status::Skip if result.outcome.blocked_by.is_some() => Some(false),
        Status::Skip | Status::Error => None,
    }
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
    let userns = works(results, &userns::CREATE);
    let bind_mount = works(results, &mount::BIND);
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
    match status_of(results, &idmap::MULTI_MAP) {
        Some(Status::Pass) => Some(true),
        Some(Status::Warn) => Some(false),
        _ => works(results, &idmap::MULTI_MAP),
    }
}

fn overlay(results: &[CheckResult]) -> Option<Overlay> {
    match works(results, &mount::OVERLAY) {
        Some(true) if status_of(results, &mount::OVERLAY) == Some(Status::Pass) => {
            Some(Overlay::Native)
        }
        native => match (native, works(results, &mount::FUSE_OVERLAYFS)) {
            (_, Some(true)) => Some(Overlay::FuseOverlayfs),
            (Some(_), Some(false)) => Some(Overlay::None),
            _ => None,
        },
    }
}

fn status_of(results: &[CheckResult], check: &CheckDef) -> Option<Status> {
    results
        .iter()
        .find(|r| r.def == check)
        .map(|r| r.outcome.status)
}

fn cgroup_mode(results: &[CheckResult]) -> Option<Mode> {
    results
        .iter()
        .find(|r| r.def == &cgroup::DELEGATION)?
        .outcome
        .cgroup_mode()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::{Fact, Outcome};
    use crate::model::Code;
    use std::time::Duration;

    fn result(def: &'static CheckDef, outcome: Outcome) -> CheckResult {
        CheckResult {
            def,
            outcome,
            duration: Duration::ZERO,
        }
    }

    #[test]
    fn a_blocked_skip_is_false_and_another_skip_unknown_whatever_the_wording() {
        let mut blocked = Outcome::blocked(&userns::CREATE);
        blocked.message = "reworded".into();
        blocked.skip_reason = Some("reworded".into());
        let results = [
            result(&userns::CREATE, Outcome::fail(Code::new("x"), "no")),
            result(&mount::BIND, blocked),
        ];
        let caps = derive(&results);
        assert_eq!(caps.userns, Some(false));
        assert_eq!(caps.bind_mount, Some(false));
        assert_eq!(caps.single_id, Some(false));
        let not_run = Outcome::skip(crate::model::CommonCode::ProbeNotRun, "blocked by nothing");
        let results = [
            result(&userns::CREATE, Outcome::pass("yes")),
            result(&mount::BIND, not_run),
        ];
        let caps = derive(&results);
        assert_eq!(caps.bind_mount, None);
        assert_eq!(caps.single_id, None);
    }

    #[test]
    fn the_cgroup_mode_is_the_typed_fact_not_the_evidence() {
        let stated = Outcome::pass("ok")
            .with(crate::model::Evidence::fact("cgroup mode", "v1"))
            .stating(Fact::CgroupMode(Mode::Partial));
        let caps = derive(&[result(&cgroup::DELEGATION, stated)]);
        assert_eq!(caps.cgroup, Some(Mode::Partial));
        let unstated = Outcome::pass("ok").with(crate::model::Evidence::fact("cgroup mode", "v1"));
        assert_eq!(
            derive(&[result(&cgroup::DELEGATION, unstated)]).cgroup,
            None
        );
    }
}
