// Sealer#seal and Sealer#unseal go through JSON text (lib/json-text.js); the native reader and
// writer they replace stay behind them. These tests run both side by side on many ordinary and
// hostile values and demand the same outcome: the same sealed text, or the same error (code and
// message), the same getters and proxy traps run in the same order, and unsealed values built
// alike down to key order, -0 and property attributes.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { once } from 'node:events'
import test from 'node:test'
import vm from 'node:vm'
import { Worker } from 'node:worker_threads'

import { Keyring, PolysealError, Sealer, Session, SessionManager } from 'polyseal'

import { NOW, PW1, keyringFrom, repoRoot, sealerOptions } from './support.mjs'

const require = createRequire(import.meta.url)
const native = require('../lib/json-text.js').nativeMethods()
const AT = { now: NOW }

const keyring = new Keyring(PW1)
const SEALERS = {
  native: new Sealer(keyring, { cookieName: 'fast' }),
  'h3-v1': new Sealer(keyring, { format: 'h3-v1' }),
  shallow: new Sealer(keyring, { maxDepth: 3 }),
  small: new Sealer(keyring, { maxPayloadBytes: 60 }),
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function generator(seed) {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
  const int = (n) => Math.floor(next() * n)
  return { next, int, pick: (list) => list[int(list.length)], chance: (p) => next() < p }
}

const UNITS = ['a', 'Z', ' ', 'é', '"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', '\u2028', '\ufffd', '😀', '漢']
const LONE = ['\ud800', '\udbff', '\udc00', '\udfff']

function randomString(g) {
  let text = ''
  const length = g.int(8)
  for (let i = 0; i < length; i++) text += g.chance(0.03) ? g.pick(LONE) : g.pick(UNITS)
  return text
}

const NUMBERS = [
  0, -0, 1, -1, 7, 1.5, -2.5e-7, 0.1, 1e21, 1e-7, 123e-20, 1e300, 5e-324, Number.MAX_VALUE,
  Number.MAX_SAFE_INTEGER, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 2 ** 60, 2 ** 63, -(2 ** 63),
  -(2 ** 63) - 4096, 2 ** 64 - 2048, 2 ** 64, -(2 ** 64), 1_764_000_000_000, 4294967295,
]

function randomNumber(g) {
  switch (g.int(5)) {
    case 0: {
      // Any finite double, from random bits.
      const bits = new DataView(new ArrayBuffer(8))
      bits.setUint32(0, g.int(2 ** 32))
      bits.setUint32(4, g.int(2 ** 32))
      const number = bits.getFloat64(0)
      return Number.isFinite(number) ? number : 0.5
    }
    case 1:
      return (g.chance(0.5) ? -1 : 1) * g.int(2 ** 31) * 2 ** g.int(40)
    case 2:
      return g.chance(0.05) ? g.pick([NaN, Infinity, -Infinity]) : g.pick(NUMBERS)
    default:
      return g.pick(NUMBERS)
  }
}

const KEYS = ['a', 'b', 'id', '10', '2', '0', '4294967295', '-1', '__proto__', '', 'é', '"q"', 'x\ny', '😀', 'constructor', 'toJSON', 'length']

function randomKey(g) {
  if (g.chance(0.02)) return `k${g.pick(LONE)}`
  return g.chance(0.7) ? g.pick(KEYS) : randomString(g)
}

class Point {
  constructor() {
    this.x = 1
  }
}

const otherRealm = vm.runInNewContext('({ object: () => ({ realm: "other" }), array: () => [1, 2] })')

/** Values the native reader refuses, or reads in a way of its own. */
function exotic(g, log, depth) {
  const inner = () => value(g, log, depth + 1)
  switch (g.int(22)) {
    case 0:
      return new Date(0)
    case 1:
      return new Map([[1, 2]])
    case 2:
      return new Set([1])
    case 3:
      return new Uint8Array(2)
    case 4:
      return new Point()
    case 5:
      return new Number(1)
    case 6:
      return Object.create({ inherited: 1 })
    case 7:
      // Its prototype's prototype is null: a plain object to the native reader.
      return Object.assign(Object.create(Object.create(null)), { deep: inner() })
    case 8:
      return Object.assign(otherRealm.object(), { here: inner() })
    case 9:
      return otherRealm.array()
    case 10:
      return logged(log, 'object', { a: inner(), b: inner() })
    case 11:
      return logged(log, 'array', [inner(), inner()])
    case 12:
      return logged(log, 'date', new Date(0))
    case 13:
      return new Proxy({ a: 1 }, { getPrototypeOf: () => (log.push('getPrototypeOf'), Object.prototype) })
    case 14:
      return new Proxy({ a: 1 }, {
        getPrototypeOf() {
          throw new Error('trap')
        },
      })
    case 15: {
      const { proxy, revoke } = Proxy.revocable({ a: 1 }, {})
      revoke()
      return proxy
    }
    case 16:
      return Object.create(new Proxy({}, { getPrototypeOf: () => (log.push('proto trap'), Date.prototype) }))
    case 17: {
      // A proxied array whose length is odd: converted as Node-API converts it, or refused.
      const length = g.pick([1.5, '2', 3, 2 ** 32 + 1, NaN, -0, -1])
      return new Proxy([1, 2], {
        get(target, key) {
          if (key !== 'length') return target[key]
          log.push('get length')
          return length
        },
      })
    }
    case 18:
      return { toJSON: () => 'no' }
    case 19:
      return Object.defineProperty({ a: 1 }, 'hidden', { value: 2, enumerable: false })
    case 20:
      return { [Symbol('s')]: 1, shown: inner() }
    default:
      return Object.assign([inner(), inner()], { extra: 1 })
  }
}

/** A proxy that logs every trap the reader runs. */
function logged(log, name, target) {
  return new Proxy(target, {
    get: (t, key, receiver) => (log.push(`${name} get ${String(key)}`), Reflect.get(t, key, receiver)),
    ownKeys: (t) => (log.push(`${name} ownKeys`), Reflect.ownKeys(t)),
    getOwnPropertyDescriptor: (t, key) => (log.push(`${name} gopd ${String(key)}`), Reflect.getOwnPropertyDescriptor(t, key)),
    getPrototypeOf: (t) => (log.push(`${name} getPrototypeOf`), Reflect.getPrototypeOf(t)),
  })
}

function object(g, log, depth) {
  const target = g.chance(0.15) ? Object.create(null) : {}
  const count = g.int(5)
  for (let i = 0; i < count; i++) {
    const key = randomKey(g)
    const roll = g.next()
    if (roll < 0.08) {
      const item = value(g, log, depth + 1)
      Object.defineProperty(target, key, {
        get: () => (log.push(`getter ${key}`), item),
        enumerable: true,
        configurable: true,
      })
    } else if (roll < 0.1) {
      Object.defineProperty(target, key, {
        get() {
          log.push(`throwing getter ${key}`)
          throw new Error(`getter ${key}`)
        },
        enumerable: true,
        configurable: true,
      })
    } else {
      // Defined, not assigned: `__proto__` becomes an own key, as JSON.parse makes it.
      const item = g.chance(0.05) ? undefined : value(g, log, depth + 1)
      Object.defineProperty(target, key, { value: item, writable: true, enumerable: true, configurable: true })
    }
  }
  return target
}

function array(g, log, depth) {
  const items = Array.from({ length: g.int(5) }, () => value(g, log, depth + 1))
  if (items.length > 1 && g.chance(0.03)) delete items[1]
  if (g.chance(0.03)) items.push(undefined)
  return items
}

function value(g, log, depth) {
  if (depth > 5) return g.chance(0.5) ? randomString(g) : randomNumber(g)
  const roll = g.next()
  if (roll < 0.25) return randomString(g)
  if (roll < 0.45) return randomNumber(g)
  if (roll < 0.5) return g.pick([true, false, null])
  if (roll < 0.7) return object(g, log, depth)
  if (roll < 0.85) return array(g, log, depth)
  if (roll < 0.95) return exotic(g, log, depth)
  return g.pick([undefined, 10n, Symbol('s'), () => 1, 'x'.repeat(100)])
}

/** Values whose trouble is their shape: depth, cycles, sharing. */
function shaped(g) {
  const nest = (levels, leaf) => Array.from({ length: levels }).reduce((inner) => (g.chance(0.5) ? [inner] : { n: inner }), leaf)
  switch (g.int(4)) {
    case 0:
      return nest(g.pick([2, 3, 4, 63, 64, 65, 126, 127, 128, 129, 300]), g.pick([1, [], {}, 'x']))
    case 1: {
      const cyclic = { name: 'loop', list: [] }
      cyclic.list.push(g.chance(0.5) ? cyclic : cyclic.list)
      return cyclic
    }
    case 2: {
      let shared = { leaf: 1 }
      for (let i = 0; i < g.pick([3, 18, 21]); i++) shared = { a: shared, b: shared }
      return shared
    }
    default:
      return { wide: Array.from({ length: g.pick([10, 5000]) }, (_, i) => i) }
  }
}

/** Seals `count` values: a value over the native reader's million is refused (TOO_LARGE). */
function manyValues(count) {
  return Array.from({ length: count - 1 }, () => 0)
}

function errorOutcome(error) {
  if (!(error instanceof PolysealError)) return { thrown: String(error) }
  return { code: error.code, message: error.message, cause: error.cause?.message }
}

/** What sealing gave: the sealed payload as text, or the error. */
function sealOutcome(sealer, call) {
  try {
    const token = call()
    return { text: native.unsealJson.call(sealer, token, AT) }
  } catch (error) {
    return errorOutcome(error)
  }
}

/** `sealOutcome` of an async seal: the Promise, and the outcome it settles to. */
function sealOutcomeAsync(sealer, call) {
  let pending
  try {
    pending = call()
  } catch (error) {
    return { settled: Promise.resolve({ threw: errorOutcome(error) }) }
  }
  return {
    settled: pending.then(
      (token) => ({ text: native.unsealJson.call(sealer, token, AT) }),
      errorOutcome,
    ),
  }
}

/** Builds the case twice, one fresh copy for each path, and compares what each path did. */
function compareSeal(seed, build, label) {
  for (const [name, sealer] of Object.entries(SEALERS)) {
    const fastLog = []
    const slowLog = []
    const fast = sealOutcome(sealer, () => sealer.seal(build(generator(seed), fastLog), AT))
    const slow = sealOutcome(sealer, () => native.seal.call(sealer, build(generator(seed), slowLog), AT))
    const where = `${label} seed ${seed}, sealer ${name}`
    assert.deepEqual(fast, slow, where)
    if ('text' in slow) {
      assert.deepEqual(fastLog, slowLog, `${where}: getters and traps`)
    } else {
      // A refused value is read again by the native reader, which reports the error.
      assert.deepEqual(fastLog.slice(fastLog.length - slowLog.length), slowLog, `${where}: the reader's reads`)
    }
  }
}

test('seal: random values give what the native reader gives, text for text and error for error', () => {
  for (let seed = 1; seed <= 1500; seed++) compareSeal(seed, (g, log) => value(g, log, 0), 'value')
})

test('sealAsync: random values give what the native sealAsync gives', async () => {
  for (let seed = 1; seed <= 600; seed++) {
    for (const [name, sealer] of Object.entries(SEALERS)) {
      const fastLog = []
      const slowLog = []
      const fast = sealOutcomeAsync(sealer, () => sealer.sealAsync(value(generator(seed), fastLog, 0), AT))
      const slow = sealOutcomeAsync(sealer, () => native.sealAsync.call(sealer, value(generator(seed), slowLog, 0), AT))
      // Both read the value when called, before the work leaves for the thread pool.
      const reads = [fastLog.slice(), slowLog.slice()]
      const where = `seed ${seed}, sealer ${name}`
      const [fastOutcome, slowOutcome] = await Promise.all([fast.settled, slow.settled])
      assert.deepEqual(fastOutcome, slowOutcome, where)
      if ('text' in slowOutcome) assert.deepEqual(reads[0], reads[1], `${where}: getters and traps`)
    }
  }
})

test('seal: deep, cyclic, shared and wide values give what the native reader gives', () => {
  for (let seed = 1; seed <= 120; seed++) compareSeal(seed, (g) => shaped(g), 'shape')
})

test('seal: a million values seal, one more is refused, through both paths', () => {
  const big = new Sealer(keyring, { maxPayloadBytes: 1 << 23, maxTokenChars: 1 << 25 })
  for (const count of [1_000_000, 1_000_001]) {
    const fast = sealOutcome(big, () => big.seal(manyValues(count), AT))
    const slow = sealOutcome(big, () => native.seal.call(big, manyValues(count), AT))
    assert.deepEqual(fast, slow, `${count} values`)
    assert.equal('text' in slow, count === 1_000_000, `${count} values`)
  }
})

test('seal: the outcomes cover both success and every kind of refusal', () => {
  // Guards the generator: a comparison of nothing but errors (or of nothing but successes)
  // would prove little.
  const codes = new Map()
  for (let seed = 1; seed <= 1500; seed++) {
    const sealer = SEALERS.native
    const outcome = sealOutcome(sealer, () => sealer.seal(value(generator(seed), [], 0), AT))
    const key = outcome.code ?? ('text' in outcome ? 'sealed' : 'thrown')
    codes.set(key, (codes.get(key) ?? 0) + 1)
  }
  for (const key of ['sealed', 'INVALID_ARGUMENT', 'INVALID_JSON']) {
    assert.ok((codes.get(key) ?? 0) >= 30, `${key}: ${codes.get(key)} of 1500 (${[...codes]})`)
  }
})

test('seal: call options are read as the native method reads them', () => {
  const sealer = SEALERS.native
  const data = () => {
    const log = []
    const value = {
      get a() {
        log.push('data getter')
        return 1
      },
    }
    return { log, value }
  }
  const optionsCases = [
    () => undefined,
    () => null,
    () => ({ now: NOW }),
    () => ({ now: -5 }),
    () => ({ now: 1.5 }),
    () => ({ later: 1 }),
    () => 'now',
    () => ({ now: NOW, extra: 1 }),
    () => Object.create({ now: NOW }),
    () => new Proxy({ now: NOW }, {}),
  ]
  for (const [index, makeOptions] of optionsCases.entries()) {
    const fast = data()
    const slow = data()
    const outcome = (call) => {
      try {
        call()
        return 'sealed'
      } catch (error) {
        return error.code
      }
    }
    const got = outcome(() => sealer.seal(fast.value, makeOptions()))
    const want = outcome(() => native.seal.call(sealer, slow.value, makeOptions()))
    assert.equal(got, want, `options case ${index}`)
    // Refused options are refused before the data is read, as before.
    assert.deepEqual(fast.log, slow.log, `options case ${index}`)
  }
  // Options with a getter are read by the native method before the data, as before.
  const order = []
  const options = {
    get now() {
      order.push('options')
      return NOW
    },
  }
  const value = {
    get a() {
      order.push('data')
      return 1
    },
  }
  sealer.seal(value, options)
  assert.deepEqual(order, ['options', 'data'])
})

test('seal: a method taken off the prototype still refuses a receiver that is not a Sealer', () => {
  const codeOf = (call) => {
    try {
      call()
      return null
    } catch (error) {
      return `${error.constructor.name}: ${error.code ?? ''}`
    }
  }
  for (const receiver of [{}, undefined, Object.create(Sealer.prototype)]) {
    assert.equal(codeOf(() => Sealer.prototype.seal.call(receiver, { a: 1 })), codeOf(() => native.seal.call(receiver, { a: 1 })))
  }
})

// ---- unseal ------------------------------------------------------------------------------------

/** Asserts that `a` and `b` are built alike: types, -0, prototypes, key order, attributes. */
function assertBuiltAlike(a, b, path) {
  assert.equal(typeof a, typeof b, path)
  if (a === null || typeof a !== 'object') {
    assert.ok(Object.is(a, b), `${path}: ${String(a)} vs ${String(b)}`)
    return
  }
  assert.equal(Array.isArray(a), Array.isArray(b), path)
  assert.equal(Object.getPrototypeOf(a), Object.getPrototypeOf(b), `${path}: prototype`)
  const keys = Reflect.ownKeys(a)
  assert.deepEqual(keys, Reflect.ownKeys(b), `${path}: keys`)
  for (const key of keys) {
    const left = Object.getOwnPropertyDescriptor(a, key)
    const right = Object.getOwnPropertyDescriptor(b, key)
    for (const flag of ['writable', 'enumerable', 'configurable']) {
      assert.equal(left[flag], right[flag], `${path}.${String(key)}: ${flag}`)
    }
    assertBuiltAlike(left.value, right.value, `${path}.${String(key)}`)
  }
}

function unsealOutcome(call) {
  try {
    return { value: call() }
  } catch (error) {
    if (!(error instanceof PolysealError)) return { thrown: String(error) }
    return { code: error.code, message: error.message }
  }
}

function compareUnseal(sealer, token, options, label) {
  const fast = unsealOutcome(() => sealer.unseal(token, options))
  const slow = unsealOutcome(() => native.unseal.call(sealer, token, options))
  if ('value' in slow) {
    assert.ok('value' in fast, `${label}: ${JSON.stringify(fast)}`)
    assertBuiltAlike(fast.value, slow.value, label)
  } else {
    assert.deepEqual(fast, slow, label)
  }
  return slow
}

const TEXTS = [
  '-0',
  '[-0, 0, -0.0, -1e-400, 1e-400, 0e5]',
  '{"a":1,"b":2,"a":3}',
  '{"__proto__":{"polluted":true},"a":1}',
  '{"__proto__":1,"__proto__":2}',
  '{"b":1,"10":2,"2":3,"a":4,"4294967295":5,"4294967294":6,"-1":7,"01":8}',
  '[1.7976931348623157e308, 5e-324, 2.2250738585072011e-308, 0.1, 0.30000000000000004]',
  '[9007199254740993, 18446744073709551615, 18446744073709551616, -9223372036854775809, 123456789012345678901234567890]',
  '[1E2, 1e+2, 1.0, 100, 2e-7, 123456789.123456789e-5]',
  '"\\u0000\\u001f\\"\\\\\\/\\b\\f\\n\\r\\t\\u2028\\ud83d\\ude00\\u00e9 raw: é 😀 \u2028"',
  '{"":"empty key","😀":"astral","constructor":{},"toString":1,"hasOwnProperty":null}',
  ' \n\t{ "spaced" : [ 1 , 2 ] } \r\n',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]',
  'true',
  'null',
  '"just a string"',
  `{"wide":[${Array.from({ length: 3000 }, (_, i) => i / 7).join(',')}]}`,
]

test('unseal: JSON.parse builds what the native writer builds, down to -0, key order and attributes', () => {
  for (const [name, sealer] of Object.entries(SEALERS)) {
    for (const text of TEXTS) {
      let token
      try {
        token = sealer.sealJson(text, AT)
      } catch (error) {
        assert.ok(['shallow', 'small'].includes(name), `${name}: ${error.message}`)
        continue
      }
      const opened = compareUnseal(sealer, token, AT, `${name}: ${text.slice(0, 60)}`)
      assert.ok('value' in opened, `${name}: ${text.slice(0, 60)}`)
    }
  }
  const opened = SEALERS.native.unseal(SEALERS.native.sealJson(TEXTS[3], AT), AT).data
  assert.ok(Object.hasOwn(opened, '__proto__'))
  assert.equal(Object.getPrototypeOf(opened), Object.prototype)
  assert.equal({}.polluted, undefined)
})

test('unseal: random sealed values come back alike through both paths', () => {
  let opened = 0
  for (let seed = 1; seed <= 800; seed++) {
    for (const [name, sealer] of Object.entries(SEALERS)) {
      let token
      try {
        token = sealer.seal(value(generator(seed), [], 0), AT)
      } catch {
        continue
      }
      compareUnseal(sealer, token, AT, `seed ${seed}, sealer ${name}`)
      opened += 1
    }
  }
  assert.ok(opened > 800, `only ${opened} tokens opened`)
})

test('unsealAsync and the module-level unseal build what the native writer builds', async () => {
  const { unseal, unsealAsync } = await import('polyseal')
  let opened = 0
  for (let seed = 1; seed <= 300; seed++) {
    const sealer = SEALERS[seed % 2 === 0 ? 'native' : 'h3-v1']
    const options = { format: sealer.format, ...(sealer.format === 'native' ? { cookieName: 'fast' } : {}), ...AT }
    let token
    try {
      token = sealer.seal(value(generator(seed), [], 0), AT)
    } catch {
      continue
    }
    const want = native.unseal.call(sealer, token, AT)
    assertBuiltAlike(await sealer.unsealAsync(token, AT), want, `seed ${seed}: unsealAsync`)
    assertBuiltAlike(unseal(token, keyring, options), want.data, `seed ${seed}: unseal`)
    assertBuiltAlike(await unsealAsync(token, keyring, options), want.data, `seed ${seed}: unsealAsync()`)
    opened += 1
  }
  assert.ok(opened > 100, `only ${opened} tokens opened`)
  for (const text of TEXTS) {
    const token = SEALERS.native.sealJson(text, AT)
    const want = native.unseal.call(SEALERS.native, token, AT)
    assertBuiltAlike(await SEALERS.native.unsealAsync(token, AT), want, text.slice(0, 60))
  }
  for (const bad of ['', 'x', SEALERS.native.seal({ a: 1 }, AT).slice(0, -2), 1]) {
    const want = unsealOutcome(() => native.unseal.call(SEALERS.native, bad, AT))
    const got = await SEALERS.native.unsealAsync(bad, AT).then((value) => ({ value }), errorOutcome)
    assert.deepEqual(got, { code: want.code, message: want.message, cause: undefined }, String(bad))
  }
})

test('the addon alone (no lib/index.js: no registered JSON.parse) unseals alike', async () => {
  const token = SEALERS.native.sealJson(TEXTS[5], AT)
  const worker = new Worker(
    `const { parentPort, workerData } = require('node:worker_threads')
     const addon = require(workerData.addon)
     const sealer = new addon.Sealer(new addon.Keyring(workerData.password), { cookieName: 'fast' })
     sealer.unsealAsync(workerData.token, { now: workerData.now }).then((opened) =>
       parentPort.postMessage({ opened, keys: Object.keys(opened.data) }))`,
    { eval: true, workerData: { addon: require.resolve('../index.js'), password: PW1, token, now: NOW } },
  )
  const [message] = await once(worker, 'message')
  await worker.terminate()
  const want = native.unseal.call(SEALERS.native, token, AT)
  assert.deepEqual(message.opened, want)
  assert.deepEqual(message.keys, Object.keys(want.data))
})

test('unseal: the vector files give the same values and errors through both paths', () => {
  let compared = 0
  for (const file of ['native-v1.json', 'fe26.json']) {
    const document = JSON.parse(readFileSync(`${repoRoot}/tests/vectors/${file}`, 'utf8'))
    for (const testCase of document.tests) {
      if (testCase.op !== 'unseal') continue
      const sealer = new Sealer(keyringFrom(document.keyrings[testCase.keyring]), sealerOptions(testCase))
      compareUnseal(sealer, testCase.token, { now: testCase.now }, `${file} tcId ${testCase.tcId}`)
      compared += 1
    }
  }
  assert.equal(compared, 79)
})

test('unseal: key ids, times and the reseal flag come back alike through both paths', () => {
  const entries = [
    { id: 'k2026', secret: PW1 },
    { id: 'old_1', secret: `${PW1}-other` },
    { id: 'x'.repeat(30), secret: `${PW1}-third` },
  ]
  const formats = [{}, { ttl: 60_000 }, { format: 'h3-v1' }, { format: 'iron', ttl: 60_000 }]
  for (const current of entries.map((entry) => entry.id)) {
    const sealing = new Keyring(entries, { current })
    const opening = new Keyring(entries)
    for (const options of formats) {
      const token = new Sealer(sealing, options).seal({ at: current }, AT)
      compareUnseal(new Sealer(opening, options), token, AT, `${current} ${JSON.stringify(options)}`)
    }
  }
  // An id-less secret: no key id.
  for (const options of formats) {
    const single = new Sealer(new Keyring(PW1), options)
    compareUnseal(single, single.seal([1], AT), AT, `id-less ${JSON.stringify(options)}`)
  }
})

test('unseal: damaged tokens and odd arguments fail alike through both paths', () => {
  const sealer = SEALERS.native
  const token = sealer.seal({ probe: [1, 'two'] }, AT)
  const g = generator(7)
  const damaged = Array.from({ length: 400 }, () => {
    const at = g.int(token.length)
    return token.slice(0, at) + g.pick(['A', '-', '_', '*', '\ud800', '']) + token.slice(at + 1)
  })
  for (const candidate of [...damaged, token.slice(0, 40), '', 'x'.repeat(300_000)]) {
    compareUnseal(sealer, candidate, AT, JSON.stringify(candidate.slice(0, 40)))
  }
  for (const odd of [undefined, null, 1, {}, Symbol('t'), 1n]) {
    compareUnseal(sealer, odd, AT, String(odd))
  }
  for (const options of [{ now: -1 }, { later: 1 }, 'now', { now: NOW + 10 ** 12 }]) {
    compareUnseal(SEALERS['h3-v1'], SEALERS['h3-v1'].seal({ a: 1 }, AT), options, JSON.stringify(options))
  }
})

// ---- sessions ----------------------------------------------------------------------------------

const nativeSessions = require('../lib/json-text.js').nativeSessionMethods()
// iron-session seals the data alone, so a Sealer of that format reads a session's token back.
const ironSealer = new Sealer(keyring, { format: 'iron-session' })
const MANAGERS = {
  plain: new SessionManager(keyring, { format: 'iron-session', name: 's' }),
  // A save whose Cookie header would pass 300 bytes is TOO_LARGE.
  small: new SessionManager(keyring, { format: 'iron-session', name: 's', cookieHeaderLimit: 300 }),
}

/** The token of the first Set-Cookie line, opened as JSON text, or the lines if none. */
function sealedText(lines) {
  if (lines.length === 0) return { lines }
  const token = lines[0].split(';')[0].split('=').slice(1).join('=')
  return { text: native.unsealJson.call(ironSealer, token, AT) }
}

function sessionOutcome(call, sealed) {
  try {
    return sealed(call())
  } catch (error) {
    return errorOutcome(error)
  }
}

/** A session loaded from `cookie` (or new), its data replaced by `data` when given. */
function sessionOf(manager, cookie, data) {
  const session = manager.load(cookie, AT)
  if (data !== undefined) session.data = data
  return session
}

test('sessions: save, saveAsync, token and tokenAsync give what the native reader gives', async () => {
  const stored = ironSealer.seal({ kept: [1, 2.5, -0, 'x'], n: 2 ** 60 }, AT)
  for (let seed = 1; seed <= 400; seed++) {
    for (const [name, manager] of Object.entries(MANAGERS)) {
      const build = (log) => object(generator(seed), log, 0)
      const where = `seed ${seed}, manager ${name}`
      const cookie = seed % 3 === 0 ? `s=${stored}` : undefined
      const change = seed % 3 === 0 && seed % 2 === 0 ? undefined : true
      for (const method of ['save', 'token']) {
        const fastLog = []
        const slowLog = []
        const fast = sessionOf(manager, cookie, change && build(fastLog))
        const slow = sessionOf(manager, cookie, change && build(slowLog))
        const sealed = method === 'token' ? (token) => ({ text: native.unsealJson.call(ironSealer, token, AT) }) : sealedText
        const got = sessionOutcome(() => manager[method](fast, AT), sealed)
        const want = sessionOutcome(() => nativeSessions[method].call(manager, slow, AT), sealed)
        assert.deepEqual(got, want, `${where}: ${method}`)
        if (!('code' in want)) assert.deepEqual(fastLog, slowLog, `${where}: ${method} getters and traps`)
      }
      const fast = sessionOf(manager, cookie, change && build([]))
      const slow = sessionOf(manager, cookie, change && build([]))
      const settle = (promise) => promise.then(sealedText, errorOutcome)
      assert.deepEqual(
        await settle(manager.saveAsync(fast, AT)),
        await settle(nativeSessions.saveAsync.call(manager, slow, AT)),
        `${where}: saveAsync`,
      )
      const tokenText = (token) => ({ text: native.unsealJson.call(ironSealer, token, AT) })
      const settleToken = (promise) => promise.then(tokenText, errorOutcome)
      const fastToken = sessionOf(manager, cookie, change && build([]))
      const slowToken = sessionOf(manager, cookie, change && build([]))
      assert.deepEqual(
        await settleToken(manager.tokenAsync(fastToken, AT)),
        await settleToken(nativeSessions.tokenAsync.call(manager, slowToken, AT)),
        `${where}: tokenAsync`,
      )
    }
  }
})

test('sessions: a cleared session and odd arguments fail as before', () => {
  const manager = MANAGERS.plain
  for (const method of ['save', 'token']) {
    const fast = manager.load(undefined, AT)
    const slow = manager.load(undefined, AT)
    manager.clear(fast, AT)
    manager.clear(slow, AT)
    // Data given after the clear is never read: core refuses to write a cleared session.
    const reads = []
    const watched = () => ({
      get a() {
        reads.push('a')
        return 1
      },
    })
    fast.data = watched()
    slow.data = watched()
    const codeOf = (call) => sessionOutcome(call, () => null)
    assert.deepEqual(codeOf(() => manager[method](fast, AT)), codeOf(() => nativeSessions[method].call(manager, slow, AT)))
    assert.deepEqual(reads, [])
    for (const odd of [undefined, {}, Object.create(Session.prototype), manager]) {
      assert.deepEqual(codeOf(() => manager[method](odd, AT)), codeOf(() => nativeSessions[method].call(manager, odd, AT)))
    }
    const live = manager.load(undefined, AT)
    for (const options of [{ now: -1 }, 'now', { later: 1 }]) {
      assert.deepEqual(codeOf(() => manager[method](live, options)), codeOf(() => nativeSessions[method].call(manager, live, options)))
    }
  }
})

test('sessions: data nested too deep, or too large, fails as before', () => {
  const nest = (levels) => Array.from({ length: levels }).reduce((inner) => ({ n: inner }), 1)
  for (const [name, manager] of Object.entries(MANAGERS)) {
    for (const data of [nest(63), nest(64), nest(65), nest(126), { big: 'x'.repeat(500) }, { ok: 1 }]) {
      for (const method of ['save', 'token']) {
        const got = sessionOutcome(() => manager[method](sessionOf(manager, undefined, data), AT), () => 'written')
        const want = sessionOutcome(
          () => nativeSessions[method].call(manager, sessionOf(manager, undefined, data), AT),
          () => 'written',
        )
        assert.deepEqual(got, want, `${name} ${method}: ${JSON.stringify(data).slice(0, 40)}`)
      }
    }
  }
})

test('sessions: loaded data is built as the native writer builds it', () => {
  const manager = MANAGERS.plain
  for (const text of TEXTS) {
    if (!text.trimStart().startsWith('{') || text.length > 4000) continue
    const token = ironSealer.sealJson(text, AT)
    const session = manager.load(`s=${token}`, AT)
    assert.equal(session.rejection, null, text.slice(0, 60))
    assertBuiltAlike(session.data, native.unseal.call(ironSealer, token, AT).data, text.slice(0, 60))
  }
})

test('a native sealer that could never seal (ttl 0) is refused where it is built', () => {
  assert.throws(() => new Sealer(keyring, { ttl: 0 }), { code: 'INVALID_OPTION' })
  assert.ok(new Sealer(keyring, { format: 'h3-v1', ttl: 0 }), "Fe26.2's ttl 0 means never expires")
})

// `sealJsonWith` and `unsealPartsWith` are plain Node-API callbacks (src/raw.rs), not napi-rs's
// wrappers: they must read and refuse their arguments as the Sealer methods do.
test('the internal sealJsonWith and unsealPartsWith read their arguments as the methods do', () => {
  const addon = require('../index.js')
  const sealer = SEALERS['h3-v1']
  const { sealer: handle } = addon.sealerHandle(sealer)
  const fields = new Float64Array(4)
  for (const text of ['{"a":1}', JSON.stringify({ long: 'é'.repeat(400) }), '"\ufffd"']) {
    const token = addon.sealJsonWith(handle, text, AT)
    assert.equal(addon.unsealPartsWith(handle, token, AT, fields), text)
    assert.deepEqual([...fields], [NaN, NaN, 0, 0])
    assert.deepEqual(JSON.parse(sealer.unsealJson(token, AT)).data, JSON.parse(text))
  }
  const sameError = (call, method) => {
    let want
    try {
      method()
    } catch (error) {
      want = error
    }
    assert.ok(want instanceof PolysealError)
    assert.throws(call, (error) => error instanceof PolysealError && error.code === want.code && error.message === want.message)
  }
  for (const json of [undefined, 7, '{', '"\ud800"', '[1]'.repeat(2)]) {
    sameError(() => addon.sealJsonWith(handle, json, AT), () => sealer.sealJson(json, AT))
  }
  sameError(() => addon.sealJsonWith(handle, '{}', { now: -1 }), () => sealer.sealJson('{}', { now: -1 }))
  for (const token of [undefined, '', 'Fe26.2**', 'x'.repeat(600), '\ud800']) {
    sameError(() => addon.unsealPartsWith(handle, token, AT, fields), () => sealer.unsealJson(token, AT))
  }
  // Another kind of handle (a session manager's core) is refused, not read as a sealer.
  const managerHandle = addon.sessionManagerHandle(MANAGERS.plain).manager
  for (const notAHandle of [undefined, null, {}, sealer, 'handle', managerHandle]) {
    assert.throws(() => addon.sealJsonWith(notAHandle, '{}', AT), Error)
    assert.throws(() => addon.unsealPartsWith(notAHandle, 'x', AT, fields), Error)
  }
  assert.throws(() => addon.unsealPartsWith(handle, sealer.sealJson('{}', AT), AT, [0, 0, 0, 0]), Error)
  assert.throws(() => addon.sealJsonWith(), Error)
})
