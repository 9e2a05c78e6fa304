// The Promise variants under load: 20,000 async calls on one keyring, 500 in flight at a time,
// so the libuv pool's threads run them side by side while the event loop makes sync calls on the
// same sealers. Every seal must open to exactly what was sealed, every fixed token must give what
// the sync call gives, every forgery must be refused, and session flows must read back what they
// wrote. Then h3-v2 (8192 PBKDF2 iterations) seals and repeat unseals, 64 at a time: the repeat
// cookie's keys come from the keyring's derived-key cache while other threads fill it.

import assert from 'node:assert/strict'
import test from 'node:test'

import { Keyring, PolysealError, Sealer, SessionManager } from 'polyseal'

import { HOUR, NOW, PW1, PW2 } from './support.mjs'

const WAVES = 40
const IN_FLIGHT = 500
const entries = [
  { id: 'k2', secret: PW2 },
  { id: 'k1', secret: PW1 },
]
const keyring = new Keyring(entries)
const native = new Sealer(keyring, { format: 'native', cookieName: 'session', ttl: HOUR })
const h3 = new Sealer(keyring, { format: 'h3-v1', ttl: HOUR })
const manager = new SessionManager(keyring, { idleTimeout: 600 })
const at = { now: NOW }
const later = { now: NOW + 1000 }

/** What unsealing gives, or the code it is refused with. */
async function outcome(promise) {
  try {
    return await promise
  } catch (error) {
    if (!(error instanceof PolysealError)) throw error
    return ['refused', error.code]
  }
}

function syncOutcome(call) {
  try {
    return call()
  } catch (error) {
    if (!(error instanceof PolysealError)) throw error
    return ['refused', error.code]
  }
}

const cookieOf = (lines) => lines.map((line) => line.split(';')[0]).join('; ')

/** Tokens sealed once, some under the old key alone, and forgeries of them. */
function fixedTokens() {
  const old = new Keyring([{ id: 'k1', secret: PW1 }])
  return [native, h3].flatMap((sealer) => {
    const options = sealer === native ? { cookieName: 'session', ttl: HOUR } : { ttl: HOUR }
    const current = sealer.seal({ user: 'ada', name: 'Zoë' }, at)
    const previous = new Sealer(old, { format: sealer.format, ...options }).seal({ user: 'grace' }, at)
    const middle = Math.floor(current.length / 2)
    const forged = current.slice(0, middle) + (current[middle] === 'A' ? 'B' : 'A') + current.slice(middle + 1)
    return [current, previous, forged].map((token) => ({ sealer, token }))
  })
}

/** Polyseal calls each kind of operation makes. */
const CALLS = [2, 2, 1, 2, 4, 3]

/** One async operation of kind `index % 6`; resolves to the number of polyseal calls it made. */
async function operation(index, fixed, reference) {
  const data = { i: index, tags: ['a', String(index)], nested: { n: index / 4 } }
  switch (index % 6) {
    case 0:
    case 1: {
      const sealer = index % 6 === 0 ? native : h3
      const token = await sealer.sealAsync(data, at)
      const opened = await sealer.unsealAsync(token, later)
      assert.deepEqual([opened.data, opened.keyId], [data, 'k2'])
      return CALLS[index % 6]
    }
    case 2: {
      const { sealer, token } = fixed[index % fixed.length]
      assert.deepEqual(await outcome(sealer.unsealAsync(token, later)), reference[index % fixed.length])
      return CALLS[2]
    }
    case 3: {
      const text = JSON.stringify(data)
      const token = await native.sealJsonAsync(text, at)
      // unsealJson gives the payload's text as it was sealed, byte for byte.
      assert.ok(native.unsealJson(token, later).startsWith(`{"data":${text},"keyId":"k2",`))
      return CALLS[3]
    }
    case 4: {
      const fresh = await manager.loadAsync(null, at)
      const lines = await manager.updateAsync(fresh, data, at)
      const loaded = await manager.loadAsync(cookieOf(lines), later)
      assert.deepEqual([loaded.isNew, loaded.data], [false, data])
      assert.deepEqual(await manager.saveAsync(loaded, later), [])
      return CALLS[4]
    }
    default: {
      const session = manager.load(null, at)
      session.data = data
      const token = await manager.tokenAsync(session, at)
      assert.deepEqual(native.unseal(token, later).data.data, data)
      return CALLS[5]
    }
  }
}

test('20,000 async operations on one keyring, with sync calls on the event loop meanwhile', async (t) => {
  const fixed = fixedTokens()
  const reference = fixed.map(({ sealer, token }) => syncOutcome(() => sealer.unseal(token, later)))
  assert.deepEqual(
    reference.map((result) => (Array.isArray(result) ? result[1] : result.keyId)),
    ['k2', 'k1', 'BAD_SEAL', 'k2', 'k1', 'BAD_SEAL'],
  )
  let operations = 0
  let calls = 0
  let syncCalls = 0
  for (let wave = 0; wave < WAVES; wave++) {
    const pending = []
    for (let slot = 0; slot < IN_FLIGHT; slot++) pending.push(operation(wave * IN_FLIGHT + slot, fixed, reference))
    // The pool works on the wave while the event loop seals and opens on the same sealers.
    for (let index = 0; index < 50; index++) {
      const sealer = index % 2 === 0 ? native : h3
      assert.deepEqual(sealer.unseal(sealer.seal({ sync: index }, at), later).data, { sync: index })
      syncCalls += 2
    }
    for (const made of await Promise.all(pending)) {
      operations++
      calls += made
    }
  }
  assert.equal(operations, WAVES * IN_FLIGHT)
  assert.equal(syncCalls, WAVES * 100)
  t.diagnostic(`${operations} operations, ${calls} polyseal calls in them, ${syncCalls} sync calls between`)
})

test('h3-v2 seals and repeat unseals, 64 at a time, on one keyring', async () => {
  const sealer = new Sealer(new Keyring(entries), { format: 'h3-v2' })
  const repeat = sealer.seal({ repeat: true }, at)
  const results = await Promise.all(
    Array.from({ length: 64 }, async (_, index) => {
      if (index % 2 === 0) return (await sealer.unsealAsync(repeat, later)).data
      const token = await sealer.sealAsync({ index }, at)
      return (await sealer.unsealAsync(token, later)).data
    }),
  )
  results.forEach((data, index) => assert.deepEqual(data, index % 2 === 0 ? { repeat: true } : { index }))
})
