//! Generates `tests/vectors/sessions.json`, checks the committed file has not drifted, then runs
//! every flow in it (see `docs/VECTORS.md`, "sessions.json").
//!
//! Every expectation below is written by hand: `Set-Cookie` lines with the token values masked,
//! token lengths from the format's length formula, ids, times and rejection codes. The generator
//! refuses to write a flow whose observed outcome differs. Tokens a flow starts from (old keys,
//! a legacy h3 1.x cookie, forgeries) are sealed here with fixed random bytes, so the file is
//! stable; everything sealed during a flow is masked, since only Rust can fix nonces and ids.
//!
//! `POLYSEAL_WRITE_VECTORS=1 cargo test -p polyseal --test session_vectors` rewrites the file.

// `common` and `session_flows` each load the keyring reader in `support/fe26_json.rs`; the
// session runner is also built into the session CLI, which has no `common`.
#![allow(clippy::duplicate_mod)]

mod common;
#[path = "support/session_flows.rs"]
mod session_flows;

use polyseal::{Format, Sealer, SealerOptions, Value, rng};
use serde_json::{Map, json};

const FILE: &str = "sessions.json";
const NOW: u64 = 1_764_000_000_000;
const SEC: u64 = 1_000;
const MIN: u64 = 60_000;
const HOUR: u64 = 3_600_000;
const DAY: u64 = 86_400_000;
const FORTNIGHT_S: u64 = 14 * 86_400;

const PW_K1: &str = "sessions-vector-password-k1-0123456789ab";
const PW_K2: &str = "sessions-vector-password-k2-0123456789ab";
const PW_H3: &str = "sessions-vector-h3-password-0123456789abc";
const PW_H3_OTHER: &str = "sessions-vector-another-h3-password-01234";
const PW_IS1: &str = "sessions-vector-iron-session-password-one";
const PW_IS2: &str = "sessions-vector-iron-session-password-two";

const SECURE: &str = "Path=/; HttpOnly; Secure; SameSite=Lax";
const H3_V1_ATTRS: &str = "Path=/; HttpOnly; Secure";
const EPOCH: &str = "Thu, 01 Jan 1970 00:00:00 GMT";
const NATIVE_ID: &str = "b2xkLWtleS1zZXNzaW9uMQ";
const LEGACY_ID: &str = "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f";

fn keyrings() -> Value {
    let entry = common::password_entry;
    json!({
        "native": {"current": "k2", "entries": [entry("k2", PW_K2), entry("k1", PW_K1)]},
        "native-k1": {"entries": [entry("k1", PW_K1)]},
        "native-k2": {"entries": [entry("k2", PW_K2)]},
        "native-k9": {"entries": [entry("k9", PW_K1)]},
        "h3": {"entries": [entry("", PW_H3)]},
        "h3-other": {"entries": [entry("", PW_H3_OTHER)]},
        "iron-session": {"entries": [entry("1", PW_IS1)]},
        "iron-session-rotated": {"current": "2", "entries": [entry("2", PW_IS2), entry("1", PW_IS1)]},
        "iron": {"entries": [entry("k1", PW_K1)]},
    })
}

fn notes() -> Value {
    json!({
        "NEW": "A session without a valid cookie; whether saving it untouched writes a cookie.",
        "ROUND_TRIP": "A cookie written by one step is read back by a later load ($jar).",
        "SAVE": "Set-Cookie lines only when something changed.",
        "CLEAR": "Clear deletes the cookie and its chunks; the session is terminal (SESSION_CLEARED).",
        "MAX_AGE": "Absolute lifetime from createdAt and its boundary.",
        "IDLE": "Sliding idle timeout: lastSeenAt, the half-window refresh and expiry.",
        "ROTATION": "A cookie under an old key (or a legacy h3 1.x seal) is read with needsReseal and upgraded on save.",
        "REJECTED": "A presented cookie is refused: a new session with the reason in rejection.",
        "CHUNK": "The session spreads over several cookies; stale chunks are deleted.",
        "SIZE": "TOO_LARGE: a cookie over 4096 bytes without chunking, or the Cookie header budget.",
        "HEADER": "The session header (h3's x-h3-session) and its precedence over the cookie.",
        "PEER_SHAPE": "Lines and session shape as the peer (h3 1.x, h3 2.x, iron-session 9) writes them; tests/peers/sessions checks them against the real servers.",
    })
}

// --- expected values -------------------------------------------------------------------------

/// IMF-fixdate of `ms`, written out by hand for the few instants the flows use.
fn date(ms: u64) -> &'static str {
    match ms - NOW {
        0 => "Mon, 24 Nov 2025 16:00:00 GMT",
        600_000 => "Mon, 24 Nov 2025 16:10:00 GMT",
        900_000 | 900_001 => "Mon, 24 Nov 2025 16:15:00 GMT",
        1_000_000 => "Mon, 24 Nov 2025 16:16:40 GMT",
        3_600_000 => "Mon, 24 Nov 2025 17:00:00 GMT",
        7_200_000 => "Mon, 24 Nov 2025 18:00:00 GMT",
        1_123_200_000 => "Sun, 07 Dec 2025 16:00:00 GMT",
        1_209_600_000 => "Mon, 08 Dec 2025 16:00:00 GMT",
        other => panic!("no hand-written date for NOW + {other} ms"),
    }
}

/// A native or generic-iron cookie: `Max-Age` and `Expires` of the session deadline.
fn polyseal_line(name: &str, max_age_s: u64, deadline: u64) -> String {
    format!(
        "{name}=<token>; Max-Age={max_age_s}; Expires={}; {SECURE}",
        date(deadline)
    )
}

fn h3_v1_line(expires: Option<u64>) -> String {
    match expires {
        None => format!("h3=<token>; {H3_V1_ATTRS}"),
        Some(ms) => format!("h3=<token>; Path=/; Expires={}; HttpOnly; Secure", date(ms)),
    }
}

fn h3_v2_line(name: &str, value: &str, expires: Option<u64>) -> String {
    match expires {
        None => format!("{name}={value}; {SECURE}"),
        Some(ms) => format!(
            "{name}={value}; Path=/; Expires={}; HttpOnly; Secure; SameSite=Lax",
            date(ms)
        ),
    }
}

fn h3_v2_deletion(name: &str) -> String {
    format!("{name}=; Max-Age=0; {SECURE}")
}

fn iron_session_line(name: &str, value: &str, max_age_s: u64) -> String {
    format!("{name}={value}; Max-Age={max_age_s}; {SECURE}")
}

/// `{"id":…,"createdAt":…,"data":…[,"lastSeenAt":…]}` with an id of `id_len` characters.
fn envelope(id_len: usize, created_at: u64, data: &str, last_seen_at: Option<u64>) -> String {
    let id = "x".repeat(id_len);
    match last_seen_at {
        None => format!(r#"{{"id":"{id}","createdAt":{created_at},"data":{data}}}"#),
        Some(seen) => {
            format!(r#"{{"id":"{id}","createdAt":{created_at},"data":{data},"lastSeenAt":{seen}}}"#)
        }
    }
}

/// Native v1 token length: base64url (unpadded) of 58 + key id + payload bytes.
fn native_len(payload: &str, key_id: &str) -> usize {
    let bytes = 58 + key_id.len() + payload.len();
    (4 * bytes).div_ceil(3)
}

/// Fe26.2 token length: 206 fixed characters (prefix, two 64-character salts, IV, MAC and
/// the seven `*`), the password id, the base64url AES-CBC ciphertext (PKCS#7 always pads),
/// a 13-digit expiry when there is one, and iron-session's `~2`.
fn fe26_len(payload: &str, id: &str, expires: bool, suffix: bool) -> usize {
    let ciphertext = 16 * (payload.len() / 16 + 1);
    206 + id.len()
        + (4 * ciphertext).div_ceil(3)
        + if expires { 13 } else { 0 }
        + if suffix { 2 } else { 0 }
}

/// The fields of a session that was just started at `created_at`.
fn fresh(id: &str, created_at: u64) -> Value {
    json!({
        "id": id, "isNew": true, "rejection": null, "createdAt": created_at,
        "lastSeenAt": null, "data": {}, "needsReseal": false, "isCleared": false,
    })
}

/// The fields of an accepted (or saved) session.
fn held(id: &str, created_at: u64, data: Value) -> Value {
    json!({
        "id": id, "isNew": false, "rejection": null, "createdAt": created_at,
        "lastSeenAt": null, "data": data, "needsReseal": false, "isCleared": false,
    })
}

fn rejected(id: &str, now: u64, code: &str) -> Value {
    with(fresh(id, now), json!({"rejection": code}))
}

fn with(base: Value, extra: Value) -> Value {
    let mut merged: Map<String, Value> = base.as_object().cloned().unwrap_or_default();
    merged.extend(extra.as_object().cloned().unwrap_or_default());
    Value::Object(merged)
}

fn without(base: Value, keys: &[&str]) -> Value {
    let mut fields = base.as_object().cloned().unwrap_or_default();
    for key in keys {
        fields.shift_remove(*key);
    }
    Value::Object(fields)
}

/// The outcome of a write step: the masked lines and the token length.
fn wrote(lines: &[String], token_length: Option<usize>, session: Value) -> Value {
    with(
        json!({"error": null, "setCookies": lines, "tokenLength": token_length}),
        session,
    )
}

fn nothing(session: Value) -> Value {
    wrote(&[], None, session)
}

fn failed(code: &str, session: Value) -> Value {
    with(
        json!({"error": code, "setCookies": null, "tokenLength": null}),
        session,
    )
}

// --- steps -----------------------------------------------------------------------------------

fn load(cookie: &str, now: u64, expect: Value) -> Value {
    json!({"op": "load", "cookie": cookie, "now": now, "expect": expect})
}

fn load_with(extra: Value, now: u64, expect: Value) -> Value {
    with(json!({"op": "load", "now": now}), extra)
        .as_object()
        .cloned()
        .map(|mut step| {
            step.insert("expect".into(), expect);
            Value::Object(step)
        })
        .unwrap()
}

fn update(patch: Value, now: u64, expect: Value) -> Value {
    json!({"op": "update", "patch": patch, "now": now, "expect": expect})
}

fn mutate(data: Value, expect: Value) -> Value {
    json!({"op": "mutate", "data": data, "expect": expect})
}

fn save(now: u64, expect: Value) -> Value {
    json!({"op": "save", "now": now, "expect": expect})
}

fn clear(now: u64, expect: Value) -> Value {
    json!({"op": "clear", "now": now, "expect": expect})
}

fn token(now: u64, expect: Value) -> Value {
    json!({"op": "token", "now": now, "expect": expect})
}

struct Flow {
    comment: &'static str,
    flags: &'static [&'static str],
    config: Value,
    keyring: &'static str,
    steps: Vec<Value>,
}

// --- tokens the flows start from ---------------------------------------------------------------

/// Seals `json_text` with fixed random bytes (salts, IV or nonce), so the vector file is stable.
fn preseal(
    ring: &str,
    format: Format,
    options: SealerOptions,
    json_text: &str,
    now: u64,
    seed: u8,
) -> String {
    let keyring = session_flows::keyring(&keyrings()[ring]).unwrap();
    let sealer = Sealer::with_options(keyring, format, options).unwrap();
    let fixed: Vec<u8> = (0..80u8)
        .map(|i| seed.wrapping_mul(37).wrapping_add(i))
        .collect();
    rng::fixed_bytes(&fixed);
    let token = sealer.seal_json_at(json_text, now).unwrap();
    rng::clear_fixed_bytes();
    token
}

fn native_options(cookie_name: &str, ttl_ms: u64) -> SealerOptions {
    SealerOptions {
        cookie_name: cookie_name.into(),
        ttl_ms: Some(ttl_ms),
        ..SealerOptions::default()
    }
}

/// The token with one character in the middle of its ciphertext changed (still canonical
/// base64url, so only the MAC or tag can catch it).
fn tamper(token: &str, fe26: bool) -> String {
    let middle = if fe26 {
        let start: usize = token.split('*').take(4).map(|f| f.len() + 1).sum();
        start + token.split('*').nth(4).unwrap().len() / 2
    } else {
        token.len() / 2
    };
    let replacement = if &token[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    format!("{}{replacement}{}", &token[..middle], &token[middle + 1..])
}

fn blob() -> String {
    "0123456789abcdef".repeat(200)
}

// --- flows -----------------------------------------------------------------------------------

fn native_flows() -> Vec<Flow> {
    let native = json!({"format": "native"});
    let ada = json!({"user": "ada", "roles": ["admin"]});
    let ada_text = r#"{"user":"ada","roles":["admin"]}"#;
    let fortnight = NOW + 14 * DAY;
    let ada_len = native_len(&envelope(22, NOW, ada_text, None), "k2");
    let mut flows = vec![
        Flow {
            comment: "native: an untouched new session writes no cookie",
            flags: &["NEW", "SAVE"],
            config: native.clone(),
            keyring: "native",
            steps: vec![
                load("", NOW, fresh("base64url-128", NOW)),
                save(NOW, nothing(fresh("@1", NOW))),
            ],
        },
        Flow {
            comment: "native: update writes the cookie, a later request reads it, unchanged saves write nothing, a mutation is written",
            flags: &["ROUND_TRIP", "SAVE"],
            config: native.clone(),
            keyring: "native",
            steps: vec![
                load("other=1", NOW, fresh("base64url-128", NOW)),
                update(
                    ada.clone(),
                    NOW,
                    wrote(
                        &[polyseal_line("session", FORTNIGHT_S, fortnight)],
                        Some(ada_len),
                        held("@1", NOW, ada.clone()),
                    ),
                ),
                load("other=1; $jar", NOW + MIN, held("@1", NOW, ada.clone())),
                save(NOW + MIN, nothing(held("@1", NOW, ada.clone()))),
                mutate(
                    json!({"user": "bob"}),
                    with(
                        held("@1", NOW, json!({"user": "bob"})),
                        json!({"error": null}),
                    ),
                ),
                save(
                    NOW + 2 * MIN,
                    wrote(
                        &[polyseal_line("session", FORTNIGHT_S - 120, fortnight)],
                        Some(native_len(
                            &envelope(22, NOW, r#"{"user":"bob"}"#, None),
                            "k2",
                        )),
                        held("@1", NOW, json!({"user": "bob"})),
                    ),
                ),
                save(
                    NOW + 2 * MIN,
                    nothing(held("@1", NOW, json!({"user": "bob"}))),
                ),
            ],
        },
        Flow {
            comment: "native: saveNewSessions writes an untouched new session",
            flags: &["NEW"],
            config: json!({"format": "native", "saveNewSessions": true}),
            keyring: "native",
            steps: vec![
                json!({"op": "load", "cookie": null, "now": NOW, "expect": fresh("base64url-128", NOW)}),
                save(
                    NOW,
                    wrote(
                        &[polyseal_line("session", FORTNIGHT_S, fortnight)],
                        Some(native_len(&envelope(22, NOW, "{}", None), "k2")),
                        held("@1", NOW, json!({})),
                    ),
                ),
            ],
        },
        Flow {
            comment: "native: clear deletes the cookie; the session is terminal",
            flags: &["CLEAR"],
            config: native.clone(),
            keyring: "native",
            steps: vec![
                load("", NOW, fresh("base64url-128", NOW)),
                update(
                    ada.clone(),
                    NOW,
                    wrote(
                        &[polyseal_line("session", FORTNIGHT_S, fortnight)],
                        Some(ada_len),
                        held("@1", NOW, ada.clone()),
                    ),
                ),
                load("$jar", NOW + MIN, held("@1", NOW, ada.clone())),
                clear(
                    NOW + MIN,
                    wrote(
                        &[format!("session=; Max-Age=0; Expires={EPOCH}; {SECURE}")],
                        None,
                        with(held("@1", NOW, json!({})), json!({"isCleared": true})),
                    ),
                ),
                update(
                    json!({"user": "eve"}),
                    NOW + MIN,
                    failed(
                        "SESSION_CLEARED",
                        with(held("@1", NOW, json!({})), json!({"isCleared": true})),
                    ),
                ),
                save(
                    NOW + MIN,
                    failed("SESSION_CLEARED", json!({"isCleared": true})),
                ),
                token(
                    NOW + MIN,
                    json!({"error": "SESSION_CLEARED", "token": null, "tokenLength": null}),
                ),
                load("$jar", NOW + 2 * MIN, fresh("base64url-128", NOW + 2 * MIN)),
            ],
        },
        Flow {
            comment: "native: max age is absolute; the session ends at createdAt + maxAge",
            flags: &["MAX_AGE"],
            config: json!({"format": "native", "maxAge": 3600}),
            keyring: "native",
            steps: vec![
                load("", NOW, fresh("base64url-128", NOW)),
                update(
                    json!({"n": 1}),
                    NOW,
                    wrote(
                        &[polyseal_line("session", 3600, NOW + HOUR)],
                        Some(native_len(&envelope(22, NOW, r#"{"n":1}"#, None), "k2")),
                        held("@1", NOW, json!({"n": 1})),
                    ),
                ),
                load("$jar", NOW + HOUR - 1, held("@1", NOW, json!({"n": 1}))),
                load(
                    "$jar",
                    NOW + HOUR,
                    rejected("base64url-128", NOW + HOUR, "EXPIRED"),
                ),
            ],
        },
        Flow {
            comment: "native: idle timeout slides; refresh only past half the window; never past max age",
            flags: &["IDLE", "MAX_AGE"],
            config: json!({"format": "native", "maxAge": 1000, "idleTimeout": 600}),
            keyring: "native",
            steps: {
                let n = json!({"n": 1});
                let seen = |at: u64, reseal: bool| {
                    with(
                        held("@1", NOW, n.clone()),
                        json!({"lastSeenAt": at, "needsReseal": reseal}),
                    )
                };
                let length = native_len(&envelope(22, NOW, r#"{"n":1}"#, Some(NOW)), "k2");
                vec![
                    load("", NOW, fresh("base64url-128", NOW)),
                    update(
                        n.clone(),
                        NOW,
                        wrote(
                            &[polyseal_line("session", 600, NOW + 600 * SEC)],
                            Some(length),
                            seen(NOW, false),
                        ),
                    ),
                    load("$jar", NOW + 300_000, seen(NOW, false)),
                    save(NOW + 300_000, nothing(seen(NOW, false))),
                    load("$jar", NOW + 300_001, seen(NOW, true)),
                    save(
                        NOW + 300_001,
                        wrote(
                            &[polyseal_line("session", 600, NOW + 900_001)],
                            Some(length),
                            seen(NOW + 300_001, false),
                        ),
                    ),
                    load("$jar", NOW + 900_000, seen(NOW + 300_001, true)),
                    save(
                        NOW + 900_000,
                        wrote(
                            &[polyseal_line("session", 100, NOW + 1_000_000)],
                            Some(length),
                            seen(NOW + 900_000, false),
                        ),
                    ),
                    load(
                        "$jar",
                        NOW + 1_000_000,
                        rejected("base64url-128", NOW + 1_000_000, "EXPIRED"),
                    ),
                ]
            },
        },
        Flow {
            comment: "native: a session idle for the whole timeout has ended",
            flags: &["IDLE"],
            config: json!({"format": "native", "idleTimeout": 600}),
            keyring: "native",
            steps: vec![
                load("", NOW, fresh("base64url-128", NOW)),
                update(
                    json!({"n": 1}),
                    NOW,
                    wrote(
                        &[polyseal_line("session", 600, NOW + 600 * SEC)],
                        Some(native_len(
                            &envelope(22, NOW, r#"{"n":1}"#, Some(NOW)),
                            "k2",
                        )),
                        with(held("@1", NOW, json!({"n": 1})), json!({"lastSeenAt": NOW})),
                    ),
                ),
                load(
                    "$jar",
                    NOW + 600 * SEC - 1,
                    with(
                        held("@1", NOW, json!({"n": 1})),
                        json!({"lastSeenAt": NOW, "needsReseal": true}),
                    ),
                ),
                load(
                    "$jar",
                    NOW + 600 * SEC,
                    rejected("base64url-128", NOW + 600 * SEC, "EXPIRED"),
                ),
            ],
        },
    ];

    let old_text = format!(
        r#"{{"id":"{NATIVE_ID}","createdAt":{},"data":{{"user":"ada"}}}}"#,
        NOW - DAY
    );
    let old = preseal(
        "native-k1",
        Format::Native,
        native_options("session", 14 * DAY),
        &old_text,
        NOW - DAY,
        1,
    );
    let ada_held = held(NATIVE_ID, NOW - DAY, json!({"user": "ada"}));
    flows.push(Flow {
        comment: "native: a cookie under an old key is read and moved to the current key on the next save",
        flags: &["ROTATION"],
        config: native.clone(),
        keyring: "native",
        steps: vec![
            load_with(
                json!({"cookie": format!("session={old}"), "keyring": "native-k2"}),
                NOW,
                rejected("base64url-128", NOW, "UNKNOWN_KEY"),
            ),
            load(
                &format!("session={old}"),
                NOW,
                with(ada_held.clone(), json!({"needsReseal": true})),
            ),
            save(
                NOW,
                wrote(
                    &[polyseal_line(
                        "session",
                        FORTNIGHT_S - 86_400,
                        NOW + 13 * DAY,
                    )],
                    Some(native_len(&old_text, "k2")),
                    ada_held.clone(),
                ),
            ),
            load_with(
                json!({"cookie": "$jar", "keyring": "native-k2"}),
                NOW + MIN,
                ada_held.clone(),
            ),
        ],
    });

    let session = |data: &str| format!(r#"{{"id":"{NATIVE_ID}","createdAt":{NOW},"data":{data}}}"#);
    let good = preseal(
        "native",
        Format::Native,
        native_options("session", HOUR),
        &session("{}"),
        NOW,
        2,
    );
    let foreign = preseal(
        "native-k9",
        Format::Native,
        native_options("session", HOUR),
        &session("{}"),
        NOW,
        3,
    );
    let renamed = preseal(
        "native",
        Format::Native,
        native_options("other", HOUR),
        &session("{}"),
        NOW,
        4,
    );
    let expired = preseal(
        "native",
        Format::Native,
        native_options("session", HOUR),
        &session("{}"),
        NOW - 2 * HOUR,
        5,
    );
    let no_id = preseal(
        "native",
        Format::Native,
        native_options("session", HOUR),
        r#"{"user":"ada"}"#,
        NOW,
        6,
    );
    let reject =
        |cookie: String, code: &str| load(&cookie, NOW, rejected("base64url-128", NOW, code));
    flows.push(Flow {
        comment: "native: refused cookies start a new session and say why; an untouched one writes nothing",
        flags: &["REJECTED"],
        config: native.clone(),
        keyring: "native",
        steps: vec![
            load(
                &format!("session={good}"),
                NOW,
                held(NATIVE_ID, NOW, json!({})),
            ),
            reject("session=not-a-token".into(), "MALFORMED"),
            reject(format!("session={}", tamper(&good, false)), "BAD_SEAL"),
            reject(format!("session={foreign}"), "UNKNOWN_KEY"),
            reject(format!("session={renamed}"), "BAD_SEAL"),
            reject(format!("session={expired}"), "EXPIRED"),
            reject(format!("session={no_id}"), "INVALID_JSON"),
            save(NOW, nothing(rejected("@7", NOW, "INVALID_JSON"))),
        ],
    });

    flows.push(Flow {
        comment: "native: a session too large for one cookie is TOO_LARGE (no chunking)",
        flags: &["SIZE"],
        config: native.clone(),
        keyring: "native",
        steps: vec![
            load("", NOW, fresh("base64url-128", NOW)),
            update(
                json!({"blob": blob()}),
                NOW,
                failed("TOO_LARGE", json!({"isNew": true, "id": "@1"})),
            ),
        ],
    });

    let tracking = format!("tracking={}", "x".repeat(250));
    let small = json!({"user": "ada"});
    let small_len = native_len(&envelope(22, NOW, r#"{"user":"ada"}"#, None), "k2");
    flows.push(Flow {
        comment: "native: the Cookie header budget counts the request's other cookies",
        flags: &["SIZE"],
        config: json!({"format": "native", "cookieHeaderLimit": 400}),
        keyring: "native",
        steps: vec![
            load(&tracking, NOW, fresh("base64url-128", NOW)),
            update(
                small.clone(),
                NOW,
                failed("TOO_LARGE", json!({"isNew": true, "data": small.clone()})),
            ),
            load("other=1", NOW, fresh("base64url-128", NOW)),
            update(
                small.clone(),
                NOW,
                wrote(
                    &[polyseal_line("session", FORTNIGHT_S, fortnight)],
                    Some(small_len),
                    held("@3", NOW, small.clone()),
                ),
            ),
        ],
    });
    flows
}

fn h3_v1_flows() -> Vec<Flow> {
    let h3 = json!({"format": "h3-v1"});
    let uuid_len = 36;
    let legacy = |data: &str, seed| {
        let text = format!(r#"{{"id":"{LEGACY_ID}","createdAt":{NOW},"data":{data}}}"#);
        preseal(
            "h3",
            Format::H3V1,
            SealerOptions::default(),
            &text,
            NOW,
            seed,
        )
    };
    let good = legacy("{}", 10);
    let other_password = preseal(
        "h3-other",
        Format::H3V1,
        SealerOptions::default(),
        &format!(r#"{{"id":"{LEGACY_ID}","createdAt":{NOW},"data":{{}}}}"#),
        NOW,
        11,
    );
    let empty_len = fe26_len(&envelope(uuid_len, NOW, "{}", None), "", false, false);
    let header_flow = |configured: bool| {
        let a = json!({"who": "a"});
        let b = json!({"who": "b"});
        let who_len = fe26_len(
            &envelope(uuid_len, NOW, r#"{"who":"a"}"#, None),
            "",
            false,
            false,
        );
        let mut steps = vec![
            load("", NOW, fresh("uuid-v4", NOW)),
            update(
                a.clone(),
                NOW,
                wrote(
                    &[h3_v1_line(None)],
                    Some(who_len),
                    held("@1", NOW, a.clone()),
                ),
            ),
            json!({"op": "load", "cookie": null, "now": NOW, "expect": fresh("uuid-v4", NOW)}),
            mutate(
                b.clone(),
                json!({"error": null, "id": "@3", "data": b.clone()}),
            ),
            token(
                NOW,
                json!({"error": null, "token": "<token>", "tokenLength": who_len, "id": "@3"}),
            ),
        ];
        if configured {
            steps.extend([
                load_with(
                    json!({"cookie": "$jar", "sessionHeader": "$token"}),
                    NOW + MIN,
                    held("@3", NOW, b.clone()),
                ),
                load_with(
                    json!({"cookie": "$jar", "sessionHeader": ""}),
                    NOW + MIN,
                    held("@1", NOW, a.clone()),
                ),
                load_with(
                    json!({"cookie": "$jar", "sessionHeader": "Fe26.2*broken"}),
                    NOW + MIN,
                    rejected("uuid-v4", NOW + MIN, "MALFORMED"),
                ),
            ]);
        } else {
            steps.push(load_with(
                json!({"cookie": "$jar", "sessionHeader": "$token"}),
                NOW + MIN,
                held("@1", NOW, a.clone()),
            ));
        }
        steps
    };
    vec![
        Flow {
            comment: "h3-v1: a new session is written even untouched, as h3 writes it on first read",
            flags: &["NEW", "PEER_SHAPE"],
            config: h3.clone(),
            keyring: "h3",
            steps: vec![
                load("", NOW, fresh("uuid-v4", NOW)),
                save(
                    NOW,
                    wrote(
                        &[h3_v1_line(None)],
                        Some(empty_len),
                        held("@1", NOW, json!({})),
                    ),
                ),
                load("$jar", NOW + MIN, held("@1", NOW, json!({}))),
                save(NOW + MIN, nothing(held("@1", NOW, json!({})))),
            ],
        },
        Flow {
            comment: "h3-v1: update merges top-level keys and writes Expires = createdAt + maxAge",
            flags: &["ROUND_TRIP", "PEER_SHAPE"],
            config: json!({"format": "h3-v1", "maxAge": 3600}),
            keyring: "h3",
            steps: {
                let first = json!({"user": "ada", "n": 1});
                let second = json!({"user": "ada", "n": 2});
                let length = fe26_len(
                    &envelope(uuid_len, NOW, r#"{"user":"ada","n":1}"#, None),
                    "",
                    true,
                    false,
                );
                vec![
                    load("", NOW, fresh("uuid-v4", NOW)),
                    update(
                        first.clone(),
                        NOW,
                        wrote(
                            &[h3_v1_line(Some(NOW + HOUR))],
                            Some(length),
                            held("@1", NOW, first.clone()),
                        ),
                    ),
                    load("$jar", NOW + MIN, held("@1", NOW, first.clone())),
                    update(
                        json!({"n": 2}),
                        NOW + MIN,
                        wrote(
                            &[h3_v1_line(Some(NOW + HOUR))],
                            Some(length),
                            held("@1", NOW, second.clone()),
                        ),
                    ),
                    load("$jar", NOW + 2 * MIN, held("@1", NOW, second)),
                ]
            },
        },
        Flow {
            comment: "h3-v1: max age as h3 counts it: expired once more than maxAge has passed",
            flags: &["MAX_AGE", "PEER_SHAPE"],
            config: json!({"format": "h3-v1", "maxAge": 3600}),
            keyring: "h3",
            steps: vec![
                load("", NOW, fresh("uuid-v4", NOW)),
                update(
                    json!({"n": 1}),
                    NOW,
                    wrote(
                        &[h3_v1_line(Some(NOW + HOUR))],
                        Some(fe26_len(
                            &envelope(uuid_len, NOW, r#"{"n":1}"#, None),
                            "",
                            true,
                            false,
                        )),
                        held("@1", NOW, json!({"n": 1})),
                    ),
                ),
                load("$jar", NOW + HOUR, held("@1", NOW, json!({"n": 1}))),
                load(
                    "$jar",
                    NOW + HOUR + 1,
                    rejected("uuid-v4", NOW + HOUR + 1, "EXPIRED"),
                ),
            ],
        },
        Flow {
            comment: "h3-v1: clear writes h3's empty cookie without Max-Age; the empty value reads as no session",
            flags: &["CLEAR", "PEER_SHAPE"],
            config: h3.clone(),
            keyring: "h3",
            steps: vec![
                load(&format!("h3={good}"), NOW, held(LEGACY_ID, NOW, json!({}))),
                clear(
                    NOW,
                    wrote(
                        &["h3=; Path=/; HttpOnly; Secure".to_owned()],
                        None,
                        with(held(LEGACY_ID, NOW, json!({})), json!({"isCleared": true})),
                    ),
                ),
                save(NOW, failed("SESSION_CLEARED", json!({"isCleared": true}))),
                load("$jar", NOW + MIN, fresh("uuid-v4", NOW + MIN)),
            ],
        },
        Flow {
            comment: "h3-v1: with sessionHeader configured, a non-empty header wins over the cookie, even when it is bad",
            flags: &["HEADER"],
            config: json!({"format": "h3-v1", "sessionHeader": "x-h3-session"}),
            keyring: "h3",
            steps: header_flow(true),
        },
        Flow {
            comment: "h3-v1: by default the session header is ignored and the cookie is read",
            flags: &["HEADER"],
            config: h3.clone(),
            keyring: "h3",
            steps: header_flow(false),
        },
        Flow {
            comment: "h3-v1: refused cookies give a reason, and h3 replaces them with a new session cookie",
            flags: &["REJECTED", "PEER_SHAPE"],
            config: h3.clone(),
            keyring: "h3",
            steps: vec![
                load("h3=Fe26.2*", NOW, rejected("uuid-v4", NOW, "MALFORMED")),
                load(
                    &format!("h3={}", tamper(&good, true)),
                    NOW,
                    rejected("uuid-v4", NOW, "BAD_SEAL"),
                ),
                load(
                    &format!("h3={other_password}"),
                    NOW,
                    rejected("uuid-v4", NOW, "BAD_SEAL"),
                ),
                save(
                    NOW,
                    wrote(
                        &[h3_v1_line(None)],
                        Some(empty_len),
                        with(held("@3", NOW, json!({})), json!({"rejection": "BAD_SEAL"})),
                    ),
                ),
            ],
        },
    ]
}

fn h3_v2_flows() -> Vec<Flow> {
    let h3 = json!({"format": "h3-v2"});
    let uuid_len = 36;
    let blob = blob();
    let blob_text = format!(r#"{{"blob":"{blob}"}}"#);
    let blob_data = json!({"blob": blob});
    let blob_len = fe26_len(&envelope(uuid_len, NOW, &blob_text, None), "", false, false);
    let chunked_lines = vec![
        h3_v2_line("h3", "__chunked__2", None),
        h3_v2_line("h3.1", "<chunk>", None),
        h3_v2_line("h3.2", "<chunk>", None),
    ];
    let small = json!({"blob": "small"});
    let small_len = fe26_len(
        &envelope(uuid_len, NOW, r#"{"blob":"small"}"#, None),
        "",
        false,
        false,
    );
    let legacy_text = format!(
        r#"{{"id":"{LEGACY_ID}","createdAt":{},"data":{{"user":"ada"}}}}"#,
        NOW - DAY
    );
    let legacy = preseal(
        "h3",
        Format::H3V1,
        SealerOptions::default(),
        &legacy_text,
        NOW - DAY,
        20,
    );
    let legacy_held = held(LEGACY_ID, NOW - DAY, json!({"user": "ada"}));
    let n = json!({"n": 1});
    let idle_len = fe26_len(
        &envelope(uuid_len, NOW, r#"{"n":1}"#, Some(NOW)),
        "",
        true,
        false,
    );
    let seen = |at: u64, reseal: bool| {
        with(
            held("@1", NOW, n.clone()),
            json!({"lastSeenAt": at, "needsReseal": reseal}),
        )
    };
    vec![
        Flow {
            comment: "h3-v2: a new session is written when used, with SameSite=Lax",
            flags: &["NEW", "PEER_SHAPE"],
            config: h3.clone(),
            keyring: "h3",
            steps: vec![
                load("", NOW, fresh("uuid-v4", NOW)),
                save(
                    NOW,
                    wrote(
                        &[h3_v2_line("h3", "<token>", None)],
                        Some(fe26_len(
                            &envelope(uuid_len, NOW, "{}", None),
                            "",
                            false,
                            false,
                        )),
                        held("@1", NOW, json!({})),
                    ),
                ),
            ],
        },
        Flow {
            comment: "h3-v2: a large session is chunked as h3 does; shrinking deletes the stale chunks first",
            flags: &["CHUNK", "ROUND_TRIP", "PEER_SHAPE"],
            config: h3.clone(),
            keyring: "h3",
            steps: vec![
                load("", NOW, fresh("uuid-v4", NOW)),
                update(
                    blob_data.clone(),
                    NOW,
                    wrote(
                        &chunked_lines,
                        Some(blob_len),
                        held("@1", NOW, blob_data.clone()),
                    ),
                ),
                load("$jar", NOW + MIN, held("@1", NOW, blob_data.clone())),
                update(
                    small.clone(),
                    NOW + MIN,
                    wrote(
                        &[
                            h3_v2_deletion("h3.1"),
                            h3_v2_deletion("h3.2"),
                            h3_v2_line("h3", "<token>", None),
                        ],
                        Some(small_len),
                        held("@1", NOW, small.clone()),
                    ),
                ),
                load("$jar", NOW + 2 * MIN, held("@1", NOW, small.clone())),
            ],
        },
        Flow {
            comment: "h3-v2: a missing chunk means no session, with a reason; the next save and a clear delete every chunk",
            flags: &["CHUNK", "REJECTED", "CLEAR", "PEER_SHAPE"],
            config: h3.clone(),
            keyring: "h3",
            steps: vec![
                load("", NOW, fresh("uuid-v4", NOW)),
                update(
                    blob_data.clone(),
                    NOW,
                    wrote(
                        &chunked_lines,
                        Some(blob_len),
                        without(held("@1", NOW, json!({})), &["data"]),
                    ),
                ),
                load_with(
                    json!({"cookie": "$jar", "omit": ["h3.2"]}),
                    NOW + MIN,
                    rejected("uuid-v4", NOW + MIN, "MALFORMED"),
                ),
                save(
                    NOW + MIN,
                    wrote(
                        &[
                            h3_v2_deletion("h3.1"),
                            h3_v2_deletion("h3.2"),
                            h3_v2_line("h3", "<token>", None),
                        ],
                        Some(fe26_len(
                            &envelope(uuid_len, NOW + MIN, "{}", None),
                            "",
                            false,
                            false,
                        )),
                        with(
                            held("@3", NOW + MIN, json!({})),
                            json!({"rejection": "MALFORMED"}),
                        ),
                    ),
                ),
                load("", NOW + MIN, fresh("uuid-v4", NOW + MIN)),
                update(
                    blob_data.clone(),
                    NOW + MIN,
                    wrote(
                        &chunked_lines,
                        Some(blob_len),
                        without(held("@5", NOW + MIN, json!({})), &["data"]),
                    ),
                ),
                load(
                    "$jar",
                    NOW + 2 * MIN,
                    without(held("@5", NOW + MIN, json!({})), &["data"]),
                ),
                clear(
                    NOW + 2 * MIN,
                    wrote(
                        &[
                            h3_v2_deletion("h3"),
                            h3_v2_deletion("h3.1"),
                            h3_v2_deletion("h3.2"),
                        ],
                        None,
                        with(held("@5", NOW + MIN, json!({})), json!({"isCleared": true})),
                    ),
                ),
                load("$jar", NOW + 3 * MIN, fresh("uuid-v4", NOW + 3 * MIN)),
            ],
        },
        Flow {
            comment: "h3-v2: a legacy h3 1.x (1-iteration) cookie is read and resealed at 8192 iterations on the next save",
            flags: &["ROTATION", "PEER_SHAPE"],
            config: h3.clone(),
            keyring: "h3",
            steps: vec![
                load(
                    &format!("h3={legacy}"),
                    NOW,
                    with(legacy_held.clone(), json!({"needsReseal": true})),
                ),
                save(
                    NOW,
                    wrote(
                        &[h3_v2_line("h3", "<token>", None)],
                        Some(fe26_len(&legacy_text, "", false, false)),
                        legacy_held.clone(),
                    ),
                ),
                load("$jar", NOW + MIN, legacy_held.clone()),
            ],
        },
        Flow {
            comment: "h3-v2: idle timeout: lastSeenAt after data, Expires = lastSeenAt + idleTimeout, refresh past half the window, expiry",
            flags: &["IDLE", "PEER_SHAPE"],
            config: json!({"format": "h3-v2", "idleTimeout": 600}),
            keyring: "h3",
            steps: vec![
                load("", NOW, fresh("uuid-v4", NOW)),
                update(
                    n.clone(),
                    NOW,
                    wrote(
                        &[h3_v2_line("h3", "<token>", Some(NOW + 600 * SEC))],
                        Some(idle_len),
                        seen(NOW, false),
                    ),
                ),
                load("$jar", NOW + 300_000, seen(NOW, false)),
                save(NOW + 300_000, nothing(seen(NOW, false))),
                load("$jar", NOW + 300_001, seen(NOW, true)),
                save(
                    NOW + 300_001,
                    wrote(
                        &[h3_v2_line("h3", "<token>", Some(NOW + 900_001))],
                        Some(idle_len),
                        seen(NOW + 300_001, false),
                    ),
                ),
                load("$jar", NOW + 900_001, seen(NOW + 300_001, true)),
                load(
                    "$jar",
                    NOW + 900_002,
                    rejected("uuid-v4", NOW + 900_002, "EXPIRED"),
                ),
            ],
        },
        Flow {
            comment: "h3-v2: with maxAge and idleTimeout, Expires is the earlier deadline and max age still ends the session",
            flags: &["IDLE", "MAX_AGE", "PEER_SHAPE"],
            config: json!({"format": "h3-v2", "maxAge": 900, "idleTimeout": 600}),
            keyring: "h3",
            steps: vec![
                load("", NOW, fresh("uuid-v4", NOW)),
                update(
                    n.clone(),
                    NOW,
                    wrote(
                        &[h3_v2_line("h3", "<token>", Some(NOW + 600 * SEC))],
                        Some(idle_len),
                        seen(NOW, false),
                    ),
                ),
                load("$jar", NOW + 400_000, seen(NOW, true)),
                save(
                    NOW + 400_000,
                    wrote(
                        &[h3_v2_line("h3", "<token>", Some(NOW + 900_000))],
                        Some(idle_len),
                        seen(NOW + 400_000, false),
                    ),
                ),
                load("$jar", NOW + 900_000, seen(NOW + 400_000, true)),
                load(
                    "$jar",
                    NOW + 900_001,
                    rejected("uuid-v4", NOW + 900_001, "EXPIRED"),
                ),
            ],
        },
        Flow {
            comment: "h3-v2: with split off, a session too large for one cookie is TOO_LARGE",
            flags: &["SIZE"],
            config: json!({"format": "h3-v2", "split": false}),
            keyring: "h3",
            steps: vec![
                load("", NOW, fresh("uuid-v4", NOW)),
                update(
                    blob_data.clone(),
                    NOW,
                    failed("TOO_LARGE", json!({"isNew": true, "id": "@1"})),
                ),
            ],
        },
    ]
}

fn iron_session_flows() -> Vec<Flow> {
    let config = json!({"format": "iron-session"});
    let ada = json!({"user": "ada"});
    let ada_len = fe26_len(r#"{"user":"ada"}"#, "1", true, true);
    let session = |data: Value| held("empty", 0, data);
    let blob = blob();
    let blob_data = json!({"blob": blob});
    let blob_len = fe26_len(&format!(r#"{{"blob":"{blob}"}}"#), "1", true, true);
    let old = preseal(
        "iron-session",
        Format::IronSession,
        SealerOptions::default(),
        r#"{"user":"ada"}"#,
        NOW - DAY,
        30,
    );
    vec![
        Flow {
            comment: "iron-session: the data alone is sealed, no cookie for an untouched session, Max-Age = ttl - 60",
            flags: &["NEW", "ROUND_TRIP", "PEER_SHAPE"],
            config: config.clone(),
            keyring: "iron-session",
            steps: vec![
                load("", NOW, fresh("empty", 0)),
                save(NOW, nothing(fresh("empty", 0))),
                update(
                    ada.clone(),
                    NOW,
                    wrote(
                        &[iron_session_line(
                            "iron-session",
                            "<token>",
                            FORTNIGHT_S - 60,
                        )],
                        Some(ada_len),
                        session(ada.clone()),
                    ),
                ),
                load("$jar", NOW + MIN, session(ada.clone())),
                save(NOW + MIN, nothing(session(ada.clone()))),
                update(
                    json!({}),
                    NOW + MIN,
                    wrote(
                        &[iron_session_line(
                            "iron-session",
                            "<token>",
                            FORTNIGHT_S - 60,
                        )],
                        Some(ada_len),
                        session(ada.clone()),
                    ),
                ),
            ],
        },
        Flow {
            comment: "iron-session: ttl sets the token expiry (60 s skew) and Max-Age; clear is terminal",
            flags: &["MAX_AGE", "CLEAR", "PEER_SHAPE"],
            config: json!({"format": "iron-session", "cookieName": "app", "maxAge": 3600}),
            keyring: "iron-session",
            steps: vec![
                load("", NOW, fresh("empty", 0)),
                update(
                    json!({"n": 1}),
                    NOW,
                    wrote(
                        &[iron_session_line("app", "<token>", 3540)],
                        Some(fe26_len(r#"{"n":1}"#, "1", true, true)),
                        session(json!({"n": 1})),
                    ),
                ),
                load("$jar", NOW + HOUR + MIN - 1, session(json!({"n": 1}))),
                load("$jar", NOW + HOUR + MIN, rejected("empty", 0, "EXPIRED")),
                load("$jar", NOW + MIN, session(json!({"n": 1}))),
                clear(
                    NOW + MIN,
                    wrote(
                        &["app=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax".to_owned()],
                        None,
                        with(session(json!({})), json!({"isCleared": true})),
                    ),
                ),
                update(
                    json!({"n": 2}),
                    NOW + MIN,
                    failed("SESSION_CLEARED", json!({"isCleared": true, "data": {}})),
                ),
            ],
        },
        Flow {
            comment: "iron-session: with chunk (split) a large session spreads over name.0 and name.1; shrinking deletes them",
            flags: &["CHUNK", "PEER_SHAPE"],
            config: json!({"format": "iron-session", "split": true}),
            keyring: "iron-session",
            steps: vec![
                load("", NOW, fresh("empty", 0)),
                update(
                    blob_data.clone(),
                    NOW,
                    wrote(
                        &[
                            iron_session_line("iron-session.0", "<chunk>", FORTNIGHT_S - 60),
                            iron_session_line("iron-session.1", "<chunk>", FORTNIGHT_S - 60),
                        ],
                        Some(blob_len),
                        without(session(json!({})), &["data"]),
                    ),
                ),
                load("$jar", NOW + MIN, session(blob_data.clone())),
                update(
                    json!({"blob": "small"}),
                    NOW + MIN,
                    wrote(
                        &[
                            iron_session_line("iron-session", "<token>", FORTNIGHT_S - 60),
                            "iron-session.0=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"
                                .to_owned(),
                            "iron-session.1=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"
                                .to_owned(),
                        ],
                        Some(fe26_len(r#"{"blob":"small"}"#, "1", true, true)),
                        session(json!({"blob": "small"})),
                    ),
                ),
                load("$jar", NOW + 2 * MIN, session(json!({"blob": "small"}))),
            ],
        },
        Flow {
            comment: "iron-session: without chunk, a session over 4096 bytes is TOO_LARGE, as iron-session throws",
            flags: &["SIZE", "PEER_SHAPE"],
            config: config.clone(),
            keyring: "iron-session",
            steps: vec![
                load("", NOW, fresh("empty", 0)),
                update(
                    blob_data.clone(),
                    NOW,
                    failed("TOO_LARGE", json!({"isNew": true})),
                ),
            ],
        },
        Flow {
            comment: "iron-session: a cookie sealed under password id 1 is upgraded to the current id 2 on the next save",
            flags: &["ROTATION"],
            config: config.clone(),
            keyring: "iron-session-rotated",
            steps: vec![
                load(
                    &format!("iron-session={old}"),
                    NOW,
                    with(session(ada.clone()), json!({"needsReseal": true})),
                ),
                save(
                    NOW,
                    wrote(
                        &[iron_session_line(
                            "iron-session",
                            "<token>",
                            FORTNIGHT_S - 60,
                        )],
                        Some(fe26_len(r#"{"user":"ada"}"#, "2", true, true)),
                        session(ada.clone()),
                    ),
                ),
                load("$jar", NOW + MIN, session(ada.clone())),
                load_with(
                    json!({"cookie": "$jar", "keyring": "iron-session"}),
                    NOW + MIN,
                    rejected("empty", 0, "UNKNOWN_KEY"),
                ),
            ],
        },
    ]
}

fn iron_flows() -> Vec<Flow> {
    let n = |value: u64| json!({"n": value});
    let length = |created: u64, value: u64| {
        fe26_len(
            &envelope(22, created, &format!(r#"{{"n":{value}}}"#), None),
            "k1",
            true,
            false,
        )
    };
    vec![Flow {
        comment: "iron: a session ends at createdAt + maxAge, and the one started then saves normally",
        flags: &["MAX_AGE", "ROUND_TRIP"],
        config: json!({"format": "iron", "maxAge": 3600}),
        keyring: "iron",
        steps: vec![
            load("", NOW, fresh("base64url-128", NOW)),
            update(
                n(1),
                NOW,
                wrote(
                    &[polyseal_line("session", 3600, NOW + HOUR)],
                    Some(length(NOW, 1)),
                    held("@1", NOW, n(1)),
                ),
            ),
            load("$jar", NOW + HOUR - SEC, held("@1", NOW, n(1))),
            update(
                n(2),
                NOW + HOUR - SEC,
                wrote(
                    &[polyseal_line("session", 1, NOW + HOUR)],
                    Some(length(NOW, 2)),
                    held("@1", NOW, n(2)),
                ),
            ),
            load(
                "$jar",
                NOW + HOUR,
                rejected("base64url-128", NOW + HOUR, "EXPIRED"),
            ),
            update(
                n(3),
                NOW + HOUR,
                wrote(
                    &[polyseal_line("session", 3600, NOW + 2 * HOUR)],
                    Some(length(NOW + HOUR, 3)),
                    with(
                        held("@5", NOW + HOUR, n(3)),
                        json!({"rejection": "EXPIRED"}),
                    ),
                ),
            ),
        ],
    }]
}

fn flows() -> Vec<Flow> {
    [
        native_flows(),
        h3_v1_flows(),
        h3_v2_flows(),
        iron_session_flows(),
        iron_flows(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn generate() -> Value {
    let keyrings = keyrings();
    let mut tests = Vec::new();
    let mut failures = Vec::new();
    for (index, flow) in flows().into_iter().enumerate() {
        let case = json!({
            "tcId": index + 1,
            "comment": flow.comment,
            "flags": flow.flags,
            "config": flow.config,
            "keyring": flow.keyring,
            "steps": flow.steps,
        });
        if let Err(problem) = session_flows::check(&case, &keyrings) {
            failures.push(format!("tcId {} ({}): {problem}", index + 1, flow.comment));
        }
        tests.push(case);
    }
    assert!(
        failures.is_empty(),
        "the generator refuses flows whose outcome differs from the hand-written expectations:\n{}",
        failures.join("\n")
    );
    common::document(
        "sessions",
        "Session flows: load, update, mutate, save, clear and token steps against one session manager, with a browser cookie jar, a fixed clock and masked tokens.",
        notes(),
        keyrings,
        tests,
    )
}

#[test]
fn session_vectors_are_current_and_pass() {
    common::check_or_write(FILE, &generate());
    let document = common::load(FILE);
    let keyrings = &document["keyrings"];
    let mut executed = 0;
    let mut failures = Vec::new();
    for (index, flow) in document["tests"].as_array().unwrap().iter().enumerate() {
        assert_eq!(flow["tcId"], json!(index + 1), "tcIds run 1, 2, 3, ...");
        if let Err(problem) = session_flows::check(flow, keyrings) {
            failures.push(format!(
                "tcId {} ({}): {problem}",
                flow["tcId"], flow["comment"]
            ));
        }
        executed += 1;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(executed, document["numberOfTests"].as_u64().unwrap());
}

#[test]
fn the_runner_catches_wrong_expectations() {
    let flow = flows().into_iter().nth(1).unwrap();
    let case = json!({"config": flow.config, "keyring": flow.keyring, "steps": flow.steps});
    let keyrings = keyrings();
    assert_eq!(session_flows::check(&case, &keyrings), Ok(()));
    for (step, key, value) in [
        (1, "setCookies", json!(["session=<token>; Path=/"])),
        (1, "tokenLength", json!(1)),
        (1, "error", json!("TOO_LARGE")),
        (2, "id", json!("uuid-v4")),
        (2, "id", json!("@3")),
        (2, "id", json!("@1x")),
        (2, "createdAt", json!(NOW + 1)),
        (2, "data", json!({})),
        (2, "needsReseal", json!(true)),
        (2, "unknown", json!(null)),
    ] {
        let mut broken = case.clone();
        broken["steps"][step]["expect"][key] = value;
        assert!(
            session_flows::check(&broken, &keyrings).is_err(),
            "step {step}: {key}"
        );
    }
}
