import { signRequest, withSignedQuery } from '@signet/core'
import type { AxiosAdapter, AxiosResponse, InternalAxiosRequestConfig } from 'axios'
import { finalRequest, headersToSign } from './final-request.ts'
import { lazy } from './lazy.ts'
import type { ResolvedOptions } from './options.ts'
import type { RawResponseContext } from './raw-response.ts'
import { exactArrayBuffer, DEFAULT_MAX_BUFFERED_BODY_BYTES } from './request-body.ts'
import { resolveAdapter, type GetAdapter } from './resolve-adapter.ts'

/** One attachment of Signet to an axios instance. */
export interface SigningContext {
  readonly options: ResolvedOptions
  readonly getAdapter: GetAdapter
  /** The instance's `getUri`: baseURL + url + params through paramsSerializer. */
  readonly getUri: (config: InternalAxiosRequestConfig) => string
  /** False once detached: adapters already handed out then pass requests through untouched. */
  readonly state: { attached: boolean }
}

/** Response verification: loaded only when Signet is attached with `verifyResponse`. */
export const loadVerifier = lazy(() => import('./raw-response.ts'))

/** Verifies a raw response (see raw-response.ts), loading the verifier on first use. */
async function verifyRaw(response: AxiosResponse, ctx: RawResponseContext): Promise<void> {
  const { verifyRawResponse } = await loadVerifier()
  await verifyRawResponse(response, ctx)
}

/** axios's own default, used by dispatchRequest when a config names no adapter. */
const DEFAULT_ADAPTERS = ['xhr', 'http', 'fetch']

/** Errors from the inner adapter name the config it was called with; give back the caller's. */
function restoreConfig(err: unknown, call: object, config: InternalAxiosRequestConfig): void {
  if (typeof err !== 'object' || err === null) return
  const e = err as { config?: unknown; response?: { config?: unknown } }
  if (e.config === call) e.config = config
  if (e.response && e.response.config === call) e.response.config = config
}

function hasResponse(err: unknown): err is { response: AxiosResponse } {
  return typeof err === 'object' && err !== null && typeof (err as { response?: unknown }).response === 'object' && (err as { response?: unknown }).response !== null
}

/**
 * The adapter Signet puts in `config.adapter`: it runs after axios has merged defaults, run every
 * request interceptor and transformRequest, so it sees the request as it will be sent. It signs
 * that, calls the configured adapter, and (when asked) verifies the raw response before axios's
 * transformResponse parses it. Each call signs afresh: retries get a new timestamp and nonce.
 *
 * @param spec the adapter the request was configured with (a name, a list, or a function), read at call time
 */
export function signingAdapter(ctx: SigningContext, spec: () => unknown): AxiosAdapter {
  return async function signetAdapter(config: InternalAxiosRequestConfig): Promise<AxiosResponse> {
    const { adapter, kind } = resolveAdapter(ctx.getAdapter, spec() ?? DEFAULT_ADAPTERS, config)
    if (!ctx.state.attached) return adapter(config)
    const { options } = ctx

    const final = await finalRequest(config, ctx.getUri, kind)
    const signed = await signRequest(
      { method: final.method, url: final.url, headers: headersToSign(final), body: final.body },
      { key: options.key, scheme: options.scheme, now: options.now, clockOffsetMs: options.offsetMs },
    )
    let body = final.body
    if (signed.body !== undefined) {
      // The bytes of a stream core had to read; final bodies never include a FormData (see request-body.ts).
      body = signed.body instanceof Uint8Array ? exactArrayBuffer(signed.body) : signed.body
      config.data = body
    }
    // Presigned-URL schemes (sigv4 with signQuery) return query parameters instead of headers.
    const url = signed.query ? withSignedQuery(new URL(final.url), signed.query).href : final.url
    for (const [name, value] of Object.entries(signed.headers)) config.headers.set(name, value, true)
    options.onSigned?.({ method: final.method, url, base: signed.base })

    const verify = options.verify
    const responseType: unknown = config.responseType
    const call: InternalAxiosRequestConfig = {
      ...config,
      // The final URL, already combined: the adapter sends it as is.
      url,
      baseURL: undefined,
      params: undefined,
      data: body ?? config.data,
    }
    if (verify) {
      call.responseType = 'arraybuffer'
      // A caller who asked for a stream gets one over bytes that had to be buffered first: bound them.
      const max = config.maxContentLength
      if (responseType === 'stream' && (typeof max !== 'number' || max < 0)) call.maxContentLength = DEFAULT_MAX_BUFFERED_BODY_BYTES
    }
    const rawContext = (): RawResponseContext => ({
      options,
      verify: verify!,
      kind,
      request: { method: final.method, url, headers: { ...final.headers, ...signed.headers } },
      responseType,
      responseEncoding: config.responseEncoding,
    })

    let response: AxiosResponse
    try {
      response = await adapter(call)
    } catch (err) {
      restoreConfig(err, call, config)
      // Error statuses are signed responses too: verify them before axios-retry or the caller acts on them.
      if (verify && hasResponse(err)) await verifyRaw(err.response, rawContext())
      throw err
    }
    if (response.config === call) response.config = config
    if (verify) await verifyRaw(response, rawContext())
    return response
  }
}
