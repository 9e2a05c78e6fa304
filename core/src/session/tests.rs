use serde_json::{Map, Value, json};

use super::*;

const NOW: u64 = 1_764_000_000_000;
const PW: &str = "session-test-password-0123456789abcdef";
const OLD_PW: &str = "session-test-old-password-0123456789abc";

fn ring() -> Keyring {
    Keyring::builder().password("k2", PW).build().unwrap()
}

fn manager(config: SessionConfig) -> SessionManager {
    SessionManager::new(ring(), config).unwrap()
}

fn native() -> SessionManager {
    manager(SessionConfig::for_format(Format::Native))
}

fn patch(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

/// The `Cookie` header a browser would send after receiving `lines`.
fn cookie_header(lines: &[String]) -> String {
    lines
        .iter()
        .filter_map(|line| line.split(';').next())
        .filter(|pair| !pair.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

#[test]
fn an_untouched_new_session_writes_nothing_unless_configured() {
    let mut session = native().load_at("", NOW);
    assert!(session.is_new() && session.rejection().is_none());
    assert_eq!(session.id().len(), 22);
    assert_eq!(
        native().save_at(&mut session, NOW).unwrap(),
        Vec::<String>::new()
    );
    let h3 = manager(SessionConfig::for_format(Format::H3V1));
    let mut session = h3.load_at("", NOW);
    assert_eq!(session.id().len(), 36);
    assert_eq!(
        session.id().as_bytes()[14],
        b'4',
        "UUID v4: {}",
        session.id()
    );
    assert_eq!(h3.save_at(&mut session, NOW).unwrap().len(), 1);
}

#[test]
fn a_ttl_in_the_sealer_options_is_ignored() {
    for ttl_ms in [Some(0), Some(1)] {
        let mut config = SessionConfig::for_format(Format::Native);
        config.max_age_s = Some(3600);
        config.sealer.ttl_ms = ttl_ms;
        let manager = manager(config);
        let mut session = manager.load_at("", NOW);
        let lines = manager
            .update_at(&mut session, &patch(json!({"a": 1})), NOW)
            .unwrap();
        // The token outlives the sealer's 1 ms ttl: max_age decides.
        let later = manager.load_at(&cookie_header(&lines), NOW + 60_000);
        assert!(
            later.rejection().is_none(),
            "{ttl_ms:?}: {:?}",
            later.rejection()
        );
        assert_eq!(later.data().get("a"), Some(&json!(1)));
    }
}

#[test]
fn update_writes_a_cookie_that_loads_back() {
    let manager = native();
    let mut session = manager.load_at("other=1", NOW);
    let lines = manager
        .update_at(&mut session, &patch(json!({"user": "ada"})), NOW)
        .unwrap();
    assert_eq!(lines.len(), 1);
    let line = &lines[0];
    assert!(line.starts_with("session="), "{line}");
    for attribute in [
        "Max-Age=1209600",
        "Path=/",
        "HttpOnly",
        "Secure",
        "SameSite=Lax",
    ] {
        assert!(line.contains(attribute), "{line} lacks {attribute}");
    }
    let loaded = manager.load_at(&cookie_header(&lines), NOW + 1000);
    assert!(!loaded.is_new());
    assert_eq!(loaded.id(), session.id());
    assert_eq!(loaded.created_at(), NOW);
    assert_eq!(loaded.data()["user"], "ada");
}

/// A session saved with `{"n": 1}`, loaded back from its cookie.
fn reloaded_with_n_1(manager: &SessionManager) -> Session {
    let mut first = manager.load_at("", NOW);
    let lines = manager
        .update_at(&mut first, &patch(json!({"n": 1})), NOW)
        .unwrap();
    manager.load_at(&cookie_header(&lines), NOW + 1)
}

#[test]
fn saves_only_when_something_changed() {
    let manager = native();
    let mut session = reloaded_with_n_1(&manager);
    assert!(manager.save_at(&mut session, NOW + 2).unwrap().is_empty());
    session.data_mut().insert("n".into(), json!(2));
    assert_eq!(manager.save_at(&mut session, NOW + 3).unwrap().len(), 1);
    assert!(manager.save_at(&mut session, NOW + 4).unwrap().is_empty());
    // Replacing the data with an equal copy, or touching it without a change, is no change.
    session.set_data(session.data().clone());
    assert!(manager.save_at(&mut session, NOW + 5).unwrap().is_empty());
    let _ = session.data_mut();
    assert!(manager.save_at(&mut session, NOW + 6).unwrap().is_empty());
    session.set_data(patch(json!({"n": 3})));
    assert_eq!(manager.save_at(&mut session, NOW + 7).unwrap().len(), 1);
}

#[test]
fn a_save_that_fails_keeps_the_data() {
    let manager = native();
    let mut session = reloaded_with_n_1(&manager);
    let big = patch(json!({"n": 1, "blob": "x".repeat(70_000)}));
    session.set_data(big.clone());
    for _ in 0..2 {
        let error = manager.save_at(&mut session, NOW + 2).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TooLarge);
        assert_eq!(session.data(), &big);
        assert_eq!(
            manager.token_at(&mut session, NOW + 2).unwrap_err().code(),
            ErrorCode::TooLarge
        );
        assert_eq!(session.data(), &big);
    }
    session.data_mut().remove("blob");
    assert!(manager.save_at(&mut session, NOW + 3).unwrap().is_empty());
    assert_eq!(session.data()["n"], json!(1));
}

#[test]
fn a_save_that_fails_keeps_last_seen_at() {
    let config = SessionConfig {
        idle_timeout_s: Some(600),
        cookie_header_limit: Some(1000),
        ..SessionConfig::for_format(Format::Native)
    };
    let manager = manager(config);
    let mut session = reloaded_with_n_1(&manager);
    assert_eq!(session.last_seen_at(), Some(NOW));
    // Too large to seal, then sealed but over the Cookie header budget: both fail after the
    // save has picked its new lastSeenAt.
    for blob in [70_000, 2_000] {
        session.set_data(patch(json!({"blob": "x".repeat(blob)})));
        let error = manager.save_at(&mut session, NOW + 2000).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TooLarge, "{}", error.message());
        assert_eq!(session.last_seen_at(), Some(NOW));
    }
    assert_eq!(
        manager.token_at(&mut session, NOW + 2000).map(|_| ()),
        Ok(()),
        "a token has no Cookie header budget"
    );
    assert_eq!(session.last_seen_at(), Some(NOW + 2000));
    session.set_data(patch(json!({"blob": "x".repeat(70_000)})));
    assert!(manager.token_at(&mut session, NOW + 3000).is_err());
    assert_eq!(session.last_seen_at(), Some(NOW + 2000));
}

#[test]
fn a_copy_of_a_session_changes_apart_from_it() {
    let manager = native();
    let mut session = reloaded_with_n_1(&manager);
    let mut copy = session.clone();
    copy.data_mut().insert("n".into(), json!(2));
    assert_eq!(session.data()["n"], json!(1));
    assert!(manager.save_at(&mut session, NOW + 2).unwrap().is_empty());
    assert_eq!(manager.save_at(&mut copy, NOW + 2).unwrap().len(), 1);
    assert_eq!(session.data()["n"], json!(1));
}

#[test]
fn clear_deletes_and_is_terminal() {
    let manager = native();
    let mut session = manager.load_at("", NOW);
    let lines = manager
        .update_at(&mut session, &patch(json!({"a": 1})), NOW)
        .unwrap();
    let mut session = manager.load_at(&cookie_header(&lines), NOW);
    let deleted = manager.clear_at(&mut session, NOW).unwrap();
    assert_eq!(
        deleted,
        vec![
            "session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; Secure; SameSite=Lax"
        ]
    );
    assert!(session.is_cleared() && session.data().is_empty());
    let again = manager.update_at(&mut session, &patch(json!({"a": 2})), NOW);
    assert_eq!(again.unwrap_err().code(), ErrorCode::SessionCleared);
    assert_eq!(
        manager.save_at(&mut session, NOW).unwrap_err().code(),
        ErrorCode::SessionCleared
    );
}

#[test]
fn h3_v1_clears_as_h3_does() {
    let h3 = manager(SessionConfig::for_format(Format::H3V1));
    let mut session = h3.load_at("", NOW);
    assert_eq!(
        h3.clear_at(&mut session, NOW).unwrap(),
        vec!["h3=; Path=/; HttpOnly; Secure"]
    );
}

#[test]
fn rejected_cookies_start_a_new_session_with_a_reason() {
    let manager = native();
    let mut session = manager.load_at("", NOW);
    let lines = manager
        .update_at(&mut session, &patch(json!({"a": 1})), NOW)
        .unwrap();
    let header = cookie_header(&lines);
    let middle = header.len() / 2;
    let flipped = if &header[middle..=middle] == "A" {
        "B"
    } else {
        "A"
    };
    let tampered = format!("{}{flipped}{}", &header[..middle], &header[middle + 1..]);
    let cases = [
        ("session=not-a-token", ErrorCode::Malformed),
        (tampered.as_str(), ErrorCode::BadSeal),
    ];
    for (header, code) in cases {
        let session = manager.load_at(header, NOW);
        assert!(session.is_new(), "{header}");
        assert_eq!(
            session.rejection().expect("a reason").code(),
            code,
            "{header}"
        );
    }
    let other = SessionManager::new(
        Keyring::builder().password("k9", OLD_PW).build().unwrap(),
        SessionConfig::for_format(Format::Native),
    )
    .unwrap();
    let foreign = other.load_at(&header, NOW);
    assert_eq!(foreign.rejection().unwrap().code(), ErrorCode::UnknownKey);
}

#[test]
fn absolute_max_age_and_sliding_idle_timeout() {
    let config = SessionConfig {
        max_age_s: Some(3600),
        idle_timeout_s: Some(600),
        ..SessionConfig::for_format(Format::Native)
    };
    let manager = manager(config);
    let mut session = manager.load_at("", NOW);
    let lines = manager
        .update_at(&mut session, &patch(json!({"a": 1})), NOW)
        .unwrap();
    assert!(lines[0].contains("Max-Age=600;"), "{}", lines[0]);
    let header = cookie_header(&lines);
    // Within the first half of the idle window: nothing to write.
    let mut early = manager.load_at(&header, NOW + 200_000);
    assert!(!early.needs_reseal());
    assert!(
        manager
            .save_at(&mut early, NOW + 200_000)
            .unwrap()
            .is_empty()
    );
    // Past half the window: the load asks for a refresh and the save slides lastSeenAt.
    let mut late = manager.load_at(&header, NOW + 400_000);
    assert!(late.needs_reseal());
    let refreshed = manager.save_at(&mut late, NOW + 400_000).unwrap();
    assert_eq!(late.last_seen_at(), Some(NOW + 400_000));
    let refreshed = cookie_header(&refreshed);
    assert!(!manager.load_at(&refreshed, NOW + 900_000).is_new());
    // Idle too long.
    let idle = manager.load_at(&header, NOW + 600_001);
    assert_eq!(idle.rejection().unwrap().code(), ErrorCode::Expired);
    // Sliding never extends past the absolute limit: refreshing every 400 s, the cookie's
    // lifetime shrinks to what is left of the hour, and then the session ends.
    let mut header = header;
    for elapsed in (400_000..=3_200_000).step_by(400_000) {
        let mut session = manager.load_at(&header, NOW + elapsed);
        assert!(!session.is_new(), "at {elapsed}: {:?}", session.rejection());
        let lines = manager.save_at(&mut session, NOW + elapsed).unwrap();
        let expected = 600.min((3_600_000 - elapsed) / 1000);
        assert!(
            lines[0].contains(&format!("Max-Age={expected};")),
            "{}",
            lines[0]
        );
        header = cookie_header(&lines);
    }
    let ended = manager.load_at(&header, NOW + 3_600_001);
    assert_eq!(ended.rejection().unwrap().code(), ErrorCode::Expired);
}

#[test]
fn old_keys_are_upgraded_on_the_next_save() {
    let old = Keyring::builder().password("k1", OLD_PW).build().unwrap();
    let before = SessionManager::new(old, SessionConfig::for_format(Format::Native)).unwrap();
    let mut session = before.load_at("", NOW);
    let lines = before
        .update_at(&mut session, &patch(json!({"a": 1})), NOW)
        .unwrap();
    let rotated = Keyring::builder()
        .password("k2", PW)
        .password("k1", OLD_PW)
        .build()
        .unwrap();
    let after = SessionManager::new(rotated, SessionConfig::for_format(Format::Native)).unwrap();
    let mut session = after.load_at(&cookie_header(&lines), NOW + 1);
    assert!(!session.is_new() && session.needs_reseal());
    let upgraded = after.save_at(&mut session, NOW + 1).unwrap();
    assert_eq!(upgraded.len(), 1);
    let fresh = manager(SessionConfig::for_format(Format::Native));
    assert!(!fresh.load_at(&cookie_header(&upgraded), NOW + 2).is_new());
}

#[test]
fn the_native_cookie_name_is_bound() {
    let manager = native();
    let mut session = manager.load_at("", NOW);
    let lines = manager
        .update_at(&mut session, &patch(json!({"a": 1})), NOW)
        .unwrap();
    let renamed = cookie_header(&lines).replacen("session=", "other=", 1);
    let config = SessionConfig {
        cookie_name: "other".into(),
        ..SessionConfig::for_format(Format::Native)
    };
    let other = SessionManager::new(ring(), config).unwrap();
    let session = other.load_at(&renamed, NOW);
    assert_eq!(session.rejection().unwrap().code(), ErrorCode::BadSeal);
}

fn big_patch() -> Map<String, Value> {
    let noise: String = (0..9000)
        .map(|i| char::from(b'a' + (i * 7 % 26) as u8))
        .collect();
    patch(json!({"blob": noise}))
}

#[test]
fn h3_v2_chunks_large_sessions_and_deletes_stale_chunks() {
    let h3 = manager(SessionConfig::for_format(Format::H3V2));
    let mut session = h3.load_at("", NOW);
    let lines = h3.update_at(&mut session, &big_patch(), NOW).unwrap();
    assert!(lines[0].starts_with("h3=__chunked__"), "{}", lines[0]);
    let chunks = lines.len() - 1;
    assert!(chunks >= 3, "{chunks}");
    let header = cookie_header(&lines);
    let mut loaded = h3.load_at(&header, NOW + 1);
    assert!(!loaded.is_new(), "{:?}", loaded.rejection());
    assert_eq!(loaded.data()["blob"], big_patch()["blob"]);
    // A missing chunk means no session, with a reason.
    let missing: Vec<&str> = header
        .split("; ")
        .filter(|p| !p.starts_with("h3.2="))
        .collect();
    let broken = h3.load_at(&missing.join("; "), NOW + 1);
    assert_eq!(broken.rejection().unwrap().code(), ErrorCode::Malformed);
    // Shrinking deletes every stale chunk.
    loaded.data_mut().insert("blob".into(), json!("small"));
    let shrunk = h3.save_at(&mut loaded, NOW + 2).unwrap();
    for index in 1..=chunks {
        let stale = format!("h3.{index}=;");
        assert!(shrunk.iter().any(|l| l.starts_with(&stale)), "{shrunk:?}");
    }
    assert!(
        shrunk.iter().any(|l| l.starts_with("h3=Fe26.2")),
        "{shrunk:?}"
    );
    // Clearing a chunked session deletes the cookie and every chunk.
    let mut chunked = h3.load_at(&header, NOW + 3);
    assert_eq!(
        h3.clear_at(&mut chunked, NOW + 3).unwrap().len(),
        1 + chunks
    );
}

#[test]
fn oversized_sessions_fail_with_byte_counts_when_not_chunking() {
    let manager = native();
    let mut session = manager.load_at("", NOW);
    let error = manager
        .update_at(&mut session, &big_patch(), NOW)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::TooLarge);
    assert!(error.message().contains("4096"), "{error}");
}

#[test]
fn the_cookie_header_budget_counts_the_other_cookies() {
    let config = SessionConfig {
        cookie_header_limit: Some(1000),
        ..SessionConfig::for_format(Format::Native)
    };
    let manager = manager(config);
    let others = format!("tracking={}", "x".repeat(900));
    let mut session = manager.load_at(&others, NOW);
    let error = manager
        .update_at(&mut session, &patch(json!({"a": 1})), NOW)
        .unwrap_err();
    assert_eq!(error.code(), ErrorCode::TooLarge);
}

#[test]
fn a_configured_session_header_wins_over_the_cookie() {
    let config = SessionConfig {
        session_header: Some("x-h3-session".into()),
        ..SessionConfig::for_format(Format::H3V1)
    };
    let h3 = manager(config);
    let mut a = h3.load_at("", NOW);
    let a_lines = h3
        .update_at(&mut a, &patch(json!({"who": "a"})), NOW)
        .unwrap();
    let mut b = h3.load_at("", NOW);
    let b_token = h3.token_at(&mut b, NOW).unwrap();
    let header = cookie_header(&a_lines);
    let via_header = h3.load_request_at(Some(&header), Some(&b_token), NOW);
    assert_eq!(via_header.id(), b.id());
    // An empty header value is no header (h3 reads the cookie then), not a malformed token.
    let empty = h3.load_request_at(Some(&header), Some(""), NOW);
    assert_eq!((empty.id(), empty.rejection()), (a.id(), None));
    let default_h3 = manager(SessionConfig::for_format(Format::H3V1));
    let ignored = default_h3.load_request_at(Some(&header), Some(&b_token), NOW);
    assert_eq!(ignored.id(), a.id());
}

#[test]
fn iron_session_seals_the_data_alone() {
    let config = SessionConfig::named("iron-session", "app").unwrap();
    let numeric = Keyring::builder().password("1", PW).build().unwrap();
    let manager = SessionManager::new(numeric, config).unwrap();
    let mut session = manager.load_at("", NOW);
    assert_eq!((session.id(), session.created_at()), ("", 0));
    let lines = manager
        .update_at(&mut session, &patch(json!({"user": 7})), NOW)
        .unwrap();
    let line = &lines[0];
    assert!(
        line.starts_with("app=Fe26.2*1*") && line.contains("~2;"),
        "{line}"
    );
    assert!(line.contains("Max-Age=1209540"), "{line}");
    let token = line.split(';').next().unwrap().trim_start_matches("app=");
    let loaded = manager.load_at(&format!("app={token}"), NOW + 1);
    assert_eq!((loaded.id(), loaded.created_at()), ("", 0));
    let sealer = Sealer::new(
        Keyring::builder().password("1", PW).build().unwrap(),
        Format::IronSession,
    )
    .unwrap();
    assert_eq!(
        sealer.unseal_at(token, NOW).unwrap().value,
        json!({"user": 7})
    );
}

#[test]
fn bad_configurations_are_refused_up_front() {
    let cases = [
        SessionConfig {
            cookie_name: "bad name".into(),
            ..SessionConfig::for_format(Format::Native)
        },
        SessionConfig {
            cookie_name: "__Host-s".into(),
            cookie: crate::cookie::CookieOptions::insecure_dev(),
            ..SessionConfig::for_format(Format::Native)
        },
        SessionConfig {
            max_age_s: Some(0),
            ..SessionConfig::for_format(Format::Native)
        },
        SessionConfig {
            idle_timeout_s: Some(60),
            ..SessionConfig::for_format(Format::IronSession)
        },
        SessionConfig {
            split: true,
            ..SessionConfig::for_format(Format::Native)
        },
    ];
    let not_numeric = SessionManager::new(ring(), SessionConfig::for_format(Format::IronSession));
    assert_eq!(not_numeric.unwrap_err().code(), ErrorCode::InvalidPassword);
    for config in cases {
        let error = SessionManager::new(ring(), config.clone()).unwrap_err();
        assert!(
            [ErrorCode::InvalidCookie, ErrorCode::InvalidOption].contains(&error.code()),
            "{config:?}: {error}"
        );
    }
}

#[test]
fn a_session_accepted_at_its_deadline_can_be_saved() {
    // Native and generic-iron sessions end at the deadline, as their tokens do; h3 keeps a
    // session until more than max_age has passed.
    for (format, survives_deadline) in [
        (Format::Native, false),
        (Format::Iron, false),
        (Format::H3V1, true),
        (Format::H3V2, true),
    ] {
        let config = SessionConfig {
            max_age_s: Some(3600),
            ..SessionConfig::for_format(format)
        };
        let manager = manager(config);
        let mut session = manager.load_at("", NOW);
        let lines = manager
            .update_at(&mut session, &patch(json!({"a": 1})), NOW)
            .unwrap();
        let header = cookie_header(&lines);
        let mut last = manager.load_at(&header, NOW + 3_599_999);
        assert!(!last.is_new(), "{format}: {:?}", last.rejection());
        manager
            .update_at(&mut last, &patch(json!({"b": 2})), NOW + 3_599_999)
            .unwrap();
        let mut at = manager.load_at(&header, NOW + 3_600_000);
        assert_eq!(at.is_new(), !survives_deadline, "{format}");
        if at.is_new() {
            assert_eq!(at.rejection().unwrap().code(), ErrorCode::Expired);
        }
        let saved = manager.update_at(&mut at, &patch(json!({"c": 3})), NOW + 3_600_000);
        assert!(saved.is_ok(), "{format}: {saved:?}");
        let after = manager.load_at(&header, NOW + 3_600_001);
        assert_eq!(after.rejection().unwrap().code(), ErrorCode::Expired);
    }
}

#[test]
fn reseals_keep_the_loaded_key_order_as_h3_does() {
    let config = SessionConfig {
        idle_timeout_s: Some(600),
        ..SessionConfig::for_format(Format::H3V2)
    };
    let h3 = manager(config);
    let sealer = Sealer::new(ring(), Format::H3V2).unwrap();
    let cases = [
        (
            format!(
                r#"{{"id":"x","createdAt":{NOW},"data":{{"a":1}},"lastSeenAt":{NOW},"extra":true}}"#
            ),
            format!(
                r#"{{"id":"x","createdAt":{NOW},"data":{{"a":1}},"lastSeenAt":{},"extra":true}}"#,
                NOW + 5
            ),
        ),
        (
            format!(r#"{{"data":{{"a":1}},"extra":true,"createdAt":{NOW},"id":"x"}}"#),
            format!(
                r#"{{"id":"x","createdAt":{NOW},"data":{{"a":1}},"extra":true,"lastSeenAt":{}}}"#,
                NOW + 5
            ),
        ),
    ];
    for (sealed, resealed) in cases {
        let token = sealer.seal_json_at(&sealed, NOW).unwrap();
        let mut session = h3.load_at(&format!("h3={token}"), NOW + 1);
        assert!(!session.is_new(), "{:?}", session.rejection());
        let again = h3.token_at(&mut session, NOW + 5).unwrap();
        let text = crate::json::to_js_string(&sealer.unseal_at(&again, NOW + 5).unwrap().value);
        assert_eq!(text, resealed);
    }
}

#[test]
fn sessions_stamped_at_the_end_of_time_fail_cleanly() {
    // Only a key holder can write such a session (a peer with a broken clock, say), but saving
    // it must give a clean result, not overflow the deadline arithmetic.
    for format in [Format::Native, Format::H3V1, Format::H3V2, Format::Iron] {
        for idle_timeout_s in [None, Some(600)] {
            let mut config = SessionConfig::for_format(format);
            config.max_age_s = Some(3_600);
            config.idle_timeout_s = idle_timeout_s;
            config.sealer.iterations = (format == Format::H3V2).then_some(1);
            let manager = manager(config.clone());
            let options = manager.sealer.options().clone();
            let sealer = Sealer::with_options(ring(), format, options).unwrap();
            let stamped = |created_at: u64, last_seen_at: u64| {
                let envelope = json!({
                    "id": "x", "createdAt": created_at, "data": {}, "lastSeenAt": last_seen_at
                });
                let token = sealer.seal_at(&envelope, NOW).unwrap();
                let cookie = format!("{}={token}", config.cookie_name);
                let mut session = manager.load_at(&cookie, NOW);
                assert!(!session.is_new(), "{format}: {:?}", session.rejection());
                session.data_mut().insert("b".into(), json!(2));
                session
            };
            let round_trips = |session: &mut Session| {
                let lines = manager.save_at(session, NOW).unwrap();
                let reloaded = manager.load_at(&cookie_header(&lines), NOW + 1_000);
                assert_eq!(reloaded.data().get("b"), Some(&json!(2)), "{format}");
            };
            // Created at the end of time: without an idle timeout no token or cookie can carry
            // the deadline; with one, the idle deadline (from now) is the earlier one.
            let mut session = stamped(u64::MAX, u64::MAX);
            if idle_timeout_s.is_none() {
                let error = manager.save_at(&mut session, NOW).unwrap_err();
                assert_eq!(error.code(), ErrorCode::InvalidOption, "{format}: {error}");
            } else {
                round_trips(&mut session);
            }
            // Last seen at the end of time: the absolute limit still bounds the session.
            round_trips(&mut stamped(NOW, u64::MAX - 1));
        }
    }
}

#[test]
fn a_forged_cookie_costs_one_key_derivation() {
    use crate::iron::{DERIVATIONS, ITERATIONS};
    // h3-v2: 8192 iterations, a session header, and h3's chunks.
    let mut config = SessionConfig::for_format(Format::H3V2);
    config.session_header = Some("x-h3-session".to_owned());
    // The token comes from another keyring (same secret), so the reader's derived-key cache
    // holds nothing for its salts and the cost of an unknown forged cookie is measured.
    let writer = manager(config.clone());
    let manager = manager(config);
    let mut session = writer.load_at("", NOW);
    let token = writer.token_at(&mut session, NOW).unwrap();
    let mut fields: Vec<&str> = token.split('*').collect();
    let forged_mac = "A".repeat(43);
    fields[7] = &forged_mac;
    let forged = fields.join("*");
    let (head, tail) = forged.split_at(forged.len() / 2);
    let chunked = format!("h3=__chunked__2; h3.1={head}; h3.2={tail}");
    let requests: [(Option<&str>, Option<&str>); 4] = [
        (Some(&format!("h3={forged}")), None),
        (Some(&chunked), None),
        // The session header wins; the cookie is not opened as well.
        (Some(&format!("h3={forged}")), Some(forged.as_str())),
        (Some("a=1"), Some(forged.as_str())),
    ];
    for (cookie, header) in requests {
        DERIVATIONS.set(0);
        ITERATIONS.set(0);
        let session = manager.load_request_at(cookie, header, NOW);
        assert_eq!(session.rejection().unwrap().code(), ErrorCode::BadSeal);
        // One derivation at 8192 iterations, plus h3's one-iteration legacy retry.
        assert_eq!((DERIVATIONS.get(), ITERATIONS.get()), (2, 8192 + 1));
    }
    // Size limits answer before any key is derived: a Cookie header over 64 KiB, a token over
    // the sealer's token limit (96 K characters by default), a chunk missing.
    let padding = "x".repeat(crate::cookie::MAX_COOKIE_HEADER_BYTES);
    let big_header = format!("h3={forged}; pad={padding}");
    let limit = manager.config().sealer.max_token_chars;
    let big_token = format!("{forged}{}", "A".repeat(limit));
    let requests: [(Option<&str>, Option<&str>, ErrorCode); 3] = [
        (Some(&big_header), None, ErrorCode::TooLarge),
        (None, Some(&big_token), ErrorCode::TooLarge),
        (
            Some(&format!("h3=__chunked__3; h3.1={head}; h3.2={tail}")),
            None,
            ErrorCode::Malformed,
        ),
    ];
    for (cookie, header, code) in requests {
        DERIVATIONS.set(0);
        let session = manager.load_request_at(cookie, header, NOW);
        let rejection = session.rejection().unwrap();
        assert_eq!(rejection.code(), code, "{rejection}");
        assert_eq!(DERIVATIONS.get(), 0);
    }
}

#[test]
fn a_session_the_parser_could_not_read_back_is_not_written() {
    // h3-v2 chunks up to 100 x 4000 characters and, like h3, sets no Cookie header budget; but
    // a header over the parser's 64 KiB would lose the session on the next request.
    let mut config = SessionConfig::for_format(Format::H3V2);
    config.sealer.iterations = Some(1);
    assert_eq!(config.cookie_header_limit, None);
    let manager = manager(config);
    let mut session = manager.load_at("", NOW);
    let big = patch(json!({"blob": "x".repeat(60_000)}));
    let error = manager.update_at(&mut session, &big, NOW).unwrap_err();
    assert_eq!(error.code(), ErrorCode::TooLarge);
    assert!(error.message().contains("the limit is 65536"), "{error}");
    // Just under the parser's limit it is written, and reads back.
    let mut session = manager.load_at("", NOW);
    let fits = patch(json!({"blob": "x".repeat(40_000)}));
    let lines = manager.update_at(&mut session, &fits, NOW).unwrap();
    let header = cookie_header(&lines);
    assert!(header.len() <= crate::cookie::MAX_COOKIE_HEADER_BYTES);
    let reloaded = manager.load_at(&header, NOW);
    assert_eq!(reloaded.rejection(), None);
    assert_eq!(reloaded.data(), session.data());
}
