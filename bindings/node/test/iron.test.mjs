// The iron-webcrypto-compatible surface, checked against the real iron-webcrypto 2.x package.
//
// Core does not seal Fe26.2 yet: every Sealer with an iron format is refused with
// INVALID_OPTION, so the tests that need tokens are marked `todo` until core lands it.

import assert from 'node:assert/strict'
import test from 'node:test'

import * as Iron from 'iron-webcrypto'
import { Keyring, Sealer, ironDefaults, sealIron, unsealIron } from 'polyseal'

import { KEY, PW1, PW2, rejectsCode } from './support.mjs'

const FE26 = 'core has no Fe26.2 yet (Sealer refuses the iron formats with INVALID_OPTION)'

test('ironDefaults equals iron-webcrypto’s defaults', () => {
  assert.deepEqual(ironDefaults, Iron.defaults)
})

test('sealIron and unsealIron always return Promises, even for bad arguments', async () => {
  for (const call of [
    () => sealIron({ a: 1 }, PW1),
    () => sealIron(() => 1, 42, 'options'),
    () => unsealIron(42, PW1),
    () => unsealIron('Fe26.2**', null, { ttl: -1 }),
  ]) {
    let pending
    assert.doesNotThrow(() => {
      pending = call()
    })
    assert.ok(pending instanceof Promise)
    await pending.catch(() => {})
  }
})

test('iron options polyseal cannot honour are refused by name', async () => {
  const refused = [
    [{ encryption: { ...Iron.defaults.encryption, algorithm: 'aes-128-ctr' } }, /algorithm/],
    [{ integrity: { ...Iron.defaults.integrity, minPasswordlength: 16 } }, /minPasswordlength/],
    [{ encryption: { iterations: 1 }, integrity: { iterations: 2 } }, /differ/],
    [{ encryption: { saltBits: 128 }, integrity: { saltBits: 256 } }, /differ/],
    [{ ...Iron.defaults, encode: JSON.stringify }, /unknown option "encode"/],
    [{ encryption: { salt: 'fixed' } }, /unknown option "salt"/],
    [{ ttl: -5 }, /ttl/],
    [{ timestampSkewSec: 0.0001 }, /timestampSkewSec/],
  ]
  for (const [options, message] of refused) {
    const error = await rejectsCode(sealIron({ a: 1 }, PW1, options), 'INVALID_OPTION')
    assert.match(error.message, message)
  }
})

test('passwords are validated like a Keyring', async () => {
  await rejectsCode(sealIron({}, 'too short'), 'INVALID_PASSWORD')
  await rejectsCode(sealIron({}, { id: 'bad-id', secret: PW1 }), 'INVALID_PASSWORD')
  await rejectsCode(sealIron({}, new Uint8Array(16)), 'INVALID_PASSWORD')
  await rejectsCode(unsealIron('Fe26.2**', { k1: 'short' }), 'INVALID_PASSWORD')
  await rejectsCode(sealIron({}, 42), 'INVALID_ARGUMENT')
  await rejectsCode(sealIron({}, { id: 'a', secret: PW1, extra: true }), 'INVALID_OPTION')
})

test('iron-webcrypto options are accepted as iron-webcrypto spells them', async () => {
  const options = { ...Iron.defaults, ttl: 60_000, localtimeOffsetMsec: -10 }
  const outcome = await sealIron({ a: 1 }, PW1, options).catch((error) => error)
  if (outcome instanceof Error) {
    assert.doesNotMatch(outcome.message, /unknown option|algorithm|minPasswordlength|differ/)
  }
})

test('sealIron → unsealIron round trip', { todo: FE26 }, async () => {
  const sealed = await sealIron({ user: 1 }, PW1, Iron.defaults)
  assert.match(sealed, /^Fe26\.2\*\*/)
  assert.deepEqual(await unsealIron(sealed, PW1, Iron.defaults), { user: 1 })
})

test('iron-webcrypto tokens open here, and ours open in iron-webcrypto', { todo: FE26 }, async () => {
  const passwords = [PW1, KEY, { id: 'k1', secret: PW1 }, { id: 's', encryption: PW1, integrity: PW2 }]
  for (const password of passwords) {
    const lookup = typeof password === 'object' && 'id' in password ? { [password.id]: password } : password
    const theirs = await Iron.seal({ from: 'iron', list: [1, 2] }, password, Iron.defaults)
    assert.deepEqual(await unsealIron(theirs, lookup, Iron.defaults), { from: 'iron', list: [1, 2] })
    const ours = await sealIron({ from: 'polyseal' }, password, Iron.defaults)
    assert.deepEqual(await Iron.unseal(ours, lookup, Iron.defaults), { from: 'polyseal' })
  }
})

test('rotation: a map of id → password opens tokens of every id', { todo: FE26 }, async () => {
  const old = await Iron.seal({ v: 'old' }, { id: 'k1', secret: PW1 }, Iron.defaults)
  const current = await sealIron({ v: 'new' }, { id: 'k2', secret: PW2 }, Iron.defaults)
  const map = { k2: PW2, k1: PW1 }
  assert.deepEqual(await unsealIron(old, map, Iron.defaults), { v: 'old' })
  assert.deepEqual(await unsealIron(current, map, Iron.defaults), { v: 'new' })
  await rejectsCode(unsealIron(old, { k2: PW2 }, Iron.defaults), 'UNKNOWN_KEY')
})

test('ttl, skew and the local clock offset behave as in iron', { todo: FE26 }, async () => {
  const options = { ...Iron.defaults, ttl: 1000 }
  const sealed = await Iron.seal({ t: 1 }, PW1, options)
  assert.deepEqual(await unsealIron(sealed, PW1, options), { t: 1 })
  const later = { ...options, timestampSkewSec: 0, localtimeOffsetMsec: 5000 }
  await rejectsCode(unsealIron(sealed, PW1, later), 'EXPIRED')
})

test('h3-v2 (8192 iterations) unseals on the thread pool, not the event loop', { todo: FE26 }, async () => {
  const sealer = new Sealer(new Keyring(PW1), { format: 'h3-v2' })
  const token = await sealer.sealAsync({ id: 'x', createdAt: 1, data: {} })
  let ticks = 0
  const timer = setInterval(() => {
    ticks += 1
  }, 1)
  try {
    await Promise.all(Array.from({ length: 40 }, () => sealer.unsealAsync(token)))
  } finally {
    clearInterval(timer)
  }
  assert.ok(ticks >= 5, `${ticks} ticks`)
})
