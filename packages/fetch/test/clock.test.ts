import { rfc9421 } from '../../core/src/index.ts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { AUTO_CORRECT_THRESHOLD_MS, createSignedFetch, type SignedRequestInfo } from '../src/index.ts'
import { isBrowser, itWhen, testServer } from './support/env.ts'
import { otherKey, testKey } from './support/keys.ts'
import type { TestServer } from './support/env.ts'
import { streamOf, type Echo } from './support/util.ts'

let server: TestServer

describe('signed fetch: clock.autoCorrect', () => {
  beforeAll(async () => {
    server = await testServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('without autoCorrect, a skewed server answers 401 and nothing is retried', async () => {
    const signed: SignedRequestInfo[] = []
    const f = createSignedFetch({ key: testKey, onSigned: (i) => signed.push(i) })
    const res = await f(`${server.url}/date-skew?skew=3600`, { method: 'POST', body: 'x' })
    expect(res.status).toBe(401)
    // The server's clock is an hour ahead: our signature looks an hour old.
    expect(((await res.json()) as Echo).error).toBe('expired')
    expect(signed).toHaveLength(1)
  })

  it('learns the offset from the 401 Date, retries once signed afresh, and keeps the offset for later calls', async () => {
    const signed: SignedRequestInfo[] = []
    const f = createSignedFetch({ key: testKey, clock: { autoCorrect: true }, verifyResponse: true, onSigned: (i) => signed.push(i) })
    const first = await f(`${server.url}/date-skew?skew=3600`, { method: 'POST', body: 'pay 5' })
    expect(first.status).toBe(200)
    const e = (await first.json()) as Echo
    expect(e.ok).toBe(true)
    expect(e.bodyText).toBe('pay 5')
    expect(signed).toHaveLength(2)
    expect(signed[0]!.base).not.toBe(signed[1]!.base)
    const second = await f(`${server.url}/date-skew?skew=3600`)
    expect(second.status).toBe(200)
    expect(signed).toHaveLength(3)
  })

  it('retries Blob bodies (sent again as the same Blob)', async () => {
    const f = createSignedFetch({ key: testKey, clock: { autoCorrect: true } })
    const res = await f(`${server.url}/date-skew?skew=-900`, { method: 'PUT', body: new Blob(['blob body']) })
    expect(res.status).toBe(200)
    expect(((await res.json()) as Echo).bodyText).toBe('blob body')
  })

  it('retries buffered streams (the bytes read for signing are sent again)', async () => {
    const f = createSignedFetch({ key: testKey, clock: { autoCorrect: true } })
    const res = await f(`${server.url}/date-skew?skew=900`, { method: 'POST', body: streamOf('a ', 'stream'), duplex: 'half' } as RequestInit)
    expect(res.status).toBe(200)
    expect(((await res.json()) as Echo).bodyText).toBe('a stream')
  })

  it('does not retry a 401 when the clocks agree within the threshold', async () => {
    expect(AUTO_CORRECT_THRESHOLD_MS).toBe(5000)
    const signed: SignedRequestInfo[] = []
    const f = createSignedFetch({ key: otherKey, clock: { autoCorrect: true }, onSigned: (i) => signed.push(i) })
    const res = await f(`${server.url}/echo`)
    expect(res.status).toBe(401)
    expect(((await res.json()) as Echo).error).toBe('unknown_key')
    expect(signed).toHaveLength(1)
  })

  // A stream sent as it is read (scheme without body digest) cannot be sent twice. Browsers cannot
  // stream uploads over HTTP/1.1, so this runs in Node, Deno and Bun.
  itWhen(it, !isBrowser)('does not retry a stream body that was sent untouched', async () => {
    const signed: SignedRequestInfo[] = []
    const f = createSignedFetch({ key: testKey, scheme: rfc9421({ contentDigest: false }), clock: { autoCorrect: true }, onSigned: (i) => signed.push(i) })
    const res = await f(`${server.url}/date-skew?skew=3600`, { method: 'POST', body: streamOf('once'), duplex: 'half' } as RequestInit)
    expect(res.status).toBe(401)
    expect(signed).toHaveLength(1)
  })
})
