//! Randomness for nonces, salts, IVs and session ids.
//!
//! A per-thread ChaCha20 generator, seeded from the operating system, so a seal costs no system
//! call. It reseeds after [`RESEED_AFTER_BYTES`] and whenever the process has forked since it was
//! seeded, so forked workers (pre-fork servers) never share a stream. On
//! `wasm32-unknown-unknown` there is no OS source: the host seeds the generator through
//! [`seed_from`] before the first seal.
//!
//! # Telling a forked child from its parent
//!
//! On Linux the check is one memory load: `polyseal-fork-sentinel` maps a word the kernel hands
//! every forked child zero-filled (`MADV_WIPEONFORK`, Linux 4.14 and later). Core keeps a
//! nonzero mark in it and reseeds when a draw reads anything else; a reseeding child writes a
//! new mark.
//!
//! Elsewhere, or where the kernel refuses that advice, every draw compares the process id with
//! the one the thread's generator was seeded under: one `getpid` system call per draw (about
//! 100 ns on the project machine; glibc does not cache the process id), and a seal makes one
//! draw. It stays exact on purpose: a forked child must never continue its parent's stream.
//!
//! With the `test-hooks` feature, `fixed_bytes` makes the next draws on this thread return
//! given bytes, so test vectors are reproducible. The bindings never enable it.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};

use chacha20::ChaCha20Rng;
use chacha20::rand_core::{Rng, SeedableRng};

use crate::error::{ErrorCode, Result, fail};

/// Bytes drawn from one seed before the generator reseeds from the OS.
pub const RESEED_AFTER_BYTES: u64 = 1 << 20;

struct ThreadRng {
    rng: ChaCha20Rng,
    drawn: u64,
    seeded_in: Process,
}

/// Which process a generator was seeded in, as the fork check sees it.
#[derive(Clone, Copy)]
enum Process {
    /// The process id (no fork sentinel).
    Id(u32),
    /// The fork sentinel's value, never zero: a forked child reads zero.
    Mark(u64),
}

/// True when forks are told apart by the fork sentinel's memory load, false when by `getpid`.
pub fn fork_sentinel_in_use() -> bool {
    fork_sentinel().is_some()
}

/// The word a forked child reads as zero, where the platform has one.
#[cfg(target_os = "linux")]
fn fork_sentinel() -> Option<&'static AtomicU64> {
    #[cfg(feature = "test-hooks")]
    if BY_PROCESS_ID.load(Ordering::Relaxed) {
        return None;
    }
    polyseal_fork_sentinel::word()
}

#[cfg(not(target_os = "linux"))]
fn fork_sentinel() -> Option<&'static AtomicU64> {
    None
}

#[cfg(feature = "test-hooks")]
static BY_PROCESS_ID: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Test hook: tells forks apart by `getpid` from now on, as where no fork sentinel exists. A
/// thread whose generator was seeded under the sentinel reseeds on its next draw.
#[cfg(feature = "test-hooks")]
pub fn check_forks_by_process_id() {
    BY_PROCESS_ID.store(true, Ordering::Relaxed);
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
        let stale = match slot.as_ref() {
            None => true,
            Some(state) => state.drawn >= RESEED_AFTER_BYTES || forked_since(state.seeded_in),
        };
        if stale {
            *slot = Some(ThreadRng::seeded(os_seed()?));
        }
        let state = slot.as_mut().expect("seeded above");
        state.rng.fill_bytes(out);
        state.drawn += out.len() as u64;
        Ok(())
    })
}

impl ThreadRng {
    fn seeded(seed: [u8; 32]) -> ThreadRng {
        let mut rng = ChaCha20Rng::from_seed(seed);
        let seeded_in = this_process(&mut rng);
        ThreadRng {
            rng,
            drawn: 0,
            seeded_in,
        }
    }
}

/// True when this is not the process `seeded_in` was taken in: a fork happened since.
fn forked_since(seeded_in: Process) -> bool {
    match seeded_in {
        Process::Mark(mark) => {
            fork_sentinel().is_none_or(|word| word.load(Ordering::Relaxed) != mark)
        }
        Process::Id(pid) => process_id() != pid,
    }
}

/// This process as the fork check will recognise it. With a fork sentinel, that is its mark:
/// the one another thread of this process set, or, when it reads zero (first use, or a forked
/// child whose copy the kernel wiped), a new one drawn from the fresh generator.
fn this_process(fresh: &mut ChaCha20Rng) -> Process {
    let Some(sentinel) = fork_sentinel() else {
        return Process::Id(process_id());
    };
    let current = sentinel.load(Ordering::Relaxed);
    if current != 0 {
        return Process::Mark(current);
    }
    let mark = fresh.next_u64() | 1;
    match sentinel.compare_exchange(0, mark, Ordering::Relaxed, Ordering::Relaxed) {
        Ok(_) => Process::Mark(mark),
        Err(set_by_another_thread) => Process::Mark(set_by_another_thread),
    }
}

/// Returns `N` random bytes.
pub fn array<const N: usize>() -> Result<[u8; N]> {
    let mut bytes = [0u8; N];
    fill(&mut bytes)?;
    Ok(bytes)
}

/// The process id, so a forked child notices it must reseed (without a sentinel).
/// `wasm32-unknown-unknown` has no processes (and `std::process::id` panics there), so it
/// reports a constant.
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
    THREAD_RNG.with(|cell| *cell.borrow_mut() = Some(ThreadRng::seeded(seed)));
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
