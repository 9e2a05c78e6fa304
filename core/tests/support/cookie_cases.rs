//! Runs one cookie case written in JSON, as the shared vectors (`tests/vectors/cookies.json`)
//! and the peer checks (`tests/peers-cookies`) describe them. Field names follow
//! `docs/VECTORS.md`.

use polyseal::Value;
use polyseal::cookie::{
    self, ChunkScheme, ChunkState, CookieOptions, CookieStyle, Priority, SameSite,
};
use polyseal::{Error, ErrorCode, Result};
use serde_json::{Map, json};

/// The output fields each op produces, in the order they are written.
pub fn output_fields(op: &str) -> &'static [&'static str] {
    match op {
        "set-cookie" | "delete-cookie" => &["setCookie"],
        "parse" => &["cookies"],
        "chunk" => &["setCookies"],
        "reassemble" => &["value", "state"],
        "budget" => &["length"],
        _ => &[],
    }
}

/// Runs `case` and answers `{"result", "error", <output fields>}`; on failure every output
/// field is `null` and `error` names the code.
pub fn run(case: &Value) -> Value {
    let op = case["op"].as_str().unwrap_or_default();
    let outcome = match op {
        "set-cookie" => set_cookie(case).map(|line| vec![json!(line)]),
        "delete-cookie" => delete_cookie(case).map(|line| vec![json!(line)]),
        "parse" => parse(case).map(|cookies| vec![cookies]),
        "chunk" => chunk(case).map(|lines| vec![json!(lines)]),
        "reassemble" => reassemble(case),
        "budget" => budget(case).map(|length| vec![json!(length)]),
        _ => Err(bad_case(format!("unknown op {op:?}"))),
    };
    let mut answer = Map::new();
    match outcome {
        Ok(outputs) => {
            answer.insert("result".into(), json!("valid"));
            answer.insert("error".into(), Value::Null);
            for (field, output) in output_fields(op).iter().zip(outputs) {
                answer.insert((*field).into(), output);
            }
        }
        Err(error) => {
            answer.insert("result".into(), json!("invalid"));
            answer.insert("error".into(), json!(error.code().name()));
            answer.insert("message".into(), json!(error.message()));
            for field in output_fields(op) {
                answer.insert((*field).into(), Value::Null);
            }
        }
    }
    Value::Object(answer)
}

fn set_cookie(case: &Value) -> Result<String> {
    let mut options = options(case)?;
    if let Some(expires_at) = case.get("expiresAt") {
        options = options.with_expiry(unsigned(expires_at, "expiresAt")?, now(case)?);
    }
    cookie::set_cookie(
        text(case, "name")?,
        text(case, "value")?,
        &options,
        style(case)?,
    )
}

fn delete_cookie(case: &Value) -> Result<String> {
    cookie::deletion_cookie(text(case, "name")?, &options(case)?, style(case)?)
}

fn parse(case: &Value) -> Result<Value> {
    let cookies = cookie::parse_cookie_header(text(case, "header")?)?;
    Ok(pairs_to_json(&cookies))
}

fn chunk(case: &Value) -> Result<Vec<String>> {
    let name = text(case, "name")?;
    let (options, style, scheme) = (options(case)?, style(case)?, scheme(case)?);
    let previous = previous(case)?;
    match &case["value"] {
        Value::Null => cookie::chunk_deletion_cookies(name, &options, style, scheme, previous),
        value => {
            let value = value
                .as_str()
                .ok_or_else(|| bad_case("value must be text or null"))?;
            let split = case["split"]
                .as_bool()
                .ok_or_else(|| bad_case("split must be a bool"))?;
            cookie::chunk_set_cookies(name, value, &options, style, scheme, split, previous)
        }
    }
}

fn reassemble(case: &Value) -> Result<Vec<Value>> {
    let cookies = pairs(case, "cookies")?;
    let (name, scheme) = (text(case, "name")?, scheme(case)?);
    let state = cookie::chunk_state(&cookies, name, scheme);
    Ok(vec![
        json!(cookie::reassemble(&cookies, name, scheme)),
        json!({ "whole": state.whole, "chunks": state.chunks }),
    ])
}

fn budget(case: &Value) -> Result<usize> {
    let limit = match case.get("limit") {
        Some(limit) => usize::try_from(unsigned(limit, "limit")?).unwrap_or(usize::MAX),
        None => cookie::DEFAULT_COOKIE_HEADER_LIMIT,
    };
    cookie::cookie_header_budget(&pairs(case, "cookies")?, limit)
}

/// `options` as in docs/VECTORS.md; unknown keys are refused so a typo cannot go unnoticed.
fn options(case: &Value) -> Result<CookieOptions> {
    match case.get("options") {
        None => Ok(CookieOptions::default()),
        Some(fields) => cookie_options(fields),
    }
}

/// A cookie options object in the vocabulary of docs/VECTORS.md (`maxAge`, `expiresMs`,
/// `domain`, `path`, `secure`, `httpOnly`, `sameSite`, `partitioned`, `priority`).
pub fn cookie_options(fields: &Value) -> Result<CookieOptions> {
    let fields = fields
        .as_object()
        .ok_or_else(|| bad_case("options must be an object"))?;
    let mut options = CookieOptions::default();
    for (key, value) in fields {
        match key.as_str() {
            "maxAge" => options.max_age = Some(signed(value, key)?),
            "expiresMs" => options.expires_ms = Some(unsigned(value, key)?),
            "domain" => options.domain = Some(string(value, key)?.to_owned()),
            "path" => options.path = Some(string(value, key)?.to_owned()),
            "secure" => options.secure = boolean(value, key)?,
            "httpOnly" => options.http_only = boolean(value, key)?,
            "sameSite" => options.same_site = Some(SameSite::from_name(string(value, key)?)?),
            "partitioned" => options.partitioned = boolean(value, key)?,
            "priority" => options.priority = Some(Priority::from_name(string(value, key)?)?),
            _ => return Err(bad_case(format!("unknown option {key:?}"))),
        }
    }
    Ok(options)
}

fn previous(case: &Value) -> Result<ChunkState> {
    let Some(previous) = case.get("previous") else {
        return Ok(ChunkState::default());
    };
    Ok(ChunkState {
        whole: boolean(&previous["whole"], "previous.whole")?,
        chunks: usize::try_from(unsigned(&previous["chunks"], "previous.chunks")?)
            .map_err(|_| bad_case("previous.chunks is too large"))?,
    })
}

fn style(case: &Value) -> Result<CookieStyle> {
    CookieStyle::from_name(text(case, "style")?)
}

fn scheme(case: &Value) -> Result<ChunkScheme> {
    ChunkScheme::from_name(text(case, "scheme")?)
}

fn now(case: &Value) -> Result<u64> {
    unsigned(&case["now"], "now")
}

fn pairs(case: &Value, key: &str) -> Result<Vec<(String, String)>> {
    let list = case[key]
        .as_array()
        .ok_or_else(|| bad_case(format!("{key} must be a list")))?;
    list.iter()
        .map(|pair| match pair.as_array().map(Vec::as_slice) {
            Some([Value::String(name), Value::String(value)]) => Ok((name.clone(), value.clone())),
            _ => Err(bad_case(format!("{key} must hold [name, value] pairs"))),
        })
        .collect()
}

fn pairs_to_json(cookies: &[(String, String)]) -> Value {
    cookies
        .iter()
        .map(|(name, value)| json!([name, value]))
        .collect()
}

fn text<'a>(case: &'a Value, key: &str) -> Result<&'a str> {
    string(&case[key], key)
}

fn string<'a>(value: &'a Value, key: &str) -> Result<&'a str> {
    value
        .as_str()
        .ok_or_else(|| bad_case(format!("{key} must be text")))
}

fn boolean(value: &Value, key: &str) -> Result<bool> {
    value
        .as_bool()
        .ok_or_else(|| bad_case(format!("{key} must be a bool")))
}

fn signed(value: &Value, key: &str) -> Result<i64> {
    value
        .as_i64()
        .ok_or_else(|| bad_case(format!("{key} must be an integer")))
}

fn unsigned(value: &Value, key: &str) -> Result<u64> {
    value
        .as_u64()
        .ok_or_else(|| bad_case(format!("{key} must be a non-negative integer")))
}

fn bad_case(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::InvalidArgument, message.into())
}
