import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AxiosInstance, AxiosRequestConfig } from 'axios'
import { signAxios } from '../src/index.ts'
import { AXIOS_TEST_KEY, type Echo } from './support/app.ts'
import { adapters, runtime, sha256Hex, startAxiosServer, versions } from './support/harness.ts'

/**
 * Every body type axios accepts is signed as it goes on the wire: the server's verification
 * (Content-Digest over the bytes it received) accepts it, and it received the same bytes plain
 * axios sends (FormData: the same fields, since each serialization picks its own boundary).
 */
describe(`request bodies (${runtime})`, () => {
  let base = ''
  let close: (() => Promise<void>) | undefined
  beforeAll(async () => {
    ;({ base, close } = await startAxiosServer())
  })
  afterAll(async () => {
    await close?.()
  })

  for (const version of versions) {
    for (const adapter of adapters) {
      describe(`${version.name}, ${adapter} adapter`, () => {
        const use = version.adapter(adapter)
        const signed = (): AxiosInstance => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: true })
          return api
        }
        const plain = (): AxiosInstance => version.axios.create({ baseURL: base, adapter: use })

        /** Sends `make()` signed and plain; returns both descriptions. */
        async function both(make: () => unknown, config: AxiosRequestConfig = {}, method: 'post' | 'put' = 'post') {
          const sent = await signed()[method]<Echo>('echo', make(), config)
          const reference = await plain()[method]<Echo>('raw-echo', make(), config)
          expect(sent.status).toBe(200)
          expect(sent.data.ok).toBe(true)
          expect(sent.data.covered).toContain('content-digest')
          return { sent: sent.data, reference: reference.data }
        }

        it('object → JSON', async () => {
          const value = { a: 1, text: 'h\u00e9llo', list: [true, null] }
          const { sent, reference } = await both(() => value)
          expect(sent.contentType).toBe('application/json')
          expect(sent.bodySha256).toBe(await sha256Hex(JSON.stringify(value)))
          expect(sent.bodySha256).toBe(reference.bodySha256)
        })

        it('string', async () => {
          const { sent, reference } = await both(() => 'plain text, d\u00e9j\u00e0 vu', { headers: { 'Content-Type': 'text/plain; charset=utf-8' } })
          expect(sent.contentType).toBe('text/plain; charset=utf-8')
          expect(sent.bodySha256).toBe(await sha256Hex('plain text, d\u00e9j\u00e0 vu'))
          expect(sent.bodySha256).toBe(reference.bodySha256)
        })

        it('URLSearchParams', async () => {
          const { sent, reference } = await both(() => new URLSearchParams({ a: '1', b: 'x y', c: '\u00fc&=' }))
          expect(sent.contentType).toMatch(/^application\/x-www-form-urlencoded/)
          expect(sent.bodySha256).toBe(reference.bodySha256)
          expect(sent.bodySha256).toBe(await sha256Hex('a=1&b=x+y&c=%C3%BC%26%3D'))
        })

        it('FormData with a Blob part (serialized once: those bytes are signed and sent)', async () => {
          const make = (): FormData => {
            const form = new FormData()
            form.append('name', 'signet')
            form.append('file', new Blob(['hello blob'], { type: 'application/x-signet-part' }), 'hello.txt')
            return form
          }
          // No comparison with plain axios: its fetch adapter in Node sends FormData under axios's
          // default urlencoded Content-Type, which no server can parse.
          const res = await signed().post<Echo>('echo', make())
          expect(res.data.ok).toBe(true)
          expect(res.data.contentType).toMatch(/^multipart\/form-data; ?boundary=/)
          expect(res.data.form).toEqual({ name: 'signet', file: 'file:hello.txt:10' })
          expect(res.data.bodyText).toContain('Content-Type: application/x-signet-part')
        })

        it('postForm with a plain object (axios builds the form)', async () => {
          const api = signed()
          // In Node axios builds it with the form-data package (a stream), in browsers as a FormData.
          const res = await api.postForm<Echo>('echo', { name: 'signet', n: 3 })
          expect(res.data.ok).toBe(true)
          expect(res.data.form).toEqual({ name: 'signet', n: '3' })
        })

        it('Blob', async () => {
          const bytes = new Uint8Array(300).map((_, i) => (i * 7) % 256)
          const { sent, reference } = await both(() => new Blob([bytes], { type: 'application/x-signet-test' }))
          // The http adapter forces the Blob's type; fetch and xhr send the configured Content-Type.
          expect(sent.contentType).toBe(adapter === 'http' ? 'application/x-signet-test' : reference.contentType)
          expect(sent.bodySha256).toBe(await sha256Hex(bytes))
          expect(sent.bodySha256).toBe(reference.bodySha256)
        })

        it('ArrayBuffer', async () => {
          const bytes = new Uint8Array(256).map((_, i) => i)
          const { sent, reference } = await both(() => bytes.slice().buffer)
          expect(sent.bodyLength).toBe(256)
          expect(sent.bodySha256).toBe(await sha256Hex(bytes))
          expect(sent.bodySha256).toBe(reference.bodySha256)
        })

        it('Uint8Array view (whatever axios makes of it is what is signed)', async () => {
          const backing = new Uint8Array(64).map((_, i) => 255 - i)
          const { sent, reference } = await both(() => new Uint8Array(backing.buffer, 8, 16))
          expect(sent.bodyLength).toBeGreaterThan(0)
          expect(sent.bodySha256).toBe(reference.bodySha256)
        })

        it('PUT with no body', async () => {
          const res = await signed().put<Echo>('echo')
          expect(res.data.ok).toBe(true)
          expect(res.data.bodyLength).toBe(0)
        })
      })
    }
  }
})
