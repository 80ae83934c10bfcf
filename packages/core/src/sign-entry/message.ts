import { fail } from '../errors.ts'
import type { HeadersInput, MessageRequest } from '../message.ts'
import { FULL, invalid, utf8 } from './util.ts'

/**
 * The request as the lite signer needs it: a lean twin of core's `normalizeRequest` (message.ts)
 * with the same checks and error codes, for the bodies it can hash without a streaming reader.
 */
export interface LiteRequest {
  /** Upper-case token. */
  method: string
  url: URL
  /** Lower-cased names to values in order of appearance (not trimmed). */
  headers: Map<string, string[]>
  /** The body, read by {@link bodyBytes}; `undefined` when there is none at all (an empty body is a body). */
  body: Uint8Array | Blob | Request | undefined
}

// RFC 9110 §5.6.2 token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function headersOf(input: HeadersInput | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const add = (name: string, value: unknown): void => {
    const key = TOKEN.test(name) ? name.toLowerCase() : invalid(`header name ${name} is not a token`, name)
    // RFC 9110 §5.5: no CR, LF or NUL; field values are bytes, so nothing above U+00FF.
    if (typeof value !== 'string' || /[\r\n\0]|[^\0-\xff]/.test(value)) invalid(`header ${key} must be a byte string without CR, LF, NUL`, key)
    out.get(key)?.push(value) ?? out.set(key, [value])
  }
  if (input != null) {
    if (typeof input !== 'object') invalid('headers must be a Headers, a record or pairs')
    // A Headers iterates as pairs (repeated fields joined with ", ", as the signature base joins them).
    if (Symbol.iterator in input) {
      for (const pair of input) Array.isArray(pair) && pair.length === 2 ? add(pair[0], pair[1]) : invalid('headers must be [name, value] pairs')
    } else for (const [name, value] of Object.entries(input)) for (const v of value === undefined ? [] : Array.isArray(value) ? value : [value]) add(name, v)
  }
  return out
}

/** Normalizes a `Request` or {@link MessageRequest}; the caller's object and body are not consumed. */
export function liteRequest(input: Request | MessageRequest): LiteRequest {
  if (typeof input !== 'object' || !input) invalid('request must be a Request or { method, url }')
  const { method, url: target } = input
  let body: unknown = input.body
  if (typeof method !== 'string' || !TOKEN.test(method)) invalid(`method ${method} is not a token`, '@method')
  let url: URL | undefined
  try {
    url = new URL(typeof target === 'string' ? target : target instanceof URL ? target.href : '')
  } catch {
    // Reported below.
  }
  if (!url?.host) invalid(`url ${String(target).slice(0, 200)} is not absolute`, url ? '@authority' : 'url')
  const headers = headersOf(input.headers)
  let type: string | undefined
  if (input instanceof Request) {
    if (input.bodyUsed || input.body?.locked) fail('body_unusable', 'the request body was already read', { component: 'body' })
    body = input.body ? input : undefined
  } else if (typeof body === 'string') body = utf8(body)
  // URLSearchParams and typed Blobs imply the Content-Type fetch sends, merged as core does;
  // strings and bytes imply none (clients differ).
  else if (body instanceof URLSearchParams) {
    type = 'application/x-www-form-urlencoded;charset=UTF-8'
    body = utf8(String(body))
  } else if (body instanceof Blob) type = body.type
  else if (body instanceof ArrayBuffer) body = new Uint8Array(body)
  else if (ArrayBuffer.isView(body)) body = new Uint8Array(body.buffer, body.byteOffset, body.byteLength)
  // FormData (serialized once, then sent as signed) and streams (buffered, then handed back).
  else if (body != null) invalid(`a ${(body as object).constructor?.name} body${FULL}`, 'body')
  if (type && !headers.has('content-type')) headers.set('content-type', [type])
  return { method: method.toUpperCase(), url: url!, headers, body: body as LiteRequest['body'] }
}

/** The body's bytes; a `Request` is read from a clone, so the caller's stays readable whole. */
export async function bodyBytes(body: Uint8Array | Blob | Request): Promise<Uint8Array<ArrayBuffer>> {
  return (body instanceof Uint8Array ? body : new Uint8Array(await (body instanceof Blob ? body : body.clone()).arrayBuffer())) as Uint8Array<ArrayBuffer>
}
