//! Fe26.2 ("iron"): sealed tokens byte-compatible with @hapi/iron 7, iron-webcrypto 1 and 2,
//! h3 1.x and 2.x sessions and iron-session 8.
//!
//! A token is `Fe26.2*id*encSalt*encIv*ciphertext*expiration*hmacSalt*hmac`: the JSON text of a
//! value, encrypted with AES-256-CBC under a key derived by PBKDF2-HMAC-SHA1 from the password
//! and the salt *text*, then authenticated with HMAC-SHA256 under a second key derived the same
//! way from an independent salt. Raw 32-byte keys skip PBKDF2 and leave the salts empty.
//!
//! Unsealing follows iron's order — shape, prefix, expiration (yes, before the MAC), password
//! lookup, MAC, decryption, JSON — so every peer and polyseal reject the same token for the same
//! reason. Keys are derived lazily: a forged token costs one PBKDF2 (the integrity key; two in
//! the h3-v2 legacy fallback, the second with a single iteration), and the encryption key is
//! derived only once the MAC has verified. `docs/FORMAT.md` describes the format and profiles.
//!
//! ```
//! use polyseal::iron::{self, IronOptions, Profile};
//! use polyseal::Keyring;
//!
//! let keyring = Keyring::from_password("a password of at least thirty-two characters")?;
//! let options = IronOptions::for_profile(Profile::H3V2);
//! let value = serde_json::json!({"id": "3a1c", "createdAt": 1764000000000u64, "data": {}});
//! let token = iron::seal_at(&value, &keyring, &options, 1_764_000_000_000)?;
//! let unsealed = iron::unseal_at(&token, &keyring, &options, 1_764_000_000_000)?;
//! assert_eq!(unsealed.value, value);
//! # Ok::<(), polyseal::Error>(())
//! ```

mod crypto;
mod profile;
mod token;

/// PBKDF2 counters of this thread, for tests elsewhere in the crate that pin the cost of
/// rejecting a cookie.
#[cfg(test)]
pub(crate) use crypto::{DERIVATIONS, ITERATIONS};

#[cfg(test)]
mod tests;

use serde_json::Value;

use crate::error::{ErrorCode, Result, fail};
use crate::json;
use crate::keyring::{KeyEntry, Keyring};

pub use profile::{
    DEFAULT_ITERATIONS, DEFAULT_MAX_TOKEN_BYTES, DEFAULT_SALT_BITS, DEFAULT_TIMESTAMP_SKEW_SEC,
    H3_V2_ITERATIONS, IRON_SESSION_TTL_MS, IronOptions, MAX_EXPIRATION_MS, MAX_ITERATIONS,
    MAX_SALT_BITS, MAX_TIMESTAMP_SKEW_SEC, Profile,
};

/// The id-less password lookup name, as iron uses it: `token.id || "default"`.
pub const DEFAULT_PASSWORD_ID: &str = "default";

/// A successfully unsealed token.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct IronUnsealed {
    /// The sealed value.
    pub value: Value,
    /// The id of the keyring entry that unsealed the token (`""` for an id-less password).
    pub key_id: String,
    /// The token's expiry in milliseconds since the epoch, if it has one.
    pub expires_at: Option<u64>,
    /// The token should be sealed again: it was sealed with a key other than the current one,
    /// or accepted through the h3-v2 legacy-iteration fallback.
    pub needs_reseal: bool,
}

/// Seals `value` (as `JSON.stringify` would print it) with the keyring's current entry.
///
/// The entry's id becomes the token's password id (`""` for an id-less password, or `1` under
/// [`IronOptions::numeric_ids`]). `now_ms` is milliseconds since the Unix epoch.
pub fn seal_at(
    value: &Value,
    keyring: &Keyring,
    options: &IronOptions,
    now_ms: u64,
) -> Result<String> {
    json::check_value_depth(value, options.json_limits.max_depth)?;
    seal_json_at(&json::to_js_string(value), keyring, options, now_ms)
}

/// Seals the exact JSON text `json_text`, byte for byte, with the keyring's current entry.
///
/// The text must be valid JSON within [`IronOptions::json_limits`]; it is not re-serialized.
pub fn seal_json_at(
    json_text: &str,
    keyring: &Keyring,
    options: &IronOptions,
    now_ms: u64,
) -> Result<String> {
    options.validate()?;
    json::parse(json_text.as_bytes(), options.json_limits)?;
    let randomness = Randomness::draw(keyring.current(), options)?;
    seal_bytes(json_text.as_bytes(), keyring, options, now_ms, &randomness)
}

/// Test hook: seals `plaintext` exactly as given (even if it is not JSON) with fixed salts and
/// IV, so vectors are reproducible and malformed payloads can be authenticated. Salts are
/// ignored for raw-key secrets, which always write an empty salt.
#[cfg(feature = "test-hooks")]
pub fn seal_bytes_fixed_at(
    plaintext: &[u8],
    keyring: &Keyring,
    options: &IronOptions,
    now_ms: u64,
    encryption_salt: &str,
    iv: [u8; 16],
    integrity_salt: &str,
) -> Result<String> {
    options.validate()?;
    let entry = keyring.current();
    let randomness = Randomness {
        encryption_salt: salt_for(entry.encryption(), encryption_salt)?,
        iv,
        integrity_salt: salt_for(entry.integrity(), integrity_salt)?,
    };
    seal_bytes(plaintext, keyring, options, now_ms, &randomness)
}

#[cfg(feature = "test-hooks")]
fn salt_for(secret: &crate::Secret, salt: &str) -> Result<String> {
    if secret.is_raw_key() {
        return Ok(String::new());
    }
    if salt.is_empty() {
        return Err(fail(
            ErrorCode::InvalidOption,
            "a password needs a non-empty salt",
        ));
    }
    Ok(salt.to_owned())
}

/// Unseals `token` with whichever keyring entry its password id names.
///
/// A keyring of one id-less entry unseals every token whatever its id (iron's single-password
/// rule); otherwise the token's id — or `"default"` when it has none — must name an entry, or
/// the result is [`ErrorCode::UnknownKey`]. No other entry is tried.
pub fn unseal_at(
    token: &str,
    keyring: &Keyring,
    options: &IronOptions,
    now_ms: u64,
) -> Result<IronUnsealed> {
    options.validate()?;
    check_token_size(token.len(), options)?;
    let body = if options.version_suffix {
        token::strip_version_suffix(token)
    } else {
        token
    };
    let fields = token::split(body)?;
    let expires_at = token::expiration(fields.expiration)?;
    check_expiry(expires_at, local_now(now_ms, options), options)?;
    let entry = find_entry(keyring, fields.id)?;
    let decoded = token::decode(&fields)?;
    let (iterations, legacy) = verify_mac(entry, &fields, &decoded.mac, options)?;
    let key = crypto::derive(entry.encryption(), fields.encryption_salt, iterations)
        .ok_or_else(crypto::decryption_failed)?;
    let plaintext = crypto::decrypt(&key, &decoded.iv, &decoded.ciphertext)?;
    Ok(IronUnsealed {
        value: parse_plaintext(&plaintext, options)?,
        key_id: entry.id().to_owned(),
        expires_at,
        needs_reseal: legacy || entry.id() != keyring.current().id(),
    })
}

/// [`seal_at`] at the system clock's time.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn seal(value: &Value, keyring: &Keyring, options: &IronOptions) -> Result<String> {
    seal_at(value, keyring, options, crate::clock::now_ms())
}

/// [`unseal_at`] at the system clock's time.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn unseal(token: &str, keyring: &Keyring, options: &IronOptions) -> Result<IronUnsealed> {
    unseal_at(token, keyring, options, crate::clock::now_ms())
}

/// The random inputs of one seal: two salt texts and an IV.
struct Randomness {
    encryption_salt: String,
    iv: [u8; 16],
    integrity_salt: String,
}

impl Randomness {
    /// Draws in a fixed order — encryption salt, IV, integrity salt — so the `rng::fixed_bytes`
    /// test hook reproduces tokens. Raw-key secrets take no salt.
    fn draw(entry: &KeyEntry, options: &IronOptions) -> Result<Randomness> {
        let salt = |secret: &crate::Secret| {
            if secret.is_raw_key() {
                Ok(String::new())
            } else {
                crypto::random_salt(options.salt_bits)
            }
        };
        let encryption_salt = salt(entry.encryption())?;
        let iv = crate::rng::array()?;
        let integrity_salt = salt(entry.integrity())?;
        Ok(Randomness {
            encryption_salt,
            iv,
            integrity_salt,
        })
    }
}

fn seal_bytes(
    plaintext: &[u8],
    keyring: &Keyring,
    options: &IronOptions,
    now_ms: u64,
    randomness: &Randomness,
) -> Result<String> {
    check_plaintext_size(plaintext.len(), options)?;
    let entry = keyring.current();
    let id = seal_id(entry.id(), options)?;
    let expiration = seal_expiration(local_now(now_ms, options), options)?;
    let key = derive_for_seal(entry.encryption(), &randomness.encryption_salt, options)?;
    let ciphertext = crypto::encrypt(&key, &randomness.iv, plaintext);
    let mac_base = token::mac_base(
        id,
        &randomness.encryption_salt,
        &randomness.iv,
        &ciphertext,
        expiration,
    );
    let key = derive_for_seal(entry.integrity(), &randomness.integrity_salt, options)?;
    let mac = crypto::mac(&key, &mac_base);
    let mut sealed = token::finish(mac_base, &randomness.integrity_salt, &mac);
    if options.version_suffix {
        sealed.push_str(token::IRON_SESSION_SUFFIX);
    }
    check_token_size(sealed.len(), options)?;
    Ok(sealed)
}

fn derive_for_seal(
    secret: &crate::Secret,
    salt: &str,
    options: &IronOptions,
) -> Result<crypto::Key> {
    crypto::derive(secret, salt, options.iterations)
        .ok_or_else(|| fail(ErrorCode::Internal, "a password was given no salt"))
}

/// The password id written into a new token.
fn seal_id<'a>(id: &'a str, options: &IronOptions) -> Result<&'a str> {
    if !options.numeric_ids {
        return Ok(id);
    }
    if id.is_empty() {
        // iron-session turns a single string password into `{1: password}`.
        return Ok("1");
    }
    // iron-session picks ids with `Number(id)` and writes `id.toString()`, so only canonical
    // decimal numbers survive the round trip.
    let canonical = id.len() <= 15
        && id.bytes().all(|b| b.is_ascii_digit())
        && (id == "0" || !id.starts_with('0'));
    if !canonical {
        return Err(fail(
            ErrorCode::InvalidPassword,
            format!("iron-session password ids are decimal numbers like 1 or 2, not {id:?}"),
        ));
    }
    Ok(id)
}

/// `now` as iron sees it: the caller's time plus `localtime_offset_ms`.
fn local_now(now_ms: u64, options: &IronOptions) -> i128 {
    i128::from(now_ms) + i128::from(options.localtime_offset_ms)
}

fn seal_expiration(now: i128, options: &IronOptions) -> Result<Option<u64>> {
    if options.ttl_ms == 0 {
        return Ok(None);
    }
    let expiration = now + i128::from(options.ttl_ms);
    match u64::try_from(expiration) {
        Ok(ms) if ms > 0 && ms <= MAX_EXPIRATION_MS => Ok(Some(ms)),
        _ => Err(fail(
            ErrorCode::InvalidOption,
            format!(
                "now + ttl_ms = {expiration} ms is outside 1 ..= {MAX_EXPIRATION_MS}, which \
                 JavaScript peers cannot read"
            ),
        )),
    }
}

/// iron's rule: expired iff `expiration <= now - skew`.
fn check_expiry(expiration: Option<u64>, now: i128, options: &IronOptions) -> Result<()> {
    let Some(expiration) = expiration else {
        return Ok(());
    };
    let limit = now - i128::from(options.timestamp_skew_sec) * 1000;
    if i128::from(expiration) <= limit {
        return Err(fail(
            ErrorCode::Expired,
            format!("expired seal: the token expired at {expiration} ms"),
        ));
    }
    Ok(())
}

/// iron's password lookup: a single id-less password answers every id; otherwise look up the
/// token's id, or `"default"` for a token without one.
fn find_entry<'k>(keyring: &'k Keyring, token_id: &str) -> Result<&'k KeyEntry> {
    if let [only] = keyring.entries()
        && only.id().is_empty()
    {
        return Ok(only);
    }
    let wanted = if token_id.is_empty() {
        DEFAULT_PASSWORD_ID
    } else {
        token_id
    };
    keyring.get(wanted).ok_or_else(|| {
        fail(
            ErrorCode::UnknownKey,
            format!("cannot find password: {}", printable_id(wanted)),
        )
    })
}

/// The token's id is attacker-controlled: name it only if it is a plausible key id.
fn printable_id(id: &str) -> String {
    let plausible = id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    if plausible {
        id.to_owned()
    } else {
        format!("(an invalid id of {} bytes)", id.len())
    }
}

/// Verifies the MAC, deriving the integrity key with `iterations` and, only if that fails and
/// the profile allows it, with `legacy_iterations`. Returns the iteration count that verified
/// and whether it was the legacy one.
fn verify_mac(
    entry: &KeyEntry,
    fields: &token::Fields<'_>,
    mac: &[u8; 32],
    options: &IronOptions,
) -> Result<(u32, bool)> {
    let secret = entry.integrity();
    let verifies = |iterations: u32| {
        crypto::derive(secret, fields.hmac_salt, iterations)
            .is_some_and(|key| crypto::mac_matches(&key, fields.mac_base, mac))
    };
    if verifies(options.iterations) {
        return Ok((options.iterations, false));
    }
    // A raw key does not depend on the iteration count: retrying would only repeat the work.
    let legacy = options
        .legacy_iterations
        .filter(|&legacy| legacy != options.iterations && !secret.is_raw_key());
    if let Some(legacy) = legacy
        && verifies(legacy)
    {
        return Ok((legacy, true));
    }
    Err(fail(
        ErrorCode::BadSeal,
        "bad hmac value: the token was altered or sealed with another password",
    ))
}

fn parse_plaintext(plaintext: &[u8], options: &IronOptions) -> Result<Value> {
    if plaintext.is_empty() {
        return Err(fail(
            ErrorCode::InvalidJson,
            "the sealed payload is empty, not JSON",
        ));
    }
    json::parse(plaintext, options.json_limits)
}

fn check_plaintext_size(length: usize, options: &IronOptions) -> Result<()> {
    let limit = options.json_limits.max_bytes;
    if length > limit {
        return Err(fail(
            ErrorCode::TooLarge,
            format!("the JSON payload is {length} bytes, the limit is {limit}"),
        ));
    }
    Ok(())
}

fn check_token_size(length: usize, options: &IronOptions) -> Result<()> {
    if length > options.max_token_bytes {
        return Err(fail(
            ErrorCode::TooLarge,
            format!(
                "the Fe26.2 token is {length} bytes, the limit is {}",
                options.max_token_bytes
            ),
        ));
    }
    Ok(())
}
