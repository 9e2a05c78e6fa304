//! `polyseal_sealer` seals and unseals; `polyseal_unsealed` holds what an authentic token held.

use std::borrow::Cow;
use std::ffi::c_char;

use polyseal::{Format, Sealer, SealerOptions};

use crate::boundary::{Out, bytes_arg, ffi_status, ffi_value, free_raw, handle, into_raw, str_arg};
use crate::buf::{NulTerminated, polyseal_buf};
use crate::keyring::polyseal_keyring;
use crate::options::polyseal_options;
use crate::status::polyseal_status;

/// A keyring, a format and options: seals and unseals tokens.
///
/// Immutable: a `const polyseal_sealer *` may be used from any number of threads at once (each
/// call is independent; only the last error message is per thread). Free it with
/// `polyseal_sealer_free`.
pub struct polyseal_sealer {
    inner: Sealer,
}

/// What an authentic token held: the payload as JSON text, the key id, the times, and whether to
/// seal it again. Created by `polyseal_sealer_unseal` and `polyseal_sealer_unseal_at`; read with
/// the `polyseal_unsealed_*` getters; free it with `polyseal_unsealed_free`.
///
/// Immutable: a `const polyseal_unsealed *` may be read from any number of threads at once.
pub struct polyseal_unsealed {
    data: NulTerminated,
    key_id: NulTerminated,
    issued_at: Option<u64>,
    expires_at: Option<u64>,
    needs_reseal: bool,
}

/// Creates a sealer and stores it in `*sealer_out`.
///
/// `format` names the wire format (`format_len` bytes, no NUL needed): `"native"`, `"h3-v1"`,
/// `"h3-v2"`, `"iron-session"` or `"iron"`. `options` may be NULL for the defaults; it is
/// copied, as is the keyring reference, so both may be freed right after.
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown format, a format this build does not
/// offer, or options the format rejects; `POLYSEAL_STATUS_INVALID_ARGUMENT` for a NULL keyring,
/// format or `sealer_out`, or non-UTF-8 text.
///
/// # Safety
/// `keyring` and `options` must be NULL or live handles (options used by no other thread during
/// the call); `format` must be NULL or readable for `format_len` bytes; `sealer_out` must be NULL
/// or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_sealer_new(
    keyring: *const polyseal_keyring,
    format: *const c_char,
    format_len: usize,
    options: *const polyseal_options,
    sealer_out: *mut *const polyseal_sealer,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (keyring, format) = unsafe {
            (
                handle(keyring, "keyring")?,
                str_arg(format, format_len, "format")?,
            )
        };
        // SAFETY: the caller's promise; NULL means the defaults.
        let options = match unsafe { options.as_ref() } {
            Some(options) => options.inner.clone(),
            None => SealerOptions::default(),
        };
        let out = Out::new(sealer_out, "sealer_out")?;
        let format = Format::from_name(format)?;
        let sealer = polyseal_sealer {
            inner: Sealer::with_options(keyring.inner.clone(), format, options)?,
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(sealer)) };
        Ok(())
    })
}

/// Seals at `now_ms`, or with the system clock when `now_ms` is `None`.
///
/// # Safety
/// As for `polyseal_sealer_seal_at`.
unsafe fn seal(
    sealer: *const polyseal_sealer,
    json: *const c_char,
    json_len: usize,
    now_ms: Option<u64>,
    token_out: *mut polyseal_buf,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (sealer, json) = unsafe {
            (
                handle(sealer, "sealer")?,
                bytes_arg(json.cast(), json_len, "json")?,
            )
        };
        let out = Out::new(token_out, "token_out")?;
        let limits = sealer.inner.options().json;
        // Text that is not UTF-8 goes to core's payload parser, which names the problem
        // (INVALID_JSON, or TOO_LARGE first if it is also over the size limit).
        let text = std::str::from_utf8(json).map_err(|_| {
            polyseal::json::parse(json, limits)
                .err()
                .unwrap_or_else(|| {
                    polyseal::Error::new(
                        polyseal::ErrorCode::InvalidJson,
                        "the payload is not UTF-8",
                    )
                })
        })?;
        let now_ms = now_ms.unwrap_or_else(polyseal::clock::now_ms);
        let token = sealer.inner.seal_json_at(text, now_ms)?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(polyseal_buf::from_bytes(token.as_bytes())) };
        Ok(())
    })
}

/// Seals a payload with the system clock: see `polyseal_sealer_seal_at`.
///
/// # Safety
/// As for `polyseal_sealer_seal_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_sealer_seal(
    sealer: *const polyseal_sealer,
    json: *const c_char,
    json_len: usize,
    token_out: *mut polyseal_buf,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe { seal(sealer, json, json_len, None, token_out) }
}

/// Seals a payload as if the time were `now_ms` (milliseconds since the Unix epoch) and stores
/// the token in `*token_out`, which the caller frees with `polyseal_buf_free`.
///
/// `json` is `json_len` bytes of UTF-8 JSON text (no NUL needed), validated and sealed byte for
/// byte; pass the text `JSON.stringify` would give for byte-identical tokens across languages.
/// Returns `POLYSEAL_STATUS_INVALID_JSON` for text that is not JSON (or not UTF-8) or nests too
/// deep, `POLYSEAL_STATUS_TOO_LARGE` for a payload over the size limit, and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. `*token_out` is written only on success.
///
/// # Safety
/// `sealer` must be NULL or a live sealer; `json` must be NULL or readable for `json_len` bytes;
/// `token_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_sealer_seal_at(
    sealer: *const polyseal_sealer,
    json: *const c_char,
    json_len: usize,
    now_ms: u64,
    token_out: *mut polyseal_buf,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe { seal(sealer, json, json_len, Some(now_ms), token_out) }
}

/// Unseals at `now_ms`, or with the system clock when `now_ms` is `None`.
///
/// # Safety
/// As for `polyseal_sealer_unseal_at`.
unsafe fn unseal(
    sealer: *const polyseal_sealer,
    token: *const c_char,
    token_len: usize,
    now_ms: Option<u64>,
    unsealed_out: *mut *const polyseal_unsealed,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (sealer, token) = unsafe {
            (
                handle(sealer, "sealer")?,
                bytes_arg(token.cast(), token_len, "token")?,
            )
        };
        let out = Out::new(unsealed_out, "unsealed_out")?;
        // A token is untrusted input, not an argument the program controls: bytes that are not
        // UTF-8 reach core (as U+FFFD) and are rejected like any other malformed token.
        let token: Cow<'_, str> = String::from_utf8_lossy(token);
        let now_ms = now_ms.unwrap_or_else(polyseal::clock::now_ms);
        let opened = sealer.inner.unseal_at(&token, now_ms)?;
        let unsealed = polyseal_unsealed {
            data: NulTerminated::new(&polyseal::json::to_js_string(&opened.value)),
            key_id: NulTerminated::new(&opened.key_id),
            issued_at: opened.issued_at,
            expires_at: opened.expires_at,
            needs_reseal: opened.needs_reseal,
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(unsealed)) };
        Ok(())
    })
}

/// Unseals a token with the system clock: see `polyseal_sealer_unseal_at`.
///
/// # Safety
/// As for `polyseal_sealer_unseal_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_sealer_unseal(
    sealer: *const polyseal_sealer,
    token: *const c_char,
    token_len: usize,
    unsealed_out: *mut *const polyseal_unsealed,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe { unseal(sealer, token, token_len, None, unsealed_out) }
}

/// Verifies and opens a token as if the time were `now_ms` (milliseconds since the Unix epoch)
/// and stores the result in `*unsealed_out`, which the caller frees with `polyseal_unsealed_free`.
///
/// `token` is `token_len` bytes (no NUL needed), for example a cookie value. Returns the token's
/// problem as a status: `POLYSEAL_STATUS_MALFORMED` (also for bytes that are not UTF-8),
/// `POLYSEAL_STATUS_UNSUPPORTED_VERSION`, `POLYSEAL_STATUS_UNKNOWN_KEY`,
/// `POLYSEAL_STATUS_BAD_SEAL`, `POLYSEAL_STATUS_EXPIRED`, `POLYSEAL_STATUS_NOT_YET_VALID`,
/// `POLYSEAL_STATUS_TOO_LARGE` or `POLYSEAL_STATUS_INVALID_JSON`; and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. `*unsealed_out` is written only on
/// success.
///
/// # Safety
/// `sealer` must be NULL or a live sealer; `token` must be NULL or readable for `token_len`
/// bytes; `unsealed_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_sealer_unseal_at(
    sealer: *const polyseal_sealer,
    token: *const c_char,
    token_len: usize,
    now_ms: u64,
    unsealed_out: *mut *const polyseal_unsealed,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe { unseal(sealer, token, token_len, Some(now_ms), unsealed_out) }
}

/// Frees a sealer. Accepts NULL.
///
/// # Safety
/// `sealer` must be NULL or a live sealer that no other thread is using, not used again
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_sealer_free(sealer: *const polyseal_sealer) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(sealer) });
}

/// Lends out NUL-terminated text held by an unsealed result.
///
/// # Safety
/// As for `polyseal_unsealed_data`.
unsafe fn lend(
    unsealed: *const polyseal_unsealed,
    pick: fn(&polyseal_unsealed) -> &NulTerminated,
    ptr_out: *mut *const c_char,
    len_out: *mut usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let unsealed = unsafe { handle(unsealed, "unsealed")? };
        let ptr = Out::new(ptr_out, "pointer out-parameter")?;
        let len = Out::new(len_out, "length out-parameter")?;
        let text = pick(unsealed);
        // SAFETY: both checked for NULL; the caller vouches they are writable.
        unsafe {
            ptr.write(text.as_ptr().cast());
            len.write(text.len());
        }
        Ok(())
    })
}

/// Lends out the payload as compact JSON text, exactly as `JSON.stringify` prints it: stores a
/// pointer in `*data_out` and the length in bytes in `*len_out`.
///
/// The text is UTF-8, followed by a NUL byte not counted in the length. It belongs to `unsealed`
/// and stays valid until `polyseal_unsealed_free(unsealed)`; do not free it. Returns
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` if any pointer is NULL.
///
/// # Safety
/// `unsealed` must be NULL or a live result; `data_out` and `len_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_unsealed_data(
    unsealed: *const polyseal_unsealed,
    data_out: *mut *const c_char,
    len_out: *mut usize,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe { lend(unsealed, |u| &u.data, data_out, len_out) }
}

/// Lends out the id of the key that sealed the token (empty for an id-less keyring), like
/// `polyseal_unsealed_data`: NUL-terminated, owned by `unsealed`, valid until it is freed.
///
/// # Safety
/// As for `polyseal_unsealed_data`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_unsealed_key_id(
    unsealed: *const polyseal_unsealed,
    key_id_out: *mut *const c_char,
    len_out: *mut usize,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe { lend(unsealed, |u| &u.key_id, key_id_out, len_out) }
}

/// Whether the token recorded when it was issued (native tokens do; Fe26.2 tokens do not).
/// Returns false for NULL.
///
/// # Safety
/// `unsealed` must be NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_unsealed_has_issued_at(
    unsealed: *const polyseal_unsealed,
) -> bool {
    // SAFETY: the caller's promise.
    ffi_value(false, || {
        unsafe { unsealed.as_ref() }.is_some_and(|u| u.issued_at.is_some())
    })
}

/// When the token was issued, in milliseconds since the Unix epoch; 0 when it did not record it
/// (see `polyseal_unsealed_has_issued_at`) or for NULL.
///
/// # Safety
/// `unsealed` must be NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_unsealed_issued_at(unsealed: *const polyseal_unsealed) -> u64 {
    // SAFETY: the caller's promise.
    ffi_value(0, || {
        unsafe { unsealed.as_ref() }
            .and_then(|u| u.issued_at)
            .unwrap_or(0)
    })
}

/// Whether the token has an expiry. Returns false for NULL.
///
/// # Safety
/// `unsealed` must be NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_unsealed_has_expires_at(
    unsealed: *const polyseal_unsealed,
) -> bool {
    // SAFETY: the caller's promise.
    ffi_value(false, || {
        unsafe { unsealed.as_ref() }.is_some_and(|u| u.expires_at.is_some())
    })
}

/// When the token expires, in milliseconds since the Unix epoch; 0 when it never expires (see
/// `polyseal_unsealed_has_expires_at`) or for NULL.
///
/// # Safety
/// `unsealed` must be NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_unsealed_expires_at(unsealed: *const polyseal_unsealed) -> u64 {
    // SAFETY: the caller's promise.
    ffi_value(0, || {
        unsafe { unsealed.as_ref() }
            .and_then(|u| u.expires_at)
            .unwrap_or(0)
    })
}

/// Whether the token should be sealed again and sent back: it was sealed with a key other than
/// the keyring's current one, or is a legacy h3 cookie. Returns false for NULL.
///
/// # Safety
/// `unsealed` must be NULL or a live result.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_unsealed_needs_reseal(
    unsealed: *const polyseal_unsealed,
) -> bool {
    // SAFETY: the caller's promise.
    ffi_value(false, || {
        unsafe { unsealed.as_ref() }.is_some_and(|u| u.needs_reseal)
    })
}

/// Frees an unsealed result, wiping the payload text. Accepts NULL.
///
/// # Safety
/// `unsealed` must be NULL or a live result that no other thread is using, not used again
/// afterwards; pointers lent out by its getters become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_unsealed_free(unsealed: *const polyseal_unsealed) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(unsealed) });
}

/// Compile-time proof of the "Thread safety" section: shared handles are `Send + Sync`.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<polyseal_sealer>();
    shareable::<polyseal_unsealed>();
    shareable::<polyseal_keyring>();
};
