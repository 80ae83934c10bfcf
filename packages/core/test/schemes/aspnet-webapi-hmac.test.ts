import { beforeAll, describe, expect, it } from 'vitest'
import type { MessageRequest } from '../../src/message.ts'
import { memoryReplayStore } from '../../src/replay.ts'
import { aspnetEnUsTimestamp, aspnetWebApiHmac } from '../../src/schemes/aspnet-webapi-hmac.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { vectorJson } from '../support/vectors.ts'
import { codeOf, expectError, lowerKeys, signed, withHeaders } from './helpers.ts'

interface Case {
  name: string
  hashed_password: string
  hmac_key_utf8: string
  method: string
  timestamp_header: string
  request_path_on_wire: string
  params_sorted_decoded: [string, string][]
  message: string
  signature_b64: string
  headers: Record<string, string>
}

const ORIGIN = 'http://localhost:8080'
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** The vector's en-US timestamp as ms, read here independently of the scheme's own parser. */
function timeOf(text: string): number {
  const m = /^\w+, (\w+) (\d+), (\d+) (\d+):(\d+):(\d+) (AM|PM)$/.exec(text)!
  return Date.UTC(Number(m[3]), MONTHS.indexOf(m[1]!), Number(m[2]), (Number(m[4]) % 12) + (m[7] === 'PM' ? 12 : 0), Number(m[5]), Number(m[6]))
}

const enc = (s: string) => encodeURIComponent(s)
const query = (pairs: [string, string][]) => pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&')

/** The same parameters placed three ways: all in the query, all in a form body, alternating. */
function arrangements(c: Case): MessageRequest[] {
  const url = ORIGIN + c.request_path_on_wire
  const pairs = c.params_sorted_decoded
  const out: MessageRequest[] = [{ method: c.method, url: pairs.length ? `${url}?${query(pairs)}` : url }]
  if (c.method !== 'GET' && pairs.length) {
    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    out.push({ method: c.method, url, headers: form, body: query(pairs) })
    const inQuery = pairs.filter((_, i) => i % 2 === 1)
    const inForm = pairs.filter((_, i) => i % 2 === 0)
    out.push({ method: c.method, url: `${url}?${query(inQuery)}`, headers: form, body: query(inForm) })
  }
  return out
}

describe('aspnetWebApiHmac: vectors', () => {
  let cases: Case[]
  beforeAll(async () => {
    cases = (await vectorJson<{ cases: Case[] }>('aspnet-webapi-hmac.json')).cases
  })

  for (const backendName of BACKEND_NAMES) {
    it(`every case, with its parameters in the query, the form, or both (${backendName})`, async () => {
      const crypto = await backendNamed(backendName)
      expect(cases.length).toBeGreaterThan(3)
      for (const c of cases) {
        const h = lowerKeys(c.headers)
        const username = h['authentication']!.split(':')[0]!
        const key = { id: username, secret: c.hashed_password }
        const scheme = aspnetWebApiHmac({ username })
        const nowMs = timeOf(c.timestamp_header)
        for (const request of arrangements(c)) {
          const req = await signed(request, scheme, key, nowMs, { crypto })
          expect(`${c.name}: ${JSON.stringify(req.base)}`).toBe(`${c.name}: ${JSON.stringify(c.message)}`)
          expect(`${c.name}: ${JSON.stringify(Object.fromEntries([...req.headers].filter(([k]) => k !== 'content-type')))}`).toBe(`${c.name}: ${JSON.stringify({ authentication: h['authentication'], timestamp: h['timestamp'] })}`)
          const v = await verifyRequest({ ...request, headers: withHeaders(request.headers, c.headers) }, { keys: [key], scheme: aspnetWebApiHmac(), now: () => nowMs, crypto })
          expect(v.keyId).toBe(username)
        }
        // The key is the upper-cased secret: the same signature comes from a key given as its upper-case text.
        const upper = await signed(arrangements(c)[0]!, scheme, { id: username, secret: c.hmac_key_utf8 }, nowMs, { crypto })
        expect(upper.headers.get('authentication')).toBe(h['authentication'])
      }
    })
  }
})

describe('aspnetWebApiHmac: sign → verify', () => {
  const NOW = Date.UTC(2024, 1, 29, 0, 5, 9)
  const key = { id: 'alice', secret: 'c0ffee-hashed-password' }
  const scheme = aspnetWebApiHmac()
  const verify = (req: MessageRequest, extra: Partial<Parameters<typeof verifyRequest>[1]> = {}) =>
    codeOf(verifyRequest(req, { keys: [key], scheme, now: () => NOW, ...extra }))
  const post: MessageRequest = {
    method: 'POST',
    url: 'https://example.com/App/Api/Orders/a+b%2Fc?z=1&b=two%20words&b=2',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body: 'a=x+y&b=3',
  }

  it('formats the en-US "U" timestamp in UTC (12-hour clock, zero-padded day)', () => {
    expect(aspnetEnUsTimestamp.format(NOW)).toBe('Thursday, February 29, 2024 12:05:09 AM')
    expect(aspnetEnUsTimestamp.format(Date.UTC(2012, 7, 2, 12, 0, 0))).toBe('Thursday, August 02, 2012 12:00:00 PM')
    expect(aspnetEnUsTimestamp.parse('Thursday, February 29, 2024 12:05:09 AM')).toBe(NOW)
    expect(aspnetEnUsTimestamp.parse('Friday, February 29, 2024 12:05:09 AM')).toBe(undefined)
    expect(aspnetEnUsTimestamp.parse('Thursday, February 30, 2024 12:05:09 AM')).toBe(undefined)
  })

  it('builds the message: lower-cased then decoded path, joined repeated keys, sorted params, form fields', async () => {
    const req = await signed(post, scheme, key, NOW)
    expect(req.base).toBe('POST\nThursday, February 29, 2024 12:05:09 AM\n/app/api/orders/a b/c\na=x y&b=two words,2,3&z=1')
    expect(req.headers.get('authentication')!.startsWith('alice:')).toBeTruthy()
    const v = await verifyRequest(req, { keys: [key], scheme, now: () => NOW })
    expect(v.covered).toEqual(['@method', 'timestamp', '@path', '@query', 'body'])
    const get = await signed({ method: 'GET', url: 'https://example.com/api/values' }, scheme, key, NOW)
    expect(get.base.endsWith('/api/values\n')).toBeTruthy()
    expect(get.base.split('\n')).toHaveLength(4)
  })

  it('each covered part changed → signature_mismatch; JSON bodies and host are not covered', async () => {
    const req = await signed(post, scheme, key, NOW)
    expect(await verify(req)).toBe('accepted')
    expect(await verify({ ...req, method: 'PUT' })).toBe('signature_mismatch')
    expect(await verify({ ...req, url: 'https://example.com/App/Api/Orders/a+b%2Fd?z=1&b=two%20words&b=2' })).toBe('signature_mismatch')
    expect(await verify({ ...req, url: 'https://example.com/App/Api/Orders/a+b%2Fc?z=1&b=2&b=two%20words' })).toBe('signature_mismatch')
    expect(await verify({ ...req, body: 'a=x+y&b=4' })).toBe('signature_mismatch')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { timestamp: 'Thursday, February 29, 2024 12:05:10 AM' }) })).toBe('signature_mismatch')
    // Not covered: the path's case (it is lower-cased), the query's order, the host.
    expect(await verify({ ...req, url: 'https://other.example.net/app/api/orders/a+b%2fc?b=two+words&z=1&b=2' })).toBe('accepted')
    const json = await signed({ method: 'POST', url: 'https://example.com/api/values', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }, scheme, key, NOW)
    expect(await verify({ ...json, body: '{"a":2}' })).toBe('accepted')
  })

  it('looks the key up by the received user name; username option and checks', async () => {
    const bob = { id: 'bob', secret: 'another' }
    const req = await signed(post, aspnetWebApiHmac({ username: 'bob' }), bob, NOW)
    expect(req.headers.get('authentication')!.startsWith('bob:')).toBeTruthy()
    expect(await verify(req, { keys: [key, bob] })).toBe('accepted')
    expect(await verify(req, { keys: [key] })).toBe('unknown_key')
    const asAlice = req.headers.get('authentication')!.replace('bob:', 'alice:')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { authentication: asAlice }) }, { keys: [key, bob] })).toBe('signature_mismatch')
    expect(() => aspnetWebApiHmac({ username: 'a:b' })).toThrow('username')
  })

  it('±5 min window, replayed signatures refused with a replay store', async () => {
    const req = await signed(post, scheme, key, NOW)
    expect(await verify(req, { now: () => NOW + 300_000 })).toBe('accepted')
    expect(await verify(req, { now: () => NOW + 301_000 })).toBe('expired')
    expect(await verify(req, { now: () => NOW - 301_000 })).toBe('not_yet_valid')
    const replayStore = memoryReplayStore()
    expect(await verify(req, { replayStore })).toBe('accepted')
    expect(await verify(req, { replayStore })).toBe('replayed')
  })

  it('malformed headers', async () => {
    const req = await signed(post, scheme, key, NOW)
    const sig = req.headers.get('authentication')!
    expect(await verify({ ...req, headers: withHeaders(req.headers, { authentication: undefined }) })).toBe('missing_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { authentication: sig.replace('alice:', '') }) })).toBe('malformed_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { authentication: sig.replace(/=$/, '') }) })).toBe('malformed_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { timestamp: '2024-02-29T00:05:09Z' }) })).toBe('malformed_signature')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { timestamp: undefined }) })).toBe('malformed_signature')
  })

  it('a custom timestamp format', async () => {
    const iso = aspnetWebApiHmac({ timestampFormat: { format: (ms) => new Date(ms).toISOString(), parse: (t) => Date.parse(t) } })
    const req = await signed(post, iso, key, NOW)
    expect(req.headers.get('timestamp')).toBe('2024-02-29T00:05:09.000Z')
    expect(await codeOf(verifyRequest(req, { keys: [key], scheme: iso, now: () => NOW }))).toBe('accepted')
    const formatOnly = aspnetWebApiHmac({ timestampFormat: (ms) => aspnetEnUsTimestamp.format(ms) })
    expect(await codeOf(verifyRequest(await signed(post, formatOnly, key, NOW), { keys: [key], scheme: formatOnly, now: () => NOW }))).toBe('accepted')
  })

  it('upper-cases the secret like .NET (length-preserving) and refuses CryptoKeys', async () => {
    const a = await signRequest(post, { key: { id: 'alice', secret: 'straße' }, scheme, now: () => NOW })
    const b = await signRequest(post, { key: { id: 'alice', secret: 'STRAßE' }, scheme, now: () => NOW })
    expect(a.headers['authentication']).toBe(b.headers['authentication'])
    if (globalThis.crypto?.subtle) {
      const cryptoKey = await globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode('k'), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
      await expectError(signRequest(post, { key: { id: 'c', secret: cryptoKey }, scheme, now: () => NOW }), 'invalid_key', /aspnetWebApiHmac/)
    }
  })
})
