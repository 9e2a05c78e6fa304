//! The C boundary: the panic guard around every export, the thread-local last error, and the
//! checked conversions from C pointers and lengths.
//!
//! Every exported body runs inside [`ffi_status`] (fallible calls) or [`ffi_value`] (getters and
//! frees), so no panic ever unwinds into C and every failure becomes a status plus a message.

use std::cell::RefCell;
use std::ffi::c_char;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;

use polyseal::{Error, ErrorCode};

use crate::status::{POLYSEAL_STATUS_INTERNAL, POLYSEAL_STATUS_OK, polyseal_status};

thread_local! {
    /// The message of the last failed call on this thread ("NAME: message"); empty after a
    /// successful fallible call.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

fn set_last_error(message: String) {
    // `try_with` fails only while the thread is being torn down; there is nobody to tell then.
    let _ = LAST_ERROR.try_with(|last| *last.borrow_mut() = message);
}

fn clear_last_error() {
    let _ = LAST_ERROR.try_with(|last| last.borrow_mut().clear());
}

/// Runs `f` with the last error message of this thread.
pub(crate) fn with_last_error<R>(f: impl FnOnce(&str) -> R) -> R {
    let message = LAST_ERROR
        .try_with(|last| last.borrow().clone())
        .unwrap_or_default();
    f(&message)
}

/// Runs a fallible export body: `Ok` gives `POLYSEAL_STATUS_OK` and clears the last error, `Err`
/// gives the error's status and records its message, a panic gives `POLYSEAL_STATUS_INTERNAL`.
pub(crate) fn ffi_status(body: impl FnOnce() -> Result<(), Error>) -> polyseal_status {
    match panic::catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => {
            clear_last_error();
            POLYSEAL_STATUS_OK
        }
        Ok(Err(error)) => {
            set_last_error(error.to_string());
            error.code().number()
        }
        Err(_) => {
            // The panic payload is not copied: it could quote data the message must not carry.
            set_last_error(format!(
                "{}: a panic was caught at the C boundary",
                ErrorCode::Internal.name()
            ));
            POLYSEAL_STATUS_INTERNAL
        }
    }
}

/// Runs an infallible export body (a getter or a free), giving `fallback` if it panics.
pub(crate) fn ffi_value<T>(fallback: T, body: impl FnOnce() -> T) -> T {
    panic::catch_unwind(AssertUnwindSafe(body)).unwrap_or(fallback)
}

/// An `INVALID_ARGUMENT` error.
pub(crate) fn invalid_argument(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidArgument, message.into())
}

/// A borrowed byte buffer from C. NULL is accepted only with length 0 (an empty buffer).
///
/// # Safety
/// A non-NULL `ptr` must point to `len` readable bytes that stay valid and unmodified for `'a`.
pub(crate) unsafe fn bytes_arg<'a>(
    ptr: *const u8,
    len: usize,
    what: &str,
) -> Result<&'a [u8], Error> {
    if ptr.is_null() {
        return if len == 0 {
            Ok(&[])
        } else {
            Err(invalid_argument(format!(
                "{what} is NULL but its length is {len}"
            )))
        };
    }
    if len > isize::MAX as usize {
        return Err(invalid_argument(format!(
            "{what} has an impossible length ({len} bytes)"
        )));
    }
    // SAFETY: non-NULL, the length fits in isize, and the caller vouches for the memory.
    Ok(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrowed UTF-8 text from C (pointer and length, no NUL needed); NULL only with length 0.
///
/// # Safety
/// As for [`bytes_arg`].
pub(crate) unsafe fn str_arg<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> Result<&'a str, Error> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { bytes_arg(ptr.cast(), len, what) }?;
    std::str::from_utf8(bytes).map_err(|e| {
        invalid_argument(format!(
            "{what} is not valid UTF-8 (bad byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// A shared reference to a handle; NULL is `INVALID_ARGUMENT`.
///
/// # Safety
/// A non-NULL `ptr` must come from this library's constructor for `T` and not have been freed.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, what: &str) -> Result<&'a T, Error> {
    // SAFETY: forwarded from the caller.
    unsafe { ptr.as_ref() }.ok_or_else(|| invalid_argument(format!("{what} is NULL")))
}

/// An exclusive reference to a mutable handle (a builder); NULL is `INVALID_ARGUMENT`.
///
/// # Safety
/// As for [`handle`], and no other thread may use the handle during the call.
pub(crate) unsafe fn handle_mut<'a, T>(ptr: *mut T, what: &str) -> Result<&'a mut T, Error> {
    // SAFETY: forwarded from the caller.
    unsafe { ptr.as_mut() }.ok_or_else(|| invalid_argument(format!("{what} is NULL")))
}

/// An out-parameter, checked for NULL before any work is done and written only on success.
pub(crate) struct Out<T>(NonNull<T>);

impl<T> Out<T> {
    /// Checks `ptr`; NULL is `INVALID_ARGUMENT`.
    pub(crate) fn new(ptr: *mut T, what: &str) -> Result<Out<T>, Error> {
        NonNull::new(ptr)
            .map(Out)
            .ok_or_else(|| invalid_argument(format!("{what} is NULL")))
    }

    /// Writes the result without reading or dropping what the caller left there.
    ///
    /// # Safety
    /// The pointer must be valid for a write of `T`.
    pub(crate) unsafe fn write(self, value: T) {
        // SAFETY: non-NULL (checked in `new`) and writable (the caller's promise).
        unsafe { self.0.as_ptr().write(value) }
    }
}

/// Moves a value to the heap and hands ownership to C.
pub(crate) fn into_raw<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Takes back ownership of a value handed out by [`into_raw`] and drops it; NULL is a no-op.
///
/// # Safety
/// A non-NULL `ptr` must come from [`into_raw`] for the same `T` and not have been freed.
pub(crate) unsafe fn free_raw<T>(ptr: *const T) {
    if !ptr.is_null() {
        // SAFETY: the caller's promise; the pointer was created mutable by `into_raw`.
        drop(unsafe { Box::from_raw(ptr.cast_mut()) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{POLYSEAL_STATUS_EXPIRED, POLYSEAL_STATUS_INVALID_ARGUMENT};

    fn last_error() -> String {
        with_last_error(str::to_owned)
    }

    #[test]
    fn a_panic_becomes_internal_and_never_unwinds() {
        let status = ffi_status(|| panic!("boom with a secret"));
        assert_eq!(status, POLYSEAL_STATUS_INTERNAL);
        assert_eq!(status, ErrorCode::Internal.number());
        let message = last_error();
        assert!(message.starts_with("INTERNAL: "), "{message}");
        assert!(!message.contains("secret"), "{message}");
        assert_eq!(ffi_value(7, || -> i32 { panic!("getter") }), 7);
    }

    #[test]
    fn errors_set_and_success_clears_the_last_error() {
        let status = ffi_status(|| Err(Error::new(ErrorCode::Expired, "late")));
        assert_eq!(status, POLYSEAL_STATUS_EXPIRED);
        assert_eq!(last_error(), "EXPIRED: late");
        assert_eq!(ffi_status(|| Ok(())), POLYSEAL_STATUS_OK);
        assert_eq!(last_error(), "");
    }

    #[test]
    fn the_last_error_is_per_thread() {
        ffi_status(|| Err(Error::new(ErrorCode::Expired, "here")));
        std::thread::spawn(|| assert_eq!(last_error(), ""))
            .join()
            .unwrap();
        assert_eq!(last_error(), "EXPIRED: here");
    }

    #[test]
    fn pointer_arguments_are_checked() {
        unsafe {
            assert_eq!(bytes_arg(std::ptr::null(), 0, "x").unwrap(), b"");
            let err = bytes_arg(std::ptr::null(), 3, "x").unwrap_err();
            assert_eq!(err.code().number(), POLYSEAL_STATUS_INVALID_ARGUMENT);
            let byte = 0u8;
            let err = bytes_arg(&byte, usize::MAX, "x").unwrap_err();
            assert!(err.message().contains("impossible length"), "{err}");
            let bad = [b'a', 0xff];
            let err = str_arg(bad.as_ptr().cast(), 2, "name").unwrap_err();
            assert_eq!(
                err.message(),
                "name is not valid UTF-8 (bad byte at offset 1)"
            );
            assert!(handle::<u8>(std::ptr::null(), "h").is_err());
            assert!(handle_mut::<u8>(std::ptr::null_mut(), "h").is_err());
        }
        assert!(Out::<u8>::new(std::ptr::null_mut(), "out").is_err());
    }
}
