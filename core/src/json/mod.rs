//! JSON in and out of tokens.
//!
//! Parsing is bounded: the payload size is checked before parsing and the nesting depth while
//! parsing (`serde_json` itself stops at 128 levels), so a hostile (yet authentic) payload cannot
//! exhaust the stack. Serialization follows
//! `JSON.stringify` byte for byte — object keys in insertion order, numbers printed as
//! ECMAScript's `Number::toString` prints them — so a token sealed here is identical to one
//! sealed by a JavaScript peer from the same value.

use std::marker::PhantomData;
use std::{fmt, io};

use serde::Serialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::{ErrorCode, Result, fail};

mod quick;

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
///
/// The depth limit is checked while the value is built: `serde_json` refuses nesting beyond 128
/// levels on its own (so a hostile payload cannot exhaust the stack), and every configurable
/// limit is below that ([`MAX_CONFIGURABLE_DEPTH`]).
pub fn parse(bytes: &[u8], limits: JsonLimits) -> Result<Value> {
    check_size(bytes.len(), limits)?;
    // Reading bytes, serde_json checks the UTF-8 of every string on its own (for a session
    // payload, over four times the cost of one check of the whole text); reading text it checks
    // nothing. Text that is not UTF-8 is read as bytes, for serde_json's error and its position.
    match std::str::from_utf8(bytes) {
        Ok(text) => parse_from(serde_json::Deserializer::from_str(text), limits),
        Err(_) => parse_from(serde_json::Deserializer::from_slice(bytes), limits),
    }
}

fn parse_from<'de, R: serde_json::de::Read<'de>>(
    mut deserializer: serde_json::Deserializer<R>,
    limits: JsonLimits,
) -> Result<Value> {
    Nested::<Value>::new(limits.max_depth)
        .deserialize(&mut deserializer)
        .and_then(|value| deserializer.end().map(|()| value))
        .map_err(|e| invalid(&e))
}

/// Parses JSON text supplied by a caller (not from a token), within `limits`.
pub fn parse_str(text: &str, limits: JsonLimits) -> Result<Value> {
    parse(text.as_bytes(), limits)
}

/// Checks that `bytes` is JSON within `limits` — exactly the text [`parse`] accepts — without
/// building a value. A one-pass scan accepts most payloads; whatever it does not accept is
/// judged by `serde_json`, so the verdict and any error are those of [`parse`].
pub fn validate(bytes: &[u8], limits: JsonLimits) -> Result<()> {
    check_size(bytes.len(), limits)?;
    if quickly_accepted(bytes, limits).is_some() {
        return Ok(());
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    Nested::<Ignored>::new(limits.max_depth)
        .deserialize(&mut deserializer)
        .and_then(|Ignored| deserializer.end())
        .map_err(|e| invalid(&e))
}

/// [`validate`] for text, which is UTF-8 already: the scan does not check that again.
pub fn validate_str(text: &str, limits: JsonLimits) -> Result<()> {
    check_size(text.len(), limits)?;
    if quick::accepts(text, limits.max_depth) {
        return Ok(());
    }
    validate(text.as_bytes(), limits)
}

/// [`validate`]s `bytes` and returns them as text.
pub fn validated_text(bytes: &[u8], limits: JsonLimits) -> Result<String> {
    check_size(bytes.len(), limits)?;
    // The quick scan's UTF-8 check stands for the String's: the text is checked once.
    if let Some(text) = quickly_accepted(bytes, limits) {
        return Ok(text.to_owned());
    }
    validate(bytes, limits)?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| fail(ErrorCode::InvalidJson, "the JSON payload is not UTF-8"))
}

/// `bytes` as text when they are UTF-8 that the one-pass scan accepts as JSON within `limits`
/// (None leaves the verdict to `serde_json`).
fn quickly_accepted(bytes: &[u8], limits: JsonLimits) -> Option<&str> {
    std::str::from_utf8(bytes)
        .ok()
        .filter(|text| quick::accepts(text, limits.max_depth))
}

/// Refuses a payload of more than `limits.max_bytes` (`TOO_LARGE`): readers refuse it, so
/// sealers never write it either.
pub(crate) fn check_size(length: usize, limits: JsonLimits) -> Result<()> {
    if length > limits.max_bytes {
        return Err(fail(
            ErrorCode::TooLarge,
            format!(
                "the JSON payload is {length} bytes, the limit is {}",
                limits.max_bytes
            ),
        ));
    }
    Ok(())
}

fn invalid(error: &serde_json::Error) -> crate::Error {
    fail(
        ErrorCode::InvalidJson,
        format!("invalid JSON payload: {error}"),
    )
}

/// What [`Nested`] builds: a [`Value`], or nothing ([`Ignored`]) when only validating.
trait Build: Sized {
    type Array: Default;
    type Object: Default;
    fn scalar(value: Scalar<'_>) -> Self;
    fn push(array: &mut Self::Array, item: Self);
    fn array(array: Self::Array) -> Self;
    fn object(object: Self::Object) -> Self;
    /// Reads the next key and value of an object into `object`; false at its end.
    fn next_entry<'de, A: MapAccess<'de>>(
        map: &mut A,
        seed: Nested<Self>,
        object: &mut Self::Object,
    ) -> std::result::Result<bool, A::Error>;
}

enum Scalar<'a> {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(&'a str),
    String(String),
}

impl Build for Value {
    type Array = Vec<Value>;
    type Object = serde_json::Map<String, Value>;

    fn scalar(value: Scalar<'_>) -> Value {
        match value {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::U64(n) => Value::Number(n.into()),
            Scalar::I64(n) => Value::Number(n.into()),
            // JSON text cannot spell NaN or an infinity, and serde_json refuses out-of-range
            // numbers before they get here.
            Scalar::F64(n) => serde_json::Number::from_f64(n).map_or(Value::Null, Value::Number),
            Scalar::Str(s) => Value::String(s.to_owned()),
            Scalar::String(s) => Value::String(s),
        }
    }

    fn push(array: &mut Vec<Value>, item: Value) {
        array.push(item);
    }

    fn array(array: Vec<Value>) -> Value {
        Value::Array(array)
    }

    fn object(object: serde_json::Map<String, Value>) -> Value {
        Value::Object(object)
    }

    fn next_entry<'de, A: MapAccess<'de>>(
        map: &mut A,
        seed: Nested<Value>,
        object: &mut serde_json::Map<String, Value>,
    ) -> std::result::Result<bool, A::Error> {
        let Some(key) = map.next_key::<String>()? else {
            return Ok(false);
        };
        // A repeated key keeps its first position and takes the last value, as in serde_json.
        object.insert(key, map.next_value_seed(seed)?);
        Ok(true)
    }
}

/// The result of validating: nothing.
struct Ignored;

impl Build for Ignored {
    type Array = ();
    type Object = ();

    fn scalar(_: Scalar<'_>) -> Ignored {
        Ignored
    }

    fn push((): &mut (), _: Ignored) {}

    fn array((): ()) -> Ignored {
        Ignored
    }

    fn object((): ()) -> Ignored {
        Ignored
    }

    fn next_entry<'de, A: MapAccess<'de>>(
        map: &mut A,
        seed: Nested<Ignored>,
        (): &mut (),
    ) -> std::result::Result<bool, A::Error> {
        if map.next_key::<IgnoredAny>()?.is_none() {
            return Ok(false);
        }
        map.next_value_seed(seed)?;
        Ok(true)
    }
}

/// A deserializer seed that builds `T` and fails as soon as arrays and objects nest deeper than
/// the limit.
struct Nested<T> {
    /// Levels that may still be opened.
    remaining: usize,
    max_depth: usize,
    build: PhantomData<fn() -> T>,
}

impl<T> Clone for Nested<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Nested<T> {}

impl<T> Nested<T> {
    fn new(max_depth: usize) -> Self {
        Nested {
            remaining: max_depth,
            max_depth,
            build: PhantomData,
        }
    }

    /// The seed for the items of an array or object opened here.
    fn enter<E: serde::de::Error>(self) -> std::result::Result<Self, E> {
        if self.remaining == 0 {
            return Err(E::custom(format!(
                "the JSON payload nests deeper than {} levels",
                self.max_depth
            )));
        }
        Ok(Nested {
            remaining: self.remaining - 1,
            ..self
        })
    }
}

impl<'de, T: Build> DeserializeSeed<'de> for Nested<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Build> Visitor<'de> for Nested<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> std::result::Result<T, E> {
        Ok(T::scalar(Scalar::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> std::result::Result<T, E> {
        Ok(T::scalar(Scalar::I64(v)))
    }

    fn visit_u64<E>(self, v: u64) -> std::result::Result<T, E> {
        Ok(T::scalar(Scalar::U64(v)))
    }

    fn visit_f64<E>(self, v: f64) -> std::result::Result<T, E> {
        Ok(T::scalar(Scalar::F64(v)))
    }

    fn visit_str<E>(self, v: &str) -> std::result::Result<T, E> {
        Ok(T::scalar(Scalar::Str(v)))
    }

    fn visit_string<E>(self, v: String) -> std::result::Result<T, E> {
        Ok(T::scalar(Scalar::String(v)))
    }

    fn visit_unit<E>(self) -> std::result::Result<T, E> {
        Ok(T::scalar(Scalar::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<T, A::Error> {
        let inner = self.enter()?;
        let mut array = T::Array::default();
        while let Some(item) = seq.next_element_seed(inner)? {
            T::push(&mut array, item);
        }
        Ok(T::array(array))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<T, A::Error> {
        let inner = self.enter()?;
        let mut object = T::Object::default();
        while T::next_entry(&mut map, inner, &mut object)? {}
        Ok(T::object(object))
    }
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
    let mut serializer = serde_json::Serializer::with_formatter(out, JsFormatter::unlimited());
    serde::Serialize::serialize(value, &mut serializer).expect("writing to a Vec cannot fail");
}

/// [`to_js_string`] for a value that nests at most `max_depth` levels; a deeper value is an
/// [`ErrorCode::InvalidJson`], found while writing (no separate walk over the value).
pub fn to_js_string_within(value: &Value, max_depth: usize) -> Result<String> {
    let mut out = Vec::with_capacity(128);
    write_js_within(value, max_depth, &mut out)?;
    Ok(String::from_utf8(out).expect("serde_json writes UTF-8"))
}

/// [`write_js`] for anything serde can serialize that nests at most `max_depth` levels. On a
/// deeper value it stops with [`ErrorCode::InvalidJson`]; so it does when the value's own
/// `Serialize` fails, with the value's message. On failure `out` holds a partial text.
pub fn write_js_within<T: Serialize + ?Sized>(
    value: &T,
    max_depth: usize,
    out: &mut Vec<u8>,
) -> Result<()> {
    let formatter = JsFormatter {
        depth: 0,
        max_depth,
    };
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value.serialize(&mut serializer).map_err(|error| {
        // The formatter's refusal to nest deeper is the only I/O error writing to a `Vec` meets.
        let message = if error.is_io() {
            format!("the value nests deeper than {max_depth} levels")
        } else {
            format!("the value has no JSON form: {error}")
        };
        fail(ErrorCode::InvalidJson, message)
    })
}

/// JSON text that core wrote itself, with [`JsonText::write`], from a value serde can
/// serialize: in `JSON.stringify`'s form and within a known nesting depth.
///
/// serde_json's writer only ever writes well-formed JSON for a `Serialize` implementation that
/// keeps serde's contract (every map key followed by its value), so the seals that take a
/// `JsonText` ([`crate::Sealer::seal_text_at`]) skip the parse that caller-supplied text gets
/// in [`crate::Sealer::seal_json_at`]. The bindings use it to write a host language's objects
/// straight to text, with no `serde_json::Value` in between, while they hold the interpreter,
/// and seal the text after letting it go. `Debug` shows the length only: payloads are private.
#[derive(Clone, PartialEq, Eq)]
pub struct JsonText {
    text: String,
    max_depth: usize,
}

impl JsonText {
    /// Writes `value` as `JSON.stringify` would, nesting at most `max_depth` levels (deeper is
    /// [`ErrorCode::InvalidJson`], as is a failure of the value's own `Serialize`).
    pub fn write<T: Serialize + ?Sized>(value: &T, max_depth: usize) -> Result<JsonText> {
        let mut out = Vec::with_capacity(128);
        write_js_within(value, max_depth, &mut out)?;
        let text = String::from_utf8(out).expect("serde_json writes UTF-8");
        Ok(JsonText { text, max_depth })
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the text was written within the nesting limit of `limits`: if not, a seal under
    /// those limits must check the text's depth as it checks caller-supplied text.
    pub(crate) fn written_within(&self, limits: JsonLimits) -> bool {
        self.max_depth <= limits.max_depth
    }
}

impl From<JsonText> for String {
    fn from(text: JsonText) -> String {
        text.text
    }
}

impl fmt::Debug for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonText")
            .field("bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

/// `serde_json`'s compact output with ECMAScript number formatting, refusing to open arrays and
/// objects beyond `max_depth` levels (the only error it can meet: writing to a `Vec` does not
/// fail).
struct JsFormatter {
    depth: usize,
    max_depth: usize,
}

impl JsFormatter {
    fn unlimited() -> Self {
        JsFormatter {
            depth: 0,
            max_depth: usize::MAX,
        }
    }

    fn open(&mut self) -> io::Result<()> {
        if self.depth == self.max_depth {
            return Err(io::Error::other("too deep"));
        }
        self.depth += 1;
        Ok(())
    }
}

impl serde_json::ser::Formatter for JsFormatter {
    fn write_f64<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f64) -> io::Result<()> {
        write_js_number(value, writer)
    }

    fn write_f32<W: ?Sized + io::Write>(&mut self, writer: &mut W, value: f32) -> io::Result<()> {
        write_js_number(f64::from(value), writer)
    }

    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open()?;
        writer.write_all(b"[")
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        writer.write_all(b"]")
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open()?;
        writer.write_all(b"{")
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.depth -= 1;
        writer.write_all(b"}")
    }
}

/// Powers of ten exactly representable as `f64` (all up to 10^22 are).
const EXACT_POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Decimal significands below this bound are found exactly by [`short_decimal`] (see there).
const SHORT_DECIMAL_LIMIT: f64 = (1u64 << 50) as f64;

/// The shortest decimal `m / 10^d` (`d` ≤ 15) that reads back as `x`, for `1e-6 <= |x| < 2^50`
/// with a significand `m < 2^50`; `None` when there is none in that range.
///
/// For such `m`, the rounding error of `x * 10^d` plus the distance from `x` to the edge of its
/// rounding interval (scaled by `10^d`) stay below 1/2, so `round(x * 10^d)` is the only
/// candidate at each `d`, and trying `d = 0, 1, ...` in turn finds the fewest digits, as
/// ECMAScript requires. The candidate is then checked exactly: `m` and `10^d` are exact, and
/// IEEE division rounds `m / 10^d` correctly, as a correct parser rounds the decimal text.
fn short_decimal(x: f64) -> Option<(u64, usize)> {
    let magnitude = x.abs();
    if !(1e-6..SHORT_DECIMAL_LIMIT).contains(&magnitude) {
        return None;
    }
    for (digits, &power) in EXACT_POWERS_OF_TEN.iter().enumerate() {
        let scaled = magnitude * power;
        if scaled >= SHORT_DECIMAL_LIMIT {
            return None;
        }
        let m = scaled.round();
        if m / power == magnitude {
            return Some((m as u64, digits));
        }
    }
    None
}

/// Writes ECMAScript `Number::toString(x)` (JSON's `null` for NaN and infinities).
fn write_js_number<W: ?Sized + io::Write>(x: f64, writer: &mut W) -> io::Result<()> {
    let Some((significand, fraction_digits)) = short_decimal(x) else {
        return writer.write_all(js_number_exact(x).as_bytes());
    };
    // At most 16 integer digits, a point, 15 fraction digits and a sign.
    let mut buffer = [0u8; 40];
    let mut at = buffer.len();
    let mut rest = significand;
    let mut written = 0;
    while rest > 0 || written <= fraction_digits {
        if written == fraction_digits && fraction_digits > 0 {
            at -= 1;
            buffer[at] = b'.';
        }
        at -= 1;
        buffer[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        written += 1;
    }
    if x < 0.0 {
        at -= 1;
        buffer[at] = b'-';
    }
    writer.write_all(&buffer[at..])
}

/// ECMAScript `Number::toString(x)` for finite `x` (JSON has no NaN or Infinity: `null`).
pub fn js_number(x: f64) -> String {
    let mut out = Vec::with_capacity(24);
    write_js_number(x, &mut out).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("ASCII")
}

/// The general case of [`js_number`], from the shortest round-trip digits `{:e}` prints.
fn js_number_exact(x: f64) -> String {
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

    /// A small deterministic generator for the randomized comparisons below.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    #[test]
    fn the_short_decimal_path_agrees_with_the_general_one() {
        let mut rng = XorShift(0x9e37_79b9_7f4a_7c15);
        let mut fast = 0;
        let mut check = |x: f64| {
            let expected = js_number_exact(x);
            assert_eq!(js_number(x), expected, "{x:?} ({:#x})", x.to_bits());
            if short_decimal(x).is_some() {
                fast += 1;
            }
            // The text reads back as the same number.
            if x.is_finite() {
                assert_eq!(expected.parse::<f64>().unwrap(), x, "{expected}");
            }
        };
        for _ in 0..200_000 {
            let r = rng.next();
            // Any bit pattern: every magnitude, NaN and infinities included.
            check(f64::from_bits(r));
            // Prices, coordinates and the like: a few digits after the point.
            let digits = (r >> 60) as i32;
            let k = (r % 10_000_000_000) as f64 * if r & 1 == 0 { 1.0 } else { -1.0 };
            check(k / 10f64.powi(digits));
            check(k * 10f64.powi(-digits - 6));
            // Integers, and neighbours of the fast path's bounds.
            check((r >> 11) as f64);
            check((r % (1 << 20)) as f64 + 0.5);
            let edge = [1e-6, SHORT_DECIMAL_LIMIT, 1.0, 1e15][(r % 4) as usize];
            let steps = (r >> 32) % 64;
            check(f64::from_bits(edge.to_bits() + steps));
            check(f64::from_bits(edge.to_bits() - steps));
            // Arithmetic results with long expansions.
            check((r % 1000) as f64 / 7.0 + 0.1);
        }
        assert!(fast > 200_000, "the fast path was taken {fast} times");
    }

    #[test]
    fn validate_accepts_exactly_what_parse_accepts() {
        let limits = JsonLimits {
            max_bytes: 64,
            max_depth: 3,
        };
        for text in [
            &b"{}"[..],
            b"[[[1]]]",
            b"[[[[1]]]]",
            b"{\"a\":{\"b\":{\"c\":{}}}}",
            b"{\"a\":1,\"a\":2}",
            b" 1 ",
            b"1 2",
            b"[1,]",
            b"\"\\ud800\"",
            b"1e400",
            b"-0",
            b"\"\xff\"",
            b"nul",
            b"",
            b"[\"[[[[\"]",
            &[b'1'; 65],
        ] {
            let parsed = parse(text, limits).map(|_| ()).map_err(|e| e.code());
            let validated = validate(text, limits).map_err(|e| e.code());
            assert_eq!(validated, parsed, "{}", String::from_utf8_lossy(text));
            if let Ok(text) = std::str::from_utf8(text) {
                let as_str = validate_str(text, limits).map_err(|e| e.code());
                assert_eq!(as_str, parsed, "{text}");
            }
            let as_text = validated_text(text, limits).map(|valid| valid.into_bytes());
            let expected = parsed.map(|()| text.to_vec());
            assert_eq!(as_text.map_err(|e| e.code()), expected);
        }
    }

    /// Text and bytes are read alike: the error, and where it is, is serde_json's reading
    /// bytes, whether or not the payload is UTF-8.
    #[test]
    fn parse_errors_are_those_of_serde_json_reading_bytes() {
        for text in [
            &b"\"\xff\""[..],
            b"[1,\"ok\",\"\xc3\"]",
            b"{\"\xe2\x82\":1}",
            b"[\"\xff\" 1]",
            b"{\"a\" 1}",
            b"[1,]",
            b"\"\\ud800\"",
            b"\"\\x\"",
            b"\"tab\there\"",
            b"1e400",
            b"[1] x",
        ] {
            let expected = serde_json::from_slice::<Value>(text).unwrap_err();
            let error = parse(text, JsonLimits::default()).unwrap_err();
            assert_eq!(error.code(), ErrorCode::InvalidJson);
            assert_eq!(
                error.message(),
                format!("invalid JSON payload: {expected}"),
                "{}",
                String::from_utf8_lossy(text)
            );
        }
        let text = "{\"é\":[\"😀\",\"\\u00e9\\ud83d\\ude00\"]}";
        assert_eq!(
            parse(text.as_bytes(), JsonLimits::default()).unwrap(),
            serde_json::from_slice::<Value>(text.as_bytes()).unwrap()
        );
    }

    #[test]
    fn duplicate_keys_keep_the_first_position_and_the_last_value() {
        let value = parse(br#"{"a":1,"b":2,"a":3}"#, JsonLimits::default()).unwrap();
        assert_eq!(to_js_string(&value), r#"{"a":3,"b":2}"#);
        assert_eq!(
            value,
            serde_json::from_str::<Value>(r#"{"a":1,"b":2,"a":3}"#).unwrap()
        );
    }

    #[test]
    fn depth_is_checked_while_writing() {
        let value = json!({"a": [{"b": 1}], "c": [[[]]]});
        assert_eq!(
            to_js_string_within(&value, 4).unwrap(),
            to_js_string(&value)
        );
        assert_eq!(
            to_js_string_within(&value, 3).unwrap_err().code(),
            ErrorCode::InvalidJson
        );
        assert_eq!(to_js_string_within(&json!(1), 1).unwrap(), "1");
    }

    #[test]
    fn value_depth_is_checked_before_sealing() {
        assert!(check_value_depth(&json!({"a": {"b": [1]}}), 3).is_ok());
        assert!(check_value_depth(&json!({"a": {"b": [[1]]}}), 3).is_err());
    }
}
