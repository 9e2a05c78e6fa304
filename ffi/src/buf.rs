//! `polyseal_buf`: bytes the library allocates and the caller frees with `polyseal_buf_free`.

use zeroize::Zeroize;

use crate::boundary::ffi_value;

/// Bytes allocated by the library and owned by the caller, such as a sealed token.
///
/// `ptr[len]` is always a NUL byte (not counted in `len`), so text in a buffer can also be used as
/// a C string. Release it with `polyseal_buf_free`; do not change `ptr` or `len` before that.
/// Declare it as `polyseal_buf token = {NULL, 0};` so that freeing it is safe whether or not a
/// call filled it (a failed call leaves it untouched).
#[repr(C)]
pub struct polyseal_buf {
    /// The first byte, or NULL for an empty (freed or never filled) buffer.
    pub ptr: *mut u8,
    /// The number of bytes, excluding the trailing NUL.
    pub len: usize,
}

impl polyseal_buf {
    /// Copies `bytes` into a new allocation with a trailing NUL.
    pub(crate) fn from_bytes(bytes: &[u8]) -> polyseal_buf {
        let mut owned = Vec::with_capacity(bytes.len() + 1);
        owned.extend_from_slice(bytes);
        owned.push(0);
        let len = bytes.len();
        let ptr = Box::into_raw(owned.into_boxed_slice()).cast::<u8>();
        polyseal_buf { ptr, len }
    }
}

/// Bytes with a trailing NUL, kept inside a handle and lent out as `(ptr, len)`; wiped on drop.
pub(crate) struct NulTerminated(Vec<u8>);

impl NulTerminated {
    pub(crate) fn new(text: &str) -> NulTerminated {
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(0);
        NulTerminated(bytes)
    }

    pub(crate) fn as_ptr(&self) -> *const u8 {
        self.0.as_ptr()
    }

    pub(crate) fn len(&self) -> usize {
        self.0.len() - 1
    }
}

impl Drop for NulTerminated {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

/// Frees the bytes of `buf`, wiping them first, and resets it to `{NULL, 0}`.
///
/// Accepts NULL, and a buffer whose `ptr` is NULL (both do nothing), so freeing twice through
/// the same `polyseal_buf` is harmless. Never fails.
///
/// # Safety
/// A non-NULL `buf->ptr` must have been filled in by this library and not freed since, with `len`
/// unchanged.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_buf_free(buf: *mut polyseal_buf) {
    ffi_value((), || {
        // SAFETY: the caller passes NULL or a valid buffer.
        let Some(buf) = (unsafe { buf.as_mut() }) else {
            return;
        };
        if !buf.ptr.is_null() {
            let whole = std::ptr::slice_from_raw_parts_mut(buf.ptr, buf.len + 1);
            // SAFETY: `from_bytes` allocated exactly `len + 1` bytes as a boxed slice.
            let mut bytes = unsafe { Box::from_raw(whole) };
            bytes.zeroize();
        }
        buf.ptr = std::ptr::null_mut();
        buf.len = 0;
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_nul_terminated_and_free_resets_them() {
        let mut buf = polyseal_buf::from_bytes(b"token");
        assert_eq!(buf.len, 5);
        let bytes = unsafe { std::slice::from_raw_parts(buf.ptr, buf.len + 1) };
        assert_eq!(bytes, b"token\0");
        unsafe {
            polyseal_buf_free(&mut buf);
            assert!(buf.ptr.is_null());
            assert_eq!(buf.len, 0);
            polyseal_buf_free(&mut buf);
            polyseal_buf_free(std::ptr::null_mut());
        }
    }

    #[test]
    fn lent_text_is_nul_terminated() {
        let text = NulTerminated::new("k1");
        assert_eq!(text.len(), 2);
        let bytes = unsafe { std::slice::from_raw_parts(text.as_ptr(), 3) };
        assert_eq!(bytes, b"k1\0");
    }
}
