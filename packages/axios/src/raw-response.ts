import { isSignetError, SignetError, verifyResponse, type MessageRequest } from '@signet/core'
import type { AxiosResponse } from 'axios'
import type { ResolvedOptions, ResolvedVerification } from './options.ts'
import type { AdapterKind } from './resolve-adapter.ts'
import { callerData } from './response-data.ts'

/** What the adapter wrapper knows when a response comes back. */
export interface RawResponseContext {
  readonly options: ResolvedOptions
  readonly verify: ResolvedVerification
  readonly kind: AdapterKind
  /** The request as signed and sent, signature headers included (responses are bound to it). */
  readonly request: MessageRequest
  /** The caller's own `responseType` and `responseEncoding`, replaced by `'arraybuffer'` for the adapter call. */
  readonly responseType: unknown
  readonly responseEncoding: unknown
}

/** The raw body the adapter returned for `responseType: 'arraybuffer'`. */
async function rawBytes(data: unknown): Promise<Uint8Array> {
  if (data === undefined || data === null) return new Uint8Array(0)
  if (data instanceof Uint8Array) return data
  if (data instanceof ArrayBuffer) return new Uint8Array(data)
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
  if (typeof Blob !== 'undefined' && data instanceof Blob) return new Uint8Array(await data.arrayBuffer())
  // An adapter that ignores responseType (a mock, say): its string is taken as UTF-8. If those are
  // not the bytes that were signed, verification fails, which is the safe outcome.
  if (typeof data === 'string') return new TextEncoder().encode(data)
  throw new SignetError('invalid_input', `signAxios: the adapter returned ${Object.prototype.toString.call(data)} for responseType 'arraybuffer'; the raw bytes are needed to verify the response`, {
    component: 'body',
  })
}

/** Response headers as lower-case names to string values (for core, and for `SignetError.details`). */
function headerRecord(headers: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (typeof headers !== 'object' || headers === null) return out
  const h = headers as { toJSON?: () => unknown }
  const plain = (typeof h.toJSON === 'function' ? h.toJSON() : headers) as Record<string, unknown>
  for (const [name, value] of Object.entries(plain)) {
    if (value === undefined || value === null || value === false) continue
    out[name.toLowerCase()] = Array.isArray(value) ? value.map(String).join(', ') : String(value)
  }
  return out
}

/**
 * Verifies a response over its raw bytes, before transformResponse parses them, then replaces
 * `response.data` with what the caller's `responseType` would have produced. Rejects with a
 * `SignetError` (from @signet/core) (code from core, plus `details.status` and `details.headers`) when the
 * signature is missing, does not match, or the body does not match its digest.
 */
export async function verifyRawResponse(response: AxiosResponse, ctx: RawResponseContext): Promise<void> {
  const raw: unknown = response.data
  const bytes = await rawBytes(raw)
  const headers = headerRecord(response.headers)
  // Set-Cookie is not part of what a signature may cover in a browser, and is kept apart in Node.
  const cookies = (response.headers as { getSetCookie?: () => string[] } | undefined)?.getSetCookie?.()
  const messageHeaders: Record<string, string | string[]> = { ...headers }
  if (cookies && cookies.length > 0) messageHeaders['set-cookie'] = cookies
  try {
    await verifyResponse(
      { status: response.status, headers: messageHeaders, body: bytes },
      {
        keys: ctx.verify.keys,
        scheme: ctx.options.scheme,
        now: ctx.options.now,
        clockOffsetMs: ctx.options.offsetMs,
        request: ctx.request,
        ...(ctx.verify.maxAgeSeconds !== undefined ? { maxAgeSeconds: ctx.verify.maxAgeSeconds } : {}),
        ...(ctx.verify.required !== undefined ? { required: ctx.verify.required } : {}),
      },
    )
  } catch (err) {
    if (!isSignetError(err)) throw err
    throw new SignetError(err.code, `response ${response.status}: ${err.message}`, { ...err.details, status: response.status, headers }, { cause: err })
  }
  response.data = await callerData({
    raw,
    bytes,
    responseType: ctx.responseType,
    kind: ctx.kind,
    contentType: headers['content-type'],
    responseEncoding: ctx.responseEncoding,
  })
}
