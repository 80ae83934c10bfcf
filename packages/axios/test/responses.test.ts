import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AxiosInstance, ResponseType } from 'axios'
import { signAxios } from '../src/index.ts'
import { AXIOS_TEST_KEY, RAW_JSON, type Echo } from './support/app.ts'
import { adapters, comparable, rejection, runtime, startAxiosServer, versions } from './support/harness.ts'

/**
 * Responses are verified over their raw bytes, before transformResponse, and `response.data` is
 * then exactly what plain axios gives for the same response and responseType.
 */
describe(`response verification (${runtime})`, () => {
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

        it('JSON whose bytes differ from its re-serialization verifies, and data deep-equals plain axios', async () => {
          const res = await signed().get('raw-json')
          const reference = await plain().get('raw-json')
          expect(JSON.stringify(JSON.parse(RAW_JSON))).not.toBe(RAW_JSON)
          expect(res.data).toEqual({ a: 1, b: [] })
          expect(res.data).toEqual(reference.data)
        })

        const types: (ResponseType | undefined)[] = ['json', 'text', 'arraybuffer', 'blob']
        for (const responseType of types) {
          it(`responseType ${responseType}: same data as plain axios`, async () => {
            for (const path of ['raw-json', 'bom-json']) {
              const res = await signed().get(path, { responseType })
              const reference = await plain().get(path, { responseType })
              expect(await comparable(res.data)).toEqual(await comparable(reference.data))
              expect(res.config.responseType).toBe(responseType)
            }
          })
        }

        it('a signed error status is verified; the AxiosError carries the parsed body', async () => {
          const err = await rejection(signed().get('status', { params: { code: 418 } }))
          const reference = await rejection(plain().get('status', { params: { code: 418 } }))
          expect(err.isAxiosError).toBe(true)
          expect(err.response.status).toBe(418)
          expect(err.response.data.ok).toBe(false)
          expect(err.response.data.status).toBe(418)
          expect(err.response.data.path).toBe(reference.response.data.path)
          expect(err.config.url).toBe('status')
        })

        it('a tampered body is rejected with digest_mismatch, with status and headers', async () => {
          const err = await rejection(signed().get('tamper'))
          expect(err.name).toBe('SignetError')
          expect(err.code).toBe('digest_mismatch')
          expect(err.details.status).toBe(200)
          expect(err.details.headers['content-type']).toBe('application/json')
        })

        it('a changed covered header is rejected with signature_mismatch', async () => {
          const err = await rejection(signed().post('tamper-header', { a: 1 }))
          expect(err.name).toBe('SignetError')
          expect(err.code).toBe('signature_mismatch')
          expect(err.details.status).toBe(200)
        })

        it('an unsigned response is rejected with missing_signature', async () => {
          const err = await rejection(signed().get('unsigned'))
          expect(err.name).toBe('SignetError')
          expect(err.code).toBe('missing_signature')
          expect(err.details.status).toBe(200)
          expect(err.details.headers['content-type']).toBe('application/json')
          // The same response, not verified, goes through.
          const api = version.axios.create({ baseURL: base, adapter: use })
          signAxios(api, { key: AXIOS_TEST_KEY })
          expect(((await api.get<Echo>('unsigned')).data as Echo).ok).toBe(true)
        })

        it('a response signed with another key is rejected (verifyResponse.keys)', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: { keys: [{ id: 'someone-else', secret: 'another secret entirely' }] } })
          const err = await rejection(api.get('echo'))
          expect(err.code).toBe('unknown_key')
        })

        it('an adapter given as a function of your own is signed and verified too', async () => {
          const real = typeof use === 'string' ? version.axios.getAdapter(use) : use
          const calls: string[] = []
          const api = version.axios.create({
            baseURL: base,
            adapter: (config) => {
              calls.push(String(config.responseType))
              return real(config)
            },
          })
          signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: true })
          const res = await api.get('raw-json')
          expect(res.data).toEqual({ a: 1, b: [] })
          expect(calls).toEqual(['arraybuffer'])
          expect((await api.get<Echo>('echo')).data.ok).toBe(true)
        })

        it('verifyResponse.required is enforced', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: { required: ['@status', 'x-not-covered'] } })
          const err = await rejection(api.get('echo'))
          expect(err.code).toBe('insufficient_coverage')
        })
      })
    }
  }
})
