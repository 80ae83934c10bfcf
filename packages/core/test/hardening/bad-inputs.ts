/**
 * The bad-input table: one row per way of calling Signet wrongly or presenting it a bad message,
 * with the SignetError code it gets. Data only: `bad-inputs.test.ts` runs every row (and scans its
 * error for the secret), and `errors-doc.ts` renders docs/errors.md from the same rows.
 *
 * Every key here uses the suite's recognizable secrets (support.ts).
 */
import type { SignetErrorCode } from '../../src/errors.ts'
import type { SigningKey } from '../../src/keys.ts'
import { cachedKeyLookup } from '../../src/key-cache.ts'
import { memoryReplayStore } from '../../src/replay.ts'
import { aspnetWebApiHmac } from '../../src/schemes/aspnet-webapi-hmac.ts'
import { authorizationContentHmac } from '../../src/schemes/authorization-content-hmac.ts'
import { bodyNonceHmac } from '../../src/schemes/body-nonce-hmac.ts'
import { customScheme } from '../../src/schemes/custom.ts'
import { djangoHmac } from '../../src/schemes/django-hmac.ts'
import { pipeCanonical } from '../../src/schemes/pipe-canonical.ts'
import { rfc9421 } from '../../src/schemes/rfc9421/index.ts'
import { presignRequest, sigv4 } from '../../src/schemes/sigv4/index.ts'
import { signRequest, signResponse, type SignOptions } from '../../src/sign.ts'
import { verifyRequest, verifyResponse, type VerifyOptions } from '../../src/verify.ts'
import { webCryptoBackend } from '../../src/crypto/webcrypto.ts'
import type { MessageRequest } from '../../src/message.ts'
import { DJANGO_SECRET_TEXT, KEY_ID, NOW, now, SECRET_BYTES, SECRET_TEXT } from './support.ts'

export type Group = 'Keys and secrets' | 'Requests, responses and bodies' | 'Options' | 'RFC 9421 signatures' | 'AWS SigV4' | 'Other schemes'

export interface BadInput {
  readonly group: Group
  /** What is wrong, as the docs show it. */
  readonly name: string
  /** The call that refuses it. */
  readonly call: string
  /** The SignetError code it gets. */
  readonly code: SignetErrorCode
  run(): unknown
}

const KEY: SigningKey = { id: KEY_ID, secret: SECRET_TEXT }
const KEYS = [KEY]
const URL_ = 'https://api.example.com/orders?id=7'
const REQ: MessageRequest = { method: 'POST', url: URL_, headers: { 'content-type': 'application/json' }, body: '{"a":1}' }
const sign = (options: Partial<SignOptions> = {}, request: MessageRequest = REQ) => signRequest(request, { key: KEY, now, ...options } as SignOptions)
const verify = (request: MessageRequest, options: Partial<VerifyOptions> = {}) => verifyRequest(request, { keys: KEYS, now, ...options } as VerifyOptions)

/** REQ signed with rfc9421 (at `at`), its headers then changed by `change`, verified at NOW. */
async function rfc(change: (h: Record<string, string>) => void = () => {}, options: Partial<VerifyOptions> = {}, signAt = NOW, scheme = rfc9421()): Promise<unknown> {
  const signed = await signRequest(REQ, { key: KEY, now: () => signAt, scheme })
  const headers: Record<string, string> = { ...(REQ.headers as Record<string, string>), ...signed.headers }
  change(headers)
  return verify({ ...REQ, headers }, { scheme, ...options })
}

/** Rewrites the sig1 Signature-Input. */
const input = (f: (v: string) => string) => (h: Record<string, string>) => {
  h['signature-input'] = f(h['signature-input']!)
}
/** Replaces the sig1 MAC with `mac` (base64). */
const mac = (m: string) => (h: Record<string, string>) => {
  h.signature = `sig1=:${m}:`
}
const b64 = (n: number, byte = 0x5a) => btoa(String.fromCharCode(...new Uint8Array(n).fill(byte)))

async function signedWith(scheme: ReturnType<typeof rfc9421>, key: SigningKey, request: MessageRequest = REQ, at = NOW): Promise<MessageRequest & { headers: Record<string, string> }> {
  const signed = await signRequest(request, { key, scheme, now: () => at })
  return { ...request, headers: { ...(request.headers as Record<string, string>), ...signed.headers } }
}

const SIGV4 = sigv4({ region: 'eu-west-3', service: 'execute-api' })
const SIGV4_KEY: SigningKey = { id: 'AKIDHARDENING', secret: SECRET_TEXT }
async function sigv4Signed(change: (h: Record<string, string>) => void): Promise<unknown> {
  const s = await signedWith(SIGV4, SIGV4_KEY)
  change(s.headers)
  return verifyRequest(s, { keys: [SIGV4_KEY], scheme: SIGV4, now })
}

function streamOf(...chunks: unknown[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(c) {
      for (const chunk of chunks) c.enqueue(chunk as Uint8Array)
      c.close()
    },
  })
}

async function hmacCryptoKey(): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', SECRET_BYTES as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify'])
}

/** Runs `f` with `globalThis.crypto` lacking `subtle` (an insecure browser context), then restores it. */
async function withoutSubtle(f: () => Promise<unknown>): Promise<unknown> {
  const own = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
  const real = globalThis.crypto
  Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: real.getRandomValues.bind(real) }, configurable: true, writable: true })
  try {
    return await f()
  } finally {
    if (own) Object.defineProperty(globalThis, 'crypto', own)
    else delete (globalThis as { crypto?: unknown }).crypto
  }
}

const PIPE = pipeCanonical({ keyId: KEY_ID })
const NONCE = bodyNonceHmac({ keyId: KEY_ID })
const DJANGO_KEY: SigningKey = { id: KEY_ID, secret: DJANGO_SECRET_TEXT }

/** Signs REQ-like `request` with a custom preset, changes the signed headers, verifies. */
async function custom(scheme: ReturnType<typeof pipeCanonical>, change: (h: Record<string, string>) => void, key: SigningKey = KEY, request: MessageRequest = REQ, options: Partial<VerifyOptions> = {}): Promise<unknown> {
  const s = await signedWith(scheme, key, request)
  change(s.headers)
  return verifyRequest(s, { keys: [key], scheme, now, ...options })
}

export const BAD_INPUTS: readonly BadInput[] = [
  // ---------------------------------------------------------------------------------------------
  { group: 'Keys and secrets', name: 'secret is an empty string', call: 'signRequest', code: 'invalid_key', run: () => sign({ key: { id: KEY_ID, secret: '' } }) },
  { group: 'Keys and secrets', name: 'secret is an empty Uint8Array', call: 'signRequest', code: 'invalid_key', run: () => sign({ key: { id: KEY_ID, secret: new Uint8Array(0) } }) },
  { group: 'Keys and secrets', name: 'secret of the wrong type (a number)', call: 'signRequest', code: 'invalid_key', run: () => sign({ key: { id: KEY_ID, secret: 12345 as unknown as string } }) },
  { group: 'Keys and secrets', name: 'secret is null', call: 'signRequest', code: 'invalid_key', run: () => sign({ key: { id: KEY_ID, secret: null as unknown as string } }) },
  { group: 'Keys and secrets', name: 'secret is an array of byte values', call: 'signRequest', code: 'invalid_key', run: () => sign({ key: { id: KEY_ID, secret: [...SECRET_BYTES] as unknown as Uint8Array } }) },
  { group: 'Keys and secrets', name: 'key without an id', call: 'signRequest', code: 'invalid_key', run: () => sign({ key: { secret: SECRET_TEXT } as SigningKey }) },
  { group: 'Keys and secrets', name: 'key id is an empty string', call: 'signRequest', code: 'invalid_key', run: () => sign({ key: { id: '', secret: SECRET_TEXT } }) },
  { group: 'Keys and secrets', name: 'key is null', call: 'signRequest', code: 'invalid_key', run: () => sign({ key: null as unknown as SigningKey }) },
  { group: 'Keys and secrets', name: 'no key in the options', call: 'signRequest', code: 'invalid_key', run: () => signRequest(REQ, { now } as SignOptions) },
  { group: 'Keys and secrets', name: 'unknown key algorithm ("md5")', call: 'signRequest', code: 'unsupported_algorithm', run: () => sign({ key: { ...KEY, algorithm: 'md5' as 'sha256' } }) },
  { group: 'Keys and secrets', name: 'key algorithm of the wrong type (256)', call: 'signRequest', code: 'unsupported_algorithm', run: () => sign({ key: { ...KEY, algorithm: 256 as unknown as 'sha256' } }) },
  {
    group: 'Keys and secrets',
    name: 'CryptoKey for AES instead of HMAC',
    call: 'signRequest',
    code: 'invalid_key',
    run: async () => sign({ key: { id: KEY_ID, secret: await crypto.subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, ['encrypt']) } }),
  },
  {
    group: 'Keys and secrets',
    name: 'CryptoKey with a scheme that hashes the secret itself',
    call: 'signRequest (authorizationContentHmac)',
    code: 'invalid_key',
    run: async () => sign({ key: { id: KEY_ID, secret: await hmacCryptoKey() }, scheme: authorizationContentHmac() }),
  },
  { group: 'Keys and secrets', name: 'djangoHmac secret that is not base64', call: 'signRequest (djangoHmac)', code: 'invalid_key', run: () => sign({ key: { id: KEY_ID, secret: SECRET_TEXT }, scheme: djangoHmac() }) },
  { group: 'Keys and secrets', name: "SigV4 access key id containing '/'", call: 'signRequest (sigv4)', code: 'invalid_key', run: () => sign({ key: { id: 'AKID/X', secret: SECRET_TEXT }, scheme: SIGV4 }) },
  { group: 'Keys and secrets', name: 'SigV4 key set to sha512', call: 'signRequest (sigv4)', code: 'unsupported_algorithm', run: () => sign({ key: { ...SIGV4_KEY, algorithm: 'sha512' }, scheme: SIGV4 }) },
  { group: 'Keys and secrets', name: 'signature by a key id the verifier does not know', call: 'verifyRequest', code: 'unknown_key', run: () => rfc(() => {}, { keys: [{ id: 'someone-else', secret: SECRET_TEXT }] }) },
  { group: 'Keys and secrets', name: 'verifier keys of the wrong type (a string)', call: 'verifyRequest', code: 'invalid_input', run: () => rfc(() => {}, { keys: SECRET_TEXT as unknown as SigningKey[] }) },
  { group: 'Keys and secrets', name: 'verifier options without keys', call: 'verifyRequest', code: 'invalid_input', run: () => verifyRequest(REQ, { now } as VerifyOptions) },
  {
    group: 'Keys and secrets',
    name: 'no crypto.subtle (insecure browser context) with the WebCrypto backend',
    call: 'signRequest',
    code: 'crypto_unavailable',
    run: () => withoutSubtle(() => sign({ crypto: webCryptoBackend, key: { id: KEY_ID, secret: `${SECRET_TEXT}-nosubtle` } })),
  },

  // ---------------------------------------------------------------------------------------------
  { group: 'Requests, responses and bodies', name: 'request is null', call: 'signRequest', code: 'invalid_input', run: () => signRequest(null as unknown as MessageRequest, { key: KEY }) },
  { group: 'Requests, responses and bodies', name: 'request is a URL string', call: 'verifyRequest', code: 'invalid_input', run: () => verify(URL_ as unknown as MessageRequest) },
  { group: 'Requests, responses and bodies', name: 'URL without a host (mailto:)', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { method: 'GET', url: 'mailto:ops@example.com' }) },
  { group: 'Requests, responses and bodies', name: 'URL object without a host (file:///)', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { method: 'GET', url: new URL('file:///etc/hosts') }) },
  { group: 'Requests, responses and bodies', name: 'relative URL with no base', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { method: 'GET', url: '/orders?id=7' }) },
  { group: 'Requests, responses and bodies', name: 'URL of the wrong type (a number)', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { method: 'GET', url: 42 as unknown as string }) },
  { group: 'Requests, responses and bodies', name: 'method with a space', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { ...REQ, method: 'GET /admin' }) },
  { group: 'Requests, responses and bodies', name: 'empty method', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { ...REQ, method: '' }) },
  { group: 'Requests, responses and bodies', name: 'method missing', call: 'verifyRequest', code: 'invalid_input', run: () => verify({ url: URL_ } as MessageRequest) },
  { group: 'Requests, responses and bodies', name: 'header value with CR/LF', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { ...REQ, headers: { 'x-note': 'a\r\nx-injected: 1' } }) },
  { group: 'Requests, responses and bodies', name: 'header value with NUL', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { ...REQ, headers: { 'x-note': 'a\u0000b' } }) },
  { group: 'Requests, responses and bodies', name: 'header value with a character above U+00FF', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { ...REQ, headers: { 'x-note': 'ok ✓' } }) },
  { group: 'Requests, responses and bodies', name: 'header name with a space', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { ...REQ, headers: { 'x note': '1' } }) },
  { group: 'Requests, responses and bodies', name: 'header value of the wrong type (a number)', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { ...REQ, headers: { 'x-count': 3 as unknown as string } }) },
  { group: 'Requests, responses and bodies', name: 'headers of the wrong type (a number)', call: 'verifyRequest', code: 'invalid_input', run: () => verify({ ...REQ, headers: 7 as unknown as Record<string, string> }) },
  { group: 'Requests, responses and bodies', name: 'body of an unsupported type (a plain object)', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { ...REQ, body: { a: 1 } as unknown as string }) },
  {
    group: 'Requests, responses and bodies',
    name: 'Request whose body was already read',
    call: 'signRequest',
    code: 'body_unusable',
    run: async () => {
      const request = new Request(URL_, { method: 'POST', body: '{"a":1}' })
      await request.text()
      return signRequest(request, { key: KEY, now })
    },
  },
  {
    group: 'Requests, responses and bodies',
    name: 'locked ReadableStream body',
    call: 'signRequest',
    code: 'body_unusable',
    run: () => {
      const body = streamOf(new Uint8Array([1]))
      body.getReader()
      return sign({}, { ...REQ, body })
    },
  },
  {
    group: 'Requests, responses and bodies',
    name: 'Response whose body was already read',
    call: 'verifyResponse',
    code: 'body_unusable',
    run: async () => {
      const response = new Response('ok')
      await response.text()
      return verifyResponse(response, { keys: KEYS, now })
    },
  },
  { group: 'Requests, responses and bodies', name: 'stream body that yields strings, not bytes', call: 'signRequest', code: 'invalid_input', run: () => sign({}, { ...REQ, body: streamOf('text') }) },
  {
    group: 'Requests, responses and bodies',
    name: 'stream body larger than maxBufferedBodyBytes, for a scheme that needs the whole body',
    call: 'signRequest (pipeCanonical)',
    code: 'body_too_large',
    run: () => sign({ scheme: PIPE, maxBufferedBodyBytes: 10 }, { ...REQ, body: streamOf(new Uint8Array(64)) }),
  },
  { group: 'Requests, responses and bodies', name: 'response status 42', call: 'signResponse', code: 'invalid_input', run: () => signResponse({ status: 42 }, { key: KEY, now }) },
  { group: 'Requests, responses and bodies', name: 'response status as a string ("200")', call: 'verifyResponse', code: 'invalid_input', run: () => verifyResponse({ status: '200' as unknown as number }, { keys: KEYS, now }) },
  { group: 'Requests, responses and bodies', name: 'response is null', call: 'verifyResponse', code: 'invalid_input', run: () => verifyResponse(null as unknown as Response, { keys: KEYS, now }) },

  // ---------------------------------------------------------------------------------------------
  { group: 'Options', name: 'sign options are null', call: 'signRequest', code: 'invalid_input', run: () => signRequest(REQ, null as unknown as SignOptions) },
  { group: 'Options', name: 'verify options are null', call: 'verifyRequest', code: 'invalid_input', run: () => verifyRequest(REQ, null as unknown as VerifyOptions) },
  { group: 'Options', name: 'scheme of the wrong type (the string "rfc9421")', call: 'signRequest', code: 'invalid_input', run: () => sign({ scheme: 'rfc9421' as unknown as SignOptions['scheme'] }) },
  { group: 'Options', name: 'scheme of the wrong type (the preset function, not called)', call: 'verifyRequest', code: 'invalid_input', run: () => verify(REQ, { scheme: rfc9421 as unknown as VerifyOptions['scheme'] }) },
  { group: 'Options', name: 'crypto backend of the wrong type', call: 'signRequest', code: 'invalid_input', run: () => sign({ crypto: {} as SignOptions['crypto'] }) },
  { group: 'Options', name: 'now is not a function', call: 'signRequest', code: 'invalid_input', run: () => sign({ now: NOW as unknown as () => number }) },
  { group: 'Options', name: 'now() returns NaN', call: 'verifyRequest', code: 'invalid_input', run: () => verify(REQ, { now: () => Number.NaN }) },
  { group: 'Options', name: 'clockOffsetMs as a string', call: 'signRequest', code: 'invalid_input', run: () => sign({ clockOffsetMs: '5' as unknown as number }) },
  { group: 'Options', name: 'maxAgeSeconds negative', call: 'verifyRequest', code: 'invalid_input', run: () => verify(REQ, { maxAgeSeconds: -1 }) },
  { group: 'Options', name: 'clockSkewSeconds NaN', call: 'verifyRequest', code: 'invalid_input', run: () => verify(REQ, { clockSkewSeconds: Number.NaN }) },
  { group: 'Options', name: 'required is a string, not an array', call: 'verifyRequest', code: 'invalid_input', run: () => rfc(() => {}, { required: '@method' as unknown as string[] }) },
  { group: 'Options', name: 'required names an unknown derived component', call: 'verifyRequest', code: 'invalid_input', run: () => rfc(() => {}, { required: ['@nope'] }) },
  { group: 'Options', name: 'replayStore of the wrong type', call: 'verifyRequest', code: 'invalid_input', run: () => rfc(() => {}, { replayStore: {} as VerifyOptions['replayStore'] }) },
  { group: 'Options', name: 'nonce option is not a function', call: 'signRequest', code: 'invalid_input', run: () => sign({ nonce: 'fixed' as unknown as () => string }) },
  { group: 'Options', name: 'nonce() returns CR/LF (header injection)', call: 'signRequest (bodyNonceHmac)', code: 'invalid_input', run: () => sign({ scheme: NONCE, nonce: () => 'n\r\nx-injected: 1' }) },
  { group: 'Options', name: 'nonce() returns a number', call: 'signRequest', code: 'invalid_input', run: () => sign({ nonce: (() => 5) as unknown as () => string }) },
  { group: 'Options', name: 'maxBufferedBodyBytes as a string', call: 'signRequest', code: 'invalid_input', run: () => sign({ maxBufferedBodyBytes: '1mb' as unknown as number }) },
  { group: 'Options', name: 'rfc9421 label with upper case', call: 'rfc9421()', code: 'invalid_input', run: () => rfc9421({ label: 'Sig1' }) },
  { group: 'Options', name: 'rfc9421 components with an unknown derived component', call: 'rfc9421()', code: 'invalid_input', run: () => rfc9421({ components: ['@method', '@nope'] }) },
  { group: 'Options', name: 'rfc9421 components listing one component twice', call: 'rfc9421()', code: 'invalid_input', run: () => rfc9421({ components: ['@method', '@path', '"@method"'] }) },
  { group: 'Options', name: 'rfc9421 contentDigest "md5"', call: 'rfc9421()', code: 'unsupported_algorithm', run: () => rfc9421({ contentDigest: 'md5' as 'sha-256' }) },
  { group: 'Options', name: 'rfc9421 expiresInSeconds 0', call: 'rfc9421()', code: 'invalid_input', run: () => rfc9421({ expiresInSeconds: 0 }) },
  { group: 'Options', name: 'sigv4 without a region', call: 'sigv4()', code: 'invalid_input', run: () => sigv4({ service: 'execute-api' } as Parameters<typeof sigv4>[0]) },
  { group: 'Options', name: 'sigv4 options are null', call: 'sigv4()', code: 'invalid_input', run: () => sigv4(null as unknown as Parameters<typeof sigv4>[0]) },
  { group: 'Options', name: 'djangoHmac options are null', call: 'djangoHmac()', code: 'invalid_input', run: () => djangoHmac(null as unknown as object) },
  { group: 'Options', name: 'pipeCanonical options are a string', call: 'pipeCanonical()', code: 'invalid_input', run: () => pipeCanonical('x-api-signature' as unknown as object) },
  { group: 'Options', name: 'aspnetWebApiHmac options are null', call: 'aspnetWebApiHmac()', code: 'invalid_input', run: () => aspnetWebApiHmac(null as unknown as object) },
  { group: 'Options', name: 'bodyNonceHmac options are a number', call: 'bodyNonceHmac()', code: 'invalid_input', run: () => bodyNonceHmac(1 as unknown as object) },
  { group: 'Options', name: 'authorizationContentHmac options are null', call: 'authorizationContentHmac()', code: 'invalid_input', run: () => authorizationContentHmac(null as unknown as object) },
  {
    group: 'Options',
    name: 'customScheme timestamp format named after an Object property ("constructor")',
    call: 'customScheme()',
    code: 'invalid_input',
    run: () => customScheme({ name: 'x', parts: [{ part: 'timestamp' }], signature: { header: 'x-sig' }, timestamp: { header: 'x-ts', format: 'constructor' as 'unix' } }),
  },
  { group: 'Options', name: 'customScheme mac "md5"', call: 'customScheme()', code: 'unsupported_algorithm', run: () => customScheme({ name: 'x', parts: ['a'], mac: 'md5' as 'hmac', signature: { header: 'x-sig' } }) },
  { group: 'Options', name: 'memoryReplayStore maxEntries 0', call: 'memoryReplayStore()', code: 'invalid_input', run: () => memoryReplayStore({ maxEntries: 0 }) },
  { group: 'Options', name: 'memoryReplayStore options are null', call: 'memoryReplayStore()', code: 'invalid_input', run: () => memoryReplayStore(null as unknown as object) },
  { group: 'Options', name: 'cachedKeyLookup without a lookup function', call: 'cachedKeyLookup()', code: 'invalid_input', run: () => cachedKeyLookup(KEYS as unknown as () => undefined) },
  { group: 'Options', name: 'response signing with a scheme that has none (sigv4)', call: 'signResponse', code: 'invalid_input', run: () => signResponse({ status: 200 }, { key: SIGV4_KEY, scheme: SIGV4, now }) },
  {
    group: 'Options',
    name: 'presignRequest expiresInSeconds over one week',
    call: 'presignRequest',
    code: 'invalid_input',
    run: () => presignRequest({ method: 'GET', url: URL_ }, { key: SIGV4_KEY, region: 'eu-west-3', service: 's3', expiresInSeconds: 604801, now }),
  },

  // ---------------------------------------------------------------------------------------------
  {
    group: 'RFC 9421 signatures',
    name: 'signing a message that already has a signature with the same label (duplicate label)',
    call: 'signRequest',
    code: 'invalid_input',
    run: async () => {
      const once = await signRequest(REQ, { key: KEY, now })
      return signRequest({ ...REQ, headers: { ...(REQ.headers as Record<string, string>), ...once.headers } }, { key: KEY, now })
    },
  },
  {
    group: 'RFC 9421 signatures',
    name: 'duplicate label in Signature-Input: the last member wins (RFC 8941), here not an inner list',
    call: 'verifyRequest',
    code: 'malformed_signature',
    run: () => rfc(input((v) => `${v}, sig1=("@method")x`)),
  },
  {
    group: 'RFC 9421 signatures',
    name: 'duplicate label in Signature: the last MAC wins, here another one',
    call: 'verifyRequest',
    code: 'signature_mismatch',
    run: () => rfc((h) => (h.signature = `${h.signature}, sig1=:${b64(32)}:`)),
  },
  { group: 'RFC 9421 signatures', name: 'no Signature-Input or Signature header', call: 'verifyRequest', code: 'missing_signature', run: () => verify(REQ) },
  { group: 'RFC 9421 signatures', name: 'Signature-Input without Signature', call: 'verifyRequest', code: 'missing_signature', run: () => rfc((h) => delete h.signature) },
  { group: 'RFC 9421 signatures', name: 'created in the future (beyond clockSkewSeconds)', call: 'verifyRequest', code: 'not_yet_valid', run: () => rfc(() => {}, {}, NOW + 3_600_000) },
  { group: 'RFC 9421 signatures', name: 'created longer ago than maxAgeSeconds', call: 'verifyRequest', code: 'expired', run: () => rfc(() => {}, {}, NOW - 3_600_000) },
  { group: 'RFC 9421 signatures', name: 'expires before created', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => `${v};expires=1600000000`)) },
  { group: 'RFC 9421 signatures', name: 'expires in the past', call: 'verifyRequest', code: 'expired', run: () => rfc(() => {}, {}, NOW - 120_000, rfc9421({ expiresInSeconds: 60 })) },
  { group: 'RFC 9421 signatures', name: 'negative created', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => v.replace(/;created=\d+/, ';created=-1700000000'))) },
  { group: 'RFC 9421 signatures', name: 'non-integer created (a decimal)', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => v.replace(/;created=(\d+)/, ';created=$1.5'))) },
  { group: 'RFC 9421 signatures', name: 'created as a string', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => v.replace(/;created=(\d+)/, ';created="$1"'))) },
  { group: 'RFC 9421 signatures', name: 'signature bytes that are not base64', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc((h) => (h.signature = 'sig1=:not*base64!:')) },
  { group: 'RFC 9421 signatures', name: 'signature as a token, not a byte sequence', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc((h) => (h.signature = 'sig1=abc')) },
  { group: 'RFC 9421 signatures', name: 'truncated MAC (31 of 32 bytes)', call: 'verifyRequest', code: 'signature_mismatch', run: () => rfc(mac(b64(31))) },
  { group: 'RFC 9421 signatures', name: 'wrong-length MAC (64 bytes for hmac-sha256)', call: 'verifyRequest', code: 'signature_mismatch', run: () => rfc(mac(b64(64))) },
  { group: 'RFC 9421 signatures', name: 'empty MAC', call: 'verifyRequest', code: 'signature_mismatch', run: () => rfc(mac('')) },
  { group: 'RFC 9421 signatures', name: 'MAC of the right length that does not match', call: 'verifyRequest', code: 'signature_mismatch', run: () => rfc(mac(b64(32))) },
  { group: 'RFC 9421 signatures', name: 'unknown algorithm in alg ("hmac-md5")', call: 'verifyRequest', code: 'unsupported_algorithm', run: () => rfc(input((v) => v.replace(/;alg="[^"]*"/, ';alg="hmac-md5"'))) },
  { group: 'RFC 9421 signatures', name: 'alg named after an Object property ("constructor")', call: 'verifyRequest', code: 'unsupported_algorithm', run: () => rfc(input((v) => v.replace(/;alg="[^"]*"/, ';alg="constructor"'))) },
  {
    group: 'RFC 9421 signatures',
    name: 'component with ;sf for a header of unknown structured type named after an Object property ("constructor")',
    call: 'signRequest',
    code: 'invalid_input',
    run: () => sign({ scheme: rfc9421({ components: ['@method', '"constructor";sf'] }) }, { ...REQ, headers: { constructor: '1' } }),
  },
  { group: 'RFC 9421 signatures', name: "alg for another hash than the key's", call: 'verifyRequest', code: 'signature_mismatch', run: () => rfc(input((v) => v.replace(/;alg="[^"]*"/, ';alg="hmac-sha512"'))) },
  { group: 'RFC 9421 signatures', name: 'missing keyid', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => v.replace(/;keyid="[^"]*"/, ''))) },
  { group: 'RFC 9421 signatures', name: 'unknown signature parameter', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => `${v};foo=1`)) },
  { group: 'RFC 9421 signatures', name: 'unknown derived component ("@nope")', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => v.replace('("@method"', '("@nope" "@method"'))) },
  { group: 'RFC 9421 signatures', name: 'upper-case component name', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => v.replace('"content-type"', '"Content-Type"'))) },
  { group: 'RFC 9421 signatures', name: 'Signature-Input longer than 8192 characters', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => `${v}, pad=("${'x'.repeat(8200)}")`)) },
  { group: 'RFC 9421 signatures', name: 'more than 16 signatures', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => [v, ...Array.from({ length: 16 }, (_, i) => `s${i}=("@method")`)].join(', '))) },
  {
    group: 'RFC 9421 signatures',
    name: 'more than 64 covered components',
    call: 'verifyRequest',
    code: 'malformed_signature',
    run: () => rfc(input((v) => v.replace('("@method"', `(${Array.from({ length: 64 }, (_, i) => `"x-${i}"`).join(' ')} "@method"`))),
  },
  { group: 'RFC 9421 signatures', name: 'non-ASCII character in Signature-Input', call: 'verifyRequest', code: 'malformed_signature', run: () => rfc(input((v) => v.replace(/;nonce="[^"]*"/, ';nonce="é"'))) },
  {
    group: 'RFC 9421 signatures',
    name: 'signature that does not cover @method, @authority and @path',
    call: 'verifyRequest',
    code: 'insufficient_coverage',
    run: () => rfc(() => {}, {}, NOW, rfc9421({ components: ['@path', '@query', 'content-digest'] })),
  },
  {
    group: 'RFC 9421 signatures',
    name: 'body present but Content-Digest not covered',
    call: 'verifyRequest',
    code: 'insufficient_coverage',
    run: () => rfc(() => {}, {}, NOW, rfc9421({ components: ['@method', '@authority', '@path', '@query'] })),
  },
  {
    group: 'RFC 9421 signatures',
    name: 'query present but not covered',
    call: 'verifyRequest',
    code: 'insufficient_coverage',
    run: () => rfc(() => {}, {}, NOW, rfc9421({ components: ['@method', '@authority', '@path', 'content-digest'] })),
  },
  {
    group: 'RFC 9421 signatures',
    name: 'Content-Digest with no algorithm Signet checks (covered, MAC valid)',
    call: 'verifyRequest',
    code: 'unsupported_algorithm',
    run: async () => {
      const scheme = rfc9421({ contentDigest: false, components: ['@method', '@authority', '@path', '@query', 'content-digest'] })
      const request = { ...REQ, headers: { 'content-digest': 'md5=:AAAAAAAAAAAAAAAAAAAAAA==:' } }
      return verify(await signedWith(scheme, KEY, request), { scheme })
    },
  },
  { group: 'RFC 9421 signatures', name: 'body changed after signing', call: 'verifyRequest', code: 'digest_mismatch', run: async () => verify({ ...(await signedWith(rfc9421(), KEY)), body: '{"a":2}' }) },
  {
    group: 'RFC 9421 signatures',
    name: 'same nonce presented twice',
    call: 'verifyRequest',
    code: 'replayed',
    run: async () => {
      const replayStore = memoryReplayStore()
      const signed = await signedWith(rfc9421(), KEY)
      await verify(signed, { replayStore })
      return verify(signed, { replayStore })
    },
  },
  {
    group: 'RFC 9421 signatures',
    name: 'replay store that throws',
    call: 'verifyRequest',
    code: 'replay_store_unavailable',
    run: () =>
      rfc(() => {}, {
        replayStore: {
          checkAndStore() {
            throw new Error('connection refused')
          },
        },
      }),
  },
  { group: 'RFC 9421 signatures', name: 'replay store configured, signature without a nonce', call: 'verifyRequest', code: 'insufficient_coverage', run: () => rfc(() => {}, { replayStore: memoryReplayStore() }, NOW, rfc9421({ nonce: false })) },
  {
    group: 'RFC 9421 signatures',
    name: 'response signature with ;req components but no request given',
    call: 'verifyResponse',
    code: 'invalid_input',
    run: async () => {
      const request = await signedWith(rfc9421(), KEY)
      const response = { status: 200, headers: { 'content-type': 'text/plain' }, body: 'ok' }
      const signed = await signResponse(response, { key: KEY, now, request })
      return verifyResponse({ ...response, headers: { ...response.headers, ...signed.headers } }, { keys: KEYS, now, required: ['@status'] })
    },
  },

  // ---------------------------------------------------------------------------------------------
  { group: 'AWS SigV4', name: 'Authorization that is not AWS4-HMAC-SHA256 (Basic)', call: 'verifyRequest (sigv4)', code: 'missing_signature', run: () => sigv4Signed((h) => (h.authorization = 'Basic dXNlcjpwYXNz')) },
  { group: 'AWS SigV4', name: 'AWS4-HMAC-SHA512', call: 'verifyRequest (sigv4)', code: 'unsupported_algorithm', run: () => sigv4Signed((h) => (h.authorization = h.authorization!.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512'))) },
  { group: 'AWS SigV4', name: 'Authorization longer than 8192 characters', call: 'verifyRequest (sigv4)', code: 'malformed_signature', run: () => sigv4Signed((h) => (h.authorization = `${h.authorization}${' '.repeat(8200)}x`)) },
  { group: 'AWS SigV4', name: 'no X-Amz-Date header', call: 'verifyRequest (sigv4)', code: 'malformed_signature', run: () => sigv4Signed((h) => delete h['x-amz-date']) },
  { group: 'AWS SigV4', name: 'X-Amz-Date that is not a date (20231399T250000Z)', call: 'verifyRequest (sigv4)', code: 'malformed_signature', run: () => sigv4Signed((h) => (h['x-amz-date'] = '20231399T250000Z')) },
  { group: 'AWS SigV4', name: 'credential scope for another region', call: 'verifyRequest (sigv4)', code: 'signature_mismatch', run: () => sigv4Signed((h) => (h.authorization = h.authorization!.replace('/eu-west-3/', '/us-east-1/'))) },
  { group: 'AWS SigV4', name: 'signature of 63 hex digits', call: 'verifyRequest (sigv4)', code: 'malformed_signature', run: () => sigv4Signed((h) => (h.authorization = h.authorization!.replace(/Signature=[0-9a-f]/, 'Signature='))) },
  { group: 'AWS SigV4', name: 'chunked (STREAMING-) payload', call: 'verifyRequest (sigv4)', code: 'unsupported_algorithm', run: () => sigv4Signed((h) => (h['x-amz-content-sha256'] = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD')) },
  {
    group: 'AWS SigV4',
    name: 'presigned URL with X-Amz-Expires 0',
    call: 'verifyRequest (sigv4)',
    code: 'malformed_signature',
    run: async () => {
      const url = await presignRequest({ method: 'GET', url: URL_ }, { key: SIGV4_KEY, region: 'eu-west-3', service: 'execute-api', now })
      url.searchParams.set('X-Amz-Expires', '0')
      return verifyRequest({ method: 'GET', url }, { keys: [SIGV4_KEY], scheme: SIGV4, now })
    },
  },

  // ---------------------------------------------------------------------------------------------
  { group: 'Other schemes', name: 'pipeCanonical verifier without the keyId option (the scheme sends no key id)', call: 'verifyRequest (pipeCanonical)', code: 'invalid_input', run: async () => verifyRequest(await signedWith(PIPE, KEY), { keys: KEYS, scheme: pipeCanonical(), now }) },
  { group: 'Other schemes', name: 'signature header longer than 8192 characters', call: 'verifyRequest (djangoHmac)', code: 'malformed_signature', run: () => custom(djangoHmac(), (h) => (h.authorization = `HMAC-SHA256 ${'x '.repeat(5000)};`), DJANGO_KEY) },
  { group: 'Other schemes', name: 'MAC in upper-case hex', call: 'verifyRequest (pipeCanonical)', code: 'malformed_signature', run: () => custom(PIPE, (h) => (h['x-api-signature'] = h['x-api-signature']!.toUpperCase())) },
  { group: 'Other schemes', name: 'truncated MAC', call: 'verifyRequest (pipeCanonical)', code: 'signature_mismatch', run: () => custom(PIPE, (h) => (h['x-api-signature'] = h['x-api-signature']!.slice(0, 62))) },
  { group: 'Other schemes', name: 'timestamp that is not a number', call: 'verifyRequest (pipeCanonical)', code: 'malformed_signature', run: () => custom(PIPE, (h) => (h['x-request-timestamp'] = 'yesterday')) },
  { group: 'Other schemes', name: 'negative timestamp', call: 'verifyRequest (pipeCanonical)', code: 'malformed_signature', run: () => custom(PIPE, (h) => (h['x-request-timestamp'] = '-1700000000')) },
  { group: 'Other schemes', name: 'timestamp in the future (beyond the window)', call: 'verifyRequest (pipeCanonical)', code: 'not_yet_valid', run: () => custom(PIPE, (h) => (h['x-request-timestamp'] = String(NOW / 1000 + 3600))) },
  { group: 'Other schemes', name: 'timestamp older than the window', call: 'verifyRequest (pipeCanonical)', code: 'expired', run: () => custom(PIPE, (h) => (h['x-request-timestamp'] = String(NOW / 1000 - 3600))) },
  {
    group: 'Other schemes',
    name: 'key id with CR/LF, sent in a header template',
    call: 'signRequest (aspnetWebApiHmac)',
    code: 'invalid_input',
    run: () => sign({ key: { id: 'user\r\nx-injected: 1', secret: SECRET_TEXT }, scheme: aspnetWebApiHmac() }),
  },
  { group: 'Other schemes', name: 'JSON body with NaN', call: 'signRequest (djangoHmac)', code: 'invalid_input', run: () => sign({ key: DJANGO_KEY, scheme: djangoHmac() }, { ...REQ, body: '{"a":NaN}' }) },
  { group: 'Other schemes', name: 'body that is not JSON', call: 'signRequest (djangoHmac)', code: 'invalid_input', run: () => sign({ key: DJANGO_KEY, scheme: djangoHmac() }, { ...REQ, body: 'a=1&b=2' }) },
  {
    group: 'Other schemes',
    name: 'multipart body',
    call: 'signRequest (djangoHmac)',
    code: 'invalid_input',
    run: () => sign({ key: DJANGO_KEY, scheme: djangoHmac() }, { ...REQ, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' }),
  },
  {
    group: 'Other schemes',
    name: 'unknown algorithm name (HMAC-MD5)',
    call: 'verifyRequest (djangoHmac)',
    code: 'unsupported_algorithm',
    run: () => custom(djangoHmac(), (h) => (h.authorization = h.authorization!.replace('HMAC-SHA256', 'HMAC-MD5')), DJANGO_KEY),
  },
  {
    group: 'Other schemes',
    name: 'timestamp with the wrong day of the week',
    call: 'verifyRequest (aspnetWebApiHmac)',
    code: 'malformed_signature',
    run: () => custom(aspnetWebApiHmac(), (h) => (h.timestamp = h.timestamp!.replace(/^\w+/, (d) => (d === 'Monday' ? 'Friday' : 'Monday')))),
  },
  {
    group: 'Other schemes',
    name: 'nonce longer than 256 characters, with a replay store (the reference layout does not sign it)',
    call: 'verifyRequest (bodyNonceHmac)',
    code: 'malformed_signature',
    run: () => custom(NONCE, (h) => (h['x-request-nonce'] = 'n'.repeat(257)), KEY, REQ, { replayStore: memoryReplayStore() }),
  },
  { group: 'Other schemes', name: 'no nonce header', call: 'verifyRequest (bodyNonceHmac)', code: 'malformed_signature', run: () => custom(NONCE, (h) => delete h['x-request-nonce']) },
  { group: 'Other schemes', name: 'no signature header on a POST', call: 'verifyRequest (bodyNonceHmac)', code: 'missing_signature', run: () => custom(NONCE, (h) => delete h['x-api-signature']) },
  {
    group: 'Other schemes',
    name: 'nonce presented twice',
    call: 'verifyRequest (bodyNonceHmac)',
    code: 'replayed',
    run: async () => {
      const replayStore = memoryReplayStore()
      const signed = await signedWith(NONCE, KEY)
      await verifyRequest(signed, { keys: KEYS, scheme: NONCE, now, replayStore })
      return verifyRequest(signed, { keys: KEYS, scheme: NONCE, now, replayStore })
    },
  },
]
