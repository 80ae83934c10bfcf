import { checkPresetOptions, customScheme } from './custom.ts'
import type { Scheme } from './types.ts'

/** Options of {@link pipeCanonical}. */
export interface PipeCanonicalOptions {
  /**
   * Headers in the `name:value` section, in this order, each written with its name as listed here
   * (the reference lists them in lower case); missing or empty ones are skipped. The scheme sends
   * `X-Request-Timestamp` itself, so keep it in the list for it to be signed.
   * @default ['content-type', 'x-request-timestamp']
   */
  headers?: readonly string[]
  /** Accepted distance between `X-Request-Timestamp` and the verifier's clock, ± seconds. @default 60 */
  windowSeconds?: number
  /** The id of the key `verifyRequest` uses (the scheme sends no key id). @default none: verification requires it */
  keyId?: string
}

/**
 * `METHOD|path|headers|body`, HMAC-SHA256 in lower-case hex, in `X-API-Signature`, with
 * `X-Request-Timestamp` (unix seconds, ±60 s).
 *
 * ```
 * headerPart = "|".join(name + ":" + value.strip() for the listed headers present and non-empty)
 * canonical  = METHOD + "|" + decodedPath + "|" + headerPart + "|" + bodyText
 * ```
 * - The path is percent-decoded. **The query string is not covered**: a signed request stays
 *   valid with any query (the reference server behaves the same).
 * - The body is read as UTF-8 with invalid sequences replaced by U+FFFD, so two different binary
 *   bodies can have the same signature: send binary data base64-encoded, or use `rfc9421()`.
 * - The host is not covered, and there is no nonce: within the window a request can be replayed
 *   unless the verifier has a replay store (it then refuses the same signature twice).
 * - The window is the scheme's own (`windowSeconds`); the verifier's `maxAgeSeconds` and
 *   `clockSkewSeconds` do not apply. The hash is always SHA-256, whatever the key's `algorithm`.
 * - Reference server statuses: missing signature or bad/stale timestamp → 400, bad signature → 401.
 */
export function pipeCanonical(options: PipeCanonicalOptions = {}): Scheme {
  checkPresetOptions('pipeCanonical', options)
  const names = options.headers ?? ['content-type', 'x-request-timestamp']
  return customScheme({
    name: 'pipeCanonical',
    parts: [{ part: 'method' }, { part: 'path', decode: true }, { part: 'headers', names, separator: '|' }, { part: 'body', as: 'text' }],
    separator: '|',
    mac: 'hmac-sha256',
    encoding: 'hex',
    signature: { header: 'x-api-signature' },
    timestamp: { header: 'x-request-timestamp', format: 'unix' },
    windowSeconds: options.windowSeconds ?? 60,
    ...(options.keyId !== undefined ? { keyId: options.keyId } : {}),
  })
}
