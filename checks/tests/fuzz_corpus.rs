//! Corpus replay on stable: every file of `fuzz/corpus/<target>/` (and any
//! regression kept in `fuzz/artifacts/<target>/`) goes through the same
//! `checks::fuzzing` entry function the cargo-fuzz target calls, so the seeds
//! and every crash ever fixed stay tested without nightly.

use checks::bundle::exec::{format_of_bytes, read_format};
use checks::fuzzing::TARGETS;
use std::fs;
use std::path::{Path, PathBuf};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The regular files directly in `dir` (none when it does not exist), sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    out.sort();
    out
}

#[test]
fn every_corpus_file_passes_its_target() {
    for (name, target) in TARGETS {
        let seeds = files(&fuzz_dir().join("corpus").join(name));
        assert!(
            seeds.len() >= 5,
            "fuzz/corpus/{name} has {} seeds",
            seeds.len()
        );
        let artifacts = files(&fuzz_dir().join("artifacts").join(name));
        for file in seeds.iter().chain(&artifacts) {
            let data = fs::read(file).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name} panics on {}", file.display());
        }
    }
}

#[test]
fn the_corpus_has_no_stray_directories() {
    let names: Vec<&str> = TARGETS.iter().map(|(n, _)| *n).collect();
    for dir in fs::read_dir(fuzz_dir().join("corpus")).unwrap() {
        let dir = dir.unwrap().file_name();
        let dir = dir.to_string_lossy();
        assert!(
            names.contains(&dir.as_ref()),
            "fuzz/corpus/{dir} has no target"
        );
    }
}

#[test]
fn the_bytes_reader_is_the_file_reader() {
    // The exec_format target reads bytes; bundle.process reads files.
    let tmp = tempfile::tempdir().unwrap();
    for file in files(&fuzz_dir().join("corpus/exec_format")) {
        let data = fs::read(&file).unwrap();
        let copy = tmp.path().join("f");
        fs::write(&copy, &data).unwrap();
        assert_eq!(
            read_format(&copy),
            format_of_bytes(&data),
            "{}",
            file.display()
        );
    }
}
