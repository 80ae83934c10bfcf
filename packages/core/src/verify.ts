import { bodyReader } from './body.ts'
import { currentTimeMs, type ClockOptions } from './clock.ts'
import type { CryptoBackend } from './crypto/backend.ts'
import { defaultBackend } from '#crypto-default'
import { fail } from './errors.ts'
import { lookupKey, type VerifyKeys } from './keys.ts'
import { normalizeRequest, normalizeResponse, type MessageRequest, type MessageResponse } from './message.ts'
import { cryptoOption, replayStoreOption, requiredOption, schemeOption } from './options.ts'
import type { ReplayStore } from './replay.ts'
import { defaultScheme } from './schemes/default.ts'
import type { Scheme, Verified, VerifyContext } from './schemes/types.ts'

/** Options of {@link verifyRequest} and {@link verifyResponse}. */
export interface VerifyOptions extends ClockOptions {
  /** Accepted keys: a list (during rotation, old and new) or a lookup by key id. */
  keys: VerifyKeys
  /** The scheme. @default rfc9421() */
  scheme?: Scheme
  /** Oldest accepted signature, in seconds. @default 300 */
  maxAgeSeconds?: number
  /** Tolerated clock difference with the signer, in seconds. @default 30 */
  clockSkewSeconds?: number
  /** Nonce store; when set, every signature must carry a nonce, accepted once. @default none */
  replayStore?: ReplayStore
  /**
   * Components the signature must cover (RFC 9421 identifiers such as `"@method"`,
   * `"content-digest"`; scheme-specific names for other schemes).
   * @default the scheme's own minimum (rfc9421: `@method`, `@authority`, `@path`, `@query` when there is a query, and `content-digest` when there is a body)
   */
  required?: readonly string[]
  /** Crypto backend. @default as for signing */
  crypto?: CryptoBackend
  /**
   * Largest body buffered when a scheme needs the whole body (streams); with WebCrypto also the largest
   * Blob read whole and hashed in one `subtle.digest` call. @default 16 MiB
   */
  maxBufferedBodyBytes?: number
}

/** Options of {@link verifyResponse}: the request the response answers, to check the `;req` binding. */
export interface VerifyResponseOptions extends VerifyOptions {
  request?: Request | MessageRequest
}

function nonNegative(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail('invalid_input', `${name} must be a non-negative number of seconds, received ${String(value)}`, { component: name })
  return value
}

/** Checked before anything reads them (the body reader takes its limit from them). */
function checkOptions(options: VerifyOptions): void {
  if (options === null || typeof options !== 'object') fail('invalid_input', 'verify options must be an object with at least { keys }')
  if (options.keys === undefined) fail('invalid_input', 'verify options need keys: an array of { id, secret } or a lookup function', { component: 'keys' })
}

function verifyContext(options: VerifyOptions, crypto: CryptoBackend, body: VerifyContext['body']): VerifyContext {
  return {
    key: (keyId) => lookupKey(options.keys, keyId),
    crypto,
    nowMs: currentTimeMs(options),
    maxAgeSeconds: nonNegative(options.maxAgeSeconds, 300, 'maxAgeSeconds'),
    clockSkewSeconds: nonNegative(options.clockSkewSeconds, 30, 'clockSkewSeconds'),
    replayStore: replayStoreOption(options.replayStore),
    required: requiredOption(options.required),
    body,
  }
}

/** Verifies a signed request. Resolves with what was verified; rejects with a {@link SignetError}. */
export async function verifyRequest(request: Request | MessageRequest, options: VerifyOptions): Promise<Verified> {
  const message = normalizeRequest(request)
  checkOptions(options)
  const scheme = schemeOption(options.scheme, defaultScheme)
  const crypto = cryptoOption(options.crypto, defaultBackend)
  const ctx = verifyContext(options, crypto, bodyReader(message.body, crypto, options))
  return scheme.verifyRequest(message, ctx)
}

/** Verifies a signed response, and its binding to `options.request` when the scheme supports it. */
export async function verifyResponse(response: Response | MessageResponse, options: VerifyResponseOptions): Promise<Verified> {
  const message = normalizeResponse(response)
  checkOptions(options)
  const scheme = schemeOption(options.scheme, defaultScheme)
  const crypto = cryptoOption(options.crypto, defaultBackend)
  const ctx = verifyContext(options, crypto, bodyReader(message.body, crypto, options))
  if (!scheme.verifyResponse) fail('invalid_input', `the ${scheme.name} scheme does not define response signatures`)
  const request = options.request === undefined ? undefined : normalizeRequest(options.request, { withBody: false })
  return scheme.verifyResponse(message, { ...ctx, request })
}
