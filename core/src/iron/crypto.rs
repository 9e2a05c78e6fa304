//! Fe26.2 keys, cipher and MAC: PBKDF2-HMAC-SHA1 over the salt text, AES-256-CBC with
//! PKCS#7, HMAC-SHA256.

use aes::Aes256;
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::error::{ErrorCode, Result, fail};
use crate::keyring::Secret;

/// A derived (or raw) 32-byte key, wiped when dropped.
pub(crate) type Key = Zeroizing<[u8; 32]>;

/// The key a secret yields for one salt: PBKDF2 for a password, the key itself for a raw key.
///
/// iron feeds the salt *text* (normally hex) to PBKDF2, not the bytes it spells. A raw key
/// ignores the salt. A password with an empty salt yields `None`: iron would draw a fresh random
/// salt there, so no such token can ever verify and there is nothing worth deriving.
pub(crate) fn derive(secret: &Secret, salt: &str, iterations: u32) -> Option<Key> {
    let mut key = Zeroizing::new([0u8; 32]);
    match secret {
        Secret::Key(raw) => key.copy_from_slice(raw),
        Secret::Password(_) if salt.is_empty() => return None,
        Secret::Password(password) => {
            #[cfg(test)]
            count_derivation(iterations);
            pbkdf2::pbkdf2_hmac::<sha1::Sha1>(
                password.as_bytes(),
                salt.as_bytes(),
                iterations,
                &mut key[..],
            )
        }
    }
    Some(key)
}

#[cfg(test)]
thread_local! {
    /// PBKDF2 runs on this thread, so tests can pin the cost of rejecting a token.
    pub(crate) static DERIVATIONS: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    /// Total PBKDF2 iterations run on this thread.
    pub(crate) static ITERATIONS: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

#[cfg(test)]
fn count_derivation(iterations: u32) {
    DERIVATIONS.set(DERIVATIONS.get() + 1);
    ITERATIONS.set(ITERATIONS.get() + u64::from(iterations));
}

/// HMAC-SHA256 of the MAC base.
pub(crate) fn mac(key: &Key, mac_base: &str) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(&key[..]).expect("HMAC takes keys of any length");
    mac.update(mac_base.as_bytes());
    mac.finalize().into_bytes().into()
}

/// Whether `expected` is the HMAC of `mac_base` under `key`, compared in constant time.
pub(crate) fn mac_matches(key: &Key, mac_base: &str, expected: &[u8; 32]) -> bool {
    bool::from(mac(key, mac_base).ct_eq(expected))
}

/// AES-256-CBC with PKCS#7 padding.
pub(crate) fn encrypt(key: &Key, iv: &[u8; 16], plaintext: &[u8]) -> Vec<u8> {
    cbc::Encryptor::<Aes256>::new(&(**key).into(), &(*iv).into())
        .encrypt_padded_vec::<Pkcs7>(plaintext)
}

/// Reverses [`encrypt`]; a padding failure is a [`ErrorCode::BadSeal`] that says decryption.
pub(crate) fn decrypt(key: &Key, iv: &[u8; 16], ciphertext: &[u8]) -> Result<Zeroizing<Vec<u8>>> {
    let mut out = Zeroizing::new(vec![0u8; ciphertext.len()]);
    let length = cbc::Decryptor::<Aes256>::new(&(**key).into(), &(*iv).into())
        .decrypt_padded_b2b::<Pkcs7>(ciphertext, &mut out)
        .map_err(|_| decryption_failed())?
        .len();
    out.truncate(length);
    Ok(out)
}

/// The error for a token whose MAC verified but whose ciphertext does not decrypt.
pub(crate) fn decryption_failed() -> crate::Error {
    fail(
        ErrorCode::BadSeal,
        "decryption failed: the ciphertext does not decrypt under this key",
    )
}

/// Random bytes behind a salt of `bits` bits: iron draws `ceil(bits / 8)` and writes their
/// lowercase hex as the salt text.
pub(crate) fn salt_bytes(bits: u32) -> usize {
    bits.div_ceil(8) as usize
}

/// Lowercase hex, as iron writes salts.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 15)] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbkdf2_uses_the_salt_text_and_sha1() {
        // RFC 6070 test 2: P = "password", S = "salt", c = 2, dkLen = 20.
        let secret = Secret::Password("password".to_owned());
        let key = derive(&secret, "salt", 2).unwrap();
        assert_eq!(hex(&key[..20]), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    }

    #[test]
    fn raw_keys_ignore_the_salt_and_passwords_need_one() {
        let raw = Secret::Key([9; 32]);
        assert_eq!(*derive(&raw, "", 1).unwrap(), [9; 32]);
        assert_eq!(*derive(&raw, "abc", 8192).unwrap(), [9; 32]);
        let password = Secret::Password("p".repeat(32));
        assert!(derive(&password, "", 1).is_none());
    }

    #[test]
    fn cbc_round_trips_and_rejects_bad_padding() {
        let key = Zeroizing::new([3u8; 32]);
        let iv = [4u8; 16];
        for len in [0, 1, 15, 16, 17, 100] {
            let plaintext = vec![b'x'; len];
            let ciphertext = encrypt(&key, &iv, &plaintext);
            assert_eq!(ciphertext.len(), (len / 16 + 1) * 16);
            assert_eq!(*decrypt(&key, &iv, &ciphertext).unwrap(), plaintext);
        }
        let other = Zeroizing::new([5u8; 32]);
        let ciphertext = encrypt(&key, &iv, b"{\"a\":1}");
        let err = decrypt(&other, &iv, &ciphertext);
        // A wrong key almost always breaks the padding; when it does, the error says so.
        if let Err(err) = err {
            assert_eq!(err.code(), ErrorCode::BadSeal);
            assert!(err.message().contains("decryption"));
        }
    }

    #[test]
    fn mac_comparison_detects_every_bit() {
        let key = Zeroizing::new([1u8; 32]);
        let good = mac(&key, "base");
        assert!(mac_matches(&key, "base", &good));
        for bit in 0..256 {
            let mut bad = good;
            bad[bit / 8] ^= 1 << (bit % 8);
            assert!(!mac_matches(&key, "base", &bad));
        }
    }

    #[test]
    fn salts_are_lowercase_hex_of_rounded_up_bytes() {
        assert_eq!(salt_bytes(256), 32);
        assert_eq!(salt_bytes(1), 1);
        assert_eq!(salt_bytes(9), 2);
        assert_eq!(hex(&[0x00, 0x9f, 0xa0, 0xff]), "009fa0ff");
    }
}
