// The opt-in seal-side salt-reuse window of the Fe26.2 formats (`saltReuse`, in ms), on
// sealers, the one-off seal and session managers. docs/FORMAT.md ("Seal-side salt reuse") has
// the rules and the security argument.

import assert from 'node:assert/strict'
import test from 'node:test'

import { Keyring, Sealer, SessionManager, seal, unseal } from 'polyseal'

import { NOW, PW1, throwsCode } from './support.mjs'

// Fields of a Fe26.2 token split on '*' (docs/FORMAT.md):
// Fe26.2 * id * enc-salt * enc-iv * ciphertext * expiration * hmac-salt * hmac
const ENC_SALT = 2
const IV = 3
const HMAC_SALT = 6

function salts(token) {
  const fields = token.split('*')
  assert.equal(fields.length, 8)
  assert.ok(fields[ENC_SALT] && fields[HMAC_SALT])
  return [fields[ENC_SALT], fields[HMAC_SALT]]
}

const iv = (token) => token.split('*')[IV]

/** Neither salt shared. */
function assertFreshSalts(a, b) {
  const [x, y] = [salts(a), salts(b)]
  assert.ok(x[0] !== y[0] && x[1] !== y[1], `${a} and ${b} share a salt`)
}

/** An h3-v2 sealer over a new keyring: no salt or derived key of another keyring cached. */
const coldReader = () => new Sealer(new Keyring(PW1), { format: 'h3-v2' })

test('seals inside the window share their salts, with a fresh IV; after it they draw new ones', () => {
  const sealer = new Sealer(new Keyring(PW1), { format: 'h3-v2', saltReuse: 60_000 })
  const first = sealer.seal({ n: 1 }, { now: NOW })
  const second = sealer.seal({ n: 1 }, { now: NOW + 59_999 })
  const after = sealer.seal({ n: 1 }, { now: NOW + 60_000 })
  assert.deepEqual(salts(first), salts(second))
  assert.notEqual(iv(first), iv(second))
  assertFreshSalts(second, after)
  const reader = coldReader()
  for (const token of [first, second, after]) {
    assert.deepEqual(reader.unseal(token, { now: NOW + 60_000 }).data, { n: 1 })
  }
})

test('unset, every seal draws fresh salts', () => {
  const sealer = new Sealer(new Keyring(PW1), { format: 'h3-v2' })
  assertFreshSalts(sealer.seal(1, { now: NOW }), sealer.seal(1, { now: NOW }))
})

test('the window belongs to the keyring, whichever sealer or one-off call seals', async () => {
  const keyring = new Keyring(PW1)
  const options = { format: 'h3-v2', saltReuse: 60_000 }
  const first = seal(1, keyring, { ...options, now: NOW })
  const second = new Sealer(keyring, options).seal(2, { now: NOW + 1 })
  const third = await new Sealer(keyring, options).sealAsync(3, { now: NOW + 2 })
  assert.deepEqual(salts(first), salts(second))
  assert.deepEqual(salts(first), salts(third))
  assert.equal(unseal(third, new Keyring(PW1), { format: 'h3-v2', now: NOW }), 3)
})

test('windows out of range, and any window on the native format, are INVALID_OPTION', () => {
  const keyring = new Keyring(PW1)
  for (const saltReuse of [0, -1, 0.5, 86_400_001, Number.NaN, Infinity]) {
    throwsCode(() => new Sealer(keyring, { format: 'h3-v2', saltReuse }), 'INVALID_OPTION')
    throwsCode(() => new SessionManager(keyring, { format: 'h3-v2', saltReuse }), 'INVALID_OPTION')
  }
  const native = throwsCode(() => new Sealer(keyring, { saltReuse: 60_000 }), 'INVALID_OPTION')
  assert.match(native.message, /salt_reuse/)
  throwsCode(() => new SessionManager(keyring, { saltReuse: 60_000 }), 'INVALID_OPTION')
  throwsCode(() => new Sealer(keyring, { format: 'h3-v2', saltReuse: '60000' }), 'INVALID_ARGUMENT')
})

test('sessions re-sealed on every request reuse their salts inside the window', () => {
  const manager = new SessionManager(new Keyring(PW1), {
    format: 'h3-v2',
    idleTimeout: 600,
    saltReuse: 60_000,
  })
  const reader = new SessionManager(new Keyring(PW1), { format: 'h3-v2', idleTimeout: 600 })
  const session = manager.load(null, { now: NOW })
  session.data.cart = 3
  const times = [NOW, NOW + 59_000, NOW + 60_000]
  const tokens = times.map((now) => manager.token(session, { now }))
  assert.deepEqual(salts(tokens[0]), salts(tokens[1]))
  assert.notEqual(iv(tokens[0]), iv(tokens[1]))
  assertFreshSalts(tokens[1], tokens[2])
  tokens.forEach((token, i) => {
    const opened = reader.load(`h3=${token}`, { now: times[i] })
    assert.equal(opened.rejection, null)
    assert.deepEqual(opened.data, { cart: 3 })
    assert.equal(opened.lastSeenAt, times[i])
  })
})
