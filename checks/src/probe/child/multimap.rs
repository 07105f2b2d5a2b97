//! `multi-map`: map the own id and the subordinate range through
//! newuidmap/newgidmap, exactly as runc and podman do.
//!
//! A two-process handshake, without fork: the probe starts a holder (the
//! doctor again, as `__probe multi-map-holder`) which unshares a user
//! namespace, says `ready` and waits for a line on stdin; the probe runs
//! newuidmap and newgidmap on the holder's pid (as the subject: shadow refuses
//! to map another user's process) with `0 <own id> 1 1 <start> <n>`,
//! n = min(65535, range count); then it releases the holder, which prints its
//! uid_map and gid_map as read back. If the probe dies, the holder reads EOF
//! and exits; it is in the probe's process group either way.
//!
//! Steps: `spawn`, `unshare`, `newuidmap`, `newgidmap`, `read-map`, `verify`.
//! Facts: `newuidmap.argv`, `newuidmap.exit`, `newuidmap.stderr` (and the same
//! for newgidmap), `uid_map`, `gid_map`, `ids` (uids mapped in total). Both
//! tools are run even when the first fails, so both messages are evidence.

use super::super::plan::ProbePlan;
use super::{
    fact_text, normalize_map, parse_map, read_map, stop, Failure, Step, HOLDER, PROBE_ARG,
};
use crate::spawn;
use nix::errno::Errno;
use nix::sched::{unshare, CloneFlags};
use nix::unistd::{getgid, getuid};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

/// Subordinate ids mapped at most (the own id takes container id 0).
const MAX_SUBORDINATE: u32 = 65535;

/// Runs the probe.
pub(super) fn probe(plan: &ProbePlan, facts: &mut BTreeMap<String, String>) -> Step {
    let (uid, gid) = (getuid().as_raw(), getgid().as_raw());
    let mut holder = Holder::spawn()?;
    holder.await_ready()?;
    let pid = holder.child.id();
    let uid_result = map_with(
        Tool::Uid,
        plan.newuidmap.as_deref(),
        pid,
        uid,
        plan.subuid,
        facts,
    );
    let gid_result = map_with(
        Tool::Gid,
        plan.newgidmap.as_deref(),
        pid,
        gid,
        plan.subgid,
        facts,
    );
    uid_result?;
    gid_result?;
    let maps = holder.release()?;
    let uid_map = normalize_map(&maps.uid_map);
    let gid_map = normalize_map(&maps.gid_map);
    let uids = parse_map(&uid_map);
    let ids: u64 = uids.iter().map(|(_, _, count)| count).sum();
    facts.insert("uid_map".into(), fact_text(&uid_map));
    facts.insert("gid_map".into(), fact_text(&gid_map));
    facts.insert("ids".into(), ids.to_string());
    let uid_missing = missing(&uids, uid, plan.subuid);
    let gid_missing = missing(&parse_map(&gid_map), gid, plan.subgid);
    if let Some(what) = uid_missing.or(gid_missing) {
        return Err(Failure::plain(
            "verify",
            format!("the maps read back lack the requested {what}"),
        ));
    }
    Ok(format!(
        "newuidmap and newgidmap mapped {ids} uids and {} gids into a user namespace",
        parse_map(&gid_map).iter().map(|(_, _, c)| c).sum::<u64>()
    ))
}

/// The holder's side: unshare, say `ready`, wait, report the maps.
pub(super) fn holder_main() -> i32 {
    let mut out = io::stdout().lock();
    if let Err(e) = unshare(CloneFlags::CLONE_NEWUSER) {
        let _ = writeln!(out, "error {e:?}");
        let _ = out.flush();
        return 0;
    }
    let _ = writeln!(out, "ready");
    let _ = out.flush();
    let mut line = String::new();
    match io::stdin().lock().read_line(&mut line) {
        Ok(n) if n > 0 => {}
        // The probe went away: nothing to report to.
        _ => return 0,
    }
    let maps = HolderMaps {
        uid_map: read_map("/proc/self/uid_map").unwrap_or_default(),
        gid_map: read_map("/proc/self/gid_map").unwrap_or_default(),
    };
    let _ = writeln!(out, "{}", serde_json::to_string(&maps).unwrap_or_default());
    let _ = out.flush();
    0
}

/// What the holder prints after it is released.
#[derive(Debug, Default, Serialize, Deserialize)]
struct HolderMaps {
    uid_map: String,
    gid_map: String,
}

/// The holder process and its pipes; dropping it ends the holder.
struct Holder {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Holder {
    fn spawn() -> Result<Holder, Failure> {
        let mut child = Command::new("/proc/self/exe")
            .args([PROBE_ARG, HOLDER])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| Failure::io("spawn", &e, "starting the namespace holder"))?;
        let stdin = child.stdin.take();
        let Some(stdout) = child.stdout.take() else {
            stop(&mut child);
            return Err(Failure::plain(
                "spawn",
                "the namespace holder has no stdout",
            ));
        };
        Ok(Holder {
            child,
            stdin,
            stdout: BufReader::new(stdout),
        })
    }

    fn line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        (&mut self.stdout).take(64 << 10).read_line(&mut line)?;
        Ok(line.trim().to_string())
    }

    /// Waits for `ready`; `error <ERRNO>` is the holder's unshare failing.
    fn await_ready(&mut self) -> Result<(), Failure> {
        let line = self
            .line()
            .map_err(|e| Failure::io("spawn", &e, "reading from the namespace holder"))?;
        if line == "ready" {
            return Ok(());
        }
        if let Some(name) = line.strip_prefix("error ") {
            let errno = errno_named(name);
            return Err(match errno {
                Some(errno) => {
                    Failure::errno("unshare", errno, "the holder's unshare(CLONE_NEWUSER)")
                }
                None => Failure::plain(
                    "unshare",
                    format!("the holder's unshare(CLONE_NEWUSER) failed: {name}"),
                ),
            });
        }
        Err(Failure::plain(
            "spawn",
            format!(
                "the namespace holder said '{}' instead of ready",
                fact_text(&line)
            ),
        ))
    }

    /// Lets the holder go on and reads the maps it reports.
    fn release(&mut self) -> Result<HolderMaps, Failure> {
        let sent = match self.stdin.as_mut() {
            Some(stdin) => stdin.write_all(b"go\n").and_then(|()| stdin.flush()),
            None => Err(io::Error::from(io::ErrorKind::BrokenPipe)),
        };
        sent.map_err(|e| Failure::io("read-map", &e, "releasing the namespace holder"))?;
        let line = self
            .line()
            .map_err(|e| Failure::io("read-map", &e, "reading the holder's maps"))?;
        serde_json::from_str(&line).map_err(|_| {
            Failure::plain(
                "read-map",
                format!(
                    "the namespace holder reported '{}' instead of its maps",
                    fact_text(&line)
                ),
            )
        })
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        self.stdin.take();
        stop(&mut self.child);
    }
}

/// The errno with this name (as printed by `{:?}`), among the plausible ones.
fn errno_named(name: &str) -> Option<Errno> {
    [
        Errno::EPERM,
        Errno::EACCES,
        Errno::EINVAL,
        Errno::ENOSPC,
        Errno::EUSERS,
        Errno::ENOMEM,
        Errno::ENOSYS,
    ]
    .into_iter()
    .find(|e| format!("{e:?}") == name)
}

#[derive(Clone, Copy)]
enum Tool {
    Uid,
    Gid,
}

impl Tool {
    fn name(self) -> &'static str {
        match self {
            Tool::Uid => "newuidmap",
            Tool::Gid => "newgidmap",
        }
    }
    fn ids(self) -> &'static str {
        match self {
            Tool::Uid => "uid",
            Tool::Gid => "gid",
        }
    }
}

/// The argument list after the tool: `<pid> 0 <own> 1 1 <start> <n>`.
fn map_args(pid: u32, own: u32, range: (u32, u32)) -> Vec<String> {
    let count = range.1.min(MAX_SUBORDINATE);
    [pid, 0, own, 1, 1, range.0, count]
        .iter()
        .map(u32::to_string)
        .collect()
}

/// Runs newuidmap or newgidmap on the holder; records argv, exit and stderr.
fn map_with(
    tool: Tool,
    path: Option<&Path>,
    pid: u32,
    own: u32,
    range: Option<(u32, u32)>,
    facts: &mut BTreeMap<String, String>,
) -> Result<(), Failure> {
    let step = tool.name();
    let Some(path) = path else {
        return Err(Failure::errno(
            step,
            Errno::ENOENT,
            &format!("finding {step}"),
        ));
    };
    let Some(range) = range else {
        return Err(Failure::plain(
            step,
            format!(
                "no subordinate {} range to map, so {step} was not run",
                tool.ids()
            ),
        ));
    };
    let args = map_args(pid, own, range);
    let argv = std::iter::once(path.display().to_string())
        .chain(args.iter().cloned())
        .collect::<Vec<_>>()
        .join(" ");
    facts.insert(format!("{step}.argv"), argv);
    let output = Command::new(path)
        .args(&args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| {
            // No process at all is the probe's own trouble, not the tool's.
            let step = if spawn::no_process(&e) { "spawn" } else { step };
            Failure::io(step, &e, &format!("running {}", path.display()))
        })?;
    let stderr = fact_text(&String::from_utf8_lossy(&output.stderr));
    let exit = match output.status.code() {
        Some(code) => code.to_string(),
        None => format!(
            "signal {}",
            std::os::unix::process::ExitStatusExt::signal(&output.status).unwrap_or(0)
        ),
    };
    facts.insert(format!("{step}.exit"), exit.clone());
    facts.insert(format!("{step}.stderr"), stderr.clone());
    if output.status.success() {
        return Ok(());
    }
    let said = stderr.lines().next().unwrap_or("").to_string();
    Err(Failure::plain(
        step,
        if said.is_empty() {
            format!("{step} exited with {exit}")
        } else {
            format!("{step} exited with {exit}: {said}")
        },
    ))
}

/// What the map lacks of the request (own id -> 0, range -> 1..), if anything.
fn missing(map: &[(u64, u64, u64)], own: u32, range: Option<(u32, u32)>) -> Option<String> {
    if !map.contains(&(0, u64::from(own), 1)) {
        return Some(format!("mapping of {own} to 0"));
    }
    let (start, count) = range?;
    let count = u64::from(count.min(MAX_SUBORDINATE));
    if count > 0 && !map.contains(&(1, u64::from(start), count)) {
        return Some(format!("range {start}+{count} at 1"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_map_own_id_to_0_and_the_range_to_1() {
        assert_eq!(
            map_args(77, 1001, (200000, 65536)),
            ["77", "0", "1001", "1", "1", "200000", "65535"]
        );
        assert_eq!(map_args(77, 1001, (300000, 1000))[6], "1000");
    }

    #[test]
    fn verification_wants_both_lines() {
        let full = [(0, 1001, 1), (1, 200000, 65535)];
        assert_eq!(missing(&full, 1001, Some((200000, 65536))), None);
        assert!(missing(&full[..1], 1001, Some((200000, 65536))).is_some());
        assert!(missing(&full[1..], 1001, Some((200000, 65536))).is_some());
        assert!(missing(&full, 1001, Some((300000, 65536))).is_some());
    }

    #[test]
    fn errno_names_come_back() {
        assert_eq!(errno_named("ENOSPC"), Some(Errno::ENOSPC));
        assert_eq!(errno_named("EWHAT"), None);
    }

    #[test]
    fn missing_tools_and_ranges_fail_at_their_step() {
        let mut facts = BTreeMap::new();
        let failure = map_with(Tool::Uid, None, 1, 1, Some((1, 1)), &mut facts).unwrap_err();
        assert_eq!(
            (failure.step, failure.errno),
            ("newuidmap", Some(Errno::ENOENT))
        );
        let failure = map_with(
            Tool::Gid,
            Some(Path::new("/bin/true")),
            1,
            1,
            None,
            &mut facts,
        )
        .unwrap_err();
        assert_eq!(failure.step, "newgidmap");
        assert!(failure.detail.contains("no subordinate gid range"));
        assert!(facts.is_empty());
    }

    #[test]
    fn a_failing_tool_leaves_its_message_in_the_facts() {
        let mut facts = BTreeMap::new();
        let failure = map_with(
            Tool::Uid,
            Some(Path::new("/bin/false")),
            1,
            1001,
            Some((200000, 65536)),
            &mut facts,
        )
        .unwrap_err();
        assert_eq!(failure.step, "newuidmap");
        assert_eq!(failure.errno, None);
        assert_eq!(
            facts["newuidmap.argv"],
            "/bin/false 1 0 1001 1 1 200000 65535"
        );
        assert_eq!(facts["newuidmap.exit"], "1");
        assert_eq!(facts["newuidmap.stderr"], "");
    }
}
