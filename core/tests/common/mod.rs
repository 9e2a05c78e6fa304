//! Helpers shared by the vector generators: keyrings from their JSON description, and the
//! generate / compare-with-committed / read-back cycle every vector file goes through.

#![allow(dead_code)]

#[path = "../support/fe26_json.rs"]
pub mod fe26_json;

use std::path::PathBuf;

use polyseal::Keyring;
use polyseal::json::JsonLimits;
use polyseal::native::NativeOptions;
use serde_json::{Value, json};

/// Path of a committed vector file, e.g. `tests/vectors/native-v1.json`.
pub fn vector_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/vectors")
        .join(file)
}

/// Pretty JSON with a trailing newline: the committed form of every vector file.
pub fn render(document: &Value) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("vectors serialize");
    text.push('\n');
    text
}

/// Fails if the committed file differs from the freshly generated one, or rewrites it when
/// `POLYSEAL_WRITE_VECTORS=1`.
pub fn check_or_write(file: &str, document: &Value) {
    let path = vector_path(file);
    let fresh = render(document);
    if std::env::var("POLYSEAL_WRITE_VECTORS").as_deref() == Ok("1") {
        std::fs::write(&path, &fresh).expect("write vectors");
        return;
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}; run with POLYSEAL_WRITE_VECTORS=1", path.display()));
    assert!(
        committed == fresh,
        "{} is out of date with the generator; run with POLYSEAL_WRITE_VECTORS=1",
        path.display()
    );
}

/// Reads a committed vector file.
pub fn load(file: &str) -> Value {
    let text = std::fs::read_to_string(vector_path(file)).expect("read vectors");
    serde_json::from_str(&text).expect("vectors are JSON")
}

/// Builds a keyring from its vector-file description (see docs/VECTORS.md); one reader,
/// shared with the Fe26.2 and session test support and their CLIs.
pub fn keyring_from_json(spec: &Value) -> polyseal::Result<Keyring> {
    fe26_json::keyring(spec)
}

/// Describes a password entry for a vector file.
pub fn password_entry(id: &str, password: &str) -> Value {
    json!({"id": id, "password": password})
}

/// The header every vector file starts with.
pub fn document(
    file: &str,
    description: &str,
    notes: Value,
    keyrings: Value,
    tests: Vec<Value>,
) -> Value {
    json!({
        "file": file,
        "description": description,
        "generator": format!("polyseal {}", polyseal::VERSION),
        "numberOfTests": tests.len(),
        "notes": notes,
        "keyrings": keyrings,
        "tests": tests,
    })
}

/// A sealer built from a case's `options` exactly as the C, Python and Node runners build theirs
/// (names in docs/VECTORS.md); unknown option names are refused.
pub fn sealer_from_case(keyrings: &Value, case: &Value) -> polyseal::Result<polyseal::Sealer> {
    use polyseal::{ErrorCode, Format, SealerOptions};
    let keyring = keyring_from_json(&keyrings[case["keyring"].as_str().expect("keyring name")])?;
    let mut options = SealerOptions::default();
    let mut format = Format::Native;
    let number = |value: &Value| value.as_u64().expect("a non-negative integer option");
    for (name, value) in case["options"].as_object().expect("options object") {
        match name.as_str() {
            "format" => format = Format::from_name(value.as_str().expect("format name"))?,
            "cookieName" => options.cookie_name = value.as_str().expect("text").to_owned(),
            "context" => options.context = value.as_str().expect("text").as_bytes().to_vec(),
            "ttl" => options.ttl_ms = Some(number(value)),
            "skew" => options.skew_ms = number(value),
            "iterations" => options.iterations = Some(number(value) as u32),
            "saltBits" => options.salt_bits = Some(number(value) as u32),
            "localtimeOffset" => options.localtime_offset_ms = value.as_i64().expect("integer"),
            "maxTokenChars" => options.max_token_chars = number(value) as usize,
            "maxJsonBytes" => options.json.max_bytes = number(value) as usize,
            "maxDepth" => options.json.max_depth = number(value) as usize,
            other => {
                return Err(polyseal::Error::new(
                    ErrorCode::InvalidOption,
                    format!("the runner does not know option {other:?}"),
                ));
            }
        }
    }
    polyseal::Sealer::with_options(keyring, format, options)
}

/// 64-bit FNV-1a, the digest every language's tamper runner computes over its outcome lines.
pub fn fnv1a64(bytes: &[u8], mut hash: u64) -> u64 {
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

/// FNV-1a's offset basis.
pub const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
/// Native options from a case's `options` object (names as in `docs/VECTORS.md`).
pub fn native_options(case_options: &Value) -> NativeOptions {
    let defaults = NativeOptions::default();
    NativeOptions {
        cookie_name: case_options["cookieName"].as_str().unwrap_or("").to_owned(),
        context: case_options["context"]
            .as_str()
            .unwrap_or("")
            .as_bytes()
            .to_vec(),
        ttl_ms: case_options["ttl"].as_u64(),
        skew_ms: case_options["skew"].as_u64().unwrap_or(defaults.skew_ms),
        leeway_ms: 0,
        max_token_chars: case_options["maxTokenChars"]
            .as_u64()
            .map_or(defaults.max_token_chars, |n| n as usize),
        json: JsonLimits {
            max_bytes: defaults.json.max_bytes,
            max_depth: case_options["maxDepth"]
                .as_u64()
                .map_or(defaults.json.max_depth, |n| n as usize),
        },
    }
}
