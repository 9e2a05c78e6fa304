//! A word of memory that a forked child reads as zero, for `polyseal::rng::use_fork_sentinel`.
//!
//! polyseal's random generator must never continue its parent's stream in a forked child (the
//! child's nonces would repeat the parent's). Without help it asks for the process id on every
//! draw, a system call. Memory advised `MADV_WIPEONFORK` (Linux 4.14 and later) is handed to a
//! forked child zero-filled, so a nonzero mark kept in it tells parent from child with one load,
//! and the kernel does the telling however the fork was made (`fork`, `_Fork`, a raw `clone`),
//! which `pthread_atfork` handlers cannot promise.
//!
//! Mapping and advising memory takes `unsafe`, which the core crate forbids; this crate holds
//! it, and the C, Python and Node bindings install what it maps. Elsewhere than Linux, or when
//! the kernel refuses the advice, [`install`] does nothing and the `getpid` check stays.

use std::sync::OnceLock;
use std::sync::atomic::AtomicU64;

/// Installs the sentinel in `polyseal`'s generator once per process (later calls only report):
/// true when the fork check is a memory load, false when it stays a `getpid` per draw.
pub fn install() -> bool {
    static INSTALLED: OnceLock<bool> = OnceLock::new();
    *INSTALLED.get_or_init(|| match wiped_on_fork() {
        Some(sentinel) => {
            polyseal::rng::use_fork_sentinel(sentinel);
            polyseal::rng::fork_sentinel_installed()
        }
        None => false,
    })
}

/// A zeroed word, alone on its page, that every forked child sees zeroed again; None when
/// the kernel does not wipe memory on fork.
#[cfg(target_os = "linux")]
fn wiped_on_fork() -> Option<&'static AtomicU64> {
    use std::ptr;

    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    let length = usize::try_from(page).ok().filter(|&length| length >= 8)?;
    // SAFETY: a fresh private anonymous mapping; no existing memory is touched.
    let start = unsafe {
        libc::mmap(
            ptr::null_mut(),
            length,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if start == libc::MAP_FAILED {
        return None;
    }
    // SAFETY: `start..start + length` is the mapping made above, private and anonymous as
    // MADV_WIPEONFORK requires.
    if unsafe { libc::madvise(start, length, libc::MADV_WIPEONFORK) } != 0 {
        // SAFETY: the same mapping, not yet shared with anything.
        unsafe { libc::munmap(start, length) };
        return None;
    }
    // SAFETY: the mapping is page-aligned (so aligned for an AtomicU64), zero-filled, readable
    // and writable, and never unmapped, so the reference lives as long as the process; only
    // atomic operations ever touch it.
    Some(unsafe { &*start.cast::<AtomicU64>() })
}

#[cfg(not(target_os = "linux"))]
fn wiped_on_fork() -> Option<&'static AtomicU64> {
    None
}
