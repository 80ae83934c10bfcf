import axios, { type AxiosAdapter, type AxiosInstance } from 'axios'
import axiosOld from 'axios-old'
import { runtime, startServer, type RunningServer } from '../../../core/test/support/server.ts'
import { axiosApp } from './app.ts'

export { runtime }

type AxiosAdapterConfig = AxiosAdapter | AdapterName

/** axios itself: a callable instance that also has `create`. */
export type AxiosStatic = AxiosInstance & { create: AxiosInstance['create']; VERSION: string; getAdapter: (typeof axios)['getAdapter'] }

export type AdapterName = 'http' | 'fetch' | 'xhr'

/**
 * Both ends of the supported range: the peer dependency is `axios ^1.7.0`. `adapter(name)` is
 * what a test puts in `config.adapter`: the name for the newest (resolved through the peer
 * dependency, the same copy of axios), and for 1.7.9 that copy's own adapter function, so that
 * its own http/fetch/xhr adapters run (an `axios.create()` instance has no `getAdapter` of its
 * own, and names would be resolved through the peer dependency, axios 1.21.1 here).
 */
export const versions: { name: string; axios: AxiosStatic; adapter: (name: AdapterName) => AxiosAdapterConfig }[] = [
  { name: `axios ${axios.VERSION}`, axios, adapter: (name) => name },
  {
    name: `axios ${axiosOld.VERSION}`,
    // Typed as the newest: signAxios takes the peer dependency's AxiosInstance type.
    axios: axiosOld as unknown as AxiosStatic,
    adapter: (name) => axiosOld.getAdapter(name) as unknown as AxiosAdapter,
  },
]

/** The adapters axios can use here: http and fetch on servers, xhr and fetch in a browser. */
export const adapters: AdapterName[] = runtime === 'browser' ? ['xhr', 'fetch'] : ['http', 'fetch']

const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env

/** The axios test server: the browser project's global setup serves it; elsewhere it is started here. */
export async function startAxiosServer(): Promise<{ base: string; close: () => Promise<void> }> {
  if (runtime === 'browser') return { base: `${env!.VITE_SIGNET_SERVER_URL!}/axios`, close: async () => {} }
  const server: RunningServer = await startServer(axiosApp())
  return { base: `${server.url}/axios`, close: () => server.close() }
}

/** SHA-256 of bytes, hex, by the platform's WebCrypto (not by Signet). */
export async function sha256Hex(bytes: ArrayBuffer | ArrayBufferView | string): Promise<string> {
  const data =
    typeof bytes === 'string' ? new TextEncoder().encode(bytes) : ArrayBuffer.isView(bytes) ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : new Uint8Array(bytes)
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>))
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/** The nonce of a Signature-Input value. */
export function nonceOf(signatureInput: unknown): string | undefined {
  return typeof signatureInput === 'string' ? /;nonce="([^"]+)"/.exec(signatureInput)?.[1] : undefined
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Record<string, any>> {
  try {
    await promise
  } catch (err) {
    return err as Record<string, any>
  }
  throw new Error('expected the request to fail, it succeeded')
}

/**
 * `response.data` in a comparable shape: Blobs as their type and text, bytes as hex, the type
 * name kept, so that two responses compare equal only when they hold the same kind of value.
 */
export async function comparable(data: unknown): Promise<unknown> {
  if (typeof Blob !== 'undefined' && data instanceof Blob) return { kind: 'Blob', type: data.type, text: await data.text() }
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
    const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    return { kind: Object.prototype.toString.call(data), isBuffer: isNodeBuffer(data), hex: [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('') }
  }
  return data
}

function isNodeBuffer(v: unknown): boolean {
  const B = (globalThis as { Buffer?: { isBuffer(v: unknown): boolean } }).Buffer
  return B !== undefined && B.isBuffer(v)
}

/** A unique id for per-test server state. */
export function uid(): string {
  return Math.random().toString(36).slice(2) + Date.now().toString(36)
}
