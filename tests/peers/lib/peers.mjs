// The real packages, each behind the same small interface:
//   seal(value, ring, params) -> token            unseal(token, ring, params) -> value (or throws)
//   coreOptions(params) -> the polyseal options that mean the same thing
// `ring` is {current, entries: [{id, secret}]}, secret = string | Buffer | {encryption, integrity}.
// params: {ttlMs, iterations, offsetMs, fixed: {encryptionSalt, iv, integritySalt}}.
import { readFileSync } from 'node:fs';
import * as HapiIron from '@hapi/iron';
import * as Iwc1 from 'iron-webcrypto-1';
import * as Iwc2 from 'iron-webcrypto-2';
import * as H3v1 from 'h3-v1';
import * as H3v2 from 'h3-v2';
import * as IronSession from 'iron-session-v8';

/** The installed version of a package (aliases live in their own folder). */
export function installedVersion(name) {
  const file = new URL(`../node_modules/${name}/package.json`, import.meta.url);
  return JSON.parse(readFileSync(file, 'utf8')).version;
}

// --- keyrings -------------------------------------------------------------------------

function coreSecret(secret) {
  if (typeof secret === 'string') return { password: secret };
  if (secret instanceof Uint8Array) return { keyHex: Buffer.from(secret).toString('hex') };
  return { encryption: coreSecret(secret.encryption), integrity: coreSecret(secret.integrity) };
}

/** The keyring as the polyseal CLI reads it (docs/VECTORS.md). */
export function coreKeyring(ring) {
  return {
    current: ring.current ?? ring.entries[0].id,
    entries: ring.entries.map(({ id, secret }) => ({ id, ...coreSecret(secret) })),
  };
}

function currentEntry(ring) {
  const id = ring.current ?? ring.entries[0].id;
  return ring.entries.find((entry) => entry.id === id);
}

/** iron's seal-side password: the secret, {id, secret} or {id, encryption, integrity}. */
export function sealPassword(ring) {
  const { id, secret } = currentEntry(ring);
  const split = typeof secret === 'object' && !(secret instanceof Uint8Array);
  if (!id) return split ? { id: '', ...secret } : secret;
  return split ? { id, ...secret } : { id, secret };
}

/** iron's unseal-side password: a lone id-less secret, or a map id -> secret. */
export function unsealPassword(ring) {
  if (ring.entries.length === 1 && !ring.entries[0].id) return ring.entries[0].secret;
  return Object.fromEntries(ring.entries.map(({ id, secret }) => [id, secret]));
}

// --- option helpers -------------------------------------------------------------------

function ironOptions(defaults, { ttlMs = 0, iterations = 1, offsetMs = 0, saltBits, fixed } = {}) {
  const side = (extra) => ({ iterations, ...(saltBits ? { saltBits } : {}), ...extra });
  return {
    ...defaults,
    ttl: ttlMs,
    localtimeOffsetMsec: offsetMs,
    encryption: { ...defaults.encryption, ...side(fixed ? { salt: fixed.encryptionSalt, iv: fixed.iv } : {}) },
    integrity: { ...defaults.integrity, ...side(fixed ? { salt: fixed.integritySalt } : {}) },
  };
}

const genericCoreOptions = ({ ttlMs = 0, iterations = 1, offsetMs = 0 } = {}) => ({
  format: 'iron', ttl: ttlMs, iterations, localtimeOffset: offsetMs,
});

function h3Config(ring, password, { ttlMs = 0, offsetMs = 0, fixed, iterations } = {}, h3Defaults) {
  const seal = {};
  if (offsetMs) seal.localtimeOffsetMsec = offsetMs;
  if (fixed || iterations) {
    Object.assign(seal, ironOptions(h3Defaults, { ttlMs, offsetMs, iterations: iterations ?? h3Defaults.encryption.iterations, fixed }));
  }
  return { password, ...(ttlMs ? { maxAge: ttlMs / 1000 } : {}), ...(Object.keys(seal).length ? { seal } : {}) };
}

// --- the peers ------------------------------------------------------------------------

const asBuffer = (secret) => (secret instanceof Uint8Array ? Buffer.from(secret) : secret);
const bufferRing = (ring) => ({
  ...ring,
  entries: ring.entries.map(({ id, secret }) => ({
    id,
    secret: typeof secret === 'object' && !(secret instanceof Uint8Array)
      ? { encryption: asBuffer(secret.encryption), integrity: asBuffer(secret.integrity) }
      : asBuffer(secret),
  })),
});

export const hapiIron = {
  name: '@hapi/iron', version: '7.0.1', profile: 'iron', generic: true,
  seal: (value, ring, params) => HapiIron.seal(value, sealPassword(bufferRing(ring)), ironOptions(HapiIron.defaults, params)),
  unseal: (token, ring, params) => HapiIron.unseal(token, unsealPassword(bufferRing(ring)), ironOptions(HapiIron.defaults, params)),
  coreOptions: genericCoreOptions,
};

export const ironWebcrypto1 = {
  name: 'iron-webcrypto-1', version: '1.2.1', profile: 'iron', generic: true,
  seal: (value, ring, params) => Iwc1.seal(globalThis.crypto, value, sealPassword(ring), ironOptions(Iwc1.defaults, params)),
  unseal: (token, ring, params) => Iwc1.unseal(globalThis.crypto, token, unsealPassword(ring), ironOptions(Iwc1.defaults, params)),
  coreOptions: genericCoreOptions,
};

export const ironWebcrypto2 = {
  name: 'iron-webcrypto-2', version: '2.0.0', profile: 'iron', generic: true,
  seal: (value, ring, params) => Iwc2.seal(value, sealPassword(ring), ironOptions(Iwc2.defaults, params)),
  unseal: (token, ring, params) => Iwc2.unseal(token, unsealPassword(ring), ironOptions(Iwc2.defaults, params)),
  coreOptions: genericCoreOptions,
};

// h3 keeps its iron options private; these mirror them so fixed salts can be passed through
// `config.seal` (which h3 spreads over its own defaults).
const H3_V1_DEFAULTS = Iwc1.defaults;
const H3_V2_DEFAULTS = { ...Iwc1.defaults, encryption: { ...Iwc1.defaults.encryption, iterations: 8192 }, integrity: { ...Iwc1.defaults.integrity, iterations: 8192 } };

export const h3v1 = {
  name: 'h3-v1', version: '1.15.11', profile: 'h3-v1', session: true,
  seal: (session, ring, params = {}) => H3v1.sealSession(
    { context: { sessions: { h3: session } } }, h3Config(ring, sealPassword(ring), params, H3_V1_DEFAULTS)),
  unseal: (token, ring, params = {}) => H3v1.unsealSession(
    { context: {} }, h3Config(ring, unsealPassword(ring), { ttlMs: params.ttlMs }, H3_V1_DEFAULTS), token),
  coreOptions: ({ ttlMs = 0, offsetMs = 0 } = {}) => ({ format: 'h3-v1', ttl: ttlMs, localtimeOffset: offsetMs }),
};

function h3v2Event(session) {
  const event = H3v2.mockEvent('/');
  event.context.sessions = { h3: session };
  return event;
}

export const h3v2 = {
  name: 'h3-v2', version: '2.0.8', profile: 'h3-v2', session: true,
  seal: (session, ring, params = {}) => H3v2.sealSession(h3v2Event(session), h3Config(ring, sealPassword(ring), params, H3_V2_DEFAULTS)),
  unseal: (token, ring, params = {}) => H3v2.unsealSession(
    H3v2.mockEvent('/'), h3Config(ring, unsealPassword(ring), { ttlMs: params.ttlMs }, H3_V2_DEFAULTS), token),
  coreOptions: ({ ttlMs = 0, offsetMs = 0 } = {}) => ({ format: 'h3-v2', ttl: ttlMs, localtimeOffset: offsetMs }),
  module: H3v2,
};

/** iron-session's password option: a string, or a map of numeric ids. */
function ironSessionPassword(ring) {
  if (ring.entries.length === 1 && !ring.entries[0].id) return ring.entries[0].secret;
  return Object.fromEntries(ring.entries.map(({ id, secret }) => [id, secret]));
}

export const ironSession = {
  name: 'iron-session', folder: 'iron-session-v8', version: '8.0.4', profile: 'iron-session', swallows: true,
  // iron-session takes ttl in seconds and seals with its highest numeric id.
  seal: (value, ring, { ttlMs } = {}) => IronSession.sealData(value, {
    password: ironSessionPassword(ring), ...(ttlMs !== undefined ? { ttl: ttlMs / 1000 } : {}),
  }),
  unseal: (token, ring) => IronSession.unsealData(token, { password: ironSessionPassword(ring) }),
  coreOptions: ({ ttlMs } = {}) => ({ format: 'iron-session', ...(ttlMs !== undefined ? { ttl: ttlMs } : {}) }),
};

export const allPeers = [hapiIron, ironWebcrypto1, ironWebcrypto2, h3v1, h3v2, ironSession];

/** Runs a peer's unseal and reports {ok, value} or {ok: false, message}. */
export async function peerOutcome(peer, token, ring, params) {
  try {
    const value = await peer.unseal(token, ring, params);
    // iron-session answers {} instead of throwing for expired, forged and unknown-key tokens.
    if (peer.swallows && value && typeof value === 'object' && Object.keys(value).length === 0) {
      return { ok: false, message: '(iron-session returned {})', swallowed: true };
    }
    return { ok: true, value };
  } catch (error) {
    return { ok: false, message: String(error?.message ?? error) };
  }
}
