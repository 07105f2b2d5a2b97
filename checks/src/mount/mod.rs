//! Mounts inside a user namespace: bind, native overlayfs, fuse-overlayfs.
//! All three are live probes in a throwaway mount namespace.
//!
//! Each check is skipped, blocked by `userns.create`, when that check failed
//! (a mount namespace needs a user namespace first). Otherwise [`bind`],
//! [`overlay`] and [`fuse`] judge their probe with the host facts of
//! [`env`]; overlay and fuse-overlayfs consult each other's probe for the
//! statuses of DESIGN.md's decisions table.

use crate::model::{Outcome, Status};
use crate::probe::ProbeKind;
use crate::registry::{CheckDef, Context};
use crate::userns::live::{self, Live};

pub mod bind;
pub mod common;
pub mod env;
pub mod fuse;
pub mod overlay;

pub static BIND: CheckDef = CheckDef {
    id: "mount.bind",
    title: "bind mount in a user namespace",
    description: "Live: a bind mount succeeds inside a new user and mount namespace.",
    probes: &[ProbeKind::BindMount, ProbeKind::UsernsCreate],
    run: bind,
};

pub static OVERLAY: CheckDef = CheckDef {
    id: "mount.overlay",
    title: "native overlayfs in a user namespace",
    description: "Live: a native overlayfs mount succeeds inside a user namespace \
                  (kernel 5.11 or later, or a distribution patch).",
    probes: &[
        ProbeKind::Overlay,
        ProbeKind::FuseOverlayfs,
        ProbeKind::UsernsCreate,
    ],
    run: overlay,
};

pub static FUSE_OVERLAYFS: CheckDef = CheckDef {
    id: "mount.fuse-overlayfs",
    title: "fuse-overlayfs",
    description: "fuse-overlayfs is found, /dev/fuse is openable by the subject and a live \
                  mount works; only a warning, or a skip, when native overlay already works.",
    probes: &[
        ProbeKind::FuseOverlayfs,
        ProbeKind::Overlay,
        ProbeKind::UsernsCreate,
    ],
    run: fuse_overlayfs,
};

/// The id whose failure blocks every mount check.
const USERNS_CREATE: &str = "userns.create";

/// The blocked outcome when `userns.create` failed, with this check's own
/// probe evidence when it ran.
fn blocked(ctx: &Context<'_>, kind: ProbeKind) -> Option<Outcome> {
    if ctx.outcome_of(USERNS_CREATE).status != Status::Fail {
        return None;
    }
    let outcome = Outcome::blocked_by(USERNS_CREATE);
    Some(match Live::get(ctx, kind).report() {
        Some(report) => outcome.with(live::probe_evidence(kind, report)),
        None => outcome,
    })
}

fn bind(ctx: &Context<'_>) -> Outcome {
    if let Some(outcome) = blocked(ctx, ProbeKind::BindMount) {
        return outcome;
    }
    let env = env::MountEnv::gather(ctx.host, ctx.subject);
    bind::judge(&Live::get(ctx, ProbeKind::BindMount), &env, &ctx.distro)
}

fn overlay(ctx: &Context<'_>) -> Outcome {
    if let Some(outcome) = blocked(ctx, ProbeKind::Overlay) {
        return outcome;
    }
    let env = env::MountEnv::gather(ctx.host, ctx.subject);
    overlay::judge(
        &Live::get(ctx, ProbeKind::Overlay),
        &Live::get(ctx, ProbeKind::FuseOverlayfs),
        &env,
        &ctx.distro,
    )
}

fn fuse_overlayfs(ctx: &Context<'_>) -> Outcome {
    if let Some(outcome) = blocked(ctx, ProbeKind::FuseOverlayfs) {
        return outcome;
    }
    let env = env::MountEnv::gather(ctx.host, ctx.subject);
    fuse::judge(
        &Live::get(ctx, ProbeKind::FuseOverlayfs),
        &Live::get(ctx, ProbeKind::Overlay),
        &env,
        &ctx.distro,
    )
}

#[cfg(test)]
mod fixture_tests;
