import { fail } from '../../errors.ts'
import { DEFAULT_EXPIRES_SECONDS, MAX_EXPIRES_SECONDS, S3_SERVICES } from './constants.ts'

/** Options of {@link sigv4}. The same options give a signer and a verifier that agree. */
export interface SigV4Options {
  /** Region of the credential scope, e.g. `us-east-1`. */
  region: string
  /** Service of the credential scope, e.g. `execute-api`, `sqs`, `s3`. `s3` changes several defaults (see below). */
  service: string
  /**
   * Session token of temporary (STS) credentials: sent as `X-Amz-Security-Token` (header, or query
   * parameter in the presigned form). A verifier given one requires the request to carry the same.
   * @default none
   */
  sessionToken?: string
  /**
   * Whether the session token is covered by the signature. Some services (AWS IoT) expect it to be
   * added after signing; a verifier must then be told too, for the presigned form.
   * @default true
   */
  signSessionToken?: boolean
  /**
   * Sign `UNSIGNED-PAYLOAD` instead of the body's SHA-256, so the body is never read. A verifier
   * accepts `UNSIGNED-PAYLOAD` only when this is true (else `insufficient_coverage`), and assumes it
   * when the request has no `x-amz-content-sha256` header. The default follows the form the
   * request is signed in (for a verifier: the form it presents).
   * @default true for service `s3` in the presigned (query) form (S3 presigned URLs never sign the body), else false
   */
  unsignedPayload?: boolean
  /**
   * Percent-encode the path once more, as sent (`/a%20b` → `/a%2520b`): what every service but S3
   * expects. With `false` the path is only brought to strict RFC 3986 form, each segment decoded
   * and encoded once (S3 object keys).
   * @default true, false for service `s3`
   */
  uriEscapePath?: boolean
  /**
   * Remove `.`/`..` segments and repeated slashes from the path before encoding it. Note that a
   * WHATWG `URL` (and so fetch) already resolves dot segments; repeated slashes do reach the wire.
   * @default true, false for service `s3` (`a//b` is a different S3 key than `a/b`)
   */
  normalizePath?: boolean
  /**
   * Produce the presigned-URL form: the signature and its parameters go in `SignResult.query`
   * (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`, `X-Amz-Expires`, `X-Amz-SignedHeaders`,
   * `X-Amz-Signature`, and `X-Amz-Security-Token`), and no header is added. `expiresInSeconds` is
   * the URL's lifetime, at most one week.
   * A verifier accepts both forms whatever this says.
   * @default false (Authorization header); expiresInSeconds: 900
   */
  signQuery?: boolean | { expiresInSeconds?: number }
  /**
   * Send the payload hash as an `x-amz-content-sha256` header (signed), as S3 requires. Header
   * form only. A request that already has the header is signed with that header's value (use it to
   * send `UNSIGNED-PAYLOAD` to S3 explicitly).
   * @default true for service `s3`, else false
   */
  applyChecksum?: boolean
  /**
   * Lower-case names of request headers to leave unsigned, besides the ones never signed
   * (`authorization`, `user-agent`, `connection`, `expect`, `transfer-encoding`, `proxy-*`,
   * `sec-*`…, the AWS SDKs' list). Every other header present is signed.
   * @default []
   */
  unsignableHeaders?: readonly string[]
  /** Verification: the longest `X-Amz-Expires` accepted on a presigned URL. @default 604800 (one week) */
  maxExpiresInSeconds?: number
}

/** {@link SigV4Options} checked, with every default applied. */
export interface SigV4Config {
  readonly region: string
  readonly service: string
  readonly sessionToken: string | undefined
  readonly signSessionToken: boolean
  readonly form: 'header' | 'query'
  readonly expiresInSeconds: number
  /** As given; see {@link unsignedPayloadFor} for the default, which depends on the form. */
  readonly unsignedPayload: boolean | undefined
  readonly s3: boolean
  readonly uriEscapePath: boolean
  readonly normalizePath: boolean
  readonly applyChecksum: boolean
  readonly unsignableHeaders: ReadonlySet<string>
  readonly maxExpiresInSeconds: number
}

// A scope element ends up in `Credential=<id>/<date>/<region>/<service>/aws4_request`.
const SCOPE_PART = /^[A-Za-z0-9._-]+$/
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/
const BAD_TOKEN = /[\r\n\0]/

function boolOption(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined) return fallback
  if (typeof value !== 'boolean') fail('invalid_input', `sigv4 option ${name} must be a boolean, received ${typeof value}`, { component: name })
  return value
}

function secondsOption(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_EXPIRES_SECONDS) {
    fail('invalid_input', `sigv4 option ${name} must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS} (one week), received ${String(value)}`, {
      component: name,
      received: String(value),
    })
  }
  return value
}

/** Validates {@link SigV4Options} and applies the defaults (including the `s3` ones). */
export function resolveSigV4Options(options: SigV4Options): SigV4Config {
  if (options === null || typeof options !== 'object') fail('invalid_input', 'sigv4 options must be an object { region, service }')
  const { region, service } = options
  for (const [name, value] of [['region', region], ['service', service]] as const) {
    if (typeof value !== 'string' || !SCOPE_PART.test(value)) {
      fail('invalid_input', `sigv4 option ${name} must be a non-empty string of letters, digits, '.', '_' or '-', received ${JSON.stringify(value)}`, { component: name })
    }
  }
  const s3 = S3_SERVICES.has(service)
  const { sessionToken } = options
  if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken === '' || BAD_TOKEN.test(sessionToken))) {
    fail('invalid_input', 'sigv4 option sessionToken must be a non-empty string without CR, LF or NUL', { component: 'sessionToken' })
  }
  const signQuery = options.signQuery ?? false
  if (typeof signQuery !== 'boolean' && (signQuery === null || typeof signQuery !== 'object')) {
    fail('invalid_input', `sigv4 option signQuery must be a boolean or { expiresInSeconds }, received ${signQuery === null ? 'null' : typeof signQuery}`, { component: 'signQuery' })
  }
  const form = signQuery === false ? 'header' : 'query'
  const expiresInSeconds = secondsOption(typeof signQuery === 'object' ? signQuery.expiresInSeconds : undefined, 'signQuery.expiresInSeconds', DEFAULT_EXPIRES_SECONDS)
  const unsignable = options.unsignableHeaders ?? []
  if (!Array.isArray(unsignable) || !unsignable.every((h) => typeof h === 'string' && HEADER_NAME.test(h))) {
    fail('invalid_input', 'sigv4 option unsignableHeaders must be an array of lower-case header names', { component: 'unsignableHeaders' })
  }
  return {
    region,
    service,
    sessionToken,
    signSessionToken: boolOption(options.signSessionToken, 'signSessionToken', true),
    form,
    expiresInSeconds,
    unsignedPayload: options.unsignedPayload === undefined ? undefined : boolOption(options.unsignedPayload, 'unsignedPayload', false),
    s3,
    uriEscapePath: boolOption(options.uriEscapePath, 'uriEscapePath', !s3),
    normalizePath: boolOption(options.normalizePath, 'normalizePath', !s3),
    applyChecksum: boolOption(options.applyChecksum, 'applyChecksum', s3),
    unsignableHeaders: new Set(unsignable),
    maxExpiresInSeconds: secondsOption(options.maxExpiresInSeconds, 'maxExpiresInSeconds', MAX_EXPIRES_SECONDS),
  }
}

/**
 * Whether the payload is `UNSIGNED-PAYLOAD` in this form: as configured, else true for S3
 * presigned URLs only. A verifier asks with the form the request presents, so a plain
 * `sigv4({ service: 's3' })` verifies S3 presigned URLs as well as signed headers.
 */
export function unsignedPayloadFor(config: SigV4Config, form: 'header' | 'query'): boolean {
  return config.unsignedPayload ?? (config.s3 && form === 'query')
}
