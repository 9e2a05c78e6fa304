//! `Keyring`: secrets with ids, held in Rust only.
//!
//! The JavaScript object carries no secret-bearing property (its prototype has only the `ids`
//! and `current` getters and `toJSON`), so `util.inspect`, `JSON.stringify` and structured
//! logging never show a secret. A core keyring is an `Arc`: every `Sealer` built from the same
//! `Keyring` shares its entries and derived keys, nothing is copied.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use polyseal::{ErrorCode, KeyringBuilder, Secret};

use crate::convert::{self, Text};
use crate::error::{Failure, Outcome, guard};
use crate::options::{self, own_keys};

/// One keyring entry: an id and either one `secret` or separate `encryption` and `integrity`
/// secrets. A secret is a password of at least 32 characters or exactly 32 raw bytes.
#[napi(object, object_to_js = false)]
pub struct KeyringEntry {
    /// The key id: ASCII letters, digits and `_`, at most 64; may be omitted for a single entry.
    #[napi(ts_type = "string")]
    pub id: Option<Text>,
    /// The secret used for both encryption and integrity.
    #[napi(ts_type = "string | Uint8Array")]
    pub secret: Option<Either<Text, Uint8Array>>,
    /// The encryption secret (with `integrity`, instead of `secret`).
    #[napi(ts_type = "string | Uint8Array")]
    pub encryption: Option<Either<Text, Uint8Array>>,
    /// The integrity secret (with `encryption`, instead of `secret`).
    #[napi(ts_type = "string | Uint8Array")]
    pub integrity: Option<Either<Text, Uint8Array>>,
}

const ENTRY_KEYS: &[&str] = &["id", "secret", "encryption", "integrity"];

/// Options of `new Keyring(...)`.
#[napi(object, object_to_js = false)]
pub struct KeyringOptions {
    /// The id of the entry that seals (default: the first entry).
    #[napi(ts_type = "string")]
    pub current: Option<Text>,
    /// How many Fe26.2 derived keys the keyring caches (default 1024, at most 1048576; 0 turns
    /// the cache off, so every Fe26.2 unseal runs PBKDF2).
    pub derived_key_cache: Option<f64>,
}

const KEYRING_KEYS: &[&str] = &["current", "derivedKeyCache"];

/// Counters of a keyring's Fe26.2 derived-key cache since the keyring was built.
#[napi(object, object_from_js = false)]
pub struct DerivedKeyCacheStats {
    /// Most entries the cache holds (0: the cache is off).
    pub capacity: f64,
    /// Entries held now.
    pub entries: f64,
    /// Lookups answered from the cache.
    pub hits: f64,
    /// Lookups that found nothing (the key was then derived).
    pub misses: f64,
    /// Keys inserted.
    pub insertions: f64,
    /// Keys evicted (and wiped) to make room.
    pub evictions: f64,
}

/// What `JSON.stringify(keyring)` shows: ids only, never secrets.
#[napi(object, object_from_js = false)]
pub struct KeyringInfo {
    /// Every entry's id, in keyring order.
    pub ids: Vec<String>,
    /// The id of the entry that seals.
    pub current: String,
}

/// Secrets with ids: the current entry seals, every entry unseals.
///
/// ```js
/// new Keyring('a password of at least 32 characters....')
/// new Keyring(crypto.randomBytes(32))
/// new Keyring([{ id: 'k2', secret: pw2 }, { id: 'k1', secret: pw1 }])       // k2 seals
/// new Keyring({ k2: pw2, k1: pw1 }, { current: 'k2' })
/// ```
///
/// In the object form JavaScript lists integer-like keys (`"1"`, `"2"`) first, in ascending
/// order, whatever order they were written in; the array form keeps the order given, which
/// matters because the first entry seals unless `current` says otherwise.
#[napi]
pub struct Keyring {
    pub(crate) inner: polyseal::Keyring,
}

#[napi]
impl Keyring {
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "secrets: Secret | ReadonlyArray<KeyringEntry> | Readonly<Record<string, Secret | KeyringEntry>>, options?: KeyringOptions"
    )]
    pub fn new(env: Env, secrets: Unknown, options: Option<Unknown>) -> Result<Self> {
        guard(&env, || {
            let options: Option<KeyringOptions> =
                options::read(&env, options.as_ref(), "keyring options", &[KEYRING_KEYS])?;
            let mut builder = entries_of(&env, &secrets, "secrets")?;
            if let Some(options) = options {
                if let Some(Text(id)) = options.current {
                    builder = builder.current(&id);
                }
                // Any safe whole number reaches core, which refuses more than it allows.
                let entries =
                    options::whole("derivedKeyCache", options.derived_key_cache, u64::MAX)?;
                if let Some(entries) = entries {
                    builder =
                        builder.derived_key_cache(usize::try_from(entries).unwrap_or(usize::MAX));
                }
            }
            Ok(Keyring {
                inner: builder.build()?,
            })
        })
    }

    /// Every entry's id, in keyring order (`""` for a single id-less secret).
    #[napi(getter)]
    pub fn ids(&self) -> Vec<String> {
        ids(&self.inner)
    }

    /// The id of the entry that seals.
    #[napi(getter)]
    pub fn current(&self) -> String {
        self.inner.current().id().to_owned()
    }

    /// Counters of the Fe26.2 derived-key cache since the keyring was built. Sealers and
    /// session managers built from this keyring share its cache.
    #[napi]
    pub fn derived_key_cache_stats(&self) -> DerivedKeyCacheStats {
        let stats = self.inner.derived_key_cache_stats();
        // Counts stay far below 2^53: exact as JavaScript numbers.
        DerivedKeyCacheStats {
            capacity: stats.capacity as f64,
            entries: stats.entries as f64,
            hits: stats.hits as f64,
            misses: stats.misses as f64,
            insertions: stats.insertions as f64,
            evictions: stats.evictions as f64,
        }
    }

    /// Ids only: a keyring never serializes its secrets.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> KeyringInfo {
        info(&self.inner)
    }
}

pub fn ids(keyring: &polyseal::Keyring) -> Vec<String> {
    keyring
        .entries()
        .iter()
        .map(|entry| entry.id().to_owned())
        .collect()
}

pub fn info(keyring: &polyseal::Keyring) -> KeyringInfo {
    KeyringInfo {
        ids: ids(keyring),
        current: keyring.current().id().to_owned(),
    }
}

/// A keyring argument: a `Keyring`, or anything `new Keyring(...)` accepts.
pub fn keyring_arg(env: &Env, value: &Unknown, label: &str) -> Outcome<polyseal::Keyring> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, label, e);
    if value.get_type().map_err(fail)? == ValueType::Object
        && Keyring::instance_of(env, value).map_err(fail)?
    {
        // SAFETY: a value of this env; napi checks the type tag before unwrapping.
        let instance = unsafe { ClassInstance::<Keyring>::from_napi_value(env.raw(), value.raw()) }
            .map_err(fail)?;
        return Ok(instance.inner.clone());
    }
    build(env, value, None, label)
}

/// Builds a core keyring from any of the accepted forms; core validates every secret and id.
pub fn build(
    env: &Env,
    secrets: &Unknown,
    current: Option<&str>,
    label: &str,
) -> Outcome<polyseal::Keyring> {
    let mut builder = entries_of(env, secrets, label)?;
    if let Some(current) = current {
        builder = builder.current(current);
    }
    Ok(builder.build()?)
}

/// A core keyring builder holding the entries of any of the accepted forms.
fn entries_of(env: &Env, secrets: &Unknown, label: &str) -> Outcome<KeyringBuilder> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, label, e);
    let mut builder = polyseal::Keyring::builder();
    if let Some(secret) = secret(env, secrets, label)? {
        builder = builder.secret("", secret);
    } else if secrets.get_type().map_err(fail)? != ValueType::Object
        || !(secrets.is_array().map_err(fail)?
            || convert::is_plain_object(env.raw(), secrets.raw()).map_err(fail)?)
    {
        return Err(Failure::invalid_argument(format!(
            "{label} must be a password, 32 bytes, an array of entries or an object of id → secret"
        )));
    } else if secrets.is_array().map_err(fail)? {
        // SAFETY: a value of this env, checked to be an array.
        let entries = unsafe { Array::from_napi_value(env.raw(), secrets.raw()) }.map_err(fail)?;
        for index in 0..entries.len() {
            let what = format!("{label}[{index}]");
            let entry = entries
                .get::<Unknown>(index)
                .map_err(|e| Failure::from_napi(env, ErrorCode::InvalidArgument, &what, e))?;
            builder = add_entry(env, builder, entry, None, &what)?;
        }
    } else {
        let object = secrets.coerce_to_object().map_err(fail)?;
        for id in own_keys(env, secrets, label)? {
            let what = format!("{label}.{id}");
            let value = object
                .get_named_property::<Unknown>(&id)
                .map_err(|e| Failure::from_napi(env, ErrorCode::InvalidArgument, &what, e))?;
            builder = match secret(env, &value, &what)? {
                Some(secret) => builder.secret(&id, secret),
                None => add_entry(env, builder, Some(value), Some(&id), &what)?,
            };
        }
    }
    Ok(builder)
}

/// A keyring of one `{id, secret}` or `{id, encryption, integrity}` entry.
pub fn single_entry(env: &Env, entry: &Unknown, label: &str) -> Outcome<polyseal::Keyring> {
    let builder = add_entry(env, polyseal::Keyring::builder(), Some(*entry), None, label)?;
    Ok(builder.build()?)
}

/// A password string or raw key bytes, as a core secret (still to be validated by the builder);
/// `None` if the value is neither.
fn secret(env: &Env, value: &Unknown, label: &str) -> Outcome<Option<polyseal::Result<Secret>>> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, label, e);
    match value.get_type().map_err(fail)? {
        ValueType::String => {
            let text = Text::read(env.raw(), value.raw())
                .map_err(fail)?
                .map_err(|()| {
                    Failure::invalid_argument(format!(
                        "{label}: the password holds a lone surrogate, which has no UTF-8 form"
                    ))
                })?;
            Ok(Some(Secret::password(&text)))
        }
        ValueType::Object if value.is_typedarray().map_err(fail)? => {
            // SAFETY: a typed array of this env; napi checks that it is a Uint8Array.
            let bytes =
                unsafe { Uint8Array::from_napi_value(env.raw(), value.raw()) }.map_err(|_| {
                    Failure::invalid_argument(format!(
                        "{label}: raw keys must be a Uint8Array or Buffer"
                    ))
                })?;
            Ok(Some(Secret::key(&bytes)))
        }
        _ => Ok(None),
    }
}

fn either_secret(secret: Either<Text, Uint8Array>) -> polyseal::Result<Secret> {
    match secret {
        Either::A(Text(text)) => Secret::password(&text),
        Either::B(bytes) => Secret::key(&bytes),
    }
}

/// Adds one `{id, secret}` or `{id, encryption, integrity}` entry. In the object form the key is
/// the id (`id_from_key`) and an `id` inside the entry is ignored, as iron ignores it.
fn add_entry(
    env: &Env,
    builder: KeyringBuilder,
    entry: Option<Unknown>,
    id_from_key: Option<&str>,
    label: &str,
) -> Outcome<KeyringBuilder> {
    let entry: Option<KeyringEntry> = options::read(env, entry.as_ref(), label, &[ENTRY_KEYS])?;
    let Some(entry) = entry else {
        return Err(Failure::invalid_argument(format!(
            "{label} must be a secret or an object {{id, secret}} or {{id, encryption, integrity}}"
        )));
    };
    let id = id_from_key
        .map(str::to_owned)
        .or(entry.id.map(|Text(id)| id))
        .unwrap_or_default();
    Ok(match (entry.secret, entry.encryption, entry.integrity) {
        (Some(secret), None, None) => builder.secret(&id, either_secret(secret)),
        (None, Some(encryption), Some(integrity)) => {
            builder.split(&id, either_secret(encryption), either_secret(integrity))
        }
        _ => {
            return Err(Failure::invalid_argument(format!(
                "{label} needs either `secret` or both `encryption` and `integrity`"
            )));
        }
    })
}
