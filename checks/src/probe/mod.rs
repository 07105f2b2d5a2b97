//! Live probes: what the doctor learns by trying things for real.
//!
//! A probe runs in a throwaway child process and reports a [`ProbeReport`].
//! Checks never run probes themselves; they ask a [`Probes`] value, which is
//! [`LiveProbes`] on the real host, [`CannedProbes`] replayed from a file in
//! fixture tests, or [`NoProbes`] where nothing may be tried.
//!
//! The live side has two halves. The parent ([`LiveProbes::run`]) re-executes
//! the doctor binary as `<exe> __probe <name> <plan-json>` once per probe, all
//! at once, each in its own process group, as the subject, and kills a group
//! at the deadline. The child ([`child_main`]) runs before any thread exists,
//! performs one probe in fresh namespaces, prints one JSON [`ProbeReport`] and
//! exits 0; the report carries the failure. The step names, errno names and
//! facts of each probe are a contract (see `docs/probes.md`).

mod child;
mod live;
mod plan;

mod runner;

pub use child::{child_main, PROBE_ARG};
pub(crate) use live::run_one;
/// The most of a child's standard output that is kept (more is cut off).
pub(crate) const ANSWER_CAP: usize = runner::STDOUT_CAP;
pub use live::LiveProbes;
pub use plan::ProbePlan;
pub use plan::{plan_for, MULTI_ID_RANGE};

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The live probes, each with a stable kebab-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeKind {
    /// Unshare a user namespace and map the own id to 0.
    UsernsCreate,
    /// Map own id -> 0 and the subordinate range -> 1.. through newuidmap/newgidmap.
    MultiMap,
    /// Bind mount inside a user + mount namespace.
    BindMount,
    /// Native overlayfs inside a user namespace.
    Overlay,
    /// fuse-overlayfs inside a user namespace.
    FuseOverlayfs,
    /// Open /dev/net/tun and create a tap device in a user + network namespace.
    NetTun,
    /// Run the network helpers' `--version`, then start slirp4netns for real.
    NetHelper,
    /// The engine's storage driver tested on its storage filesystem.
    StorageDriver,
    /// An idmapped mount of a directory on the storage filesystem.
    IdmappedMount,
}

impl ProbeKind {
    /// Every probe.
    pub const ALL: [ProbeKind; 9] = [
        ProbeKind::UsernsCreate,
        ProbeKind::MultiMap,
        ProbeKind::BindMount,
        ProbeKind::Overlay,
        ProbeKind::FuseOverlayfs,
        ProbeKind::NetTun,
        ProbeKind::NetHelper,
        ProbeKind::StorageDriver,
        ProbeKind::IdmappedMount,
    ];

    /// The stable name used in evidence and on the probe command line.
    pub fn name(self) -> &'static str {
        match self {
            ProbeKind::UsernsCreate => "userns-create",
            ProbeKind::MultiMap => "multi-map",
            ProbeKind::BindMount => "bind-mount",
            ProbeKind::Overlay => "overlay",
            ProbeKind::FuseOverlayfs => "fuse-overlayfs",
            ProbeKind::NetTun => "net-tun",
            ProbeKind::NetHelper => "net-helper",
            ProbeKind::StorageDriver => "storage-driver",
            ProbeKind::IdmappedMount => "idmapped-mount",
        }
    }

    /// The probe with this name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.name() == name)
    }
}

impl fmt::Display for ProbeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What a probe child reported about its attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProbeReport {
    /// The thing worked.
    pub ok: bool,
    /// The step that failed (`unshare`, `newuidmap`, `mount`, ...), if any.
    pub step: Option<String>,
    /// The errno name of the failure (`EPERM`), if any.
    pub errno: Option<String>,
    /// A human-readable account of what happened.
    pub detail: String,
    /// Anything else worth keeping: maps read back, a tool's stderr.
    pub facts: BTreeMap<String, String>,
}

/// How asking for a probe ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProbeOutcome {
    /// The probe ran and reported.
    Report(ProbeReport),
    /// The probe did not finish in time and was killed.
    TimedOut { seconds: f64 },
    /// The probe could not run or said nothing intelligible.
    Broken { reason: String },
}

/// A source of probe outcomes.
pub trait Probes: Sync {
    /// The outcome of a probe; `None` when probes are not available here.
    fn get(&self, kind: ProbeKind) -> Option<ProbeOutcome>;

    /// Waits until no probe is running any more (probes that run in the
    /// background finish here; others have nothing to wait for).
    fn wait(&self) {}
}

/// No live probes (a fixture host without canned results).
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProbes;

impl Probes for NoProbes {
    fn get(&self, _kind: ProbeKind) -> Option<ProbeOutcome> {
        None
    }
}

/// Probe outcomes replayed from a document, for fixture hosts.
///
/// The document maps probe names to outcomes, e.g.
/// `{"userns-create": {"report": {"ok": false, "errno": "EPERM"}},
///   "multi-map": {"timed-out": {"seconds": 5.0}}}`.
#[derive(Clone, Debug, Default)]
pub struct CannedProbes {
    outcomes: BTreeMap<ProbeKind, ProbeOutcome>,
}

impl CannedProbes {
    /// Parses the document; unknown probe names are an error naming them.
    pub fn from_json(text: &str) -> Result<Self, String> {
        let raw: BTreeMap<String, ProbeOutcome> =
            serde_json::from_str(text).map_err(|e| format!("invalid canned probes: {e}"))?;
        let mut outcomes = BTreeMap::new();
        for (name, outcome) in raw {
            let kind =
                ProbeKind::from_name(&name).ok_or_else(|| format!("unknown probe '{name}'"))?;
            outcomes.insert(kind, outcome);
        }
        Ok(CannedProbes { outcomes })
    }
}

impl Probes for CannedProbes {
    fn get(&self, kind: ProbeKind) -> Option<ProbeOutcome> {
        self.outcomes.get(&kind).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canned_probes_parse_every_outcome_kind() {
        let canned = CannedProbes::from_json(
            r#"{"userns-create": {"report": {"ok": false, "step": "unshare", "errno": "EPERM"}},
                "multi-map": {"timed-out": {"seconds": 5.0}},
                "overlay": {"broken": {"reason": "no output"}}}"#,
        )
        .unwrap();
        let Some(ProbeOutcome::Report(report)) = canned.get(ProbeKind::UsernsCreate) else {
            panic!("expected a report");
        };
        assert_eq!(report.errno.as_deref(), Some("EPERM"));
        assert_eq!(
            canned.get(ProbeKind::MultiMap),
            Some(ProbeOutcome::TimedOut { seconds: 5.0 })
        );
        assert_eq!(canned.get(ProbeKind::BindMount), None);
    }

    #[test]
    fn unknown_probe_names_are_rejected() {
        let err =
            CannedProbes::from_json(r#"{"teleport": {"broken": {"reason": ""}}}"#).unwrap_err();
        assert_eq!(err, "unknown probe 'teleport'");
    }
}
