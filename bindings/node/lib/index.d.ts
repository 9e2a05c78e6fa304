// Types of the public entry point (`lib/index.js`). The generated `../index.d.ts` describes
// everything the native addon exports; this file re-exports the public part and adds the types
// of what `lib/index.js` defines.

import type { Format, IronOptions } from '../index'

export {
  Keyring,
  Sealer,
  SessionManager,
  Session,
  seal,
  unseal,
  sealAsync,
  unsealAsync,
  sealIron,
  unsealIron,
  setCookie,
  deleteCookie,
  parseCookieHeader,
  chunkSetCookies,
  chunkDeletionCookies,
  chunkState,
  reassemble,
  cookieHeaderBudget,
  imfFixdate,
  maxAgeUntil,
  cookieDefaults,
  version,
} from '../index'

export type {
  CallOptions,
  ChunkDeletionOptions,
  ChunkOptions,
  ChunkScheme,
  ChunkState,
  CookieAttributes,
  CookieOptions,
  CookieStyle,
  DerivedKeyCacheStats,
  Format,
  IronOptions,
  IronSideOptions,
  KeyringEntry,
  KeyringInfo,
  KeyringOptions,
  LoadOptions,
  Priority,
  SameSite,
  SealerInfo,
  SealerOptions,
  Secret,
  SessionInfo,
  SessionManagerInfo,
  SessionOptions,
  Unsealed,
} from '../index'

/** The stable error names (`docs/ERRORS.md`). */
export type ErrorCodeName =
  | 'MALFORMED'
  | 'UNSUPPORTED_VERSION'
  | 'UNKNOWN_KEY'
  | 'BAD_SEAL'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'TOO_LARGE'
  | 'INVALID_JSON'
  | 'INVALID_PASSWORD'
  | 'INVALID_OPTION'
  | 'INVALID_COOKIE'
  | 'SESSION_CLEARED'
  | 'INVALID_ARGUMENT'
  | 'INTERNAL'

/** Every error polyseal throws or rejects with. */
export declare class PolysealError extends Error {
  constructor(code: ErrorCodeName, message: string, options?: { cause?: unknown })
  /** The stable name, e.g. `'EXPIRED'`. */
  code: ErrorCodeName
  /** The stable number of `code` (the C status code). */
  number: number
}

/** The error table: name → number. */
export declare const ERROR_CODES: Readonly<Record<ErrorCodeName, number>>

/** Every format name. */
export declare const FORMATS: ReadonlyArray<Format>

/** iron's default options (`Iron.defaults` of iron-webcrypto). */
export declare const ironDefaults: Readonly<IronOptions>
