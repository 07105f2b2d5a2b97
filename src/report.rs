//! A finished run, ready to render: who, where, what was found.

use crate::who::Chosen;
use checks::capabilities::Capabilities;
use checks::check::EngineVerdict;
use checks::os_release::OsRelease;
use checks::subject::Subject;
use checks::{CheckResult, Status};

/// The report header's facts about this machine.
#[derive(Clone, Debug)]
pub(crate) struct HostInfo {
    pub(crate) kernel_release: String,
    pub(crate) arch: String,
    pub(crate) hostname: String,
    pub(crate) os_release: OsRelease,
    pub(crate) running_as_root: bool,
    /// Why the doctor believes it runs in a container, if it does.
    pub(crate) container: Option<String>,
}

impl HostInfo {
    /// Gathers the header: identity from sysinfo, distribution from `os_release`.
    pub(crate) fn gather(
        os_release: OsRelease,
        running_as_root: bool,
        container: Option<String>,
    ) -> Self {
        HostInfo {
            kernel_release: sysinfo::System::kernel_version().unwrap_or_default(),
            arch: sysinfo::System::cpu_arch(),
            hostname: sysinfo::System::host_name().unwrap_or_default(),
            os_release,
            running_as_root,
            container,
        }
    }
}

/// Everything a renderer needs.
pub(crate) struct Report {
    pub(crate) host: HostInfo,
    pub(crate) subject: Subject,
    pub(crate) chosen: Chosen,
    /// Host reports only.
    pub(crate) capabilities: Option<Capabilities>,
    /// Host reports only: one verdict per installed engine.
    pub(crate) engines: Option<Vec<EngineVerdict>>,
    /// Bundle reports only: the bundle directory.
    pub(crate) bundle: Option<std::path::PathBuf>,
    pub(crate) results: Vec<CheckResult>,
    pub(crate) exit_code: u8,
}

impl Report {
    /// How many checks ended with `status`.
    pub(crate) fn count(&self, status: Status) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome.status == status)
            .count()
    }

    /// The counts of every status in report order: `9 pass, 3 skip, ...`.
    pub(crate) fn counts(&self) -> String {
        let parts: Vec<String> = Status::ALL
            .iter()
            .map(|&status| format!("{} {status}", self.count(status)))
            .collect();
        parts.join(", ")
    }

    /// The width of the longest check id, for aligned columns.
    pub(crate) fn id_width(&self) -> usize {
        self.results
            .iter()
            .map(|r| r.def.id.len())
            .max()
            .unwrap_or(0)
    }
}
