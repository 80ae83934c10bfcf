/**
 * MAC comparison is constant-time in every backend: the decision to accept comes from the
 * backend's `hmacVerify` (node:crypto `timingSafeEqual`, WebCrypto `subtle.verify`, or the
 * byte-wise `timingSafeEqual` of crypto/equal.ts for noble), never from a second comparison in a
 * scheme. test/crypto/equal.test.ts covers the byte-wise helper case by case; here it is also
 * checked as a property against plain equality, on views at arbitrary offsets of shared buffers.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CryptoBackend } from '../../src/crypto/backend.ts'
import { timingSafeEqual } from '../../src/crypto/equal.ts'
import { webCryptoBackend } from '../../src/crypto/webcrypto.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { now, outcome, PRESETS, runs, SLOW, type Preset } from './support.ts'

describe('timingSafeEqual (crypto/equal.ts) as a property', () => {
  it('equals plain byte equality, for views at any offset of shared buffers', () => {
    const view = (bytes: Uint8Array, before: number, after: number, fill: number): Uint8Array => {
      const backing = new Uint8Array(before + bytes.length + after).fill(fill)
      backing.set(bytes, before)
      return backing.subarray(before, before + bytes.length)
    }
    const plain = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i])
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 80 }),
        fc.oneof(fc.constant('same'), fc.constant('flip'), fc.constant('other'), fc.constant('prefix')),
        fc.nat(),
        fc.tuple(fc.nat(40), fc.nat(40), fc.nat(255), fc.nat(40), fc.nat(40), fc.nat(255)),
        (a, how, at, [b1, a1, f1, b2, a2, f2]) => {
          let b: Uint8Array
          if (how === 'same') b = a.slice()
          else if (how === 'flip' && a.length > 0) {
            b = a.slice()
            b[at % a.length]! ^= 1 << (at % 8)
          } else if (how === 'prefix') b = a.subarray(0, at % (a.length + 1))
          else b = Uint8Array.from(a, (x, i) => (x + i + at) & 0xff)
          const va = view(a, b1, a1, f1)
          const vb = view(b, b2, a2, f2)
          expect(timingSafeEqual(va, vb)).toBe(plain(a, b))
          expect(timingSafeEqual(vb, va)).toBe(plain(a, b))
        },
      ),
      { numRuns: runs(200) },
    )
  }, SLOW)
})

/** A backend whose MAC check always answers `answer`; everything else is the real backend. */
function rigged(backend: CryptoBackend, answer: boolean): CryptoBackend {
  return { ...backend, name: backend.name, hmacVerify: () => answer }
}

/** The preset's signature header with its MAC replaced by zero bytes of the right length, in the scheme's encoding. */
function forge(p: Preset, headers: Record<string, string>): Record<string, string> {
  const h = { ...headers }
  switch (p.name) {
    case 'rfc9421':
      h.signature = `sig1=:${btoa('\0'.repeat(32))}:`
      break
    case 'rfc9421 (bytes secret, sha512)':
      h.signature = `sig1=:${btoa('\0'.repeat(64))}:`
      break
    case 'sigv4':
      h.authorization = h.authorization!.replace(/Signature=[0-9a-f]+/, `Signature=${'0'.repeat(64)}`)
      break
    case 'djangoHmac':
      h.authorization = h.authorization!.replace(/;[^;]+;/, `;${btoa('\0'.repeat(32))};`)
      break
    case 'aspnetWebApiHmac':
      h.authentication = h.authentication!.replace(/:.*$/, `:${btoa('\0'.repeat(32))}`)
      break
    case 'pipeCanonical':
    case 'bodyNonceHmac':
    case 'bodyNonceHmac (bound)':
      h['x-api-signature'] = '0'.repeat(64)
      break
    default:
      throw new Error(`no forgery for ${p.name}`)
  }
  return h
}

// authorizationContentHmac is a keyed hash, not an HMAC: it is compared with crypto/equal.ts.
const HMAC_PRESETS = PRESETS.filter((p) => p.name !== 'authorizationContentHmac')
const request = { method: 'POST', url: 'https://api.example.com/orders?id=7', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }

for (const backendName of BACKEND_NAMES) {
  describe(`the accept decision is the backend's constant-time check (${backendName})`, () => {
    for (const p of HMAC_PRESETS) {
      it(`${p.name}: a rigged hmacVerify decides alone`, async () => {
        const real = await backendNamed(backendName)
        const signed = await signRequest(request, { key: p.key, scheme: p.scheme, now, crypto: real })
        const headers = { ...request.headers, ...signed.headers }
        const verify = (h: Record<string, string>, crypto: CryptoBackend) => verifyRequest({ ...request, headers: h }, { keys: p.keys, scheme: p.scheme, now, crypto })
        expect(await outcome(verify(headers, real))).toBe('accepted')
        // A check that says "no" refuses the genuine signature…
        expect(await outcome(verify(headers, rigged(real, false)))).toBe('signature_mismatch')
        // …and one that says "yes" accepts a forged one: nothing else compares the MAC.
        expect(await outcome(verify(forge(p, headers), real))).toBe('signature_mismatch')
        expect(await outcome(verify(forge(p, headers), rigged(real, true)))).toBe('accepted')
      }, SLOW)
    }
  })
}

;(typeof globalThis.crypto?.subtle?.verify === 'function' ? describe : describe.skip)('WebCrypto backend: subtle.verify', () => {
  const subtle = globalThis.crypto?.subtle as SubtleCrypto
  const original = subtle?.verify
  let calls = 0
  beforeAll(() => {
    const counting = function (this: SubtleCrypto, ...args: unknown[]) {
      calls++
      return (original as (...a: unknown[]) => Promise<boolean>).apply(subtle, args)
    }
    Object.defineProperty(subtle, 'verify', { value: counting, configurable: true, writable: true })
  })
  afterAll(() => {
    delete (subtle as { verify?: unknown }).verify
    if (subtle.verify !== original) Object.defineProperty(subtle, 'verify', { value: original, configurable: true, writable: true })
  })

  it('every HMAC preset verifies through exactly one subtle.verify call', async () => {
    for (const p of HMAC_PRESETS) {
      const signed = await signRequest(request, { key: p.key, scheme: p.scheme, now, crypto: webCryptoBackend })
      calls = 0
      await verifyRequest({ ...request, headers: { ...request.headers, ...signed.headers } }, { keys: p.keys, scheme: p.scheme, now, crypto: webCryptoBackend })
      expect(`${p.name}: ${calls}`).toBe(`${p.name}: 1`)
    }
  }, SLOW)
})
