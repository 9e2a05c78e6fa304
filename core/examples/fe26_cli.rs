//! A line-oriented Fe26.2 seal/unseal service for the real-peer tests (`tests/peers`).
//!
//! Reads one JSON request per line on stdin and answers one JSON line on stdout, in order:
//!
//! ```text
//! {"id": 1, "op": "seal", "keyring": {...}, "options": {"format": "h3-v2"}, "now": 1764000000000,
//!  "payload": "{\"a\":1}", "fixedHex": "<optional: bytes the next random draws return>"}
//! {"id": 2, "op": "unseal", "keyring": {...}, "options": {...}, "now": ..., "token": "Fe26.2*..."}
//! ```
//!
//! Answers are `{"id", "ok": true, "token"}` for a seal, `{"id", "ok": true, "payload", "keyId",
//! "expiresAt", "needsReseal"}` for an unseal (payload re-serialized as `JSON.stringify` would),
//! or `{"id", "ok": false, "code": "BAD_SEAL", "message"}`. Keyrings and options follow
//! `docs/VECTORS.md`. `fixedHex` (encryption salt bytes, IV, integrity salt bytes) lets a test
//! reproduce a peer's token byte for byte; it relies on the `test-hooks` feature, which
//! examples get through the crate's dev-dependencies.
//!
//! Run: `cargo run -p polyseal --example fe26_cli`.

#[path = "../tests/support/fe26_json.rs"]
mod fe26_json;

use std::io::{self, BufRead, Write};

use polyseal::iron::{self, IronUnsealed};
use polyseal::json::{self, JsonLimits};
use polyseal::{Error, ErrorCode, Result, Value};
use serde_json::json;

fn main() -> io::Result<()> {
    let stdin = io::stdin();
    let mut stdout = io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = answer(&line);
        writeln!(stdout, "{answer}")?;
        stdout.flush()?;
    }
    Ok(())
}

fn answer(line: &str) -> Value {
    let request: Value = match serde_json::from_str(line) {
        Ok(request) => request,
        Err(e) => return failure(Value::Null, &bad_request(&format!("not JSON: {e}"))),
    };
    let id = request.get("id").cloned().unwrap_or(Value::Null);
    let outcome = match request.get("op").and_then(Value::as_str) {
        Some("seal") => seal(&request).map(|token| json!({"token": token})),
        Some("unseal") => unseal(&request).map(unsealed_json),
        _ => Err(bad_request("op must be \"seal\" or \"unseal\"")),
    };
    match outcome {
        Ok(Value::Object(mut fields)) => {
            fields.insert("id".into(), id);
            fields.insert("ok".into(), Value::Bool(true));
            Value::Object(fields)
        }
        Ok(_) => unreachable!("answers are objects"),
        Err(error) => failure(id, &error),
    }
}

fn seal(request: &Value) -> Result<String> {
    let keyring = fe26_json::keyring(field(request, "keyring")?)?;
    let options = fe26_json::options(field(request, "options")?)?;
    let payload = text(request, "payload")?;
    let value = json::parse_str(payload, JsonLimits::default())?;
    if let Some(fixed) = request.get("fixedHex").and_then(Value::as_str) {
        polyseal::rng::fixed_bytes(&fe26_json::hex_decode(fixed)?);
    }
    let sealed = iron::seal_at(&value, &keyring, &options, now(request)?);
    // Never let unused fixed bytes leak into the next request.
    polyseal::rng::clear_fixed_bytes();
    sealed
}

fn unseal(request: &Value) -> Result<IronUnsealed> {
    let keyring = fe26_json::keyring(field(request, "keyring")?)?;
    let options = fe26_json::options(field(request, "options")?)?;
    iron::unseal_at(text(request, "token")?, &keyring, &options, now(request)?)
}

fn unsealed_json(unsealed: IronUnsealed) -> Value {
    json!({
        "payload": json::to_js_string(&unsealed.value),
        "keyId": unsealed.key_id,
        "expiresAt": unsealed.expires_at,
        "needsReseal": unsealed.needs_reseal,
    })
}

fn failure(id: Value, error: &Error) -> Value {
    json!({"id": id, "ok": false, "code": error.code().name(), "message": error.message()})
}

fn field<'a>(request: &'a Value, name: &str) -> Result<&'a Value> {
    request
        .get(name)
        .ok_or_else(|| bad_request(&format!("missing {name:?}")))
}

fn text<'a>(request: &'a Value, name: &str) -> Result<&'a str> {
    field(request, name)?
        .as_str()
        .ok_or_else(|| bad_request(&format!("{name:?} must be a string")))
}

fn now(request: &Value) -> Result<u64> {
    field(request, "now")?
        .as_u64()
        .ok_or_else(|| bad_request("\"now\" must be milliseconds since the epoch"))
}

fn bad_request(message: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, message.to_owned())
}
