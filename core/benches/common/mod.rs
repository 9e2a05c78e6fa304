//! Inputs and the peer implementations shared by the benchmark binaries.

#![allow(dead_code)] // each bench binary uses its own subset

use aes_gcm::aead::{AeadInOut, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce, Tag};
use cookie::{Cookie, CookieJar, Key};
use polyseal::{Value, b64, rng};

pub const PAYLOADS: &str = include_str!("../../../tests/bench/payloads.json");
pub const NOW: u64 = 1_764_000_000_000;
pub const COOKIE_NAME: &str = "session";
pub const TTL_MS: u64 = 3_600_000;

pub struct Inputs {
    pub password: String,
    pub payloads: Vec<(&'static str, String)>,
    pub set_cookie_token: String,
}

pub fn inputs() -> Inputs {
    let file: Value = serde_json::from_str(PAYLOADS).expect("payloads.json parses");
    let text = |key: &str| file[key].as_str().expect("a string").to_owned();
    Inputs {
        password: text("password"),
        payloads: vec![("A", text("A")), ("B", text("B"))],
        set_cookie_token: text("setCookieToken"),
    }
}

/// The raw floor: AES-256-GCM with its key schedule ready, random 96-bit nonce, base64url.
pub struct Floor {
    cipher: Aes256Gcm,
}

impl Floor {
    pub const NONCE_LEN: usize = 12;

    pub fn new(key: [u8; 32]) -> Floor {
        Floor {
            cipher: Aes256Gcm::new(&key.into()),
        }
    }

    pub fn seal(&self, value: &Value) -> String {
        let json = serde_json::to_vec(value).expect("serializable");
        let nonce: [u8; Self::NONCE_LEN] = rng::array().expect("randomness");
        let mut bytes = Vec::with_capacity(Self::NONCE_LEN + json.len() + 16);
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&json);
        let tag = self
            .cipher
            .encrypt_inout_detached(
                &Nonce::from(nonce),
                COOKIE_NAME.as_bytes(),
                (&mut bytes[Self::NONCE_LEN..]).into(),
            )
            .expect("encrypts");
        bytes.extend_from_slice(&tag);
        b64::encode(&bytes)
    }

    pub fn unseal(&self, token: &str) -> Value {
        let mut bytes = b64::decode(token, "token").expect("base64url");
        let (nonce, rest) = bytes.split_at_mut(Self::NONCE_LEN);
        let (body, tag) = rest.split_at_mut(rest.len() - 16);
        let nonce: [u8; Self::NONCE_LEN] = (&*nonce).try_into().expect("12 bytes");
        let tag: [u8; 16] = (&*tag).try_into().expect("16 bytes");
        self.cipher
            .decrypt_inout_detached(
                &Nonce::from(nonce),
                COOKIE_NAME.as_bytes(),
                body.into(),
                &Tag::from(tag),
            )
            .expect("authentic");
        serde_json::from_slice(body).expect("JSON")
    }
}

pub fn private_jar_seal(jar: &mut CookieJar, key: &Key, value: &Value) {
    let json = serde_json::to_string(value).expect("serializable");
    jar.private_mut(key).add(Cookie::new(COOKIE_NAME, json));
}

pub fn private_jar_unseal(jar: &CookieJar, key: &Key) -> Value {
    let cookie = jar.private(key).get(COOKIE_NAME).expect("authentic");
    serde_json::from_str(cookie.value()).expect("JSON")
}
