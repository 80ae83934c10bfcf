import { describe, expect, it } from 'vitest'
import { HASH_LENGTH } from '../../src/crypto/backend.ts'
import { defaultBackend as browserDefault } from '../../src/crypto/default.browser.ts'
import { lazyNobleBackend } from '../../src/crypto/lazy-noble.ts'
import { webCryptoBackend } from '../../src/crypto/webcrypto.ts'
import { HASHES, errorCode, errorMessage, fromHex, hasNodeCrypto, hasSubtle, hex, loadVectors, material } from './support.ts'

const vectors = await loadVectors()
const v1 = vectors.hmac[0]!
const enc = new TextEncoder()

describe('default backends', () => {
  it('browser build: WebCrypto when crypto.subtle exists, else noble (loaded lazily)', () => {
    expect(browserDefault() === (hasSubtle ? webCryptoBackend : lazyNobleBackend)).toBe(true)
  })

  it('without crypto.subtle (insecure context): noble for the browser build; WebCrypto calls fail with crypto_unavailable', async () => {
    const own = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
    const realCrypto = globalThis.crypto
    const data = enc.encode('abc')
    let chosen: unknown
    let code: string | undefined
    let message = ''
    Object.defineProperty(globalThis, 'crypto', {
      value: { getRandomValues: realCrypto.getRandomValues.bind(realCrypto) },
      configurable: true,
      writable: true,
    })
    try {
      expect(globalThis.crypto.subtle).toBe(undefined)
      chosen = browserDefault()
      code = await errorCode(() => webCryptoBackend.digest('sha256', data))
      message = await errorMessage(() => webCryptoBackend.hmac(material(data), 'sha256', data))
    } finally {
      if (own) Object.defineProperty(globalThis, 'crypto', own)
      else delete (globalThis as { crypto?: unknown }).crypto
    }
    expect(globalThis.crypto === realCrypto).toBe(true)
    expect(chosen === lazyNobleBackend).toBe(true)
    expect(code).toBe('crypto_unavailable')
    expect(message).toMatch('secure context')
    expect(message).toMatch('nobleBackend')
  })

  if (hasNodeCrypto) {
    it('server build: node:crypto', async () => {
      const { defaultBackend } = await import('../../src/crypto/default.server.ts')
      const { nodeBackend } = await import('../../src/crypto/node.ts')
      expect(defaultBackend() === nodeBackend).toBe(true)
      expect(defaultBackend().name).toBe('node')
    })
  }
})

describe('lazily loaded noble backend', () => {
  it('computes the RFC 4231 MACs and verifies them, first call async, later calls sync', async () => {
    const key = material(fromHex(v1.keyHex))
    const data = fromHex(v1.dataHex)
    // The first incremental digest may be created before the module is loaded.
    const early = lazyNobleBackend.createDigest('sha256')
    early.update(enc.encode('a'))
    early.update(enc.encode('bc'))
    for (const hash of HASHES) {
      expect(hex(await lazyNobleBackend.hmac(key, hash, data))).toBe(v1.hmac[hash])
      expect(await lazyNobleBackend.hmacVerify(key, hash, data, fromHex(v1.hmac[hash]))).toBe(true)
      expect(await lazyNobleBackend.hmacVerify(key, hash, data, new Uint8Array(HASH_LENGTH[hash] - 1))).toBe(false)
    }
    expect(hex(await early.digest())).toBe(vectors.digest[0]!.digest.sha256)
    // Loaded now: answers synchronously, like nobleBackend.
    const mac = lazyNobleBackend.hmac(key, 'sha256', data)
    expect(mac).toBeInstanceOf(Uint8Array)
    expect(hex(mac as Uint8Array)).toBe(v1.hmac.sha256)
    const d = lazyNobleBackend.digest('sha384', enc.encode(''))
    expect(d).toBeInstanceOf(Uint8Array)
    expect(hex(d as Uint8Array)).toBe(vectors.digest[1]!.digest.sha384)
    expect(lazyNobleBackend.name).toBe('noble')
  })
})
