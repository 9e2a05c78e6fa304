//! `polyseal.CookieOptions`, `polyseal.ChunkState` and the cookie functions: core's
//! `polyseal::cookie` with Python types.
//!
//! Nothing is decided here: lines, parsing, chunking and every check come from core
//! (`docs/COOKIES.md`). This file maps keyword arguments to core's `CookieOptions`, names
//! (`style`, `scheme`, `same_site`, `priority`) to core's enums through their `from_name`, times
//! to milliseconds, and `(name, value)` pairs to Rust strings.

use std::hash::{DefaultHasher, Hash, Hasher};

use polyseal::ErrorCode;
use polyseal::cookie::{self as core, ChunkScheme, CookieStyle, Priority, SameSite};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyBytes, PyDict, PyMapping, PySequence, PyString};

use crate::convert::{count, text_argument, text_argument_or, type_name};
use crate::errors::{IntoPyResult, fail};
use crate::time;

/// An argument whose default is not `None`, so that an explicit `None` can still mean "no
/// such attribute": `Default` when the caller left it out.
pub(crate) enum Arg<'py> {
    Default,
    Given(Bound<'py, PyAny>),
}

impl<'a, 'py> FromPyObject<'a, 'py> for Arg<'py> {
    type Error = PyErr;

    fn extract(object: Borrowed<'a, 'py, PyAny>) -> PyResult<Self> {
        Ok(Arg::Given(object.to_owned()))
    }
}

/// The attributes of a `Set-Cookie` line. Immutable; `replace` and `with_expiry` return
/// new options.
///
/// `CookieOptions()` is core's secure default for a session cookie (`Path=/; HttpOnly; Secure;
/// SameSite=Lax`); pass `None`/`False` to leave an attribute out.
#[pyclass(frozen, module = "polyseal", name = "CookieOptions")]
pub(crate) struct CookieOptions {
    pub(crate) inner: core::CookieOptions,
}

/// The keyword names, in the order of the constructor's signature.
const FIELDS: [&str; 9] = [
    "max_age",
    "expires",
    "domain",
    "path",
    "secure",
    "http_only",
    "same_site",
    "partitioned",
    "priority",
];

#[pymethods]
impl CookieOptions {
    #[new]
    #[pyo3(signature = (
        *,
        max_age = Arg::Default,
        expires = Arg::Default,
        domain = Arg::Default,
        path = Arg::Default,
        secure = Arg::Default,
        http_only = Arg::Default,
        same_site = Arg::Default,
        partitioned = Arg::Default,
        priority = Arg::Default,
    ))]
    #[pyo3(
        text_signature = "(*, max_age=None, expires=None, domain=None, path='/', secure=True, \
        http_only=True, same_site='Lax', partitioned=False, priority=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        max_age: Arg<'_>,
        expires: Arg<'_>,
        domain: Arg<'_>,
        path: Arg<'_>,
        secure: Arg<'_>,
        http_only: Arg<'_>,
        same_site: Arg<'_>,
        partitioned: Arg<'_>,
        priority: Arg<'_>,
    ) -> PyResult<Self> {
        let mut inner = core::CookieOptions::secure_defaults();
        let given = [
            max_age,
            expires,
            domain,
            path,
            secure,
            http_only,
            same_site,
            partitioned,
            priority,
        ];
        for (field, arg) in FIELDS.iter().zip(given) {
            if let Arg::Given(value) = arg {
                set_field(&mut inner, field, &value)?;
            }
        }
        Ok(CookieOptions { inner })
    }

    /// The secure defaults without `Secure`, for plain-http local development only.
    #[staticmethod]
    fn insecure_dev() -> Self {
        CookieOptions {
            inner: core::CookieOptions::insecure_dev(),
        }
    }

    /// The options a peer library uses for its session cookie (h3 1.x: no `SameSite`).
    #[staticmethod]
    fn for_style(style: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(CookieOptions {
            inner: cookie_style(style)?.default_options(),
        })
    }

    /// A copy with the given attributes changed (same keywords as the constructor).
    #[pyo3(signature = (**changes))]
    fn replace(&self, changes: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let mut inner = self.inner.clone();
        for (key, value) in changes.into_iter().flat_map(|changes| changes.iter()) {
            let key = text_argument(&key, "a keyword")?;
            set_field(&mut inner, &key, &value)?;
        }
        Ok(CookieOptions { inner })
    }

    /// A copy with `Expires` at `expires` and `Max-Age` the whole seconds left until then as
    /// seen at `now` (default: the system clock), never negative.
    #[pyo3(signature = (expires, now = None))]
    fn with_expiry(
        &self,
        expires: &Bound<'_, PyAny>,
        now: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let expires_ms = time::instant_ms(expires, "expires")?;
        let now_ms = match now {
            Some(now) => time::instant_ms(now, "now")?,
            None => polyseal::clock::now_ms(),
        };
        Ok(CookieOptions {
            inner: self.inner.clone().with_expiry(expires_ms, now_ms),
        })
    }

    /// `Max-Age` in seconds, or `None`.
    #[getter]
    fn max_age(&self) -> Option<i64> {
        self.inner.max_age
    }

    /// `Expires` in seconds since the Unix epoch, or `None`.
    #[getter]
    fn expires(&self) -> Option<f64> {
        self.inner.expires_ms.map(time::seconds)
    }

    /// `Domain`, or `None`.
    #[getter]
    fn domain(&self) -> Option<&str> {
        self.inner.domain.as_deref()
    }

    /// `Path`, or `None`.
    #[getter]
    fn path(&self) -> Option<&str> {
        self.inner.path.as_deref()
    }

    /// `Secure`.
    #[getter]
    fn secure(&self) -> bool {
        self.inner.secure
    }

    /// `HttpOnly`.
    #[getter]
    fn http_only(&self) -> bool {
        self.inner.http_only
    }

    /// `SameSite` as written (`"Strict"`, `"Lax"`, `"None"`), or `None`.
    #[getter]
    fn same_site(&self) -> Option<&'static str> {
        self.inner.same_site.map(SameSite::as_str)
    }

    /// `Partitioned`.
    #[getter]
    fn partitioned(&self) -> bool {
        self.inner.partitioned
    }

    /// `Priority` as written (`"Low"`, `"Medium"`, `"High"`), or `None`.
    #[getter]
    fn priority(&self) -> Option<&'static str> {
        self.inner.priority.map(Priority::as_str)
    }

    fn __eq__(&self, other: &Self) -> bool {
        self.inner == other.inner
    }

    fn __hash__(&self) -> u64 {
        let options = &self.inner;
        let mut hasher = DefaultHasher::new();
        (
            options.max_age,
            options.expires_ms,
            &options.domain,
            &options.path,
            options.secure,
            options.http_only,
            options.same_site,
            options.partitioned,
            options.priority,
        )
            .hash(&mut hasher);
        hasher.finish()
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let text = |value: Option<&str>| -> PyResult<String> {
            match value {
                Some(value) => Ok(PyString::new(py, value).repr()?.to_string()),
                None => Ok("None".to_owned()),
            }
        };
        let flag = |value: bool| if value { "True" } else { "False" };
        Ok(format!(
            "CookieOptions(max_age={}, expires={}, domain={}, path={}, secure={}, \
             http_only={}, same_site={}, partitioned={}, priority={})",
            self.inner
                .max_age
                .map_or_else(|| "None".to_owned(), |age| age.to_string()),
            self.expires()
                .map_or_else(|| "None".to_owned(), |at| format!("{at:?}")),
            text(self.domain())?,
            text(self.path())?,
            flag(self.inner.secure),
            flag(self.inner.http_only),
            text(self.same_site())?,
            flag(self.inner.partitioned),
            text(self.priority())?,
        ))
    }
}

/// Sets one attribute from its keyword; `None` clears an optional attribute.
fn set_field(
    options: &mut core::CookieOptions,
    field: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<()> {
    let py = value.py();
    let optional = !value.is_none();
    match field {
        "max_age" => {
            options.max_age = optional
                .then(|| time::whole_seconds(value, field))
                .transpose()?;
        }
        "expires" => {
            options.expires_ms = optional
                .then(|| time::instant_ms(value, field))
                .transpose()?;
        }
        "domain" => {
            options.domain = optional.then(|| text_argument(value, field)).transpose()?;
        }
        "path" => {
            options.path = optional.then(|| text_argument(value, field)).transpose()?;
        }
        "same_site" => {
            options.same_site = optional
                .then(|| SameSite::from_name(&text_argument(value, field)?).into_py_result(py))
                .transpose()?;
        }
        "priority" => {
            options.priority = optional
                .then(|| Priority::from_name(&text_argument(value, field)?).into_py_result(py))
                .transpose()?;
        }
        "secure" => options.secure = flag(value, field)?,
        "http_only" => options.http_only = flag(value, field)?,
        "partitioned" => options.partitioned = flag(value, field)?,
        _ => {
            return Err(fail(
                py,
                ErrorCode::InvalidArgument,
                format!(
                    "CookieOptions has no attribute {field:?} (expected one of: {})",
                    FIELDS.join(", ")
                ),
            ));
        }
    }
    Ok(())
}

/// What a request carried under one cookie name (from [`chunk_state`]), so that a response
/// deletes the chunk cookies it no longer needs.
#[pyclass(frozen, eq, hash, module = "polyseal", name = "ChunkState")]
#[derive(PartialEq, Eq, Hash)]
pub(crate) struct ChunkState {
    inner: core::ChunkState,
}

#[pymethods]
impl ChunkState {
    #[new]
    #[pyo3(signature = (*, whole = Arg::Default, chunks = Arg::Default))]
    #[pyo3(text_signature = "(*, whole=False, chunks=0)")]
    fn new(whole: Arg<'_>, chunks: Arg<'_>) -> PyResult<Self> {
        let mut inner = core::ChunkState::default();
        if let Arg::Given(whole) = whole {
            inner.whole = flag(&whole, "whole")?;
        }
        if let Arg::Given(chunks) = chunks {
            inner.chunks = count(&chunks, "chunks", usize::MAX as u64)? as usize;
        }
        Ok(ChunkState { inner })
    }

    /// The cookie itself held a non-empty, unchunked value.
    #[getter]
    fn whole(&self) -> bool {
        self.inner.whole
    }

    /// The chunk cookies to account for.
    #[getter]
    fn chunks(&self) -> usize {
        self.inner.chunks
    }

    fn __repr__(&self) -> String {
        format!(
            "ChunkState(whole={}, chunks={})",
            if self.inner.whole { "True" } else { "False" },
            self.inner.chunks
        )
    }
}

/// Writes one `Set-Cookie` header value. `options=None` means the style's session-cookie
/// defaults (`CookieOptions.for_style(style)`).
#[pyfunction]
#[pyo3(signature = (name, value, options = None, *, style = Arg::Default))]
#[pyo3(text_signature = "(name, value, options=None, *, style='polyseal')")]
pub(crate) fn set_cookie(
    name: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyAny>>,
    style: Arg<'_>,
) -> PyResult<String> {
    let py = name.py();
    let (name, value) = (text_argument(name, "name")?, text_argument(value, "value")?);
    let style = style_arg(style)?;
    let options = options_arg(options, style)?;
    core::set_cookie(&name, &value, &options, style).into_py_result(py)
}

/// Writes the `Set-Cookie` header value that deletes a cookie; pass the options it was set
/// with.
#[pyfunction]
#[pyo3(signature = (name, options = None, *, style = Arg::Default))]
#[pyo3(text_signature = "(name, options=None, *, style='polyseal')")]
pub(crate) fn delete_cookie(
    name: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyAny>>,
    style: Arg<'_>,
) -> PyResult<String> {
    let py = name.py();
    let name = text_argument(name, "name")?;
    let style = style_arg(style)?;
    let options = options_arg(options, style)?;
    core::deletion_cookie(&name, &options, style).into_py_result(py)
}

/// Parses a `Cookie` header into `(name, value)` pairs in header order; the first of
/// duplicate names wins.
#[pyfunction]
pub(crate) fn parse_cookie_header(header: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let py = header.py();
    // Untrusted input: text with no UTF-8 form is malformed, as in C and Node.
    let header = text_argument_or(header, "header", ErrorCode::Malformed)?;
    core::parse_cookie_header(&header).into_py_result(py)
}

/// Reports the chunk cookies a request's cookies carry for `name`.
#[pyfunction]
#[pyo3(signature = (cookies, name, *, scheme))]
pub(crate) fn chunk_state(
    cookies: &Bound<'_, PyAny>,
    name: &Bound<'_, PyAny>,
    scheme: &Bound<'_, PyAny>,
) -> PyResult<ChunkState> {
    let (cookies, name) = (cookie_pairs(cookies)?, text_argument(name, "name")?);
    Ok(ChunkState {
        inner: core::chunk_state(&cookies, &name, chunk_scheme(scheme)?),
    })
}

/// Every `Set-Cookie` header value a save needs: the value (split over chunk cookies when
/// `split` and the scheme allow it) and deletions of stale chunks.
#[pyfunction]
#[pyo3(signature = (
    name, value, options = None, *, style = Arg::Default, scheme, split = Arg::Default,
    previous = None,
))]
#[pyo3(
    text_signature = "(name, value, options=None, *, style='polyseal', scheme, split=True, \
    previous=None)"
)]
pub(crate) fn chunk_set_cookies(
    name: &Bound<'_, PyAny>,
    value: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyAny>>,
    style: Arg<'_>,
    scheme: &Bound<'_, PyAny>,
    split: Arg<'_>,
    previous: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<String>> {
    let py = name.py();
    let (name, value) = (text_argument(name, "name")?, text_argument(value, "value")?);
    let style = style_arg(style)?;
    let options = options_arg(options, style)?;
    let scheme = chunk_scheme(scheme)?;
    let split = match split {
        Arg::Default => true,
        Arg::Given(split) => flag(&split, "split")?,
    };
    let previous = previous_arg(previous)?;
    core::chunk_set_cookies(&name, &value, &options, style, scheme, split, previous)
        .into_py_result(py)
}

/// The `Set-Cookie` header values that clear a possibly chunked cookie.
#[pyfunction]
#[pyo3(signature = (name, options = None, *, style = Arg::Default, scheme, previous = None))]
#[pyo3(text_signature = "(name, options=None, *, style='polyseal', scheme, previous=None)")]
pub(crate) fn chunk_deletion_cookies(
    name: &Bound<'_, PyAny>,
    options: Option<&Bound<'_, PyAny>>,
    style: Arg<'_>,
    scheme: &Bound<'_, PyAny>,
    previous: Option<&Bound<'_, PyAny>>,
) -> PyResult<Vec<String>> {
    let py = name.py();
    let name = text_argument(name, "name")?;
    let style = style_arg(style)?;
    let options = options_arg(options, style)?;
    let scheme = chunk_scheme(scheme)?;
    let previous = previous_arg(previous)?;
    core::chunk_deletion_cookies(&name, &options, style, scheme, previous).into_py_result(py)
}

/// Reads a possibly chunked value back from a request's cookies; `None` means no session.
#[pyfunction]
#[pyo3(signature = (cookies, name, *, scheme))]
pub(crate) fn reassemble(
    cookies: &Bound<'_, PyAny>,
    name: &Bound<'_, PyAny>,
    scheme: &Bound<'_, PyAny>,
) -> PyResult<Option<String>> {
    let (cookies, name) = (cookie_pairs(cookies)?, text_argument(name, "name")?);
    Ok(core::reassemble(&cookies, &name, chunk_scheme(scheme)?))
}

/// The length in bytes of the `Cookie` header a browser would send back holding `cookies`;
/// `TooLargeError` above `limit`.
#[pyfunction]
#[pyo3(signature = (cookies, limit = Arg::Default))]
#[pyo3(text_signature = "(cookies, limit=8190)")]
pub(crate) fn cookie_header_budget(cookies: &Bound<'_, PyAny>, limit: Arg<'_>) -> PyResult<usize> {
    let py = cookies.py();
    let cookies = cookie_pairs(cookies)?;
    let limit = match limit {
        Arg::Default => core::DEFAULT_COOKIE_HEADER_LIMIT,
        Arg::Given(limit) => count(&limit, "limit", usize::MAX as u64)? as usize,
    };
    core::cookie_header_budget(&cookies, limit).into_py_result(py)
}

/// An instant as an IMF-fixdate (`Thu, 01 Jan 1970 00:00:00 GMT`), to the second.
#[pyfunction]
pub(crate) fn imf_fixdate(when: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = when.py();
    core::imf_fixdate(time::instant_ms(when, "when")?).into_py_result(py)
}

pub(crate) fn flag(value: &Bound<'_, PyAny>, name: &str) -> PyResult<bool> {
    match value.cast::<PyBool>() {
        Ok(flag) => Ok(flag.is_true()),
        Err(_) => Err(fail(
            value.py(),
            ErrorCode::InvalidArgument,
            format!("{name} must be a bool, got {}", type_name(value)),
        )),
    }
}

pub(crate) fn cookie_style(style: &Bound<'_, PyAny>) -> PyResult<CookieStyle> {
    CookieStyle::from_name(&text_argument(style, "style")?).into_py_result(style.py())
}

fn style_arg(style: Arg<'_>) -> PyResult<CookieStyle> {
    match style {
        Arg::Default => Ok(CookieStyle::Polyseal),
        Arg::Given(style) => cookie_style(&style),
    }
}

pub(crate) fn chunk_scheme(scheme: &Bound<'_, PyAny>) -> PyResult<ChunkScheme> {
    ChunkScheme::from_name(&text_argument(scheme, "scheme")?).into_py_result(scheme.py())
}

/// `options`: a `CookieOptions`, or `None` for the style's defaults.
fn options_arg(
    options: Option<&Bound<'_, PyAny>>,
    style: CookieStyle,
) -> PyResult<core::CookieOptions> {
    let Some(options) = options else {
        return Ok(style.default_options());
    };
    match options.cast::<CookieOptions>() {
        Ok(options) => Ok(options.get().inner.clone()),
        Err(_) => Err(fail(
            options.py(),
            ErrorCode::InvalidArgument,
            format!(
                "options must be a polyseal.CookieOptions or None, got {}",
                type_name(options)
            ),
        )),
    }
}

/// `previous`: a `ChunkState`, or `None` for nothing carried.
fn previous_arg(previous: Option<&Bound<'_, PyAny>>) -> PyResult<core::ChunkState> {
    let Some(previous) = previous else {
        return Ok(core::ChunkState::default());
    };
    match previous.cast::<ChunkState>() {
        Ok(previous) => Ok(previous.get().inner),
        Err(_) => Err(fail(
            previous.py(),
            ErrorCode::InvalidArgument,
            format!(
                "previous must be a polyseal.ChunkState or None, got {}",
                type_name(previous)
            ),
        )),
    }
}

/// A request's cookies: a mapping of names to values, or an iterable of `(name, value)` pairs
/// (what `parse_cookie_header` returns; duplicates and their order are kept).
fn cookie_pairs(cookies: &Bound<'_, PyAny>) -> PyResult<Vec<(String, String)>> {
    let py = cookies.py();
    let wrong = |what: String| {
        fail(
            py,
            ErrorCode::InvalidArgument,
            format!(
                "cookies must be a mapping or an iterable of (name, value) pairs of str, got {what}"
            ),
        )
    };
    if cookies.is_instance_of::<PyString>() || cookies.is_instance_of::<PyBytes>() {
        return Err(wrong(type_name(cookies)));
    }
    let items = match cookies.cast::<PyMapping>() {
        Ok(mapping) => mapping.items()?.into_any(),
        Err(_) => cookies.clone(),
    };
    let Ok(iterator) = items.try_iter() else {
        return Err(wrong(type_name(cookies)));
    };
    let mut pairs = Vec::new();
    for item in iterator {
        let item = item?;
        let pair = match item.cast::<PySequence>() {
            Ok(pair) if !item.is_instance_of::<PyString>() && pair.len()? == 2 => pair,
            _ => return Err(wrong(format!("an item of type {}", type_name(&item)))),
        };
        pairs.push((
            text_argument(&pair.get_item(0)?, "a cookie name")?,
            text_argument(&pair.get_item(1)?, "a cookie value")?,
        ));
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Python signatures spell these defaults out (`text_signature`, `_native.pyi`).
    #[test]
    fn the_documented_defaults_are_cores() {
        let defaults = core::CookieOptions::secure_defaults();
        assert_eq!(
            defaults,
            core::CookieOptions {
                path: Some("/".into()),
                secure: true,
                http_only: true,
                same_site: Some(SameSite::Lax),
                ..core::CookieOptions::default()
            }
        );
        assert_eq!(core::DEFAULT_COOKIE_HEADER_LIMIT, 8190);
    }
}
