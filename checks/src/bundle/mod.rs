//! Bundle preflight: predicts what runc will do with an OCI bundle
//! (config.json + rootfs) for the subject on this host, and says why.
//!
//! The checks are [`CheckDef`]s with the same model as host checks, one file
//! each (`bundle.uid-mappings` in `uid_mappings.rs`, ...). Their bundle reaches
//! them through [`Context::bundle`]: a bundle run
//! ([`crate::preflight::run_bundle`]) loads config.json once
//! ([`BundleInput::load`]) and evaluates the selected checks through
//! [`Context::run`] (so a panic becomes an error outcome, as for host checks).
//! Run without a bundle, a bundle check reports an error (`no-bundle`). Every
//! check depends on `bundle.config` ("blocked by bundle.config" when it did
//! not pass) and `bundle.process` also on `bundle.rootfs`.
//!
//! The bundle is user data on the real filesystem: it is read directly, not
//! through [`crate::host::HostFs`], with size caps; host facts (subordinate
//! ranges, groups, newuidmap usability) come through the context. Every
//! failing check names the runtime error it predicts. A [`Context`] memoises
//! outcomes by id: use a fresh one per bundle. When root acts for a user, the
//! CLI goes through [`crate::preflight::run_bundle_for`], which reads the
//! bundle in a child that is the user (docs/privileges.md).
//!
//! Decisions: docs/checks/bundle.md.

pub mod arg_limits;
pub mod codes;
pub mod config;
pub mod exec;
pub mod gid_mappings;
pub mod host_facts;
pub mod mapping_rules;
pub mod mounts;
pub mod process;
pub mod process_settings;
pub mod resolve;
pub mod rlimits;
pub mod rootfs;
pub mod target;
pub mod uid_mappings;
pub mod user;

pub mod devices;
pub mod namespaces;
pub mod problems;
pub mod resources;
pub mod seccomp;

#[cfg(test)]
mod tests;

pub use crate::spec::{BundleInput, ConfigError, Loaded, Spec};
pub use crate::subordinate::{subject_ranges, SubidFile};
pub use codes::Code;
pub use config::CONFIG;
pub use gid_mappings::GID_MAPPINGS;
pub use mounts::MOUNTS;
pub use process::PROCESS;
pub use process_settings::PROCESS_SETTINGS;
pub use rootfs::ROOTFS;
pub use uid_mappings::UID_MAPPINGS;
pub use user::USER;

pub use devices::DEVICES;
pub use namespaces::NAMESPACES;
pub use resources::RESOURCES;
pub use seccomp::SECCOMP;

use crate::check::{Context, Outcome};

/// Calls `judge` with the bundle under test and its spec, or says why not.
fn with_spec(
    ctx: &Context<'_>,
    judge: fn(&Context<'_>, &BundleInput, &Spec) -> Outcome,
) -> Outcome {
    let Some(bundle) = ctx.bundle else {
        return no_bundle();
    };
    match &bundle.config {
        Ok(loaded) => judge(ctx, bundle, &loaded.spec),
        Err(_) => Outcome::blocked(&CONFIG),
    }
}

/// The outcome of a bundle check run without a bundle (a programming error).
fn no_bundle() -> Outcome {
    Outcome::error(
        Code::NoBundle,
        "no bundle: bundle checks run through preflight::run_bundle",
    )
}
