/**
 * The JavaScript SHA-256 (crypto/sha256.ts) against FIPS 180-4 / NIST vectors, never our own
 * output, and against @noble/hashes' one-shot sha256 over random messages split at random points
 * (every block boundary case: partial blocks carried over, chunks smaller than a block, empty
 * chunks, padding that needs a second block).
 */
import { sha256 } from '@noble/hashes/sha2.js'
import { describe, expect, it } from 'vitest'
import { createSha256 } from '../../src/crypto/sha256.ts'
import { chunks, errorCode, hex, loadVectors, offsetView, randomBytes, randomInt } from './support.ts'

const vectors = await loadVectors()
const enc = new TextEncoder()

function hashChunks(parts: readonly Uint8Array[]): string {
  const h = createSha256()
  for (const p of parts) h.update(p)
  return hex(h.digest() as Uint8Array)
}

describe('createSha256', () => {
  it('matches the FIPS 180-4 vectors (test/vectors)', () => {
    for (const v of vectors.digest) expect(hashChunks([enc.encode(v.dataText)])).toBe(v.digest.sha256)
  })

  it('matches the FIPS 180-4 two-block example and the one-million-"a" message', () => {
    // NIST CSRC SHA-256 examples: "abcdbcdecdef...nopq" (448 bits) and 10^6 repetitions of "a".
    expect(hashChunks([enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')])).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    )
    const a = enc.encode('a'.repeat(1000))
    expect(hashChunks(Array.from({ length: 1000 }, () => a))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0')
  })

  it('equals a one-shot SHA-256 for every message length around the padding boundaries', () => {
    for (let n = 0; n <= 200; n++) {
      const data = randomBytes(n)
      expect(`${n} ${hashChunks([data])}`).toBe(`${n} ${hex(sha256(data))}`)
      expect(`${n} ${hashChunks(chunks(data, 1 + randomInt(70)))}`).toBe(`${n} ${hex(sha256(data))}`)
    }
  })

  it('equals a one-shot SHA-256 over random messages in random chunks, views and empty chunks included', () => {
    for (let round = 0; round < 40; round++) {
      const data = randomBytes(randomInt(20_000))
      const parts: Uint8Array[] = []
      for (let at = 0; at < data.length; ) {
        const size = randomInt(4) === 0 ? 0 : 1 + randomInt(300)
        parts.push(offsetView(data.subarray(at, at + size)))
        at += size
      }
      expect(hashChunks(parts)).toBe(hex(sha256(data)))
    }
  })

  it('does not keep a reference to the chunks it was given', () => {
    const data = randomBytes(100)
    const reused = new Uint8Array(30)
    const h = createSha256()
    for (let at = 0; at < 100; at += 30) {
      const part = data.subarray(at, at + 30)
      reused.set(part)
      h.update(reused.subarray(0, part.length))
      reused.fill(0xff)
    }
    expect(hex(h.digest() as Uint8Array)).toBe(hex(sha256(data)))
  })

  it('reads once: update() or digest() after digest() is invalid_input', async () => {
    const h = createSha256()
    h.digest()
    expect(await errorCode(() => h.update(new Uint8Array(1)))).toBe('invalid_input')
    expect(await errorCode(() => h.digest())).toBe('invalid_input')
  })
})
