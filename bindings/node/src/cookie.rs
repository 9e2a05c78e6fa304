//! Cookies, thinly over `polyseal::cookie` (`docs/COOKIES.md`): `Set-Cookie` lines, deletions,
//! `Cookie` header parsing, chunking, reassembly and the `Cookie` header budget.
//!
//! Options objects are read like the Sealer's: a wrongly typed option is `INVALID_ARGUMENT`, an
//! unknown key `INVALID_OPTION`. Styles, schemes, `sameSite` and `priority` travel as names and
//! are looked up by core, so a bad name is core's `INVALID_OPTION`. Every rule on names, values
//! and attributes is core's. Response cookies are always an array of separate `Set-Cookie` lines.

use napi::JsDate;
use napi::bindgen_prelude::*;
use napi_derive::napi;
use polyseal::ErrorCode;
use polyseal::cookie;

use crate::convert::Text;
use crate::error::{Failure, Outcome, guard};
use crate::options::{self, is_nullish, signed, string_arg, string_arg_or, whole};

/// Parsed cookies: `[name, value]` pairs in header order.
type Pairs = Vec<(String, String)>;

/// How a `Set-Cookie` line is written, byte for byte like each peer's.
#[napi(string_enum)]
pub enum CookieStyle {
    /// polyseal's own strict form.
    #[napi(value = "polyseal")]
    Polyseal,
    /// h3 1.x (cookie-es 1).
    #[napi(value = "h3-v1")]
    H3V1,
    /// h3 2.x (cookie-es 3).
    #[napi(value = "h3-v2")]
    H3V2,
    /// iron-session 9 (the `cookie` package).
    #[napi(value = "iron-session")]
    IronSession,
}

/// How a value too large for one cookie is spread over several.
#[napi(string_enum)]
pub enum ChunkScheme {
    /// One cookie only.
    #[napi(value = "none")]
    None,
    /// h3 2.x: `name=__chunked__N` plus `name.1` … `name.N`.
    #[napi(value = "h3")]
    H3,
    /// iron-session 9: `name.0` … `name.3`.
    #[napi(value = "iron-session")]
    IronSession,
}

/// The `SameSite` attribute as written; options accept any letter case.
#[napi(string_enum)]
pub enum SameSite {
    Strict,
    Lax,
    None,
}

/// The `Priority` attribute as written; options accept any letter case.
#[napi(string_enum)]
pub enum Priority {
    Low,
    Medium,
    High,
}

/// The attributes of a `Set-Cookie` line and the style that writes it. Every field is
/// optional; unset means no such attribute (`false` for the flags).
#[napi(object, object_to_js = false)]
pub struct CookieOptions<'env> {
    /// `Max-Age` in whole seconds; never negative (delete a cookie with `deleteCookie`).
    pub max_age: Option<f64>,
    /// `Expires`: a `Date` or ms since the Unix epoch (written to the second).
    #[napi(ts_type = "Date | number")]
    pub expires: Option<Unknown<'env>>,
    /// `Domain`: a host name, optionally with a leading dot.
    #[napi(ts_type = "string")]
    pub domain: Option<Text>,
    /// `Path`: starts with `/`.
    #[napi(ts_type = "string")]
    pub path: Option<Text>,
    /// `Secure`.
    pub secure: Option<bool>,
    /// `HttpOnly`.
    pub http_only: Option<bool>,
    /// `SameSite`, in any letter case.
    #[napi(ts_type = "SameSite | Lowercase<SameSite> | Uppercase<SameSite>")]
    pub same_site: Option<Text>,
    /// `Partitioned` (CHIPS); requires `secure`.
    pub partitioned: Option<bool>,
    /// `Priority`, in any letter case.
    #[napi(ts_type = "Priority | Lowercase<Priority> | Uppercase<Priority>")]
    pub priority: Option<Text>,
    /// Whose form to write (default `"polyseal"`).
    #[napi(ts_type = "CookieStyle")]
    pub style: Option<Text>,
}

/// The attribute keys of `CookieOptions`: everything but `style`. A session manager's `cookie`
/// option takes these only (its style is an option of its own).
pub const ATTRIBUTE_KEYS: &[&str] = &[
    "maxAge",
    "expires",
    "domain",
    "path",
    "secure",
    "httpOnly",
    "sameSite",
    "partitioned",
    "priority",
];

const STYLE_KEYS: &[&str] = &["style"];

/// A style's default session cookie attributes (`cookieDefaults`); spread it into
/// `CookieOptions`.
#[napi(object, object_from_js = false)]
pub struct CookieAttributes {
    /// `Max-Age` in seconds.
    pub max_age: Option<f64>,
    /// `Expires` in ms since the Unix epoch.
    pub expires: Option<f64>,
    /// `Domain`.
    pub domain: Option<String>,
    /// `Path`.
    pub path: Option<String>,
    /// `Secure`.
    pub secure: bool,
    /// `HttpOnly`.
    pub http_only: bool,
    /// `SameSite`.
    #[napi(ts_type = "SameSite")]
    pub same_site: Option<String>,
    /// `Partitioned`.
    pub partitioned: bool,
    /// `Priority`.
    #[napi(ts_type = "Priority")]
    pub priority: Option<String>,
}

/// What a request carried under one cookie name (`chunkState`), passed back as `previous` so a
/// response deletes the chunks it no longer needs.
#[napi(object)]
pub struct ChunkState {
    /// The cookie itself held a non-empty, unchunked value.
    pub whole: bool,
    /// Chunk cookies to account for.
    pub chunks: f64,
}

/// How `chunkSetCookies` spreads a value over cookies.
#[napi(object, object_to_js = false)]
pub struct ChunkOptions {
    /// The chunking scheme.
    #[napi(ts_type = "ChunkScheme")]
    pub scheme: Text,
    /// Spread a value too large for one cookie over chunk cookies (default `true`); without it
    /// an oversized line is `TOO_LARGE`. Ignored by the `"none"` scheme.
    pub split: Option<bool>,
    /// What the request carried (from `chunkState`); default: nothing.
    pub previous: Option<ChunkState>,
}

const CHUNK_KEYS: &[&str] = &["scheme", "split", "previous"];

/// How `chunkDeletionCookies` clears a value.
#[napi(object, object_to_js = false)]
pub struct ChunkDeletionOptions {
    /// The chunking scheme.
    #[napi(ts_type = "ChunkScheme")]
    pub scheme: Text,
    /// What the request carried (from `chunkState`); default: nothing.
    pub previous: Option<ChunkState>,
}

const CHUNK_DELETION_KEYS: &[&str] = &["scheme", "previous"];

/// One `Set-Cookie` line: `setCookie('session', token, { path: '/', secure: true })`.
#[napi(
    catch_unwind,
    ts_args_type = "name: string, value: string, options?: CookieOptions"
)]
pub fn set_cookie(
    env: Env,
    name: Unknown,
    value: Unknown,
    options: Option<Unknown>,
) -> Result<String> {
    guard(&env, || {
        let name = string_arg(&env, &name, "name")?;
        let value = string_arg(&env, &value, "value")?;
        let (attributes, style) =
            cookie_options(&env, options.as_ref(), &[ATTRIBUTE_KEYS, STYLE_KEYS])?;
        Ok(cookie::set_cookie(&name, &value, &attributes, style)?)
    })
}

/// Internal: `setCookie` with its options already read by `lib/set-cookie.js`, which sends only
/// values of the types `CookieOptions` takes (`undefined` for an unset one) and packs the flags
/// (`secure` 1, `httpOnly` 2, `partitioned` 4). The options are checked exactly as `setCookie`
/// checks them, by the same code.
#[napi(
    catch_unwind,
    ts_args_type = "name: string, value: string, maxAge: number | undefined, expires: Date | number | undefined, domain: string | undefined, path: string | undefined, flags: number, sameSite: string | undefined, priority: string | undefined, style: string | undefined"
)]
#[allow(clippy::too_many_arguments)]
pub fn set_cookie_with<'env>(
    env: Env,
    name: Unknown,
    value: Unknown,
    max_age: Option<f64>,
    expires: Option<Unknown<'env>>,
    domain: Option<Text>,
    path: Option<Text>,
    flags: u32,
    same_site: Option<Text>,
    priority: Option<Text>,
    style: Option<Text>,
) -> Result<String> {
    let flag = |bit: u32| Some(flags & bit != 0);
    let options = CookieOptions {
        max_age,
        expires,
        domain,
        path,
        secure: flag(1),
        http_only: flag(2),
        same_site,
        partitioned: flag(4),
        priority,
        style,
    };
    guard(&env, || {
        let name = string_arg(&env, &name, "name")?;
        let value = string_arg(&env, &value, "value")?;
        let (attributes, style) = read_cookie_options(&env, options)?;
        Ok(cookie::set_cookie(&name, &value, &attributes, style)?)
    })
}

/// The line that deletes a cookie: pass the `domain`, `path` (and `partitioned`) it was set with.
#[napi(catch_unwind, ts_args_type = "name: string, options?: CookieOptions")]
pub fn delete_cookie(env: Env, name: Unknown, options: Option<Unknown>) -> Result<String> {
    guard(&env, || {
        let name = string_arg(&env, &name, "name")?;
        let (attributes, style) =
            cookie_options(&env, options.as_ref(), &[ATTRIBUTE_KEYS, STYLE_KEYS])?;
        Ok(cookie::deletion_cookie(&name, &attributes, style)?)
    })
}

/// The `[name, value]` pairs of a `Cookie` header, in order; the first of duplicate names wins.
#[napi(
    catch_unwind,
    ts_args_type = "header: string",
    ts_return_type = "Array<[string, string]>"
)]
pub fn parse_cookie_header(env: Env, header: Unknown) -> Result<Pairs> {
    guard(&env, || {
        // Untrusted input: text with no UTF-8 form is malformed, as in C.
        let header = string_arg_or(&env, &header, "header", ErrorCode::Malformed)?;
        Ok(cookie::parse_cookie_header(&header)?)
    })
}

/// Every `Set-Cookie` line that stores `value` under `name`, stale-chunk deletions included, in
/// the order to send them.
#[napi(
    catch_unwind,
    ts_args_type = "name: string, value: string, options: CookieOptions & ChunkOptions"
)]
pub fn chunk_set_cookies(
    env: Env,
    name: Unknown,
    value: Unknown,
    options: Option<Unknown>,
) -> Result<Vec<String>> {
    guard(&env, || {
        let name = string_arg(&env, &name, "name")?;
        let value = string_arg(&env, &value, "value")?;
        let allowed = &[ATTRIBUTE_KEYS, STYLE_KEYS, CHUNK_KEYS];
        let (attributes, style) = cookie_options(&env, options.as_ref(), allowed)?;
        let chunking: ChunkOptions = required(&env, options.as_ref(), allowed)?;
        let scheme = cookie::ChunkScheme::from_name(&chunking.scheme)?;
        let previous = previous(chunking.previous)?;
        let split = chunking.split.unwrap_or(true);
        Ok(cookie::chunk_set_cookies(
            &name,
            &value,
            &attributes,
            style,
            scheme,
            split,
            previous,
        )?)
    })
}

/// Every `Set-Cookie` line that clears `name` and the chunks `previous` reports.
#[napi(
    catch_unwind,
    ts_args_type = "name: string, options: CookieOptions & ChunkDeletionOptions"
)]
pub fn chunk_deletion_cookies(
    env: Env,
    name: Unknown,
    options: Option<Unknown>,
) -> Result<Vec<String>> {
    guard(&env, || {
        let name = string_arg(&env, &name, "name")?;
        let allowed = &[ATTRIBUTE_KEYS, STYLE_KEYS, CHUNK_DELETION_KEYS];
        let (attributes, style) = cookie_options(&env, options.as_ref(), allowed)?;
        let chunking: ChunkDeletionOptions = required(&env, options.as_ref(), allowed)?;
        let scheme = cookie::ChunkScheme::from_name(&chunking.scheme)?;
        let previous = previous(chunking.previous)?;
        Ok(cookie::chunk_deletion_cookies(
            &name,
            &attributes,
            style,
            scheme,
            previous,
        )?)
    })
}

/// What `cookies` (parsed from the request) carries under `name`: pass it as `previous`.
#[napi(
    catch_unwind,
    ts_args_type = "cookies: ReadonlyArray<readonly [string, string]>, name: string, scheme: ChunkScheme"
)]
pub fn chunk_state(
    env: Env,
    cookies: Unknown,
    name: Unknown,
    scheme: Unknown,
) -> Result<ChunkState> {
    guard(&env, || {
        let (cookies, name, scheme) = lookup_args(&env, &cookies, &name, &scheme)?;
        let state = cookie::chunk_state(&cookies, &name, scheme);
        Ok(ChunkState {
            whole: state.whole,
            chunks: state.chunks as f64,
        })
    })
}

/// The value stored under `name`, its chunks rejoined; `null` means no session.
#[napi(
    catch_unwind,
    ts_args_type = "cookies: ReadonlyArray<readonly [string, string]>, name: string, scheme: ChunkScheme",
    ts_return_type = "string | null"
)]
pub fn reassemble(
    env: Env,
    cookies: Unknown,
    name: Unknown,
    scheme: Unknown,
) -> Result<Option<String>> {
    guard(&env, || {
        let (cookies, name, scheme) = lookup_args(&env, &cookies, &name, &scheme)?;
        Ok(cookie::reassemble(&cookies, &name, scheme))
    })
}

/// The length in bytes of the `Cookie` header a browser would send back with `cookies` (pairs
/// as on the wire); `TOO_LARGE` above `limit` (default 8190).
#[napi(
    catch_unwind,
    ts_args_type = "cookies: ReadonlyArray<readonly [string, string]>, limit?: number"
)]
pub fn cookie_header_budget(env: Env, cookies: Unknown, limit: Option<Unknown>) -> Result<f64> {
    guard(&env, || {
        let cookies = pairs(&env, &cookies, "cookies")?;
        let limit = match limit {
            Some(limit) if !is_nullish(&env, &limit, "limit")? => {
                whole("limit", Some(number(&env, &limit, "limit")?), u64::MAX)?
                    .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX))
            }
            _ => cookie::DEFAULT_COOKIE_HEADER_LIMIT,
        };
        Ok(cookie::cookie_header_budget(&cookies, limit)? as f64)
    })
}

/// An instant as an HTTP date (`Thu, 01 Jan 1970 00:00:00 GMT`), to the second.
#[napi(catch_unwind, ts_args_type = "time: Date | number")]
pub fn imf_fixdate(env: Env, time: Unknown) -> Result<String> {
    guard(&env, || {
        Ok(cookie::imf_fixdate(instant(&env, &time, "time")?)?)
    })
}

/// Whole seconds from `now` until `expires`, rounded down, never negative: the `maxAge` that
/// goes with an `expires`.
#[napi(
    catch_unwind,
    ts_args_type = "expires: Date | number, now: Date | number"
)]
pub fn max_age_until(env: Env, expires: Unknown, now: Unknown) -> Result<f64> {
    guard(&env, || {
        let expires = instant(&env, &expires, "expires")?;
        let now = instant(&env, &now, "now")?;
        Ok(cookie::max_age_until(expires, now) as f64)
    })
}

/// The session cookie attributes a style's peer uses by default.
#[napi(catch_unwind, ts_args_type = "style?: CookieStyle")]
pub fn cookie_defaults(env: Env, style: Option<Unknown>) -> Result<CookieAttributes> {
    guard(&env, || {
        let style = match style {
            Some(style) if !is_nullish(&env, &style, "style")? => {
                cookie::CookieStyle::from_name(&string_arg(&env, &style, "style")?)?
            }
            _ => cookie::CookieStyle::Polyseal,
        };
        let defaults = style.default_options();
        Ok(CookieAttributes {
            max_age: defaults.max_age.map(|seconds| seconds as f64),
            expires: defaults.expires_ms.map(|ms| ms as f64),
            domain: defaults.domain,
            path: defaults.path,
            secure: defaults.secure,
            http_only: defaults.http_only,
            same_site: defaults.same_site.map(|value| value.as_str().to_owned()),
            partitioned: defaults.partitioned,
            priority: defaults.priority.map(|value| value.as_str().to_owned()),
        })
    })
}

/// Reads `CookieOptions` (checking keys against `allowed`) into core's options and style.
fn cookie_options(
    env: &Env,
    value: Option<&Unknown>,
    allowed: &[&[&str]],
) -> Outcome<(cookie::CookieOptions, cookie::CookieStyle)> {
    let Some(options) = options::read::<CookieOptions>(env, value, "options", allowed)? else {
        return Ok((
            cookie::CookieOptions::default(),
            cookie::CookieStyle::Polyseal,
        ));
    };
    read_cookie_options(env, options)
}

/// Core's options and style from `CookieOptions` as read from JavaScript.
fn read_cookie_options(
    env: &Env,
    options: CookieOptions,
) -> Outcome<(cookie::CookieOptions, cookie::CookieStyle)> {
    let style = cookie::CookieStyle::from_name(options.style.as_deref().unwrap_or("polyseal"))?;
    Ok((attributes(env, options)?, style))
}

/// Reads the cookie attributes alone (no `style`), as a session manager's `cookie` option;
/// `None` for `undefined` or `null`.
pub fn cookie_attributes(
    env: &Env,
    value: Option<&Unknown>,
    label: &str,
) -> Outcome<Option<cookie::CookieOptions>> {
    options::read::<CookieOptions>(env, value, label, &[ATTRIBUTE_KEYS])?
        .map(|options| attributes(env, options))
        .transpose()
}

/// Core's attributes from the JavaScript ones; every check on values is core's.
fn attributes(env: &Env, options: CookieOptions) -> Outcome<cookie::CookieOptions> {
    let expires_ms = match &options.expires {
        Some(expires) => Some(instant(env, expires, "expires")?),
        None => None,
    };
    Ok(cookie::CookieOptions {
        max_age: signed("maxAge", options.max_age, "seconds")?,
        expires_ms,
        domain: options.domain.map(|Text(domain)| domain),
        path: options.path.map(|Text(path)| path),
        secure: options.secure.unwrap_or(false),
        http_only: options.http_only.unwrap_or(false),
        same_site: options
            .same_site
            .as_deref()
            .map(cookie::SameSite::from_name)
            .transpose()?,
        partitioned: options.partitioned.unwrap_or(false),
        priority: options
            .priority
            .as_deref()
            .map(cookie::Priority::from_name)
            .transpose()?,
    })
}

/// Reads an options object that must be given (it names the scheme).
fn required<T: FromNapiValue>(
    env: &Env,
    value: Option<&Unknown>,
    allowed: &[&[&str]],
) -> Outcome<T> {
    options::read::<T>(env, value, "options", allowed)?
        .ok_or_else(|| Failure::invalid_argument("options must be an object naming a scheme"))
}

fn previous(state: Option<ChunkState>) -> Outcome<cookie::ChunkState> {
    let Some(state) = state else {
        return Ok(cookie::ChunkState::default());
    };
    let chunks = whole("previous.chunks", Some(state.chunks), usize::MAX as u64)?;
    Ok(cookie::ChunkState {
        whole: state.whole,
        chunks: chunks.unwrap_or_default() as usize,
    })
}

fn lookup_args(
    env: &Env,
    cookies: &Unknown,
    name: &Unknown,
    scheme: &Unknown,
) -> Outcome<(Pairs, String, cookie::ChunkScheme)> {
    let cookies = pairs(env, cookies, "cookies")?;
    let name = string_arg(env, name, "name")?;
    let scheme = cookie::ChunkScheme::from_name(&string_arg(env, scheme, "scheme")?)?;
    Ok((cookies, name, scheme))
}

/// An array of `[name, value]` pairs of strings.
fn pairs(env: &Env, value: &Unknown, label: &str) -> Outcome<Pairs> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, label, e);
    if value.get_type().map_err(fail)? != ValueType::Object || !value.is_array().map_err(fail)? {
        return Err(Failure::invalid_argument(format!(
            "{label} must be an array of [name, value] pairs"
        )));
    }
    // SAFETY: a value of this env, checked to be an array.
    let list = unsafe { Array::from_napi_value(env.raw(), value.raw()) }.map_err(fail)?;
    (0..list.len())
        .map(|index| {
            let what = format!("{label}[{index}]");
            let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, &what, e);
            let pair = list
                .get::<Unknown>(index)
                .map_err(fail)?
                .ok_or_else(|| Failure::invalid_argument(format!("{what} is missing")))?;
            let is_pair = pair.get_type().map_err(fail)? == ValueType::Object
                && pair.is_array().map_err(fail)?;
            // SAFETY: a value of this env, checked to be an array.
            let pair = is_pair
                .then(|| unsafe { Array::from_napi_value(env.raw(), pair.raw()) })
                .transpose()
                .map_err(fail)?
                .filter(|pair| pair.len() == 2)
                .ok_or_else(|| {
                    Failure::invalid_argument(format!("{what} must be a [name, value] pair"))
                })?;
            let part = |at: u32, field: &str| {
                let label = format!("{what}[{at}] ({field})");
                let item = pair
                    .get::<Unknown>(at)
                    .map_err(|e| Failure::from_napi(env, ErrorCode::InvalidArgument, &label, e))?
                    .ok_or_else(|| Failure::invalid_argument(format!("{label} is missing")))?;
                string_arg(env, &item, &label)
            };
            Ok((part(0, "name")?, part(1, "value")?))
        })
        .collect()
}

/// An instant: a `Date` or a whole number of ms since the Unix epoch.
fn instant(env: &Env, value: &Unknown, name: &str) -> Outcome<u64> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, name, e);
    let ms = match value.get_type().map_err(fail)? {
        ValueType::Number => number(env, value, name)?,
        ValueType::Object if value.is_date().map_err(fail)? => {
            // SAFETY: a value of this env, checked to be a Date.
            let date = unsafe { JsDate::from_napi_value(env.raw(), value.raw()) }.map_err(fail)?;
            let ms = date.value_of().map_err(fail)?;
            if ms.is_nan() {
                return Err(Failure::invalid_option(format!(
                    "{name} is an invalid Date"
                )));
            }
            ms
        }
        _ => {
            return Err(Failure::invalid_argument(format!(
                "{name} must be a Date or a number of ms since the Unix epoch"
            )));
        }
    };
    Ok(whole(name, Some(ms), u64::MAX)?.unwrap_or_default())
}

fn number(env: &Env, value: &Unknown, name: &str) -> Outcome<f64> {
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, name, e);
    if value.get_type().map_err(fail)? != ValueType::Number {
        return Err(Failure::invalid_argument(format!(
            "{name} must be a number"
        )));
    }
    // SAFETY: a number value of this env.
    unsafe { f64::from_napi_value(env.raw(), value.raw()) }.map_err(fail)
}
