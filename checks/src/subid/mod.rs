//! Subordinate ids: /etc/subuid and /etc/subgid, parsed as shadow parses them.
//!
//! `subid.subuid` and `subid.subgid` judge the subject's ranges: present (by
//! name or numeric uid), at least 65536 ids, clear of the subject's own id,
//! other users' ranges and accounts' ids, in a file shadow can open; lines
//! shadow ignores are named by number. Fixes allocate a block that overlaps no
//! one, in both files.

pub mod alloc;
pub mod facts;
mod judge;
pub mod parse;

use crate::host::HostFs;
use crate::model::Outcome;
use crate::registry::{CheckDef, Context};
use crate::subject::Subject;

pub use judge::judge;

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

/// Which subordinate id file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubidFile {
    Uid,
    Gid,
}

impl SubidFile {
    /// The file's host path.
    pub fn path(self) -> &'static str {
        match self {
            SubidFile::Uid => "/etc/subuid",
            SubidFile::Gid => "/etc/subgid",
        }
    }
}

fn subuid(ctx: &Context<'_>) -> Outcome {
    judge(&facts::gather(ctx.host, ctx.subject, SubidFile::Uid))
}

fn subgid(ctx: &Context<'_>) -> Outcome {
    judge(&facts::gather(ctx.host, ctx.subject, SubidFile::Gid))
}

/// The subject's valid ranges `(start, count)` in file order, as newuidmap
/// would find them (none when shadow cannot open the file).
pub fn subject_ranges(host: &HostFs, subject: &Subject, file: SubidFile) -> Vec<(u32, u32)> {
    let Ok(text) = facts::read(host, file) else {
        return Vec::new();
    };
    let passwd = crate::accounts::local_accounts(host);
    parse::parse(&text)
        .entries
        .iter()
        .filter(|e| facts::owned_by_subject(&e.owner, subject, &passwd))
        .filter_map(|e| Some((u32::try_from(e.start).ok()?, u32::try_from(e.count).ok()?)))
        .collect()
}

#[cfg(test)]
mod tests;
