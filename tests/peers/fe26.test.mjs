// Real-peer tests: polyseal's Fe26.2 (through core/examples/fe26_cli) against @hapi/iron,
// iron-webcrypto 1 and 2, h3 1 and 2 and iron-session 8, in both directions and for errors.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';

import { Fe26Cli } from './lib/cli.mjs';
import { makeRandom, randomData, randomId, randomPassword } from './lib/random.mjs';
import {
  allPeers, coreKeyring, h3v1, h3v2, installedVersion, ironSession, peerOutcome,
} from './lib/peers.mjs';

const ROUNDS = Number(process.env.PEER_ROUNDS ?? 8);
const seed = Number(process.env.PEER_SEED ?? Math.floor(Math.random() * 2 ** 32));
const random = makeRandom(seed);
const cli = new Fe26Cli();
const passed = new Map();

function pass(peer, count = 1) {
  passed.set(peer.name, (passed.get(peer.name) ?? 0) + count);
}

after(async () => {
  await cli.close();
  const summary = [...passed].map(([name, count]) => `${name}: ${count}`).join(', ');
  console.log(`# PEER_SEED=${seed} checks passed per package: ${summary}`);
});

// --- inputs ---------------------------------------------------------------------------

const HOUR = 3_600_000;

/** A sealing keyring the peer can express (iron-session: numeric ids only). */
function randomRing(peer) {
  const password = randomPassword(random);
  if (peer === ironSession) {
    return random.next() < 0.5
      ? { entries: [{ id: '', secret: password }] }
      : { current: '3', entries: [{ id: '3', secret: password }, { id: '1', secret: randomPassword(random) }] };
  }
  const kinds = peer.generic ? ['plain', 'id', 'split', 'raw', 'rawSplit'] : ['plain', 'id'];
  switch (random.pick(kinds)) {
    case 'plain': return { entries: [{ id: '', secret: password }] };
    case 'id': return { entries: [{ id: randomId(random), secret: password }] };
    case 'split': return { entries: [{ id: randomId(random), secret: { encryption: password, integrity: randomPassword(random) } }] };
    case 'raw': return { entries: [{ id: '', secret: randomBytes(32) }] };
    default: return { entries: [{ id: randomId(random), secret: { encryption: randomBytes(32), integrity: password } }] };
  }
}

/** Options the peer can express: ttl, iterations and local offset where it has them. */
function randomParams(peer) {
  if (peer === ironSession) {
    return random.next() < 0.5 ? {} : { ttlMs: random.int(60, 30 * 86400) * 1000 };
  }
  const params = { ttlMs: random.next() < 0.3 ? 0 : random.int(61, 86400) * 1000 };
  if (peer.generic) params.iterations = random.pick([1, 1, 8192, random.int(2, 50)]);
  if (random.next() < 0.3) params.offsetMs = -random.int(1, 30_000);
  return params;
}

function randomValue(peer) {
  const data = randomData(random);
  return peer.session ? { id: randomUUID(), createdAt: Date.now(), data } : data;
}

const fields = (token) => token.replace(/~.*$/, '').split('*');

/** The bytes a peer drew, in the order polyseal draws them: encryption salt, IV, integrity salt. */
function drawnHex(token) {
  const [, , encryptionSalt, iv, , , integritySalt] = fields(token);
  return encryptionSalt + Buffer.from(iv, 'base64url').toString('hex') + integritySalt;
}

/** When polyseal must seal to reproduce a token: expiry = now + offset + ttl. */
function sealTime(token, params, defaultTtlMs = 0) {
  const expiration = fields(token)[5];
  const ttl = params.ttlMs ?? defaultTtlMs;
  return expiration ? Number(expiration) - ttl - (params.offsetMs ?? 0) : Date.now();
}

const defaultTtl = (peer) => (peer === ironSession ? 14 * 24 * HOUR : 0);

// --- both directions ------------------------------------------------------------------

for (const peer of allPeers) {
  describe(peer.name, () => {
    test('the pinned version is installed', () => {
      assert.equal(installedVersion(peer.folder ?? peer.name), peer.version);
      pass(peer);
    });

    test('tokens sealed by the package unseal in polyseal, and polyseal reseals them byte for byte', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const ring = randomRing(peer);
        const params = randomParams(peer);
        const value = randomValue(peer);
        const token = await peer.seal(value, ring, params);
        const context = `seed ${seed}, round ${round}, token ${token}`;
        const answer = await cli.unseal({ token, keyring: coreKeyring(ring), options: peer.coreOptions(params) });
        assert.equal(answer.ok, true, `${context}: ${answer.message}`);
        assert.equal(answer.payload, JSON.stringify(value), context);
        const expiration = fields(token)[5];
        assert.equal(answer.expiresAt, expiration ? Number(expiration) : null, context);
        assert.equal(answer.needsReseal, false, context);
        const resealed = await cli.seal({
          value, keyring: coreKeyring(ring), options: peer.coreOptions(params),
          now: sealTime(token, params, defaultTtl(peer)), fixedHex: drawnHex(token),
        });
        assert.equal(resealed.token, token, context);
        pass(peer, 2);
      }
    });

    test('tokens sealed by polyseal unseal in the package', async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const ring = randomRing(peer);
        const params = randomParams(peer);
        const value = randomValue(peer);
        const sealed = await cli.seal({ value, keyring: coreKeyring(ring), options: peer.coreOptions(params) });
        assert.equal(sealed.ok, true, sealed.message);
        const outcome = await peerOutcome(peer, sealed.token, ring, params);
        assert.equal(outcome.ok, true, `seed ${seed}, round ${round}: ${outcome.message} for ${sealed.token}`);
        assert.deepEqual(outcome.value, value);
        pass(peer);
      }
    });

    test('rotation: old ids and "default" are found, and polyseal asks for a reseal', async () => {
      const [oldId, newId] = peer === ironSession ? ['1', '2'] : ['old', 'new'];
      const [oldPw, newPw, defaultPw] = [randomPassword(random), randomPassword(random), randomPassword(random)];
      const oldRing = { entries: [{ id: oldId, secret: oldPw }] };
      const rotated = {
        current: newId,
        entries: [{ id: newId, secret: newPw }, { id: oldId, secret: oldPw }, ...(peer === ironSession ? [] : [{ id: 'default', secret: defaultPw }])],
      };
      const value = randomValue(peer);
      const fromPeer = await peer.seal(value, oldRing, {});
      const answer = await cli.unseal({ token: fromPeer, keyring: coreKeyring(rotated), options: peer.coreOptions({}) });
      assert.deepEqual([answer.ok, answer.keyId, answer.needsReseal], [true, oldId, true], answer.message);
      assert.equal(answer.payload, JSON.stringify(value));
      const fromCore = await cli.seal({ value, keyring: coreKeyring(oldRing), options: peer.coreOptions({}) });
      const outcome = await peerOutcome(peer, fromCore.token, rotated, {});
      assert.equal(outcome.ok, true, outcome.message);
      assert.deepEqual(outcome.value, value);
      pass(peer, 2);
      if (peer === ironSession) return; // iron-session always writes an id
      const idLess = await peer.seal(value, { entries: [{ id: '', secret: defaultPw }] }, {});
      const viaDefault = await cli.unseal({ token: idLess, keyring: coreKeyring(rotated), options: peer.coreOptions({}) });
      assert.deepEqual([viaDefault.ok, viaDefault.keyId, viaDefault.needsReseal], [true, 'default', true], viaDefault.message);
      pass(peer);
    });
  });
}

test('h3 1.x and iron-session 8 run on the pinned iron-webcrypto 1.2.1', () => {
  assert.equal(installedVersion('iron-webcrypto'), '1.2.1');
});

// --- errors: the same verdict on both sides -------------------------------------------

// polyseal's code -> the start of the message every JS implementation throws.
const PEER_MESSAGE = {
  BAD_SEAL: /^Bad hmac value/,
  EXPIRED: /^Expired seal/,
  UNKNOWN_KEY: /^Cannot find password/,
  MALFORMED_COUNT: /^Incorrect number of sealed components/,
  MALFORMED_EXPIRATION: /^Invalid expiration/,
  UNSUPPORTED_VERSION: /^Wrong mac prefix/,
};
// iron-session turns these into an empty session instead of an error.
const SWALLOWED_BY_IRON_SESSION = new Set(['BAD_SEAL', 'EXPIRED', 'UNKNOWN_KEY', 'MALFORMED_COUNT']);

function tamper(token, index) {
  const parts = fields(token);
  const bytes = Buffer.from(parts[index], 'base64url');
  bytes[0] ^= 1;
  parts[index] = bytes.toString('base64url');
  return parts.join('*');
}

function replaceField(token, index, text) {
  const parts = fields(token);
  parts[index] = text;
  return parts.join('*');
}

/** Error cases for one peer: {name, token, ring, params, expect} with expect a PEER_MESSAGE key. */
async function errorCases(peer) {
  const password = randomPassword(random);
  const ring = peer === ironSession ? { entries: [{ id: '1', secret: password }] } : { entries: [{ id: 'k1', secret: password }] };
  const params = peer.generic ? { iterations: random.pick([1, 8192]) } : {};
  const value = randomValue(peer);
  const fromPeer = await peer.seal(value, ring, params);
  const fromCore = (await cli.seal({ value, keyring: coreKeyring(ring), options: peer.coreOptions(params) })).token;
  const expiredFromCore = (await cli.seal({
    value, keyring: coreKeyring(ring), options: peer.coreOptions({ ...params, ttlMs: 60_000 }), now: Date.now() - 2 * HOUR,
  })).token;
  const otherRing = { entries: [{ id: peer === ironSession ? '1' : 'k1', secret: randomPassword(random) }] };
  const missingRing = { entries: [{ id: peer === ironSession ? '9' : 'zz', secret: password }, { id: '8', secret: password }] };
  const idLessFromCore = (await cli.seal({
    value, keyring: coreKeyring({ entries: [{ id: '', secret: password }] }), options: { ...peer.coreOptions(params), format: peer === ironSession ? 'iron' : peer.coreOptions(params).format },
  })).token;
  const cases = [
    { name: 'package token, ciphertext tampered', token: tamper(fromPeer, 4), ring, expect: 'BAD_SEAL' },
    { name: 'polyseal token, IV tampered', token: tamper(fromCore, 3), ring, expect: 'BAD_SEAL' },
    { name: 'polyseal token, HMAC tampered', token: tamper(fromCore, 7), ring, expect: 'BAD_SEAL' },
    { name: 'package token, wrong password', token: fromPeer, ring: otherRing, expect: 'BAD_SEAL' },
    { name: 'polyseal token, wrong password', token: fromCore, ring: otherRing, expect: 'BAD_SEAL' },
    { name: 'polyseal token, expired', token: expiredFromCore, ring, expect: 'EXPIRED' },
    { name: 'expired and forged: expiry first', token: tamper(expiredFromCore, 7), ring, expect: 'EXPIRED' },
    { name: 'package token, unknown id', token: fromPeer, ring: missingRing, expect: 'UNKNOWN_KEY' },
    { name: 'id-less token, no "default"', token: idLessFromCore, ring: missingRing, expect: 'UNKNOWN_KEY' },
    { name: 'nine components', token: `${fields(fromPeer).join('*')}*x`, ring, expect: 'MALFORMED_COUNT' },
    { name: 'Fe26.1 prefix', token: replaceField(fromCore, 0, 'Fe26.1'), ring, expect: 'UNSUPPORTED_VERSION' },
    { name: 'expiration not a number', token: replaceField(fromCore, 5, '12x'), ring, expect: 'MALFORMED_EXPIRATION' },
  ];
  if (peer !== ironSession) {
    // iron-session cannot shift its clock; the others seal an already-expired token themselves.
    const expiredFromPeer = await peer.seal(value, ring, { ...params, ttlMs: 60_000, offsetMs: -2 * HOUR });
    cases.push({ name: 'package token, expired', token: expiredFromPeer, ring, expect: 'EXPIRED' });
  }
  return cases.map((c) => ({ ...c, params }));
}

const coreCode = (expect) => expect.replace(/^MALFORMED_.*/, 'MALFORMED');

for (const peer of allPeers) {
  test(`${peer.name}: errors get the same verdict from polyseal and the package`, async () => {
    for (const c of await errorCases(peer)) {
      const context = `${peer.name} / ${c.name} (seed ${seed}): ${c.token}`;
      const answer = await cli.unseal({ token: c.token, keyring: coreKeyring(c.ring), options: peer.coreOptions(c.params) });
      assert.equal(answer.ok, false, context);
      assert.equal(answer.code, coreCode(c.expect), `${context}: ${answer.message}`);
      const outcome = await peerOutcome(peer, c.token, c.ring, c.params);
      assert.equal(outcome.ok, false, `${context}: the package accepted it`);
      if (peer === ironSession && SWALLOWED_BY_IRON_SESSION.has(c.expect)) {
        assert.equal(outcome.swallowed, true, `${context}: ${outcome.message}`);
      } else {
        assert.match(outcome.message, PEER_MESSAGE[c.expect], context);
      }
      pass(peer);
    }
  });
}

// --- h3 v2's legacy fallback, through h3's own session API ----------------------------

test('h3-v2: a 1-iteration cookie is accepted and resealed by both h3 and polyseal', async () => {
  const ring = { entries: [{ id: '', secret: randomPassword(random) }] };
  const session = randomValue(h3v1);
  const legacy = await h3v1.seal(session, ring, {});
  const core = await cli.unseal({ token: legacy, keyring: coreKeyring(ring), options: { format: 'h3-v2' } });
  assert.deepEqual([core.ok, core.needsReseal], [true, true], core.message);
  assert.equal(core.payload, JSON.stringify(session));
  const strict = await cli.unseal({ token: legacy, keyring: coreKeyring(ring), options: { format: 'h3-v2', legacyIterations: null } });
  assert.equal(strict.code, 'BAD_SEAL');

  const event = h3v2.module.mockEvent('/', { headers: { cookie: `h3=${legacy}` } });
  const read = await h3v2.module.getSession(event, { password: ring.entries[0].secret });
  assert.deepEqual({ ...read.data }, session.data);
  const cookie = event.res.headers.getSetCookie().find((line) => line.startsWith('h3='));
  assert.ok(cookie, 'h3 v2 resends a cookie for a legacy session');
  const resealed = decodeURIComponent(cookie.slice(3).split(';')[0]);
  assert.notEqual(resealed, legacy);
  const fresh = await cli.unseal({ token: resealed, keyring: coreKeyring(ring), options: { format: 'h3-v2' } });
  assert.deepEqual([fresh.ok, fresh.needsReseal], [true, false], fresh.message);
  assert.deepEqual(JSON.parse(fresh.payload).data, session.data);
  const v1Reader = await cli.unseal({ token: resealed, keyring: coreKeyring(ring), options: { format: 'h3-v1' } });
  assert.equal(v1Reader.code, 'BAD_SEAL', 'an 8192-iteration cookie is not an h3-v1 cookie');
  pass(h3v2, 4);
});

test('iron-session: tokens carry ~2 and id 1 for a string password, as iron-session writes them', async () => {
  const ring = { entries: [{ id: '', secret: randomPassword(random) }] };
  const value = randomData(random);
  const ours = (await cli.seal({ value, keyring: coreKeyring(ring), options: { format: 'iron-session' } })).token;
  const theirs = await ironSession.seal(value, ring, {});
  for (const token of [ours, theirs]) {
    assert.match(token, /^Fe26\.2\*1\*[0-9a-f]{64}\*[\w-]{22}\*[\w-]+\*\d+\*[0-9a-f]{64}\*[\w-]{43}~2$/);
  }
  const expiry = Number(fields(ours)[5]) - Date.now();
  assert.ok(Math.abs(expiry - 14 * 24 * HOUR) < 60_000, `ttl ${expiry}`);
  pass(ironSession, 2);
});
