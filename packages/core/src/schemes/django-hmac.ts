import { fromBase64, toBase64, utf8 } from '../canonicalize/encoding.ts'
import { canonicalPythonJson, isPythonFalsyJson, pythonJsonString } from '../canonicalize/python-json.ts'
import { fail } from '../errors.ts'
import { headerValue } from '../message.ts'
import { decodeUtf8Lossy, formPairs, isFormContentType } from '../canonicalize/form.ts'
import { checkPresetOptions, customScheme, parseIsoDateTime, type FunctionPartInput } from './custom.ts'
import type { Scheme } from './types.ts'

/** Options of {@link djangoHmac}. */
export interface DjangoHmacOptions {
  /**
   * How far in the past the signed date is set, in ms. The server refuses a date that is not
   * strictly in the past, with no allowance for skew; correct a known clock difference with
   * `clockOffsetMs`. @default 1000
   */
  backdateMs?: number
  /** Oldest accepted date when verifying, in seconds (the package's timeout). @default 5 */
  windowSeconds?: number
  /** How far in the future a date may be when verifying, in seconds (the reference allows none). @default 0 */
  futureSeconds?: number
}

const SCHEME = 'djangoHmac'
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * The body as Django REST framework parses it, re-serialized as Python's compact `json.dumps`,
 * hashed and base64-encoded; empty when the parsed body is falsy (no body, `{}`, `[]`, an empty form…).
 */
async function bodyHash(input: FunctionPartInput): Promise<string> {
  if (input.body.absent) return ''
  const bytes = await input.body.bytes()
  if (bytes.byteLength === 0) return ''
  const contentType = headerValue(input.headers, 'content-type')
  let canonical: string
  if (isFormContentType(contentType)) {
    // A dict of strings: a repeated field keeps its first position and its last value.
    const dict = new Map<string, string>()
    for (const [k, v] of formPairs(decodeUtf8Lossy(bytes))) dict.set(k, v)
    if (dict.size === 0) return ''
    canonical = `{${[...dict].map(([k, v]) => `${pythonJsonString(k)}:${pythonJsonString(v)}`).join(',')}}`
  } else {
    if (contentType !== undefined && /^\s*multipart\//i.test(contentType)) {
      fail('invalid_input', `${SCHEME} cannot sign a multipart body: the server hashes its parsed form of it, which Signet cannot reproduce; send JSON or a URL-encoded form`, { component: 'body', received: contentType })
    }
    let text: string
    try {
      text = fatalUtf8.decode(bytes)
    } catch {
      return fail('invalid_input', `${SCHEME}: the body is not UTF-8 text, so it cannot be JSON; send a JSON body (Content-Type: application/json) or a URL-encoded form`, { component: 'body' })
    }
    canonical = canonicalPythonJson(text, { scheme: SCHEME })
    if (isPythonFalsyJson(canonical)) return ''
  }
  return toBase64(await input.digest(input.hash, utf8.encode(canonical)))
}

function decodeSecret(secret: Uint8Array, keyId: string): Uint8Array {
  const bytes = fromBase64(decodeUtf8Lossy(secret))
  if (!bytes || bytes.byteLength === 0) {
    fail('invalid_key', `${SCHEME}: the secret of key ${JSON.stringify(keyId)} must be the api_secret as issued (base64 text, e.g. 44 characters for 32 bytes); it is not valid base64`, { keyId })
  }
  return bytes
}

/**
 * django_hmac_authentication (Django REST framework):
 *
 * ```
 * Authorization: <HMAC-SHA256|HMAC-SHA384|HMAC-SHA512> <api_key>;<signature>;<date>
 * sts       = base64(H(UTF8(pythonJson(parsed body)))) + ";" + date      (";" + date for a falsy body)
 * signature = base64(HMAC_H(base64decode(api_secret), UTF8(sts)))
 * ```
 * - The key's `id` is the api_key and its `secret` the api_secret **as issued** (base64 text);
 *   the key's `algorithm` picks the method name. Verification uses the received method name.
 * - The body is hashed as the server re-serializes it, not as sent: JSON is canonicalized from the
 *   exact text with {@link canonicalPythonJson} (key order kept, `\uXXXX` escapes, Python float
 *   repr), so a pretty-printed body verifies. URL-encoded forms hash as a dict of their last
 *   values. Other bodies (not JSON, NaN, multipart) throw `invalid_input`.
 * - The date is UTC ISO-8601 with milliseconds and `+00:00`, `backdateMs` (1 s) in the past: the
 *   server refuses dates that are not strictly past, and (by default) older than 5 s.
 * - **Method, path, query and host are not signed**: a signature is valid for any URL within
 *   the window. With a replay store, the verifier refuses the same signature twice.
 * - The window is the scheme's own (`windowSeconds`, `futureSeconds`); the verifier's
 *   `maxAgeSeconds` and `clockSkewSeconds` do not apply.
 * - Reference server statuses: every failure → 403 with JSON `{"detail": …}`.
 */
export function djangoHmac(options: DjangoHmacOptions = {}): Scheme {
  checkPresetOptions('djangoHmac', options)
  const backdate = options.backdateMs ?? 1000
  if (typeof backdate !== 'number' || !Number.isFinite(backdate) || backdate < 0) fail('invalid_input', `${SCHEME}: backdateMs must be a non-negative number of ms`, { component: 'backdateMs' })
  return customScheme({
    name: SCHEME,
    parts: [{ part: 'custom', name: 'body', body: 'bytes', value: bodyHash }, { part: 'timestamp' }],
    separator: ';',
    mac: 'hmac',
    encoding: 'base64',
    deriveKey: decodeSecret,
    signature: { header: 'authorization', template: '${algorithm} ${keyId};${signature};${timestamp}' },
    algorithmNames: { sha256: 'HMAC-SHA256', sha384: 'HMAC-SHA384', sha512: 'HMAC-SHA512' },
    timestamp: {
      format: {
        format: (ms) => new Date(Math.floor(ms - backdate)).toISOString().replace(/Z$/, '+00:00'),
        parse: parseIsoDateTime,
      },
    },
    windowSeconds: { past: options.windowSeconds ?? 5, future: options.futureSeconds ?? 0 },
  })
}
