//! Test support shared by the unit tests of the check modules: the fixtures
//! several families judge against, written once.

use crate::distro::Distro;
use crate::live::Live;
use crate::os_release::OsRelease;
use crate::probe::ProbeReport;

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
