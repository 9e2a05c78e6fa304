//! Sessions: `polyseal_session_manager` (core's `SessionManager`, shared by every request) loads
//! a `polyseal_session` per request and writes its `Set-Cookie` lines.

use std::borrow::Cow;
use std::ffi::c_char;

use polyseal::json::{self, JsonLimits, MAX_CONFIGURABLE_DEPTH};
use polyseal::session::{Session, SessionManager};
use polyseal::{Error, ErrorCode, Value};

use crate::boundary::{
    Out, bytes_arg, ffi_status, ffi_value, free_raw, handle, handle_mut, into_raw,
};
use crate::buf::{NulTerminated, polyseal_buf};
use crate::cookie_list::polyseal_cookie_list;
use crate::keyring::polyseal_keyring;
use crate::session_config::polyseal_session_config;
use crate::status::{POLYSEAL_STATUS_OK, polyseal_status};

/// A keyring and a session configuration: loads sessions from requests and writes the
/// `Set-Cookie` lines that persist or clear them.
///
/// Immutable: a `const polyseal_session_manager *` may be used from any number of threads at
/// once (one manager serves a whole server; each request has its own `polyseal_session`). Free
/// it with `polyseal_session_manager_free`.
pub struct polyseal_session_manager {
    inner: SessionManager,
}

/// One request's session: its id, times, data (a JSON object) and state. Created by
/// `polyseal_session_manager_load_at`; read with the `polyseal_session_*` getters; changed with
/// `polyseal_session_set_data` and by the manager's update, save, clear and token calls; free it
/// with `polyseal_session_free`.
///
/// Mutable: one thread at a time. While nobody changes it, any number of threads may read it
/// through the getters, which take `const polyseal_session *`.
pub struct polyseal_session {
    inner: Session,
    /// The id, lent out by `polyseal_session_id` (it never changes).
    id: NulTerminated,
    /// The data as `JSON.stringify` prints it, rendered again after every change.
    data: NulTerminated,
    /// `"NAME: message"` of the rejection, lent out by `polyseal_session_rejection`.
    rejection: Option<NulTerminated>,
}

impl polyseal_session {
    fn new(inner: Session) -> polyseal_session {
        polyseal_session {
            id: NulTerminated::new(inner.id()),
            data: render(&inner),
            rejection: inner
                .rejection()
                .map(|error| NulTerminated::new(&error.to_string())),
            inner,
        }
    }

    /// Runs a change of the core session and renders the data again, whatever the outcome (a
    /// failed update keeps its patch merged).
    fn change<T>(&mut self, f: impl FnOnce(&mut Session) -> T) -> T {
        let result = f(&mut self.inner);
        self.data = render(&self.inner);
        result
    }
}

fn render(session: &Session) -> NulTerminated {
    NulTerminated::new(&json::to_js_string(&Value::Object(session.data().clone())))
}

/// Parses caller JSON (session data or a patch). Only the parser's own depth bound applies
/// here; the manager's size and depth limits apply when the session is sealed, as they do for the
/// other languages' dicts and objects.
fn json_arg(bytes: &[u8]) -> polyseal::Result<Value> {
    let limits = JsonLimits {
        max_bytes: usize::MAX,
        max_depth: MAX_CONFIGURABLE_DEPTH,
    };
    json::parse(bytes, limits)
}

fn not_an_object(what: &str) -> Error {
    Error::new(
        ErrorCode::InvalidJson,
        format!("{what} must be a JSON object"),
    )
}

/// Untrusted request text: bytes that are not UTF-8 reach core as U+FFFD, so a damaged header
/// is a rejection (or an ignored foreign cookie), never a failed load.
///
/// # Safety
/// As for [`bytes_arg`].
unsafe fn request_text<'a>(
    ptr: *const c_char,
    len: usize,
    what: &str,
) -> polyseal::Result<Option<Cow<'a, str>>> {
    if ptr.is_null() && len == 0 {
        return Ok(None);
    }
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { bytes_arg(ptr.cast(), len, what)? };
    Ok(Some(String::from_utf8_lossy(bytes)))
}

/// Creates a session manager and stores it in `*manager_out`.
///
/// The keyring reference and the configuration are copied, so both may be freed right after.
/// The configuration is checked here, so that requests cannot fail on it later: returns
/// `POLYSEAL_STATUS_INVALID_OPTION` for a configuration that cannot work (a max age or idle
/// timeout over 400 days, an idle timeout for `iron-session`, split without a chunk scheme,
/// sealer options the format rejects, a format this build does not offer),
/// `POLYSEAL_STATUS_INVALID_COOKIE` for a cookie name or attributes that break the cookie rules
/// (docs/COOKIES.md), and `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
///
/// # Safety
/// `keyring` and `config` must be NULL or live handles (the configuration not being changed by
/// another thread); `manager_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_manager_new(
    keyring: *const polyseal_keyring,
    config: *const polyseal_session_config,
    manager_out: *mut *const polyseal_session_manager,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL inside.
        let (keyring, config) = unsafe { (handle(keyring, "keyring")?, handle(config, "config")?) };
        let out = Out::new(manager_out, "manager_out")?;
        let manager = polyseal_session_manager {
            inner: SessionManager::new(keyring.inner.clone(), config.inner.clone())?,
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(manager)) };
        Ok(())
    })
}

/// Frees a session manager. Accepts NULL. Sessions it loaded stay valid (they hold no
/// reference to it).
///
/// # Safety
/// `manager` must be NULL or a live manager that no other thread is using, not used again
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_manager_free(manager: *const polyseal_session_manager) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(manager) });
}

/// Loads the session of a request as if the time were `now_ms` (milliseconds since the Unix
/// epoch) and stores it in `*session_out`, which the caller frees with `polyseal_session_free`.
///
/// `cookie_header` is the value of the request's `Cookie` header (`cookie_header_len` bytes, no
/// NUL needed; NULL with length 0 when there is none). `session_header` is the value of the
/// header named by `polyseal_session_config_set_session_header` (NULL with length 0 when the
/// request has none, or the configuration names none); when present and not empty it wins over
/// the cookie. Both are untrusted input: bytes that are not UTF-8 are read as U+FFFD.
///
/// Never fails because of what the request carries: a missing cookie starts a new session, and
/// a cookie that is malformed, forged, expired, sealed with an unknown key or missing a chunk
/// starts a new session whose `polyseal_session_rejection` says why. The status is
/// `POLYSEAL_STATUS_OK` in all those cases; only `POLYSEAL_STATUS_INVALID_ARGUMENT` (NULL
/// pointers with a length, a NULL manager or `session_out`) is returned, and `*session_out` is
/// written only on success.
///
/// # Safety
/// `manager` must be NULL or a live manager; `cookie_header` and `session_header` must be NULL
/// or readable for their lengths; `session_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_manager_load_at(
    manager: *const polyseal_session_manager,
    cookie_header: *const c_char,
    cookie_header_len: usize,
    session_header: *const c_char,
    session_header_len: usize,
    now_ms: u64,
    session_out: *mut *mut polyseal_session,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (manager, cookies, header) = unsafe {
            (
                handle(manager, "manager")?,
                request_text(cookie_header, cookie_header_len, "cookie_header")?,
                request_text(session_header, session_header_len, "session_header")?,
            )
        };
        let out = Out::new(session_out, "session_out")?;
        let session = manager
            .inner
            .load_request_at(cookies.as_deref(), header.as_deref(), now_ms);
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(polyseal_session::new(session))) };
        Ok(())
    })
}

/// Runs a manager call that writes `Set-Cookie` lines for a session.
///
/// # Safety
/// As for `polyseal_session_manager_save_at`.
unsafe fn write_lines(
    manager: *const polyseal_session_manager,
    session: *mut polyseal_session,
    lines_out: *mut *mut polyseal_cookie_list,
    call: impl FnOnce(&SessionManager, &mut Session) -> polyseal::Result<Vec<String>>,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL inside.
        let (manager, session) =
            unsafe { (handle(manager, "manager")?, handle_mut(session, "session")?) };
        let out = Out::new(lines_out, "lines_out")?;
        let lines = session.change(|s| call(&manager.inner, s))?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(polyseal_cookie_list::lines(lines))) };
        Ok(())
    })
}

/// Merges `patch` into the session's data (its top-level keys replace the data's, as
/// JavaScript's `Object.assign` does) and saves the session at `now_ms`: stores the
/// `Set-Cookie` lines to send in `*lines_out`, a new list of kind `POLYSEAL_COOKIE_LIST_LINES`
/// that the caller frees with `polyseal_cookie_list_free`. An update always writes.
///
/// `patch` is `patch_len` bytes of UTF-8 JSON text holding an object. Returns
/// `POLYSEAL_STATUS_INVALID_JSON` when it is not one (the session is then unchanged), and the
/// statuses of `polyseal_session_manager_save_at`; when the save fails the patch stays merged.
///
/// # Safety
/// As for `polyseal_session_manager_save_at`, with `patch` NULL or readable for `patch_len`
/// bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_manager_update_at(
    manager: *const polyseal_session_manager,
    session: *mut polyseal_session,
    patch: *const c_char,
    patch_len: usize,
    now_ms: u64,
    lines_out: *mut *mut polyseal_cookie_list,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (manager, session, patch) = unsafe {
            (
                handle(manager, "manager")?,
                handle_mut(session, "session")?,
                bytes_arg(patch.cast(), patch_len, "patch")?,
            )
        };
        let out = Out::new(lines_out, "lines_out")?;
        let Value::Object(patch) = json_arg(patch)? else {
            return Err(not_an_object("the patch"));
        };
        let lines = session.change(|s| manager.inner.update_at(s, &patch, now_ms))?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(polyseal_cookie_list::lines(lines))) };
        Ok(())
    })
}

/// Saves the session at `now_ms` (milliseconds since the Unix epoch) and stores the
/// `Set-Cookie` lines to send in `*lines_out`, a new list of kind `POLYSEAL_COOKIE_LIST_LINES`
/// that the caller frees with `polyseal_cookie_list_free`. Send every line, in order, each as
/// its own `Set-Cookie` header.
///
/// The list is empty when nothing needs writing: lines are written only when the data differs
/// from what was loaded or last saved (`polyseal_session_set_data` and updates count), the cookie
/// needs a reseal (`polyseal_session_needs_reseal`), or the session is new and the configuration
/// saves new sessions. A session that needs fewer chunks than the request carried gets deletion
/// lines for the stale ones.
///
/// Returns `POLYSEAL_STATUS_SESSION_CLEARED` after `polyseal_session_manager_clear_at`,
/// `POLYSEAL_STATUS_TOO_LARGE` when the session does not fit (a line over 4096 bytes without
/// split, too many chunks, the `Cookie` header budget, the sealer's payload limit),
/// `POLYSEAL_STATUS_EXPIRED` when `now_ms` is already past a `native` or `iron` session's
/// deadline, `POLYSEAL_STATUS_INVALID_JSON` for data nested deeper than the sealer's limit,
/// `POLYSEAL_STATUS_INVALID_PASSWORD` when the keyring's current id cannot seal the format (an
/// `iron-session` id must be a decimal number), `POLYSEAL_STATUS_INTERNAL` if the randomness
/// source fails, and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. `*lines_out` is written only on
/// success.
///
/// # Safety
/// `manager` must be NULL or a live manager; `session` must be NULL or a live session used by no
/// other thread during the call; `lines_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_manager_save_at(
    manager: *const polyseal_session_manager,
    session: *mut polyseal_session,
    now_ms: u64,
    lines_out: *mut *mut polyseal_cookie_list,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        write_lines(manager, session, lines_out, |manager, session| {
            manager.save_at(session, now_ms)
        })
    }
}

/// Clears the session: empties its data, makes it terminal (`polyseal_session_is_cleared`; a
/// later update, save or token call fails with `POLYSEAL_STATUS_SESSION_CLEARED`) and stores the
/// `Set-Cookie` lines that delete the cookie and every chunk in `*lines_out`, a new list of kind
/// `POLYSEAL_COOKIE_LIST_LINES` (free it with `polyseal_cookie_list_free`). Clearing twice is
/// allowed and writes the deletions again. `now_ms` is as for `polyseal_session_manager_save_at`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers (the session is then
/// unchanged). `*lines_out` is written only on success.
///
/// # Safety
/// As for `polyseal_session_manager_save_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_manager_clear_at(
    manager: *const polyseal_session_manager,
    session: *mut polyseal_session,
    now_ms: u64,
    lines_out: *mut *mut polyseal_cookie_list,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe {
        write_lines(manager, session, lines_out, |manager, session| {
            manager.clear_at(session, now_ms)
        })
    }
}

/// Seals the session at `now_ms` as a save would and stores the token alone in `*token_out`
/// (free it with `polyseal_buf_free`), for h3's session header transport; no cookie lines. With
/// an idle timeout the session's `lastSeenAt` moves to `now_ms`.
///
/// Returns `POLYSEAL_STATUS_SESSION_CLEARED` after `polyseal_session_manager_clear_at`, the
/// sealing statuses of `polyseal_session_manager_save_at` (`TOO_LARGE` for the payload limit,
/// `EXPIRED`, `INVALID_JSON`, `INVALID_PASSWORD`, `INTERNAL`), and `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL
/// pointers. `*token_out` is written only on success.
///
/// # Safety
/// As for `polyseal_session_manager_save_at`, with `token_out` NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_manager_token_at(
    manager: *const polyseal_session_manager,
    session: *mut polyseal_session,
    now_ms: u64,
    token_out: *mut polyseal_buf,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL inside.
        let (manager, session) =
            unsafe { (handle(manager, "manager")?, handle_mut(session, "session")?) };
        let out = Out::new(token_out, "token_out")?;
        let token = session.change(|s| manager.inner.token_at(s, now_ms))?;
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(polyseal_buf::from_bytes(token.as_bytes())) };
        Ok(())
    })
}

/// Lends out the session id: stores a pointer in `*id_out` and its length in bytes in
/// `*id_len_out`. A lower-case UUID v4 for the h3 formats, 22 base64url characters for `native`
/// and `iron`, empty for `iron-session` (which seals the data alone). The text is NUL-terminated
/// and belongs to the session until it is freed.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers; the out-parameters are written
/// only on success.
///
/// # Safety
/// `session` must be NULL or a live session not being changed by another thread; the
/// out-parameters must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_id(
    session: *const polyseal_session,
    id_out: *mut *const c_char,
    id_len_out: *mut usize,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe { lend(session, |s| &s.id, id_out, id_len_out) }
}

/// Lends out the session data as JSON text, an object as `JSON.stringify` prints it: stores a
/// pointer in `*data_out` and its length in bytes in `*data_len_out`. The text is NUL-terminated
/// and belongs to the session; it stays valid until the session's data next changes
/// (`polyseal_session_set_data`, `polyseal_session_manager_update_at`,
/// `polyseal_session_manager_clear_at`) or the session is freed.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers; the out-parameters are written
/// only on success.
///
/// # Safety
/// As for `polyseal_session_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_data(
    session: *const polyseal_session,
    data_out: *mut *const c_char,
    data_len_out: *mut usize,
) -> polyseal_status {
    // SAFETY: forwarded.
    unsafe { lend(session, |s| &s.data, data_out, data_len_out) }
}

/// Lends out NUL-terminated text held by a session.
///
/// # Safety
/// As for `polyseal_session_id`.
unsafe fn lend(
    session: *const polyseal_session,
    pick: fn(&polyseal_session) -> &NulTerminated,
    ptr_out: *mut *const c_char,
    len_out: *mut usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let session = unsafe { handle(session, "session")? };
        let (ptr, len) = (
            Out::new(ptr_out, "text_out")?,
            Out::new(len_out, "len_out")?,
        );
        let text = pick(session);
        // SAFETY: both checked for NULL; the caller vouches they are writable.
        unsafe {
            ptr.write(text.as_ptr().cast());
            len.write(text.len());
        }
        Ok(())
    })
}

/// Replaces the session data with `json` (`json_len` bytes of UTF-8 JSON text holding an
/// object). The next save notices the change and writes the session. Allowed on a cleared
/// session too, whose saves still fail.
///
/// Returns `POLYSEAL_STATUS_INVALID_JSON` for text that is not a JSON object (or not UTF-8) and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers; on failure the session is unchanged.
/// The manager's size and depth limits apply when the session is saved. Text lent out by
/// `polyseal_session_data` before the call becomes invalid.
///
/// # Safety
/// `session` must be NULL or a live session used by no other thread during the call; `json`
/// must be NULL or readable for `json_len` bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_set_data(
    session: *mut polyseal_session,
    json: *const c_char,
    json_len: usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (session, json) = unsafe {
            (
                handle_mut(session, "session")?,
                bytes_arg(json.cast(), json_len, "json")?,
            )
        };
        let Value::Object(data) = json_arg(json)? else {
            return Err(not_an_object("the session data"));
        };
        session.change(|s| s.set_data(data));
        Ok(())
    })
}

/// When the session was created, in milliseconds since the Unix epoch (0 for `iron-session`
/// sessions, which seal no creation time, and for NULL).
///
/// # Safety
/// `session` must be NULL or a live session not being changed by another thread.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_created_at(session: *const polyseal_session) -> u64 {
    // SAFETY: the caller's promise.
    ffi_value(0, || {
        unsafe { session.as_ref() }.map_or(0, |s| s.inner.created_at())
    })
}

/// Whether the session has a `lastSeenAt` (it was saved with an idle timeout on). Returns false
/// for NULL.
///
/// # Safety
/// As for `polyseal_session_created_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_has_last_seen_at(
    session: *const polyseal_session,
) -> bool {
    // SAFETY: the caller's promise.
    ffi_value(false, || {
        unsafe { session.as_ref() }.is_some_and(|s| s.inner.last_seen_at().is_some())
    })
}

/// The last time the session was saved with an idle timeout on, in milliseconds since the Unix
/// epoch; 0 when it has none (see `polyseal_session_has_last_seen_at`) or for NULL.
///
/// # Safety
/// As for `polyseal_session_created_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_last_seen_at(session: *const polyseal_session) -> u64 {
    // SAFETY: the caller's promise.
    ffi_value(0, || {
        unsafe { session.as_ref() }
            .and_then(|s| s.inner.last_seen_at())
            .unwrap_or(0)
    })
}

/// Whether no valid session cookie was presented: a fresh session (also after a rejection),
/// until its first successful save. Returns false for NULL.
///
/// # Safety
/// As for `polyseal_session_created_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_is_new(session: *const polyseal_session) -> bool {
    // SAFETY: the caller's promise.
    ffi_value(false, || {
        unsafe { session.as_ref() }.is_some_and(|s| s.inner.is_new())
    })
}

/// Why the presented cookie (or session header token) was not accepted: stores the reason's
/// status in `*code_out` (`POLYSEAL_STATUS_MALFORMED`, `_UNSUPPORTED_VERSION`, `_UNKNOWN_KEY`,
/// `_BAD_SEAL`, `_EXPIRED`, `_NOT_YET_VALID`, `_TOO_LARGE`, `_INVALID_JSON`, or
/// `POLYSEAL_STATUS_OK` when nothing was rejected) and lends out its message in `*message_out`
/// and `*message_len_out` (`"NAME: details"` as `polyseal_last_error_message` gives it, or empty
/// text when nothing was rejected). The message is for logs, never for the client; it holds no
/// token bytes. It is NUL-terminated and belongs to the session until it is freed. The
/// rejection describes the request's cookie and stays set after a save.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers (the status of the call, not the
/// reason); the out-parameters are written only on success.
///
/// # Safety
/// As for `polyseal_session_id`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_rejection(
    session: *const polyseal_session,
    code_out: *mut polyseal_status,
    message_out: *mut *const c_char,
    message_len_out: *mut usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let session = unsafe { handle(session, "session")? };
        let (code, ptr, len) = (
            Out::new(code_out, "code_out")?,
            Out::new(message_out, "message_out")?,
            Out::new(message_len_out, "message_len_out")?,
        );
        let number = session
            .inner
            .rejection()
            .map_or(POLYSEAL_STATUS_OK, |error| error.code().number());
        let (text, length) = match &session.rejection {
            Some(message) => (message.as_ptr().cast(), message.len()),
            None => (c"".as_ptr(), 0),
        };
        // SAFETY: all checked for NULL; the caller vouches they are writable.
        unsafe {
            code.write(number);
            ptr.write(text);
            len.write(length);
        }
        Ok(())
    })
}

/// Whether the presented cookie should be sealed again (an old key, a legacy h3 seal, an idle
/// refresh due); the next save writes it even if nothing changed. Returns false for NULL.
///
/// # Safety
/// As for `polyseal_session_created_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_needs_reseal(session: *const polyseal_session) -> bool {
    // SAFETY: the caller's promise.
    ffi_value(false, || {
        unsafe { session.as_ref() }.is_some_and(|s| s.inner.needs_reseal())
    })
}

/// Whether the session was cleared (`polyseal_session_manager_clear_at`); it can then no longer
/// be updated, saved or turned into a token. Returns false for NULL.
///
/// # Safety
/// As for `polyseal_session_created_at`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_is_cleared(session: *const polyseal_session) -> bool {
    // SAFETY: the caller's promise.
    ffi_value(false, || {
        unsafe { session.as_ref() }.is_some_and(|s| s.inner.is_cleared())
    })
}

/// Frees a session, wiping the data text it lent out. Accepts NULL.
///
/// # Safety
/// `session` must be NULL or a live session that no other thread is using, not used again
/// afterwards; pointers lent out by its getters become invalid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_session_free(session: *mut polyseal_session) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(session) });
}

/// Compile-time proof of the "Thread safety" section: a manager may be shared between threads,
/// and a session (used by one thread at a time) may move between them.
const _: () = {
    const fn shareable<T: Send + Sync>() {}
    shareable::<polyseal_session_manager>();
    shareable::<polyseal_session>();
};

#[cfg(test)]
mod tests {
    use super::*;
    use polyseal::Keyring;
    use polyseal::session::SessionConfig;

    fn manager() -> SessionManager {
        let keyring = Keyring::from_password("session-unit-test-password-0123456789").unwrap();
        SessionManager::new(keyring, SessionConfig::named("native", "s").unwrap()).unwrap()
    }

    fn text(lent: &NulTerminated) -> &[u8] {
        unsafe { std::slice::from_raw_parts(lent.as_ptr(), lent.len() + 1) }
    }

    #[test]
    fn lent_data_follows_every_change() {
        let manager = manager();
        let mut session = polyseal_session::new(manager.load_at("", 1000));
        assert_eq!(text(&session.data), b"{}\0");
        let Value::Object(patch) = json_arg(br#"{"n":1.0,"s":"x"}"#).unwrap() else {
            panic!("an object")
        };
        session
            .change(|s| manager.update_at(s, &patch, 1000))
            .unwrap();
        assert_eq!(text(&session.data), b"{\"n\":1,\"s\":\"x\"}\0");
        session.change(|s| manager.clear_at(s, 1000)).unwrap();
        assert_eq!(text(&session.data), b"{}\0");
    }

    #[test]
    fn damaged_request_text_is_read_not_refused() {
        let bad = b"s=\xff\xfe";
        let header = unsafe { request_text(bad.as_ptr().cast(), bad.len(), "h") }.unwrap();
        let session = manager().load_request_at(header.as_deref(), None, 1000);
        assert_eq!(
            session.rejection().map(|e| e.code()),
            Some(ErrorCode::Malformed)
        );
        assert!(
            unsafe { request_text(std::ptr::null(), 0, "h") }
                .unwrap()
                .is_none()
        );
        assert!(unsafe { request_text(std::ptr::null(), 1, "h") }.is_err());
    }
}
