//! `polyseal.SessionManager` and `polyseal.Session`: core's `polyseal::session` with Python
//! types.
//!
//! Every rule (envelopes, lifetimes, when lines are written, clear, rejections) is core's
//! (`docs/SESSIONS.md`). This file maps keyword arguments onto a `SessionConfig` (format
//! defaults first, then what was given), times to milliseconds, and keeps a Python `dict` as the
//! session data: the dict is what the application mutates, and it is copied into the core
//! session before every call that seals (`save`, `update`, `token`). Loading and sealing run
//! detached from the interpreter: h3 2.x derives keys with 8192 PBKDF2 iterations.

use polyseal::ErrorCode;
use polyseal::session::{self as core, SessionConfig};
use pyo3::prelude::*;
use pyo3::pyclass::{PyTraverseError, PyVisit};
use pyo3::types::{PyDict, PyString};
use serde_json::{Map, Value};

use crate::convert::{self, count, text_argument, type_name};
use crate::cookie::{Arg, CookieOptions, chunk_scheme, cookie_style, flag};
use crate::errors::{IntoPyResult, fail, to_py_err};
use crate::keyring::Keyring;
use crate::time;

/// Loads, saves and clears sessions for one configuration; share one across threads.
#[pyclass(frozen, module = "polyseal", name = "SessionManager")]
pub(crate) struct SessionManager {
    inner: core::SessionManager,
    keyring: Py<Keyring>,
}

#[pymethods]
impl SessionManager {
    #[new]
    #[pyo3(signature = (
        keyring,
        *,
        format = None,
        name = None,
        max_age = Arg::Default,
        idle_timeout = None,
        cookie = None,
        style = None,
        chunking = None,
        split = None,
        session_header = None,
        save_new_sessions = None,
        cookie_header_limit = Arg::Default,
        iterations = None,
        skew = None,
        salt_reuse = None,
    ))]
    #[pyo3(
        text_signature = "(keyring, *, format='native', name=None, max_age=..., \
        idle_timeout=None, cookie=None, style=None, chunking=None, split=None, \
        session_header=None, save_new_sessions=None, cookie_header_limit=..., iterations=None, \
        skew=None, salt_reuse=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        keyring: &Bound<'_, PyAny>,
        format: Option<&Bound<'_, PyAny>>,
        name: Option<&Bound<'_, PyAny>>,
        max_age: Arg<'_>,
        idle_timeout: Option<&Bound<'_, PyAny>>,
        cookie: Option<&Bound<'_, PyAny>>,
        style: Option<&Bound<'_, PyAny>>,
        chunking: Option<&Bound<'_, PyAny>>,
        split: Option<&Bound<'_, PyAny>>,
        session_header: Option<&Bound<'_, PyAny>>,
        save_new_sessions: Option<&Bound<'_, PyAny>>,
        cookie_header_limit: Arg<'_>,
        iterations: Option<&Bound<'_, PyAny>>,
        skew: Option<&Bound<'_, PyAny>>,
        salt_reuse: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let py = keyring.py();
        let keyring = keyring_arg(keyring)?;
        let format = match format {
            Some(format) => {
                polyseal::Format::from_name(&text_argument(format, "format")?).into_py_result(py)?
            }
            None => polyseal::Format::Native,
        };
        let mut config = SessionConfig::for_format(format);
        if let Some(name) = name {
            config.cookie_name = text_argument(name, "name")?;
        }
        if let Arg::Given(max_age) = max_age {
            config.max_age_s = lifetime(&max_age, "max_age")?;
        }
        if let Some(idle_timeout) = idle_timeout {
            config.idle_timeout_s = lifetime(idle_timeout, "idle_timeout")?;
        }
        if let Some(cookie) = cookie {
            config.cookie = match cookie.cast::<CookieOptions>() {
                Ok(options) => options.get().inner.clone(),
                Err(_) => {
                    return Err(fail(
                        py,
                        ErrorCode::InvalidArgument,
                        format!(
                            "cookie must be a polyseal.CookieOptions or None, got {}",
                            type_name(cookie)
                        ),
                    ));
                }
            };
        }
        if let Some(style) = style {
            config.style = cookie_style(style)?;
        }
        if let Some(chunking) = chunking {
            config.chunking = chunk_scheme(chunking)?;
        }
        if let Some(split) = split {
            config.split = flag(split, "split")?;
        }
        if let Some(header) = session_header {
            config.session_header = Some(text_argument(header, "session_header")?);
        }
        if let Some(save) = save_new_sessions {
            config.save_new_sessions = flag(save, "save_new_sessions")?;
        }
        if let Arg::Given(limit) = cookie_header_limit {
            config.cookie_header_limit = if limit.is_none() {
                None
            } else {
                Some(count(&limit, "cookie_header_limit", usize::MAX as u64)? as usize)
            };
        }
        if let Some(iterations) = iterations {
            config.sealer.iterations =
                Some(count(iterations, "iterations", u32::MAX.into())? as u32);
        }
        if let Some(skew) = skew {
            config.sealer.skew_ms = time::duration_ms(skew, "skew")?;
        }
        if let Some(window) = salt_reuse {
            config.sealer.salt_reuse_ms = Some(time::duration_ms(window, "salt_reuse")?);
        }
        let inner =
            core::SessionManager::new(keyring.get().inner.clone(), config).into_py_result(py)?;
        Ok(SessionManager {
            inner,
            keyring: keyring.unbind(),
        })
    }

    /// Loads the session a request carries, or starts a new one. Never fails because of what
    /// the request holds: a refused cookie starts a new session with the reason in
    /// `rejection`. `session_header` is the value of the configured session header, if any.
    #[pyo3(signature = (cookie_header, *, session_header = None, now = None))]
    fn load(
        &self,
        py: Python<'_>,
        cookie_header: Option<&Bound<'_, PyAny>>,
        session_header: Option<&Bound<'_, PyAny>>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Session> {
        let cookie_header = cookie_header
            .map(|header| text_argument(header, "cookie_header"))
            .transpose()?;
        let session_header = session_header
            .map(|header| text_argument(header, "session_header"))
            .transpose()?;
        let now_ms = now_ms(now)?;
        let manager = &self.inner;
        let loaded = py.detach(|| {
            manager.load_request_at(cookie_header.as_deref(), session_header.as_deref(), now_ms)
        });
        Session::new(py, loaded)
    }

    /// Merges `patch` into the session data (top-level keys replace) and saves: the
    /// `Set-Cookie` values to send, one header each.
    #[pyo3(signature = (session, patch, *, now = None))]
    fn update(
        &self,
        session: &Bound<'_, PyAny>,
        patch: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<String>> {
        let py = session.py();
        let mut session = session_arg(session)?;
        let Ok(patch) = patch.cast::<PyDict>() else {
            return Err(fail(
                py,
                ErrorCode::InvalidArgument,
                format!("patch must be a dict, got {}", type_name(patch)),
            ));
        };
        let patch = match convert::to_json(patch.as_any(), self.max_depth())? {
            Value::Object(patch) => patch,
            _ => unreachable!("a dict converts to a JSON object"),
        };
        let now_ms = now_ms(now)?;
        session.sync(py, self.max_depth())?;
        let manager = &self.inner;
        let inner = &mut session.inner;
        let written = py.detach(|| manager.update_at(inner, &patch, now_ms));
        // Core merges the patch before saving, so it stays merged even when the save fails.
        session.reflect(py, patch.keys())?;
        written.into_py_result(py)
    }

    /// The `Set-Cookie` values that persist the session; `[]` when nothing needs writing.
    #[pyo3(signature = (session, *, now = None))]
    fn save(
        &self,
        session: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<String>> {
        let py = session.py();
        let mut session = session_arg(session)?;
        let now_ms = now_ms(now)?;
        session.sync(py, self.max_depth())?;
        let manager = &self.inner;
        let inner = &mut session.inner;
        py.detach(|| manager.save_at(inner, now_ms))
            .into_py_result(py)
    }

    /// Clears the session: the `Set-Cookie` values that delete the cookie and every chunk.
    /// The session is terminal afterwards (`SessionClearedError` on save, update, token).
    #[pyo3(signature = (session, *, now = None))]
    fn clear(
        &self,
        session: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Vec<String>> {
        let py = session.py();
        let mut session = session_arg(session)?;
        let now_ms = now_ms(now)?;
        let written = self.inner.clear_at(&mut session.inner, now_ms);
        session.data.bind(py).clear();
        written.into_py_result(py)
    }

    /// The session's token as a save would seal it, for a session header instead of a cookie.
    #[pyo3(signature = (session, *, now = None))]
    fn token(
        &self,
        session: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<String> {
        let py = session.py();
        let mut session = session_arg(session)?;
        let now_ms = now_ms(now)?;
        session.sync(py, self.max_depth())?;
        let manager = &self.inner;
        let inner = &mut session.inner;
        py.detach(|| manager.token_at(inner, now_ms))
            .into_py_result(py)
    }

    /// The format's name.
    #[getter]
    fn format(&self) -> &'static str {
        self.config().format.name()
    }

    /// The session cookie's name.
    #[getter]
    fn name(&self) -> &str {
        &self.config().cookie_name
    }

    /// Absolute lifetime in seconds, or `None`.
    #[getter]
    fn max_age(&self) -> Option<u64> {
        self.config().max_age_s
    }

    /// Idle timeout in seconds, or `None`.
    #[getter]
    fn idle_timeout(&self) -> Option<u64> {
        self.config().idle_timeout_s
    }

    /// The cookie attributes (`Expires`/`Max-Age` are computed per save).
    #[getter]
    fn cookie(&self) -> CookieOptions {
        CookieOptions {
            inner: self.config().cookie.clone(),
        }
    }

    /// How `Set-Cookie` lines are written.
    #[getter]
    fn style(&self) -> &'static str {
        self.config().style.name()
    }

    /// How a large session is spread over cookies.
    #[getter]
    fn chunking(&self) -> &'static str {
        self.config().chunking.name()
    }

    /// Whether a session too large for one cookie is split into chunks.
    #[getter]
    fn split(&self) -> bool {
        self.config().split
    }

    /// The request header that carries a token and wins over the cookie, or `None`.
    #[getter]
    fn session_header(&self) -> Option<&str> {
        self.config().session_header.as_deref()
    }

    /// Whether saving an untouched new session writes a cookie.
    #[getter]
    fn save_new_sessions(&self) -> bool {
        self.config().save_new_sessions
    }

    /// The `Cookie` header budget in bytes, or `None` (unchecked).
    #[getter]
    fn cookie_header_limit(&self) -> Option<usize> {
        self.config().cookie_header_limit
    }

    /// The keyring.
    #[getter]
    fn keyring(&self, py: Python<'_>) -> Py<Keyring> {
        self.keyring.clone_ref(py)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let seconds =
            |value: Option<u64>| value.map_or_else(|| "None".to_owned(), |s| s.to_string());
        Ok(format!(
            "SessionManager(format='{}', name={}, max_age={}, idle_timeout={})",
            self.format(),
            PyString::new(py, self.name()).repr()?,
            seconds(self.max_age()),
            seconds(self.idle_timeout()),
        ))
    }
}

impl SessionManager {
    fn config(&self) -> &SessionConfig {
        self.inner.config()
    }

    fn max_depth(&self) -> usize {
        self.config().sealer.json.max_depth
    }
}

/// One request's session: `data` is a plain `dict` to read and change; the manager's `save`,
/// `update` and `token` take its current content.
#[pyclass(module = "polyseal", name = "Session")]
pub(crate) struct Session {
    inner: core::Session,
    data: Py<PyDict>,
    rejection: Option<Py<PyAny>>,
}

impl Session {
    fn new(py: Python<'_>, inner: core::Session) -> PyResult<Self> {
        let data = dict_of(py, inner.data())?.unbind();
        let rejection = inner
            .rejection()
            .map(|error| to_py_err(py, error).into_value(py).into_any());
        Ok(Session {
            inner,
            data,
            rejection,
        })
    }

    /// Copies the dict into the core session, which compares it with what was loaded.
    fn sync(&mut self, py: Python<'_>, max_depth: usize) -> PyResult<()> {
        let data = self.data.bind(py);
        match convert::to_json(data.as_any(), max_depth)? {
            Value::Object(map) => self.inner.set_data(map),
            _ => unreachable!("a dict converts to a JSON object"),
        }
        Ok(())
    }

    /// Copies the values of `keys` from the core session back into the dict (after a merge).
    fn reflect<'a>(&self, py: Python<'_>, keys: impl Iterator<Item = &'a String>) -> PyResult<()> {
        let data = self.data.bind(py);
        for key in keys {
            if let Some(value) = self.inner.data().get(key) {
                data.set_item(key, convert::to_python(py, value)?)?;
            }
        }
        Ok(())
    }
}

#[pymethods]
impl Session {
    /// The session id (`""` for iron-session, whose cookie holds the data alone).
    #[getter]
    fn id(&self) -> &str {
        self.inner.id()
    }

    /// When the session was created, in seconds since the Unix epoch (0 for iron-session).
    #[getter]
    fn created_at(&self) -> f64 {
        time::seconds(self.inner.created_at())
    }

    /// When the session was last saved with an idle timeout on, in seconds, or `None`.
    #[getter]
    fn last_seen_at(&self) -> Option<f64> {
        self.inner.last_seen_at().map(time::seconds)
    }

    /// The session data: a `dict` to change in place (or replace); the next save takes it.
    #[getter]
    fn data(&self, py: Python<'_>) -> Py<PyDict> {
        self.data.clone_ref(py)
    }

    #[setter]
    fn set_data(&mut self, data: &Bound<'_, PyAny>) -> PyResult<()> {
        match data.cast::<PyDict>() {
            Ok(dict) => {
                self.data = dict.clone().unbind();
                Ok(())
            }
            Err(_) => Err(fail(
                data.py(),
                ErrorCode::InvalidArgument,
                format!("session data must be a dict, got {}", type_name(data)),
            )),
        }
    }

    /// Whether the request carried no valid session (a fresh session).
    #[getter]
    fn is_new(&self) -> bool {
        self.inner.is_new()
    }

    /// Why a presented cookie was refused: a `PolysealError` (see its `code`), or `None`.
    #[getter]
    fn rejection(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        self.rejection.as_ref().map(|error| error.clone_ref(py))
    }

    /// Whether the next save reseals the cookie (old key, legacy h3 seal, idle refresh due).
    #[getter]
    fn needs_reseal(&self) -> bool {
        self.inner.needs_reseal()
    }

    /// Whether the session was cleared in this request.
    #[getter]
    fn is_cleared(&self) -> bool {
        self.inner.is_cleared()
    }

    /// Shows the id, `is_new` and the rejection's code: never the data or a token.
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let rejection = match self.inner.rejection() {
            Some(error) => format!("'{}'", error.code().name()),
            None => "None".to_owned(),
        };
        Ok(format!(
            "Session(id={}, is_new={}, rejection={rejection})",
            PyString::new(py, self.inner.id()).repr()?,
            if self.inner.is_new() { "True" } else { "False" },
        ))
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.data)?;
        if let Some(rejection) = &self.rejection {
            visit.call(rejection)?;
        }
        Ok(())
    }
}

/// A `Keyring`, or what `Keyring(...)` takes (a password, 32 raw bytes, a mapping of entries).
fn keyring_arg<'py>(keyring: &Bound<'py, PyAny>) -> PyResult<Bound<'py, Keyring>> {
    if let Ok(keyring) = keyring.cast::<Keyring>() {
        return Ok(keyring.clone());
    }
    let built = keyring.py().get_type::<Keyring>().call1((keyring,))?;
    Ok(built.cast_into::<Keyring>()?)
}

/// A lifetime in whole seconds (`int` or `timedelta`); `None` turns it off.
fn lifetime(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Option<u64>> {
    if value.is_none() {
        return Ok(None);
    }
    let seconds = time::whole_seconds(value, name)?;
    match u64::try_from(seconds) {
        Ok(seconds) if seconds > 0 => Ok(Some(seconds)),
        _ => Err(fail(
            value.py(),
            ErrorCode::InvalidOption,
            format!("{name} must be a positive number of seconds; pass None to turn it off"),
        )),
    }
}

/// The session a manager method works on, borrowed for the call. A session belongs to one
/// request: a second thread using it at the same time gets an error instead of a race.
fn session_arg<'py>(session: &Bound<'py, PyAny>) -> PyResult<PyRefMut<'py, Session>> {
    let py = session.py();
    let Ok(session) = session.cast::<Session>() else {
        return Err(fail(
            py,
            ErrorCode::InvalidArgument,
            format!(
                "session must be a polyseal.Session (from SessionManager.load), got {}",
                type_name(session)
            ),
        ));
    };
    session.try_borrow_mut().map_err(|_| {
        fail(
            py,
            ErrorCode::InvalidArgument,
            "the session is in use by another thread; a session belongs to one request",
        )
    })
}

/// `now` in milliseconds: the given instant, or the system clock.
fn now_ms(now: Option<&Bound<'_, PyAny>>) -> PyResult<u64> {
    match now {
        Some(now) => time::instant_ms(now, "now"),
        None => Ok(polyseal::clock::now_ms()),
    }
}

fn dict_of<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (key, value) in map {
        dict.set_item(key, convert::to_python(py, value)?)?;
    }
    Ok(dict)
}
