import type { BodyReader } from '../body.ts'
import { concatBytes, decode, encode, utf8, type Encoding } from '../canonicalize/encoding.ts'
import { decodeUtf8Lossy, formPairs, isFormContentType, percentDecode } from '../canonicalize/form.ts'
import { splitQuery } from '../canonicalize/query.ts'
import { checkCoverage, checkFreshness, checkReplay } from '../checks.ts'
import type { CryptoBackend, HashAlgorithm, KeyMaterial } from '../crypto/backend.ts'
import { timingSafeEqual } from '../crypto/equal.ts'
import { fail, SignetError } from '../errors.ts'
import { keyMaterial as secretMaterial, type ResolvedKey } from '../keys.ts'
import { headerValue, type HeaderMap, type NormalizedRequest, type NormalizedResponse } from '../message.ts'
import type { Scheme, SignContext, SignResult, Verified, VerifyContext } from './types.ts'

// customScheme(): schemes as data. The public entry point and its documentation are at the end of the file.

/**
 * One piece of the string to sign. A plain string is literal text.
 *
 * | part | value |
 * |---|---|
 * | `'text'` (a string) | itself |
 * | `{ part: 'method' }` | the method, upper-case (`lowerCase: true` for lower) |
 * | `{ part: 'path' }` | the path as sent (`/a%20b`); `decode: true` percent-decodes it (`/a b`, invalid UTF-8 as U+FFFD); `lowerCase: true` lower-cases it first; `plusAsSpace: true` decodes `+` as a space |
 * | `{ part: 'query' }` | the query as sent, without `?` (empty when none); `sort: true` sorts its raw pairs by name, then value |
 * | `{ part: 'params' }` | decoded query parameters (and, with `form: true`, the fields of a URL-encoded body), `name=value` joined by `&`; `joinRepeated: ','` merges the values of a repeated name; `sort: true` sorts by name (stable, code-unit order) |
 * | `{ part: 'header', name }` | that header's value (`, `-combined), trimmed unless `trim: false`; empty when absent |
 * | `{ part: 'headers', names, separator }` | `name:value` (the name as listed, the value trimmed) for each listed header that is present and not empty, in list order, joined by `separator` (`withNames: false` for values only) |
 * | `{ part: 'timestamp' }` | the timestamp text exactly as sent |
 * | `{ part: 'nonce' }` | the nonce exactly as sent |
 * | `{ part: 'status' }` | the response status code (responses only) |
 * | `{ part: 'body', as: 'bytes' }` | the body bytes, unchanged |
 * | `{ part: 'body', as: 'text' }` | the body decoded as UTF-8, invalid sequences as U+FFFD (binary bodies can collide) |
 * | `{ part: 'body', as: 'hash' }` | the body's hash (`hash`, default the MAC's), encoded (`encoding`, default `hex`) |
 * | `{ part: 'secret' }` | the secret itself, for keyed-hash schemes (`mac: 'sha256'`); shown as `<secret>` in `base` |
 * | `{ part: 'custom', name, value }` | whatever `value(input)` returns (text or bytes); `name` is how it is listed in `Verified.covered` |
 */
export type CustomSchemePart =
  | string
  | { readonly part: 'method'; readonly lowerCase?: boolean }
  | { readonly part: 'path'; readonly decode?: boolean; readonly lowerCase?: boolean; readonly plusAsSpace?: boolean }
  | { readonly part: 'query'; readonly sort?: boolean }
  | { readonly part: 'params'; readonly form?: boolean; readonly joinRepeated?: string; readonly sort?: boolean }
  | { readonly part: 'header'; readonly name: string; readonly trim?: boolean }
  | { readonly part: 'headers'; readonly names: readonly string[]; readonly separator: string; readonly withNames?: boolean }
  | { readonly part: 'timestamp' }
  | { readonly part: 'nonce' }
  | { readonly part: 'status' }
  | { readonly part: 'body'; readonly as: 'bytes' | 'text' | 'hash'; readonly hash?: HashAlgorithm; readonly encoding?: Encoding }
  | { readonly part: 'secret' }
  | FunctionPart

/** A part computed by your own function. */
export interface FunctionPart {
  readonly part: 'custom'
  /** Listed in `Verified.covered` (and checked against the verifier's `required`). */
  readonly name: string
  /** How the function uses the body, so that callers buffer it when needed. @default 'none' */
  readonly body?: 'none' | 'bytes' | 'digest'
  value(input: FunctionPartInput): string | Uint8Array | Promise<string | Uint8Array>
}

/** What a {@link FunctionPart} sees. */
export interface FunctionPartInput {
  readonly message: NormalizedRequest | NormalizedResponse
  /** The message's headers plus the timestamp/nonce headers the scheme adds when signing. */
  readonly headers: HeaderMap
  readonly body: BodyReader
  /** The hash of the MAC being computed. */
  readonly hash: HashAlgorithm
  readonly timestamp: string | undefined
  readonly nonce: string | undefined
  /** hash(data) with the active crypto backend. */
  digest(hash: HashAlgorithm, data: Uint8Array): Promise<Uint8Array>
  /** The scheme's name, for error messages. */
  readonly scheme: string
}

/**
 * How a timestamp is written and read back. Built in: `'unix'` (integer seconds), `'unix-decimal'`
 * (integer seconds sent, fractional seconds accepted), `'unix-ms'` (integer milliseconds) and
 * `'iso8601'` (`2024-01-02T03:04:05.678Z` sent; any ISO-8601 date-time with `Z` or an offset accepted).
 */
export interface TimestampFormat {
  /** The text sent for a time in ms since the epoch. */
  format(ms: number): string
  /** The time in ms since the epoch of a received text, or `undefined` when it is not in this format. */
  parse(text: string): number | undefined
}

export type TimestampFormatName = 'unix' | 'unix-decimal' | 'unix-ms' | 'iso8601'

/** MAC algorithm: HMAC with the key's hash (`'hmac'`) or a fixed one, or a plain hash of a string that includes the secret. */
export type CustomMac = 'hmac' | 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512' | 'sha256' | 'sha384' | 'sha512'

/** Where a signature goes and how it is written. */
export interface SignatureOutput {
  /** Header that carries the signature, e.g. `'x-api-signature'` (case-insensitive). */
  readonly header: string
  /**
   * The header value, with placeholders `${signature}` (required), `${keyId}` (alias
   * `${username}`), `${timestamp}`, `${nonce}` and `${algorithm}` (see `algorithmNames`).
   * Verification parses the received value with the same template. @default '${signature}'
   */
  readonly template?: string
}

/** The response half of a scheme that signs responses. MAC, encoding, secret and window are shared with requests. */
export interface CustomResponseDefinition {
  readonly parts: readonly CustomSchemePart[]
  /** @default '' */
  readonly separator?: string
  readonly signature: SignatureOutput
  readonly timestamp?: { readonly header?: string; readonly format?: TimestampFormatName | TimestampFormat }
  readonly nonce?: { readonly header?: string }
}

/** A scheme described as data; see {@link customScheme}. */
export interface CustomSchemeDefinition {
  /** Used in errors and `Verified.scheme`. */
  readonly name: string
  /** The string to sign, piece by piece. */
  readonly parts: readonly CustomSchemePart[]
  /** Put between parts. @default '' */
  readonly separator?: string
  /** @default 'hmac' (HMAC with the key's algorithm) */
  readonly mac?: CustomMac
  /** Text encoding of the MAC. Verification accepts only the exact encoding a signer produces (lower-case hex, padded base64). @default 'hex' */
  readonly encoding?: Encoding
  /**
   * Turns the secret's bytes (a string secret's UTF-8) into the bytes actually used, e.g. base64-decoding
   * it. Throw a `SignetError` (`invalid_key`) when it cannot. @default the secret's bytes
   */
  readonly deriveKey?: (secret: Uint8Array, keyId: string) => Uint8Array
  readonly signature: SignatureOutput
  /** The timestamp: sent in `header` (or only through the `${timestamp}` placeholder), written in `format`. @default none */
  readonly timestamp?: { readonly header?: string; readonly format?: TimestampFormatName | TimestampFormat }
  /** A fresh nonce (`SignOptions.nonce`) sent in `header` (or through `${nonce}`). @default none */
  readonly nonce?: { readonly header?: string }
  /**
   * Accepted distance between the timestamp and the verifier's clock, in seconds: a number for
   * ±N, or separate limits. The verifier's `maxAgeSeconds`/`clockSkewSeconds` options do not
   * apply to custom schemes: the window is part of the wire format. @default 300
   */
  readonly windowSeconds?: number | { readonly past: number; readonly future: number }
  /**
   * Methods whose requests are verified. A request with another method that carries no signature
   * header is passed through: `verifyRequest` resolves with `covered: []` (what the reference
   * servers do); one that carries a signature is verified. @default every method
   */
  readonly methods?: readonly string[]
  /**
   * For schemes that send no key id: the id of the key `verifyRequest` looks up. With a `${keyId}`
   * placeholder, the id sent when signing (the verifier then uses the received one). @default the signing key's id; verification without one throws `invalid_input`
   */
  readonly keyId?: string
  /** Names for `${algorithm}`; verification picks the hash from the received name. @default none */
  readonly algorithmNames?: Readonly<Partial<Record<HashAlgorithm, string>>>
  /** What a replay store remembers. @default 'nonce' when the scheme has a nonce, else 'signature' */
  readonly replayKey?: 'nonce' | 'signature'
  /** Signs and verifies responses too. @default requests only */
  readonly response?: CustomResponseDefinition
}

// ---------------------------------------------------------------------------------------------
// Timestamps

const UNIX = /^\d{1,15}$/
const UNIX_DECIMAL = /^\d{1,15}(?:\.\d{1,9})?$/
const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}:?\d{2})$/i

/** Parses an ISO-8601 date-time with `Z` or an explicit offset to ms since the epoch (fractions of a ms kept). */
export function parseIsoDateTime(text: string): number | undefined {
  const m = ISO.exec(text)
  if (!m) return undefined
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [number, number, number, number, number, number]
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return undefined
  const date = Date.UTC(y, mo - 1, d, h, mi, s)
  if (new Date(date).getUTCDate() !== d) return undefined
  const fraction = m[7] ? Number(`0.${m[7]}`) * 1000 : 0
  let offset = 0
  if (m[8]!.toUpperCase() !== 'Z') {
    const sign = m[8]![0] === '-' ? -1 : 1
    const digits = m[8]!.slice(1).replace(':', '')
    const oh = Number(digits.slice(0, 2))
    const om = Number(digits.slice(2))
    if (oh > 23 || om > 59) return undefined
    offset = sign * (oh * 60 + om) * 60_000
  }
  return date + fraction - offset
}

const TIMESTAMP_FORMATS: Readonly<Record<TimestampFormatName, TimestampFormat>> = {
  unix: { format: (ms) => String(Math.floor(ms / 1000)), parse: (t) => (UNIX.test(t) ? Number(t) * 1000 : undefined) },
  'unix-decimal': { format: (ms) => String(Math.floor(ms / 1000)), parse: (t) => (UNIX_DECIMAL.test(t) ? Number(t) * 1000 : undefined) },
  'unix-ms': { format: (ms) => String(Math.floor(ms)), parse: (t) => (UNIX.test(t) ? Number(t) : undefined) },
  iso8601: { format: (ms) => new Date(ms).toISOString(), parse: parseIsoDateTime },
}

// ---------------------------------------------------------------------------------------------
// Definition checks

/**
 * Longest signature header a verifier parses. The template is matched with a regular expression
 * whose lazy groups backtrack in O(n²) on hostile input: 8 KiB keeps that to milliseconds (a
 * 256 KiB Authorization took ~15 s with djangoHmac's template before this limit).
 */
const MAX_SIGNATURE_HEADER = 8192
// What a header value must not contain (RFC 9110 §5.5); a key id or nonce with CR/LF would split the header.
const BAD_FIELD_VALUE = /[\r\n\0]/

const PLACEHOLDERS = new Set(['signature', 'keyId', 'username', 'timestamp', 'nonce', 'algorithm'])
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const HASHES: readonly HashAlgorithm[] = ['sha256', 'sha384', 'sha512']

interface Template {
  readonly text: string
  readonly names: readonly string[]
  readonly regex: RegExp
}

function compileTemplate(scheme: string, text: string): Template {
  if (typeof text !== 'string') fail('invalid_input', `${scheme}: signature.template must be a string`)
  const names: string[] = []
  let source = '^'
  let last = 0
  const re = /\$\{(\w+)\}/g
  const pieces: ({ lit: string } | { name: string })[] = []
  for (let m = re.exec(text); m; m = re.exec(text)) {
    pieces.push({ lit: text.slice(last, m.index) })
    const name = m[1] === 'username' ? 'keyId' : m[1]!
    if (!PLACEHOLDERS.has(name)) fail('invalid_input', `${scheme}: unknown placeholder \${${m[1]}} in signature template; use ${[...PLACEHOLDERS].map((p) => `\${${p}}`).join(', ')}`)
    if (names.includes(name)) fail('invalid_input', `${scheme}: placeholder \${${m[1]}} appears twice in the signature template`)
    names.push(name)
    pieces.push({ name })
    last = m.index + m[0].length
  }
  pieces.push({ lit: text.slice(last) })
  if (!names.includes('signature')) fail('invalid_input', `${scheme}: the signature template must contain \${signature}`)
  const lastPlaceholder = pieces.map((p) => 'name' in p).lastIndexOf(true)
  pieces.forEach((p, i) => {
    source += 'lit' in p ? p.lit.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : i === lastPlaceholder ? '(.*)' : '(.*?)'
  })
  return { text, names, regex: new RegExp(source + '$') }
}

interface Output {
  readonly parts: readonly CustomSchemePart[]
  readonly separator: string
  readonly header: string
  readonly template: Template
  readonly timestamp: { readonly header: string | undefined; readonly format: TimestampFormat } | undefined
  readonly nonceHeader: string | undefined
  readonly hasNonce: boolean
}

interface Config {
  readonly name: string
  readonly request: Output
  readonly response: Output | undefined
  readonly mac: CustomMac
  readonly encoding: Encoding
  readonly deriveKey: CustomSchemeDefinition['deriveKey']
  readonly window: { readonly past: number; readonly future: number }
  readonly methods: ReadonlySet<string> | undefined
  readonly keyId: string | undefined
  readonly algorithmNames: Readonly<Partial<Record<HashAlgorithm, string>>>
  readonly replayKey: 'nonce' | 'signature' | undefined
}

/** Throws `invalid_input` unless a preset's options are an object (`undefined` was defaulted to `{}` already). */
export function checkPresetOptions(scheme: string, options: unknown): void {
  if (options === null || typeof options !== 'object') fail('invalid_input', `${scheme} options must be an object, received ${options === null ? 'null' : typeof options}`)
}

function lowerHeader(scheme: string, name: unknown, what: string): string {
  if (typeof name !== 'string' || !HEADER_NAME.test(name)) fail('invalid_input', `${scheme}: ${what} must be a header name, received ${JSON.stringify(name)}`)
  return name.toLowerCase()
}

function checkParts(scheme: string, parts: readonly CustomSchemePart[], kind: 'request' | 'response', out: { timestamp: boolean; nonce: boolean }, mac: CustomMac): void {
  if (!Array.isArray(parts) || parts.length === 0) fail('invalid_input', `${scheme}: parts must be a non-empty array`)
  let hasSecret = false
  for (const p of parts) {
    if (typeof p === 'string') continue
    if (p === null || typeof p !== 'object') fail('invalid_input', `${scheme}: every part must be a string or { part: … }, received ${JSON.stringify(p)}`)
    switch (p.part) {
      case 'method':
      case 'path':
      case 'query':
      case 'params':
        if (kind === 'response') fail('invalid_input', `${scheme}: a response has no ${p.part}; response parts may use status, headers, timestamp, nonce, body and secret`)
        break
      case 'status':
        if (kind === 'request') fail('invalid_input', `${scheme}: a request has no status`)
        break
      case 'header':
        lowerHeader(scheme, p.name, 'a header part name')
        break
      case 'headers':
        if (!Array.isArray(p.names)) fail('invalid_input', `${scheme}: a headers part needs names: string[]`)
        for (const n of p.names) lowerHeader(scheme, n, 'a headers part name')
        if (typeof p.separator !== 'string') fail('invalid_input', `${scheme}: a headers part needs a separator string`)
        break
      case 'timestamp':
        if (!out.timestamp) fail('invalid_input', `${scheme}: a timestamp part needs the timestamp option`)
        break
      case 'nonce':
        if (!out.nonce) fail('invalid_input', `${scheme}: a nonce part needs the nonce option`)
        break
      case 'body':
        if (p.as !== 'bytes' && p.as !== 'text' && p.as !== 'hash') fail('invalid_input', `${scheme}: a body part needs as: 'bytes' | 'text' | 'hash'`)
        if (p.hash !== undefined && !HASHES.includes(p.hash)) fail('unsupported_algorithm', `${scheme}: body hash ${JSON.stringify(p.hash)} is not sha256, sha384 or sha512`)
        break
      case 'secret':
        hasSecret = true
        break
      case 'custom':
        if (typeof p.name !== 'string' || typeof p.value !== 'function') fail('invalid_input', `${scheme}: a custom part needs a name and a value function`)
        break
      default:
        fail('invalid_input', `${scheme}: unknown part ${JSON.stringify((p as { part?: unknown }).part)}`)
    }
  }
  if (!mac.startsWith('hmac') && !hasSecret) {
    fail('invalid_input', `${scheme}: mac '${mac}' is a plain hash, so the string to sign must include { part: 'secret' } (otherwise anyone can compute it)`)
  }
}

function resolveFormat(scheme: string, format: TimestampFormatName | TimestampFormat | undefined): TimestampFormat {
  if (format === undefined) return TIMESTAMP_FORMATS.unix
  if (typeof format === 'string') {
    const f = Object.hasOwn(TIMESTAMP_FORMATS, format) ? TIMESTAMP_FORMATS[format] : undefined
    if (!f) fail('invalid_input', `${scheme}: unknown timestamp format ${JSON.stringify(format)}; use ${Object.keys(TIMESTAMP_FORMATS).join(', ')} or { format, parse }`)
    return f
  }
  if (typeof format.format !== 'function' || typeof format.parse !== 'function') fail('invalid_input', `${scheme}: a timestamp format needs format(ms) and parse(text) functions`)
  return format
}

function output(scheme: string, def: CustomResponseDefinition, kind: 'request' | 'response', mac: CustomMac): Output {
  if (def.signature === null || typeof def.signature !== 'object') fail('invalid_input', `${scheme}: signature: { header } is required`)
  const template = compileTemplate(scheme, def.signature.template ?? '${signature}')
  const ts = def.timestamp
  if (ts && ts.header === undefined && !template.names.includes('timestamp')) fail('invalid_input', `${scheme}: the timestamp needs a header or a \${timestamp} placeholder`)
  if (def.nonce && def.nonce.header === undefined && !template.names.includes('nonce')) fail('invalid_input', `${scheme}: the nonce needs a header or a \${nonce} placeholder`)
  if (!ts && template.names.includes('timestamp')) fail('invalid_input', `${scheme}: \${timestamp} needs the timestamp option`)
  if (!def.nonce && template.names.includes('nonce')) fail('invalid_input', `${scheme}: \${nonce} needs the nonce option`)
  checkParts(scheme, def.parts, kind, { timestamp: ts !== undefined, nonce: def.nonce !== undefined }, mac)
  return {
    parts: def.parts,
    separator: def.separator ?? '',
    header: lowerHeader(scheme, def.signature.header, 'signature.header'),
    template,
    timestamp: ts ? { header: ts.header === undefined ? undefined : lowerHeader(scheme, ts.header, 'timestamp.header'), format: resolveFormat(scheme, ts.format) } : undefined,
    nonceHeader: def.nonce?.header === undefined ? undefined : lowerHeader(scheme, def.nonce.header, 'nonce.header'),
    hasNonce: def.nonce !== undefined,
  }
}

function configure(def: CustomSchemeDefinition): Config {
  if (def === null || typeof def !== 'object') fail('invalid_input', 'customScheme needs a definition object')
  const name = def.name
  if (typeof name !== 'string' || name === '') fail('invalid_input', 'customScheme: name must be a non-empty string')
  const mac = def.mac ?? 'hmac'
  if (!['hmac', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512', 'sha256', 'sha384', 'sha512'].includes(mac)) fail('unsupported_algorithm', `${name}: unknown mac ${JSON.stringify(mac)}`)
  const encoding = def.encoding ?? 'hex'
  if (encoding !== 'hex' && encoding !== 'base64' && encoding !== 'base64url') fail('invalid_input', `${name}: encoding must be 'hex', 'base64' or 'base64url'`)
  const w = def.windowSeconds ?? 300
  const window = typeof w === 'number' ? { past: w, future: w } : w
  for (const v of [window?.past, window?.future]) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail('invalid_input', `${name}: windowSeconds must be a non-negative number or { past, future }, received ${JSON.stringify(w)}`, { component: 'windowSeconds' })
  }
  if (def.methods !== undefined && !Array.isArray(def.methods)) fail('invalid_input', `${name}: methods must be an array of method names`)
  if (def.keyId !== undefined && (typeof def.keyId !== 'string' || def.keyId === '')) fail('invalid_input', `${name}: keyId must be a non-empty string`)
  const request = output(name, def, 'request', mac)
  const response = def.response ? output(name, def.response, 'response', mac) : undefined
  const algorithmNames = def.algorithmNames ?? {}
  if (request.template.names.includes('algorithm')) {
    if (mac !== 'hmac') fail('invalid_input', `${name}: \${algorithm} picks the HMAC hash, so mac must be 'hmac'`)
    if (Object.keys(algorithmNames).length === 0) fail('invalid_input', `${name}: \${algorithm} needs algorithmNames`)
  }
  return {
    name,
    request,
    response,
    mac,
    encoding,
    deriveKey: def.deriveKey,
    window,
    methods: def.methods ? new Set(def.methods.map((m) => m.toUpperCase())) : undefined,
    keyId: def.keyId,
    algorithmNames,
    replayKey: def.replayKey,
  }
}

function bodyUse(parts: readonly CustomSchemePart[]): 'none' | 'digest' | 'bytes' {
  let use: 'none' | 'digest' | 'bytes' = 'none'
  for (const p of parts) {
    if (typeof p === 'string') continue
    const u = p.part === 'body' ? (p.as === 'hash' ? 'digest' : 'bytes') : p.part === 'params' && p.form ? 'bytes' : p.part === 'custom' ? (p.body ?? 'none') : 'none'
    if (u === 'bytes') return 'bytes'
    if (u === 'digest') use = 'digest'
  }
  return use
}

// ---------------------------------------------------------------------------------------------
// Building the string to sign

const SECRET = Symbol('secret')
type Chunk = string | Uint8Array | typeof SECRET

interface Evaluation {
  readonly message: NormalizedRequest | NormalizedResponse
  readonly headers: HeaderMap
  readonly body: BodyReader
  readonly crypto: CryptoBackend
  readonly hash: HashAlgorithm
  readonly timestamp: string | undefined
  readonly nonce: string | undefined
  readonly scheme: string
}

async function partValue(p: CustomSchemePart, ev: Evaluation): Promise<Chunk> {
  if (typeof p === 'string') return p
  const request = ev.message.kind === 'request' ? ev.message : undefined
  switch (p.part) {
    case 'method':
      return p.lowerCase ? request!.method.toLowerCase() : request!.method
    case 'path': {
      let path = request!.url.pathname
      if (p.lowerCase) path = path.toLowerCase()
      return p.decode ? percentDecode(path, p.plusAsSpace ?? false) : path
    }
    case 'query': {
      const raw = request!.url.search.slice(1)
      if (!p.sort) return raw
      return splitQuery(raw)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
        .map((q) => `${q.name}=${q.value}`)
        .join('&')
    }
    case 'params': {
      const pairs = formPairs(request!.url.search)
      if (p.form && isFormContentType(headerValue(ev.headers, 'content-type'))) pairs.push(...formPairs(decodeUtf8Lossy(await ev.body.bytes())))
      let list = pairs
      if (p.joinRepeated !== undefined) {
        const grouped = new Map<string, string[]>()
        for (const [k, v] of pairs) {
          const g = grouped.get(k)
          if (g) g.push(v)
          else grouped.set(k, [v])
        }
        list = [...grouped].map(([k, vs]) => [k, vs.join(p.joinRepeated)])
      }
      if (p.sort) list = [...list].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      return list.map(([k, v]) => `${k}=${v}`).join('&')
    }
    case 'header': {
      const v = headerValue(ev.headers, p.name.toLowerCase()) ?? ''
      return p.trim === false ? v : v.trim()
    }
    case 'headers': {
      const out: string[] = []
      for (const name of p.names) {
        const v = headerValue(ev.headers, name.toLowerCase())?.trim()
        if (v) out.push(p.withNames === false ? v : `${name}:${v}`)
      }
      return out.join(p.separator)
    }
    case 'timestamp':
      return ev.timestamp!
    case 'nonce':
      return ev.nonce!
    case 'status':
      return String((ev.message as NormalizedResponse).status)
    case 'body':
      if (p.as === 'hash') return encode(await ev.body.digest(p.hash ?? ev.hash), p.encoding ?? 'hex')
      if (p.as === 'text') return decodeUtf8Lossy(await ev.body.bytes())
      return ev.body.bytes()
    case 'secret':
      return SECRET
    case 'custom':
      return p.value({
        message: ev.message,
        headers: ev.headers,
        body: ev.body,
        hash: ev.hash,
        timestamp: ev.timestamp,
        nonce: ev.nonce,
        scheme: ev.scheme,
        digest: async (hash, data) => ev.crypto.digest(hash, data),
      })
  }
}

/** The bytes to MAC and the printable base (`<secret>` in place of the secret, bytes as lossy UTF-8). */
async function stringToSign(out: Output, ev: Evaluation, secret: () => Uint8Array): Promise<{ data: Uint8Array; base: string }> {
  const chunks: Uint8Array[] = []
  let base = ''
  let first = true
  const sep = utf8.encode(out.separator)
  for (const p of out.parts) {
    const v = await partValue(p, ev)
    if (!first) {
      chunks.push(sep)
      base += out.separator
    }
    first = false
    if (v === SECRET) {
      chunks.push(secret())
      base += '<secret>'
    } else if (typeof v === 'string') {
      chunks.push(utf8.encode(v))
      base += v
    } else {
      chunks.push(v)
      base += decodeUtf8Lossy(v)
    }
  }
  return { data: concatBytes(chunks), base }
}

/** Names listed in `Verified.covered`: RFC 9421-like derived names and lower-case header names. */
function coveredNames(out: Output, headers: HeaderMap): string[] {
  const names: string[] = []
  const add = (n: string): void => {
    if (!names.includes(n)) names.push(n)
  }
  for (const p of out.parts) {
    if (typeof p === 'string') continue
    switch (p.part) {
      case 'method':
      case 'path':
      case 'query':
      case 'status':
        add(`@${p.part}`)
        break
      case 'params':
        add('@query')
        if (p.form && isFormContentType(headerValue(headers, 'content-type'))) add('body')
        break
      case 'header':
        add(p.name.toLowerCase())
        break
      case 'headers':
        for (const n of p.names) if (headerValue(headers, n.toLowerCase())?.trim()) add(n.toLowerCase())
        break
      case 'timestamp':
        add(out.timestamp?.header ?? 'timestamp')
        break
      case 'nonce':
        add(out.nonceHeader ?? 'nonce')
        break
      case 'body':
        add('body')
        break
      case 'custom':
        add(p.name)
        break
      case 'secret':
        break
    }
  }
  return names
}

// ---------------------------------------------------------------------------------------------
// Keys and MACs

function macHash(config: Config, keyAlgorithm: HashAlgorithm): HashAlgorithm {
  const m = config.mac
  if (m === 'hmac') return keyAlgorithm
  return (m.startsWith('hmac-') ? m.slice(5) : m) as HashAlgorithm
}

function rawSecret(config: Config, key: ResolvedKey): Uint8Array {
  const bytes = key.material.bytes
  if (!bytes) {
    const why = config.deriveKey ? 'derives its HMAC key from the secret text' : 'hashes the secret itself'
    fail('invalid_key', `${config.name} ${why}, so key ${JSON.stringify(key.id)} needs its secret as a string or bytes, not a CryptoKey`, { keyId: key.id })
  }
  return bytes
}

/** The key material actually used, derived once per key and scheme instance. */
function keyMaterial(config: Config, key: ResolvedKey, cache: WeakMap<KeyMaterial, KeyMaterial>): KeyMaterial {
  if (!config.deriveKey) return key.material
  let m = cache.get(key.material)
  if (!m) {
    const derived = config.deriveKey(rawSecret(config, key), key.id)
    if (!(derived instanceof Uint8Array) || derived.byteLength === 0) fail('invalid_key', `${config.name}: the key derived from key ${JSON.stringify(key.id)} is empty`, { keyId: key.id })
    m = secretMaterial({ bytes: derived })
    cache.set(key.material, m)
  }
  return m
}

// ---------------------------------------------------------------------------------------------
// Sign and verify

function withHeaders(headers: HeaderMap, own: Record<string, string>): HeaderMap {
  const names = Object.keys(own)
  if (names.length === 0) return headers
  const merged = new Map(headers)
  for (const n of names) merged.set(n, [own[n]!])
  return merged
}

function render(template: Template, values: Record<string, string | undefined>): string {
  return template.text.replace(/\$\{(\w+)\}/g, (_, n: string) => values[n === 'username' ? 'keyId' : n] ?? '')
}

async function sign(config: Config, out: Output, message: NormalizedRequest | NormalizedResponse, ctx: SignContext, cache: WeakMap<KeyMaterial, KeyMaterial>): Promise<SignResult> {
  const hash = macHash(config, ctx.key.algorithm)
  const timestamp = out.timestamp ? out.timestamp.format.format(ctx.nowMs) : undefined
  const nonce = out.hasNonce ? ctx.nonce() : undefined
  const own: Record<string, string> = {}
  if (timestamp !== undefined && out.timestamp?.header) own[out.timestamp.header] = timestamp
  if (nonce !== undefined && out.nonceHeader) own[out.nonceHeader] = nonce
  const material = keyMaterial(config, ctx.key, cache)
  const ev: Evaluation = { message, headers: withHeaders(message.headers, own), body: ctx.body, crypto: ctx.crypto, hash, timestamp, nonce, scheme: config.name }
  const { data, base } = await stringToSign(out, ev, () => material.bytes ?? rawSecret(config, ctx.key))
  const mac = config.mac.startsWith('hmac') ? await ctx.crypto.hmac(material, hash, data) : await ctx.crypto.digest(hash, data)
  let algorithm: string | undefined
  if (out.template.names.includes('algorithm')) {
    algorithm = config.algorithmNames[hash]
    if (algorithm === undefined) fail('unsupported_algorithm', `${config.name} has no name for ${hash}; use a key with one of: ${Object.keys(config.algorithmNames).join(', ')}`, { keyId: ctx.key.id })
  }
  own[out.header] = render(out.template, { signature: encode(mac, config.encoding), keyId: config.keyId ?? ctx.key.id, timestamp, nonce, algorithm })
  for (const [header, value] of Object.entries(own)) {
    if (BAD_FIELD_VALUE.test(value)) {
      fail('invalid_input', `${config.name}: the ${displayHeader(header)} header would contain CR, LF or NUL (from the key id, timestamp or nonce), which HTTP forbids`, { component: header, keyId: ctx.key.id })
    }
  }
  return { headers: own, base }
}

function displayHeader(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase())
}

async function verify(config: Config, out: Output, message: NormalizedRequest | NormalizedResponse, ctx: VerifyContext, cache: WeakMap<KeyMaterial, KeyMaterial>): Promise<Verified> {
  const name = config.name
  const field = headerValue(message.headers, out.header)
  if (field === undefined || field.trim() === '') {
    if (message.kind === 'request' && config.methods && !config.methods.has(message.method)) {
      // Not a method this scheme protects (the reference servers let it through unchecked),
      // unless the verifier requires some coverage.
      checkCoverage([], ctx.required, name)
      return { scheme: name, keyId: config.keyId ?? '', algorithm: macHash(config, 'sha256'), covered: [], base: '' }
    }
    fail('missing_signature', `${name}: the ${message.kind} has no ${displayHeader(out.header)} header (in a browser, check that the server lists it in Access-Control-Expose-Headers)`, { component: out.header })
  }
  if (field.length > MAX_SIGNATURE_HEADER) {
    fail('malformed_signature', `${name}: ${displayHeader(out.header)} is ${field.length} characters long, over the ${MAX_SIGNATURE_HEADER} limit`, { component: out.header })
  }
  const m = out.template.regex.exec(field.trim())
  if (!m) fail('malformed_signature', `${name}: ${displayHeader(out.header)} does not have the form ${out.template.text}`, { component: out.header, expected: out.template.text })
  const fields: Record<string, string> = {}
  out.template.names.forEach((n, i) => {
    fields[n] = m[i + 1]!
  })
  const signatureText = fields.signature!

  let timestamp: string | undefined
  let created: number | undefined
  if (out.timestamp) {
    const source = out.timestamp.header ?? 'timestamp'
    timestamp = fields.timestamp ?? headerValue(message.headers, out.timestamp.header!)?.trim()
    if (!timestamp) fail('malformed_signature', `${name}: the ${message.kind} has a signature but no ${displayHeader(source)} header`, { component: source })
    const ms = out.timestamp.format.parse(timestamp)
    if (ms === undefined || !Number.isFinite(ms)) fail('malformed_signature', `${name}: ${displayHeader(source)} ${JSON.stringify(timestamp.slice(0, 64))} is not a timestamp in the scheme's format`, { component: source, received: timestamp.slice(0, 64) })
    created = ms / 1000
    checkWindow(config, ctx, created, source)
  }
  let nonce: string | undefined
  if (out.hasNonce) {
    const source = out.nonceHeader ?? 'nonce'
    nonce = fields.nonce ?? headerValue(message.headers, out.nonceHeader!)?.trim()
    if (!nonce) fail('malformed_signature', `${name}: the ${message.kind} has a signature but no ${displayHeader(source)} header`, { component: source })
  }

  let hash: HashAlgorithm | undefined
  if (fields.algorithm !== undefined) {
    hash = (Object.keys(config.algorithmNames) as HashAlgorithm[]).find((h) => config.algorithmNames[h] === fields.algorithm)
    if (!hash) {
      fail('unsupported_algorithm', `${name}: unknown algorithm ${JSON.stringify(fields.algorithm.slice(0, 40))}; expected one of ${Object.values(config.algorithmNames).join(', ')}`, {
        component: out.header,
        received: fields.algorithm.slice(0, 40),
      })
    }
  }
  const keyId = fields.keyId ?? config.keyId
  if (keyId === undefined) fail('invalid_input', `${name} sends no key id: pass the id of the key to verify with in the scheme options ({ keyId: '…' })`, { component: 'keyId' })
  if (keyId === '') fail('malformed_signature', `${name}: the key id in ${displayHeader(out.header)} is empty`, { component: out.header })

  const headers = message.headers
  const covered = coveredNames(out, headers)
  checkCoverage(covered, ctx.required, name)

  const key = await ctx.key(keyId)
  hash ??= macHash(config, key.algorithm)
  const mac = decode(signatureText, config.encoding)
  if (!mac || encode(mac, config.encoding) !== signatureText) {
    const form = config.encoding === 'hex' ? 'lower-case hex' : config.encoding === 'base64' ? 'padded standard base64' : 'unpadded base64url'
    fail('malformed_signature', `${name}: the signature in ${displayHeader(out.header)} is not ${form}`, { component: out.header, keyId })
  }
  const material = keyMaterial(config, key, cache)
  const ev: Evaluation = { message, headers, body: ctx.body, crypto: ctx.crypto, hash, timestamp, nonce, scheme: name }
  const { data, base } = await stringToSign(out, ev, () => material.bytes ?? rawSecret(config, key))
  const ok = config.mac.startsWith('hmac') ? await ctx.crypto.hmacVerify(material, hash, data, mac) : timingSafeEqual(await ctx.crypto.digest(hash, data), mac)
  if (!ok) {
    fail('signature_mismatch', `${name}: the signature does not match the ${message.kind}: a covered part differs from what was signed (compare details.base with the signer's base)`, {
      component: out.header,
      keyId,
      base,
    })
  }
  const replayKey = config.replayKey ?? (out.hasNonce ? 'nonce' : 'signature')
  await checkReplay(
    { replayStore: ctx.replayStore, nowMs: ctx.nowMs, maxAgeSeconds: config.window.past, clockSkewSeconds: config.window.future },
    keyId,
    replayKey === 'nonce' ? nonce : signatureText,
    created,
  )
  return {
    scheme: name,
    keyId,
    algorithm: hash,
    covered,
    base,
    ...(created !== undefined ? { created } : {}),
    ...(nonce !== undefined ? { nonce } : {}),
  }
}

/** The scheme's own ± window, through the shared freshness check, reported in the scheme's terms. */
function checkWindow(config: Config, ctx: VerifyContext, created: number, component: string): void {
  const { past, future } = config.window
  const now = ctx.nowMs / 1000
  try {
    checkFreshness({ nowMs: ctx.nowMs, maxAgeSeconds: past, clockSkewSeconds: created > now ? future : 0 }, created, undefined, component)
  } catch (err) {
    if (!(err instanceof SignetError)) throw err
    const detail =
      err.code === 'not_yet_valid'
        ? `${formatSeconds(created - now)} s in the future, more than the ${future} s allowed`
        : `${formatSeconds(now - created)} s old, older than the ${past} s allowed`
    const what = component === 'timestamp' ? 'the timestamp' : `the ${displayHeader(component)} timestamp`
    throw new SignetError(err.code, `${config.name}: ${what} is ${detail} (scheme option windowSeconds; check the signer's clock, or sign with clockOffsetMs)`, err.details)
  }
}

function formatSeconds(s: number): string {
  return String(Math.round(s * 1000) / 1000)
}

/**
 * `customScheme()`: describe a "concatenate some parts, MAC them, put the result in a header"
 * scheme as plain data, without writing a signer and a verifier. Every non-RFC preset Signet ships
 * (`pipeCanonical`, `bodyNonceHmac`, `authorizationContentHmac`, `aspnetWebApiHmac`, `djangoHmac`)
 * is one of these definitions, so their source doubles as examples.
 *
 * ```ts
 * const myApi = customScheme({
 *   name: 'myApi',
 *   parts: [{ part: 'method' }, { part: 'path' }, { part: 'timestamp' }, { part: 'body', as: 'hash', encoding: 'hex' }],
 *   separator: '\n',
 *   mac: 'hmac-sha256',
 *   encoding: 'base64',
 *   signature: { header: 'authorization', template: 'MYAPI ${keyId}:${signature}' },
 *   timestamp: { header: 'x-date', format: 'unix' },
 *   windowSeconds: 300,
 * })
 * ```
 *
 * Signing builds the string to sign from the parts, joins them with `separator`, computes the MAC
 * and returns the signature, timestamp and nonce headers. Verification reads those headers back,
 * checks the timestamp window, rebuilds the same string from the received message, compares the
 * MAC in constant time and, with a replay store, refuses a nonce (or, without a nonce, the same
 * signature) seen before.
 *
 * The definition is checked once, here: a bad part, template or option throws `invalid_input` at
 * once rather than on first use.
 */
export function customScheme(definition: CustomSchemeDefinition): Scheme {
  const config = configure(definition)
  const cache = new WeakMap<KeyMaterial, KeyMaterial>()
  const response = config.response
  const scheme: Scheme = {
    name: config.name,
    requestBody: bodyUse(config.request.parts),
    responseBody: response ? bodyUse(response.parts) : 'none',
    signRequest: (message, ctx) => sign(config, config.request, message, ctx, cache),
    verifyRequest: (message, ctx) => verify(config, config.request, message, ctx, cache),
  }
  if (response) {
    return {
      ...scheme,
      signResponse: (message, ctx) => sign(config, response, message, ctx, cache),
      verifyResponse: (message, ctx) => verify(config, response, message, ctx, cache),
    }
  }
  return scheme
}
