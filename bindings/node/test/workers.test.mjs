// worker_threads: four workers build keyrings (and session managers) from the same secrets and
// options and must agree with each other and with the main thread. A Keyring itself cannot
// cross to a worker.

import assert from 'node:assert/strict'
import test from 'node:test'
import { Worker } from 'node:worker_threads'

import { Keyring, PolysealError, Sealer, SessionManager } from 'polyseal'

import { sessionScript } from './fixtures/session-script.mjs'
import { HOUR, KEY, NOW, PW1, PW2 } from './support.mjs'

const entries = [
  { id: 'k2', secret: PW2 },
  { id: 'k1', secret: PW1 },
  { id: 'raw', secret: KEY },
]
const options = { cookieName: 'session', ttl: HOUR }

function runWorker(workerData) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fixtures/worker.mjs', import.meta.url), { workerData })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`))
    })
  })
}

test('four workers sharing secrets agree with each other and with the main thread', async () => {
  const keyring = new Keyring(entries)
  const main = new Sealer(keyring, options)
  const byKey = (id) => new Sealer(new Keyring(entries, { current: id }), options)
  const tokens = [
    main.seal({ n: 1 }, { now: NOW }),
    byKey('k1').seal({ n: 2, old: true }, { now: NOW }),
    byKey('raw').seal(['raw', 3], { now: NOW }),
  ]
  const expected = tokens.map((token) => main.unseal(token, { now: NOW }))
  assert.deepEqual(
    expected.map((o) => [o.keyId, o.needsReseal]),
    [
      ['k2', false],
      ['k1', true],
      ['raw', true],
    ],
  )

  const reports = await Promise.all(
    [0, 1, 2, 3].map((index) => runWorker({ entries, options, tokens, now: NOW, index })),
  )
  assert.equal(reports.length, 4)
  for (const report of reports) {
    assert.deepEqual(report.opened, expected)
    assert.deepEqual(report.asyncOpened, expected)
    assert.deepEqual(report.failure, { isPolysealError: true, name: 'PolysealError', code: 'MALFORMED' })
  }
  // Every worker's token opens on the main thread, and nowhere with another cookie name.
  const sealedTokens = reports.map((report) => report.sealed)
  assert.equal(new Set(sealedTokens).size, 4)
  sealedTokens.forEach((token, index) => {
    assert.deepEqual(main.unseal(token, { now: NOW }).data, { from: index, shared: 'payload' })
    assert.throws(() => new Sealer(keyring, { cookieName: 'other' }).unseal(token, { now: NOW }), PolysealError)
  })
})

test('a Keyring cannot be sent to a worker; the copy is refused cleanly', async () => {
  const keyring = new Keyring(entries)
  const { port1, port2 } = new MessageChannel()
  let received
  try {
    received = await new Promise((resolve) => {
      port2.once('message', resolve)
      port1.postMessage(keyring)
    })
  } catch (error) {
    // Structured clone may refuse the native object outright.
    assert.equal(error.name, 'DataCloneError')
    return
  } finally {
    port1.close()
    port2.close()
  }
  assert.ok(!(received instanceof Keyring))
  assert.throws(
    () => new Sealer(received),
    (error) => error instanceof PolysealError && ['INVALID_ARGUMENT', 'INVALID_PASSWORD'].includes(error.code),
  )
})

// ---- sessions ------------------------------------------------------------------------------

const sessionOptions = { format: 'h3-v2', maxAge: 3600, idleTimeout: 600, cookie: { path: '/', httpOnly: true, secure: true, sameSite: 'lax' } }

function runSessionWorker(workerData) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./fixtures/session-worker.mjs', import.meta.url), { workerData })
    worker.once('message', resolve)
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`worker exited with ${code}`))
    })
  })
}

test('four workers, each with its own SessionManager of one configuration, agree with the main thread', async () => {
  const manager = new SessionManager(new Keyring(entries), sessionOptions)
  const cookieOf = (lines) => lines.map((line) => line.split(';')[0]).join('; ')
  const current = manager.load(null, { now: NOW })
  const rotated = new SessionManager(new Keyring(entries, { current: 'k1' }), sessionOptions)
  const old = rotated.load(null, { now: NOW })
  const cookies = [
    cookieOf(manager.update(current, { user: 'ada', roles: ['admin'] }, { now: NOW })),
    cookieOf(rotated.update(old, { user: 'grace', blob: 'x'.repeat(5000) }, { now: NOW })),
    'h3=Fe26.2**damaged',
    null,
  ]
  const expected = await sessionScript(manager, { cookies, now: NOW, index: 'main' })
  assert.deepEqual(
    expected.loaded.map((s) => [s.isNew, s.rejection, s.needsReseal]),
    [
      [false, null, false],
      [false, null, true],
      [true, 'MALFORMED', false],
      [true, null, false],
    ],
  )
  assert.equal(expected.written.length, 4)

  const reports = await Promise.all(
    [0, 1, 2, 3].map((index) => runSessionWorker({ entries, options: sessionOptions, cookies, now: NOW, index })),
  )
  assert.equal(reports.length, 4)
  const comparable = ({ loaded, written }) => ({
    loaded: loaded.map(({ id, ...rest }) => (rest.isNew ? rest : { id, ...rest })),
    written,
  })
  for (const report of reports) assert.deepEqual(comparable(report), comparable(expected))
  // Every worker's own session is read on the main thread, with its id and data.
  assert.equal(new Set(reports.map((report) => report.ownId)).size, 4)
  reports.forEach((report, index) => {
    const session = manager.load(report.ownCookie, { now: NOW })
    assert.deepEqual([session.id, session.data, session.isNew], [report.ownId, { from: index }, false])
  })
})
