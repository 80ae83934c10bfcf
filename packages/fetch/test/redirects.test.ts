import { rfc9421 } from '../../core/src/index.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSignedFetch, type SignedRequestInfo } from '../src/index.ts'
import { isBrowser, itWhen, otherOriginServer, testServer } from './support/env.ts'
import { testKey } from './support/keys.ts'
import type { TestServer } from './support/env.ts'
import { caught, streamOf, type Echo } from './support/util.ts'

let server: TestServer
let other: TestServer | undefined

const inServer = itWhen(it, !isBrowser)
const inBrowser = itWhen(it, isBrowser)

interface Record_ {
  method: string
  bodyLength: number
  signature: boolean
  signatureInput: boolean
  contentDigest: boolean
  authorization: boolean
}

describe('signed fetch: redirects', () => {
  beforeAll(async () => {
    server = await testServer()
    if (!isBrowser) other = await otherOriginServer()
  })
  afterAll(async () => {
    await server.close()
    await other?.close()
  })

  inServer('same origin (307): the followed request is signed afresh for its own URL, body and method kept', async () => {
    const signed: SignedRequestInfo[] = []
    const f = createSignedFetch({ key: testKey, verifyResponse: true, onSigned: (i) => signed.push(i) })
    const res = await f(`${server.url}/redirect?to=echo%3Fhop%3D2`, { method: 'POST', body: 'follow me' })
    expect(res.status).toBe(200)
    expect(res.redirected).toBe(true)
    expect(res.url).toBe(`${server.url}/echo?hop=2`)
    const e = (await res.json()) as Echo
    expect(e.ok).toBe(true)
    expect(e.method).toBe('POST')
    expect(e.bodyText).toBe('follow me')
    expect(signed.map((s) => s.url)).toEqual([`${server.url}/redirect?to=echo%3Fhop%3D2`, `${server.url}/echo?hop=2`])
  })

  inServer('303: followed as a GET without body, still signed', async () => {
    const f = createSignedFetch({ key: testKey })
    const res = await f(`${server.url}/redirect?status=303`, { method: 'POST', body: 'dropped', headers: { 'content-type': 'text/plain' } })
    const e = (await res.json()) as Echo
    expect(e.ok).toBe(true)
    expect(e.method).toBe('GET')
    expect(e.hasBody).toBe(false)
    expect(e.contentType).toBe(null)
  })

  inServer('cross origin: no Signature, Signature-Input, Content-Digest (nor Authorization) reaches the other origin', async () => {
    const signed: SignedRequestInfo[] = []
    const f = createSignedFetch({ key: testKey, onSigned: (i) => signed.push(i) })
    const to = encodeURIComponent(`${other!.url}/record`)
    const res = await f(`${server.url}/redirect?to=${to}`, { method: 'POST', body: 'secret-ish', headers: { authorization: 'Bearer t' } })
    expect(res.redirected).toBe(true)
    const r = (await res.json()) as Record_
    expect(r).toEqual({ method: 'POST', bodyLength: 10, signature: false, signatureInput: false, contentDigest: false, authorization: false })
    expect(signed).toHaveLength(1)
  })

  inServer('once the chain left the origin, coming back is not signed either', async () => {
    const back = encodeURIComponent(`${server.url}/echo`)
    const to = encodeURIComponent(`${other!.url}/redirect?to=${back}`)
    const res = await createSignedFetch({ key: testKey })(`${server.url}/redirect?to=${to}`)
    const e = (await res.json()) as Echo
    expect(e.ok).toBe(false)
    expect(e.error).toBe('missing_signature')
  })

  inServer('verifyResponse after a cross-origin redirect fails closed (that origin cannot sign for us)', async () => {
    const f = createSignedFetch({ key: testKey, verifyResponse: true })
    const err = await caught(f(`${server.url}/redirect?to=${encodeURIComponent(`${other!.url}/record`)}`))
    expect(err.code).toBe('missing_signature')
  })

  inServer('a stream sent untouched cannot be sent again: a 307 rejects with a TypeError, as fetch', async () => {
    const f = createSignedFetch({ key: testKey, scheme: rfc9421({ contentDigest: false }) })
    const err = await caught(f(`${server.url}/redirect`, { method: 'POST', body: streamOf('once'), duplex: 'half' } as RequestInit))
    expect(err.name).toBe('TypeError')
  })

  inServer('a Blob larger than maxBufferedBodyBytes is sent without following redirects (constant memory)', async () => {
    const f = createSignedFetch({ key: testKey, maxBufferedBodyBytes: 64 })
    const err = await caught(f(`${server.url}/redirect`, { method: 'PUT', body: new Blob([new Uint8Array(100)]) }))
    expect(err.name).toBe('TypeError')
    // A small Blob is followed as usual.
    const res = await f(`${server.url}/redirect`, { method: 'PUT', body: new Blob(['small']) })
    expect(((await res.json()) as Echo).bodyText).toBe('small')
  })

  inServer("redirect: 'manual' returns the redirect itself, verified", async () => {
    const f = createSignedFetch({ key: testKey, verifyResponse: true })
    const res = await f(`${server.url}/redirect`, { redirect: 'manual' })
    expect(res.status).toBe(307)
    expect(res.headers.get('location')).toBe('echo')
  })

  it("redirect: 'error' rejects with a TypeError, as fetch", async () => {
    const err = await caught(createSignedFetch({ key: testKey })(`${server.url}/redirect`, { redirect: 'error' }))
    expect(err.name).toBe('TypeError')
  })

  inBrowser('in browsers the browser follows: the signature (for the original URL) does not verify at the new path', async () => {
    const signed: SignedRequestInfo[] = []
    const f = createSignedFetch({ key: testKey, onSigned: (i) => signed.push(i) })
    const res = await f(`${server.url}/redirect`, { method: 'POST', body: 'x' })
    expect(res.redirected).toBe(true)
    const e = (await res.json()) as Echo
    expect(e.path).toBe('/fetch/echo')
    expect(e.ok).toBe(false)
    expect(e.error).toBe('signature_mismatch')
    expect(signed).toHaveLength(1)
  })
})
