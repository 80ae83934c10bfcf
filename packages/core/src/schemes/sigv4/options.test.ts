import { describe, expect, it } from 'vitest'
import { resolveSigV4Options, unsignedPayloadFor } from './options.ts'

describe('sigv4 options', () => {
  it('defaults for a regular service: header form, normalized double-encoded path, body hashed, no checksum header', () => {
    const c = resolveSigV4Options({ region: 'us-east-1', service: 'execute-api' })
    expect(c.form).toBe('header')
    expect(c.normalizePath).toBe(true)
    expect(c.uriEscapePath).toBe(true)
    expect(unsignedPayloadFor(c, 'header')).toBe(false)
    expect(unsignedPayloadFor(c, 'query')).toBe(false)
    expect(c.applyChecksum).toBe(false)
    expect(c.signSessionToken).toBe(true)
    expect(c.expiresInSeconds).toBe(900)
    expect(c.maxExpiresInSeconds).toBe(604800)
  })

  it('defaults for s3: path as is, checksum header, unsigned payload in presigned URLs', () => {
    const header = resolveSigV4Options({ region: 'us-east-1', service: 's3' })
    expect(header.normalizePath).toBe(false)
    expect(header.uriEscapePath).toBe(false)
    expect(header.applyChecksum).toBe(true)
    expect(unsignedPayloadFor(header, 'header')).toBe(false)
    // The default follows the form: S3 presigned URLs never sign the body.
    expect(unsignedPayloadFor(header, 'query')).toBe(true)
    const query = resolveSigV4Options({ region: 'us-east-1', service: 's3', signQuery: { expiresInSeconds: 60 } })
    expect(query.form).toBe('query')
    expect(query.expiresInSeconds).toBe(60)
    expect(unsignedPayloadFor(query, 'query')).toBe(true)
  })

  it('lets every default be overridden', () => {
    const c = resolveSigV4Options({ region: 'r', service: 's3', normalizePath: true, uriEscapePath: true, applyChecksum: false, unsignedPayload: false, signQuery: true })
    expect([c.normalizePath, c.uriEscapePath, c.applyChecksum, unsignedPayloadFor(c, 'query')]).toEqual([true, true, false, false])
  })

  it('rejects bad values with the option named', () => {
    expect(() => resolveSigV4Options({ region: '', service: 's' })).toThrow('region')
    expect(() => resolveSigV4Options({ region: 'us/east', service: 's' })).toThrow('region')
    expect(() => resolveSigV4Options({ region: 'r', service: 'a b' })).toThrow('service')
    expect(() => resolveSigV4Options({ region: 'r', service: 's', signQuery: { expiresInSeconds: 604801 } })).toThrow('expiresInSeconds')
    expect(() => resolveSigV4Options({ region: 'r', service: 's', signQuery: { expiresInSeconds: 1.5 } })).toThrow('expiresInSeconds')
    expect(() => resolveSigV4Options({ region: 'r', service: 's', sessionToken: 'a\nb' })).toThrow('sessionToken')
    expect(() => resolveSigV4Options({ region: 'r', service: 's', unsignableHeaders: ['X-Upper'] })).toThrow('unsignableHeaders')
    expect(() => resolveSigV4Options({ region: 'r', service: 's', applyChecksum: 'yes' as unknown as boolean })).toThrow('applyChecksum')
    expect(() => resolveSigV4Options(null as unknown as { region: string; service: string })).toThrow('sigv4 options')
  })
})
