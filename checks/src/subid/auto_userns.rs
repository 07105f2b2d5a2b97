//! `subid.auto-userns`: the subordinate ids rootful `--userns=auto` hands out.
//!
//! containers/storage 1.43 (`userns.go`, as in Debian 12's podman 4.3.1):
//! run as root, `--userns=auto` takes host ids from the ranges of the user
//! `containers` (storage.conf's `root-auto-userns-user`) in /etc/subuid and
//! /etc/subgid, read through shadow's libsubid (by name, or by the account's
//! uid). Without a range in either file it logs `Cannot find mappings for user
//! "containers": no subuid ranges found…` and has no ids at all. From the
//! ranges it subtracts the host ids the maps of every container in its store
//! (`*-containers/containers.json` and `volatile-containers.json` under
//! the graphroot and the runroot) hold, and needs a free block
//! of the namespace's size: at least 1024 (`auto-userns-min-size`), as large
//! as the image's highest id, at most 65536 (`auto-userns-max-size`). Too few
//! free ids: `could not find enough available IDs` (storage 1.45 and later:
//! `not enough unused IDs in user namespace`).
//!
//! The check passes when both files give `containers` at least the largest
//! namespace free, so that any automatic namespace fits; it only judges a root
//! subject (skip `root-only` otherwise: a rootless `--userns=auto` takes the
//! subject's own ids, which `subid.subuid` and `subid.subgid` judge).
//! Decisions: docs/checks/subid.md, section `subid.auto-userns`.

use super::Code;
use crate::accounts::{local_accounts, Account};
use crate::check::{CheckDef, Context, Outcome};
use crate::engines::storage::{parse_conf, EngineEnv};
use crate::host::HostFs;
use crate::model::{CommonCode, Evidence, Remediation};
use crate::shell::quote;
use crate::subordinate::alloc::{free_range, inclusive};
use crate::subordinate::parse::{parse, Entry};
use crate::subordinate::{read, SubidFile};
use std::path::PathBuf;

pub static AUTO_USERNS: CheckDef = CheckDef {
    id: "subid.auto-userns",
    title: "rootful --userns=auto ranges",
    description: "Run as root, podman --userns=auto takes its ids from the `containers` \
                  user's ranges in /etc/subuid and /etc/subgid: they exist and leave at \
                  least 65536 ids free of the maps of root's existing containers.",
    codes: &[
        Code::ContainersNoEntry.code(),
        Code::ContainersFewIds.code(),
        Code::NoEngine.code(),
    ],
    probes: &[],
    run,
};

/// The default `auto-userns-max-size` (storage's `AutoUserNsMaxSize`).
pub const MAX_SIZE: u64 = 65_536;
/// The default `auto-userns-min-size` (storage's `AutoUserNsMinSize`).
pub const MIN_SIZE: u64 = 1024;
/// The largest containers.json the doctor reads.
const MAX_JSON: u64 = 16 << 20;

/// One file's view of the `containers` user.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FileFacts {
    /// The user's entries (none when the file is missing or unreadable).
    pub entries: Vec<Entry>,
    /// Host ids the maps of existing containers hold, `(start, count)`.
    pub used: Vec<(u64, u64)>,
    /// Everyone's ranges in this file, for the free block of a fix.
    pub taken: Vec<(u64, u64)>,
}

/// What the judge needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    /// The user whose ranges are handed out (`containers`).
    pub user: String,
    /// The user has an account in /etc/passwd.
    pub account: bool,
    /// The namespace size every --userns=auto container must fit.
    pub max_size: u64,
    pub uid: FileFacts,
    pub gid: FileFacts,
    /// containers.json files read, and how many containers had maps.
    pub stores: Vec<(PathBuf, usize)>,
    /// The ids of all accounts, for the free block of a fix.
    pub account_ids: Vec<(u64, u64)>,
}

fn run(ctx: &Context<'_>) -> Outcome {
    if !ctx.subject.is_root() {
        return Outcome::skip(
            CommonCode::RootOnly,
            format!(
                "only rootful podman takes --userns=auto ids from the `containers` user; {} \
                 is not root (a rootless --userns=auto takes {}'s own ids: subid.subuid, \
                 subid.subgid)",
                ctx.subject.name, ctx.subject.name
            ),
        );
    }
    let engines: Vec<&str> = ENGINES
        .iter()
        .copied()
        .filter(|name| {
            ctx.host.look_path(name, &ctx.subject.path).is_some()
                || ctx.host.look_path(name, SYSTEM_DIRS).is_some()
        })
        .collect();
    if engines.is_empty() {
        return Outcome::skip(
            Code::NoEngine,
            "none of podman, buildah and crio, which take --userns=auto ids from the \
             `containers` user, is installed",
        );
    }
    judge(&gather(ctx.host, &EngineEnv::of(ctx.host, ctx.subject)))
}

/// The engines on containers/storage that hand out --userns=auto ids as root.
const ENGINES: [&str; 3] = ["podman", "buildah", "crio"];

/// Where they are looked for after the subject's PATH.
const SYSTEM_DIRS: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// The storage.conf root's containers/storage reads: `$CONTAINERS_STORAGE_CONF`,
/// else /etc/containers/storage.conf when it exists, else the one in /usr/share.
fn storage_conf(host: &HostFs, env: &EngineEnv) -> Option<String> {
    let path = match &env.containers_storage_conf {
        Some(path) => PathBuf::from(path),
        None => [
            "/etc/containers/storage.conf",
            "/usr/share/containers/storage.conf",
        ]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| host.exists(p))?,
    };
    host.read_text_up_to(&path, 1 << 20).ok().map(|(t, _)| t)
}

/// Gathers the facts from the host.
pub fn gather(host: &HostFs, env: &EngineEnv) -> Facts {
    let conf = storage_conf(host, env)
        .map(|t| parse_conf(&t))
        .unwrap_or_default();
    let user = conf
        .root_auto_userns_user
        .unwrap_or_else(|| "containers".to_string());
    let graphroot = conf
        .graphroot
        .filter(|g| g.starts_with('/'))
        .unwrap_or_else(|| "/var/lib/containers/storage".to_string());
    let passwd = local_accounts(host);
    let mut stores = Vec::new();
    let (mut used_uids, mut used_gids) = (Vec::new(), Vec::new());
    let runroot = conf
        .runroot
        .filter(|r| r.starts_with('/'))
        .unwrap_or_else(|| "/run/containers/storage".to_string());
    // containers/storage 1.45 and later keep `--rm` (volatile) containers in
    // volatile-containers.json beside containers.json, and a transient store
    // keeps both under the runroot.
    for root in [&graphroot, &runroot] {
        let mut names = host.read_dir_names(root).unwrap_or_default();
        names.sort();
        for name in names.iter().filter(|n| n.ends_with("-containers")) {
            for file in ["containers.json", "volatile-containers.json"] {
                let path = PathBuf::from(root).join(name).join(file);
                let Ok((text, false)) = host.read_text_up_to(&path, MAX_JSON) else {
                    continue;
                };
                let (uids, gids, mapped) = container_maps(&text);
                used_uids.extend(uids);
                used_gids.extend(gids);
                stores.push((path, mapped));
            }
        }
    }
    let file = |which: SubidFile, used: Vec<(u64, u64)>| {
        let parsed = read(host, which).map(|t| parse(&t)).unwrap_or_default();
        FileFacts {
            entries: parsed
                .entries
                .iter()
                .filter(|e| owned_by(&e.owner, &user, &passwd))
                .cloned()
                .collect(),
            used,
            taken: parsed.entries.iter().map(|e| (e.start, e.count)).collect(),
        }
    };
    let mut account_ids: Vec<(u64, u64)> = passwd
        .iter()
        .flat_map(|a| [(u64::from(a.uid), 1), (u64::from(a.gid), 1)])
        .collect();
    account_ids.extend(super::facts::groups(host).into_iter().map(|(_, g)| (g, 1)));
    Facts {
        account: passwd.iter().any(|a| a.name == user),
        max_size: conf.auto_userns_max_size.map_or(MAX_SIZE, u64::from),
        uid: file(SubidFile::Uid, used_uids),
        gid: file(SubidFile::Gid, used_gids),
        user,
        stores,
        account_ids,
    }
}

/// libsubid's match: the owner is the name, or the uid of that account.
fn owned_by(owner: &str, user: &str, passwd: &[Account]) -> bool {
    owner == user
        || passwd
            .iter()
            .any(|a| a.name == user && owner == a.uid.to_string())
}

/// Host id ranges, `(start, count)`.
pub type Ranges = Vec<(u64, u64)>;

/// The host ids the `uidmap` and `gidmap` of every container hold, and how
/// many containers had a map; unreadable JSON holds none.
pub fn container_maps(text: &str) -> (Ranges, Ranges, usize) {
    let Ok(serde_json::Value::Array(containers)) = serde_json::from_str(text) else {
        return (Vec::new(), Vec::new(), 0);
    };
    let maps = |c: &serde_json::Value, key: &str| -> Vec<(u64, u64)> {
        c.get(key)
            .and_then(|m| m.as_array())
            .map(|m| {
                m.iter()
                    .filter_map(|e| Some((e.get("host_id")?.as_u64()?, e.get("size")?.as_u64()?)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (mut uids, mut gids, mut mapped) = (Vec::new(), Vec::new(), 0);
    for c in &containers {
        let (u, g) = (maps(c, "uidmap"), maps(c, "gidmap"));
        mapped += usize::from(!u.is_empty() || !g.is_empty());
        uids.extend(u);
        gids.extend(g);
    }
    (uids, gids, mapped)
}

/// The ids of `entries` that none of `used` holds.
pub fn free_ids(entries: &[Entry], used: &[(u64, u64)]) -> u64 {
    let mut ranges: Vec<(u64, u64)> = entries.iter().map(|e| (e.start, e.end())).collect();
    ranges.sort_unstable();
    // Merge overlapping entries so no id counts twice.
    let mut merged: Vec<(u64, u64)> = Vec::new();
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    let mut holes: Vec<(u64, u64)> = used
        .iter()
        .map(|(s, c)| (*s, s.saturating_add(*c)))
        .collect();
    holes.sort_unstable();
    merged
        .iter()
        .map(|(start, end)| {
            let mut cursor = *start;
            let mut free = 0;
            for (hs, he) in &holes {
                if *he <= cursor || *hs >= *end {
                    continue;
                }
                free += hs.saturating_sub(cursor);
                cursor = cursor.max(*he);
            }
            free + end.saturating_sub(cursor)
        })
        .sum()
}

/// Judges the facts.
pub fn judge(facts: &Facts) -> Outcome {
    let user = &facts.user;
    let mut evidence: Vec<Evidence> = Vec::new();
    let mut missing: Vec<&str> = Vec::new();
    let mut short: Vec<String> = Vec::new();
    let mut totals: Vec<String> = Vec::new();
    for (which, file) in [(SubidFile::Uid, &facts.uid), (SubidFile::Gid, &facts.gid)] {
        let path = which.path();
        let kind = if which == SubidFile::Uid {
            "uid"
        } else {
            "gid"
        };
        evidence.extend(
            file.entries
                .iter()
                .map(|e| Evidence::file_line(path, e.line, e.text())),
        );
        if file.entries.is_empty() {
            missing.push(path);
            continue;
        }
        let all: u64 = free_ids(&file.entries, &[]);
        let free = free_ids(&file.entries, &file.used);
        let held = all - free;
        totals.push(format!("{free} {kind}s"));
        evidence.push(Evidence::fact(
            format!("free subordinate {kind}s of {user}"),
            format!("{free} of {all} ({held} held by existing containers)"),
        ));
        if free < facts.max_size {
            short.push(format!(
                "{free} free subordinate {kind}s in {path} ({all} in its ranges, {held} held by \
                 existing containers)"
            ));
        }
    }
    for (path, mapped) in &facts.stores {
        evidence.push(Evidence::fact(
            format!("containers with id maps in {}", path.display()),
            mapped.to_string(),
        ));
    }
    let max = facts.max_size;
    if !missing.is_empty() {
        let message = format!(
            "rootful podman --userns=auto has no ids to hand out: {user} has no range in {}; \
             podman then logs 'Cannot find mappings for user \"{user}\"' and fails with \
             \"could not find enough available IDs\" (podman without --userns=auto does not \
             need them)",
            missing.join(" or ")
        );
        return Outcome::warn(Code::ContainersNoEntry, message)
            .also(if short.is_empty() {
                None
            } else {
                Some(Code::ContainersFewIds)
            })
            .with_all(evidence)
            .fixes(add_fix(facts));
    }
    if !short.is_empty() {
        let message = format!(
            "rootful podman --userns=auto may run out of ids: {user} has {}; an automatic \
             namespace takes at least {MIN_SIZE} ids and up to {max} (the image's highest \
             id), and one that does not fit fails with \"could not find enough available \
             IDs\"",
            short.join(" and ")
        );
        return Outcome::warn(Code::ContainersFewIds, message)
            .with_all(evidence)
            .fixes(add_fix(facts));
    }
    Outcome::pass(format!(
        "rootful podman --userns=auto can take namespaces of up to {max} ids from {user}: {} \
         free",
        totals.join(" and ")
    ))
    .with_all(evidence)
}

/// Creates the user when it has no account (useradd allocates its ranges on
/// most distributions), then adds a free block of the largest namespace to
/// both files when a file still lacks enough.
fn add_fix(facts: &Facts) -> Vec<Remediation> {
    let user = quote(&facts.user);
    let mut taken: Vec<(u64, u64)> = facts.uid.taken.clone();
    taken.extend(&facts.gid.taken);
    taken.extend(&facts.account_ids);
    let mut fixes = Vec::new();
    if !facts.account {
        fixes.push(
            Remediation::root(
                format!(
                    "create the helper user {user}, whose subordinate ids rootful podman hands \
                     out with --userns=auto"
                ),
                vec![format!(
                    "useradd --comment 'Helper user to reserve subuids and subgids for Podman' \
                     --no-create-home --shell /usr/sbin/nologin {user}"
                )],
            )
            .unless(format!("getent passwd {user} >/dev/null")),
        );
    }
    let Some((start, count)) = free_range(&taken, facts.max_size) else {
        fixes.push(Remediation::root(
            "no free block of ids is left below 4294967295: remove unused ranges first",
            Vec::new(),
        ));
        return fixes;
    };
    let range = inclusive(start, count);
    let enough = |path: &str| {
        format!(
            "awk -F: -v u={user} '$1==u {{n+=$3}} END {{exit !(n>={count})}}' {path}",
            count = facts.max_size
        )
    };
    let usermod = format!("usermod --add-subuids {range} --add-subgids {range} {user}");
    let (summary, last) = if facts.account {
        (
            format!("give {user} {count} more subordinate uids and gids ({range}), a block no user or account overlaps"),
            usermod,
        )
    } else {
        // useradd allocates ranges itself where login.defs lets it: add a
        // block only when it did not.
        (
            format!("give {user} {count} subordinate uids and gids ({range}) unless useradd allocated them, a block no user or account overlaps"),
            format!("{{ {} && {}; }} || {usermod}", enough("/etc/subuid"), enough("/etc/subgid")),
        )
    };
    fixes.push(
        Remediation::root(
            summary,
            vec![
                "[ -e /etc/subuid ] || install -m 0644 /dev/null /etc/subuid".into(),
                "[ -e /etc/subgid ] || install -m 0644 /dev/null /etc/subgid".into(),
                last,
            ],
        )
        .unless(format!(
            "grep -qxF {} /etc/subuid",
            quote(&format!("{}:{start}:{count}", facts.user))
        )),
    );
    fixes
}

#[cfg(test)]
#[path = "auto_userns_tests.rs"]
mod tests;
