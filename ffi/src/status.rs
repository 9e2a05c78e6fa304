//! Status codes and the last error message.
//!
//! The numbers are core's `ErrorCode::number()`; the constants are written out as literals so that
//! cbindgen can put them in the header, and `tests/header.rs` checks that the header holds exactly
//! one `POLYSEAL_STATUS_<NAME>` per core code, with core's number, plus `POLYSEAL_STATUS_OK = 0`.

use std::ffi::{CString, c_char};
use std::sync::OnceLock;

use polyseal::ErrorCode;

use crate::boundary::{ffi_value, with_last_error};

/// The result of every fallible function: `POLYSEAL_STATUS_OK` (0) on success, otherwise one of
/// the `POLYSEAL_STATUS_*` codes (core's error table, `docs/ERRORS.md`). Compare it with the
/// constants; new codes may be added in a compatible release, so handle unknown values too.
pub type polyseal_status = i32;

/// Success.
pub const POLYSEAL_STATUS_OK: polyseal_status = 0;
/// The token or header is not well formed: wrong shape, bad base64url, too short, bad field.
pub const POLYSEAL_STATUS_MALFORMED: polyseal_status = 1;
/// The token names a format version (or Fe26 prefix) this library does not read.
pub const POLYSEAL_STATUS_UNSUPPORTED_VERSION: polyseal_status = 2;
/// The token names a key id the keyring does not hold (fails closed: no other key is tried).
pub const POLYSEAL_STATUS_UNKNOWN_KEY: polyseal_status = 3;
/// Authentication failed: tampered token, wrong key, wrong cookie name or context.
pub const POLYSEAL_STATUS_BAD_SEAL: polyseal_status = 4;
/// The token was authentic but its expiry has passed.
pub const POLYSEAL_STATUS_EXPIRED: polyseal_status = 5;
/// The token was issued further in the future than the allowed clock skew.
pub const POLYSEAL_STATUS_NOT_YET_VALID: polyseal_status = 6;
/// An input or output exceeds a size limit (token, payload, cookie, header).
pub const POLYSEAL_STATUS_TOO_LARGE: polyseal_status = 7;
/// The payload is not valid UTF-8 JSON, or nests deeper than the limit.
pub const POLYSEAL_STATUS_INVALID_JSON: polyseal_status = 8;
/// A password or key is empty, too short or the wrong size; a key id is invalid or repeated.
pub const POLYSEAL_STATUS_INVALID_PASSWORD: polyseal_status = 9;
/// An option is out of range or unknown (ttl, format name, iterations, ...).
pub const POLYSEAL_STATUS_INVALID_OPTION: polyseal_status = 10;
/// A cookie name, value or attribute breaks RFC 6265 or a cookie prefix rule.
pub const POLYSEAL_STATUS_INVALID_COOKIE: polyseal_status = 11;
/// The session was cleared in this request and can no longer be saved or updated.
pub const POLYSEAL_STATUS_SESSION_CLEARED: polyseal_status = 12;
/// An unusable argument: a NULL pointer, non-UTF-8 text, an impossible length or an unknown kind.
pub const POLYSEAL_STATUS_INVALID_ARGUMENT: polyseal_status = 13;
/// An internal failure: the randomness source failed, or a panic was caught at the C boundary.
pub const POLYSEAL_STATUS_INTERNAL: polyseal_status = 14;

/// Names of every status as NUL-terminated strings, built once from core's table.
fn status_names() -> &'static [(polyseal_status, CString)] {
    static NAMES: OnceLock<Vec<(polyseal_status, CString)>> = OnceLock::new();
    NAMES.get_or_init(|| {
        ErrorCode::ALL
            .iter()
            .map(|code| {
                let name = CString::new(code.name()).expect("error names have no NUL");
                (code.number(), name)
            })
            .collect()
    })
}

/// The name of a status code: `"OK"` for 0, otherwise core's error name such as `"EXPIRED"`
/// (the same string Python's `.code` and Node's `err.code` carry), or `"UNKNOWN"` for a number
/// that is not a status.
///
/// The result is a static NUL-terminated string: never NULL, never freed by the caller. Safe to
/// call from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn polyseal_status_str(status: polyseal_status) -> *const c_char {
    ffi_value(c"UNKNOWN".as_ptr(), || {
        if status == POLYSEAL_STATUS_OK {
            return c"OK".as_ptr();
        }
        status_names()
            .iter()
            .find(|(number, _)| *number == status)
            .map_or(c"UNKNOWN".as_ptr(), |(_, name)| name.as_ptr())
    })
}

/// Copies the message of the last failed call made on this thread into `buf`, snprintf-style.
///
/// The message reads `"NAME: details"` (for example `"EXPIRED: the token expired at ..."`) and
/// never contains secrets or token bytes. Every fallible function sets it when it fails and clears
/// it when it succeeds; getters and `_free` functions leave it alone. Each thread has its own.
///
/// At most `len - 1` bytes are copied (cut at a UTF-8 character boundary) and, when `len > 0`,
/// `buf` is always NUL-terminated; `buf` may be NULL when `len` is 0.
///
/// Returns the full length of the message in bytes, excluding the NUL: if it is `>= len`, the
/// copy was cut short, and a buffer of the returned length plus one holds it all. Returns 0 when
/// no call has failed since the last success.
///
/// # Safety
/// A non-NULL `buf` must be writable for `len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_last_error_message(buf: *mut c_char, len: usize) -> usize {
    ffi_value(0, || {
        with_last_error(|message| {
            if !buf.is_null() && len > 0 {
                let mut cut = message.len().min(len - 1);
                while !message.is_char_boundary(cut) {
                    cut -= 1;
                }
                // SAFETY: the caller gives `len` writable bytes and `cut < len`.
                unsafe {
                    std::ptr::copy_nonoverlapping(message.as_ptr(), buf.cast::<u8>(), cut);
                    *buf.add(cut) = 0;
                }
            }
            message.len()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::boundary::ffi_status;
    use std::ffi::CStr;

    #[test]
    fn status_str_gives_core_names() {
        let name = |status| unsafe { CStr::from_ptr(polyseal_status_str(status)) };
        assert_eq!(name(0), c"OK");
        for code in ErrorCode::ALL {
            assert_eq!(name(code.number()).to_str().unwrap(), code.name());
        }
        assert_eq!(name(-1), c"UNKNOWN");
        assert_eq!(name(10_000), c"UNKNOWN");
    }

    #[test]
    fn last_error_message_is_snprintf_like() {
        ffi_status(|| Err(polyseal::Error::new(ErrorCode::BadSeal, "é!")));
        let full = "BAD_SEAL: é!";
        unsafe {
            assert_eq!(
                polyseal_last_error_message(std::ptr::null_mut(), 0),
                full.len()
            );
            let mut buf = [0x55 as c_char; 32];
            assert_eq!(
                polyseal_last_error_message(buf.as_mut_ptr(), buf.len()),
                full.len()
            );
            assert_eq!(CStr::from_ptr(buf.as_ptr()).to_str().unwrap(), full);
            // Room for "BAD_SEAL: " and one byte of the two-byte "é": the cut backs off to 10.
            let mut small = [0x55 as c_char; 12];
            assert_eq!(
                polyseal_last_error_message(small.as_mut_ptr(), 12),
                full.len()
            );
            assert_eq!(CStr::from_ptr(small.as_ptr()), c"BAD_SEAL: ");
            let mut one = [0x55 as c_char; 1];
            assert_eq!(polyseal_last_error_message(one.as_mut_ptr(), 1), full.len());
            assert_eq!(one[0], 0);
        }
    }
}
