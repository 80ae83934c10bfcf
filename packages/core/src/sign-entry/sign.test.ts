/**
 * @signet/core/sign against the full entry: the RFC 9421 B.2.5 vector, byte-identical output for
 * arbitrary requests and options (fast-check), verification by core's verifyRequest on a real
 * loopback server, the @noble/hashes fallback without crypto.subtle, and bad inputs.
 */
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fromBase64 } from '../canonicalize/encoding.ts'
import { isSignetError, SignetError } from '../errors.ts'
import type { MessageRequest } from '../message.ts'
import { rfc9421 } from '../schemes/rfc9421/index.ts'
import { signRequest as fullSignRequest } from '../sign.ts'
import { coreApp, TEST_KEY } from '../../test/support/app.ts'
import { runtime, startServer, type RunningServer } from '../../test/support/server.ts'
import { vectorJson } from '../../test/support/vectors.ts'
import { signRequest, type LiteSignOptions } from './index.ts'

const NOW = 1_700_000_000_123
const now = (): number => NOW
const env = (import.meta as unknown as { env?: Record<string, string | undefined> }).env

/** The full entry's call that must give the same output as the lite one with `options`. */
function fullSign(request: Request | MessageRequest, options: LiteSignOptions) {
  const { key, now, clockOffsetMs, nonce, label, components, expiresInSeconds, alg, tag, contentDigest } = options
  return (async () => {
    const scheme = rfc9421({ label, components, expiresInSeconds, alg, tag, contentDigest, nonce: nonce !== false })
    return fullSignRequest(request, { key, now, clockOffsetMs, scheme, ...(typeof nonce === 'function' ? { nonce } : {}) })
  })()
}

/** Both entries, and what each gave: the result or the SignetError code. */
async function both(request: () => Request | MessageRequest, options: LiteSignOptions): Promise<[unknown, unknown]> {
  const settle = (p: Promise<unknown>) =>
    p.then(
      (r) => r,
      (err: unknown) => {
        if (!isSignetError(err)) throw err
        return `SignetError ${err.code}`
      },
    )
  return [await settle(signRequest(request(), options)), await settle(fullSign(request(), options))]
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p
  } catch (err) {
    expect(err).toBeInstanceOf(SignetError)
    return (err as SignetError).code
  }
  throw new Error('expected a SignetError')
}

interface HmacFile {
  shared_secret_b64: string
  keyid: string
  label: string
  test_request: string
  covered_components: string[]
  created: number
  signature_base: string
  signature_input_header: string
  signature_header: string
}

/** A raw HTTP/1.1 request (as printed in the RFC) as plain message data. */
function parseRawRequest(raw: string): MessageRequest {
  const [head, body] = raw.split('\r\n\r\n') as [string, string]
  const [start, ...lines] = head.split('\r\n')
  const [method, target] = start!.split(' ') as [string, string]
  const headers: [string, string][] = lines.map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()])
  const host = headers.find(([n]) => n.toLowerCase() === 'host')![1]
  return { method, url: `https://${host}${target}`, headers, body }
}

let v: HmacFile
let b25: () => MessageRequest
const b25Options = (): LiteSignOptions => ({
  key: { id: v.keyid, secret: fromBase64(v.shared_secret_b64)! },
  label: v.label,
  components: v.covered_components,
  nonce: false,
  alg: false,
  contentDigest: false,
  now: () => v.created * 1000,
})

/** Loads the vector (in each describe's beforeAll: the Deno shim runs no top-level hooks). */
async function loadVector(): Promise<void> {
  v ??= await vectorJson<HmacFile>('rfc9421-hmac-sha256.json')
  b25 = () => parseRawRequest(v.test_request)
}

describe('@signet/core/sign: RFC 9421 Appendix B.2.5 (hmac-sha256)', () => {
  beforeAll(loadVector)
  it('signs exactly as the RFC', async () => {
    const signed = await signRequest(b25(), b25Options())
    expect(signed.base).toBe(v.signature_base)
    expect(signed.headers).toEqual({ 'signature-input': v.signature_input_header, signature: v.signature_header })
  })

  it('signs a fetch Request as the RFC (and as the full entry), and leaves its body readable', async () => {
    const raw = b25()
    const request = new Request(raw.url, { method: raw.method, headers: raw.headers as [string, string][], body: raw.body as string })
    const options = { ...b25Options(), contentDigest: 'sha-256' as const }
    const signed = await signRequest(request, options)
    expect(signed.headers['content-digest']).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:')
    expect(signed).toEqual(await fullSign(request, options))
    // Content-Digest is sent but not covered by B.2.5's components: the signature is the RFC's,
    // except in browsers, whose Request drops the forbidden Date header (which B.2.5 covers).
    if (runtime !== 'browser') expect(signed.headers.signature).toBe(v.signature_header)
    expect(await request.text()).toBe(raw.body)
  })
})

// Header values: printable Latin-1 with the whitespace the base trims; names from a small set so
// that covered components are often present.
const headerValue = fc.stringMatching(/^[ \t]?[\x21-\x7e\xa0-\xff][ -~\xa0-\xff]{0,12}[ \t]?$/)
const headerName = fc.constantFrom('content-type', 'x-a', 'X-B', 'date', 'content-digest', 'accept')
const queryPart = fc.constantFrom('', '?', '?a=1', '?a=1&a=2', '?a=x%20y&b=%C3%A9', '?b=+&a=%2F', '?a', '?q=%7E!(')
const body = fc.oneof(
  fc.constant(undefined),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }),
  fc.uint8Array({ maxLength: 40 }).map((b) => new DataView(b.buffer)),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }).map((d) => new URLSearchParams(d)),
  fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom('', 'text/plain', 'application/json')).map(([text, type]) => new Blob([text], { type })),
)
const draft = fc.record({
  method: fc.constantFrom('GET', 'POST', 'put', 'PATCH', 'DELETE'),
  origin: fc.constantFrom('https://example.com', 'http://EXAMPLE.org:8443', 'https://127.0.0.1:8080', 'http://[::1]'),
  path: fc.constantFrom('', '/', '/foo', '/a%20b/c', '/ü/x;y', '/p/'),
  query: queryPart,
  headers: fc.array(fc.tuple(headerName, headerValue), { maxLength: 5 }),
  body,
  asRequest: fc.boolean(),
})
const components = fc.subarray([
  '@method',
  '@authority',
  '@path',
  '@query',
  '@target-uri',
  '@scheme',
  '@request-target',
  '"@query-param";name="a"',
  '"@query-param";name="b"',
  'content-type',
  'x-a',
  'x-b',
  '"date"',
  'content-digest',
  'accept',
])
const options = fc.record(
  {
    key: fc.record({ id: fc.constantFrom('k', 'key-1', 'a"b\\c'), secret: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.uint8Array({ minLength: 1, maxLength: 80 })), algorithm: fc.constantFrom('sha256', 'sha384', 'sha512') as fc.Arbitrary<'sha256'> }, { requiredKeys: ['id', 'secret'] }),
    label: fc.constantFrom('sig1', 'x', 'a*b.c_1-'),
    components,
    expiresInSeconds: fc.integer({ min: 1, max: 100_000 }),
    nonce: fc.constantFrom(false, () => 'fixed-nonce', () => 'with "quotes" \\ and spaces'),
    alg: fc.boolean(),
    tag: fc.constantFrom('app', '', 'a "quoted" tag'),
    contentDigest: fc.constantFrom('sha-256', 'sha-512', false) as fc.Arbitrary<'sha-256' | false>,
    clockOffsetMs: fc.integer({ min: -5_000_000, max: 5_000_000 }),
  },
  { requiredKeys: ['key'] },
)

type Draft = typeof draft extends fc.Arbitrary<infer T> ? T : never

function requestOf(d: Draft): () => Request | MessageRequest {
  const url = d.origin + d.path + d.query
  const hasBody = d.body !== undefined && d.method !== 'GET'
  if (d.asRequest) return () => new Request(url, { method: d.method, headers: d.headers, ...(hasBody ? { body: d.body as BodyInit } : {}) })
  return () => ({ method: d.method, url, headers: d.headers, body: d.body })
}

describe('@signet/core/sign: the same bytes as the full entry', () => {
  it('for arbitrary requests and options, with a fixed clock and nonce (or the same error code)', async () => {
    let signed = 0
    await fc.assert(
      fc.asyncProperty(draft, options, async (d, o) => {
        const opts = { nonce: () => 'default-nonce', ...o, now }
        const [lite, full] = await both(requestOf(d), opts)
        expect(lite).toEqual(full)
        if (typeof lite === 'object') signed++
      }),
      { numRuns: 150 },
    )
    // Most cases sign (rather than fail alike, e.g. an absent "@query-param").
    expect(signed).toBeGreaterThan(75)
  }, 120_000)

  it('with the default options (random nonce: equal once the nonce is fixed)', async () => {
    const request = () => ({ method: 'POST', url: 'https://example.com/orders?id=7', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' })
    const key = { id: 'k', secret: 'secret' }
    const [lite, full] = await both(request, { key, now, nonce: () => 'n' })
    expect(lite).toEqual(full)
    const signed = await signRequest(request(), { key })
    expect(signed.headers['signature-input']).toMatch(/^sig1=\("@method" "@authority" "@path" "@query" "content-type" "content-digest"\);created=\d+;keyid="k";alg="hmac-sha256";nonce="[A-Za-z0-9_-]{22}"$/)
  })

  it('with a CryptoKey secret, as with its bytes', async () => {
    const bytes = new TextEncoder().encode('a CryptoKey secret')
    const cryptoKey = await crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash: 'SHA-384' }, false, ['sign'])
    const request = { method: 'GET', url: 'https://example.com/' }
    const a = await signRequest(request, { key: { id: 'k', secret: cryptoKey, algorithm: 'sha384' }, now, nonce: false })
    const b = await signRequest(request, { key: { id: 'k', secret: bytes, algorithm: 'sha384' }, now, nonce: false })
    expect(a).toEqual(b)
    expect(await codeOf(signRequest(request, { key: { id: 'k', secret: cryptoKey }, now }))).toBe('invalid_key')
  })
})

describe(`@signet/core/sign: verified by core's verifyRequest on a loopback server (${runtime})`, () => {
  let server: RunningServer | undefined
  let base = ''
  beforeAll(async () => {
    if (runtime === 'browser') base = env!.VITE_SIGNET_SERVER_URL!
    else {
      server = await startServer(coreApp())
      base = server.url
    }
  })
  afterAll(async () => {
    await server?.close()
  })

  const cases: [string, (url: string) => Request | MessageRequest, string | undefined][] = [
    ['a plain POST with a JSON body', (url) => ({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: '{"a":1}' }), '{"a":1}'],
    ['a GET with a query', (url) => ({ method: 'GET', url: url + '?x=1&y=%20z' }), undefined],
    ['a fetch Request with a Blob body', (url) => new Request(url, { method: 'PUT', body: new Blob(['blob body'], { type: 'text/plain' }) }), 'blob body'],
  ]
  for (const [name, make, sent] of cases) {
    it(`${name} is accepted`, async () => {
      const request = make(base + '/core/orders')
      const signed = await signRequest(request, { key: TEST_KEY })
      const url = request instanceof Request ? request.url : String(request.url)
      const headers = new Headers(request instanceof Request ? request.headers : (request.headers as Record<string, string>))
      for (const [k, value] of Object.entries(signed.headers)) headers.set(k, value)
      const response = await fetch(url, { method: request.method, headers, ...(sent === undefined ? {} : { body: sent }) })
      const json = (await response.json()) as { ok: boolean; code?: string; covered: string[] }
      expect(json.code).toBeUndefined()
      expect(response.status).toBe(200)
      expect(json.covered).toContain('@authority')
    })
  }

  it('a body changed after signing is rejected (digest_mismatch)', async () => {
    const url = base + '/core/orders'
    const signed = await signRequest({ method: 'POST', url, body: 'amount=10' }, { key: TEST_KEY })
    const response = await fetch(url, { method: 'POST', headers: signed.headers, body: 'amount=99' })
    expect(((await response.json()) as { code: string }).code).toBe('digest_mismatch')
  })
})

/** Runs `f` with `globalThis.crypto` replaced by one without `subtle` (an insecure browser context). */
async function withoutSubtle<T>(f: () => Promise<T>): Promise<T> {
  const real = globalThis.crypto
  const own = Object.getOwnPropertyDescriptor(globalThis, 'crypto')
  Object.defineProperty(globalThis, 'crypto', { value: { getRandomValues: <A extends ArrayBufferView>(a: A) => real.getRandomValues(a as never) }, configurable: true, writable: true })
  try {
    expect(globalThis.crypto.subtle).toBeUndefined()
    return await f()
  } finally {
    if (own) Object.defineProperty(globalThis, 'crypto', own)
    else delete (globalThis as { crypto?: Crypto }).crypto
    expect(globalThis.crypto.subtle).toBeTruthy()
  }
}

describe('@signet/core/sign: the @noble/hashes fallback without crypto.subtle', () => {
  beforeAll(loadVector)
  it('signs RFC 9421 B.2.5 exactly, and the same bytes as WebCrypto with a Content-Digest', async () => {
    const key = { id: 'k', secret: 'fallback secret', algorithm: 'sha512' as const }
    const request = () => ({ method: 'POST', url: 'https://example.com/x?y=1', headers: { 'content-type': 'text/plain' }, body: 'héllo' })
    const opts = { key, now, nonce: () => 'n', contentDigest: 'sha-512' as const }
    const withSubtle = await signRequest(request(), opts)
    const [vector, noble] = await withoutSubtle(() => Promise.all([signRequest(b25(), b25Options()), signRequest(request(), { ...opts, key: { ...key } })]))
    expect(vector.headers.signature).toBe(v.signature_header)
    expect(noble).toEqual(withSubtle)
  })

  it('refuses a CryptoKey secret there (invalid_key): its bytes cannot be read', async () => {
    const cryptoKey = await crypto.subtle.importKey('raw', new Uint8Array([1, 2, 3]), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    expect(await withoutSubtle(() => codeOf(signRequest({ method: 'GET', url: 'https://example.com/' }, { key: { id: 'k', secret: cryptoKey } })))).toBe('invalid_key')
  })
})

describe('@signet/core/sign: bad inputs fail with the full entry’s codes', () => {
  const key = { id: 'k', secret: 'secret' }
  const get = (): MessageRequest => ({ method: 'GET', url: 'https://example.com/p' })
  const cases: [string, () => Request | MessageRequest, Partial<LiteSignOptions> & Record<string, unknown>, string][] = [
    ['no key', get, { key: undefined }, 'invalid_key'],
    ['a key without id', get, { key: { id: '', secret: 's' } }, 'invalid_key'],
    ['an empty secret', get, { key: { id: 'k', secret: '' } }, 'invalid_key'],
    ['an empty byte secret', get, { key: { id: 'k', secret: new Uint8Array(0) } }, 'invalid_key'],
    ['a number secret', get, { key: { id: 'k', secret: 42 as unknown as string } }, 'invalid_key'],
    ['an unknown algorithm', get, { key: { id: 'k', secret: 's', algorithm: 'md5' as 'sha256' } }, 'unsupported_algorithm'],
    ['a non-ASCII key id', get, { key: { id: 'clé', secret: 's' } }, 'malformed_signature'],
    ['a relative url', () => ({ method: 'GET', url: '/p' }), {}, 'invalid_input'],
    ['a url without host', () => ({ method: 'GET', url: 'mailto:a@b.c' }), {}, 'invalid_input'],
    ['a url that is not a string', () => ({ method: 'GET', url: 42 as unknown as string }), {}, 'invalid_input'],
    ['a bad method', () => ({ method: 'GE T', url: 'https://example.com/' }), {}, 'invalid_input'],
    ['a bad header name', () => ({ ...get(), headers: { 'bad name': 'x' } }), {}, 'invalid_input'],
    ['a header value with CR LF', () => ({ ...get(), headers: { 'x-a': 'a\r\nb' } }), {}, 'invalid_input'],
    ['a header value above U+00FF', () => ({ ...get(), headers: [['x-a', 'ā']] }), {}, 'invalid_input'],
    ['a header value that is not a string', () => ({ ...get(), headers: { 'x-a': 1 as unknown as string } }), {}, 'invalid_input'],
    ['malformed header pairs', () => ({ ...get(), headers: [['x-a']] as unknown as [string, string][] }), {}, 'invalid_input'],
    ['a label that is not an RFC 8941 key', get, { label: 'Sig' }, 'invalid_input'],
    ['an unknown content digest', get, { contentDigest: 'md5' as 'sha-256' }, 'unsupported_algorithm'],
    ['expiresInSeconds 0', get, { expiresInSeconds: 0 }, 'invalid_input'],
    ['a tag that is not a string', get, { tag: 5 as unknown as string }, 'invalid_input'],
    ['a nonce generator returning ""', get, { nonce: () => '' }, 'invalid_input'],
    ['a nonce generator returning non-ASCII', get, { nonce: () => 'né' }, 'invalid_input'],
    ['now returning NaN', get, { now: () => NaN }, 'invalid_input'],
    ['clockOffsetMs NaN', get, { clockOffsetMs: NaN }, 'invalid_input'],
    ['components that are not an array', get, { components: '@method' as unknown as string[] }, 'invalid_input'],
    ['an upper-case component', get, { components: ['Content-Type'] }, 'invalid_input'],
    ['a duplicate component', get, { components: ['@method', '"@method"'] }, 'invalid_input'],
    ['"@query-param" without name', get, { components: ['"@query-param"'] }, 'invalid_input'],
    ['"@query-param" absent from the query', get, { components: ['"@query-param";name="q"'] }, 'invalid_input'],
    ['"@query-param" repeated in the query', () => ({ method: 'GET', url: 'https://example.com/?q=1&q=2' }), { components: ['"@query-param";name="q"'] }, 'invalid_input'],
    ['"@status" on a request', get, { components: ['@status'] }, 'invalid_input'],
    ['a used Request body', () => {
      const r = new Request('https://example.com/', { method: 'POST', body: 'x' })
      void r.text()
      return r
    }, {}, 'body_unusable'],
  ]
  for (const [name, request, extra, code] of cases) {
    it(`${name} → ${code}, as in the full entry`, async () => {
      const options = { key, now, ...extra } as LiteSignOptions
      expect(await codeOf(signRequest(request(), options))).toBe(code)
      expect(await codeOf(fullSign(request(), options))).toBe(code)
    })
  }

  const refused: [string, () => Request | MessageRequest, Partial<LiteSignOptions> & Record<string, unknown>][] = [
    ['a FormData body', () => ({ method: 'POST', url: 'https://example.com/', body: new FormData() }), {}],
    ['a ReadableStream body', () => ({ method: 'POST', url: 'https://example.com/', body: new Blob(['x']).stream() }), {}],
    ['a structured-field component', get, { components: ['"content-digest";sf'] }],
    ['a ;req component', get, { components: ['"@method";req'] }],
    ['an already signed request', () => ({ ...get(), headers: { 'signature-input': 'a=()', signature: 'a=:AA==:' } }), {}],
    ['a scheme option', get, { scheme: rfc9421() }],
  ]
  for (const [name, request, extra] of refused) {
    it(`${name} is refused with invalid_input, pointing to the full entry`, async () => {
      const err = await signRequest(request(), { key, ...extra } as LiteSignOptions).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(err).toBeInstanceOf(SignetError)
      expect((err as SignetError).code).toBe('invalid_input')
      expect((err as SignetError).message).toContain('full @signet/core')
    })
  }

  it('options that are not an object → invalid_input', async () => {
    expect(await codeOf(signRequest(get(), null as unknown as LiteSignOptions))).toBe('invalid_input')
  })

  it('never puts the secret in an error', async () => {
    const err = await signRequest({ method: 'GET', url: 'https://example.com/' }, { key: { id: 'k', secret: 'top-secret-value', algorithm: 'md4' as 'sha256' } }).catch((e: SignetError) => e)
    expect(JSON.stringify(err) + String((err as Error).message)).not.toContain('top-secret-value')
  })
})
