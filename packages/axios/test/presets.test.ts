import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios'
import { signAxios } from '../src/index.ts'
import { startServer } from '../../core/test/support/server.ts'
import { bodyText, PRESETS, PRESETS_MOUNT, presetsApp, presetUrl, tamperBytes, tamperUrl, type PresetEcho, type PresetRequest, type TamperCase } from '../../fetch/test/presets-support.ts'
import { adapters, runtime, versions, type AdapterName, type AxiosStatic } from './support/harness.ts'

/**
 * signAxios with every preset of @signet/core, unchanged, over each adapter of this runtime and
 * both ends of the supported axios range: the loopback server of packages/fetch/test/presets-support.ts
 * verifies with core's verifyRequest and the same preset and answers with the preset's reference
 * statuses. Tampering happens in an adapter placed under Signet's: it receives the config Signet
 * signed (final URL, final body) and changes one covered byte before the real adapter sends it.
 */

let base = ''
let close: () => Promise<void> = async () => undefined

/** The body as the request config takes it. */
function config(request: PresetRequest): { method: string; headers?: Record<string, string>; data?: unknown } {
  return { method: request.method, ...(request.headers ? { headers: { ...request.headers } } : {}), ...(request.body !== undefined ? { data: request.body } : {}) }
}

function bytesOf(data: unknown): Uint8Array {
  if (typeof data === 'string') return new TextEncoder().encode(data)
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  throw new Error(`tampering adapter: unexpected body ${Object.prototype.toString.call(data)}`)
}

/**
 * The real adapter, behind a function that changes one byte of the body or query it is given.
 * It carries the real adapter's `adapterName`, so Signet prepares the body exactly as for that
 * adapter (what is signed is what that adapter would send); only the tampered byte differs.
 */
function tamperingAdapter(axios: AxiosStatic, name: AdapterName, part: TamperCase['part']): AxiosAdapter {
  const real = axios.getAdapter(name) as AxiosAdapter
  const adapter = (cfg: InternalAxiosRequestConfig): Promise<AxiosResponse> => {
    if (part === 'query') return real({ ...cfg, url: tamperUrl(cfg.url!) })
    const bytes = tamperBytes(bytesOf(cfg.data))
    return real({ ...cfg, data: bytes.buffer })
  }
  Object.defineProperty(adapter, 'adapterName', { value: name })
  return adapter
}

function accepted(request: PresetRequest, res: AxiosResponse<PresetEcho>): void {
  const echo = res.data
  expect(`${request.name}: ${res.status} ${echo.code ?? ''} ${echo.message ?? ''}`).toBe(`${request.name}: 200  `)
  expect(echo.ok).toBe(true)
  expect(echo.method).toBe(request.method)
  if (request.body !== undefined) expect(`${request.name}: ${echo.bodyText}`).toBe(`${request.name}: ${bodyText(request.body)}`)
}

describe(`signAxios × every preset (${runtime})`, () => {
  beforeAll(async () => {
    if (runtime === 'browser') {
      base = (import.meta as unknown as { env: Record<string, string | undefined> }).env.VITE_SIGNET_SERVER_URL + PRESETS_MOUNT
      return
    }
    const server = await startServer(presetsApp())
    base = server.url + PRESETS_MOUNT
    close = () => server.close()
  })
  afterAll(async () => {
    await close()
  })

  for (const version of versions) {
    for (const adapter of adapters) {
      describe(`${version.name}, ${adapter} adapter`, () => {
        for (const preset of PRESETS) {
          describe(preset.title, () => {
            it(`accepts ${preset.requests.map((r) => r.name).join(', ')}`, async () => {
              const api = version.axios.create({ adapter: version.adapter(adapter), validateStatus: () => true })
              signAxios(api, { key: preset.key, scheme: preset.scheme() })
              for (const request of preset.requests) {
                accepted(request, await api.request<PresetEcho>({ url: presetUrl(base, preset, 'echo', request), ...config(request) }))
              }
              // The usual axios call: a JS object, serialized by axios (application/json) before Signet signs it.
              const order = { amount: 1.5, who: 'h\u00e9llo', tags: ['a', 'b'] }
              const res = await api.post<PresetEcho>(presetUrl(base, preset, 'echo', { name: 'POST object', method: 'POST', path: '/orders' }), order)
              expect(`POST object: ${res.status} ${res.data.code ?? ''}`).toBe('POST object: 200 ')
              expect(res.data.bodyText).toBe(JSON.stringify(order))
              expect(res.data.contentType).toMatch(/^application\/json/)
              // params serialized by axios (`+` for spaces, `[]` for arrays), signed as sent.
              const params = { q: 'a b+c', n: 7, list: [1, 2], quote: "it's", empty: '' }
              const withParams = await api.get<PresetEcho>(presetUrl(base, preset, 'echo', { name: 'GET params', method: 'GET', path: '/search' }), { params })
              expect(`GET params: ${withParams.status} ${withParams.data.code ?? ''} ${withParams.data.message ?? ''}`).toBe('GET params: 200  ')
              expect(withParams.data.query).toMatch(/^\?q=a\+b%2Bc&n=7&list(\[\]|%5B%5D)=1&/)
            })

            for (const tamper of preset.tampers) {
              it(`rejects a request whose ${tamper.part} was changed after signing (${tamper.request.name}) with ${preset.status(tamper.code)} ${tamper.code}`, async () => {
                const api = version.axios.create({ adapter: tamperingAdapter(version.axios, adapter, tamper.part), validateStatus: () => true })
                signAxios(api, { key: preset.key, scheme: preset.scheme() })
                const res = await api.request<PresetEcho>({ url: presetUrl(base, preset, 'echo', tamper.request), ...config(tamper.request) })
                expect(`${res.status} ${res.data.code}`).toBe(`${preset.status(tamper.code)} ${tamper.code}`)
                if (tamper.part === 'body') expect(res.data.bodyText).not.toBe(bodyText(tamper.request.body))
                // Control: the same adapter chain without the changed byte is accepted.
                const plain = version.axios.create({ adapter: version.adapter(adapter), validateStatus: () => true })
                signAxios(plain, { key: preset.key, scheme: preset.scheme() })
                accepted(tamper.request, await plain.request<PresetEcho>({ url: presetUrl(base, preset, 'echo', tamper.request), ...config(tamper.request) }))
              })
            }

            if (preset.responses) {
              it('verifyResponse: true resolves on signed responses and rejects a tampered one', async () => {
                const api = version.axios.create({ adapter: version.adapter(adapter), validateStatus: () => true })
                signAxios(api, { key: preset.key, scheme: preset.scheme(), verifyResponse: true })
                for (const request of preset.requests) {
                  accepted(request, await api.request<PresetEcho>({ url: presetUrl(base, preset, 'echo', request), ...config(request) }))
                }
                const request = preset.requests[0]!
                await expect(api.request({ url: presetUrl(base, preset, 'tamper-response', request), ...config(request) })).rejects.toMatchObject({
                  name: 'SignetError',
                  code: preset.id === 'rfc9421' ? 'digest_mismatch' : 'signature_mismatch',
                })
                // A signed error response (to a tampered request) verifies: it is authentic.
                const tamper = preset.tampers[0]!
                const tampering = version.axios.create({ adapter: tamperingAdapter(version.axios, adapter, tamper.part), validateStatus: () => true })
                signAxios(tampering, { key: preset.key, scheme: preset.scheme(), verifyResponse: true })
                const rejected = await tampering.request<PresetEcho>({ url: presetUrl(base, preset, 'echo', tamper.request), ...config(tamper.request) })
                expect(`${rejected.status} ${rejected.data.code}`).toBe(`${preset.status(tamper.code)} ${tamper.code}`)
              })
            } else {
              it('verifyResponse cannot be asked for (the scheme defines no response signature)', () => {
                expect(() => signAxios(version.axios.create(), { key: preset.key, scheme: preset.scheme(), verifyResponse: true })).toThrow('does not define response signatures')
              })
            }
          })
        }
      })
    }
  }
})
