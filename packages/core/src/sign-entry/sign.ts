import type { ClockOptions } from '../clock.ts'
import { fail } from '../errors.ts'
import type { SigningKey } from '../keys.ts'
import type { MessageRequest } from '../message.ts'
import type { ContentDigestAlgorithm } from '../schemes/rfc9421/digest.ts'
import { componentValue, liteComponent, sfInteger, sfString, type LiteComponent } from './components.ts'
import { digest, hmac, liteKey } from './crypto.ts'
import { nowMs, randomNonce } from './clock.ts'
import { bodyBytes, liteRequest } from './message.ts'
import { base64, FULL, invalid, invalidKey, utf8 } from './util.ts'

/**
 * Options of the lite {@link signRequest}: the key, the clock, and the `rfc9421()` options of the
 * full entry, flattened onto one object. With the same request, key, clock and nonce, the output
 * is byte-identical to `signRequest(request, { key, now, nonce, scheme: rfc9421({ … }) })` from
 * `@signet/core`.
 */
export interface LiteSignOptions extends ClockOptions {
  /** The key to sign with: `{ id, secret, algorithm? }`, as for the full entry. */
  key: SigningKey
  /** Signature label in `Signature-Input`/`Signature` (an RFC 8941 key). @default 'sig1' */
  label?: string
  /**
   * Components to cover: `'@method'`, `'@authority'`, `'@path'`, `'@query'`, `'@target-uri'`,
   * `'@scheme'`, `'@request-target'`, `'"@query-param";name="id"'` and lower-case header names.
   * Headers that are absent are skipped. Other identifiers (`;sf`, `;key`, `;bs`, `;req`) fail
   * with `invalid_input`: use the full `@signet/core` entry for them.
   * @default ['@method', '@authority', '@path', '@query' (when there is a query), 'content-type' (when present), 'content-digest' (when present)]
   */
  components?: readonly string[]
  /** Signature lifetime in seconds: adds `expires = created + expiresInSeconds`. @default none */
  expiresInSeconds?: number
  /**
   * The `nonce` parameter: `true` for 16 CSPRNG bytes in base64url, a function for your own
   * (1–256 printable ASCII characters), `false` for none. @default true
   */
  nonce?: boolean | (() => string)
  /** Adds the `alg` parameter (`hmac-sha256`…). @default true */
  alg?: boolean
  /** The `tag` parameter (the signer's application tag). @default none */
  tag?: string
  /** Content-Digest (RFC 9530) added when the request has a body, or `false` for none. @default 'sha-256' */
  contentDigest?: ContentDigestAlgorithm | false
}

/** What {@link signRequest} returns: the headers to add (lower-case names) and the signed string. */
export interface LiteSignResult {
  /** `content-digest` (when computed), `signature-input` and `signature`. */
  headers: Record<string, string>
  /** The signature base: the exact string that was MACed. */
  base: string
}

// RFC 8941 §3.2 key syntax, which a label must satisfy.
const LABEL = /^[a-z*][a-z0-9_\-.*]*$/
const [METHOD, AUTHORITY, PATH, QUERY, CONTENT_TYPE, CONTENT_DIGEST] = ['@method', '@authority', '@path', '@query', 'content-type', 'content-digest'].map(liteComponent) as [LiteComponent, LiteComponent, LiteComponent, LiteComponent, LiteComponent, LiteComponent]
// Parsed once per array: callers usually pass the same constant list every time.
const parsed = new WeakMap<readonly string[], LiteComponent[]>()

/**
 * Signs one request with RFC 9421 HTTP Message Signatures (HMAC) and an RFC 9530 Content-Digest:
 * the small `@signet/core/sign` entry, for pages that only sign. The request is a fetch `Request`
 * (its body read from a clone, never consumed) or `{ method, url, headers?, body? }` with a string,
 * bytes, Blob or URLSearchParams body (read whole into memory). FormData and ReadableStream
 * bodies, already signed requests, the other schemes, responses and verification need the full
 * `@signet/core` entry. Errors are `SignetError`s (the full entry's class) with the same codes as the full entry's.
 */
export async function signRequest(request: Request | MessageRequest, options: LiteSignOptions): Promise<LiteSignResult> {
  const { key: keyOption, label = 'sig1', contentDigest = 'sha-256', expiresInSeconds: expiresIn, tag, alg = true, nonce = true, components } =
    typeof options === 'object' && options ? options : invalid('options must be { key, … }', 'options')
  // A scheme passed here would otherwise be ignored silently.
  if ('scheme' in options) invalid(`option scheme${FULL}`, 'scheme')
  if (keyOption === undefined) invalidKey('options.key is missing')
  if (typeof label !== 'string' || !LABEL.test(label)) invalid('label must be an RFC 8941 key', 'label')
  if (contentDigest && contentDigest !== 'sha-256' && contentDigest !== 'sha-512') fail('unsupported_algorithm', 'contentDigest must be sha-256, sha-512 or false', { component: 'contentDigest' })
  if (expiresIn !== undefined && !(Number.isInteger(expiresIn) && expiresIn > 0)) invalid('expiresInSeconds must be a positive integer', 'expiresInSeconds')
  if (tag !== undefined && typeof tag !== 'string') invalid('tag must be a string', 'tag')
  if (typeof nonce !== 'boolean' && typeof nonce !== 'function') invalid('nonce must be a boolean or a function', 'nonce')
  let configured: LiteComponent[] | undefined
  if (components !== undefined) {
    configured = parsed.get(Array.isArray(components) ? components : invalid('components must be an array', 'components'))
    if (!configured) parsed.set(components, (configured = components.map(liteComponent)))
  }
  const message = liteRequest(request)
  const { headers, url, body } = message
  if (headers.has('signature-input') || headers.has('signature')) invalid(`a request already signed${FULL}`, 'signature')
  const key = liteKey(keyOption)
  const created = Math.floor(nowMs(options) / 1000)

  const out: Record<string, string> = {}
  if (body && contentDigest) {
    // The base covers the digest we send, not one the caller may have set.
    headers.set('content-digest', [(out['content-digest'] = `${contentDigest}=:${base64(await digest(contentDigest === 'sha-256' ? 'sha256' : 'sha512', await bodyBytes(body)))}:`)])
  }
  const covered = configured
    ? configured.filter((c) => c.name[0] === '@' || headers.has(c.name))
    : [METHOD, AUTHORITY, PATH, ...(url.search ? [QUERY] : []), ...(headers.has('content-type') ? [CONTENT_TYPE] : []), ...(headers.has('content-digest') ? [CONTENT_DIGEST] : [])]

  // RFC 9421 §2.5: one line per component, then "@signature-params", whose value (the inner
  // list, parameters in the order core writes them) is also the Signature-Input member.
  const ids: string[] = []
  let base = ''
  for (const c of covered) {
    if (ids.includes(c.id)) invalid(`component ${c.id} is listed twice`, c.id)
    ids.push(c.id)
    base += `${c.id}: ${componentValue(c, message)}\n`
  }
  let input = `(${ids.join(' ')});created=${sfInteger(created)}`
  if (expiresIn) input += `;expires=${sfInteger(created + expiresIn)}`
  input += `;keyid=${sfString(key.id)}`
  if (alg) input += `;alg="hmac-${key.algorithm}"`
  if (nonce) {
    const value: unknown = nonce === true ? randomNonce() : nonce()
    input += `;nonce=${typeof value === 'string' && /^[ -~]{1,256}$/.test(value) ? sfString(value) : invalid('nonce() must return 1 to 256 printable ASCII characters', 'nonce')}`
  }
  if (tag !== undefined) input += `;tag=${sfString(tag)}`
  base += `"@signature-params": ${input}`
  out['signature-input'] = `${label}=${input}`
  out.signature = `${label}=:${base64(await hmac(key, utf8(base)))}:`
  return { headers: out, base }
}
