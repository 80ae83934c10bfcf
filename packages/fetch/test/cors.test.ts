import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSignedFetch } from '../src/index.ts'
import { isBrowser, itWhen, testServer } from './support/env.ts'
import { testKey } from './support/keys.ts'
import type { TestServer } from './support/env.ts'
import { caught, type Echo } from './support/util.ts'

let server: TestServer
const inBrowser = itWhen(it, isBrowser)

// The page (Vite's origin) and the test server are different origins: responses are CORS-filtered.
describe('signed fetch in browsers: CORS', () => {
  beforeAll(async () => {
    server = await testServer()
  })
  afterAll(async () => {
    await server.close()
  })

  inBrowser('a cross-origin response whose server exposes the signature headers verifies', async () => {
    const res = await createSignedFetch({ key: testKey, verifyResponse: true })(`${server.url}/echo`, { method: 'POST', body: 'cors' })
    expect(res.type).toBe('cors')
    expect(((await res.json()) as Echo).ok).toBe(true)
  })

  inBrowser('signature headers hidden by CORS: the error says to expose signature, signature-input, content-digest', async () => {
    const f = createSignedFetch({ key: testKey, verifyResponse: true })
    const err = await caught(f(`${server.url}/no-expose`, { method: 'POST', body: 'x' }))
    expect(err.code).toBe('missing_signature')
    expect(err.message).toContain('Access-Control-Expose-Headers')
    expect(err.message).toContain('Signature, Signature-Input, Content-Digest')
    expect(err.details?.exposeHeaders).toEqual(['signature', 'signature-input', 'content-digest'])
    expect(err.details?.status).toBe(200)
  })

  it('the request itself was accepted: signing works cross-origin (preflight allows the headers)', async () => {
    const res = await createSignedFetch({ key: testKey })(`${server.url}/no-expose`, { method: 'POST', body: 'x' })
    expect(((await res.json()) as Echo).ok).toBe(true)
  })
})
