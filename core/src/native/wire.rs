//! The byte layout of a native v1 token, and its strict parser.
//!
//! ```text
//! version(1) = 0x01 | kid_len(1) | kid(kid_len) | iat(8, BE ms) | exp(8, BE ms, 0 = none)
//!   | nonce(24) | ciphertext(n) | tag(16)
//! ```
//! The header is everything before the nonce; it is authenticated as part of the AAD.

use crate::error::{ErrorCode, Result, fail};
use crate::keyring::MAX_KEY_ID_LENGTH;

/// The only version this library writes and reads.
pub const VERSION: u8 = 0x01;
/// XAES-256-GCM nonce length.
pub const NONCE_LEN: usize = 24;
/// AES-GCM tag length.
pub const TAG_LEN: usize = 16;
/// Fixed header bytes besides the key id: version, kid length, iat, exp.
pub const FIXED_HEADER_LEN: usize = 1 + 1 + 8 + 8;
/// The shortest possible token: empty key id and empty ciphertext.
pub const MIN_TOKEN_BYTES: usize = FIXED_HEADER_LEN + NONCE_LEN + TAG_LEN;

/// The authenticated header fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header<'a> {
    /// Id of the key that sealed the token.
    pub key_id: &'a str,
    /// Issued-at, ms since the Unix epoch.
    pub issued_at: u64,
    /// Expiry, ms since the Unix epoch; `None` when the token never expires.
    pub expires_at: Option<u64>,
}

/// A token split into its parts; borrowed from the decoded bytes.
pub struct Parts<'a> {
    /// The parsed header fields.
    pub header: Header<'a>,
    /// The raw header bytes, authenticated through the AAD.
    pub header_bytes: &'a [u8],
    /// The XAES-256-GCM nonce.
    pub nonce: &'a [u8; NONCE_LEN],
    /// The encrypted payload.
    pub ciphertext: &'a [u8],
    /// The authentication tag.
    pub tag: &'a [u8; TAG_LEN],
}

/// Writes the header for `header` followed by `nonce` into a fresh buffer with room for the
/// ciphertext and tag.
pub fn start_token(header: &Header<'_>, nonce: &[u8; NONCE_LEN], plaintext_len: usize) -> Vec<u8> {
    let kid = header.key_id.as_bytes();
    let mut out =
        Vec::with_capacity(FIXED_HEADER_LEN + kid.len() + NONCE_LEN + plaintext_len + TAG_LEN);
    out.push(VERSION);
    out.push(u8::try_from(kid.len()).expect("keyring ids are at most 64 bytes"));
    out.extend_from_slice(kid);
    out.extend_from_slice(&header.issued_at.to_be_bytes());
    out.extend_from_slice(&header.expires_at.unwrap_or(0).to_be_bytes());
    out.extend_from_slice(nonce);
    out
}

/// Length of the header for a key id of `kid_len` bytes.
pub fn header_len(kid_len: usize) -> usize {
    FIXED_HEADER_LEN + kid_len
}

/// Splits decoded token bytes, checking minimum length, version, then the key id field.
pub fn parse(bytes: &[u8]) -> Result<Parts<'_>> {
    if bytes.len() < MIN_TOKEN_BYTES {
        return Err(fail(
            ErrorCode::Malformed,
            format!(
                "the token is {} bytes, at least {MIN_TOKEN_BYTES} are needed",
                bytes.len()
            ),
        ));
    }
    if bytes[0] != VERSION {
        return Err(fail(
            ErrorCode::UnsupportedVersion,
            format!(
                "token version {} is not supported (this library reads version {VERSION})",
                bytes[0]
            ),
        ));
    }
    let kid_len = usize::from(bytes[1]);
    if kid_len > MAX_KEY_ID_LENGTH || bytes.len() < MIN_TOKEN_BYTES + kid_len {
        return Err(fail(
            ErrorCode::Malformed,
            "the token's key id length does not fit the token",
        ));
    }
    let key_id = parse_key_id(&bytes[2..2 + kid_len])?;
    let (header_bytes, rest) = bytes.split_at(header_len(kid_len));
    let times = &header_bytes[2 + kid_len..];
    let issued_at = u64::from_be_bytes(times[..8].try_into().expect("8 bytes"));
    let expiry = u64::from_be_bytes(times[8..].try_into().expect("8 bytes"));
    let (nonce, sealed) = rest.split_at(NONCE_LEN);
    let (ciphertext, tag) = sealed.split_at(sealed.len() - TAG_LEN);
    Ok(Parts {
        header: Header {
            key_id,
            issued_at,
            expires_at: (expiry != 0).then_some(expiry),
        },
        header_bytes,
        nonce: nonce.try_into().expect("24 bytes"),
        ciphertext,
        tag: tag.try_into().expect("16 bytes"),
    })
}

fn parse_key_id(bytes: &[u8]) -> Result<&str> {
    let valid = bytes
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'_');
    if !valid {
        return Err(fail(
            ErrorCode::Malformed,
            "the token's key id has characters outside A-Z a-z 0-9 _",
        ));
    }
    Ok(std::str::from_utf8(bytes).expect("ASCII checked above"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(kid: &str) -> Vec<u8> {
        let header = Header {
            key_id: kid,
            issued_at: 1_764_000_000_000,
            expires_at: Some(1_764_003_600_000),
        };
        let mut bytes = start_token(&header, &[9; NONCE_LEN], 3);
        bytes.extend_from_slice(&[1, 2, 3]);
        bytes.extend_from_slice(&[7; TAG_LEN]);
        bytes
    }

    #[test]
    fn parses_what_it_writes() {
        let bytes = sample("k1");
        let parts = parse(&bytes).unwrap();
        assert_eq!(parts.header.key_id, "k1");
        assert_eq!(parts.header.issued_at, 1_764_000_000_000);
        assert_eq!(parts.header.expires_at, Some(1_764_003_600_000));
        assert_eq!(parts.header_bytes.len(), header_len(2));
        assert_eq!(parts.nonce, &[9; NONCE_LEN]);
        assert_eq!(parts.ciphertext, &[1, 2, 3]);
        assert_eq!(parts.tag, &[7; TAG_LEN]);
    }

    #[test]
    fn rejects_bad_lengths_versions_and_ids() {
        let bytes = sample("k1");
        let code = |b: &[u8]| parse(b).err().map(|e| e.code());
        assert_eq!(
            code(&bytes[..MIN_TOKEN_BYTES - 1]),
            Some(ErrorCode::Malformed)
        );
        let mut v2 = bytes.clone();
        v2[0] = 2;
        assert_eq!(code(&v2), Some(ErrorCode::UnsupportedVersion));
        let mut long_kid = bytes.clone();
        long_kid[1] = 200;
        assert_eq!(code(&long_kid), Some(ErrorCode::Malformed));
        let mut bad_kid = bytes.clone();
        bad_kid[2] = b'-';
        assert_eq!(code(&bad_kid), Some(ErrorCode::Malformed));
        // A key id that eats into the nonce and tag leaves too few bytes.
        let short = sample("");
        let mut claims_kid = short[..MIN_TOKEN_BYTES].to_vec();
        claims_kid[1] = 4;
        assert_eq!(code(&claims_kid), Some(ErrorCode::Malformed));
    }
}
