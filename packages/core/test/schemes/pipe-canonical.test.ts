import { beforeAll, describe, expect, it } from 'vitest'
import type { MessageRequest } from '../../src/message.ts'
import { memoryReplayStore } from '../../src/replay.ts'
import { pipeCanonical } from '../../src/schemes/pipe-canonical.ts'
import { verifyRequest } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { vectorJson } from '../support/vectors.ts'
import { codeOf, hexToBytes, signed, withHeaders } from './helpers.ts'

interface Case {
  name: string
  secret_utf8: string
  method: string
  path: string
  headers_seen_by_server: Record<string, string>
  body_hex: string
  body_utf8_lossy: string
  canonical_string: string
  x_api_signature: string
}
interface Vectors {
  cases: Case[]
  server_behaviour: { name: string; status: number }[]
}

const ORIGIN = 'http://127.0.0.1:5000'

function requestOf(c: Case, headers: Record<string, string>): MessageRequest {
  return { method: c.method, url: ORIGIN + c.path, headers, ...(c.body_hex ? { body: hexToBytes(c.body_hex) } : {}) }
}

describe('pipeCanonical: vectors', () => {
  let vectors: Vectors
  beforeAll(async () => {
    vectors = await vectorJson<Vectors>('pipe-canonical.json')
  })

  for (const backendName of BACKEND_NAMES) {
    it(`every case signs to the published signature and verifies as the server saw it (${backendName})`, async () => {
      const crypto = await backendNamed(backendName)
      expect(vectors.cases.length).toBeGreaterThan(3)
      for (const c of vectors.cases) {
        const key = { id: 'api', secret: c.secret_utf8 }
        const scheme = pipeCanonical({ keyId: 'api' })
        const seen = c.headers_seen_by_server
        const nowMs = Number(seen['x-request-timestamp']!.trim()) * 1000
        // Signing: the caller's headers minus the timestamp, which the scheme sets itself.
        const { 'x-request-timestamp': _ts, ...callerHeaders } = seen
        const req = await signed(requestOf(c, callerHeaders), scheme, key, nowMs, { crypto })
        expect(`${c.name}: ${req.base}`).toBe(`${c.name}: ${c.canonical_string}`)
        expect(`${c.name}: ${req.headers.get('x-api-signature')}`).toBe(`${c.name}: ${c.x_api_signature}`)
        expect(req.headers.get('x-request-timestamp')).toBe(seen['x-request-timestamp']!.trim())
        // Verifying: the headers exactly as the server saw them (untrimmed), plus the published signature.
        const received = requestOf(c, { ...seen, 'x-api-signature': c.x_api_signature })
        const v = await verifyRequest(received, { keys: [key], scheme, now: () => nowMs, crypto })
        expect(v.base).toBe(c.canonical_string)
        expect(v.algorithm).toBe('sha256')
      }
    })
  }

  it('matches the reference server behaviour list', async () => {
    const c = vectors.cases[0]!
    const key = { id: 'api', secret: c.secret_utf8 }
    const scheme = pipeCanonical({ keyId: 'api' })
    const nowMs = 1_700_000_000_000
    const good = await signed(requestOf(c, { 'content-type': 'application/json' }), scheme, key, nowMs)
    const verify = (req: MessageRequest, now = nowMs) => codeOf(verifyRequest(req, { keys: [key], scheme, now: () => now }))
    const scenarios: Record<string, () => Promise<string>> = {
      'server-canonical': () => verify(good),
      'client as written': async () => {
        // The published client hashed an empty header section; the server includes both headers.
        const noHeaders = await signed(requestOf(c, { 'content-type': 'application/json' }), pipeCanonical({ keyId: 'api', headers: [] }), key, nowMs)
        return verify(noHeaders)
      },
      'uppercase hex': () => verify({ ...good, headers: withHeaders(good.headers, { 'x-api-signature': good.headers.get('x-api-signature')!.toUpperCase() }) }),
      'query string added': () => verify({ ...good, url: `${ORIGIN}${c.path}?extra=1` }),
      'content-type changed': () => verify({ ...good, headers: withHeaders(good.headers, { 'content-type': 'text/plain' }) }),
      'timestamp 61s old': () => verify(good, nowMs + 61_000),
      'no content-type header': async () => verify(await signed(requestOf(c, {}), scheme, key, nowMs)),
    }
    const statusOf: Record<string, number> = { accepted: 200, signature_mismatch: 401, malformed_signature: 401, expired: 400, not_yet_valid: 400, missing_signature: 400 }
    for (const b of vectors.server_behaviour) {
      const scenario = Object.keys(scenarios).find((s) => b.name.startsWith(s))
      expect(`${b.name}: ${scenario ? 'known' : 'no scenario'}`).toBe(`${b.name}: known`)
      const outcome = await scenarios[scenario!]!()
      expect(`${b.name}: ${statusOf[outcome]}`).toBe(`${b.name}: ${b.status}`)
    }
  })
})

describe('pipeCanonical: sign → verify', () => {
  const NOW = 1_700_000_000_000
  const key = { id: 'k1', secret: 'your-secure-secret-from-env' }
  const scheme = pipeCanonical({ keyId: 'k1' })
  const verify = (req: MessageRequest, extra: Partial<Parameters<typeof verifyRequest>[1]> = {}) =>
    codeOf(verifyRequest(req, { keys: [key], scheme, now: () => NOW, ...extra }))
  const post: MessageRequest = { method: 'post', url: 'https://api.example.com/api/tr%61nsfer?x=1', headers: { 'content-type': 'application/json' }, body: '{"amount":100}' }

  it('round-trips with the decoded path and covers method, path, headers and body', async () => {
    const req = await signed(post, scheme, key, NOW)
    expect(req.base).toBe(`POST|/api/transfer|content-type:application/json|x-request-timestamp:${NOW / 1000}|{"amount":100}`)
    const v = await verifyRequest(req, { keys: [key], scheme, now: () => NOW })
    expect(v.covered).toEqual(['@method', '@path', 'content-type', 'x-request-timestamp', 'body'])
    expect(v.created).toBe(NOW / 1000)
  })

  it('each covered part changed → signature_mismatch; the query is not covered', async () => {
    const req = await signed(post, scheme, key, NOW)
    expect(await verify({ ...req, method: 'PUT' })).toBe('signature_mismatch')
    expect(await verify({ ...req, url: 'https://api.example.com/api/other?x=1' })).toBe('signature_mismatch')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'content-type': 'text/plain' }) })).toBe('signature_mismatch')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'content-type': undefined }) })).toBe('signature_mismatch')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-request-timestamp': String(NOW / 1000 + 1) }) })).toBe('signature_mismatch')
    expect(await verify({ ...req, body: '{"amount":1000}' })).toBe('signature_mismatch')
    // Documented: the query string, the host and other headers are not covered.
    expect(await verify({ ...req, url: 'https://api.example.com/api/transfer?x=2&admin=true' })).toBe('accepted')
    expect(await verify({ ...req, url: 'https://other.example.net/api/transfer' })).toBe('accepted')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-other': 'y' }) })).toBe('accepted')
  })

  it('±60 s window by default, configurable', async () => {
    const req = await signed(post, scheme, key, NOW)
    expect(await verify(req, { now: () => NOW + 60_000 })).toBe('accepted')
    expect(await verify(req, { now: () => NOW + 61_000 })).toBe('expired')
    expect(await verify(req, { now: () => NOW - 61_000 })).toBe('not_yet_valid')
    const wide = pipeCanonical({ keyId: 'k1', windowSeconds: 120 })
    expect(await codeOf(verifyRequest(req, { keys: [key], scheme: wide, now: () => NOW + 100_000 }))).toBe('accepted')
    const err = await verifyRequest(req, { keys: [key], scheme, now: () => NOW + 61_000 }).catch((e: unknown) => e)
    expect((err as Error).message).toMatch('windowSeconds')
  })

  it('binary bodies are read with U+FFFD replacement (documented collision)', async () => {
    const a = await signed({ ...post, body: new Uint8Array([0x7b, 0xff, 0x7d]) }, scheme, key, NOW)
    expect(a.base.endsWith('|{\uFFFD}')).toBeTruthy()
    expect(await verify({ ...a, body: new Uint8Array([0x7b, 0xfe, 0x7d]) })).toBe('accepted')
  })

  it('configurable header list, same format', async () => {
    const custom = pipeCanonical({ keyId: 'k1', headers: ['X-Tenant', 'x-request-timestamp'] })
    const req = await signed({ ...post, headers: { 'content-type': 'application/json', 'x-tenant': ' acme ' } }, custom, key, NOW)
    expect(req.base).toBe(`POST|/api/transfer|X-Tenant:acme|x-request-timestamp:${NOW / 1000}|{"amount":100}`)
    expect(await codeOf(verifyRequest(req, { keys: [key], scheme: custom, now: () => NOW }))).toBe('accepted')
    expect(await codeOf(verifyRequest({ ...req, headers: withHeaders(req.headers, { 'x-tenant': 'other' }) }, { keys: [key], scheme: custom, now: () => NOW }))).toBe('signature_mismatch')
    // A header missing from the message is skipped, as the reference does.
    const noTenant = await signed(post, custom, key, NOW)
    expect(noTenant.base).toBe(`POST|/api/transfer|x-request-timestamp:${NOW / 1000}|{"amount":100}`)
  })

  it('missing or malformed headers, replay store, requirements', async () => {
    const req = await signed(post, scheme, key, NOW)
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-api-signature': undefined }) })).toBe('missing_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-request-timestamp': undefined }) })).toBe('malformed_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-request-timestamp': '1700000000.5' }) })).toBe('malformed_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-api-signature': 'zz' }) })).toBe('malformed_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { 'x-api-signature': 'ab' }) })).toBe('signature_mismatch')
    const replayStore = memoryReplayStore()
    expect(await verify(req, { replayStore })).toBe('accepted')
    expect(await verify(req, { replayStore })).toBe('replayed')
    expect(await verify(req, { required: ['@query'] })).toBe('insufficient_coverage')
    expect(await verify(req, { required: ['@method', 'body'] })).toBe('accepted')
  })
})
