/**
 * How body.ts hashes Blob and stream bodies per backend. With WebCrypto (no native incremental
 * hash), a Blob that fits maxBufferedBodyBytes is hashed in one subtle.digest call; a bigger one,
 * and any stream, goes chunk by chunk through createDigest (JavaScript). Either way the digest is the digest of
 * the bytes, checked against noble's one-shot SHA-2.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bodyReader } from '../../src/body.ts'
import { toBase64 } from '../../src/canonicalize/encoding.ts'
import type { CryptoBackend, HashAlgorithm } from '../../src/crypto/backend.ts'
import { nobleBackend } from '../../src/crypto/noble.ts'
import { webCryptoBackend } from '../../src/crypto/webcrypto.ts'
import { normalizeRequest, type BodySource } from '../../src/message.ts'
import { chunks, hasSubtle, hex, randomBytes } from './support.ts'

const data = randomBytes(5000)
const expected = (hash: HashAlgorithm) => hex(nobleBackend.digest(hash, data) as Uint8Array)
const blob = (): BodySource => ({ kind: 'blob', blob: new Blob([data as Uint8Array<ArrayBuffer>]) })
const stream = (): BodySource => ({
  kind: 'stream',
  stream: () =>
    new ReadableStream<Uint8Array>({
      start(controller) {
        for (const c of chunks(data, 700)) controller.enqueue(c)
        controller.close()
      },
    }),
})

/** Counts createDigest calls on a backend object for the duration of the suite. */
function countIncremental(backend: CryptoBackend): { calls: number } {
  const counter = { calls: 0 }
  const original = backend.createDigest
  beforeAll(() => {
    ;(backend as { createDigest: CryptoBackend['createDigest'] }).createDigest = (hash) => {
      counter.calls++
      return original.call(backend, hash)
    }
  })
  afterAll(() => {
    ;(backend as { createDigest: CryptoBackend['createDigest'] }).createDigest = original
  })
  return counter
}

if (hasSubtle) {
  describe('body digests with the WebCrypto backend', () => {
    const incremental = countIncremental(webCryptoBackend)

    it('hashes a Blob that fits maxBufferedBodyBytes in one digest() call', async () => {
      incremental.calls = 0
      const body = bodyReader(blob(), webCryptoBackend, { maxBufferedBodyBytes: data.byteLength })
      const [sha256, sha512] = await body.digests(['sha256', 'sha512'])
      expect(hex(sha256!)).toBe(expected('sha256'))
      expect(hex(sha512!)).toBe(expected('sha512'))
      expect(incremental.calls).toBe(0)
    })

    for (const [name, source, limit] of [
      ['a Blob larger than maxBufferedBodyBytes', blob, 2000],
      ['a stream', stream, undefined],
    ] as const) {
      it(`hashes ${name} chunk by chunk`, async () => {
        incremental.calls = 0
        const body = bodyReader(source(), webCryptoBackend, { maxBufferedBodyBytes: limit })
        const [sha256, sha384] = await body.digests(['sha256', 'sha384'])
        expect(hex(sha256!)).toBe(expected('sha256'))
        expect(hex(sha384!)).toBe(expected('sha384'))
        expect(incremental.calls).toBe(2)
      })
    }
  })
}

describe('body digests with any other backend (noble here)', () => {
  const incremental = countIncremental(nobleBackend)

  it('hashes a Blob and a stream chunk by chunk whatever their size (constant memory)', async () => {
    for (const source of [blob, stream]) {
      incremental.calls = 0
      const digest = await bodyReader(source(), nobleBackend).digest('sha256')
      expect(hex(digest)).toBe(expected('sha256'))
      expect(incremental.calls).toBe(1)
    }
  })
})

describe('digestEncoded: the digest as header text', () => {
  const backends: Promise<CryptoBackend>[] = [Promise.resolve(nobleBackend)]
  if (hasSubtle) backends.push(Promise.resolve(webCryptoBackend))
  if (typeof process !== 'undefined' && !!process.versions?.node) backends.push(import('../../src/crypto/node.ts').then((m) => m.nodeBackend))
  const sources: [string, () => BodySource][] = [
    ['bytes', () => ({ kind: 'bytes', bytes: data })],
    ['blob', blob],
    ['stream', stream],
    ['none', () => ({ kind: 'none' })],
  ]

  it('equals hex/base64 of digest() for every body kind and backend (synchronous for bytes on node:crypto)', async () => {
    for (const backend of await Promise.all(backends)) {
      for (const [kind, source] of sources) {
        for (const hash of ['sha256', 'sha512'] as const) {
          const bytes = await bodyReader(source(), backend).digest(hash)
          const reader = bodyReader(source(), backend)
          const b64 = reader.digestEncoded!(hash, 'base64')
          if (backend.name === 'node' && kind === 'bytes') expect(typeof b64).toBe('string')
          expect(await b64).toBe(toBase64(bytes))
          expect(await bodyReader(source(), backend).digestEncoded!(hash, 'hex')).toBe(hex(bytes))
          if (kind !== 'none') expect(hex(bytes)).toBe(expected(hash))
        }
      }
    }
  })

  it('hashes a string body as its UTF-8 bytes, lone surrogates as U+FFFD, and still hands out those bytes', async () => {
    const text = `{"name":"Grüße 🔏","odd":"\ud800"}`
    const utf8 = new TextEncoder().encode(text)
    for (const backend of await Promise.all(backends)) {
      const { body } = normalizeRequest({ method: 'POST', url: 'https://a.example/', body: text })
      for (const hash of ['sha256', 'sha512'] as const) {
        const want = hex(nobleBackend.digest(hash, utf8) as Uint8Array)
        expect(hex(await bodyReader(body, backend).digest(hash))).toBe(want)
        expect(await bodyReader(body, backend).digestEncoded!(hash, 'hex')).toBe(want)
      }
      expect(body.kind === 'bytes' && hex(body.bytes)).toBe(hex(utf8))
    }
  })
})
