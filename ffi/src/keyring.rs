//! Keyrings: `polyseal_keyring_builder` collects entries, `polyseal_keyring` is the immutable,
//! shareable result.

use std::ffi::{c_char, c_void};

use polyseal::{Keyring, Secret};

use crate::boundary::{
    Out, bytes_arg, ffi_status, ffi_value, free_raw, handle, handle_mut, into_raw,
    invalid_argument, str_arg,
};
use crate::status::polyseal_status;

/// Which kind of secret a `(pointer, length)` pair holds; see `polyseal_keyring_builder_add_split`.
pub type polyseal_secret_kind = u32;

/// The secret is a UTF-8 password of at least 32 characters (UTF-16 code units, as JavaScript
/// counts them).
pub const POLYSEAL_SECRET_PASSWORD: polyseal_secret_kind = 1;
/// The secret is a raw key of exactly 32 bytes.
pub const POLYSEAL_SECRET_KEY: polyseal_secret_kind = 2;

/// Derived keys a keyring's Fe26.2 cache holds unless the builder says otherwise.
pub const POLYSEAL_DEFAULT_DERIVED_KEY_CACHE_ENTRIES: usize = 1024;
/// Most derived keys a keyring's Fe26.2 cache may be set to hold.
pub const POLYSEAL_MAX_DERIVED_KEY_CACHE_ENTRIES: usize = 1_048_576;

/// Collects keyring entries; `polyseal_keyring_builder_build` turns them into a keyring.
///
/// Mutable: one thread at a time. Free it with `polyseal_keyring_builder_free`.
pub struct polyseal_keyring_builder {
    entries: Vec<Entry>,
    current: Option<String>,
    derived_key_cache: Option<usize>,
}

enum Entry {
    Single(String, Secret),
    Split(String, Secret, Secret),
}

/// Secrets with ids: the current entry seals, every entry unseals.
///
/// Immutable once built: a `const polyseal_keyring *` may be used from any number of threads at
/// once. Free it with `polyseal_keyring_free`; sealers built from it keep their own reference, so
/// it may be freed as soon as they are built.
pub struct polyseal_keyring {
    pub(crate) inner: Keyring,
}

fn secret_from(kind: polyseal_secret_kind, bytes: &[u8], what: &str) -> polyseal::Result<Secret> {
    match kind {
        POLYSEAL_SECRET_PASSWORD => {
            let text = std::str::from_utf8(bytes)
                .map_err(|_| invalid_argument(format!("{what} is not valid UTF-8")))?;
            Secret::password(text)
        }
        POLYSEAL_SECRET_KEY => Secret::key(bytes),
        other => Err(invalid_argument(format!(
            "{what} has the unknown secret kind {other}; use POLYSEAL_SECRET_PASSWORD or \
             POLYSEAL_SECRET_KEY"
        ))),
    }
}

/// Creates an empty keyring builder and stores it in `*builder_out`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` if `builder_out` is NULL.
///
/// # Safety
/// `builder_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_builder_new(
    builder_out: *mut *mut polyseal_keyring_builder,
) -> polyseal_status {
    ffi_status(|| {
        let out = Out::new(builder_out, "builder_out")?;
        let builder = polyseal_keyring_builder {
            entries: Vec::new(),
            current: None,
            derived_key_cache: None,
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(builder)) };
        Ok(())
    })
}

/// Adds an entry holding a password, used for both encryption and integrity.
///
/// `id` (`id_len` bytes of UTF-8, no NUL needed) is `[A-Za-z0-9_]{1,64}`, or empty for the single
/// entry of a one-entry keyring; ids are checked by `polyseal_keyring_builder_build`. `password`
/// is `password_len` bytes of UTF-8, at least 32 characters (UTF-16 code units).
///
/// Returns `POLYSEAL_STATUS_INVALID_PASSWORD` for an empty or short password and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers (a NULL pointer with length 0 is empty
/// text) or non-UTF-8 text. On failure the builder is unchanged.
///
/// # Safety
/// `builder` must be NULL or a live builder used by no other thread during the call; each
/// non-NULL pointer must be readable for its length.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_builder_add_password(
    builder: *mut polyseal_keyring_builder,
    id: *const c_char,
    id_len: usize,
    password: *const c_char,
    password_len: usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (builder, id, password) = unsafe {
            (
                handle_mut(builder, "builder")?,
                str_arg(id, id_len, "id")?,
                str_arg(password, password_len, "password")?,
            )
        };
        let secret = Secret::password(password)?;
        builder.entries.push(Entry::Single(id.to_owned(), secret));
        Ok(())
    })
}

/// Adds an entry holding a raw key of exactly 32 bytes, used for both encryption and integrity.
///
/// `id` is as for `polyseal_keyring_builder_add_password`. Returns
/// `POLYSEAL_STATUS_INVALID_PASSWORD` when `key_len` is not 32 and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers. On failure the builder is unchanged.
///
/// # Safety
/// As for `polyseal_keyring_builder_add_password`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_builder_add_key(
    builder: *mut polyseal_keyring_builder,
    id: *const c_char,
    id_len: usize,
    key: *const u8,
    key_len: usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (builder, id, key) = unsafe {
            (
                handle_mut(builder, "builder")?,
                str_arg(id, id_len, "id")?,
                bytes_arg(key, key_len, "key")?,
            )
        };
        let secret = Secret::key(key)?;
        builder.entries.push(Entry::Single(id.to_owned(), secret));
        Ok(())
    })
}

/// Adds an entry with separate encryption and integrity secrets (iron's
/// `{id, encryption, integrity}` form).
///
/// Each secret is `(kind, pointer, length)`: `POLYSEAL_SECRET_PASSWORD` for UTF-8 password text
/// or `POLYSEAL_SECRET_KEY` for 32 raw bytes. Returns `POLYSEAL_STATUS_INVALID_PASSWORD` for a
/// bad secret and `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers, non-UTF-8 passwords or an
/// unknown kind. On failure the builder is unchanged.
///
/// # Safety
/// As for `polyseal_keyring_builder_add_password`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_builder_add_split(
    builder: *mut polyseal_keyring_builder,
    id: *const c_char,
    id_len: usize,
    encryption_kind: polyseal_secret_kind,
    encryption: *const c_void,
    encryption_len: usize,
    integrity_kind: polyseal_secret_kind,
    integrity: *const c_void,
    integrity_len: usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (builder, id, encryption, integrity) = unsafe {
            (
                handle_mut(builder, "builder")?,
                str_arg(id, id_len, "id")?,
                bytes_arg(encryption.cast(), encryption_len, "encryption")?,
                bytes_arg(integrity.cast(), integrity_len, "integrity")?,
            )
        };
        let encryption = secret_from(encryption_kind, encryption, "encryption")?;
        let integrity = secret_from(integrity_kind, integrity, "integrity")?;
        builder
            .entries
            .push(Entry::Split(id.to_owned(), encryption, integrity));
        Ok(())
    })
}

/// Chooses the entry that seals, by id. Without it, the first entry added seals. The id is
/// checked by `polyseal_keyring_builder_build` (`POLYSEAL_STATUS_INVALID_PASSWORD` if absent).
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
///
/// # Safety
/// As for `polyseal_keyring_builder_add_password`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_builder_set_current(
    builder: *mut polyseal_keyring_builder,
    id: *const c_char,
    id_len: usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promises, checked for NULL and length inside.
        let (builder, id) =
            unsafe { (handle_mut(builder, "builder")?, str_arg(id, id_len, "id")?) };
        builder.current = Some(id.to_owned());
        Ok(())
    })
}

/// Sets how many Fe26.2 derived keys the keyring caches (default
/// `POLYSEAL_DEFAULT_DERIVED_KEY_CACHE_ENTRIES`; 0 disables the cache, so every Fe26.2 unseal runs
/// PBKDF2). The number is checked by `polyseal_keyring_builder_build`: more than
/// `POLYSEAL_MAX_DERIVED_KEY_CACHE_ENTRIES` is `POLYSEAL_STATUS_INVALID_OPTION`. `docs/FORMAT.md`, "Derived-key
/// cache", says what is cached.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for a NULL builder.
///
/// # Safety
/// `builder` must be NULL or a live builder.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_builder_set_derived_key_cache(
    builder: *mut polyseal_keyring_builder,
    entries: usize,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let builder = unsafe { handle_mut(builder, "builder")? };
        builder.derived_key_cache = Some(entries);
        Ok(())
    })
}

/// Validates the entries and stores a new keyring in `*keyring_out`.
///
/// The builder is not consumed: it can build again, and must still be freed with
/// `polyseal_keyring_builder_free`. Returns `POLYSEAL_STATUS_INVALID_PASSWORD` for an empty
/// keyring, an invalid or repeated id, an empty id in a keyring of several entries, or a current
/// id that is not in the keyring; `POLYSEAL_STATUS_INVALID_OPTION` for a derived-key cache of
/// more than `POLYSEAL_MAX_DERIVED_KEY_CACHE_ENTRIES` entries; `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
///
/// # Safety
/// `builder` must be NULL or a live builder; `keyring_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_builder_build(
    builder: *const polyseal_keyring_builder,
    keyring_out: *mut *const polyseal_keyring,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let builder = unsafe { handle(builder, "builder")? };
        let out = Out::new(keyring_out, "keyring_out")?;
        let mut core = Keyring::builder();
        for entry in &builder.entries {
            core = match entry {
                Entry::Single(id, secret) => core.secret(id, Ok(secret.clone())),
                Entry::Split(id, encryption, integrity) => {
                    core.split(id, Ok(encryption.clone()), Ok(integrity.clone()))
                }
            };
        }
        if let Some(current) = &builder.current {
            core = core.current(current);
        }
        if let Some(entries) = builder.derived_key_cache {
            core = core.derived_key_cache(entries);
        }
        let keyring = polyseal_keyring {
            inner: core.build()?,
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(keyring)) };
        Ok(())
    })
}

/// Frees a keyring builder, wiping the secrets it holds. Accepts NULL.
///
/// # Safety
/// `builder` must be NULL or a live builder, not used again afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_builder_free(builder: *mut polyseal_keyring_builder) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(builder) });
}

/// Creates a keyring of one id-less password entry and stores it in `*keyring_out`: the
/// shorthand for a builder with one `add_password` of id `""`.
///
/// Returns `POLYSEAL_STATUS_INVALID_PASSWORD` for an empty or short password and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers or non-UTF-8 text.
///
/// # Safety
/// `password` must be NULL or readable for `password_len` bytes; `keyring_out` must be NULL or
/// writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_from_password(
    password: *const c_char,
    password_len: usize,
    keyring_out: *mut *const polyseal_keyring,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL and length inside.
        let password = unsafe { str_arg(password, password_len, "password")? };
        let out = Out::new(keyring_out, "keyring_out")?;
        let keyring = polyseal_keyring {
            inner: Keyring::from_password(password)?,
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(keyring)) };
        Ok(())
    })
}

/// Creates a keyring of one id-less raw 32-byte key and stores it in `*keyring_out`.
///
/// Returns `POLYSEAL_STATUS_INVALID_PASSWORD` when `key_len` is not 32 and
/// `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
///
/// # Safety
/// `key` must be NULL or readable for `key_len` bytes; `keyring_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_from_key(
    key: *const u8,
    key_len: usize,
    keyring_out: *mut *const polyseal_keyring,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL and length inside.
        let key = unsafe { bytes_arg(key, key_len, "key")? };
        let out = Out::new(keyring_out, "keyring_out")?;
        let keyring = polyseal_keyring {
            inner: Keyring::from_key(key)?,
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(into_raw(keyring)) };
        Ok(())
    })
}

/// Frees a keyring. Accepts NULL. Sealers built from it stay usable.
///
/// # Safety
/// `keyring` must be NULL or a live keyring that no other thread is using, not used again
/// afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_free(keyring: *const polyseal_keyring) {
    // SAFETY: the caller's promise.
    ffi_value((), || unsafe { free_raw(keyring) });
}

/// Counters of a keyring's Fe26.2 derived-key cache, summed over its shards, since the keyring
/// was built. Sealers and session managers built from a keyring share its cache; two keyrings
/// built from one builder have a cache each.
#[repr(C)]
pub struct polyseal_derived_key_cache_stats {
    /// Most entries the cache holds (0: the cache is disabled).
    pub capacity: usize,
    /// Entries held now.
    pub entries: usize,
    /// Lookups answered from the cache.
    pub hits: u64,
    /// Lookups that found nothing (the key was then derived).
    pub misses: u64,
    /// Keys inserted.
    pub insertions: u64,
    /// Keys evicted (and wiped) to make room.
    pub evictions: u64,
}

/// Writes the counters of the keyring's derived-key cache to `*stats_out`.
///
/// Returns `POLYSEAL_STATUS_INVALID_ARGUMENT` for NULL pointers.
///
/// # Safety
/// `keyring` must be NULL or a live keyring; `stats_out` must be NULL or writable.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn polyseal_keyring_derived_key_cache_stats(
    keyring: *const polyseal_keyring,
    stats_out: *mut polyseal_derived_key_cache_stats,
) -> polyseal_status {
    ffi_status(|| {
        // SAFETY: the caller's promise, checked for NULL inside.
        let keyring = unsafe { handle(keyring, "keyring")? };
        let out = Out::new(stats_out, "stats_out")?;
        let stats = keyring.inner.derived_key_cache_stats();
        let counters = polyseal_derived_key_cache_stats {
            capacity: stats.capacity,
            entries: stats.entries,
            hits: stats.hits,
            misses: stats.misses,
            insertions: stats.insertions,
            evictions: stats.evictions,
        };
        // SAFETY: checked for NULL; the caller vouches it is writable.
        unsafe { out.write(counters) };
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_limits_are_cores() {
        assert_eq!(
            POLYSEAL_DEFAULT_DERIVED_KEY_CACHE_ENTRIES,
            polyseal::iron::DEFAULT_DERIVED_KEY_CACHE_ENTRIES
        );
        assert_eq!(
            POLYSEAL_MAX_DERIVED_KEY_CACHE_ENTRIES,
            polyseal::iron::MAX_DERIVED_KEY_CACHE_ENTRIES
        );
    }
}
