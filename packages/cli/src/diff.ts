import { createHash } from 'node:crypto'
import { parseComponentLine, parseSignatureParams, type Segment } from './base-view.ts'
import type { SchemeName } from './schemes.ts'

/**
 * Comparing the signer's base with the one a server reports: where they first differ (line,
 * column, the two bytes), which components differ, and what usually causes such a difference
 * (docs/debugging.md). Pure functions; the command is in commands/diff.ts.
 */

// ---------------------------------------------------------------------------------------------
// What the server reported

export interface ServerReport {
  /** How the report was read. */
  source: 'json' | 'aws-xml' | 'text'
  /** The base the server rebuilt, when it reported one. */
  base: string | undefined
  /** The server's error code (Signet servers: `code`; AWS: `Code`). */
  code: string | undefined
  message: string | undefined
  details: Record<string, unknown> | undefined
}

function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)
  if (!m) return undefined
  return m[1]!
    .replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&')
}

type Json = Record<string, unknown>
const obj = (v: unknown): Json | undefined => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined)

/**
 * Reads what a server reported: a JSON error body (`details.base`, as Signet servers and
 * `signet serve` answer; also `signet verify --json` output), an AWS error (XML with
 * `CanonicalRequest` and `StringToSign`), or the base itself as text.
 */
export function parseServerReport(text: string): ServerReport {
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    let parsed: unknown
    try {
      parsed = JSON.parse(trimmed)
    } catch {
      parsed = undefined
    }
    const root = obj(parsed)
    if (root) {
      const results = Array.isArray(root.results) ? (root.results as unknown[]).map(obj).filter((r): r is Json => r !== undefined) : []
      const result = results.find((r) => r.valid === false) ?? results[0]
      const error = obj(root.error) ?? obj(result?.error)
      const details = obj(root.details) ?? obj(error?.details)
      const base = [details?.base, root.base, result?.base].find((b): b is string => typeof b === 'string')
      const code = [root.code, error?.code].find((c): c is string => typeof c === 'string')
      const message = [root.message, error?.message, root.detail].find((c): c is string => typeof c === 'string')
      return { source: 'json', base, code, message, details }
    }
  }
  if (trimmed.startsWith('<') && trimmed.includes('<CanonicalRequest>')) {
    const cr = xmlText(trimmed, 'CanonicalRequest')
    const sts = xmlText(trimmed, 'StringToSign')
    return {
      source: 'aws-xml',
      base: cr !== undefined && sts !== undefined ? `${cr}\n\n${sts}` : cr,
      code: xmlText(trimmed, 'Code'),
      message: xmlText(trimmed, 'Message'),
      details: undefined,
    }
  }
  return { source: 'text', base: text, code: undefined, message: undefined, details: undefined }
}

/** Guesses the scheme of a base from its shape. */
export function schemeOfBase(base: string): SchemeName | undefined {
  if (/^"[^"]+"[^\n]*: /.test(base) && /(^|\n)"@signature-params": \(/.test(base)) return 'rfc9421'
  if (/\nAWS4-HMAC-SHA256\n\d{8}T\d{6}Z\n/.test(base)) return 'sigv4'
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Where the bases differ

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface FirstDifference {
  /** 0-based byte offset in both bases. */
  byteOffset: number
  /** 1-based line. */
  line: number
  /** 1-based byte column within the line. */
  column: number
  /** Offset in code units of the difference within the line's text (for the caret). */
  lineCharOffset: number
  ours: { byte: number | undefined; line: string }
  server: { byte: number | undefined; line: string }
  /** Code-unit offset in our base (to find the component). */
  charOffset: number
}

function lineAt(bytes: Uint8Array, lineStart: number): string {
  let end = bytes.indexOf(0x0a, lineStart)
  if (end < 0) end = bytes.length
  return decoder.decode(bytes.subarray(lineStart, end))
}

/** The first byte at which the bases differ, or undefined when they are identical. */
export function firstDifference(ours: string, server: string): FirstDifference | undefined {
  const a = encoder.encode(ours)
  const b = encoder.encode(server)
  const n = Math.min(a.length, b.length)
  let i = 0
  while (i < n && a[i] === b[i]) i++
  if (i === a.length && i === b.length) return undefined
  // Back up to the start of a UTF-8 sequence, so that both lines decode cleanly up to the difference.
  let start = i
  while (start > 0 && (a[start]! & 0xc0) === 0x80) start--
  const lineStart = a.lastIndexOf(0x0a, start - 1) + 1
  let line = 1
  for (let k = 0; k < lineStart; k++) if (a[k] === 0x0a) line++
  const prefix = decoder.decode(a.subarray(0, start))
  const linePrefix = decoder.decode(a.subarray(lineStart, start))
  return {
    byteOffset: i,
    line,
    column: i - lineStart + 1,
    lineCharOffset: linePrefix.length,
    ours: { byte: a[i], line: lineAt(a, lineStart) },
    server: { byte: b[i], line: lineAt(b, lineStart) },
    charOffset: prefix.length,
  }
}

/** `'j' (0x6a)`, `'\t' (0x09)`, `0xc3`, or `end of the base`. */
export function describeByte(byte: number | undefined): string {
  if (byte === undefined) return 'end of the base'
  const hex = `0x${byte.toString(16).padStart(2, '0')}`
  if (byte === 0x0a) return `line feed (${hex})`
  if (byte === 0x09) return `tab (${hex})`
  if (byte === 0x20) return `space (${hex})`
  if (byte > 0x20 && byte < 0x7f) return `'${String.fromCharCode(byte)}' (${hex})`
  return byte >= 0x80 ? `${hex} (part of a UTF-8 character)` : hex
}

/** The segment of `segments` that contains `offset` (the last one for an offset at the very end). */
export function segmentAt(segments: readonly Segment[], offset: number): Segment | undefined {
  for (const s of segments) if (offset >= s.start && offset <= s.end) return s
  return segments[segments.length - 1]
}

export interface ComponentDifference {
  component: string
  ours: string | undefined
  server: string | undefined
}

function componentMap(base: string): Map<string, string> | undefined {
  const m = new Map<string, string>()
  for (const l of base.split('\n')) {
    const c = parseComponentLine(l)
    if (!c) return undefined
    m.set(c.id, c.value)
  }
  return m
}

/** A SigV4 base by part, headers by name (so that a header present on one side only shows as such). */
function sigv4Map(base: string): Map<string, string> | undefined {
  const lines = base.split('\n')
  const end = lines.indexOf('', 3)
  if (end < 0 || lines.length !== end + 8) return undefined
  const m = new Map<string, string>([
    ['method', lines[0]!],
    ['canonical URI', lines[1]!],
    ['canonical query', lines[2]!],
  ])
  for (const h of lines.slice(3, end)) m.set(`header ${h.slice(0, h.indexOf(':'))}`, h)
  const names = ['signed headers', 'payload hash', 'separator', 'algorithm', 'request date', 'credential scope', 'canonical request hash']
  names.forEach((n, i) => m.set(n, lines[end + 1 + i]!))
  return m
}

function mapDifferences(a: Map<string, string>, b: Map<string, string>): ComponentDifference[] {
  const out: ComponentDifference[] = []
  for (const [id, v] of a) if (b.get(id) !== v) out.push({ component: id, ours: v, server: b.get(id) })
  for (const [id, v] of b) if (!a.has(id)) out.push({ component: id, ours: undefined, server: v })
  return out
}

/**
 * Every differing component: for rfc9421 matched by identifier (a component on one side only
 * shows as such); for other line-based bases line by line; otherwise segment by segment.
 */
export function componentDifferences(scheme: SchemeName, ours: string, server: string, ourSegments: readonly Segment[]): ComponentDifference[] {
  if (scheme === 'rfc9421' || scheme === 'sigv4') {
    const parse = scheme === 'rfc9421' ? componentMap : sigv4Map
    const a = parse(ours)
    const b = parse(server)
    if (a && b) return mapDifferences(a, b)
  }
  const lineBased = scheme === 'sigv4' || scheme === 'aspnetWebApiHmac' || scheme === 'rfc9421'
  if (lineBased) {
    const a = ours.split('\n')
    const b = server.split('\n')
    const out: ComponentDifference[] = []
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] === b[i]) continue
      const seg = ourSegments.find((s) => s.line === i + 1)
      out.push({ component: seg?.component ?? `line ${i + 1}`, ours: a[i], server: b[i] })
    }
    return out
  }
  const first = firstDifference(ours, server)
  if (!first) return []
  const seg = segmentAt(ourSegments, first.charOffset)
  return [{ component: seg?.component ?? 'string to sign', ours: seg ? ours.slice(seg.start) : ours, server: seg ? server.slice(seg.start) : server }]
}

// ---------------------------------------------------------------------------------------------
// Why

/** rfc9421 lines are `"id": value`; compare values. Other schemes: the line or piece itself. */
function valueOf(scheme: SchemeName, text: string | undefined): string | undefined {
  if (text === undefined) return undefined
  if (scheme === 'rfc9421') return parseComponentLine(text)?.value ?? text
  return text
}

function firstCharDiff(a: string, b: string): number {
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  return i
}

function decodeTriplet(s: string, i: number): string | undefined {
  const m = /^%([0-9a-fA-F]{2})/.exec(s.slice(i))
  return m ? String.fromCharCode(parseInt(m[1]!, 16)) : undefined
}

/** Percent-encoding differences in a path or query. */
function encodingHint(ours: string, server: string, what: string): string {
  const split = (s: string) => s.replace(/^\?/, '').split('&').sort().join('&')
  if (what === 'query' && ours !== server && split(ours) === split(server)) {
    return 'the same query parameters in another order: something between the client and the server reordered the query; sign the URL exactly as it is sent'
  }
  // Step back to the start of a %XX triplet if the difference is inside one.
  let i = firstCharDiff(ours, server)
  for (let k = 1; k <= 2; k++) if (i - k >= 0 && ours[i - k] === '%' && server[i - k] === '%') i -= k
  const o = ours.slice(i)
  const s = server.slice(i)
  const fix = 'sign the URL exactly as it is sent (build it with URL, which is what fetch sends)'
  if ((o.startsWith('%20') && s.startsWith('+')) || (o.startsWith('+') && s.startsWith('%20'))) {
    return `a space is ${o.startsWith('+') ? '+' : '%20'} in your ${what} and ${s.startsWith('+') ? '+' : '%20'} in the server's: a proxy or client library re-encoded it; ${fix}`
  }
  const od = decodeTriplet(o, 0)
  const sd = decodeTriplet(s, 0)
  if (od !== undefined && sd !== undefined && od.toLowerCase() === sd.toLowerCase() && o.slice(0, 3) !== s.slice(0, 3)) {
    return `the percent-encoding differs only in case (${o.slice(0, 3)} vs ${s.slice(0, 3)}): a library normalized it; ${fix}`
  }
  if (od !== undefined && od === s[0]) return `${JSON.stringify(od)} is percent-encoded (${o.slice(0, 3)}) in your ${what} but sent as is to the server: a client or proxy decoded it, or the signer encoded what the client did not; ${fix}`
  if (sd !== undefined && sd === o[0]) return `${JSON.stringify(sd)} is percent-encoded (${s.slice(0, 3)}) in the server's ${what} but not in yours: the client library or a proxy encoded it on the way; ${fix}`
  return `the ${what} reached the server in another form (encoding changed by the client library, a proxy or the framework's routing, or another URL was sent); ${fix}`
}

function headerHint(name: string, ours: string | undefined, server: string | undefined): string {
  if (server === undefined) return `the server's base has no ${name}: the request reached it without that header (the client never sent it, or a proxy removed it)`
  if (ours === undefined) return `your base has no ${name} but the server's does: the request you signed lacks a header the client sent (or a proxy added)`
  if (name === 'content-type' && /^application\/x-www-form-urlencoded/i.test(server) && !/^application\/x-www-form-urlencoded/i.test(ours)) {
    return "curl sends Content-Type: application/x-www-form-urlencoded with -d/--data-binary when the command has no Content-Type: pass the same -H 'Content-Type: …' to curl as to signet sign (signet sign --curl prints a command with every header)"
  }
  if (ours.replace(/\s+/g, ' ').trim() === server.replace(/\s+/g, ' ').trim()) return `only the whitespace of ${name} differs: a client library or proxy reformatted the value; send it exactly as signed`
  if (ours.toLowerCase() === server.toLowerCase()) return `${name} differs only in case: a client library or proxy rewrote it; send it exactly as signed`
  if (server.startsWith(`${ours}, `) || server.endsWith(`, ${ours}`)) return `the server received ${name} more than once (values combined with ", "): a proxy or the client added a value after signing`
  return `${name} changed between signing and sending: a proxy rewrote it, or the client sent another value than the one signed`
}

function paramsHint(ours: string, server: string): string {
  const a = parseSignatureParams(ours)
  const b = parseSignatureParams(server)
  if (!a || !b) return 'the signature parameters differ'
  if (a.components.join(' ') !== b.components.join(' ')) return `the signatures cover different components: yours (${a.components.join(' ')}), the server's (${b.components.join(' ')})`
  const bits: string[] = []
  const ca = a.params.get('created')
  const cb = b.params.get('created')
  if (typeof ca === 'number' && typeof cb === 'number' && ca !== cb) {
    bits.push(`created differs by ${cb - ca} s: the request was signed again (another created and nonce) or the signature headers were edited; diff the request as it was signed`)
  }
  for (const k of ['keyid', 'alg', 'nonce', 'expires', 'tag']) {
    if (a.params.get(k) !== b.params.get(k)) bits.push(`${k} differs (${JSON.stringify(a.params.get(k) ?? null)} vs ${JSON.stringify(b.params.get(k) ?? null)})`)
  }
  if (bits.length === 0 && ours !== server) bits.push('the parameters are serialized in another order: the signer must build @signature-params exactly as it sends Signature-Input')
  return bits.join('; ')
}

function bodyTextHint(ours: string, server: string): string {
  try {
    if (JSON.stringify(JSON.parse(ours)) === JSON.stringify(JSON.parse(server))) {
      return 'the same JSON, other bytes: the body was re-serialized (spacing, key order or escapes) by a client library or proxy; sign the exact bytes that are sent'
    }
  } catch {
    // not JSON
  }
  if (ours.replace(/\r\n/g, '\n') === server.replace(/\r\n/g, '\n')) return 'the line endings differ (CRLF vs LF): the body was converted on the way; send it as binary (--data-binary)'
  if (ours.replace(/[\r\n]/g, '') === server.replace(/[\r\n]/g, '')) return 'the body lost its line breaks: curl -d @file strips them; send the file with --data-binary @file'
  if (ours.trimEnd() === server.trimEnd()) return 'the bodies differ only in trailing whitespace (a final newline added or removed)'
  return 'the body changed between signing and sending: a proxy or the client library changed it (re-serialized JSON, a charset conversion, compression)'
}

export interface HintInput {
  scheme: SchemeName
  /** The component where the bases first differ (ours), and the server's at that place. */
  component: string
  serverComponent: string | undefined
  ours: string | undefined
  server: string | undefined
}

/** What usually causes a difference in this component. */
export function differenceHint(h: HintInput): string {
  const { scheme, component } = h
  const ours = valueOf(scheme, h.ours)
  const server = valueOf(scheme, h.server)
  if (scheme === 'rfc9421' && h.serverComponent !== undefined && h.serverComponent !== component) {
    return `at this line the server's base has ${h.serverComponent} where yours has ${component}: the two cover different components (a header present on one side only, or another component list)`
  }
  if (scheme === 'sigv4' && (component.startsWith('header ') || component === 'end of headers') && h.server !== undefined) {
    const serverHeader = /^([!#$%&'*+.^_`|~0-9a-z-]+):/.exec(h.server)?.[1]
    const ours = component === 'end of headers' ? undefined : component.slice(7)
    if (serverHeader !== ours) {
      return `the server's canonical request has ${serverHeader ? `the header ${serverHeader}` : 'no more headers'} where yours has ${ours ? `the header ${ours}` : 'no more headers'}: sigv4 signs every header sent, so the two requests carry different headers (one a client library or proxy added, such as x-amz-user-agent or content-length, or one that was never sent)`
    }
  }
  const name = scheme === 'rfc9421' ? (parseComponentLine(h.ours ?? h.server ?? '')?.name ?? component) : component
  if (ours === undefined || server === undefined) {
    if (ours !== undefined && server === undefined) return `the server's base ends before ${component}: it covers fewer components (a header the client did not send?)`
    return `the server's base continues after yours: it covers more components (a header the client sent that you did not sign?)`
  }
  switch (name) {
    case '@path':
    case 'canonical URI':
    case 'path':
      return encodingHint(ours, server, 'path')
    case '@query':
    case 'canonical query':
    case 'query':
    case 'params':
      return encodingHint(ours, server, 'query')
    case '@target-uri':
    case '@request-target':
      return encodingHint(ours, server, 'URL')
    case '@authority':
    case 'header host':
      return `the server sees the host ${JSON.stringify(server.replace(/^host:/, ''))} where you signed ${JSON.stringify(ours.replace(/^host:/, ''))}: a proxy rewrote Host (have the verifier use X-Forwarded-Host), or sign for the host the server sees${/:(80|443)$/.test(ours) !== /:(80|443)$/.test(server) ? '; note the default port is written on one side only' : ''}`
    case '@method':
    case 'method':
      return `the method differs (${ours} vs ${server}): the client sent another method than the one signed`
    case '@signature-params':
      return paramsHint(ours, server)
    case 'content-digest':
      return `the Content-Digest header differs: the request carried another digest than the one you signed, so it was signed with one body and sent with another (re-serialized JSON, a charset conversion, compression)`
    case 'payload hash':
    case 'body':
      return scheme === 'djangoHmac' ? "the body's re-serialization differs: the server parsed another JSON document than the one signed" : bodyTextHint(ours, server)
    case 'signed headers':
      return 'the lists of signed headers differ: a header was added or dropped on the way, or the signer signed one the client did not send'
    case 'request date':
    case 'timestamp':
    case 'date':
      return `the timestamps differ (${ours} vs ${server}): the request was signed again, or the server uses its own clock${scheme === 'authorizationContentHmac' ? " (the reference server hashes its own current second: sign right before sending)" : ''}; diff with --now set to the signing time`
    case 'credential scope':
      return `the credential scope differs (${ours} vs ${server}): check --region and --service, and the date`
    case 'canonical request hash':
      return 'only the hash of the canonical request differs: the canonical requests above are compared too; if they are equal, the hash was computed over another text'
    case 'nonce':
      return 'the nonces differ: the request was signed again'
  }
  if (name.startsWith('header ')) return headerHint(name.slice(7), ours.slice(ours.indexOf(':') + 1), server.slice(server.indexOf(':') + 1))
  if (scheme === 'rfc9421') return headerHint(name, ours, server)
  if (component === 'headers') return 'the signed headers section differs: a header value changed, or a header is missing on one side'
  if (/\n$/.test(server) && server.slice(0, -1) === ours) return "the server's base has an extra line feed at the end: probably added when it was saved; otherwise identical"
  return 'this part changed between signing and sending'
}

/** The hint when nothing differs. */
export function identicalHint(serverKeyId: string | undefined): string {
  return `the server rebuilt the very same base, so the MAC differs because of the key: check the key id${serverKeyId ? ` (the request names ${JSON.stringify(serverKeyId)})` : ''} and the secret itself, and how its text becomes bytes (utf8 text vs base64-decoded bytes: --secret-encoding)`
}

// ---------------------------------------------------------------------------------------------
// Bodies: which usual transformation turns the signed body into the one the server hashed?

export interface BodyTransform {
  name: string
  description: string
  apply(body: Uint8Array): Uint8Array | undefined
}

const text = (b: Uint8Array): string | undefined => {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(b)
  } catch {
    return undefined
  }
}

function jsonWith(value: unknown, itemSep: string, keySep: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map((v) => jsonWith(v, itemSep, keySep)).join(itemSep)}]`
  return `{${Object.entries(value as Json).map(([k, v]) => `${JSON.stringify(k)}${keySep}${jsonWith(v, itemSep, keySep)}`).join(itemSep)}}`
}

function viaJson(b: Uint8Array, f: (v: unknown) => string): Uint8Array | undefined {
  const t = text(b)
  if (t === undefined) return undefined
  try {
    return encoder.encode(f(JSON.parse(t)))
  } catch {
    return undefined
  }
}

export const BODY_TRANSFORMS: readonly BodyTransform[] = [
  { name: 'curl-d', description: 'your body with CR and LF removed: what curl -d @file sends (send files with --data-binary @file)', apply: (b) => b.filter((x) => x !== 0x0a && x !== 0x0d) },
  { name: 'empty', description: 'no body at all: the body was dropped on the way (a GET/HEAD body, a proxy, or a client that sends none)', apply: () => new Uint8Array(0) },
  { name: 'no-final-newline', description: 'your body without its final newline', apply: (b) => (b[b.length - 1] === 0x0a ? b.subarray(0, b[b.length - 2] === 0x0d ? -2 : -1) : undefined) },
  { name: 'final-newline', description: 'your body with a newline appended', apply: (b) => Uint8Array.from([...b, 0x0a]) },
  { name: 'crlf-to-lf', description: 'your body with CRLF line ends turned into LF', apply: (b) => (b.includes(0x0d) ? encoder.encode(text(b)?.replace(/\r\n/g, '\n') ?? '') : undefined) },
  { name: 'lf-to-crlf', description: 'your body with LF line ends turned into CRLF', apply: (b) => (b.includes(0x0a) ? encoder.encode(text(b)?.replace(/\r?\n/g, '\r\n') ?? '') : undefined) },
  { name: 'json-compact', description: 'your JSON re-serialized compactly (JSON.stringify of the parsed body): a client library parsed and re-serialized it', apply: (b) => viaJson(b, (v) => JSON.stringify(v)) },
  { name: 'json-python', description: 'your JSON re-serialized with ", " and ": " separators (Python json.dumps): a client library parsed and re-serialized it', apply: (b) => viaJson(b, (v) => jsonWith(v, ', ', ': ')) },
  { name: 'json-pretty-2', description: 'your JSON pretty-printed with 2 spaces: a client library re-serialized it', apply: (b) => viaJson(b, (v) => JSON.stringify(v, null, 2)) },
  { name: 'json-pretty-4', description: 'your JSON pretty-printed with 4 spaces: a client library re-serialized it', apply: (b) => viaJson(b, (v) => JSON.stringify(v, null, 4)) },
  { name: 'bom-removed', description: 'your body without its UTF-8 byte order mark', apply: (b) => (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? b.subarray(3) : undefined) },
  { name: 'bom-added', description: 'your body with a UTF-8 byte order mark prepended', apply: (b) => Uint8Array.from([0xef, 0xbb, 0xbf, ...b]) },
  {
    name: 'form-reencoded',
    description: 'your form re-encoded (URLSearchParams: spaces as +, other characters percent-encoded)',
    apply: (b) => {
      const t = text(b)
      return t === undefined ? undefined : encoder.encode(new URLSearchParams(t).toString())
    },
  },
  {
    name: 'latin1',
    description: 'your text re-encoded as ISO-8859-1 (a charset conversion)',
    apply: (b) => {
      const t = text(b)
      if (t === undefined || !/[\u0080-\u00ff]/.test(t) || /[^\u0000-\u00ff]/.test(t)) return undefined
      return Uint8Array.from(t, (c) => c.charCodeAt(0))
    },
  },
]

export type DigestAlgorithm = 'sha256' | 'sha512'

export function digest(algorithm: DigestAlgorithm, bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(algorithm).update(bytes).digest())
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

/** The transformation of `body` whose digest is `target`, if any. */
export function matchBodyTransform(body: Uint8Array, algorithm: DigestAlgorithm, target: Uint8Array): { transform: BodyTransform; bytes: Uint8Array } | undefined {
  for (const t of BODY_TRANSFORMS) {
    const out = t.apply(body)
    if (out && !equalBytes(out, body) && equalBytes(digest(algorithm, out), target)) return { transform: t, bytes: out }
  }
  return undefined
}

/** Reads `sha-256=:<base64>:` (RFC 9530) or a hex SHA-256 (sigv4) into an algorithm and bytes. */
export function parseDigestValue(value: string): { algorithm: DigestAlgorithm; bytes: Uint8Array; label: string } | undefined {
  const sf = /^(sha-256|sha-512)=:([A-Za-z0-9+/=]+):$/.exec(value.trim())
  if (sf) return { algorithm: sf[1] === 'sha-256' ? 'sha256' : 'sha512', bytes: Uint8Array.from(atob(sf[2]!), (c) => c.charCodeAt(0)), label: sf[1]! }
  const hex = /^[0-9a-f]{64}$/.exec(value.trim())
  if (hex) return { algorithm: 'sha256', bytes: Uint8Array.from({ length: 32 }, (_, i) => parseInt(value.trim().slice(2 * i, 2 * i + 2), 16)), label: 'sha-256 (hex)' }
  return undefined
}
