//! Keyrings: secrets with ids, one of which is current.
//!
//! The current entry seals; every entry unseals. A secret is either a password of at least 32
//! characters — counted in UTF-16 code units, exactly as JavaScript's `string.length` counts, so
//! we accept precisely the passwords iron accepts — or a raw 32-byte key. An entry may hold one
//! secret for both roles or, as iron allows, separate encryption and integrity secrets.
//!
//! Secrets are zeroized on drop and never printed: `Debug` shows ids and kinds only.

use std::fmt;
use std::sync::Arc;

use xaes_256_gcm::Xaes256Gcm;
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::error::{ErrorCode, Result, fail};
use crate::iron::IronSecret;
use crate::iron::cache::{DerivedKeyCache, Role, SaltReuse};
use crate::iron::{
    DEFAULT_DERIVED_KEY_CACHE_ENTRIES, DerivedKeyCacheStats, MAX_DERIVED_KEY_CACHE_ENTRIES,
};
use crate::text_eq;

/// Minimum password length in UTF-16 code units (iron's `minPasswordlength`).
pub const MIN_PASSWORD_LENGTH: usize = 32;
/// Length of a raw key in bytes.
pub const RAW_KEY_LENGTH: usize = 32;
/// Longest accepted key id.
pub const MAX_KEY_ID_LENGTH: usize = 64;

/// One secret: a password (fed to a KDF) or a raw 32-byte key (used as is).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub enum Secret {
    /// A password of at least [`MIN_PASSWORD_LENGTH`] UTF-16 code units.
    Password(String),
    /// A raw key of exactly [`RAW_KEY_LENGTH`] bytes.
    Key([u8; RAW_KEY_LENGTH]),
}

impl Secret {
    /// A password secret; rejects empty and short passwords.
    pub fn password(password: &str) -> Result<Secret> {
        check_password(password)?;
        Ok(Secret::Password(password.to_owned()))
    }

    /// A raw-key secret; rejects any length other than 32 bytes.
    pub fn key(key: &[u8]) -> Result<Secret> {
        let key: [u8; RAW_KEY_LENGTH] = key.try_into().map_err(|_| {
            fail(
                ErrorCode::InvalidPassword,
                format!(
                    "a raw key must be exactly {RAW_KEY_LENGTH} bytes, got {}",
                    key.len()
                ),
            )
        })?;
        Ok(Secret::Key(key))
    }

    /// The secret's bytes: the UTF-8 of a password, or the raw key.
    pub fn as_bytes(&self) -> &[u8] {
        match self {
            Secret::Password(password) => password.as_bytes(),
            Secret::Key(key) => key,
        }
    }

    /// Whether this is a raw key rather than a password.
    pub fn is_raw_key(&self) -> bool {
        matches!(self, Secret::Key(_))
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Secret::Password(_) => f.write_str("Secret::Password(<redacted>)"),
            Secret::Key(_) => f.write_str("Secret::Key(<redacted>)"),
        }
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        use subtle::ConstantTimeEq;
        self.is_raw_key() == other.is_raw_key()
            && bool::from(self.as_bytes().ct_eq(other.as_bytes()))
    }
}

/// The length JavaScript's `string.length` reports: UTF-16 code units.
pub fn utf16_length(text: &str) -> usize {
    text.encode_utf16().count()
}

fn check_password(password: &str) -> Result<()> {
    if password.is_empty() {
        return Err(fail(ErrorCode::InvalidPassword, "the password is empty"));
    }
    let length = utf16_length(password);
    if length < MIN_PASSWORD_LENGTH {
        return Err(fail(
            ErrorCode::InvalidPassword,
            format!(
                "the password is too short: {length} characters (UTF-16 code units), \
                 at least {MIN_PASSWORD_LENGTH} required"
            ),
        ));
    }
    Ok(())
}

/// Key ids are ASCII `[A-Za-z0-9_]`, 1 to 64 characters (iron's `^\w+$`), or empty for the single
/// id-less secret of a one-entry keyring.
fn check_key_id(id: &str) -> Result<()> {
    if id.len() > MAX_KEY_ID_LENGTH {
        return Err(fail(
            ErrorCode::InvalidPassword,
            format!(
                "a key id is at most {MAX_KEY_ID_LENGTH} characters, got {}",
                id.len()
            ),
        ));
    }
    if let Some(bad) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(fail(
            ErrorCode::InvalidPassword,
            format!("key id {id:?} has the character {bad:?}; ids use only A-Z a-z 0-9 _"),
        ));
    }
    Ok(())
}

/// One keyring entry: an id plus the secret(s) for encryption and integrity.
#[derive(Clone, PartialEq)]
pub struct KeyEntry {
    id: String,
    encryption: Secret,
    integrity: Secret,
    split: bool,
}

impl KeyEntry {
    /// The entry's id (`""` for the id-less single secret).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The secret that keys encryption.
    pub fn encryption(&self) -> &Secret {
        &self.encryption
    }

    /// The secret that keys integrity (the same as [`Self::encryption`] unless split).
    pub fn integrity(&self) -> &Secret {
        &self.integrity
    }

    /// Whether the entry holds separate encryption and integrity secrets.
    pub fn is_split(&self) -> bool {
        self.split
    }
}

impl fmt::Debug for KeyEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyEntry")
            .field("id", &self.id)
            .field("encryption", &self.encryption)
            .field("integrity", &self.integrity)
            .finish()
    }
}

/// Secrets with ids; the current one seals and every one unseals.
///
/// Cheap to clone (shared, immutable) and safe to use from many threads at once.
#[derive(Clone)]
pub struct Keyring {
    inner: Arc<KeyringInner>,
}

struct KeyringInner {
    entries: Vec<KeyEntry>,
    current: usize,
    /// Native-format ciphers, one per entry, derived once when the keyring is built.
    native: Vec<Xaes256Gcm>,
    /// Fe26.2 secrets, one pair (encryption, integrity) per entry, their PBKDF2 key schedules
    /// ready (see `iron::crypto::IronSecret`).
    iron: Vec<[IronSecret; 2]>,
    /// Fe26.2 keys derived by PBKDF2 from these entries (see `iron::cache`).
    iron_cache: DerivedKeyCache,
    /// The salts Fe26.2 seals share when a salt-reuse window is configured.
    salt_reuse: SaltReuse,
}

impl Keyring {
    /// A keyring of one id-less password.
    pub fn from_password(password: &str) -> Result<Keyring> {
        Keyring::builder().password("", password).build()
    }

    /// A keyring of one id-less raw 32-byte key.
    pub fn from_key(key: &[u8]) -> Result<Keyring> {
        Keyring::builder().key("", key).build()
    }

    /// Starts a keyring with several entries.
    pub fn builder() -> KeyringBuilder {
        KeyringBuilder::default()
    }

    /// The entry that seals.
    pub fn current(&self) -> &KeyEntry {
        &self.inner.entries[self.inner.current]
    }

    /// The entry with this id, if any.
    pub fn get(&self, id: &str) -> Option<&KeyEntry> {
        self.inner
            .entries
            .iter()
            .find(|entry| text_eq::same(&entry.id, id))
    }

    /// All entries, in the order they were added.
    pub fn entries(&self) -> &[KeyEntry] {
        &self.inner.entries
    }

    /// The position of the entry with this id, if any.
    pub(crate) fn position(&self, id: &str) -> Option<usize> {
        self.inner
            .entries
            .iter()
            .position(|entry| text_eq::same(&entry.id, id))
    }

    /// Whether the entry at `index` is the current one.
    pub(crate) fn is_current(&self, index: usize) -> bool {
        index == self.inner.current
    }

    /// The position of the current entry.
    pub(crate) fn current_index(&self) -> usize {
        self.inner.current
    }

    /// The cache of Fe26.2 derived keys shared by every handle and sealer of this keyring.
    pub(crate) fn iron_cache(&self) -> &DerivedKeyCache {
        &self.inner.iron_cache
    }

    /// The Fe26.2 seal-side salt-reuse state of this keyring.
    pub(crate) fn salt_reuse(&self) -> &SaltReuse {
        &self.inner.salt_reuse
    }

    /// Counters of the Fe26.2 derived-key cache: capacity, entries, hits, misses, insertions
    /// and evictions since the keyring was built.
    pub fn derived_key_cache_stats(&self) -> DerivedKeyCacheStats {
        self.inner.iron_cache.stats()
    }

    /// The Fe26.2 secret of entry `index` for this role.
    pub(crate) fn iron_secret(&self, index: usize, role: Role) -> &IronSecret {
        let [encryption, integrity] = &self.inner.iron[index];
        match role {
            Role::Encryption => encryption,
            Role::Integrity => integrity,
        }
    }

    /// The native cipher of the entry at `index` (from [`Keyring::position`]).
    pub(crate) fn native_cipher(&self, index: usize) -> &Xaes256Gcm {
        &self.inner.native[index]
    }

    /// The native cipher of the current entry.
    pub(crate) fn current_native_cipher(&self) -> &Xaes256Gcm {
        &self.inner.native[self.inner.current]
    }

    /// Whether both handles share the same entries (same `Arc`).
    pub fn ptr_eq(&self, other: &Keyring) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: Vec<&str> = self.inner.entries.iter().map(|e| e.id.as_str()).collect();
        f.debug_struct("Keyring")
            .field("ids", &ids)
            .field("current", &self.current().id)
            .finish()
    }
}

/// Collects entries, then validates them all at once in [`KeyringBuilder::build`].
#[derive(Default)]
pub struct KeyringBuilder {
    pending: Vec<Result<KeyEntry>>,
    current: Option<String>,
    derived_key_cache: Option<usize>,
}

impl KeyringBuilder {
    /// Adds a password entry.
    pub fn password(self, id: &str, password: &str) -> Self {
        self.secret(id, Secret::password(password))
    }

    /// Adds a raw 32-byte key entry.
    pub fn key(self, id: &str, key: &[u8]) -> Self {
        self.secret(id, Secret::key(key))
    }

    /// Adds an entry from an already-validated secret.
    pub fn secret(mut self, id: &str, secret: Result<Secret>) -> Self {
        let entry = secret.map(|secret| KeyEntry {
            id: id.to_owned(),
            encryption: secret.clone(),
            integrity: secret,
            split: false,
        });
        self.pending.push(entry);
        self
    }

    /// Adds an entry with separate encryption and integrity secrets (iron's
    /// `{id, encryption, integrity}` form).
    pub fn split(
        mut self,
        id: &str,
        encryption: Result<Secret>,
        integrity: Result<Secret>,
    ) -> Self {
        let entry = encryption.and_then(|encryption| {
            Ok(KeyEntry {
                id: id.to_owned(),
                encryption,
                integrity: integrity?,
                split: true,
            })
        });
        self.pending.push(entry);
        self
    }

    /// Chooses the sealing entry by id (default: the first entry added).
    pub fn current(mut self, id: &str) -> Self {
        self.current = Some(id.to_owned());
        self
    }

    /// Sets how many Fe26.2 derived keys the keyring caches (default
    /// [`DEFAULT_DERIVED_KEY_CACHE_ENTRIES`]); 0 disables the cache, so every Fe26.2 unseal
    /// runs PBKDF2. More than [`MAX_DERIVED_KEY_CACHE_ENTRIES`] makes [`build`](Self::build)
    /// fail with `INVALID_OPTION`. What is cached and why it is safe: `docs/FORMAT.md`,
    /// "Derived-key cache".
    pub fn derived_key_cache(mut self, entries: usize) -> Self {
        self.derived_key_cache = Some(entries);
        self
    }

    /// Validates every entry and returns the keyring, or the first problem found.
    pub fn build(self) -> Result<Keyring> {
        let entries = self.pending.into_iter().collect::<Result<Vec<_>>>()?;
        check_entries(&entries)?;
        let cache_entries = self
            .derived_key_cache
            .unwrap_or(DEFAULT_DERIVED_KEY_CACHE_ENTRIES);
        if cache_entries > MAX_DERIVED_KEY_CACHE_ENTRIES {
            return Err(fail(
                ErrorCode::InvalidOption,
                format!(
                    "the derived-key cache holds at most {MAX_DERIVED_KEY_CACHE_ENTRIES} entries, \
                     got {cache_entries}"
                ),
            ));
        }
        let current = match &self.current {
            None => 0,
            Some(id) => entries.iter().position(|e| &e.id == id).ok_or_else(|| {
                fail(
                    ErrorCode::InvalidPassword,
                    format!("the current key id {id:?} is not in the keyring"),
                )
            })?,
        };
        let native = entries
            .iter()
            .map(crate::native::keys::cipher_for)
            .collect();
        let iron = entries
            .iter()
            .map(|entry| {
                [
                    IronSecret::new(entry.encryption()),
                    IronSecret::new(entry.integrity()),
                ]
            })
            .collect();
        Ok(Keyring {
            inner: Arc::new(KeyringInner {
                entries,
                current,
                native,
                iron,
                iron_cache: DerivedKeyCache::new(cache_entries),
                salt_reuse: SaltReuse::default(),
            }),
        })
    }
}

fn check_entries(entries: &[KeyEntry]) -> Result<()> {
    if entries.is_empty() {
        return Err(fail(ErrorCode::InvalidPassword, "the keyring is empty"));
    }
    for (index, entry) in entries.iter().enumerate() {
        if entry.id.is_empty() && entries.len() > 1 {
            return Err(fail(
                ErrorCode::InvalidPassword,
                "only a keyring of one entry may have an empty key id",
            ));
        }
        check_key_id(&entry.id)?;
        if entries[..index]
            .iter()
            .any(|earlier| earlier.id == entry.id)
        {
            return Err(fail(
                ErrorCode::InvalidPassword,
                format!("the key id {:?} appears twice", entry.id),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PW_A: &str = "a-password-that-is-long-enough-0123456789";
    const PW_B: &str = "another-password-long-enough-abcdefghijkl";

    #[test]
    fn password_length_counts_utf16_code_units() {
        // 16 astral characters: 64 UTF-8 bytes, 32 UTF-16 units, 16 code points.
        let astral = "😀".repeat(16);
        assert!(Secret::password(&astral).is_ok());
        // 31 BMP characters of 3 UTF-8 bytes each: 93 bytes but only 31 units.
        let bmp = "€".repeat(31);
        let err = Secret::password(&bmp).unwrap_err();
        assert_eq!(err.code(), ErrorCode::InvalidPassword);
        assert!(err.message().contains("31 characters"), "{err}");
        assert!(Secret::password(&"x".repeat(32)).is_ok());
        assert!(Secret::password(&"x".repeat(31)).is_err());
    }

    #[test]
    fn empty_password_and_wrong_key_sizes_are_rejected() {
        assert_eq!(
            Secret::password("").unwrap_err().message(),
            "the password is empty"
        );
        for size in [0, 16, 31, 33, 64] {
            let err = Secret::key(&vec![7; size]).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidPassword);
        }
        assert!(Secret::key(&[7; 32]).is_ok());
    }

    #[test]
    fn first_entry_is_current_unless_chosen() {
        let ring = Keyring::builder()
            .password("k2", PW_B)
            .password("k1", PW_A)
            .build()
            .unwrap();
        assert_eq!(ring.current().id(), "k2");
        let ring = Keyring::builder()
            .password("k2", PW_B)
            .password("k1", PW_A)
            .current("k1")
            .build()
            .unwrap();
        assert_eq!(ring.current().id(), "k1");
        assert_eq!(
            ring.get("k2").unwrap().encryption().as_bytes(),
            PW_B.as_bytes()
        );
        assert!(ring.get("k3").is_none());
    }

    #[test]
    fn bad_keyrings_are_rejected_with_clear_errors() {
        let cases: Vec<(KeyringBuilder, &str)> = vec![
            (Keyring::builder(), "empty"),
            (
                Keyring::builder().password("a", PW_A).password("a", PW_B),
                "appears twice",
            ),
            (
                Keyring::builder().password("", PW_A).password("b", PW_B),
                "empty key id",
            ),
            (Keyring::builder().password("a-b", PW_A), "character '-'"),
            (Keyring::builder().password("a", "short"), "too short"),
            (
                Keyring::builder().password("a", PW_A).current("z"),
                "not in the keyring",
            ),
            (
                Keyring::builder().password(&"x".repeat(65), PW_A),
                "at most 64",
            ),
        ];
        for (builder, expected) in cases {
            let err = builder.build().unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidPassword);
            assert!(err.message().contains(expected), "{err} lacks {expected}");
        }
    }

    #[test]
    fn derived_key_cache_size_is_bounded() {
        let sized = |entries| {
            Keyring::builder()
                .password("", PW_A)
                .derived_key_cache(entries)
        };
        for entries in [
            0,
            1,
            DEFAULT_DERIVED_KEY_CACHE_ENTRIES,
            MAX_DERIVED_KEY_CACHE_ENTRIES,
        ] {
            let keyring = sized(entries).build().unwrap();
            assert_eq!(keyring.derived_key_cache_stats().capacity, entries);
        }
        // The largest cache works: its first inserts reserve their shards' slots.
        let largest = sized(MAX_DERIVED_KEY_CACHE_ENTRIES).build().unwrap();
        let options = crate::iron::IronOptions::for_profile(crate::iron::Profile::H3V1);
        let token =
            crate::iron::seal_at(&serde_json::json!({"a": 1}), &largest, &options, 0).unwrap();
        crate::iron::unseal_at(&token, &largest, &options, 0).unwrap();
        assert_eq!(largest.derived_key_cache_stats().hits, 2);
        for entries in [MAX_DERIVED_KEY_CACHE_ENTRIES + 1, usize::MAX] {
            let err = sized(entries).build().unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidOption);
            assert!(err.message().contains("at most 1048576 entries"), "{err}");
        }
    }

    #[test]
    fn split_entries_keep_both_secrets() {
        let ring = Keyring::builder()
            .split("s", Secret::password(PW_A), Secret::password(PW_B))
            .build()
            .unwrap();
        let entry = ring.current();
        assert!(entry.is_split());
        assert_eq!(entry.encryption().as_bytes(), PW_A.as_bytes());
        assert_eq!(entry.integrity().as_bytes(), PW_B.as_bytes());
    }

    #[test]
    fn debug_never_shows_secrets() {
        let ring = Keyring::builder()
            .password("k1", PW_A)
            .key("k2", &[0x41; 32])
            .build()
            .unwrap();
        let shown = format!("{ring:?} {:?} {:#?}", ring.current(), ring.entries());
        assert!(!shown.contains(PW_A), "{shown}");
        assert!(!shown.contains("AAAA"), "{shown}");
        assert!(!shown.contains("65, 65"), "{shown}");
        assert!(shown.contains("k1") && shown.contains("redacted"));
    }
}
