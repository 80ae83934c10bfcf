/**
 * Tampering, per scheme: every change to a covered part of a signed request (or response) must be
 * refused with the right code, and every change to a part the scheme does not cover must still
 * verify. The tables below say, for each preset, which is which.
 */
import { decodeUtf8Lossy, formPairs, isFormContentType } from '../../src/canonicalize/form.ts'
import { aspnetEnUsTimestamp } from '../../src/schemes/aspnet-webapi-hmac.ts'
import { cloneWire, OTHER_KEY_ID, type Body, type Preset, type Wire } from './support.ts'

/** Small deterministic choices from one fast-check integer. */
export class Pick {
  private state: number
  constructor(seed: number) {
    this.state = seed >>> 0 || 1
  }
  next(below: number): number {
    // xorshift32
    let x = this.state
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    this.state = x >>> 0
    return below <= 0 ? 0 : this.state % below
  }
}

export type Expected = string | 'accepted'

export interface Mutation {
  readonly name: string
  /** undefined when the mutation does not apply to this request (e.g. no query to change). */
  apply(w: Wire, pick: Pick): Wire | undefined
  /** The outcome for the mutated request (may depend on the original). */
  expect: Expected | ((w: Wire) => Expected)
}

const SM = 'signature_mismatch'

// ---------------------------------------------------------------------------------------------
// Helpers

/** Positions of `text` (from `from`) where a character can be inserted without splitting a %XX escape. */
function insertAt(text: string, from: number, pick: Pick, ch: string): string {
  const allowed: number[] = []
  for (let i = from; i <= text.length; i++) if (text[i - 1] !== '%' && text[i - 2] !== '%') allowed.push(i)
  const at = allowed[pick.next(allowed.length)] ?? text.length
  return text.slice(0, at) + ch + text.slice(at)
}

const SAFE = 'abcdefghijklmnopqrstuvwxyz0123456789'
const safeChar = (pick: Pick): string => SAFE[pick.next(SAFE.length)]!

function withUrl(w: Wire, change: (u: URL) => string): Wire {
  return cloneWire(w, { url: change(new URL(w.url)) })
}

function withHeader(w: Wire, name: string, value: string | undefined): Wire {
  const c = cloneWire(w)
  if (value === undefined) c.headers.delete(name)
  else c.headers.set(name, value)
  return c
}

const bodyBytes = (b: Body): Uint8Array => (b === undefined ? new Uint8Array(0) : typeof b === 'string' ? new TextEncoder().encode(b) : b)

function appendToBody(w: Wire, pick: Pick): Wire {
  const bytes = bodyBytes(w.body)
  const out = new Uint8Array(bytes.length + 1)
  out.set(bytes)
  // A letter: appended to JSON it never makes valid JSON again (a digit could: "1" → "12").
  out[bytes.length] = 'abcdefghijklmnopqrstuvwxyz'.charCodeAt(pick.next(26))
  return cloneWire(w, { body: out })
}

function flipBodyByte(w: Wire, pick: Pick): Wire | undefined {
  const bytes = bodyBytes(w.body)
  if (w.body === undefined || bytes.length === 0) return undefined
  const out = bytes.slice()
  out[pick.next(out.length)]! ^= 1 << pick.next(8)
  return cloneWire(w, { body: out })
}

function otherMethod(m: string): string {
  const u = m.toUpperCase()
  return u === 'PATCH' ? 'PUT' : 'PATCH'
}

/** Flips one character of an encoded MAC (its first, which always carries data bits). */
function flipFirst(text: string, alphabet: 'hex' | 'base64'): string {
  const c = text[0]!
  const to = alphabet === 'hex' ? (c === '0' ? '1' : '0') : c === 'A' ? 'B' : 'A'
  return to + text.slice(1)
}

// RFC 9421 header surgery, on the serialized text (the signer's exact form).
function sigInput(w: Wire): string {
  return w.headers.get('signature-input')!
}
function replaceInInput(w: Wire, from: RegExp, to: string): Wire | undefined {
  const input = sigInput(w)
  const changed = input.replace(from, to)
  return changed === input ? undefined : withHeader(w, 'signature-input', changed)
}
function rfcMac(w: Wire): string {
  return /:([A-Za-z0-9+/=]+):/.exec(w.headers.get('signature')!)![1]!
}
function withRfcMac(w: Wire, mac: string): Wire {
  return withHeader(w, 'signature', w.headers.get('signature')!.replace(/:[A-Za-z0-9+/=]+:/, `:${mac}:`))
}

const hasBody = (w: Wire): boolean => w.body !== undefined
const isForm = (w: Wire): boolean => isFormContentType(w.headers.get('content-type') ?? undefined)

// ---------------------------------------------------------------------------------------------
// Mutations shared by every scheme, with the outcome per scheme given by the caller.

interface Coverage {
  method: Expected
  authority: Expected
  path: Expected
  /** Changing an existing query. */
  query: Expected
  /** Adding a query to a request signed without one. */
  addQuery: Expected
  /** Changing an existing x-h-* header (a header the caller set). */
  callerHeader: Expected
  /** Changing the Content-Type (when the request has one). */
  contentType: Expected | ((w: Wire) => Expected)
  /** Appending a byte to the body (adding one when there was none). */
  appendBody: Expected | ((w: Wire) => Expected)
  /** Flipping a bit of a non-empty body. */
  flipBody?: Expected | ((w: Wire) => Expected)
}

function common(c: Coverage): Mutation[] {
  return [
    { name: 'method changed', apply: (w) => cloneWire(w, { method: otherMethod(w.method) }), expect: c.method },
    { name: 'authority changed', apply: (w) => withUrl(w, (u) => ((u.host = 'evil.example:8443'), u.href)), expect: c.authority },
    { name: 'path changed', apply: (w, p) => withUrl(w, (u) => u.origin + insertAt(u.pathname, 1, p, safeChar(p)) + u.search), expect: c.path },
    {
      name: 'query changed',
      apply: (w, p) => {
        const u = new URL(w.url)
        return u.search === '' ? undefined : cloneWire(w, { url: u.origin + u.pathname + insertAt(u.search, 1, p, safeChar(p)) })
      },
      expect: c.query,
    },
    {
      name: 'query added',
      apply: (w) => {
        const u = new URL(w.url)
        return u.search === '' ? cloneWire(w, { url: `${u.origin}${u.pathname}?admin=1` }) : undefined
      },
      expect: c.addQuery,
    },
    {
      name: 'caller header changed',
      apply: (w, p) => {
        const names = [...w.headers.keys()].filter((n) => n.startsWith('x-h-'))
        if (names.length === 0) return undefined
        const name = names[p.next(names.length)]!
        return withHeader(w, name, `${w.headers.get(name)}${safeChar(p)}`)
      },
      expect: c.callerHeader,
    },
    {
      name: 'content-type changed',
      apply: (w) => (w.headers.has('content-type') ? withHeader(w, 'content-type', `${w.headers.get('content-type')}x`) : undefined),
      expect: c.contentType,
    },
    { name: 'unrelated header added', apply: (w) => withHeader(w, 'x-unrelated', 'added in transit'), expect: 'accepted' },
    { name: 'byte appended to the body', apply: appendToBody, expect: c.appendBody },
    ...(c.flipBody === undefined ? [] : [{ name: 'body bit flipped', apply: flipBodyByte, expect: c.flipBody }]),
  ]
}

// ---------------------------------------------------------------------------------------------
// Per scheme

function rfc9421Mutations(keyAlg: 'sha256' | 'sha512'): Mutation[] {
  return [
    ...common({
      method: SM,
      authority: SM,
      path: SM,
      query: SM,
      addQuery: 'insufficient_coverage',
      callerHeader: 'accepted',
      contentType: SM,
      appendBody: (w) => (hasBody(w) ? 'digest_mismatch' : 'insufficient_coverage'),
      flipBody: 'digest_mismatch',
    }),
    { name: 'created + 1 s', apply: (w) => replaceInInput(w, /;created=(\d+)/, `;created=${Number(/;created=(\d+)/.exec(sigInput(w))![1]) + 1}`), expect: SM },
    { name: 'nonce changed', apply: (w) => replaceInInput(w, /;nonce="([^"]*)"/, ';nonce="another-nonce"'), expect: SM },
    { name: 'keyid swapped for another known key', apply: (w) => replaceInInput(w, /;keyid="[^"]*"/, `;keyid="${OTHER_KEY_ID}"`), expect: SM },
    { name: 'keyid unknown', apply: (w) => replaceInInput(w, /;keyid="[^"]*"/, ';keyid="nobody"'), expect: 'unknown_key' },
    { name: 'alg changed', apply: (w) => replaceInInput(w, /;alg="[^"]*"/, keyAlg === 'sha256' ? ';alg="hmac-sha384"' : ';alg="hmac-sha256"'), expect: SM },
    { name: 'expires added', apply: (w) => withHeader(w, 'signature-input', `${sigInput(w)};expires=${Number(/;created=(\d+)/.exec(sigInput(w))![1]) + 60}`), expect: SM },
    { name: 'tag added', apply: (w) => withHeader(w, 'signature-input', `${sigInput(w)};tag="app"`), expect: SM },
    { name: 'components reordered', apply: (w) => replaceInInput(w, /^sig1=\(("[^"]+") ("[^"]+")/, 'sig1=($2 $1'), expect: SM },
    { name: 'content-digest changed', apply: (w) => (w.headers.has('content-digest') ? withHeader(w, 'content-digest', 'sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:') : undefined), expect: SM },
    { name: 'MAC changed', apply: (w) => withRfcMac(w, flipFirst(rfcMac(w), 'base64')), expect: SM },
    { name: 'MAC truncated', apply: (w) => withRfcMac(w, rfcMac(w).slice(0, -4)), expect: SM },
    {
      name: 'label renamed in both headers (labels are not covered)',
      apply: (w) => withHeader(withHeader(w, 'signature-input', sigInput(w).replace(/^sig1=/, 'other=')), 'signature', w.headers.get('signature')!.replace(/^sig1=/, 'other=')),
      expect: 'accepted',
    },
  ]
}

function sigv4Mutations(): Mutation[] {
  const auth = (w: Wire): string => w.headers.get('authorization')!
  const withAuth = (w: Wire, from: RegExp, to: string | ((m: string, ...g: string[]) => string)): Wire =>
    withHeader(w, 'authorization', auth(w).replace(from, to as string))
  return [
    ...common({
      method: SM,
      authority: SM,
      path: SM,
      query: SM,
      addQuery: SM,
      callerHeader: SM,
      contentType: SM,
      appendBody: SM,
      flipBody: SM,
    }),
    {
      name: 'x-amz-date + 1 s',
      apply: (w) => withHeader(w, 'x-amz-date', w.headers.get('x-amz-date')!.replace(/(\d\d)Z$/, (_, s: string) => `${String((Number(s) + 1) % 60).padStart(2, '0')}Z`)),
      expect: SM,
    },
    { name: 'credential region changed', apply: (w) => withAuth(w, /\/eu-west-3\//, '/eu-west-1/'), expect: SM },
    { name: 'access key swapped for another known key', apply: (w) => withAuth(w, /Credential=[^/]+\//, 'Credential=AKIDOTHER/'), expect: SM },
    { name: 'access key unknown', apply: (w) => withAuth(w, /Credential=[^/]+\//, 'Credential=AKIDNOBODY/'), expect: 'unknown_key' },
    { name: 'x-amz-date dropped from SignedHeaders', apply: (w) => withAuth(w, /;x-amz-date/, ''), expect: SM },
    { name: 'signature changed', apply: (w) => withAuth(w, /Signature=([0-9a-f]+)/, (_m, s) => `Signature=${flipFirst(s, 'hex')}`), expect: SM },
    { name: 'signature truncated', apply: (w) => withAuth(w, /Signature=([0-9a-f]+)/, (_m, s) => `Signature=${s.slice(0, -2)}`), expect: 'malformed_signature' },
  ]
}

/** A header holding a lower-case hex MAC (pipeCanonical, bodyNonceHmac, authorizationContentHmac). */
function hexMacMutations(header: string): Mutation[] {
  return [
    { name: 'MAC changed', apply: (w) => withHeader(w, header, flipFirst(w.headers.get(header)!, 'hex')), expect: SM },
    { name: 'MAC truncated', apply: (w) => withHeader(w, header, w.headers.get(header)!.slice(0, -2)), expect: SM },
  ]
}

function unixPlusOne(header: string, expect: Expected): Mutation {
  return { name: `${header} + 1 s`, apply: (w) => withHeader(w, header, String(Number(w.headers.get(header)) + 1)), expect }
}

function authorizationContentHmacMutations(): Mutation[] {
  return [
    ...common({
      method: 'accepted',
      authority: 'accepted',
      path: SM,
      query: SM,
      addQuery: SM,
      callerHeader: 'accepted',
      contentType: 'accepted',
      appendBody: 'accepted',
      flipBody: 'accepted',
    }),
    unixPlusOne('x-authorization-timestamp', SM),
    ...hexMacMutations('x-authorization-content-hmac'),
  ]
}

function djangoMutations(): Mutation[] {
  const auth = (w: Wire): string => w.headers.get('authorization')!
  const withAuth = (w: Wire, f: (parts: { alg: string; key: string; sig: string; date: string }) => string): Wire => {
    const m = /^(\S+) ([^;]*);([^;]*);(.*)$/.exec(auth(w))!
    return withHeader(w, 'authorization', f({ alg: m[1]!, key: m[2]!, sig: m[3]!, date: m[4]! }))
  }
  const text = (w: Wire): string => (w.body === undefined ? '' : typeof w.body === 'string' ? w.body : new TextDecoder().decode(w.body))
  return [
    ...common({
      method: 'accepted',
      authority: 'accepted',
      path: 'accepted',
      query: 'accepted',
      addQuery: 'accepted',
      callerHeader: 'accepted',
      contentType: 'accepted',
      // Appending a byte to JSON makes it invalid JSON: the verifier cannot hash it.
      appendBody: 'invalid_input',
    }),
    { name: 'JSON body changed (wrapped in a list)', apply: (w) => cloneWire(w, { body: text(w).trim() === '' ? '{"x":1}' : `[${text(w)}]` }), expect: SM },
    { name: 'JSON body re-formatted (the canonical form is covered, not the bytes)', apply: (w) => (text(w).trim() === '' ? undefined : cloneWire(w, { body: ` ${text(w)}\n` })), expect: 'accepted' },
    { name: 'date + 1 ms', apply: (w) => withAuth(w, (a) => `${a.alg} ${a.key};${a.sig};${new Date(Date.parse(a.date) + 1).toISOString().replace('Z', '+00:00')}`), expect: SM },
    { name: 'algorithm name changed', apply: (w) => withAuth(w, (a) => `${a.alg === 'HMAC-SHA512' ? 'HMAC-SHA256' : 'HMAC-SHA512'} ${a.key};${a.sig};${a.date}`), expect: SM },
    { name: 'api key swapped for another known key', apply: (w) => withAuth(w, (a) => `${a.alg} ${OTHER_KEY_ID};${a.sig};${a.date}`), expect: SM },
    { name: 'api key unknown', apply: (w) => withAuth(w, (a) => `${a.alg} nobody;${a.sig};${a.date}`), expect: 'unknown_key' },
    { name: 'MAC changed', apply: (w) => withAuth(w, (a) => `${a.alg} ${a.key};${flipFirst(a.sig, 'base64')};${a.date}`), expect: SM },
    { name: 'MAC truncated', apply: (w) => withAuth(w, (a) => `${a.alg} ${a.key};${a.sig.slice(0, -4)};${a.date}`), expect: SM },
  ]
}

function pipeCanonicalMutations(): Mutation[] {
  return [
    ...common({
      method: SM,
      authority: 'accepted',
      path: SM,
      query: 'accepted',
      addQuery: 'accepted',
      callerHeader: 'accepted',
      contentType: SM,
      appendBody: SM,
    }),
    unixPlusOne('x-request-timestamp', SM),
    ...hexMacMutations('x-api-signature'),
  ]
}

function aspnetMutations(): Mutation[] {
  const auth = (w: Wire): string => w.headers.get('authentication')!
  const sig = (w: Wire): string => auth(w).slice(auth(w).indexOf(':') + 1)
  return [
    ...common({
      method: SM,
      authority: 'accepted',
      path: SM,
      query: SM,
      addQuery: SM,
      callerHeader: 'accepted',
      // Content-Type decides whether the body is read as form fields (which are covered). A form
      // body with no fields ("&", "&&") reads the same either way.
      contentType: (w) => (isForm(w) && formPairs(decodeUtf8Lossy(bodyBytes(w.body))).length > 0 ? SM : 'accepted'),
      appendBody: (w) => (isForm(w) ? SM : 'accepted'),
    }),
    {
      name: 'timestamp + 1 s',
      apply: (w) => withHeader(w, 'timestamp', aspnetEnUsTimestamp.format(aspnetEnUsTimestamp.parse(w.headers.get('timestamp')!)! + 1000)),
      expect: SM,
    },
    { name: 'username swapped for another known key', apply: (w) => withHeader(w, 'authentication', `${OTHER_KEY_ID}:${sig(w)}`), expect: SM },
    { name: 'username unknown', apply: (w) => withHeader(w, 'authentication', `nobody:${sig(w)}`), expect: 'unknown_key' },
    { name: 'MAC changed', apply: (w) => withHeader(w, 'authentication', `${auth(w).split(':')[0]}:${flipFirst(sig(w), 'base64')}`), expect: SM },
    { name: 'MAC truncated', apply: (w) => withHeader(w, 'authentication', `${auth(w).split(':')[0]}:${sig(w).slice(0, -4)}`), expect: SM },
  ]
}

function bodyNonceMutations(bound: boolean): Mutation[] {
  const covered = bound ? SM : 'accepted'
  return [
    ...common({
      method: 'accepted',
      authority: 'accepted',
      path: 'accepted',
      query: 'accepted',
      addQuery: 'accepted',
      callerHeader: 'accepted',
      contentType: 'accepted',
      appendBody: SM,
      flipBody: SM,
    }),
    unixPlusOne('x-request-timestamp', covered),
    { name: 'nonce changed', apply: (w) => withHeader(w, 'x-request-nonce', 'another-nonce'), expect: covered },
    ...hexMacMutations('x-api-signature'),
  ]
}

export function requestMutations(preset: Preset): Mutation[] {
  switch (preset.name) {
    case 'rfc9421':
      return rfc9421Mutations('sha256')
    case 'rfc9421 (bytes secret, sha512)':
      return rfc9421Mutations('sha512')
    case 'sigv4':
      return sigv4Mutations()
    case 'authorizationContentHmac':
      return authorizationContentHmacMutations()
    case 'djangoHmac':
      return djangoMutations()
    case 'pipeCanonical':
      return pipeCanonicalMutations()
    case 'aspnetWebApiHmac':
      return aspnetMutations()
    case 'bodyNonceHmac':
      return bodyNonceMutations(false)
    case 'bodyNonceHmac (bound)':
      return bodyNonceMutations(true)
  }
  throw new Error(`no mutations for ${preset.name}`)
}

// ---------------------------------------------------------------------------------------------
// Responses

/** A signed response as the client receives it. */
export interface WireResponse {
  status: number
  headers: Headers
  body: Body
}

export interface ResponseMutation {
  readonly name: string
  apply(r: WireResponse, pick: Pick): WireResponse | undefined
  expect: Expected | ((r: WireResponse) => Expected)
}

function cloneResponse(r: WireResponse, change: Partial<WireResponse> = {}): WireResponse {
  return { status: r.status, headers: new Headers(r.headers), body: r.body, ...change }
}
function responseHeader(r: WireResponse, name: string, value: string): WireResponse {
  const c = cloneResponse(r)
  c.headers.set(name, value)
  return c
}

export function responseMutations(preset: Preset): ResponseMutation[] {
  const rfc = preset.name.startsWith('rfc9421')
  const appendByte = (r: WireResponse): WireResponse => {
    const bytes = bodyBytes(r.body)
    const out = new Uint8Array(bytes.length + 1)
    out.set(bytes)
    out[bytes.length] = 0x21
    return cloneResponse(r, { body: out })
  }
  const common: ResponseMutation[] = [
    { name: 'status changed', apply: (r) => cloneResponse(r, { status: r.status === 200 ? 201 : 200 }), expect: rfc ? SM : 'accepted' },
    {
      name: 'byte appended to the body',
      apply: appendByte,
      expect: (r) => (rfc ? (r.body === undefined ? 'insufficient_coverage' : 'digest_mismatch') : SM),
    },
    {
      name: 'content-type changed',
      apply: (r) => (r.headers.has('content-type') ? responseHeader(r, 'content-type', `${r.headers.get('content-type')}x`) : undefined),
      expect: rfc ? SM : 'accepted',
    },
    { name: 'unrelated header added', apply: (r) => responseHeader(r, 'x-unrelated', 'added in transit'), expect: 'accepted' },
  ]
  if (rfc) {
    return [
      ...common,
      { name: 'MAC changed', apply: (r) => responseHeader(r, 'signature', r.headers.get('signature')!.replace(/:([A-Za-z0-9+/=]+):/, (_m, s: string) => `:${flipFirst(s, 'base64')}:`)), expect: SM },
    ]
  }
  return [
    ...common,
    {
      name: 'x-response-content-timestamp + 1 s',
      apply: (r) => responseHeader(r, 'x-response-content-timestamp', String(Number(r.headers.get('x-response-content-timestamp')) + 1)),
      expect: SM,
    },
    { name: 'MAC changed', apply: (r) => responseHeader(r, 'x-response-content-hmac', flipFirst(r.headers.get('x-response-content-hmac')!, 'hex')), expect: SM },
  ]
}
