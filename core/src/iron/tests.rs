use serde_json::json;

use super::*;
use crate::keyring::Secret;

const PW: &str = "some_not_random_password_that_is_also_long_enough";
const PW_B: &str = "another-password-long-enough-abcdefghijkl";
const NOW: u64 = 1_764_000_000_000;

fn iron() -> IronOptions {
    IronOptions::for_profile(Profile::Iron)
}

fn code<T: std::fmt::Debug>(result: Result<T>) -> ErrorCode {
    result.unwrap_err().code()
}

/// Tokens printed by @hapi/iron 7.0.1 with fixed salts, IV and clock (an independent oracle).
#[test]
fn unseals_tokens_sealed_by_hapi_iron() {
    let single = Keyring::from_password(PW).unwrap();
    let token = "Fe26.2**encsalt-text*AAECAwQFBgcICQoLDA0ODw*WKS_FfdF_rc9kBr8OzaLqgqClkEeMhEHpQmFOaMfVfSHo9TkND5Jo9AzyyUtRcN2**intsalt-text*_7PvweCEaZRfvnsc6H7DJ7OzqhBih0hXfiAtScrHQq4";
    let unsealed = unseal_at(token, &single, &iron(), NOW).unwrap();
    assert_eq!(
        unsealed.value,
        json!({"a": 1, "b": "é😀", "c": [true, null]})
    );
    assert_eq!(unsealed.expires_at, None);

    let ring = Keyring::builder().password("k1", PW).build().unwrap();
    let mut options = iron();
    options.iterations = 8192;
    let token = "Fe26.2*k1*encsalt-text*AAECAwQFBgcICQoLDA0ODw*qOoXXj5xaNylKvX-zApc6A*1764003600000*intsalt-text*fgaZreehXY5YO_rrNlb4A-DZ2ku_5r4gTPPiLMxWhxQ";
    let unsealed = unseal_at(token, &ring, &options, NOW).unwrap();
    assert_eq!(unsealed.value, json!({"a": 1}));
    assert_eq!(unsealed.expires_at, Some(1_764_003_600_000));
    assert_eq!(unsealed.key_id, "k1");
    assert!(!unsealed.needs_reseal);
}

#[cfg(feature = "test-hooks")]
#[test]
fn seals_byte_for_byte_like_hapi_iron() {
    let iv: [u8; 16] = std::array::from_fn(|i| i as u8);
    let ring = Keyring::builder().password("k1", PW).build().unwrap();
    let mut options = iron();
    options.iterations = 8192;
    options.ttl_ms = 3_600_000;
    let token = seal_bytes_fixed_at(
        br#"{"a":1}"#,
        &ring,
        &options,
        NOW,
        "encsalt-text",
        iv,
        "intsalt-text",
    )
    .unwrap();
    assert_eq!(
        token,
        "Fe26.2*k1*encsalt-text*AAECAwQFBgcICQoLDA0ODw*qOoXXj5xaNylKvX-zApc6A*1764003600000*intsalt-text*fgaZreehXY5YO_rrNlb4A-DZ2ku_5r4gTPPiLMxWhxQ"
    );
}

#[test]
fn round_trips_in_every_profile() {
    let ring = Keyring::from_password(PW).unwrap();
    let value = json!({"id": "x", "createdAt": NOW, "data": {"n": 0.1, "s": "\u{2028}"}});
    for &profile in Profile::ALL {
        let options = IronOptions::for_profile(profile);
        let token = seal_at(&value, &ring, &options, NOW).unwrap();
        assert!(token.starts_with("Fe26.2*"), "{profile}: {token}");
        let unsealed = unseal_at(&token, &ring, &options, NOW).unwrap();
        assert_eq!(unsealed.value, value, "{profile}");
        assert!(!unsealed.needs_reseal);
    }
}

#[test]
fn profiles_have_their_documented_defaults() {
    let h3v2 = IronOptions::for_profile(Profile::H3V2);
    assert_eq!((h3v2.iterations, h3v2.legacy_iterations), (8192, Some(1)));
    let session = IronOptions::for_profile(Profile::IronSession);
    assert_eq!(session.ttl_ms, 14 * 24 * 3600 * 1000);
    assert!(session.version_suffix && session.numeric_ids);
    let h3v1 = IronOptions::for_profile(Profile::H3V1);
    assert_eq!(h3v1, IronOptions::default());
    assert_eq!((h3v1.iterations, h3v1.ttl_ms, h3v1.salt_bits), (1, 0, 256));
    for &profile in Profile::ALL {
        assert_eq!(Profile::from_name(profile.name()).unwrap(), profile);
    }
    assert_eq!(code(Profile::from_name("h3")), ErrorCode::InvalidOption);
    assert_eq!(
        code(IronOptions::for_profile_name("H3-V1")),
        ErrorCode::InvalidOption
    );
}

#[test]
fn bad_options_are_rejected() {
    let ring = Keyring::from_password(PW).unwrap();
    let mut cases: Vec<IronOptions> = Vec::new();
    for change in 0..6 {
        let mut options = iron();
        match change {
            0 => options.iterations = 0,
            1 => options.salt_bits = 0,
            2 => options.legacy_iterations = Some(0),
            3 => options.iterations = MAX_ITERATIONS + 1,
            4 => options.max_token_bytes = 0,
            _ => options.ttl_ms = MAX_EXPIRATION_MS + 1,
        }
        cases.push(options);
    }
    for options in cases {
        assert_eq!(
            code(seal_at(&json!({}), &ring, &options, NOW)),
            ErrorCode::InvalidOption
        );
        assert_eq!(
            code(unseal_at("x", &ring, &options, NOW)),
            ErrorCode::InvalidOption
        );
    }
    // A ttl that pushes the expiry beyond what JavaScript prints as an integer.
    let mut options = iron();
    options.ttl_ms = MAX_EXPIRATION_MS - NOW + 1;
    assert_eq!(
        code(seal_at(&json!({}), &ring, &options, NOW)),
        ErrorCode::InvalidOption
    );
}

#[test]
fn expiry_uses_skew_and_local_offset() {
    let ring = Keyring::from_password(PW).unwrap();
    let mut options = iron();
    options.ttl_ms = 1000;
    let token = seal_at(&json!(1), &ring, &options, NOW).unwrap();
    let expiry = NOW + 1000;
    // Expired iff expiry <= now - 60 s.
    assert!(unseal_at(&token, &ring, &options, expiry + 59_999).is_ok());
    assert_eq!(
        code(unseal_at(&token, &ring, &options, expiry + 60_000)),
        ErrorCode::Expired
    );
    options.timestamp_skew_sec = 0;
    assert_eq!(
        code(unseal_at(&token, &ring, &options, expiry)),
        ErrorCode::Expired
    );
    assert!(unseal_at(&token, &ring, &options, expiry - 1).is_ok());
    options.localtime_offset_ms = -10;
    assert!(unseal_at(&token, &ring, &options, expiry + 9).is_ok());
    // The offset applies when sealing too.
    let token = seal_at(&json!(1), &ring, &options, NOW).unwrap();
    let unsealed = unseal_at(&token, &ring, &options, NOW).unwrap();
    assert_eq!(unsealed.expires_at, Some(NOW - 10 + 1000));
}

fn field_replaced(token: &str, index: usize, with: &str) -> String {
    let mut parts: Vec<&str> = token.split('*').collect();
    parts[index] = with;
    parts.join("*")
}

#[test]
fn checks_run_in_iron_order() {
    let ring = Keyring::builder()
        .password("a", PW)
        .password("b", PW_B)
        .build()
        .unwrap();
    let mut options = iron();
    options.ttl_ms = 1000;
    let token = seal_at(&json!({"k": 1}), &ring, &options, NOW).unwrap();
    let later = NOW + 1000 + 60_000;
    let bad_mac = field_replaced(&token, 7, &"A".repeat(43));
    // Expiry before the MAC: a forged but expired token reads as expired, as in iron.
    assert_eq!(
        code(unseal_at(&bad_mac, &ring, &options, later)),
        ErrorCode::Expired
    );
    // Lookup before the MAC, and before decoding the binary fields.
    let unknown = field_replaced(&bad_mac, 1, "zz");
    assert_eq!(
        code(unseal_at(&unknown, &ring, &options, NOW)),
        ErrorCode::UnknownKey
    );
    let unknown = field_replaced(&unknown, 3, "!!");
    assert_eq!(
        code(unseal_at(&unknown, &ring, &options, NOW)),
        ErrorCode::UnknownKey
    );
    // The prefix before the expiration.
    let old = field_replaced(&bad_mac, 0, "Fe26.1");
    assert_eq!(
        code(unseal_at(&old, &ring, &options, later)),
        ErrorCode::UnsupportedVersion
    );
    // The part count before the prefix.
    let short = format!(
        "Fe26.1*{}",
        token.split_once('*').unwrap().1.rsplit_once('*').unwrap().0
    );
    assert_eq!(
        code(unseal_at(&short, &ring, &options, NOW)),
        ErrorCode::Malformed
    );
    assert_eq!(
        code(unseal_at(&bad_mac, &ring, &options, NOW)),
        ErrorCode::BadSeal
    );
}

#[test]
fn malformed_fields_are_rejected_before_any_key_is_derived() {
    let ring = Keyring::from_password(PW).unwrap();
    let token = seal_at(&json!({"k": 1}), &ring, &iron(), NOW).unwrap();
    let cases = [
        (0, "Fe26"),
        (0, "fe26.2"),
        (5, "12a"),
        (5, "-5"),
        (5, " 5"),
        (3, "AAEC"),
        (3, "AAECAwQFBgcICQoLDA0ODx"),
        (4, "QUJD"),
        (4, ""),
        (7, "AAAA"),
    ];
    for (index, with) in cases {
        let bad = field_replaced(&token, index, with);
        crypto::DERIVATIONS.set(0);
        assert_eq!(
            code(unseal_at(&bad, &ring, &iron(), NOW)),
            ErrorCode::Malformed,
            "{bad}"
        );
        assert_eq!(crypto::DERIVATIONS.get(), 0, "{bad}");
    }
    let mac = token.rsplit_once('*').unwrap().1;
    let mut non_canonical = mac.to_owned();
    // The last of 43 characters carries 2 spare bits: setting one keeps the bytes, breaks the text.
    let last = non_canonical.pop().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let position = alphabet.find(last).unwrap();
    non_canonical.push(alphabet.as_bytes()[position ^ 1] as char);
    let bad = field_replaced(&token, 7, &non_canonical);
    assert_eq!(
        code(unseal_at(&bad, &ring, &iron(), NOW)),
        ErrorCode::Malformed
    );
    let padded = field_replaced(&token, 7, &format!("{mac}="));
    assert_eq!(
        code(unseal_at(&padded, &ring, &iron(), NOW)),
        ErrorCode::Malformed
    );
}

#[test]
fn a_forged_token_costs_one_derivation() {
    // Without the cache, so every unseal below derives what it needs.
    let ring = Keyring::builder()
        .password("", PW)
        .derived_key_cache(0)
        .build()
        .unwrap();
    let options = IronOptions::for_profile(Profile::H3V1);
    let token = seal_at(&json!({"k": 1}), &ring, &options, NOW).unwrap();
    let forged = field_replaced(&token, 7, &"A".repeat(43));
    crypto::DERIVATIONS.set(0);
    assert_eq!(
        code(unseal_at(&forged, &ring, &options, NOW)),
        ErrorCode::BadSeal
    );
    assert_eq!(crypto::DERIVATIONS.get(), 1);
    // h3-v2 tries its legacy count as well: one 8192-iteration and one 1-iteration derivation.
    let options = IronOptions::for_profile(Profile::H3V2);
    crypto::DERIVATIONS.set(0);
    crypto::ITERATIONS.set(0);
    assert_eq!(
        code(unseal_at(&forged, &ring, &options, NOW)),
        ErrorCode::BadSeal
    );
    assert_eq!(crypto::DERIVATIONS.get(), 2);
    assert_eq!(crypto::ITERATIONS.get(), 8192 + 1);
    // An authentic token costs two: integrity, then encryption.
    let token = seal_at(&json!({"k": 1}), &ring, &options, NOW).unwrap();
    crypto::DERIVATIONS.set(0);
    assert!(unseal_at(&token, &ring, &options, NOW).is_ok());
    assert_eq!(crypto::DERIVATIONS.get(), 2);
}

#[test]
fn h3_v2_accepts_legacy_tokens_and_asks_for_a_reseal() {
    let ring = Keyring::from_password(PW).unwrap();
    let legacy = seal_at(
        &json!({"v": 1}),
        &ring,
        &IronOptions::for_profile(Profile::H3V1),
        NOW,
    )
    .unwrap();
    let h3v2 = IronOptions::for_profile(Profile::H3V2);
    let unsealed = unseal_at(&legacy, &ring, &h3v2, NOW).unwrap();
    assert_eq!(unsealed.value, json!({"v": 1}));
    assert!(unsealed.needs_reseal);
    let current = seal_at(&json!({"v": 2}), &ring, &h3v2, NOW).unwrap();
    assert!(!unseal_at(&current, &ring, &h3v2, NOW).unwrap().needs_reseal);
    // Without the fallback the legacy token is simply a bad seal.
    let mut strict = h3v2.clone();
    strict.legacy_iterations = None;
    assert_eq!(
        code(unseal_at(&legacy, &ring, &strict, NOW)),
        ErrorCode::BadSeal
    );
    // And an h3-v1 reader does not read 8192-iteration tokens.
    let h3v1 = IronOptions::for_profile(Profile::H3V1);
    assert_eq!(
        code(unseal_at(&current, &ring, &h3v1, NOW)),
        ErrorCode::BadSeal
    );
}

#[test]
fn password_lookup_follows_iron() {
    let old = Keyring::builder().password("old", PW_B).build().unwrap();
    let id_less = Keyring::from_password(PW_B).unwrap();
    let rotated = Keyring::builder()
        .password("new", PW)
        .password("old", PW_B)
        .password("default", PW_B)
        .build()
        .unwrap();
    let options = iron();
    let from_old = seal_at(&json!(1), &old, &options, NOW).unwrap();
    let unsealed = unseal_at(&from_old, &rotated, &options, NOW).unwrap();
    assert_eq!(
        (unsealed.key_id.as_str(), unsealed.needs_reseal),
        ("old", true)
    );
    // An id-less token is looked up as "default".
    let from_id_less = seal_at(&json!(1), &id_less, &options, NOW).unwrap();
    assert!(from_id_less.starts_with("Fe26.2**"));
    let unsealed = unseal_at(&from_id_less, &rotated, &options, NOW).unwrap();
    assert_eq!(unsealed.key_id, "default");
    // A single id-less password unseals whatever the id says.
    let unsealed = unseal_at(&from_old, &id_less, &options, NOW).unwrap();
    assert_eq!(
        (unsealed.key_id.as_str(), unsealed.needs_reseal),
        ("", false)
    );
    // No default entry: unknown key, naming the id that was looked up.
    let no_default = Keyring::builder().password("new", PW).build().unwrap();
    let err = unseal_at(&from_id_less, &no_default, &options, NOW).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnknownKey);
    assert_eq!(err.message(), "cannot find password: default");
    let err = unseal_at(&from_old, &no_default, &options, NOW).unwrap_err();
    assert_eq!(err.message(), "cannot find password: old");
    let weird = field_replaced(&from_old, 1, "<script>");
    let err = unseal_at(&weird, &no_default, &options, NOW).unwrap_err();
    assert!(!err.message().contains("script"), "{err}");
}

#[test]
fn wrong_passwords_and_tampering_are_bad_seals() {
    let ring = Keyring::from_password(PW).unwrap();
    let other = Keyring::from_password(PW_B).unwrap();
    let token = seal_at(&json!({"secret": "x"}), &ring, &iron(), NOW).unwrap();
    assert_eq!(
        code(unseal_at(&token, &other, &iron(), NOW)),
        ErrorCode::BadSeal
    );
    for index in [1, 2, 3, 4, 5, 6] {
        let parts: Vec<&str> = token.split('*').collect();
        let changed = match parts[index] {
            "" if index == 5 => "9999999999999".to_owned(),
            "" => "x".to_owned(),
            field => {
                let mut bytes = crate::b64::decode(field, "f").unwrap_or_default();
                if bytes.is_empty() {
                    format!("{field}0")
                } else {
                    bytes[0] ^= 1;
                    crate::b64::encode(&bytes)
                }
            }
        };
        let tampered = field_replaced(&token, index, &changed);
        assert_eq!(
            code(unseal_at(&tampered, &ring, &iron(), NOW)),
            ErrorCode::BadSeal,
            "{index}"
        );
    }
    // A password-derived token with its salt emptied cannot verify (iron would pick a random salt).
    let no_salt = field_replaced(&token, 6, "");
    crypto::DERIVATIONS.set(0);
    assert_eq!(
        code(unseal_at(&no_salt, &ring, &iron(), NOW)),
        ErrorCode::BadSeal
    );
    assert_eq!(crypto::DERIVATIONS.get(), 0);
}

#[test]
fn raw_keys_and_split_secrets() {
    let raw = Keyring::from_key(&[7; 32]).unwrap();
    let token = seal_at(&json!({"r": 1}), &raw, &iron(), NOW).unwrap();
    let parts: Vec<&str> = token.split('*').collect();
    assert_eq!((parts[2], parts[6]), ("", ""));
    assert_eq!(
        unseal_at(&token, &raw, &iron(), NOW).unwrap().value,
        json!({"r": 1})
    );

    let split = Keyring::builder()
        .split("s", Secret::password(PW), Secret::key(&[8; 32]))
        .build()
        .unwrap();
    let token = seal_at(&json!({"s": 1}), &split, &iron(), NOW).unwrap();
    let parts: Vec<&str> = token.split('*').collect();
    assert_eq!(parts[2].len(), 64);
    assert_eq!(parts[6], "");
    assert!(unseal_at(&token, &split, &iron(), NOW).is_ok());
    // Swapping the two roles must not verify.
    let swapped = Keyring::builder()
        .split("s", Secret::key(&[8; 32]), Secret::password(PW))
        .build()
        .unwrap();
    assert_eq!(
        code(unseal_at(&token, &swapped, &iron(), NOW)),
        ErrorCode::BadSeal
    );
}

#[test]
fn iron_session_ids_and_suffix() {
    let options = IronOptions::for_profile(Profile::IronSession);
    let id_less = Keyring::from_password(PW).unwrap();
    let token = seal_at(&json!({"u": 1}), &id_less, &options, NOW).unwrap();
    assert!(
        token.starts_with("Fe26.2*1*") && token.ends_with("~2"),
        "{token}"
    );
    assert_eq!(
        unseal_at(&token, &id_less, &options, NOW)
            .unwrap()
            .expires_at,
        Some(NOW + IRON_SESSION_TTL_MS)
    );
    let body = token.strip_suffix("~2").unwrap();
    for variant in [body.to_owned(), format!("{body}~3"), format!("{body}~2~x")] {
        assert!(
            unseal_at(&variant, &id_less, &options, NOW).is_ok(),
            "{variant}"
        );
    }
    // Other profiles do not strip the suffix: it corrupts the MAC field.
    assert_eq!(
        code(unseal_at(&token, &id_less, &iron(), NOW)),
        ErrorCode::Malformed
    );
    for bad in ["k1", "01", "1a"] {
        let ring = Keyring::builder().password(bad, PW).build().unwrap();
        assert_eq!(
            code(seal_at(&json!(1), &ring, &options, NOW)),
            ErrorCode::InvalidPassword
        );
    }
    let ring = Keyring::builder()
        .password("2", PW)
        .password("1", PW_B)
        .build()
        .unwrap();
    assert!(
        seal_at(&json!(1), &ring, &options, NOW)
            .unwrap()
            .starts_with("Fe26.2*2*")
    );
}

#[test]
fn sizes_and_json_are_bounded() {
    let ring = Keyring::from_password(PW).unwrap();
    let mut options = iron();
    let token = seal_at(&json!({"a": "b".repeat(100)}), &ring, &options, NOW).unwrap();
    options.max_token_bytes = token.len() - 1;
    crypto::DERIVATIONS.set(0);
    assert_eq!(
        code(unseal_at(&token, &ring, &options, NOW)),
        ErrorCode::TooLarge
    );
    assert_eq!(crypto::DERIVATIONS.get(), 0);
    assert_eq!(
        code(seal_at(
            &json!({"a": "b".repeat(100)}),
            &ring,
            &options,
            NOW
        )),
        ErrorCode::TooLarge
    );
    let mut options = iron();
    options.json_limits.max_bytes = 10;
    assert_eq!(
        code(seal_at(
            &json!({"a": "b".repeat(100)}),
            &ring,
            &options,
            NOW
        )),
        ErrorCode::TooLarge
    );
    assert_eq!(
        code(unseal_at(&token, &ring, &options, NOW)),
        ErrorCode::TooLarge
    );
    options.json_limits.max_bytes = 1000;
    options.json_limits.max_depth = 2;
    assert_eq!(
        code(seal_at(&json!([[[1]]]), &ring, &options, NOW)),
        ErrorCode::InvalidJson
    );
    assert_eq!(
        code(seal_json_at("[[[1]]]", &ring, &options, NOW)),
        ErrorCode::InvalidJson
    );
    assert_eq!(
        code(seal_json_at("{nope", &ring, &iron(), NOW)),
        ErrorCode::InvalidJson
    );
}

#[test]
fn seal_json_keeps_the_exact_text() {
    let ring = Keyring::from_password(PW).unwrap();
    let text = r#"{"b":1.50,"a":"\u00e9"}"#;
    let token = seal_json_at(text, &ring, &iron(), NOW).unwrap();
    let value = unseal_at(&token, &ring, &iron(), NOW).unwrap().value;
    assert_eq!(value, json!({"b": 1.5, "a": "é"}));
    // seal_at re-serializes as JSON.stringify would; the token is longer only by its own bytes.
    assert_eq!(json::to_js_string(&value), r#"{"b":1.5,"a":"é"}"#);
}

#[test]
fn tokens_are_fresh_each_time() {
    let ring = Keyring::from_password(PW).unwrap();
    let a = seal_at(&json!(1), &ring, &iron(), NOW).unwrap();
    let b = seal_at(&json!(1), &ring, &iron(), NOW).unwrap();
    assert_ne!(a, b);
    let (pa, pb): (Vec<&str>, Vec<&str>) = (a.split('*').collect(), b.split('*').collect());
    for index in [2, 3, 4, 6, 7] {
        assert_ne!(pa[index], pb[index], "field {index} repeated");
    }
    assert_ne!(pa[2], pa[6], "the two salts must be independent");
}

#[test]
fn the_default_token_limit_is_96_kib() {
    assert_eq!(DEFAULT_MAX_TOKEN_BYTES, 96 * 1024);
    let ring = Keyring::from_password(PW).unwrap();
    let huge = format!("Fe26.2*{}", "A".repeat(DEFAULT_MAX_TOKEN_BYTES));
    crypto::DERIVATIONS.set(0);
    assert_eq!(
        code(unseal_at(&huge, &ring, &iron(), NOW)),
        ErrorCode::TooLarge
    );
    assert_eq!(crypto::DERIVATIONS.get(), 0);
    let limit = format!("Fe26.2*{}", "A".repeat(DEFAULT_MAX_TOKEN_BYTES - 7));
    assert_eq!(
        code(unseal_at(&limit, &ring, &iron(), NOW)),
        ErrorCode::Malformed
    );
}

#[test]
fn a_payload_at_the_json_limit_fits_the_default_token_limit() {
    let ring = Keyring::from_password(PW).unwrap();
    // `"` + filler + `"` is exactly the default JSON limit.
    let value = json!("x".repeat(crate::json::DEFAULT_MAX_JSON_BYTES - 2));
    let token = seal_at(&value, &ring, &iron(), NOW).unwrap();
    assert!(token.len() > 64 * 1024);
    assert_eq!(unseal_at(&token, &ring, &iron(), NOW).unwrap().value, value);
}

#[test]
fn a_repeat_cookie_is_derived_once() {
    let ring = Keyring::from_password(PW).unwrap();
    let options = IronOptions::for_profile(Profile::H3V2);
    // The seal's own keys are cached: the cookie it returns opens without PBKDF2.
    crypto::DERIVATIONS.set(0);
    let token = seal_at(&json!({"k": 1}), &ring, &options, NOW).unwrap();
    assert_eq!(crypto::DERIVATIONS.get(), 2);
    crypto::DERIVATIONS.set(0);
    for _ in 0..3 {
        assert_eq!(
            unseal_at(&token, &ring, &options, NOW).unwrap().value,
            json!({"k": 1})
        );
    }
    assert_eq!(crypto::DERIVATIONS.get(), 0);
    // A token sealed elsewhere (here: by another keyring with the same password) is derived
    // on its first arrival only.
    let elsewhere = seal_at(
        &json!({"k": 2}),
        &Keyring::from_password(PW).unwrap(),
        &options,
        NOW,
    )
    .unwrap();
    crypto::DERIVATIONS.set(0);
    for _ in 0..3 {
        assert!(unseal_at(&elsewhere, &ring, &options, NOW).is_ok());
    }
    assert_eq!(crypto::DERIVATIONS.get(), 2);
    let stats = ring.derived_key_cache_stats();
    assert_eq!(stats.capacity, DEFAULT_DERIVED_KEY_CACHE_ENTRIES);
    assert_eq!(stats.entries, 4);
}

#[test]
fn forged_tokens_never_enter_the_cache() {
    let ring = Keyring::from_password(PW).unwrap();
    let options = IronOptions::for_profile(Profile::H3V2);
    let token = seal_at(&json!({"k": 1}), &ring, &options, NOW).unwrap();
    let entries = ring.derived_key_cache_stats().entries;
    // A fresh salt: one derivation per count tried, nothing cached.
    let forged = field_replaced(&token, 6, &"f".repeat(64));
    for _ in 0..2 {
        crypto::DERIVATIONS.set(0);
        assert_eq!(
            code(unseal_at(&forged, &ring, &options, NOW)),
            ErrorCode::BadSeal
        );
        assert_eq!(crypto::DERIVATIONS.get(), 2);
    }
    assert_eq!(ring.derived_key_cache_stats().entries, entries);
    // A cached salt with an altered body: the cached key rejects it, the legacy count is still
    // derived (nothing verified under it), and nothing is added.
    let altered = field_replaced(&token, 5, "9999999999999");
    crypto::DERIVATIONS.set(0);
    crypto::ITERATIONS.set(0);
    assert_eq!(
        code(unseal_at(&altered, &ring, &options, NOW)),
        ErrorCode::BadSeal
    );
    assert_eq!(crypto::ITERATIONS.get(), 1);
    assert_eq!(ring.derived_key_cache_stats().entries, entries);
}

#[test]
fn legacy_cookies_are_cached_under_their_own_count() {
    let ring = Keyring::from_password(PW).unwrap();
    let legacy = seal_at(
        &json!({"v": 1}),
        &Keyring::from_password(PW).unwrap(),
        &IronOptions::for_profile(Profile::H3V1),
        NOW,
    )
    .unwrap();
    let h3v2 = IronOptions::for_profile(Profile::H3V2);
    crypto::ITERATIONS.set(0);
    assert!(unseal_at(&legacy, &ring, &h3v2, NOW).unwrap().needs_reseal);
    assert_eq!(crypto::ITERATIONS.get(), 8192 + 1 + 1);
    // Next time the cached 1-iteration key answers before any 8192-iteration derivation.
    crypto::ITERATIONS.set(0);
    let again = unseal_at(&legacy, &ring, &h3v2, NOW).unwrap();
    assert!(again.needs_reseal);
    assert_eq!(crypto::ITERATIONS.get(), 0);
    // And an h3-v1 reader of the same keyring finds the same keys.
    crypto::ITERATIONS.set(0);
    let h3v1 = IronOptions::for_profile(Profile::H3V1);
    assert!(!unseal_at(&legacy, &ring, &h3v1, NOW).unwrap().needs_reseal);
    assert_eq!(crypto::ITERATIONS.get(), 0);
}

#[test]
fn entries_with_one_password_do_not_share_keys() {
    // Two entries with the same password and a token naming each: the key cached for one
    // entry is not served for the other, so rotation state stays exact.
    let ring = Keyring::builder()
        .password("a", PW)
        .password("b", PW)
        .build()
        .unwrap();
    let options = iron();
    let token = seal_at(&json!(1), &ring, &options, NOW).unwrap();
    let as_b = token.replacen("Fe26.2*a*", "Fe26.2*b*", 1);
    crypto::DERIVATIONS.set(0);
    // The MAC covers the id: a renamed token is a bad seal, whatever the cache holds.
    assert_eq!(
        code(unseal_at(&as_b, &ring, &options, NOW)),
        ErrorCode::BadSeal
    );
    assert_eq!(crypto::DERIVATIONS.get(), 1);
}

fn salts(token: &str) -> (String, String) {
    let fields: Vec<&str> = token.split('*').collect();
    (fields[2].to_owned(), fields[6].to_owned())
}

#[test]
fn salts_are_fresh_unless_reuse_is_asked_for() {
    let ring = Keyring::from_password(PW).unwrap();
    let options = IronOptions::for_profile(Profile::H3V2);
    assert_eq!(options.salt_reuse_ms, None);
    let a = seal_at(&json!(1), &ring, &options, NOW).unwrap();
    let b = seal_at(&json!(1), &ring, &options, NOW).unwrap();
    assert_ne!(salts(&a).0, salts(&b).0);
    assert_ne!(salts(&a).1, salts(&b).1);
}

#[test]
fn seals_within_the_window_share_salts_and_keys() {
    let ring = Keyring::from_password(PW).unwrap();
    let mut options = IronOptions::for_profile(Profile::H3V2);
    options.salt_reuse_ms = Some(1000);
    crypto::DERIVATIONS.set(0);
    let first = seal_at(&json!({"n": 1}), &ring, &options, NOW).unwrap();
    assert_eq!(crypto::DERIVATIONS.get(), 2);
    let second = seal_at(&json!({"n": 1}), &ring, &options, NOW + 999).unwrap();
    assert_eq!(
        crypto::DERIVATIONS.get(),
        2,
        "no derivation inside the window"
    );
    assert_eq!(salts(&first), salts(&second));
    // A fresh IV every time: same plaintext, different IV and ciphertext.
    let field = |token: &str, i: usize| token.split('*').nth(i).unwrap().to_owned();
    assert_ne!(field(&first, 3), field(&second, 3));
    assert_ne!(field(&first, 4), field(&second, 4));
    // Both are ordinary tokens: any reader opens them, including one with no cache.
    let cold = Keyring::builder()
        .password("", PW)
        .derived_key_cache(0)
        .build()
        .unwrap();
    for token in [&first, &second] {
        assert_eq!(
            unseal_at(token, &cold, &options, NOW).unwrap().value,
            json!({"n": 1})
        );
    }
    // The window closes after salt_reuse_ms, and a clock that went back starts a new one.
    let later = seal_at(&json!(1), &ring, &options, NOW + 1000).unwrap();
    assert_ne!(salts(&later), salts(&first));
    let earlier = seal_at(&json!(1), &ring, &options, NOW + 500).unwrap();
    assert_ne!(salts(&earlier), salts(&later));
}

#[test]
fn salt_reuse_never_crosses_entries_or_iteration_counts() {
    let ring = Keyring::builder()
        .password("new", PW)
        .password("old", PW_B)
        .build()
        .unwrap();
    let mut v2 = IronOptions::for_profile(Profile::H3V2);
    v2.salt_reuse_ms = Some(60_000);
    let mut v1 = IronOptions::for_profile(Profile::H3V1);
    v1.salt_reuse_ms = Some(60_000);
    let a = seal_at(&json!(1), &ring, &v2, NOW).unwrap();
    let b = seal_at(&json!(1), &ring, &v1, NOW).unwrap();
    assert_ne!(salts(&a), salts(&b));
    assert!(unseal_at(&b, &ring, &v1, NOW).is_ok());
    // A rotated keyring (another current entry) does not inherit the old entry's salts.
    let rotated = Keyring::builder()
        .password("new", PW)
        .password("old", PW_B)
        .current("old")
        .build()
        .unwrap();
    let c = seal_at(&json!(1), &rotated, &v2, NOW).unwrap();
    assert!(c.starts_with("Fe26.2*old*"));
    assert!(unseal_at(&c, &ring, &v2, NOW).is_ok());
}

#[test]
fn salt_reuse_windows_are_bounded() {
    let ring = Keyring::from_password(PW).unwrap();
    for bad in [0, MAX_SALT_REUSE_MS + 1] {
        let mut options = IronOptions::for_profile(Profile::H3V2);
        options.salt_reuse_ms = Some(bad);
        assert_eq!(
            code(seal_at(&json!(1), &ring, &options, NOW)),
            ErrorCode::InvalidOption
        );
    }
}
