import { signRequest, withSignedQuery, type MessageRequest } from '@signet/core'
import { coreClock, type Clock } from './clock.ts'
import type { ResolvedOptions } from './options.ts'
import { buildRequest, signableBody, type Hop, type Outgoing, type OutgoingBody } from './outgoing.ts'

/** A request ready to send, and the request as a response to it is bound to (headers, no body). */
export interface SentHop {
  readonly request: Request
  readonly message: MessageRequest
}

/** Headers Signet adds; never sent to another origin. Responses carry the same ones (browsers hide them cross-origin unless exposed). */
export const SIGNATURE_HEADERS = ['signature', 'signature-input', 'content-digest'] as const

/** Signs one hop afresh (new created, new nonce) and builds the Request that carries exactly what was signed. */
export async function signHop(outgoing: Outgoing, hop: Hop, options: ResolvedOptions, clock: Clock): Promise<SentHop> {
  const result = await signRequest(
    { method: hop.method, url: hop.url, headers: hop.headers, body: signableBody(outgoing, hop.body) },
    { key: options.key, scheme: options.scheme, maxBufferedBodyBytes: options.maxBufferedBodyBytes, ...coreClock(clock) },
  )
  const headers = new Headers(hop.headers)
  for (const [name, value] of Object.entries(result.headers)) headers.set(name, value)
  // Presigned forms (sigv4 signQuery) put the signature in the query instead of headers.
  const url = result.query ? withSignedQuery(new URL(hop.url), result.query).href : hop.url
  const body: OutgoingBody = result.body === undefined ? hop.body : result.body instanceof Uint8Array ? { kind: 'bytes', bytes: result.body } : { kind: 'blob', blob: result.body }
  options.onSigned?.({ method: hop.method, url, base: result.base })
  return { request: buildRequest(outgoing, { ...hop, url, headers, body }), message: { method: hop.method, url, headers } }
}

/** A hop to another origin than the one the key is for: sent without any signature header. */
export function unsignedHop(outgoing: Outgoing, hop: Hop): SentHop {
  const headers = new Headers(hop.headers)
  for (const name of SIGNATURE_HEADERS) headers.delete(name)
  const sent = { ...hop, headers }
  return { request: buildRequest(outgoing, sent), message: { method: hop.method, url: hop.url, headers } }
}
