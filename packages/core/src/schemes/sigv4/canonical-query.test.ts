import { describe, expect, it } from 'vitest'
import { canonicalQueryPairs, splitQuery } from '../../canonicalize/query.ts'
import { getCanonicalQuery, requestQueryPairs } from './canonical-query.ts'

describe('SigV4 canonical query', () => {
  it('splits and encodes as splitQuery + canonicalQueryPairs do', () => {
    for (const search of ['', '?', '?a=1', 'a=1&b', '?a=1&&b=x=y&=v&c%20d=%41&e+f=g+h&acl', '?x=&x=1&%E1%88%B4=%ff', '?&', '?a=1&']) {
      expect(requestQueryPairs(search)).toEqual(canonicalQueryPairs(splitQuery(search)))
    }
  })

  it('leaves out the names it is told to, compared decoded', () => {
    const omit = new Set(['X-Amz-Signature'])
    expect(getCanonicalQuery(requestQueryPairs('?X-Amz-Signature=abc&b=2&a=1&X%2DAmz-Signature=x', omit))).toBe('a=1&b=2')
  })
})
