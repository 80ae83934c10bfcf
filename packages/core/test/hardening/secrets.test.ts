/**
 * No secret, in any encoding (text, hex, base64, base64url, byte lists), shows in what Signet
 * hands back or throws: SignResult headers and `base`, `Verified`, error messages, details,
 * `JSON.stringify(error)`, `error.cause`, `util.inspect` of errors and of resolved keys and their
 * material (after each backend has imported the key). Keys Signet imports into WebCrypto are
 * non-extractable. The bad-input table and the tampering properties scan their errors too.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { toBase64, toBase64Url, toHex } from '../../src/canonicalize/encoding.ts'
import type { CryptoBackend } from '../../src/crypto/backend.ts'
import { webCryptoBackend } from '../../src/crypto/webcrypto.ts'
import { SignetError } from '../../src/errors.ts'
import { resolveKey, type SigningKey } from '../../src/keys.ts'
import { signRequest, signResponse } from '../../src/sign.ts'
import { verifyRequest, verifyResponse } from '../../src/verify.ts'
import { availableBackends, isBrowser } from '../support/backends.ts'
import {
  assertNoSecret,
  caught,
  DJANGO_SECRET_BYTES,
  DJANGO_SECRET_TEXT,
  errorTexts,
  findSecret,
  KEY_ID,
  now,
  OTHER_SECRET_TEXT,
  PRESETS,
  SECRET_BYTES,
  SECRET_TEXT,
  SLOW,
} from './support.ts'

type Inspect = (value: unknown, options?: { depth?: number; showHidden?: boolean }) => string
let inspect: Inspect | undefined
let backends: CryptoBackend[] = []
const utf8 = new TextEncoder()

beforeAll(async () => {
  backends = await availableBackends()
  if (!isBrowser) inspect = ((await import('node:util')) as { inspect: Inspect }).inspect
})

/** Every printable form of `value`: JSON, and util.inspect (plain, deep, with hidden properties) where there is one. */
function printed(value: unknown): string[] {
  const out = [JSON.stringify(value) ?? 'undefined']
  if (inspect) out.push(inspect(value), inspect(value, { depth: Infinity }), inspect(value, { depth: Infinity, showHidden: true }))
  return out
}

const request = { method: 'POST', url: 'https://api.example.com/orders?id=7', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }

describe('the secret scanner', () => {
  it('finds each secret in every encoding, alone or inside other text', () => {
    const texts: [string, Uint8Array][] = [
      [SECRET_TEXT, utf8.encode(SECRET_TEXT)],
      [OTHER_SECRET_TEXT, utf8.encode(OTHER_SECRET_TEXT)],
      [DJANGO_SECRET_TEXT, DJANGO_SECRET_BYTES],
    ]
    for (const [text, bytes] of texts) {
      for (const shown of [text, text.toUpperCase(), JSON.stringify({ secret: text }), `prefix ${text.slice(3, 20)} suffix`]) expect(findSecret(shown)).toBeTruthy()
    }
    for (const bytes of [utf8.encode(SECRET_TEXT), SECRET_BYTES, DJANGO_SECRET_BYTES]) {
      const forms = [
        toHex(bytes),
        toHex(bytes).toUpperCase(),
        toBase64(bytes),
        toBase64Url(bytes),
        `x${toBase64(Uint8Array.of(7, ...bytes))}x`,
        toBase64(Uint8Array.of(7, 8, ...bytes, 9)),
        toBase64Url(Uint8Array.of(1, 2, ...bytes)),
        JSON.stringify(bytes),
        `Uint8Array(${bytes.length}) [\n  ${Array.from(bytes).join(',\n  ')}\n]`,
        String.fromCharCode(...bytes),
      ]
      for (const form of forms) expect(`${form.slice(0, 30)}: ${String(Boolean(findSecret(form)))}`).toBe(`${form.slice(0, 30)}: true`)
    }
  }, SLOW)

  it('does not flag what is meant to be shown (key ids, MACs, digests, bases)', async () => {
    for (const p of PRESETS) {
      const signed = await signRequest(request, { key: p.key, scheme: p.scheme, now })
      expect(findSecret(JSON.stringify(signed))).toBe(undefined)
    }
    expect(findSecret(`${KEY_ID} other-key AKIDHARDENING`)).toBe(undefined)
  }, SLOW)
})

describe('secrets never show', () => {
  for (const p of PRESETS) {
    it(`${p.name}: SignResult, Verified and the errors of a refused request`, async () => {
      for (const crypto of backends) {
        const signed = await signRequest(request, { key: p.key, scheme: p.scheme, now, crypto })
        assertNoSecret(`${p.name} SignResult`, printed(signed))
        const headers = { ...request.headers, ...signed.headers }
        const verified = await verifyRequest({ ...request, headers }, { keys: p.keys, scheme: p.scheme, now, crypto })
        assertNoSecret(`${p.name} Verified`, printed(verified))
        // Refusals that carry the most detail: a MAC mismatch (details.base), an unknown key.
        for (const [what, change] of [
          ['body', { body: '{"a":2}' }],
          ['path', { url: 'https://api.example.com/other?id=7' }],
          ['method', { method: 'PUT' }],
        ] as const) {
          const err = await caught(() => verifyRequest({ ...request, headers, ...change }, { keys: p.keys, scheme: p.scheme, now, crypto }))
          if (err !== undefined) {
            expect(err).toBeInstanceOf(SignetError)
            assertNoSecret(`${p.name} ${what} error`, [...errorTexts(err, printed), ...printed(err)])
          }
        }
        const unknown = await caught(() => verifyRequest({ ...request, headers }, { keys: [{ id: 'nobody', secret: SECRET_TEXT }], scheme: p.scheme, now, crypto }))
        assertNoSecret(`${p.name} unknown key error`, [...errorTexts(unknown, printed), ...printed(unknown)])
        if (p.responses) {
          const response = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }
          const sres = await signResponse(response, { key: p.key, scheme: p.scheme, now, crypto, request: { ...request, headers } })
          assertNoSecret(`${p.name} response SignResult`, printed(sres))
          const err = await caught(() =>
            verifyResponse({ ...response, body: 'changed', headers: { ...response.headers, ...sres.headers } }, { keys: p.keys, scheme: p.scheme, now, crypto, request: { ...request, headers } }),
          )
          expect(err).toBeInstanceOf(SignetError)
          assertNoSecret(`${p.name} response error`, [...errorTexts(err, printed), ...printed(err)])
        }
      }
    }, SLOW)
  }

  it('a scheme that hashes the secret itself shows it as <secret> in base', async () => {
    const p = PRESETS.find((x) => x.name === 'authorizationContentHmac')!
    const signed = await signRequest(request, { key: p.key, scheme: p.scheme, now })
    expect(signed.base).toMatch(/<secret>$/)
    assertNoSecret('base', [signed.base])
  }, SLOW)

  it('an error whose cause is a failing replay store shows no secret', async () => {
    const key: SigningKey = { id: KEY_ID, secret: SECRET_TEXT }
    const signed = await signRequest(request, { key, now })
    const headers = { ...request.headers, ...signed.headers }
    const failing = {
      checkAndStore() {
        throw new Error('store down')
      },
    }
    const err = await caught(() => verifyRequest({ ...request, headers }, { keys: [key], now, replayStore: failing }))
    expect((err as SignetError).code).toBe('replay_store_unavailable')
    expect(String(((err as SignetError).cause as Error).message)).toBe('store down')
    assertNoSecret('replay store error', [...errorTexts(err, printed), ...printed(err)])
  }, SLOW)
})

describe('resolved keys and key material print without their secret', () => {
  const secrets: [string, () => Promise<SigningKey['secret']>][] = [
    ['string', async () => `${SECRET_TEXT}#inspect`],
    ['bytes', async () => SECRET_BYTES.slice()],
    ['CryptoKey', () => crypto.subtle.importKey('raw', SECRET_BYTES.slice() as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])],
  ]
  for (const [kind, secret] of secrets) {
    it(`a ${kind} secret, after every backend has imported it`, async () => {
      const key: SigningKey = { id: KEY_ID, secret: await secret() }
      for (const crypto of backends) {
        if (kind === 'CryptoKey' && crypto.name === 'noble') continue
        const signed = await signRequest(request, { key, now, crypto })
        await verifyRequest({ ...request, headers: { ...request.headers, ...signed.headers } }, { keys: [key], now, crypto })
      }
      const resolved = resolveKey(key)
      // Byte secrets have been imported by each backend (a CryptoKey is used as it is).
      if (kind !== 'CryptoKey') expect(resolved.material.imported.size).toBe(backends.length)
      const shown = [...printed(resolved), ...printed(resolved.material), ...printed({ nested: { resolved } }), String(resolved.material)]
      assertNoSecret(`${kind} key`, shown)
      expect(JSON.stringify(resolved.material)).toMatch('redacted')
      if (inspect) expect(inspect(resolved)).toMatch('KeyMaterial { [redacted')
      // Redaction changes how it prints, not what it is.
      if (kind !== 'CryptoKey') expect(resolved.material.bytes!.byteLength).toBeGreaterThan(0)
    }, SLOW)
  }
})

describe('keys Signet imports into WebCrypto', () => {
  it.skipIf(typeof globalThis.crypto?.subtle?.importKey !== 'function')('are non-extractable HMAC keys for sign and verify, per hash', async () => {
    const key: SigningKey = { id: KEY_ID, secret: `${SECRET_TEXT}#extractable` }
    const keySha512: SigningKey = { id: KEY_ID, secret: SECRET_BYTES.slice(), algorithm: 'sha512' }
    for (const k of [key, keySha512]) {
      const signed = await signRequest(request, { key: k, now, crypto: webCryptoBackend })
      await verifyRequest({ ...request, headers: { ...request.headers, ...signed.headers } }, { keys: [k], now, crypto: webCryptoBackend })
      const material = resolveKey(k).material
      const imported = (await material.imported.get(`webcrypto:${k.algorithm ?? 'sha256'}`)) as CryptoKey
      expect(imported).toBeInstanceOf(CryptoKey)
      expect(imported.extractable).toBe(false)
      expect(imported.algorithm.name).toBe('HMAC')
      expect([...imported.usages].sort()).toEqual(['sign', 'verify'])
      await expect(crypto.subtle.exportKey('raw', imported)).rejects.toThrow()
    }
  }, SLOW)
})
