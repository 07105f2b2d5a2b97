//! Reading `strace -ff -y -v` output: which process did what, with whose
//! credentials.
//!
//! Contract: [`Trace::read`] takes the directory of per-process files that
//! `strace -ff -o DIR/t` wrote (`t.<pid>`), links each process to the one that
//! cloned it, and follows credentials through the calls: a process starts with
//! its parent's state at the clone, and becomes *dropped* at a successful
//! `setuid`/`setreuid`/`setresuid` to a non-zero uid. A dropped process that
//! executes a setuid-root helper (newuidmap) is still counted as dropped: the
//! helper is the system's, not the doctor's. Lines it cannot parse are kept as
//! calls named `?`, never guessed at.

use std::collections::BTreeMap;
use std::path::Path;

/// One system call as strace printed it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Call {
    pub(crate) name: String,
    /// The whole line, arguments and result included.
    pub(crate) line: String,
    /// The text after the last ` = ` (`0`, `3</etc/passwd>`, `-1 EACCES (...)`).
    pub(crate) ret: String,
    /// Whether the process had dropped root when it made the call.
    pub(crate) dropped: bool,
}

impl Call {
    /// The call returned without an error.
    pub(crate) fn succeeded(&self) -> bool {
        !self.ret.is_empty() && !self.ret.starts_with("-1") && !self.ret.starts_with('?')
    }
}

/// Every traced process's calls, by pid.
#[derive(Debug, Default)]
pub(crate) struct Trace {
    pub(crate) calls: BTreeMap<u32, Vec<Call>>,
}

/// Splits `name(args) = ret` lines; `None` for signals and exits.
fn split(line: &str) -> Option<(String, String)> {
    if line.starts_with("---") || line.starts_with("+++") {
        return None;
    }
    let name: String = line
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    let name = if name.is_empty() {
        "?".to_string()
    } else {
        name
    };
    let ret = line
        .rfind(" = ")
        .map(|i| line[i + 3..].trim().to_string())
        .unwrap_or_default();
    Some((name, ret))
}

/// The new process of a successful clone, fork or vfork line.
fn cloned_pid(name: &str, ret: &str) -> Option<u32> {
    if !matches!(name, "clone" | "clone3" | "fork" | "vfork") {
        return None;
    }
    ret.split_whitespace().next()?.parse().ok()
}

/// Whether a successful credential call drops root.
fn drops_root(name: &str, line: &str) -> bool {
    if !matches!(name, "setuid" | "setreuid" | "setresuid") {
        return false;
    }
    let args = line
        .split_once('(')
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(args, _)| args)
        .unwrap_or("");
    args.split(',')
        .filter_map(|a| a.trim().parse::<i64>().ok())
        .any(|id| id > 0)
}

impl Trace {
    /// Reads `DIR/t.<pid>` files; the first process is the one nobody cloned.
    pub(crate) fn read(dir: &Path) -> Trace {
        let mut raw: BTreeMap<u32, Vec<(String, String, String)>> = BTreeMap::new();
        for entry in std::fs::read_dir(dir).expect("trace dir").flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name.strip_prefix("t.").and_then(|p| p.parse().ok()) else {
                continue;
            };
            let text = std::fs::read_to_string(entry.path()).unwrap_or_default();
            let calls = text
                .lines()
                .filter_map(|line| split(line).map(|(n, r)| (n, line.to_string(), r)))
                .collect();
            raw.insert(pid, calls);
        }
        Self::from_raw(raw)
    }

    fn from_raw(raw: BTreeMap<u32, Vec<(String, String, String)>>) -> Trace {
        // parent pid and the index of the clone call in the parent
        let mut parent: BTreeMap<u32, (u32, usize)> = BTreeMap::new();
        for (pid, calls) in &raw {
            for (i, (name, _, ret)) in calls.iter().enumerate() {
                if let Some(child) = cloned_pid(name, ret) {
                    parent.insert(child, (*pid, i));
                }
            }
        }
        let mut trace = Trace::default();
        let mut pending: Vec<u32> = raw.keys().copied().collect();
        // Resolve parents before children (a parent's state at the clone is needed).
        while !pending.is_empty() {
            let before = pending.len();
            pending.retain(|pid| {
                let start = match parent.get(pid) {
                    None => false,
                    Some((ppid, index)) => match trace.calls.get(ppid) {
                        Some(calls) => calls.get(*index).is_some_and(|c| c.dropped),
                        None if !raw.contains_key(ppid) => false,
                        None => return true,
                    },
                };
                let mut dropped = start;
                let calls = raw[pid]
                    .iter()
                    .map(|(name, line, ret)| {
                        let call = Call {
                            name: name.clone(),
                            line: line.clone(),
                            ret: ret.clone(),
                            dropped,
                        };
                        if call.succeeded() && drops_root(name, line) {
                            dropped = true;
                        }
                        Call { dropped, ..call }
                    })
                    .collect();
                trace.calls.insert(*pid, calls);
                false
            });
            assert!(pending.len() < before, "clone cycle in the trace");
        }
        trace
    }

    /// Every call with the pid that made it.
    pub(crate) fn all(&self) -> impl Iterator<Item = (u32, &Call)> {
        self.calls
            .iter()
            .flat_map(|(pid, calls)| calls.iter().map(move |c| (*pid, c)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(lines: &[(u32, &str)]) -> Trace {
        let mut raw: BTreeMap<u32, Vec<(String, String, String)>> = BTreeMap::new();
        for (pid, line) in lines {
            if let Some((n, r)) = split(line) {
                raw.entry(*pid).or_default().push((n, line.to_string(), r));
            }
        }
        Trace::from_raw(raw)
    }

    #[test]
    fn credentials_follow_clones_and_setuid() {
        let trace = raw(&[
            (
                10,
                r#"openat(AT_FDCWD, "/etc/passwd", O_RDONLY) = 3</etc/passwd>"#,
            ),
            (10, "clone(child_stack=NULL, flags=SIGCHLD) = 11"),
            (11, "setgroups(0, NULL)                      = 0"),
            (11, "setuid(1001)                            = 0"),
            (11, "clone3({flags=CLONE_VM|CLONE_VFORK}, 88) = 12"),
            (11, "+++ exited with 0 +++"),
            (12, r#"execve("/usr/bin/newuidmap", ["newuidmap"], []) = 0"#),
            (10, "setuid(0) = 0"),
            (
                10,
                "setresuid(-1, 1001, -1) = -1 EPERM (Operation not permitted)",
            ),
        ]);
        let dropped: Vec<(u32, &str, bool)> = trace
            .all()
            .map(|(pid, c)| (pid, c.name.as_str(), c.dropped))
            .collect();
        assert_eq!(
            dropped,
            vec![
                (10, "openat", false),
                (10, "clone", false),
                (10, "setuid", false),
                (10, "setresuid", false),
                (11, "setgroups", false),
                (11, "setuid", true),
                (11, "clone3", true),
                (12, "execve", true),
            ]
        );
        let open = &trace.calls[&10][0];
        assert!(open.succeeded());
        assert_eq!(open.ret, "3</etc/passwd>");
        assert!(!trace.calls[&10][3].succeeded());
    }
}
