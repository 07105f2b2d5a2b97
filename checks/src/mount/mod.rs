//! Mounts inside a user namespace: bind, native overlayfs, fuse-overlayfs.
//! All three are live probes in a throwaway mount namespace, judged with the
//! host facts of [`env`].
//!
//! Each check is skipped, blocked by `userns.create`, when that check failed
//! (a mount namespace needs a user namespace first); [`common`] holds that
//! skip and the causes of a probe that failed before its mount. Overlay and
//! fuse-overlayfs consult each other's probe for their statuses.
//!
//! Decisions: docs/checks/mount.md.

pub mod bind;
pub mod codes;
pub mod common;
pub mod env;
pub mod fuse_overlayfs;
pub mod idmapped;
pub mod overlay;
pub mod propagation;

pub use bind::BIND;
pub use codes::Code;
pub use fuse_overlayfs::FUSE_OVERLAYFS;
pub use idmapped::IDMAPPED;
pub use overlay::OVERLAY;

#[cfg(test)]
mod fixture_tests;
