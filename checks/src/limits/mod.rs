//! Resource limits: the subject's open-file and process limits against what
//! the engines give containers.
//!
//! [`nofile`] (`limits.nofile`); [`login`] works out what a login of another
//! user would get (systemd's defaults, init's limits, then limits.conf as
//! [`crate::pam_limits`] reads it).
//!
//! Decisions: docs/checks/limits.md.

pub mod codes;
pub mod login;
pub mod nofile;

pub use codes::Code;
pub use nofile::NOFILE;
