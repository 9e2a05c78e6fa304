//! JavaScript values to and from `serde_json::Value`, without a `JSON.stringify` round trip.
//!
//! napi's own `serde-json` conversion is not used because it turns integers above 2^32 into
//! `BigInt`s (a payload's `createdAt` must come back as a number, as `JSON.parse` gives it), it
//! silently turns a `Date`, `Map` or typed array into `{}` or an index map, and its errors are not
//! `PolysealError`s. The rules here, in short: exactly what `JSON.parse` can produce is accepted
//! (plain objects, arrays, strings, finite numbers, booleans, `null`); object properties whose
//! value is `undefined` are skipped, as `JSON.stringify` skips them; a value of a type JSON has
//! no form for (a function, symbol, bigint, `undefined` at the top or in an array, a class
//! instance such as a `Date`) is rejected with `INVALID_ARGUMENT`, and a number or string JSON
//! cannot carry (`NaN`/`Infinity`, a lone surrogate, which has no UTF-8 form) with
//! `INVALID_JSON`, as Python and C reject them, instead of being dropped or altered. Nesting is
//! bounded (`INVALID_JSON`), as is the number of values (`TOO_LARGE`), so a cyclic or hugely
//! shared structure fails cleanly.

use std::borrow::Cow;
use std::ptr;

use napi::bindgen_prelude::*;
use napi::{check_status, sys};
use napi_derive::napi;
use polyseal::{ErrorCode, Value};
use serde_json::{Map, Number};

use crate::error::{Failure, Outcome};
use crate::registry;

/// Deepest nesting read from JavaScript, whatever `maxDepth` says: keeps the native stack safe.
/// (serde_json, and so every reader of a token, stops at 128 anyway.)
const HARD_MAX_DEPTH: usize = 512;
/// Most values (array items, properties, scalars) read from one JavaScript value.
const MAX_NODES: usize = 1_000_000;

/// A position inside the value, for error messages.
enum Step {
    Key(String),
    Index(u32),
}

/// A failure and where in the value it happened (innermost step first).
struct Located {
    failure: Failure,
    path: Vec<Step>,
}

impl From<Failure> for Located {
    fn from(failure: Failure) -> Self {
        Located {
            failure,
            path: Vec::new(),
        }
    }
}

fn render_path(label: &str, path: &[Step]) -> String {
    // A cycle makes a long path: the first steps say enough.
    const SHOWN: usize = 12;
    let mut out = label.to_owned();
    for step in path.iter().rev().take(SHOWN) {
        match step {
            Step::Index(index) => out.push_str(&format!("[{index}]")),
            Step::Key(key)
                if !key.is_empty()
                    && !key.starts_with(|c: char| c.is_ascii_digit())
                    && key
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') =>
            {
                out.push('.');
                out.push_str(key);
            }
            Step::Key(key) => out.push_str(&format!("[{}]", Value::from(key.as_str()))),
        }
    }
    if path.len() > SHOWN {
        out.push('…');
    }
    out
}

/// Converts the JavaScript value `value` into JSON, nesting at most `max_depth` levels.
/// `label` names the argument in error messages (`data`).
pub fn from_js(env: &Env, value: sys::napi_value, max_depth: usize, label: &str) -> Outcome<Value> {
    let mut reader = Reader {
        env,
        max_depth: max_depth.min(HARD_MAX_DEPTH),
        nodes_left: MAX_NODES,
    };
    reader.value(value, 0).map_err(|located| {
        let at = render_path(label, &located.path);
        located.failure.context(&format!("{at}: "))
    })
}

struct Reader<'e> {
    env: &'e Env,
    max_depth: usize,
    nodes_left: usize,
}

impl Reader<'_> {
    fn napi<T>(&self, result: Result<T>) -> std::result::Result<T, Located> {
        result.map_err(|error| {
            Located::from(Failure::from_napi(
                self.env,
                ErrorCode::InvalidArgument,
                "the value could not be read",
                error,
            ))
        })
    }

    fn reject(kind: &str) -> Located {
        Located::from(Failure::invalid_argument(format!(
            "{kind} cannot be sealed: only plain objects, arrays, strings, finite numbers, \
             booleans and null are JSON"
        )))
    }

    fn value(
        &mut self,
        value: sys::napi_value,
        depth: usize,
    ) -> std::result::Result<Value, Located> {
        if self.nodes_left == 0 {
            return Err(Located::from(Failure::new(
                ErrorCode::TooLarge,
                format!("the value holds more than {MAX_NODES} items"),
            )));
        }
        self.nodes_left -= 1;
        let env = self.env.raw();
        let kind = self.napi(type_of(env, value))?;
        match kind {
            ValueType::Null => Ok(Value::Null),
            ValueType::Boolean => {
                let mut flag = false;
                self.napi(check_status!(unsafe {
                    sys::napi_get_value_bool(env, value, &mut flag)
                }))?;
                Ok(Value::Bool(flag))
            }
            ValueType::Number => {
                let mut number = 0f64;
                self.napi(check_status!(unsafe {
                    sys::napi_get_value_double(env, value, &mut number)
                }))?;
                json_number(number).map(Value::Number).ok_or_else(|| {
                    Located::from(Failure::new(
                        ErrorCode::InvalidJson,
                        format!("the number {} has no JSON form", js_spelling(number)),
                    ))
                })
            }
            ValueType::String => Ok(Value::String(self.string(value)?)),
            ValueType::Object => self.container(value, depth + 1),
            ValueType::Undefined => Err(Self::reject("undefined")),
            ValueType::BigInt => Err(Self::reject("a bigint")),
            ValueType::Symbol => Err(Self::reject("a symbol")),
            ValueType::Function => Err(Self::reject("a function")),
            _ => Err(Self::reject("this kind of value")),
        }
    }

    fn string(&self, value: sys::napi_value) -> std::result::Result<String, Located> {
        self.napi(Text::read(self.env.raw(), value))?.map_err(|()| {
            Located::from(Failure::new(
                ErrorCode::InvalidJson,
                "a string with a lone surrogate cannot be sealed: it has no UTF-8 form",
            ))
        })
    }

    fn container(
        &mut self,
        value: sys::napi_value,
        depth: usize,
    ) -> std::result::Result<Value, Located> {
        if depth > self.max_depth {
            return Err(Located::from(Failure::new(
                ErrorCode::InvalidJson,
                format!(
                    "the value nests deeper than {} levels (or refers to itself)",
                    self.max_depth
                ),
            )));
        }
        let env = self.env.raw();
        let mut is_array = false;
        self.napi(check_status!(unsafe {
            sys::napi_is_array(env, value, &mut is_array)
        }))?;
        // napi's check does not see through a Proxy (Vue's reactive arrays, immer drafts);
        // `JSON.stringify` does, through `Array.isArray`.
        let proxied = !is_array && self.napi(array_is_array(env, value))?;
        if is_array || proxied {
            let length = self.napi(if is_array {
                let mut length = 0u32;
                check_status!(unsafe { sys::napi_get_array_length(env, value, &mut length) })
                    .map(|()| length)
            } else {
                proxy_length(env, value)
            })?;
            let mut items = Vec::with_capacity(length.min(1024) as usize);
            for index in 0..length {
                let mut item = ptr::null_mut();
                let read =
                    check_status!(unsafe { sys::napi_get_element(env, value, index, &mut item) });
                let item = self
                    .napi(read)
                    .and_then(|()| self.value(item, depth))
                    .map_err(|mut located| {
                        located.path.push(Step::Index(index));
                        located
                    })?;
                items.push(item);
            }
            return Ok(Value::Array(items));
        }
        if !self.napi(is_plain_object(env, value))? {
            return Err(Self::reject(
                "an object that is not a plain object (a Date, Map, Set, typed array or class \
                 instance)",
            ));
        }
        let map = self
            .entries(value, depth)?
            .into_iter()
            .filter_map(|entry| Some((entry.name, entry.json?)))
            .collect();
        Ok(Value::Object(map))
    }

    /// The own enumerable string-keyed properties of a plain object, each read once.
    fn entries(
        &mut self,
        value: sys::napi_value,
        depth: usize,
    ) -> std::result::Result<Vec<Entry>, Located> {
        let env = self.env.raw();
        let mut keys = ptr::null_mut();
        self.napi(check_status!(unsafe {
            sys::napi_get_all_property_names(
                env,
                value,
                sys::KeyCollectionMode::own_only,
                sys::KeyFilter::enumerable | sys::KeyFilter::skip_symbols,
                sys::KeyConversion::numbers_to_strings,
                &mut keys,
            )
        }))?;
        let mut count = 0u32;
        self.napi(check_status!(unsafe {
            sys::napi_get_array_length(env, keys, &mut count)
        }))?;
        let mut entries = Vec::with_capacity(count.min(1024) as usize);
        for index in 0..count {
            let mut key = ptr::null_mut();
            self.napi(check_status!(unsafe {
                sys::napi_get_element(env, keys, index, &mut key)
            }))?;
            let name = self.string(key)?;
            let mut item = ptr::null_mut();
            let read = check_status!(unsafe { sys::napi_get_property(env, value, key, &mut item) });
            let converted = self.napi(read).and_then(|()| {
                // `JSON.stringify` leaves out properties whose value is undefined.
                if self.napi(type_of(env, item))? == ValueType::Undefined {
                    Ok(None)
                } else {
                    self.value(item, depth).map(Some)
                }
            });
            match converted {
                Ok(json) => entries.push(Entry {
                    name,
                    key,
                    item,
                    json,
                }),
                Err(mut located) => {
                    located.path.push(Step::Key(name));
                    return Err(located);
                }
            }
        }
        Ok(entries)
    }
}

/// One own property of an object read from JavaScript.
pub struct Entry {
    /// The key.
    pub name: String,
    /// The key as a JavaScript string.
    pub key: sys::napi_value,
    /// The JavaScript value.
    pub item: sys::napi_value,
    /// The value as JSON; `None` when it is `undefined` (left out, as `JSON.stringify` does).
    pub json: Option<Value>,
}

/// The own enumerable properties of the plain object `value`, each read once (getters run
/// once), with their values converted as [`from_js`] converts them; for merges that keep the
/// caller's values as `Object.assign` does. Anything but a plain object is `INVALID_ARGUMENT`.
pub fn entries_from_js(
    env: &Env,
    value: sys::napi_value,
    max_depth: usize,
    label: &str,
) -> Outcome<Vec<Entry>> {
    let raw = env.raw();
    let fail = |e| Failure::from_napi(env, ErrorCode::InvalidArgument, label, e);
    let plain = type_of(raw, value).map_err(fail)? == ValueType::Object
        && !array_is_array(raw, value).map_err(fail)?
        && is_plain_object(raw, value).map_err(fail)?;
    if !plain {
        return Err(Failure::invalid_argument(format!(
            "{label} must be a plain object"
        )));
    }
    let mut reader = Reader {
        env,
        max_depth: max_depth.min(HARD_MAX_DEPTH),
        nodes_left: MAX_NODES,
    };
    let depth = 1;
    let entries = if depth > reader.max_depth {
        Err(Located::from(Failure::new(
            ErrorCode::InvalidJson,
            format!("the value nests deeper than {} levels", reader.max_depth),
        )))
    } else {
        reader.entries(value, depth)
    };
    entries.map_err(|located| {
        let at = render_path(label, &located.path);
        located.failure.context(&format!("{at}: "))
    })
}

/// The JSON number that `JSON.parse(JSON.stringify(number))` reads back: a whole number in the
/// 64-bit integer range is an integer (`JSON.stringify` prints it without a fraction, and core's
/// parser reads such text as an integer), anything else a float; `None` for NaN and infinities.
/// So data read from JavaScript compares equal to the same data unsealed from a token, and a
/// session save sees no change where there is none.
fn json_number(number: f64) -> Option<Number> {
    // 2^63 and 2^64 are exact in f64; every whole f64 below them converts exactly.
    const I64_MIN: f64 = -9_223_372_036_854_775_808.0;
    const U64_END: f64 = 18_446_744_073_709_551_616.0;
    if number.fract() == 0.0 && (I64_MIN..U64_END).contains(&number) {
        return Some(if number < 0.0 {
            Number::from(number as i64)
        } else {
            Number::from(number as u64)
        });
    }
    Number::from_f64(number)
}

fn type_of(env: sys::napi_env, value: sys::napi_value) -> Result<ValueType> {
    let mut kind = 0;
    check_status!(unsafe { sys::napi_typeof(env, value, &mut kind) })?;
    Ok(ValueType::from(kind))
}

/// `Array.isArray(value)`, which sees through proxies.
fn array_is_array(env: sys::napi_env, value: sys::napi_value) -> Result<bool> {
    let mut global = ptr::null_mut();
    check_status!(unsafe { sys::napi_get_global(env, &mut global) })?;
    let mut array = ptr::null_mut();
    check_status!(unsafe {
        sys::napi_get_named_property(env, global, c"Array".as_ptr(), &mut array)
    })?;
    let mut is_array = ptr::null_mut();
    check_status!(unsafe {
        sys::napi_get_named_property(env, array, c"isArray".as_ptr(), &mut is_array)
    })?;
    let mut result = ptr::null_mut();
    check_status!(unsafe {
        sys::napi_call_function(env, array, is_array, 1, &value, &mut result)
    })?;
    let mut flag = false;
    check_status!(unsafe { sys::napi_get_value_bool(env, result, &mut flag) })?;
    Ok(flag)
}

/// The `length` of a proxied array.
fn proxy_length(env: sys::napi_env, value: sys::napi_value) -> Result<u32> {
    let mut length = ptr::null_mut();
    check_status!(unsafe {
        sys::napi_get_named_property(env, value, c"length".as_ptr(), &mut length)
    })?;
    let mut number = 0u32;
    check_status!(unsafe { sys::napi_get_value_uint32(env, length, &mut number) })?;
    Ok(number)
}

/// A plain object has `Object.prototype` (of any realm) or `null` as its prototype.
pub fn is_plain_object(env: sys::napi_env, value: sys::napi_value) -> Result<bool> {
    let mut prototype = ptr::null_mut();
    check_status!(unsafe { sys::napi_get_prototype(env, value, &mut prototype) })?;
    if type_of(env, prototype)? == ValueType::Null {
        return Ok(true);
    }
    let mut grand = ptr::null_mut();
    check_status!(unsafe { sys::napi_get_prototype(env, prototype, &mut grand) })?;
    Ok(type_of(env, grand)? == ValueType::Null)
}

/// A JavaScript string read exactly. napi's `String` conversion puts U+FFFD in place of a lone
/// surrogate, which would silently change a password, a key id, a payload or a cookie value; a
/// string with one has no UTF-8 form and is refused instead (`INVALID_ARGUMENT` where napi reads
/// it for an options object; see [`crate::options::string_arg_or`] for arguments). TypeScript
/// sees a `string`: fields of this type carry a `ts_type`.
pub struct Text(pub String);

impl Text {
    /// Reads `value`, a string; `Err(())` when it holds a lone surrogate.
    pub fn read(
        env: sys::napi_env,
        value: sys::napi_value,
    ) -> Result<std::result::Result<String, ()>> {
        if let Some(text) = read_utf8_exact(env, value)? {
            return Ok(Ok(text));
        }
        Ok(String::from_utf16(&read_utf16(env, value)?).map_err(drop))
    }
}

impl std::ops::Deref for Text {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl TypeName for Text {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ValidateNapiValue for Text {}

impl FromNapiValue for Text {
    unsafe fn from_napi_value(env: sys::napi_env, value: sys::napi_value) -> Result<Self> {
        if type_of(env, value)? != ValueType::String {
            return Err(Error::new(Status::StringExpected, "expected a string"));
        }
        Text::read(env, value)?.map(Text).map_err(|()| {
            Error::new(
                Status::InvalidArg,
                "a string with a lone surrogate has no UTF-8 form",
            )
        })
    }
}

/// Hands `value`'s text to `read`: borrowed from a stack buffer when it is short and its UTF-8
/// exact (see [`read_utf8_exact`]), else read as [`Text::read`] does; `Err(())` when it holds a
/// lone surrogate. A caller that only borrows the text saves the copy to the heap.
pub fn with_text<T>(
    env: sys::napi_env,
    value: sys::napi_value,
    read: impl FnOnce(Cow<'_, str>) -> T,
) -> Result<std::result::Result<T, ()>> {
    let mut stack = [0u8; STACK_BYTES];
    if let Some(text) = read_short_utf8(env, value, &mut stack)? {
        return Ok(Ok(read(Cow::Borrowed(text))));
    }
    Ok(Text::read(env, value)?.map(|text| read(Cow::Owned(text))))
}

/// Strings this short are read into a buffer on the stack first.
const STACK_BYTES: usize = 512;

/// `value`'s text read into `stack` when it fits and its UTF-8 is exact; `None` otherwise (too
/// long, or holding U+FFFD, which may stand for a lone surrogate).
fn read_short_utf8(
    env: sys::napi_env,
    value: sys::napi_value,
    stack: &mut [u8; STACK_BYTES],
) -> Result<Option<&str>> {
    let written = write_utf8(env, value, stack)?;
    // napi keeps a byte for the NUL and never splits a character (at most 4 bytes), so a string
    // that came within 4 bytes of the end may have been cut.
    if written + 4 >= STACK_BYTES {
        return Ok(None);
    }
    // V8 writes well-formed UTF-8; checking costs little and keeps `str` honest.
    Ok(std::str::from_utf8(&stack[..written])
        .ok()
        .filter(|text| !text.contains('\u{FFFD}')))
}

/// Writes `value`'s UTF-8 into `buffer`, as much as fits with a NUL after it; returns how many
/// bytes it wrote.
fn write_utf8(env: sys::napi_env, value: sys::napi_value, buffer: &mut [u8]) -> Result<usize> {
    let mut written = 0usize;
    check_status!(unsafe {
        sys::napi_get_value_string_utf8(
            env,
            value,
            buffer.as_mut_ptr().cast(),
            buffer.len(),
            &mut written,
        )
    })?;
    Ok(written)
}

/// Reads a JavaScript string as UTF-8 when that is exact, which is one call into napi for a
/// short string (most keys and values, every cookie token). V8 writes a lone surrogate as
/// U+FFFD, so a result holding U+FFFD is `None`: the caller reads the UTF-16 code units to tell a
/// real U+FFFD from a lone surrogate.
fn read_utf8_exact(env: sys::napi_env, value: sys::napi_value) -> Result<Option<String>> {
    let mut stack = [0u8; STACK_BYTES];
    if let Some(text) = read_short_utf8(env, value, &mut stack)? {
        return Ok(Some(text.to_owned()));
    }
    // Too long for the stack (or holding U+FFFD): read again at its full length.
    let mut length = 0usize;
    check_status!(unsafe {
        sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut length)
    })?;
    let mut bytes = vec![0u8; length + 1];
    let written = write_utf8(env, value, &mut bytes)?;
    bytes.truncate(written);
    // V8 writes well-formed UTF-8; checking costs little and keeps `String` honest.
    Ok(String::from_utf8(bytes)
        .ok()
        .filter(|text| !text.contains('\u{FFFD}')))
}

/// Reads a JavaScript string as UTF-16 code units, lone surrogates included.
fn read_utf16(env: sys::napi_env, value: sys::napi_value) -> Result<Vec<u16>> {
    let mut length = 0usize;
    check_status!(unsafe {
        sys::napi_get_value_string_utf16(env, value, ptr::null_mut(), 0, &mut length)
    })?;
    let mut units = vec![0u16; length + 1];
    let mut written = 0usize;
    check_status!(unsafe {
        sys::napi_get_value_string_utf16(env, value, units.as_mut_ptr(), units.len(), &mut written)
    })?;
    units.truncate(written);
    Ok(units)
}

/// Text handed to JavaScript. ASCII text (every token, most JSON) is copied as Latin-1, without
/// the UTF-8 decoding napi's `String` conversion does; other text is created from UTF-8.
pub struct FastText(pub String);

impl TypeName for FastText {
    fn type_name() -> &'static str {
        "String"
    }

    fn value_type() -> ValueType {
        ValueType::String
    }
}

impl ToNapiValue for FastText {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        let text = value.0;
        if !text.is_ascii() {
            // SAFETY: forwarded as is.
            return unsafe { String::to_napi_value(env, text) };
        }
        let mut out = ptr::null_mut();
        check_status!(unsafe {
            sys::napi_create_string_latin1(env, text.as_ptr().cast(), text.len() as isize, &mut out)
        })?;
        Ok(out)
    }
}

/// JSON text (core checked it) handed to JavaScript as the value it spells, built by
/// `JSON.parse`: V8 builds objects from text far faster than napi builds them property by
/// property, and exactly as [`to_js`] builds them from the parsed value (numbers as numbers,
/// `-0` kept, keys in order, `__proto__` an own key). Without a registered `JSON.parse` (the
/// addon loaded without `lib/index.js`), the text is parsed here and built by [`to_js`].
pub struct JsonText(pub String);

impl TypeName for JsonText {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for JsonText {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        let handle = Env::from_raw(env);
        let Some(parse) = registry::json_parse(&handle)? else {
            let parsed: Value = serde_json::from_str(&value.0)
                .map_err(|e| Error::new(Status::InvalidArg, e.to_string()))?;
            return to_js(env, &parsed);
        };
        // SAFETY: `env` is the live environment of this conversion.
        let text = unsafe { FastText::to_napi_value(env, FastText(value.0)) }?;
        let mut undefined = ptr::null_mut();
        check_status!(unsafe { sys::napi_get_undefined(env, &mut undefined) })?;
        let mut out = ptr::null_mut();
        check_status!(unsafe {
            sys::napi_call_function(env, undefined, parse.raw(), 1, &text, &mut out)
        })?;
        Ok(out)
    }
}

/// Registers `JSON.parse`, which builds the values of unsealed tokens from their JSON text.
///
/// Internal: `lib/index.js` calls it once when it loads.
#[napi(catch_unwind, ts_args_type = "parse: (text: string) => unknown")]
pub fn register_json_parse(env: Env, parse: Unknown) -> Result<()> {
    registry::set_json_parse(&env, &parse)
}

/// A JSON value handed to JavaScript as `JSON.parse` would build it: numbers are always
/// numbers, and every property (even `__proto__`) is an own data property.
pub struct Json(pub Value);

impl TypeName for Json {
    fn type_name() -> &'static str {
        "unknown"
    }

    fn value_type() -> ValueType {
        ValueType::Unknown
    }
}

impl ToNapiValue for Json {
    unsafe fn to_napi_value(env: sys::napi_env, value: Self) -> Result<sys::napi_value> {
        to_js(env, &value.0)
    }
}

/// Builds the JavaScript value of `value`. Values come from core's bounded parser (at most 128
/// levels), so the recursion is bounded.
pub fn to_js(env: sys::napi_env, value: &Value) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    match value {
        Value::Null => check_status!(unsafe { sys::napi_get_null(env, &mut out) })?,
        Value::Bool(flag) => check_status!(unsafe { sys::napi_get_boolean(env, *flag, &mut out) })?,
        Value::Number(number) => {
            // Every JSON number is an f64 in JavaScript; `as_f64` never fails without
            // serde_json's arbitrary_precision.
            let number = number.as_f64().unwrap_or(f64::NAN);
            check_status!(unsafe { sys::napi_create_double(env, number, &mut out) })?
        }
        Value::String(text) => check_status!(unsafe {
            sys::napi_create_string_utf8(env, text.as_ptr().cast(), text.len() as isize, &mut out)
        })?,
        Value::Array(items) => {
            check_status!(unsafe {
                sys::napi_create_array_with_length(env, items.len(), &mut out)
            })?;
            for (index, item) in items.iter().enumerate() {
                let item = to_js(env, item)?;
                check_status!(unsafe { sys::napi_set_element(env, out, index as u32, item) })?;
            }
        }
        Value::Object(map) => out = object_to_js(env, map)?,
    }
    Ok(out)
}

/// Builds the plain object of `map` exactly as [`object_to_js`] builds it, through `JSON.parse`
/// (see [`JsonText`]) of serde_json's text: serde writes `-0` as `-0.0` and every other number
/// as text that reads back as the same double, so nothing differs but the speed.
pub fn object_via_json(env: sys::napi_env, map: &Map<String, Value>) -> Result<sys::napi_value> {
    let text = serde_json::to_string(map)
        .map_err(|e| Error::new(Status::GenericFailure, e.to_string()))?;
    // SAFETY: `env` is the live environment of the caller.
    unsafe { JsonText::to_napi_value(env, JsonText(text)) }
}

/// Builds the plain object of `map`, as `JSON.parse` would.
pub fn object_to_js(env: sys::napi_env, map: &Map<String, Value>) -> Result<sys::napi_value> {
    let mut out = ptr::null_mut();
    check_status!(unsafe { sys::napi_create_object(env, &mut out) })?;
    for (key, item) in map {
        let mut name = ptr::null_mut();
        check_status!(unsafe {
            sys::napi_create_string_utf8(env, key.as_ptr().cast(), key.len() as isize, &mut name)
        })?;
        define(env, out, name, to_js(env, item)?)?;
    }
    Ok(out)
}

/// Creates or replaces the own data property `name` of `object`, writable, enumerable and
/// configurable. Defining (not assigning) keeps `__proto__` an ordinary key and never runs a
/// setter someone put on `Object.prototype`, exactly like `JSON.parse`.
pub fn define(
    env: sys::napi_env,
    object: sys::napi_value,
    name: sys::napi_value,
    value: sys::napi_value,
) -> Result<()> {
    let property = sys::napi_property_descriptor {
        utf8name: ptr::null(),
        name,
        method: None,
        getter: None,
        setter: None,
        value,
        attributes: sys::PropertyAttributes::writable
            | sys::PropertyAttributes::enumerable
            | sys::PropertyAttributes::configurable,
        data: ptr::null_mut(),
    };
    check_status!(unsafe { sys::napi_define_properties(env, object, 1, &property) })
}

/// How JavaScript prints a number JSON cannot hold (Rust would print `inf`).
fn js_spelling(number: f64) -> &'static str {
    if number.is_nan() {
        "NaN"
    } else if number > 0.0 {
        "Infinity"
    } else {
        "-Infinity"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_read_as_integers_as_json_parse_would_give_them() {
        let text = |n: f64| json_number(n).map(|n| Value::Number(n).to_string());
        assert_eq!(json_number(1.0), Some(Number::from(1u64)));
        assert_eq!(json_number(-0.0), Some(Number::from(0u64)));
        assert_eq!(json_number(-5.0), Some(Number::from(-5i64)));
        assert_eq!(
            json_number(1e19),
            Some(Number::from(10_000_000_000_000_000_000u64))
        );
        assert_eq!(text(1.5).as_deref(), Some("1.5"));
        // Beyond the 64-bit range core's parser reads a float too.
        assert!(json_number(2e19).is_some_and(|n| n.is_f64()));
        assert!(json_number(-1e19).is_some_and(|n| n.is_f64()));
        assert_eq!(json_number(f64::NAN), None);
        assert_eq!(json_number(f64::INFINITY), None);
        for n in [
            0.0,
            1.0,
            -7.0,
            1.5,
            1e19,
            2e19,
            -1e19,
            9_007_199_254_740_993.0,
        ] {
            let parsed: Value =
                serde_json::from_str(&polyseal::json::to_js_string(&Value::from(n))).expect("JSON");
            assert_eq!(Some(parsed), json_number(n).map(Value::Number), "{n}");
        }
    }

    #[test]
    fn paths_render_like_javascript_accessors() {
        let path = vec![
            Step::Key("a b".into()),
            Step::Index(2),
            Step::Key("roles".into()),
            Step::Key("user".into()),
        ];
        assert_eq!(render_path("data", &path), r#"data.user.roles[2]["a b"]"#);
        assert_eq!(
            render_path("data", &[Step::Key("1x".into())]),
            r#"data["1x"]"#
        );
        let cycle: Vec<Step> = (0..100).map(|_| Step::Key("self".into())).collect();
        let shown = render_path("data", &cycle);
        assert!(
            shown.ends_with('…') && shown.matches("self").count() == 12,
            "{shown}"
        );
    }
}
