import { describe, expect, it } from 'vitest'
import { encodeRfc3986, encodeRfc3986Bytes, isPlainPath, normalizePathSegments, percentDecodeBytes, recodePathSegments } from './uri.ts'

const UNRESERVED = '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'

describe('encodeRfc3986', () => {
  it('leaves the unreserved set alone', () => {
    expect(encodeRfc3986(UNRESERVED)).toBe(UNRESERVED)
  })

  it('encodes every other ASCII character with upper-case hex, including !\'()*', () => {
    expect(encodeRfc3986(" !\"#$%&'()*+,/:;<=>?@[\\]^`{|}")).toBe('%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D')
    expect(encodeRfc3986('\u0000\u001f\u007f')).toBe('%00%1F%7F')
  })

  it('encodes UTF-8 bytes, and a lone surrogate as U+FFFD instead of throwing', () => {
    expect(encodeRfc3986('ሴ')).toBe('%E1%88%B4')
    expect(encodeRfc3986('é😀')).toBe('%C3%A9%F0%9F%98%80')
    expect(encodeRfc3986('a\ud800b')).toBe('a%EF%BF%BDb')
  })

  it('keeps slashes only when asked', () => {
    expect(encodeRfc3986('/a b/c', true)).toBe('/a%20b/c')
    expect(encodeRfc3986('/a b/c')).toBe('%2Fa%20b%2Fc')
    expect(encodeRfc3986('/%41/', true)).toBe('/%2541/')
  })

  it('encodes raw bytes, including invalid UTF-8', () => {
    expect(encodeRfc3986Bytes(new Uint8Array([0xff, 0x41, 0x2f]))).toBe('%FFA%2F')
    expect(encodeRfc3986Bytes(new Uint8Array([0x2f]), true)).toBe('/')
  })
})

describe('percentDecodeBytes', () => {
  const text = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ')

  it('decodes %XX in either case to bytes, without UTF-8 interpretation', () => {
    expect(text(percentDecodeBytes('%e1%88%B4'))).toBe('e1 88 b4')
    expect(text(percentDecodeBytes('%FF'))).toBe('ff')
  })

  it('keeps a % that does not start an escape', () => {
    expect(new TextDecoder().decode(percentDecodeBytes('100%'))).toBe('100%')
    expect(new TextDecoder().decode(percentDecodeBytes('%zz%4'))).toBe('%zz%4')
  })

  it('reads + as a space only in form mode', () => {
    expect(new TextDecoder().decode(percentDecodeBytes('a+b%2B', true))).toBe('a b+')
    expect(new TextDecoder().decode(percentDecodeBytes('a+b%2B'))).toBe('a+b+')
  })

  it('encodes non-ASCII characters as UTF-8', () => {
    expect(text(percentDecodeBytes('é'))).toBe('c3 a9')
  })
})

describe('recodePathSegments', () => {
  it('brings each segment to strict RFC 3986 form', () => {
    expect(recodePathSegments('/a!b/%7euser/%e1%88%b4')).toBe('/a%21b/~user/%E1%88%B4')
  })

  it('keeps an encoded slash inside its segment', () => {
    expect(recodePathSegments('/a%2fb/c')).toBe('/a%2Fb/c')
  })

  it('is the identity on a canonical path, repeated slashes included', () => {
    expect(recodePathSegments('//a%20b//c~/')).toBe('//a%20b//c~/')
  })
})

describe('normalizePathSegments', () => {
  it('resolves dot segments and merges repeated slashes', () => {
    expect(normalizePathSegments('/example/..')).toBe('/')
    expect(normalizePathSegments('/example1/example2/../..')).toBe('/')
    expect(normalizePathSegments('/./')).toBe('/')
    expect(normalizePathSegments('/./example')).toBe('/example')
    expect(normalizePathSegments('//')).toBe('/')
    expect(normalizePathSegments('//example//')).toBe('/example/')
    expect(normalizePathSegments('/a/b/../c/./d')).toBe('/a/c/d')
  })

  it('does not climb above the root', () => {
    expect(normalizePathSegments('/../../a')).toBe('/a')
  })

  it('treats encoded dots as names', () => {
    expect(normalizePathSegments('/a/%2E%2E/b')).toBe('/a/%2E%2E/b')
  })

  it('keeps the leading and trailing slash', () => {
    expect(normalizePathSegments('/')).toBe('/')
    expect(normalizePathSegments('')).toBe('')
    expect(normalizePathSegments('a/b/')).toBe('a/b/')
  })
})

describe('isPlainPath', () => {
  it('accepts absolute paths of unreserved characters and single slashes, no segment starting with a dot', () => {
    for (const p of ['/', '/a', '/v1/orders/12345', '/a/', '/a.b/c~d_e-f', '/a..b']) expect(isPlainPath(p)).toBe(true)
  })

  it('refuses anything normalization or encoding would change', () => {
    for (const p of ['', 'a/b', '//', '/a//b', '/.', '/./a', '/a/..', '/.well-known', '/a%20b', '/a b', '/a+b', '/é']) expect(isPlainPath(p)).toBe(false)
  })

  it('agrees with normalizePathSegments and encodeRfc3986 on what it accepts', () => {
    for (const p of ['/', '/a', '/a/', '/v1/orders/12345', '/a.b/c~d']) {
      expect(normalizePathSegments(p)).toBe(p)
      expect(encodeRfc3986(p, true)).toBe(p)
    }
  })
})
