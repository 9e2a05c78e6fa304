// The error table and PolysealError: every code matches docs/ERRORS.md, every failure is a
// PolysealError with the right code, and messages never carry secrets.

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import test from 'node:test'

import {
  ERROR_CODES,
  Keyring,
  PolysealError,
  Sealer,
  parseCookieHeader,
  seal,
  sealAsync,
  setCookie,
  unseal,
  unsealAsync,
} from 'polyseal'

import { HOUR, NOW, PW1, PW2, packageDir, rejectsCode, repoRoot, throwsCode } from './support.mjs'

test('ERROR_CODES is exactly the table of docs/ERRORS.md', () => {
  const doc = readFileSync(join(repoRoot, 'docs', 'ERRORS.md'), 'utf8')
  const rows = [...doc.matchAll(/^\| (\d+) \| `([A-Z_]+)` \|/gm)].map((m) => [m[2], Number(m[1])])
  assert.ok(rows.length >= 14, `found ${rows.length} rows`)
  assert.deepEqual(Object.entries(ERROR_CODES), rows)
  assert.ok(Object.isFrozen(ERROR_CODES))
})

test('the ErrorCodeName type lists exactly the codes', () => {
  const types = readFileSync(join(packageDir, 'lib', 'index.d.ts'), 'utf8')
  const union = types.match(/export type ErrorCodeName =([^;]*?)\n\n/s)[1]
  const names = [...union.matchAll(/'([A-Z_]+)'/g)].map((m) => m[1])
  assert.deepEqual(names, Object.keys(ERROR_CODES))
})

test('PolysealError is an exported Error subclass', () => {
  const error = new PolysealError('EXPIRED', 'gone', { cause: 'x' })
  assert.ok(error instanceof Error)
  assert.equal(error.name, 'PolysealError')
  assert.equal(error.code, 'EXPIRED')
  assert.equal(error.number, 5)
  assert.equal(error.cause, 'x')
  assert.match(String(error), /^PolysealError: gone$/)
  assert.ok(!Object.keys(error).includes('name'))
})

const keyring = new Keyring([{ id: 'k2', secret: PW2 }, { id: 'k1', secret: PW1 }])
const sealer = new Sealer(keyring, { cookieName: 'session', ttl: HOUR })
const token = sealer.seal({ user: 1 }, { now: NOW })

/** Flips the first byte of the decoded token (the version byte). */
function withVersion(original, version) {
  const bytes = Buffer.from(original, 'base64url')
  bytes[0] = version
  return bytes.toString('base64url')
}

const cases = [
  ['MALFORMED', () => sealer.unseal('not a token', { now: NOW })],
  ['MALFORMED', () => sealer.unseal('', { now: NOW })],
  ['UNSUPPORTED_VERSION', () => sealer.unseal(withVersion(token, 9), { now: NOW })],
  [
    'UNKNOWN_KEY',
    () => new Sealer(new Keyring([{ id: 'k9', secret: PW1 }]), { cookieName: 'session' }).unseal(token, { now: NOW }),
  ],
  ['BAD_SEAL', () => new Sealer(keyring, { cookieName: 'admin' }).unseal(token, { now: NOW })],
  ['BAD_SEAL', () => new Sealer(new Keyring([{ id: 'k2', secret: PW1 }]), { cookieName: 'session' }).unseal(token, { now: NOW })],
  ['EXPIRED', () => sealer.unseal(token, { now: NOW + HOUR })],
  ['NOT_YET_VALID', () => sealer.unseal(token, { now: NOW - 60_001 })],
  ['TOO_LARGE', () => new Sealer(keyring, { cookieName: 'session', maxTokenChars: 10 }).unseal(token, { now: NOW })],
  ['INVALID_JSON', () => sealer.seal([[[[[[1]]]]]], { now: NOW }) && new Sealer(keyring, { maxDepth: 3 }).seal([[[[1]]]])],
  ['INVALID_PASSWORD', () => new Keyring('too short')],
  ['INVALID_PASSWORD', () => new Keyring(new Uint8Array(31))],
  ['INVALID_OPTION', () => new Sealer(keyring, { format: 'fernet' })],
  ['INVALID_OPTION', () => new Sealer(keyring, { ttl: -1 })],
  ['INVALID_OPTION', () => new Sealer(keyring, { cookiename: 'session' })],
  ['INVALID_ARGUMENT', () => sealer.unseal(42)],
  ['INVALID_ARGUMENT', () => sealer.seal(() => 1)],
  ['INVALID_ARGUMENT', () => new Keyring(42)],
  ['INVALID_ARGUMENT', () => new Sealer(keyring, { ttl: '1h' })],
  ['INVALID_ARGUMENT', () => seal({}, null)],
  ['INVALID_PASSWORD', () => seal({}, {})],
  ['EXPIRED', () => unseal(token, keyring, { cookieName: 'session', now: NOW + 2 * HOUR })],
]

for (const [code, fn] of cases) {
  test(`${code}: ${fn.toString().slice(6, 90)}`, () => {
    throwsCode(fn, code)
  })
}

test('every code core can raise today is covered above', () => {
  const covered = new Set(cases.map(([code]) => code))
  const later = new Set(['INVALID_COOKIE', 'SESSION_CLEARED', 'INTERNAL'])
  for (const code of Object.keys(ERROR_CODES)) {
    assert.ok(covered.has(code) || later.has(code), `${code} is not exercised`)
  }
})

test('async variants reject (never throw) with PolysealErrors', async () => {
  let pending
  assert.doesNotThrow(() => {
    pending = sealer.sealAsync(Symbol('x'))
  })
  await rejectsCode(pending, 'INVALID_ARGUMENT')
  await rejectsCode(sealer.unsealAsync(token, { now: NOW + HOUR }), 'EXPIRED')
  await rejectsCode(sealer.unsealAsync(null), 'INVALID_ARGUMENT')
  await rejectsCode(sealAsync({}, 'short'), 'INVALID_PASSWORD')
  await rejectsCode(unsealAsync(token, keyring, { cookieName: 'other', now: NOW }), 'BAD_SEAL')
  await rejectsCode(unsealAsync(token, keyring, { bogus: 1 }), 'INVALID_OPTION')
})

test('text with a lone surrogate is refused with the code C gives text that is not UTF-8', () => {
  // napi would put U+FFFD in its place and seal, derive or write something else than was given.
  const lone = '\ud800'
  throwsCode(() => sealer.sealJson(`"a${lone}"`, { now: NOW }), 'INVALID_JSON')
  throwsCode(() => sealer.unseal(token.slice(0, 9) + lone + token.slice(9), { now: NOW }), 'MALFORMED')
  throwsCode(() => parseCookieHeader(`a=b${lone}`), 'MALFORMED')
  for (const make of [
    () => new Keyring(PW1 + lone),
    () => new Keyring([{ id: `k${lone}`, secret: PW1 }]),
    () => new Keyring({ [`k${lone}`]: PW1 }),
    () => new Keyring([{ id: 'k', encryption: PW1, integrity: PW2 + lone }]),
    () => new Keyring([{ id: 'k', secret: PW1 }], { current: `k${lone}` }),
    () => new Sealer(keyring, { cookieName: `s${lone}` }),
    () => new Sealer(keyring, { context: `c${lone}` }),
    () => new Sealer(keyring, { format: `native${lone}` }),
    () => setCookie('h3', `v${lone}`, { style: 'h3-v1' }),
    () => setCookie(`h3${lone}`, 'v', { style: 'h3-v1' }),
    () => setCookie('h3', 'v', { domain: `example.com${lone}` }),
  ]) {
    throwsCode(make, 'INVALID_ARGUMENT')
  }
})

test('an exception thrown while reading an argument becomes the cause', () => {
  const boom = new TypeError('getter failed')
  const error = throwsCode(
    () =>
      sealer.seal({
        get broken() {
          throw boom
        },
      }),
    'INVALID_ARGUMENT',
  )
  assert.equal(error.cause, boom)
  assert.match(error.message, /data\.broken/)
  const options = new Proxy({}, {
    ownKeys() {
      throw boom
    },
  })
  assert.equal(throwsCode(() => new Sealer(keyring, options), 'INVALID_ARGUMENT').cause, boom)
})

test('messages never contain secrets', () => {
  const secret = 'SECRET-MARKER-short'
  const errors = [
    throwsCode(() => new Keyring(secret), 'INVALID_PASSWORD'),
    throwsCode(() => new Keyring([{ id: 'bad id', secret: PW1 + 'SECRET-MARKER' }]), 'INVALID_PASSWORD'),
    throwsCode(() => new Keyring([{ id: 'a', secret: PW1 + 'SECRET-MARKER' }, { id: 'a', secret: PW2 }]), 'INVALID_PASSWORD'),
  ]
  for (const error of errors) {
    assert.ok(!error.message.includes('SECRET-MARKER'), error.message)
    assert.ok(!error.stack.includes('SECRET-MARKER'))
  }
})
