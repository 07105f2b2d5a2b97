//! The subject's long-lived rootless state: the processes that keep an
//! engine's user namespace alive between commands, and whether they still
//! match the host.
//!
//! [`pause_process`] holds `state.pause-process` (podman's pause process and
//! rootlesskit's child against today's /etc/subuid and /etc/subgid, and
//! podman's tmp dir against this boot). Where the pid files are comes from
//! [`crate::engines::state`].
//!
//! Decisions: docs/checks/state.md.

pub mod codes;
pub mod pause_process;

pub use codes::Code;
pub use pause_process::PAUSE_PROCESS;
