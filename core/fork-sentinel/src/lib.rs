//! A word of memory that a forked child reads as zero, for polyseal's fork check.
//!
//! polyseal's random generator must never continue its parent's stream in a forked child (the
//! child's nonces would repeat the parent's). Asking for the process id on every draw is a
//! system call. Memory advised `MADV_WIPEONFORK` (Linux 4.14 and later) is handed to a forked
//! child zero-filled, so a nonzero mark kept in it tells parent from child with one load, and
//! the kernel does the telling however the fork was made (`fork`, `_Fork`, a raw `clone`),
//! which `pthread_atfork` handlers cannot promise.
//!
//! Mapping and advising memory takes `unsafe`, which the core crate forbids; this crate holds
//! it and nothing else. Elsewhere than Linux, or when the kernel refuses the advice, [`word`]
//! is None and core keeps its `getpid` check.

use std::sync::atomic::AtomicU64;

/// The process's word that reads as zero in every process forked from it (the same word on
/// every call), or None when the kernel does not wipe memory on fork.
pub fn word() -> Option<&'static AtomicU64> {
    platform::word()
}

#[cfg(target_os = "linux")]
mod platform {
    use std::ptr;
    use std::sync::atomic::{AtomicPtr, AtomicU64, Ordering};

    /// Stands for "the kernel refused": never handed out.
    static REFUSED: AtomicU64 = AtomicU64::new(0);

    /// The mapped word once some thread mapped it (or `REFUSED`). No lock guards it on purpose:
    /// a process forked while another thread was mapping would inherit a held lock and wait on
    /// it forever; here such a child simply maps its own.
    static WORD: AtomicPtr<AtomicU64> = AtomicPtr::new(ptr::null_mut());

    pub fn word() -> Option<&'static AtomicU64> {
        let mut current = WORD.load(Ordering::Acquire);
        if current.is_null() {
            current = publish(map_wiped_on_fork());
        }
        if ptr::eq(current, &REFUSED) {
            return None;
        }
        // SAFETY: every non-null value other than `REFUSED` stored in `WORD` is a mapping made
        // by `map_wiped_on_fork`: page-aligned (so aligned for an AtomicU64), zero-filled,
        // readable and writable, and never unmapped once published, so it lives as long as the
        // process; only atomic operations ever touch it.
        Some(unsafe { &*current })
    }

    /// Publishes `mapped` unless another thread published first, in which case `mapped` goes
    /// back to the kernel; returns what is published.
    fn publish(mapped: *mut AtomicU64) -> *mut AtomicU64 {
        match WORD.compare_exchange(ptr::null_mut(), mapped, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => mapped,
            Err(published) => {
                if !ptr::eq(mapped, &REFUSED) {
                    // SAFETY: our own mapping from `map_wiped_on_fork`, never published.
                    unsafe { libc::munmap(mapped.cast(), page_length()) };
                }
                published
            }
        }
    }

    fn page_length() -> usize {
        // SAFETY: sysconf has no preconditions.
        let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        usize::try_from(page).unwrap_or(0).max(4096)
    }

    /// A zeroed page advised `MADV_WIPEONFORK`, or `REFUSED`.
    fn map_wiped_on_fork() -> *mut AtomicU64 {
        let length = page_length();
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
            return refused();
        }
        // SAFETY: `start..start + length` is the mapping made above, private and anonymous as
        // MADV_WIPEONFORK requires.
        if unsafe { libc::madvise(start, length, libc::MADV_WIPEONFORK) } != 0 {
            // SAFETY: the same mapping, not shared with anything.
            unsafe { libc::munmap(start, length) };
            return refused();
        }
        start.cast()
    }

    fn refused() -> *mut AtomicU64 {
        ptr::from_ref(&REFUSED).cast_mut()
    }
}

#[cfg(not(target_os = "linux"))]
mod platform {
    use std::sync::atomic::AtomicU64;

    pub fn word() -> Option<&'static AtomicU64> {
        None
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;
    use std::sync::atomic::Ordering;

    fn address(word: &AtomicU64) -> usize {
        std::ptr::from_ref(word).addr()
    }

    #[test]
    fn every_call_hands_out_the_same_word() {
        let first = address(word().expect("this kernel wipes memory on fork"));
        assert_eq!(address(word().unwrap()), first);
        let threads: Vec<_> = (0..4)
            .map(|_| std::thread::spawn(|| address(word().unwrap())))
            .collect();
        for thread in threads {
            assert_eq!(thread.join().unwrap(), first);
        }
    }

    #[test]
    fn a_forked_child_reads_zero_where_its_parent_wrote() {
        let sentinel = word().unwrap();
        sentinel.store(0x5eed, Ordering::Relaxed);
        // SAFETY: the child only loads an atomic and calls `_exit`, both safe after a fork
        // from a multi-threaded process.
        let child = unsafe { libc::fork() };
        if child == 0 {
            let code = if sentinel.load(Ordering::Relaxed) == 0 {
                0
            } else {
                1
            };
            // SAFETY: ends the child without running the parent's exit handlers.
            unsafe { libc::_exit(code) };
        }
        assert!(child > 0, "fork failed");
        let mut status = 0;
        // SAFETY: waits for the child forked above.
        assert_eq!(unsafe { libc::waitpid(child, &mut status, 0) }, child);
        assert!(libc::WIFEXITED(status), "the child exited");
        assert_eq!(libc::WEXITSTATUS(status), 0, "the child read zero");
        assert_eq!(
            sentinel.load(Ordering::Relaxed),
            0x5eed,
            "the parent kept its mark"
        );
        sentinel.store(0, Ordering::Relaxed);
    }
}
