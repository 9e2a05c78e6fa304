//! PBKDF2-HMAC-SHA1 as Fe26.2 derives its keys, with independent output blocks computed in
//! lockstep.
//!
//! A Fe26.2 seal derives two 32-byte keys: four PBKDF2 output blocks ("lanes"), each a chain of
//! SHA-1 compressions that depends only on its own start. With the SHA extensions one
//! compression is bound by its latency, not by the processor's throughput: on the benchmark
//! machine a lone chain runs at about 32 ns a block, two chains whose compressions alternate at
//! about 17 ns, three at about 14 ns. So each step here compresses every lane's block before any
//! lane takes its next step, and the lanes overlap.
//!
//! The `hmac` and `pbkdf2` crates cannot run that way. `HmacCore` keeps its inner and outer
//! states to itself and pads inside `finalize`, so each compression starts from bytes stored just
//! before it and waits for the compression ahead of it. So this module holds, over the `sha1`
//! crate's compression function:
//!
//! - HMAC's key schedule (RFC 2104): the password, hashed first if it is longer than a block,
//!   padded with zeros to a block, XORed with the inner and the outer pad, each compressed once.
//!   This is done once, when a keyring is built.
//! - SHA-1's padding (FIPS 180-4, section 5.1.1) of the two messages PBKDF2 hashes after a keyed
//!   block: `salt || INT(i)`, and a 20-byte digest.
//! - PBKDF2 itself (RFC 8018, section 5.2): block `i` of the output is `U_1 ^ U_2 ^ ... ^ U_c`,
//!   where `U_1 = PRF(salt || INT(i))` and `U_j = PRF(U_{j-1})`.
//!
//! RFC 6070's vectors pin it, and the tests compare it with the `pbkdf2` crate over random
//! passwords (shorter and longer than a block), salts of every length across the padding
//! boundaries, iteration counts and output lengths.

use std::slice;

use sha1::block_api::compress;
use sha1::{Digest, Sha1};
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

type State = [u32; 5];
type Block = [u8; BLOCK_BYTES];

const BLOCK_BYTES: usize = 64;
/// A SHA-1 digest: one PBKDF2 output block.
const DIGEST_BYTES: usize = 20;
/// SHA-1's initial hash value (FIPS 180-4, section 5.3.1).
const INITIAL: State = [
    0x6745_2301,
    0xEFCD_AB89,
    0x98BA_DCFE,
    0x1032_5476,
    0xC3D2_E1F0,
];
const INNER_PAD: u8 = 0x36;
const OUTER_PAD: u8 = 0x5c;
/// Lanes run together: four hold the two 32-byte keys of a seal.
const LANES: usize = 4;
/// The length field that ends a padded SHA-1 message.
const LENGTH_BYTES: usize = 8;

/// HMAC-SHA1 keyed by a password: the SHA-1 states after its inner and its outer padded key
/// block. As secret as the password: wiped when dropped, never printed.
pub(crate) struct PasswordPrf {
    inner: State,
    outer: State,
}

impl PasswordPrf {
    pub(crate) fn new(password: &[u8]) -> PasswordPrf {
        let mut key = Zeroizing::new([0u8; BLOCK_BYTES]);
        if password.len() > BLOCK_BYTES {
            let mut digest = Sha1::digest(password);
            key[..DIGEST_BYTES].copy_from_slice(&digest);
            digest.as_mut_slice().zeroize();
        } else {
            key[..password.len()].copy_from_slice(password);
        }
        PasswordPrf {
            inner: keyed_state(&key, INNER_PAD),
            outer: keyed_state(&key, OUTER_PAD),
        }
    }
}

impl Drop for PasswordPrf {
    fn drop(&mut self) {
        self.inner.as_mut_slice().zeroize();
        self.outer.as_mut_slice().zeroize();
    }
}

impl ZeroizeOnDrop for PasswordPrf {}

/// The SHA-1 state after one block: the key XOR `pad`.
fn keyed_state(key: &Block, pad: u8) -> State {
    let mut block = Zeroizing::new([0u8; BLOCK_BYTES]);
    for (byte, key_byte) in block.iter_mut().zip(key) {
        *byte = key_byte ^ pad;
    }
    let mut state = INITIAL;
    compress(&mut state, slice::from_ref(&block));
    state
}

/// The padded block of a 20-byte message that follows one keyed block, the message itself
/// still zero: both the inner hash of `U_{j-1}` and every outer hash have this shape.
const DIGEST_MESSAGE: Block = {
    let mut block = [0u8; BLOCK_BYTES];
    block[DIGEST_BYTES] = 0x80;
    let bits = ((BLOCK_BYTES + DIGEST_BYTES) as u64 * 8).to_be_bytes();
    let mut at = 0;
    while at < LENGTH_BYTES {
        block[BLOCK_BYTES - LENGTH_BYTES + at] = bits[at];
        at += 1;
    }
    block
};

/// PBKDF2 derivations gathered and run together: [`Lanes::add`] each key, then
/// [`Lanes::finish`]. Every output is written by the time `finish` returns.
pub(crate) struct Lanes<'a> {
    iterations: u32,
    count: usize,
    /// Each lane's PRF, as its keyed inner and outer states.
    inner: [State; LANES],
    outer: [State; LANES],
    /// The running hash of each lane: at first, the keyed inner state after the salt's whole
    /// blocks.
    state: [State; LANES],
    /// What is left of each lane's `salt || INT(i)`: the salt's last partial block, the block
    /// number `i`, and the length of the whole message from the keyed block on.
    tail: [&'a [u8]; LANES],
    number: [u32; LANES],
    message_bytes: [usize; LANES],
    /// `U_1 ^ ... ^ U_j` of each lane.
    sum: [State; LANES],
    out: [&'a mut [u8]; LANES],
}

impl<'a> Lanes<'a> {
    /// No derivations yet; each will run `iterations` (at least 1) iterations.
    pub(crate) fn new(iterations: u32) -> Lanes<'a> {
        debug_assert!(iterations >= 1, "PBKDF2 runs at least one iteration");
        Lanes {
            iterations,
            count: 0,
            inner: [[0; 5]; LANES],
            outer: [[0; 5]; LANES],
            state: [[0; 5]; LANES],
            tail: [&[]; LANES],
            number: [0; LANES],
            message_bytes: [0; LANES],
            sum: [[0; 5]; LANES],
            out: Default::default(),
        }
    }

    /// Adds the derivation of `out.len()` bytes from `prf` and `salt`.
    pub(crate) fn add(&mut self, prf: &PasswordPrf, salt: &'a [u8], out: &'a mut [u8]) {
        let (whole, tail) = salt.as_chunks::<BLOCK_BYTES>();
        // The salt's whole blocks open every block's U_1, so they are hashed once per key.
        let mut salted = prf.inner;
        compress(&mut salted, whole);
        for (index, chunk) in out.chunks_mut(DIGEST_BYTES).enumerate() {
            if self.count == LANES {
                self.run();
            }
            let lane = self.count;
            self.inner[lane] = prf.inner;
            self.outer[lane] = prf.outer;
            self.state[lane] = salted;
            self.tail[lane] = tail;
            self.number[lane] = u32::try_from(index + 1).expect("PBKDF2 output fits 2^32 blocks");
            self.message_bytes[lane] = BLOCK_BYTES + salt.len() + 4;
            self.out[lane] = chunk;
            self.count += 1;
        }
        salted.as_mut_slice().zeroize();
    }

    /// Runs what is left; dropping the lanes then wipes their working state.
    pub(crate) fn finish(mut self) {
        self.run();
    }

    /// Derives the gathered lanes' blocks into their outputs.
    fn run(&mut self) {
        let count = self.count;
        if count == 0 {
            // Nothing to derive (only raw keys were asked for): no empty iterations either.
            return;
        }
        // Every lane's blocks are written before any is compressed, so that the compressions
        // do not wait on each other's stores.
        let mut first = [[[0u8; BLOCK_BYTES]; 2]; LANES];
        let mut first_blocks = [0; LANES];
        for lane in 0..count {
            first_blocks[lane] = pad_first(
                &mut first[lane],
                self.tail[lane],
                self.number[lane],
                self.message_bytes[lane],
            );
        }
        for ((state, blocks), used) in self.state[..count].iter_mut().zip(&first).zip(first_blocks)
        {
            compress(state, &blocks[..used]);
        }
        let mut message = [DIGEST_MESSAGE; LANES];
        self.step(&mut message, true);
        self.sum = self.state;
        for _ in 1..self.iterations {
            self.step(&mut message, false);
            self.step(&mut message, true);
            for (sum, state) in self.sum[..count].iter_mut().zip(&self.state) {
                for (sum, word) in sum.iter_mut().zip(state) {
                    *sum ^= word;
                }
            }
        }
        for (out, sum) in self.out[..count].iter_mut().zip(&self.sum) {
            let mut bytes = [0u8; DIGEST_BYTES];
            for (place, word) in bytes.chunks_exact_mut(4).zip(sum) {
                place.copy_from_slice(&word.to_be_bytes());
            }
            out.copy_from_slice(&bytes[..out.len()]);
            bytes.as_mut_slice().zeroize();
        }
        self.count = 0;
        first.as_flattened_mut().as_flattened_mut().zeroize();
        message.as_flattened_mut().zeroize();
    }

    /// Hashes each lane's digest as a message after its keyed block, in `message`: the outer
    /// hash when `outer`, else the inner hash of the next iteration. Every lane's block is
    /// written before any is compressed.
    fn step(&mut self, message: &mut [Block; LANES], outer: bool) {
        let count = self.count;
        let keyed = if outer { &self.outer } else { &self.inner };
        let lanes = message.iter_mut().zip(&mut self.state[..count]);
        for ((message, state), keyed) in lanes.zip(keyed) {
            write_digest(message, state);
            *state = *keyed;
        }
        for (state, message) in self.state[..count].iter_mut().zip(message.iter()) {
            compress(state, slice::from_ref(message));
        }
    }

    /// Wipes every secret the lanes hold, as slices: one fill each (an array would be wiped
    /// element by element).
    fn wipe(&mut self) {
        self.inner.as_flattened_mut().zeroize();
        self.outer.as_flattened_mut().zeroize();
        self.state.as_flattened_mut().zeroize();
        self.sum.as_flattened_mut().zeroize();
    }
}

impl Drop for Lanes<'_> {
    fn drop(&mut self) {
        self.wipe();
    }
}

/// Writes a state as the 20-byte big-endian digest at the start of `block`.
fn write_digest(block: &mut Block, state: &State) {
    for (place, word) in block[..DIGEST_BYTES].chunks_exact_mut(4).zip(state) {
        place.copy_from_slice(&word.to_be_bytes());
    }
}

/// Pads the end of `U_1`'s message, the salt's last partial block then `INT(number)`, into
/// `blocks`; `message_bytes` counts the whole message from the keyed block on. Returns how many
/// blocks it takes (two when the length no longer fits after the text).
fn pad_first(blocks: &mut [Block; 2], tail: &[u8], number: u32, message_bytes: usize) -> usize {
    let bytes = blocks.as_flattened_mut();
    bytes.fill(0);
    bytes[..tail.len()].copy_from_slice(tail);
    let end = tail.len() + 4;
    bytes[tail.len()..end].copy_from_slice(&number.to_be_bytes());
    bytes[end] = 0x80;
    let used = if end + 1 + LENGTH_BYTES <= BLOCK_BYTES {
        1
    } else {
        2
    };
    let bits = (message_bytes as u64 * 8).to_be_bytes();
    bytes[used * BLOCK_BYTES - LENGTH_BYTES..used * BLOCK_BYTES].copy_from_slice(&bits);
    used
}

#[cfg(test)]
mod tests {
    use super::*;

    fn derive(password: &[u8], salt: &[u8], iterations: u32, length: usize) -> Vec<u8> {
        let prf = PasswordPrf::new(password);
        let mut out = vec![0u8; length];
        let mut lanes = Lanes::new(iterations);
        lanes.add(&prf, salt, &mut out);
        lanes.finish();
        out
    }

    fn expected(password: &[u8], salt: &[u8], iterations: u32, length: usize) -> Vec<u8> {
        let mut out = vec![0u8; length];
        pbkdf2::pbkdf2_hmac::<Sha1>(password, salt, iterations, &mut out);
        out
    }

    fn unhex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|at| u8::from_str_radix(&text[at..at + 2], 16).unwrap())
            .collect()
    }

    #[test]
    fn matches_rfc_6070() {
        let cases: [(&[u8], &[u8], u32, &str); 5] = [
            (
                b"password",
                b"salt",
                1,
                "0c60c80f961f0e71f3a9b524af6012062fe037a6",
            ),
            (
                b"password",
                b"salt",
                2,
                "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957",
            ),
            (
                b"password",
                b"salt",
                4096,
                "4b007901b765489abead49d926f721d065a429c1",
            ),
            (
                b"passwordPASSWORDpassword",
                b"saltSALTsaltSALTsaltSALTsaltSALTsalt",
                4096,
                "3d2eec4fe41c849b80c8d83662c0e44a8b291a964cf2f07038",
            ),
            (
                b"pass\0word",
                b"sa\0lt",
                4096,
                "56fa6aa75548099dcc37d7f03425e0c3",
            ),
        ];
        for (password, salt, iterations, hex) in cases {
            let want = unhex(hex);
            assert_eq!(derive(password, salt, iterations, want.len()), want);
        }
    }

    #[test]
    fn agrees_with_the_pbkdf2_crate_at_every_salt_length() {
        // Salts of 0 to 200 bytes: the last partial block with its 4-byte block number and
        // padding takes one block up to 51 bytes and two from 52, and whole blocks come before.
        let password = b"a password of at least thirty-two characters";
        for length in 0..=200 {
            let salt: Vec<u8> = (0..length).map(|at| b'a' + (at % 26) as u8).collect();
            for iterations in [1, 2] {
                assert_eq!(
                    derive(password, &salt, iterations, 32),
                    expected(password, &salt, iterations, 32),
                    "salt of {length} bytes, {iterations} iterations"
                );
            }
        }
    }

    #[test]
    fn agrees_with_the_pbkdf2_crate_on_random_inputs() {
        let mut seed = [0u8; 160];
        for case in 0..300u32 {
            crate::rng::fill(&mut seed).unwrap();
            // Passwords of 0 to 150 bytes: shorter than, as long as and longer than a block.
            let password = &seed[..case as usize % 151];
            let salt = &seed[7..7 + case as usize % 130];
            let iterations = 1 + case % 9;
            // Up to 130 bytes: seven blocks, more than one round of lanes.
            let length = 1 + (case as usize * 13) % 130;
            assert_eq!(
                derive(password, salt, iterations, length),
                expected(password, salt, iterations, length),
                "case {case}"
            );
        }
    }

    #[test]
    fn keys_added_together_equal_keys_derived_alone() {
        let first = PasswordPrf::new(b"the first password, thirty-two characters or more");
        let second = PasswordPrf::new(&[7u8; 100]);
        for iterations in [1, 3, 50] {
            let mut a = [0u8; 32];
            let mut b = [0u8; 32];
            let mut c = [0u8; 45];
            let mut lanes = Lanes::new(iterations);
            lanes.add(&first, b"00112233445566778899aabbccddeeff", &mut a);
            lanes.add(&second, &[1u8; 64], &mut b);
            lanes.add(&first, b"", &mut c);
            lanes.finish();
            let expect =
                |password: &[u8], salt: &[u8], length| expected(password, salt, iterations, length);
            let first_password = b"the first password, thirty-two characters or more";
            assert_eq!(
                a[..],
                expect(first_password, b"00112233445566778899aabbccddeeff", 32)
            );
            assert_eq!(b[..], expect(&[7u8; 100], &[1u8; 64], 32));
            assert_eq!(c[..], expect(first_password, b"", 45));
        }
    }

    #[test]
    fn the_digest_message_is_padded_for_twenty_bytes_after_a_block() {
        let mut hasher_input = [0u8; BLOCK_BYTES + DIGEST_BYTES];
        hasher_input[..BLOCK_BYTES].fill(0x5c);
        hasher_input[BLOCK_BYTES..].fill(0xab);
        let mut state = INITIAL;
        compress(&mut state, &[[0x5c; BLOCK_BYTES]]);
        let mut block = DIGEST_MESSAGE;
        block[..DIGEST_BYTES].fill(0xab);
        compress(&mut state, &[block]);
        let mut ours = [0u8; DIGEST_BYTES];
        for (place, word) in ours.chunks_exact_mut(4).zip(state) {
            place.copy_from_slice(&word.to_be_bytes());
        }
        assert_eq!(ours[..], Sha1::digest(hasher_input)[..]);
    }
}
