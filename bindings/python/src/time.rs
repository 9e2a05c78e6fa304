//! Python times to core milliseconds and back.
//!
//! Python speaks seconds as `int` or `float` (like `time.time()`), `datetime` for instants and
//! `timedelta` for durations; core speaks whole milliseconds. Seconds are rounded to the nearest
//! millisecond. A value of the wrong type is `INVALID_ARGUMENT`; a duration out of range is
//! `INVALID_OPTION`, and an instant out of range `INVALID_ARGUMENT`.

use polyseal::ErrorCode;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBool, PyFloat, PyInt, PyType};

use crate::convert::type_name;
use crate::errors::fail;

static DATETIME: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static TIMEDELTA: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// `now`: seconds since the Unix epoch, or an aware `datetime`.
pub(crate) fn instant_ms(value: &Bound<'_, PyAny>, name: &str) -> PyResult<u64> {
    let py = value.py();
    let milliseconds = if value.is_instance(DATETIME.import(py, "datetime", "datetime")?)? {
        if value.call_method0("utcoffset")?.is_none() {
            return Err(fail(
                py,
                ErrorCode::InvalidArgument,
                format!("{name} is a naive datetime; give it a timezone (e.g. timezone.utc)"),
            ));
        }
        float_ms(value.call_method0("timestamp")?.extract::<f64>()?)
    } else {
        number_ms(value).ok_or_else(|| {
            fail(
                py,
                ErrorCode::InvalidArgument,
                format!(
                    "{name} must be seconds since the Unix epoch (int or float) or an aware \
                     datetime, got {}",
                    type_name(value)
                ),
            )
        })?
    };
    milliseconds
        .and_then(|ms| u64::try_from(ms).ok())
        .ok_or_else(|| {
            fail(
                py,
                ErrorCode::InvalidArgument,
                format!("{name} must be a finite time at or after 1970-01-01T00:00:00Z"),
            )
        })
}

/// A non-negative duration (`ttl`, `skew`): seconds, or a `timedelta`.
pub(crate) fn duration_ms(value: &Bound<'_, PyAny>, name: &str) -> PyResult<u64> {
    signed_ms(value, name)?
        .and_then(|ms| u64::try_from(ms).ok())
        .ok_or_else(|| {
            fail(
                value.py(),
                ErrorCode::InvalidOption,
                format!("{name} must be a finite, non-negative number of seconds"),
            )
        })
}

/// A duration that may be negative (`localtime_offset`).
pub(crate) fn offset_ms(value: &Bound<'_, PyAny>, name: &str) -> PyResult<i64> {
    signed_ms(value, name)?
        .and_then(|ms| i64::try_from(ms).ok())
        .ok_or_else(|| {
            fail(
                value.py(),
                ErrorCode::InvalidOption,
                format!("{name} must be a finite number of seconds"),
            )
        })
}

/// Whole seconds (`Max-Age`): an `int`, or a `timedelta` rounded down to whole seconds.
/// Core checks the sign; a count beyond 64 bits is `INVALID_OPTION`.
pub(crate) fn whole_seconds(value: &Bound<'_, PyAny>, name: &str) -> PyResult<i64> {
    let py = value.py();
    let out_of_range = || {
        fail(
            py,
            ErrorCode::InvalidOption,
            format!("{name} is out of range"),
        )
    };
    if value.is_instance(TIMEDELTA.import(py, "datetime", "timedelta")?)? {
        // `seconds` is 0..86400 and `microseconds` is never negative, so this rounds down.
        let days = value.getattr("days")?.extract::<i64>()?;
        let secs = value.getattr("seconds")?.extract::<i64>()?;
        return days
            .checked_mul(86_400)
            .and_then(|total| total.checked_add(secs))
            .ok_or_else(out_of_range);
    }
    match value.cast::<PyInt>() {
        Ok(integer) if !value.is_instance_of::<PyBool>() => {
            integer.extract::<i64>().map_err(|_| out_of_range())
        }
        _ => Err(fail(
            py,
            ErrorCode::InvalidArgument,
            format!(
                "{name} must be whole seconds (int) or a timedelta, got {}",
                type_name(value)
            ),
        )),
    }
}

/// Milliseconds as Python seconds.
pub(crate) fn seconds(milliseconds: u64) -> f64 {
    milliseconds as f64 / 1000.0
}

/// Milliseconds of a duration; `Ok(None)` when the value is out of any range.
fn signed_ms(value: &Bound<'_, PyAny>, name: &str) -> PyResult<Option<i128>> {
    let py = value.py();
    if value.is_instance(TIMEDELTA.import(py, "datetime", "timedelta")?)? {
        let days: i128 = value.getattr("days")?.extract::<i64>()?.into();
        let secs: i128 = value.getattr("seconds")?.extract::<i64>()?.into();
        let micros: i128 = value.getattr("microseconds")?.extract::<i64>()?.into();
        let total = (days * 86_400 + secs) * 1_000_000 + micros;
        // Round half away from zero, as `round()` does for the float path.
        let rounded = if total >= 0 { total + 500 } else { total - 500 } / 1000;
        return Ok(Some(rounded));
    }
    number_ms(value).ok_or_else(|| {
        fail(
            py,
            ErrorCode::InvalidArgument,
            format!(
                "{name} must be seconds (int or float) or a timedelta, got {}",
                type_name(value)
            ),
        )
    })
}

/// Seconds given as an `int` or a `float`: `None` for any other type (`bool` included),
/// `Some(None)` when the number is out of range.
fn number_ms(value: &Bound<'_, PyAny>) -> Option<Option<i128>> {
    if value.is_instance_of::<PyBool>() {
        return None;
    }
    if let Ok(integer) = value.cast::<PyInt>() {
        return Some(
            integer
                .extract::<i64>()
                .ok()
                .map(|secs| i128::from(secs) * 1000),
        );
    }
    if let Ok(float) = value.cast::<PyFloat>() {
        return Some(float_ms(float.value()));
    }
    None
}

fn float_ms(secs: f64) -> Option<i128> {
    let ms = (secs * 1000.0).round();
    // Beyond 1e30 ms no option or instant makes sense, and the cast below stays exact.
    (ms.is_finite() && ms.abs() < 1e30).then_some(ms as i128)
}
