// Sessions between polyseal's SessionManager and real h3 1.x, h3 2.x and iron-session 9 apps
// (tests/peers/sessions/servers.mjs: each package's own useSession / getIronSession) on
// 127.0.0.1 ephemeral ports, over HTTP with fetch, in both directions. The peer packages are
// the pinned ones of tests/peers/package.json (`make test` installs them when missing).

import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { pathToFileURL } from 'node:url'

import { Sealer, SessionManager } from 'polyseal'

import { Jar, mask } from './session-flows.mjs'
import { repoRoot } from './support.mjs'

const peersDir = join(repoRoot, 'tests', 'peers')
let startH3V1
let startH3V2
let startIronSession

before(async () => {
  assert.ok(
    existsSync(join(peersDir, 'node_modules', 'h3-v2')),
    'the peer packages are missing: run `make test` (or npm install in tests/peers)',
  )
  ;({ startH3V1, startH3V2, startIronSession } = await import(
    pathToFileURL(join(peersDir, 'sessions', 'servers.mjs')).href
  ))
})

const checks = new Map()
const pass = (peer, count) => checks.set(peer, (checks.get(peer) ?? 0) + count)
after(() => {
  const summary = [...checks].map(([peer, count]) => `${peer}: ${count}`).join(', ')
  console.log(`peer checks passed: ${summary}`)
})

const PW = 'h3-polyseal-node-session-peer-password-0123456789'
const PW_NEXT = 'h3-next-polyseal-node-session-peer-password-012345'
const BIG = (n) => 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(n / 36)).slice(0, n)

/** One request with the jar's cookies, storing what the app sets: {status, lines, body}. */
async function send(url, { method = 'GET', jar, body } = {}) {
  const headers = {}
  const cookie = jar?.header()
  if (cookie) headers.cookie = cookie
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const lines = response.headers.getSetCookie()
  jar?.apply(lines)
  return { status: response.status, lines, body: await response.json() }
}

/** Runs `body(server)` against an app started for it; always stops the app. */
async function withServer(start, config, body) {
  const server = await start(config)
  try {
    return await body(server)
  } finally {
    await server.close()
  }
}

/** The token the lines write for `name` (chunks joined in order). */
function tokenOf(lines, name) {
  const parts = lines
    .map((line) => line.split(';')[0])
    .map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])
    .filter(([cookie, value]) => value && !value.startsWith('__chunked__'))
    .filter(([cookie]) => cookie === name || cookie.startsWith(`${name}.`))
    .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
  return decodeURIComponent(parts.map(([, value]) => value).join(''))
}

const shape = ({ id, createdAt, data }) => ({ id, createdAt, data: { ...data } })

const PEERS = [
  { name: 'h3 1.x', start: () => startH3V1, format: 'h3-v1' },
  { name: 'h3 2.x', start: () => startH3V2, format: 'h3-v2' },
]

for (const peer of PEERS) {
  const appConfig = { password: PW, maxAge: 3600 }
  const manager = () => new SessionManager(PW, { format: peer.format, maxAge: 3600 })

  describe(peer.name, () => {
    test("the app's cookie loads in polyseal: same id, createdAt, data and sealed text", async () => {
      await withServer(peer.start(), appConfig, async (app) => {
        const jar = new Jar()
        const made = await send(app.url, { method: 'POST', jar, body: { user: 'ada', roles: ['admin'] } })
        assert.equal(made.status, 200)
        assert.deepEqual(made.body.data, { user: 'ada', roles: ['admin'] })
        const sessions = manager()
        const session = await sessions.loadAsync(jar.header())
        assert.deepEqual(shape(session), shape(made.body))
        assert.deepEqual([session.isNew, session.rejection, session.needsReseal], [false, null, false])
        // The JSON text the app sealed is its session object's text, byte for byte.
        const sealer = new Sealer(PW, { format: peer.format })
        assert.deepEqual(sealer.unseal(tokenOf(made.lines, 'h3')).data, JSON.parse(made.body.raw))
        // polyseal writes the same line for the same transition (token masked).
        const ours = await sessions.updateAsync(session, { n: 1 })
        assert.deepEqual(mask(ours, 'h3'), mask(made.lines, 'h3'))
        pass(peer.name, 4)
      })
    })

    test('a polyseal cookie is read by the app; updates cross in both directions', async () => {
      await withServer(peer.start(), appConfig, async (app) => {
        const sessions = manager()
        const jar = new Jar()
        const session = sessions.load(null)
        jar.apply(await sessions.updateAsync(session, { user: 'grace', tags: ['x', 'é'] }))
        const read = await send(app.url, { jar })
        assert.deepEqual(shape(read.body), { ...shape(session), data: { user: 'grace', tags: ['x', 'é'] } })
        assert.deepEqual(read.lines, [], 'the app accepts the cookie without rewriting it')
        // The app updates; polyseal sees the merge.
        const changed = await send(app.url, { method: 'POST', jar, body: { tags: [], n: 2 } })
        assert.equal(changed.lines.length, 1)
        const again = await sessions.loadAsync(jar.header())
        assert.deepEqual(shape(again), { ...shape(session), data: { user: 'grace', tags: [], n: 2 } })
        // polyseal changes data in place and saves; the app sees it.
        again.data.n += 1
        delete again.data.tags
        jar.apply(await sessions.saveAsync(again))
        const seen = await send(app.url, { jar })
        assert.deepEqual(shape(seen.body), { ...shape(session), data: { user: 'grace', n: 3 } })
        pass(peer.name, 4)
      })
    })

    test('clear on either side ends the session on the other, with the same deletion lines', async () => {
      await withServer(peer.start(), appConfig, async (app) => {
        const sessions = manager()
        const jar = new Jar()
        const made = await send(app.url, { method: 'POST', jar, body: { a: 1 } })
        const theirs = await send(app.url, { method: 'DELETE', jar: jar.copy() })
        const session = sessions.load(jar.header())
        assert.equal(session.id, made.body.id)
        const cleared = sessions.clear(session)
        assert.deepEqual(cleared, theirs.lines)
        jar.apply(cleared)
        const after = await send(app.url, { jar })
        assert.notEqual(after.body.id, made.body.id, 'the app starts a new session')
        assert.deepEqual(after.body.data, {})

        const fresh = sessions.load(null)
        jar.apply(sessions.update(fresh, { b: 2 }))
        assert.deepEqual((await send(app.url, { jar })).body.data, { b: 2 })
        await send(app.url, { method: 'DELETE', jar })
        const gone = sessions.load(jar.header())
        assert.deepEqual([gone.isNew, gone.rejection], [true, null])
        pass(peer.name, 5)
      })
    })

    test('a cookie under another password is refused on both sides', async () => {
      await withServer(peer.start(), appConfig, async (app) => {
        const other = new SessionManager(PW_NEXT, { format: peer.format, maxAge: 3600 })
        const jar = new Jar()
        const session = other.load(null)
        jar.apply(other.update(session, { who: 'other' }))
        const read = await send(app.url, { jar: jar.copy() })
        assert.notEqual(read.body.id, session.id)
        assert.deepEqual(read.body.data, {})
        const made = new Jar()
        await send(app.url, { method: 'POST', jar: made, body: { a: 1 } })
        const refused = other.load(made.header())
        assert.deepEqual([refused.isNew, refused.rejection?.code], [true, 'BAD_SEAL'])
        pass(peer.name, 3)
      })
    })
  })
}

describe('h3 2.x only', () => {
  test('a chunked session crosses in both directions; the same transitions write the same lines', async () => {
    await withServer(startH3V2, { password: PW }, async (app) => {
      const sessions = new SessionManager(PW, { format: 'h3-v2' })
      const jar = new Jar()
      const made = await send(app.url, { method: 'POST', jar, body: { blob: BIG(5000) } })
      assert.deepEqual(jar.names(), ['h3', 'h3.1', 'h3.2'])
      const session = await sessions.loadAsync(jar.header())
      assert.deepEqual(shape(session), shape(made.body))

      // Growing to four chunks: the app and polyseal write the same list.
      const theirs = await send(app.url, { method: 'POST', jar: jar.copy(), body: { blob: BIG(9000) } })
      const ours = await sessions.updateAsync(session, { blob: BIG(9000) })
      assert.equal(ours.length, 5)
      assert.deepEqual(mask(ours, 'h3'), mask(theirs.lines, 'h3'))
      jar.apply(ours)
      assert.deepEqual((await send(app.url, { jar })).body.data, { blob: BIG(9000) })

      // Shrinking to one cookie deletes every stale chunk, on both sides.
      const shrinking = sessions.load(jar.header())
      const theirShrink = await send(app.url, { method: 'POST', jar: jar.copy(), body: { blob: 'small' } })
      const ourShrink = sessions.update(shrinking, { blob: 'small' })
      assert.deepEqual(mask(ourShrink, 'h3'), mask(theirShrink.lines, 'h3'))
      jar.apply(ourShrink)
      assert.deepEqual(jar.names(), ['h3'])
      assert.deepEqual((await send(app.url, { jar })).body.data, { blob: 'small' })

      // Clearing a chunked session deletes the cookie and every chunk, on both sides.
      jar.apply(sessions.update(shrinking, { blob: BIG(5000) }))
      assert.deepEqual(jar.names(), ['h3', 'h3.1', 'h3.2'])
      const theirClear = await send(app.url, { method: 'DELETE', jar: jar.copy() })
      const ourClear = sessions.clear(sessions.load(jar.header()))
      assert.deepEqual(ourClear, theirClear.lines)
      assert.deepEqual(jar.apply(ourClear).names(), [])
      pass('h3 2.x', 7)
    })
  })

  test('legacy upgrade: an h3 1.x cookie loads with needsReseal, is resealed on save, and h3 2.x agrees', async () => {
    await withServer(startH3V1, { password: PW }, async (v1) => {
      await withServer(startH3V2, { password: PW }, async (v2) => {
        const sessions = new SessionManager(PW, { format: 'h3-v2' })
        const jar = new Jar()
        const made = await send(v1.url, { method: 'POST', jar, body: { user: 'ada' } })
        const session = await sessions.loadAsync(jar.header())
        assert.deepEqual(shape(session), shape(made.body))
        assert.equal(session.needsReseal, true)
        const saved = await sessions.saveAsync(session)
        assert.equal(saved.length, 1)
        const upgraded = jar.copy().apply(saved)
        assert.equal(sessions.load(upgraded.header()).needsReseal, false)
        const v2Read = await send(v2.url, { jar: upgraded.copy() })
        assert.deepEqual(shape(v2Read.body), shape(made.body))
        assert.deepEqual(v2Read.lines, [], "h3 2.x needs no upgrade of polyseal's cookie")
        // h3 2.x upgrades the legacy cookie itself with the same line.
        const v2Legacy = await send(v2.url, { jar: jar.copy() })
        assert.deepEqual(shape(v2Legacy.body), shape(made.body))
        assert.deepEqual(mask(v2Legacy.lines, 'h3'), mask(saved, 'h3'))
        // One way: h3 1.x cannot read 8192-iteration cookies.
        const v1Read = await send(v1.url, { jar: upgraded.copy() })
        assert.notEqual(v1Read.body.id, made.body.id)
        pass('h3 2.x', 6)
      })
    })
  })
})

describe('iron-session 9', () => {
  const options = { password: { 1: PW }, cookieName: 'app', ttl: 3600 }
  const sessions = () => new SessionManager({ 1: PW }, { format: 'iron-session', name: 'app', maxAge: 3600 })

  test('sessions cross in both directions, with the same lines and the same clear', async () => {
    await withServer(startIronSession, options, async (app) => {
      const manager = sessions()
      const jar = new Jar()
      const made = await send(app.url, { method: 'POST', jar, body: { user: 'ada', roles: ['admin'] } })
      const session = manager.load(jar.header())
      assert.deepEqual([session.id, session.isNew, session.data], ['', false, { user: 'ada', roles: ['admin'] }])
      const ours = manager.update(session, { n: 1 })
      assert.deepEqual(mask(ours, 'app'), mask(made.lines, 'app'))
      jar.apply(ours)
      assert.deepEqual((await send(app.url, { jar })).body.data, { user: 'ada', roles: ['admin'], n: 1 })
      await send(app.url, { method: 'POST', jar, body: { n: 2 } })
      assert.deepEqual(manager.load(jar.header()).data, { user: 'ada', roles: ['admin'], n: 2 })
      const theirs = await send(app.url, { method: 'DELETE', jar: jar.copy() })
      assert.deepEqual(manager.clear(manager.load(jar.header())), theirs.lines)
      pass('iron-session 9', 5)
    })
  })
})
