//! Property tests: seal → unseal is the identity for any JSON value in every format; any change
//! of one character, any truncation and any extension of a token is refused (or, where the
//! format leaves those characters uncovered, opens to the very same value); cookies and
//! chunked cookies read back as written.

use polyseal::cookie::{
    self, ChunkScheme, ChunkState, CookieOptions, CookieStyle, parse_cookie_header,
};
use polyseal::json::to_js_string;
use polyseal::{Format, Keyring, Sealer, Value};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Map;

const NOW: u64 = 1_764_000_000_000;
const PASSWORD: &str = "property-test-password-0123456789-abcdef";

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

fn sealer(format: Format) -> Sealer {
    let keyring = Keyring::builder()
        .password("2", PASSWORD)
        .key("1", &[7; 32])
        .build()
        .unwrap();
    Sealer::new(keyring, format).unwrap()
}

/// Any JSON value: nested arrays and objects (up to four levels) of strings (any Unicode,
/// controls included), integers, finite floats, booleans and nulls.
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON numbers are finite", |x| x.is_finite())
            .prop_map(Value::from),
        any::<String>().prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec((any::<String>(), inner), 0..6)
                .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// Seals and unseals in `format`: the value comes back as `JSON.stringify` would print it
/// (numbers in ECMAScript form, so `1.0` reads back as `1`), and equal to the original when
/// that text is the same.
fn identity(format: Format, cases: u32) {
    let sealer = sealer(format);
    TestRunner::new(config(cases))
        .run(&json_value(), |value| {
            let token = sealer.seal_at(&value, NOW).unwrap();
            let opened = sealer.unseal_at(&token, NOW).unwrap();
            prop_assert_eq!(to_js_string(&opened.value), to_js_string(&value));
            prop_assert_eq!(opened.key_id, "2");
            prop_assert!(!opened.needs_reseal);
            Ok(())
        })
        .unwrap();
}

#[test]
fn native_seal_unseal_is_the_identity() {
    identity(Format::Native, 256);
}

#[test]
fn fe26_seal_unseal_is_the_identity() {
    for format in [Format::H3V1, Format::IronSession, Format::Iron] {
        identity(format, 96);
    }
    // 8192 PBKDF2 iterations, four derivations per case.
    identity(Format::H3V2, 6);
}

#[derive(Debug, Clone)]
enum Mutation {
    /// Replace the character at this position (modulo the length) by this ASCII character.
    Replace(usize, u8),
    /// Keep only this many characters (modulo the length).
    Truncate(usize),
    /// Append this text.
    Extend(String),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0x20u8..0x7f).prop_map(|(at, byte)| Mutation::Replace(at, byte)),
        any::<usize>().prop_map(Mutation::Truncate),
        "[ -~]{1,8}".prop_map(Mutation::Extend),
    ]
}

/// The mutated token, or `None` when the mutation changes nothing.
fn apply(token: &str, mutation: &Mutation) -> Option<String> {
    let mut bytes = token.as_bytes().to_vec();
    match mutation {
        Mutation::Replace(at, byte) => {
            let at = at % bytes.len();
            if bytes[at] == *byte {
                return None;
            }
            bytes[at] = *byte;
        }
        Mutation::Truncate(length) => bytes.truncate(length % bytes.len()),
        Mutation::Extend(suffix) => bytes.extend_from_slice(suffix.as_bytes()),
    }
    Some(String::from_utf8(bytes).expect("ASCII"))
}

/// Any mutation of a token is refused; where `uncovered` says the changed characters are
/// outside the MAC (Fe26.2 only), the token may instead open to exactly the sealed value.
fn mutations_rejected(format: Format, cases: u32) {
    let sealer = sealer(format);
    let strategy = (json_value(), mutation(), any::<bool>());
    TestRunner::new(config(cases))
        .run(&strategy, |(value, mutation, raw)| {
            // The raw-key entry ("1") leaves the Fe26.2 HMAC salt uncovered.
            let keyring = sealer.keyring().clone();
            let current = if raw { "1" } else { "2" };
            let ring = Keyring::builder()
                .secret(
                    current,
                    Ok(keyring.get(current).unwrap().encryption().clone()),
                )
                .build()
                .unwrap();
            let sealer = Sealer::with_options(ring, format, sealer.options().clone()).unwrap();
            let token = sealer.seal_at(&value, NOW).unwrap();
            let Some(mutated) = apply(&token, &mutation) else {
                return Ok(());
            };
            match sealer.unseal_at(&mutated, NOW) {
                Err(_) => {}
                Ok(opened) => {
                    prop_assert!(format != Format::Native, "{mutation:?} accepted");
                    prop_assert_eq!(to_js_string(&opened.value), to_js_string(&value));
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn native_mutations_are_rejected() {
    mutations_rejected(Format::Native, 512);
}

#[test]
fn fe26_mutations_are_rejected_or_change_nothing() {
    for format in [Format::H3V1, Format::IronSession, Format::Iron] {
        mutations_rejected(format, 192);
    }
    mutations_rejected(Format::H3V2, 6);
}

/// An RFC 6265 token: what a cookie name may be.
fn cookie_name() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#$&'*+.^_`|~-]{1,16}"
}

#[test]
fn cookies_read_back_as_written() {
    // The polyseal style writes values as given: cookie-octets, and no `%`, which the parser
    // would percent-decode. The peer styles encode, so any text reads back.
    let plain = "[!#-+--:<-\\[\\]-~&&[^%]]{0,64}".prop_map(|v: String| v);
    let strategy = (
        cookie_name(),
        prop_oneof![plain, any::<String>()],
        0..CookieStyle::ALL.len(),
    );
    TestRunner::new(config(512))
        .run(&strategy, |(name, value, style)| {
            let style = CookieStyle::ALL[style];
            let line = match cookie::set_cookie(&name, &value, &style.default_options(), style) {
                Ok(line) => line,
                Err(error) => {
                    // Only the polyseal style refuses values, and only non-cookie-octets.
                    prop_assert_eq!(style, CookieStyle::Polyseal, "{}", error);
                    prop_assert!(
                        value
                            .bytes()
                            .any(|b| !(0x21..0x7f).contains(&b) || b"\",;\\".contains(&b))
                    );
                    return Ok(());
                }
            };
            if style == CookieStyle::Polyseal && value.contains('%') {
                return Ok(());
            }
            let pair = line.split(';').next().unwrap();
            let parsed = parse_cookie_header(pair).unwrap();
            prop_assert_eq!(parsed, vec![(name, value)]);
            Ok(())
        })
        .unwrap();
}

/// What a browser sends after applying `lines` to an empty jar.
fn header_after(lines: &[String]) -> String {
    let mut jar: Vec<(String, String)> = Vec::new();
    for line in lines {
        let mut parts = line.split(';');
        let (name, value) = parts.next().unwrap().split_once('=').unwrap();
        let deleted = parts.any(|attribute| attribute.trim() == "Max-Age=0");
        jar.retain(|(n, _)| n != name);
        if !deleted {
            jar.push((name.to_owned(), value.to_owned()));
        }
    }
    jar.iter()
        .map(|(n, v)| format!("{n}={v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn chunked_values_reassemble() {
    // Long enough to need chunks in both schemes, with multi-byte characters that must not be
    // split, and never starting with h3's marker (a token never does).
    let value = prop_oneof!["[a-zA-Z0-9_*~.-]{0,20000}", "[a-zé€😀 ;%]{0,3000}",]
        .prop_filter("not a marker", |v: &String| !v.starts_with("__chunked__"));
    let strategy = (
        value,
        prop_oneof![Just(ChunkScheme::H3), Just(ChunkScheme::IronSession)],
    );
    TestRunner::new(config(96))
        .run(&strategy, |(value, scheme)| {
            let style = match scheme {
                ChunkScheme::H3 => CookieStyle::H3V2,
                _ => CookieStyle::IronSession,
            };
            let options = CookieOptions::secure_defaults();
            let written = cookie::chunk_set_cookies(
                "s",
                &value,
                &options,
                style,
                scheme,
                true,
                ChunkState::default(),
            );
            let lines = match written {
                Ok(lines) => lines,
                Err(error) => {
                    // Only iron-session's four-chunk limit can be exceeded at these sizes.
                    prop_assert_eq!(scheme, ChunkScheme::IronSession, "{}", error);
                    prop_assert_eq!(error.code(), polyseal::ErrorCode::TooLarge);
                    return Ok(());
                }
            };
            let cookies = parse_cookie_header(&header_after(&lines)).unwrap();
            let read = cookie::reassemble(&cookies, "s", scheme);
            let expected = (!value.is_empty()).then(|| value.clone());
            prop_assert_eq!(read, expected);
            let state = cookie::chunk_state(&cookies, "s", scheme);
            let cleared =
                cookie::chunk_deletion_cookies("s", &options, style, scheme, state).unwrap();
            let all: Vec<String> = lines.into_iter().chain(cleared).collect();
            let after = parse_cookie_header(&header_after(&all)).unwrap();
            prop_assert_eq!(cookie::reassemble(&after, "s", scheme), None);
            Ok(())
        })
        .unwrap();
}
