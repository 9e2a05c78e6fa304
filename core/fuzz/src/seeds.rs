//! Seed inputs for every target, built from the shared vector files and from sessions saved by
//! the fixture managers. `smoke --write-seeds seeds` writes them out for `cargo fuzz`.

use polyseal::cookie::{ChunkScheme, CookieStyle};
use polyseal::rng;
use serde_json::{Value, json};

use crate::fixtures::{self, COOKIE_VECTORS, FE26_VECTORS, NATIVE_VECTORS, NOW};
use crate::jar;

/// One seed: a short name (the file name) and the input bytes.
pub type Seed = (String, Vec<u8>);

/// The seeds of the target called `target`.
pub fn for_target(target: &str) -> Vec<Seed> {
    match target {
        "native_unseal" => token_seeds(NATIVE_VECTORS, |_| true),
        "fe26_unseal" => token_seeds(FE26_VECTORS, |options| !fixtures::is_slow_fe26(options)),
        "fe26_unseal_h3v2" => token_seeds(FE26_VECTORS, fixtures::is_slow_fe26),
        "cookie_header" => cookie_header_seeds(),
        "chunks" => chunk_seeds(),
        "session_load" => session_seeds(),
        "json_validate" => json_seeds(),
        _ => Vec::new(),
    }
}

/// The payload of every valid vector case, and text at the edges of the quick scan (escapes,
/// surrogates, numbers, nesting), each after a depth byte of 64 (`63 % 127 + 1`).
fn json_seeds() -> Vec<Seed> {
    let mut texts: Vec<String> = Vec::new();
    for vectors in [NATIVE_VECTORS, FE26_VECTORS] {
        for case in document(vectors)["tests"].as_array().expect("tests") {
            if let Some(payload) = case["payload"].as_str() {
                texts.push(payload.to_owned());
            }
        }
    }
    texts.extend(
        [
            r#"{"a":[1,-2.5,0,-0,true,false,null,""],"b":{},"c":[]}"#,
            r#""\u00e9\ud83d\ude00\ud800\n\"\/""#,
            "[1e400, 1e-400, 123456789012345678901234567890, -0.0e0]",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
        ]
        .map(str::to_owned),
    );
    texts.sort();
    texts.dedup();
    texts
        .into_iter()
        .enumerate()
        .map(|(index, text)| {
            let mut input = vec![63];
            input.extend(text.into_bytes());
            (format!("json{index}"), input)
        })
        .collect()
}

fn document(text: &str) -> Value {
    serde_json::from_str(text).expect("vector files are JSON")
}

/// `[fixture index] + token` for every token case, and `[0x80 | index] + payload` for every
/// valid case (the seal-then-open mode), numbered by `tcId`.
fn token_seeds(vectors: &str, keep: impl Fn(&Value) -> bool) -> Vec<Seed> {
    let vectors = document(vectors);
    let mut seeds = Vec::new();
    let kept = fixtures::combinations(&vectors)
        .into_iter()
        .filter(|(key, _)| keep(&key[1]));
    for (index, (_, cases)) in kept.enumerate() {
        let selector = u8::try_from(index).expect("fewer than 128 fixtures");
        for case in cases {
            let id = &case["tcId"];
            let mut input = vec![selector];
            input.extend_from_slice(case["token"].as_str().unwrap().as_bytes());
            seeds.push((format!("tc{id}"), input));
            if case["result"] == "valid" {
                let mut input = vec![0x80 | selector];
                input.extend_from_slice(case["payload"].as_str().unwrap().as_bytes());
                seeds.push((format!("tc{id}-payload"), input));
            }
        }
    }
    seeds
}

fn cookie_cases() -> Vec<Value> {
    document(COOKIE_VECTORS)["tests"]
        .as_array()
        .expect("tests")
        .clone()
}

fn pairs_of(cookies: &Value) -> Vec<(String, String)> {
    cookies
        .as_array()
        .expect("cookie pairs")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().unwrap().to_owned(),
                pair[1].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn cookie_header_seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    for case in cookie_cases() {
        let id = &case["tcId"];
        match case["op"].as_str() {
            Some("parse") => {
                seeds.push((format!("tc{id}"), case["header"].as_str().unwrap().into()));
            }
            Some("reassemble" | "budget") => {
                let header = jar::render(&pairs_of(&case["cookies"]));
                seeds.push((format!("tc{id}"), header.into_bytes()));
            }
            _ => {}
        }
    }
    seeds
}

/// The flag bits of [`crate::chunks`] for a scheme name; `None` for a name it does not know
/// (the vector files test unknown names too).
fn scheme_bits(name: &str) -> Option<u8> {
    let index = ChunkScheme::ALL.iter().position(|s| s.name() == name)?;
    u8::try_from(index).ok()
}

fn style_bits(name: &str) -> Option<u8> {
    let index = CookieStyle::ALL.iter().position(|s| s.name() == name)?;
    u8::try_from(index).ok().map(|index| index << 2)
}

fn chunk_seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    for case in cookie_cases() {
        let id = &case["tcId"];
        match case["op"].as_str() {
            Some("reassemble") => {
                let Some(scheme) = scheme_bits(case["scheme"].as_str().unwrap()) else {
                    continue;
                };
                let mut input = vec![scheme | 0x80, b'\n'];
                input.extend(jar::render(&pairs_of(&case["cookies"])).into_bytes());
                seeds.push((format!("tc{id}"), input));
            }
            Some("chunk") if case["value"].is_string() => {
                let split = if case["split"] == true { 0x80 } else { 0 };
                let scheme = scheme_bits(case["scheme"].as_str().unwrap());
                let style = style_bits(case["style"].as_str().unwrap());
                let (Some(scheme), Some(style)) = (scheme, style) else {
                    continue;
                };
                let mut input = vec![scheme | style | split];
                input.extend_from_slice(case["value"].as_str().unwrap().as_bytes());
                input.push(b'\n');
                seeds.push((format!("tc{id}"), input));
            }
            _ => {}
        }
    }
    seeds
}

/// For each manager: the cookies of a saved session (small, and large enough to be chunked
/// where the manager chunks), and for the manager with a session header, the token in it.
fn session_seeds() -> Vec<Seed> {
    let mut seeds = Vec::new();
    for (index, fixture) in fixtures::managers().iter().enumerate() {
        let selector = u8::try_from(index).expect("few managers");
        let manager = &fixture.manager;
        for (size, data) in [
            ("small", json!({"userId": 12345, "roles": ["admin"]})),
            ("large", json!({"blob": "x".repeat(6000)})),
        ] {
            rng::fixed_bytes(&[0x42; 1024]);
            let mut session = manager.load_at("", NOW);
            let Value::Object(patch) = data else {
                unreachable!()
            };
            let saved = manager.update_at(&mut session, &patch, NOW);
            let token = manager.token_at(&mut session, NOW);
            rng::clear_fixed_bytes();
            if let Ok(lines) = saved {
                let mut cookies = jar::Jar::default();
                cookies.apply(&lines);
                let mut input = vec![selector];
                input.extend(cookies.header().into_bytes());
                seeds.push((format!("{}-{size}", fixture.label), input));
            }
            if manager.config().session_header.is_some()
                && let Ok(token) = token
            {
                let mut input = vec![selector, b'\n'];
                input.extend(token.into_bytes());
                seeds.push((format!("{}-{size}-header", fixture.label), input));
            }
        }
    }
    seeds
}
