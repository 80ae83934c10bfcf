import { toHex } from '../../canonicalize/encoding.ts'
import { encodeQueryPair, type EncodedQueryPair } from '../../canonicalize/query.ts'
import { fail } from '../../errors.ts'
import type { NormalizedRequest } from '../../message.ts'
import type { SignContext, SignResult } from '../types.ts'
import { formatAuthorization } from './authorization.ts'
import { sigv4Base } from './base.ts'
import { canonicalHeaderValue, getCanonicalHeaders, headersWithHost, signableHeaderNames } from './canonical-headers.ts'
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
import { computeSignature, sigv4Secret } from './signature.ts'
import { createScope } from './string-to-sign.ts'

/** Header form: the request's own X-Amz-Date when it has one (signed as is), else the signing time. */
function headerFormDate(headers: Map<string, readonly string[]>, nowMs: number): string {
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

/** Signs a request in the header (Authorization) or query (presigned URL) form. */
export async function signSigV4(config: SigV4Config, message: NormalizedRequest, ctx: SignContext): Promise<SignResult> {
  const secret = sigv4Secret(ctx.key)
  const accessKeyId = ctx.key.id
  const headers = headersWithHost(message)
  const added: Record<string, string> = {}
  const token = config.sessionToken

  let amzDate: string
  if (config.form === 'header') {
    amzDate = headerFormDate(headers, ctx.nowMs)
    headers.set(AMZ_DATE_HEADER, [amzDate])
    added[AMZ_DATE_HEADER] = amzDate
    if (token !== undefined) {
      added[TOKEN_HEADER] = token
      headers.set(TOKEN_HEADER, [token])
    }
  } else {
    amzDate = formatAmzDate(ctx.nowMs)
  }

  // A caller's x-amz-content-sha256 is the payload hash (how S3 callers choose UNSIGNED-PAYLOAD or streaming).
  const declared = headers.get(CONTENT_SHA256_HEADER)
  const payloadHash = declared
    ? canonicalHeaderValue(declared)
    : unsignedPayloadFor(config, config.form)
      ? UNSIGNED_PAYLOAD
      : toHex(await ctx.body.digest('sha256'))
  if (config.form === 'header' && config.applyChecksum && !declared) {
    headers.set(CONTENT_SHA256_HEADER, [payloadHash])
    added[CONTENT_SHA256_HEADER] = payloadHash
  }

  let signedNames = signableHeaderNames(headers, config.unsignableHeaders)
  if (!signedNames.includes(HOST_HEADER)) signedNames = [...signedNames, HOST_HEADER].sort()
  // An unsigned session token (signSessionToken: false) is sent but left out of the signature.
  if (!config.signSessionToken) signedNames = signedNames.filter((n) => n !== TOKEN_HEADER)
  const signedHeaders = signedNames.join(';')
  const scope = createScope(amzDate.slice(0, 8), config.region, config.service)
  const credential = `${accessKeyId}/${scope}`

  // Query form: the parameters the signer sets, in the order AWS signers emit them.
  const authParams: [string, string][] = []
  let queryPairs: EncodedQueryPair[]
  if (config.form === 'query') {
    authParams.push([ALGORITHM_PARAM, ALGORITHM], [CREDENTIAL_PARAM, credential], [DATE_PARAM, amzDate], [SIGNED_HEADERS_PARAM, signedHeaders], [EXPIRES_PARAM, String(config.expiresInSeconds)])
    if (token !== undefined && config.signSessionToken) authParams.push([TOKEN_PARAM, token])
    const replaced = new Set([...authParams.map(([name]) => name), SIGNATURE_PARAM, ...(token !== undefined ? [TOKEN_PARAM] : [])])
    queryPairs = [...requestQueryPairs(message.url.search, replaced), ...authParams.map(([n, v]) => encodeQueryPair(n, v))]
  } else {
    queryPairs = requestQueryPairs(message.url.search)
  }

  const canonicalRequest = createCanonicalRequest({
    method: message.method,
    uri: getCanonicalUri(message.url.pathname, config),
    query: getCanonicalQuery(queryPairs),
    headers: getCanonicalHeaders(headers, signedNames),
    signedHeaders,
    payloadHash,
  })
  const { stringToSign, signature } = await computeSignature(ctx.crypto, secret, { amzDate, region: config.region, service: config.service, scope, canonicalRequest })
  const base = sigv4Base(canonicalRequest, stringToSign)

  if (config.form === 'header') {
    return { headers: { [AUTHORIZATION_HEADER]: formatAuthorization(accessKeyId, scope, signedHeaders, signature), ...added }, base }
  }
  const query: Record<string, string> = Object.fromEntries(authParams)
  if (token !== undefined && !config.signSessionToken) query[TOKEN_PARAM] = token
  query[SIGNATURE_PARAM] = signature
  return { headers: {}, query, base }
}
