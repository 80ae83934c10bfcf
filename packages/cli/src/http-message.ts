import { UsageError } from './args.ts'
import { concatBytes } from './io.ts'

/**
 * Reads a captured HTTP message: a raw request (request line, headers, blank line, body) or
 * response (status line…), with CRLF or LF line ends; or `curl -v` output, where request lines
 * start with `> `, response lines with `< `, and `* ` lines are curl's own notes (ignored).
 */

export interface CapturedRequest {
  kind: 'request'
  method: string
  /** The request target as written: `/path?query`, or an absolute URL. */
  target: string
  headers: [string, string][]
  body: Uint8Array | undefined
  /** The headers announce a body that the capture does not contain (curl -v never shows it). */
  bodyMissing: boolean
}

export interface CapturedResponse {
  kind: 'response'
  status: number
  reason: string
  headers: [string, string][]
  body: Uint8Array | undefined
  /** The body was reassembled from curl -v output and may not be byte-exact. */
  bodyUncertain: boolean
  /** The headers announce a body that the capture does not contain. */
  bodyMissing: boolean
}

export interface Capture {
  format: 'raw' | 'curl-verbose'
  request?: CapturedRequest
  response?: CapturedResponse
  /** What was adjusted while reading (truncated to Content-Length, chunked decoding…). */
  notes: string[]
  /** curl -v said it connected on port 443 or over TLS. */
  tls: boolean
}

const decoder = new TextDecoder()
const encoder = new TextEncoder()

function headerValue(headers: readonly [string, string][], name: string): string | undefined {
  const values = headers.filter(([n]) => n.toLowerCase() === name).map(([, v]) => v)
  return values.length === 0 ? undefined : values.join(', ')
}

/** Header lines (obs-fold continuations joined) into pairs. */
function parseHeaderLines(lines: readonly string[], where: string): [string, string][] {
  const out: [string, string][] = []
  for (const raw of lines) {
    const line = raw.replace(/\r$/, '')
    if (/^[ \t]/.test(line) && out.length > 0) {
      const last = out[out.length - 1]!
      last[1] = `${last[1]} ${line.trim()}`.trim()
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) throw new UsageError(`${where}: ${JSON.stringify(line.slice(0, 80))} is not a header line`, 'a message is: request or status line, "Name: value" header lines, a blank line, then the body')
    out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()])
  }
  return out
}

function indexOfBytes(hay: Uint8Array, needle: readonly number[], from = 0): number {
  outer: for (let i = from; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
    return i
  }
  return -1
}

/** Decodes a chunked body (RFC 9112 §7.1); trailers are dropped. */
function dechunk(body: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = []
  let at = 0
  for (;;) {
    const eol = indexOfBytes(body, [0x0a], at)
    if (eol < 0) return undefined
    const sizeLine = decoder.decode(body.subarray(at, eol)).replace(/\r$/, '').split(';')[0]!.trim()
    if (!/^[0-9a-fA-F]+$/.test(sizeLine)) return undefined
    const size = parseInt(sizeLine, 16)
    at = eol + 1
    if (size === 0) return concatBytes(parts)
    if (at + size > body.length) return undefined
    parts.push(body.subarray(at, at + size))
    at += size
    if (body[at] === 0x0d) at++
    if (body[at] === 0x0a) at++
  }
}

/** The body after the header block, adjusted to Content-Length / chunked encoding. */
function bodyOf(headers: readonly [string, string][], rest: Uint8Array, notes: string[], what: string): Uint8Array | undefined {
  const te = headerValue(headers, 'transfer-encoding')
  if (te && /chunked/i.test(te)) {
    const decoded = dechunk(rest)
    if (decoded) {
      notes.push(`the ${what} body was chunked; decoded to ${decoded.byteLength} bytes`)
      return decoded
    }
    notes.push(`the ${what} body says Transfer-Encoding: chunked but is not valid chunked data; used as is`)
    return rest
  }
  const cl = headerValue(headers, 'content-length')
  if (cl !== undefined && /^\d+$/.test(cl.trim())) {
    const n = Number(cl.trim())
    if (rest.byteLength > n) {
      const extra = rest.subarray(n)
      const whitespace = extra.every((b) => b === 0x0a || b === 0x0d)
      notes.push(`ignored ${extra.byteLength} byte(s) after the ${what}'s Content-Length (${n})${whitespace ? ': a trailing newline, probably added by an editor' : ''}`)
      return rest.subarray(0, n)
    }
    if (rest.byteLength < n) notes.push(`the ${what} body has ${rest.byteLength} bytes but Content-Length says ${n}: the capture is incomplete`)
  }
  return rest.byteLength === 0 && cl === undefined ? undefined : rest
}

const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+)(?: (HTTP\/\d(?:\.\d)?))?$/
const STATUS_LINE = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/

function startLine(line: string): { kind: 'request'; method: string; target: string } | { kind: 'response'; status: number; reason: string } {
  const status = STATUS_LINE.exec(line)
  if (status) return { kind: 'response', status: Number(status[1]), reason: status[2] ?? '' }
  const req = REQUEST_LINE.exec(line)
  if (req) return { kind: 'request', method: req[1]!.toUpperCase(), target: req[2]! }
  throw new UsageError(`${JSON.stringify(line.slice(0, 100))} is neither a request line (GET /path HTTP/1.1) nor a status line (HTTP/1.1 200 OK)`, 'pass a raw HTTP message, or curl -v output (lines starting with "> " and "< ")')
}

/** A raw message: start line, headers, blank line, body (bytes kept exactly). */
function parseRaw(bytes: Uint8Array, notes: string[]): CapturedRequest | CapturedResponse {
  // Skip leading blank lines.
  let start = 0
  while (start < bytes.length && (bytes[start] === 0x0a || bytes[start] === 0x0d)) start++
  const crlf = indexOfBytes(bytes, [0x0d, 0x0a, 0x0d, 0x0a], start)
  const lf = indexOfBytes(bytes, [0x0a, 0x0a], start)
  let headEnd: number
  let bodyStart: number
  if (crlf >= 0 && (lf < 0 || crlf < lf)) {
    headEnd = crlf
    bodyStart = crlf + 4
  } else if (lf >= 0) {
    headEnd = lf
    bodyStart = lf + 2
  } else {
    headEnd = bytes.length
    bodyStart = bytes.length
  }
  const head = decoder.decode(bytes.subarray(start, headEnd)).split('\n').map((l) => l.replace(/\r$/, ''))
  const first = startLine(head[0] ?? '')
  const headers = parseHeaderLines(head.slice(1), first.kind)
  const body = bodyOf(headers, bytes.subarray(bodyStart), notes, first.kind)
  if (first.kind === 'request') return { ...first, headers, body, bodyMissing: false }
  return { ...first, headers, body, bodyUncertain: false, bodyMissing: false }
}

/** curl -v output starts with one of its own line kinds; a raw message starts with its request or status line. */
function isCurlVerbose(text: string): boolean {
  const first = text.split('\n').find((l) => l.trim() !== '') ?? ''
  return /^(\* |> |< |[{}] \[)/.test(first)
}

/** curl -v output: `> ` request lines, `< ` response lines, `* ` notes, then the response body. */
function parseCurlVerbose(text: string, notes: string[]): Capture {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''))
  const req: string[] = []
  const res: string[] = []
  const bodyLines: string[] = []
  let reqDone = false
  let resDone = false
  let tls = false
  for (const line of lines) {
    if (line.startsWith('*')) {
      if (/port 443\b|SSL connection|TLSv1|ALPN/.test(line)) tls = true
      continue
    }
    if (/^[{}] \[\d+ bytes data\]$/.test(line)) continue
    if (line === '>' || line.startsWith('> ')) {
      const l = line.slice(2)
      if (l === '') reqDone = req.length > 0
      else if (!reqDone) req.push(l)
      continue
    }
    if (line === '<' || line.startsWith('< ')) {
      const l = line.slice(2)
      if (l === '') resDone = res.length > 0
      else if (!resDone) res.push(l)
      continue
    }
    if (resDone) bodyLines.push(line)
  }
  const capture: Capture = { format: 'curl-verbose', notes, tls }
  if (req.length > 0) {
    const first = startLine(req[0]!)
    if (first.kind !== 'request') throw new UsageError('the "> " lines of the curl -v output do not start with a request line')
    const headers = parseHeaderLines(req.slice(1), 'request')
    const cl = headerValue(headers, 'content-length')
    const bodyMissing = (cl !== undefined && cl.trim() !== '0') || headerValue(headers, 'transfer-encoding') !== undefined
    capture.request = { ...first, headers, body: undefined, bodyMissing }
  }
  if (res.length > 0) {
    const first = startLine(res[0]!)
    if (first.kind !== 'response') throw new UsageError('the "< " lines of the curl -v output do not start with a status line')
    const headers = parseHeaderLines(res.slice(1), 'response')
    while (bodyLines.length > 0 && bodyLines[bodyLines.length - 1] === '') bodyLines.pop()
    let body = encoder.encode(bodyLines.join('\n'))
    let uncertain = true
    const cl = headerValue(headers, 'content-length')
    if (cl !== undefined && /^\d+$/.test(cl.trim())) {
      const n = Number(cl.trim())
      if (body.byteLength + 1 === n) body = encoder.encode(bodyLines.join('\n') + '\n')
      uncertain = body.byteLength !== n
    }
    if (uncertain && body.byteLength > 0 && !(cl === undefined && headerValue(headers, 'transfer-encoding') === undefined)) notes.push('the response body was read from curl -v output, where it may be mixed with other output; save it with curl -o FILE and pass --response-body FILE for an exact check')
    const announced = (cl !== undefined && cl.trim() !== '0') || headerValue(headers, 'transfer-encoding') !== undefined
    const missing = body.byteLength === 0 && announced
    capture.response = { ...first, headers, body: body.byteLength > 0 || cl !== undefined ? body : undefined, bodyUncertain: uncertain && body.byteLength > 0, bodyMissing: missing }
  }
  if (!capture.request && !capture.response) throw new UsageError('no "> " request or "< " response lines in the curl -v output')
  return capture
}

/** Parses a capture (raw message or curl -v output). */
export function parseCapture(bytes: Uint8Array): Capture {
  const notes: string[] = []
  const head = decoder.decode(bytes.subarray(0, 64 * 1024))
  if (isCurlVerbose(head)) return parseCurlVerbose(decoder.decode(bytes), notes)
  if (bytes.byteLength === 0 || head.trim() === '') throw new UsageError('the message is empty', 'pass a file with a raw HTTP message, or pipe one into stdin')
  const message = parseRaw(bytes, notes)
  return message.kind === 'request' ? { format: 'raw', request: message, notes, tls: false } : { format: 'raw', response: message, notes, tls: false }
}

/**
 * The absolute URL of a captured request: an absolute target as is; an origin-form target
 * (`/path?q`) with `origin` or else `http(s)://` + the Host header.
 */
export function requestUrl(request: CapturedRequest, origin: string | undefined, tls: boolean): URL {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(request.target)) return new URL(request.target)
  if (!request.target.startsWith('/') && request.target !== '*') throw new UsageError(`the request target ${JSON.stringify(request.target)} is neither a path nor an absolute URL`)
  let base: string
  if (origin !== undefined) {
    if (!/^https?:\/\/[^/]+\/?$/i.test(origin)) throw new UsageError(`--origin must be a scheme and host, e.g. https://api.example.com, received ${JSON.stringify(origin)}`)
    base = origin.replace(/\/$/, '')
  } else {
    const host = headerValue(request.headers, 'host') ?? headerValue(request.headers, ':authority')
    if (host === undefined) throw new UsageError('the request line has only a path and there is no Host header', 'pass --origin https://host (the scheme and host the request was sent to)')
    base = `${tls ? 'https' : 'http'}://${host.trim()}`
  }
  try {
    return new URL(base + request.target)
  } catch {
    throw new UsageError(`cannot make a URL of ${JSON.stringify(base + request.target)}`)
  }
}
