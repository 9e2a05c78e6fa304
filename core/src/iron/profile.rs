//! Profiles and options: which Fe26.2 dialect to speak, and its knobs.

use std::fmt;

use crate::error::{ErrorCode, Result, fail};
use crate::json::JsonLimits;

/// A named set of Fe26.2 defaults matching one JavaScript peer.
///
/// Every binding selects a profile by its [`name`](Profile::name), so the names are stable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Profile {
    /// `h3-v1`: h3 1.x sessions (Nitro 2, Nuxt 3/4, Vinxi): 1 PBKDF2 iteration.
    H3V1,
    /// `h3-v2`: h3 2.x sessions: 8192 iterations, and a legacy 1-iteration cookie is still
    /// accepted (the caller is told to reseal it).
    H3V2,
    /// `iron-session`: iron-session 8: numeric password ids, `~2` suffix, 14-day ttl.
    IronSession,
    /// `iron`: plain @hapi/iron / iron-webcrypto defaults; set every option explicitly.
    Iron,
}

impl Profile {
    /// Every profile, in documentation order.
    pub const ALL: &'static [Profile] = &[
        Profile::H3V1,
        Profile::H3V2,
        Profile::IronSession,
        Profile::Iron,
    ];

    /// The profile called `name` (`"h3-v1"`, `"h3-v2"`, `"iron-session"` or `"iron"`).
    ///
    /// Any other name is an [`ErrorCode::InvalidOption`].
    pub fn from_name(name: &str) -> Result<Profile> {
        Self::ALL
            .iter()
            .copied()
            .find(|profile| profile.name() == name)
            .ok_or_else(|| {
                let known: Vec<&str> = Self::ALL.iter().map(|p| p.name()).collect();
                fail(
                    ErrorCode::InvalidOption,
                    format!(
                        "unknown Fe26.2 profile {:?}; expected one of {}",
                        truncate(name, 32),
                        known.join(", ")
                    ),
                )
            })
    }

    /// The stable name of the profile.
    pub const fn name(self) -> &'static str {
        match self {
            Profile::H3V1 => "h3-v1",
            Profile::H3V2 => "h3-v2",
            Profile::IronSession => "iron-session",
            Profile::Iron => "iron",
        }
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

/// iron's default PBKDF2 iteration count (h3 1.x, iron-session, @hapi/iron).
pub const DEFAULT_ITERATIONS: u32 = 1;
/// h3 2.x's PBKDF2 iteration count.
pub const H3_V2_ITERATIONS: u32 = 8192;
/// Largest iteration count accepted, so a misconfiguration cannot stall every request.
pub const MAX_ITERATIONS: u32 = 10_000_000;
/// iron's default salt size in bits (64 hex characters of salt text).
pub const DEFAULT_SALT_BITS: u32 = 256;
/// Largest salt size accepted, in bits.
pub const MAX_SALT_BITS: u32 = 4096;
/// iron's default allowed clock skew, in seconds.
pub const DEFAULT_TIMESTAMP_SKEW_SEC: u64 = 60;
/// iron-session's default time to live: 14 days, in milliseconds.
pub const IRON_SESSION_TTL_MS: u64 = 14 * 24 * 3600 * 1000;
/// Default longest token accepted or produced, in bytes: the native format's cap (and every
/// `Sealer`'s), so that a payload at the default JSON limit (64 KiB, about 87 KiB once
/// encrypted and base64url-encoded) can be sealed and read back.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = crate::native::DEFAULT_MAX_TOKEN_CHARS;
/// Largest expiry written: JavaScript's `Number.MAX_SAFE_INTEGER`, beyond which peers would
/// print the number in exponent form and corrupt the token.
pub const MAX_EXPIRATION_MS: u64 = (1 << 53) - 1;
/// Longest seal-side salt-reuse window accepted, in milliseconds (one day).
pub const MAX_SALT_REUSE_MS: u64 = 24 * 3600 * 1000;
/// Largest clock skew accepted, in seconds (about 31 years); keeps the arithmetic exact.
pub const MAX_TIMESTAMP_SKEW_SEC: u64 = 1 << 30;

/// Fe26.2 options. Start from [`IronOptions::for_profile`] and adjust fields.
///
/// Every option is checked when a token is sealed or unsealed; a bad value is an
/// [`ErrorCode::InvalidOption`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct IronOptions {
    /// PBKDF2-HMAC-SHA1 iterations for both keys (1 ..= [`MAX_ITERATIONS`]).
    pub iterations: u32,
    /// Random salt size in bits for each password-derived key (1 ..= [`MAX_SALT_BITS`]);
    /// the salt text is the lowercase hex of `ceil(salt_bits / 8)` random bytes.
    pub salt_bits: u32,
    /// Time to live in milliseconds written into sealed tokens; 0 writes no expiry. Unsealing
    /// ignores it: only the token's own expiration counts, as in iron.
    pub ttl_ms: u64,
    /// Tolerated clock skew when checking expiry, in seconds.
    pub timestamp_skew_sec: u64,
    /// Added to `now` when sealing and unsealing (iron's `localtimeOffsetMsec`).
    pub localtime_offset_ms: i64,
    /// iron-session's version suffix: append `~2` when sealing, and ignore everything from the
    /// first `~` when unsealing.
    pub version_suffix: bool,
    /// iron-session's password ids: the sealing id must be a decimal number, and an id-less
    /// password seals as id `1` (iron-session turns a string password into `{1: password}`).
    pub numeric_ids: bool,
    /// h3 2.x's fallback: when the MAC does not verify with `iterations`, try again with this
    /// count; a token accepted this way is reported with `needs_reseal`.
    pub legacy_iterations: Option<u32>,
    /// Longest token accepted or produced, in bytes, checked before any other work.
    pub max_token_bytes: usize,
    /// Limits on the JSON payload.
    pub json_limits: JsonLimits,
    /// Opt-in: seals within this many milliseconds of each other reuse the same two salts (and
    /// so the keys derived from them) with a fresh IV each, instead of running two PBKDF2
    /// derivations per seal. Tokens sealed within one window carry the same salt fields, so an
    /// observer of several cookies can tell they were sealed in the same window. `None` (the
    /// default): fresh salts for every seal, as iron does. 1 ..= [`MAX_SALT_REUSE_MS`];
    /// `docs/FORMAT.md` ("Seal-side salt reuse") has the security argument.
    pub salt_reuse_ms: Option<u64>,
}

impl IronOptions {
    /// Minimum password length in UTF-16 code units. It is fixed: the keyring enforces it for
    /// every password, exactly as iron's `minPasswordlength` default does.
    pub const MIN_PASSWORD_LENGTH: usize = crate::keyring::MIN_PASSWORD_LENGTH;

    /// The defaults of `profile` (see the profile table in `docs/FORMAT.md`).
    pub fn for_profile(profile: Profile) -> IronOptions {
        let base = IronOptions {
            iterations: DEFAULT_ITERATIONS,
            salt_bits: DEFAULT_SALT_BITS,
            ttl_ms: 0,
            timestamp_skew_sec: DEFAULT_TIMESTAMP_SKEW_SEC,
            localtime_offset_ms: 0,
            version_suffix: false,
            numeric_ids: false,
            legacy_iterations: None,
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            json_limits: JsonLimits::default(),
            salt_reuse_ms: None,
        };
        match profile {
            Profile::H3V1 | Profile::Iron => base,
            Profile::H3V2 => IronOptions {
                iterations: H3_V2_ITERATIONS,
                legacy_iterations: Some(DEFAULT_ITERATIONS),
                ..base
            },
            Profile::IronSession => IronOptions {
                ttl_ms: IRON_SESSION_TTL_MS,
                version_suffix: true,
                numeric_ids: true,
                ..base
            },
        }
    }

    /// The options of the profile called `name`.
    pub fn for_profile_name(name: &str) -> Result<IronOptions> {
        Profile::from_name(name).map(IronOptions::for_profile)
    }

    /// Checks every option, naming the first bad one.
    pub fn validate(&self) -> Result<()> {
        check_iterations("iterations", self.iterations)?;
        if let Some(legacy) = self.legacy_iterations {
            check_iterations("legacy_iterations", legacy)?;
        }
        check_range("salt_bits", self.salt_bits.into(), 1, MAX_SALT_BITS.into())?;
        check_range(
            "timestamp_skew_sec",
            self.timestamp_skew_sec,
            0,
            MAX_TIMESTAMP_SKEW_SEC,
        )?;
        check_range("ttl_ms", self.ttl_ms, 0, MAX_EXPIRATION_MS)?;
        check_range("max_token_bytes", self.max_token_bytes as u64, 1, u64::MAX)?;
        if let Some(window) = self.salt_reuse_ms {
            check_range("salt_reuse_ms", window, 1, MAX_SALT_REUSE_MS)?;
        }
        if self.localtime_offset_ms.unsigned_abs() > MAX_EXPIRATION_MS {
            return Err(option_error("localtime_offset_ms", "is out of range"));
        }
        Ok(())
    }
}

impl Default for IronOptions {
    /// The generic `iron` profile.
    fn default() -> Self {
        IronOptions::for_profile(Profile::Iron)
    }
}

fn check_iterations(name: &str, value: u32) -> Result<()> {
    check_range(name, value.into(), 1, MAX_ITERATIONS.into())
}

fn check_range(name: &str, value: u64, min: u64, max: u64) -> Result<()> {
    if value < min || value > max {
        return Err(option_error(
            name,
            &format!("is {value}, expected {min} ..= {max}"),
        ));
    }
    Ok(())
}

fn option_error(name: &str, problem: &str) -> crate::Error {
    fail(
        ErrorCode::InvalidOption,
        format!("the Fe26.2 option {name} {problem}"),
    )
}
