import { describe, expect, it } from 'vitest'
import { canonicalQueryComponent, canonicalQueryPairs, encodeQueryPair, sortedQueryString, splitQuery } from './query.ts'

describe('splitQuery', () => {
  it('splits on & and on the first =, without decoding', () => {
    expect(splitQuery('?a=1&b=x=y&c%20d=%41')).toEqual([
      { name: 'a', value: '1' },
      { name: 'b', value: 'x=y' },
      { name: 'c%20d', value: '%41' },
    ])
  })

  it('reads a name without = as an empty value and skips empty pieces', () => {
    expect(splitQuery('acl&&x=&=v')).toEqual([
      { name: 'acl', value: '' },
      { name: 'x', value: '' },
      { name: '', value: 'v' },
    ])
  })

  it('gives nothing for an empty query', () => {
    expect(splitQuery('')).toEqual([])
    expect(splitQuery('?')).toEqual([])
  })
})

describe('canonicalQueryComponent', () => {
  it('decodes as a form (+ is a space) and encodes per RFC 3986', () => {
    expect(canonicalQueryComponent('a+b')).toBe('a%20b')
    expect(canonicalQueryComponent('a%2Bb')).toBe('a%2Bb')
    expect(canonicalQueryComponent('%7e%2a*!')).toBe('~%2A%2A%21')
    expect(canonicalQueryComponent('ሴ')).toBe('%E1%88%B4')
  })

  it('keeps invalid UTF-8 and stray % signs byte for byte', () => {
    expect(canonicalQueryComponent('%ff')).toBe('%FF')
    expect(canonicalQueryComponent('50%')).toBe('50%25')
  })

  it('leaves a component of unreserved characters as it is', () => {
    for (const c of ['', 'a', 'include', 'A-Z_a.z~09']) expect(canonicalQueryComponent(c)).toBe(c)
  })
})

describe('sortedQueryString', () => {
  it('sorts by encoded name, then encoded value, keeping repeats', () => {
    const pairs = canonicalQueryPairs(splitQuery('Param-3=Value3&Param=Value2&%E1%88%B4=Value1&Param=Value1&Param='))
    expect(sortedQueryString(pairs)).toBe('%E1%88%B4=Value1&Param=&Param=Value1&Param=Value2&Param-3=Value3')
  })

  it('orders a name before the longer names it prefixes (not by "name=value" strings)', () => {
    expect(sortedQueryString([encodeQueryPair('a-b', '1'), encodeQueryPair('a', '2')])).toBe('a=2&a-b=1')
  })

  it('keeps pairs that are already sorted, and does not reorder its argument', () => {
    const pairs = [encodeQueryPair('b', '1'), encodeQueryPair('a', '2')]
    expect(sortedQueryString(pairs)).toBe('a=2&b=1')
    expect(pairs.map((p) => p.name)).toEqual(['b', 'a'])
    expect(sortedQueryString([encodeQueryPair('a', '1'), encodeQueryPair('a', '2')])).toBe('a=1&a=2')
    expect(sortedQueryString([])).toBe('')
  })

  it('sorts upper case before lower case (byte order)', () => {
    expect(sortedQueryString([encodeQueryPair('b', ''), encodeQueryPair('B', ''), encodeQueryPair('_', '')])).toBe('B=&_=&b=')
  })
})
