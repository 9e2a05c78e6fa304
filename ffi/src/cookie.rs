//! Cookies: `Set-Cookie` lines, `Cookie` header parsing, chunking, reassembly and the header
//! budget, each a thin call of `polyseal::cookie`. Styles and schemes are passed by name.

use std::ffi::c_char;

use polyseal::cookie::{self, ChunkScheme, ChunkState, CookieStyle};
use polyseal::{Error, ErrorCode};
use zeroize::Zeroize;

use crate::boundary::{Out, bytes_arg, ffi_status, handle, into_raw, str_arg};
use crate::buf::polyseal_buf;
use crate::cookie_list::polyseal_cookie_list;
use crate::cookie_options::polyseal_cookie_options;
use crate::status::polyseal_status;

/// The longest `Set-Cookie` line, in bytes, that browsers are guaranteed to store; a longer line
/// fails with `POLYSEAL_STATUS_TOO_LARGE` (or is chunked).
pub const POLYSEAL_MAX_SET_COOKIE_BYTES: usize = 4096;
/// The usual limit for the whole `Cookie` header a browser sends back (a common proxy limit):
/// pass it to `polyseal_cookie_header_budget`.
pub const POLYSEAL_COOKIE_HEADER_LIMIT: usize = 8190;
/// The longest `Cookie` header `polyseal_parse_cookie_header` reads, in bytes.
pub const POLYSEAL_MAX_COOKIE_HEADER_BYTES: usize = 65536;

/// A style by name: `polyseal`, `h3-v1`, `h3-v2` or `iron-session`.
///
/// # Safety
/// As for [`str_arg`].
unsafe fn style_arg(style: *const c_char, style_len: usize) -> polyseal::Result<CookieStyle> {
    // SAFETY: forwarded.
    CookieStyle::from_name(unsafe { str_arg(style, style_len, "style")? })
}

/// A chunk scheme by name: `none`, `h3` or `iron-session`.
///
/// # Safety
/// As for [`str_arg`].
unsafe fn scheme_arg(scheme: *const c_char, scheme_len: usize) -> polyseal::Result<ChunkScheme> {
    // SAFETY: forwarded.
    ChunkScheme::from_name(unsafe { str_arg(scheme, scheme_len, "scheme")? })
}

/// Hands a line (or any text) to C in a new buffer, wiping the Rust copy.
fn into_buf(mut text: String) -> polyseal_buf {
    let buf = polyseal_buf::from_bytes(text.as_bytes());
    text.zeroize();
    buf
}

/// Writes one `Set-Cookie` header value (without the `Set-Cookie:` name) that stores `value`
/// under `name`, and stores it in `*line_out`, which the caller frees with `polyseal_buf_free`.
///
/// `name` and `value` are UTF-8 (`name_len` and `value_len` bytes, no NUL needed); `options` are
/// the attributes; `style` (`style_len` bytes) chooses whose form to write, byte for byte:
/// `"polyseal"` (strict: the value must already be RFC 6265 cookie-octets), `"h3-v1"`, `"h3-v2"`
/// (h3 1.x and 2.x: value percent-encoded) or `"iron-session"` (percent-encoded only when needed).
///
/// Returns `POLYSEAL_STATUS_INVALID_COOKIE` when the name is not an RFC 6265 token, the value is
/// not cookie-octets (`polyseal` style), the domain or path is malformed, or a rule is broken
/// (`__Host-` needs `Secure`, `Path=/` and no `Domain`; `__Secure-`, `SameSite=None` and
/// `Partitioned` need `Secure`); `POLYSEAL_STATUS_TOO_LARGE` for a line over
/// `POLYSEAL_MAX_SET_COOKIE_BYTES`; `POLYSEAL_STATUS_INVALID_OPTION` for an unknown style; and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text. `*line_out` is
/// written only on success.
///
/// # Safety
/// `options` must be NULL or live options not being changed by another thread; `name`, `value`
/// and `style` must be NULL or readable for their lengths; `line_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_set_cookie(
    name: *const c_char,
    name_len: usize,
    value: *const c_char,
    value_len: usize,
    options: *const polyseal_cookie_options,
    style: *const c_char,
    style_len: usize,
    line_out: *mut polyseal_buf,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (name, value, options, style) = unsafe {
            (
                str_arg(name, name_len, "name")?,
                str_arg(value, value_len, "value")?,
                handle(options, "options")?,
                style_arg(style, style_len)?,
            )
        };
        let out = Out::new(line_out, "line_out")?;
        let line = cookie::set_cookie(name, value, &options.inner, style)?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_buf(line)) };
        Ok(())
    })
}

/// Writes the `Set-Cookie` header value that deletes the cookie `name` (an empty value with
/// `Max-Age=0`; the `polyseal` style also writes an epoch `Expires`) and stores it in
/// `*line_out`, which the caller frees with `polyseal_buf_free`.
///
/// Pass the options the cookie was set with: a deletion only reaches the cookie with the same
/// name, `Domain`, `Path` and `Partitioned`, and the prefix rules apply to it too. Returns the
/// statuses of `polyseal_set_cookie`. `*line_out` is written only on success.
///
/// # Safety
/// As for `polyseal_set_cookie`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_deletion_cookie(
    name: *const c_char,
    name_len: usize,
    options: *const polyseal_cookie_options,
    style: *const c_char,
    style_len: usize,
    line_out: *mut polyseal_buf,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (name, options, style) = unsafe {
            (
                str_arg(name, name_len, "name")?,
                handle(options, "options")?,
                style_arg(style, style_len)?,
            )
        };
        let out = Out::new(line_out, "line_out")?;
        let line = cookie::deletion_cookie(name, &options.inner, style)?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_buf(line)) };
        Ok(())
    })
}

/// Parses the value of a request's `Cookie` header (`header_len` bytes, no NUL needed) into a
/// new list of `(name, value)` pairs in header order, stored in `*list_out`; free it with
/// `polyseal_cookie_list_free`.
///
/// Lenient as browsers are: blanks around names and values are dropped, a value may be empty,
/// hold `=` or be wrapped in double quotes (unwrapped); a segment without `=`, with an empty name
/// or with a control character is skipped. When a name repeats, the first occurrence is kept and
/// later ones dropped. Values holding `%` are percent-decoded as h3 decodes them (kept raw when
/// that fails).
///
/// Returns `POLYSEAL_STATUS_TOO_LARGE` for a header over `POLYSEAL_MAX_COOKIE_HEADER_BYTES`,
/// `POLYSEAL_STATUS_MALFORMED` for a header that is not UTF-8 (it is untrusted input), and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. `*list_out` is written only on success.
///
/// # Safety
/// `header` must be NULL or readable for `header_len` bytes; `list_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_parse_cookie_header(
    header: *const c_char,
    header_len: usize,
    list_out: *mut *mut polyseal_cookie_list,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL and length inside.
        let header = unsafe { bytes_arg(header.cast(), header_len, "header")? };
        let out = Out::new(list_out, "list_out")?;
        let header = std::str::from_utf8(header).map_err(|e| {
            Error::new(
                ErrorCode::Malformed,
                format!(
                    "the Cookie header is not valid UTF-8 (bad byte at offset {})",
                    e.valid_up_to()
                ),
            )
        })?;
        let list = polyseal_cookie_list::pairs(cookie::parse_cookie_header(header)?);
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(list)) };
        Ok(())
    })
}

/// Writes the `Set-Cookie` lines that store `value` under `name`, chunked as the scheme does when
/// it does not fit one cookie, into a new list of lines stored in `*lines_out` (free it with
/// `polyseal_cookie_list_free`). Send every line, in order, each as its own `Set-Cookie` header.
///
/// `scheme` (`scheme_len` bytes) is `"none"` (one cookie only), `"h3"` (h3 2.x:
/// `name=__chunked__N` plus `name.1` ... `name.N`, N at most 100) or `"iron-session"`
/// (`name.0` ... `name.3`). With `split` false, or for `"none"`, a line over
/// `POLYSEAL_MAX_SET_COOKIE_BYTES` fails instead. `previous_whole` and `previous_chunks` are
/// what `polyseal_chunk_state` reported for the request (false and 0 when there was none):
/// chunk cookies the new value no longer uses are deleted by lines in the list. `name`,
/// `value`, `options` and `style` are as for `polyseal_set_cookie`, whose checks apply to every
/// line.
///
/// Returns `POLYSEAL_STATUS_TOO_LARGE` when the value does not fit (more chunks than the scheme
/// allows, or a line too long without splitting); `POLYSEAL_STATUS_INVALID_OPTION` for an
/// unknown style or scheme, or a `previous_chunks` above the scheme's limit; the other statuses
/// of `polyseal_set_cookie`. `*lines_out` is written only on success.
///
/// # Safety
/// As for `polyseal_set_cookie`, with `scheme` readable for `scheme_len` bytes and `lines_out`
/// NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_chunk_set_cookies(
    name: *const c_char,
    name_len: usize,
    value: *const c_char,
    value_len: usize,
    options: *const polyseal_cookie_options,
    style: *const c_char,
    style_len: usize,
    scheme: *const c_char,
    scheme_len: usize,
    split: bool,
    previous_whole: bool,
    previous_chunks: usize,
    lines_out: *mut *mut polyseal_cookie_list,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (name, value, options, style, scheme) = unsafe {
            (
                str_arg(name, name_len, "name")?,
                str_arg(value, value_len, "value")?,
                handle(options, "options")?,
                style_arg(style, style_len)?,
                scheme_arg(scheme, scheme_len)?,
            )
        };
        let out = Out::new(lines_out, "lines_out")?;
        let previous = ChunkState {
            whole: previous_whole,
            chunks: previous_chunks,
        };
        let lines =
            cookie::chunk_set_cookies(name, value, &options.inner, style, scheme, split, previous)?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(polyseal_cookie_list::lines(lines))) };
        Ok(())
    })
}

/// Writes the `Set-Cookie` lines that delete `name` and every chunk cookie the request carried
/// (`previous_whole` and `previous_chunks`, from `polyseal_chunk_state`), in the order h3 and
/// iron-session send them, into a new list of lines stored in `*lines_out`.
///
/// Arguments and statuses are as for `polyseal_chunk_set_cookies`; the options must be those
/// the cookies were set with. `*lines_out` is written only on success.
///
/// # Safety
/// As for `polyseal_chunk_set_cookies`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_chunk_deletion_cookies(
    name: *const c_char,
    name_len: usize,
    options: *const polyseal_cookie_options,
    style: *const c_char,
    style_len: usize,
    scheme: *const c_char,
    scheme_len: usize,
    previous_whole: bool,
    previous_chunks: usize,
    lines_out: *mut *mut polyseal_cookie_list,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (name, options, style, scheme) = unsafe {
            (
                str_arg(name, name_len, "name")?,
                handle(options, "options")?,
                style_arg(style, style_len)?,
                scheme_arg(scheme, scheme_len)?,
            )
        };
        let out = Out::new(lines_out, "lines_out")?;
        let previous = ChunkState {
            whole: previous_whole,
            chunks: previous_chunks,
        };
        let lines = cookie::chunk_deletion_cookies(name, &options.inner, style, scheme, previous)?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(polyseal_cookie_list::lines(lines))) };
        Ok(())
    })
}

/// Reports what the request cookies `cookies` carry under `name` in the chunk `scheme`
/// (`"none"`, `"h3"` or `"iron-session"`): `*whole_out` is whether `name` itself holds a
/// non-empty unchunked value, `*chunks_out` how many chunk cookies to account for. Pass both to
/// `polyseal_chunk_set_cookies` or `polyseal_chunk_deletion_cookies` so that the response
/// deletes the chunks it no longer needs.
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown scheme and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, non-UTF-8 text or a list of
/// `Set-Cookie` lines. The out-parameters are written only on success.
///
/// # Safety
/// `cookies` must be NULL or a live list not being changed by another thread; `name` and
/// `scheme` must be NULL or readable for their lengths; the out-parameters must be NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_chunk_state(
    cookies: *const polyseal_cookie_list,
    name: *const c_char,
    name_len: usize,
    scheme: *const c_char,
    scheme_len: usize,
    whole_out: *mut bool,
    chunks_out: *mut usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (cookies, name, scheme) = unsafe {
            (
                handle(cookies, "cookies")?.as_pairs()?,
                str_arg(name, name_len, "name")?,
                scheme_arg(scheme, scheme_len)?,
            )
        };
        let (whole, chunks) = (
            Out::new(whole_out, "whole_out")?,
            Out::new(chunks_out, "chunks_out")?,
        );
        let state = cookie::chunk_state(cookies, name, scheme);
        // SAFETY: both checked for NULL; the caller vouches they are writable.
        unsafe {
            whole.write(state.whole);
            chunks.write(state.chunks);
        }
        Ok(())
    })
}

/// Reads the value the request cookies `cookies` store under `name`, rejoining its chunks in the
/// `scheme` (`"none"`, `"h3"` or `"iron-session"`).
///
/// Finding no session is not an error: on success `*found_out` says whether there was a value.
/// When there was, it is stored in `*value_out` (the caller frees it with `polyseal_buf_free`,
/// which wipes it); when there was not (no cookie, an empty value, a missing or empty chunk, a
/// malformed chunk count), `*value_out` is left untouched.
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for an unknown scheme and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, non-UTF-8 text or a list of
/// `Set-Cookie` lines. The out-parameters are written only on success.
///
/// # Safety
/// As for `polyseal_chunk_state`, with `found_out` and `value_out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_reassemble(
    cookies: *const polyseal_cookie_list,
    name: *const c_char,
    name_len: usize,
    scheme: *const c_char,
    scheme_len: usize,
    found_out: *mut bool,
    value_out: *mut polyseal_buf,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (cookies, name, scheme) = unsafe {
            (
                handle(cookies, "cookies")?.as_pairs()?,
                str_arg(name, name_len, "name")?,
                scheme_arg(scheme, scheme_len)?,
            )
        };
        let (found, value) = (
            Out::new(found_out, "found_out")?,
            Out::new(value_out, "value_out")?,
        );
        let reassembled = cookie::reassemble(cookies, name, scheme);
        // SAFETY: both checked for NULL; the caller vouches they are writable.
        unsafe {
            found.write(reassembled.is_some());
            if let Some(text) = reassembled {
                value.write(into_buf(text));
            }
        }
        Ok(())
    })
}

/// Measures the `Cookie` header a browser would send back holding the request cookies `cookies`
/// (`name=value` as on the wire, joined with `"; "`) and stores its length in bytes in
/// `*length_out`.
///
/// Returns `POLYSEAL_STATUS_TOO_LARGE` when the length exceeds `limit` (typically
/// `POLYSEAL_COOKIE_HEADER_LIMIT`; the message gives both numbers) and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or a list of `Set-Cookie` lines.
/// `*length_out` is written only on success.
///
/// # Safety
/// `cookies` must be NULL or a live list not being changed by another thread; `length_out` must
/// be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_header_budget(
    cookies: *const polyseal_cookie_list,
    limit: usize,
    length_out: *mut usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let cookies = unsafe { handle(cookies, "cookies")?.as_pairs()? };
        let out = Out::new(length_out, "length_out")?;
        let length = cookie::cookie_header_budget(cookies, limit)?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(length) };
        Ok(())
    })
}

/// Formats `ms` (milliseconds since the Unix epoch) as an IMF-fixdate, the `Expires` form,
/// exactly as JavaScript's `Date.prototype.toUTCString()` prints it (`"Thu, 01 Jan 1970 00:00:00
/// GMT"`, milliseconds dropped), and stores it in `*date_out`, which the caller frees with
/// `polyseal_buf_free`.
///
/// Returns `POLYSEAL_STATUS_INVALID_OPTION` for an instant after the year 9999 and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` if `date_out` is NULL. `*date_out` is written only on
/// success.
///
/// # Safety
/// `date_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_imf_fixdate(
    ms: u64,
    date_out: *mut polyseal_buf,
) -> polyseal_status {
    ffi_status(|| {
        let out = Out::new(date_out, "date_out")?;
        let date = cookie::imf_fixdate(ms)?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_buf(date)) };
        Ok(())
    })
}

/// Compile-time proof of the thread-safety notes: lists and options read through `const`
/// pointers may be shared between threads.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<polyseal_cookie_list>();
    shareable::<polyseal_cookie_options>();
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_cores() {
        assert_eq!(POLYSEAL_MAX_SET_COOKIE_BYTES, cookie::MAX_SET_COOKIE_BYTES);
        assert_eq!(
            POLYSEAL_COOKIE_HEADER_LIMIT,
            cookie::DEFAULT_COOKIE_HEADER_LIMIT
        );
        assert_eq!(
            POLYSEAL_MAX_COOKIE_HEADER_BYTES,
            cookie::MAX_COOKIE_HEADER_BYTES
        );
    }
}
