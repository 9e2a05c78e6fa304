// The sessions.json flow runner (docs/VECTORS.md, "sessions.json"), following the reference
// runner core/tests/support/session_flows.rs step for step: the same config keys, the same
// cookie jar ($jar, omit), $token, the masked lines, tokenLength and the id patterns.

import assert from 'node:assert/strict'

import { PolysealError, SessionManager } from 'polyseal'

import { keyringFrom } from './support.mjs'

const TOKEN = '<token>'
const CHUNK = '<chunk>'
const JAR = '$jar'
const LAST_TOKEN = '$token'

/** Flow config keys → SessionManager option names (cookie options as in cookies.json). */
const CONFIG_KEYS = {
  format: 'format',
  cookieName: 'name',
  maxAge: 'maxAge',
  idleTimeout: 'idleTimeout',
  cookie: 'cookie',
  style: 'style',
  chunking: 'chunking',
  split: 'split',
  sessionHeader: 'sessionHeader',
  saveNewSessions: 'saveNewSessions',
  cookieHeaderLimit: 'cookieHeaderLimit',
  iterations: 'iterations',
  skew: 'skew',
}

const COOKIE_KEYS = {
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

/** The SessionManager options of a flow's config; an unknown key fails the flow. */
export function managerOptions(config) {
  assert.equal(typeof config.format, 'string', 'a session config needs a "format"')
  const options = {}
  for (const [key, value] of Object.entries(config)) {
    assert.ok(key in CONFIG_KEYS, `unknown session option ${key}`)
    options[CONFIG_KEYS[key]] = key === 'cookie' ? cookieOptions(value) : value
  }
  return options
}

function cookieOptions(fields) {
  const options = {}
  for (const [key, value] of Object.entries(fields)) {
    assert.ok(key in COOKIE_KEYS, `unknown cookie option ${key}`)
    options[COOKIE_KEYS[key]] = value
  }
  return options
}

function splitLine(line) {
  const semicolon = line.indexOf(';')
  const pair = semicolon < 0 ? line : line.slice(0, semicolon)
  const attributes = semicolon < 0 ? '' : line.slice(semicolon + 1)
  const equals = pair.indexOf('=')
  const name = equals < 0 ? pair : pair.slice(0, equals)
  const value = equals < 0 ? '' : pair.slice(equals + 1)
  return { name, value, attributes, hasAttributes: semicolon >= 0 }
}

function isChunk(cookie, name) {
  return cookie.startsWith(`${name}.`) && /^[0-9]+$/.test(cookie.slice(name.length + 1))
}

/** Lines with each token value replaced by <token> and each chunk value by <chunk>. */
export function mask(lines, cookieName) {
  return lines.map((line) => {
    const { name, value, attributes, hasAttributes } = splitLine(line)
    let masked = TOKEN
    if (value === '' || value.startsWith('__chunked__')) masked = value
    else if (isChunk(name, cookieName)) masked = CHUNK
    return `${name}=${masked}${hasAttributes ? ';' : ''}${attributes}`
  })
}

/** Characters of token the lines carry (chunks added up), or null. */
export function tokenLength(lines) {
  const length = lines
    .map((line) => splitLine(line).value)
    .filter((value) => !value.startsWith('__chunked__'))
    .reduce((sum, value) => sum + value.length, 0)
  return length > 0 ? length : null
}

/** A browser's cookies: Max-Age=0 removes a cookie, any other line stores its value. */
export class Jar {
  constructor() {
    this.cookies = []
  }

  apply(lines) {
    for (const line of lines ?? []) {
      const { name, value, attributes } = splitLine(line)
      const deletes = attributes.split(';').some((a) => a.trim().toLowerCase() === 'max-age=0')
      const found = this.cookies.findIndex(([cookie]) => cookie === name)
      if (deletes) {
        if (found >= 0) this.cookies.splice(found, 1)
      } else if (found >= 0) {
        this.cookies[found][1] = value
      } else {
        this.cookies.push([name, value])
      }
    }
    return this
  }

  /** The cookie names, in the order they were first set. */
  names() {
    return this.cookies.map(([name]) => name)
  }

  copy() {
    const jar = new Jar()
    jar.cookies = this.cookies.map(([name, value]) => [name, value])
    return jar
  }

  header(omit = []) {
    return this.cookies
      .filter(([name]) => !omit.includes(name))
      .map(([name, value]) => `${name}=${value}`)
      .join('; ')
  }
}

/** The session's fields as every runner reports them. */
export function snapshot(session) {
  return {
    id: session.id,
    isNew: session.isNew,
    rejection: session.rejection === null ? null : session.rejection.code,
    createdAt: session.createdAt,
    lastSeenAt: session.lastSeenAt,
    data: structuredClone(session.data),
    needsReseal: session.needsReseal,
    isCleared: session.isCleared,
  }
}

function isUuidV4(id) {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id)
}

function idMatches(wanted, actual, earlier) {
  assert.equal(typeof wanted, 'string', 'ids are text')
  if (wanted.startsWith('@')) {
    const step = Number(wanted.slice(1))
    assert.ok(Number.isInteger(step) && step >= 1 && step <= earlier.length, `bad id reference ${wanted}`)
    return earlier[step - 1].id === actual
  }
  switch (wanted) {
    case 'uuid-v4':
      return isUuidV4(actual)
    case 'base64url-128':
      return /^[A-Za-z0-9_-]{22}$/.test(actual) && Buffer.from(actual, 'base64url').length === 16
    case 'empty':
      return actual === ''
    default:
      return wanted === actual
  }
}

/**
 * Runs one flow and checks every step's expectations. `mode` is 'sync' (load/update/save) or
 * 'async' (loadAsync/updateAsync/saveAsync). Returns the number of steps executed.
 */
export async function runFlow(document, flow, mode = 'sync') {
  const options = managerOptions(flow.config)
  const managers = new Map()
  const manager = (step) => {
    const name = step.keyring ?? flow.keyring
    if (!managers.has(name)) {
      const spec = document.keyrings[name]
      assert.ok(spec, `no keyring ${name}`)
      managers.set(name, new SessionManager(keyringFrom(spec), options))
    }
    return managers.get(name)
  }
  const async = mode === 'async'
  const jar = new Jar()
  let session = null
  let token = null
  const observed = []
  for (const [index, step] of flow.steps.entries()) {
    const number = index + 1
    const seen = {}
    const { now } = step
    if (step.op !== 'mutate') assert.ok(Number.isSafeInteger(now) && now >= 0, `step ${number}: now`)
    if (step.op === 'load') {
      const cookie = step.cookie == null ? null : step.cookie.replaceAll(JAR, jar.header(step.omit ?? []))
      let header = step.sessionHeader ?? null
      if (header === LAST_TOKEN) {
        assert.ok(token !== null, '$token before any token step')
        header = token
      }
      const loadOptions = { sessionHeader: header, now }
      session = async ? await manager(step).loadAsync(cookie, loadOptions) : manager(step).load(cookie, loadOptions)
    } else {
      assert.ok(session, 'the first step must be a load')
      const m = manager(step)
      const calls = {
        update: () => (async ? m.updateAsync : m.update).call(m, session, structuredClone(step.patch), { now }),
        save: () => (async ? m.saveAsync : m.save).call(m, session, { now }),
        clear: () => m.clear(session, { now }),
        token: () => m.token(session, { now }),
        mutate: () => {
          session.data = structuredClone(step.data)
        },
      }
      assert.ok(step.op in calls, `unknown step op ${step.op}`)
      let result
      let error = null
      try {
        result = await calls[step.op]()
      } catch (caught) {
        assert.ok(caught instanceof PolysealError, `step ${number}: ${caught}`)
        error = caught.code
      }
      seen.error = error
      if (['update', 'save', 'clear'].includes(step.op)) {
        const lines = error === null ? result : null
        seen.setCookies = lines && mask(lines, options.name ?? m.name)
        seen.tokenLength = lines && tokenLength(lines)
        if (lines) jar.apply(lines)
      }
      if (step.op === 'token') {
        seen.token = error === null ? TOKEN : null
        seen.tokenLength = error === null ? result.length : null
        if (error === null) token = result
      }
    }
    Object.assign(seen, snapshot(session))
    const expect = step.expect
    assert.equal(typeof expect, 'object', `step ${number}: no "expect" object`)
    for (const [key, wanted] of Object.entries(expect)) {
      assert.ok(key in seen, `step ${number}: unknown expectation ${key}`)
      const where = `step ${number} (${step.op}): ${key}`
      if (key === 'id') assert.ok(idMatches(wanted, seen.id, observed), `${where} is ${seen.id}, expected ${wanted}`)
      else assert.deepEqual(seen[key], wanted, where)
    }
    observed.push(seen)
  }
  return flow.steps.length
}
