//! Fuzz target `subid`: the invariants live in `checks::fuzzing::subid`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::fuzzing::subid(data));
