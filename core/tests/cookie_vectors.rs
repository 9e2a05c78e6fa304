//! Generates `tests/vectors/cookies.json`, checks it against the committed file, and runs every
//! case in it. `POLYSEAL_WRITE_VECTORS=1` rewrites the file.
//!
//! Most expectations below are written out by hand (or assembled from hand-picked slices for
//! the chunking cases); the generator refuses to write a case whose computed answer differs.

#[path = "support/cookie_cases.rs"]
mod cookie_cases;

use polyseal::Value;
use serde_json::{Map, json};

const PATH: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/cookies.json");
const NOW: u64 = 1_764_000_000_000;
const NOW_DATE: &str = "Mon, 24 Nov 2025 16:00:00 GMT";
const EPOCH_DATE: &str = "Thu, 01 Jan 1970 00:00:00 GMT";
const TOKEN: &str = "Fe26.2**0f1e2d3c*aGVsbG8*d29ybGQ*1765209600000*a1b2c3*SGVsbG8tV29ybGQ~2";

/// One case: its inputs (an object starting with `op`) and the answer it must give.
struct Case {
    comment: String,
    flags: Vec<&'static str>,
    input: Value,
    expected: Value,
}

fn case(comment: impl Into<String>, flags: &[&'static str], input: Value, expected: Value) -> Case {
    Case {
        comment: comment.into(),
        flags: flags.to_vec(),
        input,
        expected,
    }
}

fn line(expected: impl Into<String>) -> Value {
    json!({ "result": "valid", "error": null, "setCookie": expected.into() })
}

fn lines(expected: Vec<String>) -> Value {
    json!({ "result": "valid", "error": null, "setCookies": expected })
}

fn invalid(code: &str) -> Value {
    json!({ "result": "invalid", "error": code })
}

fn set(name: &str, value: &str, style: &str, options: Value) -> Value {
    json!({ "op": "set-cookie", "name": name, "value": value, "style": style, "options": options })
}

fn secure_defaults() -> Value {
    json!({ "path": "/", "secure": true, "httpOnly": true, "sameSite": "Lax" })
}

fn every_attribute() -> Value {
    json!({
        "maxAge": 3600, "expiresMs": NOW, "domain": "example.com", "path": "/app",
        "secure": true, "httpOnly": true, "sameSite": "Strict", "partitioned": true,
        "priority": "High"
    })
}

fn with(base: Value, extra: Value) -> Value {
    let mut merged = base.as_object().cloned().unwrap_or_default();
    merged.extend(extra.as_object().cloned().unwrap_or_default());
    Value::Object(merged)
}

fn builder_cases() -> Vec<Case> {
    let attrs = "Domain=example.com; Path=/app";
    vec![
        case(
            "polyseal secure defaults",
            &["DEFAULTS"],
            set("session", TOKEN, "polyseal", secure_defaults()),
            line(format!(
                "session={TOKEN}; Path=/; HttpOnly; Secure; SameSite=Lax"
            )),
        ),
        case(
            "insecure_dev drops only Secure, for http://localhost",
            &["DEFAULTS"],
            set(
                "session",
                "tok",
                "polyseal",
                json!({ "path": "/", "httpOnly": true, "sameSite": "Lax" }),
            ),
            line("session=tok; Path=/; HttpOnly; SameSite=Lax"),
        ),
        case(
            "polyseal attribute order",
            &[],
            set("s", "v", "polyseal", every_attribute()),
            line(format!(
                "s=v; Max-Age=3600; Expires={NOW_DATE}; {attrs}; HttpOnly; Secure; SameSite=Strict; \
                 Partitioned; Priority=High"
            )),
        ),
        case(
            "h3 1.x (cookie-es 1) attribute order",
            &["PEER_EXACT"],
            set("s", "v", "h3-v1", every_attribute()),
            line(format!(
                "s=v; Max-Age=3600; {attrs}; Expires={NOW_DATE}; HttpOnly; Secure; Priority=High; \
                 SameSite=Strict; Partitioned"
            )),
        ),
        case(
            "h3 2.x (cookie-es 3) attribute order",
            &["PEER_EXACT"],
            set("s", "v", "h3-v2", every_attribute()),
            line(format!(
                "s=v; Max-Age=3600; {attrs}; Expires={NOW_DATE}; HttpOnly; Secure; Partitioned; \
                 Priority=High; SameSite=Strict"
            )),
        ),
        case(
            "iron-session (cookie 2) attribute order",
            &["PEER_EXACT"],
            set("s", "v", "iron-session", every_attribute()),
            line(format!(
                "s=v; Max-Age=3600; {attrs}; Expires={NOW_DATE}; HttpOnly; Secure; Partitioned; \
                 Priority=High; SameSite=Strict"
            )),
        ),
        case(
            "h3 1.x session cookie: Path=/; Expires; HttpOnly; Secure, no SameSite",
            &["PEER_EXACT"],
            set(
                "h3",
                TOKEN,
                "h3-v1",
                json!({ "expiresMs": NOW, "secure": true, "httpOnly": true }),
            ),
            line(format!(
                "h3={TOKEN}; Path=/; Expires={NOW_DATE}; HttpOnly; Secure"
            )),
        ),
        case(
            "h3 2.x session cookie adds SameSite=Lax",
            &["PEER_EXACT"],
            set(
                "h3",
                TOKEN,
                "h3-v2",
                with(secure_defaults(), json!({ "expiresMs": NOW })),
            ),
            line(format!(
                "h3={TOKEN}; Path=/; Expires={NOW_DATE}; HttpOnly; Secure; SameSite=Lax"
            )),
        ),
        case(
            "iron-session session cookie: Max-Age = 14 days - 60 s",
            &["PEER_EXACT"],
            set(
                "iron",
                TOKEN,
                "iron-session",
                with(secure_defaults(), json!({ "maxAge": 1_209_540 })),
            ),
            line(format!(
                "iron={TOKEN}; Max-Age=1209540; Path=/; HttpOnly; Secure; SameSite=Lax"
            )),
        ),
        case(
            "h3 styles write Path=/ when no path is given; iron-session does not",
            &["PEER_EXACT"],
            set("a", "b", "h3-v2", json!({})),
            line("a=b; Path=/"),
        ),
        case(
            "iron-session writes no default Path",
            &["PEER_EXACT"],
            set("a", "b", "iron-session", json!({})),
            line("a=b"),
        ),
        case(
            "h3 styles percent-encode with encodeURIComponent",
            &["PEER_EXACT", "ENCODING"],
            set("a", "x y/é;", "h3-v1", json!({})),
            line("a=x%20y%2F%C3%A9%3B; Path=/"),
        ),
        case(
            "encodeURIComponent leaves Fe26 tokens unchanged",
            &["PEER_EXACT", "ENCODING"],
            set("a", "Fe26.2*1*a-b_c*(x)!'~2", "h3-v2", json!({})),
            line("a=Fe26.2*1*a-b_c*(x)!'~2; Path=/"),
        ),
        case(
            "iron-session keeps cookie-octets as they are",
            &["PEER_EXACT", "ENCODING"],
            set("a", "a/b+c=:", "iron-session", json!({})),
            line("a=a/b+c=:"),
        ),
        case(
            "iron-session encodes the whole value when one character needs it",
            &["PEER_EXACT", "ENCODING"],
            set("a", "a/b c", "iron-session", json!({})),
            line("a=a%2Fb%20c"),
        ),
        case(
            "iron-session encodes '%' so that reading back is exact",
            &["PEER_EXACT", "ENCODING"],
            set("a", "100%", "iron-session", json!({})),
            line("a=100%25"),
        ),
        case(
            "polyseal writes cookie-octets as given",
            &["ENCODING"],
            set("a", "a/b+c=%", "polyseal", json!({})),
            line("a=a/b+c=%"),
        ),
        case(
            "h3 2.x caps Max-Age at 400 days",
            &["PEER_EXACT"],
            set("a", "", "h3-v2", json!({ "maxAge": 50_000_000 })),
            line("a=; Max-Age=34560000; Path=/"),
        ),
        case(
            "h3 1.x writes Max-Age as given",
            &["PEER_EXACT"],
            set("a", "", "h3-v1", json!({ "maxAge": 50_000_000 })),
            line("a=; Max-Age=50000000; Path=/"),
        ),
        case(
            "SameSite=None with Secure; lower-case option names are accepted",
            &["PEER_EXACT"],
            set(
                "a",
                "b",
                "h3-v2",
                json!({ "secure": true, "sameSite": "none", "priority": "low" }),
            ),
            line("a=b; Path=/; Secure; Priority=Low; SameSite=None"),
        ),
        case(
            "__Host- with Secure and Path=/",
            &["PREFIX"],
            set("__Host-id", "v", "polyseal", secure_defaults()),
            line("__Host-id=v; Path=/; HttpOnly; Secure; SameSite=Lax"),
        ),
        case(
            "__Host- under h3 2.x: the default Path=/ satisfies the prefix",
            &["PREFIX", "PEER_EXACT"],
            set("__Host-id", "v", "h3-v2", json!({ "secure": true })),
            line("__Host-id=v; Path=/; Secure"),
        ),
        case(
            "__Secure- with Secure and a sub-path",
            &["PREFIX"],
            set(
                "__Secure-id",
                "v",
                "polyseal",
                json!({ "secure": true, "path": "/app" }),
            ),
            line("__Secure-id=v; Path=/app; Secure"),
        ),
        case(
            "Max-Age and Expires from an expiry one hour ahead (rounded down)",
            &["CLOCK"],
            json!({
                "op": "set-cookie", "name": "s", "value": "v", "style": "polyseal",
                "options": { "path": "/" }, "expiresAt": NOW + 3_600_999, "now": NOW
            }),
            line("s=v; Max-Age=3600; Expires=Mon, 24 Nov 2025 17:00:00 GMT; Path=/"),
        ),
        case(
            "an expiry already passed gives Max-Age=0, never a negative number",
            &["CLOCK"],
            json!({
                "op": "set-cookie", "name": "s", "value": "v", "style": "polyseal",
                "options": {}, "expiresAt": NOW - 5_000, "now": NOW
            }),
            line("s=v; Max-Age=0; Expires=Mon, 24 Nov 2025 15:59:55 GMT"),
        ),
        case(
            "Expires after 2038 and on a leap day",
            &["CLOCK"],
            set(
                "s",
                "v",
                "polyseal",
                json!({ "expiresMs": 4_233_686_400_000_u64 }),
            ),
            line("s=v; Expires=Fri, 29 Feb 2104 00:00:00 GMT"),
        ),
        case(
            "the last second of the year 9999",
            &["CLOCK"],
            set(
                "s",
                "v",
                "polyseal",
                json!({ "expiresMs": 253_402_300_799_999_u64 }),
            ),
            line("s=v; Expires=Fri, 31 Dec 9999 23:59:59 GMT"),
        ),
        case(
            "a line of exactly 4096 bytes",
            &["SIZE"],
            set("a", &"x".repeat(4094), "polyseal", json!({})),
            line(format!("a={}", "x".repeat(4094))),
        ),
        case(
            "a line of 4097 bytes is refused",
            &["SIZE"],
            set("a", &"x".repeat(4095), "polyseal", json!({})),
            invalid("TOO_LARGE"),
        ),
    ]
}

fn invalid_builder_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (name, why) in [
        ("", "an empty name"),
        ("a b", "a space in the name"),
        ("a;b", "';' in the name"),
        ("a=b", "'=' in the name"),
        ("a,b", "',' in the name"),
        ("(a)", "'(' in the name"),
        ("é", "a non-ASCII name"),
        ("a\u{1}", "a control character in the name"),
    ] {
        cases.push(case(
            format!("{why} breaks the RFC 6265 token rule"),
            &["NAME"],
            set(name, "v", "h3-v2", json!({})),
            invalid("INVALID_COOKIE"),
        ));
    }
    for (value, why) in [
        ("a b", "a space"),
        ("a,b", "','"),
        ("a;b", "';'"),
        ("\"a\"", "'\"'"),
        ("a\\b", "'\\'"),
        ("é", "a non-ASCII character"),
        ("a\tb", "a tab"),
    ] {
        cases.push(case(
            format!("polyseal style refuses {why} in the value"),
            &["VALUE"],
            set("a", value, "polyseal", json!({})),
            invalid("INVALID_COOKIE"),
        ));
    }
    let insecure = json!({ "path": "/", "httpOnly": true, "sameSite": "Lax" });
    let prefix_cases = [
        (
            "__Host- needs Secure",
            "__Host-id",
            "polyseal",
            insecure.clone(),
        ),
        (
            "__Host- forbids Domain",
            "__Host-id",
            "polyseal",
            with(secure_defaults(), json!({ "domain": "example.com" })),
        ),
        (
            "__Host- needs Path=/",
            "__Host-id",
            "polyseal",
            with(secure_defaults(), json!({ "path": "/app" })),
        ),
        (
            "__Host- needs an explicit Path=/ in the polyseal style",
            "__Host-id",
            "polyseal",
            json!({ "secure": true }),
        ),
        (
            "__Host- needs an explicit Path=/ in the iron-session style",
            "__Host-id",
            "iron-session",
            json!({ "secure": true }),
        ),
        ("__Secure- needs Secure", "__Secure-id", "h3-v1", json!({})),
        (
            "prefixes match without regard to case",
            "__SECURE-id",
            "polyseal",
            json!({}),
        ),
        (
            "prefixes match without regard to case (__host-)",
            "__host-id",
            "h3-v2",
            json!({}),
        ),
        (
            "SameSite=None needs Secure",
            "a",
            "polyseal",
            json!({ "sameSite": "None" }),
        ),
        (
            "Partitioned needs Secure",
            "a",
            "h3-v2",
            json!({ "partitioned": true }),
        ),
    ];
    for (comment, name, style, options) in prefix_cases {
        cases.push(case(
            comment,
            &["PREFIX"],
            set(name, "v", style, options),
            invalid("INVALID_COOKIE"),
        ));
    }
    let option_cases = [
        (
            "a negative Max-Age",
            json!({ "maxAge": -1 }),
            "INVALID_OPTION",
        ),
        (
            "Expires after the year 9999",
            json!({ "expiresMs": 253_402_300_800_000_u64 }),
            "INVALID_OPTION",
        ),
        (
            "a Domain with '_'",
            json!({ "domain": "a_b.example" }),
            "INVALID_COOKIE",
        ),
        (
            "a Domain with a trailing dot",
            json!({ "domain": "example.com." }),
            "INVALID_COOKIE",
        ),
        ("an empty Domain", json!({ "domain": "" }), "INVALID_COOKIE"),
        (
            "a Path not starting with '/'",
            json!({ "path": "app" }),
            "INVALID_COOKIE",
        ),
        (
            "a Path with ';'",
            json!({ "path": "/a;b" }),
            "INVALID_COOKIE",
        ),
        (
            "an unknown SameSite value",
            json!({ "sameSite": "Sometimes" }),
            "INVALID_OPTION",
        ),
        (
            "an unknown Priority value",
            json!({ "priority": "Urgent" }),
            "INVALID_OPTION",
        ),
    ];
    for (comment, options, code) in option_cases {
        cases.push(case(
            comment,
            &["OPTION"],
            set("a", "v", "polyseal", options),
            invalid(code),
        ));
    }
    cases.push(case(
        "an unknown style",
        &["OPTION"],
        set("a", "v", "express", json!({})),
        invalid("INVALID_OPTION"),
    ));
    cases
}

fn delete(name: &str, style: &str, options: Value) -> Value {
    json!({ "op": "delete-cookie", "name": name, "style": style, "options": options })
}

fn deletion_cases() -> Vec<Case> {
    let scoped = with(
        secure_defaults(),
        json!({ "domain": "example.com", "maxAge": 600 }),
    );
    vec![
        case(
            "polyseal deletion: empty value, Max-Age=0, epoch Expires, same Domain and Path",
            &["DELETE"],
            delete("s", "polyseal", scoped),
            line(format!(
                "s=; Max-Age=0; Expires={EPOCH_DATE}; Domain=example.com; Path=/; HttpOnly; Secure; \
                 SameSite=Lax"
            )),
        ),
        case(
            "h3 1.x deleteCookie",
            &["DELETE", "PEER_EXACT"],
            delete("h3", "h3-v1", json!({ "secure": true, "httpOnly": true })),
            line("h3=; Max-Age=0; Path=/; HttpOnly; Secure"),
        ),
        case(
            "h3 2.x deleteCookie keeps a given Expires, as h3 does for stale chunks",
            &["DELETE", "PEER_EXACT"],
            delete(
                "h3.4",
                "h3-v2",
                with(secure_defaults(), json!({ "expiresMs": NOW })),
            ),
            line(format!(
                "h3.4=; Max-Age=0; Path=/; Expires={NOW_DATE}; HttpOnly; Secure; SameSite=Lax"
            )),
        ),
        case(
            "iron-session destroy",
            &["DELETE", "PEER_EXACT"],
            delete(
                "iron",
                "iron-session",
                with(secure_defaults(), json!({ "maxAge": 1_209_540 })),
            ),
            line("iron=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"),
        ),
        case(
            "a partitioned cookie is deleted with Partitioned",
            &["DELETE"],
            delete(
                "s",
                "polyseal",
                with(secure_defaults(), json!({ "partitioned": true })),
            ),
            line(format!(
                "s=; Max-Age=0; Expires={EPOCH_DATE}; Path=/; HttpOnly; Secure; SameSite=Lax; Partitioned"
            )),
        ),
        case(
            "prefix rules apply to deletions too",
            &["DELETE", "PREFIX"],
            delete("__Host-s", "polyseal", json!({ "path": "/" })),
            invalid("INVALID_COOKIE"),
        ),
    ]
}

fn parsed(pairs: &[(&str, &str)]) -> Value {
    json!({ "result": "valid", "error": null, "cookies": pairs.iter().map(|(n, v)| json!([n, v])).collect::<Vec<_>>() })
}

fn parse_cases() -> Vec<Case> {
    let parse = |header: &str| json!({ "op": "parse", "header": header });
    let rows: Vec<(&str, &[&str], String, Value)> = vec![
        (
            "two cookies",
            &[],
            "a=1; b=2".into(),
            parsed(&[("a", "1"), ("b", "2")]),
        ),
        (
            "spaces and tabs around names and values",
            &["LENIENT"],
            " a = 1 ;\tb=2\t; ".into(),
            parsed(&[("a", "1"), ("b", "2")]),
        ),
        (
            "empty values",
            &["LENIENT"],
            "a=; b=".into(),
            parsed(&[("a", ""), ("b", "")]),
        ),
        (
            "'=' inside a value",
            &["LENIENT"],
            "a=b=c==; d=e".into(),
            parsed(&[("a", "b=c=="), ("d", "e")]),
        ),
        (
            "a quoted value is unwrapped",
            &["LENIENT"],
            "a=\"quoted\"; b=\"\"".into(),
            parsed(&[("a", "quoted"), ("b", "")]),
        ),
        (
            "an unbalanced quote is kept",
            &["LENIENT"],
            "a=\"half".into(),
            parsed(&[("a", "\"half")]),
        ),
        (
            "inner spaces are kept",
            &["LENIENT"],
            "a=one two".into(),
            parsed(&[("a", "one two")]),
        ),
        (
            "segments without '=' are skipped",
            &["STRICT"],
            "lone; a=1; also lone".into(),
            parsed(&[("a", "1")]),
        ),
        (
            "an empty name is skipped",
            &["STRICT"],
            "=x; a=1".into(),
            parsed(&[("a", "1")]),
        ),
        (
            "control characters make a pair skipped",
            &["STRICT"],
            "a=x\u{0}y; b=1\r; c=2".into(),
            parsed(&[("c", "2")]),
        ),
        (
            "duplicate names: the first wins",
            &["DUPLICATE"],
            "s=1; t=2; s=3".into(),
            parsed(&[("s", "1"), ("t", "2")]),
        ),
        (
            "a skipped pair does not claim its name",
            &["DUPLICATE", "STRICT"],
            "s=\u{1}; s=2".into(),
            parsed(&[("s", "2")]),
        ),
        (
            "names are case-sensitive",
            &["DUPLICATE"],
            "S=1; s=2".into(),
            parsed(&[("S", "1"), ("s", "2")]),
        ),
        (
            "percent-decoding",
            &["PERCENT"],
            "a=x%20y; b=%E2%82%AC; c=%3B%3d".into(),
            parsed(&[("a", "x y"), ("b", "€"), ("c", ";=")]),
        ),
        (
            "a stray '%' keeps the raw value",
            &["PERCENT"],
            "a=100%; b=%zz; c=%4".into(),
            parsed(&[("a", "100%"), ("b", "%zz"), ("c", "%4")]),
        ),
        (
            "bytes that are not UTF-8 keep the raw value",
            &["PERCENT"],
            "a=%C3; b=%C0%80; c=%ED%A0%80".into(),
            parsed(&[("a", "%C3"), ("b", "%C0%80"), ("c", "%ED%A0%80")]),
        ),
        (
            "literal non-ASCII next to escapes",
            &["PERCENT"],
            "a=é%20; b=%C3é".into(),
            parsed(&[("a", "é "), ("b", "%C3é")]),
        ),
        (
            "'+' is not a space",
            &["PERCENT"],
            "a=a+b".into(),
            parsed(&[("a", "a+b")]),
        ),
        (
            "a Fe26 token passes through",
            &[],
            format!("h3={TOKEN}"),
            parsed(&[("h3", TOKEN)]),
        ),
        ("an empty header", &[], String::new(), parsed(&[])),
    ];
    rows.into_iter()
        .map(|(comment, flags, header, expected)| case(comment, flags, parse(&header), expected))
        .collect()
}

fn chunk(
    name: &str,
    value: Option<&str>,
    style: &str,
    scheme: &str,
    split: bool,
    previous: (bool, usize),
    options: Value,
) -> Value {
    let mut input = json!({
        "op": "chunk", "name": name, "value": value, "style": style, "scheme": scheme,
        "split": split, "previous": { "whole": previous.0, "chunks": previous.1 },
        "options": options
    });
    if value.is_none() {
        input.as_object_mut().unwrap().remove("split");
    }
    input
}

fn chunk_cases() -> Vec<Case> {
    let h3 = "; Path=/; HttpOnly; Secure; SameSite=Lax";
    let h3_options = secure_defaults();
    let iron = "; Max-Age=1209540; Path=/; HttpOnly; Secure; SameSite=Lax";
    let iron_options = with(secure_defaults(), json!({ "maxAge": 1_209_540 }));
    let big = "0123456789abcdef".repeat(530);
    let over = "x".repeat(4100);
    let iron_big = format!("Fe26.2*1*{}~2", "Qw".repeat(4500));
    // iron-session fills each line to 4096 bytes: the value part is 4096 - len("s.0=" + attrs).
    let iron_room = 4096 - "iron.0=".len() - iron.len();
    let deleted = |name: &str| format!("{name}=; Max-Age=0{h3}");
    let iron_deleted =
        |name: &str| format!("{name}=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax");
    vec![
        case(
            "h3: a value of at most 4000 characters stays in one cookie",
            &["CHUNK", "PEER_EXACT"],
            chunk(
                "h3",
                Some(TOKEN),
                "h3-v2",
                "h3",
                true,
                (false, 0),
                h3_options.clone(),
            ),
            lines(vec![format!("h3={TOKEN}{h3}")]),
        ),
        case(
            "h3: 8480 characters become __chunked__3; stale parts 4 and 5 are deleted first",
            &["CHUNK", "STALE", "PEER_EXACT"],
            chunk(
                "h3",
                Some(&big),
                "h3-v2",
                "h3",
                true,
                (false, 5),
                h3_options.clone(),
            ),
            lines(vec![
                deleted("h3.4"),
                deleted("h3.5"),
                format!("h3=__chunked__3{h3}"),
                format!("h3.1={}{h3}", &big[..4000]),
                format!("h3.2={}{h3}", &big[4000..8000]),
                format!("h3.3={}{h3}", &big[8000..]),
            ]),
        ),
        case(
            "h3: shrinking back to one cookie deletes every old part",
            &["CHUNK", "STALE", "PEER_EXACT"],
            chunk(
                "h3",
                Some("small"),
                "h3-v2",
                "h3",
                true,
                (false, 2),
                h3_options.clone(),
            ),
            lines(vec![
                deleted("h3.1"),
                deleted("h3.2"),
                format!("h3=small{h3}"),
            ]),
        ),
        case(
            "h3: without splitting, a value over the limit fails",
            &["CHUNK", "SIZE"],
            chunk(
                "h3",
                Some(&over),
                "h3-v2",
                "h3",
                false,
                (false, 0),
                h3_options.clone(),
            ),
            invalid("TOO_LARGE"),
        ),
        case(
            "h3: clearing deletes the cookie and every part the request carried",
            &["CHUNK", "DELETE", "PEER_EXACT"],
            chunk(
                "h3",
                None,
                "h3-v2",
                "h3",
                true,
                (false, 2),
                h3_options.clone(),
            ),
            lines(vec![deleted("h3"), deleted("h3.1"), deleted("h3.2")]),
        ),
        case(
            "h3 scheme in the polyseal style",
            &["CHUNK"],
            chunk(
                "s",
                Some(&big),
                "polyseal",
                "h3",
                true,
                (false, 0),
                json!({ "path": "/", "secure": true }),
            ),
            lines(vec![
                "s=__chunked__3; Path=/; Secure".into(),
                format!("s.1={}; Path=/; Secure", &big[..4000]),
                format!("s.2={}; Path=/; Secure", &big[4000..8000]),
                format!("s.3={}; Path=/; Secure", &big[8000..]),
            ]),
        ),
        case(
            "iron-session: a value that fits stays whole; stale parts are deleted after it",
            &["CHUNK", "STALE", "PEER_EXACT"],
            chunk(
                "iron",
                Some(TOKEN),
                "iron-session",
                "iron-session",
                true,
                (false, 2),
                iron_options.clone(),
            ),
            lines(vec![
                format!("iron={TOKEN}{iron}"),
                iron_deleted("iron.0"),
                iron_deleted("iron.1"),
            ]),
        ),
        case(
            "iron-session: 9011 characters fill iron.0 and iron.1 to 4096 bytes; the old whole cookie is deleted",
            &["CHUNK", "STALE", "PEER_EXACT"],
            chunk(
                "iron",
                Some(&iron_big),
                "iron-session",
                "iron-session",
                true,
                (true, 0),
                iron_options.clone(),
            ),
            lines(vec![
                format!("iron.0={}{iron}", &iron_big[..iron_room]),
                format!("iron.1={}{iron}", &iron_big[iron_room..2 * iron_room]),
                format!("iron.2={}{iron}", &iron_big[2 * iron_room..]),
                iron_deleted("iron"),
            ]),
        ),
        case(
            "iron-session: more than 4 parts fails",
            &["CHUNK", "SIZE"],
            chunk(
                "iron",
                Some(&"Qw".repeat(8100)),
                "iron-session",
                "iron-session",
                true,
                (false, 0),
                iron_options.clone(),
            ),
            invalid("TOO_LARGE"),
        ),
        case(
            "iron-session: destroy deletes the cookie and the parts the request carried",
            &["CHUNK", "DELETE", "PEER_EXACT"],
            chunk(
                "iron",
                None,
                "iron-session",
                "iron-session",
                true,
                (false, 3),
                iron_options,
            ),
            lines(vec![
                iron_deleted("iron"),
                iron_deleted("iron.0"),
                iron_deleted("iron.1"),
                iron_deleted("iron.2"),
            ]),
        ),
        case(
            "scheme none never splits",
            &["CHUNK", "SIZE"],
            chunk(
                "s",
                Some(&over),
                "polyseal",
                "none",
                true,
                (false, 3),
                json!({}),
            ),
            invalid("TOO_LARGE"),
        ),
        case(
            "an unknown scheme",
            &["OPTION"],
            chunk(
                "s",
                Some("v"),
                "polyseal",
                "rails",
                true,
                (false, 0),
                json!({}),
            ),
            invalid("INVALID_OPTION"),
        ),
    ]
}

fn reassembled(value: Option<&str>, whole: bool, chunks: usize) -> Value {
    json!({ "result": "valid", "error": null, "value": value, "state": { "whole": whole, "chunks": chunks } })
}

fn reassemble_cases() -> Vec<Case> {
    let run = |cookies: &[(&str, &str)], scheme: &str| {
        let cookies: Vec<Value> = cookies.iter().map(|(n, v)| json!([n, v])).collect();
        json!({ "op": "reassemble", "cookies": cookies, "name": "s", "scheme": scheme })
    };
    let rows: Vec<(&str, Value, Value)> = vec![
        (
            "h3: every part present",
            run(&[("s", "__chunked__2"), ("s.2", "cd"), ("s.1", "ab")], "h3"),
            reassembled(Some("abcd"), false, 2),
        ),
        (
            "h3: a missing part means no session",
            run(&[("s", "__chunked__3"), ("s.1", "ab"), ("s.2", "cd")], "h3"),
            reassembled(None, false, 3),
        ),
        (
            "h3: an empty part means no session",
            run(&[("s", "__chunked__2"), ("s.1", "ab"), ("s.2", "")], "h3"),
            reassembled(None, false, 2),
        ),
        (
            "h3: more than 100 parts is malformed",
            run(&[("s", "__chunked__101"), ("s.1", "ab")], "h3"),
            reassembled(None, false, 0),
        ),
        (
            "h3: a count with a leading zero is malformed",
            run(&[("s", "__chunked__02"), ("s.1", "a"), ("s.2", "b")], "h3"),
            reassembled(None, false, 0),
        ),
        (
            "h3: trailing text after the count is malformed",
            run(&[("s", "__chunked__2x"), ("s.1", "a"), ("s.2", "b")], "h3"),
            reassembled(None, false, 0),
        ),
        (
            "h3: zero parts is malformed",
            run(&[("s", "__chunked__0")], "h3"),
            reassembled(None, false, 0),
        ),
        (
            "h3: an unchunked value wins over stray parts",
            run(&[("s", "tok"), ("s.1", "x")], "h3"),
            reassembled(Some("tok"), true, 0),
        ),
        (
            "h3: an empty value means no session",
            run(&[("s", "")], "h3"),
            reassembled(None, false, 0),
        ),
        (
            "iron-session: parts from s.0",
            run(&[("s.1", "cd"), ("s.0", "ab")], "iron-session"),
            reassembled(Some("abcd"), false, 2),
        ),
        (
            "iron-session: a whole cookie wins over parts",
            run(
                &[("s", "whole"), ("s.0", "ab"), ("s.1", "cd")],
                "iron-session",
            ),
            reassembled(Some("whole"), true, 2),
        ),
        (
            "iron-session: a gap means no session",
            run(&[("s.0", "ab"), ("s.2", "ef")], "iron-session"),
            reassembled(None, false, 3),
        ),
        (
            "iron-session: no s.0 means no session",
            run(&[("s.1", "cd")], "iron-session"),
            reassembled(None, false, 2),
        ),
        (
            "iron-session: parts beyond s.3 are ignored",
            run(
                &[
                    ("s.0", "a"),
                    ("s.1", "b"),
                    ("s.2", "c"),
                    ("s.3", "d"),
                    ("s.4", "e"),
                ],
                "iron-session",
            ),
            reassembled(Some("abcd"), false, 4),
        ),
        (
            "scheme none reads only the cookie itself",
            run(&[("s.0", "ab"), ("s.1", "cd")], "none"),
            reassembled(None, false, 0),
        ),
        (
            "duplicate names: the first wins",
            run(&[("s", "first"), ("s", "second")], "none"),
            reassembled(Some("first"), false, 0),
        ),
    ];
    rows.into_iter()
        .map(|(comment, input, expected)| case(comment, &["CHUNK"], input, expected))
        .collect()
}

fn budget_cases() -> Vec<Case> {
    let budget = |cookies: &[(&str, &str)], limit: Option<usize>| {
        let cookies: Vec<Value> = cookies.iter().map(|(n, v)| json!([n, v])).collect();
        let mut input = json!({ "op": "budget", "cookies": cookies });
        if let Some(limit) = limit {
            input["limit"] = json!(limit);
        }
        input
    };
    let length = |n: usize| json!({ "result": "valid", "error": null, "length": n });
    vec![
        case(
            "'a=12; bb=3' is 10 bytes",
            &["BUDGET"],
            budget(&[("a", "12"), ("bb", "3")], Some(100)),
            length(10),
        ),
        case(
            "exactly at the limit",
            &["BUDGET"],
            budget(&[("a", "12"), ("bb", "3")], Some(10)),
            length(10),
        ),
        case(
            "one byte over the limit",
            &["BUDGET"],
            budget(&[("a", "12"), ("bb", "3")], Some(9)),
            invalid("TOO_LARGE"),
        ),
        case(
            "the default limit is 8190 bytes",
            &["BUDGET"],
            budget(&[("s", TOKEN)], None),
            length(2 + TOKEN.len()),
        ),
        case("no cookies", &["BUDGET"], budget(&[], Some(0)), length(0)),
    ]
}

/// Cases added after the first release of the file; appended so that tcIds stay stable.
fn later_cases() -> Vec<Case> {
    vec![
        case(
            "h3: a previous chunk count above 100 cannot come from a request",
            &["CHUNK", "OPTION"],
            chunk(
                "h3",
                Some("v"),
                "h3-v2",
                "h3",
                true,
                (false, 101),
                json!({}),
            ),
            invalid("INVALID_OPTION"),
        ),
        case(
            "iron-session: a previous chunk count above 4 cannot come from a request",
            &["CHUNK", "OPTION"],
            chunk(
                "iron",
                None,
                "iron-session",
                "iron-session",
                true,
                (false, 5),
                json!({}),
            ),
            invalid("INVALID_OPTION"),
        ),
    ]
}

fn all_cases() -> Vec<Case> {
    [
        builder_cases(),
        invalid_builder_cases(),
        deletion_cases(),
        parse_cases(),
        chunk_cases(),
        reassemble_cases(),
        budget_cases(),
        later_cases(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// The answer fields a case is judged on.
fn judged(answer: &Value, op: &str) -> Value {
    let mut fields = Map::new();
    for key in ["result", "error"]
        .iter()
        .chain(cookie_cases::output_fields(op))
    {
        fields.insert((*key).into(), answer[*key].clone());
    }
    Value::Object(fields)
}

fn build_test(tc_id: usize, case: &Case) -> Value {
    let op = case.input["op"].as_str().unwrap();
    let answer = judged(&cookie_cases::run(&case.input), op);
    // Hand-written expectations leave out the null outputs of failed cases.
    let expected = judged(&case.expected, op);
    assert_eq!(
        answer, expected,
        "tcId {tc_id} ({}) gives an unexpected answer",
        case.comment
    );
    let mut test = Map::new();
    test.insert("tcId".into(), json!(tc_id));
    test.insert("comment".into(), json!(case.comment));
    test.insert("flags".into(), json!(case.flags));
    test.extend(case.input.as_object().unwrap().clone());
    test.extend(answer.as_object().unwrap().clone());
    Value::Object(test)
}

fn notes() -> Value {
    json!({
        "PEER_EXACT": "The line is byte-identical to what the peer library writes for the same options (checked against the real packages by tests/peers-cookies).",
        "DEFAULTS": "Secure session defaults and the plain-http development opt-out.",
        "ENCODING": "How the style encodes the value on the wire.",
        "CLOCK": "Depends on `now` (ms since the epoch) through Max-Age derived from an expiry.",
        "SIZE": "The 4096-byte Set-Cookie limit or the chunk count limits.",
        "NAME": "The cookie name breaks the RFC 6265 token rule.",
        "VALUE": "The value breaks the RFC 6265 cookie-octet rule (polyseal style).",
        "PREFIX": "Cookie prefix rules and the attributes that need Secure.",
        "OPTION": "An option that is out of range or unknown.",
        "DELETE": "A deletion cookie.",
        "LENIENT": "Parsing accepts what browsers send.",
        "STRICT": "Parsing skips ambiguous input.",
        "DUPLICATE": "The duplicate-name rule: the first occurrence wins.",
        "PERCENT": "Percent-decoding as h3 does it.",
        "CHUNK": "Chunking schemes.",
        "STALE": "Deletion of chunk cookies the request carried and the new value no longer uses.",
        "BUDGET": "Length of the Cookie header a browser sends back."
    })
}

fn generate() -> String {
    let tests: Vec<Value> = all_cases()
        .iter()
        .enumerate()
        .map(|(index, case)| build_test(index + 1, case))
        .collect();
    let file = json!({
        "file": "cookies",
        "description": "Set-Cookie lines, deletions, Cookie header parsing, chunking, reassembly and the Cookie header budget.",
        "generator": format!("polyseal {}", polyseal::VERSION),
        "numberOfTests": tests.len(),
        "notes": notes(),
        "tests": tests,
    });
    serde_json::to_string_pretty(&file).unwrap() + "\n"
}

/// The committed file; with `POLYSEAL_WRITE_VECTORS=1` it is first rewritten, once, before any
/// test reads it.
fn committed() -> String {
    static WRITE: std::sync::Once = std::sync::Once::new();
    if std::env::var_os("POLYSEAL_WRITE_VECTORS").is_some_and(|v| v == "1") {
        WRITE.call_once(|| {
            std::fs::create_dir_all(std::path::Path::new(PATH).parent().unwrap()).unwrap();
            std::fs::write(PATH, generate()).unwrap();
        });
    }
    std::fs::read_to_string(PATH)
        .unwrap_or_else(|e| panic!("cannot read {PATH} ({e}); run with POLYSEAL_WRITE_VECTORS=1"))
}

#[test]
fn vector_file_is_current() {
    assert!(
        committed() == generate(),
        "{PATH} differs from what the generator produces; review and rerun with POLYSEAL_WRITE_VECTORS=1"
    );
}

#[test]
fn every_vector_passes() {
    let file: Value = serde_json::from_str(&committed()).unwrap();
    let tests = file["tests"].as_array().unwrap();
    let mut executed = 0;
    for (index, test) in tests.iter().enumerate() {
        assert_eq!(test["tcId"], json!(index + 1), "tcIds run 1, 2, 3, ...");
        let op = test["op"].as_str().unwrap();
        assert_eq!(
            test["error"].is_null(),
            test["result"] == "valid",
            "tcId {}",
            test["tcId"]
        );
        let answer = judged(&cookie_cases::run(test), op);
        assert_eq!(
            answer,
            judged(test, op),
            "tcId {} ({})",
            test["tcId"],
            test["comment"]
        );
        executed += 1;
    }
    assert_eq!(json!(executed), file["numberOfTests"]);
}
