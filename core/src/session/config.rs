//! How a [`super::SessionManager`] is configured, and each format's defaults.

use crate::cookie::{ChunkScheme, CookieOptions, CookieStyle, DEFAULT_COOKIE_HEADER_LIMIT};
use crate::error::{ErrorCode, Result, fail};
use crate::sealer::{Format, SealerOptions};

/// iron-session's default lifetime, in seconds (14 days).
pub const IRON_SESSION_TTL_S: u64 = 14 * 24 * 3600;
/// Default absolute lifetime of native and generic-iron sessions, in seconds (14 days).
pub const DEFAULT_MAX_AGE_S: u64 = 14 * 24 * 3600;

/// What a session manager seals and which cookies it writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionConfig {
    /// The token format, which also selects the envelope: every format but `iron-session` seals
    /// `{id, createdAt, data[, lastSeenAt]}`; `iron-session` seals the data object itself.
    pub format: Format,
    /// The session cookie's name.
    pub cookie_name: String,
    /// Absolute lifetime from creation, in seconds (`None`: no absolute limit). For
    /// `iron-session` this is its `ttl`.
    pub max_age_s: Option<u64>,
    /// Sliding idle timeout, in seconds (`None`: off). Each save moves `lastSeenAt` to now.
    pub idle_timeout_s: Option<u64>,
    /// Cookie attributes; `Expires`/`Max-Age` are computed per save and override these.
    pub cookie: CookieOptions,
    /// How `Set-Cookie` lines are written (attribute order, value encoding).
    pub style: CookieStyle,
    /// The chunk naming scheme used to read, write and delete the session cookie.
    pub chunking: ChunkScheme,
    /// Whether a session too large for one cookie is split into chunks (else `TOO_LARGE`).
    pub split: bool,
    /// A request header that carries the token and wins over the cookie (h3's `sessionHeader`);
    /// `None` (the default) reads the cookie only.
    pub session_header: Option<String>,
    /// Whether saving a brand-new session whose data was never touched writes a cookie
    /// (h3 does; by default polyseal does not, so anonymous visitors get no cookie).
    pub save_new_sessions: bool,
    /// Sealer options (iterations, skew, limits...). The cookie name is bound automatically
    /// for the native format.
    pub sealer: SealerOptions,
    /// Budget for the whole `Cookie` header a browser would send back after a save. `None`
    /// leaves it to the peers' behaviour (h3 and iron-session do not check), except that a save
    /// never writes more than the 64 KiB `parse_cookie_header` reads back.
    pub cookie_header_limit: Option<usize>,
}

impl SessionConfig {
    /// The defaults of `format`, reproducing its peer for the h3 and iron-session formats.
    /// The peer profiles leave the `Cookie` header budget unchecked, as their peers do; the
    /// others check it against 8190 bytes.
    ///
    /// | format | cookie | style / chunking | lifetime |
    /// |---|---|---|---|
    /// | `native` | `session`, secure defaults | polyseal / none | 14 days |
    /// | `h3-v1` | `h3`, `Path=/; HttpOnly; Secure` | h3-v1 / none | none (h3 default) |
    /// | `h3-v2` | `h3`, adds `SameSite=Lax` | h3-v2 / h3 chunks | none (h3 default) |
    /// | `iron-session` | `iron-session`, secure defaults | iron-session / iron-session (no split) | 14 days |
    /// | `iron` | `session`, secure defaults | polyseal / none | 14 days |
    pub fn for_format(format: Format) -> SessionConfig {
        let base = SessionConfig {
            format,
            cookie_name: "session".to_owned(),
            max_age_s: Some(DEFAULT_MAX_AGE_S),
            idle_timeout_s: None,
            cookie: CookieOptions::secure_defaults(),
            style: CookieStyle::Polyseal,
            chunking: ChunkScheme::None,
            split: false,
            session_header: None,
            save_new_sessions: false,
            sealer: SealerOptions::default(),
            cookie_header_limit: Some(DEFAULT_COOKIE_HEADER_LIMIT),
        };
        match format {
            Format::Native | Format::Iron => base,
            Format::H3V1 | Format::H3V2 => {
                let style = if format == Format::H3V1 {
                    CookieStyle::H3V1
                } else {
                    CookieStyle::H3V2
                };
                let chunked = format == Format::H3V2;
                SessionConfig {
                    cookie_name: "h3".to_owned(),
                    max_age_s: None,
                    cookie: style.default_options(),
                    style,
                    chunking: if chunked {
                        ChunkScheme::H3
                    } else {
                        ChunkScheme::None
                    },
                    split: chunked,
                    save_new_sessions: true,
                    cookie_header_limit: None,
                    ..base
                }
            }
            Format::IronSession => SessionConfig {
                cookie_name: "iron-session".to_owned(),
                max_age_s: Some(IRON_SESSION_TTL_S),
                style: CookieStyle::IronSession,
                cookie: CookieStyle::IronSession.default_options(),
                chunking: ChunkScheme::IronSession,
                cookie_header_limit: None,
                ..base
            },
        }
    }

    /// The defaults of the format called `name`, with a cookie name.
    pub fn named(format: &str, cookie_name: &str) -> Result<SessionConfig> {
        let mut config = SessionConfig::for_format(Format::from_name(format)?);
        config.cookie_name = cookie_name.to_owned();
        Ok(config)
    }

    /// Rejects settings that cannot work together.
    pub(crate) fn validate(&self) -> Result<()> {
        for (name, value) in [
            ("max_age", self.max_age_s),
            ("idle_timeout", self.idle_timeout_s),
        ] {
            if value == Some(0) {
                return Err(fail(
                    ErrorCode::InvalidOption,
                    format!("{name} must be positive; omit it to turn it off"),
                ));
            }
            if value.is_some_and(|seconds| seconds > MAX_LIFETIME_S) {
                return Err(fail(
                    ErrorCode::InvalidOption,
                    format!("{name} is longer than {MAX_LIFETIME_S} seconds"),
                ));
            }
        }
        if self.format == Format::IronSession && self.idle_timeout_s.is_some() {
            return Err(fail(
                ErrorCode::InvalidOption,
                "iron-session sessions carry no lastSeenAt: idle_timeout is not available",
            ));
        }
        if self.split && self.chunking == ChunkScheme::None {
            return Err(fail(
                ErrorCode::InvalidOption,
                "split needs a chunking scheme (h3 or iron-session)",
            ));
        }
        Ok(())
    }

    /// Whether the sealed object is the `{id, createdAt, data}` envelope (all but iron-session).
    pub(crate) fn uses_envelope(&self) -> bool {
        self.format != Format::IronSession
    }
}

/// Longest configurable lifetime: 400 days, the most any browser keeps a cookie.
pub const MAX_LIFETIME_S: u64 = 400 * 24 * 3600;
