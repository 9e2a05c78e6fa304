//! Functions `lib/index.js` hands the addon when it loads, and values the addon makes once, kept
//! per environment (the main thread and each worker load the addon separately).

use napi::bindgen_prelude::*;
use napi::{UnknownRef, sys};

#[derive(Default)]
struct Registered {
    /// The `PolysealError` constructor (`registerErrorClass`).
    error_class: Option<UnknownRef<false>>,
    /// `JSON.parse` (`registerJsonParse`).
    json_parse: Option<UnknownRef<false>>,
    /// The symbol a `Session` object keeps its data under (made on first use).
    session_data_key: Option<UnknownRef<false>>,
}

fn update(env: &Env, change: impl FnOnce(&mut Registered)) -> Result<()> {
    if let Some(registered) = env.get_instance_data::<Registered>()? {
        change(registered);
        return Ok(());
    }
    let mut registered = Registered::default();
    change(&mut registered);
    env.set_instance_data(registered, (), |_| {})
}

fn function(env: &Env, value: &Unknown) -> Result<UnknownRef<false>> {
    if value.get_type()? != ValueType::Function {
        return Err(Error::new(Status::FunctionExpected, "expected a function"));
    }
    // SAFETY: a live value of this env.
    unsafe { UnknownRef::<false>::from_napi_value(env.raw(), value.raw()) }
}

pub fn set_error_class(env: &Env, class: &Unknown) -> Result<()> {
    let class = function(env, class)?;
    update(env, |registered| registered.error_class = Some(class))
}

pub fn set_json_parse(env: &Env, parse: &Unknown) -> Result<()> {
    let parse = function(env, parse)?;
    update(env, |registered| registered.json_parse = Some(parse))
}

/// The registered `PolysealError` constructor, if any.
pub fn error_class<'env>(env: &'env Env) -> Result<Option<Unknown<'env>>> {
    registered(env, |registered| registered.error_class.as_ref())
}

/// The registered `JSON.parse`, if any.
pub fn json_parse<'env>(env: &'env Env) -> Result<Option<Unknown<'env>>> {
    registered(env, |registered| registered.json_parse.as_ref())
}

/// The symbol `Session` objects keep their data under: `Symbol(polyseal.session.data)`, one per
/// environment, made on first use.
pub fn session_data_key(env: &Env) -> Result<sys::napi_value> {
    if let Some(key) = registered(env, |registered| registered.session_data_key.as_ref())? {
        return Ok(key.raw());
    }
    let description = env.create_string("polyseal.session.data")?;
    let mut key = std::ptr::null_mut();
    // SAFETY: `description` is a live string of this env.
    check_status!(unsafe { sys::napi_create_symbol(env.raw(), description.raw(), &mut key) })?;
    // SAFETY: a live value of this env.
    let kept = unsafe { UnknownRef::<false>::from_napi_value(env.raw(), key) }?;
    update(env, |registered| registered.session_data_key = Some(kept))?;
    Ok(key)
}

/// The function `pick` chooses among this environment's registered ones, if registered.
fn registered<'env>(
    env: &'env Env,
    pick: impl FnOnce(&Registered) -> Option<&UnknownRef<false>>,
) -> Result<Option<Unknown<'env>>> {
    let Some(registered) = env.get_instance_data::<Registered>()? else {
        return Ok(None);
    };
    pick(registered)
        .map(|function| function.get_value(env))
        .transpose()
}
