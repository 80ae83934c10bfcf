import { isSignetError, memoryReplayStore, signResponse, verifyRequest, type SigningKey, type Verified } from '../../../core/src/index.ts'

/** The key the axios tests and their server share. */
export const AXIOS_TEST_KEY: SigningKey = { id: 'axios-test-key', secret: 'axios loopback shared secret, 32B' }

/** A JSON body whose bytes are not what `JSON.stringify(JSON.parse(body))` gives back. */
export const RAW_JSON = '{"a":1.0,  "b" : [ ]}'
/** A UTF-8 BOM, then JSON with a non-ASCII character. */
export const BOM_JSON = '\uFEFF{"word":"h\u00e9llo"}'

/** CORS for the browser tests, which call this server from the Vite origin. */
export const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': '*',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
  'access-control-expose-headers': 'signature, signature-input, content-digest, date',
}

/** What the echo routes tell about the request they received. */
export interface Echo {
  ok: boolean
  code?: string
  method: string
  path: string
  query: string
  contentType: string | null
  bodyLength: number
  bodySha256: string
  /** Multipart fields: strings as they are, files as `file:<name>:<size>`. */
  form?: Record<string, string>
  /** A multipart body as text (Bun's multipart parser drops the parts' Content-Type). */
  bodyText?: string
  /** Request headers whose name starts with `x-`. */
  headers: Record<string, string>
  covered?: string[]
  nonce?: string
  attempt?: number
  nonces?: string[]
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

async function describeRequest(request: Request, url: URL): Promise<Echo> {
  const bytes = new Uint8Array(await request.arrayBuffer())
  const contentType = request.headers.get('content-type')
  const headers: Record<string, string> = {}
  request.headers.forEach((value, name) => {
    if (name.startsWith('x-')) headers[name] = value
  })
  const echo: Echo = {
    ok: true,
    method: request.method,
    path: url.pathname,
    query: url.search,
    contentType,
    bodyLength: bytes.byteLength,
    bodySha256: await sha256Hex(bytes),
    headers,
  }
  if (contentType?.startsWith('multipart/form-data')) {
    const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData()
    echo.form = {}
    form.forEach((value, name) => {
      echo.form![name] = typeof value === 'string' ? value : `file:${value.name}:${value.size}`
    })
    echo.bodyText = new TextDecoder().decode(bytes)
  }
  return echo
}

/**
 * The server of the axios tests: it verifies every request with `verifyRequest` (and a replay
 * store), describes what it received, and answers with a response signed by `signResponse`,
 * bound to the request. Paths start with `/axios/`:
 * - `echo` (and any other path): the description above; 401 with the code when verification fails.
 * - `raw-echo`: the description, without verifying (what plain axios sends).
 * - `raw-json`, `bom-json`: fixed JSON bodies, signed, served to signed and plain requests alike.
 * - `tamper`: the body is changed after signing. `tamper-header`: a covered header is.
 * - `unsigned`: no signature at all.
 * - `flaky?id=…&fail=N`: 503 (signed) for the first N attempts of an id, then 200 with every nonce seen.
 * - `status?code=N`: a signed error response.
 */
export function axiosApp(): (request: Request) => Promise<Response> {
  const replayStore = memoryReplayStore()
  const attempts = new Map<string, string[]>()
  return async (request) => {
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: CORS })
    const url = new URL(request.url)
    const route = url.pathname.replace(/^\/axios\//, '')
    const open = route === 'raw-json' || route === 'bom-json' || route === 'raw-echo'

    let status = 200
    let body: string
    let contentType = 'application/json'
    let verified: Verified | undefined
    let failure: string | undefined
    if (route !== 'raw-echo') {
      try {
        verified = await verifyRequest(request, { keys: [AXIOS_TEST_KEY], replayStore })
      } catch (err) {
        if (!isSignetError(err)) throw err
        failure = err.code
      }
    }
    const echo = await describeRequest(request, url)
    if (failure !== undefined && !open) {
      status = 401
      body = JSON.stringify({ ...echo, ok: false, code: failure })
    } else if (route === 'raw-json') {
      body = RAW_JSON
      contentType = 'application/json; charset=utf-8'
    } else if (route === 'bom-json') {
      body = BOM_JSON
      contentType = 'application/json; charset=utf-8'
    } else if (route === 'flaky') {
      const id = url.searchParams.get('id') ?? ''
      const seen = attempts.get(id) ?? []
      seen.push(verified?.nonce ?? '')
      attempts.set(id, seen)
      const fail = Number(url.searchParams.get('fail') ?? '1')
      status = seen.length <= fail ? 503 : 200
      body = JSON.stringify({ ...echo, ok: status === 200, attempt: seen.length, nonces: seen })
    } else if (route === 'status') {
      status = Number(url.searchParams.get('code') ?? '500')
      body = JSON.stringify({ ...echo, ok: false, status })
    } else {
      body = JSON.stringify({ ...echo, covered: verified?.covered, nonce: verified?.nonce })
    }

    const headers: Record<string, string> = { 'content-type': contentType, ...CORS }
    if (route === 'unsigned') return new Response(body, { status, headers })
    const signed = await signResponse({ status, headers, body }, { key: AXIOS_TEST_KEY, request })
    const out = { ...headers, ...signed.headers }
    if (route === 'tamper') body = body.replace('"ok":true', '"ok":false')
    if (route === 'tamper-header') out['content-type'] = 'text/plain'
    return new Response(body, { status, headers: out })
  }
}
