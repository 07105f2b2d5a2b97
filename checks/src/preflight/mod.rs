//! Running the bundle checks on a bundle: in-process ([`run_bundle`]), or,
//! when root acts for a user, in a child that is the user
//! ([`run_bundle_for`], see [`as_subject`]).
//!
//! A bundle run loads config.json once, hands it to the checks through
//! [`Context::with_bundle`] and evaluates the selected checks (picked from
//! [`BUNDLE_CHECKS`] by `--only`/`--skip`, like a host run) in report order.

pub mod as_subject;

pub use as_subject::run_bundle_for;

use crate::check::{CheckDef, CheckResult, Context};
use crate::registry::BUNDLE_CHECKS;
use crate::spec::BundleInput;
use std::path::Path;

/// Runs the `selected` bundle checks, in order, on the bundle in `dir`.
pub fn run_bundle(
    ctx: Context<'_>,
    dir: &Path,
    selected: &[&'static CheckDef],
) -> Vec<CheckResult> {
    run_loaded(ctx, &BundleInput::load(dir), selected)
}

/// Runs the `selected` bundle checks on an already loaded bundle.
pub fn run_loaded(
    ctx: Context<'_>,
    bundle: &BundleInput,
    selected: &[&'static CheckDef],
) -> Vec<CheckResult> {
    ctx.with_bundle(bundle).run(selected)
}

/// Runs every bundle check on the bundle in `dir`.
pub fn run_all(ctx: Context<'_>, dir: &Path) -> Vec<CheckResult> {
    run_bundle(ctx, dir, BUNDLE_CHECKS)
}
