//! `polyseal_options`: a builder of sealer options. Every setter maps one field of core's
//! `SealerOptions`; core checks the values when the sealer is built.

use std::ffi::c_char;

use polyseal::SealerOptions;

use crate::boundary::{
    Out, bytes_arg, ffi_status, ffi_value, free_raw, handle_mut, into_raw, str_arg,
};
use crate::status::polyseal_status;

/// Options for `polyseal_sealer_new`, each at its default until set. Every format reads the ones
/// that apply to it. `polyseal_sealer_new` copies them, so one options object can configure many
/// sealers and be freed right after.
///
/// Mutable: one thread at a time. Free it with `polyseal_options_free`.
pub struct polyseal_options {
    pub(crate) inner: SealerOptions,
}

/// Creates options with every value at its default and stores them in `*options_out`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options_out` is NULL.
///
/// # Safety
/// `options_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_new(
    options_out: *mut *mut polyseal_options,
) -> polyseal_status {
    ffi_status(|| {
        let out = Out::new(options_out, "options_out")?;
        let options = polyseal_options {
            inner: SealerOptions::default(),
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(options)) };
        Ok(())
    })
}

/// Runs a setter body on a non-NULL options object.
///
/// # Safety
/// `options` must be NULL or live options used by no other thread during the call.
unsafe fn set(
    options: *mut polyseal_options,
    apply: impl FnOnce(&mut SealerOptions) -> polyseal::Result<()>,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let options = unsafe { handle_mut(options, "options")? };
        apply(&mut options.inner)
    })
}

/// Sets the lifetime of new tokens in milliseconds. Unset, the format's default applies (no
/// expiry, except `iron-session`'s 14 days).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
///
/// # Safety
/// `options` must be NULL or live options used by no other thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_ttl_ms(
    options: *mut polyseal_options,
    ttl_ms: u64,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.ttl_ms = Some(ttl_ms);
            Ok(())
        })
    }
}

/// Sets the cookie name bound into native tokens (`name_len` bytes of UTF-8, no NUL needed;
/// default empty). A token presented under another name fails with `POLYSEAL_STATUS_BAD_SEAL`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
///
/// # Safety
/// `options` as for `polyseal_options_set_ttl_ms`; `name` must be NULL or readable for
/// `name_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_cookie_name(
    options: *mut polyseal_options,
    name: *const c_char,
    name_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the name is checked for NULL and length inside.
    unsafe {
        set(options, |o| {
            o.cookie_name = str_arg(name, name_len, "name")?.to_owned();
            Ok(())
        })
    }
}

/// Sets caller context bytes bound into native tokens but never stored in them (default empty),
/// such as a tenant id. A token presented with other context fails with
/// `POLYSEAL_STATUS_BAD_SEAL`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
///
/// # Safety
/// `options` as for `polyseal_options_set_ttl_ms`; `context` must be NULL or readable for
/// `context_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_context(
    options: *mut polyseal_options,
    context: *const u8,
    context_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the context is checked for NULL and length inside.
    unsafe {
        set(options, |o| {
            o.context = bytes_arg(context, context_len, "context")?.to_vec();
            Ok(())
        })
    }
}

/// Sets the tolerated clock skew in milliseconds (default 60000): how far in the future a
/// native token's issued-at may be, and iron's timestamp skew for Fe26.2.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
///
/// # Safety
/// As for `polyseal_options_set_ttl_ms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_skew_ms(
    options: *mut polyseal_options,
    skew_ms: u64,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.skew_ms = skew_ms;
            Ok(())
        })
    }
}

/// Sets the PBKDF2 iteration count (Fe26.2 formats only; unset keeps the format's value).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; the sealer rejects values
/// the format cannot use with `POLYSEAL_STATUS_INVALID_OPTION`.
///
/// # Safety
/// As for `polyseal_options_set_ttl_ms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_iterations(
    options: *mut polyseal_options,
    iterations: u32,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.iterations = Some(iterations);
            Ok(())
        })
    }
}

/// Sets the salt size in bits (Fe26.2 formats only; unset keeps the format's value).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; the sealer rejects values
/// the format cannot use with `POLYSEAL_STATUS_INVALID_OPTION`.
///
/// # Safety
/// As for `polyseal_options_set_ttl_ms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_salt_bits(
    options: *mut polyseal_options,
    salt_bits: u32,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.salt_bits = Some(salt_bits);
            Ok(())
        })
    }
}

/// Sets an offset in milliseconds added to the clock (Fe26.2's `localtimeOffsetMsec`; default 0).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
///
/// # Safety
/// As for `polyseal_options_set_ttl_ms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_localtime_offset_ms(
    options: *mut polyseal_options,
    offset_ms: i64,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.localtime_offset_ms = offset_ms;
            Ok(())
        })
    }
}

/// Sets the seal-side salt-reuse window in milliseconds (Fe26.2 formats only; 0, the default,
/// turns it off). Seals within `window_ms` of the first seal of a window reuse that seal's two
/// salts and the keys derived from them, each with a fresh IV, so an h3-v2 seal skips its two
/// 8192-iteration PBKDF2 derivations. The tokens are ordinary Fe26.2 that every peer opens, but
/// tokens sealed in one window carry the same salt fields: an observer of several cookies can
/// tell they were sealed by one server in one window. The window state lives in the keyring and
/// is shared by every sealer and session manager built on it. docs/FORMAT.md ("Seal-side salt
/// reuse") gives the security argument.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; `polyseal_sealer_new` and
/// `polyseal_session_manager_new` reject a window over 24 hours (86400000 ms), or any window
/// with the native format, with `POLYSEAL_STATUS_INVALID_OPTION`.
///
/// # Safety
/// As for `polyseal_options_set_ttl_ms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_salt_reuse_ms(
    options: *mut polyseal_options,
    window_ms: u64,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.salt_reuse_ms = (window_ms != 0).then_some(window_ms);
            Ok(())
        })
    }
}

/// Sets the longest token accepted, in characters (default 98304); a longer token fails with
/// `POLYSEAL_STATUS_TOO_LARGE` before it is decoded.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
///
/// # Safety
/// As for `polyseal_options_set_ttl_ms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_max_token_chars(
    options: *mut polyseal_options,
    max_token_chars: usize,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.max_token_chars = max_token_chars;
            Ok(())
        })
    }
}

/// Sets the largest JSON payload accepted, in bytes (default 65536); a larger payload fails with
/// `POLYSEAL_STATUS_TOO_LARGE`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
///
/// # Safety
/// As for `polyseal_options_set_ttl_ms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_max_json_bytes(
    options: *mut polyseal_options,
    max_bytes: usize,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.json.max_bytes = max_bytes;
            Ok(())
        })
    }
}

/// Sets the deepest nesting of arrays and objects accepted in a payload (default 64); deeper
/// payloads fail with `POLYSEAL_STATUS_INVALID_JSON`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
///
/// # Safety
/// As for `polyseal_options_set_ttl_ms`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_set_max_depth(
    options: *mut polyseal_options,
    max_depth: usize,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.json.max_depth = max_depth;
            Ok(())
        })
    }
}

/// Frees options. Accepts NULL.
///
/// # Safety
/// `options` must be NULL or live options, not used again afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_options_free(options: *mut polyseal_options) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(options) });
}
