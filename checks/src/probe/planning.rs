//! Building the probe plan for a subject from what the host checks know.
//!
//! The plan uses exactly what the subject's runtime would use: newuidmap and
//! newgidmap as runc finds them on the subject's PATH, the subject's
//! subordinate ranges as shadow reads them, and fuse-overlayfs on PATH.

use super::plan::ProbePlan;
use crate::host::HostFs;
use crate::idmap::{locate, MapTool};
use crate::subid::{subject_ranges, SubidFile};
use crate::subject::Subject;

/// The ids a multi-id container maps besides the subject's own.
pub const MULTI_ID_RANGE: u32 = 65535;

/// The plan for probing as `subject`; `drop_privileges` when root probes for
/// someone else.
pub fn plan_for(host: &HostFs, subject: &Subject, drop_privileges: bool) -> ProbePlan {
    ProbePlan {
        drop_privileges,
        newuidmap: locate(host, &subject.path, MapTool::Uid),
        newgidmap: locate(host, &subject.path, MapTool::Gid),
        subuid: best_range(&subject_ranges(host, subject, SubidFile::Uid)),
        subgid: best_range(&subject_ranges(host, subject, SubidFile::Gid)),
        fuse_overlayfs: host.look_path("fuse-overlayfs", &subject.path),
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
}
