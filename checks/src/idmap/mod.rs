//! Id mapping: newuidmap and newgidmap, and a real multi-range map.
//!
//! Static checks find the helpers the way runc does and judge their privilege
//! (setuid root or a file capability, not defeated by `nosuid` or NoNewPrivs);
//! `idmap.multi-map` maps a real child through them.

use crate::model::Outcome;
use crate::probe::ProbeKind;
use crate::registry::{CheckDef, Context};

pub mod filecaps;
mod helper;
mod judge;
mod multi_map;
#[cfg(test)]
mod tests;

pub use helper::{locate, MapTool};

pub static NEWUIDMAP: CheckDef = CheckDef {
    id: "idmap.newuidmap",
    title: "newuidmap helper",
    description: "newuidmap is found on PATH as runc finds it, is a root-owned regular file, \
                  setuid root or carrying the cap_setuid file capability, not on a nosuid \
                  mount, and NoNewPrivs is not set.",
    probes: &[],
    run: newuidmap,
};

pub static NEWGIDMAP: CheckDef = CheckDef {
    id: "idmap.newgidmap",
    title: "newgidmap helper",
    description: "newgidmap is found on PATH as runc finds it, is a root-owned regular file, \
                  setuid root or carrying the cap_setgid file capability, not on a nosuid \
                  mount, and NoNewPrivs is not set.",
    probes: &[],
    run: newgidmap,
};

pub static MULTI_MAP: CheckDef = CheckDef {
    id: "idmap.multi-map",
    title: "multi-id mapping",
    description: "Live: a child in a new user namespace gets a multi-range map (own id -> 0, \
                  subordinate range -> 1..65535) written by newuidmap and newgidmap, as runc \
                  and podman do.",
    probes: &[ProbeKind::MultiMap],
    run: multi_map::run,
};

fn newuidmap(ctx: &Context<'_>) -> Outcome {
    check(ctx, MapTool::Uid)
}

fn newgidmap(ctx: &Context<'_>) -> Outcome {
    check(ctx, MapTool::Gid)
}

/// Gathers the facts about one helper, then judges them.
fn check(ctx: &Context<'_>, tool: MapTool) -> Outcome {
    let facts = helper::gather(ctx.host, ctx.subject, tool);
    judge::judge(&facts, &ctx.distro)
}
