import { concatBytes, toBase64, toHex } from './canonicalize/encoding.ts'
import type { CryptoBackend, HashAlgorithm, MaybePromise } from './crypto/backend.ts'
import { digestBytesEncoded, digestText, digestTextEncoded, type TextEncoding } from './crypto/text.ts'
import { fail } from './errors.ts'
import type { BodySource } from './message.ts'

/**
 * Reads a normalized body for a scheme, at most once per need: a digest is computed in one
 * native call for bytes and incrementally (constant memory) for Blob and stream bodies.
 *
 * Except for a Blob with the WebCrypto backend (name `webcrypto`): WebCrypto has no incremental
 * hash, so its createDigest() is JavaScript, 4–10× slower than subtle.digest. A Blob that fits
 * `maxBufferedBodyBytes` is read whole (arrayBuffer(): memory up to the body size, within the
 * budget the caller set for buffering) and hashed in one native call. A bigger Blob, and any
 * stream, is hashed chunk by chunk in constant memory: SHA-2 state cannot be carried from one
 * WebCrypto call to the next, so hashing natively means holding the whole body. (Streams are not
 * held: their size is only known at their end, and signing already buffers one-shot streams.)
 */
export interface BodyReader {
  /** True when there is no body at all (absent, not merely empty). */
  readonly absent: boolean
  /** hash(body bytes). Memoized per algorithm. */
  digest(hash: HashAlgorithm): Promise<Uint8Array>
  /**
   * Several digests of the body in one pass (a plain stream can be read only once). Memoized per
   * algorithm; results in the order asked.
   */
  digests(hashes: readonly HashAlgorithm[]): Promise<Uint8Array[]>
  /**
   * hash(body bytes) as lower-case hex or standard base64 text: what headers carry. Synchronous
   * (a string, not a promise) when the body is in memory and the backend answers synchronously.
   * Optional for other implementations of this interface: callers fall back to `digest()`.
   */
  digestEncoded?(hash: HashAlgorithm, encoding: TextEncoding): MaybePromise<string>
  /** The whole body, buffered up to `maxBufferedBodyBytes`. Memoized. */
  bytes(): Promise<Uint8Array>
}

export interface BodyReaderOptions {
  /**
   * Largest body `bytes()` will buffer; with the WebCrypto backend, also the largest Blob hashed in one native call. @default 16 MiB
   */
  maxBufferedBodyBytes?: number
}

const DEFAULT_MAX_BUFFERED = 16 * 1024 * 1024
const EMPTY = new Uint8Array(0)
// Blob.slice reads in pieces this large; big enough to amortize the native call, small enough to stay constant-memory.
const BLOB_CHUNK = 1024 * 1024

async function* chunksOf(source: BodySource): AsyncGenerator<Uint8Array> {
  if (source.kind === 'none') return
  if (source.kind === 'bytes') {
    yield source.bytes
    return
  }
  if (source.kind === 'blob') {
    for (let offset = 0; offset < source.blob.size; offset += BLOB_CHUNK) {
      yield new Uint8Array(await source.blob.slice(offset, offset + BLOB_CHUNK).arrayBuffer())
    }
    return
  }
  let stream: ReadableStream<Uint8Array>
  try {
    stream = source.stream()
  } catch (err) {
    fail('body_unusable', 'the body stream cannot be read (already used or locked)', { component: 'body' }, err)
  }
  if (stream.locked) fail('body_unusable', 'the body stream is locked (already being read)', { component: 'body' })
  const reader = stream.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      if (!(value instanceof Uint8Array)) fail('invalid_input', `body stream yielded ${Object.prototype.toString.call(value)}, expected Uint8Array chunks`, { component: 'body' })
      yield value
    }
  } finally {
    reader.releaseLock()
  }
}

/** The value of `f()` as a promise; a synchronous throw becomes a rejection. */
function settle<T>(f: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(f())
  } catch (err) {
    return Promise.reject(err)
  }
}

// hash("") is a constant: computed once per algorithm, handed out as copies.
const emptyDigests = new Map<HashAlgorithm, Uint8Array>()
async function emptyDigest(backend: CryptoBackend, hash: HashAlgorithm): Promise<Uint8Array> {
  let d = emptyDigests.get(hash)
  if (d === undefined) {
    d = await backend.digest(hash, EMPTY)
    emptyDigests.set(hash, d)
  }
  return d.slice()
}

/** The digest of an in-memory body; one given as a string is hashed as the string (crypto/text.ts). */
function bytesDigest(backend: CryptoBackend, hash: HashAlgorithm, source: Extract<BodySource, { kind: 'bytes' }>): MaybePromise<Uint8Array> {
  return source.text !== undefined ? digestText(backend, hash, source.text) : backend.digest(hash, source.bytes)
}

export function bodyReader(source: BodySource, backend: CryptoBackend, options: BodyReaderOptions = {}): BodyReader {
  const limit = options.maxBufferedBodyBytes ?? DEFAULT_MAX_BUFFERED
  // A limit that is not a number would compare false with every size, and so buffer without bound.
  if (typeof limit !== 'number' || !(limit >= 0)) {
    fail('invalid_input', `maxBufferedBodyBytes must be a non-negative number of bytes, received ${typeof limit === 'number' ? String(limit) : typeof limit}`, { component: 'maxBufferedBodyBytes' })
  }
  const digests = new Map<HashAlgorithm, Promise<Uint8Array>>()
  let buffered: Promise<Uint8Array> | undefined

  const readAll = async (): Promise<Uint8Array> => {
    if (source.kind === 'none') return EMPTY
    if (source.kind === 'bytes') return source.bytes
    if (source.kind === 'blob' && source.blob.size > limit) tooLarge(source.blob.size, limit)
    const parts: Uint8Array[] = []
    let total = 0
    for await (const chunk of chunksOf(source)) {
      total += chunk.byteLength
      if (total > limit) tooLarge(total, limit)
      parts.push(chunk)
    }
    return concatBytes(parts)
  }

  const digestsOf = async (hashes: readonly HashAlgorithm[]): Promise<Uint8Array[]> => {
    const whole = (bytes: Uint8Array) => Promise.all(hashes.map((h) => backend.digest(h, bytes)))
    if (source.kind === 'none') return Promise.all(hashes.map((h) => emptyDigest(backend, h)))
    if (source.kind === 'bytes') return Promise.all(hashes.map((h) => bytesDigest(backend, h, source)))
    if (buffered) return whole(await buffered)
    // WebCrypto's createDigest() is JavaScript (it has no incremental hash); its digest() is native.
    const oneShot = backend.name === 'webcrypto'
    if (oneShot && source.kind === 'blob' && source.blob.size <= limit) return whole(new Uint8Array(await source.blob.arrayBuffer()))
    const states = hashes.map((h) => backend.createDigest(h))
    for await (const chunk of chunksOf(source)) for (const s of states) s.update(chunk)
    return Promise.all(states.map((s) => s.digest()))
  }

  return {
    absent: source.kind === 'none',
    digest(hash) {
      // Bytes already in memory: one native call, memoized, without the one-pass batching of digests().
      if (source.kind === 'bytes' || source.kind === 'none') {
        let d = digests.get(hash)
        if (d === undefined) {
          d = settle(() => (source.kind === 'bytes' ? bytesDigest(backend, hash, source) : emptyDigest(backend, hash)))
          digests.set(hash, d)
        }
        return d
      }
      return this.digests([hash]).then((d) => d[0]!)
    },
    digestEncoded(hash, encoding) {
      // In memory: straight to text (node:crypto's digest(encoding), no byte array), not memoized.
      if (source.kind === 'bytes') {
        return source.text !== undefined ? digestTextEncoded(backend, hash, source.text, encoding) : digestBytesEncoded(backend, hash, source.bytes, encoding)
      }
      const as = encoding === 'hex' ? toHex : toBase64
      return this.digest(hash).then(as)
    },
    digests(hashes) {
      const missing = [...new Set(hashes.filter((h) => !digests.has(h)))]
      if (missing.length > 0) {
        const pending = digestsOf(missing)
        missing.forEach((h, i) => digests.set(h, pending.then((d) => d[i]!)))
      }
      return Promise.all(hashes.map((h) => digests.get(h)!))
    },
    bytes() {
      buffered ??= readAll()
      return buffered
    },
  }
}

/**
 * The body's digest as lower-case hex or standard base64 text: through `digestEncoded` where the
 * reader has it, so a body in memory with a synchronous backend gets a string, not a promise (no
 * microtask turn, no byte array to encode in JavaScript).
 */
export function bodyDigestText(body: BodyReader, hash: HashAlgorithm, encoding: TextEncoding): MaybePromise<string> {
  return body.digestEncoded ? body.digestEncoded(hash, encoding) : body.digest(hash).then(encoding === 'hex' ? toHex : toBase64)
}

function tooLarge(size: number, limit: number): never {
  return fail('body_too_large', `the body must be buffered for this scheme but is larger than maxBufferedBodyBytes (${limit} bytes); received at least ${size} bytes`, {
    component: 'body',
    expected: `<= ${limit} bytes`,
    received: `${size} bytes`,
  })
}
