//! The `engines` section of a host report: one verdict per installed engine,
//! derived from check results by one pure function, like the capabilities.
//!
//! Contract: an engine appears when a check stated a [`Fact::Engine`] for it
//! (`engine.podman`, `engine.docker`, the bare runtimes); entries come in the
//! order of [`ORDER`], one per name, the first statement winning. Results are
//! read by their typed facts, never by message text.
//!
//! [`Fact::Engine`]: crate::check::Fact::Engine

use crate::check::{CheckResult, EngineVerdict};

/// The engines' names, in report order (docs/report.schema.json's `engines`).
pub const ORDER: &[&str] = &[
    "podman",
    "docker",
    "nerdctl",
    "runc",
    "crun",
    "youki",
    "bwrap",
    "apptainer",
];

/// The engines section of a host report.
pub fn derive(results: &[CheckResult]) -> Vec<EngineVerdict> {
    let mut out: Vec<EngineVerdict> = Vec::new();
    for result in results {
        for engine in result.outcome.engines() {
            if !out.iter().any(|e| e.name == engine.name) {
                out.push(engine.clone());
            }
        }
    }
    out.sort_by_key(|e| {
        ORDER
            .iter()
            .position(|n| *n == e.name)
            .unwrap_or(ORDER.len())
    });
    out
}
