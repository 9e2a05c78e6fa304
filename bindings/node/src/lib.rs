//! Node.js bindings for polyseal.
//!
//! A thin translation layer: JavaScript values and options in, core calls, `PolysealError`s
//! out. `lib/index.js` (hand-written) wraps the generated `index.js` to add the
//! `PolysealError` class and the frozen constants; everything else is defined here.

#![deny(clippy::all)]
// napi-derive registers exports only outside `cfg(test)`, so unit-test builds see them unused.
#![cfg_attr(test, allow(dead_code))]

mod convert;
mod cookie;
mod error;
mod iron;
mod keyring;
mod options;
mod raw;
mod registry;
mod sealer;
mod session;

use napi::bindgen_prelude::*;
use napi_derive::napi;

/// The package version; always equal to the Rust core's.
// Lower-case because napi registers a const under its Rust name.
#[allow(non_upper_case_globals)]
#[napi]
pub const version: &str = polyseal::VERSION;

/// A password string (at least 32 characters) or a raw 32-byte key.
#[napi]
pub type Secret = Either<String, Uint8Array>;

/// A wire format.
#[napi(string_enum)]
pub enum Format {
    /// polyseal's own v1 format (XAES-256-GCM).
    #[napi(value = "native")]
    Native,
    /// Fe26.2 as h3 1.x seals sessions.
    #[napi(value = "h3-v1")]
    H3V1,
    /// Fe26.2 as h3 2.x seals sessions (8192 PBKDF2 iterations).
    #[napi(value = "h3-v2")]
    H3V2,
    /// Fe26.2 as iron-session seals cookies.
    #[napi(value = "iron-session")]
    IronSession,
    /// Generic Fe26.2 with iron's defaults.
    #[napi(value = "iron")]
    Iron,
}

/// Every format name, in core's order (`FORMATS` in `lib/index.js`).
#[napi(catch_unwind)]
pub fn formats() -> Vec<Format> {
    polyseal::Format::ALL
        .into_iter()
        .map(|format| match format {
            polyseal::Format::Native => Format::Native,
            polyseal::Format::H3V1 => Format::H3V1,
            polyseal::Format::H3V2 => Format::H3V2,
            polyseal::Format::IronSession => Format::IronSession,
            polyseal::Format::Iron => Format::Iron,
        })
        .collect()
}
