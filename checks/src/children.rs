//! The hidden `__probe` entry point: which child role an invocation asks
//! for. The bundle-reading child ([`crate::preflight::as_subject`]) sits above
//! the checks; every other role is a probe's ([`crate::probe::child_main`]),
//! so `probe/` knows nothing above it.

use crate::preflight::as_subject;
use crate::probe;

/// The children's `main`: `args` are the arguments after
/// [`probe::PROBE_ARG`]. Returns the process exit code.
pub fn child_main(args: &[String]) -> i32 {
    match args {
        [role, request] if role == as_subject::ROLE => as_subject::child_main(request),
        _ => probe::child_main(args),
    }
}
