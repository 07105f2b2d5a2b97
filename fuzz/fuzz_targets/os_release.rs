//! Fuzz target `os_release`: the invariants live in `checks::fuzzing::os_release`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::fuzzing::os_release(data));
