//! Accounts: the passwd database, as the host's files or NSS know it.
//!
//! `/etc/passwd` is parsed leniently through [`HostFs`] (to find every account's
//! id for overlap checks, and to resolve users on fixture hosts); on the real
//! host a name or uid that the file lacks is also looked up through NSS.

use crate::host::HostFs;
use std::path::PathBuf;

/// One passwd entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
    pub name: String,
    pub uid: u32,
    pub gid: u32,
    pub home: PathBuf,
}

/// Parses passwd text; lines that are not `name:x:uid:gid:gecos:home:shell`
/// with numeric ids are ignored.
pub fn parse_passwd(text: &str) -> Vec<Account> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            if fields.len() < 7 || fields[0].is_empty() {
                return None;
            }
            Some(Account {
                name: fields[0].to_string(),
                uid: fields[2].parse().ok()?,
                gid: fields[3].parse().ok()?,
                home: PathBuf::from(fields[5]),
            })
        })
        .collect()
}

/// Every account in the host's /etc/passwd (empty when it cannot be read).
pub fn local_accounts(host: &HostFs) -> Vec<Account> {
    host.read_text("/etc/passwd")
        .map(|text| parse_passwd(&text))
        .unwrap_or_default()
}

/// One /etc/group entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Group {
    pub name: String,
    pub gid: u32,
    /// The supplementary members (the fourth field).
    pub members: Vec<String>,
}

/// Parses group text; lines without a numeric gid in the third field are ignored.
pub fn parse_group(text: &str) -> Vec<Group> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            Some(Group {
                name: fields[0].to_string(),
                gid: fields.get(2)?.parse().ok()?,
                members: fields
                    .get(3)
                    .map(|m| m.split(',').map(|m| m.trim().to_string()).collect())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Every group in the host's /etc/group (empty when it cannot be read).
pub fn local_groups(host: &HostFs) -> Vec<Group> {
    host.read_text("/etc/group")
        .map(|text| parse_group(&text))
        .unwrap_or_default()
}

/// Finds an account by name, or by uid when `query` is numeric.
///
/// The host's /etc/passwd is consulted first; on the real host NSS is asked
/// too, so directory users (LDAP, SSSD) are found.
pub fn lookup(host: &HostFs, query: &str) -> Option<Account> {
    let numeric = query.parse::<u32>().ok();
    let found = local_accounts(host)
        .into_iter()
        .find(|a| a.name == query || Some(a.uid) == numeric);
    if found.is_some() || !host.is_real() {
        return found;
    }
    let user = match numeric {
        Some(uid) => nix::unistd::User::from_uid(uid.into()),
        None => nix::unistd::User::from_name(query),
    };
    user.ok().flatten().map(|u| Account {
        name: u.name,
        uid: u.uid.as_raw(),
        gid: u.gid.as_raw(),
        home: u.dir,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwd_lines_that_do_not_parse_are_ignored() {
        let accounts = parse_passwd(
            "root:x:0:0:root:/root:/bin/bash\n\
             garbage\n\
             bad:x:notanumber:0::/:/bin/sh\n\
             alice:x:1000:1000:Alice:/home/alice:/bin/bash\n",
        );
        let names: Vec<_> = accounts.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["root", "alice"]);
        assert_eq!(accounts[1].home, PathBuf::from("/home/alice"));
    }

    #[test]
    fn groups_keep_their_members_and_skip_garbage() {
        let groups = parse_group(
            "staff:x:50:alice, bob
odd
users:x:100
bad:x:y:alice
",
        );
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].members, ["alice", "bob"]);
        assert!(groups[1].members.is_empty());
    }
}
