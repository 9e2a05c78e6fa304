//! The one place where a core [`polyseal::Error`] becomes a Python exception.
//!
//! The exception classes live in `polyseal/_errors.py` (so they can subclass both
//! `PolysealError` and a builtin such as `ValueError`); `_errors.error_for_code` picks the class
//! for a code name. Errors that the binding itself detects (a Python type that has no JSON form,
//! a time that is not a number, ...) are built as core errors first and take the same path.

use std::borrow::Cow;

use polyseal::{Error, ErrorCode};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static ERROR_FOR_CODE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Converts a core error into the matching `polyseal` exception.
pub(crate) fn to_py_err(py: Python<'_>, error: &Error) -> PyErr {
    let factory = match ERROR_FOR_CODE.import(py, "polyseal._errors", "error_for_code") {
        Ok(factory) => factory,
        Err(import_error) => return import_error,
    };
    match factory.call1((error.code().name(), error.message())) {
        Ok(exception) => PyErr::from_value(exception),
        Err(call_error) => call_error,
    }
}

/// Builds a `polyseal` exception for a problem found in the binding.
pub(crate) fn fail(
    py: Python<'_>,
    code: ErrorCode,
    message: impl Into<Cow<'static, str>>,
) -> PyErr {
    to_py_err(py, &Error::new(code, message))
}

/// Adapts a core `Result` to a `PyResult`.
pub(crate) trait IntoPyResult<T> {
    fn into_py_result(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for polyseal::Result<T> {
    fn into_py_result(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|error| to_py_err(py, &error))
    }
}
