/**
 * MACs and hashes of strings (crypto/text.ts) must equal the backend's own methods over the
 * TextEncoder bytes, whichever text path the backend registered: node:crypto takes the string,
 * WebCrypto encodes into a reused buffer that it lends for one call at a time.
 */
import { describe, expect, it } from 'vitest'
import type { CryptoBackend } from '../../src/crypto/backend.ts'
import { nobleBackend } from '../../src/crypto/noble.ts'
import { toBase64 } from '../../src/canonicalize/encoding.ts'
import { digestText, digestTextEncoded, hmacText, hmacTextEncoded, hmacVerifyText } from '../../src/crypto/text.ts'
import { webCryptoBackend } from '../../src/crypto/webcrypto.ts'
import { hasNodeCrypto, hasSubtle, hex, material, randomBytes } from './support.ts'

const backends: CryptoBackend[] = [nobleBackend]
if (hasSubtle) backends.push(webCryptoBackend)
if (hasNodeCrypto) backends.push((await import('../../src/crypto/node.ts')).nodeBackend)

const enc = new TextEncoder()
const texts = [
  '',
  '"@method": GET\n"@signature-params": ("@method");created=1',
  'Grüße, 日本語, emoji 🔏, and a lone surrogate \ud800 (U+FFFD in UTF-8)',
  'x'.repeat(40_000) + 'é', // bigger than any buffer kept for reuse
]

for (const backend of backends) {
  describe(`text paths of the ${backend.name} backend`, () => {
    const key = material(randomBytes(32))

    it('equal hmac/hmacVerify/digest over the UTF-8 bytes', async () => {
      for (const text of texts) {
        const bytes = enc.encode(text)
        const mac = await hmacText(backend, key, 'sha256', text)
        expect(hex(mac)).toBe(hex(await backend.hmac(key, 'sha256', bytes)))
        expect(await hmacVerifyText(backend, key, 'sha256', text, mac)).toBe(true)
        expect(await hmacVerifyText(backend, key, 'sha256', text + ' ', mac)).toBe(false)
        expect(await hmacVerifyText(backend, key, 'sha256', text, mac.subarray(1))).toBe(false)
        expect(hex(await digestText(backend, 'sha512', text))).toBe(hex(await backend.digest('sha512', bytes)))
      }
    })

    it('give hex and base64 text equal to the encoded bytes (node:crypto: straight from digest(encoding))', async () => {
      const wrapped: CryptoBackend = { ...backend } // a copy has no text path: the fallback encodes the bytes
      for (const text of texts) {
        const bytes = enc.encode(text)
        for (const hash of ['sha256', 'sha384', 'sha512'] as const) {
          const mac = await backend.hmac(key, hash, bytes)
          const digest = await backend.digest(hash, bytes)
          for (const b of [backend, wrapped]) {
            expect(await hmacTextEncoded(b, key, hash, text, 'hex')).toBe(hex(mac))
            expect(await hmacTextEncoded(b, key, hash, text, 'base64')).toBe(toBase64(mac))
            expect(await digestTextEncoded(b, hash, text, 'hex')).toBe(hex(digest))
            expect(await digestTextEncoded(b, hash, text, 'base64')).toBe(toBase64(digest))
          }
        }
      }
    })

    it('keeps concurrent calls apart', async () => {
      const many = Array.from({ length: 200 }, (_, i) => `request ${i} ${'y'.repeat(i * 7)}`)
      const macs = await Promise.all(many.map((t) => hmacText(backend, key, 'sha256', t)))
      const digests = await Promise.all(many.map((t) => digestText(backend, 'sha256', t)))
      for (let i = 0; i < many.length; i++) {
        expect(hex(macs[i]!)).toBe(hex(await backend.hmac(key, 'sha256', enc.encode(many[i]!))))
        expect(hex(digests[i]!)).toBe(hex(await backend.digest('sha256', enc.encode(many[i]!))))
      }
    })

    it('reports a bad hash the way the backend does', async () => {
      const err = await Promise.resolve()
        .then(() => hmacText(backend, key, 'md5' as 'sha256', 'x'))
        .then(
          () => undefined,
          (e: { code?: string }) => e.code,
        )
      expect(err).toBe('unsupported_algorithm')
    })
  })
}
