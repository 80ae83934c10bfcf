import type { MessageBody, Scheme } from '@signet/core'
import { readLimited } from './read-body.ts'

/**
 * The body that is signed and sent, decided once per call:
 * - `bytes`: strings, URLSearchParams, ArrayBuffer and views, FormData (serialized once by the
 *   runtime, boundary included) and streams read for signing. Sent again as is on a retry.
 * - `blob`: a Blob/File, hashed in pieces by core and sent as the same Blob (never in memory).
 * - `stream`: the template's own body stream, sent untouched once (only when the scheme does not
 *   read bodies). Cannot be sent twice.
 */
export type OutgoingBody =
  | { readonly kind: 'none' }
  | { readonly kind: 'bytes'; readonly bytes: Uint8Array }
  | { readonly kind: 'blob'; readonly blob: Blob }
  | { readonly kind: 'stream' }

/** A call's request, resolved once with fetch's own rules; each signed attempt is built from it. */
export interface Outgoing {
  /**
   * `new Request(input, init)`, exactly as fetch builds it: method, URL, merged headers, implied
   * Content-Type and every other option. Its body is only sent for kind `stream`.
   */
  readonly template: Request
  /**
   * The template's headers, copied before its body is read (Bun derives the implied Content-Type
   * from the unread body and drops it once the body is consumed).
   */
  readonly headers: Headers
  readonly body: OutgoingBody
  /** Non-standard `init` members (undici `dispatcher`, Deno `client`, Bun `proxy`…), passed to fetch as they were. */
  readonly extras: Record<string, unknown> | undefined
}

/** One request to send: the first, or a redirect hop. Headers never include our signature. */
export interface Hop {
  readonly url: string
  readonly method: string
  readonly headers: Headers
  readonly body: OutgoingBody
  readonly redirect: RequestRedirect
}

const NONE: OutgoingBody = { kind: 'none' }
const STREAM: OutgoingBody = { kind: 'stream' }

/** RequestInit members every runtime understands; anything else is a runtime extension. */
const STANDARD_INIT = new Set([
  'body',
  'cache',
  'credentials',
  'duplex',
  'headers',
  'integrity',
  'keepalive',
  'method',
  'mode',
  'priority',
  'redirect',
  'referrer',
  'referrerPolicy',
  'signal',
  'window',
])

/** Bodies that are already in memory: reading them through the Request costs no extra memory to speak of. */
function isInMemory(body: unknown): boolean {
  return (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) ||
    (typeof FormData !== 'undefined' && body instanceof FormData)
  )
}

function extrasOf(init: RequestInit | undefined): Record<string, unknown> | undefined {
  if (!init) return undefined
  let out: Record<string, unknown> | undefined
  for (const [k, v] of Object.entries(init)) {
    if (STANDARD_INIT.has(k) || v === undefined) continue
    ;(out ??= {})[k] = v
  }
  return out
}

/**
 * Resolves `(input, init)` the way fetch does, without touching the caller's objects: a `Request`
 * input with a body is cloned first, and the body is read from our own copy.
 */
export async function prepareOutgoing(input: RequestInfo | URL, init: RequestInit | undefined, scheme: Scheme, maxBufferedBodyBytes: number): Promise<Outgoing> {
  const initBody = init?.body
  const inputHasBody = input instanceof Request && input.body !== null
  const bodyFromInput = inputHasBody && initBody == null
  // Cloned even when init replaces the body: Chromium marks the input's body used all the same.
  const template = new Request(inputHasBody ? (input as Request).clone() : input, init)
  const base = { template, headers: new Headers(template.headers), extras: extrasOf(init) }
  if (template.body === null) return { ...base, body: NONE }
  if (typeof Blob !== 'undefined' && initBody instanceof Blob) return { ...base, body: { kind: 'blob', blob: initBody } }
  if (!bodyFromInput && isInMemory(initBody)) return { ...base, body: { kind: 'bytes', bytes: new Uint8Array(await template.arrayBuffer()) } }
  // A stream: the caller's ReadableStream, a Request's body, or a runtime-specific body type.
  if (scheme.requestBody === 'none') return { ...base, body: STREAM }
  const what = bodyFromInput ? 'the Request body' : 'the ReadableStream body'
  return { ...base, body: { kind: 'bytes', bytes: await readLimited(template.body, maxBufferedBodyBytes, what) } }
}

/** Whether the body can be sent again (redirect 307/308, clock retry). */
export function replayable(body: OutgoingBody): boolean {
  return body.kind !== 'stream'
}

/** The first hop: the template as fetch resolved it, redirect mode chosen by the caller of this. */
export function firstHop(outgoing: Outgoing, redirect: RequestRedirect): Hop {
  const { template } = outgoing
  return { url: template.url, method: template.method, headers: new Headers(outgoing.headers), body: outgoing.body, redirect }
}

/** The body as core's signer takes it (the template's stream is never read by a `requestBody: 'none'` scheme). */
export function signableBody(outgoing: Outgoing, body: OutgoingBody): MessageBody {
  switch (body.kind) {
    case 'none':
      return undefined
    case 'bytes':
      return body.bytes
    case 'blob':
      return body.blob
    case 'stream':
      return outgoing.template.body
  }
}

/** The standard options of the template that carry over to a request with another URL. */
function carriedOptions(template: Request): RequestInit {
  const init: RequestInit = {
    cache: template.cache,
    credentials: template.credentials,
    integrity: template.integrity,
    keepalive: template.keepalive,
    referrerPolicy: template.referrerPolicy,
    signal: template.signal,
  }
  // "navigate" cannot be set from script; fetch turns it into "same-origin" the same way.
  if (template.mode) init.mode = template.mode === 'navigate' ? 'same-origin' : template.mode
  for (const k of Object.keys(init) as (keyof RequestInit)[]) if (init[k] === undefined) delete init[k]
  return init
}

/** The Request actually sent for a hop: from the template, or from its options for another URL. */
export function buildRequest(outgoing: Outgoing, hop: Hop): Request {
  const { template } = outgoing
  const init: RequestInit & { duplex?: 'half' } = { method: hop.method, headers: hop.headers, redirect: hop.redirect }
  if (hop.body.kind === 'bytes') init.body = hop.body.bytes as BodyInit
  else if (hop.body.kind === 'blob') init.body = hop.body.blob
  // Same URL: built from the template itself, so every option fetch knows carries over, and a
  // stream body is handed on by the template (no `body` member: fetch proxies the template's).
  if (hop.url === template.url) return new Request(template, init)
  if (hop.body.kind === 'stream') {
    init.body = template.body
    init.duplex = 'half'
  }
  return new Request(hop.url, { ...carriedOptions(template), ...init })
}
