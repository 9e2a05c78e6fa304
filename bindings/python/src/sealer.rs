//! `polyseal.Sealer` and `polyseal.Unsealed`: the core `Sealer` with Python types.
//!
//! Arguments are converted while attached to the interpreter (data to seal straight into JSON
//! text); the crypto and the JSON text work run detached (`Python::detach`), so threads sealing
//! and unsealing at once run in parallel.

use polyseal::{ErrorCode, Format, SealerOptions};
use pyo3::prelude::*;
use pyo3::pyclass::{PyTraverseError, PyVisit};
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyString};

use crate::convert::{self, count, text_argument, type_name};
use crate::errors::{IntoPyResult, fail};
use crate::keyring::Keyring;
use crate::time;

/// A keyring, a format and options, configured once: seals and unseals tokens.
#[pyclass(frozen, module = "polyseal", name = "Sealer")]
pub(crate) struct Sealer {
    inner: polyseal::Sealer,
    keyring: Py<Keyring>,
}

#[pymethods]
impl Sealer {
    #[new]
    #[pyo3(signature = (
        keyring,
        *,
        format = None,
        ttl = None,
        cookie_name = None,
        context = None,
        skew = None,
        iterations = None,
        salt_bits = None,
        localtime_offset = None,
        max_token_chars = None,
        max_json_bytes = None,
        max_depth = None,
        salt_reuse = None,
    ))]
    #[pyo3(
        text_signature = "(keyring, *, format='native', ttl=None, cookie_name='', \
        context=None, skew=None, iterations=None, salt_bits=None, localtime_offset=None, \
        max_token_chars=None, max_json_bytes=None, max_depth=None, salt_reuse=None)"
    )]
    #[allow(clippy::too_many_arguments)]
    fn new(
        keyring: &Bound<'_, PyAny>,
        format: Option<&Bound<'_, PyAny>>,
        ttl: Option<&Bound<'_, PyAny>>,
        cookie_name: Option<&Bound<'_, PyAny>>,
        context: Option<&Bound<'_, PyAny>>,
        skew: Option<&Bound<'_, PyAny>>,
        iterations: Option<&Bound<'_, PyAny>>,
        salt_bits: Option<&Bound<'_, PyAny>>,
        localtime_offset: Option<&Bound<'_, PyAny>>,
        max_token_chars: Option<&Bound<'_, PyAny>>,
        max_json_bytes: Option<&Bound<'_, PyAny>>,
        max_depth: Option<&Bound<'_, PyAny>>,
        salt_reuse: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let py = keyring.py();
        let Ok(keyring) = keyring.cast::<Keyring>() else {
            return Err(fail(
                py,
                ErrorCode::InvalidArgument,
                format!(
                    "keyring must be a polyseal.Keyring, got {}",
                    type_name(keyring)
                ),
            ));
        };
        let mut options = SealerOptions::default();
        if let Some(cookie_name) = cookie_name {
            options.cookie_name = text_argument(cookie_name, "cookie_name")?;
        }
        if let Some(ttl) = ttl {
            options.ttl_ms = Some(time::duration_ms(ttl, "ttl")?);
        }
        if let Some(context) = context {
            options.context = context_bytes(context)?;
        }
        if let Some(skew) = skew {
            options.skew_ms = time::duration_ms(skew, "skew")?;
        }
        if let Some(iterations) = iterations {
            options.iterations = Some(count(iterations, "iterations", u32::MAX.into())? as u32);
        }
        if let Some(salt_bits) = salt_bits {
            options.salt_bits = Some(count(salt_bits, "salt_bits", u32::MAX.into())? as u32);
        }
        if let Some(offset) = localtime_offset {
            options.localtime_offset_ms = time::offset_ms(offset, "localtime_offset")?;
        }
        if let Some(chars) = max_token_chars {
            options.max_token_chars = count(chars, "max_token_chars", usize::MAX as u64)? as usize;
        }
        if let Some(bytes) = max_json_bytes {
            options.json.max_bytes = count(bytes, "max_json_bytes", usize::MAX as u64)? as usize;
        }
        if let Some(depth) = max_depth {
            options.json.max_depth = count(depth, "max_depth", usize::MAX as u64)? as usize;
        }
        if let Some(window) = salt_reuse {
            options.salt_reuse_ms = Some(time::duration_ms(window, "salt_reuse")?);
        }
        let format = match format {
            Some(format) => {
                Format::from_name(&text_argument(format, "format")?).into_py_result(py)?
            }
            None => Format::Native,
        };
        let inner = polyseal::Sealer::with_options(keyring.get().inner.clone(), format, options)
            .into_py_result(py)?;
        Ok(Sealer {
            inner,
            keyring: keyring.clone().unbind(),
        })
    }

    /// Seals `data` with the current key at the system clock's time.
    fn seal(&self, data: &Bound<'_, PyAny>) -> PyResult<String> {
        let py = data.py();
        let text = convert::to_text(data, &self.inner)?;
        let sealer = &self.inner;
        py.detach(|| sealer.seal_text(&text)).into_py_result(py)
    }

    /// Seals `data` as if the time were `now`.
    fn seal_at(&self, data: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<String> {
        let py = data.py();
        let now_ms = time::instant_ms(now, "now")?;
        let text = convert::to_text(data, &self.inner)?;
        let sealer = &self.inner;
        py.detach(|| sealer.seal_text_at(&text, now_ms))
            .into_py_result(py)
    }

    /// Seals JSON text as it is, byte for byte, at the system clock's time. Core validates the
    /// text (`INVALID_JSON` when it is not JSON, nests too deep or is too large).
    fn seal_json(&self, text: &Bound<'_, PyAny>) -> PyResult<String> {
        let py = text.py();
        let text = json_text(text)?;
        let sealer = &self.inner;
        py.detach(|| sealer.seal_json_at(&text, polyseal::clock::now_ms()))
            .into_py_result(py)
    }

    /// Seals JSON text as it is, as if the time were `now`.
    fn seal_json_at(&self, text: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<String> {
        let py = text.py();
        let now_ms = time::instant_ms(now, "now")?;
        let text = json_text(text)?;
        let sealer = &self.inner;
        py.detach(|| sealer.seal_json_at(&text, now_ms))
            .into_py_result(py)
    }

    /// Unseals `token` at the system clock's time.
    fn unseal(&self, token: &Bound<'_, PyAny>) -> PyResult<Unsealed> {
        let py = token.py();
        let token = token_text(token)?;
        let sealer = &self.inner;
        let opened = py
            .detach(|| sealer.unseal_json_at(&token, polyseal::clock::now_ms()))
            .into_py_result(py)?;
        Unsealed::new(py, opened)
    }

    /// Unseals `token` as if the time were `now`.
    fn unseal_at(&self, token: &Bound<'_, PyAny>, now: &Bound<'_, PyAny>) -> PyResult<Unsealed> {
        let py = token.py();
        let now_ms = time::instant_ms(now, "now")?;
        let token = token_text(token)?;
        let sealer = &self.inner;
        let opened = py
            .detach(|| sealer.unseal_json_at(&token, now_ms))
            .into_py_result(py)?;
        Unsealed::new(py, opened)
    }

    /// The format's name.
    #[getter]
    fn format(&self) -> &'static str {
        self.inner.format().name()
    }

    /// The keyring.
    #[getter]
    fn keyring(&self, py: Python<'_>) -> Py<Keyring> {
        self.keyring.clone_ref(py)
    }

    /// The cookie name bound into tokens.
    #[getter]
    fn cookie_name(&self) -> &str {
        &self.inner.options().cookie_name
    }

    /// The lifetime of new tokens in seconds, or `None` for the format's default.
    #[getter]
    fn ttl(&self) -> Option<f64> {
        self.inner.options().ttl_ms.map(time::seconds)
    }

    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let keyring = self.keyring.bind(py).repr()?;
        let ttl = match self.ttl() {
            Some(ttl) => format!("{ttl:?}"),
            None => "None".to_owned(),
        };
        let cookie_name = PyString::new(py, self.cookie_name()).repr()?;
        Ok(format!(
            "Sealer({keyring}, format='{}', cookie_name={cookie_name}, ttl={ttl})",
            self.format()
        ))
    }
}

/// What an authentic token holds.
#[pyclass(frozen, module = "polyseal", name = "Unsealed")]
pub(crate) struct Unsealed {
    data: Py<PyAny>,
    key_id: String,
    issued_at: Option<u64>,
    expires_at: Option<u64>,
    needs_reseal: bool,
}

impl Unsealed {
    fn new(py: Python<'_>, opened: polyseal::UnsealedJson) -> PyResult<Self> {
        Ok(Unsealed {
            data: convert::parse_python(py, &opened.json)?.unbind(),
            key_id: opened.key_id,
            issued_at: opened.issued_at,
            expires_at: opened.expires_at,
            needs_reseal: opened.needs_reseal,
        })
    }
}

#[pymethods]
impl Unsealed {
    /// The payload, as `dict`, `list`, `str`, `int`, `float`, `bool` or `None`.
    #[getter]
    fn data(&self, py: Python<'_>) -> Py<PyAny> {
        self.data.clone_ref(py)
    }

    /// The id of the key that sealed the token (`""` for an id-less key).
    #[getter]
    fn key_id(&self) -> &str {
        &self.key_id
    }

    /// When the token was issued, in seconds since the Unix epoch (`None` where the format
    /// does not record it).
    #[getter]
    fn issued_at(&self) -> Option<f64> {
        self.issued_at.map(time::seconds)
    }

    /// When the token expires, in seconds since the Unix epoch, or `None`.
    #[getter]
    fn expires_at(&self) -> Option<f64> {
        self.expires_at.map(time::seconds)
    }

    /// True when the token should be sealed again: an old key, or a legacy format.
    #[getter]
    fn needs_reseal(&self) -> bool {
        self.needs_reseal
    }

    /// Shows the metadata and the payload's shape, never its content.
    fn __repr__(&self, py: Python<'_>) -> String {
        let data = self.data.bind(py);
        let counted = |what: &str, count: usize, unit: &str| {
            let plural = if count == 1 { "" } else { "s" };
            format!("<{what} with {count} {unit}{plural}>")
        };
        let shape = if let Ok(dict) = data.cast::<PyDict>() {
            counted("dict", dict.len(), "key")
        } else if let Ok(list) = data.cast::<PyList>() {
            counted("list", list.len(), "item")
        } else {
            format!("<{}>", type_name(data))
        };
        let time = |at: Option<f64>| at.map_or_else(|| "None".to_owned(), |at| format!("{at:?}"));
        format!(
            "Unsealed(key_id='{}', issued_at={}, expires_at={}, needs_reseal={}, data={shape})",
            self.key_id,
            time(self.issued_at()),
            time(self.expires_at()),
            if self.needs_reseal { "True" } else { "False" },
        )
    }

    fn __traverse__(&self, visit: PyVisit<'_>) -> Result<(), PyTraverseError> {
        visit.call(&self.data)
    }
}

/// A token must be a `str`; one that is not even valid text is malformed, like any other
/// string that is not a token.
fn token_text(token: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = token.py();
    let Ok(text) = token.cast::<PyString>() else {
        return Err(fail(
            py,
            ErrorCode::InvalidArgument,
            format!("the token must be a str, got {}", type_name(token)),
        ));
    };
    text.to_cow().map(|text| text.into_owned()).map_err(|_| {
        fail(
            py,
            ErrorCode::Malformed,
            "the token holds an unpaired surrogate",
        )
    })
}

/// JSON text must be a `str`; one with an unpaired surrogate has no UTF-8 form, so it is not
/// JSON text either.
fn json_text(text: &Bound<'_, PyAny>) -> PyResult<String> {
    let py = text.py();
    let Ok(string) = text.cast::<PyString>() else {
        return Err(fail(
            py,
            ErrorCode::InvalidArgument,
            format!("the JSON text must be a str, got {}", type_name(text)),
        ));
    };
    string.to_cow().map(|text| text.into_owned()).map_err(|_| {
        fail(
            py,
            ErrorCode::InvalidJson,
            "the JSON text holds an unpaired surrogate",
        )
    })
}

/// `context` as bytes: a `str` is taken as UTF-8.
fn context_bytes(context: &Bound<'_, PyAny>) -> PyResult<Vec<u8>> {
    let py = context.py();
    if let Ok(text) = context.cast::<PyString>() {
        return text
            .to_cow()
            .map(|text| text.as_bytes().to_vec())
            .map_err(|_| {
                fail(
                    py,
                    ErrorCode::InvalidArgument,
                    "context holds an unpaired surrogate; pass bytes or valid text",
                )
            });
    }
    if let Ok(bytes) = context.cast::<PyBytes>() {
        return Ok(bytes.as_bytes().to_vec());
    }
    if let Ok(bytes) = context.cast::<PyByteArray>() {
        return Ok(bytes.to_vec());
    }
    Err(fail(
        py,
        ErrorCode::InvalidArgument,
        format!("context must be str or bytes, got {}", type_name(context)),
    ))
}
