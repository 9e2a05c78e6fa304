//! Equality of short strings that does not call the C library's `memcmp`.
//!
//! For lengths up to 32 bytes, glibc's AVX-512 `memcmp` (`__memcmp_evex_movbe`, chosen on CPUs
//! with AVX-512) reads each side through a masked 32-byte window, whatever the length. When
//! that window reaches into a page that is not the string's, the masked read is slow on AMD
//! Zen 4 (measured here in C):
//!
//! - Empty strings: an empty `String` owns no memory and points at address 1, so comparing it
//!   with another empty string calls `memcmp(1, _, 0)`, whose window lies in the never-mapped
//!   first page: 85 ns, against 2.5 ns for a heap pointer. An id-less keyring (the usual Fe26.2
//!   password) has the empty id, so every native unseal paid this twice (key lookup and
//!   `needs_reseal`): 1.11 against 0.92 µs.
//! - A string within 32 bytes of a page's end: 142 ns against 2.3 ns, even though the next page
//!   is mapped and no byte of it is used.
//!
//! Key ids and cookie names are compared on every request, so they go through these loops. They
//! have no early exit, so the compiler does not turn them back into a `memcmp` call; for the
//! few bytes of a key id or cookie name they cost less than the call.

/// Whether `a` and `b` are the same text.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && differ_bits(a.as_bytes(), b.as_bytes()) == 0
}

/// `text` without `prefix`, if it starts with it.
pub(crate) fn strip_prefix<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.as_bytes().get(..prefix.len())?;
    if differ_bits(head, prefix.as_bytes()) != 0 {
        return None;
    }
    // The prefix is whole text, so it ends on a character boundary of `text`.
    text.get(prefix.len()..)
}

fn differ_bits(a: &[u8], b: &[u8]) -> u8 {
    a.iter().zip(b).fold(0, |differ, (x, y)| differ | (x ^ y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_compares_whole_text() {
        assert!(same("", ""));
        assert!(same("k1", "k1"));
        assert!(!same("k1", "k2"));
        assert!(!same("k1", "k10"));
        assert!(!same("k10", "k1"));
        assert!(!same("", "k"));
        let long = "a".repeat(100);
        assert!(same(&long, &long.clone()));
        assert!(!same(&long, &format!("{}b", &long[..99])));
        assert!(!same(&long, &format!("b{}", &long[1..])));
    }

    #[test]
    fn strip_prefix_matches_str_strip_prefix() {
        let texts = [
            "",
            "s",
            "session",
            "session.1",
            "sessio",
            "séssion",
            "x-session",
            "é",
        ];
        for text in texts {
            for prefix in texts {
                assert_eq!(
                    strip_prefix(text, prefix),
                    text.strip_prefix(prefix),
                    "{text:?} without {prefix:?}"
                );
            }
        }
    }
}
