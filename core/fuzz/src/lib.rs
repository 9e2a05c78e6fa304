//! Fuzz targets for polyseal.
//!
//! Every target takes arbitrary bytes and must not panic on any of them. Beyond that, each one
//! checks what has to hold whatever the input: a rejection carries a code from the operation's
//! documented set and no secret; what is written reads back; what is sealed opens to the value
//! that was sealed. The libFuzzer binaries in `fuzz_targets/` and the engine-free smoke runner
//! (`src/bin/smoke.rs`) call these same functions, so a smoke run checks exactly what a fuzzing
//! run does. `docs/SECURITY.md` explains how to run them.
//!
//! Inputs whose first byte selects a fixture (a keyring, options and clock taken from the shared
//! vector files) use the rest as the token text, so every vector token is a valid seed.

#[path = "../../tests/support/fe26_json.rs"]
mod fe26_json;

pub mod fixtures;
pub mod jar;
pub mod mutate;
pub mod seeds;

use std::collections::HashSet;
use std::sync::OnceLock;

use polyseal::cookie::{
    self, ChunkScheme, CookieStyle, H3_MAX_CHUNKS, IRON_SESSION_MAX_CHUNKS,
    MAX_COOKIE_HEADER_BYTES, MAX_SET_COOKIE_BYTES,
};
use polyseal::iron;
use polyseal::json::JsonLimits;
use polyseal::native::{self, NativeOptions};
use polyseal::{Error, ErrorCode, b64, json, rng};
use serde_json::Value;

use fixtures::{Fe26Fixture, NativeFixture};

/// One fuzz target: its name (the libFuzzer binary and seed folder) and its entry point.
pub struct Target {
    /// Name of the `fuzz_targets/` binary and of its folder under `seeds/` and `corpus/`.
    pub name: &'static str,
    /// Runs one input.
    pub run: fn(&[u8]),
    /// Mutated inputs the smoke runner tries by default (fewer for the expensive targets).
    pub smoke_runs: usize,
}

/// Every target.
pub const TARGETS: &[Target] = &[
    Target {
        name: "native_unseal",
        run: native_unseal,
        smoke_runs: 20_000,
    },
    Target {
        name: "fe26_unseal",
        run: fe26_unseal,
        smoke_runs: 20_000,
    },
    Target {
        name: "fe26_unseal_h3v2",
        run: fe26_unseal_h3v2,
        smoke_runs: 300,
    },
    Target {
        name: "cookie_header",
        run: cookie_header,
        smoke_runs: 20_000,
    },
    Target {
        name: "chunks",
        run: chunks,
        smoke_runs: 20_000,
    },
    Target {
        name: "session_load",
        run: session_load,
        smoke_runs: 5_000,
    },
    Target {
        name: "json_validate",
        run: json_validate,
        smoke_runs: 50_000,
    },
];

/// Codes an unseal may answer with. Anything else (`INTERNAL`, `INVALID_OPTION`, ...) from an
/// unseal of attacker-controlled text is a bug.
pub const UNSEAL_CODES: &[ErrorCode] = &[
    ErrorCode::Malformed,
    ErrorCode::UnsupportedVersion,
    ErrorCode::UnknownKey,
    ErrorCode::BadSeal,
    ErrorCode::Expired,
    ErrorCode::NotYetValid,
    ErrorCode::TooLarge,
    ErrorCode::InvalidJson,
];

/// Asserts that `error` has one of `allowed` codes and that neither its message nor its
/// `Display` or `Debug` form holds any part of a secret that the input did not hold already
/// (a message may name a key id taken from the input).
pub fn check_rejection(error: &Error, allowed: &[ErrorCode], input: &[u8]) {
    assert!(
        allowed.contains(&error.code()),
        "unexpected code {}: {error}",
        error.code()
    );
    check_no_secret(&format!("{error} {error:?}"), input);
}

/// Length of the secret fragments looked for. Shorter ones match plain English: one vector
/// password starts "another password", which an error message may well say.
const SECRET_WINDOW: usize = 20;

/// Every 20-byte fragment of every secret in the vector files.
fn secret_windows() -> &'static HashSet<Vec<u8>> {
    static WINDOWS: OnceLock<HashSet<Vec<u8>>> = OnceLock::new();
    WINDOWS.get_or_init(|| {
        fixtures::all_secrets()
            .iter()
            .flat_map(|secret| secret.as_bytes().windows(SECRET_WINDOW))
            .map(<[u8]>::to_vec)
            .collect()
    })
}

/// Asserts that `text` holds no 20-byte fragment of any vector secret, except fragments that
/// `input` holds too.
pub fn check_no_secret(text: &str, input: &[u8]) {
    let windows = secret_windows();
    for window in text.as_bytes().windows(SECRET_WINDOW) {
        if windows.contains(window) {
            assert!(
                input.windows(SECRET_WINDOW).any(|w| w == window),
                "a secret leaked into {text:?}"
            );
        }
    }
}

/// Native v1 unseal. First byte: bit 7 picks the mode, the rest a fixture from
/// `native-v1.json`. Mode 0 unseals the remaining bytes (as lossy UTF-8) as a token. Mode 1
/// seals them as a payload with a fixed nonce and opens the token again: the result must be
/// what the JSON parser says of the payload, and a one-bit change of the token must be refused.
pub fn native_unseal(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let all = fixtures::native();
    let fixture = &all[usize::from(selector & 0x7f) % all.len()];
    if selector & 0x80 == 0 {
        native_open(&String::from_utf8_lossy(rest), fixture);
    } else {
        native_seal_open(rest, fixture);
    }
}

fn native_open(token: &str, fixture: &NativeFixture) {
    match native::unseal_at(token, &fixture.keyring, &fixture.options, fixture.now) {
        Ok(opened) => {
            // Only the canonical text of an authentic token opens, and what is reported is
            // what its header says.
            let bytes = b64::decode(token, "token").expect("an opened token is base64url");
            assert_eq!(b64::encode(&bytes), token, "an opened token is canonical");
            let parts = native::wire::parse(&bytes).expect("an opened token parses");
            assert_eq!(parts.header.key_id, opened.key_id);
            assert_eq!(parts.header.issued_at, opened.issued_at);
            assert_eq!(parts.header.expires_at, opened.expires_at);
            assert!(opened.expires_at.is_none_or(|exp| exp > fixture.now));
            assert!(opened.issued_at <= fixture.now.saturating_add(fixture.options.skew_ms));
            assert!(fixture.keyring.get(&opened.key_id).is_some());
            assert_eq!(
                opened.needs_reseal,
                opened.key_id != fixture.keyring.current().id()
            );
        }
        Err(error) => check_rejection(&error, UNSEAL_CODES, token.as_bytes()),
    }
}

fn native_seal_open(payload: &[u8], fixture: &NativeFixture) {
    let options = NativeOptions {
        ttl_ms: None,
        ..fixture.options.clone()
    };
    rng::fixed_bytes(&nonce_for(payload));
    let token = match native::seal_bytes_at(payload, &fixture.keyring, &options, fixture.now) {
        Ok(token) => token,
        Err(error) => {
            rng::clear_fixed_bytes();
            check_rejection(&error, &[ErrorCode::TooLarge], payload);
            return;
        }
    };
    let opened = native::unseal_at(&token, &fixture.keyring, &options, fixture.now);
    let expected = json::parse(payload, options.json);
    same_outcome(expected, opened.map(|o| o.value), payload);
    let mut bytes = b64::decode(&token, "token").expect("a sealed token is base64url");
    let bit = payload.len() % (bytes.len() * 8);
    bytes[bit / 8] ^= 1 << (bit % 8);
    let tampered = native::unseal_at(
        &b64::encode(&bytes),
        &fixture.keyring,
        &options,
        fixture.now,
    );
    let error = tampered.expect_err("a one-bit change of a sealed token is refused");
    check_rejection(
        &error,
        &[
            ErrorCode::UnsupportedVersion,
            ErrorCode::Malformed,
            ErrorCode::UnknownKey,
            ErrorCode::BadSeal,
        ],
        payload,
    );
}

/// The outcome of opening a sealed payload must be the parser's verdict on that payload.
fn same_outcome(expected: polyseal::Result<Value>, opened: polyseal::Result<Value>, input: &[u8]) {
    match (expected, opened) {
        (Ok(expected), Ok(opened)) => assert_eq!(expected, opened),
        (Err(expected), Err(opened)) => {
            assert_eq!(expected.code(), opened.code(), "{opened}");
            check_rejection(&opened, UNSEAL_CODES, input);
        }
        (expected, opened) => panic!("parsing gave {expected:?} but unsealing gave {opened:?}"),
    }
}

/// A nonce (and Fe26.2 IV) that depends on the input only, so runs are reproducible.
fn nonce_for(payload: &[u8]) -> [u8; 24] {
    let mut nonce = [0x5au8; 24];
    for (index, byte) in payload.iter().enumerate() {
        nonce[index % 24] = nonce[index % 24].rotate_left(3) ^ byte;
    }
    nonce
}

/// Fe26.2 unseal in the `h3-v1`, `iron-session` and `iron` profiles (every fixture of
/// `fe26.json` whose PBKDF2 uses fewer than 1000 iterations). First byte: bit 7 picks the mode,
/// the rest a fixture. Mode 0 unseals the remaining bytes as a token; mode 1 seals them as a
/// plaintext with fixed salts and IV and opens the token again.
pub fn fe26_unseal(data: &[u8]) {
    fe26(data, fixtures::fe26_fast());
}

/// As [`fe26_unseal`], with the `h3-v2` fixtures (8192 PBKDF2 iterations, so each token that
/// reaches the HMAC check costs a few milliseconds): run for a bounded number of inputs.
pub fn fe26_unseal_h3v2(data: &[u8]) {
    fe26(data, fixtures::fe26_slow());
}

fn fe26(data: &[u8], all: &[Fe26Fixture]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let fixture = &all[usize::from(selector & 0x7f) % all.len()];
    if selector & 0x80 == 0 {
        fe26_open(&String::from_utf8_lossy(rest), fixture);
    } else {
        fe26_seal_open(rest, fixture);
    }
}

fn fe26_open(token: &str, fixture: &Fe26Fixture) {
    match iron::unseal_at(token, &fixture.keyring, &fixture.options, fixture.now) {
        Ok(opened) => {
            let body = if fixture.options.version_suffix {
                token.split('~').next().unwrap_or_default()
            } else {
                token
            };
            let fields: Vec<&str> = body.split('*').collect();
            assert_eq!(fields.len(), 8, "an opened token has eight fields");
            assert_eq!(fields[0], "Fe26.2");
            let skew = fixture.options.timestamp_skew_sec * 1000;
            let now = i128::from(fixture.now) + i128::from(fixture.options.localtime_offset_ms);
            assert!(
                opened
                    .expires_at
                    .is_none_or(|exp| i128::from(exp) > now - i128::from(skew))
            );
            let single = fixture.keyring.entries().len() == 1
                && fixture.keyring.entries()[0].id().is_empty();
            assert!(single || fixture.keyring.get(&opened.key_id).is_some());
        }
        Err(error) => check_rejection(&error, UNSEAL_CODES, token.as_bytes()),
    }
}

fn fe26_seal_open(plaintext: &[u8], fixture: &Fe26Fixture) {
    let mut options = fixture.options.clone();
    options.ttl_ms = 0;
    let iv: [u8; 16] = nonce_for(plaintext)[..16].try_into().expect("16 bytes");
    let sealed = iron::seal_bytes_fixed_at(
        plaintext,
        &fixture.keyring,
        &options,
        fixture.now,
        "fuzz-encryption-salt",
        iv,
        "fuzz-integrity-salt",
    );
    let token = match sealed {
        Ok(token) => token,
        Err(error) => {
            // Too large for the limits, or an id iron-session cannot write.
            check_rejection(
                &error,
                &[ErrorCode::TooLarge, ErrorCode::InvalidPassword],
                plaintext,
            );
            return;
        }
    };
    let opened = iron::unseal_at(&token, &fixture.keyring, &options, fixture.now);
    let expected = if plaintext.is_empty() {
        Err(Error::new(ErrorCode::InvalidJson, "empty"))
    } else {
        json::parse(plaintext, options.json_limits)
    };
    same_outcome(expected, opened.map(|o| o.value), plaintext);
}

/// `Cookie` header parsing: bounded, first-wins, names clean; pairs that are already in
/// canonical form read back unchanged when written out again.
pub fn cookie_header(data: &[u8]) {
    let header = String::from_utf8_lossy(data);
    let pairs = match cookie::parse_cookie_header(&header) {
        Ok(pairs) => pairs,
        Err(error) => {
            assert_eq!(error.code(), ErrorCode::TooLarge);
            assert!(header.len() > MAX_COOKIE_HEADER_BYTES);
            return;
        }
    };
    assert!(header.len() <= MAX_COOKIE_HEADER_BYTES);
    let mut names = HashSet::new();
    for (name, _) in &pairs {
        assert!(!name.is_empty(), "empty name");
        assert!(names.insert(name.as_str()), "duplicate name {name:?}");
        assert!(!name.contains([';', '=']), "{name:?}");
        assert!(!name.starts_with([' ', '\t']) && !name.ends_with([' ', '\t']));
        assert!(!name.chars().any(|c| c.is_ascii_control() && c != '\t'));
    }
    let canonical: Vec<(String, String)> = pairs
        .into_iter()
        .filter(|(name, value)| jar::is_token(name) && jar::is_plain_value(value))
        .collect();
    let rendered = jar::render(&canonical);
    assert_eq!(
        cookie::parse_cookie_header(&rendered).expect("a rendered header parses"),
        canonical
    );
}

/// The cookie name the chunk target reads and writes.
const CHUNK_COOKIE: &str = "s";

/// Chunk reassembly and chunked writes. First byte: bits 0–1 the scheme, bits 2–3 the style,
/// bit 7 `split`. The rest (lossy UTF-8) is `value \n cookie-header`: the request's cookies are
/// read back (`reassemble`, `chunk_state`), then `value` is written over them and must read back
/// exactly; a clear must leave no session.
pub fn chunks(data: &[u8]) {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let scheme = ChunkScheme::ALL[usize::from(flags & 3) % 3];
    let style = CookieStyle::ALL[usize::from((flags >> 2) & 3)];
    let split = flags & 0x80 != 0;
    let text = String::from_utf8_lossy(rest);
    let (value, header) = text.split_once('\n').unwrap_or(("", &text));
    let Ok(cookies) = cookie::parse_cookie_header(header) else {
        return;
    };
    let state = cookie::chunk_state(&cookies, CHUNK_COOKIE, scheme);
    let limit = match scheme {
        ChunkScheme::None => 0,
        ChunkScheme::H3 => H3_MAX_CHUNKS,
        ChunkScheme::IronSession => IRON_SESSION_MAX_CHUNKS,
    };
    assert!(state.chunks <= limit, "{state:?}");
    if let Some(read) = cookie::reassemble(&cookies, CHUNK_COOKIE, scheme) {
        assert!(!read.is_empty());
    }
    let options = style.default_options();
    let jar = jar::Jar::canonical(&cookies);
    match cookie::chunk_set_cookies(CHUNK_COOKIE, value, &options, style, scheme, split, state) {
        Ok(lines) => {
            for line in &lines {
                assert!(line.len() <= MAX_SET_COOKIE_BYTES);
            }
            let mut after = jar.clone();
            after.apply(&lines);
            let header = after.header();
            // Two values cannot read back as written, and sealed tokens are neither: one that
            // starts with h3's marker reads as a marker, and the polyseal style writes `%XX` as
            // given, which the parser then percent-decodes (as every peer's parser does).
            let marker = scheme == ChunkScheme::H3 && value.starts_with("__chunked__");
            let escapes = style == CookieStyle::Polyseal && value.contains('%');
            if header.len() > MAX_COOKIE_HEADER_BYTES {
                // The parser refuses it; `SessionManager` never writes a session this large.
                let error = cookie::parse_cookie_header(&header).unwrap_err();
                assert_eq!(error.code(), ErrorCode::TooLarge);
            } else if !marker && !escapes {
                let reread = cookie::parse_cookie_header(&header).expect("header parses");
                let expected = (!value.is_empty()).then_some(value);
                assert_eq!(
                    cookie::reassemble(&reread, CHUNK_COOKIE, scheme).as_deref(),
                    expected,
                    "written with {lines:?}"
                );
            }
        }
        Err(error) => {
            check_rejection(
                &error,
                &[ErrorCode::TooLarge, ErrorCode::InvalidCookie],
                data,
            );
        }
    }
    let deletions = cookie::chunk_deletion_cookies(CHUNK_COOKIE, &options, style, scheme, state)
        .expect("what chunk_state reports can always be deleted");
    let mut cleared = jar;
    cleared.apply(&deletions);
    let reread = cookie::parse_cookie_header(&cleared.header()).expect("header parses");
    assert_eq!(cookie::reassemble(&reread, CHUNK_COOKIE, scheme), None);
}

/// Codes a rejected session cookie may carry.
const LOAD_CODES: &[ErrorCode] = UNSEAL_CODES;

/// `SessionManager::load_request_at` with arbitrary headers, in every format. First byte: the
/// manager (see [`fixtures::managers`]). The rest (lossy UTF-8) is the `Cookie` header,
/// optionally followed by `\n` and a session header value. Whatever is loaded is then changed,
/// saved, loaded back from the cookies the save wrote, and cleared.
pub fn session_load(data: &[u8]) {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let all = fixtures::managers();
    let fixture = &all[usize::from(selector) % all.len()];
    let manager = &fixture.manager;
    let text = String::from_utf8_lossy(rest);
    let (cookie_header, session_header) = match text.split_once('\n') {
        Some((cookies, header)) => (cookies, Some(header)),
        None => (&*text, None),
    };
    let now = fixtures::NOW;
    let mut session = manager.load_request_at(Some(cookie_header), session_header, now);
    if let Some(error) = session.rejection() {
        assert!(session.is_new());
        check_rejection(error, LOAD_CODES, rest);
    }
    check_no_secret(&format!("{manager:?}"), &[]);
    // Always a change, so the save below always writes.
    let next = session
        .data()
        .get("fuzz")
        .and_then(Value::as_u64)
        .map_or(0, |n| n.wrapping_add(1));
    session
        .data_mut()
        .insert("fuzz".to_owned(), Value::from(next));
    let lines = match manager.save_at(&mut session, now) {
        Ok(lines) => lines,
        Err(error) => {
            // The cookie or the Cookie header would be too large, or the loaded session
            // reaches its deadline at this very millisecond.
            check_rejection(&error, &[ErrorCode::TooLarge, ErrorCode::Expired], rest);
            return;
        }
    };
    let mut jar = match cookie::parse_cookie_header(cookie_header) {
        Ok(cookies) => jar::Jar::canonical(&cookies),
        Err(_) => jar::Jar::default(),
    };
    jar.apply(&lines);
    let mut reloaded = manager.load_at(&jar.header(), now);
    assert_eq!(reloaded.rejection(), None, "saved with {lines:?}");
    assert!(!reloaded.is_new());
    assert_eq!(reloaded.data(), session.data());
    assert_eq!(reloaded.id(), session.id());
    let cleared = manager
        .clear_at(&mut reloaded, now)
        .expect("a loaded session can be cleared");
    let error = manager
        .save_at(&mut reloaded, now)
        .expect_err("a cleared session cannot be saved");
    assert_eq!(error.code(), ErrorCode::SessionCleared);
    jar.apply(&cleared);
    let after = manager.load_at(&jar.header(), now);
    assert!(after.is_new() && after.rejection().is_none(), "{after:?}");
}

/// JSON validation: [`json::validate`] and [`json::validate_str`], which try a quick scan before
/// `serde_json`, answer exactly as [`json::parse`] (`serde_json` alone) does, down to the error
/// message. First byte:
/// the depth limit (`1 + byte % 127`); the rest is the text.
pub fn json_validate(data: &[u8]) {
    let Some((&depth, text)) = data.split_first() else {
        return;
    };
    let limits = JsonLimits {
        max_bytes: usize::MAX,
        max_depth: 1 + usize::from(depth) % 127,
    };
    let validated = json::validate(text, limits).map_err(|e| (e.code(), e.to_string()));
    let parsed = json::parse(text, limits)
        .map(|_| ())
        .map_err(|e| (e.code(), e.to_string()));
    assert_eq!(validated, parsed, "{:?}", String::from_utf8_lossy(text));
    if let Ok(text) = std::str::from_utf8(text) {
        let as_str = json::validate_str(text, limits).map_err(|e| (e.code(), e.to_string()));
        assert_eq!(as_str, parsed, "{text:?}");
    }
}
