//! `polyseal_cookie_list`: the cookies of a request (name/value pairs) or the `Set-Cookie` lines
//! of a response, one handle for both so that every function producing or reading several
//! cookies (the parser, the chunkers, later the session manager) speaks the same type.

use std::ffi::c_char;

use zeroize::Zeroize;

use crate::boundary::{
    Out, ffi_status, ffi_value, free_raw, handle, handle_mut, into_raw, invalid_argument, str_arg,
};
use crate::status::polyseal_status;

/// The list holds cookies as `(name, value)` pairs, as a request's `Cookie` header carries them:
/// read them with `polyseal_cookie_list_pair`.
pub const POLYSEAL_COOKIE_LIST_PAIRS: u32 = 1;
/// The list holds `Set-Cookie` header values, one per header line, in the order to send them:
/// read them with `polyseal_cookie_list_line`.
pub const POLYSEAL_COOKIE_LIST_LINES: u32 = 2;

/// An ordered list of cookies: either `(name, value)` pairs (`POLYSEAL_COOKIE_LIST_PAIRS`, from
/// `polyseal_parse_cookie_header` or built with `polyseal_cookie_list_new` and
/// `polyseal_cookie_list_push`) or `Set-Cookie` lines (`POLYSEAL_COOKIE_LIST_LINES`, from
/// `polyseal_chunk_set_cookies` and `polyseal_chunk_deletion_cookies`; send each line as its own
/// `Set-Cookie` header, never joined with commas).
///
/// Only `polyseal_cookie_list_push` changes a list (one thread at a time, with no reader); every
/// other function takes `const polyseal_cookie_list *` and may run on any number of threads at
/// once. Text lent out by the getters stays valid until the list is freed (a push does not move
/// it). Free the list with `polyseal_cookie_list_free`, which wipes its text.
pub struct polyseal_cookie_list {
    items: Items,
}

enum Items {
    /// Core's own representation of request cookies, so core reads the list in place.
    Pairs(Vec<(String, String)>),
    Lines(Vec<String>),
}

impl polyseal_cookie_list {
    /// A list of request cookies.
    pub(crate) fn pairs(pairs: Vec<(String, String)>) -> polyseal_cookie_list {
        let pairs = pairs
            .into_iter()
            .map(|(name, value)| (lendable(name), lendable(value)))
            .collect();
        polyseal_cookie_list {
            items: Items::Pairs(pairs),
        }
    }

    /// A list of `Set-Cookie` lines (from the chunkers now, from the session manager later).
    pub(crate) fn lines(lines: Vec<String>) -> polyseal_cookie_list {
        polyseal_cookie_list {
            items: Items::Lines(lines.into_iter().map(lendable).collect()),
        }
    }

    /// The pairs, for core's functions over request cookies; a list of lines is refused.
    pub(crate) fn as_pairs(&self) -> polyseal::Result<&[(String, String)]> {
        match &self.items {
            Items::Pairs(pairs) => Ok(pairs),
            Items::Lines(_) => Err(not_pairs()),
        }
    }

    fn len(&self) -> usize {
        match &self.items {
            Items::Pairs(pairs) => pairs.len(),
            Items::Lines(lines) => lines.len(),
        }
    }
}

impl Drop for polyseal_cookie_list {
    fn drop(&mut self) {
        // Values are usually session tokens; `String::zeroize` also wipes the spare capacity,
        // where the NUL lives.
        match &mut self.items {
            Items::Pairs(pairs) => pairs.iter_mut().for_each(|(name, value)| {
                name.zeroize();
                value.zeroize();
            }),
            Items::Lines(lines) => lines.iter_mut().for_each(Zeroize::zeroize),
        }
    }
}

/// The same text with a NUL byte in its allocation right after the last byte, so that it can be
/// lent to C as `(ptr, len)` with a terminator while staying a plain `String` for core. The
/// string is never changed afterwards, so the byte stays.
fn lendable(text: String) -> String {
    let mut bytes = if text.capacity() > text.len() {
        text.into_bytes()
    } else {
        let mut copy = Vec::with_capacity(text.len() + 1);
        copy.extend_from_slice(text.as_bytes());
        let mut old = text;
        old.zeroize();
        copy
    };
    bytes.spare_capacity_mut()[0].write(0);
    String::from_utf8(bytes).expect("the bytes are the text's own")
}

/// Creates an empty list of request cookies (`POLYSEAL_COOKIE_LIST_PAIRS`) and stores it in
/// `*list_out`: fill it with `polyseal_cookie_list_push` when the cookies were parsed elsewhere,
/// for example by a web framework.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `list_out` is NULL.
///
/// # Safety
/// `list_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_list_new(
    list_out: *mut *mut polyseal_cookie_list,
) -> polyseal_status {
    ffi_status(|| {
        let out = Out::new(list_out, "list_out")?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(polyseal_cookie_list::pairs(Vec::new()))) };
        Ok(())
    })
}

/// Appends the cookie `name=value` to a list of request cookies. The text is taken as given
/// (already decoded, no checks beyond UTF-8), as `polyseal_parse_cookie_header` would have
/// produced it; when a name repeats, the functions reading the list use its first occurrence.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, non-UTF-8 text, or a list of
/// `Set-Cookie` lines; on failure the list is unchanged.
///
/// # Safety
/// `list` must be NULL or a live list used by no other thread during the call; `name` and
/// `value` must be NULL or readable for their lengths.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_list_push(
    list: *mut polyseal_cookie_list,
    name: *const c_char,
    name_len: usize,
    value: *const c_char,
    value_len: usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (list, name, value) = unsafe {
            (
                handle_mut(list, "list")?,
                str_arg(name, name_len, "name")?,
                str_arg(value, value_len, "value")?,
            )
        };
        let Items::Pairs(pairs) = &mut list.items else {
            return Err(not_pairs());
        };
        pairs.push((lendable(name.to_owned()), lendable(value.to_owned())));
        Ok(())
    })
}

/// What `list` holds: `POLYSEAL_COOKIE_LIST_PAIRS` or `POLYSEAL_COOKIE_LIST_LINES`; 0 for NULL.
/// New kinds may be added in compatible releases.
///
/// # Safety
/// `list` must be NULL or a live list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_list_kind(list: *const polyseal_cookie_list) -> u32 {
    // SAFETY: the caller's promise.
    ffi_value(0, || match unsafe { list.as_ref() }.map(|l| &l.items) {
        Some(Items::Pairs(_)) => POLYSEAL_COOKIE_LIST_PAIRS,
        Some(Items::Lines(_)) => POLYSEAL_COOKIE_LIST_LINES,
        None => 0,
    })
}

/// The number of cookies (pairs or lines) in `list`; 0 for NULL.
///
/// # Safety
/// `list` must be NULL or a live list.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_list_count(list: *const polyseal_cookie_list) -> usize {
    // SAFETY: the caller's promise.
    ffi_value(0, || {
        unsafe { list.as_ref() }.map_or(0, polyseal_cookie_list::len)
    })
}

fn not_pairs() -> polyseal::Error {
    invalid_argument(
        "the cookie list holds Set-Cookie lines, not the name/value pairs of a request",
    )
}

fn not_lines() -> polyseal::Error {
    invalid_argument(
        "the cookie list holds the name/value pairs of a request, not Set-Cookie lines",
    )
}

fn index_error(index: usize, len: usize) -> polyseal::Error {
    invalid_argument(format!(
        "index {index} is out of range (the list holds {len} cookies)"
    ))
}

/// Lends out the name and value of the cookie at `index` (from 0) of a list of request cookies:
/// stores pointers in `*name_out` and `*value_out` and the lengths in bytes in `*name_len_out` and
/// `*value_len_out`.
///
/// The text is UTF-8 followed by a NUL byte not counted in the length. It belongs to `list` and
/// stays valid until `polyseal_cookie_list_free(list)`; do not free it. Returns
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, an index not below
/// `polyseal_cookie_list_count(list)`, or a list of `Set-Cookie` lines; the out-parameters are
/// written only on success.
///
/// # Safety
/// `list` must be NULL or a live list; the out-parameters must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_list_pair(
    list: *const polyseal_cookie_list,
    index: usize,
    name_out: *mut *const c_char,
    name_len_out: *mut usize,
    value_out: *mut *const c_char,
    value_len_out: *mut usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let list = unsafe { handle(list, "list")? };
        let outs = (
            Out::new(name_out, "name_out")?,
            Out::new(name_len_out, "name_len_out")?,
            Out::new(value_out, "value_out")?,
            Out::new(value_len_out, "value_len_out")?,
        );
        let pairs = list.as_pairs()?;
        let (name, value) = pairs
            .get(index)
            .ok_or_else(|| index_error(index, pairs.len()))?;
        // SAFETY: all checked for NULL; the caller vouches they are writable.
        unsafe {
            outs.0.write(name.as_ptr().cast());
            outs.1.write(name.len());
            outs.2.write(value.as_ptr().cast());
            outs.3.write(value.len());
        }
        Ok(())
    })
}

/// Lends out the `Set-Cookie` line at `index` (from 0) of a list of lines: the header's value,
/// without the `Set-Cookie:` name. Stores a pointer in `*line_out` and the length in bytes in
/// `*line_len_out`; the text is NUL-terminated and belongs to `list` until it is freed.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, an index not below
/// `polyseal_cookie_list_count(list)`, or a list of request cookies; the out-parameters are
/// written only on success.
///
/// # Safety
/// `list` must be NULL or a live list; the out-parameters must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_list_line(
    list: *const polyseal_cookie_list,
    index: usize,
    line_out: *mut *const c_char,
    line_len_out: *mut usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let list = unsafe { handle(list, "list")? };
        let (ptr, len) = (
            Out::new(line_out, "line_out")?,
            Out::new(line_len_out, "line_len_out")?,
        );
        let Items::Lines(lines) = &list.items else {
            return Err(not_lines());
        };
        let line = lines
            .get(index)
            .ok_or_else(|| index_error(index, lines.len()))?;
        // SAFETY: both checked for NULL; the caller vouches they are writable.
        unsafe {
            ptr.write(line.as_ptr().cast());
            len.write(line.len());
        }
        Ok(())
    })
}

/// Frees a cookie list, wiping its text. Accepts NULL.
///
/// # Safety
/// `list` must be NULL or a live list that no other thread is using, not used again afterwards;
/// pointers lent out by its getters become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_cookie_list_free(list: *mut polyseal_cookie_list) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(list) });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lendable_text_keeps_a_nul_after_its_end() {
        for text in ["", "a", "tok=en", "é"] {
            for spare in [0, 1, 16] {
                let mut owned = String::with_capacity(text.len() + spare);
                owned.push_str(text);
                let lent = lendable(owned);
                assert_eq!(lent, text);
                let bytes = unsafe { std::slice::from_raw_parts(lent.as_ptr(), lent.len() + 1) };
                assert_eq!(bytes.last(), Some(&0));
            }
        }
    }

    #[test]
    fn pushed_text_stays_put() {
        let mut list = polyseal_cookie_list::pairs(vec![("a".into(), "1".into())]);
        let first = list.as_pairs().unwrap()[0].1.as_ptr();
        for i in 0..100 {
            let name = format!("n{i}");
            let status = unsafe {
                polyseal_cookie_list_push(
                    &mut list,
                    name.as_ptr().cast(),
                    name.len(),
                    c"v".as_ptr(),
                    1,
                )
            };
            assert_eq!(status, 0);
        }
        assert_eq!(list.as_pairs().unwrap()[0].1.as_ptr(), first);
        assert_eq!(list.len(), 101);
        assert!(polyseal_cookie_list::lines(vec![]).as_pairs().is_err());
    }
}
