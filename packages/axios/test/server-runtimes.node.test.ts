import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AxiosInstance } from 'axios'
import { Buffer } from 'node:buffer'
import { Readable } from 'node:stream'
import { signAxios } from '../src/index.ts'
import { AXIOS_TEST_KEY, type Echo } from './support/app.ts'
import { comparable, rejection, runtime, sha256Hex, startAxiosServer, versions } from './support/harness.ts'

/** Node, Deno and Bun only (not Chromium): Buffer and Readable bodies, streamed responses. */
describe(`server runtimes: Buffer, streams (${runtime})`, () => {
  let base = ''
  let close: (() => Promise<void>) | undefined
  beforeAll(async () => {
    ;({ base, close } = await startAxiosServer())
  })
  afterAll(async () => {
    await close?.()
  })

  async function readAll(data: unknown): Promise<Uint8Array> {
    if (data instanceof ReadableStream) return new Uint8Array(await new Response(data).arrayBuffer())
    const chunks: Uint8Array[] = []
    for await (const chunk of data as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    return new Uint8Array(Buffer.concat(chunks))
  }

  for (const version of versions) {
    for (const adapter of ['http', 'fetch'] as const) {
      describe(`${version.name}, ${adapter} adapter`, () => {
        const use = version.adapter(adapter)
        const signed = (config: { maxBodyLength?: number } = {}): AxiosInstance => {
          const api = version.axios.create({ baseURL: base, adapter: use, ...config })
          signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: true })
          return api
        }
        const plain = (): AxiosInstance => version.axios.create({ baseURL: base, adapter: use })

        it('Node Buffer (a view into a larger buffer)', async () => {
          const backing = Buffer.from('<<a small buffer, from the pool>>')
          const body = backing.subarray(2, backing.length - 2)
          expect(Buffer.isBuffer(body) && body.buffer.byteLength > body.byteLength).toBe(true)
          const res = await signed().post<Echo>('echo', body)
          expect(res.data.ok).toBe(true)
          expect(res.data.bodySha256).toBe(await sha256Hex('a small buffer, from the pool'))
        })

        it('Node Readable stream (buffered, then signed and sent as those bytes)', async () => {
          const parts = ['first chunk, ', 'second chunk, ', 'd\u00e9j\u00e0 the end']
          const res = await signed().post<Echo>('echo', Readable.from(parts.map((p) => Buffer.from(p))), { headers: { 'Content-Type': 'text/plain' } })
          expect(res.data.ok).toBe(true)
          expect(res.data.contentType).toBe('text/plain')
          expect(res.data.bodySha256).toBe(await sha256Hex(parts.join('')))
        })

        it('a stream larger than maxBodyLength is refused before sending', async () => {
          const big = Readable.from([Buffer.alloc(600), Buffer.alloc(600)])
          const err = await rejection(signed({ maxBodyLength: 1000 }).post('echo', big))
          expect(err.name).toBe('SignetError')
          expect(err.code).toBe('body_too_large')
        })

        it('responseType stream: verified, then a stream over the same bytes plain axios streams', async () => {
          const res = await signed().get('raw-json', { responseType: 'stream' })
          const reference = await plain().get('raw-json', { responseType: 'stream' })
          expect(res.data instanceof ReadableStream).toBe(reference.data instanceof ReadableStream)
          expect(typeof (res.data as { pipe?: unknown }).pipe).toBe(typeof (reference.data as { pipe?: unknown }).pipe)
          expect(await comparable(await readAll(res.data))).toEqual(await comparable(await readAll(reference.data)))
        })

        it('responseType arraybuffer: the same kind of value as plain axios (a Buffer from the http adapter)', async () => {
          const res = await signed().get('bom-json', { responseType: 'arraybuffer' })
          const reference = await plain().get('bom-json', { responseType: 'arraybuffer' })
          expect(Buffer.isBuffer(res.data)).toBe(Buffer.isBuffer(reference.data))
          expect(await comparable(res.data)).toEqual(await comparable(reference.data))
        })

        it('responseEncoding: the same text as plain axios', async () => {
          const res = await signed().get('bom-json', { responseType: 'text', responseEncoding: 'latin1' })
          const reference = await plain().get('bom-json', { responseType: 'text', responseEncoding: 'latin1' })
          expect(res.data).toBe(reference.data)
        })
      })
    }
  }
})
