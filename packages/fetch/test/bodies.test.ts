import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSignedFetch, type SignedRequestInfo } from '../src/index.ts'
import { testServer } from './support/env.ts'
import { testKey } from './support/keys.ts'
import type { TestServer } from './support/env.ts'
import { caught, sha256Hex, streamOf, type Echo } from './support/util.ts'

let server: TestServer
const signedFetch = createSignedFetch({ key: testKey })
const echo = async (input: RequestInfo | URL, init?: RequestInit): Promise<Echo> => {
  const res = await signedFetch(input, init)
  expect(res.status).toBe(200)
  return (await res.json()) as Echo
}
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

describe('signed fetch: every body type is signed as sent', () => {
  beforeAll(async () => {
    server = await testServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('no body', async () => {
    const e = await echo(`${server.url}/echo?q=1&r=a%20b`)
    expect(e.ok).toBe(true)
    expect(e.method).toBe('GET')
    expect(e.hasBody).toBe(false)
    expect(e.search).toBe('?q=1&r=a%20b')
    expect(e.covered).toContain('@query')
  })

  it('string', async () => {
    const e = await echo(`${server.url}/echo`, { method: 'POST', body: 'héllo wörld ✓' })
    expect(e.ok).toBe(true)
    expect(e.bodyText).toBe('héllo wörld ✓')
    expect(e.covered).toContain('content-digest')
  })

  it('URLSearchParams, with the Content-Type fetch implies', async () => {
    const e = await echo(`${server.url}/echo`, { method: 'POST', body: new URLSearchParams({ a: '1', b: 'two words', c: 'é&=' }) })
    expect(e.ok).toBe(true)
    expect(e.contentType).toMatch(/^application\/x-www-form-urlencoded/)
    expect(e.covered).toContain('content-type')
    expect(e.form).toEqual({ a: '1', b: 'two words', c: 'é&=' })
  })

  it('FormData with a File part: serialized once, sent with the boundary that was signed', async () => {
    const form = new FormData()
    form.append('name', 'signet')
    form.append('upload', new File(['file contents ✓'], 'notes.txt', { type: 'text/plain' }))
    const e = await echo(`${server.url}/echo`, { method: 'POST', body: form })
    expect(e.ok).toBe(true)
    expect(e.contentType).toMatch(/^multipart\/form-data; ?boundary=/)
    expect(e.form?.name).toBe('signet')
    const upload = e.form?.upload as { name: string; type: string; size: number; text: string }
    expect(upload.name).toBe('notes.txt')
    expect(upload.type).toMatch(/^text\/plain/) // Bun's parser adds ";charset=utf-8"
    expect(upload.size).toBe(new TextEncoder().encode('file contents ✓').byteLength)
    expect(upload.text).toBe('file contents ✓')
  })

  it('Blob, with its type as Content-Type', async () => {
    const data = bytes(300_000)
    const e = await echo(`${server.url}/echo`, { method: 'PUT', body: new Blob([data], { type: 'application/x-test' }) })
    expect(e.ok).toBe(true)
    expect(e.contentType).toBe('application/x-test')
    expect(e.bodyLength).toBe(300_000)
    expect(e.bodySha256).toBe(await sha256Hex(data))
  })

  it('ArrayBuffer', async () => {
    const data = bytes(1000, 7)
    const e = await echo(`${server.url}/echo`, { method: 'POST', body: data.slice().buffer })
    expect(e.ok).toBe(true)
    expect(e.bodySha256).toBe(await sha256Hex(data))
  })

  it('Uint8Array view with a byte offset: only the view is signed and sent', async () => {
    const whole = bytes(64, 3)
    const view = new Uint8Array(whole.buffer, 5, 20)
    const e = await echo(`${server.url}/echo`, { method: 'POST', body: view })
    expect(e.ok).toBe(true)
    expect(e.bodyLength).toBe(20)
    expect(e.bodySha256).toBe(await sha256Hex(whole.slice(5, 25)))
  })

  it('DataView', async () => {
    const whole = bytes(40, 9)
    const e = await echo(`${server.url}/echo`, { method: 'POST', body: new DataView(whole.buffer, 8, 16) })
    expect(e.ok).toBe(true)
    expect(e.bodySha256).toBe(await sha256Hex(whole.slice(8, 24)))
  })

  it("ReadableStream with duplex: 'half'", async () => {
    const init = { method: 'POST', body: streamOf('chunk one, ', 'chunk two, ', bytes(5000)), duplex: 'half' } as RequestInit
    const e = await echo(`${server.url}/echo`, init)
    expect(e.ok).toBe(true)
    expect(e.bodyLength).toBe(22 + 5000)
  })

  it('Request input; the caller can still read its Request afterwards', async () => {
    const req = new Request(`${server.url}/echo`, { method: 'POST', body: 'from a Request', headers: { 'content-type': 'text/x-mine', 'x-extra': '1' } })
    const e = await echo(req)
    expect(e.ok).toBe(true)
    expect(e.bodyText).toBe('from a Request')
    expect(e.contentType).toBe('text/x-mine')
    expect(req.bodyUsed).toBe(false)
    expect(await req.text()).toBe('from a Request')
    expect(req.headers.has('signature')).toBe(false)
  })

  it('Request input with init overrides (method, headers, body), as new Request(input, init)', async () => {
    const req = new Request(`${server.url}/echo`, { method: 'POST', body: 'original', headers: { 'content-type': 'text/plain' } })
    const e = await echo(req, { method: 'PUT', body: 'override', headers: { 'content-type': 'text/x-override' } })
    expect(e.ok).toBe(true)
    expect(e.method).toBe('PUT')
    expect(e.bodyText).toBe('override')
    expect(e.contentType).toBe('text/x-override')
    expect(await req.text()).toBe('original')
  })

  it('URL object input', async () => {
    const e = await echo(new URL(`${server.url}/echo?via=url`))
    expect(e.ok).toBe(true)
    expect(e.search).toBe('?via=url')
  })

  it("never touches the caller's headers or body objects", async () => {
    const headers = new Headers({ 'x-caller': 'yes' })
    const data = bytes(100)
    const copy = data.slice()
    const e = await echo(`${server.url}/echo`, { method: 'POST', headers, body: data })
    expect(e.ok).toBe(true)
    expect([...headers.keys()]).toEqual(['x-caller'])
    expect(data).toEqual(copy)
  })

  it('signs each call afresh: 20 concurrent calls are all accepted, with 20 distinct nonces', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => echo(`${server.url}/echo`, { method: 'POST', body: `call ${i}` })))
    expect(results.every((e) => e.ok)).toBe(true)
    expect(results.map((e, i) => e.bodyText === `call ${i}`).every(Boolean)).toBe(true)
    expect(new Set(results.map((e) => e.nonce)).size).toBe(20)
  })

  it('the same Request sent twice is signed twice (the server has a replay store)', async () => {
    const req = new Request(`${server.url}/echo`, { method: 'POST', body: 'twice' })
    expect((await echo(req)).ok).toBe(true)
    expect((await echo(req)).ok).toBe(true)
  })

  it('onSigned receives method, url and the signature base, never the secret', async () => {
    const seen: SignedRequestInfo[] = []
    const f = createSignedFetch({ key: testKey, onSigned: (info) => seen.push(info) })
    await (await f(`${server.url}/echo?a=1`, { method: 'post', body: 'x' })).arrayBuffer()
    expect(seen).toHaveLength(1)
    expect(seen[0]!.method).toBe('POST')
    expect(seen[0]!.url).toBe(`${server.url}/echo?a=1`)
    expect(seen[0]!.base).toMatch(/^"@method": POST\n/)
    expect(seen[0]!.base).toContain('"@path": /fetch/echo')
    expect(JSON.stringify(seen)).not.toContain(testKey.secret)
  })

  it('a stream body past maxBufferedBodyBytes rejects with body_too_large', async () => {
    const f = createSignedFetch({ key: testKey, maxBufferedBodyBytes: 1024 })
    const err = await caught(f(`${server.url}/echo`, { method: 'POST', body: streamOf(bytes(800), bytes(800)), duplex: 'half' } as RequestInit))
    expect(err.code).toBe('body_too_large')
    expect(err.message).toContain('maxBufferedBodyBytes')
  })

  it('a Blob larger than maxBufferedBodyBytes is still signed (hashed in pieces, never buffered)', async () => {
    const f = createSignedFetch({ key: testKey, maxBufferedBodyBytes: 1024 })
    const data = bytes(3 * 1024 * 1024, 5)
    const res = await f(`${server.url}/echo`, { method: 'POST', body: new Blob([data]) })
    const e = (await res.json()) as Echo
    expect(e.ok).toBe(true)
    expect(e.bodySha256).toBe(await sha256Hex(data))
  })

  it('keeps fetch errors: a GET with a body rejects with a TypeError', async () => {
    const err = await caught(signedFetch(`${server.url}/echo`, { method: 'GET', body: 'nope' }))
    expect(err.name).toBe('TypeError')
  })

  it('uses the fetch it is given, looked up at call time by default', async () => {
    const calls: string[] = []
    const f = createSignedFetch({
      key: testKey,
      fetch: (input, init) => {
        calls.push(input instanceof Request ? input.url : String(input))
        return fetch(input, init)
      },
    })
    expect((await (await f(`${server.url}/echo`)).json()).ok).toBe(true)
    expect(calls).toEqual([`${server.url}/echo`])
  })

  it("passes runtime-specific init members (undici's dispatcher, Bun's proxy…) on to fetch", async () => {
    let seen: RequestInit | undefined
    const f = createSignedFetch({
      key: testKey,
      fetch: (input, init) => {
        seen = init
        return fetch(input)
      },
    })
    await (await f(`${server.url}/echo`, { method: 'POST', body: 'x', runtimeOption: 42 } as RequestInit)).arrayBuffer()
    expect(seen).toEqual({ runtimeOption: 42 } as RequestInit)
  })

  it('rejects a bad configuration at creation', () => {
    expect(() => createSignedFetch({ key: { id: '', secret: 'x' } })).toThrow(/non-empty string id/)
    expect(() => createSignedFetch({ key: testKey, maxBufferedBodyBytes: -1 })).toThrow(/maxBufferedBodyBytes/)
    expect(() => createSignedFetch({ key: testKey, verifyResponse: { mode: 'later' as 'stream' } })).toThrow(/mode/)
  })
})
