//! The limits a login of another user would get, for a root run with
//! `--user NAME`: what the login inherits (systemd's `DefaultLimitNOFILE=` /
//! `DefaultLimitNPROC=` where systemd runs, else init's own limits from
//! /proc/1/limits), then the lines of /etc/security/limits.conf and
//! limits.d/*.conf that pam_limits applies to the user, read and ranked by
//! [`crate::pam_limits`] (whose docs state how).
//!
//! Decisions: docs/checks/limits.md, section `limits.nofile`.

use crate::host::HostFs;
use crate::model::Evidence;
use crate::pam_limits::{self, Pair, User};

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

    /// The resource number.
    fn number(self) -> usize {
        match self {
            Item::Nofile => pam_limits::NOFILE,
            Item::Nproc => pam_limits::NPROC,
        }
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
    let pair = pam_limits::find(&text, pam_limits::RESOURCES[item.number()].label)?;
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
    let (pair, base) = baseline(host, item, systemd_runs)?;
    let files = pam_limits::read_conf(host);
    let (pair, lines) = pam_limits::resolve(&files, user, item.number(), nr_open).over(pair);
    let mut evidence = vec![base];
    evidence.extend(lines);
    Some(Estimate { pair, evidence })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Group;
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
