//! The `Cookie` request header.

use std::collections::HashSet;

use super::MAX_COOKIE_HEADER_BYTES;
use crate::error::{ErrorCode, Result, fail};
use crate::scan::{next_refused, split_ascii};

/// Parses a `Cookie` header into `(name, value)` pairs, in header order.
///
/// Lenient where browsers are: pairs are split at `;`, spaces and tabs around names and values
/// are dropped, a value may be empty or contain `=` and inner spaces, and a value wrapped in a
/// pair of double quotes is unwrapped (RFC 6265 `cookie-value`). A segment without `=`, or
/// with an empty name, or with a control character other than tab, is skipped.
///
/// Duplicate names: the **first** occurrence wins and later ones are dropped, as in h3
/// (cookie-es) and iron-session (`cookie`). Browsers list the cookie with the longest `Path`
/// first, so the first one is the most specific.
///
/// Values are percent-decoded exactly as h3 does: only when they contain `%`, with JavaScript's
/// `decodeURIComponent`, keeping the raw text when that fails (a stray `%`, bad hex, or bytes
/// that are not UTF-8).
///
/// Fails with `TOO_LARGE` when the header exceeds [`MAX_COOKIE_HEADER_BYTES`]; never panics.
pub fn parse_cookie_header(header: &str) -> Result<Vec<(String, String)>> {
    if header.len() > MAX_COOKIE_HEADER_BYTES {
        return Err(fail(
            ErrorCode::TooLarge,
            format!(
                "the Cookie header is {} bytes, the limit is {MAX_COOKIE_HEADER_BYTES}",
                header.len()
            ),
        ));
    }
    let mut seen = HashSet::new();
    let mut cookies = Vec::new();
    for segment in split_ascii(header, b';') {
        let Some((name, value)) = segment.split_once('=') else {
            continue;
        };
        let (name, value) = (trim_blanks(name), trim_blanks(value));
        if name.is_empty() || has_control(name) || has_control(value) || !seen.insert(name) {
            continue;
        }
        cookies.push((name.to_owned(), decode_value(unquote(value))));
    }
    Ok(cookies)
}

fn trim_blanks(text: &str) -> &str {
    text.trim_matches([' ', '\t'])
}

/// Controls other than tab (all ASCII, so a byte scan finds them; the test is written with `&`
/// and `|` so that the scan compiles to vector compares).
fn has_control(text: &str) -> bool {
    let is_control = |byte: u8| ((byte < 0x20) & (byte != b'\t')) | (byte == 0x7f);
    next_refused(text.as_bytes(), 0, |byte| !is_control(byte)).is_some()
}

fn unquote(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|inner| inner.strip_suffix('"'))
        .unwrap_or(value)
}

/// cookie-es `decode`: `decodeURIComponent` when the value holds a `%`, the raw value when
/// decoding fails.
fn decode_value(value: &str) -> String {
    if next_refused(value.as_bytes(), 0, |byte| byte != b'%').is_some() {
        decode_uri_component(value).unwrap_or_else(|| value.to_owned())
    } else {
        value.to_owned()
    }
}

/// JavaScript's `decodeURIComponent`; `None` where it throws `URIError`.
///
/// Decoding every `%XX` to its byte and then requiring the whole result to be UTF-8 accepts and
/// rejects exactly what the JavaScript algorithm does: literal characters are complete UTF-8
/// sequences, so a decoded multi-byte sequence is only valid if all of its bytes came from `%XX`.
pub(super) fn decode_uri_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'%' {
            let high = hex_digit(*bytes.get(at + 1)?)?;
            let low = hex_digit(*bytes.get(at + 2)?)?;
            out.push(high << 4 | low);
            at += 3;
        } else {
            out.push(bytes[at]);
            at += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn hex_digit(byte: u8) -> Option<u8> {
    char::from(byte).to_digit(16).map(|digit| digit as u8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_those_of_the_character_test() {
        for byte in 0..=u8::MAX {
            let text = char::from(byte).to_string();
            let control = matches!(byte, 0x00..=0x08 | 0x0a..=0x1f | 0x7f);
            assert_eq!(has_control(&text), control, "{byte:#x}");
            assert_eq!(has_control(&format!("{}{text}", "a".repeat(20))), control);
        }
    }

    fn parse(header: &str) -> Vec<(String, String)> {
        parse_cookie_header(header).unwrap()
    }

    fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
        expected
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn lenient_like_browsers() {
        assert_eq!(parse("a=1; b=2"), pairs(&[("a", "1"), ("b", "2")]));
        assert_eq!(
            parse("  a =  1 ;\tb=2\t;"),
            pairs(&[("a", "1"), ("b", "2")])
        );
        assert_eq!(parse("a=; b="), pairs(&[("a", ""), ("b", "")]));
        assert_eq!(parse("a=b=c==; d=e"), pairs(&[("a", "b=c=="), ("d", "e")]));
        assert_eq!(
            parse("a=\"quoted\"; b=\"\""),
            pairs(&[("a", "quoted"), ("b", "")])
        );
        assert_eq!(
            parse("a=\"half; b=x\""),
            pairs(&[("a", "\"half"), ("b", "x\"")])
        );
        assert_eq!(parse("a=one two"), pairs(&[("a", "one two")]));
        assert_eq!(parse("lone; a=1; also lone;"), pairs(&[("a", "1")]));
        assert_eq!(parse(""), pairs(&[]));
        assert_eq!(parse(";;; ;"), pairs(&[]));
    }

    #[test]
    fn strict_where_ambiguous() {
        assert_eq!(parse("=x; a=1"), pairs(&[("a", "1")]));
        assert_eq!(parse(" =x"), pairs(&[]));
        assert_eq!(parse("a=x\u{0}y; b=1\r"), pairs(&[]));
        assert_eq!(parse("a=x\ty"), pairs(&[("a", "x\ty")]));
        assert_eq!(parse("a\u{7f}=1"), pairs(&[]));
    }

    #[test]
    fn first_occurrence_wins() {
        assert_eq!(parse("s=1; t=2; s=3"), pairs(&[("s", "1"), ("t", "2")]));
        // A skipped pair does not claim its name.
        assert_eq!(parse("s=\u{1}; s=2"), pairs(&[("s", "2")]));
        assert_eq!(parse("S=1; s=2"), pairs(&[("S", "1"), ("s", "2")]));
    }

    #[test]
    fn percent_decoding_like_h3() {
        let cases = [
            ("a=x%20y", "x y"),
            ("a=%E2%82%AC", "€"),
            ("a=%e2%82%ac", "€"),
            ("a=%3B%3D", ";="),
            ("a=100%", "100%"),
            ("a=%zz", "%zz"),
            ("a=%4", "%4"),
            ("a=%C3", "%C3"),
            ("a=%C3%28", "%C3%28"),
            ("a=%C0%80", "%C0%80"),
            ("a=%ED%A0%80", "%ED%A0%80"),
            ("a=%F4%90%80%80", "%F4%90%80%80"),
            ("a=é%20", "é "),
            ("a=%C3é", "%C3é"),
            ("a=\"%41\"", "A"),
            ("a=Fe26.2**x*y~2", "Fe26.2**x*y~2"),
            ("a=+", "+"),
        ];
        for (header, expected) in cases {
            assert_eq!(parse(header), pairs(&[("a", expected)]), "{header}");
        }
    }

    #[test]
    fn size_cap() {
        let header = format!("a={}", "x".repeat(MAX_COOKIE_HEADER_BYTES - 2));
        assert_eq!(parse(&header).len(), 1);
        let header = format!("a={}", "x".repeat(MAX_COOKIE_HEADER_BYTES - 1));
        let error = parse_cookie_header(&header).unwrap_err();
        assert_eq!(error.code(), ErrorCode::TooLarge);
        assert!(
            error.message().contains("65537 bytes, the limit is 65536"),
            "{error}"
        );
    }

    #[test]
    fn never_panics_on_arbitrary_text() {
        // A small deterministic generator over the characters that matter to the parser.
        let alphabet: Vec<char> = "a=;% \t\"\u{0}é€0F8".chars().collect();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..20_000 {
            let mut header = String::new();
            for _ in 0..(state % 24) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                header.push(alphabet[(state % alphabet.len() as u64) as usize]);
            }
            let cookies = parse(&header);
            let mut names: Vec<_> = cookies.iter().map(|(n, _)| n).collect();
            names.sort();
            names.dedup();
            assert_eq!(
                names.len(),
                cookies.len(),
                "duplicate names from {header:?}"
            );
        }
    }
}
