//! Randomness for nonces, salts, IVs and session ids.
//!
//! A per-thread ChaCha20 generator, seeded from the operating system, so a seal costs no system
//! call. It reseeds after [`RESEED_AFTER_BYTES`] and whenever the process id changes, so forked
//! workers (pre-fork servers) never share a stream. On `wasm32-unknown-unknown` there is no OS
//! source: the host seeds the generator through [`seed_from`] before the first seal.
//!
//! The fork check costs one `getpid` system call per draw (about 100 ns on the project machine;
//! glibc does not cache the process id): a seal makes one draw. It stays exact on purpose — a
//! forked child must never continue its parent's stream — and core forbids `unsafe`, which
//! rules out the cheaper detectors (`pthread_atfork`, `MADV_WIPEONFORK` memory).
//!
//! With the `test-hooks` feature, `fixed_bytes` makes the next draws on this thread return
//! given bytes, so test vectors are reproducible. The bindings never enable it.

use std::cell::RefCell;

use chacha20::ChaCha20Rng;
use chacha20::rand_core::{Rng, SeedableRng};

use crate::error::{ErrorCode, Result, fail};

/// Bytes drawn from one seed before the generator reseeds from the OS.
pub const RESEED_AFTER_BYTES: u64 = 1 << 20;

struct ThreadRng {
    rng: ChaCha20Rng,
    drawn: u64,
    pid: u32,
}

thread_local! {
    static THREAD_RNG: RefCell<Option<ThreadRng>> = const { RefCell::new(None) };
    #[cfg(feature = "test-hooks")]
    static FIXED: RefCell<std::collections::VecDeque<u8>> = const { RefCell::new(std::collections::VecDeque::new()) };
}

/// Fills `out` with cryptographically secure random bytes.
pub fn fill(out: &mut [u8]) -> Result<()> {
    #[cfg(feature = "test-hooks")]
    if take_fixed(out) {
        return Ok(());
    }
    THREAD_RNG.with(|cell| {
        let mut slot = cell.borrow_mut();
        let pid = process_id();
        let stale = match slot.as_ref() {
            None => true,
            Some(state) => state.pid != pid || state.drawn >= RESEED_AFTER_BYTES,
        };
        if stale {
            *slot = Some(ThreadRng {
                rng: ChaCha20Rng::from_seed(os_seed()?),
                drawn: 0,
                pid,
            });
        }
        let state = slot.as_mut().expect("seeded above");
        state.rng.fill_bytes(out);
        state.drawn += out.len() as u64;
        Ok(())
    })
}

/// Returns `N` random bytes.
pub fn array<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    fill(&mut bytes)?;
    Ok(bytes)
}

/// The process id, so a forked child notices it must reseed. `wasm32-unknown-unknown` has no
/// processes (and `std::process::id` panics there), so it reports a constant.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn process_id() -> u32 {
    std::process::id()
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn process_id() -> u32 {
    0
}

#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn os_seed() -> Result<[u8; 32]> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| {
        fail(
            ErrorCode::Internal,
            format!("the OS randomness source failed: {e}"),
        )
    })?;
    Ok(seed)
}

#[cfg(all(target_arch = "wasm32", target_os = "unknown"))]
fn os_seed() -> Result<[u8; 32]> {
    Err(fail(
        ErrorCode::Internal,
        "no OS randomness on this target: call polyseal::rng::seed_from first",
    ))
}

/// Seeds this thread's generator from 32 bytes the host obtained from a secure source (for
/// targets without an OS randomness source, such as `wasm32-unknown-unknown`).
pub fn seed_from(seed: [u8; 32]) {
    THREAD_RNG.with(|cell| {
        *cell.borrow_mut() = Some(ThreadRng {
            rng: ChaCha20Rng::from_seed(seed),
            drawn: 0,
            pid: process_id(),
        });
    });
}

/// Test hook: the next random draws on this thread return `bytes`, in order, before the
/// generator is used again.
#[cfg(feature = "test-hooks")]
pub fn fixed_bytes(bytes: &[u8]) {
    FIXED.with(|queue| queue.borrow_mut().extend(bytes.iter().copied()));
}

/// Test hook: forgets any queued fixed bytes on this thread.
#[cfg(feature = "test-hooks")]
pub fn clear_fixed_bytes() {
    FIXED.with(|queue| queue.borrow_mut().clear());
}

#[cfg(feature = "test-hooks")]
fn take_fixed(out: &mut [u8]) -> bool {
    FIXED.with(|queue| {
        let mut queue = queue.borrow_mut();
        if queue.len() < out.len() {
            return false;
        }
        for byte in out.iter_mut() {
            *byte = queue.pop_front().expect("length checked");
        }
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_differ() {
        let a: [u8; 24] = array().unwrap();
        let b: [u8; 24] = array().unwrap();
        assert_ne!(a, b);
        assert_ne!(a, [0; 24]);
    }

    #[test]
    fn reseeds_after_the_byte_budget() {
        let mut big = vec![0u8; RESEED_AFTER_BYTES as usize + 1];
        fill(&mut big).unwrap();
        let drawn = THREAD_RNG.with(|cell| cell.borrow().as_ref().unwrap().drawn);
        assert!(drawn >= RESEED_AFTER_BYTES);
        fill(&mut [0u8; 8]).unwrap();
        let drawn = THREAD_RNG.with(|cell| cell.borrow().as_ref().unwrap().drawn);
        assert_eq!(drawn, 8);
    }

    #[test]
    fn fixed_bytes_are_returned_first() {
        fixed_bytes(&[1, 2, 3, 4]);
        assert_eq!(array::<4>().unwrap(), [1, 2, 3, 4]);
        assert_ne!(array::<4>().unwrap(), [1, 2, 3, 4]);
        clear_fixed_bytes();
    }
}
