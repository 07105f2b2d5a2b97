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

/// The subject's valid ranges (start, count), in file order.
pub fn subject_ranges(
    host: &crate::host::HostFs,
    subject: &crate::subject::Subject,
    file: SubidFile,
) -> Vec<(u32, u32)> {
    let Ok(text) = host.read_text(file.path()) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() != 3 {
                return None;
            }
            let owner_matches = fields[0] == subject.name || fields[0] == subject.uid.to_string();
            let start: u32 = fields[1].parse().ok()?;
            let count: u32 = fields[2].parse().ok()?;
            (owner_matches && count > 0).then_some((start, count))
        })
        .collect()
}
