/**
 * 1,000 concurrent signRequest calls with the same key import it into WebCrypto once (and the
 * verifications that follow reuse it), whether the caller passes one key object, rebuilds the key
 * object per call with the same string secret, or reuses one Uint8Array secret.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { webCryptoBackend } from '../../src/crypto/webcrypto.ts'
import type { SigningKey } from '../../src/keys.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest } from '../../src/verify.ts'
import { KEY_ID, now, SECRET_BYTES, SECRET_TEXT, SLOW } from './support.ts'

const hasSubtle = typeof globalThis.crypto?.subtle?.importKey === 'function'

;(hasSubtle ? describe : describe.skip)('WebCrypto key import under concurrency', () => {
  const subtle = globalThis.crypto?.subtle as SubtleCrypto
  const original = subtle?.importKey
  let calls = 0

  beforeAll(() => {
    const counting = function (this: SubtleCrypto, ...args: unknown[]) {
      calls++
      return (original as (...a: unknown[]) => Promise<CryptoKey>).apply(subtle, args)
    }
    Object.defineProperty(subtle, 'importKey', { value: counting, configurable: true, writable: true })
  })
  afterAll(() => {
    delete (subtle as { importKey?: unknown }).importKey
    if (subtle.importKey !== original) Object.defineProperty(subtle, 'importKey', { value: original, configurable: true, writable: true })
  })

  let run = 0
  const cases: [string, () => () => SigningKey][] = [
    [
      'one key object',
      () => {
        const key: SigningKey = { id: KEY_ID, secret: `${SECRET_TEXT}#object-${run++}` }
        return () => key
      },
    ],
    [
      'a new key object per call, same string secret',
      () => {
        const secret = `${SECRET_TEXT}#literal-${run++}`
        return () => ({ id: KEY_ID, secret })
      },
    ],
    [
      'a new key object per call, same Uint8Array secret',
      () => {
        const secret = SECRET_BYTES.slice()
        secret[0] = run++
        return () => ({ id: KEY_ID, secret })
      },
    ],
  ]

  for (const [name, make] of cases) {
    it(`${name}: 1,000 concurrent signRequest calls import the key once`, async () => {
      const keyOf = make()
      calls = 0
      const request = (i: number) => ({ method: 'POST', url: `https://api.example.com/orders/${i}`, headers: { 'content-type': 'application/json' }, body: `{"i":${i}}` })
      const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => signRequest(request(i), { key: keyOf(), now, crypto: webCryptoBackend })))
      expect(calls).toBe(1)
      expect(new Set(results.map((r) => r.headers.signature)).size).toBe(1000)
      // 1,000 concurrent verifications reuse the same import.
      const verified = await Promise.all(
        results.map((r, i) => verifyRequest({ ...request(i), headers: { ...request(i).headers, ...r.headers } }, { keys: [keyOf()], now, crypto: webCryptoBackend })),
      )
      expect(verified).toHaveLength(1000)
      expect(calls).toBe(1)
    }, SLOW)
  }
})
