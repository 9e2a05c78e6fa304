//! One entry point for every format: a [`Sealer`] is a keyring, a [`Format`] and options,
//! configured once and used from any number of threads.
//!
//! The C, Python and Node bindings wrap this type, so format names, option meanings and error
//! codes are the same in every language.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::Value;

use crate::error::{ErrorCode, Result, fail};
use crate::iron::{self, IronOptions, Profile};
use crate::json::{self, JsonLimits, JsonText};
use crate::keyring::Keyring;
use crate::native::{self, NativeOptions};

/// A wire format, selectable by name everywhere.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// polyseal's own v1 format (XAES-256-GCM).
    Native,
    /// Fe26.2 as h3 1.x seals sessions (1 PBKDF2 iteration).
    H3V1,
    /// Fe26.2 as h3 2.x seals sessions (8192 iterations, legacy 1-iteration fallback).
    H3V2,
    /// Fe26.2 as iron-session seals cookies (numeric ids, `~2` suffix, 14-day ttl).
    IronSession,
    /// Generic Fe26.2 with iron's defaults, tuned through the options.
    Iron,
}

impl Format {
    /// Every format, in a stable order.
    pub const ALL: [Format; 5] = [
        Format::Native,
        Format::H3V1,
        Format::H3V2,
        Format::IronSession,
        Format::Iron,
    ];

    /// The format's name: `native`, `h3-v1`, `h3-v2`, `iron-session` or `iron`.
    pub const fn name(self) -> &'static str {
        match self {
            Format::Native => "native",
            Format::H3V1 => "h3-v1",
            Format::H3V2 => "h3-v2",
            Format::IronSession => "iron-session",
            Format::Iron => "iron",
        }
    }

    /// Looks a format up by name.
    pub fn from_name(name: &str) -> Result<Format> {
        Format::ALL
            .into_iter()
            .find(|format| format.name() == name)
            .ok_or_else(|| {
                fail(
                    ErrorCode::InvalidOption,
                    format!(
                        "unknown format {name:?}; expected one of native, h3-v1, h3-v2, \
                         iron-session, iron"
                    ),
                )
            })
    }

    /// The Fe26.2 profile of this format, or `None` for the native format.
    pub fn profile(self) -> Option<Profile> {
        match self {
            Format::Native => None,
            Format::H3V1 => Some(Profile::H3V1),
            Format::H3V2 => Some(Profile::H3V2),
            Format::IronSession => Some(Profile::IronSession),
            Format::Iron => Some(Profile::Iron),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Options shared by all formats; each format reads the ones that apply to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealerOptions {
    /// Lifetime of new tokens in ms; `None` uses the format's default (no expiry, except
    /// `iron-session`'s 14 days). `Some(0)` means "no expiry" for Fe26.2 and is refused by
    /// the native format, whose tokens never expire only when no ttl is given.
    pub ttl_ms: Option<u64>,
    /// Cookie name bound into the token (native only; Fe26.2 has no such binding).
    pub cookie_name: String,
    /// Caller context bound into the token (native only).
    pub context: Vec<u8>,
    /// Tolerated clock skew in ms (native: future issued-at; Fe26.2: iron's timestamp skew,
    /// which counts whole seconds, so it must be a multiple of 1000 there).
    pub skew_ms: u64,
    /// PBKDF2 iterations (Fe26.2 only); `None` keeps the profile's value.
    pub iterations: Option<u32>,
    /// Salt size in bits (Fe26.2 only); `None` keeps the profile's value.
    pub salt_bits: Option<u32>,
    /// Offset added to the local clock in ms (Fe26.2's `localtimeOffsetMsec`).
    pub localtime_offset_ms: i64,
    /// Longest token accepted, in characters.
    pub max_token_chars: usize,
    /// Payload size and depth limits.
    pub json: JsonLimits,
    /// Fe26.2 only, opt-in: seals within this many ms reuse their salts and derived keys with
    /// a fresh IV ([`IronOptions::salt_reuse_ms`]); `None` draws fresh salts for every seal.
    pub salt_reuse_ms: Option<u64>,
}

impl Default for SealerOptions {
    fn default() -> Self {
        SealerOptions {
            ttl_ms: None,
            cookie_name: String::new(),
            context: Vec::new(),
            skew_ms: native::DEFAULT_SKEW_MS,
            iterations: None,
            salt_bits: None,
            localtime_offset_ms: 0,
            max_token_chars: native::DEFAULT_MAX_TOKEN_CHARS,
            json: JsonLimits::default(),
            salt_reuse_ms: None,
        }
    }
}

/// What an authentic token holds, whatever its format.
#[derive(Clone, Debug, PartialEq)]
pub struct Unsealed {
    /// The payload.
    pub value: Value,
    /// Id of the key that sealed it (`""` for an id-less token).
    pub key_id: String,
    /// Issued-at in ms (native tokens only; Fe26.2 does not record it).
    pub issued_at: Option<u64>,
    /// Expiry in ms, if the token has one.
    pub expires_at: Option<u64>,
    /// True when the token should be sealed again: an old key, or a legacy h3 cookie.
    pub needs_reseal: bool,
}

/// An authentic token's payload as JSON text, with what [`Unsealed`] says about the token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsealedJson {
    /// The payload: the JSON text sealed into the token.
    pub json: String,
    /// Id of the key that sealed it (`""` for an id-less token).
    pub key_id: String,
    /// Issued-at in ms (native tokens only; Fe26.2 does not record it).
    pub issued_at: Option<u64>,
    /// Expiry in ms, if the token has one.
    pub expires_at: Option<u64>,
    /// True when the token should be sealed again: an old key, or a legacy h3 cookie.
    pub needs_reseal: bool,
}

/// A keyring, a format and options: seals and unseals tokens.
///
/// Cloning is cheap (the configuration is shared), so a binding can hand a clone to each job
/// it runs on another thread.
#[derive(Clone)]
pub struct Sealer {
    shared: Arc<Configured>,
}

struct Configured {
    keyring: Keyring,
    format: Format,
    options: SealerOptions,
    engine: Engine,
}

/// The format-specific options, derived once from [`SealerOptions`].
#[derive(Clone)]
enum Engine {
    Native(NativeOptions),
    Fe26(IronOptions),
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("format", &self.shared.format)
            .field("keyring", &self.shared.keyring)
            .field("options", &self.shared.options)
            .finish()
    }
}

impl Sealer {
    /// A sealer with default options.
    pub fn new(keyring: Keyring, format: Format) -> Result<Sealer> {
        Sealer::with_options(keyring, format, SealerOptions::default())
    }

    /// A sealer with explicit options; rejects options that make no sense for the format, and
    /// JSON limits that cannot be honoured (see [`JsonLimits::validate`]).
    pub fn with_options(
        keyring: Keyring,
        format: Format,
        options: SealerOptions,
    ) -> Result<Sealer> {
        // A depth the parser cannot reach would seal tokens no reader can open.
        options.json.validate()?;
        let engine = match format.profile() {
            None => Engine::Native(native_options(&options)?),
            Some(profile) => Engine::Fe26(iron_options(profile, &options)?),
        };
        Ok(Sealer {
            shared: Arc::new(Configured {
                keyring,
                format,
                options,
                engine,
            }),
        })
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.shared.format
    }

    /// The keyring.
    pub fn keyring(&self) -> &Keyring {
        &self.shared.keyring
    }

    /// The options.
    pub fn options(&self) -> &SealerOptions {
        &self.shared.options
    }

    /// Seals a value at time `now_ms`.
    pub fn seal_at(&self, value: &Value, now_ms: u64) -> Result<String> {
        match &self.shared.engine {
            Engine::Native(options) => {
                native::seal_at(value, &self.shared.keyring, options, now_ms)
            }
            Engine::Fe26(options) => iron::seal_at(value, &self.shared.keyring, options, now_ms),
        }
    }

    /// Seals a value at `now_ms` so that it expires at `expires_at` (ms), or never when `None`,
    /// whatever the configured ttl. Fails with `EXPIRED` when `expires_at` is not after `now_ms`.
    pub fn seal_until_at(
        &self,
        value: &Value,
        now_ms: u64,
        expires_at: Option<u64>,
    ) -> Result<String> {
        if let Some(expiry) = expires_at
            && expiry <= now_ms
        {
            return Err(fail(
                ErrorCode::Expired,
                "cannot seal a token whose expiry has already passed",
            ));
        }
        match &self.shared.engine {
            Engine::Native(options) => {
                native::seal_with_times(value, &self.shared.keyring, options, now_ms, expires_at)
            }
            Engine::Fe26(options) => {
                let mut options = options.clone();
                options.ttl_ms = expires_at.map_or(0, |expiry| expiry - now_ms);
                iron::seal_at(value, &self.shared.keyring, &options, now_ms)
            }
        }
    }

    /// Seals JSON text at time `now_ms`; the text is validated and sealed byte for byte.
    pub fn seal_json_at(&self, json_text: &str, now_ms: u64) -> Result<String> {
        match &self.shared.engine {
            Engine::Native(options) => {
                native::seal_json_at(json_text, &self.shared.keyring, options, now_ms)
            }
            Engine::Fe26(options) => {
                iron::seal_json_at(json_text, &self.shared.keyring, options, now_ms)
            }
        }
    }

    /// Writes `value` as JSON text within this sealer's nesting limit, for
    /// [`Sealer::seal_text_at`]: what a binding uses to turn a host language's objects into a
    /// payload (through a `Serialize` view of them) without building a [`Value`].
    pub fn write_json<T: Serialize + ?Sized>(&self, value: &T) -> Result<JsonText> {
        JsonText::write(value, self.shared.options.json.max_depth)
    }

    /// Seals JSON text core wrote, at time `now_ms`, exactly as [`Sealer::seal_at`] seals the
    /// value it was written from (the text is not parsed again).
    pub fn seal_text_at(&self, text: &JsonText, now_ms: u64) -> Result<String> {
        match &self.shared.engine {
            Engine::Native(options) => {
                native::seal_text_at(text, &self.shared.keyring, options, now_ms)
            }
            Engine::Fe26(options) => {
                iron::seal_text_at(text, &self.shared.keyring, options, now_ms)
            }
        }
    }

    /// Unseals a token at time `now_ms`.
    pub fn unseal_at(&self, token: &str, now_ms: u64) -> Result<Unsealed> {
        match &self.shared.engine {
            Engine::Native(options) => {
                let opened = native::unseal_at(token, &self.shared.keyring, options, now_ms)?;
                Ok(Unsealed {
                    value: opened.value,
                    key_id: opened.key_id,
                    issued_at: Some(opened.issued_at),
                    expires_at: opened.expires_at,
                    needs_reseal: opened.needs_reseal,
                })
            }
            Engine::Fe26(options) => {
                let opened = iron::unseal_at(token, &self.shared.keyring, options, now_ms)?;
                Ok(Unsealed {
                    value: opened.value,
                    key_id: opened.key_id,
                    issued_at: None,
                    expires_at: opened.expires_at,
                    needs_reseal: opened.needs_reseal,
                })
            }
        }
    }

    /// Unseals a token at time `now_ms` and returns its payload as JSON text rather than a
    /// parsed value: the text the token holds, checked to be JSON within the limits exactly as
    /// [`Sealer::unseal_at`] checks it, for a caller that builds its own values from JSON (a
    /// JavaScript binding hands it to `JSON.parse`).
    pub fn unseal_json_at(&self, token: &str, now_ms: u64) -> Result<UnsealedJson> {
        match &self.shared.engine {
            Engine::Native(options) => {
                let (json, opened) =
                    native::unseal_text_at(token, &self.shared.keyring, options, now_ms)?;
                Ok(UnsealedJson {
                    json,
                    key_id: opened.key_id,
                    issued_at: Some(opened.issued_at),
                    expires_at: opened.expires_at,
                    needs_reseal: opened.needs_reseal,
                })
            }
            Engine::Fe26(options) => {
                let (json, opened) = iron::unseal_payload_at(
                    token,
                    &self.shared.keyring,
                    options,
                    now_ms,
                    |plaintext| json::validated_text(plaintext, options.json_limits),
                )?;
                Ok(UnsealedJson {
                    json,
                    key_id: opened.key_id,
                    issued_at: None,
                    expires_at: opened.expires_at,
                    needs_reseal: opened.needs_reseal,
                })
            }
        }
    }

    /// Seals with the system clock.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn seal(&self, value: &Value) -> Result<String> {
        self.seal_at(value, crate::clock::now_ms())
    }

    /// [`Sealer::seal_text_at`] at the system clock's time.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn seal_text(&self, text: &JsonText) -> Result<String> {
        self.seal_text_at(text, crate::clock::now_ms())
    }

    /// Unseals with the system clock.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn unseal(&self, token: &str) -> Result<Unsealed> {
        self.unseal_at(token, crate::clock::now_ms())
    }
}

fn native_options(options: &SealerOptions) -> Result<NativeOptions> {
    let defaults = SealerOptions::default();
    let fe26_only = [
        ("iterations", options.iterations.is_some()),
        ("salt_bits", options.salt_bits.is_some()),
        ("salt_reuse_ms", options.salt_reuse_ms.is_some()),
        (
            "localtime_offset_ms",
            options.localtime_offset_ms != defaults.localtime_offset_ms,
        ),
    ];
    if let Some((name, _)) = fe26_only.iter().find(|(_, set)| *set) {
        return Err(fail(
            ErrorCode::InvalidOption,
            format!("{name} applies only to the Fe26.2 formats"),
        ));
    }
    // Fe26.2 spells "never expires" as ttl 0; native tokens spell it as no ttl. Refused here,
    // not at the first seal, so a misconfigured sealer fails where it is built.
    if options.ttl_ms == Some(0) {
        return Err(fail(
            ErrorCode::InvalidOption,
            "ttl must be positive; omit it for a token that never expires",
        ));
    }
    Ok(NativeOptions {
        cookie_name: options.cookie_name.clone(),
        context: options.context.clone(),
        ttl_ms: options.ttl_ms,
        skew_ms: options.skew_ms,
        leeway_ms: 0,
        max_token_chars: options.max_token_chars,
        json: options.json,
    })
}

fn iron_options(profile: Profile, options: &SealerOptions) -> Result<IronOptions> {
    // Fe26.2 binds neither: accepting them silently would promise a protection it lacks.
    if !options.cookie_name.is_empty() || !options.context.is_empty() {
        return Err(fail(
            ErrorCode::InvalidOption,
            "cookie_name and context are bound only by the native format; Fe26.2 cannot bind them",
        ));
    }
    if !options.skew_ms.is_multiple_of(1000) {
        return Err(fail(
            ErrorCode::InvalidOption,
            "Fe26.2 counts clock skew in whole seconds: skew_ms must be a multiple of 1000",
        ));
    }
    let defaults = IronOptions::for_profile(profile);
    let mut iron = defaults.clone();
    iron.ttl_ms = options.ttl_ms.unwrap_or(defaults.ttl_ms);
    iron.timestamp_skew_sec = options.skew_ms / 1000;
    iron.iterations = options.iterations.unwrap_or(defaults.iterations);
    iron.salt_bits = options.salt_bits.unwrap_or(defaults.salt_bits);
    iron.localtime_offset_ms = options.localtime_offset_ms;
    iron.max_token_bytes = options.max_token_chars;
    iron.json_limits = options.json;
    iron.salt_reuse_ms = options.salt_reuse_ms;
    iron.validate()?;
    Ok(iron)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()).unwrap(), format);
        }
        let err = Format::from_name("fernet").unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidOption);
    }

    #[test]
    fn native_sealer_round_trips() {
        let ring = Keyring::from_password("sealer-test-password-0123456789abcdef").unwrap();
        let sealer = Sealer::new(ring, Format::Native).unwrap();
        let token = sealer.seal_at(&json!({"a": 1}), 1000).unwrap();
        let opened = sealer.unseal_at(&token, 1001).unwrap();
        assert_eq!(opened.value, json!({"a": 1}));
        assert_eq!(opened.issued_at, Some(1000));
    }

    fn ring() -> Keyring {
        Keyring::from_password("sealer-test-password-0123456789abcdef").unwrap()
    }

    #[test]
    fn every_fe26_format_round_trips_and_reads_as_fe26() {
        for format in [Format::H3V1, Format::IronSession, Format::Iron] {
            let sealer = Sealer::new(ring(), format).unwrap();
            let token = sealer.seal_at(&json!({"a": [1, "x"]}), 1000).unwrap();
            assert!(token.starts_with("Fe26.2*"), "{format}: {token}");
            let opened = sealer.unseal_at(&token, 1001).unwrap();
            assert_eq!(opened.value, json!({"a": [1, "x"]}), "{format}");
            assert_eq!(opened.issued_at, None);
        }
        let iron_session = Sealer::new(ring(), Format::IronSession).unwrap();
        let token = iron_session.seal_at(&json!(1), 1000).unwrap();
        assert!(
            token.starts_with("Fe26.2*1*") && token.ends_with("~2"),
            "{token}"
        );
        let opened = iron_session.unseal_at(&token, 1000).unwrap();
        assert_eq!(opened.expires_at, Some(1000 + iron::IRON_SESSION_TTL_MS));
    }

    #[test]
    fn json_limits_that_cannot_be_honoured_are_refused_in_every_format() {
        let bad = [
            JsonLimits {
                max_depth: 0,
                ..JsonLimits::default()
            },
            JsonLimits {
                max_depth: crate::json::MAX_CONFIGURABLE_DEPTH + 1,
                ..JsonLimits::default()
            },
            JsonLimits {
                max_bytes: 0,
                ..JsonLimits::default()
            },
        ];
        for format in Format::ALL {
            for json in bad {
                let options = SealerOptions {
                    json,
                    ..SealerOptions::default()
                };
                let error = Sealer::with_options(ring(), format, options).unwrap_err();
                assert_eq!(error.code(), ErrorCode::InvalidOption, "{format} {json:?}");
            }
            let deepest = SealerOptions {
                json: JsonLimits {
                    max_depth: crate::json::MAX_CONFIGURABLE_DEPTH,
                    ..JsonLimits::default()
                },
                ..SealerOptions::default()
            };
            assert!(
                Sealer::with_options(ring(), format, deepest).is_ok(),
                "{format}"
            );
        }
    }

    #[test]
    fn options_reach_the_fe26_engine() {
        let options = SealerOptions {
            iterations: Some(2),
            ttl_ms: Some(5000),
            ..SealerOptions::default()
        };
        let two = Sealer::with_options(ring(), Format::Iron, options).unwrap();
        let token = two.seal_at(&json!(1), 1000).unwrap();
        // The expiry travels in the token; one iteration cannot verify a two-iteration MAC.
        assert_eq!(two.unseal_at(&token, 1000).unwrap().expires_at, Some(6000));
        let one = Sealer::new(ring(), Format::Iron).unwrap();
        assert_eq!(
            one.unseal_at(&token, 1000).unwrap_err().code(),
            ErrorCode::BadSeal
        );
    }

    #[test]
    fn unseal_json_returns_the_sealed_text_after_the_same_checks() {
        for format in [Format::Native, Format::H3V1, Format::H3V2] {
            let deep = SealerOptions {
                json: JsonLimits {
                    max_depth: 3,
                    ..JsonLimits::default()
                },
                ..SealerOptions::default()
            };
            let shallow = SealerOptions {
                json: JsonLimits {
                    max_depth: 1,
                    ..JsonLimits::default()
                },
                ..SealerOptions::default()
            };
            let sealer = Sealer::with_options(ring(), format, deep).unwrap();
            let text = r#"{"a": [1.0, {"b": "é"}], "a": 2}"#;
            let token = sealer.seal_json_at(text, 1000).unwrap();
            let opened = sealer.unseal_json_at(&token, 1000).unwrap();
            let parsed = sealer.unseal_at(&token, 1000).unwrap();
            assert_eq!(opened.json, text, "{format}");
            assert_eq!(opened.key_id, parsed.key_id);
            assert_eq!(opened.issued_at, parsed.issued_at);
            assert_eq!(opened.expires_at, parsed.expires_at);
            assert_eq!(opened.needs_reseal, parsed.needs_reseal);
            let strict = Sealer::with_options(ring(), format, shallow).unwrap();
            assert_eq!(
                strict.unseal_json_at(&token, 1000).unwrap_err().code(),
                strict.unseal_at(&token, 1000).unwrap_err().code(),
            );
            assert_eq!(
                strict.unseal_json_at(&token, 1000).unwrap_err().code(),
                ErrorCode::InvalidJson
            );
        }
    }

    #[test]
    fn salt_reuse_reaches_the_fe26_engine() {
        let options = SealerOptions {
            salt_reuse_ms: Some(60_000),
            ..SealerOptions::default()
        };
        let sealer = Sealer::with_options(ring(), Format::H3V2, options).unwrap();
        let salts = |token: &str| {
            let fields: Vec<&str> = token.split('*').collect();
            (fields[2].to_owned(), fields[6].to_owned())
        };
        let a = sealer.seal_at(&json!(1), 1000).unwrap();
        let b = sealer.seal_at(&json!(2), 2000).unwrap();
        assert_eq!(salts(&a), salts(&b));
        assert_eq!(sealer.unseal_at(&b, 2000).unwrap().value, json!(2));
    }

    #[test]
    fn seal_until_sets_the_expiry_in_every_format() {
        for format in [Format::Native, Format::H3V1, Format::Iron] {
            let sealer = Sealer::new(ring(), format).unwrap();
            let token = sealer.seal_until_at(&json!(1), 1000, Some(9000)).unwrap();
            assert_eq!(
                sealer.unseal_at(&token, 1000).unwrap().expires_at,
                Some(9000)
            );
            let forever = sealer.seal_until_at(&json!(1), 1000, None).unwrap();
            assert_eq!(sealer.unseal_at(&forever, 1000).unwrap().expires_at, None);
            let late = sealer
                .seal_until_at(&json!(1), 1000, Some(1000))
                .unwrap_err();
            assert_eq!(late.code(), ErrorCode::Expired);
        }
    }

    #[test]
    fn options_that_do_not_apply_are_refused() {
        let fe26_with_name = SealerOptions {
            cookie_name: "session".into(),
            ..SealerOptions::default()
        };
        let native_with_iterations = SealerOptions {
            iterations: Some(8192),
            ..SealerOptions::default()
        };
        let fe26_with_ms_skew = SealerOptions {
            skew_ms: 1500,
            ..SealerOptions::default()
        };
        let too_deep = SealerOptions {
            json: JsonLimits {
                max_depth: 128,
                ..JsonLimits::default()
            },
            ..SealerOptions::default()
        };
        let native_with_salt_reuse = SealerOptions {
            salt_reuse_ms: Some(1000),
            ..SealerOptions::default()
        };
        let native_ttl_zero = SealerOptions {
            ttl_ms: Some(0),
            ..SealerOptions::default()
        };
        let cases = [
            (Format::Native, native_ttl_zero.clone()),
            (Format::H3V1, fe26_with_name),
            (Format::Native, native_with_iterations),
            (Format::Iron, fe26_with_ms_skew),
            (Format::Native, too_deep.clone()),
            (Format::H3V2, too_deep),
            (Format::Native, native_with_salt_reuse),
        ];
        for (format, options) in cases {
            let err = Sealer::with_options(ring(), format, options).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidOption, "{format}: {err}");
        }
        // Fe26.2's ttl 0 means "never expires", as in iron.
        assert!(Sealer::with_options(ring(), Format::H3V1, native_ttl_zero).is_ok());
    }

    const NOW: u64 = 1_764_000_000_000;

    /// Every format, with options that matter to the text path (cookie name, ttl).
    fn sealers() -> Vec<Sealer> {
        let native = SealerOptions {
            cookie_name: "session".into(),
            ttl_ms: Some(60_000),
            ..SealerOptions::default()
        };
        let mut sealers = vec![Sealer::with_options(ring(), Format::Native, native).unwrap()];
        for format in [Format::H3V1, Format::IronSession, Format::Iron] {
            sealers.push(Sealer::new(ring(), format).unwrap());
        }
        sealers
    }

    #[test]
    fn text_core_wrote_seals_byte_for_byte_like_its_value() {
        let values = [
            json!({"id": "x", "createdAt": 1_764_000_000_000u64, "data": {"n": -1.5e-7}}),
            json!([1, "two\n\u{1}\"", null, true, {"z": 0.1, "a": 1e21}, u64::MAX, i64::MIN]),
            json!("é 🍪"),
        ];
        // Enough fixed bytes for any format's draw (an Fe26.2 seal draws 80).
        let randomness = [0x5au8; 96];
        for sealer in sealers() {
            for value in &values {
                let text = sealer.write_json(value).unwrap();
                assert_eq!(text.as_str(), json::to_js_string(value));
                crate::rng::fixed_bytes(&randomness);
                let from_value = sealer.seal_at(value, NOW).unwrap();
                crate::rng::clear_fixed_bytes();
                crate::rng::fixed_bytes(&randomness);
                let from_text = sealer.seal_text_at(&text, NOW).unwrap();
                crate::rng::clear_fixed_bytes();
                assert_eq!(from_text, from_value, "{}", sealer.format());
                assert_eq!(&sealer.unseal_at(&from_text, NOW + 1).unwrap().value, value);
            }
        }
    }

    #[test]
    fn text_core_wrote_keeps_the_sealers_limits() {
        let shallow = SealerOptions {
            json: JsonLimits {
                max_depth: 2,
                max_bytes: 16,
            },
            ..SealerOptions::default()
        };
        for format in [Format::Native, Format::H3V1] {
            let sealer = Sealer::with_options(ring(), format, shallow.clone()).unwrap();
            let deep = json!([[[1]]]);
            let err = sealer.write_json(&deep).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidJson, "{err}");
            assert!(err.to_string().contains("deeper than 2 levels"), "{err}");
            // Text written within a deeper limit is checked again by a shallower sealer.
            let loose = JsonText::write(&deep, 10).unwrap();
            let err = sealer.seal_text_at(&loose, NOW).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidJson, "{err}");
            let fits = JsonText::write(&json!([[1]]), 10).unwrap();
            assert!(sealer.seal_text_at(&fits, NOW).is_ok());
            let large = sealer.write_json(&json!(["0123456789abcdef"])).unwrap();
            let err = sealer.seal_text_at(&large, NOW).unwrap_err();
            assert_eq!(err.code(), ErrorCode::TooLarge, "{err}");
        }
    }

    /// A value whose `Serialize` fails part way, as a binding's view of a host object does.
    struct Refuses;

    impl Serialize for Refuses {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            use serde::ser::{Error, SerializeSeq};
            let mut seq = serializer.serialize_seq(None)?;
            seq.serialize_element(&1)?;
            drop(seq);
            Err(S::Error::custom("a value of type Date"))
        }
    }

    #[test]
    fn a_failing_serialize_is_invalid_json_and_text_debug_shows_no_payload() {
        let sealer = Sealer::new(ring(), Format::Native).unwrap();
        let err = sealer.write_json(&Refuses).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidJson);
        assert!(err.to_string().contains("a value of type Date"), "{err}");
        let text = sealer.write_json(&json!({"secret": "hunter2"})).unwrap();
        let shown = format!("{text:?}");
        assert!(
            !shown.contains("hunter2") && shown.contains("bytes: 20"),
            "{shown}"
        );
        assert_eq!(String::from(text), r#"{"secret":"hunter2"}"#);
    }
}
