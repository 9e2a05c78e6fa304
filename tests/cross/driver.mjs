// The Node driver of the cross-language matrix (tests/cross/README.md): reads cases.json and
// writes what the `polyseal` package (bindings/node, after `make -C bindings/node build`) answers.
//
//   node driver.mjs seal CASES OUT_DIR   -> OUT_DIR/node-sealed.json
//   node driver.mjs open CASES OUT_DIR   -> OUT_DIR/node-opened.json

import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const polyseal = require('../../bindings/node/lib/index.js')
const { Keyring, PolysealError, Sealer, cookieDefaults, deleteCookie, maxAgeUntil, setCookie } =
  polyseal

const LANG = 'node'

/** Sealer options in cases.json → the Node names (the same, but for the payload limit). */
const SEALER_OPTIONS = {
  cookieName: 'cookieName',
  context: 'context',
  ttl: 'ttl',
  skew: 'skew',
  iterations: 'iterations',
  saltBits: 'saltBits',
  localtimeOffset: 'localtimeOffset',
  maxTokenChars: 'maxTokenChars',
  maxJsonBytes: 'maxPayloadBytes',
  maxDepth: 'maxDepth',
  saltReuse: 'saltReuse',
}

const COOKIE_OPTIONS = {
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

/** JavaScript values JSON cannot spell, written {"$js": name} in cases.json. */
const JS_VALUES = { NaN, Infinity, '-Infinity': -Infinity, loneSurrogate: '\ud800' }

/** Text that is not UTF-8: a JavaScript string cannot hold such bytes, only a lone surrogate. */
const NOT_TEXT = '\ud800'

function codeOf(call) {
  try {
    call()
    return null
  } catch (error) {
    if (error instanceof PolysealError) return error.code
    throw error
  }
}

// ---- keyrings, sealers, cookies --------------------------------------------------------------

const secretOf = (side) => ('password' in side ? side.password : Buffer.from(side.keyHex, 'hex'))

function keyringOf(cases, spec, current) {
  if (typeof spec === 'string') spec = cases.keyrings[spec]
  if ('password' in spec || 'keyHex' in spec) return new Keyring(secretOf(spec))
  const entries = spec.entries.map((entry) =>
    'encryption' in entry
      ? { id: entry.id, encryption: secretOf(entry.encryption), integrity: secretOf(entry.integrity) }
      : { id: entry.id, secret: secretOf(entry) },
  )
  current = current ?? spec.current
  return new Keyring(entries, current === undefined ? undefined : { current })
}

function sealerOf(keyring, format, options = {}) {
  const converted = { format }
  for (const [name, value] of Object.entries(options)) {
    if (!(name in SEALER_OPTIONS)) throw new Error(`unknown sealer option ${name}`)
    converted[SEALER_OPTIONS[name]] = value
  }
  return new Sealer(keyring, converted)
}

function tokenOptions(format, ttl) {
  return ttl.ttl === null ? { ...format.options } : { ...format.options, ttl: ttl.ttl }
}

function sessionData(session, formatName) {
  const data = structuredClone(session.data)
  const { fill } = session
  if (fill) data[fill.key] = fill.char.repeat(fill.count[formatName])
  return data
}

function jsValues(value) {
  if (Array.isArray(value)) return value.map(jsValues)
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value)
    if (keys.length === 1 && keys[0] === '$js') return JS_VALUES[value.$js]
    return Object.fromEntries(keys.map((key) => [key, jsValues(value[key])]))
  }
  return value
}

function cookieOptions(testCase) {
  const { style } = testCase
  const options =
    testCase.options === 'defaults' ? { ...cookieDefaults(style) } : convertCookie(testCase.options)
  if (testCase.expiry) {
    options.expires = testCase.expiry.expiresAt
    options.maxAge = maxAgeUntil(testCase.expiry.expiresAt, testCase.expiry.now)
  }
  return { ...options, style }
}

function convertCookie(spec) {
  const options = {}
  for (const [name, value] of Object.entries(spec)) {
    if (!(name in COOKIE_OPTIONS)) throw new Error(`unknown cookie option ${name}`)
    options[COOKIE_OPTIONS[name]] = value
  }
  return options
}

function cookieLine(testCase) {
  const options = cookieOptions(testCase)
  if (testCase.op === 'delete') return deleteCookie(testCase.name, options)
  const value = testCase.fill ? testCase.fill.char.repeat(testCase.fill.count) : testCase.value
  return setCookie(testCase.name, value, options)
}

// ---- phase 1 ---------------------------------------------------------------------------------

function sealPhase(cases) {
  const now = cases.now
  const tokens = []
  for (const [formatName, format] of Object.entries(cases.formats)) {
    for (const [sessionName, session] of Object.entries(cases.sessions)) {
      for (const variant of format.keyrings) {
        for (const ttl of format.ttls) {
          const record = {
            id: `${formatName}/${sessionName}/${variant.label}/${ttl.label}`,
            format: formatName,
            session: sessionName,
            keyring: variant.label,
            ttl: ttl.label,
          }
          try {
            const keyring = keyringOf(cases, variant.keyring, variant.sealCurrent)
            const sealer = sealerOf(keyring, formatName, tokenOptions(format, ttl))
            record.token = sealer.seal(sessionData(session, formatName), { now })
            const { name, style } = format.cookie
            record.setCookie = setCookie(name, record.token, { ...cookieDefaults(style), style })
          } catch (error) {
            if (!(error instanceof PolysealError)) throw error
            delete record.token
            record.error = error.code
          }
          tokens.push(record)
        }
      }
    }
  }
  const cookies = cases.cookies.map((testCase) => {
    try {
      return { id: testCase.id, line: cookieLine(testCase) }
    } catch (error) {
      if (!(error instanceof PolysealError)) throw error
      return { id: testCase.id, error: error.code }
    }
  })
  const errors = cases.errors.filter(speaks).map((entry) => runEntry(cases, entry))
  return { lang: LANG, version: polyseal.version, tokens, cookies, errors }
}

const speaks = (entry) => (entry.langs ?? [LANG]).includes(LANG)

const at = (cases, spec) => spec.at ?? cases.now

/** The entry with text that has no UTF-8 form spliced into the string `invalidText.in`. */
function withInvalidText(entry) {
  if (!entry.invalidText) return entry
  const copy = structuredClone(entry)
  const path = [...entry.invalidText.in]
  const last = path.pop()
  const node = path.reduce((parent, key) => parent[key], copy)
  const { at } = entry.invalidText
  node[last] = node[last].slice(0, at) + NOT_TEXT + node[last].slice(at)
  return copy
}

function runEntry(cases, entry) {
  const record = { id: entry.id }
  entry = withInvalidText(entry)
  switch (entry.op) {
    case 'unseal': {
      let token
      try {
        token = entryToken(cases, entry)
      } catch (error) {
        if (!(error instanceof PolysealError)) throw error
        return { ...record, sealError: error.code, code: null }
      }
      if (entry.seal) record.token = token
      record.code = codeOf(() => openEntry(cases, entry, token))
      break
    }
    case 'seal':
      record.code = codeOf(() => sealEntry(cases, entry))
      break
    case 'keyring':
      record.code = codeOf(() => keyringOf(cases, entry.keyring, entry.current))
      break
    case 'sealer':
      record.code = codeOf(() =>
        sealerOf(keyringOf(cases, entry.keyring), entry.format, entry.options),
      )
      break
    case 'cookie':
      record.code = codeOf(() => cookieLine(entry.cookie))
      break
    case 'parse':
      record.code = codeOf(() => polyseal.parseCookieHeader(entry.header))
      break
    default:
      throw new Error(`unknown op ${entry.op}`)
  }
  return record
}

function entryToken(cases, entry) {
  let token
  if (entry.seal) {
    const { seal } = entry
    const formatName = seal.format ?? entry.format
    const keyring = keyringOf(cases, seal.keyring, seal.sealCurrent)
    const data = sessionData(cases.sessions[seal.session], formatName)
    token = sealerOf(keyring, formatName, seal.options).seal(data, { now: at(cases, seal) })
  } else {
    token = entry.token
  }
  if (entry.mutate) token = mutate(token, entry.mutate)
  return token
}

function openEntry(cases, entry, token) {
  const sealer = sealerOf(keyringOf(cases, entry.keyring), entry.format, entry.options)
  sealer.unseal(token, { now: at(cases, entry) })
}

function sealEntry(cases, entry) {
  const sealer = sealerOf(keyringOf(cases, entry.keyring), entry.format, entry.options)
  const now = at(cases, entry)
  if ('payload' in entry) sealer.sealJson(entry.payload, { now })
  else sealer.seal(jsValues(entry.data), { now })
}

/** Edits characters (tokens are ASCII), within one `*`-separated field if `field` is given. */
function mutate(token, mutation) {
  const fields = 'field' in mutation ? token.split('*') : [token]
  const index = mutation.field ?? 0
  let target = fields[index]
  const position = (i) => (i < 0 ? target.length + i : i)
  switch (mutation.op) {
    case 'flip':
    case 'set': {
      const i = position(mutation.at)
      const next = mutation.op === 'set' ? mutation.char : target[i] === 'A' ? 'B' : 'A'
      target = target.slice(0, i) + next + target.slice(i + 1)
      break
    }
    case 'truncate':
      target = target.slice(0, position(mutation.keep))
      break
    case 'append':
      target += mutation.text
      break
    case 'replace':
      target = mutation.with
      break
    default:
      throw new Error(`unknown mutation ${mutation.op}`)
  }
  fields[index] = target
  return fields.join('*')
}

// ---- phase 2 ---------------------------------------------------------------------------------

function openPhase(cases, outDir) {
  const openAt = cases.now + cases.openDelay
  const entries = new Map(cases.errors.map((entry) => [entry.id, entry]))
  const opened = []
  const errors = []
  for (const producer of cases.languages) {
    const sealed = JSON.parse(readFileSync(join(outDir, `${producer}-sealed.json`), 'utf8'))
    for (const record of sealed.tokens) {
      if (!('token' in record)) continue
      const result = { producer, id: record.id }
      const format = cases.formats[record.format]
      const variant = format.keyrings.find((v) => v.label === record.keyring)
      const ttl = format.ttls.find((t) => t.label === record.ttl)
      try {
        const keyring = keyringOf(cases, variant.keyring)
        const sealer = sealerOf(keyring, record.format, tokenOptions(format, ttl))
        const opened = sealer.unseal(record.token, { now: openAt })
        const { data, keyId, issuedAt, expiresAt, needsReseal } = opened
        Object.assign(result, { data, keyId, issuedAt, expiresAt, needsReseal })
      } catch (error) {
        if (!(error instanceof PolysealError)) throw error
        result.error = error.code
      }
      opened.push(result)
    }
    for (const record of sealed.errors) {
      if (!('token' in record)) continue
      const code = codeOf(() => openEntry(cases, entries.get(record.id), record.token))
      errors.push({ producer, id: record.id, code })
    }
  }
  return { lang: LANG, opened, errors }
}

function main([phase, casesPath, outDir]) {
  if (!['seal', 'open'].includes(phase) || !casesPath || !outDir) {
    console.error('usage: node driver.mjs seal|open CASES OUT_DIR')
    process.exit(2)
  }
  const cases = JSON.parse(readFileSync(casesPath, 'utf8'))
  const document = phase === 'seal' ? sealPhase(cases) : openPhase(cases, outDir)
  const name = phase === 'seal' ? 'sealed' : 'opened'
  writeFileSync(join(outDir, `${LANG}-${name}.json`), `${JSON.stringify(document, null, 1)}\n`)
}

main(process.argv.slice(2))
