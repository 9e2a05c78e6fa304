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
//! derived only once the MAC has verified. Derived keys that proved themselves are kept in the
//! keyring's bounded cache ([`DerivedKeyCacheStats`]), so a cookie that comes back on every
//! request is derived once, not once per request. `docs/FORMAT.md` describes the format, the
//! profiles and the cache.
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

pub(crate) mod cache;
mod crypto;
mod pbkdf2;
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
use crate::json::{self, JsonText};
use crate::keyring::{KeyEntry, Keyring, Secret};
use crate::wiped::WipedBytes;
use cache::{ReusedSalts, Role};

pub use cache::{
    DEFAULT_DERIVED_KEY_CACHE_ENTRIES, DerivedKeyCacheStats, MAX_CACHED_SALT_BYTES,
    MAX_DERIVED_KEY_CACHE_ENTRIES,
};
pub(crate) use crypto::IronSecret;
pub use profile::{
    DEFAULT_ITERATIONS, DEFAULT_MAX_TOKEN_BYTES, DEFAULT_SALT_BITS, DEFAULT_TIMESTAMP_SKEW_SEC,
    H3_V2_ITERATIONS, IRON_SESSION_TTL_MS, IronOptions, MAX_EXPIRATION_MS, MAX_ITERATIONS,
    MAX_SALT_BITS, MAX_SALT_REUSE_MS, MAX_TIMESTAMP_SKEW_SEC, Profile,
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
    options.validate()?;
    // Serializing a value yields valid JSON: only its depth needs checking, done while writing.
    let text = json::to_js_string_within(value, options.json_limits.max_depth)?;
    seal_bytes(text.as_bytes(), keyring, options, now_ms, || {
        SealInputs::for_seal(keyring, options, now_ms)
    })
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
    json::validate_str(json_text, options.json_limits)?;
    seal_bytes(json_text.as_bytes(), keyring, options, now_ms, || {
        SealInputs::for_seal(keyring, options, now_ms)
    })
}

/// Seals JSON text core wrote ([`JsonText`]) with the keyring's current entry: as [`seal_at`]
/// seals the value the text was written from. The text is not parsed again unless it was
/// written within a deeper nesting limit than `options` allow.
pub fn seal_text_at(
    text: &JsonText,
    keyring: &Keyring,
    options: &IronOptions,
    now_ms: u64,
) -> Result<String> {
    if !text.written_within(options.json_limits) {
        return seal_json_at(text.as_str(), keyring, options, now_ms);
    }
    options.validate()?;
    seal_bytes(text.as_str().as_bytes(), keyring, options, now_ms, || {
        SealInputs::for_seal(keyring, options, now_ms)
    })
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
    let secret = |role| keyring.iron_secret(keyring.current_index(), role);
    seal_bytes(plaintext, keyring, options, now_ms, || {
        let encryption_salt = salt_for(entry.encryption(), encryption_salt)?;
        let integrity_salt = salt_for(entry.integrity(), integrity_salt)?;
        let [encryption_key, integrity_key] = derive_for_seal(
            [
                (secret(Role::Encryption), &encryption_salt),
                (secret(Role::Integrity), &integrity_salt),
            ],
            options,
        )?;
        Ok(SealInputs {
            encryption_key,
            integrity_mac: crypto::keyed_mac(&integrity_key),
            encryption_salt,
            iv,
            integrity_salt,
        })
    })
}

#[cfg(feature = "test-hooks")]
fn salt_for(secret: &Secret, salt: &str) -> Result<String> {
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
    let (value, opened) = unseal_payload_at(token, keyring, options, now_ms, |plaintext| {
        json::parse(plaintext, options.json_limits)
    })?;
    Ok(IronUnsealed {
        value,
        key_id: opened.key_id,
        expires_at: opened.expires_at,
        needs_reseal: opened.needs_reseal,
    })
}

/// What an authentic token says besides its payload.
pub(crate) struct OpenedToken {
    pub(crate) key_id: String,
    pub(crate) expires_at: Option<u64>,
    pub(crate) needs_reseal: bool,
}

/// [`unseal_at`] up to the plaintext, which `read` turns into the result (a parsed value, or
/// validated JSON text).
pub(crate) fn unseal_payload_at<T>(
    token: &str,
    keyring: &Keyring,
    options: &IronOptions,
    now_ms: u64,
    read: impl FnOnce(&[u8]) -> Result<T>,
) -> Result<(T, OpenedToken)> {
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
    let (index, entry) = find_entry(keyring, fields.id)?;
    let decoded = token::decode(&fields)?;
    let (iterations, legacy) = verify_mac(keyring, index, &fields, &decoded.mac, options)?;
    let plaintext = decrypt(keyring, index, &fields, decoded, iterations)?;
    if plaintext.is_empty() {
        return Err(fail(
            ErrorCode::InvalidJson,
            "the sealed payload is empty, not JSON",
        ));
    }
    let payload = read(&plaintext)?;
    Ok((
        payload,
        OpenedToken {
            key_id: entry.id().to_owned(),
            expires_at,
            needs_reseal: legacy || !keyring.is_current(index),
        },
    ))
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

/// What one seal needs besides the plaintext: two salt texts, an IV, the encryption key and
/// HMAC-SHA256 keyed with the integrity key (keyed once, for the token and the cache alike).
struct SealInputs {
    encryption_salt: String,
    iv: [u8; 16],
    integrity_salt: String,
    encryption_key: crypto::Key,
    integrity_mac: crypto::KeyedMac,
}

impl SealInputs {
    /// The inputs of a seal at `now_ms`: the salts of the current salt-reuse window with a fresh
    /// IV when [`IronOptions::salt_reuse_ms`] is set and the window is open, otherwise fresh
    /// ones (which open a new window when reuse is on).
    fn for_seal(keyring: &Keyring, options: &IronOptions, now_ms: u64) -> Result<SealInputs> {
        let Some(window) = options.salt_reuse_ms else {
            return SealInputs::fresh(keyring, options);
        };
        let index = keyring.current_index();
        let reuse = keyring.salt_reuse();
        if let Some(salts) = reuse.get(index, options.iterations, options.salt_bits, now_ms, window)
        {
            return Ok(SealInputs {
                encryption_salt: salts.encryption_salt.clone(),
                iv: crate::rng::array()?,
                integrity_salt: salts.integrity_salt.clone(),
                encryption_key: salts.encryption_key.clone(),
                integrity_mac: salts.integrity_mac.clone(),
            });
        }
        let fresh = SealInputs::fresh(keyring, options)?;
        reuse.replace(ReusedSalts {
            entry: index,
            iterations: options.iterations,
            salt_bits: options.salt_bits,
            since_ms: now_ms,
            encryption_salt: fresh.encryption_salt.clone(),
            integrity_salt: fresh.integrity_salt.clone(),
            encryption_key: fresh.encryption_key.clone(),
            integrity_mac: fresh.integrity_mac.clone(),
        });
        Ok(fresh)
    }

    /// Fresh random salts and IV, and their keys. The keys go into the keyring's cache: the
    /// token is about to be sent, and the next request will bring it back.
    fn fresh(keyring: &Keyring, options: &IronOptions) -> Result<SealInputs> {
        let index = keyring.current_index();
        let entry = keyring.current();
        let (encryption_salt, iv, integrity_salt) = draw(entry, options)?;
        let encryption = keyring.iron_secret(index, Role::Encryption);
        let integrity = keyring.iron_secret(index, Role::Integrity);
        let [encryption_key, integrity_key] = derive_for_seal(
            [(encryption, &encryption_salt), (integrity, &integrity_salt)],
            options,
        )?;
        let integrity_mac = crypto::keyed_mac(&integrity_key);
        let cache = keyring.iron_cache();
        if !encryption.is_raw_key() {
            cache.insert_encryption(index, &encryption_salt, options.iterations, &encryption_key);
        }
        if !integrity.is_raw_key() {
            cache.insert_integrity(
                index,
                &integrity_salt,
                options.iterations,
                &integrity_key,
                &integrity_mac,
            );
        }
        Ok(SealInputs {
            encryption_salt,
            iv,
            integrity_salt,
            encryption_key,
            integrity_mac,
        })
    }
}

/// Draws the encryption salt, the IV and the integrity salt, in that order, in one call to the
/// generator (so the `rng::fixed_bytes` test hook reproduces tokens). Raw-key secrets take no
/// salt.
fn draw(entry: &KeyEntry, options: &IronOptions) -> Result<(String, [u8; 16], String)> {
    let salt_len = |secret: &Secret| {
        if secret.is_raw_key() {
            0
        } else {
            crypto::salt_bytes(options.salt_bits)
        }
    };
    let encryption_len = salt_len(entry.encryption());
    let integrity_len = salt_len(entry.integrity());
    let mut bytes = WipedBytes::new(vec![0u8; encryption_len + 16 + integrity_len]);
    crate::rng::fill(&mut bytes)?;
    let (encryption, rest) = bytes.split_at(encryption_len);
    let (iv, integrity) = rest.split_at(16);
    Ok((
        crypto::hex(encryption),
        iv.try_into().expect("16 bytes"),
        crypto::hex(integrity),
    ))
}

fn seal_bytes(
    plaintext: &[u8],
    keyring: &Keyring,
    options: &IronOptions,
    now_ms: u64,
    inputs: impl FnOnce() -> Result<SealInputs>,
) -> Result<String> {
    json::check_size(plaintext.len(), options.json_limits)?;
    let entry = keyring.current();
    let id = seal_id(entry.id(), options)?;
    let expiration = seal_expiration(local_now(now_ms, options), options)?;
    let inputs = inputs()?;
    let ciphertext = crypto::encrypt(&inputs.encryption_key, &inputs.iv, plaintext);
    let suffix = if options.version_suffix {
        token::IRON_SESSION_SUFFIX
    } else {
        ""
    };
    let mac_base = token::mac_base(
        id,
        &inputs.encryption_salt,
        &inputs.iv,
        &ciphertext,
        expiration,
        &inputs.integrity_salt,
        suffix,
    );
    let mac = crypto::mac_with(inputs.integrity_mac, &mac_base);
    let sealed = token::finish(mac_base, &inputs.integrity_salt, &mac, suffix);
    check_token_size(sealed.len(), options)?;
    Ok(sealed)
}

/// A seal's two keys, derived together.
fn derive_for_seal(
    wanted: [(&IronSecret, &str); 2],
    options: &IronOptions,
) -> Result<[crypto::Key; 2]> {
    let [encryption, integrity] = crypto::derive_keys(wanted, options.iterations);
    let missing = || fail(ErrorCode::Internal, "a password was given no salt");
    Ok([
        encryption.ok_or_else(missing)?,
        integrity.ok_or_else(missing)?,
    ])
}

/// The password id written into a new token.
/// The password id a seal writes for the keyring entry `id`; iron-session needs decimal ids.
pub(crate) fn seal_id<'a>(id: &'a str, options: &IronOptions) -> Result<&'a str> {
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
fn find_entry<'k>(keyring: &'k Keyring, token_id: &str) -> Result<(usize, &'k KeyEntry)> {
    if let [only] = keyring.entries()
        && only.id().is_empty()
    {
        return Ok((0, only));
    }
    let wanted = if token_id.is_empty() {
        DEFAULT_PASSWORD_ID
    } else {
        token_id
    };
    let index = keyring.position(wanted).ok_or_else(|| {
        fail(
            ErrorCode::UnknownKey,
            format!("cannot find password: {}", printable_id(wanted)),
        )
    })?;
    Ok((index, &keyring.entries()[index]))
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

/// Verifies the MAC, with the integrity key for `iterations` and, only if that fails and the
/// profile allows it, for `legacy_iterations`. Returns the iteration count that verified and
/// whether it was the legacy one.
///
/// Cached keys are tried first, for both counts: a token that verified before costs no
/// derivation, whichever count it was sealed with (a key that verifies under one count and not
/// the other cannot be told apart from trying both, since the two keys differ). Keys are then
/// derived for the counts no cached key covered, and a key is cached only once its MAC
/// verified, so a forged token leaves nothing behind.
fn verify_mac(
    keyring: &Keyring,
    index: usize,
    fields: &token::Fields<'_>,
    mac: &[u8; 32],
    options: &IronOptions,
) -> Result<(u32, bool)> {
    let secret = keyring.iron_secret(index, Role::Integrity);
    let salt = fields.hmac_salt;
    let cache = keyring.iron_cache();
    // A raw key does not depend on the iteration count: retrying would only repeat the work.
    let legacy = options
        .legacy_iterations
        .filter(|&legacy| legacy != options.iterations && !secret.is_raw_key());
    let counts = [Some(options.iterations), legacy];
    let mut tried = [false; 2];
    if !secret.is_raw_key() {
        for (slot, iterations) in counts.iter().enumerate() {
            let Some(iterations) = *iterations else {
                continue;
            };
            if let Some(keyed) = cache.get_mac(index, salt, iterations) {
                if crypto::keyed_mac_matches(keyed, fields.mac_base, mac) {
                    return Ok((iterations, slot == 1));
                }
                tried[slot] = true;
            }
        }
    }
    for (slot, iterations) in counts.iter().enumerate() {
        let Some(iterations) = *iterations else {
            continue;
        };
        if tried[slot] {
            continue;
        }
        let Some(key) = crypto::derive(secret, salt, iterations) else {
            continue;
        };
        // Keyed once: the comparison and the cache start from the same state.
        let keyed = crypto::keyed_mac(&key);
        if crypto::keyed_mac_matches(keyed.clone(), fields.mac_base, mac) {
            if !secret.is_raw_key() {
                cache.insert_integrity(index, salt, iterations, &key, &keyed);
            }
            return Ok((iterations, slot == 1));
        }
    }
    Err(fail(
        ErrorCode::BadSeal,
        "bad hmac value: the token was altered or sealed with another password",
    ))
}

/// Decrypts an authenticated token's ciphertext with the encryption key for `iterations`,
/// cached or derived; a derived key is cached once it has decrypted the token.
fn decrypt(
    keyring: &Keyring,
    index: usize,
    fields: &token::Fields<'_>,
    decoded: token::Decoded,
    iterations: u32,
) -> Result<WipedBytes> {
    let secret = keyring.iron_secret(index, Role::Encryption);
    let salt = fields.encryption_salt;
    let cache = keyring.iron_cache();
    if !secret.is_raw_key()
        && let Some(key) = cache.get(index, Role::Encryption, salt, iterations)
    {
        return crypto::decrypt(&key, &decoded.iv, decoded.ciphertext);
    }
    let key = crypto::derive(secret, salt, iterations).ok_or_else(crypto::decryption_failed)?;
    let plaintext = crypto::decrypt(&key, &decoded.iv, decoded.ciphertext)?;
    if !secret.is_raw_key() {
        cache.insert_encryption(index, salt, iterations, &key);
    }
    Ok(plaintext)
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
