//! Generates `tests/vectors/native-v1.json`, checks the committed file matches, then runs every
//! case in it. The C, Python and Node runners read the same file.

mod common;

use polyseal::b64;
use polyseal::native;
use polyseal::rng;
use serde_json::{Value, json};

const FILE: &str = "native-v1.json";
const NOW: u64 = 1_764_000_000_000;
const HOUR: u64 = 3_600_000;
const PW_K1: &str = "vector-password-k1-0123456789-abcdefghij";
const PW_K2: &str = "vector-password-k2-0123456789-abcdefghij";
const PW_SPLIT_ENC: &str = "vector-password-split-encryption-0123456";
const PW_SPLIT_INT: &str = "vector-password-split-integrity-01234567";
const RAW_KEY_HEX: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

fn keyrings() -> Value {
    json!({
        "main": {"current": "k2", "entries": [
            common::password_entry("k2", PW_K2), common::password_entry("k1", PW_K1)]},
        "old": {"entries": [common::password_entry("k1", PW_K1)]},
        "unknown": {"entries": [common::password_entry("k9", PW_K1)]},
        "impostor": {"entries": [common::password_entry("k2", PW_K1)]},
        "single": {"entries": [common::password_entry("", PW_K1)]},
        "raw": {"entries": [{"id": "raw", "keyHex": RAW_KEY_HEX}]},
        "split": {"entries": [{"id": "s1",
            "encryption": {"password": PW_SPLIT_ENC}, "integrity": {"password": PW_SPLIT_INT}}]},
    })
}

/// Everything a case needs to be sealed deterministically.
struct Seal<'a> {
    keyring: &'a str,
    options: Value,
    now: u64,
    nonce: [u8; 24],
    payload: Vec<u8>,
}

impl Seal<'_> {
    fn token(&self) -> String {
        let keyring = common::keyring_from_json(&keyrings()[self.keyring]).unwrap();
        rng::fixed_bytes(&self.nonce);
        native::seal_bytes_at(
            &self.payload,
            &keyring,
            &common::native_options(&self.options),
            self.now,
        )
        .unwrap()
    }
}

fn nonce(seed: u8) -> [u8; 24] {
    std::array::from_fn(|i| seed.wrapping_mul(31).wrapping_add(i as u8))
}

fn main_seal(payload: &str, seed: u8) -> Seal<'static> {
    Seal {
        keyring: "main",
        options: json!({"cookieName": "session", "ttl": HOUR}),
        now: NOW,
        nonce: nonce(seed),
        payload: payload.as_bytes().to_vec(),
    }
}

struct Cases {
    tests: Vec<Value>,
}

impl Cases {
    fn push(&mut self, mut case: Value) {
        case["tcId"] = json!(self.tests.len() + 1);
        self.tests.push(case);
    }

    fn valid_seal(&mut self, comment: &str, flags: &[&str], seal: Seal<'_>, expect: Value) {
        let token = seal.token();
        let mut case = json!({
            "comment": comment, "flags": flags, "op": "seal", "keyring": seal.keyring,
            "options": seal.options, "now": seal.now, "nonceHex": hex::encode(seal.nonce),
            "payload": String::from_utf8(seal.payload.clone()).unwrap(), "token": token, "result": "valid", "error": null,
        });
        merge(&mut case, expect);
        self.push(case);
    }

    fn valid_unseal(&mut self, comment: &str, flags: &[&str], token: String, at: Unseal<'_>) {
        let mut case = json!({
            "comment": comment, "flags": flags, "op": "unseal", "keyring": at.keyring,
            "options": at.options, "now": at.now, "token": token, "payload": at.payload,
            "result": "valid", "error": null,
        });
        merge(&mut case, at.expect);
        self.push(case);
    }

    fn invalid(
        &mut self,
        comment: &str,
        flags: &[&str],
        token: String,
        at: Unseal<'_>,
        error: &str,
    ) {
        self.push(json!({
            "comment": comment, "flags": flags, "op": "unseal", "keyring": at.keyring,
            "options": at.options, "now": at.now, "token": token, "payload": null,
            "result": "invalid", "error": error,
        }));
    }
}

/// Where and how a token is unsealed.
struct Unseal<'a> {
    keyring: &'a str,
    options: Value,
    now: u64,
    payload: &'a str,
    expect: Value,
}

fn at_main(now: u64) -> Unseal<'static> {
    Unseal {
        keyring: "main",
        options: json!({"cookieName": "session"}),
        now,
        payload: "",
        expect: json!({}),
    }
}

fn merge(case: &mut Value, extra: Value) {
    for (key, value) in extra.as_object().expect("object").clone() {
        case[key] = value;
    }
}

fn expect_meta(key_id: &str, issued_at: u64, expires_at: Option<u64>, needs_reseal: bool) -> Value {
    json!({"keyId": key_id, "issuedAt": issued_at, "expiresAt": expires_at, "needsReseal": needs_reseal})
}

/// Flips one bit of the decoded token at `index` and re-encodes canonically.
fn flip(token: &str, index: usize) -> String {
    let mut bytes = b64::decode(token, "t").unwrap();
    let index = if index >= bytes.len() {
        bytes.len() - 1
    } else {
        index
    };
    bytes[index] ^= 0x01;
    b64::encode(&bytes)
}

const SIMPLE: &str = r#"{"userId":12345,"theme":"dark","roles":["admin","editor"]}"#;
const UNICODE: &str = r#"{"name":"Zoë 🦀","text":"line\nbreak \"quoted\" \\ ü€𝄞","nested":{"a":[1,2.5,-3e-7,null,true,{"b":{}}]}}"#;

fn positive_cases(cases: &mut Cases) {
    cases.valid_seal(
        "h3-shaped session, current key",
        &["SEAL"],
        main_seal(SIMPLE, 1),
        expect_meta("k2", NOW, Some(NOW + HOUR), false),
    );
    cases.valid_seal(
        "unicode, escapes and nesting kept byte for byte",
        &["SEAL", "UNICODE"],
        main_seal(UNICODE, 2),
        expect_meta("k2", NOW, Some(NOW + HOUR), false),
    );
    cases.valid_seal(
        "empty object",
        &["SEAL"],
        main_seal("{}", 3),
        expect_meta("k2", NOW, Some(NOW + HOUR), false),
    );
    cases.valid_seal(
        "scalar payload",
        &["SEAL"],
        main_seal("\"just a string\"", 4),
        expect_meta("k2", NOW, Some(NOW + HOUR), false),
    );
    let big = format!(r#"{{"blob":"{}"}}"#, "x".repeat(2900));
    cases.valid_seal(
        "payload near the 4 KB cookie size",
        &["SEAL", "LARGE"],
        main_seal(&big, 5),
        expect_meta("k2", NOW, Some(NOW + HOUR), false),
    );
    cases.valid_seal(
        "no expiry",
        &["SEAL", "NO_EXPIRY"],
        Seal {
            options: json!({"cookieName": "session"}),
            ..main_seal(SIMPLE, 6)
        },
        expect_meta("k2", NOW, None, false),
    );
    cases.valid_seal(
        "raw 32-byte key",
        &["SEAL", "RAW_KEY"],
        Seal {
            keyring: "raw",
            ..main_seal(SIMPLE, 7)
        },
        expect_meta("raw", NOW, Some(NOW + HOUR), false),
    );
    cases.valid_seal(
        "separate encryption and integrity secrets",
        &["SEAL", "SPLIT"],
        Seal {
            keyring: "split",
            ..main_seal(SIMPLE, 8)
        },
        expect_meta("s1", NOW, Some(NOW + HOUR), false),
    );
    cases.valid_seal(
        "single id-less password",
        &["SEAL"],
        Seal {
            keyring: "single",
            ..main_seal(SIMPLE, 9)
        },
        expect_meta("", NOW, Some(NOW + HOUR), false),
    );
    cases.valid_seal(
        "context bound into the AAD",
        &["SEAL", "CONTEXT"],
        Seal {
            options: json!({"cookieName": "session", "context": "tenant-42", "ttl": HOUR}),
            ..main_seal(SIMPLE, 10)
        },
        expect_meta("k2", NOW, Some(NOW + HOUR), false),
    );
    cases.valid_seal(
        "empty cookie name",
        &["SEAL"],
        Seal {
            options: json!({"ttl": HOUR}),
            ..main_seal(SIMPLE, 11)
        },
        expect_meta("k2", NOW, Some(NOW + HOUR), false),
    );

    let old = Seal {
        keyring: "old",
        ..main_seal(SIMPLE, 12)
    }
    .token();
    cases.valid_unseal(
        "sealed with a non-current key: accepted, reseal requested",
        &["ROTATION"],
        old,
        Unseal {
            payload: SIMPLE,
            expect: expect_meta("k1", NOW, Some(NOW + HOUR), true),
            ..at_main(NOW + 1)
        },
    );
    let token = main_seal(SIMPLE, 13).token();
    cases.valid_unseal(
        "one millisecond before expiry",
        &["EXPIRY_BOUNDARY"],
        token.clone(),
        Unseal {
            payload: SIMPLE,
            expect: expect_meta("k2", NOW, Some(NOW + HOUR), false),
            ..at_main(NOW + HOUR - 1)
        },
    );
    cases.valid_unseal(
        "issued in the future, within the 60 s skew",
        &["SKEW"],
        token,
        Unseal {
            payload: SIMPLE,
            expect: expect_meta("k2", NOW, Some(NOW + HOUR), false),
            ..at_main(NOW - 60_000)
        },
    );
}

fn negative_cases(cases: &mut Cases) {
    let token = main_seal(SIMPLE, 20).token();
    let header_len = 1 + 1 + 2 + 16;
    let regions = [
        ("version byte", 0, "UNSUPPORTED_VERSION"),
        ("key id byte", 3, "UNKNOWN_KEY"),
        ("issued-at", 5, "BAD_SEAL"),
        ("expiry", 15, "BAD_SEAL"),
        ("nonce", header_len + 3, "BAD_SEAL"),
        ("ciphertext", header_len + 30, "BAD_SEAL"),
        ("tag", usize::MAX, "BAD_SEAL"),
    ];
    for (region, index, error) in regions {
        cases.invalid(
            &format!("one bit flipped in the {region}"),
            &["TAMPERED"],
            flip(&token, index),
            at_main(NOW),
            error,
        );
    }
    let mut k1_kid = b64::decode(&token, "t").unwrap();
    k1_kid[3] = b'1';
    cases.invalid(
        "key id rewritten to another key the keyring holds",
        &["TAMPERED", "ROTATION"],
        b64::encode(&k1_kid),
        at_main(NOW),
        "BAD_SEAL",
    );
    cases.invalid(
        "truncated by three bytes",
        &["TRUNCATED"],
        token[..token.len() - 4].to_owned(),
        at_main(NOW),
        "BAD_SEAL",
    );
    cases.invalid(
        "truncated below the minimum length",
        &["TRUNCATED"],
        token[..70].to_owned(),
        at_main(NOW),
        "MALFORMED",
    );
    cases.invalid(
        "empty token",
        &["TRUNCATED"],
        String::new(),
        at_main(NOW),
        "MALFORMED",
    );
    cases.invalid(
        "sealed under the same id with another secret",
        &["WRONG_KEY"],
        Seal {
            keyring: "impostor",
            ..main_seal(SIMPLE, 21)
        }
        .token(),
        at_main(NOW),
        "BAD_SEAL",
    );
    cases.invalid(
        "key id the keyring does not hold",
        &["UNKNOWN_KEY"],
        Seal {
            keyring: "unknown",
            ..main_seal(SIMPLE, 22)
        }
        .token(),
        at_main(NOW),
        "UNKNOWN_KEY",
    );
    cases.invalid(
        "presented under another cookie name",
        &["COOKIE_NAME"],
        token.clone(),
        Unseal {
            options: json!({"cookieName": "admin_session"}),
            ..at_main(NOW)
        },
        "BAD_SEAL",
    );
    let with_context = Seal {
        options: json!({"cookieName": "session", "context": "tenant-42", "ttl": HOUR}),
        ..main_seal(SIMPLE, 23)
    }
    .token();
    cases.invalid(
        "presented with another context",
        &["CONTEXT"],
        with_context.clone(),
        Unseal {
            options: json!({"cookieName": "session", "context": "tenant-43"}),
            ..at_main(NOW)
        },
        "BAD_SEAL",
    );
    cases.invalid(
        "presented without its context",
        &["CONTEXT"],
        with_context,
        at_main(NOW),
        "BAD_SEAL",
    );
    cases.invalid(
        "exactly at expiry",
        &["EXPIRY_BOUNDARY"],
        token.clone(),
        at_main(NOW + HOUR),
        "EXPIRED",
    );
    cases.invalid(
        "tampered and expired: authentication is checked first",
        &["TAMPERED", "EXPIRY_BOUNDARY"],
        flip(&token, header_len + 30),
        at_main(NOW + 2 * HOUR),
        "BAD_SEAL",
    );
    cases.invalid(
        "issued beyond the 60 s skew in the future",
        &["SKEW"],
        token.clone(),
        at_main(NOW - 60_001),
        "NOT_YET_VALID",
    );
    let mut trailing = token.clone();
    let last = trailing.pop().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let position = alphabet.find(last).unwrap();
    trailing.push(alphabet.as_bytes()[position ^ 1] as char);
    cases.invalid(
        "non-zero trailing bits (non-canonical base64url)",
        &["NON_CANONICAL"],
        trailing,
        at_main(NOW),
        "MALFORMED",
    );
    cases.invalid(
        "padding appended",
        &["NON_CANONICAL"],
        format!("{token}="),
        at_main(NOW),
        "MALFORMED",
    );
    cases.invalid(
        "standard-alphabet character",
        &["NON_CANONICAL"],
        token.replacen(['-', '_'], "+", 1),
        at_main(NOW),
        "MALFORMED",
    );
    cases.invalid(
        "whitespace inside",
        &["NON_CANONICAL"],
        format!("{} {}", &token[..10], &token[10..]),
        at_main(NOW),
        "MALFORMED",
    );
    cases.invalid(
        "longer than the token length cap",
        &["OVERSIZE"],
        token.clone(),
        Unseal {
            options: json!({"cookieName": "session", "maxTokenChars": 100}),
            ..at_main(NOW)
        },
        "TOO_LARGE",
    );
    cases.invalid(
        "authentic but not JSON",
        &["PAYLOAD"],
        main_seal("{\"a\":", 24).token(),
        at_main(NOW),
        "INVALID_JSON",
    );
    cases.invalid(
        "authentic but not UTF-8",
        &["PAYLOAD"],
        Seal {
            payload: b"\"\xff\"".to_vec(),
            ..main_seal("", 25)
        }
        .token(),
        at_main(NOW),
        "INVALID_JSON",
    );
    let deep = format!("{}1{}", "[".repeat(65), "]".repeat(65));
    cases.invalid(
        "authentic but nested deeper than 64 levels",
        &["PAYLOAD"],
        main_seal(&deep, 26).token(),
        at_main(NOW),
        "INVALID_JSON",
    );
}

fn generate() -> Value {
    let mut cases = Cases { tests: Vec::new() };
    positive_cases(&mut cases);
    negative_cases(&mut cases);
    common::document(
        "native-v1",
        "polyseal native v1 tokens: seal cases with fixed nonces, unseal cases, and rejections",
        json!({
            "SEAL": "seal with nonceHex at now must give token exactly (Rust); others unseal token to payload",
            "UNICODE": "non-ASCII text and JSON escapes",
            "LARGE": "payload close to the 4096-byte cookie limit",
            "NO_EXPIRY": "sealed without ttl: expiresAt is null",
            "RAW_KEY": "the keyring holds a raw 32-byte key",
            "SPLIT": "separate encryption and integrity secrets",
            "CONTEXT": "caller context bound into the AAD",
            "ROTATION": "key rotation",
            "EXPIRY_BOUNDARY": "expired iff now >= expiresAt",
            "SKEW": "issued-at may be at most skew (default 60000 ms) in the future",
            "TAMPERED": "a bit of the decoded token flipped",
            "TRUNCATED": "characters removed from the end",
            "WRONG_KEY": "sealed with another secret under the same id",
            "UNKNOWN_KEY": "the key id is not in the keyring: fails closed",
            "COOKIE_NAME": "the cookie name is bound into the AAD",
            "NON_CANONICAL": "only canonical unpadded base64url is accepted",
            "OVERSIZE": "the length cap is checked before decoding",
            "PAYLOAD": "authentic token whose payload is rejected",
        }),
        keyrings(),
        cases.tests,
    )
}

/// Runs one case through the public API and returns the error name, if any.
fn run(case: &Value, keyrings: &Value) -> Result<(), String> {
    let keyring = common::keyring_from_json(&keyrings[case["keyring"].as_str().unwrap()]).unwrap();
    let options = common::native_options(&case["options"]);
    let now = case["now"].as_u64().unwrap();
    let token = case["token"].as_str().unwrap();
    if case["op"] == "seal" {
        let nonce = hex::decode(case["nonceHex"].as_str().unwrap()).unwrap();
        rng::fixed_bytes(&nonce);
        let payload = case["payload"].as_str().unwrap();
        let sealed = native::seal_json_at(payload, &keyring, &options, now)
            .map_err(|e| e.code().name().to_owned())?;
        assert_eq!(sealed, token, "tcId {}: sealed token differs", case["tcId"]);
    }
    let opened = native::unseal_at(token, &keyring, &options, now)
        .map_err(|e| e.code().name().to_owned())?;
    let expected: Value = serde_json::from_str(case["payload"].as_str().unwrap()).unwrap();
    assert_eq!(opened.value, expected, "tcId {}", case["tcId"]);
    assert_eq!(json!(opened.key_id), case["keyId"], "tcId {}", case["tcId"]);
    assert_eq!(
        json!(opened.issued_at),
        case["issuedAt"],
        "tcId {}",
        case["tcId"]
    );
    assert_eq!(
        json!(opened.expires_at),
        case["expiresAt"],
        "tcId {}",
        case["tcId"]
    );
    assert_eq!(
        json!(opened.needs_reseal),
        case["needsReseal"],
        "tcId {}",
        case["tcId"]
    );
    Ok(())
}

#[test]
fn native_vectors_are_current_and_pass() {
    common::check_or_write(FILE, &generate());
    let document = common::load(FILE);
    let tests = document["tests"].as_array().unwrap();
    let mut executed = 0;
    for case in tests {
        let outcome = run(case, &document["keyrings"]);
        match case["result"].as_str().unwrap() {
            "valid" => assert_eq!(
                outcome,
                Ok(()),
                "tcId {} ({})",
                case["tcId"],
                case["comment"]
            ),
            _ => assert_eq!(
                outcome,
                Err(case["error"].as_str().unwrap().to_owned()),
                "tcId {} ({})",
                case["tcId"],
                case["comment"]
            ),
        }
        executed += 1;
    }
    assert_eq!(
        executed,
        document["numberOfTests"].as_u64().unwrap() as usize
    );
    assert!(executed >= 40, "only {executed} cases");
}
