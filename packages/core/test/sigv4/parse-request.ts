/**
 * Parses the raw HTTP/1.1 requests of the AWS SigV4 test suite (`request.txt`,
 * `*-signed-request.txt`) into Signet's normalized form.
 *
 * The suite's request lines are raw: `GET /example space/ HTTP/1.1`, `GET /ሴ HTTP/1.1`,
 * `GET /example/.. HTTP/1.1`. A WHATWG URL would rewrite those paths (encode the space and the
 * UTF-8, resolve the dot segments), but a raw HTTP client sends them verbatim and the vectors sign
 * them verbatim. So the normalized request's `url.pathname` is pinned to the raw path, which is
 * what a server reading the request line would see.
 */
import { normalizeRequest, type NormalizedRequest } from '../../src/message.ts'

export interface RawRequest {
  method: string
  /** Request target as written: path and query. */
  target: string
  /** Header name/value pairs in order, names as written, obs-fold continuation lines unfolded. */
  headers: [string, string][]
  /** The bytes after the blank line; undefined when there are none. */
  body: Uint8Array | undefined
}

/** Parses `METHOD target HTTP/1.1`, header lines (with continuation lines), a blank line and the body. */
export function parseRawRequest(text: string): RawRequest {
  const blank = /\r?\n\r?\n/.exec(text)
  const head = blank ? text.slice(0, blank.index) : text
  const bodyText = blank ? text.slice(blank.index + blank[0].length) : ''
  const lines = head.split(/\r?\n/)
  const start = lines[0] ?? ''
  const firstSpace = start.indexOf(' ')
  const lastSpace = start.lastIndexOf(' ')
  if (firstSpace <= 0 || lastSpace <= firstSpace || !start.slice(lastSpace + 1).startsWith('HTTP/')) {
    throw new Error(`not an HTTP request line: ${JSON.stringify(start)}`)
  }
  const method = start.slice(0, firstSpace)
  // The target may contain spaces (get-space-*): it is everything between the method and the version.
  const target = start.slice(firstSpace + 1, lastSpace)
  const headers: [string, string][] = []
  for (const line of lines.slice(1)) {
    if (line === '') continue
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // obs-fold (RFC 9112 §5.2): the line break and leading whitespace become one space.
      const last = headers[headers.length - 1]
      if (!last) throw new Error(`continuation line before any header: ${JSON.stringify(line)}`)
      last[1] += ` ${line.replace(/^[ \t]+/, '')}`
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) throw new Error(`not a header line: ${JSON.stringify(line)}`)
    headers.push([line.slice(0, colon), line.slice(colon + 1)])
  }
  return { method, target, headers, body: bodyText === '' ? undefined : new TextEncoder().encode(bodyText) }
}

/** The raw path of a request target (before any `?`). */
export function targetPath(target: string): string {
  const q = target.indexOf('?')
  return q === -1 ? target : target.slice(0, q)
}

/**
 * The request as Signet sees it on a server: headers as sent, the URL from `Host` and the target,
 * and `url.pathname` pinned to the raw path when URL parsing would have rewritten it.
 */
export function toNormalizedRequest(raw: RawRequest): NormalizedRequest {
  const host = raw.headers.find(([name]) => name.toLowerCase() === 'host')?.[1].trim()
  if (!host) throw new Error('the request has no Host header')
  const message = normalizeRequest({ method: raw.method, url: `https://${host}${raw.target}`, headers: raw.headers, body: raw.body })
  const rawPath = targetPath(raw.target)
  if (message.url.pathname !== rawPath) {
    // Only the scheme reads url.pathname; href and the rest keep the parsed form.
    Object.defineProperty(message.url, 'pathname', { value: rawPath, enumerable: true })
  }
  return message
}
