/**
 * Shared pieces of the hardening suite: the presets under test with their keys, a recognizable
 * secret and a scanner that finds it in any encoding, and the "wire" form of a signed request.
 * Runs in every runtime (no node:* imports).
 */
import { toBase64, toHex } from '../../src/canonicalize/encoding.ts'
import { isSignetError, type SignetError } from '../../src/errors.ts'
import type { SigningKey } from '../../src/keys.ts'
import type { MessageRequest, MessageResponse } from '../../src/message.ts'
import { aspnetWebApiHmac } from '../../src/schemes/aspnet-webapi-hmac.ts'
import { authorizationContentHmac } from '../../src/schemes/authorization-content-hmac.ts'
import { bodyNonceHmac } from '../../src/schemes/body-nonce-hmac.ts'
import { djangoHmac } from '../../src/schemes/django-hmac.ts'
import { pipeCanonical } from '../../src/schemes/pipe-canonical.ts'
import { rfc9421 } from '../../src/schemes/rfc9421/index.ts'
import { sigv4 } from '../../src/schemes/sigv4/index.ts'
import type { Scheme } from '../../src/schemes/types.ts'

/** The verifiers' clock (and the signers'): 2023-11-14T22:13:20Z. */
export const NOW = 1_700_000_000_000
export const now = (): number => NOW

const processEnv = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env ?? {}
/** An environment variable, in runtimes that have them (not the browser). */
export function env(name: string): string | undefined {
  return processEnv[name]
}

/** Timeout of the heavier tests (Bun's default is 5 s; vitest's here is 60 s). */
export const SLOW = 60_000

/** fast-check runs per property: `SIGNET_FC_RUNS` overrides the default, capped at 200 unless raised on purpose. */
export function runs(fallback: number): number {
  const n = Number(env('SIGNET_FC_RUNS'))
  return Number.isInteger(n) && n > 0 ? n : fallback
}

// ---------------------------------------------------------------------------------------------
// Recognizable secrets

/** Every key in the hardening suite uses one of these, so that a scan can find them anywhere. */
export const SECRET_TEXT = 'tOp$ecret/7f3a9c1e5b2d+Qzx!canary-one'
/** A bytes secret (not valid UTF-8 text) with a recognizable pattern. */
export const SECRET_BYTES = Uint8Array.from({ length: 40 }, (_, i) => (0xa7 * (i + 3) + 0x5c) & 0xff)
/** djangoHmac secrets are issued as base64 text; the bytes it decodes to are the HMAC key. */
export const DJANGO_SECRET_BYTES = Uint8Array.from({ length: 32 }, (_, i) => (0x3d * (i + 11) + 0x91) & 0xff)
export const DJANGO_SECRET_TEXT = toBase64(DJANGO_SECRET_BYTES)
/** The other key the verifiers accept (a key-id swap must not verify). */
export const OTHER_SECRET_TEXT = 'anOther$ecret/cb71e09a44f3+Qzx!canary-two'

const utf8 = new TextEncoder()

function base64Windows(bytes: Uint8Array): string[] {
  // base64 of the secret at each of the three byte alignments, without the edge groups that
  // mix in neighbouring bytes: catches the secret embedded in a longer base64 text.
  const out: string[] = []
  for (let shift = 0; shift < 3; shift++) {
    const padded = new Uint8Array(shift + bytes.length)
    padded.set(bytes, shift)
    const b64 = toBase64(padded).replace(/=+$/, '')
    const start = shift === 0 ? 0 : 4
    const core = b64.slice(start, b64.length - 4)
    out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'))
  }
  return out
}

/**
 * Pieces of `text` of length `n`, every `n / 2` characters (and the last one): any leak of at
 * least 1.5 × `n` consecutive characters of `text` contains one of them.
 */
function windows(text: string, n: number): string[] {
  if (text.length <= n) return [text]
  const out: string[] = []
  const step = Math.max(1, Math.floor(n / 2))
  for (let i = 0; i + n <= text.length; i += step) out.push(text.slice(i, i + n))
  out.push(text.slice(text.length - n))
  return out
}

interface Needle {
  encoding: string
  value: string
  /** Compared with the text without whitespace (util.inspect wraps byte arrays over lines). */
  squeeze?: boolean
}

function needlesFor(label: string, bytes: Uint8Array, text?: string): Needle[] {
  const out: Needle[] = []
  const add = (encoding: string, values: string[], squeeze = false): void => {
    for (const value of values) out.push({ encoding: `${label} ${encoding}`, value, squeeze })
  }
  if (text !== undefined) {
    add('text', windows(text, 8))
    add('upper-case text', windows(text.toUpperCase(), 8))
  }
  const hex = toHex(bytes)
  add('hex', windows(hex, 12))
  add('HEX', windows(hex.toUpperCase(), 12))
  for (const b64 of base64Windows(bytes)) add('base64/base64url', windows(b64, 10))
  // Uint8Array as util.inspect prints it (decimal) and as JSON.stringify does.
  const dec = Array.from(bytes, String)
  for (let i = 0; i + 6 <= dec.length; i += 3) add('decimal bytes', [dec.slice(i, i + 6).join(',')], true)
  add('JSON bytes', [dec.slice(0, 4).map((d, i) => `"${i}":${d}`).join(',')], true)
  add('latin1 bytes', windows(String.fromCharCode(...bytes), 8))
  return out
}

const NEEDLES: Needle[] = [
  ...needlesFor('SECRET_TEXT', utf8.encode(SECRET_TEXT), SECRET_TEXT),
  ...needlesFor('SECRET_BYTES', SECRET_BYTES),
  ...needlesFor('DJANGO_SECRET_TEXT', utf8.encode(DJANGO_SECRET_TEXT), DJANGO_SECRET_TEXT),
  ...needlesFor('DJANGO_SECRET_BYTES', DJANGO_SECRET_BYTES),
  ...needlesFor('OTHER_SECRET_TEXT', utf8.encode(OTHER_SECRET_TEXT), OTHER_SECRET_TEXT),
]
const PLAIN = NEEDLES.filter((n) => !n.squeeze)
const SQUEEZED = NEEDLES.filter((n) => n.squeeze)

/** Which secret (and encoding) `text` contains, or undefined. */
export function findSecret(text: string): string | undefined {
  for (const n of PLAIN) if (text.includes(n.value)) return n.encoding
  const squeezed = text.replace(/\s+/g, '')
  for (const n of SQUEEZED) if (squeezed.includes(n.value)) return n.encoding
  return undefined
}

/** Everything an error shows: message, stack, details, JSON, cause (recursively), and extra text (util.inspect…). */
export function errorTexts(err: unknown, extra: (value: unknown) => string[] = () => []): string[] {
  const out: string[] = []
  const seen = new Set<unknown>()
  const visit = (e: unknown): void => {
    if (e === undefined || e === null || seen.has(e)) return
    seen.add(e)
    if (e instanceof Error) {
      // The stack starts with the message; SignetError's JSON has its details.
      out.push(String(e.stack ?? e.message))
      if (!String(e.stack).includes(e.message)) out.push(e.message)
      try {
        out.push(JSON.stringify(e))
      } catch {
        // a cause may not serialize; its parts are scanned below
      }
      const details = (e as Partial<SignetError>).details
      if (details !== undefined && !isSignetError(e)) out.push(JSON.stringify(details))
      out.push(...extra(e))
      visit((e as { cause?: unknown }).cause)
    } else {
      out.push(String(e))
      try {
        out.push(JSON.stringify(e))
      } catch {
        // not serializable
      }
    }
  }
  visit(err)
  return out
}

/** Throws when any of `texts` shows a secret. `where` names the output in the failure. */
export function assertNoSecret(where: string, texts: readonly string[]): void {
  for (const t of texts) {
    const found = findSecret(t)
    if (found) throw new Error(`${where} shows ${found}: ${t.slice(0, 300)}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Outcomes

/** `'accepted'`, or the SignetError code; anything else is rethrown (a bug). */
export async function outcome(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p)
    return 'accepted'
  } catch (err) {
    if (isSignetError(err)) return err.code
    throw err
  }
}

/** The error `run` throws or rejects with (undefined when it succeeds). */
export async function caught(run: () => unknown): Promise<unknown> {
  try {
    await run()
  } catch (err) {
    return err
  }
  return undefined
}

// ---------------------------------------------------------------------------------------------
// Presets

/** How a preset uses bodies and what its verifier needs. */
export interface Preset {
  /** Display name, e.g. `bodyNonceHmac (bound)`. */
  readonly name: string
  readonly scheme: Scheme
  /** The signing key. */
  readonly key: SigningKey
  /** Keys the verifier accepts: `key` and another one. */
  readonly keys: SigningKey[]
  /** `json`: the body must be JSON text (djangoHmac); `any`: text or bytes. */
  readonly bodies: 'any' | 'json'
  /** Whether the scheme signs responses. */
  readonly responses: boolean
}

export const KEY_ID = 'hardening-key'
export const OTHER_KEY_ID = 'other-key'
const textKey: SigningKey = { id: KEY_ID, secret: SECRET_TEXT }
const otherKey: SigningKey = { id: OTHER_KEY_ID, secret: OTHER_SECRET_TEXT }

export const PRESETS: readonly Preset[] = [
  { name: 'rfc9421', scheme: rfc9421(), key: textKey, keys: [textKey, otherKey], bodies: 'any', responses: true },
  {
    name: 'rfc9421 (bytes secret, sha512)',
    scheme: rfc9421({ contentDigest: 'sha-512' }),
    key: { id: KEY_ID, secret: SECRET_BYTES, algorithm: 'sha512' },
    keys: [{ id: KEY_ID, secret: SECRET_BYTES, algorithm: 'sha512' }, otherKey],
    bodies: 'any',
    responses: true,
  },
  {
    name: 'sigv4',
    scheme: sigv4({ region: 'eu-west-3', service: 'execute-api' }),
    key: { id: 'AKIDHARDENING', secret: SECRET_TEXT },
    keys: [{ id: 'AKIDHARDENING', secret: SECRET_TEXT }, { id: 'AKIDOTHER', secret: OTHER_SECRET_TEXT }],
    bodies: 'any',
    responses: false,
  },
  {
    name: 'authorizationContentHmac',
    scheme: authorizationContentHmac({ keyId: KEY_ID }),
    key: textKey,
    keys: [textKey, otherKey],
    bodies: 'any',
    responses: true,
  },
  {
    name: 'djangoHmac',
    scheme: djangoHmac(),
    key: { id: KEY_ID, secret: DJANGO_SECRET_TEXT },
    keys: [{ id: KEY_ID, secret: DJANGO_SECRET_TEXT }, { id: OTHER_KEY_ID, secret: toBase64(utf8.encode(OTHER_SECRET_TEXT)) }],
    bodies: 'json',
    responses: false,
  },
  { name: 'pipeCanonical', scheme: pipeCanonical({ keyId: KEY_ID }), key: textKey, keys: [textKey, otherKey], bodies: 'any', responses: false },
  { name: 'aspnetWebApiHmac', scheme: aspnetWebApiHmac(), key: textKey, keys: [textKey, otherKey], bodies: 'any', responses: false },
  { name: 'bodyNonceHmac', scheme: bodyNonceHmac({ keyId: KEY_ID }), key: textKey, keys: [textKey, otherKey], bodies: 'any', responses: false },
  { name: 'bodyNonceHmac (bound)', scheme: bodyNonceHmac({ keyId: KEY_ID, bound: true }), key: textKey, keys: [textKey, otherKey], bodies: 'any', responses: false },
]

export function preset(name: string): Preset {
  const p = PRESETS.find((x) => x.name === name)
  if (!p) throw new Error(`no preset ${name}`)
  return p
}

// ---------------------------------------------------------------------------------------------
// Requests as sent

export type Body = string | Uint8Array | undefined

/** A request as the client builds it: headers as a record, any URL (a fragment is not sent). */
export interface Draft {
  method: string
  url: string
  headers: Record<string, string>
  body: Body
}

/** A request as the server receives it: the signature headers added, the fragment gone. */
export interface Wire {
  method: string
  url: string
  headers: Headers
  body: Body
}

export function draftMessage(d: Draft): MessageRequest {
  return { method: d.method, url: d.url, headers: d.headers, ...(d.body !== undefined ? { body: d.body } : {}) }
}

export function wireMessage(w: Wire): MessageRequest {
  return { method: w.method, url: w.url, headers: w.headers, ...(w.body !== undefined ? { body: w.body } : {}) }
}

/** The draft with `added` headers (the signature), as the server sees it. */
export function onWire(d: Draft, added: Record<string, string>, query?: Record<string, string>): Wire {
  const url = new URL(d.url)
  url.hash = ''
  if (query) for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v)
  const headers = new Headers(d.headers)
  for (const [k, v] of Object.entries(added)) headers.set(k, v)
  return { method: d.method, url: url.href, headers, body: d.body }
}

export function cloneWire(w: Wire, change: Partial<Wire> = {}): Wire {
  return { method: w.method, url: w.url, headers: new Headers(w.headers), body: w.body, ...change }
}

export interface ResponseDraft {
  status: number
  headers: Record<string, string>
  body: Body
}

export function responseMessage(r: { status: number; headers: Record<string, string> | Headers; body: Body }): MessageResponse {
  return { status: r.status, headers: r.headers, ...(r.body !== undefined ? { body: r.body } : {}) }
}
