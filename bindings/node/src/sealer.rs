//! `Sealer`, the module-level `seal`/`unseal`, and their Promise variants.
//!
//! Sync calls run on the JavaScript thread: right for native tokens (microseconds). The `*Async`
//! variants convert the arguments on the JavaScript thread, then seal or unseal on the libuv
//! thread pool (napi `AsyncTask`), so PBKDF2 with 8192 iterations (h3-v2) never blocks the event
//! loop. Every failure of an async call, argument errors included, rejects the Promise.

use std::borrow::Cow;
use std::panic::{AssertUnwindSafe, catch_unwind};

use napi::bindgen_prelude::*;
use napi_derive::napi;
use polyseal::{ErrorCode, Value};

use crate::convert::{self, FastText, Json, JsonText};
use crate::error::{Failure, Outcome, guard, internal_panic, throwable};
use crate::keyring::{self, KeyringInfo, keyring_arg};
use crate::options::{self, string_arg_or, with_string_arg_or};

/// What an authentic token holds.
#[napi(object, object_from_js = false)]
pub struct Unsealed {
    /// The payload, as `JSON.parse` would build it.
    #[napi(ts_type = "unknown")]
    pub data: Json,
    /// Id of the key that sealed the token (`""` for an id-less secret).
    pub key_id: String,
    /// Issued-at in ms since the Unix epoch (native tokens; `null` for Fe26.2).
    pub issued_at: Either<f64, Null>,
    /// Expiry in ms since the Unix epoch, or `null` for a token that never expires.
    pub expires_at: Either<f64, Null>,
    /// True when the token should be sealed again: an old key, or a legacy h3 cookie.
    pub needs_reseal: bool,
}

impl From<polyseal::Unsealed> for Unsealed {
    fn from(opened: polyseal::Unsealed) -> Self {
        let time = |ms: Option<u64>| ms.map_or(Either::B(Null), |ms| Either::A(ms as f64));
        Unsealed {
            data: Json(opened.value),
            key_id: opened.key_id,
            issued_at: time(opened.issued_at),
            expires_at: time(opened.expires_at),
            needs_reseal: opened.needs_reseal,
        }
    }
}

/// What `JSON.stringify(sealer)` shows: the format and key ids, never secrets.
#[napi(object, object_from_js = false)]
pub struct SealerInfo {
    /// The wire format.
    #[napi(ts_type = "Format")]
    pub format: String,
    /// The keyring's ids.
    pub keyring: KeyringInfo,
}

/// A keyring, a format and options, configured once: seals and unseals tokens.
///
/// ```js
/// const sealer = new Sealer(keyring, { cookieName: 'session', ttl: 3_600_000 })
/// const token = sealer.seal({ userId: 1 })
/// const { data, needsReseal } = sealer.unseal(token)   // throws PolysealError (err.code)
/// ```
#[napi]
pub struct Sealer {
    inner: polyseal::Sealer,
}

#[napi]
impl Sealer {
    #[napi(
        constructor,
        catch_unwind,
        ts_args_type = "keyring: Keyring | Secret, options?: SealerOptions"
    )]
    pub fn new(env: Env, keyring: Unknown, options: Option<Unknown>) -> Result<Self> {
        guard(&env, || {
            let keyring = keyring_arg(&env, &keyring, "keyring")?;
            let options = options::read_sealer(&env, options.as_ref(), "sealer options")?;
            Ok(Sealer {
                inner: build_sealer(keyring, options)?,
            })
        })
    }

    /// The wire format.
    #[napi(getter, ts_return_type = "Format")]
    pub fn format(&self) -> &'static str {
        self.inner.format().name()
    }

    /// Seals a JSON-compatible value into a token, synchronously.
    #[napi(
        catch_unwind,
        ts_args_type = "data: unknown, options?: CallOptions",
        ts_return_type = "string"
    )]
    pub fn seal(&self, env: Env, data: Unknown, options: Option<Unknown>) -> Result<FastText> {
        guard(&env, || {
            let job = self.seal_job(&env, &data, options.as_ref())?;
            job.run().map(FastText)
        })
    }

    /// Unseals and verifies a token, synchronously.
    #[napi(catch_unwind, ts_args_type = "token: string, options?: CallOptions")]
    pub fn unseal(&self, env: Env, token: Unknown, options: Option<Unknown>) -> Result<Unsealed> {
        guard(&env, || {
            let job = self.unseal_job(&env, &token, options.as_ref())?;
            Ok(job.run()?.into())
        })
    }

    /// Unseals and verifies a token, synchronously, and returns what `unseal` returns as JSON
    /// text: `{"data":…,"keyId":…,"issuedAt":…,"expiresAt":…,"needsReseal":…}`, `data` being
    /// the payload's text exactly as it was sealed. `unseal` is this plus `JSON.parse`.
    #[napi(
        catch_unwind,
        ts_args_type = "token: string, options?: CallOptions",
        ts_return_type = "string"
    )]
    pub fn unseal_json(
        &self,
        env: Env,
        token: Unknown,
        options: Option<Unknown>,
    ) -> Result<FastText> {
        guard(&env, || {
            unseal_json_text(&env, &self.inner, &token, options.as_ref()).map(FastText)
        })
    }

    /// Seals JSON text as it is, synchronously: the text is validated (UTF-8 JSON within
    /// `maxDepth`) and sealed byte for byte, so key order and number spelling are kept.
    #[napi(
        catch_unwind,
        ts_args_type = "json: string, options?: CallOptions",
        ts_return_type = "string"
    )]
    pub fn seal_json(&self, env: Env, json: Unknown, options: Option<Unknown>) -> Result<FastText> {
        guard(&env, || {
            seal_json_now(&env, &self.inner, &json, options.as_ref()).map(FastText)
        })
    }

    /// Seals on the libuv thread pool.
    #[napi(
        catch_unwind,
        ts_args_type = "data: unknown, options?: CallOptions",
        ts_return_type = "Promise<string>"
    )]
    pub fn seal_async(
        &self,
        env: Env,
        data: Unknown,
        options: Option<Unknown>,
    ) -> AsyncTask<SealTask> {
        let job = caught(|| self.seal_job(&env, &data, options.as_ref()));
        AsyncTask::new(PoolTask(Some(job)))
    }

    /// `sealJson` on the libuv thread pool.
    #[napi(
        catch_unwind,
        ts_args_type = "json: string, options?: CallOptions",
        ts_return_type = "Promise<string>"
    )]
    pub fn seal_json_async(
        &self,
        env: Env,
        json: Unknown,
        options: Option<Unknown>,
    ) -> AsyncTask<SealTask> {
        let job = caught(|| self.seal_json_job(&env, &json, options.as_ref()));
        AsyncTask::new(PoolTask(Some(job)))
    }

    /// Unseals on the libuv thread pool.
    #[napi(
        catch_unwind,
        ts_args_type = "token: string, options?: CallOptions",
        ts_return_type = "Promise<Unsealed>"
    )]
    pub fn unseal_async(
        &self,
        env: Env,
        token: Unknown,
        options: Option<Unknown>,
    ) -> AsyncTask<UnsealTask> {
        let job = caught(|| self.unseal_job(&env, &token, options.as_ref()));
        AsyncTask::new(UnsealTask {
            job: Some(job),
            data_only: false,
        })
    }

    /// The format and key ids: a sealer never serializes its secrets.
    #[napi(js_name = "toJSON")]
    pub fn to_json(&self) -> SealerInfo {
        SealerInfo {
            format: self.inner.format().name().to_owned(),
            keyring: keyring::info(self.inner.keyring()),
        }
    }
}

impl Sealer {
    fn seal_job(&self, env: &Env, data: &Unknown, options: Option<&Unknown>) -> Outcome<SealJob> {
        seal_job(
            env,
            self.inner.clone(),
            data,
            options::read_call(env, options, "options")?,
        )
    }

    fn seal_json_job(
        &self,
        env: &Env,
        json: &Unknown,
        options: Option<&Unknown>,
    ) -> Outcome<SealJob> {
        seal_json_job(env, &self.inner, json, options)
    }

    fn unseal_job(
        &self,
        env: &Env,
        token: &Unknown,
        options: Option<&Unknown>,
    ) -> Outcome<UnsealJob> {
        unseal_job(
            env,
            self.inner.clone(),
            token,
            options::read_call(env, options, "options")?,
        )
    }
}

fn seal_json_job(
    env: &Env,
    sealer: &polyseal::Sealer,
    json: &Unknown,
    options: Option<&Unknown>,
) -> Outcome<SealJob> {
    let now = options::read_call(env, options, "options")?;
    Ok(SealJob {
        sealer: sealer.clone(),
        payload: Payload::Text(string_arg_or(env, json, "json", ErrorCode::InvalidJson)?),
        now,
    })
}

/// `sealer.sealJson(json, options)` on a sealer already unwrapped, on this thread: what a
/// [`SealJob`] does, in the same order, with the text borrowed rather than copied.
fn seal_json_now(
    env: &Env,
    sealer: &polyseal::Sealer,
    json: &Unknown,
    options: Option<&Unknown>,
) -> Outcome<String> {
    let now = options::read_call(env, options, "options")?;
    let seal = |text: Cow<'_, str>| {
        sealer.seal_json_at(&text, now.unwrap_or_else(polyseal::clock::now_ms))
    };
    Ok(with_string_arg_or(
        env,
        json,
        "json",
        ErrorCode::InvalidJson,
        seal,
    )??)
}

/// What an [`UnsealJob`]'s `run_json` does, on this thread, with the token borrowed rather
/// than copied.
fn unseal_json_now(
    env: &Env,
    sealer: &polyseal::Sealer,
    token: &Unknown,
    now: Option<u64>,
) -> Outcome<polyseal::UnsealedJson> {
    let open = |token: Cow<'_, str>| {
        sealer.unseal_json_at(&token, now.unwrap_or_else(polyseal::clock::now_ms))
    };
    Ok(with_string_arg_or(
        env,
        token,
        "token",
        ErrorCode::Malformed,
        open,
    )??)
}

/// `sealer.unsealJson(token, options)` on a sealer already unwrapped.
fn unseal_json_text(
    env: &Env,
    sealer: &polyseal::Sealer,
    token: &Unknown,
    options: Option<&Unknown>,
) -> Outcome<String> {
    let now = options::read_call(env, options, "options")?;
    Ok(unsealed_json_text(&unseal_json_now(
        env, sealer, token, now,
    )?))
}

// Internal: the JSON-text paths of `lib/json-text.js`. A `Sealer` method call unwraps the
// instance (type tag, borrow bookkeeping), which costs about as much again as a plain function
// call; `lib/json-text.js` takes a handle to the sealer once per `Sealer` and calls these plain
// functions with it. Each does exactly what the `Sealer` method of the same name does.
// `sealJsonWith` and `unsealPartsWith`, the two a request makes, are exported as plain Node-API
// callbacks that call these functions (`raw.rs`).

/// Internal: what `lib/json-text.js` needs of a `Sealer`.
#[napi(object, object_from_js = false)]
pub struct SealerHandle {
    /// The sealer's configuration, for `sealJsonWith`, `sealValueJsonAsync`, `unsealPartsWith`.
    #[napi(ts_type = "object")]
    pub sealer: External<polyseal::Sealer>,
    /// The deepest nesting the sealer seals (`maxDepth`).
    pub max_depth: u32,
}

/// Internal: `sealer`'s configuration and nesting limit, for `lib/json-text.js`.
#[napi(catch_unwind)]
pub fn sealer_handle(sealer: &Sealer) -> SealerHandle {
    SealerHandle {
        max_depth: u32::try_from(sealer.inner.options().json.max_depth).unwrap_or(u32::MAX),
        sealer: External::new(sealer.inner.clone()),
    }
}

/// Internal: `Sealer#sealJson` on the sealer of `handle` (`sealerHandle(sealer).sealer`).
#[napi(
    catch_unwind,
    ts_args_type = "handle: object, json: string, options?: CallOptions",
    ts_return_type = "string"
)]
pub fn seal_json_with(
    env: Env,
    handle: &External<polyseal::Sealer>,
    json: Unknown,
    options: Option<Unknown>,
) -> Result<FastText> {
    guard(&env, || {
        seal_json_now(&env, handle, &json, options.as_ref()).map(FastText)
    })
}

/// Internal: `Sealer#sealAsync` of the value whose JSON text `lib/json-text.js` wrote, on the
/// sealer of `handle` (`sealerHandle(sealer).sealer`): the text is parsed back into that value on the
/// libuv thread pool and sealed as `sealAsync` seals it, with the same checks and errors.
#[napi(
    catch_unwind,
    ts_args_type = "handle: object, json: string, options?: CallOptions",
    ts_return_type = "Promise<string>"
)]
pub fn seal_value_json_async(
    env: Env,
    handle: &External<polyseal::Sealer>,
    json: Unknown,
    options: Option<Unknown>,
) -> AsyncTask<SealTask> {
    let job = caught(|| {
        let mut job = seal_json_job(&env, handle, &json, options.as_ref())?;
        if let Payload::Text(text) = job.payload {
            job.payload = Payload::ValueText(text);
        }
        Ok(job)
    });
    AsyncTask::new(PoolTask(Some(job)))
}

/// Internal: `Sealer#unseal` on the sealer of `handle` (`sealerHandle(sealer).sealer`), in
/// parts `lib/json-text.js` assembles: returns the key id followed by the payload's JSON text,
/// and writes `[issuedAt, expiresAt, needsReseal, keyId.length]` into `fields`, a
/// `Float64Array` of 4 (a missing time is NaN, `needsReseal` 0 or 1, the key id's length in
/// UTF-16 code units). `JSON.parse` of the payload alone is cheaper than of a whole result.
#[napi(
    catch_unwind,
    ts_args_type = "handle: object, token: string, options: CallOptions | undefined, fields: Float64Array",
    ts_return_type = "string"
)]
pub fn unseal_parts_with(
    env: Env,
    handle: &External<polyseal::Sealer>,
    token: Unknown,
    options: Option<Unknown>,
    fields: Unknown,
) -> Result<FastText> {
    guard(&env, || {
        let fields = result_fields(&env, &fields)?;
        let now = options::read_call(&env, options.as_ref(), "options")?;
        let opened = unseal_json_now(&env, handle, &token, now)?;
        let time = |ms: Option<u64>| ms.map_or(f64::NAN, |ms| ms as f64);
        fields[0] = time(opened.issued_at);
        fields[1] = time(opened.expires_at);
        fields[2] = if opened.needs_reseal { 1.0 } else { 0.0 };
        fields[3] = opened.key_id.encode_utf16().count() as f64;
        let mut text = opened.key_id;
        text.push_str(&opened.json);
        Ok(FastText(text))
    })
}

/// The four numbers of a `Float64Array` argument of `unsealPartsWith`.
fn result_fields<'a>(env: &Env, fields: &Unknown) -> Outcome<&'a mut [f64]> {
    let mut kind = 0;
    let mut length = 0usize;
    let mut data = std::ptr::null_mut();
    let mut buffer = std::ptr::null_mut();
    let mut offset = 0usize;
    // SAFETY: `fields` is a live value of this env; napi checks that it is a typed array.
    let status = unsafe {
        napi::sys::napi_get_typedarray_info(
            env.raw(),
            fields.raw(),
            &mut kind,
            &mut length,
            &mut data,
            &mut buffer,
            &mut offset,
        )
    };
    if status != napi::sys::Status::napi_ok
        || kind != napi::sys::TypedarrayType::float64_array
        || length < 4
        || data.is_null()
    {
        return Err(Failure::new(
            ErrorCode::Internal,
            "unsealPartsWith needs a Float64Array of 4",
        ));
    }
    // SAFETY: napi reported a live Float64Array of at least 4 elements at `data` (aligned, as
    // every Float64Array is); no JavaScript runs while the slice is in use.
    Ok(unsafe { std::slice::from_raw_parts_mut(data.cast::<f64>(), 4) })
}

pub fn build_sealer(
    keyring: polyseal::Keyring,
    options: Option<options::SealerOptions>,
) -> Outcome<polyseal::Sealer> {
    let (format, options) = options::to_core(options)?;
    Ok(polyseal::Sealer::with_options(keyring, format, options)?)
}

/// What a seal seals: a value read from JavaScript, JSON text passed through as is, or the
/// JSON text `lib/json-text.js` wrote of a value, sealed as that value.
enum Payload {
    Value(Value),
    Text(String),
    ValueText(String),
}

/// Everything a seal needs, read off the JavaScript thread's values; runs anywhere.
pub struct SealJob {
    sealer: polyseal::Sealer,
    payload: Payload,
    now: Option<u64>,
}

impl PoolJob for SealJob {
    type Output = String;

    fn run(self) -> Outcome<String> {
        let now = self.now.unwrap_or_else(polyseal::clock::now_ms);
        Ok(match &self.payload {
            Payload::Value(value) => self.sealer.seal_at(value, now)?,
            Payload::Text(text) => self.sealer.seal_json_at(text, now)?,
            Payload::ValueText(text) => {
                // The text is what core writes of the value the native reader would have read
                // (lib/json-text.js), so parsing it gives that value back, and `seal_at` checks
                // and fails exactly as it does for the value.
                let value: Value = serde_json::from_str(text).map_err(|error| {
                    Failure::new(
                        ErrorCode::Internal,
                        format!("the JSON text of a value did not parse: {error}"),
                    )
                })?;
                self.sealer.seal_at(&value, now)?
            }
        })
    }
}

pub fn seal_job(
    env: &Env,
    sealer: polyseal::Sealer,
    data: &Unknown,
    now: Option<u64>,
) -> Outcome<SealJob> {
    let value = convert::from_js(env, data.raw(), sealer.options().json.max_depth, "data")?;
    Ok(SealJob {
        sealer,
        payload: Payload::Value(value),
        now,
    })
}

/// Everything an unseal needs; runs anywhere.
pub struct UnsealJob {
    sealer: polyseal::Sealer,
    token: String,
    now: Option<u64>,
}

impl UnsealJob {
    fn run(self) -> Outcome<polyseal::Unsealed> {
        Ok(match self.now {
            Some(now) => self.sealer.unseal_at(&self.token, now)?,
            None => self.sealer.unseal(&self.token)?,
        })
    }

    /// [`UnsealJob::run`] with the payload left as the JSON text it was sealed as (core checks
    /// it exactly as `run` does, and fails the same way).
    fn run_json(self) -> Outcome<polyseal::UnsealedJson> {
        let now = self.now.unwrap_or_else(polyseal::clock::now_ms);
        Ok(self.sealer.unseal_json_at(&self.token, now)?)
    }
}

/// `{"data":…,"keyId":…,"issuedAt":…,"expiresAt":…,"needsReseal":…}`: an [`Unsealed`] as JSON
/// text, the payload embedded as it was sealed (core checked that it is one JSON value), so
/// `JSON.parse` builds the same object, fields in the same order, as napi builds an `Unsealed`.
fn unsealed_json_text(opened: &polyseal::UnsealedJson) -> String {
    use std::fmt::Write;

    let time = |ms: Option<u64>| ms.map_or_else(|| "null".to_owned(), |ms| ms.to_string());
    let mut out = String::with_capacity(opened.json.len() + 96);
    out.push_str("{\"data\":");
    out.push_str(&opened.json);
    // Writing to a String cannot fail.
    let _ = write!(
        out,
        ",\"keyId\":{},\"issuedAt\":{},\"expiresAt\":{},\"needsReseal\":{}}}",
        Value::from(opened.key_id.as_str()),
        time(opened.issued_at),
        time(opened.expires_at),
        opened.needs_reseal,
    );
    out
}

pub fn unseal_job(
    env: &Env,
    sealer: polyseal::Sealer,
    token: &Unknown,
    now: Option<u64>,
) -> Outcome<UnsealJob> {
    let token = string_arg_or(env, token, "token", ErrorCode::Malformed)?;
    Ok(UnsealJob { sealer, token, now })
}

/// Runs `job`, turning a panic into `INTERNAL`: for async tasks and their argument reading.
pub fn caught<T>(job: impl FnOnce() -> Outcome<T>) -> Outcome<T> {
    catch_unwind(AssertUnwindSafe(job)).unwrap_or_else(|_| Err(internal_panic()))
}

pub fn missing_job() -> Failure {
    Failure::new(ErrorCode::Internal, "the task ran twice")
}

/// Work that runs anywhere once its arguments are read on the JavaScript thread, and settles
/// with what it returns.
pub trait PoolJob: Send + 'static {
    type Output: ToNapiValue + TypeName + Send + 'static;

    fn run(self) -> Outcome<Self::Output>;
}

/// A [`PoolJob`] on the libuv thread pool. Holds the argument failure, if any, so that it
/// rejects.
pub struct PoolTask<J>(pub Option<Outcome<J>>);

impl<J: PoolJob> Task for PoolTask<J> {
    type Output = Outcome<J::Output>;
    type JsValue = J::Output;

    fn compute(&mut self) -> Result<Self::Output> {
        let job = self.0.take();
        Ok(caught(|| job.ok_or_else(missing_job)??.run()))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<J::Output> {
        output.map_err(|failure| throwable(&env, failure))
    }
}

/// A seal on the libuv thread pool.
pub type SealTask = PoolTask<SealJob>;

/// An unseal on the libuv thread pool; resolves to an `Unsealed`, or to the data alone, built
/// from JSON text by `JSON.parse` (see [`JsonText`]).
pub struct UnsealTask {
    pub job: Option<Outcome<UnsealJob>>,
    pub data_only: bool,
}

impl Task for UnsealTask {
    type Output = Outcome<polyseal::UnsealedJson>;
    type JsValue = JsonText;

    fn compute(&mut self) -> Result<Self::Output> {
        let job = self.job.take();
        Ok(caught(|| job.ok_or_else(missing_job)??.run_json()))
    }

    fn resolve(&mut self, env: Env, output: Self::Output) -> Result<Self::JsValue> {
        match output {
            Ok(opened) if self.data_only => Ok(JsonText(opened.json)),
            Ok(opened) => Ok(JsonText(unsealed_json_text(&opened))),
            Err(failure) => Err(throwable(&env, failure)),
        }
    }
}

/// Reads the arguments shared by the module-level functions.
fn module_sealer(
    env: &Env,
    keyring: &Unknown,
    options: Option<&Unknown>,
) -> Outcome<(polyseal::Sealer, Option<u64>)> {
    let keyring = keyring_arg(env, keyring, "keyring")?;
    let (options, now) = options::read_sealer_and_call(env, options, "options")?;
    Ok((build_sealer(keyring, options)?, now))
}

/// Seals `data` with a one-off sealer: `seal(data, keyring, { cookieName, ttl, now, ... })`.
#[napi(
    catch_unwind,
    ts_args_type = "data: unknown, keyring: Keyring | Secret, options?: SealerOptions & CallOptions"
)]
pub fn seal(env: Env, data: Unknown, keyring: Unknown, options: Option<Unknown>) -> Result<String> {
    guard(&env, || {
        let (sealer, now) = module_sealer(&env, &keyring, options.as_ref())?;
        seal_job(&env, sealer, &data, now)?.run()
    })
}

/// Unseals `token` and returns its data (use `Sealer#unseal` for the key id and times).
#[napi(
    catch_unwind,
    ts_args_type = "token: string, keyring: Keyring | Secret, options?: SealerOptions & CallOptions",
    ts_return_type = "unknown"
)]
pub fn unseal(
    env: Env,
    token: Unknown,
    keyring: Unknown,
    options: Option<Unknown>,
) -> Result<JsonText> {
    guard(&env, || {
        let (sealer, now) = module_sealer(&env, &keyring, options.as_ref())?;
        Ok(JsonText(
            unseal_job(&env, sealer, &token, now)?.run_json()?.json,
        ))
    })
}

/// `seal` on the libuv thread pool.
#[napi(
    catch_unwind,
    ts_args_type = "data: unknown, keyring: Keyring | Secret, options?: SealerOptions & CallOptions",
    ts_return_type = "Promise<string>"
)]
pub fn seal_async(
    env: Env,
    data: Unknown,
    keyring: Unknown,
    options: Option<Unknown>,
) -> AsyncTask<SealTask> {
    let job = caught(|| {
        let (sealer, now) = module_sealer(&env, &keyring, options.as_ref())?;
        seal_job(&env, sealer, &data, now)
    });
    AsyncTask::new(PoolTask(Some(job)))
}

/// `unseal` on the libuv thread pool.
#[napi(
    catch_unwind,
    ts_args_type = "token: string, keyring: Keyring | Secret, options?: SealerOptions & CallOptions",
    ts_return_type = "Promise<unknown>"
)]
pub fn unseal_async(
    env: Env,
    token: Unknown,
    keyring: Unknown,
    options: Option<Unknown>,
) -> AsyncTask<UnsealTask> {
    let job = caught(|| {
        let (sealer, now) = module_sealer(&env, &keyring, options.as_ref())?;
        unseal_job(&env, sealer, &token, now)
    });
    AsyncTask::new(UnsealTask {
        job: Some(job),
        data_only: true,
    })
}
