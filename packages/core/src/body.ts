import { concatBytes } from './canonicalize/encoding.ts'
import type { CryptoBackend, HashAlgorithm, IncrementalDigest } from './crypto/backend.ts'
import { prefersOneShotDigest } from './crypto/hash.ts'
import { fail } from './errors.ts'
import type { BodySource } from './message.ts'

/**
 * Reads a normalized body for a scheme, at most once per need: a digest is computed in one
 * native call for bytes and incrementally (constant memory) for Blob and stream bodies.
 *
 * Except with a backend whose incremental hash is not native (WebCrypto: its createDigest() is
 * @noble/hashes, ~10× slower than subtle.digest). There, a Blob or stream body that fits
 * `maxBufferedBodyBytes` is read whole and hashed in one native call: memory up to the body size
 * for a Blob (its arrayBuffer()), and up to twice the body size for a stream (its chunks, then one
 * array of them), bounded by the same budget the caller set for buffering. A bigger body is
 * hashed chunk by chunk, in constant memory: SHA-2 state cannot be carried from one WebCrypto
 * call to the next, so there is no native way to hash a body larger than what is held in memory.
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
  /** The whole body, buffered up to `maxBufferedBodyBytes`. Memoized. */
  bytes(): Promise<Uint8Array>
}

export interface BodyReaderOptions {
  /**
   * Largest body `bytes()` will buffer; with a backend whose incremental hash is not native
   * (WebCrypto), also the largest Blob or stream body hashed in one native call. @default 16 MiB
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
    if (source.kind === 'none') return Promise.all(hashes.map((h) => emptyDigest(backend, h)))
    if (source.kind === 'bytes') return Promise.all(hashes.map((h) => backend.digest(h, source.bytes)))
    if (buffered) {
      const bytes = await buffered
      return Promise.all(hashes.map((h) => backend.digest(h, bytes)))
    }
    const oneShot = prefersOneShotDigest(backend)
    if (oneShot && source.kind === 'blob' && source.blob.size <= limit) {
      const bytes = new Uint8Array(await source.blob.arrayBuffer())
      return Promise.all(hashes.map((h) => backend.digest(h, bytes)))
    }
    // A stream's length is known only at its end: keep its chunks while they fit the budget, and
    // fall back to hashing chunk by chunk (feeding what was kept) once they do not.
    const kept: Uint8Array[] | undefined = oneShot && source.kind === 'stream' ? [] : undefined
    let states: IncrementalDigest[] | undefined = kept ? undefined : hashes.map((h) => backend.createDigest(h))
    let total = 0
    for await (const chunk of chunksOf(source)) {
      if (states === undefined) {
        total += chunk.byteLength
        if (total <= limit) {
          kept!.push(chunk)
          continue
        }
        states = hashes.map((h) => backend.createDigest(h))
        for (const part of kept!.splice(0)) for (const s of states) s.update(part)
      }
      for (const s of states) s.update(chunk)
    }
    if (states === undefined) {
      const bytes = concatBytes(kept!)
      return Promise.all(hashes.map((h) => backend.digest(h, bytes)))
    }
    return Promise.all(states.map((s) => s.digest()))
  }

  return {
    absent: source.kind === 'none',
    digest(hash) {
      // Bytes already in memory: one native call, memoized, without the one-pass batching of digests().
      if (source.kind === 'bytes' || source.kind === 'none') {
        let d = digests.get(hash)
        if (d === undefined) {
          d = settle(() => (source.kind === 'bytes' ? backend.digest(hash, source.bytes) : emptyDigest(backend, hash)))
          digests.set(hash, d)
        }
        return d
      }
      return this.digests([hash]).then((d) => d[0]!)
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

function tooLarge(size: number, limit: number): never {
  return fail('body_too_large', `the body must be buffered for this scheme but is larger than maxBufferedBodyBytes (${limit} bytes); received at least ${size} bytes`, {
    component: 'body',
    expected: `<= ${limit} bytes`,
    received: `${size} bytes`,
  })
}
