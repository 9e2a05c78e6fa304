// Fe26.2 ("iron") sealing with synchronous node:crypto: what a Node user tries once they see
// that iron-webcrypto spends its time in awaited WebCrypto calls. It is the benchmark's
// reference point for a fast pure-JS implementation, not a library: string passwords only,
// aes-256-cbc + HMAC-SHA256, iron's defaults otherwise.

import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  pbkdf2Sync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

const PREFIX = "Fe26.2";
const MIN_PASSWORD_LENGTH = 32;

function deriveKey(password, salt, iterations) {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new Error("Password string too short (min 32 characters required)");
  }
  return pbkdf2Sync(password, salt, iterations, 32, "sha1");
}

function hmacDigest(password, salt, iterations, text) {
  const key = deriveKey(password, salt, iterations);
  return createHmac("sha256", key).update(text).digest("base64url");
}

/**
 * Seals `object` as iron does. `options`: `ttl` (ms, 0 = none), `iterations` (both keys,
 * default 1), `saltBits` (default 256), and, for deterministic vectors only, `encryptionSalt`,
 * `iv` (16-byte Buffer), `integritySalt` and `now`.
 */
export function seal(object, password, options = {}) {
  const iterations = options.iterations ?? 1;
  const saltBytes = (options.saltBits ?? 256) / 8;
  const now = options.now ?? Date.now();
  const encryptionSalt = options.encryptionSalt ?? randomBytes(saltBytes).toString("hex");
  const iv = options.iv ?? randomBytes(16);
  const key = deriveKey(password, encryptionSalt, iterations);
  const cipher = createCipheriv("aes-256-cbc", key, iv);
  const encrypted = Buffer.concat([cipher.update(JSON.stringify(object), "utf8"), cipher.final()]);
  const expiration = options.ttl ? String(now + options.ttl) : "";
  const macBase = `${PREFIX}**${encryptionSalt}*${iv.toString("base64url")}*${encrypted.toString("base64url")}*${expiration}`;
  const integritySalt = options.integritySalt ?? randomBytes(saltBytes).toString("hex");
  const digest = hmacDigest(password, integritySalt, iterations, macBase);
  return `${macBase}*${integritySalt}*${digest}`;
}

/** Verifies and opens a token sealed by any iron implementation with a string password. */
export function unseal(token, password, options = {}) {
  const iterations = options.iterations ?? 1;
  const now = options.now ?? Date.now();
  const skewMs = (options.timestampSkewSec ?? 60) * 1000;
  const parts = token.split("*");
  if (parts.length !== 8) throw new Error("Incorrect number of sealed components");
  const [prefix, , encryptionSalt, ivText, encryptedText, expiration, integritySalt, digest] =
    parts;
  if (prefix !== PREFIX) throw new Error("Wrong mac prefix");
  if (expiration) {
    if (!/^\d+$/.test(expiration)) throw new Error("Invalid expiration");
    if (Number(expiration) <= now - skewMs) throw new Error("Expired seal");
  }
  const macBase = parts.slice(0, 6).join("*");
  const expected = Buffer.from(hmacDigest(password, integritySalt, iterations, macBase));
  const given = Buffer.from(digest);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    throw new Error("Bad hmac value");
  }
  const key = deriveKey(password, encryptionSalt, iterations);
  const decipher = createDecipheriv("aes-256-cbc", key, Buffer.from(ivText, "base64url"));
  const plain = Buffer.concat([
    decipher.update(Buffer.from(encryptedText, "base64url")),
    decipher.final(),
  ]);
  return JSON.parse(plain.toString("utf8"));
}
