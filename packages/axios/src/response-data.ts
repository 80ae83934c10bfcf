import type { AdapterKind } from './resolve-adapter.ts'

/**
 * What the adapter would have put in `response.data` for the caller's `responseType`, rebuilt from
 * the raw bytes that were verified. axios's transformResponse then runs on it as usual (JSON
 * parsing of strings), so the caller sees exactly what plain axios would have given.
 */
export interface CallerDataInput {
  /** What the adapter returned for `responseType: 'arraybuffer'` (a Buffer from http, an ArrayBuffer otherwise). */
  readonly raw: unknown
  readonly bytes: Uint8Array
  /** The caller's own `responseType`. */
  readonly responseType: unknown
  readonly kind: AdapterKind
  readonly contentType: string | undefined
  /** The caller's `responseEncoding` (http adapter only). */
  readonly responseEncoding: unknown
}

type NodeBuffer = Uint8Array & { toString(encoding?: string): string }
type BufferClass = { isBuffer(v: unknown): boolean; from(bytes: Uint8Array): NodeBuffer }
type NodeProcess = { getBuiltinModule?: (id: string) => unknown }

function nodeBuffer(raw: unknown, bytes: Uint8Array): NodeBuffer {
  const B = (globalThis as { Buffer?: BufferClass }).Buffer
  if (!B) throw new Error('signAxios: the http adapter ran without Buffer')
  return (B.isBuffer(raw) ? raw : B.from(bytes)) as NodeBuffer
}

/** A Node Readable over the bytes, as the http adapter gives for `responseType: 'stream'`. */
function nodeReadable(buffer: NodeBuffer): unknown {
  const proc = (globalThis as { process?: NodeProcess }).process
  const stream = proc?.getBuiltinModule?.('node:stream') as { Readable: { from(it: Iterable<unknown>, o: { objectMode: boolean }): unknown } } | undefined
  if (!stream) throw new Error('signAxios: responseType "stream" needs process.getBuiltinModule (Node ≥ 20.16, Deno, Bun)')
  return stream.Readable.from(buffer.byteLength > 0 ? [buffer] : [], { objectMode: false })
}

function arrayBufferOf(raw: unknown, bytes: Uint8Array): ArrayBuffer {
  if (raw instanceof ArrayBuffer) return raw
  return bytes.slice().buffer as ArrayBuffer
}

/** A Response over a copy of the bytes, to read them the way fetch's body mixin does. */
function asFetchBody(bytes: Uint8Array, contentType: string | undefined): Response {
  return new Response(bytes.slice(), contentType === undefined ? undefined : { headers: { 'content-type': contentType } })
}

const utf8 = new TextDecoder()

/** XMLHttpRequest's text decoding: a BOM wins, then the Content-Type charset, else UTF-8. */
function xhrText(bytes: Uint8Array, contentType: string | undefined): string {
  let label = 'utf-8'
  if (bytes[0] === 0xfe && bytes[1] === 0xff) label = 'utf-16be'
  else if (bytes[0] === 0xff && bytes[1] === 0xfe) label = 'utf-16le'
  else if (!(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)) {
    const m = contentType === undefined ? null : /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType)
    if (m) label = m[1]!
  }
  try {
    return new TextDecoder(label).decode(bytes)
  } catch {
    return utf8.decode(bytes)
  }
}

/** fetch adapter's resolver names, matched case-insensitively as axios's `utils.findKey` does. */
const FETCH_RESOLVERS = ['text', 'arrayBuffer', 'blob', 'formData', 'stream'] as const

function fetchResolver(responseType: unknown): (typeof FETCH_RESOLVERS)[number] {
  const wanted = typeof responseType === 'string' && responseType ? responseType.toLowerCase() : 'text'
  return FETCH_RESOLVERS.find((r) => r.toLowerCase() === wanted) ?? 'text'
}

async function fetchData(input: CallerDataInput): Promise<unknown> {
  const { raw, bytes, contentType } = input
  switch (fetchResolver(input.responseType)) {
    case 'arrayBuffer':
      return arrayBufferOf(raw, bytes)
    case 'blob':
      return asFetchBody(bytes, contentType).blob()
    case 'formData':
      return asFetchBody(bytes, contentType).formData()
    case 'stream':
      return asFetchBody(bytes, contentType).body
    default:
      return utf8.decode(bytes)
  }
}

function httpData(input: CallerDataInput): unknown {
  const buffer = nodeBuffer(input.raw, input.bytes)
  if (input.responseType === 'arraybuffer') return buffer
  if (input.responseType === 'stream') return nodeReadable(buffer)
  const encoding = typeof input.responseEncoding === 'string' && input.responseEncoding ? input.responseEncoding : undefined
  const text = buffer.toString(encoding)
  // axios strips a BOM from utf8 text only.
  return (encoding === undefined || encoding === 'utf8') && text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
}

async function xhrData(input: CallerDataInput): Promise<unknown> {
  const { raw, bytes, contentType, responseType } = input
  if (responseType === 'arraybuffer') return arrayBufferOf(raw, bytes)
  if (responseType === 'blob') {
    // Chromium types the Blob with the MIME type's essence, lower-cased, `text/xml` when there is none.
    const essence = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
    return new Blob([bytes.slice()], { type: essence || 'text/xml' })
  }
  if (responseType === 'document' && typeof DOMParser !== 'undefined') {
    const type = (contentType ?? 'text/xml').split(';')[0]!.trim().toLowerCase()
    const parserType = (['text/html', 'text/xml', 'application/xml', 'application/xhtml+xml', 'image/svg+xml'].includes(type) ? type : 'text/xml') as DOMParserSupportedType
    return new DOMParser().parseFromString(xhrText(bytes, contentType), parserType)
  }
  // '', 'text', 'json', and values XMLHttpRequest ignores (such as 'stream'): responseText.
  return xhrText(bytes, contentType)
}

async function customData(input: CallerDataInput): Promise<unknown> {
  const { raw, bytes, contentType, responseType } = input
  if (responseType === 'arraybuffer') return raw instanceof ArrayBuffer || ArrayBuffer.isView(raw) ? raw : arrayBufferOf(raw, bytes)
  if (responseType === 'blob') return asFetchBody(bytes, contentType).blob()
  if (responseType === 'stream') return asFetchBody(bytes, contentType).body
  return utf8.decode(bytes)
}

/** Rebuilds `response.data` for the caller's `responseType`, the way the adapter that ran would have. */
export async function callerData(input: CallerDataInput): Promise<unknown> {
  switch (input.kind) {
    case 'http':
      return httpData(input)
    case 'fetch':
      return fetchData(input)
    case 'xhr':
      return xhrData(input)
    default:
      return customData(input)
  }
}
