//! The subordinate id files, `/etc/subuid` and `/etc/subgid`, as shadow reads
//! them: opening a file ([`read`]), parsing its lines ([`parse`]), whose entry
//! is whose ([`owned_by_subject`]), a subject's ranges ([`subject_ranges`]) and
//! allocating a free block ([`alloc`]).
//!
//! Host facts below the checks: the `subid` family judges them, the probe plan,
//! the bundle checks and `mappings` use them.

pub mod alloc;
pub mod parse;

use crate::accounts::Account;
use crate::host::HostFs;
use crate::subject::Subject;

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

/// Why the file's entries are not available.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unusable {
    /// The file does not exist.
    Missing,
    /// The file is a symlink; shadow opens it with O_NOFOLLOW and fails (ELOOP).
    Symlink { target: String },
    /// The file exists but cannot be read (names the error).
    Unreadable { error: String },
    /// The file is larger than [`MAX_FILE`].
    TooLarge,
}

/// True when `owner` (a name or a numeric uid) is the subject, as shadow's
/// `find_range` decides: same name, or the same uid by number or through passwd.
pub fn owned_by_subject(owner: &str, subject: &Subject, passwd: &[Account]) -> bool {
    if owner == subject.name {
        return true;
    }
    if let Ok(uid) = owner.parse::<u32>() {
        return uid == subject.uid;
    }
    passwd
        .iter()
        .any(|a| a.name == owner && a.uid == subject.uid)
}

/// Reads a subordinate id file as shadow would open it.
pub fn read(host: &HostFs, file: SubidFile) -> Result<String, Unusable> {
    let path = file.path();
    match host.symlink_metadata(path) {
        Err(e) if e.is_not_found() => return Err(Unusable::Missing),
        Err(e) => {
            return Err(Unusable::Unreadable {
                error: e.to_string(),
            })
        }
        Ok(meta) if meta.file_type().is_symlink() => {
            let target = host
                .read_link(path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            return Err(Unusable::Symlink { target });
        }
        Ok(_) => {}
    }
    match host.read_text_up_to(path, MAX_FILE) {
        Ok((text, false)) => Ok(text),
        Ok((_, true)) => Err(Unusable::TooLarge),
        Err(e) => Err(Unusable::Unreadable {
            error: e.to_string(),
        }),
    }
}

/// The largest subordinate id file the doctor reads (shadow has no limit, but
/// parses such files slowly; 64 MiB is over two million lines).
pub const MAX_FILE: u64 = 64 * 1024 * 1024;

/// The subject's valid ranges `(start, count)` in file order, as newuidmap
/// would find them (none when shadow cannot open the file).
pub fn subject_ranges(host: &HostFs, subject: &Subject, file: SubidFile) -> Vec<(u32, u32)> {
    let Ok(text) = read(host, file) else {
        return Vec::new();
    };
    let passwd = crate::accounts::local_accounts(host);
    parse::parse(&text)
        .entries
        .iter()
        .filter(|e| owned_by_subject(&e.owner, subject, &passwd))
        .filter_map(|e| Some((u32::try_from(e.start).ok()?, u32::try_from(e.count).ok()?)))
        .collect()
}
