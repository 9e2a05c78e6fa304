//! `polyseal_cookie_options`: the attributes of a `Set-Cookie` line, core's `CookieOptions`.
//!
//! Numbers and names are checked by the setters (core's parsers and date formatter); the domain,
//! the path and the rules that join several attributes (cookie prefixes, `SameSite=None` and
//! `Partitioned` needing `Secure`) are checked by core when a line is written.

use std::ffi::c_char;

use polyseal::cookie::{self, CookieOptions, CookieStyle, Priority, SameSite};
use polyseal::{Error, ErrorCode};

use crate::boundary::{Out, ffi_status, ffi_value, free_raw, handle_mut, into_raw, str_arg};
use crate::status::polyseal_status;

/// The attributes of a `Set-Cookie` line: `Max-Age`, `Expires`, `Domain`, `Path`, `Secure`,
/// `HttpOnly`, `SameSite`, `Partitioned`, `Priority`. Created by `polyseal_cookie_options_new`
/// (no attributes), `polyseal_cookie_options_secure_defaults`,
/// `polyseal_cookie_options_insecure_dev` or `polyseal_cookie_options_for_style`; changed with the
/// `polyseal_cookie_options_set_*` setters; read by the functions that write `Set-Cookie` lines,
/// which take it as `const polyseal_cookie_options *`.
///
/// Mutable: one thread at a time while it is being set; once set, any number of threads may pass
/// it to the line writers at once. Free it with `polyseal_cookie_options_free`.
pub struct polyseal_cookie_options {
    pub(crate) inner: CookieOptions,
}

/// Hands new options to C.
fn create(
    options_out: *mut *mut polyseal_cookie_options,
    make: impl FnOnce() -> polyseal::Result<CookieOptions>,
) -> polyseal_status {
    ffi_status(|| {
        let out = Out::new(options_out, "options_out")?;
        let options = polyseal_cookie_options { inner: make()? };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(options)) };
        Ok(())
    })
}

/// Creates cookie options with no attributes at all (a bare `name=value` line) and stores them in
/// `*options_out`. For a session cookie start from `polyseal_cookie_options_secure_defaults`
/// instead.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options_out` is NULL.
///
/// # Safety
/// `options_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_new(
    options_out: *mut *mut polyseal_cookie_options,
) -> polyseal_status {
    create(options_out, || Ok(CookieOptions::default()))
}

/// Creates the defaults for a session cookie, `Path=/; HttpOnly; Secure; SameSite=Lax`, and
/// stores them in `*options_out`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options_out` is NULL.
///
/// # Safety
/// `options_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_secure_defaults(
    options_out: *mut *mut polyseal_cookie_options,
) -> polyseal_status {
    create(options_out, || Ok(CookieOptions::secure_defaults()))
}

/// Creates the secure defaults without `Secure` (`Path=/; HttpOnly; SameSite=Lax`), for local
/// development over plain http only, and stores them in `*options_out`. Never use them in
/// production: the cookie would travel over unencrypted connections.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options_out` is NULL.
///
/// # Safety
/// `options_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_insecure_dev(
    options_out: *mut *mut polyseal_cookie_options,
) -> polyseal_status {
    create(options_out, || Ok(CookieOptions::insecure_dev()))
}

/// Creates the session cookie options a peer uses by default and stores them in `*options_out`.
///
/// `style` (`style_len` bytes, no NUL needed) is `"polyseal"` (the secure defaults), `"h3-v1"`
/// (`Path=/; HttpOnly; Secure`), `"h3-v2"` or `"iron-session"` (both the secure defaults).
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown style and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
///
/// # Safety
/// `style` must be NULL or readable for `style_len` bytes; `options_out` must be NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_for_style(
    style: *const c_char,
    style_len: usize,
    options_out: *mut *mut polyseal_cookie_options,
) -> polyseal_status {
    create(options_out, || {
        // SAFETY: the caller's promise, checked for NULL and length inside.
        let style = unsafe { str_arg(style, style_len, "style")? };
        Ok(CookieStyle::from_name(style)?.default_options())
    })
}

/// Runs a setter body on non-NULL options; on failure they are unchanged.
///
/// # Safety
/// `options` must be NULL or live options used by no other thread during the call.
unsafe fn set(
    options: *mut polyseal_cookie_options,
    apply: impl FnOnce(&mut CookieOptions) -> polyseal::Result<()>,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let options = unsafe { handle_mut(options, "options")? };
        apply(&mut options.inner)
    })
}

/// `Expires` must be writable as an IMF-fixdate; core's formatter is the judge.
fn check_expires(expires_ms: u64) -> polyseal::Result<()> {
    cookie::imf_fixdate(expires_ms).map(drop)
}

/// Sets `Max-Age` in seconds (0 tells the browser to drop the cookie at once).
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for a negative value (to delete a cookie, write
/// `polyseal_deletion_cookie`) and `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; on
/// failure the options are unchanged. The `h3-v2` style caps it at 400 days when writing.
///
/// # Safety
/// `options` must be NULL or live options used by no other thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_max_age(
    options: *mut polyseal_cookie_options,
    max_age_s: i64,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            if max_age_s < 0 {
                return Err(Error::new(
                    ErrorCode::InvalidOption,
                    format!(
                        "Max-Age must not be negative (got {max_age_s}); delete a cookie with a \
                         deletion cookie"
                    ),
                ));
            }
            o.max_age = Some(max_age_s);
            Ok(())
        })
    }
}

/// Sets `Expires` to `expires_ms` (milliseconds since the Unix epoch, written to the second).
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for an instant after the year 9999 and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; on failure the options are unchanged.
///
/// # Safety
/// As for `polyseal_cookie_options_set_max_age`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_expires_ms(
    options: *mut polyseal_cookie_options,
    expires_ms: u64,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            check_expires(expires_ms)?;
            o.expires_ms = Some(expires_ms);
            Ok(())
        })
    }
}

/// Sets both `Expires` (to `expires_ms`) and `Max-Age` (to the whole seconds left until then as
/// seen at `now_ms`, rounded down; 0 when that instant has passed, never negative), so that a
/// cookie ends with the token it carries. Times are milliseconds since the Unix epoch.
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for an `expires_ms` after the year 9999 and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL; on failure the options are unchanged.
///
/// # Safety
/// As for `polyseal_cookie_options_set_max_age`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_expiry(
    options: *mut polyseal_cookie_options,
    expires_ms: u64,
    now_ms: u64,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            check_expires(expires_ms)?;
            *o = o.clone().with_expiry(expires_ms, now_ms);
            Ok(())
        })
    }
}

/// Sets `Domain` (`domain_len` bytes of UTF-8, no NUL needed): a host name of letters, digits,
/// hyphens and dots, with an optional leading dot. It is checked when a line is written, which
/// fails with `POLYSEAL_STATUS_INVALID_COOKIE` for anything else (an empty domain included).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
///
/// # Safety
/// `options` as for `polyseal_cookie_options_set_max_age`; `domain` must be NULL or readable for
/// `domain_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_domain(
    options: *mut polyseal_cookie_options,
    domain: *const c_char,
    domain_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the text is checked for NULL and length inside.
    unsafe {
        set(options, |o| {
            o.domain = Some(str_arg(domain, domain_len, "domain")?.to_owned());
            Ok(())
        })
    }
}

/// Sets `Path` (`path_len` bytes of UTF-8, no NUL needed). It must start with `/` and hold no
/// control character or `;`; it is checked when a line is written, which fails with
/// `POLYSEAL_STATUS_INVALID_COOKIE` otherwise. The `h3-v1` and `h3-v2` styles write `Path=/` when
/// no path is set.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
///
/// # Safety
/// `options` as for `polyseal_cookie_options_set_max_age`; `path` must be NULL or readable for
/// `path_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_path(
    options: *mut polyseal_cookie_options,
    path: *const c_char,
    path_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the text is checked for NULL and length inside.
    unsafe {
        set(options, |o| {
            o.path = Some(str_arg(path, path_len, "path")?.to_owned());
            Ok(())
        })
    }
}

/// Sets or clears `Secure` (the cookie travels over https only). `SameSite=None`, `Partitioned`
/// and the `__Secure-` and `__Host-` name prefixes need it.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
///
/// # Safety
/// As for `polyseal_cookie_options_set_max_age`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_secure(
    options: *mut polyseal_cookie_options,
    secure: bool,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.secure = secure;
            Ok(())
        })
    }
}

/// Sets or clears `HttpOnly` (scripts in the page cannot read the cookie).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
///
/// # Safety
/// As for `polyseal_cookie_options_set_max_age`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_http_only(
    options: *mut polyseal_cookie_options,
    http_only: bool,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.http_only = http_only;
            Ok(())
        })
    }
}

/// Sets `SameSite` by name: `"Strict"`, `"Lax"` or `"None"`, in any letter case (`name_len`
/// bytes, no NUL needed). `SameSite=None` needs `Secure` when a line is written.
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for another name and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text; on failure the options
/// are unchanged.
///
/// # Safety
/// `options` as for `polyseal_cookie_options_set_max_age`; `name` must be NULL or readable for
/// `name_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_same_site(
    options: *mut polyseal_cookie_options,
    name: *const c_char,
    name_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the text is checked for NULL and length inside.
    unsafe {
        set(options, |o| {
            o.same_site = Some(SameSite::from_name(str_arg(name, name_len, "name")?)?);
            Ok(())
        })
    }
}

/// Sets or clears `Partitioned` (CHIPS: the cookie is kept per top-level site). It needs
/// `Secure` when a line is written.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `options` is NULL.
///
/// # Safety
/// As for `polyseal_cookie_options_set_max_age`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_partitioned(
    options: *mut polyseal_cookie_options,
    partitioned: bool,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        set(options, |o| {
            o.partitioned = partitioned;
            Ok(())
        })
    }
}

/// Sets `Priority` (a Chromium extension) by name: `"Low"`, `"Medium"` or `"High"`, in any
/// letter case (`name_len` bytes, no NUL needed).
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for another name and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text; on failure the options
/// are unchanged.
///
/// # Safety
/// As for `polyseal_cookie_options_set_same_site`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_set_priority(
    options: *mut polyseal_cookie_options,
    name: *const c_char,
    name_len: usize,
) -> polyseal_status {
    // SAFETY: forwarded; the text is checked for NULL and length inside.
    unsafe {
        set(options, |o| {
            o.priority = Some(Priority::from_name(str_arg(name, name_len, "name")?)?);
            Ok(())
        })
    }
}

/// Frees cookie options. Accepts NULL.
///
/// # Safety
/// `options` must be NULL or live options that no other thread is using, not used again
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_options_free(options: *mut polyseal_cookie_options) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(options) });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::{
        POLYSEAL_STATUS_INVALID_ARGUMENT, POLYSEAL_STATUS_INVALID_OPTION, POLYSEAL_STATUS_OK,
    };

    fn new(make: unsafe extern "C" fn(*mut *mut polyseal_cookie_options) -> i32) -> CookieOptions {
        let mut out = std::ptr::null_mut();
        unsafe {
            assert_eq!(make(&mut out), POLYSEAL_STATUS_OK);
            let inner = (*out).inner.clone();
            polyseal_cookie_options_free(out);
            inner
        }
    }

    #[test]
    fn constructors_are_cores() {
        assert_eq!(new(polyseal_cookie_options_new), CookieOptions::default());
        assert_eq!(
            new(polyseal_cookie_options_secure_defaults),
            CookieOptions::secure_defaults()
        );
        assert_eq!(
            new(polyseal_cookie_options_insecure_dev),
            CookieOptions::insecure_dev()
        );
        for style in CookieStyle::ALL {
            let mut out = std::ptr::null_mut();
            let name = style.name();
            unsafe {
                let status =
                    polyseal_cookie_options_for_style(name.as_ptr().cast(), name.len(), &mut out);
                assert_eq!(status, POLYSEAL_STATUS_OK);
                assert_eq!((*out).inner, style.default_options());
                polyseal_cookie_options_free(out);
            }
        }
    }

    #[test]
    fn setters_map_every_field_and_refuse_without_change() {
        let mut out = std::ptr::null_mut();
        unsafe {
            assert_eq!(polyseal_cookie_options_new(&mut out), POLYSEAL_STATUS_OK);
            assert_eq!(
                polyseal_cookie_options_set_max_age(out, 60),
                POLYSEAL_STATUS_OK
            );
            assert_eq!(
                polyseal_cookie_options_set_max_age(out, -1),
                POLYSEAL_STATUS_INVALID_OPTION
            );
            assert_eq!(
                polyseal_cookie_options_set_expires_ms(out, cookie::MAX_EXPIRES_MS + 1),
                POLYSEAL_STATUS_INVALID_OPTION
            );
            assert_eq!(
                polyseal_cookie_options_set_expires_ms(out, 1000),
                POLYSEAL_STATUS_OK
            );
            assert_eq!(
                polyseal_cookie_options_set_domain(out, c"x.org".as_ptr(), 5),
                0
            );
            assert_eq!(polyseal_cookie_options_set_path(out, c"/a".as_ptr(), 2), 0);
            assert_eq!(polyseal_cookie_options_set_secure(out, true), 0);
            assert_eq!(polyseal_cookie_options_set_http_only(out, true), 0);
            assert_eq!(
                polyseal_cookie_options_set_same_site(out, c"strict".as_ptr(), 6),
                0
            );
            assert_eq!(
                polyseal_cookie_options_set_same_site(out, c"never".as_ptr(), 5),
                POLYSEAL_STATUS_INVALID_OPTION
            );
            assert_eq!(polyseal_cookie_options_set_partitioned(out, true), 0);
            assert_eq!(
                polyseal_cookie_options_set_priority(out, c"HIGH".as_ptr(), 4),
                0
            );
            assert_eq!(
                polyseal_cookie_options_set_priority(std::ptr::null_mut(), c"Low".as_ptr(), 3),
                POLYSEAL_STATUS_INVALID_ARGUMENT
            );
            let expected = CookieOptions {
                max_age: Some(60),
                expires_ms: Some(1000),
                domain: Some("x.org".into()),
                path: Some("/a".into()),
                secure: true,
                http_only: true,
                same_site: Some(SameSite::Strict),
                partitioned: true,
                priority: Some(Priority::High),
            };
            assert_eq!((*out).inner, expected);
            assert_eq!(polyseal_cookie_options_set_expiry(out, 10_999, 0), 0);
            assert_eq!((*out).inner, expected.with_expiry(10_999, 0));
            polyseal_cookie_options_free(out);
        }
    }
}
