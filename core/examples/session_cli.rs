//! A line-oriented session service for the real-peer tests (`tests/peers/sessions`).
//!
//! One long-running process: one JSON request per line on stdin, one JSON answer per line on
//! stdout, in order. Managers and sessions live across requests under numeric handles.
//!
//! ```text
//! {"id": 1, "op": "manager", "config": {"format": "h3-v2", "idleTimeout": 600}, "keyring": {...}}
//!     -> {"id": 1, "ok": true, "manager": 1}
//! {"id": 2, "op": "load", "manager": 1, "cookie": "h3=Fe26.2*…", "sessionHeader": null, "now": 1764000000000}
//!     -> {"id": 2, "ok": true, "handle": 1, "session": {<session fields>}}
//! {"id": 3, "op": "update", "session": 1, "patch": {"n": 1}, "now": …}  -> {…, "setCookies": [...]}
//! {"id": 4, "op": "mutate", "session": 1, "data": {...}}                -> {…, "session": {...}}
//! {"id": 5, "op": "save" | "clear", "session": 1, "now": …}             -> {…, "setCookies": [...]}
//! {"id": 6, "op": "token", "session": 1, "now": …}                      -> {…, "token": "Fe26.2*…"}
//! {"id": 7, "op": "get" | "drop", "session": 1}
//! {"id": 8, "op": "unseal", "manager": 1, "token": "…", "now": …}
//!     -> {"id": 8, "ok": true, "payload": "<JSON text>", "keyId", "expiresAt", "needsReseal"}
//! ```
//!
//! A request's `session` is a session handle; an answer's `session` holds the session's fields:
//! `id`, `isNew`, `rejection` (code or null), `rejectionMessage`, `createdAt`, `lastSeenAt`,
//! `data`, `needsReseal`, `isCleared`. A failure answers `{"id", "ok": false, "code",
//! "message"}`, plus `session` when the request named one (a failed save still reports it). Configurations and keyrings follow `docs/VECTORS.md`
//! ("sessions.json"); `unseal` opens a token with the manager's format and keyring, to compare
//! the sealed JSON text with a peer's.
//!
//! Run: `cargo run -p polyseal --example session_cli`.

#[path = "../tests/support/session_flows.rs"]
mod session_flows;

use std::collections::HashMap;
use std::io::{self, BufRead, Write};

use polyseal::session::{Session, SessionManager};
use polyseal::{Error, ErrorCode, Result, Sealer, Value};
use serde_json::{Map, json};

#[derive(Default)]
struct State {
    managers: HashMap<u64, (SessionManager, Sealer)>,
    sessions: HashMap<u64, (u64, Session)>,
    next: u64,
}

fn main() -> io::Result<()> {
    let mut state = State::default();
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Ok(request) => state.answer(&request),
            Err(e) => failure(Value::Null, &bad_request(&format!("not JSON: {e}")), None),
        };
        writeln!(stdout, "{answer}")?;
        stdout.flush()?;
    }
    Ok(())
}

impl State {
    fn answer(&mut self, request: &Value) -> Value {
        let id = request.get("id").cloned().unwrap_or(Value::Null);
        let session = request.get("session").and_then(Value::as_u64);
        match self.run(request) {
            Ok(mut fields) => {
                fields.insert("id".into(), id);
                fields.insert("ok".into(), Value::Bool(true));
                Value::Object(fields)
            }
            Err(error) => {
                let snapshot = session
                    .and_then(|handle| self.sessions.get(&handle))
                    .map(|(_, session)| Value::Object(fields_of(session)));
                failure(id, &error, snapshot)
            }
        }
    }

    fn run(&mut self, request: &Value) -> Result<Map<String, Value>> {
        let op = request
            .get("op")
            .and_then(Value::as_str)
            .ok_or_else(|| bad_request("missing \"op\""))?;
        match op {
            "manager" => self.manager(request),
            "load" => self.load(request),
            "unseal" => self.unseal(request),
            "drop" => {
                self.sessions.remove(&handle(request, "session")?);
                Ok(Map::new())
            }
            _ => self.act(op, request),
        }
    }

    fn manager(&mut self, request: &Value) -> Result<Map<String, Value>> {
        let config = session_flows::config(field(request, "config")?)?;
        let keyring = session_flows::keyring(field(request, "keyring")?)?;
        // The sealer SessionManager::new builds internally, for `unseal`.
        let mut options = config.sealer.clone();
        if config.format == polyseal::Format::Native {
            options.cookie_name = config.cookie_name.clone();
        }
        let sealer = Sealer::with_options(keyring.clone(), config.format, options)?;
        let manager = SessionManager::new(keyring, config)?;
        self.next += 1;
        self.managers.insert(self.next, (manager, sealer));
        Ok(Map::from_iter([("manager".into(), json!(self.next))]))
    }

    fn load(&mut self, request: &Value) -> Result<Map<String, Value>> {
        let manager_handle = handle(request, "manager")?;
        let (manager, _) = self
            .managers
            .get(&manager_handle)
            .ok_or_else(|| bad_request("no such manager"))?;
        let cookie = optional_text(request, "cookie")?;
        let header = optional_text(request, "sessionHeader")?;
        let session = manager.load_request_at(cookie, header, now(request)?);
        let fields = fields_of(&session);
        self.next += 1;
        self.sessions.insert(self.next, (manager_handle, session));
        Ok(Map::from_iter([
            ("handle".into(), json!(self.next)),
            ("session".into(), Value::Object(fields)),
        ]))
    }

    fn unseal(&self, request: &Value) -> Result<Map<String, Value>> {
        let (_, sealer) = self
            .managers
            .get(&handle(request, "manager")?)
            .ok_or_else(|| bad_request("no such manager"))?;
        let token = optional_text(request, "token")?.ok_or_else(|| bad_request("no token"))?;
        let opened = sealer.unseal_at(token, now(request)?)?;
        Ok(Map::from_iter([
            (
                "payload".into(),
                json!(polyseal::json::to_js_string(&opened.value)),
            ),
            ("keyId".into(), json!(opened.key_id)),
            ("expiresAt".into(), json!(opened.expires_at)),
            ("needsReseal".into(), json!(opened.needs_reseal)),
        ]))
    }

    fn act(&mut self, op: &str, request: &Value) -> Result<Map<String, Value>> {
        let (manager_handle, session) = self
            .sessions
            .get_mut(&handle(request, "session")?)
            .ok_or_else(|| bad_request("no such session"))?;
        let (manager, _) = &self.managers[manager_handle];
        let mut extra = Map::new();
        match op {
            "get" => {}
            "update" => {
                let patch = field(request, "patch")?
                    .as_object()
                    .ok_or_else(|| bad_request("\"patch\" must be an object"))?;
                let lines = manager.update_at(session, patch, now(request)?)?;
                extra.insert("setCookies".into(), json!(lines));
            }
            "mutate" => {
                let data = field(request, "data")?
                    .as_object()
                    .ok_or_else(|| bad_request("\"data\" must be an object"))?;
                session.set_data(data.clone());
            }
            "save" => {
                let lines = manager.save_at(session, now(request)?)?;
                extra.insert("setCookies".into(), json!(lines));
            }
            "clear" => {
                let lines = manager.clear_at(session, now(request)?)?;
                extra.insert("setCookies".into(), json!(lines));
            }
            "token" => {
                let token = manager.token_at(session, now(request)?)?;
                extra.insert("token".into(), json!(token));
            }
            _ => return Err(bad_request(&format!("unknown op {op:?}"))),
        }
        extra.insert("session".into(), Value::Object(fields_of(session)));
        Ok(extra)
    }
}

fn fields_of(session: &Session) -> Map<String, Value> {
    let mut fields = session_flows::snapshot(session);
    fields.insert(
        "rejectionMessage".into(),
        json!(session.rejection().map(Error::message)),
    );
    fields
}

fn failure(id: Value, error: &Error, session: Option<Value>) -> Value {
    let mut fields = Map::new();
    if let Some(session) = session {
        fields.insert("session".into(), session);
    }
    fields.insert("id".into(), id);
    fields.insert("ok".into(), json!(false));
    fields.insert("code".into(), json!(error.code().name()));
    fields.insert("message".into(), json!(error.message()));
    Value::Object(fields)
}

fn field<'a>(request: &'a Value, name: &str) -> Result<&'a Value> {
    request
        .get(name)
        .ok_or_else(|| bad_request(&format!("missing {name:?}")))
}

fn optional_text<'a>(request: &'a Value, name: &str) -> Result<Option<&'a str>> {
    match request.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(_) => Err(bad_request(&format!("{name:?} must be text or null"))),
    }
}

fn handle(request: &Value, name: &str) -> Result<u64> {
    field(request, name)?
        .as_u64()
        .ok_or_else(|| bad_request(&format!("{name:?} must be a handle number")))
}

fn now(request: &Value) -> Result<u64> {
    field(request, "now")?
        .as_u64()
        .ok_or_else(|| bad_request("\"now\" must be milliseconds since the epoch"))
}

fn bad_request(message: &str) -> Error {
    Error::new(ErrorCode::InvalidArgument, message.to_owned())
}
