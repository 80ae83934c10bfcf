import { describe, expect, it } from 'vitest'
import type { IncrementalDigest } from '../../src/crypto/backend.ts'
import { deferredDigest } from '../../src/crypto/deferred-digest.ts'
import { createNobleDigest } from '../../src/crypto/noble-hash.ts'
import { errorCode, hex, loadVectors } from './support.ts'

const vectors = await loadVectors()
const abc = vectors.digest[0]!
const enc = new TextEncoder()

function later<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

describe('deferredDigest (hasher still loading)', () => {
  it('queues chunks until the hasher is ready, copying them (callers may reuse buffers)', async () => {
    const pending = later<IncrementalDigest>()
    const h = deferredDigest(pending.promise)
    const reused = new Uint8Array(1)
    for (const byte of enc.encode('ab')) {
      reused[0] = byte
      h.update(reused)
    }
    reused[0] = 0
    pending.resolve(createNobleDigest('sha256'))
    await pending.promise
    h.update(enc.encode('c'))
    expect(hex(await h.digest())).toBe(abc.digest.sha256)
  })

  it('waits in digest() when nothing was loaded yet', async () => {
    const pending = later<IncrementalDigest>()
    const h = deferredDigest(pending.promise)
    h.update(enc.encode('abc'))
    const out = h.digest()
    pending.resolve(createNobleDigest('sha512'))
    expect(hex(await out)).toBe(abc.digest.sha512)
  })

  it('reports a failed load as crypto_unavailable from digest()', async () => {
    const pending = later<IncrementalDigest>()
    const h = deferredDigest(pending.promise)
    h.update(enc.encode('abc'))
    pending.reject(new Error('network down'))
    await pending.promise.catch(() => undefined)
    h.update(enc.encode('more'))
    expect(await errorCode(() => h.digest())).toBe('crypto_unavailable')
  })

  it('is read once', async () => {
    const h = deferredDigest(Promise.resolve(createNobleDigest('sha384')))
    h.update(enc.encode('abc'))
    expect(hex(await h.digest())).toBe(abc.digest.sha384)
    expect(await errorCode(() => h.update(enc.encode('x')))).toBe('invalid_input')
    expect(await errorCode(() => h.digest())).toBe('invalid_input')
  })
})
