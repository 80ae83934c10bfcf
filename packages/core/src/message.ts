import { encodeMultipart } from './canonicalize/multipart.ts'
import { fail } from './errors.ts'

/**
 * A body Signet can sign or verify. Strings are their UTF-8 bytes; `URLSearchParams` is sent as
 * `application/x-www-form-urlencoded;charset=UTF-8`; `FormData` is serialized once as multipart
 * (and that serialization, with its boundary, is what must be sent: see {@link NormalizedMessage.body}).
 */
export type BodyInit_ =
  | string
  | Uint8Array
  | ArrayBuffer
  | ArrayBufferView
  | Blob
  | URLSearchParams
  | FormData
  | ReadableStream<Uint8Array>
  | null
  | undefined

/** Header input: a `Headers`, a record, or name/value pairs. A record value may be an array of values. */
export type HeadersInput = Headers | Record<string, string | readonly string[] | undefined> | Iterable<readonly [string, string]>

/** A request as plain data. */
export interface MessageRequest {
  /** HTTP method, any case (normalized to upper case). */
  method: string
  /** Absolute URL. */
  url: string | URL
  headers?: HeadersInput
  body?: BodyInit_
}

/** A response as plain data. */
export interface MessageResponse {
  status: number
  headers?: HeadersInput
  body?: BodyInit_
}

/**
 * A body, normalized once. The caller's object is never consumed: `stream` bodies are teed by
 * whoever reads them (see body.ts), `Request`/`Response` bodies are read from clones.
 */
export type BodySource =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'bytes'
      readonly bytes: Uint8Array
      /** The string these bytes are the UTF-8 encoding of, when the body was given as one: hashed as it is. */
      readonly text?: string
    }
  | { readonly kind: 'blob'; readonly blob: Blob; readonly fromFormData?: boolean }
  | { readonly kind: 'stream'; readonly stream: () => ReadableStream<Uint8Array>; readonly oneShot?: boolean }

/** Lower-cased header names to their values in order of appearance. */
export type HeaderMap = ReadonlyMap<string, readonly string[]>

interface NormalizedBase {
  /** Lower-cased names, values as received (not trimmed). */
  readonly headers: HeaderMap
  readonly body: BodySource
  /**
   * Content-Type implied by the body when the caller did not set one (URLSearchParams, FormData,
   * typed Blob), as fetch would send it. Already merged into `headers`.
   */
  readonly impliedContentType?: string
}

export interface NormalizedRequest extends NormalizedBase {
  readonly kind: 'request'
  /** Upper-case token. */
  readonly method: string
  readonly url: URL
}

export interface NormalizedResponse extends NormalizedBase {
  readonly kind: 'response'
  readonly status: number
}

export type NormalizedMessage = NormalizedRequest | NormalizedResponse

// RFC 9110 §5.6.2 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
// RFC 9110 §5.5: field values must not contain CR, LF or NUL.
const BAD_FIELD_VALUE = /[\r\n\0]/
// Field values are bytes: a character above U+00FF cannot be sent (fetch's Headers and node:http refuse it).
const BAD_VALUE = /[\r\n\0\u0100-\uffff]/

/** Combined value of a header per RFC 9110 §5.3 (values joined with ", "), or undefined. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const values = headers.get(name)
  return values === undefined ? undefined : values.join(', ')
}

// Header names seen before, valid, to their lower-case form: the same few names come with every
// request, so each is checked and lower-cased once. Bounded: cleared when full.
const lowerNames = new Map<string, string>()
const MAX_LOWER_NAMES = 512

function lowerName(name: unknown, where: string): string {
  const known = typeof name === 'string' ? lowerNames.get(name) : undefined
  if (known !== undefined) return known
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    fail('invalid_input', `${where}: header name ${JSON.stringify(String(name))} is not a valid HTTP token`, { component: String(name) })
  }
  if (lowerNames.size >= MAX_LOWER_NAMES) lowerNames.clear()
  const lower = name.toLowerCase()
  lowerNames.set(name, lower)
  return lower
}

export function normalizeHeaders(input: HeadersInput | undefined, where: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  if (input == null) return out
  const add = (name: string, value: string): void => {
    const key = lowerName(name, where)
    if (typeof value !== 'string') {
      fail('invalid_input', `${where}: header ${name} must be a string, received ${typeof value}`, { component: key })
    }
    // One scan for both rules; which one failed is worked out only then.
    if (BAD_VALUE.test(value)) {
      if (BAD_FIELD_VALUE.test(value)) {
        fail('invalid_input', `${where}: header ${name} contains CR, LF or NUL, which HTTP forbids (RFC 9110 §5.5)`, { component: key })
      }
      fail('invalid_input', `${where}: header ${name} contains a character above U+00FF; HTTP field values are bytes (percent-encode or base64 the text first)`, { component: key })
    }
    const list = out.get(key)
    if (list) list.push(value)
    else out.set(key, [value])
  }
  if (typeof Headers !== 'undefined' && input instanceof Headers) {
    // Headers already combines repeated fields with ", " except Set-Cookie; getSetCookie keeps them apart.
    input.forEach((value, name) => {
      if (name !== 'set-cookie') add(name, value)
    })
    const cookies = typeof input.getSetCookie === 'function' ? input.getSetCookie() : []
    for (const c of cookies) add('set-cookie', c)
    return out
  }
  if (typeof (input as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const pair of input as Iterable<readonly [string, string]>) {
      if (!Array.isArray(pair) || pair.length !== 2) fail('invalid_input', `${where}: headers must be [name, value] pairs`)
      add(pair[0], pair[1])
    }
    return out
  }
  if (typeof input !== 'object') fail('invalid_input', `${where}: headers must be a Headers, a record or pairs, received ${typeof input}`)
  // Object.keys and an index loop: the same own enumerable names as Object.entries, without its pair arrays.
  const record = input as Record<string, string | readonly string[] | undefined>
  const names = Object.keys(record)
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!
    const value = record[name]
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value) add(name, v)
    else add(name, value as string)
  }
  return out
}

function parseUrl(url: unknown): URL {
  if (url instanceof URL) {
    if (!url.host) fail('invalid_input', `request url ${JSON.stringify(url.href.slice(0, 200))} has no host`, { component: '@authority' })
    return new URL(url.href)
  }
  if (typeof url !== 'string') fail('invalid_input', `request url must be a string or URL, received ${url === null ? 'null' : typeof url}`, { component: 'url' })
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return fail('invalid_input', `request url ${JSON.stringify(url.slice(0, 200))} is not an absolute URL (a scheme and host are required)`, {
      component: 'url',
      received: url.slice(0, 200),
    })
  }
  if (!parsed.host) fail('invalid_input', `request url ${JSON.stringify(url.slice(0, 200))} has no host`, { component: '@authority' })
  return parsed
}

const textEncoder = new TextEncoder()

/** Bytes of a typed array / ArrayBuffer without copying. */
export function viewBytes(value: ArrayBuffer | ArrayBufferView): Uint8Array {
  if (value instanceof Uint8Array) return value
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  return new Uint8Array(value)
}

/**
 * A body given as a string. Its UTF-8 bytes are encoded only when something reads them (a
 * scheme that buffers the body); digests take the string itself (node:crypto encodes it natively,
 * without a Uint8Array in between). A class rather than an object literal with a getter, which V8
 * builds through a slow path on every call (5% of signing a 1 KiB JSON POST in the profile).
 */
class TextBody {
  readonly kind = 'bytes'
  #bytes: Uint8Array | undefined = undefined
  constructor(readonly text: string) {}
  get bytes(): Uint8Array {
    return (this.#bytes ??= textEncoder.encode(this.text))
  }
}

interface BodyNormalization {
  body: BodySource
  contentType?: string
}

function isReadableStream(v: unknown): v is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== 'undefined' && v instanceof ReadableStream
}

/**
 * Normalizes a body value. `FormData` is encoded here once as multipart (a Blob over the caller's
 * file parts, with a random boundary); what was signed must be what is sent, so `signRequest`
 * returns that Blob as `body` and its `content-type`.
 */
function normalizeBody(body: unknown, where: string): BodyNormalization {
  if (body == null) return { body: { kind: 'none' } }
  // No Content-Type is implied for strings and bytes: clients differ (fetch adds text/plain, node:http
  // adds none), and a covered header the client does not send would break verification.
  if (typeof body === 'string') return { body: new TextBody(body) }
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return { body: { kind: 'bytes', bytes: viewBytes(body as ArrayBufferView) } }
  if (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) {
    return {
      body: { kind: 'bytes', bytes: textEncoder.encode(body.toString()) },
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    }
  }
  if (typeof Blob !== 'undefined' && body instanceof Blob) {
    return { body: { kind: 'blob', blob: body }, ...(body.type ? { contentType: body.type } : {}) }
  }
  if (typeof FormData !== 'undefined' && body instanceof FormData) {
    // Serialized once here; the signer hands the Blob and its Content-Type back to be sent.
    const { blob, contentType } = encodeMultipart(body)
    return { body: { kind: 'blob', blob, fromFormData: true }, contentType }
  }
  if (isReadableStream(body)) {
    if (body.locked) fail('body_unusable', `${where}: the body stream is locked (already being read)`, { component: 'body' })
    // The caller's own stream can be read once: the signer buffers it and returns the bytes to send.
    return { body: { kind: 'stream', stream: () => body, oneShot: true } }
  }
  return fail('invalid_input', `${where}: unsupported body type ${Object.prototype.toString.call(body)}`, { component: 'body' })
}

/**
 * Serializes FormData exactly as this runtime's fetch would (multipart with a fresh boundary).
 * The caller must send the returned bytes with the returned Content-Type: they are what was signed.
 */
export async function serializeFormData(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const res = new Response(form)
  const contentType = res.headers.get('content-type')
  if (!contentType) fail('invalid_input', 'FormData serialization produced no Content-Type', { component: 'content-type' })
  return { bytes: new Uint8Array(await res.arrayBuffer()), contentType }
}

function withImpliedContentType(headers: Map<string, string[]>, contentType: string | undefined, force = false): string | undefined {
  if (contentType === undefined || (headers.has('content-type') && !force)) return undefined
  headers.set('content-type', [contentType])
  return contentType
}

function bodyOfFetchMessage(msg: Request | Response, where: string): BodySource {
  if (msg.bodyUsed) fail('body_unusable', `${where}: the body was already read (bodyUsed is true); sign or verify before reading it`, { component: 'body' })
  if (msg.body === null) return { kind: 'none' }
  if (msg.body.locked) fail('body_unusable', `${where}: the body stream is locked (already being read)`, { component: 'body' })
  // Each reader gets its own clone, so the caller's message stays readable whole.
  return { kind: 'stream', stream: () => msg.clone().body! }
}

function isFetchRequest(v: unknown): v is Request {
  return typeof Request !== 'undefined' && v instanceof Request
}
function isFetchResponse(v: unknown): v is Response {
  return typeof Response !== 'undefined' && v instanceof Response
}

/**
 * Normalizes a `Request` or {@link MessageRequest} once; the caller's object is not touched.
 * `withBody: false` ignores the body (a request a response is bound to: only its method, target
 * and headers matter, and its body may already have been read).
 */
export function normalizeRequest(input: Request | MessageRequest, { withBody = true }: { withBody?: boolean } = {}): NormalizedRequest {
  if (input === null || typeof input !== 'object') fail('invalid_input', `request must be a Request or { method, url }, received ${input === null ? 'null' : typeof input}`)
  const method = (input as { method?: unknown }).method
  if (typeof method !== 'string' || !TOKEN.test(method)) {
    fail('invalid_input', `request method ${JSON.stringify(String(method))} is not a valid HTTP token`, { component: '@method', received: String(method) })
  }
  const url = parseUrl((input as { url?: unknown }).url)
  if (isFetchRequest(input)) {
    const body: BodySource = withBody ? bodyOfFetchMessage(input, 'request') : { kind: 'none' }
    return { kind: 'request', method: method.toUpperCase(), url, headers: normalizeHeaders(input.headers, 'request'), body }
  }
  const headers = normalizeHeaders(input.headers, 'request')
  const { body, contentType } = withBody ? normalizeBody(input.body, 'request') : { body: { kind: 'none' } as const, contentType: undefined }
  // A FormData's Content-Type carries the boundary of its encoding: it replaces any the caller set.
  const impliedContentType = withImpliedContentType(headers, contentType, body.kind === 'blob' && body.fromFormData === true)
  return { kind: 'request', method: method.toUpperCase(), url, headers, body, ...(impliedContentType ? { impliedContentType } : {}) }
}

/** Normalizes a `Response` or {@link MessageResponse} once; the caller's object is not touched. */
export function normalizeResponse(input: Response | MessageResponse): NormalizedResponse {
  if (input === null || typeof input !== 'object') fail('invalid_input', `response must be a Response or { status }, received ${input === null ? 'null' : typeof input}`)
  const status = (input as { status?: unknown }).status
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 999) {
    fail('invalid_input', `response status must be a 3-digit integer, received ${JSON.stringify(status)}`, { component: '@status' })
  }
  if (isFetchResponse(input)) {
    return { kind: 'response', status, headers: normalizeHeaders(input.headers, 'response'), body: bodyOfFetchMessage(input, 'response') }
  }
  const headers = normalizeHeaders(input.headers, 'response')
  const { body, contentType } = normalizeBody(input.body, 'response')
  // A FormData's Content-Type carries the boundary of its encoding: it replaces any the caller set.
  const impliedContentType = withImpliedContentType(headers, contentType, body.kind === 'blob' && body.fromFormData === true)
  return { kind: 'response', status, headers, body, ...(impliedContentType ? { impliedContentType } : {}) }
}
