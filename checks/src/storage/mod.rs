//! Container storage: where each installed engine keeps its rootless images
//! and containers, and whether its driver works on that filesystem.
//!
//! [`graphroot`] holds `storage.graphroot` (the filesystem under each
//! engine's storage path: type, mount options, free space, traversal,
//! SELinux label); [`driver`] holds `storage.driver` (the driver each engine
//! will use, tested live on that filesystem). Both read the engines'
//! resolution from [`crate::engines::storage`].
//!
//! Decisions: docs/checks/storage.md.

pub mod codes;
pub mod driver;
pub mod graphroot;

pub use codes::Code;
pub use driver::DRIVER;
pub use graphroot::GRAPHROOT;
