//! Resource limits as a login gets them: the 16 resources the kernel knows
//! (their runc `RLIMIT_*` names, pam_limits item names and /proc/PID/limits
//! rows), the /proc/PID/limits parser, and the lines of
//! /etc/security/limits.conf and limits.d/*.conf that pam_limits applies to
//! a user, read through [`HostFs`].
//!
//! The contract, as pam_limits' `parse_config_file` and `process_limit`
//! behave: files are read in order (limits.conf, then limits.d/*.conf in
//! lexical order); `#` starts a comment; the type, item and value are read
//! case-insensitively. A line's domain ranks it ([`User::rank`]): the user's
//! name or a uid range (`1000:`, `:1000`, `1000:2000`) first, then a group
//! (`@name`, `@:gid`, a primary gid range `@100:200`), then `*`; `%` lines
//! count logins only and set no limit. A lower-ranked line never overrides a
//! higher-ranked one, among equals the last one read wins, and a `-` line
//! whose soft limit is outranked sets neither limit. `-` sets both limits.
//! `unlimited`, `infinity`, `-1` and `-` mean no limit, which for `nofile`
//! is `fs.nr_open`; `nice` is counted from -20 to 19 and becomes
//! `20 - nice` (so no limit is 21); `cpu` is in minutes and `fsize`,
//! `data`, `stack`, `core`, `rss`, `memlock` and `as` in KiB. A line whose
//! value is not a number is ignored. A two-field `DOMAIN -` line for the
//! user (not `*`) makes pam_limits set no limit at all. A soft limit above
//! the hard one is lowered to it ([`Resolved::over`]).
//!
//! Users: `bundle.process-settings` (all 16 resources, over the doctor's
//! own limits) and `limits.nofile` (nofile and nproc, over init's or
//! systemd's limits).

use crate::accounts::Group;
use crate::host::HostFs;
use crate::model::Evidence;

/// `RLIM_INFINITY`.
pub const INFINITY: u64 = u64::MAX;

/// One resource: its number is its index in [`RESOURCES`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The name runc 1.1.5 accepts (rlimit_linux.go).
    pub rlimit: &'static str,
    /// The pam_limits item name.
    pub item: &'static str,
    /// The row label of /proc/PID/limits.
    pub label: &'static str,
}

const fn resource(rlimit: &'static str, item: &'static str, label: &'static str) -> Resource {
    Resource {
        rlimit,
        item,
        label,
    }
}

/// The resources by resource number.
pub const RESOURCES: [Resource; 16] = [
    resource("RLIMIT_CPU", "cpu", "Max cpu time"),
    resource("RLIMIT_FSIZE", "fsize", "Max file size"),
    resource("RLIMIT_DATA", "data", "Max data size"),
    resource("RLIMIT_STACK", "stack", "Max stack size"),
    resource("RLIMIT_CORE", "core", "Max core file size"),
    resource("RLIMIT_RSS", "rss", "Max resident set"),
    resource("RLIMIT_NPROC", "nproc", "Max processes"),
    resource("RLIMIT_NOFILE", "nofile", "Max open files"),
    resource("RLIMIT_MEMLOCK", "memlock", "Max locked memory"),
    resource("RLIMIT_AS", "as", "Max address space"),
    resource("RLIMIT_LOCKS", "locks", "Max file locks"),
    resource("RLIMIT_SIGPENDING", "sigpending", "Max pending signals"),
    resource("RLIMIT_MSGQUEUE", "msgqueue", "Max msgqueue size"),
    resource("RLIMIT_NICE", "nice", "Max nice priority"),
    resource("RLIMIT_RTPRIO", "rtprio", "Max realtime priority"),
    resource("RLIMIT_RTTIME", "rttime", "Max realtime timeout"),
];

/// RLIMIT_NPROC's resource number.
pub const NPROC: usize = 6;
/// RLIMIT_NOFILE's resource number.
pub const NOFILE: usize = 7;
/// RLIMIT_NICE's resource number.
const NICE: usize = 13;

/// The resource number of a runc rlimit name, as runc's `strToRlimit` maps it.
pub fn number_of(rlimit: &str) -> Option<usize> {
    RESOURCES.iter().position(|r| r.rlimit == rlimit)
}

/// A soft and a hard limit; `None` is unlimited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pair {
    pub soft: Option<u64>,
    pub hard: Option<u64>,
}

impl Pair {
    /// The pair as `ulimit` and prlimit print it: `1024:4096`.
    pub fn show(&self) -> String {
        format!("{}:{}", show(self.soft), show(self.hard))
    }
}

/// A limit value as printed: a number or `unlimited`.
pub fn show(value: Option<u64>) -> String {
    value.map_or_else(|| "unlimited".to_string(), |v| v.to_string())
}

/// The row labelled `label` in the text of a /proc/PID/limits file.
pub fn find(text: &str, label: &str) -> Option<Pair> {
    text.lines().find_map(|line| {
        let rest = line.strip_prefix(label)?;
        // "Max processes" must not match a longer name.
        if !rest.starts_with(' ') {
            return None;
        }
        let mut fields = rest.split_whitespace();
        let soft = proc_value(fields.next()?)?;
        let hard = proc_value(fields.next()?)?;
        Some(Pair { soft, hard })
    })
}

/// Every row of a /proc/PID/limits file, by resource number.
pub fn parse_proc(text: &str) -> [Option<Pair>; 16] {
    RESOURCES.map(|r| find(text, r.label))
}

/// `unlimited` is `Some(None)`, a number `Some(Some(n))`, anything else `None`.
fn proc_value(text: &str) -> Option<Option<u64>> {
    match text {
        "unlimited" => Some(None),
        n => n.parse().ok().map(Some),
    }
}

/// Who the login is for.
pub struct User<'a> {
    pub name: &'a str,
    pub uid: u32,
    pub gid: u32,
    /// The host's groups (all of them: membership is looked up here).
    pub groups: &'a [Group],
}

impl User<'_> {
    /// pam_limits' rank of a domain for this user (its `LIMITS_DEF_*`
    /// source), lower wins; `None` when the line is not for them.
    pub fn rank(&self, domain: &str) -> Option<u8> {
        if domain == self.name {
            return Some(0);
        }
        if let Some(group) = domain.strip_prefix('@') {
            let matches = match group.split_once(':') {
                // `@:GID`: any group of the user with that gid.
                Some(("", gid)) => gid
                    .parse::<u32>()
                    .is_ok_and(|gid| gid == self.gid || self.member_of(|g| g.gid == gid)),
                // `@MIN:MAX`, `@MIN:`: the primary group only.
                Some((low, high)) => in_range(self.gid, low, high),
                None => self.gid_named(group) || self.member_of(|g| g.name == group),
            };
            return matches.then_some(1);
        }
        if domain.starts_with('%') {
            // `%` domains count logins only.
            return None;
        }
        if let Some((low, high)) = domain.split_once(':') {
            // uid ranges rank with the user's own name.
            return in_range(self.uid, low, high).then_some(0);
        }
        (domain == "*").then_some(3)
    }

    fn gid_named(&self, name: &str) -> bool {
        self.groups
            .iter()
            .any(|g| g.name == name && g.gid == self.gid)
    }

    fn member_of(&self, which: impl Fn(&Group) -> bool) -> bool {
        self.groups
            .iter()
            .any(|g| which(g) && g.members.iter().any(|m| m == self.name))
    }

    /// Whether a two-field `DOMAIN -` line ("no limits") is for this user.
    fn unlimited_by(&self, domain: &str) -> bool {
        domain != "*" && self.rank(domain).is_some()
    }
}

/// `low:high` with either side empty, as pam_limits reads a uid or gid range.
fn in_range(id: u32, low: &str, high: &str) -> bool {
    let parse = |s: &str| s.parse::<u32>().ok();
    match (low.is_empty(), high.is_empty()) {
        (true, false) => parse(high) == Some(id),
        (false, true) => parse(low).is_some_and(|l| id >= l),
        (false, false) => match (parse(low), parse(high)) {
            (Some(l), Some(h)) => l <= id && id <= h,
            _ => false,
        },
        (true, true) => false,
    }
}

/// One configuration file as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfFile {
    pub path: String,
    pub text: String,
}

/// limits.conf, then limits.d/*.conf in lexical order; unreadable files are
/// left out, as pam_limits skips them.
pub fn read_conf(host: &HostFs) -> Vec<ConfFile> {
    let mut names: Vec<String> = host
        .read_dir_names("/etc/security/limits.d")
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.ends_with(".conf"))
        .collect();
    names.sort();
    std::iter::once("/etc/security/limits.conf".to_string())
        .chain(
            names
                .into_iter()
                .map(|n| format!("/etc/security/limits.d/{n}")),
        )
        .filter_map(|path| {
            let text = host.read_text(&path).ok()?;
            Some(ConfFile { path, text })
        })
        .collect()
}

/// A value set by a line, and the line.
pub type Set = (Option<u64>, Evidence);

/// What pam_limits sets for one resource.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Resolved {
    /// A two-field `DOMAIN -` line for the user: no limit is set at all.
    NoLimits(Evidence),
    /// The winning soft and hard lines, where any.
    Limits {
        soft: Option<Set>,
        hard: Option<Set>,
    },
}

impl Resolved {
    /// The limits a login gets over what it inherited, and the lines that
    /// set them (hard first). A soft limit above the hard one is lowered to
    /// it, unless no limit was set at all.
    pub fn over(self, inherited: Pair) -> (Pair, Vec<Evidence>) {
        let mut pair = inherited;
        let mut evidence = Vec::new();
        let (soft, hard) = match self {
            Resolved::NoLimits(line) => return (pair, vec![line]),
            Resolved::Limits { soft, hard } => (soft, hard),
        };
        if let Some((value, line)) = hard {
            pair.hard = value;
            evidence.push(line);
        }
        if let Some((value, line)) = soft {
            pair.soft = value;
            if !evidence.contains(&line) {
                evidence.push(line);
            }
        }
        if let (Some(s), Some(h)) = (pair.soft, pair.hard) {
            pair.soft = Some(s.min(h));
        } else if pair.soft.is_none() {
            pair.soft = pair.hard;
        }
        (pair, evidence)
    }
}

/// What pam_limits sets for `user` and resource `number` from `files`;
/// `nr_open` is what `nofile` without a limit becomes.
pub fn resolve(
    files: &[ConfFile],
    user: &User<'_>,
    number: usize,
    nr_open: Option<u64>,
) -> Resolved {
    let Some(resource) = RESOURCES.get(number) else {
        return Resolved::Limits {
            soft: None,
            hard: None,
        };
    };
    let mut soft: Option<(u8, Set)> = None;
    let mut hard: Option<(u8, Set)> = None;
    for file in files {
        for (index, line) in file.text.lines().enumerate() {
            let content = line.split('#').next().unwrap_or("");
            let fields: Vec<&str> = content.split_whitespace().collect();
            let shown = Evidence::file_line(
                file.path.clone(),
                u32::try_from(index + 1).unwrap_or(u32::MAX),
                line.trim(),
            );
            if let [domain, "-"] = fields[..] {
                if user.unlimited_by(domain) {
                    return Resolved::NoLimits(shown);
                }
                continue;
            }
            let [domain, kind, item, value] = fields[..] else {
                continue;
            };
            let (kind, item, value) = (
                kind.to_lowercase(),
                item.to_lowercase(),
                value.to_lowercase(),
            );
            if item != resource.item {
                continue;
            }
            let Some(rank) = user.rank(domain) else {
                continue;
            };
            let Some(value) = convert(number, &value, nr_open) else {
                continue;
            };
            let allowed = |slot: &Option<(u8, Set)>| slot.as_ref().is_none_or(|(r, _)| rank <= *r);
            // process_limit: a `-` line whose soft limit is outranked sets
            // neither.
            if matches!(kind.as_str(), "soft" | "-") {
                if !allowed(&soft) {
                    continue;
                }
                soft = Some((rank, (value, shown.clone())));
            }
            if matches!(kind.as_str(), "hard" | "-") && allowed(&hard) {
                hard = Some((rank, (value, shown)));
            }
        }
    }
    Resolved::Limits {
        soft: soft.map(|(_, set)| set),
        hard: hard.map(|(_, set)| set),
    }
}

/// Every resource a login of `user` gets, over what it inherited (`None`
/// where that is unknown stays unknown).
pub fn apply(
    inherited: [Option<Pair>; 16],
    files: &[ConfFile],
    user: &User<'_>,
    nr_open: Option<u64>,
) -> [Option<Pair>; 16] {
    let mut out = inherited;
    for (number, slot) in out.iter_mut().enumerate() {
        let resolved = resolve(files, user, number, nr_open);
        if matches!(resolved, Resolved::NoLimits(_)) {
            return inherited;
        }
        if let Some(pair) = slot {
            *pair = resolved.over(*pair).0;
        }
    }
    out
}

/// A limits.conf value (lower case) in the kernel's unit; `Some(None)` is
/// no limit, `None` a value pam_limits rejects.
fn convert(number: usize, value: &str, nr_open: Option<u64>) -> Option<Option<u64>> {
    let unlimited = matches!(value, "unlimited" | "infinity" | "-1" | "-");
    if number == NICE {
        let nice: i64 = if unlimited { -1 } else { value.parse().ok()? };
        return Some(Some((20 - nice.clamp(-20, 19)) as u64));
    }
    if unlimited {
        return Some(if number == NOFILE { nr_open } else { None });
    }
    let n: u64 = value.parse().ok()?;
    let scaled = match RESOURCES[number].item {
        "cpu" => n.checked_mul(60),
        "fsize" | "data" | "stack" | "core" | "rss" | "memlock" | "as" => n.checked_mul(1024),
        _ => Some(n),
    };
    // An overflow is RLIM_INFINITY, as pam_limits caps it.
    Some(scaled.filter(|&v| v != INFINITY))
}

#[cfg(test)]
#[path = "pam_limits_tests.rs"]
mod tests;
