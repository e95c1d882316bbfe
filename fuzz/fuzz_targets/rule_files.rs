#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| distrolint_fuzz::rule_files(data));
