#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| polyseal_fuzz::fe26_unseal_h3v2(data));
