// Runs every shared vector file in tests/vectors/ (docs/VECTORS.md) through the Node API and
// asserts that each file's numberOfTests cases were executed. Sealing files (seal / unseal ops)
// and cookies.json (cookie ops) are told apart by each case's op; an unknown op fails.
// sessions.json holds flows (steps against one SessionManager): session-flows.mjs runs each flow
// twice, with the sync calls and with loadAsync / updateAsync / saveAsync. tamper.json runs in
// tamper.test.mjs.

import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import test from 'node:test'

import {
  Sealer,
  chunkDeletionCookies,
  chunkSetCookies,
  chunkState,
  cookieHeaderBudget,
  deleteCookie,
  maxAgeUntil,
  parseCookieHeader,
  reassemble,
  setCookie,
} from 'polyseal'

import { runFlow } from './session-flows.mjs'
import { assertPolysealError, keyringFrom, repoRoot, sealerOptions } from './support.mjs'

const vectorDir = join(repoRoot, 'tests', 'vectors')
// tamper.json holds digests over native-v1.json and fe26.json, not cases: tamper.test.mjs runs it.
const TAMPER_FILE = 'tamper.json'
const files = readdirSync(vectorDir)
  .filter((name) => name.endsWith('.json') && name !== TAMPER_FILE)
  .sort()

// ---- seal / unseal -------------------------------------------------------------------------

function checkOpened(testCase, opened) {
  assert.deepEqual(opened.data, JSON.parse(testCase.payload))
  for (const field of ['keyId', 'issuedAt', 'expiresAt', 'needsReseal']) {
    if (field in testCase) assert.deepEqual(opened[field], testCase[field], field)
  }
}

function runSealCase(document, testCase) {
  const options = sealerOptions(testCase)
  const keyring = keyringFrom(document.keyrings[testCase.keyring])
  const { now } = testCase
  if (testCase.result === 'invalid') {
    assert.equal(typeof testCase.error, 'string')
    // The Sealer is built inside the check: some cases carry options its constructor refuses.
    const attempt =
      testCase.op === 'seal'
        ? () => {
            assert.equal(testCase.token, null, 'an invalid seal case has no token')
            new Sealer(keyring, options).sealJson(testCase.payload, { now })
          }
        : () => new Sealer(keyring, options).unseal(testCase.token, { now })
    assert.throws(attempt, (error) => assertPolysealError(error, testCase.error))
    return
  }
  assert.equal(testCase.result, 'valid')
  assert.equal(testCase.error, null)
  const sealer = new Sealer(keyring, options)
  checkOpened(testCase, sealer.unseal(testCase.token, { now }))
  if (testCase.op === 'seal') {
    // Nonces and salts are random here, so the token differs; its content must not. The
    // payload is sealed twice: as its exact text, and as the value it parses to.
    const fromText = sealer.sealJson(testCase.payload, { now })
    const fromValue = sealer.seal(JSON.parse(testCase.payload), { now })
    for (const resealed of [fromText, fromValue]) {
      assert.notEqual(resealed, testCase.token)
      checkOpened(testCase, sealer.unseal(resealed, { now }))
    }
  }
}

// ---- cookies -------------------------------------------------------------------------------

/** Case option names (docs/VECTORS.md, `cookies.json`) → cookie option names. */
const COOKIE_OPTIONS = {
  maxAge: 'maxAge',
  expiresMs: 'expires',
  domain: 'domain',
  path: 'path',
  secure: 'secure',
  httpOnly: 'httpOnly',
  sameSite: 'sameSite',
  partitioned: 'partitioned',
  priority: 'priority',
}

function cookieOptions(testCase) {
  const options = { style: testCase.style }
  for (const [name, value] of Object.entries(testCase.options ?? {})) {
    assert.ok(name in COOKIE_OPTIONS, `tcId ${testCase.tcId}: unknown cookie option ${name}`)
    options[COOKIE_OPTIONS[name]] = value
  }
  if ('expiresAt' in testCase) {
    // CookieOptions::with_expiry(expiresAt, now)
    options.expires = testCase.expiresAt
    options.maxAge = maxAgeUntil(testCase.expiresAt, testCase.now)
  }
  return options
}

/** Each cookie op: the call, and the output field it is judged on. */
const COOKIE_OPS = {
  'set-cookie': [(c) => setCookie(c.name, c.value, cookieOptions(c)), ['setCookie']],
  'delete-cookie': [(c) => deleteCookie(c.name, cookieOptions(c)), ['setCookie']],
  parse: [(c) => parseCookieHeader(c.header), ['cookies']],
  chunk: [
    (c) => {
      const options = { ...cookieOptions(c), scheme: c.scheme }
      if ('previous' in c) options.previous = c.previous
      if (c.value === null) return chunkDeletionCookies(c.name, options)
      assert.equal(typeof c.split, 'boolean')
      return chunkSetCookies(c.name, c.value, { ...options, split: c.split })
    },
    ['setCookies'],
  ],
  reassemble: [
    (c) => [reassemble(c.cookies, c.name, c.scheme), chunkState(c.cookies, c.name, c.scheme)],
    ['value', 'state'],
  ],
  budget: [(c) => cookieHeaderBudget(c.cookies, c.limit), ['length']],
}

function runCookieCase(testCase) {
  const [call, fields] = COOKIE_OPS[testCase.op]
  if (testCase.result === 'invalid') {
    for (const field of fields) assert.equal(testCase[field], null, field)
    assert.throws(
      () => call(testCase),
      (error) => assertPolysealError(error, testCase.error),
    )
    return
  }
  assert.equal(testCase.result, 'valid')
  assert.equal(testCase.error, null)
  const outputs = fields.length === 1 ? [call(testCase)] : call(testCase)
  fields.forEach((field, index) => assert.deepEqual(outputs[index], testCase[field], field))
}

// ---- every file ----------------------------------------------------------------------------

function runCase(document, testCase) {
  if (testCase.op === 'seal' || testCase.op === 'unseal') return runSealCase(document, testCase)
  assert.ok(testCase.op in COOKIE_OPS, `tcId ${testCase.tcId}: unknown op ${testCase.op}`)
  return runCookieCase(testCase)
}

/** Files every checkout has, with a floor on their size so a truncated file cannot pass. */
const EXPECTED = { 'native-v1.json': 40, 'fe26.json': 76, 'cookies.json': 125, 'sessions.json': 31 }

test('the shared vector files are present', () => {
  for (const file of Object.keys(EXPECTED)) assert.ok(files.includes(file), `vector files: ${files}`)
  assert.ok(readdirSync(vectorDir).includes(TAMPER_FILE), 'tamper.test.mjs needs tamper.json')
})

const isFlowFile = (document) => document.tests.every((testCase) => Array.isArray(testCase.steps))

for (const file of files) {
  test(`vectors: ${file}`, async (t) => {
    const document = JSON.parse(readFileSync(join(vectorDir, file), 'utf8'))
    assert.ok(Array.isArray(document.tests), 'a vector file has tests')
    if (isFlowFile(document)) return runFlowFile(t, file, document)
    let executed = 0
    for (const testCase of document.tests) {
      await t.test(`tcId ${testCase.tcId}: ${testCase.comment}`, () => {
        runCase(document, testCase)
        executed += 1
      })
    }
    t.diagnostic(`${file}: ${executed} of ${document.numberOfTests} cases executed`)
    assert.equal(executed, document.numberOfTests)
    if (file in EXPECTED) assert.ok(executed >= EXPECTED[file], `only ${executed} cases`)
  })
}

async function runFlowFile(t, file, document) {
  const totalSteps = document.tests.reduce((sum, flow) => sum + flow.steps.length, 0)
  for (const mode of ['sync', 'async']) {
    let flows = 0
    let steps = 0
    for (const flow of document.tests) {
      await t.test(`${mode} tcId ${flow.tcId}: ${flow.comment}`, async () => {
        steps += await runFlow(document, flow, mode)
        flows += 1
      })
    }
    t.diagnostic(`${file} (${mode}): ${flows} of ${document.numberOfTests} flows, ${steps} steps executed`)
    assert.equal(flows, document.numberOfTests)
    assert.equal(steps, totalSteps)
    if (file in EXPECTED) assert.ok(flows >= EXPECTED[file], `only ${flows} flows`)
  }
}
