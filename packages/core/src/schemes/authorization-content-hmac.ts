import { checkPresetOptions, customScheme } from './custom.ts'
import type { Scheme } from './types.ts'

/** Options of {@link authorizationContentHmac}. */
export interface AuthorizationContentHmacOptions {
  /** Accepted distance between the timestamp header and the verifier's clock, ± seconds. @default 300 */
  windowSeconds?: number
  /** The id of the key `verifyRequest`/`verifyResponse` use (the scheme sends no key id). @default none: verification requires it */
  keyId?: string
}

/**
 * The Flask "hmac-examples" headers. **A keyed SHA-256, not an HMAC**: the secret is appended to
 * the string and the whole is hashed, which is open to length extension. Use it only to talk to
 * servers that require it.
 *
 * ```
 * request:  X-Authorization-Timestamp    = ts (unix seconds)
 *           X-Authorization-Content-HMAC = hex(SHA256(decodedPath + "?" + rawQuery + ts + secret))
 * response: X-Response-Content-TimeStamp = rts
 *           X-Response-Content-HMAC      = hex(SHA256(rts + "|" + body bytes + secret))
 * ```
 * - The `?` is always there, even without a query. The query is signed exactly as sent; the path
 *   percent-decoded. Method, host and request body are not covered.
 * - Responses are hashed over their exact bytes (never re-serialized). A response is not bound
 *   to its request.
 * - The reference server hashes with its own current second rather than the header's, so sign
 *   right before sending. On a non-UTC host its clock is off by the host's UTC offset: sign with
 *   `clockOffsetMs` = (server's idea of now − real now). A Signet verifier uses the header's
 *   timestamp and the scheme's window (`windowSeconds`, ±300 s); the verifier's `maxAgeSeconds`
 *   and `clockSkewSeconds` do not apply.
 * - There is no nonce: with a replay store the verifier refuses the same signature twice.
 * - The secret must be a string or bytes (a `CryptoKey` cannot be hashed); `base` shows it as `<secret>`.
 * - The reference server answers 400 to every failure.
 */
export function authorizationContentHmac(options: AuthorizationContentHmacOptions = {}): Scheme {
  checkPresetOptions('authorizationContentHmac', options)
  return customScheme({
    name: 'authorizationContentHmac',
    parts: [{ part: 'path', decode: true }, '?', { part: 'query' }, { part: 'timestamp' }, { part: 'secret' }],
    mac: 'sha256',
    encoding: 'hex',
    signature: { header: 'x-authorization-content-hmac' },
    timestamp: { header: 'x-authorization-timestamp', format: 'unix' },
    windowSeconds: options.windowSeconds ?? 300,
    ...(options.keyId !== undefined ? { keyId: options.keyId } : {}),
    response: {
      parts: [{ part: 'timestamp' }, '|', { part: 'body', as: 'bytes' }, { part: 'secret' }],
      signature: { header: 'x-response-content-hmac' },
      timestamp: { header: 'x-response-content-timestamp', format: 'unix' },
    },
  })
}
