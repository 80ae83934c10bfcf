import { describe, expect, it } from 'vitest'
import { getCanonicalUri } from './canonical-uri.ts'

const service = { normalizePath: true, uriEscapePath: true }
const s3 = { normalizePath: false, uriEscapePath: false }

describe('getCanonicalUri', () => {
  it('double-encodes the sent path for services other than S3 (AWS docs: "/documents and settings/")', () => {
    const sent = new URL('https://iam.amazonaws.com/documents and settings/').pathname
    expect(sent).toBe('/documents%20and%20settings/')
    expect(getCanonicalUri(sent, service)).toBe('/documents%2520and%2520settings/')
  })

  it('encodes the sent path once more, keeping slashes, including characters a URL leaves raw', () => {
    expect(getCanonicalUri("/a!b/c'd*(e)/~x", service)).toBe('/a%21b/c%27d%2A%28e%29/~x')
  })

  it('normalizes repeated slashes and dot segments unless told not to', () => {
    expect(getCanonicalUri('//a//b/../c/', service)).toBe('/a/c/')
    expect(getCanonicalUri('//a//b/../c/', { normalizePath: false, uriEscapePath: true })).toBe('//a//b/../c/')
  })

  it('S3: encodes the object key once, however the client encoded it', () => {
    expect(getCanonicalUri('/bucket/my%20key/a!b', s3)).toBe('/bucket/my%20key/a%21b')
    expect(getCanonicalUri('/bucket/%7Euser/%e1%88%b4', s3)).toBe('/bucket/~user/%E1%88%B4')
  })

  it('S3: keeps repeated slashes and encoded slashes', () => {
    expect(getCanonicalUri('/bucket//photos//a%2Fb.jpg', s3)).toBe('/bucket//photos//a%2Fb.jpg')
  })

  it('gives / for an empty path', () => {
    expect(getCanonicalUri('', service)).toBe('/')
    expect(getCanonicalUri('', s3)).toBe('/')
  })
})
