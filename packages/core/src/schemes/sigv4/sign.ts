import { toHex } from '../../canonicalize/encoding.ts'
import { encodeQueryPair, type EncodedQueryPair } from '../../canonicalize/query.ts'
import { fail } from '../../errors.ts'
import type { HeaderMap, NormalizedRequest } from '../../message.ts'
import type { SignContext, SignResult } from '../types.ts'
import { formatAuthorization } from './authorization.ts'
import { sigv4Base } from './base.ts'
import { canonicalHeaderValue, isUnsignableHeader } from './canonical-headers.ts'
import { getCanonicalQuery, requestQueryPairs } from './canonical-query.ts'
import { createCanonicalRequest } from './canonical-request.ts'
import { getCanonicalUri } from './canonical-uri.ts'
import {
  ALGORITHM,
  ALGORITHM_PARAM,
  AMZ_DATE_HEADER,
  AUTHORIZATION_HEADER,
  CONTENT_SHA256_HEADER,
  CREDENTIAL_PARAM,
  DATE_PARAM,
  EXPIRES_PARAM,
  HOST_HEADER,
  SIGNATURE_PARAM,
  SIGNED_HEADERS_PARAM,
  TOKEN_HEADER,
  TOKEN_PARAM,
  UNSIGNED_PAYLOAD,
} from './constants.ts'
import { formatAmzDate, parseAmzDate } from './date.ts'
import { unsignedPayloadFor, type SigV4Config } from './options.ts'
import { computeSignature, isPromise, sigv4Secret } from './signature.ts'
import { createScope } from './string-to-sign.ts'

/** Header form: the request's own X-Amz-Date when it has one (signed as is), else the signing time. */
function headerFormDate(headers: HeaderMap, nowMs: number): string {
  const existing = headers.get(AMZ_DATE_HEADER)
  if (!existing) return formatAmzDate(nowMs)
  const value = existing.length === 1 ? existing[0]!.trim() : ''
  if (parseAmzDate(value) === undefined) {
    fail('invalid_input', `sigv4: the request's X-Amz-Date header must be one YYYYMMDDTHHMMSSZ timestamp, received ${JSON.stringify(existing.join(', ').slice(0, 64))}`, {
      component: AMZ_DATE_HEADER,
    })
  }
  return value
}

/** One signed header: its name and canonical value. */
type SignedHeader = readonly [name: string, value: string]

const byName = (a: SignedHeader, b: SignedHeader): number => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)

/**
 * The headers to sign, sorted by name, with their canonical values: the request's headers minus
 * the unsignable ones, the headers the signer adds (`added`, which replace the request's), and
 * `host` from the URL when the request has none. `host` is always signed; an unsigned session
 * token (`signSessionToken: false`) is sent but left out.
 */
function signedHeaders(config: SigV4Config, message: NormalizedRequest, added: Readonly<Record<string, string>>): SignedHeader[] {
  const extra = config.unsignableHeaders
  const signable = (name: string): boolean => !isUnsignableHeader(name, extra) && (config.signSessionToken || name !== TOKEN_HEADER)
  const out: SignedHeader[] = []
  for (const [name, values] of message.headers) {
    if (name === AMZ_DATE_HEADER || name === TOKEN_HEADER || name === CONTENT_SHA256_HEADER) {
      if (Object.hasOwn(added, name)) continue
    }
    if (name === HOST_HEADER || signable(name)) out.push([name, canonicalHeaderValue(values)])
  }
  for (const name of ADDABLE_HEADERS) {
    if (Object.hasOwn(added, name) && signable(name)) out.push([name, canonicalHeaderValue([added[name]!])])
  }
  if (!message.headers.has(HOST_HEADER)) out.push([HOST_HEADER, message.url.host])
  return out.sort(byName)
}

/** Headers the header form may add to the request. */
const ADDABLE_HEADERS = [AMZ_DATE_HEADER, TOKEN_HEADER, CONTENT_SHA256_HEADER] as const

// Hex SHA-256 of no bytes: the payload hash of every request without a body.
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

// The last credential scope built: it changes once a day per region and service.
let lastScope = { shortDate: '', region: '', service: '', scope: '' }
function scopeOf(shortDate: string, region: string, service: string): string {
  const s = lastScope
  if (s.shortDate === shortDate && s.region === region && s.service === service) return s.scope
  lastScope = { shortDate, region, service, scope: createScope(shortDate, region, service) }
  return lastScope.scope
}

/** Signs a request in the header (Authorization) or query (presigned URL) form. */
export async function signSigV4(config: SigV4Config, message: NormalizedRequest, ctx: SignContext): Promise<SignResult> {
  const secret = sigv4Secret(ctx.key)
  const accessKeyId = ctx.key.id
  const added: Record<string, string> = {}
  const token = config.sessionToken

  let amzDate: string
  if (config.form === 'header') {
    amzDate = headerFormDate(message.headers, ctx.nowMs)
    added[AMZ_DATE_HEADER] = amzDate
    if (token !== undefined) added[TOKEN_HEADER] = token
  } else {
    amzDate = formatAmzDate(ctx.nowMs)
  }

  // A caller's x-amz-content-sha256 is the payload hash (how S3 callers choose UNSIGNED-PAYLOAD or streaming).
  const declared = message.headers.get(CONTENT_SHA256_HEADER)
  const payloadHash = declared
    ? canonicalHeaderValue(declared)
    : unsignedPayloadFor(config, config.form)
      ? UNSIGNED_PAYLOAD
      : ctx.body.absent
        ? EMPTY_SHA256
        : toHex(await ctx.body.digest('sha256'))
  if (config.form === 'header' && config.applyChecksum && !declared) added[CONTENT_SHA256_HEADER] = payloadHash

  const signed = signedHeaders(config, message, added)
  let signedNames = ''
  let canonicalHeaders = ''
  for (let i = 0; i < signed.length; i++) {
    const [name, value] = signed[i]!
    signedNames += i === 0 ? name : `;${name}`
    canonicalHeaders += `${name}:${value}\n`
  }
  const scope = scopeOf(amzDate.slice(0, 8), config.region, config.service)

  // Query form: the parameters the signer sets, in the order AWS signers emit them.
  const authParams: [string, string][] = []
  let queryPairs: EncodedQueryPair[]
  if (config.form === 'query') {
    authParams.push([ALGORITHM_PARAM, ALGORITHM], [CREDENTIAL_PARAM, `${accessKeyId}/${scope}`], [DATE_PARAM, amzDate], [SIGNED_HEADERS_PARAM, signedNames], [EXPIRES_PARAM, String(config.expiresInSeconds)])
    if (token !== undefined && config.signSessionToken) authParams.push([TOKEN_PARAM, token])
    queryPairs = [...requestQueryPairs(message.url.search, token !== undefined ? REPLACED_WITH_TOKEN : REPLACED), ...authParams.map(([n, v]) => encodeQueryPair(n, v))]
  } else {
    queryPairs = requestQueryPairs(message.url.search)
  }

  const canonicalRequest = createCanonicalRequest({
    method: message.method,
    uri: getCanonicalUri(message.url.pathname, config),
    query: getCanonicalQuery(queryPairs),
    headers: canonicalHeaders,
    signedHeaders: signedNames,
    payloadHash,
  })
  const computed = computeSignature(ctx.crypto, secret, { amzDate, region: config.region, service: config.service, scope, canonicalRequest })
  const { stringToSign, signature } = isPromise(computed) ? await computed : computed
  const base = sigv4Base(canonicalRequest, stringToSign)

  if (config.form === 'header') {
    return { headers: { [AUTHORIZATION_HEADER]: formatAuthorization(accessKeyId, scope, signedNames, signature), ...added }, base }
  }
  const query: Record<string, string> = Object.fromEntries(authParams)
  if (token !== undefined && !config.signSessionToken) query[TOKEN_PARAM] = token
  query[SIGNATURE_PARAM] = signature
  return { headers: {}, query, base }
}

// Query parameters a presigning signer sets itself, so the request's own are replaced (compared decoded).
const REPLACED: ReadonlySet<string> = new Set([ALGORITHM_PARAM, CREDENTIAL_PARAM, DATE_PARAM, SIGNED_HEADERS_PARAM, EXPIRES_PARAM, SIGNATURE_PARAM])
const REPLACED_WITH_TOKEN: ReadonlySet<string> = new Set([...REPLACED, TOKEN_PARAM])
