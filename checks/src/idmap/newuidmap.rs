//! `idmap.newuidmap`: the newuidmap runc would run is privileged to write a
//! multi-range uid map. Gathered by [`helper_facts`](super::helper_facts),
//! judged by [`helper_judge`](super::helper_judge), shared with
//! `idmap.newgidmap`. Decisions: docs/checks/idmap.md, section `idmap.newuidmap`.

use super::helper_facts::MapTool;
use super::helper_judge;
use crate::check::{CheckDef, Context, Outcome};

pub static NEWUIDMAP: CheckDef = CheckDef {
    id: "idmap.newuidmap",
    title: "newuidmap helper",
    description: "newuidmap is found on PATH as runc finds it, is a root-owned regular file, \
                  setuid root or carrying the cap_setuid file capability, not on a nosuid \
                  mount, and NoNewPrivs is not set.",
    codes: helper_judge::CODES,
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    helper_judge::run(ctx, MapTool::Uid)
}
