// Keyring construction, validation, rotation, sharing and secrecy.

import assert from 'node:assert/strict'
import test from 'node:test'
import { inspect } from 'node:util'

import { Keyring, Sealer, seal, unseal } from 'polyseal'

import { HOUR, KEY, NOW, PW1, PW2, throwsCode } from './support.mjs'

const roundTrip = (keyring) => {
  const sealer = new Sealer(keyring)
  return sealer.unseal(sealer.seal({ ok: true }, { now: NOW }), { now: NOW })
}

test('every accepted form builds a working keyring', () => {
  const forms = [
    [new Keyring(PW1), [''], ''],
    [new Keyring(Buffer.from(KEY)), [''], ''],
    [new Keyring(KEY), [''], ''],
    [new Keyring([{ id: 'a', secret: PW1 }, { id: 'b', secret: KEY }]), ['a', 'b'], 'a'],
    [new Keyring([{ id: 'a', secret: PW1 }, { id: 'b', secret: PW2 }], { current: 'b' }), ['a', 'b'], 'b'],
    [new Keyring([{ secret: PW1 }]), [''], ''],
    [new Keyring([{ id: 's', encryption: PW1, integrity: KEY }]), ['s'], 's'],
    [new Keyring({ new: PW2, old: { secret: PW1 } }), ['new', 'old'], 'new'],
    [new Keyring({ s: { encryption: PW1, integrity: PW2 } }), ['s'], 's'],
    [new Keyring({ a: PW1, b: PW2 }, { current: 'b' }), ['a', 'b'], 'b'],
    [new Keyring(PW1, null), [''], ''],
  ]
  for (const [keyring, ids, current] of forms) {
    assert.deepEqual(keyring.ids, ids)
    assert.equal(keyring.current, current)
    const opened = roundTrip(keyring)
    assert.deepEqual(opened.data, { ok: true })
    assert.equal(opened.keyId, current)
  }
})

test('object keys follow JavaScript order; the array form keeps the order given', () => {
  // Integer-like keys come first, ascending, however they were written.
  const fromObject = new Keyring({ 2: PW2, 1: PW1 })
  assert.deepEqual(fromObject.ids, ['1', '2'])
  assert.equal(fromObject.current, '1')
  const fromArray = new Keyring([{ id: '2', secret: PW2 }, { id: '1', secret: PW1 }])
  assert.deepEqual(fromArray.ids, ['2', '1'])
  assert.equal(fromArray.current, '2')
})

test('bad keyrings are rejected with INVALID_PASSWORD', () => {
  const bad = [
    () => new Keyring(''),
    () => new Keyring('x'.repeat(31)),
    () => new Keyring('€'.repeat(31)),
    () => new Keyring(new Uint8Array(16)),
    () => new Keyring(Buffer.alloc(33)),
    () => new Keyring([]),
    () => new Keyring({}),
    () => new Keyring([{ id: 'a', secret: PW1 }, { id: 'a', secret: PW2 }]),
    () => new Keyring([{ id: 'a-b', secret: PW1 }]),
    () => new Keyring([{ id: 'x'.repeat(65), secret: PW1 }]),
    () => new Keyring([{ secret: PW1 }, { id: 'b', secret: PW2 }]),
    () => new Keyring([{ id: 'a', secret: PW1 }], { current: 'z' }),
    () => new Keyring([{ id: 'a', encryption: PW1, integrity: 'short' }]),
    () => new Keyring({ 'bad id': PW1 }),
  ]
  for (const fn of bad) throwsCode(fn, 'INVALID_PASSWORD')
  // 16 astral characters are 32 UTF-16 code units, as JavaScript counts them.
  assert.deepEqual(new Keyring('😀'.repeat(16)).ids, [''])
})

test('unusable arguments are rejected with INVALID_ARGUMENT', () => {
  const bad = [
    () => new Keyring(),
    () => new Keyring(null),
    () => new Keyring(42),
    () => new Keyring(true),
    () => new Keyring(new ArrayBuffer(32)),
    () => new Keyring(new Uint16Array(16)),
    () => new Keyring([PW1]),
    () => new Keyring([{ id: 'a' }]),
    () => new Keyring([{ id: 'a', secret: PW1, encryption: PW1, integrity: PW2 }]),
    () => new Keyring([{ id: 'a', encryption: PW1 }]),
    () => new Keyring([{ id: 'a', secret: 42 }]),
    () => new Keyring([{ id: 7, secret: PW1 }]),
    () => new Keyring({ a: 42 }),
    () => new Keyring(PW1, 'k1'),
    () => new Keyring(PW1, { current: 1 }),
    () => new Sealer(5),
    () => new Sealer(Object.create(Keyring.prototype)),
    () => new Sealer(undefined),
  ]
  for (const fn of bad) throwsCode(fn, 'INVALID_ARGUMENT')
  throwsCode(() => new Keyring([{ id: 'a', secret: PW1, extra: 1 }]), 'INVALID_OPTION')
  throwsCode(() => new Keyring(PW1, { currnet: 'a' }), 'INVALID_OPTION')
})

test('rotation: old tokens open and ask to be resealed', () => {
  const old = new Sealer(new Keyring([{ id: 'k1', secret: PW1 }]), { ttl: HOUR })
  const token = old.seal({ v: 1 }, { now: NOW })
  const rotated = new Sealer(new Keyring([{ id: 'k2', secret: PW2 }, { id: 'k1', secret: PW1 }]), { ttl: HOUR })
  const opened = rotated.unseal(token, { now: NOW })
  assert.equal(opened.keyId, 'k1')
  assert.equal(opened.needsReseal, true)
  const fresh = rotated.unseal(rotated.seal(opened.data, { now: NOW }), { now: NOW })
  assert.equal(fresh.keyId, 'k2')
  assert.equal(fresh.needsReseal, false)
})

test('one Keyring serves many Sealers, and secrets or keyrings are interchangeable', () => {
  const keyring = new Keyring(PW1)
  const sealers = Array.from({ length: 50 }, (_, i) => new Sealer(keyring, { cookieName: `c${i % 2}` }))
  const token = sealers[0].seal({ shared: true }, { now: NOW })
  for (const sealer of sealers.filter((_, i) => i % 2 === 0)) {
    assert.deepEqual(sealer.unseal(token, { now: NOW }).data, { shared: true })
  }
  throwsCode(() => sealers[1].unseal(token, { now: NOW }), 'BAD_SEAL')
  // A secret passed where a keyring is expected makes the same keyring.
  assert.deepEqual(new Sealer(PW1, { cookieName: 'c0' }).unseal(token, { now: NOW }).data, { shared: true })
  assert.deepEqual(unseal(seal([1], PW1), keyring), [1])
})

test('keyrings and sealers never show their secrets', () => {
  const keyring = new Keyring([{ id: 'pw', secret: PW1 }, { id: 'raw', secret: Buffer.from(KEY) }])
  const sealer = new Sealer(keyring, { cookieName: 'session' })
  const keyHex = Buffer.from(KEY).toString('hex')
  const keyBytes = inspect(Buffer.from(KEY)).slice(8, 30)
  const shown = [
    JSON.stringify(keyring),
    JSON.stringify(sealer),
    JSON.stringify({ keyring, sealer }),
    inspect(keyring, { showHidden: true, getters: true, depth: Infinity }),
    inspect(sealer, { showHidden: true, getters: true, depth: Infinity }),
    String(keyring),
    Object.getOwnPropertyNames(keyring).join(),
    Object.getOwnPropertySymbols(keyring).map(String).join(),
  ].join('\n')
  for (const secret of [PW1, keyHex, keyBytes, 'test-password']) {
    assert.ok(!shown.includes(secret), `${secret} shown in:\n${shown}`)
  }
  assert.deepEqual(JSON.parse(JSON.stringify(keyring)), { ids: ['pw', 'raw'], current: 'pw' })
  assert.deepEqual(JSON.parse(JSON.stringify(sealer)), {
    format: 'native',
    keyring: { ids: ['pw', 'raw'], current: 'pw' },
  })
  assert.deepEqual(Object.keys(keyring), [])
  assert.deepEqual(Object.keys(sealer), [])
})

test('the derived-key cache: its size, its counters, its bound', () => {
  // An h3-v1 seal inserts its two keys and opening the token again finds both; a disabled
  // cache holds nothing and answers nothing; the largest allowed cache works.
  for (const [size, kept] of [[undefined, 2], [0, 0], [1048576, 2]]) {
    const keyring = new Keyring(PW1, size === undefined ? undefined : { derivedKeyCache: size })
    const sealer = new Sealer(keyring, { format: 'h3-v1' })
    const empty = { capacity: size ?? 1024, entries: 0, hits: 0, misses: 0, insertions: 0, evictions: 0 }
    assert.deepEqual(keyring.derivedKeyCacheStats(), empty)
    const token = sealer.seal({ n: 1 }, { now: NOW })
    assert.deepEqual(sealer.unseal(token, { now: NOW }).data, { n: 1 })
    const stats = keyring.derivedKeyCacheStats()
    assert.deepEqual([stats.entries, stats.insertions, stats.hits, stats.misses, stats.evictions],
      [kept, kept, kept, 0, 0])
  }
  // One entry: the seal's second key evicts its first; the unseal finds the integrity key,
  // misses the encryption key, derives it and inserts it in its place (as in Python and C).
  const one = new Keyring(PW1, { derivedKeyCache: 1 })
  const sealer = new Sealer(one, { format: 'h3-v1' })
  sealer.unseal(sealer.seal({ n: 1 }, { now: NOW }), { now: NOW })
  assert.deepEqual(one.derivedKeyCacheStats(),
    { capacity: 1, entries: 1, hits: 1, misses: 1, insertions: 3, evictions: 2 })

  for (const size of [1048577, Number.MAX_SAFE_INTEGER, -1, 1.5, Infinity, NaN]) {
    throwsCode(() => new Keyring(PW1, { derivedKeyCache: size }), 'INVALID_OPTION')
  }
  throwsCode(() => new Keyring(PW1, { derivedKeyCache: '8' }), 'INVALID_ARGUMENT')
})
