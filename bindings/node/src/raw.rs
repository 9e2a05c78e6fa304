//! The two calls a request makes, `sealJsonWith` and `unsealPartsWith` (`lib/json-text.js`),
//! as plain Node-API callbacks.
//!
//! napi-rs wraps every exported function with arguments in bookkeeping for native borrows: a
//! scope allocated, pushed on a thread-local stack, closed and released on every call. That is
//! about 80 ns, some 4% of a Node h3-v1 seal. Neither of these two lets anything it borrows
//! outlive the call, so the module's init hook replaces napi-rs's exports of them with
//! callbacks that read the arguments and call the very same functions (`sealer.rs`). napi-rs
//! still declares them, which keeps their entries in `index.js` and `index.d.ts`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::ptr;

use napi::bindgen_prelude::*;
use napi::{JsError, sys};
use napi_derive::napi;

use crate::convert::FastText;
use crate::error::{internal_panic, throwable};
use crate::sealer;

/// Puts the plain callbacks in place of napi-rs's exports of the same names.
#[napi(module_exports)]
pub fn replace_hot_exports(mut exports: Object, env: Env) -> Result<()> {
    replace(&mut exports, &env, "sealJsonWith", seal_json_with)?;
    replace(&mut exports, &env, "unsealPartsWith", unseal_parts_with)
}

type Callback = unsafe extern "C" fn(sys::napi_env, sys::napi_callback_info) -> sys::napi_value;

fn replace(exports: &mut Object, env: &Env, name: &str, callback: Callback) -> Result<()> {
    let mut function = ptr::null_mut();
    check_status!(unsafe {
        sys::napi_create_function(
            env.raw(),
            name.as_ptr().cast(),
            name.len() as isize,
            Some(callback),
            ptr::null_mut(),
            &mut function,
        )
    })?;
    // SAFETY: napi just created the function on this env.
    exports.set_named_property(name, unsafe {
        Unknown::from_raw_unchecked(env.raw(), function)
    })
}

/// `sealJsonWith(handle, json, options)`: [`sealer::seal_json_with`].
unsafe extern "C" fn seal_json_with(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    unsafe {
        call(env, info, |env, [handle, json, options]| {
            let handle = <&External<polyseal::Sealer>>::from_napi_value(env.raw(), handle)?;
            let json = Unknown::from_raw_unchecked(env.raw(), json);
            let options = Option::<Unknown>::from_napi_value(env.raw(), options)?;
            let token = sealer::seal_json_with(env, handle, json, options)?;
            FastText::to_napi_value(env.raw(), token)
        })
    }
}

/// `unsealPartsWith(handle, token, options, fields)`: [`sealer::unseal_parts_with`].
unsafe extern "C" fn unseal_parts_with(
    env: sys::napi_env,
    info: sys::napi_callback_info,
) -> sys::napi_value {
    unsafe {
        call(env, info, |env, [handle, token, options, fields]| {
            let handle = <&External<polyseal::Sealer>>::from_napi_value(env.raw(), handle)?;
            let token = Unknown::from_raw_unchecked(env.raw(), token);
            let options = Option::<Unknown>::from_napi_value(env.raw(), options)?;
            let fields = Unknown::from_raw_unchecked(env.raw(), fields);
            let text = sealer::unseal_parts_with(env, handle, token, options, fields)?;
            FastText::to_napi_value(env.raw(), text)
        })
    }
}

/// Reads `N` arguments (napi passes `undefined` for missing ones) and runs `body` on them. An
/// error it returns is thrown; a panic is caught and thrown as `INTERNAL`, as the functions'
/// own guards report one.
///
/// # Safety
///
/// `env` and `info` are those Node-API passed to the callback.
unsafe fn call<const N: usize>(
    env: sys::napi_env,
    info: sys::napi_callback_info,
    body: impl FnOnce(Env, [sys::napi_value; N]) -> Result<sys::napi_value>,
) -> sys::napi_value {
    let mut argv = [ptr::null_mut(); N];
    let mut argc = N;
    let status = unsafe {
        sys::napi_get_cb_info(
            env,
            info,
            &mut argc,
            argv.as_mut_ptr(),
            ptr::null_mut(),
            ptr::null_mut(),
        )
    };
    let outcome = if status == sys::Status::napi_ok {
        catch_unwind(AssertUnwindSafe(|| body(Env::from_raw(env), argv)))
            .unwrap_or_else(|_| Err(throwable(&Env::from_raw(env), internal_panic())))
    } else {
        Err(Error::new(
            Status::from(status),
            "could not read the arguments",
        ))
    };
    outcome.unwrap_or_else(|error| {
        // SAFETY: on the JavaScript thread, inside the callback.
        unsafe { JsError::from(error).throw_into(env) };
        ptr::null_mut()
    })
}
