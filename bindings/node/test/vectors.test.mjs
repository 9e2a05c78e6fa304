// Runs every shared vector file in tests/vectors/ (docs/VECTORS.md) through the Node API and
// asserts that each file's numberOfTests cases were executed.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import test from 'node:test'

import { Keyring, Sealer } from 'polyseal'

import { assertPolysealError, repoRoot } from './support.mjs'

const vectorDir = join(repoRoot, 'tests', 'vectors')
const files = readdirSync(vectorDir)
  .filter((name) => name.endsWith('.json'))
  .sort()

/** Case option names (as in the vector files) → Sealer option names. */
const OPTION_NAMES = {
  format: 'format',
  cookieName: 'cookieName',
  context: 'context',
  ttl: 'ttl',
  skew: 'skew',
  maxTokenChars: 'maxTokenChars',
  maxDepth: 'maxDepth',
  iterations: 'iterations',
  saltBits: 'saltBits',
  localtimeOffset: 'localtimeOffset',
}

function secretOf(spec) {
  if ('password' in spec) return spec.password
  if ('keyHex' in spec) return Buffer.from(spec.keyHex, 'hex')
  throw new Error(`a secret needs password or keyHex: ${JSON.stringify(spec)}`)
}

export function keyringFrom(spec) {
  const entries = spec.entries.map((entry) =>
    'encryption' in entry
      ? { id: entry.id, encryption: secretOf(entry.encryption), integrity: secretOf(entry.integrity) }
      : { id: entry.id, secret: secretOf(entry) },
  )
  return new Keyring(entries, spec.current === undefined ? undefined : { current: spec.current })
}

function sealerFor(document, testCase) {
  const options = {}
  const format = testCase.format ?? testCase.options?.format ?? document.format
  if (format !== undefined) options.format = format
  for (const [name, value] of Object.entries(testCase.options ?? {})) {
    assert.ok(name in OPTION_NAMES, `tcId ${testCase.tcId}: unknown vector option ${name}`)
    options[OPTION_NAMES[name]] = value
  }
  return new Sealer(keyringFrom(document.keyrings[testCase.keyring]), options)
}

function checkOpened(testCase, opened) {
  assert.deepEqual(opened.data, JSON.parse(testCase.payload))
  for (const field of ['keyId', 'issuedAt', 'expiresAt', 'needsReseal']) {
    if (field in testCase) assert.deepEqual(opened[field], testCase[field], field)
  }
}

function runCase(document, testCase) {
  const sealer = sealerFor(document, testCase)
  const now = testCase.now
  if (testCase.result === 'invalid') {
    assert.throws(
      () => sealer.unseal(testCase.token, { now }),
      (error) => assertPolysealError(error, testCase.error),
    )
    return
  }
  assert.equal(testCase.result, 'valid')
  assert.equal(testCase.error, null)
  checkOpened(testCase, sealer.unseal(testCase.token, { now }))
  if (testCase.op === 'seal') {
    // Nonces and salts are random here, so the token differs; its content must not.
    const data = JSON.parse(testCase.payload)
    const resealed = sealer.seal(data, { now })
    assert.notEqual(resealed, testCase.token)
    checkOpened(testCase, sealer.unseal(resealed, { now }))
  } else {
    assert.equal(testCase.op, 'unseal')
  }
}

test('the native vector file is present', () => {
  assert.ok(files.includes('native-v1.json'), `vector files: ${files}`)
})

for (const file of files) {
  test(`vectors: ${file}`, async (t) => {
    const document = JSON.parse(readFileSync(join(vectorDir, file), 'utf8'))
    assert.ok(Array.isArray(document.tests), 'a vector file has tests')
    let executed = 0
    for (const testCase of document.tests) {
      await t.test(`tcId ${testCase.tcId}: ${testCase.comment}`, () => {
        runCase(document, testCase)
        executed += 1
      })
    }
    assert.equal(executed, document.numberOfTests)
    if (file === 'native-v1.json') assert.ok(executed >= 40, `only ${executed} cases`)
  })
}
