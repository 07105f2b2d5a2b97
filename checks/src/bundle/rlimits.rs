//! Resource limits: the names runc knows, and the limits the subject's runc
//! would start with.
//!
//! When the doctor is the subject, that is its own `/proc/self/limits` (runc
//! inherits the limits of the shell that starts it, as the doctor does). When
//! root diagnoses a user (`--user`), the bundle checks run in a child that is
//! the user but inherited root's limits; the user's runc would run in a login
//! of the user, whose limits are what pam_limits sets from
//! /etc/security/limits.conf and /etc/security/limits.d/*.conf for that user,
//! and, for the resources those files do not name, what the login inherited:
//! taken to be the doctor's own (a login starts from init's defaults, as root's
//! shell did). The files are read, and ranked as pam_limits ranks them, by
//! [`crate::pam_limits`], through [`HostFs`] so fixtures can model them.

use crate::host::HostFs;
use crate::pam_limits::{self, Pair, User, RESOURCES};
use crate::subject::Subject;

pub use crate::pam_limits::{number_of, INFINITY};

/// The rlimit names runc 1.1.5 accepts (rlimit_linux.go), by resource number.
pub fn names() -> [&'static str; 16] {
    RESOURCES.map(|r| r.rlimit)
}

/// One soft/hard pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub soft: u64,
    pub hard: u64,
}

impl From<Pair> for Limit {
    fn from(pair: Pair) -> Self {
        Limit {
            soft: pair.soft.unwrap_or(INFINITY),
            hard: pair.hard.unwrap_or(INFINITY),
        }
    }
}

/// The subject's limits by resource number; `None` where unknown.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub by_number: [Option<Limit>; 16],
    /// Where they came from, for evidence.
    pub source: String,
}

impl Limits {
    pub fn get(&self, number: usize) -> Option<Limit> {
        self.by_number.get(number).copied().flatten()
    }
}

/// The limits the subject's runc would start with (see the module docs).
pub fn subject_limits(host: &HostFs, subject: &Subject) -> Limits {
    let own = host
        .read_text("/proc/self/limits")
        .map(|t| pam_limits::parse_proc(&t))
        .unwrap_or_default();
    if subject.is_invoker {
        return Limits {
            by_number: own.map(|p| p.map(Limit::from)),
            source: "the doctor's own limits (/proc/self/limits), which runc inherits".into(),
        };
    }
    let groups = crate::accounts::local_groups(host);
    let user = User {
        name: &subject.name,
        uid: subject.uid,
        gid: subject.gid,
        groups: &groups,
    };
    let nr_open = host
        .read_value("/proc/sys/fs/nr_open")
        .ok()
        .flatten()
        .and_then(|v| v.parse().ok());
    let files = pam_limits::read_conf(host);
    Limits {
        by_number: pam_limits::apply(own, &files, &user, nr_open).map(|p| p.map(Limit::from)),
        source: format!(
            "a login of {}: /etc/security/limits.conf and limits.d over the doctor's own limits",
            subject.name
        ),
    }
}

/// A limit for messages: `unlimited` or the number.
pub fn show(value: u64) -> String {
    if value == INFINITY {
        "unlimited".into()
    } else {
        value.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Account;
    use crate::testing::put;

    fn bob() -> Subject {
        Subject::other(Account {
            name: "bob".into(),
            uid: 1001,
            gid: 1001,
            home: "/home/bob".into(),
        })
    }

    const OWN: &str = "Max stack size            8388608              unlimited            bytes\n\
Max open files            1024                 524288               files\n\
Max locked memory         8388608              8388608              bytes\n";

    #[test]
    fn a_login_of_another_user_gets_limits_as_pam_limits_ranks_them() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        put(root, "/proc/self/limits", OWN);
        put(root, "/proc/sys/fs/nr_open", "1048576\n");
        put(root, "/etc/group", "bob:x:1001:\nstaff:x:50:bob\n");
        put(
            root,
            "/etc/security/limits.conf",
            "1000:1999 hard nofile 4096\n@staff hard nofile 9\nbob soft memlock 8\n",
        );
        put(
            root,
            "/etc/security/limits.d/90-all.conf",
            "* - memlock 64\n@:50 soft nofile unlimited\n",
        );
        let host = HostFs::rooted(root);
        let limits = subject_limits(&host, &bob());
        let nofile = number_of("RLIMIT_NOFILE").unwrap();
        // The uid range ranks with the user's name: the later group line
        // does not lower it; the group's soft `unlimited` is nr_open,
        // lowered to the hard limit.
        assert_eq!(
            limits.get(nofile),
            Some(Limit {
                soft: 4096,
                hard: 4096
            })
        );
        // `*`'s `-` line is outranked on its soft limit: it sets neither.
        assert_eq!(
            limits.get(number_of("RLIMIT_MEMLOCK").unwrap()),
            Some(Limit {
                soft: 8192,
                hard: 8388608
            })
        );
        assert!(limits.source.contains("a login of bob"));
        // A two-field line for bob: pam_limits sets nothing.
        put(root, "/etc/security/limits.d/99-none.conf", "@staff -\n");
        let limits = subject_limits(&host, &bob());
        assert_eq!(
            limits.get(nofile),
            Some(Limit {
                soft: 1024,
                hard: 524288
            })
        );
    }
}
