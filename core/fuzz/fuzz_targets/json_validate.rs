#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| polyseal_fuzz::json_validate(data));
