//! Subordinate ids: /etc/subuid and /etc/subgid, parsed as shadow parses them.

use crate::model::Outcome;
use crate::registry::{CheckDef, Context};

pub static SUBUID: CheckDef = CheckDef {
    id: "subid.subuid",
    title: "subordinate uid range",
    description: "The subject has ranges in /etc/subuid (by name or numeric uid, as shadow \
                  parses them), at least 65536 ids, no overlap with other users' ranges or \
                  with accounts' ids; malformed lines are reported by line number.",
    probes: &[],
    run: subuid,
};

pub static SUBGID: CheckDef = CheckDef {
    id: "subid.subgid",
    title: "subordinate gid range",
    description: "The subject has ranges in /etc/subgid (by name or numeric uid, as shadow \
                  parses them), at least 65536 ids, no overlap with other users' ranges or \
                  with groups' ids; malformed lines are reported by line number.",
    probes: &[],
    run: subgid,
};

fn subuid(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}

fn subgid(_ctx: &Context<'_>) -> Outcome {
    Outcome::skip("not implemented yet")
}
