//! One entry point for every format: a [`Sealer`] is a keyring, a [`Format`] and options,
//! configured once and used from any number of threads.
//!
//! The C, Python and Node bindings wrap this type, so format names, option meanings and error
//! codes are the same in every language.

use std::fmt;

use serde_json::Value;

use crate::error::{ErrorCode, Result, fail};
use crate::json::JsonLimits;
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

    /// Whether this is one of the Fe26.2 formats.
    pub fn is_fe26(self) -> bool {
        self != Format::Native
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
    /// `iron-session`'s 14 days).
    pub ttl_ms: Option<u64>,
    /// Cookie name bound into the token (native only; Fe26.2 has no such binding).
    pub cookie_name: String,
    /// Caller context bound into the token (native only).
    pub context: Vec<u8>,
    /// Tolerated clock skew in ms (native: future issued-at; Fe26.2: iron's timestamp skew).
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

/// A keyring, a format and options: seals and unseals tokens.
#[derive(Clone)]
pub struct Sealer {
    keyring: Keyring,
    format: Format,
    options: SealerOptions,
    native: NativeOptions,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("format", &self.format)
            .field("keyring", &self.keyring)
            .field("options", &self.options)
            .finish()
    }
}

impl Sealer {
    /// A sealer with default options.
    pub fn new(keyring: Keyring, format: Format) -> Result<Sealer> {
        Sealer::with_options(keyring, format, SealerOptions::default())
    }

    /// A sealer with explicit options; rejects options that make no sense for the format.
    pub fn with_options(
        keyring: Keyring,
        format: Format,
        options: SealerOptions,
    ) -> Result<Sealer> {
        let native = NativeOptions {
            cookie_name: options.cookie_name.clone(),
            context: options.context.clone(),
            ttl_ms: options.ttl_ms,
            skew_ms: options.skew_ms,
            leeway_ms: 0,
            max_token_chars: options.max_token_chars,
            json: options.json,
        };
        if format.is_fe26() {
            return Err(fail(
                ErrorCode::InvalidOption,
                format!("the {format} format is not available in this build"),
            ));
        }
        Ok(Sealer {
            keyring,
            format,
            options,
            native,
        })
    }

    /// The format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The keyring.
    pub fn keyring(&self) -> &Keyring {
        &self.keyring
    }

    /// The options.
    pub fn options(&self) -> &SealerOptions {
        &self.options
    }

    /// Seals a value at time `now_ms`.
    pub fn seal_at(&self, value: &Value, now_ms: u64) -> Result<String> {
        native::seal_at(value, &self.keyring, &self.native, now_ms)
    }

    /// Seals JSON text at time `now_ms`; the text is validated and sealed byte for byte.
    pub fn seal_json_at(&self, json_text: &str, now_ms: u64) -> Result<String> {
        native::seal_json_at(json_text, &self.keyring, &self.native, now_ms)
    }

    /// Unseals a token at time `now_ms`.
    pub fn unseal_at(&self, token: &str, now_ms: u64) -> Result<Unsealed> {
        let opened = native::unseal_at(token, &self.keyring, &self.native, now_ms)?;
        Ok(Unsealed {
            value: opened.value,
            key_id: opened.key_id,
            issued_at: Some(opened.issued_at),
            expires_at: opened.expires_at,
            needs_reseal: opened.needs_reseal,
        })
    }

    /// Seals with the system clock.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn seal(&self, value: &Value) -> Result<String> {
        self.seal_at(value, crate::clock::now_ms())
    }

    /// Unseals with the system clock.
    #[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
    pub fn unseal(&self, token: &str) -> Result<Unsealed> {
        self.unseal_at(token, crate::clock::now_ms())
    }
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
}
