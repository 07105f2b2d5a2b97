//! `state.pause-process`: the processes that keep the subject's rootless user
//! namespace alive between commands (podman's pause process, named by
//! `pause.pid` in libpod's tmp dir; rootlesskit's child, named by `child_pid`
//! in its state dir; where they are: [`crate::engines::state`]), compared
//! with what the subject's /etc/subuid and /etc/subgid give today, and
//! podman's tmp dir compared with this boot.
//!
//! Read-only: the facts come from the pid files and from
//! `/proc/<pid>/{status,comm,uid_map,gid_map}` through [`HostFs`] (all
//! world-readable); the check never joins, traces or signals a process.
//!
//! Decisions: docs/checks/state.md, section `state.pause-process`.

use super::Code;
use crate::check::{CheckDef, Context, Finding, Outcome};
use crate::engines::state::{self, PidFile};
use crate::engines::storage::{Engine, EngineEnv};
use crate::host::HostFs;
use crate::model::{Evidence, Remediation, Status};
use crate::proc_status::ProcStatus;
use crate::shell::quote_path;
use crate::subject::Subject;
use crate::subordinate::{self, SubidFile};
use std::fs::File;
use std::io::Read;
use std::path::PathBuf;
use std::time::UNIX_EPOCH;

pub static PAUSE_PROCESS: CheckDef = CheckDef {
    id: "state.pause-process",
    title: "podman's pause process and rootlesskit's child",
    description: "The processes that keep podman's and rootless Docker's user namespace alive \
                  map the ids /etc/subuid and /etc/subgid give the subject today, and podman's \
                  tmp dir is from this boot.",
    codes: &[
        Code::StaleMappings.code(),
        Code::StaleBoot.code(),
        Code::PidReused.code(),
    ],
    probes: &[],
    run,
};

/// One line of a uid_map or gid_map: first id inside, first id outside, count.
pub type MapLine = (u64, u64, u64);

/// What /proc says about a live process.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Process {
    pub comm: String,
    /// The real uid (`Uid:` of status).
    pub uid: Option<u32>,
    pub ppid: Option<u32>,
    pub uid_map: Option<Vec<MapLine>>,
    pub gid_map: Option<Vec<MapLine>>,
}

/// A pid file and what it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub file: PidFile,
    /// The file's text (capped).
    pub text: String,
    /// The pid, when the file holds one as the engine parses it.
    pub pid: Option<u32>,
    /// The file's mtime, seconds since the epoch.
    pub written: Option<i64>,
    /// The process, when the pid is running (not a zombie).
    pub process: Option<Process>,
}

/// Everything the judge reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Facts {
    pub user: String,
    pub uid: u32,
    pub gid: u32,
    /// The subject's ranges `(start, count)` in /etc/subuid and /etc/subgid.
    pub subuids: Vec<(u32, u32)>,
    pub subgids: Vec<(u32, u32)>,
    pub holders: Vec<Holder>,
    /// Podman's tmp dir and the mtime of its `alive` file, when it exists.
    pub alive: Option<(PathBuf, i64)>,
    /// The boot time (`btime` of /proc/stat), seconds since the epoch.
    pub btime: Option<i64>,
    /// /proc/sys/kernel/random/boot_id (evidence only).
    pub boot_id: Option<String>,
}

fn run(ctx: &Context<'_>) -> Outcome {
    judge(&gather(ctx.host, ctx.subject))
}

/// Reads the pid files, the processes they name and the subject's ranges.
pub fn gather(host: &HostFs, subject: &Subject) -> Facts {
    let env = EngineEnv::of(host, subject);
    let holders = state::pid_files(host, subject, &env)
        .into_iter()
        .map(|file| holder(host, subject, file))
        .collect();
    let alive = state::podman_tmp_dir(host, subject, &env).and_then(|tmp| {
        let file = state::open_subject_file(host, subject, &tmp.join("alive"))?;
        Some((tmp, mtime(&file)?))
    });
    let btime = host.read_text("/proc/stat").ok().and_then(|text| {
        text.lines()
            .find_map(|l| l.strip_prefix("btime "))
            .and_then(|v| v.trim().parse().ok())
    });
    Facts {
        user: subject.name.clone(),
        uid: subject.uid,
        gid: subject.gid,
        subuids: subordinate::subject_ranges(host, subject, SubidFile::Uid),
        subgids: subordinate::subject_ranges(host, subject, SubidFile::Gid),
        holders,
        alive,
        btime,
        boot_id: host
            .read_value("/proc/sys/kernel/random/boot_id")
            .ok()
            .flatten(),
    }
}

fn mtime(file: &File) -> Option<i64> {
    let modified = file.metadata().ok()?.modified().ok()?;
    Some(modified.duration_since(UNIX_EPOCH).ok()?.as_secs() as i64)
}

fn holder(host: &HostFs, subject: &Subject, file: PidFile) -> Holder {
    let opened = state::open_subject_file(host, subject, &file.path);
    let mut bytes = Vec::new();
    if let Some(f) = &opened {
        let _ = f.take(64).read_to_end(&mut bytes);
    }
    let text = String::from_utf8_lossy(&bytes).into_owned();
    // Podman parses the whole file with strconv.Atoi; rootlesskit writes a
    // bare decimal pid.
    let pid = text.trim().parse::<u32>().ok().filter(|&p| p > 0);
    let written = opened.as_ref().and_then(mtime);
    let process = pid.and_then(|pid| process(host, pid));
    Holder {
        file,
        text,
        pid,
        written,
        process,
    }
}

/// The process `pid` from /proc, `None` when it is not running or a zombie.
fn process(host: &HostFs, pid: u32) -> Option<Process> {
    let dir = PathBuf::from(format!("/proc/{pid}"));
    let status = ProcStatus::read(host, pid).filter(ProcStatus::running)?;
    let map = |name: &str| host.read_text(dir.join(name)).ok().map(|t| parse_map(&t));
    Some(Process {
        comm: host
            .read_text(dir.join("comm"))
            .map(|c| c.trim_end_matches('\n').to_string())
            .unwrap_or_default(),
        uid: status.first("Uid:"),
        ppid: status.first("PPid:"),
        uid_map: map("uid_map"),
        gid_map: map("gid_map"),
    })
}

/// The lines of a uid_map or gid_map; lines that are not three numbers are
/// left out.
pub fn parse_map(text: &str) -> Vec<MapLine> {
    text.lines()
        .filter_map(|line| {
            let mut n = line.split_whitespace().map(|f| f.parse::<u64>().ok());
            let line = (n.next()??, n.next()??, n.next()??);
            n.next().is_none().then_some(line)
        })
        .collect()
}

/// The map podman and rootlesskit write today: the own id to 0, then each
/// subordinate range from 1 on, in file order.
pub fn expected(own: u32, ranges: &[(u32, u32)]) -> Vec<MapLine> {
    let mut out = vec![(0, u64::from(own), 1)];
    let mut inside = 1u64;
    for &(start, count) in ranges {
        out.push((inside, u64::from(start), u64::from(count)));
        inside += u64::from(count);
    }
    out
}

/// True when `map` is the initial user namespace's (all ids, identity).
fn is_initial(map: &[MapLine]) -> bool {
    map.iter().any(|&(_, _, count)| count >= 4_294_967_295)
}

/// Podman's `matches` (pkg/rootless): the first line maps the own id alone,
/// and the others cover today's ranges one for one (compared sorted).
fn matches(map: &[MapLine], own: u32, ranges: &[(u32, u32)]) -> bool {
    let Some((&(_, first_out, first_count), rest)) = map.split_first() else {
        return false;
    };
    if first_out != u64::from(own) || first_count != 1 {
        return false;
    }
    let mut have: Vec<(u64, u64)> = rest.iter().map(|&(_, o, c)| (o, c)).collect();
    let mut want: Vec<(u64, u64)> = ranges
        .iter()
        .map(|&(s, c)| (u64::from(s), u64::from(c)))
        .collect();
    have.sort_unstable();
    want.sort_unstable();
    have == want
}

/// `0->1000 (1), 1->100000 (65536)`.
fn show(map: &[MapLine]) -> String {
    if map.is_empty() {
        return "nothing".into();
    }
    map.iter()
        .map(|(inside, outside, count)| format!("{inside}->{outside} ({count})"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Host id intervals `[start, end)` of `a` that `b` does not cover.
fn minus(a: &[(u64, u64)], b: &[(u64, u64)]) -> Vec<(u64, u64)> {
    let mut out = Vec::new();
    for &(start, end) in a {
        let mut pieces = vec![(start, end)];
        for &(bs, be) in b {
            pieces = pieces
                .into_iter()
                .flat_map(|(s, e)| {
                    let mut keep = Vec::new();
                    if bs >= e || be <= s {
                        keep.push((s, e));
                    } else {
                        if s < bs {
                            keep.push((s, bs));
                        }
                        if be < e {
                            keep.push((be, e));
                        }
                    }
                    keep
                })
                .collect();
        }
        out.extend(pieces);
    }
    out
}

fn intervals(lines: impl Iterator<Item = (u64, u64)>) -> Vec<(u64, u64)> {
    lines.map(|(start, count)| (start, start + count)).collect()
}

fn show_intervals(list: &[(u64, u64)]) -> String {
    list.iter()
        .map(|&(s, e)| format!("{s}-{}", e.saturating_sub(1)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What differs between a namespace's map and today's, in words: which host
/// ids are mapped that the subject no longer owns, and which of today's are
/// not mapped.
fn difference(kind: &str, map: &[MapLine], own: u32, ranges: &[(u32, u32)]) -> String {
    let mut parts = Vec::new();
    match map.first() {
        Some(&(0, out, 1)) if out == u64::from(own) => {}
        _ => parts.push(format!(
            "its first line does not map {kind} {own} alone to 0"
        )),
    }
    let have = intervals(map.iter().skip(1).map(|&(_, o, c)| (o, c)));
    let want = intervals(ranges.iter().map(|&(s, c)| (u64::from(s), u64::from(c))));
    let stale = minus(&have, &want);
    let missing = minus(&want, &have);
    if !missing.is_empty() {
        parts.push(format!(
            "host {kind}s {} are not mapped",
            show_intervals(&missing)
        ));
    }
    if !stale.is_empty() {
        parts.push(format!(
            "host {kind}s {} are mapped but no longer in the user's ranges",
            show_intervals(&stale)
        ));
    }
    if parts.is_empty() {
        parts.push("the same host ids, split into other ranges".into());
    }
    parts.join(", ")
}

fn who(engine: Engine) -> &'static str {
    match engine {
        Engine::Podman => "podman's pause process",
        Engine::Docker => "rootlesskit's child (rootless docker)",
    }
}

/// The comm names of podman's pause process: catatonit when podman finds it,
/// else podman re-executed, renamed by prctl.
const PAUSE_COMMS: &[&str] = &["podman pause", "catatonit", "podman"];

/// True when `p` is the engine's namespace holder: the subject's, in a user
/// namespace of its own, and (for podman) named as the pause process is.
fn is_holder(engine: Engine, p: &Process, uid: u32) -> bool {
    let in_userns = p.uid_map.as_deref().is_some_and(|m| !is_initial(m));
    let named = engine == Engine::Docker || PAUSE_COMMS.contains(&p.comm.as_str());
    p.uid == Some(uid) && in_userns && named
}

/// Decides the outcome from the facts.
pub fn judge(facts: &Facts) -> Outcome {
    let mut findings: Vec<Finding> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    let mut evidence: Vec<Evidence> = Vec::new();
    if let Some(btime) = facts.btime {
        evidence.push(Evidence::setting("btime (/proc/stat)", btime.to_string()));
    }
    if let Some(id) = &facts.boot_id {
        evidence.push(Evidence::setting("kernel.random.boot_id", id.clone()));
    }
    if let Some(finding) = stale_boot(facts) {
        findings.push(finding);
    }
    for h in &facts.holders {
        let path = h.file.path.display().to_string();
        evidence.push(Evidence::file(&path, h.text.trim().to_string()));
        let Some(pid) = h.pid else {
            notes.push(format!(
                "{path} holds no pid, and {} ignores it",
                h.file.engine.name()
            ));
            continue;
        };
        let Some(p) = &h.process else {
            notes.push(format!(
                "{path} names pid {pid}, which is not running: {} makes a new user namespace \
                 from today's ranges at its next start",
                h.file.engine.name()
            ));
            continue;
        };
        evidence.push(Evidence::fact(
            format!("process {pid}"),
            format!(
                "comm {:?}, uid {}",
                p.comm,
                p.uid.map_or("?".into(), |u| u.to_string())
            ),
        ));
        if !is_holder(h.file.engine, p, facts.uid) {
            findings.push(pid_reused(facts, h, pid, p));
            continue;
        }
        let (uid_map, gid_map) = (
            p.uid_map.clone().unwrap_or_default(),
            p.gid_map.clone().unwrap_or_default(),
        );
        evidence.push(Evidence::file(
            format!("/proc/{pid}/uid_map"),
            show(&uid_map),
        ));
        evidence.push(Evidence::file(
            format!("/proc/{pid}/gid_map"),
            show(&gid_map),
        ));
        let uids_ok = matches(&uid_map, facts.uid, &facts.subuids);
        let gids_ok = matches(&gid_map, facts.gid, &facts.subgids);
        if uids_ok && gids_ok {
            notes.push(format!(
                "{} (pid {pid}) maps uids {} and gids {} as /etc/subuid and /etc/subgid give \
                 {} today",
                who(h.file.engine),
                show(&uid_map),
                show(&gid_map),
                facts.user
            ));
            continue;
        }
        findings.push(stale_mappings(facts, h, pid, p, uids_ok, gids_ok));
    }
    if findings.is_empty() {
        let message = if notes.is_empty() {
            format!(
                "no podman pause process or rootlesskit child of {} is running: the next \
                 podman command or rootless docker start makes its user namespace from \
                 today's /etc/subuid and /etc/subgid",
                facts.user
            )
        } else {
            notes.join("; ")
        };
        return Outcome::pass(message).with_all(evidence);
    }
    findings.sort_by_key(|f| match f.status {
        Status::Fail => 0,
        _ => 1,
    });
    let mut rest = findings.split_off(1);
    let mut first = findings.remove(0);
    for other in rest.drain(..) {
        first.message = format!("{}; also: {}", first.message, other.message);
        if other.code != first.code && !first.also.contains(&other.code) {
            first.also.push(other.code);
        }
        for fix in other.fixes {
            if !first.fixes.contains(&fix) {
                first.fixes.push(fix);
            }
        }
        first.evidence.extend(other.evidence);
    }
    first.outcome_after(evidence)
}

fn stale_mappings(
    facts: &Facts,
    h: &Holder,
    pid: u32,
    p: &Process,
    uids_ok: bool,
    gids_ok: bool,
) -> Finding {
    let uid_map = p.uid_map.clone().unwrap_or_default();
    let gid_map = p.gid_map.clone().unwrap_or_default();
    let mut parts = Vec::new();
    if !uids_ok {
        parts.push(format!(
            "uid_map {} where today's /etc/subuid makes it {} ({})",
            show(&uid_map),
            show(&expected(facts.uid, &facts.subuids)),
            difference("uid", &uid_map, facts.uid, &facts.subuids)
        ));
    }
    if !gids_ok {
        parts.push(format!(
            "gid_map {} where today's /etc/subgid makes it {} ({})",
            show(&gid_map),
            show(&expected(facts.gid, &facts.subgids)),
            difference("gid", &gid_map, facts.gid, &facts.subgids)
        ));
    }
    let path = h.file.path.display();
    let (consequence, fixes) = match h.file.engine {
        Engine::Podman => (
            "podman joins this namespace for every command until the pause process stops, \
             so it keeps the old ids: pulling an image with files owned by ids outside it \
             fails with \"potentially insufficient UIDs or GIDs available in user namespace\", \
             and containers run with ids the subject may no longer own",
            vec![Remediation::root(
                "stop podman's pause process so that the next podman command makes a user \
                 namespace from today's ranges (as the user; it also stops every running \
                 podman container of the user: start them again after)",
                vec!["podman system migrate".into()],
            )
            .as_user()],
        ),
        Engine::Docker => (
            "rootless docker runs every container in this namespace until rootlesskit \
             restarts, so it keeps the old ids: image layers with files owned by ids \
             outside it fail to unpack (\"lchown ...: invalid argument\")",
            vec![
                Remediation::root(
                    "restart rootless docker so that rootlesskit makes a user namespace from \
                     today's ranges (as the user; its running containers are stopped)",
                    vec!["systemctl --user restart docker".into()],
                )
                .as_user(),
                Remediation::root(
                    format!(
                        "without a systemd user instance: stop dockerd-rootless.sh (its \
                         rootlesskit is pid {}) and start it again; its running containers \
                         are stopped",
                        p.ppid.map_or("?".into(), |p| p.to_string())
                    ),
                    vec![],
                )
                .as_user()
                .alternative(),
            ],
        ),
    };
    Finding::fail(
        Code::StaleMappings,
        format!(
            "{} (pid {pid}, named by {path}) holds a user namespace made from older \
             subordinate ranges: {}; {consequence}",
            who(h.file.engine),
            parts.join("; ")
        ),
    )
    .fixes(fixes)
}

fn pid_reused(facts: &Facts, h: &Holder, pid: u32, p: &Process) -> Finding {
    let path = h.file.path.display();
    let own = p.uid == Some(facts.uid);
    let in_userns = p.uid_map.as_deref().is_some_and(|m| !is_initial(m));
    let owner = p
        .uid
        .map_or("an unknown user".into(), |u| format!("uid {u}"));
    let (status, consequence) = match (h.file.engine, own, in_userns) {
        (Engine::Podman, true, true) => (
            Status::Fail,
            "podman's next command joins that process's user namespace (its entry point \
             setns()es into /proc/<pid>/ns/user of whatever pid the file names), not one \
             made from the subject's ranges",
        ),
        (Engine::Podman, true, false) => (
            Status::Warn,
            "podman fails to join it and removes the file, but `podman system migrate` \
             would SIGKILL that process",
        ),
        (Engine::Podman, false, _) => (
            Status::Warn,
            "podman fails to join it and removes the file at its next command",
        ),
        (Engine::Docker, _, _) => (
            Status::Warn,
            "tools that enter rootless docker's namespace through this file (nsenter -t, \
             rootlessctl) reach the wrong process",
        ),
    };
    Finding::new(
        status,
        Code::PidReused,
        format!(
            "{path} names pid {pid}, which is not {} but {:?} of {owner}: the pid was reused \
             after the engine stopped; {consequence}",
            who(h.file.engine),
            p.comm
        ),
    )
    .fixes([Remediation::root(
        "remove the stale pid file (as the user, before any `podman system migrate`); the \
         engine writes a new one at its next start",
        vec![format!("rm -f {}", quote_path(&h.file.path))],
    )
    .as_user()])
}

/// Podman's tmp dir written before this boot: its `alive` file is older
/// than the boot time.
fn stale_boot(facts: &Facts) -> Option<Finding> {
    let btime = facts.btime?;
    // Only `alive` decides: without it podman 4.3.1 refreshes its state at
    // the next command, and one written after the boot means it already
    // has; an old pause.pid alone is harmless (a dead or reused pid is
    // judged on its own).
    let (file, written, tmp) = match &facts.alive {
        Some((tmp, written)) if *written < btime => (tmp.join("alive"), *written, tmp.clone()),
        _ => return None,
    };
    Some(
        Finding::warn(
            Code::StaleBoot,
            format!(
                "podman's tmp dir {} outlived a reboot: {} was written {} s before this boot \
                 (btime {btime}); podman 4.3.1 refreshes its state after a reboot only when \
                 the `alive` file is missing, so containers of the earlier boot stay recorded \
                 as running, and while one is, every rootless podman command fails with \
                 \"invalid internal status, try resetting the pause process with \"podman \
                 system migrate\": could not find any running process: no such process\"; \
                 the tmp dir belongs on a tmpfs that a reboot empties \
                 ($XDG_RUNTIME_DIR, /run/user/{})",
                tmp.display(),
                file.display(),
                btime - written,
                facts.uid
            ),
        )
        .with([Evidence::fact(
            format!("{} written", file.display()),
            written.to_string(),
        )])
        .fixes([
            Remediation::root(
                "as the user: `podman system migrate` marks the containers of the earlier \
                 boot stopped (it works while other podman commands fail), then removing \
                 the tmp dir makes the next podman command refresh its state and write a \
                 new `alive` (podman 5 asks the same: \"an unhandled reboot has occurred\")",
                vec![
                    "podman system migrate".into(),
                    format!("rm -rf {}", quote_path(&tmp)),
                ],
            )
            .as_user(),
            Remediation::root(
                "to keep it from recurring: the tmp dir must be on a tmpfs. Podman records \
                 it in its database at first use and keeps it over containers.conf, so \
                 moving it takes `podman system reset` (it deletes every image and \
                 container of the user) from a session that sets \
                 XDG_RUNTIME_DIR=/run/user/<uid>",
                vec![],
            )
            .as_user()
            .alternative(),
        ]),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAUSE: &str = "/run/user/1000/libpod/tmp/pause.pid";

    fn facts(holders: Vec<Holder>) -> Facts {
        Facts {
            user: "alice".into(),
            uid: 1000,
            gid: 1000,
            subuids: vec![(100000, 65536)],
            subgids: vec![(100000, 65536)],
            holders,
            alive: Some(("/run/user/1000/libpod/tmp".into(), 2_000)),
            btime: Some(1_000),
            boot_id: Some("b3f2".into()),
        }
    }

    fn pause(process: Option<Process>) -> Holder {
        Holder {
            file: PidFile {
                engine: Engine::Podman,
                path: PAUSE.into(),
                tmp_dir: Some("/run/user/1000/libpod/tmp".into()),
            },
            text: "4242".into(),
            pid: Some(4242),
            written: Some(2_000),
            process,
        }
    }

    fn pause_process(range: u64) -> Process {
        Process {
            comm: "podman pause".into(),
            uid: Some(1000),
            ppid: Some(1),
            uid_map: Some(vec![(0, 1000, 1), (1, range, 65536)]),
            gid_map: Some(vec![(0, 1000, 1), (1, range, 65536)]),
        }
    }

    #[test]
    fn maps_are_parsed_as_the_kernel_prints_them() {
        assert_eq!(
            parse_map("         0       1004          1\n         1     296608      65536\n"),
            vec![(0, 1004, 1), (1, 296608, 65536)]
        );
        assert_eq!(parse_map("x y z\n1 2\n1 2 3 4\n"), vec![]);
        assert_eq!(
            expected(1000, &[(100000, 10), (200000, 5)]),
            vec![(0, 1000, 1), (1, 100000, 10), (11, 200000, 5)]
        );
    }

    #[test]
    fn no_holder_or_a_matching_one_passes() {
        let o = judge(&facts(vec![]));
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("no podman pause process"));
        let o = judge(&facts(vec![pause(Some(pause_process(100000)))]));
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert!(o.message.contains("1->100000 (65536)"));
        // A dead pid: podman makes a new namespace.
        let o = judge(&facts(vec![pause(None)]));
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("not running"));
    }

    #[test]
    fn a_changed_range_is_stale_and_names_the_ids() {
        let mut f = facts(vec![pause(Some(pause_process(100000)))]);
        f.subuids = vec![(400000, 65536)];
        let o = judge(&f);
        assert_eq!(o.status, Status::Fail);
        assert!(o.is(Code::StaleMappings));
        assert!(
            o.message.contains("400000-465535 are not mapped"),
            "{}",
            o.message
        );
        assert!(o
            .message
            .contains("100000-165535 are mapped but no longer in"));
        assert!(!o.message.contains("gid_map"), "{}", o.message);
        // The same ids in other pieces: still not the map podman writes today.
        let mut split = pause_process(100000);
        split.uid_map = Some(vec![(0, 1000, 1), (1, 100000, 10), (11, 100010, 65526)]);
        let o = judge(&facts(vec![pause(Some(split))]));
        assert!(o.is(Code::StaleMappings));
        assert!(
            o.message.contains("split into other ranges"),
            "{}",
            o.message
        );
        assert_eq!(o.remediation[0].commands, ["podman system migrate"]);
        assert!(!o.remediation[0].requires_root);
    }

    #[test]
    fn a_single_mapping_after_ranges_were_added_is_stale() {
        let mut p = pause_process(100000);
        p.uid_map = Some(vec![(0, 1000, 1)]);
        p.gid_map = Some(vec![(0, 1000, 1)]);
        let o = judge(&facts(vec![pause(Some(p))]));
        assert!(o.is(Code::StaleMappings));
        assert!(o.message.contains("uid_map 0->1000 (1)"));
        assert!(o.message.contains("gid_map"));
        // Ranges removed since: the namespace maps ids no longer the user's.
        let mut f = facts(vec![pause(Some(pause_process(100000)))]);
        f.subuids.clear();
        f.subgids.clear();
        assert!(judge(&f).is(Code::StaleMappings));
    }

    #[test]
    fn rootlesskit_child_is_compared_too() {
        let mut child = pause(Some(Process {
            comm: "exe".into(),
            ppid: Some(77),
            ..pause_process(300000)
        }));
        child.file = PidFile {
            engine: Engine::Docker,
            path: "/tmp/rootlesskit123/child_pid".into(),
            tmp_dir: None,
        };
        let o = judge(&facts(vec![child]));
        assert!(o.is(Code::StaleMappings));
        assert_eq!(
            o.remediation[0].commands,
            ["systemctl --user restart docker"]
        );
        assert!(o.remediation[1].summary.contains("pid 77"));
    }

    #[test]
    fn a_reused_pid_is_named_by_owner_and_namespace() {
        let shell = Process {
            comm: "bash".into(),
            uid: Some(1000),
            ppid: Some(1),
            uid_map: Some(vec![(0, 0, 4294967295)]),
            gid_map: Some(vec![(0, 0, 4294967295)]),
        };
        let o = judge(&facts(vec![pause(Some(shell.clone()))]));
        assert_eq!(o.status, Status::Warn);
        assert!(o.is(Code::PidReused));
        assert!(o.message.contains("SIGKILL"));
        assert_eq!(
            o.remediation[0].commands,
            ["rm -f /run/user/1000/libpod/tmp/pause.pid"]
        );
        let sandbox = Process {
            comm: "bwrap".into(),
            uid_map: Some(vec![(1000, 1000, 1)]),
            ..shell.clone()
        };
        let o = judge(&facts(vec![pause(Some(sandbox))]));
        assert_eq!(o.status, Status::Fail);
        assert!(o.is(Code::PidReused));
        let other = Process {
            uid: Some(0),
            ..shell
        };
        assert_eq!(judge(&facts(vec![pause(Some(other))])).status, Status::Warn);
    }

    #[test]
    fn a_tmp_dir_older_than_the_boot_is_stale_boot_and_combines() {
        let mut f = facts(vec![]);
        f.alive = Some(("/var/tmp/podman".into(), 500));
        let o = judge(&f);
        assert_eq!(o.status, Status::Warn);
        assert!(o.is(Code::StaleBoot));
        assert!(o.message.contains("500 s before this boot"));
        assert_eq!(
            o.remediation[0].commands,
            ["podman system migrate", "rm -rf /var/tmp/podman"]
        );
        // With stale mappings too: the failure leads, stale-boot follows.
        let p = pause(Some(pause_process(100000)));
        let mut f = facts(vec![p]);
        f.alive = Some(("/var/tmp/podman".into(), 600));
        f.subuids = vec![(200000, 65536)];
        let o = judge(&f);
        assert!(o.is(Code::StaleMappings));
        assert!(o.names(Code::StaleBoot));
        // migrate (stale mappings), then migrate and rm, then the lasting fix.
        assert_eq!(o.remediation.len(), 3);
        // A pause.pid from before the boot with no `alive` file: podman
        // refreshes its state at the next command, so nothing to warn of.
        let mut p = pause(None);
        p.written = Some(600);
        let mut f = facts(vec![p]);
        f.alive = None;
        assert!(!judge(&f).names(Code::StaleBoot));
        // No boot time: nothing to compare.
        let mut f = facts(vec![]);
        f.btime = None;
        f.alive = Some(("/x".into(), 1));
        assert_eq!(judge(&f).status, Status::Pass);
    }

    #[test]
    fn an_unparsable_pid_file_is_ignored_like_podman_does() {
        let mut h = pause(None);
        h.text = "garbage".into();
        h.pid = None;
        let o = judge(&facts(vec![h]));
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("holds no pid"));
    }
}
