//! Mounts inside a user namespace: bind, native overlayfs, fuse-overlayfs.
//! All three are live probes in a throwaway mount namespace.

use crate::model::Outcome;
use crate::probe::ProbeKind;
use crate::registry::{CheckDef, Context};

pub static BIND: CheckDef = CheckDef {
    id: "mount.bind",
    title: "bind mount in a user namespace",
    description: "Live: a bind mount succeeds inside a new user and mount namespace.",
    probes: &[ProbeKind::BindMount],
    run: bind,
};

pub static OVERLAY: CheckDef = CheckDef {
    id: "mount.overlay",
    title: "native overlayfs in a user namespace",
    description: "Live: a native overlayfs mount succeeds inside a user namespace \
                  (kernel 5.11 or later, or a distribution patch).",
    probes: &[ProbeKind::Overlay],
    run: overlay,
};

pub static FUSE_OVERLAYFS: CheckDef = CheckDef {
    id: "mount.fuse-overlayfs",
    title: "fuse-overlayfs",
    description: "fuse-overlayfs is found, /dev/fuse is openable by the subject and a live \
                  mount works; only a warning, or a skip, when native overlay already works.",
    probes: &[ProbeKind::FuseOverlayfs, ProbeKind::Overlay],
    run: fuse_overlayfs,
};

fn bind(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}

fn overlay(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}

fn fuse_overlayfs(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}
