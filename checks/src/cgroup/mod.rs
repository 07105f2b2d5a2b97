//! cgroups: whether resource limits are available to rootless containers.
//!
//! [`delegation`] holds `cgroup.delegation`, which judges what the subject's
//! systemd user manager may use; the hierarchy itself (v2, hybrid, v1) comes
//! from [`crate::cgroupfs`], shared with `runtime.oci-runtime`. [`codes`] holds
//! the family's finding codes.
//!
//! Decisions: docs/checks/cgroup.md.

pub mod codes;
pub mod delegation;

pub use codes::Code;
pub use delegation::DELEGATION;
