import { serializeFormData, SignetError } from '@signet/core'
import { lazy } from './lazy.ts'
import { invalid } from './options.ts'
import type { AdapterKind } from './resolve-adapter.ts'

/**
 * A body in a form every adapter sends byte for byte as given, and that core can sign:
 * a string (UTF-8), bytes, or a Blob (browsers' fetch and xhr only).
 */
export type WireBody = string | ArrayBuffer | Uint8Array | Blob | undefined

/** The body to sign and send, and how its Content-Type must be set. */
export interface PreparedBody {
  readonly body: WireBody
  /** Content-Type the body must be sent with, replacing the configured one. */
  readonly contentType?: string
  /** Content-Type used only when none is configured (what the runtime would add by itself). */
  readonly defaultContentType?: string
}

/** Largest stream body buffered to be signed when axios's `maxBodyLength` is unlimited. */
export const DEFAULT_MAX_BUFFERED_BODY_BYTES = 16 * 1024 * 1024

const encoder = new TextEncoder()

/** Reading stream bodies (rare outside Node, see stream-body.ts). */
const loadStreamReader = lazy(() => import('./stream-body.ts'))

export type NodeStreamLike = {
  pipe: (...args: never[]) => unknown
  on?: (event: string, listener: (...args: unknown[]) => void) => unknown
  resume?: () => unknown
  destroy?: (err?: unknown) => unknown
  getHeaders?: () => Record<string, unknown>
  [Symbol.asyncIterator]?: () => AsyncIterator<unknown>
}

/** axios's own test (`utils.isStream`): Node streams, and the `form-data` package's multipart streams. */
function isNodeStream(v: unknown): v is NodeStreamLike {
  return typeof v === 'object' && v !== null && typeof (v as { pipe?: unknown }).pipe === 'function'
}

function isWebStream(v: unknown): v is ReadableStream<Uint8Array> {
  return typeof ReadableStream !== 'undefined' && v instanceof ReadableStream
}

/** axios's `isSpecCompliantForm`: the native FormData, or one from another realm or polyfill. */
function isFormData(v: unknown): v is FormData {
  if (typeof FormData !== 'undefined' && v instanceof FormData) return true
  if (typeof v !== 'object' || v === null) return false
  const f = v as { append?: unknown; [Symbol.toStringTag]?: unknown; [Symbol.iterator]?: unknown }
  return typeof f.append === 'function' && f[Symbol.toStringTag] === 'FormData' && typeof f[Symbol.iterator] === 'function'
}

function isBlob(v: unknown): v is Blob {
  return typeof Blob !== 'undefined' && v instanceof Blob
}

function isBuffer(v: unknown): v is Uint8Array {
  const B = (globalThis as { Buffer?: { isBuffer(v: unknown): boolean } }).Buffer
  return B !== undefined && B.isBuffer(v)
}

/** The exact bytes of `bytes` as an ArrayBuffer of that length (no copy when it already is one). */
export function exactArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer
  return bytes.slice().buffer as ArrayBuffer
}

/** The `body_too_large` error of a body that must be buffered and is over `limit`. */
function tooLarge(limit: number): SignetError {
  return new SignetError(
    'body_too_large',
    `the request body is a stream, which must be buffered to be signed, and it is larger than ${limit} bytes; raise axios's maxBodyLength (the limit used when it is set) or send a Blob or bytes`,
    { component: 'body', expected: `<= ${limit} bytes`, received: `> ${limit} bytes` },
  )
}

/** A FormData the runtime can serialize: polyfills and other realms are copied into a native one. */
function nativeFormData(form: FormData): FormData {
  if (typeof FormData === 'undefined') invalid('this runtime has no FormData to serialize the request body with', 'body')
  if (form instanceof FormData) return form
  const copy = new FormData()
  for (const [name, value] of form as unknown as Iterable<[string, string | Blob]>) copy.append(name, value)
  return copy
}

/**
 * Turns `config.data`, as transformRequest left it, into the exact body the adapter will send.
 * Where an adapter would serialize the body itself (FormData with its own boundary, streams it
 * pipes, Blobs whose type the http adapter forces), the serialization happens here instead, so
 * that the bytes signed are the bytes sent.
 *
 * @param limit largest stream buffered
 */
export async function prepareBody(data: unknown, kind: AdapterKind, limit: number): Promise<PreparedBody> {
  if (data === undefined || data === null) return { body: undefined }
  if (typeof data === 'string') {
    if (kind === 'http' || kind === 'custom') return { body: data }
    // fetch and XMLHttpRequest send a string with `text/plain;charset=UTF-8` when no type is set:
    // set it here, so it is signed. XMLHttpRequest also rewrites the charset of a string body's
    // Content-Type (Chromium: `utf-8` → `UTF-8`), so it gets the UTF-8 bytes, which it leaves alone.
    const body = kind === 'xhr' ? exactArrayBuffer(encoder.encode(data)) : data
    return { body, defaultContentType: 'text/plain;charset=UTF-8' }
  }
  if (data instanceof ArrayBuffer) return { body: data }
  if (isBuffer(data)) return { body: data }
  if (ArrayBuffer.isView(data)) return { body: exactArrayBuffer(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) }
  if (typeof URLSearchParams !== 'undefined' && data instanceof URLSearchParams) {
    return { body: data.toString(), defaultContentType: 'application/x-www-form-urlencoded;charset=UTF-8' }
  }
  if (isNodeStream(data)) {
    // The form-data package (axios's FormData in Node) knows its own boundary.
    const formHeaders = typeof data.getHeaders === 'function' ? data.getHeaders() : undefined
    const formType = formHeaders?.['content-type']
    const bytes = await (await loadStreamReader()).readNodeStream(data, limit, tooLarge)
    return { body: exactArrayBuffer(bytes), ...(typeof formType === 'string' ? { contentType: formType } : {}) }
  }
  if (isWebStream(data)) return { body: exactArrayBuffer(await (await loadStreamReader()).readWebStream(data, limit, tooLarge)) }
  if (isFormData(data)) {
    const { bytes, contentType: multipart } = await serializeFormData(nativeFormData(data))
    return { body: exactArrayBuffer(bytes), contentType: multipart }
  }
  if (isBlob(data)) {
    if (kind === 'http') {
      // The http adapter forces `blob.type || application/octet-stream` on non-empty Blobs; send bytes
      // with that same type, so the Content-Type signed is the one sent.
      if (data.size > limit) throw tooLarge(limit)
      const body = await data.arrayBuffer()
      return data.size > 0 ? { body, contentType: data.type || 'application/octet-stream' } : { body }
    }
    // fetch and XMLHttpRequest send the configured Content-Type, else the Blob's type.
    return data.type ? { body: data, defaultContentType: data.type } : { body: data }
  }
  invalid(`the request body after transformRequest is ${Object.prototype.toString.call(data)}; expected a string, bytes, Blob, FormData, URLSearchParams or a stream`, 'body')
}
