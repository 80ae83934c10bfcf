import { bodyReader, type BodyReader } from './body.ts'
import { currentTimeMs, randomNonce, type ClockOptions } from './clock.ts'
import type { CryptoBackend } from './crypto/backend.ts'
import { defaultBackend } from '#crypto-default'
import { fail } from './errors.ts'
import { resolveKey, type SigningKey } from './keys.ts'
import { normalizeRequest, normalizeResponse, type MessageRequest, type MessageResponse, type NormalizedMessage } from './message.ts'
import { cryptoOption, nonceOption, schemeOption } from './options.ts'
import { defaultScheme } from './schemes/default.ts'
import type { Scheme, SignContext, SignResult } from './schemes/types.ts'

/** Options of {@link signRequest} and {@link signResponse}. */
export interface SignOptions extends ClockOptions {
  /** The key to sign with. */
  key: SigningKey
  /** The signing scheme. @default rfc9421() */
  scheme?: Scheme
  /** Nonce generator. @default 16 CSPRNG bytes, base64url */
  nonce?: () => string
  /** Crypto backend. @default node:crypto on Node/Deno/Bun, WebCrypto in browsers (noble where WebCrypto is missing) */
  crypto?: CryptoBackend
  /**
   * Largest body buffered when a scheme needs the whole body (streams); with WebCrypto also the largest
   * Blob read whole and hashed in one `subtle.digest` call (bigger Blobs are hashed in pieces). @default 16 MiB
   */
  maxBufferedBodyBytes?: number
}

/** Options of {@link signResponse}: also the request answered, to bind the response to it (RFC 9421 §2.4). */
export interface SignResponseOptions extends SignOptions {
  /** The request this response answers. */
  request?: Request | MessageRequest
}

function signContext(options: SignOptions, crypto: CryptoBackend, body: SignContext['body']): SignContext {
  return { key: resolveKey(options.key), crypto, nowMs: currentTimeMs(options), nonce: nonceOption(options.nonce, randomNonce), body }
}

function checkOptions(options: SignOptions): Scheme {
  if (options === null || typeof options !== 'object') fail('invalid_input', 'sign options must be an object with at least { key }')
  if (options.key === undefined) fail('invalid_key', 'sign options need a key: { key: { id, secret } }')
  return schemeOption(options.scheme, defaultScheme)
}

/**
 * Signs a request. Returns the headers to add (lower-case names) and `base`, the exact string that
 * was signed. The caller's `Request` and its body are not consumed.
 */
export function signRequest(request: Request | MessageRequest, options: SignOptions): Promise<SignResult> {
  // Not an async function: returning the scheme's promise from one costs extra microtask turns.
  try {
    const scheme = checkOptions(options)
    const message = normalizeRequest(request)
    const crypto = cryptoOption(options.crypto, defaultBackend)
    const body = bodyReader(message.body, crypto, options)
    const ctx = signContext(options, crypto, body)
    if (!producesBody(message.body)) return scheme.signRequest(message, ctx)
    return withProducedBody(message, body, scheme.requestBody, () => scheme.signRequest(message, ctx))
  } catch (err) {
    return Promise.reject(err)
  }
}

/** Bodies the caller cannot send as they are after signing: a one-shot stream, a FormData. */
function producesBody(source: NormalizedMessage['body']): boolean {
  return (source.kind === 'stream' && source.oneShot === true) || (source.kind === 'blob' && source.fromFormData === true)
}

/**
 * Signs, then hands back the body to send: the multipart Blob of a FormData with its Content-Type,
 * or the bytes of a one-shot stream (buffered first, up to maxBufferedBodyBytes, so that hashing
 * it does not lose it).
 */
async function withProducedBody(message: NormalizedMessage, body: BodyReader, use: Scheme['requestBody'], sign: () => Promise<SignResult>): Promise<SignResult> {
  const source = message.body
  const bytes = source.kind === 'stream' && use !== 'none' ? await body.bytes() : undefined
  const result = await sign()
  if (source.kind === 'blob') {
    result.body = source.blob
    if (message.impliedContentType) result.headers['content-type'] = message.impliedContentType
  } else if (bytes) result.body = bytes
  return result
}

/** Signs a response, bound to `options.request` when given and the scheme supports it. */
export async function signResponse(response: Response | MessageResponse, options: SignResponseOptions): Promise<SignResult> {
  const scheme = checkOptions(options)
  if (!scheme.signResponse) fail('invalid_input', `the ${scheme.name} scheme does not define response signatures`)
  const message = normalizeResponse(response)
  const crypto = cryptoOption(options.crypto, defaultBackend)
  const body = bodyReader(message.body, crypto, options)
  const request = options.request === undefined ? undefined : normalizeRequest(options.request, { withBody: false })
  const ctx = { ...signContext(options, crypto, body), request }
  if (!producesBody(message.body)) return scheme.signResponse(message, ctx)
  return withProducedBody(message, body, scheme.responseBody, () => scheme.signResponse!(message, ctx))
}
