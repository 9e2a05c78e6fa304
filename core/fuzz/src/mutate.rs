//! A small deterministic mutator for the smoke runner: no coverage feedback, just the usual
//! byte-level edits plus the separators these formats care about, applied to the seeds.

/// Text that often changes how a token or header is read.
const DICTIONARY: &[&[u8]] = &[
    b"*",
    b"~",
    b"~2",
    b";",
    b"; ",
    b"=",
    b".",
    b".0",
    b".1",
    b"\n",
    b"Fe26.2",
    b"Fe26.1",
    b"__chunked__",
    b"__chunked__2",
    b"__chunked__100",
    b"%",
    b"%3B",
    b"%ZZ",
    b"\"",
    b" ",
    b"\t",
    b"\0",
    b"0",
    b"18446744073709551616",
    b"9007199254740991",
    b"s=",
    b"s.1=",
    b"h3=",
    b"h3.1=",
    b"session=",
    b"iron-session=",
    b"iron-session.0=",
    b"AAAAAAAAAAAAAAAAAAAAAA",
    b"[[[[[[[[",
    b"{\"a\":",
];

/// xorshift64*: fast, deterministic, good enough to pick edits.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (any value; zero is replaced).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A number below `bound` (which must be positive).
    pub fn below(&mut self, bound: usize) -> usize {
        (self.bits() % bound as u64) as usize
    }
}

/// A mutated copy of one of `seeds`, with one to four edits.
pub fn mutate(seeds: &[Vec<u8>], rng: &mut Rng) -> Vec<u8> {
    let mut data = seeds[rng.below(seeds.len())].clone();
    for _ in 0..=rng.below(4) {
        edit(&mut data, seeds, rng);
    }
    data
}

fn edit(data: &mut Vec<u8>, seeds: &[Vec<u8>], rng: &mut Rng) {
    let len = data.len();
    match rng.below(10) {
        0 | 1 if len > 0 => {
            let at = rng.below(len);
            data[at] ^= 1 << rng.below(8);
        }
        2 if len > 0 => {
            let at = rng.below(len);
            data[at] = rng.bits() as u8;
        }
        3 => {
            let at = rng.below(len + 1);
            data.insert(at, rng.bits() as u8);
        }
        4 if len > 1 => {
            let at = rng.below(len);
            let end = (at + 1 + rng.below(8)).min(len);
            data.drain(at..end);
        }
        5 if len > 1 => data.truncate(rng.below(len)),
        6 => {
            let word = DICTIONARY[rng.below(DICTIONARY.len())];
            let at = rng.below(len + 1);
            data.splice(at..at, word.iter().copied());
        }
        7 if len > 1 => {
            let at = rng.below(len);
            let end = (at + 1 + rng.below(64)).min(len);
            let copy = data[at..end].to_vec();
            let to = rng.below(len + 1);
            data.splice(to..to, copy);
        }
        8 => {
            let other = &seeds[rng.below(seeds.len())];
            let cut = rng.below(len + 1);
            let from = rng.below(other.len() + 1);
            data.truncate(cut);
            data.extend_from_slice(&other[from..]);
        }
        _ if len > 0 => data[0] = rng.bits() as u8,
        _ => data.push(rng.bits() as u8),
    }
}
