/**
 * The five Python reference servers of this folder, for tests that drive them with the wrappers
 * (wrappers.node.test.ts in Node, Deno and Bun; wrappers-browser.test.ts in Chromium):
 *
 * - {@link REFERENCES}: for each server, its script and config, the key and preset a Signet client
 *   uses, the requests it must accept, the tampered ones it must refuse, and with which status.
 * - {@link startReferenceServers}: spawns all five (python3, stdlib only) and reads their ports.
 *   Node, Deno and Bun (node:child_process); tools/browser-global-setup.ts runs it for Chromium.
 * - {@link referenceProxy}: `/ref/<reference>/<mode>/…` → that Python server, transparently:
 *   the method, the path and query exactly as received (the `/ref/…` prefix included: the
 *   reference servers serve any path, and the path is what the client signed), the headers minus
 *   hop-by-hop and browser/CORS ones, and the body bytes; the answer comes back with CORS headers,
 *   and OPTIONS preflights are answered by the proxy. `<mode>` `tamper-body`, `tamper-query` and
 *   `tamper-response` change one byte of the body, the query, or the answer's body on the way;
 *   any other segment (e.g. `pass`) changes nothing.
 *
 * The proxy changes `Host` (it connects to the Python server's own port): none of the five schemes
 * covers the host (authorizationContentHmac: path and query; djangoHmac: body and date;
 * pipeCanonical: method, path, Content-Type, timestamp, body; aspnetWebApiHmac: method,
 * timestamp, path, query and form; bodyNonceHmac: body, and timestamp/nonce when bound).
 * The request target is re-serialized from a WHATWG URL by the proxy's server (Node, Deno, Bun
 * alike); the wrappers send WHATWG-serialized URLs (`'` in a query is sent as `%27`), on which that
 * is the identity, so what was signed is what the Python server receives.
 */
import { aspnetWebApiHmac, authorizationContentHmac, bodyNonceHmac, djangoHmac, pipeCanonical, type Scheme, type SigningKey } from '@signet/core'

export type RefBody = string | URLSearchParams | Uint8Array

export interface RefRequest {
  readonly name: string
  readonly method: string
  /** Path and query after the unique segment each request gets. */
  readonly path: string
  readonly headers?: Record<string, string>
  readonly body?: RefBody
}

/** A request refused by the reference server: changed on the wire, or signed wrongly on purpose. */
export interface RefRefusal {
  readonly name: string
  readonly request: RefRequest
  /** Reference status (shared/schemes/README.md). */
  readonly status: number
  /** The proxy changes one byte of this part after signing. */
  readonly tamper?: 'body' | 'query'
  /** Signed with this scheme instead of the reference's. */
  readonly scheme?: () => Scheme
  /** Signed with this key instead. */
  readonly key?: SigningKey
  /** Signed with a clock this far off. */
  readonly offsetMs?: number
}

export interface Reference {
  /** `/ref/<id>/…` on the proxy. */
  readonly id: string
  readonly title: string
  readonly script: string
  readonly config: object
  readonly env?: Record<string, string>
  readonly key: SigningKey
  readonly scheme: () => Scheme
  /** The server signs its responses (clients verify them with `verifyResponse: true`). */
  readonly responses: boolean
  /** The server hashes with its own current second: send early in a second. */
  readonly ownSecond?: boolean
  readonly accept: readonly RefRequest[]
  readonly refuse: readonly RefRefusal[]
}

const JSON_TYPE = { 'content-type': 'application/json' }
const FLASK_SECRET = 'your_secret_key'
const DJANGO_KEY = 'f4c3801c-a277-4fcb-92bb-44cb814026f6'
const DJANGO_SECRET = 'vEOQRdvaK4jyeLKGNP9oqpYTUvt/GZWbGG6iNmnDh8c='
const PIPE_SECRET = 'your-secure-secret-from-env'
const NONCE_SECRET = 'super-secret-key-change-in-production'

export const REFERENCES: readonly Reference[] = [
  {
    id: 'authorization-content-hmac',
    title: 'authorizationContentHmac (Flask hmac-examples): every failure 400',
    script: 'authorization_content_hmac_server.py',
    config: { secret: FLASK_SECRET },
    // The reference's clock is a naive UTC time read as local time: run it on a UTC host.
    env: { TZ: 'UTC0' },
    key: { id: 'flask', secret: FLASK_SECRET },
    scheme: () => authorizationContentHmac({ keyId: 'flask' }),
    responses: true,
    ownSecond: true,
    accept: [
      { name: 'GET with query', method: 'GET', path: '/example/users?user=test&institutionID=999' },
      { name: 'GET without query', method: 'GET', path: '/example/users' },
      { name: 'GET, encoded path, quote in the query', method: 'GET', path: "/example/us%65rs?q=a%20b&it's=1" },
      { name: 'POST JSON (body not covered)', method: 'POST', path: '/example/users', headers: JSON_TYPE, body: '{"a": 1}' },
    ],
    refuse: [
      { name: 'query byte changed', tamper: 'query', request: { name: 'GET', method: 'GET', path: '/example/users?id=1' }, status: 400 },
      { name: 'clock 10 minutes behind', offsetMs: -600_000, request: { name: 'GET', method: 'GET', path: '/example/users' }, status: 400 },
    ],
  },
  {
    id: 'django-hmac',
    title: 'djangoHmac (django_hmac_authentication): every failure 403',
    script: 'django_hmac_server.py',
    config: { keys: { [DJANGO_KEY]: DJANGO_SECRET } },
    key: { id: DJANGO_KEY, secret: DJANGO_SECRET },
    scheme: () => djangoHmac(),
    responses: false,
    accept: [
      { name: 'GET', method: 'GET', path: '/api/items/' },
      { name: 'POST JSON object (pretty-printed, 1.0, non-ASCII)', method: 'POST', path: '/api/items/', headers: JSON_TYPE, body: '{\n  "b": 1.0,\n  "a": "h\u00e9llo \ud83d\ude00",\n  "f": 1e-5, "z": [0.1, null, true]\n}' },
      { name: 'PUT JSON array', method: 'PUT', path: '/api/items/1/', headers: JSON_TYPE, body: '[1, "two", {"three": 3}]' },
      { name: 'PATCH {}', method: 'PATCH', path: '/api/items/1/', headers: JSON_TYPE, body: '{}' },
      { name: 'POST form (repeated key)', method: 'POST', path: '/api/items/', body: new URLSearchParams([['a', '1'], ['b', 'two words'], ['a', '3']]) },
      { name: 'DELETE', method: 'DELETE', path: '/api/items/1/' },
    ],
    refuse: [
      { name: 'JSON body byte changed', tamper: 'body', request: { name: 'POST', method: 'POST', path: '/api/items/', headers: JSON_TYPE, body: '{"amount": 100}' }, status: 403 },
      { name: 'form body byte changed', tamper: 'body', request: { name: 'POST', method: 'POST', path: '/api/items/', body: new URLSearchParams({ amount: '100' }) }, status: 403 },
      { name: 'date older than the 5 s timeout', offsetMs: -10_000, request: { name: 'GET', method: 'GET', path: '/api/items/' }, status: 403 },
    ],
  },
  {
    id: 'pipe-canonical',
    title: 'pipeCanonical: bad signature 401, bad or stale timestamp 400',
    script: 'pipe_canonical_server.py',
    config: { secret: PIPE_SECRET },
    key: { id: 'api', secret: PIPE_SECRET },
    scheme: () => pipeCanonical({ keyId: 'api' }),
    responses: false,
    accept: [
      { name: 'POST JSON', method: 'POST', path: '/api/transfer', headers: JSON_TYPE, body: '{"from":"A","to":"B","amount":100}' },
      { name: 'POST string, no Content-Type given', method: 'POST', path: '/api/transfer', body: 'amount=100' },
      { name: 'POST bytes', method: 'POST', path: '/api/transfer', headers: { 'content-type': 'application/octet-stream' }, body: new TextEncoder().encode('{"a":1}') },
      { name: 'POST, encoded path, JSON with charset', method: 'POST', path: '/api/tr%61nsfer?not=covered', headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"x":"\u00e9"}' },
      { name: 'GET', method: 'GET', path: '/api/items' },
      // No default type from axios for DELETE: fetch and XMLHttpRequest add text/plain, which is signed.
      { name: 'DELETE with a string body, no Content-Type given', method: 'DELETE', path: '/api/items/1', body: 'id=1' },
    ],
    refuse: [
      { name: 'body byte changed', tamper: 'body', request: { name: 'POST', method: 'POST', path: '/api/transfer', headers: JSON_TYPE, body: '{"amount":1}' }, status: 401 },
      { name: 'timestamp 2 minutes old', offsetMs: -120_000, request: { name: 'POST', method: 'POST', path: '/api/transfer', headers: JSON_TYPE, body: '{"amount":1}' }, status: 400 },
    ],
  },
  {
    id: 'aspnet-webapi-hmac',
    title: 'aspnetWebApiHmac (WebAPI.Hmac): every failure 401',
    script: 'aspnet_webapi_hmac_server.py',
    config: { users: { cuongle: 'password' } },
    key: { id: 'cuongle', secret: 'password' },
    scheme: () => aspnetWebApiHmac(),
    responses: false,
    accept: [
      { name: 'GET, no params', method: 'GET', path: '/webapi.hmac/api/values' },
      { name: 'GET, mixed-case encoded path, repeated query key', method: 'GET', path: '/WebAPI.Hmac/api/Values/a%20b?id=7&b=2&b=1' },
      { name: 'POST form + query params', method: 'POST', path: '/webapi.hmac/api/values?key2=value2', body: new URLSearchParams({ key1: 'value1', key3: 'value 3' }) },
      { name: 'POST JSON (body not covered)', method: 'POST', path: '/webapi.hmac/api/values', headers: JSON_TYPE, body: '{"json":"not covered"}' },
    ],
    refuse: [
      { name: 'query byte changed', tamper: 'query', request: { name: 'GET', method: 'GET', path: '/webapi.hmac/api/values?id=7' }, status: 401 },
      { name: 'form byte changed', tamper: 'body', request: { name: 'POST', method: 'POST', path: '/webapi.hmac/api/values', body: new URLSearchParams({ amount: '100' }) }, status: 401 },
      { name: 'wrong password', key: { id: 'cuongle', secret: 'wrong' }, request: { name: 'GET', method: 'GET', path: '/webapi.hmac/api/values' }, status: 401 },
    ],
  },
  {
    id: 'body-nonce-hmac',
    title: 'bodyNonceHmac: bad signature 401, missing/stale header or reused nonce 400',
    script: 'body_nonce_hmac_server.py',
    config: { secret: NONCE_SECRET },
    key: { id: 'hook', secret: NONCE_SECRET },
    scheme: () => bodyNonceHmac({ keyId: 'hook' }),
    responses: false,
    accept: [
      { name: 'POST JSON', method: 'POST', path: '/webhook', headers: JSON_TYPE, body: '{"amount": 100, "to": "B"}' },
      { name: 'PUT JSON', method: 'PUT', path: '/webhook', headers: JSON_TYPE, body: '{"a":1}' },
      { name: 'PATCH bytes', method: 'PATCH', path: '/webhook', headers: { 'content-type': 'application/octet-stream' }, body: new Uint8Array([0, 255, 1]) },
      { name: 'GET (not checked)', method: 'GET', path: '/webhook' },
    ],
    refuse: [
      { name: 'body byte changed', tamper: 'body', request: { name: 'POST', method: 'POST', path: '/webhook', headers: JSON_TYPE, body: '{"a":1}' }, status: 401 },
      { name: 'timestamp 20 minutes old', offsetMs: -1_200_000, request: { name: 'POST', method: 'POST', path: '/webhook', headers: JSON_TYPE, body: '{"a":1}' }, status: 400 },
      {
        name: 'the bound variant (not understood by the reference, as documented)',
        scheme: () => bodyNonceHmac({ keyId: 'hook', bound: true }),
        request: { name: 'POST', method: 'POST', path: '/webhook', headers: JSON_TYPE, body: '{"a":1}' },
        status: 401,
      },
    ],
  },
]

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

let counter = 0
/** A path segment no other request of this run has (the ASP.NET reference refuses a signature twice). */
export function uniqueSegment(): string {
  counter++
  return `/u${Date.now().toString(36)}${counter.toString(36)}${Math.random().toString(36).slice(2, 6)}`
}

// ---------------------------------------------------------------------------------------------
// Python processes (Node, Deno, Bun)

const HERE = decodeURIComponent(new URL('.', import.meta.url).pathname)

export interface PythonServer {
  readonly url: string
  stop(): Promise<void>
}

/** Runs `script` (a reference server of this folder) with python3 and waits for its port. */
export async function startPython(script: string, config: object, env: Record<string, string> = {}): Promise<PythonServer> {
  const [{ spawn }, nodeProcess] = await Promise.all([import('node:child_process'), import('node:process')])
  const child = spawn('python3', ['-B', HERE + script, JSON.stringify(config)], { cwd: HERE, env: { ...nodeProcess.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  // Never leave a reference server behind, even if the test process ends without stopping it.
  const killOnExit = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  }
  nodeProcess.default.once('exit', killOnExit)
  let stderr = ''
  child.stderr!.on('data', (d: Uint8Array) => {
    stderr += new TextDecoder().decode(d)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`${script} did not start within 10 s: ${stderr}`)), 10_000)
      child.stdout!.on('data', (d: Uint8Array) => {
        out += new TextDecoder().decode(d)
        if (out.includes('\n')) {
          clearTimeout(timer)
          resolve((JSON.parse(out.split('\n')[0]!) as { port: number }).port)
        }
      })
      child.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`${script} exited with ${code}: ${stderr}`))
      })
      child.once('error', (err) => {
        clearTimeout(timer)
        reject(new Error(`cannot run python3 for ${script}: ${err.message}`))
      })
    })
    return {
      url: `http://127.0.0.1:${port}`,
      async stop() {
        nodeProcess.default.off('exit', killOnExit)
        killOnExit()
        await exited
      },
    }
  } catch (err) {
    nodeProcess.default.off('exit', killOnExit)
    killOnExit()
    throw err
  }
}

export interface ReferenceServers {
  /** Reference id → `http://127.0.0.1:<port>` of its Python server. */
  readonly targets: ReadonlyMap<string, string>
  stop(): Promise<void>
}

/** Starts the five Python reference servers (all or none). */
export async function startReferenceServers(): Promise<ReferenceServers> {
  const started = await Promise.allSettled(REFERENCES.map((r) => startPython(r.script, r.config, r.env)))
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []))
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected')
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((s) => s.stop()))
  }
  if (failed) {
    await stop()
    throw failed.reason
  }
  return { targets: new Map(REFERENCES.map((r, i) => [r.id, servers[i]!.url])), stop }
}

// ---------------------------------------------------------------------------------------------
// The transparent CORS (and tampering) proxy

/** Where {@link referenceProxy} is mounted. */
export const REFERENCE_MOUNT = '/ref'

/** Request headers not forwarded: hop-by-hop, framing, and what the browser adds for CORS. */
const NOT_FORWARDED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'te', 'upgrade', 'proxy-connection', 'origin', 'referer', 'accept-encoding'])
/** Response headers not passed back: hop-by-hop and framing (the body is sent again whole). */
const NOT_RETURNED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding'])
/** Response headers of the reference servers a browser must be allowed to read. */
const EXPOSED = 'x-response-content-timestamp, x-response-content-hmac, date'

function forwarded(name: string): boolean {
  return !NOT_FORWARDED.has(name) && !name.startsWith('sec-') && !name.startsWith('access-control-')
}

function cors(request: Request): Record<string, string> {
  return {
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
    // Echoed rather than `*`, which does not cover Authorization (djangoHmac).
    'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? '*',
    'access-control-max-age': '600',
  }
}

/**
 * `/ref/<reference>/<mode>/…` → that reference server (see the top of this file). Unknown
 * references answer 404; a proxy without servers (python3 missing) answers 503 with `reason`.
 */
export function referenceProxy(targets: ReadonlyMap<string, string> | undefined, reason = 'the reference servers are not running'): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors(request) })
    const url = new URL(request.url)
    const [, , id, mode] = url.pathname.split('/')
    const plain = { 'access-control-allow-origin': '*', 'content-type': 'text/plain' }
    if (!targets) return new Response(reason, { status: 503, headers: plain })
    const target = targets.get(id ?? '')
    if (!target) return new Response(`no reference server ${JSON.stringify(id)}`, { status: 404, headers: plain })

    let body: Uint8Array | undefined = request.body ? new Uint8Array(await request.arrayBuffer()) : undefined
    if (body?.byteLength === 0) body = undefined
    if (mode === 'tamper-body') {
      if (!body) return new Response('tamper-body: the request has no body', { status: 500, headers: plain })
      body = tamperBytes(body)
    }
    let search = url.search
    if (mode === 'tamper-query') {
      if (!search) return new Response('tamper-query: the request has no query', { status: 500, headers: plain })
      search = new TextDecoder().decode(tamperBytes(new TextEncoder().encode(search)))
    }
    const headers = new Headers()
    request.headers.forEach((value, name) => {
      if (forwarded(name)) headers.set(name, value)
    })
    const upstream = await fetch(target + url.pathname + search, { method: request.method, headers, body: body as BodyInit | undefined, redirect: 'manual' })
    const answer = new Uint8Array(await upstream.arrayBuffer())
    if (mode === 'tamper-response' && answer.byteLength > 0) answer[answer.byteLength >> 1] = answer[answer.byteLength >> 1]! ^ 0x01
    const out = new Headers()
    upstream.headers.forEach((value, name) => {
      if (!NOT_RETURNED.has(name)) out.set(name, value)
    })
    out.set('access-control-allow-origin', '*')
    out.set('access-control-expose-headers', EXPOSED)
    return new Response(answer.byteLength > 0 ? (answer as BodyInit) : null, { status: upstream.status, headers: out })
  }
}
