import { beforeAll, describe, expect, it } from 'vitest'
import { fromBase64, toBase64 } from '../../src/canonicalize/encoding.ts'
import { canonicalPythonJson } from '../../src/canonicalize/python-json.ts'
import type { HashAlgorithm } from '../../src/crypto/backend.ts'
import type { SigningKey } from '../../src/keys.ts'
import type { MessageRequest } from '../../src/message.ts'
import { memoryReplayStore } from '../../src/replay.ts'
import { djangoHmac } from '../../src/schemes/django-hmac.ts'
import { signRequest } from '../../src/sign.ts'
import { verifyRequest } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { vectorJson } from '../support/vectors.ts'
import { codeOf, expectError, signed, withHeaders } from './helpers.ts'

interface Case {
  name: string
  digest: 'HMAC-SHA256' | 'HMAC-SHA384' | 'HMAC-SHA512'
  parsed_request_data: unknown
  canonical_json_hashed: string | null
  body_hash_b64: string | null
  date: string
  string_to_sign: string
  signature_b64: string
  authorization: string
}
interface Vectors {
  fixed_inputs: { api_secret_b64: string; api_key: string }
  cases: Case[]
}

const URL_ = 'http://127.0.0.1:8000/api/items/'
const HASH: Record<Case['digest'], HashAlgorithm> = { 'HMAC-SHA256': 'sha256', 'HMAC-SHA384': 'sha384', 'HMAC-SHA512': 'sha512' }
const JSON_HEADERS = { 'content-type': 'application/json' }

function requestOf(c: Case, pretty: boolean): MessageRequest {
  if (c.parsed_request_data === null) return { method: 'GET', url: URL_ }
  return { method: 'POST', url: URL_, headers: JSON_HEADERS, body: JSON.stringify(c.parsed_request_data, null, pretty ? 2 : undefined) }
}

describe('djangoHmac: vectors', () => {
  let vectors: Vectors
  beforeAll(async () => {
    vectors = await vectorJson<Vectors>('django-hmac.json')
  })

  for (const backendName of BACKEND_NAMES) {
    it(`every case verifies, compact or pretty-printed; millisecond dates sign byte for byte (${backendName})`, async () => {
      const crypto = await backendNamed(backendName)
      const { api_key, api_secret_b64 } = vectors.fixed_inputs
      expect(vectors.cases.length).toBeGreaterThan(10)
      let signedExactly = 0
      for (const c of vectors.cases) {
        const key: SigningKey = { id: api_key, secret: api_secret_b64, algorithm: HASH[c.digest] }
        const scheme = djangoHmac()
        const dateMs = Date.parse(c.date)
        for (const pretty of [false, true]) {
          const req = { ...requestOf(c, pretty), headers: withHeaders(requestOf(c, pretty).headers, { authorization: c.authorization }) }
          const v = await verifyRequest(req, { keys: [{ id: api_key, secret: api_secret_b64 }], scheme, now: () => dateMs + 1000, crypto })
          expect(`${c.name}: ${v.base}`).toBe(`${c.name}: ${c.string_to_sign}`)
          expect(v.algorithm).toBe(HASH[c.digest])
          expect(v.keyId).toBe(api_key)
        }
        if (c.canonical_json_hashed !== null) expect(canonicalPythonJson(JSON.stringify(c.parsed_request_data, null, 2))).toBe(c.canonical_json_hashed)
        // Signet writes milliseconds; the cases with a millisecond date are reproduced exactly.
        if (/\.\d{3}\+00:00$/.test(c.date)) {
          const req = await signed(requestOf(c, true), scheme, key, dateMs + 1000, { crypto })
          expect(req.headers.get('authorization')).toBe(c.authorization)
          expect(req.base).toBe(c.string_to_sign)
          signedExactly++
        }
      }
      expect(signedExactly).toBeGreaterThan(0)
    })
  }
})

describe('djangoHmac: sign → verify', () => {
  const NOW = Date.UTC(2024, 0, 2, 3, 4, 5, 678)
  const key: SigningKey = { id: 'f4c3801c-a277-4fcb-92bb-44cb814026f6', secret: 'vEOQRdvaK4jyeLKGNP9oqpYTUvt/GZWbGG6iNmnDh8c=' }
  const scheme = djangoHmac()
  const verify = (req: MessageRequest, extra: Partial<Parameters<typeof verifyRequest>[1]> = {}) =>
    codeOf(verifyRequest(req, { keys: [key], scheme, now: () => NOW, ...extra }))
  const post: MessageRequest = { method: 'POST', url: 'https://api.example.com/orders/?x=1', headers: JSON_HEADERS, body: '{\n  "b": 1.0, "a": "é😀", "n": 12345678901234567890123, "f": 1e-5, "g": 1E16\n}' }
  const sha256b64 = async (text: string) => toBase64(await (await backendNamed(BACKEND_NAMES[0]!)).digest('sha256', new TextEncoder().encode(text)))

  it('dates are UTC ISO-8601 with milliseconds and +00:00, one second in the past by default', async () => {
    const req = await signed(post, scheme, key, NOW)
    const auth = req.headers.get('authorization')!
    expect(auth).toMatch(/^HMAC-SHA256 f4c3801c-a277-4fcb-92bb-44cb814026f6;[A-Za-z0-9+/]{43}=;2024-01-02T03:04:04\.678\+00:00$/)
    const later = await signed(post, djangoHmac({ backdateMs: 250 }), key, NOW)
    expect(later.headers.get('authorization')!.endsWith(';2024-01-02T03:04:05.428+00:00')).toBeTruthy()
  })

  it('hashes the Python re-serialization of the exact body text', async () => {
    const req = await signed(post, scheme, key, NOW)
    const canonical = '{"b":1.0,"a":"\\u00e9\\ud83d\\ude00","n":12345678901234567890123,"f":1e-05,"g":1e+16}'
    expect(req.base).toBe(`${await sha256b64(canonical)};2024-01-02T03:04:04.678+00:00`)
    expect(await verify(req)).toBe('accepted')
    // Any text with the same Python re-serialization verifies; a different value does not.
    expect(await verify({ ...req, body: canonical })).toBe('accepted')
    expect(await verify({ ...req, body: canonical.replace('1.0', '1') })).toBe('signature_mismatch')
    expect(await verify({ ...req, body: canonical.replace('"b":1.0,"a"', '"a"').replace('}', ',"b":1.0}') })).toBe('signature_mismatch')
  })

  it('form bodies hash a dict of last values; falsy bodies sign ";" + date', async () => {
    const form = await signed({ method: 'POST', url: post.url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1&b=two+words&a=3' }, scheme, key, NOW)
    expect(form.base).toBe(`${await sha256b64('{"a":"3","b":"two words"}')};2024-01-02T03:04:04.678+00:00`)
    expect(await verify(form)).toBe('accepted')
    const params = await signed({ method: 'POST', url: post.url, body: new URLSearchParams({ q: 'ü' }) }, scheme, key, NOW)
    expect(params.base).toBe(`${await sha256b64('{"q":"\\u00fc"}')};2024-01-02T03:04:04.678+00:00`)
    for (const body of [undefined, '', '{}', '[]', ' { } ', '""', '0', '0.0', 'false', 'null']) {
      const req = await signed({ method: 'POST', url: post.url, headers: JSON_HEADERS, body }, scheme, key, NOW)
      expect(`${JSON.stringify(body)} → ${req.base}`).toBe(`${JSON.stringify(body)} → ;2024-01-02T03:04:04.678+00:00`)
      expect(await verify(req)).toBe('accepted')
    }
    const emptyForm = await signed({ method: 'POST', url: post.url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '&' }, scheme, key, NOW)
    expect(emptyForm.base).toBe(';2024-01-02T03:04:04.678+00:00')
  })

  it('HMAC-SHA384/512 from the key algorithm; the verifier follows the received method name', async () => {
    for (const [algorithm, name] of [['sha384', 'HMAC-SHA384'], ['sha512', 'HMAC-SHA512']] as const) {
      const req = await signed(post, scheme, { ...key, algorithm }, NOW)
      expect(req.headers.get('authorization')!.startsWith(`${name} `)).toBeTruthy()
      const v = await verifyRequest(req, { keys: [key], scheme, now: () => NOW })
      expect(v.algorithm).toBe(algorithm)
    }
    const req = await signed(post, scheme, key, NOW)
    const md5 = req.headers.get('authorization')!.replace('HMAC-SHA256', 'HMAC-MD5')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { authorization: md5 }) })).toBe('unsupported_algorithm')
    const lower = req.headers.get('authorization')!.replace('HMAC-SHA256', 'hmac-sha256')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { authorization: lower }) })).toBe('unsupported_algorithm')
    const other = req.headers.get('authorization')!.replace('HMAC-SHA256', 'HMAC-SHA512')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { authorization: other }) })).toBe('signature_mismatch')
  })

  it('tampering: body and date are covered; method, path, query and host are not (documented)', async () => {
    const req = await signed(post, scheme, key, NOW)
    const auth = req.headers.get('authorization')!
    expect(await verify({ ...req, body: '{"b":2.0}' })).toBe('signature_mismatch')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { authorization: auth.replace('04.678', '04.679') }) })).toBe('signature_mismatch')
    expect(await verify({ ...req, headers: withHeaders(req.headers, { authorization: auth.replace('f4c3801c', 'a4c3801c') }) })).toBe('unknown_key')
    expect(await verify({ ...req, method: 'PUT', url: 'https://elsewhere.example.org/admin/?y=2' })).toBe('accepted')
  })

  it('time: 5 s back, nothing in the future, by default', async () => {
    const req = await signed(post, scheme, key, NOW)
    expect(await verify(req, { now: () => NOW + 4000 })).toBe('accepted')
    expect(await verify(req, { now: () => NOW + 4001 })).toBe('expired')
    expect(await verify(req, { now: () => NOW - 1001 })).toBe('not_yet_valid')
    expect(await codeOf(verifyRequest(req, { keys: [key], scheme: djangoHmac({ windowSeconds: 60 }), now: () => NOW + 50_000 }))).toBe('accepted')
    expect(await codeOf(verifyRequest(req, { keys: [key], scheme: djangoHmac({ futureSeconds: 2 }), now: () => NOW - 1500 }))).toBe('accepted')
  })

  it('malformed Authorization values and dates', async () => {
    const req = await signed(post, scheme, key, NOW)
    const auth = req.headers.get('authorization')!
    const set = (authorization: string | undefined) => verify({ ...req, headers: withHeaders(req.headers, { authorization }) })
    expect(await set(undefined)).toBe('missing_signature')
    expect(await set('HMAC-SHA256 only-a-key')).toBe('malformed_signature')
    expect(await set(auth.replace('+00:00', ''))).toBe('malformed_signature')
    expect(await set(auth.replace('=;', ';'))).toBe('malformed_signature')
    // Python's fromisoformat also reads "Z" and other offsets; the date string signed is the one received.
    const crypto = await backendNamed(BACKEND_NAMES[0]!)
    for (const date of ['2024-01-02T03:04:04.678Z', '2024-01-02T05:04:04.678+02:00', '2024-01-02T03:04:04.678123+00:00']) {
      const sts = req.base.replace('2024-01-02T03:04:04.678+00:00', date)
      const secret = { bytes: fromBase64(key.secret as string)!, imported: new Map() }
      const mac = toBase64(await crypto.hmac(secret, 'sha256', new TextEncoder().encode(sts)))
      expect(`${date}: ${await set(`HMAC-SHA256 ${key.id};${mac};${date}`)}`).toBe(`${date}: accepted`)
    }
    expect(await set(auth.replace('2024-01-02T03:04:04.678+00:00', '2024-01-02T03:04:04.678'))).toBe('malformed_signature')
  })

  it('replay store: the same signature is accepted once', async () => {
    const req = await signed(post, scheme, key, NOW)
    const replayStore = memoryReplayStore()
    expect(await verify(req, { replayStore })).toBe('accepted')
    expect(await verify(req, { replayStore })).toBe('replayed')
  })

  it('errors name the scheme and the fix', async () => {
    const sign = (body: MessageRequest['body'], headers: Record<string, string> = JSON_HEADERS, k: SigningKey = key) =>
      signRequest({ method: 'POST', url: post.url, headers, body }, { key: k, scheme, now: () => NOW })
    await expectError(sign('{"a": NaN}'), 'invalid_input', /djangoHmac.*NaN/)
    await expectError(sign('[Infinity]'), 'invalid_input', /djangoHmac/)
    await expectError(sign('[1e400]'), 'invalid_input', /overflows/)
    await expectError(sign('not json'), 'invalid_input', /djangoHmac.*JSON/)
    await expectError(sign(new Uint8Array([0x22, 0xff, 0x22])), 'invalid_input', /UTF-8/)
    await expectError(sign('--x\r\n', { 'content-type': 'multipart/form-data; boundary=x' }), 'invalid_input', /multipart/)
    await expectError(sign('{}', JSON_HEADERS, { id: 'k', secret: 'not base64!' }), 'invalid_key', /djangoHmac.*base64/)
    // The verifier reports a body it cannot represent the same way.
    const req = await signed(post, scheme, key, NOW)
    expect(await verify({ ...req, body: '{"a":NaN}' })).toBe('invalid_input')
  })
})
