// Promise variants: same results as the sync calls, rejections with codes, and the work runs
// on the libuv thread pool rather than on the event loop.

import assert from 'node:assert/strict'
import test from 'node:test'

import { Keyring, Sealer, seal, sealAsync, unseal, unsealAsync } from 'polyseal'

import { HOUR, NOW, PW1, PW2, rejectsCode } from './support.mjs'

const keyring = new Keyring([{ id: 'k2', secret: PW2 }, { id: 'k1', secret: PW1 }])
const sealer = new Sealer(keyring, { cookieName: 'session', ttl: HOUR })

test('Sealer async variants resolve like the sync calls', async () => {
  const pending = sealer.sealAsync({ user: 7, tags: ['a'] }, { now: NOW })
  assert.ok(pending instanceof Promise)
  const token = await pending
  assert.deepEqual(sealer.unseal(token, { now: NOW }), await sealer.unsealAsync(token, { now: NOW }))
  assert.deepEqual(await sealer.unsealAsync(token, { now: NOW + 1 }), {
    data: { user: 7, tags: ['a'] },
    keyId: 'k2',
    issuedAt: NOW,
    expiresAt: NOW + HOUR,
    needsReseal: false,
  })
  await rejectsCode(sealer.unsealAsync(token, { now: NOW + HOUR }), 'EXPIRED')
  await rejectsCode(sealer.unsealAsync(token.slice(0, -3), { now: NOW }), 'BAD_SEAL')
})

test('module-level functions, sync and async, agree', async () => {
  const options = { cookieName: 'm', ttl: HOUR, now: NOW }
  const token = await sealAsync([1, { two: 2 }], keyring, options)
  assert.deepEqual(unseal(token, keyring, options), [1, { two: 2 }])
  assert.deepEqual(await unsealAsync(seal('text', keyring, options), keyring, options), 'text')
  await rejectsCode(unsealAsync(seal('text', PW2, options), keyring, options), 'UNKNOWN_KEY')
  await rejectsCode(unsealAsync(token, keyring, { ...options, now: NOW + HOUR }), 'EXPIRED')
  await rejectsCode(sealAsync(1n, keyring), 'INVALID_ARGUMENT')
})

test('many concurrent async calls all settle correctly', async () => {
  const tokens = await Promise.all(
    Array.from({ length: 200 }, (_, i) => sealer.sealAsync({ i }, { now: NOW })),
  )
  assert.equal(new Set(tokens).size, 200)
  const opened = await Promise.all(tokens.map((token) => sealer.unsealAsync(token, { now: NOW })))
  assert.deepEqual(
    opened.map((o) => o.data.i),
    Array.from({ length: 200 }, (_, i) => i),
  )
})

// A payload large enough that decrypting and parsing it takes a measurable time.
const bulky = { items: Array.from({ length: 2500 }, (_, i) => ({ id: i, name: `item-${i}`, on: i % 2 === 0 })) }
const bigSealer = new Sealer(keyring, { maxPayloadBytes: 1 << 20, maxTokenChars: 1 << 21 })

test('the event loop keeps turning while async unseals run', async () => {
  const token = bigSealer.seal(bulky, { now: NOW })
  let ticks = 0
  const timer = setInterval(() => {
    ticks += 1
  }, 1)
  try {
    const started = performance.now()
    const results = await Promise.all(
      Array.from({ length: 100 }, () => bigSealer.unsealAsync(token, { now: NOW })),
    )
    const elapsed = performance.now() - started
    assert.equal(results.length, 100)
    assert.equal(results[99].data.items.length, 2500)
    // Had the work run synchronously, every Promise would already be settled before the
    // first timer tick.
    assert.ok(ticks >= 1, `no timer tick in ${elapsed.toFixed(1)} ms`)
  } finally {
    clearInterval(timer)
  }
})

test('calling an async variant returns before the work is done', async () => {
  const token = bigSealer.seal(bulky, { now: NOW })
  const rounds = 40
  // Other work on the machine only ever adds time, so the fastest of a few attempts on each side
  // is compared: one busy moment cannot fail the test.
  let fastestSync = Infinity
  let fastestCalls = Infinity
  for (let attempt = 0; attempt < 5; attempt++) {
    let started = performance.now()
    for (let i = 0; i < rounds; i++) bigSealer.unseal(token, { now: NOW })
    fastestSync = Math.min(fastestSync, performance.now() - started)
    started = performance.now()
    const pending = Array.from({ length: rounds }, () => bigSealer.unsealAsync(token, { now: NOW }))
    fastestCalls = Math.min(fastestCalls, performance.now() - started)
    await Promise.all(pending)
  }
  // Dispatching still reads the (large) token on this thread while the pool threads start on the
  // first calls, and a sync unseal is cheap now (decrypt, check, JSON.parse): half is the margin.
  assert.ok(
    fastestCalls * 2 < fastestSync,
    `async calls took ${fastestCalls} ms at the fastest, sync calls ${fastestSync} ms`,
  )
})
