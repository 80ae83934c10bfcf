/**
 * Every preset of `@signet/core` end to end through the wrappers, shared by
 * packages/fetch/test/presets.test.ts, packages/axios/test/presets.test.ts and the browser
 * project's global setup (tools/browser-global-setup.ts mounts {@link presetsApp} at `/presets/`).
 *
 * - {@link PRESETS}: for each preset, the key, the scheme (signer and verifier built with the same
 *   options), whether the verifier keeps a replay store, whether the scheme signs responses, the
 *   status its reference server answers for each failure, the requests a client must get accepted
 *   and the tampered requests it must get rejected.
 * - {@link presetsApp}: a Web-handler server that verifies with core's `verifyRequest` (a replay
 *   store where the scheme has nonces, or where its reference server keeps one), answers with the
 *   reference statuses, and signs its responses with `signResponse` where the scheme defines them.
 * - {@link tamperBytes} / {@link tamperUrl}: change one covered byte of what was signed, for the
 *   test's custom `fetch` (fetch) or adapter (axios) placed after signing, where bytes are sent.
 *
 * Everything is imported from `@signet/core` as the wrappers import it (its built dist): the
 * schemes a user passes to createSignedFetch / signAxios. Browser-safe (no node: modules).
 */
import {
  aspnetWebApiHmac,
  authorizationContentHmac,
  bodyNonceHmac,
  djangoHmac,
  isSignetError,
  memoryReplayStore,
  pipeCanonical,
  rfc9421,
  signResponse,
  sigv4,
  verifyRequest,
  type MessageRequest,
  type ReplayStore,
  type Scheme,
  type SigningKey,
} from '@signet/core'

/** Where {@link presetsApp} is mounted, in every runtime. */
export const PRESETS_MOUNT = '/presets'

export type PresetBody = string | URLSearchParams | Uint8Array

/** One request a client sends through a wrapper. */
export interface PresetRequest {
  readonly name: string
  readonly method: string
  /** Path (and query) after `/presets/<preset>/<route>/<unique segment>`; '' for none. */
  readonly path: string
  readonly headers?: Record<string, string>
  readonly body?: PresetBody
}

/** A request with one covered byte changed after signing, and what the verifier must say. */
export interface TamperCase {
  /** `body`: a byte of the body ({@link tamperBytes}); `query`: a byte of the query ({@link tamperUrl}). */
  readonly part: 'body' | 'query'
  readonly request: PresetRequest
  /** The SignetError code the verifier reports. */
  readonly code: string
}

export interface Preset {
  /** Route segment: `/presets/<id>/…`. */
  readonly id: string
  readonly title: string
  readonly key: SigningKey
  /** The scheme for the client; {@link Preset.verifierScheme} (default: the same) for the server. */
  readonly scheme: () => Scheme
  readonly verifierScheme?: () => Scheme
  /** The verifier keeps a replay store (nonce schemes, and schemes whose reference server caches signatures). */
  readonly replay: boolean
  /** The scheme signs responses: the server signs them, and clients can use `verifyResponse: true`. */
  readonly responses: boolean
  /** Status the scheme's reference server answers for a failure with this SignetError code. */
  readonly status: (code: string) => number
  readonly requests: readonly PresetRequest[]
  readonly tampers: readonly TamperCase[]
}

const JSON_TYPE = { 'content-type': 'application/json' }
/** A pretty-printed JSON body whose compact re-serialization differs (spaces, `1.0`, non-ASCII). */
const PRETTY_JSON = '{\n  "amount": 100,\n  "ratio": 1.0,\n  "who": "h\u00e9llo \ud83d\ude00",\n  "tags": ["a", "b"]\n}'

/** Bodies every body-covering preset is tried with. */
const jsonPost: PresetRequest = { name: 'POST JSON', method: 'POST', path: '/orders?id=7', headers: JSON_TYPE, body: '{"amount":100,"to":"B"}' }
const textPost: PresetRequest = { name: 'POST string, no Content-Type given', method: 'POST', path: '/notes', body: 'amount=100 plain text' }
const formPost: PresetRequest = { name: 'POST form', method: 'POST', path: '/form?x=1', body: new URLSearchParams([['amount', '100'], ['to', 'two words'], ['amount', '300']]) }
const bytesPut: PresetRequest = { name: 'PUT bytes', method: 'PUT', path: '/blob', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 1, 2, 0xff, 0x31, 0x32]) }
const getQuery: PresetRequest = { name: 'GET with query', method: 'GET', path: '/items?id=7&q=a%20b&b=2&b=1' }
const getPlain: PresetRequest = { name: 'GET', method: 'GET', path: '/items' }
const deleteOne: PresetRequest = { name: 'DELETE', method: 'DELETE', path: '/items/1' }
/**
 * A string body and no Content-Type on a method axios gives no default type: fetch and
 * XMLHttpRequest send `text/plain;charset=UTF-8` (signed by schemes that cover Content-Type), the
 * axios http adapter sends none.
 */
const deleteText: PresetRequest = { name: 'DELETE with a string body, no Content-Type given', method: 'DELETE', path: '/items/2', body: 'id=2' }

/** 401 for every failure: what Signet's own servers answer (RFC 9421 has no reference server). */
const always = (status: number) => () => status

const AWS_KEY: SigningKey = { id: 'AKIDEXAMPLE', secret: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }
const AWS_SCOPE = { region: 'us-east-1', service: 'execute-api' }

export const PRESETS: readonly Preset[] = [
  {
    id: 'rfc9421',
    title: 'rfc9421() (default)',
    key: { id: 'presets-rfc9421', secret: 'presets rfc9421 shared secret 32B' },
    scheme: () => rfc9421(),
    replay: true,
    responses: true,
    status: always(401),
    requests: [getQuery, getPlain, jsonPost, textPost, formPost, bytesPut, deleteOne, deleteText],
    tampers: [
      { part: 'body', request: jsonPost, code: 'digest_mismatch' },
      { part: 'query', request: getQuery, code: 'signature_mismatch' },
    ],
  },
  {
    id: 'sigv4',
    title: 'sigv4 (Authorization header)',
    key: AWS_KEY,
    scheme: () => sigv4(AWS_SCOPE),
    replay: false,
    responses: false,
    // AWS answers 403 (SignatureDoesNotMatch, RequestExpired…) to every signature failure.
    status: always(403),
    requests: [getQuery, getPlain, jsonPost, textPost, formPost, bytesPut, deleteOne, deleteText],
    tampers: [
      { part: 'body', request: jsonPost, code: 'signature_mismatch' },
      { part: 'query', request: getQuery, code: 'signature_mismatch' },
    ],
  },
  {
    id: 'sigv4-presigned',
    title: 'sigv4 (presigned URL, signQuery)',
    key: AWS_KEY,
    scheme: () => sigv4({ ...AWS_SCOPE, signQuery: { expiresInSeconds: 60 } }),
    // The verifier accepts both forms; it is given the plain options, as a server would be.
    verifierScheme: () => sigv4(AWS_SCOPE),
    replay: false,
    responses: false,
    status: always(403),
    requests: [getQuery, getPlain, jsonPost, bytesPut],
    tampers: [
      { part: 'query', request: getQuery, code: 'signature_mismatch' },
      { part: 'body', request: jsonPost, code: 'signature_mismatch' },
    ],
  },
  {
    id: 'authorization-content-hmac',
    title: 'authorizationContentHmac (requests + responses)',
    key: { id: 'flask', secret: 'your_secret_key' },
    scheme: () => authorizationContentHmac({ keyId: 'flask' }),
    replay: false,
    responses: true,
    status: always(400),
    requests: [
      getQuery,
      getPlain,
      // The wrappers send `'` in a query as `%27` (WHATWG URL serialization) and sign that, so a
      // Signet server, which sees the WHATWG-serialized URL too, agrees. A client that sends `'`
      // raw cannot be verified by a Signet server on a Web `Request` (see presets.test.ts).
      { name: 'GET with an encoded path and a quote in the query', method: 'GET', path: "/us%65rs/a%20b?q=it's&n=1" },
      jsonPost,
    ],
    tampers: [{ part: 'query', request: getQuery, code: 'signature_mismatch' }],
  },
  {
    id: 'django-hmac',
    title: 'djangoHmac',
    key: { id: 'f4c3801c-a277-4fcb-92bb-44cb814026f6', secret: 'vEOQRdvaK4jyeLKGNP9oqpYTUvt/GZWbGG6iNmnDh8c=' },
    scheme: () => djangoHmac(),
    replay: false,
    responses: false,
    status: (code) => (code === 'invalid_input' ? 400 : 403),
    requests: [
      { name: 'POST JSON object (pretty-printed)', method: 'POST', path: '/api/items/', headers: JSON_TYPE, body: PRETTY_JSON },
      { name: 'PUT JSON array', method: 'PUT', path: '/api/items/1/', headers: JSON_TYPE, body: '[1, "two", {"three": 3.50}]' },
      { name: 'PATCH {}', method: 'PATCH', path: '/api/items/1/', headers: JSON_TYPE, body: '{}' },
      { name: 'POST form (repeated key: last value)', method: 'POST', path: '/api/items/', body: new URLSearchParams([['a', '1'], ['b', 'two words'], ['a', '3']]) },
      { name: 'GET', method: 'GET', path: '/api/items/' },
      { name: 'DELETE', method: 'DELETE', path: '/api/items/1/' },
    ],
    tampers: [
      { part: 'body', request: { name: 'POST JSON', method: 'POST', path: '/api/items/', headers: JSON_TYPE, body: '{"amount": 100}' }, code: 'signature_mismatch' },
      { part: 'body', request: { name: 'POST form', method: 'POST', path: '/api/items/', body: new URLSearchParams({ amount: '100' }) }, code: 'signature_mismatch' },
    ],
  },
  {
    id: 'pipe-canonical',
    title: 'pipeCanonical',
    key: { id: 'api', secret: 'your-secure-secret-from-env' },
    scheme: () => pipeCanonical({ keyId: 'api' }),
    replay: false,
    responses: false,
    status: (code) => (code === 'signature_mismatch' ? 401 : 400),
    requests: [
      jsonPost,
      textPost,
      { name: 'POST bytes (no Content-Type)', method: 'POST', path: '/api/transfer', body: new TextEncoder().encode('{"a":1}') },
      { name: 'POST JSON with charset, encoded path', method: 'POST', path: '/api/tr%61nsfer?not=covered', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"x":"\u00e9"}' },
      getPlain,
      deleteText,
    ],
    tampers: [
      { part: 'body', request: jsonPost, code: 'signature_mismatch' },
      { part: 'body', request: textPost, code: 'signature_mismatch' },
    ],
  },
  {
    id: 'aspnet-webapi-hmac',
    title: 'aspnetWebApiHmac',
    key: { id: 'cuongle', secret: 'password' },
    scheme: () => aspnetWebApiHmac(),
    // The reference server caches every signature for 5 minutes (a replayed one is refused).
    replay: true,
    responses: false,
    status: always(401),
    requests: [
      { name: 'GET, no params', method: 'GET', path: '/api/values' },
      { name: 'GET with query params (repeated key)', method: 'GET', path: '/Api/Values/a%20b?id=7&b=2&b=1' },
      { name: 'POST form + query params', method: 'POST', path: '/api/values?key2=value2', body: new URLSearchParams({ key1: 'value1', key3: 'value 3' }) },
      { name: 'POST JSON (body not covered)', method: 'POST', path: '/api/values', headers: JSON_TYPE, body: '{"json":"not covered"}' },
    ],
    tampers: [
      { part: 'query', request: { name: 'GET with query', method: 'GET', path: '/api/values?id=7' }, code: 'signature_mismatch' },
      { part: 'body', request: { name: 'POST form', method: 'POST', path: '/api/values', body: new URLSearchParams({ amount: '100' }) }, code: 'signature_mismatch' },
    ],
  },
  {
    id: 'body-nonce-hmac',
    title: 'bodyNonceHmac (reference)',
    key: { id: 'hook', secret: 'super-secret-key-change-in-production' },
    scheme: () => bodyNonceHmac({ keyId: 'hook' }),
    replay: true,
    responses: false,
    status: (code) => (code === 'signature_mismatch' ? 401 : 400),
    requests: [jsonPost, bytesPut, { name: 'PATCH string', method: 'PATCH', path: '/hook', body: 'x=1' }, { name: 'GET (not a protected method)', method: 'GET', path: '/hook' }],
    tampers: [{ part: 'body', request: jsonPost, code: 'signature_mismatch' }],
  },
  {
    id: 'body-nonce-hmac-bound',
    title: 'bodyNonceHmac({ bound: true })',
    key: { id: 'hook', secret: 'super-secret-key-change-in-production' },
    scheme: () => bodyNonceHmac({ keyId: 'hook', bound: true }),
    replay: true,
    responses: false,
    status: (code) => (code === 'signature_mismatch' ? 401 : 400),
    requests: [jsonPost, bytesPut, { name: 'PATCH string', method: 'PATCH', path: '/hook', body: 'x=1' }],
    tampers: [{ part: 'body', request: jsonPost, code: 'signature_mismatch' }],
  },
]

/** What the server answers (as JSON): what it verified, and what it received. */
export interface PresetEcho {
  ok: boolean
  code?: string
  message?: string
  covered?: string[]
  keyId?: string
  method: string
  path: string
  query: string
  contentType: string | null
  /** The body as received, decoded as UTF-8 (lossy), or null without a body. */
  bodyText: string | null
}

/** Response headers a browser must be allowed to read. */
const EXPOSED = ['signature', 'signature-input', 'content-digest', 'x-response-content-hmac', 'x-response-content-timestamp', 'date']

function cors(request: Request): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
    // Echoed rather than `*`: the wildcard does not cover Authorization (djangoHmac, sigv4).
    'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? '*',
    'access-control-max-age': '600',
  }
}

/** Changes one byte: the last ASCII digit (keeps JSON and forms well-formed), else one bit of the middle byte. */
export function tamperBytes(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice()
  for (let i = out.length - 1; i >= 0; i--) {
    const b = out[i]!
    if (b >= 0x30 && b <= 0x39) {
      out[i] = b === 0x39 ? 0x30 : b + 1
      return out
    }
  }
  if (out.length === 0) throw new Error('tamperBytes: nothing to tamper with')
  out[out.length >> 1] = out[out.length >> 1]! ^ 0x01
  return out
}

/** Changes the last digit of the query of `url` (the test requests have one). */
export function tamperUrl(url: string): string {
  const at = url.indexOf('?')
  if (at < 0) throw new Error(`tamperUrl: ${url} has no query`)
  const query = new TextDecoder().decode(tamperBytes(new TextEncoder().encode(url.slice(at))))
  return url.slice(0, at) + query
}

/** The text of a request body as sent (URLSearchParams as fetch and axios serialize them). */
export function bodyText(body: PresetBody | undefined): string | null {
  if (body === undefined) return null
  if (body instanceof Uint8Array) return new TextDecoder().decode(body)
  return body.toString()
}

let counter = 0
/** A path segment no other request of this run has: no two requests have the same signature (replay stores). */
export function unique(): string {
  counter++
  return `u${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`
}

/** The URL of a request of a preset: `<base>/<preset>/<route>/<unique><path>`. */
export function presetUrl(base: string, preset: Preset, route: 'echo' | 'tamper-response', request: PresetRequest): string {
  return `${base}/${preset.id}/${route}/${unique()}${request.path}`
}

interface Verifier {
  readonly preset: Preset
  readonly scheme: Scheme
  readonly replayStore: ReplayStore | undefined
}

/**
 * The server: `/presets/<preset>/echo/…` verifies the request with that preset and answers with a
 * {@link PresetEcho} (200, or the reference status of the failure); `/presets/<preset>/tamper-response/…`
 * does the same, then changes one byte of the body after signing the response. Responses are
 * signed (bound to the request for rfc9421) when the scheme defines response signatures.
 */
export function presetsApp(): (request: Request) => Promise<Response> {
  const verifiers = new Map<string, Verifier>()
  for (const preset of PRESETS) {
    verifiers.set(preset.id, { preset, scheme: (preset.verifierScheme ?? preset.scheme)(), replayStore: preset.replay ? memoryReplayStore() : undefined })
  }
  return async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors(request) })
    const url = new URL(request.url)
    const [, mount, id, route] = url.pathname.split('/')
    const verifier = verifiers.get(id ?? '')
    if (`/${mount}` !== PRESETS_MOUNT || !verifier || (route !== 'echo' && route !== 'tamper-response')) {
      return new Response('not found', { status: 404, headers: cors(request) })
    }
    const { preset, scheme, replayStore } = verifier
    const bytes = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined
    const message: MessageRequest = { method: request.method, url: request.url, headers: request.headers, body: bytes }
    const echo: PresetEcho = {
      ok: false,
      method: request.method,
      path: url.pathname,
      query: url.search,
      contentType: request.headers.get('content-type'),
      bodyText: bytes ? new TextDecoder().decode(bytes) : null,
    }
    let status = 200
    try {
      const v = await verifyRequest(message, { keys: [preset.key], scheme, ...(replayStore ? { replayStore } : {}) })
      Object.assign(echo, { ok: true, covered: v.covered, keyId: v.keyId })
    } catch (err) {
      if (!isSignetError(err)) throw err
      status = preset.status(err.code)
      Object.assign(echo, { code: err.code, message: err.message })
    }
    const body = new TextEncoder().encode(JSON.stringify(echo))
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (preset.responses) {
      const signed = await signResponse({ status, headers, body }, { key: preset.key, scheme, request: message })
      Object.assign(headers, signed.headers)
    }
    if (route === 'tamper-response') body[body.length - 2] = body[body.length - 2]! ^ 0x01
    return new Response(body as BodyInit, {
      status,
      headers: { ...headers, 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED.join(', ') },
    })
  }
}
