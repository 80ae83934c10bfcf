import { SignetError } from '@signet/core'
import type { NodeStreamLike } from './request-body.ts'

/**
 * Buffering of stream request bodies (Node streams, `form-data`, web ReadableStreams), which must be
 * read whole to be signed. Loaded through import() by `prepareBody` on the first stream body, so
 * that pages that send strings, bytes or FormData never download it. `tooLarge` is request-body.ts's
 * error, passed in so that this chunk does not import that module back (a bundler would split it
 * into a chunk of its own).
 */

const encoder = new TextEncoder()

function chunkBytes(chunk: unknown): Uint8Array {
  if (typeof chunk === 'string') return encoder.encode(chunk)
  if (chunk instanceof Uint8Array) return chunk
  if (chunk instanceof ArrayBuffer) return new Uint8Array(chunk)
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  throw new SignetError('invalid_input', `the request body stream yielded ${Object.prototype.toString.call(chunk)}, expected bytes or strings`, { component: 'body' })
}

function concat(parts: Uint8Array[], total: number): Uint8Array {
  if (parts.length === 1) return parts[0]!
  const out = new Uint8Array(total)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

/** Buffers a Node stream: a Readable (async-iterable), or an old-style stream such as `form-data`'s. */
export async function readNodeStream(stream: NodeStreamLike, limit: number, tooLarge: (limit: number) => Error): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let total = 0
  const add = (chunk: unknown): void => {
    const bytes = chunkBytes(chunk)
    total += bytes.byteLength
    if (total > limit) throw tooLarge(limit)
    parts.push(bytes)
  }
  if (typeof stream[Symbol.asyncIterator] === 'function') {
    try {
      for await (const chunk of stream as AsyncIterable<unknown>) add(chunk)
    } catch (err) {
      stream.destroy?.()
      throw err
    }
    return concat(parts, total)
  }
  if (typeof stream.on !== 'function') throw new SignetError('invalid_input', 'the request body looks like a stream (it has pipe()) but cannot be read', { component: 'body' })
  return new Promise<Uint8Array>((resolve, reject) => {
    stream.on!('data', (chunk: unknown) => {
      try {
        add(chunk)
      } catch (err) {
        stream.destroy?.()
        reject(err)
      }
    })
    stream.on!('end', () => resolve(concat(parts, total)))
    stream.on!('error', reject)
    stream.resume?.()
  })
}

export async function readWebStream(stream: ReadableStream<Uint8Array>, limit: number, tooLarge: (limit: number) => Error): Promise<Uint8Array> {
  if (stream.locked) throw new SignetError('body_unusable', 'the request body stream is locked (already being read)', { component: 'body' })
  const reader = stream.getReader()
  const parts: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    const bytes = chunkBytes(value)
    total += bytes.byteLength
    if (total > limit) {
      const err = tooLarge(limit)
      await reader.cancel(err).catch(() => undefined)
      throw err
    }
    parts.push(bytes)
  }
  return concat(parts, total)
}
