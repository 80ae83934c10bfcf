import { createReadStream } from 'node:fs'
import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { FailureError } from './args.ts'
import { concatBytes } from './io.ts'
import type { RequestSpec } from './request.ts'

/**
 * Sends a signed request with node:http(s), as curl would: only the given headers plus Host and
 * Content-Length, no redirects followed, and a file body streamed from disk (fetch reads a file
 * or stream body into memory before sending it; node:http sends it as it is read).
 */

export interface Received {
  status: number
  statusText: string
  /** Response headers as received, names lower-cased. */
  headers: [string, string][]
  body: Uint8Array
}

export function sendRequest(url: URL, method: string, headers: readonly (readonly [string, string])[], body: RequestSpec['body']): Promise<Received> {
  const out: OutgoingHttpHeaders = {}
  for (const [name, value] of headers) {
    const prev = out[name]
    out[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [String(prev), value]
  }
  const has = (n: string) => headers.some(([k]) => k.toLowerCase() === n)
  if (body && !has('content-length')) out['Content-Length'] = String(body.kind === 'file' ? body.size : body.bytes.byteLength)
  return new Promise((resolve, reject) => {
    const fail = (err: unknown): void => {
      const e = err as { code?: string; message?: string }
      reject(new FailureError(`could not send the request to ${url.origin}: ${e.code ?? e.message ?? String(err)}${e.code === 'ECONNREFUSED' ? ' (is the server running?)' : ''}`, { cause: err }))
    }
    let responded = false
    const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers: out }, (res) => {
      responded = true
      const chunks: Uint8Array[] = []
      res.on('data', (c: Uint8Array) => chunks.push(c))
      res.on('error', fail)
      res.on('end', () => {
        const pairs: [string, string][] = []
        for (let i = 0; i < res.rawHeaders.length; i += 2) pairs.push([res.rawHeaders[i]!.toLowerCase(), res.rawHeaders[i + 1]!])
        resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: pairs, body: concatBytes(chunks) })
      })
    })
    req.on('error', (err: { code?: string }) => {
      // A server may answer (413, 401…) and close before the whole body is sent: wait for that answer.
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') setTimeout(() => responded || fail(err), 500)
      else fail(err)
    })
    if (!body) req.end()
    else if (body.kind === 'bytes') req.end(body.bytes)
    else createReadStream(body.path).on('error', fail).pipe(req)
  })
}
