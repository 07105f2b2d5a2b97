//! Engine verdicts: whether each installed rootless engine will start a
//! container for the subject, judged from its own setup and the host checks
//! it depends on; each states a [`crate::check::Fact::Engine`] for the
//! report's `engines` section.
//!
//! [`podman`] (`engine.podman`): podman with its effective containers.conf;
//! [`docker`] (`engine.docker`): rootless Docker started by
//! `dockerd-rootless.sh`; [`nerdctl`] (`engine.nerdctl`): whether rootless
//! containerd runs for the subject, the first need of nerdctl's verdict
//! (derived in `crate::verdicts`).
//!
//! Decisions: docs/checks/engine.md.

pub mod codes;
pub mod docker;
pub mod nerdctl;
pub mod podman;

pub use codes::Code;
pub use docker::DOCKER;
pub use nerdctl::NERDCTL;
pub use podman::PODMAN;
