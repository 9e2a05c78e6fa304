//! The Fe26.2 token text: splitting, field checks and formatting.
//!
//! `Fe26.2*id*encSalt*encIv*ciphertext*expiration*hmacSalt*hmac` — eight `*`-separated fields.
//! Parsing is split in the stages iron uses, so errors come out in iron's order.

use crate::b64;
use crate::error::{ErrorCode, Result, fail};
use crate::scan::{next_refused, split_ascii};

/// The only prefix (format version) read and written.
pub(crate) const PREFIX: &str = "Fe26.2";
/// The suffix iron-session 8 appends to every token.
pub(crate) const IRON_SESSION_SUFFIX: &str = "~2";

const FIELDS: usize = 8;
const IV_BYTES: usize = 16;
const MAC_BYTES: usize = 32;
const BLOCK_BYTES: usize = 16;

/// The fields of a token, borrowed from its text.
#[derive(Debug)]
pub(crate) struct Fields<'a> {
    /// The first six fields as they appear in the token: the MAC input.
    pub mac_base: &'a str,
    pub id: &'a str,
    pub encryption_salt: &'a str,
    pub iv: &'a str,
    pub ciphertext: &'a str,
    pub expiration: &'a str,
    pub hmac_salt: &'a str,
    pub hmac: &'a str,
}

/// The binary fields, decoded only once the cheap checks have passed.
pub(crate) struct Decoded {
    pub iv: [u8; IV_BYTES],
    pub ciphertext: Vec<u8>,
    pub mac: [u8; MAC_BYTES],
}

/// Drops iron-session's `~<version>` suffix: like iron-session 9, everything from the first
/// `~` is ignored (it sits outside the MAC, so it cannot be trusted anyway).
pub(crate) fn strip_version_suffix(token: &str) -> &str {
    next_refused(token.as_bytes(), 0, |byte| byte != b'~').map_or(token, |at| &token[..at])
}

/// Splits a token into its eight fields and checks the prefix (iron's first two checks).
pub(crate) fn split(token: &str) -> Result<Fields<'_>> {
    let (parts, count) = cut(token);
    if count != FIELDS {
        return Err(fail(
            ErrorCode::Malformed,
            format!("incorrect number of sealed components: {count} instead of {FIELDS}"),
        ));
    }
    check_prefix(parts[0])?;
    let mac_base_len = parts[..6].iter().map(|p| p.len()).sum::<usize>() + 5;
    Ok(Fields {
        mac_base: &token[..mac_base_len],
        id: parts[1],
        encryption_salt: parts[2],
        iv: parts[3],
        ciphertext: parts[4],
        expiration: parts[5],
        hmac_salt: parts[6],
        hmac: parts[7],
    })
}

/// The first [`FIELDS`] parts of `token.split('*')`, and how many parts there are.
fn cut(token: &str) -> ([&str; FIELDS], usize) {
    let mut parts = [""; FIELDS];
    let mut count = 0;
    for part in split_ascii(token, b'*') {
        if let Some(slot) = parts.get_mut(count) {
            *slot = part;
        }
        count += 1;
    }
    (parts, count)
}

/// `Fe26.<n>` with another `n` is a version we do not read; anything else is not Fe26 at all.
fn check_prefix(prefix: &str) -> Result<()> {
    if prefix == PREFIX {
        return Ok(());
    }
    let other_version = prefix
        .strip_prefix("Fe26.")
        .is_some_and(|v| !v.is_empty() && v.len() <= 8 && v.bytes().all(|b| b.is_ascii_digit()));
    if other_version {
        return Err(fail(
            ErrorCode::UnsupportedVersion,
            format!("wrong mac prefix: {prefix} tokens are not supported, only {PREFIX}"),
        ));
    }
    Err(fail(
        ErrorCode::Malformed,
        format!("wrong mac prefix: the token does not start with {PREFIX}"),
    ))
}

/// The expiration field: `""` (none) or decimal milliseconds (`^\d+$`, as iron checks).
///
/// Values beyond `u64` saturate: JavaScript reads them as huge floats, i.e. far in the future.
pub(crate) fn expiration(field: &str) -> Result<Option<u64>> {
    if field.is_empty() {
        return Ok(None);
    }
    if !field.bytes().all(|b| b.is_ascii_digit()) {
        return Err(fail(
            ErrorCode::Malformed,
            "invalid expiration: not a decimal number of milliseconds",
        ));
    }
    Ok(Some(field.parse::<u64>().unwrap_or(u64::MAX)))
}

/// Decodes the IV, ciphertext and MAC fields, insisting on canonical base64url and the sizes
/// AES-256-CBC and HMAC-SHA256 produce. No key is derived for a token that fails here.
pub(crate) fn decode(fields: &Fields<'_>) -> Result<Decoded> {
    let iv = b64::decode_array::<IV_BYTES>(fields.iv, "the Fe26.2 IV")?.map_err(|length| {
        fail(
            ErrorCode::Malformed,
            format!("the Fe26.2 IV is {length} bytes, expected {IV_BYTES}"),
        )
    })?;
    let ciphertext = b64::decode(fields.ciphertext, "the Fe26.2 ciphertext")?;
    if ciphertext.is_empty() || !ciphertext.len().is_multiple_of(BLOCK_BYTES) {
        return Err(fail(
            ErrorCode::Malformed,
            format!(
                "the Fe26.2 ciphertext is {} bytes, not a positive multiple of {BLOCK_BYTES}",
                ciphertext.len()
            ),
        ));
    }
    let mac =
        b64::decode_array::<MAC_BYTES>(fields.hmac, "the Fe26.2 HMAC")?.map_err(|length| {
            fail(
                ErrorCode::Malformed,
                format!("the Fe26.2 HMAC is {length} bytes, expected {MAC_BYTES}"),
            )
        })?;
    Ok(Decoded {
        iv,
        ciphertext,
        mac,
    })
}

/// The MAC input of a new token, `Fe26.2*id*encSalt*iv*ciphertext*expiration`, as ASCII bytes
/// with room for what [`finish`] appends to it: `hmac_salt` and `suffix` are those it will be
/// given. The token is written into this one buffer, which never grows.
pub(crate) fn mac_base(
    id: &str,
    encryption_salt: &str,
    iv: &[u8],
    ciphertext: &[u8],
    expiration: Option<u64>,
    hmac_salt: &str,
    suffix: &str,
) -> Vec<u8> {
    const MAX_DIGITS: usize = 20;
    let capacity = PREFIX.len()
        + FIELDS
        + id.len()
        + encryption_salt.len()
        + b64::encoded_len(iv.len())
        + b64::encoded_len(ciphertext.len())
        + MAX_DIGITS
        + hmac_salt.len()
        + b64::encoded_len(MAC_BYTES)
        + suffix.len();
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(PREFIX.as_bytes());
    out.push(b'*');
    out.extend_from_slice(id.as_bytes());
    out.push(b'*');
    out.extend_from_slice(encryption_salt.as_bytes());
    out.push(b'*');
    b64::encode_into_bytes(iv, &mut out);
    out.push(b'*');
    b64::encode_into_bytes(ciphertext, &mut out);
    out.push(b'*');
    if let Some(expiration) = expiration {
        use std::io::Write;
        write!(out, "{expiration}").expect("writing to a Vec cannot fail");
    }
    out
}

/// Completes a token: `macBase*hmacSalt*hmac` and the version suffix (`""` for none).
pub(crate) fn finish(mut mac_base: Vec<u8>, hmac_salt: &str, mac: &[u8], suffix: &str) -> String {
    mac_base.push(b'*');
    mac_base.extend_from_slice(hmac_salt.as_bytes());
    mac_base.push(b'*');
    b64::encode_into_bytes(mac, &mut mac_base);
    mac_base.extend_from_slice(suffix.as_bytes());
    String::from_utf8(mac_base).expect("every piece of a token is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_cut_where_str_split_cuts_them() {
        let pieces = ["", "*", "**", "Fe26.2", "é~", "0123456789abcdef0123", "x*y"];
        for text in &crate::scan::joined(&pieces, 4) {
            let expected: Vec<&str> = text.split('*').collect();
            let (parts, count) = cut(text);
            assert_eq!(count, expected.len(), "{text:?}");
            let kept = count.min(FIELDS);
            assert_eq!(parts[..kept], expected[..kept], "{text:?}");
            let body = text.split_once('~').map_or(text.as_str(), |(body, _)| body);
            assert_eq!(strip_version_suffix(text), body, "{text:?}");
        }
    }
}
