import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InternalAxiosRequestConfig } from 'axios'
import { rfc9421, sigv4 } from '../../core/src/index.ts'
import { signAxios, type SignedRequestInfo } from '../src/index.ts'
import { AXIOS_TEST_KEY, type Echo } from './support/app.ts'
import { adapters, rejection, runtime, startAxiosServer, versions } from './support/harness.ts'

/** What is signed is the final request: URL after baseURL and params, headers after every interceptor. */
describe(`final request (${runtime})`, () => {
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
        it('baseURL + params are signed as sent', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          const infos: SignedRequestInfo[] = []
          signAxios(api, { key: AXIOS_TEST_KEY, onSigned: (info) => infos.push(info) })
          const params = { b: 'x y', a: [1, 2], c: '\u00fc&=/?', d: undefined, e: null }
          const res = await api.get<Echo>('echo', { params })
          const reference = await version.axios.create({ baseURL: base, adapter: use }).get<Echo>('raw-echo', { params })
          expect(res.data.ok).toBe(true)
          expect(res.data.covered).toContain('@query')
          expect(res.data.query).toBe(reference.data.query)
          expect(infos).toHaveLength(1)
          expect(infos[0]!.method).toBe('GET')
          expect(infos[0]!.url).toBe(`${base}/echo${res.data.query}`)
          expect(infos[0]!.base).toContain('"@method": GET')
        })

        it('a custom paramsSerializer (function and { serialize }) is applied before signing', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          signAxios(api, { key: AXIOS_TEST_KEY })
          const serialize = (p: Record<string, unknown>): string =>
            Object.keys(p)
              .sort()
              .map((k) => `${k}:${String(p[k])}`)
              .join('|')
          const asFunction = await api.get<Echo>('echo', { params: { z: 1, a: 'b' }, paramsSerializer: serialize })
          expect(asFunction.data.ok).toBe(true)
          expect(asFunction.data.query).toBe('?a:b|z:1')
          const asObject = await api.get<Echo>('echo?x=0', { params: { z: 1, a: 'b' }, paramsSerializer: { serialize } })
          expect(asObject.data.ok).toBe(true)
          expect(asObject.data.query).toBe('?x=0&a:b|z:1')
        })

        it('an absolute url overrides baseURL, and instance defaults are merged', async () => {
          const api = version.axios.create({ baseURL: 'http://127.0.0.1:9/unused', adapter, headers: { 'X-Default': 'from-defaults' }, params: { p: 'default' } })
          signAxios(api, { key: AXIOS_TEST_KEY, scheme: rfc9421({ components: ['@method', '@authority', '@path', '@query', 'x-default'] }) })
          const res = await api.get<Echo>(`${base}/echo`)
          expect(res.data.ok).toBe(true)
          expect(res.data.query).toBe('?p=default')
          expect(res.data.covered).toContain('x-default')
        })

        it('headers set by interceptors registered before and after signAxios, sync and async, are signed', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          // axios runs request interceptors last-registered first: this one runs after Signet's.
          api.interceptors.request.use((config) => {
            config.headers.set('X-Early', 'registered before')
            return config
          })
          signAxios(api, { key: AXIOS_TEST_KEY, scheme: rfc9421({ components: ['@method', '@authority', '@path', 'x-early', 'x-late', 'x-async'] }) })
          api.interceptors.request.use((config) => {
            config.headers.set('X-Late', 'registered after')
            return config
          })
          api.interceptors.request.use(async (config) => {
            await new Promise((r) => setTimeout(r, 1))
            config.headers.set('X-Async', 'async')
            return config
          })
          const res = await api.get<Echo>('echo')
          expect(res.data.ok).toBe(true)
          expect(res.data.covered).toContain('x-early')
          expect(res.data.covered).toContain('x-late')
          expect(res.data.covered).toContain('x-async')
          expect(res.data.headers).toEqual({ 'x-early': 'registered before', 'x-late': 'registered after', 'x-async': 'async' })
        })

        it('an interceptor that runs after Signet and sets its own adapter still sends a signed request', async () => {
          const api = version.axios.create({ baseURL: base })
          const seen: string[] = []
          api.interceptors.request.use((config: InternalAxiosRequestConfig) => {
            config.adapter = use
            seen.push('set')
            return config
          })
          signAxios(api, { key: AXIOS_TEST_KEY })
          const res = await api.get<Echo>('echo')
          expect(seen).toEqual(['set'])
          expect(res.data.ok).toBe(true)
        })

        it('a presigned-URL scheme (sigv4, signQuery) puts its parameters in the URL that is sent', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          const infos: SignedRequestInfo[] = []
          signAxios(api, { key: AXIOS_TEST_KEY, scheme: sigv4({ region: 'eu-west-1', service: 'execute-api', signQuery: true }), onSigned: (i) => infos.push(i) })
          // The test server verifies RFC 9421 signatures, so it refuses the request; what matters is what it received.
          const err = await rejection(api.get('echo', { params: { a: '1' } }))
          const query = new URLSearchParams(err.response.data.query as string)
          expect(query.get('a')).toBe('1')
          expect(query.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256')
          expect(query.get('X-Amz-Signature')).toMatch(/^[0-9a-f]{64}$/)
          expect(infos[0]!.url).toBe(`${base}/echo${err.response.data.query}`)
        })

        it('header values are signed as axios sends them (trimmed)', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          signAxios(api, { key: AXIOS_TEST_KEY, scheme: rfc9421({ components: ['@method', '@authority', '@path', 'x-padded'] }) })
          const res = await api.get<Echo>('echo', { headers: { 'X-Padded': '  padded value \t' } })
          expect(res.data.ok).toBe(true)
          expect(res.data.headers['x-padded']).toBe('padded value')
        })

        it('clock: a late clock is rejected by the server, offsetMs corrects it', async () => {
          const late = (): number => Date.now() - 3_600_000
          const skewed = version.axios.create({ baseURL: base, adapter: use })
          signAxios(skewed, { key: AXIOS_TEST_KEY, clock: { now: late } })
          const failed = await rejection(skewed.get('echo'))
          expect(failed.response.status).toBe(401)
          expect(failed.response.data.code).toBe('expired')
          const corrected = version.axios.create({ baseURL: base, adapter: use })
          signAxios(corrected, { key: AXIOS_TEST_KEY, clock: { now: late, offsetMs: 3_600_000 } })
          expect((await corrected.get<Echo>('echo')).data.ok).toBe(true)
        })

        it('works on axios itself, and detaching restores plain behaviour', async () => {
          const detach = signAxios(version.axios, { key: AXIOS_TEST_KEY, verifyResponse: true })
          try {
            const res = await version.axios.get<Echo>(`${base}/echo`, { adapter })
            expect(res.data.ok).toBe(true)
          } finally {
            detach()
          }
          const after = await rejection(version.axios.get(`${base}/echo`, { adapter }))
          expect(after.response.status).toBe(401)
          expect(after.response.data.code).toBe('missing_signature')
          // Plain axios does not verify: an unsigned response is accepted again.
          expect((await version.axios.get(`${base}/unsigned`, { adapter, validateStatus: () => true })).status).toBe(401)
        })

        it('detach is idempotent, and Signet can be attached again afterwards', async () => {
          const api = version.axios.create({ baseURL: base, adapter: use })
          const detach = signAxios(api, { key: AXIOS_TEST_KEY })
          expect(() => signAxios(api, { key: AXIOS_TEST_KEY })).toThrow('already attached')
          detach()
          detach()
          expect((await rejection(api.get('echo'))).response.status).toBe(401)
          const again = signAxios(api, { key: AXIOS_TEST_KEY })
          expect((await api.get<Echo>('echo')).data.ok).toBe(true)
          again()
        })
      })
    }
  }

  it('rejects bad options when attaching, not on the first request', () => {
    const api = versions[0]!.axios.create()
    expect(() => signAxios(api, { key: { id: '', secret: 'x' } })).toThrow('id')
    expect(() => signAxios(api, { key: AXIOS_TEST_KEY, clock: { offsetMs: Number.NaN } })).toThrow('offsetMs')
    expect(() => signAxios(api, { key: AXIOS_TEST_KEY, verifyResponse: { maxAgeSeconds: -1 } })).toThrow('maxAgeSeconds')
    expect(() => signAxios({} as never, { key: AXIOS_TEST_KEY })).toThrow('instance')
  })
})
