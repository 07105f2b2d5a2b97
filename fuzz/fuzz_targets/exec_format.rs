//! Fuzz target `exec_format`: the invariants live in `checks::fuzzing::exec_format`.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| checks::fuzzing::exec_format(data));
