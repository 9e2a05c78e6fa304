//! A bounded cache of Fe26.2 derived keys, so that the cookie a client sends on every request
//! is not put through PBKDF2 on every request.
//!
//! Each [`Keyring`](crate::Keyring) owns one cache. An entry maps (keyring entry, role, salt
//! text, iteration count) to the 32-byte key PBKDF2 derived from that entry's secret, and an
//! integrity key also to HMAC-SHA256 keyed with it (a hit then skips the keying, two of the
//! eight SHA-256 blocks of a session token's MAC); the salt is public (it travels in the
//! token), the key and its keyed MAC have the same secrecy as the password itself.
//! Only keys that proved themselves are inserted: an integrity key once a MAC has verified
//! under it, an encryption key once a ciphertext decrypted under it, and the keys of a token
//! this library sealed. A forged token therefore cannot insert anything, and still pays its
//! derivation.
//!
//! The cache is split into shards, each behind its own mutex, chosen by a keyed hash of the
//! entry; threads working on different cookies rarely meet on a lock, and none is held during a
//! derivation. Each shard holds a fixed number of slots and evicts with CLOCK (a second chance
//! for every entry used since the hand last passed it). Keys and keyed MACs are wiped when they
//! are evicted and when the keyring is dropped; slot storage is reserved once, at its full size,
//! so no key is ever left behind by a reallocation.

use std::collections::HashMap;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher, RandomState};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use zeroize::Zeroizing;

use super::crypto::KeyedMac;

/// Entries a keyring's cache holds unless configured otherwise
/// ([`KeyringBuilder::derived_key_cache`](crate::KeyringBuilder::derived_key_cache)).
pub const DEFAULT_DERIVED_KEY_CACHE_ENTRIES: usize = 1024;

/// Most entries a keyring's cache may be configured to hold (2^20: about 300 MiB of 64-character
/// salts, keys and keyed MACs when full). Each shard reserves its slots at full size on its
/// first insert, so a larger bound would reserve memory no server needs, or more than there is.
pub const MAX_DERIVED_KEY_CACHE_ENTRIES: usize = 1 << 20;

/// Longest salt text cached, in bytes. Salts polyseal draws are at most 1024 characters
/// ([`MAX_SALT_BITS`](super::MAX_SALT_BITS)); iron's default is 64. Keys for longer salts are
/// derived every time, so one entry never holds more than this much salt.
pub const MAX_CACHED_SALT_BYTES: usize = 1024;

/// Shards of a cache with room for at least this many entries per shard; smaller caches use
/// one shard.
const SHARDS: usize = 16;
const MIN_ENTRIES_PER_SHARD: usize = 4;

/// Which of an entry's two keys: Fe26.2 derives them from different salts, and a split entry
/// from different secrets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    Encryption,
    Integrity,
}

/// Counters of a keyring's derived-key cache, summed over its shards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DerivedKeyCacheStats {
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

/// The cache of one keyring.
pub(crate) struct DerivedKeyCache {
    hasher: RandomState,
    shards: Box<[PaddedShard]>,
    capacity: usize,
}

struct Slot {
    hash: u64,
    entry: usize,
    role: Role,
    iterations: u32,
    /// The salt text's bytes: a slot refilled with a salt of the same length reuses them.
    salt: Box<[u8]>,
    key: Zeroizing<[u8; 32]>,
    /// For an integrity key, HMAC-SHA256 keyed with it, so a hit skips the keying. Boxed: only
    /// integrity slots pay for it.
    mac: Option<Box<KeyedMac>>,
    referenced: bool,
}

impl Slot {
    fn is(&self, entry: usize, role: Role, iterations: u32, salt: &str) -> bool {
        self.entry == entry
            && self.role == role
            && self.iterations == iterations
            && *self.salt == *salt.as_bytes()
    }

    /// Makes this slot hold another entry, in the memory it already has where that fits: a
    /// seal evicts two slots for the salts it has just drawn, which are as long as the ones they
    /// replace, and the keyed MAC box is reused too. What is overwritten is wiped: the key and
    /// the keyed MAC by their own drop, the salt is public.
    fn refill(&mut self, hash: u64, entry: usize, role: Role, iterations: u32, salt: &str) {
        self.hash = hash;
        self.entry = entry;
        self.role = role;
        self.iterations = iterations;
        if self.salt.len() == salt.len() {
            self.salt.copy_from_slice(salt.as_bytes());
        } else {
            self.salt = salt.as_bytes().into();
        }
        self.referenced = false;
    }

    /// Stores `key` and its keyed MAC (`None` for an encryption key).
    fn hold(&mut self, key: &Zeroizing<[u8; 32]>, mac: Option<KeyedMac>) {
        *self.key = **key;
        match (&mut self.mac, mac) {
            (Some(boxed), Some(mac)) => **boxed = mac,
            (place, mac) => *place = mac.map(Box::new),
        }
    }
}

/// A shard on cache lines of its own, so that a lookup, which writes its shard's lock and
/// counters, never writes a line that a neighbouring shard lives on too. 128 bytes, because x86
/// cores fetch lines in adjacent pairs.
#[repr(align(128))]
struct PaddedShard(Mutex<Shard>);

#[derive(Default)]
struct Shard {
    /// Keyed hash → slot. The hash is a keyed SipHash of the whole entry, so it is used as is;
    /// two entries with the same hash share one slot (the newer wins).
    index: HashMap<u64, usize, BuildHasherDefault<PassThrough>>,
    slots: Vec<Slot>,
    capacity: usize,
    hand: usize,
    hits: u64,
    misses: u64,
    insertions: u64,
    evictions: u64,
}

/// A hasher for keys that are already uniform 64-bit hashes.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

impl DerivedKeyCache {
    /// A cache of at most `capacity` entries; 0 disables it.
    pub(crate) fn new(capacity: usize) -> DerivedKeyCache {
        let shards = if capacity >= SHARDS * MIN_ENTRIES_PER_SHARD {
            SHARDS
        } else {
            1
        };
        let shards = (0..shards)
            .map(|index| {
                // Spread the capacity exactly: the first `capacity % shards` get one more.
                let share = capacity / shards + usize::from(index < capacity % shards);
                PaddedShard(Mutex::new(Shard {
                    capacity: share,
                    ..Shard::default()
                }))
            })
            .collect();
        DerivedKeyCache {
            hasher: RandomState::new(),
            shards,
            capacity,
        }
    }

    fn cacheable(&self, salt: &str) -> bool {
        self.capacity > 0 && salt.len() <= MAX_CACHED_SALT_BYTES
    }

    fn hash(&self, entry: usize, role: Role, iterations: u32, salt: &str) -> u64 {
        let mut hasher = self.hasher.build_hasher();
        hasher.write_usize(entry);
        hasher.write_u8(role as u8);
        hasher.write_u32(iterations);
        hasher.write(salt.as_bytes());
        hasher.finish()
    }

    fn shard(&self, hash: u64) -> MutexGuard<'_, Shard> {
        // The high bits pick the shard; the map inside uses the low ones.
        let index = ((hash >> 32) as usize) % self.shards.len();
        // A panic while a shard was locked cannot leave it inconsistent in a way that returns a
        // wrong key (a slot's fields are written together), so a poisoned lock is still used.
        self.shards[index]
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The cached key for this entry, role, salt and iteration count, if any.
    pub(crate) fn get(
        &self,
        entry: usize,
        role: Role,
        salt: &str,
        iterations: u32,
    ) -> Option<Zeroizing<[u8; 32]>> {
        self.find(entry, role, salt, iterations, |slot| {
            Some(Zeroizing::new(*slot.key))
        })
    }

    /// HMAC-SHA256 keyed with the cached integrity key for this entry, salt and iteration count,
    /// if any: what [`get`](Self::get) gives, with the keying already done.
    pub(crate) fn get_mac(&self, entry: usize, salt: &str, iterations: u32) -> Option<KeyedMac> {
        self.find(entry, Role::Integrity, salt, iterations, |slot| {
            slot.mac.as_deref().cloned()
        })
    }

    /// What `take` makes of the slot for this entry, role, salt and iteration count; counted as
    /// a hit when it makes something. Never inlined into a caller: the C tests' helgrind
    /// suppression (`tests/c/helgrind.supp`) recognises the cache's locked accesses by its
    /// methods' names on the stack, since helgrind cannot see Rust's mutex.
    #[inline(never)]
    fn find<T>(
        &self,
        entry: usize,
        role: Role,
        salt: &str,
        iterations: u32,
        take: impl FnOnce(&Slot) -> Option<T>,
    ) -> Option<T> {
        if !self.cacheable(salt) {
            return None;
        }
        let hash = self.hash(entry, role, iterations, salt);
        let mut shard = self.shard(hash);
        let found = shard.index.get(&hash).copied();
        if let Some(index) = found {
            let slot = &mut shard.slots[index];
            if slot.is(entry, role, iterations, salt) {
                // Written only when it changes: a slot read by two threads then stays in both
                // cores' caches instead of moving to the writer's on every hit.
                if !slot.referenced {
                    slot.referenced = true;
                }
                if let Some(found) = take(slot) {
                    shard.hits += 1;
                    return Some(found);
                }
            }
        }
        shard.misses += 1;
        None
    }

    /// Remembers an encryption key that proved itself (see the module documentation).
    pub(crate) fn insert_encryption(
        &self,
        entry: usize,
        salt: &str,
        iterations: u32,
        key: &Zeroizing<[u8; 32]>,
    ) {
        self.insert(entry, Role::Encryption, salt, iterations, key, None);
    }

    /// Remembers an integrity key that proved itself, with the HMAC-SHA256 its caller keyed with
    /// it (to verify or to seal a token), so that a hit skips the keying.
    pub(crate) fn insert_integrity(
        &self,
        entry: usize,
        salt: &str,
        iterations: u32,
        key: &Zeroizing<[u8; 32]>,
        keyed: &KeyedMac,
    ) {
        self.insert(entry, Role::Integrity, salt, iterations, key, Some(keyed));
    }

    /// Inserts the slot for this entry, role, salt and iteration count; `mac` is copied in only
    /// if the slot is written. Never inlined, like [`find`](Self::find), for the same helgrind
    /// suppression.
    #[inline(never)]
    fn insert(
        &self,
        entry: usize,
        role: Role,
        salt: &str,
        iterations: u32,
        key: &Zeroizing<[u8; 32]>,
        mac: Option<&KeyedMac>,
    ) {
        if !self.cacheable(salt) {
            return;
        }
        let hash = self.hash(entry, role, iterations, salt);
        let mut guard = self.shard(hash);
        let shard = &mut *guard;
        if shard.capacity == 0 {
            return;
        }
        if let Some(&index) = shard.index.get(&hash) {
            let slot = &mut shard.slots[index];
            if !slot.is(entry, role, iterations, salt) {
                // A different entry with the same 64-bit hash: the newer one takes the slot.
                slot.refill(hash, entry, role, iterations, salt);
                slot.hold(key, mac.cloned());
                shard.evictions += 1;
                shard.insertions += 1;
            }
            return;
        }
        if shard.slots.len() < shard.capacity {
            if shard.slots.capacity() == 0 {
                // Reserved once at full size: a reallocation would copy keys and free the old
                // buffer without wiping it.
                shard.slots.reserve_exact(shard.capacity);
            }
            shard.index.insert(hash, shard.slots.len());
            shard.slots.push(Slot {
                hash,
                entry,
                role,
                iterations,
                salt: salt.as_bytes().into(),
                key: Zeroizing::new(**key),
                mac: mac.cloned().map(Box::new),
                referenced: false,
            });
            shard.insertions += 1;
            return;
        }
        // CLOCK: skip (and clear) entries used since the hand last passed; evict the first
        // unused one. Ends within two turns: the first clears every mark.
        let victim = loop {
            let hand = shard.hand;
            shard.hand = (hand + 1) % shard.capacity;
            let slot = &mut shard.slots[hand];
            if !slot.referenced {
                break hand;
            }
            slot.referenced = false;
        };
        let slot = &mut shard.slots[victim];
        let evicted_hash = slot.hash;
        slot.refill(hash, entry, role, iterations, salt);
        slot.hold(key, mac.cloned());
        shard.index.remove(&evicted_hash);
        shard.index.insert(hash, victim);
        shard.insertions += 1;
        shard.evictions += 1;
    }

    /// Counters summed over the shards.
    pub(crate) fn stats(&self) -> DerivedKeyCacheStats {
        let mut stats = DerivedKeyCacheStats {
            capacity: self.capacity,
            ..DerivedKeyCacheStats::default()
        };
        for shard in self.shards.iter() {
            let shard = shard.0.lock().unwrap_or_else(PoisonError::into_inner);
            stats.entries += shard.slots.len();
            stats.hits += shard.hits;
            stats.misses += shard.misses;
            stats.insertions += shard.insertions;
            stats.evictions += shard.evictions;
        }
        stats
    }
}

/// The salts (and their keys) that seals share within a salt-reuse window
/// ([`IronOptions::salt_reuse_ms`](super::IronOptions::salt_reuse_ms)).
pub(crate) struct ReusedSalts {
    pub(crate) entry: usize,
    pub(crate) iterations: u32,
    pub(crate) salt_bits: u32,
    pub(crate) since_ms: u64,
    pub(crate) encryption_salt: String,
    pub(crate) integrity_salt: String,
    pub(crate) encryption_key: Zeroizing<[u8; 32]>,
    /// HMAC-SHA256 keyed with the integrity key: every seal of the window starts from it.
    pub(crate) integrity_mac: KeyedMac,
}

/// One keyring's current reused salts. Seals only read it (a shared lock, held for a pointer
/// copy); it is replaced once per window.
#[derive(Default)]
pub(crate) struct SaltReuse {
    current: RwLock<Option<Arc<ReusedSalts>>>,
}

impl SaltReuse {
    /// The salts to reuse for a seal at `now_ms`, if those in place were made for the same
    /// entry, iteration count and salt size no more than `window_ms` ago.
    pub(crate) fn get(
        &self,
        entry: usize,
        iterations: u32,
        salt_bits: u32,
        now_ms: u64,
        window_ms: u64,
    ) -> Option<Arc<ReusedSalts>> {
        let current = self.current.read().unwrap_or_else(PoisonError::into_inner);
        let salts = current.as_ref()?;
        let fits = salts.entry == entry
            && salts.iterations == iterations
            && salts.salt_bits == salt_bits
            && now_ms >= salts.since_ms
            && now_ms - salts.since_ms < window_ms;
        fits.then(|| Arc::clone(salts))
    }

    /// Starts a new window with these salts.
    pub(crate) fn replace(&self, salts: ReusedSalts) {
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(salts));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iron::crypto::keyed_mac;

    fn key(byte: u8) -> Zeroizing<[u8; 32]> {
        Zeroizing::new([byte; 32])
    }

    /// Inserts the integrity key `key(byte)`, keyed for its MAC as a verification keys it.
    fn insert_integrity(cache: &DerivedKeyCache, salt: &str, iterations: u32, byte: u8) {
        let key = key(byte);
        cache.insert_integrity(0, salt, iterations, &key, &keyed_mac(&key));
    }

    #[test]
    fn finds_exactly_what_was_inserted() {
        let cache = DerivedKeyCache::new(64);
        insert_integrity(&cache, "salt", 8192, 1);
        assert_eq!(
            *cache.get(0, Role::Integrity, "salt", 8192).unwrap(),
            [1; 32]
        );
        // Every part of the entry counts.
        assert!(cache.get(1, Role::Integrity, "salt", 8192).is_none());
        assert!(cache.get(0, Role::Encryption, "salt", 8192).is_none());
        assert!(cache.get(0, Role::Integrity, "salt", 1).is_none());
        assert!(cache.get(0, Role::Integrity, "salT", 8192).is_none());
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses, stats.entries), (1, 4, 1));
    }

    #[test]
    fn integrity_keys_come_keyed_for_their_mac() {
        let cache = DerivedKeyCache::new(64);
        insert_integrity(&cache, "salt", 1, 1);
        cache.insert_encryption(0, "other", 1, &key(2));
        let keyed = cache.get_mac(0, "salt", 1).unwrap();
        let base = "Fe26.2**salt*iv*ciphertext*";
        assert_eq!(
            super::super::crypto::mac_with(keyed, base.as_bytes()),
            super::super::crypto::mac(&key(1), base)
        );
        // Only integrity entries have one, and only for their own salt and count.
        assert!(cache.get_mac(0, "other", 1).is_none());
        assert!(cache.get_mac(0, "salt", 8192).is_none());
        let stats = cache.stats();
        assert_eq!((stats.hits, stats.misses), (1, 2));
    }

    #[test]
    fn never_holds_more_than_its_capacity() {
        for capacity in [1, 5, 63, 64, 100, 1024] {
            let cache = DerivedKeyCache::new(capacity);
            for i in 0..capacity * 3 {
                cache.insert_encryption(0, &format!("{i:064x}"), 1, &key(i as u8));
            }
            // Shards are chosen by a randomly keyed hash, so a shard may see fewer insertions
            // than its slots; the bound and the bookkeeping hold whatever the spread.
            let stats = cache.stats();
            assert!(stats.entries <= capacity, "{capacity}: {}", stats.entries);
            assert!(stats.entries >= capacity.min(1), "{capacity}");
            assert_eq!(stats.insertions, capacity as u64 * 3);
            assert_eq!(stats.evictions, stats.insertions - stats.entries as u64);
            // The latest insertion is always there.
            let last = format!("{:064x}", capacity * 3 - 1);
            assert!(cache.get(0, Role::Encryption, &last, 1).is_some());
        }
    }

    #[test]
    fn used_entries_get_a_second_chance() {
        let cache = DerivedKeyCache::new(2);
        insert_integrity(&cache, "a", 1, 1);
        insert_integrity(&cache, "b", 1, 2);
        assert!(cache.get(0, Role::Integrity, "a", 1).is_some());
        insert_integrity(&cache, "c", 1, 3);
        assert!(cache.get(0, Role::Integrity, "a", 1).is_some());
        assert!(cache.get(0, Role::Integrity, "b", 1).is_none());
    }

    #[test]
    fn zero_capacity_and_long_salts_bypass_the_cache() {
        let off = DerivedKeyCache::new(0);
        insert_integrity(&off, "salt", 1, 1);
        assert!(off.get(0, Role::Integrity, "salt", 1).is_none());
        assert_eq!(off.stats(), DerivedKeyCacheStats::default());
        let cache = DerivedKeyCache::new(8);
        let long = "x".repeat(MAX_CACHED_SALT_BYTES + 1);
        insert_integrity(&cache, &long, 1, 1);
        assert!(cache.get(0, Role::Integrity, &long, 1).is_none());
        assert_eq!(cache.stats().entries, 0);
    }

    #[test]
    fn threads_share_one_cache() {
        let cache = std::sync::Arc::new(DerivedKeyCache::new(1024));
        let handles: Vec<_> = (0..4u8)
            .map(|t| {
                let cache = std::sync::Arc::clone(&cache);
                std::thread::spawn(move || {
                    for i in 0..2000u32 {
                        let salt = format!("{t}-{}", i % 300);
                        match cache.get(0, Role::Encryption, &salt, 1) {
                            Some(found) => assert_eq!(*found, [t; 32]),
                            None => cache.insert_encryption(0, &salt, 1, &key(t)),
                        }
                    }
                })
            })
            .collect();
        for handle in handles {
            handle.join().unwrap();
        }
        let stats = cache.stats();
        assert!(stats.entries <= 1024);
        assert_eq!(stats.hits + stats.misses, 8000);
    }
}
