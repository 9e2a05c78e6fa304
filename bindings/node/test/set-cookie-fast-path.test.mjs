// setCookie reads ordinary options in JavaScript (lib/set-cookie.js) and hands their values to
// the native side; the native setCookie, which reads the options object through Node-API,
// stays behind it. These tests run both on the same arguments and demand the same outcome: the
// same line, or the same error (code and message), with getters and proxy traps run alike.

import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import test from 'node:test'

import { setCookie } from 'polyseal'

import { NOW } from './support.mjs'

const require = createRequire(import.meta.url)
const native = require('../index.js')

// The package's setCookie is built by this same `create`; this one counts which way each call
// went, so the tests know the fast reader ran.
const calls = { fast: 0, native: 0 }
const counted = require('../lib/set-cookie.js').create({
  setCookie: (...args) => (calls.native++, native.setCookie(...args)),
  setCookieWith: (...args) => (calls.fast++, native.setCookieWith(...args)),
})

function outcome(fn) {
  try {
    return { line: fn() }
  } catch (error) {
    return { code: error.code, message: error.message, name: error.name }
  }
}

/** Both readers on fresh copies of the arguments (`make` builds them). */
function same(make, label) {
  const fast = outcome(() => counted(...make()))
  const slow = outcome(() => native.setCookie(...make()))
  assert.deepEqual(fast, slow, label)
  return fast
}

const TOKEN = 'Fe26.2**abc*def~2'
// Per option: values the line takes, then values it refuses (or, for null, that only some
// options take).
const VALUES = {
  maxAge: [[undefined, 0, 3600], [1.5, -1, 2 ** 60, Number.NaN, null]],
  expires: [[undefined, NOW, new Date(NOW)], [-1000, 1.5, new Date(Number.NaN), null]],
  domain: [[undefined, 'example.com', '.example.com'], ['bad domain', null]],
  path: [[undefined, '/', '/app'], ['no-slash', null]],
  secure: [[undefined, true, false], [null]],
  httpOnly: [[undefined, true, false], [null]],
  sameSite: [[undefined, 'lax', 'Strict', 'NONE'], ['sometimes', null]],
  partitioned: [[undefined, true, false], [null]],
  priority: [[undefined, 'low', 'High'], ['urgent', null]],
  style: [[undefined, 'polyseal', 'h3-v1', 'h3-v2', 'iron-session'], ['H3-V2', null]],
}

/** A small deterministic generator (mulberry32), so a failure names a reproducible case. */
function generator(seed) {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

test('ordinary options give the same line or the same error both ways', () => {
  const random = generator(2026)
  const pick = (list) => list[Math.floor(random() * list.length)]
  let lines = 0
  let errors = 0
  for (let round = 0; round < 4000; round++) {
    const entries = Object.entries(VALUES).filter(() => random() < 0.5)
    const chosen = Object.fromEntries(
      entries.map(([key, [good, bad]]) => [key, pick(random() < 0.05 ? bad : good)]),
    )
    const name = random() < 0.9 ? 'session' : pick(['__Host-s', '__Secure-s', 'a b'])
    const value = random() < 0.9 ? TOKEN : pick(['x y/é', '', 'a;b'])
    const result = same(() => [name, value, chosen], JSON.stringify([name, value, chosen]))
    if ('line' in result) lines++
    else errors++
  }
  // Both kinds of outcome were exercised, most of them through the fast reader.
  assert.ok(lines > 500 && errors > 500, `${lines} lines, ${errors} errors`)
  assert.ok(calls.fast > 3000, `${calls.fast} calls read in JavaScript`)
})

test('values of other types, unknown keys and odd arguments go to the native reader', () => {
  const before = { ...calls }
  const cases = [
    [{ secure: 'yes' }],
    [{ maxAge: '1' }],
    [{ path: 5 }],
    [{ expires: '2025-11-24' }],
    [{ sameSite: 1 }],
    [{ style: {} }],
    [{ httponly: true }],
    [{ scheme: 'h3' }],
    [{ path: '/\ud800' }],
    [[]],
    ['options'],
    [Object.create(null)],
    [Object.assign(Object.create(null), { path: '/' })],
    [new (class Options {})()],
  ]
  for (const [options] of cases) {
    same(() => ['s', 'v', options], String(JSON.stringify(options)))
  }
  same(() => [1, 'v', { path: '/' }], 'a number for a name')
  same(() => ['s', undefined, { path: '/' }], 'no value')
  same(() => ['s', 'v\udc00', { path: '/' }], 'a lone surrogate in the value')
  same(() => ['s\ud800', 'v', { path: '/' }], 'a lone surrogate in the name')
  same(() => ['s', 'v'], 'no options')
  same(() => ['s', 'v', null], 'null options')
  assert.equal(calls.fast, before.fast, 'none of these was read in JavaScript')
})

test('getters, proxy traps and inherited options run and read alike', () => {
  for (const reader of [setCookie, counted, native.setCookie]) {
    const log = []
    const options = {
      path: '/',
      get secure() {
        log.push('secure')
        return true
      },
    }
    assert.equal(reader('s', 'v', options), 's=v; Path=/; Secure')
    assert.deepEqual(log, ['secure'])
  }
  const traps = (reader) => {
    const log = []
    const proxy = new Proxy(
      { path: '/', httpOnly: true },
      {
        get: (target, key) => (log.push(`get ${String(key)}`), target[key]),
        ownKeys: (target) => (log.push('ownKeys'), Reflect.ownKeys(target)),
        getOwnPropertyDescriptor: (target, key) => (
          log.push(`descriptor ${String(key)}`), Reflect.getOwnPropertyDescriptor(target, key)
        ),
      },
    )
    return [reader('s', 'v', proxy), log]
  }
  assert.deepEqual(traps(counted), traps(native.setCookie))
  // An option inherited from a polluted Object.prototype is read by both.
  Object.prototype.secure = true
  try {
    const line = same(() => ['s', 'v', { path: '/' }], 'polluted prototype').line
    assert.equal(line, 's=v; Path=/; Secure')
  } finally {
    delete Object.prototype.secure
  }
  // A known option that is own but not enumerable is read by both.
  const hidden = Object.defineProperty({ path: '/' }, 'httpOnly', { value: true })
  assert.equal(same(() => ['s', 'v', hidden], 'not enumerable').line, 's=v; Path=/; HttpOnly')
})

test('the fast reader writes what the peers write', () => {
  const options = { path: '/', httpOnly: true, secure: true, sameSite: 'lax', maxAge: 1209540 }
  assert.equal(
    setCookie('session', TOKEN, { ...options, style: 'iron-session' }),
    `session=${TOKEN}; Max-Age=1209540; Path=/; HttpOnly; Secure; SameSite=Lax`,
  )
  const expires = new Date(NOW)
  assert.equal(
    setCookie('session', TOKEN, { expires, style: 'h3-v2' }),
    native.setCookie('session', TOKEN, { expires, style: 'h3-v2' }),
  )
})
