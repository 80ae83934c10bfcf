import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { isSignetError, SignetError } from '../errors.ts'
import {
  type BareItem,
  type Dictionary,
  type InnerList,
  type Item,
  type Member,
  Decimal,
  DisplayString,
  SfDate,
  Token,
  decimal,
  displayString,
  innerList,
  isInnerList,
  item,
  parseDictionary,
  parseInnerList,
  parseItem,
  parseList,
  serializeBareItem,
  serializeDictionary,
  serializeInnerList,
  serializeItem,
  serializeList,
  serializeParams,
  sfDate,
  token,
} from './structured-fields.ts'

/** Runs `fn`, which must throw a SignetError with code malformed_signature, and returns it. */
function sfError(fn: () => unknown): SignetError {
  try {
    fn()
  } catch (err) {
    if (isSignetError(err, 'malformed_signature')) return err as SignetError
    throw err
  }
  throw new Error('expected a SignetError(malformed_signature), but nothing was thrown')
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s)
const roundTripDict = (s: string): string => serializeDictionary(parseDictionary(s))
const roundTripList = (s: string): string => serializeList(parseList(s))
const roundTripItem = (s: string): string => serializeItem(parseItem(s))

// RFC 9421 examples; the RFC 8792 line wrapping of the published text is undone.
const B21_INPUT = 'sig-b21=();created=1618884473;keyid="test-key-rsa-pss";nonce="b3k2pp5k7z-50gnwp.yemd"'
const B21_SIGNATURE =
  'sig-b21=:d2pmTvmbncD3xQm8E9ZV2828BjQWGgiwAaw5bAkgibUopemLJcWDy/lkbbHAve4cRAtx31Iq786U7it++wgGxbtRxf8Udx7zFZsckzXaJMkA7ChG' +
  '52eSkFxykJeNqsrWH5S+oxNFlD4dzVuwe8DhTSja8xxbR/Z2cOGdCbzR72rgFWhzx2VjBqJzsPLMIQKhO4DGezXehhWwE56YCE+O6c0mKZsfxVrogUvA4HELjVKWmAvtl6' +
  'UnCh8jYzuVG5WSb/QEVPnP5TmcAnLH1g+s++v6d4s8m0gCw1fV5/SITLq9mhho8K3+7EPYTU8IU1bLhdxO5Nyt8C8ssinQ98Xw9Q==:'
const B22_INPUT =
  'sig-b22=("@authority" "content-digest" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss";tag="header-example"'
const B22_SIGNATURE =
  'sig-b22=:LjbtqUbfmvjj5C5kr1Ugj4PmLYvx9wVjZvD9GsTT4F7GrcQEdJzgI9qHxICagShLRiLMlAJjtq6N4CDfKtjvuJyE5qH7KT8UCMkSowOB4+ECxCmT' +
  '8rtAmj/0PIXxi0A0nxKyB09RNrCQibbUjsLS/2YyFYXEu4TRJQzRw1rLEuEfY17SARYhpTlaqwZVtR8NV7+4UKkjqpcAoFqWFQh62s7Cl+H2fjBSpqfZUJcsIk4N6wiKYd' +
  '4je2U/lankenQ99PZfB4jY3I5rSV2DSBVkSFsURIjYErOs0tFTQosMTAoxk//0RoKUqiYY8Bh0aaUEb0rQl3/XaVe4bXTugEjHSw==:'
const B25_INPUT = 'sig-b25=("date" "@authority" "content-type");created=1618884473;keyid="test-shared-secret"'
const B25_SIGNATURE = 'sig-b25=:pxcQw6G3AjtMBQjwo8XzkZf/bws5LelbaMk5rGIGtE8=:'
const S41_INPUT =
  'sig1=("@method" "@authority" "@path" "content-digest" "content-length" "content-type");created=1618884473;keyid="test-key-rsa-pss"'
const S43_INPUT =
  'sig1=("@method" "@authority" "@path" "content-digest" "content-type" "content-length");created=1618884475;keyid="test-key-ecc-p256", ' +
  'proxy_sig=("@method" "@authority" "@path" "content-digest" "content-type" "content-length" "forwarded");created=1618884480;keyid="test-key-rsa";alg="rsa-v1_5-sha256";expires=1618884540'
const S43_SIGNATURE = 'sig1=:X5spyd6CFnAG5QnDyHfqoSNICd+BUP4LYMz2Q0JXlb//4Ijpzp+kve2w4NIyqeAuM7jTDX+sNalzA8ESSaHD3A==:'

describe('RFC 9421 Signature-Input and Signature', () => {
  it('round-trips the RFC examples byte for byte', () => {
    for (const field of [B21_INPUT, B21_SIGNATURE, B22_INPUT, B22_SIGNATURE, B25_INPUT, B25_SIGNATURE, S41_INPUT, S43_INPUT, S43_SIGNATURE]) {
      expect(roundTripDict(field)).toBe(field)
    }
  })

  it('parses Signature-Input into an Inner List of Strings with Parameters', () => {
    const dict = parseDictionary(S41_INPUT)
    expect([...dict.keys()]).toEqual(['sig1'])
    const sig1 = dict.get('sig1')!
    expect(isInnerList(sig1)).toBe(true)
    const list = sig1 as InnerList
    expect(list.items.map((i) => i.value)).toEqual(['@method', '@authority', '@path', 'content-digest', 'content-length', 'content-type'])
    for (const i of list.items) expect(i.params.size).toBe(0)
    expect([...list.params.entries()]).toEqual([
      ['created', 1618884473],
      ['keyid', 'test-key-rsa-pss'],
    ])
    // What RFC 9421 §2.3 puts after "@signature-params": in the signature base.
    expect(serializeInnerList(list)).toBe(S41_INPUT.slice('sig1='.length))
  })

  it('keeps parameters on covered components and an empty component list', () => {
    const b22 = parseDictionary(B22_INPUT).get('sig-b22') as InnerList
    expect(b22.items[2]).toEqual(item('@query-param', { name: 'Pet' }))
    expect(serializeItem(b22.items[2]!)).toBe('"@query-param";name="Pet"')
    const b21 = parseDictionary(B21_INPUT).get('sig-b21') as InnerList
    expect(b21.items).toHaveLength(0)
    expect(b21.params.get('nonce')).toBe('b3k2pp5k7z-50gnwp.yemd')
  })

  it('parses Signature into Byte Sequences', () => {
    const hmac = parseDictionary(B25_SIGNATURE).get('sig-b25') as Item
    expect(hmac.value).toBeInstanceOf(Uint8Array)
    expect((hmac.value as Uint8Array).length).toBe(32)
    expect((parseDictionary(B21_SIGNATURE).get('sig-b21') as Item).value).toHaveLength(256)
    expect((parseDictionary(B22_SIGNATURE).get('sig-b22') as Item).value).toHaveLength(256)
    expect((parseDictionary(S43_SIGNATURE).get('sig1') as Item).value).toHaveLength(64)
    expect(serializeBareItem(hmac.value)).toBe(B25_SIGNATURE.slice('sig-b25='.length))
  })

  it('handles several signatures and several field lines joined with ", "', () => {
    const input = parseDictionary(`${S43_INPUT}, ${B25_INPUT}`)
    expect([...input.keys()]).toEqual(['sig1', 'proxy_sig', 'sig-b25'])
    const proxy = input.get('proxy_sig') as InnerList
    expect(proxy.params.get('alg')).toBe('rsa-v1_5-sha256')
    expect(proxy.params.get('expires')).toBe(1618884540)
    const sigs = parseDictionary(`${S43_SIGNATURE},${B25_SIGNATURE}`)
    expect(serializeDictionary(sigs)).toBe(`${S43_SIGNATURE}, ${B25_SIGNATURE}`)
  })

  it('builds a Signature-Input value from data', () => {
    const d: Dictionary = new Map([
      ['sig1', innerList(['@method', '@authority', item('@query-param', { name: 'Pet' })], [['created', 1618884473], ['keyid', 'test-key-rsa-pss']])],
    ])
    expect(serializeDictionary(d)).toBe('sig1=("@method" "@authority" "@query-param";name="Pet");created=1618884473;keyid="test-key-rsa-pss"')
    expect(serializeDictionary(new Map([['sig-b25', item(new Uint8Array([1, 2, 3, 4]))]]))).toBe('sig-b25=:AQIDBA==:')
  })

  it('parses a lone signature-params Inner List', () => {
    const l = parseInnerList(' ("@method" "@path");created=1;keyid="k" ')
    expect(l.items.map((i) => i.value)).toEqual(['@method', '@path'])
    expect(serializeInnerList(l)).toBe('("@method" "@path");created=1;keyid="k"')
    expect(sfError(() => parseInnerList('"@method"')).message).toMatch(/offset 0/)
    expect(sfError(() => parseInnerList('() x')).message).toMatch(/offset 3/)
  })
})

describe('numbers', () => {
  it('parses integers', () => {
    expect(parseItem('42').value).toBe(42)
    expect(parseItem('-42').value).toBe(-42)
    expect(parseItem('042').value).toBe(42)
    expect(parseItem('00').value).toBe(0)
    expect(Object.is(parseItem('-0').value, 0)).toBe(true)
    expect(parseItem('999999999999999').value).toBe(999999999999999)
    expect(parseItem('-999999999999999').value).toBe(-999999999999999)
    expect(roundTripItem('042')).toBe('42')
    expect(roundTripItem('-0')).toBe('0')
  })

  it('rejects malformed integers', () => {
    for (const bad of ['1000000000000000', '-1000000000000000', '9223372036854775807', '-', '-a23', '4-2', '2,3', '+1', '1e3', '0x1f']) {
      sfError(() => parseItem(bad))
    }
    expect(sfError(() => parseItem('1000000000000000')).message).toMatch(/at most 15 digits/)
  })

  it('parses decimals, keeping them apart from integers', () => {
    expect(parseItem('1.23').value).toEqual(decimal(1.23))
    expect(parseItem('-1.23').value).toEqual(decimal(-1.23))
    expect(parseItem('1.0').value).toBeInstanceOf(Decimal)
    expect(roundTripItem('1.0')).toBe('1.0')
    expect(roundTripItem('1.500')).toBe('1.5')
    expect(roundTripItem('-0.0')).toBe('0.0')
    expect(Object.is((parseItem('-0.0').value as Decimal).value, 0)).toBe(true)
    expect(roundTripItem('123456789012.123')).toBe('123456789012.123')
    expect(roundTripItem('-123456789012.123')).toBe('-123456789012.123')
    expect(roundTripItem('0.001')).toBe('0.001')
  })

  it('rejects malformed decimals', () => {
    for (const bad of ['1.', '1..4', '1.5.4', '.5', '1.1234', '1234567890123.1', '1234567890123.0', '-1.', '1. 2', '1.a']) {
      sfError(() => parseItem(bad))
    }
    expect(sfError(() => parseItem('1.1234')).message).toMatch(/3 fractional digits/)
    expect(sfError(() => parseItem('1234567890123.1')).message).toMatch(/12 integer digits/)
  })

  it('serializes integers within ±999,999,999,999,999 only', () => {
    expect(serializeBareItem(0)).toBe('0')
    expect(serializeBareItem(-0)).toBe('0')
    expect(serializeBareItem(-17)).toBe('-17')
    expect(serializeBareItem(999999999999999)).toBe('999999999999999')
    for (const bad of [1e15, -1e15, Number.MAX_SAFE_INTEGER, NaN, Infinity, 1.5]) sfError(() => serializeBareItem(bad))
    expect(sfError(() => serializeBareItem(1.5)).message).toMatch(/decimal\(\)/)
  })

  it('serializes decimals with 1 to 3 fractional digits, rounding half to even', () => {
    const cases: Array<[number, string]> = [
      [1, '1.0'],
      [0, '0.0'],
      [-0, '0.0'],
      [1.5, '1.5'],
      [1.25, '1.25'],
      [0.1 + 0.2, '0.3'],
      [1.2345, '1.234'],
      [1.2355, '1.236'],
      [1.23451, '1.235'],
      [0.0015, '0.002'],
      [0.0025, '0.002'],
      [-0.0015, '-0.002'],
      [-0.0025, '-0.002'],
      [9.9995, '10.0'],
      [-0.0001, '0.0'],
      [1e-7, '0.0'],
      [0.0005, '0.0'],
      [0.0006, '0.001'],
      [999999999999.999, '999999999999.999'],
      [-999999999999.999, '-999999999999.999'],
    ]
    for (const [n, text] of cases) expect(serializeBareItem(decimal(n))).toBe(text)
  })

  it('refuses decimals with more than 12 integer digits, even after rounding', () => {
    for (const bad of [1e12, 1000000000000.1, -1000000000000.1, 999999999999.9996, NaN, Infinity, -Infinity]) sfError(() => serializeBareItem(decimal(bad)))
  })
})

describe('strings', () => {
  it('parses and serializes escapes', () => {
    expect(parseItem('"foo bar"').value).toBe('foo bar')
    expect(parseItem('""').value).toBe('')
    expect(parseItem('"a\\"b\\\\c"').value).toBe('a"b\\c')
    expect(serializeBareItem('a"b\\c')).toBe('"a\\"b\\\\c"')
    expect(roundTripItem('"a\\"b\\\\c"')).toBe('"a\\"b\\\\c"')
    expect(roundTripItem('"\\\\"')).toBe('"\\\\"')
    expect(roundTripItem('" ~!#$%&\'()*+,-./:;<=>?@[]^_`{|}"')).toBe('" ~!#$%&\'()*+,-./:;<=>?@[]^_`{|}"')
  })

  it('rejects bad escapes, control characters and unterminated strings', () => {
    expect(sfError(() => parseItem('"a\\nb"')).message).toMatch(/offset 3/)
    for (const bad of ['"abc', '"abc\\', '"a\tb"', '"a\x00b"', '"a\x7fb"', '"a\\', "'abc'"]) sfError(() => parseItem(bad))
  })

  it('refuses to serialize non-printable or non-ASCII strings', () => {
    for (const bad of ['é', 'a\nb', '\t', '\x7f', '\ud800']) sfError(() => serializeBareItem(bad))
  })
})

describe('tokens', () => {
  it('parses tokens, distinct from strings', () => {
    expect(parseItem('sha-256').value).toEqual(token('sha-256'))
    expect(parseItem('"sha-256"').value).toBe('sha-256')
    expect(parseItem('*foo').value).toBeInstanceOf(Token)
    expect(roundTripItem("a:b/c!#$%&'*+-.^_`|~9")).toBe("a:b/c!#$%&'*+-.^_`|~9")
    expect(roundTripItem('Foo123/456')).toBe('Foo123/456')
    expect(String(token('gzip'))).toBe('gzip')
  })

  it('rejects invalid tokens', () => {
    sfError(() => parseItem('a b'))
    sfError(() => parseItem('a,b'))
    sfError(() => parseItem('a"b'))
    for (const bad of ['', '1a', 'a b', 'a"b', 'a,b', 'é', '-a']) sfError(() => serializeBareItem(token(bad)))
  })
})

describe('booleans', () => {
  it('parses ?1 and ?0', () => {
    expect(parseItem('?1').value).toBe(true)
    expect(parseItem('?0').value).toBe(false)
    expect(parseItem('true').value).toEqual(token('true'))
    for (const bad of ['?', '?2', '?10', '? 1', '?true']) sfError(() => parseItem(bad))
  })

  it('omits true values in dictionaries and parameters', () => {
    const d = parseDictionary('a;b')
    expect(d.get('a')).toEqual(item(true, { b: true }))
    expect(serializeDictionary(d)).toBe('a;b')
    expect(roundTripDict('a=?1;b=?1')).toBe('a;b')
    expect(roundTripDict('a=?0;b=?0')).toBe('a=?0;b=?0')
    expect(roundTripDict('a=(1);b=?1, c')).toBe('a=(1);b, c')
    expect(roundTripList('?1;x=?1, ?0')).toBe('?1;x, ?0')
    expect(serializeParams(new Map<string, BareItem>([['x', true], ['y', false]]))).toBe(';x;y=?0')
  })
})

describe('byte sequences', () => {
  it('decodes and encodes base64', () => {
    expect(parseItem(':aGVsbG8=:').value).toEqual(bytes('hello'))
    expect(parseItem('::').value).toEqual(new Uint8Array(0))
    expect(parseItem(':/+Ah:').value).toEqual(new Uint8Array([0xff, 0xe0, 0x21]))
    expect(serializeBareItem(bytes('hello'))).toBe(':aGVsbG8=:')
    expect(serializeBareItem(bytes('hell'))).toBe(':aGVsbA==:')
    expect(serializeBareItem(bytes('hel'))).toBe(':aGVs:')
    expect(serializeBareItem(new Uint8Array(0))).toBe('::')
  })

  it('accepts missing padding and non-zero pad bits, serializing canonically', () => {
    expect(roundTripItem(':aGVsbG8:')).toBe(':aGVsbG8=:')
    expect(roundTripItem(':aGVsbA:')).toBe(':aGVsbA==:')
    expect(parseItem(':iZ==:').value).toEqual(new Uint8Array([0x89]))
    expect(roundTripItem(':iZ==:')).toBe(':iQ==:')
  })

  it('rejects invalid characters, misplaced padding and bad lengths', () => {
    for (const bad of [':aGVsbG8=', ':aGVsb G8=:', ':aGVsbG!8=:', ':aGVsbG8=!:', ':_-Ah:', ':aGVsbG8.:', ':a:', ':aG=sbG8=:', ':aGVsbG8==:', ':aGVsbA=:', ':=:', ':aGVs=:']) {
      sfError(() => parseItem(bad))
    }
    expect(sfError(() => parseItem(':aGVsb G8=:')).message).toMatch(/offset 6/)
    expect(sfError(() => parseItem(':aGVsbG8=')).message).toMatch(/":" to close the byte sequence/)
  })
})

describe('dates and display strings (RFC 9651)', () => {
  it('parses and serializes dates', () => {
    expect(parseItem('@1659578233').value).toEqual(sfDate(1659578233))
    expect((parseItem('@1659578233').value as SfDate).toDate().toISOString()).toBe('2022-08-04T01:57:13.000Z')
    expect(roundTripItem('@-1659578233')).toBe('@-1659578233')
    expect(serializeBareItem(sfDate(new Date('2022-08-04T01:57:13Z')))).toBe('@1659578233')
    sfError(() => parseItem('@1659578233.12'))
    sfError(() => parseItem('@'))
    sfError(() => serializeBareItem(sfDate(new Date('2022-08-04T01:57:13.5Z'))))
  })

  it('parses and serializes display strings', () => {
    expect(parseItem('%"f%c3%bc%c3%bc"').value).toEqual(displayString('füü'))
    expect(parseItem('%""').value).toEqual(new DisplayString(''))
    expect(serializeBareItem(displayString('füü "x" 100%'))).toBe('%"f%c3%bc%c3%bc %22x%22 100%25"')
    expect(serializeBareItem(displayString('\ufeff😀'))).toBe('%"%ef%bb%bf%f0%9f%98%80"')
    expect(parseItem('%"%ef%bb%bf%f0%9f%98%80"').value).toEqual(displayString('\ufeff😀'))
    for (const bad of ['%"%C3%BC"', '%"%ff"', '%"%c3"', '%"abc', '%"%a"', '%"a\tb"', '%abc', '%']) sfError(() => parseItem(bad))
    sfError(() => serializeBareItem(displayString('a\ud800b')))
  })
})

describe('whitespace', () => {
  it('discards leading and trailing SP and allows OWS around commas', () => {
    expect(roundTripDict('   a=1 ,  b=2   ')).toBe('a=1, b=2')
    expect(roundTripDict('a=1\t,\tb=2')).toBe('a=1, b=2')
    expect(roundTripList('1,2,   3')).toBe('1, 2, 3')
    expect(roundTripItem('  "x"  ')).toBe('"x"')
    expect(roundTripList('(  "a"   "b"  );p=1')).toBe('("a" "b");p=1')
    expect(roundTripDict('a;  b=1;   c')).toBe('a;b=1;c')
  })

  it('rejects whitespace where the grammar has none', () => {
    expect(roundTripDict('a=1\t')).toBe('a=1') // OWS after a member is discarded
    for (const bad of ['\ta=1', 'a = 1', 'a =1', 'a= 1', 'a=1 ;b', 'a ;b', 'a=( 1)x']) sfError(() => parseDictionary(bad))
    for (const bad of ['1 ;a', '1 2', '("a"\t"b")']) sfError(() => parseList(bad))
  })

  it('treats empty input as an empty List or Dictionary, but not as an Item', () => {
    expect(parseList('')).toEqual([])
    expect(parseList('   ')).toEqual([])
    expect(parseDictionary('').size).toBe(0)
    expect(parseDictionary('  ').size).toBe(0)
    expect(serializeList([])).toBe('')
    expect(serializeDictionary(new Map())).toBe('')
    expect(sfError(() => parseItem('')).message).toMatch(/offset 0/)
    sfError(() => parseItem('   '))
  })
})

describe('lists and dictionaries', () => {
  it('round-trips lists with inner lists and parameters', () => {
    const text = '1, 2.5;a=b, ("x" y);q=?0, (), :AQID:;k'
    const list = parseList(text)
    expect(list).toHaveLength(5)
    expect(isInnerList(list[2]!)).toBe(true)
    expect(isInnerList(list[0]!)).toBe(false)
    expect(list[1]).toEqual(item(decimal(2.5), { a: token('b') }))
    expect(serializeList(list)).toBe(text)
  })

  it('checks keys', () => {
    expect(roundTripDict('*a=1, a_b-c.d*9=2')).toBe('*a=1, a_b-c.d*9=2')
    for (const bad of ['A=1', '1a=1', '_a=1', 'a-B=1', 'é=1']) sfError(() => parseDictionary(bad))
    for (const bad of ['A', '', '1a', 'a b', 'é']) {
      sfError(() => serializeDictionary(new Map([[bad, item(1)]])))
      sfError(() => serializeParams(new Map([[bad, 1]])))
    }
  })

  it('lets the last duplicate win while keeping the first position', () => {
    const d = parseDictionary('a=1, b=2, a=3')
    expect([...d.keys()]).toEqual(['a', 'b'])
    expect(serializeDictionary(d)).toBe('a=3, b=2')
    expect(roundTripItem('1;x=1;y=2;x=3')).toBe('1;x=3;y=2')
  })

  it('rejects stray commas and empty members', () => {
    for (const bad of ['a=1,', ',a=1', 'a=1,,b=2', 'a=1, ', 'a=(1 2', 'a=(1 2']) sfError(() => parseDictionary(bad))
    for (const bad of ['1,', ',1', '1,,2', '(1 2', '(1)(2)', '((1))', '(1 2)x']) sfError(() => parseList(bad))
  })

  it('serializes only well-formed data', () => {
    sfError(() => serializeBareItem({} as unknown as BareItem))
    sfError(() => serializeBareItem(null as unknown as BareItem))
    sfError(() => serializeBareItem(undefined as unknown as BareItem))
    sfError(() => serializeItem(null as unknown as Item))
    sfError(() => serializeList('x' as unknown as Member[]))
    sfError(() => serializeDictionary({ a: item(1) } as unknown as Dictionary))
    sfError(() => serializeParams({ a: 1 } as unknown as Map<string, BareItem>))
    expect(serializeItem({ value: 1 } as unknown as Item)).toBe('1')
  })
})

describe('errors and limits', () => {
  it('says where and what, with a short excerpt', () => {
    const err = sfError(() => parseDictionary('sig1=("@method" "@path");created=1618884473;keyid=test key'))
    expect(err).toBeInstanceOf(SignetError)
    expect(err.code).toBe('malformed_signature')
    expect(err.message).toMatch(/offset 55/)
    expect(err.message).toMatch(/expected "," or end of input/)
    expect(err.message).toContain('received "key"')
    expect(err.details.offset).toBe(55)
    const long = 'a=?' + 'x'.repeat(5000)
    const e2 = sfError(() => parseDictionary(long))
    expect(e2.message.length < 250).toBe(true)
    expect(e2.message).toContain('offset 3: expected "0" or "1" after "?", received "xxxxxxxxxxxxxxxx…"')
  })

  it('rejects non-ASCII input, including lone surrogates, and shows it escaped', () => {
    expect(sfError(() => parseDictionary('a="é"')).message).toMatch(/offset 3/)
    const e = sfError(() => parseItem('\ud800'))
    expect(e.message).toContain('\\ud800')
    expect(e.message.includes('\ud800')).toBe(false)
    sfError(() => parseList('1, \udc00'))
    sfError(() => parseItem('"😀"'))
  })

  it('rejects non-string input', () => {
    sfError(() => parseDictionary(undefined as unknown as string))
    sfError(() => parseList(42 as unknown as string))
  })

  it('enforces maxLength', () => {
    const at = 'a=' + '1'.repeat(8190)
    expect(at).toHaveLength(8192)
    sfError(() => parseDictionary(at)) // 8190 digits is not a valid integer, but within the length limit
    expect(sfError(() => parseDictionary(at)).message).not.toMatch(/maxLength/)
    expect(sfError(() => parseDictionary(at + ' ')).message).toMatch(/maxLength/)
    expect(sfError(() => parseItem('"abc"', { maxLength: 4 })).message).toMatch(/maxLength/)
    expect(parseItem('"abc"', { maxLength: 5 }).value).toBe('abc')
  })

  it('enforces maxMembers, maxInnerListItems and maxParams', () => {
    const members = (n: number): string => Array.from({ length: n }, (_, k) => `k${k}=${k}`).join(', ')
    expect(parseDictionary(members(64)).size).toBe(64)
    expect(sfError(() => parseDictionary(members(65))).message).toMatch(/maxMembers/)
    expect(parseDictionary(members(65), { maxMembers: 65 }).size).toBe(65)
    expect(sfError(() => parseDictionary('a=1, a=2, a=3', { maxMembers: 2 })).message).toMatch(/maxMembers/)
    expect(sfError(() => parseList('1, 2, 3', { maxMembers: 2 })).message).toMatch(/maxMembers/)

    const inner = (n: number): string => `sig=(${Array.from({ length: n }, (_, k) => `"c${k}"`).join(' ')})`
    expect((parseDictionary(inner(64)).get('sig') as InnerList).items).toHaveLength(64)
    expect(sfError(() => parseDictionary(inner(65))).message).toMatch(/maxInnerListItems/)

    const params = (n: number): string => 'x' + Array.from({ length: n }, (_, k) => `;p${k}=${k}`).join('')
    expect(parseItem(params(32)).params.size).toBe(32)
    expect(sfError(() => parseItem(params(33))).message).toMatch(/maxParams/)
    expect(sfError(() => parseItem(params(3), { maxParams: 2 })).message).toMatch(/maxParams/)
  })

  it('stays fast on adversarial input of the maximum length', () => {
    const n = 8000
    const inputs = [
      '"' + 'a'.repeat(n),
      '"' + '\\"'.repeat(n / 2),
      ':' + 'A'.repeat(n),
      ':AAAA:'.repeat(n / 6),
      '('.repeat(n),
      'a;'.repeat(n / 2),
      'a, '.repeat(n / 3),
      '(' + '1 '.repeat(n / 2),
      '%"' + '%c3'.repeat(n / 3),
      '1'.repeat(n),
      ' '.repeat(n) + 'x',
    ]
    const limits = { maxLength: 10_000, maxMembers: 10_000, maxInnerListItems: 10_000, maxParams: 10_000 }
    for (const s of inputs) {
      const t0 = performance.now()
      for (const parse of [parseDictionary, parseList, parseItem]) {
        try {
          parse(s, limits)
        } catch (err) {
          if (!isSignetError(err, 'malformed_signature')) throw err
        }
      }
      expect(performance.now() - t0 < 1000).toBe(true)
    }
  })
})

// ---------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------

const MAX_INT = 999_999_999_999_999n
const chars = (s: string): string[] => [...s]
const LC = 'abcdefghijklmnopqrstuvwxyz'
const ALPHA = LC + LC.toUpperCase()
const DIGITS = '0123456789'

const keyArb = fc
  .tuple(fc.constantFrom(...chars(LC + '*')), fc.string({ unit: fc.constantFrom(...chars(LC + DIGITS + '_-.*')), maxLength: 6 }))
  .map(([a, b]) => a + b)
const tokenArb = fc
  .tuple(fc.constantFrom(...chars(ALPHA + '*')), fc.string({ unit: fc.constantFrom(...chars(ALPHA + DIGITS + "!#$%&'*+-.^_`|~:/")), maxLength: 8 }))
  .map(([a, b]) => token(a + b))
const printable = fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c))

const bareItemArb: fc.Arbitrary<BareItem> = fc.oneof(
  fc.bigInt({ min: -MAX_INT, max: MAX_INT }).map((n) => Number(n)),
  fc.bigInt({ min: -MAX_INT, max: MAX_INT }).map((n) => decimal(Number(n) / 1000)),
  fc.string({ unit: printable, maxLength: 12 }),
  tokenArb,
  fc.uint8Array({ maxLength: 24 }),
  fc.boolean(),
  fc.integer().map((n) => sfDate(n)),
  fc.string({ unit: 'grapheme', maxLength: 6 }).map((s) => displayString(s)),
)
const paramsArb = fc.uniqueArray(fc.tuple(keyArb, bareItemArb), { selector: (e) => e[0], maxLength: 3 }).map((e) => new Map(e))
// Plain objects (fc.record makes null-prototype ones, which strict deep equality tells apart).
const itemArb: fc.Arbitrary<Item> = fc.tuple(bareItemArb, paramsArb).map(([value, params]) => ({ value, params }))
const innerListArb: fc.Arbitrary<InnerList> = fc.tuple(fc.array(itemArb, { maxLength: 4 }), paramsArb).map(([items, params]) => ({ items, params }))
const memberArb: fc.Arbitrary<Member> = fc.oneof(itemArb, innerListArb)
const dictArb = fc.uniqueArray(fc.tuple(keyArb, memberArb), { selector: (e) => e[0], maxLength: 6 }).map((e): Dictionary => new Map(e))

// Characters that matter to the grammar, so that random strings reach deep into the parser.
const sfCharArb = fc.oneof(
  fc.constantFrom(...chars(' \t,;=()"\\:?@%*-._/+!#$&\'^`|~<>[]{}\x00\x7f')),
  fc.constantFrom(...chars('aAzZ09i?1%"=:')),
  fc.constantFrom('\u00e9', '\ud800', '\udc00', '😀', '\n'),
)

describe('properties', () => {
  it('serialize → parse → serialize is stable for generated dictionaries', () => {
    fc.assert(
      fc.property(dictArb, (d) => {
        const text = serializeDictionary(d)
        const parsed = parseDictionary(text, { maxLength: 100_000 })
        expect(parsed).toEqual(d)
        expect(serializeDictionary(parsed)).toBe(text)
      }),
      { numRuns: 200 },
    )
  })

  it('serialize → parse → serialize is stable for generated lists', () => {
    fc.assert(
      fc.property(fc.array(memberArb, { maxLength: 6 }), (l) => {
        const text = serializeList(l)
        const parsed = parseList(text, { maxLength: 100_000 })
        expect(parsed).toEqual(l)
        expect(serializeList(parsed)).toBe(text)
      }),
      { numRuns: 200 },
    )
  })

  it('parses arbitrary strings to a canonical form or throws SignetError(malformed_signature) only', () => {
    const check = (s: string): void => {
      const attempts: Array<[(x: string) => unknown, (v: never) => string]> = [
        [parseDictionary, serializeDictionary],
        [parseList, serializeList],
        [parseItem, serializeItem],
      ]
      for (const [parse, serialize] of attempts) {
        let value: unknown
        try {
          value = parse(s)
        } catch (err) {
          if (!isSignetError(err, 'malformed_signature')) throw err
          continue
        }
        const canonical = serialize(value as never)
        expect(serialize(parse(canonical) as never)).toBe(canonical)
      }
    }
    fc.assert(fc.property(fc.string({ unit: sfCharArb, maxLength: 40 }), check), { numRuns: 300 })
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 40 }), check), { numRuns: 300 })
  })
})
