//! JSON in and out of tokens.
//!
//! Parsing is bounded: payload size and nesting depth are checked before `serde_json` builds a
//! value, so a hostile (yet authentic) payload cannot exhaust the stack. Serialization follows
//! `JSON.stringify` byte for byte — object keys in insertion order, numbers printed as
//! ECMAScript's `Number::toString` prints them — so a token sealed here is identical to one
//! sealed by a JavaScript peer from the same value.

use std::io;

use serde_json::Value;

use crate::error::{ErrorCode, Result, fail};

/// Default largest JSON payload accepted, in bytes.
pub const DEFAULT_MAX_JSON_BYTES: usize = 64 * 1024;
/// Default deepest nesting of arrays and objects accepted.
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// Deepest nesting a caller may configure: the parser underneath stops at 128 levels, and a
/// limit it cannot honour would seal tokens that can never be opened.
pub const MAX_CONFIGURABLE_DEPTH: usize = 127;

/// Limits applied when a payload is parsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct JsonLimits {
    /// Largest payload in bytes.
    pub max_bytes: usize,
    /// Deepest nesting of arrays and objects.
    pub max_depth: usize,
}

impl Default for JsonLimits {
    fn default() -> Self {
        JsonLimits {
            max_bytes: DEFAULT_MAX_JSON_BYTES,
            max_depth: DEFAULT_MAX_DEPTH,
        }
    }
}

impl JsonLimits {
    /// Rejects limits that cannot be honoured (`INVALID_OPTION`).
    pub fn validate(&self) -> Result<()> {
        if self.max_depth == 0 || self.max_depth > MAX_CONFIGURABLE_DEPTH {
            return Err(fail(
                ErrorCode::InvalidOption,
                format!(
                    "max_depth must be 1 ..= {MAX_CONFIGURABLE_DEPTH}, got {}",
                    self.max_depth
                ),
            ));
        }
        if self.max_bytes == 0 {
            return Err(fail(ErrorCode::InvalidOption, "max_bytes must be positive"));
        }
        Ok(())
    }
}

/// Parses UTF-8 JSON text within `limits`.
pub fn parse(bytes: &[u8], limits: JsonLimits) -> Result<Value> {
    if bytes.len() > limits.max_bytes {
        return Err(fail(
            ErrorCode::TooLarge,
            format!(
                "the JSON payload is {} bytes, the limit is {}",
                bytes.len(),
                limits.max_bytes
            ),
        ));
    }
    check_depth(bytes, limits.max_depth)?;
    serde_json::from_slice(bytes)
        .map_err(|e| fail(ErrorCode::InvalidJson, format!("invalid JSON payload: {e}")))
}

/// Parses JSON text supplied by a caller (not from a token), within `limits`.
pub fn parse_str(text: &str, limits: JsonLimits) -> Result<Value> {
    parse(text.as_bytes(), limits)
}

/// Rejects nesting deeper than `max_depth` without building anything.
fn check_depth(bytes: &[u8], max_depth: usize) -> Result<()> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &byte in bytes {
        if in_string {
            match (escaped, byte) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > max_depth {
                    return Err(fail(
                        ErrorCode::InvalidJson,
                        format!("the JSON payload nests deeper than {max_depth} levels"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

/// Checks the nesting depth of a value supplied by a caller before it is sealed.
pub fn check_value_depth(value: &Value, max_depth: usize) -> Result<()> {
    fn depth_of(value: &Value) -> usize {
        match value {
            Value::Array(items) => 1 + items.iter().map(depth_of).max().unwrap_or(0),
            Value::Object(map) => 1 + map.values().map(depth_of).max().unwrap_or(0),
            _ => 0,
        }
    }
    if depth_of(value) > max_depth {
        return Err(fail(
            ErrorCode::InvalidJson,
            format!("the value nests deeper than {max_depth} levels"),
        ));
    }
    Ok(())
}

/// Serializes a value exactly as `JSON.stringify(value)` does.
pub fn to_js_string(value: &Value) -> String {
    let mut out = Vec::with_capacity(128);
    write_js(value, &mut out);
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Appends `JSON.stringify(value)` as UTF-8 to `out`, so a caller can serialize straight into
/// the buffer it encrypts.
pub fn write_js(value: &Value, out: &mut Vec<u8>) {
    let mut serializer = serde_json::Serializer::with_formatter(out, JsFormatter);
    serde::Serialize::serialize(value, &mut serializer).expect("writing to a Vec cannot fail");
}

/// `serde_json`'s compact output with ECMAScript number formatting.
struct JsFormatter;

impl serde_json::ser::Formatter for JsFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        writer.write_all(js_number(value).as_bytes())
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        writer.write_all(js_number(f64::from(value)).as_bytes())
    }
}

/// ECMAScript `Number::toString(x)` for finite `x` (JSON has no NaN or Infinity: `null`).
pub fn js_number(x: f64) -> String {
    if !x.is_finite() {
        return "null".to_owned();
    }
    if x == 0.0 {
        return "0".to_owned();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    // `{:e}` prints the shortest digits that round-trip, as ECMAScript requires.
    let formatted = format!("{:e}", x.abs());
    let (mantissa, exponent) = formatted.split_once('e').expect("`{:e}` has an exponent");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let k = digits.len() as i32;
    let n = exponent.parse::<i32>().expect("integer exponent") + 1;
    let body = if k <= n && n <= 21 {
        format!("{digits}{}", "0".repeat((n - k) as usize))
    } else if 0 < n && n <= 21 {
        format!("{}.{}", &digits[..n as usize], &digits[n as usize..])
    } else if -6 < n && n <= 0 {
        format!("0.{}{digits}", "0".repeat((-n) as usize))
    } else {
        let e = n - 1;
        let e_sign = if e < 0 { '-' } else { '+' };
        let (first, rest) = digits.split_at(1);
        let fraction = if rest.is_empty() {
            String::new()
        } else {
            format!(".{rest}")
        };
        format!("{first}{fraction}e{e_sign}{}", e.abs())
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_print_as_javascript_prints_them() {
        let cases: &[(f64, &str)] = &[
            (1.5, "1.5"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e21, "1e+21"),
            (1e20, "100000000000000000000"),
            (123456789012345680000.0, "123456789012345680000"),
            (1e-6, "0.000001"),
            (1e-7, "1e-7"),
            (1.25e-7, "1.25e-7"),
            (-2.5e30, "-2.5e+30"),
            (-0.0, "0"),
            (5e-324, "5e-324"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (100.0, "100"),
            (9.99, "9.99"),
        ];
        for (value, expected) in cases {
            assert_eq!(js_number(*value), *expected, "{value:?}");
        }
    }

    #[test]
    fn stringify_keeps_insertion_order_and_js_escapes() {
        let value: Value =
            serde_json::from_str(r#"{"z":1,"a":[true,null,2.50],"m":"é\u0001\"\\/\u2028"}"#)
                .unwrap();
        assert_eq!(
            to_js_string(&value),
            "{\"z\":1,\"a\":[true,null,2.5],\"m\":\"é\\u0001\\\"\\\\/\u{2028}\"}"
        );
    }

    #[test]
    fn parse_enforces_size_and_depth() {
        let limits = JsonLimits {
            max_bytes: 32,
            max_depth: 3,
        };
        assert_eq!(parse(b"[[[1]]]", limits).unwrap(), json!([[[1]]]));
        let deep = parse(b"[[[[1]]]]", limits).unwrap_err();
        assert_eq!(deep.code(), ErrorCode::InvalidJson);
        // Brackets inside strings do not count.
        assert!(parse(br#"["[[[[[\"[[["]"#, limits).is_ok());
        let big = parse(&[b' '; 33], limits).unwrap_err();
        assert_eq!(big.code(), ErrorCode::TooLarge);
        assert_eq!(
            parse(b"{\"a\":", limits).unwrap_err().code(),
            ErrorCode::InvalidJson
        );
        assert_eq!(
            parse(b"\xff", limits).unwrap_err().code(),
            ErrorCode::InvalidJson
        );
    }

    #[test]
    fn limits_beyond_the_parser_are_refused() {
        let deepest = JsonLimits {
            max_depth: MAX_CONFIGURABLE_DEPTH,
            ..JsonLimits::default()
        };
        assert!(deepest.validate().is_ok());
        let nested = format!("{}1{}", "[".repeat(127), "]".repeat(127));
        assert!(parse(nested.as_bytes(), deepest).is_ok());
        for bad in [
            JsonLimits {
                max_depth: 128,
                ..deepest
            },
            JsonLimits {
                max_depth: 0,
                ..deepest
            },
            JsonLimits {
                max_bytes: 0,
                ..deepest
            },
        ] {
            assert_eq!(bad.validate().unwrap_err().code(), ErrorCode::InvalidOption);
        }
    }

    #[test]
    fn value_depth_is_checked_before_sealing() {
        assert!(check_value_depth(&json!({"a": {"b": [1]}}), 3).is_ok());
        assert!(check_value_depth(&json!({"a": {"b": [[1]]}}), 3).is_err());
    }
}
