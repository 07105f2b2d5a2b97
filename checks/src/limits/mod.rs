//! Resource limits: the subject's open-file and process limits against what
//! the engines give containers.
//!
//! [`nofile`] (`limits.nofile`); [`proc_limits`] parses /proc/PID/limits;
//! [`login`] works out what a login of another user would get (systemd's
//! defaults, init's limits, limits.conf).
//!
//! Decisions: docs/checks/limits.md.

pub mod codes;
pub mod login;
pub mod nofile;
pub mod proc_limits;

pub use codes::Code;
pub use nofile::NOFILE;
