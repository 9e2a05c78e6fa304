//! `SessionManager` and `Session`: core's session manager (`docs/SESSIONS.md`), thinly.
//!
//! A `Session` keeps core's session in Rust and its data as a plain JavaScript object that the
//! caller changes freely. The session's own JavaScript object holds it (under a symbol, not
//! enumerable), so the two go in one garbage collection: no handle from the addon keeps the
//! data alive until a finalizer runs. Every `save`, `update` and `token` first reads that object
//! back into core (the same conversion `Sealer#seal` uses), so a mutation is picked up by the
//! next save. `update` merges its patch into the object as `Object.assign` does (the caller's
//! values, one read of each property) before core merges and saves. Every decision (what to
//! write, when a session expired, which lines clear it) is core's.
//!
//! `loadAsync`, `updateAsync` and `saveAsync` read their arguments on the JavaScript thread and
//! run core on the libuv thread pool: h3-v2 derives keys with 8192 PBKDF2 iterations. Core's
//! session sits behind a mutex so a pool thread can work on it; a call on the JavaScript thread
//! that needs it while an async call runs waits for that call.

use std::sync::{Arc, Mutex, MutexGuard};

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use polyseal::session::{
    Session as CoreSession, SessionConfig, SessionManager as CoreSessionManager,
};
use polyseal::{ErrorCode, Value};
use serde_json::Map;

use crate::convert;
use crate::cookie;
use crate::error::{Failure, Outcome, error_object, guard, throwable};
use crate::keyring::{self, KeyringInfo, keyring_arg};
use crate::options::{self, is_nullish, whole};
use crate::registry;
use crate::sealer::{PoolJob, PoolTask, caught, missing_job};

/// How a `SessionManager` loads, seals and writes sessions. Every field is optional; unset
/// keeps the format's default (`docs/SESSIONS.md`). Lifetimes are in seconds, `skew` in ms.
#[napi(object, object_to_js = false)]
pub struct SessionOptions<'env> {
    /// The token format (default `"native"`), which also picks the defaults of every other field.
    #[napi(ts_type = "Format")]
    pub format: Option<String>,
    /// The session cookie's name (`session`, `h3` for the h3 formats, `iron-session`).
    pub name: Option<String>,
    /// Absolute lifetime from creation, in seconds; `null` turns it off.
    pub max_age: Option<Either<f64, Null>>,
    /// Sliding idle timeout, in seconds; `null` turns it off (the default).
    pub idle_timeout: Option<Either<f64, Null>>,
    /// The cookie attributes, replacing the format's (spread `cookieDefaults(style)` to extend
    /// them). A session with a lifetime gets its `Expires` (and for the `polyseal` style its
    /// `Max-Age`) from that lifetime on every save.
    #[napi(ts_type = "Omit<CookieOptions, 'style'>")]
    pub cookie: Option<Unknown<'env>>,
    /// Whose form the `Set-Cookie` lines take.
    #[napi(ts_type = "CookieStyle")]
    pub style: Option<String>,
    /// How chunks are named, read, written and deleted.
    #[napi(ts_type = "ChunkScheme")]
    pub chunking: Option<String>,
    /// Spread a session too large for one cookie over chunks (else a save is `TOO_LARGE`).
    pub split: Option<bool>,
    /// A request header whose token wins over the cookie (h3's `x-h3-session`); `null`: off.
    pub session_header: Option<Either<String, Null>>,
    /// Whether saving a new, untouched session writes a cookie (the h3 formats do).
    pub save_new_sessions: Option<bool>,
    /// Most bytes of the `Cookie` header a browser sends back after a save; `null`: unchecked.
    pub cookie_header_limit: Option<Either<f64, Null>>,
    /// PBKDF2 iterations of the Fe26.2 formats; unset keeps the format's.
    pub iterations: Option<f64>,
    /// Tolerated clock skew on token times, in ms.
    pub skew: Option<f64>,
    /// Fe26.2 formats, opt-in: the salt-reuse window in ms, as `SealerOptions.saltReuse`.
    pub salt_reuse: Option<f64>,
}

const SESSION_KEYS: &[&str] = &[
    "format",
    "name",
    "maxAge",
    "idleTimeout",
    "cookie",
    "style",
    "chunking",
    "split",
    "sessionHeader",
    "saveNewSessions",
    "cookieHeaderLimit",
    "iterations",
    "skew",
    "saltReuse",
];

/// Options of `SessionManager#load`.
#[napi(object, object_to_js = false)]
pub struct LoadOptions {
    /// The value of the configured session header, if the request has one.
    pub session_header: Option<Either<String, Null>>,
    /// The time to load at, in ms since the Unix epoch (default: the system clock).
    pub now: Option<f64>,
}

const LOAD_KEYS: &[&str] = &["sessionHeader", "now"];

/// Translates `SessionOptions` into core's configuration.
fn read_config(env: &Env, value: Option<&Unknown>) -> Outcome<SessionConfig> {
    let Some(options) =
        options::read::<SessionOptions>(env, value, "session options", &[SESSION_KEYS])?
    else {
        return Ok(SessionConfig::for_format(polyseal::Format::Native));
    };
    let format = polyseal::Format::from_name(options.format.as_deref().unwrap_or("native"))?;
    let mut config = SessionConfig::for_format(format);
    if let Some(name) = options.name {
        config.cookie_name = name;
    }
    let seconds = |name: &str, given| nullable_whole(name, given, u64::MAX);
    nullable(&mut config.max_age_s, seconds("maxAge", options.max_age)?);
    nullable(
        &mut config.idle_timeout_s,
        seconds("idleTimeout", options.idle_timeout)?,
    );
    if let Some(attributes) =
        cookie::cookie_attributes(env, options.cookie.as_ref(), "session options.cookie")?
    {
        config.cookie = attributes;
    }
    if let Some(style) = options.style {
        config.style = polyseal::cookie::CookieStyle::from_name(&style)?;
    }
    if let Some(chunking) = options.chunking {
        config.chunking = polyseal::cookie::ChunkScheme::from_name(&chunking)?;
    }
    if let Some(split) = options.split {
        config.split = split;
    }
    nullable(
        &mut config.session_header,
        options.session_header.map(text_or_null),
    );
    if let Some(save) = options.save_new_sessions {
        config.save_new_sessions = save;
    }
    let limit = nullable_whole(
        "cookieHeaderLimit",
        options.cookie_header_limit,
        usize::MAX as u64,
    )?;
    nullable(
        &mut config.cookie_header_limit,
        limit.map(|limit| limit.map(|bytes| bytes as usize)),
    );
    if let Some(iterations) = whole("iterations", options.iterations, u32::MAX.into())? {
        config.sealer.iterations = Some(iterations as u32);
    }
    if let Some(skew) = whole("skew", options.skew, u64::MAX)? {
        config.sealer.skew_ms = skew;
    }
    if let Some(window) = whole("saltReuse", options.salt_reuse, u64::MAX)? {
        config.sealer.salt_reuse_ms = Some(window);
    }
    Ok(config)
}

/// Unset (`None`) keeps the default; `Some(None)` (`null`) turns the setting off.
fn nullable<T>(slot: &mut Option<T>, given: Option<Option<T>>) {
    if let Some(given) = given {
        *slot = given;
    }
}

/// A text option that `null` turns off.
fn text_or_null(given: Either<String, Null>) -> Option<String> {
    match given {
        Either::A(text) => Some(text),
        Either::B(Null) => None,
    }
}

/// A whole-number option that `null` turns off.
fn nullable_whole(
    name: &str,
    given: Option<Either<f64, Null>>,
    max: u64,
) -> Outcome<Option<Option<u64>>> {
    Ok(match given {
        None => None,
        Some(Either::B(Null)) => Some(None),
        Some(Either::A(number)) => Some(whole(name, Some(number), max)?),
    })
}

/// What `JSON.stringify(manager)` shows: the format, cookie name and key ids, never secrets.
#[napi(object, object_from_js = false)]
pub struct SessionManagerInfo {
    /// The wire format.
    #[napi(ts_type = "Format")]
    pub format: String,
    /// The session cookie's name.
    pub name: String,
    /// The keyring's ids.
    pub keyring: KeyringInfo,
}

/// Loads, saves and clears sessions for one configuration; build it once and share it.
///
/// ```js
/// const sessions = new SessionManager(keyring, { format: 'h3-v2', maxAge: 3600 })
/// const session = sessions.load(req.headers.cookie)         // never throws on a bad cookie
/// session.data.visits = (session.data.visits ?? 0) + 1
/// res.setHeader('Set-Cookie', sessions.save(session))       // [] when nothing changed
/// ```
#[napi]
pub struct SessionManager {
    inner: Arc<CoreSessionManager>,
    keyring: polyseal::Keyring,
}

#[napi]
impl SessionManager {
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "keyring: Keyring | Secret | ReadonlyArray<KeyringEntry> | Readonly<Record<string, Secret | KeyringEntry>>, options?: SessionOptions"
    )]
    pub fn new(env: Env, keyring: Unknown, options: Option<Unknown>) -> Result<Self> {
        guard(&env, || {
            let keyring = keyring_arg(&env, &keyring, "keyring")?;
            let config = read_config(&env, options.as_ref())?;
            let inner = CoreSessionManager::new(keyring.clone(), config)?;
            Ok(SessionManager {
                inner: Arc::new(inner),
                keyring,
            })
        })
    }

    /// The wire format.
    #[napi(getter, ts_return_type = "Format")]
    pub fn format(&self) -> &'static str {
        self.inner.config().format.name()
    }

    /// The session cookie's name.
    #[napi(getter)]
    pub fn name(&self) -> String {
        self.inner.config().cookie_name.clone()
    }

    /// Loads the session a request presents, or starts a new one. Never throws because of the
    /// cookie: a missing, damaged, expired or foreign one gives a new session whose `rejection`
    /// says why. `cookieHeader` is the request's `Cookie` header (`undefined`/`null`: none).
    #[napi(
        catch_unwind,
        ts_args_type = "cookieHeader?: string | null, options?: LoadOptions",
        ts_return_type = "Session"
    )]
    pub fn load(
        &self,
        env: Env,
        cookie_header: Option<Unknown>,
        options: Option<Unknown>,
    ) -> Result<Lent> {
        guard(&env, || {
            let loaded = self
                .load_job(&env, cookie_header.as_ref(), options.as_ref())?
                .run();
            Session::create(&env, loaded)
        })
    }

    /// `load` on the libuv thread pool.
    #[napi(
        catch_unwind,
        ts_args_type = "cookieHeader?: string | null, options?: LoadOptions",
        ts_return_type = "Promise<Session>"
    )]
    pub fn load_async(
        &self,
        env: Env,
        cookie_header: Option<Unknown>,
        options: Option<Unknown>,
    ) -> AsyncTask<LoadTask> {
        let job = caught(|| self.load_job(&env, cookie_header.as_ref(), options.as_ref()));
        AsyncTask::new(LoadTask(Some(job)))
    }

    /// Merges `patch` into `session.data` (top-level keys replace, as `Object.assign`) and
    /// saves: the `Set-Cookie` lines to send, always at least one.
    #[napi(
        catch_unwind,
        ts_args_type = "session: Session, patch: Record<string, unknown>, options?: CallOptions"
    )]
    pub fn update(
        &self,
        env: Env,
        session: Unknown,
        patch: Unknown,
        options: Option<Unknown>,
    ) -> Result<Vec<String>> {
        guard(&env, || {
            self.write_job(&env, &session, Some(&patch), options.as_ref())?
                .run()
        })
    }

    /// `update` on the libuv thread pool. The patch is merged into `session.data` at once.
    #[napi(
        catch_unwind,
        ts_args_type = "session: Session, patch: Record<string, unknown>, options?: CallOptions",
        ts_return_type = "Promise<string[]>"
    )]
    pub fn update_async(
        &self,
        env: Env,
        session: Unknown,
        patch: Unknown,
        options: Option<Unknown>,
    ) -> AsyncTask<WriteTask> {
        let job = caught(|| self.write_job(&env, &session, Some(&patch), options.as_ref()));
        AsyncTask::new(PoolTask(Some(job)))
    }

    /// The `Set-Cookie` lines that persist the session: `[]` when nothing needs writing (no
    /// change, no reseal due, a new untouched session outside the h3 formats).
    #[napi(catch_unwind, ts_args_type = "session: Session, options?: CallOptions")]
    pub fn save(
        &self,
        env: Env,
        session: Unknown,
        options: Option<Unknown>,
    ) -> Result<Vec<String>> {
        guard(&env, || {
            self.write_job(&env, &session, None, options.as_ref())?
                .run()
        })
    }

    /// `save` on the libuv thread pool.
    #[napi(
        catch_unwind,
        ts_args_type = "session: Session, options?: CallOptions",
        ts_return_type = "Promise<string[]>"
    )]
    pub fn save_async(
        &self,
        env: Env,
        session: Unknown,
        options: Option<Unknown>,
    ) -> AsyncTask<WriteTask> {
        let job = caught(|| self.write_job(&env, &session, None, options.as_ref()));
        AsyncTask::new(PoolTask(Some(job)))
    }

    /// Clears the session: the lines that delete the cookie and every chunk. The session is
    /// terminal afterwards (`SESSION_CLEARED` from `save`, `update` and `token`) and its
    /// `data` is a new empty object.
    #[napi(catch_unwind, ts_args_type = "session: Session, options?: CallOptions")]
    pub fn clear(
        &self,
        env: Env,
        session: Unknown,
        options: Option<Unknown>,
    ) -> Result<Vec<String>> {
        guard(&env, || {
            let now = options::read_call(&env, options.as_ref(), "options")?;
            let instance = session_arg(&env, &session)?;
            let (lines, cleared) = {
                let mut state = lock(&instance.state)?;
                let lines = self.inner.clear_at(&mut state, now.unwrap_or_else(clock));
                (lines, state.is_cleared())
            };
            if cleared {
                let empty = Object::new(&env).map_err(internal)?;
                set_data(&env, session.raw(), empty.raw())?;
            }
            Ok(lines?)
        })
    }

    /// The session's token as a save would seal it, without cookie lines: for a session
    /// header transport (h3's `x-h3-session`).
    #[napi(catch_unwind, ts_args_type = "session: Session, options?: CallOptions")]
    pub fn token(&self, env: Env, session: Unknown, options: Option<Unknown>) -> Result<String> {
        guard(&env, || {
            token_job(&self.inner, &env, &session, options.as_ref(), None)?.run()
        })
    }

    /// `token` on the libuv thread pool: an `h3-v2` token derives two keys with 8192 PBKDF2
    /// iterations each, which must not block the event loop.
    #[napi(
        catch_unwind,
        ts_args_type = "session: Session, options?: CallOptions",
        ts_return_type = "Promise<string>"
    )]
    pub fn token_async(
        &self,
        env: Env,
        session: Unknown,
        options: Option<Unknown>,
    ) -> AsyncTask<TokenTask> {
        let job = caught(|| token_job(&self.inner, &env, &session, options.as_ref(), None));
        AsyncTask::new(PoolTask(Some(job)))
    }

    /// The format, cookie name and key ids: a manager never serializes its secrets.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> SessionManagerInfo {
        SessionManagerInfo {
            format: self.format().to_owned(),
            name: self.name(),
            keyring: keyring::info(&self.keyring),
        }
    }
}

impl SessionManager {
    fn max_depth(&self) -> usize {
        self.inner.config().sealer.json.max_depth
    }

    fn load_job(
        &self,
        env: &Env,
        cookie_header: Option<&Unknown>,
        options: Option<&Unknown>,
    ) -> Outcome<LoadJob> {
        let cookie_header = match cookie_header {
            Some(value) if !is_nullish(env, value, "cookieHeader")? => {
                Some(options::string_arg(env, value, "cookieHeader")?)
            }
            _ => None,
        };
        let options: Option<LoadOptions> = options::read(env, options, "options", &[LOAD_KEYS])?;
        let (session_header, now) = match options {
            Some(options) => (options.session_header.and_then(text_or_null), options.now),
            None => (None, None),
        };
        Ok(LoadJob {
            manager: Arc::clone(&self.inner),
            cookie_header,
            session_header,
            now: whole("now", now, u64::MAX)?,
        })
    }

    /// Reads everything a save or update needs on the JavaScript thread: merges the patch into
    /// `session.data`, then reads `session.data` into core's session.
    fn write_job(
        &self,
        env: &Env,
        session: &Unknown,
        patch: Option<&Unknown>,
        options: Option<&Unknown>,
    ) -> Outcome<WriteJob> {
        write_job(&self.inner, env, session, patch, options, None)
    }
}

/// [`SessionManager::write_job`] for `manager`; with `data_text`, the JSON text
/// `lib/json-text.js` wrote of `session.data` stands for reading the object.
fn write_job(
    manager: &Arc<CoreSessionManager>,
    env: &Env,
    session: &Unknown,
    patch: Option<&Unknown>,
    options: Option<&Unknown>,
    data_text: Option<&Unknown>,
) -> Outcome<WriteJob> {
    let max_depth = manager.config().sealer.json.max_depth;
    let now = options::read_call(env, options, "options")?;
    let instance = session_arg(env, session)?;
    let patch = patch
        .map(|patch| instance.merge(env, session.raw(), patch, max_depth))
        .transpose()?;
    match data_text {
        Some(text) => instance.sync_text(&options::string_arg(env, text, "session.data")?)?,
        None => instance.sync(env, session.raw(), max_depth)?,
    }
    Ok(WriteJob {
        manager: Arc::clone(manager),
        state: Arc::clone(&instance.state),
        patch,
        now,
    })
}

/// Internal: what `lib/json-text.js` needs of a `SessionManager`.
#[napi(object, object_from_js = false)]
pub struct SessionManagerHandle {
    /// The manager, for `sessionSaveJson`, `sessionSaveJsonAsync` and `sessionTokenJson`.
    #[napi(ts_type = "object")]
    pub manager: External<Arc<CoreSessionManager>>,
    /// The deepest nesting of session data the manager seals.
    pub max_depth: u32,
}

/// Internal: `manager`'s core and nesting limit, for `lib/json-text.js`.
#[napi(catch_unwind)]
pub fn session_manager_handle(manager: &SessionManager) -> SessionManagerHandle {
    SessionManagerHandle {
        max_depth: u32::try_from(manager.max_depth()).unwrap_or(u32::MAX),
        manager: External::new(Arc::clone(&manager.inner)),
    }
}

// Internal: `SessionManager#save`, `#saveAsync` and `#token` with `session.data` given as the
// JSON text `lib/json-text.js` wrote of it (the native reader's value, exactly), which core
// parses instead of napi reading the object property by property.

/// Internal: `SessionManager#save` with `session.data` as JSON text.
#[napi(
    catch_unwind,
    ts_args_type = "manager: object, session: Session, data: string, options?: CallOptions"
)]
pub fn session_save_json(
    env: Env,
    manager: &External<Arc<CoreSessionManager>>,
    session: Unknown,
    data: Unknown,
    options: Option<Unknown>,
) -> Result<Vec<String>> {
    guard(&env, || {
        write_job(manager, &env, &session, None, options.as_ref(), Some(&data))?.run()
    })
}

/// Internal: `SessionManager#saveAsync` with `session.data` as JSON text.
#[napi(
    catch_unwind,
    ts_args_type = "manager: object, session: Session, data: string, options?: CallOptions",
    ts_return_type = "Promise<string[]>"
)]
pub fn session_save_json_async(
    env: Env,
    manager: &External<Arc<CoreSessionManager>>,
    session: Unknown,
    data: Unknown,
    options: Option<Unknown>,
) -> AsyncTask<WriteTask> {
    let job = caught(|| write_job(manager, &env, &session, None, options.as_ref(), Some(&data)));
    AsyncTask::new(PoolTask(Some(job)))
}

/// Internal: `SessionManager#token` with `session.data` as JSON text.
#[napi(
    catch_unwind,
    ts_args_type = "manager: object, session: Session, data: string, options?: CallOptions"
)]
pub fn session_token_json(
    env: Env,
    manager: &External<Arc<CoreSessionManager>>,
    session: Unknown,
    data: Unknown,
    options: Option<Unknown>,
) -> Result<String> {
    guard(&env, || {
        token_job(manager, &env, &session, options.as_ref(), Some(&data))?.run()
    })
}

/// Internal: `SessionManager#tokenAsync` with `session.data` as JSON text.
#[napi(
    catch_unwind,
    ts_args_type = "manager: object, session: Session, data: string, options?: CallOptions",
    ts_return_type = "Promise<string>"
)]
pub fn session_token_json_async(
    env: Env,
    manager: &External<Arc<CoreSessionManager>>,
    session: Unknown,
    data: Unknown,
    options: Option<Unknown>,
) -> AsyncTask<TokenTask> {
    let job = caught(|| token_job(manager, &env, &session, options.as_ref(), Some(&data)));
    AsyncTask::new(PoolTask(Some(job)))
}

/// Reads everything `SessionManager#token` needs on the JavaScript thread; with `data_text`,
/// as in [`write_job`].
fn token_job(
    manager: &Arc<CoreSessionManager>,
    env: &Env,
    session: &Unknown,
    options: Option<&Unknown>,
    data_text: Option<&Unknown>,
) -> Outcome<TokenJob> {
    let now = options::read_call(env, options, "options")?;
    let instance = session_arg(env, session)?;
    match data_text {
        Some(text) => instance.sync_text(&options::string_arg(env, text, "session.data")?)?,
        None => instance.sync(env, session.raw(), manager.config().sealer.json.max_depth)?,
    }
    Ok(TokenJob {
        manager: Arc::clone(manager),
        state: Arc::clone(&instance.state),
        now,
    })
}

/// A loaded session: its id, times and state from core, its `data` a plain object to change.
///
/// Sessions come from `SessionManager#load`; they cannot be constructed. `toJSON()` and
/// `util.inspect` show the id and state only, never the data or a token.
#[napi(custom_finalize)]
pub struct Session {
    state: Arc<Mutex<CoreSession>>,
    /// The `PolysealError` of `rejection`, made once at load.
    rejection: Option<ObjectRef<false>>,
}

/// What `JSON.stringify(session)` shows: never the data or a token.
#[napi(object, object_from_js = false, use_nullable = true)]
pub struct SessionInfo {
    /// The session id.
    pub id: String,
    /// Creation time, ms since the Unix epoch.
    pub created_at: f64,
    /// Last save with an idle timeout on, ms since the Unix epoch, or `null`.
    pub last_seen_at: Option<f64>,
    /// No valid session was presented.
    pub is_new: bool,
    /// The code of the rejection, or `null`.
    #[napi(ts_type = "string | null")]
    pub rejection: Option<String>,
    /// The next save reseals the cookie.
    pub needs_reseal: bool,
    /// The session was cleared.
    pub is_cleared: bool,
}

#[napi]
impl Session {
    /// The session id: a UUID v4 for the h3 formats, 22 base64url characters for `native` and
    /// `iron`, `""` for `iron-session` (which seals the data alone).
    #[napi(getter)]
    pub fn id(&self, env: Env) -> Result<String> {
        self.read(&env, |session| session.id().to_owned())
    }

    /// Creation time in ms since the Unix epoch (0 for `iron-session`).
    #[napi(getter)]
    pub fn created_at(&self, env: Env) -> Result<f64> {
        self.read(&env, |session| session.created_at() as f64)
    }

    /// Last time the session was saved with an idle timeout on, in ms, or `null`.
    #[napi(getter)]
    pub fn last_seen_at(&self, env: Env) -> Result<Option<f64>> {
        self.read(&env, |session| session.last_seen_at().map(|ms| ms as f64))
    }

    /// The session data: a plain object to read and change; the next save picks changes up.
    /// Assigning a new plain object replaces it.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn data(&self, env: Env, this: This) -> Result<Lent> {
        guard(&env, || data_of(&env, this.object.raw()).map(Lent))
    }

    #[napi(setter, ts_args_type = "data: Record<string, unknown>")]
    pub fn set_data(&self, env: Env, this: This, data: Unknown) -> Result<()> {
        guard(&env, || {
            let raw = env.raw();
            let fail = |e| Failure::from_napi(&env, ErrorCode::InvalidArgument, "session.data", e);
            let plain = data.get_type().map_err(fail)? == ValueType::Object
                && !data.is_array().map_err(fail)?
                && convert::is_plain_object(raw, data.raw()).map_err(fail)?;
            if !plain {
                return Err(Failure::invalid_argument(
                    "session.data must be a plain object",
                ));
            }
            set_data(&env, this.object.raw(), data.raw())
        })
    }

    /// No valid session cookie (or header) was presented: a fresh session.
    #[napi(getter)]
    pub fn is_new(&self, env: Env) -> Result<bool> {
        self.read(&env, CoreSession::is_new)
    }

    /// Why a presented cookie was not accepted (its `code`: `EXPIRED`, `BAD_SEAL`, ...), or
    /// `null`. It describes this request's cookie and stays set after a save.
    #[napi(getter, ts_return_type = "import('./lib/index').PolysealError | null")]
    pub fn rejection(&self, env: Env) -> Result<Option<Lent>> {
        guard(&env, || {
            self.rejection
                .as_ref()
                .map(|error| Ok(Lent(error.get_value(&env).map_err(internal)?.raw())))
                .transpose()
        })
    }

    /// The next save reseals the cookie even without a change (old key, legacy h3 1.x seal,
    /// idle refresh due).
    #[napi(getter)]
    pub fn needs_reseal(&self, env: Env) -> Result<bool> {
        self.read(&env, CoreSession::needs_reseal)
    }

    /// The session was cleared in this request; saving it is `SESSION_CLEARED`.
    #[napi(getter)]
    pub fn is_cleared(&self, env: Env) -> Result<bool> {
        self.read(&env, CoreSession::is_cleared)
    }

    /// The id and state, without the data: a session never serializes its data or a token.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self, env: Env) -> Result<SessionInfo> {
        self.read(&env, |session| SessionInfo {
            id: session.id().to_owned(),
            created_at: session.created_at() as f64,
            last_seen_at: session.last_seen_at().map(|ms| ms as f64),
            is_new: session.is_new(),
            rejection: session
                .rejection()
                .map(|error| error.code().name().to_owned()),
            needs_reseal: session.needs_reseal(),
            is_cleared: session.is_cleared(),
        })
    }
}

impl ObjectFinalize for Session {
    fn finalize(self, env: Env) -> Result<()> {
        // Only a hint to V8's collector: nothing to do if it cannot be given.
        let _ = env.adjust_external_memory(-SESSION_NATIVE_BYTES);
        if let Some(reference) = self.rejection {
            reference.unref(&env)?;
        }
        Ok(())
    }
}

/// What a loaded `Session` holds outside V8's heap, reported to V8 while it lives: its data (one
/// copy, shared with the last saved state until it changes), id, chunk state and the reference
/// to its rejection. Holding 100,000 loaded sessions of a small payload takes about 2.4 KB of
/// resident memory each (3 KB before a session shared its data with the saved state); the hint
/// stays at the upper figure, so V8 weighs discarded sessions by what they hold. Loading 1.2
/// million sessions of payload A, 1000 per event-loop turn, peaks at 58 MB resident with or
/// without the hint now that the data object lives on the session object; while the addon held
/// it by a reference until the session's finalizer ran, the peak was 115 MB with the hint.
const SESSION_NATIVE_BYTES: i64 = 3 * 1024;

impl Session {
    /// Wraps a core session: its data becomes a plain object, its rejection a `PolysealError`;
    /// returns the new `Session` object.
    fn create(env: &Env, session: CoreSession) -> Outcome<Lent> {
        let raw = env.raw();
        let rejection = session
            .rejection()
            .map(|error| error_object(env, Failure::from(error.clone())))
            .transpose()
            .map_err(internal)?;
        let data = convert::object_via_json(raw, session.data()).map_err(internal)?;
        let session = Session {
            rejection: rejection
                .map(|error| error.create_ref())
                .transpose()
                .map_err(internal)?,
            state: Arc::new(Mutex::new(session)),
        };
        let object = session.into_instance(env).map_err(internal)?.as_object(env);
        define_data(env, object.raw(), data)?;
        // Taken back in `finalize`; a hint only, so a failure changes nothing.
        let _ = env.adjust_external_memory(SESSION_NATIVE_BYTES);
        Ok(Lent(object.raw()))
    }

    fn read<T>(&self, env: &Env, field: impl FnOnce(&CoreSession) -> T) -> Result<T> {
        guard(env, || Ok(field(&*lock(&self.state)?)))
    }

    /// Merges `patch` into `data` as `Object.assign` would (unless the session was cleared:
    /// then core refuses the update and the data stays as it is); returns the patch as JSON.
    fn merge(
        &self,
        env: &Env,
        object: sys::napi_value,
        patch: &Unknown,
        max_depth: usize,
    ) -> Outcome<Map<String, Value>> {
        let entries = convert::entries_from_js(env, patch.raw(), max_depth, "patch")?;
        if !lock(&self.state)?.is_cleared() {
            let data = data_of(env, object)?;
            for entry in &entries {
                convert::define(env.raw(), data, entry.key, entry.item).map_err(|e| {
                    Failure::from_napi(env, ErrorCode::InvalidArgument, "session.data", e)
                })?;
            }
        }
        Ok(entries
            .into_iter()
            .filter_map(|entry| Some((entry.name, entry.json?)))
            .collect())
    }

    /// [`Session::sync`] from the JSON text `lib/json-text.js` wrote of `data`: the value the
    /// native reader would have read, so parsing it gives the same map.
    fn sync_text(&self, text: &str) -> Outcome<()> {
        if lock(&self.state)?.is_cleared() {
            return Ok(());
        }
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) else {
            return Err(Failure::new(
                ErrorCode::Internal,
                "the JSON text of session.data is not an object",
            ));
        };
        lock(&self.state)?.set_data(map);
        Ok(())
    }

    /// Reads `data` of the session's `object` into core's session, so the next core call sees
    /// the caller's changes. A cleared session is left alone: core refuses to write it.
    fn sync(&self, env: &Env, object: sys::napi_value, max_depth: usize) -> Outcome<()> {
        if lock(&self.state)?.is_cleared() {
            return Ok(());
        }
        let data = data_of(env, object)?;
        let Value::Object(map) = convert::from_js(env, data, max_depth, "session.data")? else {
            return Err(Failure::invalid_argument(
                "session.data must be a plain object",
            ));
        };
        lock(&self.state)?.set_data(map);
        Ok(())
    }
}

/// A JavaScript value handed back as it is.
pub struct Lent(sys::napi_value);

impl TypeName for Lent {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Lent {
    unsafe fn to_napi_value(_env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        Ok(value.0)
    }
}

/// A `Session` argument; anything else is `INVALID_ARGUMENT`.
fn session_arg<'env>(env: &'env Env, value: &Unknown) -> Outcome<ClassInstance<'env, Session>> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, "session", e);
    if value.get_type().map_err(fail)? != ValueType::Object
        || !Session::instance_of(env, value).map_err(fail)?
    {
        return Err(Failure::invalid_argument(
            "session must be a Session from SessionManager#load",
        ));
    }
    // SAFETY: a value of this env; napi checks the type tag before unwrapping.
    unsafe { ClassInstance::<Session>::from_napi_value(env.raw(), value.raw()) }.map_err(fail)
}

/// Puts `data` on a new session's `object` under the data key: not enumerable, not
/// configurable, writable (the `data` setter replaces it).
fn define_data(env: &Env, object: sys::napi_value, data: sys::napi_value) -> Outcome<()> {
    let key = registry::session_data_key(env).map_err(internal)?;
    let property = sys::napi_property_descriptor {
        utf8name: std::ptr::null(),
        name: key,
        method: None,
        getter: None,
        setter: None,
        value: data,
        attributes: sys::PropertyAttributes::writable,
        data: std::ptr::null_mut(),
    };
    // SAFETY: `object` and `data` are live values of this env; one descriptor is passed.
    check_status!(unsafe { sys::napi_define_properties(env.raw(), object, 1, &property) })
        .map_err(internal)
}

/// The data object of the session `object`.
fn data_of(env: &Env, object: sys::napi_value) -> Outcome<sys::napi_value> {
    let key = registry::session_data_key(env).map_err(internal)?;
    let mut data = std::ptr::null_mut();
    // SAFETY: `object` and `key` are live values of this env.
    check_status!(unsafe { sys::napi_get_property(env.raw(), object, key, &mut data) })
        .map_err(internal)?;
    Ok(data)
}

/// Replaces the data object of the session `object`.
fn set_data(env: &Env, object: sys::napi_value, data: sys::napi_value) -> Outcome<()> {
    let key = registry::session_data_key(env).map_err(internal)?;
    // SAFETY: `object`, `key` and `data` are live values of this env.
    check_status!(unsafe { sys::napi_set_property(env.raw(), object, key, data) }).map_err(internal)
}

fn lock(state: &Mutex<CoreSession>) -> Outcome<MutexGuard<'_, CoreSession>> {
    state.lock().map_err(|_| {
        Failure::new(
            ErrorCode::Internal,
            "the session is unusable: an earlier call on it failed midway",
        )
    })
}

fn internal(error: napi::Error) -> Failure {
    Failure::new(ErrorCode::Internal, error.reason.clone())
}

fn clock() -> u64 {
    polyseal::clock::now_ms()
}

/// Everything a load needs; runs anywhere.
pub struct LoadJob {
    manager: Arc<CoreSessionManager>,
    cookie_header: Option<String>,
    session_header: Option<String>,
    now: Option<u64>,
}

impl LoadJob {
    fn run(self) -> CoreSession {
        self.manager.load_request_at(
            self.cookie_header.as_deref(),
            self.session_header.as_deref(),
            self.now.unwrap_or_else(clock),
        )
    }
}

/// A load on the libuv thread pool. Holds the argument failure, if any, so that it rejects.
pub struct LoadTask(Option<Outcome<LoadJob>>);

impl Task for LoadTask {
    type Output = Outcome<CoreSession>;
    type JsValue = Lent;

    fn compute(&mut self) -> Result<Self::Output> {
        let job = self.0.take();
        Ok(caught(|| Ok(job.ok_or_else(missing_job)??.run())))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<Lent> {
        output
            .and_then(|session| Session::create(&env, session))
            .map_err(|failure| throwable(&env, failure))
    }
}

/// Everything a save or update needs once the data is read; runs anywhere.
pub struct WriteJob {
    manager: Arc<CoreSessionManager>,
    state: Arc<Mutex<CoreSession>>,
    /// `Some` for an update.
    patch: Option<Map<String, Value>>,
    now: Option<u64>,
}

impl PoolJob for WriteJob {
    type Output = Vec<String>;

    fn run(self) -> Outcome<Vec<String>> {
        let now = self.now.unwrap_or_else(clock);
        let mut session = lock(&self.state)?;
        Ok(match &self.patch {
            Some(patch) => self.manager.update_at(&mut session, patch, now)?,
            None => self.manager.save_at(&mut session, now)?,
        })
    }
}

/// Everything a token needs once the data is read; runs anywhere.
pub struct TokenJob {
    manager: Arc<CoreSessionManager>,
    state: Arc<Mutex<CoreSession>>,
    now: Option<u64>,
}

impl PoolJob for TokenJob {
    type Output = String;

    fn run(self) -> Outcome<String> {
        let now = self.now.unwrap_or_else(clock);
        let mut session = lock(&self.state)?;
        Ok(self.manager.token_at(&mut session, now)?)
    }
}

/// A token on the libuv thread pool.
pub type TokenTask = PoolTask<TokenJob>;

/// A save or update on the libuv thread pool.
pub type WriteTask = PoolTask<WriteJob>;
