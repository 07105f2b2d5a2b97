//! The login session: the subject's systemd user manager and user bus, how
//! the doctor's shell was entered, and lingering.
//!
//! [`user_manager`] (`session.user-manager`), [`linger`] (`session.linger`);
//! [`entry`] reads how the doctor's own session was entered (environment,
//! audit login uid, parent processes) from /proc; whether systemd runs and
//! where it keeps a user's sockets comes from [`crate::systemd`].
//!
//! Decisions: docs/checks/session.md.

pub mod codes;
pub mod entry;
pub mod linger;
pub mod user_manager;

pub use codes::Code;
pub use linger::LINGER;
pub use user_manager::USER_MANAGER;
