//! Fe26.2 keys, cipher and MAC: PBKDF2-HMAC-SHA1 over the salt text, AES-256-CBC with
//! PKCS#7, HMAC-SHA256.

use aes::Aes256;
use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeDecrypt, BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::pbkdf2::{Lanes, PasswordPrf};
use crate::error::{ErrorCode, Result, fail};
use crate::keyring::Secret;
use crate::wiped::WipedBytes;

/// A derived (or raw) 32-byte key, wiped when dropped.
pub(crate) type Key = Zeroizing<[u8; 32]>;

/// A keyring secret as Fe26.2 derives keys from it.
///
/// Every Fe26.2 key of a password is PBKDF2-HMAC-SHA1 keyed by that password, so the HMAC key
/// schedule (the password padded and hashed into an inner and an outer SHA-1 state: two SHA-1
/// blocks that every derivation would otherwise repeat) is computed once, when the keyring is
/// built, and copied for every derivation. The states are as secret as the password: they are
/// wiped when dropped and never printed.
pub(crate) enum IronSecret {
    Password(PasswordPrf),
    Key(Key),
}

impl IronSecret {
    pub(crate) fn new(secret: &Secret) -> IronSecret {
        match secret {
            Secret::Password(password) => {
                IronSecret::Password(PasswordPrf::new(password.as_bytes()))
            }
            Secret::Key(raw) => IronSecret::Key(Zeroizing::new(*raw)),
        }
    }

    pub(crate) fn is_raw_key(&self) -> bool {
        matches!(self, IronSecret::Key(_))
    }
}

/// The key a secret yields for one salt: PBKDF2 for a password, the key itself for a raw key.
///
/// iron feeds the salt *text* (normally hex) to PBKDF2, not the bytes it spells. A raw key
/// ignores the salt. A password with an empty salt yields `None`: iron would draw a fresh random
/// salt there, so no such token can ever verify and there is nothing worth deriving.
pub(crate) fn derive(secret: &IronSecret, salt: &str, iterations: u32) -> Option<Key> {
    let [key] = derive_keys([(secret, salt)], iterations);
    key
}

/// [`derive`] for several (secret, salt) pairs at once: their PBKDF2 blocks run in lockstep
/// (`pbkdf2.rs`), so a seal's two keys cost less than two keys derived apart (h3-v2 here: 1.25 ms
/// together, about 0.8 ms for one alone).
pub(crate) fn derive_keys<const N: usize>(
    wanted: [(&IronSecret, &str); N],
    iterations: u32,
) -> [Option<Key>; N] {
    let mut keys = wanted.map(|(secret, salt)| match secret {
        IronSecret::Key(raw) => Some(raw.clone()),
        IronSecret::Password(_) if salt.is_empty() => None,
        IronSecret::Password(_) => Some(Zeroizing::new([0u8; 32])),
    });
    let mut lanes = Lanes::new(iterations);
    for ((secret, salt), key) in wanted.iter().zip(keys.iter_mut()) {
        if let (IronSecret::Password(prf), Some(key)) = (secret, key) {
            #[cfg(test)]
            count_derivation(iterations);
            lanes.add(prf, salt.as_bytes(), &mut key[..]);
        }
    }
    lanes.finish();
    keys
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
#[cfg(test)]
pub(crate) fn mac(key: &Key, mac_base: &str) -> [u8; 32] {
    mac_with(keyed_mac(key), mac_base.as_bytes())
}

/// HMAC-SHA256 keyed with an integrity key: the key's two padded blocks already hashed, two of
/// the eight SHA-256 blocks a token's MAC takes. The derived-key cache keeps one per integrity
/// key, so a repeat cookie's MAC starts from it. Its two SHA-256 states, the secret part, wipe
/// themselves when dropped (the `zeroize` feature of `sha2`).
pub(crate) type KeyedMac = Hmac<Sha256>;

/// [`KeyedMac`] for `key`.
pub(crate) fn keyed_mac(key: &Key) -> KeyedMac {
    <KeyedMac as KeyInit>::new_from_slice(&key[..]).expect("HMAC takes keys of any length")
}

/// The HMAC of `mac_base` from a keyed state.
pub(crate) fn mac_with(mut keyed: KeyedMac, mac_base: &[u8]) -> [u8; 32] {
    keyed.update(mac_base);
    keyed.finalize().into_bytes().into()
}

/// Whether `expected` is the HMAC of `mac_base` under `key`, compared in constant time.
#[cfg(test)]
pub(crate) fn mac_matches(key: &Key, mac_base: &str, expected: &[u8; 32]) -> bool {
    keyed_mac_matches(keyed_mac(key), mac_base, expected)
}

/// [`mac_matches`] from a keyed state.
pub(crate) fn keyed_mac_matches(keyed: KeyedMac, mac_base: &str, expected: &[u8; 32]) -> bool {
    bool::from(mac_with(keyed, mac_base.as_bytes()).ct_eq(expected))
}

/// AES-256-CBC with PKCS#7 padding.
pub(crate) fn encrypt(key: &Key, iv: &[u8; 16], plaintext: &[u8]) -> Vec<u8> {
    cbc::Encryptor::<Aes256>::new(&(**key).into(), &(*iv).into())
        .encrypt_padded_vec::<Pkcs7>(plaintext)
}

/// Reverses [`encrypt`], in place; a padding failure is a [`ErrorCode::BadSeal`] that says
/// decryption.
pub(crate) fn decrypt(key: &Key, iv: &[u8; 16], ciphertext: Vec<u8>) -> Result<WipedBytes> {
    let mut buffer = WipedBytes::new(ciphertext);
    let length = cbc::Decryptor::<Aes256>::new(&(**key).into(), &(*iv).into())
        .decrypt_padded::<Pkcs7>(&mut buffer)
        .map_err(|_| decryption_failed())?
        .len();
    buffer.truncate(length);
    Ok(buffer)
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
    // Collected as bytes: pushing `char`s one at a time checks capacity and UTF-8 width per
    // digit, which cost more than the digits themselves.
    let digits = bytes.iter().flat_map(|byte| {
        [
            DIGITS[usize::from(byte >> 4)],
            DIGITS[usize::from(byte & 15)],
        ]
    });
    String::from_utf8(digits.collect()).expect("hex digits are ASCII")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keyed_macs_are_wiped_when_dropped() {
        // The derived-key cache keeps one per integrity key. What is secret in it are the inner
        // and outer SHA-256 states the key was hashed into; this fails to compile unless the
        // `zeroize` feature of `sha2` makes them wipe themselves when dropped.
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<sha2::block_api::Sha256VarCore>();
    }

    fn password(text: &str) -> IronSecret {
        IronSecret::new(&Secret::Password(text.to_owned()))
    }

    #[test]
    fn derive_uses_the_salt_text_and_32_bytes() {
        let key = derive(&password("password"), "salt", 2).unwrap();
        let mut expected = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<sha1::Sha1>(b"password", b"salt", 2, &mut expected);
        assert_eq!(*key, expected);
        assert_eq!(hex(&key[..20]), "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957");
    }

    #[test]
    fn keyed_states_are_wiped_when_dropped() {
        // `Hmac` carries no marker of its own: it is two hash cores (inner and outer) and a
        // block buffer, and each of those wipes itself when dropped. A password's HMAC-SHA1
        // states wipe themselves (`pbkdf2.rs`).
        use hmac::digest::block_api::{Buffer, CoreProxy};
        fn wiped_on_drop<T: zeroize::ZeroizeOnDrop>() {}
        wiped_on_drop::<<Sha256 as CoreProxy>::Core>();
        wiped_on_drop::<Buffer<<Sha256 as CoreProxy>::Core>>();
        wiped_on_drop::<PasswordPrf>();
    }

    #[test]
    fn raw_keys_ignore_the_salt_and_passwords_need_one() {
        let raw = IronSecret::new(&Secret::Key([9; 32]));
        assert!(raw.is_raw_key());
        assert_eq!(*derive(&raw, "", 1).unwrap(), [9; 32]);
        assert_eq!(*derive(&raw, "abc", 8192).unwrap(), [9; 32]);
        let password = password(&"p".repeat(32));
        assert!(!password.is_raw_key());
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
            assert_eq!(*decrypt(&key, &iv, ciphertext).unwrap(), plaintext);
        }
        let other = Zeroizing::new([5u8; 32]);
        let ciphertext = encrypt(&key, &iv, b"{\"a\":1}");
        let err = decrypt(&other, &iv, ciphertext);
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
