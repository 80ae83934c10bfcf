import { fail } from '../../errors.ts'

// The last second formatted: a busy signer formats the same second many times.
let lastSecond = NaN
let lastText = ''

/** The SigV4 timestamp of `ms` (milliseconds since the epoch), e.g. `20150830T123600Z`. */
export function formatAmzDate(ms: number): string {
  const second = Math.floor(ms / 1000)
  if (second === lastSecond) return lastText
  const text = formatAmzDateUncached(ms)
  lastSecond = second
  lastText = text
  return text
}

function formatAmzDateUncached(ms: number): string {
  const date = new Date(ms)
  const year = date.getUTCFullYear()
  if (!Number.isFinite(ms) || year < 1970 || year > 9999) fail('invalid_input', `sigv4: the signing time ${String(ms)} ms is outside the years 1970 to 9999`, { component: 'x-amz-date' })
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z')
}

// Days per month of a common year; February gains one in leap years.
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

/** The number written by the ASCII digits text[from, to), or -1 when one is not a digit. */
function digits(text: string, from: number, to: number): number {
  let n = 0
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 0x30
    if (d < 0 || d > 9) return -1
    n = n * 10 + d
  }
  return n
}

/**
 * Unix seconds of a SigV4 timestamp, or `undefined` when it is not one: another format, an
 * impossible date (month 13, Feb 30, hour 24, second 60), or a year before 1970, which
 * {@link formatAmzDate} cannot write back. Parsed by hand: it runs on every verification.
 */
export function parseAmzDate(text: string): number | undefined {
  if (text.length !== 16 || text.charCodeAt(8) !== 0x54 /* T */ || text.charCodeAt(15) !== 0x5a /* Z */) return undefined
  const y = digits(text, 0, 4)
  const mo = digits(text, 4, 6)
  const d = digits(text, 6, 8)
  const h = digits(text, 9, 11)
  const mi = digits(text, 11, 13)
  const s = digits(text, 13, 15)
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59) return undefined
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
  if (d > MONTH_DAYS[mo - 1]! + (mo === 2 && leap ? 1 : 0)) return undefined
  return Date.UTC(y, mo - 1, d, h, mi, s) / 1000
}
