//! `subid.subgid`: the subject's ranges in /etc/subgid, judged by [`judge()`].
//! Decisions: docs/checks/subid.md, section `subid.subgid`.

use super::judge::CODES;
use super::{facts, judge};
use crate::check::{CheckDef, Context, Outcome};
use crate::subordinate::SubidFile;

pub static SUBGID: CheckDef = CheckDef {
    id: "subid.subgid",
    title: "subordinate gid range",
    description: "The subject has ranges in /etc/subgid (by name or numeric uid, as shadow \
                  parses them), at least 65536 ids, no overlap with other users' ranges or \
                  with groups' ids; malformed lines are reported by line number.",
    codes: CODES,
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&facts::gather(ctx.host, ctx.subject, SubidFile::Gid))
}
