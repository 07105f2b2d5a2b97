//! The probe plan: who a probe runs as and what it may use, and how the
//! parent builds it for a subject ([`plan_for`]).
//!
//! The parent builds one plan per run and passes it to every probe child as a
//! JSON argument. The child trusts nothing else: it takes tool paths,
//! subordinate ranges and the scratch location from the plan, and its own ids
//! from the kernel (which equal `uid`/`gid` whenever the parent dropped to them).

use crate::engines::storage;
use crate::host::HostFs;
use crate::subject::Subject;
use crate::subordinate::{subject_ranges, SubidFile};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// Everything a probe child needs to know, decided by the parent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbePlan {
    /// The subject's uid: the id probes run as and map to 0.
    pub uid: u32,
    /// The subject's primary gid: the group probes run as and map to 0.
    pub gid: u32,
    /// True when the parent runs as root for another user: the child then
    /// clears supplementary groups and sets `gid`, then `uid`, before exec.
    pub drop_privileges: bool,
    /// The newuidmap to run (as the subject), if one was found.
    #[serde(default)]
    pub newuidmap: Option<PathBuf>,
    /// The newgidmap to run (as the subject), if one was found.
    #[serde(default)]
    pub newgidmap: Option<PathBuf>,
    /// The subject's subordinate uid range (start, count), if any.
    #[serde(default)]
    pub subuid: Option<(u32, u32)>,
    /// The subject's subordinate gid range (start, count), if any.
    #[serde(default)]
    pub subgid: Option<(u32, u32)>,
    /// The fuse-overlayfs to try, if one was found.
    #[serde(default)]
    pub fuse_overlayfs: Option<PathBuf>,
    /// The network tools whose `--version` the net-helper probe runs
    /// (podman, slirp4netns, pasta, rootlesskit), as the engines would find them.
    #[serde(default)]
    pub net_tools: Vec<PathBuf>,
    /// The slirp4netns the net-helper probe starts for real, if one is found.
    #[serde(default)]
    pub slirp4netns: Option<PathBuf>,
    /// Where probes create their private scratch directories (the subject's
    /// XDG_RUNTIME_DIR when usable, else /tmp).
    pub scratch_parent: PathBuf,
    /// Where the storage probes work: the first engine's graph root, or its
    /// nearest existing ancestor the subject owns (see
    /// [`crate::engines::storage::probe_dir`]).
    #[serde(default)]
    pub storage_dir: Option<PathBuf>,
    /// The mount program the storage probe tries on that filesystem: the
    /// configured one, else fuse-overlayfs when found (containers/storage's
    /// fallback when native overlay fails).
    #[serde(default)]
    pub storage_mount_program: Option<PathBuf>,
    /// The mount program is configured (always tried), not a fallback.
    #[serde(default)]
    pub storage_mount_program_configured: bool,
}

impl ProbePlan {
    /// A plan for `uid`/`gid` with nothing found yet and scratch space in /tmp.
    pub fn new(uid: u32, gid: u32) -> Self {
        ProbePlan {
            uid,
            gid,
            drop_privileges: false,
            newuidmap: None,
            newgidmap: None,
            subuid: None,
            subgid: None,
            fuse_overlayfs: None,
            net_tools: Vec::new(),
            slirp4netns: None,
            scratch_parent: PathBuf::from("/tmp"),
            storage_dir: None,
            storage_mount_program: None,
            storage_mount_program_configured: false,
        }
    }

    /// The plan as the JSON argument of a probe child; fails on paths that are
    /// not UTF-8 (the error names the problem).
    pub fn to_json(&self) -> Result<String, String> {
        serde_json::to_string(self).map_err(|e| format!("cannot encode the probe plan: {e}"))
    }

    /// Parses the JSON argument of a probe child.
    pub fn from_json(text: &str) -> Result<Self, String> {
        serde_json::from_str(text).map_err(|e| format!("invalid probe plan: {e}"))
    }
}

/// The ids a multi-id container maps besides the subject's own.
pub const MULTI_ID_RANGE: u32 = 65535;

/// The plan for probing as `subject`; `drop_privileges` when root probes for
/// someone else.
pub fn plan_for(host: &HostFs, subject: &Subject, drop_privileges: bool) -> ProbePlan {
    let network = crate::engines::network::gather(host, subject);
    let fuse_overlayfs = host.look_path("fuse-overlayfs", &subject.path);
    let storage = storage::resolve(host, subject, &storage::EngineEnv::of(host, subject));
    let first = storage.first();
    let storage_dir = first.and_then(|s| storage::probe_dir(host, subject, &s.graphroot));
    let configured = first.and_then(|s| s.mount_program.clone());
    ProbePlan {
        net_tools: network.tools(),
        slirp4netns: network.slirp4netns_to_start(),
        storage_dir,
        storage_mount_program_configured: configured.is_some(),
        storage_mount_program: configured.or_else(|| fuse_overlayfs.clone()),
        drop_privileges,
        newuidmap: host.look_path("newuidmap", &subject.path),
        newgidmap: host.look_path("newgidmap", &subject.path),
        subuid: best_range(&subject_ranges(host, subject, SubidFile::Uid)),
        subgid: best_range(&subject_ranges(host, subject, SubidFile::Gid)),
        fuse_overlayfs,
        ..ProbePlan::new(subject.uid, subject.gid)
    }
}

/// The first range big enough for a multi-id container, else the largest.
fn best_range(ranges: &[(u32, u32)]) -> Option<(u32, u32)> {
    ranges
        .iter()
        .find(|(_, count)| *count >= MULTI_ID_RANGE)
        .or_else(|| ranges.iter().max_by_key(|(_, count)| *count))
        .copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_big_enough_range_wins_else_the_largest() {
        assert_eq!(
            best_range(&[(1, 10), (100000, 65536), (300000, 70000)]),
            Some((100000, 65536))
        );
        assert_eq!(
            best_range(&[(1, 10), (500, 1000), (9000, 20)]),
            Some((500, 1000))
        );
        assert_eq!(best_range(&[]), None);
    }

    #[test]
    fn plan_round_trips_through_json() {
        let plan = ProbePlan {
            drop_privileges: true,
            newuidmap: Some("/usr/bin/newuidmap".into()),
            newgidmap: Some("/usr/bin/newgidmap".into()),
            subuid: Some((200000, 65536)),
            subgid: Some((300000, 1000)),
            fuse_overlayfs: Some("/usr/bin/fuse-overlayfs".into()),
            scratch_parent: "/run/user/1001".into(),
            ..ProbePlan::new(1001, 1002)
        };
        let json = plan.to_json().unwrap();
        assert!(json.contains(r#""subuid":[200000,65536]"#), "{json}");
        assert_eq!(ProbePlan::from_json(&json).unwrap(), plan);
    }

    #[test]
    fn missing_optional_fields_are_none() {
        let plan = ProbePlan::from_json(
            r#"{"uid": 5, "gid": 6, "drop_privileges": false, "scratch_parent": "/tmp"}"#,
        )
        .unwrap();
        assert_eq!(plan, ProbePlan::new(5, 6));
    }

    #[test]
    fn garbage_plans_are_rejected_with_a_reason() {
        let err = ProbePlan::from_json(r#"{"uid": -1}"#).unwrap_err();
        assert!(err.starts_with("invalid probe plan:"), "{err}");
    }

    #[test]
    fn non_utf8_paths_cannot_be_encoded() {
        use std::os::unix::ffi::OsStrExt;
        let plan = ProbePlan {
            scratch_parent: std::ffi::OsStr::from_bytes(b"/tmp/\xff").into(),
            ..ProbePlan::new(1, 1)
        };
        assert!(plan.to_json().unwrap_err().contains("probe plan"));
    }
}
