// JavaScript values in and out of tokens: exactly JSON, nothing dropped or altered silently,
// and no input, however odd, crashes the process.

import assert from 'node:assert/strict'
import test from 'node:test'

import * as Iron from 'iron-webcrypto'
import { Keyring, PolysealError, Sealer } from 'polyseal'

import { NOW, PW1, rejectsCode, throwsCode } from './support.mjs'

const sealer = new Sealer(new Keyring(PW1), { cookieName: 'json' })
const roundTrip = (value, s = sealer) => s.unseal(s.seal(value, { now: NOW }), { now: NOW }).data

test('JSON values come back as JSON.parse(JSON.stringify(value)) gives them', () => {
  const values = [
    null,
    true,
    false,
    0,
    -0,
    1.5,
    -2.5e-7,
    1e21,
    5e-324,
    Number.MAX_SAFE_INTEGER,
    2 ** 53 + 2,
    2 ** 64,
    1_764_000_000_000,
    '',
    'plain',
    'Zoë 🦀 \u2028 \n "quoted" \\ \u0000',
    [],
    {},
    [1, 'two', [3, [4, { five: 5 }]], null],
    { z: 1, a: 2, 10: 'ten', 2: 'two', nested: { list: [true, false], empty: {} } },
    { 'weird key "\u0001"': 1, '': 'empty key', '😀': 'astral' },
    Object.assign(Object.create(null), { nullProto: 1 }),
    { skipped: undefined, kept: 1 },
    Object.assign([1, 2], { extra: 'arrays keep only their items' }),
  ]
  for (const value of values) {
    const back = roundTrip(value)
    assert.deepEqual(back, JSON.parse(JSON.stringify(value)), JSON.stringify(value))
  }
})

test('numbers are numbers, never BigInts', () => {
  const back = roundTrip({ createdAt: 1_764_000_000_000, huge: 2 ** 70, negative: -(2 ** 60) })
  for (const value of Object.values(back)) assert.equal(typeof value, 'number')
  assert.equal(back.createdAt, 1_764_000_000_000)
  assert.equal(back.huge, 2 ** 70)
})

test('__proto__ in a payload is an own property, as JSON.parse makes it', () => {
  const value = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}')
  const back = roundTrip(value)
  assert.ok(Object.hasOwn(back, '__proto__'))
  assert.equal(Object.getPrototypeOf(back), Object.prototype)
  assert.deepEqual(back.__proto__, { polluted: true })
  assert.equal({}.polluted, undefined)
  assert.equal(back.polluted, undefined)
})

test('values JSON cannot hold are rejected, not dropped', () => {
  class Point {
    constructor() {
      this.x = 1
    }
  }
  const sparse = [1, , 3] // eslint-disable-line no-sparse-arrays
  const rejected = [
    undefined,
    () => 1,
    Symbol('s'),
    10n,
    [undefined],
    sparse,
    { f() {} },
    { b: [1n] },
    { s: Symbol('s') },
    new Date(0),
    new Map([[1, 2]]),
    new Set([1]),
    Buffer.from('x'),
    new Uint8Array(2),
    new ArrayBuffer(2),
    /re/,
    new Point(),
    new Number(1),
    new String('boxed'),
    Promise.resolve(1),
    new Error('e'),
  ]
  for (const value of rejected) throwsCode(() => sealer.seal(value), 'INVALID_ARGUMENT')
  // Numbers and strings JSON cannot carry: the payload would not be JSON, as in Python and C.
  const notJson = [NaN, Infinity, -Infinity, { n: NaN }, '\ud800', { ['\udc00']: 1 }, { text: 'fine \ud83d' }]
  for (const value of notJson) throwsCode(() => sealer.seal(value), 'INVALID_JSON')
})

test('symbol keys are skipped, as JSON.stringify skips them', () => {
  assert.deepEqual(roundTrip({ [Symbol('hidden')]: 1, shown: 2 }), { shown: 2 })
})

test('errors say where in the value the problem is', () => {
  const error = throwsCode(() => sealer.seal({ user: { roles: ['a', 2n] } }), 'INVALID_ARGUMENT')
  assert.match(error.message, /^data\.user\.roles\[1\]: a bigint/)
  const quoted = throwsCode(() => sealer.seal({ 'a b': [NaN] }), 'INVALID_JSON')
  assert.match(quoted.message, /^data\["a b"\]\[0\]: the number NaN/)
  // Numbers are named as JavaScript spells them.
  const infinite = throwsCode(() => sealer.seal({ n: [1, -Infinity] }), 'INVALID_JSON')
  assert.match(infinite.message, /^data\.n\[1\]: the number -Infinity has no JSON form/)
  const positive = throwsCode(() => sealer.seal([Infinity]), 'INVALID_JSON')
  assert.match(positive.message, /^data\[0\]: the number Infinity has no JSON form/)
})

test('nesting is bounded: deep and cyclic values fail cleanly', () => {
  let deep = 1
  for (let i = 0; i < 100_000; i++) deep = [deep]
  throwsCode(() => sealer.seal(deep), 'INVALID_JSON')
  const cyclic = { name: 'loop' }
  cyclic.self = cyclic
  throwsCode(() => sealer.seal(cyclic), 'INVALID_JSON')
  const list = []
  list.push(list)
  throwsCode(() => sealer.seal(list), 'INVALID_JSON')

  const nest = (levels) => Array.from({ length: levels }).reduce((inner) => [inner], 0)
  assert.deepEqual(roundTrip(nest(64)), nest(64))
  throwsCode(() => sealer.seal(nest(65)), 'INVALID_JSON')
  const shallow = new Sealer(new Keyring(PW1), { maxDepth: 3 })
  assert.deepEqual(roundTrip(nest(3), shallow), nest(3))
  throwsCode(() => shallow.seal(nest(4)), 'INVALID_JSON')
  // The deepest limit a reader can honour: a far deeper value is an error, never a stack
  // overflow. A limit beyond it is refused when the sealer is built.
  const deepest = new Sealer(new Keyring(PW1), { maxDepth: 127 })
  throwsCode(() => deepest.seal(deep), 'INVALID_JSON')
  throwsCode(() => new Sealer(new Keyring(PW1), { maxDepth: 1_000_000 }), 'INVALID_OPTION')
})

test('a shared sub-object repeated exponentially is cut off, quickly', () => {
  let shared = { leaf: 1 }
  for (let i = 0; i < 40; i++) shared = { a: shared, b: shared }
  const started = performance.now()
  throwsCode(() => sealer.seal(shared), 'TOO_LARGE')
  assert.ok(performance.now() - started < 5_000)
})

test('getters run, as JSON.stringify runs them', () => {
  let calls = 0
  const value = {
    get lazy() {
      calls += 1
      return 'computed'
    },
  }
  assert.deepEqual(roundTrip(value), { lazy: 'computed' })
  assert.equal(calls, 1)
})

test('hostile objects raise PolysealErrors, never crash', () => {
  const boom = () => {
    throw new Error('trap')
  }
  const hostile = [
    new Proxy({}, { ownKeys: boom }),
    new Proxy({ a: 1 }, { get: boom }),
    new Proxy([1, 2], { get: boom }),
    new Proxy({}, { getOwnPropertyDescriptor: boom, ownKeys: () => ['a'] }),
    { toJSON: () => ({}) },
  ]
  for (const value of hostile) {
    assert.throws(() => sealer.seal(value), PolysealError)
  }
  assert.deepEqual(roundTrip(new Proxy({ a: 1 }, {})), { a: 1 })
  // Proxied arrays (Vue's reactive arrays, immer drafts) stay arrays, as in JSON.stringify.
  const proxied = new Proxy({ list: new Proxy([1, [2]], {}) }, {})
  assert.deepEqual(roundTrip(proxied), { list: [1, [2]] })
  assert.ok(Array.isArray(roundTrip(proxied).list))
  // napi reads prototypes without running the trap: such a proxy reads as its own keys.
  assert.deepEqual(roundTrip(new Proxy({ b: 2 }, { getPrototypeOf: boom })), { b: 2 })
})

test('tokens that are not strings, or garbage, are rejected with a code', () => {
  for (const token of [undefined, null, 1, true, {}, [], Buffer.from('x'), Symbol('t'), 1n]) {
    throwsCode(() => sealer.unseal(token), 'INVALID_ARGUMENT')
  }
  throwsCode(() => sealer.unseal('A'.repeat(200_000)), 'TOO_LARGE')
  const token = sealer.seal({ probe: 1 }, { now: NOW })
  const allowed = new Set(['MALFORMED', 'UNSUPPORTED_VERSION', 'UNKNOWN_KEY', 'BAD_SEAL'])
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ .*\u00e9\ud800😀'
  let seed = 42
  const random = (n) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31
    return seed % n
  }
  for (let i = 0; i < 3000; i++) {
    let garbage
    if (i % 2 === 0) {
      garbage = Array.from({ length: random(200) }, () => alphabet[random(alphabet.length)]).join('')
    } else {
      const at = random(token.length)
      garbage = token.slice(0, at) + alphabet[random(64)] + token.slice(at + 1)
      if (garbage === token) continue
    }
    assert.throws(
      () => sealer.unseal(garbage, { now: NOW }),
      (error) => error instanceof PolysealError && allowed.has(error.code),
      JSON.stringify(garbage),
    )
  }
})

test('odd option values are rejected with a code, never a crash', () => {
  const keyring = new Keyring(PW1)
  const odd = [NaN, Infinity, -1, 1.5, 2 ** 60, '10', {}, [], true, 1n, Symbol('o'), () => 1]
  for (const name of ['ttl', 'skew', 'maxTokenChars', 'maxDepth', 'iterations', 'saltBits', 'localtimeOffset']) {
    for (const value of odd) {
      if (name === 'localtimeOffset' && value === -1) continue // offsets may be negative
      assert.throws(
        () => new Sealer(keyring, { [name]: value }),
        (error) => error instanceof PolysealError && ['INVALID_OPTION', 'INVALID_ARGUMENT'].includes(error.code),
        `${name}: ${String(value)}`,
      )
    }
  }
  for (const value of [1, {}, [], true]) {
    throwsCode(() => new Sealer(keyring, { cookieName: value }), 'INVALID_ARGUMENT')
    throwsCode(() => new Sealer(keyring, { context: value }), 'INVALID_ARGUMENT')
    throwsCode(() => sealer.seal({}, { now: String(value) }), 'INVALID_ARGUMENT')
  }
  throwsCode(() => sealer.seal({}, { now: -5 }), 'INVALID_OPTION')
  throwsCode(() => sealer.seal({}, { later: 1 }), 'INVALID_OPTION')
  throwsCode(() => sealer.seal({}, 'now'), 'INVALID_ARGUMENT')
})

test('context may be a string or bytes, and binds the token', () => {
  const keyring = new Keyring(PW1)
  const byText = new Sealer(keyring, { context: 'tenant-42' })
  const byBytes = new Sealer(keyring, { context: Buffer.from('tenant-42') })
  const token = byText.seal({ t: 1 }, { now: NOW })
  assert.deepEqual(byBytes.unseal(token, { now: NOW }).data, { t: 1 })
  throwsCode(() => new Sealer(keyring, { context: 'tenant-43' }).unseal(token, { now: NOW }), 'BAD_SEAL')
})

test('sealJson seals JSON text byte for byte, and refuses text that is not JSON', async () => {
  const text = '{"z":1,"a":[1.50,2e3,-0],"u":"\\u00e9"}'
  const token = sealer.sealJson(text, { now: NOW })
  assert.deepEqual(sealer.unseal(token, { now: NOW }).data, JSON.parse(text))
  assert.deepEqual(sealer.unseal(await sealer.sealJsonAsync(text, { now: NOW }), { now: NOW }).data, JSON.parse(text))
  // iron-webcrypto hands back the decrypted text when `decode` is the identity.
  const iron = new Sealer(new Keyring(PW1), { format: 'iron' })
  const raw = await Iron.unseal(iron.sealJson(text), PW1, { ...Iron.defaults, decode: (plain) => plain })
  assert.equal(raw, text)

  throwsCode(() => sealer.sealJson('{nope', { now: NOW }), 'INVALID_JSON')
  throwsCode(() => sealer.sealJson('[1] [2]'), 'INVALID_JSON')
  throwsCode(() => sealer.sealJson('['.repeat(65) + ']'.repeat(65)), 'INVALID_JSON')
  throwsCode(() => sealer.sealJson({ a: 1 }), 'INVALID_ARGUMENT')
  throwsCode(() => sealer.sealJson('{}', { now: -1 }), 'INVALID_OPTION')
  await rejectsCode(sealer.sealJsonAsync('{nope'), 'INVALID_JSON')
  await rejectsCode(sealer.sealJsonAsync(42), 'INVALID_ARGUMENT')
})
