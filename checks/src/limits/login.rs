//! The limits a login of another user would get, for a root run with
//! `--user NAME`: what the login inherits (systemd's `DefaultLimitNOFILE=` /
//! `DefaultLimitNPROC=` where systemd runs, else init's own limits from
//! /proc/1/limits), then the lines of /etc/security/limits.conf and
//! limits.d/*.conf that pam_limits applies to the user.
//!
//! As pam_limits' `parse_config_file` and `process_limit` do: a line's
//! domain ranks it, the user's name or a uid range (`1000:`, `:1000`) first,
//! then a group (`@name`, `@:gid`, a primary gid range `@100:200`), then `*`;
//! `%` lines count logins only. A lower-ranked line never overrides a
//! higher-ranked one, and among equals the last one read wins (limits.conf,
//! then limits.d in lexical order). `-` sets both limits; `unlimited`,
//! `infinity`, `-1` and `-` mean no limit, which for `nofile` is `fs.nr_open`.
//! A two-field `DOMAIN -` line for the user makes pam_limits set nothing at
//! all. A soft limit above the hard one is lowered to it.
//!
//! Decisions: docs/checks/limits.md, section `limits.nofile`.

use super::proc_limits::{self, Pair};
use crate::accounts::Group;
use crate::host::HostFs;
use crate::model::Evidence;

/// The resource a line or setting is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item {
    Nofile,
    Nproc,
}

impl Item {
    /// The limits.conf item name.
    pub fn conf_name(self) -> &'static str {
        match self {
            Item::Nofile => "nofile",
            Item::Nproc => "nproc",
        }
    }

    /// The systemd setting (`DefaultLimitNOFILE`), without `Default`.
    pub fn systemd_name(self) -> &'static str {
        match self {
            Item::Nofile => "LimitNOFILE",
            Item::Nproc => "LimitNPROC",
        }
    }

    fn proc_name(self) -> &'static str {
        match self {
            Item::Nofile => proc_limits::NOFILE,
            Item::Nproc => proc_limits::NPROC,
        }
    }
}

/// Who the login is for.
pub struct User<'a> {
    pub name: &'a str,
    pub uid: u32,
    pub gid: u32,
    pub groups: &'a [Group],
}

impl User<'_> {
    /// pam_limits' rank of a domain for this user (its `LIMITS_DEF_*`
    /// source), lower wins; `None` when the line is not for them.
    fn rank(&self, domain: &str) -> Option<u8> {
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

/// A limit as a login would get it, and the evidence of how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Estimate {
    pub pair: Pair,
    pub evidence: Vec<Evidence>,
}

/// What the login inherits for `item`: systemd's default where systemd
/// runs, else init's own limit.
pub fn baseline(host: &HostFs, item: Item, systemd_runs: bool) -> Option<(Pair, Evidence)> {
    if systemd_runs {
        if let Some((value, source)) = systemd_default(host, item) {
            return Some((
                value,
                Evidence::fact(
                    format!("Default{}", item.systemd_name()),
                    format!("{} ({source})", value.show()),
                ),
            ));
        }
        if item == Item::Nofile {
            // systemd 240 and later: 1024 soft, 512Ki hard (src/core/main.c).
            let pair = Pair {
                soft: Some(1024),
                hard: Some(524_288),
            };
            return Some((
                pair,
                Evidence::fact(
                    "DefaultLimitNOFILE",
                    format!("{} (systemd's default)", pair.show()),
                ),
            ));
        }
    }
    let text = host.read_text("/proc/1/limits").ok()?;
    let pair = proc_limits::find(&text, item.proc_name())?;
    Some((
        pair,
        Evidence::fact(
            format!("/proc/1/limits {}", item.conf_name()),
            format!("{} (init's, which logins inherit)", pair.show()),
        ),
    ))
}

/// `Default<item>=` from system.conf and its drop-ins, the last one read
/// winning, and the file it came from.
fn systemd_default(host: &HostFs, item: Item) -> Option<(Pair, String)> {
    let key = format!("Default{}", item.systemd_name());
    let mut files = vec!["/etc/systemd/system.conf".to_string()];
    let mut dropins: Vec<(String, String)> = Vec::new();
    for dir in [
        "/usr/lib/systemd/system.conf.d",
        "/run/systemd/system.conf.d",
        "/etc/systemd/system.conf.d",
    ] {
        for name in host.read_dir_names(dir).unwrap_or_default() {
            if name.ends_with(".conf") {
                // A later directory masks the same name in an earlier one.
                dropins.retain(|(n, _)| n != &name);
                dropins.push((name.clone(), format!("{dir}/{name}")));
            }
        }
    }
    dropins.sort();
    files.extend(dropins.into_iter().map(|(_, path)| path));
    let mut found = None;
    for file in files {
        let Ok(text) = host.read_text(&file) else {
            continue;
        };
        for line in text.lines() {
            let line = line.trim();
            let Some((k, v)) = line.split_once('=') else {
                continue;
            };
            if k.trim() == key {
                if let Some(pair) = systemd_value(v.trim()) {
                    found = Some((pair, file.clone()));
                }
            }
        }
    }
    found
}

/// `N`, `S:H`, `infinity`: systemd's resource limit syntax.
fn systemd_value(text: &str) -> Option<Pair> {
    let one = |s: &str| -> Option<Option<u64>> {
        match s.trim() {
            "infinity" => Some(None),
            n => n.parse().ok().map(Some),
        }
    };
    match text.split_once(':') {
        Some((soft, hard)) => Some(Pair {
            soft: one(soft)?,
            hard: one(hard)?,
        }),
        None => {
            let v = one(text)?;
            Some(Pair { soft: v, hard: v })
        }
    }
}

/// The limit a login of `user` would get for `item`.
pub fn estimate(
    host: &HostFs,
    user: &User<'_>,
    item: Item,
    systemd_runs: bool,
    nr_open: Option<u64>,
) -> Option<Estimate> {
    let (mut pair, base) = baseline(host, item, systemd_runs)?;
    let mut evidence = vec![base];
    // (rank, value, evidence) of the soft and the hard limit set so far.
    let mut soft: Option<(u8, Option<u64>, Evidence)> = None;
    let mut hard: Option<(u8, Option<u64>, Evidence)> = None;
    for path in conf_files(host) {
        let Ok(text) = host.read_text(&path) else {
            continue;
        };
        for (index, line) in text.lines().enumerate() {
            let content = line.split('#').next().unwrap_or("");
            let fields: Vec<&str> = content.split_whitespace().collect();
            let shown = Evidence::file_line(
                path.clone(),
                u32::try_from(index + 1).unwrap_or(u32::MAX),
                line.trim(),
            );
            if let [domain, "-"] = fields[..] {
                // pam_limits then sets no limit at all: the login keeps what
                // it inherited.
                if user.unlimited_by(domain) {
                    evidence.push(shown);
                    return Some(Estimate { pair, evidence });
                }
                continue;
            }
            let [domain, kind, name, value] = fields[..] else {
                continue;
            };
            let (kind, name, value) = (
                kind.to_lowercase(),
                name.to_lowercase(),
                value.to_lowercase(),
            );
            if name != item.conf_name() {
                continue;
            }
            let Some(rank) = user.rank(domain) else {
                continue;
            };
            let value = match value.as_str() {
                "unlimited" | "infinity" | "-1" | "-" => match item {
                    Item::Nofile => nr_open,
                    Item::Nproc => None,
                },
                n => match n.parse::<u64>() {
                    Ok(n) => Some(n),
                    Err(_) => continue,
                },
            };
            let allowed = |slot: &Option<(u8, Option<u64>, Evidence)>| {
                slot.as_ref().is_none_or(|(r, _, _)| rank <= *r)
            };
            // pam_limits' process_limit: a `-` line whose soft limit is
            // outranked sets neither.
            if matches!(kind.as_str(), "soft" | "-") {
                if !allowed(&soft) {
                    continue;
                }
                soft = Some((rank, value, shown.clone()));
            }
            if matches!(kind.as_str(), "hard" | "-") && allowed(&hard) {
                hard = Some((rank, value, shown));
            }
        }
    }
    if let Some((_, value, shown)) = hard {
        pair.hard = value;
        evidence.push(shown);
    }
    if let Some((_, value, shown)) = soft {
        pair.soft = value;
        if !evidence.contains(&shown) {
            evidence.push(shown);
        }
    }
    if let (Some(s), Some(h)) = (pair.soft, pair.hard) {
        pair.soft = Some(s.min(h));
    } else if pair.soft.is_none() {
        pair.soft = pair.hard;
    }
    Some(Estimate { pair, evidence })
}

/// limits.conf, then limits.d/*.conf in lexical order.
fn conf_files(host: &HostFs) -> Vec<String> {
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
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::put;

    fn alice<'a>(groups: &'a [Group]) -> User<'a> {
        User {
            name: "alice",
            uid: 1000,
            gid: 1000,
            groups,
        }
    }

    #[test]
    fn domains_rank_as_pam_limits_ranks_them() {
        let groups = [
            Group {
                name: "alice".into(),
                gid: 1000,
                members: vec![],
            },
            Group {
                name: "dev".into(),
                gid: 2000,
                members: vec!["alice".into()],
            },
        ];
        let u = alice(&groups);
        assert_eq!(u.rank("alice"), Some(0));
        assert_eq!(u.rank("1000:"), Some(0));
        assert_eq!(u.rank(":1000"), Some(0));
        assert_eq!(u.rank("500:999"), None);
        assert_eq!(u.rank("@dev"), Some(1));
        assert_eq!(u.rank("@alice"), Some(1), "the primary group by name");
        assert_eq!(u.rank("@:2000"), Some(1));
        assert_eq!(u.rank("@1000:1000"), Some(1));
        assert_eq!(u.rank("@2000:"), None, "ranges look at the primary gid");
        assert_eq!(u.rank("@ops"), None);
        assert_eq!(u.rank("*"), Some(3));
        assert_eq!(u.rank("%"), None);
        assert_eq!(u.rank("%dev"), None);
        assert_eq!(u.rank("bob"), None);
    }

    #[test]
    fn a_no_limits_line_keeps_what_the_login_inherits() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        put(
            root,
            "/proc/1/limits",
            "Max open files            1024                 4096                 files\n",
        );
        put(
            root,
            "/etc/security/limits.conf",
            "* hard nofile 1048576\nalice -\n",
        );
        let host = HostFs::rooted(root);
        let e = estimate(&host, &alice(&[]), Item::Nofile, false, None).unwrap();
        assert_eq!(e.pair.show(), "1024:4096");
        assert!(e.evidence.contains(&Evidence::file_line(
            "/etc/security/limits.conf",
            2,
            "alice -"
        )));
    }

    #[test]
    fn an_outranked_soft_limit_stops_a_dash_line() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        put(
            root,
            "/proc/1/limits",
            "Max open files            1024                 4096                 files\n",
        );
        put(
            root,
            "/etc/security/limits.conf",
            "alice soft nofile 2048\n* - nofile 65536\nALICE HARD NOFILE 9\n",
        );
        let host = HostFs::rooted(root);
        let e = estimate(&host, &alice(&[]), Item::Nofile, false, None).unwrap();
        assert_eq!(e.pair.show(), "2048:4096");
    }

    #[test]
    fn systemd_values_parse() {
        assert_eq!(systemd_value("1024:524288").unwrap().show(), "1024:524288");
        assert_eq!(systemd_value("4096").unwrap().show(), "4096:4096");
        assert_eq!(
            systemd_value("infinity").unwrap().show(),
            "unlimited:unlimited"
        );
        assert_eq!(systemd_value("lots"), None);
    }

    #[test]
    fn an_estimate_applies_limits_conf_over_init() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        put(
            root,
            "/proc/1/limits",
            "Max open files            65536                65536                files\n",
        );
        let host = HostFs::rooted(root);
        let e = estimate(&host, &alice(&[]), Item::Nofile, false, Some(1_048_576)).unwrap();
        assert_eq!(e.pair.show(), "65536:65536");
        put(
            root,
            "/etc/security/limits.conf",
            "# comment\n*  hard  nofile  8192\nalice hard nofile 4096 # mine\n* hard nofile 100000\n",
        );
        put(
            root,
            "/etc/security/limits.d/90-x.conf",
            "* - nofile unlimited\n",
        );
        let e = estimate(&host, &alice(&[]), Item::Nofile, false, Some(1_048_576)).unwrap();
        assert_eq!(e.pair.hard, Some(4096), "the user's own line outranks *");
        assert_eq!(e.pair.soft, Some(1_048_576).map(|s: u64| s.min(4096)));
        assert!(e.evidence.contains(&Evidence::file_line(
            "/etc/security/limits.conf",
            3,
            "alice hard nofile 4096 # mine"
        )));
    }

    #[test]
    fn systemd_defaults_come_from_system_conf_and_drop_ins() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let host = HostFs::rooted(root);
        let e = estimate(&host, &alice(&[]), Item::Nofile, true, None).unwrap();
        assert_eq!(e.pair.show(), "1024:524288");
        put(
            root,
            "/etc/systemd/system.conf",
            "[Manager]\n#DefaultLimitNOFILE=1\nDefaultLimitNOFILE=2048:8192\n",
        );
        let e = estimate(&host, &alice(&[]), Item::Nofile, true, None).unwrap();
        assert_eq!(e.pair.show(), "2048:8192");
        put(
            root,
            "/etc/systemd/system.conf.d/50-x.conf",
            "[Manager]\nDefaultLimitNOFILE=16384\n",
        );
        let e = estimate(&host, &alice(&[]), Item::Nofile, true, None).unwrap();
        assert_eq!(e.pair.show(), "16384:16384");
        assert!(estimate(&host, &alice(&[]), Item::Nproc, true, None).is_none());
    }
}
