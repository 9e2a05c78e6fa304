//! `polyseal_session_config`: a builder of core's `SessionConfig`, starting from a format's
//! defaults. Names are parsed by the setters; the numbers and the way settings combine are
//! checked by core when a session manager is built.

use std::ffi::c_char;

use polyseal::Format;
use polyseal::cookie::{ChunkScheme, CookieStyle};
use polyseal::session::SessionConfig;

use crate::boundary::{
    Out, ffi_status, ffi_value, free_raw, handle, handle_mut, into_raw, str_arg,
};
use crate::cookie_options::polyseal_cookie_options;
use crate::options::polyseal_options;
use crate::status::polyseal_status;

/// The configuration of a session manager: the format, the cookie's name and attributes, the
/// session lifetimes, chunking, the session header and the sealer options. Created by
/// `polyseal_session_config_new` with the format's defaults, changed with the
/// `polyseal_session_config_set_*` setters, and read (copied) by
/// `polyseal_session_manager_new`, so one configuration can build many managers and be freed
/// right after.
///
/// Mutable: one thread at a time. Free it with `polyseal_session_config_free`.
pub struct polyseal_session_config {
    pub(crate) inner: SessionConfig,
}

/// Creates the default session configuration of a format and stores it in `*config_out`.
///
/// `format` (`format_len` bytes, no NUL needed) is `"native"`, `"h3-v1"`, `"h3-v2"`,
/// `"iron-session"` or `"iron"`. The defaults reproduce each format's peer (docs/SESSIONS.md):
///
/// - `native` and `iron`: cookie `session` with `Path=/; HttpOnly; Secure; SameSite=Lax`,
///   style `polyseal`, no chunks, a max age of 14 days, no cookie for an untouched new session,
///   a `Cookie` header budget of `POLYSEAL_COOKIE_HEADER_LIMIT` bytes.
/// - `h3-v1`: cookie `h3` with `Path=/; HttpOnly; Secure`, style `h3-v1`, no chunks, no max
///   age, a cookie for every new session, no budget.
/// - `h3-v2`: as `h3-v1` with `SameSite=Lax`, style `h3-v2`, chunk scheme `h3` with split on.
/// - `iron-session`: cookie `iron-session` with the attributes of `native`, style and chunk
///   scheme `iron-session` with split off, a max age (its ttl) of 14 days, no cookie for an
///   untouched new session, no budget.
///
/// No format has an idle timeout or reads a session header by default.
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown format and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
///
/// # Safety
/// `format` must be NULL or readable for `format_len` bytes; `config_out` must be NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_new(
    format: *const c_char,
    format_len: usize,
    config_out: *mut *mut polyseal_session_config,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL and length inside.
        let format = unsafe { str_arg(format, format_len, "format")? };
        let out = Out::new(config_out, "config_out")?;
        let config = polyseal_session_config {
            inner: SessionConfig::for_format(Format::from_name(format)?),
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(config)) };
        Ok(())
    })
}

/// Runs a setter body on a non-NULL configuration; on failure it is unchanged.
///
/// # Safety
/// `config` must be NULL or a live configuration used by no other thread during the call.
unsafe fn set(
    config: *mut polyseal_session_config,
    apply: impl FnOnce(&mut SessionConfig) -> polyseal::Result<()>,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let config = unsafe { handle_mut(config, "config")? };
        apply(&mut config.inner)
    })
}

/// Sets the session cookie's name (`name_len` bytes of UTF-8, no NUL needed). For the `native`
/// format the name is also bound into every token, so a token moved to another cookie fails.
/// `polyseal_session_manager_new` checks it (`POLYSEAL_STATUS_INVALID_COOKIE` for a name that is
/// not an RFC 6265 token or breaks a `__Host-`/`__Secure-` prefix rule).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
///
/// # Safety
/// `config` must be NULL or a live configuration used by no other thread during the call;
/// `name` must be NULL or readable for `name_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_cookie_name(
    config: *mut polyseal_session_config,
    name: *const c_char,
    name_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the name is checked for NULL and length inside.
    unsafe {
        set(config, |c| {
            c.cookie_name = str_arg(name, name_len, "name")?.to_owned();
            Ok(())
        })
    }
}

/// Sets the absolute lifetime of a session, in seconds from its creation; 0 turns it off. For
/// `iron-session` this is its `ttl`. `polyseal_session_manager_new` refuses more than 400 days
/// (34560000 s) with `POLYSEAL_STATUS_INVALID_OPTION`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
///
/// # Safety
/// `config` must be NULL or a live configuration used by no other thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_max_age_s(
    config: *mut polyseal_session_config,
    max_age_s: u64,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(config, |c| {
            c.max_age_s = (max_age_s != 0).then_some(max_age_s);
            Ok(())
        })
    }
}

/// Sets the sliding idle timeout, in seconds; 0 (the default) turns it off. Each save moves the
/// session's `lastSeenAt` to now; a session unused for longer ends, and one loaded more than
/// half the window after its `lastSeenAt` reports `polyseal_session_needs_reseal`.
/// `polyseal_session_manager_new` refuses more than 400 days, and any idle timeout for
/// `iron-session` (it keeps no `lastSeenAt`), with `POLYSEAL_STATUS_INVALID_OPTION`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
///
/// # Safety
/// As for `polyseal_session_config_set_max_age_s`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_idle_timeout_s(
    config: *mut polyseal_session_config,
    idle_timeout_s: u64,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(config, |c| {
            c.idle_timeout_s = (idle_timeout_s != 0).then_some(idle_timeout_s);
            Ok(())
        })
    }
}

/// Replaces the session cookie's attributes with a copy of `options` (`Domain`, `Path`,
/// `Secure`, `HttpOnly`, `SameSite`, `Partitioned`, `Priority`); `options` may be freed right
/// after. `Expires` and `Max-Age` are computed by every save from the session's lifetime, as the
/// style writes them, and override those of `options`. `polyseal_session_manager_new` checks the
/// attributes with the cookie name (`POLYSEAL_STATUS_INVALID_COOKIE`).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
///
/// # Safety
/// `config` as for `polyseal_session_config_set_max_age_s`; `options` must be NULL or live
/// options not being changed by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_cookie_options(
    config: *mut polyseal_session_config,
    options: *const polyseal_cookie_options,
) -> polyseal_status {
    // SAFETY: forwarded; the options are checked for NULL inside.
    unsafe {
        set(config, |c| {
            c.cookie = handle(options, "options")?.inner.clone();
            Ok(())
        })
    }
}

/// Sets how `Set-Cookie` lines are written, by name (`name_len` bytes): `"polyseal"`,
/// `"h3-v1"`, `"h3-v2"` or `"iron-session"` (see `polyseal_set_cookie`).
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for another name and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text; on failure the
/// configuration is unchanged.
///
/// # Safety
/// `config` as for `polyseal_session_config_set_max_age_s`; `name` must be NULL or readable for
/// `name_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_style(
    config: *mut polyseal_session_config,
    name: *const c_char,
    name_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the name is checked for NULL and length inside.
    unsafe {
        set(config, |c| {
            c.style = CookieStyle::from_name(str_arg(name, name_len, "name")?)?;
            Ok(())
        })
    }
}

/// Sets the chunk scheme used to read, write and delete the session cookie, by name
/// (`name_len` bytes): `"none"`, `"h3"` or `"iron-session"` (see `polyseal_chunk_set_cookies`).
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for another name and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text; on failure the
/// configuration is unchanged.
///
/// # Safety
/// As for `polyseal_session_config_set_style`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_chunking(
    config: *mut polyseal_session_config,
    name: *const c_char,
    name_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the name is checked for NULL and length inside.
    unsafe {
        set(config, |c| {
            c.chunking = ChunkScheme::from_name(str_arg(name, name_len, "name")?)?;
            Ok(())
        })
    }
}

/// Sets whether a session too large for one cookie is split into chunks (otherwise a save
/// fails with `POLYSEAL_STATUS_TOO_LARGE`). `polyseal_session_manager_new` refuses `split`
/// with the chunk scheme `"none"` (`POLYSEAL_STATUS_INVALID_OPTION`).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
///
/// # Safety
/// As for `polyseal_session_config_set_max_age_s`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_split(
    config: *mut polyseal_session_config,
    split: bool,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(config, |c| {
            c.split = split;
            Ok(())
        })
    }
}

/// Names a request header that carries the session token and wins over the cookie, as h3's
/// `sessionHeader` (`name_len` bytes, for example `"x-h3-session"`; its value is passed to
/// `polyseal_session_manager_load_at`, and `polyseal_session_manager_token_at` gives the token
/// to send back in it). NULL or length 0 turns it off, the default: the cookie only.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers with a length, or non-UTF-8
/// text.
///
/// # Safety
/// As for `polyseal_session_config_set_style`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_session_header(
    config: *mut polyseal_session_config,
    name: *const c_char,
    name_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the name is checked for NULL and length inside.
    unsafe {
        set(config, |c| {
            let name = str_arg(name, name_len, "name")?;
            c.session_header = (!name.is_empty()).then(|| name.to_owned());
            Ok(())
        })
    }
}

/// Sets whether saving a brand-new session that was never changed writes a cookie (the h3
/// formats do by default, as h3 does; the others do not, so anonymous visitors get no cookie).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
///
/// # Safety
/// As for `polyseal_session_config_set_max_age_s`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_save_new_sessions(
    config: *mut polyseal_session_config,
    save_new_sessions: bool,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(config, |c| {
            c.save_new_sessions = save_new_sessions;
            Ok(())
        })
    }
}

/// Sets the budget, in bytes, for the whole `Cookie` header a browser would send back after a
/// save (the session's cookies plus the request's other cookies); a save over it fails with
/// `POLYSEAL_STATUS_TOO_LARGE`. 0 leaves it unchecked, as the peer formats do by default;
/// `native` and `iron` default to `POLYSEAL_COOKIE_HEADER_LIMIT`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `config` is NULL.
///
/// # Safety
/// As for `polyseal_session_config_set_max_age_s`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_cookie_header_limit(
    config: *mut polyseal_session_config,
    limit: usize,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(config, |c| {
            c.cookie_header_limit = (limit != 0).then_some(limit);
            Ok(())
        })
    }
}

/// Replaces the sealer options (iterations, skew, size and depth limits, ...) with a copy of
/// `options`; `options` may be freed right after. Their ttl is not used: the session lifetimes
/// decide each token's expiry. For the `native` format the cookie name bound into tokens is
/// always the session cookie's name. `polyseal_session_manager_new` checks them
/// (`POLYSEAL_STATUS_INVALID_OPTION`).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
///
/// # Safety
/// `config` as for `polyseal_session_config_set_max_age_s`; `options` must be NULL or live
/// options not being changed by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_set_sealer_options(
    config: *mut polyseal_session_config,
    options: *const polyseal_options,
) -> polyseal_status {
    // SAFETY: forwarded; the options are checked for NULL inside.
    unsafe {
        set(config, |c| {
            c.sealer = handle(options, "options")?.inner.clone();
            Ok(())
        })
    }
}

/// Frees a session configuration. Accepts NULL. Managers built from it keep their own copy.
///
/// # Safety
/// `config` must be NULL or a live configuration that no other thread is using, not used again
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_config_free(config: *mut polyseal_session_config) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(config) });
}
