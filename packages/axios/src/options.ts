import { resolveKey, rfc9421, SignetError, type Scheme, type SigningKey, type VerifyKeys } from '@signet/core'

/** What {@link SignAxiosOptions.onSigned} receives for every request signed. Never the key. */
export interface SignedRequestInfo {
  /** Upper-case method that was signed and sent. */
  method: string
  /** Absolute URL that was signed and sent: baseURL, url and serialized params combined. */
  url: string
  /** The exact string that was signed (the signature base). Contains no secret. */
  base: string
}

/** How responses are verified when {@link SignAxiosOptions.verifyResponse} is an object. */
export interface ResponseVerificationOptions {
  /** Keys accepted on response signatures. @default [options.key] */
  keys?: VerifyKeys
  /** Oldest accepted response signature, in seconds. @default 300 */
  maxAgeSeconds?: number
  /**
   * Components the response signature must cover (RFC 9421 identifiers).
   * @default the scheme's minimum (rfc9421: `@status` and the binding to the request, `"signature";req`)
   */
  required?: readonly string[]
}

/** The clock used to sign (`created`) and to check the freshness of signed responses. */
export interface SignAxiosClock {
  /** Local time in milliseconds since the epoch. @default Date.now */
  now?: () => number
  /** Server clock minus local clock, in ms, added to `now()` when signing and verifying. @default 0 */
  offsetMs?: number
}

/** Options of {@link signAxios}. */
export interface SignAxiosOptions {
  /** The key every request is signed with. */
  key: SigningKey
  /** The signing scheme. @default rfc9421() */
  scheme?: Scheme
  /**
   * Verify the signature of every response (2xx or not) over its raw bytes, before axios parses
   * them, and fail closed: unsigned, tampered or stale responses reject with a `SignetError` whose
   * `details` carry the response's `status` and `headers`. `true` means `{}`.
   * @default false
   */
  verifyResponse?: boolean | ResponseVerificationOptions
  /** Clock for `created` and response freshness. @default { now: Date.now, offsetMs: 0 } */
  clock?: SignAxiosClock
  /** Debug hook called after each request is signed (every retry included). Never receives the key. @default none */
  onSigned?: (info: SignedRequestInfo) => void
}

/** Response verification with its defaults applied. */
export interface ResolvedVerification {
  readonly keys: VerifyKeys
  readonly maxAgeSeconds: number | undefined
  readonly required: readonly string[] | undefined
}

/** {@link SignAxiosOptions}, checked once, defaults applied. */
export interface ResolvedOptions {
  readonly key: SigningKey
  readonly scheme: Scheme
  readonly verify: ResolvedVerification | undefined
  readonly now: () => number
  readonly offsetMs: number
  readonly onSigned: ((info: SignedRequestInfo) => void) | undefined
}

/** Rejects a misconfigured argument of {@link signAxios} (`invalid_input`, naming the option). */
export function invalid(message: string, component: string): never {
  throw new SignetError('invalid_input', `signAxios: ${message}`, { component })
}

function resolveVerification(value: SignAxiosOptions['verifyResponse'], key: SigningKey, scheme: Scheme): ResolvedVerification | undefined {
  if (value === undefined || value === false) return undefined
  if (value !== true && (value === null || typeof value !== 'object')) invalid('verifyResponse must be a boolean or an object', 'verifyResponse')
  if (!scheme.verifyResponse) invalid(`the ${scheme.name} scheme does not define response signatures, so verifyResponse cannot be used`, 'verifyResponse')
  const settings: ResponseVerificationOptions = value === true ? {} : value
  const { maxAgeSeconds, required } = settings
  if (maxAgeSeconds !== undefined && (typeof maxAgeSeconds !== 'number' || !Number.isFinite(maxAgeSeconds) || maxAgeSeconds < 0)) {
    invalid(`verifyResponse.maxAgeSeconds must be a non-negative number, received ${String(maxAgeSeconds)}`, 'verifyResponse.maxAgeSeconds')
  }
  if (required !== undefined && !Array.isArray(required)) invalid('verifyResponse.required must be an array of component identifiers', 'verifyResponse.required')
  return { keys: settings.keys ?? [key], maxAgeSeconds, required }
}

/** Validates options up front, so a misconfiguration fails at `signAxios()` instead of on the first request. */
export function resolveOptions(options: SignAxiosOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') invalid('options must be an object with at least { key }', 'options')
  resolveKey(options.key)
  const scheme = options.scheme ?? rfc9421()
  if (options.onSigned !== undefined && typeof options.onSigned !== 'function') invalid('onSigned must be a function', 'onSigned')
  const clock = options.clock ?? {}
  if (clock === null || typeof clock !== 'object') invalid('clock must be an object { now?, offsetMs? }', 'clock')
  if (clock.now !== undefined && typeof clock.now !== 'function') invalid('clock.now must be a function', 'clock.now')
  const offsetMs = clock.offsetMs ?? 0
  if (typeof offsetMs !== 'number' || !Number.isFinite(offsetMs)) invalid(`clock.offsetMs must be a finite number, received ${String(offsetMs)}`, 'clock.offsetMs')
  return {
    key: options.key,
    scheme,
    verify: resolveVerification(options.verifyResponse, options.key, scheme),
    now: clock.now ?? (() => Date.now()),
    offsetMs,
    onSigned: options.onSigned,
  }
}
