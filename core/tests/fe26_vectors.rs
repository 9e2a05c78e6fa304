//! Generates `tests/vectors/fe26.json`, checks the committed file has not drifted, then runs
//! every case in it (see `docs/VECTORS.md`).
//!
//! Expected outcomes are written down here by hand, never taken from what the code under test
//! returns; the runner half then holds the implementation to them. The Node peer tests check
//! the same file against @hapi/iron, iron-webcrypto, h3 and iron-session.
//!
//! `POLYSEAL_WRITE_VECTORS=1 cargo test -p polyseal --test fe26_vectors` rewrites the file.

#[path = "support/fe26_json.rs"]
mod fe26_json;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use hmac::{Hmac, KeyInit, Mac};
use polyseal::iron;
use polyseal::json::{self, JsonLimits};
use polyseal::{Keyring, Value, b64};
use serde_json::{Map, json};
use sha2::{Digest, Sha256};

const FILE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/fe26.json");
const NOW: u64 = 1_764_000_000_000;
const HOUR: u64 = 3_600_000;
const PW_1: &str = "some_not_random_password_that_is_also_long_enough";
const PW_2: &str = "another password, 32 or more characters long";
const PW_3: &str = "a third password that is long enough to be used";
const RAW_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
const SESSION: &str = r#"{"id":"8a3b2c1d-4e5f-4a6b-9c7d-0e1f2a3b4c5d","createdAt":1764000000000,"data":{"userId":12345,"theme":"dark","roles":["admin","editor"]}}"#;

fn keyrings() -> Value {
    let password = |id: &str, pw: &str| json!({"id": id, "password": pw});
    json!({
        "single": {"entries": [password("", PW_1)]},
        "wrong": {"entries": [password("", PW_2)]},
        "third": {"entries": [password("", PW_3)]},
        "unicode": {"entries": [password("", &"😀".repeat(16))]},
        "k1": {"entries": [password("k1", PW_1)]},
        "rotation": {"current": "new", "entries": [
            password("new", PW_2), password("old", PW_1), password("default", PW_3)]},
        "rotationOld": {"current": "old", "entries": [
            password("new", PW_2), password("old", PW_1), password("default", PW_3)]},
        "noDefault": {"current": "new", "entries": [password("new", PW_2), password("old", PW_1)]},
        "split": {"entries": [{"id": "s1",
            "encryption": {"password": PW_1}, "integrity": {"password": PW_2}}]},
        "raw": {"entries": [{"id": "", "keyHex": RAW_HEX}]},
        "rawSplit": {"entries": [{"id": "r1",
            "encryption": {"keyHex": RAW_HEX}, "integrity": {"password": PW_2}}]},
        "session": {"current": "2", "entries": [password("2", PW_2), password("1", PW_1)]},
        "sessionOld": {"current": "1", "entries": [password("2", PW_2), password("1", PW_1)]},
        "notNumeric": {"entries": [password("k1", PW_1)]},
    })
}

fn notes() -> Value {
    json!({
        "Legacy": "accepted through the h3-v2 fallback to 1 iteration; needsReseal is true",
        "Rotation": "sealed with a non-current key or looked up as \"default\"",
        "VersionSuffix": "iron-session's ~2 suffix (outside the MAC)",
        "RawKey": "a raw 32-byte key: no PBKDF2, empty salt field",
        "SplitSecrets": "separate encryption and integrity secrets",
        "Unicode": "non-ASCII payload or password (length counted in UTF-16 code units)",
        "CheckOrder": "the outcome depends on iron's check order (expiry before the MAC)",
        "ForgedWithKey": "built by hand with the raw key so one defect sits behind a valid MAC",
        "StrictEncoding": "polyseal rejects a non-canonical or mis-sized field before deriving keys; JS peers decode leniently and may accept or fail differently",
        "PolysealLimit": "a polyseal size or depth limit that JS peers do not have",
        "PolysealOnly": "an option or id check with no JS counterpart",
        "PeersDiffer": "JS implementations disagree here; polyseal takes the strictest reading"
    })
}

/// Deterministic, realistic-looking random inputs: SHA-256 of a label.
fn digest(label: &str) -> [u8; 32] {
    Sha256::digest(label.as_bytes()).into()
}

struct Generator {
    keyrings: Value,
    tests: Vec<Value>,
}

/// What a case expects.
enum Expect<'a> {
    Valid {
        key_id: &'a str,
        needs_reseal: bool,
        expires_at: Option<u64>,
    },
    Error(&'a str),
}

impl Generator {
    fn next_id(&self) -> u64 {
        self.tests.len() as u64 + 1
    }

    fn keyring(&self, name: &str) -> Keyring {
        fe26_json::keyring(&self.keyrings[name]).expect("vector keyrings are valid")
    }

    /// A valid seal case with salts and IV derived from the case id; returns the token.
    fn seal(
        &mut self,
        comment: &str,
        flags: &[&str],
        ring: &str,
        options: Value,
        now: u64,
        payload: &str,
    ) -> String {
        let id = self.next_id();
        let keyring = self.keyring(ring);
        let entry = keyring.current();
        let salt = |secret: &polyseal::Secret, role: &str| {
            if secret.is_raw_key() {
                String::new()
            } else {
                fe26_json::hex_encode(&digest(&format!("fe26 vector {id} {role}")))
            }
        };
        let (enc_salt, int_salt) = (
            salt(entry.encryption(), "enc"),
            salt(entry.integrity(), "int"),
        );
        let iv: [u8; 16] = digest(&format!("fe26 vector {id} iv"))[..16]
            .try_into()
            .unwrap();
        let opts = fe26_json::options(&options).unwrap();
        let token = iron::seal_bytes_fixed_at(
            payload.as_bytes(),
            &keyring,
            &opts,
            now,
            &enc_salt,
            iv,
            &int_salt,
        )
        .unwrap_or_else(|e| panic!("case {id}: {e}"));
        let mut case = self.case(
            comment,
            flags,
            "seal",
            ring,
            options,
            now,
            &token,
            Some(payload),
            &Expect::Valid {
                key_id: "",
                needs_reseal: false,
                expires_at: None,
            },
        );
        let fields = case.as_object_mut().unwrap();
        for name in ["keyId", "needsReseal", "expiresAt"] {
            fields.shift_remove(name);
        }
        fields.insert("encryptionSalt".into(), enc_salt.into());
        fields.insert("ivHex".into(), fe26_json::hex_encode(&iv).into());
        fields.insert("integritySalt".into(), int_salt.into());
        self.tests.push(case);
        token
    }

    fn seal_error(
        &mut self,
        comment: &str,
        flags: &[&str],
        ring: &str,
        options: Value,
        payload: &str,
        error: &str,
    ) {
        let case = self.case(
            comment,
            flags,
            "seal",
            ring,
            options,
            NOW,
            "",
            Some(payload),
            &Expect::Error(error),
        );
        self.tests.push(case);
    }

    #[allow(clippy::too_many_arguments)]
    fn unseal(
        &mut self,
        comment: &str,
        flags: &[&str],
        ring: &str,
        options: Value,
        now: u64,
        token: &str,
        payload: Option<&str>,
        expect: Expect,
    ) {
        let case = self.case(
            comment, flags, "unseal", ring, options, now, token, payload, &expect,
        );
        self.tests.push(case);
    }

    #[allow(clippy::too_many_arguments)]
    fn case(
        &self,
        comment: &str,
        flags: &[&str],
        op: &str,
        ring: &str,
        options: Value,
        now: u64,
        token: &str,
        payload: Option<&str>,
        expect: &Expect,
    ) -> Value {
        let mut case = json!({
            "tcId": self.next_id(),
            "comment": comment,
            "flags": flags,
            "op": op,
            "keyring": ring,
            "options": options,
            "now": now,
            // An invalid seal case has no token: the seal itself must fail.
            "token": if op == "seal" && token.is_empty() { Value::Null } else { token.into() },
            "payload": payload,
        });
        let fields = case.as_object_mut().unwrap();
        match expect {
            Expect::Valid {
                key_id,
                needs_reseal,
                expires_at,
            } => {
                fields.insert("result".into(), "valid".into());
                fields.insert("error".into(), Value::Null);
                fields.insert("keyId".into(), (*key_id).into());
                fields.insert("needsReseal".into(), (*needs_reseal).into());
                fields.insert("expiresAt".into(), json!(expires_at));
            }
            Expect::Error(error) => {
                fields.insert("result".into(), "invalid".into());
                fields.insert("error".into(), (*error).into());
            }
        }
        case
    }
}

fn ok(key_id: &str, needs_reseal: bool, expires_at: Option<u64>) -> Expect<'_> {
    Expect::Valid {
        key_id,
        needs_reseal,
        expires_at,
    }
}

fn replace_field(token: &str, index: usize, with: &str) -> String {
    let mut parts: Vec<&str> = token.split('*').collect();
    parts[index] = with;
    parts.join("*")
}

/// Flips one bit of a base64url field, keeping it canonical.
fn flip(field: &str) -> String {
    let mut bytes = b64::decode(field, "field").unwrap();
    bytes[0] ^= 0x01;
    b64::encode(&bytes)
}

/// A token MACed with the raw key (`raw` keyring) around arbitrary fields.
fn forge(fields: [&str; 6], hmac_salt: &str) -> String {
    let key = fe26_json::hex_decode(RAW_HEX).unwrap();
    let base = fields.join("*");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).unwrap();
    mac.update(base.as_bytes());
    format!(
        "{base}*{hmac_salt}*{}",
        b64::encode(&mac.finalize().into_bytes())
    )
}

/// AES-256-CBC under the raw key without padding, for ciphertexts iron could never produce.
fn raw_encrypt_unpadded(iv: &[u8; 16], blocks: &[u8]) -> Vec<u8> {
    let key: [u8; 32] = fe26_json::hex_decode(RAW_HEX).unwrap().try_into().unwrap();
    cbc::Encryptor::<aes::Aes256>::new(&key.into(), &(*iv).into())
        .encrypt_padded_vec::<NoPadding>(blocks)
}

fn generate() -> Value {
    let mut g = Generator {
        keyrings: keyrings(),
        tests: Vec::new(),
    };
    let h3v1 = || json!({"format": "h3-v1"});
    let h3v2 = || json!({"format": "h3-v2"});
    let session = || json!({"format": "iron-session"});
    let iron = || json!({"format": "iron"});

    // --- Seal cases, one family per profile -------------------------------------------
    let t_h3v1 = g.seal(
        "h3-v1 session object, id-less password, no ttl",
        &[],
        "single",
        h3v1(),
        NOW,
        SESSION,
    );
    let t_h3v1_ttl = g.seal(
        "h3-v1 with maxAge 3600 s (ttl 3600000 ms)",
        &[],
        "single",
        json!({"format": "h3-v1", "ttl": HOUR}),
        NOW,
        SESSION,
    );
    let t_h3v2 = g.seal(
        "h3-v2: 8192 iterations",
        &[],
        "single",
        h3v2(),
        NOW,
        SESSION,
    );
    let idle = r#"{"id":"8a3b2c1d-4e5f-4a6b-9c7d-0e1f2a3b4c5d","createdAt":1764000000000,"data":{},"lastSeenAt":1764000000000}"#;
    g.seal(
        "h3-v2 with idleTimeout (lastSeenAt after data) and a one-day ttl",
        &[],
        "single",
        json!({"format": "h3-v2", "ttl": 24 * HOUR}),
        NOW,
        idle,
    );
    let t_session = g.seal(
        "iron-session: a string password seals as id 1, ~2 suffix, 14-day ttl",
        &["VersionSuffix"],
        "single",
        session(),
        NOW,
        r#"{"user":{"id":7,"admin":false}}"#,
    );
    let t_session2 = g.seal(
        "iron-session: numeric ids, the current (highest) id seals",
        &["VersionSuffix"],
        "session",
        session(),
        NOW,
        r#"{"cart":[1,2,3]}"#,
    );
    let t_k1 = g.seal(
        "iron: a password with an id",
        &[],
        "k1",
        iron(),
        NOW,
        r#"{"a":1}"#,
    );
    let t_split = g.seal(
        "iron: {id, encryption, integrity} split passwords",
        &["SplitSecrets"],
        "split",
        iron(),
        NOW,
        r#"{"split":true}"#,
    );
    let t_raw = g.seal(
        "iron: raw 32-byte key, empty salts",
        &["RawKey"],
        "raw",
        iron(),
        NOW,
        r#"{"raw":"key"}"#,
    );
    g.seal(
        "iron: raw encryption key with a password for integrity",
        &["RawKey", "SplitSecrets"],
        "rawSplit",
        iron(),
        NOW,
        r#"{"mixed":1}"#,
    );
    let unicode = "{\"name\":\"Zoë 😀 \u{2028}\",\"quote\":\"\\\"\\\\\",\"ctl\":\"\\u0001\\n\",\"cjk\":\"漢字\"}";
    let t_unicode = g.seal(
        "iron: astral password of 32 UTF-16 units, unicode payload",
        &["Unicode"],
        "unicode",
        iron(),
        NOW,
        unicode,
    );
    g.seal(
        "iron: numbers printed as JSON.stringify prints them",
        &[],
        "single",
        iron(),
        NOW,
        "[0.30000000000000004,1e+21,1e-7,0.000001,9007199254740991,-1.5,100]",
    );
    g.seal(
        "iron: 128 salt bits and 100 iterations",
        &[],
        "single",
        json!({"format": "iron", "saltBits": 128, "iterations": 100, "ttl": 60_000}),
        NOW,
        r#"{"opts":1}"#,
    );
    let t_offset = g.seal(
        "iron: localtimeOffset -5000 moves the expiry",
        &[],
        "single",
        json!({"format": "iron", "ttl": 60_000, "localtimeOffset": -5000}),
        NOW,
        r#"{"offset":1}"#,
    );
    g.seal(
        "iron: a top-level string",
        &[],
        "single",
        iron(),
        NOW,
        r#""just a string""#,
    );
    g.seal("iron: an empty object", &[], "single", iron(), NOW, "{}");
    g.seal(
        "iron-session with ttl 0 writes no expiry",
        &["VersionSuffix"],
        "single",
        json!({"format": "iron-session", "ttl": 0}),
        NOW,
        r#"{"noExpiry":true}"#,
    );

    // --- Valid unseal cases -----------------------------------------------------------
    g.unseal(
        "h3-v2 reads an h3-v1 cookie through the legacy fallback",
        &["Legacy"],
        "single",
        h3v2(),
        NOW,
        &t_h3v1,
        Some(SESSION),
        ok("", true, None),
    );
    let t_old = seal_with_old_key(&mut g);
    g.unseal(
        "rotation: a token of the old key unseals and asks for a reseal",
        &["Rotation"],
        "rotation",
        iron(),
        NOW,
        &t_old,
        Some(r#"{"rotated":1}"#),
        ok("old", true, None),
    );
    let t_third = g.seal(
        "iron: id-less token of a third password (read below as \"default\")",
        &[],
        "third",
        iron(),
        NOW,
        r#"{"d":1}"#,
    );
    g.unseal(
        "an id-less token is looked up as \"default\"",
        &["Rotation"],
        "rotation",
        iron(),
        NOW,
        &t_third,
        Some(r#"{"d":1}"#),
        ok("default", true, None),
    );
    g.unseal(
        "a single id-less password unseals whatever id the token names",
        &[],
        "single",
        iron(),
        NOW,
        &t_k1,
        Some(r#"{"a":1}"#),
        ok("", false, None),
    );
    let t_session_old = seal_session_old(&mut g);
    g.unseal(
        "iron-session: an older numeric id unseals and asks for a reseal",
        &["VersionSuffix", "Rotation"],
        "session",
        session(),
        NOW,
        &t_session_old,
        Some(r#"{"old":1}"#),
        ok("1", true, Some(NOW + 14 * 24 * HOUR)),
    );
    let body = t_session.strip_suffix("~2").unwrap();
    g.unseal(
        "iron-session reads a token without the suffix",
        &["VersionSuffix"],
        "single",
        session(),
        NOW,
        body,
        Some(r#"{"user":{"id":7,"admin":false}}"#),
        ok("", false, Some(NOW + 14 * 24 * HOUR)),
    );
    g.unseal(
        "iron-session ignores everything from the first ~",
        &["VersionSuffix"],
        "single",
        session(),
        NOW,
        &format!("{body}~3~x"),
        Some(r#"{"user":{"id":7,"admin":false}}"#),
        ok("", false, Some(NOW + 14 * 24 * HOUR)),
    );
    let exp = NOW + HOUR;
    g.unseal(
        "one millisecond inside the 60 s skew",
        &[],
        "single",
        h3v1(),
        exp + 59_999,
        &t_h3v1_ttl,
        Some(SESSION),
        ok("", false, Some(exp)),
    );
    g.unseal(
        "the local offset applies when unsealing too",
        &[],
        "single",
        json!({"format": "iron", "localtimeOffset": -5000}),
        NOW + 55_000 + 60_000 + 4_999,
        &t_offset,
        Some(r#"{"offset":1}"#),
        ok("", false, Some(NOW + 55_000)),
    );
    let iv = b64::encode(&[7; 16]);
    let ct = b64::encode(&raw_encrypt_with_padding(&[7; 16], br#"{"salted":1}"#));
    let forged = forge(["Fe26.2", "", "ignored-salt", &iv, &ct, ""], "also-ignored");
    g.unseal(
        "a raw key ignores whatever salt text the token carries",
        &["RawKey", "ForgedWithKey"],
        "raw",
        iron(),
        NOW,
        &forged,
        Some(r#"{"salted":1}"#),
        ok("", false, None),
    );

    // --- Invalid unseal cases ---------------------------------------------------------
    let mac = t_k1.rsplit('*').next().unwrap();
    g.unseal(
        "tampered HMAC",
        &[],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 7, &flip(mac)),
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "tampered ciphertext",
        &[],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 4, &flip(t_k1.split('*').nth(4).unwrap())),
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "tampered IV",
        &[],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 3, &flip(t_k1.split('*').nth(3).unwrap())),
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "tampered expiration (an hour later)",
        &[],
        "single",
        h3v1(),
        NOW,
        &replace_field(&t_h3v1_ttl, 5, &(exp + HOUR).to_string()),
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "tampered encryption salt",
        &[],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 2, "0000"),
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "the id switched to another key of the keyring",
        &["Rotation"],
        "rotation",
        iron(),
        NOW,
        &replace_field(&t_third, 1, "new"),
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "wrong password",
        &[],
        "wrong",
        iron(),
        NOW,
        &t_k1,
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "split-secret token read with its encryption password alone",
        &["SplitSecrets"],
        "single",
        iron(),
        NOW,
        &t_split,
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "h3-v1 does not read 8192-iteration tokens",
        &[],
        "single",
        h3v1(),
        NOW,
        &t_h3v2,
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "h3-v2 fallback with the wrong password still fails",
        &["Legacy"],
        "wrong",
        h3v2(),
        NOW,
        &t_h3v1,
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "iron with 8192 iterations and no fallback rejects a 1-iteration token",
        &[],
        "single",
        json!({"format": "iron", "iterations": 8192}),
        NOW,
        &t_h3v1,
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "a password token with its HMAC salt removed",
        &[],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 6, ""),
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "unknown password id",
        &[],
        "noDefault",
        iron(),
        NOW,
        &t_k1,
        None,
        Expect::Error("UNKNOWN_KEY"),
    );
    g.unseal(
        "id-less token and no \"default\" entry",
        &[],
        "noDefault",
        iron(),
        NOW,
        &t_third,
        None,
        Expect::Error("UNKNOWN_KEY"),
    );
    g.unseal(
        "iron-session numeric id not in the keyring",
        &["VersionSuffix"],
        "k1",
        session(),
        NOW,
        &t_session2,
        None,
        Expect::Error("UNKNOWN_KEY"),
    );
    g.unseal(
        "expired exactly at the boundary (expiration = now - 60 s)",
        &[],
        "single",
        h3v1(),
        exp + 60_000,
        &t_h3v1_ttl,
        None,
        Expect::Error("EXPIRED"),
    );
    g.unseal(
        "expired and forged: expiry is checked before the MAC",
        &["CheckOrder"],
        "single",
        h3v1(),
        exp + 60_000,
        &replace_field(
            &t_h3v1_ttl,
            7,
            &flip(t_h3v1_ttl.rsplit('*').next().unwrap()),
        ),
        None,
        Expect::Error("EXPIRED"),
    );
    g.unseal(
        "unknown id is reported before a bad MAC",
        &["CheckOrder"],
        "noDefault",
        iron(),
        NOW,
        &replace_field(&t_k1, 7, &flip(mac)),
        None,
        Expect::Error("UNKNOWN_KEY"),
    );
    g.unseal(
        "prefix Fe26.1",
        &[],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 0, "Fe26.1"),
        None,
        Expect::Error("UNSUPPORTED_VERSION"),
    );
    g.unseal(
        "prefix that is not Fe26",
        &[],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 0, "Fe27"),
        None,
        Expect::Error("MALFORMED"),
    );
    let seven = t_k1.rsplit_once('*').unwrap().0;
    g.unseal(
        "seven components",
        &[],
        "k1",
        iron(),
        NOW,
        seven,
        None,
        Expect::Error("MALFORMED"),
    );
    g.unseal(
        "nine components",
        &[],
        "k1",
        iron(),
        NOW,
        &format!("{t_k1}*x"),
        None,
        Expect::Error("MALFORMED"),
    );
    g.unseal(
        "empty token",
        &[],
        "k1",
        iron(),
        NOW,
        "",
        None,
        Expect::Error("MALFORMED"),
    );
    g.unseal(
        "expiration that is not a number",
        &[],
        "single",
        h3v1(),
        NOW,
        &replace_field(&t_h3v1_ttl, 5, "17640036000x0"),
        None,
        Expect::Error("MALFORMED"),
    );
    g.unseal(
        "negative expiration",
        &[],
        "single",
        h3v1(),
        NOW,
        &replace_field(&t_h3v1_ttl, 5, "-1"),
        None,
        Expect::Error("MALFORMED"),
    );
    let mut non_canonical = mac[..42].to_owned();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let last = alphabet.find(mac.chars().last().unwrap()).unwrap();
    non_canonical.push(alphabet.as_bytes()[last ^ 1] as char);
    g.unseal(
        "non-canonical base64url HMAC (spare bits set, same bytes)",
        &["StrictEncoding", "PeersDiffer"],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 7, &non_canonical),
        None,
        Expect::Error("MALFORMED"),
    );
    g.unseal(
        "padded base64url HMAC",
        &["StrictEncoding"],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 7, &format!("{mac}=")),
        None,
        Expect::Error("MALFORMED"),
    );
    g.unseal(
        "truncated HMAC",
        &["StrictEncoding"],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 7, &mac[..42]),
        None,
        Expect::Error("MALFORMED"),
    );
    g.unseal(
        "12-byte IV",
        &["StrictEncoding"],
        "k1",
        iron(),
        NOW,
        &replace_field(&t_k1, 3, &b64::encode(&[1; 12])),
        None,
        Expect::Error("MALFORMED"),
    );
    let short_ct = forge(["Fe26.2", "", "", &iv, &b64::encode(&[9; 20]), ""], "");
    g.unseal(
        "ciphertext not a multiple of 16 bytes behind a valid MAC",
        &["StrictEncoding", "ForgedWithKey", "RawKey"],
        "raw",
        iron(),
        NOW,
        &short_ct,
        None,
        Expect::Error("MALFORMED"),
    );
    g.unseal(
        "~2 suffix read by a profile that does not strip it",
        &["VersionSuffix", "StrictEncoding"],
        "single",
        h3v1(),
        NOW,
        &t_session,
        None,
        Expect::Error("MALFORMED"),
    );
    g.unseal(
        "token longer than maxTokenChars",
        &["PolysealLimit"],
        "single",
        json!({"format": "h3-v1", "maxTokenChars": 100}),
        NOW,
        &t_h3v1,
        None,
        Expect::Error("TOO_LARGE"),
    );
    let bad_padding = forge(
        [
            "Fe26.2",
            "",
            "",
            &iv,
            &b64::encode(&raw_encrypt_unpadded(&[7; 16], &[0x41; 16])),
            "",
        ],
        "",
    );
    g.unseal(
        "bad PKCS#7 padding behind a valid MAC",
        &["ForgedWithKey", "RawKey"],
        "raw",
        iron(),
        NOW,
        &bad_padding,
        None,
        Expect::Error("BAD_SEAL"),
    );
    for (comment, plaintext, flags) in [
        (
            "truncated JSON behind a valid MAC",
            &b"{\"a\":1"[..],
            &["ForgedWithKey", "RawKey"][..],
        ),
        (
            "invalid UTF-8 behind a valid MAC",
            &b"\"\xff\xfe\""[..],
            &["ForgedWithKey", "RawKey", "PeersDiffer"][..],
        ),
        (
            "empty plaintext behind a valid MAC",
            &b""[..],
            &["ForgedWithKey", "RawKey", "PeersDiffer"][..],
        ),
    ] {
        let token = forge(
            [
                "Fe26.2",
                "",
                "",
                &iv,
                &b64::encode(&raw_encrypt_with_padding(&[7; 16], plaintext)),
                "",
            ],
            "",
        );
        g.unseal(
            comment,
            flags,
            "raw",
            iron(),
            NOW,
            &token,
            None,
            Expect::Error("INVALID_JSON"),
        );
    }
    let deep = format!("{}1{}", "[".repeat(65), "]".repeat(65));
    let token = forge(
        [
            "Fe26.2",
            "",
            "",
            &iv,
            &b64::encode(&raw_encrypt_with_padding(&[7; 16], deep.as_bytes())),
            "",
        ],
        "",
    );
    g.unseal(
        "JSON nested 65 deep behind a valid MAC",
        &["ForgedWithKey", "RawKey", "PolysealLimit"],
        "raw",
        iron(),
        NOW,
        &token,
        None,
        Expect::Error("INVALID_JSON"),
    );
    g.unseal(
        "unicode-password token read with another password",
        &["Unicode"],
        "single",
        iron(),
        NOW,
        &t_unicode,
        None,
        Expect::Error("BAD_SEAL"),
    );
    g.unseal(
        "raw key token read with a password",
        &["RawKey"],
        "single",
        iron(),
        NOW,
        &t_raw,
        None,
        Expect::Error("BAD_SEAL"),
    );

    // --- Invalid seal cases -----------------------------------------------------------
    g.seal_error(
        "iron-session ids must be decimal numbers",
        &["PolysealOnly"],
        "notNumeric",
        session(),
        "{}",
        "INVALID_PASSWORD",
    );
    g.seal_error(
        "zero iterations",
        &["PolysealOnly"],
        "single",
        json!({"format": "iron", "iterations": 0}),
        "{}",
        "INVALID_OPTION",
    );
    g.seal_error(
        "zero salt bits",
        &["PolysealOnly"],
        "single",
        json!({"format": "iron", "saltBits": 0}),
        "{}",
        "INVALID_OPTION",
    );
    g.seal_error(
        "unknown profile name",
        &["PolysealOnly"],
        "single",
        json!({"format": "h3-v3"}),
        "{}",
        "INVALID_OPTION",
    );
    g.seal_error(
        "expiry beyond Number.MAX_SAFE_INTEGER",
        &["PolysealOnly"],
        "single",
        json!({"format": "iron", "ttl": 9_007_199_254_740_991u64 - NOW + 1}),
        "{}",
        "INVALID_OPTION",
    );
    g.seal_error(
        "payload nested 65 deep",
        &["PolysealLimit"],
        "single",
        iron(),
        &deep,
        "INVALID_JSON",
    );
    g.seal_error(
        "payload that is not JSON",
        &["PolysealOnly"],
        "single",
        iron(),
        "{nope",
        "INVALID_JSON",
    );

    json!({
        "file": "fe26",
        "description": "Fe26.2 (iron) seal and unseal cases for the h3-v1, h3-v2, iron-session and iron profiles; tokens are byte-identical to @hapi/iron 7, iron-webcrypto 1/2, h3 1/2 and iron-session 8 given the same salts, IV and clock. Options are {\"format\": name, ...overrides}: ttl (ms), iterations, saltBits, timestampSkewSec, localtimeOffset (ms), legacyIterations (number or null), versionSuffix, numericIds, maxTokenChars. A valid seal case carries encryptionSalt, ivHex and integritySalt (empty for a raw-key side): sealing payload with them at now gives token byte for byte. Valid unseal cases also give keyId, needsReseal and expiresAt.",
        "generator": format!("polyseal {}", polyseal::VERSION),
        "numberOfTests": g.tests.len(),
        "notes": notes(),
        "keyrings": g.keyrings,
        "tests": g.tests,
    })
}

/// A rotation token: sealed by the old key of the rotation keyring.
fn seal_with_old_key(g: &mut Generator) -> String {
    g.seal(
        "iron: sealed by the old key of a rotation keyring",
        &["Rotation"],
        "rotationOld",
        json!({"format": "iron"}),
        NOW,
        r#"{"rotated":1}"#,
    )
}

fn seal_session_old(g: &mut Generator) -> String {
    g.seal(
        "iron-session: sealed by an older numeric id",
        &["VersionSuffix", "Rotation"],
        "sessionOld",
        json!({"format": "iron-session"}),
        NOW,
        r#"{"old":1}"#,
    )
}

fn raw_encrypt_with_padding(iv: &[u8; 16], plaintext: &[u8]) -> Vec<u8> {
    let mut padded = plaintext.to_vec();
    let pad = 16 - plaintext.len() % 16;
    padded.extend(std::iter::repeat_n(pad as u8, pad));
    raw_encrypt_unpadded(iv, &padded)
}

// --- Runner -------------------------------------------------------------------------------

fn run_case(case: &Value, keyrings: &Map<String, Value>) -> Result<(), String> {
    let ring = keyrings[case["keyring"].as_str().unwrap()].clone();
    let keyring = fe26_json::keyring(&ring).map_err(|e| e.to_string())?;
    let outcome = match case["op"].as_str().unwrap() {
        "seal" => run_seal(case, &keyring),
        "unseal" => run_unseal(case, &keyring),
        other => return Err(format!("unknown op {other}")),
    };
    match (case["result"].as_str().unwrap(), outcome) {
        ("valid", Ok(())) => Ok(()),
        ("invalid", Err(polyseal_error))
            if Some(polyseal_error.code().name()) == case["error"].as_str() =>
        {
            Ok(())
        }
        (_, Err(e)) => Err(format!("expected {}, got {e}", case["error"])),
        (_, Ok(())) => Err(format!("expected {}, got success", case["error"])),
    }
}

fn run_seal(case: &Value, keyring: &Keyring) -> polyseal::Result<()> {
    let options = fe26_json::options(&case["options"])?;
    let now = case["now"].as_u64().unwrap();
    let payload = case["payload"].as_str().unwrap();
    if case["result"] == "invalid" {
        return iron::seal_json_at(payload, keyring, &options, now).map(drop);
    }
    let iv: [u8; 16] = fe26_json::hex_decode(case["ivHex"].as_str().unwrap())?
        .try_into()
        .unwrap();
    let token = iron::seal_bytes_fixed_at(
        payload.as_bytes(),
        keyring,
        &options,
        now,
        case["encryptionSalt"].as_str().unwrap(),
        iv,
        case["integritySalt"].as_str().unwrap(),
    )?;
    assert_eq!(
        token,
        case["token"].as_str().unwrap(),
        "case {}: token bytes",
        case["tcId"]
    );
    // The payload is what JSON.stringify prints, so the value-level seal gives the same bytes.
    let value = json::parse_str(payload, JsonLimits::default())?;
    assert_eq!(
        json::to_js_string(&value),
        payload,
        "case {}: payload is not canonical",
        case["tcId"]
    );
    let fresh = iron::seal_at(&value, keyring, &options, now)?;
    assert_ne!(
        fresh, token,
        "case {}: a fresh seal must draw new salts",
        case["tcId"]
    );
    let unsealed = iron::unseal_at(&fresh, keyring, &options, now)?;
    assert_eq!(unsealed.value, value, "case {}", case["tcId"]);
    let unsealed = iron::unseal_at(&token, keyring, &options, now)?;
    assert_eq!(unsealed.value, value, "case {}", case["tcId"]);
    Ok(())
}

fn run_unseal(case: &Value, keyring: &Keyring) -> polyseal::Result<()> {
    let options = fe26_json::options(&case["options"])?;
    let token = case["token"].as_str().unwrap();
    let unsealed = iron::unseal_at(token, keyring, &options, case["now"].as_u64().unwrap())?;
    let expected = json::parse_str(case["payload"].as_str().unwrap(), JsonLimits::default())?;
    let id = &case["tcId"];
    assert_eq!(unsealed.value, expected, "case {id}: value");
    assert_eq!(
        unsealed.key_id,
        case["keyId"].as_str().unwrap(),
        "case {id}: keyId"
    );
    assert_eq!(
        unsealed.needs_reseal,
        case["needsReseal"].as_bool().unwrap(),
        "case {id}"
    );
    assert_eq!(
        unsealed.expires_at,
        case["expiresAt"].as_u64(),
        "case {id}: expiresAt"
    );
    Ok(())
}

#[test]
fn fe26_vectors_are_current_and_pass() {
    let generated = serde_json::to_string_pretty(&generate()).unwrap() + "\n";
    if std::env::var_os("POLYSEAL_WRITE_VECTORS").is_some_and(|v| v == "1") {
        std::fs::create_dir_all(std::path::Path::new(FILE).parent().unwrap()).unwrap();
        std::fs::write(FILE, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(FILE).unwrap_or_default();
    assert!(
        committed == generated,
        "tests/vectors/fe26.json differs from what the generator produces; \
         rerun with POLYSEAL_WRITE_VECTORS=1 and review the diff"
    );
    let file: Value = serde_json::from_str(&committed).unwrap();
    let keyrings = file["keyrings"].as_object().unwrap();
    let mut executed = 0;
    let mut failures = Vec::new();
    for case in file["tests"].as_array().unwrap() {
        executed += 1;
        if let Err(problem) = run_case(case, keyrings) {
            failures.push(format!(
                "tcId {} ({}): {problem}",
                case["tcId"], case["comment"]
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing cases:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(executed, file["numberOfTests"].as_u64().unwrap());
}
