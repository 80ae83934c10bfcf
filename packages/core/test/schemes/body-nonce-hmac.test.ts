import { beforeAll, describe, expect, it } from 'vitest'
import type { MessageRequest } from '../../src/message.ts'
import { memoryReplayStore } from '../../src/replay.ts'
import { bodyNonceHmac } from '../../src/schemes/body-nonce-hmac.ts'
import { verifyRequest } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { vectorJson } from '../support/vectors.ts'
import { codeOf, hexToBytes, lowerKeys, signed, withHeaders } from './helpers.ts'

interface ReferenceCase {
  name: string
  secret_utf8: string
  method: string
  body_hex: string
  body_utf8: string
  headers: Record<string, string>
}
interface VariantCase {
  name: string
  secret_utf8: string
  string_to_sign: string
  'X-API-Signature': string
}
interface Vectors {
  cases: (ReferenceCase | VariantCase)[]
}

const URL_ = 'http://127.0.0.1:5000/webhook'
const isVariant = (c: ReferenceCase | VariantCase): c is VariantCase => 'string_to_sign' in c

describe('bodyNonceHmac: vectors', () => {
  let vectors: Vectors
  beforeAll(async () => {
    vectors = await vectorJson<Vectors>('body-nonce-hmac.json')
  })

  for (const backendName of BACKEND_NAMES) {
    it(`every case, reference layout and bound variant (${backendName})`, async () => {
      const crypto = await backendNamed(backendName)
      expect(vectors.cases.filter(isVariant)).toHaveLength(1)
      for (const c of vectors.cases) {
        const key = { id: 'hook', secret: c.secret_utf8 }
        if (isVariant(c)) {
          // The variant's string is "<ts>.<nonce>.<body>"; neither the timestamp nor the UUID holds a dot.
          const [ts, nonce] = c.string_to_sign.split('.', 2) as [string, string]
          const body = c.string_to_sign.slice(ts.length + nonce.length + 2)
          const scheme = bodyNonceHmac({ bound: true, keyId: 'hook' })
          const req = await signed({ method: 'POST', url: URL_, body }, scheme, key, Number(ts) * 1000, { crypto, nonce: () => nonce })
          expect(req.base).toBe(c.string_to_sign)
          expect(req.headers.get('x-api-signature')).toBe(c['X-API-Signature'])
          expect(await codeOf(verifyRequest(req, { keys: [key], scheme, now: () => Number(ts) * 1000, crypto }))).toBe('accepted')
          continue
        }
        const scheme = bodyNonceHmac({ keyId: 'hook' })
        const h = lowerKeys(c.headers)
        const nowMs = Math.floor(Number(h['x-request-timestamp']) * 1000)
        const body = c.body_hex ? hexToBytes(c.body_hex) : undefined
        const req = await signed({ method: c.method, url: URL_, ...(body ? { body } : {}) }, scheme, key, nowMs, { crypto, nonce: () => h['x-request-nonce']! })
        expect(`${c.name}: ${req.headers.get('x-api-signature')}`).toBe(`${c.name}: ${h['x-api-signature']}`)
        expect(req.headers.get('x-request-nonce')).toBe(h['x-request-nonce'])
        expect(req.base).toBe(c.body_utf8)
        // The published headers as sent, fractional timestamp included.
        const v = await verifyRequest({ method: c.method, url: URL_, headers: c.headers, ...(body ? { body } : {}) }, { keys: [key], scheme, now: () => nowMs, crypto })
        expect(v.covered).toEqual(['body'])
        expect(v.nonce).toBe(h['x-request-nonce'])
        expect(v.created).toBe(Number(h['x-request-timestamp']))
      }
    })
  }
})

describe('bodyNonceHmac: sign → verify', () => {
  const NOW = 1_700_000_000_000
  const key = { id: 'hook', secret: 'super-secret-key-change-in-production' }
  const scheme = bodyNonceHmac({ keyId: 'hook' })
  const bound = bodyNonceHmac({ keyId: 'hook', bound: true })
  let n = 0
  const nonce = () => `nonce-${++n}`
  const verify = (req: MessageRequest, extra: Partial<Parameters<typeof verifyRequest>[1]> = {}) =>
    codeOf(verifyRequest(req, { keys: [key], scheme, now: () => NOW, ...extra }))
  const post: MessageRequest = { method: 'POST', url: 'https://hooks.example.com/in', headers: { 'content-type': 'application/json' }, body: '{"amount": 100}' }

  it('reference layout: only the body is covered (documented)', async () => {
    const req = await signed(post, scheme, key, NOW, { nonce })
    expect(await verify(req)).toBe('accepted')
    expect(await verify({ ...req, body: '{"amount": 101}' })).toBe('signature_mismatch')
    expect(await verify({ ...req, body: undefined })).toBe('signature_mismatch')
    // Not covered: path, query, host, method among the checked ones, and even the timestamp and nonce.
    expect(await verify({ ...req, url: 'https://other.example.com/else?x=1', method: 'PUT' })).toBe('accepted')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-request-timestamp': String(NOW / 1000 + 100), 'x-request-nonce': 'fresh' }) })).toBe('accepted')
  })

  it('bound variant: timestamp and nonce are covered too', async () => {
    const req = await signed(post, bound, key, NOW, { nonce })
    expect(req.base).toBe(`${NOW / 1000}.nonce-${n}.{"amount": 100}`)
    const check = (r: MessageRequest) => codeOf(verifyRequest(r, { keys: [key], scheme: bound, now: () => NOW }))
    expect(await check(req)).toBe('accepted')
    expect(await check({ ...req, headers: withHeaders(req.headers, { 'x-request-nonce': 'fresh' }) })).toBe('signature_mismatch')
    expect(await check({ ...req, headers: withHeaders(req.headers, { 'x-request-timestamp': String(NOW / 1000 + 1) }) })).toBe('signature_mismatch')
    expect(await check({ ...req, body: '{}' })).toBe('signature_mismatch')
    // A reference verifier does not accept the bound variant, and vice versa.
    expect(await verify(req)).toBe('signature_mismatch')
  })

  it('±300 s window, fractional timestamps accepted', async () => {
    const req = await signed(post, scheme, key, NOW, { nonce })
    expect(await verify(req, { now: () => NOW + 300_000 })).toBe('accepted')
    expect(await verify(req, { now: () => NOW + 300_001 })).toBe('expired')
    expect(await verify(req, { now: () => NOW - 300_001 })).toBe('not_yet_valid')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-request-timestamp': `${NOW / 1000}.75` }) })).toBe('accepted')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-request-timestamp': 'soon' }) })).toBe('malformed_signature')
  })

  it('replay store: a nonce is accepted once (after the signature is checked)', async () => {
    const replayStore = memoryReplayStore()
    const req = await signed(post, scheme, key, NOW, { nonce })
    expect(await verify({ ...req, body: 'forged' }, { replayStore })).toBe('signature_mismatch')
    expect(await verify(req, { replayStore })).toBe('accepted')
    expect(await verify(req, { replayStore })).toBe('replayed')
  })

  it('only POST/PUT/PATCH are checked; other methods without a signature pass through', async () => {
    const get = await verifyRequest({ method: 'GET', url: 'https://hooks.example.com/in' }, { keys: [key], scheme, now: () => NOW })
    expect(get.covered).toEqual([])
    expect(await verify({ method: 'DELETE', url: 'https://hooks.example.com/in', body: 'x' })).toBe('accepted')
    expect(await verify({ method: 'GET', url: 'https://hooks.example.com/in' }, { required: ['body'] })).toBe('insufficient_coverage')
    expect(await verify({ ...post })).toBe('missing_signature')
    expect(await verify({ ...post, method: 'PATCH' })).toBe('missing_signature')
    // A signed GET is verified.
    const signedGet = await signed({ method: 'GET', url: 'https://hooks.example.com/in' }, scheme, key, NOW, { nonce })
    expect(await verify(signedGet)).toBe('accepted')
    expect(await verify({ ...signedGet, body: 'x' })).toBe('signature_mismatch')
    const everything = bodyNonceHmac({ keyId: 'hook', methods: ['GET', 'POST'] })
    expect(await codeOf(verifyRequest({ method: 'GET', url: 'https://hooks.example.com/in' }, { keys: [key], scheme: everything, now: () => NOW }))).toBe('missing_signature')
  })

  it('missing headers', async () => {
    const req = await signed(post, scheme, key, NOW, { nonce })
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-request-nonce': undefined }) })).toBe('malformed_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-request-timestamp': undefined }) })).toBe('malformed_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-api-signature': undefined }) })).toBe('missing_signature')
  })

  it('stream and Blob bodies are read once and signed as bytes', async () => {
    const text = '{"big":"' + 'x'.repeat(10_000) + '"}'
    const blobReq = await signed({ ...post, body: new Blob([text]) }, scheme, key, NOW, { nonce })
    expect(await verify({ ...blobReq, body: text })).toBe('accepted')
  })
})
