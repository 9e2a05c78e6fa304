//! The sealed session object: h3's `{id, createdAt, data[, lastSeenAt]}` envelope, or for
//! iron-session the data object alone.

use std::sync::Arc;

use serde_json::{Map, Value};

use super::Session;
use crate::error::{ErrorCode, Result, fail};

const ID: &str = "id";
const CREATED_AT: &str = "createdAt";
const DATA: &str = "data";
const LAST_SEEN_AT: &str = "lastSeenAt";

/// A session's sealed fields.
pub(super) struct Envelope {
    pub id: String,
    pub created_at: u64,
    pub last_seen_at: Option<u64>,
    /// Taken from the session it came from, or given to the one it goes to: no copy.
    pub data: Arc<Map<String, Value>>,
    pub extra: Map<String, Value>,
}

impl Envelope {
    /// The fields of `session` to seal, its data moved out: the sealed value takes the data
    /// without copying it unless something else shares it. Put it back with [`Self::data_of`].
    pub fn take(session: &mut Session) -> Envelope {
        Envelope {
            id: session.id.clone(),
            created_at: session.created_at,
            last_seen_at: session.last_seen_at,
            data: std::mem::take(&mut session.data),
            extra: session.extra.clone(),
        }
    }

    /// The data in `value`, a value [`Self::into_value`] built with the same `envelope`.
    pub fn data_of(value: Value, envelope: bool) -> Map<String, Value> {
        match value {
            Value::Object(data) if !envelope => data,
            Value::Object(mut fields) => match fields.swap_remove(DATA) {
                Some(Value::Object(data)) => data,
                _ => Map::new(),
            },
            _ => Map::new(),
        }
    }

    /// Reads an unsealed value: an envelope, or (without one) a data object.
    pub fn from_value(value: Value, envelope: bool) -> Result<Envelope> {
        let Value::Object(mut fields) = value else {
            return Err(not_a_session("the sealed value is not an object"));
        };
        if !envelope {
            return Ok(Envelope {
                id: String::new(),
                created_at: 0,
                last_seen_at: None,
                data: Arc::new(fields),
                extra: Map::new(),
            });
        }
        let id = match fields.shift_remove(ID) {
            Some(Value::String(id)) if !id.is_empty() => id,
            _ => return Err(not_a_session("the session has no id")),
        };
        let created_at = fields
            .shift_remove(CREATED_AT)
            .and_then(|v| v.as_u64())
            .ok_or_else(|| not_a_session("the session has no valid createdAt"))?;
        let data = match fields.shift_remove(DATA) {
            None => Map::new(),
            Some(Value::Object(data)) => data,
            Some(_) => return Err(not_a_session("the session data is not an object")),
        };
        // lastSeenAt stays among the other fields, so a reseal keeps it where it was (h3
        // assigns the unsealed object onto `{id, createdAt, data}` and keeps that order).
        let last_seen_at = match fields.get(LAST_SEEN_AT) {
            None => None,
            Some(value) => Some(
                value
                    .as_u64()
                    .ok_or_else(|| not_a_session("the session has an invalid lastSeenAt"))?,
            ),
        };
        Ok(Envelope {
            id,
            created_at,
            last_seen_at,
            data: Arc::new(data),
            extra: fields,
        })
    }

    /// The value to seal, keys in h3's order: id, createdAt, data, then the other fields as
    /// loaded (a loaded lastSeenAt keeps its place), then a new lastSeenAt.
    pub fn into_value(self, envelope: bool) -> Value {
        if !envelope {
            return Value::Object(Arc::unwrap_or_clone(self.data));
        }
        let mut fields = Map::new();
        fields.insert(ID.to_owned(), Value::String(self.id));
        fields.insert(CREATED_AT.to_owned(), Value::from(self.created_at));
        fields.insert(
            DATA.to_owned(),
            Value::Object(Arc::unwrap_or_clone(self.data)),
        );
        for (key, value) in self.extra {
            if key != LAST_SEEN_AT {
                fields.insert(key, value);
            } else if let Some(last_seen_at) = self.last_seen_at {
                fields.insert(key, Value::from(last_seen_at));
            }
        }
        if let Some(last_seen_at) = self.last_seen_at {
            fields
                .entry(LAST_SEEN_AT)
                .or_insert_with(|| Value::from(last_seen_at));
        }
        Value::Object(fields)
    }

    /// When the session was last active: `lastSeenAt`, else `createdAt`.
    pub fn last_active(&self) -> u64 {
        self.last_seen_at.unwrap_or(self.created_at)
    }

    /// A loaded session holding these fields.
    pub fn into_session(self) -> Session {
        let mut session = Session::fresh(self.id, self.created_at);
        session.last_seen_at = self.last_seen_at;
        session.data = self.data;
        session.extra = self.extra;
        session
    }
}

fn not_a_session(message: &'static str) -> crate::error::Error {
    fail(ErrorCode::InvalidJson, message)
}

/// RFC 9562 version-4 UUID text from 16 random bytes, as `crypto.randomUUID()` writes it.
pub(super) fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
