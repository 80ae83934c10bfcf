import { bodyDigestText } from '../../body.ts'
import { decodeUtf8 } from '../../canonicalize/encoding.ts'
import { splitQuery } from '../../canonicalize/query.ts'
import { percentDecodeBytes } from '../../canonicalize/uri.ts'
import { checkCoverage, checkFreshness, checkReplay } from '../../checks.ts'
import { fail } from '../../errors.ts'
import { headerValue, type NormalizedRequest } from '../../message.ts'
import type { Verified, VerifyContext } from '../types.ts'
import { parseAuthorization, parseCredential, parseSignatureHex, parseSignedHeaders, type Credential } from './authorization.ts'
import { sigv4Base } from './base.ts'
import { canonicalHeaderValue } from './canonical-headers.ts'
import { getCanonicalQuery, requestQueryPairs } from './canonical-query.ts'
import { createCanonicalRequest } from './canonical-request.ts'
import { getCanonicalUri } from './canonical-uri.ts'
import {
  ALGORITHM,
  ALGORITHM_PARAM,
  AMZ_DATE_HEADER,
  AUTH_PARAMS,
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
  EMPTY_SHA256,
  UNSIGNED_PAYLOAD,
} from './constants.ts'
import { parseAmzDate } from './date.ts'
import { unsignedPayloadFor, type SigV4Config } from './options.ts'
import { checkSignature, isPromise, sigv4Secret } from './signature.ts'

const HOST_ONLY: readonly string[] = [HOST_HEADER]

// Query parameters left out of the canonical query when verifying the presigned form.
const OMIT_SIGNATURE: ReadonlySet<string> = new Set([SIGNATURE_PARAM])
const OMIT_SIGNATURE_AND_TOKEN: ReadonlySet<string> = new Set([SIGNATURE_PARAM, TOKEN_PARAM])

/** What the request says about its signature, in either form. */
interface Presented {
  form: 'header' | 'query'
  credential: Readonly<Credential>
  amzDate: string
  created: number
  signedHeaders: readonly string[]
  /** The signed header names as presented (`a;b;c`, checked). */
  signedHeaderList: string
  signature: string
  /** Query form: X-Amz-Expires. */
  expiresIn: number | undefined
  /** The session token sent, if any. */
  token: string | undefined
}

/** A query component decoded as a form; one without `%` or `+` is its own decoded form. */
function decodeQueryComponent(raw: string): string {
  return raw.indexOf('%') === -1 && raw.indexOf('+') === -1 ? raw : decodeUtf8(percentDecodeBytes(raw, true))
}

const NO_PARAMS: ReadonlyMap<string, string> = new Map()

/** Query parameters of the presigned form, decoded, each present at most once. */
function authQueryParams(message: NormalizedRequest): ReadonlyMap<string, string> {
  const search = message.url.search
  // Every parameter name of the presigned form starts with X-Amz- (written X%2DAmz-… only by odd clients).
  if (search.indexOf('X-Amz-') === -1 && search.indexOf('%') === -1) return NO_PARAMS
  const out = new Map<string, string>()
  for (const pair of splitQuery(search)) {
    const name = decodeQueryComponent(pair.name)
    if (!AUTH_PARAMS.includes(name)) continue
    if (out.has(name)) fail('malformed_signature', `sigv4: the query has ${name} more than once`, { component: name })
    out.set(name, decodeQueryComponent(pair.value))
  }
  return out
}

function requireParam(params: ReadonlyMap<string, string>, name: string): string {
  const value = params.get(name)
  if (value === undefined) fail('malformed_signature', `sigv4: the presigned URL has no ${name} parameter`, { component: name })
  return value
}

function createdOf(value: string, where: string): number {
  const created = parseAmzDate(value)
  if (created === undefined) fail('malformed_signature', `sigv4: ${where} must be a YYYYMMDDTHHMMSSZ timestamp, received ${JSON.stringify(value.slice(0, 64))}`, { component: where, received: value.slice(0, 64) })
  return created
}

function presented(config: SigV4Config, message: NormalizedRequest): Presented {
  const authorization = headerValue(message.headers, AUTHORIZATION_HEADER)?.trim()
  const params = authQueryParams(message)
  const isQuery = params.has(SIGNATURE_PARAM) || params.has(ALGORITHM_PARAM) || params.has(CREDENTIAL_PARAM)
  const isHeader = authorization !== undefined && authorization.startsWith('AWS4-')
  if (isHeader && isQuery) fail('malformed_signature', 'sigv4: the request is signed both in the Authorization header and in the query; only one is allowed', { component: AUTHORIZATION_HEADER })

  if (isHeader) {
    if (!authorization.startsWith(`${ALGORITHM} `) && !authorization.startsWith(`${ALGORITHM}\t`)) {
      fail('unsupported_algorithm', `sigv4: only ${ALGORITHM} is supported, the Authorization header uses ${JSON.stringify(authorization.split(/[ \t]/)[0]!.slice(0, 40))}`, { component: AUTHORIZATION_HEADER })
    }
    const fields = parseAuthorization(authorization)
    const dates = message.headers.get(AMZ_DATE_HEADER)
    if (!dates) fail('malformed_signature', 'sigv4: the request has an Authorization header but no X-Amz-Date header', { component: AMZ_DATE_HEADER })
    if (dates.length !== 1) fail('malformed_signature', 'sigv4: the request has more than one X-Amz-Date header', { component: AMZ_DATE_HEADER })
    const token = headerValue(message.headers, TOKEN_HEADER)
    // Checked in this order, so that the error names the first problem.
    const credential = parseCredential(fields.credential, 'Credential')
    const amzDate = dates[0]!.trim()
    const created = createdOf(amzDate, AMZ_DATE_HEADER)
    const signedHeaders = parseSignedHeaders(fields.signedHeaders, 'SignedHeaders')
    const signature = parseSignatureHex(fields.signature, 'Signature')
    return { form: 'header', credential, amzDate, created, signedHeaders, signedHeaderList: fields.signedHeaders, signature, expiresIn: undefined, token: token?.trim() }
  }
  if (isQuery) {
    const algorithm = requireParam(params, ALGORITHM_PARAM)
    if (algorithm !== ALGORITHM) fail('unsupported_algorithm', `sigv4: only ${ALGORITHM} is supported, ${ALGORITHM_PARAM} is ${JSON.stringify(algorithm.slice(0, 40))}`, { component: ALGORITHM_PARAM })
    const expires = requireParam(params, EXPIRES_PARAM)
    const expiresIn = /^\d{1,7}$/.test(expires) ? Number(expires) : NaN
    if (!(expiresIn >= 1 && expiresIn <= config.maxExpiresInSeconds)) {
      fail('malformed_signature', `sigv4: ${EXPIRES_PARAM} must be a whole number of seconds from 1 to ${config.maxExpiresInSeconds}, received ${JSON.stringify(expires.slice(0, 20))}`, {
        component: EXPIRES_PARAM,
        expected: `1..${config.maxExpiresInSeconds}`,
        received: expires.slice(0, 20),
      })
    }
    const token = params.get(TOKEN_PARAM)
    const credential = parseCredential(requireParam(params, CREDENTIAL_PARAM), CREDENTIAL_PARAM)
    const amzDate = requireParam(params, DATE_PARAM)
    const created = createdOf(amzDate, DATE_PARAM)
    const signedHeaderList = requireParam(params, SIGNED_HEADERS_PARAM)
    const signedHeaders = parseSignedHeaders(signedHeaderList, SIGNED_HEADERS_PARAM)
    const signature = parseSignatureHex(requireParam(params, SIGNATURE_PARAM), SIGNATURE_PARAM)
    return { form: 'query', credential, amzDate, created, signedHeaders, signedHeaderList, signature, expiresIn, token }
  }
  return fail(
    'missing_signature',
    authorization
      ? `sigv4: the Authorization header is not ${ALGORITHM} and the query has no X-Amz-Signature`
      : 'sigv4: the request has neither an Authorization header nor X-Amz-* query parameters',
    { component: AUTHORIZATION_HEADER },
  )
}

interface PayloadHash {
  payloadHash: string
  /** Whether it is a digest of the body still to be checked. */
  declared: boolean
}

/** The payload hash the signer used (a promise only when the body must be hashed to know it). */
function payloadHashOf(config: SigV4Config, form: 'header' | 'query', message: NormalizedRequest, ctx: VerifyContext): PayloadHash | Promise<PayloadHash> {
  const unsignedAllowed = unsignedPayloadFor(config, form)
  const declared = message.headers.get(CONTENT_SHA256_HEADER)
  if (declared) {
    const payloadHash = canonicalHeaderValue(declared)
    if (payloadHash.startsWith('STREAMING-')) {
      fail('unsupported_algorithm', `sigv4: chunked payload signing (${payloadHash.slice(0, 60)}) is not supported`, { component: CONTENT_SHA256_HEADER, received: payloadHash.slice(0, 60) })
    }
    if (payloadHash !== UNSIGNED_PAYLOAD && !/^[0-9a-f]{64}$/.test(payloadHash)) {
      fail('malformed_signature', `sigv4: x-amz-content-sha256 must be 64 lower-case hex digits or ${UNSIGNED_PAYLOAD}, received ${JSON.stringify(payloadHash.slice(0, 80))}`, {
        component: CONTENT_SHA256_HEADER,
      })
    }
    if (payloadHash === UNSIGNED_PAYLOAD) return unsignedPayload(unsignedAllowed)
    return { payloadHash, declared: true }
  }
  if (unsignedAllowed) return { payloadHash: UNSIGNED_PAYLOAD, declared: false }
  if (ctx.body.absent) return { payloadHash: EMPTY_SHA256, declared: false }
  const hex = bodyDigestText(ctx.body, 'sha256', 'hex')
  return typeof hex === 'string' ? { payloadHash: hex, declared: false } : hex.then((payloadHash) => ({ payloadHash, declared: false }))
}

function unsignedPayload(allowed: boolean): PayloadHash {
  if (!allowed) fail('insufficient_coverage', `sigv4: the payload is not signed (${UNSIGNED_PAYLOAD}); a verifier accepts that only with unsignedPayload: true`, { component: CONTENT_SHA256_HEADER })
  return { payloadHash: UNSIGNED_PAYLOAD, declared: false }
}

/** Verifies a request signed in either form (Authorization header or presigned URL). */
export async function verifySigV4(config: SigV4Config, message: NormalizedRequest, ctx: VerifyContext): Promise<Verified> {
  const sig = presented(config, message)
  const { credential, amzDate, created, form } = sig
  if (credential.shortDate !== amzDate.slice(0, 8)) {
    fail('malformed_signature', `sigv4: the credential scope date ${credential.shortDate} is not the date of ${form === 'header' ? 'X-Amz-Date' : DATE_PARAM} (${amzDate})`, {
      component: form === 'header' ? 'Credential' : CREDENTIAL_PARAM,
      expected: amzDate.slice(0, 8),
      received: credential.shortDate,
    })
  }
  if (credential.region !== config.region || credential.service !== config.service) {
    fail('signature_mismatch', `sigv4: the credential scope is for region ${JSON.stringify(credential.region)} and service ${JSON.stringify(credential.service)}, this verifier expects ${JSON.stringify(config.region)} and ${JSON.stringify(config.service)}`, {
      component: form === 'header' ? 'Credential' : CREDENTIAL_PARAM,
      keyId: credential.accessKeyId,
      expected: `${config.region}/${config.service}`,
      received: `${credential.region}/${credential.service}`,
    })
  }

  // Freshness. A presigned URL lives for its X-Amz-Expires (capped by maxExpiresInSeconds), not maxAgeSeconds.
  const dateComponent = form === 'header' ? AMZ_DATE_HEADER : DATE_PARAM
  const expires = sig.expiresIn === undefined ? undefined : created + sig.expiresIn
  const window = sig.expiresIn === undefined ? ctx : { ...ctx, maxAgeSeconds: sig.expiresIn }
  checkFreshness(window, created, expires, dateComponent)

  // Coverage: host always, and whatever the verifier requires (header names, case-insensitive).
  const covered = ['@method', '@path', '@query', ...sig.signedHeaders]
  const required = ctx.required ? [HOST_HEADER, ...ctx.required.map((r) => (r.startsWith('@') ? r : r.toLowerCase()))] : HOST_ONLY
  checkCoverage(covered, required, 'sigv4')

  if (config.sessionToken !== undefined && sig.token !== config.sessionToken) {
    fail('signature_mismatch', `sigv4: the request ${sig.token === undefined ? 'has no' : 'has a different'} X-Amz-Security-Token than this verifier's sessionToken`, {
      component: form === 'header' ? TOKEN_HEADER : TOKEN_PARAM,
      keyId: credential.accessKeyId,
    })
  }

  const payload = payloadHashOf(config, form, message, ctx)
  const { payloadHash, declared } = isPromise(payload) ? await payload : payload
  // The signed headers as the server sees them: the request's, plus host from the URL when absent.
  let canonicalHeaders = ''
  for (const name of sig.signedHeaders) {
    const values = message.headers.get(name) ?? (name === HOST_HEADER ? [message.url.host] : undefined)
    if (values === undefined) fail('signature_mismatch', `sigv4: signed header ${JSON.stringify(name)} is not in the request`, { component: name, keyId: credential.accessKeyId })
    canonicalHeaders += `${name}:${canonicalHeaderValue(values)}\n`
  }
  const canonicalRequest = createCanonicalRequest({
    method: message.method,
    uri: getCanonicalUri(message.url.pathname, config),
    query: getCanonicalQuery(requestQueryPairs(message.url.search, form === 'header' ? undefined : config.signSessionToken ? OMIT_SIGNATURE : OMIT_SIGNATURE_AND_TOKEN)),
    headers: canonicalHeaders,
    signedHeaders: sig.signedHeaderList,
    payloadHash,
  })

  const key = await ctx.key(credential.accessKeyId)
  const secret = sigv4Secret(key)
  const checked = checkSignature(ctx.crypto, secret, { amzDate, region: config.region, service: config.service, scope: credential.scope, canonicalRequest }, sig.signature)
  const { stringToSign, valid } = isPromise(checked) ? await checked : checked
  const base = sigv4Base(canonicalRequest, stringToSign)
  if (!valid) {
    fail('signature_mismatch', 'sigv4: the signature does not match the request; compare details.base (canonical request and string to sign) with the signer\'s', {
      component: form === 'header' ? 'Signature' : SIGNATURE_PARAM,
      keyId: key.id,
      base,
    })
  }
  // Checked after the signature: a request that is not authentic never makes us read a body it only declares.
  if (declared) {
    const hex = bodyDigestText(ctx.body, 'sha256', 'hex')
    const actual = typeof hex === 'string' ? hex : await hex
    if (actual !== payloadHash) {
      fail('digest_mismatch', 'sigv4: the body does not match its x-amz-content-sha256 header', { component: CONTENT_SHA256_HEADER, keyId: key.id, expected: payloadHash, received: actual })
    }
  }
  // Without a nonce, the signature itself identifies the request: with a replay store, each signed request is accepted once.
  const replay = checkReplay(window, key.id, sig.signature, created)
  if (replay) await replay
  return {
    scheme: 'sigv4',
    keyId: key.id,
    algorithm: 'sha256',
    covered,
    created,
    ...(expires !== undefined ? { expires } : {}),
    base,
  }
}
