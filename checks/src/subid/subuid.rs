//! `subid.subuid`: the subject's ranges in /etc/subuid, judged by [`judge()`].
//! Decisions: docs/checks/subid.md, section `subid.subuid`.

use super::judge::CODES;
use super::{facts, judge};
use crate::check::{CheckDef, Context, Outcome};
use crate::subordinate::SubidFile;

pub static SUBUID: CheckDef = CheckDef {
    id: "subid.subuid",
    title: "subordinate uid range",
    description: "The subject has ranges in /etc/subuid (by name or numeric uid, as shadow \
                  parses them), at least 65536 ids, no overlap with other users' ranges or \
                  with accounts' ids; malformed lines are reported by line number.",
    codes: CODES,
    probes: &[],
    run,
};

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&facts::gather(ctx.host, ctx.subject, SubidFile::Uid))
}
