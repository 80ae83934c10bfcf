/**
 * Differential test against the AWS SDK's own signer (@smithy/signature-v4, with
 * @aws-crypto/sha256-js as its hash): random requests — methods, unicode and reserved characters
 * in paths and queries, repeated and empty query parameters, headers with odd whitespace,
 * bodies, session tokens, S3 and non-S3 path rules, both forms — must get identical signatures
 * from Signet and smithy, and Signet must verify what it signed.
 *
 * What the two are given is the same request: Signet a URL and headers, smithy the URL's parts.
 * Requests smithy would change on its own are not generated: `date`/`x-amz-date` headers (smithy
 * drops them), `x-amz-*` headers in the presigned form (smithy moves them into the query), and
 * repeated headers (smithy takes one string per name; the AWS vectors cover repeats).
 */
import { Sha256 } from '@aws-crypto/sha256-js'
import { HttpRequest } from '@smithy/protocol-http'
import { SignatureV4 } from '@smithy/signature-v4'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { bodyReader } from '../../src/body.ts'
import type { CryptoBackend } from '../../src/crypto/backend.ts'
import { lookupKey, resolveKey } from '../../src/keys.ts'
import { normalizeRequest, type NormalizedRequest } from '../../src/message.ts'
import { sigv4, withSignedQuery, type SigV4Options } from '../../src/schemes/sigv4/index.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'

const RUNS = 100
const AUTH_PARAMS = ['x-amz-algorithm', 'x-amz-credential', 'x-amz-date', 'x-amz-expires', 'x-amz-signedheaders', 'x-amz-signature', 'x-amz-security-token']
const RESERVED_HEADERS = ['host', 'authorization', 'date', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256']

/** What smithy's S3 serializer does to a key segment (encodeURIComponent plus !'()*). */
const s3Encode = (segment: string): string => encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

const text = (maxLength: number) =>
  fc.oneof(
    fc.string({ unit: 'grapheme', maxLength }),
    fc.string({ unit: 'grapheme-ascii', maxLength }),
    fc.constantFrom('', ' ', 'a b', 'a+b', "!'()*", '%', '%zz', '%41', '~user', 'ሴ', '😀', '@:;=,$&/?#[]', 'é', '\u00a0'),
  )

const pathSegment = fc.oneof(text(8), fc.constantFrom('.', '..', ''))
const queryName = fc.oneof(fc.constantFrom('a', 'A', 'a-b', 'b', 'X-Amz-Meta', 'prefix', ''), text(6))
const headerName = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/),
  fc.constantFrom('user-agent', 'cache-control', 'content-type', 'content-md5', 'X-Mixed-Case', 'proxy-foo', 'sec-fetch-mode', 'expect', 'x-amz-meta-a', 'x-amzn-trace-id'),
)
// Printable ASCII and Latin-1 with runs of spaces and tabs anywhere (HTTP allows no CR, LF or NUL).
const headerValue = fc
  .array(fc.oneof(fc.constantFrom(' ', '  ', '\t', ' \t '), fc.string({ unit: fc.constantFrom(...'aZ09"\',;=/:()é'.split('')), maxLength: 6 })), { maxLength: 6 })
  .map((parts) => parts.join(''))

const requestArb = fc.record({
  method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'PURGE'),
  host: fc.constantFrom('example.amazonaws.com', 'api.example.com:8443', 'bucket.s3.us-east-1.amazonaws.com', '127.0.0.1:9000'),
  segments: fc.array(pathSegment, { maxLength: 5 }),
  trailingSlash: fc.boolean(),
  /** Send the path as written (a raw HTTP client) instead of through WHATWG URL parsing. */
  rawPath: fc.boolean(),
  query: fc.array(fc.tuple(queryName, text(8)), { maxLength: 6 }),
  headers: fc.uniqueArray(fc.tuple(headerName, headerValue), { maxLength: 6, selector: ([name]) => name.toLowerCase() }),
  hostHeader: fc.boolean(),
  body: fc.option(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.uint8Array({ maxLength: 64 })), { nil: undefined }),
  date: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2099, 11, 31, 23, 59, 59) }),
  accessKeyId: fc.stringMatching(/^[A-Z0-9]{16,24}$/),
  secret: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
  sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9+/=]{1,80}$/), { nil: undefined }),
  region: fc.constantFrom('us-east-1', 'eu-west-3', 'cn-north-1'),
  service: fc.constantFrom('execute-api', 'sqs', 'iam', 's3'),
  applyChecksum: fc.boolean(),
  unsignedPayload: fc.boolean(),
  expiresIn: fc.integer({ min: 1, max: 604800 }),
})
type Generated = ReturnType<typeof requestArb.generate>['value']

/** Pins `url.pathname` to the raw path when URL parsing rewrote it (see parse-request.ts). */
function pinPath(message: NormalizedRequest, path: string): NormalizedRequest {
  if (message.url.pathname !== path) Object.defineProperty(message.url, 'pathname', { value: path, enumerable: true })
  return message
}

interface Case {
  g: Generated
  form: 'header' | 'query'
  s3: boolean
  url: URL
  path: string
  headers: [string, string][]
  options: SigV4Options
}

function buildCase(g: Generated, form: 'header' | 'query'): Case {
  const s3 = g.service === 's3'
  const segments = s3 ? g.segments.filter((s) => s !== '.' && s !== '..').map(s3Encode) : g.segments
  const written = `/${segments.join('/')}${g.trailingSlash && segments.length > 0 ? '/' : ''}`
  const url = new URL(`https://${g.host}/`)
  url.pathname = written
  const query = g.query.filter(([name]) => name !== '__proto__' && !AUTH_PARAMS.includes(name.toLowerCase()))
  url.search = new URLSearchParams(query).toString()
  // S3 keys are sent as the SDK encodes them; other paths either raw or as a URL makes them.
  const path = s3 || g.rawPath ? written : url.pathname
  const headers = g.headers.filter(([name]) => {
    const lower = name.toLowerCase()
    return !RESERVED_HEADERS.includes(lower) && !(form === 'query' && lower.startsWith('x-amz-'))
  })
  if (g.unsignedPayload && form === 'query') headers.push(['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'])
  const options: SigV4Options = {
    region: g.region,
    service: g.service,
    uriEscapePath: !s3,
    normalizePath: !s3,
    applyChecksum: g.applyChecksum || (g.unsignedPayload && form === 'header'),
    // Query form: the x-amz-content-sha256 header above carries UNSIGNED-PAYLOAD; the option lets the verifier accept it.
    unsignedPayload: g.unsignedPayload,
    ...(g.sessionToken !== undefined ? { sessionToken: g.sessionToken } : {}),
    signQuery: form === 'query' ? { expiresInSeconds: g.expiresIn } : false,
  }
  return { g, form, s3, url, path, headers, options }
}

function smithyRequest(c: Case): HttpRequest {
  const query: Record<string, string | string[]> = {}
  for (const [name, value] of new URLSearchParams(c.url.search)) {
    const existing = query[name]
    query[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value]
  }
  const headers: Record<string, string> = { host: c.url.host }
  for (const [name, value] of c.headers) headers[name] = value
  // Signet's unsignedPayload in the header form is smithy's explicit UNSIGNED-PAYLOAD header.
  if (c.g.unsignedPayload && c.form === 'header') headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD'
  return new HttpRequest({
    method: c.g.method,
    protocol: 'https:',
    hostname: c.url.hostname,
    ...(c.url.port ? { port: Number(c.url.port) } : {}),
    path: c.path,
    query,
    headers,
    body: c.g.body,
  })
}

function smithySigner(c: Case): SignatureV4 {
  return new SignatureV4({
    credentials: { accessKeyId: c.g.accessKeyId, secretAccessKey: c.g.secret, ...(c.g.sessionToken !== undefined ? { sessionToken: c.g.sessionToken } : {}) },
    region: c.g.region,
    service: c.g.service,
    sha256: Sha256,
    uriEscapePath: !c.s3,
    applyChecksum: c.g.applyChecksum,
  })
}

function signetMessage(c: Case, url: URL, extraHeaders: Record<string, string> = {}): NormalizedRequest {
  const headers: [string, string][] = [...c.headers, ...Object.entries(extraHeaders)]
  if (c.g.hostHeader) headers.push(['Host', url.host])
  return pinPath(normalizeRequest({ method: c.g.method, url, headers, body: c.g.body }), c.path)
}

async function check(c: Case, crypto: CryptoBackend): Promise<void> {
  const key = { id: c.g.accessKeyId, secret: c.g.secret }
  const scheme = sigv4(c.options)
  const message = signetMessage(c, c.url)
  const result = await scheme.signRequest(message, { key: resolveKey(key), crypto, nowMs: c.g.date, nonce: () => '', body: bodyReader(message.body, crypto) })
  const signer = smithySigner(c)
  const signingDate = new Date(c.g.date)

  let sentUrl = c.url
  if (c.form === 'header') {
    const theirs = await signer.sign(smithyRequest(c), { signingDate })
    expect(result.headers['authorization']).toBe(theirs.headers['authorization'])
    expect(result.headers['x-amz-content-sha256']).toBe(c.options.applyChecksum ? theirs.headers['x-amz-content-sha256'] : undefined)
  } else {
    // Keep x-amz-content-sha256 a header, as Signet does (smithy would move it into the query).
    const theirs = await signer.presign(smithyRequest(c), { signingDate, expiresIn: c.g.expiresIn, unhoistableHeaders: new Set(['x-amz-content-sha256']) })
    const ours = result.query ?? {}
    const theirAuth = Object.fromEntries(Object.entries(theirs.query ?? {}).filter(([name]) => AUTH_PARAMS.includes(name.toLowerCase())))
    expect(ours).toEqual(theirAuth)
    sentUrl = withSignedQuery(c.url, ours)
  }

  // And Signet verifies what it signed.
  const sent = signetMessage(c, sentUrl, result.headers)
  const verified = await scheme.verifyRequest(sent, {
    key: (id) => lookupKey([key], id),
    crypto,
    nowMs: c.g.date,
    maxAgeSeconds: 300,
    clockSkewSeconds: 30,
    replayStore: undefined,
    required: undefined,
    body: bodyReader(sent.body, crypto),
  })
  expect(verified.base).toBe(result.base)
}

describe('sigv4 agrees with @smithy/signature-v4', () => {
  for (const form of ['header', 'query'] as const) {
    it(`on ${RUNS} random requests (${form} form)`, async () => {
      const crypto = await backendNamed(BACKEND_NAMES[0]!)
      await fc.assert(
        fc.asyncProperty(requestArb, (g) => check(buildCase(g, form), crypto)),
        { numRuns: RUNS },
      )
    })
  }
})
