//! The tamper sweep: every single-bit flip and every truncation of every valid token in the
//! shared vector files is rejected — never accepted, never a panic — with the code the position
//! of the change allows. `docs/VECTORS.md` ("Tamper sweep") specifies the procedure and the
//! allowed codes so the C, Python and Node runners check the same thing.
//!
//! The h3-v2 tokens cost one 8192-iteration PBKDF2 for most mutations, so by default their flips
//! are swept one bit per character (rotating through the seven bits); set
//! `POLYSEAL_FULL_SWEEP=1` to flip all seven bits of every character of those too.

mod common;
use common::fe26_json;

use polyseal::iron::{self, IronOptions};
use polyseal::native::{self, NativeOptions, wire};
use polyseal::{ErrorCode, Keyring, b64};
use serde_json::Value;

use ErrorCode::{BadSeal, Expired, Malformed, UnknownKey, UnsupportedVersion};

/// A valid case of a vector file: the token, and how to open it.
struct Case<K> {
    id: u64,
    token: String,
    keyring: Keyring,
    options: K,
    now: u64,
}

fn valid_cases<K>(file: &str, options: impl Fn(&Value) -> K) -> Vec<Case<K>> {
    let document = common::load(file);
    document["tests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|case| case["result"] == "valid" && case["token"].is_string())
        .map(|case| Case {
            id: case["tcId"].as_u64().unwrap(),
            token: case["token"].as_str().unwrap().to_owned(),
            keyring: common::keyring_from_json(
                &document["keyrings"][case["keyring"].as_str().unwrap()],
            )
            .unwrap(),
            options: options(&case["options"]),
            now: case["now"].as_u64().unwrap(),
        })
        .collect()
}

/// Asserts that `result` is an error whose code is in `allowed`; counts the check.
fn expect_rejected<T: std::fmt::Debug>(
    result: polyseal::Result<T>,
    allowed: &[ErrorCode],
    what: impl Fn() -> String,
    checked: &mut usize,
) {
    match result {
        Ok(value) => panic!("{} was accepted: {value:?}", what()),
        Err(error) => assert!(
            allowed.contains(&error.code()),
            "{}: {error}, expected one of {allowed:?}",
            what()
        ),
    }
    *checked += 1;
}

/// Flips bit `bit` (0–6) of the ASCII character at `index`: the result is still ASCII text.
fn flip_char(token: &str, index: usize, bit: u32) -> String {
    let mut bytes = token.as_bytes().to_vec();
    bytes[index] ^= 1 << bit;
    String::from_utf8(bytes).expect("ASCII stays ASCII")
}

// ---------------------------------------------------------------------------------------------
// Native v1

fn native_cases() -> Vec<Case<NativeOptions>> {
    let cases = valid_cases("native-v1.json", common::native_options);
    assert!(
        cases.len() >= 14,
        "only {} valid native tokens",
        cases.len()
    );
    cases
}

/// What a change of decoded byte `index` of a native token may be answered with.
fn native_byte_codes(bytes: &[u8], index: usize) -> &'static [ErrorCode] {
    let kid_end = 2 + usize::from(bytes[1]);
    match index {
        // The version selects the format.
        0 => &[UnsupportedVersion],
        // The key id length and the key id select a key: the id may become unparseable,
        // unknown, or (if another entry has that id) name the wrong key.
        _ if index < kid_end => &[Malformed, UnknownKey, BadSeal],
        // iat, exp, nonce, ciphertext and tag are all under the AEAD.
        _ => &[BadSeal],
    }
}

#[test]
fn native_decoded_bit_flips_are_rejected() {
    let mut checked = 0;
    for case in native_cases() {
        let bytes = b64::decode(&case.token, "token").unwrap();
        for index in 0..bytes.len() {
            for bit in 0..8 {
                let mut flipped = bytes.clone();
                flipped[index] ^= 1 << bit;
                let token = b64::encode(&flipped);
                let result = native::unseal_at(&token, &case.keyring, &case.options, case.now);
                let what = || format!("tcId {} byte {index} bit {bit}", case.id);
                expect_rejected(result, native_byte_codes(&bytes, index), what, &mut checked);
            }
        }
    }
    eprintln!("native: {checked} decoded-byte flips rejected");
}

#[test]
fn native_text_bit_flips_are_rejected() {
    let mut checked = 0;
    for case in native_cases() {
        let bytes = b64::decode(&case.token, "token").unwrap();
        for index in 0..case.token.len() {
            for bit in 0..7 {
                let token = flip_char(&case.token, index, bit);
                // A character outside the alphabet, or spare bits set in the last one, is not
                // canonical base64url; otherwise the change lands in one or two decoded bytes.
                let allowed: Vec<ErrorCode> = match b64::decode(&token, "token") {
                    Err(_) => vec![Malformed],
                    Ok(decoded) => (0..bytes.len())
                        .filter(|&i| decoded[i] != bytes[i])
                        .flat_map(|i| native_byte_codes(&bytes, i).iter().copied())
                        .collect(),
                };
                assert!(
                    !allowed.is_empty(),
                    "tcId {}: flip changed nothing",
                    case.id
                );
                let result = native::unseal_at(&token, &case.keyring, &case.options, case.now);
                let what = || format!("tcId {} character {index} bit {bit}", case.id);
                expect_rejected(result, &allowed, what, &mut checked);
            }
        }
    }
    eprintln!("native: {checked} text flips rejected");
}

#[test]
fn native_truncations_are_rejected() {
    let mut checked = 0;
    for case in native_cases() {
        for length in 0..case.token.len() {
            let token = &case.token[..length];
            // Too short, bad length or spare bits: malformed. Long enough to parse: the tag is
            // now other bytes.
            let expected =
                match b64::decode(token, "token").map(|bytes| wire::parse(&bytes).is_ok()) {
                    Ok(true) => BadSeal,
                    _ => Malformed,
                };
            let result = native::unseal_at(token, &case.keyring, &case.options, case.now);
            let what = || format!("tcId {} cut to {length} characters", case.id);
            expect_rejected(result, &[expected], what, &mut checked);
        }
        let bytes = b64::decode(&case.token, "token").unwrap();
        for length in 0..bytes.len() {
            let token = b64::encode(&bytes[..length]);
            let result = native::unseal_at(&token, &case.keyring, &case.options, case.now);
            let what = || format!("tcId {} cut to {length} bytes", case.id);
            expect_rejected(result, &[Malformed, BadSeal], what, &mut checked);
        }
    }
    eprintln!("native: {checked} truncations rejected");
}

// ---------------------------------------------------------------------------------------------
// Fe26.2

fn fe26_options(options: &Value) -> IronOptions {
    fe26_json::options(options).unwrap()
}

fn fe26_cases(slow: bool) -> Vec<Case<IronOptions>> {
    valid_cases("fe26.json", fe26_options)
        .into_iter()
        .filter(|case| (case.options.iterations >= 1000) == slow)
        .collect()
}

/// The part of a token the MAC covers (everything but iron-session's `~…` suffix, which
/// iron-session 9 ignores on read), and the length of that part.
fn covered_len(case: &Case<IronOptions>) -> usize {
    if case.options.version_suffix {
        case.token.find('~').unwrap_or(case.token.len())
    } else {
        case.token.len()
    }
}

/// The keyring entry that opens a case's token.
fn fe26_entry(case: &Case<IronOptions>) -> &polyseal::KeyEntry {
    match case.keyring.entries() {
        [only] if only.id().is_empty() => only,
        _ => {
            let id = case.token.split('*').nth(1).unwrap();
            case.keyring
                .get(if id.is_empty() { "default" } else { id })
                .unwrap()
        }
    }
}

/// The codes a flip of character `index` into `flipped` may be answered with; empty when the
/// character is one the MAC does not cover and the token must still open to the same value.
fn fe26_flip_codes(case: &Case<IronOptions>, index: usize, flipped: &str) -> Vec<ErrorCode> {
    let covered = covered_len(case);
    let original = &case.token[..covered];
    let changed = flipped.as_bytes()[index];
    // A new separator, a lost separator, or a `~` that cuts the covered part short: the token
    // no longer has eight fields (or its HMAC field is cut).
    let cuts = case.options.version_suffix && changed == b'~';
    if changed == b'*' || original.as_bytes()[index] == b'*' || cuts {
        return vec![Malformed];
    }
    let field = original[..index].matches('*').count();
    let text = flipped[..covered].split('*').nth(field).unwrap();
    match field {
        0 => {
            let version = text.strip_prefix("Fe26.");
            let other_version = version.is_some_and(|v| {
                !v.is_empty() && v.len() <= 8 && v.bytes().all(|b| b.is_ascii_digit())
            });
            vec![if other_version {
                UnsupportedVersion
            } else {
                Malformed
            }]
        }
        // The password id selects the key: unknown, or another entry whose MAC fails.
        1 => {
            let single = matches!(case.keyring.entries(), [only] if only.id().is_empty());
            let wanted = if text.is_empty() { "default" } else { text };
            vec![if single || case.keyring.get(wanted).is_some() {
                BadSeal
            } else {
                UnknownKey
            }]
        }
        // The encryption salt is text under the MAC.
        2 => vec![BadSeal],
        // The HMAC salt derives the integrity key from a password. A raw integrity key ignores
        // it, as iron does, so there it is covered by nothing (see docs/SECURITY.md).
        6 if fe26_entry(case).integrity().is_raw_key() => vec![],
        6 => vec![BadSeal],
        // IV, ciphertext, HMAC: must stay canonical base64url of the right size, then the MAC.
        3 | 4 | 7 => {
            let sized = b64::decode(text, "field").is_ok_and(|bytes| match field {
                3 => bytes.len() == 16,
                4 => !bytes.is_empty() && bytes.len() % 16 == 0,
                _ => bytes.len() == 32,
            });
            vec![if sized { BadSeal } else { Malformed }]
        }
        // Expiration: checked before the MAC, as iron does, so an earlier time reads as expired.
        5 => {
            if !text.bytes().all(|b| b.is_ascii_digit()) {
                return vec![Malformed];
            }
            let expiry = text.parse::<u64>().map_or(i128::MAX, i128::from);
            let now = i128::from(case.now) + i128::from(case.options.localtime_offset_ms);
            let limit = now - i128::from(case.options.timestamp_skew_sec) * 1000;
            vec![if !text.is_empty() && expiry <= limit {
                Expired
            } else {
                BadSeal
            }]
        }
        _ => unreachable!("eight fields"),
    }
}

/// Returns the flips rejected and the flips of uncovered characters that were ignored.
fn sweep_fe26_flips(cases: &[Case<IronOptions>], every_bit: bool) -> (usize, usize) {
    let (mut checked, mut ignored) = (0, 0);
    for case in cases {
        let covered = covered_len(case);
        // The `~` of iron-session's suffix is flipped too: the suffix then joins the HMAC field.
        let positions = if covered < case.token.len() {
            covered + 1
        } else {
            covered
        };
        for index in 0..positions {
            let bits: Vec<u32> = if every_bit {
                (0..7).collect()
            } else {
                vec![(index % 7) as u32]
            };
            for bit in bits {
                let token = flip_char(&case.token, index, bit);
                let allowed = if index == covered {
                    vec![Malformed]
                } else {
                    fe26_flip_codes(case, index, &token)
                };
                let result = iron::unseal_at(&token, &case.keyring, &case.options, case.now);
                let what = || format!("tcId {} character {index} bit {bit}", case.id);
                if allowed.is_empty() {
                    let full = iron::unseal_at(&case.token, &case.keyring, &case.options, case.now);
                    assert_eq!(result.unwrap().value, full.unwrap().value, "{}", what());
                    ignored += 1;
                    continue;
                }
                expect_rejected(result, &allowed, what, &mut checked);
            }
        }
    }
    (checked, ignored)
}

#[test]
fn fe26_text_bit_flips_are_rejected() {
    let cases = fe26_cases(false);
    assert!(
        cases.len() >= 25,
        "only {} valid Fe26.2 tokens",
        cases.len()
    );
    let (checked, ignored) = sweep_fe26_flips(&cases, true);
    eprintln!("Fe26.2: {checked} text flips rejected, {ignored} raw-key HMAC-salt flips ignored");
}

#[test]
fn fe26_h3v2_text_bit_flips_are_rejected() {
    let cases = fe26_cases(true);
    assert_eq!(cases.len(), 3, "the h3-v2 tokens");
    let full = std::env::var("POLYSEAL_FULL_SWEEP").as_deref() == Ok("1");
    let (checked, ignored) = sweep_fe26_flips(&cases, full);
    assert_eq!(ignored, 0);
    eprintln!("Fe26.2 h3-v2: {checked} text flips rejected (every bit: {full})");
}

#[test]
fn fe26_truncations_are_rejected() {
    let mut checked = 0;
    let mut suffix_cuts = 0;
    for case in fe26_cases(false).iter().chain(&fe26_cases(true)) {
        let covered = covered_len(case);
        for length in 0..case.token.len() {
            let token = &case.token[..length];
            let result = iron::unseal_at(token, &case.keyring, &case.options, case.now);
            if length >= covered {
                // Only iron-session's `~2` suffix was cut: it is outside the MAC and ignored.
                let full = iron::unseal_at(&case.token, &case.keyring, &case.options, case.now);
                assert_eq!(
                    result.unwrap().value,
                    full.unwrap().value,
                    "tcId {}",
                    case.id
                );
                suffix_cuts += 1;
                continue;
            }
            // Fewer than eight fields, or an HMAC field cut short.
            let what = || format!("tcId {} cut to {length} characters", case.id);
            expect_rejected(result, &[Malformed], what, &mut checked);
        }
    }
    eprintln!(
        "Fe26.2: {checked} truncations rejected, {suffix_cuts} cuts of the ~2 suffix ignored"
    );
}
