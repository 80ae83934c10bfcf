/**
 * The tests shared by wrappers.node.test.ts (Node, Deno, Bun: Python servers started by the test,
 * tampering proxy on a loopback server) and wrappers-browser.test.ts (Chromium: Python servers and
 * proxy started by tools/browser-global-setup.ts): Signet's wrappers, createSignedFetch and
 * signAxios (each adapter of the runtime), unchanged, send requests signed with each preset to the
 * Python reference server of that scheme, which must accept them (200) and refuse tampered ones
 * with its own status codes (shared/schemes/README.md).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Scheme, SigningKey } from '@signet/core'
import { createSignedFetch } from '../../../fetch/src/index.ts'
import { signAxios } from '../../../axios/src/index.ts'
import { adapters, versions } from '../../../axios/test/support/harness.ts'
import { REFERENCES, uniqueSegment, type RefRequest, type Reference } from './reference-servers.ts'

/** Where a test sends: straight to the Python server (`direct`), or through the proxy in a mode. */
export interface ReferenceEndpoints {
  /** Base URL of requests that must reach the reference untouched. */
  direct(reference: Reference): string
  /** Base URL through the proxy: `…/ref/<reference>/<mode>`. */
  proxied(reference: Reference, mode: 'pass' | 'tamper-body' | 'tamper-query' | 'tamper-response'): string
}

interface SendOptions {
  key: SigningKey
  scheme: Scheme
  verifyResponse?: boolean
  offsetMs?: number
}

/** One Signet client: sends a request signed with `options`, answers the status and body text. */
export interface WrapperClient {
  readonly name: string
  send(url: string, request: RefRequest, options: SendOptions): Promise<{ status: number; text: string }>
}

function fetchClient(): WrapperClient {
  return {
    name: 'createSignedFetch',
    async send(url, request, options) {
      const signedFetch = createSignedFetch({ key: options.key, scheme: options.scheme, verifyResponse: options.verifyResponse ?? false, clock: { offsetMs: options.offsetMs ?? 0 } })
      const res = await signedFetch(url, { method: request.method, ...(request.headers ? { headers: request.headers } : {}), ...(request.body !== undefined ? { body: request.body as BodyInit } : {}) })
      return { status: res.status, text: await res.text() }
    },
  }
}

function axiosClient(adapter: (typeof adapters)[number]): WrapperClient {
  const { axios } = versions[0]!
  return {
    name: `signAxios (axios ${axios.VERSION}, ${adapter} adapter)`,
    async send(url, request, options) {
      const api = axios.create({ adapter, validateStatus: () => true, responseType: 'text' })
      signAxios(api, { key: options.key, scheme: options.scheme, verifyResponse: options.verifyResponse ?? false, clock: { offsetMs: options.offsetMs ?? 0 } })
      const res = await api.request<string>({
        url,
        method: request.method,
        ...(request.headers ? { headers: { ...request.headers } } : {}),
        ...(request.body !== undefined ? { data: request.body } : {}),
      })
      return { status: res.status, text: String(res.data) }
    },
  }
}

/** The wrappers of this runtime: fetch, and axios with each of its adapters here. */
export function wrapperClients(): WrapperClient[] {
  return [fetchClient(), ...adapters.map(axiosClient)]
}

/** The Flask reference hashes with its own current second: send early in a second. */
async function earlyInASecond(): Promise<void> {
  const ms = Date.now() % 1000
  if (ms > 400) await new Promise((r) => setTimeout(r, 1010 - ms))
}

/**
 * Registers the tests. `start` runs in beforeAll (Python servers, proxy…) and returns the
 * endpoints and a `stop` for afterAll.
 */
export function referenceWrapperSuite(title: string, start: () => Promise<ReferenceEndpoints & { stop(): Promise<void> }>): void {
  describe(title, () => {
    let endpoints: ReferenceEndpoints & { stop(): Promise<void> }
    beforeAll(async () => {
      endpoints = await start()
    })
    afterAll(async () => {
      await endpoints?.stop()
    })

    for (const reference of REFERENCES) {
      describe(reference.title, () => {
        for (const client of wrapperClients()) {
          const signWith = (extra: Partial<SendOptions> = {}): SendOptions => ({ key: reference.key, scheme: reference.scheme(), ...extra })
          const send = async (base: string, request: RefRequest, options: SendOptions) => {
            if (reference.ownSecond) await earlyInASecond()
            return client.send(base + uniqueSegment() + request.path, request, options)
          }

          it(`${client.name}: accepted (200): ${reference.accept.map((r) => r.name).join('; ')}`, async () => {
            for (const request of reference.accept) {
              // Where the server signs its responses, the wrapper verifies them too.
              const { status, text } = await send(endpoints.direct(reference), request, signWith({ verifyResponse: reference.responses }))
              expect(`${request.name}: ${status} ${status === 200 ? '' : text}`).toBe(`${request.name}: 200 `)
            }
          })

          it(`${client.name}: refused with the reference status: ${reference.refuse.map((r) => `${r.name} → ${r.status}`).join('; ')}`, async () => {
            for (const refusal of reference.refuse) {
              const mode = refusal.tamper === 'body' ? 'tamper-body' : refusal.tamper === 'query' ? 'tamper-query' : 'pass'
              const options = signWith({
                ...(refusal.key ? { key: refusal.key } : {}),
                ...(refusal.scheme ? { scheme: refusal.scheme() } : {}),
                ...(refusal.offsetMs !== undefined ? { offsetMs: refusal.offsetMs } : {}),
              })
              const { status, text } = await send(endpoints.proxied(reference, mode), refusal.request, options)
              expect(`${refusal.name}: ${status}`).toBe(`${refusal.name}: ${refusal.status}`)
              if (reference.id === 'django-hmac') expect(`${refusal.name}: ${text}`).toMatch(/"detail": "/)
              if (refusal.tamper) {
                // Control: the same request through the same proxy, untouched, is accepted, so the
                // refusal is the changed byte's doing (the proxy itself is transparent).
                const control = await send(endpoints.proxied(reference, 'pass'), refusal.request, signWith())
                expect(`${refusal.name}, untampered through the proxy: ${control.status} ${control.status === 200 ? '' : control.text}`).toBe(`${refusal.name}, untampered through the proxy: 200 `)
              }
            }
          })

          if (reference.responses) {
            it(`${client.name}: verifyResponse rejects a response changed on its way back`, async () => {
              const request = reference.accept[0]!
              await expect(send(endpoints.proxied(reference, 'tamper-response'), request, signWith({ verifyResponse: true }))).rejects.toMatchObject({ name: 'SignetError', code: 'signature_mismatch' })
              // And verifies the same response through the proxy when nothing is changed.
              const ok = await send(endpoints.proxied(reference, 'pass'), request, signWith({ verifyResponse: true }))
              expect(ok.status).toBe(200)
              expect(ok.text).toContain('"result": "ok"')
            })
          }
        }
      })
    }
  })
}
