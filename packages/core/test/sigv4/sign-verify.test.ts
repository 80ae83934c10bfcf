/**
 * sigv4 through signRequest/verifyRequest: what signing adds, and every way verification refuses
 * a request (each with its error code, a message naming the part, and never the secret).
 */
import { describe, expect, it } from 'vitest'
import { memoryReplayStore } from '../../src/replay.ts'
import { presignRequest, sigv4, splitSigV4Base, withSignedQuery, type SigV4Options } from '../../src/schemes/sigv4/index.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest, type VerifyOptions } from '../../src/verify.ts'
import type { MessageRequest } from '../../src/message.ts'
import type { SigningKey } from '../../src/keys.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'

const SECRET = 'test-secret-access-key/with+chars'
const KEY: SigningKey = { id: 'AKIDTEST', secret: SECRET }
const NOW = Date.UTC(2024, 0, 15, 10, 30, 0)
const OPTS: SigV4Options = { region: 'eu-west-1', service: 'execute-api' }
const at = (ms: number) => () => ms

interface Plain {
  method: string
  url: string
  headers: Record<string, string>
  body?: string | Uint8Array
}

/** Signs and returns the request as it would be sent: headers added, or the URL presigned. */
async function signed(request: Plain, options: SigV4Options = OPTS, now = NOW): Promise<Plain & { base: string }> {
  const result = await signRequest(request, { key: KEY, scheme: sigv4(options), now: at(now) })
  const url = result.query ? withSignedQuery(new URL(request.url), result.query).href : request.url
  return { ...request, url, headers: { ...request.headers, ...result.headers }, base: result.base }
}

function verify(request: MessageRequest, options: SigV4Options = OPTS, extra: Partial<VerifyOptions> = {}) {
  return verifyRequest(request, { keys: [KEY], scheme: sigv4(options), now: at(NOW), ...extra })
}

/** Rejects with this code, and neither the message nor the details show the secret. */
async function rejectsWith(promise: Promise<unknown>, code: string, message?: string | RegExp): Promise<void> {
  let error: unknown
  try {
    await promise
  } catch (e) {
    error = e
  }
  expect(error).toBeTruthy()
  const e = error as { code: string; message: string; toJSON(): unknown }
  expect(e.code).toBe(code)
  if (message !== undefined) expect(e.message).toMatch(message)
  expect(JSON.stringify(e.toJSON())).not.toContain(SECRET)
  expect(e.message).not.toContain(SECRET)
}

const GET: Plain = { method: 'GET', url: 'https://api.example.com/v1/items?b=2&a=1&a=0', headers: { 'x-custom': '  some   value ' } }
const POST: Plain = { method: 'POST', url: 'https://api.example.com/v1/items', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' }

describe('sigv4 signing (header form)', () => {
  it('adds authorization and x-amz-date, lower-case, and signs every header present', async () => {
    const result = await signRequest(GET, { key: KEY, scheme: sigv4(OPTS), now: at(NOW) })
    expect(Object.keys(result.headers).sort()).toEqual(['authorization', 'x-amz-date'])
    expect(result.headers['x-amz-date']).toBe('20240115T103000Z')
    expect(result.headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDTEST\/20240115\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date;x-custom, Signature=[0-9a-f]{64}$/,
    )
    const { canonicalRequest, stringToSign } = splitSigV4Base(result.base)
    expect(canonicalRequest).toBe(
      'GET\n/v1/items\na=0&a=1&b=2\nhost:api.example.com\nx-amz-date:20240115T103000Z\nx-custom:some value\n\nhost;x-amz-date;x-custom\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    )
    expect(stringToSign).toMatch(/^AWS4-HMAC-SHA256\n20240115T103000Z\n20240115\/eu-west-1\/execute-api\/aws4_request\n[0-9a-f]{64}$/)
  })

  it('signs the host with its port, and never user-agent or other unsignable headers', async () => {
    const result = await signRequest(
      { method: 'GET', url: 'http://localhost:8080/', headers: { 'user-agent': 'x', connection: 'keep-alive', 'x-skip-me': '1', 'x-keep': '1' } },
      { key: KEY, scheme: sigv4({ ...OPTS, unsignableHeaders: ['x-skip-me'] }), now: at(NOW) },
    )
    expect(result.base).toContain('host:localhost:8080\n')
    expect(result.headers['authorization']).toContain('SignedHeaders=host;x-amz-date;x-keep,')
  })

  it('signs a request that already has X-Amz-Date with that date, and refuses a malformed one', async () => {
    const result = await signRequest({ ...GET, headers: { 'X-Amz-Date': '20200101T000000Z' } }, { key: KEY, scheme: sigv4(OPTS), now: at(NOW) })
    expect(result.headers['x-amz-date']).toBe('20200101T000000Z')
    expect(result.headers['authorization']).toContain('Credential=AKIDTEST/20200101/')
    await rejectsWith(signRequest({ ...GET, headers: { 'x-amz-date': '2020-01-01' } }, { key: KEY, scheme: sigv4(OPTS), now: at(NOW) }), 'invalid_input', 'X-Amz-Date')
  })

  it('hashes the body into the canonical request, and sends x-amz-content-sha256 when asked', async () => {
    const plain = await signRequest(POST, { key: KEY, scheme: sigv4(OPTS), now: at(NOW) })
    const hash = splitSigV4Base(plain.base).canonicalRequest.split('\n').pop()!
    expect(hash).toMatch(/^[0-9a-f]{64}$/)
    expect(hash).not.toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
    expect(plain.headers['x-amz-content-sha256']).toBe(undefined)
    const withChecksum = await signRequest(POST, { key: KEY, scheme: sigv4({ ...OPTS, applyChecksum: true }), now: at(NOW) })
    expect(withChecksum.headers['x-amz-content-sha256']).toBe(hash)
    expect(withChecksum.headers['authorization']).toContain('SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date,')
  })

  it('signs UNSIGNED-PAYLOAD without reading the body', async () => {
    const body = new ReadableStream<Uint8Array>({
      pull() {
        throw new Error('the body was read')
      },
    })
    const scheme = sigv4({ ...OPTS, unsignedPayload: true, applyChecksum: true })
    expect(scheme.requestBody).toBe('none')
    const result = await signRequest({ method: 'PUT', url: 'https://api.example.com/upload', body }, { key: KEY, scheme, now: at(NOW) })
    expect(result.headers['x-amz-content-sha256']).toBe('UNSIGNED-PAYLOAD')
    expect(splitSigV4Base(result.base).canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD')).toBe(true)
  })

  it('uses a caller\'s x-amz-content-sha256 as the payload hash', async () => {
    const result = await signRequest({ ...POST, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, { key: KEY, scheme: sigv4({ region: 'us-east-1', service: 's3' }), now: at(NOW) })
    expect(result.headers['x-amz-content-sha256']).toBe(undefined)
    expect(splitSigV4Base(result.base).canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD')).toBe(true)
  })

  it('sends a session token, signed by default, unsigned when asked', async () => {
    const a = await signRequest(GET, { key: KEY, scheme: sigv4({ ...OPTS, sessionToken: 'TOKEN/+=' }), now: at(NOW) })
    expect(a.headers['x-amz-security-token']).toBe('TOKEN/+=')
    expect(a.headers['authorization']).toContain('SignedHeaders=host;x-amz-date;x-amz-security-token;x-custom,')
    const b = await signRequest(GET, { key: KEY, scheme: sigv4({ ...OPTS, sessionToken: 'TOKEN/+=', signSessionToken: false }), now: at(NOW) })
    expect(b.headers['x-amz-security-token']).toBe('TOKEN/+=')
    expect(b.headers['authorization']).toContain('SignedHeaders=host;x-amz-date;x-custom,')
  })

  it('keeps S3 object keys as they are (no normalization, encoded once)', async () => {
    const result = await signRequest({ method: 'GET', url: 'https://b.s3.amazonaws.com//photos//a%20b!.jpg', headers: {} }, { key: KEY, scheme: sigv4({ region: 'us-east-1', service: 's3' }), now: at(NOW) })
    expect(splitSigV4Base(result.base).canonicalRequest.split('\n')[1]).toBe('//photos//a%20b%21.jpg')
    expect(result.headers['x-amz-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855')
  })

  it('refuses keys SigV4 cannot use', async () => {
    await rejectsWith(signRequest(GET, { key: { id: 'a/b', secret: 's' }, scheme: sigv4(OPTS), now: at(NOW) }), 'invalid_key', 'access key id')
    await rejectsWith(signRequest(GET, { key: { id: 'a', secret: 's', algorithm: 'sha512' }, scheme: sigv4(OPTS), now: at(NOW) }), 'unsupported_algorithm', 'HMAC-SHA256')
    const cryptoKey = await globalThis.crypto.subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
    await rejectsWith(signRequest(GET, { key: { id: 'a', secret: cryptoKey }, scheme: sigv4(OPTS), now: at(NOW) }), 'invalid_key', 'CryptoKey')
  })
})

describe('sigv4 signing (query form) and presignRequest', () => {
  it('returns the X-Amz-* parameters and no header', async () => {
    const result = await signRequest(GET, { key: KEY, scheme: sigv4({ ...OPTS, sessionToken: 'tok', signQuery: { expiresInSeconds: 60 } }), now: at(NOW) })
    expect(result.headers).toEqual({})
    expect(Object.keys(result.query!)).toEqual(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Expires', 'X-Amz-Security-Token', 'X-Amz-Signature'])
    expect(result.query!['X-Amz-Credential']).toBe('AKIDTEST/20240115/eu-west-1/execute-api/aws4_request')
    expect(result.query!['X-Amz-Expires']).toBe('60')
    expect(result.query!['X-Amz-SignedHeaders']).toBe('host;x-custom')
    expect(splitSigV4Base(result.base).canonicalRequest.split('\n')[2]).toContain('X-Amz-Security-Token=tok&X-Amz-SignedHeaders=host%3Bx-custom&a=0&a=1&b=2')
  })

  it('presignRequest gives a URL that verifies until it expires, and keeps the original query as it was', async () => {
    const url = await presignRequest(
      { method: 'GET', url: 'https://bucket.s3.us-east-1.amazonaws.com/my key.txt?versionId=a+b&x=%7E' },
      { key: KEY, region: 'us-east-1', service: 's3', expiresInSeconds: 3600, now: at(NOW) },
    )
    expect(url).toBeInstanceOf(URL)
    expect(url.search.startsWith('?versionId=a+b&x=%7E&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDTEST%2F20240115%2Fus-east-1%2Fs3%2Faws4_request&')).toBe(true)
    const s3 = { region: 'us-east-1', service: 's3' }
    const verified = await verifyRequest({ method: 'GET', url }, { keys: [KEY], scheme: sigv4(s3), now: at(NOW + 3000_000) })
    expect(verified.expires).toBe(NOW / 1000 + 3600)
    expect(splitSigV4Base(verified.base).canonicalRequest.endsWith('\nUNSIGNED-PAYLOAD')).toBe(true)
    await rejectsWith(verifyRequest({ method: 'GET', url }, { keys: [KEY], scheme: sigv4(s3), now: at(NOW + 3700_000) }), 'expired')
    await rejectsWith(verifyRequest({ method: 'PUT', url }, { keys: [KEY], scheme: sigv4(s3), now: at(NOW) }), 'signature_mismatch')
  })

  it('re-presigning replaces the earlier signature parameters', async () => {
    const first = await presignRequest({ method: 'GET', url: 'https://api.example.com/x?q=1' }, { key: KEY, ...OPTS, now: at(NOW) })
    const second = await presignRequest({ method: 'GET', url: first }, { key: KEY, ...OPTS, now: at(NOW + 1000) })
    expect(second.searchParams.getAll('X-Amz-Signature')).toHaveLength(1)
    expect(second.searchParams.get('X-Amz-Date')).toBe('20240115T103001Z')
    expect((await verify({ method: 'GET', url: second })).keyId).toBe('AKIDTEST')
  })

  it('refuses a lifetime over one week', async () => {
    await rejectsWith(presignRequest({ method: 'GET', url: 'https://a.example/' }, { key: KEY, ...OPTS, expiresInSeconds: 604801 }), 'invalid_input', 'expiresInSeconds')
  })
})

describe('sigv4 verification', () => {
  it('accepts what it signed, in both forms, with each crypto backend', async () => {
    for (const name of BACKEND_NAMES) {
      const crypto = await backendNamed(name)
      for (const options of [OPTS, { ...OPTS, signQuery: true }, { ...OPTS, applyChecksum: true, sessionToken: 't' }]) {
        const result = await signRequest(POST, { key: KEY, scheme: sigv4(options), now: at(NOW), crypto })
        const url = result.query ? withSignedQuery(new URL(POST.url), result.query).href : POST.url
        const verified = await verifyRequest({ ...POST, url, headers: { ...POST.headers, ...result.headers } }, { keys: [KEY], scheme: sigv4(options), now: at(NOW), crypto })
        expect(verified.scheme).toBe('sigv4')
        expect(verified.keyId).toBe('AKIDTEST')
        expect(verified.algorithm).toBe('sha256')
        expect(verified.created).toBe(NOW / 1000)
        expect(verified.base).toBe(result.base)
        expect(verified.covered).toContain('host')
        expect(verified.covered).toContain('content-type')
      }
    }
  })

  it('works with fetch Request objects', async () => {
    const request = new Request('https://api.example.com/v1/items?x=1', { method: 'POST', body: 'hello', headers: { 'content-type': 'text/plain' } })
    const result = await signRequest(request, { key: KEY, scheme: sigv4({ ...OPTS, applyChecksum: true }), now: at(NOW) })
    const sent = new Request(request, { headers: { 'content-type': 'text/plain', ...result.headers } })
    const verified = await verifyRequest(sent, { keys: [KEY], scheme: sigv4({ ...OPTS, applyChecksum: true }), now: at(NOW) })
    expect(verified.covered).toContain('x-amz-content-sha256')
    expect(await sent.text()).toBe('hello')
  })

  it('missing_signature without Authorization or X-Amz-* parameters', async () => {
    await rejectsWith(verify(GET), 'missing_signature', 'neither an Authorization header')
    await rejectsWith(verify({ ...GET, headers: { authorization: 'Bearer abc' } }), 'missing_signature', 'not AWS4-HMAC-SHA256')
  })

  it('malformed_signature for headers that do not parse', async () => {
    const s = await signed(GET)
    const auth = s.headers['authorization']!
    await rejectsWith(verify({ ...s, headers: { ...s.headers, authorization: auth.replace(/Signature=\w+/, 'Signature=XYZ') } }), 'malformed_signature', 'Signature')
    await rejectsWith(verify({ ...s, headers: { ...s.headers, authorization: auth.replace('host;x-amz-date', 'x-amz-date;host') } }), 'malformed_signature', 'sorted')
    await rejectsWith(verify({ ...s, headers: { ...s.headers, authorization: auth.replace('/aws4_request', '/aws5_request') } }), 'malformed_signature', 'Credential')
    await rejectsWith(verify({ ...s, headers: { ...s.headers, authorization: auth.replace('/20240115/', '/20240116/') } }), 'malformed_signature', 'scope date')
    const { 'x-amz-date': _, ...noDate } = s.headers
    await rejectsWith(verify({ ...s, headers: noDate }), 'malformed_signature', 'X-Amz-Date')
    await rejectsWith(verify({ ...s, headers: { ...s.headers, 'x-amz-date': '2024-01-15' } }), 'malformed_signature', 'x-amz-date')
    const q = await signed(GET, { ...OPTS, signQuery: true })
    await rejectsWith(verify({ ...q, headers: { ...q.headers, authorization: auth } }), 'malformed_signature', 'only one')
    await rejectsWith(verify({ ...q, url: q.url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604801') }), 'malformed_signature', 'X-Amz-Expires')
    await rejectsWith(verify({ ...q, url: q.url.replace(/&X-Amz-Date=\w+/, '') }), 'malformed_signature', 'no X-Amz-Date')
    await rejectsWith(verify({ ...q, url: `${q.url}&X-Amz-Signature=${'0'.repeat(64)}` }), 'malformed_signature', 'more than once')
  })

  it('unsupported_algorithm for other SigV4 variants and chunked payloads', async () => {
    const s = await signed(GET)
    await rejectsWith(verify({ ...s, headers: { ...s.headers, authorization: s.headers['authorization']!.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256') } }), 'unsupported_algorithm')
    const chunked = await signed({ ...POST, headers: { ...POST.headers, 'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD' } })
    await rejectsWith(verify(chunked), 'unsupported_algorithm', 'chunked')
  })

  it('unknown_key for an access key id it does not know', async () => {
    const s = await signed(GET)
    await rejectsWith(verifyRequest(s, { keys: [{ id: 'OTHER', secret: 'x' }], scheme: sigv4(OPTS), now: at(NOW) }), 'unknown_key')
  })

  it('signature_mismatch when anything signed changed, with the rebuilt base in the details', async () => {
    const s = await signed(GET)
    const tampered: Plain[] = [
      { ...s, method: 'DELETE' },
      { ...s, url: s.url.replace('/v1/items', '/v1/item') },
      { ...s, url: s.url.replace('b=2', 'b=3') },
      { ...s, url: `${s.url}&c=1` },
      { ...s, headers: { ...s.headers, 'x-custom': 'other' } },
      { ...s, url: s.url.replace('api.example.com', 'evil.example.com') },
    ]
    for (const request of tampered) {
      let error: { code?: string; details?: { base?: string } } | undefined
      await verify(request).catch((e: typeof error) => (error = e))
      expect(error?.code).toBe('signature_mismatch')
      expect(error?.details?.base).toContain('AWS4-HMAC-SHA256\n20240115T103000Z')
    }
    // Unsigned headers may change freely.
    expect((await verify({ ...s, headers: { ...s.headers, 'user-agent': 'changed' } })).keyId).toBe('AKIDTEST')
  })

  it('signature_mismatch for a wrong secret, a signed header that is gone, or another scope', async () => {
    const s = await signed(GET)
    await rejectsWith(verifyRequest(s, { keys: [{ id: 'AKIDTEST', secret: 'wrong' }], scheme: sigv4(OPTS), now: at(NOW) }), 'signature_mismatch')
    const { 'x-custom': _, ...fewer } = s.headers
    await rejectsWith(verify({ ...s, headers: fewer }), 'signature_mismatch', '"x-custom" is not in the request')
    await rejectsWith(verify(s, { ...OPTS, region: 'us-east-1' }), 'signature_mismatch', 'credential scope')
    await rejectsWith(verify(s, { ...OPTS, service: 'sqs' }), 'signature_mismatch', 'credential scope')
  })

  it('expired / not_yet_valid from X-Amz-Date with maxAgeSeconds and clockSkewSeconds', async () => {
    const s = await signed(GET)
    expect((await verify(s, OPTS, { now: at(NOW + 320_000) })).keyId).toBe('AKIDTEST')
    await rejectsWith(verify(s, OPTS, { now: at(NOW + 331_000) }), 'expired', 'maxAgeSeconds')
    await rejectsWith(verify(s, OPTS, { now: at(NOW + 11_000), maxAgeSeconds: 10, clockSkewSeconds: 0 }), 'expired')
    await rejectsWith(verify(s, OPTS, { now: at(NOW - 31_000) }), 'not_yet_valid')
    expect((await verify(s, OPTS, { now: at(NOW - 29_000) })).keyId).toBe('AKIDTEST')
  })

  it('presigned URLs live for X-Amz-Expires, not maxAgeSeconds', async () => {
    const q = await signed(GET, { ...OPTS, signQuery: { expiresInSeconds: 600 } })
    expect((await verify(q, OPTS, { now: at(NOW + 500_000), maxAgeSeconds: 60 })).expires).toBe(NOW / 1000 + 600)
    await rejectsWith(verify(q, OPTS, { now: at(NOW + 640_000) }), 'expired')
    await rejectsWith(verify(q, { ...OPTS, maxExpiresInSeconds: 300 }), 'malformed_signature', 'X-Amz-Expires')
  })

  it('digest_mismatch when the body does not match a signed x-amz-content-sha256', async () => {
    const options = { ...OPTS, applyChecksum: true }
    const s = await signed(POST, options)
    expect((await verify(s, options)).keyId).toBe('AKIDTEST')
    await rejectsWith(verify({ ...s, body: '{"name":"y"}' }, options), 'digest_mismatch', 'x-amz-content-sha256')
    // Without the header the body hash is part of the canonical request: a changed body is a mismatch.
    const plain = await signed(POST)
    await rejectsWith(verify({ ...plain, body: '{"name":"y"}' }), 'signature_mismatch')
  })

  it('insufficient_coverage for an unsigned payload the verifier did not allow, or a required header left unsigned', async () => {
    const unsigned = { ...OPTS, unsignedPayload: true, applyChecksum: true }
    const s = await signed(POST, unsigned)
    expect((await verify(s, unsigned)).keyId).toBe('AKIDTEST')
    await rejectsWith(verify(s), 'insufficient_coverage', 'UNSIGNED-PAYLOAD')
    const g = await signed(GET)
    await rejectsWith(verify(g, OPTS, { required: ['Content-Type'] }), 'insufficient_coverage', 'content-type')
    expect((await verify(g, OPTS, { required: ['X-Custom', '@method', '@path'] })).covered).toEqual(['@method', '@path', '@query', 'host', 'x-amz-date', 'x-custom'])
  })

  it('checks the session token when the verifier has one', async () => {
    const withToken = { ...OPTS, sessionToken: 'tok-1' }
    const s = await signed(GET, withToken)
    expect((await verify(s, withToken)).keyId).toBe('AKIDTEST')
    await rejectsWith(verify(s, { ...OPTS, sessionToken: 'tok-2' }), 'signature_mismatch', 'X-Amz-Security-Token')
    await rejectsWith(verify(await signed(GET), withToken), 'signature_mismatch', 'has no X-Amz-Security-Token')
  })

  it('with a replay store, accepts each signed request once', async () => {
    const replayStore = memoryReplayStore()
    const s = await signed(GET)
    expect((await verify(s, OPTS, { replayStore })).keyId).toBe('AKIDTEST')
    await rejectsWith(verify(s, OPTS, { replayStore }), 'replayed')
  })
})
