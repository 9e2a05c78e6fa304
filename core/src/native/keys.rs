//! Key derivation and the associated-data framing of the native format.

use hkdf::Hkdf;
use sha2::Sha256;
use xaes_256_gcm::Xaes256Gcm;
use xaes_256_gcm::aead::KeyInit;
use zeroize::Zeroizing;

use crate::keyring::KeyEntry;

/// HKDF salt: a fixed domain-separation label, so native keys never equal keys another
/// protocol derives from the same secret.
pub(crate) const HKDF_SALT: &[u8] = b"polyseal/v1 key derivation";
/// First component of every AAD, naming the format and version.
pub(crate) const AAD_LABEL: &[u8] = b"polyseal/v1";
/// First component of the HKDF info, naming the cipher the key is for.
const HKDF_INFO_LABEL: &[u8] = b"xaes-256-gcm";

/// Pre-authentication encoding (PASETO's PAE): the piece count, then each piece prefixed by
/// its length, all lengths as 64-bit little-endian. No two piece lists encode alike.
pub(crate) fn pae(pieces: &[&[u8]]) -> Vec<u8> {
    let mut out = vec![0u8; pae_len(pieces)];
    pae_into(pieces, &mut out);
    out
}

/// Length of [`pae`]'s output for these pieces.
pub(crate) fn pae_len(pieces: &[&[u8]]) -> usize {
    8 + pieces.iter().map(|p| 8 + p.len()).sum::<usize>()
}

/// Writes [`pae`]'s output into `out`, which is exactly [`pae_len`] bytes long.
pub(crate) fn pae_into(pieces: &[&[u8]], out: &mut [u8]) {
    let mut at = 0;
    let mut put = |bytes: &[u8]| {
        out[at..at + bytes.len()].copy_from_slice(bytes);
        at += bytes.len();
    };
    put(&(pieces.len() as u64).to_le_bytes());
    for piece in pieces {
        put(&(piece.len() as u64).to_le_bytes());
        put(piece);
    }
}

/// The 32-byte native key of an entry:
/// `HKDF-SHA256(salt, ikm = PAE(encryption secret, integrity secret), info = PAE("xaes-256-gcm", id))`.
pub(crate) fn derive_key(entry: &KeyEntry) -> Zeroizing<[u8; 32]> {
    let ikm = Zeroizing::new(pae(&[
        entry.encryption().as_bytes(),
        entry.integrity().as_bytes(),
    ]));
    let info = pae(&[HKDF_INFO_LABEL, entry.id().as_bytes()]);
    let mut key = Zeroizing::new([0u8; 32]);
    Hkdf::<Sha256>::new(Some(HKDF_SALT), &ikm)
        .expand(&info, key.as_mut())
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    key
}

/// The ready-to-use cipher for an entry; holds the AES key schedule, wiped on drop.
pub(crate) fn cipher_for(entry: &KeyEntry) -> Xaes256Gcm {
    let key = derive_key(entry);
    Xaes256Gcm::new(&(*key).into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pae_frames_pieces_unambiguously() {
        assert_eq!(pae(&[]), 0u64.to_le_bytes());
        assert_eq!(
            pae(&[b"ab"]),
            [&1u64.to_le_bytes()[..], &2u64.to_le_bytes(), b"ab"].concat()
        );
        assert_ne!(pae(&[b"ab", b"c"]), pae(&[b"a", b"bc"]));
        assert_ne!(pae(&[b"", b"x"]), pae(&[b"x", b""]));
    }
}
