import { describe, expect, it } from 'vitest'
import { toHex } from '../../src/canonicalize/encoding.ts'
import type { MessageRequest } from '../../src/message.ts'
import { customScheme, parseIsoDateTime, type CustomSchemeDefinition } from '../../src/schemes/custom.ts'
import { verifyRequest, verifyResponse } from '../../src/verify.ts'
import { BACKEND_NAMES, backendNamed } from '../support/backends.ts'
import { codeOf, signed, signedResponse, withHeaders } from './helpers.ts'

const NOW = 1_700_000_000_123
const key = { id: 'k1', secret: 'custom-secret' }

const myApi: CustomSchemeDefinition = {
  name: 'myApi',
  parts: [{ part: 'method', lowerCase: true }, { part: 'path' }, { part: 'query', sort: true }, { part: 'header', name: 'X-Tenant' }, { part: 'timestamp' }, { part: 'nonce' }, { part: 'body', as: 'hash', hash: 'sha256', encoding: 'base64' }],
  separator: '\n',
  mac: 'hmac-sha512',
  encoding: 'base64url',
  signature: { header: 'Authorization', template: 'MYAPI ${keyId}:${nonce}:${signature}' },
  timestamp: { header: 'X-Date', format: 'iso8601' },
  nonce: {},
  windowSeconds: { past: 120, future: 5 },
}

describe('customScheme', () => {
  const scheme = customScheme(myApi)
  const req: MessageRequest = { method: 'PUT', url: 'https://api.example.com/a%20b/c?z=1&a=2&a=1', headers: { 'x-tenant': ' acme ' }, body: 'hello' }
  const verify = (r: MessageRequest, extra: Partial<Parameters<typeof verifyRequest>[1]> = {}) => codeOf(verifyRequest(r, { keys: [key], scheme, now: () => NOW, ...extra }))

  for (const backendName of BACKEND_NAMES) {
    it(`builds the string from its parts, renders and parses the template (${backendName})`, async () => {
      const crypto = await backendNamed(backendName)
      const s = await signed(req, scheme, key, NOW, { crypto, nonce: () => 'n0nce' })
      const bodyHash = 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ='
      expect(s.base).toBe(`put\n/a%20b/c\na=1&a=2&z=1\nacme\n2023-11-14T22:13:20.123Z\nn0nce\n${bodyHash}`)
      expect(s.headers.get('x-date')).toBe('2023-11-14T22:13:20.123Z')
      expect(s.headers.get('authorization')).toMatch(/^MYAPI k1:n0nce:[A-Za-z0-9_-]{86}$/)
      const v = await verifyRequest(s, { keys: [key], scheme, now: () => NOW, crypto })
      expect(v).toMatchObject({ scheme: 'myApi', keyId: 'k1', algorithm: 'sha512', nonce: 'n0nce', created: NOW / 1000, base: s.base })
      expect(v.covered).toEqual(['@method', '@path', '@query', 'x-tenant', 'x-date', 'nonce', 'body'])
    })
  }

  it('tampering each part is detected; asymmetric window', async () => {
    const s = await signed(req, scheme, key, NOW, { nonce: () => 'n0nce' })
    expect(await verify(s)).toBe('accepted')
    expect(await verify({ ...s, method: 'POST' })).toBe('signature_mismatch')
    expect(await verify({ ...s, url: 'https://api.example.com/a%20b/d?z=1&a=2&a=1' })).toBe('signature_mismatch')
    expect(await verify({ ...s, url: 'https://api.example.com/a%20b/c?a=1&a=2&z=1' })).toBe('accepted')
    expect(await verify({ ...s, url: 'https://api.example.com/a%20b/c?a=1&a=2&z=2' })).toBe('signature_mismatch')
    expect(await verify({ ...s, headers: withHeaders(s.headers, { 'x-tenant': 'other' }) })).toBe('signature_mismatch')
    expect(await verify({ ...s, body: 'hello!' })).toBe('signature_mismatch')
    const auth = s.headers.get('authorization')!
    expect(await verify({ ...s, headers: withHeaders(s.headers, { authorization: auth.replace(':n0nce:', ':other:') }) })).toBe('signature_mismatch')
    expect(await verify({ ...s, headers: withHeaders(s.headers, { authorization: auth.replace('MYAPI', 'OTHER') }) })).toBe('malformed_signature')
    expect(await verify(s, { now: () => NOW + 120_000 })).toBe('accepted')
    expect(await verify(s, { now: () => NOW + 120_001 })).toBe('expired')
    expect(await verify(s, { now: () => NOW - 5_000 })).toBe('accepted')
    expect(await verify(s, { now: () => NOW - 5_001 })).toBe('not_yet_valid')
  })

  it('a keyed hash with the secret as a part; base redacts the secret', async () => {
    const keyed = customScheme({ name: 'keyed', parts: [{ part: 'secret' }, { part: 'path' }], separator: ':', mac: 'sha256', signature: { header: 'x-sig' }, keyId: 'k1' })
    const s = await signed({ method: 'GET', url: 'https://h.example/p' }, keyed, key, NOW)
    expect(s.base).toBe('<secret>:/p')
    const crypto = await backendNamed(BACKEND_NAMES[0]!)
    expect(s.headers.get('x-sig')).toBe(toHex(await crypto.digest('sha256', new TextEncoder().encode('custom-secret:/p'))))
    expect(await codeOf(verifyRequest(s, { keys: [key], scheme: keyed }))).toBe('accepted')
    expect(await codeOf(verifyRequest({ ...s, url: 'https://h.example/q' }, { keys: [key], scheme: keyed }))).toBe('signature_mismatch')
    const err = await verifyRequest({ ...s, url: 'https://h.example/q' }, { keys: [key], scheme: keyed }).catch((e: unknown) => e)
    expect(JSON.stringify(err)).not.toContain('custom-secret')
  })

  it('responses: status, headers and body parts', async () => {
    const withResponse = customScheme({
      name: 'resp',
      parts: [{ part: 'path' }],
      signature: { header: 'x-sig' },
      keyId: 'k1',
      response: { parts: [{ part: 'status' }, { part: 'headers', names: ['content-type', 'etag'], separator: ',' }, { part: 'body', as: 'text' }], separator: '|', signature: { header: 'x-resp-sig' }, timestamp: { header: 'x-resp-ts', format: 'unix-ms' } },
    })
    const res = await signedResponse({ status: 201, headers: { 'content-type': 'text/plain' }, body: 'ok' }, withResponse, key, NOW)
    expect(res.base).toBe(`201|content-type:text/plain|ok`)
    expect(res.headers.get('x-resp-ts')).toBe(String(NOW))
    const check = (r: Parameters<typeof verifyResponse>[0]) => codeOf(verifyResponse(r, { keys: [key], scheme: withResponse, now: () => NOW }))
    expect(await check(res)).toBe('accepted')
    expect(await check({ ...res, status: 200 })).toBe('signature_mismatch')
    expect(await check({ ...res, headers: withHeaders(res.headers, { etag: '"x"' }) })).toBe('signature_mismatch')
    const noResponses = customScheme({ name: 'req-only', parts: [{ part: 'path' }], signature: { header: 'x-sig' } })
    expect(noResponses.signResponse).toBe(undefined)
  })

  it('custom parts, params, derived keys and fixed key ids', async () => {
    const fancy = customScheme({
      name: 'fancy',
      parts: [{ part: 'params', joinRepeated: ';', sort: true }, { part: 'custom', name: 'content-length', value: async ({ body }) => String((await body.bytes()).byteLength), body: 'bytes' }],
      separator: '#',
      deriveKey: (secret) => secret.slice().reverse(),
      encoding: 'hex',
      signature: { header: 'x-sig' },
      keyId: 'k1',
    })
    expect(fancy.requestBody).toBe('bytes')
    const s = await signed({ method: 'POST', url: 'https://h.example/p?b=2&a=x+y&b=1', body: 'abc' }, fancy, key, NOW)
    expect(s.base).toBe('a=x y&b=2;1#3')
    const v = await verifyRequest(s, { keys: [key], scheme: fancy })
    expect(v.covered).toEqual(['@query', 'content-length'])
    expect(await codeOf(verifyRequest(s, { keys: [{ id: 'k1', secret: 'other' }], scheme: fancy }))).toBe('signature_mismatch')
  })

  it('rejects bad definitions at once', () => {
    const base = { name: 'x', parts: [{ part: 'path' }], signature: { header: 'x-sig' } } as const
    expect(() => customScheme({ ...base, parts: [] })).toThrow('parts')
    expect(() => customScheme({ ...base, mac: 'sha256' })).toThrow('secret')
    expect(() => customScheme({ ...base, parts: [{ part: 'timestamp' }] })).toThrow('timestamp')
    expect(() => customScheme({ ...base, signature: { header: 'x-sig', template: 'no placeholder' } })).toThrow('${signature}')
    expect(() => customScheme({ ...base, signature: { header: 'x-sig', template: '${signature}${bogus}' } })).toThrow('bogus')
    expect(() => customScheme({ ...base, signature: { header: 'bad header' } })).toThrow('header')
    expect(() => customScheme({ ...base, windowSeconds: -1 })).toThrow('windowSeconds')
    expect(() => customScheme({ ...base, timestamp: { format: 'unix' } })).toThrow('timestamp')
    expect(() => customScheme({ ...base, timestamp: { header: 'x-ts', format: 'fortnights' as 'unix' } })).toThrow('fortnights')
    expect(() => customScheme({ ...base, response: { parts: [{ part: 'method' }], signature: { header: 'x-r' } } })).toThrow('response')
    expect(() => customScheme({ ...base, signature: { header: 'x-sig', template: '${algorithm} ${signature}' } })).toThrow('algorithmNames')
    expect(() => customScheme({ ...base, parts: [{ part: 'status' }] })).toThrow('status')
  })

  it('parses ISO-8601 date-times with offsets only', () => {
    expect(parseIsoDateTime('2023-05-07T14:15:37.862560+00:00')).toBe(Date.UTC(2023, 4, 7, 14, 15, 37) + 862.56)
    expect(parseIsoDateTime('2023-05-07T16:15:37+02:00')).toBe(Date.UTC(2023, 4, 7, 14, 15, 37))
    expect(parseIsoDateTime('2023-05-07T14:15:37Z')).toBe(Date.UTC(2023, 4, 7, 14, 15, 37))
    for (const bad of ['2023-05-07T14:15:37', '2023-02-30T00:00:00Z', '2023-05-07T24:00:00Z', 'yesterday']) expect(parseIsoDateTime(bad)).toBe(undefined)
  })
})
