import { describe, expect, it } from 'vitest'
import { formatAmzDate, parseAmzDate } from './date.ts'

describe('SigV4 dates', () => {
  it('formats a time as YYYYMMDDTHHMMSSZ, dropping milliseconds', () => {
    expect(formatAmzDate(Date.UTC(2015, 7, 30, 12, 36, 0, 999))).toBe('20150830T123600Z')
    expect(formatAmzDate(0)).toBe('19700101T000000Z')
  })

  it('parses one back to unix seconds', () => {
    expect(parseAmzDate('20150830T123600Z')).toBe(Date.UTC(2015, 7, 30, 12, 36) / 1000)
  })

  it('rejects other formats and impossible dates', () => {
    for (const bad of ['2015-08-30T12:36:00Z', '20150830T123600', '20150830t123600z', '20150230T000000Z', '20151301T000000Z', '20150830T246000Z', ' 20150830T123600Z']) {
      expect(parseAmzDate(bad)).toBe(undefined)
    }
  })

  it('refuses times it cannot write in four-digit years', () => {
    expect(() => formatAmzDate(Date.UTC(10000, 0, 1))).toThrow('sigv4')
    expect(() => formatAmzDate(Number.NaN)).toThrow('sigv4')
  })
})
