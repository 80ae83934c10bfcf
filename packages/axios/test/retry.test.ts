import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AxiosInstance } from 'axios'
import axiosRetry from 'axios-retry'
import { signAxios, type SignedRequestInfo } from '../src/index.ts'
import { AXIOS_TEST_KEY, type Echo } from './support/app.ts'
import { adapters, nonceOf, runtime, startAxiosServer, uid, versions } from './support/harness.ts'

/** Every attempt is signed afresh: the server's replay store would reject a reused nonce. */
describe(`retries (${runtime})`, () => {
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
        for (const order of ['signAxios first', 'axios-retry first'] as const) {
          it(`axios-retry: the retried request is accepted, every attempt with its own nonce (${order})`, async () => {
            const api = version.axios.create({ baseURL: base, adapter: use })
            const infos: SignedRequestInfo[] = []
            const sign = (): unknown => signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: true, onSigned: (info) => infos.push(info) })
            const retry = (): unknown => axiosRetry(api as never, { retries: 3, retryDelay: () => 5 })
            if (order === 'signAxios first') {
              sign()
              retry()
            } else {
              retry()
              sign()
            }
            const res = await api.get<Echo>('flaky', { params: { id: uid(), fail: 2 } })
            expect(res.status).toBe(200)
            expect(res.data.ok).toBe(true)
            expect(res.data.attempt).toBe(3)
            const nonces = res.data.nonces!
            expect(nonces).toHaveLength(3)
            expect(new Set(nonces).size).toBe(3)
            expect(nonces.every((n) => n.length > 0)).toBe(true)
            expect(infos).toHaveLength(3)
            // The config the caller gets back carries the last attempt's signature only.
            expect(nonceOf(res.config.headers['signature-input'])).toBe(nonces[2])
            expect(String(res.config.headers['signature'])).not.toContain(',')
          })
        }

        it('a PUT with a FormData body is retried with the same bytes, signed afresh', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: true })
          axiosRetry(api as never, { retries: 2, retryDelay: () => 5 })
          const form = new FormData()
          form.append('field', 'value')
          form.append('file', new Blob(['retried bytes']), 'r.bin')
          const res = await api.put<Echo>('flaky', form, { params: { id: uid(), fail: 1 } })
          expect(res.data.ok).toBe(true)
          expect(res.data.attempt).toBe(2)
          expect(res.data.form).toEqual({ field: 'value', file: 'file:r.bin:13' })
          expect(new Set(res.data.nonces).size).toBe(2)
        })

        it('re-issuing a response config signs it again (no stale signature survives)', async () => {
          const api: AxiosInstance = version.axios.create({ baseURL: base, adapter: use })
          signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: true })
          const first = await api.post<Echo>('echo', { n: 1 }, { params: { q: 'x' } })
          const second = await api.request<Echo>(first.config)
          expect(second.data.ok).toBe(true)
          expect(second.data.query).toBe('?q=x')
          expect(second.data.bodySha256).toBe(first.data.bodySha256)
          expect(second.data.nonce).not.toBe(first.data.nonce)
        })

        it('with verification, a failed attempt answered 503 is verified before axios-retry sees it', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: true })
          const seen: number[] = []
          axiosRetry(api as never, { retries: 1, retryDelay: () => 5, onRetry: (_n, error) => void seen.push(error.response?.status ?? 0) })
          const res = await api.get<Echo>('flaky', { params: { id: uid(), fail: 1 } })
          expect(res.data.ok).toBe(true)
          expect(seen).toEqual([503])
        })
      })
    }
  }
})
