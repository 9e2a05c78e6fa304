//! Strict base64url without padding, shared by every format.
//!
//! Decoding is canonical: no padding, no whitespace, no characters outside the URL-safe
//! alphabet, and no non-zero trailing bits — so exactly one text decodes to a given byte string
//! and a token cannot be altered without changing its bytes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::{DecodeError, Engine};

use crate::error::{ErrorCode, Result, fail};

/// Encodes bytes as base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Appends the base64url (no padding) of `bytes` to `out`.
pub fn encode_into(bytes: &[u8], out: &mut String) {
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// Decodes canonical unpadded base64url; `what` names the field in the error.
///
/// The error names the problem and its offset but never the offending character: token bytes
/// stay out of messages and logs.
pub fn decode(text: &str, what: &str) -> Result<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).map_err(|e| {
        let problem = match e {
            DecodeError::InvalidByte(offset, b'=') => format!("padding at offset {offset}"),
            DecodeError::InvalidByte(offset, _) => {
                format!("a character outside the alphabet at offset {offset}")
            }
            DecodeError::InvalidLength(length) => format!("an impossible length ({length})"),
            DecodeError::InvalidLastSymbol { offset, .. } => {
                format!("non-zero trailing bits at offset {offset}")
            }
            DecodeError::InvalidPadding => "padding".to_owned(),
        };
        fail(
            ErrorCode::Malformed,
            format!("{what} is not canonical base64url: it has {problem}"),
        )
    })
}

/// Decodes canonical unpadded base64url that should spell exactly `N` bytes, without
/// allocating: `Ok(Err(length))` when it is canonical but spells `length` bytes instead, and the
/// same error as [`decode`] when it is not canonical.
pub fn decode_array<const N: usize>(
    text: &str,
    what: &str,
) -> Result<std::result::Result<[u8; N], usize>> {
    let mut out = [0u8; N];
    // Only a text of this length can spell N bytes; every other text (and every refused one)
    // goes through `decode`, for its error or its length.
    if text.len() == (N * 4).div_ceil(3) && URL_SAFE_NO_PAD.decode_slice(text, &mut out) == Ok(N) {
        return Ok(Ok(out));
    }
    decode(text, what).map(|bytes| Err(bytes.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            assert_eq!(decode(&encode(&bytes), "x").unwrap(), bytes);
        }
    }

    #[test]
    fn arrays_decode_like_vectors() {
        for len in 0..40 {
            let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + 11) as u8).collect();
            let text = encode(&bytes);
            let array = decode_array::<16>(&text, "x").unwrap();
            if len == 16 {
                assert_eq!(array.unwrap().as_slice(), bytes);
            } else {
                assert_eq!(array.unwrap_err(), len);
            }
        }
        for bad in [
            "QR",
            "QQ==",
            "Q",
            "+/",
            "AAAAAAAAAAAAAAAAAAAAAB",
            "AAAAAAAAAAAAAAAAAAAAA=",
        ] {
            let array = decode_array::<16>(bad, "the token").unwrap_err();
            let vector = decode(bad, "the token").unwrap_err();
            assert_eq!(array.message(), vector.message(), "{bad:?}");
        }
    }

    #[test]
    fn rejects_non_canonical_text() {
        // "QQ" is canonical for [0x41]; "QR" has non-zero trailing bits.
        assert_eq!(decode("QQ", "x").unwrap(), b"A");
        for bad in [
            "QR", "QQ==", "QQ=", "Q", "Q Q", "QQ\n", "+/", "ab+c", "ab/c", "é",
        ] {
            let err = decode(bad, "the token").unwrap_err();
            assert_eq!(err.code(), ErrorCode::Malformed, "{bad:?}");
        }
    }
}
