import { beforeAll, describe, expect, it } from 'vitest'
import { toHex } from '../../src/canonicalize/encoding.ts'
import { memoryReplayStore } from '../../src/replay.ts'
import { authorizationContentHmac } from '../../src/schemes/authorization-content-hmac.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest, verifyResponse } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { vectorJson } from '../support/vectors.ts'
import { codeOf, expectError, lowerKeys, signed, signedResponse, withHeaders } from './helpers.ts'

interface RequestCase {
  name: string
  kind: 'request'
  secret: string
  request_target_signed: string
  timestamp: string
  string_hashed: string
  expected_headers: Record<string, string>
}
interface ResponseCase {
  name: string
  kind: 'response'
  secret: string
  response_timestamp: string
  response_body: string
  string_hashed: string
  expected_headers: Record<string, string>
}
interface ServerBehaviour {
  url?: string
  signed?: string
  client_ts?: number
  server_clock?: number
  status: number
  note?: string
}
interface Vectors {
  cases: (RequestCase | ResponseCase)[]
  server_behaviour: ServerBehaviour[]
}

const FILE = 'authorization-content-hmac.json'
const ORIGIN = 'http://127.0.0.1:5000'

describe('authorizationContentHmac: vectors', () => {
  let vectors: Vectors
  beforeAll(async () => {
    vectors = await vectorJson<Vectors>(FILE)
  })

  for (const backendName of BACKEND_NAMES) {
    it(`every request and response case signs and verifies (${backendName})`, async () => {
      const crypto = await backendNamed(backendName)
      expect(vectors.cases.length).toBeGreaterThan(1)
      for (const c of vectors.cases) {
        const key = { id: 'flask', secret: c.secret }
        const scheme = authorizationContentHmac({ keyId: 'flask' })
        const expected = lowerKeys(c.expected_headers)
        if (c.kind === 'request') {
          const nowMs = Number(c.timestamp) * 1000
          const req = await signed({ method: 'GET', url: ORIGIN + c.request_target_signed }, scheme, key, nowMs, { crypto })
          expect(Object.fromEntries(req.headers)).toEqual(expected)
          expect(req.base).toBe(c.string_hashed.replace(c.secret, '<secret>'))
          expect(req.base).not.toContain(c.secret)
          const v = await verifyRequest(req, { keys: [key], scheme, now: () => nowMs, crypto })
          expect(v.covered).toEqual(['@path', '@query', 'x-authorization-timestamp'])
          expect(v.created).toBe(Number(c.timestamp))
        } else {
          const nowMs = Number(c.response_timestamp) * 1000
          const res = await signedResponse({ status: 200, headers: { 'content-type': 'application/json' }, body: c.response_body }, scheme, key, nowMs, { crypto })
          expect(Object.fromEntries(res.headers)).toEqual({ 'content-type': 'application/json', ...expected })
          expect(res.base).toBe(c.string_hashed.replace(c.secret, '<secret>'))
          const v = await verifyResponse(res, { keys: [key], scheme, now: () => nowMs, crypto })
          expect(v.covered).toEqual(['x-response-content-timestamp', 'body'])
        }
      }
    })
  }

  it('agrees with the reference server on which signed targets are accepted', async () => {
    const crypto = await backendNamed(BACKEND_NAMES[0]!)
    const secret = 'your_secret_key'
    const ts = '1711662980'
    const scheme = authorizationContentHmac({ keyId: 'flask' })
    const checked = vectors.server_behaviour.filter((b) => b.url !== undefined)
    expect(checked.length).toBeGreaterThan(3)
    for (const b of checked) {
      // What a client that hashed `signed` sent: computed here with a plain SHA-256, not the scheme.
      const mac = toHex(await crypto.digest('sha256', new TextEncoder().encode(b.signed! + ts + secret)))
      const req = { method: 'GET', url: ORIGIN + b.url, headers: { 'x-authorization-timestamp': ts, 'x-authorization-content-hmac': mac } }
      const outcome = await codeOf(verifyRequest(req, { keys: [{ id: 'flask', secret }], scheme, now: () => Number(ts) * 1000 }))
      expect(`${b.url} signed as ${b.signed}: ${outcome}`).toBe(`${b.url} signed as ${b.signed}: ${b.status === 200 ? 'accepted' : 'signature_mismatch'}`)
    }
  })

  it('uses the header timestamp, not its own second (a documented difference from the reference server)', async () => {
    const clock = vectors.server_behaviour.find((b) => b.client_ts !== undefined)!
    const key = { id: 'flask', secret: 'your_secret_key' }
    const scheme = authorizationContentHmac({ keyId: 'flask' })
    const req = await signed({ method: 'GET', url: `${ORIGIN}/example/users` }, scheme, key, clock.client_ts! * 1000)
    expect(clock.status).toBe(400)
    expect(await codeOf(verifyRequest(req, { keys: [key], scheme, now: () => clock.server_clock! * 1000 }))).toBe('accepted')
  })
})

describe('authorizationContentHmac: sign → verify', () => {
  const NOW = 1_700_000_000_000
  const key = { id: 'client-1', secret: 'a long enough shared secret' }
  const scheme = authorizationContentHmac({ keyId: 'client-1' })
  const verify = (req: Parameters<typeof verifyRequest>[0], extra: Partial<Parameters<typeof verifyRequest>[1]> = {}) =>
    codeOf(verifyRequest(req, { keys: [key], scheme, now: () => NOW, ...extra }))
  const base = { method: 'POST', url: 'https://api.example.com/v1/us%65rs?q=a%20b&x=1', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }

  it('round-trips, always with the "?" and the decoded path', async () => {
    const req = await signed(base, scheme, key, NOW)
    expect(req.base).toBe(`/v1/users?q=a%20b&x=1${NOW / 1000}<secret>`)
    expect(await verify(req)).toBe('accepted')
    const bare = await signed({ method: 'GET', url: 'https://api.example.com/example/users' }, scheme, key, NOW)
    expect(bare.base).toBe(`/example/users?${NOW / 1000}<secret>`)
    expect(await verify(bare)).toBe('accepted')
  })

  it('a change to a covered part is a signature_mismatch', async () => {
    const req = await signed(base, scheme, key, NOW)
    expect(await verify({ ...req, url: 'https://api.example.com/v1/users2?q=a%20b&x=1' })).toBe('signature_mismatch')
    expect(await verify({ ...req, url: 'https://api.example.com/v1/users?q=a%20b&x=2' })).toBe('signature_mismatch')
    expect(await verify({ ...req, url: 'https://api.example.com/v1/users?x=1&q=a%20b' })).toBe('signature_mismatch')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-authorization-timestamp': String(NOW / 1000 - 1) }) })).toBe('signature_mismatch')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-authorization-content-hmac': '0'.repeat(64) }) })).toBe('signature_mismatch')
  })

  it('method, host and body are not covered (documented): changing them still verifies', async () => {
    const req = await signed(base, scheme, key, NOW)
    expect(await verify({ ...req, method: 'DELETE' })).toBe('accepted')
    expect(await verify({ ...req, url: 'https://evil.example.org/v1/users?q=a%20b&x=1' })).toBe('accepted')
    expect(await verify({ ...req, body: '{"a":2}' })).toBe('accepted')
  })

  it('checks the ±300 s window with the header timestamp', async () => {
    const req = await signed(base, scheme, key, NOW)
    expect(await verify(req, { now: () => NOW + 300_000 })).toBe('accepted')
    expect(await verify(req, { now: () => NOW + 301_000 })).toBe('expired')
    expect(await verify(req, { now: () => NOW - 300_000 })).toBe('accepted')
    expect(await verify(req, { now: () => NOW - 301_000 })).toBe('not_yet_valid')
    // The verifier's own maxAgeSeconds does not apply; the scheme option does.
    expect(await verify(req, { now: () => NOW + 100_000, maxAgeSeconds: 10 })).toBe('accepted')
    const narrow = authorizationContentHmac({ keyId: 'client-1', windowSeconds: 10 })
    expect(await codeOf(verifyRequest(req, { keys: [key], scheme: narrow, now: () => NOW + 11_000 }))).toBe('expired')
  })

  it('clockOffsetMs shifts the signed timestamp (servers whose clock is off)', async () => {
    const req = await signed(base, scheme, key, NOW, { clockOffsetMs: 3 * 3600_000 })
    expect(req.headers.get('x-authorization-timestamp')).toBe(String(NOW / 1000 + 3 * 3600))
  })

  it('malformed and missing headers', async () => {
    const req = await signed(base, scheme, key, NOW)
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-authorization-content-hmac': undefined }) })).toBe('missing_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-authorization-timestamp': undefined }) })).toBe('malformed_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-authorization-timestamp': 'yesterday' }) })).toBe('malformed_signature')
    const upper = req.headers.get('x-authorization-content-hmac')!.toUpperCase()
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-authorization-content-hmac': upper }) })).toBe('malformed_signature')
  })

  it('replay store: the same signature is accepted once', async () => {
    const req = await signed(base, scheme, key, NOW)
    const replayStore = memoryReplayStore()
    expect(await verify(req, { replayStore })).toBe('accepted')
    expect(await verify(req, { replayStore })).toBe('replayed')
  })

  it('errors: no keyId to verify with, unknown key, CryptoKey secrets', async () => {
    const req = await signed(base, scheme, key, NOW)
    await expectError(verifyRequest(req, { keys: [key], scheme: authorizationContentHmac(), now: () => NOW }), 'invalid_input', /keyId/)
    expect(await verify(req, { keys: [{ id: 'other', secret: 'x' }] })).toBe('unknown_key')
    if (globalThis.crypto?.subtle) {
      const cryptoKey = await globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode('k'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      await expectError(signRequest(base, { key: { id: 'c', secret: cryptoKey }, scheme, now: () => NOW }), 'invalid_key', /authorizationContentHmac/)
    }
  })

  it('responses: the exact body bytes are covered, never re-serialized', async () => {
    const body = '{"result": "ok", "n": 1.0}'
    const res = await signedResponse({ status: 200, body }, scheme, key, NOW)
    expect(res.base).toBe(`${NOW / 1000}|${body}<secret>`)
    const check = (r: Parameters<typeof verifyResponse>[0], now = NOW) => codeOf(verifyResponse(r, { keys: [key], scheme, now: () => now }))
    expect(await check(res)).toBe('accepted')
    expect(await check({ ...res, body: '{"result":"ok","n":1.0}' })).toBe('signature_mismatch')
    expect(await check({ ...res, status: 500 })).toBe('accepted')
    expect(await check(res, NOW + 301_000)).toBe('expired')
    expect(await check({ ...res, headers: withHeaders(res.headers as Headers, { 'x-response-content-hmac': undefined }) })).toBe('missing_signature')
  })
})
