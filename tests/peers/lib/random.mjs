// Seeded randomness for test inputs (the packages draw their own salts and IVs from WebCrypto).
// Set PEER_SEED to replay a run; the seed in use is printed by the tests.

export function makeRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min, max) => min + Math.floor(next() * (max - min + 1));
  const pick = (items) => items[int(0, items.length - 1)];
  return { next, int, pick };
}

const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
const TEXT_PIECES = ['a', 'Z', ' ', '"', '\\', '/', '\n', '\t', '\u0001', '\u007f', 'é', 'ß', '漢', '😀', '\u2028', '\u2029', '<', '&', "'", '*', '~'];

export function randomId(random) {
  let id = '';
  for (let i = random.int(1, 12); i > 0; i -= 1) id += random.pick([...WORD]);
  return id;
}

export function randomText(random, max = 12) {
  let text = '';
  for (let i = random.int(0, max); i > 0; i -= 1) text += random.pick(TEXT_PIECES);
  return text;
}

/** A password iron accepts: at least 32 UTF-16 code units, sometimes astral characters. */
export function randomPassword(random) {
  if (random.next() < 0.2) return '😀'.repeat(16) + randomText(random, 4);
  let password = '';
  while (password.length < 32) password += random.pick([...WORD, ' ', '-', 'é', '😀']);
  return password + randomText(random, 8);
}

export function randomNumber(random) {
  switch (random.int(0, 4)) {
    case 0: return random.int(-1000, 1000);
    case 1: return random.int(0, Number.MAX_SAFE_INTEGER);
    case 2: return (random.next() - 0.5) * 10 ** random.int(-9, 25);
    case 3: return random.pick([0.1 + 0.2, 1e21, 1e-7, 5e-324, 1.7976931348623157e308, -0.5]);
    default: return Math.round(random.next() * 1e6) / 100;
  }
}

/** A JSON value with unicode strings, JS-formatted numbers and integer-like keys. */
export function randomValue(random, depth = 0) {
  const kind = depth >= 3 ? random.int(0, 3) : random.int(0, 5);
  switch (kind) {
    case 0: return randomText(random);
    case 1: return randomNumber(random);
    case 2: return random.pick([true, false, null]);
    case 3: return randomText(random, 3);
    case 4: return Array.from({ length: random.int(0, 4) }, () => randomValue(random, depth + 1));
    default: {
      const object = {};
      for (let i = random.int(1, 5); i > 0; i -= 1) {
        const key = random.next() < 0.2 ? String(random.int(0, 20)) : randomId(random) + randomText(random, 2);
        object[key] = randomValue(random, depth + 1);
      }
      return object;
    }
  }
}

/** A non-empty object, so iron-session's "{}" for a rejected token is never ambiguous. */
export function randomData(random) {
  return { n: random.int(1, 1e6), value: randomValue(random) };
}
