//! The runtime environment: XDG_RUNTIME_DIR and the installed OCI runtimes.
//!
//! Each check's static and `run` live in the file named after it:
//! [`xdg_runtime_dir`] judges the directory runc and crun keep their state in;
//! [`oci_runtime`] finds runc, crun and youki and knows their rootless limits
//! on this host's cgroup layout (read through [`crate::cgroupfs`]).
//! [`tools`] finds bwrap, apptainer and nerdctl for the report's engines;
//! [`bwrap`] judges whether that bwrap starts at all (its capabilities).
//! [`procfs`] knows runc's hardened /proc access and what breaks it.
//! [`version`] parses and safely runs `NAME --version`; [`codes`] holds the
//! family's finding codes.
//!
//! Decisions: docs/checks/runtime.md.

pub mod bwrap;
pub mod codes;
pub mod oci_runtime;
pub mod procfs;
pub mod tools;
pub mod version;
pub mod xdg_runtime_dir;

pub use bwrap::BWRAP;
pub use codes::Code;
pub use oci_runtime::OCI_RUNTIME;
pub use xdg_runtime_dir::XDG_RUNTIME_DIR;
