//! Test support shared by the unit tests of the check modules: the fixtures
//! several families judge against, written once.

use crate::check::{CheckDef, Context, Outcome};
use crate::distro::Distro;
use crate::host::HostFs;
use crate::live::Live;
use crate::os_release::OsRelease;
use crate::probe::{ProbeReport, Probes};
use crate::subject::Subject;
use std::path::Path;

/// The distribution most fixtures run on.
pub(crate) fn debian() -> Distro {
    Distro::from_os_release(&OsRelease::parse("ID=debian\n"))
}

/// A probe that failed at `step` with `errno`.
pub(crate) fn failed_probe(step: &str, errno: &str) -> Live {
    Live::Report(ProbeReport {
        ok: false,
        step: Some(step.into()),
        errno: Some(errno.into()),
        ..Default::default()
    })
}

/// The subject of most fixture hosts: alice, uid and gid 1000, in a login
/// session with /run/user/1000.
pub(crate) fn alice() -> Subject {
    Subject {
        name: "alice".into(),
        uid: 1000,
        gid: 1000,
        home: "/home/alice".into(),
        xdg_runtime_dir: Some("/run/user/1000".into()),
        path: "/usr/local/bin:/usr/bin:/bin".into(),
        is_invoker: true,
    }
}

/// Writes `text` at `host_path` of the fixture host rooted at `root`.
pub(crate) fn put(root: &Path, host_path: &str, text: &str) {
    let real = root.join(host_path.trim_start_matches('/'));
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::write(real, text).unwrap();
}

/// Runs `def` for alice on the fixture host at `root` through a [`Context`],
/// which (in tests) asserts that the outcome carries a code the check declares.
pub(crate) fn run_with(
    root: &Path,
    os: &str,
    probes: &dyn Probes,
    def: &'static CheckDef,
) -> Outcome {
    let host = HostFs::rooted(root);
    let subject = alice();
    let os = OsRelease::parse(os);
    Context::new(&host, &subject, &os, probes).outcome_of(def)
}
