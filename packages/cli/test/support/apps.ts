/**
 * One verifying server application per scheme, in the pattern of core's test/support/app.ts:
 * every request is verified with core's `verifyRequest`; the answer is 200 with what was
 * verified, or 401 with `{ ok: false, code, message, details }` (details.base is the base the
 * server rebuilt, as Signet servers report it); responses are signed where the scheme can.
 *
 * Some paths stand for a middlebox that changes the request before the verifier sees it, to
 * produce the mismatches `signet diff` must explain:
 *   /reencode/…     the query's %20 becomes +            (a proxy re-encoding the query)
 *   /extra-param/…  &proxy=1 is appended to the query    (a proxy adding a parameter)
 *   /reserialize/…  a JSON body is re-serialized compactly (a client library / proxy)
 *   /mutate-body/…  a JSON body gets one more field
 *   /echo-secret    answers with a body that contains the secret (output redaction)
 * The app records each request as received (before any change), to write raw captures from.
 */
import {
  aspnetWebApiHmac,
  authorizationContentHmac,
  bodyNonceHmac,
  djangoHmac,
  isSignetError,
  pipeCanonical,
  rfc9421,
  signResponse,
  sigv4,
  verifyRequest,
  type Scheme,
  type SigningKey,
} from '../../../core/src/index.ts'
import { registerSecret } from './cli.ts'

/** The shared secret of every scheme but djangoHmac. Registered: no CLI output may contain it. */
export const SECRET = 'cli-test-secret-7f3a9c41-never-printed'
/** djangoHmac's api_secret is base64 text of 32 bytes, as the server issues it. */
export const DJANGO_SECRET = 'q7pN0vX3mYbZ2dE5hJ8kL1oQ4rT6uW9yA2cF5gH8jK0='
registerSecret(SECRET)
registerSecret(DJANGO_SECRET)

export type SchemeId = 'rfc9421' | 'sigv4' | 'authorizationContentHmac' | 'djangoHmac' | 'pipeCanonical' | 'aspnetWebApiHmac' | 'bodyNonceHmac'

export interface SchemeCase {
  id: SchemeId
  /** Scheme flags for sign/explain/diff. */
  flags: string[]
  /** Scheme flags for verify (key id where the scheme sends none is the default). */
  verifyFlags: string[]
  env: Record<string, string>
  secret: string
  server: () => Scheme
  keys: SigningKey[]
  responses: boolean
}

export const CASES: SchemeCase[] = [
  {
    id: 'rfc9421',
    flags: ['--scheme', 'rfc9421', '--key-id', 'cli-key'],
    verifyFlags: ['--scheme', 'rfc9421'],
    env: { SIGNET_SECRET: SECRET },
    secret: SECRET,
    server: () => rfc9421(),
    keys: [{ id: 'cli-key', secret: SECRET }],
    responses: true,
  },
  {
    id: 'sigv4',
    flags: ['--scheme', 'sigv4', '--region', 'us-east-1', '--service', 'execute-api', '--key-id', 'AKIDCLITEST'],
    verifyFlags: ['--scheme', 'sigv4', '--region', 'us-east-1', '--service', 'execute-api'],
    env: { SIGNET_SECRET: SECRET },
    secret: SECRET,
    server: () => sigv4({ region: 'us-east-1', service: 'execute-api' }),
    keys: [{ id: 'AKIDCLITEST', secret: SECRET }],
    responses: false,
  },
  {
    id: 'authorizationContentHmac',
    flags: ['--scheme', 'authorizationContentHmac'],
    verifyFlags: ['--scheme', 'authorizationContentHmac'],
    env: { SIGNET_SECRET: SECRET },
    secret: SECRET,
    server: () => authorizationContentHmac({ keyId: 'signet-cli' }),
    keys: [{ id: 'signet-cli', secret: SECRET }],
    responses: true,
  },
  {
    id: 'djangoHmac',
    flags: ['--scheme', 'djangoHmac', '--key-id', 'cli-api-key'],
    verifyFlags: ['--scheme', 'djangoHmac', '--window', '600'],
    env: { SIGNET_SECRET: DJANGO_SECRET },
    secret: DJANGO_SECRET,
    server: () => djangoHmac({ windowSeconds: 60 }),
    keys: [{ id: 'cli-api-key', secret: DJANGO_SECRET }],
    responses: false,
  },
  {
    id: 'pipeCanonical',
    flags: ['--scheme', 'pipeCanonical'],
    verifyFlags: ['--scheme', 'pipeCanonical'],
    env: { SIGNET_SECRET: SECRET },
    secret: SECRET,
    server: () => pipeCanonical({ keyId: 'signet-cli' }),
    keys: [{ id: 'signet-cli', secret: SECRET }],
    responses: false,
  },
  {
    id: 'aspnetWebApiHmac',
    flags: ['--scheme', 'aspnetWebApiHmac', '--username', 'cli-user'],
    verifyFlags: ['--scheme', 'aspnetWebApiHmac'],
    env: { SIGNET_SECRET: SECRET },
    secret: SECRET,
    server: () => aspnetWebApiHmac(),
    keys: [{ id: 'cli-user', secret: SECRET }],
    responses: false,
  },
  {
    id: 'bodyNonceHmac',
    flags: ['--scheme', 'bodyNonceHmac'],
    verifyFlags: ['--scheme', 'bodyNonceHmac'],
    env: { SIGNET_SECRET: SECRET },
    secret: SECRET,
    server: () => bodyNonceHmac({ keyId: 'signet-cli' }),
    keys: [{ id: 'signet-cli', secret: SECRET }],
    responses: false,
  },
]

/** A request as the server received it, before any middlebox change. */
export interface Received {
  method: string
  /** Path and query, as received. */
  target: string
  headers: [string, string][]
  body: Uint8Array | undefined
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A raw HTTP/1.1 request (CRLF line ends) of what the server received. */
export function rawRequest(r: Received, edit: { headers?: (h: [string, string][]) => [string, string][]; body?: Uint8Array } = {}): Uint8Array {
  const headers = edit.headers ? edit.headers(r.headers) : r.headers
  const head = `${r.method} ${r.target} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}`).join('\r\n')}\r\n\r\n`
  const body = edit.body ?? r.body ?? new Uint8Array(0)
  const out = new Uint8Array(encoder.encode(head).byteLength + body.byteLength)
  out.set(encoder.encode(head))
  out.set(body, encoder.encode(head).byteLength)
  return out
}

export interface SchemeApp {
  handler: (request: Request) => Promise<Response>
  received: Received[]
}

function middlebox(url: URL, body: Uint8Array | undefined): { url: URL; body: Uint8Array | undefined } {
  const out = new URL(url.href)
  let b = body
  if (url.pathname.startsWith('/reencode/')) out.search = url.search.replace(/%20/g, '+')
  if (url.pathname.startsWith('/extra-param/')) out.search = `${url.search ? `${url.search}&` : '?'}proxy=1`
  if (url.pathname.startsWith('/reserialize/') && b) b = encoder.encode(JSON.stringify(JSON.parse(decoder.decode(b))))
  if (url.pathname.startsWith('/mutate-body/') && b) b = encoder.encode(JSON.stringify({ ...JSON.parse(decoder.decode(b)), addedByProxy: true }))
  return { url: out, body: b }
}

export function schemeApp(c: SchemeCase): SchemeApp {
  const received: Received[] = []
  const scheme = c.server()
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const bytes = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined
    const headers: [string, string][] = []
    request.headers.forEach((v, k) => headers.push([k, v]))
    if (!headers.some(([k]) => k === 'host')) headers.unshift(['host', url.host])
    received.push({ method: request.method, target: url.pathname + url.search, headers, body: bytes })
    if (url.pathname === '/echo-secret') {
      return new Response(`the server echoes ${c.secret} back`, { status: 200, headers: { 'content-type': 'text/plain' } })
    }
    const changed = middlebox(url, bytes)
    let status = 200
    let payload: Record<string, unknown>
    try {
      const verified = await verifyRequest({ method: request.method, url: changed.url.href, headers: request.headers, ...(changed.body ? { body: changed.body } : {}) }, { keys: c.keys, scheme })
      payload = { ok: true, keyId: verified.keyId, covered: verified.covered, bodyLength: changed.body?.byteLength ?? 0 }
    } catch (err) {
      if (!isSignetError(err)) throw err
      status = 401
      payload = { ok: false, code: err.code, message: err.message, details: err.details }
    }
    const body = JSON.stringify(payload)
    const out: Record<string, string> = { 'content-type': 'application/json' }
    if (c.responses) {
      const signed = await signResponse({ status, headers: out, body }, { key: c.keys[0]!, scheme, request: { method: request.method, url: request.url, headers: request.headers } })
      Object.assign(out, signed.headers)
    }
    return new Response(body, { status, headers: out })
  }
  return { handler, received }
}
