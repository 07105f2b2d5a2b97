//! The live probe runner: re-executes the doctor once per probe, as the
//! subject, and turns what each child did into a [`ProbeOutcome`].
//!
//! Contract: all requested probes start at once, each as
//! `<exe> __probe <name> <plan-json>` in its own process group, with an empty
//! environment except `PATH` and `LANG=C`, working directory `/`, stdin null;
//! when the plan says so the child drops to the subject before exec (see
//! [`crate::privdrop`]). A child that is still running at the
//! deadline is killed with its whole group ([`ProbeOutcome::TimedOut`]); one
//! that exits with anything but a report is [`ProbeOutcome::Broken`]. After
//! the children, scratch directories they left under the plan's
//! `scratch_parent` (named after their pids, owned by the subject) are
//! removed, by a child that is the subject when root acts for one.

use super::child::{PROBE_ARG, SCRATCH_PREFIX};
use super::plan::ProbePlan;
use super::runner::{self, Finished};
use super::{ProbeKind, ProbeOutcome, ProbeReport, Probes};
use crate::privdrop::{self, Creds};
use crate::spawn;
use std::collections::BTreeMap;
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, ExitStatus};
use std::time::Duration;

/// The `PATH` a probe child gets: system directories only.
pub(crate) const PROBE_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/// The role of the child that sweeps scratch directories as the subject.
pub(crate) const SWEEP_ROLE: &str = "sweep-scratch";
/// How long the sweeping child may take.
const SWEEP_TIMEOUT: Duration = Duration::from_secs(10);
/// How much of a broken child's stderr goes into the reason.
const STDERR_IN_REASON: usize = 300;

/// The order the probes start in: the ones that start other programs and
/// wait for them first (slirp4netns's start, the holder with newuidmap and
/// newgidmap, the storage probe's mounts), those that only make system calls
/// last. Any probe missing here starts after these.
const START_ORDER: [ProbeKind; 9] = [
    ProbeKind::NetHelper,
    ProbeKind::MultiMap,
    ProbeKind::StorageDriver,
    ProbeKind::NetTun,
    ProbeKind::FuseOverlayfs,
    ProbeKind::Overlay,
    ProbeKind::IdmappedMount,
    ProbeKind::BindMount,
    ProbeKind::UsernsCreate,
];

/// Outcomes of probes that were run for real on this host.
#[derive(Clone, Debug, Default)]
pub struct LiveProbes {
    outcomes: BTreeMap<ProbeKind, ProbeOutcome>,
}

impl LiveProbes {
    /// The executable to pass to [`LiveProbes::run`] in production: the magic
    /// link resolves to the running binary without searching the directories
    /// above it, so it works for a dropped subject even when the binary lives
    /// under a directory the subject cannot search (e.g. /root, mode 0700).
    pub const SELF_EXE: &'static str = "/proc/self/exe";

    /// Runs `kinds` (duplicates ignored) concurrently per `plan`, each bounded by
    /// `timeout`, and keeps their outcomes. `exe` must answer `__probe` by
    /// calling [`super::child_main`] first thing in `main`.
    pub fn run(exe: &Path, kinds: &[ProbeKind], plan: &ProbePlan, timeout: Duration) -> Self {
        let mut wanted = kinds.to_vec();
        wanted.sort();
        wanted.dedup();
        // The longest first: the whole set takes as long as the last to end.
        wanted.sort_by_key(|kind| START_ORDER.iter().position(|k| k == kind));
        let json = match plan.to_json() {
            Ok(json) => json,
            Err(reason) => {
                let outcomes = wanted
                    .into_iter()
                    .map(|kind| {
                        let reason = reason.clone();
                        (kind, ProbeOutcome::Broken { reason })
                    })
                    .collect();
                return LiveProbes { outcomes };
            }
        };
        let commands: io::Result<Vec<Command>> = wanted
            .iter()
            .map(|kind| probe_command(exe, &[kind.name(), &json], plan))
            .collect();
        let commands = match commands {
            Ok(commands) => commands,
            Err(e) => {
                let reason = format!("cannot start the probe: {}", spawn::errno_text(&e));
                let outcomes = wanted
                    .into_iter()
                    .map(|kind| {
                        (
                            kind,
                            ProbeOutcome::Broken {
                                reason: reason.clone(),
                            },
                        )
                    })
                    .collect();
                return LiveProbes { outcomes };
            }
        };
        let results = runner::run_all(commands, timeout);
        let pids: Vec<u32> = results
            .iter()
            .filter_map(|r| r.as_ref().ok().map(|f| f.pid))
            .collect();
        sweep(exe, plan, &json, &pids);
        let mut outcomes = BTreeMap::new();
        for (kind, result) in wanted.into_iter().zip(results) {
            outcomes.insert(kind, interpret(result, timeout));
        }
        LiveProbes { outcomes }
    }

    /// Every outcome, by probe.
    pub fn outcomes(&self) -> &BTreeMap<ProbeKind, ProbeOutcome> {
        &self.outcomes
    }
}

impl Probes for LiveProbes {
    fn get(&self, kind: ProbeKind) -> Option<ProbeOutcome> {
        self.outcomes.get(&kind).cloned()
    }
}

/// The credentials a plan's children take (see [`crate::privdrop`]).
pub(crate) fn plan_creds(plan: &ProbePlan) -> Option<Creds> {
    plan.drop_privileges.then_some(Creds {
        uid: plan.uid,
        gid: plan.gid,
    })
}

/// The command line and credentials of one probe child.
fn probe_command(exe: &Path, args: &[&str], plan: &ProbePlan) -> io::Result<Command> {
    let mut command = privdrop::command(exe, plan_creds(plan))?;
    command
        .arg(PROBE_ARG)
        .args(args)
        .env("PATH", PROBE_PATH)
        .env("LANG", "C");
    Ok(command)
}

/// Runs one helper child (not a probe) to its end within `timeout`: its
/// stdout when it exits 0, else why not (with the start of its stderr).
pub(crate) fn run_one(command: Command, timeout: Duration) -> Result<Vec<u8>, String> {
    let result = runner::run_all(vec![command], timeout).pop();
    let finished = match result {
        Some(Ok(finished)) => finished,
        Some(Err(e)) => return Err(format!("cannot start: {}", spawn::errno_text(&e))),
        None => return Err("cannot start".to_string()),
    };
    let note = stderr_note(&finished.stderr);
    match finished.status {
        None => Err(format!("timed out after {} s", timeout.as_secs_f64())),
        Some(status) if status.success() => Ok(finished.stdout),
        Some(status) => Err(format!("the child {}{note}", describe_status(status))),
    }
}

/// Turns how a child ended into an outcome.
fn interpret(result: io::Result<Finished>, timeout: Duration) -> ProbeOutcome {
    let finished = match result {
        Ok(finished) => finished,
        Err(e) => {
            return ProbeOutcome::Broken {
                reason: format!("cannot start the probe: {}", spawn::errno_text(&e)),
            }
        }
    };
    let Some(status) = finished.status else {
        return ProbeOutcome::TimedOut {
            seconds: timeout.as_secs_f64(),
        };
    };
    let note = stderr_note(&finished.stderr);
    if !status.success() {
        return ProbeOutcome::Broken {
            reason: format!("the probe {}{note}", describe_status(status)),
        };
    }
    match parse_report(&finished.stdout) {
        Ok(report) => ProbeOutcome::Report(report),
        Err(why) => ProbeOutcome::Broken {
            reason: format!("the probe printed no report ({why}){note}"),
        },
    }
}

/// Parses a child's stdout: exactly one JSON object, surrounding blanks allowed.
pub(crate) fn parse_report(stdout: &[u8]) -> Result<ProbeReport, String> {
    let text = String::from_utf8_lossy(stdout);
    let text = text.trim();
    if text.is_empty() {
        return Err("no output".to_string());
    }
    if !text.starts_with('{') {
        return Err("output is not a json object".to_string());
    }
    serde_json::from_str(text).map_err(|e| format!("invalid report: {e}"))
}

fn describe_status(status: ExitStatus) -> String {
    if let Some(code) = status.code() {
        return format!("exited with status {code}");
    }
    match status.signal() {
        Some(signal) => match nix::sys::signal::Signal::try_from(signal) {
            Ok(name) => format!("was killed by signal {signal} ({name})"),
            Err(_) => format!("was killed by signal {signal}"),
        },
        None => "ended in an unknown way".to_string(),
    }
}

/// `"; stderr: ..."` with the start of stderr on one line, or nothing.
fn stderr_note(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return String::new();
    }
    let cut: String = text.chars().take(STDERR_IN_REASON).collect();
    let ellipsis = if cut.len() < text.len() { "..." } else { "" };
    format!("; stderr: {cut}{ellipsis}")
}

/// Removes what the children with these pids left in the scratch parent (a
/// killed child cannot clean up). When root acts for the subject, root only
/// lists the names: the removal, inside a tree the subject controls, is done
/// by a child that is the subject (`__probe sweep-scratch <plan> <pids>`),
/// so no planted link or rename can turn it against a file of root's.
fn sweep(exe: &Path, plan: &ProbePlan, plan_json: &str, pids: &[u32]) {
    let names: Vec<String> = scratch_parents(plan)
        .iter()
        .flat_map(|parent| {
            std::fs::read_dir(parent)
                .map(|entries| {
                    entries
                        .flatten()
                        .map(|e| e.file_name().to_string_lossy().into_owned())
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
        .collect();
    let left: Vec<u32> = pids
        .iter()
        .copied()
        .filter(|pid| {
            let prefix = format!("{SCRATCH_PREFIX}{pid}.");
            names.iter().any(|name| name.starts_with(&prefix))
        })
        .collect();
    if left.is_empty() {
        return;
    }
    if !plan.drop_privileges {
        left.iter().for_each(|pid| sweep_scratch(plan, *pid));
        return;
    }
    let list: Vec<String> = left.iter().map(u32::to_string).collect();
    if let Ok(command) = probe_command(exe, &[SWEEP_ROLE, plan_json, &list.join(",")], plan) {
        let _ = runner::run_all(vec![command], SWEEP_TIMEOUT);
    }
}

/// The sweeping child's `main`: removes the leftovers of `pids` (comma
/// separated) under the plan's scratch parent, as whoever runs it.
pub(crate) fn sweep_main(plan_json: &str, pids: &str) -> i32 {
    let Ok(plan) = ProbePlan::from_json(plan_json) else {
        return 2;
    };
    for pid in pids.split(',').filter_map(|p| p.parse().ok()) {
        sweep_scratch(&plan, pid);
    }
    0
}

/// Removes scratch directories a probe child with this pid left behind (a
/// killed child cannot clean up). Only directories owned by the subject and
/// named `rootless-doctor-probe.<pid>.*` are touched; links are not followed.
fn sweep_scratch(plan: &ProbePlan, pid: u32) {
    for parent in scratch_parents(plan) {
        sweep_in(plan, &parent, pid);
    }
}

/// Where probes make scratch directories: the scratch parent, and the
/// storage directory of the storage probes.
fn scratch_parents(plan: &ProbePlan) -> Vec<std::path::PathBuf> {
    let mut parents = vec![plan.scratch_parent.clone()];
    parents.extend(plan.storage_dir.clone());
    parents.dedup();
    parents
}

fn sweep_in(plan: &ProbePlan, parent: &Path, pid: u32) {
    let prefix = format!("{SCRATCH_PREFIX}{pid}.");
    let Ok(entries) = std::fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(&prefix) {
            continue;
        }
        let path = entry.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        if meta.is_dir() && meta.uid() == plan.uid {
            remove_tree(&path);
        }
    }
}

/// Removes a tree; std's removal does not follow links and is race-safe. A
/// non-root caller (who is then the owner) may meet directories it cannot
/// read (overlay's work dir is mode 000): it opens them up and tries again.
fn remove_tree(path: &Path) {
    if std::fs::remove_dir_all(path).is_ok() || nix::unistd::geteuid().is_root() {
        return;
    }
    open_up(path);
    let _ = std::fs::remove_dir_all(path);
}

fn open_up(path: &Path) {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return;
    };
    if !meta.is_dir() {
        return;
    }
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700));
    if let Ok(entries) = std::fs::read_dir(path) {
        for entry in entries.flatten() {
            open_up(&entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(code: i32, stdout: &str, stderr: &str) -> io::Result<Finished> {
        Ok(Finished {
            pid: 1,
            status: Some(ExitStatus::from_raw(code << 8)),
            stdout: stdout.as_bytes().to_vec(),
            stderr: stderr.as_bytes().to_vec(),
        })
    }

    const T: Duration = Duration::from_secs(5);

    #[test]
    fn a_report_on_stdout_is_the_outcome() {
        let outcome = interpret(
            finished(
                0,
                "{\"ok\":false,\"step\":\"unshare\",\"errno\":\"EPERM\",\"detail\":\"no\",\"facts\":{\"seccomp\":\"2\"}}\n",
                "",
            ),
            T,
        );
        let ProbeOutcome::Report(report) = outcome else {
            panic!("{outcome:?}");
        };
        assert!(!report.ok);
        assert_eq!(report.step.as_deref(), Some("unshare"));
        assert_eq!(report.errno.as_deref(), Some("EPERM"));
        assert_eq!(report.facts["seccomp"], "2");
    }

    #[test]
    fn garbage_output_is_broken_with_some_stderr() {
        let outcome = interpret(finished(0, "hello", "thread 'main' panicked\nat x"), T);
        let ProbeOutcome::Broken { reason } = outcome else {
            panic!("{outcome:?}");
        };
        assert!(reason.contains("not a json object"), "{reason}");
        assert!(
            reason.ends_with("stderr: thread 'main' panicked at x"),
            "{reason}"
        );
        let outcome = interpret(finished(0, "{\"ok\": tru", ""), T);
        assert!(
            matches!(outcome, ProbeOutcome::Broken { reason } if reason.contains("invalid report"))
        );
        let outcome = interpret(finished(0, "  \n", ""), T);
        assert!(matches!(outcome, ProbeOutcome::Broken { reason } if reason.contains("no output")));
    }

    #[test]
    fn a_failing_exit_is_broken_even_with_a_report() {
        let outcome = interpret(finished(2, "{\"ok\":true}", "usage"), T);
        assert_eq!(
            outcome,
            ProbeOutcome::Broken {
                reason: "the probe exited with status 2; stderr: usage".to_string()
            }
        );
        let killed = Ok(Finished {
            pid: 1,
            status: Some(ExitStatus::from_raw(11)),
            stdout: vec![],
            stderr: vec![],
        });
        assert_eq!(
            interpret(killed, T),
            ProbeOutcome::Broken {
                reason: "the probe was killed by signal 11 (SIGSEGV)".to_string()
            }
        );
    }

    #[test]
    fn long_stderr_is_cut() {
        let long = "x".repeat(1000);
        let note = stderr_note(long.as_bytes());
        assert!(note.ends_with("..."));
        assert!(note.len() < 350);
    }

    #[test]
    fn no_status_is_a_timeout_and_spawn_errors_are_broken() {
        let timed_out = Ok(Finished {
            pid: 1,
            status: None,
            stdout: vec![],
            stderr: vec![],
        });
        assert_eq!(
            interpret(timed_out, Duration::from_millis(2500)),
            ProbeOutcome::TimedOut { seconds: 2.5 }
        );
        let outcome = interpret(Err(io::Error::from_raw_os_error(1)), T);
        assert_eq!(
            outcome,
            ProbeOutcome::Broken {
                reason: "cannot start the probe: EPERM (operation not permitted)".into()
            }
        );
    }

    #[test]
    fn live_probes_time_out_and_kill_the_group() {
        // A stand-in doctor that never answers, with a straggler in its group.
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("fake-doctor");
        std::fs::write(&exe, "#!/bin/sh\nsleep 30 & sleep 30\n").unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let plan = ProbePlan {
            scratch_parent: dir.path().to_path_buf(),
            ..ProbePlan::new(
                nix::unistd::getuid().as_raw(),
                nix::unistd::getgid().as_raw(),
            )
        };
        let started = std::time::Instant::now();
        let probes = LiveProbes::run(
            &exe,
            &[ProbeKind::Overlay, ProbeKind::BindMount, ProbeKind::Overlay],
            &plan,
            Duration::from_millis(300),
        );
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(probes.outcomes().len(), 2);
        assert_eq!(
            probes.get(ProbeKind::Overlay),
            Some(ProbeOutcome::TimedOut { seconds: 0.3 })
        );
        assert_eq!(probes.get(ProbeKind::UsernsCreate), None);
    }

    #[test]
    fn the_child_sees_the_plan_and_a_clean_environment() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("fake-doctor");
        std::fs::write(
            &exe,
            "#!/bin/sh\nprintf '{\"ok\":true,\"detail\":\"%s %s\",\"facts\":{\"env\":\"%s\",\"cwd\":\"%s\"}}' \"$1\" \"$2\" \"$(env | sort | tr '\\n' ' ')\" \"$(pwd)\"\n",
        )
        .unwrap();
        std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        let plan = ProbePlan {
            scratch_parent: dir.path().to_path_buf(),
            ..ProbePlan::new(
                nix::unistd::getuid().as_raw(),
                nix::unistd::getgid().as_raw(),
            )
        };
        let probes = LiveProbes::run(&exe, &[ProbeKind::UsernsCreate], &plan, T);
        let Some(ProbeOutcome::Report(report)) = probes.get(ProbeKind::UsernsCreate) else {
            panic!("{:?}", probes.outcomes());
        };
        assert_eq!(report.detail, "__probe userns-create");
        assert_eq!(report.facts["cwd"], "/");
        let env = &report.facts["env"];
        assert!(env.contains("LANG=C"), "{env}");
        assert!(env.contains(&format!("PATH={PROBE_PATH}")), "{env}");
        assert!(!env.contains("HOME="), "{env}");
    }

    #[test]
    fn leftover_scratch_of_a_child_is_swept() {
        let dir = tempfile::tempdir().unwrap();
        let plan = ProbePlan {
            scratch_parent: dir.path().to_path_buf(),
            ..ProbePlan::new(
                nix::unistd::getuid().as_raw(),
                nix::unistd::getgid().as_raw(),
            )
        };
        let left = dir.path().join(format!("{SCRATCH_PREFIX}4242.abcdef"));
        std::fs::create_dir_all(left.join("work/work")).unwrap();
        std::fs::set_permissions(left.join("work/work"), PermissionsExt::from_mode(0o000)).unwrap();
        let other = dir.path().join(format!("{SCRATCH_PREFIX}42420.abcdef"));
        std::fs::create_dir(&other).unwrap();
        sweep_scratch(&plan, 4242);
        assert!(!left.exists());
        assert!(other.exists());
    }
}
