import { splitSigV4Base } from '@signet/core'
import { formatBytes } from './body-file.ts'
import type { SchemeName } from './schemes.ts'
import { displayHeaderName } from './shell.ts'

/**
 * A signature base cut into its components, each with where its value comes from. Line-based
 * bases (rfc9421, sigv4, aspnetWebApiHmac) are cut at line ends; the other presets at their
 * separators, using what is known of the message. A cut is only used when the pieces put back
 * together give the base exactly; otherwise the base is one piece ("string to sign"), so that an
 * explanation never misstates what was signed.
 */

export interface Segment {
  /** The component: `"@path"`, `canonical URI`, `path`, `body`… */
  component: string
  /** Its exact text in the base. */
  text: string
  /** Where the value comes from. */
  origin: string
  /** Offsets of `text` in the base (UTF-16 code units). */
  start: number
  end: number
  /** 1-based line of `start`. */
  line: number
}

export interface BaseContext {
  scheme: SchemeName
  /** `signer`: built from the request flags; `verifier`: rebuilt from a received message. */
  mode: 'signer' | 'verifier'
  /** Lower-case header names of the message, with the headers the signer added. */
  headers: ReadonlyMap<string, readonly string[]>
  /** Headers the signer added (lower-case): content-digest, x-amz-date, timestamps… */
  added: ReadonlySet<string>
  /** The Content-Type is curl's default for -d, added by signet. */
  impliedContentType: boolean
  url: URL | undefined
  /** -X was given. */
  explicitMethod: boolean
  /** The signer's headers came from a captured message rather than -H flags. */
  headersFromCapture?: boolean
  bodySize: number | undefined
  bodyLabel: string | undefined
  /** sigv4: the service (s3 changes path encoding). */
  service?: string | undefined
  /** pipeCanonical: the signed header list. */
  pipeHeaders?: readonly string[] | undefined
  /** bodyNonceHmac bound variant. */
  bound?: boolean
}

const header = (ctx: BaseContext, name: string): string | undefined => ctx.headers.get(name)?.join(', ')

function bodyPhrase(ctx: BaseContext): string {
  if (ctx.bodySize === undefined) return 'the body'
  return `the ${ctx.bodySize}-byte body${ctx.bodyLabel ? ` (${ctx.bodyLabel})` : ''}`
}

function isoOf(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000)
  return Number.isNaN(d.getTime()) ? String(unixSeconds) : d.toISOString().replace('.000Z', 'Z')
}

/** Where a header's value comes from. */
function headerOrigin(ctx: BaseContext, name: string, how: string): string {
  const display = displayHeaderName(name)
  if (name === 'content-type' && ctx.impliedContentType) return `${display}: curl's default for -d/--data-binary, which signet adds explicitly so that it is signed as sent`
  if (ctx.added.has(name)) return `${display}, added by the signer`
  const values = ctx.headers.get(name)
  const many = values && values.length > 1 ? `; its ${values.length} values joined with ", "` : ''
  const source = ctx.mode === 'verifier' ? `the ${display} header as received` : ctx.headersFromCapture ? `the ${display} header` : `the -H ${display} header`
  return `${source}${how}${many}`
}

// ---------------------------------------------------------------------------------------------
// RFC 9421

interface ComponentLine {
  /** The serialized identifier, e.g. `"@query-param";name="id"`. */
  id: string
  name: string
  params: Map<string, string | true>
  value: string
}

/** Parses `"<name>";params: value`. */
export function parseComponentLine(line: string): ComponentLine | undefined {
  if (!line.startsWith('"')) return undefined
  let i = 1
  let name = ''
  while (i < line.length && line[i] !== '"') {
    if (line[i] === '\\') i++
    name += line[i]
    i++
  }
  if (line[i] !== '"') return undefined
  i++
  const params = new Map<string, string | true>()
  while (line[i] === ';') {
    i++
    const key = /^[a-z*][a-z0-9_.*-]*/.exec(line.slice(i))?.[0]
    if (!key) return undefined
    i += key.length
    if (line[i] === '=') {
      i++
      if (line[i] === '"') {
        let v = ''
        i++
        while (i < line.length && line[i] !== '"') {
          if (line[i] === '\\') i++
          v += line[i]
          i++
        }
        i++
        params.set(key, v)
      } else {
        const v = /^[^;:]*/.exec(line.slice(i))![0]
        i += v.length
        params.set(key, v)
      }
    } else params.set(key, true)
  }
  if (line.slice(i, i + 2) !== ': ') return undefined
  return { id: line.slice(0, i), name, params, value: line.slice(i + 2) }
}

/** The parameters of an `@signature-params` value: `(…);created=…;keyid="…"…`. */
export function parseSignatureParams(value: string): { components: string[]; params: Map<string, string | number | true> } | undefined {
  if (!value.startsWith('(')) return undefined
  const close = findListEnd(value)
  if (close < 0) return undefined
  const inner = value.slice(1, close)
  const components: string[] = []
  const re = /"((?:[^"\\]|\\.)*)"((?:;[a-z*][a-z0-9_.*-]*(?:=(?:"(?:[^"\\]|\\.)*"|[^\s;"]+))?)*)/g
  for (let m = re.exec(inner); m; m = re.exec(inner)) components.push(`"${m[1]}"${m[2]}`)
  const params = new Map<string, string | number | true>()
  const pre = /;([a-z*][a-z0-9_.*-]*)(?:=("(?:[^"\\]|\\.)*"|[^;]*))?/g
  const rest = value.slice(close + 1)
  for (let m = pre.exec(rest); m; m = pre.exec(rest)) {
    const v = m[2]
    if (v === undefined) params.set(m[1]!, true)
    else if (v.startsWith('"')) params.set(m[1]!, v.slice(1, -1).replace(/\\(.)/g, '$1'))
    else if (/^-?\d+$/.test(v)) params.set(m[1]!, Number(v))
    else params.set(m[1]!, v)
  }
  return { components, params }
}

function findListEnd(value: string): number {
  let quoted = false
  for (let i = 1; i < value.length; i++) {
    const c = value[i]
    if (quoted) {
      if (c === '\\') i++
      else if (c === '"') quoted = false
    } else if (c === '"') quoted = true
    else if (c === ')') return i
  }
  return -1
}

function rfc9421Origin(c: ComponentLine, ctx: BaseContext): string {
  const req = c.params.has('req')
  const of = req ? "the request's " : ''
  switch (c.name) {
    case '@method':
      return `${of}request method${ctx.explicitMethod && !req ? ' (-X)' : ''}`
    case '@authority':
      return `${of}URL host and port, lower-cased (must be the host the server sees)`
    case '@scheme':
      return `${of}URL scheme`
    case '@target-uri':
      return `${of}full URL`
    case '@request-target':
      return `${of}URL path and query, as sent`
    case '@path':
      return `${of}URL path, as sent (percent-encoded; empty is /)`
    case '@query':
      return `${of}URL query with its "?", as sent (percent-encoding and order kept)`
    case '@query-param':
      return `${of}query parameter ${JSON.stringify(c.params.get('name'))}, decoded and re-encoded (RFC 9421 §2.2.8)`
    case '@status':
      return 'response status code'
    case '@signature-params': {
      const parsed = parseSignatureParams(c.value)
      const created = parsed?.params.get('created')
      const bits = ['the covered components, then the signature parameters']
      if (typeof created === 'number') bits.push(`created ${created} is ${isoOf(created)}`)
      const expires = parsed?.params.get('expires')
      if (typeof expires === 'number') bits.push(`expires ${isoOf(expires)}`)
      if (parsed?.params.has('nonce')) bits.push('the nonce is unique per request')
      return bits.join('; ')
    }
  }
  if (req && c.name === 'signature') return `the request's Signature ${c.params.get('key') ?? ''}: binds this response to its request`.replace(' :', ':')
  if (c.name === 'content-digest' && c.params.size === 0) {
    const alg = /^(sha-\d+)=/.exec(c.value)?.[1]?.toUpperCase() ?? 'hash'
    return ctx.mode === 'signer' && ctx.added.has('content-digest')
      ? `${alg} of ${bodyPhrase(ctx)}; signet adds it as the Content-Digest header`
      : `the Content-Digest header as received; after the MAC, ${bodyPhrase(ctx)} is checked against it`
  }
  let how = ', trimmed'
  if (c.params.has('sf')) how = ', re-serialized as a structured field'
  const key = c.params.get('key')
  if (typeof key === 'string') how = `: its member ${JSON.stringify(key)}`
  if (c.params.has('bs')) how = ', each value as a base64 byte sequence'
  return req ? `the request's ${displayHeaderName(c.name)} header${how}` : headerOrigin(ctx, c.name, how)
}

function rfc9421Segments(base: string, ctx: BaseContext): Segment[] | undefined {
  const out: Segment[] = []
  let at = 0
  for (const [i, line] of base.split('\n').entries()) {
    const c = parseComponentLine(line)
    if (!c) return undefined
    out.push({ component: c.id, text: line, origin: rfc9421Origin(c, ctx), start: at, end: at + line.length, line: i + 1 })
    at += line.length + 1
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// SigV4

function sigv4Segments(base: string, ctx: BaseContext): Segment[] | undefined {
  let parts: { canonicalRequest: string; stringToSign: string }
  try {
    parts = splitSigV4Base(base)
  } catch {
    return undefined
  }
  const cr = parts.canonicalRequest.split('\n')
  if (cr.length < 6 || cr[cr.length - 3] !== '') return undefined
  const s3 = ctx.service === 's3' || ctx.service === 's3-object-lambda' || ctx.service === 's3-outposts'
  const payload = cr[cr.length - 1]!
  const described: [string, string][] = [
    ['method', 'HTTP method'],
    ['canonical URI', s3 ? 'URL path, each segment RFC 3986-encoded once (S3)' : 'URL path, normalized, then percent-encoded once more (AWS double-encodes for every service but S3)'],
    ['canonical query', cr[2] === '' ? 'query parameters: none' : 'query parameters, each RFC 3986-encoded, sorted by name then value'],
  ]
  for (const line of cr.slice(3, cr.length - 3)) {
    const name = line.slice(0, line.indexOf(':'))
    let origin: string
    if (name === 'host' && !ctx.headers.has('host')) origin = "the URL's host (host is always signed)"
    else if (name === 'x-amz-date' && ctx.added.has(name)) origin = 'X-Amz-Date, the signing time, added by the signer'
    else if (name === 'x-amz-content-sha256' && ctx.added.has(name)) origin = 'X-Amz-Content-Sha256, the payload hash, added by the signer'
    else if (name === 'x-amz-security-token' && ctx.added.has(name)) origin = 'X-Amz-Security-Token, the session token, added by the signer'
    else origin = headerOrigin(ctx, name, ', trimmed, inner spaces collapsed')
    described.push([`header ${name}`, origin])
  }
  described.push(
    ['end of headers', 'blank line that ends the canonical headers'],
    ['signed headers', 'names of the signed headers: every header sent but the hop-by-hop ones'],
    ['payload hash', payload === 'UNSIGNED-PAYLOAD' ? 'UNSIGNED-PAYLOAD: the body is not signed' : `hex SHA-256 of ${bodyPhrase(ctx)}`],
    ['separator', "blank line between the canonical request and the string to sign (signet's layout; AWS signs the string to sign)"],
    ['algorithm', 'the signing algorithm'],
    ['request date', 'X-Amz-Date: the signing time, UTC'],
    ['credential scope', 'date/region/service/aws4_request: must be the region and service the server expects'],
    ['canonical request hash', 'hex SHA-256 of the canonical request above'],
  )
  const lines = base.split('\n')
  if (lines.length !== described.length) return undefined
  let at = 0
  return lines.map((text, i) => {
    const seg = { component: described[i]![0], text, origin: described[i]![1], start: at, end: at + text.length, line: i + 1 }
    at += text.length + 1
    return seg
  })
}

// ---------------------------------------------------------------------------------------------
// The other presets: pieces joined by a separator.

type Piece = [component: string, text: string, origin: string]

/** Lays pieces out with `sep` between them; undefined unless they rebuild `base` exactly. */
function joined(base: string, pieces: readonly Piece[], sep: string): Segment[] | undefined {
  if (pieces.map((p) => p[1]).join(sep) !== base) return undefined
  const out: Segment[] = []
  let at = 0
  for (const [component, text, origin] of pieces) {
    const line = base.slice(0, at).split('\n').length
    out.push({ component, text, origin, start: at, end: at + text.length, line })
    at += text.length + sep.length
  }
  return out
}

function pipeSegments(base: string, ctx: BaseContext): Segment[] | undefined {
  const method = base.slice(0, base.indexOf('|'))
  const names = ctx.pipeHeaders ?? ['content-type', 'x-request-timestamp']
  const headerPart = names
    .map((n) => [n, header(ctx, n.toLowerCase())?.trim()] as const)
    .filter(([, v]) => v)
    .map(([n, v]) => `${n}:${v}`)
    .join('|')
  const marker = `|${headerPart}|`
  const at = base.indexOf(marker, method.length + 1)
  if (at < 0) return undefined
  return joined(
    base,
    [
      ['method', method, 'request method, upper-case'],
      ['path', base.slice(method.length + 1, at), 'URL path, percent-decoded (the query is not signed)'],
      ['headers', headerPart, `name:value of ${names.join(', ')} when present, trimmed, joined with "|"${ctx.added.has('x-request-timestamp') ? '; X-Request-Timestamp is the signing time, added by the signer' : ''}`],
      ['body', base.slice(at + marker.length), `${bodyPhrase(ctx)} as UTF-8 text (invalid bytes become U+FFFD)`],
    ],
    '|',
  )
}

function authorizationContentSegments(base: string, ctx: BaseContext): Segment[] | undefined {
  const ts = header(ctx, 'x-authorization-timestamp')?.trim()
  const query = ctx.url ? ctx.url.search.slice(1) : undefined
  if (ts === undefined || query === undefined || !base.endsWith('<secret>')) return undefined
  const suffix = `?${query}${ts}<secret>`
  if (!base.endsWith(suffix)) return undefined
  return joined(
    base,
    [
      ['path', base.slice(0, base.length - suffix.length), 'URL path, percent-decoded'],
      ['literal', '?', 'always there, even without a query'],
      ['query', query, 'the raw query, exactly as sent (not decoded, order kept)'],
      ['timestamp', ts, `X-Authorization-Timestamp (unix seconds)${ctx.added.has('x-authorization-timestamp') ? ', the signing time, added by the signer' : ''}`],
      ['secret', '<secret>', 'the secret itself: a keyed SHA-256, not an HMAC (shown as <secret>)'],
    ],
    '',
  )
}

function djangoSegments(base: string): Segment[] | undefined {
  const at = base.lastIndexOf(';')
  if (at < 0) return undefined
  const hash = base.slice(0, at)
  return joined(
    base,
    [
      ['body', hash, hash === '' ? "empty: the body is absent or parses as an empty value ({} or [])" : "base64 hash of the body as Python's json.dumps re-serializes it (compact, ASCII escapes, keys in order)"],
      ['date', base.slice(at + 1), 'the date sent in Authorization (UTC ISO-8601 with +00:00, 1 s in the past)'],
    ],
    ';',
  )
}

function aspnetSegments(base: string, ctx: BaseContext): Segment[] | undefined {
  const lines = base.split('\n')
  if (lines.length !== 4) return undefined
  return joined(
    base,
    [
      ['method', lines[0]!, 'request method'],
      ['timestamp', lines[1]!, `the Timestamp header (.NET "U" format, UTC)${ctx.added.has('timestamp') ? ', the signing time, added by the signer' : ''}`],
      ['path', lines[2]!, 'URL path, lower-cased, then percent-decoded ("+" is a space)'],
      ['params', lines[3]!, lines[3] === '' ? 'query and form parameters: none' : 'query (and URL-encoded form) parameters, decoded, repeated values joined with ",", sorted by name'],
    ],
    '\n',
  )
}

function bodyNonceSegments(base: string, ctx: BaseContext): Segment[] | undefined {
  const body: Piece = ['body', '', `${bodyPhrase(ctx)}, raw${ctx.bound ? '' : ': only the body is signed'}`]
  if (!ctx.bound) return joined(base, [[body[0], base, body[2]]], '')
  const first = base.indexOf('.')
  const second = base.indexOf('.', first + 1)
  if (first < 0 || second < 0) return undefined
  return joined(
    base,
    [
      ['timestamp', base.slice(0, first), 'X-Request-Timestamp (unix seconds)'],
      ['nonce', base.slice(first + 1, second), 'X-Request-Nonce'],
      [body[0], base.slice(second + 1), body[2]],
    ],
    '.',
  )
}

/** The base cut into components with their origins (one "string to sign" piece when it cannot be cut reliably). */
export function segmentBase(base: string, ctx: BaseContext): Segment[] {
  let segments: Segment[] | undefined
  switch (ctx.scheme) {
    case 'rfc9421':
      segments = rfc9421Segments(base, ctx)
      break
    case 'sigv4':
      segments = sigv4Segments(base, ctx)
      break
    case 'pipeCanonical':
      segments = pipeSegments(base, ctx)
      break
    case 'authorizationContentHmac':
      segments = authorizationContentSegments(base, ctx)
      break
    case 'djangoHmac':
      segments = djangoSegments(base)
      break
    case 'aspnetWebApiHmac':
      segments = aspnetSegments(base, ctx)
      break
    case 'bodyNonceHmac':
      segments = bodyNonceSegments(base, ctx)
      break
  }
  return segments ?? [{ component: 'string to sign', text: base, origin: 'the whole string to sign', start: 0, end: base.length, line: 1 }]
}

/** The separator a scheme puts between components (for display). */
export function separatorOf(scheme: SchemeName, bound = false): string {
  switch (scheme) {
    case 'rfc9421':
    case 'sigv4':
    case 'aspnetWebApiHmac':
      return '\n'
    case 'pipeCanonical':
      return '|'
    case 'djangoHmac':
      return ';'
    case 'bodyNonceHmac':
      return bound ? '.' : ''
    case 'authorizationContentHmac':
      return ''
  }
}

/** Printable form of a base excerpt: control characters escaped, long text shortened. */
export function printable(text: string, max = 160): string {
  const esc = text.replace(/[\u0000-\u001f\u007f]/g, (c) => (c === '\t' ? '\\t' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`))
  if (esc.length <= max) return esc
  return `${esc.slice(0, max)}… (${formatBytes(new TextEncoder().encode(text).byteLength)} in all)`
}
