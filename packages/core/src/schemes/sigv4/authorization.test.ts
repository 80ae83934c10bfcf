import { describe, expect, it } from 'vitest'
import { formatAuthorization, parseAuthorization, parseCredential, parseSignatureHex, parseSignedHeaders } from './authorization.ts'

const SIG = 'a'.repeat(64)

describe('Authorization header', () => {
  it('round-trips', () => {
    const value = formatAuthorization('AKID', '20150830/us-east-1/service/aws4_request', 'host;x-amz-date', SIG)
    expect(value).toBe(`AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=${SIG}`)
    expect(parseAuthorization(value)).toEqual({ credential: 'AKID/20150830/us-east-1/service/aws4_request', signedHeaders: 'host;x-amz-date', signature: SIG })
  })

  it('accepts fields in any order, with or without spaces after commas', () => {
    expect(parseAuthorization(`AWS4-HMAC-SHA256 Signature=${SIG},SignedHeaders=host,Credential=A/B`).credential).toBe('A/B')
  })

  it('rejects missing, repeated and unknown fields', () => {
    expect(() => parseAuthorization('AWS4-HMAC-SHA256 Credential=a, SignedHeaders=host')).toThrow('no Signature=')
    expect(() => parseAuthorization(`AWS4-HMAC-SHA256 Credential=a, Credential=b, SignedHeaders=host, Signature=${SIG}`)).toThrow('twice')
    expect(() => parseAuthorization(`AWS4-HMAC-SHA256 Credential=a, SignedHeaders=host, Signature=${SIG}, Extra=1`)).toThrow('unexpected')
    expect(() => parseAuthorization('AWS4-HMAC-SHA256Credential=a')).toThrow('must start with')
    expect(() => parseAuthorization(`AWS4-HMAC-SHA256 ${'x'.repeat(9000)}`)).toThrow('limit')
  })
})

describe('Credential', () => {
  it('splits the access key id and the scope', () => {
    expect(parseCredential('AKID/20150830/us-east-1/iam/aws4_request', 'Credential')).toEqual({
      accessKeyId: 'AKID',
      shortDate: '20150830',
      region: 'us-east-1',
      service: 'iam',
      scope: '20150830/us-east-1/iam/aws4_request',
    })
  })

  it('rejects anything else', () => {
    for (const bad of ['AKID/20150830/us-east-1/iam', 'AKID/2015083/us-east-1/iam/aws4_request', 'AKID/20150830/us-east-1/iam/aws4', '/20150830/r/s/aws4_request', 'a/b/20150830/r/s/aws4_request']) {
      expect(() => parseCredential(bad, 'Credential')).toThrow('Credential must be')
    }
  })
})

describe('SignedHeaders and Signature', () => {
  it('accepts sorted lower-case names', () => {
    expect(parseSignedHeaders('content-type;host;x-amz-date', 'SignedHeaders')).toEqual(['content-type', 'host', 'x-amz-date'])
  })

  it('rejects upper case, unsorted, repeated and empty names', () => {
    for (const bad of ['Host', 'x-amz-date;host', 'host;host', 'host;;x', '']) expect(() => parseSignedHeaders(bad, 'SignedHeaders')).toThrow('SignedHeaders')
  })

  it('answers the same value again from the last one parsed, read-only, and still rejects a bad one after it', () => {
    const names = parseSignedHeaders('host;x-a', 'SignedHeaders')
    expect(parseSignedHeaders('host;x-a', 'SignedHeaders')).toEqual(['host', 'x-a'])
    expect(Object.isFrozen(names)).toBe(true)
    expect(() => parseSignedHeaders('x-a;host', 'SignedHeaders')).toThrow('sorted')
    const credential = parseCredential('AKID/20150830/us-east-1/iam/aws4_request', 'Credential')
    expect(parseCredential('AKID/20150830/us-east-1/iam/aws4_request', 'Credential')).toEqual(credential)
    expect(Object.isFrozen(credential)).toBe(true)
    expect(() => parseCredential('AKID/20150830/us-east-1/iam', 'Credential')).toThrow('Credential must be')
    expect(parseCredential('B/20150831/eu-west-1/s3/aws4_request', 'Credential').scope).toBe('20150831/eu-west-1/s3/aws4_request')
  })

  it('wants 64 lower-case hex digits', () => {
    expect(parseSignatureHex(SIG, 'Signature')).toBe(SIG)
    for (const bad of ['A'.repeat(64), 'a'.repeat(63), 'g'.repeat(64)]) expect(() => parseSignatureHex(bad, 'Signature')).toThrow('64 lower-case hex')
  })
})
