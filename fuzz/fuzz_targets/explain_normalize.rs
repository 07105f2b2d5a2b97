//! Fuzz target `explain_normalize`: the invariants live in `checks::fuzzing::explain_normalize`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::fuzzing::explain_normalize(data));
