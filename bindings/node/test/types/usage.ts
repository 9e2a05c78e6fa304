// Compiled with `tsc --strict --noEmit` (make typecheck): the public types must accept the
// documented usage and reject misuse (each `@ts-expect-error` line must be an error).

import {
  ERROR_CODES,
  FORMATS,
  Keyring,
  PolysealError,
  Sealer,
  Session,
  SessionManager,
  chunkDeletionCookies,
  chunkSetCookies,
  chunkState,
  cookieDefaults,
  cookieHeaderBudget,
  deleteCookie,
  imfFixdate,
  ironDefaults,
  maxAgeUntil,
  parseCookieHeader,
  reassemble,
  seal,
  sealAsync,
  sealIron,
  setCookie,
  unseal,
  unsealAsync,
  unsealIron,
  version,
} from 'polyseal'
import type {
  CallOptions,
  ChunkOptions,
  ChunkScheme,
  ChunkState,
  CookieAttributes,
  CookieOptions,
  CookieStyle,
  ErrorCodeName,
  Format,
  IronOptions,
  KeyringEntry,
  LoadOptions,
  Priority,
  SameSite,
  SealerOptions,
  Secret,
  SessionInfo,
  SessionManagerInfo,
  SessionOptions,
  Unsealed,
} from 'polyseal'

const password: Secret = 'a password of at least thirty-two characters'
const key: Secret = new Uint8Array(32)
const entries: KeyringEntry[] = [
  { id: 'k2', secret: password },
  { id: 'k1', encryption: password, integrity: key },
]
const keyrings: Keyring[] = [
  new Keyring(password),
  new Keyring(key),
  new Keyring(entries, { current: 'k1' }),
  new Keyring({ k2: password, k1: { secret: key } }),
]
const ids: string[] = keyrings[0]!.ids
const current: string = keyrings[0]!.current

const format: Format = 'h3-v2'
const options: SealerOptions = {
  format,
  ttl: 3_600_000,
  cookieName: 'session',
  context: new Uint8Array([1, 2]),
  skew: 60_000,
  iterations: 8192,
  saltBits: 256,
  localtimeOffset: -5,
  maxTokenChars: 4096,
  maxDepth: 32,
  maxPayloadBytes: 4096,
  saltReuse: 60_000,
}
const sealer = new Sealer(keyrings[2]!, options)
const at: CallOptions = { now: Date.now() }
const token: string = sealer.seal({ userId: 1 }, at)
const opened: Unsealed = sealer.unseal(token)
const data: unknown = opened.data
const keyId: string = opened.keyId
const issuedAt: number | null = opened.issuedAt
const expiresAt: number | null = opened.expiresAt
const needsReseal: boolean = opened.needsReseal
const shown: string = sealer.format
const fromText: string = sealer.sealJson('{"userId":1}', at)
const asText: string = sealer.unsealJson(token, at)

async function asyncUsage(): Promise<void> {
  const sealed: string = await sealer.sealAsync([1, 2])
  const sealedText: string = await sealer.sealJsonAsync('[1,2]')
  void sealedText
  const result: Unsealed = await sealer.unsealAsync(sealed, { now: 0 })
  const viaModule: unknown = await unsealAsync(await sealAsync(result.data, password), password)
  const ironToken: string = await sealIron({ a: 1 }, { id: 'k1', secret: password }, ironDefaults)
  const ironOptions: IronOptions = { ...ironDefaults, ttl: 60_000 }
  const ironData: unknown = await unsealIron(ironToken, { k1: password, default: key }, ironOptions)
  void viaModule
  void ironData
}

function describe(error: unknown): string {
  if (error instanceof PolysealError) {
    const code: ErrorCodeName = error.code
    const number: number = error.number
    switch (error.code) {
      case 'EXPIRED':
      case 'BAD_SEAL':
        return `no session (${code} ${number})`
      default:
        return error.message
    }
  }
  return 'unexpected'
}

const table: Readonly<Record<ErrorCodeName, number>> = ERROR_CODES
const formats: ReadonlyArray<Format> = FORMATS
const moduleToken: string = seal({ a: 1 }, keyrings[1]!, { cookieName: 'c', now: 1 })
const moduleData: unknown = unseal(moduleToken, keyrings[1]!, { cookieName: 'c' })
const versionText: string = version

const style: CookieStyle = 'h3-v2'
const sameSite: SameSite = 'Lax'
const priority: Priority = 'High'
const defaults: CookieAttributes = cookieDefaults(style)
const cookieOptions: CookieOptions = {
  ...defaults,
  maxAge: 3600,
  expires: new Date(),
  domain: 'example.com',
  sameSite: 'strict',
  priority: 'LOW',
  partitioned: true,
  style,
}
const line: string = setCookie('session', token, cookieOptions)
const lines: string[] = [line, deleteCookie('session', { path: '/', sameSite, priority })]
const pairs: Array<[string, string]> = parseCookieHeader('a=1; b=2')
const scheme: ChunkScheme = 'h3'
const previous: ChunkState = chunkState(pairs, 'session', scheme)
const chunking: CookieOptions & ChunkOptions = { ...defaults, style, scheme, split: true, previous }
const chunked: string[] = chunkSetCookies('session', token, chunking)
const clearing: string[] = chunkDeletionCookies('session', { scheme: 'iron-session', previous })
const stored: string | null = reassemble([['session', token]] as const, 'session', scheme)
const headerBytes: number = cookieHeaderBudget(pairs, 8190) + cookieHeaderBudget(pairs)
const httpDate: string = imfFixdate(Date.now()) + imfFixdate(new Date())
const maxAge: number = maxAgeUntil(new Date(), Date.now())

// @ts-expect-error: sameSite is a name, not a boolean
setCookie('s', 'v', { sameSite: true })
// @ts-expect-error: not a cookie style
setCookie('s', 'v', { style: 'express' })
// @ts-expect-error: expires is a Date or ms, not a string
setCookie('s', 'v', { expires: '2030-01-01' })
// @ts-expect-error: chunking needs a scheme
chunkSetCookies('s', 'v', { split: true })
// @ts-expect-error: a clear does not split
chunkDeletionCookies('s', { scheme: 'h3', split: false })
// @ts-expect-error: reassemble may find no session
const mustExist: string = reassemble(pairs, 's', 'h3')
// @ts-expect-error: not a format name
const wrongFormat: SealerOptions = { format: 'fernet' }
// @ts-expect-error: ttl is in milliseconds, a number
const wrongTtl: SealerOptions = { ttl: '1h' }
// @ts-expect-error: a keyring needs secrets
const noSecrets = new Keyring()
// @ts-expect-error: tokens are strings
sealer.unseal(42)
// @ts-expect-error: seal needs a keyring
seal({ a: 1 })
// @ts-expect-error: codes are the table's names
const wrongCode: ErrorCodeName = 'NOPE'
// @ts-expect-error: the error table is read-only
ERROR_CODES.EXPIRED = 1

const sessionOptions: SessionOptions = {
  format: 'h3-v2',
  name: 'h3',
  maxAge: 3600,
  idleTimeout: null,
  cookie: { ...cookieDefaults('h3-v2'), domain: 'example.com' },
  style: 'h3-v2',
  chunking: 'h3',
  split: true,
  sessionHeader: null,
  saveNewSessions: true,
  cookieHeaderLimit: null,
  iterations: 8192,
  skew: 60_000,
  saltReuse: 60_000,
}
const sessions = new SessionManager(keyrings[0]!, sessionOptions)
const fromSecret = new SessionManager(password)
const loadOptions: LoadOptions = { sessionHeader: null, now: Date.now() }
const session: Session = sessions.load(undefined, loadOptions)
fromSecret.load(null)
fromSecret.load('a=1')
const sessionData: Record<string, unknown> = session.data
session.data.visits = 1
session.data = { replaced: true }
const sessionLines: string[] = sessions.update(session, { a: 1 }, at).concat(sessions.save(session))
const sessionToken: string = sessions.token(session)
const sessionTokenLater: Promise<string> = sessions.tokenAsync(session, at)
const cleared: string[] = sessions.clear(session)
const rejectionCode: ErrorCodeName | undefined = session.rejection?.code
const sessionFields: [string, number, number | null, boolean, boolean, boolean] = [
  session.id,
  session.createdAt,
  session.lastSeenAt,
  session.isNew,
  session.needsReseal,
  session.isCleared,
]
const sessionInfo: SessionInfo = session.toJSON()
const managerInfo: SessionManagerInfo = sessions.toJSON()
const sessionFormat: Format = sessions.format

async function asyncSessions(): Promise<string[]> {
  const loaded: Session = await sessions.loadAsync(null, { now: 0 })
  const updated: string[] = await sessions.updateAsync(loaded, { n: 1 })
  return updated.concat(await sessions.saveAsync(loaded, { now: 0 }))
}

// @ts-expect-error: lifetimes are numbers of seconds
new SessionManager(password, { maxAge: '1h' })
// @ts-expect-error: the cookie name option is `name`
new SessionManager(password, { cookieName: 'sid' })
// @ts-expect-error: the style is its own option, not a cookie attribute
new SessionManager(password, { cookie: { style: 'h3-v2' } })
// @ts-expect-error: a Cookie header is text
sessions.load(42)
// @ts-expect-error: a patch is an object
sessions.update(session, ['a'])
// @ts-expect-error: sessions come from load
sessions.save({ data: {} })
// @ts-expect-error: data is an object
session.data = 'text'
// @ts-expect-error: the id is read-only
session.id = 'mine'

export {
  asyncSessions,
  cleared,
  managerInfo,
  rejectionCode,
  sessionData,
  sessionFields,
  sessionFormat,
  sessionInfo,
  sessionLines,
  sessionToken,
  sessionTokenLater,
  asyncUsage,
  chunked,
  clearing,
  fromText,
  asText,
  headerBytes,
  httpDate,
  lines,
  maxAge,
  mustExist,
  stored,
  current,
  data,
  describe,
  expiresAt,
  formats,
  ids,
  issuedAt,
  keyId,
  moduleData,
  needsReseal,
  noSecrets,
  shown,
  table,
  versionText,
  wrongCode,
  wrongFormat,
  wrongTtl,
}
