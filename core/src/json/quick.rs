//! A quick scan that accepts the JSON text most payloads are, for [`super::validate`].
//!
//! `serde_json` reading into nothing still decodes every string and number and calls a visitor
//! for every value. This scan makes one pass over the bytes and builds nothing: about 90 ns for
//! a 137-byte session, and `seal_json_at` of it went from 0.70 to 0.64 µs (a 2 KB session:
//! 86,947 to 63,870 instructions). Every JSON-text path pays validation: `seal_json`, and the
//! text unseals behind the Node, Python and C bindings.
//!
//! It accepts a subset of what `serde_json` accepts and says nothing about the rest: numbers
//! with an exponent or more than 300 integer digits (the ones that could overflow an `f64`), `\u`
//! escapes of surrogates (which `serde_json` pairs or refuses), control characters, nesting
//! beyond the limit, and anything malformed. [`super::validate`] hands whatever it does not
//! accept to `serde_json`, so the verdict and the error message are always `serde_json`'s. Only
//! one direction matters, then: nothing accepted here may be refused by `serde_json`. The tests
//! and the `json_validate` fuzz target compare the two on generated, mutated and fuzzed text.

/// Whether `text` is JSON that `serde_json` reads, nesting at most `max_depth` (≤ 127) levels,
/// as judged by the quick scan. `false` means "not judged", not "invalid".
pub(super) fn accepts(text: &str, max_depth: usize) -> bool {
    if max_depth > MAX_TRACKED_DEPTH {
        return false;
    }
    let mut scan = Scan {
        bytes: text.as_bytes(),
        at: 0,
    };
    scan.document(max_depth).is_some()
}

/// Deepest nesting the scan tracks: one bit per open container in a `u128`. Configurable
/// limits stop at 127 ([`super::MAX_CONFIGURABLE_DEPTH`]).
const MAX_TRACKED_DEPTH: usize = 127;

/// Integer digits that cannot reach `f64::MAX` (about 1.8e308) however they are written.
const MAX_INTEGER_DIGITS: usize = 300;

struct Scan<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl Scan<'_> {
    /// One value and nothing but whitespace after it. Nesting is tracked without recursion:
    /// bit `d` of `objects` is set when the container opened at depth `d` is an object.
    fn document(&mut self, max_depth: usize) -> Option<()> {
        let mut objects: u128 = 0;
        let mut depth = 0;
        loop {
            // A value is expected here.
            match self.next_token()? {
                open @ (b'{' | b'[') => {
                    if depth == max_depth {
                        return None;
                    }
                    let is_object = open == b'{';
                    if is_object {
                        objects |= 1 << depth;
                    } else {
                        objects &= !(1 << depth);
                    }
                    depth += 1;
                    let close = if is_object { b'}' } else { b']' };
                    self.skip_whitespace();
                    if self.bytes.get(self.at) == Some(&close) {
                        self.at += 1;
                        depth -= 1;
                    } else {
                        if is_object {
                            self.key()?;
                        }
                        continue;
                    }
                }
                b'"' => self.string()?,
                b't' => self.literal(b"rue")?,
                b'f' => self.literal(b"alse")?,
                b'n' => self.literal(b"ull")?,
                first @ (b'-' | b'0'..=b'9') => self.number(first)?,
                _ => return None,
            }
            // A value has ended: close containers until another value is expected.
            loop {
                if depth == 0 {
                    self.skip_whitespace();
                    return (self.at == self.bytes.len()).then_some(());
                }
                let in_object = objects & (1 << (depth - 1)) != 0;
                match (self.next_token()?, in_object) {
                    (b',', true) => {
                        self.key()?;
                        break;
                    }
                    (b',', false) => break,
                    (b'}', true) | (b']', false) => depth -= 1,
                    _ => return None,
                }
            }
        }
    }

    /// The next byte after whitespace, consumed.
    fn next_token(&mut self) -> Option<u8> {
        self.skip_whitespace();
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.bytes.get(self.at) {
            self.at += 1;
        }
    }

    /// An object key and its colon.
    fn key(&mut self) -> Option<()> {
        (self.next_token()? == b'"').then_some(())?;
        self.string()?;
        (self.next_token()? == b':').then_some(())
    }

    /// The rest of a string whose opening quote has been read. The text is UTF-8 already.
    fn string(&mut self) -> Option<()> {
        loop {
            let byte = *self.bytes.get(self.at)?;
            self.at += 1;
            match byte {
                b'"' => return Some(()),
                b'\\' => self.escape()?,
                0x00..=0x1f => return None,
                _ => {}
            }
        }
    }

    fn escape(&mut self) -> Option<()> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        match byte {
            b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(()),
            b'u' => {
                let hex = self.bytes.get(self.at..self.at + 4)?;
                self.at += 4;
                let mut unit = 0;
                for &digit in hex {
                    unit = unit * 16 + char::from(digit).to_digit(16)?;
                }
                (!(0xD800..=0xDFFF).contains(&unit)).then_some(())
            }
            _ => None,
        }
    }

    fn literal<const N: usize>(&mut self, rest: &[u8; N]) -> Option<()> {
        let found = self.bytes.get(self.at..self.at + N)?;
        self.at += N;
        (found == rest).then_some(())
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?`, the first byte already read; no exponent.
    fn number(&mut self, first: u8) -> Option<()> {
        let lead = if first == b'-' {
            let lead = *self.bytes.get(self.at)?;
            self.at += 1;
            lead
        } else {
            first
        };
        match lead {
            b'0' => {}
            b'1'..=b'9' => {
                if 1 + self.digits() > MAX_INTEGER_DIGITS {
                    return None;
                }
            }
            _ => return None,
        }
        if self.bytes.get(self.at) == Some(&b'.') {
            self.at += 1;
            if self.digits() == 0 {
                return None;
            }
        }
        match self.bytes.get(self.at) {
            Some(b'e' | b'E' | b'0'..=b'9') => None,
            _ => Some(()),
        }
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while self.bytes.get(self.at).is_some_and(u8::is_ascii_digit) {
            self.at += 1;
        }
        self.at - start
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{self, JsonLimits};

    fn limits(max_depth: usize) -> JsonLimits {
        JsonLimits {
            max_bytes: usize::MAX,
            max_depth,
        }
    }

    /// Nothing the scan accepts may be refused by `serde_json` (through [`json::parse`], which
    /// never takes the quick path), and `validate` must answer exactly as `parse` does.
    fn check(text: &str, max_depth: usize) -> bool {
        let quick = accepts(text, max_depth);
        let parsed = json::parse(text.as_bytes(), limits(max_depth))
            .map(|_| ())
            .map_err(|e| e.to_string());
        assert!(
            !quick || parsed.is_ok(),
            "the quick scan accepts what serde_json refuses: {text:?}"
        );
        let validated =
            json::validate(text.as_bytes(), limits(max_depth)).map_err(|e| e.to_string());
        assert_eq!(validated, parsed, "validate and parse disagree on {text:?}");
        let as_str = json::validate_str(text, limits(max_depth)).map_err(|e| e.to_string());
        assert_eq!(
            as_str, parsed,
            "validate_str and parse disagree on {text:?}"
        );
        quick
    }

    #[test]
    fn accepts_ordinary_payloads() {
        let texts = [
            r#"{"id":"3a1c","createdAt":1764000000000,"data":{"userId":12345,"theme":"dark","roles":["admin","editor"]}}"#,
            r#" { "a" : [ 1 , -2.5 , 0 , -0 , 0.125 , true , false , null , "" ] , "b" : { } , "c" : [ ] } "#,
            r#""caf\u00e9 \"quoted\" \\ \/ \b\f\n\r\t é 😀 \u0000 \uffff""#,
            "[[[[[]]]]]",
            "123456789012345678901234567890",
            "\t\r\n 7 \n",
            r#"{"k":{"k":{"k":[{"k":null}]}}}"#,
            "\"\u{7f}\"",
        ];
        for text in texts {
            assert!(check(text, 64), "{text:?}");
        }
    }

    #[test]
    fn leaves_the_rest_to_serde() {
        let texts = [
            "",
            " ",
            "{",
            "}",
            "[1,]",
            "[,1]",
            r#"{"a":1,}"#,
            r#"{"a" 1}"#,
            r#"{1:2}"#,
            "01",
            "-01",
            "-",
            "1.",
            ".5",
            "+1",
            "1e5",
            "1E-7",
            "-0.5e+3",
            "tru",
            "truex",
            "nul",
            "NaN",
            "Infinity",
            r#""a"#,
            "\"\u{1}\"",
            "\"\n\"",
            r#""\x""#,
            r#""\u12""#,
            r#""\u12G4""#,
            r#""\u+123""#,
            r#""\ud83d\ude00""#,
            r#""\ud800""#,
            r#""\udc00""#,
            "[1] [2]",
            "1 2",
            "\u{feff}1",
            r#"["a""b"]"#,
            r#"{"a":1 "b":2}"#,
            "[1}",
            "{]",
            "[1\u{a0}]",
        ];
        for text in texts {
            assert!(!check(text, 64), "{text:?}");
        }
        let most = "9".repeat(MAX_INTEGER_DIGITS);
        assert!(check(&most, 64));
        assert!(!check(&format!("{most}9"), 64));
        assert!(!check(&format!("1{}", "0".repeat(400)), 64));
    }

    #[test]
    fn depth_limit_matches_the_parser() {
        for max_depth in [1, 2, 5, 64, 127] {
            for depth in [max_depth - 1, max_depth, max_depth + 1]
                .into_iter()
                .filter(|&d| d > 0)
            {
                let arrays = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
                let objects = format!("{}1{}", r#"{"k":"#.repeat(depth), "}".repeat(depth));
                assert_eq!(check(&arrays, max_depth), depth <= max_depth, "{arrays}");
                assert_eq!(check(&objects, max_depth), depth <= max_depth, "{objects}");
            }
        }
        assert!(
            !accepts("[]", 128),
            "beyond the tracked depth, serde_json decides"
        );
    }

    /// xorshift64, seeded from the OS so that every run explores new text.
    struct Draw(u64);

    impl Draw {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len())]
        }
    }

    const STRINGS: &[&str] = &[
        r#""""#,
        r#""dark""#,
        r#""é😀""#,
        r#""a\"b""#,
        r#""\u0041\n""#,
        r#""\ud83d\ude00""#,
    ];
    const NUMBERS: &[&str] = &[
        "0",
        "-0",
        "12345",
        "-7.25",
        "1764000000000",
        "1e21",
        "2.5E-7",
    ];

    /// Random JSON text nesting at most `depth` levels.
    fn value(draw: &mut Draw, depth: usize) -> String {
        match draw.below(if depth == 0 { 4 } else { 6 }) {
            0 => draw.pick(STRINGS).to_owned(),
            1 => draw.pick(NUMBERS).to_owned(),
            2 => draw.pick(&["true", "false", "null"]).to_owned(),
            3 => format!(" {} ", draw.pick(NUMBERS)),
            4 => {
                let items: Vec<String> =
                    (0..draw.below(4)).map(|_| value(draw, depth - 1)).collect();
                format!("[{}]", items.join(","))
            }
            _ => {
                let items: Vec<String> = (0..draw.below(4))
                    .map(|_| format!("{}:{}", draw.pick(STRINGS), value(draw, depth - 1)))
                    .collect();
                format!("{{{}}}", items.join(", "))
            }
        }
    }

    /// Deletes or inserts one piece, or cuts the text short.
    fn mutate(draw: &mut Draw, text: &str) -> String {
        const PIECES: &[&str] = &[
            "\"", "\\", "u", "d", "8", "0", "9", "-", ".", "e", ",", ":", "[", "]", "{", "}", " ",
            "\u{1}", "\u{7f}", "é", "t", "n",
        ];
        let mut bytes = text.as_bytes().to_vec();
        let at = draw.below(bytes.len() + 1);
        match draw.below(4) {
            0 if at < bytes.len() => {
                bytes.remove(at);
            }
            1 => bytes.truncate(at),
            _ => {
                let piece = draw.pick(PIECES);
                bytes.splice(at..at, piece.bytes());
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    #[test]
    fn generated_and_mutated_text_agrees_with_serde() {
        let mut seed = [0u8; 8];
        crate::rng::fill(&mut seed).unwrap();
        let mut draw = Draw(u64::from_le_bytes(seed) | 1);
        let (mut accepted, mut total) = (0, 0);
        for _ in 0..3000 {
            let mut text = value(&mut draw, 4);
            accepted += usize::from(check(&text, 3));
            total += 1;
            for _ in 0..1 + draw.below(3) {
                text = mutate(&mut draw, &text);
                accepted += usize::from(check(&text, 3));
                total += 1;
            }
        }
        // The scan must judge much of what it sees, or it would only add work.
        assert!(
            accepted * 5 > total,
            "accepted {accepted} of {total} (seed {seed:?})"
        );
    }
}
