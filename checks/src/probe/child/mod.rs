//! The probe child: the doctor re-executed as `__probe <name> <plan-json>`.
//!
//! Contract: [`child_main`] is called first thing in `main`, before any
//! thread exists (unshare(CLONE_NEWUSER) fails with EINVAL in a
//! multi-threaded process). It runs one probe, undoes what the probe set up
//! (mounts, helper processes, the scratch directory), prints one JSON
//! [`ProbeReport`] on stdout and returns 0: the report carries the failure.
//! Bad arguments return 2 with a message on stderr. The child writes only in
//! its private scratch directory (0700, created exclusively under the plan's
//! `scratch_parent`), and mounts only in its own mount namespace.

mod fuse;
mod idmap;
mod mounts;
mod multimap;
mod net;
mod storage;
mod sys;
mod userns;

use super::plan::ProbePlan;
use super::{ProbeKind, ProbeReport};
use nix::errno::Errno;
use nix::mount::{mount, umount2, MntFlags, MsFlags};
use nix::sched::{unshare, CloneFlags};
use nix::sys::stat::{umask, Mode};
use nix::unistd::{getgid, getuid, mkdtemp};
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::Child;

/// The hidden first argument that makes the doctor a probe child.
pub const PROBE_ARG: &str = "__probe";
/// The role of the multi-map probe's namespace holder (its own child).
pub(crate) const HOLDER: &str = "multi-map-holder";
/// Scratch directories are named `<prefix><pid>.XXXXXX` under `scratch_parent`.
pub(crate) const SCRATCH_PREFIX: &str = "rootless-doctor-probe.";
/// Facts longer than this are cut (tool stderr, maps).
const FACT_CAP: usize = 2000;

/// The probe child's `main`: `args` are the arguments after `__probe`.
/// Returns the process exit code.
pub fn child_main(args: &[String]) -> i32 {
    match args {
        [role] if role == HOLDER => multimap::holder_main(),
        [role, plan, pids] if role == super::live::SWEEP_ROLE => {
            super::live::sweep_main(plan, pids)
        }
        [name, plan] => {
            let Some(kind) = ProbeKind::from_name(name) else {
                return usage(&format!("unknown probe '{name}'"));
            };
            let plan = match ProbePlan::from_json(plan) {
                Ok(plan) => plan,
                Err(e) => return usage(&e),
            };
            umask(Mode::from_bits_truncate(0o077));
            emit(&run(kind, &plan))
        }
        _ => usage("expected a probe name and a plan"),
    }
}

fn usage(problem: &str) -> i32 {
    let _ = writeln!(
        io::stderr(),
        "rootless-doctor {PROBE_ARG}: {problem} (usage: {PROBE_ARG} <probe> <plan-json>; internal use only)"
    );
    2
}

fn emit(report: &ProbeReport) -> i32 {
    let mut out = io::stdout().lock();
    let text = serde_json::to_string(report)
        .unwrap_or_else(|e| format!(r#"{{"ok":false,"detail":"cannot encode the report: {e}"}}"#));
    let _ = out.write_all(text.as_bytes());
    let _ = out.write_all(b"\n");
    let _ = out.flush();
    0
}

/// Runs one probe and its cleanup, and builds the report.
fn run(kind: ProbeKind, plan: &ProbePlan) -> ProbeReport {
    let mut facts = BTreeMap::new();
    let mut cleanup = Cleanup::default();
    let result = match kind {
        ProbeKind::UsernsCreate => userns::probe(&mut facts),
        ProbeKind::MultiMap => multimap::probe(plan, &mut facts),
        ProbeKind::BindMount => mounts::bind(plan, &mut facts, &mut cleanup),
        ProbeKind::Overlay => mounts::overlay(plan, &mut facts, &mut cleanup),
        ProbeKind::FuseOverlayfs => fuse::probe(plan, &mut facts, &mut cleanup),
        ProbeKind::NetTun => net::tun(&mut facts),
        ProbeKind::NetHelper => net::helper(plan, &mut facts),
        ProbeKind::StorageDriver => storage::probe(plan, &mut facts, &mut cleanup),
        ProbeKind::IdmappedMount => idmap::probe(plan, &mut facts, &mut cleanup),
    };
    cleanup.run(&mut facts);
    match result {
        Ok(detail) => ProbeReport {
            ok: true,
            step: None,
            errno: None,
            detail,
            facts,
        },
        Err(failure) => ProbeReport {
            ok: false,
            step: Some(failure.step.to_string()),
            errno: failure.errno.map(|e| format!("{e:?}")),
            detail: failure.detail,
            facts,
        },
    }
}

/// What a probe says on success: a lower-case sentence.
pub(crate) type Step = Result<String, Failure>;

/// The step that failed, its errno if it has one, and a sentence.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) step: &'static str,
    pub(crate) errno: Option<Errno>,
    pub(crate) detail: String,
}

impl Failure {
    /// A failure that is not a system call error (a tool exited non-zero, a
    /// map did not contain what was asked).
    pub(crate) fn plain(step: &'static str, detail: impl Into<String>) -> Self {
        Failure {
            step,
            errno: None,
            detail: detail.into(),
        }
    }

    /// A system call failed: `what` names the call, the errno completes it.
    pub(crate) fn errno(step: &'static str, errno: Errno, what: &str) -> Self {
        Failure {
            step,
            errno: Some(errno),
            detail: format!("{what} failed with {}", describe(errno)),
        }
    }

    /// An I/O error, described by its errno when it has one.
    pub(crate) fn io(step: &'static str, err: &io::Error, what: &str) -> Self {
        match err.raw_os_error() {
            Some(code) => Failure::errno(step, Errno::from_raw(code), what),
            None => Failure::plain(step, format!("{what} failed: {err}")),
        }
    }
}

/// `EPERM (operation not permitted)`.
pub(crate) fn describe(errno: Errno) -> String {
    format!("{errno:?} ({})", errno.desc().to_lowercase())
}

/// Cuts a fact to [`FACT_CAP`] characters and trims it.
pub(crate) fn fact_text(text: &str) -> String {
    let text = text.trim();
    let mut cut: String = text.chars().take(FACT_CAP).collect();
    if cut.len() < text.len() {
        cut.push_str("...");
    }
    cut
}

/// Fields of /proc/self/status (`Seccomp`, `NoNewPrivs`, `CapEff`, ...).
pub(crate) fn status_fields() -> BTreeMap<String, String> {
    let text = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    text.lines()
        .filter_map(|line| line.split_once(':'))
        .map(|(key, value)| (key.trim().to_string(), value.trim().to_string()))
        .collect()
}

/// An id map as read back, one `inside outside count` triple per line with
/// single spaces.
pub(crate) fn read_map(path: &str) -> io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    Ok(normalize_map(&text))
}

/// Collapses the kernel's column padding: `0 1001 1\n1 200000 65535`.
pub(crate) fn normalize_map(text: &str) -> String {
    text.lines()
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Parses a normalized map into triples; malformed lines are skipped.
pub(crate) fn parse_map(text: &str) -> Vec<(u64, u64, u64)> {
    text.lines()
        .filter_map(|line| {
            let mut fields = line.split_whitespace().map(str::parse::<u64>);
            match (fields.next(), fields.next(), fields.next()) {
                (Some(Ok(a)), Some(Ok(b)), Some(Ok(c))) => Some((a, b, c)),
                _ => None,
            }
        })
        .collect()
}

/// Which write of [`map_self`] failed.
pub(crate) type MapError = (&'static str, io::Error);

/// Maps the caller's own uid and gid to 0 in the user namespace it just
/// created: "deny" to setgroups (absent before Linux 3.19, then skipped),
/// then uid_map, then gid_map. The error names the file (`setgroups`,
/// `uid_map`, `gid_map`).
pub(crate) fn map_self(uid: u32, gid: u32) -> Result<(), MapError> {
    match std::fs::write("/proc/self/setgroups", "deny") {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(("setgroups", e)),
        _ => {}
    }
    std::fs::write("/proc/self/uid_map", format!("0 {uid} 1")).map_err(|e| ("uid_map", e))?;
    std::fs::write("/proc/self/gid_map", format!("0 {gid} 1")).map_err(|e| ("gid_map", e))
}

/// Enters a new user and mount namespace with the own ids mapped to 0 (steps
/// `unshare` and `map`), and stops mount propagation out of it.
pub(crate) fn enter_user_and_mount_ns(facts: &mut BTreeMap<String, String>) -> Result<(), Failure> {
    let (uid, gid) = (getuid().as_raw(), getgid().as_raw());
    unshare(CloneFlags::CLONE_NEWUSER | CloneFlags::CLONE_NEWNS)
        .map_err(|e| Failure::errno("unshare", e, "unshare(CLONE_NEWUSER|CLONE_NEWNS)"))?;
    map_self(uid, gid)
        .map_err(|(file, e)| Failure::io("map", &e, &format!("writing /proc/self/{file}")))?;
    // A mount namespace owned by a less privileged user namespace already
    // receives the host's shared mounts as slaves, so nothing can propagate
    // back; making everything private is belt and braces.
    if let Err(e) = mount(
        None::<&str>,
        "/",
        None::<&str>,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        None::<&str>,
    ) {
        facts.insert("make-private".to_string(), describe(e));
    }
    Ok(())
}

/// Creates the private scratch directory (step `mkdtemp`) and the named
/// subdirectories in it, registers it for removal and returns its canonical
/// path. mkdtemp creates exclusively with mode 0700.
pub(crate) fn make_scratch(
    plan: &ProbePlan,
    subdirs: &[&str],
    cleanup: &mut Cleanup,
) -> Result<PathBuf, Failure> {
    let template = plan
        .scratch_parent
        .join(format!("{SCRATCH_PREFIX}{}.XXXXXX", std::process::id()));
    let created = mkdtemp(&template).map_err(|e| {
        Failure::errno(
            "mkdtemp",
            e,
            &format!(
                "creating a scratch directory in {}",
                plan.scratch_parent.display()
            ),
        )
    })?;
    cleanup.scratch = Some(created.clone());
    let path = std::fs::canonicalize(&created)
        .map_err(|e| Failure::io("mkdtemp", &e, &format!("resolving {}", created.display())))?;
    cleanup.scratch = Some(path.clone());
    for name in subdirs {
        let dir = path.join(name);
        std::fs::create_dir(&dir)
            .map_err(|e| Failure::io("mkdtemp", &e, &format!("creating {}", dir.display())))?;
    }
    Ok(path)
}

/// What a probe must undo before it reports, whatever happened.
#[derive(Debug, Default)]
pub(crate) struct Cleanup {
    /// Mount points to detach, innermost last.
    pub(crate) mounts: Vec<PathBuf>,
    /// A helper process to stop (fuse-overlayfs).
    pub(crate) daemon: Option<Child>,
    /// The scratch directory to remove.
    pub(crate) scratch: Option<PathBuf>,
    /// The probe changed its working directory (into the scratch directory).
    pub(crate) moved_cwd: bool,
}

impl Cleanup {
    /// Detaches the mounts, stops the helper, removes the scratch directory;
    /// anything that could not be undone goes into the `cleanup` fact.
    fn run(mut self, facts: &mut BTreeMap<String, String>) {
        let mut problems = Vec::new();
        for point in self.mounts.iter().rev() {
            match umount2(point, MntFlags::MNT_DETACH) {
                // EINVAL: not (or no longer) a mount point.
                Ok(()) | Err(Errno::EINVAL) => {}
                Err(e) => problems.push(format!(
                    "cannot unmount {}: {}",
                    point.display(),
                    describe(e)
                )),
            }
        }
        if let Some(mut daemon) = self.daemon.take() {
            stop(&mut daemon);
        }
        if self.moved_cwd {
            let _ = std::env::set_current_dir("/");
        }
        if let Some(scratch) = self.scratch.take() {
            if let Err(e) = std::fs::remove_dir_all(&scratch) {
                problems.push(format!("cannot remove {}: {e}", scratch.display()));
            }
        }
        if !problems.is_empty() {
            facts.insert("cleanup".to_string(), problems.join("; "));
        }
    }
}

/// Kills a helper that is still running and reaps it.
pub(crate) fn stop(child: &mut Child) {
    if let Ok(None) = child.try_wait() {
        let _ = child.kill();
    }
    let _ = child.wait();
}

/// True when `path` is a mount point of type `fuse*` in this mount namespace.
pub(crate) fn is_fuse_mounted(path: &Path) -> bool {
    let text = std::fs::read_to_string("/proc/self/mountinfo").unwrap_or_default();
    crate::mountinfo::parse(&text)
        .iter()
        .any(|m| m.mount_point == path && m.fs_type.starts_with("fuse"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_are_normalized_and_parsed() {
        let raw = "         0       1001          1\n         1     200000      65535\n";
        let map = normalize_map(raw);
        assert_eq!(map, "0 1001 1\n1 200000 65535");
        assert_eq!(parse_map(&map), vec![(0, 1001, 1), (1, 200000, 65535)]);
        assert_eq!(parse_map("x y z\n0 0"), vec![]);
    }

    #[test]
    fn failures_name_the_errno() {
        let failure = Failure::errno("unshare", Errno::EPERM, "unshare(CLONE_NEWUSER)");
        assert_eq!(
            failure.detail,
            "unshare(CLONE_NEWUSER) failed with EPERM (operation not permitted)"
        );
        let failure = Failure::io("map", &io::Error::from_raw_os_error(13), "writing x");
        assert_eq!(failure.errno, Some(Errno::EACCES));
        let failure = Failure::io("read-map", &io::Error::other("odd"), "reading");
        assert_eq!(
            (failure.errno, failure.detail.as_str()),
            (None, "reading failed: odd")
        );
    }

    #[test]
    fn reports_carry_the_errno_name() {
        let report = ProbeReport {
            ok: false,
            step: Some("unshare".into()),
            errno: Failure::errno("unshare", Errno::ENOSPC, "x")
                .errno
                .map(|e| format!("{e:?}")),
            ..ProbeReport::default()
        };
        assert_eq!(report.errno.as_deref(), Some("ENOSPC"));
    }

    #[test]
    fn long_facts_are_cut() {
        assert_eq!(fact_text("  short \n"), "short");
        assert!(fact_text(&"y".repeat(5000)).ends_with("..."));
    }

    #[test]
    fn bad_arguments_exit_2() {
        assert_eq!(child_main(&[]), 2);
        assert_eq!(child_main(&["teleport".into(), "{}".into()]), 2);
        assert_eq!(child_main(&["overlay".into(), "not json".into()]), 2);
    }

    #[test]
    fn scratch_is_private_and_removed() {
        use std::os::unix::fs::PermissionsExt;
        let parent = tempfile::tempdir().unwrap();
        let plan = ProbePlan {
            scratch_parent: parent.path().to_path_buf(),
            ..ProbePlan::new(0, 0)
        };
        let mut cleanup = Cleanup::default();
        let scratch = make_scratch(&plan, &["a", "b"], &mut cleanup).unwrap();
        let mode = std::fs::metadata(&scratch).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        assert!(scratch.join("b").is_dir());
        let name = scratch.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(&format!("{SCRATCH_PREFIX}{}.", std::process::id())));
        let mut facts = BTreeMap::new();
        cleanup.run(&mut facts);
        assert!(!scratch.exists());
        assert!(facts.is_empty(), "{facts:?}");
    }

    #[test]
    fn scratch_in_a_missing_parent_fails_at_mkdtemp() {
        let plan = ProbePlan {
            scratch_parent: "/nonexistent/parent".into(),
            ..ProbePlan::new(0, 0)
        };
        let failure = make_scratch(&plan, &[], &mut Cleanup::default()).unwrap_err();
        assert_eq!(
            (failure.step, failure.errno),
            ("mkdtemp", Some(Errno::ENOENT))
        );
    }
}
