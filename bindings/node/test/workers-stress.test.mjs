// Eight worker_threads × 100,000 polyseal calls each: native and h3-v1 seal → unseal, unseals
// of fixed tokens (current key, old key, forged), Set-Cookie building, Cookie-header parsing,
// and session load → update → load. No call may fail, every seal must open to exactly what was
// sealed, and every call with fixed inputs must give, in every worker, what it gives on the
// main thread (compared per call and as a digest per worker).
//
// A Keyring is a native object that structured clone cannot copy (workers.test.mjs), so each
// worker builds its keyring from the same secrets; inside a worker both sealers and both
// session managers share that one keyring. The workers run the addon on eight threads at once.

import assert from 'node:assert/strict'
import test from 'node:test'
import { Worker } from 'node:worker_threads'

import { Keyring, Sealer, SessionManager } from 'polyseal'

import {
  CYCLES,
  OPS_PER_CYCLE,
  OPS_PER_THREAD,
  SEALER_OPTIONS,
  SESSION_OPTIONS,
  buildNatives,
  cookieOf,
  cycleNames,
  deterministicCalls,
  expectedDigest,
  referenceOutputs,
} from './fixtures/stress-mix.mjs'
import { NOW, PW1, PW2 } from './support.mjs'

const THREADS = 8
const entries = [
  { id: 'k2', secret: PW2 },
  { id: 'k1', secret: PW1 },
]

/** The token with one character of its middle changed: it must be refused. */
function forged(token) {
  const middle = Math.floor(token.length / 2)
  return token.slice(0, middle) + (token[middle] === 'A' ? 'B' : 'A') + token.slice(middle + 1)
}

/** Tokens and session cookies sealed once on the main thread, some with the old key k1. */
function fixedInputs() {
  const current = new Keyring(entries)
  const old = new Keyring([{ id: 'k1', secret: PW1 }])
  const tokens = SEALER_OPTIONS.map((options) => {
    const token = new Sealer(current, options).seal({ user: 'ada', name: 'Zoë', roles: ['admin'] }, { now: NOW })
    const oldToken = new Sealer(old, options).seal({ user: 'grace', n: [1, 2.5, null, true] }, { now: NOW })
    return [token, oldToken, forged(token)]
  })
  const saved = (keyring, options, data) => {
    const manager = new SessionManager(keyring, options)
    return cookieOf(manager.update(manager.load(null, { now: NOW }), data, { now: NOW }))
  }
  const sessionHeaders = [
    saved(current, SESSION_OPTIONS[0], { user: 'ada', cart: [1, 2, 3] }),
    saved(old, SESSION_OPTIONS[1], { user: 'grace', theme: 'dark' }),
  ]
  const requestHeader = `lang=en; ${sessionHeaders[0]}; quoted="a b"; ${sessionHeaders[1]}; empty=`
  return { tokens, sessionHeaders, requestHeader }
}

function runWorker(workerData) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fixtures/stress-worker.mjs', import.meta.url), { workerData })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`))
    })
  })
}

test('eight workers × 100,000 calls: zero errors, identical results', async () => {
  assert.equal(CYCLES * OPS_PER_CYCLE, OPS_PER_THREAD)
  const fixed = fixedInputs()
  const natives = buildNatives(entries)
  const reference = referenceOutputs(natives, fixed, NOW)
  // The fixed inputs cover the paths that matter: a reseal hint and a refusal in each format.
  for (const { format } of SEALER_OPTIONS) {
    assert.equal(JSON.parse(reference[`${format} unseal old key`])[4], true)
    assert.equal(JSON.parse(reference[`${format} unseal forged`])[0], 'refused')
  }
  assert.equal(JSON.parse(reference['h3-v1 session load'])[5], true)

  const start = new Int32Array(new SharedArrayBuffer(4))
  const reports = await Promise.all(
    Array.from({ length: THREADS }, (_, index) =>
      runWorker({ entries, fixed, reference, now: NOW, index, start, threads: THREADS }),
    ),
  )

  assert.deepEqual(reports.flatMap((report) => report.errors), [])
  assert.equal(reports.reduce((sum, report) => sum + report.errorCount, 0), 0)
  assert.deepEqual(reports.map((report) => report.ops), Array(THREADS).fill(OPS_PER_THREAD))
  assert.equal(reports.reduce((sum, report) => sum + report.ops, 0), 800_000)
  const digests = reports.map((report) => report.digest)
  assert.deepEqual(digests, Array(THREADS).fill(digests[0]))
  assert.equal(digests[0], expectedDigest(cycleNames(deterministicCalls(natives, fixed, NOW)), reference))
})
