import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSignedFetch } from '../src/index.ts'
import { testServer } from './support/env.ts'
import { testKey } from './support/keys.ts'
import type { TestServer } from './support/env.ts'
import { caught, type Echo } from './support/util.ts'

let server: TestServer
const MiB = 1024 * 1024

/** Reads a body chunk by chunk, as a large download would: total bytes and the largest chunk. */
async function drain(body: ReadableStream<Uint8Array>): Promise<{ total: number; chunks: number }> {
  const reader = body.getReader()
  let total = 0
  let chunks = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return { total, chunks }
    total += value.byteLength
    chunks++
  }
}

describe("signed fetch: verifyResponse { mode: 'stream' }", () => {
  beforeAll(async () => {
    server = await testServer()
  })
  afterAll(async () => {
    await server.close()
  })

  const streaming = createSignedFetch({ key: testKey, verifyResponse: { mode: 'stream' } })

  it('hands the response over before its body is read, and the body reads whole', async () => {
    const res = await streaming(`${server.url}/big?mib=8`)
    expect(res.status).toBe(200)
    expect(res.bodyUsed).toBe(false)
    expect(res.headers.get('content-digest')).toMatch(/^sha-256=:/)
    expect(res.url).toBe(`${server.url}/big?mib=8`)
    const { total, chunks } = await drain(res.body!)
    expect(total).toBe(8 * MiB)
    expect(chunks).toBeGreaterThan(1)
  })

  it('json() works on a small verified response', async () => {
    const res = await streaming(`${server.url}/echo`, { method: 'POST', body: 'streamed' })
    const e = (await res.json()) as Echo
    expect(e.ok).toBe(true)
    expect(e.bodyText).toBe('streamed')
  })

  it('a tampered body: the headers verify, then the stream errors at the end with digest_mismatch', async () => {
    const res = await streaming(`${server.url}/big?mib=4&tamper=1`)
    expect(res.status).toBe(200)
    const err = await caught(drain(res.body!))
    expect(err.code).toBe('digest_mismatch')
    expect(err.details?.status).toBe(200)
  })

  it('a tampered body read with text() rejects with digest_mismatch', async () => {
    const res = await streaming(`${server.url}/tamper-response`)
    const err = await caught(res.text())
    expect(err.code).toBe('digest_mismatch')
  })

  it('signature problems reject at once, before the body: unsigned', async () => {
    const err = await caught(streaming(`${server.url}/unsigned`))
    expect(err.code).toBe('missing_signature')
  })

  it('signature problems reject at once, before the body: replayed from another request', async () => {
    const err = await caught(streaming(`${server.url}/replay`))
    expect(['signature_mismatch', 'insufficient_coverage']).toContain(err.code)
  })

  it('the buffer mode reads a large body the same (and fails the same on tampering)', async () => {
    const buffering = createSignedFetch({ key: testKey, verifyResponse: { mode: 'buffer' } })
    const res = await buffering(`${server.url}/big?mib=2`)
    expect((await res.arrayBuffer()).byteLength).toBe(2 * MiB)
    expect((await caught(buffering(`${server.url}/big?mib=2&tamper=1`))).code).toBe('digest_mismatch')
  })
})
