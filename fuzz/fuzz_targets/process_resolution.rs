//! Fuzz target `process_resolution`: the invariants live in `checks::fuzzing::process_resolution`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::fuzzing::process_resolution(data));
