//! Session flows written in JSON: the cases of `tests/vectors/sessions.json` and the session
//! objects of `examples/session_cli.rs`. `docs/VECTORS.md` ("sessions.json") describes the
//! format; this file is the reference runner the Python, Node and C runners follow.
//!
//! A flow is a session configuration, a keyring and a list of steps run against one
//! [`SessionManager`]. A browser-like cookie jar collects every `Set-Cookie` line the steps
//! write, so a later `load` can send back `$jar`. After each step the runner *observes* the
//! outcome (error, masked `Set-Cookie` lines, the session's fields) and compares it with the
//! step's `expect`, key by key.

#![allow(dead_code)] // the vector test and the CLI each use a different part

#[path = "cookie_cases.rs"]
mod cookie_cases;
#[path = "fe26_json.rs"]
mod fe26_json;

use std::collections::BTreeMap;

use polyseal::cookie::{ChunkScheme, CookieStyle};
use polyseal::session::{Session, SessionConfig, SessionManager};
use polyseal::{Error, ErrorCode, Keyring, Result, Value};
use serde_json::{Map, json};

/// What a written session token is replaced with in expected `Set-Cookie` lines.
pub const TOKEN: &str = "<token>";
/// What a chunk of a written session token is replaced with.
pub const CHUNK: &str = "<chunk>";
/// In a `load` step's `cookie`, the cookies the browser holds after the previous steps.
pub const JAR: &str = "$jar";
/// In a `load` step's `sessionHeader`, the token of the last `token` step.
pub const LAST_TOKEN: &str = "$token";

/// A keyring in the vector-file form (`{"current", "entries": [...]}`).
pub fn keyring(json: &Value) -> Result<Keyring> {
    fe26_json::keyring(json)
}

/// A session configuration: `format` plus overrides of `SessionConfig::for_format(format)`.
///
/// Keys: `format`, `cookieName`, `maxAge` (s or null), `idleTimeout` (s or null), `cookie`
/// (cookie options, replacing the format's), `style`, `chunking`, `split`, `sessionHeader`
/// (name or null), `saveNewSessions`, `cookieHeaderLimit` (bytes or null), `iterations`,
/// `skew` (ms). Unknown keys are refused.
pub fn config(json: &Value) -> Result<SessionConfig> {
    let fields = json
        .as_object()
        .ok_or_else(|| bad_option("a session config must be an object"))?;
    let format = fields
        .get("format")
        .and_then(Value::as_str)
        .ok_or_else(|| bad_option("a session config needs a \"format\""))?;
    let mut config = SessionConfig::for_format(polyseal::Format::from_name(format)?);
    for (key, value) in fields {
        match key.as_str() {
            "format" => {}
            "cookieName" => config.cookie_name = text(value, key)?.to_owned(),
            "maxAge" => config.max_age_s = optional_unsigned(value, key)?,
            "idleTimeout" => config.idle_timeout_s = optional_unsigned(value, key)?,
            "cookie" => config.cookie = cookie_cases::cookie_options(value)?,
            "style" => config.style = CookieStyle::from_name(text(value, key)?)?,
            "chunking" => config.chunking = ChunkScheme::from_name(text(value, key)?)?,
            "split" => config.split = boolean(value, key)?,
            "sessionHeader" => {
                config.session_header = match value {
                    Value::Null => None,
                    value => Some(text(value, key)?.to_owned()),
                }
            }
            "saveNewSessions" => config.save_new_sessions = boolean(value, key)?,
            "cookieHeaderLimit" => {
                config.cookie_header_limit = optional_unsigned(value, key)?
                    .map(|limit| usize::try_from(limit).unwrap_or(usize::MAX))
            }
            "iterations" => {
                config.sealer.iterations = Some(
                    u32::try_from(unsigned(value, key)?)
                        .map_err(|_| bad_option("iterations is out of range"))?,
                )
            }
            "skew" => config.sealer.skew_ms = unsigned(value, key)?,
            _ => return Err(bad_option(&format!("unknown session option {key:?}"))),
        }
    }
    Ok(config)
}

/// The session's fields, as every runner reports them.
pub fn snapshot(session: &Session) -> Map<String, Value> {
    let mut fields = Map::new();
    fields.insert("id".into(), json!(session.id()));
    fields.insert("isNew".into(), json!(session.is_new()));
    fields.insert(
        "rejection".into(),
        json!(session.rejection().map(|error| error.code().name())),
    );
    fields.insert("createdAt".into(), json!(session.created_at()));
    fields.insert("lastSeenAt".into(), json!(session.last_seen_at()));
    fields.insert("data".into(), Value::Object(session.data().clone()));
    fields.insert("needsReseal".into(), json!(session.needs_reseal()));
    fields.insert("isCleared".into(), json!(session.is_cleared()));
    fields
}

/// `name=value` and the attributes of a `Set-Cookie` line.
fn split_line(line: &str) -> (&str, &str, &str) {
    let (pair, attributes) = line.split_once(';').unwrap_or((line, ""));
    let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
    (name, value, attributes)
}

/// Whether `cookie` is a chunk `name.N` of the session cookie `name`.
fn is_chunk(cookie: &str, name: &str) -> bool {
    cookie
        .strip_prefix(name)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|index| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
}

/// The lines with every session token value replaced by [`TOKEN`] and every chunk value by
/// [`CHUNK`]; empty values (deletions) and h3's `__chunked__N` marker stay as they are.
pub fn mask(lines: &[String], cookie_name: &str) -> Vec<String> {
    lines
        .iter()
        .map(|line| {
            let (name, value, attributes) = split_line(line);
            let masked = if value.is_empty() || value.starts_with("__chunked__") {
                value
            } else if is_chunk(name, cookie_name) {
                CHUNK
            } else {
                TOKEN
            };
            let separator = if attributes.is_empty() && !line.contains(';') {
                ""
            } else {
                ";"
            };
            format!("{name}={masked}{separator}{attributes}")
        })
        .collect()
}

/// Characters of session token the lines carry (a chunked token counts its parts), or `None`
/// when they write no token.
pub fn token_length(lines: &[String]) -> Option<usize> {
    let length: usize = lines
        .iter()
        .map(|line| split_line(line).1)
        .filter(|value| !value.starts_with("__chunked__"))
        .map(str::len)
        .sum();
    (length > 0).then_some(length)
}

/// The cookies a browser holds: a line with `Max-Age=0` removes its cookie; any other line
/// stores its value (an empty one too), in place if the cookie exists, else at the end.
#[derive(Default)]
pub struct Jar {
    cookies: Vec<(String, String)>,
}

impl Jar {
    pub fn apply(&mut self, lines: &[String]) {
        for line in lines {
            let (name, value, attributes) = split_line(line);
            let deletes = attributes
                .split(';')
                .any(|attribute| attribute.trim().eq_ignore_ascii_case("Max-Age=0"));
            let found = self.cookies.iter().position(|(cookie, _)| cookie == name);
            match (deletes, found) {
                (true, Some(index)) => {
                    self.cookies.remove(index);
                }
                (true, None) => {}
                (false, Some(index)) => self.cookies[index].1 = value.to_owned(),
                (false, None) => self.cookies.push((name.to_owned(), value.to_owned())),
            }
        }
    }

    /// The `Cookie` header the browser sends, leaving out the cookies named in `omit`.
    pub fn header(&self, omit: &[String]) -> String {
        self.cookies
            .iter()
            .filter(|(name, _)| !omit.contains(name))
            .map(|(name, value)| format!("{name}={value}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// One flow being run: its managers (one per keyring), the session, the jar and what each
/// step observed.
struct Run<'a> {
    config: SessionConfig,
    keyrings: &'a Value,
    default_keyring: String,
    managers: BTreeMap<String, SessionManager>,
    session: Option<Session>,
    jar: Jar,
    token: Option<String>,
    observed: Vec<Map<String, Value>>,
}

impl Run<'_> {
    fn manager(&mut self, step: &Value) -> Result<&SessionManager> {
        let name = match step.get("keyring") {
            Some(name) => text(name, "keyring")?.to_owned(),
            None => self.default_keyring.clone(),
        };
        if !self.managers.contains_key(&name) {
            let ring = self
                .keyrings
                .get(&name)
                .ok_or_else(|| bad_case(&format!("no keyring {name:?}")))?;
            let manager = SessionManager::new(keyring(ring)?, self.config.clone())?;
            self.managers.insert(name.clone(), manager);
        }
        Ok(&self.managers[&name])
    }

    fn step(&mut self, step: &Value) -> Result<Map<String, Value>> {
        let op = step
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| bad_case("a step needs an \"op\""))?;
        let mut observed = Map::new();
        if op == "load" {
            let session = self.load(step)?;
            self.session = Some(session);
        } else {
            let outcome = self.act(op, step)?;
            let writes = matches!(op, "update" | "save" | "clear");
            let (error, lines, token) = match outcome {
                Ok(Written::Lines(lines)) => (Value::Null, Some(lines), None),
                Ok(Written::Token(token)) => (Value::Null, None, Some(token)),
                Ok(Written::Nothing) => (Value::Null, None, None),
                Err(error) => (json!(error.code().name()), None, None),
            };
            observed.insert("error".into(), error);
            if writes {
                let name = self.config.cookie_name.clone();
                observed.insert(
                    "setCookies".into(),
                    json!(lines.as_ref().map(|lines| mask(lines, &name))),
                );
                observed.insert(
                    "tokenLength".into(),
                    json!(lines.as_deref().and_then(token_length)),
                );
                if let Some(lines) = &lines {
                    self.jar.apply(lines);
                }
            }
            if op == "token" {
                observed.insert("token".into(), json!(token.as_ref().map(|_| TOKEN)));
                observed.insert("tokenLength".into(), json!(token.as_ref().map(String::len)));
                if token.is_some() {
                    self.token = token;
                }
            }
        }
        let session = self
            .session
            .as_ref()
            .ok_or_else(|| bad_case("the first step must be a load"))?;
        observed.extend(snapshot(session));
        Ok(observed)
    }

    fn load(&mut self, step: &Value) -> Result<Session> {
        let omit: Vec<String> = match step.get("omit") {
            None => Vec::new(),
            Some(names) => names
                .as_array()
                .ok_or_else(|| bad_case("omit must be a list of cookie names"))?
                .iter()
                .map(|name| text(name, "omit").map(str::to_owned))
                .collect::<Result<_>>()?,
        };
        let cookie = match step.get("cookie") {
            None | Some(Value::Null) => None,
            Some(cookie) => Some(text(cookie, "cookie")?.replace(JAR, &self.jar.header(&omit))),
        };
        let header = match step.get("sessionHeader") {
            None | Some(Value::Null) => None,
            Some(value) if value == LAST_TOKEN => Some(
                self.token
                    .clone()
                    .ok_or_else(|| bad_case("$token before any token step"))?,
            ),
            Some(value) => Some(text(value, "sessionHeader")?.to_owned()),
        };
        let now = now(step)?;
        let manager = self.manager(step)?;
        Ok(manager.load_request_at(cookie.as_deref(), header.as_deref(), now))
    }

    fn act(&mut self, op: &str, step: &Value) -> Result<Result<Written>> {
        let manager = self.manager(step)?.clone();
        let session = self
            .session
            .as_mut()
            .ok_or_else(|| bad_case("the first step must be a load"))?;
        Ok(match op {
            "update" => {
                let patch = step
                    .get("patch")
                    .and_then(Value::as_object)
                    .ok_or_else(|| bad_case("update needs a \"patch\" object"))?;
                manager
                    .update_at(session, patch, now(step)?)
                    .map(Written::Lines)
            }
            "mutate" => {
                let data = step
                    .get("data")
                    .and_then(Value::as_object)
                    .ok_or_else(|| bad_case("mutate needs a \"data\" object"))?;
                session.set_data(data.clone());
                Ok(Written::Nothing)
            }
            "save" => manager.save_at(session, now(step)?).map(Written::Lines),
            "clear" => manager.clear_at(session, now(step)?).map(Written::Lines),
            "token" => manager.token_at(session, now(step)?).map(Written::Token),
            _ => return Err(bad_case(&format!("unknown step op {op:?}"))),
        })
    }
}

enum Written {
    Lines(Vec<String>),
    Token(String),
    Nothing,
}

/// Runs a flow and returns what each step observed (see the module docs).
pub fn observe(flow: &Value, keyrings: &Value) -> Result<Vec<Map<String, Value>>> {
    let config = config(
        flow.get("config")
            .ok_or_else(|| bad_case("a flow needs a \"config\""))?,
    )?;
    let default_keyring = text(flow.get("keyring").unwrap_or(&Value::Null), "keyring")?.to_owned();
    let mut run = Run {
        config,
        keyrings,
        default_keyring,
        managers: BTreeMap::new(),
        session: None,
        jar: Jar::default(),
        token: None,
        observed: Vec::new(),
    };
    let steps = flow
        .get("steps")
        .and_then(Value::as_array)
        .ok_or_else(|| bad_case("a flow needs \"steps\""))?;
    for step in steps {
        let observed = run.step(step)?;
        run.observed.push(observed);
    }
    Ok(run.observed)
}

/// Runs a flow and checks every step's `expect`; the error names the first mismatch.
pub fn check(flow: &Value, keyrings: &Value) -> std::result::Result<(), String> {
    let observed = observe(flow, keyrings).map_err(|e| format!("cannot run: {e}"))?;
    let steps = flow["steps"].as_array().expect("observe checked the steps");
    for (index, (step, seen)) in steps.iter().zip(&observed).enumerate() {
        let number = index + 1;
        let expect = step
            .get("expect")
            .and_then(Value::as_object)
            .ok_or_else(|| format!("step {number}: no \"expect\" object"))?;
        for (key, wanted) in expect {
            let actual = seen
                .get(key)
                .ok_or_else(|| format!("step {number}: unknown expectation {key:?}"))?;
            let matches = if key == "id" {
                id_matches(wanted, actual, &observed[..index])?
            } else {
                wanted == actual
            };
            if !matches {
                return Err(format!(
                    "step {number} ({}): {key} is {actual}, expected {wanted}",
                    step["op"]
                ));
            }
        }
    }
    Ok(())
}

/// An `id` expectation: an exact id, `@N` (the id observed at step N), or a pattern:
/// `uuid-v4`, `base64url-128` (22 base64url characters) or `empty`.
fn id_matches(
    wanted: &Value,
    actual: &Value,
    earlier: &[Map<String, Value>],
) -> std::result::Result<bool, String> {
    let (Some(wanted), Some(actual)) = (wanted.as_str(), actual.as_str()) else {
        return Err("ids are text".into());
    };
    if let Some(step) = wanted.strip_prefix('@') {
        let step: usize = step
            .parse()
            .map_err(|_| format!("bad id reference {wanted}"))?;
        let seen = earlier
            .get(step.wrapping_sub(1))
            .ok_or_else(|| format!("id reference {wanted} is not an earlier step"))?;
        return Ok(seen["id"] == actual);
    }
    Ok(match wanted {
        "uuid-v4" => is_uuid_v4(actual),
        "base64url-128" => {
            actual.len() == 22
                && actual
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
                && polyseal::b64::decode(actual, "id").is_ok_and(|bytes| bytes.len() == 16)
        }
        "empty" => actual.is_empty(),
        exact => exact == actual,
    })
}

/// Lower-case RFC 9562 version-4 UUID text.
fn is_uuid_v4(id: &str) -> bool {
    let bytes = id.as_bytes();
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, &b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            14 => b == b'4',
            19 => matches!(b, b'8' | b'9' | b'a' | b'b'),
            _ => b.is_ascii_digit() || (b'a'..=b'f').contains(&b),
        })
}

fn now(step: &Value) -> Result<u64> {
    unsigned(step.get("now").unwrap_or(&Value::Null), "now")
}

fn text<'a>(value: &'a Value, key: &str) -> Result<&'a str> {
    value
        .as_str()
        .ok_or_else(|| bad_option(&format!("{key} must be text")))
}

fn boolean(value: &Value, key: &str) -> Result<bool> {
    value
        .as_bool()
        .ok_or_else(|| bad_option(&format!("{key} must be true or false")))
}

fn unsigned(value: &Value, key: &str) -> Result<u64> {
    value
        .as_u64()
        .ok_or_else(|| bad_option(&format!("{key} must be a non-negative integer")))
}

fn optional_unsigned(value: &Value, key: &str) -> Result<Option<u64>> {
    match value {
        Value::Null => Ok(None),
        value => unsigned(value, key).map(Some),
    }
}

fn bad_option(message: &str) -> Error {
    Error::new(ErrorCode::InvalidOption, message.to_owned())
}

fn bad_case(message: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, message.to_owned())
}
