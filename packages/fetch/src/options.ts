import { resolveKey, rfc9421, SignetError, type Scheme, type SigningKey, type VerifyKeys } from '@signet/core'

/** What {@link SignedFetchOptions.onSigned} receives for every request signed. Never the key or the MAC key material. */
export interface SignedRequestInfo {
  /** Upper-case method that was signed and sent. */
  method: string
  /** Absolute URL that was signed and sent (after any query parameters the scheme adds). */
  url: string
  /** The exact string that was signed (the signature base). Contains no secret. */
  base: string
}

/** How responses are verified when {@link SignedFetchOptions.verifyResponse} is an object. */
export interface ResponseVerificationOptions {
  /** Keys accepted on response signatures. @default [options.key] */
  keys?: VerifyKeys
  /** Oldest accepted response signature, in seconds. @default 300 */
  maxAgeSeconds?: number
  /**
   * - `'buffer'`: the whole body is read and checked before the promise resolves; the Response is
   *   then readable as usual. The body is held in memory (a clone of it).
   * - `'stream'`: the promise resolves as soon as the signature over status and headers matches;
   *   the body is hashed while you read it and, if it does not match its Content-Digest, the body
   *   stream errors with a `digest_mismatch` `SignetError` (from @signet/core) instead of completing. Constant
   *   memory: use it for large downloads. Treat the data as unverified until the stream has ended.
   * @default 'buffer'
   */
  mode?: 'buffer' | 'stream'
  /**
   * Components the response signature must cover (RFC 9421 identifiers).
   * @default the scheme's minimum (rfc9421: `@status` and the binding to the request, `"signature";req`)
   */
  required?: readonly string[]
}

/** Clock settings of {@link createSignedFetch}. */
export interface ClockCorrectionOptions {
  /** Local time in milliseconds since the epoch. @default Date.now */
  now?: () => number
  /** Server clock minus local clock, in ms, added to `now()` when signing and verifying. @default 0 */
  offsetMs?: number
  /**
   * When a response is 401 or 403 and its `Date` header is more than 5 s away from our (corrected)
   * clock, remember the offset the `Date` implies (for every later call of this fetch) and retry
   * the request once, signed afresh. Only bodies that can be sent again are retried: no body,
   * strings, bytes, URLSearchParams, FormData, Blob, and streams that were buffered for signing;
   * a stream sent untouched (scheme with `requestBody: 'none'`) is not retried.
   *
   * The `Date` header is not authenticated: enable this only over HTTPS to a server you trust. In
   * browsers the server must also list `Date` in `Access-Control-Expose-Headers` for cross-origin calls.
   * @default false
   */
  autoCorrect?: boolean
}

/** Options of {@link createSignedFetch}. */
export interface SignedFetchOptions {
  /** The key every request is signed with. */
  key: SigningKey
  /** The signing scheme. @default rfc9421() */
  scheme?: Scheme
  /** The fetch to send with. @default globalThis.fetch, looked up at each call (so later polyfills and mocks apply) */
  fetch?: typeof fetch
  /**
   * Verify response signatures before handing responses over (fail closed): unsigned, tampered,
   * stale or replayed responses reject with a `SignetError` (from @signet/core) whose `details` carry the
   * response's `status` and `headers`. `true` means `{}` (keys default to `[options.key]`).
   * @default false
   */
  verifyResponse?: boolean | ResponseVerificationOptions
  /** Clock used for `created`/freshness, and automatic correction of a skewed local clock. @default { now: Date.now, offsetMs: 0, autoCorrect: false } */
  clock?: ClockCorrectionOptions
  /** Debug hook called after each request is signed (redirect hops and retries included). Never receives the key. @default none */
  onSigned?: (info: SignedRequestInfo) => void
  /**
   * Largest request body buffered to be signed: `ReadableStream` bodies and bodies of `Request`
   * objects, when the scheme reads bodies. Past it the call rejects with `body_too_large`. Blob and
   * File bodies are never buffered (hashed in pieces, sent as the same Blob).
   * @default 16 MiB
   */
  maxBufferedBodyBytes?: number
}

/** Options checked once, defaults applied. */
export interface ResolvedOptions {
  readonly key: SigningKey
  readonly scheme: Scheme
  readonly fetch: typeof fetch | undefined
  readonly verify: ResolvedVerification | undefined
  readonly onSigned: ((info: SignedRequestInfo) => void) | undefined
  readonly maxBufferedBodyBytes: number
}

/** {@link ResponseVerificationOptions} with its defaults applied. */
export interface ResolvedVerification {
  readonly keys: VerifyKeys
  readonly maxAgeSeconds: number | undefined
  readonly mode: 'buffer' | 'stream'
  readonly required: readonly string[] | undefined
}

const DEFAULT_MAX_BUFFERED = 16 * 1024 * 1024

/** Rejects a misconfigured option of {@link createSignedFetch} (`invalid_input`, naming the option). */
export function invalid(message: string, component: string): never {
  throw new SignetError('invalid_input', `createSignedFetch: ${message}`, { component })
}

function resolveVerification(value: SignedFetchOptions['verifyResponse'], key: SigningKey, scheme: Scheme): ResolvedVerification | undefined {
  if (value === undefined || value === false) return undefined
  if (value !== true && (value === null || typeof value !== 'object')) invalid('verifyResponse must be a boolean or an object', 'verifyResponse')
  if (!scheme.verifyResponse) invalid(`the ${scheme.name} scheme does not define response signatures, so verifyResponse cannot be used`, 'verifyResponse')
  const settings: ResponseVerificationOptions = value === true ? {} : value
  const mode = settings.mode ?? 'buffer'
  if (mode !== 'buffer' && mode !== 'stream') invalid(`verifyResponse.mode must be 'buffer' or 'stream', received ${JSON.stringify(mode)}`, 'verifyResponse.mode')
  return { keys: settings.keys ?? [key], maxAgeSeconds: settings.maxAgeSeconds, mode, required: settings.required }
}

/** Validates options up front, so a misconfiguration fails at creation instead of on the first request. */
export function resolveOptions(options: SignedFetchOptions): ResolvedOptions {
  if (options === null || typeof options !== 'object') invalid('options must be an object with at least { key }', 'options')
  resolveKey(options.key)
  const scheme = options.scheme ?? rfc9421()
  if (options.fetch !== undefined && typeof options.fetch !== 'function') invalid('fetch must be a function', 'fetch')
  if (options.onSigned !== undefined && typeof options.onSigned !== 'function') invalid('onSigned must be a function', 'onSigned')
  const max = options.maxBufferedBodyBytes ?? DEFAULT_MAX_BUFFERED
  if (!Number.isSafeInteger(max) || max < 0) invalid(`maxBufferedBodyBytes must be a non-negative integer, received ${String(max)}`, 'maxBufferedBodyBytes')
  return {
    key: options.key,
    scheme,
    fetch: options.fetch,
    verify: resolveVerification(options.verifyResponse, options.key, scheme),
    onSigned: options.onSigned,
    maxBufferedBodyBytes: max,
  }
}
