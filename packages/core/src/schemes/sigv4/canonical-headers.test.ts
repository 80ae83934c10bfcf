import { describe, expect, it } from 'vitest'
import { canonicalHeaderValue, formatCanonicalHeaders, isUnsignableHeader, signableHeaders } from './canonical-headers.ts'

describe('canonicalHeaderValue', () => {
  it('trims and collapses runs of spaces and tabs', () => {
    expect(canonicalHeaderValue(['  a \t  b\t\tc  '])).toBe('a b c')
    expect(canonicalHeaderValue(['"a   b   c"'])).toBe('"a b c"')
  })

  it('joins repeated headers with a bare comma, in order', () => {
    expect(canonicalHeaderValue(['value2', ' value2 ', 'value1'])).toBe('value2,value2,value1')
  })

  it('keeps an empty value empty', () => {
    expect(canonicalHeaderValue(['   '])).toBe('')
    expect(canonicalHeaderValue([''])).toBe('')
  })

  it('leaves a value that is already canonical as it is', () => {
    for (const v of ['a', 'a b c', 'x=1; y="2"']) expect(canonicalHeaderValue([v])).toBe(v)
    for (const [v, c] of [[' a', 'a'], ['a ', 'a'], ['a  b', 'a b'], ['a\tb', 'a b'], [' ', '']]) expect(canonicalHeaderValue([v!])).toBe(c)
  })
})

describe('signable headers', () => {
  it('leaves out hop-by-hop and agent headers, proxy-* and sec-*, and the caller\'s list', () => {
    const extra = new Set(['x-skip'])
    for (const name of ['authorization', 'user-agent', 'connection', 'expect', 'transfer-encoding', 'x-amzn-trace-id', 'proxy-authorization', 'sec-fetch-mode', 'x-skip']) {
      expect(isUnsignableHeader(name, extra)).toBe(true)
    }
    for (const name of ['host', 'content-type', 'x-amz-date', 'date', 'content-length']) expect(isUnsignableHeader(name, extra)).toBe(false)
  })

  const request = (headers: [string, string[]][]) => ({ url: new URL('https://example.com:8443/'), headers: new Map(headers) })
  const options = { unsignableHeaders: new Set<string>(), signSessionToken: true }

  it('lists the rest sorted, with canonical values', () => {
    const message = request([
      ['x-b', [' 1  2 ']],
      ['user-agent', ['ua']],
      ['host', ['h']],
      ['content-type', ['t']],
    ])
    expect(signableHeaders(message, new Map(), options)).toEqual([
      ['content-type', 't'],
      ['host', 'h'],
      ['x-b', '1 2'],
    ])
  })

  it('adds host from the URL when absent, and signs host even when told not to', () => {
    expect(signableHeaders(request([['a', ['1']]]), new Map(), options)).toEqual([
      ['a', '1'],
      ['host', 'example.com:8443'],
    ])
    expect(signableHeaders(request([['host', ['h']]]), new Map(), { ...options, unsignableHeaders: new Set(['host']) })).toEqual([['host', 'h']])
  })

  it("replaces the request's headers with the added ones, and leaves out an unsigned session token", () => {
    const message = request([
      ['x-amz-date', ['20150830T123600Z']],
      ['x-amz-security-token', ['old']],
    ])
    const added = new Map([
      ['x-amz-date', '20150830T123600Z'],
      ['x-amz-security-token', 'new  token'],
    ])
    expect(signableHeaders(message, added, options)).toEqual([
      ['host', 'example.com:8443'],
      ['x-amz-date', '20150830T123600Z'],
      ['x-amz-security-token', 'new token'],
    ])
    expect(signableHeaders(message, added, { ...options, signSessionToken: false }).map(([n]) => n)).toEqual(['host', 'x-amz-date'])
  })

  it('writes one name:value line per signed header', () => {
    expect(formatCanonicalHeaders([
      ['host', 'example.com'],
      ['my-header1', 'a b'],
    ])).toEqual({ signedHeaders: 'host;my-header1', block: 'host:example.com\nmy-header1:a b\n' })
  })
})
