import { SignetError } from '@signet/core'
import type { AxiosHeaders, InternalAxiosRequestConfig } from 'axios'
import { DEFAULT_MAX_BUFFERED_BODY_BYTES, prepareBody, type WireBody } from './request-body.ts'
import { invalid } from './options.ts'
import type { AdapterKind } from './resolve-adapter.ts'

/** The request exactly as the adapter will put it on the wire. */
export interface FinalRequest {
  /** Upper-case method. */
  readonly method: string
  /** Absolute URL: baseURL, url and serialized params combined, as the adapter sends it. */
  readonly url: string
  /** Header values as sent (sanitized the way axios ≥ 1.13 does), names as configured. */
  readonly headers: Record<string, string>
  readonly body: WireBody
}

/** The headers Signet writes; a previous attempt's values never survive into a retry. */
const SIGNATURE_HEADERS = ['signature', 'signature-input', 'content-digest'] as const

// What axios ≥ 1.13 strips from header values before sending (byte strings without control
// characters); older versions send them as they are, or fail on them in node:http.
const INVALID_HEADER_VALUE_CHARS = /[^\t\x20-\x7e\x80-\xff]+/g
const EDGE_WHITESPACE = /^[\t ]+|[\t ]+$/g

function wireValue(value: unknown): string {
  const joined = Array.isArray(value) ? value.map(String).join(', ') : String(value)
  return joined.replace(INVALID_HEADER_VALUE_CHARS, '').replace(EDGE_WHITESPACE, '')
}

function isAxiosHeaders(v: unknown): v is AxiosHeaders {
  if (typeof v !== 'object' || v === null) return false
  const h = v as Record<string, unknown>
  return typeof h.set === 'function' && typeof h.get === 'function' && typeof h.delete === 'function' && typeof h.toJSON === 'function'
}

/** `baseURL` + `url` + `params` through `paramsSerializer`, as axios computes it, made absolute. */
function finalUrl(config: InternalAxiosRequestConfig, getUri: (config: InternalAxiosRequestConfig) => string): string {
  const uri = getUri(config)
  // Relative URLs resolve as the adapters resolve them: against the page, or a Unix socket's localhost.
  const page = (globalThis as { location?: { href?: unknown } }).location?.href
  const base = config.socketPath ? 'http://localhost' : typeof page === 'string' ? page : undefined
  try {
    return new URL(uri, base).href
  } catch {
    throw new SignetError('invalid_input', `signAxios: the request URL ${JSON.stringify(uri.slice(0, 200))} is not absolute; set baseURL or use an absolute url`, {
      component: 'url',
      received: uri.slice(0, 200),
    })
  }
}

/**
 * Computes the final request from the config the adapter receives (defaults merged, interceptors
 * and transformRequest applied), and writes back into `config` whatever had to change so that the
 * adapter sends exactly that: the serialized body, its Content-Type, sanitized header values, and
 * no signature headers from a previous attempt.
 */
export async function finalRequest(
  config: InternalAxiosRequestConfig,
  getUri: (config: InternalAxiosRequestConfig) => string,
  kind: AdapterKind,
): Promise<FinalRequest> {
  const headers = config.headers as unknown
  if (!isAxiosHeaders(headers)) invalid('config.headers is not an AxiosHeaders; the adapter must be called by axios', 'headers')
  const url = finalUrl(config, getUri)
  for (const name of SIGNATURE_HEADERS) headers.delete(name)

  const maxBodyLength = config.maxBodyLength
  const limit = typeof maxBodyLength === 'number' && Number.isFinite(maxBodyLength) && maxBodyLength > -1 ? maxBodyLength : DEFAULT_MAX_BUFFERED_BODY_BYTES
  const prepared = await prepareBody(config.data, kind, limit)
  if (prepared.body !== config.data && !(prepared.body === undefined && config.data === null)) config.data = prepared.body
  if (prepared.contentType !== undefined) headers.set('Content-Type', prepared.contentType, true)
  else if (prepared.defaultContentType !== undefined && headers.get('content-type') == null) headers.set('Content-Type', prepared.defaultContentType, true)

  const wire: Record<string, string> = {}
  for (const [name, value] of Object.entries(headers.toJSON() as Record<string, unknown>)) {
    if (value === undefined || value === null || value === false) continue
    const sent = wireValue(value)
    if (sent !== value) headers.set(name, sent, true)
    wire[name] = sent
  }
  return { method: String(config.method ?? 'get').toUpperCase(), url, headers: wire, body: prepared.body }
}

/**
 * The headers to sign. Without a body, Content-Type is left out: XMLHttpRequest drops it then,
 * and a covered header that is not sent could never verify.
 */
export function headersToSign(request: FinalRequest): Record<string, string> {
  if (request.body !== undefined) return request.headers
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(request.headers)) if (name.toLowerCase() !== 'content-type') out[name] = value
  return out
}
