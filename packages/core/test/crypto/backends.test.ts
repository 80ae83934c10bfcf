/**
 * One suite, run against every crypto backend the current runtime has: noble everywhere,
 * WebCrypto where `crypto.subtle` exists, node:crypto in Node, Deno and Bun (imported dynamically,
 * so the browser project never loads node:crypto). Expected values come from RFC 4231 and
 * FIPS 180-4 (test/vectors/rfc4231.json), never from our own code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HASH_LENGTH, type CryptoBackend, type HashAlgorithm } from '../../src/crypto/backend.ts'
import { nobleBackend } from '../../src/crypto/noble.ts'
import { webCryptoBackend } from '../../src/crypto/webcrypto.ts'
import {
  HASHES,
  chunks,
  cryptoKeyMaterial,
  errorCode,
  errorMessage,
  fromHex,
  hasNodeCrypto,
  hasSubtle,
  hex,
  importHmacKey,
  loadVectors,
  material,
  offsetView,
  randomBytes,
  randomInt,
} from './support.ts'

const vectors = await loadVectors()
const backends: CryptoBackend[] = [nobleBackend]
if (hasSubtle) backends.push(webCryptoBackend)
if (hasNodeCrypto) backends.push((await import('../../src/crypto/node.ts')).nodeBackend)

/** Backends that accept a caller's CryptoKey. */
const takesCryptoKey = (b: CryptoBackend) => hasSubtle && b.name !== 'noble'
const fullCases = vectors.hmac.filter((v) => v.truncatedToBytes === undefined)
const enc = new TextEncoder()

describe('crypto test setup', () => {
  it('has the backends this runtime should have', () => {
    const names = backends.map((b) => b.name)
    expect(names).toContain('noble')
    if (hasSubtle) expect(names).toContain('webcrypto')
    if (hasNodeCrypto) expect(names).toContain('node')
    expect(vectors.hmac).toHaveLength(7)
    expect(vectors.digest).toHaveLength(2)
  })
})

for (const backend of backends) {
  describe(`${backend.name} backend`, () => {
    for (const v of vectors.hmac) {
      it(`hmac: RFC 4231 test case ${v.case}${v.truncatedToBytes ? ' (truncated output)' : ''}`, async () => {
        const key = material(fromHex(v.keyHex))
        for (const hash of HASHES) {
          const mac = await backend.hmac(key, hash, fromHex(v.dataHex))
          expect(mac).toHaveLength(HASH_LENGTH[hash])
          const got = hex(v.truncatedToBytes ? mac.subarray(0, v.truncatedToBytes) : mac)
          expect(`${hash} ${got}`).toBe(`${hash} ${v.hmac[hash]}`)
        }
      })
    }

    it('hmacVerify: true for the RFC 4231 MACs', async () => {
      for (const v of fullCases) {
        const key = material(fromHex(v.keyHex))
        for (const hash of HASHES) {
          expect(await backend.hmacVerify(key, hash, fromHex(v.dataHex), fromHex(v.hmac[hash]))).toBe(true)
        }
      }
    })

    it('hmacVerify: false when any single bit of the MAC is flipped', async () => {
      const v = fullCases[1]!
      const key = material(fromHex(v.keyHex))
      for (const hash of HASHES) {
        const good = fromHex(v.hmac[hash])
        for (const bit of [0, 7, 8 * 13 + 3, 8 * good.length - 1]) {
          const bad = good.slice()
          bad[bit >> 3]! ^= 1 << (bit & 7)
          expect(await backend.hmacVerify(key, hash, fromHex(v.dataHex), bad)).toBe(false)
        }
      }
    })

    it('hmacVerify: false (no throw) for truncated, overlong, empty and wrong-hash MACs', async () => {
      const v = fullCases[0]!
      const key = material(fromHex(v.keyHex))
      const data = fromHex(v.dataHex)
      for (const hash of HASHES) {
        const good = fromHex(v.hmac[hash])
        const overlong = new Uint8Array(good.length + 1)
        overlong.set(good)
        expect(await backend.hmacVerify(key, hash, data, good.subarray(0, good.length - 1))).toBe(false)
        expect(await backend.hmacVerify(key, hash, data, good.subarray(0, 16))).toBe(false)
        expect(await backend.hmacVerify(key, hash, data, overlong)).toBe(false)
        expect(await backend.hmacVerify(key, hash, data, new Uint8Array(0))).toBe(false)
      }
      // A SHA-512 MAC offered as SHA-256, and the other way round.
      expect(await backend.hmacVerify(key, 'sha256', data, fromHex(v.hmac.sha512))).toBe(false)
      expect(await backend.hmacVerify(key, 'sha512', data, fromHex(v.hmac.sha256))).toBe(false)
    })

    it('hmacVerify: false for another key or other data', async () => {
      const v = fullCases[0]!
      const data = fromHex(v.dataHex)
      const mac = fromHex(v.hmac.sha256)
      expect(await backend.hmacVerify(material(fromHex(fullCases[1]!.keyHex)), 'sha256', data, mac)).toBe(false)
      expect(await backend.hmacVerify(material(fromHex(v.keyHex)), 'sha256', enc.encode('Hi there'), mac)).toBe(false)
    })

    it('digest: SHA-256/384/512 of "abc" and of "" (FIPS 180-4)', async () => {
      for (const v of vectors.digest) {
        for (const hash of HASHES) {
          const d = await backend.digest(hash, enc.encode(v.dataText))
          expect(`${hash}(${JSON.stringify(v.dataText)}) ${hex(d)}`).toBe(`${hash}(${JSON.stringify(v.dataText)}) ${v.digest[hash]}`)
        }
      }
    })

    it('createDigest: the vectors, fed byte by byte and with no chunk at all', async () => {
      for (const v of vectors.digest) {
        for (const hash of HASHES) {
          const h = backend.createDigest(hash)
          for (const byte of enc.encode(v.dataText)) h.update(new Uint8Array([byte]))
          expect(hex(await h.digest())).toBe(v.digest[hash])
        }
      }
    })

    it('createDigest: many irregular chunks equal one-shot digest', async () => {
      const data = randomBytes(200_000 + randomInt(1000))
      for (const hash of HASHES) {
        const h = backend.createDigest(hash)
        const parts = chunks(data)
        expect(parts.length).toBeGreaterThan(100)
        for (const part of parts) h.update(part)
        expect(hex(await h.digest())).toBe(hex(await backend.digest(hash, data)))
      }
    })

    it('createDigest: update() after digest() and a second digest() throw invalid_input', async () => {
      const h = backend.createDigest('sha256')
      h.update(enc.encode('abc'))
      expect(hex(await h.digest())).toBe(vectors.digest[0]!.digest.sha256)
      expect(await errorCode(() => h.update(enc.encode('more')))).toBe('invalid_input')
      expect(await errorCode(() => h.digest())).toBe('invalid_input')
    })

    it('reads Uint8Array views with a non-zero byteOffset as data, key and MAC', async () => {
      for (const v of fullCases) {
        const key = material(offsetView(fromHex(v.keyHex)))
        const data = offsetView(fromHex(v.dataHex))
        expect(data.byteOffset).toBeGreaterThan(0)
        for (const hash of HASHES) {
          expect(hex(await backend.hmac(key, hash, data))).toBe(v.hmac[hash])
          const mac = offsetView(fromHex(v.hmac[hash]), 3, 9)
          expect(await backend.hmacVerify(key, hash, data, mac)).toBe(true)
          const bad = offsetView(fromHex(v.hmac[hash]).map((b, i) => (i === 0 ? b ^ 0x80 : b)), 3, 9)
          expect(await backend.hmacVerify(key, hash, data, bad)).toBe(false)
        }
      }
      for (const v of vectors.digest) {
        const data = offsetView(enc.encode(v.dataText), 11, 4)
        for (const hash of HASHES) {
          expect(hex(await backend.digest(hash, data))).toBe(v.digest[hash])
          const h = backend.createDigest(hash)
          h.update(data)
          expect(hex(await h.digest())).toBe(v.digest[hash])
        }
      }
    })

    it('returns plain Uint8Arrays that own exactly their bytes', async () => {
      const v = fullCases[0]!
      const outs = [await backend.hmac(material(fromHex(v.keyHex)), 'sha256', fromHex(v.dataHex)), await backend.digest('sha384', enc.encode('abc'))]
      for (const out of outs) {
        expect(Object.getPrototypeOf(out) === Uint8Array.prototype).toBe(true)
        expect(out.byteOffset).toBe(0)
        expect(out.buffer.byteLength).toBe(out.byteLength)
      }
    })

    it('rejects unknown hashes with unsupported_algorithm', async () => {
      const key = material(enc.encode('secret'))
      const bad = 'md5' as HashAlgorithm
      expect(await errorCode(() => backend.hmac(key, bad, enc.encode('x')))).toBe('unsupported_algorithm')
      expect(await errorCode(() => backend.hmacVerify(key, bad, enc.encode('x'), new Uint8Array(16)))).toBe('unsupported_algorithm')
      expect(await errorCode(() => backend.digest(bad, enc.encode('x')))).toBe('unsupported_algorithm')
      expect(await errorCode(() => backend.createDigest(bad))).toBe('unsupported_algorithm')
      expect(await errorCode(() => backend.digest('constructor' as HashAlgorithm, enc.encode('x')))).toBe('unsupported_algorithm')
    })

    it('rejects key material with neither bytes nor a CryptoKey with invalid_key', async () => {
      expect(await errorCode(() => backend.hmac({ imported: new Map() }, 'sha256', enc.encode('x')))).toBe('invalid_key')
    })

    it(`caches the imported key in key.imported under ${backend.name}:<hash>`, async () => {
      const key = material(randomBytes(32))
      const data = enc.encode('cache me')
      const first = hex(await backend.hmac(key, 'sha256', data))
      expect([...key.imported.keys()]).toEqual([`${backend.name}:sha256`])
      const cached = key.imported.get(`${backend.name}:sha256`)
      expect(hex(await backend.hmac(key, 'sha256', data))).toBe(first)
      expect(key.imported.get(`${backend.name}:sha256`) === cached).toBe(true)
      await backend.hmac(key, 'sha512', data)
      expect([...key.imported.keys()].sort()).toEqual([`${backend.name}:sha256`, `${backend.name}:sha512`])
    })

    if (backend.name !== 'webcrypto') {
      it('answers synchronously for byte keys', () => {
        const v = fullCases[0]!
        const key = material(fromHex(v.keyHex))
        const mac = backend.hmac(key, 'sha256', fromHex(v.dataHex))
        expect(mac).toBeInstanceOf(Uint8Array)
        expect(hex(mac as Uint8Array)).toBe(v.hmac.sha256)
        expect(backend.hmacVerify(key, 'sha256', fromHex(v.dataHex), mac as Uint8Array)).toBe(true)
        expect(backend.digest('sha256', enc.encode('abc'))).toBeInstanceOf(Uint8Array)
        const h = backend.createDigest('sha256')
        h.update(enc.encode('abc'))
        expect(hex(h.digest() as Uint8Array)).toBe(vectors.digest[0]!.digest.sha256)
      })
    }

    if (takesCryptoKey(backend)) {
      it('accepts a non-extractable CryptoKey', async () => {
        for (const v of fullCases) {
          for (const hash of HASHES) {
            const key = cryptoKeyMaterial(await importHmacKey(fromHex(v.keyHex), hash))
            const data = offsetView(fromHex(v.dataHex))
            expect(hex(await backend.hmac(key, hash, data))).toBe(v.hmac[hash])
            expect(await backend.hmacVerify(key, hash, data, fromHex(v.hmac[hash]))).toBe(true)
            const bad = fromHex(v.hmac[hash])
            bad[5]! ^= 4
            expect(await backend.hmacVerify(key, hash, data, bad)).toBe(false)
            expect(await backend.hmacVerify(key, hash, data, bad.subarray(1))).toBe(false)
          }
        }
      })

      it('refuses a CryptoKey for another hash or without the needed usage (invalid_key)', async () => {
        const bytes = randomBytes(32)
        const data = enc.encode('x')
        const sha384Key = cryptoKeyMaterial(await importHmacKey(bytes, 'sha384'))
        expect(await errorCode(() => backend.hmac(sha384Key, 'sha256', data))).toBe('invalid_key')
        expect(await errorMessage(() => backend.hmac(sha384Key, 'sha256', data))).toMatch('SHA-384')
        const signOnly = cryptoKeyMaterial(await importHmacKey(bytes, 'sha256', ['sign']))
        expect(await errorCode(() => backend.hmacVerify(signOnly, 'sha256', data, new Uint8Array(32)))).toBe('invalid_key')
        const verifyOnly = cryptoKeyMaterial(await importHmacKey(bytes, 'sha256', ['verify']))
        expect(await errorCode(() => backend.hmac(verifyOnly, 'sha256', data))).toBe('invalid_key')
      })
    }
  })
}

describe('noble backend and CryptoKeys', () => {
  if (!hasSubtle) return
  it('refuses a CryptoKey-only key with invalid_key, explaining that it needs the raw bytes', async () => {
    const key = cryptoKeyMaterial(await importHmacKey(randomBytes(32), 'sha256'))
    expect(await errorCode(() => nobleBackend.hmac(key, 'sha256', enc.encode('x')))).toBe('invalid_key')
    expect(await errorMessage(() => nobleBackend.hmac(key, 'sha256', enc.encode('x')))).toMatch('raw secret bytes')
    expect(() => nobleBackend.hmacVerify(key, 'sha256', enc.encode('x'), new Uint8Array(32))).toThrow('raw secret bytes')
  })
})

describe('backends agree with each other', () => {
  it(`on random keys, data and hashes (${backends.map((b) => b.name).join(', ')})`, async () => {
    const keyLengths = [1, 20, 32, 63, 64, 65, 127, 128, 129, 200]
    for (let round = 0; round < 40; round++) {
      const hash = HASHES[round % 3]!
      const keyBytes = randomBytes(keyLengths[round % keyLengths.length]!)
      const data = randomBytes(randomInt(3000))
      const macs: string[] = []
      const digests: string[] = []
      for (const b of backends) {
        const mac = await b.hmac(material(keyBytes), hash, data)
        macs.push(`${b.name}=${hex(mac)}`)
        digests.push(`${b.name}=${hex(await b.digest(hash, data))}`)
        for (const other of backends) expect(await other.hmacVerify(material(keyBytes), hash, data, mac)).toBe(true)
      }
      const same = (list: string[]) => list.map((s) => s.slice(s.indexOf('=') + 1))
      expect(new Set(same(macs)).size).toBe(1)
      expect(new Set(same(digests)).size).toBe(1)
    }
  })
})

if (hasSubtle) {
  describe('webcrypto key import', () => {
    const subtle = crypto.subtle as SubtleCrypto & { importKey: SubtleCrypto['importKey'] }
    const original = subtle.importKey
    let calls = 0
    const args: unknown[][] = []

    beforeAll(() => {
      const wrapped = function (this: SubtleCrypto, ...a: unknown[]) {
        calls++
        args.push(a)
        return (original as (...x: unknown[]) => Promise<CryptoKey>).apply(subtle, a)
      }
      Object.defineProperty(subtle, 'importKey', { value: wrapped, configurable: true, writable: true })
    })
    afterAll(() => {
      delete (subtle as { importKey?: unknown }).importKey
      if (subtle.importKey !== original) Object.defineProperty(subtle, 'importKey', { value: original, configurable: true, writable: true })
    })

    it('imports a key once for 1,000 concurrent HMACs, as non-extractable with sign+verify', async () => {
      calls = 0
      args.length = 0
      const key = material(randomBytes(32))
      const data = enc.encode('same request')
      const macs = await Promise.all(Array.from({ length: 1000 }, () => webCryptoBackend.hmac(key, 'sha256', data)))
      expect(calls).toBe(1)
      expect(new Set(macs.map(hex)).size).toBe(1)
      const [format, , algorithm, extractable, usages] = args[0]!
      expect(format).toBe('raw')
      expect(algorithm).toEqual({ name: 'HMAC', hash: 'SHA-256' })
      expect(extractable).toBe(false)
      expect(usages).toEqual(['sign', 'verify'])
      const cached = (await key.imported.get('webcrypto:sha256')) as CryptoKey
      expect(cached.extractable).toBe(false)
      // Verification reuses the same import; another hash is another import.
      expect(await webCryptoBackend.hmacVerify(key, 'sha256', data, macs[0]!)).toBe(true)
      expect(calls).toBe(1)
      await Promise.all([webCryptoBackend.hmac(key, 'sha512', data), webCryptoBackend.hmacVerify(key, 'sha512', data, new Uint8Array(64))])
      expect(calls).toBe(2)
    })
  })
}
