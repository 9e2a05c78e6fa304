'use strict'
// Sealing and unsealing through JSON text: `Sealer#seal`, `#sealAsync`, `#unseal`, and
// `SessionManager#save`, `#saveAsync`, `#token`, `#tokenAsync` for `session.data`.
//
// Every call into the addon costs far more than a property read in JavaScript, so reading a value
// property by property through Node-API (src/convert.rs) costs more than sealing it, and building
// the result the same way more than opening the token. V8 writes and parses JSON text in a
// fraction of that. So the value is written as JSON text here and handed to core as text, and
// unsealed text goes to `JSON.parse`.
//
// The native reader stays the authority. `jsonText` follows its rules exactly (which values it
// takes, in which order it reads them, how core writes what it read) and gives up, returning
// undefined, on anything it would refuse; the native method then runs as it always has and
// gives the same result, or the exact error and the path to the bad value. It also runs when the
// options are not a plain `{ now }` (the native method reads options first, which may run a
// getter), and when core refuses the text (too large, say), so the error is the one the native
// seal reports. So the getters and proxy traps of a value that seals run once,
// in the same order as before; a refused value is read twice, here and by the native reader.

const { types } = require('node:util')

const { isProxy } = types
const { getPrototypeOf, keys: ownKeys, getOwnPropertyDescriptor } = Object
const ObjectPrototype = Object.prototype
const { isArray } = Array
const { isFinite, isSafeInteger } = Number
const { parse: parseJson, stringify } = JSON

/** Most values the native reader reads from one argument (convert.rs `MAX_NODES`). */
const MAX_VALUES = 1_000_000

const isWellFormed =
  typeof String.prototype.isWellFormed === 'function'
    ? (text) => text.isWellFormed()
    : (text) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text)

// What `JSON.stringify` escapes, and surrogates (to look for lone ones): most strings have none.
const NEEDS_CARE = /["\\\u0000-\u001F\uD800-\uDFFF]/

/** `text` as a JSON string, or undefined when it has a lone surrogate (no UTF-8 form). */
function quote(text) {
  if (!NEEDS_CARE.test(text)) return `"${text}"`
  return isWellFormed(text) ? stringify(text) : undefined
}

// 2^53, 2^63 and 2^64: JavaScript spells whole numbers from 2^53 up with trailing zeros
// (2 ** 60 is "1152921504606847000"); the native reader reads a whole number in the 64-bit range
// as an integer, which core writes with all its digits.
const EXACT_LIMIT = 2 ** 53
const I64_MIN = -(2 ** 63)
const U64_END = 2 ** 64

/** A finite number as core writes what the native reader made of it, else undefined. */
function numberText(number) {
  if (isSafeInteger(number)) return `${number}`
  if (!isFinite(number)) return undefined
  const wide = number >= EXACT_LIMIT ? number < U64_END : number <= -EXACT_LIMIT && number >= I64_MIN
  return wide ? BigInt(number).toString() : `${number}`
}

/**
 * A plain object as the native reader decides it: `Object.prototype` (of any realm) or null as
 * prototype. Node-API reads a proxy's prototype as null without running its trap, so a proxy
 * (or a prototype that is one) counts as plain, and no trap runs here.
 */
function isPlain(object) {
  if (isProxy(object)) return true
  const prototype = getPrototypeOf(object)
  if (prototype === ObjectPrototype || prototype === null) return true
  return isProxy(prototype) || getPrototypeOf(prototype) === null
}

/**
 * JSON text of `value` exactly as the native reader and core's writer would make it, or
 * undefined where the native reader must decide. `budget.left` counts the values still allowed,
 * `budget.maxDepth` is the sealer's nesting limit.
 */
function write(value, depth, budget) {
  if (--budget.left < 0) return undefined
  switch (typeof value) {
    case 'string':
      return quote(value)
    case 'number':
      return numberText(value)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'object':
      if (value === null) return 'null'
      if (depth >= budget.maxDepth) return undefined
      return isArray(value) ? writeArray(value, depth + 1, budget) : writeObject(value, depth + 1, budget)
    default:
      // undefined, functions, symbols and bigints are refused.
      return undefined
  }
}

function writeArray(array, depth, budget) {
  // A real array's length; a proxied array's is read through its trap and converted as
  // Node-API converts it (ToUint32), and is refused unless it is a number.
  let length = array.length
  if (typeof length !== 'number') return undefined
  length >>>= 0
  let out = '['
  for (let index = 0; index < length; index++) {
    const item = write(array[index], depth, budget)
    if (item === undefined) return undefined
    out += index === 0 ? item : `,${item}`
  }
  return `${out}]`
}

// Sessions of one application repeat the same keys on every request: their quoted forms, ready
// to follow `{` or `,`, are kept (short keys only, and no more than a few thousand).
const quotedKeys = new Map()
const CACHED_KEY_CHARS = 64
const CACHED_KEYS = 4096

/** `{ first: '{"name":', next: ',"name":' }`, or undefined for a key with a lone surrogate. */
function quoteKey(name) {
  let key = quotedKeys.get(name)
  if (key !== undefined) return key
  const quoted = quote(name)
  if (quoted === undefined) return undefined
  key = { first: `{${quoted}:`, next: `,${quoted}:` }
  if (name.length <= CACHED_KEY_CHARS) {
    if (quotedKeys.size >= CACHED_KEYS) quotedKeys.clear()
    quotedKeys.set(name, key)
  }
  return key
}

function writeObject(object, depth, budget) {
  if (!isPlain(object)) return undefined
  // Own enumerable string keys in property order, as the native reader lists them.
  const names = ownKeys(object)
  let out = ''
  for (let index = 0; index < names.length; index++) {
    const name = names[index]
    const key = quoteKey(name)
    if (key === undefined) return undefined
    const item = object[name]
    // `JSON.stringify` leaves out properties whose value is undefined, and so does the reader.
    if (item === undefined) continue
    const text = write(item, depth, budget)
    if (text === undefined) return undefined
    out += (out === '' ? key.first : key.next) + text
  }
  return out === '' ? '{}' : `${out}}`
}

/**
 * JSON text of `data` as the native reader of a sealer nesting at most `maxDepth` levels would
 * seal it, or undefined to let the native reader decide.
 */
function jsonText(data, maxDepth) {
  return write(data, 0, { left: MAX_VALUES, maxDepth })
}

/**
 * Call options that the native side reads without running JavaScript and accepts: none, or an
 * ordinary object whose one own key, `now`, is a data property holding a whole number of ms.
 * With any other options the native reader reads them before the data, as it always has.
 */
function plainCallOptions(options) {
  if (options === undefined || options === null) return true
  if (typeof options !== 'object' || isProxy(options) || getPrototypeOf(options) !== ObjectPrototype) {
    return false
  }
  const names = ownKeys(options)
  if (names.length !== 1 || names[0] !== 'now') return false
  const now = getOwnPropertyDescriptor(options, 'now')
  return now !== undefined && 'value' in now && isSafeInteger(now.value) && now.value >= 0
}

/**
 * A per-object cache of the addon's handle for instances of `Class`, taken with `getHandle` on
 * first use; undefined for anything else and for an object whose handle the addon refuses.
 */
function handleCache(Class, getHandle) {
  const handles = new WeakMap()
  return function handleOf(object) {
    let handle = handles.get(object)
    if (handle === undefined && object instanceof Class) {
      try {
        handle = getHandle(object)
      } catch {
        return undefined
      }
      handles.set(object, handle)
    }
    return handle
  }
}

/**
 * Replaces `Sealer#seal`, `#sealAsync` and `#unseal` with their JSON-text forms (`unsealAsync`
 * and the module-level `unseal` build their results with JSON.parse natively); the native methods stay
 * available through `nativeMethods`, which the tests run side by side with the replacements.
 * `addon` is the native addon: its internal `sealJsonWith`, `sealValueJsonAsync` and
 * `unsealPartsWith` take the sealer `sealerHandle` gives once per Sealer, without the cost of
 * unwrapping the instance on every call.
 */
function install(addon) {
  const { Sealer, sealerHandle, sealJsonWith, sealValueJsonAsync, unsealPartsWith } = addon
  const { prototype } = Sealer
  const native = Object.freeze({
    seal: prototype.seal,
    sealAsync: prototype.sealAsync,
    sealJson: prototype.sealJson,
    unseal: prototype.unseal,
    unsealJson: prototype.unsealJson,
  })

  // Each Sealer's handle and nesting limit, taken on its first call; undefined for anything
  // that is not a Sealer, which the native methods then refuse as they always have.
  const handleOf = handleCache(Sealer, sealerHandle)

  /** The JSON text of `data` when `options` allow the fast path, else undefined. */
  function fastText(handle, data, options) {
    if (!plainCallOptions(options)) return undefined
    try {
      return jsonText(data, handle.maxDepth)
    } catch {
      // A getter or proxy trap threw: the native reader reports it, with the path.
      return undefined
    }
  }

  function seal(data, options) {
    const handle = handleOf(this)
    const text = handle === undefined ? undefined : fastText(handle, data, options)
    if (text !== undefined) {
      try {
        return sealJsonWith(handle.sealer, text, options)
      } catch {
        // Refused (too large, say): the native seal reports the error, as it always has.
      }
    }
    return native.seal.call(this, data, options)
  }

  // The text is parsed back into the value on the thread pool and sealed as that value: the
  // same checks in the same order as the native sealAsync, so nothing to retry.
  function sealAsync(data, options) {
    const handle = handleOf(this)
    const text = handle === undefined ? undefined : fastText(handle, data, options)
    if (text !== undefined) return sealValueJsonAsync(handle.sealer, text, options)
    return native.sealAsync.call(this, data, options)
  }

  // `unsealPartsWith` writes the result's numbers here: [issuedAt, expiresAt, needsReseal,
  // keyId length]; they are read before any other JavaScript runs.
  const fields = new Float64Array(4)
  const timeOrNull = (ms) => (ms === ms ? ms : null) // NaN stands for null

  // Builds what the native `unseal` builds: the same fields in the same order, `data` by
  // JSON.parse from the payload's text as sealed.
  function unseal(token, options) {
    const handle = handleOf(this)
    if (handle === undefined) return native.unseal.call(this, token, options)
    const text = unsealPartsWith(handle.sealer, token, options, fields)
    const issuedAt = timeOrNull(fields[0])
    const expiresAt = timeOrNull(fields[1])
    const needsReseal = fields[2] === 1
    const keyLength = fields[3]
    let data
    try {
      data = parseJson(keyLength === 0 ? text : text.slice(keyLength))
    } catch {
      return native.unseal.call(this, token, options)
    }
    const keyId = keyLength === 0 ? '' : text.slice(0, keyLength)
    return { data, keyId, issuedAt, expiresAt, needsReseal }
  }

  replaceMethods(prototype, native, { seal, sealAsync, unseal })
  installed = native
  return native
}

/**
 * Replaces `SessionManager#save`, `#saveAsync`, `#token` and `#tokenAsync` with forms that hand core the JSON
 * text of `session.data` instead of having the native reader read the object (loading builds
 * `session.data` with JSON.parse natively). `update` and `updateAsync` merge the patch into the
 * data natively first, and keep the native reader.
 */
function installSessions(addon) {
  const {
    Session,
    SessionManager,
    sessionManagerHandle,
    sessionSaveJson,
    sessionSaveJsonAsync,
    sessionTokenJson,
    sessionTokenJsonAsync,
  } = addon
  const { prototype } = SessionManager
  const native = Object.freeze({
    save: prototype.save,
    saveAsync: prototype.saveAsync,
    token: prototype.token,
    tokenAsync: prototype.tokenAsync,
  })

  const handleOf = handleCache(SessionManager, sessionManagerHandle)

  /**
   * The JSON text of `session.data` when the native method would read it (a live session,
   * not cleared) and nothing else it reads first runs JavaScript, else undefined.
   */
  function dataText(handle, session, options) {
    if (handle === undefined || !plainCallOptions(options) || !(session instanceof Session)) return undefined
    try {
      if (session.isCleared) return undefined
      return jsonText(session.data, handle.maxDepth)
    } catch {
      return undefined
    }
  }

  /** The method `name` through `withText` when the data has a JSON text, else the native one. */
  function throughText(name, withText) {
    return function (session, options) {
      const handle = handleOf(this)
      const text = dataText(handle, session, options)
      if (text !== undefined) return withText(handle.manager, session, text, options)
      return native[name].call(this, session, options)
    }
  }

  replaceMethods(prototype, native, {
    save: throughText('save', sessionSaveJson),
    saveAsync: throughText('saveAsync', sessionSaveJsonAsync),
    token: throughText('token', sessionTokenJson),
    tokenAsync: throughText('tokenAsync', sessionTokenJsonAsync),
  })
  installedSessions = native
  return native
}

/**
 * Puts each of `replacements` on `prototype` in place of the native method of the same name
 * (kept in `native`), with that method's name and `length`, writable and configurable like it.
 */
function replaceMethods(prototype, native, replacements) {
  for (const [name, value] of Object.entries(replacements)) {
    Object.defineProperty(value, 'name', { value: name })
    Object.defineProperty(value, 'length', { value: native[name].length })
    Object.defineProperty(prototype, name, { value, writable: true, configurable: true })
  }
}

let installed = null
let installedSessions = null

/** The native methods that `install` replaced (null before it ran): for the tests. */
function nativeMethods() {
  return installed
}

/** The native methods that `installSessions` replaced (null before it ran): for the tests. */
function nativeSessionMethods() {
  return installedSessions
}

module.exports = { install, installSessions, isWellFormed, jsonText, nativeMethods, nativeSessionMethods }
