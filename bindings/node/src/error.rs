//! The one place where a failure becomes a JavaScript error.
//!
//! Every failure, whether core rejected an input or the binding could not read an argument, is a
//! [`Failure`]: a core [`ErrorCode`], a message and, when JavaScript code threw while we read an
//! argument (a getter, a proxy trap), that exception as the `cause`. [`throwable`] turns it into
//! a `PolysealError` instance (the class `lib/index.js` registers through `registerErrorClass`)
//! with `code` (the stable name) and `number`, and hands it to napi as an error that is thrown or
//! rejected as is.

use std::panic::{AssertUnwindSafe, catch_unwind};

use napi::bindgen_prelude::*;
use napi::sys;
use napi_derive::napi;
use polyseal::ErrorCode;

use crate::registry;

/// A failure on its way to JavaScript. `Send`, so async tasks carry it off the libuv pool.
#[derive(Debug)]
pub struct Failure {
    code: ErrorCode,
    message: String,
    /// A JavaScript exception caught while reading an argument.
    cause: Option<napi::Error>,
}

/// The result type inside the binding.
pub type Outcome<T> = std::result::Result<T, Failure>;

impl Failure {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Failure {
            code,
            message: message.into(),
            cause: None,
        }
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Failure::new(ErrorCode::InvalidArgument, message)
    }

    pub fn invalid_option(message: impl Into<String>) -> Self {
        Failure::new(ErrorCode::InvalidOption, message)
    }

    /// A napi call on a caller's value failed: if JavaScript threw (a getter, a proxy trap), the
    /// exception is taken off the engine and kept as the cause; otherwise napi's own message is
    /// kept. Either way the caller's value was unusable: `code`.
    pub fn from_napi(env: &Env, code: ErrorCode, what: &str, error: napi::Error) -> Self {
        match take_pending_exception(env) {
            Some(exception) => Failure {
                code,
                message: format!("{what}: reading it threw an exception (see `cause`)"),
                cause: Some(exception),
            },
            None => Failure::new(code, format!("{what}: {}", error.reason)),
        }
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// Prefixes the message, e.g. with the option or path the failure is about.
    pub fn context(mut self, prefix: &str) -> Self {
        self.message = format!("{prefix}{}", self.message);
        self
    }
}

impl From<polyseal::Error> for Failure {
    fn from(error: polyseal::Error) -> Self {
        Failure::new(error.code(), error.message())
    }
}

/// Takes the exception JavaScript left pending, if any, so that we can throw our own error.
fn take_pending_exception(env: &Env) -> Option<napi::Error> {
    let mut pending = false;
    // SAFETY: `env` is the live environment of the current call.
    let status = unsafe { sys::napi_is_exception_pending(env.raw(), &mut pending) };
    if status != sys::Status::napi_ok || !pending {
        return None;
    }
    let mut exception = std::ptr::null_mut();
    // SAFETY: as above; on success `exception` is a value of this env.
    let status = unsafe { sys::napi_get_and_clear_last_exception(env.raw(), &mut exception) };
    if status != sys::Status::napi_ok || exception.is_null() {
        return None;
    }
    // SAFETY: `exception` was just returned by the engine for this env.
    let value = unsafe { Unknown::from_raw_unchecked(env.raw(), exception) };
    Some(napi::Error::from_unknown_without_coercion(value))
}

/// Registers the `PolysealError` class that every error is an instance of.
///
/// Internal: `lib/index.js` calls it once when it loads. The class is called as
/// `new PolysealError(code, message, { cause })` and must set `code` and `number`.
#[napi(
    catch_unwind,
    ts_args_type = "errorClass: new (code: string, message: string, options?: { cause?: unknown }) => Error"
)]
pub fn register_error_class(env: Env, error_class: Unknown) -> Result<()> {
    if error_class.get_type()? != ValueType::Function {
        return Err(throwable(
            &env,
            Failure::invalid_argument("registerErrorClass expects a class"),
        ));
    }
    registry::set_error_class(&env, &error_class)
}

/// The single mapping from a [`Failure`] to the JavaScript error napi throws or rejects with.
pub fn throwable(env: &Env, failure: Failure) -> napi::Error {
    let fallback = format!("{}: {}", failure.code.name(), failure.message);
    match build_error(env, failure) {
        Ok(error) => error,
        Err(_) => {
            // Building the error threw (a hostile global, say): never leave that pending.
            let _ = take_pending_exception(env);
            napi::Error::new(Status::GenericFailure, fallback)
        }
    }
}

fn build_error(env: &Env, failure: Failure) -> Result<napi::Error> {
    Ok(napi::Error::from(error_object(env, failure)?.to_unknown()))
}

/// The `PolysealError` instance for `failure`, as a value (a session's `rejection`) rather than
/// something to throw.
pub fn error_object(env: &Env, failure: Failure) -> Result<Object<'_>> {
    let Failure {
        code,
        message,
        cause,
    } = failure;
    let cause = match cause {
        // SAFETY: the cause was captured on this env and thread; napi hands the value back.
        Some(cause) => Some(unsafe {
            Unknown::from_raw_unchecked(env.raw(), ToNapiValue::to_napi_value(env.raw(), cause)?)
        }),
        None => None,
    };
    let registered = registry::error_class(env).ok().flatten();
    let error: Object = match registered {
        Some(class) => {
            let class: Function<'_, FnArgs<(String, String, Object)>, Unknown> =
                // SAFETY: registration checked that the value is a function.
                unsafe { Function::from_napi_value(env.raw(), class.raw())? };
            let mut options = Object::new(env)?;
            if let Some(cause) = cause {
                options.set_named_property("cause", cause)?;
            }
            let instance = class.new_instance((code.name().to_owned(), message, options).into())?;
            // SAFETY: `new` returns an object.
            unsafe { Object::from_napi_value(env.raw(), instance.raw())? }
        }
        None => {
            // The raw addon was loaded without `lib/index.js`: a plain Error with the same fields.
            let mut error = env.create_error(napi::Error::new(Status::GenericFailure, message))?;
            error.set_named_property("name", "PolysealError")?;
            error.set_named_property("code", code.name())?;
            error.set_named_property("number", code.number())?;
            if let Some(cause) = cause {
                error.set_named_property("cause", cause)?;
            }
            error
        }
    };
    Ok(error)
}

/// Runs an export's body, turning a panic into an `INTERNAL` error and any [`Failure`] into a
/// thrown `PolysealError`. (`#[napi(catch_unwind)]` stays on every export as a second net.)
pub fn guard<T>(env: &Env, body: impl FnOnce() -> Outcome<T>) -> Result<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(failure)) => Err(throwable(env, failure)),
        Err(_) => Err(throwable(env, internal_panic())),
    }
}

/// The failure reported when Rust code panicked; the panic message is not exposed.
pub fn internal_panic() -> Failure {
    Failure::new(
        ErrorCode::Internal,
        "an internal error was caught at the Node boundary (a bug: please report it)",
    )
}

/// The stable error table, name to number, in numeric order (`ERROR_CODES` in `lib/index.js`).
#[napi(catch_unwind, ts_return_type = "Record<string, number>")]
pub fn error_codes(env: &Env) -> Result<Object<'_>> {
    let mut codes = Object::new(env)?;
    for code in ErrorCode::ALL {
        codes.set_named_property(code.name(), code.number())?;
    }
    Ok(codes)
}
