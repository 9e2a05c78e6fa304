// The cookie functions: how options are read (the rules themselves are core's and covered by
// cookies.json), and a whole request / response cycle with a sealed, chunked session.

import assert from 'node:assert/strict'
import test from 'node:test'

import {
  Keyring,
  Sealer,
  chunkDeletionCookies,
  chunkSetCookies,
  chunkState,
  cookieDefaults,
  cookieHeaderBudget,
  deleteCookie,
  imfFixdate,
  maxAgeUntil,
  parseCookieHeader,
  reassemble,
  setCookie,
} from 'polyseal'

import { NOW, PW1, throwsCode } from './support.mjs'

const NOW_DATE = 'Mon, 24 Nov 2025 16:00:00 GMT'

test('setCookie writes every attribute, in each style’s order', () => {
  const options = {
    maxAge: 3600,
    expires: NOW,
    domain: 'example.com',
    path: '/app',
    secure: true,
    httpOnly: true,
    sameSite: 'strict',
    partitioned: true,
    priority: 'HIGH',
  }
  const attrs = 'Domain=example.com; Path=/app'
  assert.equal(
    setCookie('s', 'v', options),
    `s=v; Max-Age=3600; Expires=${NOW_DATE}; ${attrs}; HttpOnly; Secure; SameSite=Strict; Partitioned; Priority=High`,
  )
  assert.equal(
    setCookie('s', 'v', { ...options, style: 'h3-v1' }),
    `s=v; Max-Age=3600; ${attrs}; Expires=${NOW_DATE}; HttpOnly; Secure; Priority=High; SameSite=Strict; Partitioned`,
  )
  assert.equal(setCookie('s', 'v'), 's=v')
  assert.equal(setCookie('s', 'v', undefined), 's=v')
  assert.equal(setCookie('s', 'v', null), 's=v')
  assert.equal(setCookie('s', 'a b', { style: 'h3-v2' }), 's=a%20b; Path=/')
})

test('expires is a Date or ms; sameSite and priority take any letter case', () => {
  const byDate = setCookie('s', 'v', { expires: new Date(NOW) })
  assert.equal(byDate, setCookie('s', 'v', { expires: NOW }))
  assert.equal(byDate, `s=v; Expires=${NOW_DATE}`)
  for (const sameSite of ['lax', 'Lax', 'LAX', 'lAx']) {
    assert.equal(setCookie('s', 'v', { sameSite }), 's=v; SameSite=Lax')
  }
  assert.equal(setCookie('s', 'v', { priority: 'low' }), 's=v; Priority=Low')
  assert.equal(imfFixdate(new Date(0)), 'Thu, 01 Jan 1970 00:00:00 GMT')
  assert.equal(imfFixdate(NOW + 999), NOW_DATE)
  assert.equal(maxAgeUntil(NOW + 90_999, NOW), 90)
  assert.equal(maxAgeUntil(new Date(NOW), new Date(NOW + 5000)), 0)
})

test('bad options are PolysealErrors: names by core, types by the binding', () => {
  throwsCode(() => setCookie('s', 'v', { sameSite: 'sometimes' }), 'INVALID_OPTION')
  throwsCode(() => setCookie('s', 'v', { priority: 'urgent' }), 'INVALID_OPTION')
  throwsCode(() => setCookie('s', 'v', { style: 'H3-V2' }), 'INVALID_OPTION')
  throwsCode(() => setCookie('s', 'v', { maxAge: -1 }), 'INVALID_OPTION')
  const fraction = throwsCode(() => setCookie('s', 'v', { maxAge: 1.5 }), 'INVALID_OPTION')
  assert.match(fraction.message, /maxAge must be a whole number of seconds, got 1\.5/)
  throwsCode(() => setCookie('s', 'v', { expires: new Date(Number.NaN) }), 'INVALID_OPTION')
  throwsCode(() => setCookie('s', 'v', { expires: -1000 }), 'INVALID_OPTION')
  throwsCode(() => setCookie('s', 'v', { expires: '2025-11-24' }), 'INVALID_ARGUMENT')
  throwsCode(() => setCookie('s', 'v', { secure: 'yes' }), 'INVALID_ARGUMENT')
  const typo = throwsCode(() => setCookie('s', 'v', { httponly: true }), 'INVALID_OPTION')
  assert.match(typo.message, /unknown option "httponly"/)
  throwsCode(() => setCookie('s', 'v', { scheme: 'h3' }), 'INVALID_OPTION')
  throwsCode(() => setCookie('s', 'v', 'Path=/'), 'INVALID_ARGUMENT')
  throwsCode(() => setCookie('s', 42), 'INVALID_ARGUMENT')
  throwsCode(() => setCookie('a b', 'v'), 'INVALID_COOKIE')
  throwsCode(() => deleteCookie('__Host-s', { path: '/' }), 'INVALID_COOKIE')
  throwsCode(() => parseCookieHeader(undefined), 'INVALID_ARGUMENT')
  throwsCode(() => parseCookieHeader('a=1; '.repeat(20_000)), 'TOO_LARGE')
  throwsCode(() => reassemble({ s: 'v' }, 's', 'none'), 'INVALID_ARGUMENT')
  throwsCode(() => reassemble([['s']], 's', 'none'), 'INVALID_ARGUMENT')
  throwsCode(() => reassemble([['s', 1]], 's', 'none'), 'INVALID_ARGUMENT')
  throwsCode(() => reassemble([], 's', 'rails'), 'INVALID_OPTION')
  throwsCode(() => chunkSetCookies('s', 'v'), 'INVALID_ARGUMENT')
  throwsCode(() => chunkSetCookies('s', 'v', {}), 'INVALID_ARGUMENT')
  const negative = { scheme: 'h3', previous: { whole: false, chunks: -1 } }
  throwsCode(() => chunkSetCookies('s', 'v', negative), 'INVALID_OPTION')
  throwsCode(() => chunkDeletionCookies('s', { scheme: 'h3', split: true }), 'INVALID_OPTION')
  throwsCode(() => cookieHeaderBudget([['a', '12']], 3), 'TOO_LARGE')
  throwsCode(() => cookieHeaderBudget([], '10'), 'INVALID_ARGUMENT')
  throwsCode(() => cookieDefaults('express'), 'INVALID_OPTION')
  const boom = new Error('boom')
  const thrown = throwsCode(
    () =>
      setCookie('s', 'v', {
        get path() {
          throw boom
        },
      }),
    'INVALID_ARGUMENT',
  )
  assert.equal(thrown.cause, boom)
})

test('deleteCookie and the defaults of each style', () => {
  assert.equal(
    deleteCookie('s', { path: '/', secure: true }),
    's=; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/; Secure',
  )
  const secure = { secure: true, httpOnly: true, partitioned: false, path: '/', sameSite: 'Lax' }
  assert.deepEqual(cookieDefaults(), secure)
  assert.deepEqual(cookieDefaults('polyseal'), secure)
  assert.deepEqual(cookieDefaults('h3-v2'), secure)
  assert.deepEqual(cookieDefaults('iron-session'), secure)
  const { sameSite, ...h3v1 } = secure
  assert.equal(sameSite, 'Lax')
  assert.deepEqual(cookieDefaults('h3-v1'), h3v1)
  assert.equal(
    setCookie('s', 'v', { ...cookieDefaults('h3-v1'), style: 'h3-v1' }),
    's=v; Path=/; HttpOnly; Secure',
  )
})

test('parseCookieHeader gives [name, value] pairs, first duplicate winning', () => {
  assert.deepEqual(parseCookieHeader('a=1; b="two"; a=3; c=%F0%9F%A6%80; bad; =x'), [
    ['a', '1'],
    ['b', 'two'],
    ['c', '🦀'],
  ])
  assert.deepEqual(parseCookieHeader(''), [])
})

/** The `Cookie` header a browser sends back after storing `lines`. */
function browserCookieHeader(lines) {
  return lines
    .map((line) => line.split(';')[0])
    .filter((pair) => !pair.endsWith('='))
    .join('; ')
}

test('a large session: seal, chunk, send back, reassemble, unseal, clear', () => {
  const sealer = new Sealer(new Keyring(PW1), { format: 'h3-v1', maxTokenChars: 1 << 20 })
  const data = { blob: 'x'.repeat(9000), n: Array.from({ length: 300 }, (_, i) => i) }
  const token = sealer.seal(data, { now: NOW })
  const options = { ...cookieDefaults('h3-v2'), style: 'h3-v2', scheme: 'h3' }

  const lines = chunkSetCookies('h3', token, options)
  assert.ok(Array.isArray(lines) && lines.length > 2, `${lines.length} lines`)
  assert.ok(lines.every((line) => typeof line === 'string' && Buffer.byteLength(line) <= 4096))
  assert.match(lines[0], /^h3=__chunked__\d+;/)
  throwsCode(() => chunkSetCookies('h3', token, { ...options, split: false }), 'TOO_LARGE')

  const request = parseCookieHeader(browserCookieHeader(lines))
  const state = chunkState(request, 'h3', 'h3')
  assert.deepEqual(state, { whole: false, chunks: lines.length - 1 })
  // Over 8 KiB of cookies: proxies with the common 8190-byte limit would refuse the request.
  throwsCode(() => cookieHeaderBudget(request), 'TOO_LARGE')
  assert.ok(cookieHeaderBudget(request, 16_384) > token.length)
  const stored = reassemble(request, 'h3', 'h3')
  assert.equal(stored, token)
  assert.deepEqual(sealer.unseal(stored, { now: NOW }).data, data)

  // A small value replaces the chunks: the stale ones are deleted first, as h3 does.
  const smaller = chunkSetCookies('h3', 'small', { ...options, previous: state })
  assert.equal(smaller.length, state.chunks + 1)
  assert.match(smaller.at(-1), /^h3=small;/)
  const cleared = chunkDeletionCookies('h3', { ...options, previous: state })
  assert.equal(cleared.length, state.chunks + 1)
  assert.ok(cleared.every((line) => /=; Max-Age=0;/.test(line)))
  assert.equal(reassemble([], 'h3', 'h3'), null)
})
