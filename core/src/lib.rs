//! polyseal: seal HTTP sessions into encrypted, authenticated cookies.
//!
//! Two wire formats share one [`Keyring`]: the native v1 format (XAES-256-GCM, see
//! `docs/FORMAT.md`) and Fe26.2, byte-compatible with @hapi/iron, iron-webcrypto, h3 and
//! iron-session. Every failure is an [`Error`] with a stable [`ErrorCode`].
//!
//! Time and randomness are inputs: every operation has an `*_at(now_ms)` form, and only the
//! convenience wrappers read the system clock.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod b64;
pub mod clock;
pub mod cookie;
pub mod error;
pub mod iron;
pub mod json;
pub mod keyring;
pub mod native;
pub mod rng;
mod scan;
pub mod sealer;
pub mod session;
mod text_eq;
mod wiped;

pub use error::{Error, ErrorCode, Result};
pub use json::JsonText;
pub use keyring::{KeyEntry, Keyring, KeyringBuilder, Secret};
pub use sealer::{Format, Sealer, SealerOptions, Unsealed, UnsealedJson};
pub use serde_json::Value;

/// The crate version, shared by every binding.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The README's Rust examples, compiled and run as doctests so the README stays true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
