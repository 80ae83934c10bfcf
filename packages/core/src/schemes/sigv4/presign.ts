import { canonicalQueryComponent } from '../../canonicalize/query.ts'
import { encodeRfc3986 } from '../../canonicalize/uri.ts'
import type { ClockOptions } from '../../clock.ts'
import type { CryptoBackend } from '../../crypto/backend.ts'
import { fail } from '../../errors.ts'
import type { SigningKey } from '../../keys.ts'
import type { MessageRequest } from '../../message.ts'
import { signRequest } from '../../sign.ts'
import type { SigV4Options } from './options.ts'
import { sigv4 } from './scheme.ts'

/** Options of {@link presignRequest}: the SigV4 options (but `signQuery`), the key, the lifetime. */
export interface PresignOptions extends Omit<SigV4Options, 'signQuery'>, ClockOptions {
  /** Access key id (`id`) and secret access key (`secret`). */
  key: SigningKey
  /** Lifetime of the URL, at most one week. @default 900 */
  expiresInSeconds?: number
  /** Crypto backend. @default node:crypto on Node/Deno/Bun, WebCrypto in browsers */
  crypto?: CryptoBackend
}

/**
 * `url` with the signed parameters: any parameter of the same name is removed, the others are
 * kept exactly as they were, and the new ones are appended, RFC 3986-encoded.
 */
export function withSignedQuery(url: URL, query: Readonly<Record<string, string>>): URL {
  const out = new URL(url.href)
  const names = new Set(Object.keys(query))
  const kept = out.search
    .slice(1)
    .split('&')
    .filter((piece) => piece !== '' && !names.has(canonicalQueryComponent(piece.split('=', 1)[0]!)))
  for (const [name, value] of Object.entries(query)) kept.push(`${encodeRfc3986(name)}=${encodeRfc3986(value)}`)
  out.search = kept.length > 0 ? `?${kept.join('&')}` : ''
  return out
}

/**
 * A presigned URL (SigV4 query form) for `request`: anyone holding it can send that request
 * until it expires. With service `s3` the body is not signed (`UNSIGNED-PAYLOAD`), as S3 expects;
 * for other services the body given here is hashed into the signature.
 *
 * @example
 * const url = await presignRequest({ method: 'GET', url: 'https://bucket.s3.us-east-1.amazonaws.com/key' },
 *   { key: { id: accessKeyId, secret }, region: 'us-east-1', service: 's3', expiresInSeconds: 600 })
 */
export async function presignRequest(request: Request | MessageRequest, options: PresignOptions): Promise<URL> {
  if (options === null || typeof options !== 'object') fail('invalid_input', 'presignRequest options must be an object { key, region, service }')
  const { key, expiresInSeconds, now, clockOffsetMs, crypto, ...rest } = options
  const scheme = sigv4({ ...rest, signQuery: expiresInSeconds === undefined ? true : { expiresInSeconds } })
  const result = await signRequest(request, {
    key,
    scheme,
    ...(now !== undefined ? { now } : {}),
    ...(clockOffsetMs !== undefined ? { clockOffsetMs } : {}),
    ...(crypto !== undefined ? { crypto } : {}),
  })
  const url = request.url
  return withSignedQuery(new URL(url instanceof URL ? url.href : url), result.query ?? {})
}
