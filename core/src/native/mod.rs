//! The native v1 format: XAES-256-GCM with an authenticated header.
//!
//! `docs/FORMAT.md` is the specification. In short: the token is base64url (no padding) of
//! `version | kid_len | kid | iat | exp | nonce(24) | ciphertext | tag(16)`; the AAD is
//! `PAE("polyseal/v1", header, cookie name, context)`; each keyring entry's key is derived once
//! with HKDF-SHA256. Unsealing checks, in order: length cap, strict base64url, minimum length,
//! version, key id (unknown ids fail closed: no other key is tried), AEAD, then time, then JSON
//! — so "expired" is only ever said of an authentic token.

pub(crate) mod keys;
pub mod wire;

use std::ops::Range;

use serde_json::Value;
use xaes_256_gcm::aead::AeadInOut;
use xaes_256_gcm::{Nonce, Tag};

use crate::b64;
use crate::error::{ErrorCode, Result, fail};
use crate::json::{self, JsonLimits, JsonText};
use crate::keyring::Keyring;
use crate::rng;
use crate::wiped::WipedBytes;
use wire::{Header, NONCE_LEN, TAG_LEN};

/// Default tolerance for tokens issued in the future (clock skew between servers), in ms.
pub const DEFAULT_SKEW_MS: u64 = 60_000;
/// Default longest token accepted, in characters, checked before any decoding.
pub const DEFAULT_MAX_TOKEN_CHARS: usize = 96 * 1024;

/// Options for sealing and unsealing native tokens. The same options must be used on both
/// sides for `cookie_name` and `context`, which are bound into the AAD.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NativeOptions {
    /// The cookie name the token is bound to (`""` binds it to no name).
    pub cookie_name: String,
    /// Extra caller context bound into the AAD and never stored in the token.
    pub context: Vec<u8>,
    /// Lifetime of a new token in ms; `None` seals a token that never expires.
    pub ttl_ms: Option<u64>,
    /// How far in the future a token's issued-at may be before it is rejected.
    pub skew_ms: u64,
    /// Grace period after expiry during which a token is still accepted.
    pub leeway_ms: u64,
    /// Longest token accepted, in characters.
    pub max_token_chars: usize,
    /// Size and depth limits of the payload.
    pub json: JsonLimits,
}

impl Default for NativeOptions {
    fn default() -> Self {
        NativeOptions {
            cookie_name: String::new(),
            context: Vec::new(),
            ttl_ms: None,
            skew_ms: DEFAULT_SKEW_MS,
            leeway_ms: 0,
            max_token_chars: DEFAULT_MAX_TOKEN_CHARS,
            json: JsonLimits::default(),
        }
    }
}

impl NativeOptions {
    /// Options bound to a cookie name, with every other setting at its default.
    pub fn for_cookie(cookie_name: &str) -> Self {
        NativeOptions {
            cookie_name: cookie_name.to_owned(),
            ..NativeOptions::default()
        }
    }
}

/// What an authentic, current token holds.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsealed {
    /// The payload.
    pub value: Value,
    /// Id of the key that sealed the token.
    pub key_id: String,
    /// Issued-at, ms since the Unix epoch.
    pub issued_at: u64,
    /// Expiry, ms since the Unix epoch, if any.
    pub expires_at: Option<u64>,
    /// True when the token was sealed with a key other than the keyring's current one: reseal
    /// it (with [`reseal_at`]) to move it to the current key.
    pub needs_reseal: bool,
}

/// Seals `value` with the keyring's current key, issued at `now_ms`.
pub fn seal_at(
    value: &Value,
    keyring: &Keyring,
    options: &NativeOptions,
    now_ms: u64,
) -> Result<String> {
    let expires_at = expiry_for(now_ms, options.ttl_ms)?;
    // The JSON is written straight into the token buffer, where it is encrypted in place; the
    // depth limit is checked as it is written.
    seal_with(
        keyring,
        options,
        now_ms,
        expires_at,
        SMALL_PAYLOAD_BYTES,
        |out| json::write_js_within(value, options.json.max_depth, out),
    )
}

/// Seals `value` with explicit issued-at and expiry (the session layer computes an expiry from
/// absolute and idle limits); `options.ttl_ms` is not used.
pub fn seal_with_times(
    value: &Value,
    keyring: &Keyring,
    options: &NativeOptions,
    issued_at: u64,
    expires_at: Option<u64>,
) -> Result<String> {
    if expires_at == Some(0) {
        return Err(fail(
            ErrorCode::InvalidOption,
            "an expiry of 0 is reserved for tokens that never expire",
        ));
    }
    seal_json_with_times(
        &json::to_js_string_within(value, options.json.max_depth)?,
        keyring,
        options,
        issued_at,
        expires_at,
    )
}

/// Seals JSON text exactly as given (after checking it parses within the limits).
pub fn seal_json_at(
    json_text: &str,
    keyring: &Keyring,
    options: &NativeOptions,
    now_ms: u64,
) -> Result<String> {
    json::validate_str(json_text, options.json)?;
    let expires_at = expiry_for(now_ms, options.ttl_ms)?;
    seal_json_with_times(json_text, keyring, options, now_ms, expires_at)
}

/// Seals JSON text core wrote ([`JsonText`]) with the keyring's current key, issued at
/// `now_ms`: as [`seal_at`] seals the value the text was written from. The text is not parsed
/// again unless it was written within a deeper nesting limit than `options` allow.
pub fn seal_text_at(
    text: &JsonText,
    keyring: &Keyring,
    options: &NativeOptions,
    now_ms: u64,
) -> Result<String> {
    if !text.written_within(options.json) {
        return seal_json_at(text.as_str(), keyring, options, now_ms);
    }
    let expires_at = expiry_for(now_ms, options.ttl_ms)?;
    seal_json_with_times(text.as_str(), keyring, options, now_ms, expires_at)
}

/// Unseals and verifies a token at time `now_ms`.
pub fn unseal_at(
    token: &str,
    keyring: &Keyring,
    options: &NativeOptions,
    now_ms: u64,
) -> Result<Unsealed> {
    let opened = open(token, keyring, options, now_ms)?;
    let value = json::parse(opened.plaintext(), options.json)?;
    Ok(Unsealed {
        value,
        needs_reseal: !keyring.is_current(opened.key_index),
        key_id: opened.key_id,
        issued_at: opened.issued_at,
        expires_at: opened.expires_at,
    })
}

/// Unseals and verifies a token at time `now_ms`, returning its payload as the JSON text it was
/// sealed as (checked to be JSON within the limits, exactly as [`unseal_at`] checks it) with
/// the token's metadata in an [`Unsealed`] whose `value` is `Null`.
pub(crate) fn unseal_text_at(
    token: &str,
    keyring: &Keyring,
    options: &NativeOptions,
    now_ms: u64,
) -> Result<(String, Unsealed)> {
    let opened = open(token, keyring, options, now_ms)?;
    let text = json::validated_text(opened.plaintext(), options.json)?;
    Ok((
        text,
        Unsealed {
            value: Value::Null,
            needs_reseal: !keyring.is_current(opened.key_index),
            key_id: opened.key_id,
            issued_at: opened.issued_at,
            expires_at: opened.expires_at,
        },
    ))
}

/// Verifies a token and seals its payload again under the keyring's current key, keeping its
/// issued-at and expiry (so rotation never extends a session).
pub fn reseal_at(
    token: &str,
    keyring: &Keyring,
    options: &NativeOptions,
    now_ms: u64,
) -> Result<String> {
    let opened = open(token, keyring, options, now_ms)?;
    let text = std::str::from_utf8(opened.plaintext())
        .map_err(|_| fail(ErrorCode::InvalidJson, "the payload is not UTF-8"))?;
    json::validate_str(text, options.json)?;
    seal_json_with_times(text, keyring, options, opened.issued_at, opened.expires_at)
}

/// Test hook: seals arbitrary bytes (even invalid JSON) so vectors can cover payload errors.
#[cfg(feature = "test-hooks")]
pub fn seal_bytes_at(
    payload: &[u8],
    keyring: &Keyring,
    options: &NativeOptions,
    now_ms: u64,
) -> Result<String> {
    let expires_at = expiry_for(now_ms, options.ttl_ms)?;
    seal_payload(payload, keyring, options, now_ms, expires_at)
}

/// Seals with the current clock. See [`seal_at`].
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn seal(value: &Value, keyring: &Keyring, options: &NativeOptions) -> Result<String> {
    seal_at(value, keyring, options, crate::clock::now_ms())
}

/// Unseals with the current clock. See [`unseal_at`].
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn unseal(token: &str, keyring: &Keyring, options: &NativeOptions) -> Result<Unsealed> {
    unseal_at(token, keyring, options, crate::clock::now_ms())
}

fn expiry_for(now_ms: u64, ttl_ms: Option<u64>) -> Result<Option<u64>> {
    match ttl_ms {
        None => Ok(None),
        Some(0) => Err(fail(
            ErrorCode::InvalidOption,
            "ttl must be positive; omit it for a token that never expires",
        )),
        Some(ttl) => now_ms.checked_add(ttl).map(Some).ok_or_else(|| {
            fail(
                ErrorCode::InvalidOption,
                "ttl overflows the expiry timestamp",
            )
        }),
    }
}

fn seal_json_with_times(
    json_text: &str,
    keyring: &Keyring,
    options: &NativeOptions,
    issued_at: u64,
    expires_at: Option<u64>,
) -> Result<String> {
    seal_payload(
        json_text.as_bytes(),
        keyring,
        options,
        issued_at,
        expires_at,
    )
}

fn seal_payload(
    payload: &[u8],
    keyring: &Keyring,
    options: &NativeOptions,
    issued_at: u64,
    expires_at: Option<u64>,
) -> Result<String> {
    seal_with(
        keyring,
        options,
        issued_at,
        expires_at,
        payload.len(),
        |out| {
            out.extend_from_slice(payload);
            Ok(())
        },
    )
}

/// Room reserved for a payload whose length is not known before it is serialized: typical
/// sessions fit, larger ones grow the buffer as a `Vec` does.
const SMALL_PAYLOAD_BYTES: usize = 256;

/// Builds a token whose plaintext `write_payload` appends to the buffer after the header and
/// nonce; `payload_hint` sizes the buffer.
fn seal_with(
    keyring: &Keyring,
    options: &NativeOptions,
    issued_at: u64,
    expires_at: Option<u64>,
    payload_hint: usize,
    write_payload: impl FnOnce(&mut Vec<u8>) -> Result<()>,
) -> Result<String> {
    let header = Header {
        key_id: keyring.current().id(),
        issued_at,
        expires_at,
    };
    let nonce: [u8; NONCE_LEN] = rng::array()?;
    let mut bytes = wire::start_token(&header, &nonce, payload_hint);
    let header_len = wire::header_len(header.key_id.len());
    let aad = associated_data(&bytes[..header_len], options);
    let body_start = bytes.len();
    write_payload(&mut bytes)?;
    // The unseal side enforces this limit, so never seal what could not be opened.
    json::check_size(bytes.len() - body_start, options.json)?;
    let tag = keyring
        .current_native_cipher()
        .encrypt_inout_detached(&Nonce::from(nonce), &aad, (&mut bytes[body_start..]).into())
        .map_err(|_| fail(ErrorCode::TooLarge, "the payload is too large to encrypt"))?;
    bytes.extend_from_slice(&tag);
    let token = b64::encode(&bytes);
    check_token_length(&token, options)?;
    Ok(token)
}

struct Opened {
    key_id: String,
    /// Position of the key in the keyring.
    key_index: usize,
    issued_at: u64,
    expires_at: Option<u64>,
    /// The decoded token, its ciphertext decrypted in place; wiped when dropped (the parsed
    /// value is the caller's).
    bytes: WipedBytes,
    /// Where the plaintext lies in `bytes`.
    payload: Range<usize>,
}

impl Opened {
    fn plaintext(&self) -> &[u8] {
        &self.bytes[self.payload.clone()]
    }
}

fn open(token: &str, keyring: &Keyring, options: &NativeOptions, now_ms: u64) -> Result<Opened> {
    check_token_length(token, options)?;
    let mut bytes = WipedBytes::new(b64::decode(token, "the token")?);
    let parts = wire::parse(&bytes)?;
    let key_index = keyring.position(parts.header.key_id).ok_or_else(|| {
        fail(
            ErrorCode::UnknownKey,
            format!("no key with id {:?} in the keyring", parts.header.key_id),
        )
    })?;
    let cipher = keyring.native_cipher(key_index);
    let aad = associated_data(parts.header_bytes, options);
    let nonce = Nonce::from(*parts.nonce);
    let tag = Tag::from(*parts.tag);
    let key_id = parts.header.key_id.to_owned();
    let (issued_at, expires_at) = (parts.header.issued_at, parts.header.expires_at);
    // The ciphertext is decrypted where it lies in the decoded token: no copy, no allocation.
    let payload = parts.header_bytes.len() + NONCE_LEN..bytes.len() - TAG_LEN;
    cipher
        .decrypt_inout_detached(&nonce, &aad, (&mut bytes[payload.clone()]).into(), &tag)
        .map_err(|_| {
            fail(
                ErrorCode::BadSeal,
                "the token failed authentication (tampered, wrong key, cookie name or context)",
            )
        })?;
    let header = Header {
        key_id: &key_id,
        issued_at,
        expires_at,
    };
    check_times(&header, options, now_ms)?;
    Ok(Opened {
        key_id,
        key_index,
        issued_at,
        expires_at,
        bytes,
        payload,
    })
}

fn check_token_length(token: &str, options: &NativeOptions) -> Result<()> {
    if token.len() > options.max_token_chars {
        return Err(fail(
            ErrorCode::TooLarge,
            format!(
                "the token is {} characters, the limit is {}",
                token.len(),
                options.max_token_chars
            ),
        ));
    }
    Ok(())
}

/// Expired iff `now >= exp + leeway`; not yet valid iff `iat > now + skew`.
fn check_times(header: &Header<'_>, options: &NativeOptions, now_ms: u64) -> Result<()> {
    if let Some(expires_at) = header.expires_at
        && now_ms >= expires_at.saturating_add(options.leeway_ms)
    {
        return Err(fail(
            ErrorCode::Expired,
            format!(
                "the token expired {} ms ago",
                now_ms - expires_at.min(now_ms)
            ),
        ));
    }
    if header.issued_at > now_ms.saturating_add(options.skew_ms) {
        return Err(fail(
            ErrorCode::NotYetValid,
            format!(
                "the token was issued {} ms in the future (allowed skew {} ms)",
                header.issued_at - now_ms,
                options.skew_ms
            ),
        ));
    }
    Ok(())
}

/// Associated data that fits this many bytes stays on the stack (every token whose cookie name
/// and context are short), saving an allocation per seal and unseal.
const INLINE_AAD_BYTES: usize = 256;

/// A token's associated data: `PAE("polyseal/v1", header, cookie name, context)`, in `inline`
/// when it fits, else in `heap` (never empty then: a PAE is at least 8 bytes).
struct Aad {
    inline: [u8; INLINE_AAD_BYTES],
    length: usize,
    heap: Vec<u8>,
}

impl std::ops::Deref for Aad {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        if self.heap.is_empty() {
            &self.inline[..self.length]
        } else {
            &self.heap
        }
    }
}

fn associated_data(header_bytes: &[u8], options: &NativeOptions) -> Aad {
    let pieces = [
        keys::AAD_LABEL,
        header_bytes,
        options.cookie_name.as_bytes(),
        &options.context,
    ];
    let length = keys::pae_len(&pieces);
    let mut aad = Aad {
        inline: [0u8; INLINE_AAD_BYTES],
        length,
        heap: Vec::new(),
    };
    if length > INLINE_AAD_BYTES {
        aad.heap = keys::pae(&pieces);
    } else {
        keys::pae_into(&pieces, &mut aad.inline[..length]);
    }
    aad
}

/// Bytes a token adds to its payload besides the key id, before base64url (for size budgets).
pub const OVERHEAD_BYTES: usize = wire::FIXED_HEADER_LEN + NONCE_LEN + TAG_LEN;

#[cfg(test)]
mod tests;
