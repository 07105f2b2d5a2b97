//! `idmap.newgidmap`: the newgidmap runc would run is privileged to write a
//! multi-range gid map (setuid root or `cap_setgid+ep`). Gathered by
//! [`helper_facts`](super::helper_facts), judged by
//! [`helper_judge`](super::helper_judge), shared with `idmap.newuidmap`.
//! Decisions: docs/checks/idmap.md, section `idmap.newgidmap`.

use super::helper_facts::MapTool;
use super::helper_judge;
use crate::check::{CheckDef, Context, Outcome};

pub static NEWGIDMAP: CheckDef = CheckDef {
    id: "idmap.newgidmap",
    title: "newgidmap helper",
    description: "newgidmap is found on PATH as runc finds it, is a root-owned regular file, \
                  setuid root or carrying the cap_setgid file capability, not on a nosuid \
                  mount, and NoNewPrivs is not set.",
    codes: helper_judge::CODES,
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    helper_judge::run(ctx, MapTool::Gid)
}
