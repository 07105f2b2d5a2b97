//! User namespaces: whether the kernel lets the subject create one.
//!
//! Static checks read the knobs that decide it (`kernel.unprivileged_userns_clone`,
//! `user.max_user_namespaces`, `kernel.apparmor_restrict_unprivileged_userns`);
//! `userns.create` tries it for real. Each check's static and `run` live in
//! the file named after it; [`profiles`] is the AppArmor profile scan that
//! `userns.apparmor` and `userns.create` share, [`codes`] the family's finding
//! codes. The knobs, sandbox signs and fixes come from [`crate::nsenv`], the
//! live-probe plumbing from [`crate::live`].
//!
//! Decisions: docs/checks/userns.md.

pub mod apparmor;
pub mod clone_sysctl;
pub mod codes;
pub mod create;
pub mod max_namespaces;
pub mod profiles;

pub use apparmor::APPARMOR;
pub use clone_sysctl::CLONE_SYSCTL;
pub use codes::Code;
pub use create::CREATE;
pub use max_namespaces::MAX_NAMESPACES;

#[cfg(test)]
pub(crate) mod fixture_tests;
