//! Version queries. The header's `POLYSEAL_VERSION_*` macros are written by the header generator
//! (`ffi/tests/header.rs`) from Cargo's version; these functions report the loaded library's.

use std::ffi::c_char;

use crate::abi::POLYSEAL_ABI_VERSION;
use crate::boundary::ffi_value;

/// The NUL-terminated version of the Rust crates this library was built from.
const VERSION_CSTR: &str = concat!(env!("CARGO_PKG_VERSION"), "\0");

/// The version of the loaded library, such as `"0.1.0"`: the same string as `polyseal.VERSION`
/// in Rust, `polyseal.__version__` in Python and `version` in Node. Compare it with
/// `POLYSEAL_VERSION_STRING` to detect a header and a library from different releases.
///
/// Returns a static NUL-terminated string: never NULL, never freed. Safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn polyseal_version() -> *const c_char {
    ffi_value(VERSION_CSTR.as_ptr().cast(), || {
        VERSION_CSTR.as_ptr().cast()
    })
}

/// The ABI version of the loaded library. A program built against this header can use the
/// library when `polyseal_abi_version() == POLYSEAL_ABI_VERSION`. Safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn polyseal_abi_version() -> u32 {
    ffi_value(POLYSEAL_ABI_VERSION, || POLYSEAL_ABI_VERSION)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ffi::CStr;

    #[test]
    fn version_functions_report_this_build() {
        let version = unsafe { CStr::from_ptr(polyseal_version()) };
        assert_eq!(version.to_str().unwrap(), polyseal::VERSION);
        assert_eq!(polyseal_abi_version(), POLYSEAL_ABI_VERSION);
    }
}
