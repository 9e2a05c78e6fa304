//! The Rust driver of the cross-language matrix (`tests/cross/`, rules in its README): reads
//! `tests/cross/cases.json` and writes what polyseal answers, through the public API only.
//!
//! ```text
//! cross_driver seal CASES OUT_DIR   seals every session, builds every Set-Cookie line and runs
//!                                   the error catalogue: OUT_DIR/rust-sealed.json
//! cross_driver open CASES OUT_DIR   opens the tokens of every OUT_DIR/LANG-sealed.json and runs
//!                                   their derived error tokens: OUT_DIR/rust-opened.json
//! ```
//!
//! The C (`tests/cross/driver.c`), Python (`driver.py`) and Node (`driver.mjs`) drivers do the
//! same with their own bindings; `tests/cross/check.py` compares the four.

use std::path::{Path, PathBuf};

use polyseal::cookie::{self, CookieOptions, CookieStyle, Priority, SameSite};
use polyseal::json::JsonLimits;
use polyseal::{Error, Format, Keyring, Sealer, SealerOptions, Secret, Value};
use serde_json::{Map, json};

const LANG: &str = "rust";

type Outcome<T> = Result<T, Error>;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, phase, cases, out_dir] = args.as_slice() else {
        usage();
    };
    let cases: Value = serde_json::from_str(&read(Path::new(cases))).expect("cases.json is JSON");
    let out_dir = PathBuf::from(out_dir);
    let (name, document) = match phase.as_str() {
        "seal" => ("sealed", seal_phase(&cases)),
        "open" => ("opened", open_phase(&cases, &out_dir)),
        _ => usage(),
    };
    let path = out_dir.join(format!("{LANG}-{name}.json"));
    let text = serde_json::to_string_pretty(&document).expect("results serialize");
    std::fs::write(&path, text + "\n").unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

fn usage() -> ! {
    eprintln!("usage: cross_driver seal|open CASES OUT_DIR");
    std::process::exit(2);
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

// ---- phase 1 ---------------------------------------------------------------------------------

fn seal_phase(cases: &Value) -> Value {
    let now = u64_at(cases, "now");
    let mut tokens = Vec::new();
    for (format_name, format) in object(cases, "formats") {
        for (session_name, session) in object(cases, "sessions") {
            for variant in array(format, "keyrings") {
                for ttl in array(format, "ttls") {
                    let id = format!(
                        "{format_name}/{session_name}/{}/{}",
                        text(variant, "label"),
                        text(ttl, "label")
                    );
                    let mut record = json!({
                        "id": id, "format": format_name, "session": session_name,
                        "keyring": variant["label"], "ttl": ttl["label"],
                    });
                    let sealed =
                        seal_session(cases, format_name, format, session, variant, ttl, now);
                    match sealed {
                        Ok((token, line)) => {
                            record["token"] = json!(token);
                            record["setCookie"] = json!(line);
                        }
                        Err(error) => record["error"] = json!(error.code().name()),
                    }
                    tokens.push(record);
                }
            }
        }
    }
    let cookies: Vec<Value> = array(cases, "cookies")
        .iter()
        .map(|case| {
            let mut record = json!({"id": case["id"]});
            match cookie_line(case) {
                Ok(line) => record["line"] = json!(line),
                Err(error) => record["error"] = json!(error.code().name()),
            }
            record
        })
        .collect();
    let errors: Vec<Value> = array(cases, "errors")
        .iter()
        .filter(|entry| speaks(entry))
        .map(|entry| run_entry(cases, entry))
        .collect();
    json!({"lang": LANG, "version": polyseal::VERSION, "tokens": tokens, "cookies": cookies,
           "errors": errors})
}

/// Seals one session and builds the Set-Cookie line that would carry the token.
fn seal_session(
    cases: &Value,
    format_name: &str,
    format: &Value,
    session: &Value,
    variant: &Value,
    ttl: &Value,
    now: u64,
) -> Outcome<(String, String)> {
    let keyring = keyring_named(cases, text(variant, "keyring"), variant.get("sealCurrent"))?;
    let sealer = sealer(keyring, format_name, &token_options(format, ttl))?;
    let token = sealer.seal_at(&session_data(session, format_name), now)?;
    let cookie = &format["cookie"];
    let style = CookieStyle::from_name(text(cookie, "style"))?;
    let line = cookie::set_cookie(
        text(cookie, "name"),
        &token,
        &style.default_options(),
        style,
    )?;
    Ok((token, line))
}

/// The format's options with the ttl variant's `ttl` (when not null).
fn token_options(format: &Value, ttl: &Value) -> Value {
    let mut options = format["options"].clone();
    if !ttl["ttl"].is_null() {
        options["ttl"] = ttl["ttl"].clone();
    }
    options
}

/// A session's data, with its `fill` applied for this format.
fn session_data(session: &Value, format_name: &str) -> Value {
    let mut data = session["data"].clone();
    if let Some(fill) = session.get("fill") {
        let count = fill["count"][format_name].as_u64().expect("fill count") as usize;
        data[text(fill, "key")] = json!(text(fill, "char").repeat(count));
    }
    data
}

fn cookie_line(case: &Value) -> Outcome<String> {
    let style = CookieStyle::from_name(text(case, "style"))?;
    let mut options = cookie_options(&case["options"], style)?;
    if let Some(expiry) = case.get("expiry") {
        options = options.with_expiry(u64_at(expiry, "expiresAt"), u64_at(expiry, "now"));
    }
    match text(case, "op") {
        "set" => cookie::set_cookie(text(case, "name"), &cookie_value(case), &options, style),
        "delete" => cookie::deletion_cookie(text(case, "name"), &options, style),
        op => panic!("unknown cookie op {op}"),
    }
}

/// `value`, or `fill.count` times `fill.char`.
fn cookie_value(case: &Value) -> String {
    match case.get("fill") {
        Some(fill) => text(fill, "char").repeat(u64_at(fill, "count") as usize),
        None => text(case, "value").to_owned(),
    }
}

/// `"defaults"` (the style's session defaults) or an object of attributes; absent ones unset.
fn cookie_options(spec: &Value, style: CookieStyle) -> Outcome<CookieOptions> {
    if spec == "defaults" {
        return Ok(style.default_options());
    }
    let mut options = CookieOptions::default();
    for (key, value) in spec.as_object().expect("cookie options") {
        match key.as_str() {
            "maxAge" => options.max_age = Some(value.as_i64().expect("maxAge")),
            "expiresMs" => options.expires_ms = Some(value.as_u64().expect("expiresMs")),
            "domain" => options.domain = Some(as_text(value).to_owned()),
            "path" => options.path = Some(as_text(value).to_owned()),
            "secure" => options.secure = value == true,
            "httpOnly" => options.http_only = value == true,
            "sameSite" => options.same_site = Some(SameSite::from_name(as_text(value))?),
            "partitioned" => options.partitioned = value == true,
            "priority" => options.priority = Some(Priority::from_name(as_text(value))?),
            _ => panic!("unknown cookie option {key}"),
        }
    }
    Ok(options)
}

// ---- the error catalogue -----------------------------------------------------------------------

/// Whether this language takes part in an entry (`langs` absent: every language).
fn speaks(entry: &Value) -> bool {
    entry
        .get("langs")
        .is_none_or(|langs| langs.as_array().expect("langs").iter().any(|l| l == LANG))
}

/// Runs one entry: `{id, code}`, plus the derived `token` when the entry seals one.
fn run_entry(cases: &Value, entry: &Value) -> Value {
    // Text that is not UTF-8 and JavaScript-only values have no form in Rust.
    assert!(entry.get("invalidText").is_none(), "{}: langs", entry["id"]);
    let mut record = json!({"id": entry["id"]});
    let result = match text(entry, "op") {
        "unseal" => match entry_token(cases, entry) {
            Ok(token) => {
                if entry.get("seal").is_some() {
                    record["token"] = json!(token);
                }
                open_entry(cases, entry, &token)
            }
            Err(error) => {
                record["sealError"] = json!(error.code().name());
                Ok(())
            }
        },
        "seal" => seal_entry(cases, entry),
        "keyring" => keyring_spec(cases, &entry["keyring"], entry.get("current")).map(drop),
        "sealer" => keyring_spec(cases, &entry["keyring"], None)
            .and_then(|keyring| sealer(keyring, text(entry, "format"), &entry["options"]))
            .map(drop),
        "cookie" => cookie_line(&entry["cookie"]).map(drop),
        "parse" => cookie::parse_cookie_header(text(entry, "header")).map(drop),
        op => panic!("unknown op {op}"),
    };
    record["code"] = match result {
        Ok(()) => Value::Null,
        Err(error) => json!(error.code().name()),
    };
    record
}

/// The entry's token: given, or sealed afresh from `seal`; then `mutate` applied.
fn entry_token(cases: &Value, entry: &Value) -> Outcome<String> {
    let mut token = match entry.get("seal") {
        None => text(entry, "token").to_owned(),
        Some(seal) => {
            let format_name = seal.get("format").map_or(text(entry, "format"), as_text);
            let keyring = keyring_spec(cases, &seal["keyring"], seal.get("sealCurrent"))?;
            let sealer = sealer(keyring, format_name, &seal["options"])?;
            let session = &cases["sessions"][text(seal, "session")];
            sealer.seal_at(&session_data(session, format_name), at(cases, seal))?
        }
    };
    if let Some(mutation) = entry.get("mutate") {
        token = mutate(&token, mutation);
    }
    Ok(token)
}

/// Unseals a token as the entry says (keyring, options, `at`).
fn open_entry(cases: &Value, entry: &Value, token: &str) -> Outcome<()> {
    let keyring = keyring_spec(cases, &entry["keyring"], None)?;
    let sealer = sealer(keyring, text(entry, "format"), &entry["options"])?;
    sealer.unseal_at(token, at(cases, entry)).map(drop)
}

fn seal_entry(cases: &Value, entry: &Value) -> Outcome<()> {
    let keyring = keyring_spec(cases, &entry["keyring"], entry.get("sealCurrent"))?;
    let sealer = sealer(keyring, text(entry, "format"), &entry["options"])?;
    let now = at(cases, entry);
    if let Some(payload) = entry.get("payload") {
        sealer.seal_json_at(as_text(payload), now).map(drop)
    } else {
        sealer.seal_at(&entry["data"], now).map(drop)
    }
}

/// Applies `mutate` to a token: on characters (tokens are ASCII), within one
/// `*`-separated field when `field` is given.
fn mutate(token: &str, mutation: &Value) -> String {
    let op = text(mutation, "op");
    let mut fields: Vec<String> = match mutation.get("field") {
        Some(_) => token.split('*').map(str::to_owned).collect(),
        None => vec![token.to_owned()],
    };
    let index = mutation
        .get("field")
        .map_or(0, |f| f.as_u64().unwrap() as usize);
    let target = &mut fields[index];
    let position = |at: i64, len: usize| {
        if at < 0 {
            len - at.unsigned_abs() as usize
        } else {
            at as usize
        }
    };
    match op {
        "flip" | "set" => {
            let i = position(mutation["at"].as_i64().unwrap(), target.len());
            let old = &target[i..i + 1];
            let new = if op == "set" {
                text(mutation, "char").to_owned()
            } else if old == "A" {
                "B".to_owned()
            } else {
                "A".to_owned()
            };
            target.replace_range(i..i + 1, &new);
        }
        "truncate" => {
            let keep = position(mutation["keep"].as_i64().unwrap(), target.len());
            target.truncate(keep);
        }
        "append" => target.push_str(text(mutation, "text")),
        "replace" => *target = text(mutation, "with").to_owned(),
        _ => panic!("unknown mutation {op}"),
    }
    fields.join("*")
}

// ---- phase 2 ---------------------------------------------------------------------------------

fn open_phase(cases: &Value, out_dir: &Path) -> Value {
    let open_at = u64_at(cases, "now") + u64_at(cases, "openDelay");
    let mut opened = Vec::new();
    let mut errors = Vec::new();
    for producer in array(cases, "languages") {
        let producer = as_text(producer);
        let path = out_dir.join(format!("{producer}-sealed.json"));
        let sealed: Value = serde_json::from_str(&read(&path)).expect("sealed results are JSON");
        for record in array(&sealed, "tokens") {
            let Some(token) = record.get("token") else {
                continue;
            };
            let mut result = json!({"producer": producer, "id": record["id"]});
            match open_token(cases, record, as_text(token), open_at) {
                Ok(unsealed) => {
                    result["data"] = unsealed.value;
                    result["keyId"] = json!(unsealed.key_id);
                    result["issuedAt"] = json!(unsealed.issued_at);
                    result["expiresAt"] = json!(unsealed.expires_at);
                    result["needsReseal"] = json!(unsealed.needs_reseal);
                }
                Err(error) => result["error"] = json!(error.code().name()),
            }
            opened.push(result);
        }
        for record in array(&sealed, "errors") {
            let Some(token) = record.get("token") else {
                continue;
            };
            let entry = array(cases, "errors")
                .iter()
                .find(|entry| entry["id"] == record["id"])
                .expect("a derived token belongs to an entry");
            let code = match open_entry(cases, entry, as_text(token)) {
                Ok(()) => Value::Null,
                Err(error) => json!(error.code().name()),
            };
            errors.push(json!({"producer": producer, "id": record["id"], "code": code}));
        }
    }
    json!({"lang": LANG, "opened": opened, "errors": errors})
}

fn open_token(
    cases: &Value,
    record: &Value,
    token: &str,
    open_at: u64,
) -> Outcome<polyseal::Unsealed> {
    let format_name = text(record, "format");
    let format = &cases["formats"][format_name];
    let variant = find_label(&format["keyrings"], &record["keyring"]);
    let ttl = find_label(&format["ttls"], &record["ttl"]);
    let keyring = keyring_named(cases, text(variant, "keyring"), None)?;
    let sealer = sealer(keyring, format_name, &token_options(format, ttl))?;
    sealer.unseal_at(token, open_at)
}

fn find_label<'a>(list: &'a Value, label: &Value) -> &'a Value {
    list.as_array()
        .expect("a list of variants")
        .iter()
        .find(|variant| &variant["label"] == label)
        .expect("a known label")
}

// ---- keyrings and sealers --------------------------------------------------------------------

fn keyring_named(cases: &Value, name: &str, current: Option<&Value>) -> Outcome<Keyring> {
    keyring_spec(cases, &json!(name), current)
}

/// A keyring from a name in `keyrings` or an inline spec; `current` overrides the spec's.
fn keyring_spec(cases: &Value, spec: &Value, current: Option<&Value>) -> Outcome<Keyring> {
    let spec = match spec {
        Value::String(name) => &cases["keyrings"][name.as_str()],
        inline => inline,
    };
    if let Some(password) = spec.get("password") {
        return Keyring::from_password(as_text(password));
    }
    if let Some(key) = spec.get("keyHex") {
        return Keyring::from_key(&hex::decode(as_text(key)).expect("keyHex"));
    }
    let mut builder = Keyring::builder();
    for entry in array(spec, "entries") {
        let id = text(entry, "id");
        builder = match (entry.get("encryption"), entry.get("integrity")) {
            (Some(encryption), Some(integrity)) => {
                builder.split(id, secret(encryption), secret(integrity))
            }
            _ => builder.secret(id, secret(entry)),
        };
    }
    if let Some(current) = current.or_else(|| spec.get("current")) {
        builder = builder.current(as_text(current));
    }
    builder.build()
}

fn secret(side: &Value) -> Outcome<Secret> {
    match (side.get("password"), side.get("keyHex")) {
        (Some(password), None) => Secret::password(as_text(password)),
        (None, Some(key)) => Secret::key(&hex::decode(as_text(key)).expect("keyHex")),
        _ => panic!("a secret is a password or a keyHex: {side}"),
    }
}

/// A sealer from a format name and options named as in the Node binding (times in ms).
fn sealer(keyring: Keyring, format_name: &str, options: &Value) -> Outcome<Sealer> {
    let format = Format::from_name(format_name)?;
    let mut sealer_options = SealerOptions::default();
    let mut json = JsonLimits::default();
    let empty = Map::new();
    for (key, value) in options.as_object().unwrap_or(&empty) {
        let number = || value.as_u64().expect("a whole number");
        match key.as_str() {
            "cookieName" => sealer_options.cookie_name = as_text(value).to_owned(),
            "context" => sealer_options.context = as_text(value).as_bytes().to_vec(),
            "ttl" => sealer_options.ttl_ms = Some(number()),
            "skew" => sealer_options.skew_ms = number(),
            "iterations" => sealer_options.iterations = Some(number() as u32),
            "saltBits" => sealer_options.salt_bits = Some(number() as u32),
            "localtimeOffset" => {
                sealer_options.localtime_offset_ms = value.as_i64().expect("localtimeOffset")
            }
            "maxTokenChars" => sealer_options.max_token_chars = number() as usize,
            "maxJsonBytes" => json.max_bytes = number() as usize,
            "maxDepth" => json.max_depth = number() as usize,
            "saltReuse" => sealer_options.salt_reuse_ms = Some(number()),
            _ => panic!("unknown sealer option {key}"),
        }
    }
    sealer_options.json = json;
    Sealer::with_options(keyring, format, sealer_options)
}

// ---- reading cases.json ----------------------------------------------------------------------

fn at(cases: &Value, spec: &Value) -> u64 {
    spec.get("at")
        .map_or_else(|| u64_at(cases, "now"), |at| at.as_u64().expect("at"))
}

fn object<'a>(value: &'a Value, key: &str) -> &'a Map<String, Value> {
    value[key]
        .as_object()
        .unwrap_or_else(|| panic!("{key}: an object"))
}

fn array<'a>(value: &'a Value, key: &str) -> &'a Vec<Value> {
    value[key]
        .as_array()
        .unwrap_or_else(|| panic!("{key}: an array"))
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key}: a string in {value}"))
}

fn as_text(value: &Value) -> &str {
    value
        .as_str()
        .unwrap_or_else(|| panic!("a string: {value}"))
}

fn u64_at(value: &Value, key: &str) -> u64 {
    value[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key}: a whole number"))
}
