//! Keyrings, options and clocks the targets run under, taken from the shared vector files so
//! that every vector token is a meaningful seed. Built once per process.

use std::sync::OnceLock;

use polyseal::iron::IronOptions;
use polyseal::json::JsonLimits;
use polyseal::native::NativeOptions;
use polyseal::session::{SessionConfig, SessionManager};
use polyseal::{Format, Keyring};
use serde_json::Value;

use crate::fe26_json;

/// The clock of most vector cases (2025-11-24T16:00:00Z).
pub const NOW: u64 = 1_764_000_000_000;

/// The native vector file.
pub const NATIVE_VECTORS: &str = include_str!("../../../tests/vectors/native-v1.json");
/// The Fe26.2 vector file.
pub const FE26_VECTORS: &str = include_str!("../../../tests/vectors/fe26.json");
/// The cookie vector file.
pub const COOKIE_VECTORS: &str = include_str!("../../../tests/vectors/cookies.json");

/// A keyring, native options and a clock, as one vector case uses them.
pub struct NativeFixture {
    /// The case's keyring.
    pub keyring: Keyring,
    /// The case's options.
    pub options: NativeOptions,
    /// The case's clock.
    pub now: u64,
}

/// A keyring, Fe26.2 options and a clock, as one vector case uses them.
pub struct Fe26Fixture {
    /// The case's keyring.
    pub keyring: Keyring,
    /// The case's options.
    pub options: IronOptions,
    /// The case's clock.
    pub now: u64,
}

/// A session manager.
pub struct ManagerFixture {
    /// What the manager is for (shown by the seed writer).
    pub label: &'static str,
    /// The manager.
    pub manager: SessionManager,
}

fn document(text: &str) -> Value {
    serde_json::from_str(text).expect("the vector files are JSON")
}

/// The distinct `(keyring, options, now)` triples of a vector file's token cases, in the order
/// they first appear, each with the cases that use it.
pub fn combinations(vectors: &Value) -> Vec<(Value, Vec<Value>)> {
    let mut out: Vec<(Value, Vec<Value>)> = Vec::new();
    for case in vectors["tests"].as_array().expect("tests") {
        if !case["token"].is_string() {
            continue;
        }
        let key = serde_json::json!([case["keyring"], case["options"], case["now"]]);
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some((_, cases)) => cases.push(case.clone()),
            None => out.push((key, vec![case.clone()])),
        }
    }
    out
}

/// Every password and raw key (as hex) in the vector files.
pub fn all_secrets() -> Vec<String> {
    let mut secrets = Vec::new();
    for text in [NATIVE_VECTORS, FE26_VECTORS] {
        collect_secrets(&document(text)["keyrings"], &mut secrets);
    }
    secrets.sort();
    secrets.dedup();
    secrets
}

fn collect_secrets(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("password" | "keyHex", Value::String(secret)) => out.push(secret.clone()),
                    _ => collect_secrets(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_secrets(item, out)),
        _ => {}
    }
}

/// Native options from a case's `options` object (`docs/VECTORS.md`).
pub fn native_options(options: &Value) -> NativeOptions {
    let defaults = NativeOptions::default();
    NativeOptions {
        cookie_name: options["cookieName"].as_str().unwrap_or("").to_owned(),
        context: options["context"]
            .as_str()
            .unwrap_or("")
            .as_bytes()
            .to_vec(),
        ttl_ms: options["ttl"].as_u64(),
        skew_ms: options["skew"].as_u64().unwrap_or(defaults.skew_ms),
        leeway_ms: 0,
        max_token_chars: options["maxTokenChars"]
            .as_u64()
            .map_or(defaults.max_token_chars, |n| n as usize),
        json: JsonLimits {
            max_bytes: defaults.json.max_bytes,
            max_depth: options["maxDepth"]
                .as_u64()
                .map_or(defaults.json.max_depth, |n| n as usize),
        },
    }
}

/// Every native fixture, in the order of [`combinations`] of `native-v1.json`.
pub fn native() -> &'static [NativeFixture] {
    static FIXTURES: OnceLock<Vec<NativeFixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let vectors = document(NATIVE_VECTORS);
        combinations(&vectors)
            .into_iter()
            .map(|(key, _)| NativeFixture {
                keyring: fe26_json::keyring(&vectors["keyrings"][key[0].as_str().unwrap()])
                    .expect("vector keyrings build"),
                options: native_options(&key[1]),
                now: key[2].as_u64().expect("now"),
            })
            .collect()
    })
}

/// Whether an Fe26.2 case is slow to unseal: it derives keys with thousands of iterations.
pub fn is_slow_fe26(options: &Value) -> bool {
    let options = fe26_json::options(options).expect("vector options parse");
    options.iterations >= 1000
}

fn fe26_fixtures(slow: bool) -> Vec<Fe26Fixture> {
    let vectors = document(FE26_VECTORS);
    combinations(&vectors)
        .into_iter()
        .filter(|(key, _)| is_slow_fe26(&key[1]) == slow)
        .map(|(key, _)| Fe26Fixture {
            keyring: fe26_json::keyring(&vectors["keyrings"][key[0].as_str().unwrap()])
                .expect("vector keyrings build"),
            options: fe26_json::options(&key[1]).expect("vector options parse"),
            now: key[2].as_u64().expect("now"),
        })
        .collect()
}

/// The Fe26.2 fixtures with fewer than 1000 PBKDF2 iterations.
pub fn fe26_fast() -> &'static [Fe26Fixture] {
    static FIXTURES: OnceLock<Vec<Fe26Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| fe26_fixtures(false))
}

/// The Fe26.2 fixtures with 1000 or more PBKDF2 iterations (h3-v2).
pub fn fe26_slow() -> &'static [Fe26Fixture] {
    static FIXTURES: OnceLock<Vec<Fe26Fixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| fe26_fixtures(true))
}

/// The session managers [`crate::session_load`] picks from, by index.
pub fn managers() -> &'static [ManagerFixture] {
    static FIXTURES: OnceLock<Vec<ManagerFixture>> = OnceLock::new();
    FIXTURES.get_or_init(|| {
        let native_vectors = document(NATIVE_VECTORS);
        let fe26_vectors = document(FE26_VECTORS);
        let native_ring = |name: &str| {
            fe26_json::keyring(&native_vectors["keyrings"][name]).expect("native keyring")
        };
        let fe26_ring =
            |name: &str| fe26_json::keyring(&fe26_vectors["keyrings"][name]).expect("keyring");
        let build = |label, keyring, config: SessionConfig| ManagerFixture {
            label,
            manager: SessionManager::new(keyring, config).expect("fixture config"),
        };

        let mut idle = SessionConfig::for_format(Format::Native);
        idle.max_age_s = Some(86_400);
        idle.idle_timeout_s = Some(3_600);
        idle.session_header = Some("x-session".to_owned());
        // h3 2.x sessions with a single PBKDF2 iteration, so that every input stays cheap; the
        // 8192-iteration profile is fuzzed by `fe26_unseal_h3v2`.
        let mut h3v2 = SessionConfig::for_format(Format::H3V2);
        h3v2.sealer.iterations = Some(1);
        h3v2.idle_timeout_s = Some(1_800);
        vec![
            build(
                "native",
                native_ring("main"),
                SessionConfig::for_format(Format::Native),
            ),
            build("native-idle-header", native_ring("main"), idle),
            build(
                "h3-v1",
                fe26_ring("single"),
                SessionConfig::for_format(Format::H3V1),
            ),
            build("h3-v2-1-iteration", fe26_ring("single"), h3v2),
            build(
                "iron-session",
                fe26_ring("session"),
                SessionConfig::for_format(Format::IronSession),
            ),
            build(
                "iron",
                fe26_ring("rotation"),
                SessionConfig::for_format(Format::Iron),
            ),
        ]
    })
}
