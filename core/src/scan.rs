//! Byte scans over tokens, cookie values and headers.

/// Where the first byte of `bytes` at or after `from` that `keep` refuses is.
///
/// Tokens, and the cookie values that carry them, run to hundreds of bytes and are scanned on
/// every load and save: whole 16-byte chunks are tested without an early exit, which compiles
/// to vector compares, and only a chunk that fails is searched byte by byte.
pub(crate) fn next_refused(bytes: &[u8], from: usize, keep: impl Fn(u8) -> bool) -> Option<usize> {
    let mut start = from;
    for chunk in bytes[from..].chunks(16) {
        if !chunk.iter().fold(true, |all, &byte| all & keep(byte)) {
            return chunk
                .iter()
                .position(|&byte| !keep(byte))
                .map(|at| start + at);
        }
        start += chunk.len();
    }
    None
}

/// `text.split(separator)` for an ASCII separator (so every cut is a character boundary), the
/// separators found by [`next_refused`].
pub(crate) fn split_ascii(text: &str, separator: u8) -> impl Iterator<Item = &str> {
    debug_assert!(separator.is_ascii());
    let mut next = Some(0);
    std::iter::from_fn(move || {
        let start = next?;
        let end =
            next_refused(text.as_bytes(), start, |byte| byte != separator).unwrap_or(text.len());
        next = (end < text.len()).then_some(end + 1);
        Some(&text[start..end])
    })
}

/// Every text made of `count` of `pieces` in a row, for tests that compare a scan with `str`'s
/// own methods.
#[cfg(test)]
pub(crate) fn joined(pieces: &[&str], count: usize) -> Vec<String> {
    let mut texts = vec![String::new()];
    for _ in 0..count {
        texts = texts
            .iter()
            .flat_map(|text| pieces.iter().map(move |piece| format!("{text}{piece}")))
            .collect();
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_first_refused_byte_at_or_after_the_start() {
        let keep = |byte: u8| byte != b'*';
        for length in 0..50 {
            let mut bytes = vec![b'a'; length];
            assert_eq!(next_refused(&bytes, 0, keep), None);
            for at in 0..length {
                bytes[at] = b'*';
                assert_eq!(next_refused(&bytes, 0, keep), Some(at), "{length} {at}");
                assert_eq!(next_refused(&bytes, at, keep), Some(at));
                assert_eq!(next_refused(&bytes, at + 1, keep), None);
                bytes[at] = b'a';
            }
            assert_eq!(next_refused(&bytes, length, keep), None);
        }
    }

    #[test]
    fn splits_where_str_split_splits() {
        let pieces = ["", ";", ";;", "a=b", "é", "0123456789abcdef0123", " x"];
        for text in &joined(&pieces, 4) {
            let expected: Vec<&str> = text.split(';').collect();
            assert_eq!(
                split_ascii(text, b';').collect::<Vec<_>>(),
                expected,
                "{text:?}"
            );
        }
    }
}
