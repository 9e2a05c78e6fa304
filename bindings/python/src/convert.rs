//! Python objects to JSON values and back, without going through the `json` module.
//!
//! Accepted on the way in: `dict` with `str` keys (insertion order kept), `list`, `tuple`, `str`,
//! `int` within the 64-bit range, finite `float`, `bool` and `None` (subclasses included).
//! Anything else is `INVALID_ARGUMENT` (a `TypeError`); a value of an accepted type that JSON
//! cannot carry (NaN, an unpaired surrogate, an integer beyond 64 bits, nesting beyond the limit)
//! is `INVALID_JSON`. Nesting is counted while converting, so a self-referential list stops at
//! the limit instead of recursing until the stack overflows.
//!
//! Nothing here runs Python code (no `__iter__`, `__index__` or `__float__` overrides are called),
//! so the objects cannot change while they are read.

use polyseal::ErrorCode;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde_json::{Map, Number, Value};

use crate::errors::fail;

/// Deepest nesting the converter follows whatever `max_depth` says, so that the recursion stays
/// well inside the smallest thread stacks Python runs on.
pub(crate) const MAX_NESTING: usize = 512;

/// Converts a Python object to a JSON value, nesting at most `max_depth` arrays and objects.
pub(crate) fn to_json(object: &Bound<'_, PyAny>, max_depth: usize) -> PyResult<Value> {
    let limit = max_depth.min(MAX_NESTING);
    value_to_json(object, 0, limit)
}

fn value_to_json(object: &Bound<'_, PyAny>, depth: usize, limit: usize) -> PyResult<Value> {
    let py = object.py();
    if object.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(text) = object.cast::<PyString>() {
        return string(text).map(Value::String);
    }
    // `bool` before `int`: it is a subclass of `int`.
    if let Ok(flag) = object.cast::<PyBool>() {
        return Ok(Value::Bool(flag.is_true()));
    }
    if let Ok(integer) = object.cast::<PyInt>() {
        return int(integer);
    }
    if let Ok(float) = object.cast::<PyFloat>() {
        return Number::from_f64(float.value())
            .map(Value::Number)
            .ok_or_else(|| {
                fail(
                    py,
                    ErrorCode::InvalidJson,
                    "NaN and infinite floats have no JSON form",
                )
            });
    }
    let nested = depth + 1;
    if let Ok(dict) = object.cast::<PyDict>() {
        enter(py, nested, limit)?;
        let mut map = Map::with_capacity(dict.len());
        for (key, item) in dict.iter() {
            let Ok(key) = key.cast::<PyString>() else {
                return Err(fail(
                    py,
                    ErrorCode::InvalidArgument,
                    format!(
                        "dict keys must be str to be sealed as JSON, got {}",
                        type_name(&key)
                    ),
                ));
            };
            map.insert(string(key)?, value_to_json(&item, nested, limit)?);
        }
        return Ok(Value::Object(map));
    }
    if let Ok(list) = object.cast::<PyList>() {
        enter(py, nested, limit)?;
        return list
            .iter()
            .map(|item| value_to_json(&item, nested, limit))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    if let Ok(tuple) = object.cast::<PyTuple>() {
        enter(py, nested, limit)?;
        return tuple
            .iter()
            .map(|item| value_to_json(&item, nested, limit))
            .collect::<PyResult<Vec<_>>>()
            .map(Value::Array);
    }
    Err(fail(
        py,
        ErrorCode::InvalidArgument,
        format!(
            "a value of type {} has no JSON form; use dict, list, tuple, str, int, float, bool \
             or None",
            type_name(object)
        ),
    ))
}

fn enter(py: Python<'_>, depth: usize, limit: usize) -> PyResult<()> {
    if depth > limit {
        return Err(fail(
            py,
            ErrorCode::InvalidJson,
            format!("the value nests deeper than {limit} levels (or contains itself)"),
        ));
    }
    Ok(())
}

fn string(text: &Bound<'_, PyString>) -> PyResult<String> {
    text.to_cow().map(|text| text.into_owned()).map_err(|_| {
        fail(
            text.py(),
            ErrorCode::InvalidJson,
            "a str holds an unpaired surrogate, which UTF-8 JSON cannot carry",
        )
    })
}

fn int(integer: &Bound<'_, PyInt>) -> PyResult<Value> {
    if let Ok(signed) = integer.extract::<i64>() {
        return Ok(Value::from(signed));
    }
    if let Ok(unsigned) = integer.extract::<u64>() {
        return Ok(Value::from(unsigned));
    }
    Err(fail(
        integer.py(),
        ErrorCode::InvalidJson,
        "an int is outside the range JSON payloads carry (-2**63 to 2**64 - 1)",
    ))
}

/// A `str` argument as Rust text: anything else, or text with an unpaired surrogate, is
/// `INVALID_ARGUMENT`.
pub(crate) fn text_argument(value: &Bound<'_, PyAny>, name: &str) -> PyResult<String> {
    text_argument_or(value, name, ErrorCode::InvalidArgument)
}

/// As [`text_argument`], but text with an unpaired surrogate (it has no UTF-8 form) fails with
/// `unpaired`: `MALFORMED` for untrusted input such as a `Cookie` header, as in C and Node.
pub(crate) fn text_argument_or(
    value: &Bound<'_, PyAny>,
    name: &str,
    unpaired: ErrorCode,
) -> PyResult<String> {
    let py = value.py();
    let Ok(text) = value.cast::<PyString>() else {
        return Err(fail(
            py,
            ErrorCode::InvalidArgument,
            format!("{name} must be a str, got {}", type_name(value)),
        ));
    };
    text.to_cow()
        .map(|text| text.into_owned())
        .map_err(|_| fail(py, unpaired, format!("{name} holds an unpaired surrogate")))
}

/// A whole number option in `0..=max`.
pub(crate) fn count(value: &Bound<'_, PyAny>, name: &str, max: u64) -> PyResult<u64> {
    let py = value.py();
    let integer = match value.cast::<PyInt>() {
        Ok(integer) if !value.is_instance_of::<PyBool>() => integer,
        _ => {
            return Err(fail(
                py,
                ErrorCode::InvalidArgument,
                format!("{name} must be an int, got {}", type_name(value)),
            ));
        }
    };
    integer
        .extract::<u64>()
        .ok()
        .filter(|number| *number <= max)
        .ok_or_else(|| {
            fail(
                py,
                ErrorCode::InvalidOption,
                format!("{name} must be between 0 and {max}"),
            )
        })
}

/// The name of an object's type, for messages.
pub(crate) fn type_name(object: &Bound<'_, PyAny>) -> String {
    object
        .get_type()
        .name()
        .map_or_else(|_| "<unknown>".to_owned(), |name| name.to_string())
}

/// Converts a JSON value to Python objects: `dict` (in the payload's key order), `list`, `str`,
/// `int`, `float`, `bool` and `None`.
pub(crate) fn to_python<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(flag) => PyBool::new(py, *flag).to_owned().into_any(),
        Value::Number(number) => {
            if let Some(signed) = number.as_i64() {
                signed.into_pyobject(py)?.into_any()
            } else if let Some(unsigned) = number.as_u64() {
                unsigned.into_pyobject(py)?.into_any()
            } else {
                // serde_json holds every other number as a finite f64.
                PyFloat::new(py, number.as_f64().unwrap_or(f64::NAN)).into_any()
            }
        }
        Value::String(text) => PyString::new(py, text).into_any(),
        Value::Array(items) => {
            let items = items
                .iter()
                .map(|item| to_python(py, item))
                .collect::<PyResult<Vec<_>>>()?;
            PyList::new(py, items)?.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (key, item) in map {
                dict.set_item(key, to_python(py, item)?)?;
            }
            dict.into_any()
        }
    })
}
