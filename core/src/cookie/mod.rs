//! Cookies: `Set-Cookie` lines, `Cookie` header parsing, chunking and size budgets.
//!
//! Everything here is plain text in, plain text out; sealing lives elsewhere. `docs/COOKIES.md`
//! explains the rules (defaults, prefixes, duplicate names, parsing leniency, size limits and the
//! two chunking schemes).
//!
//! A response may carry several cookies: they are always returned as a list of separate
//! `Set-Cookie` lines, one header each, never joined with commas.
//!
//! [`CookieStyle`] selects how a line is written. [`CookieStyle::Polyseal`] is this library's
//! own, strict form; the other styles reproduce, byte for byte, the lines written by h3 1.x
//! (cookie-es 1), h3 2.x (cookie-es 3) and iron-session (the `cookie` package) for the same
//! options, while still applying every check of the strict form.

mod chunk;
mod date;
mod parse;
mod set_cookie;

pub use chunk::{
    ChunkScheme, ChunkState, H3_CHUNK_MAX_LENGTH, H3_MAX_CHUNKS, IRON_SESSION_MAX_CHUNKS,
    chunk_deletion_cookies, chunk_set_cookies, chunk_state, cookie_header_budget, reassemble,
};
pub use date::{MAX_EXPIRES_MS, imf_fixdate};
pub use parse::parse_cookie_header;
pub use set_cookie::{deletion_cookie, set_cookie};

use crate::error::{ErrorCode, Result, fail};

/// Largest `Set-Cookie` line, in bytes, that browsers are guaranteed to store.
pub const MAX_SET_COOKIE_BYTES: usize = 4096;
/// Default limit for the whole `Cookie` header a browser sends back (common proxy limit).
pub const DEFAULT_COOKIE_HEADER_LIMIT: usize = 8190;
/// Largest `Cookie` header [`parse_cookie_header`] reads, in bytes.
pub const MAX_COOKIE_HEADER_BYTES: usize = 64 * 1024;

/// The `SameSite` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SameSite {
    /// `SameSite=Strict`: never sent on cross-site requests.
    Strict,
    /// `SameSite=Lax`: sent on top-level cross-site navigations only.
    Lax,
    /// `SameSite=None`: sent on every request; requires `Secure`.
    None,
}

impl SameSite {
    /// The attribute value as written: `Strict`, `Lax` or `None`.
    pub const fn as_str(self) -> &'static str {
        match self {
            SameSite::Strict => "Strict",
            SameSite::Lax => "Lax",
            SameSite::None => "None",
        }
    }

    /// Parses `strict`, `lax` or `none`, in any letter case.
    pub fn from_name(name: &str) -> Result<SameSite> {
        [SameSite::Strict, SameSite::Lax, SameSite::None]
            .into_iter()
            .find(|value| value.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| unknown_name("SameSite", name, "Strict, Lax, None"))
    }
}

/// The `Priority` attribute (a Chromium extension).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Priority {
    /// `Priority=Low`.
    Low,
    /// `Priority=Medium`.
    Medium,
    /// `Priority=High`.
    High,
}

impl Priority {
    /// The attribute value as written: `Low`, `Medium` or `High`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "Low",
            Priority::Medium => "Medium",
            Priority::High => "High",
        }
    }

    /// Parses `low`, `medium` or `high`, in any letter case.
    pub fn from_name(name: &str) -> Result<Priority> {
        [Priority::Low, Priority::Medium, Priority::High]
            .into_iter()
            .find(|value| value.as_str().eq_ignore_ascii_case(name))
            .ok_or_else(|| unknown_name("Priority", name, "Low, Medium, High"))
    }
}

/// Which peer's `Set-Cookie` form to write: attribute order, value encoding and defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CookieStyle {
    /// polyseal's own form. Values are written as given and must be RFC 6265 cookie-octets; a
    /// `%` is allowed, but [`parse_cookie_header`] percent-decodes values as h3 does, so a value
    /// holding an escape such as `%41` reads back decoded (sealed tokens never hold `%`).
    /// Attribute order: `Max-Age; Expires; Domain; Path; HttpOnly; Secure; SameSite;
    /// Partitioned; Priority`. Deletions carry `Max-Age=0` and an epoch `Expires`.
    Polyseal,
    /// h3 1.x (`setCookie`, cookie-es 1): values percent-encoded with `encodeURIComponent`,
    /// `Path=/` when no path is given; order `Max-Age; Domain; Path; Expires; HttpOnly; Secure;
    /// Priority; SameSite; Partitioned`.
    H3V1,
    /// h3 2.x (`setCookie`, cookie-es 3): as [`CookieStyle::H3V1`] but `Max-Age` is capped at
    /// 400 days and the order is `Max-Age; Domain; Path; Expires; HttpOnly; Secure;
    /// Partitioned; Priority; SameSite`.
    H3V2,
    /// iron-session 9 (the `cookie` 2 package): values percent-encoded only when they hold a
    /// character outside the cookie-octets or a `%`; no default path; order as
    /// [`CookieStyle::H3V2`].
    IronSession,
}

impl CookieStyle {
    /// Every style.
    pub const ALL: [CookieStyle; 4] = [
        CookieStyle::Polyseal,
        CookieStyle::H3V1,
        CookieStyle::H3V2,
        CookieStyle::IronSession,
    ];

    /// The stable name used by bindings and test vectors.
    pub const fn name(self) -> &'static str {
        match self {
            CookieStyle::Polyseal => "polyseal",
            CookieStyle::H3V1 => "h3-v1",
            CookieStyle::H3V2 => "h3-v2",
            CookieStyle::IronSession => "iron-session",
        }
    }

    /// Looks a style up by its stable name.
    pub fn from_name(name: &str) -> Result<CookieStyle> {
        Self::ALL
            .into_iter()
            .find(|style| style.name() == name)
            .ok_or_else(|| {
                unknown_name("cookie style", name, "polyseal, h3-v1, h3-v2, iron-session")
            })
    }

    /// The session cookie options the peer uses by default (before any per-session expiry):
    /// h3 1.x `Path=/; HttpOnly; Secure`; h3 2.x and iron-session add `SameSite=Lax`;
    /// polyseal uses [`CookieOptions::secure_defaults`].
    pub fn default_options(self) -> CookieOptions {
        match self {
            CookieStyle::H3V1 => CookieOptions {
                same_site: None,
                ..CookieOptions::secure_defaults()
            },
            _ => CookieOptions::secure_defaults(),
        }
    }
}

/// The attributes of a `Set-Cookie` line. `Default` is a bare cookie with no attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CookieOptions {
    /// `Max-Age` in seconds. Negative values are rejected with `INVALID_OPTION`: delete a
    /// cookie with [`deletion_cookie`] instead.
    pub max_age: Option<i64>,
    /// `Expires`, in milliseconds since the Unix epoch (written to the second, years up to 9999).
    pub expires_ms: Option<u64>,
    /// `Domain`: a host name (letters, digits, hyphens; an optional leading dot).
    pub domain: Option<String>,
    /// `Path`: must start with `/`.
    pub path: Option<String>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`.
    pub same_site: Option<SameSite>,
    /// `Partitioned` (CHIPS); requires `Secure`.
    pub partitioned: bool,
    /// `Priority`.
    pub priority: Option<Priority>,
}

impl CookieOptions {
    /// `HttpOnly; Secure; SameSite=Lax; Path=/`: the defaults for a session cookie.
    pub fn secure_defaults() -> CookieOptions {
        CookieOptions {
            path: Some("/".to_owned()),
            secure: true,
            http_only: true,
            same_site: Some(SameSite::Lax),
            ..CookieOptions::default()
        }
    }

    /// The secure defaults without `Secure`, for plain-http local development
    /// (`http://localhost`, where some browsers refuse `Secure` cookies). Never use in
    /// production: the cookie would travel over unencrypted connections.
    pub fn insecure_dev() -> CookieOptions {
        CookieOptions {
            secure: false,
            ..CookieOptions::secure_defaults()
        }
    }

    /// Sets `Expires` to `expires_ms` and `Max-Age` to the whole seconds left until then,
    /// as seen at `now_ms` (0 when that instant has passed; never negative).
    pub fn with_expiry(mut self, expires_ms: u64, now_ms: u64) -> CookieOptions {
        self.expires_ms = Some(expires_ms);
        self.max_age = Some(max_age_until(expires_ms, now_ms));
        self
    }
}

/// Whole seconds from `now_ms` until `expires_ms`, rounded down, saturating at 0.
pub fn max_age_until(expires_ms: u64, now_ms: u64) -> i64 {
    i64::try_from(expires_ms.saturating_sub(now_ms) / 1000).unwrap_or(i64::MAX)
}

/// The `name=value` pair a `Set-Cookie` line starts with (`None` without `=`): what the browser
/// will send back.
pub(crate) fn line_pair(line: &str) -> Option<(&str, &str)> {
    crate::scan::split_ascii(line, b';').next()?.split_once('=')
}

fn unknown_name(what: &str, name: &str, known: &str) -> crate::error::Error {
    fail(
        ErrorCode::InvalidOption,
        format!("unknown {what} {name:?} (expected one of: {known})"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for style in CookieStyle::ALL {
            assert_eq!(CookieStyle::from_name(style.name()).unwrap(), style);
        }
        assert_eq!(
            CookieStyle::from_name("H3-V1").unwrap_err().code(),
            ErrorCode::InvalidOption
        );
        assert_eq!(SameSite::from_name("lax").unwrap(), SameSite::Lax);
        assert_eq!(SameSite::from_name("NONE").unwrap(), SameSite::None);
        assert_eq!(
            SameSite::from_name("").unwrap_err().code(),
            ErrorCode::InvalidOption
        );
        assert_eq!(Priority::from_name("High").unwrap(), Priority::High);
        assert_eq!(
            Priority::from_name("urgent").unwrap_err().code(),
            ErrorCode::InvalidOption
        );
    }

    #[test]
    fn defaults() {
        let secure = CookieOptions::secure_defaults();
        assert!(secure.secure && secure.http_only);
        assert_eq!(secure.path.as_deref(), Some("/"));
        assert_eq!(secure.same_site, Some(SameSite::Lax));
        let dev = CookieOptions::insecure_dev();
        assert!(!dev.secure && dev.http_only);
        assert_eq!(CookieStyle::H3V1.default_options().same_site, None);
        assert_eq!(CookieStyle::H3V2.default_options(), secure);
    }

    #[test]
    fn max_age_never_underflows() {
        assert_eq!(max_age_until(10_000, 0), 10);
        assert_eq!(max_age_until(10_999, 0), 10);
        assert_eq!(max_age_until(1_000, 1_000), 0);
        assert_eq!(max_age_until(0, u64::MAX), 0);
        assert_eq!(max_age_until(u64::MAX, 0), (u64::MAX / 1000) as i64);
        let options = CookieOptions::default().with_expiry(5_000, 9_000);
        assert_eq!(
            (options.max_age, options.expires_ms),
            (Some(0), Some(5_000))
        );
    }
}
