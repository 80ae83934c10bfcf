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
    for (const bad of ['20150830T123660Z', '20150431T000000Z', '21000229T000000Z', '19691231T235959Z', '2015083OT123600Z', '20150830T12360０Z']) expect(parseAmzDate(bad)).toBe(undefined)
  })

  it('knows leap years', () => {
    expect(parseAmzDate('20000229T000000Z')).toBe(Date.UTC(2000, 1, 29) / 1000)
    expect(parseAmzDate('20240229T235959Z')).toBe(Date.UTC(2024, 1, 29, 23, 59, 59) / 1000)
    expect(parseAmzDate('19700101T000000Z')).toBe(0)
  })

  it('refuses times it cannot write in four-digit years', () => {
    expect(() => formatAmzDate(Date.UTC(10000, 0, 1))).toThrow('sigv4')
    expect(() => formatAmzDate(Number.NaN)).toThrow('sigv4')
  })
})
