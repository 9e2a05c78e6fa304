//! Strict base64url without padding, shared by every format.
//!
//! Decoding is canonical: no padding, no whitespace, no characters outside the URL-safe
//! alphabet, and no non-zero trailing bits — so exactly one text decodes to a given byte string
//! and a token cannot be altered without changing its bytes.
//!
//! Encoding uses the `base64` crate's SIMD engine, which picks AVX2 or NEON when the processor
//! has it and finishes with the scalar code: a 144-byte ciphertext encodes in two thirds of the
//! scalar engine's time, a 2 KB one in under half (the tests hold the two to the same text).
//! Decoding uses the quick decoder below for texts under [`SIMD_DECODE_FROM`] characters and
//! the SIMD engine for longer ones and for anything the quick decoder does not judge. Taking
//! every text, the SIMD engine made an Fe26.2 unseal of payload A slower (1.10 to 1.16 µs,
//! fastest of six `load profile` runs), its 22- and 43-character IV and MAC most of all; on a
//! 2 KB ciphertext it takes a quarter of the quick decoder's time.

use base64::{DecodeError, Engine};

use crate::error::{ErrorCode, Result, fail};

#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
fn engine() -> &'static impl Engine {
    use base64::engine::general_purpose::NO_PAD;
    use base64::engine::simd::Simd;
    use std::sync::LazyLock;
    // The instruction set is detected once.
    static ENGINE: LazyLock<Simd> = LazyLock::new(|| Simd::url_safe(NO_PAD));
    &*ENGINE
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn engine() -> &'static impl Engine {
    &base64::engine::general_purpose::URL_SAFE_NO_PAD
}

/// Encodes bytes as base64url without padding.
pub fn encode(bytes: &[u8]) -> String {
    engine().encode(bytes)
}

/// Appends the base64url (no padding) of `bytes` to `out`, text built as bytes: no staging
/// buffer to clear and no UTF-8 check per piece, as appending to a `String` would take.
pub(crate) fn encode_into_bytes(bytes: &[u8], out: &mut Vec<u8>) {
    let start = out.len();
    out.resize(start + encoded_len(bytes.len()), 0);
    let written = engine()
        .encode_slice(bytes, &mut out[start..])
        .expect("the buffer was sized for the encoding");
    debug_assert_eq!(start + written, out.len());
}

/// Length of the unpadded base64url of `bytes` bytes.
pub(crate) fn encoded_len(bytes: usize) -> usize {
    base64::encoded_len(bytes, false).expect("a length in memory has an encoding that fits")
}

/// Decodes canonical unpadded base64url; `what` names the field in the error.
///
/// The error names the problem and its offset but never the offending character: token bytes
/// stay out of messages and logs.
pub fn decode(text: &str, what: &str) -> Result<Vec<u8>> {
    if text.len() < SIMD_DECODE_FROM
        && let Some(bytes) = decode_quick(text.as_bytes())
    {
        return Ok(bytes);
    }
    engine().decode(text).map_err(|e| {
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

/// Texts this long and longer skip the quick decoder: a native token of payload A has 260
/// characters, an Fe26.2 ciphertext of it 192; payload B's are over 2,600.
const SIMD_DECODE_FROM: usize = 512;

/// What each byte spells in base64url, already shifted to its place among the 24 bits of a
/// group of four characters (`PLACES[i]` for the `i`th), or [`NOT_BASE64`] for bytes outside
/// the alphabet: a group is the OR of four lookups, and one more OR tells whether every byte
/// was in the alphabet. 4 KB of tables, where the `base64` crate keeps 256 bytes.
const PLACES: [[u32; 256]; 4] = {
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut places = [[NOT_BASE64; 256]; 4];
    let mut place = 0;
    while place < 4 {
        let mut value = 0;
        while value < alphabet.len() {
            places[place][alphabet[value] as usize] = (value as u32) << (18 - 6 * place);
            value += 1;
        }
        place += 1;
    }
    places
};
const NOT_BASE64: u32 = 1 << 31;

/// The common case of [`decode`]: canonical text, decoded with no branch per character (a
/// 260-character native token: 1,542 instructions, allocation included, against the `base64`
/// crate's 2,357). `None` means "not judged": the text goes to the `base64` crate, whose
/// verdict and error stand, so this may only accept canonical text and must decode it exactly
/// as the crate does (the tests compare the two on every short text of a mixed alphabet).
fn decode_quick(text: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; quick_len(text)?];
    decode_quick_into(text, &mut out).then_some(out)
}

/// How many bytes `text` spells if it is canonical; None for a lone last character, which
/// cannot spell a byte.
fn quick_len(text: &[u8]) -> Option<usize> {
    let tail = text.len() % 4;
    (tail != 1).then(|| text.len() / 4 * 3 + tail.saturating_sub(1))
}

/// [`decode_quick`] into `out`, which is [`quick_len`] bytes long; false when not judged.
fn decode_quick_into(text: &[u8], out: &mut [u8]) -> bool {
    let (quads, tail) = text.as_chunks::<4>();
    debug_assert_eq!(Some(out.len()), quick_len(text));
    let (whole, rest) = out.split_at_mut(quads.len() * 3);
    let group = |chars: &[u8]| {
        chars
            .iter()
            .zip(&PLACES)
            .fold(0, |bits, (&c, place)| bits | place[usize::from(c)])
    };
    let mut seen = 0;
    for (quad, bytes) in quads.iter().zip(whole.as_chunks_mut::<3>().0) {
        let bits = group(quad);
        seen |= bits;
        bytes.copy_from_slice(&bits.to_be_bytes()[1..]);
    }
    // 2 characters spell 1 byte and 4 bits that must be zero, 3 spell 2 bytes and 2 zero bits.
    let bits = group(tail);
    let used_bits = 8 * rest.len() as u32;
    if (seen | bits) & NOT_BASE64 != 0 || bits << used_bits & 0x00ff_ffff != 0 {
        return false;
    }
    rest.copy_from_slice(&bits.to_be_bytes()[1..][..rest.len()]);
    true
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
    if quick_len(text.as_bytes()) == Some(N) && decode_quick_into(text.as_bytes(), &mut out) {
        return Ok(Ok(out));
    }
    decode(text, what).map(|bytes| Err(bytes.len()))
}

#[cfg(test)]
mod tests {
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;

    use super::*;

    #[test]
    fn the_encoder_writes_what_the_scalar_engine_writes() {
        for length in 0..300 {
            let bytes: Vec<u8> = (0..length).map(|i| (i * 89 + 7) as u8).collect();
            assert_eq!(
                encode(&bytes),
                URL_SAFE_NO_PAD.encode(&bytes),
                "{length} bytes"
            );
            let mut out = b"prefix".to_vec();
            encode_into_bytes(&bytes, &mut out);
            assert_eq!(out, [&b"prefix"[..], encode(&bytes).as_bytes()].concat());
        }
    }

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
        // Every byte in every place of a text of the one length that can spell 16 bytes.
        let good = encode(&[0xa5; 16]).into_bytes();
        for place in 0..good.len() {
            for byte in 0..=255 {
                let mut text = good.clone();
                text[place] = byte;
                let Ok(text) = String::from_utf8(text) else {
                    continue;
                };
                let mut expected = [0u8; 16];
                let crate_says = URL_SAFE_NO_PAD.decode_slice(&text, &mut expected);
                match decode_array::<16>(&text, "x") {
                    Ok(Ok(array)) => assert_eq!((crate_says, array), (Ok(16), expected)),
                    _ => assert!(crate_says.is_err(), "{text:?}"),
                }
            }
        }
    }

    /// The quick decoder judges exactly the canonical texts, and decodes them as the crate does.
    fn check_quick(text: &[u8]) {
        assert_eq!(
            decode_quick(text),
            URL_SAFE_NO_PAD.decode(text).ok(),
            "{:?}",
            String::from_utf8_lossy(text)
        );
    }

    /// The engine gives the scalar engine's bytes, or its error at the same offset.
    fn check_engine(text: &[u8]) {
        type Slice = std::result::Result<usize, base64::DecodeSliceError>;
        let decode = |engine: &dyn Fn(&[u8], &mut [u8]) -> Slice| {
            let mut out = vec![0u8; text.len()];
            engine(text, &mut out).map(|written| out[..written].to_vec())
        };
        assert_eq!(
            decode(&|text, out| engine().decode_slice(text, out)),
            decode(&|text, out| URL_SAFE_NO_PAD.decode_slice(text, out)),
            "{:?}",
            String::from_utf8_lossy(text)
        );
    }

    /// Both decoders against the scalar engine: the quick decoder judges exactly the canonical
    /// texts and decodes them alike, the SIMD engine gives the same bytes or the same error.
    #[test]
    fn decoders_agree_with_the_scalar_engine() {
        let check = |text: &[u8]| {
            check_quick(text);
            check_engine(text);
        };
        let pieces = ["A", "Q", "w", "_", "-", "9", "=", "+", "/", " ", "é", "\0"];
        for text in crate::scan::joined(&pieces, 5) {
            check(text.as_bytes());
        }
        // Every byte in every place of texts of 1 to 4 characters after none, after a whole
        // group, and after 96 characters (the SIMD engine's vector code runs on long texts only).
        let long = encode(&(0..72u8).map(|i| i.wrapping_mul(89)).collect::<Vec<_>>()).into_bytes();
        for prefix in [&b""[..], b"AbC_", &long[..]] {
            for length in 1..=4 {
                for place in 0..prefix.len() + length {
                    for byte in 0..=255 {
                        let mut text = [prefix, &b"-w8Q"[..length]].concat();
                        text[place] = byte;
                        check(&text);
                    }
                }
            }
        }
        for length in 0..700 {
            let bytes: Vec<u8> = (0..length).map(|i| (i * 89 + 7) as u8).collect();
            let text = encode(&bytes);
            check(text.as_bytes());
            assert_eq!(decode(&text, "x").unwrap(), bytes, "{length} bytes");
        }
    }

    #[test]
    fn long_texts_are_refused_as_short_ones_are() {
        let long = encode(&[0x5a; 601]);
        assert!(long.len() >= SIMD_DECODE_FROM);
        for (at, byte) in [(0, b'='), (300, b'+'), (long.len() - 1, b'B'), (799, b' ')] {
            let mut text = long.clone().into_bytes();
            text[at] = byte;
            let text = String::from_utf8(text).unwrap();
            let ours = decode(&text, "the token").unwrap_err();
            assert_eq!(ours.code(), ErrorCode::Malformed, "{at}");
            let scalar = URL_SAFE_NO_PAD.decode(&text).unwrap_err();
            assert!(
                ours.message().contains(&format!("offset {at}")),
                "{at}: {scalar:?}"
            );
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
