import { describe, expect, it } from 'vitest'
import { canonicalHeaderValue, getCanonicalHeaders, isUnsignableHeader, signableHeaderNames } from './canonical-headers.ts'

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

  it('lists the rest sorted', () => {
    const headers = new Map([
      ['x-b', ['1']],
      ['user-agent', ['ua']],
      ['host', ['h']],
      ['content-type', ['t']],
    ])
    expect(signableHeaderNames(headers, new Set())).toEqual(['content-type', 'host', 'x-b'])
  })

  it('writes one name:value line per signed header', () => {
    const headers = new Map([
      ['host', ['example.com']],
      ['my-header1', [' a  b ']],
    ])
    expect(getCanonicalHeaders(headers, ['host', 'my-header1'])).toBe('host:example.com\nmy-header1:a b\n')
  })
})
