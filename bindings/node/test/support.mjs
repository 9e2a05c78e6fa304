// Shared by the test files: paths, secrets, an assertion for PolysealErrors, and keyrings and
// Sealer options in the vector-file form.

import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'

import { ERROR_CODES, Keyring, PolysealError } from 'polyseal'

export const packageDir = fileURLToPath(new URL('..', import.meta.url))
export const repoRoot = fileURLToPath(new URL('../../..', import.meta.url))

export const PW1 = 'test-password-one-0123456789-abcdefghijk'
export const PW2 = 'test-password-two-0123456789-abcdefghijk'
export const KEY = Uint8Array.from({ length: 32 }, (_, i) => i * 7)
export const NOW = 1_764_000_000_000
export const HOUR = 3_600_000

/** Asserts that `error` is a PolysealError with `code` and a consistent number. */
export function assertPolysealError(error, code) {
  assert.ok(error instanceof PolysealError, `not a PolysealError: ${error}`)
  assert.ok(error instanceof Error)
  assert.equal(error.name, 'PolysealError')
  assert.equal(error.code, code, `expected ${code}, got ${error.code}: ${error.message}`)
  assert.equal(error.number, ERROR_CODES[code])
  assert.equal(typeof error.message, 'string')
  assert.ok(error.message.length > 0)
  return true
}

/** Asserts that `fn()` throws a PolysealError with `code`; returns the error. */
export function throwsCode(fn, code) {
  let caught
  assert.throws(fn, (error) => {
    caught = error
    return assertPolysealError(error, code)
  })
  return caught
}

/** Asserts that `promise` rejects with a PolysealError with `code`; returns the error. */
export async function rejectsCode(promise, code) {
  let caught
  await assert.rejects(promise, (error) => {
    caught = error
    return assertPolysealError(error, code)
  })
  return caught
}

function secretOf(spec) {
  if ('password' in spec) return spec.password
  if ('keyHex' in spec) return Buffer.from(spec.keyHex, 'hex')
  throw new Error(`a secret needs password or keyHex: ${JSON.stringify(spec)}`)
}

/** A keyring in the vector-file form (`{current, entries: [...]}`, docs/VECTORS.md). */
export function keyringFrom(spec) {
  const entries = spec.entries.map((entry) =>
    'encryption' in entry
      ? { id: entry.id, encryption: secretOf(entry.encryption), integrity: secretOf(entry.integrity) }
      : { id: entry.id, secret: secretOf(entry) },
  )
  return new Keyring(entries, spec.current === undefined ? undefined : { current: spec.current })
}

/** Case option names (as in the vector files) → Sealer option names. */
const SEALER_OPTIONS = {
  format: 'format',
  cookieName: 'cookieName',
  context: 'context',
  ttl: 'ttl',
  skew: 'skew',
  maxTokenChars: 'maxTokenChars',
  maxJsonBytes: 'maxPayloadBytes',
  maxDepth: 'maxDepth',
  iterations: 'iterations',
  saltBits: 'saltBits',
  localtimeOffset: 'localtimeOffset',
}

/** The Sealer options of a case; the format comes from `options` ("native" when absent). */
export function sealerOptions(testCase) {
  const options = {}
  for (const [name, value] of Object.entries(testCase.options ?? {})) {
    assert.ok(name in SEALER_OPTIONS, `tcId ${testCase.tcId}: unknown vector option ${name}`)
    options[SEALER_OPTIONS[name]] = value
  }
  return options
}
