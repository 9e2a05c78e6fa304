//! Keyrings and Fe26.2 options written as JSON, in the conventions of `docs/VECTORS.md`.
//!
//! Shared by the vector generator (`tests/fe26_vectors.rs`) and the peer CLI
//! (`examples/fe26_cli.rs`), so both read keyrings and options the same way.

#![allow(dead_code)] // each includer uses a different part

use polyseal::iron::IronOptions;
use polyseal::{Error, ErrorCode, Keyring, Result, Secret, Value};

/// `{"current": "k1", "entries": [{"id", "password"} | {"id", "keyHex"} |
/// {"id", "encryption": {...}, "integrity": {...}}]}`; a missing id is `""`.
pub fn keyring(json: &Value) -> Result<Keyring> {
    let entries = json
        .get("entries")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_argument("a keyring needs an \"entries\" array"))?;
    let mut builder = Keyring::builder();
    for entry in entries {
        let id = entry.get("id").and_then(Value::as_str).unwrap_or("");
        builder = match (entry.get("encryption"), entry.get("integrity")) {
            (Some(encryption), Some(integrity)) => {
                builder.split(id, secret(encryption), secret(integrity))
            }
            _ => builder.secret(id, secret(entry)),
        };
    }
    if let Some(current) = json.get("current").and_then(Value::as_str) {
        builder = builder.current(current);
    }
    builder.build()
}

/// `{"password": "..."}` or `{"keyHex": "..."}`.
fn secret(json: &Value) -> Result<Secret> {
    if let Some(password) = json.get("password").and_then(Value::as_str) {
        return Secret::password(password);
    }
    if let Some(key) = json.get("keyHex").and_then(Value::as_str) {
        return Secret::key(&hex_decode(key)?);
    }
    Err(bad_argument("a secret needs \"password\" or \"keyHex\""))
}

/// `{"format": "h3-v2", ...overrides}`: `ttl` (ms), `iterations`, `saltBits`,
/// `timestampSkewSec`, `localtimeOffset` (ms), `legacyIterations` (number or null),
/// `versionSuffix`, `numericIds`, `maxTokenChars`. Unknown names are rejected.
pub fn options(json: &Value) -> Result<IronOptions> {
    let profile = json.get("format").and_then(Value::as_str).unwrap_or("iron");
    let mut options = IronOptions::for_profile_name(profile)?;
    let Some(fields) = json.as_object() else {
        return Err(bad_option("options must be a JSON object"));
    };
    for (name, value) in fields {
        apply(&mut options, name, value)?;
    }
    Ok(options)
}

fn apply(options: &mut IronOptions, name: &str, value: &Value) -> Result<()> {
    match name {
        "format" => {}
        "ttl" => options.ttl_ms = unsigned(name, value)?,
        "iterations" => options.iterations = small(name, value)?,
        "saltBits" => options.salt_bits = small(name, value)?,
        "timestampSkewSec" => options.timestamp_skew_sec = unsigned(name, value)?,
        "localtimeOffset" => {
            options.localtime_offset_ms = value
                .as_i64()
                .ok_or_else(|| bad_option(&format!("{name} must be an integer")))?
        }
        "legacyIterations" if value.is_null() => options.legacy_iterations = None,
        "legacyIterations" => options.legacy_iterations = Some(small(name, value)?),
        "versionSuffix" => options.version_suffix = flag(name, value)?,
        "numericIds" => options.numeric_ids = flag(name, value)?,
        "maxTokenChars" => options.max_token_bytes = unsigned(name, value)? as usize,
        _ => return Err(bad_option(&format!("unknown Fe26.2 option {name:?}"))),
    }
    Ok(())
}

fn unsigned(name: &str, value: &Value) -> Result<u64> {
    value
        .as_u64()
        .ok_or_else(|| bad_option(&format!("{name} must be a non-negative integer")))
}

fn small(name: &str, value: &Value) -> Result<u32> {
    u32::try_from(unsigned(name, value)?)
        .map_err(|_| bad_option(&format!("{name} is out of range")))
}

fn flag(name: &str, value: &Value) -> Result<bool> {
    value
        .as_bool()
        .ok_or_else(|| bad_option(&format!("{name} must be true or false")))
}

fn bad_option(message: &str) -> Error {
    Error::new(ErrorCode::InvalidOption, message.to_owned())
}

fn bad_argument(message: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, message.to_owned())
}

/// Lowercase or uppercase hex to bytes.
pub fn hex_decode(text: &str) -> Result<Vec<u8>> {
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad_argument("not an even-length hex string"));
    }
    Ok((0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("checked hex"))
        .collect())
}

/// Bytes to lowercase hex.
pub fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
