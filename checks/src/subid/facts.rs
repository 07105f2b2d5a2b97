//! Gathering the facts about one subordinate id file for the subject.
//!
//! [`analyse`] is pure: from the file's text (or why it could not be read),
//! the subject and the accounts, it works out the subject's entries, whose
//! ranges overlap them, which accounts' ids fall inside them, and the free
//! block a fix would allocate. [`gather`] reads the inputs through HostFs.

use crate::accounts::{local_accounts, local_groups, Account};
use crate::host::HostFs;
use crate::subject::Subject;
use crate::subordinate::alloc::{free_range, FULL};
use crate::subordinate::parse::{parse, Entry, Malformed};
use crate::subordinate::{owned_by_subject, read, SubidFile, Unusable};

/// An id account (a user for subuid, a group for subgid) whose id lies inside
/// one of the subject's ranges.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountInside {
    pub name: String,
    pub id: u64,
}

/// Everything the judge needs about one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub file: SubidFile,
    pub subject: String,
    /// The subject's own id for this file (uid for subuid, gid for subgid).
    pub own_id: u64,
    pub unusable: Option<Unusable>,
    pub subject_entries: Vec<Entry>,
    /// (someone else's entry, the subject's entry it overlaps).
    pub overlaps: Vec<(Entry, Entry)>,
    pub accounts_inside: Vec<AccountInside>,
    pub malformed: Vec<Malformed>,
    pub missing_final_newline: bool,
    /// The `subid:` source of nsswitch.conf when it is not `files`.
    pub nss_source: Option<String>,
    /// The subject has a usable entry in the other file (subgid for subuid).
    pub other_file_ok: bool,
    /// The block a fix would give the subject (free in both files and among
    /// all accounts' ids), `(start, count)`.
    pub free: Option<(u64, u64)>,
}

/// Inputs of [`analyse`] that do not depend on which file is judged.
pub struct Inputs<'a> {
    pub subject: &'a Subject,
    pub passwd: &'a [Account],
    /// (group name, gid) from /etc/group.
    pub groups: &'a [(String, u64)],
    pub nss_source: Option<String>,
}

/// Works the facts out for `file`; `text` is the file's content or why it has none,
/// `other` the other file's.
pub fn analyse(
    file: SubidFile,
    text: Result<&str, Unusable>,
    other: Result<&str, Unusable>,
    inputs: &Inputs<'_>,
) -> Facts {
    let subject = inputs.subject;
    let own_id = u64::from(match file {
        SubidFile::Uid => subject.uid,
        SubidFile::Gid => subject.gid,
    });
    let parsed = text.as_ref().map(|t| parse(t)).unwrap_or_default();
    let other_parsed = other.as_ref().map(|t| parse(t)).unwrap_or_default();
    let mine = |e: &&Entry| owned_by_subject(&e.owner, subject, inputs.passwd);
    let subject_entries: Vec<Entry> = parsed.entries.iter().filter(mine).cloned().collect();
    let overlaps = parsed
        .entries
        .iter()
        .filter(|e| !owned_by_subject(&e.owner, subject, inputs.passwd))
        .flat_map(|theirs| {
            subject_entries
                .iter()
                .filter(|m| m.overlaps(theirs.start, theirs.count))
                .map(move |m| (theirs.clone(), m.clone()))
        })
        .take(20)
        .collect();
    let ids: Vec<(String, u64)> = match file {
        SubidFile::Uid => inputs
            .passwd
            .iter()
            .map(|a| (a.name.clone(), u64::from(a.uid)))
            .collect(),
        SubidFile::Gid => inputs.groups.to_vec(),
    };
    let accounts_inside = ids
        .iter()
        .filter(|(_, id)| *id != own_id)
        .filter(|(_, id)| subject_entries.iter().any(|e| e.overlaps(*id, 1)))
        .take(20)
        .map(|(name, id)| AccountInside {
            name: name.clone(),
            id: *id,
        })
        .collect();
    let mut taken: Vec<(u64, u64)> = parsed
        .entries
        .iter()
        .chain(&other_parsed.entries)
        .map(|e| (e.start, e.count))
        .collect();
    taken.extend(inputs.passwd.iter().map(|a| (u64::from(a.uid), 1)));
    taken.extend(inputs.passwd.iter().map(|a| (u64::from(a.gid), 1)));
    taken.extend(inputs.groups.iter().map(|(_, gid)| (*gid, 1)));
    let other_file_ok = other.is_ok() && other_parsed.entries.iter().any(|e| mine(&e));
    Facts {
        file,
        subject: subject.name.clone(),
        own_id,
        unusable: text.err(),
        subject_entries,
        overlaps,
        accounts_inside,
        malformed: parsed.malformed,
        missing_final_newline: parsed.missing_final_newline,
        nss_source: inputs.nss_source.clone(),
        other_file_ok,
        free: free_range(&taken, FULL),
    }
}

/// The `subid:` source of /etc/nsswitch.conf, when one other than `files` is set.
pub fn nss_source(host: &HostFs) -> Option<String> {
    let text = host.read_text("/etc/nsswitch.conf").ok()?;
    let line = text
        .lines()
        .map(str::trim_start)
        .filter(|l| !l.starts_with('#'))
        .find(|l| l.len() >= 6 && l[..6].eq_ignore_ascii_case("subid:"))?;
    let source = line[6..].split_whitespace().next().unwrap_or("files");
    (source != "files").then(|| source.to_string())
}

/// Named groups from /etc/group as (name, gid).
pub fn groups(host: &HostFs) -> Vec<(String, u64)> {
    local_groups(host)
        .into_iter()
        .filter(|g| !g.name.is_empty())
        .map(|g| (g.name, u64::from(g.gid)))
        .collect()
}

/// Gathers the facts for `file` from the host.
pub fn gather(host: &HostFs, subject: &Subject, file: SubidFile) -> Facts {
    let passwd = local_accounts(host);
    let groups = groups(host);
    let inputs = Inputs {
        subject,
        passwd: &passwd,
        groups: &groups,
        nss_source: nss_source(host),
    };
    let other_file = match file {
        SubidFile::Uid => SubidFile::Gid,
        SubidFile::Gid => SubidFile::Uid,
    };
    let text = read(host, file);
    let other = read(host, other_file);
    analyse(
        file,
        text.as_deref().map_err(Clone::clone),
        other.as_deref().map_err(Clone::clone),
        &inputs,
    )
}
