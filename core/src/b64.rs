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
