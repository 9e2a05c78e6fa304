//! An iron-webcrypto-compatible surface: `sealIron(object, password, options)` and
//! `unsealIron(sealed, password, options)`, returning Promises, with iron-webcrypto 2.x's
//! argument order, password forms and options, so that
//!
//! ```js
//! import { seal, unseal, defaults } from 'iron-webcrypto'
//! // becomes
//! import { sealIron as seal, unsealIron as unseal, ironDefaults as defaults } from 'polyseal'
//! ```
//!
//! (iron-webcrypto 1.x took a WebCrypto object first, `seal(crypto, object, password, options)`;
//! drop that argument when switching.) This is only a translation onto a `Sealer` with the
//! `iron` format: every byte of Fe26.2 is core's.

use napi::bindgen_prelude::*;
use napi_derive::napi;
use polyseal::ErrorCode;
use polyseal::keyring::MIN_PASSWORD_LENGTH;

use crate::convert::Text;
use crate::error::{Failure, Outcome};
use crate::keyring;
use crate::options::{self, SealerOptions, signed, whole};
use crate::sealer::{PoolTask, SealTask, UnsealTask, build_sealer, caught, seal_job, unseal_job};

/// iron's published defaults (`Iron.defaults`): one PBKDF2 iteration, 256-bit salts.
const DEFAULT_ITERATIONS: u32 = 1;
const DEFAULT_SALT_BITS: u32 = 256;
const DEFAULT_SKEW_SEC: u32 = 60;
const ENCRYPTION_ALGORITHM: &str = "aes-256-cbc";
const INTEGRITY_ALGORITHM: &str = "sha256";

/// One side of iron's options (`encryption` or `integrity`).
#[napi(object)]
pub struct IronSideOptions {
    /// Salt size in bits (iron default 256).
    pub salt_bits: Option<f64>,
    /// `'aes-256-cbc'` for encryption, `'sha256'` for integrity (the only ones supported).
    pub algorithm: Option<String>,
    /// PBKDF2 iterations (iron default 1; h3 v2 uses 8192). Both sides must agree.
    pub iterations: Option<f64>,
    /// Minimum password length: only 32, iron's default, is supported.
    #[napi(js_name = "minPasswordlength")]
    pub min_passwordlength: Option<f64>,
}

const SIDE_KEYS: &[&str] = &["saltBits", "algorithm", "iterations", "minPasswordlength"];

/// iron-webcrypto's `SealOptions`; every field is optional here and defaults to iron's.
#[napi(object)]
pub struct IronOptions {
    /// Encryption options.
    pub encryption: Option<IronSideOptions>,
    /// Integrity options.
    pub integrity: Option<IronSideOptions>,
    /// Lifetime in ms; 0 means forever (iron default 0).
    pub ttl: Option<f64>,
    /// Tolerated clock skew in seconds (iron default 60).
    pub timestamp_skew_sec: Option<f64>,
    /// Offset added to the local clock in ms (iron default 0).
    pub localtime_offset_msec: Option<f64>,
}

const IRON_KEYS: &[&str] = &[
    "encryption",
    "integrity",
    "ttl",
    "timestampSkewSec",
    "localtimeOffsetMsec",
];

/// iron's default options, the value of `ironDefaults` (`Iron.defaults`).
#[napi(catch_unwind)]
pub fn iron_defaults() -> IronOptions {
    let side = |algorithm: &str| IronSideOptions {
        salt_bits: Some(DEFAULT_SALT_BITS.into()),
        algorithm: Some(algorithm.to_owned()),
        iterations: Some(DEFAULT_ITERATIONS.into()),
        min_passwordlength: Some(MIN_PASSWORD_LENGTH as f64),
    };
    IronOptions {
        encryption: Some(side(ENCRYPTION_ALGORITHM)),
        integrity: Some(side(INTEGRITY_ALGORITHM)),
        ttl: Some(0.0),
        timestamp_skew_sec: Some(DEFAULT_SKEW_SEC.into()),
        localtime_offset_msec: Some(0.0),
    }
}

/// Seals like iron-webcrypto's `seal(object, password, options)`.
#[napi(
    catch_unwind,
    ts_args_type = "object: unknown, password: Secret | KeyringEntry, options?: IronOptions",
    ts_return_type = "Promise<string>"
)]
pub fn seal_iron(
    env: Env,
    object: Unknown,
    password: Unknown,
    options: Option<Unknown>,
) -> AsyncTask<SealTask> {
    let job = caught(|| {
        let keyring = seal_password(&env, &password)?;
        let sealer = build_sealer(keyring, Some(read_options(&env, options.as_ref())?))?;
        seal_job(&env, sealer, &object, None)
    });
    AsyncTask::new(PoolTask(Some(job)))
}

/// Unseals like iron-webcrypto's `unseal(sealed, password, options)`: `password` is one secret
/// (used whatever id the token names) or an object of id → secret.
#[napi(
    catch_unwind,
    ts_args_type = "sealed: string, password: Secret | Readonly<Record<string, Secret | KeyringEntry>>, options?: IronOptions",
    ts_return_type = "Promise<unknown>"
)]
pub fn unseal_iron(
    env: Env,
    sealed: Unknown,
    password: Unknown,
    options: Option<Unknown>,
) -> AsyncTask<UnsealTask> {
    let job = caught(|| {
        let keyring = keyring::build(&env, &password, None, "password")?;
        let sealer = build_sealer(keyring, Some(read_options(&env, options.as_ref())?))?;
        unseal_job(&env, sealer, &sealed, None)
    });
    AsyncTask::new(UnsealTask {
        job: Some(job),
        data_only: true,
    })
}

/// iron's seal-side password: a secret, `{id, secret}` or `{id, encryption, integrity}`.
fn seal_password(env: &Env, password: &Unknown) -> Outcome<polyseal::Keyring> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, "password", e);
    let is_entry = password.get_type().map_err(fail)? == ValueType::Object
        && !password.is_typedarray().map_err(fail)?
        && !password.is_array().map_err(fail)?;
    if !is_entry {
        return keyring::build(env, password, None, "password");
    }
    keyring::single_entry(env, password, "password")
}

/// Translates iron's options into `Sealer` options with the `iron` format.
fn read_options(env: &Env, value: Option<&Unknown>) -> Outcome<SealerOptions> {
    let options: Option<IronOptions> = options::read(env, value, "options", &[IRON_KEYS])?;
    let options = options.unwrap_or(IronOptions {
        encryption: None,
        integrity: None,
        ttl: None,
        timestamp_skew_sec: None,
        localtime_offset_msec: None,
    });
    if let Some(value) = value {
        for side in ["encryption", "integrity"] {
            check_side_keys(env, value, side)?;
        }
    }
    let encryption = side(options.encryption, "encryption", ENCRYPTION_ALGORITHM)?;
    let integrity = side(options.integrity, "integrity", INTEGRITY_ALGORITHM)?;
    let iterations = agree("iterations", encryption.0, integrity.0)?;
    let salt_bits = agree("saltBits", encryption.1, integrity.1)?;
    let ttl = whole("ttl", options.ttl, u64::MAX)?.filter(|ttl| *ttl != 0);
    let skew_ms = options
        .timestamp_skew_sec
        .map(|seconds| whole("timestampSkewSec (in ms)", Some(seconds * 1000.0), u64::MAX))
        .transpose()?
        .flatten();
    let offset = signed(
        "localtimeOffsetMsec",
        options.localtime_offset_msec,
        "milliseconds",
    )?;
    Ok(SealerOptions {
        format: Some(Text("iron".to_owned())),
        ttl: ttl.map(|ms| ms as f64),
        skew: skew_ms.map(|ms| ms as f64),
        iterations: iterations.map(f64::from),
        salt_bits: salt_bits.map(f64::from),
        localtime_offset: offset.map(|ms| ms as f64),
        ..SealerOptions::default()
    })
}

fn check_side_keys(env: &Env, value: &Unknown, side: &str) -> Outcome<()> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, "options", e);
    if value.get_type().map_err(fail)? != ValueType::Object {
        return Ok(());
    }
    let object = value.coerce_to_object().map_err(fail)?;
    let inner = object.get_named_property::<Unknown>(side).map_err(fail)?;
    if inner.get_type().map_err(fail)? == ValueType::Object {
        options::check_keys(env, &inner, &format!("options.{side}"), &[SIDE_KEYS])?;
    }
    Ok(())
}

/// One side's iterations and salt bits, after checking what polyseal cannot vary.
fn side(
    options: Option<IronSideOptions>,
    name: &str,
    algorithm: &str,
) -> Outcome<(Option<u32>, Option<u32>)> {
    let Some(options) = options else {
        return Ok((None, None));
    };
    if let Some(given) = options.algorithm.filter(|given| given != algorithm) {
        return Err(Failure::invalid_option(format!(
            "options.{name}.algorithm {given:?} is not supported; polyseal uses {algorithm:?}"
        )));
    }
    if let Some(length) = options.min_passwordlength
        && length != MIN_PASSWORD_LENGTH as f64
    {
        return Err(Failure::invalid_option(format!(
            "options.{name}.minPasswordlength must be {MIN_PASSWORD_LENGTH}: polyseal accepts \
                 passwords of at least {MIN_PASSWORD_LENGTH} characters, got {length}"
        )));
    }
    let narrow = |n: Option<u64>| n.map(|n| n as u32);
    Ok((
        narrow(whole(
            &format!("options.{name}.iterations"),
            options.iterations,
            u32::MAX.into(),
        )?),
        narrow(whole(
            &format!("options.{name}.saltBits"),
            options.salt_bits,
            u32::MAX.into(),
        )?),
    ))
}

/// polyseal derives both keys with one iteration count and one salt size.
fn agree(name: &str, encryption: Option<u32>, integrity: Option<u32>) -> Outcome<Option<u32>> {
    match (encryption, integrity) {
        (Some(a), Some(b)) if a != b => Err(Failure::invalid_option(format!(
            "options.encryption.{name} ({a}) and options.integrity.{name} ({b}) differ; \
             polyseal uses one value for both"
        ))),
        (a, b) => Ok(a.or(b)),
    }
}
