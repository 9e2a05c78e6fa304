//! Options objects: their TypeScript shapes, and their translation into core's options.
//!
//! Each shape is a `#[napi(object)]` struct, so `index.d.ts` is generated from the same
//! definition that reads the value. Reading happens inside the export (not in napi's argument
//! conversion), so a wrongly typed option is a `PolysealError` (`INVALID_ARGUMENT`), an
//! out-of-range one is `INVALID_OPTION`, and so is an unknown key: a misspelt `cookiename` would
//! otherwise be ignored silently and every unseal would fail with `BAD_SEAL`.

use std::borrow::Cow;

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use polyseal::ErrorCode;

use crate::convert::Text;
use crate::error::{Failure, Outcome};

/// Largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// How a `Sealer` seals and unseals. Every field is optional; units are milliseconds.
#[napi(object, object_to_js = false)]
#[derive(Default)]
pub struct SealerOptions {
    /// The wire format (default `"native"`).
    #[napi(ts_type = "Format")]
    pub format: Option<Text>,
    /// Lifetime of new tokens in ms. Unset: the format's default (no expiry, except
    /// `iron-session`'s 14 days).
    pub ttl: Option<f64>,
    /// Cookie name bound into native tokens (default `""`).
    #[napi(ts_type = "string")]
    pub cookie_name: Option<Text>,
    /// Extra context bound into native tokens: a UTF-8 string or bytes (default empty).
    #[napi(ts_type = "string | Uint8Array")]
    pub context: Option<Either<Text, Uint8Array>>,
    /// Tolerated clock skew in ms (default 60000).
    pub skew: Option<f64>,
    /// PBKDF2 iterations (Fe26.2 formats); unset keeps the format's value.
    pub iterations: Option<f64>,
    /// Salt size in bits (Fe26.2 formats); unset keeps the format's value.
    pub salt_bits: Option<f64>,
    /// Offset added to the local clock in ms, may be negative (iron's `localtimeOffsetMsec`).
    pub localtime_offset: Option<f64>,
    /// Longest token accepted, in characters (default 98304).
    pub max_token_chars: Option<f64>,
    /// Deepest nesting of the payload (default 64).
    pub max_depth: Option<f64>,
    /// Largest payload accepted when unsealing, in bytes of JSON (default 65536).
    pub max_payload_bytes: Option<f64>,
    /// Fe26.2 formats, opt-in: seals within this many ms (1 to 86400000) of a window's first
    /// seal reuse its salts and derived keys with a fresh IV, skipping the PBKDF2 work. Tokens
    /// of one window share their salt fields, so an observer can link them (`docs/FORMAT.md`,
    /// "Seal-side salt reuse"). Unset: fresh salts for every seal.
    pub salt_reuse: Option<f64>,
}

const SEALER_KEYS: &[&str] = &[
    "format",
    "ttl",
    "cookieName",
    "context",
    "skew",
    "iterations",
    "saltBits",
    "localtimeOffset",
    "maxTokenChars",
    "maxDepth",
    "maxPayloadBytes",
    "saltReuse",
];

/// Per-call options of `seal`/`unseal`.
#[napi(object, object_to_js = false)]
pub struct CallOptions {
    /// The time to seal or unseal at, in ms since the Unix epoch (default: the system clock).
    pub now: Option<f64>,
}

const CALL_KEYS: &[&str] = &["now"];

/// Reads an optional options argument as the napi object `T`, checking its keys first.
/// `undefined` and `null` read as `T`'s defaults (every field unset).
pub fn read<T: FromNapiValue>(
    env: &Env,
    value: Option<&Unknown>,
    label: &str,
    allowed: &[&[&str]],
) -> Outcome<Option<T>> {
    let Some(value) = value else { return Ok(None) };
    let kind = value
        .get_type()
        .map_err(|e| Failure::from_napi(env, ErrorCode::InvalidArgument, label, e))?;
    match kind {
        ValueType::Undefined | ValueType::Null => return Ok(None),
        ValueType::Object => {}
        _ => {
            return Err(Failure::invalid_argument(format!(
                "{label} must be an object"
            )));
        }
    }
    check_keys(env, value, label, allowed)?;
    // SAFETY: `value` is a live value of this env.
    unsafe { T::from_napi_value(env.raw(), value.raw()) }
        .map(Some)
        .map_err(|e| Failure::from_napi(env, ErrorCode::InvalidArgument, label, e))
}

/// Rejects keys that none of the `allowed` lists name.
pub fn check_keys(env: &Env, value: &Unknown, label: &str, allowed: &[&[&str]]) -> Outcome<()> {
    for key in own_keys(env, value, label)? {
        if !allowed.iter().any(|list| list.contains(&key.as_str())) {
            let known: Vec<&str> = allowed
                .iter()
                .flat_map(|list| list.iter().copied())
                .collect();
            return Err(Failure::invalid_option(format!(
                "{label} has an unknown option {key:?}; known options: {}",
                known.join(", ")
            )));
        }
    }
    Ok(())
}

/// The own enumerable string keys of an object, in JavaScript's order.
pub fn own_keys(env: &Env, value: &Unknown, label: &str) -> Outcome<Vec<String>> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, label, e);
    let raw = env.raw();
    let mut keys = std::ptr::null_mut();
    napi::check_status!(unsafe {
        sys::napi_get_all_property_names(
            raw,
            value.raw(),
            sys::KeyCollectionMode::own_only,
            sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
            sys::KeyConversion::numbers_to_strings,
            &mut keys,
        )
    })
    .map_err(fail)?;
    // SAFETY: napi returned an array of strings.
    let keys = unsafe { Array::from_napi_value(raw, keys) }.map_err(fail)?;
    (0..keys.len())
        .map(|index| {
            keys.get::<Text>(index)
                .map(|key| key.map(|key| key.0).unwrap_or_default())
                .map_err(fail)
        })
        .collect()
}

/// A string argument; anything else, and a string with a lone surrogate (it has no UTF-8 form),
/// is `INVALID_ARGUMENT`.
pub fn string_arg(env: &Env, value: &Unknown, label: &str) -> Outcome<String> {
    string_arg_or(env, value, label, ErrorCode::InvalidArgument)
}

/// A string argument; anything else is `INVALID_ARGUMENT`, and a string with a lone surrogate
/// fails with `unpaired`, the code the other languages give text that is not UTF-8 in that
/// place: `INVALID_JSON` for a payload, `MALFORMED` for a token or a `Cookie` header.
pub fn string_arg_or(
    env: &Env,
    value: &Unknown,
    label: &str,
    unpaired: ErrorCode,
) -> Outcome<String> {
    with_string_arg_or(env, value, label, unpaired, |text| text.into_owned())
}

/// [`string_arg_or`] handed to `read`: borrowed from the stack when the string is short, so a
/// caller that only borrows it allocates nothing.
pub fn with_string_arg_or<T>(
    env: &Env,
    value: &Unknown,
    label: &str,
    unpaired: ErrorCode,
    read: impl FnOnce(Cow<'_, str>) -> T,
) -> Outcome<T> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, label, e);
    if value.get_type().map_err(fail)? != ValueType::String {
        return Err(Failure::invalid_argument(format!(
            "{label} must be a string"
        )));
    }
    crate::convert::with_text(env.raw(), value.raw(), read)
        .map_err(fail)?
        .map_err(|()| {
            Failure::new(
                unpaired,
                format!("{label} holds a lone surrogate, which has no UTF-8 form"),
            )
        })
}

/// Whether an argument is `undefined` or `null`.
pub fn is_nullish(env: &Env, value: &Unknown, name: &str) -> Outcome<bool> {
    let kind = value
        .get_type()
        .map_err(|e| Failure::from_napi(env, ErrorCode::InvalidArgument, name, e))?;
    Ok(matches!(kind, ValueType::Undefined | ValueType::Null))
}

/// A non-negative integer option no larger than `max`.
pub fn whole(name: &str, value: Option<f64>, max: u64) -> Outcome<Option<u64>> {
    let Some(number) = value else { return Ok(None) };
    let limit = (max as f64).min(MAX_SAFE_INTEGER);
    if !(number.is_finite() && number.fract() == 0.0 && (0.0..=limit).contains(&number)) {
        return Err(Failure::invalid_option(format!(
            "{name} must be a whole number from 0 to {limit}, got {number}"
        )));
    }
    Ok(Some(number as u64))
}

/// An integer option that may be negative, counted in `unit` (for the message).
pub fn signed(name: &str, value: Option<f64>, unit: &str) -> Outcome<Option<i64>> {
    let Some(number) = value else { return Ok(None) };
    if !(number.is_finite() && number.fract() == 0.0 && number.abs() <= MAX_SAFE_INTEGER) {
        return Err(Failure::invalid_option(format!(
            "{name} must be a whole number of {unit}, got {number}"
        )));
    }
    Ok(Some(number as i64))
}

/// Translates `SealerOptions` into core's format and options. Every check on values is core's.
pub fn to_core(
    options: Option<SealerOptions>,
) -> Outcome<(polyseal::Format, polyseal::SealerOptions)> {
    let options = options.unwrap_or_default();
    let format = polyseal::Format::from_name(
        options
            .format
            .as_ref()
            .map_or("native", |format| format.0.as_str()),
    )?;
    let mut core = polyseal::SealerOptions {
        ttl_ms: whole("ttl", options.ttl, u64::MAX)?,
        iterations: whole("iterations", options.iterations, u32::MAX.into())?.map(|n| n as u32),
        salt_bits: whole("saltBits", options.salt_bits, u32::MAX.into())?.map(|n| n as u32),
        salt_reuse_ms: whole("saltReuse", options.salt_reuse, u64::MAX)?,
        ..polyseal::SealerOptions::default()
    };
    if let Some(Text(name)) = options.cookie_name {
        core.cookie_name = name;
    }
    match options.context {
        Some(Either::A(Text(text))) => core.context = text.into_bytes(),
        Some(Either::B(bytes)) => core.context = bytes.to_vec(),
        None => {}
    }
    if let Some(skew) = whole("skew", options.skew, u64::MAX)? {
        core.skew_ms = skew;
    }
    if let Some(offset) = signed("localtimeOffset", options.localtime_offset, "milliseconds")? {
        core.localtime_offset_ms = offset;
    }
    if let Some(chars) = whole("maxTokenChars", options.max_token_chars, usize::MAX as u64)? {
        core.max_token_chars = chars as usize;
    }
    if let Some(depth) = whole("maxDepth", options.max_depth, usize::MAX as u64)? {
        core.json.max_depth = depth as usize;
    }
    if let Some(bytes) = whole(
        "maxPayloadBytes",
        options.max_payload_bytes,
        usize::MAX as u64,
    )? {
        core.json.max_bytes = bytes as usize;
    }
    Ok((format, core))
}

/// Reads a `SealerOptions` argument.
pub fn read_sealer(
    env: &Env,
    value: Option<&Unknown>,
    label: &str,
) -> Outcome<Option<SealerOptions>> {
    read(env, value, label, &[SEALER_KEYS])
}

/// Reads the options of a module-level call: `SealerOptions` and `CallOptions` in one object.
pub fn read_sealer_and_call(
    env: &Env,
    value: Option<&Unknown>,
    label: &str,
) -> Outcome<(Option<SealerOptions>, Option<u64>)> {
    let sealer = read::<SealerOptions>(env, value, label, &[SEALER_KEYS, CALL_KEYS])?;
    let call = read::<CallOptions>(env, value, label, &[SEALER_KEYS, CALL_KEYS])?;
    Ok((sealer, now(call)?))
}

/// Reads the options of a `Sealer` method call.
pub fn read_call(env: &Env, value: Option<&Unknown>, label: &str) -> Outcome<Option<u64>> {
    now(read::<CallOptions>(env, value, label, &[CALL_KEYS])?)
}

fn now(call: Option<CallOptions>) -> Outcome<Option<u64>> {
    whole("now", call.and_then(|call| call.now), u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_must_be_safe_non_negative_integers() {
        assert_eq!(whole("ttl", None, u64::MAX).ok(), Some(None));
        assert_eq!(whole("ttl", Some(0.0), u64::MAX).ok(), Some(Some(0)));
        assert_eq!(
            whole("ttl", Some(MAX_SAFE_INTEGER), u64::MAX).ok(),
            Some(Some(9_007_199_254_740_991))
        );
        for bad in [-1.0, 1.5, f64::NAN, f64::INFINITY, MAX_SAFE_INTEGER + 2.0] {
            let failure = whole("ttl", Some(bad), u64::MAX).expect_err("rejected");
            assert_eq!(failure.code(), ErrorCode::InvalidOption, "{bad}");
        }
        assert!(
            whole(
                "iterations",
                Some(f64::from(u32::MAX) + 1.0),
                u32::MAX.into()
            )
            .is_err()
        );
    }

    #[test]
    fn signed_numbers_may_be_negative() {
        assert_eq!(
            signed("offset", Some(-5000.0), "milliseconds").ok(),
            Some(Some(-5000))
        );
        assert!(signed("offset", Some(0.5), "milliseconds").is_err());
        assert!(signed("offset", Some(f64::NEG_INFINITY), "milliseconds").is_err());
    }

    #[test]
    fn unset_options_keep_core_defaults() {
        let (format, core) = to_core(None).expect("defaults");
        assert_eq!(format, polyseal::Format::Native);
        assert_eq!(core, polyseal::SealerOptions::default());
        let options = SealerOptions {
            format: Some(Text("fernet".into())),
            ..SealerOptions::default()
        };
        assert_eq!(
            to_core(Some(options)).err().map(|f| f.code()),
            Some(ErrorCode::InvalidOption)
        );
    }
}
