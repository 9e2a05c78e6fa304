use serde_json::json;
use sha3::Shake128;
use sha3::digest::{ExtendableOutput, Update, XofReader};
use xaes_256_gcm::Xaes256Gcm;
use xaes_256_gcm::aead::{Aead, KeyInit, Payload};

use super::*;
use crate::keyring::Keyring;

const NOW: u64 = 1_764_000_000_000;
const PW_1: &str = "native-test-password-one-0123456789abcdef";
const PW_2: &str = "native-test-password-two-0123456789abcdef";

fn ring() -> Keyring {
    Keyring::builder()
        .password("k2", PW_2)
        .password("k1", PW_1)
        .build()
        .unwrap()
}

fn opts() -> NativeOptions {
    NativeOptions {
        ttl_ms: Some(3_600_000),
        ..NativeOptions::for_cookie("session")
    }
}

fn code<T: std::fmt::Debug>(result: Result<T>) -> ErrorCode {
    result.unwrap_err().code()
}

#[test]
fn c2sp_xaes_vectors() {
    let cases: [([u8; 32], &[u8], &str); 2] = [
        (
            [1; 32],
            b"",
            "ce546ef63c9cc60765923609b33a9a1974e96e52daf2fcf7075e2271",
        ),
        (
            [3; 32],
            b"c2sp.org/XAES-256-GCM",
            "986ec1832593df5443a179437fd083bf3fdb41abd740a21f71eb769d",
        ),
    ];
    for (key, aad, expected) in cases {
        let cipher = Xaes256Gcm::new(&key.into());
        let nonce = Nonce::from(*b"ABCDEFGHIJKLMNOPQRSTUVWX");
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: b"XAES-256-GCM",
                    aad,
                },
            )
            .unwrap();
        assert_eq!(hex::encode(&sealed), expected);
    }
}

/// The C2SP accumulated test: 10,000 random (key, nonce, plaintext, aad) tuples read from a
/// SHAKE128 stream, every ciphertext fed to a second SHAKE128.
#[test]
fn c2sp_xaes_accumulated_10k() {
    let mut source = Shake128::default().finalize_xof();
    let mut sink = Shake128::default();
    let mut read = |n: usize| {
        let mut buf = vec![0u8; n];
        source.read(&mut buf);
        buf
    };
    for _ in 0..10_000 {
        let key: [u8; 32] = read(32).try_into().unwrap();
        let nonce: [u8; 24] = read(24).try_into().unwrap();
        let plaintext_len = usize::from(read(1)[0]);
        let plaintext = read(plaintext_len);
        let aad_len = usize::from(read(1)[0]);
        let aad = read(aad_len);
        let cipher = Xaes256Gcm::new(&key.into());
        let nonce = Nonce::from(nonce);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: &plaintext,
                    aad: &aad,
                },
            )
            .unwrap();
        sink.update(&sealed);
        let opened = cipher
            .decrypt(
                &nonce,
                Payload {
                    msg: &sealed,
                    aad: &aad,
                },
            )
            .unwrap();
        assert_eq!(opened, plaintext);
    }
    let mut digest = [0u8; 32];
    sink.finalize_xof().read(&mut digest);
    assert_eq!(
        hex::encode(digest),
        "e6b9edf2df6cec60c8cbd864e2211b597fb69a529160cd040d56c0c210081939"
    );
}

#[test]
fn round_trip_reports_key_and_times() {
    let value = json!({"user": "ada", "n": [1, 2.5, "ü"]});
    let token = seal_at(&value, &ring(), &opts(), NOW).unwrap();
    let opened = unseal_at(&token, &ring(), &opts(), NOW + 1).unwrap();
    assert_eq!(opened.value, value);
    assert_eq!(opened.key_id, "k2");
    assert_eq!(opened.issued_at, NOW);
    assert_eq!(opened.expires_at, Some(NOW + 3_600_000));
    assert!(!opened.needs_reseal);
}

#[test]
fn seals_differ_each_time() {
    let value = json!({"a": 1});
    let first = seal_at(&value, &ring(), &opts(), NOW).unwrap();
    let second = seal_at(&value, &ring(), &opts(), NOW).unwrap();
    assert_ne!(first, second);
}

#[test]
fn old_keys_unseal_and_ask_for_reseal_which_keeps_times() {
    let old = Keyring::builder().password("k1", PW_1).build().unwrap();
    let token = seal_at(&json!({"a": 1}), &old, &opts(), NOW).unwrap();
    let opened = unseal_at(&token, &ring(), &opts(), NOW + 5).unwrap();
    assert_eq!(opened.key_id, "k1");
    assert!(opened.needs_reseal);
    let resealed = reseal_at(&token, &ring(), &opts(), NOW + 5).unwrap();
    let again = unseal_at(&resealed, &ring(), &opts(), NOW + 6).unwrap();
    assert_eq!(again.key_id, "k2");
    assert!(!again.needs_reseal);
    assert_eq!(again.issued_at, NOW);
    assert_eq!(again.expires_at, Some(NOW + 3_600_000));
    assert_eq!(again.value, json!({"a": 1}));
}

#[test]
fn unknown_key_id_fails_closed() {
    let other = Keyring::builder().password("k9", PW_1).build().unwrap();
    let token = seal_at(&json!(1), &other, &opts(), NOW).unwrap();
    assert_eq!(
        code(unseal_at(&token, &ring(), &opts(), NOW)),
        ErrorCode::UnknownKey
    );
}

#[test]
fn same_id_with_another_secret_is_a_bad_seal() {
    let impostor = Keyring::builder().password("k2", PW_1).build().unwrap();
    let token = seal_at(&json!(1), &impostor, &opts(), NOW).unwrap();
    assert_eq!(
        code(unseal_at(&token, &ring(), &opts(), NOW)),
        ErrorCode::BadSeal
    );
}

#[test]
fn cookie_name_and_context_are_bound() {
    let token = seal_at(&json!(1), &ring(), &opts(), NOW).unwrap();
    let renamed = NativeOptions::for_cookie("other");
    assert_eq!(
        code(unseal_at(&token, &ring(), &renamed, NOW)),
        ErrorCode::BadSeal
    );
    let with_context = NativeOptions {
        context: b"tenant-7".to_vec(),
        ..opts()
    };
    assert_eq!(
        code(unseal_at(&token, &ring(), &with_context, NOW)),
        ErrorCode::BadSeal
    );
    let sealed_with_context = seal_at(&json!(1), &ring(), &with_context, NOW).unwrap();
    assert!(unseal_at(&sealed_with_context, &ring(), &with_context, NOW).is_ok());
}

#[test]
fn expiry_is_exclusive_at_the_boundary_and_leeway_extends_it() {
    let token = seal_at(&json!(1), &ring(), &opts(), NOW).unwrap();
    let exp = NOW + 3_600_000;
    assert!(unseal_at(&token, &ring(), &opts(), exp - 1).is_ok());
    assert_eq!(
        code(unseal_at(&token, &ring(), &opts(), exp)),
        ErrorCode::Expired
    );
    let lenient = NativeOptions {
        leeway_ms: 1000,
        ..opts()
    };
    assert!(unseal_at(&token, &ring(), &lenient, exp + 999).is_ok());
    assert_eq!(
        code(unseal_at(&token, &ring(), &lenient, exp + 1000)),
        ErrorCode::Expired
    );
}

#[test]
fn future_tokens_beyond_the_skew_are_rejected() {
    let token = seal_at(&json!(1), &ring(), &opts(), NOW).unwrap();
    assert!(unseal_at(&token, &ring(), &opts(), NOW - DEFAULT_SKEW_MS).is_ok());
    assert_eq!(
        code(unseal_at(
            &token,
            &ring(),
            &opts(),
            NOW - DEFAULT_SKEW_MS - 1
        )),
        ErrorCode::NotYetValid
    );
}

#[test]
fn tokens_without_ttl_never_expire_and_zero_ttl_is_refused() {
    let forever = NativeOptions::for_cookie("session");
    let token = seal_at(&json!(1), &ring(), &forever, NOW).unwrap();
    let opened = unseal_at(&token, &ring(), &forever, u64::MAX).unwrap();
    assert_eq!(opened.expires_at, None);
    let zero = NativeOptions {
        ttl_ms: Some(0),
        ..forever.clone()
    };
    assert_eq!(
        code(seal_at(&json!(1), &ring(), &zero, NOW)),
        ErrorCode::InvalidOption
    );
    let overflow = NativeOptions {
        ttl_ms: Some(u64::MAX),
        ..forever
    };
    assert_eq!(
        code(seal_at(&json!(1), &ring(), &overflow, NOW)),
        ErrorCode::InvalidOption
    );
}

#[test]
fn every_bit_flip_and_truncation_is_rejected() {
    let token = seal_at(&json!({"a": "b"}), &ring(), &opts(), NOW).unwrap();
    let bytes = b64::decode(&token, "t").unwrap();
    for index in 0..bytes.len() {
        for bit in 0..8 {
            let mut flipped = bytes.clone();
            flipped[index] ^= 1 << bit;
            let result = unseal_at(&b64::encode(&flipped), &ring(), &opts(), NOW);
            assert!(result.is_err(), "flip of byte {index} bit {bit} accepted");
        }
    }
    for len in 0..token.len() {
        assert!(unseal_at(&token[..len], &ring(), &opts(), NOW).is_err());
    }
}

#[test]
fn length_cap_comes_before_decoding() {
    let small = NativeOptions {
        max_token_chars: 10,
        ..opts()
    };
    // Not even base64: the cap still answers first.
    assert_eq!(
        code(unseal_at(&"!".repeat(11), &ring(), &small, NOW)),
        ErrorCode::TooLarge
    );
    assert_eq!(
        code(unseal_at("!!!", &ring(), &small, NOW)),
        ErrorCode::Malformed
    );
}

#[test]
fn payload_limits_apply_on_both_sides() {
    let tight = NativeOptions {
        json: JsonLimits {
            max_bytes: 1024,
            max_depth: 2,
        },
        ..opts()
    };
    assert_eq!(
        code(seal_at(&json!([[[1]]]), &ring(), &tight, NOW)),
        ErrorCode::InvalidJson
    );
    let deep = seal_at(&json!([[[1]]]), &ring(), &opts(), NOW).unwrap();
    assert_eq!(
        code(unseal_at(&deep, &ring(), &tight, NOW)),
        ErrorCode::InvalidJson
    );
    assert_eq!(
        code(seal_json_at("{\"a\":", &ring(), &opts(), NOW)),
        ErrorCode::InvalidJson
    );
    let small = NativeOptions {
        json: JsonLimits {
            max_bytes: 10,
            max_depth: 8,
        },
        ..opts()
    };
    let eleven_bytes = json!({"abcd": 12});
    assert_eq!(
        code(seal_at(&eleven_bytes, &ring(), &small, NOW)),
        ErrorCode::TooLarge
    );
    assert!(seal_at(&json!({"abc": 12}), &ring(), &small, NOW).is_ok());
}

#[test]
fn seal_json_keeps_the_exact_text() {
    let text = r#"{"b":1,"a":[1.50,"x"]}"#;
    let token = seal_json_at(text, &ring(), &opts(), NOW).unwrap();
    let bytes = b64::decode(&token, "t").unwrap();
    let parts = wire::parse(&bytes).unwrap();
    assert_eq!(parts.ciphertext.len(), text.len());
    let opened = unseal_at(&token, &ring(), &opts(), NOW).unwrap();
    assert_eq!(opened.value, json!({"b": 1, "a": [1.5, "x"]}));
}

#[test]
fn fixed_nonce_gives_a_deterministic_token() {
    let nonce = [0x42u8; NONCE_LEN];
    let seal_fixed = || {
        crate::rng::fixed_bytes(&nonce);
        seal_at(&json!({"a": 1}), &ring(), &opts(), NOW).unwrap()
    };
    assert_eq!(seal_fixed(), seal_fixed());
}

#[test]
fn long_contexts_are_bound_like_short_ones() {
    // Associated data up to 256 bytes is built on the stack, longer on the heap: both bind.
    for length in [0, 150, 200, 300, 5000] {
        let options = NativeOptions {
            context: vec![b'c'; length],
            ..opts()
        };
        let token = seal_at(&json!({"n": length}), &ring(), &options, NOW).unwrap();
        assert_eq!(
            unseal_at(&token, &ring(), &options, NOW).unwrap().value,
            json!({"n": length})
        );
        let mut other = options.clone();
        other.context.push(b'!');
        assert_eq!(
            code(unseal_at(&token, &ring(), &other, NOW)),
            ErrorCode::BadSeal,
            "{length}"
        );
    }
    let pieces: [&[u8]; 2] = [b"ab", b"c"];
    assert_eq!(keys::pae(&pieces).len(), keys::pae_len(&pieces));
}
