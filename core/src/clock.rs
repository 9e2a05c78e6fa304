//! The system clock, kept at the edge of the crate.
//!
//! Every format takes `now` as an input (`*_at` functions); only the convenience wrappers read
//! the clock, through this one function. `wasm32-unknown-unknown` has no system clock, so there
//! the wrappers are not compiled and hosts call the `*_at` functions with their own time.

/// Milliseconds since the Unix epoch, as JavaScript's `Date.now()` returns.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
pub fn now_ms() -> u64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}
