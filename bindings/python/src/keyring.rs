//! `polyseal.Keyring`: secrets with ids, validated by core.

use polyseal::{ErrorCode, KeyringBuilder, Secret};
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyMapping, PyString, PyTuple};

use crate::convert::{count, text_argument, type_name};
use crate::errors::{IntoPyResult, fail};

/// Secrets with ids; the current one seals, every one unseals.
///
/// Immutable and safe to share between threads. The repr shows ids only.
#[pyclass(frozen, module = "polyseal", name = "Keyring")]
pub(crate) struct Keyring {
    pub(crate) inner: polyseal::Keyring,
}

#[pymethods]
impl Keyring {
    #[new]
    #[pyo3(signature = (secret_or_entries, *, current = None, derived_key_cache = None))]
    fn new(
        secret_or_entries: &Bound<'_, PyAny>,
        current: Option<&Bound<'_, PyAny>>,
        derived_key_cache: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let py = secret_or_entries.py();
        let mut builder = polyseal::Keyring::builder();
        if let Ok(entries) = secret_or_entries.cast::<PyMapping>() {
            // A snapshot of the items: nothing a key or value does can change what is iterated.
            for item in entries.items()?.iter() {
                let (id, secret) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
                let Ok(id) = id.cast::<PyString>() else {
                    return Err(fail(
                        py,
                        ErrorCode::InvalidArgument,
                        format!("key ids must be str, got {}", type_name(&id)),
                    ));
                };
                // Text with no UTF-8 form is an unusable argument, in every language.
                let id = id.to_cow().map_err(|_| {
                    fail(
                        py,
                        ErrorCode::InvalidArgument,
                        "a key id holds an unpaired surrogate; ids use only A-Z a-z 0-9 _",
                    )
                })?;
                builder = add_entry(builder, &id, &secret)?;
            }
        } else {
            builder = add_entry(builder, "", secret_or_entries)?;
        }
        if let Some(current) = current {
            builder = builder.current(&text_argument(current, "current")?);
        }
        if let Some(entries) = derived_key_cache {
            // Any whole number reaches core, which refuses more than it allows.
            let entries = count(entries, "derived_key_cache", u64::MAX)?;
            builder = builder.derived_key_cache(usize::try_from(entries).unwrap_or(usize::MAX));
        }
        Ok(Keyring {
            inner: builder.build().into_py_result(py)?,
        })
    }

    /// The ids, in the order given (`("",)` for a single id-less secret).
    #[getter]
    fn ids<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.inner.entries().iter().map(|entry| entry.id()))
    }

    /// The id of the entry that seals.
    #[getter]
    fn current(&self) -> &str {
        self.inner.current().id()
    }

    /// Counters of the Fe26.2 derived-key cache since the keyring was built: `capacity`,
    /// `entries`, `hits`, `misses`, `insertions` and `evictions`.
    fn derived_key_cache_stats<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let stats = self.inner.derived_key_cache_stats();
        let counters = PyDict::new(py);
        counters.set_item("capacity", stats.capacity)?;
        counters.set_item("entries", stats.entries)?;
        counters.set_item("hits", stats.hits)?;
        counters.set_item("misses", stats.misses)?;
        counters.set_item("insertions", stats.insertions)?;
        counters.set_item("evictions", stats.evictions)?;
        Ok(counters)
    }

    fn __len__(&self) -> usize {
        self.inner.entries().len()
    }

    fn __repr__(&self) -> String {
        // Ids are ASCII letters, digits and `_`, so they need no escaping.
        let ids: Vec<String> = self
            .inner
            .entries()
            .iter()
            .map(|entry| format!("'{}'", entry.id()))
            .collect();
        format!(
            "Keyring(ids=({}{}), current='{}')",
            ids.join(", "),
            if ids.len() == 1 { "," } else { "" },
            self.inner.current().id()
        )
    }
}

/// Adds one entry: a password `str`, a raw 32-byte key (`bytes`/`bytearray`), or a mapping
/// `{"encryption": ..., "integrity": ...}` of those.
fn add_entry(
    builder: KeyringBuilder,
    id: &str,
    secret: &Bound<'_, PyAny>,
) -> PyResult<KeyringBuilder> {
    if let Ok(pair) = secret.cast::<PyMapping>() {
        let (mut encryption, mut integrity) = (None, None);
        let items = pair.items()?;
        for item in items.iter() {
            let (side, value) = item.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()?;
            match side
                .cast::<PyString>()
                .ok()
                .and_then(|side| side.to_cow().ok())
            {
                Some(side) if side == "encryption" => encryption = Some(value),
                Some(side) if side == "integrity" => integrity = Some(value),
                _ => {}
            }
        }
        let (Some(encryption), Some(integrity), 2) = (encryption, integrity, items.len()) else {
            return Err(fail(
                secret.py(),
                ErrorCode::InvalidArgument,
                format!(
                    "the entry {id:?} must be a password str, 32 raw bytes, or a mapping \
                     with exactly the keys \"encryption\" and \"integrity\""
                ),
            ));
        };
        return Ok(builder.split(id, one_secret(&encryption)?, one_secret(&integrity)?));
    }
    Ok(builder.secret(id, one_secret(secret)?))
}

/// A password or a raw key; core validates lengths. The secret itself never enters a message.
fn one_secret(secret: &Bound<'_, PyAny>) -> PyResult<polyseal::Result<Secret>> {
    let py = secret.py();
    if let Ok(password) = secret.cast::<PyString>() {
        return Ok(match password.to_cow() {
            Ok(password) => Secret::password(&password),
            Err(_) => Err(polyseal::Error::new(
                ErrorCode::InvalidArgument,
                "the password holds an unpaired surrogate and is not valid text",
            )),
        });
    }
    if let Ok(key) = secret.cast::<PyBytes>() {
        return Ok(Secret::key(key.as_bytes()));
    }
    if let Ok(key) = secret.cast::<PyByteArray>() {
        return Ok(Secret::key(&key.to_vec()));
    }
    Err(fail(
        py,
        ErrorCode::InvalidArgument,
        format!(
            "a secret must be a password str or 32 raw bytes, got {}",
            type_name(secret)
        ),
    ))
}
