//! `Set-Cookie` lines: name and value validation, attributes, prefix rules, deletions.

use std::fmt::Write;

use super::date::imf_fixdate;
use super::{CookieOptions, CookieStyle, MAX_SET_COOKIE_BYTES, Priority, SameSite};
use crate::error::{Error, ErrorCode, Result, fail};
use crate::scan::next_refused;

/// Bytes reserved for the attributes when a line is built: all of them but `Domain` and a
/// longer `Path` take 129 at most.
const ATTRIBUTE_ROOM: usize = 160;

/// cookie-es 3 (h3 2.x) caps `Max-Age` at 400 days, the longest lifetime browsers honour.
const H3V2_MAX_AGE_LIMIT: i64 = 34_560_000;

/// Builds one `Set-Cookie` header value (without the `Set-Cookie:` name).
///
/// Fails with `INVALID_COOKIE` when the name is not an RFC 6265 token, the value is not made of
/// cookie-octets ([`CookieStyle::Polyseal`] only; the other styles percent-encode it), an
/// attribute is malformed, or a prefix rule is broken (`__Host-` needs `Secure`, `Path=/` and no
/// `Domain`; `__Secure-` needs `Secure`; `SameSite=None` and `Partitioned` need `Secure`).
/// Fails with `INVALID_OPTION` for a negative `Max-Age` or an `Expires` after the year 9999, and
/// with `TOO_LARGE` when the line exceeds [`MAX_SET_COOKIE_BYTES`].
pub fn set_cookie(
    name: &str,
    value: &str,
    options: &CookieOptions,
    style: CookieStyle,
) -> Result<String> {
    within_limit(name, render_line(name, value, options, style)?)
}

/// `line`, the rendered line of cookie `name`, unless it is longer than
/// [`MAX_SET_COOKIE_BYTES`] (`TOO_LARGE`).
pub(super) fn within_limit(name: &str, line: String) -> Result<String> {
    if line.len() > MAX_SET_COOKIE_BYTES {
        return Err(fail(
            ErrorCode::TooLarge,
            format!(
                "the Set-Cookie line for cookie {name:?} is {} bytes, the limit is {MAX_SET_COOKIE_BYTES}",
                line.len()
            ),
        ));
    }
    Ok(line)
}

/// Builds a `Set-Cookie` line that deletes the cookie `name`.
///
/// Pass the options the cookie was set with: a deletion only reaches the cookie with the same
/// name, `Domain` and `Path` (and `Partitioned`), and prefix rules apply to it too. The value is
/// empty and `Max-Age=0`; [`CookieStyle::Polyseal`] also writes an epoch `Expires` for clients
/// that ignore `Max-Age`. The peer styles keep the given `Expires`, exactly as their
/// `deleteCookie` does (`Max-Age` wins over it in every browser).
pub fn deletion_cookie(name: &str, options: &CookieOptions, style: CookieStyle) -> Result<String> {
    let mut options = options.clone();
    options.max_age = Some(0);
    if style == CookieStyle::Polyseal {
        options.expires_ms = Some(0);
    }
    set_cookie(name, "", &options, style)
}

/// The validated line, whatever its size (the chunker measures it before deciding).
pub(super) fn render_line(
    name: &str,
    value: &str,
    options: &CookieOptions,
    style: CookieStyle,
) -> Result<String> {
    render_measured_line(name, value, options, style).map(|(line, _)| line)
}

/// [`render_line`], and the length of the value as the line spells it (encoded).
pub(super) fn render_measured_line(
    name: &str,
    value: &str,
    options: &CookieOptions,
    style: CookieStyle,
) -> Result<(String, usize)> {
    check_name(name)?;
    // Sized for the attributes a session cookie carries, so that appending them does not
    // reallocate a line that holds a whole token.
    let mut line = String::with_capacity(name.len() + 1 + value.len() + ATTRIBUTE_ROOM);
    line.push_str(name);
    line.push('=');
    write_value(name, value, style, &mut line)?;
    let value_len = line.len() - name.len() - 1;
    let attributes = Attributes::resolve(options, style)?;
    check_prefix_rules(name, &attributes)?;
    for attribute in attribute_order(style) {
        attributes.write(*attribute, &mut line);
    }
    Ok((line, value_len))
}

/// Appends the value as the style writes it on the wire.
fn write_value(name: &str, value: &str, style: CookieStyle, line: &mut String) -> Result<()> {
    match style {
        CookieStyle::Polyseal => {
            check_value(name, value)?;
            line.push_str(value);
        }
        CookieStyle::H3V1 | CookieStyle::H3V2 => encode_uri_component_into(value, line),
        CookieStyle::IronSession if cookie2_encodes(value) => {
            encode_uri_component_into(value, line);
        }
        CookieStyle::IronSession => line.push_str(value),
    }
    Ok(())
}

/// Appends JavaScript's `encodeURIComponent` of `text` to `out`: everything but
/// `A-Z a-z 0-9 - _ . ! ~ * ' ( )` becomes `%XX` (upper-case hex) per UTF-8 byte.
///
/// Works on bytes: every byte of a non-ASCII character is escaped, as is every reserved ASCII
/// byte, and runs of unreserved ones are copied whole (a token is one such run).
fn encode_uri_component_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let bytes = text.as_bytes();
    // Where the current run of unreserved (so ASCII, so character-starting) bytes began.
    let mut run = 0;
    while let Some(at) = next_refused(bytes, run, is_uri_unreserved_byte) {
        if run < at {
            out.push_str(&text[run..at]);
        }
        let byte = bytes[at];
        out.push('%');
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        run = at + 1;
    }
    if run < text.len() {
        out.push_str(&text[run..]);
    }
}

/// The length `encodeURIComponent` gives one character.
pub(super) fn uri_component_len(c: char) -> usize {
    if is_uri_unreserved(c) {
        1
    } else {
        3 * c.len_utf8()
    }
}

fn is_uri_unreserved(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '!' | '~' | '*' | '\'' | '(' | ')')
}

/// The `cookie` 2 package percent-encodes a whole value when any character is outside the
/// cookie-octets, or is `%` (so that reading it back cannot decode something never encoded).
pub(super) fn needs_cookie2_encoding(c: char) -> bool {
    !is_cookie_octet(c) || c == '%'
}

/// Whether the `cookie` 2 package percent-encodes `value` ([`needs_cookie2_encoding`] by bytes:
/// every non-ASCII byte needs it, as every non-ASCII character does).
fn cookie2_encodes(value: &str) -> bool {
    next_refused(value.as_bytes(), 0, |byte| {
        is_cookie_octet_byte(byte) & (byte != b'%')
    })
    .is_some()
}

/// RFC 6265 cookie-octet: visible ASCII except `"`, `,`, `;` and `\`.
fn is_cookie_octet(c: char) -> bool {
    matches!(c, '\x21'..='\x7e') && !matches!(c, '"' | ',' | ';' | '\\')
}

/// [`is_cookie_octet`] for one byte (non-ASCII bytes are not), written with comparisons joined
/// by `&`, not `&&` or a set lookup, so that a chunked scan compiles to vector compares.
fn is_cookie_octet_byte(byte: u8) -> bool {
    (byte.wrapping_sub(0x21) <= 0x7e - 0x21)
        & (byte != b'"')
        & (byte != b',')
        & (byte != b';')
        & (byte != b'\\')
}

/// [`is_uri_unreserved`] for one byte (non-ASCII bytes are not), written as
/// [`is_cookie_octet_byte`] is.
fn is_uri_unreserved_byte(byte: u8) -> bool {
    let letter = (byte | 0x20).wrapping_sub(b'a') < 26;
    let digit = byte.wrapping_sub(b'0') < 10;
    // `!`, `'`, `(`, `)`, `*` and `-`, `.` are two runs of ASCII; `_` and `~` stand alone.
    let marks = (byte == b'!')
        | (byte.wrapping_sub(b'\'') < 4)
        | (byte.wrapping_sub(b'-') < 2)
        | (byte == b'_')
        | (byte == b'~');
    letter | digit | marks
}

/// RFC 6265 token (RFC 2616 `tchar`).
fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || u8::try_from(c).is_ok_and(|byte| b"!#$%&'*+-.^_`|~".contains(&byte))
}

fn check_name(name: &str) -> Result<()> {
    if name.is_empty() {
        return Err(fail(ErrorCode::InvalidCookie, "the cookie name is empty"));
    }
    match name.char_indices().find(|(_, c)| !is_token_char(*c)) {
        None => Ok(()),
        Some((at, c)) => Err(fail(
            ErrorCode::InvalidCookie,
            format!(
                "the cookie name {name:?} contains {} at byte {at}; RFC 6265 names allow only \
                 letters, digits and !#$%&'*+-.^_`|~",
                describe(c)
            ),
        )),
    }
}

fn check_value(name: &str, value: &str) -> Result<()> {
    // Every byte before the first refused one is ASCII, so the refused one starts a character.
    let refused = next_refused(value.as_bytes(), 0, is_cookie_octet_byte)
        .and_then(|at| Some((at, value[at..].chars().next()?)));
    match refused {
        None => Ok(()),
        // The value itself is never echoed: it is usually a token.
        Some((at, c)) => Err(fail(
            ErrorCode::InvalidCookie,
            format!(
                "the value of cookie {name:?} contains {} at byte {at}; RFC 6265 cookie-octets \
                 exclude controls, spaces, '\"', ',', ';', '\\' and non-ASCII",
                describe(c)
            ),
        )),
    }
}

/// `'x' (U+0078)` for visible characters, `U+0000` for the rest.
pub(super) fn describe(c: char) -> String {
    if c.is_control() || (c.is_whitespace() && c != ' ') {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("{c:?} (U+{:04X})", u32::from(c))
    }
}

#[derive(Clone, Copy, Debug)]
enum Attribute {
    MaxAge,
    Expires,
    Domain,
    Path,
    HttpOnly,
    Secure,
    SameSite,
    Partitioned,
    Priority,
}

fn attribute_order(style: CookieStyle) -> &'static [Attribute] {
    use Attribute::*;
    match style {
        CookieStyle::Polyseal => &[
            MaxAge,
            Expires,
            Domain,
            Path,
            HttpOnly,
            Secure,
            SameSite,
            Partitioned,
            Priority,
        ],
        CookieStyle::H3V1 => &[
            MaxAge,
            Domain,
            Path,
            Expires,
            HttpOnly,
            Secure,
            Priority,
            SameSite,
            Partitioned,
        ],
        CookieStyle::H3V2 | CookieStyle::IronSession => &[
            MaxAge,
            Domain,
            Path,
            Expires,
            HttpOnly,
            Secure,
            Partitioned,
            Priority,
            SameSite,
        ],
    }
}

/// Attributes after validation and the style's defaults.
struct Attributes<'a> {
    max_age: Option<i64>,
    expires: Option<String>,
    domain: Option<&'a str>,
    path: Option<&'a str>,
    http_only: bool,
    secure: bool,
    same_site: Option<SameSite>,
    partitioned: bool,
    priority: Option<Priority>,
}

impl<'a> Attributes<'a> {
    fn resolve(options: &'a CookieOptions, style: CookieStyle) -> Result<Attributes<'a>> {
        let path = match (options.path.as_deref(), style) {
            // h3's setCookie writes `Path=/` unless told otherwise.
            (None, CookieStyle::H3V1 | CookieStyle::H3V2) => Some("/"),
            (path, _) => path,
        };
        Ok(Attributes {
            max_age: resolve_max_age(options.max_age, style)?,
            expires: options.expires_ms.map(imf_fixdate).transpose()?,
            domain: options.domain.as_deref().map(check_domain).transpose()?,
            path: path.map(check_path).transpose()?,
            http_only: options.http_only,
            secure: options.secure,
            same_site: options.same_site,
            partitioned: options.partitioned,
            priority: options.priority,
        })
    }

    fn write(&self, attribute: Attribute, line: &mut String) {
        let written = match attribute {
            Attribute::MaxAge => self.max_age.map(|s| write!(line, "; Max-Age={s}")),
            Attribute::Expires => self.expires.as_ref().map(|e| write!(line, "; Expires={e}")),
            Attribute::Domain => self.domain.map(|d| write!(line, "; Domain={d}")),
            Attribute::Path => self.path.map(|p| write!(line, "; Path={p}")),
            Attribute::HttpOnly => self.http_only.then(|| write!(line, "; HttpOnly")),
            Attribute::Secure => self.secure.then(|| write!(line, "; Secure")),
            Attribute::SameSite => self
                .same_site
                .map(|s| write!(line, "; SameSite={}", s.as_str())),
            Attribute::Partitioned => self.partitioned.then(|| write!(line, "; Partitioned")),
            Attribute::Priority => self
                .priority
                .map(|p| write!(line, "; Priority={}", p.as_str())),
        };
        written
            .transpose()
            .expect("writing to a String cannot fail");
    }
}

fn resolve_max_age(max_age: Option<i64>, style: CookieStyle) -> Result<Option<i64>> {
    match max_age {
        Some(seconds) if seconds < 0 => Err(fail(
            ErrorCode::InvalidOption,
            format!(
                "Max-Age must not be negative (got {seconds}); delete a cookie with a deletion cookie"
            ),
        )),
        Some(seconds) if style == CookieStyle::H3V2 => Ok(Some(seconds.min(H3V2_MAX_AGE_LIMIT))),
        other => Ok(other),
    }
}

/// A host name as cookie-es and `cookie` accept it: dot-separated labels of letters, digits
/// and inner hyphens, at most 63 characters each, with an optional leading dot.
fn check_domain(domain: &str) -> Result<&str> {
    let host = domain.strip_prefix('.').unwrap_or(domain);
    let valid_label = |label: &str| {
        (1..=63).contains(&label.len())
            && label
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    if !host.is_empty() && host.split('.').all(valid_label) {
        Ok(domain)
    } else {
        Err(fail(
            ErrorCode::InvalidCookie,
            format!("the Domain {domain:?} is not a host name (letters, digits, '-' and '.')"),
        ))
    }
}

/// RFC 6265 path-value (no controls, no `;`), starting with `/` since browsers replace any
/// other path with a default one.
fn check_path(path: &str) -> Result<&str> {
    if !path.starts_with('/') {
        return Err(fail(
            ErrorCode::InvalidCookie,
            format!("the Path {path:?} must start with '/'"),
        ));
    }
    match path.chars().find(|c| !matches!(c, ' '..='~') || *c == ';') {
        None => Ok(path),
        Some(c) => Err(fail(
            ErrorCode::InvalidCookie,
            format!("the Path {path:?} contains {}", describe(c)),
        )),
    }
}

/// Cookie prefixes (matched without regard to case, as browsers do) and the attributes that
/// browsers only accept together with `Secure`.
fn check_prefix_rules(name: &str, attributes: &Attributes<'_>) -> Result<()> {
    let broken = |rule: &str| -> Error {
        fail(ErrorCode::InvalidCookie, format!("cookie {name:?}: {rule}"))
    };
    let has_prefix = |prefix: &str| {
        name.get(..prefix.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
    };
    if has_prefix("__Host-") {
        if !attributes.secure {
            return Err(broken("the __Host- prefix requires Secure"));
        }
        if attributes.path != Some("/") {
            return Err(broken("the __Host- prefix requires Path=/"));
        }
        if attributes.domain.is_some() {
            return Err(broken("the __Host- prefix forbids a Domain attribute"));
        }
    }
    if has_prefix("__Secure-") && !attributes.secure {
        return Err(broken("the __Secure- prefix requires Secure"));
    }
    if attributes.same_site == Some(SameSite::None) && !attributes.secure {
        return Err(broken("SameSite=None requires Secure"));
    }
    if attributes.partitioned && !attributes.secure {
        return Err(broken("Partitioned requires Secure"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_uri_component(text: &str) -> String {
        let mut out = String::new();
        encode_uri_component_into(text, &mut out);
        out
    }

    const ALL_ATTRIBUTES_MS: u64 = 1_764_000_000_000;

    fn every_attribute() -> CookieOptions {
        CookieOptions {
            max_age: Some(3600),
            expires_ms: Some(ALL_ATTRIBUTES_MS),
            domain: Some("example.com".into()),
            path: Some("/app".into()),
            secure: true,
            http_only: true,
            same_site: Some(SameSite::Strict),
            partitioned: true,
            priority: Some(Priority::High),
        }
    }

    fn code(result: Result<String>) -> ErrorCode {
        result.unwrap_err().code()
    }

    #[test]
    fn attribute_order_per_style() {
        let options = every_attribute();
        let expires = "Expires=Mon, 24 Nov 2025 16:00:00 GMT";
        let cases = [
            (
                CookieStyle::Polyseal,
                format!(
                    "s=v; Max-Age=3600; {expires}; Domain=example.com; Path=/app; HttpOnly; \
                     Secure; SameSite=Strict; Partitioned; Priority=High"
                ),
            ),
            (
                CookieStyle::H3V1,
                format!(
                    "s=v; Max-Age=3600; Domain=example.com; Path=/app; {expires}; HttpOnly; \
                     Secure; Priority=High; SameSite=Strict; Partitioned"
                ),
            ),
            (
                CookieStyle::H3V2,
                format!(
                    "s=v; Max-Age=3600; Domain=example.com; Path=/app; {expires}; HttpOnly; \
                     Secure; Partitioned; Priority=High; SameSite=Strict"
                ),
            ),
        ];
        for (style, expected) in cases {
            assert_eq!(
                set_cookie("s", "v", &options, style).unwrap(),
                expected,
                "{style:?}"
            );
        }
        assert_eq!(
            set_cookie("s", "v", &options, CookieStyle::IronSession).unwrap(),
            set_cookie("s", "v", &options, CookieStyle::H3V2).unwrap()
        );
    }

    #[test]
    fn secure_defaults_and_dev_opt_out() {
        let line = set_cookie(
            "id",
            "t",
            &CookieOptions::secure_defaults(),
            CookieStyle::Polyseal,
        );
        assert_eq!(
            line.unwrap(),
            "id=t; Path=/; HttpOnly; Secure; SameSite=Lax"
        );
        let line = set_cookie(
            "id",
            "t",
            &CookieOptions::insecure_dev(),
            CookieStyle::Polyseal,
        );
        assert_eq!(line.unwrap(), "id=t; Path=/; HttpOnly; SameSite=Lax");
    }

    #[test]
    fn h3_styles_default_the_path() {
        let bare = CookieOptions::default();
        assert_eq!(
            set_cookie("a", "b", &bare, CookieStyle::H3V1).unwrap(),
            "a=b; Path=/"
        );
        assert_eq!(
            set_cookie("a", "b", &bare, CookieStyle::H3V2).unwrap(),
            "a=b; Path=/"
        );
        assert_eq!(
            set_cookie("a", "b", &bare, CookieStyle::IronSession).unwrap(),
            "a=b"
        );
        assert_eq!(
            set_cookie("a", "b", &bare, CookieStyle::Polyseal).unwrap(),
            "a=b"
        );
    }

    #[test]
    fn value_encoding_per_style() {
        let bare = CookieOptions::default();
        let encode = |value, style| set_cookie("a", value, &bare, style).unwrap();
        assert_eq!(
            encode("x y/é", CookieStyle::H3V1),
            "a=x%20y%2F%C3%A9; Path=/"
        );
        assert_eq!(
            encode("Fe26.2**a*b~2", CookieStyle::H3V2),
            "a=Fe26.2**a*b~2; Path=/"
        );
        assert_eq!(encode("a/b+c=", CookieStyle::IronSession), "a=a/b+c=");
        assert_eq!(encode("a/b c", CookieStyle::IronSession), "a=a%2Fb%20c");
        assert_eq!(encode("100%", CookieStyle::IronSession), "a=100%25");
        assert_eq!(encode("a/b+c=%", CookieStyle::Polyseal), "a=a/b+c=%");
        assert_eq!(encode_uri_component("😀"), "%F0%9F%98%80");
    }

    /// `encodeURIComponent` as its definition reads: character by character.
    fn encode_uri_component_by_chars(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            if c.is_ascii_alphanumeric() || "-_.!~*'()".contains(c) {
                out.push(c);
            } else {
                let mut buffer = [0u8; 4];
                for byte in c.encode_utf8(&mut buffer).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
        }
        out
    }

    #[test]
    fn byte_predicates_agree_with_the_character_ones() {
        for byte in 0..=u8::MAX {
            let c = char::from(byte);
            let ascii = byte.is_ascii();
            // `c` is one byte of text when ASCII, two (both non-ASCII) otherwise.
            let needs = needs_cookie2_encoding(c);
            assert_eq!(
                cookie2_encodes(&format!("{}{c}", "a".repeat(20))),
                needs,
                "{byte:#x}"
            );
            assert_eq!(
                is_cookie_octet_byte(byte),
                ascii && is_cookie_octet(c),
                "{byte:#x}"
            );
            assert_eq!(
                is_uri_unreserved_byte(byte),
                ascii && is_uri_unreserved(c),
                "{byte:#x}"
            );
        }
    }

    #[test]
    fn uri_component_encoding_matches_its_definition() {
        let pieces = [
            "",
            "a",
            "Z9",
            "-_.!~*'()",
            " ",
            "%",
            "/",
            "é",
            "😀",
            "\u{0}",
            "\u{7f}",
            "\u{80}",
            "\u{7ff}",
            "\u{800}",
            "\u{ffff}",
            "Fe26.2**",
            "x y",
        ];
        for a in pieces {
            for b in pieces {
                for c in pieces {
                    let text = format!("{a}{b}{c}");
                    assert_eq!(
                        encode_uri_component(&text),
                        encode_uri_component_by_chars(&text),
                        "{text:?}"
                    );
                }
            }
        }
        for code in 0..=0x7f_u8 {
            let text = char::from(code).to_string();
            assert_eq!(
                encode_uri_component(&text),
                encode_uri_component_by_chars(&text)
            );
        }
    }

    #[test]
    fn a_refused_value_character_is_found_wherever_it_is() {
        let bare = CookieOptions::default();
        for at in 0..40 {
            for (bad, shown) in [
                (' ', "' ' (U+0020)"),
                ('\t', "U+0009"),
                (';', "';' (U+003B)"),
                ('é', "'é' (U+00E9)"),
            ] {
                let value = format!("{}{bad}{}", "a".repeat(at), "b".repeat(40 - at));
                let error = set_cookie("n", &value, &bare, CookieStyle::Polyseal).unwrap_err();
                assert_eq!(error.code(), ErrorCode::InvalidCookie);
                let expected = format!("contains {shown} at byte {at};");
                assert!(error.message().contains(&expected), "{}", error.message());
            }
        }
        let fine = "Fe26.2**0123456789abcdef!#$%&'()*+-./:<=>?@[]^_`{|}~".repeat(3);
        assert!(set_cookie("n", &fine, &bare, CookieStyle::Polyseal).is_ok());
    }

    #[test]
    fn invalid_names_and_values_name_the_character() {
        let bare = CookieOptions::default();
        for name in ["", "a b", "a;b", "a=b", "é", "a\u{0}", "a,b", "(a)", "a\"b"] {
            let error = set_cookie(name, "v", &bare, CookieStyle::H3V2).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidCookie, "{name:?}");
        }
        let error = set_cookie("a b", "v", &bare, CookieStyle::Polyseal).unwrap_err();
        assert!(
            error.message().contains("' ' (U+0020) at byte 1"),
            "{error}"
        );
        for value in [
            "tok en",
            "tok;en",
            "tok,en",
            "\"token\"",
            "tok\\en",
            "toké",
            "tok\ten",
            "tok\u{7f}",
        ] {
            let error = set_cookie("a", value, &bare, CookieStyle::Polyseal).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidCookie, "{value:?}");
            assert!(!error.message().contains(value), "value echoed: {error}");
        }
        let error = set_cookie("a", "ok;", &bare, CookieStyle::Polyseal).unwrap_err();
        assert!(
            error.message().contains("';' (U+003B) at byte 2"),
            "{error}"
        );
    }

    #[test]
    fn prefix_rules() {
        let secure = CookieOptions::secure_defaults();
        let style = CookieStyle::Polyseal;
        assert!(set_cookie("__Host-id", "v", &secure, style).is_ok());
        assert!(set_cookie("__host-id", "v", &secure, style).is_ok());
        assert!(set_cookie("__Secure-id", "v", &secure, style).is_ok());
        let dev = CookieOptions::insecure_dev();
        for name in ["__Host-id", "__HOST-id", "__Secure-id", "__secure-id"] {
            assert_eq!(
                code(set_cookie(name, "v", &dev, style)),
                ErrorCode::InvalidCookie
            );
        }
        let with_domain = CookieOptions {
            domain: Some("example.com".into()),
            ..secure.clone()
        };
        let error = set_cookie("__Host-id", "v", &with_domain, style).unwrap_err();
        assert!(error.message().contains("forbids a Domain"), "{error}");
        let sub_path = CookieOptions {
            path: Some("/app".into()),
            ..secure.clone()
        };
        let error = set_cookie("__Host-id", "v", &sub_path, style).unwrap_err();
        assert!(error.message().contains("requires Path=/"), "{error}");
        let no_path = CookieOptions {
            path: None,
            ..secure.clone()
        };
        assert_eq!(
            code(set_cookie("__Host-id", "v", &no_path, style)),
            ErrorCode::InvalidCookie
        );
        assert!(set_cookie("__Host-id", "v", &no_path, CookieStyle::H3V2).is_ok());
        let none_insecure = CookieOptions {
            same_site: Some(SameSite::None),
            ..dev.clone()
        };
        let error = set_cookie("a", "v", &none_insecure, style).unwrap_err();
        assert!(
            error.message().contains("SameSite=None requires Secure"),
            "{error}"
        );
        let partitioned_insecure = CookieOptions {
            partitioned: true,
            ..dev
        };
        let error = set_cookie("a", "v", &partitioned_insecure, style).unwrap_err();
        assert!(
            error.message().contains("Partitioned requires Secure"),
            "{error}"
        );
    }

    #[test]
    fn attribute_validation() {
        let style = CookieStyle::Polyseal;
        let with = |f: fn(&mut CookieOptions)| {
            let mut options = CookieOptions::default();
            f(&mut options);
            set_cookie("a", "v", &options, style)
        };
        assert_eq!(
            code(with(|o| o.max_age = Some(-1))),
            ErrorCode::InvalidOption
        );
        assert_eq!(
            code(with(|o| o.max_age = Some(i64::MIN))),
            ErrorCode::InvalidOption
        );
        assert_eq!(
            code(with(|o| o.expires_ms = Some(u64::MAX))),
            ErrorCode::InvalidOption
        );
        let domain = |domain: &str| CookieOptions {
            domain: Some(domain.into()),
            ..CookieOptions::default()
        };
        let long_label = format!("{}.com", "a".repeat(64));
        let bad_domains = [
            "", ".", "a..b", "-a.com", "a-.com", "a_b.com", "a.com.", "a b",
        ];
        for bad in bad_domains.into_iter().chain([long_label.as_str()]) {
            let result = set_cookie("a", "v", &domain(bad), style);
            assert_eq!(code(result), ErrorCode::InvalidCookie, "{bad:?}");
        }
        for good in [".example.com", "EXAMPLE.com", "127.0.0.1", "a-b.c0"] {
            assert!(set_cookie("a", "v", &domain(good), style).is_ok(), "{good}");
        }
        for bad in ["", "app", "/a;b", "/a\nb", "/é"] {
            let options = CookieOptions {
                path: Some(bad.into()),
                ..CookieOptions::default()
            };
            let result = set_cookie("a", "v", &options, style);
            assert_eq!(code(result), ErrorCode::InvalidCookie, "{bad:?}");
        }
        assert!(with(|o| o.max_age = Some(0)).is_ok());
    }

    #[test]
    fn h3_v2_caps_max_age_at_400_days() {
        let options = CookieOptions {
            max_age: Some(50_000_000),
            ..CookieOptions::default()
        };
        let h3v2 = set_cookie("a", "", &options, CookieStyle::H3V2).unwrap();
        assert_eq!(h3v2, "a=; Max-Age=34560000; Path=/");
        let h3v1 = set_cookie("a", "", &options, CookieStyle::H3V1).unwrap();
        assert_eq!(h3v1, "a=; Max-Age=50000000; Path=/");
    }

    #[test]
    fn size_limit_gives_byte_counts() {
        let bare = CookieOptions::default();
        let fits = "x".repeat(MAX_SET_COOKIE_BYTES - 2);
        assert_eq!(
            set_cookie("a", &fits, &bare, CookieStyle::Polyseal)
                .unwrap()
                .len(),
            4096
        );
        let over = "x".repeat(MAX_SET_COOKIE_BYTES - 1);
        let error = set_cookie("a", &over, &bare, CookieStyle::Polyseal).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TooLarge);
        assert!(
            error.message().contains("4097 bytes, the limit is 4096"),
            "{error}"
        );
    }

    #[test]
    fn deletions() {
        let options = CookieOptions {
            domain: Some("example.com".into()),
            max_age: Some(600),
            expires_ms: Some(ALL_ATTRIBUTES_MS),
            ..CookieOptions::secure_defaults()
        };
        assert_eq!(
            deletion_cookie("s", &options, CookieStyle::Polyseal).unwrap(),
            "s=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Domain=example.com; Path=/; \
             HttpOnly; Secure; SameSite=Lax"
        );
        assert_eq!(
            deletion_cookie("s", &options, CookieStyle::H3V2).unwrap(),
            "s=; Max-Age=0; Domain=example.com; Path=/; Expires=Mon, 24 Nov 2025 16:00:00 GMT; \
             HttpOnly; Secure; SameSite=Lax"
        );
        let dev = CookieOptions::insecure_dev();
        assert_eq!(
            code(deletion_cookie("__Host-s", &dev, CookieStyle::Polyseal)),
            ErrorCode::InvalidCookie
        );
    }
}
