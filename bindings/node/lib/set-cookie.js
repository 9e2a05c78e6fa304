'use strict'
// `setCookie` with its options read in JavaScript.
//
// The native `setCookie` reads its options through Node-API: the object's own keys (to refuse
// unknown ones), then every option by name. With iron-session's six attributes that took 2.0 of
// a 2.5 µs call (0.46 µs without options). Here an ordinary options object is read in JavaScript
// and its values are handed to the native side as arguments (`setCookieWith`), which checks them
// with the same code, in the same order, with the same errors.
//
// Only what reads the same both ways takes this path: an ordinary object (not a proxy) whose
// own properties are all known options held as data (no getters), none of them inherited from
// `Object.prototype`, each of a type the native reader takes, and a well-formed name, value and
// strings. Reading such an object runs no JavaScript, so anything else can still go to the
// native `setCookie` unobserved, and does: it reads and refuses it as it always has.

const { types } = require('node:util')

const { isWellFormed } = require('./json-text.js')

const { isProxy, isDate } = types
const { getPrototypeOf, getOwnPropertyNames, getOwnPropertyDescriptor } = Object
const ObjectPrototype = Object.prototype
const hasOwn = Object.hasOwn

// Every option `setCookie` takes (src/cookie.rs `CookieOptions`).
const OPTIONS = [
  'maxAge',
  'expires',
  'domain',
  'path',
  'secure',
  'httpOnly',
  'sameSite',
  'partitioned',
  'priority',
  'style',
]
const KNOWN = new Set(OPTIONS)
const STRING_OPTIONS = ['domain', 'path', 'sameSite', 'priority', 'style']
const FLAGS = [
  ['secure', 1],
  ['httpOnly', 2],
  ['partitioned', 4],
]

// `null` is left to the native reader, which takes it for some options and refuses it for others.
const unset = (value) => value === undefined

/** Whether every own property is a known option held as data, and none is inherited. */
function ordinary(options) {
  if (isProxy(options) || getPrototypeOf(options) !== ObjectPrototype) return false
  const names = getOwnPropertyNames(options)
  for (let index = 0; index < names.length; index++) {
    const name = names[index]
    if (!KNOWN.has(name) || !('value' in getOwnPropertyDescriptor(options, name))) return false
  }
  for (let index = 0; index < OPTIONS.length; index++) {
    const name = OPTIONS[index]
    if (!hasOwn(options, name) && name in ObjectPrototype) return false
  }
  return true
}

/** Whether each option has a type the native reader takes (else it reports the error). */
function typed(options) {
  const { maxAge, expires } = options
  if (!unset(maxAge) && typeof maxAge !== 'number') return false
  if (!unset(expires) && typeof expires !== 'number' && !isDate(expires)) return false
  for (let index = 0; index < STRING_OPTIONS.length; index++) {
    const text = options[STRING_OPTIONS[index]]
    if (!unset(text) && (typeof text !== 'string' || !isWellFormed(text))) return false
  }
  for (let index = 0; index < FLAGS.length; index++) {
    const flag = options[FLAGS[index][0]]
    if (!unset(flag) && typeof flag !== 'boolean') return false
  }
  return true
}

function flagsOf(options) {
  let flags = 0
  for (let index = 0; index < FLAGS.length; index++) {
    if (options[FLAGS[index][0]] === true) flags |= FLAGS[index][1]
  }
  return flags
}

/**
 * `setCookie` of the addon `native`, reading ordinary options in JavaScript (see above) and
 * anything else natively.
 */
function create(native) {
  const { setCookie: nativeSetCookie, setCookieWith } = native
  return function setCookie(name, value, options) {
    if (
      typeof options !== 'object' ||
      options === null ||
      typeof name !== 'string' ||
      typeof value !== 'string' ||
      !isWellFormed(name) ||
      !isWellFormed(value) ||
      !ordinary(options) ||
      !typed(options)
    ) {
      return nativeSetCookie(name, value, options)
    }
    return setCookieWith(
      name,
      value,
      options.maxAge,
      options.expires,
      options.domain,
      options.path,
      flagsOf(options),
      options.sameSite,
      options.priority,
      options.style,
    )
  }
}

module.exports = { create }
