//! Fuzz target `bundle_config`: the invariants live in `checks::fuzzing::bundle_config`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::fuzzing::bundle_config(data));
