/**
 * The routes of the test server, as one Web-standard handler shared by every runtime's server and
 * by the browser tests' server (tools/browser-global-setup.ts). It verifies requests with core's
 * `verifyRequest` and signs its answers with core's `signResponse`, like a real Signet server.
 */
import { createHash } from 'node:crypto'
import { isSignetError, memoryReplayStore, signRequest, signResponse, verifyRequest, type MessageRequest } from '../../../core/src/index.ts'
import { testKey } from './keys.ts'
import type { Handler } from './server.ts'

export const MiB = 1024 * 1024
/**
 * Where the app is mounted, in every runtime: the browser tests share one server with the other
 * packages' test apps (tools/browser-global-setup.ts routes `/fetch/…` here).
 */
export const FETCH_MOUNT = '/fetch'
/** Chunk size of the generated /big body. */
const BIG_CHUNK = 64 * 1024

const encoder = new TextEncoder()

function hex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The URL the client signed: behind the tampering proxy, the host it addressed is in X-Forwarded-Host. */
function signedUrl(req: Request): string {
  const url = new URL(req.url)
  const forwarded = req.headers.get('x-forwarded-host')
  if (forwarded) url.host = forwarded
  return url.href
}

function message(req: Request, body?: MessageRequest['body']): MessageRequest {
  return { method: req.method, url: signedUrl(req), headers: req.headers, body }
}

async function signed(request: MessageRequest, status: number, body: string | Uint8Array, headers: Record<string, string> = {}, now?: () => number): Promise<Response> {
  const bytes = typeof body === 'string' ? encoder.encode(body) : body
  const h = new Headers(headers)
  const result = await signResponse({ status, headers: h, body: bytes }, { key: testKey, request: { method: request.method, url: request.url, headers: request.headers }, ...(now ? { now } : {}) })
  for (const [name, value] of Object.entries(result.headers)) h.set(name, value)
  return new Response(status === 204 || status === 304 ? null : (bytes as BodyInit), { status, headers: h })
}

const json = (value: unknown) => JSON.stringify(value)
const JSON_TYPE = { 'content-type': 'application/json' }

/** What /echo tells about the request it verified: enough for a test to compare with what it sent. */
async function describeBody(req: Request, bytes: Uint8Array | undefined): Promise<Record<string, unknown>> {
  const contentType = req.headers.get('content-type')
  const out: Record<string, unknown> = {
    contentType,
    hasBody: bytes !== undefined,
    bodyLength: bytes?.byteLength ?? 0,
    bodySha256: hex(await crypto.subtle.digest('SHA-256', (bytes ?? new Uint8Array(0)) as BufferSource)),
  }
  if (bytes && bytes.byteLength <= 64 * 1024) out.bodyText = new TextDecoder().decode(bytes)
  if (bytes && contentType && /^(multipart\/form-data|application\/x-www-form-urlencoded)/.test(contentType)) {
    const form = await new Response(bytes as BodyInit, { headers: { 'content-type': contentType } }).formData()
    const fields: Record<string, unknown> = {}
    for (const [name, value] of form) {
      fields[name] = typeof value === 'string' ? value : { name: value.name, type: value.type, size: value.size, text: await value.text() }
    }
    out.form = fields
  }
  return out
}

const bigPattern = Uint8Array.from({ length: BIG_CHUNK }, (_, i) => (i * 7 + (i >> 8)) & 0xff)

/** A chunk of the deterministic /big body: a fixed pattern stamped with its index. */
function bigChunk(index: number, size: number): Uint8Array {
  const chunk = bigPattern.slice(0, size)
  new DataView(chunk.buffer).setUint32(0, index, true)
  return chunk
}

function* bigChunks(total: number): Generator<Uint8Array> {
  for (let offset = 0, index = 0; offset < total; offset += BIG_CHUNK, index++) yield bigChunk(index, Math.min(BIG_CHUNK, total - offset))
}

const bigDigests = new Map<number, string>()
/** sha-256 of the /big body, computed by generating it once with node:crypto (independent of Signet). */
function bigDigest(total: number): string {
  let d = bigDigests.get(total)
  if (!d) {
    const h = createHash('sha256')
    for (const chunk of bigChunks(total)) h.update(chunk)
    d = h.digest('base64')
    bigDigests.set(total, d)
  }
  return d
}

function bigStream(total: number, tamper: boolean): ReadableStream<Uint8Array> {
  const chunks = bigChunks(total)
  const tamperAt = Math.floor(total / BIG_CHUNK / 2)
  let index = 0
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = chunks.next()
        if (next.done) return controller.close()
        if (tamper && index === tamperAt) next.value[100] = next.value[100]! ^ 0x01
        index++
        controller.enqueue(next.value)
      },
    },
    { highWaterMark: 0 },
  )
}

/** The test server. Each app has its own replay store, so every request must carry a fresh nonce. */
export function createApp(): Handler {
  const replayStore = memoryReplayStore()

  async function verifiedEcho(req: Request, now?: () => number): Promise<{ request: MessageRequest; status: number; body: Record<string, unknown> }> {
    const bytes = req.body ? new Uint8Array(await req.arrayBuffer()) : undefined
    const request = message(req, bytes)
    const url = new URL(request.url as string)
    const seen = { method: req.method, path: url.pathname, search: url.search, ...(await describeBody(req, bytes)) }
    try {
      const v = await verifyRequest(request, { keys: [testKey], replayStore, ...(now ? { now } : {}) })
      return { request, status: 200, body: { ok: true, keyId: v.keyId, covered: v.covered, created: v.created, nonce: v.nonce, ...seen } }
    } catch (err) {
      if (!isSignetError(err)) throw err
      return { request, status: 401, body: { ok: false, error: err.code, message: err.message, ...seen } }
    }
  }

  const routes: Record<string, (req: Request, url: URL) => Promise<Response>> = {
    async '/echo'(req) {
      const r = await verifiedEcho(req)
      return signed(r.request, r.status, json(r.body), JSON_TYPE)
    },
    async '/no-expose'(req) {
      const r = await verifiedEcho(req)
      return signed(r.request, r.status, json(r.body), JSON_TYPE)
    },
    async '/tamper-response'(req) {
      const r = await verifiedEcho(req)
      const res = await signed(r.request, r.status, json(r.body), JSON_TYPE)
      const bytes = new Uint8Array(await res.arrayBuffer())
      bytes[bytes.length - 2] = bytes[bytes.length - 2]! ^ 0x01
      return new Response(bytes as BodyInit, { status: res.status, headers: res.headers })
    },
    async '/unsigned'() {
      return new Response(json({ ok: true, signed: false }), { headers: JSON_TYPE })
    },
    // A genuine response, but signed for another request to the same URL (what a cache or an
    // attacker replaying an earlier answer would serve).
    async '/replay'(req) {
      const url = signedUrl(req)
      const other = await signRequest({ method: req.method, url }, { key: testKey })
      return signed({ method: req.method, url, headers: other.headers }, 200, json({ ok: true, replayed: true }), JSON_TYPE)
    },
    async '/redirect'(req, url) {
      const to = url.searchParams.get('to') ?? 'echo'
      const status = Number(url.searchParams.get('status') ?? 307)
      return signed(message(req), status, '', { location: to })
    },
    // Where a cross-origin redirect lands: reports which credentials reached it.
    async '/record'(req) {
      const body = req.body ? new Uint8Array(await req.arrayBuffer()) : new Uint8Array(0)
      const has = (name: string) => req.headers.has(name)
      return new Response(
        json({ method: req.method, bodyLength: body.byteLength, signature: has('signature'), signatureInput: has('signature-input'), contentDigest: has('content-digest'), authorization: has('authorization') }),
        { headers: JSON_TYPE },
      )
    },
    async '/big'(req, url) {
      const total = Number(url.searchParams.get('mib') ?? 1) * MiB
      const headers = { 'content-type': 'application/octet-stream', 'content-digest': `sha-256=:${bigDigest(total)}:` }
      // No body given to signResponse: the Content-Digest above (covered by default) is signed as is.
      const result = await signResponse({ status: 200, headers }, { key: testKey, request: message(req) })
      return new Response(bigStream(total, url.searchParams.has('tamper')), { status: 200, headers: { ...headers, ...result.headers } })
    },
    // Server clock `skew` seconds ahead: requests signed with the local clock are refused with a
    // 401 whose Date header shows the server's time.
    async '/date-skew'(req, url) {
      const skewMs = Number(url.searchParams.get('skew') ?? 3600) * 1000
      const now = () => Date.now() + skewMs
      const r = await verifiedEcho(req, now)
      return signed(r.request, r.status, json(r.body), { ...JSON_TYPE, date: new Date(now()).toUTCString() }, now)
    },
    // Verifies a large upload while it streams in (constant memory), and counts its bytes.
    async '/upload'(req) {
      let length = 0
      const counted = req.body?.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            length += chunk.byteLength
            controller.enqueue(chunk)
          },
        }),
      )
      const request = message(req, counted)
      try {
        const v = await verifyRequest(request, { keys: [testKey], replayStore })
        return signed(request, 200, json({ ok: true, bodyLength: length, covered: v.covered }), JSON_TYPE)
      } catch (err) {
        if (!isSignetError(err)) throw err
        return signed(request, 401, json({ ok: false, error: err.code, message: err.message, bodyLength: length }), JSON_TYPE)
      }
    },
  }

  return withCors(async (req) => {
    const url = new URL(req.url)
    const route = url.pathname.startsWith(`${FETCH_MOUNT}/`) ? routes[url.pathname.slice(FETCH_MOUNT.length)] : undefined
    if (!route) return new Response('not found', { status: 404 })
    return route(req, url)
  })
}

/**
 * CORS for the browser tests (the page and the server are different origins): any origin, any
 * request header, and the signature headers exposed, except on /no-expose, which deliberately
 * hides them to test the error that explains it.
 */
function withCors(handler: Handler): Handler {
  return async (req) => {
    const path = new URL(req.url).pathname.slice(FETCH_MOUNT.length)
    if (req.method === 'OPTIONS') {
      return new Response(null, {
        status: 204,
        headers: {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'GET, HEAD, POST, PUT, PATCH, DELETE',
          'access-control-allow-headers': req.headers.get('access-control-request-headers') ?? '*',
          'access-control-max-age': '600',
        },
      })
    }
    const res = await handler(req)
    const headers = new Headers(res.headers)
    headers.set('access-control-allow-origin', '*')
    if (path !== '/no-expose') headers.set('access-control-expose-headers', 'signature, signature-input, content-digest, date')
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers })
  }
}
