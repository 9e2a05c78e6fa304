//! Sessions over cookies: load from a `Cookie` header, update, save, clear.
//!
//! A [`SessionManager`] is configured once ([`SessionConfig`]) and shared by every request.
//! [`SessionManager::load_at`] never fails: a missing, damaged, expired or foreign cookie starts
//! a new session and the reason is kept in [`Session::rejection`]. Saving writes `Set-Cookie`
//! lines only when something changed, the token must move to the current key (or off a legacy
//! h3 seal), or an idle refresh is due; [`SessionManager::clear_at`] deletes the cookie and every
//! chunk and makes the session terminal, so a later save in the same request cannot bring it
//! back.
//!
//! Lifetimes: `max_age` is absolute from `createdAt`; `idle_timeout` slides from `lastSeenAt`
//! (moved to now on each save, refreshed on load once half the window has passed, as h3 2.x
//! does). An h3 or iron-session session is expired when `now - createdAt > max_age` or
//! `now - lastSeenAt > idle_timeout`, as h3 checks it; a native or generic-iron session already
//! at `==`, since its token's own expiry is the earlier of the two deadlines.

mod config;
mod envelope;
#[cfg(test)]
mod tests;

pub use config::{DEFAULT_MAX_AGE_S, IRON_SESSION_TTL_S, MAX_LIFETIME_S, SessionConfig};

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::cookie::{
    self, ChunkScheme, ChunkState, CookieOptions, CookieStyle, MAX_COOKIE_HEADER_BYTES,
    chunk_deletion_cookies, chunk_set_cookies, chunk_state, parse_cookie_header, reassemble,
};
use crate::error::{Error, ErrorCode, Result, fail};
use crate::keyring::Keyring;
use crate::sealer::{Format, Sealer};
use crate::text_eq;
use envelope::Envelope;

/// One request's session.
#[derive(Clone, Debug, PartialEq)]
pub struct Session {
    id: String,
    created_at: u64,
    last_seen_at: Option<u64>,
    /// Shared with `saved` until one of them changes, so a load copies no data. A save moves it
    /// into the value it seals and back, copying it only when it is still shared.
    data: Arc<Map<String, Value>>,
    /// Top-level fields of a loaded envelope this library does not know; kept on reseal.
    extra: Map<String, Value>,
    /// The data as last loaded or saved; a save writes only when `data` differs.
    saved: Option<Arc<Map<String, Value>>>,
    is_new: bool,
    touched: bool,
    needs_reseal: bool,
    cleared: bool,
    rejection: Option<Error>,
    /// Chunk cookies the request (or this request's last save) holds, so stale ones are deleted.
    presented: ChunkState,
    /// The request's other cookies, for the `Cookie` header budget.
    other_cookies: Vec<(String, String)>,
}

impl Session {
    /// The session id (`""` for iron-session sessions, whose payload is the data alone).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Creation time, ms since the Unix epoch (0 for iron-session sessions, which seal the
    /// data alone).
    pub fn created_at(&self) -> u64 {
        self.created_at
    }

    /// Last time the session was saved with an idle timeout on, ms since the Unix epoch.
    pub fn last_seen_at(&self) -> Option<u64> {
        self.last_seen_at
    }

    /// The session data.
    pub fn data(&self) -> &Map<String, Value> {
        &self.data
    }

    /// The session data, to change in place; the next save notices the change.
    pub fn data_mut(&mut self) -> &mut Map<String, Value> {
        Arc::make_mut(&mut self.data)
    }

    /// Replaces the session data; the next save notices the change. Cheaper than assigning
    /// through [`Self::data_mut`], which first copies data it shares with the last saved state.
    pub fn set_data(&mut self, data: Map<String, Value>) {
        self.data = Arc::new(data);
    }

    /// Whether no valid session cookie was presented (a fresh session).
    pub fn is_new(&self) -> bool {
        self.is_new
    }

    /// Why a presented cookie was not accepted (expired, bad seal, unknown key, ...).
    pub fn rejection(&self) -> Option<&Error> {
        self.rejection.as_ref()
    }

    /// Whether the presented cookie should be sealed again (old key, legacy h3 seal, idle
    /// refresh due); the next save does it.
    pub fn needs_reseal(&self) -> bool {
        self.needs_reseal
    }

    /// Whether the session was cleared in this request.
    pub fn is_cleared(&self) -> bool {
        self.cleared
    }

    fn fresh(id: String, now_ms: u64) -> Session {
        Session {
            id,
            created_at: now_ms,
            last_seen_at: None,
            data: Arc::default(),
            extra: Map::new(),
            saved: None,
            is_new: true,
            touched: false,
            needs_reseal: false,
            cleared: false,
            rejection: None,
            presented: ChunkState::default(),
            other_cookies: Vec::new(),
        }
    }

    fn is_dirty(&self) -> bool {
        match &self.saved {
            Some(saved) => !Arc::ptr_eq(saved, &self.data) && saved != &self.data,
            None => !self.data.is_empty(),
        }
    }
}

/// Loads, saves and clears sessions for one configuration.
#[derive(Clone, Debug)]
pub struct SessionManager {
    config: SessionConfig,
    sealer: Sealer,
}

impl SessionManager {
    /// A manager sealing with `keyring` under `config`; checks the configuration and the cookie
    /// name and attributes up front, so requests cannot fail on them later.
    pub fn new(keyring: Keyring, config: SessionConfig) -> Result<SessionManager> {
        config.validate()?;
        let mut sealer_options = config.sealer.clone();
        // Session lifetimes decide every token's expiry; a ttl in the sealer options is unused
        // (and a native sealer would refuse a ttl of 0 that means nothing here).
        sealer_options.ttl_ms = None;
        if config.format == Format::Native {
            sealer_options.cookie_name = config.cookie_name.clone();
        }
        if let Some(profile) = config.format.profile() {
            // Refuse now what the first save would refuse (iron-session's numeric ids).
            let iron_options = crate::iron::IronOptions::for_profile(profile);
            crate::iron::seal_id(keyring.current().id(), &iron_options)?;
        }
        let sealer = Sealer::with_options(keyring, config.format, sealer_options)?;
        cookie::set_cookie(&config.cookie_name, "", &config.cookie, config.style)?;
        Ok(SessionManager { config, sealer })
    }

    /// The configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// Loads the session from a `Cookie` header at `now_ms`, or starts a new one.
    pub fn load_at(&self, cookie_header: &str, now_ms: u64) -> Session {
        self.load_request_at(Some(cookie_header), None, now_ms)
    }

    /// Loads the session from a request's `Cookie` header and, when the configuration names a
    /// session header, that header's value (which then wins over the cookie unless it is empty).
    pub fn load_request_at(
        &self,
        cookie_header: Option<&str>,
        session_header: Option<&str>,
        now_ms: u64,
    ) -> Session {
        let (cookies, parse_error) = match cookie_header.map(parse_cookie_header) {
            None => (Vec::new(), None),
            Some(Ok(cookies)) => (cookies, None),
            Some(Err(error)) => (Vec::new(), Some(error)),
        };
        let name = &self.config.cookie_name;
        let scheme = self.config.chunking;
        let presented = chunk_state(&cookies, name, scheme);
        let other_cookies = cookies
            .iter()
            .filter(|(cookie, _)| !is_session_cookie(cookie, name))
            .cloned()
            .collect();
        // As in h3, an empty header is no header: the cookie is read instead.
        let header_token = session_header
            .filter(|token| !token.is_empty() && self.config.session_header.is_some());
        let from_cookie = header_token.is_none();
        let token = match header_token {
            Some(token) => Some(Ok(token.to_owned())),
            None => self.cookie_token(&cookies, presented),
        };
        let mut session = match (parse_error, token) {
            (Some(error), _) => self.rejected(error, now_ms),
            (None, None) => self.new_session(now_ms),
            (None, Some(Err(error))) => self.rejected(error, now_ms),
            (None, Some(Ok(token))) => self.open(&token, from_cookie, now_ms),
        };
        session.presented = presented;
        session.other_cookies = other_cookies;
        session
    }

    /// Merges `patch` into the session data (top-level keys replace, as `Object.assign` does)
    /// and saves: the `Set-Cookie` lines to send.
    pub fn update_at(
        &self,
        session: &mut Session,
        patch: &Map<String, Value>,
        now_ms: u64,
    ) -> Result<Vec<String>> {
        check_not_cleared(session)?;
        for (key, value) in patch {
            session.data_mut().insert(key.clone(), value.clone());
        }
        session.touched = true;
        self.save_at(session, now_ms)
    }

    /// The `Set-Cookie` lines that persist the session, or none when nothing needs writing.
    pub fn save_at(&self, session: &mut Session, now_ms: u64) -> Result<Vec<String>> {
        check_not_cleared(session)?;
        let wanted = session.touched
            || session.is_dirty()
            || session.needs_reseal
            || (session.is_new && self.config.save_new_sessions);
        if !wanted {
            return Ok(Vec::new());
        }
        self.write(session, now_ms)
    }

    /// The token of the session as a save would write it (for h3's session header transport),
    /// without cookie lines.
    pub fn token_at(&self, session: &mut Session, now_ms: u64) -> Result<String> {
        check_not_cleared(session)?;
        keeping_last_seen_on_error(session, |session| self.seal(session, now_ms))
    }

    /// Clears the session: the lines that delete the cookie and every chunk. The session is
    /// terminal afterwards: saving or updating it fails with `SESSION_CLEARED`.
    pub fn clear_at(&self, session: &mut Session, _now_ms: u64) -> Result<Vec<String>> {
        session.cleared = true;
        session.set_data(Map::new());
        session.extra.clear();
        let name = &self.config.cookie_name;
        if self.config.style == CookieStyle::H3V1 {
            // h3 1.x clears with an empty value and no Max-Age; an empty value reads as no session.
            return Ok(vec![cookie::set_cookie(
                name,
                "",
                &self.config.cookie,
                self.config.style,
            )?]);
        }
        let mut options = self.config.cookie.clone();
        options.max_age = None;
        chunk_deletion_cookies(
            name,
            &options,
            self.config.style,
            self.config.chunking,
            session.presented,
        )
    }

    fn cookie_token(
        &self,
        cookies: &[(String, String)],
        presented: ChunkState,
    ) -> Option<Result<String>> {
        let name = &self.config.cookie_name;
        match reassemble(cookies, name, self.config.chunking) {
            Some(token) if token.is_empty() => None,
            Some(token) => Some(Ok(token)),
            None if presented.chunks > 0 => Some(Err(fail(
                ErrorCode::Malformed,
                "the session cookie is chunked and a chunk is missing",
            ))),
            None => None,
        }
    }

    fn new_session(&self, now_ms: u64) -> Session {
        // iron-session seals no createdAt: 0, as for a loaded iron-session session.
        let created_at = if self.config.uses_envelope() {
            now_ms
        } else {
            0
        };
        match self.new_id() {
            Ok(id) => Session::fresh(id, created_at),
            Err(error) => {
                let mut session = Session::fresh(String::new(), created_at);
                session.rejection = Some(error);
                session
            }
        }
    }

    fn rejected(&self, error: Error, now_ms: u64) -> Session {
        let mut session = self.new_session(now_ms);
        session.rejection = Some(error);
        session
    }

    fn new_id(&self) -> Result<String> {
        if !self.config.uses_envelope() {
            return Ok(String::new());
        }
        let bytes: [u8; 16] = crate::rng::array()?;
        Ok(match self.config.format {
            Format::H3V1 | Format::H3V2 => envelope::uuid_v4(bytes),
            _ => crate::b64::encode(&bytes),
        })
    }

    fn open(&self, token: &str, from_cookie: bool, now_ms: u64) -> Session {
        let opened = match self.sealer.unseal_at(token, now_ms) {
            Ok(opened) => opened,
            Err(error) => return self.rejected(error, now_ms),
        };
        let envelope = match Envelope::from_value(opened.value, self.config.uses_envelope()) {
            Ok(envelope) => envelope,
            Err(error) => return self.rejected(error, now_ms),
        };
        if let Err(error) = self.check_lifetime(&envelope, now_ms) {
            return self.rejected(error, now_ms);
        }
        let slide = from_cookie && self.idle_refresh_due(&envelope, now_ms);
        Session {
            needs_reseal: opened.needs_reseal || slide,
            saved: Some(Arc::clone(&envelope.data)),
            is_new: false,
            ..envelope.into_session()
        }
    }

    fn check_lifetime(&self, envelope: &Envelope, now_ms: u64) -> Result<()> {
        if !self.config.uses_envelope() {
            return Ok(());
        }
        // h3 ends a session once *more* than the limit has passed. polyseal's own formats end it
        // at the deadline itself, as their token expiry does: otherwise a session accepted at
        // the deadline could not be saved again (its new token would already have expired).
        let ends_at_deadline = matches!(self.config.format, Format::Native | Format::Iron);
        let expired = |since: u64, limit_s: u64| {
            let age = now_ms.saturating_sub(since);
            let limit = limit_s * 1000;
            age > limit || (ends_at_deadline && age == limit)
        };
        if let Some(max_age) = self.config.max_age_s
            && expired(envelope.created_at, max_age)
        {
            return Err(fail(
                ErrorCode::Expired,
                "the session is older than its max age",
            ));
        }
        if let Some(idle) = self.config.idle_timeout_s
            && expired(envelope.last_active(), idle)
        {
            return Err(fail(
                ErrorCode::Expired,
                "the session was idle longer than its idle timeout",
            ));
        }
        Ok(())
    }

    /// h3 2.x reseals once more than half the idle window has passed since `lastSeenAt`.
    fn idle_refresh_due(&self, envelope: &Envelope, now_ms: u64) -> bool {
        self.config
            .idle_timeout_s
            .is_some_and(|idle| now_ms.saturating_sub(envelope.last_active()) > idle * 500)
    }

    fn write(&self, session: &mut Session, now_ms: u64) -> Result<Vec<String>> {
        let lines =
            keeping_last_seen_on_error(session, |session| self.set_cookie_lines(session, now_ms))?;
        let name = &self.config.cookie_name;
        session.presented = written_state(&lines, name, self.config.chunking);
        session.saved = Some(Arc::clone(&session.data));
        session.is_new = false;
        session.touched = false;
        session.needs_reseal = false;
        Ok(lines)
    }

    /// The session sealed and written as `Set-Cookie` lines, within the header budget.
    fn set_cookie_lines(&self, session: &mut Session, now_ms: u64) -> Result<Vec<String>> {
        let token = self.seal(session, now_ms)?;
        let options = self.cookie_options(session, now_ms);
        let lines = chunk_set_cookies(
            &self.config.cookie_name,
            &token,
            &options,
            self.config.style,
            self.config.chunking,
            self.config.split,
            session.presented,
        )?;
        self.check_header_budget(session, &lines)?;
        Ok(lines)
    }

    /// The session's token; with an idle timeout, stamped `lastSeenAt = now` (see
    /// [`keeping_last_seen_on_error`] for a seal that fails).
    fn seal(&self, session: &mut Session, now_ms: u64) -> Result<String> {
        if self.config.idle_timeout_s.is_some() {
            session.last_seen_at = Some(now_ms);
        }
        let expires_at = self.token_expiry(session, now_ms);
        let envelope = self.config.uses_envelope();
        // The data moves into the value and back, sealed or not: a save copies it only when it
        // is shared (with `saved`, when it did not change).
        let value = Envelope::take(session).into_value(envelope);
        let sealed = self.sealer.seal_until_at(&value, now_ms, expires_at);
        session.data = Arc::new(Envelope::data_of(value, envelope));
        sealed
    }

    /// The token's expiry: what the format's peer writes (h3 1.x `now + maxAge`, h3 2.x
    /// `now + (maxAge || idleTimeout)`, iron-session `now + ttl`), and for polyseal's own
    /// formats the exact session deadline.
    fn token_expiry(&self, session: &Session, now_ms: u64) -> Option<u64> {
        let config = &self.config;
        match config.format {
            Format::H3V1 | Format::IronSession => {
                config.max_age_s.map(|s| now_ms.saturating_add(s * 1000))
            }
            Format::H3V2 => config
                .max_age_s
                .or(config.idle_timeout_s)
                .map(|s| now_ms.saturating_add(s * 1000)),
            Format::Native | Format::Iron => self.session_deadline(session),
        }
    }

    /// The earlier of `createdAt + max_age` and `lastSeenAt + idle_timeout`. Both times come
    /// from an authentic token, but a peer may still have written any number there: the sums
    /// saturate, and a deadline beyond what a token or cookie can carry fails the save.
    fn session_deadline(&self, session: &Session) -> Option<u64> {
        let after = |since: u64, seconds: u64| since.saturating_add(seconds * 1000);
        let absolute = self.config.max_age_s.map(|s| after(session.created_at, s));
        let idle = self
            .config
            .idle_timeout_s
            .map(|s| after(session.last_seen_at.unwrap_or(session.created_at), s));
        match (absolute, idle) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn cookie_options(&self, session: &Session, now_ms: u64) -> CookieOptions {
        let base = self.config.cookie.clone();
        match self.config.style {
            // h3 writes Expires only; iron-session writes Max-Age = ttl - 60 s only.
            CookieStyle::H3V1 | CookieStyle::H3V2 => CookieOptions {
                expires_ms: self.session_deadline(session).or(base.expires_ms),
                ..base
            },
            CookieStyle::IronSession => CookieOptions {
                max_age: Some(iron_session_max_age(self.config.max_age_s)),
                ..base
            },
            CookieStyle::Polyseal => match self.session_deadline(session) {
                Some(deadline) => base.with_expiry(deadline, now_ms),
                None => base,
            },
        }
    }

    /// The `Cookie` header a browser would send back must fit the configured budget and, in any
    /// case, the 64 KiB that [`parse_cookie_header`] reads: a larger one could never be read
    /// back, so the session would be lost on the next request.
    fn check_header_budget(&self, session: &Session, lines: &[String]) -> Result<()> {
        let limit = self
            .config
            .cookie_header_limit
            .map_or(MAX_COOKIE_HEADER_BYTES, |limit| {
                limit.min(MAX_COOKIE_HEADER_BYTES)
            });
        let mut pairs = session.other_cookies.clone();
        for line in lines {
            if let Some((name, value)) = cookie::line_pair(line)
                && !value.is_empty()
            {
                pairs.push((name.to_owned(), value.to_owned()));
            }
        }
        cookie::cookie_header_budget(&pairs, limit).map(|_| ())
    }
}

/// iron-session's cookie Max-Age: `ttl - 60` s (its clock skew), or 2^31 - 1 when ttl is 0.
fn iron_session_max_age(ttl_s: Option<u64>) -> i64 {
    const SKEW_S: u64 = 60;
    match ttl_s {
        None | Some(0) => i64::from(i32::MAX),
        Some(ttl) if ttl > SKEW_S => (ttl - SKEW_S) as i64,
        Some(ttl) => ttl as i64,
    }
}

/// Runs `write` (a save or a token), restoring the session's `lastSeenAt` if it fails: the
/// session moves it only with a cookie or token that carries it.
fn keeping_last_seen_on_error<T>(
    session: &mut Session,
    write: impl FnOnce(&mut Session) -> Result<T>,
) -> Result<T> {
    let last_seen_at = session.last_seen_at;
    write(session).inspect_err(|_| session.last_seen_at = last_seen_at)
}

fn check_not_cleared(session: &Session) -> Result<()> {
    if session.cleared {
        return Err(fail(
            ErrorCode::SessionCleared,
            "the session was cleared in this request; start a new one with load",
        ));
    }
    Ok(())
}

/// Whether `cookie` is the session cookie or one of its chunks.
fn is_session_cookie(cookie: &str, name: &str) -> bool {
    text_eq::same(cookie, name)
        || text_eq::strip_prefix(cookie, name)
            .and_then(|rest| rest.strip_prefix('.'))
            .is_some_and(|index| !index.is_empty() && index.bytes().all(|b| b.is_ascii_digit()))
}

/// What the browser holds after `lines` are applied: live (non-empty) cookies only.
fn written_state(lines: &[String], name: &str, scheme: ChunkScheme) -> ChunkState {
    let live: Vec<(String, String)> = lines
        .iter()
        .filter_map(|line| cookie::line_pair(line))
        .filter(|(_, value)| !value.is_empty())
        .map(|(cookie, value)| (cookie.to_owned(), value.to_owned()))
        .collect();
    chunk_state(&live, name, scheme)
}
