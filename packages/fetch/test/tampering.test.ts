import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSignedFetch } from '../src/index.ts'
import { isBrowser, itWhen, testServer } from './support/env.ts'
import { otherKey, testKey } from './support/keys.ts'
import type { TestServer } from './support/env.ts'
import { caught, type Echo } from './support/util.ts'

let server: TestServer

describe('signed fetch: tampering and response verification (fail closed)', () => {
  beforeAll(async () => {
    server = await testServer()
  })
  afterAll(async () => {
    await server.close()
  })

  const verifying = createSignedFetch({ key: testKey, verifyResponse: true })

  it('a verified response resolves and is still readable whole', async () => {
    const res = await verifying(`${server.url}/echo`, { method: 'POST', body: 'hello' })
    expect(res.status).toBe(200)
    expect(res.bodyUsed).toBe(false)
    const e = (await res.json()) as Echo
    expect(e.ok).toBe(true)
    expect(e.bodyText).toBe('hello')
  })

  it('a signed error response (401) resolves too: fetch semantics, the answer is authentic', async () => {
    const f = createSignedFetch({ key: otherKey, verifyResponse: { keys: [testKey] } })
    const res = await f(`${server.url}/echo`)
    expect(res.status).toBe(401)
    expect(((await res.json()) as Echo).error).toBe('unknown_key')
  })

  itWhen(it, !isBrowser)('a proxy that flips one bit of the request body: the server rejects it with digest_mismatch', async () => {
    const { startTamperingProxy } = await import('./support/proxy.ts')
    const proxy = await startTamperingProxy(server.origin)
    try {
      const res = await createSignedFetch({ key: testKey })(`${proxy.url}/fetch/echo`, { method: 'POST', body: 'transfer 100 to alice' })
      expect(res.status).toBe(401)
      const e = (await res.json()) as Echo
      expect(e.error).toBe('digest_mismatch')
      expect(e.bodyText).not.toBe('transfer 100 to alice')
      // Control: the same proxy passes body-less requests untouched, and those verify.
      const ok = await createSignedFetch({ key: testKey })(`${proxy.url}/fetch/echo`)
      expect(((await ok.json()) as Echo).ok).toBe(true)
    } finally {
      await proxy.close()
    }
  })

  it('a tampered response body rejects with digest_mismatch; details carry status and headers', async () => {
    const err = await caught(verifying(`${server.url}/tamper-response`, { method: 'POST', body: 'x' }))
    expect(err.name).toBe('SignetError')
    expect(err.code).toBe('digest_mismatch')
    expect(err.details?.status).toBe(200)
    const headers = err.details?.headers as Record<string, string>
    expect(headers['content-type']).toBe('application/json')
    expect(headers['signature-input']).toMatch(/^sig1=/)
  })

  it('an unsigned response rejects with missing_signature', async () => {
    const err = await caught(verifying(`${server.url}/unsigned`))
    expect(err.code).toBe('missing_signature')
    expect(err.details?.status).toBe(200)
  })

  it('a genuine response replayed from another request rejects (bound to that request, RFC 9421 ;req)', async () => {
    const err = await caught(verifying(`${server.url}/replay`))
    expect(['signature_mismatch', 'insufficient_coverage']).toContain(err.code)
  })

  it('a stale response rejects with expired', async () => {
    // Our clock 400 s ahead: the server (clock right) refuses our request with a signed 401, and
    // that answer, seen from our clock, is older than maxAgeSeconds + skew.
    const f = createSignedFetch({ key: testKey, verifyResponse: { maxAgeSeconds: 300 }, clock: { now: () => Date.now() + 400_000 } })
    const err = await caught(f(`${server.url}/echo`))
    expect(err.code).toBe('expired')
    expect(err.details?.status).toBe(401)
  })

  it('a response signed with a key we do not accept rejects with unknown_key', async () => {
    const f = createSignedFetch({ key: testKey, verifyResponse: { keys: [otherKey] } })
    const err = await caught(f(`${server.url}/echo`))
    expect(err.code).toBe('unknown_key')
  })

  it('required components the response signature lacks reject with insufficient_coverage', async () => {
    const f = createSignedFetch({ key: testKey, verifyResponse: { required: ['@status', 'x-not-covered'] } })
    const err = await caught(f(`${server.url}/echo`))
    expect(err.code).toBe('insufficient_coverage')
  })
})
