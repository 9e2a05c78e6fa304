//! Python objects to JSON and back, without going through the `json` module. Data to seal is
//! written as JSON text by core, reading the objects through a serde view of them ([`to_text`]);
//! a session's data becomes a `serde_json` value through the same view ([`to_json`]). An
//! unsealed payload's text becomes Python objects as it is read ([`parse_python`]).
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

use std::cell::Cell;

use polyseal::{ErrorCode, JsonText, Sealer};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Error as _, SerializeMap, SerializeSeq};
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use crate::errors::{IntoPyResult, fail};

/// Deepest nesting the converter follows whatever `max_depth` says, so that the recursion stays
/// well inside the smallest thread stacks Python runs on.
pub(crate) const MAX_NESTING: usize = 512;

/// Converts a Python object to a JSON value, nesting at most `max_depth` arrays and objects.
pub(crate) fn to_json(object: &Bound<'_, PyAny>, max_depth: usize) -> PyResult<Value> {
    let failure = Cell::new(None);
    serde_json::to_value(View::root(object, max_depth, &failure)).map_err(|error| {
        failure
            .take()
            .unwrap_or_else(|| fail(object.py(), ErrorCode::InvalidJson, error.to_string()))
    })
}

/// Writes a Python object as the JSON text `sealer` seals, with the same checks and errors as
/// [`to_json`] but no `serde_json::Value` in between: core writes straight from the objects.
pub(crate) fn to_text(object: &Bound<'_, PyAny>, sealer: &Sealer) -> PyResult<JsonText> {
    let failure = Cell::new(None);
    let view = View::root(object, sealer.options().json.max_depth, &failure);
    let written = sealer.write_json(&view);
    match failure.take() {
        Some(error) => Err(error),
        None => written.into_py_result(object.py()),
    }
}

/// A Python object as serde sees it. Serializing it reads the object (and what it holds) in
/// order and stops at the first value JSON has no form for; that error is a Python exception,
/// which serde's error types cannot carry, so it is kept in `failure` and serde gets a blank one.
struct View<'a, 'py> {
    object: &'a Bound<'py, PyAny>,
    /// Arrays and objects around `object`.
    depth: usize,
    limit: usize,
    failure: &'a Cell<Option<PyErr>>,
}

impl<'a, 'py> View<'a, 'py> {
    fn root(
        object: &'a Bound<'py, PyAny>,
        max_depth: usize,
        failure: &'a Cell<Option<PyErr>>,
    ) -> Self {
        View {
            object,
            depth: 0,
            limit: max_depth.min(MAX_NESTING),
            failure,
        }
    }

    /// The view of `object`, held by the array or object this view opens.
    fn inner<'b>(&'b self, object: &'b Bound<'py, PyAny>) -> View<'b, 'py> {
        View {
            object,
            depth: self.depth + 1,
            limit: self.limit,
            failure: self.failure,
        }
    }

    fn refuse<E: serde::ser::Error>(&self, code: ErrorCode, message: impl Into<String>) -> E {
        self.failure
            .set(Some(fail(self.object.py(), code, message.into())));
        E::custom("")
    }

    /// Opening an array or object one level deeper than the limit fails.
    fn enter<E: serde::ser::Error>(&self) -> Result<(), E> {
        if self.depth + 1 > self.limit {
            let limit = self.limit;
            return Err(self.refuse(
                ErrorCode::InvalidJson,
                format!("the value nests deeper than {limit} levels (or contains itself)"),
            ));
        }
        Ok(())
    }

    fn text<'t, E: serde::ser::Error>(&self, text: &'t Bound<'py, PyString>) -> Result<&'t str, E> {
        text.to_str().map_err(|_| {
            self.refuse(
                ErrorCode::InvalidJson,
                "a str holds an unpaired surrogate, which UTF-8 JSON cannot carry",
            )
        })
    }

    fn key<'t, E: serde::ser::Error>(&self, key: &'t Bound<'py, PyAny>) -> Result<&'t str, E> {
        let Ok(key) = key.cast::<PyString>() else {
            return Err(self.refuse(
                ErrorCode::InvalidArgument,
                format!(
                    "dict keys must be str to be sealed as JSON, got {}",
                    type_name(key)
                ),
            ));
        };
        self.text(key)
    }

    fn dict<S: Serializer>(
        &self,
        dict: &Bound<'py, PyDict>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        self.enter()?;
        // Keys of `str` proper are distinct texts; a `str` subclass may spell a key twice. Such a
        // dict goes through a JSON map, which keeps the last value at the first key's place.
        if !dict
            .iter()
            .all(|(key, _)| key.is_exact_instance_of::<PyString>())
        {
            let mut map = Map::with_capacity(dict.len());
            for (key, item) in dict.iter() {
                let key = self.key(&key)?.to_owned();
                let item = serde_json::to_value(self.inner(&item)).map_err(S::Error::custom)?;
                map.insert(key, item);
            }
            return map.serialize(serializer);
        }
        let mut map = serializer.serialize_map(Some(dict.len()))?;
        for (key, item) in dict.iter() {
            map.serialize_entry(self.key(&key)?, &self.inner(&item))?;
        }
        map.end()
    }

    fn items<S: Serializer>(
        &self,
        items: impl ExactSizeIterator<Item = Bound<'py, PyAny>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        self.enter()?;
        let mut seq = serializer.serialize_seq(Some(items.len()))?;
        for item in items {
            seq.serialize_element(&self.inner(&item))?;
        }
        seq.end()
    }

    fn int<S: Serializer>(
        &self,
        integer: &Bound<'py, PyInt>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        if let Ok(signed) = integer.extract::<i64>() {
            return serializer.serialize_i64(signed);
        }
        if let Ok(unsigned) = integer.extract::<u64>() {
            return serializer.serialize_u64(unsigned);
        }
        Err(self.refuse(
            ErrorCode::InvalidJson,
            "an int is outside the range JSON payloads carry (-2**63 to 2**64 - 1)",
        ))
    }
}

impl Serialize for View<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let object = self.object;
        if object.is_none() {
            return serializer.serialize_unit();
        }
        if let Ok(text) = object.cast::<PyString>() {
            return serializer.serialize_str(self.text(text)?);
        }
        // `bool` before `int`: it is a subclass of `int`.
        if let Ok(flag) = object.cast::<PyBool>() {
            return serializer.serialize_bool(flag.is_true());
        }
        if let Ok(integer) = object.cast::<PyInt>() {
            return self.int(integer, serializer);
        }
        if let Ok(float) = object.cast::<PyFloat>() {
            let number = float.value();
            if !number.is_finite() {
                return Err(self.refuse(
                    ErrorCode::InvalidJson,
                    "NaN and infinite floats have no JSON form",
                ));
            }
            return serializer.serialize_f64(number);
        }
        if let Ok(dict) = object.cast::<PyDict>() {
            return self.dict(dict, serializer);
        }
        if let Ok(list) = object.cast::<PyList>() {
            return self.items(list.iter(), serializer);
        }
        if let Ok(tuple) = object.cast::<PyTuple>() {
            return self.items(tuple.iter(), serializer);
        }
        Err(self.refuse(
            ErrorCode::InvalidArgument,
            format!(
                "a value of type {} has no JSON form; use dict, list, tuple, str, int, float, \
                 bool or None",
                type_name(object)
            ),
        ))
    }
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

/// Builds Python objects straight from JSON text that core has checked (an unsealed payload),
/// with no `serde_json::Value` in between: the same objects [`to_python`] makes of the parsed
/// value (a key that appears twice keeps its first place and its last value, as there).
pub(crate) fn parse_python<'py>(py: Python<'py>, text: &str) -> PyResult<Bound<'py, PyAny>> {
    let mut reader = serde_json::Deserializer::from_str(text);
    let failure = Cell::new(None);
    let built = PyBuilder {
        py,
        failure: &failure,
    }
    .deserialize(&mut reader)
    .and_then(|object| reader.end().map(|()| object));
    built.map_err(|error| {
        failure.take().unwrap_or_else(|| {
            fail(
                py,
                ErrorCode::InvalidJson,
                format!("the payload is not JSON: {error}"),
            )
        })
    })
}

/// A serde visitor that builds Python objects; a Python error (out of memory, say) is kept in
/// `failure`, as serde's error type cannot carry it.
#[derive(Clone, Copy)]
struct PyBuilder<'a, 'py> {
    py: Python<'py>,
    failure: &'a Cell<Option<PyErr>>,
}

impl<'py> PyBuilder<'_, 'py> {
    fn keep<T, E: serde::de::Error>(&self, built: PyResult<T>) -> Result<T, E> {
        built.map_err(|error| {
            self.failure.set(Some(error));
            E::custom("")
        })
    }
}

impl<'de, 'py> DeserializeSeed<'de> for PyBuilder<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for PyBuilder<'_, 'py> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str("JSON")
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_bool<E: serde::de::Error>(self, flag: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.py, flag).to_owned().into_any())
    }

    fn visit_i64<E: serde::de::Error>(self, number: i64) -> Result<Self::Value, E> {
        let Ok(number) = number.into_pyobject(self.py);
        Ok(number.into_any())
    }

    fn visit_u64<E: serde::de::Error>(self, number: u64) -> Result<Self::Value, E> {
        let Ok(number) = number.into_pyobject(self.py);
        Ok(number.into_any())
    }

    fn visit_f64<E: serde::de::Error>(self, number: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.py, number).into_any())
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, text).into_any())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.py);
        while let Some(item) = items.next_element_seed(self)? {
            self.keep(list.append(item))?;
        }
        Ok(list.into_any())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(key) = entries.next_key_seed(self)? {
            let item = entries.next_value_seed(self)?;
            self.keep(dict.set_item(key, item))?;
        }
        Ok(dict.into_any())
    }
}
