import { checkPresetOptions, customScheme } from './custom.ts'
import type { Scheme } from './types.ts'

/** Options of {@link bodyNonceHmac}. */
export interface BodyNonceHmacOptions {
  /**
   * Signet's hardened variant: sign `timestamp + "." + nonce + "." + body` instead of the body
   * alone, so that the timestamp and nonce cannot be swapped. Not understood by the reference
   * server; both sides must use it. @default false (the reference layout)
   */
  bound?: boolean
  /** Accepted distance between `X-Request-Timestamp` and the verifier's clock, ± seconds. @default 300 */
  windowSeconds?: number
  /** Methods the verifier checks; other requests without a signature pass through (`covered: []`). @default ['POST', 'PUT', 'PATCH'] */
  methods?: readonly string[]
  /** The id of the key `verifyRequest` uses (the scheme sends no key id). @default none: verification requires it */
  keyId?: string
}

/**
 * HMAC-SHA256 of the raw body bytes in `X-API-Signature` (lower-case hex), with
 * `X-Request-Timestamp` (unix seconds; fractions accepted when verifying; ±300 s) and
 * `X-Request-Nonce` (the signer's `nonce()`, 16 random bytes by default; pass
 * `nonce: () => crypto.randomUUID()` for UUIDs).
 *
 * - **Only the body is signed** in the reference layout: method, path, query and host are not,
 *   and neither are the timestamp and nonce, so a captured body signature can be replayed with a
 *   fresh timestamp and nonce. The verifier's replay store (keyed by the nonce) only stops exact
 *   replays. Use `bound: true` on both sides when you control them.
 * - Like the reference server, the verifier checks POST, PUT and PATCH; a request with another
 *   method and no signature resolves with `covered: []` (a signed one is verified).
 * - Give the verifier a `replayStore` to refuse a nonce twice (the reference server always keeps
 *   one; it stores the nonce before checking the signature, Signet after, so that forged requests
 *   cannot burn nonces).
 * - The window is the scheme's own (`windowSeconds`); the verifier's `maxAgeSeconds` and
 *   `clockSkewSeconds` do not apply. The hash is always SHA-256.
 * - Reference server statuses: a missing header, bad timestamp or repeated nonce → 400, bad signature → 401.
 */
export function bodyNonceHmac(options: BodyNonceHmacOptions = {}): Scheme {
  checkPresetOptions('bodyNonceHmac', options)
  const bound = options.bound ?? false
  return customScheme({
    name: 'bodyNonceHmac',
    parts: bound ? [{ part: 'timestamp' }, { part: 'nonce' }, { part: 'body', as: 'bytes' }] : [{ part: 'body', as: 'bytes' }],
    separator: bound ? '.' : '',
    mac: 'hmac-sha256',
    encoding: 'hex',
    signature: { header: 'x-api-signature' },
    timestamp: { header: 'x-request-timestamp', format: 'unix-decimal' },
    nonce: { header: 'x-request-nonce' },
    windowSeconds: options.windowSeconds ?? 300,
    methods: options.methods ?? ['POST', 'PUT', 'PATCH'],
    ...(options.keyId !== undefined ? { keyId: options.keyId } : {}),
  })
}
