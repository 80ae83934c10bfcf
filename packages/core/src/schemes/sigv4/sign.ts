import { bodyDigestText } from '../../body.ts'
import { encodeQueryPair, type EncodedQueryPair } from '../../canonicalize/query.ts'
import { fail } from '../../errors.ts'
import type { HeaderMap, NormalizedRequest } from '../../message.ts'
import type { SignContext, SignResult } from '../types.ts'
import { formatAuthorization } from './authorization.ts'
import { sigv4Base } from './base.ts'
import { canonicalHeaderValue, formatCanonicalHeaders, signableHeaders } from './canonical-headers.ts'
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
  SIGNATURE_PARAM,
  SIGNED_HEADERS_PARAM,
  TOKEN_HEADER,
  TOKEN_PARAM,
  EMPTY_SHA256,
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
  // Headers the header form adds (replacing the request's own), in the order they are returned.
  const added = new Map<string, string>()
  const token = config.sessionToken

  let amzDate: string
  if (config.form === 'header') {
    amzDate = headerFormDate(message.headers, ctx.nowMs)
    added.set(AMZ_DATE_HEADER, amzDate)
    if (token !== undefined) added.set(TOKEN_HEADER, token)
  } else {
    amzDate = formatAmzDate(ctx.nowMs)
  }

  // A caller's x-amz-content-sha256 is the payload hash (how S3 callers choose UNSIGNED-PAYLOAD or streaming).
  const declared = message.headers.get(CONTENT_SHA256_HEADER)
  let payloadHash: string
  if (declared) payloadHash = canonicalHeaderValue(declared)
  else if (unsignedPayloadFor(config, config.form)) payloadHash = UNSIGNED_PAYLOAD
  else if (ctx.body.absent) payloadHash = EMPTY_SHA256
  else {
    // A body in memory: the hex comes back as a string, without a microtask turn.
    const hex = bodyDigestText(ctx.body, 'sha256', 'hex')
    payloadHash = typeof hex === 'string' ? hex : await hex
  }
  if (config.form === 'header' && config.applyChecksum && !declared) added.set(CONTENT_SHA256_HEADER, payloadHash)

  const { signedHeaders: signedNames, block: canonicalHeaders } = formatCanonicalHeaders(signableHeaders(message, added, config))
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
    const headers: Record<string, string> = { [AUTHORIZATION_HEADER]: formatAuthorization(accessKeyId, scope, signedNames, signature) }
    for (const [name, value] of added) headers[name] = value
    return { headers, base }
  }
  const query: Record<string, string> = Object.fromEntries(authParams)
  if (token !== undefined && !config.signSessionToken) query[TOKEN_PARAM] = token
  query[SIGNATURE_PARAM] = signature
  return { headers: {}, query, base }
}

// Query parameters a presigning signer sets itself, so the request's own are replaced (compared decoded).
const REPLACED: ReadonlySet<string> = new Set([ALGORITHM_PARAM, CREDENTIAL_PARAM, DATE_PARAM, SIGNED_HEADERS_PARAM, EXPIRES_PARAM, SIGNATURE_PARAM])
const REPLACED_WITH_TOKEN: ReadonlySet<string> = new Set([...REPLACED, TOKEN_PARAM])
