//! Host knowledge for rootless-doctor.
//!
//! Everything the doctor knows about rootless containers lives here: the report
//! model ([`model`]), the seams through which the host is read ([`host`],
//! [`subject`], [`probe`]), the registry of checks ([`registry`]) and one module
//! per check family. Checks gather facts through the seams and judge them in
//! pure functions; nothing in this crate prints.

pub mod accounts;
pub mod bundle;
pub mod capabilities;
pub mod cgroup;
pub mod container;
pub mod distro;
pub mod explain;
#[doc(hidden)]
pub mod fuzzing;
pub mod host;
pub mod idmap;
pub mod mappings;
pub mod model;
pub mod mount;
pub mod mountinfo;
pub mod os_release;
pub mod privdrop;
pub mod probe;
pub mod registry;
pub mod runtime;
pub mod shell;
pub mod subid;
pub mod subject;
#[cfg(test)]
mod testing;
pub mod userns;

pub use model::{Evidence, Outcome, Remediation, Status};
pub use registry::{CheckDef, CheckResult, Context, HOST_CHECKS};
