//! Host knowledge for rootless-doctor.
//!
//! Everything the doctor knows about rootless containers lives here, in layers
//! that import only downwards:
//!
//! 1. host facts and plain data: [`model`], [`host`], [`subject`], [`accounts`],
//!    [`pam_limits`], [`os_release`], [`distro`], [`filecaps`], [`mountinfo`], [`cgroupfs`], [`subordinate`],
//!    [`spec`], [`shell`], [`privdrop`], [`container`], [`spawn`];
//! 2. live probes: [`probe`];
//! 3. what a check is: [`check`]; what the live checks share: [`live`],
//!    [`nsenv`];
//! 4. one module per check family ([`userns`], [`idmap`], [`subid`], [`mount`],
//!    [`runtime`], [`cgroup`], [`engine`], [`bundle`]), each importing other families only
//!    through their public `CheckDef`s and finding codes;
//! 5. what uses the checks: [`registry`] (the ordered lists), [`capabilities`],
//!    [`verdicts`] (the engines section),
//!    [`explain`], [`preflight`], [`children`], [`mappings`].
//!
//! Checks gather facts through the seams and judge them in pure functions;
//! nothing in this crate prints. `checks/tests/layers.rs` keeps the import
//! graph free of cycles.

pub mod accounts;
pub mod bundle;
pub mod capabilities;
pub mod cgroup;
pub mod cgroupfs;
pub mod check;
pub mod children;
pub mod container;
pub mod distro;
pub mod engine;
pub mod engines;
pub mod explain;
pub mod filecaps;
#[doc(hidden)]
pub mod fuzzing;
pub mod host;
pub mod idmap;
pub mod limits;
pub mod live;
pub mod mappings;
pub mod model;
pub mod mount;
pub mod mountinfo;
pub mod network;
pub mod nsenv;
pub mod os_release;
pub mod packages;
pub mod pam_limits;
pub mod preflight;
pub mod privdrop;
pub mod probe;
pub mod proc_status;
pub mod registry;
pub mod runtime;
pub mod session;
pub mod shell;
pub mod spawn;
pub mod spec;
pub mod state;
pub mod storage;
pub mod subid;
pub mod subject;
pub mod subordinate;
pub mod systemd;
#[cfg(test)]
mod testing;
pub mod userns;
pub mod verdicts;

pub use check::{CheckDef, CheckResult, Context, Finding, Outcome};
pub use model::{Code, CommonCode, Evidence, Remediation, Status};
pub use registry::{BUNDLE_CHECKS, HOST_CHECKS};
