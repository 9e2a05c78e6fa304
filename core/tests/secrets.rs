//! No secret ever reaches an error message or a `Debug` form.
//!
//! Keyrings are built from distinctive secrets, every error code the core can produce is
//! triggered through the public API, and every message, `Display` and `Debug` text, plus the
//! `Debug` of every type that holds a secret, is searched for the secrets: whole, any 8-byte
//! piece, their hex, their base64, and the byte lists `Debug` prints for arrays.
//! `INVALID_ARGUMENT` (language bindings only) and `INTERNAL` (a failing OS random source, or a
//! bug) cannot be produced from here.

use polyseal::cookie::{
    self, ChunkScheme, ChunkState, CookieOptions, CookieStyle, parse_cookie_header,
};
use polyseal::iron::{self, IronOptions, Profile};
use polyseal::json::JsonLimits;
use polyseal::native::{self, NativeOptions};
use polyseal::session::{SessionConfig, SessionManager};
use polyseal::{Error, ErrorCode, Format, Keyring, Sealer, SealerOptions, Secret, b64, json, rng};
use serde_json::json;

const NOW: u64 = 1_764_000_000_000;
const PASSWORD: &str = "Zebra-Quartz-Marmalade-7315-Lighthouse-Omega";
const INTEGRITY: &str = "Walrus-Juniper-Obsidian-2468-Fjord-Calliope!";
const SHORT: &str = "Tangerine-Vortex-99";
const RAW: &[u8; 32] = b"RawKey:Saffron-Nimbus-4096-Quill";

/// Everything that must never be printed.
fn forbidden() -> Vec<String> {
    let mut out = Vec::new();
    let secrets: [&[u8]; 4] = [
        PASSWORD.as_bytes(),
        INTEGRITY.as_bytes(),
        SHORT.as_bytes(),
        RAW,
    ];
    for secret in secrets {
        for window in secret.windows(8) {
            out.push(String::from_utf8_lossy(window).into_owned());
            out.push(format!("{window:?}").trim_matches(['[', ']']).to_owned());
        }
        let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
        for form in [hex.clone(), hex.to_uppercase()] {
            for start in 0..=form.len() - 16 {
                out.push(form[start..start + 16].to_owned());
            }
        }
        for skip in 0..3 {
            let base64 = b64::encode(&secret[skip..]);
            for start in 0..=base64.len() - 12 {
                out.push(base64[start..start + 12].to_owned());
                let standard = base64[start..start + 12]
                    .replace('-', "+")
                    .replace('_', "/");
                out.push(standard);
            }
        }
    }
    out
}

struct Collector {
    texts: Vec<String>,
    codes: Vec<ErrorCode>,
}

impl Collector {
    fn error<T: std::fmt::Debug>(&mut self, result: polyseal::Result<T>, code: ErrorCode) {
        let error: Error = result.expect_err("an error was expected");
        assert_eq!(error.code(), code, "{error}");
        self.texts
            .push(format!("{error} | {error:?} | {}", error.message()));
        self.codes.push(code);
    }

    fn debug(&mut self, value: &impl std::fmt::Debug) {
        self.texts.push(format!("{value:?} | {value:#?}"));
    }
}

fn keyring() -> Keyring {
    Keyring::builder()
        .password("2", PASSWORD)
        .split("1", Secret::password(PASSWORD), Secret::password(INTEGRITY))
        .key("3", RAW)
        .build()
        .unwrap()
}

fn native_errors(c: &mut Collector) {
    let ring = keyring();
    let options = NativeOptions::for_cookie("session");
    let token = native::seal_at(&json!({"a": 1}), &ring, &options, NOW).unwrap();
    let mut bytes = b64::decode(&token, "token").unwrap();
    c.error(
        native::unseal_at("!!!", &ring, &options, NOW),
        ErrorCode::Malformed,
    );
    c.error(
        native::unseal_at("AAAA", &ring, &options, NOW),
        ErrorCode::Malformed,
    );
    bytes[0] = 2;
    let v2 = b64::encode(&bytes);
    c.error(
        native::unseal_at(&v2, &ring, &options, NOW),
        ErrorCode::UnsupportedVersion,
    );
    let other = Keyring::builder().password("k9", PASSWORD).build().unwrap();
    c.error(
        native::unseal_at(&token, &other, &options, NOW),
        ErrorCode::UnknownKey,
    );
    let impostor = Keyring::builder().password("2", INTEGRITY).build().unwrap();
    c.error(
        native::unseal_at(&token, &impostor, &options, NOW),
        ErrorCode::BadSeal,
    );
    let wrong_name = NativeOptions::for_cookie("other");
    c.error(
        native::unseal_at(&token, &ring, &wrong_name, NOW),
        ErrorCode::BadSeal,
    );
    let ttl = NativeOptions {
        ttl_ms: Some(1_000),
        ..options.clone()
    };
    let short_lived = native::seal_at(&json!(1), &ring, &ttl, NOW).unwrap();
    c.error(
        native::unseal_at(&short_lived, &ring, &ttl, NOW + 1_000),
        ErrorCode::Expired,
    );
    let future = native::seal_at(&json!(1), &ring, &options, NOW + 120_000).unwrap();
    c.error(
        native::unseal_at(&future, &ring, &options, NOW),
        ErrorCode::NotYetValid,
    );
    let small = NativeOptions {
        max_token_chars: 10,
        ..options.clone()
    };
    c.error(
        native::unseal_at(&token, &ring, &small, NOW),
        ErrorCode::TooLarge,
    );
    let not_json = native::seal_bytes_at(b"{\"a\":", &ring, &options, NOW).unwrap();
    c.error(
        native::unseal_at(&not_json, &ring, &options, NOW),
        ErrorCode::InvalidJson,
    );
    let zero_ttl = NativeOptions {
        ttl_ms: Some(0),
        ..options.clone()
    };
    c.error(
        native::seal_at(&json!(1), &ring, &zero_ttl, NOW),
        ErrorCode::InvalidOption,
    );
    c.error(
        native::seal_json_at("{nope", &ring, &options, NOW),
        ErrorCode::InvalidJson,
    );
    let tight = NativeOptions {
        json: JsonLimits {
            max_bytes: 4,
            max_depth: 2,
        },
        ..options
    };
    c.error(
        native::seal_json_at("[1,2,3]", &ring, &tight, NOW),
        ErrorCode::TooLarge,
    );
    c.error(
        native::seal_at(&json!([[[1]]]), &ring, &tight, NOW),
        ErrorCode::InvalidJson,
    );
}

fn fe26_errors(c: &mut Collector) {
    let ring = keyring();
    for profile in Profile::ALL {
        let options = IronOptions::for_profile(*profile);
        let token = iron::seal_at(&json!({"a": 1}), &ring, &options, NOW).unwrap();
        let fields: Vec<&str> = token.split('~').next().unwrap().split('*').collect();
        let with = |index: usize, text: &str| {
            let mut fields = fields.clone();
            fields[index] = text;
            fields.join("*")
        };
        c.error(
            iron::unseal_at("Fe26.2*x", &ring, &options, NOW),
            ErrorCode::Malformed,
        );
        c.error(
            iron::unseal_at(&with(0, "Fe26.3"), &ring, &options, NOW),
            ErrorCode::UnsupportedVersion,
        );
        c.error(
            iron::unseal_at(&with(1, "nobody"), &ring, &options, NOW),
            ErrorCode::UnknownKey,
        );
        c.error(
            iron::unseal_at(&with(5, "1000"), &ring, &options, NOW),
            ErrorCode::Expired,
        );
        c.error(
            iron::unseal_at(&with(3, "AAAA"), &ring, &options, NOW),
            ErrorCode::Malformed,
        );
        c.error(
            iron::unseal_at(&with(7, &"A".repeat(43)), &ring, &options, NOW),
            ErrorCode::BadSeal,
        );
        c.error(
            iron::unseal_at(&with(6, "other-salt"), &ring, &options, NOW),
            ErrorCode::BadSeal,
        );
        let mut small = options.clone();
        small.max_token_bytes = 10;
        c.error(
            iron::unseal_at(&token, &ring, &small, NOW),
            ErrorCode::TooLarge,
        );
        let mut bad = options.clone();
        bad.iterations = 0;
        c.error(
            iron::seal_at(&json!(1), &ring, &bad, NOW),
            ErrorCode::InvalidOption,
        );
        c.error(
            iron::seal_json_at("{nope", &ring, &options, NOW),
            ErrorCode::InvalidJson,
        );
    }
    // Authentic tokens whose payload is refused, for a password and for a raw key.
    for current in ["2", "1", "3"] {
        let ring = Keyring::builder()
            .password("2", PASSWORD)
            .split("1", Secret::password(PASSWORD), Secret::password(INTEGRITY))
            .key("3", RAW)
            .current(current)
            .build()
            .unwrap();
        let options = IronOptions::default();
        let sealed =
            iron::seal_bytes_fixed_at(b"{\"a\":", &ring, &options, NOW, "s1", [9; 16], "s2");
        let token = sealed.unwrap();
        c.error(
            iron::unseal_at(&token, &ring, &options, NOW),
            ErrorCode::InvalidJson,
        );
        let wrong = Keyring::builder()
            .password("2", INTEGRITY)
            .password("1", INTEGRITY)
            .key("3", &[1; 32])
            .build()
            .unwrap();
        c.error(
            iron::unseal_at(&token, &wrong, &options, NOW),
            ErrorCode::BadSeal,
        );
    }
    let numeric = IronOptions::for_profile(Profile::IronSession);
    let named = Keyring::builder().password("k2", PASSWORD).build().unwrap();
    c.error(
        iron::seal_at(&json!(1), &named, &numeric, NOW),
        ErrorCode::InvalidPassword,
    );
}

fn keyring_errors(c: &mut Collector) {
    c.error(Secret::password(SHORT), ErrorCode::InvalidPassword);
    c.error(Secret::password(""), ErrorCode::InvalidPassword);
    c.error(Secret::key(&RAW[..31]), ErrorCode::InvalidPassword);
    c.error(
        Secret::key(&[RAW.as_slice(), b"!"].concat()),
        ErrorCode::InvalidPassword,
    );
    c.error(Keyring::from_password(SHORT), ErrorCode::InvalidPassword);
    c.error(
        Keyring::builder()
            .password("a", PASSWORD)
            .password("a", INTEGRITY)
            .build(),
        ErrorCode::InvalidPassword,
    );
    c.error(
        Keyring::builder().password("bad-id", PASSWORD).build(),
        ErrorCode::InvalidPassword,
    );
    c.error(
        Keyring::builder()
            .split("s", Secret::password(PASSWORD), Secret::password(SHORT))
            .build(),
        ErrorCode::InvalidPassword,
    );
    c.error(
        Keyring::builder()
            .password("k", PASSWORD)
            .current("zz")
            .build(),
        ErrorCode::InvalidPassword,
    );
}

fn sealer_errors(c: &mut Collector) {
    c.error(Format::from_name("h3-v3"), ErrorCode::InvalidOption);
    let fe26_name = SealerOptions {
        cookie_name: "session".into(),
        ..SealerOptions::default()
    };
    c.error(
        Sealer::with_options(keyring(), Format::H3V1, fe26_name),
        ErrorCode::InvalidOption,
    );
    let skew = SealerOptions {
        skew_ms: 1_500,
        ..SealerOptions::default()
    };
    c.error(
        Sealer::with_options(keyring(), Format::Iron, skew),
        ErrorCode::InvalidOption,
    );
    let iterations = SealerOptions {
        iterations: Some(2),
        ..SealerOptions::default()
    };
    c.error(
        Sealer::with_options(keyring(), Format::Native, iterations),
        ErrorCode::InvalidOption,
    );
    for format in Format::ALL {
        let sealer = Sealer::new(keyring(), format).unwrap();
        c.error(
            sealer.seal_until_at(&json!(1), NOW, Some(NOW)),
            ErrorCode::Expired,
        );
        c.error(sealer.unseal_at("", NOW), ErrorCode::Malformed);
        c.debug(&sealer);
    }
    c.error(
        JsonLimits {
            max_depth: 0,
            max_bytes: 1,
        }
        .validate(),
        ErrorCode::InvalidOption,
    );
    c.error(
        json::parse(b"\xff", JsonLimits::default()),
        ErrorCode::InvalidJson,
    );
    c.error(b64::decode("QR", "a field"), ErrorCode::Malformed);
}

fn cookie_errors(c: &mut Collector) {
    let options = CookieOptions::secure_defaults();
    let style = CookieStyle::Polyseal;
    c.error(
        cookie::set_cookie("bad name", "v", &options, style),
        ErrorCode::InvalidCookie,
    );
    c.error(
        cookie::set_cookie("s", PASSWORD, &CookieOptions::default(), style)
            .and_then(|_| cookie::set_cookie("s", &format!("{PASSWORD};"), &options, style)),
        ErrorCode::InvalidCookie,
    );
    let host = CookieOptions::default();
    c.error(
        cookie::set_cookie("__Host-s", "v", &host, style),
        ErrorCode::InvalidCookie,
    );
    let negative = CookieOptions {
        max_age: Some(-1),
        ..options.clone()
    };
    c.error(
        cookie::set_cookie("s", "v", &negative, style),
        ErrorCode::InvalidOption,
    );
    c.error(
        cookie::set_cookie("s", &"v".repeat(5000), &options, style),
        ErrorCode::TooLarge,
    );
    c.error(
        cookie::CookieStyle::from_name("rails"),
        ErrorCode::InvalidOption,
    );
    c.error(
        cookie::ChunkScheme::from_name("rails"),
        ErrorCode::InvalidOption,
    );
    c.error(
        parse_cookie_header(&"a".repeat(70_000)),
        ErrorCode::TooLarge,
    );
    let huge = ChunkState {
        whole: false,
        chunks: 1_000,
    };
    c.error(
        cookie::chunk_set_cookies("s", "v", &options, style, ChunkScheme::H3, true, huge),
        ErrorCode::InvalidOption,
    );
    c.error(
        cookie::chunk_set_cookies(
            "s",
            &"v".repeat(20_000),
            &options,
            CookieStyle::IronSession,
            ChunkScheme::IronSession,
            true,
            ChunkState::default(),
        ),
        ErrorCode::TooLarge,
    );
    let pairs = vec![("a".to_owned(), PASSWORD.to_owned())];
    c.error(cookie::cookie_header_budget(&pairs, 3), ErrorCode::TooLarge);
}

fn session_errors(c: &mut Collector) {
    for format in Format::ALL {
        let mut config = SessionConfig::for_format(format);
        if format == Format::IronSession {
            config.cookie_name = "s".into();
        }
        let ring = match format {
            Format::IronSession => Keyring::builder()
                .password("2", PASSWORD)
                .key("1", RAW)
                .build()
                .unwrap(),
            _ => keyring(),
        };
        let manager = SessionManager::new(ring, config.clone()).unwrap();
        c.debug(&manager);
        let name = &config.cookie_name;
        // Rejected cookies: forged, chunk missing, header too large.
        for header in [
            format!("{name}=Fe26.2**a*b*c**d*e"),
            format!("{name}=AQJrMgAAAZq2l-gAAAABmrah"),
            format!("{name}=__chunked__2; {name}.1=abc"),
            format!("{name}={}", "x".repeat(70_000)),
        ] {
            let session = manager.load_at(&header, NOW);
            let rejection = session.rejection().cloned();
            c.debug(&session);
            if let Some(error) = rejection {
                let code = error.code();
                c.error::<()>(Err(error), code);
            }
        }
        let mut session = manager.load_at("", NOW);
        session.data_mut().insert("secretless".into(), json!(true));
        let lines = manager.save_at(&mut session, NOW).unwrap();
        c.debug(&session);
        c.debug(&lines);
        manager.clear_at(&mut session, NOW).unwrap();
        c.error(
            manager.save_at(&mut session, NOW),
            ErrorCode::SessionCleared,
        );
    }
    let mut bad = SessionConfig::for_format(Format::Native);
    bad.max_age_s = Some(0);
    c.error(
        SessionManager::new(keyring(), bad),
        ErrorCode::InvalidOption,
    );
    let mut bad_name = SessionConfig::for_format(Format::Native);
    bad_name.cookie_name = "bad name".into();
    c.error(
        SessionManager::new(keyring(), bad_name),
        ErrorCode::InvalidCookie,
    );
}

#[test]
fn no_secret_in_any_error_or_debug_output() {
    let mut c = Collector {
        texts: Vec::new(),
        codes: Vec::new(),
    };
    rng::clear_fixed_bytes();
    native_errors(&mut c);
    fe26_errors(&mut c);
    keyring_errors(&mut c);
    sealer_errors(&mut c);
    cookie_errors(&mut c);
    session_errors(&mut c);
    let ring = keyring();
    c.debug(&ring);
    c.debug(&ring.entries());
    c.debug(ring.current());
    c.debug(ring.get("1").unwrap().integrity());
    c.debug(ring.get("3").unwrap().encryption());
    c.debug(&Secret::password(PASSWORD).unwrap());
    c.debug(&Secret::key(RAW).unwrap());

    let forbidden = forbidden();
    for text in &c.texts {
        for piece in &forbidden {
            assert!(
                !text.contains(piece.as_str()),
                "{piece:?} appears in: {text}"
            );
        }
    }
    let unreachable = [ErrorCode::InvalidArgument, ErrorCode::Internal];
    for code in ErrorCode::ALL {
        assert!(
            c.codes.contains(code) || unreachable.contains(code),
            "no error path produced {code}"
        );
    }
    eprintln!(
        "{} texts searched for {} forbidden pieces; {} errors covering {} codes",
        c.texts.len(),
        forbidden.len(),
        c.codes.len(),
        ErrorCode::ALL.len() - unreachable.len()
    );
}
