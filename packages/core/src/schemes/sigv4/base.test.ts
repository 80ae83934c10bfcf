import { describe, expect, it } from 'vitest'
import { sigv4Base, splitSigV4Base } from './base.ts'

describe('SigV4 base', () => {
  it('splits back into canonical request and string to sign, though the canonical request has a blank line', () => {
    const canonicalRequest = 'GET\n/\n\nhost:example.com\n\nhost\ne3b0'
    const stringToSign = 'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/r/s/aws4_request\nabcd'
    expect(splitSigV4Base(sigv4Base(canonicalRequest, stringToSign))).toEqual({ canonicalRequest, stringToSign })
  })

  it('refuses text that is not one', () => {
    expect(() => splitSigV4Base('a\nb')).toThrow('not a SigV4 base')
  })
})
