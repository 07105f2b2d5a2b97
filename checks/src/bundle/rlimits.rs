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
//! shell did). The files are read through [`HostFs`] so fixtures can model
//! them.

use crate::host::HostFs;
use crate::subject::Subject;

/// `RLIM_INFINITY`.
pub const INFINITY: u64 = u64::MAX;

/// The rlimit names runc 1.1.5 accepts (rlimit_linux.go), by resource number,
/// with the row label of /proc/PID/limits.
pub const RLIMITS: [(&str, &str); 16] = [
    ("RLIMIT_CPU", "Max cpu time"),
    ("RLIMIT_FSIZE", "Max file size"),
    ("RLIMIT_DATA", "Max data size"),
    ("RLIMIT_STACK", "Max stack size"),
    ("RLIMIT_CORE", "Max core file size"),
    ("RLIMIT_RSS", "Max resident set"),
    ("RLIMIT_NPROC", "Max processes"),
    ("RLIMIT_NOFILE", "Max open files"),
    ("RLIMIT_MEMLOCK", "Max locked memory"),
    ("RLIMIT_AS", "Max address space"),
    ("RLIMIT_LOCKS", "Max file locks"),
    ("RLIMIT_SIGPENDING", "Max pending signals"),
    ("RLIMIT_MSGQUEUE", "Max msgqueue size"),
    ("RLIMIT_NICE", "Max nice priority"),
    ("RLIMIT_RTPRIO", "Max realtime priority"),
    ("RLIMIT_RTTIME", "Max realtime timeout"),
];

/// pam_limits item names, by resource number (as in [`RLIMITS`]).
const PAM_ITEMS: [&str; 16] = [
    "cpu",
    "fsize",
    "data",
    "stack",
    "core",
    "rss",
    "nproc",
    "nofile",
    "memlock",
    "as",
    "locks",
    "sigpending",
    "msgqueue",
    "nice",
    "rtprio",
    "rttime",
];

/// The resource number of an rlimit name, as runc's `strToRlimit` maps it.
pub fn number_of(name: &str) -> Option<usize> {
    RLIMITS.iter().position(|(n, _)| *n == name)
}

/// One soft/hard pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub soft: u64,
    pub hard: u64,
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

/// Reads one value of /proc/PID/limits ("unlimited" or a number).
fn value(token: &str) -> Option<u64> {
    if token == "unlimited" {
        Some(INFINITY)
    } else {
        token.parse().ok()
    }
}

/// Parses /proc/PID/limits.
pub fn parse_proc_limits(text: &str) -> [Option<Limit>; 16] {
    let mut out = [None; 16];
    for line in text.lines() {
        let Some(number) = RLIMITS
            .iter()
            .position(|(_, label)| line.starts_with(label))
        else {
            continue;
        };
        let rest = &line[RLIMITS[number].1.len()..];
        let mut values = rest.split_whitespace().filter_map(value);
        if let (Some(soft), Some(hard)) = (values.next(), values.next()) {
            out[number] = Some(Limit { soft, hard });
        }
    }
    out
}

/// One pam_limits line that applies, with its rank (0 user, 1 group or id
/// range, 2 `*`).
fn pam_entry<'a>(
    line: &'a str,
    subject: &Subject,
    groups: &[(String, u32)],
) -> Option<(u8, &'a str, &'a str, &'a str)> {
    let line = line.split('#').next()?.trim();
    let fields: Vec<&str> = line.split_whitespace().collect();
    let [domain, kind, item, value] = fields[..] else {
        return None;
    };
    let rank = if domain == subject.name {
        0
    } else if let Some(group) = domain.strip_prefix('@') {
        if !groups.iter().any(|(name, _)| name == group) {
            return None;
        }
        1
    } else if domain == "*" {
        2
    } else if let Some((low, high)) = domain.split_once(':') {
        let low: u32 = if low.is_empty() { 0 } else { low.parse().ok()? };
        let high: u32 = if high.is_empty() {
            u32::MAX
        } else {
            high.parse().ok()?
        };
        if !(low..=high).contains(&subject.uid) {
            return None;
        }
        1
    } else {
        return None;
    };
    Some((rank, kind, item, value))
}

/// Applies pam_limits files (in order) for `subject` over `base`: for each
/// item the most specific domain wins (user, then group or uid range, then
/// `*`), a later line of the same rank over an earlier one.
pub fn apply_pam_limits(
    base: [Option<Limit>; 16],
    files: &[String],
    subject: &Subject,
    groups: &[(String, u32)],
) -> [Option<Limit>; 16] {
    let mut out = base;
    let mut rank_soft = [u8::MAX; 16];
    let mut rank_hard = [u8::MAX; 16];
    for text in files {
        for line in text.lines() {
            let Some((rank, kind, item, value)) = pam_entry(line, subject, groups) else {
                continue;
            };
            let Some(number) = PAM_ITEMS.iter().position(|i| *i == item) else {
                continue;
            };
            let parsed = match value {
                // pam_limits: limits.conf counts nice as -20..19, the kernel's
                // RLIMIT_NICE as 20 - nice (1..40); "unlimited" is -1 there.
                v if item == "nice" => {
                    let nice = match v {
                        "unlimited" | "infinity" => -1,
                        v => match v.parse::<i64>() {
                            Ok(n) => n,
                            Err(_) => continue,
                        },
                    };
                    (20 - nice.clamp(-20, 19)) as u64
                }
                "unlimited" | "infinity" | "-1" => INFINITY,
                v => match v.parse::<u64>() {
                    // pam_limits counts these items in KiB (and minutes for cpu).
                    Ok(n)
                        if matches!(
                            item,
                            "fsize" | "data" | "stack" | "core" | "rss" | "memlock" | "as"
                        ) =>
                    {
                        n.saturating_mul(1024)
                    }
                    Ok(n) if item == "cpu" => n.saturating_mul(60),
                    Ok(n) => n,
                    Err(_) => continue,
                },
            };
            let Some(current) = out[number].as_mut() else {
                continue;
            };
            if matches!(kind, "soft" | "-") && rank <= rank_soft[number] {
                current.soft = parsed;
                rank_soft[number] = rank;
            }
            if matches!(kind, "hard" | "-") && rank <= rank_hard[number] {
                current.hard = parsed;
                rank_hard[number] = rank;
            }
        }
    }
    out
}

/// The limits the subject's runc would start with (see the module docs).
pub fn subject_limits(host: &HostFs, subject: &Subject) -> Limits {
    let own = host
        .read_text("/proc/self/limits")
        .map(|t| parse_proc_limits(&t))
        .unwrap_or_default();
    if subject.is_invoker {
        return Limits {
            by_number: own,
            source: "the doctor's own limits (/proc/self/limits), which runc inherits".into(),
        };
    }
    let mut files = Vec::new();
    if let Ok(text) = host.read_text("/etc/security/limits.conf") {
        files.push(text);
    }
    let mut names = host
        .read_dir_names("/etc/security/limits.d")
        .unwrap_or_default();
    names.sort();
    for name in names.iter().filter(|n| n.ends_with(".conf")) {
        if let Ok(text) = host.read_text(format!("/etc/security/limits.d/{name}")) {
            files.push(text);
        }
    }
    let groups: Vec<(String, u32)> = crate::accounts::local_groups(host)
        .into_iter()
        .filter(|g| g.gid == subject.gid || g.members.contains(&subject.name))
        .map(|g| (g.name, g.gid))
        .collect();
    Limits {
        by_number: apply_pam_limits(own, &files, subject, &groups),
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

    const PROC: &str =
        "Limit                     Soft Limit           Hard Limit           Units     \n\
Max cpu time              unlimited            unlimited            seconds   \n\
Max file size             unlimited            unlimited            bytes     \n\
Max data size             unlimited            unlimited            bytes     \n\
Max stack size            8388608              unlimited            bytes     \n\
Max core file size        0                    unlimited            bytes     \n\
Max resident set          unlimited            unlimited            bytes     \n\
Max processes             63704                63704                processes \n\
Max open files            1024                 524288               files     \n\
Max locked memory         8388608              8388608              bytes     \n\
Max address space         unlimited            unlimited            bytes     \n\
Max file locks            unlimited            unlimited            locks     \n\
Max pending signals       63704                63704                signals   \n\
Max msgqueue size         819200               819200               bytes     \n\
Max nice priority         0                    0                    \n\
Max realtime priority     0                    0                    \n\
Max realtime timeout      unlimited            unlimited            us        \n";

    #[test]
    fn proc_limits_parse_by_resource_number() {
        let limits = parse_proc_limits(PROC);
        assert_eq!(
            limits[3],
            Some(Limit {
                soft: 8388608,
                hard: INFINITY
            })
        );
        assert_eq!(
            limits[7],
            Some(Limit {
                soft: 1024,
                hard: 524288
            })
        );
        assert_eq!(limits[14], Some(Limit { soft: 0, hard: 0 }));
        assert!(limits.iter().all(Option::is_some));
        assert_eq!(parse_proc_limits("garbage\nMax open files x"), [None; 16]);
        assert_eq!(number_of("RLIMIT_NOFILE"), Some(7));
        assert_eq!(number_of("RLIMIT_NOPE"), None);
    }

    #[test]
    fn pam_limits_most_specific_domain_wins() {
        let alice = Subject::other(Account {
            name: "alice".into(),
            uid: 1000,
            gid: 1000,
            home: "/home/alice".into(),
        });
        let groups = vec![("staff".to_string(), 50)];
        let files = vec![
            "alice hard nofile 4096\n* - nofile 100\n@staff soft nofile 2000 # comment\n".into(),
            "* hard stack 16384\nbob hard nofile 9\n1000: soft core unlimited\n".into(),
        ];
        let limits = apply_pam_limits(parse_proc_limits(PROC), &files, &alice, &groups);
        assert_eq!(
            limits[7],
            Some(Limit {
                soft: 2000,
                hard: 4096
            })
        );
        assert_eq!(limits[3].unwrap().hard, 16384 * 1024);
        assert_eq!(limits[4].unwrap().soft, INFINITY);
        // nice is converted as pam_limits does: RLIMIT_NICE = 20 - nice.
        let files = vec!["alice - nice -5\n".into()];
        let limits = apply_pam_limits(parse_proc_limits(PROC), &files, &alice, &groups);
        assert_eq!(limits[13], Some(Limit { soft: 25, hard: 25 }));
        let files = vec!["alice hard nice 0\n* soft nice unlimited\n".into()];
        let limits = apply_pam_limits(parse_proc_limits(PROC), &files, &alice, &groups);
        assert_eq!(limits[13], Some(Limit { soft: 21, hard: 20 }));
    }
}
