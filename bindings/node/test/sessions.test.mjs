// SessionManager and Session: loads never fail, rejections say why, saves write only what is
// needed, data mutations are picked up, clear is terminal, options and arguments are checked,
// and nothing prints a token or the data.

import assert from 'node:assert/strict'
import test from 'node:test'
import { inspect } from 'node:util'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import { Keyring, PolysealError, Sealer, Session, SessionManager, cookieDefaults } from 'polyseal'

import { Jar } from './session-flows.mjs'
import { HOUR, NOW, PW1, PW2, assertPolysealError, rejectsCode, throwsCode } from './support.mjs'

const keyring = new Keyring([
  { id: 'k2', secret: PW2 },
  { id: 'k1', secret: PW1 },
])
const native = new SessionManager(keyring, { maxAge: 3600 })
const cookieOf = (lines) => lines.map((line) => line.split(';')[0]).join('; ')

/** Loads, updates with `patch` and returns the Cookie header a browser would send back. */
function written(manager, patch, now = NOW) {
  const session = manager.load(null, { now })
  return cookieOf(manager.update(session, patch, { now }))
}

test('a new session: no cookie, fresh id, empty data, no rejection, nothing to write', () => {
  for (const header of [undefined, null, '', 'theme=dark; lang=en']) {
    const session = native.load(header, { now: NOW })
    assert.ok(session instanceof Session)
    assert.match(session.id, /^[A-Za-z0-9_-]{22}$/)
    assert.deepEqual(
      [session.isNew, session.rejection, session.createdAt, session.lastSeenAt, session.needsReseal, session.isCleared],
      [true, null, NOW, null, false, false],
    )
    assert.deepEqual(session.data, {})
    assert.deepEqual(native.save(session, { now: NOW }), [], 'an untouched new session writes nothing')
  }
  assert.notEqual(native.load(null).id, native.load(null).id)
  assert.ok(Math.abs(native.load().createdAt - Date.now()) < 60_000, 'the clock is the default')
})

test('update writes the cookie; a later load reads the same id, times and data', () => {
  const session = native.load(null, { now: NOW })
  const lines = native.update(session, { user: 'ada', roles: ['admin'], n: 1 }, { now: NOW })
  assert.equal(lines.length, 1)
  assert.match(lines[0], /^session=[A-Za-z0-9_.~-]+; Max-Age=3600; Expires=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
  assert.deepEqual(session.data, { user: 'ada', roles: ['admin'], n: 1 })
  assert.equal(session.isNew, false)
  const again = native.load(cookieOf(lines), { now: NOW + 1000 })
  assert.deepEqual(
    [again.id, again.createdAt, again.isNew, again.rejection, again.needsReseal],
    [session.id, NOW, false, null, false],
  )
  assert.deepEqual(again.data, { user: 'ada', roles: ['admin'], n: 1 })
  assert.deepEqual(native.save(again, { now: NOW + 2000 }), [], 'unchanged: nothing to write')
})

test('loads never fail: refused cookies give a new session and the reason', () => {
  const good = written(native, { a: 1 })
  const value = good.slice('session='.length)
  const other = new SessionManager(new Keyring([{ id: 'k9', secret: PW1 }]), { maxAge: 3600 })
  const otherName = new SessionManager(keyring, { name: 'other', maxAge: 3600 })
  const flipped = value.slice(0, -3) + (value.at(-3) === 'A' ? 'B' : 'A') + value.slice(-2)
  const cases = [
    ['session=not-a-token', 'MALFORMED', native],
    [`session=${flipped}`, 'BAD_SEAL', native],
    [good, 'UNKNOWN_KEY', other],
    [`other=${value}`, 'BAD_SEAL', otherName],
    [good, 'EXPIRED', native, NOW + 3600 * 1000],
    [`session=${'x'.repeat(100_000)}`, 'TOO_LARGE', native],
  ]
  for (const [header, code, manager, now = NOW] of cases) {
    const session = manager.load(header, { now })
    assert.equal(session.isNew, true, code)
    assert.ok(session.rejection instanceof PolysealError, code)
    assertPolysealError(session.rejection, code)
    assert.equal(session.rejection, session.rejection, 'one error object per session')
    assert.deepEqual(session.data, {})
    assert.ok(!session.rejection.message.includes(value.slice(0, 20)), 'no token bytes in the message')
    // The reason stays after a save (it describes this request's cookie).
    manager.update(session, { fresh: true }, { now })
    assert.equal(session.rejection.code, code)
  }
})

test('mutations of session.data are picked up by the next save, in place or replaced', () => {
  const session = native.load(written(native, { visits: 1, nested: { a: [1] } }), { now: NOW })
  session.data.visits += 1
  session.data.nested.a.push(2)
  delete session.data.gone
  const lines = native.save(session, { now: NOW })
  assert.equal(lines.length, 1)
  assert.deepEqual(native.load(cookieOf(lines), { now: NOW }).data, { visits: 2, nested: { a: [1, 2] } })

  const replaced = native.load(cookieOf(lines), { now: NOW })
  const before = replaced.data
  replaced.data = { fresh: 'object' }
  assert.notEqual(replaced.data, before)
  assert.deepEqual(native.load(cookieOf(native.save(replaced, { now: NOW })), { now: NOW }).data, { fresh: 'object' })

  // Setting then restoring a value is no change: nothing is written.
  const same = native.load(cookieOf(lines), { now: NOW })
  same.data.visits = 3
  same.data.visits = 2
  same.data.nested = { a: [1, 2] }
  assert.deepEqual(native.save(same, { now: NOW }), [])
})

test('update merges like Object.assign: the same object, the caller values, undefined removes', () => {
  const session = native.load(written(native, { keep: 1, drop: 2, list: [0] }), { now: NOW })
  const data = session.data
  const list = ['x']
  const lines = native.update(session, { list, drop: undefined, added: { deep: true } }, { now: NOW })
  assert.equal(session.data, data, 'the data object is updated in place')
  assert.equal(session.data.list, list, "the patch's own values, as Object.assign keeps them")
  assert.ok('drop' in session.data && session.data.drop === undefined)
  const loaded = native.load(cookieOf(lines), { now: NOW })
  assert.deepEqual(loaded.data, { keep: 1, list: ['x'], added: { deep: true } })
  // A later change to a patched value is a change of the session.
  list.push('y')
  assert.deepEqual(native.load(cookieOf(native.save(session, { now: NOW })), { now: NOW }).data.list, ['x', 'y'])
  // `__proto__` in a patch is an ordinary key, as in JSON.parse.
  const tricky = JSON.parse('{"__proto__": {"polluted": true}}')
  const fresh = native.load(null, { now: NOW })
  native.update(fresh, tricky, { now: NOW })
  assert.deepEqual(Object.keys(fresh.data), ['__proto__'])
  assert.equal(Object.getPrototypeOf(fresh.data), Object.prototype)
  assert.equal({}.polluted, undefined)
})

test('integer-like keys and numbers: a loaded session compares equal to its JavaScript data', () => {
  const session = native.load(written(native, { 2: 'b', 1: 'a', whole: 3, float: 0.5, big: 1e21 }), { now: NOW })
  assert.deepEqual(native.save(session, { now: NOW }), [])
  session.data.whole = 3.0
  assert.deepEqual(native.save(session, { now: NOW }), [])
})

test('clear deletes the cookie; the session is terminal and its data empty', async () => {
  const session = native.load(written(native, { a: 1 }), { now: NOW })
  const data = session.data
  const lines = native.clear(session, { now: NOW })
  assert.deepEqual(lines, ['session=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; HttpOnly; Secure; SameSite=Lax'])
  assert.equal(session.isCleared, true)
  assert.deepEqual(session.data, {})
  assert.deepEqual(data, { a: 1 }, 'the previous data object is left as it was')
  throwsCode(() => native.save(session, { now: NOW }), 'SESSION_CLEARED')
  throwsCode(() => native.token(session, { now: NOW }), 'SESSION_CLEARED')
  throwsCode(() => native.update(session, { b: 2 }, { now: NOW }), 'SESSION_CLEARED')
  assert.deepEqual(session.data, {}, 'a refused update does not touch the data')
  await rejectsCode(native.saveAsync(session, { now: NOW }), 'SESSION_CLEARED')
  await rejectsCode(native.tokenAsync(session, { now: NOW }), 'SESSION_CLEARED')
  await rejectsCode(native.updateAsync(session, { b: 2 }, { now: NOW }), 'SESSION_CLEARED')
  session.data.late = true
  throwsCode(() => native.save(session, { now: NOW }), 'SESSION_CLEARED')
  assert.equal(native.clear(session, { now: NOW }).length, 1, 'clearing again deletes again')
  const next = native.load(cookieOf(lines).replace('session=', 'x='), { now: NOW })
  assert.deepEqual([next.isNew, next.rejection], [true, null])
})

test('rotation: a cookie under an older key loads with needsReseal and moves to the current key', () => {
  const oldOnly = new SessionManager(new Keyring([{ id: 'k1', secret: PW1 }]), { maxAge: 3600 })
  const session = native.load(written(oldOnly, { user: 'ada' }), { now: NOW })
  assert.deepEqual([session.isNew, session.needsReseal], [false, true])
  const lines = native.save(session, { now: NOW })
  assert.equal(lines.length, 1)
  const sealer = new Sealer(keyring, { cookieName: 'session' })
  assert.equal(sealer.unseal(lines[0].split(';')[0].slice('session='.length), { now: NOW }).keyId, 'k2')
  assert.equal(native.load(cookieOf(lines), { now: NOW }).needsReseal, false)
})

test('the format profiles: cookie names, attributes, ids and token forms', () => {
  const h3 = new SessionManager(PW1, { format: 'h3-v2' })
  assert.deepEqual([h3.format, h3.name], ['h3-v2', 'h3'])
  const session = h3.load(null, { now: NOW })
  assert.match(session.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  const lines = h3.save(session, { now: NOW })
  assert.equal(lines.length, 1, 'h3 writes a new session even untouched')
  assert.match(lines[0], /^h3=Fe26\.2\*\*[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
  assert.match(h3.token(session, { now: NOW }), /^Fe26\.2\*\*/)

  const iron = new SessionManager(PW1, { format: 'iron-session', name: 'app' })
  const ironSession = iron.load(null, { now: NOW })
  assert.deepEqual([ironSession.id, ironSession.createdAt], ['', 0])
  const ironLines = iron.update(ironSession, { user: 1 }, { now: NOW })
  assert.match(ironLines[0], /^app=Fe26\.2\*1\*[^;]+~2; Max-Age=1209540; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
})

test('options: formats defaults, null turns a setting off, unset keeps the default', () => {
  const longLived = new SessionManager(PW1, { format: 'native', maxAge: null })
  const session = longLived.load(null, { now: NOW })
  const [line] = longLived.update(session, { a: 1 }, { now: NOW })
  assert.doesNotMatch(line, /Max-Age|Expires/, 'no lifetime: a browser-session cookie')
  assert.equal(longLived.load(line.split(';')[0], { now: NOW + 400 * 24 * HOUR }).isNew, false)

  const idle = new SessionManager(PW1, { idleTimeout: 60 })
  const idleSession = idle.load(null, { now: NOW })
  idle.update(idleSession, { a: 1 }, { now: NOW })
  assert.equal(idleSession.lastSeenAt, NOW)

  const headers = new SessionManager(PW1, { format: 'h3-v1', sessionHeader: 'x-h3-session' })
  const carried = headers.load(null, { now: NOW })
  carried.data.who = 'header'
  const token = headers.token(carried, { now: NOW })
  const viaHeader = headers.load('h3=ignored', { sessionHeader: token, now: NOW })
  assert.deepEqual([viaHeader.id, viaHeader.data], [carried.id, { who: 'header' }])
  assert.equal(headers.load(null, { sessionHeader: null, now: NOW }).isNew, true)
  const off = new SessionManager(PW1, { format: 'h3-v1', sessionHeader: null })
  assert.equal(off.load(null, { sessionHeader: token, now: NOW }).isNew, true, 'no header configured: ignored')

  const custom = new SessionManager(PW1, {
    name: 'sid',
    cookie: { ...cookieDefaults(), domain: 'example.com', sameSite: 'strict' },
    cookieHeaderLimit: null,
  })
  const [customLine] = custom.update(custom.load(null, { now: NOW }), { a: 1 }, { now: NOW })
  assert.match(customLine, /^sid=[^;]+; Max-Age=1209600; Expires=[^;]+; Domain=example\.com; Path=\/; HttpOnly; Secure; SameSite=Strict$/)
  const chunked = new SessionManager(PW1, { format: 'iron-session', split: true, iterations: 2, skew: 5000 })
  const big = chunked.update(chunked.load(null, { now: NOW }), { blob: 'x'.repeat(6000) }, { now: NOW })
  assert.ok(big.length >= 2)
  for (const line of big) assert.match(line, /^iron-session\.[0-3]=/)
})

test('options are checked: unknown keys, bad values and bad types', () => {
  throwsCode(() => new SessionManager(PW1, { maxage: 10 }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { cookieName: 'x' }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { format: 'fernet' }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { maxAge: 0 }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { maxAge: 1.5 }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { idleTimeout: 401 * 24 * 3600 }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { format: 'iron-session', idleTimeout: 60 }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { split: true }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { style: 'h4' }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { chunking: 'zip' }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { cookie: { style: 'h3-v1' } }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { cookie: { sameSite: 'none' } }), 'INVALID_COOKIE')
  throwsCode(() => new SessionManager(PW1, { name: 'bad name' }), 'INVALID_COOKIE')
  throwsCode(() => new SessionManager(PW1, { format: 'native', iterations: 10 }), 'INVALID_OPTION')
  throwsCode(() => new SessionManager(PW1, { maxAge: '3600' }), 'INVALID_ARGUMENT')
  throwsCode(() => new SessionManager(PW1, { split: 'yes' }), 'INVALID_ARGUMENT')
  throwsCode(() => new SessionManager(PW1, 'options'), 'INVALID_ARGUMENT')
  throwsCode(() => new SessionManager('short'), 'INVALID_PASSWORD')
  throwsCode(() => native.load(null, { now: -1 }), 'INVALID_OPTION')
  throwsCode(() => native.load(null, { when: NOW }), 'INVALID_OPTION')
  throwsCode(() => native.load(42), 'INVALID_ARGUMENT')
  throwsCode(() => native.load(null, { sessionHeader: 7 }), 'INVALID_ARGUMENT')
})

test('arguments are checked: sessions, patches and data', async () => {
  const session = native.load(null, { now: NOW })
  for (const notSession of [undefined, null, {}, { data: {} }, keyring, 'session']) {
    throwsCode(() => native.save(notSession), 'INVALID_ARGUMENT')
    throwsCode(() => native.clear(notSession), 'INVALID_ARGUMENT')
    await rejectsCode(native.saveAsync(notSession), 'INVALID_ARGUMENT')
  }
  for (const patch of [null, [], 'x', new Date(), new Map()]) {
    throwsCode(() => native.update(session, patch), 'INVALID_ARGUMENT')
  }
  throwsCode(() => native.update(session, { when: new Date() }), 'INVALID_ARGUMENT')
  await rejectsCode(native.updateAsync(session, { f: () => 1 }), 'INVALID_ARGUMENT')
  assert.deepEqual(session.data, {}, 'a refused patch is not merged')
  for (const data of [null, [], 'x', new Date()]) {
    throwsCode(() => {
      session.data = data
    }, 'INVALID_ARGUMENT')
  }
  session.data.bad = new Date()
  const error = throwsCode(() => native.save(session), 'INVALID_ARGUMENT')
  assert.match(error.message, /session\.data\.bad/)
  assert.throws(() => new Session(), /constructor/, 'sessions come from load only')
})

test('async calls give what the sync calls give, and reject instead of throwing', async () => {
  const h3 = new SessionManager(PW1, { format: 'h3-v2' })
  const jar = new Jar()
  const session = await h3.loadAsync(null, { now: NOW })
  assert.ok(session instanceof Session)
  jar.apply(await h3.updateAsync(session, { user: 'ada' }, { now: NOW }))
  const loaded = await h3.loadAsync(jar.header(), { now: NOW })
  assert.deepEqual([loaded.id, loaded.data, loaded.isNew], [session.id, { user: 'ada' }, false])
  loaded.data.n = 1
  const lines = await h3.saveAsync(loaded, { now: NOW })
  assert.equal(lines.length, 1)
  assert.deepEqual(h3.load(cookieOf(lines), { now: NOW }).data, { user: 'ada', n: 1 })
  const bad = await h3.loadAsync('h3=Fe26.2**nonsense', { now: NOW })
  assert.equal(bad.rejection.code, 'MALFORMED')
  await rejectsCode(h3.loadAsync(7), 'INVALID_ARGUMENT')
  await rejectsCode(h3.saveAsync(loaded, { now: 'soon' }), 'INVALID_ARGUMENT')
})

test('h3-v2 async calls leave the event loop free while keys are derived', async () => {
  const h3 = new SessionManager(PW1, { format: 'h3-v2' })
  const cookie = cookieOf(h3.update(h3.load(null), { a: 1 }))
  let ticks = 0
  const timer = setInterval(() => (ticks += 1), 0)
  try {
    const sessions = await Promise.all(Array.from({ length: 16 }, () => h3.loadAsync(cookie)))
    await Promise.all(sessions.map((session) => h3.updateAsync(session, { b: 2 })))
  } finally {
    clearInterval(timer)
  }
  assert.ok(ticks > 0, 'timers ran while the pool worked')
})

test('nothing prints a token, a secret or the data', () => {
  const lines = native.update(native.load(null, { now: NOW }), { secret: 'personal' }, { now: NOW })
  const session = native.load(cookieOf(lines), { now: NOW })
  const token = cookieOf(lines).slice('session='.length)
  const shown = [inspect(session), JSON.stringify(session), inspect(native), JSON.stringify(native), String(session)]
  for (const text of shown) {
    assert.ok(!text.includes(token.slice(0, 16)), text)
    assert.ok(!text.includes('personal'), text)
    assert.ok(!text.includes(PW1) && !text.includes(PW2), text)
  }
  assert.equal(inspect(session), `Session { id: '${session.id}', isNew: false, rejection: null }`)
  assert.deepEqual(JSON.parse(JSON.stringify(session)), {
    id: session.id,
    createdAt: NOW,
    lastSeenAt: null,
    isNew: false,
    rejection: null,
    needsReseal: false,
    isCleared: false,
  })
  assert.deepEqual(JSON.parse(JSON.stringify(native)), {
    format: 'native',
    name: 'session',
    keyring: { ids: ['k2', 'k1'], current: 'k2' },
  })
  const rejected = native.load('session=junk', { now: NOW })
  assert.equal(inspect(rejected), `Session { id: '${rejected.id}', isNew: true, rejection: 'MALFORMED' }`)
  assert.equal(JSON.parse(JSON.stringify(rejected)).rejection, 'MALFORMED')
})

test('session.data lives on the session: under a hidden symbol, not copied, not listed', () => {
  const session = native.load(null, { now: NOW })
  session.data.theme = 'dark'
  assert.deepEqual(Object.keys(session), [])
  assert.deepEqual({ ...session }, {})
  const [key, ...more] = Reflect.ownKeys(session)
  assert.deepEqual(more, [])
  assert.equal(typeof key, 'symbol')
  assert.equal(key.description, 'polyseal.session.data')
  const { enumerable, configurable, writable, value } = Object.getOwnPropertyDescriptor(session, key)
  assert.deepEqual({ enumerable, configurable, writable }, { enumerable: false, configurable: false, writable: true })
  assert.equal(value, session.data)
  const replaced = { theme: 'light' }
  session.data = replaced
  assert.equal(session[key], replaced)
  native.clear(session, { now: NOW })
  assert.deepEqual(session.data, {})
  assert.equal(session[key], session.data)
  assert.equal(Reflect.ownKeys(native.load(null, { now: NOW }))[0], key, 'one key for every session')
})

test('a dropped session and its data go in one garbage collection', async () => {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc')
  const lines = native.update(native.load(null, { now: NOW }), { visits: 1 }, { now: NOW })
  const watched = () => {
    const session = native.load(cookieOf(lines), { now: NOW })
    return { session: new WeakRef(session), data: new WeakRef(session.data) }
  }
  const { session, data } = watched()
  // A WeakRef keeps its target until the job that made it ends.
  await new Promise((resolve) => setImmediate(resolve))
  gc()
  assert.equal(session.deref(), undefined, 'the session was collected')
  // A reference held by the addon would keep the data until the session's finalizer ran.
  assert.equal(data.deref(), undefined, 'its data went with it')
})

test('a manager takes every keyring form', () => {
  for (const secrets of [PW1, Buffer.alloc(32, 7), [{ id: 'a', secret: PW1 }], { a: PW1 }]) {
    const manager = new SessionManager(secrets)
    const session = manager.load(null, { now: NOW })
    const header = cookieOf(manager.update(session, { ok: true }, { now: NOW }))
    assert.deepEqual(manager.load(header, { now: NOW }).data, { ok: true })
  }
  throwsCode(() => new SessionManager(42), 'INVALID_ARGUMENT')
})

test('tokenAsync seals on the libuv pool: the event loop runs while h3-v2 derives its keys', async () => {
  const slow = new SessionManager(PW1, { format: 'h3-v2', iterations: 400_000, sessionHeader: 'x-h3-session' })
  const session = slow.load(null, { now: NOW })
  session.data.who = 'async'
  let ticks = 0
  const timer = setInterval(() => {
    ticks += 1
  }, 1)
  let token
  try {
    token = await slow.tokenAsync(session, { now: NOW })
  } finally {
    clearInterval(timer)
  }
  // Had the derivations run on this thread, no timer could have fired before the Promise settled.
  assert.ok(ticks >= 1, 'no timer tick while the token was sealed')
  const back = slow.load(null, { sessionHeader: token, now: NOW })
  assert.deepEqual([back.id, back.data], [session.id, { who: 'async' }])
  await rejectsCode(slow.tokenAsync(session, { now: 'soon' }), 'INVALID_ARGUMENT')
})
