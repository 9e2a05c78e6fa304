// The iron-webcrypto-compatible surface, checked against the real iron-webcrypto 2.x package.

import assert from 'node:assert/strict'
import test from 'node:test'

import * as Iron from 'iron-webcrypto'
import { Keyring, Sealer, ironDefaults, sealIron, unsealIron } from 'polyseal'

import { KEY, PW1, PW2, assertPolysealError, rejectsCode } from './support.mjs'

test('ironDefaults equals iron-webcrypto’s defaults', () => {
  assert.deepEqual(ironDefaults, Iron.defaults)
})

test('sealIron and unsealIron always return Promises, even for bad arguments', async () => {
  for (const call of [
    () => sealIron({ a: 1 }, PW1),
    () => sealIron(() => 1, 42, 'options'),
    () => unsealIron(42, PW1),
    () => unsealIron('Fe26.2**', null, { ttl: -1 }),
  ]) {
    let pending
    assert.doesNotThrow(() => {
      pending = call()
    })
    assert.ok(pending instanceof Promise)
    await pending.catch(() => {})
  }
})

test('iron options polyseal cannot honour are refused by name', async () => {
  const refused = [
    [{ encryption: { ...Iron.defaults.encryption, algorithm: 'aes-128-ctr' } }, /algorithm/],
    [{ integrity: { ...Iron.defaults.integrity, minPasswordlength: 16 } }, /minPasswordlength/],
    [{ encryption: { iterations: 1 }, integrity: { iterations: 2 } }, /differ/],
    [{ encryption: { saltBits: 128 }, integrity: { saltBits: 256 } }, /differ/],
    [{ ...Iron.defaults, encode: JSON.stringify }, /unknown option "encode"/],
    [{ encryption: { salt: 'fixed' } }, /unknown option "salt"/],
    [{ ttl: -5 }, /ttl/],
    [{ timestampSkewSec: 0.0001 }, /timestampSkewSec/],
  ]
  for (const [options, message] of refused) {
    const error = await rejectsCode(sealIron({ a: 1 }, PW1, options), 'INVALID_OPTION')
    assert.match(error.message, message)
  }
})

test('passwords are validated like a Keyring', async () => {
  await rejectsCode(sealIron({}, 'too short'), 'INVALID_PASSWORD')
  await rejectsCode(sealIron({}, { id: 'bad-id', secret: PW1 }), 'INVALID_PASSWORD')
  await rejectsCode(sealIron({}, new Uint8Array(16)), 'INVALID_PASSWORD')
  await rejectsCode(unsealIron('Fe26.2**', { k1: 'short' }), 'INVALID_PASSWORD')
  await rejectsCode(sealIron({}, 42), 'INVALID_ARGUMENT')
  await rejectsCode(sealIron({}, { id: 'a', secret: PW1, extra: true }), 'INVALID_OPTION')
})

test('iron-webcrypto options are accepted as iron-webcrypto spells them', async () => {
  const options = { ...Iron.defaults, ttl: 60_000, localtimeOffsetMsec: -10 }
  const sealed = await sealIron({ a: 1 }, PW1, options)
  assert.deepEqual(await Iron.unseal(sealed, PW1, options), { a: 1 })
  assert.deepEqual(await unsealIron(sealed, PW1), { a: 1 })
})

test('sealIron → unsealIron round trip', async () => {
  const sealed = await sealIron({ user: 1 }, PW1, Iron.defaults)
  assert.match(sealed, /^Fe26\.2\*\*/)
  assert.deepEqual(await unsealIron(sealed, PW1, Iron.defaults), { user: 1 })
})

test('iron-webcrypto tokens open here, and ours open in iron-webcrypto', async () => {
  const passwords = [PW1, KEY, { id: 'k1', secret: PW1 }, { id: 's', encryption: PW1, integrity: PW2 }]
  for (const password of passwords) {
    const lookup = typeof password === 'object' && 'id' in password ? { [password.id]: password } : password
    const theirs = await Iron.seal({ from: 'iron', list: [1, 2] }, password, Iron.defaults)
    assert.deepEqual(await unsealIron(theirs, lookup, Iron.defaults), { from: 'iron', list: [1, 2] })
    const ours = await sealIron({ from: 'polyseal' }, password, Iron.defaults)
    assert.deepEqual(await Iron.unseal(ours, lookup, Iron.defaults), { from: 'polyseal' })
  }
})

test('rotation: a map of id → password opens tokens of every id', async () => {
  const old = await Iron.seal({ v: 'old' }, { id: 'k1', secret: PW1 }, Iron.defaults)
  const current = await sealIron({ v: 'new' }, { id: 'k2', secret: PW2 }, Iron.defaults)
  const map = { k2: PW2, k1: PW1 }
  assert.deepEqual(await unsealIron(old, map, Iron.defaults), { v: 'old' })
  assert.deepEqual(await unsealIron(current, map, Iron.defaults), { v: 'new' })
  await rejectsCode(unsealIron(old, { k2: PW2 }, Iron.defaults), 'UNKNOWN_KEY')
})

test('ttl, skew and the local clock offset behave as in iron', async () => {
  const options = { ...Iron.defaults, ttl: 1000 }
  const sealed = await Iron.seal({ t: 1 }, PW1, options)
  assert.deepEqual(await unsealIron(sealed, PW1, options), { t: 1 })
  const later = { ...options, timestampSkewSec: 0, localtimeOffsetMsec: 5000 }
  await rejectsCode(unsealIron(sealed, PW1, later), 'EXPIRED')
})

test('h3-v2 (8192 iterations) unseals on the thread pool, not the event loop', async () => {
  const sealer = new Sealer(new Keyring(PW1), { format: 'h3-v2' })
  // Cookies sealed elsewhere (another keyring): the keyring's derived-key cache would answer
  // repeats of one cookie, or a cookie it sealed itself, without PBKDF2.
  const elsewhere = new Sealer(new Keyring(PW1), { format: 'h3-v2' })
  const tokens = await Promise.all(
    Array.from({ length: 40 }, (_, i) => elsewhere.sealAsync({ id: `x${i}`, createdAt: 1, data: {} })),
  )
  let ticks = 0
  const timer = setInterval(() => {
    ticks += 1
  }, 1)
  try {
    await Promise.all(tokens.map((token) => sealer.unsealAsync(token)))
  } finally {
    clearInterval(timer)
  }
  assert.ok(ticks >= 5, `${ticks} ticks`)
})

/** Flips one base64url character in the middle of component `index` of a Fe26.2 token. */
function tamper(token, index) {
  const parts = token.split('*')
  const part = parts[index]
  const at = Math.floor(part.length / 2)
  parts[index] = part.slice(0, at) + (part[at] === 'A' ? 'B' : 'A') + part.slice(at + 1)
  return parts.join('*')
}

/** What each library says about a token: `{ data }` or `{ error }` (iron's message, our code). */
async function verdicts(token, password, options = Iron.defaults) {
  const ours = await unsealIron(token, password, options).then(
    (data) => ({ data }),
    (error) => {
      assertPolysealError(error, error.code)
      return { error: error.code }
    },
  )
  const theirs = await Iron.unseal(token, password, options).then(
    (data) => ({ data }),
    (error) => ({ error: error.message }),
  )
  return { ours, theirs }
}

// iron-webcrypto's messages and the code core gives for the same token.
const SAME_VERDICT = {
  'Expired seal': 'EXPIRED',
  'Bad hmac value': 'BAD_SEAL',
  'Incorrect number of sealed components': 'MALFORMED',
  'Wrong mac prefix': 'UNSUPPORTED_VERSION',
  'Invalid expiration': 'MALFORMED',
}

function assertSameVerdict({ ours, theirs }, expected) {
  if ('data' in expected) {
    assert.deepEqual(theirs, expected, 'iron-webcrypto')
    assert.deepEqual(ours, expected, 'polyseal')
    return
  }
  assert.ok('error' in theirs, `iron-webcrypto accepted it: ${JSON.stringify(theirs)}`)
  assert.match(theirs.error, expected.iron)
  assert.deepEqual(ours, { error: expected.code })
  const known = Object.entries(SAME_VERDICT).find(([message]) => theirs.error.startsWith(message))
  if (known) assert.equal(expected.code, known[1], theirs.error)
}

test('id maps: id-less tokens use "default", and one id-less password opens any id', async () => {
  for (const [sealWith, name] of [
    [Iron.seal, 'iron-webcrypto'],
    [sealIron, 'polyseal'],
  ]) {
    const idless = await sealWith({ n: 0 }, PW1, Iron.defaults)
    assert.equal(idless.split('*')[1], '', name)
    const withId = await sealWith({ n: 1 }, { id: 'k1', secret: PW1 }, Iron.defaults)
    assert.equal(withId.split('*')[1], 'k1', name)
    const named = await sealWith({ n: 2 }, { id: 'default', secret: PW2 }, Iron.defaults)

    assertSameVerdict(await verdicts(idless, { default: PW1 }), { data: { n: 0 } })
    const badSeal = { iron: /^Bad hmac/, code: 'BAD_SEAL' }
    assertSameVerdict(await verdicts(idless, { default: KEY, x: PW1 }), badSeal)
    const noDefault = { iron: /Cannot find password: default/, code: 'UNKNOWN_KEY' }
    assertSameVerdict(await verdicts(idless, { k1: PW1 }), noDefault)
    assertSameVerdict(await verdicts(withId, PW1), { data: { n: 1 } })
    assertSameVerdict(await verdicts(withId, { k1: PW1, default: PW2 }), { data: { n: 1 } })
    assertSameVerdict(await verdicts(withId, { k1: { id: 'ignored', secret: PW1 } }), { data: { n: 1 } })
    const noK1 = { iron: /Cannot find password: k1/, code: 'UNKNOWN_KEY' }
    assertSameVerdict(await verdicts(withId, { default: PW1 }), noK1)
    assertSameVerdict(await verdicts(named, { default: PW2 }), { data: { n: 2 } })
  }
})

test('expired, tampered and wrong-password tokens get the same verdict in both libraries', async () => {
  const past = { ...Iron.defaults, ttl: 1000, localtimeOffsetMsec: -120_000 }
  const recent = { ...Iron.defaults, ttl: 1000, localtimeOffsetMsec: -30_000 }
  for (const [sealWith, name] of [
    [Iron.seal, 'iron-webcrypto'],
    [sealIron, 'polyseal'],
  ]) {
    const token = await sealWith({ v: name }, { id: 'k1', secret: PW1 }, { ...Iron.defaults, ttl: 60_000 })
    const parts = token.split('*')
    const withField = (index, value) => parts.map((part, i) => (i === index ? value : part)).join('*')
    const cases = [
      [token, PW1, { data: { v: name } }],
      [token, PW2, { iron: /^Bad hmac/, code: 'BAD_SEAL' }],
      [token, { k1: KEY }, { iron: /^Bad hmac/, code: 'BAD_SEAL' }],
      [tamper(token, 2), PW1, { iron: /^Bad hmac/, code: 'BAD_SEAL' }], // encryption salt
      [tamper(token, 3), PW1, { iron: /^Bad hmac/, code: 'BAD_SEAL' }], // iv
      [tamper(token, 4), PW1, { iron: /^Bad hmac/, code: 'BAD_SEAL' }], // ciphertext
      [tamper(token, 6), PW1, { iron: /^Bad hmac/, code: 'BAD_SEAL' }], // hmac salt
      [tamper(token, 7), PW1, { iron: /^Bad hmac/, code: 'BAD_SEAL' }], // hmac
      [withField(5, String(Number(parts[5]) + 1000)), PW1, { iron: /^Bad hmac/, code: 'BAD_SEAL' }],
      [parts.slice(0, 7).join('*'), PW1, { iron: /^Incorrect number/, code: 'MALFORMED' }],
      [withField(0, 'Fe26.1'), PW1, { iron: /^Wrong mac prefix/, code: 'UNSUPPORTED_VERSION' }],
      [withField(5, '17x'), PW1, { iron: /^Invalid expiration/, code: 'MALFORMED' }],
    ]
    for (const [sealed, password, expected] of cases) {
      assertSameVerdict(await verdicts(sealed, password), expected)
    }

    const expired = await sealWith({ v: 1 }, PW1, past)
    assertSameVerdict(await verdicts(expired, PW1), { iron: /^Expired seal/, code: 'EXPIRED' })
    // Expired 29 s ago: inside the default 60 s skew, outside a 10 s one.
    const withinSkew = await sealWith({ v: 2 }, PW1, recent)
    assertSameVerdict(await verdicts(withinSkew, PW1), { data: { v: 2 } })
    assertSameVerdict(await verdicts(withinSkew, PW1, { ...Iron.defaults, timestampSkewSec: 10 }), {
      iron: /^Expired seal/,
      code: 'EXPIRED',
    })
  }
})

test('the Fe26.2 formats of Sealer open in iron-webcrypto with their peer options, and back', async () => {
  const options = (iterations) => ({
    ...Iron.defaults,
    encryption: { ...Iron.defaults.encryption, iterations },
    integrity: { ...Iron.defaults.integrity, iterations },
  })
  const peers = [
    // [format, iron-webcrypto options, password to seal with, its unseal password, token suffix]
    ['iron', Iron.defaults, { id: 'k1', secret: PW1 }, { k1: PW1 }, ''],
    ['h3-v1', Iron.defaults, PW1, PW1, ''],
    ['h3-v2', options(8192), PW1, PW1, ''],
    ['iron-session', { ...Iron.defaults, ttl: 14 * 24 * 3600 * 1000 }, { id: '1', secret: PW1 }, { 1: PW1 }, '~2'],
  ]
  for (const [format, ironOptions, password, lookup, suffix] of peers) {
    const keyring = typeof password === 'string' ? new Keyring(password) : new Keyring([password])
    const sealer = new Sealer(keyring, { format })
    const ours = await sealer.sealAsync({ format })
    assert.ok(ours.endsWith(suffix), format)
    const bare = suffix ? ours.slice(0, -suffix.length) : ours
    assert.deepEqual(await Iron.unseal(bare, lookup, ironOptions), { format }, format)
    const theirs = (await Iron.seal({ from: 'iron' }, password, ironOptions)) + suffix
    const opened = await sealer.unsealAsync(theirs)
    assert.deepEqual(opened.data, { from: 'iron' }, format)
    assert.equal(opened.issuedAt, null)
    assert.equal(opened.needsReseal, false)
  }
  // h3 2.x still reads 1-iteration cookies from h3 1.x and asks for a reseal.
  const legacy = await Iron.seal({ old: true }, PW1, Iron.defaults)
  const opened = await new Sealer(new Keyring(PW1), { format: 'h3-v2' }).unsealAsync(legacy)
  assert.deepEqual([opened.data, opened.needsReseal], [{ old: true }, true])
})
