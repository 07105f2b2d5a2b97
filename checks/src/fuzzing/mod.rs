//! Fuzzing entry points, shared by the cargo-fuzz targets in `fuzz/` and by
//! the corpus replay on stable (`checks/tests/fuzz_corpus.rs`).
//!
//! Contract: each `pub fn <target>(data: &[u8])` accepts any bytes, feeds them
//! to one parser or resolver of this crate and asserts that target's
//! invariants with `assert!`; a panic (from the code under test or from an
//! assertion) is a bug. None of them changes the host: only
//! [`process_resolution`] writes files, into a fresh temp dir it removes. The
//! targets and their invariants are listed in `docs/fuzzing.md`.

pub mod oracle;
mod targets;
pub mod tree;

pub use targets::{
    bundle_config, exec_format, explain_normalize, os_release, process_resolution, subid,
};

/// A target's entry function.
pub type Target = fn(&[u8]);

/// Every target by name (the directory name under `fuzz/corpus/`).
pub const TARGETS: &[(&str, Target)] = &[
    ("subid", subid),
    ("os_release", os_release),
    ("bundle_config", bundle_config),
    ("process_resolution", process_resolution),
    ("exec_format", exec_format),
    ("explain_normalize", explain_normalize),
];
