//! Subordinate ids: the subject's ranges in /etc/subuid and /etc/subgid,
//! parsed as shadow parses them ([`crate::subordinate`]).
//!
//! `subid.subuid` (in `subuid.rs`) and `subid.subgid` (in `subgid.rs`) gather
//! the [`facts`] of their file and hand them to the shared [`judge()`], which
//! gives the same [`Code`]s for both. Decisions: docs/checks/subid.md, sections
//! `subid.subuid` and `subid.subgid`. `subid.auto-userns` (in
//! `auto_userns.rs`) judges the ranges rootful `--userns=auto` hands out.

pub mod auto_userns;
pub mod codes;
pub mod facts;
mod judge;
mod subgid;
mod subuid;

pub use auto_userns::AUTO_USERNS;
pub use codes::Code;
pub use judge::judge;
pub use subgid::SUBGID;
pub use subuid::SUBUID;

#[cfg(test)]
mod tests;
