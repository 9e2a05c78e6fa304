//! One value over several cookies, in h3's and iron-session's schemes, and the budget of the
//! `Cookie` header a browser sends back.
//!
//! h3 2.x: the cookie `name` holds `__chunked__N` and the parts go to `name.1` … `name.N`
//! (N ≤ 100, at most 4000 encoded characters each). iron-session 9: the parts go to `name.0` …
//! `name.3` and `name` itself is absent; the parts are found by probing from `name.0`.

use std::collections::HashMap;

use super::set_cookie::{
    deletion_cookie, needs_cookie2_encoding, render_line, render_measured_line, set_cookie,
    uri_component_len, within_limit,
};
use super::{CookieOptions, CookieStyle, MAX_SET_COOKIE_BYTES};
use crate::error::{Error, ErrorCode, Result, fail};
use crate::text_eq;

/// h3's `chunkMaxLength`: the most encoded characters in one h3 chunk.
pub const H3_CHUNK_MAX_LENGTH: usize = 4000;
/// h3's largest chunk count (`__chunked__100`).
pub const H3_MAX_CHUNKS: usize = 100;
/// iron-session's fixed chunk count limit (`name.0` … `name.3`).
pub const IRON_SESSION_MAX_CHUNKS: usize = 4;

const H3_MARKER: &str = "__chunked__";

/// How a value too large for one cookie is spread over several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChunkScheme {
    /// One cookie only; chunk cookies are neither written, read nor deleted.
    None,
    /// h3 2.x: `name=__chunked__N` plus `name.1` … `name.N`.
    H3,
    /// iron-session 9: `name.0` … `name.3`, no main cookie.
    IronSession,
}

impl ChunkScheme {
    /// Every scheme.
    pub const ALL: [ChunkScheme; 3] =
        [ChunkScheme::None, ChunkScheme::H3, ChunkScheme::IronSession];

    /// The stable name used by bindings and test vectors.
    pub const fn name(self) -> &'static str {
        match self {
            ChunkScheme::None => "none",
            ChunkScheme::H3 => "h3",
            ChunkScheme::IronSession => "iron-session",
        }
    }

    /// Looks a scheme up by its stable name.
    pub fn from_name(name: &str) -> Result<ChunkScheme> {
        Self::ALL
            .into_iter()
            .find(|s| s.name() == name)
            .ok_or_else(|| {
                fail(
                    ErrorCode::InvalidOption,
                    format!(
                        "unknown chunk scheme {name:?} (expected one of: none, h3, iron-session)"
                    ),
                )
            })
    }
}

/// What a request carried under one cookie name, so that a response can delete what it no
/// longer needs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct ChunkState {
    /// The cookie `name` itself held a non-empty, unchunked value.
    pub whole: bool,
    /// Chunk cookies to account for: h3, the `N` of a valid `__chunked__N`; iron-session, one
    /// more than the highest index of a non-empty `name.0` … `name.3` (0 when none), so after a
    /// gap the missing parts below it are deleted too (iron-session deletes only those present).
    pub chunks: usize,
}

/// Reports the chunk cookies `cookies` (a parsed `Cookie` header) carries for `name`.
pub fn chunk_state(cookies: &[(String, String)], name: &str, scheme: ChunkScheme) -> ChunkState {
    let jar = Jar::new(cookies);
    let main = jar.get(name);
    match scheme {
        ChunkScheme::None => ChunkState::default(),
        ChunkScheme::H3 => match main.map(|value| value.strip_prefix(H3_MARKER)) {
            None => ChunkState::default(),
            Some(None) => ChunkState {
                whole: true,
                chunks: 0,
            },
            Some(Some(count)) => ChunkState {
                whole: false,
                chunks: h3_count(count).unwrap_or(0),
            },
        },
        ChunkScheme::IronSession => ChunkState {
            whole: main.is_some(),
            chunks: (0..IRON_SESSION_MAX_CHUNKS)
                .rev()
                .find(|index| jar.get(&chunk_name(name, *index)).is_some())
                .map_or(0, |index| index + 1),
        },
    }
}

/// Reads the value stored under `name`, rejoining its chunks; `None` means "no session".
///
/// An empty value reads as absent. h3: a `__chunked__N` main cookie needs every `name.1` …
/// `name.N` to be present and non-empty, and `N` must be written as h3 writes it (1–100, no sign,
/// no leading zero, nothing after it). iron-session: a non-empty `name` wins; otherwise the
/// parts run from `name.0` to the first missing one, and a part present after a gap makes the
/// whole read fail.
pub fn reassemble(cookies: &[(String, String)], name: &str, scheme: ChunkScheme) -> Option<String> {
    let jar = Jar::new(cookies);
    let main = jar.get(name);
    match scheme {
        ChunkScheme::None => main.map(str::to_owned),
        ChunkScheme::H3 => {
            let main = main?;
            let Some(count) = main.strip_prefix(H3_MARKER) else {
                return Some(main.to_owned());
            };
            (1..=h3_count(count)?)
                .map(|index| jar.get(&chunk_name(name, index)))
                .collect()
        }
        ChunkScheme::IronSession => {
            if let Some(main) = main {
                return Some(main.to_owned());
            }
            let parts: Vec<Option<&str>> = (0..IRON_SESSION_MAX_CHUNKS)
                .map(|index| jar.get(&chunk_name(name, index)))
                .collect();
            let present = parts.iter().take_while(|part| part.is_some()).count();
            if present == 0 || parts[present..].iter().any(Option::is_some) {
                return None;
            }
            Some(parts.into_iter().flatten().collect())
        }
    }
}

/// The `Set-Cookie` lines that store `value` under `name`, in the order to send them.
///
/// With `split` (ignored for [`ChunkScheme::None`]) a value that does not fit one cookie is
/// spread over chunk cookies:
/// - h3: one cookie when the encoded value has at most 4000 characters and its line at most
///   4096 bytes; otherwise `name=__chunked__N` and `name.1` … `name.N`, each part as long as
///   both limits allow (so 4000 characters unless the attributes are long). Stale parts above
///   the new count are deleted first, as h3 does.
/// - iron-session: one cookie when its line has at most 4096 bytes; otherwise `name.0` …, each
///   line filled to 4096 bytes, at most 4 parts. Then a stale `name` and stale parts are deleted.
///
/// Without `split`, or for [`ChunkScheme::None`], a line over 4096 bytes fails with `TOO_LARGE`;
/// stale chunks of the scheme are still deleted. `previous` comes from [`chunk_state`] on the
/// request; a count above the scheme's limit fails with `INVALID_OPTION`. All checks of
/// [`set_cookie`] apply to every line.
pub fn chunk_set_cookies(
    name: &str,
    value: &str,
    options: &CookieOptions,
    style: CookieStyle,
    scheme: ChunkScheme,
    split: bool,
    previous: ChunkState,
) -> Result<Vec<String>> {
    let writer = Writer {
        name,
        options,
        style,
    };
    check_previous(scheme, previous)?;
    match scheme {
        ChunkScheme::None => Ok(vec![set_cookie(name, value, options, style)?]),
        ChunkScheme::H3 => writer.h3(value, split, previous),
        ChunkScheme::IronSession => writer.iron_session(value, split, previous),
    }
}

/// The `Set-Cookie` lines that delete `name` and every chunk `previous` reports, in the order
/// h3 (`deleteChunkedCookie`) and iron-session (`destroy`) send them.
pub fn chunk_deletion_cookies(
    name: &str,
    options: &CookieOptions,
    style: CookieStyle,
    scheme: ChunkScheme,
    previous: ChunkState,
) -> Result<Vec<String>> {
    check_previous(scheme, previous)?;
    let first = match scheme {
        ChunkScheme::None => return Ok(vec![deletion_cookie(name, options, style)?]),
        ChunkScheme::H3 => 1,
        ChunkScheme::IronSession => 0,
    };
    let mut lines = vec![deletion_cookie(name, options, style)?];
    for index in first..first + previous.chunks {
        lines.push(deletion_cookie(&chunk_name(name, index), options, style)?);
    }
    Ok(lines)
}

/// Measures the `Cookie` header a browser would send back holding `cookies` (`name=value` pairs
/// as they appear on the wire, joined with `"; "`) and returns its length in bytes.
///
/// Fails with `TOO_LARGE`, giving both counts, when it exceeds `limit` (typically
/// [`super::DEFAULT_COOKIE_HEADER_LIMIT`]).
pub fn cookie_header_budget(cookies: &[(String, String)], limit: usize) -> Result<usize> {
    let pairs: usize = cookies
        .iter()
        .map(|(name, value)| name.len() + 1 + value.len())
        .sum();
    let length = pairs + 2 * cookies.len().saturating_sub(1);
    if length > limit {
        return Err(fail(
            ErrorCode::TooLarge,
            format!(
                "the Cookie header a browser would send back is {length} bytes ({} cookies), \
                 the limit is {limit}",
                cookies.len()
            ),
        ));
    }
    Ok(length)
}

/// [`chunk_state`] never reports more chunks than the scheme allows; a larger count is a caller
/// error, refused before it can drive a loop.
fn check_previous(scheme: ChunkScheme, previous: ChunkState) -> Result<()> {
    let limit = match scheme {
        ChunkScheme::None => return Ok(()),
        ChunkScheme::H3 => H3_MAX_CHUNKS,
        ChunkScheme::IronSession => IRON_SESSION_MAX_CHUNKS,
    };
    if previous.chunks > limit {
        return Err(fail(
            ErrorCode::InvalidOption,
            format!(
                "the previous chunk count {} exceeds the {} scheme's limit of {limit}",
                previous.chunks,
                scheme.name()
            ),
        ));
    }
    Ok(())
}

/// First-wins lookup over parsed cookies, with empty values treated as absent.
struct Jar<'a>(HashMap<Name<'a>, &'a str>);

impl<'a> Jar<'a> {
    fn new(cookies: &'a [(String, String)]) -> Jar<'a> {
        let mut map = HashMap::with_capacity(cookies.len());
        for (name, value) in cookies {
            map.entry(Name(name)).or_insert(value.as_str());
        }
        Jar(map)
    }

    fn get(&self, name: &str) -> Option<&'a str> {
        self.0
            .get(&Name(name))
            .copied()
            .filter(|value| !value.is_empty())
    }
}

/// A cookie name as a map key, compared by [`text_eq::same`]: the session's configured name is
/// looked up on every request.
#[derive(Hash)]
struct Name<'a>(&'a str);

impl PartialEq for Name<'_> {
    fn eq(&self, other: &Self) -> bool {
        text_eq::same(self.0, other.0)
    }
}

impl Eq for Name<'_> {}

fn chunk_name(name: &str, index: usize) -> String {
    format!("{name}.{index}")
}

/// The `N` of `__chunked__N` as h3 writes it.
fn h3_count(text: &str) -> Option<usize> {
    let canonical = !text.is_empty()
        && text.len() <= 3
        && text.bytes().all(|b| b.is_ascii_digit())
        && !text.starts_with('0');
    let count: usize = text.parse().ok().filter(|_| canonical)?;
    (count <= H3_MAX_CHUNKS).then_some(count)
}

/// Writes the lines of one cookie name in one style.
struct Writer<'a> {
    name: &'a str,
    options: &'a CookieOptions,
    style: CookieStyle,
}

impl Writer<'_> {
    fn h3(&self, value: &str, split: bool, previous: ChunkState) -> Result<Vec<String>> {
        let (whole, encoded) = render_measured_line(self.name, value, self.options, self.style)?;
        let fits = whole.len() <= MAX_SET_COOKIE_BYTES && encoded <= H3_CHUNK_MAX_LENGTH;
        let pieces = if fits || !split {
            None
        } else {
            Some(self.split(value, 1, H3_CHUNK_MAX_LENGTH)?)
        };
        let kept = pieces.as_ref().map_or(0, Vec::len);
        let mut lines = self.deletions(kept + 1..previous.chunks + 1)?;
        let Some(pieces) = pieces else {
            lines.push(within_limit(self.name, whole)?);
            return Ok(lines);
        };
        if pieces.len() > H3_MAX_CHUNKS {
            return Err(self.too_many(pieces.len(), H3_MAX_CHUNKS));
        }
        lines.push(self.line(self.name, &format!("{H3_MARKER}{}", pieces.len()))?);
        for (offset, piece) in pieces.iter().enumerate() {
            lines.push(self.line(&chunk_name(self.name, offset + 1), piece)?);
        }
        Ok(lines)
    }

    fn iron_session(&self, value: &str, split: bool, previous: ChunkState) -> Result<Vec<String>> {
        let whole = render_line(self.name, value, self.options, self.style)?;
        if whole.len() <= MAX_SET_COOKIE_BYTES || !split {
            let mut lines = vec![within_limit(self.name, whole)?];
            lines.extend(self.deletions(0..previous.chunks)?);
            return Ok(lines);
        }
        let pieces = self.split(value, 0, MAX_SET_COOKIE_BYTES)?;
        if pieces.len() > IRON_SESSION_MAX_CHUNKS {
            return Err(self.too_many(pieces.len(), IRON_SESSION_MAX_CHUNKS));
        }
        let mut lines = Vec::with_capacity(pieces.len() + 1);
        for (index, piece) in pieces.iter().enumerate() {
            lines.push(self.line(&chunk_name(self.name, index), piece)?);
        }
        if previous.whole {
            lines.push(deletion_cookie(self.name, self.options, self.style)?);
        }
        lines.extend(self.deletions(pieces.len()..previous.chunks)?);
        Ok(lines)
    }

    fn line(&self, name: &str, value: &str) -> Result<String> {
        set_cookie(name, value, self.options, self.style)
    }

    fn deletions(&self, indices: std::ops::Range<usize>) -> Result<Vec<String>> {
        indices
            .map(|index| deletion_cookie(&chunk_name(self.name, index), self.options, self.style))
            .collect()
    }

    /// Cuts `value` into the longest pieces whose encoded form fits both `max_encoded` and
    /// the room the chunk's own line leaves under [`MAX_SET_COOKIE_BYTES`].
    fn split<'v>(&self, value: &'v str, first: usize, max_encoded: usize) -> Result<Vec<&'v str>> {
        let mut pieces = Vec::new();
        let mut rest = value;
        while !rest.is_empty() {
            let room = self.room(first + pieces.len())?.min(max_encoded);
            let end = self.longest_prefix(rest, room);
            if end == 0 {
                return Err(fail(
                    ErrorCode::TooLarge,
                    format!(
                        "the name and attributes of cookie {:?} leave {room} bytes per chunk, \
                         too few for one character of the value",
                        self.name
                    ),
                ));
            }
            pieces.push(&rest[..end]);
            rest = &rest[end..];
        }
        Ok(pieces)
    }

    /// Bytes left for the encoded value in the line of chunk `index`.
    fn room(&self, index: usize) -> Result<usize> {
        let chunk = chunk_name(self.name, index);
        let overhead = render_line(&chunk, "", self.options, self.style)?.len();
        MAX_SET_COOKIE_BYTES.checked_sub(overhead).ok_or_else(|| {
            fail(
                ErrorCode::TooLarge,
                format!(
                    "the name and attributes of cookie {chunk:?} alone take {overhead} bytes, \
                     the limit is {MAX_SET_COOKIE_BYTES}"
                ),
            )
        })
    }

    /// The byte length of the longest prefix of `text` whose encoded form fits `room`.
    fn longest_prefix(&self, text: &str, room: usize) -> usize {
        let mut measure = Measure::default();
        let mut end = 0;
        for (at, c) in text.char_indices() {
            let next = measure.add(c);
            if next.encoded_len(self.style) > room {
                break;
            }
            measure = next;
            end = at + c.len_utf8();
        }
        end
    }

    fn too_many(&self, needed: usize, limit: usize) -> Error {
        fail(
            ErrorCode::TooLarge,
            format!(
                "the value of cookie {:?} needs {needed} chunk cookies, the limit is {limit}",
                self.name
            ),
        )
    }
}

/// Running encoded length of a prefix, for each style's value encoding.
#[derive(Clone, Copy, Default)]
struct Measure {
    raw: usize,
    uri: usize,
    needs_cookie2_encoding: bool,
}

impl Measure {
    fn add(self, c: char) -> Measure {
        Measure {
            raw: self.raw + c.len_utf8(),
            uri: self.uri + uri_component_len(c),
            needs_cookie2_encoding: self.needs_cookie2_encoding || needs_cookie2_encoding(c),
        }
    }

    fn encoded_len(self, style: CookieStyle) -> usize {
        match style {
            CookieStyle::Polyseal => self.raw,
            CookieStyle::H3V1 | CookieStyle::H3V2 => self.uri,
            CookieStyle::IronSession if self.needs_cookie2_encoding => self.uri,
            CookieStyle::IronSession => self.raw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jar(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn h3_options() -> CookieOptions {
        CookieStyle::H3V2.default_options()
    }

    fn names(lines: &[String]) -> Vec<&str> {
        lines
            .iter()
            .map(|line| line.split_once('=').unwrap().0)
            .collect()
    }

    fn values(lines: &[String]) -> Vec<&str> {
        lines
            .iter()
            .map(|line| line.split_once('=').unwrap().1.split(';').next().unwrap())
            .collect()
    }

    #[test]
    fn h3_small_value_is_one_cookie() {
        let lines = chunk_set_cookies(
            "h3",
            "token",
            &h3_options(),
            CookieStyle::H3V2,
            ChunkScheme::H3,
            true,
            ChunkState::default(),
        )
        .unwrap();
        assert_eq!(lines, ["h3=token; Path=/; HttpOnly; Secure; SameSite=Lax"]);
    }

    #[test]
    fn h3_splits_at_4000_and_deletes_stale_parts_first() {
        let value = "abcdefghij".repeat(900);
        let previous = ChunkState {
            whole: false,
            chunks: 5,
        };
        let options = h3_options();
        let lines = chunk_set_cookies(
            "h3",
            &value,
            &options,
            CookieStyle::H3V2,
            ChunkScheme::H3,
            true,
            previous,
        )
        .unwrap();
        assert_eq!(
            names(&lines),
            ["h3.4", "h3.5", "h3", "h3.1", "h3.2", "h3.3"]
        );
        assert!(lines[0].starts_with("h3.4=; Max-Age=0; Path=/"));
        let values = values(&lines);
        assert_eq!(values[2], "__chunked__3");
        assert_eq!(
            values[3..].iter().map(|v| v.len()).collect::<Vec<_>>(),
            [4000, 4000, 1000]
        );
        assert_eq!(values[3..].concat(), value);
    }

    #[test]
    fn h3_shrinking_to_one_cookie_deletes_every_part() {
        let previous = ChunkState {
            whole: false,
            chunks: 2,
        };
        let lines = chunk_set_cookies(
            "s",
            "v",
            &h3_options(),
            CookieStyle::H3V2,
            ChunkScheme::H3,
            true,
            previous,
        )
        .unwrap();
        assert_eq!(names(&lines), ["s.1", "s.2", "s"]);
    }

    #[test]
    fn h3_parts_shrink_when_attributes_are_long() {
        let options = CookieOptions {
            domain: Some(format!("{}.example.com", "d".repeat(60))),
            max_age: Some(1_209_600),
            expires_ms: Some(1_764_000_000_000),
            ..h3_options()
        };
        let value = "x".repeat(3990);
        let lines = chunk_set_cookies(
            "s",
            &value,
            &options,
            CookieStyle::H3V2,
            ChunkScheme::H3,
            true,
            ChunkState::default(),
        )
        .unwrap();
        assert_eq!(names(&lines), ["s", "s.1", "s.2"]);
        for line in &lines {
            assert!(line.len() <= MAX_SET_COOKIE_BYTES);
        }
        assert_eq!(lines[1].len(), MAX_SET_COOKIE_BYTES);
        let error = chunk_set_cookies(
            "s",
            &value,
            &options,
            CookieStyle::H3V2,
            ChunkScheme::H3,
            false,
            ChunkState::default(),
        )
        .unwrap_err();
        assert_eq!(error.code(), ErrorCode::TooLarge);
    }

    #[test]
    fn h3_splits_on_characters_and_measures_encoded_length() {
        let value = "é".repeat(1500);
        let lines = chunk_set_cookies(
            "s",
            &value,
            &CookieOptions::default(),
            CookieStyle::H3V1,
            ChunkScheme::H3,
            true,
            ChunkState::default(),
        )
        .unwrap();
        let values = values(&lines);
        assert_eq!(values[0], "__chunked__3");
        // Each "é" is 6 encoded characters, so 666 fit in 4000.
        assert_eq!(values[1].len(), 666 * 6);
        assert_eq!(values[3].len(), (1500 - 666 - 666) * 6);
    }

    #[test]
    fn h3_rejects_more_than_100_parts() {
        let value = "x".repeat(4000 * 100 + 1);
        let error = chunk_set_cookies(
            "s",
            &value,
            &CookieOptions::default(),
            CookieStyle::H3V2,
            ChunkScheme::H3,
            true,
            ChunkState::default(),
        )
        .unwrap_err();
        assert_eq!(error.code(), ErrorCode::TooLarge);
        assert!(
            error
                .message()
                .contains("needs 101 chunk cookies, the limit is 100"),
            "{error}"
        );
    }

    #[test]
    fn iron_session_fills_lines_to_4096_bytes() {
        let options = CookieOptions {
            max_age: Some(1_209_540),
            ..CookieStyle::IronSession.default_options()
        };
        let value = "Fe26.2*1*".to_owned() + &"a".repeat(9000) + "~2";
        let previous = ChunkState {
            whole: true,
            chunks: 4,
        };
        let lines = chunk_set_cookies(
            "s",
            &value,
            &options,
            CookieStyle::IronSession,
            ChunkScheme::IronSession,
            true,
            previous,
        )
        .unwrap();
        assert_eq!(names(&lines), ["s.0", "s.1", "s.2", "s", "s.3"]);
        assert_eq!(lines[0].len(), 4096);
        assert_eq!(lines[1].len(), 4096);
        assert_eq!(values(&lines)[..3].concat(), value);
        let error = chunk_set_cookies(
            "s",
            &value,
            &options,
            CookieStyle::IronSession,
            ChunkScheme::IronSession,
            false,
            previous,
        )
        .unwrap_err();
        assert!(
            error.message().contains("bytes, the limit is 4096"),
            "{error}"
        );
        let too_big = "a".repeat(4 * 4096);
        let error = chunk_set_cookies(
            "s",
            &too_big,
            &options,
            CookieStyle::IronSession,
            ChunkScheme::IronSession,
            true,
            previous,
        )
        .unwrap_err();
        assert!(
            error
                .message()
                .contains("needs 5 chunk cookies, the limit is 4"),
            "{error}"
        );
    }

    #[test]
    fn iron_session_whole_write_deletes_stale_parts() {
        let options = CookieStyle::IronSession.default_options();
        let previous = ChunkState {
            whole: false,
            chunks: 3,
        };
        let lines = chunk_set_cookies(
            "s",
            "tok",
            &options,
            CookieStyle::IronSession,
            ChunkScheme::IronSession,
            true,
            previous,
        )
        .unwrap();
        assert_eq!(names(&lines), ["s", "s.0", "s.1", "s.2"]);
        assert_eq!(
            lines[1],
            "s.0=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
    }

    #[test]
    fn scheme_none_never_splits() {
        let value = "x".repeat(5000);
        let error = chunk_set_cookies(
            "s",
            &value,
            &CookieOptions::default(),
            CookieStyle::Polyseal,
            ChunkScheme::None,
            true,
            ChunkState {
                whole: false,
                chunks: 3,
            },
        )
        .unwrap_err();
        assert_eq!(error.code(), ErrorCode::TooLarge);
    }

    #[test]
    fn deletions_cover_every_reported_part() {
        let options = CookieOptions::secure_defaults();
        let previous = ChunkState {
            whole: false,
            chunks: 2,
        };
        let h3 =
            chunk_deletion_cookies("s", &options, CookieStyle::H3V2, ChunkScheme::H3, previous)
                .unwrap();
        assert_eq!(names(&h3), ["s", "s.1", "s.2"]);
        let iron = chunk_deletion_cookies(
            "s",
            &options,
            CookieStyle::IronSession,
            ChunkScheme::IronSession,
            previous,
        )
        .unwrap();
        assert_eq!(names(&iron), ["s", "s.0", "s.1"]);
        let none = chunk_deletion_cookies(
            "s",
            &options,
            CookieStyle::Polyseal,
            ChunkScheme::None,
            previous,
        )
        .unwrap();
        assert_eq!(names(&none), ["s"]);
    }

    #[test]
    fn h3_reassembly() {
        let cookies = jar(&[
            ("s", "__chunked__2"),
            ("s.1", "ab"),
            ("s.2", "cd"),
            ("s.3", "x"),
        ]);
        assert_eq!(
            reassemble(&cookies, "s", ChunkScheme::H3).as_deref(),
            Some("abcd")
        );
        assert_eq!(
            chunk_state(&cookies, "s", ChunkScheme::H3),
            ChunkState {
                whole: false,
                chunks: 2
            }
        );
        let missing = jar(&[("s", "__chunked__3"), ("s.1", "ab"), ("s.2", "cd")]);
        assert_eq!(reassemble(&missing, "s", ChunkScheme::H3), None);
        let empty_part = jar(&[("s", "__chunked__2"), ("s.1", "ab"), ("s.2", "")]);
        assert_eq!(reassemble(&empty_part, "s", ChunkScheme::H3), None);
        for marker in ["0", "101", "02", "+2", "2x", "", " 2", "-1", "0x2", "1000"] {
            let cookies = jar(&[
                ("s", &format!("__chunked__{marker}")),
                ("s.1", "a"),
                ("s.2", "b"),
            ]);
            assert_eq!(reassemble(&cookies, "s", ChunkScheme::H3), None, "{marker}");
            assert_eq!(
                chunk_state(&cookies, "s", ChunkScheme::H3),
                ChunkState::default()
            );
        }
        let hundred: Vec<(String, String)> = std::iter::once(("s".into(), "__chunked__100".into()))
            .chain((1..=100).map(|i| (format!("s.{i}"), "z".into())))
            .collect();
        assert_eq!(
            reassemble(&hundred, "s", ChunkScheme::H3).map(|v| v.len()),
            Some(100)
        );
        let plain = jar(&[("s", "tok"), ("s.1", "x")]);
        assert_eq!(
            reassemble(&plain, "s", ChunkScheme::H3).as_deref(),
            Some("tok")
        );
        assert_eq!(
            chunk_state(&plain, "s", ChunkScheme::H3),
            ChunkState {
                whole: true,
                chunks: 0
            }
        );
        assert_eq!(reassemble(&jar(&[("s", "")]), "s", ChunkScheme::H3), None);
        assert_eq!(reassemble(&jar(&[]), "s", ChunkScheme::H3), None);
    }

    #[test]
    fn iron_session_reassembly() {
        let chunks = jar(&[("s.1", "cd"), ("s.0", "ab")]);
        assert_eq!(
            reassemble(&chunks, "s", ChunkScheme::IronSession).as_deref(),
            Some("abcd")
        );
        let both = jar(&[("s", "whole"), ("s.0", "ab"), ("s.1", "cd")]);
        assert_eq!(
            reassemble(&both, "s", ChunkScheme::IronSession).as_deref(),
            Some("whole")
        );
        assert_eq!(
            chunk_state(&both, "s", ChunkScheme::IronSession),
            ChunkState {
                whole: true,
                chunks: 2
            }
        );
        let gap = jar(&[("s.0", "ab"), ("s.2", "ef")]);
        assert_eq!(reassemble(&gap, "s", ChunkScheme::IronSession), None);
        assert_eq!(chunk_state(&gap, "s", ChunkScheme::IronSession).chunks, 3);
        let no_first = jar(&[("s.1", "cd")]);
        assert_eq!(reassemble(&no_first, "s", ChunkScheme::IronSession), None);
        let beyond = jar(&[
            ("s.0", "a"),
            ("s.1", "b"),
            ("s.2", "c"),
            ("s.3", "d"),
            ("s.4", "e"),
        ]);
        assert_eq!(
            reassemble(&beyond, "s", ChunkScheme::IronSession).as_deref(),
            Some("abcd")
        );
        assert_eq!(reassemble(&chunks, "s", ChunkScheme::None), None);
        assert_eq!(
            chunk_state(&chunks, "s", ChunkScheme::None),
            ChunkState::default()
        );
    }

    #[test]
    fn duplicate_names_first_wins_in_reassembly() {
        let cookies = jar(&[("s", "first"), ("s", "second")]);
        assert_eq!(
            reassemble(&cookies, "s", ChunkScheme::None).as_deref(),
            Some("first")
        );
    }

    #[test]
    fn previous_counts_beyond_the_scheme_are_refused() {
        let options = CookieOptions::default();
        let style = CookieStyle::H3V2;
        let huge = ChunkState {
            whole: false,
            chunks: usize::MAX,
        };
        for scheme in [ChunkScheme::H3, ChunkScheme::IronSession] {
            let error =
                chunk_set_cookies("s", "v", &options, style, scheme, true, huge).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidOption);
            let error = chunk_deletion_cookies("s", &options, style, scheme, huge).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidOption);
        }
        let at_limit = ChunkState {
            whole: false,
            chunks: H3_MAX_CHUNKS,
        };
        let lines =
            chunk_deletion_cookies("s", &options, style, ChunkScheme::H3, at_limit).unwrap();
        assert_eq!(lines.len(), 101);
        let four = ChunkState {
            whole: true,
            chunks: 5,
        };
        let result = chunk_set_cookies(
            "s",
            "v",
            &options,
            style,
            ChunkScheme::IronSession,
            true,
            four,
        );
        assert_eq!(result.unwrap_err().code(), ErrorCode::InvalidOption);
        let none = chunk_set_cookies("s", "v", &options, style, ChunkScheme::None, true, huge);
        assert_eq!(none.unwrap(), ["s=v; Path=/"]);
    }

    #[test]
    fn header_budget() {
        let cookies = jar(&[("a", "12"), ("bb", "3")]);
        assert_eq!(
            cookie_header_budget(&cookies, 100).unwrap(),
            "a=12; bb=3".len()
        );
        assert_eq!(cookie_header_budget(&cookies, 10).unwrap(), 10);
        let error = cookie_header_budget(&cookies, 9).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TooLarge);
        assert!(
            error
                .message()
                .contains("10 bytes (2 cookies), the limit is 9"),
            "{error}"
        );
        assert_eq!(cookie_header_budget(&[], 0).unwrap(), 0);
    }
}
